/* Statement splitting and placeholder search on top of the lexer. */
#include "pgw_sql.h"

static bool significant(pgw_tok_kind k) {
  return k != PGW_TOK_SPACE && k != PGW_TOK_COMMENT && k != PGW_TOK_SEMI && k != PGW_TOK_EOF;
}

pgw_rc pgw_sql_split(const char *sql, size_t len, pgw_sql_stmt *out, size_t cap, size_t *n,
                     pgw_error *err) {
  pgw_lexer lx;
  pgw_lex_init(&lx, sql, len);
  size_t count = 0;
  bool in_stmt = false;
  size_t start = 0, end = 0;
  for (;;) {
    pgw_tok t;
    pgw_rc rc = pgw_lex_next(&lx, &t, err);
    if (rc != PGW_OK)
      return rc;
    if (significant(t.kind)) {
      if (!in_stmt) {
        in_stmt = true;
        start = t.off;
      }
      end = t.off + t.len;
      continue;
    }
    if (t.kind != PGW_TOK_SEMI && t.kind != PGW_TOK_EOF)
      continue;
    if (in_stmt) {
      if (count == cap)
        return PGW_ETOOBIG;
      out[count].off = start;
      out[count].len = end - start;
      out[count].full_len = t.kind == PGW_TOK_SEMI ? t.off + t.len - start : end - start;
      count++;
      in_stmt = false;
    }
    if (t.kind == PGW_TOK_EOF)
      break;
  }
  *n = count;
  return PGW_OK;
}

pgw_rc pgw_sql_placeholders(const char *sql, size_t len, pgw_sql_param *out, size_t cap,
                            size_t *count, uint32_t *max_n, pgw_error *err) {
  pgw_lexer lx;
  pgw_lex_init(&lx, sql, len);
  size_t found = 0;
  uint32_t highest = 0;
  for (;;) {
    pgw_tok t;
    pgw_rc rc = pgw_lex_next(&lx, &t, err);
    if (rc != PGW_OK)
      return rc;
    if (t.kind == PGW_TOK_EOF)
      break;
    if (t.kind != PGW_TOK_PARAM)
      continue;
    if (t.param == 0 || t.param > PGW_SQL_MAX_PARAM) {
      if (err != NULL) {
        pgw_error_set(err, "ERROR", "42P02", "there is no parameter $%.*s", (int)(t.len - 1),
                      sql + t.off + 1);
        err->position = pgw_sql_char_position(sql, t.off);
      }
      return PGW_EPROTO;
    }
    if (out != NULL) {
      if (found == cap)
        return PGW_ETOOBIG;
      out[found].off = t.off;
      out[found].len = t.len;
      out[found].n = t.param;
    }
    found++;
    if (t.param > highest)
      highest = t.param;
  }
  *count = found;
  *max_n = highest;
  return PGW_OK;
}
