/* libFuzzer target: px_binary_field, px_param_text and px_param_render on arbitrary bytes.
 *
 * The first input byte picks the mode and the type; the rest is the value (or the SQL).
 * Invariants:
 *   - px_binary_field either writes one well-framed field or nothing (EINVAL);
 *   - a text parameter of bool, an integer, a float or numeric that px_param_text accepts is
 *     passed on as a text px_binary_field reads as that type;
 *   - a binary parameter px_param_text accepts becomes a text that px_binary_field turns back
 *     into the very same bytes, for the types whose binary form is canonical (every value has one
 *     byte string: integers, "char", floats apart from NaN payloads, date, time, timetz,
 * timestamps, uuid, bool 0/1);
 *   - px_param_render's SQL lexes cleanly and holds no $n placeholder any more, and none of the
 *     hostile parameter values is ever copied into it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pgw_buf.h"
#include "pgw_encode.h"
#include "pgw_sql.h"
#include "pgw_wr.h"
#include "px_binary.h"
#include "px_param.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct type_case {
  const char *name; /* Data API typeName */
  uint32_t oid;
  bool canonical; /* binary → text → binary gives the same bytes */
} type_case;

static const type_case TYPES[] = {
    {"bool", 16, false},       {"int2", 21, true},          {"int4", 23, true},
    {"int8", 20, true},        {"oid", 26, true},           {"float4", 700, true},
    {"float8", 701, true},     {"numeric", 1700, false},    {"text", 25, false},
    {"jsonb", 3802, false},    {"uuid", 2950, true},        {"varbyte", 17, false},
    {"date", 1082, true},      {"time", 1083, true},        {"timetz", 1266, true},
    {"timestamp", 1114, true}, {"timestamptz", 1184, true}, {"interval", 1186, false},
    {"char", 18, true},        {"xid", 28, true},
};
#define NTYPES (sizeof TYPES / sizeof TYPES[0])

/* Encodes f as a one-field DataRow; on success copies the field's bytes to out (cap 4096). */
static px_text_rc encode(const type_case *tc, const dapi_result_field *f, uint8_t *out,
                         int32_t *len) {
  px_coltype t = px_types_from_dataapi(tc->name, strlen(tc->name), 0, 0);
  pgw_buf buf;
  pgw_buf_init(&buf, 1u << 20);
  pgw_wr w;
  pgw_wr_init(&w, &buf);
  pgw_datarow row;
  pgw_enc_datarow_begin(&row, &w, 1);
  px_text_rc rc = px_binary_field(&row, &t, f);
  if (rc != PX_TEXT_OK) {
    if (row.done != 0 || row.field_open || pgw_buf_len(&buf) != 7)
      abort();
  } else {
    pgw_enc_datarow_end(&row);
    const uint8_t *d = pgw_buf_data(&buf);
    size_t n = pgw_buf_len(&buf);
    if (pgw_wr_status(&w) != PGW_OK || n < 11 || d[0] != 'D')
      abort();
    int32_t fl =
        (int32_t)((uint32_t)d[7] << 24 | (uint32_t)d[8] << 16 | (uint32_t)d[9] << 8 | d[10]);
    if (fl < -1 || (fl >= 0 && (size_t)fl != n - 11))
      abort();
    *len = fl;
    if (fl > 0 && fl <= 4096)
      memcpy(out, d + 11, (size_t)fl);
  }
  pgw_buf_free(&buf);
  return rc;
}

static bool is_nan_bits(const type_case *tc, const uint8_t *d, size_t n) {
  if (tc->oid == 700 && n == 4) {
    uint32_t b = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
    float f;
    memcpy(&f, &b, 4);
    return isnan(f);
  }
  if (tc->oid == 701 && n == 8) {
    uint64_t b = 0;
    for (int i = 0; i < 8; i++)
      b = b << 8 | d[i];
    double v;
    memcpy(&v, &b, 8);
    return isnan(v);
  }
  return false;
}

static void fuzz_binary_field(const type_case *tc, const uint8_t *d, size_t n) {
  dapi_result_field f;
  memset(&f, 0, sizeof f);
  f.kind = DAPI_RESULT_STRING;
  f.text.ptr = (const char *)d;
  f.text.len = n;
  uint8_t out[4096];
  int32_t len;
  (void)encode(tc, &f, out, &len);
}

static void fuzz_param(const type_case *tc, const uint8_t *d, size_t n) {
  px_param_in p = {d, (int32_t)n, 1, tc->oid};
  pgw_buf text;
  pgw_buf_init(&text, 1u << 20);
  pgw_error err;
  px_status st = px_param_text(&p, 0, &text, &err);
  if (st == PX_INVAL && (strlen(err.sqlstate) != 5 || err.message[0] == '\0'))
    abort();
  if (st == PX_OK && tc->canonical && !is_nan_bits(tc, d, n)) {
    dapi_result_field f;
    memset(&f, 0, sizeof f);
    f.kind = DAPI_RESULT_STRING;
    f.text.ptr = (const char *)pgw_buf_data(&text);
    f.text.len = pgw_buf_len(&text);
    uint8_t out[4096];
    int32_t len = -2;
    if (encode(tc, &f, out, &len) != PX_TEXT_OK || (size_t)len != n ||
        (n > 0 && memcmp(out, d, n) != 0))
      abort();
  }
  pgw_buf_free(&text);
}

/* Text parameters: what px_param_text passes on for the validated types must be a text
 * px_binary_field reads as the same type (bool, integers, floats, numeric). */
static void fuzz_text_param(const type_case *tc, const uint8_t *d, size_t n) {
  px_param_in p = {d, (int32_t)n, 0, tc->oid};
  pgw_buf text;
  pgw_buf_init(&text, 1u << 20);
  pgw_error err;
  px_status st = px_param_text(&p, 0, &text, &err);
  if (st == PX_INVAL && (strlen(err.sqlstate) != 5 || err.message[0] == '\0'))
    abort();
  bool validated = tc->oid == 16 || tc->oid == 20 || tc->oid == 21 || tc->oid == 23 ||
                   tc->oid == 700 || tc->oid == 701 || tc->oid == 1700;
  if (st == PX_OK && validated) {
    dapi_result_field f;
    memset(&f, 0, sizeof f);
    f.kind = DAPI_RESULT_STRING;
    f.text.ptr = (const char *)pgw_buf_data(&text);
    f.text.len = pgw_buf_len(&text);
    uint8_t out[4096];
    int32_t len;
    if (encode(tc, &f, out, &len) != PX_TEXT_OK)
      abort();
  }
  pgw_buf_free(&text);
}

static void fuzz_render(const uint8_t *d, size_t n) {
  static const char *VALUES[] = {"'}{'", NULL, "", "$1", "--", "/*", "\"\"", "$$"};
  static const size_t LENS[] = {4, 0, 0, 2, 2, 2, 2, 2};
  static const uint32_t OIDS[] = {0, 23, 25, 0, 1043, 1082, 0, 0};
  px_param_sql out;
  pgw_error err;
  px_status st = px_param_render((const char *)d, n, VALUES, LENS, OIDS, 8, &out, &err);
  if (st != PX_OK) {
    if (out.sql != NULL || out.params != NULL)
      abort();
    return;
  }
  if (strlen(out.sql) > out.sql_len)
    abort();
  pgw_lexer lx;
  pgw_lex_init(&lx, out.sql, out.sql_len);
  for (;;) {
    pgw_tok t;
    if (pgw_lex_next(&lx, &t, &err) != PGW_OK)
      abort(); /* the input lexed cleanly, so must the output */
    if (t.kind == PGW_TOK_EOF)
      break;
    if (t.kind == PGW_TOK_PARAM)
      abort();
  }
  for (size_t i = 0; i < out.n_params; i++) {
    if (out.params[i].name[0] != 'p' || out.params[i].value[0] == '\0')
      abort();
  }
  px_param_sql_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  uint8_t sel = data[0];
  const uint8_t *d = data + 1;
  size_t n = size - 1;
  const type_case *tc = &TYPES[(sel & 0x3f) % NTYPES];
  switch (sel >> 6) {
  case 0:
    fuzz_binary_field(tc, d, n);
    break;
  case 1:
    fuzz_param(tc, d, n);
    break;
  case 2:
    fuzz_text_param(tc, d, n);
    break;
  default:
    fuzz_render(d, n);
    break;
  }
  return 0;
}
