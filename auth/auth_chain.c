/* auth_chain.c — the environment side of the credential chain (see auth_chain.h). */
#include "auth_chain.h"
#include "auth_awsconfig_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool set(const char *s) {
  return s != NULL && s[0] != '\0';
}

static bool dup(char **out, const char *s) {
  *out = NULL;
  if (s == NULL) {
    return true;
  }
  *out = strdup(s);
  return *out != NULL;
}

static bool creds(auth_awscfg_creds *c, const char *akid, const char *secret, const char *token) {
  return dup(&c->access_key_id, akid) && dup(&c->secret_access_key, secret) &&
         dup(&c->session_token, set(token) ? token : NULL);
}

/* http to these hosts is allowed for a full container URI (as in the AWS SDKs). */
static bool container_http_host_ok(const char *url) {
  const char *h = url + strlen("http://");
  size_t n = strcspn(h, ":/");
  if (h[0] == '[') {
    n = strcspn(h, "]") + 1;
  }
  static const char *const ok[] = {"localhost", "[::1]", "169.254.170.2", "169.254.170.23",
                                   "[fd00:ec2::23]"};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    if (strlen(ok[i]) == n && strncasecmp(h, ok[i], n) == 0) {
      return true;
    }
  }
  return n > 4 && strncmp(h, "127.", 4) == 0; /* 127.0.0.0/8 */
}

auth_awscfg_rc auth_chain_env_read(const auth_chain_settings *s, const char *const *envp,
                                   auth_chain_env *out, auth_awscfg_err *err) {
  memset(out, 0, sizeof *out);
  bool ok = true;
  /* 1. settings */
  if (set(s->access_key_id) != set(s->secret_access_key)) {
    auth_awscfg__errf(err, "[aws] access_key_id and secret_access_key must be set together");
    return AUTH_AWSCFG_EINVAL;
  }
  if (set(s->access_key_id)) {
    out->has_static = true;
    ok = ok && creds(&out->static_creds, s->access_key_id, s->secret_access_key, s->session_token);
  }
  /* 2. environment */
  const char *akid = auth_awscfg__env(envp, "AWS_ACCESS_KEY_ID");
  const char *secret = auth_awscfg__env(envp, "AWS_SECRET_ACCESS_KEY");
  if (akid != NULL && secret != NULL) {
    out->has_env = true;
    ok = ok && creds(&out->env_creds, akid, secret, auth_awscfg__env(envp, "AWS_SESSION_TOKEN"));
  }
  /* 3. web identity: the settings as a pair, else the environment's pair. */
  const char *file = s->web_identity_token_file, *role = s->role_arn;
  const char *session = NULL;
  if (!set(file)) {
    file = auth_awscfg__env(envp, "AWS_WEB_IDENTITY_TOKEN_FILE");
    role = auth_awscfg__env(envp, "AWS_ROLE_ARN");
    session = auth_awscfg__env(envp, "AWS_ROLE_SESSION_NAME");
    if (file != NULL && role == NULL) {
      auth_chain_env_free(out);
      auth_awscfg__errf(err, "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
      return AUTH_AWSCFG_EINVAL;
    }
  } else if (!set(role)) {
    auth_chain_env_free(out);
    auth_awscfg__errf(err, "[aws] web_identity_token_file needs [aws] role_arn");
    return AUTH_AWSCFG_EINVAL;
  }
  if (!set(s->web_identity_token_file) && set(s->role_arn)) {
    ok = ok && dup(&out->assume_role_arn, s->role_arn);
  }
  if (set(file)) {
    out->has_web_identity = true;
    ok = ok && dup(&out->web_identity_token_file, file) && dup(&out->role_arn, role) &&
         dup(&out->role_session_name, session);
  }
  /* 5. container */
  const char *rel = auth_awscfg__env(envp, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const char *full = auth_awscfg__env(envp, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (rel != NULL) {
    const char *host = auth_awscfg__env(envp, "REDWIRE_CONTAINER_CREDENTIALS_HOST");
    size_t n = strlen(rel) + 64 + (host != NULL ? strlen(host) : 0);
    out->container_url = malloc(n);
    ok = ok && out->container_url != NULL;
    if (out->container_url != NULL) {
      snprintf(out->container_url, n, "http://%s%s%s", host != NULL ? host : "169.254.170.2",
               rel[0] == '/' ? "" : "/", rel);
    }
    out->has_container = true;
  } else if (full != NULL) {
    bool https = strncasecmp(full, "https://", 8) == 0;
    bool http = strncasecmp(full, "http://", 7) == 0;
    if (!https && !(http && container_http_host_ok(full))) {
      auth_chain_env_free(out);
      auth_awscfg__errf(err,
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback "
                        "or ECS/EKS link-local address");
      return AUTH_AWSCFG_EINVAL;
    }
    out->has_container = true;
    ok = ok && dup(&out->container_url, full);
  }
  if (out->has_container) {
    ok = ok &&
         dup(&out->container_token_file,
             auth_awscfg__env(envp, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) &&
         dup(&out->container_token, auth_awscfg__env(envp, "AWS_CONTAINER_AUTHORIZATION_TOKEN"));
  }
  /* 6. IMDS */
  const char *disabled = auth_awscfg__env(envp, "AWS_EC2_METADATA_DISABLED");
  out->imds_enabled = !(disabled != NULL && strcasecmp(disabled, "true") == 0);
  const char *ep = auth_awscfg__env(envp, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  ok = ok && dup(&out->imds_endpoint, ep != NULL ? ep : "http://169.254.169.254");
  if (ok && out->imds_endpoint != NULL) {
    size_t n = strlen(out->imds_endpoint);
    while (n > 0 && out->imds_endpoint[n - 1] == '/') {
      out->imds_endpoint[--n] = '\0';
    }
  }
  if (!ok) {
    auth_chain_env_free(out);
    return AUTH_AWSCFG_ENOMEM;
  }
  return AUTH_AWSCFG_OK;
}

void auth_chain_env_free(auth_chain_env *e) {
  auth_awscfg_creds_free(&e->static_creds);
  auth_awscfg_creds_free(&e->env_creds);
  free(e->web_identity_token_file);
  free(e->role_arn);
  free(e->role_session_name);
  free(e->container_url);
  auth_awscfg__secret_free(e->container_token);
  free(e->container_token_file);
  free(e->imds_endpoint);
  free(e->assume_role_arn);
  memset(e, 0, sizeof *e);
}

int64_t auth_chain_refresh_delay(int64_t remaining) {
  int64_t d = remaining > 1500 ? remaining - 300 : remaining * 4 / 5;
  return d >= 1 ? d : 1;
}

int64_t auth_chain_retry_delay(unsigned failures, int64_t remaining) {
  int64_t d = 1;
  for (unsigned i = 1; i < failures && d < 60; i++) {
    d *= 2;
  }
  if (d > 60) {
    d = 60;
  }
  if (remaining > 0 && d > remaining) {
    d = remaining;
  }
  return d >= 1 ? d : 1;
}
