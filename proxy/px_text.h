/* px_text.h — Data API result values and columns → PostgreSQL text-format DataRow fields and
 * RowDescription.
 *
 * The aim is byte-for-byte the text PostgreSQL 15 itself prints for the same value (the e2e test
 * diffs psql output through redwire against psql on PostgreSQL directly). px_text_field runs once
 * per value of results with millions of rows: it never allocates, and writes straight into the
 * row's writer.
 *
 * Writer failures (buffer cap, out of memory) are not returned here: like every pgwire encoder,
 * they land in the writer's sticky status, which the caller checks once per batch.
 */
#ifndef PX_TEXT_H
#define PX_TEXT_H

#include <stdint.h>

#include "dapi_result.h"
#include "pgw_encode.h"
#include "pgw_wr.h"
#include "px_types.h"

typedef enum px_text_rc {
  PX_TEXT_OK = 0,
  PX_TEXT_EINVAL, /* value not valid for the column's type */
} px_text_rc;

#define PX_TEXT_MUSTCHECK __attribute__((warn_unused_result))

/* A static English description of rc; never NULL. */
const char *px_text_strerror(px_text_rc rc);

/*
 * Appends one field to an open DataRow (pgw_enc_datarow_begin) in PostgreSQL's text format for
 * column type t: a NULL value becomes a NULL field (length -1); anything else one field.
 *
 * A Field member that contradicts the column's type is converted when that is unambiguous (the
 * real service sent bool and float4 as stringValue until 2022): stringValue "true"/"false" (and
 * PostgreSQL's other bool spellings) in a bool column, a stringValue number in float4/float8, an
 * integer written as stringValue or doubleValue in an int column (checked: -?digits within
 * int64), longValue in float or numeric columns, booleanValue,
 * longValue or doubleValue in a verbatim column (printed as PostgreSQL would print bool, int8 or
 * float8). blobValue (base64) is accepted in a bytea column only. Everything else, and any value
 * malformed for its kind (bad base64, a non-number in a float column, ...), is PX_TEXT_EINVAL.
 *
 * On PX_TEXT_EINVAL nothing has been written for the field: the row still lacks it, so the caller
 * has to abandon the row (and fail the statement). row and t are borrowed for the call; f's bytes
 * too (they are copied into the writer's buffer).
 */
PX_TEXT_MUSTCHECK px_text_rc px_text_field(pgw_datarow *row, const px_coltype *t,
                                           const dapi_result_field *f);

/* One result column as the proxy keeps it from the decoder's column events until RowDescription. */
typedef struct px_column {
  const char *name; /* borrowed, NUL-terminated (the caller's copy of px_types_column_name) */
  px_coltype type;
} px_column;

/*
 * Encodes RowDescription for n result columns with Bind's result format codes: ncodes 0 means
 * every column in text (0), 1 means codes[0] for every column, else codes[i] for column i (the
 * caller has checked ncodes == n). Table OID and attribute number are 0: the Data API reports
 * schema and table names, not their OIDs. Errors (e.g. a NULL name → PGW_EPROTO) go to w's sticky
 * status. cols is borrowed for the call; n == 0 encodes an empty RowDescription (PostgreSQL sends
 * NoData instead: that choice is the caller's).
 */
void px_text_row_description(pgw_wr *w, const px_column *cols, uint16_t n, const int16_t *codes,
                             uint16_t ncodes);

/* The format code of column col under Bind's 0/1/N rule (see px_text_row_description). */
int16_t px_text_format_code(const int16_t *codes, uint16_t ncodes, uint32_t col);

/* Bind's 0/1/N rule itself: false with e set (08P01, PostgreSQL's text) when there are several
 * codes and not one per column. Every caller of the two functions above checks it first. */
bool px_text_format_count_ok(uint16_t ncodes, uint32_t ncols, pgw_error *e);

/* The pgw_field of one column in text format: what px_text_row_description writes for it (the
 * unit tests compare with pgwire's own encoder). The name pointer is copied from c, not the
 * string. */
pgw_field px_text_pgw_field(const px_column *c);

#endif
