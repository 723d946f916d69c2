/*
 * emu_store.h — every statement, session and idempotency token the emulator knows, under one
 * mutex with one condition variable (broadcast on every status change, which long polls wait on).
 *
 * Locking rule: fields marked "guarded" are read and written only with the store locked; fields
 * marked "immutable" are set before emu_store_publish and never change, so they may be read
 * without the lock by anyone holding a reference. No PostgreSQL call is ever made with the lock
 * held.
 *
 * Lifetimes: a statement is reference-counted (the store holds one reference while it is
 * published; every request or runner thread using it holds one). Statements are retained 24 hours
 * (AWS's result retention), then purged. Sessions stay in the store until exit (CLOSED ones are
 * still listed by ListSessions); their PostgreSQL connection is closed when they close.
 */
#ifndef REDWIRE_EMU_STORE_H
#define REDWIRE_EMU_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "emu_canned.h"
#include "emu_result.h"
#include "emu_util.h"

/* Statement ids: a UUID, plus ":N" (N <= 40) for sub-statements of a batch. */
#define EMU_STMT_ID_MAX (EMU_UUID_LEN + 3)
/* Results and statements are kept this long (AWS: 24 hours); ClientTokens 8 hours. */
#define EMU_RETENTION_S       (24 * 3600)
#define EMU_TOKEN_RETENTION_S (8 * 3600)
/* A session is closed at the latest 24 hours after it was created (model doc). */
#define EMU_SESSION_MAX_S (24 * 3600)

typedef enum emu_status {
  EMU_ST_SUBMITTED,
  EMU_ST_PICKED,
  EMU_ST_STARTED,
  EMU_ST_FINISHED,
  EMU_ST_ABORTED,
  EMU_ST_FAILED,
  EMU_ST_COUNT /* not a status */
} emu_status;

const char *emu_status_name(emu_status s);
bool emu_status_terminal(emu_status s);

typedef enum emu_session_status {
  EMU_SESS_AVAILABLE,
  EMU_SESS_BUSY,
  EMU_SESS_CLOSED,
} emu_session_status;

const char *emu_session_status_name(emu_session_status s);

/* The compute target members of a request; all owned, NULL when absent. */
typedef struct emu_target {
  char *cluster;
  char *workgroup;
  char *database;
  char *db_user;
  char *secret_arn;
} emu_target;

/* Deep copy; false on allocation failure (dst then holds what was copied; free it). */
bool emu_target_copy(emu_target *dst, const emu_target *src);
void emu_target_free(emu_target *t);

/* One SqlParameter as received; both strings owned. */
typedef struct emu_sql_param {
  char *name;
  char *value;
} emu_sql_param;

typedef struct emu_stmt emu_stmt;
typedef struct emu_session emu_session;

struct emu_session {
  /* immutable */
  char id[EMU_UUID_LEN + 1];
  char *owner; /* access key id that created it; owned */
  emu_target target;
  double created_at;
  /* guarded */
  emu_session_status status;
  int keepalive_s;
  double updated_at;
  double ttl_at;     /* when an AVAILABLE session closes (last statement end + keep-alive) */
  emu_stmt *current; /* the running statement while BUSY (a counted reference) */
  /* Owned. Used without the lock, but only by the runner of the current statement (from the
   * submit that made the session BUSY until the runner ends that statement, which moves the
   * session to AVAILABLE or CLOSED in the same locked step), or by the reaper once it is CLOSED;
   * the status change is the hand-off. */
  PGconn *conn;
  uint64_t seq;      /* creation order (1, 2, ...): list paging position; immutable */
  emu_session *next; /* store list */
};

struct emu_stmt {
  /* immutable */
  char id[64];      /* at most EMU_STMT_ID_MAX characters */
  char *owner;      /* access key id; owned */
  char *sql;        /* QueryString as received; owned */
  char *exec_sql;   /* :name rewritten to $k for PostgreSQL; owned; NULL for a batch parent */
  char **pg_values; /* owned; the $k values in order */
  size_t n_pg_values;
  emu_sql_param *params; /* owned; QueryParameters as received (only on the top statement) */
  size_t n_params;
  emu_target target;    /* owned copy (the session's for statements in a session) */
  char *statement_name; /* owned; NULL when absent */
  bool csv;             /* ResultFormat CSV */
  bool is_batch;
  bool auto_commit; /* batch ExecutionMode AUTO_COMMIT */
  emu_stmt **subs;  /* owned array of counted references (batch parent) */
  size_t n_subs;
  emu_stmt *parent;     /* borrowed (the parent owns its subs); NULL when top-level */
  int sub_index;        /* 1-based within the batch */
  emu_session *session; /* borrowed (sessions live until exit); NULL when session-less */
  char session_id[EMU_UUID_LEN + 1]; /* "" when none */
  bool canned;
  emu_canned canned_spec;
  double created_at;
  char *client_token; /* owned; NULL when none */
  /* guarded */
  emu_status status;
  double updated_at;
  int64_t started_ns, ended_ns; /* monotonic; 0 until set */
  char *error;                  /* owned; Redshift-style text of FAILED/ABORTED */
  bool has_result_set;
  int64_t result_rows; /* -1 when none */
  int64_t result_size; /* -1 when none */
  int64_t redshift_pid;
  int64_t query_id;
  emu_result *result; /* a counted reference; NULL when none or evicted */
  bool result_evicted;
  bool cancel_requested; /* CancelStatement (or shutdown) asked; the runner acts on it */
  int refs;
  /* store links, guarded */
  bool published;
  uint64_t seq; /* publication order (1, 2, ...): list paging position */
  emu_stmt *hash_next, *all_prev, *all_next, *token_next, *result_next;
};

typedef struct emu_store emu_store;

/* max_result_bytes: memory budget for retained results (oldest finished evicted first). */
emu_store *emu_store_new(size_t max_result_bytes, size_t max_sessions);
/* Frees everything; no other thread may use the store any more. */
void emu_store_free(emu_store *s);

void emu_store_lock(emu_store *s);
void emu_store_unlock(emu_store *s);
/* Wakes every waiter; call after changing a status (lock held or not). */
void emu_store_broadcast(emu_store *s);
/* Waits (lock held) until woken or deadline_ns (monotonic) passes. False on timeout. */
bool emu_store_wait_locked(emu_store *s, int64_t deadline_ns);

/* A zeroed statement with one reference (the caller's), status SUBMITTED, result_rows/size -1. */
emu_stmt *emu_stmt_new(void);
/* Reference counting; lock held. The statement is freed when the last reference goes. */
void emu_stmt_ref_locked(emu_stmt *st);
void emu_stmt_unref_locked(emu_store *s, emu_stmt *st);
/* Same, taking the lock. */
void emu_stmt_unref(emu_store *s, emu_stmt *st);

/* Makes st (and its subs) findable; the store takes its own reference. Lock held. Also records
 * its ClientToken. Fails (false) only when st has no id. */
bool emu_store_publish_locked(emu_store *s, emu_stmt *st);

/* Finds a published statement by id ("uuid" or "uuid:N") visible to owner. Lock held; the result
 * is borrowed (take a reference to keep it past the unlock). NULL when unknown. */
emu_stmt *emu_store_find_locked(emu_store *s, const char *id, const char *owner);
/* The statement an owner created with this ClientToken within 8 hours, or NULL. Lock held. */
emu_stmt *emu_store_find_token_locked(emu_store *s, const char *owner, const char *token);

/* Iterates published top-level statements, newest first (NULL starts). Lock held. */
emu_stmt *emu_store_next_stmt_locked(emu_store *s, emu_stmt *prev);

/* Accounts a finished statement's result and evicts the oldest results beyond the budget. Lock
 * held; takes over the caller's reference to r. False (r released) when r alone exceeds the
 * budget. */
bool emu_store_attach_result_locked(emu_store *s, emu_stmt *st, emu_result *r);

/* Sessions. */
emu_session *emu_store_find_session_locked(emu_store *s, const char *id);
/* Creates an open session (BUSY with no statement yet) owned by owner, or NULL: *limit is set
 * when max_sessions sessions are already open, else allocation failed. Lock held. */
emu_session *emu_store_new_session_locked(emu_store *s, const char *owner, const emu_target *target,
                                          int keepalive_s, bool *limit);
/* Marks an open session CLOSED (its connection is the caller's business). Lock held. */
void emu_store_close_session_locked(emu_store *s, emu_session *se);
/* Iterates sessions, newest first. Lock held. */
emu_session *emu_store_next_session_locked(emu_store *s, emu_session *prev);
size_t emu_store_open_sessions_locked(emu_store *s);

/* Periodic work: closes idle sessions past their keep-alive (and any past 24 h), purges
 * statements older than the retention. Takes the lock itself; closes connections outside it. */
void emu_store_reap(emu_store *s, double now);

/* Counters for /_emulator/stats: statements per status, results held. Lock held. */
void emu_store_counts_locked(emu_store *s, size_t by_status[EMU_ST_COUNT], size_t *results,
                             size_t *result_bytes);

/* Next RedshiftQueryId (a process-wide counter). Lock held. */
int64_t emu_store_next_query_id_locked(emu_store *s);
/* Top-level statements not yet terminal. Lock held. */
size_t emu_store_active_locked(emu_store *s);
/* Moves st to status: stamps UpdatedAt (and the end time when terminal), keeps the active count
 * and wakes waiters. Lock held. */
void emu_store_set_status_locked(emu_store *s, emu_stmt *st, emu_status status);

#endif
