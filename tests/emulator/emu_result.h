/*
 * emu_result.h — a finished statement's result set, shared by concurrent page requests.
 *
 * Either a PGresult kept as libpq returned it (no copy: pages are written straight from
 * PQgetvalue) or a canned generator. Reference-counted: the store holds one reference while the
 * result is retained, and every page request holds one while it writes, so eviction never frees a
 * result under a reader. Immutable after creation, so readers need no lock.
 */
#ifndef REDWIRE_EMU_RESULT_H
#define REDWIRE_EMU_RESULT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "emu_canned.h"
#include "emu_json.h"
#include "emu_types.h"

typedef struct emu_result {
  atomic_int refs;
  size_t ncols;
  emu_column_info *cols; /* owned array; its strings point into strings */
  emu_field_kind *kinds; /* owned, one per column */
  char *strings;         /* owned arena of the column strings */
  int64_t nrows;
  size_t mem_bytes;   /* approximate memory held, for --max-result-bytes */
  int64_t text_bytes; /* bytes of the values' text: DescribeStatement's ResultSize */
  PGresult *pg;       /* owned; NULL for a canned result */
  emu_canned canned;  /* when pg == NULL */
} emu_result;

/* Per-column catalog facts the caller looked up for a PGresult (emu_pg_describe). */
typedef struct emu_result_colmeta {
  const char *type_name;   /* pg_type.typname; borrowed for the call */
  const char *schema_name; /* "" for expressions */
  const char *table_name;  /* "" for expressions */
  bool not_null;
} emu_result_colmeta;

/* Takes ownership of res (PGRES_TUPLES_OK) on success; on failure (NULL, out of memory) res is
 * left to the caller. meta has PQnfields(res) entries. */
emu_result *emu_result_from_pg(PGresult *res, const emu_result_colmeta *meta);
emu_result *emu_result_canned(const emu_canned *c);

void emu_result_ref(emu_result *r);
/* Drops a reference; frees at zero. NULL is ignored. */
void emu_result_unref(emu_result *r);

/* The text of one cell. scratch backs canned values. */
void emu_result_cell(const emu_result *r, int64_t row, size_t col, char scratch[EMU_CANNED_SCRATCH],
                     const char **value, size_t *len, bool *is_null);

/* "[{...ColumnMetadata...},...]" */
void emu_result_column_metadata_json(const emu_result *r, emu_buf *out);

/*
 * Writes the JSON array of records [[Field,...],...] for rows first.. onwards, stopping after
 * max_rows rows or once the bytes written for this page reach max_bytes (at least one row is
 * always written when one is left). Returns the index of the first row not written.
 */
int64_t emu_result_json_records(const emu_result *r, emu_buf *out, int64_t first, size_t max_rows,
                                size_t max_bytes);

/*
 * Appends CSV text (RFC 4180 quoting, rows ending in \r\n; a header line of column names first
 * when header) for rows first.. onwards under the same limits. NULL is an empty unquoted field,
 * the empty string is "". Returns the index of the first row not written.
 */
int64_t emu_result_csv(const emu_result *r, emu_buf *out, int64_t first, size_t max_rows,
                       size_t max_bytes, bool header);

#endif
