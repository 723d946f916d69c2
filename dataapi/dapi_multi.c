/* dapi_multi.c — libcurl multi bridged to abstract event-loop hooks. */
#include "dapi_multi.h"

#include <stdlib.h>
#include <string.h>

/* Idle easy handles kept for reuse: enough for the common case of a few concurrent calls per
 * loop turn without holding much memory (an idle handle is a few KiB). */
#define POOL_MAX 32

struct dapi_multi {
  CURLM *curlm;             /* owned */
  dapi_multi_hooks hooks;   /* copied; hooks.ctx borrowed */
  bool curl_deadline_set;   /* curl asked for a timeout callback ... */
  uint64_t curl_deadline;   /* ... at this time (hooks.now_ms clock) */
  dapi_multi_timer *timers; /* borrowed entries, owned by their users; unsorted list */
  uint64_t timer_seq;       /* start counter, see run_timers */
  unsigned in_curl;         /* depth of engine calls into curl currently on the stack */
  unsigned dispatching;     /* depth of completions/timer callbacks on the stack */
  size_t n_xfers;           /* transfers added and not yet done/removed */
  CURL *pool[POOL_MAX];     /* owned idle easy handles */
  size_t n_pool;
};

dapi_rc dapi_multi_global_init(void) {
  return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? DAPI_OK : DAPI_ECURL;
}

static uint64_t now(const dapi_multi *m) {
  return m->hooks.now_ms(m->hooks.ctx);
}

/* CURLMOPT_SOCKETFUNCTION: runs inside curl; only talks to the hooks. */
static int on_curl_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
  dapi_multi *m = userp;
  (void)easy;
  if (what == CURL_POLL_REMOVE) {
    m->hooks.unwatch(m->hooks.ctx, (int)s, socketp);
    /* Forget the state now: the same fd number may come back for a new connection. */
    curl_multi_assign(m->curlm, s, NULL);
    return 0;
  }
  unsigned events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) {
    events |= DAPI_IO_READ;
  }
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) {
    events |= DAPI_IO_WRITE;
  }
  if (events == 0) {
    return 0;
  }
  void *state = socketp;
  int rc = m->hooks.watch(m->hooks.ctx, (int)s, events, &state);
  if (state != socketp) {
    curl_multi_assign(m->curlm, s, state);
  }
  return rc == 0 ? 0 : -1;
}

/* CURLMOPT_TIMERFUNCTION: only records the deadline; the hook timer is rearmed by the engine
 * entry point once curl has returned (never from inside curl). */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp) {
  dapi_multi *m = userp;
  (void)multi;
  if (timeout_ms < 0) {
    m->curl_deadline_set = false;
  } else {
    m->curl_deadline_set = true;
    m->curl_deadline = now(m) + (uint64_t)timeout_ms;
  }
  return 0;
}

static void rearm(dapi_multi *m) {
  bool any = m->curl_deadline_set;
  uint64_t due = m->curl_deadline;
  for (const dapi_multi_timer *t = m->timers; t != NULL; t = t->next) {
    if (!any || t->due_ms < due) {
      due = t->due_ms;
      any = true;
    }
  }
  if (!any) {
    m->hooks.timer_disarm(m->hooks.ctx);
    return;
  }
  uint64_t n = now(m);
  m->hooks.timer_arm(m->hooks.ctx, due > n ? due - n : 0);
}

dapi_rc dapi_multi_new(const dapi_multi_hooks *hooks, dapi_multi **out) {
  *out = NULL;
  if (hooks == NULL || hooks->watch == NULL || hooks->unwatch == NULL || hooks->timer_arm == NULL ||
      hooks->timer_disarm == NULL || hooks->now_ms == NULL) {
    return DAPI_EINVAL;
  }
  dapi_multi *m = calloc(1, sizeof(*m));
  if (m == NULL) {
    return DAPI_ENOMEM;
  }
  m->hooks = *hooks;
  m->curlm = curl_multi_init();
  if (m->curlm == NULL) {
    free(m);
    return DAPI_ECURL;
  }
  bool ok = curl_multi_setopt(m->curlm, CURLMOPT_SOCKETFUNCTION, on_curl_socket) == CURLM_OK &&
            curl_multi_setopt(m->curlm, CURLMOPT_SOCKETDATA, m) == CURLM_OK &&
            curl_multi_setopt(m->curlm, CURLMOPT_TIMERFUNCTION, on_curl_timer) == CURLM_OK &&
            curl_multi_setopt(m->curlm, CURLMOPT_TIMERDATA, m) == CURLM_OK;
  if (!ok) {
    curl_multi_cleanup(m->curlm);
    free(m);
    return DAPI_ECURL;
  }
  *out = m;
  return DAPI_OK;
}

dapi_rc dapi_multi_free(dapi_multi *m) {
  if (m == NULL) {
    return DAPI_OK;
  }
  if (m->n_xfers > 0 || m->timers != NULL || m->dispatching > 0 || m->in_curl > 0) {
    return DAPI_EBUSY;
  }
  for (size_t i = 0; i < m->n_pool; i++) {
    curl_easy_cleanup(m->pool[i]);
  }
  /* Closes the cached connections; curl reports their sockets through on_curl_socket. */
  m->in_curl++;
  curl_multi_cleanup(m->curlm);
  m->in_curl--;
  m->hooks.timer_disarm(m->hooks.ctx);
  free(m);
  return DAPI_OK;
}

bool dapi_multi_in_curl(const dapi_multi *m) {
  return m->in_curl > 0;
}

/* Completes every finished transfer. Runs outside curl (after socket_action returned). */
static void drain(dapi_multi *m) {
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(m->curlm, &left)) != NULL) {
    if (msg->msg != CURLMSG_DONE) {
      continue;
    }
    CURL *easy = msg->easy_handle;
    CURLcode result = msg->data.result;
    dapi_multi_xfer *x = NULL;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
    curl_multi_remove_handle(m->curlm, easy);
    m->n_xfers--;
    if (x == NULL) {
      continue;
    }
    x->easy = NULL;
    m->dispatching++;
    x->done(x->ctx, easy, result);
    m->dispatching--;
  }
}

/* Runs the timer entries that are due. Only entries started before this turn qualify (by
 * sequence number), so an entry restarted by a callback, even with 0 ms, waits for the next turn
 * instead of looping here; an entry stopped by an earlier callback of this turn does not run.
 * Each pass rescans the list: callbacks may start or stop any entry. */
static void run_timers(dapi_multi *m) {
  uint64_t n = now(m);
  uint64_t limit = m->timer_seq;
  for (;;) {
    dapi_multi_timer *t = m->timers;
    while (t != NULL && !(t->due_ms <= n && t->seq < limit)) {
      t = t->next;
    }
    if (t == NULL) {
      return;
    }
    dapi_multi_timer_stop(m, t);
    m->dispatching++;
    t->fn(t->ctx);
    m->dispatching--;
  }
}

dapi_rc dapi_multi_on_socket(dapi_multi *m, int fd, unsigned events) {
  int flags = 0;
  if (events & DAPI_IO_READ) {
    flags |= CURL_CSELECT_IN;
  }
  if (events & DAPI_IO_WRITE) {
    flags |= CURL_CSELECT_OUT;
  }
  if (events & DAPI_IO_ERROR) {
    flags |= CURL_CSELECT_ERR;
  }
  int running = 0;
  m->in_curl++;
  CURLMcode mc = curl_multi_socket_action(m->curlm, (curl_socket_t)fd, flags, &running);
  m->in_curl--;
  drain(m);
  rearm(m);
  return mc == CURLM_OK ? DAPI_OK : DAPI_ECURL;
}

dapi_rc dapi_multi_on_timer(dapi_multi *m) {
  CURLMcode mc = CURLM_OK;
  if (m->curl_deadline_set && m->curl_deadline <= now(m)) {
    m->curl_deadline_set = false;
    int running = 0;
    m->in_curl++;
    mc = curl_multi_socket_action(m->curlm, CURL_SOCKET_TIMEOUT, 0, &running);
    m->in_curl--;
  }
  drain(m);
  run_timers(m);
  rearm(m);
  return mc == CURLM_OK ? DAPI_OK : DAPI_ECURL;
}

dapi_rc dapi_multi_easy_get(dapi_multi *m, CURL **out) {
  if (m->n_pool > 0) {
    *out = m->pool[--m->n_pool];
    return DAPI_OK;
  }
  *out = curl_easy_init();
  return *out != NULL ? DAPI_OK : DAPI_ENOMEM;
}

void dapi_multi_easy_put(dapi_multi *m, CURL *easy) {
  if (easy == NULL) {
    return;
  }
  if (m->n_pool == POOL_MAX) {
    curl_easy_cleanup(easy);
    return;
  }
  /* Drops every option (and with them every pointer into the finished call) but keeps the
   * handle's DNS/TLS session caches. */
  curl_easy_reset(easy);
  m->pool[m->n_pool++] = easy;
}

dapi_rc dapi_multi_add(dapi_multi *m, dapi_multi_xfer *x, CURL *easy, dapi_multi_done_fn done,
                       void *ctx) {
  if (x->easy != NULL || done == NULL) {
    return DAPI_EINVAL;
  }
  if (curl_easy_setopt(easy, CURLOPT_PRIVATE, (void *)x) != CURLE_OK) {
    return DAPI_ECURL;
  }
  m->in_curl++;
  CURLMcode mc = curl_multi_add_handle(m->curlm, easy);
  m->in_curl--;
  if (mc != CURLM_OK) {
    return mc == CURLM_OUT_OF_MEMORY ? DAPI_ENOMEM : DAPI_ECURL;
  }
  x->easy = easy;
  x->done = done;
  x->ctx = ctx;
  m->n_xfers++;
  /* curl asked for a 0 ms timeout while adding: arm the hook timer now that it returned. */
  if (m->in_curl == 0) {
    rearm(m);
  }
  return DAPI_OK;
}

dapi_rc dapi_multi_remove(dapi_multi *m, dapi_multi_xfer *x) {
  if (m->in_curl > 0) {
    return DAPI_EBUSY;
  }
  if (x->easy == NULL) {
    return DAPI_OK;
  }
  m->in_curl++;
  CURLMcode mc = curl_multi_remove_handle(m->curlm, x->easy);
  m->in_curl--;
  x->easy = NULL;
  m->n_xfers--;
  rearm(m);
  return mc == CURLM_OK ? DAPI_OK : DAPI_ECURL;
}

dapi_rc dapi_multi_unpause(dapi_multi *m, dapi_multi_xfer *x) {
  if (m->in_curl > 0) {
    return DAPI_EBUSY;
  }
  if (x->easy == NULL) {
    return DAPI_EINVAL;
  }
  m->in_curl++;
  CURLcode rc = curl_easy_pause(x->easy, CURLPAUSE_CONT);
  m->in_curl--;
  rearm(m);
  return rc == CURLE_OK ? DAPI_OK : DAPI_ECURL;
}

void dapi_multi_timer_start(dapi_multi *m, dapi_multi_timer *t, uint64_t delay_ms,
                            dapi_multi_timer_fn fn, void *ctx) {
  dapi_multi_timer_stop(m, t);
  t->due_ms = now(m) + delay_ms;
  t->fn = fn;
  t->ctx = ctx;
  t->armed = true;
  t->seq = m->timer_seq++;
  t->prev = NULL;
  t->next = m->timers;
  if (m->timers != NULL) {
    m->timers->prev = t;
  }
  m->timers = t;
  if (m->in_curl == 0) {
    rearm(m);
  }
}

void dapi_multi_timer_stop(dapi_multi *m, dapi_multi_timer *t) {
  if (!t->armed) {
    return;
  }
  if (t->prev != NULL) {
    t->prev->next = t->next;
  } else {
    m->timers = t->next;
  }
  if (t->next != NULL) {
    t->next->prev = t->prev;
  }
  t->prev = t->next = NULL;
  t->armed = false;
  if (m->in_curl == 0) {
    rearm(m);
  }
}
