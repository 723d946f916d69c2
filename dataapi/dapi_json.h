/*
 * dapi_json.h — JSON lexical helpers shared by the result decoder's general and fast paths.
 *
 * Internal to dataapi/. Everything is a pure function over [p, end) byte ranges and is static
 * inline on purpose: the fast path of dapi_result calls these once per field, so a real call would
 * cost as much as the work itself.
 */
#ifndef REDWIRE_DAPI_JSON_H
#define REDWIRE_DAPI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline bool dapi_json_is_ws(uint8_t c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline bool dapi_json_is_digit(uint8_t c) {
  return (uint8_t)(c - '0') < 10;
}

/* ---- string scanning ------------------------------------------------------------------------
 * A byte is "plain" when a JSON string can copy it verbatim without looking at it again: not '"',
 * not '\\', not a control byte (< 0x20, which JSON forbids raw) and ASCII (>= 0x80 starts a UTF-8
 * sequence that must be validated). The scanners return the first non-plain byte, or end.
 * Strings are the bulk of a result page, so this loop is where most of the decoding time goes. */

/* One byte at a time: the reference the other two are tested against. */
static inline const uint8_t *dapi_json_scan_plain_bytes(const uint8_t *p, const uint8_t *end) {
  while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x80)
    p++;
  return p;
}

/*
 * Eight bytes at a time (portable fallback). For each word, the high bit of a byte of `hit` is set
 * when the byte is non-plain. The subtraction tricks can also set bits ABOVE a true hit (a borrow
 * runs upward), never below one, so the lowest set bit on a little-endian load is always exact;
 * on a big-endian host the word is only used as a filter and the bytes are then checked one by one.
 */
static inline const uint8_t *dapi_json_scan_plain_swar(const uint8_t *p, const uint8_t *end) {
  const uint64_t ones = 0x0101010101010101u;
  const uint64_t highs = 0x8080808080808080u;
  while (end - p >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t q = w ^ (ones * '"');
    uint64_t b = w ^ (ones * '\\');
    uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w;
    hit &= highs;
    if (hit != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      return p + (__builtin_ctzll(hit) >> 3);
#else
      return dapi_json_scan_plain_bytes(p, end);
#endif
    }
    p += 8;
  }
  return dapi_json_scan_plain_bytes(p, end);
}

#if defined(__SSE2__)
/* Sixteen bytes at a time. A signed compare with 0x20 flags both control bytes and bytes >= 0x80
 * (negative as int8), which is exactly the non-plain set besides '"' and '\\'. */
static inline const uint8_t *dapi_json_scan_plain_sse2(const uint8_t *p, const uint8_t *end) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i bslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                             _mm_cmplt_epi8(v, space));
    unsigned mask = (unsigned)_mm_movemask_epi8(m);
    if (mask != 0)
      return p + __builtin_ctz(mask);
    p += 16;
  }
  return dapi_json_scan_plain_swar(p, end);
}
#endif

static inline const uint8_t *dapi_json_scan_plain(const uint8_t *p, const uint8_t *end) {
#if defined(__SSE2__)
  return dapi_json_scan_plain_sse2(p, end);
#else
  return dapi_json_scan_plain_swar(p, end);
#endif
}

/* ---- UTF-8 validation (RFC 3629), resumable byte by byte ------------------------------------
 * After a lead byte, `need` continuation bytes must follow; the first one must lie in [lo, hi]
 * (which rules out overlong forms, UTF-16 surrogates and code points above U+10FFFF), the rest in
 * [0x80, 0xBF]. The state survives chunk boundaries. */
typedef struct dapi_json_utf8 {
  uint8_t need;
  uint8_t lo;
  uint8_t hi;
} dapi_json_utf8;

/* Starts a sequence at lead byte b (>= 0x80). False when b cannot start one. */
static inline bool dapi_json_utf8_lead(dapi_json_utf8 *u, uint8_t b) {
  u->lo = 0x80;
  u->hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    u->need = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    u->need = 2;
    if (b == 0xE0)
      u->lo = 0xA0;
    else if (b == 0xED)
      u->hi = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    u->need = 3;
    if (b == 0xF0)
      u->lo = 0x90;
    else if (b == 0xF4)
      u->hi = 0x8F;
  } else {
    return false;
  }
  return true;
}

/* Takes one continuation byte of the current sequence. False when it is out of range. */
static inline bool dapi_json_utf8_cont(dapi_json_utf8 *u, uint8_t b) {
  if (b < u->lo || b > u->hi)
    return false;
  u->need--;
  u->lo = 0x80;
  u->hi = 0xBF;
  return true;
}

/*
 * Validates the whole sequence that starts at p (*p >= 0x80) when it lies within [p, end).
 * Returns its length (2-4), 0 when it is invalid, or -1 when end cuts it short.
 */
static inline int dapi_json_utf8_seq(const uint8_t *p, const uint8_t *end) {
  dapi_json_utf8 u;
  if (!dapi_json_utf8_lead(&u, p[0]))
    return 0;
  int len = 1 + u.need;
  if (end - p < len)
    return -1;
  for (int i = 1; i < len; i++)
    if (!dapi_json_utf8_cont(&u, p[i]))
      return 0;
  return len;
}

/* ---- numbers: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? -------------------------------- */
typedef enum dapi_json_num_state {
  DAPI_JSON_NUM_START = 0, /* nothing read */
  DAPI_JSON_NUM_MINUS,     /* "-" */
  DAPI_JSON_NUM_ZERO,      /* integer part is "0": accepting */
  DAPI_JSON_NUM_INT,       /* integer digits: accepting */
  DAPI_JSON_NUM_DOT,       /* "." read, a digit must follow */
  DAPI_JSON_NUM_FRAC,      /* fraction digits: accepting */
  DAPI_JSON_NUM_EXP_MARK,  /* "e"/"E" read */
  DAPI_JSON_NUM_EXP_SIGN,  /* exponent sign read */
  DAPI_JSON_NUM_EXP,       /* exponent digits: accepting */
} dapi_json_num_state;

typedef enum dapi_json_num_rc {
  DAPI_JSON_NUM_MORE = 0, /* reached end inside the number; it may go on in the next chunk */
  DAPI_JSON_NUM_DONE,     /* stopped at a byte that cannot continue it, in an accepting state */
  DAPI_JSON_NUM_BAD,      /* grammar violation at the returned position */
} dapi_json_num_rc;

static inline bool dapi_json_num_accepting(uint8_t st) {
  return st == DAPI_JSON_NUM_ZERO || st == DAPI_JSON_NUM_INT || st == DAPI_JSON_NUM_FRAC ||
         st == DAPI_JSON_NUM_EXP;
}

/*
 * Advances *pp over number bytes from state *st (a dapi_json_num_state), resumable across
 * chunks. On DONE *pp is the first byte after the number (not consumed); on BAD, the offending
 * byte (or end) with *st telling what was expected.
 */
static inline dapi_json_num_rc dapi_json_num_scan(uint8_t *st, const uint8_t **pp,
                                                  const uint8_t *end) {
  const uint8_t *p = *pp;
  uint8_t s = *st;
  dapi_json_num_rc rc = DAPI_JSON_NUM_MORE;
  for (; p < end; p++) {
    uint8_t c = *p;
    bool digit = dapi_json_is_digit(c);
    switch (s) {
    case DAPI_JSON_NUM_START:
      if (c == '-') {
        s = DAPI_JSON_NUM_MINUS;
        continue;
      }
      /* fall through */
    case DAPI_JSON_NUM_MINUS:
      if (!digit)
        goto bad;
      s = c == '0' ? DAPI_JSON_NUM_ZERO : DAPI_JSON_NUM_INT;
      continue;
    case DAPI_JSON_NUM_ZERO:
      if (digit)
        goto bad; /* leading zero: JSON has no octal-looking integers */
      /* fall through */
    case DAPI_JSON_NUM_INT:
      if (digit)
        continue;
      if (c == '.') {
        s = DAPI_JSON_NUM_DOT;
        continue;
      }
      if (c == 'e' || c == 'E') {
        s = DAPI_JSON_NUM_EXP_MARK;
        continue;
      }
      goto done;
    case DAPI_JSON_NUM_DOT:
      if (!digit)
        goto bad;
      s = DAPI_JSON_NUM_FRAC;
      continue;
    case DAPI_JSON_NUM_FRAC:
      if (digit)
        continue;
      if (c == 'e' || c == 'E') {
        s = DAPI_JSON_NUM_EXP_MARK;
        continue;
      }
      goto done;
    case DAPI_JSON_NUM_EXP_MARK:
      if (c == '+' || c == '-') {
        s = DAPI_JSON_NUM_EXP_SIGN;
        continue;
      }
      /* fall through */
    case DAPI_JSON_NUM_EXP_SIGN:
      if (!digit)
        goto bad;
      s = DAPI_JSON_NUM_EXP;
      continue;
    case DAPI_JSON_NUM_EXP:
      if (digit)
        continue;
      goto done;
    default:
      goto bad;
    }
  }
  goto out;
done:
  rc = DAPI_JSON_NUM_DONE;
  goto out;
bad:
  rc = DAPI_JSON_NUM_BAD;
out:
  *st = s;
  *pp = p;
  return rc;
}

/*
 * Converts the text of a valid JSON integer (no fraction, no exponent) to int64 without going
 * through a double. False when it does not fit: 9223372036854775808 does not, -9223372036854775808
 * does.
 */
static inline bool dapi_json_int64(const uint8_t *s, size_t n, int64_t *out) {
  static const char max_digits[] = "9223372036854775807";
  bool neg = n > 0 && s[0] == '-';
  const uint8_t *d = s + neg;
  size_t nd = n - neg;
  if (nd > 19)
    return false;
  if (nd == 19) {
    int cmp = memcmp(d, max_digits, 18);
    if (cmp > 0 || (cmp == 0 && d[18] > (uint8_t)('7' + neg)))
      return false;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < nd; i++)
    v = v * 10 + (uint64_t)(d[i] - '0');
  /* v may be 2^63 (for -9223372036854775808), which int64 cannot hold: negate v - 1 instead. */
  *out = !neg ? (int64_t)v : v == 0 ? 0 : -(int64_t)(v - 1) - 1;
  return true;
}

#endif
