/* px_binary_time.c — date, time, timetz, timestamp, timestamptz and interval texts (DateStyle
 * ISO, IntervalStyle postgres: what PostgreSQL prints and the Data API sends) → their binary
 * forms, and the calendar arithmetic behind them.
 *
 * Binary layouts (PostgreSQL's *_send): date int4 days since 2000-01-01 (INT32_MIN / INT32_MAX
 * for -infinity / infinity); time int8 µs since midnight; timetz that plus int4 seconds WEST of
 * UTC; timestamp(tz) int8 µs since 2000-01-01 00:00 (UTC for timestamptz; INT64_MIN / INT64_MAX
 * for ∓infinity); interval int8 µs, int4 days, int4 months.
 *
 * Calendar: the proleptic Gregorian days-from-civil algorithm (as PostgreSQL's date2j computes
 * for every date it accepts), years astronomical internally ("0044 BC" is year -43).
 */
#include <stdlib.h>
#include <string.h>

#include "px_binary_int.h"

int64_t px__days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                  /* 0..399 */
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1; /* 0..365, from March 1 */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* 0..146096 */
  return era * 146097 + doe - 719468 - PX__EPOCH_2000_DAYS;     /* 719468: 0000-03-01 */
}

void px__civil_from_days(int64_t days, int64_t *y, int *m, int *d) {
  int64_t z = days + PX__EPOCH_2000_DAYS + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int64_t y, int m) {
  static const int DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : DAYS[m - 1];
}

/* A cursor over the text. */
typedef struct cur {
  const char *s;
  size_t n, i;
} cur;

static bool at(const cur *c, char ch) {
  return c->i < c->n && c->s[c->i] == ch;
}

static bool eat(cur *c, char ch) {
  if (!at(c, ch))
    return false;
  c->i++;
  return true;
}

/* Between min and max decimal digits (max <= 18). */
static bool digits(cur *c, int min, int max, int64_t *out) {
  int64_t v = 0;
  int k = 0;
  while (k < max && c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
    v = v * 10 + (c->s[c->i] - '0');
    c->i++;
    k++;
  }
  *out = v;
  return k >= min && !(c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9');
}

/* ".fff…" after the seconds: microseconds, rounded like PostgreSQL (rint of the fraction as a
 * double times 10^6) when there are more than six digits. 0 when there is no fraction. */
static bool fraction(cur *c, int64_t *usec) {
  *usec = 0;
  if (!eat(c, '.'))
    return true;
  size_t start = c->i;
  while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
    c->i++;
  size_t len = c->i - start;
  if (len <= 6) {
    int64_t v = 0;
    for (size_t k = 0; k < 6; k++)
      v = v * 10 + (k < len ? c->s[start + k] - '0' : 0);
    *usec = v;
    return true;
  }
  char buf[64];
  if (len > sizeof buf - 2)
    len = sizeof buf - 2; /* digits beyond the 60th cannot move a rounding of 10^-6 */
  buf[0] = '.';
  memcpy(buf + 1, c->s + start, len);
  buf[len + 1] = '\0';
  *usec = (int64_t)__builtin_rint(strtod(buf, NULL) * 1e6);
  return true;
}

/* hh:mm:ss[.f] → µs; hour 24 only as 24:00:00, as PostgreSQL allows it. */
static bool clock(cur *c, int64_t *usec) {
  int64_t h, mi, se, f;
  if (!digits(c, 1, 2, &h) || !eat(c, ':') || !digits(c, 2, 2, &mi) || !eat(c, ':') ||
      !digits(c, 2, 2, &se) || !fraction(c, &f))
    return false;
  if (h > 24 || mi > 59 || se > 60)
    return false;
  *usec = ((h * 60 + mi) * 60 + se) * 1000000 + f;
  return *usec <= PX__USECS_PER_DAY;
}

/* [+-]hh[:mm[:ss]] → seconds EAST of UTC (as printed). "Z" is UTC. Where a zone is optional
 * (timetz: the Data API's text may lack it, dataapi-types.md §2.5), its absence means UTC. */
static bool zone(cur *c, int64_t *east) {
  if (eat(c, 'Z')) {
    *east = 0;
    return true;
  }
  bool neg;
  if (eat(c, '+'))
    neg = false;
  else if (eat(c, '-'))
    neg = true;
  else
    return false;
  int64_t h, m = 0, s = 0;
  if (!digits(c, 1, 2, &h))
    return false;
  if (eat(c, ':')) {
    if (!digits(c, 2, 2, &m))
      return false;
    if (eat(c, ':') && !digits(c, 2, 2, &s))
      return false;
  }
  if (h > 15 || m > 59 || s > 59) /* PostgreSQL's zone offsets stay within ±15:59:59 */
    return false;
  *east = (h * 60 + m) * 60 + s;
  if (neg)
    *east = -*east;
  return true;
}

/* "yyyy-mm-dd" → days since 2000-01-01, with the era fixed later by bc. */
static bool ymd(cur *c, int64_t *y, int64_t *m, int64_t *d) {
  return digits(c, 1, 9, y) && eat(c, '-') && digits(c, 2, 2, m) && eat(c, '-') &&
         digits(c, 2, 2, d);
}

/* " BC" at the very end. */
static bool bc_suffix(cur *c) {
  if (c->n - c->i == 3 && memcmp(c->s + c->i, " BC", 3) == 0) {
    c->i += 3;
    return true;
  }
  return false;
}

static bool to_days(int64_t y, int64_t m, int64_t d, bool bc, int64_t *days) {
  if (y == 0 || m < 1 || m > 12 || d < 1)
    return false;
  if (bc)
    y = 1 - y;
  if (d > days_in_month(y, (int)m))
    return false;
  *days = px__days_from_civil(y, (int)m, (int)d);
  return true;
}

static bool is_text(const char *s, size_t n, const char *lit) {
  return n == strlen(lit) && memcmp(s, lit, n) == 0;
}

px_text_rc px__binary_date(pgw_datarow *row, const char *s, size_t n) {
  uint8_t b[4];
  int64_t days;
  if (is_text(s, n, "infinity") || is_text(s, n, "-infinity")) {
    px__put_be32(b, s[0] == '-' ? (uint32_t)INT32_MIN : (uint32_t)INT32_MAX);
    pgw_enc_datarow_field(row, b, 4);
    return PX_TEXT_OK;
  }
  cur c = {s, n, 0};
  int64_t y, m, d;
  if (!ymd(&c, &y, &m, &d))
    return PX_TEXT_EINVAL;
  bool bc = bc_suffix(&c);
  if (c.i != n || !to_days(y, m, d, bc, &days) || days < PX__DATE_MIN_DAYS ||
      days >= PX__DATE_END_DAYS)
    return PX_TEXT_EINVAL;
  px__put_be32(b, (uint32_t)(int32_t)days);
  pgw_enc_datarow_field(row, b, 4);
  return PX_TEXT_OK;
}

px_text_rc px__binary_time(pgw_datarow *row, const char *s, size_t n, bool with_zone) {
  cur c = {s, n, 0};
  int64_t usec, east = 0;
  if (!clock(&c, &usec))
    return PX_TEXT_EINVAL;
  if (with_zone && c.i < n && !zone(&c, &east))
    return PX_TEXT_EINVAL;
  if (c.i != n)
    return PX_TEXT_EINVAL;
  uint8_t b[12];
  px__put_be64(b, (uint64_t)usec);
  if (!with_zone) {
    pgw_enc_datarow_field(row, b, 8);
    return PX_TEXT_OK;
  }
  px__put_be32(b + 8, (uint32_t)(int32_t)-east);
  pgw_enc_datarow_field(row, b, 12);
  return PX_TEXT_OK;
}

px_text_rc px__binary_timestamp(pgw_datarow *row, const char *s, size_t n, bool with_zone) {
  uint8_t b[8];
  if (is_text(s, n, "infinity") || is_text(s, n, "-infinity")) {
    px__put_be64(b, s[0] == '-' ? (uint64_t)INT64_MIN : (uint64_t)INT64_MAX);
    pgw_enc_datarow_field(row, b, 8);
    return PX_TEXT_OK;
  }
  cur c = {s, n, 0};
  int64_t y, m, d, usec, east = 0, days;
  if (!ymd(&c, &y, &m, &d) || !(eat(&c, ' ') || eat(&c, 'T')) || !clock(&c, &usec))
    return PX_TEXT_EINVAL;
  /* A timestamp without time zone that carries one is refused. A timestamptz without one is
   * taken as UTC, which is what the Data API converts every timestamptz to (a Java-style
   * "2024-06-12 19:30:45.0" without "+00" is a plausible variant of its text). */
  if (with_zone && c.i < n && c.s[c.i] != ' ' && !zone(&c, &east))
    return PX_TEXT_EINVAL;
  bool bc = bc_suffix(&c);
  if (c.i != n || !to_days(y, m, d, bc, &days))
    return PX_TEXT_EINVAL;
  /* Bound the day count before multiplying: far outside the range is refused without overflow. */
  if (days < PX__DATE_MIN_DAYS - 1 || days > PX__DATE_END_DAYS)
    return PX_TEXT_EINVAL;
  int64_t ts = days * PX__USECS_PER_DAY + usec - east * 1000000;
  if (ts < PX__TS_MIN || ts >= PX__TS_END)
    return PX_TEXT_EINVAL;
  px__put_be64(b, (uint64_t)ts);
  pgw_enc_datarow_field(row, b, 8);
  return PX_TEXT_OK;
}

static bool word(cur *c, const char *w) {
  size_t len = strlen(w);
  if (c->n - c->i < len || memcmp(c->s + c->i, w, len) != 0)
    return false;
  /* The unit word must end here (a space or the end of the text). */
  if (c->i + len < c->n && c->s[c->i + len] != ' ')
    return false;
  c->i += len;
  return true;
}

px_text_rc px__binary_interval(pgw_datarow *row, const char *s, size_t n) {
  cur c = {s, n, 0};
  int64_t months = 0, days = 0, usec = 0;
  bool any = false, had_time = false;
  while (c.i < n) {
    if (any && !eat(&c, ' '))
      return PX_TEXT_EINVAL;
    bool neg = eat(&c, '-');
    if (!neg)
      (void)eat(&c, '+');
    int64_t v;
    if (!digits(&c, 1, 18, &v))
      return PX_TEXT_EINVAL;
    any = true;
    if (at(&c, ':')) {
      /* The clock part: hours may be any number, minutes and seconds below 60. */
      int64_t mi, se, f;
      if (had_time || !eat(&c, ':') || !digits(&c, 2, 2, &mi) || !eat(&c, ':') ||
          !digits(&c, 2, 2, &se) || !fraction(&c, &f) || mi > 59 || se > 59)
        return PX_TEXT_EINVAL;
      int64_t t;
      if (__builtin_mul_overflow(v, INT64_C(3600000000), &t) ||
          __builtin_add_overflow(t, (mi * 60 + se) * 1000000 + f, &t))
        return PX_TEXT_EINVAL;
      usec = neg ? -t : t;
      had_time = true;
      continue;
    }
    if (!eat(&c, ' '))
      return PX_TEXT_EINVAL;
    if (v > INT32_MAX + INT64_C(1))
      return PX_TEXT_EINVAL;
    int64_t sv = neg ? -v : v;
    if (word(&c, "years") || word(&c, "year"))
      months += sv * 12;
    else if (word(&c, "mons") || word(&c, "mon"))
      months += sv;
    else if (word(&c, "days") || word(&c, "day"))
      days += sv;
    else
      return PX_TEXT_EINVAL;
    if (months < INT32_MIN || months > INT32_MAX || days < INT32_MIN || days > INT32_MAX)
      return PX_TEXT_EINVAL;
  }
  if (!any)
    return PX_TEXT_EINVAL;
  uint8_t b[16];
  px__put_be64(b, (uint64_t)usec);
  px__put_be32(b + 8, (uint32_t)(int32_t)days);
  px__put_be32(b + 12, (uint32_t)(int32_t)months);
  pgw_enc_datarow_field(row, b, 16);
  return PX_TEXT_OK;
}
