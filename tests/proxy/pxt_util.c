#include "pxt_util.h"

#include "px_binary.h"

#include <string.h>

#include "pgw_buf.h"
#include "pgw_encode.h"
#include "pgw_wr.h"

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

typedef px_text_rc (*field_fn)(pgw_datarow *row, const px_coltype *t, const dapi_result_field *f);

static void render(field_fn fn, const px_coltype *t, const dapi_result_field *f, pxt_out *out) {
  memset(out, 0, sizeof *out);
  pgw_buf buf;
  pgw_buf_init(&buf, 64u << 20);
  pgw_wr w;
  pgw_wr_init(&w, &buf);
  pgw_datarow row;
  pgw_enc_datarow_begin(&row, &w, 1);
  out->rc = fn(&row, t, f);
  if (out->rc != PX_TEXT_OK) {
    /* Nothing of the field may have been written: type, length, count = 7 bytes only. */
    out->framing_ok =
        row.done == 0 && !row.field_open && pgw_wr_status(&w) == PGW_OK && pgw_buf_len(&buf) == 7;
    out->len = -2;
    pgw_buf_free(&buf);
    return;
  }
  pgw_enc_datarow_end(&row);
  const uint8_t *d = pgw_buf_data(&buf);
  size_t n = pgw_buf_len(&buf);
  out->framing_ok = pgw_wr_status(&w) == PGW_OK && n >= 11 && d[0] == 'D' && be32(d + 1) == n - 1 &&
                    d[5] == 0 && d[6] == 1;
  if (out->framing_ok) {
    int32_t len = (int32_t)be32(d + 7);
    if (len == -1 && n == 11) {
      out->len = -1;
    } else if (len >= 0 && (size_t)len == n - 11 && (size_t)len <= PXT_OUT_MAX) {
      out->len = len;
      memcpy(out->data, d + 11, (size_t)len);
      out->data[len] = '\0';
    } else {
      out->framing_ok = false;
    }
  }
  pgw_buf_free(&buf);
}

void pxt_render(const px_coltype *t, const dapi_result_field *f, pxt_out *out) {
  render(px_text_field, t, f, out);
}

void pxt_render_binary(const px_coltype *t, const dapi_result_field *f, pxt_out *out) {
  render(px_binary_field, t, f, out);
}

static dapi_result_field make(dapi_result_kind kind, const char *s) {
  dapi_result_field f;
  memset(&f, 0, sizeof f);
  f.kind = kind;
  f.text.ptr = s;
  f.text.len = s != NULL ? strlen(s) : 0;
  return f;
}

dapi_result_field pxt_string(const char *s) {
  return make(DAPI_RESULT_STRING, s);
}

dapi_result_field pxt_long(const char *digits) {
  return make(DAPI_RESULT_LONG, digits);
}

dapi_result_field pxt_double(const char *text) {
  return make(DAPI_RESULT_DOUBLE, text);
}

dapi_result_field pxt_double_special(dapi_result_special sp) {
  dapi_result_field f = make(DAPI_RESULT_DOUBLE, NULL);
  f.special = sp;
  return f;
}

dapi_result_field pxt_bool(bool b) {
  dapi_result_field f = make(DAPI_RESULT_BOOL, NULL);
  f.boolean = b;
  return f;
}

dapi_result_field pxt_blob(const char *base64) {
  return make(DAPI_RESULT_BLOB, base64);
}

dapi_result_field pxt_null(void) {
  return make(DAPI_RESULT_NULL, NULL);
}

px_coltype pxt_type(const char *type_name) {
  return px_types_from_dataapi(type_name, strlen(type_name), 0, 0);
}
