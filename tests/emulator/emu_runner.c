#include "emu_runner.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* While PostgreSQL runs a statement, its runner looks at the statement's cancel flag this often,
 * and sends a cancel request once the flag is set, again every CANCEL_RETRY_NS until the query
 * ends: PostgreSQL ignores a cancel request that reaches the backend before the query does (it
 * is then still reading its command), so a single request can be lost. */
#define CANCEL_POLL_MS  20
#define CANCEL_RETRY_NS (200 * 1000000LL)

/* Hands the session back after its statement: AVAILABLE until keep-alive runs out, or CLOSED if
 * its connection broke. Returns a connection to close outside the lock. Lock held. */
static PGconn *release_session_locked(emu_server *srv, emu_session *se, emu_stmt *st) {
  PGconn *close_conn = NULL;
  if (se->current == st) {
    se->current = NULL;
    emu_stmt_unref_locked(srv->store, st);
  }
  if (se->conn == NULL || PQstatus(se->conn) != CONNECTION_OK) {
    close_conn = se->conn;
    se->conn = NULL;
    emu_store_close_session_locked(srv->store, se);
  } else {
    double now = emu_now_epoch();
    se->status = EMU_SESS_AVAILABLE;
    se->updated_at = now;
    se->ttl_at = now + se->keepalive_s;
  }
  return close_conn;
}

/* Moves st to a terminal status. A top-level statement in a session also hands the session back
 * in this same locked step: whoever sees the terminal status (a long poll wakes on it) may submit
 * the session's next statement at once, and must not find the session still BUSY. The runner
 * does not touch the session's connection after this call. Returns a connection to close outside
 * the lock (the session's, when it broke), else NULL. Lock held. */
static PGconn *end_locked(emu_server *srv, emu_stmt *st, emu_status status) {
  emu_store_set_status_locked(srv->store, st, status);
  if (st->parent == NULL && st->session != NULL) {
    return release_session_locked(srv, st->session, st);
  }
  return NULL;
}

/* end_locked with an Error text (copied; NULL for none). Lock held. */
static PGconn *end_error_locked(emu_server *srv, emu_stmt *st, emu_status status,
                                const char *error) {
  free(st->error);
  st->error = emu_strdup_or_null(error);
  return end_locked(srv, st, status);
}

/* The next result of the query sent on conn, NULL after the last one (PQgetResult), waiting for
 * it in CANCEL_POLL_MS steps so that a cancel of st is noticed and sent (see CANCEL_POLL_MS).
 * cancel may be NULL (PQgetCancel failed: the query then runs to its end). *last_cancel_ns is
 * when the last cancel request was sent, 0 for never. */
static PGresult *next_result(emu_server *srv, PGconn *conn, emu_stmt *st, PGcancel *cancel,
                             int64_t *last_cancel_ns) {
  while (PQisBusy(conn)) {
    emu_store_lock(srv->store);
    bool cancel_requested = st->cancel_requested;
    emu_store_unlock(srv->store);
    int64_t now = emu_now_mono_ns();
    if (cancel_requested && cancel != NULL &&
        (*last_cancel_ns == 0 || now - *last_cancel_ns >= CANCEL_RETRY_NS)) {
      char errbuf[256];
      PQcancel(cancel, errbuf, sizeof errbuf); /* a failed request is retried like a lost one */
      *last_cancel_ns = now;
    }
    struct pollfd pfd = {.fd = PQsocket(conn), .events = POLLIN};
    if (pfd.fd < 0) {
      break; /* no connection: PQgetResult reports the failure */
    }
    int n = poll(&pfd, 1, CANCEL_POLL_MS);
    if ((n < 0 && errno != EINTR) || (n > 0 && !PQconsumeInput(conn))) {
      break; /* connection trouble: PQgetResult reports it */
    }
  }
  return PQgetResult(conn);
}

/* Runs one statement (not a batch parent) on conn and ends it. Returns a connection to close
 * (see end_locked); the caller must not use conn again when it is that one. */
static PGconn *run_one(emu_server *srv, PGconn *conn, emu_stmt *st) {
  emu_store *s = srv->store;
  emu_store_lock(s);
  if (st->cancel_requested) {
    PGconn *close_conn = end_error_locked(srv, st, EMU_ST_ABORTED, "Query cancelled.");
    emu_store_unlock(s);
    return close_conn;
  }
  st->redshift_pid = PQbackendPID(conn);
  st->query_id = emu_store_next_query_id_locked(s);
  emu_store_set_status_locked(s, st, EMU_ST_STARTED);
  emu_store_unlock(s);

  PGcancel *cancel = PQgetCancel(conn); /* owned; NULL when libpq cannot make one */
  int64_t last_cancel_ns = 0;

  PGresult *tuples = NULL, *error = NULL;
  int64_t affected = -1;
  const char *unsupported = NULL;
  char *error_text = NULL;
  if (!PQsendQueryParams(conn, st->exec_sql, (int)st->n_pg_values, NULL,
                         (const char *const *)st->pg_values, NULL, NULL, 0)) {
    error_text = emu_pg_error_text(NULL, conn); /* connection lost before sending */
  } else {
    PGresult *r;
    while ((r = next_result(srv, conn, st, cancel, &last_cancel_ns)) != NULL) {
      switch (PQresultStatus(r)) {
      case PGRES_TUPLES_OK:
        PQclear(tuples);
        tuples = r;
        r = NULL;
        break;
      case PGRES_COMMAND_OK: {
        const char *n = PQcmdTuples(r);
        affected = *n != '\0' ? strtoll(n, NULL, 10) : -1;
        break;
      }
      case PGRES_COPY_IN:
        unsupported = "ERROR: COPY FROM STDIN is not supported through the Data API";
        PQputCopyEnd(conn, "COPY FROM STDIN is not supported through the Data API");
        break;
      case PGRES_COPY_OUT: {
        char *buf;
        while (PQgetCopyData(conn, &buf, 0) > 0) {
          PQfreemem(buf);
        }
        unsupported = "ERROR: COPY TO STDOUT is not supported through the Data API";
        break;
      }
      default:
        if (error == NULL) {
          error = r;
          r = NULL;
        }
        break;
      }
      PQclear(r);
    }
  }

  emu_result *result = NULL;
  char describe_err[512] = "";
  if (error != NULL) {
    free(error_text);
    error_text = emu_pg_error_text(error, conn);
  } else if (error_text == NULL && PQstatus(conn) != CONNECTION_OK) {
    error_text = emu_pg_error_text(NULL, conn); /* lost while running */
  }
  if (error_text == NULL && unsupported == NULL && tuples != NULL) {
    int nf = PQnfields(tuples);
    emu_result_colmeta *meta = calloc(nf > 0 ? (size_t)nf : 1, sizeof *meta);
    char *arena = NULL;
    if (meta == NULL) {
      snprintf(describe_err, sizeof describe_err, "out of memory");
    } else if (emu_pg_describe(conn, tuples, meta, &arena, describe_err, sizeof describe_err)) {
      result = emu_result_from_pg(tuples, meta);
      if (result != NULL) {
        tuples = NULL; /* owned by result now */
      } else {
        snprintf(describe_err, sizeof describe_err, "out of memory");
      }
    }
    free(arena);
    free(meta);
  }
  bool cancelled_error = error != NULL && PQresultErrorField(error, PG_DIAG_SQLSTATE) != NULL &&
                         strcmp(PQresultErrorField(error, PG_DIAG_SQLSTATE), "57014") == 0;
  PQclear(error);
  PQclear(tuples);

  if (cancel != NULL) {
    PQfreeCancel(cancel);
  }

  PGconn *close_conn;
  emu_store_lock(s);
  if (unsupported != NULL) {
    close_conn = end_error_locked(srv, st, EMU_ST_FAILED, unsupported);
  } else if (error_text != NULL) {
    close_conn = end_error_locked(
        srv, st, st->cancel_requested && cancelled_error ? EMU_ST_ABORTED : EMU_ST_FAILED,
        error_text);
  } else if (describe_err[0] != '\0') {
    char msg[600];
    snprintf(msg, sizeof msg, "ERROR: %s", describe_err);
    close_conn = end_error_locked(srv, st, EMU_ST_FAILED, msg);
  } else if (result != NULL) {
    st->has_result_set = true;
    st->result_rows = result->nrows;
    st->result_size = result->text_bytes;
    if (!emu_store_attach_result_locked(s, st, result)) {
      /* The real service ends calls whose response exceeds its limit with this text
       * (dataapi.md §3, "Database response exceeded size limit"). */
      st->has_result_set = false;
      close_conn =
          end_error_locked(srv, st, EMU_ST_FAILED, "ERROR: Database response exceeded size limit");
    } else {
      close_conn = end_locked(srv, st, EMU_ST_FINISHED);
    }
  } else {
    st->result_rows = affected;
    st->result_size = 0;
    close_conn = end_locked(srv, st, EMU_ST_FINISHED);
  }
  emu_store_unlock(s);
  free(error_text);
  return close_conn;
}

static bool exec_simple(PGconn *conn, const char *sql, char **error_text) {
  PGresult *r = PQexec(conn, sql);
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok && error_text != NULL) {
    *error_text = emu_pg_error_text(r, conn);
  }
  PQclear(r);
  return ok;
}

/* Runs a batch on conn, sub-statement after sub-statement, and ends it. Sub-statements end one
 * by one; the session (if any) is handed back only when the parent ends. Returns a connection to
 * close, as run_one. */
static PGconn *run_batch(emu_server *srv, PGconn *conn, emu_stmt *parent) {
  emu_store *s = srv->store;
  emu_store_lock(s);
  if (parent->cancel_requested) {
    for (size_t i = 0; i < parent->n_subs; i++) {
      end_error_locked(srv, parent->subs[i], EMU_ST_ABORTED, "Query cancelled.");
    }
    PGconn *close_conn = end_error_locked(srv, parent, EMU_ST_ABORTED, "Query cancelled.");
    emu_store_unlock(s);
    return close_conn;
  }
  parent->redshift_pid = PQbackendPID(conn);
  parent->query_id = 0; /* AWS's batch example shows RedshiftQueryId 0 on the parent */
  emu_store_set_status_locked(s, parent, EMU_ST_STARTED);
  emu_store_unlock(s);

  /* Inside a transaction the session's client opened, the batch joins it instead of nesting. */
  bool wrap = !parent->auto_commit && PQtransactionStatus(conn) == PQTRANS_IDLE;
  char *error_text = NULL;
  bool failed = wrap && !exec_simple(conn, "BEGIN", &error_text);
  emu_status failed_as = EMU_ST_FAILED;
  for (size_t i = 0; i < parent->n_subs; i++) {
    emu_stmt *sub = parent->subs[i];
    if (failed && !parent->auto_commit) {
      /* A transaction that failed runs nothing more: the rest never start (guess: ABORTED). */
      emu_store_lock(s);
      end_error_locked(srv, sub, EMU_ST_ABORTED, NULL);
      emu_store_unlock(s);
      continue;
    }
    run_one(srv, conn, sub); /* a sub-statement has no session of its own: returns NULL */
    emu_store_lock(s);
    if (sub->status != EMU_ST_FINISHED && !failed) {
      failed = true;
      failed_as = sub->status;
      free(error_text);
      error_text = emu_strdup_or_null(sub->error);
    }
    emu_store_unlock(s);
  }
  if (wrap) {
    if (failed) {
      exec_simple(conn, "ROLLBACK", NULL);
    } else if (!exec_simple(conn, "COMMIT", &error_text)) {
      failed = true;
    }
  }
  emu_store_lock(s);
  int64_t rows = 0, size = 0;
  bool any_rows = false;
  for (size_t i = 0; i < parent->n_subs; i++) {
    emu_stmt *sub = parent->subs[i];
    parent->has_result_set = parent->has_result_set || sub->has_result_set;
    if (sub->result_rows >= 0) {
      rows += sub->result_rows;
      any_rows = true;
    }
    if (sub->result_size > 0) {
      size += sub->result_size;
    }
  }
  parent->result_rows = any_rows ? rows : -1;
  parent->result_size = size;
  PGconn *close_conn = failed ? end_error_locked(srv, parent, failed_as, error_text)
                              : end_locked(srv, parent, EMU_ST_FINISHED);
  emu_store_unlock(s);
  free(error_text);
  return close_conn;
}

/* Ends a statement that could not reach PostgreSQL (all subs too). Returns a connection to close,
 * as end_locked. Lock held. */
static PGconn *fail_all_locked(emu_server *srv, emu_stmt *st, const char *error) {
  for (size_t i = 0; i < st->n_subs; i++) {
    end_error_locked(srv, st->subs[i], EMU_ST_FAILED, error);
  }
  return end_error_locked(srv, st, EMU_ST_FAILED, error);
}

typedef struct start_record {
  emu_server *srv;
  emu_stmt *st; /* a counted reference, released by the thread */
} start_record;

static void run(emu_server *srv, emu_stmt *st) {
  emu_store *s = srv->store;
  emu_session *se = st->session;
  emu_store_lock(s);
  if (!emu_status_terminal(st->status) && !st->cancel_requested) {
    emu_store_set_status_locked(s, st, EMU_ST_PICKED);
  }
  emu_store_unlock(s);

  char err[512];
  PGconn *conn;
  if (se != NULL) {
    /* BUSY: this thread alone uses se->conn until it ends the statement (end_locked). */
    if (se->conn == NULL) {
      se->conn = emu_pg_connect(srv->cfg->pg_conninfo, se->target.database, err, sizeof err);
    }
    conn = se->conn;
  } else {
    conn = emu_pgpool_get(srv->pool, st->target.database, err, sizeof err);
  }
  /* Ending the statement also releases its session (end_locked); from then on the session and
   * its connection may already serve the next statement's runner. */
  PGconn *close_conn;
  if (conn == NULL) {
    emu_store_lock(s);
    close_conn = fail_all_locked(srv, st, err);
    emu_store_unlock(s);
  } else if (st->is_batch) {
    close_conn = run_batch(srv, conn, st);
  } else {
    close_conn = run_one(srv, conn, st);
  }
  PQfinish(close_conn);
  if (se == NULL && conn != NULL) {
    emu_pgpool_put(srv->pool, st->target.database, conn);
  }
}

static void *runner_main(void *arg) {
  start_record rec = *(start_record *)arg;
  free(arg);
  run(rec.srv, rec.st);
  emu_store_lock(rec.srv->store);
  emu_stmt_unref_locked(rec.srv->store, rec.st);
  rec.srv->runners--;
  emu_store_broadcast(rec.srv->store);
  emu_store_unlock(rec.srv->store);
  return NULL;
}

bool emu_runner_start(emu_server *srv, emu_stmt *st) {
  start_record *rec = malloc(sizeof *rec);
  emu_store_lock(srv->store);
  emu_stmt_ref_locked(st);
  srv->runners++;
  emu_store_unlock(srv->store);
  bool ok = false;
  if (rec != NULL) {
    rec->srv = srv;
    rec->st = st;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t tid;
    ok = pthread_create(&tid, &attr, runner_main, rec) == 0;
    pthread_attr_destroy(&attr);
  }
  if (!ok) {
    free(rec);
    emu_store_lock(srv->store);
    PGconn *close_conn =
        fail_all_locked(srv, st, "ERROR: could not start the statement (out of resources)");
    emu_stmt_unref_locked(srv->store, st);
    srv->runners--;
    emu_store_unlock(srv->store);
    PQfinish(close_conn);
  }
  return ok;
}

bool emu_runner_cancel_locked(emu_server *srv, emu_stmt *st) {
  (void)srv;
  if (emu_status_terminal(st->status)) {
    return false;
  }
  /* Only the flags: the runner notices them within CANCEL_POLL_MS and sends PostgreSQL the cancel
   * request itself (next_result), so no network call happens under the store lock. The query
   * then fails with SQLSTATE 57014, which ends the statement ABORTED. */
  st->cancel_requested = true;
  for (size_t i = 0; i < st->n_subs; i++) {
    st->subs[i]->cancel_requested = true;
  }
  return true;
}

void emu_runner_shutdown(emu_server *srv, int timeout_ms) {
  emu_store *s = srv->store;
  emu_store_lock(s);
  srv->shutting_down = true;
  for (emu_stmt *st = emu_store_next_stmt_locked(s, NULL); st != NULL;
       st = emu_store_next_stmt_locked(s, st)) {
    emu_runner_cancel_locked(srv, st);
  }
  int64_t deadline = emu_now_mono_ns() + (int64_t)timeout_ms * 1000000;
  while (srv->runners > 0 && emu_now_mono_ns() < deadline) {
    emu_store_wait_locked(s, deadline);
  }
  emu_store_unlock(s);
}
