/*
 * dapi_ops.h — request bodies and response parsing for the Data API operations redwire calls:
 * ExecuteStatement, DescribeStatement, GetStatementResult and CancelStatement (dataapi.md §2).
 *
 * Pure: no I/O, no clock. Bodies are built once per logical call and re-sent byte for byte by
 * every retry (dapi_client), which is what makes a retried ExecuteStatement carry the same
 * ClientToken and a retried page the same NextToken.
 *
 * Response parsing uses cJSON (STYLE R14) for the small Execute/Describe/Cancel answers; result
 * pages are never parsed here (the streaming decoder in dapi_result.h does that).
 */
#ifndef REDWIRE_DAPI_OPS_H
#define REDWIRE_DAPI_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dapi_client_rc.h"

/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx": 36 characters. */
#define DAPI_UUID_LEN 36
/* The model's ClientToken limit. */
#define DAPI_CLIENT_TOKEN_MAX 64
/* WaitTimeSeconds and SessionKeepAliveSeconds bounds from the model. */
#define DAPI_WAIT_TIME_MAX         30
#define DAPI_SESSION_KEEPALIVE_MAX 86400

typedef enum dapi_op {
  DAPI_OP_EXECUTE_STATEMENT,
  DAPI_OP_DESCRIBE_STATEMENT,
  DAPI_OP_GET_STATEMENT_RESULT,
  DAPI_OP_CANCEL_STATEMENT,
} dapi_op;

/* "ExecuteStatement" etc.; the X-Amz-Target is "RedshiftData." followed by this. */
const char *dapi_op_name(dapi_op op);

/* A request body: owned bytes (not NUL-terminated for curl's sake, but one NUL follows data[len]
 * so tests can compare it as a string). Free with dapi_body_free. */
typedef struct dapi_body {
  char *data; /* owned */
  size_t len;
} dapi_body;

void dapi_body_free(dapi_body *b);

/* One named parameter (":name" in the SQL). Both strings borrowed for the call only. */
typedef struct dapi_param {
  const char *name;  /* [0-9A-Za-z_]+ */
  const char *value; /* non-empty: the Data API has no empty or NULL parameter (DESIGN §3) */
} dapi_param;

typedef enum dapi_target_kind {
  DAPI_TARGET_WORKGROUP, /* Redshift Serverless: WorkgroupName */
  DAPI_TARGET_CLUSTER,   /* provisioned: ClusterIdentifier */
} dapi_target_kind;

/* Where a session-less statement (or the first statement of a session) runs. Strings borrowed. */
typedef struct dapi_target {
  dapi_target_kind kind;
  const char *name;       /* workgroup name/ARN or cluster identifier; required */
  const char *database;   /* required */
  const char *db_user;    /* NULL for none; exclusive with secret_arn */
  const char *secret_arn; /* NULL for none */
} dapi_target;

/* ExecuteStatement input. Every pointer is borrowed for the duration of the build call. */
typedef struct dapi_execute_input {
  const char *sql;          /* required, non-empty */
  const dapi_param *params; /* NULL when n_params == 0 */
  size_t n_params;
  const char *session_id;         /* non-NULL: later statement of a session; target must be NULL */
  const dapi_target *target;      /* non-NULL: first/session-less statement; session_id NULL */
  int session_keep_alive_seconds; /* < 0: omit; 0..86400 (only with target) */
  int wait_time_seconds;          /* 0: omit; 1..30 */
  const char *client_token;       /* 1..64 chars; dapi_client fills a fresh UUIDv4 when NULL */
} dapi_execute_input;

/* A fresh random UUIDv4 (OpenSSL RAND_bytes) in lower case, NUL-terminated. */
DAPI_MUSTCHECK dapi_rc dapi_uuid4(char out[DAPI_UUID_LEN + 1]);

/*
 * Body builders. Members appear in the model's order, compact JSON, strings escaped per RFC 8259
 * ('"', '\\', and control characters; other UTF-8 passes through). Input that the service would
 * reject anyway (empty SQL, bad parameter name, empty value, both or neither of session_id and
 * target, out-of-range numbers, invalid UTF-8) is DAPI_EINVAL; a body over max_bytes is
 * DAPI_ETOOBIG. On failure *out is left empty.
 */
DAPI_MUSTCHECK dapi_rc dapi_ops_build_execute(const dapi_execute_input *in, size_t max_bytes,
                                              dapi_body *out);
/* wait_time_seconds: 0 omits WaitTimeSeconds. */
DAPI_MUSTCHECK dapi_rc dapi_ops_build_describe(const char *id, int wait_time_seconds,
                                               size_t max_bytes, dapi_body *out);
/* next_token: NULL or "" for the first page. */
DAPI_MUSTCHECK dapi_rc dapi_ops_build_get_result(const char *id, const char *next_token,
                                                 size_t max_bytes, dapi_body *out);
DAPI_MUSTCHECK dapi_rc dapi_ops_build_cancel(const char *id, size_t max_bytes, dapi_body *out);

typedef enum dapi_stmt_status {
  DAPI_STMT_UNKNOWN = 0, /* member absent (ExecuteStatement without WaitTimeSeconds) */
  DAPI_STMT_SUBMITTED,
  DAPI_STMT_PICKED,
  DAPI_STMT_STARTED,
  DAPI_STMT_FINISHED,
  DAPI_STMT_ABORTED,
  DAPI_STMT_FAILED,
} dapi_stmt_status;

const char *dapi_stmt_status_name(dapi_stmt_status s);
/* FINISHED, FAILED and ABORTED. */
bool dapi_stmt_status_terminal(dapi_stmt_status s);

/* Integers the response did not carry are DAPI_ABSENT (the API itself uses -1 for "null" in
 * ResultRows/ResultSize, which reads the same). */
#define DAPI_ABSENT INT64_C(-1)

/* One statement of a BatchExecuteStatement, as DescribeStatement's SubStatements lists it. */
typedef struct dapi_sub_stmt {
  char *id; /* owned; "<parent>:N" */
  dapi_stmt_status status;
  bool has_result_set;
  int64_t result_rows; /* DAPI_ABSENT if absent */
  int64_t result_size;
  int64_t duration_ns;
  int64_t redshift_query_id;
  char *error;        /* owned; NULL if absent */
  char *query_string; /* owned; NULL if absent */
} dapi_sub_stmt;

/* The parsed answer of ExecuteStatement or DescribeStatement. Zero-initialise before parsing;
 * free with dapi_stmt_info_free (safe on a zeroed or already freed value). */
typedef struct dapi_stmt_info {
  char *id;         /* owned; always set after a successful parse */
  char *session_id; /* owned; NULL if absent */
  dapi_stmt_status status;
  bool has_result_set_present; /* HasResultSet was in the response */
  bool has_result_set;
  int64_t result_rows; /* DAPI_ABSENT if absent or -1 */
  int64_t result_size;
  int64_t duration_ns; /* Duration is nanoseconds */
  int64_t redshift_pid;
  int64_t redshift_query_id;
  double created_at; /* epoch seconds; 0 if absent */
  double updated_at;
  char *error;         /* owned; Redshift's error text when FAILED; NULL if absent */
  char *query_string;  /* owned; NULL if absent */
  dapi_sub_stmt *subs; /* owned array of n_subs; NULL when not a batch */
  size_t n_subs;
} dapi_stmt_info;

void dapi_stmt_info_free(dapi_stmt_info *info);

/*
 * Parse a 2xx body (need not be NUL-terminated). Unknown members are ignored; a known member of
 * the wrong JSON type, a missing Id, an unknown Status string or a non-integral integer is
 * DAPI_EPARSE. On failure *out is left freed/zeroed.
 */
DAPI_MUSTCHECK dapi_rc dapi_ops_parse_execute(const char *body, size_t len, dapi_stmt_info *out);
DAPI_MUSTCHECK dapi_rc dapi_ops_parse_describe(const char *body, size_t len, dapi_stmt_info *out);
/* CancelStatement answers {"Status": true|false}. */
DAPI_MUSTCHECK dapi_rc dapi_ops_parse_cancel(const char *body, size_t len, bool *cancelled);

#endif
