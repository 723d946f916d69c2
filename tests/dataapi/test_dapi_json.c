/*
 * test_dapi_json.c — the lexical helpers under the result decoder: the string scanners (SSE2 and
 * SWAR against the byte-by-byte reference), UTF-8 validation, the number grammar, int64 range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dapi_json.h"

/* A small deterministic generator, so a failure can be replayed. */
static uint32_t next_rand(uint32_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

/* Random buffers, mostly plain bytes with rare specials of every kind, at every alignment and
 * length up to 80; each scanner must stop exactly where the reference does. */
static void test_scan_plain_matches_reference(void **state) {
  (void)state;
  static const uint8_t specials[] = {'"', '\\', 0x00, 0x1f, 0x80, 0xc3, 0xff, 0x7f, 0x20, 0x21};
  uint8_t buf[96];
  uint32_t seed = 12345;
  for (int iter = 0; iter < 200000; iter++) {
    size_t off = next_rand(&seed) % 16;
    size_t len = next_rand(&seed) % 81;
    for (size_t i = 0; i < len; i++) {
      uint32_t r = next_rand(&seed);
      buf[off + i] =
          (r % 23 == 0) ? specials[(r >> 8) % sizeof specials] : (uint8_t)(0x20 + (r >> 8) % 0x5f);
    }
    const uint8_t *p = buf + off;
    const uint8_t *end = p + len;
    const uint8_t *want = dapi_json_scan_plain_bytes(p, end);
    assert_ptr_equal(dapi_json_scan_plain_swar(p, end), want);
#if defined(__SSE2__)
    assert_ptr_equal(dapi_json_scan_plain_sse2(p, end), want);
#endif
    assert_ptr_equal(dapi_json_scan_plain(p, end), want);
  }
  /* Every byte value, alone at every position of a 40-byte run. */
  for (int b = 0; b < 256; b++) {
    for (size_t pos = 0; pos < 40; pos++) {
      memset(buf, 'a', 40);
      buf[pos] = (uint8_t)b;
      bool plain = b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
      const uint8_t *want = plain ? buf + 40 : buf + pos;
      assert_ptr_equal(dapi_json_scan_plain_bytes(buf, buf + 40), want);
      assert_ptr_equal(dapi_json_scan_plain_swar(buf, buf + 40), want);
      assert_ptr_equal(dapi_json_scan_plain(buf, buf + 40), want);
    }
  }
}

static void test_utf8(void **state) {
  (void)state;
  static const struct {
    const char *bytes;
    int want; /* length, 0 invalid, -1 cut short */
  } cases[] = {
      {"\xc3\xa9", 2},
      {"\xc2\x80", 2},
      {"\xdf\xbf", 2},
      {"\xe2\x82\xac", 3},
      {"\xe0\xa0\x80", 3},
      {"\xed\x9f\xbf", 3},
      {"\xee\x80\x80", 3},
      {"\xef\xbf\xbf", 3},
      {"\xf0\x90\x80\x80", 4},
      {"\xf4\x8f\xbf\xbf", 4},
      {"\xf3\xbf\xbf\xbf", 4},
      {"\xc0\x80", 0},
      {"\xc1\xbf", 0},
      {"\xe0\x9f\xbf", 0},
      {"\xed\xa0\x80", 0},
      {"\xf0\x8f\xbf\xbf", 0},
      {"\xf4\x90\x80\x80", 0},
      {"\xf5\x80\x80\x80", 0},
      {"\xff", 0},
      {"\x80", 0},
      {"\xc3\x41", 0},
      {"\xe2\x82\x41", 0},
      {"\xc3", -1},
      {"\xe2\x82", -1},
      {"\xf0\x9f\x98", -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const uint8_t *p = (const uint8_t *)cases[i].bytes;
    size_t n = strlen(cases[i].bytes);
    assert_int_equal(dapi_json_utf8_seq(p, p + n), cases[i].want);
    /* The resumable form agrees, byte by byte. */
    dapi_json_utf8 u;
    bool ok = dapi_json_utf8_lead(&u, p[0]);
    size_t k = 1;
    while (ok && u.need > 0 && k < n)
      ok = dapi_json_utf8_cont(&u, p[k++]);
    int got = !ok ? 0 : u.need > 0 ? -1 : (int)k;
    assert_int_equal(got, cases[i].want);
  }
}

/* Scans text fed in pieces of `step` bytes; returns the rc and the accepted length. */
static dapi_json_num_rc scan_number(const char *text, size_t step, size_t *len, uint8_t *st) {
  const uint8_t *p = (const uint8_t *)text;
  const uint8_t *end = p + strlen(text);
  *st = DAPI_JSON_NUM_START;
  dapi_json_num_rc rc = DAPI_JSON_NUM_MORE;
  while (p < end) {
    const uint8_t *stop = p + step < end ? p + step : end;
    rc = dapi_json_num_scan(st, &p, stop);
    if (rc != DAPI_JSON_NUM_MORE)
      break;
  }
  *len = (size_t)(p - (const uint8_t *)text);
  return rc;
}

static void test_number_grammar(void **state) {
  (void)state;
  /* Valid numbers, each followed by a delimiter. */
  static const char *const good[] = {
      "0}",      "-0}",  "7,",    "-12]",     "1.5 ",
      "0.000}",  "1e5}", "1E+5}", "-2.5e-3}", "123456789012345678901234567890}",
      "9.9E99\n"};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    for (size_t step = 1; step <= 4; step++) {
      size_t len;
      uint8_t st;
      assert_int_equal(scan_number(good[i], step, &len, &st), DAPI_JSON_NUM_DONE);
      assert_int_equal(len, strlen(good[i]) - 1);
      assert_true(dapi_json_num_accepting(st));
    }
  }
  /* Invalid: where the scan must stop. */
  static const struct {
    const char *text;
    size_t at;
  } bad[] = {{"01}", 1}, {"-01", 2},  {"00", 1},   {"1.}", 2}, {"1.e5", 2}, {"-}", 1},
             {"1e}", 2}, {"1e+}", 3}, {"1E-x", 3}, {"-a", 1},  {"--1", 1}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    for (size_t step = 1; step <= 3; step++) {
      size_t len;
      uint8_t st;
      assert_int_equal(scan_number(bad[i].text, step, &len, &st), DAPI_JSON_NUM_BAD);
      assert_int_equal(len, bad[i].at);
    }
  }
  /* Cut short: more may follow; accepting only if it could end here. */
  size_t len;
  uint8_t st;
  assert_int_equal(scan_number("12", 1, &len, &st), DAPI_JSON_NUM_MORE);
  assert_true(dapi_json_num_accepting(st));
  assert_int_equal(scan_number("12.", 2, &len, &st), DAPI_JSON_NUM_MORE);
  assert_false(dapi_json_num_accepting(st));
}

static void test_int64(void **state) {
  (void)state;
  static const struct {
    const char *text;
    bool fits;
    int64_t value;
  } cases[] = {
      {"0", true, 0},
      {"-0", true, 0},
      {"42", true, 42},
      {"-42", true, -42},
      {"9007199254740993", true, 9007199254740993LL},
      {"9223372036854775807", true, INT64_MAX},
      {"-9223372036854775808", true, INT64_MIN},
      {"9223372036854775806", true, INT64_MAX - 1},
      {"-9223372036854775807", true, -INT64_MAX},
      {"9223372036854775808", false, 0},
      {"-9223372036854775809", false, 0},
      {"9300000000000000000", false, 0},
      {"10000000000000000000", false, 0},
      {"99999999999999999999999", false, 0},
      {"1000000000000000000", true, 1000000000000000000LL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t v = 12345;
    bool fits = dapi_json_int64((const uint8_t *)cases[i].text, strlen(cases[i].text), &v);
    assert_int_equal(fits, cases[i].fits);
    if (fits)
      assert_true(v == cases[i].value);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scan_plain_matches_reference),
      cmocka_unit_test(test_utf8),
      cmocka_unit_test(test_number_grammar),
      cmocka_unit_test(test_int64),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
