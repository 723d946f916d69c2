/* pg_hostile — sends malformed and oversized PostgreSQL frontend messages to a server over raw TCP
 * and checks that each one is refused cleanly: an ErrorResponse whose SQLSTATE is 08P01 (protocol
 * violation) followed by the server closing the connection, or just the close — within 2 s, never
 * a hang, never any other answer. After every case a fresh login and `select 1` must still work,
 * so a crash is pinned on the case that caused it.
 *
 *   pg_hostile HOST PORT      (login: user $AWS_ACCESS_KEY_ID, password $AWS_SECRET_ACCESS_KEY,
 *                              database dev; prints one line per case; exit 0 iff all passed)
 *
 * The protocol plumbing (connect, login, message reader) is e2e_wire.c. */
#include "e2e_wire.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HST_DEADLINE_MS   2000
#define HST_GARBAGE_BYTES 10000

/* The 08P01-or-close verdict of one case, for the report line. */
typedef struct hst_verdict {
  bool got_error;
  ew_error err;   /* valid when got_error */
  bool continued; /* answered ErrorResponse + ReadyForQuery and kept the connection */
  long ms;        /* from the end of the hostile bytes to the close (or ReadyForQuery) */
} hst_verdict;

/* A fresh connection logs in and runs `select 1`, reading the answer up to ReadyForQuery;
 * bytewise sends every message one byte at a time. */
static bool hst_server_works(const ew_target *t, ew_msg *m, bool bytewise) {
  int fd = ew_connect(t);
  if (fd < 0) {
    return false;
  }
  int one = 1;
  if (bytewise && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
    fprintf(stderr, "pg_hostile: TCP_NODELAY: %s\n", strerror(errno));
    close(fd);
    return false;
  }
  bool ok = false, saw_one = false;
  if (ew_login(fd, t, m, bytewise) == EW_OK) {
    static const uint8_t q[] = {'Q', 0, 0, 0, 13, 's', 'e', 'l', 'e', 'c', 't', ' ', '1', 0};
    ew_rc rc = ew_send_mode(fd, q, sizeof q, bytewise);
    long deadline = ew_now_ms() + 10000;
    while (rc == EW_OK && (rc = ew_read_msg(fd, m, deadline)) == EW_OK) {
      if (m->type == 'D' && m->len == 7 &&
          memcmp(m->buf,
                 "\0\1\0\0\0\1"
                 "1",
                 7) == 0) {
        saw_one = true;
      } else if (m->type == 'E') {
        break;
      } else if (m->type == 'Z') {
        ok = saw_one;
        break;
      }
    }
  }
  close(fd);
  return ok;
}

/* --- the cases ---------------------------------------------------------------------------- */

typedef enum {
  HST_PHASE_FRESH, /* hostile bytes are the first thing the server sees */
  HST_PHASE_LOGIN, /* after a good startup + login (ReadyForQuery received) */
  HST_PHASE_SSL,   /* after an SSLRequest answered 'N' */
  HST_PHASE_GSS    /* after a GSSENCRequest answered 'N' */
} hst_phase;

typedef enum {
  HST_END_WAIT,    /* keep the socket open and wait for the server's verdict */
  HST_END_SHUT_WR, /* then half-close our side: the server sees EOF mid-message */
} hst_end;

typedef struct hst_case {
  const char *name;
  hst_phase phase;
  hst_end end;
  const uint8_t *bytes; /* borrowed, static; NULL = HST_GARBAGE_BYTES pseudo-random bytes */
  size_t len;
  const char *alt_state; /* another acceptable SQLSTATE, or NULL: see where it is set */
  /* The message's framing is intact, so the server may instead answer ErrorResponse 08P01 then
   * ReadyForQuery and keep the connection, as PostgreSQL does for a bad string in a Query. */
  bool may_continue;
} hst_case;

/* After the hostile bytes of case c: the server may send one ErrorResponse with 08P01 (or the
 * case's alt_state), then must close, all within HST_DEADLINE_MS. */
static bool hst_expect_refusal(int fd, const hst_case *c, ew_msg *m, hst_verdict *v, char *why,
                               size_t why_len) {
  long t0 = ew_now_ms();
  long deadline = t0 + HST_DEADLINE_MS;
  for (;;) {
    ew_rc rc = ew_read_msg(fd, m, deadline);
    v->ms = ew_now_ms() - t0;
    if (rc == EW_CLOSED) {
      return true;
    }
    if (rc == EW_TIMEOUT) {
      snprintf(why, why_len, "no close within %d ms%s", HST_DEADLINE_MS,
               v->got_error ? " after the ErrorResponse" : "");
      return false;
    }
    if (rc != EW_OK) {
      snprintf(why, why_len, "malformed answer or socket error (rc %d)", (int)rc);
      return false;
    }
    if (m->type == 'Z' && v->got_error && c->may_continue) {
      v->continued = true;
      return true;
    }
    if (m->type != 'E' || v->got_error) {
      snprintf(why, why_len, "unexpected backend message '%c' (%u bytes)%s", m->type, m->len,
               v->got_error ? " after the ErrorResponse" : "");
      return false;
    }
    v->got_error = true;
    if (!ew_parse_error(m, &v->err)) {
      snprintf(why, why_len, "malformed ErrorResponse");
      return false;
    }
    bool allowed = strcmp(v->err.sqlstate, "08P01") == 0 ||
                   (c->alt_state != NULL && strcmp(v->err.sqlstate, c->alt_state) == 0);
    if (!allowed) {
      snprintf(why, why_len, "ErrorResponse with SQLSTATE %s (want 08P01%s%s): %s", v->err.sqlstate,
               c->alt_state ? " or " : "", c->alt_state ? c->alt_state : "", v->err.message);
      return false;
    }
  }
}

/* Deterministic garbage (xorshift32), the same on every run. */
static void hst_fill_garbage(uint8_t *buf, size_t len, uint32_t seed) {
  uint32_t x = seed ? seed : 1;
  for (size_t i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    buf[i] = (uint8_t)x;
  }
}

/* Opens the phase the case needs; returns the socket or -1 with why set. */
static int hst_open_phase(const ew_target *t, hst_phase phase, ew_msg *m, char *why,
                          size_t why_len) {
  int fd = ew_connect(t);
  if (fd < 0) {
    snprintf(why, why_len, "cannot connect");
    return -1;
  }
  if (phase == HST_PHASE_LOGIN && ew_login(fd, t, m, false) != EW_OK) {
    snprintf(why, why_len, "a good login failed before the hostile bytes");
    close(fd);
    return -1;
  }
  if (phase == HST_PHASE_SSL || phase == HST_PHASE_GSS) {
    uint8_t req[8];
    ew_put_u32(req, 8);
    ew_put_u32(req + 4, phase == HST_PHASE_SSL ? 80877103u : 80877104u);
    uint8_t answer = 0;
    if (ew_send(fd, req, sizeof req) != EW_OK ||
        ew_recv_exact(fd, &answer, 1, ew_now_ms() + HST_DEADLINE_MS) != EW_OK || answer != 'N') {
      snprintf(why, why_len, "%s not answered 'N' (got 0x%02x)",
               phase == HST_PHASE_SSL ? "SSLRequest" : "GSSENCRequest", answer);
      close(fd);
      return -1;
    }
  }
  return fd;
}

static bool hst_run_case(const ew_target *t, const hst_case *c, ew_msg *m) {
  char why[300] = "";
  hst_verdict v = {0};
  static uint8_t garbage[HST_GARBAGE_BYTES];
  bool ok = false;
  int fd = hst_open_phase(t, c->phase, m, why, sizeof why);
  if (fd >= 0) {
    const uint8_t *bytes = c->bytes;
    size_t len = c->len;
    if (bytes == NULL) {
      hst_fill_garbage(garbage, sizeof garbage, 0x5eed0000u + (uint32_t)c->phase);
      bytes = garbage;
      len = sizeof garbage;
    }
    ew_rc rc = ew_send(fd, bytes, len);
    if (rc == EW_SYSERR) {
      snprintf(why, sizeof why, "send failed: %s", strerror(errno));
    } else {
      if (c->end == HST_END_SHUT_WR && rc == EW_OK) {
        shutdown(fd, SHUT_WR);
      }
      ok = hst_expect_refusal(fd, c, m, &v, why, sizeof why);
    }
    close(fd);
  }
  if (ok && !hst_server_works(t, m, false)) {
    ok = false;
    snprintf(why, sizeof why, "the server no longer accepts a login + select 1 afterwards");
  }
  if (ok && v.continued) {
    printf("ok   %-28s ErrorResponse %s %s \"%s\", then ReadyForQuery after %ld ms (kept open)\n",
           c->name, v.err.severity, v.err.sqlstate, v.err.message, v.ms);
  } else if (ok && v.got_error) {
    printf("ok   %-28s ErrorResponse %s %s \"%s\", then closed after %ld ms\n", c->name,
           v.err.severity, v.err.sqlstate, v.err.message, v.ms);
  } else if (ok) {
    printf("ok   %-28s closed after %ld ms without an ErrorResponse\n", c->name, v.ms);
  } else {
    printf("FAIL %-28s %s\n", c->name, why);
  }
  fflush(stdout);
  return ok;
}

/* Startup-phase vectors. Lengths count themselves; 196608 = protocol 3.0. */
static const uint8_t k_len3[] = {0, 0, 0, 3, 0, 3, 0, 0};
static const uint8_t k_len0[] = {0, 0, 0, 0};
static const uint8_t k_len_neg[] = {0x80, 0, 0, 0, 0, 3, 0, 0, 'u', 's', 'e', 'r', 0};
static const uint8_t k_code_unknown[] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x31}; /* 1234.5681 */
static const uint8_t k_code_zero[] = {0, 0, 0, 8, 0, 0, 0, 0};                /* 0.0 */
static const uint8_t k_startup_huge[] = {0x7f, 0xff, 0xff, 0xff, 0, 3, 0, 0, 'u', 's', 'e', 'r', 0};
static const uint8_t k_startup_no_nul[] = {0,   0,   0,   16,  0, 3,   0,   0,
                                           'u', 's', 'e', 'r', 0, 'a', 'b', 'c'};
static const uint8_t k_startup_truncated[] = {0, 0, 0, 80, 0, 3, 0, 0, 'u', 's', 'e', 'r', 0, 'x'};
static const uint8_t k_cancel_unknown_key[] = {0, 0, 0,    16,   0x04, 0xd2, 0x16, 0x2e,
                                               0, 0, 0x30, 0x39, 0x12, 0x34, 0x56, 0x78};
/* After login. */
static const uint8_t k_type_bad[] = {0x01, 0, 0, 0, 4};
static const uint8_t k_type_lower[] = {'z', 0, 0, 0, 8, 'a', 'b', 'c', 0};
static const uint8_t k_query_2g[] = {'Q', 0x80, 0, 0, 0, 's', 'e', 'l', 'e', 'c', 't', ' ', '1', 0};
static const uint8_t k_query_huge[] = {'Q', 0x7f, 0xff, 0xff, 0xff, 's', 'e', 'l', 0};
static const uint8_t k_query_len3[] = {'Q', 0, 0, 0, 3, 's', 'e', 'l', 0};
static const uint8_t k_query_no_nul[] = {'Q', 0, 0, 0, 8, 's', 'e', 'l', '1'};
static const uint8_t k_query_truncated[] = {'Q', 0, 0, 0, 64, 's', 'e', 'l', 'e', 'c', 't'};
static const uint8_t k_password_after_login[] = {'p', 0, 0, 0, 8, 'a', 'b', 'c', 0};
/* After SSLRequest / GSSENCRequest: a TLS ClientHello's first bytes read as a startup length. */
static const uint8_t k_tls_hello[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03,
                                      0x03, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0x04};

#define HST_V(a) a, sizeof a

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: pg_hostile HOST PORT  (uses $AWS_ACCESS_KEY_ID / "
                    "$AWS_SECRET_ACCESS_KEY to log in)\n");
    return 2;
  }
  ew_target t = {.host = argv[1],
                 .port = argv[2],
                 .user = getenv("AWS_ACCESS_KEY_ID"),
                 .password = getenv("AWS_SECRET_ACCESS_KEY")};
  if (t.user == NULL || t.password == NULL) {
    fprintf(stderr, "pg_hostile: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  /* An unknown startup code is an unsupported protocol version to PostgreSQL, which answers
   * 0A000 "unsupported frontend protocol"; that answer is accepted besides 08P01 there only. */
  const hst_case cases[] = {
      {"startup length 3", HST_PHASE_FRESH, HST_END_WAIT, HST_V(k_len3), NULL, false},
      {"startup length 0", HST_PHASE_FRESH, HST_END_WAIT, HST_V(k_len0), NULL, false},
      {"startup length 2^31", HST_PHASE_FRESH, HST_END_WAIT, HST_V(k_len_neg), NULL, false},
      {"startup length 2^31-1", HST_PHASE_FRESH, HST_END_WAIT, HST_V(k_startup_huge), NULL, false},
      {"unknown startup code", HST_PHASE_FRESH, HST_END_WAIT, HST_V(k_code_unknown), "0A000",
       false},
      {"startup code 0", HST_PHASE_FRESH, HST_END_WAIT, HST_V(k_code_zero), "0A000", false},
      {"startup without final NUL", HST_PHASE_FRESH, HST_END_WAIT, HST_V(k_startup_no_nul), NULL,
       false},
      {"truncated startup, EOF", HST_PHASE_FRESH, HST_END_SHUT_WR, HST_V(k_startup_truncated), NULL,
       false},
      {"cancel with unknown key", HST_PHASE_FRESH, HST_END_WAIT, HST_V(k_cancel_unknown_key), NULL,
       false},
      {"10000 garbage bytes", HST_PHASE_FRESH, HST_END_WAIT, NULL, 0, NULL, false},
      {"bad type byte 0x01", HST_PHASE_LOGIN, HST_END_WAIT, HST_V(k_type_bad), NULL, false},
      {"unknown type 'z'", HST_PHASE_LOGIN, HST_END_WAIT, HST_V(k_type_lower), NULL, false},
      {"Query length 2^31", HST_PHASE_LOGIN, HST_END_WAIT, HST_V(k_query_2g), NULL, false},
      {"Query length 2^31-1", HST_PHASE_LOGIN, HST_END_WAIT, HST_V(k_query_huge), NULL, false},
      {"Query length 3", HST_PHASE_LOGIN, HST_END_WAIT, HST_V(k_query_len3), NULL, false},
      {"Query without NUL", HST_PHASE_LOGIN, HST_END_WAIT, HST_V(k_query_no_nul), NULL, true},
      {"password after login", HST_PHASE_LOGIN, HST_END_WAIT, HST_V(k_password_after_login), NULL,
       false},
      {"truncated Query, EOF", HST_PHASE_LOGIN, HST_END_SHUT_WR, HST_V(k_query_truncated), NULL,
       false},
      {"10000 garbage after login", HST_PHASE_LOGIN, HST_END_WAIT, NULL, 0, NULL, false},
      {"SSLRequest, then TLS bytes", HST_PHASE_SSL, HST_END_WAIT, HST_V(k_tls_hello), NULL, false},
      {"SSLRequest, then garbage", HST_PHASE_SSL, HST_END_WAIT, NULL, 0, NULL, false},
      {"GSSENCRequest, then garbage", HST_PHASE_GSS, HST_END_WAIT, NULL, 0, NULL, false},
  };
  static ew_msg m; /* 1 MiB: not on the stack */
  if (!hst_server_works(&t, &m, false)) {
    fprintf(stderr, "pg_hostile: the server does not answer a good login + select 1 to begin "
                    "with; nothing tested\n");
    return 1;
  }
  /* Not hostile, but the same framing code: every message split at every byte. */
  bool bytewise_ok = hst_server_works(&t, &m, true);
  printf("%s %-28s login + select 1 sent one byte per segment\n", bytewise_ok ? "ok  " : "FAIL",
         "byte-by-byte messages");
  size_t n = sizeof cases / sizeof cases[0] + 1, failed = bytewise_ok ? 0 : 1;
  for (size_t i = 0; i < n - 1; i++) {
    if (!hst_run_case(&t, &cases[i], &m)) {
      failed++;
    }
  }
  printf("pg_hostile: %zu cases, %zu passed, %zu failed\n", n, n - failed, failed);
  return failed == 0 ? 0 : 1;
}
