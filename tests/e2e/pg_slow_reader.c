/* pg_slow_reader — a client that sends a Query and then does not read for a while: the server
 * has to stop producing (redwire: pause the Data API transfer above its output high-water mark)
 * instead of buffering the result. It uses a small receive buffer so that the kernel cannot hide
 * the result either. After the stall it reads everything and checks the answer's shape.
 *
 *   pg_slow_reader HOST PORT STALL_MS SQL
 *
 * Logs in as $AWS_ACCESS_KEY_ID / $AWS_SECRET_ACCESS_KEY (database dev). Prints
 * "stalling" when the Query is sent, then "rows=N bytes=B tag=<CommandComplete tag>". Exits 0
 * iff the answer was RowDescription, N DataRows, CommandComplete "SELECT N", ReadyForQuery. */
#include "e2e_wire.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SR_RCVBUF       (32 * 1024)
#define SR_READ_TIMEOUT 120000 /* ms for the whole answer after the stall */

/* Reads the answer to the Query; prints the figures; true iff it is a complete result set. */
static bool sr_read_answer(int fd, ew_msg *m) {
  long deadline = ew_now_ms() + SR_READ_TIMEOUT;
  unsigned long long rows = 0, bytes = 0;
  bool described = false;
  char tag[64] = "";
  for (;;) {
    ew_rc rc = ew_read_msg(fd, m, deadline);
    if (rc != EW_OK) {
      fprintf(stderr, "pg_slow_reader: answer ended early (rc %d) after %llu rows\n", (int)rc,
              rows);
      return false;
    }
    bytes += 5 + (unsigned long long)m->len;
    switch (m->type) {
    case 'T':
      described = true;
      break;
    case 'D':
      if (!described || tag[0] != '\0') {
        fprintf(stderr, "pg_slow_reader: DataRow outside RowDescription..CommandComplete\n");
        return false;
      }
      rows++;
      break;
    case 'C': {
      size_t n = strnlen((const char *)m->buf, sizeof tag - 1); /* a longer tag is wrong anyway */
      memcpy(tag, m->buf, n);
      tag[n] = '\0';
      break;
    }
    case 'E': {
      ew_error e = {0};
      ew_parse_error(m, &e);
      fprintf(stderr, "pg_slow_reader: ErrorResponse %s %s after %llu rows\n", e.sqlstate,
              e.message, rows);
      return false;
    }
    case 'Z': {
      char want[64];
      snprintf(want, sizeof want, "SELECT %llu", rows);
      printf("rows=%llu bytes=%llu tag=%s\n", rows, bytes, tag);
      if (strcmp(tag, want) != 0) {
        fprintf(stderr, "pg_slow_reader: tag '%s' but %llu DataRows\n", tag, rows);
        return false;
      }
      return true;
    }
    default:
      break; /* NoticeResponse, ParameterStatus: allowed anywhere */
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: pg_slow_reader HOST PORT STALL_MS SQL\n");
    return 2;
  }
  char *end = NULL;
  long stall_ms = strtol(argv[3], &end, 10);
  if (*end != '\0' || stall_ms < 0 || stall_ms > 600000) {
    fprintf(stderr, "pg_slow_reader: STALL_MS must be 0..600000, not '%s'\n", argv[3]);
    return 2;
  }
  size_t sql_len = strlen(argv[4]);
  if (sql_len > 100000) {
    fprintf(stderr, "pg_slow_reader: SQL too long\n");
    return 2;
  }
  ew_target t = {.host = argv[1],
                 .port = argv[2],
                 .user = getenv("AWS_ACCESS_KEY_ID"),
                 .password = getenv("AWS_SECRET_ACCESS_KEY"),
                 .rcvbuf = SR_RCVBUF};
  if (t.user == NULL || t.password == NULL) {
    fprintf(stderr, "pg_slow_reader: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  static ew_msg m; /* ~1 MiB: not on the stack */
  int fd = ew_connect(&t);
  if (fd < 0 || ew_login(fd, &t, &m, false) != EW_OK) {
    return 1;
  }
  uint8_t *q = malloc(5 + sql_len + 1);
  if (q == NULL) {
    fprintf(stderr, "pg_slow_reader: out of memory\n");
    return 1;
  }
  q[0] = 'Q';
  ew_put_u32(q + 1, (uint32_t)(4 + sql_len + 1));
  memcpy(q + 5, argv[4], sql_len + 1);
  ew_rc rc = ew_send(fd, q, 5 + sql_len + 1);
  free(q);
  if (rc != EW_OK) {
    fprintf(stderr, "pg_slow_reader: sending the Query failed (rc %d)\n", (int)rc);
    return 1;
  }
  printf("stalling %ld ms\n", stall_ms);
  fflush(stdout);
  struct timespec ts = {.tv_sec = stall_ms / 1000, .tv_nsec = (stall_ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
  bool ok = sr_read_answer(fd, &m);
  close(fd);
  return ok ? 0 : 1;
}
