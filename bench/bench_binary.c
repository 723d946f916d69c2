/* bench_binary.c — px_binary_field against px_text_field on the same Data API values:
 *
 *   bench_binary [ROWS]     (default 2000000)
 *
 * Columns: int4 (longValue), float8 (doubleValue, half short decimals, half 17-digit doubles),
 * numeric (stringValue "12345.67" .. 20 digits), timestamptz (stringValue, UTC) and date. Each is
 * encoded alone, ROWS values, once in text format and once in binary, into DataRows; values cycle
 * through pools of 1024 prepared texts and the output buffer is emptied every ~1 MiB as socket
 * writes would. Prints values/s and ns/value per column and format.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pgw_buf.h"
#include "pgw_encode.h"
#include "pgw_wr.h"
#include "px_binary.h"
#include "px_text.h"

#define POOL  1024
#define NCOLS 5

static char pool_text[NCOLS][POOL][48];
static dapi_result_field fields[NCOLS][POOL];
static const char *NAMES[NCOLS] = {"int4", "float8", "numeric", "timestamptz", "date"};
static const dapi_result_kind KINDS[NCOLS] = {DAPI_RESULT_LONG, DAPI_RESULT_DOUBLE,
                                              DAPI_RESULT_STRING, DAPI_RESULT_STRING,
                                              DAPI_RESULT_STRING};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void prepare(void) {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < POOL; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    snprintf(pool_text[0][i], 48, "%d", (int)(x >> 33) - (1 << 30));
    if (i % 2 == 0)
      snprintf(pool_text[1][i], 48, "%.2f", (double)(x >> 40) / 100.0);
    else
      snprintf(pool_text[1][i], 48, "%.17g", (double)(x >> 11) / 9007199254740992.0);
    snprintf(pool_text[2][i], 48, "%s%llu.%02u", i % 3 == 0 ? "-" : "",
             (unsigned long long)(x >> (20 + i % 40)), (unsigned)(x % 100));
    unsigned mo = (unsigned)(x % 12) + 1, d = (unsigned)(x >> 8 & 0xffff) % 28 + 1,
             h = (unsigned)(x >> 16 & 0xffff) % 24, mi = (unsigned)(x >> 24 & 0xffff) % 60,
             se = (unsigned)(x >> 32 & 0xffff) % 60, us = (unsigned)(x >> 40 & 0xfffff) % 1000000;
    snprintf(pool_text[3][i], 48, "2024-%02u-%02u %02u:%02u:%02u.%06u+00", mo, d, h, mi, se, us);
    snprintf(pool_text[4][i], 48, "%04u-%02u-%02u", 1900 + (unsigned)(x % 200), mo, d);
    for (int c = 0; c < NCOLS; c++) {
      memset(&fields[c][i], 0, sizeof fields[c][i]);
      fields[c][i].kind = KINDS[c];
      fields[c][i].text.ptr = pool_text[c][i];
      fields[c][i].text.len = strlen(pool_text[c][i]);
    }
  }
}

typedef px_text_rc (*field_fn)(pgw_datarow *, const px_coltype *, const dapi_result_field *);

/* Encodes rows one-column DataRows of column col; returns seconds. */
static double run(field_fn fn, const px_coltype *t, int col, long rows) {
  pgw_buf buf;
  pgw_buf_init(&buf, 8u << 20);
  pgw_wr w;
  pgw_wr_init(&w, &buf);
  double t0 = now();
  for (long r = 0; r < rows; r++) {
    pgw_datarow row;
    pgw_enc_datarow_begin(&row, &w, 1);
    if (fn(&row, t, &fields[col][r % POOL]) != PX_TEXT_OK) {
      fprintf(stderr, "%s: value refused: %s\n", NAMES[col], pool_text[col][r % POOL]);
      exit(1);
    }
    pgw_enc_datarow_end(&row);
    if (pgw_buf_len(&buf) > (1u << 20))
      pgw_buf_consume(&buf, pgw_buf_len(&buf));
  }
  double secs = now() - t0;
  if (pgw_wr_status(&w) != PGW_OK) {
    fprintf(stderr, "writer failed\n");
    exit(1);
  }
  pgw_buf_free(&buf);
  return secs;
}

int main(int argc, char **argv) {
  long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
  if (rows <= 0) {
    fprintf(stderr, "usage: %s [ROWS]\n", argv[0]);
    return 2;
  }
  prepare();
  printf("%-12s %16s %10s %16s %10s\n", "column", "text values/s", "ns/value", "binary values/s",
         "ns/value");
  for (int c = 0; c < NCOLS; c++) {
    px_coltype t = px_types_from_dataapi(NAMES[c], strlen(NAMES[c]), 0, 0);
    double st = run(px_text_field, &t, c, rows);
    double sb = run(px_binary_field, &t, c, rows);
    printf("%-12s %16.0f %10.1f %16.0f %10.1f\n", NAMES[c], (double)rows / st, st * 1e9 / rows,
           (double)rows / sb, sb * 1e9 / rows);
  }
  return 0;
}
