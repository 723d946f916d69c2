/*
 * test_auth_userlist.c — the PgBouncer auth_file parser with redwire's mapping field: quoting,
 * comments, secret kinds, mappings, line-numbered errors, duplicates, lookup, and robustness
 * against every truncation of a valid file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_userlist.h"

#define VERIF                                                                                      \
  "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"      \
  "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="
#define MD5HASH "md520c46e3762c864548e296b33c3406aa9"

static const char SAMPLE[] =
    "; redwire users\n"
    "# another comment style\n"
    "\n"
    "   \t\n"
    "\"alice\" \"" VERIF "\" \"db_user=analyst\"\n"
    "\"bob\"\t\"" MD5HASH "\"\r\n"
    "  \"carol\"   \"plain pass\"   \"secret_arn=arn:aws:secretsmanager:us-east-1:1:secret:x\"  \n"
    "\"say \"\"hi\"\"\" \"pa\"\"ss\"\n"
    "\"dave\" \"p\"";

static auth_userlist parse_ok(const char *text) {
  auth_userlist list = {0};
  auth_userlist_error err;
  auth_userlist_rc rc = auth_userlist_parse(text, strlen(text), &list, &err);
  if (rc != AUTH_USERLIST_OK)
    fail_msg("parse failed: %s (line %u: %s)", auth_userlist_strerror(rc), err.line, err.message);
  return list;
}

/* Parses text, expects rc at line, and a message containing needle. */
static void expect_error(const char *text, auth_userlist_rc want, unsigned line,
                         const char *needle) {
  auth_userlist list = {0};
  auth_userlist_error err;
  auth_userlist_rc rc = auth_userlist_parse(text, strlen(text), &list, &err);
  if (rc != want || err.line != line || strstr(err.message, needle) == NULL)
    fail_msg("for %s: got rc %d line %u \"%s\"; want rc %d line %u \"%s\"", text, rc, err.line,
             err.message, want, line, needle);
  assert_null(list.entries);
  assert_int_equal(list.n, 0);
}

static const auth_userlist_entry *find(const auth_userlist *l, const char *name) {
  return auth_userlist_find(l, name, strlen(name));
}

static void test_sample(void **state) {
  (void)state;
  auth_userlist l = parse_ok(SAMPLE);
  assert_int_equal(l.n, 5);

  const auth_userlist_entry *e = find(&l, "alice");
  assert_non_null(e);
  assert_string_equal(e->secret, VERIF);
  assert_int_equal(e->kind, AUTH_USERLIST_SCRAM);
  assert_int_equal(e->map, AUTH_USERLIST_MAP_DB_USER);
  assert_string_equal(e->map_value, "analyst");
  assert_int_equal(e->line, 5);

  e = find(&l, "bob");
  assert_non_null(e);
  assert_string_equal(e->secret, MD5HASH); /* the \r of CRLF is not part of anything */
  assert_int_equal(e->kind, AUTH_USERLIST_MD5);
  assert_int_equal(e->map, AUTH_USERLIST_MAP_NONE);
  assert_null(e->map_value);

  e = find(&l, "carol");
  assert_non_null(e);
  assert_string_equal(e->secret, "plain pass");
  assert_int_equal(e->kind, AUTH_USERLIST_PLAIN);
  assert_int_equal(e->map, AUTH_USERLIST_MAP_SECRET_ARN);
  assert_string_equal(e->map_value, "arn:aws:secretsmanager:us-east-1:1:secret:x");

  e = find(&l, "say \"hi\"");
  assert_non_null(e);
  assert_int_equal(e->name_len, 8);
  assert_string_equal(e->secret, "pa\"ss");
  assert_int_equal(e->line, 8);

  e = find(&l, "dave"); /* last line without newline */
  assert_non_null(e);
  assert_string_equal(e->secret, "p");
  assert_int_equal(e->line, 9);

  /* Exact, case-sensitive lookup; prefixes and extensions do not match. */
  assert_null(find(&l, "Alice"));
  assert_null(find(&l, "alic"));
  assert_null(find(&l, "alicex"));
  assert_null(find(&l, ""));
  assert_non_null(auth_userlist_find(&l, "alicex", 5));

  auth_userlist_free(&l);
  assert_null(l.entries);
  assert_int_equal(l.n, 0);
  auth_userlist_free(&l); /* idempotent */
}

static void test_empty_inputs(void **state) {
  (void)state;
  auth_userlist l = parse_ok("");
  assert_int_equal(l.n, 0);
  assert_null(find(&l, "x"));
  auth_userlist_free(&l);
  l = parse_ok("; only a comment\n\n#\n");
  assert_int_equal(l.n, 0);
  auth_userlist_free(&l);
  assert_int_equal(auth_userlist_parse(NULL, 0, &l, NULL), AUTH_USERLIST_OK);
  assert_int_equal(auth_userlist_parse(NULL, 1, &l, NULL), AUTH_USERLIST_EINVAL);
  assert_int_equal(auth_userlist_parse("", 0, NULL, NULL), AUTH_USERLIST_EINVAL);
}

static void test_syntax_errors(void **state) {
  (void)state;
  expect_error("alice \"x\"\n", AUTH_USERLIST_ESYNTAX, 1, "expected user name in double quotes");
  expect_error("\n\"alice\" x\n", AUTH_USERLIST_ESYNTAX, 2, "expected password in double quotes");
  expect_error("\"alice\"\n", AUTH_USERLIST_ESYNTAX, 1, "expected password in double quotes");
  expect_error("\"alice \"x\"\n", AUTH_USERLIST_ESYNTAX, 1, "unexpected character after user name");
  expect_error("\"alice\" \"x\n\"\n", AUTH_USERLIST_ESYNTAX, 1,
               "password: missing closing double quote");
  expect_error("\"alice\n", AUTH_USERLIST_ESYNTAX, 1, "user name: missing closing double quote");
  expect_error("\"\" \"x\"\n", AUTH_USERLIST_ESYNTAX, 1, "empty user name");
  expect_error("\"a\" \"\"\n", AUTH_USERLIST_ESYNTAX, 1, "empty password");
  /* "a""x" is one field (a"x), so the password is missing. */
  expect_error("\"a\"\"x\"", AUTH_USERLIST_ESYNTAX, 1, "expected password in double quotes");
  expect_error("\"a\" \"x\" trailing\n", AUTH_USERLIST_ESYNTAX, 1,
               "expected mapping field in double quotes");
  expect_error("\"a\" \"x\" \"db_usr=y\"\n", AUTH_USERLIST_ESYNTAX, 1,
               "third field must be \"db_user=NAME\" or \"secret_arn=ARN\"");
  expect_error("\"a\" \"x\" \"db_user=\"\n", AUTH_USERLIST_ESYNTAX, 1, "empty value");
  expect_error("\"a\" \"x\" \"secret_arn=\"\n", AUTH_USERLIST_ESYNTAX, 1, "empty value");
  expect_error("\"a\" \"x\" \"db_user=y\" \"z\"\n", AUTH_USERLIST_ESYNTAX, 1,
               "unexpected content after the mapping field");
  expect_error("\"a\" \"x\" \"db_user=y\"z\n", AUTH_USERLIST_ESYNTAX, 1,
               "unexpected character after mapping field");
  expect_error("\"a\" \"SCRAM-SHA-256$4096:abc\"\n", AUTH_USERLIST_ESYNTAX, 1,
               "SCRAM-SHA-256 verifier but is malformed");
  expect_error("\"a\" \"md520c46e3762c864548e296b33c3406aaz\"\n", AUTH_USERLIST_ESYNTAX, 1,
               "md5 hash but is not hexadecimal");
  static const char nul[] = "\"a\" \"x\"\n\"b\" \"y\0z\"\n";
  auth_userlist l = {0};
  auth_userlist_error err;
  assert_int_equal(auth_userlist_parse(nul, sizeof(nul) - 1, &l, &err), AUTH_USERLIST_ESYNTAX);
  assert_int_equal(err.line, 2);
  assert_string_equal(err.message, "line contains a NUL byte");
  assert_null(l.entries);
}

static void test_limits(void **state) {
  (void)state;
  char *buf = malloc(8192);
  assert_non_null(buf);
  char name[AUTH_USERLIST_MAX_NAME + 2];
  memset(name, 'n', sizeof(name));
  name[AUTH_USERLIST_MAX_NAME] = '\0';
  snprintf(buf, 8192, "\"%s\" \"x\"\n", name);
  auth_userlist l = parse_ok(buf);
  assert_non_null(find(&l, name));
  auth_userlist_free(&l);
  name[AUTH_USERLIST_MAX_NAME] = 'n';
  name[AUTH_USERLIST_MAX_NAME + 1] = '\0';
  snprintf(buf, 8192, "\"%s\" \"x\"\n", name);
  expect_error(buf, AUTH_USERLIST_ESYNTAX, 1, "user name longer than 128 bytes");

  char secret[AUTH_USERLIST_MAX_SECRET + 2];
  memset(secret, 's', sizeof(secret));
  secret[AUTH_USERLIST_MAX_SECRET + 1] = '\0';
  snprintf(buf, 8192, "\"u\" \"%s\"\n", secret);
  expect_error(buf, AUTH_USERLIST_ESYNTAX, 1, "password longer than 1024 bytes");

  char map[AUTH_USERLIST_MAX_MAP + 2];
  memset(map, 'm', sizeof(map));
  memcpy(map, "db_user=", 8);
  map[AUTH_USERLIST_MAX_MAP + 1] = '\0';
  snprintf(buf, 8192, "\"u\" \"x\" \"%s\"\n", map);
  expect_error(buf, AUTH_USERLIST_ESYNTAX, 1, "mapping field longer than 2048 bytes");
  free(buf);

  assert_int_equal(auth_userlist_parse("x", AUTH_USERLIST_MAX_FILE + 1u, &l, NULL),
                   AUTH_USERLIST_ETOOBIG);
}

static void test_duplicates(void **state) {
  (void)state;
  expect_error("\"a\" \"x\"\n\"b\" \"y\"\n; c\n\"a\" \"z\"\n", AUTH_USERLIST_EDUPLICATE, 4,
               "user \"a\" already defined on line 1");
  /* Same name written with and without escapes. */
  expect_error("\"q\"\"\" \"x\"\n\"q\"\"\" \"y\"\n", AUTH_USERLIST_EDUPLICATE, 2,
               "already defined on line 1");
  /* Names differing in case or length are different users. */
  auth_userlist l = parse_ok("\"a\" \"x\"\n\"A\" \"y\"\n\"aa\" \"z\"\n");
  assert_int_equal(l.n, 3);
  assert_string_equal(find(&l, "A")->secret, "y");
  assert_string_equal(find(&l, "aa")->secret, "z");
  auth_userlist_free(&l);
}

static void test_many_users_lookup(void **state) {
  (void)state;
  enum { N = 500 };
  char *buf = malloc(N * 32);
  assert_non_null(buf);
  size_t len = 0;
  for (int i = N - 1; i >= 0; i--)
    len += (size_t)snprintf(buf + len, N * 32 - len, "\"user%d\" \"pw%d\"\n", i, i);
  auth_userlist l = {0};
  assert_int_equal(auth_userlist_parse(buf, len, &l, NULL), AUTH_USERLIST_OK);
  assert_int_equal(l.n, N);
  for (int i = 0; i < N; i++) {
    char name[32], pw[32];
    snprintf(name, sizeof(name), "user%d", i);
    snprintf(pw, sizeof(pw), "pw%d", i);
    const auth_userlist_entry *e = find(&l, name);
    assert_non_null(e);
    assert_string_equal(e->secret, pw);
    assert_int_equal(e->line, (unsigned)(N - i));
  }
  assert_null(find(&l, "user500"));
  auth_userlist_free(&l);
  free(buf);
}

/* Every prefix of a valid file either parses or fails cleanly, never reads out of bounds
 * (the prefix is copied to an exact-size heap block so ASan sees any overrun). */
static void test_every_truncation(void **state) {
  (void)state;
  size_t total = strlen(SAMPLE);
  size_t ok = 0;
  for (size_t n = 0; n <= total; n++) {
    char *copy = malloc(n > 0 ? n : 1);
    assert_non_null(copy);
    memcpy(copy, SAMPLE, n);
    auth_userlist l = {0};
    auth_userlist_error err;
    auth_userlist_rc rc = auth_userlist_parse(copy, n, &l, &err);
    assert_true(rc == AUTH_USERLIST_OK || rc == AUTH_USERLIST_ESYNTAX);
    if (rc == AUTH_USERLIST_OK)
      ok++;
    else
      assert_true(err.line >= 1 && err.line <= 9);
    auth_userlist_free(&l);
    free(copy);
  }
  assert_true(ok > 0 && ok < total);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample),           cmocka_unit_test(test_empty_inputs),
      cmocka_unit_test(test_syntax_errors),    cmocka_unit_test(test_limits),
      cmocka_unit_test(test_duplicates),       cmocka_unit_test(test_many_users_lookup),
      cmocka_unit_test(test_every_truncation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
