/*
 * emu_err.h — one Data API error answer: HTTP status, "__type", message and an optional extra
 * member (ResourceId of ResourceNotFoundException, StatementId of ExecuteStatementException).
 *
 * Every handler reports failure by filling an emu_err; emu_http turns it into the awsJson error
 * body {"__type":"...","message":"...",...} with its status. Ownership: message is owned by the
 * emu_err (malloc'd) and released by emu_err_clear.
 */
#ifndef REDWIRE_EMU_ERR_H
#define REDWIRE_EMU_ERR_H

#include <stdbool.h>

#include "emu_json.h"

typedef struct emu_err {
  int status;             /* HTTP status; 0 while no error is set */
  const char *type;       /* static "__type", e.g. "ValidationException" */
  char *message;          /* owned; NULL = no "message" member (AWS omits it for some errors) */
  const char *extra_name; /* static member name ("ResourceId"), NULL for none */
  char extra_value[128];
} emu_err;

/* Sets the error (replacing any earlier one). fmt may be NULL for an error without a message.
 * If the message cannot be allocated the error keeps its status and type without a message. */
void emu_err_set(emu_err *e, int status, const char *type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds the extra member, e.g. ("ResourceId", statement id). */
void emu_err_extra(emu_err *e, const char *name, const char *value);
void emu_err_clear(emu_err *e);
static inline bool emu_err_is_set(const emu_err *e) {
  return e->status != 0;
}
/* Writes the awsJson error body. */
void emu_err_json(const emu_err *e, emu_buf *out);

/* Shorthands for the errors every operation can raise. */
#define EMU_ERR_VALIDATION(e, ...) emu_err_set((e), 400, "ValidationException", __VA_ARGS__)
#define EMU_ERR_INTERNAL(e, ...)   emu_err_set((e), 500, "InternalServerException", __VA_ARGS__)
/* ResourceNotFoundException is HTTP 404 and carries ResourceId (model, dataapi.md §1.4). */
void emu_err_not_found(emu_err *e, const char *resource_id, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
