/*
 * emu_canned.h — canned results for benchmarks that must isolate redwire from PostgreSQL.
 *
 * A statement whose SQL is exactly `select * from redwire_canned(<rows>, '<shape>')` (keywords
 * case-insensitive, any whitespace, an optional trailing ';') never reaches PostgreSQL: it
 * finishes at once with <rows> deterministic rows. Values are computed from the row number when a
 * page is written, so memory does not depend on <rows> (10 000 000 rows are servable).
 *
 * Shapes:
 *   narrow — n int4
 *   four   — id int4, name text (32 chars), amount float8, created timestamptz (the benchmark
 * shape) wide   — 20 columns: int2, int4, int8, numeric(12,2), float4, float8, bool, text,
 * varchar(64), bpchar(8), date, time, timestamp, timestamptz, bytea, and five nullable columns
 *            (int8, text, numeric, bool, timestamp) that are NULL on a fixed row pattern.
 */
#ifndef REDWIRE_EMU_CANNED_H
#define REDWIRE_EMU_CANNED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu_types.h"

/* Largest row count accepted (a trillion: paging, not memory, is the limit). */
#define EMU_CANNED_MAX_ROWS 1000000000000LL
/* Room a cell's text needs in the caller's scratch buffer. */
#define EMU_CANNED_SCRATCH 128

typedef enum emu_canned_shape {
  EMU_CANNED_NARROW,
  EMU_CANNED_FOUR,
  EMU_CANNED_WIDE
} emu_canned_shape;

typedef struct emu_canned {
  int64_t rows;
  emu_canned_shape shape;
} emu_canned;

typedef enum emu_canned_match {
  EMU_CANNED_NO,      /* not a canned statement: run it on PostgreSQL */
  EMU_CANNED_YES,     /* *out filled */
  EMU_CANNED_INVALID, /* starts like one but is malformed: *why says how */
} emu_canned_match;

emu_canned_match emu_canned_parse(const char *sql, size_t len, emu_canned *out, const char **why);

/* Column descriptions of a shape (static storage). */
size_t emu_canned_columns(emu_canned_shape shape, const emu_column_info **cols);

/* The text of one cell, in PostgreSQL's output format under the emulator's session settings.
 * *value points into scratch (or static storage); valid until scratch is reused. */
void emu_canned_cell(const emu_canned *c, int64_t row, size_t col, char scratch[EMU_CANNED_SCRATCH],
                     const char **value, size_t *len, bool *is_null);

#endif
