/* px_keycheck.c — auth_mode = iam: the client's keys are checked at login with one STS
 * GetCallerIdentity call signed with them (it needs no IAM permission), asynchronously on the
 * loop; successful checks are remembered for iam_check_cache_seconds (px_keycache).
 *
 * Outcomes (DESIGN §4, §6):
 *  - STS accepts the keys: login completes (and the check is cached);
 *  - STS rejects them as credentials (InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken,
 *    ...): FATAL 28P01 "password authentication failed for user ..." — what a wrong password
 *    gets from PostgreSQL, so drivers do not retry;
 *  - STS cannot be asked (unreachable, timeout, throttled, 5xx, unusable answer): the call is
 *    tried up to CHECK_ATTEMPTS times (100 ms, then 200 ms apart, as the SDKs retry STS), then
 *    FATAL 08001, a connection-establishment failure that drivers and pools treat as transient,
 *    since the keys may well be right. The message names STS and the reason, never the secret.
 */
#include <stdlib.h>
#include <string.h>

#include "dapi_sts.h"
#include "px_conn.h"
#include "px_keycache.h"

/* Distinct key pairs remembered at once; beyond that the entries closest to expiry go. */
#define KEYCACHE_CAPACITY 4096
/* A login check is one small request: do not let it hang a login for a minute. */
#define CHECK_TIMEOUT_MS 10000L
/* Attempts of the STS call when STS is throttling, failing or unreachable. */
#define CHECK_ATTEMPTS 3

typedef struct check {
  px_conn *c; /* borrowed; kept alive by pending_calls */
  uint64_t started_ms;
  unsigned attempts;
  dapi_multi_timer retry; /* the wait before the next attempt */
  char endpoint[512];
} check;

static void attempt(check *k);

/* Ends check k: the connection no longer waits for it. Returns the connection. */
static px_conn *check_end(check *k) {
  px_conn *c = k->c;
  free(k);
  c->pending_calls--;
  c->auth_pending = false;
  return c;
}

/* Failures worth another attempt: STS was not asked, or answered that it could not answer. */
static bool transient(const dapi_sts_outcome *o) {
  if (o->status == DAPI_STS_UNREACHABLE) {
    return true;
  }
  if (o->status == DAPI_STS_FAILED) {
    return o->http_status == 0 || o->http_status >= 500;
  }
  if (o->status == DAPI_STS_REJECTED) {
    static const char *const codes[] = {"Throttling",           "ThrottlingException",
                                        "RequestLimitExceeded", "InternalFailure",
                                        "ServiceUnavailable",   "InternalError"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
      if (strcmp(o->error.code, codes[i]) == 0) {
        return true;
      }
    }
    return o->http_status >= 500;
  }
  return false;
}

static void on_retry(void *ctx) {
  check *k = ctx;
  if (k->c->state == PX_CONN_CLOSING) {
    px_conn_maybe_free(check_end(k));
    return;
  }
  attempt(k);
}

static px_keycache *cache_of(px_server *srv) {
  if (srv->keycache == NULL) {
    px_keycache *kc;
    if (px_keycache_new(KEYCACHE_CAPACITY, &kc) == PX_OK) {
      srv->keycache = kc;
    }
  }
  return srv->keycache;
}

static void fatal08001(px_conn *c, const char *endpoint, const char *why) {
  pgw_error e;
  pgw_error_set(&e, "FATAL", "08001", "could not verify the AWS keys of user \"%s\" with STS",
                c->user);
  pgw_error_detail(&e, "%s: %s", endpoint, why);
  pgw_error_hint(&e, "This is not a wrong key: retry later. If STS is not reachable from "
                     "redwire, check [aws] sts_endpoint, or set iam_key_check = off.");
  px_conn_fatal(c, &e);
}

static void on_checked(void *ctx, dapi_sts_outcome *o) {
  check *k = ctx;
  px_conn *c = k->c;
  uint64_t ms = uv_now(c->srv->loop) - k->started_ms;
  if (c->state != PX_CONN_CLOSING && k->attempts < CHECK_ATTEMPTS && transient(o)) {
    uint64_t delay = 100u << (k->attempts - 1);
    PX_LOG_INFO(&c->srv->log, c->id,
                "IAM key check for %s: STS attempt %u failed (%s), retry "
                "in %llu ms",
                c->creds.access_key_id, k->attempts,
                o->status == DAPI_STS_REJECTED ? o->error.code : o->detail,
                (unsigned long long)delay);
    dapi_multi_timer_start(px_curl_uv_multi(c->srv->curl), &k->retry, delay, on_retry, k);
    return;
  }
  unsigned attempts = k->attempts;
  char endpoint[sizeof k->endpoint]; /* the one asked, whatever a reload has changed since */
  memcpy(endpoint, k->endpoint, sizeof endpoint);
  check_end(k);
  if (c->state == PX_CONN_CLOSING) {
    px_conn_maybe_free(c);
    return;
  }
  const conf_settings *s = px_conn_conf(c);
  switch (o->status) {
  case DAPI_STS_OK:
    PX_LOG_INFO(&c->srv->log, c->id, "IAM key check: %s is %s (%llu ms)", c->creds.access_key_id,
                o->identity.arn, (unsigned long long)ms);
    if (cache_of(c->srv) != NULL) {
      px_keycache_store(c->srv->keycache, &c->creds, uv_now(c->srv->loop),
                        (uint64_t)s->redwire.iam_check_cache_seconds * 1000u);
    }
    px_startup_login_ok(c);
    break;
  case DAPI_STS_REJECTED:
    if (auth_sts_error_is_bad_credentials(o->error.code)) {
      /* The secret never reaches the log or the client; STS's own message may quote the
       * canonical request (SignatureDoesNotMatch), so only its code is passed on. */
      PX_LOG_WARN(&c->srv->log, c->id, "IAM key check: STS rejected key %s: %s (%llu ms)",
                  c->creds.access_key_id, o->error.code, (unsigned long long)ms);
      pgw_error e;
      pgw_error_set(&e, "FATAL", "28P01", "password authentication failed for user \"%s\"",
                    c->user);
      pgw_error_detail(&e, "AWS STS does not accept this access key id and secret key%s (%s).",
                       c->creds.session_token != NULL ? " and session token" : "", o->error.code);
      px_conn_fatal(c, &e);
    } else {
      char reason[400];
      snprintf(reason, sizeof reason, "HTTP %ld %s: %.200s (%u attempts)", o->http_status,
               o->error.code, o->error.message, attempts);
      PX_LOG_WARN(&c->srv->log, c->id, "IAM key check for %s failed: %s (%llu ms)",
                  c->creds.access_key_id, reason, (unsigned long long)ms);
      fatal08001(c, endpoint, reason);
    }
    break;
  case DAPI_STS_UNREACHABLE:
  case DAPI_STS_FAILED:
    PX_LOG_WARN(&c->srv->log, c->id, "IAM key check for %s failed: %s: %s (%u attempts, %llu ms)",
                c->creds.access_key_id, endpoint, o->detail, attempts, (unsigned long long)ms);
    fatal08001(c, endpoint, o->detail);
    break;
  }
  /* Outside the connection's own processing: flush what was queued, read what follows. */
  if (c->state != PX_CONN_CLOSING) {
    px_conn_process(c);
  }
}

void px_keycheck_start(px_conn *c) {
  const conf_settings *s = px_conn_conf(c);
  if (!s->redwire.iam_key_check) {
    px_startup_login_ok(c);
    return;
  }
  uint64_t now = uv_now(c->srv->loop);
  px_keycache *kc = cache_of(c->srv);
  if (kc != NULL && px_keycache_lookup(kc, &c->creds, now)) {
    PX_LOG_DEBUG(&c->srv->log, c->id, "IAM key check: %s passed recently (cached)",
                 c->creds.access_key_id);
    px_startup_login_ok(c);
    return;
  }
  char endpoint[512];
  const char *why = NULL;
  if (conf_sts_endpoint_for(s, endpoint, sizeof endpoint, &why) != CONF_OK) {
    fatal08001(c, "STS", why != NULL ? why : "no STS endpoint");
    return;
  }
  check *k = calloc(1, sizeof *k);
  if (k == NULL) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "53200", "out of memory");
    px_conn_fatal(c, &e);
    return;
  }
  k->c = c;
  k->started_ms = now;
  snprintf(k->endpoint, sizeof k->endpoint, "%s", endpoint);
  c->pending_calls++;
  c->auth_pending = true;
  attempt(k);
}

/* One STS call of check k; on a start failure the login fails at once. */
static void attempt(check *k) {
  px_conn *c = k->c;
  const conf_settings *s = px_conn_conf(c);
  k->attempts++;
  dapi_sts_input in = {.endpoint = k->endpoint,
                       .region = s->aws.region,
                       .action = AUTH_STS_GET_CALLER_IDENTITY,
                       .access_key_id = c->creds.access_key_id,
                       .secret_access_key = c->creds.secret_access_key,
                       .session_token = c->creds.session_token,
                       .connect_timeout_ms = (long)s->aws.connect_timeout_ms,
                       .timeout_ms = CHECK_TIMEOUT_MS};
  dapi_rc rc = dapi_sts_start(px_curl_uv_multi(c->srv->curl), &in, on_checked, k, NULL);
  if (rc != DAPI_OK) {
    char endpoint[sizeof k->endpoint];
    memcpy(endpoint, k->endpoint, sizeof endpoint);
    check_end(k); /* first: the connection may close for good in fatal08001 */
    fatal08001(c, endpoint,
               rc == DAPI_EINVAL ? "invalid STS endpoint or region" : dapi_strerror(rc));
    if (c->state != PX_CONN_CLOSING) {
      px_conn_process(c);
    }
  }
}
