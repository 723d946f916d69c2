/*
 * emu_json.c — growable buffer with a sticky failure flag, and the JSON value writers.
 */
#include "emu_json.h"

#include <float.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No single allocation can be larger than this, so clamping max here keeps every size
 * computation below (len + n + 1, doubling the capacity) free of overflow. */
#define BUF_MAX_LIMIT (SIZE_MAX / 4)
#define BUF_MIN_CAP   256

void emu_buf_init(emu_buf *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max > BUF_MAX_LIMIT ? BUF_MAX_LIMIT : max;
  b->failed = false;
}

void emu_buf_free(emu_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->failed = false;
}

void emu_buf_reset(emu_buf *b) {
  b->len = 0;
  b->failed = false;
  if (b->data != NULL)
    b->data[0] = '\0';
}

/* Makes room for n more bytes plus the terminating NUL. Slow path of every append. */
static bool buf_grow(emu_buf *b, size_t n) {
  if (b->failed)
    return false;
  if (n > b->max - b->len) {
    b->failed = true;
    return false;
  }
  size_t want = b->len + n + 1;
  if (want <= b->cap)
    return true;
  size_t ncap = b->cap != 0 ? b->cap : BUF_MIN_CAP;
  while (ncap < want)
    ncap *= 2; /* cannot overflow: want <= BUF_MAX_LIMIT + 1 */
  /* Never allocate beyond what max allows; want itself always fits under that limit. */
  if (ncap > b->max + 1)
    ncap = b->max + 1;
  char *p = realloc(b->data, ncap);
  if (p == NULL) {
    b->failed = true;
    return false;
  }
  b->data = p;
  b->cap = ncap;
  b->data[b->len] = '\0'; /* keeps the invariant for a first allocation by emu_buf_reserve */
  return true;
}

/* True when n bytes plus the NUL fit without growing. Because cap <= max + 1, it also
 * guarantees len + n <= max. */
static inline bool buf_has_room(const emu_buf *b, size_t n) {
  return !b->failed && n < b->cap - b->len;
}

char *emu_buf_reserve(emu_buf *b, size_t n) {
  if (!buf_has_room(b, n) && !buf_grow(b, n))
    return NULL;
  return b->data + b->len;
}

void emu_buf_commit(emu_buf *b, size_t k) {
  if (b->failed || k == 0)
    return;
  if (k >= b->cap - b->len) {
    /* More than was reserved: a caller bug; refuse rather than write past the end. */
    b->failed = true;
    return;
  }
  b->len += k;
  b->data[b->len] = '\0';
}

void emu_buf_truncate(emu_buf *b, size_t len) {
  if (len >= b->len)
    return;
  b->len = len;
  b->data[len] = '\0';
}

void emu_buf__append_slow(emu_buf *b, const void *p, size_t n) {
  if (n == 0)
    return;
  if (!buf_has_room(b, n) && !buf_grow(b, n))
    return;
  memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void emu_buf_puts(emu_buf *b, const char *s) {
  emu_buf_append(b, s, strlen(s));
}

void emu_buf__putc_slow(emu_buf *b, char c) {
  if (!buf_has_room(b, 1) && !buf_grow(b, 1))
    return;
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
}

void emu_buf_printf(emu_buf *b, const char *fmt, ...) {
  if (b->failed)
    return;
  size_t room = b->cap - b->len; /* includes the NUL's byte; 0 before the first allocation */
  va_list ap;
  va_start(ap, fmt);
  int r = vsnprintf(room != 0 ? b->data + b->len : NULL, room, fmt, ap);
  va_end(ap);
  if (r < 0 || ((size_t)r >= room && !buf_grow(b, (size_t)r))) {
    /* vsnprintf may have written a truncated text over the terminating NUL: restore it. */
    b->failed = true;
    if (b->data != NULL)
      b->data[b->len] = '\0';
    return;
  }
  if ((size_t)r >= room) {
    va_start(ap, fmt);
    r = vsnprintf(b->data + b->len, (size_t)r + 1, fmt, ap);
    va_end(ap);
    if (r < 0) {
      b->failed = true;
      b->data[b->len] = '\0';
      return;
    }
  }
  b->len += (size_t)r;
}

/* ---- strings ---------------------------------------------------------------------------- */

/* Byte classes for emu_json_str: 0 copies as is, 1 needs an escape, 2 starts a multi-byte
 * UTF-8 sequence (or is not valid UTF-8 at all). */
enum { CLS_PLAIN = 0, CLS_ESCAPE = 1, CLS_HIGH = 2 };

/* One row per 16 byte values reads better than clang-format's one value per line. */
/* clang-format off */
#define R16(v) v, v, v, v, v, v, v, v, v, v, v, v, v, v, v, v
static const unsigned char byte_class[256] = {
    R16(CLS_ESCAPE), /* 0x00-0x0f */
    R16(CLS_ESCAPE), /* 0x10-0x1f */
    0, 0, CLS_ESCAPE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20-0x2f: '"' is 0x22 */
    R16(CLS_PLAIN),  /* 0x30-0x3f */
    R16(CLS_PLAIN),  /* 0x40-0x4f */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, CLS_ESCAPE, 0, 0, 0, /* 0x50-0x5f: '\\' is 0x5c */
    R16(CLS_PLAIN),  /* 0x60-0x6f */
    R16(CLS_PLAIN),  /* 0x70-0x7f: DEL needs no escape in JSON */
    R16(CLS_HIGH), R16(CLS_HIGH), R16(CLS_HIGH), R16(CLS_HIGH), /* 0x80-0xbf */
    R16(CLS_HIGH), R16(CLS_HIGH), R16(CLS_HIGH), R16(CLS_HIGH), /* 0xc0-0xff */
};
#undef R16
/* clang-format on */

/* 8 bytes at a time: true when none of them is < 0x20, '"', '\\' or >= 0x80. Text fields are
 * mostly plain ASCII, so this skips most of the per-byte table lookups. The bit tricks are exact
 * as booleans ("has a zero byte" / "has a byte < n" for n <= 128). */
static inline bool word_is_plain(uint64_t v) {
  const uint64_t ones = 0x0101010101010101u;
  const uint64_t highs = 0x8080808080808080u;
  uint64_t q = v ^ (ones * '"');
  uint64_t bs = v ^ (ones * '\\');
  uint64_t ctl = (v - ones * 0x20) & ~v;
  uint64_t zq = (q - ones) & ~q;
  uint64_t zb = (bs - ones) & ~bs;
  return ((ctl | zq | zb | v) & highs) == 0;
}

/* Checks the UTF-8 sequence starting at p[0] (a byte >= 0x80) against Unicode's table of
 * well-formed sequences (no overlongs, no surrogates, nothing above U+10FFFF). Returns its length
 * and sets *ok; when ill-formed, returns the length of the maximal subpart to replace (>= 1). */
static size_t utf8_seq(const unsigned char *p, size_t avail, bool *ok) {
  unsigned char c = p[0];
  unsigned char lo = 0x80, hi = 0xBF;
  size_t need;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0)
      lo = 0xA0; /* overlong below U+0800 */
    else if (c == 0xED)
      hi = 0x9F; /* surrogates U+D800..U+DFFF */
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0)
      lo = 0x90; /* overlong below U+10000 */
    else if (c == 0xF4)
      hi = 0x8F; /* above U+10FFFF */
  } else {
    *ok = false; /* continuation byte, C0/C1 (always overlong) or F5..FF */
    return 1;
  }
  for (size_t k = 1; k <= need; k++) {
    if (k >= avail || p[k] < lo || p[k] > hi) {
      *ok = false;
      return k;
    }
    lo = 0x80;
    hi = 0xBF;
  }
  *ok = true;
  return need + 1;
}

static const char hex_lower[] = "0123456789abcdef";

/* Appends the escape for one byte of class CLS_ESCAPE. */
static void put_escape(emu_buf *b, unsigned char c) {
  char e[6] = {'\\', 0, 0, 0, 0, 0};
  size_t n = 2;
  switch (c) {
  case '"':
    e[1] = '"';
    break;
  case '\\':
    e[1] = '\\';
    break;
  case '\b':
    e[1] = 'b';
    break;
  case '\f':
    e[1] = 'f';
    break;
  case '\n':
    e[1] = 'n';
    break;
  case '\r':
    e[1] = 'r';
    break;
  case '\t':
    e[1] = 't';
    break;
  default:
    e[1] = 'u';
    e[2] = '0';
    e[3] = '0';
    e[4] = hex_lower[c >> 4];
    e[5] = hex_lower[c & 0xF];
    n = 6;
    break;
  }
  emu_buf_append(b, e, n);
}

void emu_json_str_body(emu_buf *b, const char *s, size_t n) {
  if (b->failed || n == 0)
    return;
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  size_t run = 0; /* start of the pending stretch that needs no escaping */
  while (i < n) {
    if (n - i >= 8) {
      uint64_t w;
      memcpy(&w, p + i, 8);
      if (word_is_plain(w)) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    unsigned char cls = byte_class[c];
    if (cls == CLS_PLAIN) {
      i++;
      continue;
    }
    if (cls == CLS_HIGH) {
      bool ok;
      size_t k = utf8_seq(p + i, n - i, &ok);
      if (ok) {
        i += k; /* valid UTF-8 is copied as is, part of the run */
        continue;
      }
      emu_buf_append(b, p + run, i - run);
      emu_buf_append(b, "\\ufffd", 6);
      i += k;
      run = i;
      continue;
    }
    emu_buf_append(b, p + run, i - run);
    put_escape(b, c);
    i++;
    run = i;
  }
  emu_buf_append(b, p + run, n - run);
}

void emu_json_str(emu_buf *b, const char *s, size_t n) {
  /* The common case (no escapes) needs exactly n + 2 bytes: get them in one step. */
  if (emu_buf_reserve(b, n > BUF_MAX_LIMIT ? n : n + 2) == NULL)
    return;
  emu_buf_putc(b, '"');
  emu_json_str_body(b, s, n);
  emu_buf_putc(b, '"');
}

void emu_json_cstr(emu_buf *b, const char *s) {
  if (s == NULL)
    s = "";
  emu_json_str(b, s, strlen(s));
}

/* ---- numbers ---------------------------------------------------------------------------- */

/* Writes the decimal digits of u ending just before end; returns the first digit. */
static char *utoa_rev(uint64_t u, char *end) {
  char *p = end;
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u != 0);
  return p;
}

void emu_json_int(emu_buf *b, int64_t v) {
  char tmp[24];
  char *end = tmp + sizeof tmp;
  /* Negate in unsigned arithmetic so INT64_MIN has a magnitude too. */
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  char *p = utoa_rev(u, end);
  if (v < 0)
    *--p = '-';
  emu_buf_append(b, p, (size_t)(end - p));
}

void emu_json_bool(emu_buf *b, bool v) {
  if (v)
    emu_buf_append(b, "true", 4);
  else
    emu_buf_append(b, "false", 5);
}

/* Prints v with %.{prec}g into tmp and reports whether it reads back as v. */
static bool print_round_trips(double v, int prec, char *tmp, size_t size) {
  int r = snprintf(tmp, size, "%.*g", prec, v);
  if (r < 0 || (size_t)r >= size)
    return false;
  return strtod(tmp, NULL) == v;
}

void emu_json_double(emu_buf *b, double v) {
  if (v != v) {
    emu_buf_append(b, "\"NaN\"", 5);
    return;
  }
  if (v > DBL_MAX) {
    emu_buf_append(b, "\"Infinity\"", 10);
    return;
  }
  if (v < -DBL_MAX) {
    emu_buf_append(b, "\"-Infinity\"", 11);
    return;
  }
  /* For a normal double, if some text of p <= 15 significant digits reads back as v, the
   * 15-digit rounding of v is that same text (v lies within half an ulp of it, far less than
   * half a step of the 15-digit grid), and %g drops the trailing zeros: so the first of 15, 16,
   * 17 that round-trips is the shortest, and 17 always does. Subnormals have fewer significant
   * bits, so their shortest text can have fewer digits than %.15g shows: search upwards. */
  char tmp[40];
  int prec = 15;
  if (v != 0 && v < DBL_MIN && v > -DBL_MIN)
    prec = 1;
  while (prec < 17 && !print_round_trips(v, prec, tmp, sizeof tmp))
    prec++;
  if (prec == 17 && !print_round_trips(v, 17, tmp, sizeof tmp)) {
    b->failed = true; /* unreachable with a correct libc: 17 digits always identify a double */
    return;
  }
  emu_buf_puts(b, tmp);
}

void emu_json_epoch(emu_buf *b, double unix_seconds) {
  /* NaN fails both comparisons. ±1e15 s is ±31 million years: far beyond any AWS timestamp,
   * and small enough that the millisecond count fits an int64 with room to spare. */
  if (!(unix_seconds >= -1e15 && unix_seconds <= 1e15)) {
    b->failed = true;
    return;
  }
  double ms_d = unix_seconds * 1000.0;
  int64_t ms = (int64_t)(ms_d < 0 ? ms_d - 0.5 : ms_d + 0.5); /* round half away from zero */
  char tmp[32];
  char *end = tmp + sizeof tmp;
  char *p = end;
  uint64_t mag = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
  unsigned frac = (unsigned)(mag % 1000);
  if (frac != 0) {
    char digits[3] = {(char)('0' + frac / 100), (char)('0' + frac / 10 % 10),
                      (char)('0' + frac % 10)};
    size_t nd = 3;
    while (digits[nd - 1] == '0')
      nd--;
    p -= nd;
    memcpy(p, digits, nd);
    *--p = '.';
  }
  p = utoa_rev(mag / 1000, p);
  if (ms < 0)
    *--p = '-';
  emu_buf_append(b, p, (size_t)(end - p));
}
