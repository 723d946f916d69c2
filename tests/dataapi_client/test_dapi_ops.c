/* test_dapi_ops.c — request bodies (exact JSON text) and Execute/Describe/Cancel parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "dapi_ops.h"

#define MAXB  (256u * 1024u)
#define TOKEN "732639ce-5ddf-4921-848c-aa812082c76e"

static void expect_body(dapi_rc rc, dapi_body *b, const char *want) {
  assert_int_equal(rc, DAPI_OK);
  assert_non_null(b->data);
  assert_int_equal(b->len, strlen(want));
  assert_string_equal(b->data, want);
  dapi_body_free(b);
}

static void test_execute_first_call_cluster(void **state) {
  (void)state;
  dapi_target t = {DAPI_TARGET_CLUSTER, "c1", "dev", "u", NULL};
  dapi_param params[] = {{"a", "1"}};
  dapi_execute_input in = {.sql = "select * from t where a = :a",
                           .params = params,
                           .n_params = 1,
                           .target = &t,
                           .session_keep_alive_seconds = 60,
                           .wait_time_seconds = 0,
                           .client_token = TOKEN};
  dapi_body b;
  /* The member set of the JS SDK capture in dataapi.md §1.6, in the model's order. */
  expect_body(
      dapi_ops_build_execute(&in, MAXB, &b), &b,
      "{\"Sql\":\"select * from t where a = :a\",\"ClusterIdentifier\":\"c1\","
      "\"DbUser\":\"u\",\"Database\":\"dev\",\"Parameters\":[{\"name\":\"a\",\"value\":\"1\"}],"
      "\"ClientToken\":\"" TOKEN "\",\"SessionKeepAliveSeconds\":60}");
}

static void test_execute_workgroup_secret_wait(void **state) {
  (void)state;
  dapi_target t = {DAPI_TARGET_WORKGROUP, "wg", "dev", NULL, "arn:aws:secretsmanager:x"};
  dapi_param params[] = {{"p1", "x"}, {"p2", "y"}};
  dapi_execute_input in = {.sql = "select :p1, :p2",
                           .params = params,
                           .n_params = 2,
                           .target = &t,
                           .session_keep_alive_seconds = -1,
                           .wait_time_seconds = 30,
                           .client_token = "tok"};
  dapi_body b;
  expect_body(dapi_ops_build_execute(&in, MAXB, &b), &b,
              "{\"Sql\":\"select :p1, :p2\",\"SecretArn\":\"arn:aws:secretsmanager:x\","
              "\"Database\":\"dev\",\"Parameters\":[{\"name\":\"p1\",\"value\":\"x\"},"
              "{\"name\":\"p2\",\"value\":\"y\"}],\"WorkgroupName\":\"wg\",\"ClientToken\":\"tok\","
              "\"WaitTimeSeconds\":30}");
}

static void test_execute_session_only(void **state) {
  (void)state;
  dapi_execute_input in = {.sql = "select 1",
                           .session_id = "5c1f0fd6-1f5a-4bb8-b2a4-0a4c0e4a7d11",
                           .session_keep_alive_seconds = -1,
                           .wait_time_seconds = 10,
                           .client_token = "t"};
  dapi_body b;
  expect_body(dapi_ops_build_execute(&in, MAXB, &b), &b,
              "{\"Sql\":\"select 1\",\"ClientToken\":\"t\","
              "\"SessionId\":\"5c1f0fd6-1f5a-4bb8-b2a4-0a4c0e4a7d11\",\"WaitTimeSeconds\":10}");
}

static void test_execute_escaping(void **state) {
  (void)state;
  dapi_target t = {DAPI_TARGET_WORKGROUP, "wg", "dev", NULL, NULL};
  /* Quotes, backslash, newline, tab, CR, a control char, DEL, and multi-byte UTF-8 (é, €, 😀). */
  dapi_execute_input in = {.sql = "select 'it''s \"q\" \\ x'\n\tfrom t\r\x01\x7f caf\xc3\xa9 "
                                  "\xe2\x82\xac \xf0\x9f\x98\x80",
                           .target = &t,
                           .session_keep_alive_seconds = -1,
                           .client_token = "t"};
  dapi_body b;
  expect_body(dapi_ops_build_execute(&in, MAXB, &b), &b,
              "{\"Sql\":\"select 'it''s \\\"q\\\" \\\\ x'\\n\\tfrom t\\r\\u0001\x7f caf\xc3\xa9 "
              "\xe2\x82\xac \xf0\x9f\x98\x80\",\"Database\":\"dev\",\"WorkgroupName\":\"wg\","
              "\"ClientToken\":\"t\"}");
}

static void test_execute_rejects_bad_input(void **state) {
  (void)state;
  dapi_target t = {DAPI_TARGET_WORKGROUP, "wg", "dev", NULL, NULL};
  dapi_param bad_name[] = {{"a-b", "1"}};
  dapi_param empty_value[] = {{"a", ""}};
  dapi_execute_input base = {
      .sql = "select 1", .target = &t, .session_keep_alive_seconds = -1, .client_token = "t"};
  dapi_body b = {(char *)"sentinel", 1};
  dapi_execute_input in;

  in = base;
  in.sql = "";
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  assert_null(b.data);
  in = base;
  in.params = bad_name;
  in.n_params = 1;
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  in = base;
  in.params = empty_value;
  in.n_params = 1;
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  in = base;
  in.session_id = "s"; /* both target and session */
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  in = base;
  in.target = NULL; /* neither */
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  in = base;
  in.wait_time_seconds = 31;
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  in = base;
  in.session_keep_alive_seconds = 86401;
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  in = base;
  in.client_token = "01234567890123456789012345678901234567890123456789012345678901234";
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  in = base;
  in.sql = "select '\xc3'"; /* truncated UTF-8 sequence */
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  in = base;
  in.sql = "select '\xed\xa0\x80'"; /* UTF-8-encoded surrogate */
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  in = base;
  in.sql = "select '\xc0\xaf'"; /* overlong */
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
  dapi_target both = {DAPI_TARGET_CLUSTER, "c", "dev", "u", "arn"};
  in = base;
  in.target = &both;
  assert_int_equal(dapi_ops_build_execute(&in, MAXB, &b), DAPI_EINVAL);
}

static void test_body_cap(void **state) {
  (void)state;
  dapi_target t = {DAPI_TARGET_WORKGROUP, "wg", "dev", NULL, NULL};
  dapi_execute_input in = {
      .sql = "select 1", .target = &t, .session_keep_alive_seconds = -1, .client_token = "t"};
  const char *want = "{\"Sql\":\"select 1\",\"Database\":\"dev\",\"WorkgroupName\":\"wg\","
                     "\"ClientToken\":\"t\"}";
  dapi_body b;
  /* Exactly at the cap fits; one byte less does not. */
  expect_body(dapi_ops_build_execute(&in, strlen(want), &b), &b, want);
  assert_int_equal(dapi_ops_build_execute(&in, strlen(want) - 1, &b), DAPI_ETOOBIG);
  assert_null(b.data);
}

static void test_other_bodies(void **state) {
  (void)state;
  const char *id = "d9b6c0c9-0747-4bf4-b142-e8883122f766";
  dapi_body b;
  expect_body(dapi_ops_build_describe(id, 0, MAXB, &b), &b,
              "{\"Id\":\"d9b6c0c9-0747-4bf4-b142-e8883122f766\"}");
  expect_body(dapi_ops_build_describe(id, 30, MAXB, &b), &b,
              "{\"Id\":\"d9b6c0c9-0747-4bf4-b142-e8883122f766\",\"WaitTimeSeconds\":30}");
  expect_body(dapi_ops_build_get_result(id, NULL, MAXB, &b), &b,
              "{\"Id\":\"d9b6c0c9-0747-4bf4-b142-e8883122f766\"}");
  expect_body(dapi_ops_build_get_result(id, "tok/+=\"x", MAXB, &b), &b,
              "{\"Id\":\"d9b6c0c9-0747-4bf4-b142-e8883122f766\",\"NextToken\":\"tok/+=\\\"x\"}");
  expect_body(dapi_ops_build_cancel(id, MAXB, &b), &b,
              "{\"Id\":\"d9b6c0c9-0747-4bf4-b142-e8883122f766\"}");
  assert_int_equal(dapi_ops_build_describe("", 0, MAXB, &b), DAPI_EINVAL);
  assert_int_equal(dapi_ops_build_describe(id, 31, MAXB, &b), DAPI_EINVAL);
  assert_int_equal(dapi_ops_build_cancel(NULL, MAXB, &b), DAPI_EINVAL);
}

static void test_uuid4(void **state) {
  (void)state;
  char a[DAPI_UUID_LEN + 1], b[DAPI_UUID_LEN + 1];
  assert_int_equal(dapi_uuid4(a), DAPI_OK);
  assert_int_equal(dapi_uuid4(b), DAPI_OK);
  assert_int_equal(strlen(a), DAPI_UUID_LEN);
  assert_string_not_equal(a, b);
  for (size_t i = 0; i < DAPI_UUID_LEN; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      assert_int_equal(a[i], '-');
    } else {
      assert_non_null(strchr("0123456789abcdef", a[i]));
    }
  }
  assert_int_equal(a[14], '4');
  assert_non_null(strchr("89ab", a[19]));
}

/* DescribeStatement example of the AWS management guide (dataapi.md §4.1). */
static const char describe_finished[] =
    "{\"ClusterIdentifier\":\"mycluster-test\",\"CreatedAt\":1598306924.632,\"Duration\":"
    "1095981511,"
    "\"Id\":\"d9b6c0c9-0747-4bf4-b142-e8883122f766\",\"QueryString\":\"select * from stl_query "
    "limit "
    "1\",\"RedshiftPid\":20859,\"RedshiftQueryId\":48879,\"ResultRows\":1,\"ResultSize\":4489,"
    "\"Status\":\"FINISHED\",\"UpdatedAt\":1598306926.667}";

static void test_parse_describe_finished(void **state) {
  (void)state;
  dapi_stmt_info s;
  assert_int_equal(dapi_ops_parse_describe(describe_finished, strlen(describe_finished), &s),
                   DAPI_OK);
  assert_string_equal(s.id, "d9b6c0c9-0747-4bf4-b142-e8883122f766");
  assert_int_equal(s.status, DAPI_STMT_FINISHED);
  assert_true(dapi_stmt_status_terminal(s.status));
  assert_int_equal(s.duration_ns, 1095981511);
  assert_int_equal(s.redshift_pid, 20859);
  assert_int_equal(s.redshift_query_id, 48879);
  assert_int_equal(s.result_rows, 1);
  assert_int_equal(s.result_size, 4489);
  assert_string_equal(s.query_string, "select * from stl_query limit 1");
  assert_null(s.error);
  assert_null(s.session_id);
  assert_false(s.has_result_set_present);
  assert_true(s.created_at > 1598306924.6 && s.created_at < 1598306924.7);
  assert_int_equal(s.n_subs, 0);
  dapi_stmt_info_free(&s);
  dapi_stmt_info_free(&s); /* idempotent */
}

static void test_parse_describe_failed(void **state) {
  (void)state;
  const char body[] =
      "{\"Id\":\"a1b2c3d4-0000-1111-2222-333344445555\",\"Status\":\"FAILED\","
      "\"Error\":\"ERROR: syntax error at or near \\\"FROM\\\"\\n Position: 12\","
      "\"HasResultSet\":false,\"ResultRows\":-1,\"ResultSize\":-1,"
      "\"SessionId\":\"5c1f0fd6-1f5a-4bb8-b2a4-0a4c0e4a7d11\",\"Unknown\":{\"x\":[1]}}";
  dapi_stmt_info s;
  assert_int_equal(dapi_ops_parse_describe(body, strlen(body), &s), DAPI_OK);
  assert_int_equal(s.status, DAPI_STMT_FAILED);
  assert_string_equal(s.error, "ERROR: syntax error at or near \"FROM\"\n Position: 12");
  assert_true(s.has_result_set_present);
  assert_false(s.has_result_set);
  assert_int_equal(s.result_rows, DAPI_ABSENT);
  assert_string_equal(s.session_id, "5c1f0fd6-1f5a-4bb8-b2a4-0a4c0e4a7d11");
  dapi_stmt_info_free(&s);
}

static void test_parse_batch(void **state) {
  (void)state;
  /* Shape of the batch example in dataapi.md §4.1. */
  const char body[] =
      "{\"Id\":\"b0000000-0000-0000-0000-000000000001\",\"Status\":\"FINISHED\","
      "\"HasResultSet\":true,\"RedshiftQueryId\":0,\"ResultRows\":2,\"SubStatements\":["
      "{\"Id\":\"b0000000-0000-0000-0000-000000000001:1\",\"Status\":\"FINISHED\","
      "\"Duration\":1000,\"RedshiftQueryId\":-1,\"ResultRows\":1,\"ResultSize\":10,"
      "\"HasResultSet\":false,\"QueryString\":\"set timezone to BST\"},"
      "{\"Id\":\"b0000000-0000-0000-0000-000000000001:2\",\"Status\":\"FAILED\","
      "\"Error\":\"ERROR: relation \\\"x\\\" does not exist\",\"HasResultSet\":true}]}";
  dapi_stmt_info s;
  assert_int_equal(dapi_ops_parse_describe(body, strlen(body), &s), DAPI_OK);
  assert_true(s.has_result_set);
  assert_int_equal(s.n_subs, 2);
  assert_string_equal(s.subs[0].id, "b0000000-0000-0000-0000-000000000001:1");
  assert_int_equal(s.subs[0].status, DAPI_STMT_FINISHED);
  assert_int_equal(s.subs[0].duration_ns, 1000);
  assert_int_equal(s.subs[0].redshift_query_id, -1);
  assert_string_equal(s.subs[0].query_string, "set timezone to BST");
  assert_int_equal(s.subs[1].status, DAPI_STMT_FAILED);
  assert_string_equal(s.subs[1].error, "ERROR: relation \"x\" does not exist");
  assert_true(s.subs[1].has_result_set);
  assert_int_equal(s.subs[1].result_rows, DAPI_ABSENT);
  dapi_stmt_info_free(&s);
}

static void test_parse_execute(void **state) {
  (void)state;
  /* Without WaitTimeSeconds: only Id and the echo (dataapi.md §1.6). */
  const char plain[] = "{\"Id\":\"e0000000-0000-0000-0000-000000000001\",\"CreatedAt\":"
                       "1.700000000123E9,\"Database\":\"dev\",\"DbUser\":\"u\","
                       "\"ClusterIdentifier\":\"c1\"}";
  dapi_stmt_info s;
  assert_int_equal(dapi_ops_parse_execute(plain, strlen(plain), &s), DAPI_OK);
  assert_int_equal(s.status, DAPI_STMT_UNKNOWN);
  assert_false(s.has_result_set_present);
  assert_true(s.created_at > 1.7e9);
  dapi_stmt_info_free(&s);
  /* With WaitTimeSeconds: terminal status and HasResultSet. Not NUL-terminated input. */
  const char waited[] = "{\"Id\":\"e1\",\"Status\":\"FINISHED\",\"HasResultSet\":true,"
                        "\"SessionId\":\"s1\",\"RedshiftPid\":77}XYZ";
  assert_int_equal(dapi_ops_parse_execute(waited, strlen(waited) - 3, &s), DAPI_OK);
  assert_int_equal(s.status, DAPI_STMT_FINISHED);
  assert_true(s.has_result_set);
  assert_string_equal(s.session_id, "s1");
  assert_int_equal(s.redshift_pid, 77);
  dapi_stmt_info_free(&s);
}

static void test_parse_rejects(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "[]",
      "{}",                                  /* no Id */
      "{\"Id\":7}",                          /* wrong type */
      "{\"Id\":\"x\",\"Status\":\"WEIRD\"}", /* unknown status */
      "{\"Id\":\"x\",\"Status\":1}",
      "{\"Id\":\"x\",\"HasResultSet\":\"yes\"}",
      "{\"Id\":\"x\",\"ResultRows\":1.5}",
      "{\"Id\":\"x\",\"Duration\":1e300}",
      "{\"Id\":\"x\",\"SubStatements\":{}}",
      "{\"Id\":\"x\",\"SubStatements\":[{\"Status\":\"FINISHED\"}]}",
      "{\"Id\":\"x\"} trailing",
      "{\"Id\":\"x\"",
      "{\"Id\":\"x\",\"Error\":[\"a\"]}",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    dapi_stmt_info s;
    assert_int_equal(dapi_ops_parse_describe(bad[i], strlen(bad[i]), &s), DAPI_EPARSE);
    assert_null(s.id);
    assert_null(s.subs);
  }
}

static void test_parse_cancel(void **state) {
  (void)state;
  bool c = false;
  assert_int_equal(dapi_ops_parse_cancel("{\"Status\":true}", 15, &c), DAPI_OK);
  assert_true(c);
  assert_int_equal(dapi_ops_parse_cancel("{\"Status\":false}", 16, &c), DAPI_OK);
  assert_false(c);
  assert_int_equal(dapi_ops_parse_cancel("{}", 2, &c), DAPI_EPARSE);
  assert_int_equal(dapi_ops_parse_cancel("{\"Status\":\"true\"}", 17, &c), DAPI_EPARSE);
  assert_int_equal(dapi_ops_parse_cancel("nope", 4, &c), DAPI_EPARSE);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_execute_first_call_cluster),
      cmocka_unit_test(test_execute_workgroup_secret_wait),
      cmocka_unit_test(test_execute_session_only),
      cmocka_unit_test(test_execute_escaping),
      cmocka_unit_test(test_execute_rejects_bad_input),
      cmocka_unit_test(test_body_cap),
      cmocka_unit_test(test_other_bodies),
      cmocka_unit_test(test_uuid4),
      cmocka_unit_test(test_parse_describe_finished),
      cmocka_unit_test(test_parse_describe_failed),
      cmocka_unit_test(test_parse_batch),
      cmocka_unit_test(test_parse_execute),
      cmocka_unit_test(test_parse_rejects),
      cmocka_unit_test(test_parse_cancel),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
