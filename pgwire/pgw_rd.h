/* pgw_rd.h — bounds-checked cursor over one message body (internal to pgwire/).
 *
 * Every getter returns false instead of reading past the end, and leaves the cursor where it
 * was, so a parser is a chain of getters joined with && and one EPROTO at the end.
 */
#ifndef PGW_RD_H
#define PGW_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct pgw__rd {
  const uint8_t *p; /* borrowed: the message body */
  size_t len;
  size_t pos;
} pgw__rd;

static inline void pgw__rd_init(pgw__rd *r, const uint8_t *p, size_t len) {
  r->p = p;
  r->len = len;
  r->pos = 0;
}

static inline size_t pgw__rd_left(const pgw__rd *r) {
  return r->len - r->pos;
}

static inline bool pgw__rd_u8(pgw__rd *r, uint8_t *v) {
  if (pgw__rd_left(r) < 1)
    return false;
  *v = r->p[r->pos++];
  return true;
}

static inline bool pgw__rd_u16(pgw__rd *r, uint16_t *v) {
  if (pgw__rd_left(r) < 2)
    return false;
  const uint8_t *b = r->p + r->pos;
  *v = (uint16_t)((b[0] << 8) | b[1]);
  r->pos += 2;
  return true;
}

static inline bool pgw__rd_u32(pgw__rd *r, uint32_t *v) {
  if (pgw__rd_left(r) < 4)
    return false;
  const uint8_t *b = r->p + r->pos;
  *v = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
  r->pos += 4;
  return true;
}

/* Two's complement without implementation-defined conversion. */
static inline int32_t pgw__i32_from_u32(uint32_t u) {
  return u <= INT32_MAX ? (int32_t)u : (int32_t)(u - 2147483648u) - INT32_MAX - 1;
}

static inline int16_t pgw__i16_from_u16(uint16_t u) {
  return u <= INT16_MAX ? (int16_t)u : (int16_t)((int32_t)u - 65536);
}

static inline bool pgw__rd_i32(pgw__rd *r, int32_t *v) {
  uint32_t u;
  if (!pgw__rd_u32(r, &u))
    return false;
  *v = pgw__i32_from_u32(u);
  return true;
}

static inline bool pgw__rd_bytes(pgw__rd *r, size_t n, const uint8_t **v) {
  if (pgw__rd_left(r) < n)
    return false;
  if (n == 0) {
    *v = NULL; /* an empty body may have a NULL base: no pointer arithmetic on it */
    return true;
  }
  *v = r->p + r->pos;
  r->pos += n;
  return true;
}

/* A NUL-terminated string whose NUL lies inside the body; *len excludes the NUL. */
static inline bool pgw__rd_cstr(pgw__rd *r, const char **s, size_t *len) {
  if (pgw__rd_left(r) == 0)
    return false;
  const uint8_t *start = r->p + r->pos;
  const uint8_t *nul = memchr(start, 0, pgw__rd_left(r));
  if (nul == NULL)
    return false;
  *s = (const char *)start;
  *len = (size_t)(nul - start);
  r->pos += *len + 1;
  return true;
}

static inline bool pgw__rd_end(const pgw__rd *r) {
  return r->pos == r->len;
}

static inline uint16_t pgw__be16(const uint8_t *b) {
  return (uint16_t)((b[0] << 8) | b[1]);
}

static inline uint32_t pgw__be32(const uint8_t *b) {
  return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

#endif
