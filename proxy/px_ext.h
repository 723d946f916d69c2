/* px_ext.h — the extended query protocol on a connection: prepared statements and portals with
 * PostgreSQL's lifetimes, and the state of the messages between two Syncs.
 *
 * How it maps onto the Data API (DESIGN §2, §3; docs/extended-protocol.md):
 *  - Parse and Bind cost no call: a statement is classified lexically (pgw_sql_command), its
 *    parameters are counted ($n), and only Execute runs it.
 *  - A portal runs at most once on the service. Its rows stay there (GetStatementResult serves
 *    them for 24 hours), so a portal is a position in that result: Execute with a row limit sends
 *    that many rows and PortalSuspended; the rest of that page is kept encoded with the portal
 *    (bounded per connection) for the next Execute, which then goes on with the next page —
 *    never a second ExecuteStatement.
 *  - Describe(portal) needs the columns before rows flow. When the next buffered message is an
 *    Execute of the same portal (libpq, pgjdbc, psycopg, node-postgres all send Bind, Describe,
 *    Execute, Sync together), both are answered by one run: RowDescription, rows, completion.
 *    Otherwise the portal runs at Describe with a limit of 0 rows (RowDescription only) and its
 *    Execute resumes the result (from the held rows). A portal of a statement that returns no rows
 * gets NoData without running.
 *  - Describe(statement) runs a zero-row form of a query (`SELECT * FROM (q) LIMIT 0`, or SHOW as
 *    it is) to learn the columns without side effects; the columns are then kept with the
 *    statement. Statements that cannot be wrapped (DML with RETURNING, FETCH) are refused there
 *    (0A000): describe their portal instead.
 *  - Everything between two Syncs is one implicit transaction in PostgreSQL. redwire opens it on
 *    the service (BEGIN) only when a second Execute is already buffered before the Sync; a lone
 *    Execute runs in autocommit, which gives the same outcome. The block commits at Sync, and an
 *    error rolls it back at the Sync that ends the skipped messages.
 */
#ifndef PX_EXT_H
#define PX_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_tag.h"
#include "px_param.h"
#include "px_text.h"
#include "px_txn.h"

/* Result columns kept after a run or a Describe: names in one owned block. */
typedef struct px_ext_cols {
  bool known;      /* the columns (or the absence of a result set) are known */
  bool has_rows;   /* the statement returns rows: RowDescription, else NoData */
  px_column *cols; /* owned; names point into names */
  char *names;     /* owned */
  uint32_t n;
} px_ext_cols;

typedef struct px_ext_stmt {
  struct px_ext_stmt *next;
  char *name; /* owned; "" = the unnamed statement */
  char *sql;  /* owned, NUL-terminated: the one statement, without a trailing ';' */
  size_t len;
  bool empty;           /* only whitespace and comments: Execute answers EmptyQueryResponse */
  pgw_sql_cmd cmd;      /* classification (unused when empty) */
  uint16_t nparams;     /* max(declared types, highest $n) */
  uint32_t *param_oids; /* owned; nparams entries, 0 = unspecified */
  px_ext_cols cols;     /* from a Describe(statement) */
} px_ext_stmt;

typedef enum {
  PX_PORTAL_NEW,       /* bound, not run */
  PX_PORTAL_SUSPENDED, /* ran; rows remain at (stmt_id, token, skip) */
  PX_PORTAL_DONE,      /* ran to the end; a further Execute reports pending_rows */
} px_portal_state;

typedef struct px_ext_portal {
  struct px_ext_portal *next;
  char *name; /* owned; "" = the unnamed portal */
  bool empty; /* the portal keeps what it needs of its statement: it outlives a Close of it */
  pgw_sql_cmd cmd;
  px_param_sql run;  /* owned: the SQL with :pn placeholders and the values, for ExecuteStatement */
  char *declare_sql; /* owned; a DECLARE CURSOR with its parameters as NULLs (cursor shape) */
  int16_t *codes;    /* owned; Bind's result format codes */
  uint16_t ncodes;
  px_portal_state state;
  char *stmt_id; /* owned; the Data API statement holding the rows (suspended) */
  char *token;   /* owned; page to resume with, NULL = the first */
  uint64_t skip; /* records of that page already sent */
  pgw_buf held;  /* owned; DataRows decoded past the last limit, served before the position */
  uint64_t held_rows;
  bool service_done;     /* nothing is left on the service after the held rows */
  uint64_t pending_rows; /* DONE after a Describe-time run: the count its Execute reports */
  bool pending_report;   /* DONE: the completion was not reported by an Execute yet */
  bool answered;         /* its next Execute was answered together with Describe */
  px_ext_cols cols;
} px_ext_portal;

/* A cursor DECLAREd in the session with SQL: PostgreSQL lets Describe(portal) name it
 * (psycopg's server-side cursors do), so its row shape is kept. */
typedef struct px_ext_cursor {
  struct px_ext_cursor *next;
  char *name;         /* owned */
  char *describe_sql; /* owned; the zero-row form of its query */
  px_ext_cols cols;
} px_ext_cursor;

/* What the connection's extended-protocol driver waits for. */
typedef enum {
  PX_EXT_NONE,
  PX_EXT_BEGIN,         /* the implicit block's BEGIN, then portal `cur` runs */
  PX_EXT_EXECUTE,       /* portal `cur` runs (or resumes) for an Execute */
  PX_EXT_DESCRIBE_P,    /* portal `cur` runs for its Describe (fused with Execute or not) */
  PX_EXT_DESCRIBE_S,    /* the zero-row form of a statement or cursor, for `dcols` */
  PX_EXT_SYNC_COMMIT,   /* Sync: COMMIT of the implicit block */
  PX_EXT_SYNC_ROLLBACK, /* Sync after an error: ROLLBACK of the implicit block */
} px_ext_step;

typedef struct px_ext {
  px_ext_stmt *stmts;     /* owned list */
  px_ext_portal *portals; /* owned list */
  px_implicit imp;        /* the implicit block between Syncs, as run on the service */
  px_ext_step step;
  px_ext_portal *cur;     /* borrowed from portals while a step runs */
  px_ext_cols *dcols;     /* borrowed (a statement's or cursor's) while PX_EXT_DESCRIBE_S runs */
  px_ext_cursor *cursors; /* owned list */
  bool fused;             /* PX_EXT_DESCRIBE_P also answers the following Execute */
  uint64_t pre_rows;      /* rows this Execute sent from held rows before the run resumed */
  bool as_rollback; /* the running statement is a COMMIT of a failed block, sent as ROLLBACK */
  /* PX_EXT_BEGIN: how the portal in cur runs once the BEGIN is done (a Describe, and the
   * Execute's row limit, UINT64_MAX for none). */
  bool after_begin_describe;
  uint64_t after_begin_limit;
  bool failed; /* an error since the last Sync: skip to it, roll the block back there */
} px_ext;

#endif
