/* ErrorResponse and NoticeResponse. */
#include "pgw_encode.h"

#include <stdio.h>

static void field_str(pgw_wr *w, uint8_t code, const char *v) {
  if (v == NULL)
    return;
  pgw_wr_u8(w, code);
  pgw_wr_cstr(w, v);
}

static void field_int(pgw_wr *w, uint8_t code, int32_t v) {
  if (v <= 0)
    return;
  char text[12];
  snprintf(text, sizeof text, "%d", (int)v);
  field_str(w, code, text);
}

static void encode(pgw_wr *w, uint8_t type, const pgw_err_fields *f) {
  if (f->severity == NULL || f->sqlstate == NULL || f->message == NULL) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_begin(w, type);
  /* The order PostgreSQL 15 uses, so that byte-level comparisons with a real server hold. */
  field_str(w, 'S', f->severity);
  field_str(w, 'V', f->severity);
  field_str(w, 'C', f->sqlstate);
  field_str(w, 'M', f->message);
  field_str(w, 'D', f->detail);
  field_str(w, 'H', f->hint);
  field_str(w, 'W', f->where);
  field_str(w, 's', f->schema);
  field_str(w, 't', f->table);
  field_str(w, 'c', f->column);
  field_str(w, 'd', f->datatype);
  field_str(w, 'n', f->constraint);
  field_int(w, 'P', f->position);
  field_int(w, 'p', f->internal_position);
  field_str(w, 'q', f->internal_query);
  field_str(w, 'F', f->file);
  field_int(w, 'L', f->line);
  field_str(w, 'R', f->routine);
  pgw_wr_u8(w, 0);
  pgw_wr_end(w);
}

void pgw_enc_error_response(pgw_wr *w, const pgw_err_fields *f) {
  encode(w, 'E', f);
}

void pgw_enc_notice_response(pgw_wr *w, const pgw_err_fields *f) {
  encode(w, 'N', f);
}

void pgw_enc_error(pgw_wr *w, const pgw_error *e) {
  pgw_err_fields f = {
      .severity = e->severity,
      .sqlstate = e->sqlstate,
      .message = e->message,
      .detail = e->detail[0] != '\0' ? e->detail : NULL,
      .hint = e->hint[0] != '\0' ? e->hint : NULL,
      .position = e->position,
  };
  encode(w, 'E', &f);
}
