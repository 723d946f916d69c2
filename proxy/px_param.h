/* px_param.h — Bind's parameter values → the SQL text and named parameters of an
 * ExecuteStatement (DESIGN §3, extended protocol).
 *
 * The Data API carries parameters as name/string pairs (":name" in the SQL) and has neither NULL
 * nor empty-string values. So each $n placeholder (found by the SQL lexer: never inside literals,
 * comments, dollar quotes or quoted identifiers) becomes:
 *   - ":pn" with the value's text as parameter pn, when the value is non-NULL and non-empty;
 *   - the literal NULL, when NULL: "CAST(NULL AS type)" when the declared type is known and not
 *     a character type (text, varchar, bpchar, name: those stay untyped like their ":pn");
 *   - the literal '' when the text is empty: cast likewise, else "('')" (parenthesised so that
 *     a string literal right before it cannot absorb it).
 * A space goes before the replacement when the byte before it could join it into another token
 * ("a[1:$1]" → "a[1: :p1]", not the cast "a[1::p1]").
 * Values are never spliced into the SQL: only the two constant literals above are, so no value
 * can break out of a literal whatever bytes it holds.
 *
 * Binary-format values are decoded by their type OID (declared in Parse, or inferred by the
 * caller) into the text PostgreSQL's input function accepts; text-format values must be valid
 * UTF-8 without NUL bytes (22021), as PostgreSQL requires.
 *
 * Pure functions: no I/O; the output buffers are the only allocation.
 */
#ifndef PX_PARAM_H
#define PX_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dapi_ops.h"
#include "pgw_buf.h"
#include "pgw_error.h"
#include "px_status.h"

/* One Bind parameter as it arrived. data is borrowed (points into the Bind message). */
typedef struct px_param_in {
  const uint8_t *data; /* NULL when len < 0 */
  int32_t len;         /* -1: SQL NULL */
  int16_t format;      /* 0 text, 1 binary */
  uint32_t type_oid;   /* declared in Parse; 0 = unspecified */
} px_param_in;

/*
 * Appends the text form of one non-NULL parameter to out (no terminator). Binary values are
 * decoded for bool, "char", int2, int4, int8, oid, xid, cid, float4, float8, numeric, text,
 * varchar, bpchar, name, json, jsonb (version byte 1), date, time, timetz, timestamp, timestamptz,
 * interval, uuid and bytea (to "\x..." hex); a binary value of an unspecified (0) or other type is
 * refused (0A000 / 22P03 "incorrect binary data format in bind parameter n", as PostgreSQL says
 * it). Text values are checked (UTF-8, no NUL), and for bool, int2/4/8, oid, float4/8 and numeric
 * also as their input functions check them (22P02 / 22003, PostgreSQL's messages); bool, integers
 * and floats are passed on in canonical form ("yes" → "true", " +42" → "42"), other texts as sent.
 * index is 0-based, used in messages ("parameter $1"). PX_INVAL with *err (ERROR severity) on bad
 * input; PX_NOMEM, or PX_TOOBIG when out hits its cap.
 */
PX_MUSTCHECK px_status px_param_text(const px_param_in *p, uint16_t index, pgw_buf *out,
                                     pgw_error *err);

/* The SQL and parameters of one ExecuteStatement, built by px_param_render. Owns its memory. */
typedef struct px_param_sql {
  char *sql; /* owned, NUL-terminated */
  size_t sql_len;
  dapi_param *params; /* owned array; names and values point into `strings` */
  size_t n_params;
  char *strings; /* owned: the names and values, NUL-separated */
} px_param_sql;

/*
 * Rewrites sql[0..len) with n parameters (each already in text form: texts[i] of text_lens[i]
 * bytes, or NULL for SQL NULL; oids[i] the declared type or 0) into out. Every $k with
 * 1 <= k <= n is replaced as described above; $k with k > n is 08P01-style "bind message supplies
 * n parameters, but prepared statement requires m" (the caller checks counts first, this is the
 * backstop), 42P02 for $0. A placeholder used several times maps to one parameter. PX_INVAL
 * with *err; PX_NOMEM. out is zeroed on failure.
 */
PX_MUSTCHECK px_status px_param_render(const char *sql, size_t len, const char *const *texts,
                                       const size_t *text_lens, const uint32_t *oids, uint16_t n,
                                       px_param_sql *out, pgw_error *err);

void px_param_sql_free(px_param_sql *p);

/* The number of parameters a statement needs: the highest $n in it (0 if none), as PostgreSQL
 * counts them when Parse declares fewer types. PX_INVAL with *err for lexical errors. */
PX_MUSTCHECK px_status px_param_count(const char *sql, size_t len, uint16_t *count, pgw_error *err);

#endif
