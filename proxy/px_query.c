/* px_query.c — the simple query protocol on a connection: split the Query string, run its
 * statements in order with PostgreSQL's transaction semantics, answer every frontend message
 * of the IDLE state (the extended protocol is px_ext.c's; function calls and COPY are refused).
 *
 * Transactions follow PostgreSQL's implicit blocks (rules and plan: px_txn.h). Data API
 * ExecuteStatement calls per Query string (each statement's own calls — result pages, a
 * DescribeStatement for an error text or a row count — come on top, see px_runner.c):
 *  - one statement: 1 (never wrapped in BEGIN/COMMIT);
 *  - n plain statements, all succeed: n + 2 (BEGIN before the first, COMMIT after the last);
 *  - n plain statements, statement k (1-based) fails: k + 2 (BEGIN, k statements, ROLLBACK);
 *  - a statement that is alone in its implicit block — the string's last one after a COMMIT/
 *    ROLLBACK, or one followed directly by a plain COMMIT — 1 (autocommit), and that COMMIT 0;
 *  - BEGIN in an open implicit block, COMMIT/ROLLBACK with nothing open, and anything refused
 *    (25P02 in a failed block, 25P01 for SAVEPOINT & co. outside a block): 0;
 *  - explicit BEGIN/COMMIT/ROLLBACK/SAVEPOINT as the client wrote them: 1 each.
 * E.g. `begin; insert; commit; insert; select 1/0` = BEGIN, INSERT, COMMIT, BEGIN, INSERT,
 * SELECT, ROLLBACK = 7; `insert; commit` = 1; `select 1; select 2` = 4.
 */
#include <stdlib.h>
#include <string.h>

#include "px_conn.h"

/* More statements than this in one Query string are refused (54000). */
#define PX_QUERY_MAX_STMTS 10000u

static void query_end(px_conn *c);

void px_query_free(px_conn *c) {
  if (c->work == NULL) {
    return;
  }
  px_query *q = &c->work->q;
  free(q->sql);
  free(q->stmts);
  free(q->cmds);
  memset(q, 0, sizeof(*q));
}

/* A statement (or the whole string) failed: report it; an implicit block open on the service
 * is rolled back, an explicit block becomes failed; the rest of the string is skipped. */
static void stmt_error(px_conn *c, const pgw_error *e) {
  px_query *q = &c->work->q;
  if (!px_conn_send_error(c, e)) {
    return;
  }
  q->step = q->imp == PX_IMPLICIT_OPEN ? PX_Q_ROLLBACK : PX_Q_NONE;
  q->imp = PX_IMPLICIT_NONE;
  c->txn = px_txn_after_error(c->txn);
}

/* A NoticeResponse PostgreSQL would send (the Data API forwards no notices). */
static bool send_warning(px_conn *c, const char *sqlstate, const char *message) {
  pgw_err_fields f = {.severity = "WARNING", .sqlstate = sqlstate, .message = message};
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  pgw_enc_notice_response(&w, &f);
  return px_conn_check(c, &w, "NoticeResponse");
}

static void command_complete(px_conn *c, const px_outcome *o) {
  px_query *q = &c->work->q;
  const pgw_sql_cmd *cmd = &q->cmds[q->cur];
  char tag[PGW_TAG_MAX + 24];
  if (q->as_rollback) {
    memcpy(tag, "ROLLBACK", sizeof "ROLLBACK");
  } else {
    pgw_sql_cmd cc = *cmd;
    if (cc.tag[0] == '\0' && o->has_result_set) {
      /* Unclassified but row-returning: the tag every row-returning query carries. */
      memcpy(cc.tag, "SELECT", sizeof "SELECT");
      cc.style = PGW_TAG_COUNT;
    }
    if (pgw_sql_tag_format(&cc, o->rows, tag, sizeof tag) != PGW_OK) {
      tag[0] = '\0'; /* cannot happen: PGW_TAG_MAX + 24 always suffices */
    }
  }
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  pgw_enc_command_complete(&w, tag);
  if (!px_conn_check(c, &w, "CommandComplete")) {
    return;
  }
  c->txn = q->as_rollback ? PGW_TXN_IDLE : px_txn_after_success(c->txn, cmd);
  q->imp = px_txn_implicit_after(q->imp, cmd);
  if (!q->as_rollback) {
    px_session_after_success(c, q->sql + q->stmts[q->cur].off, q->stmts[q->cur].len);
  }
  PX_LOG_DEBUG(&c->srv->log, c->id, "CommandComplete %s", tag);
}

/* Sends statement cur as planned; true when it is now in flight (its outcome comes later). */
static bool run_statement(px_conn *c) {
  px_query *q = &c->work->q;
  const pgw_sql_cmd *cmd = &q->cmds[q->cur];
  const pgw_sql_stmt *st = &q->stmts[q->cur];
  pgw_error e;
  if (strcmp(cmd->tag, "COPY") == 0) {
    pgw_error_set(&e, "ERROR", "0A000", "COPY is not supported by redwire yet");
    pgw_error_hint(&e, "Load data with INSERT, or with Redshift's COPY from S3 through the "
                       "Data API directly.");
    stmt_error(c, &e);
    return false;
  }
  const char *sql = q->as_rollback ? "ROLLBACK" : q->sql + st->off;
  size_t len = q->as_rollback ? strlen("ROLLBACK") : st->len;
  bool rows = false;
  px_local_rc lr =
      q->as_rollback
          ? PX_LOCAL_NO
          : px_session_local(c, sql, len, c->txn != PGW_TXN_IDLE || q->n > 1, true, &rows, &e);
  if (lr == PX_LOCAL_ERROR) {
    stmt_error(c, &e);
    return false;
  }
  if (lr == PX_LOCAL_DONE) {
    px_outcome o = {.kind = PX_OUT_OK, .has_result_set = rows, .rows = rows ? 1 : 0};
    command_complete(c, &o); /* redwire's own setting: no call */
    return false;
  }
  int32_t pos_base = pgw_sql_char_position(q->sql, st->off) - 1;
  bool allow_new = !q->api_called && c->txn == PGW_TXN_IDLE;
  bool need_count = !q->as_rollback && cmd->style != PGW_TAG_PLAIN;
  /* With its ';': a syntax error there is PostgreSQL's "at or near ";"", not "at end of input". */
  size_t send_len = q->as_rollback ? len : st->full_len;
  if (px_runner_start(c, sql, send_len, pos_base, allow_new, need_count, &e) != PX_OK) {
    stmt_error(c, &e);
    return false;
  }
  q->api_called = true;
  return true;
}

/* BEGIN / COMMIT / ROLLBACK of the implicit block: no output of their own. */
static bool run_internal(px_conn *c, const char *sql) {
  px_query *q = &c->work->q;
  pgw_error e;
  bool allow_new = !q->api_called && c->txn == PGW_TXN_IDLE;
  if (px_runner_start(c, sql, strlen(sql), 0, allow_new, false, &e) != PX_OK) {
    (void)px_conn_send_error(c, &e);
    q->step = PX_Q_NONE;
    q->imp = PX_IMPLICIT_NONE;
    return false;
  }
  q->api_called = true;
  return true;
}

/* Plans statement cur (px_txn_plan_stmt) and starts it; true when a call is now in flight. */
static bool start_statement(px_conn *c) {
  px_query *q = &c->work->q;
  px_txn_plan p = px_txn_plan_stmt(c->txn, q->imp, q->cmds, q->n, q->cur);
  q->imp = p.implicit;
  q->as_rollback = p.action == PX_PLAN_RUN_AS_ROLLBACK;
  if (p.warning != NULL && !send_warning(c, p.warning_sqlstate, p.warning)) {
    return false;
  }
  pgw_error e;
  switch (p.action) {
  case PX_PLAN_REFUSE_ABORTED:
    pgw_error_set(&e, "ERROR", "25P02",
                  "current transaction is aborted, commands ignored until end of transaction "
                  "block");
    stmt_error(c, &e);
    return false;
  case PX_PLAN_REFUSE_NO_BLOCK:
    pgw_error_set(&e, "ERROR", "25P01", "%s can only be used in transaction blocks", p.what);
    stmt_error(c, &e);
    return false;
  case PX_PLAN_LOCAL: {
    px_outcome o = {.kind = PX_OUT_OK};
    command_complete(c, &o);
    return false;
  }
  case PX_PLAN_BEGIN_FIRST:
    q->step = PX_Q_BEGIN; /* then PX_Q_STMTS runs cur (px_query_stmt_done) */
    return run_internal(c, "BEGIN");
  case PX_PLAN_RUN:
  case PX_PLAN_RUN_AS_ROLLBACK:
  default:
    return run_statement(c);
  }
}

/* Moves the query on until a statement is in flight or the query is over. */
static void advance(px_conn *c) {
  px_query *q = &c->work->q;
  while (c->state == PX_CONN_BUSY) {
    switch (q->step) {
    case PX_Q_BEGIN: /* only entered from start_statement */
    case PX_Q_NONE:
      query_end(c);
      return;
    case PX_Q_STMTS:
      if (q->next >= q->n) {
        q->step = q->imp == PX_IMPLICIT_OPEN ? PX_Q_COMMIT : PX_Q_NONE;
        q->imp = PX_IMPLICIT_NONE;
        break;
      }
      q->cur = q->next++;
      if (start_statement(c)) {
        return;
      }
      break;
    case PX_Q_COMMIT:
      if (run_internal(c, "COMMIT")) {
        return;
      }
      break;
    case PX_Q_ROLLBACK:
      if (run_internal(c, "ROLLBACK")) {
        return;
      }
      break;
    }
  }
}

void px_query_stmt_done(px_conn *c, px_outcome *o) {
  px_query *q = &c->work->q;
  if (o->kind == PX_OUT_FATAL) {
    px_conn_fatal(c, &o->err);
    return;
  }
  switch (q->step) {
  case PX_Q_BEGIN:
    if (o->kind != PX_OUT_OK) {
      (void)px_conn_send_error(c, &o->err);
      q->step = PX_Q_NONE;
      q->imp = PX_IMPLICIT_NONE;
      break;
    }
    q->step = PX_Q_STMTS;
    if (run_statement(c)) {
      return; /* the statement BEGIN was sent for */
    }
    break;
  case PX_Q_STMTS:
    if (o->kind == PX_OUT_OK) {
      command_complete(c, o);
    } else {
      stmt_error(c, &o->err);
    }
    break;
  case PX_Q_COMMIT:
    q->step = PX_Q_NONE;
    if (o->kind != PX_OUT_OK) {
      /* A serialization failure at commit ends the transaction; a failed call may not have:
       * either way nothing of the block may stay open. */
      if (px_conn_send_error(c, &o->err)) {
        q->step = PX_Q_ROLLBACK;
      }
    }
    break;
  case PX_Q_ROLLBACK:
    if (o->kind != PX_OUT_OK) {
      PX_LOG_WARN(&c->srv->log, c->id, "ROLLBACK of the implicit transaction failed: %s",
                  o->err.message);
    }
    q->step = PX_Q_NONE;
    break;
  case PX_Q_NONE:
    break;
  }
  advance(c);
}

static void query_end(px_conn *c) {
  px_query_free(c);
  px_conn_ready(c);
}

static bool split(px_conn *c, pgw_error *e) {
  px_query *q = &c->work->q;
  size_t cap = 16;
  for (;;) {
    pgw_sql_stmt *stmts = realloc(q->stmts, cap * sizeof(*stmts));
    if (stmts == NULL) {
      pgw_error_set(e, "ERROR", "53200", "out of memory");
      return false;
    }
    q->stmts = stmts;
    pgw_rc rc = pgw_sql_split(q->sql, q->len, q->stmts, cap, &q->n, e);
    if (rc == PGW_OK) {
      return true;
    }
    if (rc != PGW_ETOOBIG) {
      return false; /* e filled by the lexer: 42601 with a position */
    }
    if (cap >= PX_QUERY_MAX_STMTS) {
      pgw_error_set(e, "ERROR", "54000", "too many statements in one query string");
      pgw_error_detail(e, "redwire runs at most %u statements per simple Query message.",
                       PX_QUERY_MAX_STMTS);
      return false;
    }
    cap = cap * 4 > PX_QUERY_MAX_STMTS ? PX_QUERY_MAX_STMTS : cap * 4;
  }
}

static void start_query(px_conn *c, const char *sql, size_t len) {
  px_query *q = &c->work->q;
  px_query_free(c);
  pgw_error e;
  q->sql = malloc(len + 1);
  if (q->sql == NULL) {
    pgw_error_set(&e, "ERROR", "53200", "out of memory");
    stmt_error(c, &e);
    query_end(c);
    return;
  }
  memcpy(q->sql, sql, len);
  q->sql[len] = '\0';
  q->len = len;
  if (!split(c, &e)) {
    stmt_error(c, &e);
    query_end(c);
    return;
  }
  if (q->n == 0) {
    pgw_wr w;
    pgw_wr_init(&w, &c->out);
    pgw_enc_empty_query(&w);
    if (px_conn_check(c, &w, "EmptyQueryResponse")) {
      query_end(c);
    }
    return;
  }
  q->cmds = calloc(q->n, sizeof(*q->cmds));
  if (q->cmds == NULL) {
    pgw_error_set(&e, "ERROR", "53200", "out of memory");
    stmt_error(c, &e);
    query_end(c);
    return;
  }
  for (size_t i = 0; i < q->n; i++) {
    if (pgw_sql_command(q->sql + q->stmts[i].off, q->stmts[i].len, &q->cmds[i], &e) != PGW_OK) {
      stmt_error(c, &e); /* the splitter accepted it, so this is not expected */
      query_end(c);
      return;
    }
  }
  q->imp = PX_IMPLICIT_NONE;
  q->step = PX_Q_STMTS;
  px_conn_set_state(c, PX_CONN_BUSY);
  advance(c);
}

static void refuse(px_conn *c, const char *what) {
  pgw_error e;
  pgw_error_set(&e, "ERROR", "0A000", "%s is not supported by redwire yet", what);
  if (px_conn_send_error(c, &e)) {
    px_conn_ready(c);
  }
}

static void violation(px_conn *c, const char *message) {
  pgw_error e;
  pgw_error_set(&e, "FATAL", "08P01", "%s", message);
  px_conn_fatal(c, &e);
}

void px_query_on_message(px_conn *c, const pgw_msg *m) {
  if (m->type == PGW_FE_TERMINATE) {
    px_conn_close(c, "client sent Terminate");
    return;
  }
  if (px_conn_work(c) == NULL) {
    return; /* out of memory: a FATAL is on its way */
  }
  if (c->skip_to_sync) {
    if (m->type == PGW_FE_SYNC) {
      px_ext_sync(c);
    }
    return;
  }
  pgw_str sql;
  switch (m->type) {
  case PGW_FE_QUERY:
    if (pgw_decode_query(m, &sql) != PGW_OK) {
      violation(c, "invalid Query message");
      return;
    }
    px_ext_on_query(c);
    start_query(c, sql.ptr, sql.len);
    return;
  case PGW_FE_PARSE:
  case PGW_FE_BIND:
  case PGW_FE_DESCRIBE:
  case PGW_FE_EXECUTE:
  case PGW_FE_CLOSE:
  case PGW_FE_FLUSH:
    px_ext_on_message(c, m);
    return;
  case PGW_FE_SYNC:
    px_ext_sync(c);
    return;
  case PGW_FE_FUNCTION_CALL:
    refuse(c, "the function call protocol");
    return;
  case PGW_FE_COPY_DATA:
  case PGW_FE_COPY_DONE:
  case PGW_FE_COPY_FAIL:
    return; /* PostgreSQL ignores COPY messages outside COPY (left over after an error) */
  case PGW_FE_PASSWORD:
    violation(c, "unexpected password message");
    return;
  default:
    violation(c, "invalid frontend message type");
    return;
  }
}
