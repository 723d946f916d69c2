/*
 * auth_awsconfig.c — status strings and the small helpers shared by the shared-file parser, the
 * profile resolver and the JSON credential parser.
 */
#include "auth_awsconfig.h"
#include "auth_awsconfig_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

const char *auth_awscfg_strerror(auth_awscfg_rc rc) {
  switch (rc) {
  case AUTH_AWSCFG_OK:
    return "success";
  case AUTH_AWSCFG_ENOMEM:
    return "out of memory";
  case AUTH_AWSCFG_ETOOBIG:
    return "input too large";
  case AUTH_AWSCFG_ESYNTAX:
    return "syntax error";
  case AUTH_AWSCFG_EINVAL:
    return "invalid configuration";
  case AUTH_AWSCFG_ENOTFOUND:
    return "profile not found";
  case AUTH_AWSCFG_EUNSUPPORTED:
    return "unsupported configuration";
  }
  return "unknown error";
}

void auth_awscfg__errf(auth_awscfg_err *err, const char *fmt, ...) {
  if (err == NULL) {
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
  va_end(ap);
}

char *auth_awscfg__strndup(const char *s, size_t n) {
  char *p = malloc(n + 1);
  if (p == NULL) {
    return NULL;
  }
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void auth_awscfg__secret_free(char *s) {
  if (s == NULL) {
    return;
  }
  OPENSSL_cleanse(s, strlen(s));
  free(s);
}

void auth_awscfg_creds_free(auth_awscfg_creds *c) {
  if (c == NULL) {
    return;
  }
  auth_awscfg__secret_free(c->access_key_id);
  auth_awscfg__secret_free(c->secret_access_key);
  auth_awscfg__secret_free(c->session_token);
  memset(c, 0, sizeof(*c));
}
