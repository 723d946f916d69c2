/*
 * emu_server.h — the emulator's shared state, built by main and passed to every handler (no
 * globals). The pointers are owned by main; handlers borrow them for the server's lifetime.
 */
#ifndef REDWIRE_EMU_SERVER_H
#define REDWIRE_EMU_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "emu_config.h"
#include "emu_faults.h"
#include "emu_log.h"
#include "emu_pg.h"
#include "emu_stats.h"
#include "emu_store.h"
#include "emu_sts.h"

typedef struct emu_server {
  const emu_config *cfg;
  emu_store *store;
  emu_pgpool *pool;
  emu_faults *faults;
  emu_stats *stats;
  emu_log *log;
  emu_sts *sts; /* STS: issued temporary keys */
  /* Key of the NextToken MACs: random per process, so tokens cannot be forged or reused across
   * emulator runs. */
  unsigned char token_key[32];
  /* Runner threads alive; guarded by the store lock (shutdown waits for 0). */
  size_t runners;
  bool shutting_down; /* guarded by the store lock */
} emu_server;

#endif
