/* auth_sts.c — STS Query-protocol request bodies and the SigV4 headers of a signed call. */
#include "auth_sts.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *auth_sts_strerror(auth_sts_rc rc) {
  switch (rc) {
  case AUTH_STS_OK:
    return "success";
  case AUTH_STS_ENOMEM:
    return "out of memory";
  case AUTH_STS_ETOOBIG:
    return "STS answer too large";
  case AUTH_STS_ESYNTAX:
    return "STS answer is not well-formed XML";
  case AUTH_STS_EINVAL:
    return "unexpected STS answer or request";
  case AUTH_STS_ECRYPTO:
    return "signing failed";
  }
  return "unknown error";
}

const char *auth_sts_action_name(auth_sts_action a) {
  switch (a) {
  case AUTH_STS_GET_CALLER_IDENTITY:
    return "GetCallerIdentity";
  case AUTH_STS_ASSUME_ROLE:
    return "AssumeRole";
  case AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY:
    return "AssumeRoleWithWebIdentity";
  }
  return "?";
}

void auth_sts_body_free(auth_sts_body *b) {
  if (b->data != NULL) {
    OPENSSL_cleanse(b->data, b->len);
    free(b->data);
  }
  b->data = NULL;
  b->len = 0;
}

/* A growable string that wipes what it leaves behind when it moves (it may hold a token). */
typedef struct sbuf {
  char *data;
  size_t len, cap;
  bool failed;
} sbuf;

static void sb_reserve(sbuf *b, size_t more) {
  if (b->failed || b->len + more + 1 <= b->cap) {
    return;
  }
  size_t cap = b->cap > 0 ? b->cap : 256;
  while (cap < b->len + more + 1) {
    cap *= 2;
  }
  char *d = malloc(cap);
  if (d == NULL) {
    b->failed = true;
    return;
  }
  if (b->data != NULL) {
    memcpy(d, b->data, b->len);
    OPENSSL_cleanse(b->data, b->cap);
    free(b->data);
  }
  b->data = d;
  b->cap = cap;
}

static void sb_puts(sbuf *b, const char *s) {
  size_t n = strlen(s);
  sb_reserve(b, n);
  if (!b->failed) {
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
  }
}

static bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

/* "&name=percent-encoded value" */
static void sb_param(sbuf *b, const char *name, const char *value) {
  static const char hex[] = "0123456789ABCDEF";
  sb_puts(b, "&");
  sb_puts(b, name);
  sb_puts(b, "=");
  for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
    sb_reserve(b, 3);
    if (b->failed) {
      return;
    }
    if (unreserved(*p)) {
      b->data[b->len++] = (char)*p;
    } else {
      b->data[b->len++] = '%';
      b->data[b->len++] = hex[*p >> 4];
      b->data[b->len++] = hex[*p & 15];
    }
    b->data[b->len] = '\0';
  }
}

static bool nonempty(const char *s) {
  return s != NULL && s[0] != '\0';
}

auth_sts_rc auth_sts_body_build(auth_sts_action action, const auth_sts_role_input *role,
                                auth_sts_body *out) {
  out->data = NULL;
  out->len = 0;
  if (action != AUTH_STS_GET_CALLER_IDENTITY &&
      (role == NULL || !nonempty(role->role_arn) || !nonempty(role->role_session_name) ||
       (action == AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY && !nonempty(role->web_identity_token)))) {
    return AUTH_STS_EINVAL;
  }
  sbuf b = {0};
  sb_puts(&b, "Action=");
  sb_puts(&b, auth_sts_action_name(action));
  sb_param(&b, "Version", AUTH_STS_VERSION);
  if (action != AUTH_STS_GET_CALLER_IDENTITY) {
    sb_param(&b, "RoleArn", role->role_arn);
    sb_param(&b, "RoleSessionName", role->role_session_name);
    if (role->duration_seconds > 0) {
      char d[16];
      snprintf(d, sizeof d, "%u", (unsigned)role->duration_seconds);
      sb_param(&b, "DurationSeconds", d);
    }
    if (action == AUTH_STS_ASSUME_ROLE && nonempty(role->external_id)) {
      sb_param(&b, "ExternalId", role->external_id);
    }
    if (action == AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY) {
      sb_param(&b, "WebIdentityToken", role->web_identity_token);
    }
  }
  if (b.failed) {
    if (b.data != NULL) {
      OPENSSL_cleanse(b.data, b.cap);
      free(b.data);
    }
    return AUTH_STS_ENOMEM;
  }
  out->data = b.data;
  out->len = b.len;
  return AUTH_STS_OK;
}

static auth_sigv4_header hdr(const char *name, const char *value) {
  auth_sigv4_header h = {name, strlen(name), value, strlen(value)};
  return h;
}

auth_sts_rc auth_sts_sign(const auth_sts_sign_input *in, auth_sigv4_buf *out) {
  if (!nonempty(in->host) || !nonempty(in->region) || !nonempty(in->access_key_id) ||
      !nonempty(in->secret_access_key) || in->amz_date == NULL ||
      strlen(in->amz_date) != AUTH_SIGV4_AMZ_DATE_LEN) {
    return AUTH_STS_EINVAL;
  }
  bool temp = nonempty(in->session_token);
  auth_sigv4_header headers[4];
  size_t nh = 0;
  headers[nh++] = hdr("host", in->host);
  headers[nh++] = hdr("content-type", AUTH_STS_CONTENT_TYPE);
  headers[nh++] = hdr("x-amz-date", in->amz_date);
  if (temp) {
    headers[nh++] = hdr("x-amz-security-token", in->session_token);
  }
  auth_sigv4_request req = {
      .method = "POST",
      .path = "/",
      .path_len = 1,
      .headers = headers,
      .n_headers = nh,
      .payload = (const uint8_t *)in->body,
      .payload_len = in->body_len,
  };
  auth_sigv4_params params = {
      .access_key_id = in->access_key_id,
      .secret_access_key = in->secret_access_key,
      .session_token = temp ? in->session_token : NULL,
      .region = in->region,
      .service = "sts",
      .amz_date = in->amz_date,
      .normalize_path = true,
  };
  switch (auth_sigv4_authorization(&req, &params, out)) {
  case AUTH_SIGV4_OK:
    return AUTH_STS_OK;
  case AUTH_SIGV4_ENOMEM:
    return AUTH_STS_ENOMEM;
  case AUTH_SIGV4_EINVAL:
    return AUTH_STS_EINVAL;
  default:
    return AUTH_STS_ECRYPTO;
  }
}

bool auth_sts_error_is_bad_credentials(const char *code) {
  static const char *const bad[] = {"InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
                                    "UnrecognizedClient", "InvalidAccessKeyId"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    if (strcmp(code, bad[i]) == 0) {
      return true;
    }
  }
  return false;
}
