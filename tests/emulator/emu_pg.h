/*
 * emu_pg.h — the emulator's PostgreSQL side: connections with the Data API's session settings,
 * a small pool of clean session-less connections, Redshift-style error text, and the catalog facts
 * ColumnMetadata needs. Blocking libpq calls; callers run them on statement threads or on the
 * request's own thread (MHD runs one thread per connection).
 */
#ifndef REDWIRE_EMU_PG_H
#define REDWIRE_EMU_PG_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "emu_result.h"

/* Settings every backend connection runs with (set at connection start through libpq's options,
 * so RESET/DISCARD ALL return to them): TimeZone=UTC, DateStyle=ISO,MDY, IntervalStyle=postgres,
 * extra_float_digits=1, bytea_output=hex. */
#define EMU_PG_OPTIONS                                                                             \
  "-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres -c extra_float_digits=1 "        \
  "-c bytea_output=hex"

/*
 * Connects to dbname with the base conninfo (whose own dbname, if any, is overridden). On failure
 * returns NULL and writes Redshift-style text ("FATAL: database \"x\" does not exist") to err.
 */
PGconn *emu_pg_connect(const char *conninfo, const char *dbname, char *err, size_t errlen);

/* "ERROR: <message>" plus "\n Position: N" when PostgreSQL reports a position. malloc'd; NULL on
 * allocation failure. */
char *emu_pg_error_text(const PGresult *res, PGconn *conn);

/*
 * Looks up, for every column of res, its type name, table schema/name and NOT NULL flag, with one
 * catalog query on conn. meta must have PQnfields(res) entries; its strings live in *arena
 * (malloc'd, the caller frees it after use). False on failure (err set).
 */
bool emu_pg_describe(PGconn *conn, const PGresult *res, emu_result_colmeta *meta, char **arena,
                     char *err, size_t errlen);

/* A pool of idle session-less connections, per database. Thread-safe. */
typedef struct emu_pgpool emu_pgpool;

/* conninfo is borrowed and must outlive the pool. NULL on allocation failure. */
emu_pgpool *emu_pgpool_new(const char *conninfo, size_t max_idle);
void emu_pgpool_free(emu_pgpool *p);
/* An idle connection to dbname, or a new one; NULL with err on failure. */
PGconn *emu_pgpool_get(emu_pgpool *p, const char *dbname, char *err, size_t errlen);
/* Returns conn (transferred). It is kept only if healthy, outside a transaction and DISCARD ALL
 * succeeds; otherwise closed. */
void emu_pgpool_put(emu_pgpool *p, const char *dbname, PGconn *conn);
/* True when the server accepts connections (libpq's PQping: whatever the database or user). */
bool emu_pg_ping(const char *conninfo);

#endif
