/*
 * emu_json.h — a JSON writer over a growable byte buffer with a sticky failure flag.
 *
 * The emulator writes every response body (up to a million rows of Fields) straight into an
 * emu_buf, never through a cJSON tree. Appends never report errors one by one: the first failed
 * allocation, or the first append that would take the buffer past its hard cap, sets `failed`, and
 * every later append is a no-op (PgBouncer's PktBuf idea). The caller checks `failed` once, at the
 * end, and answers with an error instead of the body.
 *
 * Invariants while !failed: len <= max; when data != NULL, data[len] == '\0' (so a finished SQL
 * text or body can be handed to C string APIs). After a failure the bytes written so far stay
 * valid and terminated, but are incomplete.
 *
 * Pointers into data are invalidated by every append (the buffer may move).
 *
 * Text output assumes the C locale for LC_NUMERIC (the emulator never calls setlocale).
 */
#ifndef REDWIRE_EMU_JSON_H
#define REDWIRE_EMU_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct emu_buf {
  char *data;  /* owned; NULL until the first append that needs memory */
  size_t len;  /* bytes written, excluding the terminating NUL */
  size_t cap;  /* bytes allocated, including room for the terminating NUL */
  size_t max;  /* hard cap on len; an append that would exceed it sets failed */
  bool failed; /* sticky: set by a failed allocation or by reaching max */
} emu_buf;

/* Initialises an empty buffer that may hold at most max bytes (a max above SIZE_MAX / 4, which no
 * allocation could reach, is clamped to it). Allocates nothing. */
void emu_buf_init(emu_buf *b, size_t max);
/* Releases the memory; the buffer is then empty and may be reused after emu_buf_init. */
void emu_buf_free(emu_buf *b);
/* len = 0, failed = false; the memory is kept for reuse. */
void emu_buf_reset(emu_buf *b);

/* Out-of-line slow paths of the inline appends below (growth, failure); not for direct use. */
void emu_buf__append_slow(emu_buf *b, const void *p, size_t n);
void emu_buf__putc_slow(emu_buf *b, char c);

/* Raw appends. p may be NULL only when n == 0. Inline because a result page makes several per
 * value (a million-row select makes tens of millions): when the bytes fit, an append is a bounds
 * check, a copy and the terminating NUL; everything else goes to the slow path. n < cap - len
 * also guarantees len + n <= max, because cap <= max + 1. */
static inline void emu_buf_append(emu_buf *b, const void *p, size_t n) {
  if (n != 0 && !b->failed && n < b->cap - b->len) {
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return;
  }
  emu_buf__append_slow(b, p, n);
}

static inline void emu_buf_putc(emu_buf *b, char c) {
  if (!b->failed && 1 < b->cap - b->len) {
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return;
  }
  emu_buf__putc_slow(b, c);
}

void emu_buf_puts(emu_buf *b, const char *s);
void emu_buf_printf(emu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Direct writing for hot paths: returns a pointer to at least n writable bytes at data + len, or
 * NULL (and failed is set, or was already set) when they cannot be had. Write k <= n bytes there,
 * then call emu_buf_commit(b, k). Nothing is visible until the commit. */
char *emu_buf_reserve(emu_buf *b, size_t n);
void emu_buf_commit(emu_buf *b, size_t k);
/* Shrinks len back to a value obtained earlier from b->len (rollback of a partial write).
 * A larger value is ignored. Does not clear failed. */
void emu_buf_truncate(emu_buf *b, size_t len);

/* A JSON string: '"', the escaped text, '"'. '"' and '\\' are escaped, control characters
 * U+0000..U+001F become \b \f \n \r \t or \u00XX, and every byte sequence that is not well-formed
 * UTF-8 (overlong forms, surrogates, > U+10FFFF, truncated sequences, stray continuation bytes)
 * becomes \ufffd, one per maximal ill-formed subpart (the Unicode "substitution of maximal
 * subparts" practice). s may be NULL only when n == 0. */
void emu_json_str(emu_buf *b, const char *s, size_t n);
/* emu_json_str over a NUL-terminated string; NULL writes "". */
void emu_json_cstr(emu_buf *b, const char *s);
/* The escaped text of emu_json_str without the surrounding quotes, for a string value built
 * from several pieces. */
void emu_json_str_body(emu_buf *b, const char *s, size_t n);

void emu_json_int(emu_buf *b, int64_t v);
void emu_json_bool(emu_buf *b, bool v);

/* The shortest decimal text that reads back as the same double (for normal numbers this is
 * the first of %.15g, %.16g, %.17g that round-trips; subnormals search down from there), so 0.1
 * prints as 0.1 and 5e-324 as 5e-324. -0.0 prints as -0. NaN and the infinities, which JSON numbers
 * cannot express, become the JSON strings "NaN", "Infinity", "-Infinity" (the awsJson rule). */
void emu_json_double(emu_buf *b, double v);

/* An AWS JSON timestamp: epoch seconds as a JSON number, rounded to milliseconds, trailing
 * fraction zeros dropped (1598306924.632, 1598306924.5, 1598306924). A value that is not finite or
 * lies beyond ±1e15 s cannot be a timestamp: it sets failed rather than emit nonsense. */
void emu_json_epoch(emu_buf *b, double unix_seconds);

#endif
