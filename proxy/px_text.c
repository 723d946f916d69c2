/* px_text.c — one Data API value → one PostgreSQL text-format DataRow field; RowDescription.
 *
 * The per-value paths for integers, strings and timestamps are a few comparisons and one copy
 * into the writer: no allocation, no printf. Floats, numeric exponent forms and bytea live in
 * px_text_float.c, px_text_numeric.c and px_text_bytea.c.
 */
#include "px_text.h"

#include <stdbool.h>
#include <string.h>

#include "px_text_float.h"
#include "px_text_int.h"

const char *px_text_strerror(px_text_rc rc) {
  switch (rc) {
  case PX_TEXT_OK:
    return "success";
  case PX_TEXT_EINVAL:
    return "value not valid for the column's type";
  }
  return "unknown px_text status";
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static void put(pgw_datarow *row, const char *s, size_t n) {
  pgw_enc_datarow_field(row, s, n);
}

static void put_bool(pgw_datarow *row, bool b) {
  put(row, b ? "t" : "f", 1);
}

/* ---- bool --------------------------------------------------------------------------------- */

/* True when s[0..n) is a non-empty prefix of word (ignoring case) at least min characters long. */
static bool is_prefix_of(const char *s, size_t n, const char *word, size_t min) {
  if (n < min || n > strlen(word))
    return false;
  for (size_t i = 0; i < n; i++) {
    if (ascii_lower(s[i]) != word[i])
      return false;
  }
  return true;
}

/* PostgreSQL's boolin (parse_bool_with_len): t/true, y/yes, on, 1 and f/false, n/no, off, 0, any
 * unambiguous prefix, any case, blanks around. The real service sent "true"/"false" as
 * stringValue until 2022 (dataapi-types.md §2.1). */
bool px__text_parse_bool(const char *s, size_t n, bool *out) {
  while (n > 0 && is_blank(s[0])) {
    s++;
    n--;
  }
  while (n > 0 && is_blank(s[n - 1]))
    n--;
  if (n == 0)
    return false;
  switch (ascii_lower(s[0])) {
  case 't':
    *out = true;
    return is_prefix_of(s, n, "true", 1);
  case 'y':
    *out = true;
    return is_prefix_of(s, n, "yes", 1);
  case 'f':
    *out = false;
    return is_prefix_of(s, n, "false", 1);
  case 'n':
    *out = false;
    return is_prefix_of(s, n, "no", 1);
  case 'o':
    /* "o" alone could be on or off. */
    if (is_prefix_of(s, n, "on", 2)) {
      *out = true;
      return true;
    }
    *out = false;
    return is_prefix_of(s, n, "off", 2);
  case '1':
    *out = true;
    return n == 1;
  case '0':
    *out = false;
    return n == 1;
  default:
    return false;
  }
}

/* ---- integers ----------------------------------------------------------------------------- */

bool px__text_parse_int64(const char *s, size_t n, int64_t *out) {
  size_t i = 0;
  bool neg = n > 0 && s[0] == '-';
  if (neg)
    i++;
  size_t digits = n - i;
  if (digits == 0 || digits > 19 || (s[i] == '0' && digits > 1))
    return false;
  uint64_t v = 0;
  for (; i < n; i++) {
    if (!is_digit(s[i]))
      return false;
    v = v * 10 + (uint64_t)(s[i] - '0'); /* 19 digits cannot overflow uint64 */
  }
  if (v > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
    return false;
  /* Two's complement negation in unsigned arithmetic: no signed overflow for INT64_MIN. */
  *out = neg ? (int64_t)(~v + 1) : (int64_t)v;
  return true;
}

static px_text_rc put_integer(pgw_datarow *row, const char *s, size_t n) {
  int64_t v;
  if (!px__text_parse_int64(s, n, &v))
    return PX_TEXT_EINVAL;
  /* JSON allows -0; PostgreSQL's integers have no negative zero. */
  if (n == 2 && s[0] == '-' && s[1] == '0')
    put(row, "0", 1);
  else
    put(row, s, n);
  return PX_TEXT_OK;
}

/* ---- floats ------------------------------------------------------------------------------- */

static const char *special_text(dapi_result_special sp, size_t *len) {
  switch (sp) {
  case DAPI_RESULT_NAN:
    *len = 3;
    return "NaN";
  case DAPI_RESULT_POS_INF:
    *len = 8;
    return "Infinity";
  case DAPI_RESULT_NEG_INF:
    *len = 9;
    return "-Infinity";
  case DAPI_RESULT_FINITE:
    break;
  }
  *len = 0;
  return NULL;
}

static px_text_rc put_float(pgw_datarow *row, const dapi_result_field *f, bool single) {
  size_t len;
  const char *special = f->kind == DAPI_RESULT_DOUBLE ? special_text(f->special, &len) : NULL;
  if (special != NULL) {
    put(row, special, len);
    return PX_TEXT_OK;
  }
  /* float4: the service sends the float widened to double (123.456787109375); reading the text
   * straight as a float32 gives the same float and also takes the short forms ("2.2") of the
   * pre-2022 stringValue, without the double rounding a detour through double could cause. */
  char buf[PX__FLOAT_TEXT_MAX];
  len = single ? px__float4_convert(f->text.ptr, f->text.len, buf)
               : px__float8_convert(f->text.ptr, f->text.len, buf);
  if (len == 0)
    return PX_TEXT_EINVAL;
  put(row, buf, len);
  return PX_TEXT_OK;
}

/* ---- times -------------------------------------------------------------------------------- */

/* Offset of the '.' that starts the seconds fraction ("hh:mm:ss.fff"), or n when there is none.
 * Dates may hold dots in other DateStyles (German "12.06.2024"), so the dot must follow a colon
 * and two digits. */
static size_t fraction_dot(const char *s, size_t n) {
  const char *p = s;
  while ((p = memchr(p, '.', n - (size_t)(p - s))) != NULL) {
    size_t i = (size_t)(p - s);
    if (i >= 3 && s[i - 3] == ':' && is_digit(s[i - 2]) && is_digit(s[i - 1]))
      return i;
    p++;
  }
  return n;
}

/* Time, timetz, timestamp, timestamptz: PostgreSQL prints the fraction without trailing zeros and
 * no fraction when it is zero; the Data API sends timestamps Java-style with at least ".0". The
 * rest (date, offset, " BC", DateStyle) is left as the warehouse printed it. */
static void put_time(pgw_datarow *row, const char *s, size_t n) {
  size_t dot = fraction_dot(s, n);
  if (dot == n) {
    put(row, s, n);
    return;
  }
  size_t end = dot + 1;
  while (end < n && is_digit(s[end]))
    end++;
  size_t keep = end;
  while (keep > dot + 1 && s[keep - 1] == '0')
    keep--;
  if (keep == dot + 1)
    keep = dot; /* all zeros: no fraction at all */
  if (keep == end) {
    put(row, s, n);
    return;
  }
  pgw_enc_datarow_field_begin(row);
  pgw_enc_datarow_field_append(row, s, keep);
  pgw_enc_datarow_field_append(row, s + end, n - end);
  pgw_enc_datarow_field_end(row);
}

/* ---- dispatch ----------------------------------------------------------------------------- */

/* A text column (or any type printed as sent): strings as they are; other members as PostgreSQL
 * prints the matching type. */
static px_text_rc put_verbatim(pgw_datarow *row, const dapi_result_field *f, const char *s,
                               size_t n) {
  switch (f->kind) {
  case DAPI_RESULT_STRING:
  case DAPI_RESULT_LONG:
    put(row, s, n);
    return PX_TEXT_OK;
  case DAPI_RESULT_BOOL:
    put_bool(row, f->boolean);
    return PX_TEXT_OK;
  case DAPI_RESULT_DOUBLE:
    return put_float(row, f, false);
  case DAPI_RESULT_BLOB:
  case DAPI_RESULT_NULL:
    break;
  }
  return PX_TEXT_EINVAL;
}

px_text_rc px_text_field(pgw_datarow *row, const px_coltype *t, const dapi_result_field *f) {
  if (f->kind == DAPI_RESULT_NULL) {
    pgw_enc_datarow_null(row);
    return PX_TEXT_OK;
  }
  /* Borrowed views may be {NULL, 0}; the writers below take any pointer with length 0. */
  const char *s = f->text.len > 0 ? f->text.ptr : "";
  size_t n = f->text.len;
  switch (t->kind) {
  case PX_TEXT_VERBATIM:
    return put_verbatim(row, f, s, n);
  case PX_TEXT_BOOL: {
    bool b = f->boolean;
    if (f->kind == DAPI_RESULT_STRING) {
      if (!px__text_parse_bool(s, n, &b))
        return PX_TEXT_EINVAL;
    } else if (f->kind != DAPI_RESULT_BOOL) {
      return PX_TEXT_EINVAL;
    }
    put_bool(row, b);
    return PX_TEXT_OK;
  }
  case PX_TEXT_INT:
    if (f->kind == DAPI_RESULT_LONG || f->kind == DAPI_RESULT_STRING ||
        (f->kind == DAPI_RESULT_DOUBLE && f->special == DAPI_RESULT_FINITE))
      return put_integer(row, s, n);
    return PX_TEXT_EINVAL;
  case PX_TEXT_FLOAT4:
  case PX_TEXT_FLOAT8:
    if (f->kind != DAPI_RESULT_DOUBLE && f->kind != DAPI_RESULT_STRING &&
        f->kind != DAPI_RESULT_LONG)
      return PX_TEXT_EINVAL;
    return put_float(row, f, t->kind == PX_TEXT_FLOAT4);
  case PX_TEXT_NUMERIC:
    if (f->kind != DAPI_RESULT_STRING && f->kind != DAPI_RESULT_LONG)
      return PX_TEXT_EINVAL;
    return px__text_numeric(row, s, n);
  case PX_TEXT_TIMESTAMP:
  case PX_TEXT_TIMESTAMPTZ:
  case PX_TEXT_TIME:
    if (f->kind != DAPI_RESULT_STRING)
      return PX_TEXT_EINVAL;
    put_time(row, s, n);
    return PX_TEXT_OK;
  case PX_TEXT_BYTEA:
    if (f->kind != DAPI_RESULT_STRING && f->kind != DAPI_RESULT_BLOB)
      return PX_TEXT_EINVAL;
    return px__text_bytea(row, s, n);
  }
  return PX_TEXT_EINVAL;
}

/* ---- RowDescription ----------------------------------------------------------------------- */

pgw_field px_text_pgw_field(const px_column *c) {
  pgw_field f = {
      .name = c->name,
      .table_oid = 0,
      .attnum = 0,
      .type_oid = c->type.oid,
      .typlen = c->type.typlen,
      .typmod = c->type.typmod,
      .format = 0,
  };
  return f;
}

int16_t px_text_format_code(const int16_t *codes, uint16_t ncodes, uint32_t col) {
  if (ncodes == 0) {
    return 0;
  }
  return ncodes == 1 ? codes[0] : codes[col];
}

bool px_text_format_count_ok(uint16_t ncodes, uint32_t ncols, pgw_error *e) {
  if (ncodes <= 1 || ncodes == ncols) {
    return true;
  }
  pgw_error_set(e, "ERROR", "08P01", "bind message has %u result formats but query has %u columns",
                (unsigned)ncodes, (unsigned)ncols);
  return false;
}

/* Written with the writer's primitives, field by field, in the layout of pgw_enc_row_description
 * ('T', count, then name, table OID, attnum, type OID, typlen, typmod, format per column), so that
 * no pgw_field array of up to 65535 entries has to be built first. */
void px_text_row_description(pgw_wr *w, const px_column *cols, uint16_t n, const int16_t *codes,
                             uint16_t ncodes) {
  if (n > 0 && cols == NULL) {
    pgw_wr_fail(w, PGW_EPROTO);
    return;
  }
  pgw_wr_begin(w, 'T');
  pgw_wr_i16(w, (int16_t)n);
  for (uint16_t i = 0; i < n; i++) {
    pgw_field f = px_text_pgw_field(&cols[i]);
    pgw_wr_cstr(w, f.name);
    pgw_wr_i32(w, (int32_t)f.table_oid);
    pgw_wr_i16(w, f.attnum);
    pgw_wr_i32(w, (int32_t)f.type_oid);
    pgw_wr_i16(w, f.typlen);
    pgw_wr_i32(w, f.typmod);
    pgw_wr_i16(w, px_text_format_code(codes, ncodes, i));
  }
  pgw_wr_end(w);
}
