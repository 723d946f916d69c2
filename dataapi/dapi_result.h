/*
 * dapi_result.h — streaming decoder for the body of a GetStatementResult response.
 *
 * The body arrives from libcurl in chunks of any size (1 byte to 16 KiB and more). Each chunk is
 * handed to dapi_result_feed(), which always consumes it whole and keeps its parse state across
 * chunk boundaries. While it reads, the decoder calls a sink with neutral events, in document
 * order:
 *
 *   column (one per ColumnMetadata entry) ... columns_end(count)
 *   row_begin, field (one per Field, with its column index) ..., row_end(count)   per record
 *   total_rows(n)           when TotalNumRows is read
 *   next_token(token)       when NextToken is read
 *   end                     when the closing '}' of the document is read
 *
 * No tree of the page is ever built, nothing is allocated per row or per field, and the decoder
 * does no I/O, so it is tested with byte vectors. Why hand-written rather than a JSON library,
 * chosen by bench/bench_decode (4-column shape, one core): a cJSON tree of the page reaches
 * ~0.5-0.8 M rows/s (a node per value, the whole page in memory), a generic SAX parser ~2.4 M,
 * below issue 6's 4 M rows/s for the whole page -> DataRow path; this decoder alone runs at
 * ~24 M rows/s because it matches the Data API's fixed Field shapes directly and hands out views
 * into the chunk, leaving the time to text conversion and DataRow encoding. It knows nothing of
 * pgwire: the proxy's sink turns the events into RowDescription and DataRow bytes.
 *
 * Member order is free, as in any JSON object. In particular:
 *   - Records may come BEFORE ColumnMetadata. The sink then sees rows before any column event and
 *     has to buffer them (or fail the statement) until the columns arrive.
 *   - ColumnMetadata may be absent (later pages may omit it); columns_end is then not emitted.
 *   - Members other than ColumnMetadata, Records, TotalNumRows and NextToken are skipped whatever
 *     their value; a known member whose value is null counts as absent.
 *   - The decoder does not check that a record has as many Fields as there are columns: the
 *     column index is the Field's position in its record and row_end reports the count.
 *
 * Values. A Field is a union with exactly one member; anything else is DAPI_RESULT_ESHAPE.
 *   isNull: true        → DAPI_RESULT_NULL ({"isNull": false} is rejected: it carries no value)
 *   booleanValue        → DAPI_RESULT_BOOL, in field.boolean
 *   longValue           → DAPI_RESULT_LONG, the digits exactly as sent ("-12"); validated as a
 *                         JSON integer that fits int64, never converted through a double
 *   doubleValue         → DAPI_RESULT_DOUBLE, the JSON number text as sent ("1.5E-7"), or, when
 *                         the value is one of the strings "NaN", "Infinity", "-Infinity", the
 *                         matching field.special with an empty text
 *   stringValue         → DAPI_RESULT_STRING, the unescaped UTF-8 bytes (\uXXXX and surrogate
 *                         pairs become UTF-8; lone surrogates and invalid UTF-8 are errors; an
 *                         escaped \u0000 is passed on as a 0 byte)
 *   blobValue           → DAPI_RESULT_BLOB, the base64 text as sent (not decoded or checked)
 *
 * Lifetimes. Every pointer handed to a sink callback is borrowed and valid only during that
 * call. A value that lies wholly inside the chunk being fed, without escapes, is a view into that
 * chunk (zero copy); a value split across chunks or containing escapes is assembled in a scratch
 * buffer owned by the decoder. Every value the sink receives is limited to max_value_bytes
 * (DAPI_RESULT_ETOOBIG otherwise), views included, so that the outcome never depends on where the
 * body was cut into chunks. Skipped members are validated but not kept, so they have no limit.
 *
 * Errors are sticky: after the first error every later feed or finish returns it again.
 * dapi_result_get_error() tells what went wrong and at which byte of the document. Events are
 * emitted as soon as their value is read, so those delivered before an error stand: a record may
 * have had row_begin and some fields but no row_end, and the sink must drop such a partial row.
 */
#ifndef REDWIRE_DAPI_RESULT_H
#define REDWIRE_DAPI_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DAPI_RESULT_MUSTCHECK __attribute__((warn_unused_result))

/* Defaults for dapi_result_config; a field left 0 takes its default. */
#define DAPI_RESULT_DEFAULT_MAX_VALUE_BYTES (1u << 20)
#define DAPI_RESULT_DEFAULT_MAX_DEPTH       64u
/* Upper bound accepted for max_depth: the skip stack is a fixed bit set of this many levels. */
#define DAPI_RESULT_DEPTH_LIMIT 1024u

#define DAPI_RESULT_RC_MAP(XX)                                                                     \
  XX(OK, "success")                                                                                \
  XX(ESYNTAX, "malformed JSON")                                                                    \
  XX(ESHAPE, "JSON is not a GetStatementResult response")                                          \
  XX(ETOOBIG, "value larger than max_value_bytes")                                                 \
  XX(EDEPTH, "JSON nested too deeply")                                                             \
  XX(ETRUNCATED, "document ended before its closing brace")                                        \
  XX(ESTOPPED, "decoding stopped by the sink")                                                     \
  XX(ENOMEM, "out of memory")                                                                      \
  XX(EINVAL, "invalid decoder configuration")

typedef enum dapi_result_rc {
#define XX(code, text) DAPI_RESULT_##code,
  DAPI_RESULT_RC_MAP(XX)
#undef XX
} dapi_result_rc;

/* A static English description of rc; never NULL. */
const char *dapi_result_strerror(dapi_result_rc rc);

/* Bytes that are not NUL-terminated. When len is 0, ptr may be NULL. */
typedef struct dapi_result_view {
  const char *ptr; /* borrowed; see "Lifetimes" above */
  size_t len;
} dapi_result_view;

typedef enum dapi_result_kind {
  DAPI_RESULT_NULL = 0,
  DAPI_RESULT_BOOL,
  DAPI_RESULT_LONG,
  DAPI_RESULT_DOUBLE,
  DAPI_RESULT_STRING,
  DAPI_RESULT_BLOB,
} dapi_result_kind;

/* For DAPI_RESULT_DOUBLE: a finite number given as JSON text, or one of the awsJson strings. */
typedef enum dapi_result_special {
  DAPI_RESULT_FINITE = 0,
  DAPI_RESULT_NAN,     /* "NaN" */
  DAPI_RESULT_POS_INF, /* "Infinity" */
  DAPI_RESULT_NEG_INF, /* "-Infinity" */
} dapi_result_special;

/* One Field of a record. */
typedef struct dapi_result_field {
  dapi_result_kind kind;
  dapi_result_special special; /* DOUBLE only; FINITE otherwise */
  bool boolean;                /* BOOL only */
  dapi_result_view text;       /* LONG, DOUBLE (FINITE), STRING, BLOB; empty otherwise */
} dapi_result_field;

/* Bits of dapi_result_column.present: which members the ColumnMetadata entry carried. */
enum {
  DAPI_RESULT_COL_NAME = 1u << 0,
  DAPI_RESULT_COL_LABEL = 1u << 1,
  DAPI_RESULT_COL_TYPE_NAME = 1u << 2,
  DAPI_RESULT_COL_SCHEMA_NAME = 1u << 3,
  DAPI_RESULT_COL_TABLE_NAME = 1u << 4,
  DAPI_RESULT_COL_COLUMN_DEFAULT = 1u << 5,
  DAPI_RESULT_COL_PRECISION = 1u << 6,
  DAPI_RESULT_COL_SCALE = 1u << 7,
  DAPI_RESULT_COL_NULLABLE = 1u << 8,
  DAPI_RESULT_COL_LENGTH = 1u << 9,
  DAPI_RESULT_COL_IS_SIGNED = 1u << 10,
  DAPI_RESULT_COL_IS_CASE_SENSITIVE = 1u << 11,
  DAPI_RESULT_COL_IS_CURRENCY = 1u << 12,
};

/*
 * One ColumnMetadata entry. Absent members are empty views, 0 or false, and their bit in present
 * is clear. Unknown members (real responses sometimes carry "type": 93) are skipped.
 */
typedef struct dapi_result_column {
  uint32_t present; /* DAPI_RESULT_COL_* bits */
  dapi_result_view name;
  dapi_result_view label;
  dapi_result_view type_name; /* "int4", "varchar", "timestamptz", ... */
  dapi_result_view schema_name;
  dapi_result_view table_name;
  dapi_result_view column_default;
  int32_t precision;
  int32_t scale;
  int32_t nullable; /* JDBC style: 0 no nulls, 1 nullable */
  int32_t length;
  bool is_signed;
  bool is_case_sensitive;
  bool is_currency;
} dapi_result_column;

/*
 * The receiver of the events. Any callback may be NULL (event ignored). A callback returns 0 to
 * go on; any other value stops decoding: the feed returns DAPI_RESULT_ESTOPPED and the value is
 * reported as dapi_result_error.sink_code. user is the pointer given in the config. Callbacks run
 * inside dapi_result_feed and must not call the decoder (feed, reset, free) themselves.
 */
typedef struct dapi_result_sink {
  int (*column)(void *user, uint32_t index, const dapi_result_column *col);
  int (*columns_end)(void *user, uint32_t count);
  int (*row_begin)(void *user);
  int (*field)(void *user, uint32_t column, const dapi_result_field *field);
  int (*row_end)(void *user, uint32_t nfields);
  int (*total_rows)(void *user, int64_t total);
  int (*next_token)(void *user, dapi_result_view token);
  int (*end)(void *user);
} dapi_result_sink;

typedef struct dapi_result_config {
  const dapi_result_sink *sink; /* borrowed; must outlive the decoder */
  void *user;                   /* borrowed; passed to every callback */
  /* Largest value handed to the sink: a string after unescaping, a number's text, NextToken,
   * and also one column's metadata strings together; 0 = DAPI_RESULT_DEFAULT_MAX_VALUE_BYTES.
   * Scratch memory grows on demand up to this size. */
  size_t max_value_bytes;
  /* Deepest JSON nesting accepted, counting the document object as 1; 0 = the default. The
   * GetStatementResult shape itself needs 4; deeper levels can only occur in skipped members. */
  unsigned max_depth;
} dapi_result_config;

typedef struct dapi_result_error {
  dapi_result_rc rc;
  uint64_t offset;    /* byte offset in the document (across all chunks) where decoding stopped */
  const char *detail; /* static sentence ("lone surrogate in \\u escape"); "" when rc is OK */
  int sink_code;      /* the sink's non-zero return value for ESTOPPED; 0 otherwise */
} dapi_result_error;

typedef struct dapi_result_dec dapi_result_dec;

/*
 * Creates a decoder ready for one document. On success *out is owned by the caller and freed with
 * dapi_result_free. Fails with EINVAL (no sink, max_depth > DAPI_RESULT_DEPTH_LIMIT or below 4)
 * or ENOMEM; *out is then NULL.
 */
DAPI_RESULT_MUSTCHECK dapi_result_rc dapi_result_new(const dapi_result_config *cfg,
                                                     dapi_result_dec **out);

/* Frees the decoder and its scratch memory. NULL is accepted. */
void dapi_result_free(dapi_result_dec *dec);

/* Makes the decoder ready for a new document (the next page), keeping its scratch memory. */
void dapi_result_reset(dapi_result_dec *dec);

/*
 * Decodes len bytes of the document; the chunk is consumed whole. data is borrowed for the call
 * only. Returns OK, or the first error (sticky). Sink callbacks run inside this call.
 */
DAPI_RESULT_MUSTCHECK dapi_result_rc dapi_result_feed(dapi_result_dec *dec, const void *data,
                                                      size_t len);

/*
 * Declares the end of the body. OK when the document was complete (the end event has been
 * emitted); ETRUNCATED when it was not; otherwise the sticky error.
 */
DAPI_RESULT_MUSTCHECK dapi_result_rc dapi_result_finish(dapi_result_dec *dec);

/* The current status; rc OK and offset = bytes consumed so far while there is no error. */
void dapi_result_get_error(const dapi_result_dec *dec, dapi_result_error *out);

#endif
