/*
 * test_sigv4_suite.c — runs AWS's Signature Version 4 test suite (tests/data/sigv4, 34 cases) and
 * the two Data API vectors (tests/data/sigv4-redshift-data) through redwire's signer.
 *
 * Usage: test_sigv4_suite SIGV4_DIR SIGV4_REDSHIFT_DATA_DIR
 *
 * Each case is a folder <name>/ holding <name>.req (the request), .creq (canonical request), .sts
 * (string to sign), .authz (Authorization value) and .sreq (the signed request). Every case is
 * checked two ways:
 *  - as a signer: the .req, signed with every header it carries, must give the .creq, .sts and
 *    .authz byte for byte;
 *  - as a verifier (the emulator's side): the .sreq's headers restricted to the SignedHeaders of
 * the parsed .authz must give the same .creq and signature. In post-sts-header-after the .sreq
 *    carries an X-Amz-Security-Token that was added after signing, so it must be left out.
 * The case counts are fixed: a missing or partial data directory fails instead of passing empty.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "auth_sigv4.h"

#define SUITE_CASES   34
#define DATAAPI_CASES 2
#define MAX_HEADERS   32
#define MAX_CASES     64

/* Parameters of both data sets (tests/data/sigv4/README.md, tests/data/sigv4-redshift-data). */
#define ACCESS_KEY "AKIDEXAMPLE"
#define SECRET_KEY "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define AMZ_DATE   "20150830T123600Z"
#define REGION     "us-east-1"

/*
 * The suite's get-vanilla-with-session-token.req lacks the token header, yet its .creq signs it:
 * the signer is expected to add it, as redwire's Data API client does for temporary credentials.
 * The token's value is the X-Amz-Security-Token of the case's .sreq.
 */
static const char *const CASES_ADDING_TOKEN[] = {"get-vanilla-with-session-token"};

typedef struct text {
  char *data; /* owned; NUL-terminated */
  size_t len;
} text;

/* A parsed .req or .sreq; every pointer is a view into the text it was parsed from. */
typedef struct http_msg {
  char method[16];
  const char *path;
  size_t path_len;
  const char *query;
  size_t query_len;
  auth_sigv4_header headers[MAX_HEADERS];
  size_t n_headers;
  const uint8_t *body;
  size_t body_len;
} http_msg;

typedef struct sigv4_case {
  char *dir;           /* owned: the case's folder */
  char *name;          /* owned: the folder's path relative to its data set, for messages */
  const char *base;    /* borrowed from dir: the folder's own name = the files' stem */
  const char *service; /* borrowed static */
} sigv4_case;

static bool read_file(const char *path, text *out) {
  out->data = NULL;
  out->len = 0;
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return false;
  }
  size_t cap = 4096;
  char *buf = malloc(cap);
  size_t len = 0;
  size_t n;
  while (buf != NULL && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += n;
    if (cap - len - 1 == 0) {
      char *bigger = realloc(buf, cap * 2);
      if (bigger == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = bigger;
      cap *= 2;
    }
  }
  bool ok = buf != NULL && !ferror(f);
  fclose(f);
  if (!ok) {
    free(buf);
    return false;
  }
  buf[len] = '\0';
  out->data = buf;
  out->len = len;
  return true;
}

static bool read_case_file(const sigv4_case *c, const char *ext, text *out) {
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s.%s", c->dir, c->base, ext);
  return n > 0 && (size_t)n < sizeof path && read_file(path, out);
}

/*
 * Parses the suite's request format: "METHOD target HTTP/1.1", header lines "Name:value" where a
 * line starting with a space or tab continues the previous value (obsolete line folding, kept raw
 * so the signer's folding is what gets tested), then an optional empty line and the body. The
 * target may contain spaces (normalize-path/get-space), so the version is taken after the last one.
 */
static bool parse_http(const text *t, http_msg *m) {
  memset(m, 0, sizeof *m);
  const char *s = t->data;
  size_t len = t->len;
  const char *eol = memchr(s, '\n', len);
  size_t line_len = eol != NULL ? (size_t)(eol - s) : len;
  const char *sp1 = memchr(s, ' ', line_len);
  const char *sp2 = NULL;
  for (size_t i = line_len; i > 0; i--) {
    if (s[i - 1] == ' ') {
      sp2 = s + i - 1;
      break;
    }
  }
  if (sp1 == NULL || sp2 == sp1 || (size_t)(sp1 - s) >= sizeof m->method ||
      strncmp(sp2 + 1, "HTTP/", 5) != 0) {
    return false;
  }
  memcpy(m->method, s, (size_t)(sp1 - s));
  const char *target = sp1 + 1;
  size_t target_len = (size_t)(sp2 - target);
  const char *qmark = memchr(target, '?', target_len);
  m->path = target;
  m->path_len = qmark != NULL ? (size_t)(qmark - target) : target_len;
  if (qmark != NULL) {
    m->query = qmark + 1;
    m->query_len = target_len - m->path_len - 1;
  }
  size_t pos = eol != NULL ? line_len + 1 : len;
  while (pos < len) {
    const char *line = s + pos;
    const char *nl = memchr(line, '\n', len - pos);
    size_t ll = nl != NULL ? (size_t)(nl - line) : len - pos;
    if (ll == 0) {
      m->body = (const uint8_t *)line + 1;
      m->body_len = len - pos - 1;
      return true;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (m->n_headers == 0) {
        return false;
      }
      auth_sigv4_header *h = &m->headers[m->n_headers - 1];
      h->value_len = (size_t)(line + ll - h->value);
    } else {
      const char *colon = memchr(line, ':', ll);
      if (colon == NULL || m->n_headers == MAX_HEADERS) {
        return false;
      }
      auth_sigv4_header *h = &m->headers[m->n_headers++];
      h->name = line;
      h->name_len = (size_t)(colon - line);
      h->value = colon + 1;
      h->value_len = ll - h->name_len - 1;
    }
    pos += ll + 1;
  }
  return true;
}

static bool name_is(const auth_sigv4_header *h, const char *name) {
  size_t n = strlen(name);
  if (h->name_len != n) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    char c = h->name[i];
    if (c >= 'A' && c <= 'Z') {
      c = (char)(c - 'A' + 'a');
    }
    if (c != name[i]) {
      return false;
    }
  }
  return true;
}

/* Removes the first header called name (lower case) from m; returns it in *out. */
static bool take_header(http_msg *m, const char *name, auth_sigv4_header *out) {
  for (size_t i = 0; i < m->n_headers; i++) {
    if (name_is(&m->headers[i], name)) {
      *out = m->headers[i];
      memmove(&m->headers[i], &m->headers[i + 1], (m->n_headers - i - 1) * sizeof m->headers[0]);
      m->n_headers--;
      return true;
    }
  }
  return false;
}

static bool adds_token(const sigv4_case *c) {
  for (size_t i = 0; i < sizeof CASES_ADDING_TOKEN / sizeof CASES_ADDING_TOKEN[0]; i++) {
    if (strcmp(c->base, CASES_ADDING_TOKEN[i]) == 0) {
      return true;
    }
  }
  return false;
}

static auth_sigv4_request as_request(const http_msg *m) {
  auth_sigv4_request r = {
      .method = m->method,
      .path = m->path,
      .path_len = m->path_len,
      .query = m->query,
      .query_len = m->query_len,
      .headers = m->headers,
      .n_headers = m->n_headers,
      .payload = m->body,
      .payload_len = m->body_len,
  };
  return r;
}

static void assert_view_equal(const char *view, size_t len, const char *expected) {
  char *copy = malloc(len + 1);
  assert_non_null(copy);
  memcpy(copy, view, len);
  copy[len] = '\0';
  assert_string_equal(copy, expected);
  free(copy);
}

static void test_case(void **state) {
  const sigv4_case *c = *state;
  text req_t, sreq_t, creq, sts, authz;
  assert_true(read_case_file(c, "req", &req_t));
  assert_true(read_case_file(c, "sreq", &sreq_t));
  assert_true(read_case_file(c, "creq", &creq));
  assert_true(read_case_file(c, "sts", &sts));
  assert_true(read_case_file(c, "authz", &authz));

  auth_sigv4_params p = {
      .access_key_id = ACCESS_KEY,
      .secret_access_key = SECRET_KEY,
      .region = REGION,
      .service = c->service,
      .amz_date = AMZ_DATE,
      .normalize_path = true,
  };

  /* The signer's side. */
  http_msg req, sreq;
  assert_true(parse_http(&req_t, &req));
  assert_true(parse_http(&sreq_t, &sreq));
  auth_sigv4_header token = {0};
  bool sreq_has_token = false;
  for (size_t i = 0; i < sreq.n_headers; i++) {
    if (name_is(&sreq.headers[i], "x-amz-security-token")) {
      token = sreq.headers[i];
      sreq_has_token = true;
    }
  }
  char *token_str = NULL;
  if (adds_token(c)) {
    assert_true(sreq_has_token);
    assert_true(req.n_headers < MAX_HEADERS);
    req.headers[req.n_headers++] = token;
    token_str = strndup(token.value, token.value_len);
    assert_non_null(token_str);
  } else {
    for (size_t i = 0; i < req.n_headers; i++) {
      if (name_is(&req.headers[i], "x-amz-security-token")) {
        token_str = strndup(req.headers[i].value, req.headers[i].value_len);
        assert_non_null(token_str);
      }
    }
  }
  /* Temporary credentials whenever the signed request carries a token (post-sts-header-after
   * adds its token only after signing, so it signs as with long-term keys). */
  p.session_token = token_str;
  auth_sigv4_request r = as_request(&req);
  auth_sigv4_buf got_creq = {0}, got_sts = {0}, got_authz = {0};
  char sig[AUTH_SIGV4_HEX_LEN + 1];
  assert_int_equal(auth_sigv4_signature(&r, NULL, &p, sig, &got_creq, &got_sts), AUTH_SIGV4_OK);
  assert_string_equal(got_creq.data, creq.data);
  assert_int_equal(got_creq.len, creq.len);
  assert_string_equal(got_sts.data, sts.data);
  assert_int_equal(got_sts.len, sts.len);
  assert_int_equal(auth_sigv4_authorization(&r, &p, &got_authz), AUTH_SIGV4_OK);
  assert_string_equal(got_authz.data, authz.data);
  assert_int_equal(got_authz.len, authz.len);

  /* The verifier's side: what arrived is the .sreq; what it claims is the .authz (the .sreq's own
   * Authorization line is not used: in get-vanilla-with-session-token it holds a stale value). */
  auth_sigv4_header sreq_authz;
  assert_true(take_header(&sreq, "authorization", &sreq_authz));
  auth_sigv4_authz parsed;
  const char *why = "unset";
  assert_int_equal(auth_sigv4_parse_authorization(authz.data, authz.len, &parsed, &why),
                   AUTH_SIGV4_OK);
  assert_null(why);
  assert_view_equal(parsed.access_key_id, parsed.access_key_id_len, ACCESS_KEY);
  assert_view_equal(parsed.date, parsed.date_len, "20150830");
  assert_view_equal(parsed.region, parsed.region_len, REGION);
  assert_view_equal(parsed.service, parsed.service_len, c->service);
  char *signed_list = strndup(parsed.signed_headers, parsed.signed_headers_len);
  assert_non_null(signed_list);
  auth_sigv4_request sr = as_request(&sreq);
  auth_sigv4_buf v_creq = {0};
  char v_sig[AUTH_SIGV4_HEX_LEN + 1];
  assert_int_equal(auth_sigv4_signature(&sr, signed_list, &p, v_sig, &v_creq, NULL), AUTH_SIGV4_OK);
  assert_string_equal(v_creq.data, creq.data);
  assert_int_equal(parsed.signature_len, AUTH_SIGV4_HEX_LEN);
  assert_true(auth_sigv4_signature_equal(v_sig, parsed.signature, AUTH_SIGV4_HEX_LEN));
  /* And the verifier must notice a tampered signature. */
  v_sig[AUTH_SIGV4_HEX_LEN - 1] = v_sig[AUTH_SIGV4_HEX_LEN - 1] == '0' ? '1' : '0';
  assert_false(auth_sigv4_signature_equal(v_sig, parsed.signature, AUTH_SIGV4_HEX_LEN));

  free(signed_list);
  free(token_str);
  auth_sigv4_buf_free(&got_creq);
  auth_sigv4_buf_free(&got_sts);
  auth_sigv4_buf_free(&got_authz);
  auth_sigv4_buf_free(&v_creq);
  free(req_t.data);
  free(sreq_t.data);
  free(creq.data);
  free(sts.data);
  free(authz.data);
}

/* ---------------------------------------------------------------------------------------------
 * Discovery.
 */

typedef struct case_list {
  sigv4_case items[MAX_CASES];
  size_t n;
  bool overflow;
} case_list;

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Adds dir as a case when it holds <basename>.req, else looks inside its subfolders. */
static void walk(const char *dir, size_t root_len, const char *service, case_list *out) {
  const char *base = strrchr(dir, '/');
  base = base != NULL ? base + 1 : dir;
  char path[4096];
  int n = snprintf(path, sizeof path, "%s/%s.req", dir, base);
  if (n > 0 && (size_t)n < sizeof path && is_file(path)) {
    if (out->n == MAX_CASES) {
      out->overflow = true;
      return;
    }
    sigv4_case *c = &out->items[out->n++];
    c->dir = strdup(dir);
    c->name = strdup(dir + root_len + 1);
    c->base = c->dir != NULL ? strrchr(c->dir, '/') + 1 : NULL;
    c->service = service;
    return;
  }
  DIR *d = opendir(dir);
  if (d == NULL) {
    return;
  }
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') {
      continue;
    }
    n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (n > 0 && (size_t)n < sizeof path && is_dir(path)) {
      walk(path, root_len, service, out);
    }
  }
  closedir(d);
}

static int compare_cases(const void *a, const void *b) {
  return strcmp(((const sigv4_case *)a)->name, ((const sigv4_case *)b)->name);
}

/* Collects the cases of one data set; false (with a message) unless exactly `expected` exist. */
static bool discover(const char *root, const char *service, size_t expected, case_list *out) {
  size_t first = out->n;
  if (!is_dir(root)) {
    fprintf(stderr, "test_sigv4_suite: %s is not a directory\n", root);
    return false;
  }
  walk(root, strlen(root), service, out);
  for (size_t i = first; i < out->n; i++) {
    if (out->items[i].dir == NULL || out->items[i].name == NULL) {
      fprintf(stderr, "test_sigv4_suite: out of memory\n");
      return false;
    }
  }
  qsort(out->items + first, out->n - first, sizeof out->items[0], compare_cases);
  if (out->overflow || out->n - first != expected) {
    fprintf(stderr, "test_sigv4_suite: found %zu cases under %s, expected %zu\n", out->n - first,
            root, expected);
    return false;
  }
  printf("test_sigv4_suite: %zu cases under %s\n", expected, root);
  return true;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SIGV4_DIR SIGV4_REDSHIFT_DATA_DIR\n", argv[0]);
    return 2;
  }
  static case_list cases;
  int rc = 1;
  struct CMUnitTest *tests = NULL;
  if (discover(argv[1], "service", SUITE_CASES, &cases) &&
      discover(argv[2], "redshift-data", DATAAPI_CASES, &cases)) {
    tests = calloc(cases.n, sizeof *tests);
    if (tests != NULL) {
      for (size_t i = 0; i < cases.n; i++) {
        tests[i].name = cases.items[i].name;
        tests[i].test_func = test_case;
        tests[i].initial_state = &cases.items[i];
      }
      rc = _cmocka_run_group_tests("sigv4_suite", tests, cases.n, NULL, NULL) == 0 ? 0 : 1;
    }
  }
  free(tests);
  for (size_t i = 0; i < cases.n; i++) {
    free(cases.items[i].dir);
    free(cases.items[i].name);
  }
  return rc;
}
