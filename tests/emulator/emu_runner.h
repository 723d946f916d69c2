/*
 * emu_runner.h — runs submitted statements on PostgreSQL, one detached thread per statement, so
 * ExecuteStatement answers at once and DescribeStatement sees SUBMITTED → PICKED → STARTED →
 * FINISHED | FAILED | ABORTED.
 *
 * A statement in a session runs on the session's dedicated connection (opened by its first
 * statement); a session-less one borrows a clean pooled connection of its Database, autocommit.
 * A batch runs its Sqls serially on one connection, wrapped in BEGIN/COMMIT (ROLLBACK on failure)
 * in TRANSACTION mode.
 */
#ifndef REDWIRE_EMU_RUNNER_H
#define REDWIRE_EMU_RUNNER_H

#include <stdbool.h>

#include "emu_server.h"

/* Starts st (published, status SUBMITTED; if it has a session, the caller has already marked the
 * session BUSY with st as current). Takes its own reference. False when no thread could be
 * started; st is then FAILED and its session released. Lock NOT held by the caller. */
bool emu_runner_start(emu_server *srv, emu_stmt *st);

/* Requests cancellation of st (and its subs): a statement not started yet will not start; for a
 * running one its runner sends PostgreSQL a cancel request within a few tens of milliseconds,
 * and repeats it until the query ends. Lock held by the caller (no I/O happens under it). Returns
 * whether the statement was still running or pending. */
bool emu_runner_cancel_locked(emu_server *srv, emu_stmt *st);

/* Shutdown: cancels every running statement and waits (up to timeout_ms) for runner threads. */
void emu_runner_shutdown(emu_server *srv, int timeout_ms);

#endif
