/* test_px_log.c — px_log's redaction of registered secrets, read back from a real log file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "px_log.h"

static const char SECRET[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/* Logs one line through a fresh log file and returns the file's content (static buffer). */
static const char *log_line(px_log *l, const char *prefix, const char *arg) {
  static char buf[8192];
  char path[] = "/tmp/test_px_log.XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  assert_int_equal(px_log_open(l, path), PX_OK);
  px_log_msg(l, CONF_LOG_INFO, 7, "%s%s", prefix, arg);
  px_log_close(l);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  unlink(path);
  return buf;
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle)) {
    n++;
  }
  return n;
}

static void test_redacts_every_occurrence(void **state) {
  (void)state;
  px_log l;
  px_log_init(&l, CONF_LOG_DEBUG);
  const char *out = log_line(&l, "before registering: ", SECRET);
  assert_non_null(strstr(out, SECRET)); /* the test can fail: nothing is hidden by accident */
  assert_int_equal(px_log_add_secret(&l, SECRET), PX_OK);
  assert_int_equal(px_log_add_secret(&l, SECRET), PX_OK); /* a repeat is not stored twice */
  assert_int_equal(l.nsecrets, 1);
  assert_int_equal(px_log_add_secret(&l, "abc"), PX_OK); /* too short: ignored */
  assert_int_equal(l.nsecrets, 1);
  char twice[256];
  snprintf(twice, sizeof twice, "key=%s, again %s.", SECRET, SECRET);
  out = log_line(&l, "", twice);
  assert_null(strstr(out, SECRET));
  assert_int_equal(count(out, "[redacted]"), 2);
  assert_non_null(strstr(out, "key=[redacted], again [redacted].\n"));
  /* Removed secrets are logged as they are again. */
  px_log_remove_secret(&l, SECRET);
  px_log_remove_secret(&l, NULL);
  assert_int_equal(l.nsecrets, 0);
  out = log_line(&l, "after removal: ", SECRET);
  assert_non_null(strstr(out, SECRET));
  assert_int_equal(px_log_add_secret(&l, SECRET), PX_OK);
  px_log_forget_secrets(&l);
  assert_int_equal(l.nsecrets, 0);
}

static void test_line_cut_inside_a_secret(void **state) {
  (void)state;
  px_log l;
  px_log_init(&l, CONF_LOG_DEBUG);
  assert_int_equal(px_log_add_secret(&l, SECRET), PX_OK);
  /* A message longer than a line, whose cut falls inside the secret: no prefix of it stays. */
  for (size_t pad = 1990; pad < 2040; pad++) {
    char *msg = malloc(pad + sizeof SECRET + 1);
    assert_non_null(msg);
    memset(msg, 'x', pad);
    memcpy(msg + pad, SECRET, sizeof SECRET);
    const char *out = log_line(&l, "", msg);
    assert_null(strstr(out, "wJalrXU"));
    assert_true(strlen(out) <= 2048);
    assert_int_equal(out[strlen(out) - 1], '\n');
    free(msg);
  }
  px_log_forget_secrets(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_redacts_every_occurrence),
      cmocka_unit_test(test_line_cut_inside_a_secret),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
