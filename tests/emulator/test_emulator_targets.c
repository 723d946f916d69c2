/*
 * Stack test of --cluster / --workgroup: an emulator that knows its compute targets refuses the
 * others as the real service refuses a cluster that does not exist in the region.
 *
 * The shared stack's emulator accepts every target, so this test starts a private emulator (the
 * program given as argv[1]) on the stack's PostgreSQL, with the stack's permanent key, and stops
 * it at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_emulator_client.h"

extern char **environ;

static tc_client client;

/* The private emulator's process and files. */
typedef struct private_emulator {
  pid_t pid;
  char dir[64];
  char port_file[96];
  char log_file[96];
} private_emulator;

static private_emulator emu;

static const char *need_env(const char *name) {
  const char *v = getenv(name);
  if (v == NULL || *v == '\0') {
    fprintf(stderr, "test_emulator_targets: %s is not set (run through tests/with-stack-env)\n",
            name);
    exit(1);
  }
  return v;
}

/* Reads the port the emulator wrote (atomically, once listening); 0 while there is none. */
static long read_port(const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    return 0;
  }
  long port = 0;
  if (fscanf(f, "%ld", &port) != 1) {
    port = 0;
  }
  fclose(f);
  return port;
}

/* Starts the emulator of argv[1] with two known targets; exits the test program on failure (no
 * test can run without it). */
static void start_private_emulator(const char *exe) {
  snprintf(emu.dir, sizeof emu.dir, "/tmp/redwire-emu-targets.XXXXXX");
  if (mkdtemp(emu.dir) == NULL) {
    perror("mkdtemp");
    exit(1);
  }
  snprintf(emu.port_file, sizeof emu.port_file, "%s/port", emu.dir);
  snprintf(emu.log_file, sizeof emu.log_file, "%s/emulator.log", emu.dir);
  char pg[256], key[512];
  snprintf(pg, sizeof pg, "host=%s port=%s user=%s", need_env("PGHOST_DIRECT"),
           need_env("PGPORT_DIRECT"), need_env("PGUSER_DIRECT"));
  snprintf(key, sizeof key, "%s:%s", need_env("AWS_ACCESS_KEY_ID"),
           need_env("AWS_SECRET_ACCESS_KEY"));
  char *const args[] = {(char *)exe,
                        "--pg",
                        pg,
                        "--listen",
                        "127.0.0.1:0",
                        "--port-file",
                        emu.port_file,
                        "--key",
                        key,
                        "--region",
                        (char *)need_env("AWS_REGION"),
                        "--log-file",
                        emu.log_file,
                        "--cluster",
                        "known-cluster",
                        "--workgroup",
                        "known-workgroup",
                        NULL};
  int rc = posix_spawn(&emu.pid, exe, NULL, NULL, args, environ);
  if (rc != 0) {
    fprintf(stderr, "test_emulator_targets: cannot start %s: %s\n", exe, strerror(rc));
    exit(1);
  }
  long port = 0;
  for (int i = 0; i < 300 && (port = read_port(emu.port_file)) == 0; i++) {
    nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = 20000000}, NULL);
  }
  if (port == 0) {
    fprintf(stderr, "test_emulator_targets: the emulator wrote no port in 6 s (log: %s)\n",
            emu.log_file);
    kill(emu.pid, SIGKILL);
    waitpid(emu.pid, NULL, 0);
    exit(1);
  }
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%ld", port);
  setenv("EMULATOR_URL", url, 1);
}

/* SIGTERM, then wait for the clean shutdown the emulator does on it. False when it did not end
 * with status 0 (under the sanitizers, a leak report makes it non-zero too). */
static bool stop_private_emulator(void) {
  kill(emu.pid, SIGTERM);
  int status = 0;
  waitpid(emu.pid, &status, 0);
  unlink(emu.port_file);
  unlink(emu.log_file);
  rmdir(emu.dir);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "test_emulator_targets: the private emulator ended with status %d\n", status);
    return false;
  }
  return true;
}

static void assert_unknown_endpoint(const char *op, const char *body) {
  tc_resp r;
  tc_call(&client, op, body, NULL, &r);
  if (r.status != 400) {
    fprintf(stderr, "%s %s: %ld %s\n", op, body, r.status, r.body);
  }
  assert_int_equal(r.status, 400);
  assert_string_equal(tc_error_type(&r), "ValidationException");
  assert_string_equal(tc_error_message(&r), "Redshift endpoint doesn't exist in this region.");
  tc_resp_free(&r);
}

static void test_known_targets_run(void **state) {
  (void)state;
  char id[64];
  tc_resp d;
  assert_true(tc_run(&client, "select 1",
                     "\"ClusterIdentifier\":\"known-cluster\",\"Database\":\"dev\"", id, &d));
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  assert_string_equal(tc_str(d.json, "ClusterIdentifier"), "known-cluster");
  tc_resp_free(&d);
  assert_true(tc_run(&client, "select 1",
                     "\"WorkgroupName\":\"known-workgroup\",\"Database\":\"dev\"", id, &d));
  assert_string_equal(tc_str(d.json, "Status"), "FINISHED");
  tc_resp_free(&d);
  tc_resp r;
  tc_call(&client, "ListDatabases", "{\"WorkgroupName\":\"known-workgroup\",\"Database\":\"dev\"}",
          NULL, &r);
  assert_int_equal(r.status, 200);
  tc_resp_free(&r);
}

static void test_unknown_targets_refused(void **state) {
  (void)state;
  /* The cluster identifier of the real-cluster test that saw this answer. */
  assert_unknown_endpoint("ExecuteStatement",
                          "{\"Sql\":\"select 1\",\"ClusterIdentifier\":\"clusterid\","
                          "\"Database\":\"dev\"}");
  assert_unknown_endpoint("ExecuteStatement",
                          "{\"Sql\":\"select 1\",\"WorkgroupName\":\"other-workgroup\","
                          "\"Database\":\"dev\"}");
  /* A known name of the other kind is not a target of this kind. */
  assert_unknown_endpoint("ExecuteStatement",
                          "{\"Sql\":\"select 1\",\"ClusterIdentifier\":\"known-workgroup\","
                          "\"Database\":\"dev\"}");
  assert_unknown_endpoint("BatchExecuteStatement",
                          "{\"Sqls\":[\"select 1\"],\"ClusterIdentifier\":\"clusterid\","
                          "\"Database\":\"dev\"}");
  assert_unknown_endpoint("ListDatabases", "{\"ClusterIdentifier\":\"clusterid\","
                                           "\"Database\":\"dev\"}");
  assert_unknown_endpoint("DescribeTable", "{\"WorkgroupName\":\"other-workgroup\","
                                           "\"Database\":\"dev\",\"Table\":\"t\"}");
  /* The model's own checks still come first. */
  tc_resp r;
  tc_call(&client, "ExecuteStatement",
          "{\"Sql\":\"select 1\",\"ClusterIdentifier\":\"Bad_Name\",\"Database\":\"dev\"}", NULL,
          &r);
  assert_int_equal(r.status, 400);
  assert_non_null(strstr(tc_error_message(&r), "at 'clusterIdentifier' failed to satisfy"));
  tc_resp_free(&r);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_emulator_targets PATH-TO-redwire-emulator\n");
    return 2;
  }
  start_private_emulator(argv[1]);
  if (!tc_init(&client)) {
    fprintf(stderr, "test_emulator_targets: the stack environment is missing (AWS_*)\n");
    stop_private_emulator();
    return 1;
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_known_targets_run),
      cmocka_unit_test(test_unknown_targets_refused),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  bool clean = stop_private_emulator();
  return rc != 0 ? rc : clean ? 0 : 1;
}
