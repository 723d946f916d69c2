/* px_types.h — from a Data API column's typeName to the PostgreSQL type redwire reports.
 *
 * The Data API describes a result column by a type name ("int4", "varchar", "varbyte", ...) plus
 * JDBC-style precision and scale; it sends no OID and no typmod. Clients, however, read the OID,
 * typlen and typmod of RowDescription (pgjdbc and Npgsql pick their value parsers by OID), so the
 * proxy derives them here, together with the rule px_text uses to print the column's values.
 *
 * Pure functions over their arguments: no allocation, no I/O, no state.
 */
#ifndef PX_TYPES_H
#define PX_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "dapi_result.h"

/* How a column's values are turned into PostgreSQL text (px_text.c has the details). */
typedef enum px_text_kind {
  PX_TEXT_VERBATIM = 0, /* the bytes as sent: text, varchar, bpchar, date, interval, json, ... */
  PX_TEXT_BOOL,         /* t / f */
  PX_TEXT_INT,          /* integer digits exactly as sent (int2/int4/int8/oid) */
  PX_TEXT_FLOAT4,       /* the double rounded to float32, shortest round-trip text */
  PX_TEXT_FLOAT8,       /* shortest round-trip text of the double, PostgreSQL-style */
  PX_TEXT_NUMERIC,      /* as sent, a Java exponent form ("1E-7") written out positionally */
  PX_TEXT_TIMESTAMP,    /* trailing zeros of the fraction trimmed, a zero fraction dropped */
  PX_TEXT_TIMESTAMPTZ,  /* likewise; the offset is kept as sent */
  PX_TEXT_TIME,         /* time and timetz: likewise */
  PX_TEXT_BYTEA,        /* base64 as sent by the Data API → PostgreSQL hex "\x616263" */
} px_text_kind;

/* What RowDescription says about a column and how its values are printed. */
typedef struct px_coltype {
  uint32_t oid;
  int16_t typlen; /* pg_type.typlen: -1 varlena, -2 cstring, else the fixed size */
  int32_t typmod; /* -1 when none */
  px_text_kind kind;
} px_coltype;

/* PostgreSQL type OIDs (pg_type.dat) redwire refers to by name elsewhere; the full table of what
 * a Data API column becomes lives in px_types.c. */
enum {
  PX_OID_BOOL = 16,
  PX_OID_BYTEA = 17,
  PX_OID_CHAR = 18, /* "char", the one-byte type of catalog columns such as relkind */
  PX_OID_NAME = 19,
  PX_OID_INT8 = 20,
  PX_OID_INT2 = 21,
  PX_OID_INT4 = 23,
  PX_OID_TEXT = 25,
  PX_OID_OID = 26,
  PX_OID_XID = 28,
  PX_OID_CID = 29,
  PX_OID_JSON = 114,
  PX_OID_XML = 142,
  PX_OID_FLOAT4 = 700,
  PX_OID_FLOAT8 = 701,
  PX_OID_UNKNOWN = 705,
  PX_OID_BPCHAR = 1042,
  PX_OID_VARCHAR = 1043,
  PX_OID_DATE = 1082,
  PX_OID_TIME = 1083,
  PX_OID_TIMESTAMP = 1114,
  PX_OID_TIMESTAMPTZ = 1184,
  PX_OID_INTERVAL = 1186,
  PX_OID_TIMETZ = 1266,
  PX_OID_NUMERIC = 1700,
  PX_OID_UUID = 2950,
  PX_OID_JSONB = 3802,
  PX_OID_SUPER = 4000, /* Redshift's SUPER, as the Redshift JDBC driver defines it */
};

/*
 * The PostgreSQL type for a Data API ColumnMetadata typeName (type_name[0..type_name_len), not
 * NUL-terminated, borrowed for the call; compared case-insensitively) with its precision and
 * scale as the Data API reports them:
 *   numeric      precision p > 0 → typmod ((p << 16) | (scale & 0x7ff)) + 4, else -1
 * (unconstrained) varchar, bpchar  precision n in 1..10485760 → typmod n + 4, else -1 (2147483647 =
 * unbounded) time, timetz, timestamp, timestamptz  scale 0..5 → typmod scale; 6 (the default, which
 * the Data API does not tell apart from an explicit (6)) and anything else → -1 all others   typmod
 * -1. "varbyte" (how Redshift, and the emulator for PostgreSQL's bytea, name binary columns) is
 * reported as bytea, OID 17, so that psql prints what PostgreSQL prints. Redshift's own types
 * (super, geometry, geography, hllsketch) keep the OIDs Redshift uses on its own wire. Unknown or
 * empty names → text (OID 25), printed verbatim.
 */
px_coltype px_types_from_dataapi(const char *type_name, size_t type_name_len, int32_t precision,
                                 int32_t scale);

/* Shorthand for px_types_from_dataapi(col->type_name, col->precision, col->scale). */
px_coltype px_types_from_column(const dapi_result_column *col);

/* The PostgreSQL name of a type this table reports ("bytea" for OID 17, which the Data API calls
 * "varbyte"), for messages; "unknown" for an OID not in the table. Static string. */
const char *px_types_oid_name(uint32_t oid);

/* The name RowDescription gives the column: the label (the SELECT list alias) when the entry
 * carries a non-empty one, else the name. The view borrows from col. */
dapi_result_view px_types_column_name(const dapi_result_column *col);

#endif
