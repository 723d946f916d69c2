/* %include: relative paths, section inheritance, missing files, the depth limit, cycles, and
 * the file size limit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"
#include "conf_test_util.h"

#define ARGV(...) ((const char *const[]){"redwire", __VA_ARGS__, NULL})

static void test_relative_and_nested(void **state) {
  (void)state;
  ct_write("main.ini", "[redwire]\n"
                       "listen_port = 6000\n"
                       "%include conf.d/aws.ini\n"
                       "max_client_conn = 7 ; still [redwire] after the include\n"
                       "[databases]\n"
                       "%include conf.d/dbs.ini\n");
  /* Relative to conf.d/, not to the working directory. */
  ct_write("conf.d/aws.ini", "[aws]\nregion = eu-west-1\n%include more/deeper.ini\n");
  ct_write("conf.d/more/deeper.ini", "[redwire]\nlog_level = debug\n");
  /* No section header: the entries belong to [databases], where the %include line was. */
  ct_write("conf.d/dbs.ini", "dev = workgroup=wg-one\nrep = cluster=c1 db_user=ro\n");
  ct_result *r = ct_load(ARGV("-c", "main.ini"), NULL);
  ct_assert_clean(r);
  assert_int_equal(r->s->redwire.listen_port, 6000);
  assert_int_equal(r->s->redwire.max_client_conn, 7);
  assert_string_equal(r->s->aws.region, "eu-west-1");
  assert_int_equal(r->s->redwire.log_level, CONF_LOG_DEBUG);
  assert_int_equal(r->s->n_databases, 2);
  assert_string_equal(r->s->databases[1].db_user, "ro");
  ct_free(r);
}

static void test_errors_name_the_included_file(void **state) {
  (void)state;
  ct_write("top.ini", CT_MINIMAL "%include sub/bad.ini\n");
  ct_write("sub/bad.ini", "[aws]\nwait_time_seconds = 31\n");
  ct_result *r = ct_load(ARGV("-c", "top.ini"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "sub/bad.ini:2: [aws] wait_time_seconds = 31: must be between 0 and 30"));
  ct_free(r);
}

static void test_missing_include(void **state) {
  (void)state;
  ct_write("dir/m.ini", CT_MINIMAL "%include nope.ini\n%include /nonexistent/abs.ini\n");
  ct_result *r = ct_load(ARGV("-c", "dir/m.ini"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "dir/m.ini:5: %include nope.ini (dir/nope.ini): cannot open: No such file "
                     "or directory"));
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "dir/m.ini:6: %include /nonexistent/abs.ini: cannot open: No such file or "
                     "directory"));
  ct_free(r);
}

static void test_depth_limit(void **state) {
  (void)state;
  /* d0 (the -c file) includes d1 ... each file one deeper: d8 is the deepest allowed. */
  char name[32], text[128];
  for (int i = 0; i <= 9; i++) {
    snprintf(name, sizeof(name), "deep/d%d.ini", i);
    if (i < 9)
      snprintf(text, sizeof(text), "%s[redwire]\nmax_client_conn = %d\n%%include d%d.ini\n",
               i == 0 ? CT_MINIMAL : "", 100 + i, i + 1);
    else
      snprintf(text, sizeof(text), "[redwire]\nmax_client_conn = 109\n");
    ct_write(name, text);
  }
  ct_result *r = ct_load(ARGV("-c", "deep/d0.ini"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_int_equal(r->d.errors, 1);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "deep/d8.ini:3: %include d9.ini (deep/d9.ini): includes nested too deeply "
                     "(the limit is 8 levels)"));
  ct_free(r);

  /* One level less is fine, and the deepest value wins. */
  ct_write("deep/d8.ini", "[redwire]\nmax_client_conn = 108\n");
  r = ct_load(ARGV("-c", "deep/d0.ini"), NULL);
  assert_int_equal(r->rc, CONF_OK);
  assert_int_equal(r->s->redwire.max_client_conn, 108);
  ct_free(r);
}

static void test_cycle(void **state) {
  (void)state;
  ct_write("cyc/a.ini", CT_MINIMAL "%include b.ini\n");
  ct_write("cyc/b.ini", "%include a.ini\n");
  ct_result *r = ct_load(ARGV("-c", "cyc/a.ini"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_int_equal(r->d.errors, 1);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "cyc/b.ini:1: %include a.ini (cyc/a.ini): include cycle: this file is "
                     "already being read"));
  ct_free(r);

  ct_write("self.ini", "%include self.ini\n");
  r = ct_load(ARGV("-c", "self.ini"), NULL);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "self.ini:1: %include self.ini: include cycle: this file is already being "
                     "read"));
  ct_free(r);

  /* The same file twice in a row is not a cycle. */
  ct_write("twice.ini", CT_MINIMAL "%include part.ini\n%include part.ini\n");
  ct_write("part.ini", "[redwire]\nstats_period = 5\n");
  r = ct_load(ARGV("-c", "twice.ini"), NULL);
  assert_int_equal(r->rc, CONF_OK);
  assert_int_equal(r->d.warnings, 1); /* the second read sets stats_period again */
  ct_free(r);
}

static void test_file_too_large(void **state) {
  (void)state;
  size_t n = CONF__MAX_FILE + 1;
  char *text = malloc(n + 1);
  assert_non_null(text);
  for (size_t i = 0; i < n; i++)
    text[i] = i % 64 == 63 ? '\n' : ';';
  text[n] = '\0';
  ct_write("big.ini", text);
  text[n - 1] = '\0'; /* exactly at the limit: accepted (all comments) */
  ct_write("limit.ini", text);
  free(text);
  ct_result *r = ct_load(ARGV("-c", "big.ini"), NULL);
  assert_true(ct_has(r, CONF_DIAG_ERROR, "big.ini: file too large (the limit is 1 MiB)"));
  ct_free(r);
  r = ct_load(
      ARGV("-c", "limit.ini", "--set", "aws.region=us-east-1", "--database", "dev=workgroup=wgx"),
      NULL);
  ct_assert_clean(r);
  ct_free(r);
}

/* Text that is not a file (the fuzz entry point) may not pull files in. */
static void test_text_refuses_include(void **state) {
  (void)state;
  conf_diags d;
  conf_diags_init(&d);
  conf__ctx ctx;
  assert_int_equal(conf__ctx_init(&ctx, &d), CONF_OK);
  ctx.allow_include = false;
  conf__apply_defaults(&ctx);
  static const char text[] = "[redwire]\n%include /etc/passwd\n";
  conf__load_text(&ctx, "input", text, sizeof(text) - 1, 0, CONF__SEC_NONE);
  assert_int_equal(d.count, 1);
  assert_string_equal(d.items[0].text, "input:2: %include is not allowed here");
  conf__ctx_free(&ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_relative_and_nested),
      cmocka_unit_test(test_errors_name_the_included_file),
      cmocka_unit_test(test_missing_include),
      cmocka_unit_test(test_depth_limit),
      cmocka_unit_test(test_cycle),
      cmocka_unit_test(test_file_too_large),
      cmocka_unit_test(test_text_refuses_include),
  };
  return cmocka_run_group_tests(tests, ct_tmp_setup, ct_tmp_teardown);
}
