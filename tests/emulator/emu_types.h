/*
 * emu_types.h — PostgreSQL text values and column descriptions → the Data API's Field and
 * ColumnMetadata JSON.
 *
 * The backing PostgreSQL session runs with TimeZone=UTC, DateStyle='ISO, MDY',
 * IntervalStyle=postgres, extra_float_digits=1 and bytea_output=hex; the functions below expect
 * values in that text format. The choices follow /work/shared/dataapi-types.md (captured
 * responses where they exist, the Redshift JDBC driver's ResultSetMetaData where they do not) and
 * DESIGN.md §5.
 *
 * Nothing here allocates; values are written straight into the caller's emu_buf, whose sticky
 * `failed` flag carries the only possible failure (out of memory / over the cap).
 * A value that is not in the expected PostgreSQL text form (a bad integer, bad hex in a bytea, a
 * bool that is neither t nor f) is never trusted into a JSON number: it is sent as a stringValue
 * holding the text as it came, so the JSON stays valid whatever PostgreSQL returns.
 */
#ifndef REDWIRE_EMU_TYPES_H
#define REDWIRE_EMU_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu_json.h"

/* PostgreSQL type OIDs the mapping treats specially (pg_type.h values, stable across releases). */
#define EMU_OID_BOOL        16u
#define EMU_OID_BYTEA       17u
#define EMU_OID_CHAR        18u
#define EMU_OID_NAME        19u
#define EMU_OID_INT8        20u
#define EMU_OID_INT2        21u
#define EMU_OID_INT4        23u
#define EMU_OID_TEXT        25u
#define EMU_OID_OID         26u
#define EMU_OID_FLOAT4      700u
#define EMU_OID_FLOAT8      701u
#define EMU_OID_MONEY       790u
#define EMU_OID_BPCHAR      1042u
#define EMU_OID_VARCHAR     1043u
#define EMU_OID_DATE        1082u
#define EMU_OID_TIME        1083u
#define EMU_OID_TIMESTAMP   1114u
#define EMU_OID_TIMESTAMPTZ 1184u
#define EMU_OID_INTERVAL    1186u
#define EMU_OID_TIMETZ      1266u
#define EMU_OID_NUMERIC     1700u

/* How one column's values are written as a Field. */
typedef enum emu_field_kind {
  EMU_FIELD_LONG,         /* int2, int4, int8, oid: {"longValue":N}, digits copied verbatim */
  EMU_FIELD_DOUBLE,       /* float8: {"doubleValue":D}, PostgreSQL's shortest text copied;
                             NaN/Infinity/-Infinity as JSON strings */
  EMU_FIELD_FLOAT4,       /* float4: {"doubleValue":D}, the float32 widened to double */
  EMU_FIELD_BOOL,         /* bool: {"booleanValue":true|false} */
  EMU_FIELD_STRING,       /* everything else: {"stringValue":"<PostgreSQL's text>"} */
  EMU_FIELD_TIMESTAMP,    /* timestamp: stringValue with ".0" added when there is no fraction */
  EMU_FIELD_BYTEA_BASE64, /* bytea (reported as varbyte): stringValue holding base64 */
} emu_field_kind;

/* One result column as libpq and the catalogs describe it. All pointers are borrowed for the
 * duration of the call; NULL strings are treated as "". */
typedef struct emu_column_info {
  uint32_t type_oid;        /* PQftype */
  int32_t typmod;           /* PQfmod; -1 when the type has no modifier */
  const char *pg_type_name; /* pg_type.typname of type_oid, e.g. "uuid", "_int4" (caller looks
                               it up; NULL or "" falls back to the built-in names) */
  const char *name;         /* PQfname */
  const char *schema_name;  /* "" for expressions */
  const char *table_name;   /* "" for expressions */
  int nullable;             /* 0 for NOT NULL table columns, 1 otherwise */
} emu_column_info;

/* The ColumnMetadata numbers and flags, exposed so DescribeTable can reuse them. */
typedef struct emu_column_traits {
  int32_t precision; /* JDBC-like: digits for numbers, declared length for strings, display size for
                        date/time types, 2147483647 when unbounded or unknown */
  int32_t scale;
  bool is_signed;
  bool is_case_sensitive;
  bool is_currency;
} emu_column_traits;

/* The Data API typeName: "varbyte" for bytea, else PostgreSQL's typname ("int4", "_text", ...).
 * Never NULL; borrowed from c or static. */
const char *emu_types_type_name(const emu_column_info *c);

emu_field_kind emu_types_field_kind(uint32_t type_oid);

void emu_types_column_traits(const emu_column_info *c, emu_column_traits *out);

/* One ColumnMetadata object of a result, members in alphabetical order: isCaseSensitive,
 * isCurrency, isSigned, label (= name), length (always 0, as AWS sends), name, nullable,
 * precision, scale, schemaName, tableName, typeName. */
void emu_types_column_metadata(emu_buf *b, const emu_column_info *c);

/* One ColumnMetadata object of a table column (DescribeTable): as above, plus columnDefault first
 * when column_default is not NULL, and with length = precision (the declared length, 2147483647
 * when unbounded) when string_category is set: the column's type is a character type (PostgreSQL
 * pg_type.typcategory 'S': text, varchar, bpchar, name, and domains over them), else 0. */
void emu_types_table_column_metadata(emu_buf *b, const emu_column_info *c, bool string_category,
                                     const char *column_default);

/* One Field object for one value (value[0..len), PostgreSQL text format; ignored when is_null):
 * {"isNull":true} | {"longValue":N} | {"doubleValue":D} | {"booleanValue":true}
 * | {"stringValue":"..."}. value may be NULL when is_null or len == 0. */
void emu_types_field(emu_buf *b, emu_field_kind kind, const char *value, size_t len, bool is_null);

#endif
