/* pg_login — logs in to a PostgreSQL server (redwire) N times in a row with a cleartext password
 * and reports how each login ended and how long it took: the login latency of the IAM key check
 * (bench/bench_keycheck.sh) and its SQLSTATE on failure (e2e_keycheck.sh), which psql does not
 * show for connection errors.
 *
 *   pg_login [-n N] HOST PORT USER PASSWORD
 *
 * Output: one line. "ok n=N min=… median=… p90=… max=… ms" when every login reached
 * ReadyForQuery; "error SQLSTATE message" (exit 1) at the first ErrorResponse; exit 2 on a local
 * or protocol failure. Each login is a new TCP connection, ended with Terminate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e_wire.h"

static long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

/* One login; 0 ok (*ms set), 1 ErrorResponse (printed), 2 other failure. */
static int login_once(const ew_target *t, ew_msg *m, double *ms) {
  long t0 = now_us();
  int fd = ew_connect(t);
  if (fd < 0) {
    return 2;
  }
  uint8_t buf[512];
  size_t n = 0;
  /* StartupMessage 3.0: user, database dev, client_encoding UTF8. */
  const char *kv[] = {"user", t->user, "database", "dev", "client_encoding", "UTF8"};
  n = 8;
  for (size_t i = 0; i < 6; i++) {
    size_t l = strlen(kv[i]) + 1;
    if (n + l + 1 > sizeof buf) {
      close(fd);
      return 2;
    }
    memcpy(buf + n, kv[i], l);
    n += l;
  }
  buf[n++] = 0;
  ew_put_u32(buf, (uint32_t)n);
  ew_put_u32(buf + 4, 196608);
  ew_rc rc = ew_send(fd, buf, n);
  long deadline = ew_now_ms() + 20000;
  int result = 2;
  while (rc == EW_OK) {
    rc = ew_read_msg(fd, m, deadline);
    if (rc != EW_OK) {
      break;
    }
    if (m->type == 'Z') {
      *ms = (double)(now_us() - t0) / 1000.0;
      result = 0;
      break;
    }
    if (m->type == 'E') {
      ew_error e = {0};
      ew_parse_error(m, &e);
      printf("error %s %s\n", e.sqlstate, e.message);
      result = 1;
      break;
    }
    if (m->type == 'R' && m->len >= 4 && ew_get_u32(m->buf) == 3) {
      size_t pl = strlen(t->password) + 1;
      uint8_t pw[5 + 1024];
      if (pl > 1024) {
        break;
      }
      pw[0] = 'p';
      ew_put_u32(pw + 1, (uint32_t)(4 + pl));
      memcpy(pw + 5, t->password, pl);
      rc = ew_send(fd, pw, 5 + pl);
    }
  }
  if (result == 0) {
    uint8_t term[5] = {'X', 0, 0, 0, 4};
    (void)ew_send(fd, term, sizeof term);
  } else if (result == 2) {
    fprintf(stderr, "pg_login: login did not complete (rc %d)\n", (int)rc);
  }
  close(fd);
  return result;
}

int main(int argc, char **argv) {
  int count = 1, i = 1;
  if (argc > 2 && strcmp(argv[1], "-n") == 0) {
    count = atoi(argv[2]);
    i = 3;
  }
  if (argc - i != 4 || count < 1) {
    fprintf(stderr, "usage: pg_login [-n N] HOST PORT USER PASSWORD\n");
    return 2;
  }
  ew_target t = {argv[i], argv[i + 1], argv[i + 2], argv[i + 3], 0};
  ew_msg *m = malloc(sizeof *m);
  long *ms = malloc(sizeof(long) * (size_t)count);
  if (m == NULL || ms == NULL) {
    return 2;
  }
  for (int k = 0; k < count; k++) {
    double one = 0;
    int r = login_once(&t, m, &one);
    if (r != 0) {
      free(ms);
      free(m);
      return r;
    }
    ms[k] = (long)(one * 1000); /* µs */
  }
  qsort(ms, (size_t)count, sizeof *ms, cmp_long);
  printf("ok n=%d min=%.1f median=%.1f p90=%.1f max=%.1f ms\n", count, ms[0] / 1000.0,
         ms[count / 2] / 1000.0,
         ms[(count * 9) / 10 < count ? (count * 9) / 10 : count - 1] / 1000.0,
         ms[count - 1] / 1000.0);
  free(ms);
  free(m);
  return 0;
}
