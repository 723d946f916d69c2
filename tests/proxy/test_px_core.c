/* test_px_core.c — the pure parts of the proxy core: transaction status rules, login helpers
 * (password split, loopback, client_encoding) and the result sink (GetStatementResult pages →
 * RowDescription/DataRow bytes), the sink fed whole and split at every offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "px_auth.h"
#include "px_features.h"
#include "px_session.h"
#include "px_sink.h"
#include "px_txn.h"

/* ---- helpers ---- */

static size_t unhex(const char *hex, uint8_t *out, size_t cap) {
  size_t n = 0;
  for (const char *p = hex; *p != '\0';) {
    if (*p == ' ') {
      p++;
      continue;
    }
    unsigned v;
    assert_int_equal(sscanf(p, "%2x", &v), 1);
    assert_true(n < cap);
    out[n++] = (uint8_t)v;
    p += 2;
  }
  return n;
}

static pgw_sql_cmd classify(const char *sql) {
  pgw_sql_cmd cmd;
  pgw_error e;
  assert_int_equal(pgw_sql_command(sql, strlen(sql), &cmd, &e), PGW_OK);
  return cmd;
}

/* ---- px_txn ---- */

static void test_txn_gate(void **state) {
  (void)state;
  pgw_sql_cmd sel = classify("select 1"), commit = classify("commit"),
              rollback = classify("rollback"), rb_to = classify("rollback to savepoint a"),
              end = classify("end"), begin = classify("begin");
  assert_int_equal(px_txn_check(PGW_TXN_IDLE, &sel), PX_TXN_RUN);
  assert_int_equal(px_txn_check(PGW_TXN_BLOCK, &sel), PX_TXN_RUN);
  assert_int_equal(px_txn_check(PGW_TXN_FAILED, &sel), PX_TXN_REFUSE);
  assert_int_equal(px_txn_check(PGW_TXN_FAILED, &begin), PX_TXN_REFUSE);
  assert_int_equal(px_txn_check(PGW_TXN_FAILED, &rollback), PX_TXN_RUN);
  assert_int_equal(px_txn_check(PGW_TXN_FAILED, &rb_to), PX_TXN_RUN);
  assert_int_equal(px_txn_check(PGW_TXN_FAILED, &commit), PX_TXN_RUN_AS_ROLLBACK);
  assert_int_equal(px_txn_check(PGW_TXN_FAILED, &end), PX_TXN_RUN_AS_ROLLBACK);
}

static void test_txn_transitions(void **state) {
  (void)state;
  pgw_sql_cmd sel = classify("select 1"), commit = classify("commit"), begin = classify("begin"),
              start = classify("start transaction"), rollback = classify("abort"),
              chain = classify("commit and chain"), rb_to = classify("rollback to a");
  assert_int_equal(px_txn_after_success(PGW_TXN_IDLE, &begin), PGW_TXN_BLOCK);
  assert_int_equal(px_txn_after_success(PGW_TXN_IDLE, &start), PGW_TXN_BLOCK);
  assert_int_equal(px_txn_after_success(PGW_TXN_BLOCK, &sel), PGW_TXN_BLOCK);
  assert_int_equal(px_txn_after_success(PGW_TXN_IDLE, &sel), PGW_TXN_IDLE);
  assert_int_equal(px_txn_after_success(PGW_TXN_BLOCK, &commit), PGW_TXN_IDLE);
  assert_int_equal(px_txn_after_success(PGW_TXN_FAILED, &rollback), PGW_TXN_IDLE);
  assert_int_equal(px_txn_after_success(PGW_TXN_BLOCK, &chain), PGW_TXN_BLOCK);
  assert_int_equal(px_txn_after_success(PGW_TXN_FAILED, &rb_to), PGW_TXN_BLOCK);
  assert_int_equal(px_txn_after_error(PGW_TXN_IDLE), PGW_TXN_IDLE);
  assert_int_equal(px_txn_after_error(PGW_TXN_BLOCK), PGW_TXN_FAILED);
  assert_int_equal(px_txn_after_error(PGW_TXN_FAILED), PGW_TXN_FAILED);
}

/* Plans every statement of sql (split on ';', no literals containing it) as px_query does,
 * assuming each succeeds, and returns the actions as letters: R run, B BEGIN first, A as
 * rollback, L local, X 25P02, N 25P01; a following 'w' marks a WARNING. Then '/' and the
 * implicit state while it runs: '-' none, 'a' alone, 'o' open. */
static const char *plan_all(pgw_txn_status st, const char *sql, char *out, size_t cap) {
  pgw_sql_cmd cmds[16];
  size_t n = 0;
  char copy[512];
  assert_true(strlen(sql) < sizeof copy);
  strcpy(copy, sql);
  for (char *save = NULL, *tok = strtok_r(copy, ";", &save); tok != NULL;
       tok = strtok_r(NULL, ";", &save)) {
    assert_true(n < 16);
    cmds[n++] = classify(tok);
  }
  px_implicit imp = PX_IMPLICIT_NONE;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    px_txn_plan p = px_txn_plan_stmt(st, imp, cmds, n, i);
    static const char acts[] = {
        [PX_PLAN_RUN] = 'R',   [PX_PLAN_BEGIN_FIRST] = 'B',    [PX_PLAN_RUN_AS_ROLLBACK] = 'A',
        [PX_PLAN_LOCAL] = 'L', [PX_PLAN_REFUSE_ABORTED] = 'X', [PX_PLAN_REFUSE_NO_BLOCK] = 'N'};
    assert_true(o + 5 < cap);
    out[o++] = acts[p.action];
    if (p.warning != NULL) {
      out[o++] = 'w';
    }
    out[o++] = '/';
    out[o++] = p.implicit == PX_IMPLICIT_OPEN ? 'o' : p.implicit == PX_IMPLICIT_ALONE ? 'a' : '-';
    out[o++] = ' ';
    if (p.action == PX_PLAN_REFUSE_NO_BLOCK || p.action == PX_PLAN_REFUSE_ABORTED) {
      break; /* the rest of the string is skipped */
    }
    if (p.action == PX_PLAN_RUN_AS_ROLLBACK) {
      st = PGW_TXN_IDLE;
    } else {
      st = px_txn_after_success(st, &cmds[i]);
    }
    imp = px_txn_implicit_after(p.implicit, &cmds[i]);
  }
  out[o > 0 ? o - 1 : 0] = '\0';
  return out;
}

static void test_txn_plan(void **state) {
  (void)state;
  char b[128];
  /* One statement: never wrapped; only the notices the service cannot forward. */
  assert_string_equal(plan_all(PGW_TXN_IDLE, "insert into t values (1)", b, sizeof b), "R/-");
  assert_string_equal(plan_all(PGW_TXN_IDLE, "commit", b, sizeof b), "Rw/-");
  assert_string_equal(plan_all(PGW_TXN_BLOCK, "begin", b, sizeof b), "Rw/-");
  assert_string_equal(plan_all(PGW_TXN_FAILED, "commit", b, sizeof b), "A/-");
  /* BEGIN lazily: before a statement that shares its block with the next one. */
  assert_string_equal(plan_all(PGW_TXN_IDLE, "select 1; select 2", b, sizeof b), "B/o R/o");
  assert_string_equal(plan_all(PGW_TXN_IDLE, "insert into t values (1); commit", b, sizeof b),
                      "R/a Lw/a");
  assert_string_equal(plan_all(PGW_TXN_IDLE, "insert into t values (1); rollback", b, sizeof b),
                      "B/o Rw/o");
  /* The case: after COMMIT the rest is a new implicit block. */
  assert_string_equal(plan_all(PGW_TXN_IDLE,
                               "begin; insert into t values (1); commit; insert into t values "
                               "(2); select 1/0",
                               b, sizeof b),
                      "R/- R/- R/- B/o R/o");
  /* BEGIN turns an open implicit block into the client's block without a call. */
  assert_string_equal(plan_all(PGW_TXN_IDLE,
                               "insert into t values (1); begin; insert into t values (2); commit",
                               b, sizeof b),
                      "B/o L/o R/- R/-");
  assert_string_equal(
      plan_all(PGW_TXN_IDLE,
               "select 1; begin; insert into t values (1); rollback; insert into t values (2)", b,
               sizeof b),
      "B/o L/o R/- R/- R/a");
  assert_string_equal(plan_all(PGW_TXN_IDLE, "commit; select 2", b, sizeof b), "Lw/- R/a");
  /* Savepoints and AND CHAIN need a block (25P01); inside an explicit one they run. */
  assert_string_equal(plan_all(PGW_TXN_IDLE, "insert into t values (1); savepoint a", b, sizeof b),
                      "B/o N/o");
  assert_string_equal(plan_all(PGW_TXN_IDLE, "select 1; rollback to a", b, sizeof b), "B/o N/o");
  assert_string_equal(plan_all(PGW_TXN_IDLE, "release a; select 1", b, sizeof b), "N/-");
  assert_string_equal(plan_all(PGW_TXN_IDLE, "select 1; commit and chain", b, sizeof b), "B/o N/o");
  assert_string_equal(plan_all(PGW_TXN_IDLE, "begin; savepoint a; release a; commit", b, sizeof b),
                      "R/- R/- R/- R/-");
  /* Already in a block: the client's block; in a failed one everything but its end is refused. */
  assert_string_equal(plan_all(PGW_TXN_BLOCK, "select 1; begin; commit; select 2", b, sizeof b),
                      "R/- Rw/- R/- R/a");
  assert_string_equal(plan_all(PGW_TXN_FAILED, "select 1; commit", b, sizeof b), "X/-");
  assert_string_equal(plan_all(PGW_TXN_FAILED, "rollback; select 1; select 2", b, sizeof b),
                      "R/- B/o R/o");
  assert_string_equal(plan_all(PGW_TXN_FAILED, "commit; select 1", b, sizeof b), "A/- R/a");
}

/* ---- px_auth ---- */

static void test_password_split(void **state) {
  (void)state;
  px_creds c;
  pgw_error e;
  const char *pw = "secret/KEY+1";
  assert_int_equal(px_creds_from_password("AKID1", pw, strlen(pw), &c, &e), PX_OK);
  assert_string_equal(c.access_key_id, "AKID1");
  assert_string_equal(c.secret_access_key, "secret/KEY+1");
  assert_null(c.session_token);
  px_creds_free(&c);
  assert_null(c.secret_access_key);

  pw = "sec:tok:with:colons==";
  assert_int_equal(px_creds_from_password("ASIA2", pw, strlen(pw), &c, &e), PX_OK);
  assert_string_equal(c.secret_access_key, "sec");
  assert_string_equal(c.session_token, "tok:with:colons==");
  px_creds *copy = &(px_creds){0};
  assert_int_equal(px_creds_copy(&c, copy), PX_OK);
  assert_string_equal(copy->session_token, "tok:with:colons==");
  px_creds_free(copy);
  px_creds_free(&c);

  const char *bad[] = {"", ":tok", "secret:"};
  for (size_t i = 0; i < 3; i++) {
    memset(&e, 0, sizeof e);
    assert_int_equal(px_creds_from_password("AKID1", bad[i], strlen(bad[i]), &c, &e), PX_AUTH);
    assert_string_equal(e.sqlstate, "28P01");
    assert_string_equal(e.severity, "FATAL");
    assert_non_null(strstr(e.message, "\"AKID1\""));
  }
}

/* Loads real settings (defaults + one --set) the way redwire's main does. TLS modes need the
 * certificate and key settings (conf/ checks they are given, not that the files exist). */
static conf_settings *load_with(const char *set) {
  const char *argv[] = {"redwire",
                        "--set",
                        "aws.region=us-east-1",
                        "--database",
                        "*=workgroup=wg-test",
                        "--set",
                        "redwire.client_tls_cert_file=/etc/redwire/server.crt",
                        "--set",
                        "redwire.client_tls_key_file=/etc/redwire/server.key",
                        "--set",
                        set,
                        NULL};
  const char *envp[] = {NULL};
  conf_diags diags;
  conf_diags_init(&diags);
  conf_settings *c = NULL;
  conf_action action;
  assert_int_equal(conf_load(11, argv, envp, &c, &action, &diags), CONF_OK);
  return c;
}

static void test_unimplemented_settings(void **state) {
  (void)state;
  px_feature_finding f[PX_FEATURES_MAX];
  /* The defaults ask for nothing this version lacks. */
  conf_settings *c = load_with("redwire.listen_port=5439");
  assert_int_equal(px_features_check(c, f), 0);
  conf_free(c);
  /* TLS is implemented: no finding for it any more. */
  c = load_with("redwire.client_tls_sslmode=require");
  assert_int_equal(px_features_check(c, f), 0);
  conf_free(c);
  /* Settings that only tune behaviour are warnings naming the setting. */
  c = load_with("redwire.client_idle_timeout=60");
  size_t n = px_features_check(c, f);
  assert_int_equal(n, 1);
  assert_false(px_features_any_fatal(f, n));
  assert_non_null(strstr(f[0].text, "client_idle_timeout"));
  conf_free(c);
}

static void test_creds_from_settings(void **state) {
  (void)state;
  conf_settings s;
  memset(&s, 0, sizeof s);
  s.aws.access_key_id = "";
  s.aws.secret_access_key = "";
  s.aws.session_token = "";
  const char *env[] = {"HOME=/root", "AWS_ACCESS_KEY_ID=AKENV", "AWS_SECRET_ACCESS_KEY=sEnv",
                       "AWS_SESSION_TOKEN=", NULL};
  px_creds c;
  assert_int_equal(px_creds_from_settings(&s, env, &c), PX_OK);
  assert_string_equal(c.access_key_id, "AKENV");
  assert_string_equal(c.secret_access_key, "sEnv");
  assert_null(c.session_token); /* empty token = none */
  px_creds_free(&c);
  s.aws.access_key_id = "AKCONF";
  s.aws.secret_access_key = "sConf";
  s.aws.session_token = "tConf";
  assert_int_equal(px_creds_from_settings(&s, env, &c), PX_OK);
  assert_string_equal(c.access_key_id, "AKCONF"); /* [aws] wins over the environment */
  assert_string_equal(c.session_token, "tConf");
  px_creds_free(&c);
  s.aws.access_key_id = "";
  const char *none[] = {"AWS_ACCESS_KEY_ID=AKENV", NULL}; /* no secret */
  assert_int_equal(px_creds_from_settings(&s, none, &c), PX_AUTH);
}

static void test_loopback(void **state) {
  (void)state;
  struct sockaddr_in in4 = {.sin_family = AF_INET};
  struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};
  const char *yes4[] = {"127.0.0.1", "127.255.0.9"}, *no4[] = {"10.0.0.1", "128.0.0.1", "0.0.0.0"};
  for (size_t i = 0; i < 2; i++) {
    assert_int_equal(inet_pton(AF_INET, yes4[i], &in4.sin_addr), 1);
    assert_true(px_auth_is_loopback((struct sockaddr *)&in4));
  }
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(inet_pton(AF_INET, no4[i], &in4.sin_addr), 1);
    assert_false(px_auth_is_loopback((struct sockaddr *)&in4));
  }
  const char *yes6[] = {"::1", "::ffff:127.0.0.2"}, *no6[] = {"::", "fe80::1", "::ffff:10.0.0.1"};
  for (size_t i = 0; i < 2; i++) {
    assert_int_equal(inet_pton(AF_INET6, yes6[i], &in6.sin6_addr), 1);
    assert_true(px_auth_is_loopback((struct sockaddr *)&in6));
  }
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(inet_pton(AF_INET6, no6[i], &in6.sin6_addr), 1);
    assert_false(px_auth_is_loopback((struct sockaddr *)&in6));
  }
}

static void test_client_encoding(void **state) {
  (void)state;
  const char *ok[] = {"UTF8", "utf8", "UTF-8", "unicode", "Unicode", "SQL_ASCII", "sqlascii"};
  const char *bad[] = {"LATIN1", "WIN1252", "utf16", "", "auto", "utf8x", "EUC_JP"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    assert_true(px_auth_client_encoding_ok(ok[i]));
  }
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_false(px_auth_client_encoding_ok(bad[i]));
  }
}

/* ---- px_sink ---- */

/* RowDescription of one int4 column "n": count 1, name, table oid 0, attnum 0, type 23,
 * typlen 4, typmod -1, format 0. Then DataRows "1" and "2". */
#define RD_N_INT4 "54 0000001a 0001 6e00 00000000 0000 00000017 0004 ffffffff 0000"
#define DR(d)     "44 0000000b 0001 00000001 3" d

static const char page_cols_first[] =
    "{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],"
    "\"Records\":[[{\"longValue\":1}],[{\"longValue\":2}]],\"TotalNumRows\":2}";
/* The emulator's member order: Records before ColumnMetadata. */
static const char page_records_first[] =
    "{\"Records\":[[{\"longValue\":1}],[{\"longValue\":2}]],"
    "\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],\"TotalNumRows\":2}";

typedef struct feed_result {
  px_status st;
  uint8_t bytes[4096];
  size_t len;
  uint64_t rows;
  char token[64];
  pgw_error err;
} feed_result;

/* Feeds pages[0..n) to a fresh sink; each page in two chunks cut at split (clamped). */
static void feed_pages(const char *const *pages, size_t n, size_t split, size_t max_page,
                       feed_result *r) {
  pgw_buf out;
  pgw_buf_init(&out, 1 << 20);
  px_sink s;
  assert_int_equal(px_sink_init(&s, &out, 0, max_page), PX_OK);
  memset(r, 0, sizeof(*r));
  r->st = PX_OK;
  for (size_t p = 0; p < n && r->st == PX_OK; p++) {
    px_sink_page_begin(&s);
    size_t len = strlen(pages[p]);
    size_t cut = split < len ? split : len;
    r->st = px_sink_feed(&s, pages[p], cut);
    assert_false(px_sink_row_open(&s) && r->st != PX_OK);
    if (r->st == PX_OK) {
      r->st = px_sink_feed(&s, pages[p] + cut, len - cut);
    }
    if (r->st == PX_OK) {
      r->st = px_sink_page_end(&s);
    }
    r->token[0] = '\0';
    if (r->st == PX_OK && px_sink_next_token(&s) != NULL) {
      snprintf(r->token, sizeof r->token, "%s", px_sink_next_token(&s));
    }
  }
  if (r->st != PX_OK) {
    r->err = s.err;
    assert_false(px_sink_row_open(&s)); /* never half a message in out */
  }
  r->rows = px_sink_rows(&s);
  r->len = pgw_buf_len(&out);
  assert_true(r->len <= sizeof r->bytes);
  if (r->len > 0) {
    memcpy(r->bytes, pgw_buf_data(&out), r->len);
  }
  px_sink_free(&s);
  pgw_buf_free(&out);
}

static void expect_bytes(const feed_result *r, const char *hex) {
  uint8_t want[4096];
  size_t n = unhex(hex, want, sizeof want);
  assert_int_equal(r->len, n);
  assert_memory_equal(r->bytes, want, n);
}

static void test_sink_every_split(void **state) {
  (void)state;
  const char *variants[] = {page_cols_first, page_records_first};
  for (size_t v = 0; v < 2; v++) {
    size_t len = strlen(variants[v]);
    for (size_t split = 0; split <= len; split++) {
      feed_result r;
      feed_pages(&variants[v], 1, split, 1 << 20, &r);
      if (r.st != PX_OK) {
        fail_msg("variant %zu split %zu: %s", v, split, r.err.message);
      }
      assert_int_equal(r.rows, 2);
      expect_bytes(&r, RD_N_INT4 DR("1") DR("2"));
    }
  }
}

static void test_sink_pages(void **state) {
  (void)state;
  /* RowDescription once; later pages may omit or repeat the metadata; NextToken surfaces. */
  const char *pages[] = {
      "{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],"
      "\"Records\":[[{\"longValue\":1}]],\"NextToken\":\"tok1\"}",
      "{\"Records\":[[{\"longValue\":2}]],\"NextToken\":\"tok2\"}",
      "{\"Records\":[[{\"longValue\":3}]],"
      "\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}]}",
  };
  feed_result r;
  feed_pages(pages, 2, 7, 1 << 20, &r);
  assert_int_equal(r.st, PX_OK);
  assert_string_equal(r.token, "tok2");
  feed_pages(pages, 3, 7, 1 << 20, &r);
  assert_int_equal(r.st, PX_OK);
  assert_string_equal(r.token, ""); /* last page: none */
  assert_int_equal(r.rows, 3);
  expect_bytes(&r, RD_N_INT4 DR("1") DR("2") DR("3"));
}

static void test_sink_empty_and_null(void **state) {
  (void)state;
  /* No rows: RowDescription alone ("SELECT 0"). A NULL: length -1. */
  const char *empty[] = {"{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],"
                         "\"Records\":[],\"TotalNumRows\":0}"};
  feed_result r;
  feed_pages(empty, 1, 3, 1 << 20, &r);
  assert_int_equal(r.st, PX_OK);
  expect_bytes(&r, RD_N_INT4);
  const char *null[] = {"{\"Records\":[[{\"isNull\":true}]],"
                        "\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}]}"};
  feed_pages(null, 1, 40, 1 << 20, &r);
  assert_int_equal(r.st, PX_OK);
  expect_bytes(&r, RD_N_INT4 "44 0000000a 0001 ffffffff");
}

static void test_sink_errors(void **state) {
  (void)state;
  feed_result r;
  /* A later page with another column count. */
  const char *mismatch[] = {
      "{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],\"Records\":[],"
      "\"NextToken\":\"t\"}",
      "{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"},{\"name\":\"b\",\"typeName\":"
      "\"int4\"}],\"Records\":[]}"};
  feed_pages(mismatch, 2, 5, 1 << 20, &r);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_string_equal(r.err.sqlstate, "XX000");
  assert_non_null(strstr(r.err.message, "different number of columns"));
  expect_bytes(&r, RD_N_INT4); /* what was sent before stands */

  /* A record with too few and one with too many fields: no partial row is left behind. */
  const char *short_row[] = {"{\"ColumnMetadata\":[{\"name\":\"a\",\"typeName\":\"int4\"},"
                             "{\"name\":\"b\",\"typeName\":\"int4\"}],"
                             "\"Records\":[[{\"longValue\":1}]]}"};
  feed_pages(short_row, 1, 200, 1 << 20, &r);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_non_null(strstr(r.err.message, "fewer fields"));
  assert_int_equal(r.rows, 0);
  assert_int_equal(r.bytes[0], 'T');
  assert_int_equal(r.len, 1 + 4 + 2 + 2 * (2 + 18)); /* RowDescription only */
  const char *long_row[] = {"{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],"
                            "\"Records\":[[{\"longValue\":1},{\"longValue\":2}]]}"};
  feed_pages(long_row, 1, 200, 1 << 20, &r);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_non_null(strstr(r.err.message, "more fields"));
  expect_bytes(&r, RD_N_INT4);

  /* A value invalid for its column (a string that is not a number in an int4 column). */
  const char *bad_value[] = {"{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],"
                             "\"Records\":[[{\"stringValue\":\"abc\"}]]}"};
  feed_pages(bad_value, 1, 200, 1 << 20, &r);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_string_equal(r.err.sqlstate, "XX000");
  assert_non_null(strstr(r.err.message, "column \"n\" of type int4"));
  expect_bytes(&r, RD_N_INT4);

  /* Records and no ColumnMetadata at all on the first page. */
  const char *no_cols[] = {"{\"Records\":[[{\"longValue\":1}]]}"};
  feed_pages(no_cols, 1, 3, 1 << 20, &r);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_non_null(strstr(r.err.message, "Records without ColumnMetadata"));
  assert_int_equal(r.len, 0);

  /* A records-first page larger than the replay cap. */
  const char *first[] = {page_records_first};
  feed_pages(first, 1, 10, 32, &r);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_string_equal(r.err.sqlstate, "54000");
  assert_int_equal(r.len, 0);

  /* Truncated and malformed JSON. */
  const char *trunc[] = {"{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],"
                         "\"Records\":[[{\"longValue\":1}]"};
  feed_pages(trunc, 1, 80, 1 << 20, &r);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_non_null(strstr(r.err.message, "malformed GetStatementResult"));
  expect_bytes(&r, RD_N_INT4 DR("1"));
  const char *junk[] = {"<html>502 Bad Gateway</html>"};
  feed_pages(junk, 1, 4, 1 << 20, &r);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_int_equal(r.len, 0);
}

/* Splits a backend byte stream into messages, checking that every length word matches the bytes
 * present; returns the type bytes ("TDE") in types. The stream must end on a message boundary. */
static void message_types(const uint8_t *b, size_t len, char *types, size_t cap) {
  size_t n = 0;
  for (size_t at = 0; at < len;) {
    assert_true(at + 5 <= len);
    uint32_t mlen = (uint32_t)b[at + 1] << 24 | (uint32_t)b[at + 2] << 16 |
                    (uint32_t)b[at + 3] << 8 | b[at + 4];
    assert_true(mlen >= 4 && at + 1 + mlen <= len);
    assert_true(n + 1 < cap);
    types[n++] = (char)b[at];
    at += 1 + mlen;
  }
  types[n] = '\0';
}

/* The value of field `code` of the ErrorResponse at b[0..len), or NULL. */
static const char *error_field(const uint8_t *b, size_t len, char code) {
  for (size_t at = 5; at < len && b[at] != 0;) {
    const char *v = (const char *)b + at + 1;
    if (b[at] == (uint8_t)code) {
      return v;
    }
    at += 1 + strlen(v) + 1;
  }
  return NULL;
}

static void test_sink_invalid_value(void **state) {
  (void)state;
  /* A bytea column (the Data API's "varbyte", base64 values): the first row is fine, the second
   * value is not base64. At every split the statement fails with 22P03 naming the column and its
   * type, and the client gets RowDescription, the good DataRow and — encoded after the failure
   * as px_runner does — a well-formed ErrorResponse: no half DataRow in between. */
  const char *page = "{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"},"
                     "{\"name\":\"b\",\"typeName\":\"varbyte\"}],"
                     "\"Records\":[[{\"longValue\":1},{\"blobValue\":\"AQI=\"}],"
                     "[{\"longValue\":2},{\"blobValue\":\"not*base64\"}],"
                     "[{\"longValue\":3},{\"blobValue\":\"\"}]]}";
  size_t len = strlen(page);
  for (size_t split = 0; split <= len; split++) {
    feed_result r;
    feed_pages(&page, 1, split, 1 << 20, &r);
    assert_int_equal(r.st, PX_UPSTREAM);
    assert_int_equal(r.rows, 1);
    assert_string_equal(r.err.severity, "ERROR");
    assert_string_equal(r.err.sqlstate, "22P03");
    assert_non_null(strstr(r.err.message, "column \"b\""));
    assert_non_null(strstr(r.err.message, "type bytea"));
    pgw_buf out;
    pgw_buf_init(&out, 1 << 20);
    assert_int_equal(pgw_buf_append(&out, r.bytes, r.len), PGW_OK);
    pgw_wr w;
    pgw_wr_init(&w, &out);
    pgw_enc_error(&w, &r.err);
    assert_int_equal(pgw_wr_status(&w), PGW_OK);
    char types[8];
    message_types(pgw_buf_data(&out), pgw_buf_len(&out), types, sizeof types);
    assert_string_equal(types, "TDE");
    const uint8_t *e = pgw_buf_data(&out) + r.len;
    size_t elen = pgw_buf_len(&out) - r.len;
    assert_string_equal(error_field(e, elen, 'C'), "22P03");
    assert_string_equal(error_field(e, elen, 'M'), r.err.message);
    /* The good row, intact: 2 fields "1" and "\x0102". */
    uint8_t want[64];
    size_t wn = unhex("44 00000015 0002 00000001 31 00000006 5c78 30313032", want, sizeof want);
    size_t td = r.len - wn;
    assert_memory_equal(r.bytes + td, want, wn);
    pgw_buf_free(&out);
  }
  /* Other kinds name their type too; a value of a non-binary type is XX000 (the service's fault,
   * not the client's). */
  const char *bad_float[] = {"{\"ColumnMetadata\":[{\"name\":\"f\",\"typeName\":\"float8\"}],"
                             "\"Records\":[[{\"stringValue\":\"many\"}]]}"};
  feed_result r;
  feed_pages(bad_float, 1, 60, 1 << 20, &r);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_string_equal(r.err.sqlstate, "XX000");
  assert_non_null(strstr(r.err.message, "column \"f\" of type float8"));
}

/* A page that fails after `cut` bytes and is then fetched again whole (or as `again`). */
static px_status feed_retried(const char *first_page, size_t cut, const char *again,
                              feed_result *r) {
  pgw_buf out;
  pgw_buf_init(&out, 1 << 20);
  px_sink s;
  assert_int_equal(px_sink_init(&s, &out, 0, 1 << 20), PX_OK);
  memset(r, 0, sizeof(*r));
  /* A previous page with one row: its row must not be affected by the retry. */
  const char *page0 = "{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],"
                      "\"Records\":[[{\"longValue\":0}]],\"NextToken\":\"t1\"}";
  px_sink_page_begin(&s);
  assert_int_equal(px_sink_feed(&s, page0, strlen(page0)), PX_OK);
  assert_int_equal(px_sink_page_end(&s), PX_OK);
  px_sink_page_begin(&s);
  r->st = px_sink_feed(&s, first_page, cut);
  assert_int_equal(r->st, PX_OK); /* the transfer, not the data, fails */
  px_sink_page_retry(&s);
  assert_false(px_sink_row_open(&s));
  r->st = px_sink_feed(&s, again, strlen(again));
  if (r->st == PX_OK) {
    r->st = px_sink_page_end(&s);
  }
  if (r->st != PX_OK) {
    r->err = s.err;
  }
  assert_false(px_sink_row_open(&s));
  r->rows = px_sink_rows(&s);
  r->len = pgw_buf_len(&out);
  assert_true(r->len <= sizeof r->bytes);
  memcpy(r->bytes, pgw_buf_data(&out), r->len);
  px_sink_free(&s);
  pgw_buf_free(&out);
  return r->st;
}

static void test_sink_page_retry(void **state) {
  (void)state;
  /* The page fails after every possible number of bytes and is fetched again: every row reaches
   * the client exactly once, in order, whatever was sent before the failure. */
  const char *pages[] = {page_cols_first, page_records_first};
  for (size_t v = 0; v < 2; v++) {
    const char *page = pages[v];
    for (size_t cut = 0; cut < strlen(page); cut++) {
      feed_result r;
      if (feed_retried(page, cut, page, &r) != PX_OK) {
        fail_msg("variant %zu cut %zu: %s", v, cut, r.err.message);
      }
      if (r.rows != 3) {
        fail_msg("variant %zu cut %zu: %llu rows", v, cut, (unsigned long long)r.rows);
      }
      expect_bytes(&r, RD_N_INT4 DR("0") DR("1") DR("2"));
    }
  }
  /* The retried page must describe the same columns... */
  size_t cut = (size_t)(strstr(page_cols_first, "],[") - page_cols_first) + 2; /* after row 1 */
  feed_result r;
  const char *renamed = "{\"ColumnMetadata\":[{\"name\":\"m\",\"typeName\":\"int4\"}],"
                        "\"Records\":[[{\"longValue\":1}],[{\"longValue\":2}]]}";
  assert_int_equal(feed_retried(page_cols_first, cut, renamed, &r), PX_UPSTREAM);
  assert_non_null(strstr(r.err.message, "describes the result columns differently"));
  const char *retyped = "{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int8\"}],"
                        "\"Records\":[[{\"longValue\":1}],[{\"longValue\":2}]]}";
  assert_int_equal(feed_retried(page_cols_first, cut, retyped, &r), PX_UPSTREAM);
  assert_non_null(strstr(r.err.message, "describes the result columns differently"));
  expect_bytes(&r, RD_N_INT4 DR("0") DR("1")); /* nothing sent twice, nothing half */
  /* ... and hold at least the records already sent. */
  const char *shorter = "{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}],"
                        "\"Records\":[]}";
  assert_int_equal(feed_retried(page_cols_first, cut, shorter, &r), PX_UPSTREAM);
  assert_non_null(strstr(r.err.message, "fewer records than were already sent"));
}

/* One page through a sink set up for the extended protocol; every chunk split at `split`. */
static void feed_ext(const char *page, size_t split, bool rowdesc, uint64_t limit,
                     const int16_t *codes, uint16_t ncodes, uint64_t resume_skip, feed_result *r,
                     bool *over, uint64_t *page_sent) {
  pgw_buf out;
  pgw_buf_init(&out, 1 << 20);
  px_sink s;
  assert_int_equal(px_sink_init(&s, &out, 0, 1 << 20), PX_OK);
  assert_int_equal(px_sink_set_extended(&s, rowdesc, limit, codes, ncodes), PX_OK);
  if (resume_skip > 0) {
    px_sink_page_resume(&s, resume_skip);
  } else {
    px_sink_page_begin(&s);
  }
  memset(r, 0, sizeof(*r));
  size_t len = strlen(page);
  size_t cut = split < len ? split : len;
  r->st = px_sink_feed(&s, page, cut);
  if (r->st == PX_OK) {
    r->st = px_sink_feed(&s, page + cut, len - cut);
  }
  if (r->st == PX_OK) {
    r->st = px_sink_page_end(&s);
  }
  if (r->st != PX_OK) {
    r->err = s.err;
  }
  *over = s.over_limit;
  *page_sent = s.page_sent;
  r->rows = px_sink_rows(&s);
  r->len = pgw_buf_len(&out);
  assert_true(r->len <= sizeof r->bytes);
  if (r->len > 0) {
    memcpy(r->bytes, pgw_buf_data(&out), r->len);
  }
  px_sink_free(&s);
  pgw_buf_free(&out);
}

static void test_sink_extended(void **state) {
  (void)state;
  const char *page3 = "{\"Records\":[[{\"longValue\":1}],[{\"longValue\":2}],"
                      "[{\"longValue\":3}]],"
                      "\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}]}";
  size_t len = strlen(page3);
  for (size_t split = 0; split <= len; split += 7) {
    feed_result r;
    bool over;
    uint64_t sent;
    /* Execute (no RowDescription) with max_rows 2: two rows, the third held back. */
    feed_ext(page3, split, false, 2, NULL, 0, 0, &r, &over, &sent);
    assert_int_equal(r.st, PX_OK);
    expect_bytes(&r, DR("1") DR("2"));
    assert_true(over);
    assert_int_equal(sent, 2);
    /* The next Execute resumes in the same page after those two. */
    feed_ext(page3, split, false, 2, NULL, 0, 2, &r, &over, &sent);
    assert_int_equal(r.st, PX_OK);
    expect_bytes(&r, DR("3"));
    assert_false(over);
    assert_int_equal(sent, 3);
    /* Describe alone: RowDescription, no row. */
    feed_ext(page3, split, true, 0, NULL, 0, 0, &r, &over, &sent);
    assert_int_equal(r.st, PX_OK);
    expect_bytes(&r, RD_N_INT4);
    assert_true(over);
    assert_int_equal(sent, 0);
    /* Limit exactly at the end: all rows, nothing held. */
    feed_ext(page3, split, false, 3, NULL, 0, 0, &r, &over, &sent);
    expect_bytes(&r, DR("1") DR("2") DR("3"));
    assert_false(over);
  }
  feed_result r;
  bool over;
  uint64_t sent;
  /* One text code for all columns: as no code at all. */
  const int16_t text[] = {0}, two[] = {0, 0}, binary[] = {1};
  feed_ext(page3, 5, true, UINT64_MAX, text, 1, 0, &r, &over, &sent);
  assert_int_equal(r.st, PX_OK);
  expect_bytes(&r, RD_N_INT4 DR("1") DR("2") DR("3"));
  /* Two codes for one column: 08P01 before any byte. */
  feed_ext(page3, 5, true, UINT64_MAX, two, 2, 0, &r, &over, &sent);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_string_equal(r.err.sqlstate, "08P01");
  assert_int_equal(r.len, 0);
  /* Binary: format 1 in RowDescription, 4-byte big-endian int4 fields. */
  feed_ext(page3, 5, true, 2, binary, 1, 0, &r, &over, &sent);
  assert_int_equal(r.st, PX_OK);
  expect_bytes(&r, "54 0000001a 0001 6e00 00000000 0000 00000017 0004 ffffffff 0001"
                   "44 0000000e 0001 00000004 00000001"
                   "44 0000000e 0001 00000004 00000002");
  /* A type without a binary encoder: 0A000 before any byte. */
  const char *geo = "{\"ColumnMetadata\":[{\"name\":\"g\",\"typeName\":\"geometry\"}],"
                    "\"Records\":[[{\"stringValue\":\"0101000000000000000000F03F\"}]]}";
  feed_ext(geo, 5, true, UINT64_MAX, binary, 1, 0, &r, &over, &sent);
  assert_int_equal(r.st, PX_UPSTREAM);
  assert_string_equal(r.err.sqlstate, "0A000");
  assert_int_equal(r.len, 0);
}

static void expect_set(const char *sql, px_set_kind kind, px_param_id id, bool local,
                       const char *value) {
  px_set_stmt st;
  bool ok = px_set_parse(sql, strlen(sql), &st);
  if (kind == PX_SET_NONE) {
    if (ok) {
      fail_msg("%s: recognised as kind %d", sql, st.kind);
    }
    return;
  }
  if (!ok || st.kind != kind || st.id != id || st.local != local) {
    fail_msg("%s: got ok=%d kind=%d id=%d local=%d", sql, ok, st.kind, st.id, st.local);
  }
  if (value != NULL) {
    assert_string_equal(st.value, value);
  }
}

static void test_set_parse(void **state) {
  (void)state;
  expect_set("SET application_name = 'Foo ''Bar'''", PX_SET_SET, PX_PARAM_APPLICATION_NAME, false,
             "Foo 'Bar'");
  expect_set("set Application_Name TO Metabase", PX_SET_SET, PX_PARAM_APPLICATION_NAME, false,
             "metabase");
  expect_set("set extra_float_digits = -2;", PX_SET_SET, PX_PARAM_EXTRA_FLOAT_DIGITS, false, "-2");
  expect_set("SET SESSION extra_float_digits TO 3", PX_SET_SET, PX_PARAM_EXTRA_FLOAT_DIGITS, false,
             "3");
  expect_set("set local datestyle = iso, dmy", PX_SET_SET, PX_PARAM_DATESTYLE, true, "iso, dmy");
  expect_set("set \"DateStyle\" to 'SQL, DMY'", PX_SET_SET, PX_PARAM_DATESTYLE, false, "SQL, DMY");
  expect_set("SET TIME ZONE 'Europe/Paris'", PX_SET_SET, PX_PARAM_TIMEZONE, false, "Europe/Paris");
  expect_set("set timezone = 'UTC'", PX_SET_SET, PX_PARAM_TIMEZONE, false, "UTC");
  expect_set("SET TIME ZONE LOCAL", PX_SET_RESET, PX_PARAM_TIMEZONE, false, "timezone");
  expect_set("RESET Search_Path", PX_SET_RESET, PX_PARAM_OTHER, false, "search_path");
  expect_set("reset \"TimeZone\"", PX_SET_RESET, PX_PARAM_TIMEZONE, false, "TimeZone");
  expect_set("set search_path = a, \"B\"", PX_SET_SET, PX_PARAM_OTHER, false, "a, B");
  expect_set("set work_mem to default", PX_SET_RESET, PX_PARAM_OTHER, false, "work_mem");
  expect_set("RESET application_name", PX_SET_RESET, PX_PARAM_APPLICATION_NAME, false, NULL);
  expect_set("reset all", PX_SET_RESET_ALL, PX_PARAM_OTHER, false, NULL);
  expect_set("show server_version", PX_SET_SHOW, PX_PARAM_SERVER_VERSION, false, NULL);
  expect_set("SHOW TIME ZONE", PX_SET_SHOW, PX_PARAM_TIMEZONE, false, NULL);
  expect_set("/* c */ DISCARD ALL;", PX_SET_DISCARD_ALL, PX_PARAM_OTHER, false, NULL);
  expect_set("DEALLOCATE \"_PLAN0x1\"", PX_SET_DEALLOCATE, PX_PARAM_OTHER, false, "_PLAN0x1");
  expect_set("deallocate prepare S_1", PX_SET_DEALLOCATE, PX_PARAM_OTHER, false, "s_1");
  expect_set("deallocate all", PX_SET_DEALLOCATE_ALL, PX_PARAM_OTHER, false, NULL);
  expect_set("close \"a\"\"b\"", PX_SET_CLOSE, PX_PARAM_OTHER, false, "a\"b");
  expect_set("CLOSE ALL", PX_SET_CLOSE_ALL, PX_PARAM_OTHER, false, NULL);
  const char *decl = "DECLARE \"C1\" NO SCROLL CURSOR WITH HOLD FOR select 1 as for_x";
  expect_set(decl, PX_SET_DECLARE, PX_PARAM_OTHER, false, "C1");
  px_set_stmt dst;
  assert_true(px_set_parse(decl, strlen(decl), &dst));
  assert_string_equal(decl + dst.query_off, " select 1 as for_x");
  expect_set("declare c binary cursor", PX_SET_NONE, PX_PARAM_OTHER, false, NULL);
  /* Not settings statements (or not ones redwire looks at). */
  expect_set("discard temp", PX_SET_NONE, PX_PARAM_OTHER, false, NULL);
  expect_set("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
             PX_SET_NONE, PX_PARAM_OTHER, false, NULL);
  expect_set("set session authorization bob", PX_SET_NONE, PX_PARAM_OTHER, false, NULL);
  expect_set("set application_name =", PX_SET_NONE, PX_PARAM_OTHER, false, NULL);
  expect_set("select 'set x = 1'", PX_SET_NONE, PX_PARAM_OTHER, false, NULL);
  expect_set("show", PX_SET_NONE, PX_PARAM_OTHER, false, NULL);
  char big[PX_SET_VALUE_MAX + 64];
  snprintf(big, sizeof big, "set application_name = '%0*d'", PX_SET_VALUE_MAX, 7);
  expect_set(big, PX_SET_NONE, PX_PARAM_OTHER, false, NULL);
}

static void test_datestyle_canon(void **state) {
  (void)state;
  char out[32];
  pgw_error e;
  assert_true(px_datestyle_canon("ISO, MDY", "sql, dmy", out, sizeof out, &e));
  assert_string_equal(out, "SQL, DMY");
  assert_true(px_datestyle_canon("SQL, DMY", "iso", out, sizeof out, &e));
  assert_string_equal(out, "ISO, DMY");
  assert_true(px_datestyle_canon("ISO, MDY", "german", out, sizeof out, &e));
  assert_string_equal(out, "German, DMY");
  assert_true(px_datestyle_canon("ISO, MDY", "Postgres,European", out, sizeof out, &e));
  assert_string_equal(out, "Postgres, DMY");
  assert_true(px_datestyle_canon("ISO, DMY", "US", out, sizeof out, &e));
  assert_string_equal(out, "ISO, MDY");
  assert_false(px_datestyle_canon("ISO, MDY", "iso, klingon", out, sizeof out, &e));
  assert_string_equal(e.sqlstate, "22023");
  assert_false(px_datestyle_canon("ISO, MDY", "iso, sql", out, sizeof out, &e));
}

/* Rows beyond the limit are held, encoded, up to the cap; the rest of the page is dropped and
 * held_full says so. */
static void test_sink_hold(void **state) {
  (void)state;
  const char *page3 = "{\"Records\":[[{\"longValue\":1}],[{\"longValue\":2}],"
                      "[{\"longValue\":3}]],"
                      "\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"int4\"}]}";
  const size_t caps[] = {1 << 20, 12, 0};
  const uint64_t want_held[] = {2, 1, 0};
  for (size_t k = 0; k < 3; k++) {
    for (size_t split = 0; split <= strlen(page3); split += 11) {
      pgw_buf out;
      pgw_buf_init(&out, 1 << 20);
      px_sink s;
      assert_int_equal(px_sink_init(&s, &out, 0, 1 << 20), PX_OK);
      assert_int_equal(px_sink_set_extended(&s, false, 1, NULL, 0), PX_OK);
      px_sink_set_hold(&s, caps[k]);
      px_sink_page_begin(&s);
      size_t cut = split < strlen(page3) ? split : strlen(page3);
      assert_int_equal(px_sink_feed(&s, page3, cut), PX_OK);
      assert_int_equal(px_sink_feed(&s, page3 + cut, strlen(page3) - cut), PX_OK);
      assert_int_equal(px_sink_page_end(&s), PX_OK);
      assert_int_equal(px_sink_rows(&s), 1);
      assert_true(s.over_limit);
      assert_int_equal(s.held_rows, want_held[k]);
      assert_int_equal(s.held_full, k > 0);
      uint8_t want[64];
      size_t n = unhex(DR("1"), want, sizeof want);
      assert_int_equal(pgw_buf_len(&out), n);
      assert_memory_equal(pgw_buf_data(&out), want, n);
      n = unhex(k == 0 ? DR("2") DR("3") : k == 1 ? DR("2") : "", want, sizeof want);
      assert_int_equal(pgw_buf_len(&s.held), n);
      if (n > 0) {
        assert_memory_equal(pgw_buf_data(&s.held), want, n);
      }
      px_sink_free(&s);
      pgw_buf_free(&out);
    }
  }
}

static void test_sink_output_cap(void **state) {
  (void)state;
  /* The output buffer's cap is hit mid-row: 54000, and the half row is gone. */
  pgw_buf out;
  pgw_buf_init(&out, 40);
  px_sink s;
  assert_int_equal(px_sink_init(&s, &out, 0, 1 << 20), PX_OK);
  px_sink_page_begin(&s);
  const char *page = "{\"ColumnMetadata\":[{\"name\":\"n\",\"typeName\":\"text\"}],"
                     "\"Records\":[[{\"stringValue\":\"0123456789012345678901234567890\"}]]}";
  assert_int_equal(px_sink_feed(&s, page, strlen(page)), PX_UPSTREAM);
  assert_string_equal(s.err.sqlstate, "54000");
  assert_false(px_sink_row_open(&s));
  assert_int_equal(pgw_buf_len(&out), 1 + 4 + 2 + 2 + 18); /* the RowDescription */
  px_sink_free(&s);
  pgw_buf_free(&out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_txn_gate),
      cmocka_unit_test(test_txn_transitions),
      cmocka_unit_test(test_txn_plan),
      cmocka_unit_test(test_password_split),
      cmocka_unit_test(test_creds_from_settings),
      cmocka_unit_test(test_unimplemented_settings),
      cmocka_unit_test(test_loopback),
      cmocka_unit_test(test_client_encoding),
      cmocka_unit_test(test_sink_every_split),
      cmocka_unit_test(test_sink_pages),
      cmocka_unit_test(test_sink_empty_and_null),
      cmocka_unit_test(test_sink_errors),
      cmocka_unit_test(test_sink_invalid_value),
      cmocka_unit_test(test_sink_page_retry),
      cmocka_unit_test(test_sink_output_cap),
      cmocka_unit_test(test_sink_extended),
      cmocka_unit_test(test_sink_hold),
      cmocka_unit_test(test_set_parse),
      cmocka_unit_test(test_datestyle_canon),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
