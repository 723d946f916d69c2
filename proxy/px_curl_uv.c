/* px_curl_uv.c — dapi_multi hooks on libuv. */
#include "px_curl_uv.h"

#include <stdlib.h>

struct px_curl_uv {
  uv_loop_t *loop;  /* borrowed */
  dapi_multi *m;    /* owned */
  uv_timer_t timer; /* embedded; timer.data == this */
  uv_idle_t idle;   /* embedded; the 0 ms case */
  unsigned closing; /* handles still closing; free at 0 */
  dapi_rc last_error;
  void (*on_closed)(void *arg);
  void *closed_arg; /* borrowed */
};

/* One watched curl socket. Freed in poll_closed, never earlier: libuv may still reference it. */
typedef struct px_sock {
  uv_poll_t poll; /* embedded; poll.data == the px_curl_uv */
  int fd;
} px_sock;

static void note(px_curl_uv *p, dapi_rc rc) {
  if (rc != DAPI_OK) {
    p->last_error = rc;
  }
}

static void on_poll(uv_poll_t *h, int status, int events) {
  px_curl_uv *p = h->data;
  px_sock *s = (px_sock *)h;
  unsigned ev = 0;
  if (status < 0) {
    ev = DAPI_IO_ERROR;
  } else {
    if (events & UV_READABLE) {
      ev |= DAPI_IO_READ;
    }
    if (events & UV_WRITABLE) {
      ev |= DAPI_IO_WRITE;
    }
  }
  note(p, dapi_multi_on_socket(p->m, s->fd, ev));
}

static void poll_closed(uv_handle_t *h) {
  free(h);
}

static int hook_watch(void *ctx, int fd, unsigned events, void **sock_state) {
  px_curl_uv *p = ctx;
  px_sock *s = *sock_state;
  if (s == NULL) {
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
      return -1;
    }
    if (uv_poll_init_socket(p->loop, &s->poll, fd) != 0) {
      free(s);
      return -1;
    }
    s->fd = fd;
    s->poll.data = p;
    *sock_state = s;
  }
  int uvev = 0;
  if (events & DAPI_IO_READ) {
    uvev |= UV_READABLE;
  }
  if (events & DAPI_IO_WRITE) {
    uvev |= UV_WRITABLE;
  }
  return uv_poll_start(&s->poll, uvev, on_poll) == 0 ? 0 : -1;
}

static void hook_unwatch(void *ctx, int fd, void *sock_state) {
  (void)ctx;
  (void)fd;
  px_sock *s = sock_state;
  if (s == NULL) {
    return;
  }
  /* Stop first: curl closes the fd right after this returns, and the same number may be
   * watched again before the close callback runs. */
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, poll_closed);
}

static void on_timer(uv_timer_t *t) {
  px_curl_uv *p = t->data;
  note(p, dapi_multi_on_timer(p->m));
}

static void on_idle(uv_idle_t *i) {
  px_curl_uv *p = i->data;
  uv_idle_stop(&p->idle);
  note(p, dapi_multi_on_timer(p->m));
}

static void hook_timer_arm(void *ctx, uint64_t delay_ms) {
  px_curl_uv *p = ctx;
  if (delay_ms == 0) {
    /* An idle handle runs in the next iteration (and keeps the poll phase from blocking):
     * libuv 1.44 would run a 0 ms uv_timer again within the same timer phase. */
    uv_timer_stop(&p->timer);
    uv_idle_start(&p->idle, on_idle);
    return;
  }
  uv_idle_stop(&p->idle);
  uv_timer_start(&p->timer, on_timer, delay_ms, 0);
}

static void hook_timer_disarm(void *ctx) {
  px_curl_uv *p = ctx;
  uv_timer_stop(&p->timer);
  uv_idle_stop(&p->idle);
}

static uint64_t hook_now(void *ctx) {
  px_curl_uv *p = ctx;
  return uv_now(p->loop);
}

dapi_rc px_curl_uv_new(uv_loop_t *loop, px_curl_uv **out) {
  *out = NULL;
  px_curl_uv *p = calloc(1, sizeof(*p));
  if (p == NULL) {
    return DAPI_ENOMEM;
  }
  p->loop = loop;
  dapi_multi_hooks hooks = {
      .ctx = p,
      .watch = hook_watch,
      .unwatch = hook_unwatch,
      .timer_arm = hook_timer_arm,
      .timer_disarm = hook_timer_disarm,
      .now_ms = hook_now,
  };
  dapi_rc rc = dapi_multi_new(&hooks, &p->m);
  if (rc != DAPI_OK) {
    free(p);
    return rc;
  }
  /* Neither init can fail on a valid loop (they only fill the struct). */
  uv_timer_init(loop, &p->timer);
  uv_idle_init(loop, &p->idle);
  p->timer.data = p;
  p->idle.data = p;
  *out = p;
  return DAPI_OK;
}

dapi_multi *px_curl_uv_multi(px_curl_uv *p) {
  return p->m;
}

dapi_rc px_curl_uv_last_error(const px_curl_uv *p) {
  return p->last_error;
}

static void handle_closed(uv_handle_t *h) {
  px_curl_uv *p = h->data;
  if (--p->closing > 0) {
    return;
  }
  void (*cb)(void *) = p->on_closed;
  void *arg = p->closed_arg;
  free(p);
  if (cb != NULL) {
    cb(arg);
  }
}

dapi_rc px_curl_uv_close(px_curl_uv *p, void (*on_closed)(void *arg), void *arg) {
  dapi_rc rc = dapi_multi_free(p->m);
  if (rc != DAPI_OK) {
    return rc;
  }
  p->m = NULL;
  p->on_closed = on_closed;
  p->closed_arg = arg;
  p->closing = 2;
  uv_timer_stop(&p->timer);
  uv_idle_stop(&p->idle);
  uv_close((uv_handle_t *)&p->timer, handle_closed);
  uv_close((uv_handle_t *)&p->idle, handle_closed);
  return DAPI_OK;
}
