/* px_ext.c — the extended query protocol: Parse, Bind, Describe, Execute, Close, Sync, Flush.
 * The model (one run per portal, Describe fused with the following Execute, zero-row Describe of
 * statements, the implicit block between Syncs) is described in px_ext.h and
 * docs/extended-protocol.md.
 *
 * Data API calls (on top of each run's own result pages, px_runner.c):
 *  - Parse, Bind, Close, Flush: none;
 *  - Bind + Describe(portal) + Execute: one ExecuteStatement, as a simple Query;
 *  - Describe(portal) alone, then Execute: the same; the rows of its first page wait, encoded,
 *    with the portal (px_sink's held rows) for the Execute;
 *  - Execute with a row limit: further Executes are served from the held rest of the page, then
 *    fetch the next page (a page remainder beyond the hold budget is fetched again);
 *  - Describe(statement) or of an SQL cursor: ExecuteStatement of the zero-row form + 1
 *    GetStatementResult, once (the columns are kept);
 *  - Executes of two or more statements buffered before one Sync: BEGIN and COMMIT (+2).
 * The statements, portals and cursors themselves live in px_ext_objects.c.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "px_conn.h"
#include "px_ext_int.h"

/* ---- output helpers ---- */

/* An error in the extended protocol: ErrorResponse, then everything up to Sync is skipped; an
 * implicit block open on the service is rolled back at that Sync. */
static void ext_error(px_conn *c, const pgw_error *e) {
  if (strcmp(e->severity, "FATAL") == 0) {
    px_conn_fatal(c, e);
    return;
  }
  if (!px_conn_send_error(c, e)) {
    return;
  }
  c->skip_to_sync = true;
  c->work->ext.failed = true;
  c->txn = px_txn_after_error(c->txn);
}

static void oom(px_conn *c) {
  pgw_error e;
  pgw_error_set(&e, "ERROR", "53200", "out of memory");
  ext_error(c, &e);
}

static void violation(px_conn *c, const char *what) {
  pgw_error e;
  pgw_error_set(&e, "FATAL", "08P01", "invalid %s message", what);
  px_conn_fatal(c, &e);
}

static void send_simple(px_conn *c, char type) {
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  switch (type) {
  case '1':
    pgw_enc_parse_complete(&w);
    break;
  case '2':
    pgw_enc_bind_complete(&w);
    break;
  case '3':
    pgw_enc_close_complete(&w);
    break;
  case 'n':
    pgw_enc_no_data(&w);
    break;
  case 's':
    pgw_enc_portal_suspended(&w);
    break;
  case 'I':
  default:
    pgw_enc_empty_query(&w);
    break;
  }
  (void)px_conn_check(c, &w, "an extended-protocol acknowledgement");
}

static void send_tag(px_conn *c, const pgw_sql_cmd *cmd, bool has_rows, uint64_t rows,
                     bool as_rollback) {
  char tag[PGW_TAG_MAX + 24];
  if (as_rollback) {
    memcpy(tag, "ROLLBACK", sizeof "ROLLBACK");
  } else {
    pgw_sql_cmd cc = *cmd;
    if (cc.tag[0] == '\0' && has_rows) {
      memcpy(cc.tag, "SELECT", sizeof "SELECT");
      cc.style = PGW_TAG_COUNT;
    }
    if (pgw_sql_tag_format(&cc, rows, tag, sizeof tag) != PGW_OK) {
      tag[0] = '\0';
    }
  }
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  pgw_enc_command_complete(&w, tag);
  (void)px_conn_check(c, &w, "CommandComplete");
}

/* RowDescription (with the portal's formats) or NoData from known columns. */
static void send_cols(px_conn *c, const px_ext_cols *k, const int16_t *codes, uint16_t ncodes) {
  if (!k->has_rows) {
    send_simple(c, 'n');
    return;
  }
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  px_text_row_description(&w, k->cols, (uint16_t)k->n, codes, ncodes);
  (void)px_conn_check(c, &w, "RowDescription");
}

/* ---- lookahead in the buffered input ---- */

/* The message being handled is at the front of the input buffer (px_conn_process consumes it
 * after its handler): messages after it are read by offset, from 5 + its body length on. */
static size_t after(const pgw_msg *m) {
  return 5 + m->len;
}

/* Decodes the message at offset *at of the buffered input and moves *at past it. */
static bool msg_at(const px_conn *c, size_t *at, pgw_msg *out) {
  const uint8_t *base = pgw_buf_data(&c->in);
  size_t total = pgw_buf_len(&c->in);
  if (*at >= total) {
    return false;
  }
  size_t used = 0;
  int64_t mms = px_conn_conf(c)->redwire.max_message_size;
  uint32_t max = mms > UINT32_MAX ? UINT32_MAX : (uint32_t)mms;
  if (pgw_decode_frontend(base + *at, total - *at, PGW_PHASE_NORMAL, max, out, &used) != PGW_OK) {
    return false;
  }
  *at += used;
  return true;
}

/* The message after *m is an Execute of the portal `name`; *max_rows gets its limit. */
static bool execute_follows(const px_conn *c, const pgw_msg *m, const char *name,
                            int32_t *max_rows) {
  size_t at = after(m);
  pgw_msg n;
  pgw_fe_execute ex;
  if (!msg_at(c, &at, &n) || n.type != PGW_FE_EXECUTE || pgw_decode_execute(&n, &ex) != PGW_OK) {
    return false;
  }
  *max_rows = ex.max_rows;
  return strcmp(ex.portal.ptr, name) == 0;
}

/* Another statement will run before the next Sync: an Execute of another portal, or of this
 * one after a Bind has replaced it, is buffered after *m. Executes that resume the portal `name`
 * (row limits, the one fused with a Describe) run no statement and do not count. */
static bool another_execute(const px_conn *c, const pgw_msg *m, const char *name) {
  size_t at = after(m);
  pgw_msg n;
  bool rebound = false;
  while (msg_at(c, &at, &n)) {
    if (n.type == PGW_FE_SYNC || n.type == PGW_FE_QUERY) {
      return false;
    }
    pgw_fe_bind b;
    if (n.type == PGW_FE_BIND && pgw_decode_bind(&n, &b) == PGW_OK &&
        strcmp(b.portal.ptr, name) == 0) {
      rebound = true;
    }
    pgw_fe_execute ex;
    if (n.type == PGW_FE_EXECUTE && pgw_decode_execute(&n, &ex) == PGW_OK &&
        (rebound || strcmp(ex.portal.ptr, name) != 0)) {
      return true;
    }
  }
  return false;
}

/* ---- Parse ---- */

/* SQL spellings of type names that the Data API's names (px_types) do not cover. */
static const char *const type_alias[][2] = {
    {"integer", "int4"}, {"int", "int4"},         {"bigint", "int8"},  {"smallint", "int2"},
    {"boolean", "bool"}, {"real", "float4"},      {"float", "float8"}, {"decimal", "numeric"},
    {"char", "bpchar"},  {"character", "bpchar"},
};

/* The type of an undeclared parameter written `$n::type` (the cast PostgreSQL would infer it
 * from), or 0. Only names that px_types knows count; everything else stays unspecified. */
static uint32_t cast_type(const pgw_lexer *lx, pgw_lexer *ahead) {
  pgw_tok t;
  do {
    if (pgw_lex_next(ahead, &t, NULL) != PGW_OK) {
      return 0;
    }
  } while (t.kind == PGW_TOK_SPACE || t.kind == PGW_TOK_COMMENT);
  if (t.kind != PGW_TOK_PUNCT || t.len != 2 || memcmp(lx->sql + t.off, "::", 2) != 0) {
    return 0;
  }
  do {
    if (pgw_lex_next(ahead, &t, NULL) != PGW_OK) {
      return 0;
    }
  } while (t.kind == PGW_TOK_SPACE || t.kind == PGW_TOK_COMMENT);
  if (t.kind != PGW_TOK_IDENT) {
    return 0;
  }
  const char *name = lx->sql + t.off;
  size_t len = t.len;
  for (size_t i = 0; i < sizeof type_alias / sizeof type_alias[0]; i++) {
    if (pgw_tok_is(lx, &t, type_alias[i][0])) {
      name = type_alias[i][1];
      len = strlen(name);
      break;
    }
  }
  px_coltype ct = px_types_from_dataapi(name, len, 0, 0);
  bool is_text = len == 4 && strncasecmp(name, "text", 4) == 0;
  return ct.oid != PX_OID_TEXT || is_text ? ct.oid : 0;
}

static void infer_param_types(px_ext_stmt *s) {
  pgw_lexer lx;
  pgw_lex_init(&lx, s->sql, s->len);
  pgw_tok t;
  while (pgw_lex_next(&lx, &t, NULL) == PGW_OK && t.kind != PGW_TOK_EOF) {
    if (t.kind != PGW_TOK_PARAM || t.param == 0 || t.param > s->nparams ||
        s->param_oids[t.param - 1] != 0) {
      continue;
    }
    pgw_lexer ahead = lx;
    s->param_oids[t.param - 1] = cast_type(&lx, &ahead);
  }
}

/* PostgreSQL's IsTransactionExitStmt: what a failed block still accepts. */
static bool exits_block(const pgw_sql_cmd *cmd) {
  return cmd->txn == PGW_TXN_OP_COMMIT || cmd->txn == PGW_TXN_OP_ROLLBACK ||
         cmd->txn == PGW_TXN_OP_ROLLBACK_TO || cmd->txn == PGW_TXN_OP_PREPARE;
}

static void refuse_aborted(px_conn *c) {
  pgw_error e;
  pgw_error_set(&e, "ERROR", "25P02",
                "current transaction is aborted, commands ignored until end of transaction block");
  ext_error(c, &e);
}

static void on_parse(px_conn *c, const pgw_msg *m) {
  pgw_fe_parse p;
  if (pgw_decode_parse(m, &p) != PGW_OK) {
    violation(c, "Parse");
    return;
  }
  pgw_error e;
  if (p.name.len > 0 && px_ext__find_stmt(c, p.name.ptr) != NULL) {
    pgw_error_set(&e, "ERROR", "42P05", "prepared statement \"%s\" already exists", p.name.ptr);
    ext_error(c, &e);
    return;
  }
  pgw_sql_stmt parts[2];
  size_t n = 0;
  pgw_rc rc = pgw_sql_split(p.sql.ptr, p.sql.len, parts, 2, &n, &e);
  if (rc == PGW_ETOOBIG || (rc == PGW_OK && n > 1)) {
    pgw_error_set(&e, "ERROR", "42601",
                  "cannot insert multiple commands into a prepared statement");
    ext_error(c, &e);
    return;
  }
  if (rc != PGW_OK) {
    ext_error(c, &e);
    return;
  }
  px_ext_stmt *s = calloc(1, sizeof(*s));
  if (s == NULL) {
    oom(c);
    return;
  }
  s->empty = n == 0;
  const char *text = s->empty ? "" : p.sql.ptr + parts[0].off;
  size_t len = s->empty ? 0 : parts[0].len;
  s->name = strdup(p.name.ptr);
  s->sql = strndup(text, len);
  s->len = len;
  if (s->name == NULL || s->sql == NULL) {
    px_ext__stmt_free(s);
    oom(c);
    return;
  }
  uint32_t max_n = 0;
  if (!s->empty) {
    size_t count = 0;
    if (pgw_sql_command(s->sql, len, &s->cmd, &e) != PGW_OK ||
        pgw_sql_placeholders(s->sql, len, NULL, 0, &count, &max_n, &e) != PGW_OK) {
      px_ext__stmt_free(s);
      ext_error(c, &e);
      return;
    }
  }
  if (c->txn == PGW_TXN_FAILED && !s->empty && !exits_block(&s->cmd)) {
    px_ext__stmt_free(s);
    refuse_aborted(c);
    return;
  }
  s->nparams = p.nparams > max_n ? p.nparams : (uint16_t)max_n;
  if (s->nparams > 0) {
    s->param_oids = calloc(s->nparams, sizeof(*s->param_oids));
    if (s->param_oids == NULL) {
      px_ext__stmt_free(s);
      oom(c);
      return;
    }
    for (uint16_t i = 0; i < p.nparams; i++) {
      s->param_oids[i] = pgw_parse_param_oid(&p, i);
    }
    infer_param_types(s);
  }
  const char *local_col = s->empty ? NULL : px_session_local_column(s->sql, s->len);
  if (local_col != NULL) {
    /* A SHOW redwire answers itself: its one text column is known without a call. */
    px_column col = {.name = local_col, .type = {.oid = PX_OID_TEXT, .typlen = -1, .typmod = -1}};
    if (!px_ext__cols_copy(&s->cols, &col, 1, true)) {
      px_ext__stmt_free(s);
      oom(c);
      return;
    }
  }
  if (s->name[0] == '\0') {
    px_ext__drop_stmt(c, ""); /* the unnamed statement is replaced */
  }
  s->next = c->work->ext.stmts;
  c->work->ext.stmts = s;
  send_simple(c, '1');
}

/* ---- Bind ---- */

/* The statement with every parameter as a NULL (cast to its type when declared). */
static char *with_nulls(const px_ext_stmt *s, pgw_error *e) {
  px_param_sql r = {0};
  const char **nulls = s->nparams > 0 ? calloc(s->nparams, sizeof(*nulls)) : NULL;
  size_t *lens = s->nparams > 0 ? calloc(s->nparams, sizeof(*lens)) : NULL;
  char *q = NULL;
  if (s->nparams > 0 && (nulls == NULL || lens == NULL)) {
    pgw_error_set(e, "ERROR", "53200", "out of memory");
  } else if (px_param_render(s->sql, s->len, nulls, lens, s->param_oids, s->nparams, &r, e) ==
             PX_OK) {
    q = strndup(r.sql, r.sql_len);
    if (q == NULL) {
      pgw_error_set(e, "ERROR", "53200", "out of memory");
    }
  }
  free(nulls);
  free(lens);
  px_param_sql_free(&r);
  return q;
}

/* The statement with Bind's values as Data API parameters (px_param): each value to its text
 * form by its declared type and format, then $n → :pn (NULL and '' inlined). false after
 * reporting the error. */
static bool bind_values(px_conn *c, const px_ext_stmt *s, const pgw_fe_bind *b, px_param_sql *out) {
  pgw_error e;
  uint16_t n = b->nparams;
  pgw_buf texts;
  pgw_buf_init(&texts, (size_t)px_conn_conf(c)->redwire.max_message_size * 4 + 1024);
  size_t *offs = n > 0 ? calloc(n, sizeof(*offs)) : NULL;
  size_t *lens = n > 0 ? calloc(n, sizeof(*lens)) : NULL;
  const char **ptrs = n > 0 ? calloc(n, sizeof(*ptrs)) : NULL;
  bool *nulls = n > 0 ? calloc(n, sizeof(*nulls)) : NULL;
  bool ok = n == 0 || (offs != NULL && lens != NULL && ptrs != NULL && nulls != NULL);
  if (!ok) {
    pgw_error_set(&e, "ERROR", "53200", "out of memory");
  }
  pgw_bind_iter it;
  pgw_bind_iter_init(&it, b);
  pgw_bind_value v;
  while (ok && pgw_bind_iter_next(&it, &v)) {
    nulls[v.index] = v.is_null;
    if (v.is_null) {
      continue;
    }
    px_param_in in = {.data = v.ptr,
                      .len = (int32_t)v.len,
                      .format = v.format,
                      .type_oid = s->param_oids[v.index]};
    offs[v.index] = pgw_buf_len(&texts);
    px_status st = px_param_text(&in, v.index, &texts, &e);
    if (st == PX_NOMEM) {
      pgw_error_set(&e, "ERROR", "53200", "out of memory");
    } else if (st == PX_TOOBIG) {
      pgw_error_set(&e, "ERROR", "54000", "bind parameters are too large");
    }
    ok = st == PX_OK;
    lens[v.index] = pgw_buf_len(&texts) - offs[v.index];
  }
  if (ok) {
    /* The buffer may have moved while it grew: point into it only now. */
    for (uint16_t i = 0; i < n; i++) {
      ptrs[i] = nulls[i] ? NULL : (const char *)pgw_buf_data(&texts) + offs[i];
      if (!nulls[i] && lens[i] == 0) {
        ptrs[i] = ""; /* empty: pgw_buf_data may be NULL when nothing was written */
      }
    }
    ok = px_param_render(s->sql, s->len, ptrs, lens, s->param_oids, n, out, &e) == PX_OK;
  }
  free(offs);
  free(lens);
  free(ptrs);
  free(nulls);
  pgw_buf_free(&texts);
  if (!ok) {
    ext_error(c, &e);
  }
  return ok;
}

static void on_bind(px_conn *c, const pgw_msg *m) {
  pgw_fe_bind b;
  if (pgw_decode_bind(m, &b) != PGW_OK) {
    violation(c, "Bind");
    return;
  }
  pgw_error e;
  px_ext_stmt *s = px_ext__find_stmt(c, b.statement.ptr);
  if (s == NULL) {
    pgw_error_set(&e, "ERROR", "26000", "prepared statement \"%s\" does not exist",
                  b.statement.ptr);
    ext_error(c, &e);
    return;
  }
  if (b.portal.len > 0 && px_ext__find_portal(c, b.portal.ptr) != NULL) {
    pgw_error_set(&e, "ERROR", "42P03", "portal \"%s\" already exists", b.portal.ptr);
    ext_error(c, &e);
    return;
  }
  if (b.nparams != s->nparams) {
    pgw_error_set(&e, "ERROR", "08P01",
                  "bind message supplies %u parameters, but prepared statement \"%s\" requires %u",
                  (unsigned)b.nparams, s->name, (unsigned)s->nparams);
    ext_error(c, &e);
    return;
  }
  if (c->txn == PGW_TXN_FAILED && !s->empty && !exits_block(&s->cmd)) {
    refuse_aborted(c);
    return;
  }
  px_ext_portal *p = calloc(1, sizeof(*p));
  if (p == NULL) {
    oom(c);
    return;
  }
  p->name = strdup(b.portal.ptr);
  p->empty = s->empty;
  p->cmd = s->cmd;
  p->ncodes = b.nresult_formats;
  if (p->ncodes > 0) {
    p->codes = malloc(p->ncodes * sizeof(*p->codes));
  }
  if (p->name == NULL || (p->ncodes > 0 && p->codes == NULL)) {
    px_ext__portal_free(p);
    oom(c);
    return;
  }
  for (uint16_t i = 0; i < p->ncodes; i++) {
    p->codes[i] = pgw_bind_result_format(&b, i);
  }
  if (!s->empty && !bind_values(c, s, &b, &p->run)) {
    px_ext__portal_free(p);
    return;
  }
  if (!s->empty && s->nparams > 0 && strcmp(s->cmd.tag, "DECLARE CURSOR") == 0) {
    p->declare_sql = with_nulls(s, &e);
    if (p->declare_sql == NULL) {
      px_ext__portal_free(p);
      ext_error(c, &e);
      return;
    }
  }
  if (s->empty || !(s->cmd.returns_rows || s->cmd.tag[0] == '\0')) {
    /* Known not to return rows: Describe answers NoData without running it. */
    p->cols.known = true;
    p->cols.has_rows = false;
  } else if (s->cols.known) {
    /* As PostgreSQL, where the columns are known at Bind (a described statement); otherwise the
     * run checks them when they arrive (px_sink). */
    if (s->cols.has_rows && !px_text_format_count_ok(p->ncodes, s->cols.n, &e)) {
      px_ext__portal_free(p);
      ext_error(c, &e);
      return;
    }
    if (!px_ext__cols_copy(&p->cols, s->cols.cols, s->cols.n, s->cols.has_rows)) {
      px_ext__portal_free(p);
      oom(c);
      return;
    }
  }
  if (p->name[0] == '\0') {
    px_ext__drop_portal(c, ""); /* the unnamed portal is replaced */
  }
  p->next = c->work->ext.portals;
  c->work->ext.portals = p;
  send_simple(c, '2');
}

/* ---- running a portal ---- */

/* Encoded rows all portals of a connection keep beyond their row limits, at most; what does not
 * fit is fetched again later. Half of max_message_size at most, so that handing held rows to
 * the output buffer (whose cap exceeds the high-water mark by max_message_size) cannot fail. */
#define PX_EXT_HOLD_MAX (16u << 20)

static size_t hold_budget(const px_conn *c, const px_ext_portal *p) {
  size_t budget = (size_t)px_conn_conf(c)->redwire.max_message_size / 2;
  budget = budget < PX_EXT_HOLD_MAX ? budget : PX_EXT_HOLD_MAX;
  for (const px_ext_portal *q = c->work->ext.portals; q != NULL; q = q->next) {
    size_t used = q != p ? pgw_buf_len(&q->held) : 0;
    budget = used < budget ? budget - used : 0;
  }
  return budget;
}

static void start_run(px_conn *c, px_ext_portal *p, bool send_rowdesc, uint64_t limit) {
  px_ext *x = &c->work->ext;
  pgw_error e;
  px_run_opts o = {.send_rowdesc = send_rowdesc,
                   .limit = limit,
                   .codes = p->codes,
                   .ncodes = p->ncodes,
                   .hold_cap = hold_budget(c, p)};
  x->cur = p;
  px_conn_set_state(c, PX_CONN_BUSY);
  px_status st;
  if (p->state == PX_PORTAL_SUSPENDED) {
    st = px_runner_resume(c, p->stmt_id, p->token, p->skip, &o, &e);
  } else {
    const char *sql = x->as_rollback ? "ROLLBACK" : p->run.sql;
    size_t len = x->as_rollback ? strlen("ROLLBACK") : p->run.sql_len;
    size_t np = x->as_rollback ? 0 : p->run.n_params;
    bool need_count = !x->as_rollback && p->cmd.style != PGW_TAG_PLAIN;
    bool allow_new = c->txn == PGW_TXN_IDLE && x->imp == PX_IMPLICIT_NONE;
    st = px_runner_start_ext(c, sql, len, p->run.params, np, &o, allow_new, need_count, &e);
  }
  if (st != PX_OK) {
    ext_error(c, &e);
    px_conn_continue(c);
  }
}

/* Hands up to limit of the portal's held DataRows to the client; returns how many. */
static uint64_t serve_held(px_conn *c, px_ext_portal *p, uint64_t limit) {
  const uint8_t *d = pgw_buf_data(&p->held);
  size_t len = pgw_buf_len(&p->held), at = 0;
  uint64_t n = 0;
  while (n < limit && n < p->held_rows && at + 5 <= len) {
    uint32_t mlen = (uint32_t)d[at + 1] << 24 | (uint32_t)d[at + 2] << 16 |
                    (uint32_t)d[at + 3] << 8 | d[at + 4];
    at += 1 + (size_t)mlen;
    n++;
  }
  if (n == 0) {
    return 0;
  }
  if (pgw_buf_append(&c->out, d, at) != PGW_OK) {
    /* Cannot happen while held stays under its cap (see px_runner.c); if it did, the rows
     * would be lost: end the connection rather than skip them silently. */
    px_conn_close(c, "output buffer full while resuming a portal");
    return 0;
  }
  pgw_buf_consume(&p->held, at);
  p->held_rows -= n;
  if (p->held_rows == 0) {
    pgw_buf_free(&p->held);
  }
  return n;
}

/* Runs portal p for an Execute (limit) or its Describe (send_rowdesc), with PostgreSQL's
 * transaction rules. m is the message being handled (for the lookahead). */
static void run_portal(px_conn *c, px_ext_portal *p, const pgw_msg *m, bool send_rowdesc,
                       uint64_t limit) {
  px_ext *x = &c->work->ext;
  pgw_error e;
  x->as_rollback = false;
  if (p->state == PX_PORTAL_SUSPENDED) {
    if (c->txn == PGW_TXN_FAILED) {
      refuse_aborted(c);
      return;
    }
    uint64_t sent = serve_held(c, p, limit);
    if (c->state == PX_CONN_CLOSING) {
      return;
    }
    if (sent > 0 && (sent == limit || p->held_rows > 0)) {
      send_simple(c, 's'); /* the limit reached within the held rows: no call */
      if (p->held_rows == 0 && p->service_done) {
        p->state = PX_PORTAL_DONE;
      }
      return;
    }
    if (sent > 0 && p->service_done) {
      send_tag(c, &p->cmd, true, sent, false);
      p->state = PX_PORTAL_DONE;
      return;
    }
    x->pre_rows = sent;
    if (limit != UINT64_MAX) {
      limit -= sent;
    }
    x->step = send_rowdesc ? PX_EXT_DESCRIBE_P : PX_EXT_EXECUTE;
    start_run(c, p, send_rowdesc, limit);
    return;
  }
  switch (px_txn_check(c->txn, &p->cmd)) {
  case PX_TXN_REFUSE:
    refuse_aborted(c);
    return;
  case PX_TXN_RUN_AS_ROLLBACK:
    x->as_rollback = true;
    break;
  case PX_TXN_RUN:
  default:
    break;
  }
  if (x->imp == PX_IMPLICIT_OPEN && p->cmd.txn == PGW_TXN_OP_BEGIN) {
    /* BEGIN inside the implicit block turns it into a regular one (PostgreSQL does so
     * silently): the block is already open on the service. */
    if (send_rowdesc) {
      send_simple(c, 'n');
    }
    send_tag(c, &p->cmd, false, 0, false);
    x->imp = PX_IMPLICIT_NONE;
    c->txn = PGW_TXN_BLOCK;
    p->state = PX_PORTAL_DONE;
    if (send_rowdesc) {
      p->answered = x->fused;
    }
    return;
  }
  if (c->txn == PGW_TXN_IDLE && x->imp == PX_IMPLICIT_NONE && p->cmd.txn == PGW_TXN_OP_NONE &&
      another_execute(c, m, p->name)) {
    /* Several Executes before one Sync share a transaction, as in PostgreSQL. */
    x->step = PX_EXT_BEGIN;
    x->cur = p;
    x->after_begin_describe = send_rowdesc;
    x->after_begin_limit = limit;
    px_conn_set_state(c, PX_CONN_BUSY);
    px_run_opts o = {.send_rowdesc = false, .limit = UINT64_MAX};
    if (px_runner_start_ext(c, "BEGIN", 5, NULL, 0, &o, true, false, &e) != PX_OK) {
      ext_error(c, &e);
      px_conn_continue(c);
    }
    return;
  }
  bool rows = false;
  x->cur = p; /* DISCARD ALL keeps the portal running it */
  px_local_rc lr = x->as_rollback
                       ? PX_LOCAL_NO
                       : px_session_local(c, p->run.sql, p->run.sql_len,
                                          c->txn != PGW_TXN_IDLE || x->imp == PX_IMPLICIT_OPEN,
                                          false, &rows, &e);
  if (lr == PX_LOCAL_ERROR) {
    ext_error(c, &e);
    return;
  }
  if (lr == PX_LOCAL_DONE) {
    /* redwire's own setting: answered without a call (Describe saw its columns at Parse). */
    send_tag(c, &p->cmd, rows, rows ? 1 : 0, false);
    p->state = PX_PORTAL_DONE;
    p->answered = send_rowdesc && x->fused;
    x->cur = NULL;
    return;
  }
  x->step = send_rowdesc ? PX_EXT_DESCRIBE_P : PX_EXT_EXECUTE;
  start_run(c, p, send_rowdesc, limit);
}

static uint64_t limit_of(int32_t max_rows) {
  return max_rows <= 0 ? UINT64_MAX : (uint64_t)max_rows;
}

/* ---- Describe ---- */

static void run_zero_row(px_conn *c, const char *q, px_ext_cols *cols);

static void describe_portal(px_conn *c, const pgw_msg *m, const char *name) {
  pgw_error e;
  px_ext_portal *p = px_ext__find_portal(c, name);
  if (p == NULL) {
    px_ext_cursor *k = px_ext__find_cursor(c, name);
    if (k == NULL) {
      pgw_error_set(&e, "ERROR", "34000", "portal \"%s\" does not exist", name);
      ext_error(c, &e);
    } else if (k->cols.known) {
      send_cols(c, &k->cols, NULL, 0);
    } else {
      run_zero_row(c, k->describe_sql, &k->cols); /* an SQL cursor is a portal too */
    }
    return;
  }
  if (c->txn == PGW_TXN_FAILED && !(p->cols.known && !p->cols.has_rows)) {
    refuse_aborted(c); /* as PostgreSQL: no row description in a failed block */
    return;
  }
  if (p->cols.known) {
    send_cols(c, &p->cols, p->codes, p->ncodes);
    return;
  }
  int32_t max_rows = 0;
  c->work->ext.fused = execute_follows(c, m, name, &max_rows);
  if (c->work->ext.fused) {
    /* Describe + Execute in one run: RowDescription, the rows, the completion. */
    run_portal(c, p, m, true, limit_of(max_rows));
  } else {
    /* Describe alone: run for the columns, keep the rows on the service for the Execute. */
    run_portal(c, p, m, true, 0);
  }
}

/* The statement's zero-row form: its columns without its side effects, or NULL when there is
 * none (*e says why when it is an error). Parameters become NULL (typed when declared), as
 * they would be in a statement that cannot run yet. Owned by the caller. */
static char *zero_row_form(const px_ext_stmt *s, bool *wrappable, pgw_error *e) {
  bool show = strcmp(s->cmd.tag, "SHOW") == 0;
  *wrappable = show || (strcmp(s->cmd.tag, "SELECT") == 0 && s->cmd.returns_rows);
  if (!*wrappable) {
    return NULL;
  }
  char *q = with_nulls(s, e);
  if (q == NULL || show) {
    return q;
  }
  char *wrapped = px_ext__zero_row_sql(q, strlen(q));
  free(q);
  if (wrapped == NULL) {
    pgw_error_set(e, "ERROR", "53200", "out of memory");
  }
  return wrapped;
}

/* Runs a zero-row form q (copied) for its columns, which the sink sends as RowDescription and
 * px_ext_stmt_done keeps in *cols. */
static void run_zero_row(px_conn *c, const char *q, px_ext_cols *cols) {
  px_ext *x = &c->work->ext;
  pgw_error e;
  x->step = PX_EXT_DESCRIBE_S;
  x->dcols = cols;
  px_conn_set_state(c, PX_CONN_BUSY);
  px_run_opts o = {.send_rowdesc = true, .limit = 0};
  bool allow_new = c->txn == PGW_TXN_IDLE && x->imp == PX_IMPLICIT_NONE;
  if (px_runner_start_ext(c, q, strlen(q), NULL, 0, &o, allow_new, false, &e) != PX_OK) {
    ext_error(c, &e);
    px_conn_continue(c);
  }
}

static void describe_stmt(px_conn *c, const char *name) {
  pgw_error e;
  px_ext_stmt *s = px_ext__find_stmt(c, name);
  if (s == NULL) {
    pgw_error_set(&e, "ERROR", "26000", "prepared statement \"%s\" does not exist", name);
    ext_error(c, &e);
    return;
  }
  bool rows = !s->empty && (s->cmd.returns_rows || s->cmd.tag[0] == '\0');
  char *q = NULL;
  if (rows && c->txn == PGW_TXN_FAILED) {
    refuse_aborted(c); /* as PostgreSQL: a row-returning statement is not described there */
    return;
  }
  if (rows && !s->cols.known) {
    bool wrappable = false;
    q = zero_row_form(s, &wrappable, &e);
    if (q == NULL && !wrappable) {
      pgw_error_set(&e, "ERROR", "0A000", "redwire cannot describe a %s statement before it runs",
                    s->cmd.tag[0] != '\0' ? s->cmd.tag : "unrecognised");
      pgw_error_detail(&e, "Only SELECT, VALUES, TABLE, WITH … SELECT and SHOW can be described "
                           "without running them on the Data API.");
      pgw_error_hint(&e, "Bind the statement and describe the portal instead.");
    }
    if (q == NULL) {
      ext_error(c, &e);
      return;
    }
  }
  /* Unspecified parameter types are reported as text, the type PostgreSQL resolves an
   * undetermined parameter to. */
  uint32_t *oids = NULL;
  if (s->nparams > 0) {
    oids = malloc(s->nparams * sizeof(*oids));
    if (oids == NULL) {
      free(q);
      oom(c);
      return;
    }
    for (uint16_t i = 0; i < s->nparams; i++) {
      oids[i] = s->param_oids[i] != 0 ? s->param_oids[i] : PX_OID_TEXT;
    }
  }
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  pgw_enc_parameter_description(&w, oids, s->nparams);
  free(oids);
  if (!px_conn_check(c, &w, "ParameterDescription")) {
    free(q);
    return;
  }
  if (!rows) {
    free(q);
    send_simple(c, 'n');
    return;
  }
  if (s->cols.known) {
    send_cols(c, &s->cols, NULL, 0);
    return;
  }
  run_zero_row(c, q, &s->cols);
  free(q);
}

static void on_describe(px_conn *c, const pgw_msg *m) {
  pgw_fe_target t;
  if (pgw_decode_describe(m, &t) != PGW_OK) {
    violation(c, "Describe");
    return;
  }
  if (t.what == 'S') {
    describe_stmt(c, t.name.ptr);
  } else {
    describe_portal(c, m, t.name.ptr);
  }
}

/* ---- Execute ---- */

static void on_execute(px_conn *c, const pgw_msg *m) {
  pgw_fe_execute ex;
  if (pgw_decode_execute(m, &ex) != PGW_OK) {
    violation(c, "Execute");
    return;
  }
  pgw_error e;
  px_ext_portal *p = px_ext__find_portal(c, ex.portal.ptr);
  if (p == NULL) {
    pgw_error_set(&e, "ERROR", "34000", "portal \"%s\" does not exist", ex.portal.ptr);
    ext_error(c, &e);
    return;
  }
  if (p->answered) {
    p->answered = false; /* the Describe before it sent the rows and the completion */
    return;
  }
  if (p->empty) {
    send_simple(c, 'I');
    return;
  }
  if (p->state == PX_PORTAL_DONE) {
    send_tag(c, &p->cmd, p->cols.has_rows, p->pending_report ? p->pending_rows : 0, false);
    p->pending_report = false;
    p->pending_rows = 0;
    return;
  }
  c->work->ext.fused = false;
  run_portal(c, p, m, false, limit_of(ex.max_rows));
}

/* ---- Close, Sync ---- */

static void on_close(px_conn *c, const pgw_msg *m) {
  pgw_fe_target t;
  if (pgw_decode_close(m, &t) != PGW_OK) {
    violation(c, "Close");
    return;
  }
  /* Closing something that does not exist is not an error (PostgreSQL). */
  if (t.what == 'S') {
    px_ext__drop_stmt(c, t.name.ptr);
  } else {
    px_ext__drop_portal(c, t.name.ptr);
  }
  send_simple(c, '3');
}

static void sync_end(px_conn *c) {
  px_ext *x = &c->work->ext;
  x->step = PX_EXT_NONE;
  x->imp = PX_IMPLICIT_NONE;
  x->failed = false;
  x->cur = NULL;
  if (c->txn == PGW_TXN_IDLE) {
    px_ext__drop_portals(c, NULL); /* the implicit transaction ended with its portals */
  }
  px_conn_ready(c);
}

void px_ext_sync(px_conn *c) {
  px_ext *x = &c->work->ext;
  c->skip_to_sync = false;
  if (x->imp != PX_IMPLICIT_OPEN) {
    sync_end(c);
    return;
  }
  x->step = x->failed ? PX_EXT_SYNC_ROLLBACK : PX_EXT_SYNC_COMMIT;
  const char *sql = x->failed ? "ROLLBACK" : "COMMIT";
  pgw_error e;
  px_run_opts o = {.send_rowdesc = false, .limit = UINT64_MAX};
  px_conn_set_state(c, PX_CONN_BUSY);
  if (px_runner_start_ext(c, sql, strlen(sql), NULL, 0, &o, false, false, &e) != PX_OK) {
    (void)px_conn_send_error(c, &e);
    sync_end(c);
  }
}

void px_ext_on_message(px_conn *c, const pgw_msg *m) {
  switch (m->type) {
  case PGW_FE_PARSE:
    on_parse(c, m);
    return;
  case PGW_FE_BIND:
    on_bind(c, m);
    return;
  case PGW_FE_DESCRIBE:
    on_describe(c, m);
    return;
  case PGW_FE_EXECUTE:
    on_execute(c, m);
    return;
  case PGW_FE_CLOSE:
    on_close(c, m);
    return;
  case PGW_FE_FLUSH:
  default:
    return; /* output is flushed after every batch anyway */
  }
}

/* ---- outcomes ---- */

/* A run of portal p ended well: remember its columns and where its rows stand. */
static bool portal_ran(px_conn *c, px_ext_portal *p, const px_outcome *o) {
  if (!p->cols.known &&
      !px_ext__cols_copy(&p->cols, o->cols, o->has_result_set ? o->ncols : 0, o->has_result_set)) {
    return false;
  }
  free(p->token);
  p->token = NULL;
  if (o->held != NULL && o->held_rows > 0) {
    pgw_buf_free(&p->held);
    p->held = *o->held; /* moved: the runner frees an empty buffer */
    pgw_buf_init(o->held, 0);
    p->held_rows = o->held_rows;
  }
  p->service_done = o->at_end;
  if (p->held_rows > 0 && o->at_end) {
    p->state = PX_PORTAL_SUSPENDED; /* only its held rows are left */
  } else if (o->suspended && !o->at_end) {
    if (p->stmt_id == NULL) {
      p->stmt_id = o->stmt_id != NULL ? strdup(o->stmt_id) : NULL;
    }
    p->token = o->resume_token != NULL ? strdup(o->resume_token) : NULL;
    if (p->stmt_id == NULL || (o->resume_token != NULL && p->token == NULL)) {
      return false;
    }
    p->skip = o->resume_skip;
    p->state = PX_PORTAL_SUSPENDED;
  } else {
    p->state = PX_PORTAL_DONE;
  }
  return true;
}

static void execute_done(px_conn *c, px_outcome *o, bool describe) {
  px_ext *x = &c->work->ext;
  px_ext_portal *p = x->cur;
  uint64_t pre = x->pre_rows;
  x->pre_rows = 0;
  if (o->kind != PX_OUT_OK) {
    ext_error(c, &o->err);
    return;
  }
  if (describe && !o->has_result_set) {
    send_simple(c, 'n'); /* ran for its Describe, but returns no rows */
  }
  if (!portal_ran(c, p, o)) {
    oom(c);
    return;
  }
  if (describe && !x->fused) {
    /* Describe alone: the Execute to come reports the rows (or resumes the result). */
    if (p->state == PX_PORTAL_DONE) {
      p->pending_report = true;
      p->pending_rows = o->has_result_set ? 0 : o->rows;
    }
    return;
  }
  if (o->suspended) {
    send_simple(c, 's');
  } else {
    send_tag(c, &p->cmd, o->has_result_set, pre + o->rows, x->as_rollback);
    pgw_txn_status was = c->txn;
    c->txn = x->as_rollback ? PGW_TXN_IDLE : px_txn_after_success(c->txn, &p->cmd);
    x->imp = px_txn_implicit_after(x->imp, &p->cmd);
    if (!x->as_rollback) {
      /* A DECLARE is recorded with its parameters as NULLs: its row shape is all Describe
       * needs, and values are never kept. */
      const char *done_sql = p->declare_sql != NULL ? p->declare_sql : p->run.sql;
      px_session_after_success(c, done_sql, strlen(done_sql));
    }
    if (was != PGW_TXN_IDLE && c->txn == PGW_TXN_IDLE) {
      px_ext__drop_portals(c, p); /* COMMIT/ROLLBACK ended the block: its other portals too */
    }
  }
  p->answered = describe && x->fused;
}

void px_ext_stmt_done(px_conn *c, px_outcome *o) {
  px_ext *x = &c->work->ext;
  if (o->kind == PX_OUT_FATAL) {
    px_conn_fatal(c, &o->err);
    return;
  }
  px_ext_step step = x->step;
  x->step = PX_EXT_NONE;
  switch (step) {
  case PX_EXT_BEGIN:
    if (o->kind != PX_OUT_OK) {
      ext_error(c, &o->err);
      break;
    }
    x->imp = PX_IMPLICIT_OPEN;
    x->step = x->after_begin_describe ? PX_EXT_DESCRIBE_P : PX_EXT_EXECUTE;
    start_run(c, x->cur, x->after_begin_describe, x->after_begin_limit);
    return;
  case PX_EXT_EXECUTE:
  case PX_EXT_DESCRIBE_P:
    execute_done(c, o, step == PX_EXT_DESCRIBE_P);
    break;
  case PX_EXT_DESCRIBE_S:
    if (o->kind != PX_OUT_OK) {
      ext_error(c, &o->err);
    } else {
      if (!o->has_result_set) {
        send_simple(c, 'n');
      }
      if (!px_ext__cols_copy(x->dcols, o->cols, o->has_result_set ? o->ncols : 0,
                             o->has_result_set)) {
        oom(c);
      }
    }
    x->dcols = NULL;
    break;
  case PX_EXT_SYNC_COMMIT:
  case PX_EXT_SYNC_ROLLBACK:
    if (o->kind != PX_OUT_OK) {
      (void)px_conn_send_error(c, &o->err);
      if (step == PX_EXT_SYNC_COMMIT) {
        /* Nothing of the block may stay open: roll back what a failed COMMIT left. */
        x->failed = true;
        px_ext_sync(c);
        return;
      }
      c->txn = PGW_TXN_IDLE;
    }
    sync_end(c);
    return;
  case PX_EXT_NONE:
  default:
    break;
  }
  x->cur = NULL;
  px_conn_continue(c);
}
