/* ListDatabases, ListSchemas, ListTables and DescribeTable: queries of PostgreSQL's catalogs, run
 * synchronously on a pooled connection to the request's Database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_ops.h"
#include "emu_types.h"

/* Paging default when MaxResults is absent or 0 (the model's maximum). */
#define CATALOG_PAGE 1000

/* Checks the target members and connects to Database. */
static PGconn *connect_target(emu_call *c) {
  emu_target t;
  emu_in_target(c, &t);
  if (!emu_check_target(c, &t)) {
    return NULL;
  }
  char err[512];
  PGconn *conn = emu_pgpool_get(c->srv->pool, t.database, err, sizeof err);
  if (conn == NULL) {
    emu_err_set(c->err, 500, "DatabaseConnectionException", "%s", err);
  }
  return conn;
}

static void release(emu_call *c, PGconn *conn) {
  emu_pgpool_put(c->srv->pool, emu_in_str(c, "Database"), conn);
}

/* Runs a catalog query whose last two parameters are LIMIT and OFFSET (added here). */
static PGresult *query(emu_call *c, PGconn *conn, const char *sql, int n, const char **params,
                       int limit, int64_t offset) {
  char lim[24], off[24];
  snprintf(lim, sizeof lim, "%d", limit + 1); /* one more row tells whether a page follows */
  snprintf(off, sizeof off, "%lld", (long long)offset);
  const char *all[8];
  for (int i = 0; i < n; i++) {
    all[i] = params[i];
  }
  all[n] = lim;
  all[n + 1] = off;
  PGresult *r = PQexecParams(conn, sql, n + 2, NULL, all, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    char *text = emu_pg_error_text(r, conn);
    EMU_ERR_INTERNAL(c->err, "%s", text != NULL ? text : "catalog query failed");
    free(text);
    PQclear(r);
    return NULL;
  }
  return r;
}

/* Writes {"<member>":["a","b"],"NextToken":...} from column 0 of r. */
static void write_names(emu_call *c, PGresult *r, const char *member, const char *scope, int limit,
                        int64_t offset) {
  int rows = PQntuples(r);
  emu_buf_printf(c->out, "{\"%s\":[", member);
  for (int i = 0; i < rows && i < limit; i++) {
    if (i > 0) {
      emu_buf_putc(c->out, ',');
    }
    emu_json_cstr(c->out, PQgetvalue(r, i, 0));
  }
  emu_buf_putc(c->out, ']');
  if (rows > limit) {
    emu_out_next_token(c, scope, offset + limit);
  }
  emu_buf_putc(c->out, '}');
}

static bool list_names(emu_call *c, const char *op, const char *member, const char *sql, int n,
                       const char **params) {
  char scope[2048];
  int len = snprintf(scope, sizeof scope, "%s|%s", op, emu_in_str(c, "Database"));
  for (int i = 0; i < n && len > 0 && (size_t)len < sizeof scope; i++) {
    len += snprintf(scope + len, sizeof scope - (size_t)len, "|%s", params[i]);
  }
  int64_t offset;
  int limit;
  if (!emu_paging(c, scope, CATALOG_PAGE, &offset, &limit)) {
    return false;
  }
  PGconn *conn = connect_target(c);
  if (conn == NULL) {
    return false;
  }
  PGresult *r = query(c, conn, sql, n, params, limit, offset);
  release(c, conn);
  if (r == NULL) {
    return false;
  }
  write_names(c, r, member, scope, limit, offset);
  PQclear(r);
  return true;
}

bool emu_op_list_databases(emu_call *c) {
  return list_names(c, "ListDatabases", "Databases",
                    "select datname from pg_catalog.pg_database "
                    "where not datistemplate and datallowconn order by datname "
                    "limit $1 offset $2",
                    0, NULL);
}

/* Schemas PostgreSQL uses internally (TOAST, other sessions' temp schemas) are not listed. */
#define HIDDEN_SCHEMAS "'^pg_(toast|temp_|toast_temp_)'"

bool emu_op_list_schemas(emu_call *c) {
  const char *pattern = emu_in_str(c, "SchemaPattern");
  const char *params[1] = {pattern != NULL ? pattern : "%"};
  return list_names(c, "ListSchemas", "Schemas",
                    "select nspname from pg_catalog.pg_namespace "
                    "where nspname like $1 and nspname !~ " HIDDEN_SCHEMAS " "
                    "order by nspname limit $2 offset $3",
                    1, params);
}

bool emu_op_list_tables(emu_call *c) {
  const char *sp = emu_in_str(c, "SchemaPattern");
  const char *tp = emu_in_str(c, "TablePattern");
  const char *params[2] = {sp != NULL ? sp : "%", tp != NULL ? tp : "%"};
  char scope[2048];
  snprintf(scope, sizeof scope, "ListTables|%s|%s|%s", emu_in_str(c, "Database"), params[0],
           params[1]);
  int64_t offset;
  int limit;
  if (!emu_paging(c, scope, CATALOG_PAGE, &offset, &limit)) {
    return false;
  }
  PGconn *conn = connect_target(c);
  if (conn == NULL) {
    return false;
  }
  PGresult *r = query(
      c, conn,
      "select c.relname, n.nspname, case "
      "when n.nspname in ('pg_catalog', 'information_schema') then 'SYSTEM TABLE' "
      "when c.relpersistence = 't' then 'LOCAL TEMPORARY' "
      "when c.relkind in ('v', 'm') then 'VIEW' else 'TABLE' end "
      "from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
      "where c.relkind in ('r', 'p', 'v', 'm', 'f') and n.nspname like $1 and c.relname like $2 "
      "and n.nspname !~ " HIDDEN_SCHEMAS " "
      "order by n.nspname, c.relname limit $3 offset $4",
      2, params, limit, offset);
  release(c, conn);
  if (r == NULL) {
    return false;
  }
  int rows = PQntuples(r);
  emu_buf *o = c->out;
  emu_buf_puts(o, "{\"Tables\":[");
  for (int i = 0; i < rows && i < limit; i++) {
    emu_buf_puts(o, i > 0 ? ",{\"name\":" : "{\"name\":");
    emu_json_cstr(o, PQgetvalue(r, i, 0));
    emu_buf_puts(o, ",\"schema\":");
    emu_json_cstr(o, PQgetvalue(r, i, 1));
    emu_buf_puts(o, ",\"type\":");
    emu_json_cstr(o, PQgetvalue(r, i, 2));
    emu_buf_putc(o, '}');
  }
  emu_buf_putc(o, ']');
  if (rows > limit) {
    emu_out_next_token(c, scope, offset + limit);
  }
  emu_buf_putc(o, '}');
  PQclear(r);
  return true;
}

bool emu_op_describe_table(emu_call *c) {
  const char *schema = emu_in_str(c, "Schema");
  const char *table = emu_in_str(c, "Table");
  char scope[2048];
  snprintf(scope, sizeof scope, "DescribeTable|%s|%s|%s", emu_in_str(c, "Database"),
           schema != NULL ? schema : "\x01", table != NULL ? table : "\x01");
  int64_t offset;
  int limit;
  if (!emu_paging(c, scope, CATALOG_PAGE, &offset, &limit)) {
    return false;
  }
  PGconn *conn = connect_target(c);
  if (conn == NULL) {
    return false;
  }
  const char *params[2] = {schema, table};
  PGresult *r =
      query(c, conn,
            "select n.nspname, c.relname, a.attname, a.atttypid, a.atttypmod, t.typname, "
            "a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), t.typcategory "
            "from pg_catalog.pg_attribute a "
            "join pg_catalog.pg_class c on c.oid = a.attrelid "
            "join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
            "join pg_catalog.pg_type t on t.oid = a.atttypid "
            "left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum "
            "where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f') "
            "and ($1::text is null or n.nspname = $1) and ($2::text is null or c.relname = $2) "
            "and n.nspname !~ " HIDDEN_SCHEMAS " "
            "order by n.nspname, c.relname, a.attnum limit $3 offset $4",
            2, params, limit, offset);
  release(c, conn);
  if (r == NULL) {
    return false;
  }
  int rows = PQntuples(r);
  emu_buf *o = c->out;
  emu_buf_puts(o, "{\"ColumnList\":[");
  for (int i = 0; i < rows && i < limit; i++) {
    emu_column_info info = {
        .type_oid = (uint32_t)strtoul(PQgetvalue(r, i, 3), NULL, 10),
        .typmod = (int32_t)strtol(PQgetvalue(r, i, 4), NULL, 10),
        .pg_type_name = PQgetvalue(r, i, 5),
        .name = PQgetvalue(r, i, 2),
        .schema_name = PQgetvalue(r, i, 0),
        .table_name = PQgetvalue(r, i, 1),
        .nullable = PQgetvalue(r, i, 6)[0] == 't' ? 0 : 1,
    };
    if (i > 0) {
      emu_buf_putc(o, ',');
    }
    /* typcategory 'S' (string types): for a domain it is the base type's category. */
    emu_types_table_column_metadata(o, &info, strcmp(PQgetvalue(r, i, 8), "S") == 0,
                                    PQgetisnull(r, i, 7) ? NULL : PQgetvalue(r, i, 7));
  }
  emu_buf_putc(o, ']');
  if (rows > limit) {
    emu_out_next_token(c, scope, offset + limit);
  }
  emu_out_str_member(o, "TableName", table);
  emu_buf_putc(o, '}');
  PQclear(r);
  return true;
}
