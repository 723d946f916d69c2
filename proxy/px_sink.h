/* px_sink.h — GetStatementResult pages → RowDescription + DataRow bytes, streamed.
 *
 * The streaming decoder (dapi_result) emits column/field/row events as page bytes arrive; this
 * sink encodes them straight into the client's output buffer (DESIGN §2 step 4): no row object
 * is built, and memory does not depend on the result size — only on the widest row.
 *
 * RowDescription is sent once, from the first page's ColumnMetadata (later pages may repeat or
 * omit it; a repeat with another column count fails the statement). Until the columns are known
 * the raw bytes of the first page are kept (bounded by max_page_bytes): when that page lists
 * Records before ColumnMetadata (the emulator does, and JSON member order is free), its rows are
 * skipped on the first pass and the kept bytes are decoded again at the end of the page, now
 * with the column types. Once the columns are known nothing is kept.
 *
 * Pure: no I/O, no loop. The caller feeds chunks, decides about backpressure between chunks (see
 * px_sink_row_open) and checks the status after each feed.
 */
#ifndef PX_SINK_H
#define PX_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dapi_result.h"
#include "pgw_buf.h"
#include "pgw_encode.h"
#include "pgw_error.h"
#include "px_status.h"
#include "px_text.h"

/* RowDescription carries a 16-bit column count. */
#define PX_SINK_MAX_COLUMNS 65535u

typedef struct px_sink {
  pgw_buf *out;         /* borrowed: the client's output buffer; must outlive the sink */
  dapi_result_dec *dec; /* owned */
  pgw_wr w;             /* writer of the message being encoded (a row may span chunks) */
  pgw_datarow row;      /* the open DataRow while row_open */
  bool row_open;
  bool described;    /* RowDescription sent */
  bool page_columns; /* this page carried ColumnMetadata */
  uint32_t page_ncols;
  px_column *cols; /* owned array of cap_cols; names point into names after columns_end */
  uint32_t ncols;
  uint32_t cap_cols;
  size_t *name_off; /* owned; offset of column i's name in names while collecting */
  char *names;      /* owned: the column names, NUL-separated */
  size_t names_len, names_cap;
  pgw_buf first_page;   /* owned: raw bytes of the first page until the columns are known */
  bool skip_rows;       /* this page listed Records before ColumnMetadata: replay at its end */
  uint64_t rows;        /* DataRows completed */
  uint64_t page_sent;   /* records of the current page the client has (this run or earlier) */
  uint64_t resend_skip; /* records of the page sent already (retry, resume): decoded, not sent */
  bool row_skipped;     /* the record being decoded is one of those */
  /* Extended protocol (px_sink_set_extended): */
  bool send_rowdesc; /* RowDescription goes to out once the columns are known */
  uint64_t limit_at; /* rows beyond this many are decoded but held back (Execute max_rows) */
  bool over_limit;   /* this page has a record beyond limit_at: the portal suspends */
  bool row_held;     /* the record being decoded is beyond limit_at */
  int16_t *codes;    /* owned; Bind's result format codes (0/1/N rule), NULL when none */
  uint16_t ncodes;
  bool *binary; /* owned; per column, from codes once the columns are known (NULL: all text) */
  /* Rows beyond limit_at, encoded as DataRows for the portal's next Execute (px_sink_set_hold):
   * a contiguous run right after the rows sent; once its cap is reached the rest is dropped. */
  pgw_buf held;
  uint64_t held_rows;
  bool held_full;   /* a row beyond the limit was dropped (cap reached, or no hold): the rows
                     * after the held ones must be fetched again */
  bool row_to_held; /* the open row is being encoded into held */
  int float_digits; /* extra_float_digits: <= 0 prints floats with DBL_DIG/FLT_DIG + it digits */
  char *next_token; /* owned; NextToken of the current page, NULL if none */
  bool failed;      /* sticky: err holds why */
  pgw_error err;    /* ERROR-severity error for the client once failed */
} px_sink;

/* max_value_bytes bounds one decoded value (0 = the decoder's default); max_page_bytes bounds
 * the first page kept for a replay. out is borrowed. PX_NOMEM. */
PX_MUSTCHECK px_status px_sink_init(px_sink *s, pgw_buf *out, size_t max_value_bytes,
                                    size_t max_page_bytes);
void px_sink_free(px_sink *s);

/* Extended protocol: send_rowdesc false keeps RowDescription out of the output (an Execute never
 * sends one; Describe does); at most limit rows are sent (UINT64_MAX: all), the rest of the
 * page's records are decoded and held back (over_limit); codes are Bind's result format codes
 * (copied; checked against the column count when the columns arrive: 08P01). PX_NOMEM. */
PX_MUSTCHECK px_status px_sink_set_extended(px_sink *s, bool send_rowdesc, uint64_t limit,
                                            const int16_t *codes, uint16_t ncodes);

/* Keep up to cap bytes of DataRows beyond the limit (0: keep none). */
void px_sink_set_hold(px_sink *s, size_t cap);

/* Prepares for the next page (the first included): resets the decoder, forgets NextToken. */
void px_sink_page_begin(px_sink *s);

/* Like px_sink_page_begin, for a suspended portal resuming inside a page: its first skip
 * records reached the client before and are decoded, not sent. */
void px_sink_page_resume(px_sink *s, uint64_t skip);

/* The current page's transfer failed part-way and the same page (same NextToken) is requested
 * again: removes a half-encoded DataRow and prepares to decode the page from its start, skipping
 * as many of its records as were already sent (they are decoded, not sent again). The page's
 * ColumnMetadata must match what RowDescription said and it must have at least those records,
 * else the statement fails. Must not be called once s->failed. */
void px_sink_page_retry(px_sink *s);

/* Decodes one chunk of the page body, encoding complete messages into out. PX_UPSTREAM when the
 * statement must fail (s->err says why; a partly encoded DataRow has been removed from out). */
PX_MUSTCHECK px_status px_sink_feed(px_sink *s, const void *data, size_t len);

/* The page body ended. PX_UPSTREAM when it was truncated or any error happened. On the first
 * page, a result without ColumnMetadata still gets its (empty) RowDescription. */
PX_MUSTCHECK px_status px_sink_page_end(px_sink *s);

/* Gives up on the statement (cancelled or the transfer failed): removes a partly encoded
 * DataRow so that out holds whole messages only. */
void px_sink_abandon(px_sink *s);

/* A DataRow is half encoded: out must not be consumed or swapped until it is complete. */
bool px_sink_row_open(const px_sink *s);

/* NextToken of the page just ended (borrowed; valid until the next page_begin), or NULL. */
const char *px_sink_next_token(const px_sink *s);

uint64_t px_sink_rows(const px_sink *s);

/* RowDescription was sent (only then are DataRows possible). */
bool px_sink_described(const px_sink *s);

#endif
