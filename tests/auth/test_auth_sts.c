/*
 * test_auth_sts.c — STS request bodies, the signature of a call (vectors produced once with
 * AWS's @smithy/signature-v4, applyChecksum off, as the SDKs sign STS), and the XML reader on
 * AWS's documented answers and error documents, plus malformed and hostile ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_sts.h"

static void test_body_get_caller_identity(void **state) {
  (void)state;
  auth_sts_body b;
  assert_int_equal(auth_sts_body_build(AUTH_STS_GET_CALLER_IDENTITY, NULL, &b), AUTH_STS_OK);
  assert_string_equal(b.data, "Action=GetCallerIdentity&Version=2011-06-15");
  assert_int_equal(b.len, strlen(b.data));
  auth_sts_body_free(&b);
  assert_null(b.data);
}

static void test_body_assume_role(void **state) {
  (void)state;
  auth_sts_role_input r = {.role_arn = "arn:aws:iam::123456789012:role/demo",
                           .role_session_name = "redwire-1",
                           .external_id = "ext id+/",
                           .duration_seconds = 900};
  auth_sts_body b;
  assert_int_equal(auth_sts_body_build(AUTH_STS_ASSUME_ROLE, &r, &b), AUTH_STS_OK);
  assert_string_equal(b.data, "Action=AssumeRole&Version=2011-06-15"
                              "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
                              "&RoleSessionName=redwire-1&DurationSeconds=900"
                              "&ExternalId=ext%20id%2B%2F");
  auth_sts_body_free(&b);
  /* Required members. */
  r.role_session_name = "";
  assert_int_equal(auth_sts_body_build(AUTH_STS_ASSUME_ROLE, &r, &b), AUTH_STS_EINVAL);
  assert_null(b.data);
  assert_int_equal(auth_sts_body_build(AUTH_STS_ASSUME_ROLE, NULL, &b), AUTH_STS_EINVAL);
}

static void test_body_web_identity(void **state) {
  (void)state;
  auth_sts_role_input r = {.role_arn = "arn:aws:iam::123456789012:role/web",
                           .role_session_name = "s",
                           .external_id = "ignored",
                           .web_identity_token = "eyJ.a~b_c-d"};
  auth_sts_body b;
  assert_int_equal(auth_sts_body_build(AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY, &r, &b),
                   AUTH_STS_OK);
  assert_string_equal(b.data, "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
                              "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fweb"
                              "&RoleSessionName=s&WebIdentityToken=eyJ.a~b_c-d");
  auth_sts_body_free(&b);
  r.web_identity_token = NULL;
  assert_int_equal(auth_sts_body_build(AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY, &r, &b),
                   AUTH_STS_EINVAL);
}

static void test_sign_vectors(void **state) {
  (void)state;
  const char *body = "Action=GetCallerIdentity&Version=2011-06-15";
  auth_sts_sign_input in = {.host = "sts.us-east-1.amazonaws.com",
                            .region = "us-east-1",
                            .access_key_id = "AKIDEXAMPLE",
                            .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                            .amz_date = "20150830T123600Z",
                            .body = body,
                            .body_len = strlen(body)};
  auth_sigv4_buf out = {0};
  assert_int_equal(auth_sts_sign(&in, &out), AUTH_STS_OK);
  assert_string_equal(out.data,
                      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/"
                      "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
                      "Signature=52a8540fea00e731072179f763577cbe2a45eac2c5d32fb4d785f3eefac88165");
  in.session_token = "IQoJb3JpZ2luX2VjEXAMPLEtoken";
  assert_int_equal(auth_sts_sign(&in, &out), AUTH_STS_OK);
  assert_string_equal(out.data,
                      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/"
                      "aws4_request, SignedHeaders=content-type;host;x-amz-date;"
                      "x-amz-security-token, "
                      "Signature=b22936afa56ae9cb1aa3d8de2be9c5f977466b97d95266b7c670096685de3cdb");
  in.amz_date = "2015-08-30";
  assert_int_equal(auth_sts_sign(&in, &out), AUTH_STS_EINVAL);
  auth_sigv4_buf_free(&out);
}

/* AWS's documented example answer of GetCallerIdentity (called by an IAM user). */
static const char identity_xml[] =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <GetCallerIdentityResult>\n"
    "  <Arn>arn:aws:iam::123456789012:user/Alice</Arn>\n"
    "    <UserId>AKIAI44QH8DHBEXAMPLE</UserId>\n"
    "    <Account>123456789012</Account>\n"
    "  </GetCallerIdentityResult>\n"
    "  <ResponseMetadata>\n"
    "    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\n"
    "  </ResponseMetadata>\n"
    "</GetCallerIdentityResponse>\n";

static void test_parse_identity(void **state) {
  (void)state;
  auth_sts_identity id;
  auth_sts_why why;
  assert_int_equal(auth_sts_parse_identity(identity_xml, strlen(identity_xml), &id, &why),
                   AUTH_STS_OK);
  assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/Alice");
  assert_string_equal(id.user_id, "AKIAI44QH8DHBEXAMPLE");
  assert_string_equal(id.account, "123456789012");
  auth_sts_identity_free(&id);
  /* With a declaration, a comment and an entity in a value. */
  const char *x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->"
                  "<GetCallerIdentityResponse><GetCallerIdentityResult>"
                  "<Arn>arn:aws:sts::1:assumed-role/r&amp;d/s&#x41;&#66;</Arn>"
                  "<Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
  assert_int_equal(auth_sts_parse_identity(x, strlen(x), &id, &why), AUTH_STS_OK);
  assert_string_equal(id.arn, "arn:aws:sts::1:assumed-role/r&d/sAB");
  assert_null(id.user_id);
  auth_sts_identity_free(&id);
  /* The wrong document. */
  const char *e = "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>";
  assert_int_equal(auth_sts_parse_identity(e, strlen(e), &id, &why), AUTH_STS_EINVAL);
  assert_null(id.arn);
}

/* AWS's documented example answer of AssumeRole. */
static const char assume_xml[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "<AssumeRoleResult>\n"
    "<SourceIdentity>Alice</SourceIdentity>\n"
    "  <AssumedRoleUser>\n"
    "    <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>\n"
    "    <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>\n"
    "  </AssumedRoleUser>\n"
    "  <Credentials>\n"
    "    <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
    "    <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
    "    <SessionToken>\n"
    "     AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW\n"
    "    </SessionToken>\n"
    "    <Expiration>2019-11-09T13:34:41Z</Expiration>\n"
    "  </Credentials>\n"
    "  <PackedPolicySize>6</PackedPolicySize>\n"
    "</AssumeRoleResult>\n"
    "<ResponseMetadata>\n"
    "  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
    "</ResponseMetadata>\n"
    "</AssumeRoleResponse>\n";

static void test_parse_assume_role(void **state) {
  (void)state;
  auth_awscfg_creds c;
  char *arn = NULL;
  auth_sts_why why;
  assert_int_equal(auth_sts_parse_credentials(AUTH_STS_ASSUME_ROLE, assume_xml, strlen(assume_xml),
                                              &c, &arn, &why),
                   AUTH_STS_OK);
  assert_string_equal(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  assert_string_equal(c.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
  /* The documentation's sample wraps the token in whitespace; real answers do not. It is kept
   * as sent: STS compares the token byte for byte. */
  assert_non_null(strstr(c.session_token, "AQoDYXdzEPT//////////wEXAMPLE"));
  assert_true(c.has_expiration);
  assert_int_equal(c.expiration, 1573306481);
  assert_string_equal(arn, "arn:aws:sts::123456789012:assumed-role/demo/TestAR");
  auth_awscfg_creds_free(&c);
  free(arn);
  /* The same document is not an AssumeRoleWithWebIdentityResponse. */
  assert_int_equal(auth_sts_parse_credentials(AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY, assume_xml,
                                              strlen(assume_xml), &c, NULL, &why),
                   AUTH_STS_EINVAL);
  /* Missing Expiration. */
  const char *x = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>"
                  "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
                  "<SessionToken>T</SessionToken></Credentials>"
                  "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
  assert_int_equal(auth_sts_parse_credentials(AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY, x, strlen(x),
                                              &c, &arn, &why),
                   AUTH_STS_EINVAL);
  assert_null(arn);
  assert_null(strstr(why.msg, "S<"));
}

static void test_parse_error(void **state) {
  (void)state;
  const char *x = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
                  "  <Error>\n"
                  "    <Type>Sender</Type>\n"
                  "    <Code>InvalidClientTokenId</Code>\n"
                  "    <Message>The security token included in the request is invalid.</Message>\n"
                  "  </Error>\n"
                  "  <RequestId>4f0a8b0a-1234-4c3d-9b1e-0123456789ab</RequestId>\n"
                  "</ErrorResponse>\n";
  auth_sts_error e;
  auth_sts_why why;
  assert_int_equal(auth_sts_parse_error(x, strlen(x), &e, &why), AUTH_STS_OK);
  assert_string_equal(e.type, "Sender");
  assert_string_equal(e.code, "InvalidClientTokenId");
  assert_string_equal(e.message, "The security token included in the request is invalid.");
  assert_string_equal(e.request_id, "4f0a8b0a-1234-4c3d-9b1e-0123456789ab");
  assert_true(auth_sts_error_is_bad_credentials(e.code));
  assert_true(auth_sts_error_is_bad_credentials("SignatureDoesNotMatch"));
  assert_false(auth_sts_error_is_bad_credentials("Throttling"));
  /* A success document is not an error document. */
  assert_int_equal(auth_sts_parse_error(identity_xml, strlen(identity_xml), &e, &why),
                   AUTH_STS_EINVAL);
}

static void expect_bad(const char *x, auth_sts_rc want) {
  auth_sts_identity id;
  auth_sts_why why = {{0}};
  auth_sts_rc rc = auth_sts_parse_identity(x, strlen(x), &id, &why);
  if (rc != want) {
    fail_msg("'%s': got %d (%s), want %d", x, (int)rc, why.msg, (int)want);
  }
  assert_null(id.arn);
  assert_true(strlen(why.msg) > 0);
}

static void test_malformed(void **state) {
  (void)state;
  expect_bad("", AUTH_STS_ESYNTAX);
  expect_bad("<a>", AUTH_STS_ESYNTAX);
  expect_bad("<a></b>", AUTH_STS_ESYNTAX);
  expect_bad("<a><b></a></b>", AUTH_STS_ESYNTAX);
  expect_bad("<a></a><b></b>", AUTH_STS_ESYNTAX);
  expect_bad("<a>x<b/></a>", AUTH_STS_ESYNTAX);
  expect_bad("<a>&bogus;</a>", AUTH_STS_ESYNTAX);
  expect_bad("<a>&#0;</a>", AUTH_STS_ESYNTAX);
  expect_bad("<a>&#xD800;</a>", AUTH_STS_ESYNTAX);
  expect_bad("<a b=c></a>", AUTH_STS_ESYNTAX);
  expect_bad("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", AUTH_STS_ESYNTAX);
  expect_bad("<a><![CDATA[x]]></a>", AUTH_STS_ESYNTAX);
  expect_bad("<a><!-- never ends</a>", AUTH_STS_ESYNTAX);
  expect_bad("<a/>", AUTH_STS_EINVAL);
  /* Deep nesting and huge documents are refused, not recursed into. */
  char deep[400] = "";
  for (int i = 0; i < 20; i++) {
    strcat(deep, "<a>");
  }
  expect_bad(deep, AUTH_STS_ETOOBIG);
  size_t big = AUTH_STS_MAX_XML + 10;
  char *b = malloc(big + 1);
  assert_non_null(b);
  memset(b, ' ', big);
  memcpy(b, "<a>", 3);
  memcpy(b + big - 4, "</a>", 4);
  b[big] = '\0';
  expect_bad(b, AUTH_STS_ETOOBIG);
  free(b);
}

/* Every prefix of a valid document is rejected cleanly (no read past the end: ASan). */
static void test_every_prefix(void **state) {
  (void)state;
  size_t n = strlen(assume_xml);
  for (size_t i = 0; i < n; i++) {
    char *p = malloc(i > 0 ? i : 1);
    assert_non_null(p);
    memcpy(p, assume_xml, i);
    auth_awscfg_creds c;
    auth_sts_rc rc = auth_sts_parse_credentials(AUTH_STS_ASSUME_ROLE, p, i, &c, NULL, NULL);
    /* Only the prefix that lacks nothing but the trailing newline is complete. */
    if (i == n - 1) {
      assert_int_equal(rc, AUTH_STS_OK);
      auth_awscfg_creds_free(&c);
    } else {
      assert_int_not_equal(rc, AUTH_STS_OK);
    }
    free(p);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_body_get_caller_identity),
      cmocka_unit_test(test_body_assume_role),
      cmocka_unit_test(test_body_web_identity),
      cmocka_unit_test(test_sign_vectors),
      cmocka_unit_test(test_parse_identity),
      cmocka_unit_test(test_parse_assume_role),
      cmocka_unit_test(test_parse_error),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_every_prefix),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
