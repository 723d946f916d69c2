/* pgw_sql.h — PostgreSQL lexical structure, and what the proxy needs from it: splitting a
 * simple-query string into statements and finding $n placeholders.
 *
 * The lexer follows PostgreSQL 15's scan.l for everything that decides where a token ends:
 * whitespace, -- and nested slash-star comments, '...' with '' doubling and
 * standard_conforming_strings = on (a backslash is an ordinary character), E'...' with
 * backslash escapes, U&'...', B'...', X'...', N'...', $tag$...$tag$ dollar quotes, "..." and
 * U&"..." identifiers with "" doubling, identifiers (which may contain $), numbers, operators
 * (cut before an embedded -- or slash-star), $n parameters and single-character tokens. It does
 * not decode escapes or fold case: token texts are views of the input.
 *
 * Errors are PostgreSQL's, in a pgw_error (SQLSTATE 42601, "unterminated quoted string at or
 * near ..." with a 1-based character position, as PostgreSQL 15 reports them); the input is
 * taken to be UTF-8 for the character count.
 */
#ifndef PGW_SQL_H
#define PGW_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_error.h"
#include "pgw_rc.h"

typedef enum {
  PGW_TOK_EOF,
  PGW_TOK_SPACE,
  PGW_TOK_COMMENT, /* -- or slash-star */
  PGW_TOK_STRING,  /* '...', E'...', U&'...', B'...', X'...', N'...' */
  PGW_TOK_DOLLAR,  /* $tag$...$tag$ */
  PGW_TOK_QIDENT,  /* "..." or U&"..." */
  PGW_TOK_IDENT,   /* identifier or keyword */
  PGW_TOK_NUMBER,
  PGW_TOK_OP,    /* operator: a run of + - * / < > = ~ ! @ # % ^ & | ` ? */
  PGW_TOK_PARAM, /* $n */
  PGW_TOK_SEMI,
  PGW_TOK_LPAREN,
  PGW_TOK_RPAREN,
  PGW_TOK_PUNCT, /* , [ ] . : :: and any other single byte */
} pgw_tok_kind;

typedef struct pgw_tok {
  pgw_tok_kind kind;
  size_t off;     /* byte offset in the input */
  size_t len;     /* bytes */
  uint32_t param; /* PGW_TOK_PARAM: n (saturates at UINT32_MAX) */
} pgw_tok;

typedef struct pgw_lexer {
  const char *sql; /* borrowed; must outlive the lexer and its tokens */
  size_t len;
  size_t pos;
} pgw_lexer;

void pgw_lex_init(pgw_lexer *lx, const char *sql, size_t len);

/* Next token; PGW_TOK_EOF (len 0) at the end, for ever after. PGW_EPROTO for an unterminated
 * quote, comment or dollar quote, or a parameter followed by identifier characters ($1abc); err
 * (may be NULL) then says which, as PostgreSQL would. */
PGW_MUSTCHECK pgw_rc pgw_lex_next(pgw_lexer *lx, pgw_tok *tok, pgw_error *err);

/* Case-insensitive comparison of an identifier token with an upper- or lower-case ASCII word. */
bool pgw_tok_is(const pgw_lexer *lx, const pgw_tok *tok, const char *word);

/* 1-based character position of byte offset off, as PostgreSQL counts for error positions. */
int32_t pgw_sql_char_position(const char *sql, size_t off);

/* ---- statements ---- */

typedef struct pgw_sql_stmt {
  size_t off;      /* from the first token that is not whitespace or a comment */
  size_t len;      /* to the end of the last such token, without the ';' */
  size_t full_len; /* through the ';' that ends it; = len for the last one without ';' */
} pgw_sql_stmt;

/* Splits a simple-query string on top-level ';'. Statements that are empty (only whitespace
 * and comments, e.g. between ";;") are skipped as PostgreSQL does, so *n == 0 means the whole
 * string is an empty query (answer EmptyQueryResponse). Errors: PGW_EPROTO with err filled for
 * a lexical error anywhere in the string — PostgreSQL parses the whole string before running
 * any of it, so no statement may run then; PGW_ETOOBIG when there are more than cap statements.
 */
PGW_MUSTCHECK pgw_rc pgw_sql_split(const char *sql, size_t len, pgw_sql_stmt *out, size_t cap,
                                   size_t *n, pgw_error *err);

/* ---- placeholders ---- */

/* $n can address at most this many parameters: Bind's parameter count is 16-bit. */
#define PGW_SQL_MAX_PARAM 65535

typedef struct pgw_sql_param {
  size_t off; /* byte offset of the '$' */
  size_t len; /* bytes of "$n" */
  uint32_t n; /* 1..PGW_SQL_MAX_PARAM */
} pgw_sql_param;

/* Finds $n placeholders outside literals, comments and quoted identifiers, in order. out may be
 * NULL to only count; otherwise more than cap placeholders is PGW_ETOOBIG. *count and *max_n
 * (the highest n, 0 if none) are set on success. $0 or $n > PGW_SQL_MAX_PARAM is PGW_EPROTO
 * with err 42P02 "there is no parameter $n"; lexical errors as in pgw_sql_split. */
PGW_MUSTCHECK pgw_rc pgw_sql_placeholders(const char *sql, size_t len, pgw_sql_param *out,
                                          size_t cap, size_t *count, uint32_t *max_n,
                                          pgw_error *err);

#endif
