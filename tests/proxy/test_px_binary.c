/* test_px_binary.c — px_binary_field byte vectors per type, edge values, lenient Field members,
 * refused values.
 *
 * Every expected byte string was produced by PostgreSQL 15 itself, with the type's send function
 * (e.g. `SELECT numeric_send(12.30)` → \x0002000000000002000c0bb8; TimeZone UTC); the SQL is
 * quoted next to the vector where it is not obvious. px_binary_crosscheck compares many more
 * values with PostgreSQL's binary results at run time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pgw_buf.h"
#include "pgw_encode.h"
#include "pgw_wr.h"
#include "px_binary.h"
#include "pxt_util.h"

static void to_hex(const char *data, int32_t len, char *out) {
  static const char HEX[] = "0123456789abcdef";
  for (int32_t i = 0; i < len; i++) {
    out[2 * i] = HEX[(uint8_t)data[i] >> 4];
    out[2 * i + 1] = HEX[(uint8_t)data[i] & 15];
  }
  out[2 * len] = '\0';
}

/* Renders f in binary for a column of Data API type type_name; want_hex is the field's bytes. */
static void check(const char *type_name, dapi_result_field f, const char *want_hex) {
  px_coltype t = pxt_type(type_name);
  assert_true(px_binary_supported(&t));
  pxt_out out;
  pxt_render_binary(&t, &f, &out);
  assert_int_equal(out.rc, PX_TEXT_OK);
  assert_true(out.framing_ok);
  char hex[2 * PXT_OUT_MAX + 1];
  assert_true(out.len >= 0);
  to_hex(out.data, out.len, hex);
  assert_string_equal(hex, want_hex);
}

static void check_einval(const char *type_name, dapi_result_field f) {
  px_coltype t = pxt_type(type_name);
  pxt_out out;
  pxt_render_binary(&t, &f, &out);
  assert_int_equal(out.rc, PX_TEXT_EINVAL);
  assert_true(out.framing_ok);
}

static void test_null(void **state) {
  (void)state;
  const char *types[] = {"int4", "text", "numeric", "varbyte", "timestamptz", "bool", "uuid"};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    px_coltype t = pxt_type(types[i]);
    dapi_result_field f = pxt_null();
    pxt_out out;
    pxt_render_binary(&t, &f, &out);
    assert_int_equal(out.rc, PX_TEXT_OK);
    assert_true(out.framing_ok);
    assert_int_equal(out.len, -1);
  }
}

static void test_supported(void **state) {
  (void)state;
  const char *yes[] = {"bool",    "int2",      "int4",        "int8",    "float4", "float8",
                       "numeric", "text",      "varchar",     "bpchar",  "date",   "time",
                       "timetz",  "timestamp", "timestamptz", "varbyte", "bytea",  "interval",
                       "uuid",    "json",      "jsonb",       "super",   "name",   "oid"};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
    px_coltype t = pxt_type(yes[i]);
    assert_true(px_binary_supported(&t));
  }
  const char *no[] = {"geometry", "geography", "hllsketch", "_int4", "inet", "money", "point"};
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
    px_coltype t = pxt_type(no[i]);
    assert_false(px_binary_supported(&t));
    check_einval(no[i], pxt_string("x"));
  }
}

static void test_bool(void **state) {
  (void)state;
  check("bool", pxt_bool(true), "01");
  check("bool", pxt_bool(false), "00");
  /* The same stringValue spellings px_text takes. */
  check("bool", pxt_string("yes"), "01");
  check("bool", pxt_string(" of"), "00");
  check_einval("bool", pxt_string("o"));
  check_einval("bool", pxt_long("1"));
}

static void test_integers(void **state) {
  (void)state;
  check("int2", pxt_long("-32768"), "8000");
  check("int2", pxt_long("32767"), "7fff");
  check("int2", pxt_long("0"), "0000");
  check("int2", pxt_long("-0"), "0000");
  check_einval("int2", pxt_long("32768"));
  check_einval("int2", pxt_long("-32769"));
  check("int4", pxt_long("-2147483648"), "80000000");
  check("int4", pxt_long("2147483647"), "7fffffff");
  check("int4", pxt_long("-1"), "ffffffff");
  check_einval("int4", pxt_long("2147483648"));
  check("int8", pxt_long("-9223372036854775808"), "8000000000000000");
  check("int8", pxt_long("9223372036854775807"), "7fffffffffffffff");
  check("int8", pxt_long("1234567890123"), "0000011f71fb04cb");
  check_einval("int8", pxt_long("9223372036854775808"));
  check_einval("int8", pxt_long("-9223372036854775809"));
  /* stringValue and an integral doubleValue, as px_text takes them; not 1.0, 01, "". */
  check("int4", pxt_string("42"), "0000002a");
  check("int4", pxt_double("42"), "0000002a");
  check_einval("int4", pxt_double("1.0"));
  check_einval("int4", pxt_string("01"));
  check_einval("int4", pxt_string(""));
  check_einval("int4", pxt_string("-"));
  check_einval("int4", pxt_bool(true));
  check_einval("int4", pxt_double_special(DAPI_RESULT_NAN));
  /* oid is unsigned: SELECT oidsend(4294967295) → \xffffffff */
  check("oid", pxt_long("4294967295"), "ffffffff");
  check_einval("oid", pxt_long("-1"));
  check_einval("oid", pxt_long("4294967296"));
}

static void test_floats(void **state) {
  (void)state;
  /* SELECT float8send(0.1) → \x3fb999999999999a */
  check("float8", pxt_double("0.1"), "3fb999999999999a");
  check("float8", pxt_double("-0.0"), "8000000000000000");
  check("float8", pxt_double("0"), "0000000000000000");
  check("float8", pxt_double("1.7976931348623157E308"), "7fefffffffffffff");
  check("float8", pxt_double("4.9E-324"), "0000000000000001");
  check("float8", pxt_double_special(DAPI_RESULT_NAN), "7ff8000000000000");
  check("float8", pxt_double_special(DAPI_RESULT_POS_INF), "7ff0000000000000");
  check("float8", pxt_double_special(DAPI_RESULT_NEG_INF), "fff0000000000000");
  check("float8", pxt_string("-Infinity"), "fff0000000000000");
  check("float8", pxt_long("3"), "4008000000000000");
  check_einval("float8", pxt_double("1e309"));
  check_einval("float8", pxt_string("abc"));
  check_einval("float8", pxt_bool(false));
  /* float4: the service's widened double. SELECT float4send(0.1) → \x3dcccccd */
  check("float4", pxt_double("0.10000000149011612"), "3dcccccd");
  check("float4", pxt_string("0.1"), "3dcccccd");
  check("float4", pxt_double("-0.0"), "80000000");
  check("float4", pxt_double("3.4028234663852886E38"), "7f7fffff");
  check("float4", pxt_double("1.401298464324817E-45"), "00000001");
  check("float4", pxt_double_special(DAPI_RESULT_NAN), "7fc00000");
  check("float4", pxt_double_special(DAPI_RESULT_NEG_INF), "ff800000");
  check_einval("float4", pxt_double("3.5e38"));
}

static void test_numeric(void **state) {
  (void)state;
  /* numeric_send(12.30) */
  check("numeric", pxt_string("12.30"), "0002000000000002000c0bb8");
  check("numeric", pxt_string("NaN"), "00000000c0000000");
  check("numeric", pxt_string("Infinity"), "00000000d0000020");
  check("numeric", pxt_string("-Infinity"), "00000000f0000020");
  /* numeric_send(0.000), numeric_send(-0.0): zero is positive, keeps its dscale */
  check("numeric", pxt_string("0.000"), "0000000000000003");
  check("numeric", pxt_string("-0.0"), "0000000000000001");
  check("numeric", pxt_string("0"), "0000000000000000");
  /* numeric_send(99999999.99990000) */
  check("numeric", pxt_string("99999999.99990000"), "0003000100000008270f270f270f");
  /* numeric_send('1e-20'::numeric) */
  check("numeric", pxt_string("0.00000000000000000001"), "0001fffb000000140001");
  /* numeric_send(10000), numeric_send(0.0001) */
  check("numeric", pxt_string("10000"), "00010001000000000001");
  check("numeric", pxt_long("10000"), "00010001000000000001");
  check("numeric", pxt_string("0.0001"), "0001ffff000000040001");
  check("numeric", pxt_string("-1"), "00010000400000000001");
  /* Java exponent forms: numeric_send(1.5e-7) = numeric_send('1.5E-7'), '-12.3E-7', 1.23e4,
   * 0e-10 */
  check("numeric", pxt_string("1.5E-7"), "0001fffe00000008000f");
  check("numeric", pxt_string("-12.3E-7"), "0001fffe40000008007b");
  check("numeric", pxt_string("1.23E+4"), "0002000100000000000108fc");
  check("numeric", pxt_string("0E-10"), "000000000000000a");
  check_einval("numeric", pxt_string("1.2.3"));
  check_einval("numeric", pxt_string("1E"));
  check_einval("numeric", pxt_string(""));
  check_einval("numeric", pxt_string("-NaN"));
  check_einval("numeric", pxt_string("1E-16384")); /* dscale beyond 16383 */
  /* The extremes numeric allows: dscale 16383 (1E-16383 → weight -4096, digit 10), and 131072
   * digits before the point (1E+131071 → weight 32767, digit 1000). */
  check("numeric", pxt_string("1E-16383"), "0001f00000003fff000a");
  check("numeric", pxt_string("1E+131071"), "00017fff0000000003e8");
  check_einval("numeric", pxt_string("1E+131072"));
  check_einval("numeric", pxt_bool(true));
  check_einval("numeric", pxt_double("1.5"));
}

/* A numeric with more base-10000 groups than one stack piece: streamed. 1 followed by 999 zeros
 * and ".5" → weight 249, digits 1000 then 248 zero groups, then 5000 (ndigits 251). */
static void test_numeric_large(void **state) {
  (void)state;
  char text[1100];
  text[0] = '1';
  memset(text + 1, '0', 999);
  memcpy(text + 1000, ".5", 3);
  px_coltype t = pxt_type("numeric");
  dapi_result_field f = pxt_string(text);
  pxt_out out;
  pxt_render_binary(&t, &f, &out);
  assert_int_equal(out.rc, PX_TEXT_OK);
  assert_true(out.framing_ok);
  assert_int_equal(out.len, 8 + 2 * 251);
  const uint8_t *d = (const uint8_t *)out.data;
  assert_int_equal(d[0] << 8 | d[1], 251);
  assert_int_equal(d[2] << 8 | d[3], 249);
  assert_int_equal(d[6] << 8 | d[7], 1);
  assert_int_equal(d[8] << 8 | d[9], 1000);
  for (int g = 1; g < 250; g++)
    assert_int_equal(d[8 + 2 * g] << 8 | d[9 + 2 * g], 0);
  assert_int_equal(d[8 + 500] << 8 | d[9 + 500], 5000);
}

static void test_text_types(void **state) {
  (void)state;
  check("text", pxt_string("héllo"), "68c3a96c6c6f");
  check("varchar", pxt_string(""), "");
  check("bpchar", pxt_string("ab  "), "61622020");
  check("super", pxt_string("{\"a\":1}"), "7b2261223a317d");
  /* A verbatim column prints other members as PostgreSQL's text of bool/int8/float8. */
  check("text", pxt_bool(true), "74");
  check("text", pxt_long("-5"), "2d35");
  /* "char": charsend('r'), charsend('\351'::"char") (charout's octal), charsend('') */
  check("char", pxt_string("r"), "72");
  check("char", pxt_string("\\351"), "e9");
  check("char", pxt_string(""), "00");
  check("xid", pxt_long("4294967295"), "ffffffff");
  check_einval("xid", pxt_long("-1"));
  /* jsonb_send('{"a": 1}') */
  check("jsonb", pxt_string("{\"a\": 1}"), "017b2261223a20317d");
  /* uuid_send('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11') */
  check("uuid", pxt_string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        "a0eebc999c0b4ef8bb6d6bb9bd380a11");
  check("uuid", pxt_string("{A0EEBC999C0B4EF8BB6D6BB9BD380A11}"),
        "a0eebc999c0b4ef8bb6d6bb9bd380a11");
  check_einval("uuid", pxt_string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"));
  check_einval("uuid", pxt_string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-"));
  check_einval("uuid", pxt_string("a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11"));
  check_einval("uuid", pxt_string(""));
}

static void test_bytea(void **state) {
  (void)state;
  check("varbyte", pxt_string("YWJj"), "616263");
  check("varbyte", pxt_blob("AP8="), "00ff");
  check("varbyte", pxt_string(""), "");
  check("bytea", pxt_string("AAECAw"), "00010203");
  check_einval("varbyte", pxt_string("A"));
  check_einval("varbyte", pxt_string("!!!!"));
  check_einval("varbyte", pxt_long("1"));
}

/* A bytea longer than one decoding piece streams through several appends. */
static void test_bytea_large(void **state) {
  (void)state;
  static char b64[4001];
  for (int i = 0; i < 4000; i += 4)
    memcpy(b64 + i, "AAEC", 4); /* 00 01 02 */
  px_coltype t = pxt_type("varbyte");
  dapi_result_field f = pxt_string(b64);
  pxt_out out;
  pxt_render_binary(&t, &f, &out);
  assert_int_equal(out.rc, PX_TEXT_OK);
  assert_true(out.framing_ok);
  assert_int_equal(out.len, 3000);
  for (int i = 0; i < 3000; i++)
    assert_int_equal((uint8_t)out.data[i], i % 3);
}

static void test_date(void **state) {
  (void)state;
  check("date", pxt_string("2000-01-01"), "00000000");
  check("date", pxt_string("1999-12-31"), "ffffffff");
  check("date", pxt_string("2024-02-29"), "00002279");
  check("date", pxt_string("infinity"), "7fffffff");
  check("date", pxt_string("-infinity"), "80000000");
  /* date_send('0044-03-15 BC'), date_send('4714-11-24 BC'), date_send('5874897-12-31') */
  check("date", pxt_string("0044-03-15 BC"), "fff49d7b");
  check("date", pxt_string("4714-11-24 BC"), "ffda97a7");
  check("date", pxt_string("5874897-12-31"), "7fda970c");
  check_einval("date", pxt_string("4714-11-23 BC"));
  check_einval("date", pxt_string("5874898-01-01"));
  check_einval("date", pxt_string("2023-02-29"));
  check_einval("date", pxt_string("2024-13-01"));
  check_einval("date", pxt_string("0000-01-01"));
  check_einval("date", pxt_string("2024-1-01"));
  check_einval("date", pxt_string("2024-01-01 "));
  check_einval("date", pxt_long("20240101"));
}

static void test_time(void **state) {
  (void)state;
  check("time", pxt_string("00:00:00"), "0000000000000000");
  /* time_send('24:00:00'), time_send('23:59:59.9999999') (rounded up to 24:00) */
  check("time", pxt_string("24:00:00"), "000000141dd76000");
  check("time", pxt_string("23:59:59.9999999"), "000000141dd76000");
  check("time", pxt_string("14:30:45.5"), "0000000c2a131060");
  check_einval("time", pxt_string("24:00:01"));
  check_einval("time", pxt_string("12:60:00"));
  check_einval("time", pxt_string("12:00"));
  check_einval("time", pxt_string("12:00:00+00"));
  /* timetz_send('12:00:00-05'), timetz_send('00:00:00+15:59'): zone in seconds west */
  check("timetz", pxt_string("12:00:00-05"), "0000000a0eebb00000004650");
  check("timetz", pxt_string("00:00:00+15:59"), "0000000000000000ffff1f3c");
  /* Without an offset (how the Data API may send timetz): UTC. */
  check("timetz", pxt_string("12:00:00"), "0000000a0eebb00000000000");
  check_einval("timetz", pxt_string("12:00:00 "));
  check_einval("timetz", pxt_string("12:00:00+16"));
}

static void test_timestamp(void **state) {
  (void)state;
  check("timestamp", pxt_string("2000-01-01 00:00:00"), "0000000000000000");
  check("timestamp", pxt_string("2000-01-01 00:00:00.0"), "0000000000000000");
  /* timestamp_send('1999-12-31 23:59:59.999999') */
  check("timestamp", pxt_string("1999-12-31 23:59:59.999999"), "ffffffffffffffff");
  check("timestamp", pxt_string("infinity"), "7fffffffffffffff");
  check("timestamp", pxt_string("-infinity"), "8000000000000000");
  /* timestamp_send('4714-11-24 00:00:00 BC'), ('294276-12-31 23:59:59.999999') */
  check("timestamp", pxt_string("4714-11-24 00:00:00 BC"), "fd0f7cc1411fa000");
  check("timestamp", pxt_string("294276-12-31 23:59:59.999999"), "7fffff5bb3b29fff");
  check_einval("timestamp", pxt_string("294277-01-01 00:00:00"));
  check_einval("timestamp", pxt_string("4714-11-23 23:59:59.999999 BC"));
  /* Fractions of any length, rounded as PostgreSQL rounds them (rint: half to even here):
   * timestamp_send('2000-01-01 00:00:00.0000005') → 0, '….0000015' → 2, '….1234565' → 123456 */
  check("timestamp", pxt_string("2000-01-01 00:00:00.0000005"), "0000000000000000");
  check("timestamp", pxt_string("2000-01-01 00:00:00.0000015"), "0000000000000002");
  check("timestamp", pxt_string("2000-01-01 00:00:00.1234565"), "000000000001e240");
  check("timestamp", pxt_string("2000-01-01 00:00:00.1"), "00000000000186a0");
  check("timestamp", pxt_string("2000-01-01T00:00:01"), "00000000000f4240");
  check_einval("timestamp", pxt_string("2000-01-01 00:00:00+00"));
  check_einval("timestamp", pxt_string("2000-01-01"));
  check_einval("timestamp", pxt_string("2000-01-01 00:00:00 AD"));
  /* timestamptz: UTC from the offset. timestamptz_send('2024-06-12 19:30:45.123456+05:30'),
   * timestamptz_send('0001-01-01 00:00:00+00 BC') */
  check("timestamptz", pxt_string("2024-06-12 19:30:45.123456+05:30"), "0002bdb093cedf80");
  check("timestamptz", pxt_string("2024-06-12 14:00:45.123456+00"), "0002bdb093cedf80");
  check("timestamptz", pxt_string("0001-01-01 00:00:00+00 BC"), "ff1fc63d1bb12000");
  check("timestamptz", pxt_string("infinity"), "7fffffffffffffff");
  /* Without an offset: UTC, the zone the Data API converts to. */
  check("timestamptz", pxt_string("2024-06-12 14:00:45.123456"), "0002bdb093cedf80");
  check("timestamptz", pxt_string("0001-01-01 00:00:00 BC"), "ff1fc63d1bb12000");
  check_einval("timestamptz", pxt_string("2024-06-12 14:00:45 "));
}

static void test_interval(void **state) {
  (void)state;
  /* interval_send('-1 years 2 mons -3 days +04:05:06.5') */
  check("interval", pxt_string("-10 mons -3 days +04:05:06.5"), "000000036c9361a0fffffffdfffffff6");
  check("interval", pxt_string("-1 years +2 mons -3 days +04:05:06.5"),
        "000000036c9361a0fffffffdfffffff6");
  check("interval", pxt_string("00:00:00"), "00000000000000000000000000000000");
  check("interval", pxt_string("-00:00:01.5"), "ffffffffffe91ca00000000000000000");
  check("interval", pxt_string("178000000 years"), "0000000000000000000000007f50c600");
  check("interval", pxt_string("1 day"), "00000000000000000000000100000000");
  check("interval", pxt_string("2562047788:00:54.775807"), "7fffffffffffffff0000000000000000");
  check_einval("interval", pxt_string("179000000 years"));
  check_einval("interval", pxt_string("2562047788:00:54.775808"));
  check_einval("interval", pxt_string("1 fortnight"));
  check_einval("interval", pxt_string(""));
  check_einval("interval", pxt_string("1 day 1 day 01:00:00 01:00:00"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null),          cmocka_unit_test(test_supported),
      cmocka_unit_test(test_bool),          cmocka_unit_test(test_integers),
      cmocka_unit_test(test_floats),        cmocka_unit_test(test_numeric),
      cmocka_unit_test(test_numeric_large), cmocka_unit_test(test_text_types),
      cmocka_unit_test(test_bytea),         cmocka_unit_test(test_bytea_large),
      cmocka_unit_test(test_date),          cmocka_unit_test(test_time),
      cmocka_unit_test(test_timestamp),     cmocka_unit_test(test_interval),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
