/*
 * emu_params.h — the Data API's ':name' SQL parameters → PostgreSQL's '$n' placeholders.
 *
 * The lexer follows PostgreSQL 15's scanner (the backing server, standard_conforming_strings on)
 * just far enough to know what is code and what is not.
 *
 * Copied verbatim, with no placeholder inside (an unterminated one runs to the end of the text):
 *   - '...' strings with '' doubling, also U&'...', B'...', X'...' and N'...';
 *   - E'...' strings, where a backslash also escapes the next byte;
 *   - $tag$...$tag$ and $$...$$ dollar quotes, only at a token start: a '$' right after an
 *     identifier character belongs to that identifier (or is a $n parameter);
 *   - "..." quoted identifiers with "" doubling;
 *   - -- comments to the end of the line, and C-style (slash-star) comments, which nest.
 *
 * Placeholders in the remaining code:
 *   - ':' followed by a name character [0-9A-Za-z_] starts one; the name is the longest run of
 *     such characters, so ':1' is the placeholder named "1".
 *   - '::' is a cast, never a placeholder (':a::int' is placeholder a, then a cast); a ':'
 *     followed by anything else (':=', ': x', the end of the text) is copied verbatim.
 *   - Array slices (a decision; the real service's rule is unknown): inside [ ], a ':' directly
 *     after an operand character (letter, digit, '_', '$', a non-ASCII byte, ')' or ']') separates
 *     a slice, so a[1:2], a[lo:hi] and f(x)[1:n] are left alone. A ':' after '[', a space or an
 *     operator still starts a placeholder, so a[:i] and a[1 : :j] index with parameters
 *     (PostgreSQL alone would read a[:i] as a slice without lower bound; write a[1:i] for that).
 *   - plpgsql ':=' in a $$ body is inside a dollar quote, so it is skipped like any quoted text.
 *
 * A placeholder becomes $k, where k numbers the DISTINCT names in order of first appearance, so
 * a name used twice becomes the same $k. When the character before the placeholder is an identifier
 * character, a space is written before $k ("select:x" must not become the identifier "select$1").
 * Names match parameters exactly (case-sensitively). If params holds the same name twice, the first
 * is the one referenced; the later ones are never used. PostgreSQL '$n' parameters already in the
 * text are left alone, so mixing them with ':name' placeholders makes their numbers collide.
 */
#ifndef REDWIRE_EMU_PARAMS_H
#define REDWIRE_EMU_PARAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "emu_json.h"

typedef struct emu_param {
  const char *name;  /* borrowed, NUL-terminated; NULL never matches */
  const char *value; /* borrowed, NUL-terminated; not read by emu_params_rewrite */
} emu_param;

typedef enum emu_params_rc {
  EMU_PARAMS_OK,
  EMU_PARAMS_ENOMEM,  /* out_sql failed (allocation or its cap), or a temporary index could not be
                         allocated */
  EMU_PARAMS_MISSING, /* a placeholder names no parameter; *bad_name is that name, inside sql */
  EMU_PARAMS_UNUSED,  /* require_all_used and a parameter is never referenced; *bad_name is its name
                       */
} emu_params_rc;

const char *emu_params_strerror(emu_params_rc rc);

/* Rewrites sql[0..sql_len) into out_sql (appended; on EMU_PARAMS_OK out_sql->data is non-NULL and
 * NUL-terminated, even for an empty text, ready for PQsendQueryParams). On EMU_PARAMS_OK,
 * *n_used = number of distinct names referenced, and order[k-1] = the index into params of the name
 * written as $k, for k = 1..*n_used; order must have room for n_params entries (it may be NULL when
 * n_params == 0). On any other result out_sql->len is restored to its value at entry (failed stays
 * set after ENOMEM), *n_used and order are unspecified, and for MISSING/UNUSED *bad_name /
 * *bad_name_len identify the offending name (a pointer into sql for MISSING, into params for
 * UNUSED; "" for an UNUSED parameter whose name is NULL). bad_name and bad_name_len may be NULL.
 * The first problem in text order is reported; MISSING is checked before UNUSED. */
emu_params_rc emu_params_rewrite(const char *sql, size_t sql_len, const emu_param *params,
                                 size_t n_params, bool require_all_used, emu_buf *out_sql,
                                 size_t *order, size_t *n_used, const char **bad_name,
                                 size_t *bad_name_len) __attribute__((warn_unused_result));

#endif
