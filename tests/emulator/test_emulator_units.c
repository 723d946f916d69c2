/*
 * Unit tests of the emulator's pure parts: request validation against the model, SigV4
 * verification outcomes, NextToken integrity, canned statements, result paging, the credentials
 * file and fault planning. No sockets, no PostgreSQL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "emu_auth.h"
#include "emu_canned.h"
#include "emu_config.h"
#include "emu_faults.h"
#include "emu_result.h"
#include "emu_token.h"
#include "emu_validate.h"

/* ---- validation ---- */

static void validate(const char *op, const char *json, emu_err *err, bool expect_ok) {
  cJSON *in = cJSON_Parse(json);
  assert_non_null(in);
  bool ok = emu_validate_input(emu_validate_shape(op), in, err);
  cJSON_Delete(in);
  if (ok != expect_ok) {
    fprintf(stderr, "%s %s: %s\n", op, json, err->message != NULL ? err->message : "(ok)");
  }
  assert_int_equal(ok, expect_ok);
}

static void test_validate_accepts_model_inputs(void **state) {
  (void)state;
  emu_err err = {0};
  validate("ExecuteStatement",
           "{\"Sql\":\"select 1\",\"WorkgroupName\":\"my-wg\",\"Database\":\"dev\","
           "\"Parameters\":[{\"name\":\"a_1\",\"value\":\"x\"}],\"WaitTimeSeconds\":30,"
           "\"SessionKeepAliveSeconds\":0,\"ResultFormat\":\"CSV\",\"Unknown\":[1],"
           "\"DbUser\":null}",
           &err, true);
  validate("DescribeStatement", "{\"Id\":\"d9b6c0c9-0747-4bf4-b142-e8883122f766:12\"}", &err, true);
  validate("ListStatements", "{}", &err, true);
  validate("ExecuteStatement",
           "{\"Sql\":\"x\",\"WorkgroupName\":\"arn:aws:redshift-serverless:us-east-1:123456789012:"
           "workgroup/d9b6c0c9-0747-4bf4-b142-e8883122f766\"}",
           &err, true);
}

static void test_validate_messages(void **state) {
  (void)state;
  emu_err err = {0};
  /* A statement id outside its pattern is the service's own check: it comes after the model's
   * constraints, alone, in the service's words. */
  validate("DescribeStatement",
           "{\"Id\":\"D9B6C0C9-0747-4bf4-b142-e8883122f766\",\"WaitTimeSeconds\":0}", &err, false);
  assert_string_equal(err.type, "ValidationException");
  assert_int_equal(err.status, 400);
  assert_string_equal(err.message,
                      "1 validation error detected: Value '0' at 'waitTimeSeconds' failed to "
                      "satisfy constraint: Member must have value greater than or equal to 1");
  emu_err_clear(&err);
  static const char *const id_ops[] = {"DescribeStatement", "GetStatementResult",
                                       "GetStatementResultV2", "CancelStatement"};
  for (size_t i = 0; i < sizeof id_ops / sizeof id_ops[0]; i++) {
    validate(id_ops[i], "{\"Id\":\"InvalidStatementId\"}", &err, false);
    assert_string_equal(err.type, "ValidationException");
    assert_int_equal(err.status, 400);
    assert_string_equal(err.message, "id must satisfy regex pattern: "
                                     "^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\\d{0,2})?$");
    emu_err_clear(&err);
  }
  validate("GetStatementResult", "{\"Id\":\"70662acc-f334-46f8-b953-3a9546796d7k:12\"}", &err,
           true);
  validate("GetStatementResult", "{}", &err, false);
  assert_string_equal(err.message, "1 validation error detected: Value null at 'id' failed to "
                                   "satisfy constraint: Member must not be null");
  emu_err_clear(&err);
  /* Other members keep the model's wording, SessionId included. */
  validate("ExecuteStatement", "{\"Sql\":\"x\",\"SessionId\":\"NOT-A-SESSION\"}", &err, false);
  assert_non_null(strstr(err.message, "1 validation error detected: Value 'NOT-A-SESSION' at "
                                      "'sessionId' failed to satisfy constraint: Member must "
                                      "satisfy regular expression pattern: "));
  emu_err_clear(&err);
  validate("ExecuteStatement",
           "{\"Sql\":\"x\",\"Parameters\":[{\"name\":\"bad-name\",\"value\":\"\"}],"
           "\"ResultFormat\":\"XML\"}",
           &err, false);
  assert_string_equal(
      err.message,
      "3 validation errors detected: Value 'bad-name' at 'parameters.1.member.name' failed to "
      "satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z_]+; Value '' "
      "at 'parameters.1.member.value' failed to satisfy constraint: Member must have length "
      "greater than or equal to 1; Value 'XML' at 'resultFormat' failed to satisfy constraint: "
      "Member must satisfy enum value set: [JSON, CSV]");
  emu_err_clear(&err);
  validate("BatchExecuteStatement", "{\"Sqls\":[]}", &err, false);
  assert_string_equal(err.message, "1 validation error detected: Value '[]' at 'sqls' failed to "
                                   "satisfy constraint: Member must have length greater than or "
                                   "equal to 1");
  emu_err_clear(&err);
  /* Element paths: "<list>.<N>.member", nested into structures. */
  validate("BatchExecuteStatement", "{\"Sqls\":[\"select 1\",null]}", &err, false);
  assert_string_equal(err.message, "1 validation error detected: Value null at 'sqls.2.member' "
                                   "failed to satisfy constraint: Member must not be null");
  emu_err_clear(&err);
  char many[4096];
  int n = snprintf(many, sizeof many, "{\"Sql\":\"x\",\"Parameters\":[");
  for (int i = 1; i <= 40; i++) {
    n += snprintf(many + n, sizeof many - (size_t)n, "%s{\"name\":\"p%d\",\"value\":\"%s\"}",
                  i > 1 ? "," : "", i, i == 40 ? "" : "v");
  }
  snprintf(many + n, sizeof many - (size_t)n, "]}");
  validate("ExecuteStatement", many, &err, false);
  assert_string_equal(err.message, "1 validation error detected: Value '' at "
                                   "'parameters.40.member.value' failed to satisfy constraint: "
                                   "Member must have length greater than or equal to 1");
  emu_err_clear(&err);
  validate("ExecuteStatement", "{\"Parameters\":[]}", &err, false);
  assert_non_null(strstr(err.message, "Value null at 'sql' failed to satisfy constraint: Member "
                                      "must not be null"));
  assert_non_null(strstr(err.message, "Value '[]' at 'parameters'"));
  emu_err_clear(&err);
}

static void test_validate_type_errors(void **state) {
  (void)state;
  emu_err err = {0};
  validate("ListStatements", "{\"MaxResults\":\"5\"}", &err, false);
  assert_string_equal(err.type, "SerializationException");
  assert_string_equal(err.message, "STRING_VALUE can not be converted to an Integer");
  emu_err_clear(&err);
  validate("ListStatements", "{\"MaxResults\":1.5}", &err, false);
  assert_string_equal(err.type, "SerializationException");
  emu_err_clear(&err);
  validate("ExecuteStatement", "{\"Sql\":{\"a\":1}}", &err, false);
  assert_string_equal(err.message, "Start of structure or map found where not expected.");
  emu_err_clear(&err);
  validate("BatchExecuteStatement", "{\"Sqls\":\"select 1\"}", &err, false);
  assert_string_equal(err.type, "SerializationException");
  emu_err_clear(&err);
  validate("ExecuteStatement", "{\"Sql\":\"x\",\"Parameters\":[\"a\"]}", &err, false);
  assert_string_equal(err.type, "SerializationException");
  emu_err_clear(&err);
  validate("ListStatements", "[]", &err, false);
  assert_string_equal(err.type, "SerializationException");
  assert_null(err.message);
  emu_err_clear(&err);
}

/* ---- SigV4 verification ---- */

typedef struct signed_req {
  auth_sigv4_header h[6];
  size_t n;
  char date[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  auth_sigv4_buf authz;
  auth_sigv4_request req;
} signed_req;

static const char *body = "{\"Id\":\"d9b6c0c9-0747-4bf4-b142-e8883122f766\"}";

static void sign(signed_req *s, int64_t when, const char *akid, const char *secret,
                 const char *region, const char *service) {
  memset(s, 0, sizeof *s);
  assert_true(auth_sigv4_format_amz_date(when, s->date));
  s->h[0] = (auth_sigv4_header){"Host", 4, "127.0.0.1:1", 11};
  s->h[1] = (auth_sigv4_header){"Content-Type", 12, "application/x-amz-json-1.1", 26};
  s->h[2] = (auth_sigv4_header){"X-Amz-Target", 12, "RedshiftData.DescribeStatement", 30};
  s->h[3] = (auth_sigv4_header){"X-Amz-Date", 10, s->date, AUTH_SIGV4_AMZ_DATE_LEN};
  s->n = 4;
  s->req = (auth_sigv4_request){.method = "POST",
                                .path = "/",
                                .path_len = 1,
                                .headers = s->h,
                                .n_headers = s->n,
                                .payload = (const uint8_t *)body,
                                .payload_len = strlen(body)};
  auth_sigv4_params p = {.access_key_id = akid,
                         .secret_access_key = secret,
                         .region = region,
                         .service = service,
                         .amz_date = s->date,
                         .normalize_path = true};
  assert_int_equal(auth_sigv4_authorization(&s->req, &p, &s->authz), AUTH_SIGV4_OK);
  s->h[s->n++] = (auth_sigv4_header){"Authorization", 13, s->authz.data, s->authz.len};
  s->req.n_headers = s->n;
}

static emu_config test_config(void) {
  emu_config c;
  memset(&c, 0, sizeof c);
  c.region = "us-east-1";
  static emu_key keys[2] = {{"AKIDPERM", "permsecret", NULL}, {"AKIDTEMP", "tempsecret", "TOK"}};
  c.keys = keys;
  c.n_keys = 2;
  return c;
}

#define NOW 1700000000

static void expect_auth(signed_req *s, const char *type, const char *msg_part) {
  emu_config cfg = test_config();
  emu_err err = {0};
  const emu_key *k = emu_auth_verify(&cfg, &s->req, NOW, &err);
  if (type == NULL) {
    if (k == NULL) {
      fprintf(stderr, "unexpected: %s %s\n", err.type, err.message);
    }
    assert_non_null(k);
  } else {
    assert_null(k);
    assert_string_equal(err.type, type);
    assert_int_equal(err.status, 400);
    if (msg_part != NULL && strstr(err.message, msg_part) == NULL) {
      fprintf(stderr, "message: %s\n", err.message);
      fail();
    }
  }
  emu_err_clear(&err);
  auth_sigv4_buf_free(&s->authz);
}

static void test_auth_outcomes(void **state) {
  (void)state;
  signed_req s;
  sign(&s, NOW, "AKIDPERM", "permsecret", "us-east-1", "redshift-data");
  expect_auth(&s, NULL, NULL);
  sign(&s, NOW, "AKIDPERM", "wrong", "us-east-1", "redshift-data");
  expect_auth(&s, "InvalidSignatureException",
              "\n\nThe Canonical String for this request should "
              "have been\n'POST\n/\n\ncontent-type:application/"
              "x-amz-json-1.1\nhost:127.0.0.1:1\n");
  sign(&s, NOW, "AKIDNONE", "permsecret", "us-east-1", "redshift-data");
  expect_auth(&s, "UnrecognizedClientException",
              "The security token included in the request is invalid.");
  sign(&s, NOW, "AKIDTEMP", "tempsecret", "us-east-1", "redshift-data"); /* no token header */
  expect_auth(&s, "UnrecognizedClientException", NULL);
  sign(&s, NOW, "AKIDPERM", "permsecret", "eu-west-1", "redshift-data");
  expect_auth(&s, "InvalidSignatureException", "Credential should be scoped to a valid region.");
  sign(&s, NOW, "AKIDPERM", "permsecret", "us-east-1", "redshift");
  expect_auth(&s, "InvalidSignatureException", "correct service: 'redshift-data'");
  sign(&s, NOW - 16 * 60, "AKIDPERM", "permsecret", "us-east-1", "redshift-data");
  expect_auth(&s, "InvalidSignatureException",
              "Signature expired: 20231114T215720Z is now earlier than 20231114T215820Z "
              "(20231114T221320Z - 15 min.)");
  sign(&s, NOW + 14 * 60, "AKIDPERM", "permsecret", "us-east-1", "redshift-data");
  expect_auth(&s, NULL, NULL);
  /* The body changed after signing. */
  sign(&s, NOW, "AKIDPERM", "permsecret", "us-east-1", "redshift-data");
  s.req.payload = (const uint8_t *)"{}";
  s.req.payload_len = 2;
  expect_auth(&s, "InvalidSignatureException", "does not match");
  /* X-Amz-Date missing (signed list still names it) and malformed. */
  sign(&s, NOW, "AKIDPERM", "permsecret", "us-east-1", "redshift-data");
  s.h[3].name = "X-Nothing";
  s.h[3].name_len = 9;
  expect_auth(
      &s, "IncompleteSignatureException",
      "'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 Credential=AKIDPERM/");
  sign(&s, NOW, "AKIDPERM", "permsecret", "us-east-1", "redshift-data");
  s.h[3].value = "2023-11-14";
  s.h[3].value_len = 10;
  expect_auth(&s, "IncompleteSignatureException",
              "Date must be in ISO-8601 'basic format'. Got '2023-11-14'.");
  /* No Authorization at all, and a broken one. */
  sign(&s, NOW, "AKIDPERM", "permsecret", "us-east-1", "redshift-data");
  s.req.n_headers = 4;
  {
    emu_config cfg = test_config();
    emu_err err = {0};
    assert_null(emu_auth_verify(&cfg, &s.req, NOW, &err));
    assert_string_equal(err.type, "MissingAuthenticationTokenException");
    emu_err_clear(&err);
  }
  s.req.n_headers = 5;
  s.h[4].value =
      "AWS4-HMAC-SHA256 Credential=AKIDPERM/20231114/us-east-1/redshift-data/aws4_request";
  s.h[4].value_len = strlen(s.h[4].value);
  expect_auth(&s, "IncompleteSignatureException", "Authorization=AWS4-HMAC-SHA256 Credential=");
}

/* ---- NextToken ---- */

static void test_tokens(void **state) {
  (void)state;
  unsigned char key[32] = {1, 2, 3};
  char tok[EMU_TOKEN_LEN + 1];
  int64_t pos = -1;
  assert_true(emu_token_make(key, "stmt-a|json", 123456789012LL, tok));
  assert_int_equal(strlen(tok), EMU_TOKEN_LEN);
  assert_true(emu_token_parse(key, "stmt-a|json", tok, &pos));
  assert_int_equal(pos, 123456789012LL);
  assert_false(emu_token_parse(key, "stmt-b|json", tok, &pos)); /* another statement */
  assert_false(emu_token_parse(key, "stmt-a|csv", tok, &pos));  /* another format */
  unsigned char other[32] = {9};
  assert_false(emu_token_parse(other, "stmt-a|json", tok, &pos)); /* another emulator run */
  for (size_t i = 0; i < EMU_TOKEN_LEN; i++) {
    char t2[EMU_TOKEN_LEN + 1];
    memcpy(t2, tok, sizeof t2);
    t2[i] = t2[i] == 'A' ? 'B' : 'A';
    assert_false(emu_token_parse(key, "stmt-a|json", t2, &pos));
  }
  assert_false(emu_token_parse(key, "stmt-a|json", "", &pos));
  assert_false(emu_token_parse(key, "stmt-a|json", "not a token at all, not at all!!", &pos));
}

/* ---- canned statements and paging ---- */

static void test_canned_parse(void **state) {
  (void)state;
  emu_canned c;
  const char *why = NULL;
  const char *yes[] = {"select * from redwire_canned(10, 'four')",
                       "  SELECT*FROM REDWIRE_CANNED ( 10 ,'FOUR' ) ; \n",
                       "select\t*\nfrom redwire_canned(10,'four');"};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(emu_canned_parse(yes[i], strlen(yes[i]), &c, &why), EMU_CANNED_YES);
    assert_int_equal(c.rows, 10);
    assert_int_equal(c.shape, EMU_CANNED_FOUR);
  }
  const char *no[] = {"select 1", "select * from redwire_cannedx(1, 'four')", "select * from t",
                      "selectx * from redwire_canned(1,'four')"};
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(emu_canned_parse(no[i], strlen(no[i]), &c, &why), EMU_CANNED_NO);
  }
  const char *bad[] = {"select * from redwire_canned(10, 'tall')",
                       "select * from redwire_canned(, 'four')",
                       "select * from redwire_canned(10, 'four') where 1=1",
                       "select * from redwire_canned(99999999999999999999, 'four')",
                       "select * from redwire_canned(10, 'four'"};
  for (size_t i = 0; i < 5; i++) {
    assert_int_equal(emu_canned_parse(bad[i], strlen(bad[i]), &c, &why), EMU_CANNED_INVALID);
    assert_non_null(why);
  }
}

static void test_canned_rows_and_paging(void **state) {
  (void)state;
  emu_canned spec = {.rows = 10, .shape = EMU_CANNED_FOUR};
  emu_result *r = emu_result_canned(&spec);
  assert_non_null(r);
  assert_int_equal(r->ncols, 4);
  char scratch[EMU_CANNED_SCRATCH];
  const char *v;
  size_t len;
  bool is_null;
  emu_result_cell(r, 0, 3, scratch, &v, &len, &is_null);
  assert_string_equal(v, "2023-11-14 22:13:20+00");
  emu_result_cell(r, 1, 1, scratch, &v, &len, &is_null);
  assert_int_equal(len, 32);
  emu_buf b;
  emu_buf_init(&b, 1u << 20);
  /* Row limit. */
  assert_int_equal(emu_result_json_records(r, &b, 0, 3, 1u << 20), 3);
  assert_non_null(strstr(b.data, "[[{\"longValue\":1},{\"stringValue\":\""));
  assert_non_null(strstr(b.data, "{\"doubleValue\":0.25}"));
  cJSON *page = cJSON_Parse(b.data);
  assert_int_equal(cJSON_GetArraySize(page), 3);
  cJSON_Delete(page);
  /* Byte limit: a page ends at the first row reaching it, but holds at least one row. */
  emu_buf_reset(&b);
  assert_int_equal(emu_result_json_records(r, &b, 8, 100, 1), 9);
  emu_buf_reset(&b);
  int64_t next = emu_result_json_records(r, &b, 0, 100, 300);
  assert_true(next > 1 && next < 10);
  page = cJSON_Parse(b.data);
  assert_non_null(page); /* still valid JSON after the cut */
  assert_int_equal(cJSON_GetArraySize(page), next);
  cJSON_Delete(page);
  /* The end. */
  emu_buf_reset(&b);
  assert_int_equal(emu_result_json_records(r, &b, 10, 100, 1u << 20), 10);
  assert_string_equal(b.data, "[]");
  emu_result_unref(r);

  /* CSV: header, quoting, NULL vs empty string. */
  emu_canned wide = {.rows = 2, .shape = EMU_CANNED_WIDE};
  r = emu_result_canned(&wide);
  emu_buf_reset(&b);
  assert_int_equal(emu_result_csv(r, &b, 0, 100, 1u << 20, true), 2);
  assert_true(strncmp(b.data, "c_int2,c_int4,", 14) == 0);
  assert_non_null(strstr(b.data, ",\"row 0 \"\"quoted\"\" back\\slash"));
  assert_non_null(strstr(b.data, ",1000003,\"\","));            /* row 1: n_text is '' */
  assert_non_null(strstr(b.data, ",\\xafcd1d7b39a8,,,,,\r\n")); /* row 0: NULLs */
  emu_result_unref(r);
  emu_buf_free(&b);
}

/* ---- credentials and faults ---- */

static void test_credentials_file(void **state) {
  (void)state;
  emu_config c;
  memset(&c, 0, sizeof c);
  char err[256];
  assert_true(emu_config_parse_credentials(
      &c, "# comment\n\nAKID1 secret1\n  AKID2\tsecret2 TOKEN2 # x\n", "creds", err, sizeof err));
  assert_int_equal(c.n_keys, 2);
  assert_string_equal(emu_config_find_key(&c, "AKID2", 5)->session_token, "TOKEN2");
  assert_null(emu_config_find_key(&c, "AKID1", 5)->session_token);
  assert_null(emu_config_find_key(&c, "AKID", 4));
  assert_false(emu_config_parse_credentials(&c, "ok1 s\nlonely\n", "creds", err, sizeof err));
  assert_string_equal(err, "creds:2: expected ACCESS_KEY_ID SECRET_ACCESS_KEY [SESSION_TOKEN]");
  assert_false(emu_config_parse_credentials(&c, "a b c d\n", "creds", err, sizeof err));
  emu_config_free(&c);
}

static void test_targets_config(void **state) {
  (void)state;
  emu_config c;
  char err[256];
  char *plain[] = {"redwire-emulator", "--pg", "host=x", "--key", "A:B"};
  assert_int_equal(emu_config_parse(5, plain, &c, err, sizeof err), EMU_CONFIG_OK);
  /* No --cluster/--workgroup: every name exists. */
  assert_true(emu_config_target_exists(&c, "any-cluster", NULL));
  assert_true(emu_config_target_exists(&c, NULL, "any-workgroup"));
  emu_config_free(&c);
  char *some[] = {"redwire-emulator", "--pg",  "host=x",          "--key",       "A:B",
                  "--cluster",        "c-one", "--cluster=c-two", "--workgroup", "wg-one"};
  assert_int_equal(emu_config_parse(10, some, &c, err, sizeof err), EMU_CONFIG_OK);
  assert_int_equal(c.n_clusters, 2);
  assert_true(emu_config_target_exists(&c, "c-one", NULL));
  assert_true(emu_config_target_exists(&c, "c-two", NULL));
  assert_true(emu_config_target_exists(&c, NULL, "wg-one"));
  assert_false(emu_config_target_exists(&c, "clusterid", NULL));
  assert_false(emu_config_target_exists(&c, NULL, "c-one")); /* a cluster is not a workgroup */
  assert_false(emu_config_target_exists(&c, "wg-one", NULL));
  emu_config_free(&c);
  char *empty[] = {"redwire-emulator", "--pg", "host=x", "--key", "A:B", "--workgroup", ""};
  assert_int_equal(emu_config_parse(7, empty, &c, err, sizeof err), EMU_CONFIG_ERROR);
  assert_string_equal(err, "--workgroup: expected a workgroup name");
  emu_config_free(&c);
}

/* A --config file sets page size and faults; comments are skipped; flags on the command line win;
 * a bad line is named by file and line. */
static void test_config_file(void **state) {
  (void)state;
  char path[] = "/tmp/emu-config-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  static const char text[] = "# emulator settings\n"
                             "page-rows = 7\n"
                             "; faults\n"
                             "latency-ms = 300\n"
                             "wait-time = ignore\n"
                             "\n"
                             "page-bytes = 4096\n";
  assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
  close(fd);
  emu_config c;
  char err[256];
  char *argv[] = {"redwire-emulator", "--pg", "host=x",       "--key", "A:B",
                  "--config",         path,   "--page-bytes", "9000"};
  assert_int_equal(emu_config_parse(9, argv, &c, err, sizeof err), EMU_CONFIG_OK);
  assert_int_equal(c.page_rows, 7);
  assert_int_equal(c.page_bytes, 9000); /* the flag, not the file's 4096 */
  assert_int_equal(c.faults.latency_ms, 300);
  assert_int_equal(c.faults.wait_time, EMU_WAIT_IGNORE);
  emu_config_free(&c);

  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("page-rows = 7\nthrottle-rate = 2\n", f);
  fclose(f);
  assert_int_equal(emu_config_parse(7, argv, &c, err, sizeof err), EMU_CONFIG_ERROR);
  print_message("  %s\n", err);
  assert_non_null(strstr(err, ":2"));
  assert_non_null(strstr(err, "throttle-rate"));
  emu_config_free(&c);
  unlink(path);
}

static void test_fault_settings_and_plans(void **state) {
  (void)state;
  emu_fault_settings s;
  emu_fault_settings_init(&s);
  const char *why = NULL;
  assert_false(emu_fault_settings_apply(&s, "throttle-rate", "1.5", &why));
  assert_false(emu_fault_settings_apply(&s, "throttle-rate", "x", &why));
  assert_false(emu_fault_settings_apply(&s, "fault-ops", "ExecuteStatement,Nope", &why));
  assert_false(emu_fault_settings_apply(&s, "latency-ms", "-1", &why));
  assert_true(emu_fault_settings_apply(&s, "fault-ops", "ExecuteStatement, ListTables", &why));
  assert_int_equal(s.ops_mask, (1u << EMU_OP_EXECUTE_STATEMENT) | (1u << EMU_OP_LIST_TABLES));
  assert_true(emu_fault_settings_apply(&s, "throttle-rate", "0.5", &why));
  assert_true(emu_fault_settings_apply(&s, "fault-seed", "42", &why));
  emu_faults *a = emu_faults_new(&s), *b = emu_faults_new(&s);
  int throttled = 0;
  for (int i = 0; i < 200; i++) {
    emu_fault_plan pa, pb, other;
    emu_faults_plan(a, EMU_OP_EXECUTE_STATEMENT, &pa);
    emu_faults_plan(b, EMU_OP_EXECUTE_STATEMENT, &pb);
    assert_int_equal(pa.kind, pb.kind); /* same seed, same faults */
    throttled += pa.kind == EMU_FAULT_THROTTLE;
    emu_faults_plan(a, EMU_OP_DESCRIBE_STATEMENT, &other);
    assert_int_equal(other.kind, EMU_FAULT_NONE); /* not in fault-ops */
    emu_faults_plan(b, EMU_OP_DESCRIBE_STATEMENT, &other);
  }
  assert_true(throttled > 60 && throttled < 140);
  emu_faults_free(a);
  emu_faults_free(b);
  cJSON *j = cJSON_Parse("{\"stall-ms\":250,\"fault-ops\":[\"GetStatementResult\"]}");
  char err[128];
  assert_true(emu_fault_settings_from_json(j, &s, err, sizeof err));
  assert_int_equal(s.stall_ms, 250);
  assert_true(s.throttle_rate == 0.0); /* replaced, not merged */
  cJSON_Delete(j);
  j = cJSON_Parse("{\"stall\":1}");
  assert_false(emu_fault_settings_from_json(j, &s, err, sizeof err));
  cJSON_Delete(j);

  /* wait-time is not drawn: every planned request of an operation in fault-ops gets it. */
  assert_false(emu_fault_settings_apply(&s, "wait-time", "sometimes", &why));
  assert_true(emu_fault_settings_apply(&s, "wait-time", "reject", &why));
  assert_true(emu_fault_settings_apply(&s, "fault-ops", "DescribeStatement", &why));
  emu_faults *w = emu_faults_new(&s);
  emu_fault_plan pw;
  emu_faults_plan(w, EMU_OP_DESCRIBE_STATEMENT, &pw);
  assert_int_equal(pw.wait_time, EMU_WAIT_REJECT);
  emu_faults_plan(w, EMU_OP_EXECUTE_STATEMENT, &pw);
  assert_int_equal(pw.wait_time, EMU_WAIT_HONOUR);
  emu_faults_free(w);
  emu_buf out;
  emu_buf_init(&out, 4096);
  emu_fault_settings_json(&s, &out);
  assert_non_null(strstr(out.data, "\"wait-time\":\"reject\""));
  emu_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_validate_accepts_model_inputs),
      cmocka_unit_test(test_validate_messages),
      cmocka_unit_test(test_validate_type_errors),
      cmocka_unit_test(test_auth_outcomes),
      cmocka_unit_test(test_tokens),
      cmocka_unit_test(test_canned_parse),
      cmocka_unit_test(test_canned_rows_and_paging),
      cmocka_unit_test(test_credentials_file),
      cmocka_unit_test(test_targets_config),
      cmocka_unit_test(test_config_file),
      cmocka_unit_test(test_fault_settings_and_plans),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
