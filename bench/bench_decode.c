/*
 * bench_decode — rows/s of redwire's JSON page → DataRow path, per CPU-second.
 *
 * Builds canned pages in memory in the compact layout the Data API sends, then decodes each page
 * over and over, fed in 16 KiB chunks as libcurl delivers them, and prints for each shape the
 * median over several runs of rows per CPU-second (CLOCK_PROCESS_CPUTIME_ID) and JSON MB per
 * CPU-second. Two paths are timed:
 *
 *   row:<shape>   the whole path the proxy runs per page: the streaming decoder, PostgreSQL text
 *                 conversion of every value (px_text) and DataRow encoding into an output buffer
 *                 (px_sink), the buffer being drained after each chunk as a socket write would.
 *                 This is the figure issue 6's target (>= 4 M rows/s, 'four', one core) is about.
 *   dec:<shape>   the decoder alone with a counting sink: what the JSON scan costs by itself.
 *
 * Why a hand-written streaming scanner (dapi_result) and not a JSON library: a tree parser
 * (cJSON, the 'cjson' line) allocates a node per value and needs the whole page in memory —
 * about 0.7 M rows/s here; a generic SAX parser still dispatches every token through callbacks
 * (about 2.4 M rows/s on such a machine). The Data API's Field objects have one fixed shape, so
 * the decoder matches {"longValue":…}/{"stringValue":"…"} directly and hands out views into the
 * chunk: no copy, no allocation per value, which is what makes the target reachable.
 *
 * Shapes:
 *   four      int4, 32-char text, float8, timestamptz (as stringValue): issue 6's shape
 *   narrow    one int4
 *   wide      20 columns of mixed kinds, NULLs in two of them, a super value with escapes
 *   four-ws   'four' with a space after every Field's '{', which the fast path does not take:
 *             what the general path alone achieves on the same data
 *   cjson     for reference only: 'four' parsed whole into a cJSON tree, records walked, tree
 *             freed (what the decoder replaces; the page is not chunked for it)
 *
 * Usage: bench_decode [rows_per_page [runs [line]]]   (defaults: 10000 rows, 7 runs, all lines;
 *        line is e.g. row:four or dec:wide, to run one under a profiler)
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "dapi_result.h"
#include "pgw_buf.h"
#include "px_sink.h"

#define CHUNK (16 * 1024)
/* Each run decodes at least this many rows, so that a run lasts long enough to time. */
#define MIN_ROWS_PER_RUN 2000000u
#define MAX_RUNS         31

typedef struct text {
  char *data; /* owned */
  size_t len;
  size_t cap;
} text;

static void die(const char *what) {
  fprintf(stderr, "bench_decode: %s\n", what);
  exit(1);
}

__attribute__((format(printf, 2, 3))) static void add(text *t, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->data + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0)
      die("vsnprintf failed");
    if ((size_t)n < t->cap - t->len) {
      t->len += (size_t)n;
      return;
    }
    size_t cap = t->cap ? t->cap * 2 : 1 << 20;
    char *d = realloc(t->data, cap);
    if (d == NULL)
      die("out of memory");
    t->data = d;
    t->cap = cap;
  }
}

static uint64_t rnd(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void add_column(text *t, int index, const char *name, const char *type, int precision,
                       int scale, int is_signed, int case_sensitive) {
  add(t,
      "%s{\"isCaseSensitive\":%s,\"isCurrency\":false,\"isSigned\":%s,\"label\":\"%s\","
      "\"length\":0,\"name\":\"%s\",\"nullable\":1,\"precision\":%d,\"scale\":%d,"
      "\"schemaName\":\"public\",\"tableName\":\"bench\",\"typeName\":\"%s\"}",
      index ? "," : "", case_sensitive ? "true" : "false", is_signed ? "true" : "false", name, name,
      precision, scale, type);
}

/* Field writers; `ws` puts a space after '{' to keep the fast path out. */
static void f_long(text *t, const char *ws, int64_t v) {
  add(t, "{%s\"longValue\":%" PRId64 "}", ws, v);
}

static void f_double(text *t, const char *ws, double v) {
  /* The shortest decimal that reads back as v, as the Data API (Java) prints doubles. */
  char buf[32];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v)
      break;
  }
  add(t, "{%s\"doubleValue\":%s}", ws, buf);
}

static void f_string(text *t, const char *ws, const char *s) {
  add(t, "{%s\"stringValue\":\"%s\"}", ws, s);
}

static void f_null(text *t, const char *ws) {
  add(t, "{%s\"isNull\":true}", ws);
}

static void random_word(uint64_t *seed, char *out, size_t n) {
  static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (size_t i = 0; i < n; i++)
    out[i] = alnum[rnd(seed) % (sizeof alnum - 1)];
  out[n] = '\0';
}

static void timestamp(uint64_t *seed, char *out, size_t cap, const char *suffix) {
  uint64_t r = rnd(seed);
  snprintf(out, cap, "2024-%02u-%02u %02u:%02u:%02u.%06u%s", (unsigned)(r % 12 + 1),
           (unsigned)(r / 12 % 28 + 1), (unsigned)(r / 400 % 24), (unsigned)(r / 9600 % 60),
           (unsigned)(r / 576000 % 60), (unsigned)(r / 34560000 % 1000000), suffix);
}

static void page_four(text *t, unsigned rows, const char *ws) {
  uint64_t seed = 0x9e3779b97f4a7c15u;
  add(t, "{\"ColumnMetadata\":[");
  add_column(t, 0, "id", "int4", 10, 0, 1, 0);
  add_column(t, 1, "name", "text", 2147483647, 0, 0, 1);
  add_column(t, 2, "score", "float8", 17, 17, 1, 0);
  add_column(t, 3, "created", "timestamptz", 35, 6, 0, 0);
  add(t, "],\"Records\":[");
  for (unsigned i = 0; i < rows; i++) {
    char word[33];
    char ts[48];
    random_word(&seed, word, 32);
    timestamp(&seed, ts, sizeof ts, "+00");
    add(t, "%s[", i ? "," : "");
    f_long(t, ws, (int64_t)(int32_t)rnd(&seed));
    add(t, ",");
    f_string(t, ws, word);
    add(t, ",");
    f_double(t, ws, (double)(rnd(&seed) % 100000000) / 1000.0);
    add(t, ",");
    f_string(t, ws, ts);
    add(t, "]");
  }
  add(t, "],\"TotalNumRows\":%u}", rows);
}

static void page_narrow(text *t, unsigned rows) {
  uint64_t seed = 42;
  add(t, "{\"ColumnMetadata\":[");
  add_column(t, 0, "n", "int4", 10, 0, 1, 0);
  add(t, "],\"Records\":[");
  for (unsigned i = 0; i < rows; i++) {
    add(t, "%s[", i ? "," : "");
    f_long(t, "", (int64_t)(rnd(&seed) % 2000000) - 1000000);
    add(t, "]");
  }
  add(t, "],\"TotalNumRows\":%u}", rows);
}

static void page_wide(text *t, unsigned rows) {
  static const struct {
    const char *name;
    const char *type;
    int precision;
    int scale;
    int is_signed;
    int case_sensitive;
  } cols[20] = {
      {"c_int2", "int2", 5, 0, 1, 0},
      {"c_int4", "int4", 10, 0, 1, 0},
      {"c_int8", "int8", 19, 0, 1, 0},
      {"c_float4", "float4", 8, 8, 1, 0},
      {"c_float8", "float8", 17, 17, 1, 0},
      {"c_numeric", "numeric", 12, 2, 1, 0},
      {"c_bool", "bool", 1, 0, 0, 0},
      {"c_code", "bpchar", 8, 0, 0, 1},
      {"c_name", "varchar", 64, 0, 0, 1},
      {"c_note", "varchar", 256, 0, 0, 1},
      {"c_date", "date", 13, 0, 0, 0},
      {"c_time", "time", 15, 6, 0, 0},
      {"c_ts", "timestamp", 29, 6, 0, 0},
      {"c_tstz", "timestamptz", 35, 6, 0, 0},
      {"c_maybe_text", "varchar", 32, 0, 0, 1},
      {"c_maybe_int", "int8", 19, 0, 1, 0},
      {"c_super", "super", 2147483647, 0, 0, 1},
      {"c_bytes", "varbyte", 64000, 0, 0, 1},
      {"c_flag", "bool", 1, 0, 0, 0},
      {"c_big", "int8", 19, 0, 1, 0},
  };
  uint64_t seed = 7;
  add(t, "{\"ColumnMetadata\":[");
  for (int c = 0; c < 20; c++)
    add_column(t, c, cols[c].name, cols[c].type, cols[c].precision, cols[c].scale,
               cols[c].is_signed, cols[c].case_sensitive);
  add(t, "],\"Records\":[");
  for (unsigned i = 0; i < rows; i++) {
    char w[96];
    char ts[48];
    uint64_t r = rnd(&seed);
    add(t, "%s[", i ? "," : "");
    f_long(t, "", (int64_t)(r % 65536) - 32768);
    add(t, ",");
    f_long(t, "", (int64_t)(int32_t)rnd(&seed));
    add(t, ",");
    f_long(t, "", (int64_t)rnd(&seed));
    add(t, ",");
    f_double(t, "", (double)(float)((double)(r % 1000000) / 7.0));
    add(t, ",");
    f_double(t, "", (double)rnd(&seed) / 3.0e9);
    add(t, ",");
    snprintf(w, sizeof w, "%u.%02u", (unsigned)(r % 1000000), (unsigned)(r / 7 % 100));
    f_string(t, "", w);
    add(t, ",{\"booleanValue\":%s},", r & 1 ? "true" : "false");
    random_word(&seed, w, 3);
    strcat(w, "     "); /* bpchar(8), padded */
    f_string(t, "", w);
    add(t, ",");
    random_word(&seed, w, 12 + r % 20);
    f_string(t, "", w);
    add(t, ",");
    random_word(&seed, w, 64 + r % 16);
    f_string(t, "", w);
    add(t, ",");
    timestamp(&seed, ts, sizeof ts, "");
    ts[10] = '\0'; /* the date part */
    ts[19] = '\0'; /* the time part, whole seconds as the Data API sends it */
    f_string(t, "", ts);
    add(t, ",");
    f_string(t, "", ts + 11);
    add(t, ",");
    timestamp(&seed, ts, sizeof ts, "");
    f_string(t, "", ts);
    add(t, ",");
    timestamp(&seed, ts, sizeof ts, "+00");
    f_string(t, "", ts);
    add(t, ",");
    if (i % 2) {
      f_null(t, "");
    } else {
      random_word(&seed, w, 10);
      f_string(t, "", w);
    }
    add(t, ",");
    if (i % 3)
      f_null(t, "");
    else
      f_long(t, "", (int64_t)(r % 1000));
    add(t, ",{\"stringValue\":\"{\\\"id\\\":%u,\\\"tag\\\":\\\"x\\\"}\"},", (unsigned)(r % 1000));
    f_string(t, "", "YWJjZGVmZ2g=");
    add(t, ",{\"booleanValue\":%s},", r & 2 ? "true" : "false");
    f_long(t, "", (int64_t)(r >> 1));
    add(t, "]");
  }
  add(t, "],\"TotalNumRows\":%u}", rows);
}

/* The counting sink: cheap, but uses every value so nothing is optimised away. */
typedef struct counts {
  uint64_t rows;
  uint64_t fields;
  uint64_t bytes;
} counts;

static int count_row(void *user, uint32_t nfields) {
  counts *c = user;
  c->rows++;
  c->fields += nfields;
  return 0;
}

static int count_field(void *user, uint32_t column, const dapi_result_field *f) {
  counts *c = user;
  c->bytes += f->text.len + column + (unsigned)f->kind;
  return 0;
}

static const dapi_result_sink counting_sink = {.field = count_field, .row_end = count_row};

static double cpu_seconds(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
    die("clock_gettime failed");
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a;
  double y = *(const double *)b;
  return (x > y) - (x < y);
}

static void report(const char *name, double *rate, unsigned runs, const text *page, unsigned rows) {
  qsort(rate, runs, sizeof rate[0], cmp_double);
  double median = rate[runs / 2];
  printf("%-11s %7.2f M rows/s  %7.0f MB/s  (%u rows/page, %.2f MB/page, %.0f B/row, "
         "median of %u runs; min %.2f max %.2f M rows/s)\n",
         name, median / 1e6, median * (double)page->len / rows / 1e6, rows, (double)page->len / 1e6,
         (double)page->len / rows, runs, rate[0] / 1e6, rate[runs - 1] / 1e6);
}

static void bench(const char *name, const text *page, unsigned rows, unsigned runs) {
  counts c = {0};
  dapi_result_config cfg = {.sink = &counting_sink, .user = &c};
  dapi_result_dec *dec;
  if (dapi_result_new(&cfg, &dec) != DAPI_RESULT_OK)
    die("dapi_result_new failed");
  unsigned pages = (MIN_ROWS_PER_RUN + rows - 1) / rows;
  double rate[MAX_RUNS];
  for (unsigned run = 0; run < runs; run++) {
    double t0 = cpu_seconds();
    for (unsigned pg = 0; pg < pages; pg++) {
      dapi_result_reset(dec);
      for (size_t off = 0; off < page->len; off += CHUNK) {
        size_t n = page->len - off < CHUNK ? page->len - off : CHUNK;
        if (dapi_result_feed(dec, page->data + off, n) != DAPI_RESULT_OK)
          die("decoding failed");
      }
      if (dapi_result_finish(dec) != DAPI_RESULT_OK)
        die("page incomplete");
    }
    rate[run] = (double)pages * rows / (cpu_seconds() - t0);
  }
  dapi_result_free(dec);
  if (c.rows != (uint64_t)pages * rows * runs)
    die("row count mismatch");
  report(name, rate, runs, page, rows);
}

/* The proxy's path: decoder + text conversion + DataRow encoding (px_sink), the output drained
 * after each chunk unless a DataRow is half written (as px_conn does before a write). */
static void bench_rows(const char *name, const text *page, unsigned rows, unsigned runs) {
  pgw_buf out;
  pgw_buf_init(&out, 64u << 20);
  px_sink sink;
  if (px_sink_init(&sink, &out, 0, 64u << 20) != PX_OK)
    die("px_sink_init failed");
  unsigned pages = (MIN_ROWS_PER_RUN + rows - 1) / rows;
  double rate[MAX_RUNS];
  uint64_t out_bytes = 0;
  for (unsigned run = 0; run < runs; run++) {
    double t0 = cpu_seconds();
    for (unsigned pg = 0; pg < pages; pg++) {
      px_sink_page_begin(&sink);
      for (size_t off = 0; off < page->len; off += CHUNK) {
        size_t n = page->len - off < CHUNK ? page->len - off : CHUNK;
        if (px_sink_feed(&sink, page->data + off, n) != PX_OK)
          die(sink.err.message);
        if (!px_sink_row_open(&sink)) {
          out_bytes += pgw_buf_len(&out);
          pgw_buf_consume(&out, pgw_buf_len(&out));
        }
      }
      if (px_sink_page_end(&sink) != PX_OK)
        die(sink.err.message);
      out_bytes += pgw_buf_len(&out);
      pgw_buf_consume(&out, pgw_buf_len(&out));
    }
    rate[run] = (double)pages * rows / (cpu_seconds() - t0);
  }
  if (px_sink_rows(&sink) != (uint64_t)pages * rows * runs)
    die("row count mismatch");
  report(name, rate, runs, page, rows);
  printf("         -> %.0f B of DataRow per row\n",
         (double)out_bytes / (double)px_sink_rows(&sink));
  px_sink_free(&sink);
  pgw_buf_free(&out);
}

/* The tree-building alternative: the whole page in memory, one node per JSON value. */
static void bench_cjson(const char *name, const text *page, unsigned rows, unsigned runs) {
  unsigned pages = (MIN_ROWS_PER_RUN / 4 + rows - 1) / rows; /* it is slow: fewer pages */
  double rate[MAX_RUNS];
  counts c = {0};
  for (unsigned run = 0; run < runs; run++) {
    double t0 = cpu_seconds();
    for (unsigned pg = 0; pg < pages; pg++) {
      cJSON *root = cJSON_ParseWithLength(page->data, page->len);
      const cJSON *records = cJSON_GetObjectItemCaseSensitive(root, "Records");
      if (records == NULL)
        die("cJSON could not parse the page");
      const cJSON *row;
      cJSON_ArrayForEach(row, records) {
        const cJSON *field;
        uint32_t col = 0;
        cJSON_ArrayForEach(field, row) {
          dapi_result_field f = {.kind = DAPI_RESULT_STRING};
          const cJSON *v = field->child;
          if (cJSON_IsString(v))
            f.text.len = strlen(v->valuestring);
          count_field(&c, col++, &f);
        }
        count_row(&c, col);
      }
      cJSON_Delete(root);
    }
    rate[run] = (double)pages * rows / (cpu_seconds() - t0);
  }
  if (c.rows != (uint64_t)pages * rows * runs)
    die("row count mismatch");
  report(name, rate, runs, page, rows);
}

int main(int argc, char **argv) {
  unsigned rows = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 10000;
  unsigned runs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 7;
  const char *only = argc > 3 ? argv[3] : NULL; /* one shape, e.g. for a profiler */
  if (rows == 0 || runs == 0 || runs > MAX_RUNS)
    die("usage: bench_decode [rows_per_page [runs (1-31) [shape]]]");
  printf("bench_decode: %d KiB chunks, CPU time; row: = decoder + text + DataRow, dec: = decoder "
         "alone\n",
         CHUNK / 1024);

  text four = {0}, narrow = {0}, wide = {0}, four_ws = {0};
  page_four(&four, rows, "");
  page_narrow(&narrow, rows);
  page_wide(&wide, rows);
  page_four(&four_ws, rows, " ");
  if (only == NULL || strcmp(only, "row:four") == 0)
    bench_rows("row:four", &four, rows, runs);
  if (only == NULL || strcmp(only, "row:narrow") == 0)
    bench_rows("row:narrow", &narrow, rows, runs);
  if (only == NULL || strcmp(only, "row:wide") == 0)
    bench_rows("row:wide", &wide, rows, runs);
  if (only == NULL || strcmp(only, "dec:four") == 0)
    bench("dec:four", &four, rows, runs);
  if (only == NULL || strcmp(only, "dec:narrow") == 0)
    bench("dec:narrow", &narrow, rows, runs);
  if (only == NULL || strcmp(only, "dec:wide") == 0)
    bench("dec:wide", &wide, rows, runs);
  if (only == NULL || strcmp(only, "dec:four-ws") == 0)
    bench("dec:four-ws", &four_ws, rows, runs);
  if (only == NULL || strcmp(only, "cjson") == 0)
    bench_cjson("cjson", &four, rows, runs);
  free(four.data);
  free(narrow.data);
  free(wide.data);
  free(four_ws.data);
  return 0;
}
