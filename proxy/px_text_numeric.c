/* px_text_numeric.c — numeric values: PostgreSQL's text as sent, Java's exponent form written out.
 *
 * The Data API's metadata is JDBC's, and if its values come from BigDecimal.toString() a numeric
 * may arrive as "1E-7" (0.0000001), "0E-10" (0.0000000000, scale 10) or "1.23E+4" (12300, a
 * negative scale) — dataapi-types.md §3. BigDecimal's value is unscaled digits × 10^-scale, and
 * PostgreSQL prints exactly `scale` fraction digits (none when the scale is negative), so the
 * conversion is exact digit shuffling; nothing goes through a double.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "px_text_int.h"

/* PostgreSQL's numeric limits: NUMERIC_MAX_DISPLAY_SCALE-independent storage bounds of PG 15
 * (up to 131072 digits before the decimal point, up to 16383 after). */
#define MAX_INT_DIGITS  131072
#define MAX_FRAC_DIGITS 16383
/* Exponents beyond this cannot produce a value inside the limits above (with at most
 * dapi max_value_bytes mantissa digits, which is far below it). */
#define MAX_ABS_EXPONENT 100000000L

static const char ZEROS[64] = "0000000000000000000000000000000000000000000000000000000000000000";

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* The parts of "[+-]I[.F](E|e)[+-]X". */
typedef struct exp_form {
  bool negative;
  const char *int_digits; /* borrowed from the input */
  size_t int_len;
  const char *frac_digits; /* borrowed from the input */
  size_t frac_len;
  long exponent;
} exp_form;

static bool parse_exp_form(const char *s, size_t n, exp_form *f) {
  size_t i = 0;
  f->negative = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    f->negative = s[i] == '-';
    i++;
  }
  f->int_digits = s + i;
  while (i < n && is_digit(s[i]))
    i++;
  f->int_len = (size_t)(s + i - f->int_digits);
  f->frac_digits = s + i;
  f->frac_len = 0;
  if (i < n && s[i] == '.') {
    i++;
    f->frac_digits = s + i;
    while (i < n && is_digit(s[i]))
      i++;
    f->frac_len = (size_t)(s + i - f->frac_digits);
  }
  if (f->int_len + f->frac_len == 0)
    return false;
  if (i >= n || (s[i] != 'E' && s[i] != 'e'))
    return false;
  i++;
  bool exp_negative = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    exp_negative = s[i] == '-';
    i++;
  }
  if (i >= n)
    return false;
  long x = 0;
  for (; i < n; i++) {
    if (!is_digit(s[i]))
      return false;
    if (x <= MAX_ABS_EXPONENT)
      x = x * 10 + (s[i] - '0');
  }
  if (x > MAX_ABS_EXPONENT)
    return false;
  f->exponent = exp_negative ? -x : x;
  return true;
}

/* The unscaled digits I F, i.e. the concatenation, seen as one sequence. */
static char digit_at(const exp_form *f, size_t k) {
  return k < f->int_len ? f->int_digits[k] : f->frac_digits[k - f->int_len];
}

static void append_digits(pgw_datarow *row, const exp_form *f, size_t from, size_t to) {
  /* The digits lie in at most two runs: int_digits and frac_digits. */
  if (from < f->int_len) {
    size_t end = to < f->int_len ? to : f->int_len;
    pgw_enc_datarow_field_append(row, f->int_digits + from, end - from);
    from = end;
  }
  if (from < to)
    pgw_enc_datarow_field_append(row, f->frac_digits + (from - f->int_len), to - from);
}

static void append_zeros(pgw_datarow *row, size_t count) {
  while (count > 0) {
    size_t take = count < sizeof ZEROS ? count : sizeof ZEROS;
    pgw_enc_datarow_field_append(row, ZEROS, take);
    count -= take;
  }
}

px_text_rc px__text_numeric(pgw_datarow *row, const char *s, size_t n) {
  /* PostgreSQL's own numeric text (digits, '.', '-', NaN, Infinity) never holds an E. */
  if (memchr(s, 'E', n) == NULL && memchr(s, 'e', n) == NULL) {
    pgw_enc_datarow_field(row, s, n);
    return PX_TEXT_OK;
  }
  exp_form f;
  if (!parse_exp_form(s, n, &f))
    return PX_TEXT_EINVAL;

  /* value = U × 10^-scale, U the digits I F without the point. */
  size_t total = f.int_len + f.frac_len;
  size_t lead = 0;
  while (lead < total && digit_at(&f, lead) == '0')
    lead++;
  long scale = (long)f.frac_len - f.exponent;
  size_t sig = total - lead; /* U's digits without leading zeros; 0 when U = 0 */

  /* Digits before the point and after it in PostgreSQL's text. */
  size_t frac_out = scale > 0 ? (size_t)scale : 0;
  size_t int_out; /* without leading zeros; the text shows at least "0" */
  if (scale <= 0)
    int_out = sig == 0 ? 0 : sig + (size_t)(-scale);
  else
    int_out = sig > (size_t)scale ? sig - (size_t)scale : 0;
  if (int_out > MAX_INT_DIGITS || frac_out > MAX_FRAC_DIGITS)
    return PX_TEXT_EINVAL;

  pgw_enc_datarow_field_begin(row);
  if (f.negative && sig > 0) /* PostgreSQL's numeric has no negative zero */
    pgw_enc_datarow_field_append(row, "-", 1);
  if (int_out == 0) {
    pgw_enc_datarow_field_append(row, "0", 1);
  } else if (scale <= 0) {
    append_digits(row, &f, lead, total);
    append_zeros(row, (size_t)(-scale));
  } else {
    append_digits(row, &f, lead, lead + int_out);
  }
  if (frac_out > 0) {
    pgw_enc_datarow_field_append(row, ".", 1);
    /* The fraction is U's last `scale` digits, left-padded with zeros when U has fewer. */
    if (frac_out > sig) {
      append_zeros(row, frac_out - sig);
      append_digits(row, &f, lead, total);
    } else {
      append_digits(row, &f, total - frac_out, total);
    }
  }
  pgw_enc_datarow_field_end(row);
  return PX_TEXT_OK;
}
