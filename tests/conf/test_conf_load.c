/* conf_load end to end: defaults, precedence file < environment < command line, the shape of
 * every kind of error message, the command line, --help, and the shipped example file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_internal.h"
#include "conf_test_util.h"

#define ARGV(...) ((const char *const[]){"redwire", __VA_ARGS__, NULL})
#define ENVP(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_defaults(void **state) {
  (void)state;
  ct_result *r =
      ct_load(ARGV("--set", "aws.region=us-east-1", "--database", "dev=workgroup=wg1"), NULL);
  ct_assert_clean(r);
  const conf_settings *s = r->s;
  assert_int_equal(r->action, CONF_ACTION_RUN);
  assert_string_equal(s->config_file, "");
  assert_string_equal(s->redwire.listen_addr, "127.0.0.1");
  assert_int_equal(s->redwire.listen_port, 5439);
  assert_string_equal(s->redwire.unix_socket_dir, "");
  assert_int_equal(s->redwire.max_client_conn, 10000);
  assert_string_equal(s->redwire.server_version, "8.0.2");
  assert_string_equal(s->redwire.padb_version, "1.0.77467");
  assert_int_equal(s->redwire.max_message_size, 64 * 1024 * 1024);
  assert_int_equal(s->redwire.client_output_high_water, 1024 * 1024);
  assert_int_equal(s->redwire.client_output_low_water, 256 * 1024);
  assert_int_equal(s->redwire.statement_timeout_ms, 0);
  assert_int_equal(s->redwire.client_idle_timeout_ms, 0);
  assert_int_equal(s->redwire.idle_transaction_timeout_ms, 0);
  assert_int_equal(s->redwire.shutdown_timeout_ms, 30000);
  assert_int_equal(s->redwire.stats_period_ms, 60000);
  assert_int_equal(s->redwire.log_level, CONF_LOG_INFO);
  assert_int_equal(s->redwire.client_tls_sslmode, CONF_SSLMODE_DISABLE);
  assert_int_equal(s->redwire.client_tls_protocols, CONF_TLS_V1_2 | CONF_TLS_V1_3);
  assert_string_equal(s->redwire.client_tls_ciphers, "HIGH:!aNULL");
  assert_int_equal(s->redwire.auth_mode, CONF_AUTH_IAM);
  assert_false(s->redwire.allow_cleartext_without_tls);
  assert_int_equal(s->redwire.iam_check_cache_seconds, 60);
  assert_string_equal(s->aws.region, "us-east-1");
  assert_string_equal(s->aws.endpoint, "");
  assert_false(s->aws.use_fips);
  assert_false(s->aws.use_dualstack);
  assert_int_equal(s->aws.wait_time_seconds, 30);
  assert_int_equal(s->aws.poll_initial_ms, 50);
  assert_int_equal(s->aws.poll_max_ms, 2000);
  assert_true(s->aws.poll_multiplier == 1.5);
  assert_int_equal(s->aws.max_attempts, 5);
  assert_int_equal(s->aws.retry_base_ms, 100);
  assert_int_equal(s->aws.retry_max_ms, 20000);
  assert_int_equal(s->aws.throttle_base_ms, 500);
  assert_int_equal(s->aws.retry_budget, 500);
  assert_int_equal(s->aws.session_keepalive_seconds, 3600);
  assert_int_equal(s->aws.max_response_page_bytes, 128 * 1024 * 1024);
  assert_string_equal(s->aws.secret_access_key, "");
  assert_int_equal(s->n_databases, 1);
  ct_free(r);
}

static void test_every_type_from_file(void **state) {
  (void)state;
  ct_write("types.ini", "[redwire]\n"
                        "listen_addr = \"0.0.0.0\"\n"
                        "listen_port = 6543\n"
                        "max_message_size = 2 MB\n"
                        "statement_timeout = 5min\n"
                        "client_idle_timeout = 90\n"
                        "shutdown_timeout = 1500ms ; not whole seconds\n"
                        "log_level = DEBUG\n"
                        "client_tls_protocols = tlsv1.3\n"
                        "allow_cleartext_without_tls = yes\n"
                        "client_tls_ciphers = \"HIGH:!aNULL;#x\"\n"
                        "[aws]\n"
                        "region = eu-west-1\n"
                        "use_fips = 1\n"
                        "poll_multiplier = 2.25\n"
                        "[databases]\n"
                        "dev = workgroup=wg1\n");
  ct_result *r = ct_load(ARGV("-c", "types.ini"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_int_equal(r->d.errors, 1);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "types.ini:7: [redwire] shutdown_timeout = 1500ms: must be a whole number of "
                     "seconds"));
  ct_free(r);

  ct_write("types.ini", "[redwire]\n"
                        "listen_addr = \"0.0.0.0\"\n"
                        "listen_port = 6543\n"
                        "max_message_size = 2 MB\n"
                        "statement_timeout = 5min\n"
                        "client_idle_timeout = 90\n"
                        "shutdown_timeout = 2000ms\n"
                        "log_level = DEBUG\n"
                        "client_tls_protocols = tlsv1.3\n"
                        "allow_cleartext_without_tls = yes\n"
                        "client_tls_ciphers = \"HIGH:!aNULL;#x\"\n"
                        "[aws]\n"
                        "region = eu-west-1\n"
                        "use_fips = 1\n"
                        "poll_multiplier = 2.25\n"
                        "[databases]\n"
                        "dev = workgroup=wg1\n");
  r = ct_load(ARGV("-c", "types.ini"), NULL);
  ct_assert_clean(r);
  const conf_settings *s = r->s;
  assert_string_equal(s->config_file, "types.ini");
  assert_string_equal(s->redwire.listen_addr, "0.0.0.0");
  assert_int_equal(s->redwire.listen_port, 6543);
  assert_int_equal(s->redwire.max_message_size, 2 * 1024 * 1024);
  assert_int_equal(s->redwire.statement_timeout_ms, 300000);
  assert_int_equal(s->redwire.client_idle_timeout_ms, 90000);
  assert_int_equal(s->redwire.shutdown_timeout_ms, 2000);
  assert_int_equal(s->redwire.log_level, CONF_LOG_DEBUG);
  assert_int_equal(s->redwire.client_tls_protocols, CONF_TLS_V1_3);
  assert_true(s->redwire.allow_cleartext_without_tls);
  assert_string_equal(s->redwire.client_tls_ciphers, "HIGH:!aNULL;#x");
  assert_true(s->aws.use_fips);
  assert_true(s->aws.poll_multiplier == 2.25);
  ct_free(r);
}

static void test_precedence(void **state) {
  (void)state;
  ct_write("p.ini", "[redwire]\nlisten_port = 1000\n" CT_MINIMAL);
  ct_result *r = ct_load(ARGV("-c", "p.ini"), NULL);
  ct_assert_clean(r);
  assert_int_equal(r->s->redwire.listen_port, 1000);
  ct_free(r);

  r = ct_load(ARGV("-c", "p.ini"), ENVP("REDWIRE_LISTEN_PORT=2000"));
  ct_assert_clean(r);
  assert_int_equal(r->s->redwire.listen_port, 2000);
  ct_free(r);

  r = ct_load(ARGV("--set", "redwire.listen_port=3000", "-c", "p.ini"),
              ENVP("REDWIRE_LISTEN_PORT=2000"));
  ct_assert_clean(r);
  assert_int_equal(r->s->redwire.listen_port, 3000);
  ct_free(r);

  /* Command-line options apply in order: the last one wins. */
  r = ct_load(ARGV("-c", "p.ini", "--set", "redwire.listen_port=3000", "--listen", "0.0.0.0:4000",
                   "--set", "redwire.allow_cleartext_without_tls=on"),
              NULL);
  ct_assert_clean(r);
  assert_int_equal(r->s->redwire.listen_port, 4000);
  assert_string_equal(r->s->redwire.listen_addr, "0.0.0.0");
  ct_free(r);
}

static void test_aws_environment(void **state) {
  (void)state;
  ct_write("a.ini", CT_MINIMAL);
  ct_result *r =
      ct_load(ARGV("-c", "a.ini"), ENVP("AWS_DEFAULT_REGION=ap-south-1", "AWS_REGION=eu-central-1",
                                        "AWS_ENDPOINT_URL=http://generic:1",
                                        "AWS_ENDPOINT_URL_REDSHIFT_DATA=http://127.0.0.1:8787",
                                        "AWS_PROFILE=ops", "AWS_MAX_ATTEMPTS=7"));
  ct_assert_clean(r);
  assert_string_equal(r->s->aws.region, "eu-central-1");
  assert_string_equal(r->s->aws.endpoint, "http://127.0.0.1:8787");
  assert_string_equal(r->s->aws.profile, "ops");
  assert_int_equal(r->s->aws.max_attempts, 7);
  ct_free(r);

  r = ct_load(ARGV("-c", "a.ini"),
              ENVP("AWS_DEFAULT_REGION=ap-south-1", "AWS_REGION=", "AWS_USE_FIPS_ENDPOINT=true",
                   "AWS_USE_DUALSTACK_ENDPOINT=false"));
  ct_assert_clean(r); /* an empty AWS_REGION counts as unset */
  assert_string_equal(r->s->aws.region, "ap-south-1");
  assert_true(r->s->aws.use_fips);
  assert_false(r->s->aws.use_dualstack);
  ct_free(r);
  /* A custom endpoint from the environment conflicts with dual-stack, as in the SDKs. */
  r = ct_load(ARGV("-c", "a.ini"),
              ENVP("AWS_ENDPOINT_URL=http://g:1", "AWS_USE_DUALSTACK_ENDPOINT=true"));
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "environment AWS_USE_DUALSTACK_ENDPOINT=true: Invalid Configuration: "
                     "Dualstack and custom endpoint are not supported; the custom endpoint is "
                     "endpoint = http://g:1 (environment AWS_ENDPOINT_URL)"));
  ct_free(r);
  r = ct_load(ARGV("-c", "a.ini"), ENVP("AWS_USE_FIPS_ENDPOINT=maybe"));
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "environment AWS_USE_FIPS_ENDPOINT=maybe: not a boolean (use on/off, "
                     "true/false, yes/no, 1/0)"));
  ct_free(r);

  r = ct_load(ARGV("-c", "a.ini"),
              ENVP("AWS_ENDPOINT_URL=http://g:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true",
                   "AWS_USE_DUALSTACK_ENDPOINT=true"));
  ct_assert_clean(r);
  assert_string_equal(r->s->aws.endpoint, "");
  assert_true(r->s->aws.use_dualstack);
  ct_free(r);

  /* REDWIRE_AWS_* is more specific than AWS_*; unrelated REDWIRE_* names are left alone. */
  r = ct_load(ARGV("-c", "a.ini"),
              ENVP("AWS_REGION=eu-central-1", "REDWIRE_AWS_REGION=sa-east-1",
                   "REDWIRE_TEST_WORKGROUP=x", "REDWIRE_BUILD_DIR=/b",
                   "REDWIRE_AWS_WAIT_TIME_SECONDS=5", "REDWIRE_AUTH_MODE=trust"));
  assert_int_equal(r->rc, CONF_OK);
  assert_string_equal(r->s->aws.region, "sa-east-1");
  assert_int_equal(r->s->aws.wait_time_seconds, 5);
  assert_int_equal(r->s->redwire.auth_mode, CONF_AUTH_TRUST);
  ct_free(r);
}

static void test_error_shapes(void **state) {
  (void)state;
  ct_write("redwire.ini", "[redwire]\n"
                          "listen_port = 5439\n"
                          "nope = 1\n"
                          "just words\n"
                          "[aws]\n"
                          "region = us-east-1\n"
                          "wait_time_seconds = 45\n"
                          "[extra]\n"
                          "x = 1\n"
                          "[databases]\n"
                          "dev = database=dev\n");
  ct_result *r = ct_load(ARGV("-c", "redwire.ini", "--set", "aws.max_attempts=0"),
                         ENVP("REDWIRE_LISTEN_PORT=abc"));
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_null(r->s);
  assert_true(ct_has(r, CONF_DIAG_ERROR, "redwire.ini:3: [redwire] nope: unknown setting"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "redwire.ini:4: expected 'key = value'"));
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "redwire.ini:7: [aws] wait_time_seconds = 45: must be between 0 and 30"));
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "redwire.ini:8: unknown section [extra] (use [redwire], [aws] or "
                     "[databases])"));
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "redwire.ini:11: [databases] dev: give exactly one of workgroup= or "
                     "cluster="));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "environment REDWIRE_LISTEN_PORT=abc: not a number"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "--set aws.max_attempts=0: must be between 1 and 100"));
  /* Keys inside the unknown section are not reported again one by one. */
  assert_int_equal(r->d.errors, 7);
  assert_int_equal(r->d.count, 7);
  /* In source order: file, environment, command line. */
  assert_string_equal(r->d.items[0].text, "redwire.ini:3: [redwire] nope: unknown setting");
  assert_string_equal(r->d.items[6].text, "--set aws.max_attempts=0: must be between 1 and 100");
  ct_free(r);

  ct_write("outside.ini", "listen_port = 1\n");
  r = ct_load(ARGV("-c", "outside.ini"), NULL);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "outside.ini:1: listen_port: setting outside a section (put it under "
                     "[redwire], [aws] or [databases])"));
  ct_free(r);

  r = ct_load(ARGV("-c", "missing.ini"), NULL);
  assert_true(ct_has(r, CONF_DIAG_ERROR, "missing.ini: cannot open: No such file or directory"));
  assert_int_equal(r->d.errors, 1); /* nothing else is judged without the file */
  ct_free(r);

  r = ct_load(ARGV("-c", "."), NULL);
  assert_true(ct_has(r, CONF_DIAG_ERROR, ".: not a regular file"));
  ct_free(r);
}

static void test_secret_never_echoed(void **state) {
  (void)state;
  ct_write("s.ini", CT_MINIMAL "[aws]\nsecret_access_key = wJalrXUtnFEMI\n");
  ct_result *r = ct_load(ARGV("-c", "s.ini"), ENVP("REDWIRE_AWS_SESSION_TOKEN=TOKEN123"));
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "s.ini:6: [aws] secret_access_key = (hidden): needs access_key_id as well"));
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "environment REDWIRE_AWS_SESSION_TOKEN=(hidden): needs access_key_id and "
                     "secret_access_key"));
  for (size_t i = 0; i < r->d.count; i++) {
    assert_null(strstr(r->d.items[i].text, "wJalrXUtnFEMI"));
    assert_null(strstr(r->d.items[i].text, "TOKEN123"));
  }
  ct_free(r);
}

static void test_duplicate_key_warns(void **state) {
  (void)state;
  ct_write("dup.ini", "[redwire]\nlisten_port = 1111\nlisten_port = 2222\n" CT_MINIMAL
                      "dev = workgroup=wg-two\n");
  ct_result *r = ct_load(ARGV("-c", "dup.ini"), NULL);
  assert_int_equal(r->rc, CONF_OK);
  assert_int_equal(r->d.errors, 0);
  assert_int_equal(r->d.warnings, 2);
  assert_true(ct_has(r, CONF_DIAG_WARNING,
                     "dup.ini:3: [redwire] listen_port = 2222: set again (first set at "
                     "dup.ini:2); the later value wins"));
  assert_true(ct_has(r, CONF_DIAG_WARNING,
                     "dup.ini:8: [databases] dev: set again (first set at dup.ini:7); the later "
                     "line wins"));
  assert_int_equal(r->s->redwire.listen_port, 2222);
  assert_int_equal(r->s->n_databases, 1);
  assert_string_equal(r->s->databases[0].target, "wg-two");
  ct_free(r);
}

static void test_error_limit(void **state) {
  (void)state;
  char *text = malloc(64 * 100 + 64);
  assert_non_null(text);
  size_t n = (size_t)sprintf(text, "[redwire]\n");
  for (int i = 0; i < 100; i++)
    n += (size_t)sprintf(text + n, "listen_port = x%d\n", i);
  ct_write("many.ini", text);
  free(text);
  ct_result *r = ct_load(ARGV("-c", "many.ini"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_int_equal(r->d.count, CONF_DIAG_MAX);
  assert_true(r->d.errors > CONF_DIAG_MAX);
  assert_int_equal(r->d.dropped, r->d.errors + r->d.warnings - CONF_DIAG_MAX);
  assert_string_equal(r->d.items[0].text, "many.ini:2: [redwire] listen_port = x0: not a number");
  ct_free(r);
}

static void test_command_line(void **state) {
  (void)state;
  ct_result *r = ct_load(ARGV("--bogus", "--help", "stray"), NULL);
  assert_int_equal(r->rc, CONF_OK);
  assert_int_equal(r->action, CONF_ACTION_HELP);
  assert_null(r->s);
  assert_int_equal(r->d.count, 0);
  ct_free(r);

  r = ct_load(ARGV("-V"), NULL);
  assert_int_equal(r->action, CONF_ACTION_VERSION);
  assert_int_equal(r->rc, CONF_OK);
  ct_free(r);
  assert_string_equal(conf_version_text(), "redwire " REDWIRE_VERSION);

  ct_write("ok.ini", CT_MINIMAL);
  r = ct_load(ARGV("--config=ok.ini", "--check-config"), NULL);
  ct_assert_clean(r);
  assert_int_equal(r->action, CONF_ACTION_CHECK_CONFIG);
  ct_free(r);

  r = ct_load(ARGV("--check-config", "-c", "ok.ini", "--set", "aws.wait_time_seconds=99"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_int_equal(r->action, CONF_ACTION_CHECK_CONFIG);
  ct_free(r);

  r = ct_load(ARGV("--frobnicate", "-c", "a.ini", "-c", "b.ini", "stray", "--set"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_true(ct_has(r, CONF_DIAG_ERROR, "unknown option --frobnicate (see --help)"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "-c given twice (a.ini, then b.ini)"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "unexpected argument \"stray\" (use -c FILE)"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "--set needs an argument (see --help)"));
  ct_free(r);

  r = ct_load(ARGV("-c", "ok.ini", "--set", "nodot=1", "--set", "foo.bar=1", "--set", "aws.nope=1",
                   "--database", "=x", "--listen", "5439", "--listen", "::1:5439", "--listen",
                   "[::1]5439", "--listen", ":5439", "--listen", "h:0"),
              NULL);
  assert_true(ct_has(r, CONF_DIAG_ERROR, "--set nodot=1: expected SECTION.KEY=VALUE"));
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "--set foo.bar=1: unknown section \"foo\" (use redwire, aws or databases)"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "--set aws.nope=1: unknown setting [aws] nope"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "--database =x: expected NAME=SPEC"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "--listen 5439: expected ADDR:PORT"));
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "--listen ::1:5439: write an IPv6 address in brackets, like [::1]:5439"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "--listen [::1]5439: expected [IPV6]:PORT"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "--listen :5439: missing address before the port"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "--listen h:0: must be between 1 and 65535"));
  ct_free(r);

  r = ct_load(ARGV("-c", "ok.ini", "--listen=[::1]:5440", "-vv", "--verbose", "--database",
                   "*=cluster=c1 db_user=u", "--set", "databases.rep=cluster=c2", "--"),
              NULL);
  ct_assert_clean(r);
  assert_string_equal(r->s->redwire.listen_addr, "::1");
  assert_int_equal(r->s->redwire.listen_port, 5440);
  assert_int_equal(r->s->redwire.log_level, CONF_LOG_DEBUG); /* info + 3 steps, capped */
  assert_int_equal(r->s->n_databases, 3);
  assert_string_equal(conf_database_find(r->s, "other")->target, "c1");
  assert_string_equal(conf_database_find(r->s, "rep")->target, "c2");
  ct_free(r);

  r = ct_load(ARGV("-c", "ok.ini", "-v"), ENVP("REDWIRE_LOG_LEVEL=error"));
  ct_assert_clean(r);
  assert_int_equal(r->s->redwire.log_level, CONF_LOG_WARNING);
  ct_free(r);
}

/* Every option the parser accepts is in --help, and the help text is usable. */
static void test_help_mentions_every_option(void **state) {
  (void)state;
  const char *help = conf_help_text();
  assert_true(conf__cli_option_count() >= 8);
  for (size_t i = 0; i < conf__cli_option_count(); i++) {
    const char *sn, *ln;
    conf__cli_option_names(i, &sn, &ln);
    char pat[64];
    snprintf(pat, sizeof(pat), "%s ", ln);
    if (strstr(help, pat) == NULL && strstr(help, ln) == NULL)
      fail_msg("--help does not mention %s", ln);
    if (sn != NULL) {
      snprintf(pat, sizeof(pat), "%s, %s", sn, ln);
      if (strstr(help, pat) == NULL)
        fail_msg("--help does not show %s", pat);
    }
  }
  /* The environment conventions are documented too. */
  assert_non_null(strstr(help, "REDWIRE_<KEY>"));
  assert_non_null(strstr(help, "REDWIRE_AWS_<KEY>"));
  assert_non_null(strstr(help, "AWS_ENDPOINT_URL_REDSHIFT_DATA"));
  assert_int_equal(help[strlen(help) - 1], '\n');
}

/* The shipped example loads cleanly, and documents every setting with its real default. */
static void test_example_file(void **state) {
  (void)state;
  ct_result *r = ct_load(ARGV("-c", REDWIRE_CONF_EXAMPLE, "--check-config"), NULL);
  ct_assert_clean(r);
  assert_int_equal(r->s->n_databases, 3);
  ct_free(r);

  FILE *f = fopen(REDWIRE_CONF_EXAMPLE, "rb");
  assert_non_null(f);
  static char text[64 * 1024];
  size_t n = fread(text, 1, sizeof(text) - 1, f);
  fclose(f);
  text[n] = '\0';
  for (size_t i = 0; i < conf__setting_count(); i++) {
    const conf__setting *row = conf__setting_at(i);
    char want[256];
    /* Commented out with the default, or (region) set to an example value. */
    snprintf(want, sizeof(want), "\n;%s =%s%s\n", row->key, row->def[0] ? " " : "", row->def);
    char set[128];
    snprintf(set, sizeof(set), "\n%s = ", row->key);
    if (strstr(text, want) == NULL && !(row->def[0] == '\0' && strstr(text, set) != NULL))
      fail_msg("redwire.ini.example lacks \"%s\"", want + 1);
  }
}

static void test_endpoint_for_settings(void **state) {
  (void)state;
  ct_result *r = ct_load(
      ARGV("--set", "aws.region=us-west-2", "--database", "dev=workgroup=wg1 region=cn-north-1"),
      NULL);
  ct_assert_clean(r);
  char url[256];
  const char *err = NULL;
  assert_int_equal(conf_endpoint_for(r->s, NULL, url, sizeof(url), &err), CONF_OK);
  assert_string_equal(url, "https://redshift-data.us-west-2.amazonaws.com");
  const conf_database *db = conf_database_find(r->s, "dev");
  assert_non_null(db);
  assert_null(conf_database_find(r->s, "other"));
  assert_int_equal(conf_endpoint_for(r->s, conf_database_region(r->s, db), url, sizeof(url), &err),
                   CONF_OK);
  assert_string_equal(url, "https://redshift-data.cn-north-1.amazonaws.com.cn");
  assert_int_equal(conf_endpoint_for(r->s, NULL, url, 10, &err), CONF_ETOOBIG);
  assert_string_equal(url, "");
  ct_free(r);

  r = ct_load(ARGV("--set", "aws.region=us-west-2", "--database", "dev=workgroup=wg1"),
              ENVP("AWS_ENDPOINT_URL_REDSHIFT_DATA=http://127.0.0.1:8787"));
  ct_assert_clean(r);
  assert_int_equal(conf_endpoint_for(r->s, NULL, url, sizeof(url), &err), CONF_OK);
  assert_string_equal(url, "http://127.0.0.1:8787");
  ct_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_every_type_from_file),
      cmocka_unit_test(test_precedence),
      cmocka_unit_test(test_aws_environment),
      cmocka_unit_test(test_error_shapes),
      cmocka_unit_test(test_secret_never_echoed),
      cmocka_unit_test(test_duplicate_key_warns),
      cmocka_unit_test(test_error_limit),
      cmocka_unit_test(test_command_line),
      cmocka_unit_test(test_help_mentions_every_option),
      cmocka_unit_test(test_example_file),
      cmocka_unit_test(test_endpoint_for_settings),
  };
  return cmocka_run_group_tests(tests, ct_tmp_setup, ct_tmp_teardown);
}
