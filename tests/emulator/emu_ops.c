#include "emu_ops.h"

#include <string.h>

#include "emu_token.h"

typedef bool (*op_fn)(emu_call *c);

static const op_fn handlers[EMU_OP_COUNT] = {
    [EMU_OP_BATCH_EXECUTE_STATEMENT] = emu_op_batch_execute_statement,
    [EMU_OP_CANCEL_STATEMENT] = emu_op_cancel_statement,
    [EMU_OP_DESCRIBE_STATEMENT] = emu_op_describe_statement,
    [EMU_OP_DESCRIBE_TABLE] = emu_op_describe_table,
    [EMU_OP_EXECUTE_STATEMENT] = emu_op_execute_statement,
    [EMU_OP_GET_STATEMENT_RESULT] = emu_op_get_statement_result,
    [EMU_OP_GET_STATEMENT_RESULT_V2] = emu_op_get_statement_result_v2,
    [EMU_OP_LIST_DATABASES] = emu_op_list_databases,
    [EMU_OP_LIST_SCHEMAS] = emu_op_list_schemas,
    [EMU_OP_LIST_SESSIONS] = emu_op_list_sessions,
    [EMU_OP_LIST_STATEMENTS] = emu_op_list_statements,
    [EMU_OP_LIST_TABLES] = emu_op_list_tables,
};

bool emu_ops_dispatch(emu_call *c) {
  if ((unsigned)c->op >= EMU_OP_COUNT) {
    emu_err_set(c->err, 400, "UnknownOperationException", NULL);
    return false;
  }
  return handlers[c->op](c);
}

const char *emu_in_str(const emu_call *c, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->in, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool emu_in_int(const emu_call *c, const char *name, int *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->in, name);
  if (!cJSON_IsNumber(v)) {
    return false;
  }
  *out = (int)v->valuedouble; /* validated as an integer in int32 range */
  return true;
}

bool emu_in_bool(const emu_call *c, const char *name, bool *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->in, name);
  if (!cJSON_IsBool(v)) {
    return false;
  }
  *out = cJSON_IsTrue(v);
  return true;
}

void emu_in_target(const emu_call *c, emu_target *t) {
  /* The casts drop const: emu_target is shared with owned copies; these are never freed. */
  t->cluster = (char *)emu_in_str(c, "ClusterIdentifier");
  t->workgroup = (char *)emu_in_str(c, "WorkgroupName");
  t->database = (char *)emu_in_str(c, "Database");
  t->db_user = (char *)emu_in_str(c, "DbUser");
  t->secret_arn = (char *)emu_in_str(c, "SecretArn");
}

bool emu_check_target(const emu_call *c, const emu_target *t) {
  if (t->cluster != NULL && t->workgroup != NULL) {
    EMU_ERR_VALIDATION(c->err, "Only one of ClusterIdentifier and WorkgroupName can be specified.");
    return false;
  }
  if (t->cluster == NULL && t->workgroup == NULL) {
    EMU_ERR_VALIDATION(c->err, "Either ClusterIdentifier or WorkgroupName must be specified.");
    return false;
  }
  if (t->database == NULL || t->database[0] == '\0') {
    EMU_ERR_VALIDATION(c->err, "Database must be specified.");
    return false;
  }
  if (!emu_config_target_exists(c->srv->cfg, t->cluster, t->workgroup)) {
    /* The real service's answer (HTTP 400) to a ClusterIdentifier that does not exist in the
     * region (ballerina-platform/module-ballerinax-aws.redshiftdata,
     * ballerina/tests/execute_statement_test.bal, testWithInvalidDbConfigs); a WorkgroupName is
     * assumed to be answered alike. */
    EMU_ERR_VALIDATION(c->err, "Redshift endpoint doesn't exist in this region.");
    return false;
  }
  return true;
}

void emu_out_str_member(emu_buf *out, const char *name, const char *value) {
  if (value != NULL) {
    emu_buf_printf(out, ",\"%s\":", name);
    emu_json_cstr(out, value);
  }
}

void emu_out_target(emu_buf *out, const emu_target *t) {
  emu_out_str_member(out, "ClusterIdentifier", t->cluster);
  emu_out_str_member(out, "Database", t->database);
  emu_out_str_member(out, "DbUser", t->db_user);
  emu_out_str_member(out, "SecretArn", t->secret_arn);
  emu_out_str_member(out, "WorkgroupName", t->workgroup);
}

void emu_wait_terminal_locked(emu_call *c, emu_stmt *st, int wait_s) {
  if (wait_s <= 0) {
    return;
  }
  int64_t deadline = emu_now_mono_ns() + (int64_t)wait_s * 1000000000;
  while (!emu_status_terminal(st->status) && emu_now_mono_ns() < deadline &&
         !c->srv->shutting_down) {
    emu_store_wait_locked(c->srv->store, deadline);
  }
}

emu_stmt *emu_find_stmt_locked(emu_call *c, const char *id) {
  emu_stmt *st = emu_store_find_locked(c->srv->store, id, c->akid);
  if (st == NULL) {
    /* The real service answers a well-formed but unknown id with HTTP 400 and this text, not with
     * the model's ResourceNotFoundException (ballerina-platform/module-ballerinax-aws.redshiftdata,
     * ballerina/tests/get_statement_result_test.bal, testIncorrectStatementId). */
    EMU_ERR_VALIDATION(c->err, "Query does not exist.");
  }
  return st;
}

bool emu_paging(emu_call *c, const char *scope, int default_limit, int64_t *offset, int *limit) {
  int max = 0;
  *limit = emu_in_int(c, "MaxResults", &max) && max > 0 ? max : default_limit;
  *offset = 0;
  const char *token = emu_in_str(c, "NextToken");
  if (token != NULL && !emu_token_parse(c->srv->token_key, scope, token, offset)) {
    EMU_ERR_VALIDATION(c->err, "The NextToken is invalid.");
    return false;
  }
  return true;
}

void emu_out_next_token(emu_call *c, const char *scope, int64_t next) {
  char tok[EMU_TOKEN_LEN + 1];
  if (emu_token_make(c->srv->token_key, scope, next, tok)) {
    emu_buf_printf(c->out, ",\"NextToken\":\"%s\"", tok);
  } else {
    c->out->failed = true; /* reported as an internal error by the caller's check */
  }
}
