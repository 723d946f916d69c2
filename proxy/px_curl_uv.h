/*
 * px_curl_uv.h — runs the Data API engine (dataapi/dapi_multi) on a libuv loop.
 *
 * Implements dapi_multi_hooks with one uv_poll_t per curl socket (kept by the engine with
 * curl_multi_assign), one uv_timer_t for deadlines and one uv_idle_t for "0 ms" requests, which
 * run on the next loop iteration instead of synchronously (curl must never be re-entered from its
 * own timer callback, STYLE R13). A poll error (status < 0, e.g. UV_EBADF for POLLERR) is passed
 * to curl as CURL_CSELECT_ERR, not dropped.
 *
 * Lifetime:
 *  - px_curl_uv_new initialises the handles on loop and creates the engine; the px_curl_uv owns
 *    the engine (px_curl_uv_multi returns it, borrowed, valid until px_curl_uv_close).
 *  - px_curl_uv_close frees the engine (it must be idle: every dapi_client freed, no call
 *    pending; otherwise DAPI_EBUSY and nothing happens), stops and closes every uv handle, and
 *    frees the px_curl_uv in the last close callback, then calls on_closed(arg) (may be NULL).
 *    The loop must run afterwards for the close callbacks, so uv_loop_close succeeds only then.
 *  - Each per-socket poll is freed in its own close callback, after curl said CURL_POLL_REMOVE.
 */
#ifndef REDWIRE_PX_CURL_UV_H
#define REDWIRE_PX_CURL_UV_H

#include <uv.h>

#include "dapi_multi.h"

typedef struct px_curl_uv px_curl_uv;

/* loop is borrowed and must outlive the px_curl_uv. */
DAPI_MUSTCHECK dapi_rc px_curl_uv_new(uv_loop_t *loop, px_curl_uv **out);

/* The engine; borrowed, valid until px_curl_uv_close. */
dapi_multi *px_curl_uv_multi(px_curl_uv *p);

/* The last error the engine returned from a loop callback (DAPI_OK if none). Loop callbacks
 * cannot return errors, so they are kept here for the owner to inspect. */
dapi_rc px_curl_uv_last_error(const px_curl_uv *p);

DAPI_MUSTCHECK dapi_rc px_curl_uv_close(px_curl_uv *p, void (*on_closed)(void *arg), void *arg);

#endif
