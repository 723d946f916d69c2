/* px_param_int.h — internal to proxy/: the binary parameter decoders of px_param_text that live
 * in files of their own. Each appends the text PostgreSQL's input function reads back as the same
 * value, or fills err (ERROR, the SQLSTATE PostgreSQL's *_recv uses) and returns PX_INVAL;
 * PX_NOMEM / PX_TOOBIG when out cannot grow. index is the 0-based parameter number.
 */
#ifndef PX_PARAM_INT_H
#define PX_PARAM_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pgw_buf.h"
#include "pgw_error.h"
#include "px_status.h"

/* numeric_recv's checks (sign, digits < 10000, dscale) and truncation to dscale, then
 * numeric_out's text. */
px_status px__param_numeric(const uint8_t *d, size_t n, uint16_t index, pgw_buf *out,
                            pgw_error *err);

/* date (4 bytes), time (8), timetz (12), timestamp / timestamptz (8), interval (16): ISO text
 * ("2024-06-12", "0044-03-15 BC", "14:30:45.5", "…+05:30", timestamptz in UTC with "+00"). */
px_status px__param_datetime(uint32_t oid, const uint8_t *d, size_t n, uint16_t index, pgw_buf *out,
                             pgw_error *err);

/* The big-endian unsigned integer in d[0..n), n <= 8: how Bind's binary values are laid out. */
static inline uint64_t px__param_be(const uint8_t *d, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++)
    v = v << 8 | d[i];
  return v;
}

/* pgw_rc of a buffer append → px_status. */
px_status px__param_buf_status(int pgw_rc_value);

/* 22P03 "incorrect binary data format in bind parameter n" (n 1-based), PX_INVAL. */
px_status px__param_bad_format(uint16_t index, pgw_error *err);

#endif
