/* px_binary.h — Data API result values → PostgreSQL binary-format DataRow fields (the format code
 * 1 a client asks for per column in Bind: pgjdbc after prepareThreshold executions, Npgsql,
 * psycopg with binary=True).
 *
 * The byte layouts are PostgreSQL's typsend output (network byte order):
 *   - bool 1 byte 0/1; int2/int4/int8 big-endian two's complement; oid, xid, cid uint32;
 *   - float4/float8 IEEE 754 bits;
 *   - numeric ndigits, weight, sign, dscale + base-10000 digits (NaN: sign 0xC000; Infinity
 *     0xD000, -Infinity 0xF000 as PostgreSQL 14+ sends them);
 *   - text types (text, varchar, bpchar, name, json, super, ...) the UTF-8 bytes; jsonb a
 *     version byte 1 and the text; "char" its byte (pg_catalog's relkind and the like, which
 *     Npgsql reads in binary);
 *   - date int4 days since 2000-01-01; time int8 microseconds since midnight; timetz int8
 *     microseconds + int4 zone offset in seconds WEST of UTC; timestamp and timestamptz int8
 *     microseconds since 2000-01-01 00:00:00 (timestamptz in UTC; a timestamptz or timetz text
 *     without an offset is taken as UTC, the zone the Data API converts to); interval int8
 *     microseconds, int4 days, int4 months;
 *   - bytea the raw bytes; uuid 16 bytes.
 * A value is converted from the same Data API field px_text_field accepts (the same lenient
 * variants), so a column is either representable in both formats or fails the same way (except
 * a value outside the binary type's range, e.g. 70000 in an int2 column).
 *
 * Like px_text_field: never allocates, writes straight into the row's writer; runs once per value.
 */
#ifndef PX_BINARY_H
#define PX_BINARY_H

#include <stdbool.h>
#include <stdint.h>

#include "dapi_result.h"
#include "pgw_encode.h"
#include "px_text.h"
#include "px_types.h"

/* True when px_binary_field can write values of this column type in binary. Types without a
 * binary encoder here (e.g. Redshift's geometry) must be sent in text: Bind asking binary for
 * such a column is refused by the caller before any row flows (0A000). */
bool px_binary_supported(const px_coltype *t);

/* Appends one binary-format field to an open DataRow: a NULL value becomes a NULL field; any
 * other value one field in PostgreSQL's binary layout for t->oid. On PX_TEXT_EINVAL (a value
 * malformed for its type, or an out-of-range date) nothing has been written for the field and the
 * caller abandons the row. */
PX_TEXT_MUSTCHECK px_text_rc px_binary_field(pgw_datarow *row, const px_coltype *t,
                                             const dapi_result_field *f);

#endif
