/* conf_endpoint_resolve against AWS's own endpoint tests for redshift-data
 * (tests/data/redshift-data-endpoint-tests.json, from botocore): every case, URL or error. cJSON
 * is used here only, to read the file; conf/ itself does not depend on it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    fail_msg("cannot open %s (it must be in the repository)", path);
  static char buf[256 * 1024];
  *len = fread(buf, 1, sizeof(buf) - 1, f);
  assert_true(feof(f)); /* the whole file fit */
  fclose(f);
  buf[*len] = '\0';
  return buf;
}

static bool get_bool(const cJSON *params, const char *name) {
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(params, name);
  if (b == NULL)
    return false; /* the rule set's default for UseFIPS / UseDualStack */
  assert_true(cJSON_IsBool(b));
  return cJSON_IsTrue(b);
}

static const char *get_string(const cJSON *obj, const char *name) {
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(obj, name);
  if (s == NULL)
    return NULL;
  assert_true(cJSON_IsString(s));
  return s->valuestring;
}

static void test_aws_endpoint_cases(void **state) {
  (void)state;
  size_t len;
  const char *text = read_file(REDWIRE_TEST_DATA_DIR "/redshift-data-endpoint-tests.json", &len);
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
  assert_non_null(root);
  const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "testCases");
  assert_true(cJSON_IsArray(cases));
  int n = 0, n_errors = 0;
  const cJSON *c;
  cJSON_ArrayForEach(c, cases) {
    const char *doc = get_string(c, "documentation");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(c, "params");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(c, "expect");
    assert_non_null(expect);
    const char *region = get_string(params, "Region");
    const char *endpoint = get_string(params, "Endpoint");
    bool fips = get_bool(params, "UseFIPS"), dual = get_bool(params, "UseDualStack");

    char url[512];
    const char *err = NULL;
    conf_rc rc = conf_endpoint_resolve(region, fips, dual, endpoint, url, sizeof(url), &err);
    const char *want_err = get_string(expect, "error");
    if (want_err != NULL) {
      if (rc != CONF_EINVAL || err == NULL || strcmp(err, want_err) != 0)
        fail_msg("%s: expected error \"%s\", got rc %d \"%s\"", doc, want_err, (int)rc,
                 err ? err : url);
      n_errors++;
    } else {
      const cJSON *ep = cJSON_GetObjectItemCaseSensitive(expect, "endpoint");
      const char *want_url = get_string(ep, "url");
      assert_non_null(want_url);
      if (rc != CONF_OK || strcmp(url, want_url) != 0)
        fail_msg("%s: expected %s, got rc %d \"%s\"", doc, want_url, (int)rc,
                 rc == CONF_OK ? url : err);
    }
    n++;
  }
  cJSON_Delete(root);
  fprintf(stderr, "ran %d AWS endpoint cases (%d expecting an error)\n", n, n_errors);
  /* Guards against an empty or truncated copy of the file. */
  assert_true(n >= 21);
  assert_true(n_errors >= 3);
}

/* Partitions that AWS's test file does not cover, from the partition table. */
static void test_other_partitions(void **state) {
  (void)state;
  static const struct {
    const char *region;
    bool fips, dual;
    const char *url;
  } cases[] = {
      {"eu-isoe-west-1", false, false, "https://redshift-data.eu-isoe-west-1.cloud.adc-e.uk"},
      {"us-isof-south-1", true, false, "https://redshift-data-fips.us-isof-south-1.csp.hci.ic.gov"},
      {"eusc-de-east-1", false, false, "https://redshift-data.eusc-de-east-1.amazonaws.eu"},
      {"eusc-de-east-1", false, true,
       "https://redshift-data.eusc-de-east-1.api.amazonwebservices.eu"},
      {"cn-northwest-1", false, false, "https://redshift-data.cn-northwest-1.amazonaws.com.cn"},
      {"mx-central-1", false, true, "https://redshift-data.mx-central-1.api.aws"},
      /* Listed by name, not matched by the regular expressions. */
      {"aws-cn-global", false, false, "https://redshift-data.aws-cn-global.amazonaws.com.cn"},
      /* Unknown shapes fall back to the aws partition, as aws.partition() does. */
      {"local", false, false, "https://redshift-data.local.amazonaws.com"},
      {"xx-east-1", false, false, "https://redshift-data.xx-east-1.amazonaws.com"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char url[256];
    const char *err = NULL;
    assert_int_equal(conf_endpoint_resolve(cases[i].region, cases[i].fips, cases[i].dual, NULL, url,
                                           sizeof(url), &err),
                     CONF_OK);
    assert_string_equal(url, cases[i].url);
  }
  char url[64];
  const char *err = NULL;
  assert_int_equal(
      conf_endpoint_resolve("us-east-1.evil.com", false, false, "", url, sizeof(url), &err),
      CONF_EINVAL);
  assert_string_equal(err, "Invalid Configuration: Region is not a valid host label");
  assert_int_equal(conf_endpoint_resolve("", false, false, "", url, sizeof(url), &err),
                   CONF_EINVAL);
  assert_string_equal(err, "Invalid Configuration: Missing Region");
  /* Exactly fitting, and one byte short. */
  static const char want[] = "https://redshift-data.us-east-1.amazonaws.com";
  char exact[sizeof(want)];
  assert_int_equal(
      conf_endpoint_resolve("us-east-1", false, false, NULL, exact, sizeof(exact), &err), CONF_OK);
  assert_string_equal(exact, want);
  assert_int_equal(
      conf_endpoint_resolve("us-east-1", false, false, NULL, exact, sizeof(exact) - 1, &err),
      CONF_ETOOBIG);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_aws_endpoint_cases),
      cmocka_unit_test(test_other_partitions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
