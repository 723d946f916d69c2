/* px_log.c — the log sink. */
#include "px_log.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

void px_log_init(px_log *l, conf_log_level level) {
  l->fp = stderr;
  l->owns_fp = false;
  l->level = level;
  l->secrets = NULL;
  l->nsecrets = 0;
}

px_status px_log_add_secret(px_log *l, const char *s) {
  if (s == NULL || strlen(s) < PX_LOG_SECRET_MIN) {
    return PX_OK;
  }
  for (size_t i = 0; i < l->nsecrets; i++) {
    if (strcmp(l->secrets[i], s) == 0) {
      return PX_OK;
    }
  }
  char **grown = realloc(l->secrets, (l->nsecrets + 1) * sizeof(*grown));
  if (grown == NULL) {
    return PX_NOMEM;
  }
  l->secrets = grown;
  char *copy = strdup(s);
  if (copy == NULL) {
    return PX_NOMEM;
  }
  l->secrets[l->nsecrets++] = copy;
  return PX_OK;
}

void px_log_remove_secret(px_log *l, const char *s) {
  if (s == NULL) {
    return;
  }
  for (size_t i = 0; i < l->nsecrets; i++) {
    if (strcmp(l->secrets[i], s) == 0) {
      OPENSSL_cleanse(l->secrets[i], strlen(l->secrets[i]));
      free(l->secrets[i]);
      l->secrets[i] = l->secrets[--l->nsecrets];
      return;
    }
  }
}

void px_log_forget_secrets(px_log *l) {
  for (size_t i = 0; i < l->nsecrets; i++) {
    OPENSSL_cleanse(l->secrets[i], strlen(l->secrets[i]));
    free(l->secrets[i]);
  }
  free(l->secrets);
  l->secrets = NULL;
  l->nsecrets = 0;
}

/* Replaces every registered secret in line[from..*len) by a marker, in place. The marker may be
 * longer than the secret: what no longer fits into cap - 1 bytes is cut off, never the marker. */
/* A line cut at the buffer's end may end in the first bytes of a secret: drop such a tail. */
static void redact_cut_tail(const px_log *l, char *line, size_t from, size_t *len) {
  for (size_t i = 0; i < l->nsecrets; i++) {
    const char *sec = l->secrets[i];
    size_t sl = strlen(sec);
    for (size_t k = sl - 1; k >= PX_LOG_SECRET_MIN / 2 && k > 0; k--) {
      if (*len - from >= k && memcmp(line + *len - k, sec, k) == 0) {
        *len -= k;
        line[*len] = '\0';
        break;
      }
    }
  }
}

static void redact(const px_log *l, char *line, size_t cap, size_t from, size_t *len) {
  static const char marker[] = "[redacted]";
  for (size_t i = 0; i < l->nsecrets; i++) {
    const char *sec = l->secrets[i];
    size_t sl = strlen(sec);
    char *p = line + from;
    while ((p = strstr(p, sec)) != NULL) {
      size_t at = (size_t)(p - line);
      size_t tail = *len - at - sl; /* bytes after the secret */
      size_t ml = sizeof marker - 1;
      if (at + ml >= cap) {
        *len = at; /* no room even for the marker: the line ends before the secret */
        line[at] = '\0';
        break;
      }
      if (at + ml + tail >= cap) {
        tail = cap - 1 - at - ml; /* truncate the line rather than overflow */
      }
      memmove(line + at + ml, line + at + sl, tail);
      memcpy(line + at, marker, ml);
      *len = at + ml + tail;
      line[*len] = '\0';
      p = line + at + ml;
    }
  }
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
  line[len] = '\0';
  if (l->nsecrets > 0) {
    if (m > 0 && (size_t)m >= sizeof line - (size_t)n - 1) {
      redact_cut_tail(l, line, (size_t)n, &len);
    }
    redact(l, line, sizeof line - 1, (size_t)n, &len);
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
