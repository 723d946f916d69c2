/* px_param_text.c — one Bind parameter value → the text the Data API gets for it.
 *
 * Text-format values are checked as PostgreSQL's input functions would check them for the
 * declared type, where that is cheap and the text has one obvious canonical form (bool, the
 * integers, the floats, numeric); others go on as sent and the warehouse parses them. Binary values
 * are decoded as PostgreSQL's *_recv functions decode them, into the text the type's input
 * function reads back as the same value. Either way the result is only ever a parameter value,
 * never SQL (px_param.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "px_binary_int.h"
#include "px_param.h"
#include "px_param_int.h"
#include "px_text_float.h"
#include "px_text_int.h"
#include "px_types.h"

/* How many bytes of a refused value a message quotes: at most 200, ending on a UTF-8 character
 * boundary (the message must stay valid UTF-8), which also keeps the %.*s precision an int. */
static int shown(const uint8_t *s, size_t n) {
  if (n <= 200)
    return (int)n;
  size_t k = 200;
  while (k > 0 && (s[k] & 0xC0) == 0x80)
    k--;
  return (int)k;
}

px_status px__param_buf_status(int rc) {
  switch (rc) {
  case PGW_OK:
    return PX_OK;
  case PGW_ETOOBIG:
    return PX_TOOBIG;
  default:
    return PX_NOMEM;
  }
}

px_status px__param_bad_format(uint16_t index, pgw_error *err) {
  pgw_error_set(err, "ERROR", "22P03", "incorrect binary data format in bind parameter %u",
                (unsigned)index + 1);
  return PX_INVAL;
}

static px_status put(pgw_buf *out, const void *s, size_t n) {
  return px__param_buf_status(pgw_buf_append(out, s, n));
}

/* Length of the valid UTF-8 prefix of s[0..n) (n when all of it is valid): well-formed
 * sequences only (no overlongs, surrogates or code points above U+10FFFF), and no NUL. */
static size_t utf8_valid_prefix(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c == 0)
      return i;
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;
    } else {
      return i;
    }
    if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
      return i;
    for (size_t k = 2; k < len; k++) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF)
        return i;
    }
    i += len;
  }
  return n;
}

/* PostgreSQL's 22021 message names the offending bytes in hex ("0xc3 0x28"). */
static px_status check_utf8(const uint8_t *s, size_t n, pgw_error *err) {
  size_t ok = utf8_valid_prefix(s, n);
  if (ok == n)
    return PX_OK;
  char bytes[32] = "";
  size_t w = 0;
  for (size_t k = ok; k < n && k < ok + 4 && w + 6 < sizeof bytes; k++) {
    w += (size_t)snprintf(bytes + w, sizeof bytes - w, "%s0x%02x", k > ok ? " " : "", s[k]);
    if (k == ok && s[k] < 0x80)
      break; /* NUL: one byte */
  }
  pgw_error_set(err, "ERROR", "22021", "invalid byte sequence for encoding \"UTF8\": %s", bytes);
  return PX_INVAL;
}

static const char *int_type_name(uint32_t oid) {
  switch (oid) {
  case PX_OID_INT2:
    return "smallint";
  case PX_OID_INT4:
    return "integer";
  case PX_OID_OID:
    return "oid";
  default:
    return "bigint";
  }
}

static bool is_blank(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* int2in/int4in/int8in/oidin: blanks around, an optional sign, decimal digits. The canonical
 * digits go to the Data API. */
static px_status text_int(const uint8_t *s, size_t n, uint32_t oid, pgw_buf *out, pgw_error *err) {
  size_t i = 0, end = n;
  while (i < end && is_blank(s[i]))
    i++;
  while (end > i && is_blank(s[end - 1]))
    end--;
  bool neg = false;
  if (i < end && (s[i] == '+' || s[i] == '-'))
    neg = s[i++] == '-';
  if (i == end) {
    pgw_error_set(err, "ERROR", "22P02", "invalid input syntax for type %s: \"%.*s\"",
                  int_type_name(oid), shown(s, n), (const char *)s);
    return PX_INVAL;
  }
  uint64_t v = 0;
  bool overflow = false;
  for (size_t k = i; k < end; k++) {
    if (s[k] < '0' || s[k] > '9') {
      pgw_error_set(err, "ERROR", "22P02", "invalid input syntax for type %s: \"%.*s\"",
                    int_type_name(oid), shown(s, n), (const char *)s);
      return PX_INVAL;
    }
    if (v > (UINT64_MAX - 9) / 10)
      overflow = true;
    else
      v = v * 10 + (uint64_t)(s[k] - '0');
  }
  uint64_t max_pos, max_neg;
  switch (oid) {
  case PX_OID_INT2:
    max_pos = INT16_MAX;
    max_neg = (uint64_t)INT16_MAX + 1;
    break;
  case PX_OID_INT4:
    max_pos = INT32_MAX;
    max_neg = (uint64_t)INT32_MAX + 1;
    break;
  case PX_OID_OID:
    /* oidin takes -1 .. -4294967295 too, wrapping them as unsigned; kept as text here. */
    max_pos = UINT32_MAX;
    max_neg = UINT32_MAX;
    break;
  default:
    max_pos = INT64_MAX;
    max_neg = (uint64_t)INT64_MAX + 1;
    break;
  }
  if (overflow || v > (neg ? max_neg : max_pos)) {
    pgw_error_set(err, "ERROR", "22003", "value \"%.*s\" is out of range for type %s", shown(s, n),
                  (const char *)s, int_type_name(oid));
    return PX_INVAL;
  }
  char buf[24];
  int len = snprintf(buf, sizeof buf, "%s%" PRIu64, neg && v != 0 ? "-" : "", v);
  return put(out, buf, (size_t)len);
}

static px_status text_float(const uint8_t *s, size_t n, bool single, pgw_buf *out, pgw_error *err) {
  const char *type = single ? "real" : "double precision";
  char buf[PX__FLOAT_TEXT_MAX];
  size_t len = 0;
  if (single) {
    float f;
    if (px__float4_parse((const char *)s, n, &f))
      len = px__float4_text(f, buf);
  } else {
    double d;
    if (px__float8_parse((const char *)s, n, &d))
      len = px__float8_text(d, buf);
  }
  if (len > 0)
    return put(out, buf, len);
  px__float_scan scan;
  px__float_scan_text((const char *)s, n, &scan);
  if (scan.form == PX__FLOAT_BAD)
    pgw_error_set(err, "ERROR", "22P02", "invalid input syntax for type %s: \"%.*s\"", type,
                  shown(s, n), (const char *)s);
  else
    pgw_error_set(err, "ERROR", "22003", "\"%.*s\" is out of range for type %s", shown(s, n),
                  (const char *)s, type);
  return PX_INVAL;
}

static px_status text_param(const px_param_in *p, pgw_buf *out, pgw_error *err) {
  const uint8_t *s = p->data;
  size_t n = (size_t)p->len;
  px_status st = check_utf8(s, n, err);
  if (st != PX_OK)
    return st;
  switch (p->type_oid) {
  case PX_OID_BOOL: {
    bool b;
    if (!px__text_parse_bool((const char *)s, n, &b)) {
      pgw_error_set(err, "ERROR", "22P02", "invalid input syntax for type boolean: \"%.*s\"",
                    shown(s, n), (const char *)s);
      return PX_INVAL;
    }
    return b ? put(out, "true", 4) : put(out, "false", 5);
  }
  case PX_OID_INT2:
  case PX_OID_INT4:
  case PX_OID_INT8:
  case PX_OID_OID:
    return text_int(s, n, p->type_oid, out, err);
  case PX_OID_FLOAT4:
  case PX_OID_FLOAT8:
    return text_float(s, n, p->type_oid == PX_OID_FLOAT4, out, err);
  case PX_OID_NUMERIC:
    if (!px__numeric_valid((const char *)s, n)) {
      pgw_error_set(err, "ERROR", "22P02", "invalid input syntax for type numeric: \"%.*s\"",
                    shown(s, n), (const char *)s);
      return PX_INVAL;
    }
    return put(out, s, n);
  default:
    return put(out, s, n);
  }
}

static px_status binary_param(const px_param_in *p, uint16_t index, pgw_buf *out, pgw_error *err) {
  const uint8_t *d = p->data;
  size_t n = (size_t)p->len;
  char buf[48];
  int len;
  switch (p->type_oid) {
  case PX_OID_BOOL:
    if (n != 1)
      return px__param_bad_format(index, err);
    return d[0] != 0 ? put(out, "true", 4) : put(out, "false", 5);
  case PX_OID_INT2:
    if (n != 2)
      return px__param_bad_format(index, err);
    len = snprintf(buf, sizeof buf, "%d", (int)(int16_t)px__param_be(d, 2));
    return put(out, buf, (size_t)len);
  case PX_OID_INT4:
    if (n != 4)
      return px__param_bad_format(index, err);
    len = snprintf(buf, sizeof buf, "%" PRId32, (int32_t)(uint32_t)px__param_be(d, 4));
    return put(out, buf, (size_t)len);
  case PX_OID_OID:
  case PX_OID_XID:
  case PX_OID_CID:
    if (n != 4)
      return px__param_bad_format(index, err);
    len = snprintf(buf, sizeof buf, "%" PRIu32, (uint32_t)px__param_be(d, 4));
    return put(out, buf, (size_t)len);
  case PX_OID_CHAR:
    /* charrecv: exactly one byte; then charout's text of it. */
    if (n != 1)
      return px__param_bad_format(index, err);
    if (d[0] == 0)
      return PX_OK;
    if (d[0] < 0x80)
      return put(out, d, 1);
    len = snprintf(buf, sizeof buf, "\\%03o", (unsigned)d[0]);
    return put(out, buf, (size_t)len);
  case PX_OID_INT8:
    if (n != 8)
      return px__param_bad_format(index, err);
    len = snprintf(buf, sizeof buf, "%" PRId64, (int64_t)px__param_be(d, 8));
    return put(out, buf, (size_t)len);
  case PX_OID_FLOAT4: {
    if (n != 4)
      return px__param_bad_format(index, err);
    uint32_t bits = (uint32_t)px__param_be(d, 4);
    float f;
    memcpy(&f, &bits, 4);
    char t[PX__FLOAT_TEXT_MAX];
    return put(out, t, px__float4_text(f, t));
  }
  case PX_OID_FLOAT8: {
    if (n != 8)
      return px__param_bad_format(index, err);
    uint64_t bits = px__param_be(d, 8);
    double v;
    memcpy(&v, &bits, 8);
    char t[PX__FLOAT_TEXT_MAX];
    return put(out, t, px__float8_text(v, t));
  }
  case PX_OID_NUMERIC:
    return px__param_numeric(d, n, index, out, err);
  case PX_OID_TEXT:
  case PX_OID_VARCHAR:
  case PX_OID_BPCHAR:
  case PX_OID_NAME:
  case PX_OID_JSON:
  case PX_OID_XML:
  case PX_OID_UNKNOWN: {
    /* textrecv: the bytes in the client encoding, which is UTF-8. */
    px_status st = check_utf8(d, n, err);
    return st != PX_OK ? st : put(out, d, n);
  }
  case PX_OID_JSONB: {
    if (n < 1 || d[0] != 1) {
      pgw_error_set(err, "ERROR", "22P03", "unsupported jsonb version number %d",
                    n < 1 ? -1 : d[0]);
      return PX_INVAL;
    }
    px_status st = check_utf8(d + 1, n - 1, err);
    return st != PX_OK ? st : put(out, d + 1, n - 1);
  }
  case PX_OID_UUID: {
    if (n != 16)
      return px__param_bad_format(index, err);
    static const char HEX[] = "0123456789abcdef";
    char t[36];
    size_t w = 0;
    for (size_t i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        t[w++] = '-';
      t[w++] = HEX[d[i] >> 4];
      t[w++] = HEX[d[i] & 15];
    }
    return put(out, t, sizeof t);
  }
  case PX_OID_BYTEA: {
    /* bytearecv: raw bytes → PostgreSQL's hex text, which byteain reads back. */
    static const char HEX[] = "0123456789abcdef";
    px_status st = put(out, "\\x", 2);
    char piece[256];
    for (size_t i = 0; i < n && st == PX_OK; i += sizeof piece / 2) {
      size_t take = n - i < sizeof piece / 2 ? n - i : sizeof piece / 2;
      for (size_t k = 0; k < take; k++) {
        piece[2 * k] = HEX[d[i + k] >> 4];
        piece[2 * k + 1] = HEX[d[i + k] & 15];
      }
      st = put(out, piece, 2 * take);
    }
    return st;
  }
  case PX_OID_DATE:
  case PX_OID_TIME:
  case PX_OID_TIMETZ:
  case PX_OID_TIMESTAMP:
  case PX_OID_TIMESTAMPTZ:
  case PX_OID_INTERVAL:
    return px__param_datetime(p->type_oid, d, n, index, out, err);
  case 0:
    pgw_error_set(err, "ERROR", "0A000",
                  "binary format for bind parameter %u of unspecified type is not supported",
                  (unsigned)index + 1);
    pgw_error_hint(err, "Declare the parameter's type in Parse, or send it in text format.");
    return PX_INVAL;
  default:
    pgw_error_set(err, "ERROR", "0A000",
                  "binary format for bind parameter %u of type OID %u is not supported",
                  (unsigned)index + 1, (unsigned)p->type_oid);
    pgw_error_hint(err, "Send the parameter in text format.");
    return PX_INVAL;
  }
}

px_status px_param_text(const px_param_in *p, uint16_t index, pgw_buf *out, pgw_error *err) {
  if (p->len < 0 || (p->data == NULL && p->len > 0)) {
    pgw_error_set(err, "ERROR", "XX000", "bind parameter %u: no value to convert",
                  (unsigned)index + 1);
    return PX_INVAL;
  }
  static const uint8_t EMPTY[1] = {0};
  px_param_in v = *p;
  if (v.data == NULL)
    v.data = EMPTY; /* len 0 */
  switch (p->format) {
  case 0:
    return text_param(&v, out, err);
  case 1:
    return binary_param(&v, index, out, err);
  default:
    pgw_error_set(err, "ERROR", "08P01", "unsupported format code: %d", (int)p->format);
    return PX_INVAL;
  }
}
