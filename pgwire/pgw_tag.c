/* Lexical statement classification for command tags (see pgw_tag.h). */
#include "pgw_tag.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pgw_sql.h"

/* A cursor over the significant tokens of one statement. */
typedef struct cur {
  pgw_lexer lx;
  pgw_error *err;
} cur;

/* Next token that is not whitespace or a comment; a ';' reads as the end. */
static pgw_rc sig(cur *c, pgw_tok *t) {
  for (;;) {
    pgw_rc rc = pgw_lex_next(&c->lx, t, c->err);
    if (rc != PGW_OK)
      return rc;
    if (t->kind == PGW_TOK_SEMI)
      t->kind = PGW_TOK_EOF;
    if (t->kind != PGW_TOK_SPACE && t->kind != PGW_TOK_COMMENT)
      return PGW_OK;
  }
}

static bool is(const cur *c, const pgw_tok *t, const char *w) {
  return pgw_tok_is(&c->lx, t, w);
}

static void set(pgw_sql_cmd *cmd, const char *tag, pgw_tag_style style, bool rows) {
  snprintf(cmd->tag, sizeof cmd->tag, "%s", tag);
  cmd->style = style;
  cmd->returns_rows = rows;
}

/* Appends " WORD" (upper-cased identifier) to the tag; silently stops at the tag's size, which
 * only an absurd object name could reach. */
static void append_word(pgw_sql_cmd *cmd, const cur *c, const pgw_tok *t) {
  size_t n = strlen(cmd->tag);
  if (n > 0 && n + 1 < sizeof cmd->tag)
    cmd->tag[n++] = ' ';
  for (size_t i = 0; i < t->len && n + 1 < sizeof cmd->tag; i++) {
    char ch = c->lx.sql[t->off + i];
    cmd->tag[n++] = (char)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
  }
  cmd->tag[n] = '\0';
}

/* What a scan of the rest of the statement, at the verb's parenthesis level, found. */
typedef struct found {
  bool as, into, returning, on;
  bool no_data_tail; /* the statement ends with WITH NO DATA */
} found;

static pgw_rc scan_rest(cur *c, found *f) {
  memset(f, 0, sizeof *f);
  int level = 0;
  /* The last three tokens at level 0, as WITH / NO / DATA matches. */
  bool w_with = false, w_no = false;
  for (;;) {
    pgw_tok t;
    pgw_rc rc = sig(c, &t);
    if (rc != PGW_OK)
      return rc;
    if (t.kind == PGW_TOK_EOF)
      return PGW_OK;
    if (t.kind == PGW_TOK_LPAREN) {
      level++;
    } else if (t.kind == PGW_TOK_RPAREN) {
      if (--level < 0)
        return PGW_OK; /* the parenthesis that enclosed the verb closes */
    }
    if (level != 0 || t.kind == PGW_TOK_RPAREN) {
      w_with = w_no = false;
      f->no_data_tail = false;
      continue;
    }
    f->as |= is(c, &t, "as");
    f->into |= is(c, &t, "into");
    f->returning |= is(c, &t, "returning");
    f->on |= is(c, &t, "on");
    f->no_data_tail = w_no && is(c, &t, "data");
    w_no = w_with && is(c, &t, "no");
    w_with = is(c, &t, "with");
  }
}

static pgw_rc classify_verb(cur *c, const pgw_tok *verb, pgw_sql_cmd *cmd);

/* Words of the object type after CREATE/ALTER/DROP and its modifiers. */
static size_t object_words(const cur *c, const pgw_tok *w1, const pgw_tok *w2) {
  if (is(c, w1, "materialized") || is(c, w1, "event") || is(c, w1, "access") || is(c, w1, "large"))
    return 2;
  if (is(c, w1, "foreign"))
    return is(c, w2, "data") ? 3 : 2;
  if (is(c, w1, "text"))
    return 3; /* TEXT SEARCH CONFIGURATION/DICTIONARY/PARSER/TEMPLATE */
  if (is(c, w1, "operator"))
    return is(c, w2, "class") || is(c, w2, "family") ? 2 : 1;
  if (is(c, w1, "default"))
    return is(c, w2, "privileges") ? 2 : 1;
  if (is(c, w1, "user"))
    return is(c, w2, "mapping") ? 2 : 1;
  return 1;
}

static bool create_modifier(const cur *c, const pgw_tok *t, const pgw_tok *next) {
  static const char *const mods[] = {"or",        "replace", "temp",       "temporary",
                                     "global",    "local",   "unlogged",   "unique",
                                     "recursive", "trusted", "procedural", "constraint"};
  for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
    if (is(c, t, mods[i]))
      return true;
  }
  /* CREATE DEFAULT CONVERSION, but ALTER DEFAULT PRIVILEGES. */
  return is(c, t, "default") && is(c, next, "conversion");
}

static pgw_rc classify_ddl(cur *c, const pgw_tok *verb, pgw_sql_cmd *cmd) {
  bool create = is(c, verb, "create");
  pgw_tok w[3];
  pgw_rc rc = sig(c, &w[0]);
  if (rc == PGW_OK)
    rc = sig(c, &w[1]);
  while (rc == PGW_OK && create && create_modifier(c, &w[0], &w[1])) {
    w[0] = w[1];
    rc = sig(c, &w[1]);
  }
  if (rc != PGW_OK)
    return rc;
  set(cmd, "", PGW_TAG_PLAIN, false);
  append_word(cmd, c, verb);
  if (w[0].kind != PGW_TOK_IDENT)
    return PGW_OK;
  if (is(c, &w[0], "user") && !is(c, &w[1], "mapping")) {
    snprintf(cmd->tag + strlen(cmd->tag), sizeof cmd->tag - strlen(cmd->tag), " ROLE");
    return PGW_OK;
  }
  if (is(c, &w[0], "group")) {
    snprintf(cmd->tag + strlen(cmd->tag), sizeof cmd->tag - strlen(cmd->tag), " ROLE");
    return PGW_OK;
  }
  size_t n = object_words(c, &w[0], &w[1]);
  append_word(cmd, c, &w[0]);
  if (n >= 2 && w[1].kind == PGW_TOK_IDENT)
    append_word(cmd, c, &w[1]);
  if (n == 3) {
    rc = sig(c, &w[2]);
    if (rc != PGW_OK)
      return rc;
    if (w[2].kind == PGW_TOK_IDENT)
      append_word(cmd, c, &w[2]);
  }
  bool table = is(c, &w[0], "table");
  bool matview = is(c, &w[0], "materialized");
  if (create && (table || matview)) {
    /* CREATE TABLE AS / CREATE MATERIALIZED VIEW report SELECT n, unless WITH NO DATA. The AS
     * is at the statement's own level: a generated column's AS is inside parentheses. */
    found f;
    rc = scan_rest(c, &f);
    if (rc != PGW_OK)
      return rc;
    if (f.as && !f.no_data_tail)
      set(cmd, "SELECT", PGW_TAG_COUNT, false);
    else if (f.as && table)
      set(cmd, "CREATE TABLE AS", PGW_TAG_PLAIN, false);
  }
  return PGW_OK;
}

/* WITH: the main statement is the first SELECT/INSERT/UPDATE/DELETE/MERGE/VALUES/TABLE at the
 * WITH's level, or a '(' right after a CTE body's ')' (the CTE header itself has '(' only after
 * a name, AS or MATERIALIZED). */
static pgw_rc classify_with(cur *c, pgw_sql_cmd *cmd) {
  static const char *const verbs[] = {"select", "insert", "update", "delete",
                                      "merge",  "values", "table"};
  int level = 0;
  bool after_rparen = false;
  for (;;) {
    pgw_tok t;
    pgw_rc rc = sig(c, &t);
    if (rc != PGW_OK)
      return rc;
    if (t.kind == PGW_TOK_EOF || (t.kind == PGW_TOK_RPAREN && level == 0))
      break;
    if (level == 0) {
      if (t.kind == PGW_TOK_LPAREN && after_rparen)
        return classify_verb(c, &t, cmd);
      for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        if (is(c, &t, verbs[i]))
          return classify_verb(c, &t, cmd);
      }
    }
    if (t.kind == PGW_TOK_LPAREN)
      level++;
    else if (t.kind == PGW_TOK_RPAREN)
      level--;
    after_rparen = t.kind == PGW_TOK_RPAREN && level == 0;
  }
  set(cmd, "", PGW_TAG_PLAIN, false); /* WITH without a statement: PostgreSQL's syntax error */
  return PGW_OK;
}

/* COMMIT/ROLLBACK [WORK|TRANSACTION] [AND [NO] CHAIN | TO [SAVEPOINT] x | PREPARED 'id']. */
static pgw_rc classify_txn_end(cur *c, bool commit, pgw_sql_cmd *cmd) {
  set(cmd, commit ? "COMMIT" : "ROLLBACK", PGW_TAG_PLAIN, false);
  cmd->txn = commit ? PGW_TXN_OP_COMMIT : PGW_TXN_OP_ROLLBACK;
  pgw_tok t;
  pgw_rc rc = sig(c, &t);
  if (rc != PGW_OK)
    return rc;
  if (is(c, &t, "prepared")) {
    set(cmd, commit ? "COMMIT PREPARED" : "ROLLBACK PREPARED", PGW_TAG_PLAIN, false);
    cmd->txn = PGW_TXN_OP_NONE; /* acts on a prepared transaction, not on this session's */
    return PGW_OK;
  }
  if (is(c, &t, "work") || is(c, &t, "transaction")) {
    if ((rc = sig(c, &t)) != PGW_OK)
      return rc;
  }
  if (!commit && is(c, &t, "to")) {
    cmd->txn = PGW_TXN_OP_ROLLBACK_TO;
    return PGW_OK;
  }
  if (is(c, &t, "and")) {
    if ((rc = sig(c, &t)) != PGW_OK)
      return rc;
    cmd->and_chain = is(c, &t, "chain");
  }
  return PGW_OK;
}

/* GRANT/REVOKE privileges ON objects, or GRANT/REVOKE role TO/FROM roles (no ON). */
static pgw_rc classify_grant(cur *c, const pgw_tok *verb, pgw_sql_cmd *cmd) {
  found f;
  pgw_rc rc = scan_rest(c, &f);
  if (rc != PGW_OK)
    return rc;
  set(cmd, "", PGW_TAG_PLAIN, false);
  append_word(cmd, c, verb);
  if (!f.on)
    snprintf(cmd->tag + strlen(cmd->tag), sizeof cmd->tag - strlen(cmd->tag), " ROLE");
  return PGW_OK;
}

/* Verbs whose tag is fixed text; everything else that is not special below uses its own
 * upper-cased first word (LISTEN, CHECKPOINT, VACUUM, ... and Redshift's UNLOAD). */
static const struct {
  const char *verb;
  const char *tag;
  pgw_tag_style style;
  bool rows;
} fixed[] = {
    {"values", "SELECT", PGW_TAG_COUNT, true},
    {"table", "SELECT", PGW_TAG_COUNT, true},
    {"copy", "COPY", PGW_TAG_COUNT, false},
    {"fetch", "FETCH", PGW_TAG_COUNT, true},
    {"move", "MOVE", PGW_TAG_COUNT, false},
    {"show", "SHOW", PGW_TAG_PLAIN, true},
    {"explain", "EXPLAIN", PGW_TAG_PLAIN, true},
    {"truncate", "TRUNCATE TABLE", PGW_TAG_PLAIN, false},
    {"declare", "DECLARE CURSOR", PGW_TAG_PLAIN, false},
    {"analyse", "ANALYZE", PGW_TAG_PLAIN, false},
    {"lock", "LOCK TABLE", PGW_TAG_PLAIN, false},
    {"reassign", "REASSIGN OWNED", PGW_TAG_PLAIN, false},
    {"refresh", "REFRESH MATERIALIZED VIEW", PGW_TAG_PLAIN, false},
    {"security", "SECURITY LABEL", PGW_TAG_PLAIN, false},
    {"import", "IMPORT FOREIGN SCHEMA", PGW_TAG_PLAIN, false},
};

static pgw_rc classify_verb(cur *c, const pgw_tok *verb, pgw_sql_cmd *cmd) {
  pgw_tok t = *verb;
  pgw_rc rc;
  while (t.kind == PGW_TOK_LPAREN) {
    if ((rc = sig(c, &t)) != PGW_OK)
      return rc;
  }
  set(cmd, "", PGW_TAG_PLAIN, false);
  if (t.kind != PGW_TOK_IDENT)
    return PGW_OK; /* not a statement PostgreSQL would accept either */

  if (is(c, &t, "select") || is(c, &t, "insert") || is(c, &t, "update") || is(c, &t, "delete") ||
      is(c, &t, "merge")) {
    bool select = is(c, &t, "select");
    found f;
    if ((rc = scan_rest(c, &f)) != PGW_OK)
      return rc;
    append_word(cmd, c, &t);
    cmd->style = is(c, &t, "insert") ? PGW_TAG_INSERT : PGW_TAG_COUNT;
    /* SELECT INTO creates a table instead of returning rows. */
    cmd->returns_rows = select ? !f.into : f.returning;
    return PGW_OK;
  }
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
    if (is(c, &t, fixed[i].verb)) {
      set(cmd, fixed[i].tag, fixed[i].style, fixed[i].rows);
      return PGW_OK;
    }
  }
  if (is(c, &t, "with"))
    return classify_with(c, cmd);
  if (is(c, &t, "create") || is(c, &t, "alter") || is(c, &t, "drop"))
    return classify_ddl(c, &t, cmd);
  if (is(c, &t, "grant") || is(c, &t, "revoke"))
    return classify_grant(c, &t, cmd);
  if (is(c, &t, "commit") || is(c, &t, "end"))
    return classify_txn_end(c, true, cmd);
  if (is(c, &t, "rollback") || is(c, &t, "abort"))
    return classify_txn_end(c, false, cmd);
  if (is(c, &t, "begin")) {
    set(cmd, "BEGIN", PGW_TAG_PLAIN, false);
    cmd->txn = PGW_TXN_OP_BEGIN;
    return PGW_OK;
  }
  if (is(c, &t, "start")) {
    set(cmd, "START TRANSACTION", PGW_TAG_PLAIN, false);
    cmd->txn = PGW_TXN_OP_BEGIN;
    return PGW_OK;
  }
  if (is(c, &t, "savepoint") || is(c, &t, "release")) {
    append_word(cmd, c, &t);
    cmd->txn = is(c, &t, "savepoint") ? PGW_TXN_OP_SAVEPOINT : PGW_TXN_OP_RELEASE;
    return PGW_OK;
  }
  pgw_tok next;
  if ((rc = sig(c, &next)) != PGW_OK)
    return rc;
  if (is(c, &t, "prepare")) {
    bool txn = is(c, &next, "transaction");
    set(cmd, txn ? "PREPARE TRANSACTION" : "PREPARE", PGW_TAG_PLAIN, false);
    cmd->txn = txn ? PGW_TXN_OP_PREPARE : PGW_TXN_OP_NONE;
    return PGW_OK;
  }
  if (is(c, &t, "close")) {
    set(cmd, is(c, &next, "all") ? "CLOSE CURSOR ALL" : "CLOSE CURSOR", PGW_TAG_PLAIN, false);
    return PGW_OK;
  }
  if (is(c, &t, "deallocate")) {
    if (is(c, &next, "prepare") && (rc = sig(c, &next)) != PGW_OK)
      return rc;
    set(cmd, is(c, &next, "all") ? "DEALLOCATE ALL" : "DEALLOCATE", PGW_TAG_PLAIN, false);
    return PGW_OK;
  }
  if (is(c, &t, "set")) {
    cmd->block_only = is(c, &next, "local")         ? "SET LOCAL"
                      : is(c, &next, "transaction") ? "SET TRANSACTION"
                      : is(c, &next, "constraints") ? "SET CONSTRAINTS"
                                                    : NULL;
    set(cmd, is(c, &next, "constraints") ? "SET CONSTRAINTS" : "SET", PGW_TAG_PLAIN, false);
    return PGW_OK;
  }
  if (is(c, &t, "discard")) {
    set(cmd, "DISCARD", PGW_TAG_PLAIN, false);
    if (is(c, &next, "temporary"))
      snprintf(cmd->tag, sizeof cmd->tag, "DISCARD TEMP");
    else if (next.kind == PGW_TOK_IDENT)
      append_word(cmd, c, &next);
    return PGW_OK;
  }
  append_word(cmd, c, &t);
  cmd->is_execute = is(c, &t, "execute");
  return PGW_OK;
}

pgw_rc pgw_sql_command(const char *sql, size_t len, pgw_sql_cmd *cmd, pgw_error *err) {
  memset(cmd, 0, sizeof *cmd);
  cur c;
  pgw_lex_init(&c.lx, sql, len);
  c.err = err;
  pgw_tok t;
  pgw_rc rc = sig(&c, &t);
  if (rc != PGW_OK)
    return rc;
  if (t.kind == PGW_TOK_EOF)
    return PGW_EPROTO; /* nothing but whitespace and comments */
  return classify_verb(&c, &t, cmd);
}

pgw_rc pgw_sql_tag_format(const pgw_sql_cmd *cmd, uint64_t rows, char *out, size_t cap) {
  int n;
  switch (cmd->style) {
  case PGW_TAG_INSERT:
    n = snprintf(out, cap, "%s 0 %" PRIu64, cmd->tag, rows);
    break;
  case PGW_TAG_COUNT:
    n = snprintf(out, cap, "%s %" PRIu64, cmd->tag, rows);
    break;
  default:
    n = snprintf(out, cap, "%s", cmd->tag);
    break;
  }
  return n >= 0 && (size_t)n < cap ? PGW_OK : PGW_ETOOBIG;
}
