/* px_errmap.h — a Data API statement error text → the ErrorResponse PostgreSQL would send.
 *
 * When a statement fails, DescribeStatement's Error member carries Redshift's error as text, for
 * example
 *     ERROR: relation "nosuch" does not exist\n Position: 15
 *     ERROR: 1023 DETAIL: Serializable isolation violation on table - 100, transactions ...
 *     ERROR: Query (12345) cancelled on user's request
 * with no SQLSTATE. Clients branch on the SQLSTATE (retry on 40001, "table missing" on 42P01), so
 * the proxy recovers it from the message text with a table of well-known PostgreSQL/Redshift
 * messages, and XX000 (internal_error) when nothing matches.
 *
 * Pure functions: no allocation, no I/O.
 */
#ifndef PX_ERRMAP_H
#define PX_ERRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "pgw_error.h"

/*
 * Parses text[0..len) (borrowed; need not be NUL-terminated; may hold any bytes) into *out:
 *   severity  "ERROR" (also for FATAL/PANIC texts: the statement failed, the client's session
 *             did not; a leading "WARNING:" or other severity word is stripped the same way)
 *   sqlstate  from px_errmap_sqlstate on the primary message
 *   message   the primary message: without the "ERROR: " prefix, without the Position/DETAIL/
 *             HINT parts, surrounding white space removed; a text with no message at all gives
 *             "statement failed"
 *   detail    the "DETAIL:" part, "" when none
 *   hint      the "HINT:" part, "" when none
 *   position  0 (the P field is the caller's business, see below)
 * Texts longer than pgw_error's fields are cut at a UTF-8 boundary.
 *
 * *position receives the 1-based character position from "Position: N" relative to the statement
 * text as it was sent to the Data API, or 0 when there is none (or it is not a positive number);
 * the caller maps it to the client's query text and stores it in out->position. position may be
 * NULL when the caller does not want it.
 */
void px_errmap_statement_error(const char *text, size_t len, pgw_error *out, int32_t *position);

/* The SQLSTATE (five characters, static) for a primary message msg[0..len) without its
 * "ERROR: " prefix; "XX000" when no entry of the table matches, and for messages longer than
 * 4096 bytes (none of the table's is). */
const char *px_errmap_sqlstate(const char *msg, size_t len);

#endif
