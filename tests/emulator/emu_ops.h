/*
 * emu_ops.h — the 12 Data API operations. Each handler reads its (already validated) JSON input
 * and either writes the response object into c->out or fills c->err.
 *
 * Handlers run on the HTTP connection's own thread (MHD thread-per-connection), so a long poll
 * (WaitTimeSeconds) blocks only its own request.
 */
#ifndef REDWIRE_EMU_OPS_H
#define REDWIRE_EMU_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "emu_err.h"
#include "emu_json.h"
#include "emu_op.h"
#include "emu_server.h"

typedef struct emu_call {
  emu_server *srv;
  emu_op op;
  const char *akid; /* the authenticated access key id (statements are visible to it only) */
  const cJSON *in;  /* validated input object; borrowed */
  emu_buf *out;     /* response body on success */
  emu_err *err;     /* the error on failure */
} emu_call;

/* Runs c->op. Returns false when c->err was set. */
bool emu_ops_dispatch(emu_call *c);

/* ---- shared by the operation files ---- */

/* Largest Sql the service accepts (dataapi.md §3: "Cannot process query string larger than
 * 100kB"). */
#define EMU_MAX_SQL_BYTES (100 * 1024)

const char *emu_in_str(const emu_call *c, const char *name);    /* NULL when absent */
bool emu_in_int(const emu_call *c, const char *name, int *out); /* false when absent */
bool emu_in_bool(const emu_call *c, const char *name, bool *out);

/* Reads ClusterIdentifier/WorkgroupName/Database/DbUser/SecretArn (strings borrowed from c->in). */
void emu_in_target(const emu_call *c, emu_target *borrowed);
/* The rules of the target members when no SessionId is given: exactly one of ClusterIdentifier
 * and WorkgroupName, which must exist (emu_config_target_exists), and Database. False with err
 * set. */
bool emu_check_target(const emu_call *c, const emu_target *t);

/* Writes ,"ClusterIdentifier":...,"Database":...,"DbUser":...,"SecretArn":...,"WorkgroupName":...
 * for the members present. */
void emu_out_target(emu_buf *out, const emu_target *t);
/* Writes ,"<name>": "<value>" when value is not NULL. */
void emu_out_str_member(emu_buf *out, const char *name, const char *value);

/* Waits (lock held) until st is terminal or wait_s seconds pass. */
void emu_wait_terminal_locked(emu_call *c, emu_stmt *st, int wait_s);

/* Looks a statement up for c->akid (lock held); sets ValidationException "Query does not exist."
 * when unknown (also for another key's statements). */
emu_stmt *emu_find_stmt_locked(emu_call *c, const char *id);

/* MaxResults and NextToken of list operations: *offset and *limit. scope binds the token to the
 * operation and its filters. False with err set (ValidationException for a bad token). */
bool emu_paging(emu_call *c, const char *scope, int default_limit, int64_t *offset, int *limit);
/* Writes ,"NextToken":"..." for the next position. */
void emu_out_next_token(emu_call *c, const char *scope, int64_t next);

bool emu_op_execute_statement(emu_call *c);
bool emu_op_batch_execute_statement(emu_call *c);
bool emu_op_cancel_statement(emu_call *c);
bool emu_op_describe_statement(emu_call *c);
bool emu_op_list_statements(emu_call *c);
bool emu_op_list_sessions(emu_call *c);
bool emu_op_get_statement_result(emu_call *c);
bool emu_op_get_statement_result_v2(emu_call *c);
bool emu_op_list_databases(emu_call *c);
bool emu_op_list_schemas(emu_call *c);
bool emu_op_list_tables(emu_call *c);
bool emu_op_describe_table(emu_call *c);

#endif
