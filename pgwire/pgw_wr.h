/* pgw_wr.h — writer of length-prefixed backend messages onto a pgw_buf.
 *
 * pgw_wr_begin writes the type byte and a placeholder length, the put functions append the
 * body, pgw_wr_end patches the length. Failures are sticky (PgBouncer's PktBuf idea): the first
 * failure is remembered, the partly written message is removed again, and every later call is a
 * no-op, so an encoder can issue all its puts and check one status at the end. The buffer
 * therefore only ever holds whole messages.
 *
 * Misuse (a put outside a message, begin inside a message, a NULL string) is reported as
 * PGW_EPROTO through the same sticky status.
 *
 * Do not consume from the buffer while a message is open: the open message is located by its
 * offset from the start of the data.
 */
#ifndef PGW_WR_H
#define PGW_WR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_buf.h"
#include "pgw_rc.h"

typedef struct pgw_wr {
  pgw_buf *buf; /* borrowed; must outlive the writer */
  size_t start; /* data offset of the open message's type byte */
  bool open;    /* a message is between begin and end */
  pgw_rc rc;    /* first failure, PGW_OK while none */
} pgw_wr;

/* Binds a writer to buf with a clear status. Writers are cheap: make one per batch of messages. */
void pgw_wr_init(pgw_wr *w, pgw_buf *buf);

void pgw_wr_begin(pgw_wr *w, uint8_t type);
void pgw_wr_u8(pgw_wr *w, uint8_t v);
void pgw_wr_i16(pgw_wr *w, int16_t v);
void pgw_wr_i32(pgw_wr *w, int32_t v);
void pgw_wr_bytes(pgw_wr *w, const void *src, size_t n);
/* Writes s and its terminating NUL. */
void pgw_wr_cstr(pgw_wr *w, const char *s);

/* Closes the open message: patches its length (PGW_ETOOBIG past INT32_MAX). Returns the sticky
 * status, so PGW_OK means every message since pgw_wr_init is complete in the buffer. Not
 * must-check on purpose: encoders end many messages and leave the one check to the caller,
 * through pgw_wr_status. */
pgw_rc pgw_wr_end(pgw_wr *w);

/* Writes one byte outside any message: the 'S'/'N' answers to SSLRequest and GSSENCRequest. */
void pgw_wr_raw_u8(pgw_wr *w, uint8_t v);

/* The sticky status. */
PGW_MUSTCHECK pgw_rc pgw_wr_status(const pgw_wr *w);

/* Records a failure from a layer above (e.g. an encoder's argument check). */
void pgw_wr_fail(pgw_wr *w, pgw_rc rc);

/* Internal to pgwire/: offset of the next byte to be written inside the open message, and a
 * patch of an int32 at such an offset (DataRow field lengths known only after the field). */
size_t pgw__wr_offset(const pgw_wr *w);
void pgw__wr_patch_i32(pgw_wr *w, size_t offset, int32_t v);

#endif
