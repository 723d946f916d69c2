/* SQL lexer, statement splitting and placeholder search.
 *
 * Error messages and positions are those PostgreSQL 15.20 returned on this machine for the same
 * query strings (ErrorResponse M and P fields, captured over the raw protocol).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pgw_sql.h"

/* Renders the token stream as "KIND:text|KIND:text|...". */
static void tokens(const char *sql, char *out, size_t cap) {
  static const char *const names[] = {"eof", "sp", "cmt", "str",  "dol", "qid", "id",
                                      "num", "op", "prm", "semi", "(",   ")",   "pun"};
  pgw_lexer lx;
  pgw_lex_init(&lx, sql, strlen(sql));
  size_t n = 0;
  out[0] = '\0';
  for (;;) {
    pgw_tok t;
    assert_int_equal(pgw_lex_next(&lx, &t, NULL), PGW_OK);
    if (t.kind == PGW_TOK_EOF)
      break;
    int w = snprintf(out + n, cap - n, "%s%s:%.*s", n ? "|" : "", names[t.kind], (int)t.len,
                     sql + t.off);
    assert_true(w > 0 && (size_t)w < cap - n);
    n += (size_t)w;
  }
}

static void test_tokens(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"select 1", "id:select|sp: |num:1"},
      {"a$b$c $1 $$x$$", "id:a$b$c|sp: |prm:$1|sp: |dol:$$x$$"},
      {"'it''s' E'a\\'b' 'c\\'", "str:'it''s'|sp: |str:E'a\\'b'|sp: |str:'c\\'"},
      {"U&'d\\0061' u&\"x\"\"y\" \"q\"\"\"",
       "str:U&'d\\0061'|sp: |qid:u&\"x\"\"y\"|sp: |qid:\"q\"\"\""},
      {"B'01' x'ff' N'n' e''", "str:B'01'|sp: |str:x'ff'|sp: |str:N'n'|sp: |str:e''"},
      {"$a$ $b$ $a$;$_1$x$_1$", "dol:$a$ $b$ $a$|semi:;|dol:$_1$x$_1$"},
      {"1.5e3 .5 1e 1..2 3.",
       "num:1.5e3|sp: |num:.5|sp: |num:1|id:e|sp: |num:1|pun:..|num:2|sp: |num:3."},
      {"a::int>=-1", "id:a|pun:::|id:int|op:>=-|num:1"},
      {"1+--c\n2", "num:1|op:+|cmt:--c|sp:\n|num:2"},
      {"1*/*c*/2", "num:1|op:*|cmt:/*c*/|num:2"},
      {"/* a /* b */ c */x", "cmt:/* a /* b */ c */|id:x"},
      {"-- only", "cmt:-- only"},
      {"f(a,b[1])", "id:f|(:(|id:a|pun:,|id:b|pun:[|num:1|pun:]|):)"},
      {"$ x", "pun:$|sp: |id:x"},
      {"é\xe2\x82\xac_1", "id:é\xe2\x82\xac_1"},
      {"E'\\\\' 'x'", "str:E'\\\\'|sp: |str:'x'"},
      {"ee'x'", "id:ee|str:'x'"},
  };
  char buf[512];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tokens(cases[i][0], buf, sizeof buf);
    print_message("  %s\n", cases[i][0]);
    assert_string_equal(buf, cases[i][1]);
  }
  pgw_lexer lx;
  pgw_tok t;
  pgw_lex_init(&lx, "$12 $4294967296", 15);
  assert_int_equal(pgw_lex_next(&lx, &t, NULL), PGW_OK);
  assert_int_equal(t.param, 12);
  assert_int_equal(pgw_lex_next(&lx, &t, NULL), PGW_OK);
  assert_int_equal(pgw_lex_next(&lx, &t, NULL), PGW_OK);
  assert_int_equal(t.param, UINT32_MAX); /* saturated */
  assert_int_equal(pgw_lex_next(&lx, &t, NULL), PGW_OK);
  assert_int_equal(t.kind, PGW_TOK_EOF);
  assert_int_equal(pgw_lex_next(&lx, &t, NULL), PGW_OK); /* EOF for ever */
  assert_int_equal(t.kind, PGW_TOK_EOF);
}

typedef struct err_case {
  const char *sql;
  const char *message;
  int32_t position;
} err_case;

static void test_errors_like_pg15(void **state) {
  (void)state;
  static const err_case cases[] = {
      {"select 1; select 'abc\n more", "unterminated quoted string at or near \"'abc\n more\"", 18},
      {"select e'ab\\'", "unterminated quoted string at or near \"e'ab\\'\"", 8},
      {"select \"abc", "unterminated quoted identifier at or near \"\"abc\"", 8},
      {"select 1 /* x /* y */", "unterminated /* comment at or near \"/* x /* y */\"", 10},
      {"select $$abc", "unterminated dollar-quoted string at or near \"$$abc\"", 8},
      {"select $tag$ abc $ta$", "unterminated dollar-quoted string at or near \"$tag$ abc $ta$\"",
       8},
      {"select $1abc", "trailing junk after parameter at or near \"$1abc\"", 8},
      {"select u&'abc", "unterminated quoted string at or near \"u&'abc\"", 8},
      {"select x'0f", "unterminated hexadecimal string literal at or near \"x'0f\"", 8},
      {"select é, 'abc", "unterminated quoted string at or near \"'abc\"", 11},
      {"select $a$b$", "unterminated dollar-quoted string at or near \"$a$b$\"", 8},
      {"select b'1", "unterminated bit string literal at or near \"b'1\"", 8},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    pgw_error err;
    pgw_sql_stmt st[4];
    size_t n = 99;
    print_message("  %s\n", cases[i].sql);
    assert_int_equal(pgw_sql_split(cases[i].sql, strlen(cases[i].sql), st, 4, &n, &err),
                     PGW_EPROTO);
    assert_int_equal(n, 99);
    assert_string_equal(err.severity, "ERROR");
    assert_string_equal(err.sqlstate, "42601");
    assert_string_equal(err.message, cases[i].message);
    assert_int_equal(err.position, cases[i].position);
  }
}

/* Renders the statements as "[stmt][stmt]". */
static pgw_rc split(const char *sql, char *out, size_t cap) {
  pgw_sql_stmt st[8];
  size_t n;
  pgw_rc rc = pgw_sql_split(sql, strlen(sql), st, 8, &n, NULL);
  out[0] = '\0';
  if (rc != PGW_OK)
    return rc;
  size_t used = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(out + used, cap - used, "[%.*s]", (int)st[i].len, sql + st[i].off);
    assert_true(w > 0 && (size_t)w < cap - used);
    used += (size_t)w;
  }
  return PGW_OK;
}

static void test_split(void **state) {
  (void)state;
  static const char *const cases[][2] = {
      {"select ';' ; select $$;$$; select 1 -- ;\n", "[select ';'][select $$;$$][select 1]"},
      {"select 1", "[select 1]"},
      {"select 1;", "[select 1]"},
      {"select 1;;select 2", "[select 1][select 2]"},
      {";;;", ""},
      {"", ""},
      {"  \n\t", ""},
      {"-- nothing\n/* at /* all */ */", ""},
      {"/* c */ select 1 /* d */ ; -- e", "[select 1]"},
      {"select E'\\';' ; select 'a\\'; select 2", "[select E'\\';'][select 'a\\'][select 2]"},
      {"select \"a;b\"; select U&\"c;\"", "[select \"a;b\"][select U&\"c;\"]"},
      {"select $f$ $$;$$ $f$; select 2", "[select $f$ $$;$$ $f$][select 2]"},
      {"create function f() returns int as $body$ begin return 1; end $body$ language plpgsql; "
       "select f()",
       "[create function f() returns int as $body$ begin return 1; end $body$ language "
       "plpgsql][select f()]"},
      {"select a$b; select 1", "[select a$b][select 1]"},
      {"select /* ; */ 1; select -- ;\n 2", "[select /* ; */ 1][select -- ;\n 2]"},
      {"begin; insert into t values (1); commit;", "[begin][insert into t values (1)][commit]"},
  };
  char buf[512];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    print_message("  %s\n", cases[i][0]);
    assert_int_equal(split(cases[i][0], buf, sizeof buf), PGW_OK);
    assert_string_equal(buf, cases[i][1]);
  }
}

/* full_len reaches through the terminating ';' (what the proxy sends, so that an error at the
 * ';' reads as PostgreSQL's "at or near \";\""), across comments and blanks before it. */
static void test_split_full_len(void **state) {
  (void)state;
  const char *sql = "select 1 + /* c */ ; select 2 ;select 3";
  pgw_sql_stmt st[4];
  size_t n;
  assert_int_equal(pgw_sql_split(sql, strlen(sql), st, 4, &n, NULL), PGW_OK);
  assert_int_equal(n, 3);
  assert_int_equal(st[0].len, strlen("select 1 +"));
  assert_int_equal(st[0].full_len, strlen("select 1 + /* c */ ;"));
  assert_int_equal(st[1].full_len, strlen("select 2 ;"));
  assert_int_equal(st[2].full_len, st[2].len);
}

static void test_split_limit(void **state) {
  (void)state;
  pgw_sql_stmt st[2];
  size_t n;
  assert_int_equal(pgw_sql_split("a;b", 3, st, 2, &n, NULL), PGW_OK);
  assert_int_equal(n, 2);
  assert_int_equal(pgw_sql_split("a;b;c", 5, st, 2, &n, NULL), PGW_ETOOBIG);
  assert_int_equal(pgw_sql_split(";;", 2, NULL, 0, &n, NULL), PGW_OK);
  assert_int_equal(n, 0);
}

static void test_placeholders(void **state) {
  (void)state;
  const char *sql = "select $1, '$2', \"$3\", $$ $4 $$, E'\\'$5', $f$$6$f$ -- $7\n"
                    ", /* $8 */ $10::int, $2, a$3";
  pgw_sql_param p[8];
  size_t count;
  uint32_t max_n;
  assert_int_equal(pgw_sql_placeholders(sql, strlen(sql), p, 8, &count, &max_n, NULL), PGW_OK);
  assert_int_equal(count, 3);
  assert_int_equal(max_n, 10);
  assert_int_equal(p[0].n, 1);
  assert_int_equal(p[0].off, 7);
  assert_int_equal(p[0].len, 2);
  assert_int_equal(p[1].n, 10);
  assert_memory_equal(sql + p[1].off, "$10", 3);
  assert_int_equal(p[1].len, 3);
  assert_int_equal(p[2].n, 2);

  /* Counting only. */
  assert_int_equal(pgw_sql_placeholders(sql, strlen(sql), NULL, 0, &count, &max_n, NULL), PGW_OK);
  assert_int_equal(count, 3);
  /* Too many for the array. */
  assert_int_equal(pgw_sql_placeholders(sql, strlen(sql), p, 2, &count, &max_n, NULL), PGW_ETOOBIG);
  /* None. */
  assert_int_equal(pgw_sql_placeholders("select 1", 8, p, 8, &count, &max_n, NULL), PGW_OK);
  assert_int_equal(count, 0);
  assert_int_equal(max_n, 0);

  pgw_error err;
  assert_int_equal(pgw_sql_placeholders("select $0", 9, p, 8, &count, &max_n, &err), PGW_EPROTO);
  assert_string_equal(err.sqlstate, "42P02");
  assert_string_equal(err.message, "there is no parameter $0");
  assert_int_equal(err.position, 8);
  assert_int_equal(pgw_sql_placeholders("x $65536", 8, p, 8, &count, &max_n, &err), PGW_EPROTO);
  assert_string_equal(err.message, "there is no parameter $65536");
  assert_int_equal(pgw_sql_placeholders("x $65535", 8, p, 8, &count, &max_n, NULL), PGW_OK);
  assert_int_equal(max_n, 65535);
  assert_int_equal(pgw_sql_placeholders("x '$1", 5, p, 8, &count, &max_n, &err), PGW_EPROTO);
  assert_string_equal(err.sqlstate, "42601");
}

/* Every prefix of a valid query either lexes or fails with a clean error; a token never extends
 * past the input. */
static void test_prefixes_never_overrun(void **state) {
  (void)state;
  const char *sql = "select E'a\\'', $q$x$q$, U&\"y\", /* /* */ */ $1 -- z\n; x'1'";
  size_t len = strlen(sql);
  for (size_t cut = 0; cut <= len; cut++) {
    pgw_lexer lx;
    pgw_lex_init(&lx, sql, cut);
    for (;;) {
      pgw_tok t;
      pgw_error err;
      if (pgw_lex_next(&lx, &t, &err) != PGW_OK) {
        assert_true(err.position >= 1);
        break;
      }
      assert_true(t.off + t.len <= cut);
      if (t.kind == PGW_TOK_EOF)
        break;
      assert_true(t.len > 0);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tokens),
      cmocka_unit_test(test_errors_like_pg15),
      cmocka_unit_test(test_split),
      cmocka_unit_test(test_split_full_len),
      cmocka_unit_test(test_split_limit),
      cmocka_unit_test(test_placeholders),
      cmocka_unit_test(test_prefixes_never_overrun),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
