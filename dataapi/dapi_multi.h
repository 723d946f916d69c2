/*
 * dapi_multi.h — the libcurl multi engine, with its I/O readiness and timer abstracted as hooks.
 *
 * dataapi/ knows libcurl but not libuv (DESIGN §1): this engine turns curl's socket and timer
 * callbacks into calls of a dapi_multi_hooks struct, and the event loop reports readiness and
 * timeouts back with dapi_multi_on_socket / dapi_multi_on_timer. proxy/px_curl_uv implements
 * the hooks with uv_poll_t and uv_timer_t; tests may implement them with anything.
 *
 * Besides curl's own timer, the engine multiplexes any number of dapi_multi_timer entries (retry
 * backoffs, deferred work) onto the ONE hook timer. Entries live in an unsorted list scanned for
 * the earliest deadline: only calls waiting out a backoff or a deferred step are on it, which is
 * a handful even with thousands of connections.
 *
 * Re-entrancy rules (curl's documented ones, STYLE R13): curl_multi_socket_action,
 * curl_multi_remove_handle and curl_easy_pause must never run from inside a curl callback. Every
 * entry into curl here is bracketed, and dapi_multi_in_curl() tells code running in a write or
 * header callback that it must defer (with a 0 ms dapi_multi_timer) instead of calling back in.
 * Transfer completions and timer callbacks always run outside curl.
 *
 * Single-threaded: every function runs on the loop's thread.
 */
#ifndef REDWIRE_DAPI_MULTI_H
#define REDWIRE_DAPI_MULTI_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "dapi_client_rc.h"

/* Readiness bits for watch and on_socket. */
#define DAPI_IO_READ  1u
#define DAPI_IO_WRITE 2u
#define DAPI_IO_ERROR 4u /* on_socket only: the poller reported an error on the fd */

/*
 * What the event loop provides. ctx is borrowed and passed to every hook. Hooks are called from
 * inside curl callbacks (watch/unwatch) or from engine entry points (timer_*): they must not call
 * back into the engine.
 */
typedef struct dapi_multi_hooks {
  void *ctx;
  /*
   * Watch fd for events (DAPI_IO_READ and/or DAPI_IO_WRITE, never 0), replacing the previous
   * interest. *sock_state is NULL the first time for this socket; the hook may store its own
   * per-socket state there (the engine keeps it with curl_multi_assign and hands it back on
   * every later call). Returns 0, or -1 when the fd cannot be watched (curl then fails the
   * transfers of this multi).
   */
  int (*watch)(void *ctx, int fd, unsigned events, void **sock_state);
  /* Stop watching fd, immediately; sock_state is what watch stored (may be NULL). The hook owns
   * and releases it. curl may close fd right after this returns. */
  void (*unwatch)(void *ctx, int fd, void *sock_state);
  /* Arm the single timer to call dapi_multi_on_timer after delay_ms, replacing any previous
   * arming. delay_ms == 0 means "on the next loop iteration", never synchronously. */
  void (*timer_arm)(void *ctx, uint64_t delay_ms);
  void (*timer_disarm)(void *ctx);
  /* A monotonic clock in milliseconds, the one the timer counts in. */
  uint64_t (*now_ms)(void *ctx);
} dapi_multi_hooks;

typedef struct dapi_multi dapi_multi;

/* A timer entry, embedded by its user. Zero-initialise it; start/stop as often as needed. The
 * members are the engine's: read none of them but `armed`. */
typedef void (*dapi_multi_timer_fn)(void *ctx);
typedef struct dapi_multi_timer {
  uint64_t due_ms;
  dapi_multi_timer_fn fn;
  void *ctx; /* borrowed; passed to fn */
  bool armed;
  uint64_t seq;
  struct dapi_multi_timer *prev, *next;
} dapi_multi_timer;

/* A transfer's completion: result is curl's code for the whole transfer. Runs outside curl; the
 * easy handle is already removed from the multi and is the callee's again. */
typedef void (*dapi_multi_done_fn)(void *ctx, CURL *easy, CURLcode result);

/* One transfer in the engine, embedded by its user (CURLOPT_PRIVATE points here). */
typedef struct dapi_multi_xfer {
  CURL *easy; /* borrowed from the user while added; NULL when not in the engine */
  dapi_multi_done_fn done;
  void *ctx; /* borrowed; passed to done */
} dapi_multi_xfer;

/* Creates the engine. hooks is copied (hooks->ctx stays borrowed and must outlive the engine).
 * Requires curl_global_init to have run (dapi_multi_global_init does it once). */
DAPI_MUSTCHECK dapi_rc dapi_multi_new(const dapi_multi_hooks *hooks, dapi_multi **out);

/* Frees the engine: DAPI_EBUSY (and nothing freed) while transfers or timers are pending or
 * when called from inside an engine callback. Idle pooled easy handles and cached connections
 * are closed; unwatch is called for their sockets. */
DAPI_MUSTCHECK dapi_rc dapi_multi_free(dapi_multi *m);

/* curl_global_init(CURL_GLOBAL_DEFAULT); call once at startup, before any thread exists. */
DAPI_MUSTCHECK dapi_rc dapi_multi_global_init(void);

/* The loop saw events (DAPI_IO_*) on fd. Runs curl, then completions and rearms the timer. */
DAPI_MUSTCHECK dapi_rc dapi_multi_on_socket(dapi_multi *m, int fd, unsigned events);

/* The hook timer fired. Runs curl's timeouts, completions and due timer entries; rearms. */
DAPI_MUSTCHECK dapi_rc dapi_multi_on_timer(dapi_multi *m);

/* An easy handle, reset to defaults: from the idle pool, else new. Give it back with put. */
DAPI_MUSTCHECK dapi_rc dapi_multi_easy_get(dapi_multi *m, CURL **out);
/* Returns an easy handle that is not in the engine to the pool (or cleans it up when the pool
 * is full). Connections live in the multi's cache, not in the handle. */
void dapi_multi_easy_put(dapi_multi *m, CURL *easy);

/* Adds easy as transfer x; done fires exactly once unless dapi_multi_remove runs first. */
DAPI_MUSTCHECK dapi_rc dapi_multi_add(dapi_multi *m, dapi_multi_xfer *x, CURL *easy,
                                      dapi_multi_done_fn done, void *ctx);
/* Removes transfer x without calling done. Not from inside a curl callback (DAPI_EBUSY). */
DAPI_MUSTCHECK dapi_rc dapi_multi_remove(dapi_multi *m, dapi_multi_xfer *x);
/* curl_easy_pause(CURLPAUSE_CONT) on transfer x. curl may deliver the held data to the write
 * callback before this returns. Not from inside a curl callback (DAPI_EBUSY). */
DAPI_MUSTCHECK dapi_rc dapi_multi_unpause(dapi_multi *m, dapi_multi_xfer *x);

/* True while a curl function called by the engine is on the stack (i.e. in write/header
 * callbacks): code there must defer engine calls with a 0 ms timer. */
bool dapi_multi_in_curl(const dapi_multi *m);

/* (Re)starts t to call fn(ctx) after delay_ms (0: on the next engine turn, never synchronously). */
void dapi_multi_timer_start(dapi_multi *m, dapi_multi_timer *t, uint64_t delay_ms,
                            dapi_multi_timer_fn fn, void *ctx);
/* Stops t if armed; fn will not run. */
void dapi_multi_timer_stop(dapi_multi *m, dapi_multi_timer *t);

#endif
