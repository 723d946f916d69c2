/* test_emulator_sts.c — the emulator's STS without sockets: its answers are read back with
 * redwire's own STS parsers (auth/auth_sts), issued keys sign Data API requests until they
 * expire, and SigV4 failures come out in STS's codes and statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "auth_sts.h"
#include "emu_auth.h"
#include "emu_http.h"

typedef struct fixture {
  emu_config cfg;
  emu_server srv;
} fixture;

static emu_key keys[1] = {{"AKIDPERM", "permsecret", NULL}};

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->cfg.region = "us-east-1";
  f->cfg.keys = keys;
  f->cfg.n_keys = 1;
  f->srv.cfg = &f->cfg;
  f->srv.stats = emu_stats_new();
  f->srv.sts = emu_sts_new();
  *state = f;
  return f->srv.stats != NULL && f->srv.sts != NULL ? 0 : -1;
}

static int teardown(void **state) {
  fixture *f = *state;
  emu_stats_free(f->srv.stats);
  emu_sts_free(f->srv.sts);
  free(f);
  return 0;
}

/* One STS request: form body, optionally signed (akid NULL: unsigned). */
typedef struct sts_req {
  auth_sigv4_header h[6];
  char date[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  auth_sigv4_buf authz;
  emu_request req;
} sts_req;

static void build(sts_req *r, const char *body, const char *akid, const char *secret,
                  const char *token, const char *service) {
  memset(r, 0, sizeof *r);
  assert_true(auth_sigv4_format_amz_date((int64_t)time(NULL), r->date));
  size_t n = 0;
  r->h[n++] = (auth_sigv4_header){"Host", 4, "127.0.0.1:1", 11};
  r->h[n++] =
      (auth_sigv4_header){"Content-Type", 12, AUTH_STS_CONTENT_TYPE, strlen(AUTH_STS_CONTENT_TYPE)};
  r->h[n++] = (auth_sigv4_header){"X-Amz-Date", 10, r->date, AUTH_SIGV4_AMZ_DATE_LEN};
  if (token != NULL) {
    r->h[n++] = (auth_sigv4_header){"X-Amz-Security-Token", 20, token, strlen(token)};
  }
  r->req = (emu_request){.method = "POST",
                         .path = "/",
                         .path_len = 1,
                         .query = "",
                         .headers = r->h,
                         .n_headers = n,
                         .body = (const uint8_t *)body,
                         .body_len = strlen(body),
                         .request_id = "00000000-0000-4000-8000-000000000001"};
  if (akid != NULL) {
    auth_sigv4_request sr = {.method = "POST",
                             .path = "/",
                             .path_len = 1,
                             .headers = r->h,
                             .n_headers = n,
                             .payload = (const uint8_t *)body,
                             .payload_len = strlen(body)};
    auth_sigv4_params p = {.access_key_id = akid,
                           .secret_access_key = secret,
                           .session_token = token,
                           .region = "us-east-1",
                           .service = service,
                           .amz_date = r->date,
                           .normalize_path = true};
    assert_int_equal(auth_sigv4_authorization(&sr, &p, &r->authz), AUTH_SIGV4_OK);
    r->h[n++] = (auth_sigv4_header){"Authorization", 13, r->authz.data, r->authz.len};
    r->req.n_headers = n;
  }
}

static void handle(fixture *f, sts_req *r, emu_response *resp) {
  emu_response_init(resp, 1 << 20);
  emu_sts_handle(&f->srv, &r->req, resp);
  auth_sigv4_buf_free(&r->authz);
}

static const char webid_body[] =
    "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
    "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Funit&RoleSessionName=s1"
    "&WebIdentityToken=e30.e30.sig";

static void test_identity_of_a_configured_key(void **state) {
  fixture *f = *state;
  sts_req r;
  emu_response resp;
  build(&r, "Action=GetCallerIdentity&Version=2011-06-15", "AKIDPERM", "permsecret", NULL, "sts");
  handle(f, &r, &resp);
  assert_int_equal(resp.status, 200);
  assert_string_equal(resp.content_type, "text/xml");
  auth_sts_identity id;
  assert_int_equal(auth_sts_parse_identity(resp.body.data, resp.body.len, &id, NULL), AUTH_STS_OK);
  assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/AKIDPERM");
  assert_string_equal(id.account, "123456789012");
  auth_sts_identity_free(&id);
  emu_response_free(&resp);
}

static void expect_error(fixture *f, sts_req *r, int status, const char *code) {
  emu_response resp;
  handle(f, r, &resp);
  assert_int_equal(resp.status, status);
  auth_sts_error e;
  assert_int_equal(auth_sts_parse_error(resp.body.data, resp.body.len, &e, NULL), AUTH_STS_OK);
  assert_string_equal(e.code, code);
  assert_string_equal(e.type, status >= 500 ? "Receiver" : "Sender");
  assert_string_equal(e.request_id, "00000000-0000-4000-8000-000000000001");
  emu_response_free(&resp);
}

static void test_errors(void **state) {
  fixture *f = *state;
  sts_req r;
  const char *gci = "Action=GetCallerIdentity&Version=2011-06-15";
  build(&r, gci, "AKIDPERM", "wrong", NULL, "sts");
  expect_error(f, &r, 403, "SignatureDoesNotMatch");
  build(&r, gci, "AKIDNONE", "x", NULL, "sts");
  expect_error(f, &r, 403, "InvalidClientTokenId");
  build(&r, gci, "AKIDPERM", "permsecret", NULL, "redshift-data"); /* wrong scope */
  expect_error(f, &r, 403, "SignatureDoesNotMatch");
  build(&r, gci, NULL, NULL, NULL, NULL);
  expect_error(f, &r, 403, "MissingAuthenticationToken");
  build(&r, "Action=GetSessionToken&Version=2011-06-15", "AKIDPERM", "permsecret", NULL, "sts");
  expect_error(f, &r, 400, "InvalidAction");
  build(&r, "Version=2011-06-15", NULL, NULL, NULL, NULL);
  expect_error(f, &r, 400, "MissingAction");
  build(&r,
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
        "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Funit&RoleSessionName=s1"
        "&WebIdentityToken=not-a-jwt",
        NULL, NULL, NULL, NULL);
  expect_error(f, &r, 400, "InvalidIdentityToken");
}

/* A Data API request signed with k at when. */
static const emu_key *data_api(fixture *f, const auth_awscfg_creds *k, int64_t when, emu_err *err) {
  char date[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  assert_true(auth_sigv4_format_amz_date(when, date));
  const char *body = "{}";
  auth_sigv4_header h[5] = {
      {"Host", 4, "127.0.0.1:1", 11},
      {"Content-Type", 12, "application/x-amz-json-1.1", 26},
      {"X-Amz-Date", 10, date, AUTH_SIGV4_AMZ_DATE_LEN},
      {"X-Amz-Security-Token", 20, k->session_token, strlen(k->session_token)},
  };
  auth_sigv4_request sr = {.method = "POST",
                           .path = "/",
                           .path_len = 1,
                           .headers = h,
                           .n_headers = 4,
                           .payload = (const uint8_t *)body,
                           .payload_len = 2};
  auth_sigv4_params p = {.access_key_id = k->access_key_id,
                         .secret_access_key = k->secret_access_key,
                         .session_token = k->session_token,
                         .region = "us-east-1",
                         .service = "redshift-data",
                         .amz_date = date,
                         .normalize_path = true};
  auth_sigv4_buf authz = {0};
  assert_int_equal(auth_sigv4_authorization(&sr, &p, &authz), AUTH_SIGV4_OK);
  h[4] = (auth_sigv4_header){"Authorization", 13, authz.data, authz.len};
  sr.n_headers = 5;
  const emu_key *key =
      emu_auth_verify_service(f->srv.cfg, f->srv.sts, "redshift-data", &sr, when, err);
  auth_sigv4_buf_free(&authz);
  return key;
}

static void test_issued_keys_until_expiry(void **state) {
  fixture *f = *state;
  emu_sts_set_max_duration(f->srv.sts, 60);
  sts_req r;
  emu_response resp;
  build(&r, webid_body, NULL, NULL, NULL, NULL);
  handle(f, &r, &resp);
  assert_int_equal(resp.status, 200);
  auth_awscfg_creds c;
  char *arn = NULL;
  assert_int_equal(auth_sts_parse_credentials(AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY,
                                              resp.body.data, resp.body.len, &c, &arn, NULL),
                   AUTH_STS_OK);
  emu_response_free(&resp);
  assert_string_equal(arn, "arn:aws:sts::123456789012:assumed-role/unit/s1");
  int64_t now = (int64_t)time(NULL);
  assert_true(c.expiration >= now + 59 && c.expiration <= now + 61);
  emu_err err = {0};
  /* Accepted by the Data API while valid ... */
  const emu_key *k = data_api(f, &c, now, &err);
  assert_non_null(k);
  assert_string_equal(k->access_key_id, c.access_key_id);
  char who[320];
  emu_sts_identity_arn(f->srv.sts, k, who, sizeof who);
  assert_string_equal(who, arn);
  /* ... and refused once expired. */
  assert_null(data_api(f, &c, c.expiration, &err));
  assert_string_equal(err.type, "ExpiredTokenException");
  assert_int_equal(err.status, 400);
  emu_err_clear(&err);
  /* The issued key also signs STS calls: GetCallerIdentity names the assumed role. */
  build(&r, "Action=GetCallerIdentity&Version=2011-06-15", c.access_key_id, c.secret_access_key,
        c.session_token, "sts");
  handle(f, &r, &resp);
  assert_int_equal(resp.status, 200);
  auth_sts_identity id;
  assert_int_equal(auth_sts_parse_identity(resp.body.data, resp.body.len, &id, NULL), AUTH_STS_OK);
  assert_string_equal(id.arn, arn);
  auth_sts_identity_free(&id);
  emu_response_free(&resp);
  free(arn);
  auth_awscfg_creds_free(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_identity_of_a_configured_key, setup, teardown),
      cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_issued_keys_until_expiry, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
