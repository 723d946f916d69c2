/* e2e_wire — see e2e_wire.h. */
#include "e2e_wire.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

long ew_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ew_put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

uint32_t ew_get_u32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int ew_connect(const ew_target *t) {
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int gai = getaddrinfo(t->host, t->port, &hints, &res);
  if (gai != 0) {
    fprintf(stderr, "e2e_wire: cannot resolve %s:%s: %s\n", t->host, t->port, gai_strerror(gai));
    return -1;
  }
  int fd = -1;
  for (struct addrinfo *a = res; a != NULL && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    /* Before connect, so the TCP window is negotiated with it. */
    if (fd >= 0 && t->rcvbuf > 0 &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &t->rcvbuf, sizeof t->rcvbuf) != 0) {
      fprintf(stderr, "e2e_wire: SO_RCVBUF: %s\n", strerror(errno));
    }
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  if (fd < 0) {
    fprintf(stderr, "e2e_wire: cannot connect to %s:%s: %s\n", t->host, t->port, strerror(errno));
  }
  freeaddrinfo(res);
  return fd;
}

/* Sends all of buf. A server that closes while we send is a legitimate answer to garbage, so
 * EPIPE/ECONNRESET come back as EW_CLOSED rather than an error. */
ew_rc ew_send(int fd, const void *buf, size_t len) {
  const uint8_t *p = buf;
  while (len > 0) {
    ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return (errno == EPIPE || errno == ECONNRESET) ? EW_CLOSED : EW_SYSERR;
    }
    p += n;
    len -= (size_t)n;
  }
  return EW_OK;
}

/* Sends buf one byte per segment (TCP_NODELAY, 1 ms apart), or all at once: the server must
 * reassemble messages split at every offset. */
ew_rc ew_send_mode(int fd, const void *buf, size_t len, bool bytewise) {
  if (!bytewise) {
    return ew_send(fd, buf, len);
  }
  const uint8_t *p = buf;
  for (size_t i = 0; i < len; i++) {
    ew_rc rc = ew_send(fd, p + i, 1);
    if (rc != EW_OK) {
      return rc;
    }
    nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
  }
  return EW_OK;
}

/* Reads exactly len bytes before the deadline (absolute, ew_now_ms clock). */
ew_rc ew_recv_exact(int fd, uint8_t *buf, size_t len, long deadline) {
  size_t got = 0;
  while (got < len) {
    long left = deadline - ew_now_ms();
    if (left <= 0) {
      return EW_TIMEOUT;
    }
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    int pr = poll(&pfd, 1, (int)left);
    if (pr < 0 && errno == EINTR) {
      continue;
    }
    if (pr < 0) {
      return EW_SYSERR;
    }
    if (pr == 0) {
      return EW_TIMEOUT;
    }
    ssize_t n = recv(fd, buf + got, len - got, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n == 0 || (n < 0 && errno == ECONNRESET)) {
      return got == 0 ? EW_CLOSED : EW_BAD; /* a close mid-message is a broken message */
    }
    if (n < 0) {
      return EW_SYSERR;
    }
    got += (size_t)n;
  }
  return EW_OK;
}

/* Reads one backend message: type byte, length (counting itself), body. */
ew_rc ew_read_msg(int fd, ew_msg *m, long deadline) {
  uint8_t hdr[5];
  ew_rc rc = ew_recv_exact(fd, hdr, 1, deadline);
  if (rc != EW_OK) {
    return rc;
  }
  rc = ew_recv_exact(fd, hdr + 1, 4, deadline);
  if (rc != EW_OK) {
    return rc == EW_CLOSED ? EW_BAD : rc;
  }
  uint32_t wire_len = ew_get_u32(hdr + 1);
  if (wire_len < 4 || wire_len - 4 > EW_MAX_BODY) {
    fprintf(stderr, "e2e_wire: backend message '%c' with length %u\n", hdr[0], wire_len);
    return EW_BAD;
  }
  m->type = (char)hdr[0];
  m->len = wire_len - 4;
  rc = ew_recv_exact(fd, m->buf, m->len, deadline);
  if (rc != EW_OK) {
    return rc == EW_CLOSED ? EW_BAD : rc;
  }
  m->buf[m->len] = '\0';
  return EW_OK;
}

bool ew_parse_error(const ew_msg *m, ew_error *e) {
  size_t i = 0;
  while (i < m->len && m->buf[i] != '\0') {
    char code = (char)m->buf[i++];
    const char *val = (const char *)m->buf + i;
    size_t vlen = strnlen(val, m->len - i);
    if (i + vlen >= m->len) {
      return false; /* value without its NUL inside the body */
    }
    if (code == 'S') {
      snprintf(e->severity, sizeof e->severity, "%s", val);
    } else if (code == 'C') {
      snprintf(e->sqlstate, sizeof e->sqlstate, "%s", val);
    } else if (code == 'M') {
      snprintf(e->message, sizeof e->message, "%s", val);
    }
    i += vlen + 1;
  }
  return i + 1 == m->len; /* the terminating NUL is the last byte */
}

/* Builds a StartupMessage 3.0 into buf (at least 512 bytes); returns its length. */
static size_t ew_startup(uint8_t *buf, const char *user) {
  size_t n = 8;
  const char *kv[] = {
      "user",       user, "database", "dev", "client_encoding", "UTF8", "application_name",
      "redwire-e2e"};
  for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
    size_t l = strlen(kv[i]) + 1;
    if (n + l + 1 > 512) {
      break;
    }
    memcpy(buf + n, kv[i], l);
    n += l;
  }
  buf[n++] = '\0';
  ew_put_u32(buf, (uint32_t)n);
  ew_put_u32(buf + 4, 196608); /* 3.0 */
  return n;
}

/* Logs in and reads up to ReadyForQuery. Returns EW_OK or prints why not. */
ew_rc ew_login(int fd, const ew_target *t, ew_msg *m, bool bytewise) {
  uint8_t buf[512];
  size_t n = ew_startup(buf, t->user);
  ew_rc rc = ew_send_mode(fd, buf, n, bytewise);
  long deadline = ew_now_ms() + 10000;
  while (rc == EW_OK) {
    rc = ew_read_msg(fd, m, deadline);
    if (rc != EW_OK) {
      break;
    }
    if (m->type == 'Z') {
      return EW_OK;
    }
    if (m->type == 'E') {
      ew_error e = {0};
      ew_parse_error(m, &e);
      fprintf(stderr, "e2e_wire: login refused: %s %s %s\n", e.severity, e.sqlstate, e.message);
      return EW_BAD;
    }
    if (m->type == 'R' && m->len >= 4) {
      uint32_t kind = ew_get_u32(m->buf);
      if (kind == 3) { /* cleartext password */
        size_t pl = strlen(t->password) + 1;
        uint8_t pw[5 + 512];
        if (pl > 512) {
          return EW_SYSERR;
        }
        pw[0] = 'p';
        ew_put_u32(pw + 1, (uint32_t)(4 + pl));
        memcpy(pw + 5, t->password, pl);
        rc = ew_send_mode(fd, pw, 5 + pl, bytewise);
      } else if (kind != 0) {
        fprintf(stderr, "e2e_wire: unsupported authentication request %u\n", kind);
        return EW_BAD;
      }
    }
    /* ParameterStatus, BackendKeyData, NoticeResponse: read on. */
  }
  fprintf(stderr, "e2e_wire: login did not reach ReadyForQuery (rc %d)\n", (int)rc);
  return rc;
}
