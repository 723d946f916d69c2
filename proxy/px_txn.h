/* px_txn.h — the transaction status a PostgreSQL server would report, tracked from command
 * classes (pgw_tag) and statement outcomes, and the plan of each statement of a simple Query
 * under PostgreSQL's implicit transaction blocks. Pure functions: unit-tested without a loop.
 *
 * The Data API session runs the real transaction; redwire mirrors its state so that it can send
 * the right ReadyForQuery status ('I', 'T', 'E') and refuse commands in a failed block locally
 * with 25P02, as PostgreSQL would, without an API call.
 *
 * Implicit blocks (PostgreSQL 15 xact.c, TBLOCK_IMPLICIT_INPROGRESS), for a Query string of two
 * or more statements: a statement that starts while no block is open starts an implicit block;
 * BEGIN inside it turns it into a regular block silently (the string's earlier statements
 * belong to it); COMMIT/ROLLBACK end it (with WARNING "there is no transaction in progress"),
 * and the next statement starts a new one; at the end of the string it commits; an error rolls
 * it back (ReadyForQuery 'I') while an explicit block stays failed ('E'). SAVEPOINT, RELEASE,
 * ROLLBACK TO and COMMIT/ROLLBACK AND CHAIN fail in it (25P01). A one-statement string never
 * gets a block of its own.
 *
 * redwire opens an implicit block on the service (BEGIN) lazily: only when a second statement
 * of the string will run in it. A block's last statement of the string, or a statement followed
 * directly by a plain COMMIT, runs alone — autocommit gives the same all-or-nothing result
 * without BEGIN/COMMIT calls — and that COMMIT, like a BEGIN turning an open implicit block into
 * a regular one, is answered without a call.
 */
#ifndef PX_TXN_H
#define PX_TXN_H

#include <stdbool.h>
#include <stddef.h>

#include "pgw_encode.h"
#include "pgw_tag.h"

/* What to do with a statement before running it. */
typedef enum {
  PX_TXN_RUN,             /* send it as it is */
  PX_TXN_REFUSE,          /* failed block: answer 25P02 without calling the API */
  PX_TXN_RUN_AS_ROLLBACK, /* COMMIT of a failed block: send ROLLBACK, report tag "ROLLBACK" */
} px_txn_gate;

px_txn_gate px_txn_check(pgw_txn_status st, const pgw_sql_cmd *cmd);

/* The status after cmd succeeded in status st. */
pgw_txn_status px_txn_after_success(pgw_txn_status st, const pgw_sql_cmd *cmd);

/* The status after a statement failed in status st: a block becomes failed, no block stays. */
pgw_txn_status px_txn_after_error(pgw_txn_status st);

/* The implicit block of a multi-statement Query, as redwire runs it on the service. */
typedef enum {
  PX_IMPLICIT_NONE,  /* no implicit block open */
  PX_IMPLICIT_ALONE, /* the block's one statement runs/ran alone (autocommit), nothing open */
  PX_IMPLICIT_OPEN,  /* BEGIN was sent: the block is a transaction on the service */
} px_implicit;

typedef enum {
  PX_PLAN_RUN,             /* send the statement as it is */
  PX_PLAN_BEGIN_FIRST,     /* send BEGIN (opens the implicit block), then the statement */
  PX_PLAN_RUN_AS_ROLLBACK, /* COMMIT of a failed block: send ROLLBACK, tag "ROLLBACK" */
  PX_PLAN_LOCAL,           /* succeeds without an API call: only its CommandComplete */
  PX_PLAN_REFUSE_ABORTED,  /* failed block: 25P02, no API call */
  PX_PLAN_REFUSE_NO_BLOCK, /* 25P01 "<what> can only be used in transaction blocks" */
} px_plan_action;

typedef struct px_txn_plan {
  px_plan_action action;
  px_implicit implicit; /* the implicit block while the statement runs */
  const char *warning;  /* static; NULL or a WARNING PostgreSQL sends before the outcome */
  const char *warning_sqlstate;
  const char *what; /* static; PX_PLAN_REFUSE_NO_BLOCK: the command named in the message */
} px_txn_plan;

/* The plan of statement i of cmds[0..n) (one Query string), in status st with implicit block
 * imp (PX_IMPLICIT_NONE before the first statement). */
px_txn_plan px_txn_plan_stmt(pgw_txn_status st, px_implicit imp, const pgw_sql_cmd *cmds, size_t n,
                             size_t i);

/* The implicit block after cmd, run with implicit block imp, succeeded: transaction control
 * ends it (BEGIN turns it into the regular block px_txn_after_success reports). */
px_implicit px_txn_implicit_after(px_implicit imp, const pgw_sql_cmd *cmd);

#endif
