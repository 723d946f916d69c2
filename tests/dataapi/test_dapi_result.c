/*
 * test_dapi_result.c — the GetStatementResult decoder, fed real-shaped pages and hostile input.
 *
 * Every document is decoded three ways — whole, byte by byte, and split in two at every offset —
 * and the three must agree exactly: same events, same status, same error offset and detail. The
 * recorder feeds each chunk from an exact-size heap copy that is freed after the call, so under
 * ASan a view kept past its chunk or a read past its end is caught too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dapi_test_recorder.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static void assert_same(const dapi_test_outcome *ref, const dapi_test_outcome *got, const char *how,
                        size_t cut) {
  if (strcmp(ref->events, got->events) == 0 && ref->err.rc == got->err.rc &&
      ref->err.offset == got->err.offset && strcmp(ref->err.detail, got->err.detail) == 0 &&
      ref->err.sink_code == got->err.sink_code)
    return;
  print_message("%s (cut at %zu) differs from the whole feed\n", how, cut);
  assert_string_equal(got->events, ref->events);
  assert_int_equal(got->err.rc, ref->err.rc);
  assert_int_equal(got->err.offset, ref->err.offset);
  assert_string_equal(got->err.detail, ref->err.detail);
  assert_int_equal(got->err.sink_code, ref->err.sink_code);
}

/* Decodes doc whole, byte by byte, and cut in two at every offset. Returns the whole-feed outcome
 * (the caller frees it) after checking that the other ways agree with it. */
static dapi_test_outcome all_ways(const char *doc, size_t len, const dapi_test_opts *opts) {
  const uint8_t *d = (const uint8_t *)doc;
  dapi_test_outcome whole;
  dapi_test_decode(d, len, NULL, 0, opts, &whole);

  if (len > 1) {
    size_t *cuts = malloc((len - 1) * sizeof *cuts);
    assert_non_null(cuts);
    for (size_t i = 0; i < len - 1; i++)
      cuts[i] = i + 1;
    dapi_test_outcome bytes;
    dapi_test_decode(d, len, cuts, len - 1, opts, &bytes);
    assert_same(&whole, &bytes, "byte by byte", 1);
    dapi_test_outcome_free(&bytes);
    free(cuts);
  }
  for (size_t cut = 1; cut < len; cut++) {
    dapi_test_outcome two;
    dapi_test_decode(d, len, &cut, 1, opts, &two);
    assert_same(&whole, &two, "two chunks", cut);
    dapi_test_outcome_free(&two);
  }
  return whole;
}

static void expect_events_opts(const char *doc, const char *expected, const dapi_test_opts *opts) {
  dapi_test_outcome out = all_ways(doc, strlen(doc), opts);
  if (out.err.rc != DAPI_RESULT_OK)
    print_message("unexpected error at %llu: %s\n", (unsigned long long)out.err.offset,
                  out.err.detail);
  assert_int_equal(out.err.rc, DAPI_RESULT_OK);
  assert_string_equal(out.events, expected);
  dapi_test_outcome_free(&out);
}

static void expect_events(const char *doc, const char *expected) {
  expect_events_opts(doc, expected, NULL);
}

/* Expects rc at the offset of the first occurrence of `needle` in doc plus delta. */
static void expect_error_opts(const char *doc, size_t len, dapi_result_rc rc, const char *needle,
                              size_t delta, const dapi_test_opts *opts) {
  dapi_test_outcome out = all_ways(doc, len, opts);
  if (out.err.rc != rc)
    print_message("doc %.80s: got %s (%s)\n", doc, dapi_result_strerror(out.err.rc),
                  out.err.detail);
  assert_int_equal(out.err.rc, rc);
  const char *at = strstr(doc, needle);
  assert_non_null(at);
  assert_int_equal(out.err.offset, (size_t)(at - doc) + delta);
  assert_true(strlen(out.err.detail) > 0);
  dapi_test_outcome_free(&out);
}

static void expect_error(const char *doc, dapi_result_rc rc, const char *needle, size_t delta) {
  expect_error_opts(doc, strlen(doc), rc, needle, delta, NULL);
}

static char *read_data(const char *name, size_t *len) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", DAPI_TEST_DATA_DIR, name);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  long n = ftell(f);
  assert_true(n > 0);
  rewind(f);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

/* ---- real pages --------------------------------------------------------------------------- */

#define T1_COL(i, n, t, p, s, sg, cs)                                                              \
  "C" #i " name=" n " label=" n " type=" t " schema= table= precision=" #p " scale=" #s            \
  " nullable=1 length=0 signed=" #sg " casesensitive=" #cs " currency=0\n"

static const char t1_events[] = T1_COL(0, "test_string", "varchar", 11, 0, 0, 1) T1_COL(
    1, "test_integer", "int4", 10, 0, 1, 0) T1_COL(2, "test_float", "numeric", 6, 5, 1, 0)
    T1_COL(3, "test_boolean", "bool", 1, 0, 0, 0) T1_COL(4, "test_null", "varchar", 65535, 0, 0, 1)
        T1_COL(5, "test_double", "float4", 8, 8, 1, 0) T1_COL(6, "test_long", "int8", 19, 0, 1, 0)
            T1_COL(7, "test_blob", "varbyte", 64000, 0, 0, 1)
                T1_COL(8, "test_date", "date", 13, 0, 0, 0)
                    T1_COL(9, "test_timestamp", "timestamp", 29, 6, 0, 0)
                        T1_COL(10, "test_timestamptz", "timestamptz", 35, 6, 0, 0)
                            T1_COL(11, "test_time", "time", 15, 6, 0, 0)
                                T1_COL(12, "test_decimal", "numeric", 10, 2, 1, 0)
                                    T1_COL(13, "test_numeric", "numeric", 10, 2, 1, 0)
                                        T1_COL(14, "test_smallint", "int2", 5, 0, 1,
                                               0) "CE15\n"
                                                  "RB\n"
                                                  "F0 STRING=Hello World\n"
                                                  "F1 LONG=42\n"
                                                  "F2 STRING=3.14159\n"
                                                  "F3 BOOL=t\n"
                                                  "F4 NULL\n"
                                                  "F5 DOUBLE=123.456787109375\n"
                                                  "F6 LONG=9223372036854775807\n"
                                                  "F7 STRING=YWJj\n"
                                                  "F8 STRING=2024-06-12\n"
                                                  "F9 STRING=2024-06-12 14:30:45.123456\n"
                                                  "F10 STRING=2024-06-12 19:30:45.123456+00\n"
                                                  "F11 STRING=14:30:45\n"
                                                  "F12 STRING=123.45\n"
                                                  "F13 STRING=123.45\n"
                                                  "F14 LONG=32767\n"
                                                  "RE15\n"
                                                  "T1\n"
                                                  "E\n";

static void test_t1_capture(void **state) {
  (void)state;
  size_t len;
  char *doc = read_data("t1_capture.json", &len);
  expect_events(doc, t1_events);
  free(doc);
}

/* Fed whole, every value of the compact page is a view into the chunk: no copy at all. */
static void test_t1_zero_copy(void **state) {
  (void)state;
  size_t len;
  char *doc = read_data("t1_capture.json", &len);
  dapi_test_outcome out;
  dapi_test_decode((const uint8_t *)doc, len, NULL, 0, NULL, &out);
  assert_int_equal(out.err.rc, DAPI_RESULT_OK);
  assert_int_equal(out.text_views, 13); /* 9 strings, 3 longs, 1 double */
  assert_int_equal(out.text_views_in_chunk, out.text_views);
  dapi_test_outcome_free(&out);

  /* An escaped string cannot be a view: it is unescaped into scratch memory. */
  const char *esc = "{\"Records\":[[{\"stringValue\":\"a\\nb\"},{\"stringValue\":\"ab\"}]]}";
  dapi_test_decode((const uint8_t *)esc, strlen(esc), NULL, 0, NULL, &out);
  assert_int_equal(out.err.rc, DAPI_RESULT_OK);
  assert_int_equal(out.text_views, 2);
  assert_int_equal(out.text_views_in_chunk, 1);
  dapi_test_outcome_free(&out);
  free(doc);
}

/* Every proper prefix of a valid page is an incomplete document, never a syntax error. */
static void test_every_prefix_is_truncated(void **state) {
  (void)state;
  size_t len;
  char *doc = read_data("t1_capture.json", &len);
  for (size_t n = 0; n < len; n++) {
    dapi_test_outcome out;
    dapi_test_decode((const uint8_t *)doc, n, NULL, 0, NULL, &out);
    if (out.err.rc != DAPI_RESULT_ETRUNCATED)
      print_message("prefix of %zu bytes: %s\n", n, out.err.detail);
    assert_int_equal(out.err.rc, DAPI_RESULT_ETRUNCATED);
    assert_int_equal(out.err.offset, n);
    /* The events so far are a prefix of the full page's. */
    assert_int_equal(strncmp(out.events, t1_events, strlen(out.events)), 0);
    dapi_test_outcome_free(&out);
  }
  free(doc);
}

static void append(char **buf, size_t *len, const char *s) {
  size_t n = strlen(s);
  char *nb = realloc(*buf, *len + n + 1);
  assert_non_null(nb);
  memcpy(nb + *len, s, n + 1);
  *buf = nb;
  *len += n;
}

static void append_padded(char **buf, size_t *len, const char *prefix, const char *s, size_t w) {
  append(buf, len, prefix);
  append(buf, len, s);
  for (size_t i = strlen(s); i < w; i++)
    append(buf, len, " ");
  append(buf, len, "\n");
}

/* The AWS documentation's example: indented, padded bpchar, unmodeled "type": 93 skipped. */
static void test_aws_doc_example(void **state) {
  (void)state;
  static const struct {
    const char *name;
    const char *type;
    int precision;
    int scale;
    int is_signed;
    int case_sensitive;
  } cols[] = {
      {"userid", "int4", 10, 0, 1, 0},
      {"query", "int4", 10, 0, 1, 0},
      {"label", "bpchar", 320, 0, 0, 1},
      {"xid", "int8", 19, 0, 1, 0},
      {"pid", "int4", 10, 0, 1, 0},
      {"database", "bpchar", 32, 0, 0, 1},
      {"querytxt", "bpchar", 4000, 0, 0, 1},
      {"starttime", "timestamp", 29, 6, 0, 0},
      {"endtime", "timestamp", 29, 6, 0, 0},
      {"aborted", "int4", 10, 0, 1, 0},
      {"insert_pristine", "int4", 10, 0, 1, 0},
      {"concurrency_scaling_status", "int4", 10, 0, 1, 0},
  };
  char *exp = NULL;
  size_t n = 0;
  append(&exp, &n, "");
  for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
    char line[512];
    snprintf(line, sizeof line,
             "C%zu name=%s label=%s type=%s schema= table=stll_query precision=%d scale=%d "
             "nullable=0 length=0 signed=%d casesensitive=%d currency=0\n",
             i, cols[i].name, cols[i].name, cols[i].type, cols[i].precision, cols[i].scale,
             cols[i].is_signed, cols[i].case_sensitive);
    append(&exp, &n, line);
  }
  append(&exp, &n, "CE12\nRB\nF0 LONG=1\nF1 LONG=3\n");
  append_padded(&exp, &n, "F2 STRING=", "health", 320);
  append(&exp, &n, "F3 LONG=1023\nF4 LONG=15279\n");
  append_padded(&exp, &n, "F5 STRING=", "dev", 32);
  append_padded(&exp, &n, "F6 STRING=", "select system_status from stv_gui_status;", 4000);
  append(&exp, &n,
         "F7 STRING=2020-08-21 17:33:51.88712\nF8 STRING=2020-08-21 17:33:52.974306\n"
         "F9 LONG=0\nF10 LONG=0\nF11 LONG=6\nRE12\nT1\nE\n");

  size_t len;
  char *doc = read_data("aws_doc_stl_query.json", &len);
  expect_events(doc, exp);
  free(doc);
  free(exp);
}

/* A page of many records, built together with the events it must produce, so that chunk cuts
 * fall inside every kind of Field, between records and around escapes. */
static void test_many_rows(void **state) {
  (void)state;
  char *doc = NULL;
  size_t dn = 0;
  char *exp = NULL;
  size_t en = 0;
  append(&doc, &dn,
         "{\"ColumnMetadata\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}],"
         "\"Records\":[");
  append(&exp, &en, "C0 name=a\nC1 name=b\nC2 name=c\nCE3\n");
  for (int i = 0; i < 120; i++) {
    char d[256];
    char e[256];
    snprintf(d, sizeof d, "%s[{\"longValue\":%d},", i ? "," : "", i * 7919 - 400000);
    snprintf(e, sizeof e, "RB\nF0 LONG=%d\n", i * 7919 - 400000);
    append(&doc, &dn, d);
    append(&exp, &en, e);
    switch (i % 5) {
    case 0:
      append(&doc, &dn, "{\"isNull\":true},");
      append(&exp, &en, "F1 NULL\n");
      break;
    case 1:
      snprintf(d, sizeof d, "{\"stringValue\":\"row %d \xc3\xa9t\xc3\xa9\"},", i);
      snprintf(e, sizeof e, "F1 STRING=row %d \\xc3\\xa9t\\xc3\\xa9\n", i);
      append(&doc, &dn, d);
      append(&exp, &en, e);
      break;
    case 2:
      snprintf(d, sizeof d, "{\"stringValue\":\"say \\\"%d\\\"\"},", i);
      snprintf(e, sizeof e, "F1 STRING=say \"%d\"\n", i);
      append(&doc, &dn, d);
      append(&exp, &en, e);
      break;
    case 3:
      snprintf(d, sizeof d, "{\"booleanValue\":%s},", i % 2 ? "true" : "false");
      snprintf(e, sizeof e, "F1 BOOL=%s\n", i % 2 ? "t" : "f");
      append(&doc, &dn, d);
      append(&exp, &en, e);
      break;
    default:
      append(&doc, &dn, "{\"blobValue\":\"AAEC\"},");
      append(&exp, &en, "F1 BLOB=AAEC\n");
      break;
    }
    snprintf(d, sizeof d, "{\"doubleValue\":%d.%03de-%d}]", i, i * 37 % 1000, i % 7);
    snprintf(e, sizeof e, "F2 DOUBLE=%d.%03de-%d\nRE3\n", i, i * 37 % 1000, i % 7);
    append(&doc, &dn, d);
    append(&exp, &en, e);
  }
  append(&doc, &dn, "],\"TotalNumRows\":120,\"NextToken\":\"next\"}");
  append(&exp, &en, "T120\nN=next\nE\n");
  expect_events(doc, exp);
  free(doc);
  free(exp);
}

/* ---- Field kinds and values --------------------------------------------------------------- */

static void test_field_kinds(void **state) {
  (void)state;
  expect_events("{\"Records\":[[{\"isNull\":true},{\"booleanValue\":true},{\"booleanValue\":false},"
                "{\"longValue\":-7},{\"doubleValue\":2.5},{\"stringValue\":\"\"},"
                "{\"blobValue\":\"AAEC/w==\"},{\"blobValue\":\"\"}]]}",
                "RB\nF0 NULL\nF1 BOOL=t\nF2 BOOL=f\nF3 LONG=-7\nF4 DOUBLE=2.5\nF5 STRING=\n"
                "F6 BLOB=AAEC/w==\nF7 BLOB=\nRE8\nE\n");
}

static void test_doubles(void **state) {
  (void)state;
  expect_events("{\"Records\":[[{\"doubleValue\":1e300},{\"doubleValue\":-0.0},"
                "{\"doubleValue\":5e-324},{\"doubleValue\":1.0E10},{\"doubleValue\":0},"
                "{\"doubleValue\":1.7976931348623157E+308},{\"doubleValue\":\"NaN\"},"
                "{\"doubleValue\":\"Infinity\"},{\"doubleValue\":\"-Infinity\"},"
                "{\"doubleValue\":123.456787109375}]]}",
                "RB\nF0 DOUBLE=1e300\nF1 DOUBLE=-0.0\nF2 DOUBLE=5e-324\nF3 DOUBLE=1.0E10\n"
                "F4 DOUBLE=0\nF5 DOUBLE=1.7976931348623157E+308\nF6 DOUBLE=NaN\n"
                "F7 DOUBLE=+Inf\nF8 DOUBLE=-Inf\nF9 DOUBLE=123.456787109375\nRE10\nE\n");
  /* The special strings may be escaped like any JSON string. */
  expect_events("{\"Records\":[[{\"doubleValue\":\"\\u004eaN\"}]]}", "RB\nF0 DOUBLE=NaN\nRE1\nE\n");
  expect_error("{\"Records\":[[{\"doubleValue\":\"nan\"}]]}", DAPI_RESULT_ESHAPE, "\"nan", 0);
  expect_error("{\"Records\":[[{\"doubleValue\":\"Infinity and beyond, a long string\"}]]}",
               DAPI_RESULT_ESHAPE, "\"Inf", 0);
  expect_error("{\"Records\":[[{\"doubleValue\":true}]]}", DAPI_RESULT_ESHAPE, "true", 0);
  expect_error("{\"Records\":[[{\"doubleValue\":null}]]}", DAPI_RESULT_ESHAPE, "null", 0);
}

static void test_int8_limits(void **state) {
  (void)state;
  expect_events("{\"Records\":[[{\"longValue\":9223372036854775807},"
                "{\"longValue\":-9223372036854775808},{\"longValue\":9007199254740993},"
                "{\"longValue\":0},{\"longValue\":-0},{\"longValue\":1000000000000000000}]]}",
                "RB\nF0 LONG=9223372036854775807\nF1 LONG=-9223372036854775808\n"
                "F2 LONG=9007199254740993\nF3 LONG=0\nF4 LONG=-0\nF5 LONG=1000000000000000000\n"
                "RE6\nE\n");
  expect_error("{\"Records\":[[{\"longValue\":9223372036854775808}]]}", DAPI_RESULT_ESHAPE, "9223",
               0);
  expect_error("{\"Records\":[[{\"longValue\":-9223372036854775809}]]}", DAPI_RESULT_ESHAPE,
               "-9223", 0);
  expect_error("{\"Records\":[[{\"longValue\":10000000000000000000}]]}", DAPI_RESULT_ESHAPE, "1000",
               0);
  expect_error("{\"Records\":[[{\"longValue\":1.0}]]}", DAPI_RESULT_ESHAPE, "1.0", 0);
  expect_error("{\"Records\":[[{\"longValue\":1e3}]]}", DAPI_RESULT_ESHAPE, "1e3", 0);
  expect_error("{\"Records\":[[{\"longValue\":\"1\"}]]}", DAPI_RESULT_ESHAPE, "\"1\"", 0);
  /* TotalNumRows is a long too. */
  expect_events("{\"TotalNumRows\":9223372036854775807}", "T9223372036854775807\nE\n");
  expect_error("{\"TotalNumRows\":9223372036854775808}", DAPI_RESULT_ESHAPE, "9223", 0);
  expect_error("{\"TotalNumRows\":1.5}", DAPI_RESULT_ESHAPE, "1.5", 0);
  expect_error("{\"TotalNumRows\":\"1\"}", DAPI_RESULT_ESHAPE, "\"1\"", 0);
}

static void test_escapes_and_unicode(void **state) {
  (void)state;
  expect_events("{\"Records\":[[{\"stringValue\":\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t end\"},"
                "{\"stringValue\":\"\\u00e9\\u20AC\\ud83d\\ude00\\u0041\"},"
                "{\"stringValue\":\"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\"},"
                "{\"stringValue\":\"\\u0000\"},"
                "{\"stringValue\":\"\\uDBFF\\uDFFF\xf4\x8f\xbf\xbf\"},"
                "{\"stringValue\":\"{\\\"foo\\\":\\\"bar\\\"}\"}]]}",
                "RB\n"
                "F0 STRING=q\" b\\x5c s/ \\x08\\x0c\\x0a\\x0d\\x09 end\n"
                "F1 STRING=\\xc3\\xa9\\xe2\\x82\\xac\\xf0\\x9f\\x98\\x80A\n"
                "F2 STRING=h\\xc3\\xa9llo \\xe2\\x82\\xac \\xf0\\x9f\\x98\\x80\n"
                "F3 STRING=\\x00\n"
                "F4 STRING=\\xf4\\x8f\\xbf\\xbf\\xf4\\x8f\\xbf\\xbf\n"
                "F5 STRING={\"foo\":\"bar\"}\n"
                "RE6\nE\n");
  /* Escapes in member names are unescaped before they are matched. */
  expect_events("{\"Rec\\u006frds\":[[{\"\\u0069sNull\":true}]]}", "RB\nF0 NULL\nRE1\nE\n");
}

static void test_bad_strings(void **state) {
  (void)state;
  expect_error("{\"Records\":[[{\"stringValue\":\"a\\xb\"}]]}", DAPI_RESULT_ESYNTAX, "\\x", 1);
  expect_error("{\"Records\":[[{\"stringValue\":\"\\u12G4\"}]]}", DAPI_RESULT_ESYNTAX, "G", 0);
  expect_error("{\"Records\":[[{\"stringValue\":\"\\ud800\"}]]}", DAPI_RESULT_ESYNTAX, "800\"", 3);
  expect_error("{\"Records\":[[{\"stringValue\":\"\\udc00\"}]]}", DAPI_RESULT_ESYNTAX, "dc00", 3);
  expect_error("{\"Records\":[[{\"stringValue\":\"\\ud800\\u0041\"}]]}", DAPI_RESULT_ESYNTAX,
               "0041", 3);
  expect_error("{\"Records\":[[{\"stringValue\":\"\\ud800\\n\"}]]}", DAPI_RESULT_ESYNTAX, "\\n", 1);
  expect_error("{\"Records\":[[{\"stringValue\":\"\\ud800x\"}]]}", DAPI_RESULT_ESYNTAX, "x\"", 0);
  expect_error("{\"Records\":[[{\"stringValue\":\"\\uD800\\uE000\"}]]}", DAPI_RESULT_ESYNTAX,
               "E000", 3);
  expect_error("{\"Records\":[[{\"stringValue\":\"\\uDBFF\\uDBFF\"}]]}", DAPI_RESULT_ESYNTAX,
               "DBFF\"", 3);
  /* Invalid UTF-8: overlong, surrogate, beyond U+10FFFF, bad lead, cut short, stray. */
  expect_error("{\"Records\":[[{\"stringValue\":\"\xc0\x80\"}]]}", DAPI_RESULT_ESYNTAX, "\xc0", 0);
  expect_error("{\"Records\":[[{\"stringValue\":\"\xe0\x80\x80\"}]]}", DAPI_RESULT_ESYNTAX, "\xe0",
               1);
  expect_error("{\"Records\":[[{\"stringValue\":\"\xed\xa0\x80\"}]]}", DAPI_RESULT_ESYNTAX, "\xed",
               1);
  expect_error("{\"Records\":[[{\"stringValue\":\"\xf4\x90\x80\x80\"}]]}", DAPI_RESULT_ESYNTAX,
               "\xf4", 1);
  expect_error("{\"Records\":[[{\"stringValue\":\"\xf5\x80\x80\x80\"}]]}", DAPI_RESULT_ESYNTAX,
               "\xf5", 0);
  expect_error("{\"Records\":[[{\"stringValue\":\"ab\xc3\"}]]}", DAPI_RESULT_ESYNTAX, "\xc3", 1);
  expect_error("{\"Records\":[[{\"stringValue\":\"\xe2\x82\\n\"}]]}", DAPI_RESULT_ESYNTAX, "\\n",
               0);
  expect_error("{\"Records\":[[{\"stringValue\":\"\x80\"}]]}", DAPI_RESULT_ESYNTAX, "\x80", 0);
  /* Raw control bytes must be escaped. */
  expect_error("{\"Records\":[[{\"stringValue\":\"a\x01\"}]]}", DAPI_RESULT_ESYNTAX, "\x01", 0);
  expect_error("{\"Records\":[[{\"stringValue\":\"a\nb\"}]]}", DAPI_RESULT_ESYNTAX, "\n", 0);
  /* Malformed is malformed even inside a skipped member, and in member names. */
  expect_error("{\"x\":\"\\q\",\"Records\":[]}", DAPI_RESULT_ESYNTAX, "q", 0);
  expect_error("{\"x\":{\"\xff\":1}}", DAPI_RESULT_ESYNTAX, "\xff", 0);
  expect_error("{\"Rec\\u00\":[]}", DAPI_RESULT_ESYNTAX, "00\"", 2);
}

static void test_bad_numbers_and_words(void **state) {
  (void)state;
  expect_error("{\"Records\":[[{\"longValue\":01}]]}", DAPI_RESULT_ESYNTAX, ":01", 2);
  expect_error("{\"Records\":[[{\"longValue\":-01}]]}", DAPI_RESULT_ESYNTAX, ":-01", 3);
  expect_error("{\"Records\":[[{\"doubleValue\":1.}]]}", DAPI_RESULT_ESYNTAX, "1.}", 2);
  expect_error("{\"Records\":[[{\"doubleValue\":-}]]}", DAPI_RESULT_ESYNTAX, "-}", 1);
  expect_error("{\"Records\":[[{\"doubleValue\":1e}]]}", DAPI_RESULT_ESYNTAX, "1e}", 2);
  expect_error("{\"Records\":[[{\"doubleValue\":1e+}]]}", DAPI_RESULT_ESYNTAX, "1e+}", 3);
  expect_error("{\"Records\":[[{\"doubleValue\":1.e5}]]}", DAPI_RESULT_ESYNTAX, "1.e", 2);
  expect_error("{\"Records\":[[{\"doubleValue\":.5}]]}", DAPI_RESULT_ESYNTAX, ".5", 0);
  expect_error("{\"Records\":[[{\"doubleValue\":+1}]]}", DAPI_RESULT_ESYNTAX, "+1", 0);
  expect_error("{\"Records\":[[{\"doubleValue\":1x}]]}", DAPI_RESULT_ESYNTAX, "x", 0);
  expect_error("{\"x\":00}", DAPI_RESULT_ESYNTAX, "00", 1);
  expect_error("{\"x\":nul}", DAPI_RESULT_ESYNTAX, "nul}", 3);
  /* A known member checks the JSON type at the value's first byte: null is no isNull value. */
  expect_error("{\"Records\":[[{\"isNull\":nul}]]}", DAPI_RESULT_ESHAPE, "nul}", 0);
  expect_error("{\"Records\":[[{\"booleanValue\":tru}]]}", DAPI_RESULT_ESYNTAX, "tru}", 3);
  expect_error("{\"Records\":[[{\"booleanValue\":True}]]}", DAPI_RESULT_ESYNTAX, "True", 0);
  expect_error("{\"Records\":[[{\"booleanValue\":falsy}]]}", DAPI_RESULT_ESYNTAX, "y}", 0);
  expect_error("{\"x\":undefined}", DAPI_RESULT_ESYNTAX, "undefined", 0);
  expect_error("{\"x\":nulll}", DAPI_RESULT_ESYNTAX, "l}", 0);
  expect_error("{\"x\":[truefalse]}", DAPI_RESULT_ESYNTAX, "false", 0);
}

/* ---- document shape ----------------------------------------------------------------------- */

static void test_records_before_columns(void **state) {
  (void)state;
  expect_events("{\"Records\":[[{\"longValue\":1}],[{\"isNull\":true}]],\"NextToken\":\"tok\","
                "\"ColumnMetadata\":[{\"name\":\"a\",\"typeName\":\"int4\"}],\"TotalNumRows\":2}",
                "RB\nF0 LONG=1\nRE1\nRB\nF0 NULL\nRE1\nN=tok\nC0 name=a type=int4\nCE1\nT2\nE\n");
}

static void test_unknown_members_skipped(void **state) {
  (void)state;
  expect_events(
      "{\"ResultFormat\":\"json\",\"nested\":{\"a\":[1,-2.5e3,{\"b\":null,\"c\":[[],{}]},true,"
      "false,\"s\\\"\\u00e9\\ud83d\\ude00\"],\"Records\":[[{\"stringValue\":\"fake\"}]]},"
      "\"Records\":[[{\"longValue\":5}]],\"num\":-0.5E-3,\"lit\":null,\"t\":true,\"f\":false,"
      "\"arr\":[],\"obj\":{},\"ColumnMetadata\":[{\"name\":\"x\",\"type\":93,\"extra\":{\"k\":"
      "[\"v\"]},\"typeName\":\"int4\"}],\"" /* a member name longer than any known one: */
      "ColumnMetadataColumnMetadataColumnMetadata\":[1]}",
      "RB\nF0 LONG=5\nRE1\nC0 name=x type=int4\nCE1\nE\n");
}

static void test_empty_records_and_rows(void **state) {
  (void)state;
  expect_events("{\"ColumnMetadata\":[],\"Records\":[],\"TotalNumRows\":0}", "CE0\nT0\nE\n");
  expect_events("{\"Records\":[[],[]]}", "RB\nRE0\nRB\nRE0\nE\n");
  expect_events("{}", "E\n");
  expect_events("{\"Records\":null,\"ColumnMetadata\":null,\"TotalNumRows\":null,"
                "\"NextToken\":null}",
                "E\n");
}

static void test_next_token(void **state) {
  (void)state;
  expect_events("{\"Records\":[],\"NextToken\":\"v1:AbC\\/dE+f==\"}", "N=v1:AbC/dE+f==\nE\n");
  expect_events("{\"NextToken\":\"\"}", "N=\nE\n");
  expect_events("{\"Records\":[]}", "E\n");
  expect_error("{\"NextToken\":12}", DAPI_RESULT_ESHAPE, "12", 0);
}

static void test_column_members(void **state) {
  (void)state;
  expect_events("{\"ColumnMetadata\":[{\"columnDefault\":\"nextval('s')\",\"isCurrency\":true,"
                "\"precision\":2147483647,\"scale\":-2147483648,\"length\":0,\"nullable\":null,"
                "\"label\":null,\"schemaName\":\"public\",\"tableName\":\"t\\u00e9\"},{}]}",
                "C0 schema=public table=t\\xc3\\xa9 default=nextval('s') precision=2147483647 "
                "scale=-2147483648 length=0 currency=1\nC1\nCE2\nE\n");
  expect_error("{\"ColumnMetadata\":[{\"precision\":2147483648}]}", DAPI_RESULT_ESHAPE, "2147", 0);
  expect_error("{\"ColumnMetadata\":[{\"precision\":\"10\"}]}", DAPI_RESULT_ESHAPE, "\"10", 0);
  expect_error("{\"ColumnMetadata\":[{\"scale\":1.5}]}", DAPI_RESULT_ESHAPE, "1.5", 0);
  expect_error("{\"ColumnMetadata\":[{\"isSigned\":1}]}", DAPI_RESULT_ESHAPE, "1}", 0);
  expect_error("{\"ColumnMetadata\":[{\"name\":[]}]}", DAPI_RESULT_ESHAPE, "[]", 0);
  expect_error("{\"ColumnMetadata\":[{\"name\":\"a\",\"name\":\"b\"}]}", DAPI_RESULT_ESHAPE,
               "\"name\":\"b", 0);
  expect_error("{\"ColumnMetadata\":[1]}", DAPI_RESULT_ESHAPE, "1", 0);
  expect_error("{\"ColumnMetadata\":{}}", DAPI_RESULT_ESHAPE, "{}", 0);
}

static void test_bad_shapes(void **state) {
  (void)state;
  expect_error("{\"Records\":[[{}]]}", DAPI_RESULT_ESHAPE, "}]]", 0);
  expect_error("{\"Records\":[[{\"isNull\":true,\"longValue\":1}]]}", DAPI_RESULT_ESHAPE, ",\"l",
               0);
  expect_error("{\"Records\":[[{\"arrayValue\":[]}]]}", DAPI_RESULT_ESHAPE, "\"arr", 0);
  expect_error("{\"Records\":[[{\"isNull\":false}]]}", DAPI_RESULT_ESHAPE, "false", 0);
  expect_error("{\"Records\":[[{\"stringValue\":1}]]}", DAPI_RESULT_ESHAPE, "1}", 0);
  expect_error("{\"Records\":[[{\"stringValue\":null}]]}", DAPI_RESULT_ESHAPE, "null", 0);
  expect_error("{\"Records\":[[{\"stringValue\":{}}]]}", DAPI_RESULT_ESHAPE, "{}}", 0);
  expect_error("{\"Records\":[[{\"blobValue\":[]}]]}", DAPI_RESULT_ESHAPE, "[]", 0);
  expect_error("{\"Records\":[[1]]}", DAPI_RESULT_ESHAPE, "1", 0);
  expect_error("{\"Records\":[[null]]}", DAPI_RESULT_ESHAPE, "null", 0);
  expect_error("{\"Records\":[{\"isNull\":true}]}", DAPI_RESULT_ESHAPE, "{\"is", 0);
  expect_error("{\"Records\":{}}", DAPI_RESULT_ESHAPE, "{}", 0);
  expect_error("{\"Records\":\"x\"}", DAPI_RESULT_ESHAPE, "\"x", 0);
  expect_error("{\"Records\":[],\"Records\":[]}", DAPI_RESULT_ESHAPE, "\"Records\":[]}", 0);
  expect_error("[]", DAPI_RESULT_ESHAPE, "[", 0);
  expect_error("\"Records\"", DAPI_RESULT_ESHAPE, "\"", 0);
  expect_error("  x", DAPI_RESULT_ESYNTAX, "x", 0);
}

static void test_bad_syntax(void **state) {
  (void)state;
  expect_error("{} x", DAPI_RESULT_ESYNTAX, "x", 0);
  expect_error("{}{}", DAPI_RESULT_ESYNTAX, "{}", 2);
  expect_error("{\"Records\":[],}", DAPI_RESULT_ESYNTAX, "}", 0);
  expect_error("{\"x\":[1,]}", DAPI_RESULT_ESYNTAX, "]", 0);
  expect_error("{\"x\":{\"a\":1,}}", DAPI_RESULT_ESYNTAX, "}}", 0);
  expect_error("{\"Records\" []}", DAPI_RESULT_ESYNTAX, "[", 0);
  expect_error("{\"Records\":[] \"TotalNumRows\":1}", DAPI_RESULT_ESYNTAX, "\"Tot", 0);
  expect_error("{1:2}", DAPI_RESULT_ESYNTAX, "1", 0);
  expect_error("{\"x\":[1}", DAPI_RESULT_ESYNTAX, "}", 0);
  expect_error("{\"x\":{\"a\"]}", DAPI_RESULT_ESYNTAX, "]", 0);
  expect_error("{\"Records\":[[{\"isNull\":true}],]}", DAPI_RESULT_ESYNTAX, "]}", 0);
  expect_error("{\"Records\":[[{\"isNull\":true},]]}", DAPI_RESULT_ESYNTAX, "]]", 0);
  expect_error("{\"Records\":[[{\"isNull\":true}}]}", DAPI_RESULT_ESYNTAX, "}]}", 0);
  expect_error("{\"Records\":[[{\"isNull\" true}]]}", DAPI_RESULT_ESYNTAX, "true", 0);
  expect_error("{,}", DAPI_RESULT_ESYNTAX, ",", 0);
  /* A NUL byte is not whitespace. */
  expect_error_opts("{\"Records\":[]}\0", 15, DAPI_RESULT_ESYNTAX, "}", 1, NULL);
}

static void test_truncated(void **state) {
  (void)state;
  expect_error("", DAPI_RESULT_ETRUNCATED, "", 0);
  expect_error(" \n\t", DAPI_RESULT_ETRUNCATED, "", 3);
  expect_error("{\"Records\":[[{\"isNull\":true}]]", DAPI_RESULT_ETRUNCATED, "]]", 2);
  expect_error("{\"NextToken\":\"abc", DAPI_RESULT_ETRUNCATED, "abc", 3);
  expect_error("{\"TotalNumRows\":12", DAPI_RESULT_ETRUNCATED, "12", 2);
}

static void test_whitespace_everywhere(void **state) {
  (void)state;
  expect_events(" \r\n\t{ \"ColumnMetadata\" : [ { \"name\" : \"a\" , \"nullable\" : 1 } ] ,\n"
                "  \"Records\" : [ [ { \"longValue\" : 1 } , { \"stringValue\" : \"x\" } ] ,\n"
                "  [ { \"isNull\" : true } ] ] , \"TotalNumRows\" : 2 } \n ",
                "C0 name=a nullable=1\nCE1\nRB\nF0 LONG=1\nF1 STRING=x\nRE2\nRB\nF0 NULL\nRE1\n"
                "T2\nE\n");
}

/* ---- limits ------------------------------------------------------------------------------- */

static char *nested(const char *head, const char *open, size_t n, const char *close,
                    const char *tail) {
  size_t len = strlen(head) + n * (strlen(open) + strlen(close)) + strlen(tail) + 1;
  char *s = malloc(len);
  assert_non_null(s);
  strcpy(s, head);
  for (size_t i = 0; i < n; i++)
    strcat(s, open);
  for (size_t i = 0; i < n; i++)
    strcat(s, close);
  strcat(s, tail);
  return s;
}

static void test_depth_limit(void **state) {
  (void)state;
  /* Document object = 1, so 63 nested arrays reach the default limit of 64 exactly. */
  char *ok = nested("{\"x\":", "[", 63, "]", "}");
  expect_events(ok, "E\n");
  free(ok);
  char *deep = nested("{\"x\":", "[", 64, "]", "}");
  expect_error(deep, DAPI_RESULT_EDEPTH, "[", 63);
  free(deep);
  /* Inside a ColumnMetadata entry (depth 3), objects count too. */
  char *col = nested("{\"ColumnMetadata\":[{\"x\":", "{\"a\":", 62, "}", "}]}");
  expect_error(col, DAPI_RESULT_EDEPTH, "{\"a\"", 61 * 5);
  free(col);
  /* A depth bomb of a million levels stops at the limit without using memory for it. */
  size_t n = 1000000;
  char *bomb = malloc(n + 6);
  assert_non_null(bomb);
  memcpy(bomb, "{\"x\":", 5);
  memset(bomb + 5, '[', n);
  bomb[n + 5] = '\0';
  dapi_test_outcome out;
  dapi_test_decode((const uint8_t *)bomb, n + 5, NULL, 0, NULL, &out);
  assert_int_equal(out.err.rc, DAPI_RESULT_EDEPTH);
  assert_int_equal(out.err.offset, 5 + 63);
  dapi_test_outcome_free(&out);
  free(bomb);
  /* A configured limit. */
  dapi_test_opts opts = {.max_depth = 4};
  expect_events_opts("{\"x\":[[[]]],\"Records\":[[{\"isNull\":true}]]}", "RB\nF0 NULL\nRE1\nE\n",
                     &opts);
  expect_error_opts("{\"x\":[[[[]]]]}", 14, DAPI_RESULT_EDEPTH, "[[[[", 3, &opts);
}

static void test_value_limit(void **state) {
  (void)state;
  dapi_test_opts opts = {.max_value_bytes = 64};
  char doc[512];
  /* Exactly at the limit: fine, as a view and when assembled across chunks. */
  snprintf(doc, sizeof doc, "{\"Records\":[[{\"stringValue\":\"%064d\"}]]}", 0);
  char exp[256];
  snprintf(exp, sizeof exp, "RB\nF0 STRING=%064d\nRE1\nE\n", 0);
  expect_events_opts(doc, exp, &opts);
  /* One more byte: ETOOBIG at the value's opening quote, however the page is cut. */
  snprintf(doc, sizeof doc, "{\"Records\":[[{\"stringValue\":\"%065d\"}]]}", 0);
  expect_error_opts(doc, strlen(doc), DAPI_RESULT_ETOOBIG, "\"000", 0, &opts);
  /* The limit is on the unescaped bytes: 30 x "\u00e9" (180 bytes) is 60 bytes of UTF-8. */
  char esc[256] = "{\"Records\":[[{\"stringValue\":\"";
  for (int i = 0; i < 30; i++)
    strcat(esc, "\\u00e9");
  strcat(esc, "\"}]]}");
  dapi_test_outcome out = all_ways(esc, strlen(esc), &opts);
  assert_int_equal(out.err.rc, DAPI_RESULT_OK);
  dapi_test_outcome_free(&out);
  char esc2[512] = "{\"Records\":[[{\"stringValue\":\"";
  for (int i = 0; i < 33; i++)
    strcat(esc2, "\\u00e9");
  strcat(esc2, "\"}]]}");
  expect_error_opts(esc2, strlen(esc2), DAPI_RESULT_ETOOBIG, "\"\\u", 0, &opts);
  /* A syntax error later in an oversized value wins over the size, however it is cut (the
   * fuzzer found that an assembled value once failed early with ETOOBIG). */
  snprintf(doc, sizeof doc, "{\"Records\":[[{\"stringValue\":\"\\n%070d\x01\"}]]}", 0);
  expect_error_opts(doc, strlen(doc), DAPI_RESULT_ESYNTAX, "\x01", 0, &opts);
  snprintf(doc, sizeof doc, "{\"Records\":[[{\"doubleValue\":1%070d.}]]}", 0);
  expect_error_opts(doc, strlen(doc), DAPI_RESULT_ESYNTAX, ".}", 1, &opts);
  /* Numbers and NextToken too. */
  snprintf(doc, sizeof doc, "{\"Records\":[[{\"doubleValue\":1.%064d}]]}", 0);
  expect_error_opts(doc, strlen(doc), DAPI_RESULT_ETOOBIG, "1.0", 0, &opts);
  snprintf(doc, sizeof doc, "{\"NextToken\":\"%065d\"}", 0);
  expect_error_opts(doc, strlen(doc), DAPI_RESULT_ETOOBIG, "\"000", 0, &opts);
  /* One column's strings together: 31 + 31 fit, the third one (4 more) does not. */
  snprintf(doc, sizeof doc,
           "{\"ColumnMetadata\":[{\"name\":\"%031d\",\"label\":\"%031d\",\"typeName\":\"int4\"}]}",
           1, 2);
  expect_error_opts(doc, strlen(doc), DAPI_RESULT_ETOOBIG, "\"int4", 0, &opts);
  /* Skipped members are not kept, so they have no size limit. */
  snprintf(doc, sizeof doc, "{\"x\":\"%0200d\",\"y\":1.%0200d,\"Records\":[]}", 0, 0);
  expect_events_opts(doc, "E\n", &opts);
}

/* ---- sink control, lifecycle -------------------------------------------------------------- */

static size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

/* A sink that stops at event k sees exactly the first k events, whatever the chunking. */
static void test_sink_stop(void **state) {
  (void)state;
  size_t len;
  char *doc = read_data("t1_capture.json", &len);
  size_t nevents = count_lines(t1_events);
  for (unsigned k = 1; k <= nevents; k++) {
    dapi_test_opts opts = {.stop_at_event = k, .stop_code = -42};
    dapi_test_outcome out = all_ways(doc, len, &opts);
    assert_int_equal(out.err.rc, DAPI_RESULT_ESTOPPED);
    assert_int_equal(out.err.sink_code, -42);
    assert_int_equal(out.nevents, k);
    assert_int_equal(count_lines(out.events), k);
    assert_int_equal(strncmp(out.events, t1_events, strlen(out.events)), 0);
    dapi_test_outcome_free(&out);
  }
  free(doc);
}

static int count_row(void *user) {
  (*(int *)user)++;
  return 0;
}

static void test_reset_and_reuse(void **state) {
  (void)state;
  static const dapi_result_sink sink = {.row_begin = count_row};
  int rows = 0;
  dapi_result_config cfg = {.sink = &sink, .user = &rows};
  dapi_result_dec *dec;
  assert_int_equal(dapi_result_new(&cfg, &dec), DAPI_RESULT_OK);
  const char page1[] =
      "{\"Records\":[[{\"longValue\":1}],[{\"longValue\":2}]],\"NextToken\":\"t\"}";
  const char page2[] = "{\"Records\":[[{\"longValue\":3}]]}";
  assert_int_equal(dapi_result_feed(dec, page1, sizeof page1 - 1), DAPI_RESULT_OK);
  assert_int_equal(dapi_result_finish(dec), DAPI_RESULT_OK);
  dapi_result_error err;
  dapi_result_get_error(dec, &err);
  assert_int_equal(err.offset, sizeof page1 - 1);
  dapi_result_reset(dec);
  assert_int_equal(dapi_result_feed(dec, page2, 10), DAPI_RESULT_OK);
  assert_int_equal(dapi_result_feed(dec, page2 + 10, sizeof page2 - 11), DAPI_RESULT_OK);
  assert_int_equal(dapi_result_finish(dec), DAPI_RESULT_OK);
  assert_int_equal(rows, 3);
  /* An error is sticky until reset. */
  dapi_result_reset(dec);
  assert_int_equal(dapi_result_feed(dec, "{\"Records\":1", 12), DAPI_RESULT_ESHAPE);
  assert_int_equal(dapi_result_feed(dec, page2, sizeof page2 - 1), DAPI_RESULT_ESHAPE);
  assert_int_equal(dapi_result_finish(dec), DAPI_RESULT_ESHAPE);
  dapi_result_get_error(dec, &err);
  assert_int_equal(err.offset, 11);
  assert_string_equal(err.detail, "Records must be an array");
  dapi_result_reset(dec);
  assert_int_equal(dapi_result_feed(dec, page2, sizeof page2 - 1), DAPI_RESULT_OK);
  assert_int_equal(dapi_result_finish(dec), DAPI_RESULT_OK);
  assert_int_equal(rows, 4);
  dapi_result_free(dec);
  dapi_result_free(NULL);
}

static void test_config(void **state) {
  (void)state;
  static const dapi_result_sink sink = {0};
  static char not_null;
  dapi_result_dec *dec = (dapi_result_dec *)(void *)&not_null; /* must be reset to NULL */
  dapi_result_config cfg = {.sink = NULL};
  assert_int_equal(dapi_result_new(&cfg, &dec), DAPI_RESULT_EINVAL);
  assert_null(dec);
  cfg.sink = &sink;
  cfg.max_depth = 3;
  assert_int_equal(dapi_result_new(&cfg, &dec), DAPI_RESULT_EINVAL);
  cfg.max_depth = DAPI_RESULT_DEPTH_LIMIT + 1;
  assert_int_equal(dapi_result_new(&cfg, &dec), DAPI_RESULT_EINVAL);
  cfg.max_depth = DAPI_RESULT_DEPTH_LIMIT;
  assert_int_equal(dapi_result_new(&cfg, &dec), DAPI_RESULT_OK);
  /* A sink without callbacks still validates the whole document. */
  const char doc[] =
      "{\"ColumnMetadata\":[{}],\"Records\":[[{\"isNull\":true}]],\"TotalNumRows\":1,"
      "\"NextToken\":\"t\"}";
  assert_int_equal(dapi_result_feed(dec, doc, sizeof doc - 1), DAPI_RESULT_OK);
  assert_int_equal(dapi_result_feed(dec, "", 0), DAPI_RESULT_OK);
  assert_int_equal(dapi_result_finish(dec), DAPI_RESULT_OK);
  dapi_result_free(dec);
  for (int rc = DAPI_RESULT_OK; rc <= DAPI_RESULT_EINVAL; rc++)
    assert_true(strlen(dapi_result_strerror((dapi_result_rc)rc)) > 0);
  assert_string_equal(dapi_result_strerror((dapi_result_rc)99), "unknown error");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_t1_capture),
      cmocka_unit_test(test_t1_zero_copy),
      cmocka_unit_test(test_every_prefix_is_truncated),
      cmocka_unit_test(test_aws_doc_example),
      cmocka_unit_test(test_many_rows),
      cmocka_unit_test(test_field_kinds),
      cmocka_unit_test(test_doubles),
      cmocka_unit_test(test_int8_limits),
      cmocka_unit_test(test_escapes_and_unicode),
      cmocka_unit_test(test_bad_strings),
      cmocka_unit_test(test_bad_numbers_and_words),
      cmocka_unit_test(test_records_before_columns),
      cmocka_unit_test(test_unknown_members_skipped),
      cmocka_unit_test(test_empty_records_and_rows),
      cmocka_unit_test(test_next_token),
      cmocka_unit_test(test_column_members),
      cmocka_unit_test(test_bad_shapes),
      cmocka_unit_test(test_bad_syntax),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_whitespace_everywhere),
      cmocka_unit_test(test_depth_limit),
      cmocka_unit_test(test_value_limit),
      cmocka_unit_test(test_sink_stop),
      cmocka_unit_test(test_reset_and_reuse),
      cmocka_unit_test(test_config),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
