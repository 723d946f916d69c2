/* px_binary_int.h — internal to proxy/: the parsers and writers behind px_binary_field (and the
 * calendar arithmetic px_param shares with it to print binary parameters as text).
 *
 * Every writer appends one whole DataRow field, or nothing at all and returns PX_TEXT_EINVAL:
 * the text is checked completely before the first byte is written.
 */
#ifndef PX_BINARY_INT_H
#define PX_BINARY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_encode.h"
#include "px_text.h"

/* Microseconds per day and the day number of 2000-01-01 counted from 1970-01-01. */
#define PX__USECS_PER_DAY   INT64_C(86400000000)
#define PX__EPOCH_2000_DAYS 10957
/* PostgreSQL's date range as days since 2000-01-01: from 4714-11-24 BC (Julian day 0) up to,
 * not including, 5874898-01-01. */
#define PX__DATE_MIN_DAYS (-2451545)
#define PX__DATE_END_DAYS 2145031949
/* PostgreSQL's timestamp range in microseconds since 2000-01-01: from 4714-11-24 BC 00:00 up to,
 * not including, 294277-01-01 00:00 (MIN_TIMESTAMP, END_TIMESTAMP). */
#define PX__TS_MIN INT64_C(-211813488000000000)
#define PX__TS_END INT64_C(9223371331200000000)

/* Days since 2000-01-01 of the proleptic Gregorian date y-m-d (astronomical year: 1 BC is 0),
 * and back. Exact for any date PostgreSQL can hold, and far beyond. */
int64_t px__days_from_civil(int64_t y, int m, int d);
void px__civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* numeric text → binary numeric (see px_binary.h). Accepts what px__text_numeric accepts:
 * PostgreSQL's text ([+-]digits[.digits], NaN, [+-]Infinity, inf; blanks around) and exponent
 * forms ("1.5E-7"), within numeric's range. */
px_text_rc px__binary_numeric(pgw_datarow *row, const char *s, size_t n);

/* Whether s[0..n) is a numeric text px__binary_numeric accepts (for text parameters). */
bool px__numeric_valid(const char *s, size_t n);

/* Date/time texts as PostgreSQL prints them with DateStyle ISO (and the Data API sends them) →
 * their binary form. Fractions of any length are rounded to microseconds as PostgreSQL does;
 * "infinity" / "-infinity" for date and timestamps; a trailing " BC". */
px_text_rc px__binary_date(pgw_datarow *row, const char *s, size_t n);
px_text_rc px__binary_time(pgw_datarow *row, const char *s, size_t n, bool with_zone);
px_text_rc px__binary_timestamp(pgw_datarow *row, const char *s, size_t n, bool with_zone);
/* IntervalStyle postgres: "1 year 2 mons -3 days +04:05:06.5", "00:00:00". */
px_text_rc px__binary_interval(pgw_datarow *row, const char *s, size_t n);

/* Big-endian stores. */
static inline void px__put_be16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void px__put_be32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}
static inline void px__put_be64(uint8_t *p, uint64_t v) {
  px__put_be32(p, (uint32_t)(v >> 32));
  px__put_be32(p + 4, (uint32_t)v);
}

#endif
