/* dapi_client.c — Data API calls: attempts, retries, completion, cancel, pause/resume. */
#include "dapi_client.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth_sigv4.h"
#include "dapi_client_sign.h"
#include "dapi_http.h"

struct dapi_client {
  dapi_multi *m;            /* borrowed; outlives the client */
  char *url;                /* owned: "scheme://host[:port]/" */
  char *host;               /* owned: Host header value */
  char *region;             /* owned */
  dapi_client_conf conf;    /* copy; its endpoint/region pointers are not used after new */
  dapi_retry_bucket bucket; /* shared by every call of this client */
  dapi_xorshift rng_state;  /* used when conf.rng is NULL */
  size_t n_calls;           /* started and not yet completed */
};

typedef enum call_state {
  CALL_IN_FLIGHT, /* an attempt is in the engine */
  CALL_WAITING,   /* backing off before the next attempt */
  CALL_DONE,      /* outcome fixed; completion queued on the timer */
} call_state;

struct dapi_call {
  dapi_client *c; /* borrowed */
  dapi_op op;
  dapi_body body;        /* owned; every attempt sends exactly these bytes */
  char *akid;            /* owned */
  char *secret;          /* owned; wiped on free */
  char *token;           /* owned; NULL for permanent keys; wiped on free */
  int wait_time_seconds; /* extends the per-attempt timeout */
  dapi_sink sink;        /* fn NULL: buffer the body */
  dapi_done_fn done;
  void *ctx; /* borrowed; the caller's */
  call_state state;
  dapi_multi_xfer xfer;       /* the attempt in flight */
  dapi_multi_timer timer;     /* backoff, deferred cancel/resume, or the queued completion */
  struct curl_slist *headers; /* owned; of the attempt in flight */
  uint32_t attempts;
  uint32_t last_retry_cost;
  bool cancel_requested; /* cancel asked from inside curl: finish it on the next turn */
  bool resume_requested; /* resume asked from inside curl */
  bool paused;
  /* Per-attempt response state, reset by start_attempt. */
  long status;
  bool status_known;
  bool to_sink;
  bool sink_aborted;
  bool too_big;
  uint64_t sink_bytes;
  char *resp; /* owned; buffered body */
  size_t resp_len, resp_cap;
  char err_type[DAPI_ERROR_TYPE_MAX];
  char request_id[DAPI_ERROR_REQUEST_ID_MAX];
  char curl_err[CURL_ERROR_SIZE];
  dapi_call_outcome outcome;
};

static void start_attempt_or_fail(dapi_call *call);
static void on_call_timer(void *ctx);

void dapi_client_conf_default(dapi_client_conf *conf) {
  memset(conf, 0, sizeof(*conf));
  conf->connect_timeout_ms = 5000;
  conf->request_timeout_ms = 60000;
  conf->low_speed_limit = 1;
  conf->low_speed_time_s = 30;
  conf->max_request_bytes = 256 * 1024;
  conf->max_response_bytes = 4 * 1024 * 1024;
  conf->max_error_bytes = 64 * 1024;
  dapi_retry_conf_default(&conf->retry);
}

dapi_rc dapi_client_new(dapi_multi *m, const dapi_client_conf *conf, dapi_client **out) {
  *out = NULL;
  if (m == NULL || conf == NULL || conf->endpoint == NULL || conf->region == NULL ||
      conf->region[0] == '\0' || conf->connect_timeout_ms < 0 || conf->request_timeout_ms < 0 ||
      conf->low_speed_limit < 0 || conf->low_speed_time_s < 0 || conf->max_request_bytes == 0 ||
      conf->max_response_bytes == 0 || conf->max_error_bytes == 0 ||
      dapi_retry_conf_check(&conf->retry) != DAPI_OK) {
    return DAPI_EINVAL;
  }
  dapi_client *c = calloc(1, sizeof(*c));
  if (c == NULL) {
    return DAPI_ENOMEM;
  }
  dapi_rc rc = dapi_endpoint_split(conf->endpoint, &c->url, &c->host);
  c->region = rc == DAPI_OK ? strdup(conf->region) : NULL;
  if (rc == DAPI_OK && c->region == NULL) {
    rc = DAPI_ENOMEM;
  }
  uint64_t seed = 0;
  if (rc == DAPI_OK && conf->rng == NULL &&
      RAND_bytes((unsigned char *)&seed, (int)sizeof(seed)) != 1) {
    rc = DAPI_ECRYPTO;
  }
  if (rc != DAPI_OK) {
    free(c->url);
    free(c->host);
    free(c->region);
    free(c);
    return rc;
  }
  c->m = m;
  c->conf = *conf;
  c->conf.endpoint = NULL;
  c->conf.region = NULL;
  dapi_xorshift_seed(&c->rng_state, seed);
  dapi_retry_bucket_init(&c->bucket, &c->conf.retry);
  *out = c;
  return DAPI_OK;
}

dapi_rc dapi_client_free(dapi_client *c) {
  if (c == NULL) {
    return DAPI_OK;
  }
  if (c->n_calls > 0) {
    return DAPI_EBUSY;
  }
  free(c->url);
  free(c->host);
  free(c->region);
  free(c);
  return DAPI_OK;
}

uint32_t dapi_client_retry_tokens(const dapi_client *c) {
  return c->bucket.tokens;
}

static void wipe_free(char *s) {
  if (s != NULL) {
    OPENSSL_cleanse(s, strlen(s));
    free(s);
  }
}

static void call_free(dapi_call *call) {
  dapi_body_free(&call->body);
  free(call->akid);
  wipe_free(call->secret);
  wipe_free(call->token);
  curl_slist_free_all(call->headers);
  free(call->resp);
  dapi_stmt_info_free(&call->outcome.stmt);
  free(call);
}

/* Fixes the outcome and queues `done` for the next engine turn: completions never run inside
 * the function that decided them (cancel, start) nor inside curl. */
static void finish(dapi_call *call) {
  call->state = CALL_DONE;
  call->outcome.op = call->op;
  call->outcome.attempts = call->attempts;
  dapi_multi_timer_start(call->c->m, &call->timer, 0, on_call_timer, call);
}

static void fail(dapi_call *call, dapi_rc rc, dapi_err_class cls, const char *type,
                 const char *msg) {
  call->outcome.rc = rc;
  dapi_error_set(&call->outcome.error, cls, type, msg);
  call->outcome.error.http_status = call->outcome.http_status;
  finish(call);
}

static void complete_now(dapi_call *call) {
  dapi_client *c = call->c;
  call->done(call->ctx, call, &call->outcome);
  c->n_calls--;
  call_free(call);
}

/* Returns the attempt's easy handle to the pool and drops its headers. */
static void release_attempt(dapi_call *call, CURL *easy) {
  dapi_multi_easy_put(call->c->m, easy);
  curl_slist_free_all(call->headers);
  call->headers = NULL;
}

static void do_cancel(dapi_call *call) {
  if (call->xfer.easy != NULL) {
    CURL *easy = call->xfer.easy;
    /* do_cancel only runs outside curl, where removal fails only for a handle curl does not
     * hold: either way the handle is out of the multi afterwards and safe to pool. */
    dapi_rc removed = dapi_multi_remove(call->c->m, &call->xfer);
    (void)removed;
    release_attempt(call, easy);
  }
  dapi_multi_timer_stop(call->c->m, &call->timer);
  call->cancel_requested = false;
  fail(call, DAPI_ECANCELLED, DAPI_ERR_CANCELLED, NULL, "call cancelled");
}

static void on_call_timer(void *ctx) {
  dapi_call *call = ctx;
  switch (call->state) {
  case CALL_DONE:
    complete_now(call);
    return;
  case CALL_WAITING:
    start_attempt_or_fail(call);
    return;
  case CALL_IN_FLIGHT:
    if (call->cancel_requested) {
      do_cancel(call);
      return;
    }
    if (call->resume_requested) {
      call->resume_requested = false;
      if (dapi_call_resume(call) != DAPI_OK) {
        /* A transfer that cannot be resumed would hang: end the call instead. */
        do_cancel(call);
        call->outcome.rc = DAPI_ECURL;
        dapi_error_set(&call->outcome.error, DAPI_ERR_LOCAL, NULL, "could not resume transfer");
      }
    }
    return;
  }
}

void dapi_call_cancel(dapi_call *call) {
  if (call == NULL || call->state == CALL_DONE) {
    return;
  }
  if (dapi_multi_in_curl(call->c->m)) {
    /* curl forbids removing a handle from inside its callbacks: the write callback refuses
     * further data at once, and the removal happens on the next engine turn. */
    call->cancel_requested = true;
    dapi_multi_timer_start(call->c->m, &call->timer, 0, on_call_timer, call);
    return;
  }
  do_cancel(call);
}

dapi_rc dapi_call_resume(dapi_call *call) {
  if (call == NULL || call->state != CALL_IN_FLIGHT || !call->paused) {
    return DAPI_OK;
  }
  if (dapi_multi_in_curl(call->c->m)) {
    call->resume_requested = true;
    dapi_multi_timer_start(call->c->m, &call->timer, 0, on_call_timer, call);
    return DAPI_OK;
  }
  call->paused = false;
  /* curl may hand the held chunk to the sink right here, and the sink may pause again. */
  return dapi_multi_unpause(call->c->m, &call->xfer);
}

bool dapi_call_paused(const dapi_call *call) {
  return call->paused;
}

/* ---- curl callbacks (run inside curl: no engine calls from here) ---- */

static bool buffer_append(dapi_call *call, const char *data, size_t len, size_t cap) {
  if (len > cap - call->resp_len) {
    call->too_big = true;
    return false;
  }
  if (call->resp_len + len + 1 > call->resp_cap) {
    size_t ncap = call->resp_cap != 0 ? call->resp_cap : 4096;
    while (ncap < call->resp_len + len + 1) {
      ncap *= 2;
    }
    char *p = realloc(call->resp, ncap);
    if (p == NULL) {
      return false;
    }
    call->resp = p;
    call->resp_cap = ncap;
  }
  memcpy(call->resp + call->resp_len, data, len);
  call->resp_len += len;
  call->resp[call->resp_len] = '\0';
  return true;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud) {
  dapi_call *call = ud;
  size_t len = size * nmemb;
  if (call->cancel_requested) {
    return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
  }
  if (!call->status_known) {
    long st = 0;
    curl_easy_getinfo(call->xfer.easy, CURLINFO_RESPONSE_CODE, &st);
    call->status = st;
    call->status_known = true;
    call->to_sink = call->sink.fn != NULL && st >= 200 && st < 300;
  }
  if (call->to_sink) {
    switch (call->sink.fn(call->sink.ctx, data, len)) {
    case DAPI_SINK_CONSUMED:
      call->sink_bytes += len;
      return len;
    case DAPI_SINK_PAUSE:
      call->paused = true;
      return CURL_WRITEFUNC_PAUSE;
    case DAPI_SINK_ABORT:
      call->sink_aborted = true;
      return 0;
    }
    return 0;
  }
  bool ok2xx = call->status >= 200 && call->status < 300;
  size_t cap = ok2xx ? call->c->conf.max_response_bytes : call->c->conf.max_error_bytes;
  return buffer_append(call, data, len, cap) ? len : 0;
}

/* Copies a header's value if the line is "name: value". */
static void grab_header(const char *line, size_t len, const char *name, char *dst, size_t cap) {
  size_t nl = strlen(name);
  if (len <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0) {
    return;
  }
  const char *v = line + nl + 1;
  size_t vl = len - nl - 1;
  while (vl > 0 && (*v == ' ' || *v == '\t')) {
    v++;
    vl--;
  }
  while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' ')) {
    vl--;
  }
  if (vl >= cap) {
    vl = cap - 1;
  }
  memcpy(dst, v, vl);
  dst[vl] = '\0';
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ud) {
  dapi_call *call = ud;
  size_t len = size * nmemb;
  if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
    /* A new response (after a 100 Continue, say): forget the previous one's headers. */
    call->err_type[0] = '\0';
    call->request_id[0] = '\0';
    return len;
  }
  grab_header(line, len, "x-amzn-ErrorType", call->err_type, sizeof(call->err_type));
  grab_header(line, len, "x-amzn-RequestId", call->request_id, sizeof(call->request_id));
  return len;
}

/* ---- attempts ---- */

static bool amz_date_now(char out[AUTH_SIGV4_AMZ_DATE_LEN + 1]) {
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
    return false;
  }
  return auth_sigv4_format_amz_date((int64_t)ts.tv_sec, out);
}

static bool setopts(dapi_call *call, CURL *e) {
  const dapi_client_conf *cf = &call->c->conf;
  long total = cf->request_timeout_ms;
  if (total > 0) {
    total += (long)call->wait_time_seconds * 1000;
  }
  return curl_easy_setopt(e, CURLOPT_URL, call->c->url) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_POST, 1L) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_POSTFIELDS, call->body.data) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)call->body.len) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_HTTPHEADER, call->headers) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_WRITEDATA, call) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_HEADERDATA, call) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_ERRORBUFFER, call->curl_err) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, cf->connect_timeout_ms) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, total) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, cf->low_speed_limit) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, cf->low_speed_time_s) == CURLE_OK;
}

static void on_xfer_done(void *ctx, CURL *easy, CURLcode result);

static dapi_rc start_attempt(dapi_call *call) {
  call->status = 0;
  call->status_known = call->to_sink = call->sink_aborted = call->too_big = false;
  call->paused = call->resume_requested = false;
  call->sink_bytes = 0;
  call->resp_len = 0;
  call->err_type[0] = call->request_id[0] = call->curl_err[0] = '\0';

  char amz_date[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  if (!amz_date_now(amz_date)) {
    return DAPI_EINVAL; /* the wall clock is outside years 0000-9999 */
  }
  dapi_creds cr = {call->akid, call->secret, call->token};
  dapi_sign_input si = {
      .host = call->c->host,
      .region = call->c->region,
      .op = call->op,
      .creds = &cr,
      .amz_date = amz_date,
      .body = call->body.data,
      .body_len = call->body.len,
  };
  curl_slist_free_all(call->headers);
  call->headers = NULL;
  dapi_rc rc = dapi_client_sign(&si, &call->headers);
  if (rc != DAPI_OK) {
    return rc;
  }
  CURL *easy = NULL;
  rc = dapi_multi_easy_get(call->c->m, &easy);
  if (rc != DAPI_OK) {
    return rc;
  }
  if (!setopts(call, easy)) {
    release_attempt(call, easy);
    return DAPI_ECURL;
  }
  call->attempts++;
  call->state = CALL_IN_FLIGHT;
  rc = dapi_multi_add(call->c->m, &call->xfer, easy, on_xfer_done, call);
  if (rc != DAPI_OK) {
    call->attempts--;
    release_attempt(call, easy);
  }
  return rc;
}

static void start_attempt_or_fail(dapi_call *call) {
  dapi_rc rc = start_attempt(call);
  if (rc != DAPI_OK) {
    fail(call, rc, DAPI_ERR_LOCAL, NULL, dapi_strerror(rc));
  }
}

/* Classifies a transfer that produced no usable HTTP response. */
static dapi_err_class curl_class(CURLcode r, const char **type) {
  *type = "ConnectionError";
  switch (r) {
  case CURLE_OPERATION_TIMEDOUT:
    *type = "Timeout";
    return DAPI_ERR_TIMEOUT;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_CONNECT:
    *type = DAPI_ERROR_TYPE_CONNECT;
    return DAPI_ERR_TRANSPORT;
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_WEIRD_SERVER_REPLY:
    return DAPI_ERR_TRANSPORT;
  default:
    /* Certificate failures, bad options, unsupported protocol: retrying cannot help. */
    *type = "TransferFailed";
    return DAPI_ERR_LOCAL;
  }
}

static void retry_or_fail(dapi_call *call) {
  dapi_client *c = call->c;
  dapi_err_class cls = call->outcome.error.cls;
  if (call->sink_bytes > 0) {
    /* Bytes already went to the consumer: a new attempt would deliver them twice. */
    call->outcome.rc = DAPI_EAPI;
    finish(call);
    return;
  }
  dapi_rng_fn rng = c->conf.rng != NULL ? c->conf.rng : dapi_xorshift_next;
  void *rng_ctx = c->conf.rng != NULL ? c->conf.rng_ctx : (void *)&c->rng_state;
  dapi_retry_decision d =
      dapi_retry_decide(&c->conf.retry, &c->bucket, call->attempts, cls, rng, rng_ctx);
  if (!d.retry) {
    call->outcome.rc = DAPI_EAPI;
    finish(call);
    return;
  }
  call->last_retry_cost = d.cost;
  call->state = CALL_WAITING;
  dapi_multi_timer_start(c->m, &call->timer, d.delay_ms, on_call_timer, call);
}

static void parse_success(dapi_call *call) {
  dapi_call_outcome *o = &call->outcome;
  dapi_rc rc = DAPI_OK;
  o->body_bytes = call->to_sink ? call->sink_bytes : call->resp_len;
  switch (call->op) {
  case DAPI_OP_EXECUTE_STATEMENT:
    rc = dapi_ops_parse_execute(call->resp, call->resp_len, &o->stmt);
    break;
  case DAPI_OP_DESCRIBE_STATEMENT:
    rc = dapi_ops_parse_describe(call->resp, call->resp_len, &o->stmt);
    break;
  case DAPI_OP_CANCEL_STATEMENT:
    rc = dapi_ops_parse_cancel(call->resp, call->resp_len, &o->cancel_status);
    break;
  case DAPI_OP_GET_STATEMENT_RESULT:
    if (!call->to_sink) {
      o->body = call->resp != NULL ? call->resp : "";
      o->body_len = call->resp_len;
    }
    break;
  }
  if (rc != DAPI_OK) {
    fail(call, rc, DAPI_ERR_LOCAL, "MalformedResponse",
         "the Data API answered 2xx with a body redwire cannot parse");
    return;
  }
  o->rc = DAPI_OK;
  finish(call);
}

static void on_xfer_done(void *ctx, CURL *easy, CURLcode result) {
  dapi_call *call = ctx;
  dapi_client *c = call->c;
  dapi_call_outcome *o = &call->outcome;
  long status = 0, connects = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
  release_attempt(call, easy);
  o->http_status = status;
  o->num_connects = connects;

  if (call->cancel_requested) {
    do_cancel(call);
    return;
  }
  if (result == CURLE_WRITE_ERROR && call->sink_aborted) {
    fail(call, DAPI_ECANCELLED, DAPI_ERR_CANCELLED, NULL, "result sink aborted the transfer");
    return;
  }
  if (result == CURLE_WRITE_ERROR && call->too_big) {
    fail(call, DAPI_ETOOBIG, DAPI_ERR_LOCAL, "ResponseTooLarge",
         "Data API response exceeds the configured size limit");
    return;
  }
  if (result != CURLE_OK) {
    const char *type;
    dapi_err_class cls = curl_class(result, &type);
    const char *msg = call->curl_err[0] != '\0' ? call->curl_err : curl_easy_strerror(result);
    dapi_error_set(&o->error, cls, type, msg);
    o->error.http_status = status;
    if (result == CURLE_WRITE_ERROR) {
      /* Out of memory while buffering. */
      fail(call, DAPI_ENOMEM, DAPI_ERR_LOCAL, NULL, "out of memory buffering a response");
      return;
    }
    retry_or_fail(call);
    return;
  }
  if (status >= 200 && status < 300) {
    dapi_retry_on_success(&c->conf.retry, &c->bucket, call->last_retry_cost);
    parse_success(call);
    return;
  }
  dapi_error_from_http(status, call->err_type[0] != '\0' ? call->err_type : NULL,
                       strlen(call->err_type), call->request_id, strlen(call->request_id),
                       call->resp, call->resp_len, &o->error);
  retry_or_fail(call);
}

/* ---- starting calls ---- */

static dapi_rc copy_str(const char *s, char **out) {
  *out = NULL;
  if (s == NULL) {
    return DAPI_OK;
  }
  *out = strdup(s);
  return *out != NULL ? DAPI_OK : DAPI_ENOMEM;
}

/* Takes ownership of body (freed on failure too). */
static dapi_rc start_call(dapi_client *c, const dapi_creds *creds, dapi_op op, dapi_body *body,
                          int wait_time_seconds, uint32_t delay_ms, const dapi_sink *sink,
                          dapi_done_fn done, void *ctx, dapi_call **out) {
  if (out != NULL) {
    *out = NULL;
  }
  if (creds == NULL || creds->access_key_id == NULL || creds->access_key_id[0] == '\0' ||
      creds->secret_access_key == NULL || creds->secret_access_key[0] == '\0' || done == NULL) {
    dapi_body_free(body);
    return DAPI_EINVAL;
  }
  dapi_call *call = calloc(1, sizeof(*call));
  if (call == NULL) {
    dapi_body_free(body);
    return DAPI_ENOMEM;
  }
  call->c = c;
  call->op = op;
  call->body = *body;
  body->data = NULL;
  body->len = 0;
  call->wait_time_seconds = wait_time_seconds;
  if (sink != NULL) {
    call->sink = *sink;
  }
  call->done = done;
  call->ctx = ctx;
  call->outcome.stmt.result_rows = DAPI_ABSENT;
  dapi_rc rc = copy_str(creds->access_key_id, &call->akid);
  if (rc == DAPI_OK) {
    rc = copy_str(creds->secret_access_key, &call->secret);
  }
  if (rc == DAPI_OK && creds->session_token != NULL && creds->session_token[0] != '\0') {
    rc = copy_str(creds->session_token, &call->token);
  }
  if (rc == DAPI_OK && delay_ms > 0) {
    /* Signed when the timer fires, so the signature is as fresh as for any attempt. */
    call->state = CALL_WAITING;
    dapi_multi_timer_start(c->m, &call->timer, delay_ms, on_call_timer, call);
  } else if (rc == DAPI_OK) {
    rc = start_attempt(call);
  }
  if (rc != DAPI_OK) {
    call_free(call);
    return rc;
  }
  c->n_calls++;
  if (out != NULL) {
    *out = call;
  }
  return DAPI_OK;
}

dapi_rc dapi_client_execute(dapi_client *c, const dapi_creds *creds, const dapi_execute_input *in,
                            dapi_done_fn done, void *ctx, dapi_call **out) {
  if (out != NULL) {
    *out = NULL;
  }
  if (c == NULL || in == NULL) {
    return DAPI_EINVAL;
  }
  dapi_execute_input copy = *in;
  char token[DAPI_UUID_LEN + 1];
  if (copy.client_token == NULL) {
    dapi_rc rc = dapi_uuid4(token);
    if (rc != DAPI_OK) {
      return rc;
    }
    copy.client_token = token;
  }
  dapi_body body;
  dapi_rc rc = dapi_ops_build_execute(&copy, c->conf.max_request_bytes, &body);
  if (rc != DAPI_OK) {
    return rc;
  }
  return start_call(c, creds, DAPI_OP_EXECUTE_STATEMENT, &body, in->wait_time_seconds, 0, NULL,
                    done, ctx, out);
}

dapi_rc dapi_client_describe(dapi_client *c, const dapi_creds *creds, const char *id,
                             int wait_time_seconds, dapi_done_fn done, void *ctx, dapi_call **out) {
  return dapi_client_describe_after(c, creds, id, wait_time_seconds, 0, done, ctx, out);
}

dapi_rc dapi_client_describe_after(dapi_client *c, const dapi_creds *creds, const char *id,
                                   int wait_time_seconds, uint32_t delay_ms, dapi_done_fn done,
                                   void *ctx, dapi_call **out) {
  if (out != NULL) {
    *out = NULL;
  }
  if (c == NULL) {
    return DAPI_EINVAL;
  }
  dapi_body body;
  dapi_rc rc = dapi_ops_build_describe(id, wait_time_seconds, c->conf.max_request_bytes, &body);
  if (rc != DAPI_OK) {
    return rc;
  }
  return start_call(c, creds, DAPI_OP_DESCRIBE_STATEMENT, &body, wait_time_seconds, delay_ms, NULL,
                    done, ctx, out);
}

dapi_rc dapi_client_get_result(dapi_client *c, const dapi_creds *creds, const char *id,
                               const char *next_token, const dapi_sink *sink, dapi_done_fn done,
                               void *ctx, dapi_call **out) {
  if (out != NULL) {
    *out = NULL;
  }
  if (c == NULL) {
    return DAPI_EINVAL;
  }
  dapi_body body;
  dapi_rc rc = dapi_ops_build_get_result(id, next_token, c->conf.max_request_bytes, &body);
  if (rc != DAPI_OK) {
    return rc;
  }
  const dapi_sink *s = sink != NULL && sink->fn != NULL ? sink : NULL;
  return start_call(c, creds, DAPI_OP_GET_STATEMENT_RESULT, &body, 0, 0, s, done, ctx, out);
}

dapi_rc dapi_client_cancel_statement(dapi_client *c, const dapi_creds *creds, const char *id,
                                     dapi_done_fn done, void *ctx, dapi_call **out) {
  if (out != NULL) {
    *out = NULL;
  }
  if (c == NULL) {
    return DAPI_EINVAL;
  }
  dapi_body body;
  dapi_rc rc = dapi_ops_build_cancel(id, c->conf.max_request_bytes, &body);
  if (rc != DAPI_OK) {
    return rc;
  }
  return start_call(c, creds, DAPI_OP_CANCEL_STATEMENT, &body, 0, 0, NULL, done, ctx, out);
}
