/*
 * test_emu_json.c — emu_buf (growth, cap, sticky failure) and the JSON value writers.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emu_json.h"

#define BIG (1u << 20)

/* ---- emu_buf ------------------------------------------------------------------------------- */

static void test_buf_appends_and_terminates(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, BIG);
  assert_null(b.data);
  assert_int_equal(b.len, 0);
  emu_buf_append(&b, "ab", 2);
  emu_buf_puts(&b, "cd");
  emu_buf_putc(&b, 'e');
  emu_buf_printf(&b, "[%d|%s]", 42, "x");
  emu_buf_append(&b, NULL, 0); /* zero-length append is a no-op */
  assert_false(b.failed);
  assert_int_equal(b.len, 11);
  assert_string_equal(b.data, "abcde[42|x]");
  assert_int_equal(b.data[b.len], '\0');
  emu_buf_free(&b);
  assert_null(b.data);
}

static void test_buf_grows_across_many_appends(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, BIG);
  for (int i = 0; i < 10000; i++)
    emu_buf_putc(&b, (char)('a' + i % 26));
  assert_false(b.failed);
  assert_int_equal(b.len, 10000);
  for (int i = 0; i < 10000; i++)
    assert_int_equal(b.data[i], 'a' + i % 26);
  assert_int_equal(b.data[10000], '\0');
  emu_buf_free(&b);
}

static void test_buf_printf_longer_than_capacity(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_buf_puts(&b, "x"); /* allocates the first block */
  emu_buf_printf(&b, "%0700d|%s", 7, "end");
  assert_false(b.failed);
  assert_int_equal(b.len, 1 + 700 + 4);
  assert_int_equal(b.data[1 + 699], '7');
  assert_string_equal(b.data + 701, "|end");
  emu_buf_free(&b);
}

static void test_buf_reset_keeps_memory(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, 8);
  emu_buf_puts(&b, "12345678");
  emu_buf_putc(&b, '9');
  assert_true(b.failed);
  char *mem = b.data;
  size_t cap = b.cap;
  emu_buf_reset(&b);
  assert_false(b.failed);
  assert_int_equal(b.len, 0);
  assert_ptr_equal(b.data, mem);
  assert_int_equal(b.cap, cap);
  assert_string_equal(b.data, "");
  emu_buf_puts(&b, "ok");
  assert_string_equal(b.data, "ok");
  emu_buf_free(&b);
}

static void test_buf_cap_sets_sticky_failure(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, 10);
  emu_buf_puts(&b, "0123456789"); /* exactly max: allowed */
  assert_false(b.failed);
  assert_int_equal(b.len, 10);
  emu_buf_putc(&b, 'x');
  assert_true(b.failed);
  assert_int_equal(b.len, 10);
  assert_string_equal(b.data, "0123456789");
  /* Every later append is a no-op, even a small one that would have fitted before. */
  emu_buf_reset(&b);
  emu_buf_puts(&b, "0123456");
  emu_buf_puts(&b, "7890");
  assert_true(b.failed);
  emu_buf_puts(&b, "a");
  emu_buf_printf(&b, "%d", 1);
  emu_json_str(&b, "a", 1);
  emu_json_int(&b, 1);
  emu_json_double(&b, 1.5);
  emu_json_epoch(&b, 1.0);
  emu_json_bool(&b, true);
  assert_null(emu_buf_reserve(&b, 1));
  assert_int_equal(b.len, 7);
  assert_string_equal(b.data, "0123456");
  emu_buf_free(&b);
}

static void test_buf_cap_zero_and_printf_overflow(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, 0);
  emu_buf_append(&b, "", 0);
  assert_false(b.failed);
  emu_buf_putc(&b, 'a');
  assert_true(b.failed);
  assert_int_equal(b.len, 0);
  emu_buf_free(&b);

  emu_buf_init(&b, 300);
  emu_buf_puts(&b, "head");
  emu_buf_printf(&b, "%0400d", 1); /* would pass the cap: nothing of it may stay */
  assert_true(b.failed);
  assert_int_equal(b.len, 4);
  assert_string_equal(b.data, "head");
  emu_buf_free(&b);
}

static void test_buf_reserve_commit_truncate(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, 64);
  char *w = emu_buf_reserve(&b, 5);
  assert_non_null(w);
  assert_string_equal(b.data, ""); /* a first allocation is already a valid empty string */
  memcpy(w, "abc", 3);
  assert_int_equal(b.len, 0); /* nothing visible before the commit */
  emu_buf_commit(&b, 3);
  assert_string_equal(b.data, "abc");
  emu_buf_truncate(&b, 1);
  assert_string_equal(b.data, "a");
  emu_buf_truncate(&b, 5); /* growing through truncate is ignored */
  assert_int_equal(b.len, 1);
  assert_null(emu_buf_reserve(&b, 64)); /* 1 + 64 > max */
  assert_true(b.failed);
  emu_buf_reset(&b);
  w = emu_buf_reserve(&b, 2);
  assert_non_null(w);
  emu_buf_commit(&b, b.cap); /* more than reserved: refused, never written past the end */
  assert_true(b.failed);
  assert_int_equal(b.len, 0);
  emu_buf_free(&b);
}

/* The inline appends' fast path ends where the NUL's byte begins: an append that fills the
 * memory exactly stays in place, one byte more grows it, and either way the bytes and the NUL
 * are right; at the cap, the same boundary sets failed instead. */
static void test_buf_inline_append_at_capacity_edge(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, BIG);
  assert_non_null(emu_buf_reserve(&b, 10));
  size_t cap = b.cap;
  char fill[4096];
  memset(fill, 'f', sizeof fill);
  assert_true(cap - 1 <= sizeof fill);
  emu_buf_append(&b, fill, cap - 2);
  emu_buf_putc(&b, 'p');
  assert_int_equal(b.cap, cap); /* exactly full: no growth */
  assert_int_equal(b.len, cap - 1);
  assert_int_equal(b.data[b.len], '\0');
  emu_buf_putc(&b, 'q');
  assert_true(b.cap > cap);
  emu_buf_append(&b, "rs", 2);
  assert_false(b.failed);
  assert_int_equal(b.len, cap + 2);
  assert_memory_equal(b.data + cap - 2, "pqrs", 4);
  assert_int_equal(b.data[b.len], '\0');
  emu_buf_free(&b);

  emu_buf_init(&b, 8);
  emu_buf_append(&b, "1234567", 7);
  emu_buf_putc(&b, '8'); /* len == max: still fits */
  assert_false(b.failed);
  emu_buf_putc(&b, '9');
  assert_true(b.failed);
  emu_buf_append(&b, "x", 1); /* sticky */
  assert_int_equal(b.len, 8);
  assert_string_equal(b.data, "12345678");
  emu_buf_free(&b);
}

static void test_buf_huge_max_is_clamped(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, SIZE_MAX);
  assert_true(b.max < SIZE_MAX / 2);
  emu_buf_puts(&b, "a");
  assert_null(emu_buf_reserve(&b, SIZE_MAX - 1)); /* no overflow in the size arithmetic */
  assert_true(b.failed);
  emu_buf_free(&b);
}

/* ---- strings ------------------------------------------------------------------------------- */

/* Renders with one writer call and compares the whole output. */
static void check_str(const char *in, size_t n, const char *expect) {
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_json_str(&b, in, n);
  assert_false(b.failed);
  assert_string_equal(b.data, expect);
  assert_int_equal(b.len, strlen(expect));
  emu_buf_free(&b);
}

static void test_str_plain_and_specials(void **state) {
  (void)state;
  check_str("", 0, "\"\"");
  check_str(NULL, 0, "\"\"");
  check_str("hello world", 11, "\"hello world\"");
  check_str("a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"");
  check_str("\x7f", 1, "\"\x7f\""); /* DEL needs no escape in JSON */
  check_str("a\0b", 3, "\"a\\u0000b\"");
  check_str("abc", 2, "\"ab\""); /* n, not strlen */
}

static void test_str_every_control_char(void **state) {
  (void)state;
  for (unsigned c = 0; c < 0x20; c++) {
    char in[1] = {(char)c};
    char expect[16];
    switch (c) {
    case '\b':
      strcpy(expect, "\"\\b\"");
      break;
    case '\t':
      strcpy(expect, "\"\\t\"");
      break;
    case '\n':
      strcpy(expect, "\"\\n\"");
      break;
    case '\f':
      strcpy(expect, "\"\\f\"");
      break;
    case '\r':
      strcpy(expect, "\"\\r\"");
      break;
    default:
      snprintf(expect, sizeof expect, "\"\\u%04x\"", c);
      break;
    }
    check_str(in, 1, expect);
  }
  check_str("\x1f\x01", 2, "\"\\u001f\\u0001\"");
}

static void test_str_valid_utf8_passes(void **state) {
  (void)state;
  check_str("\xc3\xa9", 2, "\"\xc3\xa9\"");                 /* é */
  check_str("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");         /* € */
  check_str("\xed\x9f\xbf", 3, "\"\xed\x9f\xbf\"");         /* U+D7FF, last before surrogates */
  check_str("\xee\x80\x80", 3, "\"\xee\x80\x80\"");         /* U+E000, first after them */
  check_str("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\""); /* U+1F600 */
  check_str("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
}

static void test_str_invalid_utf8_replaced(void **state) {
  (void)state;
  check_str("\x80", 1, "\"\\ufffd\"");                                  /* stray continuation */
  check_str("\xc0\x80", 2, "\"\\ufffd\\ufffd\"");                       /* overlong NUL */
  check_str("\xc1\xbf", 2, "\"\\ufffd\\ufffd\"");                       /* overlong */
  check_str("\xe0\x80\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");            /* overlong 3-byte */
  check_str("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");            /* surrogate U+D800 */
  check_str("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* U+110000 */
  check_str("\xf5\xff\xfe", 3, "\"\\ufffd\\ufffd\\ufffd\"");
  check_str("\xe2\x82", 2, "\"\\ufffd\""); /* truncated at the end: one maximal subpart */
  check_str("\xe2\x82"
            "A",
            3, "\"\\ufffdA\"");
  check_str("\xf0\x9f\x98x", 4, "\"\\ufffdx\"");
  check_str("a\xc3", 2, "\"a\\ufffd\"");
  /* Unicode 15 §3.9, Table 3-8: U+FFFD for each maximal subpart. */
  check_str("\x61\xf1\x80\x80\xe1\x80\xc2\x62\x80\x63\x80\xbf\x64", 13,
            "\"a\\ufffd\\ufffd\\ufffdb\\ufffdc\\ufffd\\ufffdd\"");
}

/* The 8-byte fast path must hand over to the byte loop correctly wherever the special byte is. */
static void test_str_special_at_every_offset(void **state) {
  (void)state;
  static const struct {
    const char *in;
    const char *out;
  } specials[] = {
      {"\"", "\\\""},
      {"\\", "\\\\"},
      {"\n", "\\n"},
      {"\x01", "\\u0001"},
      {"\xc3\xa9", "\xc3\xa9"},
      {"\xff", "\\ufffd"},
      {"\xe2\x82\xac", "\xe2\x82\xac"},
  };
  for (size_t s = 0; s < sizeof specials / sizeof specials[0]; s++) {
    for (size_t pos = 0; pos <= 24; pos++) {
      char in[64], expect[96];
      size_t sl = strlen(specials[s].in);
      memset(in, 'a', pos);
      memcpy(in + pos, specials[s].in, sl);
      memset(in + pos + sl, 'z', 24 - pos);
      size_t n = pos + sl + (24 - pos);
      int w =
          snprintf(expect, sizeof expect, "\"%.*s%s%.*s\"", (int)pos, "aaaaaaaaaaaaaaaaaaaaaaaa",
                   specials[s].out, (int)(24 - pos), "zzzzzzzzzzzzzzzzzzzzzzzz");
      assert_true(w > 0 && (size_t)w < sizeof expect);
      check_str(in, n, expect);
    }
  }
}

/* Two special units (one of every escape class, valid multi-byte UTF-8 and an ill-formed byte)
 * at every offset across the 8-byte fast path and every gap between them, from 0 (adjacent) to
 * past a word: each plain run between, before and after them must be copied exactly once, the
 * special units escaped in place, whatever the buffer held before (the appends go behind an
 * existing prefix, and the buffer starts small so that growth hits the run copies too). */
static void test_str_two_specials_at_run_boundaries(void **state) {
  (void)state;
  static const struct {
    const char *in;
    size_t n;
    const char *out;
  } units[] = {
      {"\"", 1, "\\\""},
      {"\\", 1, "\\\\"},
      {"\b", 1, "\\b"},
      {"\f", 1, "\\f"},
      {"\n", 1, "\\n"},
      {"\r", 1, "\\r"},
      {"\t", 1, "\\t"},
      {"\0", 1, "\\u0000"},
      {"\x1f", 1, "\\u001f"},
      {"\xc3\xa9", 2, "\xc3\xa9"},
      {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},
      {"\xff", 1, "\\ufffd"},
      {"\xe2\x82", 2, "\\ufffd"}, /* truncated: one subpart */
  };
  const size_t nunits = sizeof units / sizeof units[0];
  for (size_t a = 0; a < nunits; a++) {
    for (size_t z = 0; z < nunits; z++) {
      for (size_t pos = 0; pos <= 17; pos++) {
        for (size_t gap = 0; gap <= 10; gap++) {
          char in[64], expect[128];
          size_t n = 0, e = 0;
          expect[e++] = '"';
          memset(in + n, 'a', pos), n += pos;
          memset(expect + e, 'a', pos), e += pos;
          memcpy(in + n, units[a].in, units[a].n), n += units[a].n;
          memcpy(expect + e, units[a].out, strlen(units[a].out)), e += strlen(units[a].out);
          memset(in + n, 'b', gap), n += gap;
          memset(expect + e, 'b', gap), e += gap;
          memcpy(in + n, units[z].in, units[z].n), n += units[z].n;
          memcpy(expect + e, units[z].out, strlen(units[z].out)), e += strlen(units[z].out);
          memset(in + n, 'c', 9), n += 9;
          memset(expect + e, 'c', 9), e += 9;
          expect[e++] = '"';
          emu_buf b;
          emu_buf_init(&b, BIG);
          emu_buf_puts(&b, "x:");
          emu_json_str(&b, in, n);
          assert_false(b.failed);
          assert_int_equal(b.len, 2 + e);
          assert_memory_equal(b.data, "x:", 2);
          assert_memory_equal(b.data + 2, expect, e);
          assert_int_equal(b.data[b.len], '\0');
          emu_buf_free(&b);
        }
      }
    }
  }
}

static void test_str_escapes_grow_past_reservation(void **state) {
  (void)state;
  /* 1000 control characters expand sixfold: growth must happen mid-string. */
  char in[1000];
  memset(in, 0x01, sizeof in);
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_json_str(&b, in, sizeof in);
  assert_false(b.failed);
  assert_int_equal(b.len, 2 + 6 * sizeof in);
  for (size_t i = 0; i < sizeof in; i++)
    assert_memory_equal(b.data + 1 + 6 * i, "\\u0001", 6);
  emu_buf_free(&b);
}

static void test_str_cstr(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_json_cstr(&b, "a\tb");
  emu_buf_putc(&b, ',');
  emu_json_cstr(&b, NULL);
  assert_string_equal(b.data, "\"a\\tb\",\"\"");
  emu_buf_free(&b);
}

/* ---- numbers ------------------------------------------------------------------------------- */

static void check_int(int64_t v, const char *expect) {
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_json_int(&b, v);
  assert_string_equal(b.data, expect);
  emu_buf_free(&b);
}

static void test_int_limits(void **state) {
  (void)state;
  check_int(0, "0");
  check_int(7, "7");
  check_int(-1, "-1");
  check_int(1234567890123, "1234567890123");
  check_int(INT64_MAX, "9223372036854775807");
  check_int(INT64_MIN, "-9223372036854775808");
  check_int(INT64_MIN + 1, "-9223372036854775807");
}

static void check_double(double v, const char *expect) {
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_json_double(&b, v);
  assert_false(b.failed);
  assert_string_equal(b.data, expect);
  emu_buf_free(&b);
}

static void test_double_shortest(void **state) {
  (void)state;
  check_double(0.1, "0.1");
  check_double(1e300, "1e+300");
  check_double(5e-324, "5e-324"); /* smallest subnormal: %.15g would say 4.94065645841247e-324 */
  check_double(1e-310, "1e-310");
  check_double(-0.0, "-0");
  check_double(0.0, "0");
  check_double(100.0, "100");
  check_double(1e21, "1e+21");
  check_double(1e-05, "1e-05");
  check_double(1.0 / 3.0, "0.3333333333333333");  /* 16 digits */
  check_double(0.1 + 0.2, "0.30000000000000004"); /* 17 digits */
  check_double(DBL_MAX, "1.7976931348623157e+308");
  check_double(DBL_MIN, "2.2250738585072014e-308");
  check_double(-DBL_MAX, "-1.7976931348623157e+308");
  check_double(123456789012345678.0, "1.2345678901234568e+17");
  check_double((double)0.1f, "0.10000000149011612");
  check_double((double)123.45679f, "123.456787109375");
}

static void test_double_specials_are_strings(void **state) {
  (void)state;
  check_double(NAN, "\"NaN\"");
  check_double(-NAN, "\"NaN\"");
  check_double(INFINITY, "\"Infinity\"");
  check_double(-INFINITY, "\"-Infinity\"");
}

/* Counts significant digits of a %g text: leading and trailing zeros of the digit string do not
 * count ("1.25e-05" → 3, "120000" → 2, "-0" → 1). */
static int significant_digits(const char *s) {
  char digits[400];
  size_t n = 0;
  for (; *s != '\0' && *s != 'e' && n < sizeof digits; s++) {
    if (*s < '0' || *s > '9')
      continue;
    if (n == 0 && *s == '0')
      continue;
    digits[n++] = *s;
  }
  while (n > 0 && digits[n - 1] == '0')
    n--;
  return n == 0 ? 1 : (int)n;
}

/* Property check over pseudo-random bit patterns: the text reads back exactly, and one digit less
 * never does (so it is the shortest). */
static void test_double_round_trip_and_minimal(void **state) {
  (void)state;
  uint64_t x = 0x9E3779B97F4A7C15u;
  emu_buf b;
  emu_buf_init(&b, BIG);
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double v;
    /* Half the samples from the whole range (including subnormals), half "human" decimals. */
    if (i % 2 == 0) {
      memcpy(&v, &x, sizeof v);
      if (!isfinite(v))
        continue;
    } else {
      v = (double)(int64_t)(x % 2000000001u) / 1000.0;
    }
    emu_buf_reset(&b);
    emu_json_double(&b, v);
    assert_false(b.failed);
    double back = strtod(b.data, NULL);
    assert_memory_equal(&back, &v, sizeof v);
    int d = significant_digits(b.data);
    if (d > 1) {
      char shorter[400]; /* %g of a tiny double with many digits can be long */
      snprintf(shorter, sizeof shorter, "%.*g", d - 1, v);
      assert_true(strtod(shorter, NULL) != v);
    }
  }
  emu_buf_free(&b);
}

static void check_epoch(double v, const char *expect) {
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_json_epoch(&b, v);
  assert_false(b.failed);
  assert_string_equal(b.data, expect);
  emu_buf_free(&b);
}

static void test_epoch(void **state) {
  (void)state;
  check_epoch(1598306924.632, "1598306924.632");
  check_epoch(1598306653.333, "1598306653.333");
  check_epoch(1598306924.5, "1598306924.5");
  check_epoch(1598306924.05, "1598306924.05");
  check_epoch(1598306924.0, "1598306924");
  check_epoch(1598306924.6319, "1598306924.632"); /* rounded to milliseconds */
  check_epoch(1598306924.9996, "1598306925");
  check_epoch(0.0, "0");
  check_epoch(0.0005, "0.001");
  check_epoch(-1.5, "-1.5");
  check_epoch(-0.0001, "0");

  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_json_epoch(&b, NAN);
  assert_true(b.failed);
  emu_buf_reset(&b);
  emu_json_epoch(&b, INFINITY);
  assert_true(b.failed);
  emu_buf_reset(&b);
  emu_json_epoch(&b, 1e16);
  assert_true(b.failed);
  emu_buf_free(&b);
}

static void test_bool(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_json_bool(&b, true);
  emu_buf_putc(&b, ',');
  emu_json_bool(&b, false);
  assert_string_equal(b.data, "true,false");
  emu_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_buf_appends_and_terminates),
      cmocka_unit_test(test_buf_grows_across_many_appends),
      cmocka_unit_test(test_buf_printf_longer_than_capacity),
      cmocka_unit_test(test_buf_reset_keeps_memory),
      cmocka_unit_test(test_buf_cap_sets_sticky_failure),
      cmocka_unit_test(test_buf_cap_zero_and_printf_overflow),
      cmocka_unit_test(test_buf_reserve_commit_truncate),
      cmocka_unit_test(test_buf_inline_append_at_capacity_edge),
      cmocka_unit_test(test_buf_huge_max_is_clamped),
      cmocka_unit_test(test_str_plain_and_specials),
      cmocka_unit_test(test_str_every_control_char),
      cmocka_unit_test(test_str_valid_utf8_passes),
      cmocka_unit_test(test_str_invalid_utf8_replaced),
      cmocka_unit_test(test_str_special_at_every_offset),
      cmocka_unit_test(test_str_two_specials_at_run_boundaries),
      cmocka_unit_test(test_str_escapes_grow_past_reservation),
      cmocka_unit_test(test_str_cstr),
      cmocka_unit_test(test_int_limits),
      cmocka_unit_test(test_double_shortest),
      cmocka_unit_test(test_double_specials_are_strings),
      cmocka_unit_test(test_double_round_trip_and_minimal),
      cmocka_unit_test(test_epoch),
      cmocka_unit_test(test_bool),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
