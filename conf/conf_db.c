/* conf_db.c — [databases]: "client name = workgroup=wg database=dev region=eu-west-1".
 *
 * The spec is a list of key=value words separated by blanks; a value may be written in single
 * quotes ('...' with \' and \\), as in libpq connection strings, to hold blanks.
 */
#include "conf_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_WORKGROUP, K_CLUSTER, K_DATABASE, K_DB_USER, K_SECRET_ARN, K_REGION, K_COUNT };
static const char *const keys[K_COUNT] = {"workgroup", "cluster",    "database",
                                          "db_user",   "secret_arn", "region"};

/* Values found in one spec; each borrowed from the scratch copy of the spec. */
typedef struct spec {
  const char *v[K_COUNT];
} spec;

void conf__db_clear(conf_database *db) {
  free(db->name);
  free(db->target);
  free(db->database);
  free(db->db_user);
  free(db->secret_arn);
  free(db->region);
  memset(db, 0, sizeof(*db));
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

/* Splits buf (modified in place) into s. Returns NULL or a reason in why. */
static const char *split_spec(char *buf, spec *s, char *why, size_t cap) {
  char *p = buf;
  memset(s, 0, sizeof(*s));
  for (;;) {
    while (is_blank(*p))
      p++;
    if (*p == '\0')
      return NULL;
    char *word = p;
    char *eq = NULL;
    while (*p != '\0' && !is_blank(*p) && *p != '=')
      p++;
    if (*p != '=') {
      snprintf(why, cap, "expected key=value, got \"%.40s\"", word);
      return why;
    }
    eq = p;
    *eq = '\0';
    size_t k;
    for (k = 0; k < K_COUNT; k++)
      if (strcmp(word, keys[k]) == 0)
        break;
    if (k == K_COUNT) {
      snprintf(why, cap,
               "unknown key \"%.40s\" (use workgroup, cluster, database, db_user, secret_arn, "
               "region)",
               word);
      return why;
    }
    if (s->v[k] != NULL) {
      snprintf(why, cap, "%s= given twice", keys[k]);
      return why;
    }
    p = eq + 1;
    char *value = p;
    if (*p == '\'') {
      /* Decode in place: the output never runs ahead of the input. */
      char *w = p;
      for (p++; *p != '\'' && *p != '\0'; p++) {
        if (*p == '\\' && (p[1] == '\'' || p[1] == '\\'))
          p++;
        *w++ = *p;
      }
      if (*p != '\'') {
        snprintf(why, cap, "%s=: unterminated quoted value", keys[k]);
        return why;
      }
      p++;
      if (*p != '\0' && !is_blank(*p)) {
        snprintf(why, cap, "%s=: unexpected text after the closing quote", keys[k]);
        return why;
      }
      if (*p != '\0')
        p++;
      *w = '\0';
    } else {
      while (*p != '\0' && !is_blank(*p))
        p++;
      if (*p != '\0')
        *p++ = '\0';
    }
    if (*value == '\0') {
      snprintf(why, cap, "%s= has an empty value", keys[k]);
      return why;
    }
    s->v[k] = value;
  }
}

static bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ClusterIdentifier in the Data API model: [a-z][a-z0-9]*(-[a-z0-9]+)*, 1-63 characters. */
static bool valid_cluster(const char *v) {
  size_t n = strlen(v);
  if (n < 1 || n > 63 || !(v[0] >= 'a' && v[0] <= 'z') || v[n - 1] == '-')
    return false;
  for (size_t i = 0; i < n; i++) {
    if (v[i] == '-' && v[i + 1] == '-')
      return false;
    if (v[i] != '-' && !is_lower_alnum(v[i]))
      return false;
  }
  return true;
}

/* WorkgroupName: [a-z0-9-]{3,63}, or a redshift-serverless workgroup ARN (up to 128). */
static bool valid_workgroup(const char *v) {
  size_t n = strlen(v);
  if (strncmp(v, "arn:", 4) == 0)
    return n <= 128 && strstr(v, ":redshift-serverless:") != NULL &&
           strstr(v, ":workgroup/") != NULL && conf__check_no_space(v) == NULL;
  if (n < 3 || n > 63)
    return false;
  for (size_t i = 0; i < n; i++)
    if (v[i] != '-' && !is_lower_alnum(v[i]))
      return false;
  return true;
}

static const char *check_spec(const spec *s, char *why, size_t cap) {
  const char *wg = s->v[K_WORKGROUP], *cl = s->v[K_CLUSTER];
  if ((wg == NULL) == (cl == NULL))
    return "give exactly one of workgroup= or cluster=";
  if (wg != NULL && !valid_workgroup(wg)) {
    snprintf(why, cap,
             "workgroup=%.64s: a workgroup name is 3-63 lower-case letters, digits and hyphens "
             "(or a workgroup ARN)",
             wg);
    return why;
  }
  if (cl != NULL && !valid_cluster(cl)) {
    snprintf(why, cap,
             "cluster=%.64s: a cluster identifier is 1-63 lower-case letters, digits and single "
             "hyphens, starting with a letter",
             cl);
    return why;
  }
  if (s->v[K_DB_USER] != NULL && s->v[K_SECRET_ARN] != NULL)
    return "give at most one of db_user= or secret_arn=";
  if (s->v[K_DB_USER] != NULL && wg != NULL)
    return "db_user= needs a cluster= target (a serverless workgroup authenticates with IAM or "
           "secret_arn=)";
  if (s->v[K_REGION] != NULL && conf__check_region(s->v[K_REGION]) != NULL) {
    snprintf(why, cap, "region=%.64s: not a region name (like us-east-1)", s->v[K_REGION]);
    return why;
  }
  if (s->v[K_DATABASE] != NULL && strlen(s->v[K_DATABASE]) > 127)
    return "database= is longer than 127 bytes";
  return NULL;
}

static const char *check_name(const char *name) {
  size_t n = strlen(name);
  if (n == 0)
    return "empty database name";
  if (n > 127)
    return "database name longer than 127 bytes";
  return NULL;
}

static char *dup_or_empty(conf__ctx *ctx, const char *v) {
  char *c = strdup(v != NULL ? v : "");
  if (c == NULL)
    ctx->oom = true;
  return c;
}

conf__db_entry *conf__db_lookup(conf__ctx *ctx, const char *name) {
  for (size_t i = 0; i < ctx->n_dbs; i++)
    if (strcmp(ctx->dbs[i].db.name, name) == 0)
      return &ctx->dbs[i];
  return NULL;
}

static void describe(const conf__origin *o, const char *name, char *buf, size_t cap) {
  switch (o->src) {
  case CONF__SRC_FILE:
    snprintf(buf, cap, "%s:%u: [databases] %s", o->file, o->line, name);
    return;
  case CONF__SRC_SET:
    snprintf(buf, cap, "%s%s", o->name, name); /* "--database dev", "--set databases.dev" */
    return;
  default:
    snprintf(buf, cap, "[databases] %s", name);
    return;
  }
}

void conf__db_set(conf__ctx *ctx, const char *name, const char *spec_text, const conf__origin *o) {
  char where[CONF_DIAG_TEXT_MAX / 2];
  char shown[48];
  snprintf(shown, sizeof(shown), "%s", name);
  describe(o, shown, where, sizeof(where));

  const char *bad = check_name(name);
  if (bad != NULL) {
    conf__diag(ctx, CONF_DIAG_ERROR, "%s: %s", where, bad);
    return;
  }
  char *buf = strdup(spec_text);
  if (buf == NULL) {
    ctx->oom = true;
    return;
  }
  spec s;
  char why[256];
  bad = split_spec(buf, &s, why, sizeof(why));
  if (bad == NULL)
    bad = check_spec(&s, why, sizeof(why));
  if (bad != NULL) {
    conf__diag(ctx, CONF_DIAG_ERROR, "%s: %s", where, bad);
    free(buf);
    return;
  }

  conf_database db;
  memset(&db, 0, sizeof(db));
  db.kind = s.v[K_WORKGROUP] != NULL ? CONF_TARGET_WORKGROUP : CONF_TARGET_CLUSTER;
  db.name = dup_or_empty(ctx, name);
  db.target = dup_or_empty(ctx, s.v[K_WORKGROUP] != NULL ? s.v[K_WORKGROUP] : s.v[K_CLUSTER]);
  /* A named entry defaults to the same database name, as PgBouncer does; "*" passes the
   * client's name through, which "" expresses. */
  const char *database = s.v[K_DATABASE];
  if (database == NULL && strcmp(name, "*") != 0)
    database = name;
  db.database = dup_or_empty(ctx, database);
  db.db_user = dup_or_empty(ctx, s.v[K_DB_USER]);
  db.secret_arn = dup_or_empty(ctx, s.v[K_SECRET_ARN]);
  db.region = dup_or_empty(ctx, s.v[K_REGION]);
  free(buf);
  if (ctx->oom) {
    conf__db_clear(&db);
    return;
  }

  conf__origin kept = *o;
  kept.text = conf__keep(ctx, spec_text, strlen(spec_text));
  conf__db_entry *e = conf__db_lookup(ctx, name);
  if (e != NULL) {
    if (o->src == CONF__SRC_FILE && e->where.src == CONF__SRC_FILE)
      conf__diag(ctx, CONF_DIAG_WARNING, "%s: set again (first set at %s:%u); the later line wins",
                 where, e->where.file, e->where.line);
    conf__db_clear(&e->db);
  } else {
    if (ctx->n_dbs == ctx->cap_dbs) {
      size_t cap = ctx->cap_dbs ? ctx->cap_dbs * 2 : 8;
      conf__db_entry *grown = realloc(ctx->dbs, cap * sizeof(*grown));
      if (grown == NULL) {
        ctx->oom = true;
        conf__db_clear(&db);
        return;
      }
      ctx->dbs = grown;
      ctx->cap_dbs = cap;
    }
    e = &ctx->dbs[ctx->n_dbs++];
  }
  e->db = db;
  e->where = kept;
}

const conf_database *conf_database_find(const conf_settings *s, const char *client_db) {
  const conf_database *fallback = NULL;
  for (size_t i = 0; i < s->n_databases; i++) {
    if (strcmp(s->databases[i].name, client_db) == 0)
      return &s->databases[i];
    if (strcmp(s->databases[i].name, "*") == 0)
      fallback = &s->databases[i];
  }
  return fallback;
}

const char *conf_database_region(const conf_settings *s, const conf_database *db) {
  return db->region[0] != '\0' ? db->region : s->aws.region;
}
