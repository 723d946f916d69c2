/* px_chain.c — redwire's own AWS identity: source selection, asynchronous fetches, refresh
 * (see px_chain.h). */
#include "px_chain.h"

#include <errno.h>
#include <stdarg.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth_chain.h"
#include "dapi_http.h"
#include "dapi_sts.h"
#include "px_conn.h"

#define PROCESS_TIMEOUT_MS 30000
#define TOKEN_FILE_MAX     (16u << 10)
#define IMDS_TOKEN_TTL_S   "21600"

typedef enum { FETCH_STATIC, FETCH_WEB_IDENTITY, FETCH_PROCESS, FETCH_CONTAINER, FETCH_IMDS } fetch;

struct px_chain {
  px_server *srv; /* borrowed */
  dapi_multi *m;  /* borrowed */
  char region[64];
  char sts_endpoint[512];
  long connect_timeout_ms;
  char source[192]; /* for logs: "environment", "profile dev (role_arn)", ... */
  auth_chain_env env;
  auth_awscfg_plan plan;
  bool has_plan;
  /* What one resolution does: a base fetch, then roles[0..n_roles) with AssumeRole. */
  fetch base;
  const auth_awscfg_creds *base_static; /* FETCH_STATIC */
  const char *webid_file;               /* FETCH_WEB_IDENTITY */
  const char *webid_role_arn;
  const char *webid_session;
  uint32_t webid_duration;
  const char *process_cmd; /* FETCH_PROCESS */
  const auth_awscfg_role *roles;
  size_t n_roles;
  auth_awscfg_role top_role; /* [aws] role_arn, assumed last; role_arn NULL when unset */
  /* The credentials in use. */
  px_creds cur;
  bool has_cur;
  bool cur_expires;
  int64_t cur_exp;
  /* The resolution in progress. */
  bool resolving;
  size_t step; /* 0: base fetch; i: roles[i-1] */
  auth_awscfg_creds work;
  dapi_sts_call *sts;
  dapi_http_req *http;
  dapi_sts_call *whoami; /* GetCallerIdentity after the first credentials, for the log */
  int imds_phase;        /* 0 token, 1 role name, 2 credentials */
  char *imds_token;
  char imds_role[256];
  /* credential_process */
  uv_process_t proc;
  uv_pipe_t pipe;
  uv_timer_t ptimer;
  unsigned open_handles;
  bool proc_running, proc_exited, pipe_eof, proc_timed_out, proc_too_big;
  int64_t proc_status;
  char *pout;
  size_t pout_len;
  /* Refresh / retry timer and bookkeeping. */
  dapi_multi_timer timer;
  unsigned failures;
  char last_error[500];
  px_conn **waiters;
  size_t n_waiters, cap_waiters;
  bool stopped;
};

static void resolve_start(px_chain *ch);
static void step_next(px_chain *ch);

static int64_t now_s(void) {
  return (int64_t)time(NULL);
}

static void wipe_free(char *s, size_t n) {
  if (s != NULL) {
    OPENSSL_cleanse(s, n);
    free(s);
  }
}

/* ---- waiting logins ---- */

static void wake_waiters(px_chain *ch) {
  px_conn **w = ch->waiters;
  size_t n = ch->n_waiters;
  ch->waiters = NULL;
  ch->n_waiters = ch->cap_waiters = 0;
  for (size_t i = 0; i < n; i++) {
    px_conn *c = w[i];
    c->pending_calls--;
    c->auth_pending = false;
    if (c->state == PX_CONN_CLOSING) {
      px_conn_maybe_free(c);
      continue;
    }
    px_chain_login(c);
    if (c->state != PX_CONN_CLOSING) {
      px_conn_process(c);
    }
  }
  free(w);
}

/* ---- outcome of one resolution ---- */

static void on_whoami(void *ctx, dapi_sts_outcome *o) {
  px_chain *ch = ctx;
  ch->whoami = NULL;
  if (o->status == DAPI_STS_OK) {
    PX_LOG_INFO(&ch->srv->log, 0, "redwire's AWS identity: %s (account %s)", o->identity.arn,
                o->identity.account);
  } else {
    PX_LOG_WARN(&ch->srv->log, 0, "could not ask STS who redwire's credentials are: %s",
                o->status == DAPI_STS_REJECTED ? o->error.code : o->detail);
  }
}

/* Logs who the credentials belong to (one GetCallerIdentity; needs no permission). */
static void ask_identity(px_chain *ch) {
  if (ch->whoami != NULL || ch->sts_endpoint[0] == '\0') {
    return;
  }
  dapi_sts_input in = {.endpoint = ch->sts_endpoint,
                       .region = ch->region,
                       .action = AUTH_STS_GET_CALLER_IDENTITY,
                       .access_key_id = ch->cur.access_key_id,
                       .secret_access_key = ch->cur.secret_access_key,
                       .session_token = ch->cur.session_token,
                       .connect_timeout_ms = ch->connect_timeout_ms,
                       .timeout_ms = 15000};
  if (dapi_sts_start(ch->m, &in, on_whoami, ch, &ch->whoami) != DAPI_OK) {
    ch->whoami = NULL;
  }
}

static void schedule(px_chain *ch, int64_t seconds);
static void on_timer(void *ctx);

static void succeed(px_chain *ch) {
  px_creds next = {0};
  if (px_creds_copy(
          &(px_creds){ch->work.access_key_id, ch->work.secret_access_key, ch->work.session_token},
          &next) != PX_OK) {
    auth_awscfg_creds_free(&ch->work);
    ch->resolving = false;
    snprintf(ch->last_error, sizeof ch->last_error, "out of memory");
    schedule(ch, auth_chain_retry_delay(++ch->failures, 0));
    wake_waiters(ch);
    return;
  }
  bool first = !ch->has_cur;
  /* Fetched keys are redacted from the log like configured ones; rotated-out ones are dropped
   * from the registry so that it does not grow with every refresh. */
  if (ch->has_cur) {
    px_log_remove_secret(&ch->srv->log, ch->cur.secret_access_key);
    px_log_remove_secret(&ch->srv->log, ch->cur.session_token);
  }
  if (px_log_add_secret(&ch->srv->log, next.secret_access_key) != PX_OK ||
      px_log_add_secret(&ch->srv->log, next.session_token) != PX_OK) {
    PX_LOG_WARN(&ch->srv->log, 0, "out of memory registering credentials for log redaction");
  }
  px_creds_free(&ch->cur);
  ch->cur = next;
  ch->has_cur = true;
  ch->cur_expires = ch->work.has_expiration;
  ch->cur_exp = ch->work.expiration;
  auth_awscfg_creds_free(&ch->work);
  ch->resolving = false;
  ch->failures = 0;
  ch->last_error[0] = '\0';
  px_log *log = &ch->srv->log;
  if (ch->cur_expires) {
    int64_t remaining = ch->cur_exp - now_s();
    int64_t delay = auth_chain_refresh_delay(remaining);
    PX_LOG_INFO(log, 0, "AWS credentials %s from %s: key %s, expire in %lld s, refresh in %lld s",
                first ? "obtained" : "refreshed", ch->source, ch->cur.access_key_id,
                (long long)remaining, (long long)delay);
    schedule(ch, delay);
  } else {
    PX_LOG_INFO(log, 0, "AWS credentials from %s: key %s (long-term, no refresh)", ch->source,
                ch->cur.access_key_id);
  }
  if (first) {
    ask_identity(ch);
  }
  wake_waiters(ch);
}

static void fail(px_chain *ch, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(px_chain *ch, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char why[256];
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  snprintf(ch->last_error, sizeof ch->last_error, "%s: %s", ch->source, why);
  auth_awscfg_creds_free(&ch->work);
  ch->resolving = false;
  ch->failures++;
  int64_t now = now_s();
  int64_t remaining = ch->has_cur && ch->cur_expires ? ch->cur_exp - now : 0;
  if (ch->has_cur && ch->cur_expires && remaining <= 0) {
    PX_LOG_ERROR(&ch->srv->log, 0,
                 "AWS credentials of key %s expired and could not be refreshed: %s",
                 ch->cur.access_key_id, ch->last_error);
    px_log_remove_secret(&ch->srv->log, ch->cur.secret_access_key);
    px_log_remove_secret(&ch->srv->log, ch->cur.session_token);
    px_creds_free(&ch->cur);
    ch->has_cur = false;
  }
  int64_t delay = auth_chain_retry_delay(ch->failures, remaining);
  if (ch->has_cur) {
    PX_LOG_WARN(&ch->srv->log, 0,
                "AWS credential refresh failed (attempt %u), keeping key %s valid for %lld s, "
                "retry in %lld s: %s",
                ch->failures, ch->cur.access_key_id, (long long)remaining, (long long)delay,
                ch->last_error);
  } else {
    PX_LOG_ERROR(&ch->srv->log, 0, "no AWS credentials (attempt %u), retry in %lld s: %s",
                 ch->failures, (long long)delay, ch->last_error);
  }
  if (!ch->stopped) {
    schedule(ch, delay);
  }
  wake_waiters(ch);
}

static void schedule(px_chain *ch, int64_t seconds) {
  if (ch->stopped) {
    return;
  }
  dapi_multi_timer_start(ch->m, &ch->timer, (uint64_t)seconds * 1000u, on_timer, ch);
}

static void on_timer(void *ctx) {
  px_chain *ch = ctx;
  if (!ch->resolving && !ch->stopped) {
    resolve_start(ch);
  }
}

/* ---- small helpers ---- */

/* Reads a small file (a token); trailing whitespace trimmed. NULL with *why on failure. */
static char *read_token_file(const char *path, char *why, size_t why_cap) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(why, why_cap, "cannot read %s: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = malloc(TOKEN_FILE_MAX + 1);
  size_t n = buf != NULL ? fread(buf, 1, TOKEN_FILE_MAX + 1, f) : 0;
  fclose(f);
  if (buf == NULL || n > TOKEN_FILE_MAX) {
    snprintf(why, why_cap, "%s: %s", path, buf == NULL ? "out of memory" : "larger than 16 KiB");
    wipe_free(buf, TOKEN_FILE_MAX + 1);
    return NULL;
  }
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) {
    n--;
  }
  buf[n] = '\0';
  if (n == 0) {
    snprintf(why, why_cap, "%s is empty", path);
    wipe_free(buf, TOKEN_FILE_MAX + 1);
    return NULL;
  }
  return buf;
}

/* Reads a whole shared config/credentials file; NULL when it does not exist (not an error). */
static char *read_file(const char *path, size_t *len, bool *missing, char *why, size_t why_cap) {
  *missing = false;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    if (errno == ENOENT) {
      *missing = true;
    } else {
      snprintf(why, why_cap, "cannot read %s: %s", path, strerror(errno));
    }
    return NULL;
  }
  char *buf = malloc(AUTH_AWSCFG_MAX_FILE + 1);
  size_t n = buf != NULL ? fread(buf, 1, AUTH_AWSCFG_MAX_FILE + 1, f) : 0;
  fclose(f);
  if (buf == NULL || n > AUTH_AWSCFG_MAX_FILE) {
    snprintf(why, why_cap, "%s: %s", path, buf == NULL ? "out of memory" : "larger than 1 MiB");
    wipe_free(buf, AUTH_AWSCFG_MAX_FILE + 1);
    return NULL;
  }
  *len = n;
  return buf;
}

static void session_name(const char *given, char *out, size_t cap) {
  if (given != NULL && given[0] != '\0') {
    snprintf(out, cap, "%s", given);
  } else {
    snprintf(out, cap, "redwire-%lld", (long long)now_s());
  }
}

/* ---- STS steps ---- */

static void on_sts(void *ctx, dapi_sts_outcome *o) {
  px_chain *ch = ctx;
  ch->sts = NULL;
  const char *what = ch->step == 0 ? "AssumeRoleWithWebIdentity" : "AssumeRole";
  switch (o->status) {
  case DAPI_STS_OK:
    auth_awscfg_creds_free(&ch->work);
    ch->work = o->creds;
    memset(&o->creds, 0, sizeof o->creds);
    PX_LOG_DEBUG(&ch->srv->log, 0, "%s: %s", what,
                 o->assumed_arn != NULL ? o->assumed_arn : "(no AssumedRoleUser)");
    ch->step++;
    step_next(ch);
    return;
  case DAPI_STS_REJECTED:
    fail(ch, "STS %s: HTTP %ld %s: %.160s", what, o->http_status, o->error.code, o->error.message);
    return;
  default:
    fail(ch, "STS %s at %s: %s", what, ch->sts_endpoint, o->detail);
    return;
  }
}

static void start_sts(px_chain *ch, auth_sts_action action, const auth_sts_role_input *role,
                      const auth_awscfg_creds *signer) {
  dapi_sts_input in = {.endpoint = ch->sts_endpoint,
                       .region = ch->region,
                       .action = action,
                       .role = role,
                       .access_key_id = signer != NULL ? signer->access_key_id : NULL,
                       .secret_access_key = signer != NULL ? signer->secret_access_key : NULL,
                       .session_token = signer != NULL ? signer->session_token : NULL,
                       .connect_timeout_ms = ch->connect_timeout_ms,
                       .timeout_ms = 15000};
  dapi_rc rc = dapi_sts_start(ch->m, &in, on_sts, ch, &ch->sts);
  if (rc != DAPI_OK) {
    fail(ch, "cannot call STS at %s: %s", ch->sts_endpoint,
         rc == DAPI_EINVAL ? "invalid endpoint or input" : dapi_strerror(rc));
  }
}

static void fetch_web_identity(px_chain *ch) {
  char why[256];
  char *token = read_token_file(ch->webid_file, why, sizeof why);
  if (token == NULL) {
    fail(ch, "web identity token: %s", why);
    return;
  }
  char session[80];
  session_name(ch->webid_session, session, sizeof session);
  auth_sts_role_input role = {.role_arn = ch->webid_role_arn,
                              .role_session_name = session,
                              .web_identity_token = token,
                              .duration_seconds = ch->webid_duration};
  start_sts(ch, AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY, &role, NULL);
  wipe_free(token, strlen(token));
}

/* ---- container endpoint and IMDS ---- */

static void http_get(px_chain *ch, const char *method, const char *url, struct curl_slist *hl,
                     dapi_http_done_fn done) {
  dapi_http_conf hc = {.method = method,
                       .url = url,
                       .headers = hl,
                       .connect_timeout_ms = 2000,
                       .timeout_ms = 5000,
                       .max_response = AUTH_AWSCFG_MAX_JSON};
  dapi_rc rc = dapi_http_start(ch->m, &hc, done, ch, &ch->http);
  if (rc != DAPI_OK) {
    fail(ch, "cannot request %s: %s", url, dapi_strerror(rc));
  }
}

static void got_creds_json(px_chain *ch, auth_awscfg_json_kind kind, const char *body, size_t len,
                           const char *what) {
  auth_awscfg_err err = {{0}};
  auth_awscfg_creds c;
  if (auth_awscfg_parse_creds_json(kind, body, len, &c, &err) != AUTH_AWSCFG_OK) {
    fail(ch, "%s: %s", what, err.msg);
    return;
  }
  auth_awscfg_creds_free(&ch->work);
  ch->work = c;
  ch->step++;
  step_next(ch);
}

static void on_container(void *ctx, const dapi_http_result *r) {
  px_chain *ch = ctx;
  ch->http = NULL;
  if (r->rc != DAPI_OK) {
    fail(ch, "container credentials endpoint: %s", r->error);
  } else if (r->status != 200) {
    fail(ch, "container credentials endpoint answered HTTP %ld", r->status);
  } else {
    got_creds_json(ch, AUTH_AWSCFG_JSON_CONTAINER, r->body, r->body_len,
                   "container credentials endpoint");
  }
}

static void fetch_container(px_chain *ch) {
  const auth_chain_env *e = &ch->env;
  struct curl_slist *hl = NULL;
  bool ok = dapi_http_header_add(&hl, "Accept", "application/json");
  if (ok && e->container_token_file != NULL) {
    char why[256];
    char *t = read_token_file(e->container_token_file, why, sizeof why);
    if (t == NULL) {
      curl_slist_free_all(hl);
      fail(ch, "container authorization token: %s", why);
      return;
    }
    ok = dapi_http_header_add(&hl, "Authorization", t);
    wipe_free(t, strlen(t));
  } else if (ok && e->container_token != NULL) {
    ok = dapi_http_header_add(&hl, "Authorization", e->container_token);
  }
  if (!ok) {
    curl_slist_free_all(hl);
    fail(ch, "container credentials endpoint: out of memory");
    return;
  }
  http_get(ch, "GET", e->container_url, hl, on_container);
}

static void imds_step(px_chain *ch);

static void on_imds(void *ctx, const dapi_http_result *r) {
  px_chain *ch = ctx;
  ch->http = NULL;
  static const char *const what[] = {"IMDS token (PUT /latest/api/token)",
                                     "IMDS role name (/latest/meta-data/iam/security-credentials/)",
                                     "IMDS role credentials"};
  if (r->rc != DAPI_OK) {
    fail(ch, "%s at %s: %s", what[ch->imds_phase], ch->env.imds_endpoint, r->error);
    return;
  }
  if (r->status != 200 || r->body_len == 0) {
    fail(ch, "%s answered HTTP %ld", what[ch->imds_phase], r->status);
    return;
  }
  switch (ch->imds_phase) {
  case 0:
    wipe_free(ch->imds_token, ch->imds_token != NULL ? strlen(ch->imds_token) : 0);
    ch->imds_token = strndup(r->body, r->body_len);
    if (ch->imds_token == NULL) {
      fail(ch, "out of memory");
      return;
    }
    ch->imds_phase = 1;
    imds_step(ch);
    return;
  case 1: {
    size_t n = strcspn(r->body, "\r\n");
    if (n == 0 || n >= sizeof ch->imds_role || memchr(r->body, '/', n) != NULL) {
      fail(ch, "IMDS has no usable instance profile role");
      return;
    }
    memcpy(ch->imds_role, r->body, n);
    ch->imds_role[n] = '\0';
    ch->imds_phase = 2;
    imds_step(ch);
    return;
  }
  default:
    got_creds_json(ch, AUTH_AWSCFG_JSON_IMDS, r->body, r->body_len, "IMDS role credentials");
    return;
  }
}

static void imds_step(px_chain *ch) {
  char url[700];
  struct curl_slist *hl = NULL;
  if (ch->imds_phase == 0) {
    snprintf(url, sizeof url, "%s/latest/api/token", ch->env.imds_endpoint);
    if (!dapi_http_header_add(&hl, "X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL_S)) {
      fail(ch, "IMDS: out of memory");
      return;
    }
    http_get(ch, "PUT", url, hl, on_imds);
    return;
  }
  snprintf(url, sizeof url, "%s/latest/meta-data/iam/security-credentials/%s",
           ch->env.imds_endpoint, ch->imds_phase == 2 ? ch->imds_role : "");
  if (!dapi_http_header_add(&hl, "X-aws-ec2-metadata-token", ch->imds_token)) {
    curl_slist_free_all(hl);
    fail(ch, "IMDS: out of memory");
    return;
  }
  http_get(ch, "GET", url, hl, on_imds);
}

/* ---- credential_process ---- */

static void proc_handle_closed(uv_handle_t *h) {
  px_chain *ch = h->data;
  ch->open_handles--;
}

static void proc_close(px_chain *ch) {
  uv_handle_t *hs[] = {(uv_handle_t *)&ch->proc, (uv_handle_t *)&ch->pipe,
                       (uv_handle_t *)&ch->ptimer};
  for (size_t i = 0; i < 3; i++) {
    if (hs[i]->data == ch && !uv_is_closing(hs[i])) {
      uv_close(hs[i], proc_handle_closed);
    }
  }
  ch->proc_running = false;
}

static void proc_maybe_done(px_chain *ch) {
  if (!ch->proc_exited || !ch->pipe_eof) {
    return;
  }
  proc_close(ch);
  char *out = ch->pout;
  size_t len = ch->pout_len;
  ch->pout = NULL;
  ch->pout_len = 0;
  if (ch->stopped) {
    wipe_free(out, AUTH_AWSCFG_MAX_JSON + 1);
    return;
  }
  if (ch->proc_timed_out) {
    fail(ch, "credential_process did not finish within %d s", PROCESS_TIMEOUT_MS / 1000);
  } else if (ch->proc_too_big) {
    fail(ch, "credential_process wrote more than 64 KiB");
  } else if (ch->proc_status != 0) {
    fail(ch, "credential_process exited with status %lld", (long long)ch->proc_status);
  } else {
    got_creds_json(ch, AUTH_AWSCFG_JSON_PROCESS, out != NULL ? out : "", len,
                   "credential_process output");
  }
  wipe_free(out, AUTH_AWSCFG_MAX_JSON + 1);
}

static void proc_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  px_chain *ch = h->data;
  if (ch->pout == NULL) {
    ch->pout = malloc(AUTH_AWSCFG_MAX_JSON + 1);
  }
  size_t room = ch->pout != NULL ? AUTH_AWSCFG_MAX_JSON + 1 - ch->pout_len : 0;
  *buf = uv_buf_init(ch->pout != NULL ? ch->pout + ch->pout_len : NULL, (unsigned)room);
}

static void proc_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  (void)buf;
  px_chain *ch = s->data;
  if (n > 0) {
    ch->pout_len += (size_t)n;
    if (ch->pout_len > AUTH_AWSCFG_MAX_JSON) {
      ch->proc_too_big = true;
      uv_read_stop(s);
      uv_process_kill(&ch->proc, SIGKILL);
      ch->pipe_eof = true;
    }
  } else if (n < 0) {
    uv_read_stop(s);
    ch->pipe_eof = true;
  }
  proc_maybe_done(ch);
}

static void proc_exit(uv_process_t *p, int64_t status, int term_signal) {
  px_chain *ch = p->data;
  ch->proc_exited = true;
  ch->proc_status = term_signal != 0 ? 128 + term_signal : status;
  uv_timer_stop(&ch->ptimer);
  proc_maybe_done(ch);
}

static void proc_timeout(uv_timer_t *t) {
  px_chain *ch = t->data;
  ch->proc_timed_out = true;
  uv_process_kill(&ch->proc, SIGKILL);
}

static void fetch_process(px_chain *ch) {
  if (ch->open_handles > 0) {
    fail(ch, "the previous credential_process is still closing");
    return;
  }
  uv_loop_t *loop = ch->srv->loop;
  ch->proc_exited = ch->pipe_eof = ch->proc_timed_out = ch->proc_too_big = false;
  ch->pout_len = 0;
  memset(&ch->proc, 0, sizeof ch->proc);
  memset(&ch->pipe, 0, sizeof ch->pipe);
  memset(&ch->ptimer, 0, sizeof ch->ptimer);
  uv_pipe_init(loop, &ch->pipe, 0);
  ch->pipe.data = ch;
  uv_timer_init(loop, &ch->ptimer);
  ch->ptimer.data = ch;
  ch->open_handles = 2;
  char *args[] = {"/bin/sh", "-c", (char *)ch->process_cmd, NULL};
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[1].data.stream = (uv_stream_t *)&ch->pipe;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  uv_process_options_t opts = {
      .exit_cb = proc_exit, .file = "/bin/sh", .args = args, .stdio = stdio, .stdio_count = 3};
  ch->proc.data = ch;
  int rc = uv_spawn(loop, &ch->proc, &opts);
  if (rc != 0) {
    /* uv_spawn failed: the process handle still needs closing (libuv's rule). */
    ch->open_handles++;
    proc_close(ch);
    fail(ch, "cannot run credential_process: %s", uv_strerror(rc));
    return;
  }
  ch->open_handles++;
  ch->proc_running = true;
  uv_read_start((uv_stream_t *)&ch->pipe, proc_alloc, proc_read);
  uv_timer_start(&ch->ptimer, proc_timeout, PROCESS_TIMEOUT_MS, 0);
}

/* ---- the steps of one resolution ---- */

static void step_next(px_chain *ch) {
  if (ch->stopped) {
    auth_awscfg_creds_free(&ch->work);
    ch->resolving = false;
    return;
  }
  if (ch->step == 0) {
    switch (ch->base) {
    case FETCH_STATIC:
      auth_awscfg_creds_free(&ch->work);
      ch->work.access_key_id = strdup(ch->base_static->access_key_id);
      ch->work.secret_access_key = strdup(ch->base_static->secret_access_key);
      ch->work.session_token =
          ch->base_static->session_token != NULL ? strdup(ch->base_static->session_token) : NULL;
      if (ch->work.access_key_id == NULL || ch->work.secret_access_key == NULL) {
        fail(ch, "out of memory");
        return;
      }
      ch->step = 1;
      step_next(ch);
      return;
    case FETCH_WEB_IDENTITY:
      fetch_web_identity(ch);
      return;
    case FETCH_PROCESS:
      fetch_process(ch);
      return;
    case FETCH_CONTAINER:
      fetch_container(ch);
      return;
    case FETCH_IMDS:
      ch->imds_phase = 0;
      imds_step(ch);
      return;
    }
  }
  const auth_awscfg_role *r = NULL;
  if (ch->step - 1 < ch->n_roles) {
    r = &ch->roles[ch->step - 1];
  } else if (ch->step - 1 == ch->n_roles && ch->top_role.role_arn != NULL) {
    r = &ch->top_role;
  }
  if (r != NULL) {
    char session[80];
    session_name(r->role_session_name, session, sizeof session);
    auth_sts_role_input role = {.role_arn = r->role_arn,
                                .role_session_name = session,
                                .external_id = r->external_id,
                                .duration_seconds = r->duration_seconds};
    auth_awscfg_creds signer = ch->work; /* borrowed for the start call (copied) */
    start_sts(ch, AUTH_STS_ASSUME_ROLE, &role, &signer);
    return;
  }
  succeed(ch);
}

static void resolve_start(px_chain *ch) {
  ch->resolving = true;
  ch->step = 0;
  step_next(ch);
}

/* ---- choosing the source ---- */

/* The profile of the shared files, when it yields credentials: fills ch->plan. False with
 * *why set when the files are there but wrong (the chain then stops there, as the SDKs do). */
static bool load_profile(px_chain *ch, const conf_settings *s, const char *const *envp,
                         bool *applies, char *why, size_t why_cap) {
  *applies = false;
  auth_awscfg_env fe;
  auth_awscfg_err err = {{0}};
  if (auth_awscfg_env_read(envp, &fe, &err) != AUTH_AWSCFG_OK) {
    snprintf(why, why_cap, "%s", err.msg);
    return false;
  }
  const char *profile = s->aws.profile[0] != '\0' ? s->aws.profile : fe.profile;
  bool explicit_profile = s->aws.profile[0] != '\0' || fe.profile_explicit;
  auth_awscfg_file files[2];
  bool have[2] = {false, false};
  const char *paths[2] = {fe.config_path, fe.credentials_path};
  auth_awscfg_kind kinds[2] = {AUTH_AWSCFG_CONFIG, AUTH_AWSCFG_CREDENTIALS};
  bool ok = true;
  for (int i = 0; i < 2 && ok; i++) {
    if (paths[i] == NULL) {
      continue;
    }
    size_t len = 0;
    bool missing = false;
    char *text = read_file(paths[i], &len, &missing, why, why_cap);
    if (text == NULL) {
      ok = missing;
      continue;
    }
    ok = auth_awscfg_parse(&files[i], kinds[i], paths[i], text, len, &err) == AUTH_AWSCFG_OK;
    wipe_free(text, AUTH_AWSCFG_MAX_FILE + 1);
    if (!ok) {
      snprintf(why, why_cap, "%s", err.msg);
    } else {
      have[i] = true;
    }
  }
  if (ok && (have[0] || have[1])) {
    auth_awscfg_rc rc = auth_awscfg_resolve(have[0] ? &files[0] : NULL, have[1] ? &files[1] : NULL,
                                            profile, explicit_profile, &ch->plan, &err);
    if (rc != AUTH_AWSCFG_OK) {
      snprintf(why, why_cap, "profile %s: %s", profile, err.msg);
      ok = false;
    } else if (ch->plan.kind == AUTH_AWSCFG_PLAN_NONE) {
      auth_awscfg_plan_free(&ch->plan);
    } else {
      ch->has_plan = true;
      *applies = true;
    }
  } else if (ok && explicit_profile) {
    snprintf(why, why_cap, "profile %s: no shared config or credentials file", profile);
    ok = false;
  }
  for (int i = 0; i < 2; i++) {
    if (have[i]) {
      auth_awscfg_file_free(&files[i]);
    }
  }
  auth_awscfg_env_free(&fe);
  return ok;
}

/* The base fetch of a profile plan. False with *why when the plan needs a source that is not
 * there (credential_source = Environment without keys, EcsContainer without a URI). */
static bool plan_base(px_chain *ch, char *why, size_t why_cap) {
  auth_awscfg_plan *p = &ch->plan;
  ch->roles = p->roles;
  ch->n_roles = p->n_roles;
  auth_awscfg_base_kind b = p->base.kind;
  switch (p->kind) {
  case AUTH_AWSCFG_PLAN_STATIC:
    b = AUTH_AWSCFG_BASE_STATIC;
    break;
  case AUTH_AWSCFG_PLAN_WEB_IDENTITY:
    b = AUTH_AWSCFG_BASE_WEB_IDENTITY;
    break;
  case AUTH_AWSCFG_PLAN_PROCESS:
    b = AUTH_AWSCFG_BASE_PROCESS;
    break;
  default:
    break;
  }
  switch (b) {
  case AUTH_AWSCFG_BASE_STATIC:
    ch->base = FETCH_STATIC;
    ch->base_static = &p->base.static_creds;
    return true;
  case AUTH_AWSCFG_BASE_WEB_IDENTITY:
    ch->base = FETCH_WEB_IDENTITY;
    ch->webid_file = p->base.web_identity_token_file;
    ch->webid_role_arn = p->base.web_identity_role.role_arn;
    ch->webid_session = p->base.web_identity_role.role_session_name;
    ch->webid_duration = p->base.web_identity_role.duration_seconds;
    return true;
  case AUTH_AWSCFG_BASE_PROCESS:
    ch->base = FETCH_PROCESS;
    ch->process_cmd = p->base.process_command;
    return true;
  case AUTH_AWSCFG_BASE_ENVIRONMENT:
    if (!ch->env.has_env) {
      snprintf(why, why_cap,
               "credential_source = Environment, but AWS_ACCESS_KEY_ID / "
               "AWS_SECRET_ACCESS_KEY are not set");
      return false;
    }
    ch->base = FETCH_STATIC;
    ch->base_static = &ch->env.env_creds;
    return true;
  case AUTH_AWSCFG_BASE_IMDS:
    ch->base = FETCH_IMDS;
    return true;
  case AUTH_AWSCFG_BASE_ECS:
    if (!ch->env.has_container) {
      snprintf(why, why_cap,
               "credential_source = EcsContainer, but no "
               "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI is set");
      return false;
    }
    ch->base = FETCH_CONTAINER;
    return true;
  case AUTH_AWSCFG_BASE_NONE:
    break;
  }
  snprintf(why, why_cap, "the profile's plan has no base credentials");
  return false;
}

/* Picks the source; false with *why when none can work. */
static bool choose(px_chain *ch, const conf_settings *s, const char *const *envp, char *why,
                   size_t why_cap) {
  auth_chain_settings cs = {s->aws.access_key_id, s->aws.secret_access_key, s->aws.session_token,
                            s->aws.role_arn, s->aws.web_identity_token_file};
  auth_awscfg_err err = {{0}};
  if (auth_chain_env_read(&cs, envp, &ch->env, &err) != AUTH_AWSCFG_OK) {
    snprintf(why, why_cap, "%s", err.msg);
    return false;
  }
  auth_chain_env *e = &ch->env;
  if (e->has_static) {
    snprintf(ch->source, sizeof ch->source, "[aws] settings");
    ch->base = FETCH_STATIC;
    ch->base_static = &e->static_creds;
    return true;
  }
  if (e->has_env) {
    snprintf(ch->source, sizeof ch->source, "environment (AWS_ACCESS_KEY_ID)");
    ch->base = FETCH_STATIC;
    ch->base_static = &e->env_creds;
    return true;
  }
  if (e->has_web_identity) {
    snprintf(ch->source, sizeof ch->source, "web identity (%.60s)", e->role_arn);
    ch->base = FETCH_WEB_IDENTITY;
    ch->webid_file = e->web_identity_token_file;
    ch->webid_role_arn = e->role_arn;
    ch->webid_session = e->role_session_name;
    return true;
  }
  bool applies = false;
  if (!load_profile(ch, s, envp, &applies, why, why_cap)) {
    return false;
  }
  if (applies) {
    static const char *const kinds[] = {"none", "static keys", "role_arn", "web identity",
                                        "credential_process"};
    snprintf(ch->source, sizeof ch->source, "profile %.40s (%s)", ch->plan.profile,
             kinds[ch->plan.kind]);
    return plan_base(ch, why, why_cap);
  }
  if (e->has_container) {
    snprintf(ch->source, sizeof ch->source, "container credentials endpoint");
    ch->base = FETCH_CONTAINER;
    return true;
  }
  if (e->imds_enabled) {
    snprintf(ch->source, sizeof ch->source, "instance metadata (IMDSv2 at %.60s)",
             e->imds_endpoint);
    ch->base = FETCH_IMDS;
    return true;
  }
  snprintf(why, why_cap,
           "no source: no [aws] keys, no AWS_ACCESS_KEY_ID, no web identity, no "
           "profile, no container endpoint, and AWS_EC2_METADATA_DISABLED=true");
  return false;
}

px_status px_chain_start(px_server *srv, px_chain **out) {
  *out = NULL;
  px_chain *ch = calloc(1, sizeof *ch);
  if (ch == NULL) {
    return PX_NOMEM;
  }
  ch->srv = srv;
  ch->m = px_curl_uv_multi(srv->curl);
  const conf_settings *s = srv->set->conf;
  snprintf(ch->region, sizeof ch->region, "%s", s->aws.region);
  ch->connect_timeout_ms = (long)s->aws.connect_timeout_ms;
  const char *why = NULL;
  if (conf_sts_endpoint_for(s, ch->sts_endpoint, sizeof ch->sts_endpoint, &why) != CONF_OK) {
    ch->sts_endpoint[0] = '\0';
  }
  snprintf(ch->source, sizeof ch->source, "credential chain");
  char reason[256] = "";
  *out = ch;
  if (!choose(ch, s, srv->envp, reason, sizeof reason)) {
    snprintf(ch->last_error, sizeof ch->last_error, "%s", reason);
    PX_LOG_ERROR(&srv->log, 0, "redwire has no AWS credentials of its own: %s", reason);
    return PX_OK;
  }
  if (ch->env.assume_role_arn != NULL) {
    ch->top_role.role_arn = ch->env.assume_role_arn;
    size_t n = strlen(ch->source);
    snprintf(ch->source + n, sizeof ch->source - n, " + role %.60s", ch->env.assume_role_arn);
  }
  PX_LOG_INFO(&srv->log, 0, "AWS credentials: using %s", ch->source);
  resolve_start(ch);
  return PX_OK;
}

void px_chain_stop(px_chain *ch) {
  if (ch == NULL || ch->stopped) {
    return;
  }
  ch->stopped = true;
  dapi_multi_timer_stop(ch->m, &ch->timer);
  if (ch->sts != NULL) {
    dapi_sts_cancel(ch->sts);
    ch->sts = NULL;
  }
  if (ch->http != NULL) {
    dapi_http_cancel(ch->http);
    ch->http = NULL;
  }
  if (ch->whoami != NULL) {
    dapi_sts_cancel(ch->whoami);
    ch->whoami = NULL;
  }
  if (ch->proc_running) {
    uv_process_kill(&ch->proc, SIGKILL);
    proc_close(ch);
  }
  ch->resolving = false;
  snprintf(ch->last_error, sizeof ch->last_error, "redwire is shutting down");
  wake_waiters(ch);
}

void px_chain_free(px_chain *ch) {
  if (ch == NULL) {
    return;
  }
  px_creds_free(&ch->cur);
  auth_awscfg_creds_free(&ch->work);
  auth_chain_env_free(&ch->env);
  if (ch->has_plan) {
    auth_awscfg_plan_free(&ch->plan);
  }
  wipe_free(ch->imds_token, ch->imds_token != NULL ? strlen(ch->imds_token) : 0);
  wipe_free(ch->pout, AUTH_AWSCFG_MAX_JSON + 1);
  free(ch->waiters);
  free(ch);
}

const px_creds *px_chain_creds(px_chain *ch) {
  if (ch == NULL || !ch->has_cur) {
    return NULL;
  }
  if (ch->cur_expires && now_s() >= ch->cur_exp) {
    return NULL;
  }
  return &ch->cur;
}

void px_chain_login(px_conn *c) {
  px_chain *ch = c->srv->chain;
  if (px_chain_creds(ch) != NULL) {
    c->own_identity = true;
    px_startup_login_ok(c);
    return;
  }
  if (ch != NULL && ch->resolving && !ch->stopped) {
    if (ch->n_waiters == ch->cap_waiters) {
      size_t cap = ch->cap_waiters > 0 ? ch->cap_waiters * 2 : 8;
      px_conn **w = realloc(ch->waiters, cap * sizeof *w);
      if (w == NULL) {
        pgw_error e;
        pgw_error_set(&e, "FATAL", "53200", "out of memory");
        px_conn_fatal(c, &e);
        return;
      }
      ch->waiters = w;
      ch->cap_waiters = cap;
    }
    ch->waiters[ch->n_waiters++] = c;
    c->pending_calls++;
    c->auth_pending = true;
    return;
  }
  const conf_settings *s = px_conn_conf(c);
  pgw_error e;
  pgw_error_set(&e, "FATAL", "28000", "redwire has no AWS credentials of its own");
  pgw_error_detail(&e, "auth_mode = %s runs statements with redwire's own AWS identity: %s",
                   s->redwire.auth_mode == CONF_AUTH_TRUST ? "trust" : "userlist",
                   ch != NULL && ch->last_error[0] != '\0' ? ch->last_error : "no source");
  pgw_error_hint(&e, "Give redwire credentials: [aws] keys, AWS_ACCESS_KEY_ID, a web identity, a "
                     "profile, a container endpoint or an instance profile.");
  px_conn_fatal(c, &e);
}
