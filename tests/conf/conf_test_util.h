/* Helpers shared by the conf/ tests: run conf_load on argv/envp arrays, look for diagnostics,
 * and write config files into a private temporary directory. */
#ifndef CONF_TEST_UTIL_H
#define CONF_TEST_UTIL_H

#include "conf.h"

typedef struct ct_result {
  conf_rc rc;
  conf_action action;
  conf_settings *s; /* owned; NULL unless rc == CONF_OK and the action loads */
  conf_diags d;
} ct_result;

/* argv and envp are NULL-terminated; argv[0] is the program name. envp may be NULL. */
ct_result *ct_load(const char *const *argv, const char *const *envp);
void ct_free(ct_result *r);

/* True if a diagnostic of that kind has exactly this text. On failure the caller's assert
 * message is helped by ct_dump, which prints every diagnostic to stderr. */
bool ct_has(const ct_result *r, conf_diag_kind kind, const char *text);
void ct_dump(const ct_result *r);
/* Fails the test (printing the diagnostics) unless the load succeeded without any warning. */
void ct_assert_clean(const ct_result *r);

/* Creates a temporary directory and makes it the working directory, so tests can use short
 * relative paths ("redwire.ini") and the messages that name them stay short. */
int ct_tmp_setup(void **state);
int ct_tmp_teardown(void **state);
/* Writes text to rel (relative to the temporary directory), creating parent directories. */
void ct_write(const char *rel, const char *text);

/* A valid minimal configuration to build on. */
#define CT_MINIMAL "[aws]\nregion = us-east-1\n[databases]\ndev = workgroup=wg-one\n"

#endif
