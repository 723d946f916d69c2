/* pgw_encode.h — encoders of PostgreSQL v3 backend messages onto a pgw_wr.
 *
 * Encoders do not return a status: like every writer call, a failure (buffer cap reached, out of
 * memory, an argument outside what the protocol can carry → PGW_EPROTO) lands in the writer's
 * sticky status and the half-written message is removed. Check pgw_wr_status once before
 * handing the buffer to the socket. String arguments are borrowed for the duration of the call.
 *
 * Formats: PostgreSQL documentation, "Message Formats"
 * (https://www.postgresql.org/docs/current/protocol-message-formats.html); field order of
 * ErrorResponse as PostgreSQL 15 sends it (send_message_to_frontend in elog.c).
 */
#ifndef PGW_ENCODE_H
#define PGW_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_error.h"
#include "pgw_wr.h"

/* ---- authentication ---- */
void pgw_enc_auth_ok(pgw_wr *w);
void pgw_enc_auth_cleartext(pgw_wr *w);
void pgw_enc_auth_md5(pgw_wr *w, const uint8_t salt[4]);
/* AuthenticationSASL: the mechanisms the server offers, most preferred first; n >= 1. */
void pgw_enc_auth_sasl(pgw_wr *w, const char *const *mechanisms, size_t n);
void pgw_enc_auth_sasl_continue(pgw_wr *w, const void *data, size_t len);
void pgw_enc_auth_sasl_final(pgw_wr *w, const void *data, size_t len);

/* ---- session ---- */
void pgw_enc_parameter_status(pgw_wr *w, const char *name, const char *value);
/* key_len: 4 for protocol 3.0; up to PGW_CANCEL_KEY_MAX (256) for 3.2. */
void pgw_enc_backend_key_data(pgw_wr *w, int32_t pid, const uint8_t *key, size_t key_len);

typedef enum {
  PGW_TXN_IDLE = 'I',   /* not in a transaction block */
  PGW_TXN_BLOCK = 'T',  /* in a transaction block */
  PGW_TXN_FAILED = 'E', /* in a failed transaction block: commands refused until it ends */
} pgw_txn_status;

void pgw_enc_ready_for_query(pgw_wr *w, pgw_txn_status status);
/* Newest minor version supported plus the _pq_.* options not recognised. */
void pgw_enc_negotiate_protocol_version(pgw_wr *w, uint16_t newest_minor,
                                        const char *const *unrecognized, size_t n);

/* ---- results ---- */
typedef struct pgw_field {
  const char *name;   /* borrowed */
  uint32_t table_oid; /* 0 when not a table column */
  int16_t attnum;     /* 0 when not a table column */
  uint32_t type_oid;
  int16_t typlen; /* pg_type.typlen: -1 varlena, -2 cstring */
  int32_t typmod; /* -1 when none */
  int16_t format; /* 0 text, 1 binary; 0 in a Describe of a statement */
} pgw_field;

void pgw_enc_row_description(pgw_wr *w, const pgw_field *fields, uint16_t n);
void pgw_enc_no_data(pgw_wr *w);
void pgw_enc_parameter_description(pgw_wr *w, const uint32_t *oids, uint16_t n);

/* DataRow, streamed: begin with the column count, then exactly that many fields — each either
 * whole (field / null) or in pieces (field_begin, field_append..., field_end) — then end. The
 * bytes go straight into the writer's buffer, so no row object is ever built. A field count that
 * does not match, or a call out of order, is PGW_EPROTO. */
typedef struct pgw_datarow {
  pgw_wr *w;       /* borrowed; must outlive the row */
  uint16_t ncols;  /* declared */
  uint16_t done;   /* fields completed */
  bool field_open; /* between field_begin and field_end */
  size_t field_at; /* offset of the open field's length word */
} pgw_datarow;

void pgw_enc_datarow_begin(pgw_datarow *r, pgw_wr *w, uint16_t ncols);
void pgw_enc_datarow_field(pgw_datarow *r, const void *data, size_t len);
void pgw_enc_datarow_null(pgw_datarow *r);
void pgw_enc_datarow_field_begin(pgw_datarow *r);
void pgw_enc_datarow_field_append(pgw_datarow *r, const void *data, size_t len);
void pgw_enc_datarow_field_end(pgw_datarow *r);
void pgw_enc_datarow_end(pgw_datarow *r);

/* tag: e.g. "SELECT 3", "INSERT 0 1" (see pgw_tag.h). */
void pgw_enc_command_complete(pgw_wr *w, const char *tag);
void pgw_enc_empty_query(pgw_wr *w);
void pgw_enc_portal_suspended(pgw_wr *w);

/* ---- extended protocol acknowledgements ---- */
void pgw_enc_parse_complete(pgw_wr *w);
void pgw_enc_bind_complete(pgw_wr *w);
void pgw_enc_close_complete(pgw_wr *w);

/* ---- errors and notices ---- */

/* Every field PostgreSQL may send; NULL pointers and zero positions/lines are not sent.
 * severity, sqlstate and message are required (PGW_EPROTO when NULL). */
typedef struct pgw_err_fields {
  const char *severity; /* sent as both S and V, as PostgreSQL does */
  const char *sqlstate;
  const char *message;
  const char *detail;
  const char *hint;
  int32_t position;           /* P: 1-based character position in the query */
  int32_t internal_position;  /* p: position in internal_query */
  const char *internal_query; /* q */
  const char *where;          /* W: context lines */
  const char *schema;
  const char *table;
  const char *column;
  const char *datatype;
  const char *constraint;
  const char *file;
  int32_t line;
  const char *routine;
} pgw_err_fields;

void pgw_enc_error_response(pgw_wr *w, const pgw_err_fields *f);
void pgw_enc_notice_response(pgw_wr *w, const pgw_err_fields *f);
/* ErrorResponse from the compact form; empty detail/hint and position 0 are not sent. */
void pgw_enc_error(pgw_wr *w, const pgw_error *e);

/* ---- COPY (for later use) ---- */
/* overall_format 0 (text: every column format must be 0) or 1 (binary). */
void pgw_enc_copy_in_response(pgw_wr *w, int8_t overall_format, const int16_t *formats, uint16_t n);
void pgw_enc_copy_out_response(pgw_wr *w, int8_t overall_format, const int16_t *formats,
                               uint16_t n);
void pgw_enc_copy_data(pgw_wr *w, const void *data, size_t len);
void pgw_enc_copy_done(pgw_wr *w);

/* ---- single-byte answers of the startup phase (no length, no type) ---- */
void pgw_enc_ssl_answer(pgw_wr *w, bool accept);    /* 'S' or 'N' */
void pgw_enc_gssenc_answer(pgw_wr *w, bool accept); /* 'G' or 'N' */

#endif
