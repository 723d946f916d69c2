/* emu_sts.c — STS on the emulator: issued temporary keys, and the three actions redwire calls. */
#include "emu_sts.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "emu_auth.h"
#include "emu_http.h"

#define DEFAULT_DURATION_S 3600u

typedef struct issued {
  emu_key key; /* first member: lookups hand out &issued->key */
  char arn[320];
  int64_t expires_at;
} issued;

struct emu_sts {
  pthread_mutex_t mu;
  issued **items; /* owned; each item owned */
  size_t n, cap;
  uint32_t max_duration_s;
  uint32_t latency_ms; /* added to every STS answer (simulates the network to AWS's STS) */
  uint32_t fail_next;  /* the next this many STS requests are throttled */
  uint64_t calls[3];
  uint64_t issued_total;
};

emu_sts *emu_sts_new(void) {
  emu_sts *s = calloc(1, sizeof *s);
  if (s != NULL) {
    pthread_mutex_init(&s->mu, NULL);
  }
  return s;
}

void emu_sts_free(emu_sts *s) {
  if (s == NULL) {
    return;
  }
  for (size_t i = 0; i < s->n; i++) {
    free(s->items[i]->key.access_key_id);
    free(s->items[i]->key.secret_access_key);
    free(s->items[i]->key.session_token);
    free(s->items[i]);
  }
  free(s->items);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

static issued *find_locked(emu_sts *s, const char *akid, size_t len) {
  for (size_t i = 0; i < s->n; i++) {
    const char *k = s->items[i]->key.access_key_id;
    if (strlen(k) == len && memcmp(k, akid, len) == 0) {
      return s->items[i];
    }
  }
  return NULL;
}

const emu_key *emu_sts_find(emu_sts *s, const char *akid, size_t len, int64_t *expires_at) {
  pthread_mutex_lock(&s->mu);
  issued *it = find_locked(s, akid, len);
  if (it != NULL) {
    *expires_at = it->expires_at;
  }
  pthread_mutex_unlock(&s->mu);
  return it != NULL ? &it->key : NULL;
}

void emu_sts_identity_arn(emu_sts *s, const emu_key *key, char *out, size_t cap) {
  pthread_mutex_lock(&s->mu);
  issued *it = find_locked(s, key->access_key_id, strlen(key->access_key_id));
  if (it != NULL && &it->key == key) {
    snprintf(out, cap, "%s", it->arn);
  } else if (key->session_token != NULL) {
    /* A configured temporary key: some role's session. */
    snprintf(out, cap, "arn:aws:sts::" EMU_STS_ACCOUNT ":assumed-role/redwire-test/%s",
             key->access_key_id);
  } else {
    snprintf(out, cap, "arn:aws:iam::" EMU_STS_ACCOUNT ":user/%s", key->access_key_id);
  }
  pthread_mutex_unlock(&s->mu);
}

void emu_sts_set_max_duration(emu_sts *s, uint32_t seconds) {
  pthread_mutex_lock(&s->mu);
  s->max_duration_s = seconds;
  pthread_mutex_unlock(&s->mu);
}

void emu_sts_set_latency(emu_sts *s, uint32_t ms) {
  pthread_mutex_lock(&s->mu);
  s->latency_ms = ms;
  pthread_mutex_unlock(&s->mu);
}

uint32_t emu_sts_latency(emu_sts *s) {
  pthread_mutex_lock(&s->mu);
  uint32_t v = s->latency_ms;
  pthread_mutex_unlock(&s->mu);
  return v;
}

void emu_sts_set_fail_next(emu_sts *s, uint32_t n) {
  pthread_mutex_lock(&s->mu);
  s->fail_next = n;
  pthread_mutex_unlock(&s->mu);
}

uint32_t emu_sts_fail_next(emu_sts *s) {
  pthread_mutex_lock(&s->mu);
  uint32_t v = s->fail_next;
  pthread_mutex_unlock(&s->mu);
  return v;
}

/* True (and one fewer to go) when this request is to be throttled. */
static bool take_failure(emu_sts *s) {
  pthread_mutex_lock(&s->mu);
  bool fail = s->fail_next > 0;
  if (fail) {
    s->fail_next--;
  }
  pthread_mutex_unlock(&s->mu);
  return fail;
}

uint32_t emu_sts_max_duration(emu_sts *s) {
  pthread_mutex_lock(&s->mu);
  uint32_t v = s->max_duration_s;
  pthread_mutex_unlock(&s->mu);
  return v;
}

static const char *const action_names[3] = {"GetCallerIdentity", "AssumeRole",
                                            "AssumeRoleWithWebIdentity"};

void emu_sts_stats_json(emu_sts *s, emu_buf *out) {
  pthread_mutex_lock(&s->mu);
  emu_buf_puts(out, "\"sts\":{");
  for (int i = 0; i < 3; i++) {
    emu_buf_printf(out, "\"%s\":%llu,", action_names[i], (unsigned long long)s->calls[i]);
  }
  emu_buf_printf(out, "\"issued\":%llu}", (unsigned long long)s->issued_total);
  pthread_mutex_unlock(&s->mu);
}

void emu_sts_stats_reset(emu_sts *s) {
  pthread_mutex_lock(&s->mu);
  memset(s->calls, 0, sizeof s->calls);
  s->issued_total = 0;
  pthread_mutex_unlock(&s->mu);
}

static void iso8601(int64_t t, char out[32]) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void emu_sts_keys_json(emu_sts *s, emu_buf *out) {
  int64_t now = (int64_t)time(NULL);
  pthread_mutex_lock(&s->mu);
  emu_buf_putc(out, '[');
  for (size_t i = 0; i < s->n; i++) {
    char exp[32];
    iso8601(s->items[i]->expires_at, exp);
    emu_buf_puts(out, i > 0 ? ",{\"AccessKeyId\":" : "{\"AccessKeyId\":");
    emu_json_cstr(out, s->items[i]->key.access_key_id);
    emu_buf_puts(out, ",\"Arn\":");
    emu_json_cstr(out, s->items[i]->arn);
    emu_buf_printf(out, ",\"Expiration\":\"%s\",\"Expired\":%s}", exp,
                   s->items[i]->expires_at <= now ? "true" : "false");
  }
  emu_buf_putc(out, ']');
  pthread_mutex_unlock(&s->mu);
}

/* ---- the Query protocol ---- */

/* Random characters from alphabet; false when the system generator fails. */
static bool random_chars(char *out, size_t n, const char *alphabet) {
  unsigned char raw[256];
  if (n > sizeof raw || RAND_bytes(raw, (int)n) != 1) {
    return false;
  }
  size_t k = strlen(alphabet);
  for (size_t i = 0; i < n; i++) {
    out[i] = alphabet[raw[i] % k];
  }
  out[n] = '\0';
  return true;
}

static const char upper_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Issues a temporary key for arn; NULL when out of memory / too many / no randomness. */
static issued *issue(emu_sts *s, const char *arn, uint32_t duration_s, int64_t now) {
  char akid[21], secret[41], token[161];
  memcpy(akid, "ASIA", 4);
  if (!random_chars(akid + 4, 16, upper_digits) || !random_chars(secret, 40, b64) ||
      !random_chars(token, 160, b64)) {
    return NULL;
  }
  issued *it = calloc(1, sizeof *it);
  if (it == NULL) {
    return NULL;
  }
  it->key.access_key_id = strdup(akid);
  it->key.secret_access_key = strdup(secret);
  it->key.session_token = strdup(token);
  snprintf(it->arn, sizeof it->arn, "%s", arn);
  pthread_mutex_lock(&s->mu);
  uint32_t cap_s = s->max_duration_s;
  if (cap_s > 0 && duration_s > cap_s) {
    duration_s = cap_s;
  }
  it->expires_at = now + duration_s;
  bool ok = it->key.access_key_id != NULL && it->key.secret_access_key != NULL &&
            it->key.session_token != NULL && s->n < EMU_STS_MAX_ISSUED;
  if (ok && s->n == s->cap) {
    size_t cap = s->cap > 0 ? s->cap * 2 : 64;
    issued **items = realloc(s->items, cap * sizeof *items);
    if (items == NULL) {
      ok = false;
    } else {
      s->items = items;
      s->cap = cap;
    }
  }
  if (ok) {
    s->items[s->n++] = it;
    s->issued_total++;
  }
  pthread_mutex_unlock(&s->mu);
  if (!ok) {
    free(it->key.access_key_id);
    free(it->key.secret_access_key);
    free(it->key.session_token);
    free(it);
    return NULL;
  }
  return it;
}

/* One form parameter, percent-decoded into out (cap bytes incl. NUL). NULL when absent,
 * malformed or too long. */
static const char *form_get(const uint8_t *body, size_t len, const char *name, char *out,
                            size_t cap) {
  const char *p = (const char *)body, *end = p + len;
  size_t nlen = strlen(name);
  while (p < end) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *pe = amp != NULL ? amp : end;
    const char *eq = memchr(p, '=', (size_t)(pe - p));
    if (eq != NULL && (size_t)(eq - p) == nlen && memcmp(p, name, nlen) == 0) {
      size_t n = 0;
      for (const char *v = eq + 1; v < pe; v++) {
        char c = *v;
        if (c == '+') {
          c = ' ';
        } else if (c == '%') {
          if (pe - v < 3) {
            return NULL;
          }
          char hx[3] = {v[1], v[2], 0};
          char *e;
          long x = strtol(hx, &e, 16);
          if (*e != '\0') {
            return NULL;
          }
          c = (char)x;
          v += 2;
        }
        if (n + 1 >= cap || c == '\0') {
          return NULL;
        }
        out[n++] = c;
      }
      out[n] = '\0';
      return out;
    }
    p = pe + 1;
  }
  return NULL;
}

static void xml_text(emu_buf *o, const char *s) {
  for (; *s != '\0'; s++) {
    switch (*s) {
    case '&':
      emu_buf_puts(o, "&amp;");
      break;
    case '<':
      emu_buf_puts(o, "&lt;");
      break;
    case '>':
      emu_buf_puts(o, "&gt;");
      break;
    case '"':
      emu_buf_puts(o, "&quot;");
      break;
    default:
      emu_buf_putc(o, *s);
    }
  }
}

static void sts_error(emu_server *srv, emu_response *resp, const emu_request *req, int status,
                      const char *code, const char *message) {
  emu_buf *o = &resp->body;
  emu_buf_reset(o);
  emu_buf_puts(o, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                  "  <Error>\n    <Type>");
  emu_buf_puts(o, status >= 500 ? "Receiver" : "Sender");
  emu_buf_puts(o, "</Type>\n    <Code>");
  emu_buf_puts(o, code);
  emu_buf_puts(o, "</Code>\n    <Message>");
  xml_text(o, message);
  emu_buf_puts(o, "</Message>\n  </Error>\n  <RequestId>");
  emu_buf_puts(o, req->request_id);
  emu_buf_puts(o, "</RequestId>\n</ErrorResponse>\n");
  resp->status = status;
  resp->error_type = code;
  emu_stats_error(srv->stats, code);
}

/* The Data API's JSON error types of a failed SigV4 check, in STS's Query-protocol words. */
static void sts_auth_error(emu_server *srv, emu_response *resp, const emu_request *req,
                           const emu_err *err) {
  const char *t = err->type;
  const char *msg = err->message != NULL ? err->message : "";
  if (strcmp(t, "MissingAuthenticationTokenException") == 0) {
    sts_error(srv, resp, req, 403, "MissingAuthenticationToken",
              "Request is missing Authentication Token");
  } else if (strcmp(t, "IncompleteSignatureException") == 0) {
    sts_error(srv, resp, req, 400, "IncompleteSignature", msg);
  } else if (strcmp(t, "InvalidSignatureException") == 0) {
    sts_error(srv, resp, req, 403, "SignatureDoesNotMatch", msg);
  } else if (strcmp(t, "UnrecognizedClientException") == 0) {
    sts_error(srv, resp, req, 403, "InvalidClientTokenId",
              "The security token included in the request is invalid.");
  } else if (strcmp(t, "ExpiredTokenException") == 0) {
    sts_error(srv, resp, req, 400, "ExpiredToken",
              "The security token included in the request is expired");
  } else {
    sts_error(srv, resp, req, 500, "InternalFailure", msg);
  }
}

static void response_head(emu_buf *o, const char *action) {
  emu_buf_printf(o,
                 "<%sResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                 "  <%sResult>\n",
                 action, action);
}

static void response_tail(emu_buf *o, const char *action, const emu_request *req) {
  emu_buf_printf(o,
                 "  </%sResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n"
                 "  </ResponseMetadata>\n</%sResponse>\n",
                 action, req->request_id, action);
}

/* "arn:aws:iam::123456789012:role/NAME" (paths allowed) → NAME; NULL when not a role ARN. */
static const char *role_name(const char *arn) {
  static const char prefix[] = "arn:aws:iam::";
  if (strncmp(arn, prefix, sizeof prefix - 1) != 0) {
    return NULL;
  }
  const char *p = arn + sizeof prefix - 1;
  for (int i = 0; i < 12; i++, p++) {
    if (*p < '0' || *p > '9') {
      return NULL;
    }
  }
  if (strncmp(p, ":role/", 6) != 0) {
    return NULL;
  }
  const char *name = strrchr(p, '/') + 1;
  return *name != '\0' ? name : NULL;
}

static bool session_name_ok(const char *s) {
  size_t n = strlen(s);
  if (n < 2 || n > 64) {
    return false;
  }
  for (; *s != '\0'; s++) {
    char c = *s;
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          strchr("_=,.@-", c) != NULL)) {
      return false;
    }
  }
  return true;
}

/* Counts a successful call. */
static void count_call(emu_sts *s, int action) {
  pthread_mutex_lock(&s->mu);
  s->calls[action]++;
  pthread_mutex_unlock(&s->mu);
}

/* AssumeRole / AssumeRoleWithWebIdentity: validate, issue, answer. */
static void assume(emu_server *srv, const emu_request *req, emu_response *resp, int action) {
  const char *name = action_names[action];
  char role_arn[2048], session[128], dur[16], token[20000];
  const uint8_t *b = req->body;
  size_t n = req->body_len;
  if (form_get(b, n, "RoleArn", role_arn, sizeof role_arn) == NULL ||
      form_get(b, n, "RoleSessionName", session, sizeof session) == NULL) {
    sts_error(srv, resp, req, 400, "ValidationError",
              "2 validation errors detected: Value null at 'roleArn' or 'roleSessionName' "
              "failed to satisfy constraint: Member must not be null");
    return;
  }
  const char *role = role_name(role_arn);
  if (role == NULL) {
    sts_error(srv, resp, req, 400, "ValidationError", "Invalid ARN: the role ARN is malformed");
    return;
  }
  size_t slen = strlen(session);
  if (slen < 2 || slen > 64) {
    sts_error(srv, resp, req, 400, "ValidationError",
              slen < 2 ? "1 validation error detected: Value at 'roleSessionName' failed to "
                         "satisfy constraint: Member must have length greater than or equal to 2"
                       : "1 validation error detected: Value at 'roleSessionName' failed to "
                         "satisfy constraint: Member must have length less than or equal to 64");
    return;
  }
  if (!session_name_ok(session)) {
    sts_error(srv, resp, req, 400, "ValidationError",
              "1 validation error detected: Value at 'roleSessionName' failed to satisfy "
              "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
    return;
  }
  uint32_t duration = DEFAULT_DURATION_S;
  if (form_get(b, n, "DurationSeconds", dur, sizeof dur) != NULL) {
    char *e;
    long d = strtol(dur, &e, 10);
    if (*e != '\0' || d < 900 || d > 43200) {
      sts_error(srv, resp, req, 400, "ValidationError",
                "1 validation error detected: Value at 'durationSeconds' failed to satisfy "
                "constraint: Member must have value between 900 and 43200");
      return;
    }
    duration = (uint32_t)d;
  }
  if (action == 2) {
    /* A JWT: three base64url parts. The emulator trusts every issuer. */
    const char *t = form_get(b, n, "WebIdentityToken", token, sizeof token);
    const char *d1 = t != NULL ? strchr(t, '.') : NULL;
    const char *d2 = d1 != NULL ? strchr(d1 + 1, '.') : NULL;
    if (t == NULL || d1 == NULL || d2 == NULL || d1 == t || d2 == d1 + 1 ||
        strchr(d2 + 1, '.') != NULL) {
      sts_error(srv, resp, req, 400, "InvalidIdentityToken",
                "The web identity token that was passed could not be validated by AWS. Get a "
                "new identity token from the identity provider and then retry the request.");
      return;
    }
  }
  char arn[320];
  char account[13];
  memcpy(account, role_arn + strlen("arn:aws:iam::"), 12);
  account[12] = '\0';
  snprintf(arn, sizeof arn, "arn:aws:sts::%s:assumed-role/%s/%s", account, role, session);
  issued *it = issue(srv->sts, arn, duration, (int64_t)time(NULL));
  if (it == NULL) {
    sts_error(srv, resp, req, 500, "InternalFailure", "the emulator could not issue a key");
    return;
  }
  char exp[32];
  iso8601(it->expires_at, exp);
  emu_buf *o = &resp->body;
  response_head(o, name);
  emu_buf_puts(o, "    <AssumedRoleUser>\n      <Arn>");
  xml_text(o, arn);
  emu_buf_printf(o, "</Arn>\n      <AssumedRoleId>AROAEMULATOR:%s</AssumedRoleId>\n", session);
  emu_buf_puts(o, "    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>");
  emu_buf_puts(o, it->key.access_key_id);
  emu_buf_puts(o, "</AccessKeyId>\n      <SecretAccessKey>");
  emu_buf_puts(o, it->key.secret_access_key);
  emu_buf_puts(o, "</SecretAccessKey>\n      <SessionToken>");
  emu_buf_puts(o, it->key.session_token);
  emu_buf_printf(o, "</SessionToken>\n      <Expiration>%s</Expiration>\n    </Credentials>\n",
                 exp);
  if (action == 2) {
    emu_buf_puts(o, "    <Provider>emulator</Provider>\n");
  }
  response_tail(o, name, req);
  resp->status = 200;
  count_call(srv->sts, action);
}

void emu_sts_handle(emu_server *srv, const emu_request *req, emu_response *resp) {
  resp->op_name = "sts";
  uint32_t latency = emu_sts_latency(srv->sts);
  if (latency > 0) {
    emu_sleep_ms(latency); /* thread per connection: only this caller waits */
  }
  if (take_failure(srv->sts)) {
    /* STS's throttling answer (HTTP 400, code Throttling), as the SDKs retry it. */
    sts_error(srv, resp, req, 400, "Throttling", "Rate exceeded");
    return;
  }
  resp->content_type = "text/xml";
  char action[64], version[32];
  const char *a = form_get(req->body, req->body_len, "Action", action, sizeof action);
  const char *v = form_get(req->body, req->body_len, "Version", version, sizeof version);
  if (strcmp(req->method, "POST") != 0 || req->path_len != 1 || a == NULL) {
    sts_error(srv, resp, req, 400, "MissingAction", "Missing Action");
    return;
  }
  int idx = -1;
  for (int i = 0; i < 3; i++) {
    if (strcmp(a, action_names[i]) == 0) {
      idx = i;
    }
  }
  if (idx < 0 || v == NULL || strcmp(v, "2011-06-15") != 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "Could not find operation %.60s for version %.20s", a,
             v != NULL ? v : "NO_VERSION_SPECIFIED");
    sts_error(srv, resp, req, 400, "InvalidAction", msg);
    return;
  }
  resp->op_name = action_names[idx];
  const emu_key *key = NULL;
  if (idx != 2) {
    /* AssumeRoleWithWebIdentity is the one unsigned action: the token is the credential. */
    auth_sigv4_request sreq = emu_request_sigv4(req);
    emu_err err = {0};
    key = emu_auth_verify_service(srv->cfg, srv->sts, "sts", &sreq, (int64_t)time(NULL), &err);
    if (key == NULL) {
      sts_auth_error(srv, resp, req, &err);
      emu_err_clear(&err);
      return;
    }
    snprintf(resp->akid, sizeof resp->akid, "%s", key->access_key_id);
  }
  if (idx == 0) {
    count_call(srv->sts, idx);
    char arn[320];
    emu_sts_identity_arn(srv->sts, key, arn, sizeof arn);
    emu_buf *o = &resp->body;
    response_head(o, action_names[0]);
    emu_buf_puts(o, "    <Arn>");
    xml_text(o, arn);
    emu_buf_puts(o, "</Arn>\n    <UserId>");
    emu_buf_puts(o, key->access_key_id);
    emu_buf_puts(o, "</UserId>\n    <Account>" EMU_STS_ACCOUNT "</Account>\n");
    response_tail(o, action_names[0], req);
    resp->status = 200;
    return;
  }
  assume(srv, req, resp, idx);
}
