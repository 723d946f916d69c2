/* px_txn.c — transaction status rules (PostgreSQL 15's xact.c behaviour, as a client sees it). */
#include "px_txn.h"

#include <string.h>

#define NO_TXN_WARNING      "there is no transaction in progress"
#define ALREADY_TXN_WARNING "there is already a transaction in progress"

px_txn_gate px_txn_check(pgw_txn_status st, const pgw_sql_cmd *cmd) {
  if (st != PGW_TXN_FAILED) {
    return PX_TXN_RUN;
  }
  switch (cmd->txn) {
  case PGW_TXN_OP_ROLLBACK:
  case PGW_TXN_OP_ROLLBACK_TO:
    return PX_TXN_RUN;
  case PGW_TXN_OP_COMMIT:
    /* PostgreSQL turns COMMIT of an aborted block into a rollback and tags it ROLLBACK. */
    return PX_TXN_RUN_AS_ROLLBACK;
  default:
    return PX_TXN_REFUSE;
  }
}

pgw_txn_status px_txn_after_success(pgw_txn_status st, const pgw_sql_cmd *cmd) {
  switch (cmd->txn) {
  case PGW_TXN_OP_BEGIN:
    return PGW_TXN_BLOCK;
  case PGW_TXN_OP_COMMIT:
  case PGW_TXN_OP_ROLLBACK:
  case PGW_TXN_OP_PREPARE:
    return cmd->and_chain ? PGW_TXN_BLOCK : PGW_TXN_IDLE;
  case PGW_TXN_OP_ROLLBACK_TO:
    /* Rolling back to a savepoint repairs a failed block. */
    return st == PGW_TXN_IDLE ? PGW_TXN_IDLE : PGW_TXN_BLOCK;
  default:
    return st;
  }
}

pgw_txn_status px_txn_after_error(pgw_txn_status st) {
  return st == PGW_TXN_IDLE ? PGW_TXN_IDLE : PGW_TXN_FAILED;
}

static px_txn_plan plan(px_plan_action action, px_implicit imp) {
  return (px_txn_plan){.action = action, .implicit = imp};
}

static px_txn_plan with_warning(px_txn_plan p, const char *sqlstate, const char *message) {
  p.warning = message;
  p.warning_sqlstate = sqlstate;
  return p;
}

/* PostgreSQL's WarnNoTransactionBlock text for a pgw_sql_cmd.block_only command. */
static const char *block_only_warning(const char *what) {
  if (strcmp(what, "SET TRANSACTION") == 0) {
    return "SET TRANSACTION can only be used in transaction blocks";
  }
  if (strcmp(what, "SET CONSTRAINTS") == 0) {
    return "SET CONSTRAINTS can only be used in transaction blocks";
  }
  return "SET LOCAL can only be used in transaction blocks";
}

static px_txn_plan refuse_no_block(px_implicit imp, const char *what) {
  px_txn_plan p = plan(PX_PLAN_REFUSE_NO_BLOCK, imp);
  p.what = what;
  return p;
}

/* Outside an explicit block, a statement that is not itself transaction control. */
static px_txn_plan plan_plain(px_implicit imp, const pgw_sql_cmd *cmds, size_t n, size_t i) {
  if (imp == PX_IMPLICIT_OPEN) {
    return plan(PX_PLAN_RUN, imp);
  }
  /* It starts an implicit block. A second statement in it needs a transaction on the service;
   * alone (last of the string, or followed by the plain COMMIT that ends the block) autocommit
   * is the same thing. */
  bool alone = i + 1 == n || (cmds[i + 1].txn == PGW_TXN_OP_COMMIT && !cmds[i + 1].and_chain);
  return alone ? plan(PX_PLAN_RUN, PX_IMPLICIT_ALONE) : plan(PX_PLAN_BEGIN_FIRST, PX_IMPLICIT_OPEN);
}

px_txn_plan px_txn_plan_stmt(pgw_txn_status st, px_implicit imp, const pgw_sql_cmd *cmds, size_t n,
                             size_t i) {
  const pgw_sql_cmd *cmd = &cmds[i];
  if (st == PGW_TXN_FAILED) {
    switch (px_txn_check(st, cmd)) {
    case PX_TXN_REFUSE:
      return plan(PX_PLAN_REFUSE_ABORTED, PX_IMPLICIT_NONE);
    case PX_TXN_RUN_AS_ROLLBACK:
      return plan(PX_PLAN_RUN_AS_ROLLBACK, PX_IMPLICIT_NONE);
    case PX_TXN_RUN:
    default:
      return plan(PX_PLAN_RUN, PX_IMPLICIT_NONE);
    }
  }
  if (st == PGW_TXN_BLOCK) {
    px_txn_plan p = plan(PX_PLAN_RUN, PX_IMPLICIT_NONE);
    return cmd->txn == PGW_TXN_OP_BEGIN ? with_warning(p, "25001", ALREADY_TXN_WARNING) : p;
  }
  bool ends = (cmd->txn == PGW_TXN_OP_COMMIT || cmd->txn == PGW_TXN_OP_ROLLBACK);
  if (n < 2) {
    /* Never wrapped: the service answers; only the notice it cannot forward is added. */
    px_txn_plan p = plan(PX_PLAN_RUN, PX_IMPLICIT_NONE);
    if (cmd->block_only != NULL) {
      return with_warning(p, "25P01", block_only_warning(cmd->block_only));
    }
    return ends && !cmd->and_chain ? with_warning(p, "25P01", NO_TXN_WARNING) : p;
  }
  /* An ALONE block is over once its statement ran; only the COMMIT that ends it remains. */
  px_implicit cur = imp == PX_IMPLICIT_ALONE && !ends ? PX_IMPLICIT_NONE : imp;
  switch (cmd->txn) {
  case PGW_TXN_OP_BEGIN:
    /* In an open implicit block the service's transaction simply becomes the client's. */
    return plan(cur == PX_IMPLICIT_OPEN ? PX_PLAN_LOCAL : PX_PLAN_RUN, cur);
  case PGW_TXN_OP_COMMIT:
  case PGW_TXN_OP_ROLLBACK:
    if (cmd->and_chain) {
      return refuse_no_block(cur, cmd->txn == PGW_TXN_OP_COMMIT ? "COMMIT AND CHAIN"
                                                                : "ROLLBACK AND CHAIN");
    }
    /* Nothing open on the service: an empty block, or one whose statement autocommitted. */
    return with_warning(plan(cur == PX_IMPLICIT_OPEN ? PX_PLAN_RUN : PX_PLAN_LOCAL, cur), "25P01",
                        NO_TXN_WARNING);
  case PGW_TXN_OP_SAVEPOINT:
    return refuse_no_block(cur, "SAVEPOINT");
  case PGW_TXN_OP_RELEASE:
    return refuse_no_block(cur, "RELEASE SAVEPOINT");
  case PGW_TXN_OP_ROLLBACK_TO:
    return refuse_no_block(cur, "ROLLBACK TO SAVEPOINT");
  case PGW_TXN_OP_PREPARE:
    /* Ends the block like COMMIT; with nothing open the service answers as PostgreSQL. */
    return plan(PX_PLAN_RUN, cur);
  case PGW_TXN_OP_NONE:
  default:
    return plan_plain(cur, cmds, n, i);
  }
}

px_implicit px_txn_implicit_after(px_implicit imp, const pgw_sql_cmd *cmd) {
  switch (cmd->txn) {
  case PGW_TXN_OP_BEGIN:
  case PGW_TXN_OP_COMMIT:
  case PGW_TXN_OP_ROLLBACK:
  case PGW_TXN_OP_PREPARE:
    return PX_IMPLICIT_NONE;
  default:
    return imp;
  }
}
