/*
 * emu_log.h — the request log: one line per request (time, request id, operation, access key
 * id, HTTP status, milliseconds) to stderr or --log-file. Never given secrets, tokens, signatures
 * or parameter values. Thread-safe.
 */
#ifndef REDWIRE_EMU_LOG_H
#define REDWIRE_EMU_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct emu_log emu_log;

/* path NULL: stderr. NULL on failure (errno set). */
emu_log *emu_log_open(const char *path, bool verbose);
void emu_log_close(emu_log *l);
bool emu_log_verbose(const emu_log *l);

void emu_log_request(emu_log *l, const char *request_id, const char *op, const char *akid,
                     int status, const char *error_type, double ms);
/* A free-form line (startup, warnings). */
void emu_log_msg(emu_log *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with a va_list (libmicrohttpd's error logger). Trailing newlines in fmt are dropped. */
void emu_log_vmsg(emu_log *l, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
