/*
 * test_emu_types.c — Field and ColumnMetadata JSON for every type rule. The input texts are what
 * PostgreSQL 15 prints under the emulator's session settings (checked with psql: TimeZone=UTC,
 * DateStyle='ISO, MDY', IntervalStyle=postgres, extra_float_digits=1, bytea_output=hex), and
 * the typmods are pg_attribute.atttypmod of real columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "emu_types.h"

#define BIG (1u << 20)

static void check_field(emu_field_kind kind, const char *value, const char *expect) {
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_buf_puts(&b, "[");
  emu_types_field(&b, kind, value, strlen(value), false);
  emu_buf_puts(&b, "]");
  assert_false(b.failed);
  char want[1024];
  snprintf(want, sizeof want, "[%s]", expect);
  assert_string_equal(b.data, want);
  emu_buf_free(&b);
}

/* The kind a column of this type gets, then the Field for one of its values. */
static void check_oid_field(uint32_t oid, const char *value, const char *expect) {
  check_field(emu_types_field_kind(oid), value, expect);
}

static void test_kinds_by_oid(void **state) {
  (void)state;
  assert_int_equal(emu_types_field_kind(EMU_OID_INT2), EMU_FIELD_LONG);
  assert_int_equal(emu_types_field_kind(EMU_OID_INT4), EMU_FIELD_LONG);
  assert_int_equal(emu_types_field_kind(EMU_OID_INT8), EMU_FIELD_LONG);
  assert_int_equal(emu_types_field_kind(EMU_OID_OID), EMU_FIELD_LONG);
  assert_int_equal(emu_types_field_kind(EMU_OID_FLOAT8), EMU_FIELD_DOUBLE);
  assert_int_equal(emu_types_field_kind(EMU_OID_FLOAT4), EMU_FIELD_FLOAT4);
  assert_int_equal(emu_types_field_kind(EMU_OID_BOOL), EMU_FIELD_BOOL);
  assert_int_equal(emu_types_field_kind(EMU_OID_TIMESTAMP), EMU_FIELD_TIMESTAMP);
  assert_int_equal(emu_types_field_kind(EMU_OID_BYTEA), EMU_FIELD_BYTEA_BASE64);
  const uint32_t strings[] = {
      EMU_OID_NUMERIC,  EMU_OID_BPCHAR, EMU_OID_VARCHAR,  EMU_OID_TEXT,
      EMU_OID_DATE,     EMU_OID_TIME,   EMU_OID_TIMETZ,   EMU_OID_TIMESTAMPTZ,
      EMU_OID_INTERVAL, EMU_OID_NAME,   EMU_OID_CHAR,     EMU_OID_MONEY,
      2950 /* uuid */,  114 /* json */, 3802 /* jsonb */, 1007 /* _int4 */};
  for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
    assert_int_equal(emu_types_field_kind(strings[i]), EMU_FIELD_STRING);
}

static void test_integers(void **state) {
  (void)state;
  check_oid_field(EMU_OID_INT2, "32767", "{\"longValue\":32767}");
  check_oid_field(EMU_OID_INT2, "-32768", "{\"longValue\":-32768}");
  check_oid_field(EMU_OID_INT4, "0", "{\"longValue\":0}");
  check_oid_field(EMU_OID_INT4, "42", "{\"longValue\":42}");
  /* Beyond 2^53 the digits must survive exactly. */
  check_oid_field(EMU_OID_INT8, "9223372036854775807", "{\"longValue\":9223372036854775807}");
  check_oid_field(EMU_OID_INT8, "-9223372036854775808", "{\"longValue\":-9223372036854775808}");
  check_oid_field(EMU_OID_INT8, "9007199254740993", "{\"longValue\":9007199254740993}");
  check_oid_field(EMU_OID_OID, "4294967295", "{\"longValue\":4294967295}");
}

static void test_integers_not_json_fall_back_to_string(void **state) {
  (void)state;
  check_field(EMU_FIELD_LONG, "", "{\"stringValue\":\"\"}");
  check_field(EMU_FIELD_LONG, "-", "{\"stringValue\":\"-\"}");
  check_field(EMU_FIELD_LONG, "007", "{\"stringValue\":\"007\"}");
  check_field(EMU_FIELD_LONG, "12a", "{\"stringValue\":\"12a\"}");
  check_field(EMU_FIELD_LONG, "1.5", "{\"stringValue\":\"1.5\"}");
  check_field(EMU_FIELD_LONG, "1}]", "{\"stringValue\":\"1}]\"}");
}

static void test_float8(void **state) {
  (void)state;
  check_oid_field(EMU_OID_FLOAT8, "0.1", "{\"doubleValue\":0.1}");
  check_oid_field(EMU_OID_FLOAT8, "1e+300", "{\"doubleValue\":1e+300}");
  check_oid_field(EMU_OID_FLOAT8, "5e-324", "{\"doubleValue\":5e-324}");
  check_oid_field(EMU_OID_FLOAT8, "-0", "{\"doubleValue\":-0}");
  check_oid_field(EMU_OID_FLOAT8, "1e-05", "{\"doubleValue\":1e-05}");
  check_oid_field(EMU_OID_FLOAT8, "0.30000000000000004", "{\"doubleValue\":0.30000000000000004}");
  check_oid_field(EMU_OID_FLOAT8, "1.2345678901234568e+17",
                  "{\"doubleValue\":1.2345678901234568e+17}");
  check_oid_field(EMU_OID_FLOAT8, "NaN", "{\"doubleValue\":\"NaN\"}");
  check_oid_field(EMU_OID_FLOAT8, "Infinity", "{\"doubleValue\":\"Infinity\"}");
  check_oid_field(EMU_OID_FLOAT8, "-Infinity", "{\"doubleValue\":\"-Infinity\"}");
  /* Not PostgreSQL float8 text, so never emitted as a JSON number. */
  check_field(EMU_FIELD_DOUBLE, "1.", "{\"stringValue\":\"1.\"}");
  check_field(EMU_FIELD_DOUBLE, ".5", "{\"stringValue\":\".5\"}");
  check_field(EMU_FIELD_DOUBLE, "1e", "{\"stringValue\":\"1e\"}");
  check_field(EMU_FIELD_DOUBLE, "inf", "{\"stringValue\":\"inf\"}");
  check_field(EMU_FIELD_DOUBLE, "", "{\"stringValue\":\"\"}");
}

static void test_float4_widened(void **state) {
  (void)state;
  check_oid_field(EMU_OID_FLOAT4, "0.1", "{\"doubleValue\":0.10000000149011612}");
  /* The capture in dataapi-types.md T1: CAST(123.456789012345 AS REAL). */
  check_oid_field(EMU_OID_FLOAT4, "123.45679", "{\"doubleValue\":123.456787109375}");
  check_oid_field(EMU_OID_FLOAT4, "2.5", "{\"doubleValue\":2.5}");
  check_oid_field(EMU_OID_FLOAT4, "3.4028235e+38", "{\"doubleValue\":3.4028234663852886e+38}");
  check_oid_field(EMU_OID_FLOAT4, "1e-45", "{\"doubleValue\":1.401298464324817e-45}");
  check_oid_field(EMU_OID_FLOAT4, "-0", "{\"doubleValue\":-0}");
  check_oid_field(EMU_OID_FLOAT4, "NaN", "{\"doubleValue\":\"NaN\"}");
  check_oid_field(EMU_OID_FLOAT4, "Infinity", "{\"doubleValue\":\"Infinity\"}");
  check_oid_field(EMU_OID_FLOAT4, "-Infinity", "{\"doubleValue\":\"-Infinity\"}");
  check_field(EMU_FIELD_FLOAT4, "", "{\"stringValue\":\"\"}");
  check_field(EMU_FIELD_FLOAT4, "1.5x", "{\"stringValue\":\"1.5x\"}");
  check_field(EMU_FIELD_FLOAT4, " 1.5", "{\"stringValue\":\" 1.5\"}");
  char longtext[80];
  memset(longtext, '1', sizeof longtext - 1);
  longtext[sizeof longtext - 1] = '\0';
  char expect[128];
  snprintf(expect, sizeof expect, "{\"stringValue\":\"%s\"}", longtext);
  check_field(EMU_FIELD_FLOAT4, longtext, expect);
}

static void test_bool(void **state) {
  (void)state;
  check_oid_field(EMU_OID_BOOL, "t", "{\"booleanValue\":true}");
  check_oid_field(EMU_OID_BOOL, "f", "{\"booleanValue\":false}");
  check_field(EMU_FIELD_BOOL, "true", "{\"stringValue\":\"true\"}");
  check_field(EMU_FIELD_BOOL, "", "{\"stringValue\":\"\"}");
}

static void test_strings_pass_through(void **state) {
  (void)state;
  check_oid_field(EMU_OID_NUMERIC, "12.3400", "{\"stringValue\":\"12.3400\"}");
  check_oid_field(EMU_OID_NUMERIC, "NaN", "{\"stringValue\":\"NaN\"}");
  check_oid_field(EMU_OID_BPCHAR, "dev   ", "{\"stringValue\":\"dev   \"}");
  check_oid_field(EMU_OID_VARCHAR, "say \"hi\"\n", "{\"stringValue\":\"say \\\"hi\\\"\\n\"}");
  check_oid_field(EMU_OID_TEXT, "caf\xc3\xa9", "{\"stringValue\":\"caf\xc3\xa9\"}");
  check_oid_field(EMU_OID_TEXT, "bad\xff", "{\"stringValue\":\"bad\\ufffd\"}");
  check_oid_field(EMU_OID_DATE, "2024-06-12", "{\"stringValue\":\"2024-06-12\"}");
  check_oid_field(EMU_OID_TIME, "14:30:45", "{\"stringValue\":\"14:30:45\"}");
  check_oid_field(EMU_OID_TIMETZ, "14:30:45.5+02", "{\"stringValue\":\"14:30:45.5+02\"}");
  check_oid_field(EMU_OID_TIMESTAMPTZ, "2024-06-12 19:30:45.123456+00",
                  "{\"stringValue\":\"2024-06-12 19:30:45.123456+00\"}");
  /* No ".0" for timestamptz: the JDBC formatting AWS appears to use adds a fraction only when
   * there is one (dataapi-types.md §2.4). */
  check_oid_field(EMU_OID_TIMESTAMPTZ, "2024-06-12 19:30:45+00",
                  "{\"stringValue\":\"2024-06-12 19:30:45+00\"}");
  check_oid_field(EMU_OID_INTERVAL, "1 day 02:03:04.5", "{\"stringValue\":\"1 day 02:03:04.5\"}");
  check_oid_field(2950, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                  "{\"stringValue\":\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"}");
  check_oid_field(3802, "{\"a\": 1}", "{\"stringValue\":\"{\\\"a\\\": 1}\"}");
  check_oid_field(1007, "{1,2}", "{\"stringValue\":\"{1,2}\"}");
  check_oid_field(EMU_OID_NAME, "pg_class", "{\"stringValue\":\"pg_class\"}");
}

static void test_timestamp(void **state) {
  (void)state;
  check_oid_field(EMU_OID_TIMESTAMP, "2022-02-22 00:00:00",
                  "{\"stringValue\":\"2022-02-22 00:00:00.0\"}");
  check_oid_field(EMU_OID_TIMESTAMP, "2024-06-12 14:30:45.123456",
                  "{\"stringValue\":\"2024-06-12 14:30:45.123456\"}");
  check_oid_field(EMU_OID_TIMESTAMP, "2020-08-21 17:33:51.88712",
                  "{\"stringValue\":\"2020-08-21 17:33:51.88712\"}");
  check_oid_field(EMU_OID_TIMESTAMP, "infinity", "{\"stringValue\":\"infinity\"}");
  check_oid_field(EMU_OID_TIMESTAMP, "-infinity", "{\"stringValue\":\"-infinity\"}");
  check_oid_field(EMU_OID_TIMESTAMP, "0044-03-15 12:00:00 BC",
                  "{\"stringValue\":\"0044-03-15 12:00:00.0 BC\"}");
  check_oid_field(EMU_OID_TIMESTAMP, "2024-06-12 14:30:45.5 BC",
                  "{\"stringValue\":\"2024-06-12 14:30:45.5 BC\"}");
  check_field(EMU_FIELD_TIMESTAMP, "", "{\"stringValue\":\"\"}");
}

static void test_bytea_base64(void **state) {
  (void)state;
  check_oid_field(EMU_OID_BYTEA, "\\x616263", "{\"stringValue\":\"YWJj\"}");
  check_oid_field(EMU_OID_BYTEA, "\\x", "{\"stringValue\":\"\"}");
  /* RFC 4648 §10 vectors, hex-encoded: every padding case. */
  check_oid_field(EMU_OID_BYTEA, "\\x66", "{\"stringValue\":\"Zg==\"}");
  check_oid_field(EMU_OID_BYTEA, "\\x666f", "{\"stringValue\":\"Zm8=\"}");
  check_oid_field(EMU_OID_BYTEA, "\\x666f6f", "{\"stringValue\":\"Zm9v\"}");
  check_oid_field(EMU_OID_BYTEA, "\\x666f6f62", "{\"stringValue\":\"Zm9vYg==\"}");
  check_oid_field(EMU_OID_BYTEA, "\\x666f6f6261", "{\"stringValue\":\"Zm9vYmE=\"}");
  check_oid_field(EMU_OID_BYTEA, "\\x666f6f626172", "{\"stringValue\":\"Zm9vYmFy\"}");
  check_oid_field(EMU_OID_BYTEA, "\\xDEADbeef", "{\"stringValue\":\"3q2+7w==\"}");

  /* Every byte value 0..255, base64 computed independently (Python's base64 module). */
  char hex[2 + 512 + 1] = "\\x";
  for (int i = 0; i < 256; i++)
    snprintf(hex + 2 + 2 * i, 3, "%02x", i);
  check_oid_field(
      EMU_OID_BYTEA, hex,
      "{\"stringValue\":"
      "\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4"
      "OTo7PD0+"
      "P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+"
      "AgYKDhIWGh4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKztLW2t7i5uru8vb6/"
      "wMHCw8TFxs"
      "fIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==\"}");
}

static void test_bytea_invalid_is_sent_as_text(void **state) {
  (void)state;
  check_field(EMU_FIELD_BYTEA_BASE64, "", "{\"stringValue\":\"\"}");
  check_field(EMU_FIELD_BYTEA_BASE64, "\\", "{\"stringValue\":\"\\\\\"}");
  check_field(EMU_FIELD_BYTEA_BASE64, "\\x6", "{\"stringValue\":\"\\\\x6\"}");
  check_field(EMU_FIELD_BYTEA_BASE64, "\\x6g", "{\"stringValue\":\"\\\\x6g\"}");
  check_field(EMU_FIELD_BYTEA_BASE64, "\\x61 62", "{\"stringValue\":\"\\\\x61 62\"}");
  check_field(EMU_FIELD_BYTEA_BASE64, "abc\\000", "{\"stringValue\":\"abc\\\\000\"}");
  /* Bad digit in the last, partial group and deep inside a long value. */
  check_field(EMU_FIELD_BYTEA_BASE64, "\\x616263zz", "{\"stringValue\":\"\\\\x616263zz\"}");
  char hex[2 + 600 + 1] = "\\x";
  memset(hex + 2, 'a', 600);
  hex[2 + 600] = '\0';
  hex[2 + 451] = 'Q';
  char expect[700];
  snprintf(expect, sizeof expect, "{\"stringValue\":\"\\\\x%s\"}", hex + 2);
  check_field(EMU_FIELD_BYTEA_BASE64, hex, expect);
}

static void test_null_for_every_kind(void **state) {
  (void)state;
  const emu_field_kind kinds[] = {EMU_FIELD_LONG,        EMU_FIELD_DOUBLE, EMU_FIELD_FLOAT4,
                                  EMU_FIELD_BOOL,        EMU_FIELD_STRING, EMU_FIELD_TIMESTAMP,
                                  EMU_FIELD_BYTEA_BASE64};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    emu_buf b;
    emu_buf_init(&b, BIG);
    emu_types_field(&b, kinds[i], NULL, 0, true);
    emu_types_field(&b, kinds[i], "ignored", 7, true);
    assert_string_equal(b.data, "{\"isNull\":true}{\"isNull\":true}");
    emu_buf_free(&b);
  }
}

static void test_field_defensive_inputs(void **state) {
  (void)state;
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_types_field(&b, EMU_FIELD_LONG, NULL, 5, false); /* NULL value reads as empty */
  emu_types_field(&b, (emu_field_kind)99, "x", 1, false);
  /* len, not strlen: the value need not be NUL-terminated. */
  emu_types_field(&b, EMU_FIELD_LONG, "12345", 2, false);
  emu_types_field(&b, EMU_FIELD_FLOAT4, "2.50000", 3, false);
  assert_false(b.failed);
  assert_string_equal(b.data, "{\"stringValue\":\"\"}{\"stringValue\":\"x\"}{\"longValue\":12}"
                              "{\"doubleValue\":2.5}");
  emu_buf_free(&b);
}

static void test_field_into_full_buffer(void **state) {
  (void)state;
  const emu_field_kind kinds[] = {EMU_FIELD_LONG, EMU_FIELD_FLOAT4, EMU_FIELD_TIMESTAMP,
                                  EMU_FIELD_BYTEA_BASE64, EMU_FIELD_STRING};
  const char *values[] = {"123", "0.1", "2022-02-22 00:00:00", "\\x616263", "text"};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    for (size_t cap = 0; cap < 24; cap++) {
      emu_buf b;
      emu_buf_init(&b, cap);
      emu_types_field(&b, kinds[i], values[i], strlen(values[i]), false);
      /* Either the whole field fits or the buffer reports failure; never a partial success. */
      if (!b.failed)
        assert_true(b.len <= cap && b.data[b.len - 1] == '}');
      else
        assert_true(b.len <= cap);
      emu_buf_free(&b);
    }
  }
}

/* ---- ColumnMetadata ------------------------------------------------------------------------ */

static void check_metadata(emu_column_info c, const char *expect) {
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_types_column_metadata(&b, &c);
  assert_false(b.failed);
  assert_string_equal(b.data, expect);
  emu_buf_free(&b);
}

static void test_metadata_required_columns(void **state) {
  (void)state;
  check_metadata(
      (emu_column_info){EMU_OID_NUMERIC, 655366, "numeric", "n", "public", "t", 0},
      "{\"isCaseSensitive\":false,\"isCurrency\":false,\"isSigned\":true,"
      "\"label\":\"n\",\"length\":0,\"name\":\"n\",\"nullable\":0,\"precision\":10,"
      "\"scale\":2,\"schemaName\":\"public\",\"tableName\":\"t\",\"typeName\":\"numeric\"}");
  check_metadata(
      (emu_column_info){EMU_OID_VARCHAR, 204, "varchar", "v", "public", "t", 1},
      "{\"isCaseSensitive\":true,\"isCurrency\":false,\"isSigned\":false,"
      "\"label\":\"v\",\"length\":0,\"name\":\"v\",\"nullable\":1,\"precision\":200,"
      "\"scale\":0,\"schemaName\":\"public\",\"tableName\":\"t\",\"typeName\":\"varchar\"}");
  check_metadata(
      (emu_column_info){EMU_OID_BPCHAR, 36, "bpchar", "c", "public", "t", 1},
      "{\"isCaseSensitive\":true,\"isCurrency\":false,\"isSigned\":false,"
      "\"label\":\"c\",\"length\":0,\"name\":\"c\",\"nullable\":1,\"precision\":32,"
      "\"scale\":0,\"schemaName\":\"public\",\"tableName\":\"t\",\"typeName\":\"bpchar\"}");
  check_metadata((emu_column_info){EMU_OID_TEXT, -1, "text", "x", "public", "t", 1},
                 "{\"isCaseSensitive\":true,\"isCurrency\":false,\"isSigned\":false,"
                 "\"label\":\"x\",\"length\":0,\"name\":\"x\",\"nullable\":1,"
                 "\"precision\":2147483647,\"scale\":0,\"schemaName\":\"public\","
                 "\"tableName\":\"t\",\"typeName\":\"text\"}");
  check_metadata(
      (emu_column_info){EMU_OID_TIMESTAMPTZ, -1, "timestamptz", "tz", "", "", 1},
      "{\"isCaseSensitive\":false,\"isCurrency\":false,\"isSigned\":false,"
      "\"label\":\"tz\",\"length\":0,\"name\":\"tz\",\"nullable\":1,\"precision\":35,"
      "\"scale\":6,\"schemaName\":\"\",\"tableName\":\"\",\"typeName\":\"timestamptz\"}");
}

static void check_table_metadata(emu_column_info c, bool string_category,
                                 const char *column_default, const char *expect) {
  emu_buf b;
  emu_buf_init(&b, BIG);
  emu_types_table_column_metadata(&b, &c, string_category, column_default);
  assert_false(b.failed);
  assert_string_equal(b.data, expect);
  emu_buf_free(&b);
}

/* DescribeTable: character types carry their size in length too; the rest keep 0. */
static void test_table_metadata_length_and_default(void **state) {
  (void)state;
  check_table_metadata(
      (emu_column_info){EMU_OID_VARCHAR, 44, "varchar", "name", "s", "items", 0}, true,
      "'none'::character varying",
      "{\"columnDefault\":\"'none'::character varying\",\"isCaseSensitive\":true,"
      "\"isCurrency\":false,\"isSigned\":false,\"label\":\"name\",\"length\":40,"
      "\"name\":\"name\",\"nullable\":0,\"precision\":40,\"scale\":0,\"schemaName\":\"s\","
      "\"tableName\":\"items\",\"typeName\":\"varchar\"}");
  check_table_metadata((emu_column_info){EMU_OID_BPCHAR, 12, "bpchar", "c", "s", "t", 1}, true,
                       NULL,
                       "{\"isCaseSensitive\":true,\"isCurrency\":false,\"isSigned\":false,"
                       "\"label\":\"c\",\"length\":8,\"name\":\"c\",\"nullable\":1,"
                       "\"precision\":8,\"scale\":0,\"schemaName\":\"s\",\"tableName\":\"t\","
                       "\"typeName\":\"bpchar\"}");
  /* Unbounded: AWS's sample (information_schema's character_data domain) has 2147483647 in both. */
  check_table_metadata(
      (emu_column_info){13398, -1, "character_data", "feature_id", "information_schema",
                        "sql_features", 1},
      true, NULL,
      "{\"isCaseSensitive\":true,\"isCurrency\":false,\"isSigned\":false,"
      "\"label\":\"feature_id\",\"length\":2147483647,\"name\":\"feature_id\",\"nullable\":1,"
      "\"precision\":2147483647,\"scale\":0,\"schemaName\":\"information_schema\","
      "\"tableName\":\"sql_features\",\"typeName\":\"character_data\"}");
  check_table_metadata((emu_column_info){EMU_OID_INT8, -1, "int8", "id", "s", "t", 0}, false,
                       "nextval('t_id_seq'::regclass)",
                       "{\"columnDefault\":\"nextval('t_id_seq'::regclass)\","
                       "\"isCaseSensitive\":false,\"isCurrency\":false,\"isSigned\":true,"
                       "\"label\":\"id\",\"length\":0,\"name\":\"id\",\"nullable\":0,"
                       "\"precision\":19,\"scale\":0,\"schemaName\":\"s\",\"tableName\":\"t\","
                       "\"typeName\":\"int8\"}");
}

static void check_traits(uint32_t oid, int32_t typmod, int32_t precision, int32_t scale,
                         bool is_signed, bool case_sensitive) {
  emu_column_info c = {oid, typmod, NULL, "c", "", "", 1};
  emu_column_traits t;
  emu_types_column_traits(&c, &t);
  assert_int_equal(t.precision, precision);
  assert_int_equal(t.scale, scale);
  assert_int_equal(t.is_signed, is_signed);
  assert_int_equal(t.is_case_sensitive, case_sensitive);
  assert_int_equal(t.is_currency, oid == EMU_OID_MONEY);
}

/* Every value observed in AWS responses (dataapi-types.md §3) and the JDBC-derived predictions. */
static void test_traits_table(void **state) {
  (void)state;
  check_traits(EMU_OID_INT2, -1, 5, 0, true, false);
  check_traits(EMU_OID_INT4, -1, 10, 0, true, false);
  check_traits(EMU_OID_INT8, -1, 19, 0, true, false);
  check_traits(EMU_OID_OID, -1, 10, 0, false, false);
  check_traits(EMU_OID_FLOAT4, -1, 8, 8, true, false);
  check_traits(EMU_OID_FLOAT8, -1, 17, 17, true, false);
  check_traits(EMU_OID_BOOL, -1, 1, 0, false, false);
  check_traits(EMU_OID_NUMERIC, -1, 0, 0, true, false);      /* unconstrained */
  check_traits(EMU_OID_NUMERIC, 198658, 3, -2, true, false); /* numeric(3,-2), PostgreSQL 15 */
  check_traits(EMU_OID_NUMERIC, (6 << 16 | 5) + 4, 6, 5, true, false);
  check_traits(EMU_OID_VARCHAR, -1, 2147483647, 0, false, true);
  check_traits(EMU_OID_BPCHAR, 5, 1, 0, false, true);
  check_traits(EMU_OID_DATE, -1, 13, 0, false, false);
  check_traits(EMU_OID_TIME, -1, 15, 6, false, false);
  check_traits(EMU_OID_TIME, 0, 8, 0, false, false); /* time(0) */
  check_traits(EMU_OID_TIMETZ, -1, 21, 6, false, false);
  check_traits(EMU_OID_TIMESTAMP, -1, 29, 6, false, false);
  check_traits(EMU_OID_TIMESTAMP, 3, 26, 3, false, false); /* timestamp(3) */
  check_traits(EMU_OID_TIMESTAMPTZ, -1, 35, 6, false, false);
  check_traits(EMU_OID_INTERVAL, -1, 49, 0, false, false);
  check_traits(EMU_OID_BYTEA, -1, 64000, 0, false, true);
  check_traits(EMU_OID_NAME, -1, 64, 0, false, true);
  check_traits(EMU_OID_CHAR, -1, 1, 0, false, true);
  check_traits(EMU_OID_MONEY, -1, 2147483647, 0, false, true);
  check_traits(2950 /* uuid */, -1, 2147483647, 0, false, true);
  check_traits(1007 /* _int4 */, -1, 2147483647, 0, false, true);
}

static void test_type_names(void **state) {
  (void)state;
  emu_column_info c = {EMU_OID_BYTEA, -1, "bytea", "b", "", "", 1};
  assert_string_equal(emu_types_type_name(&c), "varbyte");
  c = (emu_column_info){EMU_OID_INT4, -1, "int4", "i", "", "", 1};
  assert_string_equal(emu_types_type_name(&c), "int4");
  c = (emu_column_info){1007, -1, "_int4", "a", "", "", 1};
  assert_string_equal(emu_types_type_name(&c), "_int4");
  c = (emu_column_info){2950, -1, "uuid", "u", "", "", 1};
  assert_string_equal(emu_types_type_name(&c), "uuid");
  /* Without a catalog name, built-in OIDs still get theirs; others a clear "unknown". */
  c = (emu_column_info){EMU_OID_TIMESTAMPTZ, -1, NULL, "t", "", "", 1};
  assert_string_equal(emu_types_type_name(&c), "timestamptz");
  c = (emu_column_info){EMU_OID_FLOAT8, -1, "", "t", "", "", 1};
  assert_string_equal(emu_types_type_name(&c), "float8");
  c = (emu_column_info){99999, -1, NULL, "t", "", "", 1};
  assert_string_equal(emu_types_type_name(&c), "unknown");
}

static void test_metadata_varbyte_and_escaping(void **state) {
  (void)state;
  /* The T1 capture: 'abc'::varbyte → typeName varbyte, precision 64000, case sensitive. */
  check_metadata((emu_column_info){EMU_OID_BYTEA, -1, "bytea", "v", "", "", 1},
                 "{\"isCaseSensitive\":true,\"isCurrency\":false,\"isSigned\":false,"
                 "\"label\":\"v\",\"length\":0,\"name\":\"v\",\"nullable\":1,\"precision\":64000,"
                 "\"scale\":0,\"schemaName\":\"\",\"tableName\":\"\",\"typeName\":\"varbyte\"}");
  /* Quoted identifiers may hold anything; NULL strings read as "". */
  check_metadata((emu_column_info){EMU_OID_INT4, -1, "int4", "a\"b\\c", NULL, NULL, 1},
                 "{\"isCaseSensitive\":false,\"isCurrency\":false,\"isSigned\":true,"
                 "\"label\":\"a\\\"b\\\\c\",\"length\":0,\"name\":\"a\\\"b\\\\c\",\"nullable\":1,"
                 "\"precision\":10,\"scale\":0,\"schemaName\":\"\",\"tableName\":\"\","
                 "\"typeName\":\"int4\"}");
  check_metadata((emu_column_info){EMU_OID_INT4, -1, "int4", NULL, "", "", 1},
                 "{\"isCaseSensitive\":false,\"isCurrency\":false,\"isSigned\":true,"
                 "\"label\":\"\",\"length\":0,\"name\":\"\",\"nullable\":1,"
                 "\"precision\":10,\"scale\":0,\"schemaName\":\"\",\"tableName\":\"\","
                 "\"typeName\":\"int4\"}");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kinds_by_oid),
      cmocka_unit_test(test_integers),
      cmocka_unit_test(test_integers_not_json_fall_back_to_string),
      cmocka_unit_test(test_float8),
      cmocka_unit_test(test_float4_widened),
      cmocka_unit_test(test_bool),
      cmocka_unit_test(test_strings_pass_through),
      cmocka_unit_test(test_timestamp),
      cmocka_unit_test(test_bytea_base64),
      cmocka_unit_test(test_bytea_invalid_is_sent_as_text),
      cmocka_unit_test(test_null_for_every_kind),
      cmocka_unit_test(test_field_defensive_inputs),
      cmocka_unit_test(test_field_into_full_buffer),
      cmocka_unit_test(test_metadata_required_columns),
      cmocka_unit_test(test_table_metadata_length_and_default),
      cmocka_unit_test(test_traits_table),
      cmocka_unit_test(test_type_names),
      cmocka_unit_test(test_metadata_varbyte_and_escaping),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
