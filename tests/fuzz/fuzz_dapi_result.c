/*
 * fuzz_dapi_result.c — libFuzzer target for the GetStatementResult decoder.
 *
 * Build: CC=clang cmake -S . -B build-fuzz -DREDWIRE_FUZZ=ON -DREDWIRE_SANITIZE=ON
 *        cmake --build build-fuzz --target fuzz_dapi_result
 * Run:   build-fuzz/tests/dataapi/fuzz_dapi_result -max_total_time=60 tests/fuzz/corpus/dapi_result
 *
 * Beyond "no crash, no sanitizer report", it checks the decoder's central promise: the outcome
 * (events, status, error offset and detail, sink code) is the same whether the input is fed whole
 * or cut into chunks at positions derived from the input itself, with or without a sink that
 * stops early, and the error offset never lies beyond the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dapi_test_recorder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t hash(const uint8_t *data, size_t size) {
  uint64_t h = 0xcbf29ce484222325u; /* FNV-1a */
  for (size_t i = 0; i < size; i++)
    h = (h ^ data[i]) * 0x100000001b3u;
  return h;
}

static void same_or_abort(const dapi_test_outcome *a, const dapi_test_outcome *b) {
  if (strcmp(a->events, b->events) != 0 || a->err.rc != b->err.rc ||
      a->err.offset != b->err.offset || strcmp(a->err.detail, b->err.detail) != 0 ||
      a->err.sink_code != b->err.sink_code)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint64_t h = hash(data, size);
  /* Small limits, so that inputs of a few hundred bytes reach them. */
  dapi_test_opts opts = {.max_value_bytes = 48, .max_depth = 12};
  if (h % 4 == 0) {
    opts.stop_at_event = (unsigned)(h >> 8) % 16 + 1;
    opts.stop_code = 7;
  }

  dapi_test_outcome whole;
  dapi_test_decode(data, size, NULL, 0, &opts, &whole);
  if (whole.err.offset > size)
    abort();
  if (whole.err.rc == DAPI_RESULT_OK) {
    size_t n = strlen(whole.events);
    if (n < 2 || strcmp(whole.events + n - 2, "E\n") != 0)
      abort(); /* a complete document ends with the end event */
  }

  if (size > 1) {
    /* Up to 4 cut points, strictly increasing, derived from the hash. */
    size_t cuts[4];
    size_t ncuts = 0;
    uint64_t r = h;
    for (int i = 0; i < 4; i++) {
      r = r * 6364136223846793005u + 1442695040888963407u;
      size_t c = (size_t)(r >> 33) % (size - 1) + 1;
      if (ncuts == 0 || c > cuts[ncuts - 1])
        cuts[ncuts++] = c;
    }
    dapi_test_outcome split;
    dapi_test_decode(data, size, cuts, ncuts, &opts, &split);
    same_or_abort(&whole, &split);
    dapi_test_outcome_free(&split);
  }

  if (size > 1 && size <= 256) {
    size_t cuts[255];
    for (size_t i = 0; i < size - 1; i++)
      cuts[i] = i + 1;
    dapi_test_outcome bytes;
    dapi_test_decode(data, size, cuts, size - 1, &opts, &bytes);
    same_or_abort(&whole, &bytes);
    dapi_test_outcome_free(&bytes);
  }

  dapi_test_outcome_free(&whole);
  return 0;
}
