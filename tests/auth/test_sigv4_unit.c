/*
 * test_sigv4_unit.c — focused tests of the SigV4 signer beyond AWS's suite: X-Amz-Date formatting
 * and parsing, Authorization header parsing, constant-time comparison, the canonical request's
 * corner cases (paths, queries, headers, signed-header lists), the output cap, and argument
 * validation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth_sigv4.h"

#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

#define H(n, v)                                                                                    \
  { (n), sizeof(n) - 1, (v), sizeof(v) - 1 }

static const auth_sigv4_header BASIC_HEADERS[] = {
    H("Host", "example.amazonaws.com"),
    H("X-Amz-Date", "20150830T123600Z"),
};

static auth_sigv4_params suite_params(void) {
  auth_sigv4_params p = {
      .access_key_id = "AKIDEXAMPLE",
      .secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
      .region = "us-east-1",
      .service = "service",
      .amz_date = "20150830T123600Z",
      .normalize_path = true,
  };
  return p;
}

static auth_sigv4_request make_request(const char *path, const char *query,
                                       const auth_sigv4_header *headers, size_t n_headers) {
  auth_sigv4_request r = {
      .method = "GET",
      .path = path,
      .path_len = path != NULL ? strlen(path) : 0,
      .query = query,
      .query_len = query != NULL ? strlen(query) : 0,
      .headers = headers,
      .n_headers = n_headers,
  };
  return r;
}

/* Copies line k (0-based) of a canonical request into out. */
static void nth_line(const auth_sigv4_buf *b, int k, char *out, size_t out_size) {
  const char *s = b->data;
  for (int i = 0; i < k; i++) {
    s = strchr(s, '\n');
    assert_non_null(s);
    s++;
  }
  const char *e = strchr(s, '\n');
  size_t n = e != NULL ? (size_t)(e - s) : strlen(s);
  assert_true(n < out_size);
  memcpy(out, s, n);
  out[n] = '\0';
}

/* ---------------------------------------------------------------------------------------------
 * X-Amz-Date.
 */

static void test_format_amz_date_known(void **state) {
  (void)state;
  static const struct {
    int64_t t;
    const char *s;
  } cases[] = {
      {0, "19700101T000000Z"},
      {1440938160, "20150830T123600Z"}, /* the suite's date */
      {-1, "19691231T235959Z"},
      {951782400, "20000229T000000Z"},    /* leap day of a year divisible by 400 */
      {4107542399, "21000228T235959Z"},   /* 2100 is not a leap year: */
      {4107542400, "21000301T000000Z"},   /* the next second is March 1st */
      {253402300799, "99991231T235959Z"}, /* last second that fits */
      {-62167219200, "00000101T000000Z"}, /* first second that fits */
  };
  char out[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_true(auth_sigv4_format_amz_date(cases[i].t, out));
    assert_string_equal(out, cases[i].s);
  }
}

static void test_format_amz_date_out_of_range(void **state) {
  (void)state;
  char out[AUTH_SIGV4_AMZ_DATE_LEN + 1] = "garbage";
  static const int64_t bad[] = {253402300800, -62167219201, INT64_MAX, INT64_MIN};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    memcpy(out, "garbage", 8);
    assert_false(auth_sigv4_format_amz_date(bad[i], out));
    assert_string_equal(out, "");
  }
  assert_false(auth_sigv4_format_amz_date(0, NULL));
}

/* Compares with libc's gmtime_r, an independent implementation, over years 1000-9999 (below,
 * strftime's %Y stops padding to four digits), and checks that parsing inverts formatting. */
static void test_amz_date_against_gmtime(void **state) {
  (void)state;
  const int64_t lo = -30610224000; /* 1000-01-01 */
  const int64_t hi = 253402300799;
  char out[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  char ref[32];
  size_t checked = 0;
  /* A step that is not a multiple of a day, a minute or an hour, so every field varies. */
  for (int64_t t = lo; t <= hi; t += 7919LL * 3607) {
    time_t tt = (time_t)t;
    struct tm tm;
    assert_non_null(gmtime_r(&tt, &tm));
    assert_true(strftime(ref, sizeof ref, "%Y%m%dT%H%M%SZ", &tm) == AUTH_SIGV4_AMZ_DATE_LEN);
    assert_true(auth_sigv4_format_amz_date(t, out));
    assert_string_equal(out, ref);
    int64_t back = 0;
    assert_true(auth_sigv4_parse_amz_date(out, AUTH_SIGV4_AMZ_DATE_LEN, &back));
    assert_int_equal(back, t);
    checked++;
  }
  assert_true(checked > 9000);
}

static void test_parse_amz_date_valid(void **state) {
  (void)state;
  int64_t t = 0;
  assert_true(auth_sigv4_parse_amz_date("20150830T123600Z", 16, &t));
  assert_int_equal(t, 1440938160);
  assert_true(auth_sigv4_parse_amz_date("20240229T000000Z", 16, &t));
  assert_int_equal(t, 1709164800);
  assert_true(auth_sigv4_parse_amz_date("20000229T235959Z", 16, &t));
  assert_true(auth_sigv4_parse_amz_date("19691231T235959Z", 16, &t));
  assert_int_equal(t, -1);
  assert_true(auth_sigv4_parse_amz_date("00000101T000000Z", 16, &t));
  assert_int_equal(t, -62167219200);
  /* Only len bytes are read: trailing bytes beyond it do not matter. */
  assert_true(auth_sigv4_parse_amz_date("20150830T123600Zjunk", 16, &t));
  assert_int_equal(t, 1440938160);
}

static void test_parse_amz_date_invalid(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "20150830T123600",   /* too short */
      "20150830T123600ZZ", /* too long */
      "20150830t123600Z",  /* lower-case separator */
      "20150830T123600z",
      "20150830 123600Z",
      "2015-08-30T12:36Z",
      "20150830T1236:0Z",
      "2015083OT123600Z", /* letter O */
      "+0150830T123600Z",
      " 2015083T123600Z",
      "20150030T123600Z", /* month 00 */
      "20151330T123600Z", /* month 13 */
      "20150800T123600Z", /* day 00 */
      "20150832T123600Z", /* day 32 */
      "20150431T123600Z", /* April 31st */
      "20150229T123600Z", /* not a leap year */
      "21000229T123600Z", /* divisible by 100, not by 400 */
      "20150830T243600Z", /* hour 24 */
      "20150830T126000Z", /* minute 60 */
      "20150830T123660Z", /* second 60: Unix time has no leap seconds */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t t = 42;
    if (auth_sigv4_parse_amz_date(bad[i], strlen(bad[i]), &t)) {
      fail_msg("accepted \"%s\"", bad[i]);
    }
    assert_int_equal(t, 42);
  }
  int64_t t;
  assert_false(auth_sigv4_parse_amz_date(NULL, 16, &t));
  assert_false(auth_sigv4_parse_amz_date("20150830T123600Z", 16, NULL));
  /* A NUL inside the 16 bytes is not a digit. */
  assert_false(auth_sigv4_parse_amz_date("2015083\0T123600Z", 16, &t));
}

/* ---------------------------------------------------------------------------------------------
 * Authorization header parsing.
 */

static auth_sigv4_rc parse_authz(const char *v, auth_sigv4_authz *a, const char **why) {
  return auth_sigv4_parse_authorization(v, strlen(v), a, why);
}

static void assert_span(const char *p, size_t n, const char *expected) {
  assert_non_null(p);
  assert_int_equal(n, strlen(expected));
  assert_memory_equal(p, expected, n);
}

static void test_parse_authorization_good(void **state) {
  (void)state;
  static const char *const good[] = {
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=host;x-amz-date, Signature=abc123",
      /* no spaces after commas, as some signers send it */
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,"
      "SignedHeaders=host;x-amz-date,Signature=abc123",
      /* spaces only, tabs, runs of separators, leading blanks, another order, a trailing comma */
      "  AWS4-HMAC-SHA256\tSignature=abc123   SignedHeaders=host;x-amz-date ,\t, "
      "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request,",
      /* unknown parameters are ignored */
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "Extra=1, SignedHeaders=host;x-amz-date, Signature=abc123",
  };
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    auth_sigv4_authz a;
    const char *why = "unset";
    assert_int_equal(parse_authz(good[i], &a, &why), AUTH_SIGV4_OK);
    assert_null(why);
    assert_span(a.access_key_id, a.access_key_id_len, "AKIDEXAMPLE");
    assert_span(a.date, a.date_len, "20150830");
    assert_span(a.region, a.region_len, "us-east-1");
    assert_span(a.service, a.service_len, "service");
    assert_span(a.signed_headers, a.signed_headers_len, "host;x-amz-date");
    assert_span(a.signature, a.signature_len, "abc123");
    assert_null(a.detail);
  }
  /* why may be NULL when the caller does not want the sentence. */
  auth_sigv4_authz a;
  assert_int_equal(parse_authz(good[0], &a, NULL), AUTH_SIGV4_OK);
  assert_int_equal(parse_authz("AWS", &a, NULL), AUTH_SIGV4_EINVAL);
}

#define MSG_C  "Authorization header requires 'Credential' parameter."
#define MSG_S  "Authorization header requires 'Signature' parameter."
#define MSG_SH "Authorization header requires 'SignedHeaders' parameter."
#define CRED   "Credential=AKID/20150830/us-east-1/service/aws4_request"

static void test_parse_authorization_missing(void **state) {
  (void)state;
  static const struct {
    const char *value;
    const char *why;
  } cases[] = {
      {"", MSG_C " " MSG_S " " MSG_SH},
      {"AWS4-HMAC-SHA256", MSG_C " " MSG_S " " MSG_SH},
      {"AWS4-HMAC-SHA256 ", MSG_C " " MSG_S " " MSG_SH},
      /* another scheme: AWS answers as if nothing were there (aws/aws-sdk-js#4285) */
      {"AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=", MSG_C " " MSG_S " " MSG_SH},
      {"Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.e30.x", MSG_C " " MSG_S " " MSG_SH},
      {"AWS4-HMAC-SHA256Credential=a/b/c/d/aws4_request", MSG_C " " MSG_S " " MSG_SH},
      /* brendanhay/amazonka#316 shows exactly this pair for a header with only a Credential */
      {"AWS4-HMAC-SHA256 Credential=ABCDEF", MSG_S " " MSG_SH},
      {"AWS4-HMAC-SHA256 " CRED ", SignedHeaders=host", MSG_S},
      {"AWS4-HMAC-SHA256 " CRED ", Signature=ab", MSG_SH},
      {"AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab", MSG_C},
      {"AWS4-HMAC-SHA256 SignedHeaders=host", MSG_C " " MSG_S},
      {"AWS4-HMAC-SHA256 Signature=ab", MSG_C " " MSG_SH},
      /* an empty value counts as missing */
      {"AWS4-HMAC-SHA256 Credential=, SignedHeaders=host, Signature=ab", MSG_C},
      {"AWS4-HMAC-SHA256 " CRED ", SignedHeaders=host, Signature=", MSG_S},
      {"AWS4-HMAC-SHA256 " CRED ", SignedHeaders=, Signature=ab", MSG_SH},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    auth_sigv4_authz a;
    const char *why = NULL;
    assert_int_equal(parse_authz(cases[i].value, &a, &why), AUTH_SIGV4_EINVAL);
    assert_non_null(why);
    assert_string_equal(why, cases[i].why);
  }
  auth_sigv4_authz a;
  const char *why = NULL;
  assert_int_equal(auth_sigv4_parse_authorization(NULL, 0, &a, &why), AUTH_SIGV4_EINVAL);
  assert_string_equal(why, MSG_C " " MSG_S " " MSG_SH);
  why = NULL;
  assert_int_equal(auth_sigv4_parse_authorization(NULL, 5, &a, &why), AUTH_SIGV4_EINVAL);
  assert_non_null(why);
  assert_int_equal(auth_sigv4_parse_authorization("x", 1, NULL, &why), AUTH_SIGV4_EINVAL);
}

static void test_parse_authorization_malformed(void **state) {
  (void)state;
  auth_sigv4_authz a;
  const char *why = NULL;

  /* The space after "Credential=" splits the value off (iann0036/cloud9-sync#10). */
  const char *v = "AWS4-HMAC-SHA256 Credential= myaccesskey/20181128/eu-central-1/cloud9/"
                  "aws4_request, SignedHeaders=host, Signature=ab";
  assert_int_equal(parse_authz(v, &a, &why), AUTH_SIGV4_EINVAL);
  assert_string_equal(why,
                      "not a valid key=value pair (missing equal-sign) in Authorization header");
  assert_span(a.detail, a.detail_len, "myaccesskey/20181128/eu-central-1/cloud9/aws4_request");

  static const char *const wrong_count[] = {"AKID/20150830/us-east-1/aws4_request",
                                            "AKID/20150830/us-east-1/service/x/aws4_request",
                                            "AKID"};
  for (size_t i = 0; i < sizeof wrong_count / sizeof wrong_count[0]; i++) {
    char buf[256];
    snprintf(buf, sizeof buf, "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=host, Signature=ab",
             wrong_count[i]);
    why = NULL;
    assert_int_equal(parse_authz(buf, &a, &why), AUTH_SIGV4_EINVAL);
    assert_string_equal(why, "Credential must have exactly 5 slash-delimited elements, e.g. "
                             "keyid/date/region/service/term,");
    assert_span(a.detail, a.detail_len, wrong_count[i]);
  }

  why = NULL;
  assert_int_equal(parse_authz("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/"
                               "aws4_requestX, SignedHeaders=host, Signature=ab",
                               &a, &why),
                   AUTH_SIGV4_EINVAL);
  assert_string_equal(why, "Credential should be scoped with a valid terminator: 'aws4_request', "
                           "not");
  assert_span(a.detail, a.detail_len, "aws4_requestX");

  why = NULL;
  assert_int_equal(parse_authz("AWS4-HMAC-SHA256 " CRED ", SignedHeaders=host, Signature=ab, "
                               "Signature=cd",
                               &a, &why),
                   AUTH_SIGV4_EINVAL);
  assert_string_equal(why, "Authorization header has a repeated parameter.");
  assert_span(a.detail, a.detail_len, "Signature");
}

/* ---------------------------------------------------------------------------------------------
 * Constant-time comparison, digests, status strings.
 */

static void test_signature_equal(void **state) {
  (void)state;
  const char *a = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
  char b[AUTH_SIGV4_HEX_LEN + 1];
  memcpy(b, a, sizeof b);
  assert_true(auth_sigv4_signature_equal(a, b, AUTH_SIGV4_HEX_LEN));
  b[0] = '6';
  assert_false(auth_sigv4_signature_equal(a, b, AUTH_SIGV4_HEX_LEN));
  b[0] = a[0];
  b[AUTH_SIGV4_HEX_LEN - 1] = '0';
  assert_false(auth_sigv4_signature_equal(a, b, AUTH_SIGV4_HEX_LEN));
  /* Only len bytes count: a difference past them is not one. */
  assert_true(auth_sigv4_signature_equal(a, b, AUTH_SIGV4_HEX_LEN - 1));
  assert_false(auth_sigv4_signature_equal(NULL, b, AUTH_SIGV4_HEX_LEN));
  assert_false(auth_sigv4_signature_equal(a, NULL, AUTH_SIGV4_HEX_LEN));
  assert_true(auth_sigv4_signature_equal(a, b, 0));
}

static void test_sha256_hex(void **state) {
  (void)state;
  char hex[AUTH_SIGV4_HEX_LEN + 1];
  assert_int_equal(auth_sigv4_sha256_hex(NULL, 0, hex), AUTH_SIGV4_OK);
  assert_string_equal(hex, EMPTY_SHA256);
  assert_int_equal(auth_sigv4_sha256_hex("abc", 3, hex), AUTH_SIGV4_OK);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert_int_equal(auth_sigv4_sha256_hex(NULL, 1, hex), AUTH_SIGV4_EINVAL);
  assert_int_equal(auth_sigv4_sha256_hex("abc", 3, NULL), AUTH_SIGV4_EINVAL);
}

static void test_strerror(void **state) {
  (void)state;
  const auth_sigv4_rc all[] = {AUTH_SIGV4_OK, AUTH_SIGV4_ENOMEM, AUTH_SIGV4_ETOOBIG,
                               AUTH_SIGV4_EINVAL, AUTH_SIGV4_ECRYPTO};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    for (size_t j = 0; j < i; j++) {
      assert_string_not_equal(auth_sigv4_strerror(all[i]), auth_sigv4_strerror(all[j]));
    }
  }
  assert_string_equal(auth_sigv4_strerror((auth_sigv4_rc)99), "unknown SigV4 status");
}

/* ---------------------------------------------------------------------------------------------
 * Canonical request.
 */

static void test_canonical_uri(void **state) {
  (void)state;
  static const struct {
    const char *path;
    bool normalize;
    const char *expected;
  } cases[] = {
      {"", true, "/"},
      {"/", true, "/"},
      {"/a/b/..", true, "/a"}, /* the SDKs' answer (RFC 3986 would keep "/a/") */
      {"/a/b/../", true, "/a/"},
      {"/a/./b", true, "/a/b"},
      {"/a/.", true, "/a"},
      {"/../../a", true, "/a"}, /* never above the root */
      {"/a//b///c/", true, "/a/b/c/"},
      {"/.../a", true, "/.../a"}, /* "..." is a name, not a dot segment */
      {"/%7e%41", true, "/~A"},   /* escapes of unreserved bytes are decoded */
      {"/%e1%88%b4", true, "/%E1%88%B4"},
      {"/a%2Fb", true, "/a%2Fb"}, /* an encoded '/' stays inside its segment */
      {"/100%", true, "/100%25"}, /* a '%' that starts no escape is data */
      {"/%zz%4", true, "/%25zz%254"},
      {"/a b+c$&=:@", true, "/a%20b%2Bc%24%26%3D%3A%40"},
      {"/\xc3\xbc", true, "/%C3%BC"},
      {"//a/./b/../", false, "//a/./b/../"}, /* S3: no normalisation */
      {"/a b/%41", false, "/a%20b/A"},
      {"", false, "/"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    auth_sigv4_request r = make_request(cases[i].path, NULL, BASIC_HEADERS, 2);
    auth_sigv4_buf out = {0};
    char line[256];
    assert_int_equal(auth_sigv4_canonical_request(&r, NULL, cases[i].normalize, &out),
                     AUTH_SIGV4_OK);
    nth_line(&out, 1, line, sizeof line);
    if (strcmp(line, cases[i].expected) != 0) {
      fail_msg("path \"%s\" (normalize %d): got \"%s\", expected \"%s\"", cases[i].path,
               cases[i].normalize, line, cases[i].expected);
    }
    auth_sigv4_buf_free(&out);
  }
}

static void test_canonical_query(void **state) {
  (void)state;
  static const struct {
    const char *query;
    const char *expected;
  } cases[] = {
      {"", ""},
      {"b=2&a=1", "a=1&b=2"},
      {"a=2&a=1&a=10", "a=1&a=10&a=2"}, /* repeated names: by value, byte order */
      {"a", "a="},
      {"a=", "a="},
      {"a=b=c", "a=b%3Dc"},
      {"&&a=1&", "a=1"},
      {"x=a+b", "x=a%2Bb"}, /* '+' is data, not a space */
      {"x=%41%2b", "x=A%2B"},
      {"B=1&a=1&_=1&~=1", "B=1&_=1&a=1&~=1"}, /* byte order, not case-folded */
      {"a=%zz", "a=%25zz"},
      {"\xc3\xa9=1", "%C3%A9=1"},
      {"%E1%88%B4=1&Z=2", "%E1%88%B4=1&Z=2"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    auth_sigv4_request r = make_request("/", cases[i].query, BASIC_HEADERS, 2);
    auth_sigv4_buf out = {0};
    char line[256];
    assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_OK);
    nth_line(&out, 2, line, sizeof line);
    if (strcmp(line, cases[i].expected) != 0) {
      fail_msg("query \"%s\": got \"%s\", expected \"%s\"", cases[i].query, line,
               cases[i].expected);
    }
    auth_sigv4_buf_free(&out);
  }
  /* NULL query with length 0 is no query. */
  auth_sigv4_request r = make_request("/", NULL, BASIC_HEADERS, 2);
  auth_sigv4_buf out = {0};
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_OK);
  assert_string_equal(out.data, "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z"
                                "\n\nhost;x-amz-date\n" EMPTY_SHA256);
  auth_sigv4_buf_free(&out);
}

static void test_canonical_headers(void **state) {
  (void)state;
  const auth_sigv4_header headers[] = {
      H("X-B", "  a \t b\r\n  c  "),
      H("x-a", "1"),
      H("Host", "h"),
      H("X-A", " 2 "),
      H("X-Empty", ""),
      H("X-Blank", " \t "),
      H("X-Vt", "a\vb"), /* VT is not folding whitespace */
      H("X-a", "3"),
  };
  auth_sigv4_request r = make_request("/", NULL, headers, sizeof headers / sizeof headers[0]);
  auth_sigv4_buf out = {0};
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_OK);
  assert_string_equal(out.data, "GET\n/\n\n"
                                "host:h\n"
                                "x-a:1,2,3\n"
                                "x-b:a b c\n"
                                "x-blank:\n"
                                "x-empty:\n"
                                "x-vt:a\vb\n"
                                "\n"
                                "host;x-a;x-b;x-blank;x-empty;x-vt\n" EMPTY_SHA256);

  assert_int_equal(auth_sigv4_signed_header_list(&r, &out), AUTH_SIGV4_OK);
  assert_string_equal(out.data, "host;x-a;x-b;x-blank;x-empty;x-vt");

  /* A subset: only the listed headers are canonicalised. */
  assert_int_equal(auth_sigv4_canonical_request(&r, "host;x-b", true, &out), AUTH_SIGV4_OK);
  assert_string_equal(out.data, "GET\n/\n\nhost:h\nx-b:a b c\n\nhost;x-b\n" EMPTY_SHA256);

  /* No headers at all: an empty block and an empty list. */
  auth_sigv4_request none = make_request("/", NULL, NULL, 0);
  assert_int_equal(auth_sigv4_canonical_request(&none, NULL, true, &out), AUTH_SIGV4_OK);
  assert_string_equal(out.data, "GET\n/\n\n\n\n" EMPTY_SHA256);
  assert_int_equal(auth_sigv4_signed_header_list(&none, &out), AUTH_SIGV4_OK);
  assert_string_equal(out.data, "");
  assert_int_equal(out.len, 0);
  auth_sigv4_buf_free(&out);
}

static void test_signed_header_list_errors(void **state) {
  (void)state;
  const auth_sigv4_header headers[] = {
      H("Host", "h"),
      H("X-Amz-Date", "20150830T123600Z"),
      H("X-Other", "o"),
  };
  auth_sigv4_request r = make_request("/", NULL, headers, 3);
  static const char *const bad[] = {
      "host;missing", /* a listed header the request lacks */
      "host;x-amz-date;z" /* likewise, at the end */,
      "a;host",
      "x-amz-date;host", /* not sorted */
      "Host;x-amz-date", /* not lower case */
      "host;host",       /* repeated */
      "host;;x-amz-date",
      ";host",
      "host;",
      "",
      "host x",
  };
  auth_sigv4_buf out = {0};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    auth_sigv4_rc rc = auth_sigv4_canonical_request(&r, bad[i], true, &out);
    if (rc != AUTH_SIGV4_EINVAL) {
      fail_msg("signed headers \"%s\": rc %d, expected EINVAL", bad[i], rc);
    }
    assert_int_equal(out.len, 0);
    char sig[AUTH_SIGV4_HEX_LEN + 1];
    auth_sigv4_params p = suite_params();
    assert_int_equal(auth_sigv4_signature(&r, bad[i], &p, sig, NULL, NULL), AUTH_SIGV4_EINVAL);
    assert_string_equal(sig, "");
  }
  assert_int_equal(auth_sigv4_canonical_request(&r, "host;x-amz-date;x-other", true, &out),
                   AUTH_SIGV4_OK);
  auth_sigv4_buf_free(&out);
}

static void test_invalid_requests(void **state) {
  (void)state;
  auth_sigv4_buf out = {0};
  const auth_sigv4_header bad_names[][1] = {
      {H("Bad Name", "v")}, {H("", "v")}, {H("a:b", "v")}, {H("a\x80", "v")}};
  for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
    auth_sigv4_request r = make_request("/", NULL, bad_names[i], 1);
    assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
    assert_int_equal(auth_sigv4_signed_header_list(&r, &out), AUTH_SIGV4_EINVAL);
  }
  auth_sigv4_request r = make_request("/", NULL, BASIC_HEADERS, 2);
  r.method = "";
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
  r.method = "G ET";
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
  r.method = NULL;
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
  r = make_request("a/b", NULL, BASIC_HEADERS, 2); /* not an origin-form path */
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
  r = make_request("/", NULL, BASIC_HEADERS, 2);
  r.path = NULL;
  r.path_len = 1;
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
  r = make_request("/", NULL, BASIC_HEADERS, 2);
  r.query_len = 3;
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
  r = make_request("/", NULL, BASIC_HEADERS, 2);
  r.payload_len = 3;
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
  r = make_request("/", NULL, NULL, 2);
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
  const auth_sigv4_header null_value[] = {{"X", 1, NULL, 4}};
  r = make_request("/", NULL, null_value, 1);
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_EINVAL);
  assert_int_equal(auth_sigv4_canonical_request(NULL, NULL, true, &out), AUTH_SIGV4_EINVAL);
  r = make_request("/", NULL, BASIC_HEADERS, 2);
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, NULL), AUTH_SIGV4_EINVAL);
  assert_int_equal(out.len, 0);
  auth_sigv4_buf_free(&out);
}

/* ---------------------------------------------------------------------------------------------
 * String to sign, signature, Authorization.
 */

static void test_string_to_sign(void **state) {
  (void)state;
  static const char creq[] = "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n"
                             "\nhost;x-amz-date\n" EMPTY_SHA256;
  auth_sigv4_params p = suite_params();
  auth_sigv4_buf out = {0};
  assert_int_equal(auth_sigv4_string_to_sign(creq, sizeof creq - 1, &p, &out), AUTH_SIGV4_OK);
  /* The suite's get-vanilla.sts. */
  assert_string_equal(out.data, "AWS4-HMAC-SHA256\n20150830T123600Z\n"
                                "20150830/us-east-1/service/aws4_request\n"
                                "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");

  static const char *const bad_dates[] = {"20150830T123600", "20151330T123600Z", "x"};
  for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++) {
    p = suite_params();
    p.amz_date = bad_dates[i];
    assert_int_equal(auth_sigv4_string_to_sign(creq, sizeof creq - 1, &p, &out), AUTH_SIGV4_EINVAL);
    assert_int_equal(out.len, 0);
  }
  static const char *const bad_scope[] = {"", "us/east", "us east", "us,east", "us\neast"};
  for (size_t i = 0; i < sizeof bad_scope / sizeof bad_scope[0]; i++) {
    p = suite_params();
    p.region = bad_scope[i];
    assert_int_equal(auth_sigv4_string_to_sign(creq, sizeof creq - 1, &p, &out), AUTH_SIGV4_EINVAL);
    p = suite_params();
    p.service = bad_scope[i];
    assert_int_equal(auth_sigv4_string_to_sign(creq, sizeof creq - 1, &p, &out), AUTH_SIGV4_EINVAL);
  }
  p = suite_params();
  p.region = NULL;
  assert_int_equal(auth_sigv4_string_to_sign(creq, sizeof creq - 1, &p, &out), AUTH_SIGV4_EINVAL);
  p = suite_params();
  p.amz_date = NULL;
  assert_int_equal(auth_sigv4_string_to_sign(creq, sizeof creq - 1, &p, &out), AUTH_SIGV4_EINVAL);
  assert_int_equal(auth_sigv4_string_to_sign(creq, sizeof creq - 1, NULL, &out), AUTH_SIGV4_EINVAL);
  assert_int_equal(auth_sigv4_string_to_sign(NULL, 5, &p, &out), AUTH_SIGV4_EINVAL);
  auth_sigv4_buf_free(&out);
}

static void test_authorization_checks(void **state) {
  (void)state;
  auth_sigv4_request r = make_request("/", NULL, BASIC_HEADERS, 2);
  auth_sigv4_buf out = {0};
  auth_sigv4_params p = suite_params();
  static const char *const bad_keys[] = {"", "AK/ID", "AK ID", "AK,ID"};
  for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
    p.access_key_id = bad_keys[i];
    assert_int_equal(auth_sigv4_authorization(&r, &p, &out), AUTH_SIGV4_EINVAL);
  }
  p = suite_params();
  p.secret_access_key = "";
  assert_int_equal(auth_sigv4_authorization(&r, &p, &out), AUTH_SIGV4_EINVAL);
  p.secret_access_key = NULL;
  assert_int_equal(auth_sigv4_authorization(&r, &p, &out), AUTH_SIGV4_EINVAL);
  assert_int_equal(auth_sigv4_authorization(&r, NULL, &out), AUTH_SIGV4_EINVAL);
  /* Nothing to sign. */
  p = suite_params();
  auth_sigv4_request none = make_request("/", NULL, NULL, 0);
  assert_int_equal(auth_sigv4_authorization(&none, &p, &out), AUTH_SIGV4_EINVAL);
  assert_int_equal(out.len, 0);

  /* A session token must be carried, with exactly its value, so that it is signed. */
  p.session_token = "TOKEN";
  assert_int_equal(auth_sigv4_authorization(&r, &p, &out), AUTH_SIGV4_EINVAL);
  const auth_sigv4_header wrong[] = {BASIC_HEADERS[0], BASIC_HEADERS[1],
                                     H("X-Amz-Security-Token", "TOKEN2")};
  r = make_request("/", NULL, wrong, 3);
  assert_int_equal(auth_sigv4_authorization(&r, &p, &out), AUTH_SIGV4_EINVAL);
  const auth_sigv4_header right[] = {BASIC_HEADERS[0], BASIC_HEADERS[1],
                                     H("x-amz-security-token", "TOKEN")};
  r = make_request("/", NULL, right, 3);
  assert_int_equal(auth_sigv4_authorization(&r, &p, &out), AUTH_SIGV4_OK);
  assert_non_null(strstr(out.data, "SignedHeaders=host;x-amz-date;x-amz-security-token, "));
  auth_sigv4_buf_free(&out);
}

/* The signature must change with every input it covers (the suite checks one value per input). */
static void test_signature_covers_inputs(void **state) {
  (void)state;
  auth_sigv4_params p = suite_params();
  auth_sigv4_request r = make_request("/", NULL, BASIC_HEADERS, 2);
  char base[AUTH_SIGV4_HEX_LEN + 1], sig[AUTH_SIGV4_HEX_LEN + 1];
  assert_int_equal(auth_sigv4_signature(&r, NULL, &p, base, NULL, NULL), AUTH_SIGV4_OK);
  assert_string_equal(base, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

  auth_sigv4_params v = p;
  v.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz";
  assert_int_equal(auth_sigv4_signature(&r, NULL, &v, sig, NULL, NULL), AUTH_SIGV4_OK);
  assert_string_not_equal(sig, base);
  v = p;
  v.region = "us-east-2";
  assert_int_equal(auth_sigv4_signature(&r, NULL, &v, sig, NULL, NULL), AUTH_SIGV4_OK);
  assert_string_not_equal(sig, base);
  v = p;
  v.service = "redshift-data";
  assert_int_equal(auth_sigv4_signature(&r, NULL, &v, sig, NULL, NULL), AUTH_SIGV4_OK);
  assert_string_not_equal(sig, base);
  v = p;
  v.amz_date = "20150830T123601Z";
  assert_int_equal(auth_sigv4_signature(&r, NULL, &v, sig, NULL, NULL), AUTH_SIGV4_OK);
  assert_string_not_equal(sig, base);
  auth_sigv4_request rb = r;
  rb.payload = (const uint8_t *)"x";
  rb.payload_len = 1;
  assert_int_equal(auth_sigv4_signature(&rb, NULL, &p, sig, NULL, NULL), AUTH_SIGV4_OK);
  assert_string_not_equal(sig, base);
  rb = r;
  rb.method = "POST";
  assert_int_equal(auth_sigv4_signature(&rb, NULL, &p, sig, NULL, NULL), AUTH_SIGV4_OK);
  assert_string_not_equal(sig, base);
  assert_int_equal(auth_sigv4_signature(&r, NULL, &p, NULL, NULL, NULL), AUTH_SIGV4_EINVAL);
}

/* ---------------------------------------------------------------------------------------------
 * The output cap.
 */

static void test_output_cap(void **state) {
  (void)state;
  const size_t cap = AUTH_SIGV4_MAX_OUTPUT;
  char *big = malloc(cap + 2);
  assert_non_null(big);
  memset(big, 'v', cap + 1);
  big[cap + 1] = '\0';

  /* Measure the canonical request's fixed part with a one-byte value... */
  auth_sigv4_header h = {"x", 1, big, 1};
  auth_sigv4_request r = make_request("/", NULL, &h, 1);
  auth_sigv4_buf out = {0};
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_OK);
  size_t overhead = out.len - 1;
  /* ...then fill the cap exactly, and overflow it by one byte. */
  h.value_len = cap - overhead;
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_OK);
  assert_int_equal(out.len, cap);
  assert_int_equal(strlen(out.data), cap);
  h.value_len = cap - overhead + 1;
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_ETOOBIG);
  assert_int_equal(out.len, 0);
  assert_string_equal(out.data, "");
  assert_true(out.cap <= cap + 1);

  auth_sigv4_params p = suite_params();
  char sig[AUTH_SIGV4_HEX_LEN + 1];
  assert_int_equal(auth_sigv4_signature(&r, NULL, &p, sig, NULL, NULL), AUTH_SIGV4_ETOOBIG);
  assert_int_equal(auth_sigv4_authorization(&r, &p, &out), AUTH_SIGV4_ETOOBIG);
  assert_int_equal(out.len, 0);

  /* A query under the cap whose encoding (3 bytes per space) is over it. */
  size_t qlen = cap / 2;
  char *q = malloc(qlen + 1);
  assert_non_null(q);
  memset(q, ' ', qlen);
  q[0] = 'a';
  q[1] = '=';
  q[qlen] = '\0';
  r = make_request("/", q, BASIC_HEADERS, 2);
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_ETOOBIG);
  /* A path over the cap, even one that would normalise to "/". */
  for (size_t i = 0; i + 1 < cap + 1; i += 2) {
    big[i] = '/';
    big[i + 1] = '.';
  }
  r = make_request(big, NULL, BASIC_HEADERS, 2);
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_ETOOBIG);
  r.path_len = 4096; /* the same path, short: fine */
  assert_int_equal(auth_sigv4_canonical_request(&r, NULL, true, &out), AUTH_SIGV4_OK);
  assert_memory_equal(out.data, "GET\n/\n\n", 7);

  /* The buffer is reusable after a failure, and shrinks its length to each new output. */
  r = make_request("/", NULL, BASIC_HEADERS, 2);
  assert_int_equal(auth_sigv4_signed_header_list(&r, &out), AUTH_SIGV4_OK);
  assert_string_equal(out.data, "host;x-amz-date");
  assert_int_equal(out.len, strlen("host;x-amz-date"));
  auth_sigv4_buf_free(&out);
  assert_null(out.data);
  assert_int_equal(out.cap, 0);
  auth_sigv4_buf_free(&out); /* idempotent */
  auth_sigv4_buf_free(NULL);
  free(q);
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_format_amz_date_known),
      cmocka_unit_test(test_format_amz_date_out_of_range),
      cmocka_unit_test(test_amz_date_against_gmtime),
      cmocka_unit_test(test_parse_amz_date_valid),
      cmocka_unit_test(test_parse_amz_date_invalid),
      cmocka_unit_test(test_parse_authorization_good),
      cmocka_unit_test(test_parse_authorization_missing),
      cmocka_unit_test(test_parse_authorization_malformed),
      cmocka_unit_test(test_signature_equal),
      cmocka_unit_test(test_sha256_hex),
      cmocka_unit_test(test_strerror),
      cmocka_unit_test(test_canonical_uri),
      cmocka_unit_test(test_canonical_query),
      cmocka_unit_test(test_canonical_headers),
      cmocka_unit_test(test_signed_header_list_errors),
      cmocka_unit_test(test_invalid_requests),
      cmocka_unit_test(test_string_to_sign),
      cmocka_unit_test(test_authorization_checks),
      cmocka_unit_test(test_signature_covers_inputs),
      cmocka_unit_test(test_output_cap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
