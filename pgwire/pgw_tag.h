/* pgw_tag.h — what kind of statement this is: its CommandComplete tag, whether it returns rows
 * and whether it controls the transaction.
 *
 * Tags are PostgreSQL 15's (verified against a PostgreSQL 15 server with PQcmdStatus; the pairs
 * are in tests/pgwire/test_pgw_tag.c). Classification is lexical — the first keywords, plus a
 * scan at the statement's own parenthesis level for AS, INTO, RETURNING, ON and WITH NO DATA —
 * so it never needs a parser, and never looks inside literals or comments. Where PostgreSQL
 * decides at run time, the caller must adjust:
 *  - EXECUTE reports the prepared statement's tag (is_execute is set);
 *  - COMMIT of a failed transaction reports ROLLBACK;
 *  - CREATE TABLE IF NOT EXISTS ... AS reports CREATE TABLE AS when the table already existed.
 */
#ifndef PGW_TAG_H
#define PGW_TAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_error.h"
#include "pgw_rc.h"

typedef enum {
  PGW_TAG_PLAIN,  /* the tag alone: "CREATE TABLE" */
  PGW_TAG_COUNT,  /* tag and row count: "UPDATE 3" */
  PGW_TAG_INSERT, /* "INSERT 0 3": the 0 is the long-gone row OID */
} pgw_tag_style;

typedef enum {
  PGW_TXN_OP_NONE,
  PGW_TXN_OP_BEGIN,       /* BEGIN, START TRANSACTION */
  PGW_TXN_OP_COMMIT,      /* COMMIT, END (not COMMIT PREPARED) */
  PGW_TXN_OP_ROLLBACK,    /* ROLLBACK, ABORT (not ROLLBACK PREPARED) */
  PGW_TXN_OP_SAVEPOINT,   /* SAVEPOINT */
  PGW_TXN_OP_RELEASE,     /* RELEASE [SAVEPOINT] */
  PGW_TXN_OP_ROLLBACK_TO, /* ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] */
  PGW_TXN_OP_PREPARE,     /* PREPARE TRANSACTION: ends the block like COMMIT */
} pgw_txn_op;

#define PGW_TAG_MAX 48

typedef struct pgw_sql_cmd {
  char tag[PGW_TAG_MAX]; /* base tag, e.g. "SELECT", "CREATE TABLE"; "" if unrecognisable */
  pgw_tag_style style;
  bool returns_rows; /* a RowDescription and DataRows precede CommandComplete */
  pgw_txn_op txn;
  bool and_chain;  /* COMMIT/ROLLBACK AND CHAIN: a new block starts at once */
  bool is_execute; /* EXECUTE name: the tag is the prepared statement's */
  /* "SET LOCAL", "SET TRANSACTION", "SET CONSTRAINTS": PostgreSQL warns (25P01) when one runs
   * outside a transaction block, where it has no effect; NULL otherwise. Static. */
  const char *block_only;
} pgw_sql_cmd;

/* Classifies one statement (as delimited by pgw_sql_split; a trailing ';' ends it).
 * PGW_EPROTO: lexical error (err filled, may be NULL) or nothing but whitespace/comments. */
PGW_MUSTCHECK pgw_rc pgw_sql_command(const char *sql, size_t len, pgw_sql_cmd *cmd, pgw_error *err);

/* Writes the CommandComplete text for rows affected/returned ("INSERT 0 5", "SELECT 2",
 * "CREATE TABLE"). PGW_ETOOBIG if cap is too small (PGW_TAG_MAX + 24 always suffices). */
PGW_MUSTCHECK pgw_rc pgw_sql_tag_format(const pgw_sql_cmd *cmd, uint64_t rows, char *out,
                                        size_t cap);

#endif
