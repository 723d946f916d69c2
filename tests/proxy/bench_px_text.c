/* bench_px_text.c — throughput of px_text_field on the shape of a typical wide scan:
 *
 *   int4 (longValue) | text of 32 bytes | float8 (doubleValue) | timestamptz (stringValue)
 *
 *   bench_px_text [ROWS]     (default 2000000)
 *
 * Values cycle through pools of 1024 prepared Data API texts, so the measurement covers the
 * conversion and the DataRow writing, not value generation. The float8 pool mixes short
 * decimals (prices: "1234.56") with full 17-digit doubles, which take the longest. The output
 * buffer is emptied every ~1 MiB, as the connection's socket writes would. Prints rows/s and
 * values/s for the whole shape and for each column alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pgw_buf.h"
#include "pgw_encode.h"
#include "pgw_wr.h"
#include "px_text.h"

#define POOL 1024

static char ints[POOL][16], texts[POOL][33], floats[POOL][32], stamps[POOL][40];
static dapi_result_field fields[4][POOL];

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void prepare(void) {
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < POOL; i++) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    snprintf(ints[i], sizeof ints[i], "%d", (int)(x >> 33) - (1 << 30));
    for (int k = 0; k < 32; k++)
      texts[i][k] = (char)('a' + (x >> (k % 58)) % 26);
    texts[i][32] = '\0';
    if (i % 2 == 0)
      snprintf(floats[i], sizeof floats[i], "%.2f", (double)(x >> 40) / 100.0);
    else
      snprintf(floats[i], sizeof floats[i], "%.17g", (double)(x >> 11) / 9007199254740992.0);
    snprintf(stamps[i], sizeof stamps[i], "2024-%02d-%02d %02d:%02d:%02d.%06d+00",
             (int)(x % 12) + 1, (int)(x >> 8) % 28 + 1, (int)(x >> 16) % 24, (int)(x >> 24) % 60,
             (int)(x >> 32) % 60, (int)(x >> 40) % 1000000);
    const char *src[4] = {ints[i], texts[i], floats[i], stamps[i]};
    dapi_result_kind kinds[4] = {DAPI_RESULT_LONG, DAPI_RESULT_STRING, DAPI_RESULT_DOUBLE,
                                 DAPI_RESULT_STRING};
    for (int c = 0; c < 4; c++) {
      memset(&fields[c][i], 0, sizeof fields[c][i]);
      fields[c][i].kind = kinds[c];
      fields[c][i].text.ptr = src[c];
      fields[c][i].text.len = strlen(src[c]);
    }
  }
}

/* Encodes rows DataRows of the columns in cols[0..ncols); returns seconds. */
static double run(const px_coltype *types, const int *cols, int ncols, long rows) {
  pgw_buf buf;
  pgw_buf_init(&buf, 8u << 20);
  pgw_wr w;
  pgw_wr_init(&w, &buf);
  double t0 = now();
  for (long r = 0; r < rows; r++) {
    pgw_datarow row;
    pgw_enc_datarow_begin(&row, &w, (uint16_t)ncols);
    for (int c = 0; c < ncols; c++) {
      int col = cols[c];
      if (px_text_field(&row, &types[col], &fields[col][r % POOL]) != PX_TEXT_OK) {
        fprintf(stderr, "value refused: column %d row %ld\n", col, r);
        exit(1);
      }
    }
    pgw_enc_datarow_end(&row);
    if (pgw_buf_len(&buf) > (1u << 20)) {
      if (pgw_wr_status(&w) != PGW_OK) {
        fprintf(stderr, "writer failed\n");
        exit(1);
      }
      pgw_buf_consume(&buf, pgw_buf_len(&buf));
      pgw_wr_init(&w, &buf);
    }
  }
  double t = now() - t0;
  if (pgw_wr_status(&w) != PGW_OK) {
    fprintf(stderr, "writer failed\n");
    exit(1);
  }
  pgw_buf_free(&buf);
  return t;
}

int main(int argc, char **argv) {
  long rows = argc > 1 ? strtol(argv[1], NULL, 10) : 2000000;
  if (rows <= 0) {
    fprintf(stderr, "usage: %s [ROWS]\n", argv[0]);
    return 2;
  }
  prepare();
  const char *names[4] = {"int4", "text", "float8", "timestamptz"};
  px_coltype types[4];
  for (int c = 0; c < 4; c++)
    types[c] = px_types_from_dataapi(names[c], strlen(names[c]), 0, 0);

  int all[4] = {0, 1, 2, 3};
  double t = run(types, all, 4, rows);
  printf("int4/text32/float8/timestamptz: %ld rows in %.3f s: %.0f rows/s, %.0f values/s\n", rows,
         t, (double)rows / t, 4.0 * (double)rows / t);
  for (int c = 0; c < 4; c++) {
    int one[1] = {c};
    double tc = run(types, one, 1, rows);
    printf("  %-12s alone: %.0f values/s (%.1f ns/value incl. DataRow framing)\n", names[c],
           (double)rows / tc, tc / (double)rows * 1e9);
  }
  return 0;
}
