#include "emu_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The format attributes tell the compiler fmt is the callers' checked format string (clang's
 * -Wformat-nonliteral otherwise rejects passing it on to vsnprintf). */
static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static void set_v(emu_err *e, int status, const char *type, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static char *vformat(const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    return NULL;
  }
  char *s = malloc((size_t)n + 1);
  if (s != NULL) {
    vsnprintf(s, (size_t)n + 1, fmt, ap);
  }
  return s;
}

static void set_v(emu_err *e, int status, const char *type, const char *fmt, va_list ap) {
  emu_err_clear(e);
  e->status = status;
  e->type = type;
  if (fmt != NULL) {
    e->message = vformat(fmt, ap);
  }
}

void emu_err_set(emu_err *e, int status, const char *type, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_v(e, status, type, fmt, ap);
  va_end(ap);
}

void emu_err_not_found(emu_err *e, const char *resource_id, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_v(e, 404, "ResourceNotFoundException", fmt, ap);
  va_end(ap);
  emu_err_extra(e, "ResourceId", resource_id);
}

void emu_err_extra(emu_err *e, const char *name, const char *value) {
  e->extra_name = name;
  snprintf(e->extra_value, sizeof e->extra_value, "%s", value != NULL ? value : "");
}

void emu_err_clear(emu_err *e) {
  free(e->message);
  memset(e, 0, sizeof *e);
}

void emu_err_json(const emu_err *e, emu_buf *out) {
  emu_buf_puts(out, "{\"__type\":");
  emu_json_cstr(out, e->type);
  if (e->message != NULL) {
    emu_buf_puts(out, ",\"message\":");
    emu_json_cstr(out, e->message);
  }
  if (e->extra_name != NULL) {
    emu_buf_putc(out, ',');
    emu_json_cstr(out, e->extra_name);
    emu_buf_putc(out, ':');
    emu_json_cstr(out, e->extra_value);
  }
  emu_buf_putc(out, '}');
}
