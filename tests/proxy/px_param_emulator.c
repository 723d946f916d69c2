/* px_param_emulator.c — Bind parameters through px_param into real ExecuteStatement calls on the
 * stack's Data API emulator (and its PostgreSQL): the :pn the proxy writes must be substituted
 * and typed there as the client meant them ($1 compared with an int column, a binary date added
 * to, NULL and '' inlined, hostile values returned byte for byte and never run as SQL).
 *
 * Each case: parameter values (text or binary, with the declared type) → px_param_text →
 * px_param_render → dapi_ops_build_execute (redwire's own body builder) → the emulator → the
 * first field of GetStatementResult, compared with the expected text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dapi_ops.h"
#include "pgw_buf.h"
#include "px_param.h"
#include "test_emulator_client.h"

static tc_client client;

/* One parameter as a client would bind it. */
typedef struct bind_value {
  int16_t format;   /* 0 text, 1 binary */
  uint32_t oid;     /* declared type, 0 unspecified */
  const char *data; /* NULL: SQL NULL */
  int32_t len;      /* -1: strlen(data) */
} bind_value;

#define TXT(oid, s)                                                                                \
  { 0, oid, s, -1 }
#define BIN(oid, s, n)                                                                             \
  { 1, oid, s, n }
#define NUL(oid)                                                                                   \
  { 0, oid, NULL, -1 }

/* Runs sql with the values; returns the first field of the first row as text ("true"/"false" for
 * booleans, "NULL" for a null) in out, or the Error of a FAILED statement prefixed "ERROR ". */
static void run(const char *sql, const bind_value *v, uint16_t n, char *out, size_t cap) {
  char *texts[16] = {0};
  size_t lens[16] = {0};
  uint32_t oids[16] = {0};
  assert_true(n <= 16);
  for (uint16_t i = 0; i < n; i++) {
    oids[i] = v[i].oid;
    if (v[i].data == NULL)
      continue;
    int32_t len = v[i].len >= 0 ? v[i].len : (int32_t)strlen(v[i].data);
    px_param_in in = {(const uint8_t *)v[i].data, len, v[i].format, v[i].oid};
    pgw_buf b;
    pgw_buf_init(&b, 1u << 20);
    pgw_error err;
    assert_int_equal(px_param_text(&in, i, &b, &err), PX_OK);
    lens[i] = pgw_buf_len(&b);
    texts[i] = calloc(1, lens[i] + 1);
    assert_non_null(texts[i]);
    if (lens[i] > 0)
      memcpy(texts[i], pgw_buf_data(&b), lens[i]);
    pgw_buf_free(&b);
  }
  px_param_sql ps;
  pgw_error err;
  assert_int_equal(
      px_param_render(sql, strlen(sql), (const char *const *)texts, lens, oids, n, &ps, &err),
      PX_OK);
  dapi_target target = {DAPI_TARGET_WORKGROUP, client.workgroup, "dev", NULL, NULL};
  dapi_execute_input in = {
      .sql = ps.sql,
      .params = ps.params,
      .n_params = ps.n_params,
      .target = &target,
      .session_keep_alive_seconds = -1,
      .wait_time_seconds = 0,
  };
  /* A fresh token per call: the same token would replay the first statement's answer. */
  char token[64];
  static unsigned seq;
  snprintf(token, sizeof token, "px-param-emulator-%ld-%ld-%u", (long)getpid(), (long)time(NULL),
           ++seq);
  in.client_token = token;
  dapi_body body = {0};
  assert_int_equal(dapi_ops_build_execute(&in, 1u << 20, &body), DAPI_OK);
  tc_resp r;
  tc_call(&client, "ExecuteStatement", body.data, NULL, &r);
  dapi_body_free(&body);
  if (r.status != 200)
    fail_msg("ExecuteStatement %ld: %s (sql %s)", r.status, r.body, ps.sql);
  char id[64];
  snprintf(id, sizeof id, "%s", tc_str(r.json, "Id"));
  tc_resp_free(&r);

  char q[200];
  snprintf(q, sizeof q, "{\"Id\":\"%s\",\"WaitTimeSeconds\":30}", id);
  tc_call(&client, "DescribeStatement", q, NULL, &r);
  assert_int_equal(r.status, 200);
  const char *status = tc_str(r.json, "Status");
  assert_non_null(status);
  if (strcmp(status, "FAILED") == 0) {
    snprintf(out, cap, "ERROR %s", tc_str(r.json, "Error"));
    tc_resp_free(&r);
    goto done;
  }
  assert_string_equal(status, "FINISHED");
  tc_resp_free(&r);

  snprintf(q, sizeof q, "{\"Id\":\"%s\"}", id);
  tc_call(&client, "GetStatementResult", q, NULL, &r);
  assert_int_equal(r.status, 200);
  cJSON *records = cJSON_GetObjectItemCaseSensitive(r.json, "Records");
  cJSON *field = cJSON_GetArrayItem(cJSON_GetArrayItem(records, 0), 0);
  assert_non_null(field);
  cJSON *m = field->child;
  assert_non_null(m);
  if (strcmp(m->string, "isNull") == 0)
    snprintf(out, cap, "NULL");
  else if (strcmp(m->string, "booleanValue") == 0)
    snprintf(out, cap, "%s", cJSON_IsTrue(m) ? "true" : "false");
  else if (strcmp(m->string, "longValue") == 0)
    snprintf(out, cap, "%.0f", m->valuedouble); /* small counts only: bigger ones via ::text */
  else if (cJSON_IsString(m))
    snprintf(out, cap, "%s", m->valuestring);
  else
    fail_msg("unexpected field %s", m->string);
  tc_resp_free(&r);
done:
  px_param_sql_free(&ps);
  for (uint16_t i = 0; i < n; i++)
    free(texts[i]);
}

static void check(const char *sql, const bind_value *v, uint16_t n, const char *want) {
  char got[4096];
  run(sql, v, n, got, sizeof got);
  if (strcmp(got, want) != 0)
    fail_msg("%s: got \"%s\", want \"%s\"", sql, got, want);
}

static void test_typed_comparisons(void **state) {
  (void)state;
  /* :p1 compared with an int column: the emulator's untyped text parameter takes the column's
   * type, as Redshift casts it. */
  bind_value two_text[] = {TXT(23, "2")};
  check("select count(*) from (values (1), (2), (3)) t(i) where i = $1", two_text, 1, "1");
  bind_value two_bin[] = {BIN(23, "\x00\x00\x00\x02", 4)};
  check("select count(*) from (values (1), (2), (3)) t(i) where i >= $1", two_bin, 1, "2");
  bind_value big[] = {BIN(20, "\x7f\xff\xff\xff\xff\xff\xff\xfe", 8)};
  check("select ($1::int8 + 1)::text", big, 1, "9223372036854775807");
  bind_value date[] = {BIN(1082, "\x00\x00\x00\x00", 4)};
  check("select ($1::date + 1)::text", date, 1, "2000-01-02");
  /* 2024-06-12 19:30:45.123456+05:30 as timestamptz_send gives it */
  bind_value ts[] = {BIN(1184, "\x00\x02\xbd\xb0\x93\xce\xdf\x80", 8)};
  check("select $1::timestamptz = '2024-06-12 19:30:45.123456+05:30'", ts, 1, "true");
  bind_value num[] = {BIN(1700, "\x00\x02\x00\x00\x00\x00\x00\x02\x00\x0c\x0b\xb8", 12)};
  check("select ($1::numeric * 2)::text", num, 1, "24.60");
  bind_value bytes[] = {BIN(17, "\x00\xff\x27", 3)};
  check("select $1::bytea = '\\x00ff27'::bytea", bytes, 1, "true");
  bind_value flag[] = {BIN(16, "\x01", 1)};
  check("select not $1::bool", flag, 1, "false");
  bind_value negzero[] = {BIN(701, "\x80\x00\x00\x00\x00\x00\x00\x00", 8)};
  check("select $1::float8::text", negzero, 1, "-0");
  bind_value uuid[] = {
      BIN(2950, "\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d\x6b\xb9\xbd\x38\x0a\x11", 16)};
  check("select $1::uuid::text", uuid, 1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

static void test_null_and_empty(void **state) {
  (void)state;
  bind_value null_int[] = {NUL(23)};
  check("select coalesce($1 + 1, -1)", null_int, 1, "-1");
  check("select $1 is null", null_int, 1, "true");
  bind_value null_text[] = {NUL(1043)};
  check("select count(*) from (values (1)) t(i) where i = $1", null_text, 1, "0");
  bind_value empty[] = {TXT(25, "")};
  check("select length($1)", empty, 1, "0");
  bind_value empty_untyped[] = {TXT(0, "")};
  check("select 'a' || $1 || 'b'", empty_untyped, 1, "ab");
  bind_value empty_bytea[] = {BIN(17, "", 0)};
  check("select length($1::bytea)", empty_bytea, 1, "0");
}

static void test_hostile_values(void **state) {
  (void)state;
  static const char *HOSTILE[] = {
      "'; drop table t; --", "\\'; select 1; --", "$1 $2 :p1 :p2 ::int",
      "*/ select 1 /*",      "$$ select 1 $$",    "it''s",
      "\"quoted\" ident",    "é€😀 ' \\ \t",
  };
  for (size_t i = 0; i < sizeof HOSTILE / sizeof HOSTILE[0]; i++) {
    bind_value v[] = {TXT(25, HOSTILE[i])};
    check("select $1", v, 1, HOSTILE[i]);
    /* The same bytes in binary text format. */
    bind_value b[] = {BIN(25, HOSTILE[i], (int32_t)strlen(HOSTILE[i]))};
    check("select $1::text", b, 1, HOSTILE[i]);
  }
  /* $1 inside literals and comments is not a placeholder. */
  bind_value x[] = {TXT(25, "x")};
  check("select '$1' /* $1 */ || $1 -- $1", x, 1, "$1x");
  check("select $q$ $1 $q$ || $1", x, 1, " $1 x");
  /* $10 is not $1 followed by 0. */
  bind_value ten[] = {TXT(25, "a"), TXT(25, "b"), TXT(25, "c"), TXT(25, "d"), TXT(25, "e"),
                      TXT(25, "f"), TXT(25, "g"), TXT(25, "h"), TXT(25, "i"), TXT(25, "j")};
  check("select $10 || $1 || $10", ten, 10, "jaj");
  /* An array slice with a parameter bound. */
  bind_value two[] = {TXT(23, "2")};
  check("select (array[10, 20, 30])[1:$1]::text", two, 1, "{10,20}");
}

int main(void) {
  if (!tc_init(&client)) {
    fprintf(stderr, "px_param_emulator: no stack environment (run tests/stack up)\n");
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_typed_comparisons),
      cmocka_unit_test(test_null_and_empty),
      cmocka_unit_test(test_hostile_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
