/* px_sink.c — decoder events → RowDescription / DataRow. */
#include "px_sink.h"

#include "px_binary.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Non-zero callback results: the decoder stops and reports ESTOPPED. */
#define STOP 1

/* Records the first failure; message is the client-facing primary message. */
static int fail(px_sink *s, const char *sqlstate, const char *message) {
  if (!s->failed) {
    s->failed = true;
    pgw_error_set(&s->err, "ERROR", sqlstate, "%s", message);
  }
  return STOP;
}

#define MALFORMED "malformed GetStatementResult response from the Data API: "

static int fail_out(px_sink *s) {
  pgw_rc rc = pgw_wr_status(&s->w);
  if (rc == PGW_ETOOBIG) {
    return fail(s, "54000",
                "result row too large: it does not fit in the client output buffer "
                "(max_message_size and client_output_high_water bound it)");
  }
  if (rc == PGW_ENOMEM) {
    return fail(s, "53200", "out of memory while encoding a result row");
  }
  return fail(s, "XX000", "could not encode a result row");
}

static int on_column(void *user, uint32_t index, const dapi_result_column *col) {
  px_sink *s = user;
  s->page_columns = true;
  s->page_ncols = index + 1;
  if (s->described) {
    /* Later pages (and a retried page) repeat the metadata: it must be what RowDescription
     * said (the count is checked at columns_end). */
    if (index >= s->ncols) {
      return 0;
    }
    dapi_result_view name = px_types_column_name(col);
    px_coltype t = px_types_from_column(col);
    const px_column *was = &s->cols[index];
    if (t.oid != was->type.oid || t.typmod != was->type.typmod || strlen(was->name) != name.len ||
        memcmp(was->name, name.ptr, name.len) != 0) {
      return fail(s, "XX000", MALFORMED "a later page describes the result columns differently");
    }
    return 0;
  }
  if (index != s->ncols) {
    return fail(s, "XX000", MALFORMED "ColumnMetadata entries out of order");
  }
  if (index >= PX_SINK_MAX_COLUMNS) {
    return fail(s, "54011", "result has too many columns (at most 65535 are possible)");
  }
  if (s->ncols == s->cap_cols) {
    uint32_t cap = s->cap_cols == 0 ? 16 : s->cap_cols * 2;
    px_column *cols = realloc(s->cols, cap * sizeof(*cols));
    if (cols == NULL) {
      return fail(s, "53200", "out of memory while reading result columns");
    }
    s->cols = cols;
    size_t *offs = realloc(s->name_off, cap * sizeof(*offs));
    if (offs == NULL) {
      return fail(s, "53200", "out of memory while reading result columns");
    }
    s->name_off = offs;
    s->cap_cols = cap;
  }
  dapi_result_view name = px_types_column_name(col);
  size_t need = s->names_len + name.len + 1;
  if (need > s->names_cap) {
    size_t cap = s->names_cap == 0 ? 256 : s->names_cap;
    while (cap < need) {
      cap *= 2;
    }
    char *names = realloc(s->names, cap);
    if (names == NULL) {
      return fail(s, "53200", "out of memory while reading result columns");
    }
    s->names = names;
    s->names_cap = cap;
  }
  if (memchr(name.ptr, '\0', name.len) != NULL) {
    return fail(s, "XX000", MALFORMED "a column name contains a NUL character");
  }
  if (name.len > 0) {
    memcpy(s->names + s->names_len, name.ptr, name.len);
  }
  s->name_off[s->ncols] = s->names_len;
  s->names_len += name.len;
  s->names[s->names_len++] = '\0';
  s->cols[s->ncols].name = NULL; /* fixed at columns_end: names may still move */
  s->cols[s->ncols].type = px_types_from_column(col);
  s->ncols++;
  return 0;
}

static int describe(px_sink *s) {
  for (uint32_t i = 0; i < s->ncols; i++) {
    s->cols[i].name = s->names + s->name_off[i];
  }
  if (!px_text_format_count_ok(s->ncodes, s->ncols, &s->err)) {
    s->failed = true;
    return STOP;
  }
  for (uint32_t i = 0; i < s->ncols && s->ncodes > 0; i++) {
    if (s->binary == NULL) {
      s->binary = calloc(s->ncols, sizeof(*s->binary));
      if (s->binary == NULL) {
        return fail(s, "53200", "out of memory while reading result columns");
      }
    }
    s->binary[i] = px_text_format_code(s->codes, s->ncodes, i) == 1;
    if (s->binary[i] && !px_binary_supported(&s->cols[i].type)) {
      s->failed = true;
      pgw_error_set(&s->err, "ERROR", "0A000",
                    "binary format is not supported for column \"%s\" of type %s", s->cols[i].name,
                    px_types_oid_name(s->cols[i].type.oid));
      pgw_error_hint(&s->err, "Ask for this column in text format.");
      return STOP;
    }
  }
  if (s->send_rowdesc) {
    pgw_wr_init(&s->w, s->out);
    px_text_row_description(&s->w, s->cols, (uint16_t)s->ncols, s->codes, s->ncodes);
    if (pgw_wr_status(&s->w) != PGW_OK) {
      return fail_out(s);
    }
  }
  s->described = true;
  return 0;
}

static int on_columns_end(void *user, uint32_t count) {
  px_sink *s = user;
  if (s->described) {
    if (count != s->ncols) {
      return fail(s, "XX000", MALFORMED "a later page lists a different number of columns");
    }
    return 0;
  }
  return describe(s);
}

/* The held rows reached their cap: the writer dropped the partial row; this row and the rest
 * of the page are skipped (the portal fetches them again after the held ones). */
static void held_overflow(px_sink *s) {
  s->held_full = true;
  s->row_to_held = false;
  s->row_open = false;
  s->row_held = true;
}

static int on_row_begin(void *user) {
  px_sink *s = user;
  if (!s->described) {
    /* Types unknown yet: skip this page's rows now, decode the kept bytes again at its end. */
    s->skip_rows = true;
  }
  if (s->skip_rows) {
    return 0;
  }
  if (s->resend_skip > 0) {
    s->row_skipped = true; /* sent before the page was retried or the portal suspended */
    return 0;
  }
  if (s->rows >= s->limit_at) {
    s->over_limit = true; /* Execute's max_rows reached: the portal resumes here */
    if (pgw_buf_max(&s->held) > 0 && !s->held_full) {
      /* Encoded now for the portal's next Execute: no second fetch of this page. */
      pgw_wr_init(&s->w, &s->held);
      pgw_enc_datarow_begin(&s->row, &s->w, (uint16_t)s->ncols);
      if (pgw_wr_status(&s->w) == PGW_OK) {
        s->row_open = true;
        s->row_to_held = true;
        return 0;
      }
    }
    s->held_full = true; /* this row is dropped: it has to be fetched again */
    s->row_held = true;
    return 0;
  }
  pgw_wr_init(&s->w, s->out);
  pgw_enc_datarow_begin(&s->row, &s->w, (uint16_t)s->ncols);
  s->row_open = true;
  return pgw_wr_status(&s->w) == PGW_OK ? 0 : fail_out(s);
}

/* PostgreSQL's float output with extra_float_digits <= 0 (float8out/float4out): "%.*g" with
 * DBL_DIG (15) or FLT_DIG (6) plus extra_float_digits significant digits, the float4 value first
 * rounded to single precision. Only for finite doubleValue fields; NaN and infinities print the
 * same at every setting and go through px_text_field. */
static px_text_rc float_rounded(px_sink *s, const px_coltype *t, const dapi_result_field *f) {
  char num[64], out[64];
  if (f->text.len == 0 || f->text.len >= sizeof num) {
    return px_text_field(&s->row, t, f);
  }
  memcpy(num, f->text.ptr, f->text.len);
  num[f->text.len] = '\0';
  char *end = NULL;
  double v = strtod(num, &end);
  if (end != num + f->text.len) {
    return px_text_field(&s->row, t, f); /* let the lenient parser judge it */
  }
  int digits = (t->kind == PX_TEXT_FLOAT4 ? FLT_DIG : DBL_DIG) + s->float_digits;
  if (digits < 1) {
    digits = 1;
  }
  int n = t->kind == PX_TEXT_FLOAT4 ? snprintf(out, sizeof out, "%.*g", digits, (double)(float)v)
                                    : snprintf(out, sizeof out, "%.*g", digits, v);
  if (n <= 0 || (size_t)n >= sizeof out) {
    return PX_TEXT_EINVAL;
  }
  pgw_enc_datarow_field(&s->row, out, (size_t)n);
  return PX_TEXT_OK;
}

static int on_field(void *user, uint32_t column, const dapi_result_field *f) {
  px_sink *s = user;
  if (s->skip_rows) {
    return 0;
  }
  if (column >= s->ncols) {
    return fail(s, "XX000", MALFORMED "a record has more fields than there are columns");
  }
  if (s->row_skipped || s->row_held) {
    return 0;
  }
  const px_coltype *t = &s->cols[column].type;
  bool binary = s->binary != NULL && s->binary[column];
  px_text_rc rc;
  if (!binary && s->float_digits <= 0 && (t->kind == PX_TEXT_FLOAT8 || t->kind == PX_TEXT_FLOAT4) &&
      f->kind == DAPI_RESULT_DOUBLE && f->special == DAPI_RESULT_FINITE) {
    rc = float_rounded(s, t, f);
  } else {
    rc = binary ? px_binary_field(&s->row, t, f) : px_text_field(&s->row, t, f);
  }
  if (rc != PX_TEXT_OK) {
    /* The row lacks this field and can never be completed: take it out of the output now, so
     * that only whole messages precede the ErrorResponse whatever the decoder does next. */
    px_sink_abandon(s);
    if (!s->failed) {
      s->failed = true;
      /* The service's data is at fault, not the client's: 22P03 for undecodable binary
       * (base64), XX000 otherwise. */
      pgw_error_set(&s->err, "ERROR", t->kind == PX_TEXT_BYTEA ? "22P03" : "XX000",
                    "the Data API sent a value that is not valid for column \"%s\" of type %s",
                    s->cols[column].name, px_types_oid_name(t->oid));
      pgw_error_detail(&s->err,
                       "Result row %llu, column %u; redwire cannot convert it to "
                       "PostgreSQL's %s format.",
                       (unsigned long long)s->rows + 1, (unsigned)column + 1,
                       s->binary != NULL && s->binary[column] ? "binary" : "text");
    }
    return STOP;
  }
  if (pgw_wr_status(&s->w) != PGW_OK && s->row_to_held) {
    held_overflow(s);
    return 0;
  }
  return pgw_wr_status(&s->w) == PGW_OK ? 0 : fail_out(s);
}

static int on_row_end(void *user, uint32_t nfields) {
  px_sink *s = user;
  if (s->skip_rows) {
    return 0;
  }
  if (nfields != s->ncols) {
    return fail(s, "XX000", MALFORMED "a record has fewer fields than there are columns");
  }
  if (s->row_skipped) {
    s->row_skipped = false;
    s->resend_skip--;
    return 0;
  }
  if (s->row_held) {
    s->row_held = false;
    return 0;
  }
  pgw_enc_datarow_end(&s->row);
  if (pgw_wr_status(&s->w) != PGW_OK && s->row_to_held) {
    held_overflow(s);
    s->row_held = false; /* the row ends here */
    return 0;
  }
  if (pgw_wr_status(&s->w) != PGW_OK) {
    return fail_out(s);
  }
  s->row_open = false;
  if (s->row_to_held) {
    s->row_to_held = false;
    s->held_rows++;
    return 0;
  }
  s->rows++;
  s->page_sent++;
  return 0;
}

static int on_next_token(void *user, dapi_result_view token) {
  px_sink *s = user;
  free(s->next_token);
  s->next_token = NULL;
  if (token.len == 0) {
    return 0;
  }
  if (memchr(token.ptr, '\0', token.len) != NULL) {
    return fail(s, "XX000", MALFORMED "NextToken contains a NUL character");
  }
  s->next_token = malloc(token.len + 1);
  if (s->next_token == NULL) {
    return fail(s, "53200", "out of memory while reading a result page");
  }
  memcpy(s->next_token, token.ptr, token.len);
  s->next_token[token.len] = '\0';
  return 0;
}

static const dapi_result_sink events = {
    .column = on_column,
    .columns_end = on_columns_end,
    .row_begin = on_row_begin,
    .field = on_field,
    .row_end = on_row_end,
    .next_token = on_next_token,
};

px_status px_sink_init(px_sink *s, pgw_buf *out, size_t max_value_bytes, size_t max_page_bytes) {
  memset(s, 0, sizeof(*s));
  s->out = out;
  s->send_rowdesc = true;
  s->limit_at = UINT64_MAX;
  s->float_digits = 1;
  pgw_buf_init(&s->held, 0);
  pgw_buf_init(&s->first_page, max_page_bytes);
  pgw_wr_init(&s->w, out);
  dapi_result_config cfg = {.sink = &events, .user = s, .max_value_bytes = max_value_bytes};
  return dapi_result_new(&cfg, &s->dec) == DAPI_RESULT_OK ? PX_OK : PX_NOMEM;
}

void px_sink_free(px_sink *s) {
  px_sink_abandon(s);
  dapi_result_free(s->dec);
  free(s->cols);
  free(s->name_off);
  free(s->names);
  free(s->next_token);
  free(s->codes);
  free(s->binary);
  pgw_buf_free(&s->first_page);
  pgw_buf_free(&s->held);
  memset(s, 0, sizeof(*s));
}

px_status px_sink_set_extended(px_sink *s, bool send_rowdesc, uint64_t limit, const int16_t *codes,
                               uint16_t ncodes) {
  s->send_rowdesc = send_rowdesc;
  s->limit_at = limit;
  free(s->codes);
  s->codes = NULL;
  s->ncodes = 0;
  if (ncodes > 0) {
    s->codes = malloc(ncodes * sizeof(*codes));
    if (s->codes == NULL) {
      return PX_NOMEM;
    }
    memcpy(s->codes, codes, ncodes * sizeof(*codes));
    s->ncodes = ncodes;
  }
  return PX_OK;
}

/* Forgets everything of the page being decoded (not what was sent). */
static void page_reset(px_sink *s) {
  dapi_result_reset(s->dec);
  free(s->next_token);
  s->next_token = NULL;
  s->page_columns = false;
  s->page_ncols = 0;
  s->skip_rows = false;
  s->row_skipped = false;
  s->row_held = false;
  s->over_limit = false;
  pgw_buf_free(&s->first_page);
  pgw_buf_free(&s->held);
  s->held_rows = 0;
  s->held_full = false;
  s->row_to_held = false;
}

void px_sink_page_begin(px_sink *s) {
  page_reset(s);
  s->page_sent = 0;
  s->resend_skip = 0;
}

void px_sink_set_hold(px_sink *s, size_t cap) {
  pgw_buf_free(&s->held);
  pgw_buf_init(&s->held, cap);
}

void px_sink_page_resume(px_sink *s, uint64_t skip) {
  px_sink_page_begin(s);
  s->page_sent = skip;
  s->resend_skip = skip;
}

void px_sink_page_retry(px_sink *s) {
  px_sink_abandon(s);
  page_reset(s);
  s->resend_skip = s->page_sent;
}

void px_sink_abandon(px_sink *s) {
  if (s->row_open) {
    /* The writer removes the half-written message on failure: out keeps whole messages. */
    pgw_wr_fail(&s->w, PGW_EPROTO);
    s->row_open = false;
  }
}

static px_status decoder_failed(px_sink *s, dapi_result_rc rc) {
  px_sink_abandon(s);
  if (!s->failed) {
    dapi_result_error e;
    dapi_result_get_error(s->dec, &e);
    s->failed = true;
    pgw_error_set(&s->err, "ERROR", rc == DAPI_RESULT_ETOOBIG ? "54000" : "XX000",
                  MALFORMED "%s%s%s (at byte %llu)", dapi_result_strerror(rc),
                  e.detail[0] != '\0' ? ": " : "", e.detail, (unsigned long long)e.offset);
  }
  return PX_UPSTREAM;
}

px_status px_sink_feed(px_sink *s, const void *data, size_t len) {
  if (s->failed) {
    return PX_UPSTREAM;
  }
  /* Keep the page while its columns are unknown, and to its end once it is to be replayed. */
  if ((!s->described || s->skip_rows) && len > 0) {
    pgw_rc krc = pgw_buf_append(&s->first_page, data, len);
    if (krc != PGW_OK) {
      s->failed = true;
      pgw_error_set(&s->err, "ERROR", krc == PGW_ETOOBIG ? "54000" : "53200",
                    "cannot buffer the first result page until its ColumnMetadata arrives: %s",
                    krc == PGW_ETOOBIG ? "the page exceeds max_response_page_bytes"
                                       : "out of memory");
      return PX_UPSTREAM;
    }
  }
  dapi_result_rc rc = dapi_result_feed(s->dec, data, len);
  if (rc != DAPI_RESULT_OK) {
    return decoder_failed(s, rc);
  }
  if (s->described && !s->skip_rows) {
    pgw_buf_free(&s->first_page); /* the columns arrived first: nothing to replay */
  }
  return PX_OK;
}

/* Second pass over a first page whose Records preceded ColumnMetadata. */
static px_status replay(px_sink *s) {
  s->skip_rows = false;
  dapi_result_reset(s->dec);
  dapi_result_rc rc =
      dapi_result_feed(s->dec, pgw_buf_data(&s->first_page), pgw_buf_len(&s->first_page));
  if (rc == DAPI_RESULT_OK) {
    rc = dapi_result_finish(s->dec);
  }
  pgw_buf_free(&s->first_page);
  return rc == DAPI_RESULT_OK ? PX_OK : decoder_failed(s, rc);
}

px_status px_sink_page_end(px_sink *s) {
  if (s->failed) {
    px_sink_abandon(s);
    return PX_UPSTREAM;
  }
  dapi_result_rc rc = dapi_result_finish(s->dec);
  if (rc != DAPI_RESULT_OK) {
    return decoder_failed(s, rc);
  }
  if (!s->described) {
    if (s->skip_rows) {
      s->failed = true;
      pgw_error_set(&s->err, "ERROR", "XX000", MALFORMED "Records without ColumnMetadata");
      return PX_UPSTREAM;
    }
    if (describe(s) != 0) {
      return PX_UPSTREAM;
    }
  }
  if (s->skip_rows) {
    return replay(s);
  }
  pgw_buf_free(&s->first_page);
  if (s->resend_skip > 0) {
    s->failed = true;
    pgw_error_set(&s->err, "ERROR", "XX000",
                  MALFORMED "a retried result page has fewer records than were already sent");
    return PX_UPSTREAM;
  }
  return PX_OK;
}

bool px_sink_row_open(const px_sink *s) {
  return s->row_open;
}

const char *px_sink_next_token(const px_sink *s) {
  return s->next_token;
}

uint64_t px_sink_rows(const px_sink *s) {
  return s->rows;
}

bool px_sink_described(const px_sink *s) {
  return s->described;
}
