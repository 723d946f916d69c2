#include "pgw_buf.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* First allocation; small enough for thousands of idle connections, big enough that a typical
 * startup packet or short query needs no second allocation. */
#define PGW_BUF_MIN_ALLOC 256

void pgw_buf_init(pgw_buf *b, size_t max) {
  b->mem = NULL;
  b->size = 0;
  b->head = 0;
  b->len = 0;
  b->max = max;
}

void pgw_buf_free(pgw_buf *b) {
  free(b->mem);
  pgw_buf_init(b, b->max);
}

static size_t tail_room(const pgw_buf *b) {
  return b->size - b->head - b->len;
}

/* Grows geometrically so that n appends cost O(n) copies in total, never past the cap. */
static size_t next_size(const pgw_buf *b, size_t need) {
  size_t sz = b->size < PGW_BUF_MIN_ALLOC ? PGW_BUF_MIN_ALLOC : b->size;
  while (sz < need && sz <= SIZE_MAX / 2)
    sz *= 2;
  if (sz < need)
    sz = need;
  return sz > b->max ? b->max : sz;
}

pgw_rc pgw_buf_reserve(pgw_buf *b, size_t min, uint8_t **ptr, size_t *avail) {
  if (min > b->max - b->len)
    return PGW_ETOOBIG;
  if (tail_room(b) < min) {
    if (b->size - b->len >= min) {
      /* Enough space overall: slide the data to the front instead of allocating. */
      memmove(b->mem, b->mem + b->head, b->len);
      b->head = 0;
    } else {
      size_t sz = next_size(b, b->len + min);
      uint8_t *mem = realloc(b->mem, sz);
      if (mem == NULL)
        return PGW_ENOMEM;
      if (b->head > 0)
        memmove(mem, mem + b->head, b->len);
      b->mem = mem;
      b->size = sz;
      b->head = 0;
    }
  }
  size_t room = tail_room(b);
  size_t allowed = b->max - b->len;
  *avail = room < allowed ? room : allowed;
  *ptr = b->mem == NULL ? NULL : b->mem + b->head + b->len;
  return PGW_OK;
}

void pgw_buf_commit(pgw_buf *b, size_t n) {
  assert(n <= tail_room(b) && n <= b->max - b->len);
  b->len += n;
}

void pgw_buf_consume(pgw_buf *b, size_t n) {
  if (n >= b->len) {
    /* Empty again: restart at the front so the next reserve needs no memmove. */
    b->head = 0;
    b->len = 0;
  } else {
    b->head += n;
    b->len -= n;
  }
}

void pgw_buf_truncate(pgw_buf *b, size_t n) {
  if (n < b->len)
    b->len = n;
}

pgw_rc pgw_buf_append(pgw_buf *b, const void *src, size_t n) {
  /* The common case first, without the reserve call: there is room at the tail. DataRow
   * encoding appends every field (length, then bytes) here, so this is hot (bench_decode). */
  if (n <= tail_room(b) && n <= b->max - b->len) {
    if (n > 0) {
      memcpy(b->mem + b->head + b->len, src, n);
      b->len += n;
    }
    return PGW_OK;
  }
  uint8_t *dst;
  size_t avail;
  pgw_rc rc = pgw_buf_reserve(b, n, &dst, &avail);
  if (rc != PGW_OK)
    return rc;
  memcpy(dst, src, n);
  b->len += n;
  return PGW_OK;
}

const uint8_t *pgw_buf_data(const pgw_buf *b) {
  return b->len == 0 ? NULL : b->mem + b->head;
}

uint8_t *pgw__buf_data_mut(pgw_buf *b) {
  return b->len == 0 ? NULL : b->mem + b->head;
}

size_t pgw_buf_len(const pgw_buf *b) {
  return b->len;
}

size_t pgw_buf_max(const pgw_buf *b) {
  return b->max;
}
