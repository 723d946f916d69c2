/*
 * test_dapi_engine.c — the engine (dapi_multi + dapi_client on px_curl_uv) against a scripted
 * fake Data API served by libmicrohttpd in this process (STYLE R15: reply scripts + recorded
 * requests). No stack needed: it checks what the emulator cannot easily show — the exact
 * request bytes of every retry, signatures verified independently, scripted failure sequences.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "auth_sigv4.h"
#include "dapi_client.h"
#include "px_curl_uv.h"

#define AKID   "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define REGION "us-east-1"

/* ---- the fake service ---- */

enum { REPLY_JSON, REPLY_DROP };

typedef struct reply {
  int kind;
  unsigned status;
  const char *error_type_header; /* x-amzn-ErrorType, or NULL */
  const char *body;              /* NULL: body_repeat of 'x' bytes wrapped as a JSON string */
  size_t body_repeat;
  unsigned delay_ms;
} reply;

#define MAX_REQ 256

typedef struct recorded {
  char *body;
  char target[64];
  bool sig_ok;
  char signed_headers[160];
} recorded;

/* Shared with MHD's threads under `lock`: test-only state. */
static struct {
  pthread_mutex_t lock;
  const reply *script; /* one reply per request; the last one repeats */
  size_t n_script;
  size_t n_req;
  recorded req[MAX_REQ];
} S = {.lock = PTHREAD_MUTEX_INITIALIZER};

typedef struct upload {
  char *data;
  size_t len;
} upload;

static const char *hv(struct MHD_Connection *c, const char *name) {
  return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* Verifies the Authorization header the way the service does: recompute over the listed
 * headers and the exact body, with the known secret. */
static bool verify(struct MHD_Connection *c, const upload *u, char *signed_out, size_t cap) {
  const char *authz = hv(c, "Authorization");
  if (authz == NULL) {
    return false;
  }
  auth_sigv4_authz a;
  const char *why = NULL;
  if (auth_sigv4_parse_authorization(authz, strlen(authz), &a, &why) != AUTH_SIGV4_OK) {
    return false;
  }
  snprintf(signed_out, cap, "%.*s", (int)a.signed_headers_len, a.signed_headers);
  auth_sigv4_header hs[8];
  size_t n = 0;
  char names[8][40];
  const char *p = a.signed_headers, *end = a.signed_headers + a.signed_headers_len;
  while (p < end && n < 8) {
    const char *semi = memchr(p, ';', (size_t)(end - p));
    size_t len = semi != NULL ? (size_t)(semi - p) : (size_t)(end - p);
    snprintf(names[n], sizeof(names[n]), "%.*s", (int)len, p);
    const char *v = hv(c, names[n]);
    if (v == NULL) {
      return false;
    }
    hs[n] = (auth_sigv4_header){names[n], strlen(names[n]), v, strlen(v)};
    n++;
    p = semi != NULL ? semi + 1 : end;
  }
  const char *date = hv(c, "X-Amz-Date");
  const char *token = hv(c, "X-Amz-Security-Token");
  auth_sigv4_request req = {"POST", "/", 1, NULL, 0, hs, n, (const uint8_t *)u->data, u->len};
  auth_sigv4_params prm = {AKID, SECRET, token, REGION, "redshift-data", date, true};
  char sig[AUTH_SIGV4_HEX_LEN + 1];
  if (date == NULL ||
      auth_sigv4_signature(&req, signed_out, &prm, sig, NULL, NULL) != AUTH_SIGV4_OK) {
    return false;
  }
  return a.signature_len == AUTH_SIGV4_HEX_LEN &&
         auth_sigv4_signature_equal(sig, a.signature, AUTH_SIGV4_HEX_LEN);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls) {
  (void)cls, (void)url, (void)method, (void)version;
  upload *u = *con_cls;
  if (u == NULL) {
    u = calloc(1, sizeof(*u));
    *con_cls = u;
    return MHD_YES;
  }
  if (*upload_size > 0) {
    u->data = realloc(u->data, u->len + *upload_size + 1);
    memcpy(u->data + u->len, upload_data, *upload_size);
    u->len += *upload_size;
    u->data[u->len] = '\0';
    *upload_size = 0;
    return MHD_YES;
  }
  pthread_mutex_lock(&S.lock);
  size_t i = S.n_req < MAX_REQ ? S.n_req++ : MAX_REQ - 1;
  recorded *r = &S.req[i];
  free(r->body);
  r->body = strdup(u->data != NULL ? u->data : "");
  const char *t = hv(c, "X-Amz-Target");
  snprintf(r->target, sizeof(r->target), "%s", t != NULL ? t : "");
  r->sig_ok = verify(c, u, r->signed_headers, sizeof(r->signed_headers));
  reply rp = S.script[i < S.n_script ? i : S.n_script - 1];
  pthread_mutex_unlock(&S.lock);

  if (rp.delay_ms > 0) {
    struct timespec ts = {rp.delay_ms / 1000, (long)(rp.delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  if (rp.kind == REPLY_DROP) {
    return MHD_NO; /* MHD closes the connection without a response */
  }
  char *body;
  if (rp.body != NULL) {
    body = strdup(rp.body);
  } else {
    body = malloc(rp.body_repeat + 16);
    size_t o = (size_t)sprintf(body, "{\"P\":\"");
    memset(body + o, 'x', rp.body_repeat);
    o += rp.body_repeat;
    strcpy(body + o, "\"}");
  }
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
  MHD_add_response_header(resp, "Content-Type", "application/x-amz-json-1.1");
  MHD_add_response_header(resp, "x-amzn-RequestId", "11111111-2222-3333-4444-555555555555");
  if (rp.error_type_header != NULL) {
    MHD_add_response_header(resp, "x-amzn-ErrorType", rp.error_type_header);
  }
  enum MHD_Result ret = MHD_queue_response(c, rp.status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)c, (void)toe;
  upload *u = *con_cls;
  if (u != NULL) {
    free(u->data);
    free(u);
    *con_cls = NULL;
  }
}

static void script(const reply *r, size_t n) {
  pthread_mutex_lock(&S.lock);
  S.script = r;
  S.n_script = n;
  for (size_t i = 0; i < S.n_req && i < MAX_REQ; i++) {
    free(S.req[i].body);
    S.req[i].body = NULL;
  }
  S.n_req = 0;
  pthread_mutex_unlock(&S.lock);
}

static size_t n_requests(void) {
  pthread_mutex_lock(&S.lock);
  size_t n = S.n_req;
  pthread_mutex_unlock(&S.lock);
  return n;
}

/* ---- fixture: server + loop + engine + client ---- */

typedef struct fx {
  struct MHD_Daemon *mhd;
  char url[64];
  uv_loop_t loop;
  px_curl_uv *px;
  dapi_client *client;
  dapi_creds creds;
  dapi_target target;
  bool closed;
} fx;

static void new_client(fx *f, const dapi_client_conf *cc_in) {
  dapi_client_conf cc;
  if (cc_in != NULL) {
    cc = *cc_in;
  } else {
    dapi_client_conf_default(&cc);
    cc.retry.base_ms = 5;
    cc.retry.throttle_base_ms = 10;
  }
  cc.endpoint = f->url;
  cc.region = REGION;
  assert_int_equal(dapi_client_new(px_curl_uv_multi(f->px), &cc, &f->client), DAPI_OK);
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof(*f));
  f->mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                            NULL, NULL, on_request, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
                            NULL, MHD_OPTION_CONNECTION_LIMIT, 200u, MHD_OPTION_END);
  assert_non_null(f->mhd);
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(f->mhd, MHD_DAEMON_INFO_BIND_PORT);
  snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%u", (unsigned)di->port);
  assert_int_equal(uv_loop_init(&f->loop), 0);
  assert_int_equal(px_curl_uv_new(&f->loop, &f->px), DAPI_OK);
  f->creds = (dapi_creds){AKID, SECRET, NULL};
  f->target = (dapi_target){DAPI_TARGET_WORKGROUP, "wg", "dev", NULL, NULL};
  *state = f;
  return 0;
}

static void on_closed(void *arg) {
  ((fx *)arg)->closed = true;
}

static int teardown(void **state) {
  fx *f = *state;
  if (f->client != NULL) {
    assert_int_equal(dapi_client_free(f->client), DAPI_OK);
  }
  assert_int_equal(px_curl_uv_last_error(f->px), DAPI_OK);
  assert_int_equal(px_curl_uv_close(f->px, on_closed, f), DAPI_OK);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  assert_true(f->closed);
  assert_int_equal(uv_loop_close(&f->loop), 0);
  MHD_stop_daemon(f->mhd);
  script(NULL, 0);
  free(f);
  return 0;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run_until(fx *f, const bool *flag, double secs) {
  double deadline = now_s() + secs;
  while (!*flag) {
    if (now_s() > deadline) {
      fail_msg("timed out after %.1f s", secs);
    }
    uv_run(&f->loop, UV_RUN_ONCE);
  }
}

typedef struct rec {
  bool done;
  int fired;
  dapi_call_outcome o; /* copy; stmt moved in */
  uint64_t sink_bytes;
  int sink_calls;
  bool pause_first;
  int pauses;
} rec;

static void on_done(void *ctx, dapi_call *call, dapi_call_outcome *o) {
  (void)call;
  rec *r = ctx;
  r->fired++;
  r->done = true;
  r->o = *o;
  memset(&o->stmt, 0, sizeof(o->stmt));
  r->o.body = NULL; /* borrowed: not valid after return */
}

static dapi_sink_action count_sink(void *ctx, const char *data, size_t len) {
  rec *r = ctx;
  (void)data;
  if (r->pause_first && r->pauses == 0) {
    r->pauses++;
    return DAPI_SINK_PAUSE;
  }
  r->sink_calls++;
  r->sink_bytes += len;
  return DAPI_SINK_CONSUMED;
}

static void start_execute(fx *f, rec *r, dapi_call **call) {
  dapi_execute_input in = {.sql = "select 1",
                           .target = &f->target,
                           .session_keep_alive_seconds = -1,
                           .wait_time_seconds = 0};
  memset(r, 0, sizeof(*r));
  assert_int_equal(dapi_client_execute(f->client, &f->creds, &in, on_done, r, call), DAPI_OK);
}

#define OK_EXEC "{\"Id\":\"e0000000-0000-0000-0000-000000000001\",\"Status\":\"SUBMITTED\"}"

/* ---- tests ---- */

static void test_signed_request_and_parse(void **state) {
  fx *f = *state;
  new_client(f, NULL);
  static const reply rs[] = {{REPLY_JSON, 200, NULL, OK_EXEC, 0, 0}};
  script(rs, 1);
  rec r;
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_OK);
  assert_string_equal(r.o.stmt.id, "e0000000-0000-0000-0000-000000000001");
  assert_int_equal(r.o.stmt.status, DAPI_STMT_SUBMITTED);
  assert_int_equal(r.o.attempts, 1);
  assert_true(S.req[0].sig_ok);
  assert_string_equal(S.req[0].signed_headers, "content-type;host;x-amz-date;x-amz-target");
  assert_string_equal(S.req[0].target, "RedshiftData.ExecuteStatement");
  assert_non_null(strstr(S.req[0].body, "\"ClientToken\":\""));
  dapi_stmt_info_free(&r.o.stmt);
  /* Temporary credentials add a signed x-amz-security-token. */
  f->creds.session_token = "EXAMPLESESSIONTOKEN";
  script(rs, 1);
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_OK);
  assert_true(S.req[0].sig_ok);
  assert_string_equal(S.req[0].signed_headers,
                      "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
  dapi_stmt_info_free(&r.o.stmt);
}

static void test_retry_sequence_same_body(void **state) {
  fx *f = *state;
  static const reply rs[] = {
      {REPLY_JSON, 503, NULL, "{\"__type\":\"ServiceUnavailableException\"}", 0, 0},
      {REPLY_JSON, 400, "ThrottlingException:http://x", "{\"message\":\"Rate exceeded\"}", 0, 0},
      {REPLY_DROP, 0, NULL, NULL, 0, 0},
      {REPLY_JSON, 200, NULL, OK_EXEC, 0, 0},
  };
  script(rs, 4);
  dapi_client_conf c2;
  dapi_client_conf_default(&c2);
  c2.retry.base_ms = 5;
  c2.retry.throttle_base_ms = 10;
  c2.retry.max_attempts = 4;
  new_client(f, &c2);
  rec r;
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_OK);
  /* Four requests reached the server but only three were our attempts: the drop hit the
   * keep-alive connection of attempt 2, and curl itself re-sends a request whose reused
   * connection died before any response byte (then on a fresh connection). */
  assert_int_equal(n_requests(), 4);
  assert_int_equal(r.o.attempts, 3);
  for (size_t i = 1; i < 4; i++) {
    /* Byte-identical body on every attempt: same ClientToken, by construction. */
    assert_string_equal(S.req[i].body, S.req[0].body);
    assert_true(S.req[i].sig_ok);
  }
  /* Two retries withdrew 10 tokens, the successful retry gave its 5 back. */
  assert_int_equal(dapi_client_retry_tokens(f->client), 500 - 10 + 5);
  dapi_stmt_info_free(&r.o.stmt);
}

static void test_final_errors(void **state) {
  fx *f = *state;
  new_client(f, NULL);
  static const reply gone[] = {{REPLY_JSON, 400, NULL,
                                "{\"__type\":\"com.amazonaws.redshiftdata#ValidationException\","
                                "\"message\":\"Session is not available\"}",
                                0, 0}};
  script(gone, 1);
  rec r;
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_EAPI);
  assert_int_equal(r.o.error.cls, DAPI_ERR_SESSION_GONE);
  assert_int_equal(r.o.error.http_status, 400);
  assert_string_equal(r.o.error.request_id, "11111111-2222-3333-4444-555555555555");
  assert_int_equal(r.o.attempts, 1);
  /* Always 500: three attempts (the default), then the transient error stands. */
  static const reply boom[] = {
      {REPLY_JSON, 500, NULL, "{\"__type\":\"InternalServerException\",\"Message\":\"b\"}", 0, 0}};
  script(boom, 1);
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_EAPI);
  assert_int_equal(r.o.error.cls, DAPI_ERR_TRANSIENT);
  assert_string_equal(r.o.error.message, "b");
  assert_int_equal(r.o.attempts, 3);
  assert_int_equal(n_requests(), 3);
  /* 2xx with garbage: a parse failure, not retried. */
  static const reply junk[] = {{REPLY_JSON, 200, NULL, "{\"Id\":", 0, 0}};
  script(junk, 1);
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_EPARSE);
  assert_int_equal(r.o.attempts, 1);
}

static void test_budget_exhaustion(void **state) {
  fx *f = *state;
  dapi_client_conf cc;
  dapi_client_conf_default(&cc);
  cc.retry.base_ms = 1;
  cc.retry.throttle_base_ms = 1;
  cc.retry.bucket_capacity = 10;
  new_client(f, &cc);
  static const reply boom[] = {{REPLY_JSON, 500, NULL, "{}", 0, 0}};
  script(boom, 1);
  rec r;
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.attempts, 3); /* two retries: 10 tokens */
  assert_int_equal(dapi_client_retry_tokens(f->client), 0);
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.attempts, 1); /* the budget refuses any retry */
  assert_int_equal(r.o.error.cls, DAPI_ERR_TRANSIENT);
}

static void test_response_caps_and_sink(void **state) {
  fx *f = *state;
  dapi_client_conf cc;
  dapi_client_conf_default(&cc);
  cc.max_response_bytes = 1000;
  new_client(f, &cc);
  static const reply big[] = {{REPLY_JSON, 200, NULL, NULL, 5000, 0}};
  script(big, 1);
  rec r;
  memset(&r, 0, sizeof(r));
  assert_int_equal(
      dapi_client_get_result(f->client, &f->creds, "id", NULL, NULL, on_done, &r, NULL), DAPI_OK);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_ETOOBIG);
  /* Streaming is not capped by max_response_bytes: the sink decides. 3 MB in chunks. */
  static const reply huge[] = {{REPLY_JSON, 200, NULL, NULL, 3000000, 0}};
  script(huge, 1);
  dapi_sink sink = {count_sink, &r};
  memset(&r, 0, sizeof(r));
  assert_int_equal(
      dapi_client_get_result(f->client, &f->creds, "id", "tok", &sink, on_done, &r, NULL), DAPI_OK);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_OK);
  assert_int_equal(r.sink_bytes, 3000000 + 8);
  assert_int_equal(r.o.body_bytes, r.sink_bytes);
  assert_true(r.sink_calls > 1);
  assert_non_null(strstr(S.req[0].body, "\"NextToken\":\"tok\""));
  /* A non-2xx page goes to the error parser, never to the sink. */
  static const reply err[] = {{REPLY_JSON, 404, NULL,
                               "{\"__type\":\"ResourceNotFoundException\",\"Message\":\"gone\"}", 0,
                               0}};
  script(err, 1);
  memset(&r, 0, sizeof(r));
  assert_int_equal(
      dapi_client_get_result(f->client, &f->creds, "id", NULL, &sink, on_done, &r, NULL), DAPI_OK);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_EAPI);
  assert_int_equal(r.o.error.cls, DAPI_ERR_NOT_FOUND);
  assert_int_equal(r.sink_calls, 0);
}

typedef struct resumer {
  uv_timer_t t;
  dapi_call *call;
  bool saw_paused;
} resumer;

static void resume_cb(uv_timer_t *t) {
  resumer *rs = t->data;
  rs->saw_paused = dapi_call_paused(rs->call);
  assert_int_equal(dapi_call_resume(rs->call), DAPI_OK);
  uv_close((uv_handle_t *)t, NULL);
}

static void test_pause_resume(void **state) {
  fx *f = *state;
  new_client(f, NULL);
  static const reply big[] = {{REPLY_JSON, 200, NULL, NULL, 1000000, 0}};
  script(big, 1);
  rec r;
  memset(&r, 0, sizeof(r));
  r.pause_first = true;
  dapi_sink sink = {count_sink, &r};
  resumer rs = {0};
  assert_int_equal(
      dapi_client_get_result(f->client, &f->creds, "id", NULL, &sink, on_done, &r, &rs.call),
      DAPI_OK);
  uv_timer_init(&f->loop, &rs.t);
  rs.t.data = &rs;
  uv_timer_start(&rs.t, resume_cb, 200, 0);
  double t0 = now_s();
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.rc, DAPI_OK);
  assert_true(rs.saw_paused);
  assert_int_equal(r.pauses, 1);
  assert_true(now_s() - t0 >= 0.19);
  assert_int_equal(r.sink_bytes, 1000000 + 8); /* the refused chunk came again, exactly once */
}

/* Jitter pinned to its top: the backoff is then exactly its cap, so a test can rely on it. */
static uint32_t top_of_range(void *ctx) {
  (void)ctx;
  return UINT32_MAX;
}

static void test_cancel(void **state) {
  fx *f = *state;
  dapi_client_conf cc;
  dapi_client_conf_default(&cc);
  cc.retry.base_ms = 2000;
  cc.retry.throttle_base_ms = 2000;
  cc.retry.max_delay_ms = 4000;
  cc.rng = top_of_range;
  new_client(f, &cc);
  /* In flight: the server sits on the request for 2 s. */
  static const reply slow[] = {{REPLY_JSON, 200, NULL, OK_EXEC, 0, 2000}};
  script(slow, 1);
  rec r;
  dapi_call *call;
  start_execute(f, &r, &call);
  uv_run(&f->loop, UV_RUN_NOWAIT);
  double t0 = now_s();
  dapi_call_cancel(call);
  dapi_call_cancel(call);
  assert_false(r.done);
  run_until(f, &r.done, 5);
  assert_true(now_s() - t0 < 0.5);
  assert_int_equal(r.o.rc, DAPI_ECANCELLED);
  assert_int_equal(r.fired, 1);
  /* Waiting for a retry (a backoff of 2 s after a 503). */
  static const reply busy[] = {{REPLY_JSON, 503, NULL, "{}", 0, 0}};
  script(busy, 1);
  start_execute(f, &r, &call);
  while (n_requests() < 1 || r.done) {
    uv_run(&f->loop, UV_RUN_NOWAIT);
  }
  /* Let the 503 arrive and the backoff start. */
  double until = now_s() + 0.1;
  while (now_s() < until) {
    uv_run(&f->loop, UV_RUN_NOWAIT);
  }
  dapi_call_cancel(call);
  run_until(f, &r.done, 5);
  assert_int_equal(r.fired, 1);
  assert_int_equal(r.o.rc, DAPI_ECANCELLED);
  assert_int_equal(r.o.attempts, 1);
}

static void test_keepalive_and_concurrency(void **state) {
  fx *f = *state;
  new_client(f, NULL);
  static const reply ok[] = {{REPLY_JSON, 200, NULL, OK_EXEC, 0, 0}};
  script(ok, 1);
  rec r;
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.num_connects, 1);
  dapi_stmt_info_free(&r.o.stmt);
  start_execute(f, &r, NULL);
  run_until(f, &r.done, 10);
  assert_int_equal(r.o.num_connects, 0);
  dapi_stmt_info_free(&r.o.stmt);
  /* 50 calls at once, each held 300 ms by the server: concurrent, not queued. */
  static const reply slow[] = {{REPLY_JSON, 200, NULL, OK_EXEC, 0, 300}};
  script(slow, 1);
  static rec many[50];
  for (int i = 0; i < 50; i++) {
    start_execute(f, &many[i], NULL);
  }
  double t0 = now_s();
  for (int i = 0; i < 50; i++) {
    run_until(f, &many[i].done, 10);
    assert_int_equal(many[i].o.rc, DAPI_OK);
    dapi_stmt_info_free(&many[i].o.stmt);
  }
  assert_true(now_s() - t0 < 3.0);
  assert_int_equal(n_requests(), 50);
}

static void test_bad_arguments(void **state) {
  fx *f = *state;
  dapi_client_conf cc;
  dapi_client_conf_default(&cc);
  cc.region = REGION;
  dapi_client *c = NULL;
  static const char *const bad_urls[] = {"ftp://x", "http://h/path", "http://h/?q=1", "nonsense",
                                         ""};
  for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
    cc.endpoint = bad_urls[i];
    assert_int_equal(dapi_client_new(px_curl_uv_multi(f->px), &cc, &c), DAPI_EINVAL);
    assert_null(c);
  }
  new_client(f, NULL);
  rec r;
  dapi_creds none = {NULL, NULL, NULL};
  dapi_execute_input in = {
      .sql = "select 1", .target = &f->target, .session_keep_alive_seconds = -1};
  assert_int_equal(dapi_client_execute(f->client, &none, &in, on_done, &r, NULL), DAPI_EINVAL);
  in.sql = "";
  assert_int_equal(dapi_client_execute(f->client, &f->creds, &in, on_done, &r, NULL), DAPI_EINVAL);
  /* A client with a live call cannot be freed. */
  static const reply slow[] = {{REPLY_JSON, 200, NULL, OK_EXEC, 0, 100}};
  script(slow, 1);
  start_execute(f, &r, NULL);
  assert_int_equal(dapi_client_free(f->client), DAPI_EBUSY);
  assert_int_equal(px_curl_uv_close(f->px, NULL, NULL), DAPI_EBUSY);
  run_until(f, &r.done, 5);
  dapi_stmt_info_free(&r.o.stmt);
}

int main(void) {
  if (dapi_multi_global_init() != DAPI_OK) {
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_signed_request_and_parse, setup, teardown),
      cmocka_unit_test_setup_teardown(test_retry_sequence_same_body, setup, teardown),
      cmocka_unit_test_setup_teardown(test_final_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_budget_exhaustion, setup, teardown),
      cmocka_unit_test_setup_teardown(test_response_caps_and_sink, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pause_resume, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
      cmocka_unit_test_setup_teardown(test_keepalive_and_concurrency, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
