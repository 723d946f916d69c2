/* px_runner.c — one statement on the Data API (DESIGN §2): ExecuteStatement with
 * WaitTimeSeconds, DescribeStatement long polls until terminal, GetStatementResult pages
 * streamed through px_sink, one DescribeStatement for the Error text of a failure, and
 * cancellation (CancelRequest, statement_timeout, disconnect).
 *
 * Cancelling needs the statement Id, which a long-polling ExecuteStatement only returns when it
 * ends. So a cancel that arrives while the Id is unknown re-sends the ExecuteStatement with the
 * SAME ClientToken and no WaitTimeSeconds (the "probe"): the service recognises the token and
 * answers the running statement's Id at once without running anything again, and
 * CancelStatement follows.
 *
 * A result page whose transfer fails after some of its bytes reached the sink is final for the
 * Data API client (it cannot take bytes back). The runner asks for the same page again (same
 * NextToken; up to max_attempts requests per page, while the client's retry budget is not
 * exhausted) and the sink skips the records of it that the client already got, so every row
 * arrives exactly once.
 *
 * An endpoint that does not long-poll (DESIGN §2 step 3) is polled instead: one that refuses the
 * WaitTimeSeconds member gets the same request again without it (a refused request ran nothing,
 * so the same ClientToken is safe) and never sees the member again; one that ignores it answers
 * non-terminal at once, and every answer that came back in less than half the wait asked for is
 * followed by a pause — poll_initial_ms, growing by poll_multiplier up to poll_max_ms — before the
 * next DescribeStatement. wait_time_seconds = 0 polls from the start.
 *
 * Data API calls per statement: ExecuteStatement (long-polls up to WaitTimeSeconds) — 1 for a
 * statement that ends within the wait and has neither result set nor row count; + 1
 * DescribeStatement per further wait period of a long statement; + 1 DescribeStatement for the
 * Error text of a failure (when Execute did not carry it) or for ResultRows of an INSERT/
 * UPDATE/DELETE; + 1 GetStatementResult per result page (+ 1 per page retried mid-body). Retries
 * the Data API client makes itself (throttling, 5xx, transport before the first byte) re-send
 * the same call and are not counted here. px_query.c adds the transaction statements.
 */
#include <stdlib.h>
#include <string.h>

#include "px_chain.h"
#include "px_conn.h"
#include "px_keycache.h"
#include "px_errmap.h"

/* Largest single value a result may carry: Redshift SUPER values go up to 16 MB. */
#define PX_MAX_VALUE_BYTES (16u << 20)

typedef struct probe_ctx {
  px_conn *c; /* borrowed; kept alive by pending_calls */
  uint64_t gen;
} probe_ctx;

static const conf_settings *cf(const px_conn *c) {
  return px_conn_conf(c);
}

static dapi_creds creds_of(const px_conn *c) {
  if (c->own_identity) {
    /* redwire's identity as of now: temporary credentials rotate under a long session. */
    const px_creds *cr = px_chain_creds(c->srv->chain);
    return cr != NULL ? (dapi_creds){cr->access_key_id, cr->secret_access_key, cr->session_token}
                      : (dapi_creds){NULL, NULL, NULL};
  }
  return (dapi_creds){c->creds.access_key_id, c->creds.secret_access_key, c->creds.session_token};
}

/* The client no longer waits for this statement (closing or closed). */
static bool abandoned(const px_conn *c) {
  return c->state != PX_CONN_BUSY;
}

static void finish(px_conn *c, px_outcome *o) {
  px_runner *r = &c->work->run;
  if (r->timer_on) {
    px_conn_timer_stop(c);
    r->timer_on = false;
  }
  /* The outcome borrows the sink's columns and the runner's strings: they are moved out and
   * freed after the done callback, which may start the next statement on a clean runner. */
  px_sink *sink = r->sink;
  r->sink = NULL;
  char *sql = r->sql, *stmt_id = r->stmt_id, *page_token = r->page_token;
  free(r->main_sql);
  r->main_sql = NULL;
  r->pre = false;
  bool ext = r->ext;
  r->sql = NULL;
  r->stmt_id = NULL;
  r->page_token = NULL;
  r->phase = PX_RUN_NONE;
  r->cancel = PX_CANCEL_NONE;
  r->cancel_sent = false;
  r->paused = false;
  r->ext = false;
  r->params = NULL;
  r->n_params = 0;
  if (sink != NULL && (o == NULL || o->kind != PX_OUT_OK)) {
    px_sink_abandon(sink); /* removes a half-encoded DataRow */
  }
  if (o != NULL && !abandoned(c)) {
    o->stmt_id = stmt_id;
    if (sink != NULL && sink->described) {
      o->cols = sink->cols;
      o->ncols = sink->ncols;
    }
    if (sink != NULL && o->suspended) {
      o->held = &sink->held;
    }
    if (ext) {
      px_ext_stmt_done(c, o);
    } else {
      px_query_stmt_done(c, o);
    }
  }
  if (sink != NULL) {
    px_sink_free(sink);
    free(sink);
  }
  free(sql);
  free(stmt_id);
  free(page_token);
}

static void finish_error(px_conn *c, const pgw_error *e) {
  px_outcome o = {.kind = strcmp(e->severity, "FATAL") == 0 ? PX_OUT_FATAL : PX_OUT_ERROR};
  o.err = *e;
  finish(c, &o);
}

static void finish_cancelled(px_conn *c) {
  pgw_error e;
  switch (c->work->run.cancel) {
  case PX_CANCEL_TIMEOUT:
    pgw_error_set(&e, "ERROR", "57014", "canceling statement due to statement timeout");
    break;
  case PX_CANCEL_SHUTDOWN:
    pgw_error_set(&e, "FATAL", "57P01", "terminating connection due to administrator command");
    break;
  case PX_CANCEL_USER:
  case PX_CANCEL_DISCONNECT:
    pgw_error_set(&e, "ERROR", "57014", "canceling statement due to user request");
    break;
  case PX_CANCEL_NONE:
  default:
    pgw_error_set(&e, "ERROR", "57014", "canceling statement due to user request");
    pgw_error_detail(&e, "The Data API reports the statement as ABORTED: it was cancelled "
                         "outside this connection.");
    break;
  }
  finish_error(c, &e);
}

/* ---- API failures → client errors ---- */

static void api_failure(px_conn *c, dapi_op op, const dapi_call_outcome *o) {
  const dapi_error *de = &o->error;
  pgw_error e;
  if (o->rc == DAPI_ECANCELLED && c->work->run.cancel != PX_CANCEL_NONE) {
    finish_cancelled(c);
    return;
  }
  if (o->rc != DAPI_EAPI) {
    pgw_error_set(&e, "ERROR", o->rc == DAPI_ENOMEM ? "53200" : "XX000",
                  "Data API %s failed: %s%s%s", dapi_op_name(op), dapi_strerror(o->rc),
                  de->message[0] != '\0' ? ": " : "", de->message);
    finish_error(c, &e);
    return;
  }
  const char *sqlstate = dapi_error_sqlstate(de);
  switch (de->cls) {
  case DAPI_ERR_AUTH:
    /* In iam mode the password is the secret key: a rejected key is a failed login, found here
     * when iam_key_check is off or the key was revoked after a cached check — which must not
     * let it in again. */
    if (!c->own_identity && c->srv->keycache != NULL) {
      px_keycache_forget(c->srv->keycache, &c->creds);
    }
    pgw_error_set(&e, "FATAL", sqlstate,
                  "password authentication failed for user \"%s\": the Data API rejected the "
                  "AWS credentials (%s: %s)",
                  c->user, de->type, de->message);
    pgw_error_hint(&e, "Log in with user = an AWS access key id and password = its secret "
                       "access key (or secret:session_token).");
    break;
  case DAPI_ERR_SESSION_GONE:
    pgw_error_set(&e, "FATAL", "08003", "the Data API session of this connection is gone: %s",
                  de->message);
    pgw_error_detail(&e, "Its transaction state, settings and temporary tables are lost.");
    pgw_error_hint(&e, "Reconnect.");
    break;
  default:
    pgw_error_set(&e, "ERROR", sqlstate, "Data API %s failed: %s%s%s", dapi_op_name(op), de->type,
                  de->type[0] != '\0' ? ": " : "", de->message);
    if (de->cls == DAPI_ERR_THROTTLING || de->cls == DAPI_ERR_LIMIT) {
      pgw_error_hint(&e, "The account's Data API quota is exhausted; retry later.");
    } else if (de->cls == DAPI_ERR_TRANSPORT || de->cls == DAPI_ERR_TIMEOUT) {
      pgw_error_hint(&e, "Check redwire's [aws] endpoint/region and the network path to it.");
    } else if (de->cls == DAPI_ERR_NOT_FOUND) {
      pgw_error_hint(&e, "Check the workgroup/cluster and database in redwire's [databases].");
    }
    break;
  }
  PX_LOG_INFO(&c->srv->log, c->id, "%s failed after %u attempt(s): HTTP %ld %s (%s)",
              dapi_op_name(op), (unsigned)o->attempts, de->http_status, de->type,
              dapi_err_class_name(de->cls));
  finish_error(c, &e);
}

static void start_failed(px_conn *c, dapi_op op, dapi_rc rc) {
  pgw_error e;
  const char *sqlstate = rc == DAPI_ETOOBIG ? "54000" : rc == DAPI_ENOMEM ? "53200" : "XX000";
  pgw_error_set(&e, "ERROR", sqlstate, "could not send Data API %s: %s", dapi_op_name(op),
                dapi_strerror(rc));
  if (rc == DAPI_ETOOBIG) {
    pgw_error_detail(&e, "The request body exceeds the Data API client's limit.");
  } else if (rc == DAPI_EINVAL) {
    pgw_error_detail(&e, "The Data API cannot carry this statement (e.g. invalid UTF-8).");
  }
  finish_error(c, &e);
}

/* ---- cancel ---- */

static void on_cancel_done(void *ctx, dapi_call *call, dapi_call_outcome *o) {
  (void)call;
  px_conn *c = ctx;
  c->pending_calls--;
  if (o->rc == DAPI_OK) {
    PX_LOG_INFO(&c->srv->log, c->id, "CancelStatement answered Status=%s",
                o->cancel_status ? "true" : "false");
  } else {
    /* Typical: the statement ended meanwhile ("already in FINISHED state"). */
    PX_LOG_INFO(&c->srv->log, c->id, "CancelStatement failed: %s %s", o->error.type,
                o->error.message);
  }
  px_conn_maybe_free(c);
}

static void cancel_by_id(px_conn *c, const char *id) {
  dapi_creds cr = creds_of(c);
  dapi_rc rc = dapi_client_cancel_statement(c->api->client, &cr, id, on_cancel_done, c, NULL);
  if (rc != DAPI_OK) {
    PX_LOG_ERROR(&c->srv->log, c->id, "could not send CancelStatement for %s: %s", id,
                 dapi_strerror(rc));
    return;
  }
  c->pending_calls++;
  PX_LOG_INFO(&c->srv->log, c->id, "CancelStatement %s", id);
}

static void on_probe_done(void *ctx, dapi_call *call, dapi_call_outcome *o) {
  (void)call;
  probe_ctx *pc = ctx;
  px_conn *c = pc->c;
  uint64_t gen = pc->gen;
  free(pc);
  c->pending_calls--;
  px_runner *r = &c->work->run;
  if (gen == r->gen) {
    r->probing = false;
  }
  if (o->rc != DAPI_OK || o->stmt.id == NULL) {
    PX_LOG_INFO(&c->srv->log, c->id, "cancel probe failed: %s %s", dapi_strerror(o->rc),
                o->error.message);
  } else if (gen == r->gen && r->phase != PX_RUN_NONE && !r->cancel_sent) {
    /* Still the same statement, and its own answer has not come back yet. */
    if (r->stmt_id == NULL) {
      r->stmt_id = strdup(o->stmt.id);
    }
    if (!dapi_stmt_status_terminal(o->stmt.status)) {
      r->cancel_sent = true;
      cancel_by_id(c, o->stmt.id);
    }
  }
  px_conn_maybe_free(c);
}

/* WaitTimeSeconds of the next ExecuteStatement/DescribeStatement: 0 (poll) once the endpoint
 * refused the member, or when configured so. */
static int long_poll_seconds(const px_conn *c) {
  return c->api->no_long_poll ? 0 : (int)cf(c)->aws.wait_time_seconds;
}

static void note_sent(px_conn *c, int wait) {
  px_runner *r = &c->work->run;
  r->sent_wait = wait;
  r->sent_at = uv_now(c->srv->loop);
}

/* True when the call failed because the endpoint refuses WaitTimeSeconds: the caller sends it
 * again without. Remembered for the endpoint, so later statements poll from the start. */
static bool refused_long_poll(px_conn *c, const dapi_call_outcome *o) {
  if (o->rc != DAPI_EAPI || c->work->run.sent_wait == 0 ||
      !dapi_error_refuses_wait_time(&o->error)) {
    return false;
  }
  if (!c->api->no_long_poll) {
    c->api->no_long_poll = true;
    PX_LOG_WARN(&c->srv->log, c->id,
                "the Data API endpoint refused WaitTimeSeconds (%s: %s): polling "
                "DescribeStatement instead (poll_initial_ms .. poll_max_ms)",
                o->error.type, o->error.message);
  }
  return true;
}

/* The pause before the next DescribeStatement of a statement that is not terminal yet: none after
 * a long poll the service held (it answered when its wait ran out); else the endpoint answers at
 * once, and the pauses grow geometrically, so a long statement costs few calls and a short one
 * little latency. */
static uint32_t next_poll_delay(px_conn *c) {
  px_runner *r = &c->work->run;
  uint64_t held_ms = uv_now(c->srv->loop) - r->sent_at;
  if (r->sent_wait > 0 && held_ms * 2 >= (uint64_t)r->sent_wait * 1000) {
    r->poll_ms = 0;
    return 0;
  }
  const conf_settings *s = cf(c);
  double next = r->poll_ms == 0 ? (double)s->aws.poll_initial_ms
                                : (double)r->poll_ms * s->aws.poll_multiplier;
  if (next > (double)s->aws.poll_max_ms) {
    next = (double)s->aws.poll_max_ms;
  }
  r->poll_ms = (uint32_t)next;
  return r->poll_ms;
}

static void fill_execute(const px_conn *c, dapi_execute_input *in, int wait) {
  const px_runner *r = &c->work->run;
  memset(in, 0, sizeof(*in));
  in->sql = r->sql;
  in->params = r->n_params > 0 ? r->params : NULL;
  in->n_params = r->n_params;
  in->client_token = r->token;
  in->wait_time_seconds = wait;
  if (r->with_target) {
    in->target = &c->target;
    in->session_keep_alive_seconds = (int)cf(c)->aws.session_keepalive_seconds;
  } else {
    in->session_id = c->session_id;
    in->session_keep_alive_seconds = -1;
  }
}

static void start_probe(px_conn *c) {
  px_runner *r = &c->work->run;
  probe_ctx *pc = malloc(sizeof(*pc));
  if (pc == NULL) {
    PX_LOG_ERROR(&c->srv->log, c->id, "out of memory: cannot cancel the statement");
    return;
  }
  pc->c = c;
  pc->gen = r->gen;
  dapi_execute_input in;
  fill_execute(c, &in, 0);
  dapi_creds cr = creds_of(c);
  dapi_rc rc = dapi_client_execute(c->api->client, &cr, &in, on_probe_done, pc, NULL);
  if (rc != DAPI_OK) {
    free(pc);
    PX_LOG_ERROR(&c->srv->log, c->id, "could not send the cancel probe: %s", dapi_strerror(rc));
    return;
  }
  c->pending_calls++;
  r->probing = true;
}

/* Cancels the statement on the service: at once when its Id is known, else via the probe. */
static void send_cancel(px_conn *c) {
  px_runner *r = &c->work->run;
  if (r->cancel_sent) {
    return;
  }
  if (r->stmt_id == NULL) {
    if (!r->probing) {
      start_probe(c);
    }
    return;
  }
  r->cancel_sent = true;
  cancel_by_id(c, r->stmt_id);
}

void px_runner_cancel(px_conn *c, px_cancel_reason why) {
  if (c->work == NULL) {
    return; /* never ran a statement */
  }
  px_runner *r = &c->work->run;
  if (r->phase == PX_RUN_NONE) {
    return;
  }
  if (r->cancel == PX_CANCEL_NONE) {
    r->cancel = why;
  }
  switch (r->phase) {
  case PX_RUN_EXECUTE:
  case PX_RUN_DESCRIBE:
    send_cancel(c);
    break;
  case PX_RUN_FETCH:
    /* The statement has finished; what is left is the transfer of its pages. */
    if (r->call != NULL) {
      dapi_call_cancel(r->call);
    }
    break;
  default:
    break;
  }
}

void px_runner_detach(px_conn *c) {
  px_runner_cancel(c, PX_CANCEL_DISCONNECT);
}

static void on_statement_timeout(uv_timer_t *t) {
  px_conn *c = t->data;
  px_conn_timer_stop(c);
  c->work->run.timer_on = false;
  PX_LOG_INFO(&c->srv->log, c->id, "statement_timeout reached");
  px_runner_cancel(c, PX_CANCEL_TIMEOUT);
}

/* ---- result pages ---- */

static dapi_sink_action on_chunk(void *ctx, const char *data, size_t len) {
  px_conn *c = ctx;
  px_runner *r = &c->work->run;
  if (abandoned(c) || r->cancel != PX_CANCEL_NONE) {
    return DAPI_SINK_ABORT;
  }
  if (!px_sink_row_open(r->sink) &&
      px_conn_queued(c) >= (size_t)cf(c)->redwire.client_output_high_water) {
    r->paused = true; /* resumed by px_runner_output_drained */
    return DAPI_SINK_PAUSE;
  }
  if (px_sink_feed(r->sink, data, len) != PX_OK) {
    return DAPI_SINK_ABORT;
  }
  r->page_bytes += len;
  px_conn_flush(c);
  return abandoned(c) ? DAPI_SINK_ABORT : DAPI_SINK_CONSUMED;
}

static void on_result_done(void *ctx, dapi_call *call, dapi_call_outcome *o);

/* Requests the page r->page_token names (the sink is prepared for it). */
static void request_page(px_conn *c) {
  px_runner *r = &c->work->run;
  dapi_sink ds = {.fn = on_chunk, .ctx = c};
  dapi_creds cr = creds_of(c);
  r->page_bytes = 0;
  dapi_rc rc = dapi_client_get_result(c->api->client, &cr, r->stmt_id, r->page_token, &ds,
                                      on_result_done, c, &r->call);
  if (rc != DAPI_OK) {
    start_failed(c, DAPI_OP_GET_STATEMENT_RESULT, rc);
    return;
  }
  c->pending_calls++;
  r->phase = PX_RUN_FETCH;
}

/* Fetches the next page; next_token (owned, NULL for the first page) moves into the runner. */
static void start_fetch(px_conn *c, char *next_token) {
  px_runner *r = &c->work->run;
  free(r->page_token);
  r->page_token = next_token;
  r->page_restarts = 0;
  if (r->sink == NULL) {
    /* Allocated per statement (~1 KB): idle connections hold none. */
    r->sink = malloc(sizeof *r->sink);
    if (r->sink != NULL && px_sink_init(r->sink, &c->out, PX_MAX_VALUE_BYTES,
                                        (size_t)cf(c)->aws.max_response_page_bytes) != PX_OK) {
      px_sink_free(r->sink);
      free(r->sink);
      r->sink = NULL;
    }
    if (r->sink == NULL) {
      pgw_error e;
      pgw_error_set(&e, "ERROR", "53200", "out of memory");
      finish_error(c, &e);
      return;
    }
    /* Checked to -15..3 when set; the default is PostgreSQL 15's 1. */
    r->sink->float_digits = atoi(px_session_value(c, PX_PARAM_EXTRA_FLOAT_DIGITS));
    if (r->ext && r->opts.limit != UINT64_MAX) {
      px_sink_set_hold(r->sink, r->opts.hold_cap); /* rows past the limit, for the next Execute */
    }
    if (r->ext && px_sink_set_extended(r->sink, r->opts.send_rowdesc, r->opts.limit, r->opts.codes,
                                       r->opts.ncodes) != PX_OK) {
      pgw_error e;
      pgw_error_set(&e, "ERROR", "53200", "out of memory");
      finish_error(c, &e);
      return;
    }
    if (r->resume_skip > 0) {
      px_sink_page_resume(r->sink, r->resume_skip);
      r->resume_skip = 0;
      request_page(c);
      return;
    }
  }
  px_sink_page_begin(r->sink);
  request_page(c);
}

/* A page call failed after bytes of it reached the sink: the same page may be asked for again
 * when the failure is of a retryable kind, attempts are left for the page and the client's retry
 * budget is not exhausted (an empty budget means the service is failing: no extra load). */
static bool page_restartable(const px_conn *c, const dapi_call_outcome *o) {
  const px_runner *r = &c->work->run;
  return r->page_bytes > 0 && r->cancel == PX_CANCEL_NONE && o->rc != DAPI_ECANCELLED &&
         dapi_err_class_retryable(o->error.cls) &&
         r->page_restarts + 1 < (uint32_t)cf(c)->aws.max_attempts &&
         dapi_client_retry_tokens(c->api->client) > 0;
}

static void restart_page(px_conn *c, const dapi_call_outcome *o) {
  px_runner *r = &c->work->run;
  r->page_restarts++;
  px_sink_page_retry(r->sink);
  PX_LOG_INFO(&c->srv->log, c->id,
              "GetStatementResult page failed after %llu body bytes (%s: %s); requesting it "
              "again (restart %u of at most %u), skipping the %llu rows of it already sent",
              (unsigned long long)r->page_bytes, dapi_err_class_name(o->error.cls),
              o->error.message, (unsigned)r->page_restarts, (unsigned)(cf(c)->aws.max_attempts - 1),
              (unsigned long long)r->sink->resend_skip);
  request_page(c);
}

static void on_result_done(void *ctx, dapi_call *call, dapi_call_outcome *o) {
  (void)call;
  px_conn *c = ctx;
  px_runner *r = &c->work->run;
  c->pending_calls--;
  r->call = NULL;
  r->paused = false;
  if (abandoned(c)) {
    finish(c, NULL);
  } else if (r->sink->failed) {
    finish_error(c, &r->sink->err);
  } else if (o->rc != DAPI_OK) {
    if (page_restartable(c, o)) {
      restart_page(c, o);
    } else {
      px_sink_abandon(r->sink);
      api_failure(c, DAPI_OP_GET_STATEMENT_RESULT, o);
    }
  } else if (px_sink_page_end(r->sink) != PX_OK) {
    finish_error(c, &r->sink->err);
  } else if (r->sink->over_limit) {
    /* Execute's max_rows reached inside this page. The page's further rows are held, encoded,
     * for the next Execute (up to a cap): it resumes after them, in this page when some did
     * not fit, else with the next page. */
    px_outcome out = {.kind = PX_OUT_OK,
                      .has_result_set = true,
                      .rows = px_sink_rows(r->sink),
                      .suspended = true,
                      .held_rows = r->sink->held_rows};
    if (r->sink->held_full) {
      out.resume_token = r->page_token;
      out.resume_skip = r->sink->page_sent + r->sink->held_rows;
    } else {
      out.resume_token = px_sink_next_token(r->sink);
      out.at_end = out.resume_token == NULL;
    }
    finish(c, &out);
  } else if (px_sink_rows(r->sink) == r->sink->limit_at) {
    /* Exactly max_rows sent at a page's end: PostgreSQL suspends too (it cannot know that
     * nothing follows); resume with the next page, or report the end then. */
    px_outcome out = {.kind = PX_OUT_OK,
                      .has_result_set = true,
                      .rows = px_sink_rows(r->sink),
                      .suspended = true,
                      .at_end = px_sink_next_token(r->sink) == NULL,
                      .resume_token = px_sink_next_token(r->sink)};
    finish(c, &out);
  } else if (px_sink_next_token(r->sink) != NULL) {
    /* The token lives in the sink until the next page_begin: copy it first. */
    char *token = strdup(px_sink_next_token(r->sink));
    if (token == NULL) {
      pgw_error e;
      pgw_error_set(&e, "ERROR", "53200", "out of memory");
      finish_error(c, &e);
    } else {
      start_fetch(c, token);
    }
  } else {
    px_outcome out = {.kind = PX_OUT_OK, .has_result_set = true, .rows = px_sink_rows(r->sink)};
    finish(c, &out);
  }
  px_conn_maybe_free(c);
}

void px_runner_output_drained(px_conn *c) {
  if (c->work == NULL) {
    return;
  }
  px_runner *r = &c->work->run;
  if (r->phase != PX_RUN_FETCH || !r->paused || r->call == NULL) {
    return;
  }
  r->paused = false;
  dapi_rc rc = dapi_call_resume(r->call);
  if (rc != DAPI_OK) {
    if (!r->sink->failed) {
      r->sink->failed = true;
      pgw_error_set(&r->sink->err, "ERROR", "XX000", "could not resume the result transfer: %s",
                    dapi_strerror(rc));
    }
    dapi_call_cancel(r->call);
  }
}

bool px_runner_row_open(const px_conn *c) {
  return c->work != NULL && c->work->run.sink != NULL && px_sink_row_open(c->work->run.sink);
}

/* ---- statement status ---- */

static void on_describe_done(void *ctx, dapi_call *call, dapi_call_outcome *o);

static void start_describe(px_conn *c, int wait, uint32_t delay_ms, px_run_phase phase) {
  px_runner *r = &c->work->run;
  dapi_creds cr = creds_of(c);
  dapi_rc rc = dapi_client_describe_after(c->api->client, &cr, r->stmt_id, wait, delay_ms,
                                          on_describe_done, c, &r->call);
  if (rc != DAPI_OK) {
    start_failed(c, DAPI_OP_DESCRIBE_STATEMENT, rc);
    return;
  }
  c->pending_calls++;
  r->phase = phase;
  note_sent(c, wait);
  if (delay_ms > 0) {
    r->sent_at += delay_ms; /* the request leaves when the pause ends */
  }
}

static void failed_with_text(px_conn *c, const char *text) {
  px_runner *r = &c->work->run;
  pgw_error e;
  int32_t pos = 0;
  px_errmap_statement_error(text, strlen(text), &e, &pos);
  if (r->cancel != PX_CANCEL_NONE && strcmp(e.sqlstate, "57014") == 0) {
    finish_cancelled(c); /* our cancel: PostgreSQL's wording for its reason */
    return;
  }
  if (r->pre) {
    /* PostgreSQL refuses a connection whose startup settings are invalid. */
    snprintf(e.severity, sizeof e.severity, "FATAL");
    e.position = 0;
    pgw_error_detail(&e, "A setting of the StartupMessage (or its options) was refused.");
  } else if (pos > 0) {
    e.position = r->pos_base + pos;
  }
  finish_error(c, &e);
}

static dapi_rc start_execute(px_conn *c);

/* The startup settings ran on the new session; the client's statement follows (its own token). */
static void pre_done(px_conn *c) {
  px_runner *r = &c->work->run;
  c->sess.reapply = false;
  free(r->sql);
  r->sql = r->main_sql;
  r->main_sql = NULL;
  r->pre = false;
  free(r->stmt_id);
  r->stmt_id = NULL;
  dapi_rc rc = dapi_uuid4(r->token);
  if (rc == DAPI_OK) {
    rc = start_execute(c);
  }
  if (rc != DAPI_OK) {
    start_failed(c, DAPI_OP_EXECUTE_STATEMENT, rc);
  }
}

/* A statement that opens a Data API session first applies the StartupMessage's settings (as a
 * PostgreSQL backend does at start), so DISCARD ALL and a replaced session get them too; so does
 * the statement after a RESET of one of them (PostgreSQL resets to the startup value). */
static dapi_rc begin_execute(px_conn *c) {
  px_runner *r = &c->work->run;
  if ((c->session_id == NULL || c->sess.reapply) && c->sess.startup_sql != NULL && !r->pre) {
    char *pre = strdup(c->sess.startup_sql);
    if (pre == NULL) {
      return DAPI_ENOMEM;
    }
    r->main_sql = r->sql;
    r->sql = pre;
    r->pre = true;
  }
  return start_execute(c);
}

static void on_info(px_conn *c, const dapi_stmt_info *info) {
  px_runner *r = &c->work->run;
  if (r->stmt_id == NULL && info->id != NULL) {
    r->stmt_id = strdup(info->id);
  }
  if (c->session_id == NULL && info->session_id != NULL) {
    c->session_id = strdup(info->session_id);
    if (c->session_id != NULL) {
      PX_LOG_DEBUG(&c->srv->log, c->id, "Data API session %s", c->session_id);
    }
  }
  if (r->stmt_id == NULL) {
    pgw_error e;
    pgw_error_set(&e, "ERROR", "53200", "out of memory");
    finish_error(c, &e);
    return;
  }
  bool terminal = dapi_stmt_status_terminal(info->status);
  if (abandoned(c)) {
    if (!terminal) {
      send_cancel(c);
    }
    finish(c, NULL);
    return;
  }
  if (r->cancel != PX_CANCEL_NONE && !terminal) {
    send_cancel(c);
  }
  switch (info->status) {
  case DAPI_STMT_FINISHED:
    if (r->pre) {
      pre_done(c); /* the session has the client's startup settings: now the statement */
      return;
    }
    if (info->has_result_set) {
      start_fetch(c, NULL);
    } else if (r->need_count && info->result_rows == DAPI_ABSENT && r->phase == PX_RUN_EXECUTE) {
      start_describe(c, 0, 0, PX_RUN_DESCRIBE); /* for ResultRows */
    } else {
      px_outcome o = {.kind = PX_OUT_OK,
                      .rows = info->result_rows > 0 ? (uint64_t)info->result_rows : 0};
      finish(c, &o);
    }
    return;
  case DAPI_STMT_FAILED:
    if (info->error != NULL) {
      failed_with_text(c, info->error);
    } else if (r->phase == PX_RUN_ERROR_DESCRIBE) {
      pgw_error e;
      pgw_error_set(&e, "ERROR", "XX000", "statement failed (the Data API gave no error text)");
      finish_error(c, &e);
    } else {
      start_describe(c, 0, 0, PX_RUN_ERROR_DESCRIBE);
    }
    return;
  case DAPI_STMT_ABORTED:
    finish_cancelled(c);
    return;
  default:
    start_describe(c, long_poll_seconds(c), next_poll_delay(c), PX_RUN_DESCRIBE);
    return;
  }
}

static void on_describe_done(void *ctx, dapi_call *call, dapi_call_outcome *o) {
  (void)call;
  px_conn *c = ctx;
  c->pending_calls--;
  c->work->run.call = NULL;
  if (o->rc != DAPI_OK) {
    if (abandoned(c)) {
      finish(c, NULL);
    } else if (refused_long_poll(c, o)) {
      start_describe(c, 0, 0, c->work->run.phase);
    } else {
      api_failure(c, DAPI_OP_DESCRIBE_STATEMENT, o);
    }
  } else {
    on_info(c, &o->stmt);
  }
  px_conn_maybe_free(c);
}

/* ---- execute ---- */

static void on_execute_done(void *ctx, dapi_call *call, dapi_call_outcome *o);

static dapi_rc start_execute(px_conn *c) {
  px_runner *r = &c->work->run;
  r->with_target = c->session_id == NULL;
  dapi_execute_input in;
  int wait = long_poll_seconds(c);
  fill_execute(c, &in, wait);
  dapi_creds cr = creds_of(c);
  dapi_rc rc = dapi_client_execute(c->api->client, &cr, &in, on_execute_done, c, &r->call);
  if (rc == DAPI_OK) {
    c->pending_calls++;
    r->phase = PX_RUN_EXECUTE;
    note_sent(c, wait);
  }
  return rc;
}

static void on_execute_done(void *ctx, dapi_call *call, dapi_call_outcome *o) {
  (void)call;
  px_conn *c = ctx;
  px_runner *r = &c->work->run;
  c->pending_calls--;
  r->call = NULL;
  if (o->rc != DAPI_OK) {
    if (abandoned(c)) {
      finish(c, NULL); /* a probe, if one was needed, is already on its way */
    } else if (o->rc == DAPI_EAPI && o->error.cls == DAPI_ERR_SESSION_GONE &&
               r->allow_new_session && c->session_id != NULL && r->cancel == PX_CANCEL_NONE) {
      /* Idle and outside a transaction, nothing is lost with the session: open a new one. */
      PX_LOG_INFO(&c->srv->log, c->id, "Data API session %s is gone; opening a new one",
                  c->session_id);
      free(c->session_id);
      c->session_id = NULL;
      r->allow_new_session = false;
      dapi_rc rc = dapi_uuid4(r->token);
      if (rc == DAPI_OK) {
        rc = begin_execute(c);
      }
      if (rc != DAPI_OK) {
        start_failed(c, DAPI_OP_EXECUTE_STATEMENT, rc);
      }
    } else if (refused_long_poll(c, o)) {
      /* Same ClientToken, without WaitTimeSeconds. Also when a cancel is pending: its probe may
       * already have started the statement under this token, and this answers at once with the
       * Id, which on_info then cancels. */
      dapi_rc rc = start_execute(c);
      if (rc != DAPI_OK) {
        start_failed(c, DAPI_OP_EXECUTE_STATEMENT, rc);
      }
    } else {
      api_failure(c, DAPI_OP_EXECUTE_STATEMENT, o);
    }
  } else {
    on_info(c, &o->stmt);
  }
  px_conn_maybe_free(c);
}

static px_status start_common(px_conn *c, const char *sql, size_t len, int32_t pos_base,
                              bool allow_new_session, bool need_count, pgw_error *err);

px_status px_runner_start(px_conn *c, const char *sql, size_t len, int32_t pos_base,
                          bool allow_new_session, bool need_count, pgw_error *err) {
  px_runner *r = &c->work->run;
  r->ext = false;
  r->params = NULL;
  r->n_params = 0;
  r->resume_skip = 0;
  return start_common(c, sql, len, pos_base, allow_new_session, need_count, err);
}

px_status px_runner_start_ext(px_conn *c, const char *sql, size_t len, const dapi_param *params,
                              size_t n_params, const px_run_opts *opts, bool allow_new_session,
                              bool need_count, pgw_error *err) {
  px_runner *r = &c->work->run;
  r->ext = true;
  r->params = params;
  r->n_params = n_params;
  r->opts = *opts;
  r->resume_skip = 0;
  px_status st = start_common(c, sql, len, 0, allow_new_session, need_count, err);
  if (st != PX_OK) {
    r->ext = false;
  }
  return st;
}

static void start_statement_timer(px_conn *c) {
  int64_t timeout = cf(c)->redwire.statement_timeout_ms;
  if (timeout > 0) {
    if (px_conn_timer_start(c, on_statement_timeout, (uint64_t)timeout) == PX_OK) {
      c->work->run.timer_on = true;
    } else {
      PX_LOG_ERROR(&c->srv->log, c->id,
                   "out of memory arming statement_timeout: the statement runs without it");
    }
  }
}

px_status px_runner_resume(px_conn *c, const char *stmt_id, const char *token, uint64_t skip,
                           const px_run_opts *opts, pgw_error *err) {
  px_runner *r = &c->work->run;
  char *id = strdup(stmt_id);
  char *tok = token != NULL ? strdup(token) : NULL;
  if (id == NULL || (token != NULL && tok == NULL)) {
    free(id);
    free(tok);
    pgw_error_set(err, "ERROR", "53200", "out of memory");
    return PX_NOMEM;
  }
  r->gen++;
  r->ext = true;
  r->params = NULL;
  r->n_params = 0;
  r->opts = *opts;
  r->resume_skip = skip;
  r->pos_base = 0;
  r->allow_new_session = false;
  r->need_count = false;
  r->cancel = PX_CANCEL_NONE;
  r->cancel_sent = false;
  r->probing = false;
  r->stmt_id = id;
  start_statement_timer(c);
  start_fetch(c, tok); /* failures end the statement through px_ext_stmt_done, later */
  PX_LOG_DEBUG(&c->srv->log, c->id, "resuming the result of %s", id);
  return PX_OK;
}

static px_status start_common(px_conn *c, const char *sql, size_t len, int32_t pos_base,
                              bool allow_new_session, bool need_count, pgw_error *err) {
  px_runner *r = &c->work->run;
  r->sql = malloc(len + 1);
  if (r->sql == NULL) {
    pgw_error_set(err, "ERROR", "53200", "out of memory");
    return PX_NOMEM;
  }
  memcpy(r->sql, sql, len);
  r->sql[len] = '\0';
  r->gen++;
  r->pos_base = pos_base;
  r->allow_new_session = allow_new_session;
  r->need_count = need_count;
  r->cancel = PX_CANCEL_NONE;
  r->cancel_sent = false;
  r->probing = false;
  r->poll_ms = 0;
  dapi_rc rc = dapi_uuid4(r->token);
  if (rc == DAPI_OK) {
    rc = begin_execute(c);
  }
  if (rc != DAPI_OK) {
    if (r->pre) {
      free(r->sql);
      r->sql = r->main_sql;
      r->main_sql = NULL;
      r->pre = false;
    }
    free(r->sql);
    r->sql = NULL;
    const char *sqlstate = rc == DAPI_ETOOBIG ? "54000" : rc == DAPI_ENOMEM ? "53200" : "XX000";
    pgw_error_set(err, "ERROR", sqlstate, "could not send Data API ExecuteStatement: %s",
                  dapi_strerror(rc));
    if (rc == DAPI_ETOOBIG) {
      pgw_error_detail(err, "The statement is larger than a Data API request may be.");
    } else if (rc == DAPI_EINVAL) {
      pgw_error_detail(err, "The Data API cannot carry this statement (e.g. invalid UTF-8).");
    }
    return rc == DAPI_ENOMEM ? PX_NOMEM : PX_UPSTREAM;
  }
  start_statement_timer(c);
  PX_LOG_DEBUG(&c->srv->log, c->id, "ExecuteStatement (%zu bytes of SQL, %s)", len,
               r->with_target ? "new session" : "in session");
  return PX_OK;
}
