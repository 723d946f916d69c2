#include "emu_pg.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_util.h"

/* Reduces libpq's connection error ("connection to server at ... failed: FATAL:  database \"x\"
 * does not exist\n") to the server's sentence with its severity, as Redshift reports it. */
static void connect_error(PGconn *conn, char *err, size_t errlen) {
  const char *msg = conn != NULL ? PQerrorMessage(conn) : "out of memory";
  const char *fatal = strstr(msg, "FATAL:");
  if (fatal != NULL) {
    const char *text = fatal + 6;
    while (*text == ' ') {
      text++;
    }
    size_t n = strcspn(text, "\n");
    snprintf(err, errlen, "FATAL: %.*s", (int)n, text);
    return;
  }
  size_t n = strlen(msg);
  while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) {
    n--;
  }
  snprintf(err, errlen, "%.*s", (int)n, msg);
}

PGconn *emu_pg_connect(const char *conninfo, const char *dbname, char *err, size_t errlen) {
  /* The first "dbname" is expanded as a conninfo string; the later keywords override it. */
  const char *keys[] = {"dbname", "dbname", "options", "application_name", "connect_timeout", NULL};
  const char *vals[] = {conninfo, dbname, EMU_PG_OPTIONS, "redwire-emulator", "10", NULL};
  PGconn *conn = PQconnectdbParams(keys, vals, 1);
  if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
    connect_error(conn, err, errlen);
    PQfinish(conn);
    return NULL;
  }
  return conn;
}

char *emu_pg_error_text(const PGresult *res, PGconn *conn) {
  const char *sev = res != NULL ? PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED) : NULL;
  const char *msg = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *pos = res != NULL ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
  char fallback[512];
  if (msg == NULL) {
    /* No server error: libpq's own (connection lost, protocol trouble). */
    const char *m = conn != NULL ? PQerrorMessage(conn) : "";
    size_t n = strlen(m);
    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' ')) {
      n--;
    }
    snprintf(fallback, sizeof fallback, "%.*s", (int)n, n > 0 ? m : "unknown error");
    msg = fallback;
  }
  if (sev == NULL) {
    sev = "ERROR";
  }
  size_t cap = strlen(sev) + strlen(msg) + (pos != NULL ? strlen(pos) : 0) + 32;
  char *out = malloc(cap);
  if (out != NULL) {
    if (pos != NULL) {
      snprintf(out, cap, "%s: %s\n Position: %s", sev, msg, pos);
    } else {
      snprintf(out, cap, "%s: %s", sev, msg);
    }
  }
  return out;
}

bool emu_pg_describe(PGconn *conn, const PGresult *res, emu_result_colmeta *meta, char **arena,
                     char *err, size_t errlen) {
  int n = PQnfields(res);
  *arena = NULL;
  if (n == 0) {
    return true;
  }
  emu_buf types, rels, atts;
  emu_buf_init(&types, 1u << 20);
  emu_buf_init(&rels, 1u << 20);
  emu_buf_init(&atts, 1u << 20);
  for (int i = 0; i < n; i++) {
    emu_buf_printf(&types, "%s%u", i == 0 ? "{" : ",", (unsigned)PQftype(res, i));
    emu_buf_printf(&rels, "%s%u", i == 0 ? "{" : ",", (unsigned)PQftable(res, i));
    emu_buf_printf(&atts, "%s%d", i == 0 ? "{" : ",", PQftablecol(res, i));
  }
  emu_buf_putc(&types, '}');
  emu_buf_putc(&rels, '}');
  emu_buf_putc(&atts, '}');
  bool ok = !types.failed && !rels.failed && !atts.failed;
  PGresult *q = NULL;
  if (ok) {
    const char *params[3] = {types.data, rels.data, atts.data};
    q = PQexecParams(conn,
                     "select coalesce(t.typname, ''), coalesce(n.nspname, ''), "
                     "coalesce(c.relname, ''), coalesce(a.attnotnull, false) "
                     "from unnest($1::pg_catalog.oid[], $2::pg_catalog.oid[], "
                     "$3::pg_catalog.int2[]) with ordinality as u(typ, rel, att, ord) "
                     "left join pg_catalog.pg_type t on t.oid = u.typ "
                     "left join pg_catalog.pg_class c on c.oid = u.rel "
                     "left join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
                     "left join pg_catalog.pg_attribute a on a.attrelid = u.rel "
                     "and a.attnum = u.att and u.att > 0 "
                     "order by u.ord",
                     3, NULL, params, NULL, NULL, 0);
    ok = PQresultStatus(q) == PGRES_TUPLES_OK && PQntuples(q) == n;
    if (!ok) {
      snprintf(err, errlen, "column description failed: %s", PQerrorMessage(conn));
    }
  } else {
    snprintf(err, errlen, "out of memory");
  }
  emu_buf_free(&types);
  emu_buf_free(&rels);
  emu_buf_free(&atts);
  if (ok) {
    size_t total = 0;
    for (int i = 0; i < n; i++) {
      for (int f = 0; f < 3; f++) {
        total += (size_t)PQgetlength(q, i, f) + 1;
      }
    }
    char *a = malloc(total);
    ok = a != NULL;
    if (ok) {
      size_t pos = 0;
      for (int i = 0; i < n; i++) {
        const char **slots[3] = {&meta[i].type_name, &meta[i].schema_name, &meta[i].table_name};
        for (int f = 0; f < 3; f++) {
          size_t len = (size_t)PQgetlength(q, i, f) + 1;
          memcpy(a + pos, PQgetvalue(q, i, f), len);
          *slots[f] = a + pos;
          pos += len;
        }
        meta[i].not_null = PQgetvalue(q, i, 3)[0] == 't';
      }
      *arena = a;
    } else {
      snprintf(err, errlen, "out of memory");
    }
  }
  PQclear(q);
  return ok;
}

/* ---- pool ---- */

typedef struct idle_conn {
  char *dbname; /* owned */
  PGconn *conn; /* owned */
} idle_conn;

struct emu_pgpool {
  pthread_mutex_t mu;
  const char *conninfo; /* borrowed */
  idle_conn *idle;      /* guarded by mu */
  size_t n_idle, max_idle;
};

emu_pgpool *emu_pgpool_new(const char *conninfo, size_t max_idle) {
  emu_pgpool *p = calloc(1, sizeof *p);
  if (p == NULL) {
    return NULL;
  }
  p->idle = calloc(max_idle > 0 ? max_idle : 1, sizeof *p->idle);
  if (p->idle == NULL) {
    free(p);
    return NULL;
  }
  pthread_mutex_init(&p->mu, NULL);
  p->conninfo = conninfo;
  p->max_idle = max_idle;
  return p;
}

void emu_pgpool_free(emu_pgpool *p) {
  if (p == NULL) {
    return;
  }
  for (size_t i = 0; i < p->n_idle; i++) {
    PQfinish(p->idle[i].conn);
    free(p->idle[i].dbname);
  }
  free(p->idle);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

PGconn *emu_pgpool_get(emu_pgpool *p, const char *dbname, char *err, size_t errlen) {
  pthread_mutex_lock(&p->mu);
  for (size_t i = p->n_idle; i-- > 0;) {
    if (strcmp(p->idle[i].dbname, dbname) == 0) {
      PGconn *c = p->idle[i].conn;
      free(p->idle[i].dbname);
      p->idle[i] = p->idle[--p->n_idle];
      pthread_mutex_unlock(&p->mu);
      if (PQstatus(c) == CONNECTION_OK) {
        return c;
      }
      PQfinish(c);
      pthread_mutex_lock(&p->mu);
      break;
    }
  }
  pthread_mutex_unlock(&p->mu);
  return emu_pg_connect(p->conninfo, dbname, err, errlen);
}

void emu_pgpool_put(emu_pgpool *p, const char *dbname, PGconn *conn) {
  if (conn == NULL) {
    return;
  }
  bool keep = PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
  if (keep) {
    /* Session-less statements must not see each other's SET, temp tables or prepared state. */
    PGresult *r = PQexec(conn, "DISCARD ALL");
    keep = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
  }
  char *name = keep ? emu_strndup(dbname, strlen(dbname)) : NULL;
  if (name != NULL) {
    pthread_mutex_lock(&p->mu);
    if (p->n_idle < p->max_idle) {
      p->idle[p->n_idle].dbname = name;
      p->idle[p->n_idle].conn = conn;
      p->n_idle++;
      name = NULL;
      conn = NULL;
    }
    pthread_mutex_unlock(&p->mu);
  }
  free(name);
  PQfinish(conn);
}

bool emu_pg_ping(const char *conninfo) {
  return PQping(conninfo) == PQPING_OK;
}
