/* px_log.c — the log sink. */
#include "px_log.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

void px_log_init(px_log *l, conf_log_level level) {
  l->fp = stderr;
  l->owns_fp = false;
  l->level = level;
}

px_status px_log_open(px_log *l, const char *path) {
  FILE *fp = stderr;
  bool owns = false;
  if (path != NULL && path[0] != '\0') {
    fp = fopen(path, "a");
    if (fp == NULL) {
      return PX_IO;
    }
    owns = true;
    /* Line buffered: an operator tailing the file sees each line as it is written. */
    setvbuf(fp, NULL, _IOLBF, 0);
  }
  px_log_close(l);
  l->fp = fp;
  l->owns_fp = owns;
  return PX_OK;
}

void px_log_close(px_log *l) {
  if (l->owns_fp && l->fp != NULL) {
    fclose(l->fp);
  }
  l->fp = stderr;
  l->owns_fp = false;
}

bool px_log_enabled(const px_log *l, conf_log_level lvl) {
  return lvl <= l->level;
}

static const char *level_name(conf_log_level lvl) {
  switch (lvl) {
  case CONF_LOG_ERROR:
    return "ERROR";
  case CONF_LOG_WARNING:
    return "WARNING";
  case CONF_LOG_INFO:
    return "LOG";
  case CONF_LOG_DEBUG:
    return "DEBUG";
  }
  return "LOG";
}

void px_log_msg(const px_log *l, conf_log_level lvl, uint64_t conn_id, const char *fmt, ...) {
  if (!px_log_enabled(l, lvl)) {
    return;
  }
  int saved_errno = errno;
  struct timeval tv;
  gettimeofday(&tv, NULL);
  struct tm tm;
  time_t secs = tv.tv_sec;
  gmtime_r(&secs, &tm);
  char stamp[32];
  strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
  /* One buffer, one fputs: concurrent writers (several redwire processes sharing a file) never
   * interleave inside a line. */
  char line[2048];
  int n = snprintf(line, sizeof line, "%s.%03d UTC [%ld] %s conn=%llu: ", stamp,
                   (int)(tv.tv_usec / 1000), (long)getpid(), level_name(lvl),
                   (unsigned long long)conn_id);
  if (n < 0 || (size_t)n >= sizeof line) {
    n = 0;
  }
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
  va_end(ap);
  size_t len = (size_t)n;
  if (m > 0) {
    len += (size_t)m < sizeof line - (size_t)n - 1 ? (size_t)m : sizeof line - (size_t)n - 2;
  }
  /* A message never spans lines: newlines inside (e.g. from a Data API error text) are shown
   * as spaces so that one event stays one line for grep and log shippers. */
  for (size_t i = (size_t)n; i < len; i++) {
    if (line[i] == '\n' || line[i] == '\r') {
      line[i] = ' ';
    }
  }
  line[len++] = '\n';
  line[len] = '\0';
  fputs(line, l->fp);
  fflush(l->fp);
  errno = saved_errno;
}
