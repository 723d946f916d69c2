/*
 * dapi_result_int.h — the decoder's state, shared by its two halves:
 *   dapi_result.c       the general path: a resumable byte-level state machine that accepts any
 *                       valid JSON, whitespace, escapes, member order, values split anywhere;
 *   dapi_result_fast.c  the fast path: whole records in the compact layout the Data API sends.
 * Internal to dataapi/; cross-file symbols use the dapi_result__ prefix.
 *
 * Position in the document is (level, phase). The GetStatementResult shape has a fixed depth, so
 * each known container has its own level and the parent of every level is implied; only the
 * members being skipped need a stack (one bit per open container: object or array).
 */
#ifndef REDWIRE_DAPI_RESULT_INT_H
#define REDWIRE_DAPI_RESULT_INT_H

#include "dapi_json.h"
#include "dapi_result.h"

typedef enum dapi_result__level {
  DAPI_LV_DOC = 0, /* before the document's '{' */
  DAPI_LV_TOP,     /* in the document object (depth 1) */
  DAPI_LV_COLS,    /* in the ColumnMetadata array (depth 2) */
  DAPI_LV_COL,     /* in one ColumnMetadata object (depth 3) */
  DAPI_LV_RECS,    /* in the Records array (depth 2) */
  DAPI_LV_ROW,     /* in one record, an array of Field (depth 3) */
  DAPI_LV_FIELD,   /* in one Field object (depth 4) */
  DAPI_LV_SKIP,    /* in the containers of a skipped member value */
  DAPI_LV_DONE,    /* after the document's '}': only whitespace may follow */
} dapi_result__level;

typedef enum dapi_result__phase {
  DAPI_PH_OBJ_FIRST = 0, /* after '{': a member name or '}' */
  DAPI_PH_OBJ_KEY,       /* after ',': a member name */
  DAPI_PH_OBJ_COLON,     /* after a member name: ':' */
  DAPI_PH_OBJ_VALUE,     /* after ':': the member's value */
  DAPI_PH_OBJ_NEXT,      /* after a member's value: ',' or '}' */
  DAPI_PH_ARR_FIRST,     /* after '[': a value or ']' */
  DAPI_PH_ARR_VALUE,     /* after ',': a value */
  DAPI_PH_ARR_NEXT,      /* after a value: ',' or ']' */
} dapi_result__phase;

/* The token being read when a chunk ended inside it. */
typedef enum dapi_result__tok {
  DAPI_TOK_NONE = 0,
  DAPI_TOK_STRING,
  DAPI_TOK_NUMBER,
  DAPI_TOK_LITERAL, /* true, false, null */
} dapi_result__tok;

/* Where a string token's unescaped bytes go. */
typedef enum dapi_result__str_mode {
  DAPI_STR_STORE = 0, /* a value: view into the chunk, or scratch when split or escaped */
  DAPI_STR_SMALL,     /* a member name or a doubleValue special: the fixed `small` buffer */
  DAPI_STR_DISCARD,   /* a skipped value: validated, not kept */
} dapi_result__str_mode;

/* Bytes kept of a member name or doubleValue string: every known one is shorter, so a longer
 * string, cut to this length, matches none of them. */
#define DAPI_RESULT_SMALL_MAX 32

/* ColumnMetadata's string members, in the order of dapi_result_column's views. */
#define DAPI_RESULT_COL_NSTR 6

struct dapi_result_dec {
  const dapi_result_sink *sink; /* borrowed from the config */
  void *user;                   /* borrowed from the config */
  size_t max_value;             /* scratch and column-buffer cap */
  unsigned max_depth;

  /* Sticky status. */
  dapi_result_rc rc;
  const char *detail; /* static string */
  int sink_code;
  uint64_t err_offset;

  /* The chunk being fed: valid only inside dapi_result_feed. */
  const uint8_t *chunk; /* borrowed */
  uint64_t base;        /* document offset of chunk[0] */

  /* Position. */
  uint8_t level;     /* dapi_result__level */
  uint8_t phase;     /* dapi_result__phase */
  uint8_t member;    /* which member of the current object the pending value belongs to */
  uint8_t skip_ret;  /* level to go back to once the skipped value ends (TOP or COL) */
  uint32_t top_seen; /* known top-level members already read (duplicates are rejected) */
  uint32_t col_seen; /* the same for the current ColumnMetadata entry */
  uint32_t ncols;    /* column events emitted */
  uint32_t nfields;  /* Fields read in the current record */
  unsigned skip_depth;
  uint64_t skip_is_obj[DAPI_RESULT_DEPTH_LIMIT / 64]; /* bit d: container d+1 of the skip is {} */

  /* Token in progress. A STORE value stays a view of the chunk until an escape or the end of
   * the chunk interrupts it; from then on (in_scratch) its bytes are assembled in scratch. */
  uint8_t tok;      /* dapi_result__tok */
  uint8_t tok_key;  /* the string is a member name */
  uint8_t str_mode; /* dapi_result__str_mode; numbers use STORE or DISCARD */
  bool in_scratch;
  bool value_over;       /* the value outgrew max_value: ETOOBIG once the token ends */
  uint64_t tok_offset;   /* document offset of the token's first byte, for value errors */
  uint8_t esc;           /* escape sub-state, see dapi_result.c */
  uint8_t nhex;          /* hex digits of \uXXXX read so far */
  uint16_t ucode;        /* code unit being read */
  uint16_t hi_surrogate; /* pending high surrogate, 0 if none */
  dapi_json_utf8 utf8;   /* partial UTF-8 sequence */
  uint8_t num_state;     /* dapi_json_num_state */
  uint8_t lit;           /* which literal */
  uint8_t lit_pos;       /* bytes of it matched */

  /* Buffers. */
  uint8_t *scratch; /* owned; capacity grows to max_value */
  size_t scratch_len;
  size_t scratch_cap;
  uint8_t *colbuf; /* owned; the current column's string members, grows to max_value */
  size_t colbuf_len;
  size_t colbuf_cap;
  uint8_t small[DAPI_RESULT_SMALL_MAX];
  uint8_t small_len;

  dapi_result_column col;                   /* being read; string views filled at '}' */
  size_t col_str_off[DAPI_RESULT_COL_NSTR]; /* offsets into colbuf */
  size_t col_str_len[DAPI_RESULT_COL_NSTR];
};

/* Marks the decoder failed at p (a position in the current chunk). Returns NULL for chaining. */
const uint8_t *dapi_result__fail(dapi_result_dec *dec, dapi_result_rc rc, const uint8_t *p,
                                 const char *detail);

/*
 * The fast path. Called with no token in progress and level RECS or ROW; decodes whole records
 * and Fields in the compact layout for as long as the chunk allows, updating the position exactly
 * as the general path would have. Returns where it stopped (the general path goes on from there),
 * or NULL when a sink callback stopped decoding. It never reports a malformed input itself: at
 * anything unusual it returns and lets the general path decide.
 */
const uint8_t *dapi_result__fast(dapi_result_dec *dec, const uint8_t *p, const uint8_t *end);

#endif
