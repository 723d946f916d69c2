/* conf_table.c — every [redwire] and [aws] setting, one row each, and the code that turns a
 * row's text into its typed member.
 *
 * Adding a setting: add the member to conf.h, one row here, one entry in redwire.ini.example
 * (the tests fail until the example documents it with the same default).
 */
#include "conf_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enum members are stored through an int (memcpy), so they must be int-sized. */
_Static_assert(sizeof(conf_log_level) == sizeof(int), "enum size");
_Static_assert(sizeof(conf_sslmode) == sizeof(int), "enum size");
_Static_assert(sizeof(conf_auth_mode) == sizeof(int), "enum size");

static const conf__name log_levels[] = {{"error", CONF_LOG_ERROR},
                                        {"warning", CONF_LOG_WARNING},
                                        {"info", CONF_LOG_INFO},
                                        {"debug", CONF_LOG_DEBUG},
                                        {NULL, 0}};
static const conf__name sslmodes[] = {{"disable", CONF_SSLMODE_DISABLE},
                                      {"allow", CONF_SSLMODE_ALLOW},
                                      {"prefer", CONF_SSLMODE_PREFER},
                                      {"require", CONF_SSLMODE_REQUIRE},
                                      {"verify-ca", CONF_SSLMODE_VERIFY_CA},
                                      {"verify-full", CONF_SSLMODE_VERIFY_FULL},
                                      {NULL, 0}};
static const conf__name auth_modes[] = {{"iam", CONF_AUTH_IAM},
                                        {"userlist", CONF_AUTH_USERLIST},
                                        {"trust", CONF_AUTH_TRUST},
                                        {NULL, 0}};
/* TLS 1.0 and 1.1 are not offered at all (RFC 8996 deprecates them). */
static const conf__name tls_protocols[] = {{"tlsv1.2", (int)CONF_TLS_V1_2},
                                           {"tlsv1.3", (int)CONF_TLS_V1_3},
                                           {"secure", (int)(CONF_TLS_V1_2 | CONF_TLS_V1_3)},
                                           {NULL, 0}};

#define KIB   (INT64_C(1) << 10)
#define MIB   (INT64_C(1) << 20)
#define GIB   (INT64_C(1) << 30)
#define DAY_S INT64_C(86400)

#define OFF(sec, member) offsetof(conf_settings, sec.member)
#define SEC_redwire      CONF__SEC_REDWIRE
#define SEC_aws          CONF__SEC_AWS

/* One line per setting. */
#define STR(sec, key, def, check, flags)                                                           \
  { SEC_##sec, #key, CONF__T_STRING, OFF(sec, key), def, 0, 0, 0, 0, 0, NULL, check, flags }
#define INT(sec, key, def, lo, hi)                                                                 \
  { SEC_##sec, #key, CONF__T_INT, OFF(sec, key), def, lo, hi, 0, 0, 0, NULL, NULL, 0 }
#define SIZE(sec, key, def, lo, hi)                                                                \
  { SEC_##sec, #key, CONF__T_SIZE, OFF(sec, key), def, lo, hi, 0, 0, 0, NULL, NULL, 0 }
#define DUR(sec, key, member, def, unit_ms, lo, hi)                                                \
  { SEC_##sec, #key, CONF__T_DURATION, OFF(sec, member), def, lo, hi, 0, 0, unit_ms, NULL, NULL, 0 }
#define BOOL(sec, key, def)                                                                        \
  { SEC_##sec, #key, CONF__T_BOOL, OFF(sec, key), def, 0, 0, 0, 0, 0, NULL, NULL, 0 }
#define ENUM(sec, key, def, names)                                                                 \
  { SEC_##sec, #key, CONF__T_ENUM, OFF(sec, key), def, 0, 0, 0, 0, 0, names, NULL, 0 }
#define FLAGS(sec, key, def, names)                                                                \
  { SEC_##sec, #key, CONF__T_FLAGS, OFF(sec, key), def, 0, 0, 0, 0, 0, names, NULL, 0 }
#define DBL(sec, key, def, lo, hi)                                                                 \
  { SEC_##sec, #key, CONF__T_DOUBLE, OFF(sec, key), def, 0, 0, lo, hi, 0, NULL, NULL, 0 }

static const conf__setting table[] = {
    /* [redwire] — the listener and client connections */
    STR(redwire, listen_addr, "127.0.0.1", conf__check_no_space, CONF__F_NONEMPTY),
    INT(redwire, listen_port, "5439", 1, 65535),
    STR(redwire, unix_socket_dir, "", NULL, 0),
    INT(redwire, max_client_conn, "10000", 1, 1000000),
    STR(redwire, server_version, "8.0.2", conf__check_version, CONF__F_NONEMPTY),
    STR(redwire, padb_version, "1.0.77467", conf__check_version, CONF__F_NONEMPTY),
    SIZE(redwire, max_message_size, "64MB", 1 * KIB, 1 * GIB),
    SIZE(redwire, client_output_high_water, "1MB", 4 * KIB, 1 * GIB),
    SIZE(redwire, client_output_low_water, "256kB", 0, 1 * GIB),
    DUR(redwire, statement_timeout, statement_timeout_ms, "0", 1, 0, DAY_S * 1000),
    DUR(redwire, client_idle_timeout, client_idle_timeout_ms, "0", 1000, 0, 30 * DAY_S),
    DUR(redwire, idle_transaction_timeout, idle_transaction_timeout_ms, "0", 1000, 0, 30 * DAY_S),
    DUR(redwire, shutdown_timeout, shutdown_timeout_ms, "30s", 1000, 0, DAY_S),
    DUR(redwire, stats_period, stats_period_ms, "60s", 1000, 1, DAY_S),
    ENUM(redwire, log_level, "info", log_levels),
    STR(redwire, log_file, "", NULL, 0),
    STR(redwire, pid_file, "", NULL, 0),
    ENUM(redwire, client_tls_sslmode, "disable", sslmodes),
    STR(redwire, client_tls_cert_file, "", NULL, 0),
    STR(redwire, client_tls_key_file, "", NULL, 0),
    STR(redwire, client_tls_ca_file, "", NULL, 0),
    FLAGS(redwire, client_tls_protocols, "secure", tls_protocols),
    STR(redwire, client_tls_ciphers, "HIGH:!aNULL", conf__check_no_space, CONF__F_NONEMPTY),
    ENUM(redwire, auth_mode, "iam", auth_modes),
    STR(redwire, auth_file, "", NULL, 0),
    BOOL(redwire, allow_cleartext_without_tls, "off"),
    INT(redwire, iam_check_cache_seconds, "60", 0, 3600),
    BOOL(redwire, iam_key_check, "on"),

    /* [aws] — the Data API endpoint, request pacing and redwire's own identity */
    STR(aws, region, "", conf__check_region, 0),
    STR(aws, endpoint, "", conf__check_url, 0),
    BOOL(aws, use_fips, "off"),
    BOOL(aws, use_dualstack, "off"),
    INT(aws, wait_time_seconds, "30", 0, 30),
    INT(aws, poll_initial_ms, "50", 1, 60000),
    INT(aws, poll_max_ms, "2000", 1, 60000),
    DBL(aws, poll_multiplier, "1.5", 1.0, 10.0),
    INT(aws, max_attempts, "5", 1, 100),
    INT(aws, retry_base_ms, "100", 1, 60000),
    INT(aws, retry_max_ms, "20000", 1, 300000),
    INT(aws, throttle_base_ms, "500", 1, 60000),
    INT(aws, retry_budget, "500", 0, 1000000),
    INT(aws, session_keepalive_seconds, "3600", 0, 86400),
    INT(aws, connect_timeout_ms, "10000", 1, 600000),
    INT(aws, request_timeout_ms, "60000", 1000, 3600000),
    SIZE(aws, max_response_page_bytes, "128MB", 64 * KIB, 1 * GIB),
    STR(aws, access_key_id, "", conf__check_no_space, 0),
    STR(aws, secret_access_key, "", NULL, CONF__F_SECRET),
    STR(aws, session_token, "", NULL, CONF__F_SECRET),
    STR(aws, profile, "", conf__check_no_space, 0),
    STR(aws, role_arn, "", conf__check_no_space, 0),
    STR(aws, web_identity_token_file, "", NULL, 0),
    STR(aws, sts_endpoint, "", conf__check_url, 0),
};

size_t conf__setting_count(void) {
  return sizeof(table) / sizeof(table[0]);
}

const conf__setting *conf__setting_at(size_t i) {
  return i < conf__setting_count() ? &table[i] : NULL;
}

static const char *const section_names[] = {"redwire", "aws", "databases"};

const char *conf__section_name(conf__section section) {
  return section < CONF__SEC_NONE ? section_names[section] : "?";
}

conf__section conf__section_find(const char *name, size_t len) {
  for (int i = 0; i < (int)CONF__SEC_NONE; i++)
    if (conf__ascii_ieq(name, len, section_names[i]))
      return (conf__section)i;
  return CONF__SEC_NONE;
}

long conf__setting_find(conf__section section, const char *key, size_t key_len) {
  for (size_t i = 0; i < conf__setting_count(); i++)
    if (table[i].section == section && conf__ascii_ieq(key, key_len, table[i].key))
      return (long)i;
  return -1;
}

/* "error, warning, info or debug" */
static void list_names(const conf__name *names, char *buf, size_t cap) {
  size_t n = 0;
  while (names[n].name != NULL)
    n++;
  buf[0] = '\0';
  size_t used = 0;
  for (size_t i = 0; i < n && used < cap; i++) {
    const char *sep = i == 0 ? "" : (i + 1 == n ? " or " : ", ");
    int w = snprintf(buf + used, cap - used, "%s%s", sep, names[i].name);
    if (w < 0)
      break;
    used += (size_t)w;
  }
}

static const conf__name *find_name(const conf__name *names, const char *text, size_t len) {
  for (; names->name != NULL; names++)
    if (conf__ascii_ieq(text, len, names->name))
      return names;
  return NULL;
}

static const char *parse_enum(const conf__setting *row, const char *text, int *out, char *why,
                              size_t cap) {
  const conf__name *n = find_name(row->names, text, strlen(text));
  if (n != NULL) {
    *out = n->value;
    return NULL;
  }
  char list[160];
  list_names(row->names, list, sizeof(list));
  snprintf(why, cap, "must be %s", list);
  return why;
}

static const char *parse_flags(const conf__setting *row, const char *text, unsigned *out, char *why,
                               size_t cap) {
  unsigned bits = 0;
  const char *p = text;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    if (*p == '\0')
      break;
    const char *start = p;
    while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
      p++;
    const conf__name *n = find_name(row->names, start, (size_t)(p - start));
    if (n == NULL) {
      char list[160];
      list_names(row->names, list, sizeof(list));
      snprintf(why, cap, "unknown item \"%.*s\" (use a comma-separated list of %s)",
               (int)((p - start) > 32 ? 32 : (p - start)), start, list);
      return why;
    }
    bits |= (unsigned)n->value;
  }
  if (bits == 0)
    return "empty value";
  *out = bits;
  return NULL;
}

static const char *check_range(const conf__setting *row, int64_t v, char *why, size_t cap) {
  int64_t lo = row->min, hi = row->max;
  if (row->type == CONF__T_DURATION) {
    lo *= row->unit_ms;
    hi *= row->unit_ms;
  }
  if (v >= lo && v <= hi)
    return NULL;
  char a[32], b[32];
  if (row->type == CONF__T_SIZE) {
    conf__format_size(lo, a, sizeof(a));
    conf__format_size(hi, b, sizeof(b));
  } else if (row->type == CONF__T_DURATION) {
    conf__format_duration(lo, a, sizeof(a));
    conf__format_duration(hi, b, sizeof(b));
  } else {
    snprintf(a, sizeof(a), "%" PRId64, lo);
    snprintf(b, sizeof(b), "%" PRId64, hi);
  }
  snprintf(why, cap, "must be between %s and %s", a, b);
  return why;
}

const char *conf__parse_value(const conf__setting *row, const char *text, void *value, char *why,
                              size_t cap) {
  const char *err = NULL;
  switch (row->type) {
  case CONF__T_STRING:
    if ((row->flags & CONF__F_NONEMPTY) && *text == '\0')
      return "must not be empty";
    return row->check != NULL ? row->check(text) : NULL;
  case CONF__T_INT:
  case CONF__T_SIZE:
  case CONF__T_DURATION: {
    int64_t v = 0;
    if (row->type == CONF__T_INT)
      err = conf__parse_int(text, &v);
    else if (row->type == CONF__T_SIZE)
      err = conf__parse_size(text, &v, why, cap);
    else
      err = conf__parse_duration(text, row->unit_ms, &v, why, cap);
    if (err == NULL)
      err = check_range(row, v, why, cap);
    if (err == NULL)
      memcpy(value, &v, sizeof(v));
    return err;
  }
  case CONF__T_BOOL: {
    bool b = false;
    err = conf__parse_bool(text, &b);
    if (err == NULL)
      memcpy(value, &b, sizeof(b));
    return err;
  }
  case CONF__T_ENUM: {
    int e = 0;
    err = parse_enum(row, text, &e, why, cap);
    if (err == NULL)
      memcpy(value, &e, sizeof(e));
    return err;
  }
  case CONF__T_FLAGS: {
    unsigned f = 0;
    err = parse_flags(row, text, &f, why, cap);
    if (err == NULL)
      memcpy(value, &f, sizeof(f));
    return err;
  }
  case CONF__T_DOUBLE: {
    double d = 0;
    err = conf__parse_double(text, &d);
    if (err == NULL && (d < row->dmin || d > row->dmax)) {
      snprintf(why, cap, "must be between %g and %g", row->dmin, row->dmax);
      err = why;
    }
    if (err == NULL)
      memcpy(value, &d, sizeof(d));
    return err;
  }
  }
  return "unsupported setting type";
}

/* Size in bytes of the member a row writes. */
static size_t member_size(conf__type t) {
  switch (t) {
  case CONF__T_STRING:
    return sizeof(char *);
  case CONF__T_INT:
  case CONF__T_SIZE:
  case CONF__T_DURATION:
    return sizeof(int64_t);
  case CONF__T_BOOL:
    return sizeof(bool);
  case CONF__T_ENUM:
    return sizeof(int);
  case CONF__T_FLAGS:
    return sizeof(unsigned);
  case CONF__T_DOUBLE:
    return sizeof(double);
  }
  return 0;
}

void conf__set(conf__ctx *ctx, size_t index, const char *text, const conf__origin *o) {
  const conf__setting *row = &table[index];
  unsigned char value[sizeof(int64_t) > sizeof(double) ? sizeof(int64_t) : sizeof(double)];
  char why[160];
  const char *err = conf__parse_value(row, text, value, why, sizeof(why));
  if (err != NULL) {
    conf__diag_at(ctx, CONF_DIAG_ERROR, o, row, "%s", err);
    return;
  }
  conf__origin *prev = &ctx->origins[index];
  if (o->src == CONF__SRC_FILE && prev->src == CONF__SRC_FILE) {
    char first[CONF_DIAG_TEXT_MAX / 2];
    snprintf(first, sizeof(first), "%s:%u", prev->file, prev->line);
    conf__diag_at(ctx, CONF_DIAG_WARNING, o, row,
                  "set again (first set at %s); the later value wins", first);
  }
  conf__origin kept = *o;
  kept.text = conf__keep(ctx, text, strlen(text));
  if (kept.text == NULL)
    return;
  void *member = (char *)ctx->s + row->offset;
  if (row->type == CONF__T_STRING) {
    char *copy = strdup(text);
    if (copy == NULL) {
      ctx->oom = true;
      return;
    }
    char *old;
    memcpy(&old, member, sizeof(old));
    free(old);
    memcpy(member, &copy, sizeof(copy));
  } else {
    memcpy(member, value, member_size(row->type));
  }
  *prev = kept;
}

void conf__apply_defaults(conf__ctx *ctx) {
  conf__origin o = {.src = CONF__SRC_DEFAULT};
  for (size_t i = 0; i < conf__setting_count(); i++)
    conf__set(ctx, i, table[i].def, &o);
}
