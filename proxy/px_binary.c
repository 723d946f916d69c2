/* px_binary.c — one Data API value → one binary-format DataRow field: the dispatch by type OID,
 * and the fixed-size types (bool, integers, floats, uuid). Numeric lives in px_binary_numeric.c,
 * dates and times in px_binary_time.c; bytea's base64 decoder is px_text_bytea.c's.
 *
 * A value is accepted exactly when px_text_field accepts it for the same column (same lenient
 * Field members), except that a value outside the binary type's range (70000 in an int2 column)
 * cannot be written at all and is PX_TEXT_EINVAL here.
 */
#include "px_binary.h"

#include <string.h>

#include "px_binary_int.h"
#include "px_text_float.h"
#include "px_text_int.h"

bool px_binary_supported(const px_coltype *t) {
  switch (t->oid) {
  case PX_OID_BOOL:
  case PX_OID_BYTEA:
  case PX_OID_INT8:
  case PX_OID_INT2:
  case PX_OID_INT4:
  case PX_OID_TEXT:
  case PX_OID_FLOAT4:
  case PX_OID_FLOAT8:
  case PX_OID_BPCHAR:
  case PX_OID_VARCHAR:
  case PX_OID_NUMERIC:
  case PX_OID_CHAR:
  case PX_OID_NAME:
  case PX_OID_OID:
  case PX_OID_XID:
  case PX_OID_CID:
  case PX_OID_JSON:
  case PX_OID_XML:
  case PX_OID_UNKNOWN:
  case PX_OID_DATE:
  case PX_OID_TIME:
  case PX_OID_TIMESTAMP:
  case PX_OID_TIMESTAMPTZ:
  case PX_OID_INTERVAL:
  case PX_OID_TIMETZ:
  case PX_OID_UUID:
  case PX_OID_JSONB:
  case PX_OID_SUPER:
    return true;
  default:
    return false;
  }
}

static px_text_rc put_int(pgw_datarow *row, const px_coltype *t, const dapi_result_field *f,
                          const char *s, size_t n) {
  if (f->kind != DAPI_RESULT_LONG && f->kind != DAPI_RESULT_STRING &&
      !(f->kind == DAPI_RESULT_DOUBLE && f->special == DAPI_RESULT_FINITE))
    return PX_TEXT_EINVAL;
  int64_t v;
  if (!px__text_parse_int64(s, n, &v))
    return PX_TEXT_EINVAL;
  uint8_t b[8];
  switch (t->oid) {
  case PX_OID_INT2:
    if (v < INT16_MIN || v > INT16_MAX)
      return PX_TEXT_EINVAL;
    px__put_be16(b, (uint16_t)(int16_t)v);
    pgw_enc_datarow_field(row, b, 2);
    return PX_TEXT_OK;
  case PX_OID_INT4:
    if (v < INT32_MIN || v > INT32_MAX)
      return PX_TEXT_EINVAL;
    px__put_be32(b, (uint32_t)(int32_t)v);
    pgw_enc_datarow_field(row, b, 4);
    return PX_TEXT_OK;
  case PX_OID_OID: /* oidsend, xidsend, cidsend: unsigned 32 bits */
  case PX_OID_XID:
  case PX_OID_CID:
    if (v < 0 || v > UINT32_MAX)
      return PX_TEXT_EINVAL;
    px__put_be32(b, (uint32_t)v);
    pgw_enc_datarow_field(row, b, 4);
    return PX_TEXT_OK;
  default:
    px__put_be64(b, (uint64_t)v);
    pgw_enc_datarow_field(row, b, 8);
    return PX_TEXT_OK;
  }
}

static px_text_rc put_float(pgw_datarow *row, const px_coltype *t, const dapi_result_field *f,
                            const char *s, size_t n) {
  if (f->kind != DAPI_RESULT_DOUBLE && f->kind != DAPI_RESULT_STRING && f->kind != DAPI_RESULT_LONG)
    return PX_TEXT_EINVAL;
  double d = 0;
  float x = 0;
  bool single = t->oid == PX_OID_FLOAT4;
  bool ok = true;
  switch (f->kind == DAPI_RESULT_DOUBLE ? f->special : DAPI_RESULT_FINITE) {
  case DAPI_RESULT_NAN:
    d = __builtin_nan("");
    x = __builtin_nanf("");
    break;
  case DAPI_RESULT_POS_INF:
    d = __builtin_inf();
    x = __builtin_inff();
    break;
  case DAPI_RESULT_NEG_INF:
    d = -__builtin_inf();
    x = -__builtin_inff();
    break;
  case DAPI_RESULT_FINITE:
    /* float4 straight from the text, as px_text does: no double rounding. */
    ok = single ? px__float4_parse(s, n, &x) : px__float8_parse(s, n, &d);
    break;
  }
  if (!ok)
    return PX_TEXT_EINVAL;
  uint8_t b[8];
  if (single) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    px__put_be32(b, bits);
    pgw_enc_datarow_field(row, b, 4);
  } else {
    uint64_t bits;
    memcpy(&bits, &d, 8);
    px__put_be64(b, bits);
    pgw_enc_datarow_field(row, b, 8);
  }
  return PX_TEXT_OK;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* "char" (pg_catalog's one-byte type, e.g. relkind, which Npgsql reads in binary): charsend is
 * the byte. Its text (charout) is the byte itself, "" for 0, and "\ooo" in octal for bytes with
 * the high bit set; charin reads that octal form back and otherwise takes the first byte. */
static px_text_rc put_char(pgw_datarow *row, const char *s, size_t n) {
  uint8_t b = n > 0 ? (uint8_t)s[0] : 0;
  if (n == 4 && s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
      s[3] >= '0' && s[3] <= '7')
    b = (uint8_t)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
  pgw_enc_datarow_field(row, &b, 1);
  return PX_TEXT_OK;
}

/* uuid_in's forms: 32 hex digits, a '-' allowed after any group of four, optionally in braces. */
static px_text_rc put_uuid(pgw_datarow *row, const char *s, size_t n) {
  if (n >= 2 && s[0] == '{' && s[n - 1] == '}') {
    s++;
    n -= 2;
  }
  uint8_t b[16];
  size_t digits = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '-' && digits > 0 && digits < 32 && digits % 4 == 0 && s[i - 1] != '-')
      continue;
    int v = hex_value(s[i]);
    if (v < 0 || digits == 32)
      return PX_TEXT_EINVAL;
    if (digits % 2 == 0)
      b[digits / 2] = (uint8_t)(v << 4);
    else
      b[digits / 2] |= (uint8_t)v;
    digits++;
  }
  if (digits != 32 || s[n - 1] == '-')
    return PX_TEXT_EINVAL;
  pgw_enc_datarow_field(row, b, 16);
  return PX_TEXT_OK;
}

px_text_rc px_binary_field(pgw_datarow *row, const px_coltype *t, const dapi_result_field *f) {
  if (f->kind == DAPI_RESULT_NULL) {
    pgw_enc_datarow_null(row);
    return PX_TEXT_OK;
  }
  const char *s = f->text.len > 0 ? f->text.ptr : "";
  size_t n = f->text.len;
  bool is_string = f->kind == DAPI_RESULT_STRING;
  switch (t->oid) {
  case PX_OID_BOOL: {
    bool b = f->boolean;
    if (is_string) {
      if (!px__text_parse_bool(s, n, &b))
        return PX_TEXT_EINVAL;
    } else if (f->kind != DAPI_RESULT_BOOL) {
      return PX_TEXT_EINVAL;
    }
    uint8_t byte = b ? 1 : 0;
    pgw_enc_datarow_field(row, &byte, 1);
    return PX_TEXT_OK;
  }
  case PX_OID_INT2:
  case PX_OID_INT4:
  case PX_OID_INT8:
  case PX_OID_OID:
  case PX_OID_XID:
  case PX_OID_CID:
    return put_int(row, t, f, s, n);
  case PX_OID_CHAR:
    return is_string ? put_char(row, s, n) : PX_TEXT_EINVAL;
  case PX_OID_FLOAT4:
  case PX_OID_FLOAT8:
    return put_float(row, t, f, s, n);
  case PX_OID_NUMERIC:
    if (!is_string && f->kind != DAPI_RESULT_LONG)
      return PX_TEXT_EINVAL;
    return px__binary_numeric(row, s, n);
  case PX_OID_TEXT:
  case PX_OID_VARCHAR:
  case PX_OID_BPCHAR:
  case PX_OID_NAME:
  case PX_OID_JSON:
  case PX_OID_XML:
  case PX_OID_UNKNOWN:
  case PX_OID_SUPER:
    /* textsend (and its aliases) is the text itself: exactly what px_text prints. */
    return px_text_field(row, t, f);
  case PX_OID_JSONB:
    /* jsonb_send: a version byte 1, then the text. */
    if (!is_string)
      return PX_TEXT_EINVAL;
    pgw_enc_datarow_field_begin(row);
    pgw_enc_datarow_field_append(row, "\x01", 1);
    pgw_enc_datarow_field_append(row, s, n);
    pgw_enc_datarow_field_end(row);
    return PX_TEXT_OK;
  case PX_OID_BYTEA:
    if (!is_string && f->kind != DAPI_RESULT_BLOB)
      return PX_TEXT_EINVAL;
    return px__bytea_raw(row, s, n);
  case PX_OID_UUID:
    return is_string ? put_uuid(row, s, n) : PX_TEXT_EINVAL;
  case PX_OID_DATE:
    return is_string ? px__binary_date(row, s, n) : PX_TEXT_EINVAL;
  case PX_OID_TIME:
  case PX_OID_TIMETZ:
    return is_string ? px__binary_time(row, s, n, t->oid == PX_OID_TIMETZ) : PX_TEXT_EINVAL;
  case PX_OID_TIMESTAMP:
  case PX_OID_TIMESTAMPTZ:
    return is_string ? px__binary_timestamp(row, s, n, t->oid == PX_OID_TIMESTAMPTZ)
                     : PX_TEXT_EINVAL;
  case PX_OID_INTERVAL:
    return is_string ? px__binary_interval(row, s, n) : PX_TEXT_EINVAL;
  default:
    return PX_TEXT_EINVAL;
  }
}
