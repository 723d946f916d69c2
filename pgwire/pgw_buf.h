/* pgw_buf.h — growable byte buffer with a mandatory hard cap.
 *
 * One type serves every byte stream of the proxy: bytes read from a client and not yet decoded,
 * encoded backend messages not yet written, a Data API response body. The cap is part of the
 * buffer (not of each caller) so that no code path can grow it without limit: growing past the
 * cap fails with PGW_ETOOBIG, distinct from PGW_ENOMEM (the allocator said no).
 *
 * Pointer lifetime: a pointer obtained from pgw_buf_data() or pgw_buf_reserve() is invalid after
 * the next call of pgw_buf_reserve, pgw_buf_commit, pgw_buf_consume, pgw_buf_append,
 * pgw_buf_truncate, pgw_buf_free or any writer call (pgw_wr.h) on the same buffer, because the
 * storage may move or be compacted.
 *
 * The fields are private: use the functions.
 */
#ifndef PGW_BUF_H
#define PGW_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "pgw_rc.h"

typedef struct pgw_buf {
  uint8_t *mem; /* owned; NULL until the first reserve */
  size_t size;  /* bytes allocated at mem */
  size_t head;  /* offset of the first unconsumed byte */
  size_t len;   /* unconsumed bytes, starting at mem + head */
  size_t max;   /* hard cap on len */
} pgw_buf;

/* Initialises an empty buffer that will never hold more than max bytes. Allocates nothing. */
void pgw_buf_init(pgw_buf *b, size_t max);

/* Releases the storage; the buffer is empty afterwards and may be reused (same cap). */
void pgw_buf_free(pgw_buf *b);

/* Makes room for at least min more bytes after the data and returns where they go in *ptr and
 * how many bytes may be written there in *avail (>= min, and never more than the cap allows).
 * Nothing counts as data until pgw_buf_commit. Suited to a libuv alloc_cb: reserve(b, 1, ...)
 * returns whatever room is left below the cap.
 * PGW_ETOOBIG: min > cap - len. PGW_ENOMEM: the allocator failed. The data is unchanged in
 * both cases. With min 0 the call never fails and *avail may be 0 (*ptr is then NULL). */
PGW_MUSTCHECK pgw_rc pgw_buf_reserve(pgw_buf *b, size_t min, uint8_t **ptr, size_t *avail);

/* Appends n bytes that the caller wrote into the room returned by the last pgw_buf_reserve.
 * Precondition (asserted): n <= that room's avail. */
void pgw_buf_commit(pgw_buf *b, size_t n);

/* Drops the first n bytes of data (n is clamped to pgw_buf_len). */
void pgw_buf_consume(pgw_buf *b, size_t n);

/* Drops all data after the first n bytes (no effect if n >= pgw_buf_len). */
void pgw_buf_truncate(pgw_buf *b, size_t n);

/* Copies n bytes to the end of the data. Same failures as pgw_buf_reserve; on failure nothing
 * is appended. */
PGW_MUSTCHECK pgw_rc pgw_buf_append(pgw_buf *b, const void *src, size_t n);

/* The unconsumed data (borrowed; see the lifetime rule above). NULL only when len is 0. */
const uint8_t *pgw_buf_data(const pgw_buf *b);
size_t pgw_buf_len(const pgw_buf *b);
size_t pgw_buf_max(const pgw_buf *b);

/* Writable view of already committed data, for patching a length field in place
 * (pgw_wr.h). Same lifetime rule as pgw_buf_data. NULL only when len is 0. */
uint8_t *pgw__buf_data_mut(pgw_buf *b);

#endif
