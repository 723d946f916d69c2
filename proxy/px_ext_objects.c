/* px_ext_objects.c — the prepared statements, portals and SQL cursors of a connection: lookup,
 * replacement and the ends of their lifetimes (PostgreSQL's: the unnamed statement replaced by
 * the next unnamed Parse or a simple Query, portals ending with their transaction, DISCARD ALL,
 * SQL DEALLOCATE sharing the statements' namespace). */
#include <stdlib.h>
#include <string.h>

#include "px_conn.h"
#include "px_ext_int.h"

/* ---- lists ---- */

void px_ext__cols_free(px_ext_cols *k) {
  free(k->cols);
  free(k->names);
  memset(k, 0, sizeof(*k));
}

/* Copies n columns (names included) into k. */
bool px_ext__cols_copy(px_ext_cols *k, const px_column *cols, uint32_t n, bool has_rows) {
  px_ext__cols_free(k);
  size_t total = 0;
  for (uint32_t i = 0; i < n; i++) {
    total += strlen(cols[i].name) + 1;
  }
  if (n > 0) {
    k->cols = malloc(n * sizeof(*k->cols));
    k->names = malloc(total);
    if (k->cols == NULL || k->names == NULL) {
      px_ext__cols_free(k);
      return false;
    }
  }
  size_t at = 0;
  for (uint32_t i = 0; i < n; i++) {
    size_t l = strlen(cols[i].name) + 1;
    memcpy(k->names + at, cols[i].name, l);
    k->cols[i].name = k->names + at;
    k->cols[i].type = cols[i].type;
    at += l;
  }
  k->n = n;
  k->known = true;
  k->has_rows = has_rows;
  return true;
}

void px_ext__stmt_free(px_ext_stmt *s) {
  free(s->name);
  free(s->sql);
  free(s->param_oids);
  px_ext__cols_free(&s->cols);
  free(s);
}

void px_ext__portal_free(px_ext_portal *p) {
  px_param_sql_free(&p->run);
  pgw_buf_free(&p->held);
  free(p->declare_sql);
  free(p->name);
  free(p->codes);
  free(p->stmt_id);
  free(p->token);
  px_ext__cols_free(&p->cols);
  free(p);
}

px_ext_stmt *px_ext__find_stmt(px_conn *c, const char *name) {
  for (px_ext_stmt *s = c->work->ext.stmts; s != NULL; s = s->next) {
    if (strcmp(s->name, name) == 0) {
      return s;
    }
  }
  return NULL;
}

px_ext_portal *px_ext__find_portal(px_conn *c, const char *name) {
  for (px_ext_portal *p = c->work->ext.portals; p != NULL; p = p->next) {
    if (strcmp(p->name, name) == 0) {
      return p;
    }
  }
  return NULL;
}

bool px_ext__drop_stmt(px_conn *c, const char *name) {
  for (px_ext_stmt **pp = &c->work->ext.stmts; *pp != NULL; pp = &(*pp)->next) {
    if (strcmp((*pp)->name, name) == 0) {
      px_ext_stmt *s = *pp;
      *pp = s->next;
      px_ext__stmt_free(s);
      return true;
    }
  }
  return false;
}

static void drop_stmts(px_conn *c) {
  while (c->work->ext.stmts != NULL) {
    px_ext_stmt *s = c->work->ext.stmts;
    c->work->ext.stmts = s->next;
    px_ext__stmt_free(s);
  }
}

void px_ext__drop_portal(px_conn *c, const char *name) {
  for (px_ext_portal **pp = &c->work->ext.portals; *pp != NULL; pp = &(*pp)->next) {
    if (strcmp((*pp)->name, name) == 0) {
      px_ext_portal *p = *pp;
      *pp = p->next;
      px_ext__portal_free(p);
      return;
    }
  }
}

/* The transaction ended: its portals end with it (PostgreSQL's AtCommit_Portals / AtAbort). */
void px_ext__drop_portals(px_conn *c, const px_ext_portal *keep) {
  for (px_ext_portal **pp = &c->work->ext.portals; *pp != NULL;) {
    if (*pp != keep) {
      px_ext_portal *q = *pp;
      *pp = q->next;
      px_ext__portal_free(q);
    } else {
      pp = &(*pp)->next;
    }
  }
}

char *px_ext__zero_row_sql(const char *q, size_t len) {
  static const char pre[] = "SELECT * FROM (\n", post[] = "\n) AS redwire_describe LIMIT 0";
  char *sql = malloc(sizeof pre - 1 + len + sizeof post);
  if (sql != NULL) {
    memcpy(sql, pre, sizeof pre - 1);
    memcpy(sql + sizeof pre - 1, q, len);
    memcpy(sql + sizeof pre - 1 + len, post, sizeof post);
  }
  return sql;
}

void px_ext_free(px_conn *c) {
  if (c->work == NULL) {
    return;
  }
  px_ext__drop_portals(c, NULL);
  px_ext_cursor_closed(c, NULL);
  drop_stmts(c);
  memset(&c->work->ext, 0, sizeof(c->work->ext));
}

static void cursor_free(px_ext_cursor *k) {
  free(k->name);
  free(k->describe_sql);
  px_ext__cols_free(&k->cols);
  free(k);
}

px_ext_cursor *px_ext__find_cursor(px_conn *c, const char *name) {
  for (px_ext_cursor *k = c->work->ext.cursors; k != NULL; k = k->next) {
    if (strcmp(k->name, name) == 0) {
      return k;
    }
  }
  return NULL;
}

void px_ext_cursor_closed(px_conn *c, const char *name) {
  for (px_ext_cursor **pp = &c->work->ext.cursors; *pp != NULL;) {
    if (name == NULL || strcmp((*pp)->name, name) == 0) {
      px_ext_cursor *k = *pp;
      *pp = k->next;
      cursor_free(k);
    } else {
      pp = &(*pp)->next;
    }
  }
}

void px_ext_cursor_declared(px_conn *c, const char *name, const char *query, size_t len) {
  px_ext_cursor_closed(c, name); /* a new DECLARE of the name replaces the old */
  px_ext_cursor *k = calloc(1, sizeof(*k));
  if (k == NULL) {
    return; /* Describe of it will say 34000; the cursor itself works */
  }
  k->name = strdup(name);
  k->describe_sql = px_ext__zero_row_sql(query, len);
  if (k->name == NULL || k->describe_sql == NULL) {
    cursor_free(k);
    return;
  }
  k->next = c->work->ext.cursors;
  c->work->ext.cursors = k;
}

bool px_ext_deallocate(px_conn *c, const char *name) {
  if (name == NULL) {
    drop_stmts(c);
    return true;
  }
  return name[0] != '\0' && px_ext__drop_stmt(c, name);
}

void px_ext_discard(px_conn *c) {
  px_ext__drop_portals(c, c->work->ext.cur);
  drop_stmts(c);
  px_ext_cursor_closed(c, NULL);
}

void px_ext_on_query(px_conn *c) {
  px_ext__drop_stmt(c, "");
  px_ext__drop_portal(c, "");
}
