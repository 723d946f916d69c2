/* pxt_util.h — helpers of the proxy unit tests: run px_text_field on one value inside a real
 * one-column DataRow (or px_binary_field) and hand back the field's bytes, checking the message
 * framing on the way. */
#ifndef PXT_UTIL_H
#define PXT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "px_text.h"

#define PXT_OUT_MAX 4096

typedef struct pxt_out {
  px_text_rc rc;
  bool framing_ok; /* the DataRow was well-formed, or on EINVAL nothing of the field written */
  int32_t len;     /* field length; -1 for NULL */
  char data[PXT_OUT_MAX + 1]; /* the field's bytes, NUL-terminated for convenience */
} pxt_out;

/* Encodes f as the single field of a DataRow for column type t. */
void pxt_render(const px_coltype *t, const dapi_result_field *f, pxt_out *out);

/* The same with px_binary_field (binary format). */
void pxt_render_binary(const px_coltype *t, const dapi_result_field *f, pxt_out *out);

/* xorshift64* over *state (never 0): the same sequence on every platform, for cross-checks that
 * must be reproducible from their seed. */
static inline uint64_t pxt_rng(uint64_t *state) {
  *state ^= *state >> 12;
  *state ^= *state << 25;
  *state ^= *state >> 27;
  return *state * 2685821657736338717ull;
}

/* Field constructors (the views borrow s). */
dapi_result_field pxt_string(const char *s);
dapi_result_field pxt_long(const char *digits);
dapi_result_field pxt_double(const char *text);
dapi_result_field pxt_double_special(dapi_result_special sp);
dapi_result_field pxt_bool(bool b);
dapi_result_field pxt_blob(const char *base64);
dapi_result_field pxt_null(void);

/* The coltype of a Data API typeName with precision and scale 0. */
px_coltype pxt_type(const char *type_name);

#endif
