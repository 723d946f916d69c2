/* Unit tests of the scalar parsers and of the typed settings table (conf_value.c,
 * conf_table.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "conf_internal.h"

static void test_int(void **state) {
  (void)state;
  int64_t v = -1;
  assert_null(conf__parse_int("5439", &v));
  assert_int_equal(v, 5439);
  assert_null(conf__parse_int("-7", &v));
  assert_int_equal(v, -7);
  assert_null(conf__parse_int("9223372036854775807", &v));
  assert_int_equal(v, INT64_MAX);
  assert_string_equal(conf__parse_int("9223372036854775808", &v), "number too large");
  assert_string_equal(conf__parse_int("", &v), "empty value");
  assert_string_equal(conf__parse_int("abc", &v), "not a number");
  assert_string_equal(conf__parse_int("12abc", &v), "not a number");
  assert_string_equal(conf__parse_int("0x10", &v), "not a number");
  assert_string_equal(conf__parse_int("+5", &v), "not a number");
  assert_string_equal(conf__parse_int("1 2", &v), "not a number");
}

static void test_size_units(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int64_t bytes;
  } ok[] = {{"0", 0},
            {"123", 123},
            {"5B", 5},
            {"1kB", 1024},
            {"64MB", 64 << 20},
            {"64 MB", 64 << 20},
            {"2GB", INT64_C(2) << 30},
            {"1TB", INT64_C(1) << 40}};
  char why[128];
  for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
    int64_t v = -1;
    assert_null(conf__parse_size(ok[i].text, &v, why, sizeof(why)));
    assert_int_equal(v, ok[i].bytes);
  }
  int64_t v;
  /* PostgreSQL's units are case-sensitive; "KB" is a typo worth reporting. */
  assert_string_equal(conf__parse_size("1KB", &v, why, sizeof(why)),
                      "unknown unit \"KB\" (use B, kB, MB, GB or TB)");
  assert_string_equal(conf__parse_size("1 mb", &v, why, sizeof(why)),
                      "unknown unit \"mb\" (use B, kB, MB, GB or TB)");
  assert_string_equal(conf__parse_size("MB", &v, why, sizeof(why)), "not a number");
  assert_string_equal(conf__parse_size("", &v, why, sizeof(why)), "empty value");
  assert_string_equal(conf__parse_size("9000000TB", &v, why, sizeof(why)), "number too large");
}

static void test_duration_units(void **state) {
  (void)state;
  char why[128];
  int64_t ms = -1;
  assert_null(conf__parse_duration("250", 1, &ms, why, sizeof(why)));
  assert_int_equal(ms, 250);
  assert_null(conf__parse_duration("30s", 1, &ms, why, sizeof(why)));
  assert_int_equal(ms, 30000);
  assert_null(conf__parse_duration("5min", 1, &ms, why, sizeof(why)));
  assert_int_equal(ms, 300000);
  assert_null(conf__parse_duration("2h", 1000, &ms, why, sizeof(why)));
  assert_int_equal(ms, 7200000);
  assert_null(conf__parse_duration("1d", 1000, &ms, why, sizeof(why)));
  assert_int_equal(ms, 86400000);
  /* A bare number means the setting's own unit. */
  assert_null(conf__parse_duration("30", 1000, &ms, why, sizeof(why)));
  assert_int_equal(ms, 30000);
  assert_null(conf__parse_duration("2000ms", 1000, &ms, why, sizeof(why)));
  assert_int_equal(ms, 2000);
  assert_string_equal(conf__parse_duration("1500ms", 1000, &ms, why, sizeof(why)),
                      "must be a whole number of seconds");
  assert_string_equal(conf__parse_duration("5m", 1, &ms, why, sizeof(why)),
                      "unknown unit \"m\" (use ms, s, min, h or d)");
  assert_string_equal(conf__parse_duration("1.5s", 1, &ms, why, sizeof(why)),
                      "unknown unit \".5s\" (use ms, s, min, h or d)");
}

static void test_bool_spellings(void **state) {
  (void)state;
  static const char *const yes[] = {"on", "true", "yes", "1", "ON", "True", "YES"};
  static const char *const no[] = {"off", "false", "no", "0", "OFF", "False", "No"};
  for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
    bool b = false;
    assert_null(conf__parse_bool(yes[i], &b));
    assert_true(b);
  }
  for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
    bool b = true;
    assert_null(conf__parse_bool(no[i], &b));
    assert_false(b);
  }
  bool b;
  assert_string_equal(conf__parse_bool("2", &b),
                      "not a boolean (use on/off, true/false, yes/no, 1/0)");
  assert_string_equal(conf__parse_bool("onn", &b),
                      "not a boolean (use on/off, true/false, yes/no, 1/0)");
  assert_string_equal(conf__parse_bool("", &b), "empty value");
}

static void test_double(void **state) {
  (void)state;
  double d = 0;
  assert_null(conf__parse_double("1.5", &d));
  assert_true(d == 1.5);
  assert_null(conf__parse_double("2", &d));
  assert_true(d == 2.0);
  assert_null(conf__parse_double("1.25", &d));
  assert_true(d == 1.25);
  assert_string_equal(conf__parse_double("1,5", &d), "not a decimal number");
  assert_string_equal(conf__parse_double("1.", &d), "not a decimal number");
  assert_string_equal(conf__parse_double(".5", &d), "not a decimal number");
  assert_string_equal(conf__parse_double("1e3", &d), "not a decimal number");
  assert_string_equal(conf__parse_double("-1", &d), "not a decimal number");
}

static void test_format(void **state) {
  (void)state;
  char b[32];
  conf__format_size(64 << 20, b, sizeof(b));
  assert_string_equal(b, "64MB");
  conf__format_size(1536, b, sizeof(b));
  assert_string_equal(b, "1536B");
  conf__format_size(0, b, sizeof(b));
  assert_string_equal(b, "0B");
  conf__format_duration(86400000, b, sizeof(b));
  assert_string_equal(b, "1d");
  conf__format_duration(90000, b, sizeof(b));
  assert_string_equal(b, "90s");
  conf__format_duration(1, b, sizeof(b));
  assert_string_equal(b, "1ms");
}

static const conf__setting *row(conf__section sec, const char *key) {
  long i = conf__setting_find(sec, key, strlen(key));
  assert_true(i >= 0);
  return conf__setting_at((size_t)i);
}

/* Parses text as the given setting; returns NULL or the reason. */
static const char *parse(conf__section sec, const char *key, const char *text, void *value) {
  static char why[256];
  return conf__parse_value(row(sec, key), text, value, why, sizeof(why));
}

static void test_int_ranges(void **state) {
  (void)state;
  int64_t v;
  assert_null(parse(CONF__SEC_AWS, "wait_time_seconds", "0", &v)); /* 0: poll */
  assert_null(parse(CONF__SEC_AWS, "wait_time_seconds", "30", &v));
  assert_string_equal(parse(CONF__SEC_AWS, "wait_time_seconds", "-1", &v),
                      "must be between 0 and 30");
  assert_string_equal(parse(CONF__SEC_AWS, "wait_time_seconds", "31", &v),
                      "must be between 0 and 30");
  assert_string_equal(parse(CONF__SEC_REDWIRE, "listen_port", "65536", &v),
                      "must be between 1 and 65535");
  assert_string_equal(parse(CONF__SEC_AWS, "session_keepalive_seconds", "86401", &v),
                      "must be between 0 and 86400");
  assert_string_equal(parse(CONF__SEC_REDWIRE, "max_message_size", "100", &v),
                      "must be between 1kB and 1GB");
  assert_string_equal(parse(CONF__SEC_REDWIRE, "statement_timeout", "2d", &v),
                      "must be between 0ms and 1d");
  assert_string_equal(parse(CONF__SEC_REDWIRE, "stats_period", "0", &v),
                      "must be between 1s and 1d");
  double d;
  assert_string_equal(parse(CONF__SEC_AWS, "poll_multiplier", "0.5", &d),
                      "must be between 1 and 10");
  assert_null(parse(CONF__SEC_AWS, "poll_multiplier", "10", &d));
}

static void test_enums_and_flags(void **state) {
  (void)state;
  int e = -1;
  assert_null(parse(CONF__SEC_REDWIRE, "client_tls_sslmode", "verify-full", &e));
  assert_int_equal(e, CONF_SSLMODE_VERIFY_FULL);
  assert_null(parse(CONF__SEC_REDWIRE, "auth_mode", "USERLIST", &e));
  assert_int_equal(e, CONF_AUTH_USERLIST);
  assert_string_equal(parse(CONF__SEC_REDWIRE, "log_level", "verbose", &e),
                      "must be error, warning, info or debug");
  assert_string_equal(parse(CONF__SEC_REDWIRE, "client_tls_sslmode", "on", &e),
                      "must be disable, allow, prefer, require, verify-ca or verify-full");
  unsigned f = 0;
  assert_null(parse(CONF__SEC_REDWIRE, "client_tls_protocols", "tlsv1.3", &f));
  assert_int_equal(f, CONF_TLS_V1_3);
  assert_null(parse(CONF__SEC_REDWIRE, "client_tls_protocols", "tlsv1.2, tlsv1.3", &f));
  assert_int_equal(f, CONF_TLS_V1_2 | CONF_TLS_V1_3);
  assert_null(parse(CONF__SEC_REDWIRE, "client_tls_protocols", "secure", &f));
  assert_int_equal(f, CONF_TLS_V1_2 | CONF_TLS_V1_3);
  assert_string_equal(parse(CONF__SEC_REDWIRE, "client_tls_protocols", "tlsv1.0", &f),
                      "unknown item \"tlsv1.0\" (use a comma-separated list of tlsv1.2, "
                      "tlsv1.3 or secure)");
  assert_string_equal(parse(CONF__SEC_REDWIRE, "client_tls_protocols", " , ", &f), "empty value");
}

static void test_strings(void **state) {
  (void)state;
  char *unused = NULL;
  assert_null(parse(CONF__SEC_AWS, "region", "eu-west-1", &unused));
  assert_null(parse(CONF__SEC_AWS, "region", "", &unused));
  assert_string_equal(parse(CONF__SEC_AWS, "region", "EU-WEST-1", &unused),
                      "not a region name (like us-east-1)");
  assert_string_equal(parse(CONF__SEC_AWS, "region", "us-east-1.evil.com", &unused),
                      "not a region name (like us-east-1)");
  assert_null(parse(CONF__SEC_AWS, "endpoint", "http://127.0.0.1:8787", &unused));
  assert_null(parse(CONF__SEC_AWS, "endpoint", "https://example.com/base", &unused));
  assert_string_equal(parse(CONF__SEC_AWS, "endpoint", "example.com", &unused),
                      "must start with https:// or http://");
  assert_string_equal(parse(CONF__SEC_AWS, "endpoint", "https://", &unused),
                      "missing host after the scheme");
  assert_string_equal(parse(CONF__SEC_AWS, "endpoint", "https://h/?a=b", &unused),
                      "must be scheme://host[:port][/path], without spaces, user, query or "
                      "fragment");
  assert_null(parse(CONF__SEC_REDWIRE, "server_version", "8.0.2", &unused));
  assert_string_equal(parse(CONF__SEC_REDWIRE, "server_version", "8..0", &unused),
                      "must look like 8.0.2 (digits separated by dots)");
  assert_string_equal(parse(CONF__SEC_REDWIRE, "padb_version", "", &unused), "must not be empty");
  assert_string_equal(parse(CONF__SEC_REDWIRE, "listen_addr", "", &unused), "must not be empty");
}

/* Every row's default must parse as its own type: a bad default would make every load fail. */
static void test_every_default_parses(void **state) {
  (void)state;
  for (size_t i = 0; i < conf__setting_count(); i++) {
    const conf__setting *r = conf__setting_at(i);
    unsigned char value[16];
    char why[256];
    const char *err = conf__parse_value(r, r->def, value, why, sizeof(why));
    if (err != NULL)
      fail_msg("default of [%s] %s (%s): %s", conf__section_name(r->section), r->key, r->def, err);
    /* Keys are unique within a section. */
    assert_int_equal(conf__setting_find(r->section, r->key, strlen(r->key)), (long)i);
  }
  assert_true(conf__setting_count() >= 50);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_int),
      cmocka_unit_test(test_size_units),
      cmocka_unit_test(test_duration_units),
      cmocka_unit_test(test_bool_spellings),
      cmocka_unit_test(test_double),
      cmocka_unit_test(test_format),
      cmocka_unit_test(test_int_ranges),
      cmocka_unit_test(test_enums_and_flags),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_every_default_parses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
