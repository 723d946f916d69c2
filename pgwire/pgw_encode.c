/* Backend messages other than ErrorResponse/NoticeResponse (pgw_encode_error.c). */
#include "pgw_encode.h"

#include <limits.h>

#include "pgw_decode.h" /* PGW_CANCEL_KEY_MIN/MAX */

/* Backend message type bytes. */
enum {
  BE_AUTH = 'R',
  BE_BACKEND_KEY = 'K',
  BE_BIND_COMPLETE = '2',
  BE_CLOSE_COMPLETE = '3',
  BE_COMMAND_COMPLETE = 'C',
  BE_COPY_DATA = 'd',
  BE_COPY_DONE = 'c',
  BE_COPY_IN = 'G',
  BE_COPY_OUT = 'H',
  BE_DATA_ROW = 'D',
  BE_EMPTY_QUERY = 'I',
  BE_NEGOTIATE = 'v',
  BE_NO_DATA = 'n',
  BE_PARAMETER_DESCRIPTION = 't',
  BE_PARAMETER_STATUS = 'S',
  BE_PARSE_COMPLETE = '1',
  BE_PORTAL_SUSPENDED = 's',
  BE_READY = 'Z',
  BE_ROW_DESCRIPTION = 'T',
};

/* Authentication request codes. */
enum {
  AUTH_OK = 0,
  AUTH_CLEARTEXT = 3,
  AUTH_MD5 = 5,
  AUTH_SASL = 10,
  AUTH_SASL_CONTINUE = 11,
  AUTH_SASL_FINAL = 12,
};

static void empty_msg(pgw_wr *w, uint8_t type) {
  pgw_wr_begin(w, type);
  pgw_wr_end(w);
}

static void auth_code(pgw_wr *w, int32_t code) {
  pgw_wr_begin(w, BE_AUTH);
  pgw_wr_i32(w, code);
  pgw_wr_end(w);
}

void pgw_enc_auth_ok(pgw_wr *w) {
  auth_code(w, AUTH_OK);
}

void pgw_enc_auth_cleartext(pgw_wr *w) {
  auth_code(w, AUTH_CLEARTEXT);
}

void pgw_enc_auth_md5(pgw_wr *w, const uint8_t salt[4]) {
  pgw_wr_begin(w, BE_AUTH);
  pgw_wr_i32(w, AUTH_MD5);
  pgw_wr_bytes(w, salt, 4);
  pgw_wr_end(w);
}

void pgw_enc_auth_sasl(pgw_wr *w, const char *const *mechanisms, size_t n) {
  if (n == 0 || mechanisms == NULL) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_begin(w, BE_AUTH);
  pgw_wr_i32(w, AUTH_SASL);
  for (size_t i = 0; i < n; i++) {
    if (mechanisms[i] == NULL || mechanisms[i][0] == '\0') {
      /* An empty name would read as the list terminator. */
      pgw_wr_fail(w, PGW_EPROTO);
      return;
    }
    pgw_wr_cstr(w, mechanisms[i]);
  }
  pgw_wr_u8(w, 0);
  pgw_wr_end(w);
}

static void auth_data(pgw_wr *w, int32_t code, const void *data, size_t len) {
  pgw_wr_begin(w, BE_AUTH);
  pgw_wr_i32(w, code);
  pgw_wr_bytes(w, data, len);
  pgw_wr_end(w);
}

void pgw_enc_auth_sasl_continue(pgw_wr *w, const void *data, size_t len) {
  auth_data(w, AUTH_SASL_CONTINUE, data, len);
}

void pgw_enc_auth_sasl_final(pgw_wr *w, const void *data, size_t len) {
  auth_data(w, AUTH_SASL_FINAL, data, len);
}

void pgw_enc_parameter_status(pgw_wr *w, const char *name, const char *value) {
  pgw_wr_begin(w, BE_PARAMETER_STATUS);
  pgw_wr_cstr(w, name);
  pgw_wr_cstr(w, value);
  pgw_wr_end(w);
}

void pgw_enc_backend_key_data(pgw_wr *w, int32_t pid, const uint8_t *key, size_t key_len) {
  if (key_len < PGW_CANCEL_KEY_MIN || key_len > PGW_CANCEL_KEY_MAX) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_begin(w, BE_BACKEND_KEY);
  pgw_wr_i32(w, pid);
  pgw_wr_bytes(w, key, key_len);
  pgw_wr_end(w);
}

void pgw_enc_ready_for_query(pgw_wr *w, pgw_txn_status status) {
  if (status != PGW_TXN_IDLE && status != PGW_TXN_BLOCK && status != PGW_TXN_FAILED) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_begin(w, BE_READY);
  pgw_wr_u8(w, (uint8_t)status);
  pgw_wr_end(w);
}

void pgw_enc_negotiate_protocol_version(pgw_wr *w, uint16_t newest_minor,
                                        const char *const *unrecognized, size_t n) {
  if (n > INT32_MAX || (n > 0 && unrecognized == NULL)) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_begin(w, BE_NEGOTIATE);
  /* The newest version is sent as a whole protocol number: major 3 in the high 16 bits. */
  pgw_wr_i32(w, (int32_t)((3u << 16) | newest_minor));
  pgw_wr_i32(w, (int32_t)n);
  for (size_t i = 0; i < n; i++)
    pgw_wr_cstr(w, unrecognized[i]);
  pgw_wr_end(w);
}

void pgw_enc_row_description(pgw_wr *w, const pgw_field *fields, uint16_t n) {
  if (n > 0 && fields == NULL) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_begin(w, BE_ROW_DESCRIPTION);
  pgw_wr_i16(w, (int16_t)n);
  for (uint16_t i = 0; i < n; i++) {
    const pgw_field *f = &fields[i];
    if (f->format != 0 && f->format != 1) {
      pgw_wr_fail(w, PGW_EPROTO);
      return;
    }
    pgw_wr_cstr(w, f->name);
    pgw_wr_i32(w, (int32_t)f->table_oid);
    pgw_wr_i16(w, f->attnum);
    pgw_wr_i32(w, (int32_t)f->type_oid);
    pgw_wr_i16(w, f->typlen);
    pgw_wr_i32(w, f->typmod);
    pgw_wr_i16(w, f->format);
  }
  pgw_wr_end(w);
}

void pgw_enc_no_data(pgw_wr *w) {
  empty_msg(w, BE_NO_DATA);
}

void pgw_enc_parameter_description(pgw_wr *w, const uint32_t *oids, uint16_t n) {
  if (n > 0 && oids == NULL) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_begin(w, BE_PARAMETER_DESCRIPTION);
  pgw_wr_i16(w, (int16_t)n);
  for (uint16_t i = 0; i < n; i++)
    pgw_wr_i32(w, (int32_t)oids[i]);
  pgw_wr_end(w);
}

static void row_fail(pgw_datarow *r) {
  pgw_wr_fail(r->w, PGW_EPROTO);
}

void pgw_enc_datarow_begin(pgw_datarow *r, pgw_wr *w, uint16_t ncols) {
  r->w = w;
  r->ncols = ncols;
  r->done = 0;
  r->field_open = false;
  r->field_at = 0;
  pgw_wr_begin(w, BE_DATA_ROW);
  pgw_wr_i16(w, (int16_t)ncols);
}

/* A new field may start: none open and not all written. */
static bool field_may_start(pgw_datarow *r) {
  if (r->field_open || r->done >= r->ncols) {
    row_fail(r);
    return false;
  }
  return true;
}

void pgw_enc_datarow_field(pgw_datarow *r, const void *data, size_t len) {
  if (!field_may_start(r))
    return;
  if (len > INT32_MAX) {
    pgw_wr_fail(r->w, PGW_ETOOBIG);
    return;
  }
  pgw_wr_i32(r->w, (int32_t)len);
  pgw_wr_bytes(r->w, data, len);
  r->done++;
}

void pgw_enc_datarow_null(pgw_datarow *r) {
  if (!field_may_start(r))
    return;
  pgw_wr_i32(r->w, -1);
  r->done++;
}

void pgw_enc_datarow_field_begin(pgw_datarow *r) {
  if (!field_may_start(r))
    return;
  r->field_at = pgw__wr_offset(r->w);
  r->field_open = true;
  pgw_wr_i32(r->w, 0); /* patched by field_end */
}

void pgw_enc_datarow_field_append(pgw_datarow *r, const void *data, size_t len) {
  if (!r->field_open) {
    row_fail(r);
    return;
  }
  pgw_wr_bytes(r->w, data, len);
}

void pgw_enc_datarow_field_end(pgw_datarow *r) {
  if (!r->field_open) {
    row_fail(r);
    return;
  }
  r->field_open = false;
  size_t len = pgw__wr_offset(r->w) - r->field_at - 4;
  if (len > INT32_MAX) {
    pgw_wr_fail(r->w, PGW_ETOOBIG);
    return;
  }
  pgw__wr_patch_i32(r->w, r->field_at, (int32_t)len);
  r->done++;
}

void pgw_enc_datarow_end(pgw_datarow *r) {
  if (r->field_open || r->done != r->ncols) {
    row_fail(r);
    return;
  }
  pgw_wr_end(r->w);
}

void pgw_enc_command_complete(pgw_wr *w, const char *tag) {
  pgw_wr_begin(w, BE_COMMAND_COMPLETE);
  pgw_wr_cstr(w, tag);
  pgw_wr_end(w);
}

void pgw_enc_empty_query(pgw_wr *w) {
  empty_msg(w, BE_EMPTY_QUERY);
}

void pgw_enc_portal_suspended(pgw_wr *w) {
  empty_msg(w, BE_PORTAL_SUSPENDED);
}

void pgw_enc_parse_complete(pgw_wr *w) {
  empty_msg(w, BE_PARSE_COMPLETE);
}

void pgw_enc_bind_complete(pgw_wr *w) {
  empty_msg(w, BE_BIND_COMPLETE);
}

void pgw_enc_close_complete(pgw_wr *w) {
  empty_msg(w, BE_CLOSE_COMPLETE);
}

static void copy_response(pgw_wr *w, uint8_t type, int8_t overall, const int16_t *formats,
                          uint16_t n) {
  if ((overall != 0 && overall != 1) || (n > 0 && formats == NULL)) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  for (uint16_t i = 0; i < n; i++) {
    /* In text COPY every column is text; in binary COPY every column is binary. */
    if (formats[i] != overall) {
      pgw_wr_fail(w, PGW_EPROTO);
      return;
    }
  }
  pgw_wr_begin(w, type);
  pgw_wr_u8(w, (uint8_t)overall);
  pgw_wr_i16(w, (int16_t)n);
  for (uint16_t i = 0; i < n; i++)
    pgw_wr_i16(w, formats[i]);
  pgw_wr_end(w);
}

void pgw_enc_copy_in_response(pgw_wr *w, int8_t overall_format, const int16_t *formats,
                              uint16_t n) {
  copy_response(w, BE_COPY_IN, overall_format, formats, n);
}

void pgw_enc_copy_out_response(pgw_wr *w, int8_t overall_format, const int16_t *formats,
                               uint16_t n) {
  copy_response(w, BE_COPY_OUT, overall_format, formats, n);
}

void pgw_enc_copy_data(pgw_wr *w, const void *data, size_t len) {
  pgw_wr_begin(w, BE_COPY_DATA);
  pgw_wr_bytes(w, data, len);
  pgw_wr_end(w);
}

void pgw_enc_copy_done(pgw_wr *w) {
  empty_msg(w, BE_COPY_DONE);
}

void pgw_enc_ssl_answer(pgw_wr *w, bool accept) {
  pgw_wr_raw_u8(w, accept ? 'S' : 'N');
}

void pgw_enc_gssenc_answer(pgw_wr *w, bool accept) {
  pgw_wr_raw_u8(w, accept ? 'G' : 'N');
}
