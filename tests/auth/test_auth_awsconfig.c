/*
 * test_auth_awsconfig.c — the shared config/credentials file parser, environment reading, profile
 * resolution (source_profile chains, cycles, precedence), the credential JSON documents and the
 * rule that no error message carries a secret.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_awsconfig.h"

/* ---- helpers ------------------------------------------------------------------------------ */

static auth_awscfg_rc parse_text(auth_awscfg_kind kind, const char *text, auth_awscfg_file *f,
                                 auth_awscfg_err *err) {
  memset(err, 0, sizeof(*err));
  return auth_awscfg_parse(f, kind, kind == AUTH_AWSCFG_CONFIG ? "config" : "credentials", text,
                           strlen(text), err);
}

static void parse_ok(auth_awscfg_kind kind, const char *text, auth_awscfg_file *f) {
  auth_awscfg_err err;
  auth_awscfg_rc rc = parse_text(kind, text, f, &err);
  if (rc != AUTH_AWSCFG_OK) {
    fail_msg("parse failed: %s", err.msg);
  }
}

/* Value of key in profile name of f; "(no profile)" / NULL when absent. */
static const char *get(const auth_awscfg_file *f, const char *name, const char *key) {
  const auth_awscfg_profile *p = auth_awscfg_find_profile(f, name);
  return p ? auth_awscfg_get(p, key) : "(no profile)";
}

static void expect_parse_error(auth_awscfg_kind kind, const char *text, auth_awscfg_rc want,
                               const char *msg) {
  auth_awscfg_file f;
  auth_awscfg_err err;
  assert_int_equal(parse_text(kind, text, &f, &err), want);
  assert_string_equal(err.msg, msg);
  assert_int_equal(f.n_profiles, 0);
  assert_null(f.profiles);
}

/* ---- 1. parser ---------------------------------------------------------------------------- */

static void test_credentials_basic(void **state) {
  (void)state;
  auth_awscfg_file f;
  parse_ok(AUTH_AWSCFG_CREDENTIALS,
           "[default]\n"
           "aws_access_key_id = AKIDDEFAULT\n"
           "aws_secret_access_key=secretdefault\n"
           "\n"
           "[dev]\n"
           "aws_access_key_id\t=\tAKIDDEV  \n"
           "aws_session_token = tok/with+chars==\n",
           &f);
  assert_int_equal(f.n_profiles, 2);
  assert_string_equal(get(&f, "default", "aws_access_key_id"), "AKIDDEFAULT");
  assert_string_equal(get(&f, "default", "aws_secret_access_key"), "secretdefault");
  assert_string_equal(get(&f, "dev", "aws_access_key_id"), "AKIDDEV");
  assert_string_equal(get(&f, "dev", "aws_session_token"), "tok/with+chars==");
  assert_null(get(&f, "dev", "aws_secret_access_key"));
  assert_null(auth_awscfg_find_profile(&f, "prod"));
  auth_awscfg_file_free(&f);
}

static void test_credentials_section_is_literal(void **state) {
  (void)state;
  auth_awscfg_file f;
  /* In the credentials file there is no "profile " prefix: the brackets hold the whole name. */
  parse_ok(AUTH_AWSCFG_CREDENTIALS, "[profile x]\na = 1\n[  my team  ]\nb = 2\n", &f);
  assert_string_equal(get(&f, "profile x", "a"), "1");
  assert_string_equal(get(&f, "my team", "b"), "2");
  assert_string_equal(get(&f, "x", "a"), "(no profile)");
  auth_awscfg_file_free(&f);
}

static void test_config_sections(void **state) {
  (void)state;
  auth_awscfg_file f;
  parse_ok(AUTH_AWSCFG_CONFIG,
           "[default]\n"
           "region = us-east-1\n"
           "[profile dev]\n"
           "region = eu-west-1\n"
           "[profile   my  team   ]\n"
           "region = ap-south-1\n"
           "[sso-session corp]\n"
           "sso_region = us-east-2\n"
           "[services local]\n"
           "redshift_data =\n"
           "  endpoint_url = http://localhost:4566\n"
           "[profilefoo]\n"
           "region = nowhere\n"
           "[plain]\n"
           "region = nowhere\n",
           &f);
  assert_int_equal(f.n_profiles, 3);
  assert_string_equal(get(&f, "default", "region"), "us-east-1");
  assert_string_equal(get(&f, "dev", "region"), "eu-west-1");
  assert_string_equal(get(&f, "my  team", "region"), "ap-south-1");
  assert_string_equal(get(&f, "corp", "sso_region"), "(no profile)");
  assert_string_equal(get(&f, "local", "redshift_data"), "(no profile)");
  assert_string_equal(get(&f, "profilefoo", "region"), "(no profile)");
  assert_string_equal(get(&f, "plain", "region"), "(no profile)");
  auth_awscfg_file_free(&f);
}

static void test_config_profile_default_wins(void **state) {
  (void)state;
  auth_awscfg_file f;
  parse_ok(AUTH_AWSCFG_CONFIG,
           "[profile default]\nregion = from-profile-default\n"
           "[default]\nregion = from-bare\noutput = json\n",
           &f);
  const auth_awscfg_profile *p = auth_awscfg_find_profile(&f, "default");
  assert_non_null(p);
  assert_false(p->bare_default);
  assert_string_equal(auth_awscfg_get(p, "region"), "from-profile-default");
  assert_null(auth_awscfg_get(p, "output")); /* [default] is ignored entirely, not merged */
  auth_awscfg_file_free(&f);

  parse_ok(AUTH_AWSCFG_CONFIG, "[default]\nregion = only-bare\n", &f);
  assert_string_equal(get(&f, "default", "region"), "only-bare");
  auth_awscfg_file_free(&f);
}

static void test_comments(void **state) {
  (void)state;
  auth_awscfg_file f;
  parse_ok(AUTH_AWSCFG_CONFIG,
           "# full line\n"
           "; full line\n"
           "[default] # after header\n"
           "   # indented comment\n"
           "a = one # comment\n"
           "b = two ;comment\n"
           "c = x#y\n"
           "d = x;y\n"
           "e = v\t# tab before\n"
           "f = # only a comment\n"
           "g =#kept\n"
           "[profile p]#no space needed after a header\n"
           "h = 1\n",
           &f);
  assert_string_equal(get(&f, "default", "a"), "one");
  assert_string_equal(get(&f, "default", "b"), "two");
  assert_string_equal(get(&f, "default", "c"), "x#y");
  assert_string_equal(get(&f, "default", "d"), "x;y");
  assert_string_equal(get(&f, "default", "e"), "v");
  assert_string_equal(get(&f, "default", "f"), "");
  assert_string_equal(get(&f, "default", "g"), "#kept");
  assert_string_equal(get(&f, "p", "h"), "1");
  auth_awscfg_file_free(&f);
}

static void test_key_case(void **state) {
  (void)state;
  auth_awscfg_file f;
  parse_ok(AUTH_AWSCFG_CREDENTIALS, "[Dev]\nAWS_Access_Key_ID = AKID\nREGION = r1\nregion = r2\n",
           &f);
  const auth_awscfg_profile *p = auth_awscfg_find_profile(&f, "Dev");
  assert_non_null(p);
  assert_null(auth_awscfg_find_profile(&f, "dev")); /* profile names are case-sensitive */
  assert_int_equal(p->n_props, 2);
  assert_string_equal(p->props[0].key, "aws_access_key_id");
  assert_string_equal(auth_awscfg_get(p, "aws_access_key_id"), "AKID");
  assert_string_equal(auth_awscfg_get(p, "AWS_ACCESS_KEY_ID"), "AKID");
  assert_string_equal(auth_awscfg_get(p, "region"), "r2"); /* same key, later wins */
  auth_awscfg_file_free(&f);
}

static void test_subproperties_and_continuation(void **state) {
  (void)state;
  auth_awscfg_file f;
  parse_ok(AUTH_AWSCFG_CONFIG,
           "[default]\n"
           "s3 =\n"
           "  max_concurrent_requests = 20\n"
           "\taddressing_style = path\n"
           "region = us-west-2\n"
           "long = first\n"
           "   second  \n"
           "\tthird\n"
           "after = x\n",
           &f);
  const auth_awscfg_profile *p = auth_awscfg_find_profile(&f, "default");
  assert_string_equal(auth_awscfg_get(p, "s3"), "");
  assert_null(auth_awscfg_get(p, "max_concurrent_requests"));
  assert_null(auth_awscfg_get(p, "addressing_style"));
  assert_string_equal(auth_awscfg_get(p, "region"), "us-west-2");
  assert_string_equal(auth_awscfg_get(p, "long"), "first\nsecond\nthird");
  assert_string_equal(auth_awscfg_get(p, "after"), "x");
  assert_int_equal(p->n_props, 4);
  auth_awscfg_file_free(&f);
}

static void test_duplicate_profiles_merge(void **state) {
  (void)state;
  auth_awscfg_file f;
  parse_ok(AUTH_AWSCFG_CONFIG,
           "[profile a]\nregion = r1\noutput = json\n"
           "[profile b]\nregion = rb\n"
           "[profile a]\nregion = r2\nrole_arn = arn\n",
           &f);
  assert_int_equal(f.n_profiles, 2);
  assert_string_equal(get(&f, "a", "region"), "r2");
  assert_string_equal(get(&f, "a", "output"), "json");
  assert_string_equal(get(&f, "a", "role_arn"), "arn");
  assert_string_equal(get(&f, "b", "region"), "rb");
  auth_awscfg_file_free(&f);
}

static void test_line_endings_bom_and_eof(void **state) {
  (void)state;
  auth_awscfg_file f;
  parse_ok(AUTH_AWSCFG_CREDENTIALS, "\xEF\xBB\xBF[x]\r\nk = v\r\n  more\r\nlast = z", &f);
  assert_string_equal(get(&f, "x", "k"), "v\nmore");
  assert_string_equal(get(&f, "x", "last"), "z");
  auth_awscfg_file_free(&f);

  parse_ok(AUTH_AWSCFG_CONFIG, "", &f);
  assert_int_equal(f.n_profiles, 0);
  auth_awscfg_file_free(&f);
}

static void test_parse_errors(void **state) {
  (void)state;
  expect_parse_error(AUTH_AWSCFG_CONFIG, "[default]\n[profile x\n", AUTH_AWSCFG_ESYNTAX,
                     "config:2: section header without ']'");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "[default] junk\n", AUTH_AWSCFG_ESYNTAX,
                     "config:1: unexpected text after ']'");
  expect_parse_error(AUTH_AWSCFG_CREDENTIALS, "[  ]\n", AUTH_AWSCFG_ESYNTAX,
                     "credentials:1: empty section name");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "\n[profile   ]\n", AUTH_AWSCFG_ESYNTAX,
                     "config:2: empty profile name");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "[profile]\n", AUTH_AWSCFG_ESYNTAX,
                     "config:1: empty profile name");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "# c\nregion = x\n", AUTH_AWSCFG_ESYNTAX,
                     "config:2: property 'region' outside a section");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "[default]\nregion\n", AUTH_AWSCFG_ESYNTAX,
                     "config:2: expected 'key = value'");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "[default]\n= v\n", AUTH_AWSCFG_ESYNTAX,
                     "config:2: property without a key");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "[default]\n  region = x\n", AUTH_AWSCFG_ESYNTAX,
                     "config:2: indented line without a property above it");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "[a]\nk = v\n[profile b]\n  x\n", AUTH_AWSCFG_ESYNTAX,
                     "config:4: indented line without a property above it");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "[default]\ns3 =\n  no_equals\n", AUTH_AWSCFG_ESYNTAX,
                     "config:3: expected 'key = value' in a sub-property");
  expect_parse_error(AUTH_AWSCFG_CONFIG, "[default]\ns3 =\n   = 5\n", AUTH_AWSCFG_ESYNTAX,
                     "config:3: expected 'key = value' in a sub-property");

  auth_awscfg_file f;
  auth_awscfg_err err;
  static const char nul[] = "[default]\nk = a\0b\n";
  assert_int_equal(
      auth_awscfg_parse(&f, AUTH_AWSCFG_CONFIG, "/x/config", nul, sizeof(nul) - 1, &err),
      AUTH_AWSCFG_ESYNTAX);
  assert_string_equal(err.msg, "/x/config:2: NUL byte");

  char *big = malloc(AUTH_AWSCFG_MAX_FILE + 1);
  assert_non_null(big);
  memset(big, '#', AUTH_AWSCFG_MAX_FILE + 1);
  assert_int_equal(
      auth_awscfg_parse(&f, AUTH_AWSCFG_CONFIG, "c", big, AUTH_AWSCFG_MAX_FILE + 1, &err),
      AUTH_AWSCFG_ETOOBIG);
  assert_string_equal(err.msg, "c: larger than 1048576 bytes");
  /* Exactly at the cap is accepted (one long comment). */
  assert_int_equal(auth_awscfg_parse(&f, AUTH_AWSCFG_CONFIG, "c", big, AUTH_AWSCFG_MAX_FILE, &err),
                   AUTH_AWSCFG_OK);
  auth_awscfg_file_free(&f);
  free(big);
  /* err may be NULL. */
  assert_int_equal(auth_awscfg_parse(&f, AUTH_AWSCFG_CONFIG, NULL, "x", 1, NULL),
                   AUTH_AWSCFG_ESYNTAX);
}

/* Every prefix of a file exercising all rules parses or fails cleanly (run under ASan). */
static void test_every_prefix(void **state) {
  (void)state;
  static const char text[] = "# c\n[default]\nregion = r # c\ns3 =\n  a = b\nlong = x\n  y\n"
                             "[profile p q]\nrole_arn=arn:aws:iam::1:role/r\n[sso-session s]\n"
                             "k = v\n";
  for (size_t n = 0; n <= sizeof(text) - 1; n++) {
    auth_awscfg_file f;
    auth_awscfg_err err;
    auth_awscfg_rc rc = auth_awscfg_parse(&f, AUTH_AWSCFG_CONFIG, "config", text, n, &err);
    assert_true(rc == AUTH_AWSCFG_OK || rc == AUTH_AWSCFG_ESYNTAX);
    auth_awscfg_file_free(&f);
  }
}

/* ---- 2. environment ----------------------------------------------------------------------- */

static void test_env_defaults(void **state) {
  (void)state;
  const char *envp[] = {"PATH=/bin", "HOME=/home/rw", NULL};
  auth_awscfg_env e;
  assert_int_equal(auth_awscfg_env_read(envp, &e, NULL), AUTH_AWSCFG_OK);
  assert_string_equal(e.config_path, "/home/rw/.aws/config");
  assert_string_equal(e.credentials_path, "/home/rw/.aws/credentials");
  assert_string_equal(e.profile, "default");
  assert_false(e.profile_explicit);
  auth_awscfg_env_free(&e);
}

static void test_env_overrides(void **state) {
  (void)state;
  const char *envp[] = {"HOME=/h",
                        "AWS_PROFILEX=wrong",
                        "AWS_PROFILE=team a",
                        "AWS_PROFILE=second-definition-ignored",
                        "AWS_CONFIG_FILE=~/cfg/config",
                        "AWS_SHARED_CREDENTIALS_FILE=/etc/redwire/creds",
                        NULL};
  auth_awscfg_env e;
  assert_int_equal(auth_awscfg_env_read(envp, &e, NULL), AUTH_AWSCFG_OK);
  assert_string_equal(e.config_path, "/h/cfg/config");
  assert_string_equal(e.credentials_path, "/etc/redwire/creds");
  assert_string_equal(e.profile, "team a");
  assert_true(e.profile_explicit);
  auth_awscfg_env_free(&e);
}

static void test_env_no_home_and_empty_values(void **state) {
  (void)state;
  const char *envp[] = {
      "AWS_PROFILE=", "AWS_CONFIG_FILE=", "HOME=", "AWS_SHARED_CREDENTIALS_FILE=~user/creds", NULL};
  auth_awscfg_env e;
  assert_int_equal(auth_awscfg_env_read(envp, &e, NULL), AUTH_AWSCFG_OK);
  assert_null(e.config_path); /* ~ needs HOME */
  /* "~user" is not "~/": taken literally. */
  assert_string_equal(e.credentials_path, "~user/creds");
  assert_string_equal(e.profile, "default");
  assert_false(e.profile_explicit);
  auth_awscfg_env_free(&e);

  assert_int_equal(auth_awscfg_env_read(NULL, &e, NULL), AUTH_AWSCFG_OK);
  assert_null(e.config_path);
  assert_null(e.credentials_path);
  assert_string_equal(e.profile, "default");
  auth_awscfg_env_free(&e);
}

/* ---- 2. resolution ------------------------------------------------------------------------ */

typedef struct files {
  auth_awscfg_file config;
  auth_awscfg_file creds;
} files;

static void load(files *fs, const char *config, const char *creds) {
  parse_ok(AUTH_AWSCFG_CONFIG, config, &fs->config);
  parse_ok(AUTH_AWSCFG_CREDENTIALS, creds, &fs->creds);
}

static void unload(files *fs) {
  auth_awscfg_file_free(&fs->config);
  auth_awscfg_file_free(&fs->creds);
}

static auth_awscfg_rc resolve(files *fs, const char *profile, bool explicit_,
                              auth_awscfg_plan *plan, auth_awscfg_err *err) {
  memset(err, 0, sizeof(*err));
  return auth_awscfg_resolve(&fs->config, &fs->creds, profile, explicit_, plan, err);
}

static void expect_resolve_error(const char *config, const char *creds, const char *profile,
                                 auth_awscfg_rc want, const char *msg) {
  files fs;
  load(&fs, config, creds);
  auth_awscfg_plan plan;
  auth_awscfg_err err;
  assert_int_equal(resolve(&fs, profile, true, &plan, &err), want);
  assert_string_equal(err.msg, msg);
  assert_null(plan.profile);
  assert_int_equal(plan.n_roles, 0);
  unload(&fs);
}

static void test_resolve_static_precedence(void **state) {
  (void)state;
  files fs;
  load(&fs,
       "[default]\nregion = us-east-1\naws_access_key_id = AKIDCONFIG\n"
       "aws_secret_access_key = secretconfig\naws_session_token = tokconfig\n",
       "[default]\naws_access_key_id = AKIDCREDS\naws_secret_access_key = secretcreds\n"
       "region =\n");
  auth_awscfg_plan plan;
  auth_awscfg_err err;
  assert_int_equal(resolve(&fs, "default", false, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_STATIC);
  assert_string_equal(plan.profile, "default");
  assert_string_equal(plan.region, "us-east-1"); /* empty in credentials: config's is used */
  assert_string_equal(plan.base.static_creds.access_key_id, "AKIDCREDS");
  assert_string_equal(plan.base.static_creds.secret_access_key, "secretcreds");
  /* Merged per key: the token only exists in the config file. */
  assert_string_equal(plan.base.static_creds.session_token, "tokconfig");
  assert_false(plan.base.static_creds.has_expiration);
  auth_awscfg_plan_free(&plan);
  unload(&fs);
}

static void test_resolve_missing_profile(void **state) {
  (void)state;
  files fs;
  load(&fs, "[profile other]\nregion = x\n", "");
  auth_awscfg_plan plan;
  auth_awscfg_err err;
  assert_int_equal(resolve(&fs, "default", false, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_NONE);
  assert_null(plan.region);
  auth_awscfg_plan_free(&plan);
  assert_int_equal(resolve(&fs, "nope", true, &plan, &err), AUTH_AWSCFG_ENOTFOUND);
  assert_string_equal(err.msg, "profile 'nope' (AWS_PROFILE) not found in the shared files");
  /* A profile with no credential settings yields NONE with its region. */
  assert_int_equal(resolve(&fs, "other", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_NONE);
  assert_string_equal(plan.region, "x");
  auth_awscfg_plan_free(&plan);
  unload(&fs);

  /* Both files absent. */
  assert_int_equal(auth_awscfg_resolve(NULL, NULL, "default", false, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_NONE);
  auth_awscfg_plan_free(&plan);
}

static void test_resolve_partial_static(void **state) {
  (void)state;
  expect_resolve_error("", "[p]\naws_access_key_id = AKID\n", "p", AUTH_AWSCFG_EINVAL,
                       "profile 'p': aws_access_key_id is set without aws_secret_access_key");
  expect_resolve_error("", "[p]\naws_secret_access_key = s\n", "p", AUTH_AWSCFG_EINVAL,
                       "profile 'p': aws_secret_access_key is set without aws_access_key_id");
}

static void test_resolve_assume_role(void **state) {
  (void)state;
  files fs;
  load(&fs,
       "[profile app]\nrole_arn = arn:aws:iam::123:role/app\nsource_profile = base\n"
       "external_id = ext-1\nrole_session_name = redwire@host\nduration_seconds = 3600\n"
       "region = eu-central-1\n",
       "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = secretbase\n");
  auth_awscfg_plan plan;
  auth_awscfg_err err;
  assert_int_equal(resolve(&fs, "app", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_ASSUME_ROLE);
  assert_string_equal(plan.region, "eu-central-1");
  assert_int_equal(plan.base.kind, AUTH_AWSCFG_BASE_STATIC);
  assert_string_equal(plan.base.static_creds.access_key_id, "AKIDBASE");
  assert_null(plan.base.static_creds.session_token);
  assert_int_equal(plan.n_roles, 1);
  assert_string_equal(plan.roles[0].profile, "app");
  assert_string_equal(plan.roles[0].role_arn, "arn:aws:iam::123:role/app");
  assert_string_equal(plan.roles[0].external_id, "ext-1");
  assert_string_equal(plan.roles[0].role_session_name, "redwire@host");
  assert_int_equal(plan.roles[0].duration_seconds, 3600);
  auth_awscfg_plan_free(&plan);
  unload(&fs);
}

static void test_resolve_chain_order(void **state) {
  (void)state;
  files fs;
  load(&fs,
       "[profile a]\nrole_arn = arn:a\nsource_profile = b\n"
       "[profile b]\nrole_arn = arn:b\nsource_profile = c\n"
       "[profile c]\nrole_arn = arn:c\ncredential_source = Ec2InstanceMetadata\n",
       "");
  auth_awscfg_plan plan;
  auth_awscfg_err err;
  assert_int_equal(resolve(&fs, "a", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_ASSUME_ROLE);
  assert_int_equal(plan.base.kind, AUTH_AWSCFG_BASE_IMDS);
  assert_int_equal(plan.n_roles, 3);
  assert_string_equal(plan.roles[0].role_arn, "arn:c");
  assert_string_equal(plan.roles[1].role_arn, "arn:b");
  assert_string_equal(plan.roles[2].role_arn, "arn:a");
  assert_null(plan.roles[2].external_id);
  assert_null(plan.roles[2].role_session_name);
  assert_int_equal(plan.roles[2].duration_seconds, 0);
  auth_awscfg_plan_free(&plan);
  unload(&fs);
}

static void test_resolve_credential_sources(void **state) {
  (void)state;
  static const struct {
    const char *value;
    auth_awscfg_base_kind kind;
  } cases[] = {{"Environment", AUTH_AWSCFG_BASE_ENVIRONMENT},
               {"Ec2InstanceMetadata", AUTH_AWSCFG_BASE_IMDS},
               {"EcsContainer", AUTH_AWSCFG_BASE_ECS}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char config[128];
    snprintf(config, sizeof(config), "[default]\nrole_arn = r\ncredential_source = %s\n",
             cases[i].value);
    files fs;
    load(&fs, config, "");
    auth_awscfg_plan plan;
    auth_awscfg_err err;
    assert_int_equal(resolve(&fs, "default", false, &plan, &err), AUTH_AWSCFG_OK);
    assert_int_equal(plan.base.kind, cases[i].kind);
    assert_int_equal(plan.n_roles, 1);
    auth_awscfg_plan_free(&plan);
    unload(&fs);
  }
  expect_resolve_error("[default]\nrole_arn = r\ncredential_source = environment\n", "", "default",
                       AUTH_AWSCFG_EINVAL,
                       "profile 'default': credential_source must be Environment, "
                       "Ec2InstanceMetadata or EcsContainer");
}

static void test_resolve_role_errors(void **state) {
  (void)state;
  expect_resolve_error("[default]\nrole_arn = r\n", "", "default", AUTH_AWSCFG_EINVAL,
                       "profile 'default': role_arn needs source_profile, credential_source or "
                       "web_identity_token_file");
  expect_resolve_error("[default]\nrole_arn = r\nsource_profile = s\ncredential_source = "
                       "Environment\n[profile s]\nregion = x\n",
                       "", "default", AUTH_AWSCFG_EINVAL,
                       "profile 'default': source_profile and credential_source are mutually "
                       "exclusive");
  expect_resolve_error("[default]\nrole_arn = r\nsource_profile = ghost\n", "", "default",
                       AUTH_AWSCFG_ENOTFOUND,
                       "profile 'default': source_profile 'ghost' not found");
  expect_resolve_error("[default]\nrole_arn = r\nsource_profile = s\n[profile s]\nregion = x\n", "",
                       "default", AUTH_AWSCFG_EINVAL,
                       "profile 'default': source_profile 's' has no credentials");
  expect_resolve_error("[default]\nrole_arn = r\nsource_profile = s\nduration_seconds = 899\n", "",
                       "default", AUTH_AWSCFG_EINVAL,
                       "profile 'default': duration_seconds must be an integer from 900 to 43200");
  expect_resolve_error("[default]\nrole_arn = r\ncredential_source = Environment\n"
                       "duration_seconds = 43201\n",
                       "", "default", AUTH_AWSCFG_EINVAL,
                       "profile 'default': duration_seconds must be an integer from 900 to 43200");
  expect_resolve_error("[default]\nrole_arn = r\ncredential_source = Environment\n"
                       "duration_seconds = 1h\n",
                       "", "default", AUTH_AWSCFG_EINVAL,
                       "profile 'default': duration_seconds must be an integer from 900 to 43200");
  expect_resolve_error("[default]\nrole_arn = r\ncredential_source = Environment\n"
                       "role_session_name = has space\n",
                       "", "default", AUTH_AWSCFG_EINVAL,
                       "profile 'default': role_session_name must be 2 to 64 characters of "
                       "[A-Za-z0-9_+=,.@-]");
  expect_resolve_error("[default]\nrole_arn = r\ncredential_source = Environment\n"
                       "mfa_serial = arn:mfa\n",
                       "", "default", AUTH_AWSCFG_EUNSUPPORTED,
                       "profile 'default': mfa_serial needs an interactive MFA code");
  expect_resolve_error("[default]\nsso_session = corp\n", "", "default", AUTH_AWSCFG_EUNSUPPORTED,
                       "profile 'default': IAM Identity Center (SSO) profiles are not supported");
}

static void test_resolve_duration_bounds(void **state) {
  (void)state;
  static const char *ok[] = {"900", "43200"};
  for (size_t i = 0; i < 2; i++) {
    char config[160];
    snprintf(config, sizeof(config),
             "[default]\nrole_arn = r\ncredential_source = Environment\nduration_seconds = %s\n",
             ok[i]);
    files fs;
    load(&fs, config, "");
    auth_awscfg_plan plan;
    auth_awscfg_err err;
    assert_int_equal(resolve(&fs, "default", false, &plan, &err), AUTH_AWSCFG_OK);
    assert_int_equal(plan.roles[0].duration_seconds, (uint32_t)atoi(ok[i]));
    auth_awscfg_plan_free(&plan);
    unload(&fs);
  }
}

static void test_resolve_cycles(void **state) {
  (void)state;
  expect_resolve_error("[profile a]\nrole_arn = ra\nsource_profile = b\n"
                       "[profile b]\nrole_arn = rb\nsource_profile = c\n"
                       "[profile c]\nrole_arn = rc\nsource_profile = a\n",
                       "", "a", AUTH_AWSCFG_EINVAL, "source_profile cycle: a -> b -> c -> a");
  expect_resolve_error("[profile a]\nrole_arn = ra\nsource_profile = b\n"
                       "[profile b]\nrole_arn = rb\nsource_profile = b\n",
                       "", "a", AUTH_AWSCFG_EINVAL, "source_profile cycle: a -> b -> b");
}

static void test_resolve_self_source(void **state) {
  (void)state;
  files fs;
  load(&fs, "[profile me]\nrole_arn = arn:me\nsource_profile = me\n",
       "[me]\naws_access_key_id = AKIDME\naws_secret_access_key = secretme\n");
  auth_awscfg_plan plan;
  auth_awscfg_err err;
  assert_int_equal(resolve(&fs, "me", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_ASSUME_ROLE);
  assert_int_equal(plan.base.kind, AUTH_AWSCFG_BASE_STATIC);
  assert_string_equal(plan.base.static_creds.access_key_id, "AKIDME");
  assert_int_equal(plan.n_roles, 1);
  assert_string_equal(plan.roles[0].role_arn, "arn:me");
  auth_awscfg_plan_free(&plan);
  unload(&fs);
}

/* A chain of n profiles p0 -> p1 -> ... -> p(n-1); the last has static keys. */
static auth_awscfg_rc resolve_chain(int n, auth_awscfg_plan *plan, auth_awscfg_err *err) {
  char config[4096] = "";
  size_t len = 0;
  for (int i = 0; i < n - 1; i++) {
    len +=
        (size_t)snprintf(config + len, sizeof(config) - len,
                         "[profile p%d]\nrole_arn = arn:%d\nsource_profile = p%d\n", i, i, i + 1);
  }
  snprintf(config + len, sizeof(config) - len,
           "[profile p%d]\naws_access_key_id = A\naws_secret_access_key = S\n", n - 1);
  files fs;
  load(&fs, config, "");
  auth_awscfg_rc rc = resolve(&fs, "p0", true, plan, err);
  unload(&fs);
  return rc;
}

static void test_resolve_depth_limit(void **state) {
  (void)state;
  auth_awscfg_plan plan;
  auth_awscfg_err err;
  /* AUTH_AWSCFG_MAX_ROLE_CHAIN roles on a static base: accepted, the plan outlives the files. */
  assert_int_equal(resolve_chain(AUTH_AWSCFG_MAX_ROLE_CHAIN + 1, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.n_roles, AUTH_AWSCFG_MAX_ROLE_CHAIN);
  assert_string_equal(plan.roles[0].role_arn, "arn:7");
  assert_string_equal(plan.roles[AUTH_AWSCFG_MAX_ROLE_CHAIN - 1].role_arn, "arn:0");
  assert_string_equal(plan.base.static_creds.access_key_id, "A");
  auth_awscfg_plan_free(&plan);
  /* The same number of profiles, all with roles, the last on credential_source: 9 roles. */
  files fs;
  char config[4096] = "";
  size_t len = 0;
  for (int i = 0; i <= AUTH_AWSCFG_MAX_ROLE_CHAIN; i++) {
    if (i < AUTH_AWSCFG_MAX_ROLE_CHAIN) {
      len +=
          (size_t)snprintf(config + len, sizeof(config) - len,
                           "[profile p%d]\nrole_arn = arn:%d\nsource_profile = p%d\n", i, i, i + 1);
    } else {
      snprintf(config + len, sizeof(config) - len,
               "[profile p%d]\nrole_arn = arn:%d\ncredential_source = Environment\n", i, i);
    }
  }
  load(&fs, config, "");
  assert_int_equal(resolve(&fs, "p0", true, &plan, &err), AUTH_AWSCFG_EINVAL);
  assert_string_equal(err.msg, "profile 'p0': more than 8 roles to assume");
  assert_int_equal(plan.n_roles, 0);
  unload(&fs);
  /* One more is refused. */
  assert_int_equal(resolve_chain(AUTH_AWSCFG_MAX_ROLE_CHAIN + 2, &plan, &err), AUTH_AWSCFG_EINVAL);
  assert_string_equal(err.msg, "profile 'p0': source_profile chain deeper than 8");
}

static void test_resolve_web_identity(void **state) {
  (void)state;
  files fs;
  load(&fs,
       "[profile wi]\nrole_arn = arn:wi\nweb_identity_token_file = /var/run/token\n"
       "role_session_name = rw-session\n"
       "[profile up]\nrole_arn = arn:up\nsource_profile = wi\n",
       "");
  auth_awscfg_plan plan;
  auth_awscfg_err err;
  assert_int_equal(resolve(&fs, "wi", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_WEB_IDENTITY);
  assert_int_equal(plan.base.kind, AUTH_AWSCFG_BASE_WEB_IDENTITY);
  assert_string_equal(plan.base.web_identity_token_file, "/var/run/token");
  assert_string_equal(plan.base.web_identity_role.role_arn, "arn:wi");
  assert_string_equal(plan.base.web_identity_role.role_session_name, "rw-session");
  assert_int_equal(plan.n_roles, 0);
  auth_awscfg_plan_free(&plan);

  assert_int_equal(resolve(&fs, "up", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_ASSUME_ROLE);
  assert_int_equal(plan.base.kind, AUTH_AWSCFG_BASE_WEB_IDENTITY);
  assert_string_equal(plan.base.web_identity_role.role_arn, "arn:wi");
  assert_int_equal(plan.n_roles, 1);
  assert_string_equal(plan.roles[0].role_arn, "arn:up");
  auth_awscfg_plan_free(&plan);
  unload(&fs);
}

static void test_resolve_process_and_precedence(void **state) {
  (void)state;
  files fs;
  load(&fs,
       "[profile proc]\ncredential_process = /usr/bin/get-creds --profile \"x y\"\n"
       "[profile both]\ncredential_process = /bin/false\n"
       "[profile roleandkeys]\nrole_arn = arn:r\ncredential_source = Environment\n"
       "[profile viaproc]\nrole_arn = arn:v\nsource_profile = proc\n",
       "[both]\naws_access_key_id = AKIDBOTH\naws_secret_access_key = s\n"
       "[roleandkeys]\naws_access_key_id = AKIDRK\naws_secret_access_key = s\n");
  auth_awscfg_plan plan;
  auth_awscfg_err err;
  assert_int_equal(resolve(&fs, "proc", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_PROCESS);
  assert_string_equal(plan.base.process_command, "/usr/bin/get-creds --profile \"x y\"");
  auth_awscfg_plan_free(&plan);
  /* Static keys beat credential_process. */
  assert_int_equal(resolve(&fs, "both", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_STATIC);
  assert_null(plan.base.process_command);
  auth_awscfg_plan_free(&plan);
  /* role_arn beats static keys. */
  assert_int_equal(resolve(&fs, "roleandkeys", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.kind, AUTH_AWSCFG_PLAN_ASSUME_ROLE);
  assert_int_equal(plan.base.kind, AUTH_AWSCFG_BASE_ENVIRONMENT);
  assert_null(plan.base.static_creds.access_key_id);
  auth_awscfg_plan_free(&plan);
  /* A process-backed source profile. */
  assert_int_equal(resolve(&fs, "viaproc", true, &plan, &err), AUTH_AWSCFG_OK);
  assert_int_equal(plan.base.kind, AUTH_AWSCFG_BASE_PROCESS);
  assert_int_equal(plan.n_roles, 1);
  auth_awscfg_plan_free(&plan);
  unload(&fs);
}

/* ---- 3. JSON ------------------------------------------------------------------------------ */

static auth_awscfg_rc parse_json(auth_awscfg_json_kind kind, const char *text, auth_awscfg_creds *c,
                                 auth_awscfg_err *err) {
  memset(err, 0, sizeof(*err));
  return auth_awscfg_parse_creds_json(kind, text, strlen(text), c, err);
}

static void expect_json_error(auth_awscfg_json_kind kind, const char *text, auth_awscfg_rc want,
                              const char *msg) {
  auth_awscfg_creds c;
  auth_awscfg_err err;
  assert_int_equal(parse_json(kind, text, &c, &err), want);
  assert_string_equal(err.msg, msg);
  assert_null(c.access_key_id);
  assert_null(c.secret_access_key);
  assert_null(c.session_token);
}

static void test_json_process(void **state) {
  (void)state;
  auth_awscfg_creds c;
  auth_awscfg_err err;
  assert_int_equal(parse_json(AUTH_AWSCFG_JSON_PROCESS,
                              "{\"Version\": 1, \"AccessKeyId\": \"ASIAPROC\", "
                              "\"SecretAccessKey\": \"procsecret\", \"SessionToken\": \"proctok\", "
                              "\"Expiration\": \"2026-11-22T05:00:00Z\", \"Extra\": [1, 2]}\n",
                              &c, &err),
                   AUTH_AWSCFG_OK);
  assert_string_equal(c.access_key_id, "ASIAPROC");
  assert_string_equal(c.secret_access_key, "procsecret");
  assert_string_equal(c.session_token, "proctok");
  assert_true(c.has_expiration);
  assert_int_equal(c.expiration, 1795323600);
  auth_awscfg_creds_free(&c);
  assert_null(c.access_key_id);

  /* Long-term keys: no token, no expiration (null counts as absent). */
  assert_int_equal(parse_json(AUTH_AWSCFG_JSON_PROCESS,
                              "{\"Version\":1,\"AccessKeyId\":\"AKID\",\"SecretAccessKey\":\"s\","
                              "\"SessionToken\":null}",
                              &c, &err),
                   AUTH_AWSCFG_OK);
  assert_null(c.session_token);
  assert_false(c.has_expiration);
  auth_awscfg_creds_free(&c);
}

static void test_json_process_errors(void **state) {
  (void)state;
  const auth_awscfg_json_kind P = AUTH_AWSCFG_JSON_PROCESS;
  expect_json_error(P, "{\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\"}", AUTH_AWSCFG_EINVAL,
                    "credential_process output: missing \"Version\"");
  expect_json_error(P, "{\"Version\":\"1\",\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\"}",
                    AUTH_AWSCFG_EINVAL,
                    "credential_process output: \"Version\" must be the number 1");
  expect_json_error(P, "{\"Version\":2,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\"}",
                    AUTH_AWSCFG_EINVAL,
                    "credential_process output: \"Version\" must be the number 1");
  expect_json_error(P, "{\"Version\":1.5,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\"}",
                    AUTH_AWSCFG_EINVAL,
                    "credential_process output: \"Version\" must be the number 1");
  expect_json_error(P, "{\"Version\":1,\"SecretAccessKey\":\"s\"}", AUTH_AWSCFG_EINVAL,
                    "credential_process output: missing \"AccessKeyId\"");
  expect_json_error(P, "{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":42}",
                    AUTH_AWSCFG_EINVAL,
                    "credential_process output: \"SecretAccessKey\" must be a string");
  expect_json_error(P, "{\"Version\":1,\"AccessKeyId\":\"\",\"SecretAccessKey\":\"s\"}",
                    AUTH_AWSCFG_EINVAL, "credential_process output: \"AccessKeyId\" is empty");
  expect_json_error(P, "{\"Version\":1,\"accesskeyid\":\"a\",\"SecretAccessKey\":\"s\"}",
                    AUTH_AWSCFG_EINVAL, "credential_process output: missing \"AccessKeyId\"");
  expect_json_error(P,
                    "{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\","
                    "\"Expiration\":\"2026-11-22 05:00:00\"}",
                    AUTH_AWSCFG_EINVAL,
                    "credential_process output: \"Expiration\" is not an ISO-8601 UTC time");
  expect_json_error(P, "{\"Version\":1,", AUTH_AWSCFG_ESYNTAX,
                    "credential_process output: invalid JSON near byte 12");
  expect_json_error(P, "{} {}", AUTH_AWSCFG_ESYNTAX,
                    "credential_process output: trailing data after the JSON object");
  expect_json_error(P, "[1]", AUTH_AWSCFG_ESYNTAX, "credential_process output: not a JSON object");
  expect_json_error(P, "", AUTH_AWSCFG_ESYNTAX, "credential_process output: empty");

  auth_awscfg_creds c;
  auth_awscfg_err err;
  char *big = malloc(AUTH_AWSCFG_MAX_JSON + 1);
  assert_non_null(big);
  memset(big, ' ', AUTH_AWSCFG_MAX_JSON + 1);
  assert_int_equal(auth_awscfg_parse_creds_json(P, big, AUTH_AWSCFG_MAX_JSON + 1, &c, &err),
                   AUTH_AWSCFG_ETOOBIG);
  assert_string_equal(err.msg, "credential_process output: larger than 65536 bytes");
  free(big);
}

static void test_json_container(void **state) {
  (void)state;
  auth_awscfg_creds c;
  auth_awscfg_err err;
  assert_int_equal(
      parse_json(AUTH_AWSCFG_JSON_CONTAINER,
                 "{\"RoleArn\":\"arn:aws:iam::1:role/task\",\"AccessKeyId\":\"ASIAECS\","
                 "\"SecretAccessKey\":\"ecssecret\",\"Token\":\"ecstok\","
                 "\"Expiration\":\"2024-02-29T12:34:56.123Z\"}",
                 &c, &err),
      AUTH_AWSCFG_OK);
  assert_string_equal(c.access_key_id, "ASIAECS");
  assert_string_equal(c.session_token, "ecstok");
  assert_int_equal(c.expiration, 1709210096);
  auth_awscfg_creds_free(&c);
  expect_json_error(AUTH_AWSCFG_JSON_CONTAINER,
                    "{\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\",\"Expiration\":"
                    "\"2024-02-29T12:34:56Z\"}",
                    AUTH_AWSCFG_EINVAL, "container credentials: missing \"Token\"");
  expect_json_error(AUTH_AWSCFG_JSON_CONTAINER,
                    "{\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\",\"Token\":\"t\"}",
                    AUTH_AWSCFG_EINVAL, "container credentials: missing \"Expiration\"");
  /* SessionToken is the credential_process spelling, not the container one. */
  expect_json_error(AUTH_AWSCFG_JSON_CONTAINER,
                    "{\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\",\"SessionToken\":\"t\","
                    "\"Expiration\":\"2024-02-29T12:34:56Z\"}",
                    AUTH_AWSCFG_EINVAL, "container credentials: missing \"Token\"");
}

static void test_json_imds(void **state) {
  (void)state;
  auth_awscfg_creds c;
  auth_awscfg_err err;
  assert_int_equal(parse_json(AUTH_AWSCFG_JSON_IMDS,
                              "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : "
                              "\"2026-11-22T04:00:00Z\",\n  \"Type\" : \"AWS-HMAC\",\n"
                              "  \"AccessKeyId\" : \"ASIAIMDS\",\n  \"SecretAccessKey\" : "
                              "\"imdssecret\",\n  \"Token\" : \"imdstok\",\n  \"Expiration\" : "
                              "\"2000-01-01T00:00:00Z\"\n}",
                              &c, &err),
                   AUTH_AWSCFG_OK);
  assert_string_equal(c.access_key_id, "ASIAIMDS");
  assert_string_equal(c.secret_access_key, "imdssecret");
  assert_string_equal(c.session_token, "imdstok");
  assert_int_equal(c.expiration, 946684800);
  auth_awscfg_creds_free(&c);
  expect_json_error(AUTH_AWSCFG_JSON_IMDS,
                    "{\"Code\":\"AssumeRoleUnauthorizedAccess\",\"AccessKeyId\":\"a\","
                    "\"SecretAccessKey\":\"s\",\"Token\":\"t\",\"Expiration\":"
                    "\"2000-01-01T00:00:00Z\"}",
                    AUTH_AWSCFG_EINVAL, "IMDS credentials: \"Code\" is not \"Success\"");
  expect_json_error(AUTH_AWSCFG_JSON_IMDS,
                    "{\"Code\":\"Success\",\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\","
                    "\"Token\":\"t\"}",
                    AUTH_AWSCFG_EINVAL, "IMDS credentials: missing \"Expiration\"");
}

static void test_parse_time(void **state) {
  (void)state;
  static const struct {
    const char *s;
    auth_awscfg_rc rc;
    int64_t want;
  } cases[] = {
      {"1970-01-01T00:00:00Z", AUTH_AWSCFG_OK, 0},
      {"1969-12-31T23:59:59Z", AUTH_AWSCFG_OK, -1},
      {"2026-11-22T05:00:00Z", AUTH_AWSCFG_OK, 1795323600},
      {"2026-11-22t05:00:00z", AUTH_AWSCFG_OK, 1795323600},
      {"2026-11-22T07:00:00+02:00", AUTH_AWSCFG_OK, 1795323600},
      {"2026-11-22T00:30:00-04:30", AUTH_AWSCFG_OK, 1795323600},
      {"2026-11-22T05:00:00.999999Z", AUTH_AWSCFG_OK, 1795323600},
      {"2024-02-29T12:34:56Z", AUTH_AWSCFG_OK, 1709210096},
      {"2000-02-29T00:00:00Z", AUTH_AWSCFG_OK, 951782400},
      {"2023-02-29T00:00:00Z", AUTH_AWSCFG_EINVAL, 0},
      {"1900-02-29T00:00:00Z", AUTH_AWSCFG_EINVAL, 0},
      {"2026-13-01T00:00:00Z", AUTH_AWSCFG_EINVAL, 0},
      {"2026-04-31T00:00:00Z", AUTH_AWSCFG_EINVAL, 0},
      {"2026-11-22T24:00:00Z", AUTH_AWSCFG_EINVAL, 0},
      {"2026-11-22T05:60:00Z", AUTH_AWSCFG_EINVAL, 0},
      {"2026-11-22T05:00:60Z", AUTH_AWSCFG_EINVAL, 0},
      {"2026-11-22T05:00:00+24:00", AUTH_AWSCFG_EINVAL, 0},
      {"2026-11-22T05:00:00", AUTH_AWSCFG_ESYNTAX, 0},
      {"2026-11-22T05:00:00.Z", AUTH_AWSCFG_ESYNTAX, 0},
      {"2026-11-22T05:00:00ZZ", AUTH_AWSCFG_ESYNTAX, 0},
      {"2026-11-22T05:00:00+0200", AUTH_AWSCFG_ESYNTAX, 0},
      {"2026-11-22 05:00:00Z", AUTH_AWSCFG_ESYNTAX, 0},
      {"2026-1-22T05:00:00Z", AUTH_AWSCFG_ESYNTAX, 0},
      {"+026-11-22T05:00:00Z", AUTH_AWSCFG_ESYNTAX, 0},
      {"", AUTH_AWSCFG_ESYNTAX, 0},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int64_t t = 12345;
    auth_awscfg_rc rc = auth_awscfg_parse_time(cases[i].s, strlen(cases[i].s), &t);
    if (rc != cases[i].rc) {
      fail_msg("%s: rc %d, want %d", cases[i].s, rc, cases[i].rc);
    }
    assert_int_equal(t, rc == AUTH_AWSCFG_OK ? cases[i].want : 12345);
  }
}

/* ---- 4. secrets never in error messages --------------------------------------------------- */

#define SECRET "wJalrXUtnFEMI-SECRET-K7MDENG"

static void assert_no_secret(const char *msg) {
  assert_true(msg[0] != '\0'); /* an error was reported */
  if (strstr(msg, SECRET) != NULL || strstr(msg, "K7MDENG") != NULL) {
    fail_msg("secret leaked into error: %s", msg);
  }
}

static void test_errors_never_contain_secrets(void **state) {
  (void)state;
  static const char *bad_files[] = {
      "[default]\naws_secret_access_key " SECRET "\n",
      "[default]\n  " SECRET "\n",
      "aws_secret_access_key = " SECRET "\n",
      "[" SECRET "\n",
      "[default] " SECRET "\n",
      "[default]\ns3 =\n  " SECRET "\n",
  };
  for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
    auth_awscfg_file f;
    auth_awscfg_err err;
    assert_int_equal(parse_text(AUTH_AWSCFG_CREDENTIALS, bad_files[i], &f, &err),
                     AUTH_AWSCFG_ESYNTAX);
    assert_no_secret(err.msg);
  }

  static const char *bad_profiles[] = {
      "[default]\naws_secret_access_key = " SECRET "\n",
      "[default]\naws_access_key_id = " SECRET "\n",
      "[default]\naws_secret_access_key = " SECRET "\nrole_arn = r\n",
      "[default]\naws_secret_access_key = " SECRET "\nrole_arn = r\ncredential_source = " SECRET
      "\n",
      "[default]\nrole_arn = r\ncredential_source = Environment\nexternal_id = " SECRET
      "\nduration_seconds = " SECRET "\n",
      "[default]\nrole_arn = r\ncredential_source = Environment\nrole_session_name = " SECRET "!\n",
  };
  for (size_t i = 0; i < sizeof(bad_profiles) / sizeof(bad_profiles[0]); i++) {
    files fs;
    load(&fs, "", bad_profiles[i]);
    auth_awscfg_plan plan;
    auth_awscfg_err err;
    assert_int_not_equal(resolve(&fs, "default", false, &plan, &err), AUTH_AWSCFG_OK);
    assert_no_secret(err.msg);
    unload(&fs);
  }

  static const char *bad_json[] = {
      "{\"Version\":1,\"SecretAccessKey\":\"" SECRET "\"}",
      "{\"Version\":1,\"AccessKeyId\":\"" SECRET "\"}",
      "{\"Version\":\"" SECRET "\",\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"s\"}",
      "{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"" SECRET
      "\",\"Expiration\":\"" SECRET "\"}",
      "{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"" SECRET "\"",
      "{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":\"" SECRET "\"} " SECRET,
      "{\"Version\":1,\"AccessKeyId\":\"a\",\"SecretAccessKey\":[\"" SECRET "\"]}",
  };
  for (size_t i = 0; i < sizeof(bad_json) / sizeof(bad_json[0]); i++) {
    auth_awscfg_creds c;
    auth_awscfg_err err;
    assert_int_not_equal(parse_json(AUTH_AWSCFG_JSON_PROCESS, bad_json[i], &c, &err),
                         AUTH_AWSCFG_OK);
    assert_no_secret(err.msg);
  }
  auth_awscfg_creds c;
  auth_awscfg_err err;
  assert_int_equal(parse_json(AUTH_AWSCFG_JSON_IMDS,
                              "{\"Code\":\"" SECRET "\",\"AccessKeyId\":\"a\",\"SecretAccessKey\":"
                              "\"s\",\"Token\":\"t\",\"Expiration\":\"2000-01-01T00:00:00Z\"}",
                              &c, &err),
                   AUTH_AWSCFG_EINVAL);
  assert_no_secret(err.msg);
}

static void test_strerror(void **state) {
  (void)state;
  assert_string_equal(auth_awscfg_strerror(AUTH_AWSCFG_OK), "success");
  assert_string_equal(auth_awscfg_strerror(AUTH_AWSCFG_ENOTFOUND), "profile not found");
  assert_string_equal(auth_awscfg_strerror((auth_awscfg_rc)99), "unknown error");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_credentials_basic),
      cmocka_unit_test(test_credentials_section_is_literal),
      cmocka_unit_test(test_config_sections),
      cmocka_unit_test(test_config_profile_default_wins),
      cmocka_unit_test(test_comments),
      cmocka_unit_test(test_key_case),
      cmocka_unit_test(test_subproperties_and_continuation),
      cmocka_unit_test(test_duplicate_profiles_merge),
      cmocka_unit_test(test_line_endings_bom_and_eof),
      cmocka_unit_test(test_parse_errors),
      cmocka_unit_test(test_every_prefix),
      cmocka_unit_test(test_env_defaults),
      cmocka_unit_test(test_env_overrides),
      cmocka_unit_test(test_env_no_home_and_empty_values),
      cmocka_unit_test(test_resolve_static_precedence),
      cmocka_unit_test(test_resolve_missing_profile),
      cmocka_unit_test(test_resolve_partial_static),
      cmocka_unit_test(test_resolve_assume_role),
      cmocka_unit_test(test_resolve_chain_order),
      cmocka_unit_test(test_resolve_credential_sources),
      cmocka_unit_test(test_resolve_role_errors),
      cmocka_unit_test(test_resolve_duration_bounds),
      cmocka_unit_test(test_resolve_cycles),
      cmocka_unit_test(test_resolve_self_source),
      cmocka_unit_test(test_resolve_depth_limit),
      cmocka_unit_test(test_resolve_web_identity),
      cmocka_unit_test(test_resolve_process_and_precedence),
      cmocka_unit_test(test_json_process),
      cmocka_unit_test(test_json_process_errors),
      cmocka_unit_test(test_json_container),
      cmocka_unit_test(test_json_imds),
      cmocka_unit_test(test_parse_time),
      cmocka_unit_test(test_errors_never_contain_secrets),
      cmocka_unit_test(test_strerror),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
