/*
 * test_dapi_live.c — the Data API client on a real uv loop (px_curl_uv) against the emulator.
 *
 * Run as a stack test (tests/with-stack-env loads EMULATOR_URL, AWS_* and REDWIRE_TEST_*).
 * Every test gets its own loop, engine and client, and ends by closing them and asserting that
 * uv_loop_close succeeds (no handle or call left behind).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "dapi_client.h"
#include "px_curl_uv.h"

/* ---- environment ---- */

typedef struct env {
  const char *url, *akid, *secret, *region, *workgroup, *database;
  const char *temp_akid, *temp_secret, *temp_token;
} env;

static env E;

static const char *need(const char *name) {
  const char *v = getenv(name);
  if (v == NULL || v[0] == '\0') {
    fprintf(stderr, "test_dapi_live: %s is not set (run through tests/with-stack-env)\n", name);
    exit(1);
  }
  return v;
}

/* ---- per-test fixture ---- */

typedef struct fx {
  uv_loop_t loop;
  px_curl_uv *px;
  dapi_client *client;
  dapi_creds creds;
  dapi_target target;
  bool px_closed;
} fx;

static void client_conf(dapi_client_conf *cc) {
  dapi_client_conf_default(cc);
  cc->endpoint = E.url;
  cc->region = E.region;
}

static int setup_with(void **state, const dapi_client_conf *cc) {
  fx *f = calloc(1, sizeof(*f));
  assert_non_null(f);
  assert_int_equal(uv_loop_init(&f->loop), 0);
  assert_int_equal(px_curl_uv_new(&f->loop, &f->px), DAPI_OK);
  assert_int_equal(dapi_client_new(px_curl_uv_multi(f->px), cc, &f->client), DAPI_OK);
  f->creds = (dapi_creds){E.akid, E.secret, NULL};
  f->target = (dapi_target){DAPI_TARGET_WORKGROUP, E.workgroup, E.database, NULL, NULL};
  *state = f;
  return 0;
}

static int setup(void **state) {
  dapi_client_conf cc;
  client_conf(&cc);
  return setup_with(state, &cc);
}

/* Full jitter may pick any delay down to 0 ms; a test that needs a call to sit in its backoff
 * for a while pins the jitter to its maximum, so the delay is exactly the backoff cap. */
static uint32_t rng_max(void *ctx) {
  (void)ctx;
  return UINT32_MAX;
}

static int setup_max_jitter(void **state) {
  dapi_client_conf cc;
  client_conf(&cc);
  cc.rng = rng_max;
  return setup_with(state, &cc);
}

static void on_px_closed(void *arg) {
  ((fx *)arg)->px_closed = true;
}

static int teardown(void **state) {
  fx *f = *state;
  assert_int_equal(dapi_client_free(f->client), DAPI_OK);
  assert_int_equal(px_curl_uv_last_error(f->px), DAPI_OK);
  assert_int_equal(px_curl_uv_close(f->px, on_px_closed, f), DAPI_OK);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  assert_true(f->px_closed);
  assert_int_equal(uv_loop_close(&f->loop), 0);
  free(f);
  return 0;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the loop until *flag or `secs` elapse (then fails the test). */
static void run_until(fx *f, const bool *flag, double secs) {
  double deadline = now_s() + secs;
  while (!*flag) {
    if (now_s() > deadline) {
      fail_msg("timed out after %.0f s waiting for a completion", secs);
    }
    uv_run(&f->loop, UV_RUN_ONCE);
  }
}

/* ---- a completion recorder ---- */

typedef struct rec {
  bool done;
  int fired;
  dapi_rc rc;
  dapi_error error;
  long http_status;
  uint32_t attempts;
  long num_connects;
  uint64_t body_bytes;
  dapi_stmt_info stmt; /* moved out of the outcome */
  bool cancel_status;
  char *body; /* copy of a buffered body */
  size_t body_len;
} rec;

static void on_done(void *ctx, dapi_call *call, dapi_call_outcome *o) {
  (void)call;
  rec *r = ctx;
  r->fired++;
  r->done = true;
  r->rc = o->rc;
  r->error = o->error;
  r->http_status = o->http_status;
  r->attempts = o->attempts;
  r->num_connects = o->num_connects;
  r->body_bytes = o->body_bytes;
  r->stmt = o->stmt; /* move */
  memset(&o->stmt, 0, sizeof(o->stmt));
  r->cancel_status = o->cancel_status;
  if (o->body != NULL) {
    r->body = malloc(o->body_len + 1);
    assert_non_null(r->body);
    memcpy(r->body, o->body, o->body_len);
    r->body[o->body_len] = '\0';
    r->body_len = o->body_len;
  }
}

static void rec_free(rec *r) {
  dapi_stmt_info_free(&r->stmt);
  free(r->body);
  memset(r, 0, sizeof(*r));
}

static void expect_ok(const rec *r) {
  if (r->rc != DAPI_OK) {
    fail_msg("call failed: %s; %s %s (%s, HTTP %ld): %s", dapi_strerror(r->rc),
             dapi_err_class_name(r->error.cls), r->error.type, dapi_error_sqlstate(&r->error),
             r->error.http_status, r->error.message);
  }
  assert_int_equal(r->fired, 1);
}

static void execute(fx *f, const dapi_creds *cr, const char *sql, const char *session_id,
                    int keep_alive, int wait, const char *token, rec *r) {
  dapi_execute_input in = {.sql = sql,
                           .session_id = session_id,
                           .target = session_id == NULL ? &f->target : NULL,
                           .session_keep_alive_seconds = keep_alive,
                           .wait_time_seconds = wait,
                           .client_token = token};
  memset(r, 0, sizeof(*r));
  assert_int_equal(dapi_client_execute(f->client, cr, &in, on_done, r, NULL), DAPI_OK);
  run_until(f, &r->done, 60);
}

static void describe(fx *f, const char *id, int wait, rec *r) {
  memset(r, 0, sizeof(*r));
  assert_int_equal(dapi_client_describe(f->client, &f->creds, id, wait, on_done, r, NULL), DAPI_OK);
  run_until(f, &r->done, 60);
}

/* ---- a page collector (the streaming decoder is tested elsewhere: this one keeps bytes) ---- */

typedef struct page {
  char *data;
  size_t len, cap;
  size_t chunks;
  bool pause_first; /* answer the first offer with PAUSE */
  size_t pauses;
  size_t max_bytes; /* cap for this test's memory */
} page;

static dapi_sink_action page_sink(void *ctx, const char *data, size_t len) {
  page *p = ctx;
  if (p->pause_first && p->pauses == 0) {
    p->pauses++;
    return DAPI_SINK_PAUSE;
  }
  if (p->len + len > p->max_bytes) {
    return DAPI_SINK_ABORT;
  }
  if (p->len + len + 1 > p->cap) {
    size_t cap = p->cap != 0 ? p->cap * 2 : 65536;
    while (cap < p->len + len + 1) {
      cap *= 2;
    }
    p->data = realloc(p->data, cap);
    assert_non_null(p->data);
    p->cap = cap;
  }
  memcpy(p->data + p->len, data, len);
  p->len += len;
  p->data[p->len] = '\0';
  p->chunks++;
  return DAPI_SINK_CONSUMED;
}

/* Counts a page's records and copies its NextToken (NULL at the end). */
static size_t page_rows(const page *p, char **next_token) {
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(p->data, p->len, &end, 0);
  assert_non_null(root);
  const cJSON *records = cJSON_GetObjectItemCaseSensitive(root, "Records");
  assert_true(cJSON_IsArray(records));
  size_t n = 0;
  const cJSON *row;
  cJSON_ArrayForEach(row, records) {
    n++;
  }
  const cJSON *tok = cJSON_GetObjectItemCaseSensitive(root, "NextToken");
  *next_token =
      cJSON_IsString(tok) && tok->valuestring[0] != '\0' ? strdup(tok->valuestring) : NULL;
  cJSON_Delete(root);
  return n;
}

/* Fetches one page into p through the streaming sink. */
static void fetch_page(fx *f, const char *id, const char *token, page *p, rec *r) {
  dapi_sink sink = {page_sink, p};
  memset(r, 0, sizeof(*r));
  assert_int_equal(dapi_client_get_result(f->client, &f->creds, id, token, &sink, on_done, r, NULL),
                   DAPI_OK);
  run_until(f, &r->done, 60);
}

/* All pages of a statement: per-page byte counts and digests into lens/sums (up to max_pages). */
static size_t fetch_all(fx *f, const char *id, size_t *total_rows, size_t *lens, uint64_t *sums,
                        size_t max_pages, uint32_t *max_attempts) {
  char *token = NULL;
  size_t pages = 0;
  *total_rows = 0;
  do {
    page p = {.max_bytes = 64u << 20};
    rec r;
    fetch_page(f, id, token, &p, &r);
    expect_ok(&r);
    assert_int_equal(r.body_bytes, p.len);
    if (max_attempts != NULL && r.attempts > *max_attempts) {
      *max_attempts = r.attempts;
    }
    free(token);
    *total_rows += page_rows(&p, &token);
    assert_true(pages < max_pages);
    /* FNV-1a over the page: equal bytes give equal digests. */
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < p.len; i++) {
      h = (h ^ (unsigned char)p.data[i]) * 1099511628211u;
    }
    lens[pages] = p.len;
    sums[pages] = h;
    pages++;
    free(p.data);
    rec_free(&r);
  } while (token != NULL);
  return pages;
}

/* ---- emulator control (plain blocking curl: test code, not the engine) ---- */

static size_t discard(char *d, size_t s, size_t n, void *u) {
  (void)d;
  (void)u;
  return s * n;
}

static void set_faults(const char *json) {
  char url[512];
  snprintf(url, sizeof(url), "%s/_emulator/faults", E.url);
  CURL *e = curl_easy_init();
  assert_non_null(e);
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, json);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
  assert_int_equal(curl_easy_perform(e), CURLE_OK);
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(e);
  assert_int_equal(status, 200);
}

/* ---- tests ---- */

#define BIG_SQL "select g, repeat('x', 20) as pad from generate_series(1, 20000) g"

static void test_execute_wait_and_pages(void **state) {
  fx *f = *state;
  rec r;
  execute(f, &f->creds, BIG_SQL, NULL, -1, 20, NULL, &r);
  expect_ok(&r);
  assert_int_equal(r.http_status, 200);
  assert_int_equal(r.stmt.status, DAPI_STMT_FINISHED);
  assert_true(r.stmt.has_result_set);
  assert_non_null(r.stmt.id);
  size_t lens[64], rows = 0;
  uint64_t sums[64];
  size_t pages = fetch_all(f, r.stmt.id, &rows, lens, sums, 64, NULL);
  assert_int_equal(rows, 20000);
  assert_true(pages >= 2); /* the emulator pages by --page-rows (5000 by default) */
  print_message("20000 rows in %zu pages, first page %zu bytes\n", pages, lens[0]);
  rec_free(&r);
}

static void test_describe_wait(void **state) {
  fx *f = *state;
  rec r, d;
  execute(f, &f->creds, "select pg_sleep(1)", NULL, -1, 0, NULL, &r);
  expect_ok(&r);
  assert_false(dapi_stmt_status_terminal(r.stmt.status));
  double t0 = now_s();
  describe(f, r.stmt.id, 10, &d);
  expect_ok(&d);
  assert_int_equal(d.stmt.status, DAPI_STMT_FINISHED);
  assert_string_equal(d.stmt.id, r.stmt.id);
  assert_true(d.stmt.duration_ns >= 900000000);
  assert_true(now_s() - t0 < 5.0); /* the long poll returned when the statement ended */
  assert_string_equal(d.stmt.query_string, "select pg_sleep(1)");
  rec_free(&d);
  /* A FAILED statement carries Redshift-style error text. */
  execute(f, &f->creds, "select * from no_such_table_rw", NULL, -1, 10, NULL, &d);
  expect_ok(&d);
  assert_int_equal(d.stmt.status, DAPI_STMT_FAILED);
  rec_free(&d);
  describe(f, r.stmt.id, 0, &d);
  expect_ok(&d);
  rec_free(&d);
  rec_free(&r);
}

static void test_cancel_statement(void **state) {
  fx *f = *state;
  rec r, c, d;
  execute(f, &f->creds, "select pg_sleep(30)", NULL, -1, 0, NULL, &r);
  expect_ok(&r);
  /* Let it start running on PostgreSQL: Describe until STARTED (or at most 2 s). */
  double until = now_s() + 2.0;
  do {
    describe(f, r.stmt.id, 0, &d);
    expect_ok(&d);
    dapi_stmt_status st = d.stmt.status;
    rec_free(&d);
    if (st == DAPI_STMT_STARTED) {
      break;
    }
  } while (now_s() < until);
  double t0 = now_s();
  memset(&c, 0, sizeof(c));
  assert_int_equal(dapi_client_cancel_statement(f->client, &f->creds, r.stmt.id, on_done, &c, NULL),
                   DAPI_OK);
  run_until(f, &c.done, 10);
  expect_ok(&c);
  assert_true(c.cancel_status);
  describe(f, r.stmt.id, 5, &d);
  expect_ok(&d);
  assert_int_equal(d.stmt.status, DAPI_STMT_ABORTED);
  double took = now_s() - t0;
  print_message("cancel → ABORTED in %.3f s\n", took);
  assert_true(took < 1.0);
  rec_free(&d);
  rec_free(&c);
  rec_free(&r);
}

static void test_session(void **state) {
  fx *f = *state;
  rec a, b, s;
  execute(f, &f->creds, "create temp table rw_client_t(a int)", NULL, 60, 10, NULL, &a);
  expect_ok(&a);
  assert_int_equal(a.stmt.status, DAPI_STMT_FINISHED);
  assert_non_null(a.stmt.session_id);
  execute(f, &f->creds, "insert into rw_client_t values (41), (1)", a.stmt.session_id, -1, 10, NULL,
          &b);
  expect_ok(&b);
  assert_int_equal(b.stmt.status, DAPI_STMT_FINISHED);
  rec_free(&b);
  execute(f, &f->creds, "select sum(a) from rw_client_t", a.stmt.session_id, -1, 10, NULL, &s);
  expect_ok(&s);
  assert_int_equal(s.stmt.status, DAPI_STMT_FINISHED); /* the temp table lives in the session */
  rec g;
  memset(&g, 0, sizeof(g));
  assert_int_equal(
      dapi_client_get_result(f->client, &f->creds, s.stmt.id, NULL, NULL, on_done, &g, NULL),
      DAPI_OK);
  run_until(f, &g.done, 30);
  expect_ok(&g);
  assert_non_null(strstr(g.body, "\"longValue\":42"));
  rec_free(&g);
  rec_free(&s);
  /* An unknown session is classified as gone. */
  execute(f, &f->creds, "select 1", "00000000-0000-0000-0000-000000000000", -1, 5, NULL, &s);
  assert_int_equal(s.rc, DAPI_EAPI);
  print_message("unknown session: %s: %s\n", s.error.type, s.error.message);
  assert_int_equal(s.error.cls, DAPI_ERR_SESSION_GONE);
  assert_string_equal(dapi_error_sqlstate(&s.error), "08003");
  rec_free(&s);
  rec_free(&a);
}

/* The real service answers a well-formed unknown statement id, and GetStatementResult of a
 * statement without a result set, with HTTP 400 ValidationExceptions (a real-cluster test suite:
 * ballerina-platform/module-ballerinax-aws.redshiftdata, get_statement_result_test.bal,
 * testIncorrectStatementId and testNoQueryResult; tests/emulator/README.md), not with the model's
 * ResourceNotFoundException (404). This is what the client sees of them. */
static void expect_validation(const rec *r, const char *message) {
  assert_int_equal(r->rc, DAPI_EAPI);
  assert_int_equal(r->error.http_status, 400);
  assert_string_equal(r->error.type, "ValidationException");
  assert_string_equal(r->error.message, message);
  print_message("%s -> class %s, SQLSTATE %s\n", message, dapi_err_class_name(r->error.cls),
                dapi_error_sqlstate(&r->error));
}

static void test_missing_statement_and_result(void **state) {
  fx *f = *state;
  rec r, g;
  describe(f, "70662acc-f334-46f8-b953-3a9546796d7k", 0, &r);
  expect_validation(&r, "Query does not exist.");
  rec_free(&r);
  execute(f, &f->creds, "set search_path to public", NULL, -1, 10, NULL, &r);
  expect_ok(&r);
  assert_int_equal(r.stmt.status, DAPI_STMT_FINISHED);
  assert_false(r.stmt.has_result_set);
  memset(&g, 0, sizeof(g));
  assert_int_equal(
      dapi_client_get_result(f->client, &f->creds, r.stmt.id, NULL, NULL, on_done, &g, NULL),
      DAPI_OK);
  run_until(f, &g.done, 30);
  expect_validation(&g, "Query does not have result. Please check query status with "
                        "DescribeStatement.");
  assert_int_equal(g.attempts, 1); /* a client error: never retried */
  rec_free(&g);
  rec_free(&r);
}

static void test_auth_errors(void **state) {
  fx *f = *state;
  rec r;
  dapi_creds wrong = {E.akid, "wrong-secret-0123456789", NULL};
  execute(f, &wrong, "select 1", NULL, -1, 0, NULL, &r);
  assert_int_equal(r.rc, DAPI_EAPI);
  assert_int_equal(r.error.cls, DAPI_ERR_AUTH);
  assert_string_equal(r.error.type, "InvalidSignatureException");
  assert_string_equal(dapi_error_sqlstate(&r.error), "28P01");
  assert_int_equal(r.attempts, 1); /* never retried */
  rec_free(&r);
  dapi_creds unknown = {"AKIDNOSUCHKEY0000000", E.secret, NULL};
  execute(f, &unknown, "select 1", NULL, -1, 0, NULL, &r);
  assert_int_equal(r.error.cls, DAPI_ERR_AUTH);
  assert_string_equal(r.error.type, "UnrecognizedClientException");
  rec_free(&r);
  /* Temporary credentials sign x-amz-security-token; without the token they are refused. */
  dapi_creds temp = {E.temp_akid, E.temp_secret, E.temp_token};
  execute(f, &temp, "select 1", NULL, -1, 5, NULL, &r);
  expect_ok(&r);
  rec_free(&r);
  dapi_creds temp_no_token = {E.temp_akid, E.temp_secret, NULL};
  execute(f, &temp_no_token, "select 1", NULL, -1, 5, NULL, &r);
  assert_int_equal(r.error.cls, DAPI_ERR_AUTH);
  rec_free(&r);
}

static void test_keepalive_reuse(void **state) {
  fx *f = *state;
  rec a, b;
  execute(f, &f->creds, "select 1", NULL, -1, 5, NULL, &a);
  expect_ok(&a);
  assert_int_equal(a.num_connects, 1);
  execute(f, &f->creds, "select 2", NULL, -1, 5, NULL, &b);
  expect_ok(&b);
  assert_int_equal(b.num_connects, 0); /* the first call's connection was reused */
  rec_free(&a);
  rec_free(&b);
}

#define N_CONCURRENT 50

static void test_concurrent(void **state) {
  fx *f = *state;
  static rec recs[N_CONCURRENT];
  char sql[N_CONCURRENT][64];
  for (int i = 0; i < N_CONCURRENT; i++) {
    snprintf(sql[i], sizeof(sql[i]), "select %d, pg_sleep(0.2)", i);
    dapi_execute_input in = {.sql = sql[i],
                             .target = &f->target,
                             .session_keep_alive_seconds = -1,
                             .wait_time_seconds = 20};
    memset(&recs[i], 0, sizeof(recs[i]));
    assert_int_equal(dapi_client_execute(f->client, &f->creds, &in, on_done, &recs[i], NULL),
                     DAPI_OK);
  }
  double t0 = now_s();
  for (int i = 0; i < N_CONCURRENT; i++) {
    run_until(f, &recs[i].done, 60);
  }
  double took = now_s() - t0;
  print_message("%d concurrent executes (0.2 s each) in %.2f s\n", N_CONCURRENT, took);
  for (int i = 0; i < N_CONCURRENT; i++) {
    expect_ok(&recs[i]);
    assert_int_equal(recs[i].stmt.status, DAPI_STMT_FINISHED);
    for (int j = 0; j < i; j++) {
      assert_string_not_equal(recs[i].stmt.id, recs[j].stmt.id);
    }
  }
  /* Concurrency, not a queue: 50 × 0.2 s serially would be 10 s. */
  assert_true(took < 5.0);
  for (int i = 0; i < N_CONCURRENT; i++) {
    rec_free(&recs[i]);
  }
}

typedef struct resumer {
  uv_timer_t timer;
  dapi_call *call;
  bool was_paused;
} resumer;

static void on_resume_timer(uv_timer_t *t) {
  resumer *rs = t->data;
  rs->was_paused = dapi_call_paused(rs->call);
  assert_int_equal(dapi_call_resume(rs->call), DAPI_OK);
  uv_close((uv_handle_t *)&rs->timer, NULL);
}

static void test_pause_resume(void **state) {
  fx *f = *state;
  rec r;
  execute(f, &f->creds, BIG_SQL, NULL, -1, 20, NULL, &r);
  expect_ok(&r);
  /* Reference: the first page without pausing. */
  page ref = {.max_bytes = 64u << 20};
  rec g;
  fetch_page(f, r.stmt.id, NULL, &ref, &g);
  expect_ok(&g);
  rec_free(&g);
  /* Paused on the first chunk; resumed 300 ms later from a uv timer. */
  page p = {.max_bytes = 64u << 20, .pause_first = true};
  dapi_sink sink = {page_sink, &p};
  memset(&g, 0, sizeof(g));
  resumer rs = {0};
  assert_int_equal(
      dapi_client_get_result(f->client, &f->creds, r.stmt.id, NULL, &sink, on_done, &g, &rs.call),
      DAPI_OK);
  uv_timer_init(&f->loop, &rs.timer);
  rs.timer.data = &rs;
  uv_timer_start(&rs.timer, on_resume_timer, 300, 0);
  double t0 = now_s();
  run_until(f, &g.done, 30);
  expect_ok(&g);
  assert_true(rs.was_paused);
  assert_int_equal(p.pauses, 1);
  assert_true(now_s() - t0 >= 0.29);
  assert_int_equal(p.len, ref.len); /* the refused chunk came again, nothing lost or doubled */
  assert_memory_equal(p.data, ref.data, ref.len);
  free(p.data);
  free(ref.data);
  rec_free(&g);
  rec_free(&r);
}

static void test_call_cancel(void **state) {
  fx *f = *state;
  /* In flight: a long poll cancelled at once completes with ECANCELLED, exactly once. */
  rec r, d;
  execute(f, &f->creds, "select pg_sleep(3)", NULL, -1, 0, NULL, &r);
  expect_ok(&r);
  dapi_call *call = NULL;
  memset(&d, 0, sizeof(d));
  assert_int_equal(dapi_client_describe(f->client, &f->creds, r.stmt.id, 10, on_done, &d, &call),
                   DAPI_OK);
  uv_run(&f->loop, UV_RUN_NOWAIT);
  dapi_call_cancel(call);
  dapi_call_cancel(call); /* idempotent */
  assert_false(d.done);   /* never synchronously */
  run_until(f, &d.done, 5);
  assert_int_equal(d.rc, DAPI_ECANCELLED);
  assert_int_equal(d.fired, 1);
  assert_int_equal(d.error.cls, DAPI_ERR_CANCELLED);
  rec_free(&d);
  /* Waiting for a retry: every call is throttled, so the call sits in its backoff (the fixture
   * pins the jitter to its maximum: the first throttling backoff is the whole base delay). */
  set_faults("{\"throttle-rate\":1,\"fault-seed\":7}");
  memset(&d, 0, sizeof(d));
  assert_int_equal(dapi_client_describe(f->client, &f->creds, r.stmt.id, 0, on_done, &d, &call),
                   DAPI_OK);
  double until = now_s() + 0.3;
  while (now_s() < until && !d.done) {
    uv_run(&f->loop, UV_RUN_NOWAIT);
  }
  dapi_call_cancel(call);
  run_until(f, &d.done, 5);
  set_faults("{}");
  assert_int_equal(d.fired, 1);
  if (d.rc != DAPI_ECANCELLED) {
    fail_msg("expected ECANCELLED, got %s (%s)", dapi_strerror(d.rc), d.error.message);
  }
  rec_free(&d);
  rec_free(&r);
}

static void test_retries_under_faults(void **state) {
  fx *f = *state;
  /* A client that retries hard with short backoffs, so the test is quick. */
  dapi_client_conf cc;
  client_conf(&cc);
  cc.retry.max_attempts = 12;
  cc.retry.base_ms = 5;
  cc.retry.throttle_base_ms = 10;
  cc.retry.max_delay_ms = 200;
  cc.connect_timeout_ms = 2000;
  dapi_client *hard = NULL;
  assert_int_equal(dapi_client_new(px_curl_uv_multi(f->px), &cc, &hard), DAPI_OK);
  dapi_client *plain = f->client;

  /* A table that records how often the statement ran. */
  rec r;
  execute(f, &f->creds, "create table if not exists rw_client_once(tok text)", NULL, -1, 10, NULL,
          &r);
  expect_ok(&r);
  rec_free(&r);
  /* Reference pages, fault-free. */
  execute(f, &f->creds, BIG_SQL, NULL, -1, 20, NULL, &r);
  expect_ok(&r);
  size_t ref_lens[64], ref_rows;
  uint64_t ref_sums[64];
  size_t ref_pages = fetch_all(f, r.stmt.id, &ref_rows, ref_lens, ref_sums, 64, NULL);

  /* Five inserts, each with its own ClientToken, under faults aimed at ExecuteStatement. */
  enum { N_INS = 5 };
  char tokens[N_INS][DAPI_UUID_LEN + 1];
  uint32_t exec_attempts = 0;
  set_faults("{\"throttle-rate\":0.4,\"error-rate\":0.2,\"drop-rate\":0.2,\"fault-seed\":3,"
             "\"fault-ops\":\"ExecuteStatement\"}");
  f->client = hard;
  for (int i = 0; i < N_INS; i++) {
    assert_int_equal(dapi_uuid4(tokens[i]), DAPI_OK);
    char ins[256];
    snprintf(ins, sizeof(ins), "insert into rw_client_once values ('%s')", tokens[i]);
    rec x;
    execute(f, &f->creds, ins, NULL, -1, 10, tokens[i], &x);
    f->client = plain;
    if (x.rc != DAPI_OK) {
      set_faults("{}");
    }
    expect_ok(&x);
    f->client = hard;
    exec_attempts += x.attempts;
    rec_free(&x);
  }
  /* Then every page again under faults on every operation. */
  set_faults("{\"throttle-rate\":0.3,\"error-rate\":0.2,\"drop-rate\":0.15,\"fault-seed\":1}");
  size_t lens[64], rows;
  uint64_t sums[64];
  uint32_t max_attempts = 0;
  size_t pages = fetch_all(f, r.stmt.id, &rows, lens, sums, 64, &max_attempts);
  f->client = plain;
  set_faults("{}");
  print_message("under faults: %d executes took %u attempts, pages up to %u attempts, %u tokens "
                "left\n",
                N_INS, exec_attempts, max_attempts, dapi_client_retry_tokens(hard));
  assert_true(exec_attempts > N_INS); /* the faults did hit ExecuteStatement */
  assert_int_equal(pages, ref_pages);
  assert_int_equal(rows, ref_rows);
  for (size_t i = 0; i < pages; i++) {
    assert_int_equal(lens[i], ref_lens[i]);
    assert_true(sums[i] == ref_sums[i]); /* every page's bytes exactly once */
  }

  /* Each insert ran once, however many attempts it took (same ClientToken on every retry). */
  for (int i = 0; i < N_INS; i++) {
    char count_sql[256];
    snprintf(count_sql, sizeof(count_sql), "select count(*) from rw_client_once where tok = '%s'",
             tokens[i]);
    rec c;
    execute(f, &f->creds, count_sql, NULL, -1, 10, NULL, &c);
    expect_ok(&c);
    rec g;
    memset(&g, 0, sizeof(g));
    assert_int_equal(
        dapi_client_get_result(f->client, &f->creds, c.stmt.id, NULL, NULL, on_done, &g, NULL),
        DAPI_OK);
    run_until(f, &g.done, 30);
    expect_ok(&g);
    assert_non_null(strstr(g.body, "\"longValue\":1}"));
    rec_free(&g);
    rec_free(&c);
  }
  rec_free(&r);
  assert_int_equal(dapi_client_free(hard), DAPI_OK);
}

static void test_connect_failure(void **state) {
  (void)state;
  /* A port nobody listens on: transport errors, retried, then classified 08001. */
  dapi_client_conf cc;
  client_conf(&cc);
  cc.endpoint = "http://127.0.0.1:9";
  cc.retry.base_ms = 1;
  cc.retry.throttle_base_ms = 1;
  fx *f = NULL;
  setup_with((void **)&f, &cc);
  rec r;
  execute(f, &f->creds, "select 1", NULL, -1, 0, NULL, &r);
  assert_int_equal(r.rc, DAPI_EAPI);
  assert_int_equal(r.error.cls, DAPI_ERR_TRANSPORT);
  assert_int_equal(r.attempts, 3);
  assert_string_equal(dapi_error_sqlstate(&r.error), "08001");
  rec_free(&r);
  void *st = f;
  teardown(&st);
}

int main(void) {
  E.url = need("EMULATOR_URL");
  E.akid = need("AWS_ACCESS_KEY_ID");
  E.secret = need("AWS_SECRET_ACCESS_KEY");
  E.region = need("AWS_REGION");
  E.workgroup = need("REDWIRE_TEST_WORKGROUP");
  E.database = need("PGDATABASE_DIRECT");
  E.temp_akid = need("REDWIRE_TEST_TEMP_ACCESS_KEY_ID");
  E.temp_secret = need("REDWIRE_TEST_TEMP_SECRET_ACCESS_KEY");
  E.temp_token = need("REDWIRE_TEST_TEMP_SESSION_TOKEN");
  if (dapi_multi_global_init() != DAPI_OK) {
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_execute_wait_and_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_describe_wait, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cancel_statement, setup, teardown),
      cmocka_unit_test_setup_teardown(test_session, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_statement_and_result, setup, teardown),
      cmocka_unit_test_setup_teardown(test_auth_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(test_keepalive_reuse, setup, teardown),
      cmocka_unit_test_setup_teardown(test_concurrent, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pause_resume, setup, teardown),
      cmocka_unit_test_setup_teardown(test_call_cancel, setup_max_jitter, teardown),
      cmocka_unit_test_setup_teardown(test_retries_under_faults, setup, teardown),
      cmocka_unit_test(test_connect_failure),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  curl_global_cleanup();
  return rc;
}
