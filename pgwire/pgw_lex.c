/* Tokenizer for PostgreSQL's lexical structure (see pgw_sql.h); rules as in PostgreSQL 15's
 * src/backend/parser/scan.l, restricted to what decides token boundaries. */
#include <string.h>

#include "pgw_sql.h"

/* Bytes >= 0x80 count as letters, as in scan.l: any non-ASCII UTF-8 character may appear in an
 * identifier. */
static bool ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

/* Dollar-quote tags cannot contain '$' (they would end the tag); identifiers can. */
static bool tag_cont(unsigned char c) {
  return ident_start(c) || is_digit(c);
}

static bool ident_cont(unsigned char c) {
  return tag_cont(c) || c == '$';
}

static bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_op_char(unsigned char c) {
  return c != '\0' && strchr("~!@#^&|`?+-*/%<>=", c) != NULL;
}

void pgw_lex_init(pgw_lexer *lx, const char *sql, size_t len) {
  lx->sql = sql;
  lx->len = len;
  lx->pos = 0;
}

int32_t pgw_sql_char_position(const char *sql, size_t off) {
  size_t chars = 0;
  for (size_t i = 0; i < off; i++) {
    if (((unsigned char)sql[i] & 0xC0) != 0x80)
      chars++;
  }
  return chars >= INT32_MAX ? INT32_MAX : (int32_t)chars + 1;
}

/* "<what> at or near "<token>"", PostgreSQL's scanner_yyerror shape. The quoted text is the
 * offending token, which for an unterminated one runs to the end of the input. */
static pgw_rc lex_error_at(const pgw_lexer *lx, size_t start, size_t end, const char *what,
                           pgw_error *err) {
  if (err != NULL) {
    int rest = end - start > 1024 ? 1024 : (int)(end - start);
    pgw_error_set(err, "ERROR", "42601", "%s at or near \"%.*s\"", what, rest, lx->sql + start);
    err->position = pgw_sql_char_position(lx->sql, start);
  }
  return PGW_EPROTO;
}

static pgw_rc lex_error(const pgw_lexer *lx, size_t start, const char *what, pgw_error *err) {
  return lex_error_at(lx, start, lx->len, what, err);
}

static unsigned char at(const pgw_lexer *lx, size_t i) {
  return i < lx->len ? (unsigned char)lx->sql[i] : 0;
}

static bool has(const pgw_lexer *lx, size_t i) {
  return i < lx->len;
}

/* Scans a quoted body starting after the opening quote q; doubling q continues the body, and
 * with backslashes on, a backslash escapes the next byte. Returns the offset after the closing
 * quote, or 0 when the input ends first. */
static size_t quoted_end(const pgw_lexer *lx, size_t i, unsigned char q, bool backslashes) {
  while (has(lx, i)) {
    unsigned char c = at(lx, i);
    if (backslashes && c == '\\') {
      i += has(lx, i + 1) ? 2 : 1;
      continue;
    }
    if (c == q) {
      if (at(lx, i + 1) == q && has(lx, i + 1)) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return 0;
}

/* Length of a dollar-quote delimiter ($$ or $tag$) at i, or 0 if there is none. */
static size_t dollar_delim(const pgw_lexer *lx, size_t i) {
  if (at(lx, i) != '$' || !has(lx, i))
    return 0;
  size_t j = i + 1;
  if (has(lx, j) && ident_start(at(lx, j))) {
    j++;
    while (has(lx, j) && tag_cont(at(lx, j)))
      j++;
  }
  return has(lx, j) && at(lx, j) == '$' ? j + 1 - i : 0;
}

static pgw_rc lex_dollar_body(pgw_lexer *lx, size_t start, size_t dlen, pgw_tok *tok,
                              pgw_error *err) {
  const char *delim = lx->sql + start;
  for (size_t i = start + dlen; i + dlen <= lx->len; i++) {
    if (lx->sql[i] == '$' && memcmp(lx->sql + i, delim, dlen) == 0) {
      tok->kind = PGW_TOK_DOLLAR;
      lx->pos = i + dlen;
      return PGW_OK;
    }
  }
  return lex_error(lx, start, "unterminated dollar-quoted string", err);
}

/* A string literal whose opening quote is at q (after any prefix starting at start). */
static pgw_rc lex_string(pgw_lexer *lx, size_t start, size_t q, bool backslashes,
                         const char *unterminated, pgw_tok *tok, pgw_error *err) {
  size_t end = quoted_end(lx, q + 1, '\'', backslashes);
  if (end == 0)
    return lex_error(lx, start, unterminated, err);
  tok->kind = PGW_TOK_STRING;
  lx->pos = end;
  return PGW_OK;
}

static pgw_rc lex_qident(pgw_lexer *lx, size_t start, size_t q, pgw_tok *tok, pgw_error *err) {
  size_t end = quoted_end(lx, q + 1, '"', false);
  if (end == 0)
    return lex_error(lx, start, "unterminated quoted identifier", err);
  tok->kind = PGW_TOK_QIDENT;
  lx->pos = end;
  return PGW_OK;
}

/* Prefixed literals: E'', U&'', U&"", B'', X'', N''. Returns true when one starts at i. */
static bool lex_prefixed(pgw_lexer *lx, size_t i, pgw_tok *tok, pgw_error *err, pgw_rc *rc) {
  unsigned char c = at(lx, i) | 0x20; /* ASCII lower case */
  unsigned char n = at(lx, i + 1);
  if (!has(lx, i + 1))
    return false;
  if (c == 'u' && n == '&' && has(lx, i + 2)) {
    unsigned char q = at(lx, i + 2);
    if (q == '\'') {
      /* Unicode escapes are \XXXX: a backslash cannot escape the quote, so the body ends like a
       * standard string. */
      *rc = lex_string(lx, i, i + 2, false, "unterminated quoted string", tok, err);
      return true;
    }
    if (q == '"') {
      *rc = lex_qident(lx, i, i + 2, tok, err);
      return true;
    }
    return false;
  }
  if (n != '\'')
    return false;
  switch (c) {
  case 'e':
    *rc = lex_string(lx, i, i + 1, true, "unterminated quoted string", tok, err);
    return true;
  case 'b':
    *rc = lex_string(lx, i, i + 1, false, "unterminated bit string literal", tok, err);
    return true;
  case 'x':
    *rc = lex_string(lx, i, i + 1, false, "unterminated hexadecimal string literal", tok, err);
    return true;
  case 'n':
    *rc = lex_string(lx, i, i + 1, false, "unterminated quoted string", tok, err);
    return true;
  default:
    return false;
  }
}

static void lex_number(pgw_lexer *lx, size_t i, pgw_tok *tok) {
  while (is_digit(at(lx, i)) && has(lx, i))
    i++;
  /* A '.' belongs to the number unless it starts "..", which PostgreSQL leaves alone. */
  if (at(lx, i) == '.' && has(lx, i) && at(lx, i + 1) != '.') {
    i++;
    while (is_digit(at(lx, i)) && has(lx, i))
      i++;
  }
  unsigned char e = at(lx, i) | 0x20;
  if (e == 'e' && has(lx, i)) {
    size_t j = i + 1;
    if (at(lx, j) == '+' || at(lx, j) == '-')
      j++;
    if (has(lx, j) && is_digit(at(lx, j))) {
      while (has(lx, j) && is_digit(at(lx, j)))
        j++;
      i = j;
    }
  }
  tok->kind = PGW_TOK_NUMBER;
  lx->pos = i;
}

static void lex_operator(pgw_lexer *lx, size_t i, pgw_tok *tok) {
  size_t j = i;
  while (has(lx, j) && is_op_char(at(lx, j))) {
    /* A comment start ends the operator, even in the middle: 1+--c ends the operator at +. */
    if (j > i && ((at(lx, j) == '-' && at(lx, j + 1) == '-' && has(lx, j + 1)) ||
                  (at(lx, j) == '/' && at(lx, j + 1) == '*' && has(lx, j + 1))))
      break;
    j++;
  }
  tok->kind = PGW_TOK_OP;
  lx->pos = j;
}

static pgw_rc lex_param(pgw_lexer *lx, size_t i, pgw_tok *tok, pgw_error *err) {
  size_t j = i + 1;
  uint64_t n = 0;
  while (has(lx, j) && is_digit(at(lx, j))) {
    n = n * 10 + (uint64_t)(at(lx, j) - '0');
    if (n > UINT32_MAX)
      n = UINT32_MAX + (uint64_t)1; /* saturate without overflowing */
    j++;
  }
  if (has(lx, j) && ident_start(at(lx, j))) {
    /* Rewriting $1abc to :p1abc would change which parameter is meant: refuse it, like
     * PostgreSQL 15. */
    while (has(lx, j) && ident_cont(at(lx, j)))
      j++;
    return lex_error_at(lx, i, j, "trailing junk after parameter", err);
  }
  tok->kind = PGW_TOK_PARAM;
  tok->param = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
  lx->pos = j;
  return PGW_OK;
}

static pgw_rc lex_comment(pgw_lexer *lx, size_t i, pgw_tok *tok, pgw_error *err) {
  tok->kind = PGW_TOK_COMMENT;
  if (at(lx, i) == '-') {
    size_t j = i + 2;
    while (has(lx, j) && at(lx, j) != '\n' && at(lx, j) != '\r')
      j++;
    lx->pos = j;
    return PGW_OK;
  }
  /* Slash-star comments nest in PostgreSQL (unlike the SQL standard's). */
  size_t depth = 1;
  size_t j = i + 2;
  while (has(lx, j)) {
    if (at(lx, j) == '/' && at(lx, j + 1) == '*' && has(lx, j + 1)) {
      depth++;
      j += 2;
    } else if (at(lx, j) == '*' && at(lx, j + 1) == '/' && has(lx, j + 1)) {
      j += 2;
      if (--depth == 0) {
        lx->pos = j;
        return PGW_OK;
      }
    } else {
      j++;
    }
  }
  return lex_error(lx, i, "unterminated /* comment", err);
}

pgw_rc pgw_lex_next(pgw_lexer *lx, pgw_tok *tok, pgw_error *err) {
  size_t i = lx->pos;
  tok->off = i;
  tok->len = 0;
  tok->param = 0;
  if (!has(lx, i)) {
    tok->kind = PGW_TOK_EOF;
    return PGW_OK;
  }
  unsigned char c = at(lx, i);
  unsigned char n = at(lx, i + 1);
  bool has_n = has(lx, i + 1);
  pgw_rc rc = PGW_OK;

  if (is_space(c)) {
    size_t j = i;
    while (has(lx, j) && is_space(at(lx, j)))
      j++;
    tok->kind = PGW_TOK_SPACE;
    lx->pos = j;
  } else if (has_n && ((c == '-' && n == '-') || (c == '/' && n == '*'))) {
    rc = lex_comment(lx, i, tok, err);
  } else if (c == '\'') {
    rc = lex_string(lx, i, i, false, "unterminated quoted string", tok, err);
  } else if (c == '"') {
    rc = lex_qident(lx, i, i, tok, err);
  } else if (lex_prefixed(lx, i, tok, err, &rc)) {
    /* done */
  } else if (ident_start(c)) {
    size_t j = i;
    while (has(lx, j) && ident_cont(at(lx, j)))
      j++;
    tok->kind = PGW_TOK_IDENT;
    lx->pos = j;
  } else if (is_digit(c) || (c == '.' && has_n && is_digit(n))) {
    lex_number(lx, i, tok);
  } else if (c == '$') {
    size_t dlen = dollar_delim(lx, i);
    if (dlen > 0)
      rc = lex_dollar_body(lx, i, dlen, tok, err);
    else if (has_n && is_digit(n))
      rc = lex_param(lx, i, tok, err);
    else {
      tok->kind = PGW_TOK_PUNCT; /* a lone '$', as scan.l's dolqfailed rule returns it */
      lx->pos = i + 1;
    }
  } else if (is_op_char(c)) {
    lex_operator(lx, i, tok);
  } else if ((c == ':' && has_n && n == ':') || (c == '.' && has_n && n == '.')) {
    /* "::" casts and ".." ranges (PL/pgSQL) are single tokens in scan.l. */
    tok->kind = PGW_TOK_PUNCT;
    lx->pos = i + 2;
  } else {
    tok->kind = c == ';'   ? PGW_TOK_SEMI
                : c == '(' ? PGW_TOK_LPAREN
                : c == ')' ? PGW_TOK_RPAREN
                           : PGW_TOK_PUNCT;
    lx->pos = i + 1;
  }
  if (rc != PGW_OK) {
    tok->kind = PGW_TOK_EOF;
    lx->pos = lx->len; /* an error ends the scan */
    return rc;
  }
  tok->len = lx->pos - i;
  return PGW_OK;
}

bool pgw_tok_is(const pgw_lexer *lx, const pgw_tok *tok, const char *word) {
  if (tok->kind != PGW_TOK_IDENT || strlen(word) != tok->len)
    return false;
  for (size_t i = 0; i < tok->len; i++) {
    unsigned char a = (unsigned char)lx->sql[tok->off + i];
    unsigned char b = (unsigned char)word[i];
    if (a >= 'A' && a <= 'Z')
      a = (unsigned char)(a + 32);
    if (b >= 'A' && b <= 'Z')
      b = (unsigned char)(b + 32);
    if (a != b)
      return false;
  }
  return true;
}
