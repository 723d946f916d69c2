/* test_px_errmap.c — Data API statement error texts → SQLSTATE, message, detail, hint, position.
 *
 * The PostgreSQL rows use PostgreSQL 15.20's own messages in the shape the emulator forwards
 * them (emu_pg_error_text: "ERROR: <primary>\n Position: N"); the SQLSTATE expected for each is
 * the one that server reported (psql \set VERBOSITY verbose) for the statement quoted beside it.
 * The Redshift rows are texts of the real service (documented or reported by its users).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "px_errmap.h"

typedef struct row {
  const char *sql; /* what produced the message (documentation only) */
  const char *text;
  const char *sqlstate;
} row;

static const row POSTGRES[] = {
    {"select * from nosuch", "ERROR: relation \"nosuch\" does not exist\n Position: 15", "42P01"},
    {"select * from nosuchschema.x",
     "ERROR: relation \"nosuchschema.x\" does not exist\n Position: 15", "42P01"},
    {"drop table s1.zzz", "ERROR: table \"zzz\" does not exist", "42P01"},
    {"select nosuch.a from t",
     "ERROR: missing FROM-clause entry for table \"nosuch\"\n Position: 8", "42P01"},
    {"select nosuchcol from t", "ERROR: column \"nosuchcol\" does not exist\n Position: 8",
     "42703"},
    {"select t.zz from t", "ERROR: column t.zz does not exist\n Position: 8", "42703"},
    {"select nosuchfn(1)", "ERROR: function nosuchfn(integer) does not exist\n Position: 8",
     "42883"},
    {"select 1 where 1 = 'a'::text",
     "ERROR: operator does not exist: integer = text\n Position: 18", "42883"},
    {"create table nosuchschema.x(a int)",
     "ERROR: schema \"nosuchschema\" does not exist\n"
     " Position: 14",
     "3F000"},
    {"select 1::nosuchtype", "ERROR: type \"nosuchtype\" does not exist\n Position: 11", "42704"},
    {"drop index nosuchidx", "ERROR: index \"nosuchidx\" does not exist", "42704"},
    {"set nosuchparam = 1", "ERROR: unrecognized configuration parameter \"nosuchparam\"", "42704"},
    {"create table t(a int)", "ERROR: relation \"t\" already exists", "42P07"},
    {"create schema s1", "ERROR: schema \"s1\" already exists", "42P06"},
    {"create database d", "ERROR: database \"d\" already exists", "42P04"},
    {"alter table t add column b int", "ERROR: column \"b\" of relation \"t\" already exists",
     "42701"},
    {"create table t3(a int, a int)", "ERROR: column \"a\" specified more than once", "42701"},
    {"selec 1", "ERROR: syntax error at or near \"selec\"\n Position: 1", "42601"},
    {"select (", "ERROR: syntax error at end of input\n Position: 9", "42601"},
    {"vacuum (nosuchopt) t", "ERROR: unrecognized VACUUM option \"nosuchopt\"\n Position: 9",
     "42601"},
    {"select * from t (as lowly)", "ERROR: permission denied for table t", "42501"},
    {"drop table t (as lowly)", "ERROR: must be owner of table t", "42501"},
    {"create role x superuser (as lowly)", "ERROR: must be superuser to create superusers",
     "42501"},
    {"copy (select 1) to '/tmp/x' (as lowly)",
     "ERROR: must be superuser or have privileges of the pg_write_server_files role to COPY to "
     "a file",
     "42501"},
    {"alter system set work_mem = '1MB' (as lowly)",
     "ERROR: permission denied to set parameter \"work_mem\"", "42501"},
    {"set role postgres (as lowly)", "ERROR: permission denied to set role \"postgres\"", "42501"},
    {"select 1/0", "ERROR: division by zero", "22012"},
    {"select 'abc'::int", "ERROR: invalid input syntax for type integer: \"abc\"\n Position: 8",
     "22P02"},
    {"select 'abc'::uuid", "ERROR: invalid input syntax for type uuid: \"abc\"\n Position: 8",
     "22P02"},
    {"select 'abc'::date", "ERROR: invalid input syntax for type date: \"abc\"\n Position: 8",
     "22007"},
    {"select '2024-13-45'::date",
     "ERROR: date/time field value out of range: \"2024-13-45\"\n Position: 8", "22008"},
    {"select 2147483647::int + 1", "ERROR: integer out of range", "22003"},
    {"select 1::int2 * 100000::int2", "ERROR: smallint out of range", "22003"},
    {"select 99999999999999999999::int8", "ERROR: bigint out of range", "22003"},
    {"select 12345.678::numeric(5,2)", "ERROR: numeric field overflow", "22003"},
    {"select '1e400'::float8",
     "ERROR: \"1e400\" is out of range for type double precision\n Position: 8", "22003"},
    {"insert into t values (1, 1, 'abcd', 1)",
     "ERROR: value too long for type character varying(3)", "22001"},
    {"insert into t values (1, null, 'a', 1)",
     "ERROR: null value in column \"b\" of relation \"t\" violates not-null constraint", "23502"},
    {"insert into t values (1, 1, 'a', 1) twice",
     "ERROR: duplicate key value violates unique constraint \"t_pkey\"", "23505"},
    {"insert into u values (5)",
     "ERROR: insert or update on table \"u\" violates foreign key constraint \"u_a_fkey\"",
     "23503"},
    {"delete from t (referenced)",
     "ERROR: update or delete on table \"t\" violates foreign key constraint \"u_a_fkey\" on "
     "table \"u\"",
     "23503"},
    {"insert into t values (2, 1, 'a', -1)",
     "ERROR: new row for relation \"t\" violates check constraint \"t_d_check\"", "23514"},
    {"select a from t, u", "ERROR: column reference \"a\" is ambiguous\n Position: 8", "42702"},
    {"insert into t(a,b) values ('1'::bool, 1)",
     "ERROR: column \"a\" is of type integer but expression is of type boolean\n Position: 27",
     "42804"},
    {"select b from t group by c",
     "ERROR: column \"t.b\" must appear in the GROUP BY clause or be used in an aggregate "
     "function\n Position: 8",
     "42803"},
    {"select count(count(a)) from t",
     "ERROR: aggregate function calls cannot be nested\n Position: 14", "42803"},
    {"select 1 where count(*) > 0",
     "ERROR: aggregate functions are not allowed in WHERE\n Position: 16", "42803"},
    {"select 'x'::text::int4[]::point", "ERROR: cannot cast type integer[] to point\n Position: 24",
     "42846"},
    {"select 1 (in a failed transaction)",
     "ERROR: current transaction is aborted, commands ignored until end of transaction block",
     "25P02"},
    {"begin read only; insert ...", "ERROR: cannot execute INSERT in a read-only transaction",
     "25006"},
    {"serializable conflict",
     "ERROR: could not serialize access due to read/write dependencies among transactions",
     "40001"},
    {"update under repeatable read", "ERROR: could not serialize access due to concurrent update",
     "40001"},
    {"lock cycle", "ERROR: deadlock detected", "40P01"},
    {"set statement_timeout = 10; select pg_sleep(1)",
     "ERROR: canceling statement due to statement timeout", "57014"},
    {"pg_cancel_backend", "ERROR: canceling statement due to user request", "57014"},
    {"select (select 1 union select 2)",
     "ERROR: more than one row returned by a subquery used as an expression", "21000"},
    {"drop table t (referenced)", "ERROR: cannot drop table t because other objects depend on it",
     "2BP01"},
    {"select * from t where a = $1", "ERROR: there is no parameter $1\n Position: 27", "42P02"},
    {"disk full", "ERROR: could not extend file \"base/16384/16385\": No space left on device",
     "53100"},
    {"memory", "ERROR: out of memory", "53200"},
};

static const row REDSHIFT[] = {
    {"CancelStatement", "ERROR: Query (12345) cancelled on user's request", "57014"},
    {"WLM rule",
     "ERROR: Query (150) cancelled by WLM abort action of Query Monitoring Rule "
     "\"rule_1\".",
     "57014"},
    {"serializable isolation",
     "ERROR: 1023 DETAIL: Serializable isolation violation on table - 100, transactions "
     "forming the cycle are: 2001, 2002 (pid:3131)",
     "40001"},
    {"cast", "ERROR: Invalid digit, Value 'a', Pos 0, Type: Integer", "22P02"},
    {"decimal overflow", "ERROR: Numeric data overflow (result precision)", "22003"},
    {"integer overflow", "ERROR: Overflow (Integer valid range -2147483648 to 2147483647)",
     "22003"},
    {"disk", "ERROR: Disk Full", "53100"},
    {"memory", "ERROR: Out Of Memory: ", "53200"},
    {"old-style grant", "ERROR: permission denied for relation t", "42501"},
    {"leader-node only",
     "ERROR: Specified types or functions (one per INFO message) not "
     "supported on Redshift tables.",
     "0A000"},
    {"no prefix", "relation \"nosuch\" does not exist", "42P01"},
    {"unknown", "ERROR: something nobody has seen before", "XX000"},
};

static void check_table(const row *rows, size_t n) {
  for (size_t i = 0; i < n; i++) {
    pgw_error e;
    int32_t pos = -1;
    px_errmap_statement_error(rows[i].text, strlen(rows[i].text), &e, &pos);
    if (strcmp(e.sqlstate, rows[i].sqlstate) != 0)
      fail_msg("%s: %s → %s, want %s", rows[i].sql, rows[i].text, e.sqlstate, rows[i].sqlstate);
    assert_string_equal(e.severity, "ERROR");
    assert_true(pos >= 0);
    /* The message is the primary text: no prefix, no Position part. */
    assert_null(strstr(e.message, "ERROR:"));
    assert_null(strstr(e.message, "Position:"));
    assert_true(e.message[0] != '\0');
  }
}

static void test_postgres_messages(void **state) {
  (void)state;
  check_table(POSTGRES, sizeof POSTGRES / sizeof POSTGRES[0]);
}

static void test_redshift_messages(void **state) {
  (void)state;
  check_table(REDSHIFT, sizeof REDSHIFT / sizeof REDSHIFT[0]);
}

static void test_parts(void **state) {
  (void)state;
  pgw_error e;
  int32_t pos;
  /* The emulator's shape. */
  const char *t1 = "ERROR: relation \"nosuch\" does not exist\n Position: 15";
  px_errmap_statement_error(t1, strlen(t1), &e, &pos);
  assert_string_equal(e.message, "relation \"nosuch\" does not exist");
  assert_string_equal(e.detail, "");
  assert_string_equal(e.hint, "");
  assert_int_equal(pos, 15);
  assert_int_equal(e.position, 0);

  /* PostgreSQL's layout with two spaces, DETAIL and HINT lines. */
  const char *t2 = "ERROR:  function nosuchfn(integer) does not exist\n"
                   "HINT:  No function matches the given name and argument types.\n"
                   "  Position: 8\n";
  px_errmap_statement_error(t2, strlen(t2), &e, &pos);
  assert_string_equal(e.sqlstate, "42883");
  assert_string_equal(e.message, "function nosuchfn(integer) does not exist");
  assert_string_equal(e.hint, "No function matches the given name and argument types.");
  assert_int_equal(pos, 8);

  /* Redshift's inline DETAIL. */
  const char *t3 = "ERROR: 1023 DETAIL: Serializable isolation violation on table - 100";
  px_errmap_statement_error(t3, strlen(t3), &e, &pos);
  assert_string_equal(e.sqlstate, "40001");
  assert_string_equal(e.message, "1023");
  assert_string_equal(e.detail, "Serializable isolation violation on table - 100");
  assert_int_equal(pos, 0);

  /* A marker inside a quoted identifier is part of the message. */
  const char *t4 = "ERROR: relation \"x DETAIL: y\" does not exist\nDETAIL: real detail";
  px_errmap_statement_error(t4, strlen(t4), &e, &pos);
  assert_string_equal(e.sqlstate, "42P01");
  assert_string_equal(e.message, "relation \"x DETAIL: y\" does not exist");
  assert_string_equal(e.detail, "real detail");

  /* Markers are case-sensitive: the lower-case word is part of a message. */
  const char *t4b = "ERROR: invalid position: 3 in string\n Position: 12";
  px_errmap_statement_error(t4b, strlen(t4b), &e, &pos);
  assert_string_equal(e.message, "invalid position: 3 in string");
  assert_int_equal(pos, 12);

  /* CONTEXT is dropped; position may be absent, malformed or huge. */
  const char *t5 = "ERROR: division by zero\nCONTEXT: SQL function \"f\" statement 1";
  px_errmap_statement_error(t5, strlen(t5), &e, &pos);
  assert_string_equal(e.message, "division by zero");
  assert_string_equal(e.detail, "");
  const char *t6 = "ERROR: syntax error at or near \"x\"\n Position: abc";
  px_errmap_statement_error(t6, strlen(t6), &e, &pos);
  assert_int_equal(pos, 0);
  const char *t7 = "ERROR: syntax error at or near \"x\"\n Position: 99999999999";
  px_errmap_statement_error(t7, strlen(t7), &e, &pos);
  assert_int_equal(pos, 0);
  const char *t8 = "ERROR: syntax error at or near \"x\"\n Position: 0";
  px_errmap_statement_error(t8, strlen(t8), &e, &pos);
  assert_int_equal(pos, 0);

  /* FATAL is reported as ERROR: the statement failed, not the client's session. */
  const char *t9 = "FATAL: terminating connection due to administrator command";
  px_errmap_statement_error(t9, strlen(t9), &e, NULL);
  assert_string_equal(e.severity, "ERROR");
  assert_string_equal(e.sqlstate, "57P01");
  assert_string_equal(e.message, "terminating connection due to administrator command");
}

static void test_degenerate_input(void **state) {
  (void)state;
  pgw_error e;
  int32_t pos = 7;
  px_errmap_statement_error("", 0, &e, &pos);
  assert_string_equal(e.message, "statement failed");
  assert_string_equal(e.sqlstate, "XX000");
  assert_int_equal(pos, 0);
  px_errmap_statement_error(NULL, 5, &e, &pos);
  assert_string_equal(e.message, "statement failed");
  px_errmap_statement_error("ERROR:   ", 9, &e, &pos);
  assert_string_equal(e.message, "statement failed");
  px_errmap_statement_error("DETAIL: only", 12, &e, &pos);
  assert_string_equal(e.message, "statement failed");
  assert_string_equal(e.detail, "only");

  /* Not NUL-terminated: only len bytes are read. */
  px_errmap_statement_error("ERROR: division by zeroXYZ", 23, &e, &pos);
  assert_string_equal(e.message, "division by zero");
  assert_string_equal(e.sqlstate, "22012");

  /* Embedded NUL bytes do not cut the message short in a way that breaks it. */
  const char with_nul[] = "ERROR: bad\0byte";
  px_errmap_statement_error(with_nul, sizeof with_nul - 1, &e, &pos);
  assert_string_equal(e.message, "bad byte");

  /* Very long texts are cut at a UTF-8 boundary within the field. */
  char long_text[2000];
  strcpy(long_text, "ERROR: ");
  size_t o = strlen(long_text);
  while (o + 2 < sizeof long_text - 1) {
    long_text[o++] = '\xc3'; /* é */
    long_text[o++] = '\xa9';
  }
  long_text[o] = '\0';
  px_errmap_statement_error(long_text, o, &e, &pos);
  size_t n = strlen(e.message);
  assert_true(n > 0 && n < PGW_ERROR_TEXT_MAX);
  assert_int_equal(n % 2, 0);
  assert_string_equal(e.sqlstate, "XX000");
}

static void test_sqlstate_lookup(void **state) {
  (void)state;
  assert_string_equal(px_errmap_sqlstate("DIVISION BY ZERO", 16), "22012");
  assert_string_equal(px_errmap_sqlstate("division by zero!", 17), "XX000");
  assert_string_equal(px_errmap_sqlstate(NULL, 0), "XX000");
  assert_string_equal(px_errmap_sqlstate("", 0), "XX000");
  /* More specific rows win over the general ones after them. */
  assert_string_equal(px_errmap_sqlstate("invalid input syntax for type timestamp: \"x\"", 44),
                      "22007");
  assert_string_equal(px_errmap_sqlstate("timestamp out of range", 22), "22008");
  assert_string_equal(px_errmap_sqlstate("value out of range: overflow", 28), "22003");
  /* A huge message is not matched (bounded work), even one a row would match: the first
   * 4096 bytes still are. */
  static char huge[5000];
  memset(huge, 'a', sizeof huge);
  memcpy(huge, "permission denied ", 18);
  assert_string_equal(px_errmap_sqlstate(huge, 4096), "42501");
  assert_string_equal(px_errmap_sqlstate(huge, sizeof huge), "XX000");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_postgres_messages),
      cmocka_unit_test(test_redshift_messages),
      cmocka_unit_test(test_parts),
      cmocka_unit_test(test_degenerate_input),
      cmocka_unit_test(test_sqlstate_lookup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
