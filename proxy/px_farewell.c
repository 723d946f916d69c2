/* px_farewell.c — a closing connection leaves no transaction open on its Data API session.
 *
 * PostgreSQL rolls a backend's transaction back the moment its client goes away, so the locks it
 * held are released at once. The Data API has no call that ends a session: it lives on, with its
 * open transaction and every lock taken in it, until SessionKeepAliveSeconds run out. A psycopg2
 * program that exits without COMMIT (autocommit is off by default there) would block DDL on its
 * tables for minutes. So a connection that closes while its session may hold a transaction sends
 * one ROLLBACK on that session before the connection is freed.
 *
 * "May hold a transaction": an explicit or failed block (c->txn), or an implicit block of a Query
 * or of an extended-protocol Sync window that was opened on the service (BEGIN sent). A statement
 * cancelled at close outside any block leaves nothing open, and costs no extra call.
 *
 * A statement cancelled at close may keep the session busy for a moment after CancelStatement
 * returned: a refused ROLLBACK is retried a few times with a growing delay. The connection stays
 * referenced (pending_calls) until the last attempt ends, so its credentials and session id stay
 * valid; px_conn_maybe_free runs again then.
 */
#include <stdlib.h>

#include "px_conn.h"
#include "px_log.h"

enum {
  FAREWELL_ATTEMPTS = 6,      /* 0.2 + 0.4 + ... + 1.0 s: about 3 s of retrying in all */
  FAREWELL_STEP_MS = 200,     /* delay before attempt n+1: n * step */
  FAREWELL_WAIT_SECONDS = 10, /* ExecuteStatement long-poll: ROLLBACK is quick */
};

typedef struct farewell {
  uv_timer_t timer; /* retry delay; timer.data == this */
  px_conn *c;       /* borrowed; kept alive by the pending_calls count this holds */
  unsigned attempt;
  char token[DAPI_UUID_LEN + 1];
} farewell;

static bool may_hold_transaction(const px_conn *c) {
  return c->txn != PGW_TXN_IDLE || (c->work != NULL && (c->work->q.imp == PX_IMPLICIT_OPEN ||
                                                        c->work->ext.imp == PX_IMPLICIT_OPEN));
}

static void on_timer_closed(uv_handle_t *h) {
  farewell *f = h->data;
  px_conn *c = f->c;
  free(f);
  c->pending_calls--;
  px_conn_maybe_free(c);
}

static void finish(farewell *f) {
  uv_close((uv_handle_t *)&f->timer, on_timer_closed);
}

static void on_rollback_done(void *ctx, dapi_call *call, dapi_call_outcome *o);

static void send_rollback(farewell *f) {
  px_conn *c = f->c;
  dapi_execute_input in = {
      .sql = "ROLLBACK",
      .session_id = c->session_id,
      .session_keep_alive_seconds = -1,
      .wait_time_seconds = FAREWELL_WAIT_SECONDS,
      .client_token = f->token,
  };
  dapi_creds cr = {c->creds.access_key_id, c->creds.secret_access_key, c->creds.session_token};
  dapi_rc rc = dapi_client_execute(c->api->client, &cr, &in, on_rollback_done, f, NULL);
  if (rc != DAPI_OK) {
    PX_LOG_WARN(&c->srv->log, c->id,
                "could not roll back the transaction of Data API session %s: %s; it ends when "
                "the session expires",
                c->session_id, dapi_strerror(rc));
    finish(f);
  }
}

static void on_retry_timer(uv_timer_t *t) {
  send_rollback(t->data);
}

static void on_rollback_done(void *ctx, dapi_call *call, dapi_call_outcome *o) {
  (void)call;
  farewell *f = ctx;
  px_conn *c = f->c;
  if (o->rc == DAPI_OK) {
    PX_LOG_INFO(&c->srv->log, c->id, "rolled back the open transaction of Data API session %s",
                c->session_id);
    finish(f);
    return;
  }
  bool refused =
      o->rc == DAPI_EAPI && (o->error.cls == DAPI_ERR_CLIENT || o->error.cls == DAPI_ERR_LIMIT);
  if (refused && ++f->attempt < FAREWELL_ATTEMPTS) {
    /* Most likely the cancelled statement still occupies the session. A fresh token: the
     * service would otherwise answer the refused attempt again (ClientToken idempotency). */
    if (dapi_uuid4(f->token) == DAPI_OK) {
      uv_timer_start(&f->timer, on_retry_timer, (uint64_t)f->attempt * FAREWELL_STEP_MS, 0);
      return;
    }
  }
  if (o->rc == DAPI_EAPI && o->error.cls == DAPI_ERR_SESSION_GONE) {
    PX_LOG_INFO(&c->srv->log, c->id, "Data API session %s already ended", c->session_id);
  } else {
    PX_LOG_WARN(&c->srv->log, c->id,
                "could not roll back the transaction of Data API session %s (%s%s%s); it ends "
                "when the session expires",
                c->session_id, dapi_strerror(o->rc), o->rc == DAPI_EAPI ? ": " : "",
                o->rc == DAPI_EAPI ? o->error.message : "");
  }
  finish(f);
}

bool px_farewell_start(px_conn *c) {
  if (c->farewell_done || c->session_id == NULL || c->api == NULL || !may_hold_transaction(c)) {
    return false;
  }
  c->farewell_done = true;
  farewell *f = calloc(1, sizeof(*f));
  if (f == NULL || dapi_uuid4(f->token) != DAPI_OK) {
    free(f);
    PX_LOG_WARN(&c->srv->log, c->id,
                "out of memory: the transaction of Data API session %s ends when the session "
                "expires",
                c->session_id);
    return false;
  }
  f->c = c;
  uv_timer_init(c->srv->loop, &f->timer);
  f->timer.data = f;
  c->pending_calls++; /* released in on_timer_closed */
  send_rollback(f);
  return true;
}
