#include "pgw_error.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* After a cut at n bytes, drops a trailing partial UTF-8 sequence so the client never receives
 * invalid UTF-8 (libpq would show replacement characters or refuse the message). */
static void trim_partial_utf8(char *s, size_t n) {
  size_t i = n;
  while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
    i--; /* continuation bytes */
  if (i == 0) {
    s[n] = '\0';
    return;
  }
  unsigned char lead = (unsigned char)s[i - 1];
  size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  size_t have = n - (i - 1);
  s[have < want ? i - 1 : n] = '\0';
}

__attribute__((format(printf, 3, 0))) static void vformat(char *dst, size_t cap, const char *fmt,
                                                          va_list ap) {
  int n = vsnprintf(dst, cap, fmt, ap);
  if (n < 0) {
    dst[0] = '\0';
    return;
  }
  if ((size_t)n >= cap)
    trim_partial_utf8(dst, cap - 1);
}

void pgw_error_copy_text(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n < cap) {
    memcpy(dst, src, n + 1);
    return;
  }
  memcpy(dst, src, cap - 1);
  trim_partial_utf8(dst, cap - 1);
}

static bool valid_sqlstate(const char *s) {
  if (s == NULL || strlen(s) != 5)
    return false;
  for (int i = 0; i < 5; i++) {
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
      return false;
  }
  return true;
}

void pgw_error_set(pgw_error *e, const char *severity, const char *sqlstate, const char *fmt, ...) {
  memset(e, 0, sizeof *e);
  pgw_error_copy_text(e->severity, sizeof e->severity, severity != NULL ? severity : "ERROR");
  memcpy(e->sqlstate, valid_sqlstate(sqlstate) ? sqlstate : "XX000", 6);
  va_list ap;
  va_start(ap, fmt);
  vformat(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
}

void pgw_error_detail(pgw_error *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vformat(e->detail, sizeof e->detail, fmt, ap);
  va_end(ap);
}

void pgw_error_hint(pgw_error *e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vformat(e->hint, sizeof e->hint, fmt, ap);
  va_end(ap);
}
