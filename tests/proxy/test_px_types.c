/* test_px_types.c — Data API typeName/precision/scale → OID, typlen, typmod, text rule.
 *
 * OIDs and typlen are pg_type's of PostgreSQL 15 (SELECT typname, oid, typlen FROM pg_type); the
 * typmods are what PostgreSQL 15 reports (PQfmod) for the column the emulator describes with the
 * same precision/scale (tests/emulator/test_emu_types.c holds that side of the mapping).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "px_types.h"

static px_coltype of(const char *name, int32_t precision, int32_t scale) {
  return px_types_from_dataapi(name, strlen(name), precision, scale);
}

static void expect(const char *name, int32_t precision, int32_t scale, uint32_t oid, int16_t typlen,
                   int32_t typmod, px_text_kind kind) {
  px_coltype t = of(name, precision, scale);
  assert_int_equal(t.oid, oid);
  assert_int_equal(t.typlen, typlen);
  assert_int_equal(t.typmod, typmod);
  assert_int_equal(t.kind, kind);
}

static void test_core_types(void **state) {
  (void)state;
  /* Precision/scale as the Data API reports them (dataapi-types.md §3). */
  expect("bool", 1, 0, 16, 1, -1, PX_TEXT_BOOL);
  expect("int2", 5, 0, 21, 2, -1, PX_TEXT_INT);
  expect("int4", 10, 0, 23, 4, -1, PX_TEXT_INT);
  expect("int8", 19, 0, 20, 8, -1, PX_TEXT_INT);
  expect("float4", 8, 8, 700, 4, -1, PX_TEXT_FLOAT4);
  expect("float8", 17, 17, 701, 8, -1, PX_TEXT_FLOAT8);
  expect("text", 2147483647, 0, 25, -1, -1, PX_TEXT_VERBATIM);
  expect("date", 13, 0, 1082, 4, -1, PX_TEXT_VERBATIM);
  expect("interval", 49, 0, 1186, 16, -1, PX_TEXT_VERBATIM);
  expect("timestamptz", 35, 6, 1184, 8, -1, PX_TEXT_TIMESTAMPTZ);
  expect("timestamp", 29, 6, 1114, 8, -1, PX_TEXT_TIMESTAMP);
  expect("time", 15, 6, 1083, 8, -1, PX_TEXT_TIME);
  expect("timetz", 21, 6, 1266, 12, -1, PX_TEXT_TIME);
  /* varbyte (Redshift) and the emulator's bytea: OID 17, printed as bytea hex. */
  expect("varbyte", 64000, 0, 17, -1, -1, PX_TEXT_BYTEA);
  expect("bytea", 64000, 0, 17, -1, -1, PX_TEXT_BYTEA);
}

static void test_typmods(void **state) {
  (void)state;
  /* SELECT 1.5::numeric(10,2) → PQfmod 655366; 12300::numeric(3,-2) → 198658;
   * 12.3400::numeric(10,4) → 655368; unconstrained numeric (precision 0) → -1 */
  expect("numeric", 10, 2, 1700, -1, 655366, PX_TEXT_NUMERIC);
  expect("numeric", 3, -2, 1700, -1, 198658, PX_TEXT_NUMERIC);
  expect("numeric", 10, 4, 1700, -1, 655368, PX_TEXT_NUMERIC);
  expect("numeric", 0, 0, 1700, -1, -1, PX_TEXT_NUMERIC);
  expect("numeric", 1001, 0, 1700, -1, -1, PX_TEXT_NUMERIC);
  /* 'x'::varchar(200) → 204; 'dev'::char(32) → 36; bare varchar/bpchar → -1 */
  expect("varchar", 200, 0, 1043, -1, 204, PX_TEXT_VERBATIM);
  expect("varchar", 2147483647, 0, 1043, -1, -1, PX_TEXT_VERBATIM);
  expect("varchar", 65535, 0, 1043, -1, 65539, PX_TEXT_VERBATIM);
  expect("bpchar", 32, 0, 1042, -1, 36, PX_TEXT_VERBATIM);
  expect("bpchar", 2147483647, 0, 1042, -1, -1, PX_TEXT_VERBATIM);
  expect("bpchar", 0, 0, 1042, -1, -1, PX_TEXT_VERBATIM);
  /* '12:00:01.123'::time(3) → 3; '2022-02-22'::timestamp(0) → 0; default precision (6) → -1 */
  expect("time", 12, 3, 1083, 8, 3, PX_TEXT_TIME);
  expect("timestamp", 19, 0, 1114, 8, 0, PX_TEXT_TIMESTAMP);
  expect("timestamptz", 35, 6, 1184, 8, -1, PX_TEXT_TIMESTAMPTZ);
  expect("timestamptz", 35, -1, 1184, 8, -1, PX_TEXT_TIMESTAMPTZ);
}

static void test_redshift_and_passthrough_types(void **state) {
  (void)state;
  expect("super", 2147483647, 0, 4000, -1, -1, PX_TEXT_VERBATIM);
  expect("geometry", 2147483647, 0, 3000, -1, -1, PX_TEXT_VERBATIM);
  expect("geography", 2147483647, 0, 3001, -1, -1, PX_TEXT_VERBATIM);
  expect("hllsketch", 2147483647, 0, 2935, -1, -1, PX_TEXT_VERBATIM);
  expect("name", 64, 0, 19, 64, -1, PX_TEXT_VERBATIM);
  expect("oid", 10, 0, 26, 4, -1, PX_TEXT_INT);
  expect("char", 1, 0, 18, 1, -1, PX_TEXT_VERBATIM);
  expect("uuid", 2147483647, 0, 2950, 16, -1, PX_TEXT_VERBATIM);
  expect("json", 0, 0, 114, -1, -1, PX_TEXT_VERBATIM);
  expect("jsonb", 0, 0, 3802, -1, -1, PX_TEXT_VERBATIM);
  expect("xml", 0, 0, 142, -1, -1, PX_TEXT_VERBATIM);
  expect("money", 0, 0, 790, 8, -1, PX_TEXT_VERBATIM);
  expect("inet", 0, 0, 869, -1, -1, PX_TEXT_VERBATIM);
  expect("cidr", 0, 0, 650, -1, -1, PX_TEXT_VERBATIM);
  expect("macaddr", 0, 0, 829, 6, -1, PX_TEXT_VERBATIM);
  expect("bit", 0, 0, 1560, -1, -1, PX_TEXT_VERBATIM);
  expect("varbit", 0, 0, 1562, -1, -1, PX_TEXT_VERBATIM);
  expect("aclitem", 0, 0, 1033, 12, -1, PX_TEXT_VERBATIM);
  expect("regclass", 0, 0, 2205, 4, -1, PX_TEXT_VERBATIM);
  expect("regproc", 0, 0, 24, 4, -1, PX_TEXT_VERBATIM);
  expect("regtype", 0, 0, 2206, 4, -1, PX_TEXT_VERBATIM);
}

static void test_arrays(void **state) {
  (void)state;
  static const struct {
    const char *name;
    uint32_t oid;
  } arrays[] = {
      {"_int2", 1005},    {"_int4", 1007},    {"_int8", 1016},      {"_text", 1009},
      {"_varchar", 1015}, {"_float8", 1022},  {"_numeric", 1231},   {"_bool", 1000},
      {"_bpchar", 1014},  {"_date", 1182},    {"_timestamp", 1115}, {"_timestamptz", 1185},
      {"_uuid", 2951},    {"_json", 199},     {"_jsonb", 3807},     {"_oid", 1028},
      {"_name", 1003},    {"_aclitem", 1034}, {"_float4", 1021},    {"_char", 1002},
  };
  for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
    expect(arrays[i].name, 2147483647, 0, arrays[i].oid, -1, -1, PX_TEXT_VERBATIM);
}

static void test_names(void **state) {
  (void)state;
  /* Case does not matter; the length does (no prefix matches); unknown → text. */
  expect("INT4", 10, 0, 23, 4, -1, PX_TEXT_INT);
  expect("TimestampTZ", 35, 6, 1184, 8, -1, PX_TEXT_TIMESTAMPTZ);
  expect("int", 10, 0, 25, -1, -1, PX_TEXT_VERBATIM);
  expect("int44", 10, 0, 25, -1, -1, PX_TEXT_VERBATIM);
  expect("intervaly2m", 0, 0, 25, -1, -1, PX_TEXT_VERBATIM);
  expect("", 0, 0, 25, -1, -1, PX_TEXT_VERBATIM);
  /* Not NUL-terminated: only len bytes are the name. */
  px_coltype t = px_types_from_dataapi("int8garbage", 4, 19, 0);
  assert_int_equal(t.oid, 20);
  t = px_types_from_dataapi(NULL, 0, 0, 0);
  assert_int_equal(t.oid, 25);
  /* An embedded NUL is part of the name, so it matches nothing. */
  t = px_types_from_dataapi("int4\0", 5, 10, 0);
  assert_int_equal(t.oid, 25);
}

static void test_column_helpers(void **state) {
  (void)state;
  dapi_result_column col;
  memset(&col, 0, sizeof col);
  col.name = (dapi_result_view){"colname", 7};
  col.label = (dapi_result_view){"alias", 5};
  col.type_name = (dapi_result_view){"numeric", 7};
  col.precision = 10;
  col.scale = 2;
  dapi_result_view v = px_types_column_name(&col);
  assert_int_equal(v.len, 5);
  assert_memory_equal(v.ptr, "alias", 5);
  col.label = (dapi_result_view){NULL, 0};
  v = px_types_column_name(&col);
  assert_int_equal(v.len, 7);
  assert_memory_equal(v.ptr, "colname", 7);
  px_coltype t = px_types_from_column(&col);
  assert_int_equal(t.oid, 1700);
  assert_int_equal(t.typmod, 655366);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_core_types),
      cmocka_unit_test(test_typmods),
      cmocka_unit_test(test_redshift_and_passthrough_types),
      cmocka_unit_test(test_arrays),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_column_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
