/* px_server.c — listener, signals, settings and Data API clients, connection list, shutdown. */
#include "px_server.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "px_auth.h"
#include "px_conn.h"
#include "px_features.h"
#include "px_tls.h"
#include "px_userlist.h"
#include "px_chain.h"
#include "px_keycache.h"

/* ---- settings ---- */

px_settings *px_settings_ref(px_settings *s) {
  s->refs++;
  return s;
}

void px_settings_unref(px_settings *s) {
  if (s != NULL && --s->refs == 0) {
    auth_userlist_free(&s->users);
    conf_free(s->conf);
    free(s);
  }
}

static px_settings *settings_new(conf_settings *conf) {
  px_settings *s = calloc(1, sizeof(*s));
  if (s == NULL) {
    conf_free(conf);
    return NULL;
  }
  s->conf = conf;
  s->refs = 1;
  return s;
}

/* What a configuration needs besides conf/'s values: the parsed auth_file (userlist) and the
 * client TLS context (its certificate and key are read here, so SIGHUP reloads them). On failure
 * the reason is logged and nothing is returned. */
static px_status prepare(px_server *srv, const conf_settings *conf, auth_userlist *users,
                         SSL_CTX **ctx) {
  char why[400];
  memset(users, 0, sizeof(*users));
  *ctx = NULL;
  const conf_redwire *rw = &conf->redwire;
  if (rw->auth_mode == CONF_AUTH_USERLIST) {
    size_t n_plain = 0;
    if (px_userlist_load(rw->auth_file, users, &n_plain, why, sizeof why) != PX_OK) {
      PX_LOG_ERROR(&srv->log, 0, "%s", why);
      return PX_INVAL;
    }
    if (n_plain > 0) {
      PX_LOG_WARN(&srv->log, 0,
                  "auth_file %s holds %zu plain-text password(s): store SCRAM verifiers instead",
                  rw->auth_file, n_plain);
    }
  }
  if (rw->client_tls_sslmode != CONF_SSLMODE_DISABLE) {
    *ctx = px_tls_ctx_new(rw, why, sizeof why);
    if (*ctx == NULL) {
      PX_LOG_ERROR(&srv->log, 0, "TLS: %s", why);
      auth_userlist_free(users);
      return PX_INVAL;
    }
  }
  return PX_OK;
}

static const char *env_value(const char *const *envp, const char *name) {
  size_t n = strlen(name);
  for (; envp != NULL && *envp != NULL; envp++) {
    if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=') {
      return *envp + n + 1;
    }
  }
  return NULL;
}

/* Every secret of a configuration is redacted from the log (px_log.h), whoever logs it. */
static void register_secrets(px_server *srv, const conf_settings *conf,
                             const auth_userlist *users) {
  const char *list[] = {conf->aws.secret_access_key, conf->aws.session_token,
                        env_value(srv->envp, "AWS_SECRET_ACCESS_KEY"),
                        env_value(srv->envp, "AWS_SESSION_TOKEN")};
  bool ok = true;
  for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
    ok = ok && px_log_add_secret(&srv->log, list[i]) == PX_OK;
  }
  for (size_t i = 0; i < users->n; i++) {
    ok = ok && px_log_add_secret(&srv->log, users->entries[i].secret) == PX_OK;
  }
  if (!ok) {
    PX_LOG_WARN(&srv->log, 0, "out of memory registering secrets for log redaction");
  }
}

/* ---- Data API clients ---- */

static void api_free(px_api *a) {
  if (a->client != NULL && dapi_client_free(a->client) != DAPI_OK) {
    /* Cannot happen: a client without references has no call in flight. Leaking it is the
     * only safe reaction. */
    a->client = NULL;
  }
  px_settings_unref(a->set);
  free(a->endpoint);
  free(a->region);
  free(a);
}

px_status px_server_api_get(px_server *srv, px_settings *set, const char *endpoint,
                            const char *region, px_api **out, const char **why) {
  for (px_api *a = srv->apis; a != NULL; a = a->next) {
    if (a->set == set && strcmp(a->endpoint, endpoint) == 0 && strcmp(a->region, region) == 0) {
      a->refs++;
      *out = a;
      return PX_OK;
    }
  }
  const conf_aws *aws = &set->conf->aws;
  dapi_client_conf cc;
  dapi_client_conf_default(&cc);
  cc.endpoint = endpoint;
  cc.region = region;
  cc.connect_timeout_ms = (long)aws->connect_timeout_ms;
  cc.request_timeout_ms = (long)aws->request_timeout_ms;
  cc.retry.base_ms = (uint32_t)aws->retry_base_ms;
  cc.retry.throttle_base_ms = (uint32_t)aws->throttle_base_ms;
  cc.retry.max_delay_ms = (uint32_t)aws->retry_max_ms;
  cc.retry.max_attempts = (uint32_t)aws->max_attempts;
  cc.retry.bucket_capacity = (uint32_t)aws->retry_budget;
  px_api *a = calloc(1, sizeof(*a));
  if (a == NULL) {
    *why = "out of memory";
    return PX_NOMEM;
  }
  a->endpoint = strdup(endpoint);
  a->region = strdup(region);
  a->set = px_settings_ref(set);
  if (a->endpoint == NULL || a->region == NULL) {
    api_free(a);
    *why = "out of memory";
    return PX_NOMEM;
  }
  dapi_rc rc = dapi_client_new(px_curl_uv_multi(srv->curl), &cc, &a->client);
  if (rc != DAPI_OK) {
    a->client = NULL;
    api_free(a);
    *why = rc == DAPI_EINVAL ? "invalid endpoint, region or retry settings" : dapi_strerror(rc);
    return PX_INVAL;
  }
  a->refs = 1;
  a->next = srv->apis;
  srv->apis = a;
  *out = a;
  return PX_OK;
}

void px_server_api_put(px_server *srv, px_api *api) {
  if (--api->refs > 0 || api->set == srv->set) {
    return; /* still used, or reusable by the next connection */
  }
  for (px_api **p = &srv->apis; *p != NULL; p = &(*p)->next) {
    if (*p == api) {
      *p = api->next;
      break;
    }
  }
  api_free(api);
}

/* ---- cancel keys ---- */

px_status px_server_mint_key(px_server *srv, int32_t *pid, uint8_t key[4]) {
  if (RAND_bytes(key, 4) != 1) {
    return PX_IO;
  }
  /* Unique among live connections: a counter from a random start, skipping 0 and negatives. */
  srv->next_pid = (srv->next_pid + 1) & 0x7fffffffu;
  if (srv->next_pid == 0) {
    srv->next_pid = 1;
  }
  *pid = (int32_t)srv->next_pid;
  return PX_OK;
}

px_conn *px_server_find_by_key(px_server *srv, int32_t pid, const uint8_t *key, size_t key_len) {
  if (key_len != 4) {
    return NULL;
  }
  for (px_conn *c = srv->conns; c != NULL; c = c->next) {
    /* Constant-time compare: the secret must not leak through timing. */
    if (c->pid == pid && c->pid != 0 && CRYPTO_memcmp(c->key, key, 4) == 0) {
      return c;
    }
  }
  return NULL;
}

/* ---- connections and shutdown ---- */

static void maybe_finish(px_server *srv);

void px_server_conn_added(px_server *srv, px_conn *c) {
  c->prev = NULL;
  c->next = srv->conns;
  if (srv->conns != NULL) {
    srv->conns->prev = c;
  }
  srv->conns = c;
  srv->nconns++;
}

void px_server_conn_freed(px_server *srv, px_conn *c) {
  if (c->prev != NULL) {
    c->prev->next = c->next;
  } else {
    srv->conns = c->next;
  }
  if (c->next != NULL) {
    c->next->prev = c->prev;
  }
  srv->nconns--;
  maybe_finish(srv);
}

static void on_handle_closed(uv_handle_t *h) {
  px_server *srv = h->data;
  srv->open_handles--;
}

static void close_handle(px_server *srv, uv_handle_t *h) {
  if (!uv_is_closing(h)) {
    h->data = srv;
    uv_close(h, on_handle_closed);
  }
}

static void on_curl_closed(void *arg) {
  px_server *srv = arg;
  srv->curl = NULL;
}

/* Once draining or stopping and no connection is left, close everything: the loop then ends. */
static void maybe_finish(px_server *srv) {
  if (srv->phase == PX_SERVER_RUNNING || srv->phase == PX_SERVER_DONE || srv->nconns > 0) {
    return;
  }
  srv->phase = PX_SERVER_DONE;
  while (srv->apis != NULL) {
    px_api *a = srv->apis;
    srv->apis = a->next;
    api_free(a);
  }
  /* The chain's calls and timers live on the engine: stop them before it closes. */
  px_chain_stop(srv->chain);
  if (srv->curl != NULL) {
    dapi_rc rc = px_curl_uv_close(srv->curl, on_curl_closed, srv);
    if (rc != DAPI_OK) {
      PX_LOG_ERROR(&srv->log, 0, "Data API engine still busy at exit: %s", dapi_strerror(rc));
    }
  }
  close_handle(srv, (uv_handle_t *)&srv->sig_term);
  close_handle(srv, (uv_handle_t *)&srv->sig_int);
  close_handle(srv, (uv_handle_t *)&srv->sig_hup);
  close_handle(srv, (uv_handle_t *)&srv->drain_timer);
  if (srv->listening) {
    close_handle(srv, (uv_handle_t *)&srv->listener);
    srv->listening = false;
  }
  PX_LOG_INFO(&srv->log, 0, "shut down");
}

static void stop_listening(px_server *srv) {
  if (srv->listening) {
    close_handle(srv, (uv_handle_t *)&srv->listener);
    srv->listening = false;
  }
}

static void on_drain_timeout(uv_timer_t *t) {
  px_server *srv = t->data;
  PX_LOG_INFO(&srv->log, 0, "shutdown_timeout reached: cancelling %zu connection(s)", srv->nconns);
  px_server_stop(srv);
}

void px_server_drain(px_server *srv) {
  if (srv->phase != PX_SERVER_RUNNING) {
    return;
  }
  srv->phase = PX_SERVER_DRAINING;
  PX_LOG_INFO(&srv->log, 0, "SIGTERM: draining %zu connection(s)", srv->nconns);
  stop_listening(srv);
  pgw_error e;
  pgw_error_set(&e, "FATAL", "57P01", "terminating connection due to administrator command");
  px_conn *next;
  for (px_conn *c = srv->conns; c != NULL; c = next) {
    next = c->next; /* closing never frees synchronously, but stay safe */
    if (c->state == PX_CONN_BUSY) {
      c->close_after_query = true;
    } else {
      px_conn_fatal(c, &e);
    }
  }
  int64_t ms = srv->set->conf->redwire.shutdown_timeout_ms;
  srv->drain_timer.data = srv;
  uv_timer_start(&srv->drain_timer, on_drain_timeout, ms > 0 ? (uint64_t)ms : 0, 0);
  maybe_finish(srv);
}

void px_server_stop(px_server *srv) {
  if (srv->phase == PX_SERVER_STOPPING || srv->phase == PX_SERVER_DONE) {
    return;
  }
  srv->phase = PX_SERVER_STOPPING;
  PX_LOG_INFO(&srv->log, 0, "stopping: cancelling statements of %zu connection(s)", srv->nconns);
  stop_listening(srv);
  uv_timer_stop(&srv->drain_timer);
  px_conn *next;
  for (px_conn *c = srv->conns; c != NULL; c = next) {
    next = c->next;
    px_runner_cancel(c, PX_CANCEL_SHUTDOWN);
    px_conn_close(c, "server stopping");
  }
  maybe_finish(srv);
}

void px_server_reload(px_server *srv) {
  conf_diags diags;
  conf_diags_init(&diags);
  conf_settings *conf = NULL;
  conf_action action;
  conf_rc rc = conf_load(srv->argc, srv->argv, srv->envp, &conf, &action, &diags);
  for (size_t i = 0; i < diags.count; i++) {
    px_log_msg(&srv->log,
               diags.items[i].kind == CONF_DIAG_ERROR ? CONF_LOG_ERROR : CONF_LOG_WARNING, 0,
               "reload: %s", diags.items[i].text);
  }
  if (rc != CONF_OK || conf == NULL) {
    PX_LOG_ERROR(&srv->log, 0, "SIGHUP: configuration not reloaded (%s); keeping the old one",
                 conf_strerror(rc));
    return;
  }
  px_feature_finding found[PX_FEATURES_MAX];
  size_t n_found = px_features_check(conf, found);
  for (size_t i = 0; i < n_found; i++) {
    px_log_msg(&srv->log, found[i].fatal ? CONF_LOG_ERROR : CONF_LOG_WARNING, 0, "reload: %s",
               found[i].text);
  }
  if (px_features_any_fatal(found, n_found)) {
    PX_LOG_ERROR(&srv->log, 0, "SIGHUP: configuration not reloaded; keeping the old one");
    conf_free(conf);
    return;
  }
  const conf_redwire *old = &srv->set->conf->redwire;
  if (strcmp(old->listen_addr, conf->redwire.listen_addr) != 0 ||
      old->listen_port != conf->redwire.listen_port) {
    PX_LOG_WARN(&srv->log, 0, "reload: listen_addr/listen_port changes need a restart");
  }
  if (conf->redwire.auth_mode == CONF_AUTH_TRUST) {
    PX_LOG_WARN(&srv->log, 0, "auth_mode = trust: any client may connect without a password");
  }
  auth_userlist users;
  SSL_CTX *ctx = NULL;
  if (prepare(srv, conf, &users, &ctx) != PX_OK) {
    PX_LOG_ERROR(&srv->log, 0, "SIGHUP: configuration not reloaded; keeping the old one");
    conf_free(conf);
    return;
  }
  px_settings *s = settings_new(conf);
  if (s == NULL) {
    PX_LOG_ERROR(&srv->log, 0, "SIGHUP: out of memory; keeping the old configuration");
    auth_userlist_free(&users);
    SSL_CTX_free(ctx);
    return;
  }
  s->users = users;
  register_secrets(srv, conf, &s->users);
  px_settings *prev = srv->set;
  srv->set = s;
  /* Sessions already started hold their own reference to the old context. */
  SSL_CTX_free(srv->tls_ctx);
  srv->tls_ctx = ctx;
  srv->log.level = conf->redwire.log_level;
  /* Clients of the old settings without users are no longer reusable. */
  px_api **p = &srv->apis;
  while (*p != NULL) {
    px_api *a = *p;
    if (a->set == prev && a->refs == 0) {
      *p = a->next;
      api_free(a);
    } else {
      p = &a->next;
    }
  }
  px_settings_unref(prev);
  PX_LOG_INFO(&srv->log, 0, "SIGHUP: configuration reloaded; new connections use it");
}

static void on_signal(uv_signal_t *h, int signum) {
  px_server *srv = h->data;
  if (signum == SIGTERM) {
    px_server_drain(srv);
  } else if (signum == SIGINT) {
    px_server_stop(srv);
  } else if (signum == SIGHUP) {
    px_server_reload(srv);
  }
}

static void on_connection(uv_stream_t *listener, int status) {
  px_server *srv = listener->data;
  if (status < 0) {
    PX_LOG_WARN(&srv->log, 0, "accept: %s", uv_strerror(status));
    return;
  }
  if (srv->phase != PX_SERVER_RUNNING) {
    return;
  }
  px_conn_accept(srv);
}

static px_status listen_on(px_server *srv) {
  const conf_redwire *rw = &srv->set->conf->redwire;
  const char *addr = strcmp(rw->listen_addr, "*") == 0 ? "0.0.0.0" : rw->listen_addr;
  struct sockaddr_storage ss;
  int port = (int)rw->listen_port;
  if (uv_ip4_addr(addr, port, (struct sockaddr_in *)&ss) != 0 &&
      uv_ip6_addr(addr, port, (struct sockaddr_in6 *)&ss) != 0) {
    PX_LOG_ERROR(&srv->log, 0, "listen_addr %s is not an IPv4 or IPv6 address", addr);
    return PX_INVAL;
  }
  uv_tcp_init(srv->loop, &srv->listener);
  srv->listener.data = srv;
  srv->listening = true;
  srv->open_handles++;
  int rc = uv_tcp_bind(&srv->listener, (const struct sockaddr *)&ss, 0);
  if (rc == 0) {
    rc = uv_listen((uv_stream_t *)&srv->listener, 511, on_connection);
  }
  if (rc != 0) {
    PX_LOG_ERROR(&srv->log, 0, "cannot listen on %s:%d: %s", addr, port, uv_strerror(rc));
    return PX_IO;
  }
  srv->listener.data = srv;
  PX_LOG_INFO(&srv->log, 0, "listening on %s:%d", addr, port);
  return PX_OK;
}

static void start_signal(px_server *srv, uv_signal_t *h, int signum) {
  uv_signal_init(srv->loop, h);
  h->data = srv;
  srv->open_handles++;
  uv_signal_start(h, on_signal, signum);
}

px_status px_server_start(px_server *srv, uv_loop_t *loop, int argc, const char *const *argv,
                          const char *const *envp, conf_settings *conf) {
  memset(srv, 0, sizeof(*srv));
  srv->loop = loop;
  srv->argc = argc;
  srv->argv = argv;
  srv->envp = envp;
  px_log_init(&srv->log, conf->redwire.log_level);
  srv->set = settings_new(conf);
  if (srv->set == NULL) {
    PX_LOG_ERROR(&srv->log, 0, "out of memory");
    return PX_NOMEM;
  }
  if (px_log_open(&srv->log, srv->set->conf->redwire.log_file) != PX_OK) {
    PX_LOG_ERROR(&srv->log, 0, "cannot open log_file %s", srv->set->conf->redwire.log_file);
    return PX_IO;
  }
  uint32_t r = 0;
  if (RAND_bytes((unsigned char *)&r, sizeof r) != 1) {
    PX_LOG_ERROR(&srv->log, 0, "no random bytes available");
    return PX_IO;
  }
  srv->next_pid = r & 0x3fffffffu;
  if (prepare(srv, srv->set->conf, &srv->set->users, &srv->tls_ctx) != PX_OK) {
    return PX_INVAL;
  }
  register_secrets(srv, srv->set->conf, &srv->set->users);
  uv_timer_init(loop, &srv->drain_timer);
  srv->drain_timer.data = srv;
  srv->open_handles++;
  start_signal(srv, &srv->sig_term, SIGTERM);
  start_signal(srv, &srv->sig_int, SIGINT);
  start_signal(srv, &srv->sig_hup, SIGHUP);
  srv->phase = PX_SERVER_RUNNING;
  if (px_curl_uv_new(loop, &srv->curl) != DAPI_OK) {
    PX_LOG_ERROR(&srv->log, 0, "cannot start the Data API engine");
    srv->phase = PX_SERVER_STOPPING;
    maybe_finish(srv);
    return PX_NOMEM;
  }
  if (srv->set->conf->redwire.auth_mode == CONF_AUTH_TRUST) {
    PX_LOG_WARN(&srv->log, 0,
                "auth_mode = trust: any client may connect without a password, "
                "and every statement runs with redwire's own AWS identity");
  }
  /* trust and userlist sign with redwire's own identity: the credential chain (px_chain.h). */
  if (srv->set->conf->redwire.auth_mode != CONF_AUTH_IAM &&
      px_chain_start(srv, &srv->chain) != PX_OK) {
    PX_LOG_ERROR(&srv->log, 0, "out of memory");
    srv->phase = PX_SERVER_STOPPING;
    maybe_finish(srv);
    return PX_NOMEM;
  }
  if (listen_on(srv) != PX_OK) {
    srv->phase = PX_SERVER_STOPPING;
    maybe_finish(srv);
    return PX_IO;
  }
  return PX_OK;
}

void px_server_cleanup(px_server *srv) {
  SSL_CTX_free(srv->tls_ctx);
  srv->tls_ctx = NULL;
  px_keycache_free(srv->keycache);
  srv->keycache = NULL;
  px_chain_free(srv->chain);
  srv->chain = NULL;
  px_settings_unref(srv->set);
  srv->set = NULL;
  px_log_close(&srv->log);
  px_log_forget_secrets(&srv->log);
}
