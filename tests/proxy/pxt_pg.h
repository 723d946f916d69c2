/* pxt_pg.h — the cross-check programs' connection to the stack's PostgreSQL. */
#ifndef PXT_PG_H
#define PXT_PG_H

#include <libpq-fe.h>

/* Connects with PGHOST_DIRECT/PGPORT_DIRECT/PGUSER_DIRECT/PGDATABASE_DIRECT (unset ones fall back
 * to libpq's own PGHOST etc.) and runs settings_sql, the session settings the check reproduces.
 * Exits with status 2 and a message on failure: a cross-check without its server cannot run. */
PGconn *pxt_pg_connect(const char *settings_sql);

#endif
