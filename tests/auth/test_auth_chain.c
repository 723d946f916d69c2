/* test_auth_chain.c — which credential sources the settings and environment enable, their
 * validation, and the refresh/retry timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "auth_chain.h"

static const auth_chain_settings none = {"", "", "", "", ""};

static void test_empty(void **state) {
  (void)state;
  const char *envp[] = {"HOME=/x", NULL};
  auth_chain_env e;
  assert_int_equal(auth_chain_env_read(&none, envp, &e, NULL), AUTH_AWSCFG_OK);
  assert_false(e.has_static || e.has_env || e.has_web_identity || e.has_container);
  assert_true(e.imds_enabled);
  assert_string_equal(e.imds_endpoint, "http://169.254.169.254");
  auth_chain_env_free(&e);
}

static void test_static_env_webid(void **state) {
  (void)state;
  auth_chain_settings s = {"AKIDS", "secretS", "", "", ""};
  const char *envp[] = {"AWS_ACCESS_KEY_ID=AKIDE",
                        "AWS_SECRET_ACCESS_KEY=secretE",
                        "AWS_SESSION_TOKEN=tokE",
                        "AWS_WEB_IDENTITY_TOKEN_FILE=/t",
                        "AWS_ROLE_ARN=arn:aws:iam::1:role/r",
                        "AWS_ROLE_SESSION_NAME=sess",
                        "AWS_EC2_METADATA_DISABLED=TRUE",
                        NULL};
  auth_chain_env e;
  assert_int_equal(auth_chain_env_read(&s, envp, &e, NULL), AUTH_AWSCFG_OK);
  assert_true(e.has_static);
  assert_string_equal(e.static_creds.access_key_id, "AKIDS");
  assert_null(e.static_creds.session_token);
  assert_true(e.has_env);
  assert_string_equal(e.env_creds.session_token, "tokE");
  assert_true(e.has_web_identity);
  assert_string_equal(e.web_identity_token_file, "/t");
  assert_string_equal(e.role_session_name, "sess");
  assert_false(e.imds_enabled);
  auth_chain_env_free(&e);
  /* Settings' web identity wins as a pair. */
  auth_chain_settings w = {"", "", "", "arn:aws:iam::2:role/s", "/s"};
  assert_int_equal(auth_chain_env_read(&w, envp, &e, NULL), AUTH_AWSCFG_OK);
  assert_string_equal(e.role_arn, "arn:aws:iam::2:role/s");
  assert_null(e.role_session_name);
  assert_null(e.assume_role_arn); /* consumed by the web identity */
  auth_chain_env_free(&e);
  /* role_arn alone: assumed on top of the source (here the environment's keys). */
  auth_chain_settings r = {"", "", "", "arn:aws:iam::3:role/top", ""};
  assert_int_equal(auth_chain_env_read(&r, envp, &e, NULL), AUTH_AWSCFG_OK);
  assert_string_equal(e.assume_role_arn, "arn:aws:iam::3:role/top");
  assert_string_equal(e.role_arn, "arn:aws:iam::1:role/r"); /* the environment's web identity */
  auth_chain_env_free(&e);
}

static void test_half_set(void **state) {
  (void)state;
  auth_chain_env e;
  auth_awscfg_err err;
  auth_chain_settings s = {"AKIDS", "", "", "", ""};
  assert_int_equal(auth_chain_env_read(&s, NULL, &e, &err), AUTH_AWSCFG_EINVAL);
  assert_non_null(strstr(err.msg, "secret_access_key"));
  const char *envp[] = {"AWS_WEB_IDENTITY_TOKEN_FILE=/t", NULL};
  assert_int_equal(auth_chain_env_read(&none, envp, &e, &err), AUTH_AWSCFG_EINVAL);
  assert_non_null(strstr(err.msg, "AWS_ROLE_ARN"));
  auth_chain_settings w = {"", "", "", "", "/s"};
  assert_int_equal(auth_chain_env_read(&w, NULL, &e, &err), AUTH_AWSCFG_EINVAL);
}

static void test_container(void **state) {
  (void)state;
  auth_chain_env e;
  auth_awscfg_err err;
  const char *rel[] = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/creds",
                       "AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9/x",
                       "AWS_CONTAINER_AUTHORIZATION_TOKEN=abc", NULL};
  assert_int_equal(auth_chain_env_read(&none, rel, &e, &err), AUTH_AWSCFG_OK);
  assert_string_equal(e.container_url, "http://169.254.170.2/v2/creds");
  assert_string_equal(e.container_token, "abc");
  assert_null(e.container_token_file);
  auth_chain_env_free(&e);
  const char *host[] = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/creds",
                        "REDWIRE_CONTAINER_CREDENTIALS_HOST=127.0.0.1:8080", NULL};
  assert_int_equal(auth_chain_env_read(&none, host, &e, &err), AUTH_AWSCFG_OK);
  assert_string_equal(e.container_url, "http://127.0.0.1:8080/v2/creds");
  auth_chain_env_free(&e);
  const char *ok[] = {"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://169.254.170.23/v1/credentials",
                      "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/token", NULL};
  assert_int_equal(auth_chain_env_read(&none, ok, &e, &err), AUTH_AWSCFG_OK);
  assert_string_equal(e.container_token_file, "/var/run/token");
  auth_chain_env_free(&e);
  const char *bad[] = {"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://example.com/creds", NULL};
  assert_int_equal(auth_chain_env_read(&none, bad, &e, &err), AUTH_AWSCFG_EINVAL);
  const char *https[] = {"AWS_CONTAINER_CREDENTIALS_FULL_URI=https://example.com/creds", NULL};
  assert_int_equal(auth_chain_env_read(&none, https, &e, &err), AUTH_AWSCFG_OK);
  auth_chain_env_free(&e);
}

static void test_imds_endpoint(void **state) {
  (void)state;
  auth_chain_env e;
  const char *envp[] = {"AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:1234/", NULL};
  assert_int_equal(auth_chain_env_read(&none, envp, &e, NULL), AUTH_AWSCFG_OK);
  assert_string_equal(e.imds_endpoint, "http://127.0.0.1:1234");
  assert_true(e.imds_enabled);
  auth_chain_env_free(&e);
}

static void test_timing(void **state) {
  (void)state;
  assert_int_equal(auth_chain_refresh_delay(3600), 3300); /* 5 minutes before */
  assert_int_equal(auth_chain_refresh_delay(900), 720);   /* 80% */
  assert_int_equal(auth_chain_refresh_delay(10), 8);
  assert_int_equal(auth_chain_refresh_delay(0), 1);
  assert_int_equal(auth_chain_retry_delay(1, 0), 1);
  assert_int_equal(auth_chain_retry_delay(3, 0), 4);
  assert_int_equal(auth_chain_retry_delay(10, 0), 60);
  assert_int_equal(auth_chain_retry_delay(10, 5), 5); /* never past the expiry */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_empty),         cmocka_unit_test(test_static_env_webid),
      cmocka_unit_test(test_half_set),      cmocka_unit_test(test_container),
      cmocka_unit_test(test_imds_endpoint), cmocka_unit_test(test_timing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
