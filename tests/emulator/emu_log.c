#include "emu_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct emu_log {
  pthread_mutex_t mu;
  FILE *f; /* owned unless it is stderr */
  bool owned;
  bool verbose;
};

emu_log *emu_log_open(const char *path, bool verbose) {
  emu_log *l = calloc(1, sizeof *l);
  if (l == NULL) {
    return NULL;
  }
  if (path != NULL) {
    l->f = fopen(path, "a");
    if (l->f == NULL) {
      free(l);
      return NULL;
    }
    l->owned = true;
  } else {
    l->f = stderr;
  }
  pthread_mutex_init(&l->mu, NULL);
  l->verbose = verbose;
  return l;
}

void emu_log_close(emu_log *l) {
  if (l == NULL) {
    return;
  }
  if (l->owned) {
    fclose(l->f);
  }
  pthread_mutex_destroy(&l->mu);
  free(l);
}

bool emu_log_verbose(const emu_log *l) {
  return l->verbose;
}

static void stamp(char out[32]) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void emu_log_request(emu_log *l, const char *request_id, const char *op, const char *akid,
                     int status, const char *error_type, double ms) {
  char t[32];
  stamp(t);
  pthread_mutex_lock(&l->mu);
  fprintf(l->f, "%s %s op=%s key=%s status=%d%s%s ms=%.1f\n", t, request_id, op,
          akid != NULL && *akid != '\0' ? akid : "-", status, error_type != NULL ? " error=" : "",
          error_type != NULL ? error_type : "", ms);
  fflush(l->f);
  pthread_mutex_unlock(&l->mu);
}

void emu_log_vmsg(emu_log *l, const char *fmt, va_list ap) {
  char t[32], text[1024];
  stamp(t);
  vsnprintf(text, sizeof text, fmt, ap);
  size_t n = strlen(text);
  while (n > 0 && text[n - 1] == '\n') {
    text[--n] = '\0';
  }
  pthread_mutex_lock(&l->mu);
  fprintf(l->f, "%s %s\n", t, text);
  fflush(l->f);
  pthread_mutex_unlock(&l->mu);
}

void emu_log_msg(emu_log *l, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emu_log_vmsg(l, fmt, ap);
  va_end(ap);
}
