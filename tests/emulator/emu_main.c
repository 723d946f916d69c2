/*
 * redwire-emulator: a Redshift Data API emulator backed by PostgreSQL (see README.md).
 *
 * main wires the parts together, writes the port file once the socket listens, reaps expired
 * sessions and old statements every 200 ms, and shuts down cleanly on SIGINT/SIGTERM.
 */
#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "emu_config.h"
#include "emu_http.h"
#include "emu_runner.h"
#include "emu_server.h"
#include "emu_validate.h"

#define REAP_INTERVAL_MS 200
/* Pooled idle session-less connections kept per process. */
#define POOL_IDLE 16

/* Writes the port to path atomically: readers see the whole number or no file. */
static bool write_port_file(const char *path, uint16_t port) {
  char tmp[4096];
  if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
    return false;
  }
  FILE *f = fopen(tmp, "w");
  if (f == NULL) {
    return false;
  }
  bool ok = fprintf(f, "%u\n", (unsigned)port) > 0;
  ok = (fclose(f) == 0) && ok;
  if (ok && rename(tmp, path) != 0) {
    ok = false;
  }
  if (!ok) {
    unlink(tmp);
  }
  return ok;
}

/* A million-row result is a PGresult of ~150 MB built by libpq in 2 KiB blocks on a runner thread.
 * With glibc's defaults each thread's arena grows its heap a page at a time (one mprotect per
 * few blocks, tens of thousands per query) and gives the memory back after every query, so the
 * next one faults it all in again: a third of the emulator's CPU for a big select. One arena
 * grown in 16 MiB steps, trimmed only above 256 MiB free, and page buffers taken from the heap
 * rather than from fresh mmaps make that cost vanish. Only the allocator's tuning changes. */
static void tune_malloc(void) {
#if defined(__GLIBC__)
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_TOP_PAD, 16 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
}

int main(int argc, char **argv) {
  tune_malloc();
  emu_config cfg;
  char err[1024];
  emu_config_rc rc = emu_config_parse(argc, argv, &cfg, err, sizeof err);
  if (rc != EMU_CONFIG_OK) {
    if (rc == EMU_CONFIG_ERROR) {
      fprintf(stderr, "redwire-emulator: %s\n", err);
    }
    emu_config_free(&cfg);
    return rc == EMU_CONFIG_ERROR ? 2 : 0;
  }
  if (!emu_validate_init()) {
    fprintf(stderr, "redwire-emulator: the model's patterns do not compile\n");
    emu_config_free(&cfg);
    return 1;
  }

  /* Signals are taken synchronously by this thread only; every other thread inherits the mask.
   * SIGPIPE is ignored: a client closing mid-answer is an ordinary event. */
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);
  signal(SIGPIPE, SIG_IGN);

  emu_server srv;
  memset(&srv, 0, sizeof srv);
  srv.cfg = &cfg;
  srv.log = emu_log_open(cfg.log_file, cfg.verbose);
  srv.store = emu_store_new(cfg.max_result_bytes, cfg.max_sessions);
  srv.pool = emu_pgpool_new(cfg.pg_conninfo, POOL_IDLE);
  srv.faults = emu_faults_new(&cfg.faults);
  srv.stats = emu_stats_new();
  srv.sts = emu_sts_new();
  int status = 1;
  emu_http *http = NULL;
  if (srv.log == NULL) {
    fprintf(stderr, "redwire-emulator: --log-file %s: %s\n", cfg.log_file, strerror(errno));
  } else if (srv.store == NULL || srv.pool == NULL || srv.faults == NULL || srv.stats == NULL ||
             srv.sts == NULL || RAND_bytes(srv.token_key, sizeof srv.token_key) != 1) {
    fprintf(stderr, "redwire-emulator: out of memory or no system randomness\n");
  } else {
    uint16_t port = 0;
    http = emu_http_start(&srv, cfg.listen_host, cfg.listen_port, &port, err, sizeof err);
    if (http == NULL) {
      fprintf(stderr, "redwire-emulator: %s\n", err);
    } else if (cfg.port_file != NULL && !write_port_file(cfg.port_file, port)) {
      fprintf(stderr, "redwire-emulator: --port-file %s: %s\n", cfg.port_file, strerror(errno));
    } else {
      emu_log_msg(srv.log,
                  "redwire-emulator listening on %s:%u region=%s keys=%zu page-rows=%zu "
                  "page-bytes=%zu",
                  cfg.listen_host, (unsigned)port, cfg.region, cfg.n_keys, cfg.page_rows,
                  cfg.page_bytes);
      struct timespec tick = {.tv_sec = 0, .tv_nsec = REAP_INTERVAL_MS * 1000000L};
      for (;;) {
        int sig = sigtimedwait(&sigs, NULL, &tick);
        if (sig == SIGINT || sig == SIGTERM) {
          emu_log_msg(srv.log, "signal %d: shutting down", sig);
          break;
        }
        emu_store_reap(srv.store, emu_now_epoch());
      }
      status = 0;
    }
  }
  if (srv.store != NULL) {
    /* Wake long polls first so connection threads can finish, then stop HTTP, then statements. */
    emu_store_lock(srv.store);
    srv.shutting_down = true;
    emu_store_broadcast(srv.store);
    emu_store_unlock(srv.store);
  }
  emu_http_stop(http);
  if (srv.store != NULL) {
    emu_runner_shutdown(&srv, 10000);
    emu_store_lock(srv.store);
    bool idle = srv.runners == 0;
    emu_store_unlock(srv.store);
    if (idle) {
      emu_store_free(srv.store);
    } /* else: a statement thread still runs; leave its memory to the exit */
  }
  emu_pgpool_free(srv.pool);
  emu_faults_free(srv.faults);
  emu_stats_free(srv.stats);
  emu_sts_free(srv.sts);
  emu_log_close(srv.log);
  emu_config_free(&cfg);
  return status;
}
