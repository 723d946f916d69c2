/*
 * test_emu_params.c — ':name' → '$k' rewriting: every quoting form, comments, casts, slices,
 * numbering, and the error results.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emu_params.h"

#define BIG (1u << 20)

static const emu_param xyz[] = {{"x", "1"}, {"y", "2"}, {"z", "3"}};
#define N_XYZ (sizeof xyz / sizeof xyz[0])

/* Rewrites sql with params {x, y, z} (not all required), expects success, the text, and the
 * order of parameter indexes (expect_order as a string of digits, e.g. "10" = y then x). */
static void check_rewrite(const char *sql, const char *expect_sql, const char *expect_order) {
  emu_buf out;
  emu_buf_init(&out, BIG);
  size_t order[N_XYZ];
  size_t n_used = 99;
  const char *bad = NULL;
  size_t bad_len = 0;
  emu_params_rc rc =
      emu_params_rewrite(sql, strlen(sql), xyz, N_XYZ, false, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_OK);
  assert_string_equal(out.data, expect_sql);
  assert_int_equal(n_used, strlen(expect_order));
  for (size_t k = 0; k < n_used; k++)
    assert_int_equal(order[k], (size_t)(expect_order[k] - '0'));
  emu_buf_free(&out);
}

/* Text that must come out exactly as it went in, with no parameter referenced. */
static void check_unchanged(const char *sql) {
  check_rewrite(sql, sql, "");
}

static void test_basic_numbering(void **state) {
  (void)state;
  check_rewrite("select * from t where a = :y and b = :x",
                "select * from t where a = $1 and b = $2", "10");
  check_rewrite(":z", "$1", "2");
  check_rewrite("select :x, :y, :x, :z, :y", "select $1, $2, $1, $3, $2", "012");
  check_rewrite("insert into t values(:x,:y)", "insert into t values($1,$2)", "01");
  check_unchanged("");
  check_unchanged("select 1");
}

static void test_string_literals(void **state) {
  (void)state;
  check_unchanged("select 'it''s :x'");
  check_rewrite("select 'it''s :x', :y", "select 'it''s :x', $1", "1");
  check_unchanged("select '::x' ");
  /* A backslash is an ordinary character in a standard string: '\' is complete. */
  check_rewrite("select '\\' :x", "select '\\' $1", "0");
  /* In E'...' it escapes: E'\':x' is one string holding a quote, :x and nothing more. */
  check_unchanged("select E'\\':x'");
  check_unchanged("select e'\\':x'");
  /* E'\\' is one backslash; the string ends there and :x is a placeholder. */
  check_rewrite("select E'\\\\':x", "select E'\\\\'$1", "0");
  /* E only counts at a token start: in nameE'...' the E belongs to the identifier. */
  check_rewrite("select somE'\\' :x", "select somE'\\' $1", "0");
  check_unchanged("select U&'d\\0061t:x'");
  check_unchanged("select B'1:x', X'1F:x', N'n:x'");
  check_unchanged("select 'unterminated :x");
  check_unchanged("select E'unterminated \\");
}

static void test_dollar_quotes(void **state) {
  (void)state;
  check_unchanged("select $a$ :x $a$");
  check_rewrite("select $$ :x $$, :y", "select $$ :x $$, $1", "1");
  check_rewrite("select $a$ $b$ :x $b$ $a$ :y", "select $a$ $b$ :x $b$ $a$ $1", "1");
  /* As in PostgreSQL, "$$a$" inside $a$...$a$ ends it at its "$a$": :x is then code, and the
   * last "$a$" opens an unterminated quote that hides :y. */
  check_rewrite("select $a$ $$a$ :x $a$ :y", "select $a$ $$a$ $1 $a$ :y", "0");
  check_rewrite("select $tag_1$ 'x' :x $tag_1$::text || :z",
                "select $tag_1$ 'x' :x $tag_1$::text || $1", "2");
  check_unchanged("select $body$ :x unterminated");
  check_unchanged("do $$ begin v := :x; end $$");
  /* '$' after an identifier character continues the identifier: no dollar quote. */
  check_rewrite("select a$b$ :x", "select a$b$ $1", "0");
  /* $1 is a PostgreSQL parameter, not a dollar quote ($ followed by a digit). */
  check_rewrite("select $1 :y", "select $1 $1", "1");
}

static void test_quoted_identifiers(void **state) {
  (void)state;
  check_unchanged("select \"col:x\" from t");
  check_rewrite("select \"a\"\"b:x\" from t where c = :y",
                "select \"a\"\"b:x\" from t where c = $1", "1");
  check_unchanged("select \"unterminated :x");
}

static void test_comments(void **state) {
  (void)state;
  check_unchanged("select 1 -- :x");
  check_rewrite("select 1 -- :x\n, :y", "select 1 -- :x\n, $1", "1");
  check_rewrite("select 1 --:x\r:y", "select 1 --:x\r$1", "1");
  check_rewrite("select /* /* :x */ */ :y", "select /* /* :x */ */ $1", "1");
  check_rewrite("select /*/ :x */ :y", "select /*/ :x */ $1", "1");
  check_rewrite("select /**/ :y", "select /**/ $1", "1");
  check_unchanged("select /* /* :x */ still inside :y");
  check_rewrite("select 1 - :x", "select 1 - $1", "0");
  check_rewrite("select 4 / :x", "select 4 / $1", "0");
}

static void test_casts_and_colons(void **state) {
  (void)state;
  check_rewrite("select :x::int", "select $1::int", "0");
  check_rewrite("select :x::int + :y::numeric(10,2)", "select $1::int + $2::numeric(10,2)", "01");
  check_unchanged("select a::text from t");
  check_unchanged("select a :: text from t");
  check_unchanged("do $$ begin v := 1; end $$");
  check_unchanged("select a := 1");
  check_unchanged("select : x");
  check_unchanged("select x:");
  check_unchanged("select :\xc3\xa9");
  check_unchanged("select :\"x\"");
}

static void test_numeric_and_mixed_names(void **state) {
  (void)state;
  static const emu_param p[] = {{"1", "a"}, {"2", "b"}, {"a_B9", "c"}, {"pa", "d"}};
  emu_buf out;
  emu_buf_init(&out, BIG);
  size_t order[4], n_used = 0;
  const char *sql = "select :2, :1, :a_B9, :1";
  emu_params_rc rc =
      emu_params_rewrite(sql, strlen(sql), p, 4, false, &out, order, &n_used, NULL, NULL);
  assert_int_equal(rc, EMU_PARAMS_OK);
  assert_string_equal(out.data, "select $1, $2, $3, $2");
  assert_int_equal(n_used, 3);
  assert_int_equal(order[0], 1);
  assert_int_equal(order[1], 0);
  assert_int_equal(order[2], 2);
  /* The name is the longest run: :pax is not :pa followed by x. */
  emu_buf_reset(&out);
  const char *bad = NULL;
  size_t bad_len = 0;
  sql = "select :pax";
  rc = emu_params_rewrite(sql, strlen(sql), p, 4, false, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_MISSING);
  assert_ptr_equal(bad, sql + 8);
  assert_int_equal(bad_len, 3);
  emu_buf_free(&out);
}

static void test_array_slices(void **state) {
  (void)state;
  check_unchanged("select a[1:2] from t");
  check_unchanged("select a[lo:hi] from t");
  check_unchanged("select f(x)[1:n], a[b[1]:2], a[1][2:3]");
  check_rewrite("select a[:x]", "select a[$1]", "0");
  check_rewrite("select a[:x:3]", "select a[$1:3]", "0");
  check_rewrite("select a[1 : :y]", "select a[1 : $1]", "1");
  check_rewrite("select a[(:x):(:y)]", "select a[($1):($2)]", "01");
  check_rewrite("select a[1:2], :z", "select a[1:2], $1", "2");
  /* A stray ']' does not make the depth negative. */
  check_rewrite("select ] :x", "select ] $1", "0");
}

static void test_space_before_placeholder(void **state) {
  (void)state;
  /* "select$1" would be one identifier to PostgreSQL. */
  check_rewrite("select:x", "select $1", "0");
  check_rewrite("select 1+:x", "select 1+$1", "0");
  check_rewrite("select :x:y", "select $1 $2", "01");
}

static void test_sql_len_is_respected(void **state) {
  (void)state;
  emu_buf out;
  emu_buf_init(&out, BIG);
  size_t order[N_XYZ], n_used = 0;
  const char *sql = "select :x and more";
  emu_params_rc rc =
      emu_params_rewrite(sql, 9, xyz, N_XYZ, false, &out, order, &n_used, NULL, NULL);
  assert_int_equal(rc, EMU_PARAMS_OK);
  assert_string_equal(out.data, "select $1");
  rc = emu_params_rewrite("x:", 2, xyz, N_XYZ, false, &out, order, &n_used, NULL, NULL);
  assert_int_equal(rc, EMU_PARAMS_OK);
  assert_string_equal(out.data, "select $1x:"); /* appended */
  emu_buf_free(&out);
}

static void test_missing_rolls_back(void **state) {
  (void)state;
  emu_buf out;
  emu_buf_init(&out, BIG);
  emu_buf_puts(&out, "PREFIX");
  size_t order[N_XYZ], n_used = 0;
  const char *bad = NULL;
  size_t bad_len = 0;
  const char *sql = "select :x, :X, :nope";
  emu_params_rc rc =
      emu_params_rewrite(sql, strlen(sql), xyz, N_XYZ, false, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_MISSING);
  assert_ptr_equal(bad, sql + 12); /* names are case-sensitive: X is the first unknown one */
  assert_int_equal(bad_len, 1);
  assert_false(out.failed);
  assert_string_equal(out.data, "PREFIX");
  assert_int_equal(out.len, 6);
  /* No parameters at all: every placeholder is missing. */
  rc = emu_params_rewrite(":a", 2, NULL, 0, false, &out, NULL, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_MISSING);
  assert_int_equal(bad_len, 1);
  assert_int_equal(bad[0], 'a');
  emu_buf_free(&out);
}

static void test_unused(void **state) {
  (void)state;
  emu_buf out;
  emu_buf_init(&out, BIG);
  size_t order[N_XYZ], n_used = 0;
  const char *bad = NULL;
  size_t bad_len = 0;
  const char *sql = "select :z, ':y'";
  emu_params_rc rc =
      emu_params_rewrite(sql, strlen(sql), xyz, N_XYZ, true, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_UNUSED);
  assert_string_equal(bad, "x"); /* the first unused in parameter order */
  assert_int_equal(bad_len, 1);
  assert_int_equal(out.len, 0);
  /* Without the requirement the same call succeeds. */
  rc =
      emu_params_rewrite(sql, strlen(sql), xyz, N_XYZ, false, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_OK);
  assert_int_equal(n_used, 1);
  assert_int_equal(order[0], 2);
  /* All used: OK with the requirement. */
  emu_buf_reset(&out);
  sql = ":z :y :x";
  rc = emu_params_rewrite(sql, strlen(sql), xyz, N_XYZ, true, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_OK);
  assert_string_equal(out.data, "$1 $2 $3");
  /* MISSING is reported before UNUSED. */
  emu_buf_reset(&out);
  sql = ":q";
  rc = emu_params_rewrite(sql, strlen(sql), xyz, N_XYZ, true, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_MISSING);
  emu_buf_free(&out);
}

static void test_duplicate_and_null_names(void **state) {
  (void)state;
  static const emu_param dup[] = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  emu_buf out;
  emu_buf_init(&out, BIG);
  size_t order[3], n_used = 0;
  const char *bad = NULL;
  size_t bad_len = 0;
  emu_params_rc rc =
      emu_params_rewrite(":a :b", 5, dup, 3, false, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_OK);
  assert_int_equal(order[0], 0); /* the first "a" */
  assert_int_equal(order[1], 1);
  rc = emu_params_rewrite(":a :b", 5, dup, 3, true, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_UNUSED);
  assert_ptr_equal(bad, dup[2].name);

  static const emu_param with_null[] = {{NULL, "1"}, {"b", "2"}};
  emu_buf_reset(&out);
  rc = emu_params_rewrite(":b", 2, with_null, 2, false, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_OK);
  assert_int_equal(order[0], 1);
  rc = emu_params_rewrite(":b", 2, with_null, 2, true, &out, order, &n_used, &bad, &bad_len);
  assert_int_equal(rc, EMU_PARAMS_UNUSED);
  assert_string_equal(bad, "");
  assert_int_equal(bad_len, 0);
  emu_buf_free(&out);
}

static void test_out_of_space(void **state) {
  (void)state;
  emu_buf out;
  emu_buf_init(&out, 10);
  emu_buf_puts(&out, "AB");
  size_t order[N_XYZ], n_used = 0;
  const char *sql = "select :x from a_long_table";
  emu_params_rc rc =
      emu_params_rewrite(sql, strlen(sql), xyz, N_XYZ, false, &out, order, &n_used, NULL, NULL);
  assert_int_equal(rc, EMU_PARAMS_ENOMEM);
  assert_true(out.failed);
  assert_int_equal(out.len, 2);
  assert_string_equal(out.data, "AB");
  /* An already failed buffer is refused up front. */
  rc = emu_params_rewrite(":x", 2, xyz, N_XYZ, false, &out, order, &n_used, NULL, NULL);
  assert_int_equal(rc, EMU_PARAMS_ENOMEM);
  emu_buf_free(&out);
}

/* Many parameters, referenced in reverse: exercises the sorted lookup and multi-digit $k. */
static void test_many_parameters(void **state) {
  (void)state;
  enum { N = 1000 };
  static char names[N][8];
  static emu_param p[N];
  for (int i = 0; i < N; i++) {
    snprintf(names[i], sizeof names[i], "p%d", i);
    p[i] = (emu_param){names[i], "v"};
  }
  emu_buf sql, out, expect;
  emu_buf_init(&sql, BIG);
  emu_buf_init(&out, BIG);
  emu_buf_init(&expect, BIG);
  for (int i = N - 1; i >= 0; i--) {
    emu_buf_printf(&sql, ":p%d,", i);
    emu_buf_printf(&expect, "$%d,", N - i);
  }
  size_t *order = calloc(N, sizeof *order);
  assert_non_null(order);
  size_t n_used = 0;
  emu_params_rc rc =
      emu_params_rewrite(sql.data, sql.len, p, N, true, &out, order, &n_used, NULL, NULL);
  assert_int_equal(rc, EMU_PARAMS_OK);
  assert_string_equal(out.data, expect.data);
  assert_int_equal(n_used, N);
  for (size_t k = 0; k < N; k++)
    assert_int_equal(order[k], N - 1 - k);
  free(order);
  emu_buf_free(&sql);
  emu_buf_free(&out);
  emu_buf_free(&expect);
}

/* Every prefix of a text full of quoting forms: no crash, no read past sql_len (ASan checks the
 * heap copy), and the untouched parts come out verbatim. */
static void test_every_prefix_is_safe(void **state) {
  (void)state;
  const char *text = "select E'\\'':x', $q$:x$q$, \"i:x\", /* /* :x */ */ -- :x\n"
                     "a[1:2], :x::int, :y, U&'\\:x' $";
  size_t n = strlen(text);
  for (size_t len = 0; len <= n; len++) {
    char *copy = malloc(len != 0 ? len : 1); /* exactly len bytes: ASan flags any overread */
    assert_non_null(copy);
    memcpy(copy, text, len);
    emu_buf out;
    emu_buf_init(&out, BIG);
    size_t order[N_XYZ], n_used = 0;
    emu_params_rc rc =
        emu_params_rewrite(copy, len, xyz, N_XYZ, false, &out, order, &n_used, NULL, NULL);
    assert_int_equal(rc, EMU_PARAMS_OK);
    assert_true(n_used <= 2);
    free(copy);
    emu_buf_free(&out);
  }
}

static void test_strerror(void **state) {
  (void)state;
  assert_string_equal(emu_params_strerror(EMU_PARAMS_OK), "success");
  assert_non_null(strstr(emu_params_strerror(EMU_PARAMS_MISSING), "placeholder"));
  assert_non_null(strstr(emu_params_strerror(EMU_PARAMS_UNUSED), "never referenced"));
  assert_non_null(strstr(emu_params_strerror(EMU_PARAMS_ENOMEM), "memory"));
  assert_non_null(strstr(emu_params_strerror((emu_params_rc)42), "unknown"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic_numbering),
      cmocka_unit_test(test_string_literals),
      cmocka_unit_test(test_dollar_quotes),
      cmocka_unit_test(test_quoted_identifiers),
      cmocka_unit_test(test_comments),
      cmocka_unit_test(test_casts_and_colons),
      cmocka_unit_test(test_numeric_and_mixed_names),
      cmocka_unit_test(test_array_slices),
      cmocka_unit_test(test_space_before_placeholder),
      cmocka_unit_test(test_sql_len_is_respected),
      cmocka_unit_test(test_missing_rolls_back),
      cmocka_unit_test(test_unused),
      cmocka_unit_test(test_duplicate_and_null_names),
      cmocka_unit_test(test_out_of_space),
      cmocka_unit_test(test_many_parameters),
      cmocka_unit_test(test_every_prefix_is_safe),
      cmocka_unit_test(test_strerror),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
