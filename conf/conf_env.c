/* conf_env.c — settings from the environment (an envp array passed in, never getenv).
 *
 * Two families, applied in this order so the more specific one wins:
 *  1. AWS's standard names, as the AWS SDKs read them: AWS_DEFAULT_REGION then AWS_REGION
 *     (region), AWS_ENDPOINT_URL then AWS_ENDPOINT_URL_REDSHIFT_DATA (endpoint; both skipped when
 *     AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true), AWS_USE_FIPS_ENDPOINT,
 *     AWS_USE_DUALSTACK_ENDPOINT, AWS_PROFILE, AWS_MAX_ATTEMPTS. An empty value counts as unset,
 *     as in the SDKs.
 *  2. REDWIRE_<KEY> for [redwire] and REDWIRE_AWS_<KEY> for [aws] (key upper-cased).
 * Other REDWIRE_* names are ignored: the test harness and wrappers use that prefix for their own
 * variables (REDWIRE_BUILD_DIR, REDWIRE_TEST_*), so rejecting them would break real setups.
 */
#include "conf_internal.h"

#include <stdio.h>
#include <string.h>

/* The value of name in envp, or NULL. The first occurrence wins, as with getenv. */
static const char *env_get(const char *const *envp, const char *name) {
  size_t n = strlen(name);
  for (const char *const *e = envp; e != NULL && *e != NULL; e++)
    if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
      return *e + n + 1;
  return NULL;
}

typedef struct aws_var {
  const char *env;
  conf__section section;
  const char *key;
  bool is_endpoint; /* subject to AWS_IGNORE_CONFIGURED_ENDPOINT_URLS */
} aws_var;

/* Lower-precedence names first. */
static const aws_var aws_vars[] = {
    {"AWS_DEFAULT_REGION", CONF__SEC_AWS, "region", false},
    {"AWS_REGION", CONF__SEC_AWS, "region", false},
    {"AWS_ENDPOINT_URL", CONF__SEC_AWS, "endpoint", true},
    {"AWS_ENDPOINT_URL_REDSHIFT_DATA", CONF__SEC_AWS, "endpoint", true},
    {"AWS_ENDPOINT_URL_STS", CONF__SEC_AWS, "sts_endpoint", true},
    {"AWS_USE_FIPS_ENDPOINT", CONF__SEC_AWS, "use_fips", false},
    {"AWS_USE_DUALSTACK_ENDPOINT", CONF__SEC_AWS, "use_dualstack", false},
    {"AWS_PROFILE", CONF__SEC_AWS, "profile", false},
    {"AWS_MAX_ATTEMPTS", CONF__SEC_AWS, "max_attempts", false},
};

static void apply(conf__ctx *ctx, size_t idx, const char *name, const char *value) {
  conf__origin o = {.src = CONF__SRC_ENV, .name = name, .text = value};
  conf__set(ctx, idx, value, &o);
}

static bool ignore_endpoints(conf__ctx *ctx, const char *const *envp) {
  const char *v = env_get(envp, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (v == NULL || *v == '\0')
    return false;
  bool b = false;
  const char *why = conf__parse_bool(v, &b);
  if (why != NULL) {
    conf__diag(ctx, CONF_DIAG_ERROR, "environment AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=%.80s: %s", v,
               why);
    return false;
  }
  return b;
}

/* "REDWIRE_" or "REDWIRE_AWS_" + upper-cased key. */
static void env_name(const conf__setting *row, char *buf, size_t cap) {
  int n = snprintf(buf, cap, "%s", row->section == CONF__SEC_AWS ? "REDWIRE_AWS_" : "REDWIRE_");
  for (const char *k = row->key; *k != '\0' && (size_t)n + 1 < cap; k++, n++)
    buf[n] = (*k >= 'a' && *k <= 'z') ? (char)(*k - 'a' + 'A') : *k;
  buf[n] = '\0';
}

void conf__apply_env(conf__ctx *ctx, const char *const *envp) {
  bool skip_endpoints = ignore_endpoints(ctx, envp);
  for (size_t i = 0; i < sizeof(aws_vars) / sizeof(aws_vars[0]); i++) {
    const aws_var *v = &aws_vars[i];
    const char *value = env_get(envp, v->env);
    if (value == NULL || *value == '\0' || (v->is_endpoint && skip_endpoints))
      continue;
    long idx = conf__setting_find(v->section, v->key, strlen(v->key));
    if (idx >= 0)
      apply(ctx, (size_t)idx, v->env, value);
  }
  for (size_t i = 0; i < conf__setting_count(); i++) {
    const conf__setting *row = conf__setting_at(i);
    char name[96];
    env_name(row, name, sizeof(name));
    const char *value = env_get(envp, name);
    if (value == NULL)
      continue;
    const char *kept = conf__keep(ctx, name, strlen(name));
    if (kept != NULL)
      apply(ctx, i, kept, value);
  }
}
