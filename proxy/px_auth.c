/* px_auth.c — credentials of a connection and the checks of the login phase. */
#include "px_auth.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

static void wipe_free(char *s) {
  if (s != NULL) {
    OPENSSL_cleanse(s, strlen(s));
    free(s);
  }
}

void px_creds_free(px_creds *c) {
  free(c->access_key_id);
  wipe_free(c->secret_access_key);
  wipe_free(c->session_token);
  memset(c, 0, sizeof(*c));
}

static px_status creds_set(px_creds *out, const char *akid, size_t akid_len, const char *secret,
                           size_t secret_len, const char *token, size_t token_len) {
  px_creds c = {0};
  c.access_key_id = strndup(akid, akid_len);
  c.secret_access_key = strndup(secret, secret_len);
  if (token != NULL) {
    c.session_token = strndup(token, token_len);
  }
  if (c.access_key_id == NULL || c.secret_access_key == NULL ||
      (token != NULL && c.session_token == NULL)) {
    px_creds_free(&c);
    return PX_NOMEM;
  }
  *out = c;
  return PX_OK;
}

px_status px_creds_from_password(const char *user, const char *password, size_t password_len,
                                 px_creds *out, pgw_error *err) {
  const char *colon = memchr(password, ':', password_len);
  size_t secret_len = colon != NULL ? (size_t)(colon - password) : password_len;
  const char *token = colon != NULL ? colon + 1 : NULL;
  size_t token_len = colon != NULL ? password_len - secret_len - 1 : 0;
  if (secret_len == 0 || (token != NULL && token_len == 0) || user[0] == '\0') {
    pgw_error_set(err, "FATAL", "28P01", "password authentication failed for user \"%s\"", user);
    pgw_error_detail(err, "The password must be the AWS secret access key, optionally followed "
                          "by \":\" and a session token; none of its parts may be empty.");
    return PX_AUTH;
  }
  if (memchr(password, '\0', password_len) != NULL) {
    pgw_error_set(err, "FATAL", "28P01", "password authentication failed for user \"%s\"", user);
    return PX_AUTH;
  }
  return creds_set(out, user, strlen(user), password, secret_len, token, token_len);
}

static const char *env_get(const char *const *envp, const char *name) {
  size_t n = strlen(name);
  for (; envp != NULL && *envp != NULL; envp++) {
    if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=') {
      return *envp + n + 1;
    }
  }
  return NULL;
}

px_status px_creds_from_settings(const conf_settings *s, const char *const *envp, px_creds *out) {
  const char *akid = s->aws.access_key_id, *secret = s->aws.secret_access_key;
  const char *token = s->aws.session_token;
  if (akid[0] == '\0' || secret[0] == '\0') {
    akid = env_get(envp, "AWS_ACCESS_KEY_ID");
    secret = env_get(envp, "AWS_SECRET_ACCESS_KEY");
    token = env_get(envp, "AWS_SESSION_TOKEN");
  }
  if (akid == NULL || secret == NULL || akid[0] == '\0' || secret[0] == '\0') {
    return PX_AUTH;
  }
  if (token != NULL && token[0] == '\0') {
    token = NULL;
  }
  return creds_set(out, akid, strlen(akid), secret, strlen(secret), token,
                   token != NULL ? strlen(token) : 0);
}

px_status px_creds_copy(const px_creds *in, px_creds *out) {
  memset(out, 0, sizeof(*out));
  const char *t = in->session_token;
  return creds_set(out, in->access_key_id, strlen(in->access_key_id), in->secret_access_key,
                   strlen(in->secret_access_key), t, t != NULL ? strlen(t) : 0);
}

bool px_auth_is_loopback(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    const uint8_t *a = in6->sin6_addr.s6_addr;
    static const uint8_t loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(a, loop6, 16) == 0) {
      return true;
    }
    return memcmp(a, v4mapped, 12) == 0 && a[12] == 127;
  }
  return false;
}

/* PostgreSQL's encoding-name comparison (pg_char_to_encoding → clean_encoding_name): only
 * letters and digits count, case-insensitively. */
static bool encoding_is(const char *value, const char *want) {
  const char *p = value;
  for (; *want != '\0'; want++) {
    while (*p != '\0' &&
           !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) {
      p++;
    }
    char c = *p;
    if (c >= 'A' && c <= 'Z') {
      c = (char)(c - 'A' + 'a');
    }
    if (c != *want) {
      return false;
    }
    p++;
  }
  while (*p != '\0') {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) {
      return false;
    }
    p++;
  }
  return true;
}

bool px_auth_client_encoding_ok(const char *value) {
  return encoding_is(value, "utf8") || encoding_is(value, "unicode") ||
         encoding_is(value, "sqlascii");
}
