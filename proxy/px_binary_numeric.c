/* px_binary_numeric.c — numeric text → PostgreSQL's binary numeric (numeric_send):
 *
 *   int16 ndigits, int16 weight, uint16 sign, int16 dscale, ndigits × int16 base-10000 digits
 *
 * The value is sum(digit[i] × 10000^(weight - i)); digits carry no leading or trailing zero
 * groups (zero has none, weight 0 and sign positive); dscale is the number of decimal digits
 * after the point that the text shows. NaN, Infinity and -Infinity have no digits and the signs
 * 0xC000, 0xD000, 0xF000 (PostgreSQL 14+), with dscale 0, 32, 32 as PostgreSQL 15 sends them.
 *
 * The decimal digits are grouped straight from the text, by their power of ten: nothing goes
 * through a double or a big buffer, so values of any size numeric allows take no allocation.
 */
#include <string.h>

#include "px_binary_int.h"

#define SIGN_POS  0x0000
#define SIGN_NEG  0x4000
#define SIGN_NAN  0xC000
#define SIGN_PINF 0xD000
#define SIGN_NINF 0xF000

/* PostgreSQL's limits: 131072 digits before the point, 16383 after (NUMERIC_DSCALE_MAX). */
#define MAX_INT_DIGITS   131072L
#define MAX_DSCALE       16383L
#define MAX_ABS_EXP      100000000L
#define GROUPS_PER_PIECE 128

typedef struct num_text {
  uint16_t special; /* 0 for a number, else the sign word of NaN / ±Infinity */
  bool negative;
  const char *ip; /* integer digits (borrowed) */
  size_t il;
  const char *fp; /* fraction digits (borrowed) */
  size_t fl;
  long exp;
} num_text;

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool equals_nocase(const char *s, size_t n, const char *lit) {
  if (n != strlen(lit))
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    if (c != lit[i])
      return false;
  }
  return true;
}

static bool scan(const char *s, size_t n, num_text *t) {
  memset(t, 0, sizeof *t);
  while (n > 0 && is_blank(s[0])) {
    s++;
    n--;
  }
  while (n > 0 && is_blank(s[n - 1]))
    n--;
  if (equals_nocase(s, n, "nan")) {
    t->special = SIGN_NAN;
    return true;
  }
  size_t i = 0;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    t->negative = s[i] == '-';
    i++;
  }
  if (equals_nocase(s + i, n - i, "infinity") || equals_nocase(s + i, n - i, "inf")) {
    t->special = t->negative ? SIGN_NINF : SIGN_PINF;
    return true;
  }
  t->ip = s + i;
  while (i < n && is_digit(s[i]))
    i++;
  t->il = (size_t)(s + i - t->ip);
  t->fp = s + i;
  if (i < n && s[i] == '.') {
    t->fp = s + ++i;
    while (i < n && is_digit(s[i]))
      i++;
    t->fl = (size_t)(s + i - t->fp);
  }
  if (t->il + t->fl == 0)
    return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      neg = s[i] == '-';
      i++;
    }
    if (i >= n)
      return false;
    long x = 0;
    for (; i < n && is_digit(s[i]); i++) {
      if (x <= MAX_ABS_EXP)
        x = x * 10 + (s[i] - '0');
    }
    if (x > MAX_ABS_EXP)
      return false;
    t->exp = neg ? -x : x;
  }
  return i == n;
}

/* The decimal digit of power p (value × 10^p) in t: 0 outside the written digits. */
static int digit_at_power(const num_text *t, long point, long p) {
  long i = point - 1 - p; /* index into the digits I F */
  if (i < 0 || i >= (long)(t->il + t->fl))
    return 0;
  char c = i < (long)t->il ? t->ip[i] : t->fp[i - (long)t->il];
  return c - '0';
}

static long floor_div4(long p) {
  return p >= 0 ? p / 4 : -((-p + 3) / 4);
}

/* The layout of a finite value. */
typedef struct num_layout {
  long point;       /* the decimal point sits before digit index `point` of I F */
  long weight, low; /* highest and lowest base-10000 group; meaningless when zero */
  bool zero;
  long dscale;
} num_layout;

static bool layout(const num_text *t, num_layout *l) {
  long total = (long)(t->il + t->fl);
  l->point = (long)t->il + t->exp;
  l->dscale = (long)t->fl - t->exp;
  if (l->dscale < 0)
    l->dscale = 0;
  long first = -1, last = -1;
  for (long i = 0; i < total; i++) {
    char c = i < (long)t->il ? t->ip[i] : t->fp[i - (long)t->il];
    if (c != '0') {
      if (first < 0)
        first = i;
      last = i;
    }
  }
  l->zero = first < 0;
  if (l->dscale > MAX_DSCALE)
    return false;
  if (l->zero) {
    l->weight = l->low = 0;
    return true;
  }
  long p_hi = l->point - 1 - first, p_lo = l->point - 1 - last;
  if (p_hi + 1 > MAX_INT_DIGITS)
    return false;
  l->weight = floor_div4(p_hi);
  l->low = floor_div4(p_lo);
  /* ndigits is an int16 on the wire. */
  return l->weight - l->low + 1 <= INT16_MAX;
}

bool px__numeric_valid(const char *s, size_t n) {
  num_text t;
  num_layout l;
  return scan(s, n, &t) && (t.special != 0 || layout(&t, &l));
}

px_text_rc px__binary_numeric(pgw_datarow *row, const char *s, size_t n) {
  num_text t;
  num_layout l;
  if (!scan(s, n, &t))
    return PX_TEXT_EINVAL;
  uint8_t head[8];
  if (t.special != 0) {
    memset(head, 0, sizeof head);
    px__put_be16(head + 4, t.special);
    /* PostgreSQL reads the dscale of ±Infinity from bits of their short header that happen to
     * make 32 (numeric_send of 'Infinity' is 0000 0000 d000 0020); NaN's give 0. Sent alike. */
    if (t.special != SIGN_NAN)
      px__put_be16(head + 6, 32);
    pgw_enc_datarow_field(row, head, sizeof head);
    return PX_TEXT_OK;
  }
  if (!layout(&t, &l))
    return PX_TEXT_EINVAL;
  long ndigits = l.zero ? 0 : l.weight - l.low + 1;
  px__put_be16(head, (uint16_t)ndigits);
  px__put_be16(head + 2, (uint16_t)(int16_t)(l.zero ? 0 : l.weight));
  px__put_be16(head + 4, (uint16_t)(t.negative && !l.zero ? SIGN_NEG : SIGN_POS));
  px__put_be16(head + 6, (uint16_t)l.dscale);
  if (ndigits <= GROUPS_PER_PIECE) {
    uint8_t whole[8 + 2 * GROUPS_PER_PIECE];
    memcpy(whole, head, 8);
    for (long g = 0; g < ndigits; g++) {
      long base = 4 * (l.weight - g);
      int v = digit_at_power(&t, l.point, base + 3) * 1000 +
              digit_at_power(&t, l.point, base + 2) * 100 +
              digit_at_power(&t, l.point, base + 1) * 10 + digit_at_power(&t, l.point, base);
      px__put_be16(whole + 8 + 2 * g, (uint16_t)v);
    }
    pgw_enc_datarow_field(row, whole, 8 + 2 * (size_t)ndigits);
    return PX_TEXT_OK;
  }
  pgw_enc_datarow_field_begin(row);
  pgw_enc_datarow_field_append(row, head, 8);
  uint8_t piece[2 * GROUPS_PER_PIECE];
  size_t used = 0;
  for (long g = 0; g < ndigits; g++) {
    long base = 4 * (l.weight - g);
    int v = digit_at_power(&t, l.point, base + 3) * 1000 +
            digit_at_power(&t, l.point, base + 2) * 100 +
            digit_at_power(&t, l.point, base + 1) * 10 + digit_at_power(&t, l.point, base);
    px__put_be16(piece + used, (uint16_t)v);
    used += 2;
    if (used == sizeof piece) {
      pgw_enc_datarow_field_append(row, piece, used);
      used = 0;
    }
  }
  pgw_enc_datarow_field_append(row, piece, used);
  pgw_enc_datarow_field_end(row);
  return PX_TEXT_OK;
}
