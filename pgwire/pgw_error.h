/* pgw_error.h — an error (or notice) bound for the client, carried without allocation.
 *
 * Any layer may fill one (the lexer for an unterminated string, the proxy for a Data API
 * failure); the connection turns it into ErrorResponse with pgw_enc_error. Texts longer than
 * the fields are cut at a UTF-8 character boundary, never in the middle of a character.
 */
#ifndef PGW_ERROR_H
#define PGW_ERROR_H

#include <stddef.h>
#include <stdint.h>

#define PGW_ERROR_TEXT_MAX 256

typedef struct pgw_error {
  char severity[8]; /* "ERROR", "FATAL", "PANIC", "WARNING", "NOTICE", "DEBUG", "INFO", "LOG" */
  char sqlstate[6]; /* five characters of [0-9A-Z] */
  char message[PGW_ERROR_TEXT_MAX];
  char detail[PGW_ERROR_TEXT_MAX]; /* "" = none */
  char hint[PGW_ERROR_TEXT_MAX];   /* "" = none */
  int32_t position; /* 1-based character position in the client's query text; 0 = none */
} pgw_error;

/* Resets e and sets its severity, SQLSTATE and message. A SQLSTATE that is not five characters
 * of [0-9A-Z] is replaced by XX000 (internal_error) rather than sent malformed. */
void pgw_error_set(pgw_error *e, const char *severity, const char *sqlstate, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void pgw_error_detail(pgw_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pgw_error_hint(pgw_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Copies src (NUL-terminated) into dst[0..cap), cutting at a UTF-8 boundary; cap > 0. */
void pgw_error_copy_text(char *dst, size_t cap, const char *src);

#endif
