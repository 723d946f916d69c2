/*
 * dapi_client.h — Data API calls over the dapi_multi engine: signed requests, retries, parsed
 * responses, streaming result pages with pause/resume, cancel.
 *
 * One dapi_client per (endpoint, region): it owns the limits, the retry policy and the retry
 * budget (a token bucket shared by its calls, as in the AWS SDKs). Many clients may share one
 * engine. Credentials are given per call — in iam mode each pgwire connection signs with its
 * own keys — and copied into the call (the secret is wiped when the call ends). Nothing is
 * logged here: failures come back as values (dapi_rc + dapi_error).
 *
 * A dapi_call is one logical request (one operation, one request body). Its body is built once
 * and every attempt re-sends exactly those bytes, freshly signed (new X-Amz-Date): a retried
 * ExecuteStatement therefore always carries the same ClientToken and a retried page the same
 * NextToken. Attempts reuse pooled easy handles and the engine's keep-alive connections.
 *
 * Lifetime (STYLE R11):
 *  - A start function that returns DAPI_OK fires `done` exactly once, later, from the engine
 *    (never from inside a curl callback and never before the start function returned), also
 *    after dapi_call_cancel. A start function that fails fires nothing.
 *  - The dapi_call pointer is valid from a successful start until `done` returns; the engine
 *    frees it right after. The caller's ctx must stay valid until `done` ran.
 *  - The sink runs inside curl's write callback: it may only consume or refuse bytes. It must
 *    not start, cancel or resume calls (those are deferred automatically if it does, but its
 *    own call's completion still comes later through `done`).
 */
#ifndef REDWIRE_DAPI_CLIENT_H
#define REDWIRE_DAPI_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dapi_client_rc.h"
#include "dapi_multi.h"
#include "dapi_ops.h"
#include "dapi_ops_error.h"
#include "dapi_retry.h"

typedef struct dapi_client dapi_client;
typedef struct dapi_call dapi_call;

typedef struct dapi_client_conf {
  const char *endpoint;      /* "https://redshift-data.us-east-1.amazonaws.com" or the emulator's
                                "http://127.0.0.1:8787"; copied. http/https only, no path. */
  const char *region;        /* SigV4 region; copied */
  long connect_timeout_ms;   /* per attempt; default 5000 */
  long request_timeout_ms;   /* per attempt, added to WaitTimeSeconds; 0 = none; default 60000 */
  long low_speed_limit;      /* bytes/s; with low_speed_time_s: abort a stalled attempt */
  long low_speed_time_s;     /* default 1 byte/s over 30 s; 0 disables */
  size_t max_request_bytes;  /* request body cap; default 256 KiB (SQL alone may be 100 kB) */
  size_t max_response_bytes; /* cap of a buffered 2xx body (non-streaming); default 4 MiB */
  size_t max_error_bytes;    /* cap of a buffered non-2xx body; default 64 KiB */
  dapi_retry_conf retry;     /* default: dapi_retry_conf_default */
  dapi_rng_fn rng;           /* jitter source; NULL: an internal generator seeded randomly */
  void *rng_ctx;             /* borrowed; passed to rng */
} dapi_client_conf;

void dapi_client_conf_default(dapi_client_conf *conf);

/* m is borrowed and must outlive the client. DAPI_EINVAL for a bad endpoint/region/limit. */
DAPI_MUSTCHECK dapi_rc dapi_client_new(dapi_multi *m, const dapi_client_conf *conf,
                                       dapi_client **out);
/* DAPI_EBUSY (nothing freed) while calls of this client are pending. */
DAPI_MUSTCHECK dapi_rc dapi_client_free(dapi_client *c);

/* Tokens left in the retry budget (for tests and metrics). */
uint32_t dapi_client_retry_tokens(const dapi_client *c);

/* Credentials of one call; strings borrowed for the start call only (copied). */
typedef struct dapi_creds {
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL for permanent keys */
} dapi_creds;

/* What a streaming sink tells the engine about the chunk it was offered. */
typedef enum dapi_sink_action {
  DAPI_SINK_CONSUMED, /* took all len bytes */
  DAPI_SINK_PAUSE,    /* took nothing: pause the transfer; the same bytes come again after
                         dapi_call_resume */
  DAPI_SINK_ABORT,    /* took nothing: stop; the call completes with DAPI_ECANCELLED */
} dapi_sink_action;

/* The body of a 2xx GetStatementResult, chunk by chunk as it arrives. data is borrowed for the
 * duration of the call. Non-2xx bodies never reach the sink (they are parsed as errors). */
typedef struct dapi_sink {
  dapi_sink_action (*fn)(void *ctx, const char *data, size_t len);
  void *ctx; /* borrowed */
} dapi_sink;

/* Everything `done` learns. Owned by the call; valid until `done` returns. */
typedef struct dapi_call_outcome {
  dapi_rc rc;       /* DAPI_OK, or why the call failed (DAPI_EAPI: see error) */
  dapi_error error; /* rc != DAPI_OK: the final attempt's error, classified */
  dapi_op op;
  long http_status;    /* of the final attempt; 0 if none */
  uint32_t attempts;   /* attempts made (1 = no retry) */
  long num_connects;   /* new connections the final attempt opened (0: reused keep-alive) */
  uint64_t body_bytes; /* bytes of the final 2xx body (to the sink or buffered) */
  dapi_stmt_info stmt; /* Execute/Describe on success. `done` may move it out (copy the
                          struct, then zero this member); whatever remains is freed. */
  bool cancel_status;  /* CancelStatement on success: the service's Status */
  const char *body;    /* GetStatementResult without sink on success: the body, borrowed */
  size_t body_len;
} dapi_call_outcome;

typedef void (*dapi_done_fn)(void *ctx, dapi_call *call, dapi_call_outcome *out);

/*
 * Start calls. creds and every input string are borrowed for the start call only. out (may be
 * NULL) receives the call handle. When in->client_token is NULL a fresh UUIDv4 is used; either
 * way the token is fixed for all attempts of this call.
 */
DAPI_MUSTCHECK dapi_rc dapi_client_execute(dapi_client *c, const dapi_creds *creds,
                                           const dapi_execute_input *in, dapi_done_fn done,
                                           void *ctx, dapi_call **out);
/* wait_time_seconds: 0 for none, 1..30 to long-poll until the statement is terminal. */
DAPI_MUSTCHECK dapi_rc dapi_client_describe(dapi_client *c, const dapi_creds *creds, const char *id,
                                            int wait_time_seconds, dapi_done_fn done, void *ctx,
                                            dapi_call **out);
/* The same, sent delay_ms from now: the pause between polls of an endpoint that does not
 * long-poll. Until then the call waits as for a retry backoff (dapi_call_cancel ends it). */
DAPI_MUSTCHECK dapi_rc dapi_client_describe_after(dapi_client *c, const dapi_creds *creds,
                                                  const char *id, int wait_time_seconds,
                                                  uint32_t delay_ms, dapi_done_fn done, void *ctx,
                                                  dapi_call **out);
/* sink NULL (or sink->fn NULL): the body is buffered (max_response_bytes) and handed to done.
 * A streaming call is retried only while no byte reached the sink: after that a failure is
 * final, since the sink's consumer cannot take bytes back. */
DAPI_MUSTCHECK dapi_rc dapi_client_get_result(dapi_client *c, const dapi_creds *creds,
                                              const char *id, const char *next_token,
                                              const dapi_sink *sink, dapi_done_fn done, void *ctx,
                                              dapi_call **out);
DAPI_MUSTCHECK dapi_rc dapi_client_cancel_statement(dapi_client *c, const dapi_creds *creds,
                                                    const char *id, dapi_done_fn done, void *ctx,
                                                    dapi_call **out);

/* Abandons the call, in flight or waiting for a retry: done fires later with DAPI_ECANCELLED
 * (unless the call had already finished and its completion is queued, which then stands).
 * Idempotent. Does not cancel the *statement*: that is dapi_client_cancel_statement. */
void dapi_call_cancel(dapi_call *call);

/* Resumes a transfer its sink paused. Safe anywhere (deferred to the next engine turn when
 * called from inside a curl callback); a no-op when not paused. */
DAPI_MUSTCHECK dapi_rc dapi_call_resume(dapi_call *call);

/* True between a DAPI_SINK_PAUSE and the resume taking effect. */
bool dapi_call_paused(const dapi_call *call);

#endif
