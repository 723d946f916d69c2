/* px_param_numeric.c — a binary numeric parameter (numeric_send's layout, see px_binary.h) →
 * numeric's text.
 *
 * As numeric_recv: the sign must be one of the five PostgreSQL knows, dscale within 0..0x3FFF,
 * every digit below 10000 (22P03 otherwise); digits the dscale hides are truncated away. Then as
 * numeric_out: the integer part without leading zeros (at least "0"), then exactly dscale
 * fraction digits; a '-' only when the truncated value is not zero.
 */
#include <string.h>

#include "px_param_int.h"

#define SIGN_POS  0x0000
#define SIGN_NEG  0x4000
#define SIGN_NAN  0xC000
#define SIGN_PINF 0xD000
#define SIGN_NINF 0xF000

static uint16_t be16(const uint8_t *p) {
  return (uint16_t)px__param_be(p, 2);
}

typedef struct num_bin {
  const uint8_t *digits; /* ndigits big-endian int16 */
  long ndigits, weight, dscale;
} num_bin;

static long floor_div4(long p) {
  return p >= 0 ? p / 4 : -((-p + 3) / 4);
}

/* The decimal digit of power p (the value's digit times 10^p). */
static int digit_at(const num_bin *v, long p) {
  static const int POW10[4] = {1, 10, 100, 1000};
  long g = floor_div4(p);
  long i = v->weight - g;
  if (i < 0 || i >= v->ndigits)
    return 0;
  return be16(v->digits + 2 * i) / POW10[p - 4 * g] % 10;
}

static px_status invalid(pgw_error *err, const char *what) {
  pgw_error_set(err, "ERROR", "22P03", "invalid %s in external \"numeric\" value", what);
  return PX_INVAL;
}

px_status px__param_numeric(const uint8_t *d, size_t n, uint16_t index, pgw_buf *out,
                            pgw_error *err) {
  if (n < 8)
    return px__param_bad_format(index, err);
  int16_t ndigits = (int16_t)be16(d);
  if (ndigits < 0 || n != 8 + 2 * (size_t)ndigits)
    return px__param_bad_format(index, err);
  num_bin v = {d + 8, ndigits, (int16_t)be16(d + 2), be16(d + 6)};
  uint16_t sign = be16(d + 4);
  if (sign != SIGN_POS && sign != SIGN_NEG && sign != SIGN_NAN && sign != SIGN_PINF &&
      sign != SIGN_NINF)
    return invalid(err, "sign");
  if (v.dscale > 0x3FFF)
    return invalid(err, "scale");
  for (long i = 0; i < v.ndigits; i++) {
    if (be16(v.digits + 2 * i) >= 10000)
      return invalid(err, "digit");
  }
  if (sign == SIGN_NAN)
    return px__param_buf_status(pgw_buf_append(out, "NaN", 3));
  if (sign == SIGN_PINF)
    return px__param_buf_status(pgw_buf_append(out, "Infinity", 8));
  if (sign == SIGN_NINF)
    return px__param_buf_status(pgw_buf_append(out, "-Infinity", 9));

  /* The highest non-zero decimal digit at or above the dscale cut. */
  long top = 4 * v.weight + 3, low = -v.dscale;
  long hi = low - 1;
  for (long p = top; p >= low; p--) {
    if (digit_at(&v, p) != 0) {
      hi = p;
      break;
    }
  }
  char piece[256];
  size_t w = 0;
  px_status st = PX_OK;
#define EMIT(c)                                                                                    \
  do {                                                                                             \
    piece[w++] = (c);                                                                              \
    if (w == sizeof piece) {                                                                       \
      st = px__param_buf_status(pgw_buf_append(out, piece, w));                                    \
      w = 0;                                                                                       \
      if (st != PX_OK)                                                                             \
        return st;                                                                                 \
    }                                                                                              \
  } while (0)
  if (sign == SIGN_NEG && hi >= low)
    EMIT('-');
  if (hi < 0) {
    EMIT('0');
  } else {
    for (long p = hi; p >= 0; p--)
      EMIT((char)('0' + digit_at(&v, p)));
  }
  if (v.dscale > 0) {
    EMIT('.');
    for (long p = -1; p >= low; p--)
      EMIT((char)('0' + digit_at(&v, p)));
  }
#undef EMIT
  return px__param_buf_status(pgw_buf_append(out, piece, w));
}
