/* px_log.h — redwire's log: one line per event, to stderr or log_file.
 *
 * Line shape: "2024-06-12 14:30:45.123 UTC [pid] LEVEL conn=N: text". conn=0 means the server
 * itself. Callers must never pass secrets (passwords, secret keys, session tokens, signatures):
 * log the access key id, the statement id, the action — not the credentials or SQL parameters.
 *
 * Second line of defence: the secrets redwire knows from its configuration (its own secret key
 * and session token, the entries of auth_file) are registered with px_log_add_secret, and every
 * occurrence of one in a line is replaced by "[redacted]" before the line is written. A
 * client's own password (auth_mode = iam) is never passed to the logger in the first place.
 *
 * Not thread-safe by design: everything runs on the loop thread.
 */
#ifndef PX_LOG_H
#define PX_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "px_status.h"

typedef struct px_log {
  FILE *fp; /* stderr (borrowed) or the opened log_file (owned when owns_fp) */
  bool owns_fp;
  conf_log_level level; /* lines above this level are dropped */
  char **secrets;       /* owned, each owned: redacted from every line */
  size_t nsecrets;
} px_log;

/* Shortest secret registered: shorter strings would redact ordinary words. */
#define PX_LOG_SECRET_MIN 6

/* Logs to stderr at level until px_log_open. */
void px_log_init(px_log *l, conf_log_level level);

/* Switches to path ("" = stderr), appending; the previous file is closed. PX_IO when the file
 * cannot be opened (the log stays as it was). */
PX_MUSTCHECK px_status px_log_open(px_log *l, const char *path);

void px_log_close(px_log *l);

/* Registers s (copied) for redaction. Strings shorter than PX_LOG_SECRET_MIN and repeats are
 * ignored (PX_OK). PX_NOMEM. */
PX_MUSTCHECK px_status px_log_add_secret(px_log *l, const char *s);

/* Unregisters s (wiping the copy); no-op when s is NULL or not registered. */
void px_log_remove_secret(px_log *l, const char *s);

/* Wipes and frees every registered secret. */
void px_log_forget_secrets(px_log *l);

/* True when a line at lvl would be written (to skip building expensive arguments). */
bool px_log_enabled(const px_log *l, conf_log_level lvl);

void px_log_msg(const px_log *l, conf_log_level lvl, uint64_t conn_id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define PX_LOG_ERROR(l, id, ...) px_log_msg((l), CONF_LOG_ERROR, (id), __VA_ARGS__)
#define PX_LOG_WARN(l, id, ...)  px_log_msg((l), CONF_LOG_WARNING, (id), __VA_ARGS__)
#define PX_LOG_INFO(l, id, ...)  px_log_msg((l), CONF_LOG_INFO, (id), __VA_ARGS__)
#define PX_LOG_DEBUG(l, id, ...) px_log_msg((l), CONF_LOG_DEBUG, (id), __VA_ARGS__)

#endif
