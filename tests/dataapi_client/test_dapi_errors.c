/* test_dapi_errors.c — error bodies/headers → dapi_error, classification, SQLSTATE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dapi_ops_error.h"

static void parse(long status, const char *header, const char *body, dapi_error *e) {
  dapi_error_from_http(status, header, header != NULL ? strlen(header) : 0, "req-1", 5, body,
                       body != NULL ? strlen(body) : 0, e);
}

static void test_type_spellings(void **state) {
  (void)state;
  /* Every spelling of dataapi.md §1.4 resolves to the bare code. */
  static const struct {
    const char *raw;
    const char *want;
  } cases[] = {
      {"com.amazonaws.redshiftdata#ValidationException", "ValidationException"},
      {"ValidationException", "ValidationException"},
      {"ResourceNotFoundException:http://internal.amazon.com/coral/com.amazon.coral.validate/",
       "ResourceNotFoundException"},
      {"aws.protocoltests#ThrottlingException:http://x", "ThrottlingException"},
      {"ThrottlingException,Foo", "ThrottlingException"},
      {"a#B#c", "B"},
      {"  InternalServerException \r\n", "InternalServerException"},
      {"", ""},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char out[DAPI_ERROR_TYPE_MAX];
    dapi_error_sanitize_code(cases[i].raw, strlen(cases[i].raw), out);
    assert_string_equal(out, cases[i].want);
  }
  char out[DAPI_ERROR_TYPE_MAX];
  dapi_error_sanitize_code(NULL, 0, out);
  assert_string_equal(out, "");
}

static void test_body_type_and_message(void **state) {
  (void)state;
  dapi_error e;
  parse(400, NULL,
        "{\"__type\":\"com.amazonaws.redshiftdata#ValidationException\",\"message\":\"bad\"}", &e);
  assert_int_equal(e.http_status, 400);
  assert_string_equal(e.type, "ValidationException");
  assert_string_equal(e.message, "bad");
  assert_string_equal(e.request_id, "req-1");
  assert_int_equal(e.cls, DAPI_ERR_CLIENT);
  assert_string_equal(dapi_error_sqlstate(&e), "22023");

  /* "Message" (capital M) is accepted; "code" is used when "__type" is absent. */
  parse(400, NULL, "{\"code\":\"ThrottlingException\",\"Message\":\"Rate exceeded\"}", &e);
  assert_string_equal(e.type, "ThrottlingException");
  assert_string_equal(e.message, "Rate exceeded");
  assert_int_equal(e.cls, DAPI_ERR_THROTTLING);

  /* Body code wins over the header. */
  parse(400, "InternalServerException", "{\"__type\":\"ValidationException\",\"message\":\"m\"}",
        &e);
  assert_string_equal(e.type, "ValidationException");
}

static void test_header_only_and_unknown(void **state) {
  (void)state;
  dapi_error e;
  /* Code only in x-amzn-ErrorType, message in "Message" with extra members (dataapi.md §1.4). */
  parse(404, "ResourceNotFoundException:http://internal.amazon.com/",
        "{\"Message\":\"nf\",\"ResourceId\":\"x\"}", &e);
  assert_string_equal(e.type, "ResourceNotFoundException");
  assert_string_equal(e.message, "nf");
  assert_int_equal(e.cls, DAPI_ERR_NOT_FOUND);
  assert_string_equal(dapi_error_sqlstate(&e), "42704");

  /* No message anywhere → "UnknownError"; non-JSON and empty bodies too. */
  parse(400, "ValidationException", "{}", &e);
  assert_string_equal(e.message, "UnknownError");
  parse(503, NULL, "<html>Service Unavailable</html>", &e);
  assert_string_equal(e.type, "");
  assert_string_equal(e.message, "UnknownError");
  assert_int_equal(e.cls, DAPI_ERR_TRANSIENT);
  parse(502, NULL, NULL, &e);
  assert_int_equal(e.cls, DAPI_ERR_TRANSIENT);
  assert_string_equal(dapi_error_sqlstate(&e), "08006");
  /* Wrong JSON types are ignored rather than trusted. */
  parse(400, NULL, "{\"__type\":5,\"message\":[\"x\"]}", &e);
  assert_string_equal(e.type, "");
  assert_string_equal(e.message, "UnknownError");
  assert_int_equal(e.cls, DAPI_ERR_CLIENT);
}

static void test_classification(void **state) {
  (void)state;
  static const struct {
    long status;
    const char *type;
    const char *message;
    dapi_err_class cls;
    const char *sqlstate;
  } cases[] = {
      {400, "ThrottlingException", "Rate exceeded", DAPI_ERR_THROTTLING, "53400"},
      {429, "", NULL, DAPI_ERR_THROTTLING, "53400"},
      {400, "TooManyRequestsException", NULL, DAPI_ERR_THROTTLING, "53400"},
      {500, "InternalServerException", "boom", DAPI_ERR_TRANSIENT, "08006"},
      {500, "ExecuteStatementException", "x", DAPI_ERR_TRANSIENT, "08006"},
      {503, "ServiceUnavailableException", NULL, DAPI_ERR_TRANSIENT, "08006"},
      {504, "", NULL, DAPI_ERR_TRANSIENT, "08006"},
      {400, "RequestTimeoutException", NULL, DAPI_ERR_TRANSIENT, "08006"},
      {501, "", NULL, DAPI_ERR_SERVER, "08006"},
      {400, "InvalidSignatureException", "The request signature we calculated does not match",
       DAPI_ERR_AUTH, "28P01"},
      {400, "UnrecognizedClientException", "The security token included in the request is invalid.",
       DAPI_ERR_AUTH, "28P01"},
      {400, "IncompleteSignatureException", NULL, DAPI_ERR_AUTH, "28P01"},
      {403, "ExpiredTokenException", NULL, DAPI_ERR_AUTH, "28P01"},
      {400, "AccessDeniedException", NULL, DAPI_ERR_AUTH, "28000"},
      {403, "", NULL, DAPI_ERR_AUTH, "28P01"},
      {400, "ValidationException", "Session is not available", DAPI_ERR_SESSION_GONE, "08003"},
      {400, "ValidationException",
       "Session with Id: 5c1f0fd6-1f5a-4bb8-b2a4-0a4c0e4a7d11 is invalid", DAPI_ERR_SESSION_GONE,
       "08003"},
      {400, "ActiveSessionsExceededException", NULL, DAPI_ERR_LIMIT, "53300"},
      {400, "ActiveStatementsExceededException", NULL, DAPI_ERR_LIMIT, "53400"},
      {400, "ActiveWaitingRequestsExceededException", NULL, DAPI_ERR_LIMIT, "53400"},
      {404, "ResourceNotFoundException", NULL, DAPI_ERR_NOT_FOUND, "42704"},
      {400, "ValidationException", "Cannot process query string larger than 100kB", DAPI_ERR_CLIENT,
       "54000"},
      {400, "QueryTimeoutException", NULL, DAPI_ERR_CLIENT, "57014"},
      {400, "ValidationException", "Id must match pattern", DAPI_ERR_CLIENT, "22023"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    dapi_error e;
    memset(&e, 0, sizeof(e));
    e.http_status = cases[i].status;
    strcpy(e.type, cases[i].type);
    if (cases[i].message != NULL) {
      strcpy(e.message, cases[i].message);
    }
    e.cls = dapi_error_classify(cases[i].status, cases[i].type, cases[i].message);
    if (e.cls != cases[i].cls) {
      fail_msg("case %zu (%s): class %s, want %s", i, cases[i].type, dapi_err_class_name(e.cls),
               dapi_err_class_name(cases[i].cls));
    }
    assert_string_equal(dapi_error_sqlstate(&e), cases[i].sqlstate);
  }
}

static void test_retryable_and_local(void **state) {
  (void)state;
  assert_true(dapi_err_class_retryable(DAPI_ERR_THROTTLING));
  assert_true(dapi_err_class_retryable(DAPI_ERR_TRANSIENT));
  assert_true(dapi_err_class_retryable(DAPI_ERR_TRANSPORT));
  assert_true(dapi_err_class_retryable(DAPI_ERR_TIMEOUT));
  assert_false(dapi_err_class_retryable(DAPI_ERR_AUTH));
  assert_false(dapi_err_class_retryable(DAPI_ERR_LIMIT));
  assert_false(dapi_err_class_retryable(DAPI_ERR_SESSION_GONE));
  assert_false(dapi_err_class_retryable(DAPI_ERR_CLIENT));
  assert_false(dapi_err_class_retryable(DAPI_ERR_SERVER));
  dapi_error e;
  dapi_error_set(&e, DAPI_ERR_TRANSPORT, DAPI_ERROR_TYPE_CONNECT, "Failed to connect");
  assert_string_equal(dapi_error_sqlstate(&e), "08001");
  dapi_error_set(&e, DAPI_ERR_TRANSPORT, "ConnectionError", "reset");
  assert_string_equal(dapi_error_sqlstate(&e), "08006");
  dapi_error_set(&e, DAPI_ERR_CANCELLED, NULL, NULL);
  assert_string_equal(e.message, "UnknownError");
  assert_string_equal(dapi_error_sqlstate(&e), "57014");
  dapi_error_set(&e, DAPI_ERR_LOCAL, NULL, "x");
  assert_string_equal(dapi_error_sqlstate(&e), "XX000");
}

static void test_truncation_keeps_utf8(void **state) {
  (void)state;
  /* A message longer than the cap, made of 3-byte characters: the copy must end on a whole
   * character. */
  char body[3 * DAPI_ERROR_MESSAGE_MAX + 64];
  size_t o = 0;
  o += (size_t)sprintf(body, "{\"message\":\"");
  while (o + 3 < sizeof(body) - 8) {
    memcpy(body + o, "\xe2\x82\xac", 3);
    o += 3;
  }
  strcpy(body + o, "\"}");
  dapi_error e;
  parse(400, "ValidationException", body, &e);
  size_t n = strlen(e.message);
  assert_true(n < DAPI_ERROR_MESSAGE_MAX);
  assert_int_equal(n % 3, 0);
  assert_true(n >= DAPI_ERROR_MESSAGE_MAX - 3);
}

/* An endpoint refusing the long-poll member, in the spellings deserializers and Coral use. */
static void test_refuses_wait_time(void **state) {
  (void)state;
  static const struct {
    long status;
    const char *type, *message;
    bool refuses;
  } cases[] = {
      {400, "SerializationException", "Unrecognized field \"WaitTimeSeconds\"", true},
      {400, "ValidationException",
       "1 validation error detected: Value '5' at 'waitTimeSeconds' failed to satisfy constraint",
       true},
      {400, "ValidationException", "Id must match pattern", false},
      {400, "ThrottlingException", "WaitTimeSeconds", false}, /* throttled, not refused */
      {500, "InternalServerException", "waitTimeSeconds", false},
      {400, "ValidationException", "WaitTime", false},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    dapi_error e;
    dapi_error_from_http(cases[i].status, cases[i].type, strlen(cases[i].type), NULL, 0, "", 0, &e);
    snprintf(e.message, sizeof e.message, "%s", cases[i].message);
    assert_int_equal(dapi_error_refuses_wait_time(&e), cases[i].refuses);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_type_spellings),          cmocka_unit_test(test_body_type_and_message),
      cmocka_unit_test(test_header_only_and_unknown), cmocka_unit_test(test_classification),
      cmocka_unit_test(test_retryable_and_local),     cmocka_unit_test(test_truncation_keeps_utf8),
      cmocka_unit_test(test_refuses_wait_time),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
