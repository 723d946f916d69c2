/*
 * bench_idle — opens N PostgreSQL connections that log in and then stay idle, so that the server's
 * memory per idle client can be read from its /proc/<pid>/status (bench/run does that).
 *
 *   bench_idle HOST PORT USER DATABASE N
 *
 * The password, if the server asks for one (cleartext, as redwire does for IAM keys), is taken
 * from $PGPASSWORD; servers that send AuthenticationOk at once (PgBouncer with auth_type=any) need
 * none. One thread, non-blocking sockets on epoll, at most WINDOW logins in progress at a time so
 * the listen backlog never overflows. Prints "ready N" once every connection has received
 * ReadyForQuery, then keeps them open until SIGTERM/SIGINT. Exits 1 (printing why) if a login
 * fails; raise `ulimit -n` above N first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WINDOW      256  /* logins in progress at once */
#define INBUF       4096 /* login answers are a few hundred bytes */
#define TIMEOUT_SEC 120

typedef enum { BI_CONNECTING, BI_LOGIN, BI_READY } bi_state;

typedef struct bi_conn {
  int fd;
  bi_state state;
  uint8_t in[INBUF];
  size_t in_len;
} bi_conn;

static const char *g_user, *g_db, *g_password;

static void die(const char *what) {
  fprintf(stderr, "bench_idle: %s\n", what);
  exit(1);
}

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static uint32_t get_u32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Login messages are small: a blocking-style write on a fresh socket never comes back short. */
static void send_all(int fd, const uint8_t *buf, size_t len) {
  ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
  if (n != (ssize_t)len)
    die("short write of a login message");
}

static void send_startup(bi_conn *c) {
  uint8_t msg[512];
  size_t o = 8;
  const char *kv[] = {
      "user", g_user, "database", g_db, "application_name", "bench_idle", "client_encoding",
      "UTF8"};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
    size_t n = strlen(kv[i]) + 1;
    if (o + n + 1 > sizeof msg)
      die("startup message too long");
    memcpy(msg + o, kv[i], n);
    o += n;
  }
  msg[o++] = 0;
  put_u32(msg, (uint32_t)o);
  put_u32(msg + 4, 196608); /* protocol 3.0 */
  send_all(c->fd, msg, o);
}

static void send_password(bi_conn *c) {
  if (g_password == NULL)
    die("the server asks for a password: set PGPASSWORD");
  size_t n = strlen(g_password) + 1;
  uint8_t msg[1024];
  if (n + 5 > sizeof msg)
    die("password too long");
  msg[0] = 'p';
  put_u32(msg + 1, (uint32_t)(n + 4));
  memcpy(msg + 5, g_password, n);
  send_all(c->fd, msg, n + 5);
}

/* Handles whole messages in c->in; true once ReadyForQuery arrived. */
static bool on_input(bi_conn *c) {
  size_t off = 0;
  bool ready = false;
  while (c->in_len - off >= 5) {
    uint8_t type = c->in[off];
    uint32_t len = get_u32(c->in + off + 1);
    if (len < 4 || len + 1 > INBUF)
      die("malformed or oversized message during login");
    if (c->in_len - off < len + 1)
      break;
    const uint8_t *body = c->in + off + 5;
    if (type == 'E') {
      /* Print the M field: why the server refused. */
      for (const uint8_t *p = body; p < body + len - 4 && *p;) {
        size_t f = strlen((const char *)p + 1);
        if (*p == 'M')
          fprintf(stderr, "bench_idle: login refused: %s\n", (const char *)p + 1);
        p += f + 2;
      }
      exit(1);
    }
    if (type == 'R') {
      uint32_t code = len >= 8 ? get_u32(body) : 99;
      if (code == 3)
        send_password(c);
      else if (code != 0)
        die("the server asks for an authentication method other than cleartext");
    } else if (type == 'Z') {
      ready = true;
    }
    off += len + 1;
  }
  memmove(c->in, c->in + off, c->in_len - off);
  c->in_len -= off;
  return ready;
}

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) {
  (void)sig;
  g_stop = 1;
}

int main(int argc, char **argv) {
  if (argc != 6)
    die("usage: bench_idle HOST PORT USER DATABASE N");
  g_user = argv[3];
  g_db = argv[4];
  g_password = getenv("PGPASSWORD");
  long n = strtol(argv[5], NULL, 10);
  if (n <= 0 || n > 1000000)
    die("N must be 1..1000000");
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
    die("HOST must be an IPv4 address");
  bi_conn *conns = calloc((size_t)n, sizeof *conns);
  int ep = epoll_create1(0);
  if (conns == NULL || ep < 0)
    die("out of memory or epoll_create1 failed");
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);

  long started = 0, ready = 0, in_progress = 0;
  time_t deadline = time(NULL) + TIMEOUT_SEC;
  struct epoll_event evs[256];
  while (ready < n) {
    while (started < n && in_progress < WINDOW) {
      bi_conn *c = &conns[started];
      c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (c->fd < 0) {
        perror("bench_idle: socket (raise ulimit -n?)");
        return 1;
      }
      int one = 1;
      setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0 && errno != EINPROGRESS) {
        perror("bench_idle: connect");
        return 1;
      }
      struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
      if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
        die("epoll_ctl failed");
      started++;
      in_progress++;
    }
    if (time(NULL) > deadline) {
      fprintf(stderr, "bench_idle: only %ld of %ld logins done after %d s\n", ready, n,
              TIMEOUT_SEC);
      return 1;
    }
    int k = epoll_wait(ep, evs, 256, 1000);
    if (k < 0 && errno != EINTR)
      die("epoll_wait failed");
    for (int i = 0; i < k; i++) {
      bi_conn *c = evs[i].data.ptr;
      if (c->state == BI_CONNECTING && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int err = 0;
        socklen_t el = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (err != 0) {
          fprintf(stderr, "bench_idle: connect: %s\n", strerror(err));
          return 1;
        }
        c->state = BI_LOGIN;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        send_startup(c);
        continue;
      }
      if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
        continue;
      ssize_t got = recv(c->fd, c->in + c->in_len, INBUF - c->in_len, 0);
      if (got == 0 || (got < 0 && errno != EAGAIN)) {
        fprintf(stderr, "bench_idle: the server closed connection %ld during login\n",
                (long)(c - conns));
        return 1;
      }
      if (got < 0)
        continue;
      c->in_len += (size_t)got;
      if (on_input(c)) {
        /* Idle from now on: no longer watched (the server must not write to an idle client). */
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        c->state = BI_READY;
        ready++;
        in_progress--;
      }
    }
  }
  printf("ready %ld\n", ready);
  fflush(stdout);
  while (!g_stop)
    sleep(1); /* a signal cuts it short */
  for (long i = 0; i < n; i++)
    close(conns[i].fd);
  free(conns);
  return 0;
}
