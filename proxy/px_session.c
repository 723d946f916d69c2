/* px_session.c — lexical recognition of SET / RESET / SHOW / DISCARD ALL, and DateStyle's
 * canonical form. Pure: no connection, no I/O. */
#include "px_session.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pgw_sql.h"

static const char *const names[PX_PARAM_COUNT] = {
    [PX_PARAM_APPLICATION_NAME] = "application_name",
    [PX_PARAM_CLIENT_ENCODING] = "client_encoding",
    [PX_PARAM_EXTRA_FLOAT_DIGITS] = "extra_float_digits",
    [PX_PARAM_DATESTYLE] = "DateStyle",
    [PX_PARAM_INTERVALSTYLE] = "IntervalStyle",
    [PX_PARAM_TIMEZONE] = "TimeZone",
    [PX_PARAM_STANDARD_CONFORMING_STRINGS] = "standard_conforming_strings",
    [PX_PARAM_SERVER_VERSION] = "server_version",
    [PX_PARAM_SERVER_ENCODING] = "server_encoding",
    [PX_PARAM_INTEGER_DATETIMES] = "integer_datetimes",
    [PX_PARAM_IS_SUPERUSER] = "is_superuser",
    [PX_PARAM_SESSION_AUTHORIZATION] = "session_authorization",
};

px_param_id px_param_lookup(const char *name) {
  for (int i = 0; i < PX_PARAM_COUNT; i++) {
    if (strcasecmp(name, names[i]) == 0) {
      return (px_param_id)i;
    }
  }
  return strcasecmp(name, "timezone") == 0 ? PX_PARAM_TIMEZONE : PX_PARAM_OTHER;
}

const char *px_param_name(px_param_id id) {
  return id >= 0 && id < PX_PARAM_COUNT ? names[id] : "?";
}

/* Significant tokens only (no whitespace or comments). */
static bool next(pgw_lexer *lx, pgw_tok *t) {
  do {
    if (pgw_lex_next(lx, t, NULL) != PGW_OK) {
      return false;
    }
  } while (t->kind == PGW_TOK_SPACE || t->kind == PGW_TOK_COMMENT);
  return true;
}

static bool tok_text_is(const pgw_lexer *lx, const pgw_tok *t, const char *s) {
  return t->len == strlen(s) && memcmp(lx->sql + t->off, s, t->len) == 0;
}

/* A setting name: an identifier (case-insensitive) or a quoted identifier (exact). */
static px_param_id param_of(const pgw_lexer *lx, const pgw_tok *t) {
  for (int i = 0; i < PX_PARAM_COUNT; i++) {
    if (t->kind == PGW_TOK_IDENT && pgw_tok_is(lx, t, names[i])) {
      return (px_param_id)i;
    }
    if (t->kind == PGW_TOK_QIDENT && t->len == strlen(names[i]) + 2 &&
        strncasecmp(lx->sql + t->off + 1, names[i], t->len - 2) == 0) {
      return (px_param_id)i;
    }
  }
  if (t->kind == PGW_TOK_IDENT && pgw_tok_is(lx, t, "timezone")) {
    return PX_PARAM_TIMEZONE;
  }
  return PX_PARAM_OTHER;
}

typedef struct vbuf {
  char *p;
  size_t n, cap;
  bool ok;
} vbuf;

static void vput(vbuf *v, const char *s, size_t len) {
  if (!v->ok || v->n + len + 1 > v->cap) {
    v->ok = false;
    return;
  }
  memcpy(v->p + v->n, s, len);
  v->n += len;
  v->p[v->n] = '\0';
}

/* Appends one value token as PostgreSQL hands it to the setting: a plain '...' string without its
 * quotes ('' undone), an identifier lower-cased, anything else (numbers, E'' strings) as written.
 */
static void put_value_token(vbuf *v, const pgw_lexer *lx, const pgw_tok *t) {
  const char *s = lx->sql + t->off;
  if (t->kind == PGW_TOK_STRING && t->len >= 2 && s[0] == '\'') {
    for (size_t i = 1; i + 1 < t->len; i++) {
      vput(v, s + i, 1);
      if (s[i] == '\'') {
        i++; /* '' → ' */
      }
    }
    return;
  }
  if (t->kind == PGW_TOK_IDENT) {
    for (size_t i = 0; i < t->len; i++) {
      char ch = (char)tolower((unsigned char)s[i]);
      vput(v, &ch, 1);
    }
    return;
  }
  if (t->kind == PGW_TOK_QIDENT && t->len >= 2 && s[0] == '"') {
    vput(v, s + 1, t->len - 2);
    return;
  }
  vput(v, s, t->len);
}

/* The value list after TO / = up to the end: items joined with ", ". */
static bool parse_value(pgw_lexer *lx, px_set_stmt *out) {
  vbuf v = {.p = out->value, .cap = sizeof out->value, .ok = true};
  out->value[0] = '\0';
  pgw_tok t;
  bool any = false, sign = false;
  while (next(lx, &t) && t.kind != PGW_TOK_EOF && t.kind != PGW_TOK_SEMI) {
    if (t.kind == PGW_TOK_PUNCT && tok_text_is(lx, &t, ",")) {
      vput(&v, ", ", 2);
      continue;
    }
    if (t.kind == PGW_TOK_OP && (tok_text_is(lx, &t, "-") || tok_text_is(lx, &t, "+"))) {
      vput(&v, lx->sql + t.off, 1);
      sign = true;
      continue;
    }
    if (any && !sign && v.n > 0 && out->value[v.n - 1] != ' ') {
      vput(&v, " ", 1); /* e.g. TIME ZONE INTERVAL '...' HOUR TO MINUTE */
    }
    put_value_token(&v, lx, &t);
    any = true;
    sign = false;
  }
  return v.ok && any;
}

/* An SQL name as PostgreSQL folds it: unquoted lower-cased, "quoted" exact ("" undone). */
static bool put_name(const pgw_lexer *lx, const pgw_tok *t, px_set_stmt *out) {
  vbuf v = {.p = out->value, .cap = sizeof out->value, .ok = true};
  out->value[0] = '\0';
  const char *s = lx->sql + t->off;
  if (t->kind == PGW_TOK_QIDENT && t->len >= 2 && s[0] == '"') {
    for (size_t i = 1; i + 1 < t->len; i++) {
      vput(&v, s + i, 1);
      if (s[i] == '"') {
        i++;
      }
    }
  } else if (t->kind == PGW_TOK_IDENT) {
    put_value_token(&v, lx, t);
  } else {
    return false;
  }
  return v.ok && v.n > 0;
}

static bool at_end(pgw_lexer *lx) {
  pgw_tok t;
  return next(lx, &t) && (t.kind == PGW_TOK_EOF || t.kind == PGW_TOK_SEMI);
}

/* DEALLOCATE [PREPARE] name|ALL, CLOSE name|ALL, DECLARE name … FOR query; first is the keyword. */
static bool parse_named(pgw_lexer *lx, const pgw_tok *first, px_set_stmt *out) {
  bool dealloc = pgw_tok_is(lx, first, "deallocate"), close = pgw_tok_is(lx, first, "close");
  pgw_tok t;
  if (!next(lx, &t)) {
    return false;
  }
  if (dealloc && t.kind == PGW_TOK_IDENT && pgw_tok_is(lx, &t, "prepare") && !next(lx, &t)) {
    return false;
  }
  if ((dealloc || close) && t.kind == PGW_TOK_IDENT && pgw_tok_is(lx, &t, "all")) {
    out->kind = dealloc ? PX_SET_DEALLOCATE_ALL : PX_SET_CLOSE_ALL;
    return at_end(lx);
  }
  if (!put_name(lx, &t, out)) {
    return false;
  }
  if (dealloc || close) {
    out->kind = dealloc ? PX_SET_DEALLOCATE : PX_SET_CLOSE;
    return at_end(lx);
  }
  /* DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR [WITH[OUT] HOLD] FOR */
  bool cursor = false;
  while (next(lx, &t) && t.kind == PGW_TOK_IDENT) {
    if (pgw_tok_is(lx, &t, "cursor")) {
      cursor = true;
    } else if (cursor && pgw_tok_is(lx, &t, "for")) {
      out->kind = PX_SET_DECLARE;
      out->query_off = lx->pos;
      return true;
    }
  }
  out->value[0] = '\0';
  return false;
}

bool px_set_parse(const char *sql, size_t len, px_set_stmt *out) {
  memset(out, 0, sizeof(*out));
  out->id = PX_PARAM_OTHER;
  pgw_lexer lx;
  pgw_lex_init(&lx, sql, len);
  pgw_tok t;
  if (!next(&lx, &t) || t.kind != PGW_TOK_IDENT) {
    return false;
  }
  if (pgw_tok_is(&lx, &t, "show")) {
    if (!next(&lx, &t) || (t.kind != PGW_TOK_IDENT && t.kind != PGW_TOK_QIDENT)) {
      return false;
    }
    out->id = param_of(&lx, &t);
    if (t.kind == PGW_TOK_IDENT && pgw_tok_is(&lx, &t, "time")) {
      if (!next(&lx, &t) || !pgw_tok_is(&lx, &t, "zone")) {
        return false;
      }
      out->id = PX_PARAM_TIMEZONE;
    }
    out->kind = PX_SET_SHOW;
    return next(&lx, &t) && (t.kind == PGW_TOK_EOF || t.kind == PGW_TOK_SEMI);
  }
  if (pgw_tok_is(&lx, &t, "discard")) {
    if (!next(&lx, &t) || !pgw_tok_is(&lx, &t, "all") || !next(&lx, &t) ||
        (t.kind != PGW_TOK_EOF && t.kind != PGW_TOK_SEMI)) {
      return false;
    }
    out->kind = PX_SET_DISCARD_ALL;
    return true;
  }
  if (pgw_tok_is(&lx, &t, "deallocate") || pgw_tok_is(&lx, &t, "close") ||
      pgw_tok_is(&lx, &t, "declare")) {
    return parse_named(&lx, &t, out);
  }
  if (pgw_tok_is(&lx, &t, "reset")) {
    if (!next(&lx, &t) || (t.kind != PGW_TOK_IDENT && t.kind != PGW_TOK_QIDENT)) {
      return false;
    }
    if (t.kind == PGW_TOK_IDENT && pgw_tok_is(&lx, &t, "all")) {
      out->kind = PX_SET_RESET_ALL;
    } else {
      out->kind = PX_SET_RESET;
      out->id = param_of(&lx, &t);
      (void)put_name(&lx, &t, out); /* the name, folded: RESET of a startup setting */
      if (t.kind == PGW_TOK_IDENT && pgw_tok_is(&lx, &t, "time")) {
        if (!next(&lx, &t) || !pgw_tok_is(&lx, &t, "zone")) {
          return false;
        }
        out->id = PX_PARAM_TIMEZONE;
        snprintf(out->value, sizeof out->value, "timezone");
      }
    }
    return next(&lx, &t) && (t.kind == PGW_TOK_EOF || t.kind == PGW_TOK_SEMI);
  }
  if (!pgw_tok_is(&lx, &t, "set") || !next(&lx, &t)) {
    return false;
  }
  if (t.kind == PGW_TOK_IDENT && (pgw_tok_is(&lx, &t, "session") || pgw_tok_is(&lx, &t, "local"))) {
    pgw_lexer save = lx;
    pgw_tok after;
    /* SET SESSION CHARACTERISTICS / SESSION AUTHORIZATION are other statements. */
    if (next(&save, &after) && after.kind == PGW_TOK_IDENT &&
        (pgw_tok_is(&save, &after, "characteristics") ||
         pgw_tok_is(&save, &after, "authorization"))) {
      return false;
    }
    out->local = pgw_tok_is(&lx, &t, "local");
    if (!next(&lx, &t)) {
      return false;
    }
  }
  if (t.kind == PGW_TOK_IDENT && pgw_tok_is(&lx, &t, "time")) {
    if (!next(&lx, &t) || !pgw_tok_is(&lx, &t, "zone")) {
      return false;
    }
    out->id = PX_PARAM_TIMEZONE;
    pgw_lexer save = lx;
    pgw_tok v;
    if (next(&save, &v) && v.kind == PGW_TOK_IDENT &&
        (pgw_tok_is(&save, &v, "local") || pgw_tok_is(&save, &v, "default"))) {
      out->kind = PX_SET_RESET;
      snprintf(out->value, sizeof out->value, "timezone");
      return next(&save, &v) && (v.kind == PGW_TOK_EOF || v.kind == PGW_TOK_SEMI);
    }
  } else {
    if (t.kind != PGW_TOK_IDENT && t.kind != PGW_TOK_QIDENT) {
      return false;
    }
    out->id = param_of(&lx, &t);
    px_set_stmt named = {0};
    (void)put_name(&lx, &t, &named);
    if (!next(&lx, &t) || !((t.kind == PGW_TOK_IDENT && pgw_tok_is(&lx, &t, "to")) ||
                            (t.kind == PGW_TOK_OP && tok_text_is(&lx, &t, "=")))) {
      return false;
    }
    pgw_lexer save = lx;
    pgw_tok v;
    if (next(&save, &v) && v.kind == PGW_TOK_IDENT && pgw_tok_is(&save, &v, "default")) {
      out->kind = PX_SET_RESET;
      memcpy(out->value, named.value, sizeof out->value);
      return next(&save, &v) && (v.kind == PGW_TOK_EOF || v.kind == PGW_TOK_SEMI);
    }
  }
  out->kind = PX_SET_SET;
  if (!parse_value(&lx, out)) {
    memset(out, 0, sizeof(*out));
    out->id = PX_PARAM_OTHER;
    return false;
  }
  return true;
}

bool px_datestyle_canon(const char *current, const char *value, char *out, size_t cap,
                        pgw_error *err) {
  char style[16] = "ISO", order[8] = "MDY";
  /* The current value's parts are the defaults for what value leaves out. */
  if (current != NULL) {
    char cs[16], co[8];
    if (sscanf(current, "%15[^,], %7s", cs, co) == 2) {
      snprintf(style, sizeof style, "%s", cs);
      snprintf(order, sizeof order, "%s", co);
    }
  }
  bool have_style = false, have_order = false;
  const char *p = value;
  while (*p != '\0') {
    while (*p == ' ' || *p == ',') {
      p++;
    }
    size_t n = strcspn(p, " ,");
    if (n == 0) {
      break;
    }
    static const char *const styles[][2] = {
        {"iso", "ISO"}, {"sql", "SQL"}, {"postgres", "Postgres"}, {"german", "German"}};
    static const char *const orders[][2] = {
        {"dmy", "DMY"}, {"euro", "DMY"},    {"european", "DMY"},    {"mdy", "MDY"},
        {"us", "MDY"},  {"noneuro", "MDY"}, {"noneuropean", "MDY"}, {"ymd", "YMD"}};
    bool known = false;
    for (size_t i = 0; i < sizeof styles / sizeof styles[0] && !known; i++) {
      if (strlen(styles[i][0]) == n && strncasecmp(p, styles[i][0], n) == 0) {
        if (have_style && strcmp(style, styles[i][1]) != 0) {
          break;
        }
        snprintf(style, sizeof style, "%s", styles[i][1]);
        have_style = known = true;
        if (i == 3 && !have_order) {
          snprintf(order, sizeof order, "DMY"); /* German implies DMY unless told otherwise */
        }
      }
    }
    for (size_t i = 0; i < sizeof orders / sizeof orders[0] && !known; i++) {
      if (strlen(orders[i][0]) == n && strncasecmp(p, orders[i][0], n) == 0) {
        if (have_order && strcmp(order, orders[i][1]) != 0) {
          break;
        }
        snprintf(order, sizeof order, "%s", orders[i][1]);
        have_order = known = true;
      }
    }
    if (!known) {
      pgw_error_set(err, "ERROR", "22023", "invalid value for parameter \"DateStyle\": \"%s\"",
                    value);
      pgw_error_detail(err, "Unrecognized key word: \"%.*s\".", (int)n, p);
      return false;
    }
    p += n;
  }
  snprintf(out, cap, "%s, %s", style, order);
  return true;
}
