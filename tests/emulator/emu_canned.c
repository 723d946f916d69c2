#include "emu_canned.h"

#include "emu_util.h"

#include <ctype.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* typmod encodings: numeric(p,s) = ((p << 16) | s) + 4; varchar(n)/bpchar(n) = n + 4. */
#define NUMERIC_12_2 (((12 << 16) | 2) + 4)

static const emu_column_info narrow_cols[] = {
    {EMU_OID_INT4, -1, "int4", "n", "", "", 1},
};

static const emu_column_info four_cols[] = {
    {EMU_OID_INT4, -1, "int4", "id", "", "", 1},
    {EMU_OID_TEXT, -1, "text", "name", "", "", 1},
    {EMU_OID_FLOAT8, -1, "float8", "amount", "", "", 1},
    {EMU_OID_TIMESTAMPTZ, -1, "timestamptz", "created", "", "", 1},
};

static const emu_column_info wide_cols[] = {
    {EMU_OID_INT2, -1, "int2", "c_int2", "", "", 1},
    {EMU_OID_INT4, -1, "int4", "c_int4", "", "", 1},
    {EMU_OID_INT8, -1, "int8", "c_int8", "", "", 1},
    {EMU_OID_NUMERIC, NUMERIC_12_2, "numeric", "c_numeric", "", "", 1},
    {EMU_OID_FLOAT4, -1, "float4", "c_float4", "", "", 1},
    {EMU_OID_FLOAT8, -1, "float8", "c_float8", "", "", 1},
    {EMU_OID_BOOL, -1, "bool", "c_bool", "", "", 1},
    {EMU_OID_TEXT, -1, "text", "c_text", "", "", 1},
    {EMU_OID_VARCHAR, 64 + 4, "varchar", "c_varchar", "", "", 1},
    {EMU_OID_BPCHAR, 8 + 4, "bpchar", "c_bpchar", "", "", 1},
    {EMU_OID_DATE, -1, "date", "c_date", "", "", 1},
    {EMU_OID_TIME, -1, "time", "c_time", "", "", 1},
    {EMU_OID_TIMESTAMP, -1, "timestamp", "c_timestamp", "", "", 1},
    {EMU_OID_TIMESTAMPTZ, -1, "timestamptz", "c_timestamptz", "", "", 1},
    {EMU_OID_BYTEA, -1, "bytea", "c_bytea", "", "", 1},
    {EMU_OID_INT8, -1, "int8", "n_int8", "", "", 1},
    {EMU_OID_TEXT, -1, "text", "n_text", "", "", 1},
    {EMU_OID_NUMERIC, NUMERIC_12_2, "numeric", "n_numeric", "", "", 1},
    {EMU_OID_BOOL, -1, "bool", "n_bool", "", "", 1},
    {EMU_OID_TIMESTAMP, -1, "timestamp", "n_timestamp", "", "", 1},
};

size_t emu_canned_columns(emu_canned_shape shape, const emu_column_info **cols) {
  switch (shape) {
  case EMU_CANNED_NARROW:
    *cols = narrow_cols;
    return sizeof narrow_cols / sizeof narrow_cols[0];
  case EMU_CANNED_FOUR:
    *cols = four_cols;
    return sizeof four_cols / sizeof four_cols[0];
  case EMU_CANNED_WIDE:
    break;
  }
  *cols = wide_cols;
  return sizeof wide_cols / sizeof wide_cols[0];
}

/* ---- parsing ---- */

typedef struct cursor {
  const char *p, *end;
} cursor;

static void skip_ws(cursor *c) {
  while (c->p < c->end && isspace((unsigned char)*c->p)) {
    c->p++;
  }
}

/* Case-insensitive keyword; a keyword must not run into a following identifier character. */
static bool keyword(cursor *c, const char *kw) {
  size_t n = strlen(kw);
  if ((size_t)(c->end - c->p) < n) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (tolower((unsigned char)c->p[i]) != kw[i]) {
      return false;
    }
  }
  if (c->p + n < c->end && (isalnum((unsigned char)c->p[n]) || c->p[n] == '_')) {
    return false;
  }
  c->p += n;
  return true;
}

static bool punct(cursor *c, char ch) {
  skip_ws(c);
  if (c->p < c->end && *c->p == ch) {
    c->p++;
    return true;
  }
  return false;
}

emu_canned_match emu_canned_parse(const char *sql, size_t len, emu_canned *out, const char **why) {
  cursor c = {sql, sql + len};
  skip_ws(&c);
  if (!keyword(&c, "select") || !punct(&c, '*')) {
    return EMU_CANNED_NO;
  }
  skip_ws(&c);
  if (!keyword(&c, "from")) {
    return EMU_CANNED_NO;
  }
  skip_ws(&c);
  if (!keyword(&c, "redwire_canned") || !punct(&c, '(')) {
    return EMU_CANNED_NO;
  }
  /* From here on it can only be meant as a canned statement: malformed is an error. */
  *why = "expected select * from redwire_canned(<rows>, 'narrow'|'four'|'wide')";
  skip_ws(&c);
  int64_t rows = 0;
  const char *digits = c.p;
  while (c.p < c.end && *c.p >= '0' && *c.p <= '9') {
    if (rows > EMU_CANNED_MAX_ROWS / 10) {
      *why = "redwire_canned: too many rows";
      return EMU_CANNED_INVALID;
    }
    rows = rows * 10 + (*c.p - '0');
    c.p++;
  }
  if (c.p == digits || rows > EMU_CANNED_MAX_ROWS) {
    if (c.p != digits) {
      *why = "redwire_canned: too many rows";
    }
    return EMU_CANNED_INVALID;
  }
  if (!punct(&c, ',') || !punct(&c, '\'')) {
    return EMU_CANNED_INVALID;
  }
  const char *name = c.p;
  while (c.p < c.end && *c.p != '\'') {
    c.p++;
  }
  if (c.p == c.end) {
    return EMU_CANNED_INVALID;
  }
  size_t name_len = (size_t)(c.p - name);
  c.p++;
  emu_canned_shape shape;
  if (emu_ascii_ieq(name, name_len, "narrow")) {
    shape = EMU_CANNED_NARROW;
  } else if (emu_ascii_ieq(name, name_len, "four")) {
    shape = EMU_CANNED_FOUR;
  } else if (emu_ascii_ieq(name, name_len, "wide")) {
    shape = EMU_CANNED_WIDE;
  } else {
    *why = "redwire_canned: unknown shape (expected 'narrow', 'four' or 'wide')";
    return EMU_CANNED_INVALID;
  }
  if (!punct(&c, ')')) {
    return EMU_CANNED_INVALID;
  }
  punct(&c, ';');
  skip_ws(&c);
  if (c.p != c.end) {
    return EMU_CANNED_INVALID;
  }
  out->rows = rows;
  out->shape = shape;
  return EMU_CANNED_YES;
}

/* ---- values ---- */

/* A bijective 64-bit mixer (splitmix64 finaliser): deterministic, well-spread text per row. */
static uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* 2023-11-14 22:13:20 UTC: a fixed base so every run produces the same timestamps. */
#define BASE_EPOCH 1700000000LL

/* Formats at s + at, within the EMU_CANNED_SCRATCH bytes of s; returns the new length of s. */
static int fmt_at(char *s, int at, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int fmt_at(char *s, int at, const char *f, ...) {
  if (at < 0 || at >= EMU_CANNED_SCRATCH - 1) {
    return at;
  }
  va_list ap;
  va_start(ap, f);
  int n = vsnprintf(s + at, (size_t)(EMU_CANNED_SCRATCH - at), f, ap);
  va_end(ap);
  if (n < 0) {
    return at;
  }
  return at + n >= EMU_CANNED_SCRATCH ? EMU_CANNED_SCRATCH - 1 : at + n;
}

/* "YYYY-MM-DD HH:MM:SS[.ffffff]" as PostgreSQL prints it (fraction trailing zeros trimmed). */
static int timestamp_text(char *s, int64_t secs, int32_t micros) {
  time_t t = (time_t)secs;
  struct tm tm;
  gmtime_r(&t, &tm);
  int n = fmt_at(s, 0, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (micros > 0) {
    char frac[16];
    snprintf(frac, sizeof frac, "%06d", (int)micros);
    int k = 6;
    while (k > 1 && frac[k - 1] == '0') {
      k--;
    }
    n = fmt_at(s, n, ".%.*s", k, frac);
  }
  return n;
}

/* float8 text of row/4 as PostgreSQL prints it: "12", "12.25", "12.5", "12.75". */
static int quarter_text(char *s, int64_t v) {
  static const char *const frac[4] = {"", ".25", ".5", ".75"};
  return fmt_at(s, 0, "%" PRId64 "%s", v / 4, frac[v % 4]);
}

static void wide_cell(int64_t r, size_t col, char *s, const char **v, size_t *len, bool *is_null) {
  uint64_t h = mix((uint64_t)r);
  int n = 0;
  *v = s;
  switch (col) {
  case 0: /* int2 */
    n = fmt_at(s, 0, "%d", (int)(r % 65536) - 32768);
    break;
  case 1: /* int4 */
    n = fmt_at(s, 0, "%" PRId64, (int64_t)(r % 4294967296LL) - (int64_t)2147483648LL);
    break;
  case 2: /* int8 beyond 2^53: must survive without passing through a double */
    n = fmt_at(s, 0, "%" PRId64, (int64_t)(h >> 1) * ((r & 1) != 0 ? -1 : 1));
    break;
  case 3:  /* numeric(12,2) */
  case 17: /* nullable numeric(12,2) */
    if (col == 17 && r % 7 == 0) {
      goto null;
    }
    n = fmt_at(s, 0, "%s%" PRId64 ".%02d", (r % 3 == 0) ? "-" : "", (int64_t)(h % 10000000000ULL),
               (int)(r % 100));
    break;
  case 4: { /* float4: PostgreSQL's shortest float4 text */
    static const char *const f4[8] = {"0.1",   "1.5",       "-2.25", "3.4028235e+38",
                                      "1e-45", "123.45679", "-0",    "100"};
    *v = f4[r % 8];
    n = (int)strlen(*v);
    break;
  }
  case 5: { /* float8, including the special values */
    static const char *const f8[8] = {"0.1",       "-1e+300",           "5e-324", "NaN", "Infinity",
                                      "-Infinity", "3.141592653589793", "-0"};
    if (r % 2 == 0) {
      n = quarter_text(s, r);
    } else {
      *v = f8[(r / 2) % 8];
      n = (int)strlen(*v);
    }
    break;
  }
  case 6: /* bool */
    *v = (h & 1) != 0 ? "t" : "f";
    n = 1;
    break;
  case 7: /* text with characters JSON must escape */
    n = fmt_at(s, 0, "row %" PRId64 " \"quoted\" back\\slash tab\t caf\xc3\xa9 \xe2\x82\xac", r);
    break;
  case 8: /* varchar(64) */
    n = fmt_at(s, 0, "v%016" PRIx64, h);
    break;
  case 9: /* bpchar(8): padded as PostgreSQL stores it */
    n = fmt_at(s, 0, "%-8.8s", (r % 2 == 0) ? "ab" : "abcdefgh");
    break;
  case 10: { /* date */
    n = timestamp_text(s, BASE_EPOCH + (r % 20000) * 86400, 0);
    n = 10;
    s[n] = '\0';
    break;
  }
  case 11: /* time */
    n = fmt_at(s, 0, "%02d:%02d:%02d", (int)(r / 3600 % 24), (int)(r / 60 % 60), (int)(r % 60));
    if (r % 3 == 1) {
      n = fmt_at(s, n, ".%d", (int)(r % 9) + 1);
    }
    break;
  case 12: /* timestamp */
  case 19: /* nullable timestamp */
    if (col == 19 && r % 4 == 0) {
      goto null;
    }
    n = timestamp_text(s, BASE_EPOCH + r, (r % 2 == 0) ? 0 : (int32_t)(h % 1000000));
    break;
  case 13: /* timestamptz in UTC */
    n = timestamp_text(s, BASE_EPOCH + r * 17, (int32_t)(h % 1000000));
    n = fmt_at(s, n, "+00");
    break;
  case 14: { /* bytea: \x + hex of 6 bytes */
    unsigned char b[6];
    for (int i = 0; i < 6; i++) {
      b[i] = (unsigned char)(h >> (8 * i));
    }
    n = fmt_at(s, 0, "\\x%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
    break;
  }
  case 15: /* nullable int8 */
    if (r % 3 == 0) {
      goto null;
    }
    n = fmt_at(s, 0, "%" PRId64, r * 1000003);
    break;
  case 16: /* nullable text; the empty string on other rows tells '' from NULL */
    if (r % 5 == 0) {
      goto null;
    }
    n = (r % 5 == 1) ? 0 : fmt_at(s, 0, "t%" PRId64, r);
    break;
  case 18: /* nullable bool */
    if (r % 2 == 0) {
      goto null;
    }
    *v = (r % 4 == 1) ? "t" : "f";
    n = 1;
    break;
  default:
    goto null;
  }
  *len = (size_t)n;
  *is_null = false;
  return;
null:
  *v = NULL;
  *len = 0;
  *is_null = true;
}

void emu_canned_cell(const emu_canned *c, int64_t row, size_t col, char scratch[EMU_CANNED_SCRATCH],
                     const char **value, size_t *len, bool *is_null) {
  *is_null = false;
  *value = scratch;
  switch (c->shape) {
  case EMU_CANNED_NARROW:
    *len = (size_t)fmt_at(scratch, 0, "%" PRId64, row % 2147483647 + 1);
    return;
  case EMU_CANNED_FOUR: {
    uint64_t h;
    switch (col) {
    case 0:
      *len = (size_t)fmt_at(scratch, 0, "%" PRId64, row % 2147483647 + 1);
      return;
    case 1:
      h = mix((uint64_t)row);
      *len = (size_t)fmt_at(scratch, 0, "%016" PRIx64 "%016" PRIx64, h, mix(h));
      return;
    case 2:
      *len = (size_t)quarter_text(scratch, row % 4000000);
      return;
    default:
      *len = (size_t)timestamp_text(scratch, BASE_EPOCH + row, (int32_t)((row * 7919) % 1000000));
      *len = (size_t)fmt_at(scratch, (int)*len, "+00");
      return;
    }
  }
  case EMU_CANNED_WIDE:
    wide_cell(row, col, scratch, value, len, is_null);
    return;
  }
}
