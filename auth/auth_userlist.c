/*
 * auth_userlist.c — PgBouncer auth_file parser with redwire's mapping field (see auth_userlist.h).
 */
#include "auth_userlist.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth_md5.h"
#include "auth_scram.h"

#define SCRAM_PREFIX   "SCRAM-SHA-256$"
#define DB_USER_KEY    "db_user="
#define SECRET_ARN_KEY "secret_arn="
/* How much of a user name is quoted in an error message. */
#define MESSAGE_NAME_MAX 64

const char *auth_userlist_strerror(auth_userlist_rc rc) {
  switch (rc) {
  case AUTH_USERLIST_OK:
    return "success";
  case AUTH_USERLIST_ESYNTAX:
    return "malformed user file";
  case AUTH_USERLIST_EDUPLICATE:
    return "user listed twice in user file";
  case AUTH_USERLIST_ETOOBIG:
    return "user file too large";
  case AUTH_USERLIST_ENOMEM:
    return "out of memory";
  case AUTH_USERLIST_EINVAL:
    return "invalid argument";
  }
  return "unknown user file error";
}

__attribute__((format(printf, 3, 4))) static auth_userlist_rc
set_error(auth_userlist_error *err, unsigned line, const char *fmt, ...) {
  if (err != NULL) {
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
  }
  return AUTH_USERLIST_ESYNTAX;
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *p, const char *end) {
  while (p < end && is_blank(*p))
    p++;
  return p;
}

/*
 * Reads one quoted field starting at *pp into out (cap bytes, NUL added), un-escaping "".
 * On success *pp points after the closing quote, which must be followed by a blank or the end
 * of the line. what names the field in messages.
 */
static auth_userlist_rc read_field(const char **pp, const char *end, char *out, size_t cap,
                                   size_t *out_len, const char *what, unsigned line,
                                   auth_userlist_error *err) {
  const char *p = *pp;
  if (p == end || *p != '"')
    return set_error(err, line, "expected %s in double quotes", what);
  p++;
  size_t n = 0;
  for (;;) {
    if (p == end)
      return set_error(err, line, "%s: missing closing double quote", what);
    char c = *p++;
    if (c == '"') {
      if (p < end && *p == '"')
        p++; /* "" is one literal quote */
      else
        break;
    }
    if (n == cap)
      return set_error(err, line, "%s longer than %zu bytes", what, cap);
    out[n++] = c;
  }
  if (p < end && !is_blank(*p))
    return set_error(err, line, "unexpected character after %s", what);
  out[n] = '\0';
  *out_len = n;
  *pp = p;
  return AUTH_USERLIST_OK;
}

static bool has_prefix(const char *s, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(s, prefix, n) == 0;
}

static auth_userlist_rc classify_secret(const char *s, size_t len, auth_userlist_secret_kind *kind,
                                        unsigned line, auth_userlist_error *err) {
  if (has_prefix(s, len, SCRAM_PREFIX)) {
    auth_scram_verifier v;
    auth_scram_rc rc = auth_scram_parse_verifier(s, len, &v);
    OPENSSL_cleanse(&v, sizeof(v));
    if (rc != AUTH_SCRAM_OK)
      return set_error(err, line, "password looks like a SCRAM-SHA-256 verifier but is malformed");
    *kind = AUTH_USERLIST_SCRAM;
  } else if (auth_md5_is_hash(s, len)) {
    *kind = AUTH_USERLIST_MD5;
  } else if (len == AUTH_MD5_HASH_LEN && has_prefix(s, len, "md5")) {
    return set_error(err, line, "password looks like an md5 hash but is not hexadecimal");
  } else {
    *kind = AUTH_USERLIST_PLAIN;
  }
  return AUTH_USERLIST_OK;
}

static char *dup_bytes(const char *s, size_t len) {
  char *d = malloc(len + 1);
  if (d != NULL) {
    memcpy(d, s, len);
    d[len] = '\0';
  }
  return d;
}

static void entry_free(auth_userlist_entry *e) {
  if (e->secret != NULL)
    OPENSSL_cleanse(e->secret, e->secret_len);
  free(e->name);
  free(e->secret);
  free(e->map_value);
  memset(e, 0, sizeof(*e));
}

/* Scratch space for one line's fields, kept off the caller's small stack frames. */
typedef struct line_fields {
  char name[AUTH_USERLIST_MAX_NAME + 1];
  char secret[AUTH_USERLIST_MAX_SECRET + 1];
  char map[AUTH_USERLIST_MAX_MAP + 1];
} line_fields;

/*
 * Parses one line (without its terminator). Sets *have_entry when the line defines a user, in
 * which case e holds freshly allocated strings.
 */
static auth_userlist_rc parse_line(const char *p, size_t len, unsigned line, line_fields *f,
                                   auth_userlist_entry *e, bool *have_entry,
                                   auth_userlist_error *err) {
  *have_entry = false;
  const char *end = p + len;
  if (len > 0 && memchr(p, '\0', len) != NULL)
    return set_error(err, line, "line contains a NUL byte");
  p = skip_blanks(p, end);
  if (p == end || *p == ';' || *p == '#')
    return AUTH_USERLIST_OK;

  size_t name_len = 0, secret_len = 0, map_len = 0;
  auth_userlist_rc rc =
      read_field(&p, end, f->name, AUTH_USERLIST_MAX_NAME, &name_len, "user name", line, err);
  if (rc != AUTH_USERLIST_OK)
    return rc;
  if (name_len == 0)
    return set_error(err, line, "empty user name");
  p = skip_blanks(p, end);
  rc = read_field(&p, end, f->secret, AUTH_USERLIST_MAX_SECRET, &secret_len, "password", line, err);
  if (rc != AUTH_USERLIST_OK)
    return rc;
  if (secret_len == 0)
    return set_error(err, line, "empty password");
  auth_userlist_secret_kind kind = AUTH_USERLIST_PLAIN;
  rc = classify_secret(f->secret, secret_len, &kind, line, err);
  if (rc != AUTH_USERLIST_OK)
    return rc;

  auth_userlist_map_kind map = AUTH_USERLIST_MAP_NONE;
  const char *map_value = NULL;
  size_t map_value_len = 0;
  p = skip_blanks(p, end);
  if (p < end) {
    rc = read_field(&p, end, f->map, AUTH_USERLIST_MAX_MAP, &map_len, "mapping field", line, err);
    if (rc != AUTH_USERLIST_OK)
      return rc;
    size_t key_len;
    if (has_prefix(f->map, map_len, DB_USER_KEY)) {
      map = AUTH_USERLIST_MAP_DB_USER;
      key_len = strlen(DB_USER_KEY);
    } else if (has_prefix(f->map, map_len, SECRET_ARN_KEY)) {
      map = AUTH_USERLIST_MAP_SECRET_ARN;
      key_len = strlen(SECRET_ARN_KEY);
    } else {
      return set_error(err, line, "third field must be \"db_user=NAME\" or \"secret_arn=ARN\"");
    }
    map_value = f->map + key_len;
    map_value_len = map_len - key_len;
    if (map_value_len == 0)
      return set_error(err, line, "empty value in mapping field");
    p = skip_blanks(p, end);
    if (p < end)
      return set_error(err, line, "unexpected content after the mapping field");
  }

  memset(e, 0, sizeof(*e));
  e->name = dup_bytes(f->name, name_len);
  e->secret = dup_bytes(f->secret, secret_len);
  if (map_value != NULL)
    e->map_value = dup_bytes(map_value, map_value_len);
  OPENSSL_cleanse(f->secret, secret_len);
  if (e->name == NULL || e->secret == NULL || (map_value != NULL && e->map_value == NULL)) {
    e->secret_len = secret_len;
    entry_free(e);
    return AUTH_USERLIST_ENOMEM;
  }
  e->name_len = name_len;
  e->secret_len = secret_len;
  e->kind = kind;
  e->map = map;
  e->line = line;
  *have_entry = true;
  return AUTH_USERLIST_OK;
}

static int compare_names(const char *a, size_t a_len, const char *b, size_t b_len) {
  int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
  if (c != 0)
    return c;
  return a_len < b_len ? -1 : a_len > b_len;
}

static int compare_entries(const void *x, const void *y) {
  const auth_userlist_entry *a = x, *b = y;
  return compare_names(a->name, a->name_len, b->name, b->name_len);
}

void auth_userlist_free(auth_userlist *list) {
  if (list == NULL)
    return;
  for (size_t i = 0; i < list->n; i++)
    entry_free(&list->entries[i]);
  free(list->entries);
  list->entries = NULL;
  list->n = 0;
}

static auth_userlist_rc parse_all(const char *buf, size_t len, auth_userlist *out,
                                  auth_userlist_error *err, line_fields *f) {
  size_t cap = 0;
  unsigned line = 1;
  size_t pos = 0;
  while (pos < len) {
    const char *start = buf + pos;
    const char *nl = memchr(start, '\n', len - pos);
    size_t line_len = nl != NULL ? (size_t)(nl - start) : len - pos;
    pos += line_len + 1;
    if (line_len > 0 && start[line_len - 1] == '\r')
      line_len--;
    auth_userlist_entry e;
    bool have = false;
    auth_userlist_rc rc = parse_line(start, line_len, line, f, &e, &have, err);
    if (rc != AUTH_USERLIST_OK)
      return rc;
    if (have) {
      if (out->n == cap) {
        size_t ncap = cap == 0 ? 16 : cap * 2;
        auth_userlist_entry *grown = realloc(out->entries, ncap * sizeof(*grown));
        if (grown == NULL) {
          entry_free(&e);
          return AUTH_USERLIST_ENOMEM;
        }
        out->entries = grown;
        cap = ncap;
      }
      out->entries[out->n++] = e;
    }
    line++;
  }
  if (out->n > 1)
    qsort(out->entries, out->n, sizeof(*out->entries), compare_entries);
  for (size_t i = 1; i < out->n; i++) {
    const auth_userlist_entry *a = &out->entries[i - 1], *b = &out->entries[i];
    if (compare_entries(a, b) == 0) {
      unsigned first = a->line < b->line ? a->line : b->line;
      unsigned second = a->line < b->line ? b->line : a->line;
      int shown = a->name_len > MESSAGE_NAME_MAX ? MESSAGE_NAME_MAX : (int)a->name_len;
      set_error(err, second, "user \"%.*s\" already defined on line %u", shown, a->name, first);
      return AUTH_USERLIST_EDUPLICATE;
    }
  }
  return AUTH_USERLIST_OK;
}

auth_userlist_rc auth_userlist_parse(const char *buf, size_t len, auth_userlist *out,
                                     auth_userlist_error *err) {
  if (err != NULL) {
    err->line = 0;
    err->message[0] = '\0';
  }
  if (out == NULL || (buf == NULL && len > 0))
    return AUTH_USERLIST_EINVAL;
  out->entries = NULL;
  out->n = 0;
  if (len > AUTH_USERLIST_MAX_FILE) {
    if (err != NULL)
      snprintf(err->message, sizeof(err->message), "user file larger than %u bytes",
               AUTH_USERLIST_MAX_FILE);
    return AUTH_USERLIST_ETOOBIG;
  }
  line_fields *f = malloc(sizeof(*f));
  if (f == NULL)
    return AUTH_USERLIST_ENOMEM;
  auth_userlist_rc rc = parse_all(buf, len, out, err, f);
  OPENSSL_cleanse(f, sizeof(*f));
  free(f);
  if (rc != AUTH_USERLIST_OK) {
    if (rc == AUTH_USERLIST_ENOMEM && err != NULL)
      snprintf(err->message, sizeof(err->message), "out of memory");
    auth_userlist_free(out);
  }
  return rc;
}

typedef struct name_key {
  const char *name;
  size_t len;
} name_key;

static int compare_key(const void *k, const void *x) {
  const name_key *key = k;
  const auth_userlist_entry *e = x;
  return compare_names(key->name, key->len, e->name, e->name_len);
}

const auth_userlist_entry *auth_userlist_find(const auth_userlist *list, const char *name,
                                              size_t name_len) {
  if (list == NULL || list->n == 0 || name == NULL)
    return NULL;
  name_key key = {name, name_len};
  return bsearch(&key, list->entries, list->n, sizeof(*list->entries), compare_key);
}
