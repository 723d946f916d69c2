/*
 * Stack test of the session hand-off: a session must be free the moment its statement is
 * reported terminal, whichever way the client learns it (ExecuteStatement or DescribeStatement
 * long polls, a batch, a CancelStatement answer). Runs against the live emulator of
 * `tests/stack up`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pthread.h>

#include <cmocka.h>

#include "test_emulator_client.h"

static tc_client client;

#define TARGET "\"WorkgroupName\":\"redwire-test\",\"Database\":\"dev\""

/* redwire submits a session's next statement as soon as it sees the previous one terminal, so
 * the emulator must hand the session back in the same step that publishes the terminal status.
 * Each round below submits right after a terminal answer; an answer "busy" is a failure (the
 * emulator used to publish first and free the session a moment later). Several sessions run
 * their rounds at once, in threads, to keep the emulator's cores busy: a runner thread preempted
 * between the two steps is how that race showed. The threads never call cmocka's asserts (they
 * longjmp): they record what went wrong and the main thread asserts. */
#define BACK_TO_BACK      200
#define CANCEL_ROUNDS     50
#define PARALLEL_SESSIONS 6

typedef struct session_rounds {
  int busy_execute, busy_describe, busy_batch, busy_cancel;
  int not_aborted;   /* CancelStatement answered, but the statement was not ABORTED */
  char failure[512]; /* the first unexpected answer; "" when none */
} session_rounds;

/* Calls op; true when it answered 200 and, if want_status is given, that Status. Records a busy
 * refusal in *busy and any other surprise in sr->failure. */
static bool round_call(session_rounds *sr, const char *op, const char *body,
                       const char *want_status, int *busy, char id_out[64]) {
  tc_resp r;
  tc_call(&client, op, body, NULL, &r);
  const char *status = tc_str(r.json, "Status");
  const char *id = tc_str(r.json, "Id");
  bool ok = r.status == 200 &&
            (want_status == NULL || (status != NULL && strcmp(status, want_status) == 0));
  if (r.status == 400 && strstr(tc_error_message(&r), "is busy running statement") != NULL) {
    (*busy)++;
  } else if (!ok && sr->failure[0] == '\0') {
    snprintf(sr->failure, sizeof sr->failure, "%s: %ld %.400s", op, r.status, r.body);
  }
  if (ok && id_out != NULL) {
    snprintf(id_out, 64, "%s", id != NULL ? id : "");
  }
  tc_resp_free(&r);
  return ok;
}

static void *session_rounds_main(void *arg) {
  session_rounds *sr = arg;
  char id[64], sid[64] = "", body[400];
  int none = 0;
  tc_resp r;
  tc_call(&client, "ExecuteStatement",
          "{\"Sql\":\"select 0\",\"SessionKeepAliveSeconds\":15,\"WaitTimeSeconds\":10," TARGET "}",
          NULL, &r);
  if (tc_str(r.json, "SessionId") != NULL) {
    snprintf(sid, sizeof sid, "%s", tc_str(r.json, "SessionId"));
  } else {
    snprintf(sr->failure, sizeof sr->failure, "no session: %ld %.400s", r.status, r.body);
  }
  tc_resp_free(&r);
  /* ExecuteStatement long-polls until FINISHED; the next ExecuteStatement follows at once. */
  for (int i = 0; i < BACK_TO_BACK && sr->failure[0] == '\0'; i++) {
    snprintf(body, sizeof body,
             "{\"Sql\":\"select %d\",\"SessionId\":\"%s\",\"WaitTimeSeconds\":10}", i, sid);
    round_call(sr, "ExecuteStatement", body, "FINISHED", &sr->busy_execute, NULL);
  }
  /* DescribeStatement long-polls until FINISHED. */
  for (int i = 0; i < BACK_TO_BACK / 4 && sr->failure[0] == '\0'; i++) {
    snprintf(body, sizeof body, "{\"Sql\":\"select %d\",\"SessionId\":\"%s\"}", i, sid);
    if (round_call(sr, "ExecuteStatement", body, NULL, &sr->busy_describe, id)) {
      char q[200];
      snprintf(q, sizeof q, "{\"Id\":\"%s\",\"WaitTimeSeconds\":10}", id);
      round_call(sr, "DescribeStatement", q, "FINISHED", &none, NULL);
    }
  }
  /* A batch frees the session when the batch ends, not when its last sub-statement does. */
  for (int i = 0; i < BACK_TO_BACK / 4 && sr->failure[0] == '\0'; i++) {
    snprintf(body, sizeof body,
             "{\"Sqls\":[\"select 1\",\"select %d\"],\"SessionId\":\"%s\","
             "\"WaitTimeSeconds\":10}",
             i, sid);
    round_call(sr, "BatchExecuteStatement", body, "FINISHED", &sr->busy_batch, NULL);
  }
  /* CancelStatement answers once the statement is ABORTED, and the session is free by then —
   * whether the cancel caught the statement running on PostgreSQL, before it started, or in
   * between (sent, but not yet received by PostgreSQL, which ignores a cancel then). */
  for (int i = 0; i < CANCEL_ROUNDS && sr->failure[0] == '\0'; i++) {
    snprintf(body, sizeof body, "{\"Sql\":\"select pg_sleep(30)\",\"SessionId\":\"%s\"}", sid);
    if (!round_call(sr, "ExecuteStatement", body, NULL, &sr->busy_cancel, id)) {
      continue;
    }
    if (i % 4 == 0) {
      nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 50000000}, NULL); /* let it start */
    }
    char q[200];
    snprintf(q, sizeof q, "{\"Id\":\"%s\"}", id);
    round_call(sr, "CancelStatement", q, NULL, &none, NULL);
    tc_resp d;
    tc_call(&client, "DescribeStatement", q, NULL, &d);
    const char *status = tc_str(d.json, "Status");
    sr->not_aborted += status == NULL || strcmp(status, "ABORTED") != 0;
    tc_resp_free(&d);
    snprintf(body, sizeof body,
             "{\"Sql\":\"select 'after cancel'\",\"SessionId\":\"%s\","
             "\"WaitTimeSeconds\":10}",
             sid);
    round_call(sr, "ExecuteStatement", body, "FINISHED", &sr->busy_cancel, NULL);
  }
  if (none != 0 && sr->failure[0] == '\0') {
    snprintf(sr->failure, sizeof sr->failure, "DescribeStatement or CancelStatement said busy");
  }
  return NULL;
}

static void test_session_free_once_terminal(void **state) {
  (void)state;
  pthread_t threads[PARALLEL_SESSIONS];
  session_rounds rounds[PARALLEL_SESSIONS];
  memset(rounds, 0, sizeof rounds);
  for (int t = 0; t < PARALLEL_SESSIONS; t++) {
    assert_int_equal(pthread_create(&threads[t], NULL, session_rounds_main, &rounds[t]), 0);
  }
  for (int t = 0; t < PARALLEL_SESSIONS; t++) {
    assert_int_equal(pthread_join(threads[t], NULL), 0);
  }
  session_rounds sum = {0};
  for (int t = 0; t < PARALLEL_SESSIONS; t++) {
    if (rounds[t].failure[0] != '\0') {
      fail_msg("session %d: %s", t, rounds[t].failure);
    }
    sum.busy_execute += rounds[t].busy_execute;
    sum.busy_describe += rounds[t].busy_describe;
    sum.busy_batch += rounds[t].busy_batch;
    sum.busy_cancel += rounds[t].busy_cancel;
    sum.not_aborted += rounds[t].not_aborted;
  }
  print_message("over %d sessions: busy answers: execute %d/%d, describe %d/%d, batch %d/%d, "
                "cancel %d/%d; cancels not ABORTED when answered: %d/%d\n",
                PARALLEL_SESSIONS, sum.busy_execute, PARALLEL_SESSIONS * BACK_TO_BACK,
                sum.busy_describe, PARALLEL_SESSIONS * BACK_TO_BACK / 4, sum.busy_batch,
                PARALLEL_SESSIONS * BACK_TO_BACK / 4, sum.busy_cancel,
                PARALLEL_SESSIONS * CANCEL_ROUNDS * 2, sum.not_aborted,
                PARALLEL_SESSIONS * CANCEL_ROUNDS);
  assert_int_equal(sum.busy_execute, 0);
  assert_int_equal(sum.busy_describe, 0);
  assert_int_equal(sum.busy_batch, 0);
  assert_int_equal(sum.busy_cancel, 0);
  assert_int_equal(sum.not_aborted, 0);
}

int main(void) {
  if (!tc_init(&client)) {
    fprintf(stderr,
            "test_emulator_sessions: the stack environment is missing (EMULATOR_URL, AWS_*)\n");
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_session_free_once_terminal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
