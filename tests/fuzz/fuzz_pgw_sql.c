/* libFuzzer target: the SQL lexer, statement splitter, placeholder finder and classifier.
 *
 * Invariants: tokens tile the input exactly (each starts where the previous ended, none is
 * empty, none passes the end); statements and placeholders lie inside the input, in order and
 * without overlap; an error always comes with a position inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pgw_sql.h"
#include "pgw_tag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const char *sql, size_t len, const pgw_error *err) {
  if (err->position < 1 || (size_t)err->position > len + 1 || strlen(err->message) == 0)
    abort();
  (void)sql;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *sql = (const char *)data;
  pgw_error err;

  pgw_lexer lx;
  pgw_lex_init(&lx, sql, size);
  size_t pos = 0;
  for (;;) {
    pgw_tok t;
    if (pgw_lex_next(&lx, &t, &err) != PGW_OK) {
      check_error(sql, size, &err);
      break;
    }
    if (t.off != pos)
      abort();
    if (t.kind == PGW_TOK_EOF) {
      if (pos != size || t.len != 0)
        abort();
      break;
    }
    if (t.len == 0 || t.len > size - t.off)
      abort();
    if (t.kind == PGW_TOK_PARAM && sql[t.off] != '$')
      abort();
    pos = t.off + t.len;
  }

  pgw_sql_stmt st[16];
  size_t n;
  pgw_rc rc = pgw_sql_split(sql, size, st, 16, &n, &err);
  if (rc == PGW_OK) {
    size_t end = 0;
    for (size_t i = 0; i < n; i++) {
      if (st[i].off < end || st[i].len == 0 || st[i].len > size - st[i].off)
        abort();
      end = st[i].off + st[i].len;
      pgw_sql_cmd cmd;
      char tag[PGW_TAG_MAX + 24];
      if (pgw_sql_command(sql + st[i].off, st[i].len, &cmd, NULL) != PGW_OK)
        abort(); /* a non-empty statement that lexed once lexes again */
      if (pgw_sql_tag_format(&cmd, UINT64_MAX, tag, sizeof tag) != PGW_OK)
        abort();
    }
  } else if (rc == PGW_EPROTO) {
    check_error(sql, size, &err);
  } else if (rc != PGW_ETOOBIG) {
    abort();
  }

  pgw_sql_param p[16];
  size_t count;
  uint32_t max_n;
  rc = pgw_sql_placeholders(sql, size, p, 16, &count, &max_n, &err);
  if (rc == PGW_OK) {
    size_t end = 0;
    for (size_t i = 0; i < count; i++) {
      if (p[i].off < end || p[i].len < 2 || p[i].len > size - p[i].off || sql[p[i].off] != '$' ||
          p[i].n == 0 || p[i].n > max_n || max_n > PGW_SQL_MAX_PARAM)
        abort();
      end = p[i].off + p[i].len;
    }
  } else if (rc == PGW_EPROTO) {
    check_error(sql, size, &err);
  } else if (rc != PGW_ETOOBIG) {
    abort();
  }
  return 0;
}
