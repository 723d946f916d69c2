/* test_px_param.c — Bind parameters → Data API SQL and parameters (px_param_render,
 * px_param_count) and parameter values → text (px_param_text), with hostile SQL and values.
 *
 * Binary vectors are PostgreSQL 15's send output (e.g. `SELECT numeric_send(12.30)`), the same
 * as in test_px_binary.c, read back the other way; px_param_crosscheck has PostgreSQL itself read
 * many more.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pgw_buf.h"
#include "pgw_encode.h"
#include "pgw_wr.h"
#include "px_binary.h"
#include "px_param.h"
#include "pxt_util.h"

/* ---- render ------------------------------------------------------------------------------- */

typedef struct rendered {
  px_status st;
  px_param_sql out;
  pgw_error err;
} rendered;

/* vals: n entries, NULL for SQL NULL. oids may be NULL (all unspecified). */
static void render(rendered *r, const char *sql, const char *const *vals, const uint32_t *oids,
                   uint16_t n) {
  size_t lens[16];
  assert_true(n <= 16);
  for (uint16_t i = 0; i < n; i++)
    lens[i] = vals[i] != NULL ? strlen(vals[i]) : 0;
  uint32_t zero[16] = {0};
  memset(&r->err, 0, sizeof r->err);
  r->st = px_param_render(sql, strlen(sql), vals, lens, oids != NULL ? oids : zero, n, &r->out,
                          &r->err);
}

static void check_sql(const char *sql, const char *const *vals, const uint32_t *oids, uint16_t n,
                      const char *want_sql) {
  rendered r;
  render(&r, sql, vals, oids, n);
  assert_int_equal(r.st, PX_OK);
  assert_string_equal(r.out.sql, want_sql);
  assert_int_equal(r.out.sql_len, strlen(want_sql));
  px_param_sql_free(&r.out);
}

static void check_error(const char *sql, const char *const *vals, uint16_t n, const char *sqlstate,
                        const char *message) {
  rendered r;
  render(&r, sql, vals, NULL, n);
  assert_int_equal(r.st, PX_INVAL);
  assert_string_equal(r.err.sqlstate, sqlstate);
  if (message != NULL)
    assert_string_equal(r.err.message, message);
  assert_null(r.out.sql);
  assert_null(r.out.params);
  assert_int_equal(r.out.n_params, 0);
}

static void test_render_basic(void **state) {
  (void)state;
  const char *v[] = {"42", "abc"};
  rendered r;
  render(&r, "select $1, $2", v, NULL, 2);
  assert_int_equal(r.st, PX_OK);
  assert_string_equal(r.out.sql, "select :p1, :p2");
  assert_int_equal(r.out.n_params, 2);
  assert_string_equal(r.out.params[0].name, "p1");
  assert_string_equal(r.out.params[0].value, "42");
  assert_string_equal(r.out.params[1].name, "p2");
  assert_string_equal(r.out.params[1].value, "abc");
  px_param_sql_free(&r.out);
  /* No placeholders, no parameters; the SQL is copied exactly, comments and all. */
  render(&r, "select 1 -- x\n/* y */", NULL, NULL, 0);
  assert_int_equal(r.st, PX_OK);
  assert_string_equal(r.out.sql, "select 1 -- x\n/* y */");
  assert_int_equal(r.out.n_params, 0);
  assert_null(r.out.params);
  px_param_sql_free(&r.out);
  check_sql("", NULL, NULL, 0, "");
}

static void test_render_reuse_and_order(void **state) {
  (void)state;
  /* A placeholder used twice is one parameter; parameters come in order of n; one that the SQL
   * never uses is not sent. */
  const char *v[] = {"a", "b", "c"};
  rendered r;
  render(&r, "select $3 || $1 || $3", v, NULL, 3);
  assert_int_equal(r.st, PX_OK);
  assert_string_equal(r.out.sql, "select :p3 || :p1 || :p3");
  assert_int_equal(r.out.n_params, 2);
  assert_string_equal(r.out.params[0].name, "p1");
  assert_string_equal(r.out.params[0].value, "a");
  assert_string_equal(r.out.params[1].name, "p3");
  assert_string_equal(r.out.params[1].value, "c");
  px_param_sql_free(&r.out);
}

static void test_render_ten_vs_one(void **state) {
  (void)state;
  const char *v[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"};
  rendered r;
  render(&r, "select $10, $1, $11, $1", v, NULL, 11);
  assert_int_equal(r.st, PX_OK);
  assert_string_equal(r.out.sql, "select :p10, :p1, :p11, :p1");
  assert_int_equal(r.out.n_params, 3);
  assert_string_equal(r.out.params[0].value, "1");
  assert_string_equal(r.out.params[1].name, "p10");
  assert_string_equal(r.out.params[1].value, "10");
  assert_string_equal(r.out.params[2].name, "p11");
  assert_string_equal(r.out.params[2].value, "11");
  px_param_sql_free(&r.out);
}

static void test_render_not_in_literals(void **state) {
  (void)state;
  const char *v[] = {"x"};
  /* Strings, E-strings with \', comments, nested comments, dollar quotes, quoted identifiers:
   * all copied untouched. */
  check_sql("select '$1', E'\\'$1', $1 -- $1\n", v, NULL, 1, "select '$1', E'\\'$1', :p1 -- $1\n");
  check_sql("select /* $1 /* $1 */ $1 */ $1", v, NULL, 1, "select /* $1 /* $1 */ $1 */ :p1");
  check_sql("select $$ $1 $$, $a$ $1 $a$, \"$1\", $1", v, NULL, 1,
            "select $$ $1 $$, $a$ $1 $a$, \"$1\", :p1");
  check_sql("select 'it''s $1', $1", v, NULL, 1, "select 'it''s $1', :p1");
  /* An identifier may contain $: x$1 is not a placeholder. */
  check_sql("select x$1 from t where y = $1", v, NULL, 1, "select x$1 from t where y = :p1");
  /* Casts stay casts. */
  check_sql("select $1::int, $1::text", v, NULL, 1, "select :p1::int, :p1::text");
}

static void test_render_null_and_empty(void **state) {
  (void)state;
  const char *v[] = {NULL, "", "v"};
  /* Untyped: bare NULL and a parenthesised ''. */
  check_sql("select $1, $2, $3", v, NULL, 3, "select NULL, (''), :p3");
  /* Typed: cast, so that the value keeps the declared type (int4, date). */
  uint32_t oids[] = {23, 1082, 23};
  check_sql("select $1, $2, $3", v, oids, 3, "select CAST(NULL AS integer), CAST('' AS date), :p3");
  /* Character types stay untyped, like the :pn of their non-NULL values. */
  uint32_t chars[] = {1043, 25, 1043};
  check_sql("select $1, $2", v, chars, 3, "select NULL, ('')");
  rendered r;
  render(&r, "select $1, $2, $3", v, oids, 3);
  assert_int_equal(r.st, PX_OK);
  assert_int_equal(r.out.n_params, 1); /* NULL and '' are never Data API parameters */
  assert_string_equal(r.out.params[0].name, "p3");
  px_param_sql_free(&r.out);
}

static void test_render_token_separation(void **state) {
  (void)state;
  const char *v[] = {"1", NULL, ""};
  /* a[1:$1] must not become the cast a[1::p1]. */
  check_sql("select a[1:$1]", v, NULL, 1, "select a[1: :p1]");
  /* After a string: 'a'('') is a syntax error as 'a'$1 is, never the string 'a'''. */
  check_sql("select 'a'$3", v, NULL, 3, "select 'a' ('')");
  check_sql("select 'a'\n$3", v, NULL, 3, "select 'a'\n('')");
  /* U&$3 must not become the Unicode string U&''. */
  check_sql("select U&$3", v, NULL, 3, "select U& ('')");
  /* Before a dollar quote: ":p1$$" would be one identifier that swallows the quote's opening. */
  check_sql("select $1$$ x $$", v, NULL, 1, "select :p1 $$ x $$");
  check_sql("select $2$a$ x $a$", v, NULL, 2, "select NULL $a$ x $a$");
  /* After an operator or a parenthesis, nothing is needed. */
  check_sql("select -$1, ($2)", v, NULL, 2, "select -:p1, (NULL)");
  check_sql("select 1-$1", v, NULL, 1, "select 1-:p1");
}

static void test_render_hostile_values(void **state) {
  (void)state;
  /* Whatever the bytes, the SQL holds only :pn; the values go into parameters unchanged. */
  const char *v[] = {"'; drop table t; --", "\\'", "$1", ":p2", "*/ select 1 /*", "$$", "''"};
  rendered r;
  render(&r, "select $1, $2, $3, $4, $5, $6, $7", v, NULL, 7);
  assert_int_equal(r.st, PX_OK);
  assert_string_equal(r.out.sql, "select :p1, :p2, :p3, :p4, :p5, :p6, :p7");
  assert_int_equal(r.out.n_params, 7);
  for (int i = 0; i < 7; i++)
    assert_string_equal(r.out.params[i].value, v[i]);
  px_param_sql_free(&r.out);
  /* A NUL inside a value would cut the Data API string short: refused. */
  size_t lens[] = {3};
  const char *texts[] = {"a\0b"};
  uint32_t oids[] = {0};
  px_param_sql out;
  pgw_error err;
  assert_int_equal(px_param_render("select $1", 9, texts, lens, oids, 1, &out, &err), PX_INVAL);
  assert_string_equal(err.sqlstate, "22021");
  assert_null(out.sql);
}

static void test_render_errors(void **state) {
  (void)state;
  const char *v[] = {"1", "2"};
  check_error("select $0", v, 2, "42P02", "there is no parameter $0");
  check_error("select $3", v, 2, "08P01",
              "bind message supplies 2 parameters, but the statement requires at least 3");
  check_error("select $1", v, 0, "08P01", NULL);
  check_error("select '$1", v, 2, "42601", NULL);
  check_error("select $1 /* x", v, 2, "42601", NULL);
  check_error("select $1abc", v, 2, "42601", NULL);
  check_error("select $65536", v, 2, "42P02", NULL);
}

static void test_count(void **state) {
  (void)state;
  uint16_t c = 99;
  pgw_error err;
  assert_int_equal(px_param_count("select $3, $1", 13, &c, &err), PX_OK);
  assert_int_equal(c, 3);
  assert_int_equal(px_param_count("select '$5', \"$6\" -- $7", 23, &c, &err), PX_OK);
  assert_int_equal(c, 0);
  assert_int_equal(px_param_count("select $65535", 13, &c, &err), PX_OK);
  assert_int_equal(c, 65535);
  assert_int_equal(px_param_count("select $0", 9, &c, &err), PX_INVAL);
  assert_string_equal(err.sqlstate, "42P02");
  assert_int_equal(px_param_count("select 'x", 9, &c, &err), PX_INVAL);
  assert_string_equal(err.sqlstate, "42601");
}

/* ---- px_param_text ------------------------------------------------------------------------ */

typedef struct texted {
  px_status st;
  pgw_error err;
  char text[20000];
} texted;

static void param_text(texted *t, const void *data, int32_t len, int16_t format, uint32_t oid) {
  px_param_in p = {data, len, format, oid};
  pgw_buf out;
  pgw_buf_init(&out, 1u << 20);
  memset(&t->err, 0, sizeof t->err);
  t->st = px_param_text(&p, 0, &out, &t->err);
  size_t n = pgw_buf_len(&out);
  assert_true(n < sizeof t->text);
  if (n > 0)
    memcpy(t->text, pgw_buf_data(&out), n);
  t->text[n] = '\0';
  pgw_buf_free(&out);
}

static void check_text(const char *in, uint32_t oid, const char *want) {
  texted t;
  param_text(&t, in, (int32_t)strlen(in), 0, oid);
  assert_int_equal(t.st, PX_OK);
  assert_string_equal(t.text, want);
}

static void check_text_error(const void *in, int32_t len, uint32_t oid, const char *sqlstate,
                             const char *message) {
  texted t;
  param_text(&t, in, len, 0, oid);
  assert_int_equal(t.st, PX_INVAL);
  assert_string_equal(t.err.sqlstate, sqlstate);
  if (message != NULL)
    assert_string_equal(t.err.message, message);
}

static int unhex(const char *hex, uint8_t *out) {
  int n = 0;
  for (; hex[0] && hex[1]; hex += 2) {
    unsigned v;
    sscanf(hex, "%2x", &v);
    out[n++] = (uint8_t)v;
  }
  return n;
}

static void check_bin(const char *hex, uint32_t oid, const char *want) {
  uint8_t b[1024];
  int n = unhex(hex, b);
  texted t;
  param_text(&t, b, n, 1, oid);
  assert_int_equal(t.st, PX_OK);
  assert_string_equal(t.text, want);
}

static void check_bin_error(const char *hex, uint32_t oid, const char *sqlstate) {
  uint8_t b[1024];
  int n = unhex(hex, b);
  texted t;
  param_text(&t, b, n, 1, oid);
  assert_int_equal(t.st, PX_INVAL);
  assert_string_equal(t.err.sqlstate, sqlstate);
}

static void test_text_format(void **state) {
  (void)state;
  check_text("hello 'world' \\ $1 --", 25, "hello 'world' \\ $1 --");
  check_text("héllo", 0, "héllo");
  check_text("", 0, "");
  check_text("2024-06-12", 1082, "2024-06-12");
  /* Validated and made canonical where PostgreSQL's input function is simple. */
  check_text(" +42 ", 23, "42");
  check_text("-0", 21, "0");
  check_text("-32768", 21, "-32768");
  check_text("9223372036854775807", 20, "9223372036854775807");
  check_text("-9223372036854775808", 20, "-9223372036854775808");
  check_text("4294967295", 26, "4294967295");
  check_text_error("32768", 5, 21, "22003", "value \"32768\" is out of range for type smallint");
  check_text_error("99999999999999999999999", 23, 20, "22003", NULL);
  check_text_error("12a", 3, 23, "22P02", "invalid input syntax for type integer: \"12a\"");
  check_text_error("", 0, 23, "22P02", "invalid input syntax for type integer: \"\"");
  check_text_error("1.5", 3, 20, "22P02", NULL);
  check_text("yes", 16, "true");
  check_text(" OFF ", 16, "false");
  check_text_error("maybe", 5, 16, "22P02", "invalid input syntax for type boolean: \"maybe\"");
  check_text("1.50", 701, "1.5");
  check_text("-0", 701, "-0");
  check_text("nan", 701, "NaN");
  check_text("-inf", 700, "-Infinity");
  check_text("0.1", 700, "0.1");
  check_text_error("1e400", 5, 701, "22003", "\"1e400\" is out of range for type double precision");
  check_text_error("1e39", 4, 700, "22003", NULL);
  check_text_error("one", 3, 701, "22P02", NULL);
  check_text("12.30", 1700, "12.30");
  check_text(" -1.5E-7 ", 1700, " -1.5E-7 ");
  check_text("NaN", 1700, "NaN");
  check_text_error("1..2", 4, 1700, "22P02", NULL);
  /* Invalid UTF-8 and NUL: 22021 with the bytes, for every type. */
  check_text_error("a\xc3\x28", 3, 25, "22021",
                   "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28");
  check_text_error("a\0b", 3, 0, "22021", "invalid byte sequence for encoding \"UTF8\": 0x00");
  check_text_error("\xed\xa0\x80", 3, 25, "22021", NULL);     /* a surrogate */
  check_text_error("\xc0\xaf", 2, 25, "22021", NULL);         /* overlong */
  check_text_error("\xf4\x90\x80\x80", 4, 25, "22021", NULL); /* above U+10FFFF */
  check_text("\xf0\x9f\x98\x80", 25, "\xf0\x9f\x98\x80");
}

static void test_binary_scalars(void **state) {
  (void)state;
  check_bin("01", 16, "true");
  check_bin("00", 16, "false");
  check_bin("02", 16, "true"); /* boolrecv: any non-zero byte */
  check_bin("8000", 21, "-32768");
  check_bin("7fffffff", 23, "2147483647");
  check_bin("80000000", 23, "-2147483648");
  check_bin("8000000000000000", 20, "-9223372036854775808");
  check_bin("ffffffff", 26, "4294967295");
  check_bin("3fb999999999999a", 701, "0.1");
  check_bin("8000000000000000", 701, "-0");
  check_bin("7ff8000000000000", 701, "NaN");
  check_bin("fff0000000000000", 701, "-Infinity");
  check_bin("0000000000000001", 701, "5e-324");
  check_bin("3dcccccd", 700, "0.1");
  check_bin("7f800000", 700, "Infinity");
  check_bin("68c3a96c6c6f", 25, "héllo");
  check_bin("", 1043, "");
  check_bin("017b2261223a20317d", 3802, "{\"a\": 1}");
  check_bin("a0eebc999c0b4ef8bb6d6bb9bd380a11", 2950, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  check_bin("00ff27", 17, "\\x00ff27");
  check_bin("72", 18, "r");
  check_bin("e9", 18, "\\351");
  check_bin("00", 18, "");
  check_bin_error("7272", 18, "22P03");
  check_bin("ffffffff", 28, "4294967295");
  check_bin("", 17, "\\x");
  /* Wrong lengths: 22P03, as PostgreSQL says it for a bind parameter. */
  check_bin_error("0100", 16, "22P03");
  check_bin_error("000000", 23, "22P03");
  check_bin_error("00000000", 20, "22P03");
  check_bin_error("0000", 701, "22P03");
  check_bin_error("00", 2950, "22P03");
  check_bin_error("7b7d", 3802, "22P03"); /* no version byte */
  check_bin_error("c328", 25, "22021");
  texted t;
  param_text(&t, "\x01", 1, 1, 0);
  assert_int_equal(t.st, PX_INVAL);
  assert_string_equal(t.err.sqlstate, "0A000");
  param_text(&t, "\x01", 1, 1, 600 /* point */);
  assert_int_equal(t.st, PX_INVAL);
  assert_string_equal(t.err.sqlstate, "0A000");
  param_text(&t, "1", 1, 2, 23);
  assert_int_equal(t.st, PX_INVAL);
  assert_string_equal(t.err.sqlstate, "08P01");
  /* The message names the parameter 1-based, as PostgreSQL does. */
  px_param_in p = {(const uint8_t *)"\x01\x02", 2, 1, 16};
  pgw_buf out;
  pgw_buf_init(&out, 1024);
  pgw_error err;
  assert_int_equal(px_param_text(&p, 4, &out, &err), PX_INVAL);
  assert_string_equal(err.message, "incorrect binary data format in bind parameter 5");
  pgw_buf_free(&out);
}

static void test_binary_numeric(void **state) {
  (void)state;
  check_bin("0002000000000002000c0bb8", 1700, "12.30");
  check_bin("00000000c0000000", 1700, "NaN");
  check_bin("00000000d0000020", 1700, "Infinity");
  check_bin("00000000f0000000", 1700, "-Infinity");
  check_bin("0000000000000003", 1700, "0.000");
  check_bin("0000000000000000", 1700, "0");
  check_bin("0003000100000008270f270f270f", 1700, "99999999.99990000");
  check_bin("0001fffb000000140001", 1700, "0.00000000000000000001");
  check_bin("00010001000000000001", 1700, "10000");
  check_bin("0001fffe40000008007b", 1700, "-0.00000123");
  /* Digits hidden by dscale are truncated (numeric_recv): 12.3 with dscale 0 is 12; -0.5 with
   * dscale 0 is 0, without a sign. Leading zero groups are not printed. */
  check_bin("0002000000000000000c0bb8", 1700, "12");
  check_bin("0001ffff400000001388", 1700, "0");
  check_bin("000200010000000000000005", 1700, "5");
  /* dscale 16383 (numeric_send('1E-16383')): "0." then 16382 zeros and a 1 */
  {
    uint8_t b[10] = {0x00, 0x01, 0xf0, 0x00, 0x00, 0x00, 0x3f, 0xff, 0x00, 0x0a};
    texted t;
    param_text(&t, b, 10, 1, 1700);
    assert_int_equal(t.st, PX_OK);
    assert_int_equal(strlen(t.text), 2 + 16383);
    assert_memory_equal(t.text, "0.000", 5);
    assert_int_equal(t.text[2 + 16382], '1');
    assert_int_equal(t.text[2 + 16381], '0');
  }
  check_bin_error("0001000050000000000c", 1700, "22P03"); /* sign */
  check_bin_error("00010000000040000001", 1700, "22P03"); /* dscale */
  check_bin_error("00010000000000002710", 1700, "22P03"); /* digit 10000 */
  check_bin_error("0002000000000000000c", 1700, "22P03"); /* length */
  check_bin_error("ffff000000000000", 1700, "22P03");     /* negative ndigits */
  check_bin_error("000000", 1700, "22P03");
}

static void test_binary_datetime(void **state) {
  (void)state;
  check_bin("00000000", 1082, "2000-01-01");
  check_bin("ffffffff", 1082, "1999-12-31");
  check_bin("00002279", 1082, "2024-02-29");
  check_bin("fff49d7b", 1082, "0044-03-15 BC");
  check_bin("ffda97a7", 1082, "4714-11-24 BC");
  check_bin("7fda970c", 1082, "5874897-12-31");
  check_bin("7fffffff", 1082, "infinity");
  check_bin("80000000", 1082, "-infinity");
  check_bin_error("ffda97a6", 1082, "22008");
  check_bin_error("7fda970d", 1082, "22008");
  check_bin("0000000000000000", 1083, "00:00:00");
  check_bin("000000141dd76000", 1083, "24:00:00");
  check_bin("0000000c2a131060", 1083, "14:30:45.5");
  check_bin("0000000000000001", 1083, "00:00:00.000001");
  check_bin_error("000000141dd76001", 1083, "22008");
  check_bin_error("ffffffffffffffff", 1083, "22008");
  check_bin("0000000a0eebb00000004650", 1266, "12:00:00-05");
  check_bin("0000000000000000ffff1f3c", 1266, "00:00:00+15:59");
  check_bin("0000000000000000ffffffc4", 1266, "00:00:00+00:01");
  check_bin("0000000000000000fffffff1", 1266, "00:00:00+00:00:15");
  check_bin_error("00000000000000000000e100", 1266, "22009");
  check_bin("0000000000000000", 1114, "2000-01-01 00:00:00");
  check_bin("ffffffffffffffff", 1114, "1999-12-31 23:59:59.999999");
  check_bin("fd0f7cc1411fa000", 1114, "4714-11-24 00:00:00 BC");
  check_bin("7fffff5bb3b29fff", 1114, "294276-12-31 23:59:59.999999");
  check_bin("7fffffffffffffff", 1114, "infinity");
  check_bin("8000000000000000", 1184, "-infinity");
  check_bin_error("7fffff5bb3b2a000", 1114, "22008");
  check_bin("0002bdb093cedf80", 1184, "2024-06-12 14:00:45.123456+00");
  check_bin("ff1fc63d1bb12000", 1184, "0001-01-01 00:00:00+00 BC");
  check_bin("000000036c9361a0fffffffdfffffff6", 1186, "-10 mons -3 days 04:05:06.500000");
  check_bin("ffffffffffe91ca00000000000000000", 1186, "0 mons 0 days -00:00:01.500000");
  check_bin("80000000000000000000000000000000", 1186, "0 mons 0 days -2562047788:00:54.775808");
  check_bin_error("0000", 1186, "22P03");
}

/* Binary text → px_binary_field bytes → px_param_text → the same bytes again, for many values:
 * the two directions agree with each other (and PostgreSQL checks both in the crosscheck). */
static void roundtrip(const char *type_name, uint32_t oid, const uint8_t *bytes, size_t n) {
  texted t;
  param_text(&t, bytes, (int32_t)n, 1, oid);
  assert_int_equal(t.st, PX_OK);
  px_coltype ct = pxt_type(type_name);
  dapi_result_field f = pxt_string(t.text);
  pxt_out out;
  pxt_render_binary(&ct, &f, &out);
  if (out.rc != PX_TEXT_OK || (size_t)out.len != n || memcmp(out.data, bytes, n) != 0)
    fail_msg("%s: %s does not round-trip", type_name, t.text);
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static void test_roundtrip_random(void **state) {
  (void)state;
  for (int i = 0; i < 20000; i++) {
    uint8_t b[16];
    /* dates across the whole range */
    int64_t days = -2451545 + (int64_t)(rng() % (uint64_t)(2145031949 + 2451545));
    for (int k = 0; k < 4; k++)
      b[k] = (uint8_t)((uint64_t)days >> (24 - 8 * k));
    roundtrip("date", 1082, b, 4);
    /* timestamps, every microsecond pattern */
    int64_t ts = (int64_t)((uint64_t)INT64_C(-211813488000000000) + rng() % 9435184819200000000ull);
    for (int k = 0; k < 8; k++)
      b[k] = (uint8_t)((uint64_t)ts >> (56 - 8 * k));
    roundtrip("timestamp", 1114, b, 8);
    roundtrip("timestamptz", 1184, b, 8);
    int64_t tm = (int64_t)(rng() % 86400000001ull);
    for (int k = 0; k < 8; k++)
      b[k] = (uint8_t)((uint64_t)tm >> (56 - 8 * k));
    roundtrip("time", 1083, b, 8);
    /* numeric: random digits, weight, dscale that shows them all */
    uint8_t nb[8 + 2 * 6];
    int nd = 1 + (int)(rng() % 6);
    int weight = (int)(rng() % 20) - 10;
    int dscale = weight >= nd - 1 ? 0 : 4 * (nd - 1 - weight);
    nb[0] = 0;
    nb[1] = (uint8_t)nd;
    nb[2] = (uint8_t)((uint16_t)weight >> 8);
    nb[3] = (uint8_t)weight;
    nb[4] = rng() % 2 ? 0x40 : 0;
    nb[5] = 0;
    nb[6] = (uint8_t)(dscale >> 8);
    nb[7] = (uint8_t)dscale;
    for (int k = 0; k < nd; k++) {
      int d = (int)(rng() % 10000);
      if ((k == 0 || k == nd - 1) && d == 0)
        d = 7;
      nb[8 + 2 * k] = (uint8_t)(d >> 8);
      nb[9 + 2 * k] = (uint8_t)d;
    }
    roundtrip("numeric", 1700, nb, 8 + 2 * (size_t)nd);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_render_basic),
      cmocka_unit_test(test_render_reuse_and_order),
      cmocka_unit_test(test_render_ten_vs_one),
      cmocka_unit_test(test_render_not_in_literals),
      cmocka_unit_test(test_render_null_and_empty),
      cmocka_unit_test(test_render_token_separation),
      cmocka_unit_test(test_render_hostile_values),
      cmocka_unit_test(test_render_errors),
      cmocka_unit_test(test_count),
      cmocka_unit_test(test_text_format),
      cmocka_unit_test(test_binary_scalars),
      cmocka_unit_test(test_binary_numeric),
      cmocka_unit_test(test_binary_datetime),
      cmocka_unit_test(test_roundtrip_random),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
