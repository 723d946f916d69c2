/*
 * emu_types.c — PostgreSQL text values → Data API Field JSON, column descriptions →
 * ColumnMetadata JSON. Per-type decisions and their evidence: /work/shared/dataapi-types.md §1-§3.
 */
#include "emu_types.h"

#include <stdlib.h>
#include <string.h>

/* Not exported: only the traits table needs them. */
#define OID_BIT    1560u
#define OID_VARBIT 1562u

/* JDBC's "unknownLength": what the driver reports for a string column without a declared size. */
#define UNBOUNDED_PRECISION 2147483647
/* Redshift's default varbyte size, reported for `'abc'::varbyte` (dataapi-types.md §2.8). */
#define VARBYTE_PRECISION 64000
/* PostgreSQL's VARHDRSZ, by which character and numeric typmods are offset. */
#define TYPMOD_OFFSET 4

/* ---- type names and field kinds --------------------------------------------------------- */

/* Names for the OIDs this file knows, used only if the caller could not look the name up. */
static const char *builtin_type_name(uint32_t oid) {
  switch (oid) {
  case EMU_OID_BOOL:
    return "bool";
  case EMU_OID_BYTEA:
    return "bytea";
  case EMU_OID_CHAR:
    return "char";
  case EMU_OID_NAME:
    return "name";
  case EMU_OID_INT8:
    return "int8";
  case EMU_OID_INT2:
    return "int2";
  case EMU_OID_INT4:
    return "int4";
  case EMU_OID_TEXT:
    return "text";
  case EMU_OID_OID:
    return "oid";
  case EMU_OID_FLOAT4:
    return "float4";
  case EMU_OID_FLOAT8:
    return "float8";
  case EMU_OID_MONEY:
    return "money";
  case EMU_OID_BPCHAR:
    return "bpchar";
  case EMU_OID_VARCHAR:
    return "varchar";
  case EMU_OID_DATE:
    return "date";
  case EMU_OID_TIME:
    return "time";
  case EMU_OID_TIMESTAMP:
    return "timestamp";
  case EMU_OID_TIMESTAMPTZ:
    return "timestamptz";
  case EMU_OID_INTERVAL:
    return "interval";
  case EMU_OID_TIMETZ:
    return "timetz";
  case EMU_OID_NUMERIC:
    return "numeric";
  default:
    return "unknown";
  }
}

const char *emu_types_type_name(const emu_column_info *c) {
  /* The emulator's bytea stands in for Redshift's varbyte (DESIGN.md §5). */
  if (c->type_oid == EMU_OID_BYTEA)
    return "varbyte";
  if (c->pg_type_name != NULL && c->pg_type_name[0] != '\0')
    return c->pg_type_name;
  return builtin_type_name(c->type_oid);
}

emu_field_kind emu_types_field_kind(uint32_t type_oid) {
  switch (type_oid) {
  case EMU_OID_INT2:
  case EMU_OID_INT4:
  case EMU_OID_INT8:
  case EMU_OID_OID:
    return EMU_FIELD_LONG;
  case EMU_OID_FLOAT8:
    return EMU_FIELD_DOUBLE;
  case EMU_OID_FLOAT4:
    return EMU_FIELD_FLOAT4;
  case EMU_OID_BOOL:
    return EMU_FIELD_BOOL;
  case EMU_OID_TIMESTAMP:
    return EMU_FIELD_TIMESTAMP;
  case EMU_OID_BYTEA:
    return EMU_FIELD_BYTEA_BASE64;
  default:
    return EMU_FIELD_STRING;
  }
}

/* ---- ColumnMetadata ----------------------------------------------------------------------- */

/* Fractional-second digits of a time/timestamp column: 6 unless declared, e.g. timestamp(3). */
static int32_t time_fraction_digits(int32_t typmod) {
  if (typmod < 0 || typmod > 6)
    return 6;
  return typmod;
}

/* JDBC display size of a time-like type: "HH:MM:SS" (8), ".ffffff" when there is a fraction,
 * a date "YYYYY-MM-DD BC"-sized prefix (13 + 1 space), a "+hh:mm" zone (6). */
static int32_t time_display_size(uint32_t oid, int32_t typmod) {
  int32_t fs = time_fraction_digits(typmod);
  int32_t frac = fs > 0 ? fs + 1 : 0;
  switch (oid) {
  case EMU_OID_TIME:
    return 8 + frac;
  case EMU_OID_TIMETZ:
    return 8 + frac + 6;
  case EMU_OID_TIMESTAMP:
    return 13 + 1 + 8 + frac;
  default: /* EMU_OID_TIMESTAMPTZ */
    return 13 + 1 + 8 + frac + 6;
  }
}

static int32_t char_length(int32_t typmod) {
  return typmod >= TYPMOD_OFFSET ? typmod - TYPMOD_OFFSET : UNBOUNDED_PRECISION;
}

void emu_types_column_traits(const emu_column_info *c, emu_column_traits *out) {
  /* Defaults: a string-like type of unknown length, as the JDBC driver reports one. */
  out->precision = UNBOUNDED_PRECISION;
  out->scale = 0;
  out->is_signed = false;
  out->is_case_sensitive = true;
  out->is_currency = false;
  int32_t typmod = c->typmod;
  switch (c->type_oid) {
  case EMU_OID_BOOL:
    out->precision = 1;
    out->is_case_sensitive = false;
    break;
  case EMU_OID_INT2:
    out->precision = 5;
    out->is_signed = true;
    out->is_case_sensitive = false;
    break;
  case EMU_OID_INT4:
    out->precision = 10;
    out->is_signed = true;
    out->is_case_sensitive = false;
    break;
  case EMU_OID_INT8:
    out->precision = 19;
    out->is_signed = true;
    out->is_case_sensitive = false;
    break;
  case EMU_OID_OID:
    out->precision = 10; /* unsigned 32-bit: the driver reports it as int4's width, unsigned */
    out->is_case_sensitive = false;
    break;
  case EMU_OID_FLOAT4:
    out->precision = 8;
    out->scale = 8;
    out->is_signed = true;
    out->is_case_sensitive = false;
    break;
  case EMU_OID_FLOAT8:
    out->precision = 17;
    out->scale = 17;
    out->is_signed = true;
    out->is_case_sensitive = false;
    break;
  case EMU_OID_NUMERIC:
    out->is_signed = true;
    out->is_case_sensitive = false;
    if (typmod >= TYPMOD_OFFSET) {
      /* PostgreSQL 15 packs (precision << 16) | (scale & 0x7ff), where the scale is an 11-bit
       * two's complement number (numeric(3,-2) is allowed since 15). */
      uint32_t packed = (uint32_t)(typmod - TYPMOD_OFFSET);
      out->precision = (int32_t)((packed >> 16) & 0xFFFF);
      out->scale = (int32_t)((packed & 0x7FF) ^ 0x400) - 0x400;
    } else {
      out->precision = 0; /* unconstrained numeric: what the driver reports */
    }
    break;
  case EMU_OID_CHAR:
    out->precision = 1;
    break;
  case EMU_OID_NAME:
    out->precision = 64; /* NAMEDATALEN */
    break;
  case EMU_OID_BPCHAR:
  case EMU_OID_VARCHAR:
    out->precision = char_length(typmod);
    break;
  case EMU_OID_BYTEA:
    out->precision = VARBYTE_PRECISION;
    break;
  case EMU_OID_DATE:
    out->precision = 13;
    out->is_case_sensitive = false;
    break;
  case EMU_OID_TIME:
  case EMU_OID_TIMETZ:
  case EMU_OID_TIMESTAMP:
  case EMU_OID_TIMESTAMPTZ:
    out->precision = time_display_size(c->type_oid, typmod);
    out->scale = time_fraction_digits(typmod);
    out->is_case_sensitive = false;
    break;
  case EMU_OID_INTERVAL:
    out->precision = 49; /* longest interval text; dataapi-types.md §3 predicts 49/0 */
    out->is_case_sensitive = false;
    break;
  case OID_BIT:
    out->precision = typmod > 0 ? typmod : 1;
    out->is_case_sensitive = false;
    break;
  case OID_VARBIT:
    out->precision = typmod > 0 ? typmod : UNBOUNDED_PRECISION;
    out->is_case_sensitive = false;
    break;
  case EMU_OID_MONEY:
    out->is_currency = true; /* the only currency type; otherwise like the driver's defaults */
    break;
  default:
    break; /* text, json, uuid, arrays, ...: the defaults */
  }
}

static const char *or_empty(const char *s) {
  return s != NULL ? s : "";
}

/* One ColumnMetadata object; column_default NULL for none. */
static void write_metadata(emu_buf *b, const emu_column_info *c, const emu_column_traits *t,
                           int32_t length, const char *column_default) {
  const char *name = or_empty(c->name);
  emu_buf_putc(b, '{');
  if (column_default != NULL) {
    emu_buf_puts(b, "\"columnDefault\":");
    emu_json_cstr(b, column_default);
    emu_buf_putc(b, ',');
  }
  emu_buf_puts(b, "\"isCaseSensitive\":");
  emu_json_bool(b, t->is_case_sensitive);
  emu_buf_puts(b, ",\"isCurrency\":");
  emu_json_bool(b, t->is_currency);
  emu_buf_puts(b, ",\"isSigned\":");
  emu_json_bool(b, t->is_signed);
  emu_buf_puts(b, ",\"label\":");
  emu_json_cstr(b, name);
  emu_buf_puts(b, ",\"length\":");
  emu_json_int(b, length);
  emu_buf_puts(b, ",\"name\":");
  emu_json_cstr(b, name);
  emu_buf_puts(b, ",\"nullable\":");
  emu_json_int(b, c->nullable);
  emu_buf_puts(b, ",\"precision\":");
  emu_json_int(b, t->precision);
  emu_buf_puts(b, ",\"scale\":");
  emu_json_int(b, t->scale);
  emu_buf_puts(b, ",\"schemaName\":");
  emu_json_cstr(b, or_empty(c->schema_name));
  emu_buf_puts(b, ",\"tableName\":");
  emu_json_cstr(b, or_empty(c->table_name));
  emu_buf_puts(b, ",\"typeName\":");
  emu_json_cstr(b, emu_types_type_name(c));
  emu_buf_putc(b, '}');
}

void emu_types_column_metadata(emu_buf *b, const emu_column_info *c) {
  emu_column_traits t;
  emu_types_column_traits(c, &t);
  /* AWS sends length 0 in result metadata; the declared size is in precision. */
  write_metadata(b, c, &t, 0, NULL);
}

void emu_types_table_column_metadata(emu_buf *b, const emu_column_info *c, bool string_category,
                                     const char *column_default) {
  emu_column_traits t;
  emu_types_column_traits(c, &t);
  /* AWS's one DescribeTable sample (dataapi.md §4.2: information_schema's character_data,
   * precision 2147483647, length 2147483647) has the size in length too; for a character type
   * that is the declared length (2147483647 when unbounded), as in precision. Other types keep
   * length 0 (no sample). */
  write_metadata(b, c, &t, string_category ? t.precision : 0, column_default);
}

/* ---- Field ---------------------------------------------------------------------------------- */

#define PUT_LIT(b, lit) emu_buf_append((b), (lit), sizeof(lit) - 1)

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* Scans a JSON integer part -?(0|[1-9][0-9]*) starting at s[*i]. */
static bool scan_json_int_part(const char *s, size_t n, size_t *i) {
  size_t j = *i;
  if (j < n && s[j] == '-')
    j++;
  if (j >= n || !is_digit(s[j]))
    return false;
  if (s[j] == '0') {
    j++;
  } else {
    while (j < n && is_digit(s[j]))
      j++;
  }
  *i = j;
  return true;
}

/* An integer exactly as JSON allows it: PostgreSQL's int2/int4/int8/oid text always is. */
static bool is_json_integer(const char *s, size_t n) {
  size_t i = 0;
  return scan_json_int_part(s, n, &i) && i == n;
}

/* A JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?. PostgreSQL's float8 text (1e+300, 1.5e-05,
 * -0) always is one, except NaN and the infinities. */
static bool is_json_number(const char *s, size_t n) {
  size_t i = 0;
  if (!scan_json_int_part(s, n, &i))
    return false;
  if (i < n && s[i] == '.') {
    i++;
    if (i >= n || !is_digit(s[i]))
      return false;
    while (i < n && is_digit(s[i]))
      i++;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
      i++;
    if (i >= n || !is_digit(s[i]))
      return false;
    while (i < n && is_digit(s[i]))
      i++;
  }
  return i == n;
}

static bool text_equals(const char *s, size_t n, const char *lit) {
  size_t m = strlen(lit);
  return n == m && memcmp(s, lit, m) == 0;
}

/* The awsJson spellings of the special doubles, which are also PostgreSQL's. */
static bool is_special_double(const char *s, size_t n) {
  return text_equals(s, n, "NaN") || text_equals(s, n, "Infinity") ||
         text_equals(s, n, "-Infinity");
}

static void put_string_field(emu_buf *b, const char *v, size_t n) {
  PUT_LIT(b, "{\"stringValue\":");
  emu_json_str(b, v, n);
  emu_buf_putc(b, '}');
}

static void put_double_field(emu_buf *b, const char *v, size_t n) {
  if (is_json_number(v, n)) {
    PUT_LIT(b, "{\"doubleValue\":");
    emu_buf_append(b, v, n);
    emu_buf_putc(b, '}');
  } else if (is_special_double(v, n)) {
    /* JSON has no number for them: awsJson sends these exact strings. */
    PUT_LIT(b, "{\"doubleValue\":\"");
    emu_buf_append(b, v, n);
    PUT_LIT(b, "\"}");
  } else {
    put_string_field(b, v, n);
  }
}

/* PostgreSQL prints the shortest text that identifies the float32 ("0.1"); AWS sends the float32
 * widened exactly to double (0.10000000149011612). */
static void put_float4_field(emu_buf *b, const char *v, size_t n) {
  char tmp[64]; /* longest float4 text is 15 chars ("-1.17549435e-38"); more is not float4 text */
  /* strtof alone would also take " 1.5", "0x1p3" or "inf": accept only what PostgreSQL prints. */
  if (n >= sizeof tmp || !(is_json_number(v, n) || is_special_double(v, n))) {
    put_string_field(b, v, n);
    return;
  }
  memcpy(tmp, v, n);
  tmp[n] = '\0';
  char *end;
  float f = strtof(tmp, &end);
  if (end != tmp + n) {
    put_string_field(b, v, n);
    return;
  }
  PUT_LIT(b, "{\"doubleValue\":");
  emu_json_double(b, (double)f);
  emu_buf_putc(b, '}');
}

/* Java's Timestamp.toString(), which AWS's output matches, always has a fraction: PostgreSQL's
 * "2022-02-22 00:00:00" becomes "2022-02-22 00:00:00.0". The ".0" goes after the seconds, so
 * before the " BC" of a BC date. Texts without a time of day (infinity, -infinity) pass
 * unchanged. */
static void put_timestamp_field(emu_buf *b, const char *v, size_t n) {
  if (memchr(v, ':', n) == NULL || memchr(v, '.', n) != NULL) {
    put_string_field(b, v, n);
    return;
  }
  size_t cut = n;
  if (n >= 3 && memcmp(v + n - 3, " BC", 3) == 0)
    cut = n - 3;
  PUT_LIT(b, "{\"stringValue\":\"");
  emu_json_str_body(b, v, cut);
  PUT_LIT(b, ".0");
  emu_json_str_body(b, v + cut, n - cut);
  PUT_LIT(b, "\"}");
}

/* Hex digit value plus one; 0 marks a byte that is not a hex digit. */
static const unsigned char hex_plus1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Decodes the byte written as two hex digits at h; false if either is not a hex digit. */
static bool hex_byte(const unsigned char *h, uint32_t *out) {
  uint32_t hi = hex_plus1[h[0]], lo = hex_plus1[h[1]];
  *out = ((hi - 1) << 4 | (lo - 1)) & 0xFF;
  return hi != 0 && lo != 0;
}

/* Base64 of the nbytes bytes written in hex at h, into o (room for (nbytes + 2) / 3 * 4 chars).
 * Returns false at the first non-hex digit. */
static bool hex_to_base64(const unsigned char *h, size_t nbytes, char *o) {
  for (size_t i = 0; i < nbytes; i += 3) {
    size_t have = nbytes - i < 3 ? nbytes - i : 3;
    uint32_t x = 0, y = 0, z = 0;
    bool ok = hex_byte(h + 2 * i, &x);
    if (have > 1)
      ok &= hex_byte(h + 2 * i + 2, &y);
    if (have > 2)
      ok &= hex_byte(h + 2 * i + 4, &z);
    if (!ok)
      return false;
    uint32_t g = x << 16 | y << 8 | z;
    o[0] = b64_alphabet[g >> 18];
    o[1] = b64_alphabet[(g >> 12) & 63];
    o[2] = have > 1 ? b64_alphabet[(g >> 6) & 63] : '=';
    o[3] = have > 2 ? b64_alphabet[g & 63] : '=';
    o += 4;
  }
  return true;
}

/* bytea in hex format ("\x616263") → base64 ("YWJj"), written straight into the buffer. Anything
 * else (odd length, a non-hex digit, the escape format) is sent as the text PostgreSQL gave. */
static void put_bytea_field(emu_buf *b, const char *v, size_t n) {
  if (n < 2 || v[0] != '\\' || v[1] != 'x' || (n - 2) % 2 != 0) {
    put_string_field(b, v, n);
    return;
  }
  static const char prefix[] = "{\"stringValue\":\"";
  size_t nbytes = (n - 2) / 2;
  size_t b64_len = (nbytes + 2) / 3 * 4;
  char *w = emu_buf_reserve(b, sizeof prefix - 1 + b64_len + 2);
  if (w == NULL)
    return;
  memcpy(w, prefix, sizeof prefix - 1);
  if (!hex_to_base64((const unsigned char *)v + 2, nbytes, w + sizeof prefix - 1)) {
    put_string_field(b, v, n); /* nothing was committed: the reserved bytes are just reused */
    return;
  }
  memcpy(w + sizeof prefix - 1 + b64_len, "\"}", 2);
  emu_buf_commit(b, sizeof prefix - 1 + b64_len + 2);
}

void emu_types_field(emu_buf *b, emu_field_kind kind, const char *value, size_t len, bool is_null) {
  if (is_null) {
    PUT_LIT(b, "{\"isNull\":true}");
    return;
  }
  if (value == NULL)
    len = 0; /* defensive: an absent value reads as empty text */
  const char *v = value != NULL ? value : "";
  switch (kind) {
  case EMU_FIELD_LONG:
    /* Digits are copied, never parsed: int8 beyond 2^53 stays exact. */
    if (is_json_integer(v, len)) {
      PUT_LIT(b, "{\"longValue\":");
      emu_buf_append(b, v, len);
      emu_buf_putc(b, '}');
    } else {
      put_string_field(b, v, len);
    }
    return;
  case EMU_FIELD_DOUBLE:
    put_double_field(b, v, len);
    return;
  case EMU_FIELD_FLOAT4:
    put_float4_field(b, v, len);
    return;
  case EMU_FIELD_BOOL:
    if (len == 1 && (v[0] == 't' || v[0] == 'f')) {
      if (v[0] == 't')
        PUT_LIT(b, "{\"booleanValue\":true}");
      else
        PUT_LIT(b, "{\"booleanValue\":false}");
    } else {
      put_string_field(b, v, len);
    }
    return;
  case EMU_FIELD_TIMESTAMP:
    put_timestamp_field(b, v, len);
    return;
  case EMU_FIELD_BYTEA_BASE64:
    put_bytea_field(b, v, len);
    return;
  case EMU_FIELD_STRING:
  default:
    put_string_field(b, v, len);
    return;
  }
}
