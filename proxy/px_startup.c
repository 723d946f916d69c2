/* px_startup.c — the startup phase: SSL/GSS refusals, CancelRequest, StartupMessage, login. */
#include <stdlib.h>
#include <string.h>

#include "px_chain.h"
#include "px_conn.h"
#include "px_userlist.h"

static void fatal(px_conn *c, const char *sqlstate, const char *message) {
  pgw_error e;
  pgw_error_set(&e, "FATAL", sqlstate, "%s", message);
  px_conn_fatal(c, &e);
}

static void out_of_memory(px_conn *c) {
  fatal(c, "53200", "out of memory");
}

static void on_cancel_request(px_conn *c, const pgw_msg *m) {
  pgw_cancel req;
  if (pgw_decode_cancel(m, &req) != PGW_OK) {
    px_conn_close(c, "malformed CancelRequest");
    return;
  }
  px_conn *target = px_server_find_by_key(c->srv, req.pid, req.key, req.key_len);
  if (target == NULL || target == c) {
    /* PostgreSQL answers nothing either way, so a client cannot probe for keys. */
    PX_LOG_INFO(&c->srv->log, c->id, "CancelRequest for pid %ld matches no connection",
                (long)req.pid);
  } else {
    PX_LOG_INFO(&c->srv->log, c->id, "CancelRequest for connection %llu",
                (unsigned long long)target->id);
    px_runner_cancel(target, PX_CANCEL_USER);
  }
  px_conn_close(c, "cancel request handled");
}

/* ParameterStatus as Redshift reports it (CLIENTS.md §4.1), with PostgreSQL's spellings where
 * psql and libpq key off them. */
void px_startup_login_ok(px_conn *c) {
  const conf_redwire *rw = &px_conn_conf(c)->redwire;
  if (px_server_mint_key(c->srv, &c->pid, c->key) != PX_OK) {
    fatal(c, "XX000", "could not generate a cancel key");
    return;
  }
  if (!px_session_start(c)) {
    out_of_memory(c);
    return;
  }
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  pgw_enc_auth_ok(&w);
  const char *params[][2] = {
      {"application_name", c->app_name},
      {"client_encoding", "UTF8"},
      {"DateStyle", px_session_value(c, PX_PARAM_DATESTYLE)},
      {"integer_datetimes", "on"},
      {"IntervalStyle", px_session_value(c, PX_PARAM_INTERVALSTYLE)},
      {"is_superuser", "off"},
      {"server_encoding", "UTF8"},
      {"server_version", rw->server_version},
      {"padb_version", rw->padb_version},
      {"session_authorization", c->user},
      {"standard_conforming_strings", px_session_value(c, PX_PARAM_STANDARD_CONFORMING_STRINGS)},
      {"TimeZone", px_session_value(c, PX_PARAM_TIMEZONE)},
  };
  for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
    pgw_enc_parameter_status(&w, params[i][0], params[i][1]);
  }
  pgw_enc_backend_key_data(&w, c->pid, c->key, sizeof c->key);
  pgw_enc_ready_for_query(&w, PGW_TXN_IDLE);
  if (!px_conn_check(c, &w, "login messages")) {
    return;
  }
  px_conn_timer_stop(c);
  PX_LOG_INFO(&c->srv->log, c->id, "login user=%s database=%s application_name=%s", c->user,
              c->database, c->app_name);
  px_conn_set_state(c, PX_CONN_IDLE);
}

/* Maps the client's database onto a Data API target and client (DESIGN §7 [databases]). */
static bool resolve_target(px_conn *c) {
  const conf_settings *s = px_conn_conf(c);
  const conf_database *db = conf_database_find(s, c->database);
  if (db == NULL) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "3D000", "database \"%s\" does not exist", c->database);
    pgw_error_detail(&e, "redwire's [databases] section has no entry for it and no '*' entry.");
    px_conn_fatal(c, &e);
    return false;
  }
  const char *region = conf_database_region(s, db);
  char endpoint[512];
  const char *why = NULL;
  if (conf_endpoint_for(s, region, endpoint, sizeof endpoint, &why) != CONF_OK) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "XX000", "no Data API endpoint for database \"%s\": %s", c->database,
                  why != NULL ? why : "endpoint too long");
    px_conn_fatal(c, &e);
    return false;
  }
  if (px_server_api_get(c->srv, c->set, endpoint, region, &c->api, &why) != PX_OK) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "XX000", "cannot call the Data API at %s: %s", endpoint, why);
    px_conn_fatal(c, &e);
    return false;
  }
  c->target.kind = db->kind == CONF_TARGET_CLUSTER ? DAPI_TARGET_CLUSTER : DAPI_TARGET_WORKGROUP;
  c->target.name = db->target;
  c->target.database = db->database[0] != '\0' ? db->database : c->database;
  c->target.db_user = db->db_user[0] != '\0' ? db->db_user : NULL;
  c->target.secret_arn = db->secret_arn[0] != '\0' ? db->secret_arn : NULL;
  return true;
}

void px_startup_login_with_server_identity(px_conn *c) {
  px_chain_login(c);
}

static void authenticate(px_conn *c) {
  const conf_settings *s = px_conn_conf(c);
  switch (s->redwire.auth_mode) {
  case CONF_AUTH_USERLIST:
    px_userlist_begin(c);
    return;
  case CONF_AUTH_TRUST:
    px_startup_login_with_server_identity(c);
    return;
  case CONF_AUTH_IAM:
    break;
  }
  if (c->tls == NULL && !c->loopback && !s->redwire.allow_cleartext_without_tls) {
    /* The password is an AWS secret key: never ask for it in cleartext over a network. */
    pgw_error e;
    pgw_error_set(&e, "FATAL", "28000",
                  "auth_mode = iam needs the AWS secret key as a password, which redwire only "
                  "accepts over TLS or from loopback clients");
    pgw_error_hint(&e, s->redwire.client_tls_sslmode != CONF_SSLMODE_DISABLE
                           ? "Connect with sslmode=require."
                           : "Enable client_tls_sslmode, connect from the same host, or set "
                             "allow_cleartext_without_tls = on if the network path is trusted.");
    px_conn_fatal(c, &e);
    return;
  }
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  pgw_enc_auth_cleartext(&w);
  if (px_conn_check(c, &w, "AuthenticationCleartextPassword")) {
    px_conn_set_state(c, PX_CONN_AUTH);
  }
}

static bool tls_policy_ok(px_conn *c);

static void on_startup(px_conn *c, const pgw_msg *m) {
  pgw_startup su;
  pgw_rc rc = pgw_decode_startup(m, &su);
  if (rc != PGW_OK) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "08P01", "invalid startup packet layout");
    if (rc == PGW_ETOOBIG) {
      pgw_error_detail(&e, "More than %d parameters.", PGW_STARTUP_MAX_PARAMS);
    } else {
      pgw_error_detail(&e, "A StartupMessage needs a non-empty \"user\" parameter and "
                           "NUL-terminated name/value pairs.");
    }
    px_conn_fatal(c, &e);
    return;
  }
  /* The three strings live in one allocation owned through c->user (one heap chunk instead
   * of three: they stay for the connection's life, idle or not). */
  const char *db = su.database.ptr != NULL && su.database.len > 0 ? su.database.ptr : su.user.ptr;
  const char *app = su.application_name.ptr != NULL ? su.application_name.ptr : "";
  size_t ulen = strlen(su.user.ptr) + 1, dlen = strlen(db) + 1, alen = strlen(app) + 1;
  c->user = malloc(ulen + dlen + alen);
  if (c->user == NULL) {
    out_of_memory(c);
    return;
  }
  c->database = memcpy(c->user + ulen, db, dlen);
  c->app_name = memcpy(c->database + dlen, app, alen);
  memcpy(c->user, su.user.ptr, ulen);
  const char *unrecognized[PGW_STARTUP_MAX_PARAMS];
  size_t n_unrec = 0;
  for (size_t i = 0; i < su.nparams; i++) {
    const pgw_kv *kv = &su.params[i];
    px_session_startup_param(c, kv->name.ptr, kv->value.ptr);
    if (strncmp(kv->name.ptr, "_pq_.", 5) == 0) {
      unrecognized[n_unrec++] = kv->name.ptr;
    } else if (strcmp(kv->name.ptr, "client_encoding") == 0 &&
               !px_auth_client_encoding_ok(kv->value.ptr)) {
      pgw_error e;
      pgw_error_set(&e, "FATAL", "22023", "invalid value for parameter \"client_encoding\": \"%s\"",
                    kv->value.ptr);
      pgw_error_detail(&e, "redwire, like Redshift, only speaks UTF8.");
      pgw_error_hint(&e, "Set client_encoding (or PGCLIENTENCODING) to UTF8.");
      px_conn_fatal(c, &e);
      return;
    }
  }
  if (su.minor > 0 || n_unrec > 0) {
    pgw_wr w;
    pgw_wr_init(&w, &c->out);
    pgw_enc_negotiate_protocol_version(&w, 0, unrecognized, n_unrec);
    if (!px_conn_check(c, &w, "NegotiateProtocolVersion")) {
      return;
    }
  }
  PX_LOG_DEBUG(&c->srv->log, c->id, "startup user=%s database=%s protocol 3.%u", c->user,
               c->database, (unsigned)su.minor);
  if (!tls_policy_ok(c) || !resolve_target(c)) {
    return;
  }
  authenticate(c);
}

/* SSLRequest: 'S' and TLS from the next byte on, or 'N' when TLS is off. */
static void on_ssl_request(px_conn *c) {
  if (c->tls != NULL) {
    fatal(c, "08P01", "SSLRequest received inside TLS");
    return;
  }
  bool tls = px_conn_conf(c)->redwire.client_tls_sslmode != CONF_SSLMODE_DISABLE &&
             c->srv->tls_ctx != NULL;
  /* An SSLRequest is 8 bytes; m is still at the front of the input buffer. */
  if (tls && pgw_buf_len(&c->in) > 8) {
    /* Bytes after the SSLRequest were sent in cleartext before the handshake: accepting them
     * would let a man in the middle inject them (PostgreSQL's CVE-2021-23214 fix). */
    fatal(c, "08P01", "received unencrypted data after SSL request");
    return;
  }
  if (!tls) {
    pgw_wr w;
    pgw_wr_init(&w, &c->out);
    pgw_enc_ssl_answer(&w, false);
    (void)px_conn_check(c, &w, "SSL answer");
    return;
  }
  /* Nothing else is queued in the startup phase (a GSSENCRequest's 'N' has been handed to
   * uv_write already), so 'S' can lead the TLS byte stream in cleartext. */
  if (pgw_buf_len(&c->out) > 0 || px_conn_start_tls(c, false) != PX_OK ||
      px_tls_write_clear(c->tls, "S", 1) != PX_OK) {
    px_conn_close(c, "cannot start TLS");
  }
}

/* The client's TLS certificate as client_tls_sslmode demands, checked once the user is known. */
static bool tls_policy_ok(px_conn *c) {
  conf_sslmode mode = px_conn_conf(c)->redwire.client_tls_sslmode;
  if (mode < CONF_SSLMODE_REQUIRE) {
    return true;
  }
  if (c->tls == NULL) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "28000", "SSL required");
    pgw_error_detail(&e, "redwire's client_tls_sslmode is %s: connections without TLS are refused.",
                     mode == CONF_SSLMODE_REQUIRE ? "require" : "verify-ca or verify-full");
    pgw_error_hint(&e, "Connect with sslmode=require (or stronger).");
    px_conn_fatal(c, &e);
    return false;
  }
  if (mode == CONF_SSLMODE_VERIFY_FULL) {
    /* The certificate was verified against client_tls_ca_file in the handshake; verify-full
     * also binds it to the user name, as PostgreSQL's clientcert=verify-full does. */
    char cn[256];
    px_tls_peer_cn(c->tls, cn, sizeof cn);
    if (strcmp(cn, c->user) != 0) {
      pgw_error e;
      pgw_error_set(&e, "FATAL", "28000", "certificate authentication failed for user \"%s\"",
                    c->user);
      pgw_error_detail(&e, "The client certificate's common name is \"%s\".", cn);
      px_conn_fatal(c, &e);
      return false;
    }
  }
  return true;
}

void px_startup_on_message(px_conn *c, const pgw_msg *m) {
  pgw_wr w;
  switch (m->kind) {
  case PGW_MSG_SSLREQ:
    on_ssl_request(c);
    return;
  case PGW_MSG_GSSENCREQ:
    /* No GSS encryption: 'N' lets the client go on (then usually with an SSLRequest). */
    pgw_wr_init(&w, &c->out);
    pgw_enc_gssenc_answer(&w, false);
    (void)px_conn_check(c, &w, "encryption answer");
    return;
  case PGW_MSG_CANCEL:
    on_cancel_request(c, m);
    return;
  case PGW_MSG_STARTUP:
    on_startup(c, m);
    return;
  case PGW_MSG_TYPED:
    break;
  }
  fatal(c, "08P01", "invalid startup packet");
}

void px_startup_on_password(px_conn *c, const pgw_msg *m) {
  if (c->auth_pending) {
    fatal(c, "08P01", "unexpected message while the password is being checked");
    return;
  }
  if (px_conn_conf(c)->redwire.auth_mode == CONF_AUTH_USERLIST) {
    px_userlist_on_message(c, m);
    return;
  }
  pgw_str pw;
  if (m->kind != PGW_MSG_TYPED || m->type != PGW_FE_PASSWORD ||
      pgw_decode_password(m, &pw) != PGW_OK) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "08P01", "expected password response, got message type %d",
                  (int)m->type);
    px_conn_fatal(c, &e);
    return;
  }
  pgw_error e;
  px_status st = px_creds_from_password(c->user, pw.ptr, pw.len, &c->creds, &e);
  if (st == PX_NOMEM) {
    out_of_memory(c);
    return;
  }
  if (st != PX_OK) {
    px_conn_fatal(c, &e);
    return;
  }
  px_keycheck_start(c);
}
