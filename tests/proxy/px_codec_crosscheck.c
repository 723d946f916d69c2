/* px_codec_crosscheck.c — px_binary and px_param against a real PostgreSQL, value by value.
 *
 *   px_codec_crosscheck COUNT SEED
 *
 * Connects with libpq (PGHOST_DIRECT/PGPORT_DIRECT/PGUSER_DIRECT/PGDATABASE_DIRECT from
 * tests/stack, else the usual PG* variables; TimeZone UTC, DateStyle ISO). For each type family it
 * generates COUNT input texts from a fixed-seed generator and lets PostgreSQL return, in binary
 * result format, the value's text (what the Data API sends) and the value itself (typsend). Then:
 *
 *   1. px_binary_field of the text, as the Data API would send it, must give PostgreSQL's bytes;
 *   2. px_param_text of PostgreSQL's bytes as a binary parameter, and of its text as a text
 *      parameter, must give texts that PostgreSQL reads back as the same value (compared with the
 *      type's send function, so -0 and 0 or two NaN payloads are told apart where PG does);
 *   3. COUNT/10 values per family are sent to PostgreSQL as real binary Bind parameters (libpq,
 *      paramFormats 1), half of them random byte patterns: PostgreSQL's *_recv and px_param_text
 *      must agree on accepting them, and on the value when both do.
 *
 * Prints one line per mismatch (up to 20 per family) and a summary; exit 0 only when all agree.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgw_buf.h"
#include "pgw_encode.h"
#include "pgw_wr.h"
#include "px_binary.h"
#include "px_param.h"
#include "pxt_pg.h"
#include "pxt_util.h"

#define BATCH     1000
#define INPUT_MAX 256

static uint64_t rng_state;

static uint64_t rng(void) {
  return pxt_rng(&rng_state);
}

static long pick(long lo, long hi) {
  return lo + (long)(rng() % (uint64_t)(hi - lo + 1));
}

/* ---- value generators: PostgreSQL input texts ---------------------------------------------- */

static void make_int2(long i, char *o) {
  static const char *EDGE[] = {"-32768", "32767", "0", "-1"};
  if (i < 4)
    snprintf(o, INPUT_MAX, "%s", EDGE[i]);
  else
    snprintf(o, INPUT_MAX, "%d", (int)(int16_t)rng());
}

static void make_int4(long i, char *o) {
  static const char *EDGE[] = {"-2147483648", "2147483647", "0"};
  if (i < 3)
    snprintf(o, INPUT_MAX, "%s", EDGE[i]);
  else
    snprintf(o, INPUT_MAX, "%" PRId32, (int32_t)(uint32_t)(rng() >> (rng() % 32)));
}

static void make_int8(long i, char *o) {
  static const char *EDGE[] = {"-9223372036854775808", "9223372036854775807", "0"};
  if (i < 3)
    snprintf(o, INPUT_MAX, "%s", EDGE[i]);
  else
    snprintf(o, INPUT_MAX, "%" PRId64, (int64_t)(rng() >> (rng() % 64)));
}

static void make_float8(long i, char *o) {
  static const char *EDGE[] = {
      "NaN", "Infinity", "-Infinity", "-0", "0", "4.9e-324", "1.7976931348623157e308"};
  if (i < 7) {
    snprintf(o, INPUT_MAX, "%s", EDGE[i]);
    return;
  }
  uint64_t bits = rng();
  double d;
  memcpy(&d, &bits, 8);
  if (isnan(d) || isinf(d) || i % 3 == 0)
    d = (double)(int64_t)(rng() % 2000000) / (double)(1 + rng() % 1000);
  snprintf(o, INPUT_MAX, "%.17g", d);
}

static void make_float4(long i, char *o) {
  static const char *EDGE[] = {"NaN", "Infinity", "-Infinity", "-0", "1.4e-45", "3.4028235e38"};
  if (i < 6) {
    snprintf(o, INPUT_MAX, "%s", EDGE[i]);
    return;
  }
  uint32_t bits = (uint32_t)rng();
  float f;
  memcpy(&f, &bits, 4);
  if (isnan(f) || isinf(f) || i % 3 == 0)
    f = (float)(int64_t)(rng() % 2000000) / (float)(1 + rng() % 1000);
  snprintf(o, INPUT_MAX, "%.9g", (double)f);
}

static void digits(char *o, size_t *w, long n) {
  for (long k = 0; k < n; k++)
    o[(*w)++] = (char)('0' + rng() % 10);
}

static void make_numeric(long i, char *o) {
  static const char *EDGE[] = {"NaN",    "Infinity", "-Infinity", "0",
                               "-0.000", "0.0001",   "10000",     "99999999.99990000"};
  if (i < 8) {
    snprintf(o, INPUT_MAX, "%s", EDGE[i]);
    return;
  }
  size_t w = 0;
  if (rng() % 2)
    o[w++] = '-';
  long il = pick(0, 40), fl = pick(0, 40);
  if (il == 0)
    o[w++] = '0';
  /* Runs of zeros test the grouping: sometimes all zeros but one digit. */
  if (rng() % 4 == 0) {
    for (long k = 0; k < il; k++)
      o[w++] = k == 0 ? '1' : '0';
  } else {
    digits(o, &w, il);
  }
  if (fl > 0) {
    o[w++] = '.';
    if (rng() % 4 == 0) {
      for (long k = 0; k < fl; k++)
        o[w++] = k == fl - 1 ? '3' : '0';
    } else {
      digits(o, &w, fl);
    }
  }
  if (rng() % 5 == 0)
    w += (size_t)snprintf(o + w, INPUT_MAX - w, "e%ld", pick(-60, 60));
  o[w] = '\0';
}

/* A random date text, occasionally BC or far in the future, with days that exist. */
static int ymd(char *o, size_t cap, long max_year, bool bc) {
  long y;
  switch (bc ? 0 : rng() % 6) {
  case 0:
    y = pick(1, 4713);
    break;
  case 1:
    y = pick(1, max_year);
    break;
  default:
    y = pick(1900, 2100);
    break;
  }
  long m = pick(1, 12), d = pick(1, 28);
  long ay = bc ? 1 - y : y; /* astronomical year: 1 BC is 0, a leap year */
  if (rng() % 10 == 0 && m == 2 && ((ay % 4 == 0 && ay % 100 != 0) || ay % 400 == 0))
    d = 29;
  return snprintf(o, cap, "%04ld-%02ld-%02ld", y, m, d);
}

static bool is_bc(void) {
  return rng() % 8 == 0;
}

static int clock_text(char *o, size_t cap) {
  int n = snprintf(o, cap, "%02ld:%02ld:%02ld", pick(0, 23), pick(0, 59), pick(0, 59));
  long frac = pick(0, 9); /* 7..9 digits: PostgreSQL rounds to microseconds */
  if (frac > 0) {
    o[n++] = '.';
    for (long k = 0; k < frac; k++)
      o[n++] = (char)('0' + rng() % 10);
    o[n] = '\0';
  }
  return n;
}

static int offset_text(char *o, size_t cap) {
  long secs = pick(-15 * 3600 - 3599, 15 * 3600 + 3599);
  if (rng() % 2)
    secs -= secs % 3600;
  long a = labs(secs);
  return snprintf(o, cap, "%c%02ld:%02ld:%02ld", secs < 0 ? '-' : '+', a / 3600, a / 60 % 60,
                  a % 60);
}

static void make_date(long i, char *o) {
  static const char *EDGE[] = {"infinity",      "-infinity",  "4714-11-24 BC",
                               "5874897-12-31", "2000-01-01", "0001-01-01 BC"};
  if (i < 6) {
    snprintf(o, INPUT_MAX, "%s", EDGE[i]);
    return;
  }
  bool bc = is_bc();
  int n = ymd(o, INPUT_MAX, 5874896, bc);
  if (bc)
    snprintf(o + n, (size_t)(INPUT_MAX - n), " BC");
}

static void make_time(long i, char *o) {
  if (i == 0) {
    snprintf(o, INPUT_MAX, "24:00:00");
    return;
  }
  clock_text(o, INPUT_MAX);
}

static void make_timetz(long i, char *o) {
  int n = clock_text(o, INPUT_MAX);
  offset_text(o + n, (size_t)(INPUT_MAX - n));
}

static void make_timestamp(long i, char *o, bool tz) {
  static const char *EDGE[] = {"infinity", "-infinity", "4714-11-24 00:00:00 BC",
                               "294276-12-31 23:59:59.999999", "2000-01-01 00:00:00"};
  if (i < 5) {
    snprintf(o, INPUT_MAX, "%s%s", EDGE[i], tz && i >= 2 ? "+00" : "");
    return;
  }
  bool bc = is_bc();
  int n = ymd(o, INPUT_MAX, 294275, bc);
  o[n++] = ' ';
  n += clock_text(o + n, (size_t)(INPUT_MAX - n));
  if (tz)
    n += offset_text(o + n, (size_t)(INPUT_MAX - n));
  if (bc)
    snprintf(o + n, (size_t)(INPUT_MAX - n), " BC");
}

static void make_ts(long i, char *o) {
  make_timestamp(i, o, false);
}

static void make_tstz(long i, char *o) {
  make_timestamp(i, o, true);
}

static void make_interval(long i, char *o) {
  if (i == 0) {
    snprintf(o, INPUT_MAX, "00:00:00");
    return;
  }
  long sign = rng() % 2 ? -1 : 1;
  int n = snprintf(o, INPUT_MAX, "%ld years %ld mons %ld days %s%ld:%02ld:%02ld.%06ld",
                   pick(-1000, 1000), pick(-11, 11), pick(-40, 40) * sign, sign < 0 ? "-" : "",
                   pick(0, 100000), pick(0, 59), pick(0, 59), pick(0, 999999));
  (void)n;
}

static void make_uuid(long i, char *o) {
  static const char HEX[] = "0123456789abcdef";
  size_t w = 0;
  for (int k = 0; k < 32; k++) {
    if (k == 8 || k == 12 || k == 16 || k == 20)
      o[w++] = '-';
    o[w++] = HEX[rng() % 16];
  }
  o[w] = '\0';
}

static void make_bytea(long i, char *o) {
  static const char HEX[] = "0123456789abcdef";
  long n = pick(0, 60);
  size_t w = 0;
  for (long k = 0; k < 2 * n; k++)
    o[w++] = HEX[rng() % 16];
  o[w] = '\0';
}

static void make_text(long i, char *o) {
  /* ASCII with the characters that matter in SQL, and some multi-byte UTF-8. */
  static const char *PIECES[] = {"a",  "Z", "'", "\"", "\\", "$1", ":p1", " ",  "--",
                                 "/*", "é", "€", "😀",  "\t", "$$", "::",  "%s", ";"};
  long n = pick(0, 20);
  size_t w = 0;
  for (long k = 0; k < n; k++) {
    const char *p = PIECES[rng() % (sizeof PIECES / sizeof PIECES[0])];
    memcpy(o + w, p, strlen(p));
    w += strlen(p);
  }
  o[w] = '\0';
}

static void make_bool(long i, char *o) {
  snprintf(o, INPUT_MAX, "%s", rng() % 2 ? "true" : "false");
}

static void make_jsonb(long i, char *o) {
  snprintf(o, INPUT_MAX, "{\"k\": %ld, \"s\": \"v%ld\", \"a\": [true, null, %ld.5]}", pick(-99, 99),
           pick(0, 9999), pick(-5, 5));
}

static void make_char(long i, char *o) {
  long kind = i == 0 ? 2 : (long)(rng() % 3);
  if (kind == 0)
    snprintf(o, INPUT_MAX, "\\%03o", (unsigned)pick(128, 255)); /* charout's octal form */
  else if (kind == 1)
    snprintf(o, INPUT_MAX, "%c", (char)pick(1, 127));
  else
    o[0] = '\0';
}

static void make_xid(long i, char *o) {
  snprintf(o, INPUT_MAX, "%" PRIu32, (uint32_t)rng());
}

/* ---- families ------------------------------------------------------------------------------ */

typedef struct family {
  const char *type; /* SQL type */
  uint32_t oid;
  const char *dapi_type;  /* Data API typeName for px_types */
  const char *input_expr; /* how x (text) becomes a value of the type */
  const char *field_expr; /* the Data API's field text, from v */
  dapi_result_kind kind;  /* the Field member the Data API uses */
  const char *send;       /* the type's send function */
  void (*make)(long i, char *out);
  bool fuzz; /* also random byte patterns as binary parameters */
} family;

static const family FAMILIES[] = {
    {"int2", 21, "int2", "x::int2", "v::text", DAPI_RESULT_LONG, "int2send", make_int2, false},
    {"int4", 23, "int4", "x::int4", "v::text", DAPI_RESULT_LONG, "int4send", make_int4, false},
    {"int8", 20, "int8", "x::int8", "v::text", DAPI_RESULT_LONG, "int8send", make_int8, false},
    {"float4", 700, "float4", "x::float4", "v::float8::text", DAPI_RESULT_DOUBLE, "float4send",
     make_float4, false},
    {"float8", 701, "float8", "x::float8", "v::text", DAPI_RESULT_DOUBLE, "float8send", make_float8,
     false},
    {"numeric", 1700, "numeric", "x::numeric", "v::text", DAPI_RESULT_STRING, "numeric_send",
     make_numeric, true},
    {"date", 1082, "date", "x::date", "v::text", DAPI_RESULT_STRING, "date_send", make_date, true},
    {"time", 1083, "time", "x::time", "v::text", DAPI_RESULT_STRING, "time_send", make_time, true},
    {"timetz", 1266, "timetz", "x::timetz", "v::text", DAPI_RESULT_STRING, "timetz_send",
     make_timetz, true},
    {"timestamp", 1114, "timestamp", "x::timestamp", "v::text", DAPI_RESULT_STRING,
     "timestamp_send", make_ts, true},
    {"timestamptz", 1184, "timestamptz", "x::timestamptz", "v::text", DAPI_RESULT_STRING,
     "timestamptz_send", make_tstz, true},
    {"interval", 1186, "interval", "x::interval", "v::text", DAPI_RESULT_STRING, "interval_send",
     make_interval, true},
    {"uuid", 2950, "uuid", "x::uuid", "v::text", DAPI_RESULT_STRING, "uuid_send", make_uuid, false},
    {"bytea", 17, "varbyte", "decode(x, 'hex')", "translate(encode(v, 'base64'), E'\\n', '')",
     DAPI_RESULT_STRING, "byteasend", make_bytea, false},
    {"text", 25, "text", "x::text", "v", DAPI_RESULT_STRING, "textsend", make_text, false},
    {"bool", 16, "bool", "x::bool", "v::text", DAPI_RESULT_BOOL, "boolsend", make_bool, false},
    {"\"char\"", 18, "char", "x::\"char\"", "v::text", DAPI_RESULT_STRING, "charsend", make_char,
     false},
    {"xid", 28, "xid", "x::xid", "v::text", DAPI_RESULT_LONG, "xidsend", make_xid, false},
    {"jsonb", 3802, "jsonb", "x::jsonb", "v::text", DAPI_RESULT_STRING, "jsonb_send", make_jsonb,
     false},
};

typedef struct checker {
  PGconn *conn;
  long checked, mismatches, fam_mismatches;
} checker;

static void mismatch(checker *c, const family *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void mismatch(checker *c, const family *f, const char *fmt, ...) {
  c->mismatches++;
  if (++c->fam_mismatches <= 20) {
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", f->type);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
  }
}

/* A growable text for array literals and queries. */
typedef struct text {
  char *p;
  size_t len, cap;
} text;

static void add(text *t, const char *s, size_t n) {
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->p = realloc(t->p, t->cap);
    if (t->p == NULL) {
      fprintf(stderr, "out of memory\n");
      exit(2);
    }
  }
  memcpy(t->p + t->len, s, n);
  t->len += n;
  t->p[t->len] = '\0';
}

static void adds(text *t, const char *s) {
  add(t, s, strlen(s));
}

/* Appends s as one element of an array literal: double-quoted, " and \ escaped. */
static void add_elem(text *t, const char *s, size_t n, bool first) {
  adds(t, first ? "\"" : ",\"");
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '"' || s[i] == '\\')
      add(t, "\\", 1);
    add(t, s + i, 1);
  }
  adds(t, "\"");
}

static const char *to_hex(const uint8_t *d, size_t n, char *out, size_t cap) {
  static const char HEX[] = "0123456789abcdef";
  size_t w = 0;
  for (size_t i = 0; i < n && w + 3 < cap; i++) {
    out[w++] = HEX[d[i] >> 4];
    out[w++] = HEX[d[i] & 15];
  }
  out[w] = '\0';
  return out;
}

static PGresult *exec(checker *c, const char *sql, int n, const char *const *vals, const int *lens,
                      const int *formats, const Oid *types, int result_format) {
  PGresult *r = PQexecParams(c->conn, sql, n, types, vals, lens, formats, result_format);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    fprintf(stderr, "query failed: %s\n%s\n", PQerrorMessage(c->conn), sql);
    exit(2);
  }
  return r;
}

/* Our text of one parameter, or NULL (err filled) when px_param_text refuses it. */
static char *param_text(const uint8_t *d, int len, int format, uint32_t oid, pgw_error *err) {
  px_param_in p = {d, len, (int16_t)format, oid};
  pgw_buf b;
  pgw_buf_init(&b, 1u << 20);
  px_status st = px_param_text(&p, 0, &b, err);
  char *out = NULL;
  if (st == PX_OK) {
    out = malloc(pgw_buf_len(&b) + 1);
    if (out == NULL) {
      fprintf(stderr, "out of memory\n");
      exit(2);
    }
    if (pgw_buf_len(&b) > 0)
      memcpy(out, pgw_buf_data(&b), pgw_buf_len(&b));
    out[pgw_buf_len(&b)] = '\0';
  }
  pgw_buf_free(&b);
  return out;
}

/* 3. bytes as a real binary Bind parameter: PostgreSQL's recv and ours must agree. */
static void check_recv(checker *c, const family *f, const uint8_t *bytes, int len) {
  char sql[256], h[1024];
  snprintf(sql, sizeof sql, "SELECT %s($1)", f->send);
  const char *vals[] = {(const char *)bytes};
  int lens[] = {len};
  int formats[] = {1};
  Oid types[] = {f->oid};
  PGresult *r = PQexecParams(c->conn, sql, 1, types, vals, lens, formats, 1);
  bool pg_ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  pgw_error err;
  char *ours = param_text(bytes, len, 1, f->oid, &err);
  c->checked++;
  if (!pg_ok) {
    if (ours != NULL)
      mismatch(c, f, "PostgreSQL refuses binary %s, px_param_text gives %s",
               to_hex(bytes, (size_t)len, h, sizeof h), ours);
  } else if (ours == NULL) {
    mismatch(c, f, "PostgreSQL reads binary %s, px_param_text refuses: %s",
             to_hex(bytes, (size_t)len, h, sizeof h), err.message);
  } else {
    snprintf(sql, sizeof sql, "SELECT %s($1::%s)", f->send, f->type);
    const char *v2[] = {ours};
    PGresult *r2 = PQexecParams(c->conn, sql, 1, NULL, v2, NULL, NULL, 1);
    if (PQresultStatus(r2) != PGRES_TUPLES_OK)
      mismatch(c, f, "PostgreSQL refuses our text %s of binary %s", ours,
               to_hex(bytes, (size_t)len, h, sizeof h));
    else if (PQgetlength(r2, 0, 0) != PQgetlength(r, 0, 0) ||
             memcmp(PQgetvalue(r2, 0, 0), PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0)) != 0)
      mismatch(c, f, "our text %s differs from PostgreSQL's recv of binary %s", ours,
               to_hex(bytes, (size_t)len, h, sizeof h));
    PQclear(r2);
  }
  free(ours);
  PQclear(r);
}

/* Steps 1, 2 and 3 for one batch of inputs. */
static void check_batch(checker *c, const family *f, char (*inputs)[INPUT_MAX], int n) {
  text arr = {0};
  adds(&arr, "{");
  for (int i = 0; i < n; i++)
    add_elem(&arr, inputs[i], strlen(inputs[i]), i == 0);
  adds(&arr, "}");
  char sql[512];
  snprintf(sql, sizeof sql,
           "SELECT %s, v, v::text FROM (SELECT %s AS v, i FROM unnest($1::text[]) WITH ORDINALITY "
           "u(x, i)) s ORDER BY i",
           f->field_expr, f->input_expr);
  const char *vals[] = {arr.p};
  PGresult *r = exec(c, sql, 1, vals, NULL, NULL, NULL, 1);

  px_coltype t = pxt_type(f->dapi_type);
  text texts[2] = {{0}, {0}};
  adds(&texts[0], "{");
  adds(&texts[1], "{");
  for (int i = 0; i < n; i++) {
    const char *field_text = PQgetvalue(r, i, 0);
    int field_len = PQgetlength(r, i, 0);
    const uint8_t *pg_bin = (const uint8_t *)PQgetvalue(r, i, 1);
    int pg_len = PQgetlength(r, i, 1);
    char h[1024];

    /* 1. px_binary_field of the Data API's field. */
    dapi_result_field fld;
    memset(&fld, 0, sizeof fld);
    fld.kind = f->kind;
    fld.text.ptr = field_text;
    fld.text.len = (size_t)field_len;
    if (f->kind == DAPI_RESULT_BOOL) {
      fld.boolean = field_text[0] == 't';
      fld.text.len = 0;
    } else if (f->kind == DAPI_RESULT_DOUBLE) {
      /* The awsJson strings of the non-finite doubles. */
      if (strcmp(field_text, "NaN") == 0)
        fld.special = DAPI_RESULT_NAN;
      else if (strcmp(field_text, "Infinity") == 0)
        fld.special = DAPI_RESULT_POS_INF;
      else if (strcmp(field_text, "-Infinity") == 0)
        fld.special = DAPI_RESULT_NEG_INF;
      if (fld.special != DAPI_RESULT_FINITE)
        fld.text.len = 0;
    }
    pxt_out out;
    pxt_render_binary(&t, &fld, &out);
    c->checked++;
    if (out.rc != PX_TEXT_OK || !out.framing_ok)
      mismatch(c, f, "px_binary_field refused %s (input %s)", field_text, inputs[i]);
    else if (out.len != pg_len || memcmp(out.data, pg_bin, (size_t)pg_len) != 0)
      mismatch(c, f, "%s: PostgreSQL sends %s", field_text,
               to_hex(pg_bin, (size_t)pg_len, h, sizeof h));

    /* 2. px_param_text of the binary value, and of the value's text as a text parameter. */
    for (int format = 0; format < 2; format++) {
      const uint8_t *d = format ? pg_bin : (const uint8_t *)PQgetvalue(r, i, 2);
      int len = format ? pg_len : PQgetlength(r, i, 2);
      pgw_error err;
      char *ours = param_text(d, len, format, f->oid, &err);
      if (ours == NULL)
        mismatch(c, f, "px_param_text refused %s: %s", inputs[i], err.message);
      add_elem(&texts[format], ours != NULL ? ours : "", ours != NULL ? strlen(ours) : 0, i == 0);
      free(ours);
    }

    /* 3. every tenth value as a real binary parameter, and for the fuzzed families a copy
     * with one random byte changed (which PostgreSQL may refuse: then so must we). */
    if (i % 10 == 0) {
      check_recv(c, f, pg_bin, pg_len);
      if (f->fuzz && pg_len > 0) {
        uint8_t m[1024];
        memcpy(m, pg_bin, (size_t)pg_len);
        m[rng() % (uint64_t)pg_len] = (uint8_t)rng();
        check_recv(c, f, m, pg_len);
      }
    }
  }
  PQclear(r);
  adds(&texts[0], "}");
  adds(&texts[1], "}");

  /* PostgreSQL reads our texts back; the rows are the values that differ. */
  char sql2[1024];
  snprintf(sql2, sizeof sql2,
           "SELECT x, t, b FROM unnest($1::text[], $2::text[], $3::text[]) u(x, t, b) "
           "WHERE %s(%s) IS DISTINCT FROM %s(t::%s) OR %s(%s) IS DISTINCT FROM %s(b::%s)",
           f->send, f->input_expr, f->send, f->type, f->send, f->input_expr, f->send, f->type);
  const char *vals2[] = {arr.p, texts[0].p, texts[1].p};
  PGresult *r2 = exec(c, sql2, 3, vals2, NULL, NULL, NULL, 0);
  for (int k = 0; k < PQntuples(r2); k++) {
    char both[2 * INPUT_MAX + 64];
    snprintf(both, sizeof both, "text param %s, binary param %s", PQgetvalue(r2, k, 1),
             PQgetvalue(r2, k, 2));
    mismatch(c, f, "input %s read back differently: %s", PQgetvalue(r2, k, 0), both);
  }
  PQclear(r2);
  free(arr.p);
  free(texts[0].p);
  free(texts[1].p);
}

/* The Data API's texts: ISO dates, UTC timestamps, postgres intervals, shortest floats. */
#define SETTINGS                                                                                   \
  "SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres'; "                  \
  "SET extra_float_digits = 1"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s COUNT SEED\n", argv[0]);
    return 2;
  }
  long count = strtol(argv[1], NULL, 10);
  rng_state = strtoull(argv[2], NULL, 10) | 1;
  checker c = {pxt_pg_connect(SETTINGS), 0, 0, 0};
  static char inputs[BATCH][INPUT_MAX];
  for (size_t k = 0; k < sizeof FAMILIES / sizeof FAMILIES[0]; k++) {
    const family *f = &FAMILIES[k];
    c.fam_mismatches = 0;
    for (long done = 0; done < count;) {
      int n = (int)(count - done < BATCH ? count - done : BATCH);
      for (int i = 0; i < n; i++)
        f->make(done + i, inputs[i]);
      check_batch(&c, f, inputs, n);
      done += n;
    }
  }
  printf("px_codec_crosscheck: %ld checks, %ld mismatches\n", c.checked, c.mismatches);
  PQfinish(c.conn);
  return c.mismatches == 0 ? 0 : 1;
}
