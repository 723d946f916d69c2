/* px_session.h — the session settings a client sees through ParameterStatus, SET, SHOW, RESET
 * and DISCARD ALL (CLIENTS.md: drivers cache DateStyle, TimeZone, client_encoding,
 * standard_conforming_strings from ParameterStatus; pgjdbc and Metabase send SET
 * extra_float_digits and SET application_name at connect; Power BI sends DISCARD ALL).
 *
 * Where each setting lives:
 *  - redwire's own (no Data API call): application_name and client_encoding (reported),
 *    extra_float_digits (redwire prints floats itself: shortest round-trip for values >= 1 as
 *    PostgreSQL 12+, DBL_DIG/FLT_DIG + the value significant digits for values <= 0, px_sink.c),
 * and the read-only server_version, server_encoding, integer_datetimes, is_superuser,
 * session_authorization (SHOW answers what ParameterStatus said; Redshift refuses SHOW
 * server_version to non-superusers);
 *  - the service's, tracked: DateStyle, IntervalStyle, TimeZone, standard_conforming_strings run
 *    on the Data API session; when such a SET (or RESET) succeeds, redwire records the value
 *    and sends ParameterStatus, as PostgreSQL does for GUC_REPORT settings.
 *  - DISCARD ALL (outside a transaction block) gives the client a fresh Data API session: the
 *    next statement opens a new one, so temporary tables, cursors, prepared statements and
 *    settings are all gone without a call; redwire's own settings return to their defaults.
 *  - settings of the StartupMessage (TimeZone, DateStyle, PGOPTIONS' -c name=value, ...) are
 *    applied to each new Data API session before its first statement, with one
 *    `SELECT set_config(...), ...` (one extra ExecuteStatement; values equal to the session's
 *    defaults are not sent); an invalid one ends the connection with PostgreSQL's FATAL.
 * Limits: a SET of a tracked setting rolled back with its transaction is not un-reported; SET
 * LOCAL is passed to the service and not tracked. RESET / RESET ALL of a startup setting go back
 * to the Data API session's default (set_config does not change defaults), so redwire applies the
 * startup settings again before the next statement, which then sees the startup value as on
 * PostgreSQL (+1 call).
 *
 * px_set_parse is pure (lexical, unit-tested); the rest acts on a connection.
 */
#ifndef PX_SESSION_H
#define PX_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "pgw_error.h"

typedef enum {
  PX_SET_NONE,        /* not a settings statement redwire looks at */
  PX_SET_SET,         /* SET [SESSION] name {TO|=} value | SET TIME ZONE value */
  PX_SET_RESET,       /* RESET name, SET name TO DEFAULT */
  PX_SET_RESET_ALL,   /* RESET ALL */
  PX_SET_SHOW,        /* SHOW name */
  PX_SET_DISCARD_ALL, /* DISCARD ALL */
  PX_SET_DEALLOCATE,  /* DEALLOCATE [PREPARE] name: value is the name (folded as PostgreSQL does) */
  PX_SET_DEALLOCATE_ALL, /* DEALLOCATE [PREPARE] ALL */
  PX_SET_DECLARE,   /* DECLARE name … CURSOR … FOR query: value is the name, query_off where the
                     * query starts */
  PX_SET_CLOSE,     /* CLOSE name: value is the name */
  PX_SET_CLOSE_ALL, /* CLOSE ALL */
} px_set_kind;

/* The settings redwire knows by name; PX_PARAM_OTHER is any other. */
typedef enum {
  PX_PARAM_OTHER = -1,
  PX_PARAM_APPLICATION_NAME,
  PX_PARAM_CLIENT_ENCODING,
  PX_PARAM_EXTRA_FLOAT_DIGITS,
  PX_PARAM_DATESTYLE,
  PX_PARAM_INTERVALSTYLE,
  PX_PARAM_TIMEZONE,
  PX_PARAM_STANDARD_CONFORMING_STRINGS,
  PX_PARAM_SERVER_VERSION,
  PX_PARAM_SERVER_ENCODING,
  PX_PARAM_INTEGER_DATETIMES,
  PX_PARAM_IS_SUPERUSER,
  PX_PARAM_SESSION_AUTHORIZATION,
  PX_PARAM_COUNT
} px_param_id;

#define PX_SET_VALUE_MAX 256

typedef struct px_set_stmt {
  px_set_kind kind;
  bool local;     /* SET LOCAL */
  px_param_id id; /* PX_SET_SET/RESET/SHOW */
  /* PX_SET_SET: the value as PostgreSQL would show it: string quotes removed (with '' undone),
   * identifiers lower-cased, list items joined with ", ", a sign joined to its number. */
  char value[PX_SET_VALUE_MAX];
  size_t query_off; /* PX_SET_DECLARE: byte offset of the cursor's query */
} px_set_stmt;

/* Classifies one statement. False (kind PX_SET_NONE) for anything else, or for a value longer
 * than PX_SET_VALUE_MAX - 1. */
bool px_set_parse(const char *sql, size_t len, px_set_stmt *out);

/* The known setting a name (any case) refers to, or PX_PARAM_OTHER. */
px_param_id px_param_lookup(const char *name);

/* PostgreSQL's name of a known setting ("DateStyle"), as ParameterStatus and SHOW spell it. */
const char *px_param_name(px_param_id id);

/* DateStyle's canonical form after SET DateStyle = value from current ("ISO, MDY"): the output
 * style (ISO, SQL, Postgres, German) and the field order (DMY, MDY, YMD; European = DMY, US and
 * NonEuropean = MDY), each kept from current when value does not name it. False (err 22023) for
 * an unknown or contradictory word. */
bool px_datestyle_canon(const char *current, const char *value, char *out, size_t cap,
                        pgw_error *err);

#endif
