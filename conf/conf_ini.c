/* conf_ini.c — INI syntax only: lines → sections, key = value pairs, %include directives.
 *
 * Pure functions over memory; what a key means is decided by the caller (conf_file.c). The
 * syntax follows PgBouncer's: ';' and '#' start a comment at the beginning of a line or, later,
 * after whitespace (so "a=b#c" keeps "b#c", as in URLs and cipher lists); values may be quoted
 * with "..." and then may contain comment characters, with \" and \\ as the only escapes.
 */
#include "conf_internal.h"

#include <string.h>

static bool is_space(char c) {
  return c == ' ' || c == '\t';
}

static bool is_comment(char c) {
  return c == ';' || c == '#';
}

/* After a value or a section header only blanks and a comment may follow. */
static bool only_trailer(const char *p, const char *end) {
  while (p < end && is_space(*p))
    p++;
  return p == end || is_comment(*p);
}

static conf__line_kind fail(conf__line *out, const char *why) {
  out->kind = CONF__LINE_ERROR;
  out->error = why;
  return out->kind;
}

/* Decodes the value in [p, end). `prev` is the character before p in the line, so that a ';'
 * or '#' right after the '=' counts as "after whitespace" only if it really is. */
static const char *decode_value(const char *p, const char *end, char prev, char *scratch,
                                const char **why) {
  while (p < end && is_space(*p)) {
    prev = *p;
    p++;
  }
  char *w = scratch;
  if (p < end && *p == '"') {
    for (p++; p < end && *p != '"'; p++) {
      if (*p == '\\') {
        if (p + 1 == end || (p[1] != '"' && p[1] != '\\')) {
          *why = "bad escape in quoted value (only \\\" and \\\\ are allowed)";
          return NULL;
        }
        p++;
      }
      *w++ = *p;
    }
    if (p == end) {
      *why = "unterminated quoted value";
      return NULL;
    }
    if (!only_trailer(p + 1, end)) {
      *why = "unexpected text after the closing quote";
      return NULL;
    }
    *w = '\0';
    return scratch;
  }
  const char *start = p;
  const char *stop = p;
  for (; p < end; prev = *p, p++) {
    if (is_comment(*p) && is_space(prev))
      break;
    if (!is_space(*p))
      stop = p + 1;
  }
  size_t n = (size_t)(stop - start);
  memcpy(w, start, n);
  w[n] = '\0';
  return scratch;
}

static conf__line_kind parse_section(const char *p, const char *end, conf__line *out) {
  const char *close = memchr(p, ']', (size_t)(end - p));
  if (close == NULL)
    return fail(out, "missing ']' after the section name");
  const char *a = p + 1;
  const char *b = close;
  while (a < b && is_space(*a))
    a++;
  while (b > a && is_space(b[-1]))
    b--;
  if (a == b)
    return fail(out, "empty section name");
  if (!only_trailer(close + 1, end))
    return fail(out, "unexpected text after ']'");
  out->kind = CONF__LINE_SECTION;
  out->name = a;
  out->name_len = (size_t)(b - a);
  return out->kind;
}

static conf__line_kind parse_directive(const char *p, const char *end, char *scratch,
                                       conf__line *out) {
  static const char inc[] = "%include";
  size_t n = sizeof(inc) - 1;
  if ((size_t)(end - p) < n || memcmp(p, inc, n) != 0 || (p + n < end && !is_space(p[n])))
    return fail(out, "unknown directive (only %include is supported)");
  const char *why = NULL;
  const char *v = decode_value(p + n, end, 'e', scratch, &why);
  if (v == NULL)
    return fail(out, why);
  if (*v == '\0')
    return fail(out, "%include needs a file name");
  out->kind = CONF__LINE_INCLUDE;
  out->value = v;
  return out->kind;
}

conf__line_kind conf__ini_line(const char *line, size_t len, char *scratch, size_t scratch_cap,
                               conf__line *out) {
  memset(out, 0, sizeof(*out));
  if (scratch_cap < len + 1)
    return fail(out, "line too long");
  const char *p = line;
  const char *end = line + len;
  while (p < end && is_space(*p))
    p++;
  if (p == end || is_comment(*p)) {
    out->kind = CONF__LINE_BLANK;
    return out->kind;
  }
  if (*p == '[')
    return parse_section(p, end, out);
  if (*p == '%')
    return parse_directive(p, end, scratch, out);

  const char *eq = memchr(p, '=', (size_t)(end - p));
  if (eq == NULL)
    return fail(out, "expected 'key = value'");
  const char *kend = eq;
  while (kend > p && is_space(kend[-1]))
    kend--;
  if (kend == p)
    return fail(out, "missing key before '='");
  const char *why = NULL;
  const char *v = decode_value(eq + 1, end, '=', scratch, &why);
  if (v == NULL)
    return fail(out, why);
  out->kind = CONF__LINE_KEY;
  out->name = p;
  out->name_len = (size_t)(kend - p);
  out->value = v;
  return out->kind;
}

/* A control character other than tab is never meaningful in a config file and would make the
 * diagnostic that echoes the line unreadable. */
static bool has_control(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return true;
  }
  return false;
}

void conf__ini_parse(const char *text, size_t len, conf__ini_sink sink, void *arg) {
  char scratch[CONF__MAX_LINE + 1];
  size_t pos = 0;
  unsigned lineno = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  while (pos < len) {
    lineno++;
    const char *start = text + pos;
    const char *nl = memchr(start, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - start) : len - pos;
    pos += n + (nl ? 1 : 0);
    if (n > 0 && start[n - 1] == '\r')
      n--;
    conf__line l;
    memset(&l, 0, sizeof(l));
    if (n > CONF__MAX_LINE) {
      l.kind = CONF__LINE_ERROR;
      l.error = "line too long (the limit is " CONF__STR(CONF__MAX_LINE) " bytes)";
    } else if (memchr(start, '\0', n) != NULL) {
      l.kind = CONF__LINE_ERROR;
      l.error = "NUL byte in line";
    } else if (has_control(start, n)) {
      l.kind = CONF__LINE_ERROR;
      l.error = "control character in line";
    } else if (conf__ini_line(start, n, scratch, sizeof(scratch), &l) == CONF__LINE_BLANK) {
      continue;
    }
    if (!sink(arg, lineno, &l))
      return;
  }
}
