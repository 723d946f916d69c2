/* px_text_int.h — internal to proxy/: the value writers of px_text.c that live in files of their
 * own. Each writes one whole DataRow field, or nothing at all and returns PX_TEXT_EINVAL. */
#ifndef PX_TEXT_INT_H
#define PX_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_encode.h"
#include "px_text.h"

/* numeric text s[0..n): passed on as is, unless it is in Java's exponent form ("1E-7",
 * "1.23E+4", "0E-10"), which is written out positionally as PostgreSQL prints numeric
 * ("0.0000001", "12300", "0.0000000000"). EINVAL for a malformed exponent form, or one beyond
 * numeric's range (131072 digits before the point, 16383 after). */
px_text_rc px__text_numeric(pgw_datarow *row, const char *s, size_t n);

/* base64 s[0..n) → PostgreSQL's bytea hex output "\x" + two lower-case hex digits per byte.
 * Standard alphabet, with or without '=' padding; EINVAL for any other character, misplaced
 * padding, or a length no encoder produces. */
px_text_rc px__text_bytea(pgw_datarow *row, const char *s, size_t n);

/* Whether s[0..n) is an integer as PostgreSQL prints one, -?(0|[1-9][0-9]*), within int64 (also
 * the range of oid); *out is its value. A longValue always is; a stringValue or doubleValue of
 * an integer column must be checked. Shared by px_text and px_binary, so that both accept the
 * same texts. */
bool px__text_parse_int64(const char *s, size_t n, int64_t *out);

/* PostgreSQL's boolin spellings (t/true/yes/on/1, f/false/no/off/0, unambiguous prefixes, any
 * case, blanks around): true with *out set when s[0..n) is one. Also used by px_binary and
 * px_param, so that all three accept the same texts. */
bool px__text_parse_bool(const char *s, size_t n, bool *out);

/* base64 s[0..n) (the rules of px__text_bytea) → one binary bytea field: the raw bytes. */
px_text_rc px__bytea_raw(pgw_datarow *row, const char *s, size_t n);

#endif
