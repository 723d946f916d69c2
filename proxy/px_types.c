/* px_types.c — the table from Data API typeName to PostgreSQL OID, typlen and text rule.
 *
 * OIDs and typlen of the PostgreSQL types are pg_type's of PostgreSQL 15 (checked with
 * `SELECT typname, oid, typlen FROM pg_type`); Redshift's own types carry the OIDs Redshift reports
 * on its PostgreSQL wire (dataapi-types.md §2.11), where every one of them is variable-length.
 */
#include "px_types.h"

#include <stdbool.h>
#include <string.h>

/* PostgreSQL's VARHDRSZ, by which character and numeric typmods are offset. */
#define TYPMOD_OFFSET 4
/* What the Data API (JDBC's "unknownLength") reports for a string column without a size. */
#define UNBOUNDED_PRECISION 2147483647
/* PostgreSQL's largest varchar/char length (MaxAttrSize), a bound for a believable precision. */
#define MAX_CHAR_LENGTH 10485760
/* PostgreSQL's largest numeric precision (NUMERIC_MAX_PRECISION) and scale range (PG 15). */
#define NUMERIC_MAX_PRECISION 1000
#define NUMERIC_MIN_SCALE     (-1000)
#define NUMERIC_MAX_SCALE     1000
/* Fractional-second digits of time types without a declared precision. */
#define DEFAULT_TIME_SCALE 6

/* How the typmod follows from precision and scale. */
typedef enum typmod_rule {
  TM_NONE = 0,
  TM_NUMERIC,
  TM_CHAR, /* varchar(n), bpchar(n) */
  TM_TIME, /* time(p) and friends */
} typmod_rule;

typedef struct type_entry {
  const char *name; /* pg_type.typname as the Data API spells it */
  uint32_t oid;
  int16_t typlen;
  px_text_kind kind;
  typmod_rule typmod;
} type_entry;

/* A linear scan: the names are short and the lookup runs once per result column, not per value. */
static const type_entry TYPES[] = {
    {"bool", 16, 1, PX_TEXT_BOOL, TM_NONE},
    {"int2", 21, 2, PX_TEXT_INT, TM_NONE},
    {"int4", 23, 4, PX_TEXT_INT, TM_NONE},
    {"int8", 20, 8, PX_TEXT_INT, TM_NONE},
    {"float4", 700, 4, PX_TEXT_FLOAT4, TM_NONE},
    {"float8", 701, 8, PX_TEXT_FLOAT8, TM_NONE},
    {"numeric", 1700, -1, PX_TEXT_NUMERIC, TM_NUMERIC},
    {"bpchar", 1042, -1, PX_TEXT_VERBATIM, TM_CHAR},
    {"varchar", 1043, -1, PX_TEXT_VERBATIM, TM_CHAR},
    {"text", 25, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"date", 1082, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"time", 1083, 8, PX_TEXT_TIME, TM_TIME},
    {"timetz", 1266, 12, PX_TEXT_TIME, TM_TIME},
    {"timestamp", 1114, 8, PX_TEXT_TIMESTAMP, TM_TIME},
    {"timestamptz", 1184, 8, PX_TEXT_TIMESTAMPTZ, TM_TIME},
    {"interval", 1186, 16, PX_TEXT_VERBATIM, TM_NONE},
    /* Redshift's binary type; the emulator also reports PostgreSQL's bytea under this name. Its
     * values arrive as base64 and are printed as PostgreSQL prints bytea (\x + hex), so that psql
     * through redwire shows what psql on PostgreSQL shows (Redshift itself would print bare hex).
     */
    {"varbyte", 17, -1, PX_TEXT_BYTEA, TM_NONE},
    {"bytea", 17, -1, PX_TEXT_BYTEA, TM_NONE},
    /* Redshift's own types. */
    {"super", 4000, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"geometry", 3000, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"geography", 3001, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"hllsketch", 2935, -1, PX_TEXT_VERBATIM, TM_NONE},
    /* PostgreSQL types the emulator passes through under their own names. */
    {"name", 19, 64, PX_TEXT_VERBATIM, TM_NONE},
    {"oid", 26, 4, PX_TEXT_INT, TM_NONE},
    {"char", 18, 1, PX_TEXT_VERBATIM, TM_NONE},
    {"uuid", 2950, 16, PX_TEXT_VERBATIM, TM_NONE},
    {"json", 114, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"jsonb", 3802, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"xml", 142, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"money", 790, 8, PX_TEXT_VERBATIM, TM_NONE},
    {"inet", 869, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"cidr", 650, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"macaddr", 829, 6, PX_TEXT_VERBATIM, TM_NONE},
    {"macaddr8", 774, 8, PX_TEXT_VERBATIM, TM_NONE},
    {"bit", 1560, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"varbit", 1562, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"aclitem", 1033, 12, PX_TEXT_VERBATIM, TM_NONE},
    {"regclass", 2205, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"regproc", 24, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"regprocedure", 2202, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"regoper", 2203, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"regtype", 2206, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"regnamespace", 4089, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"regrole", 4096, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"xid", 28, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"cid", 29, 4, PX_TEXT_VERBATIM, TM_NONE},
    {"tid", 27, 6, PX_TEXT_VERBATIM, TM_NONE},
    {"int2vector", 22, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"oidvector", 30, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"pg_node_tree", 194, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"pg_lsn", 3220, 8, PX_TEXT_VERBATIM, TM_NONE},
    {"tsvector", 3614, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"tsquery", 3615, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"jsonpath", 4072, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"point", 600, 16, PX_TEXT_VERBATIM, TM_NONE},
    {"lseg", 601, 32, PX_TEXT_VERBATIM, TM_NONE},
    {"path", 602, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"box", 603, 32, PX_TEXT_VERBATIM, TM_NONE},
    {"polygon", 604, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"line", 628, 24, PX_TEXT_VERBATIM, TM_NONE},
    {"circle", 718, 24, PX_TEXT_VERBATIM, TM_NONE},
    {"unknown", 705, -2, PX_TEXT_VERBATIM, TM_NONE},
    /* Arrays: their text is PostgreSQL's array literal, passed through; typlen -1 like every array.
     * Element values inside are not re-formatted (a float4[] carries PostgreSQL's own text). */
    {"_bool", 1000, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_bytea", 1001, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_char", 1002, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_name", 1003, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_int2", 1005, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_int4", 1007, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_regproc", 1008, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_text", 1009, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_tid", 1010, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_xid", 1011, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_cid", 1012, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_bpchar", 1014, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_varchar", 1015, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_int8", 1016, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_float4", 1021, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_float8", 1022, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_oid", 1028, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_aclitem", 1034, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_inet", 1041, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_cidr", 651, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_money", 791, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_date", 1182, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_time", 1183, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_timetz", 1270, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_timestamp", 1115, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_timestamptz", 1185, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_interval", 1187, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_numeric", 1231, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_regclass", 2210, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_regtype", 2211, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_uuid", 2951, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_json", 199, -1, PX_TEXT_VERBATIM, TM_NONE},
    {"_jsonb", 3807, -1, PX_TEXT_VERBATIM, TM_NONE},
};

static const px_coltype TEXT_TYPE = {PX_OID_TEXT, -1, -1, PX_TEXT_VERBATIM};

static char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool name_equals(const char *s, size_t n, const char *lit) {
  size_t i = 0;
  for (; i < n; i++) {
    if (lit[i] == '\0' || ascii_lower(s[i]) != lit[i])
      return false;
  }
  return lit[i] == '\0';
}

static int32_t typmod_of(typmod_rule rule, int32_t precision, int32_t scale) {
  switch (rule) {
  case TM_NUMERIC:
    /* numeric(p,s): PostgreSQL 15 packs a scale of -1000..1000 into 11 bits (make_numeric_typmod).
     * Precision 0 is how the Data API reports an unconstrained numeric. */
    if (precision < 1 || precision > NUMERIC_MAX_PRECISION || scale < NUMERIC_MIN_SCALE ||
        scale > NUMERIC_MAX_SCALE)
      return -1;
    return (int32_t)((((uint32_t)precision << 16) | ((uint32_t)scale & 0x7ff)) + TYPMOD_OFFSET);
  case TM_CHAR:
    /* 2147483647 (no declared length) and anything PostgreSQL could not have declared: none. */
    if (precision < 1 || precision > MAX_CHAR_LENGTH)
      return -1;
    return precision + TYPMOD_OFFSET;
  case TM_TIME:
    /* The scale is the fractional-second precision; 6 is both the default and an explicit (6),
     * which the Data API does not tell apart, so it is reported as the more common "none". */
    if (scale < 0 || scale >= DEFAULT_TIME_SCALE)
      return -1;
    return scale;
  case TM_NONE:
    break;
  }
  return -1;
}

px_coltype px_types_from_dataapi(const char *type_name, size_t type_name_len, int32_t precision,
                                 int32_t scale) {
  if (type_name == NULL || type_name_len == 0)
    return TEXT_TYPE;
  for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
    const type_entry *e = &TYPES[i];
    if (name_equals(type_name, type_name_len, e->name)) {
      px_coltype t = {e->oid, e->typlen, typmod_of(e->typmod, precision, scale), e->kind};
      return t;
    }
  }
  return TEXT_TYPE;
}

px_coltype px_types_from_column(const dapi_result_column *col) {
  return px_types_from_dataapi(col->type_name.ptr, col->type_name.len, col->precision, col->scale);
}

dapi_result_view px_types_column_name(const dapi_result_column *col) {
  if (col->label.len > 0)
    return col->label;
  return col->name;
}

const char *px_types_oid_name(uint32_t oid) {
  /* The last entry wins: a Redshift alias ("varbyte") is listed before the PostgreSQL name. */
  const char *name = "unknown";
  for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++) {
    if (TYPES[i].oid == oid) {
      name = TYPES[i].name;
    }
  }
  return name;
}
