/* px_userlist.c — see px_userlist.h. */
#include "px_userlist.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_md5.h"
#include "auth_scram.h"
#include "px_conn.h"

typedef enum { LOGIN_MD5, LOGIN_SCRAM_FIRST, LOGIN_SCRAM_FINAL } login_step;

struct px_login {
  login_step step;
  bool plus; /* SCRAM-SHA-256-PLUS offered (TLS with a usable certificate hash) */
  const auth_userlist_entry *entry; /* borrowed from c->set; NULL: unknown user */
  uint8_t salt[AUTH_MD5_SALT_LEN];  /* LOGIN_MD5 */
  auth_scram_server scram;
};

static const char scram_mech[] = "SCRAM-SHA-256";
static const char scram_plus_mech[] = "SCRAM-SHA-256-PLUS";

/* Starts the SCRAM exchange on verifier v; with -PLUS when c is on TLS (channel binding to the
 * certificate this connection got, so a man in the middle with another certificate fails). */
static auth_scram_rc init_scram(px_conn *c, const char *v, size_t vlen) {
  uint8_t hash[EVP_MAX_MD_SIZE];
  size_t hlen = 0;
  if (c->tls != NULL && px_tls_endpoint_hash(c->tls, hash, sizeof hash, &hlen) == PX_OK &&
      hlen <= AUTH_SCRAM_MAX_CBIND) {
    c->login->plus = true;
    return auth_scram_server_init_plus(&c->login->scram, v, vlen, hash, hlen);
  }
  return auth_scram_server_init(&c->login->scram, v, vlen, false);
}

px_status px_userlist_load(const char *path, auth_userlist *out, size_t *n_plain, char *why,
                           size_t why_cap) {
  memset(out, 0, sizeof(*out));
  *n_plain = 0;
  if (path[0] == '\0') {
    snprintf(why, why_cap, "auth_mode = userlist needs auth_file");
    return PX_INVAL;
  }
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(why, why_cap, "auth_file %s: %s", path, strerror(errno));
    return PX_IO;
  }
  char *buf = malloc(AUTH_USERLIST_MAX_FILE + 1);
  if (buf == NULL) {
    fclose(f);
    snprintf(why, why_cap, "auth_file %s: out of memory", path);
    return PX_NOMEM;
  }
  size_t len = fread(buf, 1, AUTH_USERLIST_MAX_FILE + 1, f);
  bool err = ferror(f) != 0;
  fclose(f);
  px_status st = PX_OK;
  if (err) {
    snprintf(why, why_cap, "auth_file %s: read error", path);
    st = PX_IO;
  } else {
    auth_userlist_error e = {0};
    auth_userlist_rc rc = auth_userlist_parse(buf, len, out, &e);
    if (rc != AUTH_USERLIST_OK) {
      if (e.line > 0) {
        snprintf(why, why_cap, "auth_file %s line %u: %s", path, e.line, e.message);
      } else {
        snprintf(why, why_cap, "auth_file %s: %s", path, auth_userlist_strerror(rc));
      }
      st = rc == AUTH_USERLIST_ENOMEM ? PX_NOMEM : PX_INVAL;
    }
  }
  OPENSSL_cleanse(buf, len); /* it held password hashes */
  free(buf);
  for (size_t i = 0; st == PX_OK && i < out->n; i++) {
    *n_plain += out->entries[i].kind == AUTH_USERLIST_PLAIN;
  }
  return st;
}

void px_userlist_free(px_conn *c) {
  if (c->login != NULL) {
    auth_scram_server_clear(&c->login->scram);
    OPENSSL_cleanse(c->login, sizeof(*c->login));
    free(c->login);
    c->login = NULL;
  }
}

static void fail(px_conn *c, const char *sqlstate, const char *why) {
  /* The client learns only that the login failed; the log says why (never the secret). */
  PX_LOG_INFO(&c->srv->log, c->id, "userlist login of \"%s\" failed: %s", c->user, why);
  px_userlist_free(c);
  pgw_error e;
  if (strcmp(sqlstate, "28P01") == 0) {
    pgw_error_set(&e, "FATAL", "28P01", "password authentication failed for user \"%s\"", c->user);
  } else {
    pgw_error_set(&e, "FATAL", sqlstate, "%s", why);
  }
  px_conn_fatal(c, &e);
}

/* A SCRAM verifier for the exchange: the stored one, one derived from a plain-text password,
 * or (unknown user) a mock one no password matches, made without the PBKDF2 work so that an
 * unknown user name costs the event loop no more than a stored verifier. */
static bool start_scram(px_conn *c, const auth_userlist_entry *u) {
  char v[AUTH_SCRAM_VERIFIER_MAX];
  size_t vlen = 0;
  auth_scram_rc rc = AUTH_SCRAM_OK;
  if (u != NULL && u->kind == AUTH_USERLIST_SCRAM) {
    rc = init_scram(c, u->secret, u->secret_len);
  } else {
    rc = u != NULL ? auth_scram_make_verifier(u->secret, u->secret_len, v, sizeof v, &vlen)
                   : auth_scram_mock_verifier(v, sizeof v, &vlen);
    if (rc == AUTH_SCRAM_OK) {
      rc = init_scram(c, v, vlen);
    }
    OPENSSL_cleanse(v, sizeof v);
  }
  if (rc != AUTH_SCRAM_OK) {
    /* A damaged verifier fails like a wrong password for the client. */
    fail(c, auth_scram_sqlstate(rc), auth_scram_strerror(rc));
    return false;
  }
  return true;
}

void px_userlist_begin(px_conn *c) {
  const auth_userlist_entry *u = auth_userlist_find(&c->set->users, c->user, strlen(c->user));
  c->login = calloc(1, sizeof(*c->login));
  if (c->login == NULL) {
    fail(c, "53200", "out of memory");
    return;
  }
  c->login->entry = u;
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  if (u != NULL && u->kind == AUTH_USERLIST_MD5) {
    if (RAND_bytes(c->login->salt, sizeof c->login->salt) != 1) {
      fail(c, "XX000", "no random bytes available");
      return;
    }
    c->login->step = LOGIN_MD5;
    pgw_enc_auth_md5(&w, c->login->salt);
  } else {
    if (!start_scram(c, u)) {
      return;
    }
    c->login->step = LOGIN_SCRAM_FIRST;
    /* Most preferred first, as PostgreSQL lists them. */
    const char *mechs[] = {scram_plus_mech, scram_mech};
    if (c->login->plus) {
      pgw_enc_auth_sasl(&w, mechs, 2);
    } else {
      pgw_enc_auth_sasl(&w, mechs + 1, 1);
    }
  }
  if (px_conn_check(c, &w, "authentication request")) {
    px_conn_set_state(c, PX_CONN_AUTH);
  }
}

/* The exchange succeeded: the user's mapping, then redwire's own identity and the login. */
static void succeed(px_conn *c, const char *method) {
  const auth_userlist_entry *u = c->login->entry;
  px_userlist_free(c);
  if (u->map == AUTH_USERLIST_MAP_DB_USER) {
    c->target.db_user = u->map_value; /* borrowed from c->set, like the other target strings */
    c->target.secret_arn = NULL;
  } else if (u->map == AUTH_USERLIST_MAP_SECRET_ARN) {
    c->target.secret_arn = u->map_value;
    c->target.db_user = NULL;
  }
  PX_LOG_INFO(&c->srv->log, c->id, "userlist login of \"%s\" with %s%s%s", c->user, method,
              u->map == AUTH_USERLIST_MAP_DB_USER      ? " as db_user "
              : u->map == AUTH_USERLIST_MAP_SECRET_ARN ? " as secret_arn "
                                                       : "",
              u->map_value != NULL ? u->map_value : "");
  px_startup_login_with_server_identity(c);
}

static void on_md5(px_conn *c, const pgw_msg *m) {
  pgw_str pw;
  if (pgw_decode_password(m, &pw) != PGW_OK) {
    fail(c, "08P01", "malformed password message");
    return;
  }
  const auth_userlist_entry *u = c->login->entry;
  auth_md5_rc rc = auth_md5_verify(u->secret, u->secret_len, c->user, strlen(c->user),
                                   c->login->salt, pw.ptr, pw.len);
  if (rc != AUTH_MD5_OK) {
    fail(c, auth_md5_sqlstate(rc), auth_md5_strerror(rc));
    return;
  }
  succeed(c, "MD5");
}

static void on_scram_first(px_conn *c, const pgw_msg *m) {
  pgw_fe_sasl_initial init;
  if (pgw_decode_sasl_initial(m, &init) != PGW_OK) {
    fail(c, "08P01", "malformed SASLInitialResponse message");
    return;
  }
  bool plus = c->login->plus && strcmp(init.mechanism.ptr, scram_plus_mech) == 0;
  if (!plus && strcmp(init.mechanism.ptr, scram_mech) != 0) {
    fail(c, "08P01", "client selected an invalid SASL authentication mechanism");
    return;
  }
  if (!init.has_data) {
    fail(c, "08P01", "SASLInitialResponse without a client-first-message");
    return;
  }
  char out[AUTH_SCRAM_MAX_MESSAGE + AUTH_SCRAM_MAX_SERVER_NONCE + 128];
  size_t n = 0;
  auth_scram_rc rc = auth_scram_server_first(&c->login->scram, init.data.ptr, init.data.len,
                                             auth_scram_random_nonce, NULL, out, sizeof out, &n);
  if (rc != AUTH_SCRAM_OK) {
    fail(c, auth_scram_sqlstate(rc), auth_scram_strerror(rc));
    return;
  }
  if (auth_scram_server_bound(&c->login->scram) != plus) {
    /* -PLUS names binding and plain SCRAM excludes it: the flag must agree (as in PostgreSQL). */
    fail(c, "08P01",
         plus ? "SCRAM-SHA-256-PLUS selected without channel binding"
              : "channel binding requested with plain SCRAM-SHA-256");
    return;
  }
  c->login->plus = plus; /* from here: whether this login is bound */
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  pgw_enc_auth_sasl_continue(&w, out, n);
  if (px_conn_check(c, &w, "AuthenticationSASLContinue")) {
    c->login->step = LOGIN_SCRAM_FINAL;
  }
}

static void on_scram_final(px_conn *c, const pgw_msg *m) {
  pgw_bytes data;
  if (pgw_decode_sasl_response(m, &data) != PGW_OK) {
    fail(c, "08P01", "malformed SASLResponse message");
    return;
  }
  char out[AUTH_SCRAM_MAX_MESSAGE];
  size_t n = 0;
  auth_scram_rc rc =
      auth_scram_server_final(&c->login->scram, data.ptr, data.len, out, sizeof out, &n);
  if (rc == AUTH_SCRAM_OK && c->login->entry == NULL) {
    rc = AUTH_SCRAM_EPASSWORD; /* cannot happen: nobody knows the random password */
  }
  if (rc != AUTH_SCRAM_OK) {
    fail(c, auth_scram_sqlstate(rc),
         c->login->entry == NULL ? "no such user in auth_file" : auth_scram_strerror(rc));
    return;
  }
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  pgw_enc_auth_sasl_final(&w, out, n);
  if (px_conn_check(c, &w, "AuthenticationSASLFinal")) {
    succeed(c, c->login->plus ? scram_plus_mech : scram_mech);
  }
}

void px_userlist_on_message(px_conn *c, const pgw_msg *m) {
  if (c->login == NULL || m->kind != PGW_MSG_TYPED || m->type != PGW_FE_PASSWORD) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "08P01", "expected password response, got message type %d",
                  (int)m->type);
    px_userlist_free(c);
    px_conn_fatal(c, &e);
    return;
  }
  switch (c->login->step) {
  case LOGIN_MD5:
    on_md5(c, m);
    return;
  case LOGIN_SCRAM_FIRST:
    on_scram_first(c, m);
    return;
  case LOGIN_SCRAM_FINAL:
    on_scram_final(c, m);
    return;
  }
}
