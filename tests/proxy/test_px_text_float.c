/* test_px_text_float.c — the float4/float8 formatter and parser of px_text_float.c.
 *
 * Expected texts were printed by PostgreSQL 15.20 with extra_float_digits = 1 (the default), by
 * the SQL quoted beside them. The full comparison with a live server over millions of values is
 * tests/proxy/px_text_crosscheck.c; these are the cases worth naming.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "px_text_float.h"

static void check8(double v, const char *want) {
  char buf[PX__FLOAT_TEXT_MAX + 1];
  size_t n = px__float8_text(v, buf);
  assert_true(n < sizeof buf);
  buf[n] = '\0';
  assert_string_equal(buf, want);
}

static void check4(float v, const char *want) {
  char buf[PX__FLOAT_TEXT_MAX + 1];
  size_t n = px__float4_text(v, buf);
  assert_true(n < sizeof buf);
  buf[n] = '\0';
  assert_string_equal(buf, want);
}

static void test_float8_layout(void **state) {
  (void)state;
  /* Exponent form below 1e-4 and from 1e15 on:
   * SELECT 1e-4::float8, 9.5e-5::float8, 0.00012::float8, 1e14::float8, 1e15::float8,
   *        999999999999999.9::float8, 9.999999e14::float8
   * → 0.0001 | 9.5e-05 | 0.00012 | 100000000000000 | 1e+15 | 999999999999999.9 | 999999900000000 */
  check8(1e-4, "0.0001");
  check8(9.5e-5, "9.5e-05");
  check8(0.00012, "0.00012");
  check8(1e14, "100000000000000");
  check8(1e15, "1e+15");
  check8(999999999999999.9, "999999999999999.9");
  check8(9.999999e14, "999999900000000");
  /* Three-digit exponents and the extremes: SELECT 1e300::float8, 5e-324::float8,
   * 1.7976931348623157e308::float8 → 1e+300 | 5e-324 | 1.7976931348623157e+308 */
  check8(1e300, "1e+300");
  check8(5e-324, "5e-324");
  check8(1.7976931348623157e308, "1.7976931348623157e+308");
  check8(-1.5e-7, "-1.5e-07");
  check8(-0.0, "-0");
  check8(0.0, "0");
  check8(NAN, "NaN");
  check8(INFINITY, "Infinity");
  check8(-INFINITY, "-Infinity");
}

static void test_float8_shortest(void **state) {
  (void)state;
  /* SELECT 0.1::float8, 0.3::float8, 1/3::float8, 123456789012345678::float8 */
  check8(0.1, "0.1");
  check8(0.3, "0.3");
  check8(1.0 / 3, "0.3333333333333333");
  check8(123456789012345678.0, "1.2345678901234568e+17");
  /* Powers of two have a narrower gap below: SELECT 2::float8^(-1022), 2::float8^(-1021),
   * 2::float8^60, 2::float8^70, 8.98846567431158e307::float8
   * → 2.2250738585072014e-308 | 4.450147717014403e-308 | 1.152921504606847e+18 |
   *   1.1805916207174113e+21 | 8.98846567431158e+307 */
  check8(ldexp(1, -1022), "2.2250738585072014e-308");
  check8(ldexp(1, -1021), "4.450147717014403e-308");
  check8(ldexp(1, 60), "1.152921504606847e+18");
  check8(ldexp(1, 70), "1.1805916207174113e+21");
  check8(ldexp(1, 1023), "8.98846567431158e+307");
  /* Decimals exactly on a rounding boundary are refused by PostgreSQL's Ryu (acceptBounds off),
   * although strtod reads them back (ties to even):
   * SELECT 26368843000968808::float8, 35514903301630152::float8, 1e23::float8
   * → 2.6368843000968808e+16 (upper boundary) | 3.5514903301630152e+16 (lower) |
   *   9.999999999999999e+22 ("1e+23" is the upper boundary of the double nearest 1e23) */
  check8(26368843000968808.0, "2.6368843000968808e+16");
  check8(35514903301630152.0, "3.5514903301630152e+16");
  check8(1e23, "9.999999999999999e+22");
}

static void test_float4(void **state) {
  (void)state;
  /* SELECT 0.1::float4, 1e6::float4, 123.456789012345::float4, 100000::float4, 999999::float4,
   *        1e-4::float4, 1e-5::float4, 1.4e-45::float4, 3.4028235e38::float4,
   *        16777216::float4, 1.17549435e-38::float4, (1/3.0)::float4, 1234567::float4,
   *        33554432::float4, 1e21::float4
   * → 0.1 | 1e+06 | 123.45679 | 100000 | 999999 | 0.0001 | 1e-05 | 1e-45 | 3.4028235e+38 |
   *   1.6777216e+07 | 1.1754944e-38 | 0.33333334 | 1.234567e+06 | 3.3554432e+07 | 1e+21 */
  check4(0.1f, "0.1");
  check4(1e6f, "1e+06");
  check4(123.456789012345f, "123.45679");
  check4(100000.0f, "100000");
  check4(999999.0f, "999999");
  check4(1e-4f, "0.0001");
  check4(1e-5f, "1e-05");
  check4(ldexpf(1, -149), "1e-45");
  check4(3.4028235e38f, "3.4028235e+38");
  check4(16777216.0f, "1.6777216e+07");
  check4(ldexpf(1, -126), "1.1754944e-38");
  check4(1.0f / 3, "0.33333334");
  check4(1234567.0f, "1.234567e+06");
  check4(33554432.0f, "3.3554432e+07");
  check4(1e21f, "1e+21");
  /* A float32 boundary case: SELECT 121636864::float4 → 1.21636864e+08 (9 digits) */
  check4(121636864.0f, "1.21636864e+08");
  check4(-0.0f, "-0");
  check4(NAN, "NaN");
  check4(-INFINITY, "-Infinity");
}

/* Whatever the value, the text reads back as it (strtod/strtof) and has at most 17 (9) digits. */
static void test_round_trip_random(void **state) {
  (void)state;
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 200000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double d;
    memcpy(&d, &x, sizeof d);
    if (!isfinite(d))
      continue;
    char buf[PX__FLOAT_TEXT_MAX + 1];
    size_t n = px__float8_text(d, buf);
    buf[n] = '\0';
    double back = strtod(buf, NULL);
    assert_memory_equal(&back, &d, sizeof d);
    /* Significant digits: from the first non-zero one up to the exponent. */
    size_t digits = 0;
    bool started = false;
    for (size_t k = 0; k < n && buf[k] != 'e'; k++) {
      started |= buf[k] >= '1' && buf[k] <= '9';
      digits += started && buf[k] >= '0' && buf[k] <= '9';
    }
    assert_true(digits >= 1 && digits <= 17);

    uint32_t fbits = (uint32_t)(x >> 32);
    float f;
    memcpy(&f, &fbits, sizeof f);
    if (!isfinite(f))
      continue;
    n = px__float4_text(f, buf);
    buf[n] = '\0';
    float fback = strtof(buf, NULL);
    assert_memory_equal(&fback, &f, sizeof f);
  }
}

/* Decimals of at most 15 digits with a small exponent take the exact-arithmetic path instead of
 * strtod: it must give strtod's value bit for bit, sign and trailing zeros included. */
static void test_parse_exact_path_matches_strtod(void **state) {
  (void)state;
  uint64_t x = 0x2545f4914f6cdd1dull;
  for (int i = 0; i < 300000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int digits = 1 + (int)(x % 15);
    char sig[16];
    uint64_t y = x >> 8;
    for (int k = 0; k < digits; k++, y /= 10)
      sig[k] = (char)('0' + y % 10);
    sig[digits] = '\0';
    int point = (int)((x >> 40) % (unsigned)(digits + 1)); /* digits before the point */
    int exp = (int)((x >> 48) % 61) - 30;                  /* some beyond the exact range */
    char text[64];
    snprintf(text, sizeof text, "%s%.*s.%se%d", (x >> 60) & 1 ? "-" : "", point, sig, sig + point,
             exp);
    if (point == 0)
      snprintf(text, sizeof text, "%s0.%se%d", (x >> 60) & 1 ? "-" : "", sig, exp);
    double got, want = strtod(text, NULL);
    assert_true(px__float8_parse(text, strlen(text), &got));
    if (memcmp(&got, &want, sizeof got) != 0)
      fail_msg("%s: parsed %.17g, strtod %.17g", text, got, want);
  }
}

static void test_parse(void **state) {
  (void)state;
  double d;
  float f;
  /* What float8in takes, blanks and case included; hex and nan(...) are strtod-only. */
  assert_true(px__float8_parse(" 1.5e3 ", 7, &d));
  assert_true(d == 1500);
  assert_true(px__float8_parse("+.5", 3, &d));
  assert_true(d == 0.5);
  assert_true(px__float8_parse("5.", 2, &d));
  assert_true(d == 5);
  assert_true(px__float8_parse("-INF", 4, &d));
  assert_true(isinf(d) && d < 0);
  assert_true(px__float8_parse("infinity", 8, &d));
  assert_true(isinf(d) && d > 0);
  assert_true(px__float8_parse("nan", 3, &d));
  assert_true(isnan(d));
  assert_true(px__float8_parse("0e999999", 8, &d));
  assert_true(d == 0);
  /* Subnormals stay (PostgreSQL keeps them); underflow to 0 and overflow are refused. */
  assert_true(px__float8_parse("4e-324", 6, &d));
  assert_true(d == 5e-324);
  assert_false(px__float8_parse("1e-400", 6, &d));
  assert_false(px__float8_parse("2e308", 5, &d));
  assert_false(px__float8_parse("0x10", 4, &d));
  assert_false(px__float8_parse("nan(1)", 6, &d));
  assert_false(px__float8_parse(".", 1, &d));
  assert_false(px__float8_parse("1e+", 3, &d));
  assert_false(px__float8_parse("1 2", 3, &d));
  assert_false(px__float8_parse("", 0, &d));
  assert_false(px__float8_parse("   ", 3, &d));
  assert_false(px__float8_parse("--1", 3, &d));
  /* The text is not NUL-terminated: only n bytes count. */
  assert_true(px__float8_parse("12345", 2, &d));
  assert_true(d == 12);
  /* Longer than any double needs. */
  char longtext[300];
  memset(longtext, '1', sizeof longtext);
  assert_false(px__float8_parse(longtext, sizeof longtext, &d));

  /* float4 rounds once, from the decimal: 0.10000000149011612 is the widened 0.1f. */
  assert_true(px__float4_parse("0.10000000149011612", 19, &f));
  assert_true(f == 0.1f);
  assert_true(px__float4_parse("3.4028235e38", 12, &f));
  assert_true(f == 3.4028235e38f);
  assert_false(px__float4_parse("3.5e38", 6, &f));
  assert_false(px__float4_parse("1e-46", 5, &f));
}

/* The one-step conversion (with its shortcut for short texts) agrees with parse + format, on
 * short decimals of every length and exponent and on boundary cases the shortcut must refuse. */
static void check_convert_agrees(const char *text) {
  char a[PX__FLOAT_TEXT_MAX + 1], b[PX__FLOAT_TEXT_MAX + 1];
  double d;
  assert_true(px__float8_parse(text, strlen(text), &d));
  size_t na = px__float8_convert(text, strlen(text), a);
  size_t nb = px__float8_text(d, b);
  a[na] = b[nb] = '\0';
  if (strcmp(a, b) != 0)
    fail_msg("float8 %s: convert %s, parse+text %s", text, a, b);
  float f;
  if (px__float4_parse(text, strlen(text), &f)) {
    na = px__float4_convert(text, strlen(text), a);
    nb = px__float4_text(f, b);
    a[na] = b[nb] = '\0';
    if (strcmp(a, b) != 0)
      fail_msg("float4 %s: convert %s, parse+text %s", text, a, b);
  }
}

static void test_convert_matches_search(void **state) {
  (void)state;
  /* Boundaries hit by short texts: 1e23 (upper boundary of its double), 2^-1074 multiples. */
  check_convert_agrees("1e23");
  check_convert_agrees("-1E23");
  check_convert_agrees("4e-324");
  check_convert_agrees("1e-310");
  check_convert_agrees("0.000100");
  check_convert_agrees("  +12.50e1 ");
  check_convert_agrees("8388608.5");
  uint64_t x = 0x2545F4914F6CDD1Dull;
  char text[64];
  for (int i = 0; i < 100000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int digits = 1 + (int)(x % 17);
    uint64_t m = (x >> 8) % 100000000000000000ull;
    uint64_t cap = 1;
    for (int k = 0; k < digits; k++)
      cap *= 10;
    int exp = (int)((x >> 40) % 640) - 330;
    snprintf(text, sizeof text, "%llue%d", (unsigned long long)(m % cap), exp);
    double d;
    if (px__float8_parse(text, strlen(text), &d))
      check_convert_agrees(text);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_float8_layout),
      cmocka_unit_test(test_float8_shortest),
      cmocka_unit_test(test_float4),
      cmocka_unit_test(test_round_trip_random),
      cmocka_unit_test(test_parse),
      cmocka_unit_test(test_convert_matches_search),
      cmocka_unit_test(test_parse_exact_path_matches_strtod),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
