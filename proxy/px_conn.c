/* px_conn.c — a client connection: accept, state transitions, reading, writing, closing. */
#include "px_conn.h"

#include "px_userlist.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* PostgreSQL's own bound on the startup packet (MAX_STARTUP_PACKET_LENGTH). */
#define PX_STARTUP_MAX 10000u
/* Pipelined input buffered while a statement runs; reading pauses above it. */
#define PX_PIPELINE_MAX (64u * 1024u)
/* Read room beyond one maximal message, so a full message plus the next header fit. */
#define PX_READ_SLACK (64u * 1024u)
/* Read room: at most PX_READ_CHUNK per read, PX_FIRST_READ into an empty buffer. */
#define PX_READ_CHUNK 16384u
#define PX_FIRST_READ 1024u
/* How long a client may take to log in (PostgreSQL's authentication_timeout default). */
#define PX_LOGIN_TIMEOUT_MS 60000u

static const char *const state_names[PX_CONN_STATE_MAX] = {
    [PX_CONN_STARTUP] = "STARTUP", [PX_CONN_AUTH] = "AUTH",         [PX_CONN_IDLE] = "IDLE",
    [PX_CONN_BUSY] = "BUSY",       [PX_CONN_FLUSHING] = "FLUSHING", [PX_CONN_CLOSING] = "CLOSING",
};

const char *px_conn_state_name(px_conn_state s) {
  return s < PX_CONN_STATE_MAX ? state_names[s] : "?";
}

/* Allowed transitions: allowed[from] has bit `to` set. */
#define BIT(s) (1u << (s))
static const unsigned allowed[PX_CONN_STATE_MAX] = {
    [PX_CONN_STARTUP] =
        BIT(PX_CONN_AUTH) | BIT(PX_CONN_IDLE) | BIT(PX_CONN_FLUSHING) | BIT(PX_CONN_CLOSING),
    [PX_CONN_AUTH] = BIT(PX_CONN_IDLE) | BIT(PX_CONN_FLUSHING) | BIT(PX_CONN_CLOSING),
    [PX_CONN_IDLE] = BIT(PX_CONN_BUSY) | BIT(PX_CONN_FLUSHING) | BIT(PX_CONN_CLOSING),
    [PX_CONN_BUSY] = BIT(PX_CONN_IDLE) | BIT(PX_CONN_FLUSHING) | BIT(PX_CONN_CLOSING),
    [PX_CONN_FLUSHING] = BIT(PX_CONN_CLOSING),
    [PX_CONN_CLOSING] = 0,
};

const conf_settings *px_conn_conf(const px_conn *c) {
  return c->set->conf;
}

void px_conn_set_state_at(px_conn *c, px_conn_state s, int line) {
  px_conn_state old = c->state;
  if (old == s) {
    return;
  }
  if ((allowed[old] & BIT(s)) == 0) {
    /* A bug, not a client's doing: log loudly and close rather than run in a state nobody
     * planned for. CLOSING is always reachable, so this cannot recurse. */
    PX_LOG_ERROR(&c->srv->log, c->id, "invalid state transition %s -> %s (line %d)",
                 px_conn_state_name(old), px_conn_state_name(s), line);
    s = PX_CONN_CLOSING;
    if (old == PX_CONN_CLOSING) {
      return;
    }
  }
  PX_LOG_DEBUG(&c->srv->log, c->id, "%s -> %s (line %d)", px_conn_state_name(old),
               px_conn_state_name(s), line);
  c->state = s;
}

size_t px_conn_queued(const px_conn *c) {
  size_t n = pgw_buf_len(&c->out) + pgw_buf_len(&c->wbuf);
  return c->tls != NULL ? n + px_tls_pending_out(c->tls) : n;
}

static size_t high_water(const px_conn *c) {
  return (size_t)px_conn_conf(c)->redwire.client_output_high_water;
}

static size_t low_water(const px_conn *c) {
  return (size_t)px_conn_conf(c)->redwire.client_output_low_water;
}

/* ---- freeing ---- */

static void conn_free(px_conn *c) {
  px_query_free(c);
  px_userlist_free(c);
  if (c->tls != NULL) {
    px_tls_free(c->tls);
    free(c->tls);
  }
  px_ext_free(c);
  free(c->work);
  px_session_free(c);
  pgw_buf_free(&c->in);
  pgw_buf_free(&c->out);
  pgw_buf_free(&c->wbuf);
  free(c->user); /* database and app_name share its allocation */
  free(c->session_id);
  px_creds_free(&c->creds);
  px_server *srv = c->srv;
  if (c->api != NULL) {
    px_server_api_put(srv, c->api);
  }
  px_settings_unref(c->set);
  px_server_conn_freed(srv, c);
  free(c);
}

px_work *px_conn_work(px_conn *c) {
  if (c->work == NULL) {
    c->work = calloc(1, sizeof(*c->work));
    if (c->work == NULL) {
      pgw_error e;
      pgw_error_set(&e, "FATAL", "53200", "out of memory");
      px_conn_fatal(c, &e);
    }
  }
  return c->work;
}

void px_conn_maybe_free(px_conn *c) {
  if (c->state == PX_CONN_CLOSING && c->pending_closes == 0 && c->pending_calls == 0 &&
      !px_farewell_start(c)) {
    conn_free(c);
  }
}

static void on_handle_closed(uv_handle_t *h) {
  px_conn *c = h->data;
  c->pending_closes--;
  px_conn_maybe_free(c);
}

void px_conn_close(px_conn *c, const char *reason) {
  if (c->state == PX_CONN_CLOSING) {
    return; /* idempotent */
  }
  bool busy = c->state == PX_CONN_BUSY;
  px_conn_set_state(c, PX_CONN_CLOSING);
  PX_LOG_INFO(&c->srv->log, c->id, "closing connection%s: %s",
              busy ? " while a statement runs" : "", reason);
  /* Detach the statement first: it cancels the statement on the service and abandons page
   * transfers; their done callbacks still come (pending_calls) and find the state CLOSING. */
  px_runner_detach(c);
  px_conn_timer_stop(c); /* its close callback needs nothing of c */
  c->pending_closes = 1;
  uv_close((uv_handle_t *)&c->tcp, on_handle_closed);
}

/* ---- the timer ---- */

static void on_timer_closed(uv_handle_t *h) {
  free(h);
}

px_status px_conn_timer_start(px_conn *c, uv_timer_cb cb, uint64_t ms) {
  if (c->timer == NULL) {
    c->timer = malloc(sizeof *c->timer);
    if (c->timer == NULL) {
      return PX_NOMEM;
    }
    uv_timer_init(c->srv->loop, c->timer);
    c->timer->data = c;
  }
  uv_timer_start(c->timer, cb, ms, 0);
  return PX_OK;
}

void px_conn_timer_stop(px_conn *c) {
  if (c->timer != NULL) {
    uv_timer_stop(c->timer);
    uv_close((uv_handle_t *)c->timer, on_timer_closed);
    c->timer = NULL;
  }
}

/* ---- writing ---- */

static void update_reading(px_conn *c);

static void release_idle_buffers(px_conn *c) {
  /* An idle connection keeps no buffer memory: thousands of idle clients cost only their
   * structs. */
  if (pgw_buf_len(&c->wbuf) == 0 && !c->writing) {
    pgw_buf_free(&c->wbuf);
  }
  if (pgw_buf_len(&c->out) == 0) {
    pgw_buf_free(&c->out);
  }
  if (pgw_buf_len(&c->in) == 0) {
    pgw_buf_free(&c->in);
  }
}

static void on_write(uv_write_t *req, int status) {
  px_conn *c = req->data;
  free(req);
  c->writing = false;
  pgw_buf_consume(&c->wbuf, pgw_buf_len(&c->wbuf));
  if (c->state == PX_CONN_CLOSING) {
    return; /* UV_ECANCELED from uv_close; the close callback frees */
  }
  if (status < 0) {
    px_conn_close(c, uv_strerror(status));
    return;
  }
  if (c->state == PX_CONN_IDLE && pgw_buf_len(&c->out) == 0) {
    release_idle_buffers(c);
  }
  if (px_conn_queued(c) <= low_water(c)) {
    px_runner_output_drained(c);
  }
  px_conn_flush(c);
  update_reading(c);
}

void px_conn_flush(px_conn *c) {
  if (c->writing || c->state == PX_CONN_CLOSING) {
    return;
  }
  /* A TLS client told FATAL also gets close_notify before the TCP connection ends. */
  bool owe_close_notify = c->tls != NULL && c->state == PX_CONN_FLUSHING &&
                          c->tls->state == PX_TLS_OPEN && !c->tls->shut;
  if (pgw_buf_len(&c->out) == 0 && (c->tls == NULL || px_tls_pending_out(c->tls) == 0) &&
      !owe_close_notify) {
    if (c->state == PX_CONN_FLUSHING) {
      px_conn_close(c, "final message sent");
    }
    return;
  }
  if (px_runner_row_open(c)) {
    return; /* the open DataRow is located by its offset in out: do not move it */
  }
  if (c->tls != NULL) {
    /* wbuf is empty (no write in flight): encrypt into it rather than swapping. */
    px_status st = px_tls_push(c->tls, &c->out, &c->wbuf);
    if (st == PX_OK && c->state == PX_CONN_FLUSHING && pgw_buf_len(&c->out) == 0 &&
        px_tls_shutdown(c->tls)) {
      st = px_tls_push(c->tls, &c->out, &c->wbuf); /* the final message, then close_notify */
    }
    if (st != PX_OK) {
      px_conn_close(c, st == PX_NOMEM ? "out of memory encrypting output" : c->tls->why);
      return;
    }
    if (pgw_buf_len(&c->wbuf) == 0) {
      /* Before the handshake completes a final message cannot be encrypted: waiting for a
       * client that never finishes it would keep the connection forever. */
      if (c->state == PX_CONN_FLUSHING) {
        px_conn_close(c, pgw_buf_len(&c->out) == 0
                             ? "final message sent"
                             : "TLS handshake unfinished: final message not sent");
      }
      return;
    }
  } else {
    pgw_buf tmp = c->out;
    c->out = c->wbuf;
    c->wbuf = tmp;
  }
  /* Allocated per write, not kept in the struct: idle clients hold none. */
  uv_write_t *req = malloc(sizeof *req);
  if (req == NULL) {
    px_conn_close(c, "out of memory for a write");
    return;
  }
  uv_buf_t b = uv_buf_init((char *)pgw__buf_data_mut(&c->wbuf), (unsigned)pgw_buf_len(&c->wbuf));
  req->data = c;
  int rc = uv_write(req, (uv_stream_t *)&c->tcp, &b, 1, on_write);
  if (rc != 0) {
    free(req);
    px_conn_close(c, uv_strerror(rc));
    return;
  }
  c->writing = true;
}

bool px_conn_check(px_conn *c, const pgw_wr *w, const char *what) {
  pgw_rc rc = pgw_wr_status(w);
  if (rc == PGW_OK) {
    return true;
  }
  PX_LOG_ERROR(&c->srv->log, c->id, "could not encode %s for the client: %s", what,
               pgw_strerror(rc));
  px_conn_close(c, "output buffer failure");
  return false;
}

bool px_conn_send_error(px_conn *c, const pgw_error *e) {
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  pgw_enc_error(&w, e);
  if (!px_conn_check(c, &w, "ErrorResponse")) {
    return false;
  }
  PX_LOG_DEBUG(&c->srv->log, c->id, "sent %s %s: %s", e->severity, e->sqlstate, e->message);
  return true;
}

void px_conn_fatal(px_conn *c, const pgw_error *e) {
  if (c->state == PX_CONN_CLOSING || c->state == PX_CONN_FLUSHING) {
    return;
  }
  PX_LOG_INFO(&c->srv->log, c->id, "%s %s: %s", e->severity, e->sqlstate, e->message);
  if (!px_conn_send_error(c, e)) {
    return;
  }
  if (c->state == PX_CONN_BUSY) {
    px_runner_detach(c);
  }
  px_conn_set_state(c, PX_CONN_FLUSHING);
  update_reading(c);
  px_conn_timer_stop(c);
  px_conn_flush(c);
}

void px_conn_ready(px_conn *c) {
  if (c->state == PX_CONN_CLOSING || c->state == PX_CONN_FLUSHING) {
    return;
  }
  if (c->close_after_query) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "57P01", "terminating connection due to administrator command");
    px_conn_fatal(c, &e);
    return;
  }
  pgw_wr w;
  pgw_wr_init(&w, &c->out);
  px_session_report(c, &w); /* as PostgreSQL: changed settings just before ReadyForQuery */
  pgw_enc_ready_for_query(&w, c->txn);
  if (!px_conn_check(c, &w, "ReadyForQuery")) {
    return;
  }
  px_conn_set_state(c, PX_CONN_IDLE);
  if (!c->in_process) {
    px_conn_process(c); /* pipelined input may be waiting */
  }
  px_conn_flush(c);
}

void px_conn_continue(px_conn *c) {
  if (c->state == PX_CONN_CLOSING || c->state == PX_CONN_FLUSHING) {
    return;
  }
  px_conn_set_state(c, PX_CONN_IDLE);
  if (!c->in_process) {
    px_conn_process(c);
  }
  px_conn_flush(c);
}

/* ---- reading ---- */

/* Ciphertext lands here and goes straight into the TLS read BIO: libuv calls read_cb right
 * after alloc_cb on the loop thread, so one buffer serves every TLS connection. */
static uint8_t tls_scratch[16384];

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  px_conn *c = h->data;
  if (c->tls != NULL) {
    (void)suggested;
    *buf = uv_buf_init((char *)tls_scratch, sizeof tls_scratch);
    return;
  }
  size_t room = pgw_buf_max(&c->in) - pgw_buf_len(&c->in);
  size_t want = suggested < PX_READ_CHUNK ? suggested : PX_READ_CHUNK;
  if (pgw_buf_len(&c->in) == 0 && want > PX_FIRST_READ) {
    /* Logins and most queries are a few hundred bytes: an empty buffer (released while idle)
     * starts small, so that thousands of clients logging in at once do not leave a heap of
     * 16 KiB read buffers behind them. A longer message grows it on the next read. */
    want = PX_FIRST_READ;
  }
  if (want > room) {
    want = room;
  }
  uint8_t *p = NULL;
  size_t avail = 0;
  if (want == 0 || pgw_buf_reserve(&c->in, want, &p, &avail) != PGW_OK) {
    *buf = uv_buf_init(NULL, 0); /* read_cb gets UV_ENOBUFS */
    return;
  }
  *buf = uv_buf_init((char *)p, (unsigned)avail);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  px_conn *c = s->data;
  if (c->state == PX_CONN_CLOSING) {
    return;
  }
  if (nread > 0) {
    if (c->tls != NULL) {
      if (px_tls_feed(c->tls, buf->base, (size_t)nread) != PX_OK) {
        px_conn_close(c, "out of memory buffering TLS input");
        return;
      }
    } else {
      pgw_buf_commit(&c->in, (size_t)nread);
    }
    px_conn_process(c);
    return;
  }
  if (nread == 0) {
    return; /* EAGAIN */
  }
  if (nread == UV_EOF) {
    px_conn_close(c, "client disconnected");
  } else if (nread == UV_ENOBUFS) {
    px_conn_close(c, "input buffer full");
  } else {
    px_conn_close(c, uv_strerror((int)nread));
  }
}

static void update_reading(px_conn *c) {
  bool want;
  switch (c->state) {
  case PX_CONN_STARTUP:
  case PX_CONN_AUTH:
  case PX_CONN_IDLE:
    /* A client that does not read its results gets no more queries processed. */
    want = px_conn_queued(c) < high_water(c);
    break;
  case PX_CONN_BUSY:
    /* Keep reading while a statement runs so that a disconnect is seen (and the statement
     * cancelled) at once, but buffer only a bounded amount of pipelined input. */
    want = pgw_buf_len(&c->in) < PX_PIPELINE_MAX && px_conn_queued(c) < high_water(c);
    break;
  default:
    want = false;
    break;
  }
  if (c->tls != NULL && px_tls_pending_in(c->tls) >= PX_PIPELINE_MAX) {
    want = false; /* undecrypted input counts too */
  }
  if (want && !c->reading) {
    int rc = uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
    if (rc != 0) {
      px_conn_close(c, uv_strerror(rc));
      return;
    }
    c->reading = true;
  } else if (!want && c->reading) {
    uv_read_stop((uv_stream_t *)&c->tcp);
    c->reading = false;
  }
}

static void protocol_violation(px_conn *c, pgw_rc rc) {
  pgw_error e;
  if (rc == PGW_ETOOBIG) {
    pgw_error_set(&e, "FATAL", "08P01", "invalid message length");
    if (c->state == PX_CONN_STARTUP) {
      pgw_error_detail(&e, "A startup packet may have at most %u bytes.", PX_STARTUP_MAX);
    } else {
      pgw_error_detail(&e, "The message exceeds max_message_size (%lld bytes).",
                       (long long)px_conn_conf(c)->redwire.max_message_size);
    }
  } else {
    pgw_error_set(&e, "FATAL", "08P01", "invalid frontend message");
    pgw_error_detail(&e, "The bytes received in state %s are not a valid PostgreSQL v3 message.",
                     px_conn_state_name(c->state));
  }
  px_conn_fatal(c, &e);
}

/* Moves decrypted input into c->in. False when the connection is closing because of it. */
static bool tls_pull(px_conn *c) {
  if (c->tls == NULL) {
    return true;
  }
  px_tls_state before = c->tls->state;
  px_status st = px_tls_pull(c->tls, &c->in);
  if (st == PX_CLOSED) {
    px_conn_close(c, "client closed the TLS session");
    return false;
  }
  if (st != PX_OK) {
    /* Nothing can be said to a client whose TLS failed: PostgreSQL just closes too. */
    px_conn_close(c, st == PX_NOMEM ? "out of memory decrypting input" : c->tls->why);
    return false;
  }
  if (before == PX_TLS_HANDSHAKE && c->tls->state == PX_TLS_OPEN) {
    PX_LOG_DEBUG(&c->srv->log, c->id, "TLS established: %s %s%s", px_tls_version(c->tls),
                 px_tls_cipher(c->tls), c->tls->direct ? " (direct)" : "");
  }
  /* The handshake or a key update may owe the client records. */
  if (!c->writing && px_tls_pending_out(c->tls) > 0) {
    px_conn_flush(c);
  }
  return c->state != PX_CONN_CLOSING;
}

/* A TLS ClientHello instead of a startup packet: PostgreSQL 17's sslnegotiation=direct. */
static void start_direct_tls(px_conn *c) {
  if (px_conn_conf(c)->redwire.client_tls_sslmode == CONF_SSLMODE_DISABLE) {
    px_conn_close(c, "direct TLS connection refused: client_tls_sslmode = disable");
    return;
  }
  if (px_conn_start_tls(c, true) != PX_OK) {
    px_conn_close(c, "cannot start TLS");
    return;
  }
  /* The ClientHello bytes are ciphertext: hand them to TLS. */
  if (px_tls_feed(c->tls, pgw_buf_data(&c->in), pgw_buf_len(&c->in)) != PX_OK) {
    px_conn_close(c, "out of memory buffering TLS input");
    return;
  }
  pgw_buf_consume(&c->in, pgw_buf_len(&c->in));
}

px_status px_conn_start_tls(px_conn *c, bool direct) {
  if (c->srv->tls_ctx == NULL) {
    return PX_INVAL;
  }
  px_tls *t = calloc(1, sizeof(*t));
  if (t == NULL) {
    return PX_NOMEM;
  }
  px_status st = px_tls_start(t, c->srv->tls_ctx, direct);
  if (st != PX_OK) {
    free(t);
    return st;
  }
  c->tls = t;
  return PX_OK;
}

void px_conn_process(px_conn *c) {
  if (c->in_process) {
    return;
  }
  c->in_process = true;
  while (c->state == PX_CONN_STARTUP || c->state == PX_CONN_AUTH || c->state == PX_CONN_IDLE) {
    if (!tls_pull(c)) {
      break;
    }
    size_t len = pgw_buf_len(&c->in);
    if (len == 0) {
      break;
    }
    if (c->state == PX_CONN_IDLE && px_conn_queued(c) >= high_water(c)) {
      break; /* answer what was asked before taking more */
    }
    bool startup = c->state == PX_CONN_STARTUP;
    if (startup && c->tls == NULL && pgw_buf_data(&c->in)[0] == PX_TLS_HANDSHAKE_BYTE) {
      start_direct_tls(c);
      continue;
    }
    int64_t mms = px_conn_conf(c)->redwire.max_message_size;
    uint32_t max = startup ? PX_STARTUP_MAX : (mms > UINT32_MAX ? UINT32_MAX : (uint32_t)mms);
    pgw_msg m;
    size_t consumed = 0;
    pgw_rc rc =
        pgw_decode_frontend(pgw_buf_data(&c->in), len,
                            startup ? PGW_PHASE_STARTUP : PGW_PHASE_NORMAL, max, &m, &consumed);
    if (rc == PGW_NEED_MORE) {
      break;
    }
    if (rc != PGW_OK) {
      PX_LOG_INFO(&c->srv->log, c->id, "protocol violation in %s: %s", px_conn_state_name(c->state),
                  pgw_strerror(rc));
      protocol_violation(c, rc);
      break;
    }
    /* m borrows from the input buffer, which only moves on the next reserve: dispatch copies
     * what it keeps, then the bytes are consumed. */
    switch (c->state) {
    case PX_CONN_STARTUP:
      px_startup_on_message(c, &m);
      break;
    case PX_CONN_AUTH:
      px_startup_on_password(c, &m);
      break;
    default:
      px_query_on_message(c, &m);
      break;
    }
    if (c->state == PX_CONN_CLOSING) {
      break;
    }
    pgw_buf_consume(&c->in, consumed);
  }
  c->in_process = false;
  if (c->state == PX_CONN_CLOSING) {
    return;
  }
  update_reading(c);
  px_conn_flush(c);
}

/* ---- accepting ---- */

static void on_login_timeout(uv_timer_t *t) {
  px_conn *c = t->data;
  px_conn_timer_stop(c);
  if (c->state == PX_CONN_STARTUP || c->state == PX_CONN_AUTH) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "08006", "canceling authentication due to timeout");
    px_conn_fatal(c, &e);
  }
}

/* Logs where the connection comes from and notes whether that is loopback (the text is not
 * kept: 64 bytes per idle client for one log line). */
static void describe_peer(px_conn *c) {
  struct sockaddr_storage ss;
  int len = sizeof ss;
  if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0) {
    PX_LOG_INFO(&c->srv->log, c->id, "connection from ?");
    return;
  }
  c->loopback = px_auth_is_loopback((struct sockaddr *)&ss);
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    uv_ip4_name(in, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    uv_ip6_name(in6, host, sizeof host);
    port = ntohs(in6->sin6_port);
  }
  PX_LOG_INFO(&c->srv->log, c->id, "connection from %s:%d", host, port);
}

void px_conn_accept(px_server *srv) {
  px_conn *c = calloc(1, sizeof(*c));
  if (c == NULL) {
    PX_LOG_ERROR(&srv->log, 0, "out of memory accepting a connection");
    return;
  }
  c->srv = srv;
  c->set = px_settings_ref(srv->set);
  c->id = ++srv->next_conn_id;
  c->state = PX_CONN_STARTUP;
  c->txn = PGW_TXN_IDLE;
  const conf_redwire *rw = &px_conn_conf(c)->redwire;
  pgw_buf_init(&c->in, (size_t)rw->max_message_size + PX_READ_SLACK);
  /* One row may overshoot the high-water mark (rows are never split); a row is bounded by
   * max_message_size like any message. */
  size_t out_cap = (size_t)rw->client_output_high_water + (size_t)rw->max_message_size;
  pgw_buf_init(&c->out, out_cap);
  pgw_buf_init(&c->wbuf, out_cap);
  uv_tcp_init(srv->loop, &c->tcp);
  c->tcp.data = c;
  px_server_conn_added(srv, c);
  int rc = uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)&c->tcp);
  if (rc != 0) {
    PX_LOG_WARN(&srv->log, c->id, "accept failed: %s", uv_strerror(rc));
    px_conn_close(c, "accept failed");
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  describe_peer(c);
  if (rw->max_client_conn > 0 && srv->nconns > (size_t)rw->max_client_conn) {
    pgw_error e;
    pgw_error_set(&e, "FATAL", "53300", "sorry, too many clients already");
    pgw_error_detail(&e, "max_client_conn is %lld.", (long long)rw->max_client_conn);
    px_conn_fatal(c, &e);
    return;
  }
  if (px_conn_timer_start(c, on_login_timeout, PX_LOGIN_TIMEOUT_MS) != PX_OK) {
    px_conn_close(c, "out of memory for the login timer");
    return;
  }
  update_reading(c);
}
