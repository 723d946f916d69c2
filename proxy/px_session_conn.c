/* px_session_conn.c — a connection's session settings (the model is in px_session.h): redwire's
 * own settings answered locally, tracked service settings, ParameterStatus before ReadyForQuery
 * for every reported setting whose value changed, and DISCARD ALL as a fresh Data API session. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "px_conn.h"
#include "px_text_int.h"

/* Settings PostgreSQL reports with ParameterStatus (GUC_REPORT) among those redwire knows. */
static bool reported(px_param_id id) {
  return id != PX_PARAM_EXTRA_FLOAT_DIGITS && id != PX_PARAM_OTHER;
}

/* Settings whose value redwire holds itself (SHOW and SET answered without a call). */
static bool own(px_param_id id) {
  switch (id) {
  case PX_PARAM_APPLICATION_NAME:
  case PX_PARAM_CLIENT_ENCODING:
  case PX_PARAM_EXTRA_FLOAT_DIGITS:
  case PX_PARAM_SERVER_VERSION:
  case PX_PARAM_SERVER_ENCODING:
  case PX_PARAM_INTEGER_DATETIMES:
  case PX_PARAM_IS_SUPERUSER:
  case PX_PARAM_SESSION_AUTHORIZATION:
    return true;
  default:
    return false;
  }
}

static bool read_only(px_param_id id) {
  return id == PX_PARAM_SERVER_VERSION || id == PX_PARAM_SERVER_ENCODING ||
         id == PX_PARAM_INTEGER_DATETIMES || id == PX_PARAM_IS_SUPERUSER;
}

static const char *default_of(const px_conn *c, px_param_id id);

/* A NULL cur[id] or sent[id] stands for default_of(c, id): a connection that never changes a
 * setting holds no copies (24 of them per idle client would double its memory; bench/run
 * idle-memory). */
static const char *cur_of(const px_conn *c, px_param_id id) {
  const char *v = c->sess.v != NULL ? c->sess.v->cur[id] : NULL;
  return v != NULL ? v : default_of(c, id);
}

/* The value arrays, allocated on first need; NULL when out of memory. */
static px_sess_vals *vals(px_conn *c) {
  if (c->sess.v == NULL) {
    c->sess.v = calloc(1, sizeof *c->sess.v);
  }
  return c->sess.v;
}

const char *px_session_value(const px_conn *c, px_param_id id) {
  return cur_of(c, id);
}

/* Sets cur[id] (copied unless it is the default); false when out of memory (the old value
 * stays). */
static bool set_cur(px_conn *c, px_param_id id, const char *v) {
  if (strcmp(v, default_of(c, id)) == 0) {
    if (c->sess.v != NULL) {
      free(c->sess.v->cur[id]);
      c->sess.v->cur[id] = NULL;
    }
    return true;
  }
  px_sess_vals *sv = vals(c);
  char *d = sv != NULL ? strdup(v) : NULL;
  if (d == NULL) {
    return false;
  }
  free(sv->cur[id]);
  sv->cur[id] = d;
  return true;
}

/* The value a setting has in a fresh session (what login reported). */
static const char *base_default(const px_conn *c, px_param_id id);

/* The value a setting has in a fresh session: the StartupMessage's, else the built-in one. */
static const char *default_of(const px_conn *c, px_param_id id) {
  if (id >= 0 && id < PX_PARAM_COUNT && c->sess.v != NULL && c->sess.v->startup_val[id] != NULL) {
    return c->sess.v->startup_val[id];
  }
  return base_default(c, id);
}

/* The Data API session's own default, which RESET on the service returns to (redwire applies
 * startup settings with set_config, which does not change the session's defaults: unlike
 * PostgreSQL, RESET then goes back past them). */
static const char *base_default(const px_conn *c, px_param_id id) {
  switch (id) {
  case PX_PARAM_APPLICATION_NAME:
    return c->sess.startup_app != NULL ? c->sess.startup_app
           : c->app_name != NULL       ? c->app_name
                                       : "";
  case PX_PARAM_CLIENT_ENCODING:
  case PX_PARAM_SERVER_ENCODING:
    return "UTF8";
  case PX_PARAM_EXTRA_FLOAT_DIGITS:
    return c->sess.startup_efd != NULL ? c->sess.startup_efd : "1";
  case PX_PARAM_DATESTYLE:
    return "ISO, MDY";
  case PX_PARAM_INTERVALSTYLE:
    return "postgres";
  case PX_PARAM_TIMEZONE:
    return "UTC";
  case PX_PARAM_STANDARD_CONFORMING_STRINGS:
  case PX_PARAM_INTEGER_DATETIMES:
    return "on";
  case PX_PARAM_SERVER_VERSION:
    return px_conn_conf(c)->redwire.server_version;
  case PX_PARAM_IS_SUPERUSER:
    return "off";
  case PX_PARAM_SESSION_AUTHORIZATION:
    return c->user != NULL ? c->user : "";
  default:
    return "";
  }
}

/* extra_float_digits: an integer in -15..3, as PostgreSQL checks it. */
static bool efd_ok(const char *v, char *canon, size_t cap, pgw_error *err) {
  char *end = NULL;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (end == v || *end != '\0' || errno != 0) {
    pgw_error_set(err, "ERROR", "22023",
                  "invalid value for parameter \"extra_float_digits\": \"%s\"", v);
    return false;
  }
  if (n < -15 || n > 3) {
    pgw_error_set(err, "ERROR", "22023",
                  "%ld is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)",
                  n);
    return false;
  }
  snprintf(canon, cap, "%ld", n);
  return true;
}

/* A setting name that can go into SQL as a string literal as it is. */
static bool plain_name(const char *s) {
  if (*s == '\0' || strlen(s) > 63) {
    return false;
  }
  for (; *s != '\0'; s++) {
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_' || *s == '.')) {
      return false;
    }
  }
  return true;
}

/* Appends set_config('name', 'value', false) to the startup SQL ('' doubled in the value). */
static void add_startup_setting(px_conn *c, const char *name, const char *value) {
  if (!plain_name(name) || strpbrk(value, "\\\n\r") != NULL || strlen(value) > 4096) {
    PX_LOG_WARN(&c->srv->log, c->id,
                "startup parameter %s is not applied: unsupported name or value",
                plain_name(name) ? name : "(invalid name)");
    return;
  }
  px_param_id id = px_param_lookup(name);
  char canon[64];
  pgw_error e;
  const char *shown = value;
  if (id == PX_PARAM_DATESTYLE) {
    if (!px_datestyle_canon("ISO, MDY", value, canon, sizeof canon, &e)) {
      shown = NULL; /* the service will say why */
    } else {
      shown = canon;
      if (strcmp(canon, "ISO, MDY") == 0) {
        return; /* the Data API session's own default: nothing to send */
      }
    }
  } else if (id == PX_PARAM_TIMEZONE &&
             (strcasecmp(value, "UTC") == 0 || strcasecmp(value, "Etc/UTC") == 0)) {
    return;
  }
  if (id == PX_PARAM_DATESTYLE || id == PX_PARAM_TIMEZONE || id == PX_PARAM_INTERVALSTYLE ||
      id == PX_PARAM_STANDARD_CONFORMING_STRINGS) {
    px_sess_vals *sv = vals(c);
    if (sv == NULL) {
      return; /* out of memory: the setting is not applied */
    }
    char *d = shown != NULL ? strdup(shown) : NULL;
    free(sv->startup_val[id]);
    sv->startup_val[id] = d; /* reported at login, restored by RESET / DISCARD ALL */
  }
  const char *sep = c->sess.startup_sql == NULL ? "SELECT " : ", ";
  size_t old = c->sess.startup_sql != NULL ? strlen(c->sess.startup_sql) : 0;
  size_t need = old + strlen(sep) + strlen("set_config('', '', false)") + strlen(name) +
                2 * strlen(value) + 1;
  char *sql = realloc(c->sess.startup_sql, need);
  if (sql == NULL) {
    return;
  }
  char *w = sql + old;
  w += sprintf(w, "%sset_config('%s', '", sep, name);
  for (const char *v = value; *v != '\0'; v++) {
    *w++ = *v;
    if (*v == '\'') {
      *w++ = '\'';
    }
  }
  strcpy(w, "', false)");
  c->sess.startup_sql = sql;
  size_t nold = c->sess.startup_names != NULL ? strlen(c->sess.startup_names) : 0;
  char *names = realloc(c->sess.startup_names, nold + strlen(name) + 2);
  if (names != NULL) {
    for (size_t i = 0; name[i] != '\0'; i++) {
      names[nold + i] = (char)tolower((unsigned char)name[i]);
    }
    strcpy(names + nold + strlen(name), ",");
    c->sess.startup_names = names;
  }
  PX_LOG_DEBUG(&c->srv->log, c->id, "startup parameter %s applies to the Data API session", name);
}

/* options: "-c name=value" / "-cname=value" / "--name=value", space-separated, backslash
 * escaping the next character (libpq's PGOPTIONS). */
static void parse_options(px_conn *c, const char *opts) {
  char tok[1024];
  bool want_c = false;
  const char *p = opts;
  while (*p != '\0') {
    while (*p == ' ' || *p == '\t') {
      p++;
    }
    size_t n = 0;
    while (*p != '\0' && *p != ' ' && *p != '\t') {
      if (*p == '\\' && p[1] != '\0') {
        p++;
      }
      if (n + 1 < sizeof tok) {
        tok[n++] = *p;
      }
      p++;
    }
    tok[n] = '\0';
    if (n == 0) {
      break;
    }
    const char *kv = NULL;
    if (want_c) {
      kv = tok;
      want_c = false;
    } else if (strcmp(tok, "-c") == 0) {
      want_c = true;
      continue;
    } else if (strncmp(tok, "-c", 2) == 0) {
      kv = tok + 2;
    } else if (strncmp(tok, "--", 2) == 0) {
      kv = tok + 2;
    }
    char *eq = kv != NULL ? strchr(kv, '=') : NULL;
    if (eq == NULL) {
      PX_LOG_WARN(&c->srv->log, c->id,
                  "startup options: ignoring a word that is not -c name=value");
      continue;
    }
    *eq = '\0';
    for (char *q = (char *)kv; *q != '\0'; q++) {
      if (*q == '-') {
        *q = '_'; /* --search-path=... is --search_path=... */
      }
    }
    px_session_startup_param(c, kv, eq + 1);
  }
}

void px_session_startup_param(px_conn *c, const char *name, const char *value) {
  char canon[16];
  pgw_error e;
  if (strcmp(name, "extra_float_digits") == 0) {
    if (efd_ok(value, canon, sizeof canon, &e)) {
      free(c->sess.startup_efd);
      c->sess.startup_efd = strdup(canon);
    }
    return;
  }
  if (strcmp(name, "options") == 0) {
    parse_options(c, value);
    return;
  }
  static const char *const handled[] = {"user", "database", "application_name", "client_encoding",
                                        "replication"};
  for (size_t i = 0; i < sizeof handled / sizeof handled[0]; i++) {
    if (strcmp(name, handled[i]) == 0) {
      return;
    }
  }
  if (strncmp(name, "_pq_.", 5) == 0) {
    return;
  }
  px_param_id id = px_param_lookup(name);
  if (id != PX_PARAM_OTHER && own(id)) {
    return; /* read-only ones, and application_name / client_encoding handled above */
  }
  add_startup_setting(c, name, value);
}

bool px_session_start(px_conn *c) {
  /* application_name's default is the StartupMessage's, which c->app_name keeps. */
  free(c->sess.startup_app);
  c->sess.startup_app = NULL;
  for (int i = 0; c->sess.v != NULL && i < PX_PARAM_COUNT; i++) {
    /* Every setting at its default, and login reports every one of them: all NULL. */
    free(c->sess.v->cur[i]);
    free(c->sess.v->sent[i]);
    c->sess.v->cur[i] = NULL;
    c->sess.v->sent[i] = NULL;
  }
  return true;
}

void px_session_free(px_conn *c) {
  for (int i = 0; c->sess.v != NULL && i < PX_PARAM_COUNT; i++) {
    free(c->sess.v->cur[i]);
    free(c->sess.v->sent[i]);
    free(c->sess.v->startup_val[i]);
  }
  free(c->sess.v);
  free(c->sess.startup_app);
  free(c->sess.startup_efd);
  free(c->sess.startup_sql);
  free(c->sess.startup_names);
  memset(&c->sess, 0, sizeof(c->sess));
}

void px_session_report(px_conn *c, pgw_wr *w) {
  for (int i = 0; i < PX_PARAM_COUNT; i++) {
    px_param_id id = (px_param_id)i;
    const char *cur = cur_of(c, id);
    px_sess_vals *sv = c->sess.v;
    const char *sent = sv != NULL && sv->sent[i] != NULL ? sv->sent[i] : default_of(c, id);
    if (!reported(id) || strcmp(cur, sent) == 0) {
      continue; /* also when sv is NULL: every value is its default, as sent at login */
    }
    pgw_enc_parameter_status(w, px_param_name(id), cur);
    char *d = sv->cur[i] != NULL ? strdup(cur) : NULL; /* NULL: the default was sent */
    if (d != NULL || sv->cur[i] == NULL) {
      free(sv->sent[i]);
      sv->sent[i] = d;
    }
  }
}

const char *px_session_local_column(const char *sql, size_t len) {
  px_set_stmt st;
  if (!px_set_parse(sql, len, &st) || st.kind != PX_SET_SHOW || !own(st.id)) {
    return NULL;
  }
  return px_param_name(st.id);
}

/* DISCARD ALL: the next statement opens a new Data API session, so everything the old one held
 * (temporary tables, cursors, prepared statements, settings) is gone at once; the old session
 * expires on the service after its keep-alive. */
static void discard_all(px_conn *c) {
  PX_LOG_INFO(&c->srv->log, c->id, "DISCARD ALL: leaving Data API session %s",
              c->session_id != NULL ? c->session_id : "(none)");
  free(c->session_id);
  c->session_id = NULL;
  px_ext_discard(c);
  for (int i = 0; i < PX_PARAM_COUNT; i++) {
    px_param_id id = (px_param_id)i;
    (void)set_cur(c, id, default_of(c, id));
  }
}

px_local_rc px_session_local(px_conn *c, const char *sql, size_t len, bool in_block, bool rowdesc,
                             bool *has_rows, pgw_error *err) {
  *has_rows = false;
  px_set_stmt st;
  if (!px_set_parse(sql, len, &st)) {
    return PX_LOCAL_NO;
  }
  switch (st.kind) {
  case PX_SET_SHOW: {
    if (!own(st.id)) {
      return PX_LOCAL_NO;
    }
    const char *v = cur_of(c, st.id);
    pgw_wr w;
    pgw_wr_init(&w, &c->out);
    if (rowdesc) {
      pgw_field f = {
          .name = px_param_name(st.id), .type_oid = PX_OID_TEXT, .typlen = -1, .typmod = -1};
      pgw_enc_row_description(&w, &f, 1);
    }
    pgw_datarow r;
    pgw_enc_datarow_begin(&r, &w, 1);
    pgw_enc_datarow_field(&r, v, strlen(v));
    pgw_enc_datarow_end(&r);
    if (!px_conn_check(c, &w, "SHOW result")) {
      return PX_LOCAL_DONE; /* the connection is closing */
    }
    *has_rows = true;
    return PX_LOCAL_DONE;
  }
  case PX_SET_SET:
  case PX_SET_RESET: {
    if (!own(st.id) || st.id == PX_PARAM_SESSION_AUTHORIZATION) {
      return PX_LOCAL_NO;
    }
    if (read_only(st.id)) {
      pgw_error_set(err, "ERROR", "55P02", "parameter \"%s\" cannot be changed",
                    px_param_name(st.id));
      return PX_LOCAL_ERROR;
    }
    char canon[PX_SET_VALUE_MAX];
    const char *v = st.kind == PX_SET_RESET ? default_of(c, st.id) : st.value;
    if (st.kind == PX_SET_SET && st.id == PX_PARAM_EXTRA_FLOAT_DIGITS) {
      if (!efd_ok(st.value, canon, sizeof canon, err)) {
        return PX_LOCAL_ERROR;
      }
      v = canon;
    }
    if (st.kind == PX_SET_SET && st.id == PX_PARAM_CLIENT_ENCODING) {
      if (!px_auth_client_encoding_ok(st.value)) {
        pgw_error_set(err, "ERROR", "22023",
                      "invalid value for parameter \"client_encoding\": \"%s\"", st.value);
        pgw_error_detail(err, "redwire, like Redshift, only speaks UTF8.");
        return PX_LOCAL_ERROR;
      }
      v = "UTF8";
    }
    if (!st.local && !set_cur(c, st.id, v)) { /* SET LOCAL of redwire's own: no lasting effect */
      pgw_error_set(err, "ERROR", "53200", "out of memory");
      return PX_LOCAL_ERROR;
    }
    return PX_LOCAL_DONE;
  }
  case PX_SET_DISCARD_ALL:
    if (in_block) {
      pgw_error_set(err, "ERROR", "25001", "DISCARD ALL cannot run inside a transaction block");
      return PX_LOCAL_ERROR;
    }
    discard_all(c);
    return PX_LOCAL_DONE;
  case PX_SET_DEALLOCATE:
    /* A protocol-level statement: redwire's alone (the service never saw it). Anything else
     * was PREPAREd with SQL on the service. */
    return px_ext_deallocate(c, st.value) ? PX_LOCAL_DONE : PX_LOCAL_NO;
  case PX_SET_DEALLOCATE_ALL:
    (void)px_ext_deallocate(c, NULL);
    return PX_LOCAL_NO; /* and the service's own */
  case PX_SET_RESET_ALL:
  case PX_SET_NONE:
  default:
    return PX_LOCAL_NO;
  }
}

/* The StartupMessage set this setting (its name as RESET wrote it, any case). */
static bool from_startup(const px_conn *c, const char *name) {
  if (c->sess.startup_names == NULL || strlen(name) > 62) {
    return false;
  }
  char key[64];
  size_t n = 0;
  for (; name[n] != '\0'; n++) {
    key[n] = (char)tolower((unsigned char)name[n]);
  }
  key[n++] = ',';
  key[n] = '\0';
  for (const char *p = c->sess.startup_names; (p = strstr(p, key)) != NULL; p++) {
    if (p == c->sess.startup_names || p[-1] == ',') {
      return true;
    }
  }
  return false;
}

void px_session_after_success(px_conn *c, const char *sql, size_t len) {
  px_set_stmt st;
  if (sql == NULL || !px_set_parse(sql, len, &st) || st.local) {
    return;
  }
  if (st.kind == PX_SET_RESET && from_startup(c, st.value)) {
    c->sess.reapply = true; /* PostgreSQL resets it to the startup value */
  }
  if (st.kind == PX_SET_DECLARE) {
    px_ext_cursor_declared(c, st.value, sql + st.query_off, len - st.query_off);
    return;
  }
  if (st.kind == PX_SET_CLOSE || st.kind == PX_SET_CLOSE_ALL) {
    px_ext_cursor_closed(c, st.kind == PX_SET_CLOSE ? st.value : NULL);
    return;
  }
  if (st.kind == PX_SET_RESET_ALL) {
    /* PostgreSQL resets to the startup values: redwire applies them again before the next
     * statement. */
    c->sess.reapply = c->sess.startup_sql != NULL;
    for (int i = 0; i < PX_PARAM_COUNT; i++) {
      px_param_id id = (px_param_id)i;
      if (!read_only(id)) {
        (void)set_cur(c, id, default_of(c, id));
      }
    }
    return;
  }

  if ((st.kind != PX_SET_SET && st.kind != PX_SET_RESET) || own(st.id) || st.id == PX_PARAM_OTHER) {
    return;
  }
  if (st.kind == PX_SET_RESET) {
    (void)set_cur(c, st.id, default_of(c, st.id));
    return;
  }
  char canon[64];
  pgw_error e;
  if (st.id == PX_PARAM_DATESTYLE &&
      px_datestyle_canon(cur_of(c, st.id), st.value, canon, sizeof canon, &e)) {
    (void)set_cur(c, st.id, canon);
  } else if (st.id == PX_PARAM_STANDARD_CONFORMING_STRINGS) {
    /* The service accepted it, so it is one of PostgreSQL's boolean spellings ('ON', 't', ...). */
    bool on = false;
    (void)px__text_parse_bool(st.value, strlen(st.value), &on);
    (void)set_cur(c, st.id, on ? "on" : "off");
  } else {
    (void)set_cur(c, st.id, st.value);
  }
}
