/* px_main.c — redwire's entry point: settings, then the server on a libuv loop. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

#include "conf.h"
#include "dapi_multi.h"
#include "px_features.h"
#include "px_server.h"
#include "px_tls.h"
#include "px_userlist.h"

static void print_diags(const conf_diags *d) {
  for (size_t i = 0; i < d->count; i++) {
    fprintf(stderr, "redwire: %s: %s\n", d->items[i].kind == CONF_DIAG_ERROR ? "error" : "warning",
            d->items[i].text);
  }
  if (d->dropped > 0) {
    fprintf(stderr, "redwire: ... and %zu more\n", d->dropped);
  }
}

static int write_pid_file(const char *path) {
  if (path[0] == '\0') {
    return 0;
  }
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "redwire: cannot write pid_file %s\n", path);
    return -1;
  }
  fprintf(f, "%ld\n", (long)uv_os_getpid());
  return fclose(f) == 0 ? 0 : -1;
}

/* --check-config also reads the files the settings name, as a start would: the TLS certificate,
 * key and CA, and auth_file. */
static bool check_files(const conf_settings *conf) {
  char why[400];
  bool ok = true;
  if (conf->redwire.client_tls_sslmode != CONF_SSLMODE_DISABLE) {
    SSL_CTX *ctx = px_tls_ctx_new(&conf->redwire, why, sizeof why);
    if (ctx == NULL) {
      fprintf(stderr, "redwire: error: TLS: %s\n", why);
      ok = false;
    }
    SSL_CTX_free(ctx);
  }
  if (conf->redwire.auth_mode == CONF_AUTH_USERLIST) {
    auth_userlist users;
    size_t n_plain = 0;
    if (px_userlist_load(conf->redwire.auth_file, &users, &n_plain, why, sizeof why) != PX_OK) {
      fprintf(stderr, "redwire: error: %s\n", why);
      ok = false;
    } else if (n_plain > 0) {
      fprintf(stderr, "redwire: warning: auth_file %s holds %zu plain-text password(s)\n",
              conf->redwire.auth_file, n_plain);
    }
    auth_userlist_free(&users);
  }
  return ok;
}

int main(int argc, char **argv, char **envp) {
  const char *const *cargv = (const char *const *)argv;
  const char *const *cenvp = (const char *const *)envp;
  conf_diags diags;
  conf_diags_init(&diags);
  conf_settings *conf = NULL;
  conf_action action = CONF_ACTION_RUN;
  conf_rc rc = conf_load(argc, cargv, cenvp, &conf, &action, &diags);
  print_diags(&diags);
  if (rc != CONF_OK) {
    fprintf(stderr, "redwire: configuration rejected (%s)\n", conf_strerror(rc));
    return 1;
  }
  size_t warnings = diags.warnings;
  if (action == CONF_ACTION_RUN || action == CONF_ACTION_CHECK_CONFIG) {
    px_feature_finding found[PX_FEATURES_MAX];
    size_t n = px_features_check(conf, found);
    for (size_t i = 0; i < n; i++) {
      warnings += found[i].fatal ? 0 : 1;
      fprintf(stderr, "redwire: %s: %s\n", found[i].fatal ? "error" : "warning", found[i].text);
    }
    if (px_features_any_fatal(found, n)) {
      fprintf(stderr, "redwire: configuration rejected\n");
      conf_free(conf);
      return 1;
    }
  }
  switch (action) {
  case CONF_ACTION_HELP:
    fputs(conf_help_text(), stdout);
    return 0;
  case CONF_ACTION_VERSION:
    printf("%s\n", conf_version_text());
    return 0;
  case CONF_ACTION_CHECK_CONFIG:
    if (!check_files(conf)) {
      fprintf(stderr, "redwire: configuration rejected\n");
      conf_free(conf);
      return 1;
    }
    printf("redwire: configuration OK (%zu warning(s))\n", warnings);
    conf_free(conf);
    return 0;
  case CONF_ACTION_RUN:
    break;
  }

  /* A client that disconnects mid-write must cost an EPIPE, not the process. */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &sa, NULL);

  if (dapi_multi_global_init() != DAPI_OK) {
    fprintf(stderr, "redwire: libcurl initialisation failed\n");
    conf_free(conf);
    return 1;
  }
  char pid_file[4096];
  snprintf(pid_file, sizeof pid_file, "%s", conf->redwire.pid_file);
  if (write_pid_file(pid_file) != 0) {
    conf_free(conf);
    return 1;
  }
  uv_loop_t loop;
  if (uv_loop_init(&loop) != 0) {
    fprintf(stderr, "redwire: cannot create the event loop\n");
    conf_free(conf);
    return 1;
  }
  px_server srv;
  px_status st = px_server_start(&srv, &loop, argc, cargv, cenvp, conf);
  uv_run(&loop, UV_RUN_DEFAULT);
  int code = st == PX_OK ? srv.exit_code : 1;
  px_server_cleanup(&srv);
  if (uv_loop_close(&loop) != 0) {
    fprintf(stderr, "redwire: handles left open at exit\n");
  }
  if (pid_file[0] != '\0') {
    remove(pid_file);
  }
  return code;
}
