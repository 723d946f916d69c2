/* [databases] specs, good and bad, and the cross-field checks run after all sources merge. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "conf_test_util.h"

#define ARGV(...) ((const char *const[]){"redwire", __VA_ARGS__, NULL})
#define ENVP(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef struct db_case {
  const char *line; /* NAME = SPEC as written in [databases] */
  /* Good lines: the parsed entry. */
  const char *name, *target, *database, *db_user, *secret_arn, *region;
  conf_target_kind kind;
  /* Bad lines: the message after "db.ini:4: [databases] NAME: ". */
  const char *error;
} db_case;

static const db_case good[] = {
    {"dev = workgroup=analytics-wg database=dev", "dev", "analytics-wg", "dev", "", "", "",
     CONF_TARGET_WORKGROUP, NULL},
    {"sales = workgroup=wg1", "sales", "wg1", "sales", "", "", "", CONF_TARGET_WORKGROUP, NULL},
    {"* = workgroup=default", "*", "default", "", "", "", "", CONF_TARGET_WORKGROUP, NULL},
    {"reporting = cluster=redshift-cluster-1 database=prod db_user=report_ro region=eu-west-1",
     "reporting", "redshift-cluster-1", "prod", "report_ro", "", "eu-west-1", CONF_TARGET_CLUSTER,
     NULL},
    {"s = cluster=c secret_arn=arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbC", "s",
     "c", "s", "", "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbC", "",
     CONF_TARGET_CLUSTER, NULL},
    {"q = \"  cluster=c  database='my db' db_user='o\\\\'k'  \"", "q", "c", "my db", "o'k", "", "",
     CONF_TARGET_CLUSTER, NULL},
    {"arn = workgroup=arn:aws:redshift-serverless:us-east-1:123456789012:workgroup/"
     "0123abcd-0123-4567-89ab-0123456789ab",
     "arn",
     "arn:aws:redshift-serverless:us-east-1:123456789012:workgroup/"
     "0123abcd-0123-4567-89ab-0123456789ab",
     "arn", "", "", "", CONF_TARGET_WORKGROUP, NULL},
};

static const db_case bad[] = {
    {"dev = database=dev", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "give exactly one of workgroup= or cluster="},
    {"dev = workgroup=wg1 cluster=c", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "give exactly one of workgroup= or cluster="},
    {"dev =", "dev", NULL, NULL, NULL, NULL, NULL, 0, "give exactly one of workgroup= or cluster="},
    {"dev = cluster=c db_user=u secret_arn=s", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "give at most one of db_user= or secret_arn="},
    {"dev = workgroup=wg1 db_user=u", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "db_user= needs a cluster= target (a serverless workgroup authenticates with IAM or "
     "secret_arn=)"},
    {"dev = workgroup=wg1 workgroup=wg2", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "workgroup= given twice"},
    {"dev = workgroup=wg1 host=x", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "unknown key \"host\" (use workgroup, cluster, database, db_user, secret_arn, region)"},
    {"dev = workgroup", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "expected key=value, got \"workgroup\""},
    {"dev = workgroup=", "dev", NULL, NULL, NULL, NULL, NULL, 0, "workgroup= has an empty value"},
    {"dev = workgroup=WG", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "workgroup=WG: a workgroup name is 3-63 lower-case letters, digits and hyphens (or a "
     "workgroup ARN)"},
    {"dev = workgroup=ab", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "workgroup=ab: a workgroup name is 3-63 lower-case letters, digits and hyphens (or a "
     "workgroup ARN)"},
    {"dev = cluster=1abc", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "cluster=1abc: a cluster identifier is 1-63 lower-case letters, digits and single hyphens, "
     "starting with a letter"},
    {"dev = cluster=a--b", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "cluster=a--b: a cluster identifier is 1-63 lower-case letters, digits and single hyphens, "
     "starting with a letter"},
    {"dev = cluster=c region=EU", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "region=EU: not a region name (like us-east-1)"},
    {"dev = cluster=c database='open", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "database=: unterminated quoted value"},
    {"dev = cluster=c database='a'b", "dev", NULL, NULL, NULL, NULL, NULL, 0,
     "database=: unexpected text after the closing quote"},
};

static ct_result *load_line(const char *line) {
  char text[1024];
  snprintf(text, sizeof(text), "[aws]\nregion = us-east-1\n[databases]\n%s\n", line);
  ct_write("db.ini", text);
  return ct_load(ARGV("-c", "db.ini"), NULL);
}

static void test_good_specs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    const db_case *c = &good[i];
    ct_result *r = load_line(c->line);
    ct_assert_clean(r);
    assert_int_equal(r->s->n_databases, 1);
    const conf_database *db = &r->s->databases[0];
    assert_string_equal(db->name, c->name);
    assert_int_equal(db->kind, c->kind);
    assert_string_equal(db->target, c->target);
    assert_string_equal(db->database, c->database);
    assert_string_equal(db->db_user, c->db_user);
    assert_string_equal(db->secret_arn, c->secret_arn);
    assert_string_equal(db->region, c->region);
    ct_free(r);
  }
}

static void test_bad_specs(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    const db_case *c = &bad[i];
    ct_result *r = load_line(c->line);
    char want[CONF_DIAG_TEXT_MAX];
    snprintf(want, sizeof(want), "db.ini:4: [databases] %s: %s", c->name, c->error);
    assert_int_equal(r->rc, CONF_EINVAL);
    assert_true(ct_has(r, CONF_DIAG_ERROR, want));
    assert_int_equal(r->d.errors, 1);
    ct_free(r);
  }
  /* The same checks on the command line name the option. */
  ct_result *r = ct_load(ARGV("--set", "aws.region=us-east-1", "--database",
                              "dev=cluster=c "
                              "workgroup=w2x"),
                         NULL);
  assert_true(
      ct_has(r, CONF_DIAG_ERROR, "--database dev: give exactly one of workgroup= or cluster="));
  ct_free(r);
  r = ct_load(ARGV("--set", "aws.region=us-east-1", "--set", "databases.dev=nothing"), NULL);
  assert_true(
      ct_has(r, CONF_DIAG_ERROR, "--set databases.dev: expected key=value, got \"nothing\""));
  ct_free(r);
}

static void test_lookup(void **state) {
  (void)state;
  ct_write("l.ini", "[aws]\nregion = us-east-1\n[databases]\n"
                    "dev = workgroup=wg-dev\n"
                    "* = cluster=fallback region=eu-west-1\n");
  ct_result *r = ct_load(ARGV("-c", "l.ini"), NULL);
  ct_assert_clean(r);
  const conf_database *dev = conf_database_find(r->s, "dev");
  const conf_database *other = conf_database_find(r->s, "analytics");
  assert_non_null(dev);
  assert_non_null(other);
  assert_string_equal(dev->target, "wg-dev");
  assert_string_equal(other->target, "fallback");
  assert_string_equal(conf_database_region(r->s, dev), "us-east-1");
  assert_string_equal(conf_database_region(r->s, other), "eu-west-1");
  /* Names are case-sensitive, as PostgreSQL database names are. */
  assert_ptr_equal(conf_database_find(r->s, "DEV"), other);
  ct_free(r);
}

/* A configuration that passes every check; each case below breaks one thing. */
#define BASE "[aws]\nregion = us-east-1\n[databases]\ndev = workgroup=wg-one\n[redwire]\n"

typedef struct xcase {
  const char *extra; /* appended to BASE (line 6 onwards) */
  const char *env;   /* one NAME=VALUE or NULL */
  conf_diag_kind kind;
  const char *text;
} xcase;

static const xcase cross[] = {
    {"client_output_low_water = 2MB\n", NULL, CONF_DIAG_ERROR,
     "x.ini:6: [redwire] client_output_low_water = 2MB: must be less than "
     "client_output_high_water = 1MB (default)"},
    {"client_output_low_water = 64kB\n", "REDWIRE_CLIENT_OUTPUT_HIGH_WATER=64kB", CONF_DIAG_ERROR,
     "x.ini:6: [redwire] client_output_low_water = 64kB: must be less than "
     "client_output_high_water = 64kB (environment REDWIRE_CLIENT_OUTPUT_HIGH_WATER)"},
    {"client_tls_sslmode = require\nclient_tls_key_file = k.pem\n", NULL, CONF_DIAG_ERROR,
     "x.ini:6: [redwire] client_tls_sslmode = require: needs client_tls_cert_file"},
    {"client_tls_sslmode = verify-ca\nclient_tls_cert_file = c\nclient_tls_key_file = k\n", NULL,
     CONF_DIAG_ERROR,
     "x.ini:6: [redwire] client_tls_sslmode = verify-ca: needs client_tls_ca_file to verify "
     "client certificates"},
    {"client_tls_cert_file = c.pem\n", NULL, CONF_DIAG_WARNING,
     "x.ini:6: [redwire] client_tls_cert_file = c.pem: ignored because client_tls_sslmode = "
     "disable (default)"},
    {"auth_mode = userlist\n", NULL, CONF_DIAG_ERROR,
     "x.ini:6: [redwire] auth_mode = userlist: needs auth_file (users and their SCRAM "
     "verifiers)"},
    {"auth_file = users.txt\n", NULL, CONF_DIAG_WARNING,
     "x.ini:6: [redwire] auth_file = users.txt: ignored because auth_mode = iam (default)"},
    {"auth_mode = trust\n", NULL, CONF_DIAG_WARNING,
     "x.ini:6: [redwire] auth_mode = trust: any client can connect without a password; use it "
     "for local development only"},
    {"listen_addr = 0.0.0.0\n", NULL, CONF_DIAG_ERROR,
     "x.ini:6: [redwire] listen_addr = 0.0.0.0: auth_mode = iam takes AWS secret keys as "
     "cleartext passwords, so clients beyond loopback need TLS: set client_tls_sslmode (with a "
     "certificate) or allow_cleartext_without_tls = on"},
    {"[aws]\naccess_key_id = AKIDEXAMPLE\n", NULL, CONF_DIAG_ERROR,
     "x.ini:7: [aws] access_key_id = AKIDEXAMPLE: needs secret_access_key as well"},
    {"[aws]\nweb_identity_token_file = /t\n", NULL, CONF_DIAG_ERROR,
     "x.ini:7: [aws] web_identity_token_file = /t: needs role_arn (the role the token is "
     "exchanged for)"},
    {"[aws]\npoll_initial_ms = 5000\n", NULL, CONF_DIAG_ERROR,
     "x.ini:7: [aws] poll_initial_ms = 5000: must not exceed poll_max_ms = 2000 (default)"},
    {"[aws]\nretry_max_ms = 300\n", NULL, CONF_DIAG_ERROR,
     "x.ini:7: [aws] retry_max_ms = 300: must not be less than throttle_base_ms = 500 "
     "(default)"},
    {"[aws]\nretry_max_ms = 300\nthrottle_base_ms = 400\n", NULL, CONF_DIAG_ERROR,
     "x.ini:8: [aws] throttle_base_ms = 400: must not exceed retry_max_ms = 300 (x.ini:7)"},
    {"[aws]\nrequest_timeout_ms = 30000\n", NULL, CONF_DIAG_ERROR,
     "x.ini:7: [aws] request_timeout_ms = 30000: must exceed the time the service may hold a "
     "long-polling request, wait_time_seconds = 30 (default)"},
    {"[aws]\nendpoint = http://127.0.0.1:8787\nuse_fips = on\n", NULL, CONF_DIAG_ERROR,
     "x.ini:8: [aws] use_fips = on: Invalid Configuration: FIPS and custom endpoint are not "
     "supported; the custom endpoint is endpoint = http://127.0.0.1:8787 (x.ini:7)"},
    {"[aws]\nendpoint = http://127.0.0.1:8787\n", "AWS_USE_DUALSTACK_ENDPOINT=true",
     CONF_DIAG_ERROR,
     "environment AWS_USE_DUALSTACK_ENDPOINT=true: Invalid Configuration: Dualstack and custom "
     "endpoint are not supported; the custom endpoint is endpoint = http://127.0.0.1:8787 "
     "(x.ini:7)"},
};

static void test_cross_checks(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof(cross) / sizeof(cross[0]); i++) {
    char text[1024];
    snprintf(text, sizeof(text), BASE "%s", cross[i].extra);
    ct_write("x.ini", text);
    const char *env[] = {cross[i].env, NULL};
    ct_result *r = ct_load(ARGV("-c", "x.ini"), env);
    assert_true(ct_has(r, cross[i].kind, cross[i].text));
    assert_int_equal(r->rc, cross[i].kind == CONF_DIAG_ERROR ? CONF_EINVAL : CONF_OK);
    assert_int_equal(r->d.count, 1);
    ct_free(r);
  }
  /* The fixes for the above are accepted. */
  ct_write("ok.ini", BASE "listen_addr = 0.0.0.0\nclient_tls_sslmode = verify-full\n"
                          "client_tls_cert_file = c\nclient_tls_key_file = k\n"
                          "client_tls_ca_file = ca\nauth_mode = userlist\nauth_file = u\n"
                          "[aws]\naccess_key_id = AKID\nsecret_access_key = s\n"
                          "session_token = t\nrole_arn = arn:aws:iam::1:role/r\n"
                          "web_identity_token_file = /t\n");
  ct_result *r = ct_load(ARGV("-c", "ok.ini"), NULL);
  ct_assert_clean(r);
  ct_free(r);
}

static void test_region_and_databases_required(void **state) {
  (void)state;
  ct_write("r.ini", "[databases]\nnorth = cluster=c region=eu-north-1\nsouth = cluster=d\n");
  ct_result *r = ct_load(ARGV("-c", "r.ini"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_int_equal(r->d.errors, 1);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "r.ini:3: [databases] south: no region: set [aws] region (or AWS_REGION), "
                     "or region= on this line"));
  ct_free(r);

  /* Every entry with its own region: no [aws] region needed. */
  r = ct_load(ARGV("-c", "r.ini", "--database", "south=cluster=d region=ap-southeast-2"), NULL);
  ct_assert_clean(r);
  assert_string_equal(r->s->aws.region, "");
  ct_free(r);

  r = ct_load(ARGV("--set", "redwire.listen_port=5440"), NULL);
  assert_int_equal(r->rc, CONF_EINVAL);
  assert_true(ct_has(r, CONF_DIAG_ERROR,
                     "[databases] is empty: add at least one entry, e.g. \"dev = "
                     "workgroup=my-wg database=dev\", or \"*\" to pass every database name "
                     "through"));
  assert_true(ct_has(r, CONF_DIAG_ERROR, "[aws] region is not set (set it, or AWS_REGION)"));
  ct_free(r);

  r = ct_load(ARGV("--database", "*=workgroup=wgx"), ENVP("AWS_REGION=us-gov-west-1"));
  ct_assert_clean(r);
  ct_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_specs),
      cmocka_unit_test(test_bad_specs),
      cmocka_unit_test(test_lookup),
      cmocka_unit_test(test_cross_checks),
      cmocka_unit_test(test_region_and_databases_required),
  };
  return cmocka_run_group_tests(tests, ct_tmp_setup, ct_tmp_teardown);
}
