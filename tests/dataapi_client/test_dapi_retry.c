/* test_dapi_retry.c — backoff bounds, throttle base, attempts, retry budget. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dapi_retry.h"

/* A generator returning a fixed value: 0 gives the lowest delay, UINT32_MAX the highest. */
static uint32_t fixed_rng(void *ctx) {
  return *(const uint32_t *)ctx;
}

static void test_defaults(void **state) {
  (void)state;
  dapi_retry_conf c;
  dapi_retry_conf_default(&c);
  assert_int_equal(c.base_ms, 100);
  assert_int_equal(c.throttle_base_ms, 500);
  assert_int_equal(c.max_delay_ms, 20000);
  assert_int_equal(c.max_attempts, 3);
  assert_int_equal(c.bucket_capacity, 500);
  assert_int_equal(c.retry_cost, 5);
  assert_int_equal(c.timeout_cost, 10);
  assert_int_equal(dapi_retry_conf_check(&c), DAPI_OK);
  dapi_retry_conf bad = c;
  bad.max_attempts = 0;
  assert_int_equal(dapi_retry_conf_check(&bad), DAPI_EINVAL);
  bad = c;
  bad.base_ms = 30000;
  assert_int_equal(dapi_retry_conf_check(&bad), DAPI_EINVAL);
  bad = c;
  bad.timeout_cost = 501;
  assert_int_equal(dapi_retry_conf_check(&bad), DAPI_EINVAL);
}

static void test_backoff_caps(void **state) {
  (void)state;
  dapi_retry_conf c;
  dapi_retry_conf_default(&c);
  assert_int_equal(dapi_retry_backoff_cap(&c, 1, DAPI_ERR_TRANSIENT), 100);
  assert_int_equal(dapi_retry_backoff_cap(&c, 2, DAPI_ERR_TRANSIENT), 200);
  assert_int_equal(dapi_retry_backoff_cap(&c, 5, DAPI_ERR_TRANSPORT), 1600);
  assert_int_equal(dapi_retry_backoff_cap(&c, 1, DAPI_ERR_THROTTLING), 500);
  assert_int_equal(dapi_retry_backoff_cap(&c, 3, DAPI_ERR_THROTTLING), 2000);
  assert_int_equal(dapi_retry_backoff_cap(&c, 8, DAPI_ERR_THROTTLING), 20000);
  assert_int_equal(dapi_retry_backoff_cap(&c, 4000000000u, DAPI_ERR_TRANSIENT), 20000);
}

static void test_full_jitter_bounds(void **state) {
  (void)state;
  dapi_retry_conf c;
  dapi_retry_conf_default(&c);
  c.max_attempts = 10;
  uint32_t lo = 0, hi = UINT32_MAX;
  for (uint32_t attempt = 1; attempt < 10; attempt++) {
    dapi_retry_bucket b;
    dapi_retry_bucket_init(&b, &c);
    dapi_retry_decision d = dapi_retry_decide(&c, &b, attempt, DAPI_ERR_TRANSIENT, fixed_rng, &lo);
    assert_true(d.retry);
    assert_int_equal(d.delay_ms, 0);
    d = dapi_retry_decide(&c, &b, attempt, DAPI_ERR_TRANSIENT, fixed_rng, &hi);
    assert_true(d.retry);
    assert_int_equal(d.delay_ms, dapi_retry_backoff_cap(&c, attempt, DAPI_ERR_TRANSIENT));
    d = dapi_retry_decide(&c, &b, attempt, DAPI_ERR_THROTTLING, fixed_rng, &hi);
    assert_int_equal(d.delay_ms, dapi_retry_backoff_cap(&c, attempt, DAPI_ERR_THROTTLING));
  }
  /* A real generator stays within [0, cap] and spreads over it. */
  dapi_xorshift x;
  dapi_xorshift_seed(&x, 42);
  dapi_retry_bucket b;
  uint32_t min = UINT32_MAX, max = 0;
  for (int i = 0; i < 2000; i++) {
    dapi_retry_bucket_init(&b, &c);
    dapi_retry_decision d =
        dapi_retry_decide(&c, &b, 2, DAPI_ERR_THROTTLING, dapi_xorshift_next, &x);
    assert_true(d.delay_ms <= 1000);
    min = d.delay_ms < min ? d.delay_ms : min;
    max = d.delay_ms > max ? d.delay_ms : max;
  }
  assert_true(min < 50);
  assert_true(max > 950);
}

static void test_not_retryable_and_attempts(void **state) {
  (void)state;
  dapi_retry_conf c;
  dapi_retry_conf_default(&c);
  dapi_retry_bucket b;
  dapi_retry_bucket_init(&b, &c);
  uint32_t r = 0;
  dapi_retry_decision d = dapi_retry_decide(&c, &b, 1, DAPI_ERR_AUTH, fixed_rng, &r);
  assert_false(d.retry);
  assert_string_equal(d.why, "not retryable");
  d = dapi_retry_decide(&c, &b, 1, DAPI_ERR_SESSION_GONE, fixed_rng, &r);
  assert_false(d.retry);
  assert_int_equal(b.tokens, 500); /* nothing withdrawn */
  d = dapi_retry_decide(&c, &b, 2, DAPI_ERR_TRANSIENT, fixed_rng, &r);
  assert_true(d.retry);
  d = dapi_retry_decide(&c, &b, 3, DAPI_ERR_TRANSIENT, fixed_rng, &r);
  assert_false(d.retry);
  assert_string_equal(d.why, "attempts exhausted");
}

static void test_budget(void **state) {
  (void)state;
  dapi_retry_conf c;
  dapi_retry_conf_default(&c);
  dapi_retry_bucket b;
  dapi_retry_bucket_init(&b, &c);
  uint32_t r = 0;
  /* 500 tokens pay for 100 ordinary retries, then the budget says no. */
  for (int i = 0; i < 100; i++) {
    dapi_retry_decision d = dapi_retry_decide(&c, &b, 1, DAPI_ERR_TRANSIENT, fixed_rng, &r);
    assert_true(d.retry);
    assert_int_equal(d.cost, 5);
  }
  assert_int_equal(b.tokens, 0);
  dapi_retry_decision d = dapi_retry_decide(&c, &b, 1, DAPI_ERR_THROTTLING, fixed_rng, &r);
  assert_false(d.retry);
  assert_string_equal(d.why, "retry budget exhausted");
  /* A first-attempt success refills 1; a retried success gives its cost back. */
  dapi_retry_on_success(&c, &b, 0);
  assert_int_equal(b.tokens, 1);
  dapi_retry_on_success(&c, &b, 10);
  assert_int_equal(b.tokens, 11);
  /* Timeouts cost 10. */
  d = dapi_retry_decide(&c, &b, 1, DAPI_ERR_TIMEOUT, fixed_rng, &r);
  assert_true(d.retry);
  assert_int_equal(d.cost, 10);
  assert_int_equal(b.tokens, 1);
  d = dapi_retry_decide(&c, &b, 1, DAPI_ERR_TIMEOUT, fixed_rng, &r);
  assert_false(d.retry);
  /* Never above capacity. */
  dapi_retry_bucket_init(&b, &c);
  dapi_retry_on_success(&c, &b, 10);
  assert_int_equal(b.tokens, 500);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_backoff_caps),
      cmocka_unit_test(test_full_jitter_bounds),
      cmocka_unit_test(test_not_retryable_and_attempts),
      cmocka_unit_test(test_budget),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
