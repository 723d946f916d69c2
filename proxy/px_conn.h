/* px_conn.h — one client connection: its state machine, buffers and close discipline
 * (STYLE R5, R6, R12), plus the per-connection parts of the statement runner and the query
 * driver that are embedded in it.
 *
 * Lifetime: created on accept, owned by the server's list. px_conn_close is idempotent; the
 * struct is freed only when both uv handles have closed AND every Data API call started for it
 * has fired its done callback (calls keep a borrowed pointer to the connection as their ctx).
 *
 * Output: messages are encoded into `out`; at most one uv_write is in flight, from `wbuf`
 * (the two buffers are swapped when wbuf is empty), so encoding never moves bytes libuv is
 * reading. Above client_output_high_water queued bytes the Data API transfer is paused and
 * input is not read; both resume below client_output_low_water.
 *
 * Idle memory (bench/run idle-memory, target <= 1 KiB per idle client): what only a running
 * statement or a pending timeout needs is allocated then and freed after — the result sink, the
 * uv_write_t of the write in flight, the timer (login timeout, statement_timeout) — and the
 * buffers drop to zero capacity when the connection goes idle. An idle client costs its struct
 * and its login strings.
 */
#ifndef PX_CONN_H
#define PX_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "dapi_client.h"
#include "pgw_buf.h"
#include "pgw_decode.h"
#include "pgw_encode.h"
#include "pgw_sql.h"
#include "pgw_tag.h"
#include "px_auth.h"
#include "px_ext.h"
#include "px_server.h"
#include "px_session.h"
#include "px_sink.h"
#include "px_tls.h"
#include "px_txn.h"

typedef enum {
  PX_CONN_STARTUP,  /* expecting SSLRequest / GSSENCRequest / StartupMessage / CancelRequest */
  PX_CONN_AUTH,     /* AuthenticationCleartextPassword sent; expecting the password */
  PX_CONN_IDLE,     /* ReadyForQuery sent; decoding the next command */
  PX_CONN_BUSY,     /* a query is running: a Data API statement or call in flight */
  PX_CONN_FLUSHING, /* a final message (FATAL) is queued; close once it is written */
  PX_CONN_CLOSING,  /* uv_close issued; freed once handles and calls are done */
  PX_CONN_STATE_MAX /* not a state */
} px_conn_state;

const char *px_conn_state_name(px_conn_state s);

/* Why a running statement is being cancelled; decides the 57014 message. */
typedef enum {
  PX_CANCEL_NONE,
  PX_CANCEL_USER,       /* CancelRequest */
  PX_CANCEL_TIMEOUT,    /* statement_timeout */
  PX_CANCEL_DISCONNECT, /* the client went away */
  PX_CANCEL_SHUTDOWN,   /* SIGINT / drain timeout */
} px_cancel_reason;

typedef enum {
  PX_RUN_NONE,           /* no statement */
  PX_RUN_EXECUTE,        /* ExecuteStatement (with WaitTimeSeconds) in flight */
  PX_RUN_DESCRIBE,       /* DescribeStatement (long poll) until terminal */
  PX_RUN_ERROR_DESCRIBE, /* FAILED: one DescribeStatement for the Error text */
  PX_RUN_FETCH,          /* GetStatementResult pages streaming to the client */
} px_run_phase;

/* What a finished statement reports to the query driver. */
typedef enum { PX_OUT_OK, PX_OUT_ERROR, PX_OUT_FATAL } px_outcome_kind;

typedef struct px_outcome {
  px_outcome_kind kind;
  bool has_result_set; /* rows (maybe 0) were described and sent */
  uint64_t rows;       /* rows sent, or ResultRows of a statement without result set */
  pgw_error err;       /* kind != PX_OUT_OK */
  /* Extended protocol; every pointer is borrowed for the duration of the done callback. */
  bool suspended;           /* the row limit was reached: the portal resumes at the position */
  bool at_end;              /* suspended exactly at the result's end: nothing is left */
  const char *stmt_id;      /* the Data API statement whose result holds the rows */
  const char *resume_token; /* NextToken of the page to resume with; NULL: the first page */
  uint64_t resume_skip;     /* records of that page the client has already */
  const px_column *cols;    /* the result's columns (has_result_set) */
  uint32_t ncols;
  pgw_buf *held;      /* suspended: DataRows after the limit, kept for the next Execute; the
                       * callback may take the buffer (move it out and leave it empty) */
  uint64_t held_rows; /* DataRows in held; the resume position is after them */
} px_outcome;

/* How the extended protocol runs a statement (px_runner_start_ext, px_runner_resume). */
typedef struct px_run_opts {
  bool send_rowdesc;    /* Describe(portal) answered by this run: RowDescription first */
  uint64_t limit;       /* rows to send at most (UINT64_MAX: all); 0 for a Describe alone */
  const int16_t *codes; /* borrowed until the statement is done: Bind's result formats */
  uint16_t ncodes;
  size_t hold_cap; /* bytes of encoded rows beyond the limit the portal may keep (0: none) */
} px_run_opts;

/* One statement's Data API lifecycle (px_runner.c). */
typedef struct px_runner {
  px_run_phase phase;
  int32_t pos_base; /* characters before the statement in the client's query text */
  uint64_t gen;     /* statement number on this connection (probe contexts check it) */
  dapi_call *call;  /* the main call in flight; borrowed handle, valid until its done */
  char *sql;        /* owned; the statement text as sent */
  char token[DAPI_UUID_LEN + 1]; /* ClientToken of the ExecuteStatement */
  bool with_target;       /* this ExecuteStatement opened the session (target + keep-alive) */
  bool allow_new_session; /* a gone session may be replaced transparently */
  bool need_count;        /* the tag carries a row count (INSERT/UPDATE/DELETE/...) */
  char *stmt_id;          /* owned; NULL until the service told it */
  px_cancel_reason cancel;
  bool cancel_sent; /* CancelStatement (or the probe leading to it) started */
  bool probing;
  bool paused;      /* the page transfer is paused for backpressure */
  bool ext;         /* started by the extended protocol: px_ext_stmt_done gets the outcome */
  px_sink *sink;    /* owned; allocated for a result transfer, freed at the end of the statement */
  char *page_token; /* owned; NextToken of the page being fetched, NULL for the first */
  uint64_t page_bytes;    /* bytes of the current page call that reached the sink */
  uint32_t page_restarts; /* times the current page was requested again after such bytes */
  bool timer_on;
  const dapi_param *params; /* borrowed from the portal until done */
  size_t n_params;
  px_run_opts opts;     /* ext only */
  uint64_t resume_skip; /* px_runner_resume: records of the first page to skip */
  int sent_wait;        /* WaitTimeSeconds of the Execute/Describe in flight (0: none) */
  uint64_t sent_at;     /* loop time (ms) it was sent */
  uint32_t poll_ms;     /* last pause between DescribeStatement polls; 0 before polling */
  bool pre;             /* sql is the session's startup settings; main_sql runs next */
  char *main_sql;       /* owned while pre */
} px_runner;

/* The session settings of a connection (px_session.h, px_session_conn.c). */
/* Per-setting values that differ from their defaults; a NULL entry stands for the default. */
typedef struct px_sess_vals {
  char *cur[PX_PARAM_COUNT];         /* owned; the current value of each known setting */
  char *sent[PX_PARAM_COUNT];        /* owned; what the client last got in ParameterStatus */
  char *startup_val[PX_PARAM_COUNT]; /* owned; service settings of the StartupMessage, or NULL */
} px_sess_vals;

typedef struct px_sess {
  /* owned; allocated on the first value that is not a default, so that an idle client that never
   * changed a setting holds none of these arrays (bench/run idle-memory) */
  px_sess_vals *v;
  char *startup_app;   /* owned; application_name of the StartupMessage (RESET, DISCARD) */
  char *startup_efd;   /* owned; extra_float_digits of the StartupMessage, or NULL */
  char *startup_sql;   /* owned; applies the StartupMessage's service settings on a new Data API
                        * session (SELECT set_config(...), ...), NULL when there are none */
  char *startup_names; /* owned; their names, lower-cased, each followed by a ',' */
  bool reapply;        /* a RESET undid some on the service: apply them before the next statement */
} px_sess;

typedef enum {
  PX_LOCAL_NO,    /* not redwire's own: run it on the service */
  PX_LOCAL_DONE,  /* answered (rows written when it is a SHOW); CommandComplete is the caller's */
  PX_LOCAL_ERROR, /* refused: *err */
} px_local_rc;

/* Steps of one simple Query message (px_query.c). */
typedef enum {
  PX_Q_NONE,
  PX_Q_BEGIN,    /* implicit block: BEGIN before statement cur (its second one follows) */
  PX_Q_STMTS,    /* the client's statements, in order */
  PX_Q_COMMIT,   /* implicit block open at the end of the string: COMMIT */
  PX_Q_ROLLBACK, /* implicit block open at an error: ROLLBACK */
} px_q_step;

typedef struct px_query {
  px_q_step step;
  char *sql; /* owned copy of the Query text (the input buffer moves) */
  size_t len;
  pgw_sql_stmt *stmts; /* owned; n entries */
  pgw_sql_cmd *cmds;   /* owned; n entries */
  size_t n;
  size_t next;      /* next statement to run */
  size_t cur;       /* statement running (PX_Q_STMTS) */
  bool as_rollback; /* cur is a COMMIT of a failed block, sent as ROLLBACK */
  px_implicit imp;  /* PostgreSQL's implicit block, as run on the service (px_txn.h) */
  bool api_called;  /* some statement of this Query reached the Data API */
} px_query;

/* What a connection needs only once it sends statements: the simple-Query driver, the extended
 * protocol's statements and portals, and the statement runner. Allocated on the first message
 * after login, so that a client that logs in and stays idle holds none of it (bench/run
 * idle-memory); kept until the connection is freed. */
typedef struct px_work {
  px_query q;
  px_ext ext;
  px_runner run;
} px_work;

struct px_conn {
  uv_tcp_t tcp;         /* embedded; tcp.data == this */
  uv_timer_t *timer;    /* owned; only while a timeout is armed (px_conn_timer_start) */
  px_server *srv;       /* borrowed; outlives every connection */
  px_settings *set;     /* reference */
  px_conn *prev, *next; /* the server's list */
  uint64_t id;
  px_conn_state state;     /* change only with px_conn_set_state */
  unsigned pending_closes; /* handles still closing */
  unsigned pending_calls;  /* Data API calls whose done has not fired */
  bool reading;
  bool writing;
  bool in_process;        /* px_conn_process is on the stack */
  bool skip_to_sync;      /* after an error in the extended protocol: discard until Sync */
  bool close_after_query; /* draining: end the connection after the running query */
  bool farewell_done;     /* the closing ROLLBACK was started (or not needed) */
  bool loopback;          /* the peer is on the loopback interface */
  bool auth_pending;      /* the login key check (px_keycheck.c) is in flight */
  bool own_identity;      /* signs with redwire's identity (px_chain), not with creds */
  int32_t pid;            /* BackendKeyData */
  uint8_t key[4];
  pgw_txn_status txn;     /* (fields in this order leave no padding) */
  pgw_buf in;             /* owned; bytes read, not yet decoded; capped by max_message_size */
  pgw_buf out;            /* owned; encoded, not yet handed to uv_write */
  pgw_buf wbuf;           /* owned; the bytes of the write in flight */
  px_tls *tls;            /* owned; NULL while the connection is cleartext */
  struct px_login *login; /* owned; the userlist exchange in progress (px_userlist.c) */
  char *user;             /* owned: one allocation holding user, database and app_name */
  char *database;         /* in user's allocation; the client's database name */
  char *app_name;         /* in user's allocation; "" when not sent */
  px_creds creds;         /* signs this connection's calls */
  px_api *api;            /* reference, from login on */
  dapi_target target;     /* strings borrowed from set and database */
  char *session_id;       /* owned; the Data API session, NULL before the first statement */
  px_sess sess;
  px_work *work; /* owned; NULL until the first message after login (px_conn_work) */
};

/* Accepts a pending connection on the server's listener (called from its connection_cb). */
void px_conn_accept(px_server *srv);

/* The only way to change c->state: checks the transition and logs it at debug. */
#define px_conn_set_state(c, s) px_conn_set_state_at((c), (s), __LINE__)
void px_conn_set_state_at(px_conn *c, px_conn_state s, int line);

/* Idempotent. Cancels the running statement (reason: disconnect) and closes the handles. */
void px_conn_close(px_conn *c, const char *reason);

/* Queues e (severity as given, usually FATAL) and closes once it is written. */
void px_conn_fatal(px_conn *c, const pgw_error *e);

/* Encodes an ErrorResponse/ReadyForQuery etc. into out; a writer failure closes c (returns
 * false). */
bool px_conn_send_error(px_conn *c, const pgw_error *e);
bool px_conn_check(px_conn *c, const pgw_wr *w, const char *what);

/* Starts a write of whatever is queued (unless one is in flight or a DataRow is half done). */
void px_conn_flush(px_conn *c);

/* Arms the connection's one timer (login timeout, then statement_timeout), allocating it;
 * t->data is c in cb. PX_NOMEM. */
PX_MUSTCHECK px_status px_conn_timer_start(px_conn *c, uv_timer_cb cb, uint64_t ms);
/* Disarms and releases the timer (its memory is freed once libuv has closed it); no-op when
 * there is none. A timer callback that fired calls it first. */
void px_conn_timer_stop(px_conn *c);

/* Bytes queued towards the client (encoded and in flight). */
size_t px_conn_queued(const px_conn *c);

/* ReadyForQuery with c->txn, state IDLE, then decoding of buffered input goes on. */
void px_conn_ready(px_conn *c);

/* A step of the extended protocol ended: state IDLE without ReadyForQuery (that is Sync's),
 * then decoding of buffered input goes on. */
void px_conn_continue(px_conn *c);

/* Decodes and dispatches buffered input while the state allows it. */
void px_conn_process(px_conn *c);

/* Switches c to TLS (after 'S' was queued for an SSLRequest, or on a ClientHello when direct):
 * from here on, input is decrypted and output encrypted. PX_NOMEM; PX_INVAL without a context. */
PX_MUSTCHECK px_status px_conn_start_tls(px_conn *c, bool direct);

/* Frees c if it is closing and nothing references it any more (after a call's done). */
void px_conn_maybe_free(px_conn *c);

const conf_settings *px_conn_conf(const px_conn *c);

/* c->work, allocated on first use; NULL (after queueing a FATAL) when out of memory. */
px_work *px_conn_work(px_conn *c);

/* ---- px_farewell.c ---- */
/* Called once the closing connection is unreferenced: when its Data API session may hold a
 * transaction, starts a ROLLBACK on it (the connection stays referenced until it ends) and
 * returns true; false when there is nothing to end and c can be freed now. */
bool px_farewell_start(px_conn *c);

/* ---- px_startup.c ---- */
void px_startup_on_message(px_conn *c, const pgw_msg *m);
void px_startup_on_password(px_conn *c, const pgw_msg *m);
/* auth_mode trust, or userlist once the password checked out: log c in with redwire's own AWS
 * identity (FATAL 28000 when it has none). */
void px_startup_login_with_server_identity(px_conn *c);

/* Completes the login: AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery. */
void px_startup_login_ok(px_conn *c);

/* ---- px_keycheck.c ---- */
/* auth_mode = iam: checks c->creds with STS (or the cache), then px_startup_login_ok or a
 * FATAL error; asynchronous (c->auth_pending while in flight). */
void px_keycheck_start(px_conn *c);

/* ---- px_query.c ---- */
void px_query_on_message(px_conn *c, const pgw_msg *m);
void px_query_stmt_done(px_conn *c, px_outcome *o);
void px_query_free(px_conn *c);

/* ---- px_ext.c ---- */
/* Parse, Bind, Describe, Execute, Close, Sync, Flush (IDLE state only). */
void px_ext_on_message(px_conn *c, const pgw_msg *m);
/* Sync: ends the skipping after an error, commits or rolls back, ReadyForQuery. */
void px_ext_sync(px_conn *c);
void px_ext_stmt_done(px_conn *c, px_outcome *o);
/* A simple Query destroys the unnamed statement and portal, as in PostgreSQL. */
void px_ext_on_query(px_conn *c);
void px_ext_free(px_conn *c);

/* DISCARD ALL: every statement, portal and cursor goes, except the portal running it. */
void px_ext_discard(px_conn *c);
/* SQL DEALLOCATE of a protocol-level statement (one namespace, as in PostgreSQL): true when
 * name (NULL: ALL) was one. */
bool px_ext_deallocate(px_conn *c, const char *name);
/* An SQL cursor was DECLAREd with query (parameters as NULLs) / CLOSEd (name NULL: ALL). */
void px_ext_cursor_declared(px_conn *c, const char *name, const char *query, size_t len);
void px_ext_cursor_closed(px_conn *c, const char *name);

/* ---- px_session_conn.c ---- */
/* A StartupMessage parameter (before login). */
void px_session_startup_param(px_conn *c, const char *name, const char *value);
/* Login: every setting at its start value, as the login's ParameterStatus messages report. */
PX_MUSTCHECK bool px_session_start(px_conn *c);
/* The current value of a known setting (borrowed; valid until it changes). */
const char *px_session_value(const px_conn *c, px_param_id id);
void px_session_free(px_conn *c);
/* ParameterStatus for each reported setting whose value changed since the client last heard. */
void px_session_report(px_conn *c, pgw_wr *w);
/* The column name of a SHOW redwire answers itself, or NULL. */
const char *px_session_local_column(const char *sql, size_t len);
/* Answers SET/RESET/SHOW of redwire's own settings and DISCARD ALL without the service.
 * rowdesc: a SHOW's RowDescription goes first (simple Query); *has_rows: a row was sent. */
px_local_rc px_session_local(px_conn *c, const char *sql, size_t len, bool in_block, bool rowdesc,
                             bool *has_rows, pgw_error *err);
/* A statement succeeded on the service: a SET/RESET of a tracked setting takes effect. */
void px_session_after_success(px_conn *c, const char *sql, size_t len);

/* ---- px_runner.c ---- */
/* Starts sql[0..len) (copied) as one statement. On PX_OK px_query_stmt_done follows later
 * (never from inside this call). On failure *err says why and nothing was started. */
/* need_count: the command tag carries a row count, so a statement without result set that
 * finished without ResultRows (ExecuteStatement never returns it) costs one DescribeStatement. */
PX_MUSTCHECK px_status px_runner_start(px_conn *c, const char *sql, size_t len, int32_t pos_base,
                                       bool allow_new_session, bool need_count, pgw_error *err);
/* The extended protocol's variant: params (borrowed until done) and opts; the outcome goes to
 * px_ext_stmt_done. */
PX_MUSTCHECK px_status px_runner_start_ext(px_conn *c, const char *sql, size_t len,
                                           const dapi_param *params, size_t n_params,
                                           const px_run_opts *opts, bool allow_new_session,
                                           bool need_count, pgw_error *err);
/* Resumes a suspended portal: pages of the finished statement stmt_id from the page token names
 * (NULL: the first), skipping its first skip records. No ExecuteStatement. */
PX_MUSTCHECK px_status px_runner_resume(px_conn *c, const char *stmt_id, const char *token,
                                        uint64_t skip, const px_run_opts *opts, pgw_error *err);
void px_runner_cancel(px_conn *c, px_cancel_reason why);
/* The output queue drained below the low-water mark: resume a paused page. */
void px_runner_output_drained(px_conn *c);
bool px_runner_row_open(const px_conn *c);
/* The connection is closing: cancel the statement on the service, abandon transfers. */
void px_runner_detach(px_conn *c);

#endif
