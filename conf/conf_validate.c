/* conf_validate.c — checks that involve more than one setting, run once every source is merged.
 *
 * Each message is attached to the setting the operator most likely has to change, and names the
 * other setting with the place its value came from, so a conflict between a file line and an
 * environment variable can be seen in one line.
 */
#include "conf_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct ref {
  size_t idx;
  const conf__setting *row;
  const conf__origin *origin;
} ref;

static ref get(conf__ctx *ctx, conf__section sec, const char *key) {
  long i = conf__setting_find(sec, key, strlen(key));
  ref r = {(size_t)i, conf__setting_at((size_t)i), &ctx->origins[i]};
  return r;
}

/* "default", "redwire.ini:7", "environment AWS_REGION", "--set", "--listen", "-v". */
static void short_origin(const conf__origin *o, char *buf, size_t cap) {
  switch (o->src) {
  case CONF__SRC_DEFAULT:
    snprintf(buf, cap, "default");
    return;
  case CONF__SRC_FILE:
    snprintf(buf, cap, "%s:%u", o->file, o->line);
    return;
  case CONF__SRC_ENV:
    snprintf(buf, cap, "environment %s", o->name);
    return;
  case CONF__SRC_SET:
  case CONF__SRC_LISTEN:
  case CONF__SRC_VERBOSE:
    snprintf(buf, cap, "%s", o->name);
    return;
  }
  snprintf(buf, cap, "?");
}

/* "client_output_high_water = 1MB (default)" */
static void other(const ref *r, char *buf, size_t cap) {
  char from[CONF_DIAG_TEXT_MAX / 4];
  short_origin(r->origin, from, sizeof(from));
  const char *v = r->origin->text != NULL ? r->origin->text : "";
  if (r->row->flags & CONF__F_SECRET)
    v = "(hidden)";
  snprintf(buf, cap, "%s = %.64s (%s)", r->row->key, v, from);
}

/* "<where r came from>: <text>[ <other setting and where it came from>]" */
static void report(conf__ctx *ctx, conf_diag_kind kind, const ref *r, const char *text,
                   const ref *o2) {
  char b[CONF_DIAG_TEXT_MAX / 2] = "";
  if (o2 != NULL)
    other(o2, b, sizeof(b));
  conf__diag_at(ctx, kind, r->origin, r->row, "%s%s%s", text, o2 != NULL ? " " : "", b);
}

static void error(conf__ctx *ctx, const ref *r, const char *text, const ref *o2) {
  report(ctx, CONF_DIAG_ERROR, r, text, o2);
}

static void warn(conf__ctx *ctx, const ref *r, const char *text, const ref *o2) {
  report(ctx, CONF_DIAG_WARNING, r, text, o2);
}

#define GET(sec, key) get(ctx, CONF__SEC_##sec, #key)

static void check_order(conf__ctx *ctx, ref lo, int64_t lo_v, ref hi, int64_t hi_v, bool strict) {
  if (lo_v < hi_v || (!strict && lo_v == hi_v))
    return;
  /* Blame the one the operator set: a default is rarely what they meant to change. */
  if (lo.origin->src == CONF__SRC_DEFAULT && hi.origin->src != CONF__SRC_DEFAULT)
    error(ctx, &hi, strict ? "must be greater than" : "must not be less than", &lo);
  else
    error(ctx, &lo, strict ? "must be less than" : "must not exceed", &hi);
}

static void check_pacing(conf__ctx *ctx) {
  const conf_settings *s = ctx->s;
  check_order(ctx, GET(REDWIRE, client_output_low_water), s->redwire.client_output_low_water,
              GET(REDWIRE, client_output_high_water), s->redwire.client_output_high_water, true);
  check_order(ctx, GET(AWS, poll_initial_ms), s->aws.poll_initial_ms, GET(AWS, poll_max_ms),
              s->aws.poll_max_ms, false);
  check_order(ctx, GET(AWS, retry_base_ms), s->aws.retry_base_ms, GET(AWS, retry_max_ms),
              s->aws.retry_max_ms, false);
  check_order(ctx, GET(AWS, throttle_base_ms), s->aws.throttle_base_ms, GET(AWS, retry_max_ms),
              s->aws.retry_max_ms, false);
  /* A long-polling request is held by the service for up to wait_time_seconds. */
  if (s->aws.request_timeout_ms <= s->aws.wait_time_seconds * 1000) {
    ref rt = GET(AWS, request_timeout_ms), wt = GET(AWS, wait_time_seconds);
    error(ctx, &rt, "must exceed the time the service may hold a long-polling request,", &wt);
  }
}

static bool is_loopback(const char *addr) {
  return strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
         strcmp(addr, "localhost") == 0;
}

static void check_tls_and_auth(conf__ctx *ctx) {
  const conf_redwire *r = &ctx->s->redwire;
  ref mode = GET(REDWIRE, client_tls_sslmode);
  ref cert = GET(REDWIRE, client_tls_cert_file), key = GET(REDWIRE, client_tls_key_file);
  ref ca = GET(REDWIRE, client_tls_ca_file);
  bool has_cert = r->client_tls_cert_file[0] != '\0', has_key = r->client_tls_key_file[0] != '\0';
  if (r->client_tls_sslmode == CONF_SSLMODE_DISABLE) {
    if (has_cert || has_key || r->client_tls_ca_file[0] != '\0')
      warn(ctx, has_cert ? &cert : has_key ? &key : &ca, "ignored because", &mode);
  } else {
    if (!has_cert)
      error(ctx, &mode, "needs client_tls_cert_file", NULL);
    if (!has_key)
      error(ctx, &mode, "needs client_tls_key_file", NULL);
    if (r->client_tls_sslmode >= CONF_SSLMODE_VERIFY_CA && r->client_tls_ca_file[0] == '\0')
      error(ctx, &mode, "needs client_tls_ca_file to verify client certificates", NULL);
  }

  ref auth = GET(REDWIRE, auth_mode), file = GET(REDWIRE, auth_file);
  if (r->auth_mode == CONF_AUTH_USERLIST && r->auth_file[0] == '\0')
    error(ctx, &auth, "needs auth_file (users and their SCRAM verifiers)", NULL);
  if (r->auth_mode != CONF_AUTH_USERLIST && r->auth_file[0] != '\0')
    warn(ctx, &file, "ignored because", &auth);
  if (r->auth_mode == CONF_AUTH_TRUST)
    warn(ctx, &auth,
         "any client can connect without a password; use it for local development "
         "only",
         NULL);
  /* DESIGN §4: in iam mode the password is the AWS secret key, sent in cleartext, so it must
   * travel inside TLS unless the client is on this machine or the operator opts out. */
  if (r->auth_mode == CONF_AUTH_IAM && r->client_tls_sslmode == CONF_SSLMODE_DISABLE &&
      !r->allow_cleartext_without_tls && !is_loopback(r->listen_addr)) {
    ref addr = GET(REDWIRE, listen_addr);
    error(ctx, &addr,
          "auth_mode = iam takes AWS secret keys as cleartext passwords, so clients beyond "
          "loopback need TLS: set client_tls_sslmode (with a certificate) or "
          "allow_cleartext_without_tls = on",
          NULL);
  }
}

static void check_credentials(conf__ctx *ctx) {
  const conf_aws *a = &ctx->s->aws;
  ref id = GET(AWS, access_key_id), secret = GET(AWS, secret_access_key);
  ref token = GET(AWS, session_token);
  bool has_id = a->access_key_id[0] != '\0', has_secret = a->secret_access_key[0] != '\0';
  if (has_id && !has_secret)
    error(ctx, &id, "needs secret_access_key as well", NULL);
  if (has_secret && !has_id)
    error(ctx, &secret, "needs access_key_id as well", NULL);
  if (a->session_token[0] != '\0' && !(has_id && has_secret))
    error(ctx, &token, "needs access_key_id and secret_access_key", NULL);
  if (a->web_identity_token_file[0] != '\0' && a->role_arn[0] == '\0') {
    ref wi = GET(AWS, web_identity_token_file);
    error(ctx, &wi, "needs role_arn (the role the token is exchanged for)", NULL);
  }
}

static void db_error(conf__ctx *ctx, const conf__db_entry *e, const char *what) {
  char where[CONF_DIAG_TEXT_MAX / 2];
  if (e->where.src == CONF__SRC_FILE)
    snprintf(where, sizeof(where), "%s:%u: [databases] %.64s", e->where.file, e->where.line,
             e->db.name);
  else
    snprintf(where, sizeof(where), "%s%.64s", e->where.name, e->db.name);
  conf__diag(ctx, CONF_DIAG_ERROR, "%s: %s", where, what);
}

static void check_endpoint(conf__ctx *ctx, const char *region) {
  char url[512];
  const char *err = NULL;
  const conf_aws *a = &ctx->s->aws;
  if (conf_endpoint_resolve(region, a->use_fips, a->use_dualstack, a->endpoint, url, sizeof(url),
                            &err) == CONF_OK)
    return;
  if (a->endpoint[0] == '\0') {
    ref reg = GET(AWS, region);
    error(ctx, &reg, err, NULL);
    return;
  }
  /* The rules reject FIPS first, then dual-stack, with a custom endpoint. */
  ref flag = a->use_fips ? GET(AWS, use_fips) : GET(AWS, use_dualstack);
  ref ep = GET(AWS, endpoint);
  char text[CONF_DIAG_TEXT_MAX / 2];
  snprintf(text, sizeof(text), "%.200s; the custom endpoint is", err);
  error(ctx, &flag, text, &ep);
}

static void check_databases(conf__ctx *ctx) {
  const conf_aws *a = &ctx->s->aws;
  if (ctx->n_dbs == 0) {
    conf__diag(ctx, CONF_DIAG_ERROR,
               "[databases] is empty: add at least one entry, e.g. \"dev = workgroup=my-wg "
               "database=dev\", or \"*\" to pass every database name through");
    if (a->region[0] == '\0')
      conf__diag(ctx, CONF_DIAG_ERROR, "[aws] region is not set (set it, or AWS_REGION)");
    return;
  }
  bool endpoint_checked = false;
  for (size_t i = 0; i < ctx->n_dbs; i++) {
    const conf__db_entry *e = &ctx->dbs[i];
    if (e->db.region[0] == '\0' && a->region[0] == '\0') {
      db_error(ctx, e, "no region: set [aws] region (or AWS_REGION), or region= on this line");
      continue;
    }
    /* Custom-endpoint conflicts do not depend on the region: report them once. */
    if (a->endpoint[0] != '\0' && endpoint_checked)
      continue;
    endpoint_checked = true;
    check_endpoint(ctx, e->db.region[0] != '\0' ? e->db.region : a->region);
  }
}

void conf__validate(conf__ctx *ctx) {
  check_pacing(ctx);
  check_tls_and_auth(ctx);
  check_credentials(ctx);
  check_databases(ctx);
}
