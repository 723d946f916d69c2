#include "pgw_wr.h"

#include <string.h>

void pgw_wr_init(pgw_wr *w, pgw_buf *buf) {
  w->buf = buf;
  w->start = 0;
  w->open = false;
  w->rc = PGW_OK;
}

void pgw_wr_fail(pgw_wr *w, pgw_rc rc) {
  if (w->rc != PGW_OK || rc == PGW_OK)
    return;
  w->rc = rc;
  if (w->open) {
    /* Never leave half a message behind: the buffer must stay a sequence of whole messages. */
    pgw_buf_truncate(w->buf, w->start);
    w->open = false;
  }
}

static void put(pgw_wr *w, const void *src, size_t n) {
  if (w->rc != PGW_OK)
    return;
  if (!w->open) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_fail(w, pgw_buf_append(w->buf, src, n));
}

static void store_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

void pgw_wr_begin(pgw_wr *w, uint8_t type) {
  if (w->rc != PGW_OK)
    return;
  if (w->open) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  w->start = pgw_buf_len(w->buf);
  w->open = true;
  uint8_t hdr[5] = {type, 0, 0, 0, 0};
  put(w, hdr, sizeof hdr);
}

void pgw_wr_u8(pgw_wr *w, uint8_t v) {
  put(w, &v, 1);
}

void pgw_wr_i16(pgw_wr *w, int16_t v) {
  uint16_t u = (uint16_t)v;
  uint8_t b[2] = {(uint8_t)(u >> 8), (uint8_t)u};
  put(w, b, sizeof b);
}

void pgw_wr_i32(pgw_wr *w, int32_t v) {
  uint8_t b[4];
  store_be32(b, (uint32_t)v);
  put(w, b, sizeof b);
}

void pgw_wr_bytes(pgw_wr *w, const void *src, size_t n) {
  if (n > 0 && src == NULL) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  put(w, src, n);
}

void pgw_wr_cstr(pgw_wr *w, const char *s) {
  if (s == NULL) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  put(w, s, strlen(s) + 1);
}

pgw_rc pgw_wr_end(pgw_wr *w) {
  if (w->rc != PGW_OK)
    return w->rc;
  if (!w->open) {
    pgw_wr_fail(w, PGW_EPROTO);
    return w->rc;
  }
  /* The length counts itself but not the type byte. */
  size_t len = pgw_buf_len(w->buf) - w->start - 1;
  if (len > INT32_MAX) {
    pgw_wr_fail(w, PGW_ETOOBIG);
    return w->rc;
  }
  store_be32(pgw__buf_data_mut(w->buf) + w->start + 1, (uint32_t)len);
  w->open = false;
  return PGW_OK;
}

void pgw_wr_raw_u8(pgw_wr *w, uint8_t v) {
  if (w->rc != PGW_OK)
    return;
  if (w->open) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_fail(w, pgw_buf_append(w->buf, &v, 1));
}

pgw_rc pgw_wr_status(const pgw_wr *w) {
  return w->rc;
}

size_t pgw__wr_offset(const pgw_wr *w) {
  return pgw_buf_len(w->buf);
}

void pgw__wr_patch_i32(pgw_wr *w, size_t offset, int32_t v) {
  if (w->rc != PGW_OK)
    return;
  if (!w->open || offset < w->start + 5 || offset > pgw_buf_len(w->buf) - 4) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  store_be32(pgw__buf_data_mut(w->buf) + offset, (uint32_t)v);
}
