/*
 * Stack test of the emulator's Data API: what AWS's SDK cannot send (broken signatures, bad JSON,
 * unknown operations) and the semantics the SDK tests only touch lightly (canned paging, cancel,
 * sessions, batches, idempotency). Runs against the live emulator of `tests/stack up`.
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

#include "test_emulator_client.h"

static tc_client client;

#define TARGET "\"WorkgroupName\":\"redwire-test\",\"Database\":\"dev\""

static void assert_error(const tc_resp *r, long status, const char *type, const char *msg_part) {
  if (r->status != status || strcmp(tc_error_type(r), type) != 0 ||
      (msg_part != NULL && strstr(tc_error_message(r), msg_part) == NULL)) {
    fprintf(stderr, "expected %ld %s (%s), got %ld: %s\n", status, type,
            msg_part != NULL ? msg_part : "", r->status, r->body);
  }
  assert_int_equal(r->status, status);
  assert_string_equal(tc_error_type(r), type);
  if (msg_part != NULL) {
    assert_non_null(strstr(tc_error_message(r), msg_part));
  }
}

static void execute_ok(const char *body, char id[64]) {
  tc_resp r;
  tc_call(&client, "ExecuteStatement", body, NULL, &r);
  if (r.status != 200) {
    fprintf(stderr, "ExecuteStatement: %ld %s\n", r.status, r.body);
  }
  assert_int_equal(r.status, 200);
  assert_non_null(tc_str(r.json, "Id"));
  snprintf(id, 64, "%s", tc_str(r.json, "Id"));
  tc_resp_free(&r);
}

static void describe(const char *id, int wait, tc_resp *r) {
  char q[200];
  snprintf(q, sizeof q, "{\"Id\":\"%s\",\"WaitTimeSeconds\":%d}", id, wait);
  tc_call(&client, "DescribeStatement", q, NULL, r);
  assert_int_equal(r->status, 200);
}

/* ---- the happy path ---- */

static void test_execute_describe_result(void **state) {
  (void)state;
  char id[64];
  execute_ok("{\"Sql\":\"select :n::int8 * 2 as doubled, 'it''s :n' as s, null::text as z\","
             "\"Parameters\":[{\"name\":\"n\",\"value\":\"4611686018427387903\"}]," TARGET "}",
             id);
  tc_resp d;
  describe(id, 10, &d);
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(d.json, "HasResultSet")));
  assert_int_equal((int)tc_num(d.json, "ResultRows"), 1);
  assert_string_equal(tc_str(d.json, "Database"), "dev");
  assert_string_equal(tc_str(d.json, "WorkgroupName"), "redwire-test");
  tc_resp_free(&d);
  char q[200];
  snprintf(q, sizeof q, "{\"Id\":\"%s\"}", id);
  tc_resp r;
  tc_call(&client, "GetStatementResult", q, NULL, &r);
  assert_int_equal(r.status, 200);
  /* int8 beyond 2^53 must arrive exactly: check the raw text, not a double. */
  assert_non_null(strstr(r.body, "[{\"longValue\":9223372036854775806},"));
  assert_non_null(strstr(r.body, "{\"stringValue\":\"it's :n\"}"));
  assert_non_null(strstr(r.body, "{\"isNull\":true}"));
  assert_int_equal((int)tc_num(r.json, "TotalNumRows"), 1);
  tc_resp_free(&r);
}

/* The real service's answer to GetStatementResult of a statement without a result: HTTP 400
 * (a ValidationException), this exact text (a real-cluster test suite, see README). */
#define NO_RESULT "Query does not have result. Please check query status with DescribeStatement."

static void assert_no_result(const char *id) {
  char q[200];
  snprintf(q, sizeof q, "{\"Id\":\"%s\"}", id);
  tc_resp r;
  tc_call(&client, "GetStatementResult", q, NULL, &r);
  assert_error(&r, 400, "ValidationException", NULL);
  assert_string_equal(tc_error_message(&r), NO_RESULT);
  assert_null(cJSON_GetObjectItem(r.json, "ResourceId"));
  tc_resp_free(&r);
}

static void test_failed_statement_error_text(void **state) {
  (void)state;
  char id[64];
  tc_resp d;
  assert_true(tc_run(&client, "select * frm nowhere", TARGET, id, &d));
  assert_string_equal(tc_str(d.json, "Status"), "FAILED");
  assert_string_equal(tc_str(d.json, "Error"),
                      "ERROR: syntax error at or near \"frm\"\n Position: 10");
  tc_resp_free(&d);
  assert_no_result(id);
}

static void test_no_result_set(void **state) {
  (void)state;
  char id[64];
  tc_resp d;
  assert_true(tc_run(&client, "set search_path to public", TARGET, id, &d));
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  assert_false(cJSON_IsTrue(cJSON_GetObjectItem(d.json, "HasResultSet")));
  tc_resp_free(&d);
  assert_no_result(id);
  /* The real-cluster test's own statement: DDL that finishes without a result set. */
  assert_true(tc_run(&client, "drop table if exists non_existent_table", TARGET, id, &d));
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  tc_resp_free(&d);
  assert_no_result(id);
}

/* Unknown and malformed statement ids, answered as the real service does (README): a well-formed
 * unknown id is HTTP 400 "Query does not exist.", a malformed one HTTP 400 "id must satisfy regex
 * pattern: ...". */
static void test_unknown_and_malformed_ids(void **state) {
  (void)state;
  static const char *const ops[] = {"DescribeStatement", "GetStatementResult",
                                    "GetStatementResultV2", "CancelStatement"};
  tc_resp r;
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    /* The id of the real-cluster test: well-formed ([a-z0-9]), but not a statement. */
    tc_call(&client, ops[i], "{\"Id\":\"70662acc-f334-46f8-b953-3a9546796d7k\"}", NULL, &r);
    assert_error(&r, 400, "ValidationException", NULL);
    assert_string_equal(tc_error_message(&r), "Query does not exist.");
    assert_null(cJSON_GetObjectItem(r.json, "ResourceId"));
    tc_resp_free(&r);
    tc_call(&client, ops[i], "{\"Id\":\"InvalidStatementId\"}", NULL, &r);
    assert_error(&r, 400, "ValidationException", NULL);
    assert_string_equal(tc_error_message(&r),
                        "id must satisfy regex pattern: "
                        "^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\\d{0,2})?$");
    tc_resp_free(&r);
  }
  /* A sub-statement beyond the batch, and another key's statement, do not exist either. */
  char id[64];
  tc_resp d;
  assert_true(tc_run(&client, "select 1", TARGET, id, &d));
  tc_resp_free(&d);
  char q[200];
  snprintf(q, sizeof q, "{\"Id\":\"%s:1\"}", id);
  tc_call(&client, "DescribeStatement", q, NULL, &r);
  assert_error(&r, 400, "ValidationException", "Query does not exist.");
  tc_resp_free(&r);
  snprintf(q, sizeof q, "{\"Id\":\"%s\"}", id);
  tc_opts other = {.key = &client.temp_key};
  tc_call(&client, "GetStatementResult", q, &other, &r);
  assert_error(&r, 400, "ValidationException", "Query does not exist.");
  tc_resp_free(&r);
}

/* ---- authentication ---- */

static void test_auth_missing_and_garbled(void **state) {
  (void)state;
  tc_resp r;
  tc_opts o = {.no_auth = true};
  tc_call(&client, "ListDatabases", "{}", &o, &r);
  assert_error(&r, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
  tc_resp_free(&r);
  tc_opts g = {.authorization = "AWS4-HMAC-SHA256 garbage"};
  tc_call(&client, "ListDatabases", "{}", &g, &r);
  assert_error(&r, 400, "IncompleteSignatureException", NULL);
  tc_resp_free(&r);
  tc_opts b = {.authorization = "Bearer abc"};
  tc_call(&client, "ListDatabases", "{}", &b, &r);
  assert_int_equal(r.status, 400);
  assert_true(strcmp(tc_error_type(&r), "IncompleteSignatureException") == 0 ||
              strcmp(tc_error_type(&r), "MissingAuthenticationTokenException") == 0);
  tc_resp_free(&r);
}

static void test_auth_wrong_secret_shows_canonical_request(void **state) {
  (void)state;
  tc_resp r;
  tc_opts o = {.sign_secret = "not-the-secret"};
  tc_call(&client, "ListStatements", "{}", &o, &r);
  assert_error(&r, 400, "InvalidSignatureException",
               "The request signature we calculated does not match the signature you provided.");
  assert_non_null(strstr(tc_error_message(&r), "The Canonical String for this request should have "
                                               "been\n'POST\n/\n\n"));
  assert_non_null(
      strstr(tc_error_message(&r), "The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n"));
  tc_resp_free(&r);
}

static void test_auth_unknown_key_and_tokens(void **state) {
  (void)state;
  tc_resp r;
  tc_key unknown = {"AKIDNOSUCHKEY", "x", NULL};
  tc_opts o = {.key = &unknown};
  tc_call(&client, "ListStatements", "{}", &o, &r);
  assert_error(&r, 400, "UnrecognizedClientException",
               "The security token included in the request is invalid.");
  tc_resp_free(&r);
  /* The temporary key needs exactly its token. */
  tc_key no_token = {client.temp_key.akid, client.temp_key.secret, NULL};
  tc_opts t1 = {.key = &no_token};
  tc_call(&client, "ListStatements", "{}", &t1, &r);
  assert_error(&r, 400, "UnrecognizedClientException", NULL);
  tc_resp_free(&r);
  tc_opts t2 = {.key = &client.temp_key, .send_token = "wrong-token"};
  tc_call(&client, "ListStatements", "{}", &t2, &r);
  assert_error(&r, 400, "UnrecognizedClientException", NULL);
  tc_resp_free(&r);
  tc_opts t3 = {.key = &client.temp_key};
  tc_call(&client, "ListStatements", "{}", &t3, &r);
  assert_int_equal(r.status, 200);
  tc_resp_free(&r);
  /* A permanent key must not carry a token. */
  tc_opts t4 = {.send_token = "some-token"};
  tc_call(&client, "ListStatements", "{}", &t4, &r);
  assert_error(&r, 400, "UnrecognizedClientException", NULL);
  tc_resp_free(&r);
}

static void test_auth_date_region_service(void **state) {
  (void)state;
  tc_resp r;
  tc_opts old = {.clock_skew_s = -20 * 60};
  tc_call(&client, "ListStatements", "{}", &old, &r);
  assert_error(&r, 400, "InvalidSignatureException", "Signature expired: ");
  assert_non_null(strstr(tc_error_message(&r), " - 15 min.)"));
  tc_resp_free(&r);
  tc_opts future = {.clock_skew_s = 20 * 60};
  tc_call(&client, "ListStatements", "{}", &future, &r);
  assert_error(&r, 400, "InvalidSignatureException", "Signature not yet current: ");
  tc_resp_free(&r);
  tc_opts ok_skew = {.clock_skew_s = -10 * 60};
  tc_call(&client, "ListStatements", "{}", &ok_skew, &r);
  assert_int_equal(r.status, 200);
  tc_resp_free(&r);
  tc_opts region = {.region = "eu-west-1"};
  tc_call(&client, "ListStatements", "{}", &region, &r);
  assert_error(&r, 400, "InvalidSignatureException",
               "Credential should be scoped to a valid region");
  tc_resp_free(&r);
  tc_opts service = {.service = "redshift"};
  tc_call(&client, "ListStatements", "{}", &service, &r);
  assert_error(&r, 400, "InvalidSignatureException",
               "Credential should be scoped to correct service: 'redshift-data'.");
  tc_resp_free(&r);
}

static void test_auth_tampering(void **state) {
  (void)state;
  tc_resp r;
  /* A signed header changed after signing. */
  tc_opts hdr = {.tamper_target = "RedshiftData.ListDatabases"};
  tc_call(&client, "ListStatements", "{}", &hdr, &r);
  assert_error(&r, 400, "InvalidSignatureException", "does not match");
  tc_resp_free(&r);
  /* The body changed after signing. */
  tc_opts body = {.tamper_body = "{\"MaxResults\":1}"};
  tc_call(&client, "ListStatements", "{}", &body, &r);
  assert_error(&r, 400, "InvalidSignatureException", "does not match");
  tc_resp_free(&r);
  /* An unsigned header may be added or changed freely (proxies do). */
  tc_opts extra = {.extra_unsigned = "X-Forwarded-For: 10.1.2.3"};
  tc_call(&client, "ListStatements", "{}", &extra, &r);
  assert_int_equal(r.status, 200);
  tc_resp_free(&r);
}

/* ---- protocol errors ---- */

static void test_bad_json_unknown_operation_validation(void **state) {
  (void)state;
  tc_resp r;
  tc_call(&client, "ListStatements", "{\"MaxResults\":", NULL, &r);
  assert_error(&r, 400, "SerializationException", NULL);
  tc_resp_free(&r);
  tc_call(&client, "ListStatements", "[1,2]", NULL, &r);
  assert_error(&r, 400, "SerializationException", NULL);
  tc_resp_free(&r);
  tc_call(&client, "ListStatements", "{\"MaxResults\":\"ten\"}", NULL, &r);
  assert_error(&r, 400, "SerializationException", NULL);
  tc_resp_free(&r);
  tc_call(&client, "DropEverything", "{}", NULL, &r);
  assert_error(&r, 400, "UnknownOperationException", NULL);
  tc_resp_free(&r);
  tc_call(&client, "ExecuteStatement",
          "{\"ClusterIdentifier\":\"Bad_Name\",\"Database\":\"dev\",\"WaitTimeSeconds\":31}", NULL,
          &r);
  assert_error(&r, 400, "ValidationException", "3 validation errors detected: ");
  assert_non_null(strstr(tc_error_message(&r),
                         "Value 'Bad_Name' at 'clusterIdentifier' failed to satisfy constraint: "
                         "Member must satisfy regular expression pattern: "
                         "[a-z][a-z0-9]*(-[a-z0-9]+)*"));
  assert_non_null(strstr(tc_error_message(&r), "Value null at 'sql' failed to satisfy constraint: "
                                               "Member must not be null"));
  assert_non_null(strstr(tc_error_message(&r), "Value '31' at 'waitTimeSeconds' failed to satisfy "
                                               "constraint: Member must have value less than or "
                                               "equal to 30"));
  tc_resp_free(&r);
  tc_call(&client, "ExecuteStatement", "{\"Sql\":\"select :missing\"," TARGET "}", NULL, &r);
  assert_error(&r, 400, "ValidationException", ":missing");
  tc_resp_free(&r);
  tc_call(&client, "DescribeStatement", "{\"Id\":\"00000000-0000-4000-8000-000000000000\"}", NULL,
          &r);
  assert_error(&r, 400, "ValidationException", "Query does not exist.");
  tc_resp_free(&r);
}

/* ---- canned results and paging ---- */

static void test_canned_paging(void **state) {
  (void)state;
  char id[64];
  execute_ok("{\"Sql\":\"SELECT *  FROM redwire_canned( 12345 , 'four' ) ;\"," TARGET "}", id);
  tc_resp d;
  describe(id, 5, &d);
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  assert_int_equal((int)tc_num(d.json, "ResultRows"), 12345);
  tc_resp_free(&d);
  long rows = 0;
  int pages = 0;
  char token[128] = "";
  long expect_next_id = 1;
  do {
    char q[300];
    if (token[0] != '\0') {
      snprintf(q, sizeof q, "{\"Id\":\"%s\",\"NextToken\":\"%s\"}", id, token);
    } else {
      snprintf(q, sizeof q, "{\"Id\":\"%s\"}", id);
    }
    tc_resp r;
    tc_call(&client, "GetStatementResult", q, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal((int)tc_num(r.json, "TotalNumRows"), 12345);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "ColumnMetadata")), 4);
    const cJSON *rec;
    cJSON_ArrayForEach(rec, cJSON_GetObjectItem(r.json, "Records")) {
      /* Rows arrive in order, each exactly once: id = row number. */
      assert_int_equal((long)tc_num(cJSON_GetArrayItem(rec, 0), "longValue"), expect_next_id);
      expect_next_id++;
      rows++;
    }
    const char *next = tc_str(r.json, "NextToken");
    snprintf(token, sizeof token, "%s", next != NULL ? next : "");
    pages++;
    tc_resp_free(&r);
  } while (token[0] != '\0' && pages < 100);
  assert_int_equal(rows, 12345);
  assert_true(pages >= 3); /* 5000 rows per page by default */

  tc_resp r;
  char q[300];
  snprintf(q, sizeof q, "{\"Id\":\"%s\",\"NextToken\":\"bm90IGEgdG9rZW4=\"}", id);
  tc_call(&client, "GetStatementResult", q, NULL, &r);
  assert_error(&r, 400, "ValidationException", "NextToken");
  tc_resp_free(&r);
  /* JSON statements are not readable with V2. */
  snprintf(q, sizeof q, "{\"Id\":\"%s\"}", id);
  tc_call(&client, "GetStatementResultV2", q, NULL, &r);
  assert_error(&r, 400, "ValidationException", "GetStatementResult");
  tc_resp_free(&r);
}

static void test_canned_csv(void **state) {
  (void)state;
  char id[64];
  execute_ok(
      "{\"Sql\":\"select * from redwire_canned(3, 'narrow')\",\"ResultFormat\":\"CSV\"," TARGET "}",
      id);
  char q[200];
  snprintf(q, sizeof q, "{\"Id\":\"%s\",\"WaitTimeSeconds\":5}", id);
  tc_resp r;
  tc_call(&client, "GetStatementResultV2", q, NULL, &r);
  assert_int_equal(r.status, 200);
  const cJSON *rec = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "Records"), 0);
  assert_string_equal(tc_str(rec, "CSVRecords"), "n\r\n1\r\n2\r\n3\r\n");
  tc_resp_free(&r);
}

/* ---- catalog ---- */

static const cJSON *column_named(const cJSON *list, const char *name) {
  const cJSON *c;
  cJSON_ArrayForEach(c, list) {
    const char *n = tc_str(c, "name");
    if (n != NULL && strcmp(n, name) == 0) {
      return c;
    }
  }
  fail_msg("no column %s", name);
  return NULL;
}

/* DescribeTable carries a character column's size in length as well as in precision, as AWS's
 * one sample does (information_schema.sql_features.feature_id: character_data, 2147483647 in
 * both); other columns keep length 0. Result metadata keeps length 0 (test_emu_types). */
static void test_describe_table_length(void **state) {
  (void)state;
  tc_resp r;
  tc_call(&client, "DescribeTable",
          "{\"Schema\":\"information_schema\",\"Table\":\"sql_features\"," TARGET "}", NULL, &r);
  assert_int_equal(r.status, 200);
  const cJSON *cols = cJSON_GetObjectItem(r.json, "ColumnList");
  const cJSON *f = column_named(cols, "feature_id");
  assert_string_equal(tc_str(f, "typeName"), "character_data");
  assert_int_equal((long long)tc_num(f, "precision"), 2147483647LL);
  assert_int_equal((long long)tc_num(f, "length"), 2147483647LL);
  tc_resp_free(&r);

  char tbl[64], sql[300], id[64];
  snprintf(tbl, sizeof tbl, "len_t_%ld", (long)getpid());
  snprintf(sql, sizeof sql,
           "create table %s (v varchar(40), c char(3), t text, n numeric(9,2), i int)", tbl);
  tc_resp d;
  assert_true(tc_run(&client, sql, TARGET, id, &d));
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  tc_resp_free(&d);
  char body[300];
  snprintf(body, sizeof body, "{\"Schema\":\"public\",\"Table\":\"%s\"," TARGET "}", tbl);
  tc_call(&client, "DescribeTable", body, NULL, &r);
  assert_int_equal(r.status, 200);
  cols = cJSON_GetObjectItem(r.json, "ColumnList");
  assert_int_equal((int)tc_num(column_named(cols, "v"), "length"), 40);
  assert_int_equal((int)tc_num(column_named(cols, "c"), "length"), 3);
  assert_int_equal((long long)tc_num(column_named(cols, "t"), "length"), 2147483647LL);
  assert_int_equal((int)tc_num(column_named(cols, "n"), "length"), 0);
  assert_int_equal((int)tc_num(column_named(cols, "n"), "precision"), 9);
  assert_int_equal((int)tc_num(column_named(cols, "i"), "length"), 0);
  tc_resp_free(&r);
  /* The same varchar(40) in a result: length 0, precision 40. */
  snprintf(sql, sizeof sql, "select v from %s", tbl);
  assert_true(tc_run(&client, sql, TARGET, id, &d));
  tc_resp_free(&d);
  char q[200];
  snprintf(q, sizeof q, "{\"Id\":\"%s\"}", id);
  tc_call(&client, "GetStatementResult", q, NULL, &r);
  assert_int_equal(r.status, 200);
  const cJSON *m = cJSON_GetArrayItem(cJSON_GetObjectItem(r.json, "ColumnMetadata"), 0);
  assert_int_equal((int)tc_num(m, "length"), 0);
  assert_int_equal((int)tc_num(m, "precision"), 40);
  tc_resp_free(&r);
  snprintf(sql, sizeof sql, "drop table %s", tbl);
  assert_true(tc_run(&client, sql, TARGET, id, &d));
  tc_resp_free(&d);
}

/* ---- cancel, sessions, batches, idempotency ---- */

static void test_cancel_running_query(void **state) {
  (void)state;
  char id[64];
  execute_ok("{\"Sql\":\"select pg_sleep(30)\"," TARGET "}", id);
  /* Let it reach PostgreSQL. */
  tc_resp d;
  for (int i = 0; i < 50; i++) {
    describe(id, 1, &d);
    bool started = strcmp(tc_str(d.json, "Status"), "STARTED") == 0;
    tc_resp_free(&d);
    if (started) {
      break;
    }
    nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 20000000}, NULL);
  }
  char q[200];
  snprintf(q, sizeof q, "{\"Id\":\"%s\"}", id);
  tc_resp r;
  tc_call(&client, "CancelStatement", q, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "Status")));
  assert_true(r.ms < 1000.0);
  tc_resp_free(&r);
  describe(id, 1, &d);
  assert_string_equal(tc_str(d.json, "Status"), "ABORTED");
  assert_true(tc_num(d.json, "Duration") < 2e9); /* nanoseconds: far from the 30 s sleep */
  tc_resp_free(&d);
  tc_call(&client, "CancelStatement", q, NULL, &r);
  assert_error(&r, 400, "ValidationException", "ABORTED");
  tc_resp_free(&r);
}

static void session_of(const char *id, char sid[64]) {
  tc_resp d;
  describe(id, 10, &d);
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  assert_non_null(tc_str(d.json, "SessionId"));
  snprintf(sid, 64, "%s", tc_str(d.json, "SessionId"));
  tc_resp_free(&d);
}

static void test_session_state_busy_and_expiry(void **state) {
  (void)state;
  char id[64], sid[64], extra[200];
  execute_ok("{\"Sql\":\"create temp table st(a int)\",\"SessionKeepAliveSeconds\":2," TARGET "}",
             id);
  session_of(id, sid);
  snprintf(extra, sizeof extra, "\"SessionId\":\"%s\"", sid);
  tc_resp d;
  assert_true(tc_run(&client, "insert into st values (7)", extra, id, &d));
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  assert_int_equal((int)tc_num(d.json, "ResultRows"), 1);
  tc_resp_free(&d);
  /* Target members are not allowed together with SessionId. */
  tc_resp r;
  char body[400];
  snprintf(body, sizeof body, "{\"Sql\":\"select 1\",\"SessionId\":\"%s\"," TARGET "}", sid);
  tc_call(&client, "ExecuteStatement", body, NULL, &r);
  assert_error(&r, 400, "ValidationException", "SessionId");
  tc_resp_free(&r);
  /* BUSY: a second statement while one runs. */
  snprintf(body, sizeof body, "{\"Sql\":\"select pg_sleep(1.5)\",\"SessionId\":\"%s\"}", sid);
  execute_ok(body, id);
  snprintf(body, sizeof body, "{\"Sql\":\"select 1\",\"SessionId\":\"%s\"}", sid);
  tc_call(&client, "ExecuteStatement", body, NULL, &r);
  assert_error(&r, 400, "ValidationException", "busy");
  tc_resp_free(&r);
  describe(id, 10, &d);
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  tc_resp_free(&d);
  /* The temp table survived across calls. */
  assert_true(tc_run(&client, "select a from st", extra, id, &d));
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  assert_int_equal((int)tc_num(d.json, "ResultRows"), 1);
  tc_resp_free(&d);
  /* Keep-alive 2 s after the last statement: then the session is gone. */
  sleep(3);
  tc_call(&client, "ExecuteStatement", body, NULL, &r);
  assert_error(&r, 400, "ValidationException", "Session is not available");
  tc_resp_free(&r);
  tc_call(&client, "ExecuteStatement",
          "{\"Sql\":\"select 1\",\"SessionId\":\"0badc0de-0000-4000-8000-000000000000\"}", NULL,
          &r);
  assert_error(&r, 400, "ValidationException",
               "Session with Id: 0badc0de-0000-4000-8000-000000000000 is invalid");
  tc_resp_free(&r);
}

static void test_batch_failing_sub_statement(void **state) {
  (void)state;
  char id[64], tbl[64];
  snprintf(tbl, sizeof tbl, "batch_t_%ld", (long)getpid());
  char body[1024];
  snprintf(body, sizeof body,
           "{\"Sqls\":[\"create table %s(a int)\",\"insert into %s values (1/0)\","
           "\"select 1\"]," TARGET ",\"WaitTimeSeconds\":10}",
           tbl, tbl);
  tc_resp r;
  tc_call(&client, "BatchExecuteStatement", body, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(tc_str(r.json, "Status"), "FAILED");
  snprintf(id, sizeof id, "%s", tc_str(r.json, "Id"));
  tc_resp_free(&r);
  tc_resp d;
  describe(id, 1, &d);
  assert_string_equal(tc_str(d.json, "Status"), "FAILED");
  assert_string_equal(tc_str(d.json, "Error"), "ERROR: division by zero");
  const cJSON *subs = cJSON_GetObjectItem(d.json, "SubStatements");
  assert_int_equal(cJSON_GetArraySize(subs), 3);
  assert_string_equal(tc_str(cJSON_GetArrayItem(subs, 0), "Status"), "FINISHED");
  assert_string_equal(tc_str(cJSON_GetArrayItem(subs, 1), "Status"), "FAILED");
  assert_string_equal(tc_str(cJSON_GetArrayItem(subs, 2), "Status"), "ABORTED");
  char sub2[80];
  snprintf(sub2, sizeof sub2, "%s:2", id);
  assert_string_equal(tc_str(cJSON_GetArrayItem(subs, 1), "Id"), sub2);
  tc_resp_free(&d);
  /* The transaction rolled back: the table of step 1 does not exist. */
  char sql[200];
  snprintf(sql, sizeof sql, "select * from %s", tbl);
  char id2[64];
  assert_true(tc_run(&client, sql, TARGET, id2, &d));
  assert_string_equal(tc_str(d.json, "Status"), "FAILED");
  assert_non_null(strstr(tc_str(d.json, "Error"), "does not exist"));
  tc_resp_free(&d);
  /* Unused batch parameters are rejected. */
  tc_call(&client, "BatchExecuteStatement",
          "{\"Sqls\":[\"select 1\"],\"Parameters\":[{\"name\":\"x\",\"value\":\"1\"}]," TARGET "}",
          NULL, &r);
  assert_error(&r, 400, "ValidationException", "x");
  tc_resp_free(&r);
}

static void test_client_token_idempotency(void **state) {
  (void)state;
  char token[64], body[400], id1[64], id2[64];
  snprintf(token, sizeof token, "tok-%ld-%ld", (long)getpid(), (long)time(NULL));
  snprintf(body, sizeof body, "{\"Sql\":\"select 1\",\"ClientToken\":\"%s\"," TARGET "}", token);
  execute_ok(body, id1);
  execute_ok(body, id2);
  assert_string_equal(id1, id2);
  snprintf(body, sizeof body, "{\"Sql\":\"select 1\",\"ClientToken\":\"%s-other\"," TARGET "}",
           token);
  execute_ok(body, id2);
  assert_string_not_equal(id1, id2);
}

int main(void) {
  if (!tc_init(&client)) {
    fprintf(stderr, "test_emulator_api: the stack environment is missing (EMULATOR_URL, AWS_*)\n");
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_execute_describe_result),
      cmocka_unit_test(test_failed_statement_error_text),
      cmocka_unit_test(test_no_result_set),
      cmocka_unit_test(test_unknown_and_malformed_ids),
      cmocka_unit_test(test_auth_missing_and_garbled),
      cmocka_unit_test(test_auth_wrong_secret_shows_canonical_request),
      cmocka_unit_test(test_auth_unknown_key_and_tokens),
      cmocka_unit_test(test_auth_date_region_service),
      cmocka_unit_test(test_auth_tampering),
      cmocka_unit_test(test_bad_json_unknown_operation_validation),
      cmocka_unit_test(test_canned_paging),
      cmocka_unit_test(test_canned_csv),
      cmocka_unit_test(test_describe_table_length),
      cmocka_unit_test(test_cancel_running_query),
      cmocka_unit_test(test_session_state_busy_and_expiry),
      cmocka_unit_test(test_batch_failing_sub_statement),
      cmocka_unit_test(test_client_token_idempotency),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
