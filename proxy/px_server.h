/* px_server.h — the one object that owns a running redwire: the loop's handles, the settings,
 * the Data API engine and clients, the log, and the list of client connections.
 *
 * Nothing in proxy/ reads configuration from globals: every connection holds a reference to
 * the px_settings it started with. SIGHUP builds a new px_settings and swaps it in for new
 * connections; old values live until their last connection ends.
 *
 * Signals (DESIGN §7): SIGTERM drains (stop accepting; idle clients are told 57P01 and closed;
 * running statements may finish for shutdown_timeout, then they are cancelled), SIGINT stops
 * fast (every running statement is cancelled, every client closed), SIGHUP reloads.
 */
#ifndef PX_SERVER_H
#define PX_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include <uv.h>

#include "auth_userlist.h"
#include "conf.h"
#include "dapi_client.h"
#include "px_curl_uv.h"
#include "px_log.h"
#include "px_status.h"

typedef struct px_conn px_conn;

/* An immutable configuration with a reference count (one per connection, one for "current"). */
typedef struct px_settings {
  conf_settings *conf; /* owned; freed with the last reference */
  auth_userlist users; /* owned; auth_file, parsed (auth_mode = userlist only) */
  unsigned refs;
} px_settings;

px_settings *px_settings_ref(px_settings *s);
void px_settings_unref(px_settings *s);

/* One Data API client per (settings generation, endpoint, region): its limits and retry policy
 * come from those settings; its retry budget is shared by every connection using it. */
typedef struct px_api {
  struct px_api *next;
  px_settings *set;    /* reference */
  char *endpoint;      /* owned */
  char *region;        /* owned */
  dapi_client *client; /* owned */
  unsigned refs;       /* connections using it; freed at 0 unless its settings are current */
  bool no_long_poll;   /* the endpoint refused WaitTimeSeconds once: poll DescribeStatement */
} px_api;

typedef enum {
  PX_SERVER_RUNNING,
  PX_SERVER_DRAINING, /* SIGTERM: not accepting; statements may finish */
  PX_SERVER_STOPPING, /* SIGINT, or the drain timed out: everything is being cancelled */
  PX_SERVER_DONE,     /* every handle is closing; the loop ends */
} px_server_phase;

typedef struct px_server {
  uv_loop_t *loop; /* borrowed */
  int argc;        /* main's argument vector and environment, borrowed for reloads */
  const char *const *argv;
  const char *const *envp;
  px_log log;
  px_settings *set; /* reference: the settings new connections get */
  SSL_CTX *tls_ctx; /* owned; client TLS of set (NULL when client_tls_sslmode = disable) */
  px_curl_uv *curl; /* owned; the Data API engine */
  struct px_keycache *keycache; /* owned; login key checks that passed (NULL until needed) */
  struct px_chain *chain;       /* owned; redwire's own identity (NULL in auth_mode = iam) */
  px_api *apis;                 /* owned list */
  uv_tcp_t listener;
  bool listening;
  uv_signal_t sig_term, sig_int, sig_hup;
  uv_timer_t drain_timer;
  unsigned open_handles; /* server handles not yet closed */
  px_conn *conns;        /* every live connection (incl. closing ones not yet freed) */
  size_t nconns;
  uint64_t next_conn_id;
  uint32_t next_pid;
  px_server_phase phase;
  int exit_code;
} px_server;

/* Binds the listener and installs the signal handlers on loop. conf is transferred (freed with
 * the server even on failure). argv/envp stay borrowed for reloads. On failure the reason has
 * been logged and every handle opened so far is closing: run the loop once more, then exit. */
PX_MUSTCHECK px_status px_server_start(px_server *srv, uv_loop_t *loop, int argc,
                                       const char *const *argv, const char *const *envp,
                                       conf_settings *conf);

/* Frees what is left after uv_run returned (settings, log). */
void px_server_cleanup(px_server *srv);

/* The Data API client for a region/endpoint under settings set; a new reference in *out.
 * PX_INVAL when the settings cannot make a client (message in *why, static). */
PX_MUSTCHECK px_status px_server_api_get(px_server *srv, px_settings *set, const char *endpoint,
                                         const char *region, px_api **out, const char **why);
void px_server_api_put(px_server *srv, px_api *api);

/* A fresh BackendKeyData pair: a process-unique pid and a random secret. PX_IO when no random
 * bytes are available. */
PX_MUSTCHECK px_status px_server_mint_key(px_server *srv, int32_t *pid, uint8_t key[4]);

/* The connection a CancelRequest names, or NULL. */
px_conn *px_server_find_by_key(px_server *srv, int32_t pid, const uint8_t *key, size_t key_len);

/* Connection bookkeeping (px_conn.c calls these). */
void px_server_conn_added(px_server *srv, px_conn *c);
void px_server_conn_freed(px_server *srv, px_conn *c);

/* Signal actions, also callable directly (tests, px_main). */
void px_server_drain(px_server *srv);
void px_server_stop(px_server *srv);
void px_server_reload(px_server *srv);

#endif
