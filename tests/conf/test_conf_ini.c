/* Unit tests of the INI syntax layer (conf_ini.c): one line → section / key / include / error,
 * and the splitting of a buffer into lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "conf_internal.h"

typedef struct line_case {
  const char *in;
  conf__line_kind kind;
  const char *name;  /* SECTION, KEY */
  const char *value; /* KEY, INCLUDE; the error text for ERROR */
} line_case;

static const line_case cases[] = {
    {"", CONF__LINE_BLANK, NULL, NULL},
    {"   \t ", CONF__LINE_BLANK, NULL, NULL},
    {"; comment", CONF__LINE_BLANK, NULL, NULL},
    {"  # comment", CONF__LINE_BLANK, NULL, NULL},
    {"[redwire]", CONF__LINE_SECTION, "redwire", NULL},
    {"  [ aws ]  ; trailing", CONF__LINE_SECTION, "aws", NULL},
    {"[databases]#x", CONF__LINE_SECTION, "databases", NULL},
    {"key = value", CONF__LINE_KEY, "key", "value"},
    {"key=value", CONF__LINE_KEY, "key", "value"},
    {"  key   =   spaced value  ", CONF__LINE_KEY, "key", "spaced value"},
    {"key = value ; comment", CONF__LINE_KEY, "key", "value"},
    {"key = value\t# comment", CONF__LINE_KEY, "key", "value"},
    /* A comment character not preceded by whitespace is part of the value. */
    {"ciphers = HIGH:!aNULL#x", CONF__LINE_KEY, "ciphers", "HIGH:!aNULL#x"},
    {"url = http://h/a;b", CONF__LINE_KEY, "url", "http://h/a;b"},
    {"key=;x", CONF__LINE_KEY, "key", ";x"},
    {"key = ;x", CONF__LINE_KEY, "key", ""},
    {"key =", CONF__LINE_KEY, "key", ""},
    {"key = a = b", CONF__LINE_KEY, "key", "a = b"},
    {"* = workgroup=x", CONF__LINE_KEY, "*", "workgroup=x"},
    {"key = \"quoted ; # value\"", CONF__LINE_KEY, "key", "quoted ; # value"},
    {"key = \"a \\\"b\\\" \\\\c\"  ; c", CONF__LINE_KEY, "key", "a \"b\" \\c"},
    {"key = \"\"", CONF__LINE_KEY, "key", ""},
    {"key = \"  padded  \"", CONF__LINE_KEY, "key", "  padded  "},
    {"key = a\"b\"", CONF__LINE_KEY, "key", "a\"b\""},
    {"%include other.ini", CONF__LINE_INCLUDE, NULL, "other.ini"},
    {"  %include \"dir with space/x.ini\" ; c", CONF__LINE_INCLUDE, NULL, "dir with space/x.ini"},
    {"%include", CONF__LINE_ERROR, NULL, "%include needs a file name"},
    {"%include   ; nothing", CONF__LINE_ERROR, NULL, "%include needs a file name"},
    {"%includex y", CONF__LINE_ERROR, NULL, "unknown directive (only %include is supported)"},
    {"%define x", CONF__LINE_ERROR, NULL, "unknown directive (only %include is supported)"},
    {"[redwire", CONF__LINE_ERROR, NULL, "missing ']' after the section name"},
    {"[ ]", CONF__LINE_ERROR, NULL, "empty section name"},
    {"[aws] x", CONF__LINE_ERROR, NULL, "unexpected text after ']'"},
    {"just words", CONF__LINE_ERROR, NULL, "expected 'key = value'"},
    {" = value", CONF__LINE_ERROR, NULL, "missing key before '='"},
    {"key = \"open", CONF__LINE_ERROR, NULL, "unterminated quoted value"},
    {"key = \"a\\nb\"", CONF__LINE_ERROR, NULL,
     "bad escape in quoted value (only \\\" and \\\\ are allowed)"},
    {"key = \"a\\", CONF__LINE_ERROR, NULL,
     "bad escape in quoted value (only \\\" and \\\\ are allowed)"},
    {"key = \"a\" b", CONF__LINE_ERROR, NULL, "unexpected text after the closing quote"},
};

static void check_line(const line_case *c, const char *line, size_t len) {
  char scratch[CONF__MAX_LINE + 1];
  conf__line l;
  conf__line_kind k = conf__ini_line(line, len, scratch, sizeof(scratch), &l);
  if (k != c->kind)
    fail_msg("\"%s\": kind %d, expected %d (%s)", c->in, (int)k, (int)c->kind,
             l.error ? l.error : "");
  assert_int_equal(l.kind, k);
  if (c->name != NULL) {
    assert_int_equal(l.name_len, strlen(c->name));
    assert_memory_equal(l.name, c->name, l.name_len);
  }
  if (k == CONF__LINE_ERROR)
    assert_string_equal(l.error, c->value);
  else if (c->value != NULL)
    assert_string_equal(l.value, c->value);
}

static void test_lines(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    check_line(&cases[i], cases[i].in, strlen(cases[i].in));
    /* The parser must stop at len: the same line followed by junk it must not read. */
    char buf[256];
    int n = snprintf(buf, sizeof(buf), "%s\nJUNK = 1", cases[i].in);
    assert_true(n > 0 && (size_t)n < sizeof(buf));
    check_line(&cases[i], buf, strlen(cases[i].in));
  }
}

static void test_scratch_too_small(void **state) {
  (void)state;
  char scratch[4];
  conf__line l;
  assert_int_equal(conf__ini_line("key = value", 11, scratch, sizeof(scratch), &l),
                   CONF__LINE_ERROR);
  assert_string_equal(l.error, "line too long");
}

/* Collects what conf__ini_parse delivers, as "lineno:kind:name=value" strings. */
typedef struct seen {
  char items[16][128];
  size_t n;
  size_t stop_after; /* 0 = never */
} seen;

static bool collect(void *arg, unsigned lineno, const conf__line *l) {
  seen *s = arg;
  if (s->n < 16) {
    if (l->kind == CONF__LINE_ERROR)
      snprintf(s->items[s->n], sizeof(s->items[0]), "%u:E:%s", lineno, l->error);
    else if (l->kind == CONF__LINE_SECTION)
      snprintf(s->items[s->n], sizeof(s->items[0]), "%u:S:%.*s", lineno, (int)l->name_len, l->name);
    else if (l->kind == CONF__LINE_KEY)
      snprintf(s->items[s->n], sizeof(s->items[0]), "%u:K:%.*s=%s", lineno, (int)l->name_len,
               l->name, l->value);
    else
      snprintf(s->items[s->n], sizeof(s->items[0]), "%u:I:%s", lineno, l->value);
  }
  s->n++;
  return s->stop_after == 0 || s->n < s->stop_after;
}

static void test_buffer_lines(void **state) {
  (void)state;
  static const char text[] = "\xEF\xBB\xBF[redwire]\r\n"
                             "\n"
                             "listen_port = 1\r\n"
                             "; c\n"
                             "bad\x01line = x\n"
                             "nul\0here = y\n"
                             "%include a.ini\n"
                             "last = no newline";
  seen s = {.n = 0};
  conf__ini_parse(text, sizeof(text) - 1, collect, &s);
  assert_int_equal(s.n, 6);
  assert_string_equal(s.items[0], "1:S:redwire");
  assert_string_equal(s.items[1], "3:K:listen_port=1");
  assert_string_equal(s.items[2], "5:E:control character in line");
  assert_string_equal(s.items[3], "6:E:NUL byte in line");
  assert_string_equal(s.items[4], "7:I:a.ini");
  assert_string_equal(s.items[5], "8:K:last=no newline");
}

static void test_long_line(void **state) {
  (void)state;
  static char text[CONF__MAX_LINE * 2 + 64];
  size_t n = 0;
  /* Exactly at the limit is fine; one byte more is an error, and parsing goes on. */
  n += (size_t)snprintf(text + n, sizeof(text) - n, "k = ");
  memset(text + n, 'a', CONF__MAX_LINE - 4);
  n += CONF__MAX_LINE - 4;
  text[n++] = '\n';
  n += (size_t)snprintf(text + n, sizeof(text) - n, "k = ");
  memset(text + n, 'b', CONF__MAX_LINE - 3);
  n += CONF__MAX_LINE - 3;
  text[n++] = '\n';
  n += (size_t)snprintf(text + n, sizeof(text) - n, "x = 1\n");
  seen s = {.n = 0};
  conf__ini_parse(text, n, collect, &s);
  assert_int_equal(s.n, 3);
  assert_memory_equal(s.items[0], "1:K:k=aaaa", 10);
  assert_string_equal(s.items[1], "2:E:line too long (the limit is 4096 bytes)");
  assert_string_equal(s.items[2], "3:K:x=1");
}

static void test_sink_can_stop(void **state) {
  (void)state;
  static const char text[] = "a = 1\nb = 2\nc = 3\n";
  seen s = {.n = 0, .stop_after = 2};
  conf__ini_parse(text, sizeof(text) - 1, collect, &s);
  assert_int_equal(s.n, 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lines),         cmocka_unit_test(test_scratch_too_small),
      cmocka_unit_test(test_buffer_lines),  cmocka_unit_test(test_long_line),
      cmocka_unit_test(test_sink_can_stop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
