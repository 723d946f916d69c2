/*
 * dapi_retry.h — the retry policy of Data API calls, as pure functions (no clock, no I/O).
 *
 * Modelled on the AWS SDKs' "standard" mode (dataapi.md §1.4):
 *  - Exponential backoff with full jitter: before retry k (k = 1 for the first retry) wait a
 *    uniformly random time in [0, min(max_delay, base * 2^(k-1))], where base is base_ms, or
 *    throttle_base_ms when the failure was throttling (the SDKs use 100 ms and 500 ms).
 *  - At most max_attempts attempts per call (first try included).
 *  - A retry-token bucket shared by every call of one client: a retry withdraws retry_cost tokens
 *    (timeout_cost after a timeout); when the bucket cannot pay, the call fails instead of
 *    retrying, so a failing service is not hammered by every caller at once. A successful
 *    attempt that was itself a retry gives its cost back; a success on the first attempt adds
 *    success_refill. The bucket never exceeds its capacity.
 * The random source is injected so that tests are deterministic.
 */
#ifndef REDWIRE_DAPI_RETRY_H
#define REDWIRE_DAPI_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "dapi_client_rc.h"
#include "dapi_ops_error.h"

typedef struct dapi_retry_conf {
  uint32_t base_ms;          /* 100 */
  uint32_t throttle_base_ms; /* 500 */
  uint32_t max_delay_ms;     /* 20000 */
  uint32_t max_attempts;     /* 3; 1 disables retries */
  uint32_t bucket_capacity;  /* 500 */
  uint32_t retry_cost;       /* 5 */
  uint32_t timeout_cost;     /* 10 */
  uint32_t success_refill;   /* 1 */
} dapi_retry_conf;

/* The SDK defaults listed above. */
void dapi_retry_conf_default(dapi_retry_conf *conf);

/* DAPI_EINVAL when a value cannot work (zero attempts, zero bases, base above the max, costs
 * above the capacity). */
DAPI_MUSTCHECK dapi_rc dapi_retry_conf_check(const dapi_retry_conf *conf);

/* Returns a uniformly distributed 32-bit value. ctx is the generator's state. */
typedef uint32_t (*dapi_rng_fn)(void *ctx);

/* The retry-token bucket of one client. Start it with dapi_retry_bucket_init. */
typedef struct dapi_retry_bucket {
  uint32_t tokens;
} dapi_retry_bucket;

void dapi_retry_bucket_init(dapi_retry_bucket *b, const dapi_retry_conf *conf);

/* What to do after a failed attempt. */
typedef struct dapi_retry_decision {
  bool retry;        /* false: the call fails with the error of this attempt */
  uint32_t delay_ms; /* wait before the next attempt (when retry) */
  uint32_t cost;     /* tokens withdrawn for it (when retry); give back on success */
  const char *why;   /* when !retry: static reason ("not retryable", "attempts exhausted",
                        "retry budget exhausted") */
} dapi_retry_decision;

/*
 * Decides after attempt number `attempts_done` (1 after the first try) failed with class cls.
 * On retry, withdraws the cost from the bucket. rng is called once, only when retrying.
 */
dapi_retry_decision dapi_retry_decide(const dapi_retry_conf *conf, dapi_retry_bucket *bucket,
                                      uint32_t attempts_done, dapi_err_class cls, dapi_rng_fn rng,
                                      void *rng_ctx);

/*
 * A call's attempt succeeded. last_retry_cost is the cost withdrawn for the retry that led to
 * this attempt (0 when it was the first attempt).
 */
void dapi_retry_on_success(const dapi_retry_conf *conf, dapi_retry_bucket *bucket,
                           uint32_t last_retry_cost);

/* The backoff cap for retry k (1-based) of class cls, before jitter: the upper bound of the
 * delay dapi_retry_decide may choose. Exposed for tests and documentation. */
uint32_t dapi_retry_backoff_cap(const dapi_retry_conf *conf, uint32_t retry_no, dapi_err_class cls);

/* A small non-cryptographic generator (xorshift64*) usable as dapi_rng_fn; jitter needs no
 * secrecy. Seed it from any value; a zero seed is replaced by a fixed constant. */
typedef struct dapi_xorshift {
  uint64_t state;
} dapi_xorshift;

void dapi_xorshift_seed(dapi_xorshift *x, uint64_t seed);
uint32_t dapi_xorshift_next(void *x);

#endif
