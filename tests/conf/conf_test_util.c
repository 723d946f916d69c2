#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_test_util.h"

ct_result *ct_load(const char *const *argv, const char *const *envp) {
  ct_result *r = calloc(1, sizeof(*r));
  assert_non_null(r);
  conf_diags_init(&r->d);
  int argc = 0;
  while (argv[argc] != NULL)
    argc++;
  r->rc = conf_load(argc, argv, envp, &r->s, &r->action, &r->d);
  if (r->rc != CONF_OK)
    assert_null(r->s);
  return r;
}

void ct_free(ct_result *r) {
  if (r != NULL)
    conf_free(r->s);
  free(r);
}

bool ct_has(const ct_result *r, conf_diag_kind kind, const char *text) {
  for (size_t i = 0; i < r->d.count; i++)
    if (r->d.items[i].kind == kind && strcmp(r->d.items[i].text, text) == 0)
      return true;
  fprintf(stderr, "missing %s: %s\n", kind == CONF_DIAG_ERROR ? "error" : "warning", text);
  ct_dump(r);
  return false;
}

void ct_dump(const ct_result *r) {
  fprintf(stderr, "rc=%s, %zu diagnostics:\n", conf_strerror(r->rc), r->d.count);
  for (size_t i = 0; i < r->d.count; i++)
    fprintf(stderr, "  %s: %s\n", r->d.items[i].kind == CONF_DIAG_ERROR ? "error" : "warning",
            r->d.items[i].text);
}

void ct_assert_clean(const ct_result *r) {
  if (r->rc != CONF_OK || r->d.count != 0) {
    ct_dump(r);
    fail_msg("expected a clean load");
  }
  assert_non_null(r->s);
}

/* Everything created, to remove in reverse order. */
static char *created[256];
static size_t n_created;
static char old_cwd[PATH_MAX];
static char tmp_dir[PATH_MAX];

static void remember(const char *path) {
  assert_true(n_created < sizeof(created) / sizeof(created[0]));
  created[n_created] = strdup(path);
  assert_non_null(created[n_created]);
  n_created++;
}

int ct_tmp_setup(void **state) {
  (void)state;
  const char *base = getenv("TMPDIR");
  snprintf(tmp_dir, sizeof(tmp_dir), "%s/redwire-conf-test-XXXXXX", base ? base : "/tmp");
  if (mkdtemp(tmp_dir) == NULL || getcwd(old_cwd, sizeof(old_cwd)) == NULL || chdir(tmp_dir) != 0)
    return -1;
  return 0;
}

int ct_tmp_teardown(void **state) {
  (void)state;
  while (n_created > 0) {
    char *p = created[--n_created];
    if (unlink(p) != 0)
      rmdir(p);
    free(p);
  }
  int rc = chdir(old_cwd);
  rmdir(tmp_dir);
  return rc;
}

void ct_write(const char *rel, const char *text) {
  char dir[PATH_MAX];
  for (const char *slash = strchr(rel, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
    snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
    struct stat sb;
    if (stat(dir, &sb) != 0) {
      assert_int_equal(mkdir(dir, 0700), 0);
      remember(dir);
    }
  }
  struct stat sb;
  bool existed = stat(rel, &sb) == 0;
  FILE *f = fopen(rel, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
  if (!existed)
    remember(rel);
}
