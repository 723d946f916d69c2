#include "emu_result.h"

#include <stdlib.h>
#include <string.h>

static emu_result *alloc_result(size_t ncols, size_t strings_len) {
  emu_result *r = calloc(1, sizeof *r);
  if (r == NULL) {
    return NULL;
  }
  r->cols = calloc(ncols > 0 ? ncols : 1, sizeof *r->cols);
  r->kinds = calloc(ncols > 0 ? ncols : 1, sizeof *r->kinds);
  r->strings = malloc(strings_len > 0 ? strings_len : 1);
  if (r->cols == NULL || r->kinds == NULL || r->strings == NULL) {
    free(r->cols);
    free(r->kinds);
    free(r->strings);
    free(r);
    return NULL;
  }
  atomic_init(&r->refs, 1);
  r->ncols = ncols;
  return r;
}

/* Copies s into the arena at *pos and returns the copy. */
static const char *arena_put(char *arena, size_t *pos, const char *s) {
  size_t n = strlen(s) + 1;
  char *d = arena + *pos;
  memcpy(d, s, n);
  *pos += n;
  return d;
}

emu_result *emu_result_from_pg(PGresult *res, const emu_result_colmeta *meta) {
  size_t ncols = (size_t)PQnfields(res);
  size_t strings_len = 0;
  for (size_t i = 0; i < ncols; i++) {
    strings_len += strlen(PQfname(res, (int)i)) + strlen(meta[i].type_name) +
                   strlen(meta[i].schema_name) + strlen(meta[i].table_name) + 4;
  }
  emu_result *r = alloc_result(ncols, strings_len);
  if (r == NULL) {
    return NULL;
  }
  size_t pos = 0;
  for (size_t i = 0; i < ncols; i++) {
    emu_column_info *c = &r->cols[i];
    c->type_oid = PQftype(res, (int)i);
    c->typmod = PQfmod(res, (int)i);
    c->name = arena_put(r->strings, &pos, PQfname(res, (int)i));
    c->pg_type_name = arena_put(r->strings, &pos, meta[i].type_name);
    c->schema_name = arena_put(r->strings, &pos, meta[i].schema_name);
    c->table_name = arena_put(r->strings, &pos, meta[i].table_name);
    c->nullable = meta[i].not_null ? 0 : 1;
    r->kinds[i] = emu_types_field_kind(c->type_oid);
  }
  r->nrows = PQntuples(res);
  /* libpq stores each value with its terminator in blocks, plus a 16-byte descriptor per cell
   * and a pointer per row: close enough to bound memory. */
  size_t bytes = sizeof *r + strings_len;
  int64_t text = 0;
  for (int row = 0; row < PQntuples(res); row++) {
    bytes += sizeof(void *) + ncols * (1 + 16);
    for (size_t col = 0; col < ncols; col++) {
      text += PQgetlength(res, row, (int)col);
    }
  }
  r->mem_bytes = bytes + (size_t)text;
  r->text_bytes = text;
  r->pg = res;
  return r;
}

emu_result *emu_result_canned(const emu_canned *cn) {
  const emu_column_info *cols;
  size_t ncols = emu_canned_columns(cn->shape, &cols);
  emu_result *r = alloc_result(ncols, 1);
  if (r == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < ncols; i++) {
    r->cols[i] = cols[i]; /* static strings */
    r->kinds[i] = emu_types_field_kind(cols[i].type_oid);
  }
  r->nrows = cn->rows;
  r->canned = *cn;
  r->mem_bytes = sizeof *r;
  /* Rows are generated on demand; estimate the size from the first row. */
  char scratch[EMU_CANNED_SCRATCH];
  int64_t row_bytes = 0;
  for (size_t i = 0; i < ncols && cn->rows > 0; i++) {
    const char *v;
    size_t len;
    bool is_null;
    emu_canned_cell(cn, 0, i, scratch, &v, &len, &is_null);
    row_bytes += (int64_t)len;
  }
  r->text_bytes = row_bytes * cn->rows;
  return r;
}

void emu_result_ref(emu_result *r) {
  atomic_fetch_add(&r->refs, 1);
}

void emu_result_unref(emu_result *r) {
  if (r == NULL || atomic_fetch_sub(&r->refs, 1) != 1) {
    return;
  }
  if (r->pg != NULL) {
    PQclear(r->pg);
  }
  free(r->cols);
  free(r->kinds);
  free(r->strings);
  free(r);
}

void emu_result_cell(const emu_result *r, int64_t row, size_t col, char scratch[EMU_CANNED_SCRATCH],
                     const char **value, size_t *len, bool *is_null) {
  if (r->pg != NULL) {
    *is_null = PQgetisnull(r->pg, (int)row, (int)col) != 0;
    *value = PQgetvalue(r->pg, (int)row, (int)col);
    *len = (size_t)PQgetlength(r->pg, (int)row, (int)col);
    return;
  }
  emu_canned_cell(&r->canned, row, col, scratch, value, len, is_null);
}

void emu_result_column_metadata_json(const emu_result *r, emu_buf *out) {
  emu_buf_putc(out, '[');
  for (size_t i = 0; i < r->ncols; i++) {
    if (i > 0) {
      emu_buf_putc(out, ',');
    }
    emu_types_column_metadata(out, &r->cols[i]);
  }
  emu_buf_putc(out, ']');
}

int64_t emu_result_json_records(const emu_result *r, emu_buf *out, int64_t first, size_t max_rows,
                                size_t max_bytes) {
  size_t start = out->len;
  char scratch[EMU_CANNED_SCRATCH];
  int64_t row = first;
  /* Take the page's memory once, not in a dozen doublings: about what its rows need (their text
   * plus ~32 bytes of Field per value), never much more than max_bytes. Only when the cap
   * allows it, since a reservation beyond the cap would fail the whole answer. */
  if (r->nrows > first) {
    int64_t rows = r->nrows - first;
    if ((uint64_t)rows > max_rows) {
      rows = (int64_t)max_rows;
    }
    double per_row = (double)r->text_bytes / (double)r->nrows + 32.0 * (double)r->ncols + 4.0;
    double est = per_row * (double)rows + 1024.0;
    double cap = (double)max_bytes + (64u << 10);
    size_t want = (size_t)(est < cap ? est : cap);
    if (want < out->max - out->len) {
      emu_buf_reserve(out, want);
    }
  }
  emu_buf_putc(out, '[');
  while (row < r->nrows && (size_t)(row - first) < max_rows) {
    size_t row_start = out->len;
    if (row > first) {
      emu_buf_putc(out, ',');
    }
    emu_buf_putc(out, '[');
    for (size_t col = 0; col < r->ncols; col++) {
      const char *v;
      size_t len;
      bool is_null;
      if (r->pg != NULL) {
        /* emu_result_cell's three libpq calls cut to two: only an empty value can be NULL. */
        v = PQgetvalue(r->pg, (int)row, (int)col);
        len = (size_t)PQgetlength(r->pg, (int)row, (int)col);
        is_null = len == 0 && PQgetisnull(r->pg, (int)row, (int)col) != 0;
      } else {
        emu_result_cell(r, row, col, scratch, &v, &len, &is_null);
      }
      if (col > 0) {
        emu_buf_putc(out, ',');
      }
      emu_types_field(out, r->kinds[col], v, len, is_null);
    }
    emu_buf_putc(out, ']');
    if (out->failed) {
      return row;
    }
    if (out->len - start > max_bytes && row > first) {
      /* This row overflowed the page: it opens the next one instead. */
      emu_buf_truncate(out, row_start);
      break;
    }
    row++;
    if (out->len - start >= max_bytes) {
      break;
    }
  }
  emu_buf_putc(out, ']');
  return row;
}

static void csv_field(emu_buf *out, const char *v, size_t len) {
  bool quote = len == 0;
  for (size_t i = 0; i < len && !quote; i++) {
    quote = v[i] == ',' || v[i] == '"' || v[i] == '\r' || v[i] == '\n';
  }
  if (!quote) {
    emu_buf_append(out, v, len);
    return;
  }
  emu_buf_putc(out, '"');
  size_t run = 0;
  for (size_t i = 0; i < len; i++) {
    if (v[i] == '"') {
      emu_buf_append(out, v + run, i + 1 - run);
      emu_buf_putc(out, '"');
      run = i + 1;
    }
  }
  emu_buf_append(out, v + run, len - run);
  emu_buf_putc(out, '"');
}

int64_t emu_result_csv(const emu_result *r, emu_buf *out, int64_t first, size_t max_rows,
                       size_t max_bytes, bool header) {
  size_t start = out->len;
  if (header) {
    for (size_t col = 0; col < r->ncols; col++) {
      if (col > 0) {
        emu_buf_putc(out, ',');
      }
      csv_field(out, r->cols[col].name, strlen(r->cols[col].name));
    }
    emu_buf_puts(out, "\r\n");
  }
  char scratch[EMU_CANNED_SCRATCH];
  int64_t row = first;
  while (row < r->nrows && (size_t)(row - first) < max_rows) {
    size_t row_start = out->len;
    for (size_t col = 0; col < r->ncols; col++) {
      const char *v;
      size_t len;
      bool is_null;
      emu_result_cell(r, row, col, scratch, &v, &len, &is_null);
      if (col > 0) {
        emu_buf_putc(out, ',');
      }
      if (is_null) {
        continue;
      }
      if (r->kinds[col] == EMU_FIELD_BOOL && len == 1) {
        /* JSON results say true/false; CSV follows them rather than PostgreSQL's t/f. */
        emu_buf_puts(out, v[0] == 't' ? "true" : "false");
      } else {
        csv_field(out, v, len);
      }
    }
    emu_buf_puts(out, "\r\n");
    if (out->failed) {
      return row;
    }
    if (out->len - start > max_bytes && row > first) {
      emu_buf_truncate(out, row_start);
      break;
    }
    row++;
    if (out->len - start >= max_bytes) {
      break;
    }
  }
  return row;
}
