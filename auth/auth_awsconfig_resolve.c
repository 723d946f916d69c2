/*
 * auth_awsconfig_resolve.c — from the environment and the two parsed shared files to a plan of
 * what the credential chain must do for the selected profile.
 *
 * References:
 *  - https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html: AWS_CONFIG_FILE and
 *    AWS_SHARED_CREDENTIALS_FILE override ~/.aws/config and ~/.aws/credentials; "~" is the home
 *    directory only at the start of the path followed by '/', taken from HOME.
 *  - https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html: AWS_PROFILE selects the
 *    profile, "default" otherwise.
 *  - https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html:
 *    role_arn with exactly one of source_profile / credential_source (Environment,
 *    Ec2InstanceMetadata, EcsContainer), or with web_identity_token_file; external_id,
 *    role_session_name, duration_seconds; source_profile chains, and a profile naming itself as
 *    source_profile to use its own static keys.
 *  - Values in the credentials file win over the config file for the same profile (botocore merges
 *    the credentials file over the config file).
 */
#include "auth_awsconfig.h"
#include "auth_awsconfig_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- environment -------------------------------------------------------------------------- */

static const char *env_get(const char *const *envp, const char *name) {
  if (envp == NULL) {
    return NULL;
  }
  size_t n = strlen(name);
  for (size_t i = 0; envp[i] != NULL; i++) {
    if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=') {
      return envp[i] + n + 1; /* the first definition wins, as getenv */
    }
  }
  return NULL;
}

const char *auth_awscfg__env(const char *const *envp, const char *name) {
  const char *v = env_get(envp, name);
  return v != NULL && v[0] != '\0' ? v : NULL;
}

/* *out = path with a leading "~/" replaced by HOME; NULL (and OK) when HOME is needed but unset. */
static auth_awscfg_rc expand_home(const char *const *envp, const char *path, char **out) {
  *out = NULL;
  if (path[0] != '~' || (path[1] != '/' && path[1] != '\0')) {
    *out = auth_awscfg__strndup(path, strlen(path));
    return *out ? AUTH_AWSCFG_OK : AUTH_AWSCFG_ENOMEM;
  }
  const char *home = auth_awscfg__env(envp, "HOME");
  if (home == NULL) {
    return AUTH_AWSCFG_OK;
  }
  size_t hl = strlen(home), pl = strlen(path + 1);
  char *p = malloc(hl + pl + 1);
  if (p == NULL) {
    return AUTH_AWSCFG_ENOMEM;
  }
  memcpy(p, home, hl);
  memcpy(p + hl, path + 1, pl + 1);
  *out = p;
  return AUTH_AWSCFG_OK;
}

void auth_awscfg_env_free(auth_awscfg_env *e) {
  if (e == NULL) {
    return;
  }
  free(e->config_path);
  free(e->credentials_path);
  free(e->profile);
  memset(e, 0, sizeof(*e));
}

auth_awscfg_rc auth_awscfg_env_read(const char *const *envp, auth_awscfg_env *out,
                                    auth_awscfg_err *err) {
  memset(out, 0, sizeof(*out));
  const char *cfg = auth_awscfg__env(envp, "AWS_CONFIG_FILE");
  const char *cred = auth_awscfg__env(envp, "AWS_SHARED_CREDENTIALS_FILE");
  const char *profile = auth_awscfg__env(envp, "AWS_PROFILE");
  out->profile_explicit = profile != NULL;
  out->profile =
      profile ? auth_awscfg__strndup(profile, strlen(profile)) : auth_awscfg__strndup("default", 7);
  auth_awscfg_rc rc = out->profile ? AUTH_AWSCFG_OK : AUTH_AWSCFG_ENOMEM;
  if (rc == AUTH_AWSCFG_OK) {
    rc = expand_home(envp, cfg ? cfg : "~/.aws/config", &out->config_path);
  }
  if (rc == AUTH_AWSCFG_OK) {
    rc = expand_home(envp, cred ? cred : "~/.aws/credentials", &out->credentials_path);
  }
  if (rc != AUTH_AWSCFG_OK) {
    auth_awscfg__errf(err, "environment: out of memory");
    auth_awscfg_env_free(out);
  }
  return rc;
}

/* ---- profile resolution ------------------------------------------------------------------- */

typedef struct resolver {
  const auth_awscfg_file *config; /* borrowed; may be NULL */
  const auth_awscfg_file *creds;  /* borrowed; may be NULL */
  auth_awscfg_err *err;           /* borrowed; may be NULL */
  /* Profiles on the current source_profile path, for cycle detection; borrowed names. */
  const char *visited[AUTH_AWSCFG_MAX_ROLE_CHAIN + 1];
  size_t n_visited;
} resolver;

static bool profile_exists(const resolver *r, const char *name) {
  return auth_awscfg_find_profile(r->creds, name) != NULL ||
         auth_awscfg_find_profile(r->config, name) != NULL;
}

/* The credentials file first, then the config file; an empty value counts as unset. */
static const char *lookup(const resolver *r, const char *profile, const char *key) {
  const char *v = auth_awscfg_get(auth_awscfg_find_profile(r->creds, profile), key);
  if (v == NULL || v[0] == '\0') {
    v = auth_awscfg_get(auth_awscfg_find_profile(r->config, profile), key);
  }
  return v != NULL && v[0] != '\0' ? v : NULL;
}

static auth_awscfg_rc dup_opt(const char *s, char **out) {
  *out = NULL;
  if (s == NULL) {
    return AUTH_AWSCFG_OK;
  }
  *out = auth_awscfg__strndup(s, strlen(s));
  return *out ? AUTH_AWSCFG_OK : AUTH_AWSCFG_ENOMEM;
}

static void role_free(auth_awscfg_role *role) {
  free(role->profile);
  free(role->role_arn);
  free(role->external_id);
  free(role->role_session_name);
  memset(role, 0, sizeof(*role));
}

void auth_awscfg_plan_free(auth_awscfg_plan *p) {
  if (p == NULL) {
    return;
  }
  free(p->profile);
  free(p->region);
  auth_awscfg_creds_free(&p->base.static_creds);
  auth_awscfg__secret_free(p->base.process_command); /* may embed a secret on its command line */
  free(p->base.web_identity_token_file);
  role_free(&p->base.web_identity_role);
  for (size_t i = 0; i < p->n_roles; i++) {
    role_free(&p->roles[i]);
  }
  memset(p, 0, sizeof(*p));
}

/* AssumeRole's RoleSessionName: 2..64 of [A-Za-z0-9_+=,.@-]. */
static bool valid_session_name(const char *s) {
  size_t n = strlen(s);
  if (n < 2 || n > 64) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("_+=,.@-", c) != NULL;
    if (!ok) {
      return false;
    }
  }
  return true;
}

/* AssumeRole's DurationSeconds: 900..43200. */
static bool parse_duration(const char *s, uint32_t *out) {
  uint32_t v = 0;
  if (s[0] == '\0') {
    return false;
  }
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9' || v > 43200) {
      return false;
    }
    v = v * 10 + (uint32_t)(*p - '0');
  }
  if (v < 900 || v > 43200) {
    return false;
  }
  *out = v;
  return true;
}

static auth_awscfg_rc role_from_profile(resolver *r, const char *name, const char *role_arn,
                                        auth_awscfg_role *role) {
  memset(role, 0, sizeof(*role));
  const char *session = lookup(r, name, "role_session_name");
  if (session != NULL && !valid_session_name(session)) {
    auth_awscfg__errf(r->err,
                      "profile '%s': role_session_name must be 2 to 64 characters of "
                      "[A-Za-z0-9_+=,.@-]",
                      name);
    return AUTH_AWSCFG_EINVAL;
  }
  const char *duration = lookup(r, name, "duration_seconds");
  if (duration != NULL && !parse_duration(duration, &role->duration_seconds)) {
    auth_awscfg__errf(r->err, "profile '%s': duration_seconds must be an integer from 900 to 43200",
                      name);
    return AUTH_AWSCFG_EINVAL;
  }
  auth_awscfg_rc rc = dup_opt(name, &role->profile);
  if (rc == AUTH_AWSCFG_OK) {
    rc = dup_opt(role_arn, &role->role_arn);
  }
  if (rc == AUTH_AWSCFG_OK) {
    rc = dup_opt(lookup(r, name, "external_id"), &role->external_id);
  }
  if (rc == AUTH_AWSCFG_OK) {
    rc = dup_opt(session, &role->role_session_name);
  }
  if (rc != AUTH_AWSCFG_OK) {
    auth_awscfg__errf(r->err, "profile '%s': out of memory", name);
    role_free(role);
  }
  return rc;
}

/* Static keys of a profile into plan->base; *found says whether the profile has any. */
static auth_awscfg_rc static_from_profile(resolver *r, const char *name, auth_awscfg_plan *plan,
                                          bool *found) {
  const char *akid = lookup(r, name, "aws_access_key_id");
  const char *secret = lookup(r, name, "aws_secret_access_key");
  *found = akid != NULL || secret != NULL;
  if (!*found) {
    return AUTH_AWSCFG_OK;
  }
  if (akid == NULL || secret == NULL) {
    auth_awscfg__errf(r->err, "profile '%s': %s is set without %s", name,
                      akid ? "aws_access_key_id" : "aws_secret_access_key",
                      akid ? "aws_secret_access_key" : "aws_access_key_id");
    return AUTH_AWSCFG_EINVAL;
  }
  auth_awscfg_creds *c = &plan->base.static_creds;
  plan->base.kind = AUTH_AWSCFG_BASE_STATIC;
  auth_awscfg_rc rc = dup_opt(akid, &c->access_key_id);
  if (rc == AUTH_AWSCFG_OK) {
    rc = dup_opt(secret, &c->secret_access_key);
  }
  if (rc == AUTH_AWSCFG_OK) {
    rc = dup_opt(lookup(r, name, "aws_session_token"), &c->session_token);
  }
  if (rc != AUTH_AWSCFG_OK) {
    auth_awscfg__errf(r->err, "profile '%s': out of memory", name);
  }
  return rc;
}

static void cycle_error(resolver *r, const char *again) {
  if (r->err == NULL) {
    return;
  }
  int n = snprintf(r->err->msg, sizeof(r->err->msg), "source_profile cycle: ");
  for (size_t i = 0; i < r->n_visited && n >= 0 && (size_t)n < sizeof(r->err->msg); i++) {
    n += snprintf(r->err->msg + n, sizeof(r->err->msg) - (size_t)n, "%s -> ", r->visited[i]);
  }
  if (n >= 0 && (size_t)n < sizeof(r->err->msg)) {
    snprintf(r->err->msg + n, sizeof(r->err->msg) - (size_t)n, "%s", again);
  }
}

static auth_awscfg_rc resolve_profile(resolver *r, const char *name, auth_awscfg_plan *plan);

/* The profile has role_arn and no web identity: find the source, then append the role. */
static auth_awscfg_rc resolve_assume_role(resolver *r, const char *name, const char *role_arn,
                                          auth_awscfg_plan *plan) {
  const char *source = lookup(r, name, "source_profile");
  const char *csrc = lookup(r, name, "credential_source");
  if (source != NULL && csrc != NULL) {
    auth_awscfg__errf(
        r->err, "profile '%s': source_profile and credential_source are mutually exclusive", name);
    return AUTH_AWSCFG_EINVAL;
  }
  if (source == NULL && csrc == NULL) {
    auth_awscfg__errf(r->err,
                      "profile '%s': role_arn needs source_profile, credential_source or "
                      "web_identity_token_file",
                      name);
    return AUTH_AWSCFG_EINVAL;
  }
  if (lookup(r, name, "mfa_serial") != NULL) {
    auth_awscfg__errf(r->err, "profile '%s': mfa_serial needs an interactive MFA code", name);
    return AUTH_AWSCFG_EUNSUPPORTED;
  }
  auth_awscfg_role role;
  auth_awscfg_rc rc = role_from_profile(r, name, role_arn, &role);
  if (rc != AUTH_AWSCFG_OK) {
    return rc;
  }
  if (csrc != NULL) {
    if (strcmp(csrc, "Environment") == 0) {
      plan->base.kind = AUTH_AWSCFG_BASE_ENVIRONMENT;
    } else if (strcmp(csrc, "Ec2InstanceMetadata") == 0) {
      plan->base.kind = AUTH_AWSCFG_BASE_IMDS;
    } else if (strcmp(csrc, "EcsContainer") == 0) {
      plan->base.kind = AUTH_AWSCFG_BASE_ECS;
    } else {
      auth_awscfg__errf(r->err,
                        "profile '%s': credential_source must be Environment, "
                        "Ec2InstanceMetadata or EcsContainer",
                        name);
      rc = AUTH_AWSCFG_EINVAL;
    }
  } else if (strcmp(source, name) == 0) {
    /* A profile may name itself to assume its role with its own static keys. */
    bool found = false;
    rc = static_from_profile(r, name, plan, &found);
    if (rc == AUTH_AWSCFG_OK && !found) {
      cycle_error(r, name);
      rc = AUTH_AWSCFG_EINVAL;
    }
  } else if (!profile_exists(r, source)) {
    auth_awscfg__errf(r->err, "profile '%s': source_profile '%s' not found", name, source);
    rc = AUTH_AWSCFG_ENOTFOUND;
  } else {
    rc = resolve_profile(r, source, plan);
    if (rc == AUTH_AWSCFG_OK && plan->base.kind == AUTH_AWSCFG_BASE_NONE) {
      auth_awscfg__errf(r->err, "profile '%s': source_profile '%s' has no credentials", name,
                        source);
      rc = AUTH_AWSCFG_EINVAL;
    }
  }
  if (rc == AUTH_AWSCFG_OK && plan->n_roles == AUTH_AWSCFG_MAX_ROLE_CHAIN) {
    auth_awscfg__errf(r->err, "profile '%s': more than %d roles to assume", name,
                      AUTH_AWSCFG_MAX_ROLE_CHAIN);
    rc = AUTH_AWSCFG_EINVAL;
  }
  if (rc != AUTH_AWSCFG_OK) {
    role_free(&role);
    return rc;
  }
  plan->roles[plan->n_roles++] = role; /* transferred */
  return AUTH_AWSCFG_OK;
}

static auth_awscfg_rc resolve_web_identity(resolver *r, const char *name, const char *role_arn,
                                           const char *token_file, auth_awscfg_plan *plan) {
  auth_awscfg_rc rc = role_from_profile(r, name, role_arn, &plan->base.web_identity_role);
  if (rc != AUTH_AWSCFG_OK) {
    return rc;
  }
  plan->base.kind = AUTH_AWSCFG_BASE_WEB_IDENTITY;
  rc = dup_opt(token_file, &plan->base.web_identity_token_file);
  if (rc != AUTH_AWSCFG_OK) {
    auth_awscfg__errf(r->err, "profile '%s': out of memory", name);
  }
  return rc;
}

/* Fills plan->base and appends to plan->roles for profile name (which exists). */
static auth_awscfg_rc resolve_profile(resolver *r, const char *name, auth_awscfg_plan *plan) {
  for (size_t i = 0; i < r->n_visited; i++) {
    if (strcmp(r->visited[i], name) == 0) {
      cycle_error(r, name);
      return AUTH_AWSCFG_EINVAL;
    }
  }
  if (r->n_visited == AUTH_AWSCFG_MAX_ROLE_CHAIN + 1) {
    auth_awscfg__errf(r->err, "profile '%s': source_profile chain deeper than %d", r->visited[0],
                      AUTH_AWSCFG_MAX_ROLE_CHAIN);
    return AUTH_AWSCFG_EINVAL;
  }
  r->visited[r->n_visited++] = name;

  const char *role_arn = lookup(r, name, "role_arn");
  if (role_arn != NULL) {
    const char *token_file = lookup(r, name, "web_identity_token_file");
    bool has_source = lookup(r, name, "source_profile") || lookup(r, name, "credential_source");
    if (token_file != NULL && !has_source) {
      return resolve_web_identity(r, name, role_arn, token_file, plan);
    }
    return resolve_assume_role(r, name, role_arn, plan);
  }
  bool found = false;
  auth_awscfg_rc rc = static_from_profile(r, name, plan, &found);
  if (rc != AUTH_AWSCFG_OK || found) {
    return rc;
  }
  const char *process = lookup(r, name, "credential_process");
  if (process != NULL) {
    plan->base.kind = AUTH_AWSCFG_BASE_PROCESS;
    rc = dup_opt(process, &plan->base.process_command);
    if (rc != AUTH_AWSCFG_OK) {
      auth_awscfg__errf(r->err, "profile '%s': out of memory", name);
    }
    return rc;
  }
  if (lookup(r, name, "sso_session") != NULL || lookup(r, name, "sso_start_url") != NULL) {
    auth_awscfg__errf(r->err, "profile '%s': IAM Identity Center (SSO) profiles are not supported",
                      name);
    return AUTH_AWSCFG_EUNSUPPORTED;
  }
  return AUTH_AWSCFG_OK; /* base stays NONE */
}

static auth_awscfg_plan_kind plan_kind(const auth_awscfg_plan *p) {
  if (p->n_roles > 0) {
    return AUTH_AWSCFG_PLAN_ASSUME_ROLE;
  }
  switch (p->base.kind) {
  case AUTH_AWSCFG_BASE_STATIC:
    return AUTH_AWSCFG_PLAN_STATIC;
  case AUTH_AWSCFG_BASE_WEB_IDENTITY:
    return AUTH_AWSCFG_PLAN_WEB_IDENTITY;
  case AUTH_AWSCFG_BASE_PROCESS:
    return AUTH_AWSCFG_PLAN_PROCESS;
  default:
    return AUTH_AWSCFG_PLAN_NONE;
  }
}

auth_awscfg_rc auth_awscfg_resolve(const auth_awscfg_file *config,
                                   const auth_awscfg_file *credentials, const char *profile,
                                   bool profile_explicit, auth_awscfg_plan *out,
                                   auth_awscfg_err *err) {
  memset(out, 0, sizeof(*out));
  if (profile == NULL || profile[0] == '\0') {
    auth_awscfg__errf(err, "no profile name");
    return AUTH_AWSCFG_EINVAL;
  }
  resolver r = {.config = config, .creds = credentials, .err = err};
  auth_awscfg_rc rc = dup_opt(profile, &out->profile);
  if (rc != AUTH_AWSCFG_OK) {
    auth_awscfg__errf(err, "profile '%s': out of memory", profile);
    return rc;
  }
  if (!profile_exists(&r, profile)) {
    if (!profile_explicit) {
      return AUTH_AWSCFG_OK; /* no default profile: the chain moves on */
    }
    auth_awscfg__errf(err, "profile '%s' (AWS_PROFILE) not found in the shared files", profile);
    auth_awscfg_plan_free(out);
    return AUTH_AWSCFG_ENOTFOUND;
  }
  rc = dup_opt(lookup(&r, profile, "region"), &out->region);
  if (rc != AUTH_AWSCFG_OK) {
    auth_awscfg__errf(err, "profile '%s': out of memory", profile);
  } else {
    rc = resolve_profile(&r, profile, out);
  }
  if (rc != AUTH_AWSCFG_OK) {
    auth_awscfg_plan_free(out);
    return rc;
  }
  out->kind = plan_kind(out);
  return AUTH_AWSCFG_OK;
}
