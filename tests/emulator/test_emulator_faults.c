/*
 * Stack test of the emulator's control endpoints and fault injection. Faults are process-wide, so
 * ctest runs this test alone (RUN_SERIAL); every test resets the faults it set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "test_emulator_client.h"

static tc_client client;

#define TARGET "\"WorkgroupName\":\"redwire-test\",\"Database\":\"dev\""

static void set_faults(const char *json) {
  tc_resp r;
  tc_control(&client, "/_emulator/faults", json, &r);
  if (r.status != 200) {
    fprintf(stderr, "faults %s: %ld %s\n", json, r.status, r.body);
  }
  assert_int_equal(r.status, 200);
  tc_resp_free(&r);
}

static int teardown_faults(void **state) {
  (void)state;
  set_faults("{}");
  return 0;
}

static double stat_of(const char *group, const char *name) {
  tc_resp r;
  tc_control(&client, "/_emulator/stats", NULL, &r);
  assert_int_equal(r.status, 200);
  double v = tc_num(cJSON_GetObjectItem(r.json, group), name);
  tc_resp_free(&r);
  return v;
}

static void test_health_and_unknown_control(void **state) {
  (void)state;
  tc_resp r;
  tc_control(&client, "/_emulator/health", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r.json, "ok")));
  tc_resp_free(&r);
  tc_control(&client, "/_emulator/nothing", NULL, &r);
  assert_int_equal(r.status, 404);
  tc_resp_free(&r);
  tc_control(&client, "/_emulator/faults", "{\"throttle-rate\":2}", &r);
  assert_int_equal(r.status, 400);
  tc_resp_free(&r);
  tc_control(&client, "/_emulator/faults", "{\"fault-ops\":\"NoSuchOp\"}", &r);
  assert_int_equal(r.status, 400);
  tc_resp_free(&r);
}

static void test_stats_count_calls(void **state) {
  (void)state;
  tc_resp r;
  tc_control(&client, "/_emulator/reset-stats", "", &r);
  assert_int_equal(r.status, 200);
  tc_resp_free(&r);
  for (int i = 0; i < 3; i++) {
    tc_call(&client, "ListStatements", "{}", NULL, &r);
    assert_int_equal(r.status, 200);
    tc_resp_free(&r);
  }
  tc_call(&client, "DescribeStatement", "{\"Id\":\"00000000-0000-4000-8000-000000000000\"}", NULL,
          &r);
  tc_resp_free(&r);
  tc_opts bad = {.sign_secret = "wrong"};
  tc_call(&client, "ListStatements", "{}", &bad, &r);
  tc_resp_free(&r);
  assert_int_equal((int)stat_of("calls", "ListStatements"), 3);
  assert_int_equal((int)stat_of("calls", "DescribeStatement"), 1);
  assert_int_equal((int)stat_of("errors", "ValidationException"), 1); /* the unknown id */
  assert_int_equal((int)stat_of("errors", "InvalidSignatureException"), 1);
}

static void test_throttle_and_auth_first(void **state) {
  (void)state;
  set_faults("{\"throttle-rate\":1,\"fault-ops\":\"ListStatements\"}");
  tc_resp r;
  tc_call(&client, "ListStatements", "{}", NULL, &r);
  assert_int_equal(r.status, 400);
  assert_string_equal(tc_error_type(&r), "ThrottlingException");
  assert_string_equal(tc_error_message(&r), "Rate exceeded");
  tc_resp_free(&r);
  /* Other operations are untouched; failed authentication is never faulted. */
  tc_call(&client, "ListSessions", "{}", NULL, &r);
  assert_int_equal(r.status, 200);
  tc_resp_free(&r);
  tc_opts bad = {.sign_secret = "wrong"};
  tc_call(&client, "ListStatements", "{}", &bad, &r);
  assert_string_equal(tc_error_type(&r), "InvalidSignatureException");
  tc_resp_free(&r);
}

static void test_server_errors(void **state) {
  (void)state;
  set_faults("{\"error-rate\":1,\"fault-seed\":7}");
  int n500 = 0, n503 = 0;
  for (int i = 0; i < 40; i++) {
    tc_resp r;
    tc_call(&client, "ListSessions", "{}", NULL, &r);
    if (r.status == 500) {
      assert_string_equal(tc_error_type(&r), "InternalServerException");
      n500++;
    } else {
      assert_int_equal(r.status, 503);
      assert_string_equal(tc_error_type(&r), "ServiceUnavailableException");
      n503++;
    }
    tc_resp_free(&r);
  }
  assert_true(n500 > 0 && n503 > 0);
}

static void test_drop_connection(void **state) {
  (void)state;
  double before = stat_of("faults", "drop");
  set_faults("{\"drop-rate\":1,\"fault-ops\":[\"ListSessions\"]}");
  tc_resp r;
  tc_call(&client, "ListSessions", "{}", NULL, &r);
  assert_int_equal(r.status, 0);
  assert_int_equal(r.curl_error, CURLE_GOT_NOTHING);
  tc_resp_free(&r);
  assert_int_equal((int)(stat_of("faults", "drop") - before), 1);
}

static void test_latency(void **state) {
  (void)state;
  set_faults("{\"latency-ms\":300}");
  tc_resp r;
  tc_call(&client, "ListSessions", "{}", NULL, &r);
  assert_int_equal(r.status, 200);
  assert_true(r.ms >= 300.0);
  tc_resp_free(&r);
}

static void test_stalled_page(void **state) {
  (void)state;
  tc_resp r;
  tc_call(&client, "ExecuteStatement",
          "{\"Sql\":\"select * from redwire_canned(1000, 'four')\",\"WaitTimeSeconds\":5," TARGET
          "}",
          NULL, &r);
  assert_int_equal(r.status, 200);
  char q[200];
  snprintf(q, sizeof q, "{\"Id\":\"%s\"}", tc_str(r.json, "Id"));
  tc_resp_free(&r);
  set_faults("{\"stall-ms\":600}");
  tc_call(&client, "GetStatementResult", q, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_true(r.ms >= 600.0);
  assert_non_null(r.json); /* the whole body arrived after the stall */
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r.json, "Records")), 1000);
  tc_resp_free(&r);
}

int main(void) {
  if (!tc_init(&client)) {
    fprintf(stderr, "test_emulator_faults: the stack environment is missing\n");
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_health_and_unknown_control, teardown_faults),
      cmocka_unit_test_teardown(test_stats_count_calls, teardown_faults),
      cmocka_unit_test_teardown(test_throttle_and_auth_first, teardown_faults),
      cmocka_unit_test_teardown(test_server_errors, teardown_faults),
      cmocka_unit_test_teardown(test_drop_connection, teardown_faults),
      cmocka_unit_test_teardown(test_latency, teardown_faults),
      cmocka_unit_test_teardown(test_stalled_page, teardown_faults),
  };
  return cmocka_run_group_tests(tests, NULL, teardown_faults);
}
