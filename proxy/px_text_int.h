/* px_text_int.h — internal to proxy/: the value writers of px_text.c that live in files of their
 * own. Each writes one whole DataRow field, or nothing at all and returns PX_TEXT_EINVAL. */
#ifndef PX_TEXT_INT_H
#define PX_TEXT_INT_H

#include <stddef.h>

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

#endif
