/*
 * auth_awsconfig_parse.c — parser of the shared AWS `config` and `credentials` files over a
 * caller-supplied buffer (no I/O).
 *
 * Rules, from https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html and the behaviour
 * of botocore (the AWS CLI), which the format page describes:
 *  - "[name]" opens a section. In the config file profiles are "[default]" and "[profile name]"
 *    (whitespace after "profile" required, the name trimmed, inner spaces kept); every other
 * section
 *    ("[sso-session x]", "[services x]", "[plugins]", ...) is syntax-checked and skipped. If both
 *    "[default]" and "[profile default]" exist, the latter is used. In the credentials file the
 *    whole trimmed text between the brackets is the profile name.
 *  - "key = value", split at the first '='; key and value trimmed. Keys are case-insensitive
 *    (botocore's configparser lower-cases them) and stored lower-cased; profile names are not.
 *  - Full-line comments start with '#' or ';' (after optional whitespace). In a value, '#' or ';'
 *    starts a comment only when preceded by whitespace ("a#b" keeps its '#'). After a section
 *    header's ']' a comment needs no whitespace.
 *  - An indented line continues the property above it: under a property with an empty value
 *    ("s3 =") it is a sub-property "key = value", parsed and ignored; under a non-empty value it is
 *    a continuation, appended after a newline.
 *  - A profile that appears twice is merged; for a key set twice the later value wins.
 */
#include "auth_awsconfig.h"
#include "auth_awsconfig_int.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What an indented line means, given the lines above it in the current section. */
typedef enum prop_state {
  PROP_NONE,    /* no property yet: an indented line is an error */
  PROP_VALUE,   /* property with a value: indented lines continue it */
  PROP_EMPTY,   /* property with an empty value: indented lines are sub-properties */
  PROP_SUBPROPS /* inside sub-properties */
} prop_state;

#define NO_SECTION      SIZE_MAX
#define SKIPPED_SECTION (SIZE_MAX - 1)

typedef struct parser {
  auth_awscfg_file *f;  /* borrowed */
  const char *label;    /* borrowed */
  auth_awscfg_err *err; /* borrowed; may be NULL */
  size_t lineno;
  size_t section; /* index into f->profiles, or NO_SECTION / SKIPPED_SECTION */
  size_t prop;    /* index into the section's props, valid when state is PROP_VALUE */
  prop_state state;
} parser;

static bool is_ws(char c) {
  return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n) {
  while (*n > 0 && is_ws(**s)) {
    (*s)++;
    (*n)--;
  }
  while (*n > 0 && is_ws((*s)[*n - 1])) {
    (*n)--;
  }
}

static void prop_free(auth_awscfg_prop *p) {
  free(p->key);
  auth_awscfg__secret_free(p->value);
}

static void profile_free(auth_awscfg_profile *p) {
  for (size_t i = 0; i < p->n_props; i++) {
    prop_free(&p->props[i]);
  }
  free(p->props);
  free(p->name);
}

void auth_awscfg_file_free(auth_awscfg_file *f) {
  if (f == NULL) {
    return;
  }
  for (size_t i = 0; i < f->n_profiles; i++) {
    profile_free(&f->profiles[i]);
  }
  free(f->profiles);
  auth_awscfg_kind kind = f->kind;
  memset(f, 0, sizeof(*f));
  f->kind = kind;
}

static bool name_eq(const char *a, const char *b, size_t b_len) {
  return strlen(a) == b_len && memcmp(a, b, b_len) == 0;
}

/* Finds or appends the profile (name, bare); returns its index through *idx. */
static auth_awscfg_rc open_profile(parser *ps, const char *name, size_t len, bool bare,
                                   size_t *idx) {
  auth_awscfg_file *f = ps->f;
  for (size_t i = 0; i < f->n_profiles; i++) {
    if (f->profiles[i].bare_default == bare && name_eq(f->profiles[i].name, name, len)) {
      *idx = i;
      return AUTH_AWSCFG_OK;
    }
  }
  if (f->n_profiles == f->cap_profiles) {
    size_t cap = f->cap_profiles ? f->cap_profiles * 2 : 8;
    auth_awscfg_profile *np = realloc(f->profiles, cap * sizeof(*np));
    if (np == NULL) {
      return AUTH_AWSCFG_ENOMEM;
    }
    f->profiles = np;
    f->cap_profiles = cap;
  }
  auth_awscfg_profile *p = &f->profiles[f->n_profiles];
  memset(p, 0, sizeof(*p));
  p->name = auth_awscfg__strndup(name, len);
  if (p->name == NULL) {
    return AUTH_AWSCFG_ENOMEM;
  }
  p->bare_default = bare;
  *idx = f->n_profiles++;
  return AUTH_AWSCFG_OK;
}

/* Sets key = value in the current section; a later value replaces (and wipes) an earlier one. */
static auth_awscfg_rc set_prop(parser *ps, const char *key, size_t klen, const char *val,
                               size_t vlen) {
  auth_awscfg_profile *p = &ps->f->profiles[ps->section];
  char *v = auth_awscfg__strndup(val, vlen);
  if (v == NULL) {
    return AUTH_AWSCFG_ENOMEM;
  }
  for (size_t i = 0; i < p->n_props; i++) {
    if (strlen(p->props[i].key) == klen && strncasecmp(p->props[i].key, key, klen) == 0) {
      auth_awscfg__secret_free(p->props[i].value);
      p->props[i].value = v;
      ps->prop = i;
      return AUTH_AWSCFG_OK;
    }
  }
  if (p->n_props == p->cap_props) {
    size_t cap = p->cap_props ? p->cap_props * 2 : 8;
    auth_awscfg_prop *np = realloc(p->props, cap * sizeof(*np));
    if (np == NULL) {
      auth_awscfg__secret_free(v);
      return AUTH_AWSCFG_ENOMEM;
    }
    p->props = np;
    p->cap_props = cap;
  }
  char *k = auth_awscfg__strndup(key, klen);
  if (k == NULL) {
    auth_awscfg__secret_free(v);
    return AUTH_AWSCFG_ENOMEM;
  }
  for (size_t i = 0; i < klen; i++) {
    k[i] = (char)tolower((unsigned char)k[i]);
  }
  p->props[p->n_props].key = k;
  p->props[p->n_props].value = v;
  ps->prop = p->n_props++;
  return AUTH_AWSCFG_OK;
}

static auth_awscfg_rc parse_header(parser *ps, const char *s, size_t n) {
  const char *close = memchr(s, ']', n);
  if (close == NULL) {
    auth_awscfg__errf(ps->err, "%s:%zu: section header without ']'", ps->label, ps->lineno);
    return AUTH_AWSCFG_ESYNTAX;
  }
  const char *rest = close + 1;
  size_t rest_len = n - (size_t)(rest - s);
  trim(&rest, &rest_len);
  if (rest_len > 0 && rest[0] != '#' && rest[0] != ';') {
    auth_awscfg__errf(ps->err, "%s:%zu: unexpected text after ']'", ps->label, ps->lineno);
    return AUTH_AWSCFG_ESYNTAX;
  }
  const char *name = s + 1;
  size_t len = (size_t)(close - name);
  trim(&name, &len);
  if (len == 0) {
    auth_awscfg__errf(ps->err, "%s:%zu: empty section name", ps->label, ps->lineno);
    return AUTH_AWSCFG_ESYNTAX;
  }
  ps->state = PROP_NONE;
  if (ps->f->kind == AUTH_AWSCFG_CREDENTIALS) {
    return open_profile(ps, name, len, false, &ps->section);
  }
  if (name_eq("default", name, len)) {
    return open_profile(ps, name, len, true, &ps->section);
  }
  static const char prefix[] = "profile";
  const size_t plen = sizeof(prefix) - 1;
  if (len >= plen && memcmp(name, prefix, plen) == 0 && (len == plen || is_ws(name[plen]))) {
    const char *pn = name + plen;
    size_t pn_len = len - plen;
    trim(&pn, &pn_len);
    if (pn_len == 0) {
      auth_awscfg__errf(ps->err, "%s:%zu: empty profile name", ps->label, ps->lineno);
      return AUTH_AWSCFG_ESYNTAX;
    }
    return open_profile(ps, pn, pn_len, false, &ps->section);
  }
  /* [sso-session x], [services x], [profilefoo], ...: not profiles. */
  ps->section = SKIPPED_SECTION;
  return AUTH_AWSCFG_OK;
}

/* Cuts an inline comment: '#' or ';' preceded by whitespace. */
static size_t value_len_without_comment(const char *v, size_t n) {
  for (size_t j = 1; j < n; j++) {
    if ((v[j] == '#' || v[j] == ';') && is_ws(v[j - 1])) {
      return j;
    }
  }
  return n;
}

static auth_awscfg_rc parse_property(parser *ps, const char *s, size_t n) {
  const char *eq = memchr(s, '=', n);
  if (eq == NULL) {
    auth_awscfg__errf(ps->err, "%s:%zu: expected 'key = value'", ps->label, ps->lineno);
    return AUTH_AWSCFG_ESYNTAX;
  }
  const char *key = s;
  size_t klen = (size_t)(eq - s);
  trim(&key, &klen);
  if (klen == 0) {
    auth_awscfg__errf(ps->err, "%s:%zu: property without a key", ps->label, ps->lineno);
    return AUTH_AWSCFG_ESYNTAX;
  }
  if (ps->section == NO_SECTION) {
    auth_awscfg__errf(ps->err, "%s:%zu: property '%.*s' outside a section", ps->label, ps->lineno,
                      (int)(klen > 64 ? 64 : klen), key);
    return AUTH_AWSCFG_ESYNTAX;
  }
  const char *val = eq + 1;
  size_t vlen = value_len_without_comment(val, n - (size_t)(val - s));
  trim(&val, &vlen);
  ps->state = vlen == 0 ? PROP_EMPTY : PROP_VALUE;
  if (ps->section == SKIPPED_SECTION) {
    return AUTH_AWSCFG_OK;
  }
  return set_prop(ps, key, klen, val, vlen);
}

static auth_awscfg_rc append_continuation(parser *ps, const char *s, size_t n) {
  auth_awscfg_prop *p = &ps->f->profiles[ps->section].props[ps->prop];
  size_t old = strlen(p->value);
  char *v = malloc(old + 1 + n + 1);
  if (v == NULL) {
    return AUTH_AWSCFG_ENOMEM;
  }
  memcpy(v, p->value, old);
  v[old] = '\n';
  memcpy(v + old + 1, s, n);
  v[old + 1 + n] = '\0';
  auth_awscfg__secret_free(p->value);
  p->value = v;
  return AUTH_AWSCFG_OK;
}

static auth_awscfg_rc parse_indented(parser *ps, const char *s, size_t n) {
  trim(&s, &n);
  switch (ps->state) {
  case PROP_NONE:
    auth_awscfg__errf(ps->err, "%s:%zu: indented line without a property above it", ps->label,
                      ps->lineno);
    return AUTH_AWSCFG_ESYNTAX;
  case PROP_EMPTY:
  case PROP_SUBPROPS: {
    const char *eq = memchr(s, '=', n);
    size_t klen = eq ? (size_t)(eq - s) : 0;
    const char *key = s;
    trim(&key, &klen);
    if (klen == 0) {
      auth_awscfg__errf(ps->err, "%s:%zu: expected 'key = value' in a sub-property", ps->label,
                        ps->lineno);
      return AUTH_AWSCFG_ESYNTAX;
    }
    ps->state = PROP_SUBPROPS; /* redwire uses no sub-property: parsed, then ignored */
    return AUTH_AWSCFG_OK;
  }
  case PROP_VALUE:
    if (ps->section == SKIPPED_SECTION) {
      return AUTH_AWSCFG_OK;
    }
    return append_continuation(ps, s, n);
  }
  return AUTH_AWSCFG_ESYNTAX;
}

static auth_awscfg_rc parse_line(parser *ps, const char *s, size_t n) {
  if (n > 0 && s[n - 1] == '\r') {
    n--;
  }
  if (memchr(s, '\0', n) != NULL) {
    auth_awscfg__errf(ps->err, "%s:%zu: NUL byte", ps->label, ps->lineno);
    return AUTH_AWSCFG_ESYNTAX;
  }
  size_t i = 0;
  while (i < n && is_ws(s[i])) {
    i++;
  }
  if (i == n || s[i] == '#' || s[i] == ';') {
    return AUTH_AWSCFG_OK; /* blank or comment: does not end a property's continuation */
  }
  if (i > 0) {
    return parse_indented(ps, s, n);
  }
  if (s[0] == '[') {
    return parse_header(ps, s, n);
  }
  return parse_property(ps, s, n);
}

auth_awscfg_rc auth_awscfg_parse(auth_awscfg_file *out, auth_awscfg_kind kind, const char *label,
                                 const char *buf, size_t len, auth_awscfg_err *err) {
  memset(out, 0, sizeof(*out));
  out->kind = kind;
  if (label == NULL) {
    label = kind == AUTH_AWSCFG_CONFIG ? "config" : "credentials";
  }
  if (len > AUTH_AWSCFG_MAX_FILE) {
    auth_awscfg__errf(err, "%s: larger than %u bytes", label, AUTH_AWSCFG_MAX_FILE);
    return AUTH_AWSCFG_ETOOBIG;
  }
  if (buf == NULL && len > 0) {
    auth_awscfg__errf(err, "%s: no buffer", label);
    return AUTH_AWSCFG_EINVAL;
  }
  /* Editors on Windows write a UTF-8 byte order mark; it is not part of the first line. */
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
    buf += 3;
    len -= 3;
  }
  parser ps = {.f = out, .label = label, .err = err, .section = NO_SECTION, .state = PROP_NONE};
  size_t pos = 0;
  while (pos < len) {
    const char *nl = memchr(buf + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - buf) : len;
    ps.lineno++;
    auth_awscfg_rc rc = parse_line(&ps, buf + pos, end - pos);
    if (rc != AUTH_AWSCFG_OK) {
      if (rc == AUTH_AWSCFG_ENOMEM) {
        auth_awscfg__errf(err, "%s:%zu: out of memory", label, ps.lineno);
      }
      auth_awscfg_file_free(out);
      return rc;
    }
    pos = nl ? end + 1 : len;
  }
  return AUTH_AWSCFG_OK;
}

const auth_awscfg_profile *auth_awscfg_find_profile(const auth_awscfg_file *f, const char *name) {
  if (f == NULL || name == NULL) {
    return NULL;
  }
  const auth_awscfg_profile *bare = NULL;
  for (size_t i = 0; i < f->n_profiles; i++) {
    if (strcmp(f->profiles[i].name, name) != 0) {
      continue;
    }
    if (!f->profiles[i].bare_default) {
      return &f->profiles[i];
    }
    bare = &f->profiles[i];
  }
  return bare;
}

const char *auth_awscfg_get(const auth_awscfg_profile *p, const char *key) {
  if (p == NULL || key == NULL) {
    return NULL;
  }
  for (size_t i = 0; i < p->n_props; i++) {
    if (strcasecmp(p->props[i].key, key) == 0) {
      return p->props[i].value;
    }
  }
  return NULL;
}
