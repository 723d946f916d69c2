/* px_text_crosscheck.c — px_text's output compared with a real PostgreSQL, value by value.
 *
 *   px_text_crosscheck COUNT SEED
 *
 * Connects with libpq (PGHOST_DIRECT/PGPORT_DIRECT/PGUSER_DIRECT/PGDATABASE_DIRECT from
 * tests/stack, else the usual PG* variables), generates COUNT values of each family below from a
 * fixed-seed generator, lets PostgreSQL print them (`x::float8::text` etc.) and compares every
 * text with what px_text_field prints for the value as the Data API would send it:
 *
 *   float8   random bit patterns, short decimals, integers, every power of two (the values whose
 *            rounding interval is lopsided), subnormals; sent as doubleValue "%.17g"
 *   float4   the same for float32; sent as the widened double, like the real service
 *   numeric  random Java-style exponent forms ("-12.3E-7"), which PostgreSQL's numeric_in reads
 *            exactly as BigDecimal means them
 *   bytea    random bytes; PostgreSQL's encode(…, 'base64') as input, its bytea text as output
 *
 * Prints one line per mismatch (up to 20) and a summary; exit status 0 only when all agree.
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxt_pg.h"
#include "pxt_util.h"

#define BATCH 2000

static uint64_t rng_state;

static uint64_t rng(void) {
  return pxt_rng(&rng_state);
}

typedef struct checker {
  PGconn *conn;
  long checked;
  long mismatches;
} checker;

/* A growable text buffer for the array literal of one batch. */
typedef struct text {
  char *p;
  size_t len, cap;
} text;

static void text_add(text *t, const char *s) {
  size_t n = strlen(s);
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->p = realloc(t->p, t->cap);
    if (t->p == NULL) {
      fprintf(stderr, "out of memory\n");
      exit(2);
    }
  }
  memcpy(t->p + t->len, s, n + 1);
  t->len += n;
}

/* One family: how to make the i-th input, how PostgreSQL prints it, how px_text is fed. */
typedef struct family {
  const char *name;
  const char *sql; /* $1 is a text[] of inputs; returns one text column, same order */
  void (*make)(long i, char *pg_input, size_t cap, char *dapi_value, size_t vcap);
  const char *type_name;
  dapi_result_kind kind;
} family;

static void check_batch(checker *c, const family *fam, char (*inputs)[128], char (*values)[128],
                        int n) {
  text arr = {0};
  text_add(&arr, "{");
  for (int i = 0; i < n; i++) {
    text_add(&arr, i > 0 ? ",\"" : "\"");
    text_add(&arr, inputs[i]);
    text_add(&arr, "\"");
  }
  text_add(&arr, "}");
  const char *params[1] = {arr.p};
  PGresult *res = PQexecParams(c->conn, fam->sql, 1, NULL, params, NULL, NULL, 0);
  if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != n) {
    fprintf(stderr, "%s: query failed: %s\n", fam->name, PQerrorMessage(c->conn));
    exit(2);
  }
  px_coltype t = pxt_type(fam->type_name);
  for (int i = 0; i < n; i++) {
    const char *want = PQgetvalue(res, i, 0);
    dapi_result_field f = {.kind = fam->kind, .text = {values[i], strlen(values[i])}};
    pxt_out got;
    pxt_render(&t, &f, &got);
    c->checked++;
    if (got.rc != PX_TEXT_OK || !got.framing_ok || strcmp(got.data, want) != 0) {
      if (c->mismatches++ < 20)
        fprintf(stderr, "%s: input %s value %s: PostgreSQL %s, px_text %s (rc %d)\n", fam->name,
                inputs[i], values[i], want, got.data, (int)got.rc);
    }
  }
  PQclear(res);
  free(arr.p);
}

/* ---- families ----------------------------------------------------------------------------- */

static double random_double(long i) {
  switch (i % 5) {
  case 0: { /* any finite bit pattern */
    double d;
    uint64_t bits;
    do {
      bits = rng();
      memcpy(&d, &bits, sizeof d);
    } while (!isfinite(d));
    return d;
  }
  case 1: { /* a short decimal: up to 17 digits, any exponent */
    char buf[64];
    int digits = 1 + (int)(rng() % 17);
    uint64_t m = rng() % 100000000000000000ull;
    snprintf(buf, sizeof buf, "%" PRIu64 "e%d", m % (uint64_t)pow(10, digits),
             (int)(rng() % 600) - 300);
    return strtod(buf, NULL);
  }
  case 2: /* an integer, up to 2^63 */
    return (double)(int64_t)(rng() >> (rng() % 64));
  case 3: /* a power of two, or just below/above one */
    return nextafter(ldexp(1.0, (int)(rng() % 2098) - 1074), (rng() & 1) ? INFINITY : 0);
  default: /* a subnormal or a tiny normal */
    return ldexp((double)(rng() % 1000000), -1074 + (int)(rng() % 60));
  }
}

static void make_float8(long i, char *in, size_t cap, char *val, size_t vcap) {
  double d = random_double(i);
  if (i % 7 == 3)
    d = ldexp(1.0, (int)(i / 7 % 2098) - 1074); /* exact powers of two, in order */
  if (rng() & 1)
    d = -d;
  snprintf(in, cap, "%.17g", d);
  snprintf(val, vcap, "%.17g", d);
}

static void make_float4(long i, char *in, size_t cap, char *val, size_t vcap) {
  float f;
  if (i % 4 == 0) {
    uint32_t bits;
    do {
      bits = (uint32_t)rng();
      memcpy(&f, &bits, sizeof f);
    } while (!isfinite(f));
  } else if (i % 4 == 1) {
    f = ldexpf(1.0f, (int)(rng() % 277) - 149);
  } else if (i % 4 == 2) {
    f = (float)random_double(1);
    if (!isfinite(f))
      f = 1.5f;
  } else {
    f = (float)(int32_t)(rng() >> (rng() % 64));
  }
  if (rng() & 1)
    f = -f;
  snprintf(in, cap, "%.9g", (double)f);
  /* The service's form: the float widened exactly to double. */
  snprintf(val, vcap, "%.17g", (double)f);
}

static void make_numeric(long i, char *in, size_t cap, char *val, size_t vcap) {
  char mant[48];
  int digits = 1 + (int)(rng() % 30);
  int point = (int)(rng() % (uint64_t)(digits + 1));
  size_t o = 0;
  if (rng() % 3 == 0)
    mant[o++] = '-';
  for (int d = 0; d < digits; d++) {
    if (d == point && d > 0)
      mant[o++] = '.';
    /* Zeros are frequent, to exercise leading and trailing zero handling. */
    mant[o++] = (char)('0' + ((rng() % 3 == 0) ? 0 : rng() % 10));
  }
  mant[o] = '\0';
  int exp = (int)(rng() % 81) - 40;
  snprintf(in, cap, "%s%s%d", mant, (i & 1) ? "E" : "e", exp);
  if (exp >= 0 && (rng() & 1))
    snprintf(in, cap, "%sE+%d", mant, exp);
  snprintf(val, vcap, "%s", in);
}

static void make_bytea(long i, char *in, size_t cap, char *val, size_t vcap) {
  /* Bytes as hex for PostgreSQL's decode(…, 'hex'); their base64 for px_text. */
  static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t n = (size_t)(i % 40);
  unsigned char bytes[40];
  for (size_t k = 0; k < n; k++)
    bytes[k] = (unsigned char)rng();
  size_t o = 0;
  for (size_t k = 0; k < n && o + 2 < cap; k++)
    o += (size_t)snprintf(in + o, cap - o, "%02x", bytes[k]);
  in[o] = '\0';
  o = 0;
  for (size_t k = 0; k < n; k += 3) {
    uint32_t v = (uint32_t)bytes[k] << 16;
    if (k + 1 < n)
      v |= (uint32_t)bytes[k + 1] << 8;
    if (k + 2 < n)
      v |= bytes[k + 2];
    val[o++] = B64[v >> 18 & 63];
    val[o++] = B64[v >> 12 & 63];
    val[o++] = k + 1 < n ? B64[v >> 6 & 63] : '=';
    val[o++] = k + 2 < n ? B64[v & 63] : '=';
  }
  val[o] = '\0';
  (void)vcap;
}

static const family FAMILIES[] = {
    {"float8", "SELECT x::float8::text FROM unnest($1::text[]) WITH ORDINALITY u(x, i) ORDER BY i",
     make_float8, "float8", DAPI_RESULT_DOUBLE},
    {"float4", "SELECT x::float4::text FROM unnest($1::text[]) WITH ORDINALITY u(x, i) ORDER BY i",
     make_float4, "float4", DAPI_RESULT_DOUBLE},
    {"numeric",
     "SELECT x::numeric::text FROM unnest($1::text[]) WITH ORDINALITY u(x, i) ORDER BY i",
     make_numeric, "numeric", DAPI_RESULT_STRING},
    {"bytea",
     "SELECT decode(x, 'hex')::text FROM unnest($1::text[]) WITH ORDINALITY u(x, i) ORDER BY i",
     make_bytea, "varbyte", DAPI_RESULT_STRING},
};

/* The settings px_text reproduces: PostgreSQL's defaults, pinned against a tuned server. */
#define SETTINGS "SET extra_float_digits = 1; SET bytea_output = 'hex'"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s COUNT SEED\n", argv[0]);
    return 2;
  }
  long count = strtol(argv[1], NULL, 10);
  rng_state = strtoull(argv[2], NULL, 10) | 1;
  checker c = {pxt_pg_connect(SETTINGS), 0, 0};
  static char inputs[BATCH][128], values[BATCH][128];
  for (size_t fi = 0; fi < sizeof FAMILIES / sizeof FAMILIES[0]; fi++) {
    const family *fam = &FAMILIES[fi];
    long before = c.mismatches;
    for (long done = 0; done < count;) {
      int n = count - done < BATCH ? (int)(count - done) : BATCH;
      for (int i = 0; i < n; i++)
        fam->make(done + i, inputs[i], sizeof inputs[i], values[i], sizeof values[i]);
      check_batch(&c, fam, inputs, values, n);
      done += n;
    }
    printf("%s: %ld values, %ld mismatches\n", fam->name, count, c.mismatches - before);
  }
  PQfinish(c.conn);
  printf("total: %ld checked, %ld mismatches\n", c.checked, c.mismatches);
  return c.mismatches == 0 ? 0 : 1;
}
