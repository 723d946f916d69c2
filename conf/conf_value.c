/* conf_value.c — parsing one scalar value: integers, sizes, durations, booleans, decimals, and
 * the syntax checks of string settings.
 *
 * Written by hand rather than with strtol/strtod: those accept leading blanks, signs, hex and
 * (strtod) the locale's decimal point, and the config must mean the same thing everywhere.
 */
#include "conf_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool conf__ascii_ieq(const char *a, size_t a_len, const char *b) {
  size_t b_len = strlen(b);
  if (a_len != b_len)
    return false;
  for (size_t i = 0; i < a_len; i++)
    if (to_lower(a[i]) != to_lower(b[i]))
      return false;
  return true;
}

/* Reads [-]digits at *p; advances *p. */
static const char *read_int(const char **p, int64_t *out) {
  const char *s = *p;
  bool neg = false;
  if (*s == '-') {
    neg = true;
    s++;
  }
  if (!is_digit(*s))
    return "not a number";
  uint64_t v = 0;
  for (; is_digit(*s); s++) {
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > (uint64_t)INT64_MAX)
      return "number too large";
  }
  *out = neg ? -(int64_t)v : (int64_t)v;
  *p = s;
  return NULL;
}

const char *conf__parse_int(const char *text, int64_t *out) {
  const char *p = text;
  if (*p == '\0')
    return "empty value";
  const char *why = read_int(&p, out);
  if (why != NULL)
    return why;
  return *p == '\0' ? NULL : "not a number";
}

typedef struct unit {
  const char *name;
  int64_t scale;
} unit;

static const unit size_units[] = {
    {"B", 1},
    {"kB", INT64_C(1) << 10},
    {"MB", INT64_C(1) << 20},
    {"GB", INT64_C(1) << 30},
    {"TB", INT64_C(1) << 40},
};
static const unit time_units[] = {
    {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}, {"d", 86400000},
};
#define N_UNITS(a) (sizeof(a) / sizeof((a)[0]))

/* number [blanks] [unit]; the unit is case-sensitive, as in PostgreSQL ("kB", not "KB"). */
static const char *parse_with_unit(const char *text, const unit *units, size_t n_units,
                                   int64_t bare_scale, const char *unit_list, int64_t *out,
                                   int64_t *scale_out, char *why, size_t cap) {
  const char *p = text;
  if (*p == '\0')
    return "empty value";
  int64_t v;
  const char *err = read_int(&p, &v);
  if (err != NULL)
    return err;
  while (*p == ' ' || *p == '\t')
    p++;
  int64_t scale = bare_scale;
  if (*p != '\0') {
    size_t i;
    for (i = 0; i < n_units; i++)
      if (strcmp(p, units[i].name) == 0)
        break;
    if (i == n_units) {
      snprintf(why, cap, "unknown unit \"%.16s\" (use %s)", p, unit_list);
      return why;
    }
    scale = units[i].scale;
  }
  if (v > INT64_MAX / scale || v < -(INT64_MAX / scale))
    return "number too large";
  *out = v * scale;
  *scale_out = scale;
  return NULL;
}

const char *conf__parse_size(const char *text, int64_t *out, char *why, size_t cap) {
  int64_t scale;
  return parse_with_unit(text, size_units, N_UNITS(size_units), 1, "B, kB, MB, GB or TB", out,
                         &scale, why, cap);
}

const char *conf__parse_duration(const char *text, int64_t unit_ms, int64_t *out_ms, char *why,
                                 size_t cap) {
  int64_t scale;
  const char *err = parse_with_unit(text, time_units, N_UNITS(time_units), unit_ms,
                                    "ms, s, min, h or d", out_ms, &scale, why, cap);
  if (err != NULL)
    return err;
  /* A seconds setting given in ms must still be whole seconds: rounding silently would make
   * "1500ms" mean something the operator did not write. */
  if (*out_ms % unit_ms != 0) {
    snprintf(why, cap, "must be a whole number of %s", unit_ms == 1000 ? "seconds" : "units");
    return why;
  }
  return NULL;
}

const char *conf__parse_bool(const char *text, bool *out) {
  static const char *const yes[] = {"on", "true", "yes", "1"};
  static const char *const no[] = {"off", "false", "no", "0"};
  size_t n = strlen(text);
  for (size_t i = 0; i < 4; i++) {
    if (conf__ascii_ieq(text, n, yes[i])) {
      *out = true;
      return NULL;
    }
    if (conf__ascii_ieq(text, n, no[i])) {
      *out = false;
      return NULL;
    }
  }
  return *text == '\0' ? "empty value" : "not a boolean (use on/off, true/false, yes/no, 1/0)";
}

const char *conf__parse_double(const char *text, double *out) {
  const char *p = text;
  if (*p == '\0')
    return "empty value";
  if (!is_digit(*p))
    return "not a decimal number";
  double v = 0;
  for (; is_digit(*p); p++) {
    v = v * 10 + (*p - '0');
    if (v > 1e15)
      return "number too large";
  }
  if (*p == '.') {
    p++;
    if (!is_digit(*p))
      return "not a decimal number";
    double scale = 0.1;
    for (; is_digit(*p); p++, scale /= 10)
      v += (*p - '0') * scale;
  }
  if (*p != '\0')
    return "not a decimal number";
  *out = v;
  return NULL;
}

static void format_units(int64_t v, const unit *units, size_t n_units, char *buf, size_t cap) {
  for (size_t i = n_units; i-- > 1;) {
    if (v != 0 && v % units[i].scale == 0) {
      snprintf(buf, cap, "%" PRId64 "%s", v / units[i].scale, units[i].name);
      return;
    }
  }
  snprintf(buf, cap, "%" PRId64 "%s", v, units[0].name);
}

void conf__format_size(int64_t bytes, char *buf, size_t cap) {
  format_units(bytes, size_units, N_UNITS(size_units), buf, cap);
}

void conf__format_duration(int64_t ms, char *buf, size_t cap) {
  format_units(ms, time_units, N_UNITS(time_units), buf, cap);
}

/* ---- String checks ---- */

static bool is_lower_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z');
}

/* A region is a DNS label (it becomes part of the endpoint host and of the SigV4 scope). */
const char *conf__check_region(const char *v) {
  size_t n = strlen(v);
  if (n == 0)
    return NULL;
  if (n > 63 || v[0] == '-' || v[n - 1] == '-')
    return "not a region name (like us-east-1)";
  for (size_t i = 0; i < n; i++)
    if (!is_lower_alnum(v[i]) && v[i] != '-')
      return "not a region name (like us-east-1)";
  return NULL;
}

/* The endpoint override is used verbatim as the base URL: it needs a scheme and a host, and
 * nothing after the host but a port and a path (a query or fragment would break signing). */
const char *conf__check_url(const char *v) {
  if (*v == '\0')
    return NULL;
  const char *host;
  if (strncmp(v, "https://", 8) == 0)
    host = v + 8;
  else if (strncmp(v, "http://", 7) == 0)
    host = v + 7;
  else
    return "must start with https:// or http://";
  if (*host == '\0' || *host == '/' || *host == ':')
    return "missing host after the scheme";
  for (const char *p = v; *p; p++)
    if (*p == ' ' || *p == '\t' || *p == '?' || *p == '#' || *p == '@')
      return "must be scheme://host[:port][/path], without spaces, user, query or fragment";
  return NULL;
}

/* Digits separated by single dots: what drivers parse out of server_version/padb_version. */
const char *conf__check_version(const char *v) {
  if (!is_digit(*v))
    return "must look like 8.0.2 (digits separated by dots)";
  for (const char *p = v; *p; p++) {
    if (*p == '.' && is_digit(p[1]))
      continue;
    if (!is_digit(*p))
      return "must look like 8.0.2 (digits separated by dots)";
  }
  return NULL;
}

const char *conf__check_no_space(const char *v) {
  for (const char *p = v; *p; p++)
    if (*p == ' ' || *p == '\t')
      return "must not contain spaces";
  return NULL;
}
