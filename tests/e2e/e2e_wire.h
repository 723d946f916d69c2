/* e2e_wire — the client side of the PostgreSQL v3 protocol, just enough for the end-to-end test
 * tools (pg_hostile, pg_slow_reader): connect, log in with a cleartext password, send raw bytes
 * (whole or one byte per segment), read backend messages under a deadline. Plain blocking POSIX
 * sockets and poll(); never used by redwire itself. */
#ifndef REDWIRE_TESTS_E2E_WIRE_H
#define REDWIRE_TESTS_E2E_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EW_MAX_BODY (1u << 20) /* larger backend messages count as malformed (EW_BAD) */

typedef enum {
  EW_OK = 0,
  EW_CLOSED,  /* the server closed the connection (EOF or reset) */
  EW_TIMEOUT, /* nothing (more) arrived before the deadline */
  EW_BAD,     /* the server sent something malformed or unexpected */
  EW_SYSERR   /* a local error (socket, connect) */
} ew_rc;

/* Where the server listens and how to log in. All strings borrowed (argv / environ). */
typedef struct ew_target {
  const char *host;
  const char *port;
  const char *user;
  const char *password;
  int rcvbuf; /* SO_RCVBUF for the socket, or 0 for the system's default */
} ew_target;

/* One backend message; buf holds the body, NUL-terminated after len bytes. ~1 MiB: keep it off
 * the stack. */
typedef struct ew_msg {
  char type;
  uint32_t len; /* body length (wire length minus the 4 length bytes) */
  uint8_t buf[EW_MAX_BODY + 1];
} ew_msg;

/* The fields of an ErrorResponse the tools report, truncated to fit. */
typedef struct ew_error {
  char severity[16];
  char sqlstate[6];
  char message[200];
} ew_error;

/* Milliseconds on the monotonic clock: deadlines are absolute values of it. */
long ew_now_ms(void);
void ew_put_u32(uint8_t *p, uint32_t v);
uint32_t ew_get_u32(const uint8_t *p);

/* Returns a connected socket, or -1 after printing why. */
int ew_connect(const ew_target *t);
/* Sends all of buf; a server that closes meanwhile gives EW_CLOSED (EPIPE/ECONNRESET), not an
 * error. bytewise: one byte per send, 1 ms apart (set TCP_NODELAY on fd first). */
ew_rc ew_send(int fd, const void *buf, size_t len);
ew_rc ew_send_mode(int fd, const void *buf, size_t len, bool bytewise);
/* Reads exactly len bytes before the deadline. */
ew_rc ew_recv_exact(int fd, uint8_t *buf, size_t len, long deadline);
/* Reads one backend message into *m before the deadline. */
ew_rc ew_read_msg(int fd, ew_msg *m, long deadline);
/* Fills *e from an ErrorResponse/NoticeResponse body; false if the body is malformed. */
bool ew_parse_error(const ew_msg *m, ew_error *e);
/* StartupMessage 3.0 (user, database dev, client_encoding UTF8), cleartext password when asked,
 * then reads up to ReadyForQuery (10 s). EW_OK, or another code after printing why. */
ew_rc ew_login(int fd, const ew_target *t, ew_msg *m, bool bytewise);

#endif
