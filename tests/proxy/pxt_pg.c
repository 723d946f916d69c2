/* pxt_pg.c — see pxt_pg.h. */
#include "pxt_pg.h"

#include <stdio.h>
#include <stdlib.h>

PGconn *pxt_pg_connect(const char *settings_sql) {
  const char *keys[] = {"host", "port", "user", "dbname", NULL};
  const char *vals[] = {getenv("PGHOST_DIRECT"), getenv("PGPORT_DIRECT"), getenv("PGUSER_DIRECT"),
                        getenv("PGDATABASE_DIRECT"), NULL};
  /* Unset variables are NULL values, which libpq skips (falling back to PGHOST etc.). */
  PGconn *conn = PQconnectdbParams(keys, vals, 0);
  if (PQstatus(conn) != CONNECTION_OK) {
    fprintf(stderr, "connect: %s\n", PQerrorMessage(conn));
    exit(2);
  }
  PGresult *r = PQexec(conn, settings_sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    fprintf(stderr, "SET: %s\n", PQerrorMessage(conn));
    exit(2);
  }
  PQclear(r);
  return conn;
}
