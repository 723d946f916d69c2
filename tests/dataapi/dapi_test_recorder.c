/*
 * dapi_test_recorder.c — see dapi_test_recorder.h.
 *
 * Test support code: an allocation failure aborts, since a test cannot go on without its log.
 */
#include "dapi_test_recorder.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct recorder {
  char *log; /* owned */
  size_t len;
  size_t cap;
  unsigned nevents;
  unsigned stop_at;
  int stop_code;
  const uint8_t *chunk; /* borrowed: the chunk being fed */
  size_t chunk_len;
  unsigned text_views;
  unsigned text_views_in_chunk;
} recorder;

static void put(recorder *r, const char *s, size_t n) {
  if (r->len + n + 1 > r->cap) {
    size_t cap = r->cap ? r->cap : 256;
    while (cap < r->len + n + 1)
      cap *= 2;
    char *nl = realloc(r->log, cap);
    if (nl == NULL)
      abort();
    r->log = nl;
    r->cap = cap;
  }
  memcpy(r->log + r->len, s, n);
  r->len += n;
  r->log[r->len] = '\0';
}

__attribute__((format(printf, 2, 3))) static void putf(recorder *r, const char *fmt, ...) {
  char buf[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof buf)
    abort();
  put(r, buf, (size_t)n);
}

static void put_bytes(recorder *r, dapi_result_view v) {
  for (size_t i = 0; i < v.len; i++) {
    uint8_t c = (uint8_t)v.ptr[i];
    if (c >= 0x20 && c < 0x7f && c != '\\')
      put(r, (const char *)&c, 1);
    else
      putf(r, "\\x%02x", c);
  }
}

static void note_view(recorder *r, dapi_result_view v) {
  if (v.len == 0)
    return;
  r->text_views++;
  const uint8_t *p = (const uint8_t *)v.ptr;
  /* Compare as integers: relational operators on unrelated pointers are undefined. */
  uintptr_t a = (uintptr_t)p;
  uintptr_t lo = (uintptr_t)r->chunk;
  if (a >= lo && a - lo < r->chunk_len && v.len <= r->chunk_len - (a - lo))
    r->text_views_in_chunk++;
}

/* Counts the event; true when this one must stop decoding. */
static bool event(recorder *r) {
  r->nevents++;
  return r->stop_at != 0 && r->nevents == r->stop_at;
}

#define DONE(r) return event(r) ? (r)->stop_code : 0

static int on_column(void *user, uint32_t index, const dapi_result_column *c) {
  recorder *r = user;
  putf(r, "C%" PRIu32, index);
  static const struct {
    uint32_t bit;
    const char *label;
    size_t off;
  } strs[] = {
      {DAPI_RESULT_COL_NAME, "name", offsetof(dapi_result_column, name)},
      {DAPI_RESULT_COL_LABEL, "label", offsetof(dapi_result_column, label)},
      {DAPI_RESULT_COL_TYPE_NAME, "type", offsetof(dapi_result_column, type_name)},
      {DAPI_RESULT_COL_SCHEMA_NAME, "schema", offsetof(dapi_result_column, schema_name)},
      {DAPI_RESULT_COL_TABLE_NAME, "table", offsetof(dapi_result_column, table_name)},
      {DAPI_RESULT_COL_COLUMN_DEFAULT, "default", offsetof(dapi_result_column, column_default)},
  };
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
    if (!(c->present & strs[i].bit))
      continue;
    putf(r, " %s=", strs[i].label);
    put_bytes(r, *(const dapi_result_view *)(const void *)((const char *)c + strs[i].off));
  }
  if (c->present & DAPI_RESULT_COL_PRECISION)
    putf(r, " precision=%" PRId32, c->precision);
  if (c->present & DAPI_RESULT_COL_SCALE)
    putf(r, " scale=%" PRId32, c->scale);
  if (c->present & DAPI_RESULT_COL_NULLABLE)
    putf(r, " nullable=%" PRId32, c->nullable);
  if (c->present & DAPI_RESULT_COL_LENGTH)
    putf(r, " length=%" PRId32, c->length);
  if (c->present & DAPI_RESULT_COL_IS_SIGNED)
    putf(r, " signed=%d", c->is_signed);
  if (c->present & DAPI_RESULT_COL_IS_CASE_SENSITIVE)
    putf(r, " casesensitive=%d", c->is_case_sensitive);
  if (c->present & DAPI_RESULT_COL_IS_CURRENCY)
    putf(r, " currency=%d", c->is_currency);
  put(r, "\n", 1);
  DONE(r);
}

static int on_columns_end(void *user, uint32_t count) {
  recorder *r = user;
  putf(r, "CE%" PRIu32 "\n", count);
  DONE(r);
}

static int on_row_begin(void *user) {
  recorder *r = user;
  put(r, "RB\n", 3);
  DONE(r);
}

static int on_field(void *user, uint32_t column, const dapi_result_field *f) {
  recorder *r = user;
  putf(r, "F%" PRIu32 " ", column);
  switch (f->kind) {
  case DAPI_RESULT_NULL:
    put(r, "NULL", 4);
    break;
  case DAPI_RESULT_BOOL:
    put(r, f->boolean ? "BOOL=t" : "BOOL=f", 6);
    break;
  case DAPI_RESULT_LONG:
    put(r, "LONG=", 5);
    put_bytes(r, f->text);
    note_view(r, f->text);
    break;
  case DAPI_RESULT_DOUBLE:
    put(r, "DOUBLE=", 7);
    switch (f->special) {
    case DAPI_RESULT_NAN:
      put(r, "NaN", 3);
      break;
    case DAPI_RESULT_POS_INF:
      put(r, "+Inf", 4);
      break;
    case DAPI_RESULT_NEG_INF:
      put(r, "-Inf", 4);
      break;
    default:
      put_bytes(r, f->text);
      note_view(r, f->text);
      break;
    }
    break;
  case DAPI_RESULT_STRING:
    put(r, "STRING=", 7);
    put_bytes(r, f->text);
    note_view(r, f->text);
    break;
  case DAPI_RESULT_BLOB:
    put(r, "BLOB=", 5);
    put_bytes(r, f->text);
    note_view(r, f->text);
    break;
  }
  put(r, "\n", 1);
  DONE(r);
}

static int on_row_end(void *user, uint32_t nfields) {
  recorder *r = user;
  putf(r, "RE%" PRIu32 "\n", nfields);
  DONE(r);
}

static int on_total_rows(void *user, int64_t total) {
  recorder *r = user;
  putf(r, "T%" PRId64 "\n", total);
  DONE(r);
}

static int on_next_token(void *user, dapi_result_view token) {
  recorder *r = user;
  put(r, "N=", 2);
  put_bytes(r, token);
  put(r, "\n", 1);
  DONE(r);
}

static int on_end(void *user) {
  recorder *r = user;
  put(r, "E\n", 2);
  DONE(r);
}

static const dapi_result_sink recorder_sink = {
    .column = on_column,
    .columns_end = on_columns_end,
    .row_begin = on_row_begin,
    .field = on_field,
    .row_end = on_row_end,
    .total_rows = on_total_rows,
    .next_token = on_next_token,
    .end = on_end,
};

void dapi_test_decode(const uint8_t *doc, size_t len, const size_t *cuts, size_t ncuts,
                      const dapi_test_opts *opts, dapi_test_outcome *out) {
  static const dapi_test_opts no_opts;
  if (opts == NULL)
    opts = &no_opts;
  recorder r = {.stop_at = opts->stop_at_event, .stop_code = opts->stop_code};
  put(&r, "", 0);
  dapi_result_config cfg = {
      .sink = &recorder_sink,
      .user = &r,
      .max_value_bytes = opts->max_value_bytes,
      .max_depth = opts->max_depth,
  };
  dapi_result_dec *dec;
  if (dapi_result_new(&cfg, &dec) != DAPI_RESULT_OK)
    abort();

  dapi_result_rc first_error = DAPI_RESULT_OK;
  size_t from = 0;
  for (size_t i = 0; i <= ncuts; i++) {
    size_t to = i < ncuts ? cuts[i] : len;
    if (to < from || to > len)
      abort();
    /* An exact-size heap copy (at least 1 byte, so malloc never returns a shared pointer). */
    uint8_t *chunk = malloc(to - from + 1);
    if (chunk == NULL)
      abort();
    memcpy(chunk, doc + from, to - from);
    r.chunk = chunk;
    r.chunk_len = to - from;
    dapi_result_rc rc = dapi_result_feed(dec, chunk, to - from);
    r.chunk = NULL;
    free(chunk);
    if (first_error != DAPI_RESULT_OK && rc != first_error)
      abort(); /* errors must be sticky */
    if (first_error == DAPI_RESULT_OK)
      first_error = rc;
    from = to;
  }
  dapi_result_rc rc = dapi_result_finish(dec);
  if (first_error != DAPI_RESULT_OK && rc != first_error)
    abort();
  dapi_result_get_error(dec, &out->err);
  dapi_result_free(dec);
  out->events = r.log;
  out->nevents = r.nevents;
  out->text_views = r.text_views;
  out->text_views_in_chunk = r.text_views_in_chunk;
}

void dapi_test_outcome_free(dapi_test_outcome *out) {
  free(out->events);
  out->events = NULL;
}
