/* dapi_retry.c — exponential backoff with full jitter under a retry-token budget. */
#include "dapi_retry.h"

void dapi_retry_conf_default(dapi_retry_conf *conf) {
  conf->base_ms = 100;
  conf->throttle_base_ms = 500;
  conf->max_delay_ms = 20000;
  conf->max_attempts = 3;
  conf->bucket_capacity = 500;
  conf->retry_cost = 5;
  conf->timeout_cost = 10;
  conf->success_refill = 1;
}

dapi_rc dapi_retry_conf_check(const dapi_retry_conf *conf) {
  if (conf->max_attempts == 0 || conf->base_ms == 0 || conf->throttle_base_ms == 0 ||
      conf->base_ms > conf->max_delay_ms || conf->throttle_base_ms > conf->max_delay_ms ||
      conf->retry_cost > conf->bucket_capacity || conf->timeout_cost > conf->bucket_capacity) {
    return DAPI_EINVAL;
  }
  return DAPI_OK;
}

void dapi_retry_bucket_init(dapi_retry_bucket *b, const dapi_retry_conf *conf) {
  b->tokens = conf->bucket_capacity;
}

uint32_t dapi_retry_backoff_cap(const dapi_retry_conf *conf, uint32_t retry_no,
                                dapi_err_class cls) {
  uint64_t cap = cls == DAPI_ERR_THROTTLING ? conf->throttle_base_ms : conf->base_ms;
  /* Doubling stops as soon as the max is reached, so the shift never overflows. */
  for (uint32_t i = 1; i < retry_no && cap < conf->max_delay_ms; i++) {
    cap *= 2;
  }
  return cap < conf->max_delay_ms ? (uint32_t)cap : conf->max_delay_ms;
}

dapi_retry_decision dapi_retry_decide(const dapi_retry_conf *conf, dapi_retry_bucket *bucket,
                                      uint32_t attempts_done, dapi_err_class cls, dapi_rng_fn rng,
                                      void *rng_ctx) {
  dapi_retry_decision d = {.retry = false, .delay_ms = 0, .cost = 0, .why = NULL};
  if (!dapi_err_class_retryable(cls)) {
    d.why = "not retryable";
    return d;
  }
  if (attempts_done >= conf->max_attempts) {
    d.why = "attempts exhausted";
    return d;
  }
  uint32_t cost = cls == DAPI_ERR_TIMEOUT ? conf->timeout_cost : conf->retry_cost;
  if (bucket->tokens < cost) {
    d.why = "retry budget exhausted";
    return d;
  }
  bucket->tokens -= cost;
  uint32_t cap = dapi_retry_backoff_cap(conf, attempts_done, cls);
  /* Full jitter: uniform over [0, cap] by multiply-shift (no modulo bias worth speaking of). */
  d.delay_ms = (uint32_t)(((uint64_t)rng(rng_ctx) * ((uint64_t)cap + 1)) >> 32);
  d.retry = true;
  d.cost = cost;
  return d;
}

void dapi_retry_on_success(const dapi_retry_conf *conf, dapi_retry_bucket *bucket,
                           uint32_t last_retry_cost) {
  uint64_t t =
      (uint64_t)bucket->tokens + (last_retry_cost > 0 ? last_retry_cost : conf->success_refill);
  bucket->tokens = t > conf->bucket_capacity ? conf->bucket_capacity : (uint32_t)t;
}

void dapi_xorshift_seed(dapi_xorshift *x, uint64_t seed) {
  x->state = seed != 0 ? seed : UINT64_C(0x9E3779B97F4A7C15);
}

uint32_t dapi_xorshift_next(void *ctx) {
  dapi_xorshift *x = ctx;
  uint64_t s = x->state;
  s ^= s >> 12;
  s ^= s << 25;
  s ^= s >> 27;
  x->state = s;
  return (uint32_t)((s * UINT64_C(2685821657736338717)) >> 32);
}
