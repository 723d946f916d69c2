/* px_param_time.c — binary date/time parameters → ISO text (DateStyle ISO, what every
 * PostgreSQL and Redshift input function reads whatever the session's DateStyle).
 *
 * Range checks are those of PostgreSQL's *_recv: dates and timestamps outside PostgreSQL's range
 * (22008), time outside 00:00..24:00 (22008), a timetz zone beyond ±15:59:59 (22009). timestamptz
 * is written in UTC with "+00", so the session's TimeZone cannot change the instant.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "px_binary_int.h"
#include "px_param_int.h"

/* "YYYY-MM-DD" (at least four year digits) for days since 2000-01-01; *bc for years <= 0. */
static int format_date(int64_t days, char *buf, size_t cap, bool *bc) {
  int64_t y;
  int m, d;
  px__civil_from_days(days, &y, &m, &d);
  *bc = y <= 0;
  if (*bc)
    y = 1 - y;
  return snprintf(buf, cap, "%04" PRId64 "-%02d-%02d", y, m, d);
}

/* "HH:MM:SS" and the fraction without trailing zeros. usec in 0..USECS_PER_DAY. */
static int format_clock(int64_t usec, char *buf, size_t cap) {
  int64_t sec = usec / 1000000, frac = usec % 1000000;
  int len = snprintf(buf, cap, "%02d:%02d:%02d", (int)(sec / 3600), (int)(sec / 60 % 60),
                     (int)(sec % 60));
  if (frac != 0) {
    int digits = 6;
    while (frac % 10 == 0) {
      frac /= 10;
      digits--;
    }
    len += snprintf(buf + len, cap - (size_t)len, ".%0*" PRId64, digits, frac);
  }
  return len;
}

/* Seconds EAST of UTC → "+HH", "+HH:MM" or "+HH:MM:SS" as PostgreSQL prints offsets. */
static int format_offset(int32_t east, char *buf, size_t cap) {
  char sign = east < 0 ? '-' : '+';
  int32_t a = east < 0 ? -east : east;
  if (a % 60 != 0)
    return snprintf(buf, cap, "%c%02d:%02d:%02d", sign, a / 3600, a / 60 % 60, a % 60);
  if (a % 3600 != 0)
    return snprintf(buf, cap, "%c%02d:%02d", sign, a / 3600, a / 60 % 60);
  return snprintf(buf, cap, "%c%02d", sign, a / 3600);
}

static px_status out_of_range(pgw_error *err, const char *sqlstate, const char *what) {
  pgw_error_set(err, "ERROR", sqlstate, "%s out of range", what);
  return PX_INVAL;
}

static px_status put(pgw_buf *out, const char *s, int n) {
  return px__param_buf_status(pgw_buf_append(out, s, (size_t)n));
}

/* Floor division and modulo of µs by a day, for negative timestamps. */
static void split_day(int64_t ts, int64_t *days, int64_t *usec) {
  *days = ts / PX__USECS_PER_DAY;
  *usec = ts % PX__USECS_PER_DAY;
  if (*usec < 0) {
    *usec += PX__USECS_PER_DAY;
    (*days)--;
  }
}

static px_status interval_text(const uint8_t *d, pgw_buf *out) {
  int64_t usec = (int64_t)px__param_be(d, 8);
  int32_t days = (int32_t)(uint32_t)px__param_be(d + 8, 4);
  int32_t months = (int32_t)(uint32_t)px__param_be(d + 12, 4);
  /* "M mons D days [-]H:MM:SS.ffffff": interval_in reads each part with its own sign. */
  char buf[96];
  uint64_t a = usec < 0 ? (uint64_t)0 - (uint64_t)usec : (uint64_t)usec;
  int len = snprintf(buf, sizeof buf, "%" PRId32 " mons %" PRId32 " days %s%02" PRIu64 ":%02d:%02d",
                     months, days, usec < 0 ? "-" : "", a / 3600000000u, (int)(a / 60000000u % 60),
                     (int)(a / 1000000u % 60));
  if (a % 1000000u != 0)
    len += snprintf(buf + len, sizeof buf - (size_t)len, ".%06d", (int)(a % 1000000u));
  return put(out, buf, len);
}

px_status px__param_datetime(uint32_t oid, const uint8_t *d, size_t n, uint16_t index, pgw_buf *out,
                             pgw_error *err) {
  char buf[96];
  int len;
  bool bc;
  switch (oid) {
  case PX_OID_DATE: { /* date */
    if (n != 4)
      return px__param_bad_format(index, err);
    int32_t days = (int32_t)(uint32_t)px__param_be(d, 4);
    if (days == INT32_MIN)
      return put(out, "-infinity", 9);
    if (days == INT32_MAX)
      return put(out, "infinity", 8);
    if (days < PX__DATE_MIN_DAYS || days >= PX__DATE_END_DAYS)
      return out_of_range(err, "22008", "date");
    len = format_date(days, buf, sizeof buf, &bc);
    if (bc)
      len += snprintf(buf + len, sizeof buf - (size_t)len, " BC");
    return put(out, buf, len);
  }
  case PX_OID_TIME:     /* time */
  case PX_OID_TIMETZ: { /* timetz */
    if (n != (oid == PX_OID_TIME ? 8u : 12u))
      return px__param_bad_format(index, err);
    int64_t usec = (int64_t)px__param_be(d, 8);
    if (usec < 0 || usec > PX__USECS_PER_DAY)
      return out_of_range(err, "22008", "time");
    len = format_clock(usec, buf, sizeof buf);
    if (oid == PX_OID_TIMETZ) {
      int32_t west = (int32_t)(uint32_t)px__param_be(d + 8, 4);
      if (west <= -57600 || west >= 57600) {
        pgw_error_set(err, "ERROR", "22009", "time zone displacement out of range");
        return PX_INVAL;
      }
      len += format_offset(-west, buf + len, sizeof buf - (size_t)len);
    }
    return put(out, buf, len);
  }
  case PX_OID_TIMESTAMP:     /* timestamp */
  case PX_OID_TIMESTAMPTZ: { /* timestamptz */
    if (n != 8)
      return px__param_bad_format(index, err);
    int64_t ts = (int64_t)px__param_be(d, 8);
    if (ts == INT64_MIN)
      return put(out, "-infinity", 9);
    if (ts == INT64_MAX)
      return put(out, "infinity", 8);
    if (ts < PX__TS_MIN || ts >= PX__TS_END)
      return out_of_range(err, "22008", "timestamp");
    int64_t days, usec;
    split_day(ts, &days, &usec);
    len = format_date(days, buf, sizeof buf, &bc);
    buf[len++] = ' ';
    len += format_clock(usec, buf + len, sizeof buf - (size_t)len);
    if (oid == PX_OID_TIMESTAMPTZ)
      len += snprintf(buf + len, sizeof buf - (size_t)len, "+00");
    if (bc)
      len += snprintf(buf + len, sizeof buf - (size_t)len, " BC");
    return put(out, buf, len);
  }
  case PX_OID_INTERVAL: /* interval */
    if (n != 16)
      return px__param_bad_format(index, err);
    return interval_text(d, out);
  default:
    return px__param_bad_format(index, err);
  }
}
