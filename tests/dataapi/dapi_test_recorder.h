/*
 * dapi_test_recorder.h — a sink that writes every decoder event as one line of text, and a driver
 * that decodes a document cut into chunks. Shared by the unit tests and the fuzz target, which
 * both check that the events do not depend on where the document is cut.
 *
 * Event lines:
 *   C<i> name=.. label=.. type=.. schema=.. table=.. default=.. precision=.. scale=.. nullable=..
 *        length=.. signed=0|1 casesensitive=0|1 currency=0|1     (present members only)
 *   CE<count>  RB  F<col> NULL|BOOL=t|f|LONG=..|DOUBLE=..|DOUBLE=NaN|+Inf|-Inf|STRING=..|BLOB=..
 *   RE<count>  T<total>  N=<token>  E
 * Bytes outside printable ASCII, and '\', are written as \xHH.
 */
#ifndef REDWIRE_DAPI_TEST_RECORDER_H
#define REDWIRE_DAPI_TEST_RECORDER_H

#include <stddef.h>
#include <stdint.h>

#include "dapi_result.h"

typedef struct dapi_test_outcome {
  char *events; /* owned, NUL-terminated */
  dapi_result_error err;
  unsigned nevents;
  unsigned text_views;          /* non-empty text values handed to the sink */
  unsigned text_views_in_chunk; /* ... of which pointed into the chunk being fed (zero copy) */
} dapi_test_outcome;

typedef struct dapi_test_opts {
  size_t max_value_bytes; /* 0: the decoder's default */
  unsigned max_depth;     /* 0: the decoder's default */
  unsigned stop_at_event; /* 1-based event number whose callback returns stop_code; 0: never */
  int stop_code;
} dapi_test_opts;

/*
 * Decodes doc[0..len) fed as chunks cut at cuts[0..ncuts) (strictly increasing, inside (0, len)),
 * then calls finish. Each chunk is fed from its own heap copy of exactly its size, freed right
 * after the feed, so ASan catches a view kept past its chunk or a read beyond it. Every feed after
 * the first error must return that error again; the function aborts if not. out->events is owned
 * by the caller (dapi_test_outcome_free).
 */
void dapi_test_decode(const uint8_t *doc, size_t len, const size_t *cuts, size_t ncuts,
                      const dapi_test_opts *opts, dapi_test_outcome *out);

void dapi_test_outcome_free(dapi_test_outcome *out);

#endif
