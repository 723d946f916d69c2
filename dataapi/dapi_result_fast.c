/*
 * dapi_result_fast.c — the fast path of the GetStatementResult decoder: whole records in the
 * compact layout the Data API sends,
 *
 *   [{"longValue":42},{"stringValue":"abc"},{"isNull":true},{"doubleValue":1.5}],[...
 *
 * Why a special path. Issue 6 asks for >= 4 M rows/s from JSON page to DataRow bytes on one core
 * for a 4-column shape (int4, 32-char text, float8, timestamptz), about 600 MB/s of JSON, and the
 * DataRow encoding needs most of that budget, so the decoder alone should do >= 10 M rows/s.
 * bench/bench_decode on the dev machine (AMD EPYC, 16 KiB chunks, counting sink, CPU time):
 *   cJSON parsing the page into a tree and walking it         ~2.0 M rows/s   ~300 MB/s
 *   the general path alone (dapi_result.c, one state step
 *   per token; page with a space after each Field's '{')      ~7 M rows/s    ~1.1 GB/s
 *   with this fast path                                       ~30 M rows/s   ~4.5 GB/s
 * What the general path still spends is per-token dispatch, so this path recognises a whole
 * Field at once: two 8-byte compares for `{"stringValue":"`, a 16-byte SIMD scan to the closing
 * quote, a digit loop for numbers, two compares for `{"isNull":true}`. Records are walked with
 * `[`, `,`, `]` checks and no state-machine dispatch, and nothing is copied.
 *
 * Correctness does not depend on this file. It only takes a Field when the whole Field is in the
 * chunk and exactly in the expected form (no whitespace, no escapes, valid UTF-8, an integer that
 * fits int64, ...); at anything else it stops before the Field and the general path, which
 * accepts every valid input and reports every error, goes on from the same position. Both emit
 * the same events, so the event sequence does not depend on where chunks are cut (the tests feed
 * every page split at every offset to check exactly that).
 */
#include "dapi_result_int.h"

/* The key prefixes, including the opening brace and, for strings, the opening quote. */
#define P_STRING  "{\"stringValue\":\""
#define P_LONG    "{\"longValue\":"
#define P_DOUBLE  "{\"doubleValue\":"
#define P_NULL    "{\"isNull\":true}"
#define P_BOOLEAN "{\"booleanValue\":"
#define P_BLOB    "{\"blobValue\":\""
#define LEN(s)    (sizeof(s) - 1)

static inline bool has(const uint8_t *p, const uint8_t *end, size_t n) {
  return (size_t)(end - p) >= n;
}

static inline uint64_t load8(const void *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

/*
 * p[0..n) == lit[0..n) for a literal of 8 to 16 bytes, with two (possibly overlapping) 8-byte
 * loads; the literal's words fold to constants. libc's memcmp is not inlined for these lengths
 * and cost 6% of the decoding time as a call.
 */
static inline bool prefix_is(const uint8_t *p, const char *lit, size_t n) {
  return load8(p) == load8(lit) && load8(p + n - 8) == load8(lit + n - 8);
}

static inline const uint8_t *digits(const uint8_t *p, const uint8_t *end) {
  while (p < end && dapi_json_is_digit(*p))
    p++;
  return p;
}

/* A string body up to its closing quote, plain or valid UTF-8; NULL if not that simple. */
static inline const uint8_t *plain_string(const uint8_t *p, const uint8_t *end) {
  for (;;) {
    p = dapi_json_scan_plain(p, end);
    if (p == end)
      return NULL;
    if (*p == '"')
      return p;
    if (*p < 0x80)
      return NULL; /* an escape or a control byte */
    int n = dapi_json_utf8_seq(p, end);
    if (n <= 0)
      return NULL;
    p += n;
  }
}

/* A JSON integer that fits int64, then '}'. */
static inline const uint8_t *long_value(const uint8_t *p, const uint8_t *end) {
  const uint8_t *s = p;
  p += p < end && *p == '-';
  const uint8_t *d = p;
  p = digits(p, end);
  size_t nd = (size_t)(p - d);
  if (nd == 0 || p == end || *p != '}' || (nd > 1 && *d == '0'))
    return NULL;
  int64_t v;
  if (nd >= 19 && !dapi_json_int64(s, (size_t)(p - s), &v))
    return NULL;
  return p;
}

/* A JSON number, then '}'. */
static inline const uint8_t *double_value(const uint8_t *p, const uint8_t *end) {
  p += p < end && *p == '-';
  if (p == end || !dapi_json_is_digit(*p))
    return NULL;
  p = *p == '0' ? p + 1 : digits(p, end);
  if (p < end && *p == '.') {
    const uint8_t *f = ++p;
    if ((p = digits(p, end)) == f)
      return NULL;
  }
  if (p < end && (*p | 0x20) == 'e') {
    p++;
    p += p < end && (*p == '+' || *p == '-');
    const uint8_t *e = p;
    if ((p = digits(p, end)) == e)
      return NULL;
  }
  if (p == end || *p != '}')
    return NULL;
  return p;
}

/*
 * One whole Field at p. On success fills *f, sets *value_end to the byte after the value (where
 * the general path would emit the event) and returns the byte after the Field's '}'.
 */
static inline const uint8_t *field(const uint8_t *p, const uint8_t *end, dapi_result_field *f,
                                   const uint8_t **value_end) {
  if (!has(p, end, LEN(P_NULL)) || p[0] != '{' || p[1] != '"')
    return NULL;
  const uint8_t *v;
  const uint8_t *e;
  f->special = DAPI_RESULT_FINITE;
  f->boolean = false;
  switch (p[2]) {
  case 's':
    if (!has(p, end, LEN(P_STRING)) || !prefix_is(p, P_STRING, LEN(P_STRING)))
      return NULL;
    v = p + LEN(P_STRING);
    if ((e = plain_string(v, end)) == NULL)
      return NULL;
    f->kind = DAPI_RESULT_STRING;
    goto string_end;
  case 'l':
    if (!has(p, end, LEN(P_LONG)) || !prefix_is(p, P_LONG, LEN(P_LONG)))
      return NULL;
    v = p + LEN(P_LONG);
    if ((e = long_value(v, end)) == NULL)
      return NULL;
    f->kind = DAPI_RESULT_LONG;
    goto number_end;
  case 'i':
    if (!prefix_is(p, P_NULL, LEN(P_NULL)))
      return NULL;
    f->kind = DAPI_RESULT_NULL;
    f->text.ptr = NULL;
    f->text.len = 0;
    *value_end = p + LEN(P_NULL) - 1;
    return p + LEN(P_NULL);
  case 'd':
    if (!has(p, end, LEN(P_DOUBLE)) || !prefix_is(p, P_DOUBLE, LEN(P_DOUBLE)))
      return NULL;
    v = p + LEN(P_DOUBLE);
    if ((e = double_value(v, end)) == NULL)
      return NULL;
    f->kind = DAPI_RESULT_DOUBLE;
    goto number_end;
  case 'b':
    if (has(p, end, LEN(P_BOOLEAN) + 6) && prefix_is(p, P_BOOLEAN, LEN(P_BOOLEAN))) {
      v = p + LEN(P_BOOLEAN);
      f->kind = DAPI_RESULT_BOOL;
      f->text.ptr = NULL;
      f->text.len = 0;
      if (v[0] == 't' && v[1] == 'r' && v[2] == 'u' && v[3] == 'e' && v[4] == '}') {
        f->boolean = true;
        *value_end = v + 4;
        return v + 5;
      }
      if (v[0] == 'f' && v[1] == 'a' && v[2] == 'l' && v[3] == 's' && v[4] == 'e' && v[5] == '}') {
        *value_end = v + 5;
        return v + 6;
      }
      return NULL;
    }
    if (!has(p, end, LEN(P_BLOB)) || !prefix_is(p, P_BLOB, LEN(P_BLOB)))
      return NULL;
    v = p + LEN(P_BLOB);
    if ((e = plain_string(v, end)) == NULL)
      return NULL;
    f->kind = DAPI_RESULT_BLOB;
    goto string_end;
  default:
    return NULL;
  }
string_end:
  /* e is the closing quote */
  if (end - e < 2 || e[1] != '}')
    return NULL;
  f->text.ptr = (const char *)v;
  f->text.len = (size_t)(e - v);
  *value_end = e + 1;
  return e + 2;
number_end:
  /* e is the '}' */
  f->text.ptr = (const char *)v;
  f->text.len = (size_t)(e - v);
  *value_end = e;
  return e + 1;
}

const uint8_t *dapi_result__fast(dapi_result_dec *dec, const uint8_t *p, const uint8_t *end) {
  const dapi_result_sink *sink = dec->sink;
  void *user = dec->user;
  uint8_t level = dec->level;
  uint8_t phase = dec->phase;
  uint32_t nfields = dec->nfields;
  const uint8_t *at = p; /* where a sink stop is reported */
  int rc = 0;

  for (;;) {
    if (level == DAPI_LV_RECS) {
      if (phase == DAPI_PH_ARR_NEXT) {
        if (p == end || *p != ',')
          break;
        p++;
        phase = DAPI_PH_ARR_VALUE;
      }
      if (p == end || *p != '[')
        break;
      at = ++p;
      level = DAPI_LV_ROW;
      phase = DAPI_PH_ARR_FIRST;
      nfields = 0;
      if (sink->row_begin != NULL && (rc = sink->row_begin(user)) != 0)
        goto stopped;
    }
    /* In a record. */
    if (phase == DAPI_PH_ARR_NEXT) {
      if (p == end)
        break;
      if (*p == ']') {
        at = ++p;
        level = DAPI_LV_RECS;
        if (sink->row_end != NULL && (rc = sink->row_end(user, nfields)) != 0)
          goto stopped;
        continue;
      }
      if (*p != ',')
        break;
      p++;
      phase = DAPI_PH_ARR_VALUE;
    }
    dapi_result_field f;
    const uint8_t *next = field(p, end, &f, &at);
    if (next == NULL || f.text.len > dec->max_value)
      break;
    p = next;
    phase = DAPI_PH_ARR_NEXT;
    uint32_t column = nfields++;
    if (sink->field != NULL && (rc = sink->field(user, column, &f)) != 0)
      goto stopped;
  }
  dec->level = level;
  dec->phase = phase;
  dec->nfields = nfields;
  return p;

stopped:
  dec->level = level;
  dec->phase = phase;
  dec->nfields = nfields;
  dec->sink_code = rc;
  return dapi_result__fail(dec, DAPI_RESULT_ESTOPPED, at, "a sink callback returned non-zero");
}
