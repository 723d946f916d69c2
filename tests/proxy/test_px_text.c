/* test_px_text.c — px_text_field per type rule, field-kind conversions, invalid values, and
 * RowDescription bytes.
 *
 * Every expected text was printed by PostgreSQL 15.20 (TimeZone UTC, DateStyle ISO, default
 * extra_float_digits and bytea_output); the SQL that produced it is quoted next to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pgw_buf.h"
#include "pgw_wr.h"
#include "pxt_util.h"

/* Renders f for a column of Data API type type_name and checks the text. */
static void check(const char *type_name, dapi_result_field f, const char *want) {
  px_coltype t = pxt_type(type_name);
  pxt_out out;
  pxt_render(&t, &f, &out);
  assert_int_equal(out.rc, PX_TEXT_OK);
  assert_true(out.framing_ok);
  assert_int_equal(out.len, (int32_t)strlen(want));
  assert_string_equal(out.data, want);
}

/* Checks that f is refused for the column, and that nothing of the field was written. */
static void check_einval(const char *type_name, dapi_result_field f) {
  px_coltype t = pxt_type(type_name);
  pxt_out out;
  pxt_render(&t, &f, &out);
  assert_int_equal(out.rc, PX_TEXT_EINVAL);
  assert_true(out.framing_ok);
}

static void test_null_every_type(void **state) {
  (void)state;
  const char *types[] = {"int4",    "text",      "float8", "float4", "bool",      "numeric",
                         "varbyte", "timestamp", "timetz", "super",  "nosuchtype"};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
    px_coltype t = pxt_type(types[i]);
    dapi_result_field f = pxt_null();
    pxt_out out;
    pxt_render(&t, &f, &out);
    assert_int_equal(out.rc, PX_TEXT_OK);
    assert_true(out.framing_ok);
    assert_int_equal(out.len, -1);
  }
}

static void test_bool(void **state) {
  (void)state;
  /* SELECT true, false → t, f */
  check("bool", pxt_bool(true), "t");
  check("bool", pxt_bool(false), "f");
  /* The pre-2022 service sent "true"/"false" as stringValue; PostgreSQL's boolin spellings:
   * SELECT 'yes'::bool, ' of'::bool, 'TR'::bool, '1'::bool → t, f, t, t */
  check("bool", pxt_string("true"), "t");
  check("bool", pxt_string("false"), "f");
  check("bool", pxt_string("yes"), "t");
  check("bool", pxt_string(" of"), "f");
  check("bool", pxt_string("TR"), "t");
  check("bool", pxt_string("1"), "t");
  check("bool", pxt_string("0"), "f");
  check("bool", pxt_string("on"), "t");
  check("bool", pxt_string("n"), "f");
  /* SELECT 'o'::bool → invalid input syntax (on or off?) ; 'truex', '', '2' likewise */
  check_einval("bool", pxt_string("o"));
  check_einval("bool", pxt_string("truex"));
  check_einval("bool", pxt_string(""));
  check_einval("bool", pxt_string("2"));
  check_einval("bool", pxt_long("1"));
  check_einval("bool", pxt_double("1"));
  check_einval("bool", pxt_blob("AQ=="));
}

static void test_integers(void **state) {
  (void)state;
  /* SELECT 9223372036854775807::int8, (-9223372036854775808)::int8, 32767::int2, (-32768)::int2 */
  check("int8", pxt_long("9223372036854775807"), "9223372036854775807");
  check("int8", pxt_long("-9223372036854775808"), "-9223372036854775808");
  check("int2", pxt_long("32767"), "32767");
  check("int2", pxt_long("-32768"), "-32768");
  check("int4", pxt_long("0"), "0");
  /* JSON allows -0; SELECT '-0'::int4 → 0 */
  check("int4", pxt_long("-0"), "0");
  /* oid: SELECT 4294967295::oid → 4294967295 */
  check("oid", pxt_long("4294967295"), "4294967295");
  /* An integer as stringValue or as an integral doubleValue is unambiguous. */
  check("int4", pxt_string("42"), "42");
  check("int8", pxt_double("-7"), "-7");
  /* Not integers, or beyond int64: refused rather than printed wrong. */
  check_einval("int8", pxt_string("9223372036854775808"));
  check_einval("int8", pxt_string("-9223372036854775809"));
  check_einval("int4", pxt_string("4.0"));
  check_einval("int4", pxt_string("007"));
  check_einval("int4", pxt_string("+7"));
  check_einval("int4", pxt_string(" 7"));
  check_einval("int4", pxt_string("-"));
  check_einval("int4", pxt_string(""));
  check_einval("int4", pxt_double("1.0E3"));
  check_einval("int4", pxt_double_special(DAPI_RESULT_NAN));
  check_einval("int4", pxt_bool(true));
}

static void test_float8(void **state) {
  (void)state;
  /* SELECT 0.1::float8, 1/3::float8, 1e300::float8, 5e-324::float8, 1e-05::float8,
   *        1e15::float8, 123456789012345678::float8, '-0'::float8, 1.5e-7::float8,
   *        123456789012345::float8, 1e14::float8, 1e-4::float8, 2.3::float8, 100::float8
   * → 0.1 | 0.3333333333333333 | 1e+300 | 5e-324 | 1e-05 | 1e+15 | 1.2345678901234568e+17 | -0 |
   *   1.5e-07 | 123456789012345 | 100000000000000 | 0.0001 | 2.3 | 100 */
  check("float8", pxt_double("0.1"), "0.1");
  check("float8", pxt_double("0.3333333333333333"), "0.3333333333333333");
  check("float8", pxt_double("1e+300"), "1e+300");
  check("float8", pxt_double("5e-324"), "5e-324");
  check("float8", pxt_double("1e-05"), "1e-05");
  check("float8", pxt_double("1e+15"), "1e+15");
  check("float8", pxt_double("123456789012345678"), "1.2345678901234568e+17");
  check("float8", pxt_double("-0"), "-0");
  check("float8", pxt_double("-0.0"), "-0");
  check("float8", pxt_double("1.5e-07"), "1.5e-07");
  check("float8", pxt_double("123456789012345"), "123456789012345");
  check("float8", pxt_double("100000000000000"), "100000000000000");
  check("float8", pxt_double("0.0001"), "0.0001");
  check("float8", pxt_double("2.3"), "2.3");
  check("float8", pxt_double("100"), "100");
  check("float8", pxt_double("0"), "0");
  /* Java-style doubles the real service may send: SELECT 1.0E300::float8, 1.0E-5::float8 */
  check("float8", pxt_double("1.0E300"), "1e+300");
  check("float8", pxt_double("1.0E-5"), "1e-05");
  check("float8", pxt_double("1.7976931348623157E308"), "1.7976931348623157e+308");
  /* SELECT 2.2250738585072014e-308::float8 (smallest normal) */
  check("float8", pxt_double("2.2250738585072014E-308"), "2.2250738585072014e-308");
  /* SELECT 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8 */
  check("float8", pxt_double_special(DAPI_RESULT_NAN), "NaN");
  check("float8", pxt_double_special(DAPI_RESULT_POS_INF), "Infinity");
  check("float8", pxt_double_special(DAPI_RESULT_NEG_INF), "-Infinity");
  /* Ryu as PostgreSQL builds it leaves out the exact rounding boundary: 35514903301630152 is
   * 3.551490330163015e16 + 2, half its spacing of 4, yet PostgreSQL prints 17 digits.
   * SELECT 35514903301630152::float8 → 3.5514903301630152e+16 */
  check("float8", pxt_double("35514903301630152"), "3.5514903301630152e+16");
  /* A stringValue or longValue in a float8 column: SELECT '2.5'::float8, 12::float8 */
  check("float8", pxt_string("2.5"), "2.5");
  check("float8", pxt_string("NaN"), "NaN");
  check("float8", pxt_string("-Infinity"), "-Infinity");
  check("float8", pxt_long("12"), "12");
  /* SELECT 9007199254740993::float8 → 9.007199254740992e+15 (2^53 + 1 rounds to even) */
  check("float8", pxt_long("9007199254740993"), "9.007199254740992e+15");
  /* Out of range (PostgreSQL: "is out of range for type double precision") or not a number. */
  check_einval("float8", pxt_double("1e400"));
  check_einval("float8", pxt_double("1e-400"));
  check_einval("float8", pxt_string("abc"));
  check_einval("float8", pxt_string("0x1p3"));
  check_einval("float8", pxt_string("1e"));
  check_einval("float8", pxt_string(""));
  check_einval("float8", pxt_bool(true));
  check_einval("float8", pxt_blob("AAAA"));
}

static void test_float4(void **state) {
  (void)state;
  /* The service sends float4 widened to double: CAST(123.456789012345 AS REAL) came back as
   * 123.456787109375 (dataapi-types.md §2.2). SELECT 123.456789012345::float4 → 123.45679 */
  check("float4", pxt_double("123.456787109375"), "123.45679");
  /* SELECT 0.1::float4 → 0.1 (sent as 0.10000000149011612) */
  check("float4", pxt_double("0.10000000149011612"), "0.1");
  /* SELECT 1e6::float4, 999999::float4, 100000::float4, 1e-5::float4, 1.4e-45::float4,
   *        3.4028235e38::float4, 16777216::float4, (1/3.0)::float4, '-0'::float4
   * → 1e+06 | 999999 | 100000 | 1e-05 | 1e-45 | 3.4028235e+38 | 1.6777216e+07 | 0.33333334 | -0 */
  check("float4", pxt_double("1000000"), "1e+06");
  check("float4", pxt_double("999999"), "999999");
  check("float4", pxt_double("100000"), "100000");
  check("float4", pxt_double("9.99999974737875E-6"), "1e-05");
  check("float4", pxt_double("1.401298464324817E-45"), "1e-45");
  check("float4", pxt_double("3.4028234663852886E38"), "3.4028235e+38");
  check("float4", pxt_double("16777216"), "1.6777216e+07");
  check("float4", pxt_double("0.3333333432674408"), "0.33333334");
  check("float4", pxt_double("-0"), "-0");
  check("float4", pxt_double_special(DAPI_RESULT_NAN), "NaN");
  check("float4", pxt_double_special(DAPI_RESULT_POS_INF), "Infinity");
  /* The pre-2022 service sent float4 as stringValue "2.2": SELECT 2.2::float4 → 2.2 */
  check("float4", pxt_string("2.2"), "2.2");
  /* Beyond float4 (PostgreSQL: "is out of range for type real"). */
  check_einval("float4", pxt_double("1e39"));
  check_einval("float4", pxt_double("1e-50"));
  check_einval("float4", pxt_string("x"));
}

static void test_numeric(void **state) {
  (void)state;
  /* PostgreSQL's own text passes through: SELECT 12.3400::numeric(10,4), 'NaN'::numeric */
  check("numeric", pxt_string("12.3400"), "12.3400");
  check("numeric", pxt_string("-0.5"), "-0.5");
  check("numeric", pxt_string("NaN"), "NaN");
  check("numeric", pxt_string("Infinity"), "Infinity");
  check("numeric", pxt_long("12345678901234567890"), "12345678901234567890");
  /* Java BigDecimal forms, read by numeric_in the same way:
   * SELECT '1E-7'::numeric, '0E-10'::numeric, '1.23E+4'::numeric, '-1.5e3'::numeric,
   *        '-0E+3'::numeric → 0.0000001 | 0.0000000000 | 12300 | -1500 | 0 */
  check("numeric", pxt_string("1E-7"), "0.0000001");
  check("numeric", pxt_string("0E-10"), "0.0000000000");
  check("numeric", pxt_string("1.23E+4"), "12300");
  check("numeric", pxt_string("-1.5e3"), "-1500");
  check("numeric", pxt_string("-0E+3"), "0");
  /* SELECT '12.345E1'::numeric, '0.0012E2'::numeric, '-1.000E-2'::numeric
   * → 123.45 | 0.12 | -0.01000 */
  check("numeric", pxt_string("12.345E1"), "123.45");
  check("numeric", pxt_string("0.0012E2"), "0.12");
  check("numeric", pxt_string("-1.000E-2"), "-0.01000");
  /* Beyond numeric's 16383 fraction digits; malformed exponent forms. */
  check_einval("numeric", pxt_string("1E-20000"));
  check_einval("numeric", pxt_string("1E"));
  check_einval("numeric", pxt_string("E5"));
  check_einval("numeric", pxt_string("1.5E+-3"));
  check_einval("numeric", pxt_string("1E5x"));
  check_einval("numeric", pxt_double("1.5"));
  check_einval("numeric", pxt_bool(false));
}

static void test_numeric_long_exponent_streams(void **state) {
  (void)state;
  /* SELECT length('1E+1000'::numeric::text) → 1001: written in pieces, not a fixed buffer. */
  px_coltype t = pxt_type("numeric");
  dapi_result_field f = pxt_string("1E+1000");
  pxt_out out;
  pxt_render(&t, &f, &out);
  assert_int_equal(out.rc, PX_TEXT_OK);
  assert_true(out.framing_ok);
  assert_int_equal(out.len, 1001);
  assert_int_equal(out.data[0], '1');
  for (int i = 1; i < 1001; i++)
    assert_int_equal(out.data[i], '0');
}

static void test_timestamps(void **state) {
  (void)state;
  /* The service's Timestamp.toString() form ends in ".0"; PostgreSQL prints no zero fraction.
   * SELECT '2022-02-22 00:00:00'::timestamp → 2022-02-22 00:00:00 */
  check("timestamp", pxt_string("2022-02-22 00:00:00.0"), "2022-02-22 00:00:00");
  /* SELECT '2024-06-12 14:30:45.12'::timestamp, '2024-06-12 14:30:45.123456'::timestamp */
  check("timestamp", pxt_string("2024-06-12 14:30:45.120"), "2024-06-12 14:30:45.12");
  check("timestamp", pxt_string("2024-06-12 14:30:45.123456"), "2024-06-12 14:30:45.123456");
  check("timestamp", pxt_string("2024-06-12 14:30:45"), "2024-06-12 14:30:45");
  /* SELECT '0044-03-15 12:00:00.5 BC'::timestamp, 'infinity'::timestamp */
  check("timestamp", pxt_string("0044-03-15 12:00:00.50 BC"), "0044-03-15 12:00:00.5 BC");
  check("timestamp", pxt_string("0044-03-15 12:00:00.0 BC"), "0044-03-15 12:00:00 BC");
  check("timestamp", pxt_string("infinity"), "infinity");
  check("timestamp", pxt_string("-infinity"), "-infinity");
  /* DateStyle German: SET datestyle = german; SELECT '2024-06-12 14:30:45.120'::timestamp
   * → 12.06.2024 14:30:45.12 (the date's dots are not a fraction) */
  check("timestamp", pxt_string("12.06.2024 14:30:45.120"), "12.06.2024 14:30:45.12");
  check("timestamp", pxt_string("12.06.2024 14:30:45"), "12.06.2024 14:30:45");
  /* SELECT '2024-06-12 19:30:45.5+00'::timestamptz, '2024-06-12 19:30:45+00'::timestamptz */
  check("timestamptz", pxt_string("2024-06-12 19:30:45.500000+00"), "2024-06-12 19:30:45.5+00");
  check("timestamptz", pxt_string("2024-06-12 19:30:45.0+00"), "2024-06-12 19:30:45+00");
  check("timestamptz", pxt_string("2024-06-12 19:30:45.123456+05:30"),
        "2024-06-12 19:30:45.123456+05:30");
  /* SELECT '14:30:45.5'::time, '14:30:45.5+05:30'::timetz */
  check("time", pxt_string("14:30:45.500000"), "14:30:45.5");
  check("time", pxt_string("14:30:45"), "14:30:45");
  check("timetz", pxt_string("14:30:45.500+05:30"), "14:30:45.5+05:30");
  check("timetz", pxt_string("09:26:38.779304+00"), "09:26:38.779304+00");
  /* Only strings carry times. */
  check_einval("timestamp", pxt_long("1718200000"));
  check_einval("time", pxt_bool(true));
}

static void test_bytea(void **state) {
  (void)state;
  /* 'abc'::varbyte came back as "YWJj" (dataapi-types.md §2.8); PostgreSQL's bytea text:
   * SELECT 'abc'::bytea, ''::bytea, '\x00ff'::bytea → \x616263 | \x | \x00ff */
  check("varbyte", pxt_string("YWJj"), "\\x616263");
  check("varbyte", pxt_string(""), "\\x");
  check("varbyte", pxt_string("AP8="), "\\x00ff");
  check("varbyte", pxt_blob("AP8="), "\\x00ff");
  check("bytea", pxt_string("AA=="), "\\x00");
  /* Without padding the value is still unambiguous. */
  check("varbyte", pxt_string("AP8"), "\\x00ff");
  check("varbyte", pxt_string("AA"), "\\x00");
  /* SELECT decode('+/+/', 'base64') → \xfbffbf: the last two letters of the alphabet */
  check("varbyte", pxt_string("+/+/"), "\\xfbffbf");
  /* Invalid base64. */
  check_einval("varbyte", pxt_string("YWJ"
                                     "j="));
  check_einval("varbyte", pxt_string("Y"));
  check_einval("varbyte", pxt_string("YWJjZ"));
  check_einval("varbyte", pxt_string("Y=Jj"));
  check_einval("varbyte", pxt_string("===="));
  check_einval("varbyte", pxt_string("YW Jj"));
  check_einval("varbyte", pxt_string("YW\nJj"));
  check_einval("varbyte", pxt_string("YWJj\xff"));
  check_einval("varbyte", pxt_string("YWJ-"));
  check_einval("varbyte", pxt_long("1"));
}

static void test_bytea_large_streams(void **state) {
  (void)state;
  /* 1500 bytes 0x00..0xff repeated: several output pieces; compare with a hand encoding. */
  enum { N = 1500 };
  static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  static char b64[(N + 2) / 3 * 4 + 1];
  static char want[2 + 2 * N + 1];
  unsigned char bytes[N];
  for (int i = 0; i < N; i++)
    bytes[i] = (unsigned char)(i * 7);
  size_t o = 0;
  for (int i = 0; i < N; i += 3) {
    uint32_t v = (uint32_t)bytes[i] << 16 | (uint32_t)bytes[i + 1] << 8 | bytes[i + 2];
    b64[o++] = B64[v >> 18 & 63];
    b64[o++] = B64[v >> 12 & 63];
    b64[o++] = B64[v >> 6 & 63];
    b64[o++] = B64[v & 63];
  }
  b64[o] = '\0';
  want[0] = '\\';
  want[1] = 'x';
  for (int i = 0; i < N; i++) {
    want[2 + 2 * i] = "0123456789abcdef"[bytes[i] >> 4];
    want[3 + 2 * i] = "0123456789abcdef"[bytes[i] & 15];
  }
  want[2 + 2 * N] = '\0';
  check("varbyte", pxt_string(b64), want);
}

static void test_verbatim(void **state) {
  (void)state;
  /* SELECT 'dev'::char(6) → "dev   " (padded as sent); varchar/text/date/interval/json as is */
  check("bpchar", pxt_string("dev   "), "dev   ");
  check("varchar", pxt_string("Hello World"), "Hello World");
  check("text", pxt_string(""), "");
  check("date", pxt_string("2024-06-12"), "2024-06-12");
  check("interval", pxt_string("1 day 02:00:00.5"), "1 day 02:00:00.5");
  check("super", pxt_string("\"Message\""), "\"Message\"");
  check("_int4", pxt_string("{1,2,3}"), "{1,2,3}");
  check("uuid", pxt_string("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  /* Embedded NUL bytes (an escaped \u0000) travel as they are. */
  px_coltype t = pxt_type("text");
  dapi_result_field f = pxt_string("a");
  f.text.ptr = "a\0b";
  f.text.len = 3;
  pxt_out out;
  pxt_render(&t, &f, &out);
  assert_int_equal(out.rc, PX_TEXT_OK);
  assert_int_equal(out.len, 3);
  assert_memory_equal(out.data, "a\0b", 3);
  /* Other members in a verbatim column print as PostgreSQL prints their type. */
  check("text", pxt_bool(true), "t");
  check("text", pxt_long("-12"), "-12");
  check("text", pxt_double("1.0E-5"), "1e-05");
  check("nosuchtype", pxt_double_special(DAPI_RESULT_NEG_INF), "-Infinity");
  check_einval("text", pxt_blob("AAAA"));
}

static void test_einval_leaves_row_usable_count(void **state) {
  (void)state;
  /* Two columns: the first written, the second refused; the row still lacks one field. */
  pgw_buf buf;
  pgw_buf_init(&buf, 1 << 16);
  pgw_wr w;
  pgw_wr_init(&w, &buf);
  pgw_datarow row;
  pgw_enc_datarow_begin(&row, &w, 2);
  px_coltype i4 = pxt_type("int4");
  dapi_result_field one = pxt_long("1");
  assert_int_equal(px_text_field(&row, &i4, &one), PX_TEXT_OK);
  dapi_result_field bad = pxt_string("x");
  assert_int_equal(px_text_field(&row, &i4, &bad), PX_TEXT_EINVAL);
  assert_int_equal(row.done, 1);
  assert_false(row.field_open);
  /* Finishing the row with a NULL shows the writer was left consistent. */
  pgw_enc_datarow_null(&row);
  pgw_enc_datarow_end(&row);
  assert_int_equal(pgw_wr_status(&w), PGW_OK);
  static const uint8_t want[] = {'D', 0, 0, 0, 15, 0, 2, 0, 0, 0, 1, '1', 0xff, 0xff, 0xff, 0xff};
  assert_int_equal(pgw_buf_len(&buf), sizeof want);
  assert_memory_equal(pgw_buf_data(&buf), want, sizeof want);
  pgw_buf_free(&buf);
}

static void test_row_description(void **state) {
  (void)state;
  /* Type facts as PostgreSQL 15 reports them (PQftype/PQfsize/PQfmod) for
   * SELECT 1::int4 AS id, 'x'::varchar(200) AS v, 1.5::numeric(10,2) AS n */
  px_column cols[3] = {
      {"id", px_types_from_dataapi("int4", 4, 10, 0)},
      {"v", px_types_from_dataapi("varchar", 7, 200, 0)},
      {"n", px_types_from_dataapi("numeric", 7, 10, 2)},
  };
  pgw_buf buf;
  pgw_buf_init(&buf, 1 << 16);
  pgw_wr w;
  pgw_wr_init(&w, &buf);
  px_text_row_description(&w, cols, 3, NULL, 0);
  assert_int_equal(pgw_wr_status(&w), PGW_OK);
  static const uint8_t want[] = {
      'T', 0, 0, 0, 67, 0, 3,
      /* "id": table 0, attnum 0, oid 23, typlen 4, typmod -1, format 0 */
      'i', 'd', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 23, 0, 4, 0xff, 0xff, 0xff, 0xff, 0, 0,
      /* "v": oid 1043, typlen -1, typmod 204 */
      'v', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x13, 0xff, 0xff, 0, 0, 0, 204, 0, 0,
      /* "n": oid 1700, typlen -1, typmod 655366 = 0x000a0006 */
      'n', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x06, 0xa4, 0xff, 0xff, 0, 0x0a, 0, 0x06, 0, 0};
  assert_int_equal(pgw_buf_len(&buf), sizeof want);
  assert_memory_equal(pgw_buf_data(&buf), want, sizeof want);

  /* The same bytes as pgwire's own encoder produces from px_text_pgw_field. */
  pgw_buf buf2;
  pgw_buf_init(&buf2, 1 << 16);
  pgw_wr w2;
  pgw_wr_init(&w2, &buf2);
  pgw_field fields[3];
  for (int i = 0; i < 3; i++)
    fields[i] = px_text_pgw_field(&cols[i]);
  pgw_enc_row_description(&w2, fields, 3);
  assert_int_equal(pgw_wr_status(&w2), PGW_OK);
  assert_int_equal(pgw_buf_len(&buf2), sizeof want);
  assert_memory_equal(pgw_buf_data(&buf2), want, sizeof want);
  pgw_buf_free(&buf2);

  /* A column without a name is a caller bug: reported, and nothing is left in the buffer. */
  pgw_buf_truncate(&buf, 0);
  pgw_wr_init(&w, &buf);
  px_column nameless = {NULL, pxt_type("int4")};
  px_text_row_description(&w, &nameless, 1, NULL, 0);
  assert_int_equal(pgw_wr_status(&w), PGW_EPROTO);
  assert_int_equal(pgw_buf_len(&buf), 0);

  /* No columns: an empty RowDescription. */
  pgw_wr_init(&w, &buf);
  px_text_row_description(&w, NULL, 0, NULL, 0);
  assert_int_equal(pgw_wr_status(&w), PGW_OK);
  static const uint8_t empty[] = {'T', 0, 0, 0, 6, 0, 0};
  assert_int_equal(pgw_buf_len(&buf), sizeof empty);
  assert_memory_equal(pgw_buf_data(&buf), empty, sizeof empty);
  pgw_buf_free(&buf);
}

static void test_strerror(void **state) {
  (void)state;
  assert_string_equal(px_text_strerror(PX_TEXT_OK), "success");
  assert_string_equal(px_text_strerror(PX_TEXT_EINVAL), "value not valid for the column's type");
  assert_non_null(px_text_strerror((px_text_rc)99));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_null_every_type),
      cmocka_unit_test(test_bool),
      cmocka_unit_test(test_integers),
      cmocka_unit_test(test_float8),
      cmocka_unit_test(test_float4),
      cmocka_unit_test(test_numeric),
      cmocka_unit_test(test_numeric_long_exponent_streams),
      cmocka_unit_test(test_timestamps),
      cmocka_unit_test(test_bytea),
      cmocka_unit_test(test_bytea_large_streams),
      cmocka_unit_test(test_verbatim),
      cmocka_unit_test(test_einval_leaves_row_usable_count),
      cmocka_unit_test(test_row_description),
      cmocka_unit_test(test_strerror),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
