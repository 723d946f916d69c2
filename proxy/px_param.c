/* px_param.c — $n placeholders → Data API ":pn" parameters (px_param_render, px_param_count).
 *
 * The SQL is walked with the pgwire lexer, so a "$1" inside a string, a comment, a dollar quote
 * or a quoted identifier is never touched, and every token is copied byte for byte except the
 * placeholders. What replaces a placeholder is one of a few constant texts chosen by the value:
 * ":pn", NULL or an empty string literal (cast to the declared type where that matters). No byte
 * of any value ever reaches the SQL text, so no value can end a literal or start a comment.
 */
#include "px_param.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgw_sql.h"
#include "px_types.h"

/* The SQL type name used in CAST(NULL AS …) for a declared parameter type, or NULL when the
 * literal stays untyped: unknown OIDs, and the character types, where an untyped literal acts as
 * text anyway and also fits non-text contexts, just as the untyped ":pn" of a non-NULL value of the
 * same parameter does (pgjdbc declares every setString parameter varchar). */
static const char *cast_name(uint32_t oid) {
  switch (oid) {
  case PX_OID_BOOL:
    return "boolean";
  case PX_OID_BYTEA:
    return "bytea";
  case PX_OID_INT8:
    return "bigint";
  case PX_OID_INT2:
    return "smallint";
  case PX_OID_INT4:
    return "integer";
  case PX_OID_OID:
    return "oid";
  case PX_OID_JSON:
    return "json";
  case PX_OID_FLOAT4:
    return "real";
  case PX_OID_FLOAT8:
    return "double precision";
  case PX_OID_DATE:
    return "date";
  case PX_OID_TIME:
    return "time";
  case PX_OID_TIMESTAMP:
    return "timestamp";
  case PX_OID_TIMESTAMPTZ:
    return "timestamptz";
  case PX_OID_INTERVAL:
    return "interval";
  case PX_OID_TIMETZ:
    return "timetz";
  case PX_OID_NUMERIC:
    return "numeric";
  case PX_OID_UUID:
    return "uuid";
  case PX_OID_JSONB:
    return "jsonb";
  default:
    return NULL;
  }
}

/* A growing output text; fails sticky on allocation failure. */
typedef struct sbuf {
  char *p;
  size_t len, cap;
  bool failed;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->failed)
    return;
  if (n > SIZE_MAX - b->len - 1) {
    b->failed = true;
    return;
  }
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap > 0 ? b->cap : 64;
    while (cap < b->len + n + 1)
      cap = cap > SIZE_MAX / 2 ? b->len + n + 1 : cap * 2;
    char *p = realloc(b->p, cap);
    if (p == NULL) {
      b->failed = true;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s) {
  sb_add(b, s, strlen(s));
}

static bool is_ident_char(char c) {
  unsigned char u = (unsigned char)c;
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_' ||
         u == '$' || u >= 0x80;
}

/* Bytes after which a replacement must be separated by a space so that it stays a token of its
 * own: identifier characters (E'' would become an escape string, x NULL an alias), ':' (a[1:$1]
 * must not become the cast a[1::p1]), '&' (U&'' is a Unicode string), a quote ('a'''). */
static bool needs_space_after(char c) {
  return is_ident_char(c) || c == ':' || c == '&' || c == '\'' || c == '"';
}

void px_param_sql_free(px_param_sql *p) {
  free(p->sql);
  free(p->params);
  free(p->strings);
  memset(p, 0, sizeof *p);
}

px_status px_param_count(const char *sql, size_t len, uint16_t *count, pgw_error *err) {
  size_t n;
  uint32_t max_n;
  pgw_rc rc = pgw_sql_placeholders(sql, len, NULL, 0, &n, &max_n, err);
  if (rc != PGW_OK)
    return rc == PGW_ENOMEM ? PX_NOMEM : PX_INVAL;
  *count = (uint16_t)max_n; /* max_n <= PGW_SQL_MAX_PARAM, checked by the lexer */
  return PX_OK;
}

/* Releases what render built so far; out is left zeroed. */
static px_status fail(px_param_sql *out, sbuf *sql, bool *used, px_status st) {
  free(sql->p);
  free(used);
  px_param_sql_free(out);
  return st;
}

/* Builds out->params / out->strings for the parameters marked in used[], in order of n. */
static px_status build_params(px_param_sql *out, const char *const *texts, const size_t *lens,
                              const bool *used, uint16_t n) {
  size_t count = 0, bytes = 0;
  for (uint16_t i = 0; i < n; i++) {
    if (!used[i])
      continue;
    count++;
    /* "p65535" + NUL + value + NUL */
    if (lens[i] > SIZE_MAX - bytes - 16)
      return PX_NOMEM;
    bytes += 8 + lens[i] + 1;
  }
  if (count == 0)
    return PX_OK;
  out->params = calloc(count, sizeof *out->params);
  out->strings = malloc(bytes);
  if (out->params == NULL || out->strings == NULL)
    return PX_NOMEM;
  char *w = out->strings;
  size_t k = 0;
  for (uint16_t i = 0; i < n; i++) {
    if (!used[i])
      continue;
    int len = snprintf(w, 8, "p%u", (unsigned)i + 1);
    out->params[k].name = w;
    w += len + 1;
    memcpy(w, texts[i], lens[i]);
    w[lens[i]] = '\0';
    out->params[k].value = w;
    w += lens[i] + 1;
    k++;
  }
  out->n_params = count;
  return PX_OK;
}

px_status px_param_render(const char *sql, size_t len, const char *const *texts,
                          const size_t *text_lens, const uint32_t *oids, uint16_t n,
                          px_param_sql *out, pgw_error *err) {
  memset(out, 0, sizeof *out);
  sbuf b = {0};
  bool *used = n > 0 ? calloc(n, sizeof *used) : NULL;
  if (n > 0 && used == NULL)
    return PX_NOMEM;
  pgw_lexer lx;
  pgw_lex_init(&lx, sql, len);
  px_status st = PX_OK;
  for (;;) {
    pgw_tok tok;
    if (pgw_lex_next(&lx, &tok, err) != PGW_OK) {
      st = PX_INVAL;
      break;
    }
    if (tok.kind == PGW_TOK_EOF)
      break;
    if (tok.kind != PGW_TOK_PARAM) {
      sb_add(&b, sql + tok.off, tok.len);
      continue;
    }
    uint32_t k = tok.param;
    if (k == 0 || k > PGW_SQL_MAX_PARAM) {
      pgw_error_set(err, "ERROR", "42P02", "there is no parameter $%u", (unsigned)k);
      return fail(out, &b, used, PX_INVAL);
    }
    if (k > n) {
      /* PostgreSQL's wording (08P01) for a Bind with too few values. */
      pgw_error_set(err, "ERROR", "08P01",
                    "bind message supplies %u parameters, but the statement requires at least %u",
                    (unsigned)n, (unsigned)k);
      return fail(out, &b, used, PX_INVAL);
    }
    const char *text = texts[k - 1];
    size_t tlen = text_lens[k - 1];
    if (text != NULL && memchr(text, '\0', tlen) != NULL) {
      /* A Data API value is a C string here: a NUL would cut it short, silently. */
      pgw_error_set(err, "ERROR", "22021", "invalid byte sequence for encoding \"UTF8\": 0x00");
      return fail(out, &b, used, PX_INVAL);
    }
    if (b.len > 0 && needs_space_after(b.p[b.len - 1]))
      sb_add(&b, " ", 1);
    const char *type = oids != NULL ? cast_name(oids[k - 1]) : NULL;
    if (text != NULL && tlen > 0) {
      char name[16];
      int nl = snprintf(name, sizeof name, ":p%u", (unsigned)k);
      sb_add(&b, name, (size_t)nl);
      used[k - 1] = true;
    } else if (type != NULL) {
      sb_str(&b, text == NULL ? "CAST(NULL AS " : "CAST('' AS ");
      sb_str(&b, type);
      sb_str(&b, ")");
    } else {
      /* Parenthesised so that a string literal just before it cannot absorb it ('a'\n'' is
       * one string in SQL). */
      sb_str(&b, text == NULL ? "NULL" : "('')");
    }
    /* And after it, when the next byte would continue an identifier: "$1$$ x $$" is $1 and a
     * dollar quote, but ":p1$$" or "NULL$$" would be one identifier swallowing the quote's
     * opening. */
    size_t next = tok.off + tok.len;
    if (next < len && is_ident_char(sql[next]))
      sb_add(&b, " ", 1);
  }
  if (st == PX_OK && !b.failed && b.p == NULL)
    sb_add(&b, "", 0); /* an empty statement still gets its "" */
  if (st != PX_OK || b.failed)
    return fail(out, &b, used, st != PX_OK ? st : PX_NOMEM);
  out->sql = b.p;
  out->sql_len = b.len;
  st = build_params(out, texts, text_lens, used, n);
  free(used);
  if (st != PX_OK)
    px_param_sql_free(out);
  return st;
}
