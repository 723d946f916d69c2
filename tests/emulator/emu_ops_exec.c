/* ExecuteStatement, BatchExecuteStatement and CancelStatement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu_canned.h"
#include "emu_ops.h"
#include "emu_params.h"
#include "emu_runner.h"

/* The service's limit on statements not yet finished (dataapi.md §3: 200 per cluster). */
#define EMU_MAX_ACTIVE_STATEMENTS 200

/* The request's Parameters as borrowed emu_params (names/values point into c->in). */
typedef struct req_params {
  emu_param *list; /* owned array */
  size_t n;
} req_params;

static bool read_params(emu_call *c, req_params *p) {
  p->list = NULL;
  p->n = 0;
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(c->in, "Parameters");
  if (!cJSON_IsArray(arr)) {
    return true;
  }
  size_t n = (size_t)cJSON_GetArraySize(arr);
  p->list = calloc(n > 0 ? n : 1, sizeof *p->list);
  if (p->list == NULL) {
    EMU_ERR_INTERNAL(c->err, "out of memory");
    return false;
  }
  const cJSON *e;
  cJSON_ArrayForEach(e, arr) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(e, "value");
    p->list[p->n].name = cJSON_IsString(name) ? name->valuestring : NULL;
    p->list[p->n].value = cJSON_IsString(value) ? value->valuestring : NULL;
    p->n++;
  }
  return true;
}

/* Rewrites sql into st->exec_sql/pg_values. used[i] is set for every parameter referenced. */
static bool prepare_sql(emu_call *c, emu_stmt *st, const char *sql, const req_params *p,
                        bool *used) {
  emu_buf out;
  emu_buf_init(&out, 2 * EMU_MAX_SQL_BYTES + 1024);
  size_t *order = calloc(p->n > 0 ? p->n : 1, sizeof *order);
  size_t n_used = 0;
  const char *bad = NULL;
  size_t bad_len = 0;
  emu_params_rc rc = order == NULL ? EMU_PARAMS_ENOMEM
                                   : emu_params_rewrite(sql, strlen(sql), p->list, p->n, false,
                                                        &out, order, &n_used, &bad, &bad_len);
  bool ok = false;
  if (rc == EMU_PARAMS_MISSING) {
    EMU_ERR_VALIDATION(c->err,
                       "Parameter :%.*s is referenced in the SQL statement but not "
                       "provided in Parameters.",
                       (int)bad_len, bad);
  } else if (rc != EMU_PARAMS_OK) {
    EMU_ERR_INTERNAL(c->err, "out of memory");
  } else {
    st->exec_sql = emu_strndup(out.data != NULL ? out.data : "", out.len);
    st->pg_values = calloc(n_used > 0 ? n_used : 1, sizeof *st->pg_values);
    ok = st->exec_sql != NULL && st->pg_values != NULL;
    for (size_t k = 0; ok && k < n_used; k++) {
      st->pg_values[k] = emu_strdup_or_null(p->list[order[k]].value);
      ok = st->pg_values[k] != NULL;
      st->n_pg_values = k + 1;
      used[order[k]] = true;
    }
    if (!ok) {
      EMU_ERR_INTERNAL(c->err, "out of memory");
    }
  }
  free(order);
  emu_buf_free(&out);
  return ok;
}

static bool copy_params(emu_stmt *st, const req_params *p) {
  if (p->n == 0) {
    return true;
  }
  st->params = calloc(p->n, sizeof *st->params);
  if (st->params == NULL) {
    return false;
  }
  for (size_t i = 0; i < p->n; i++) {
    st->params[i].name = emu_strdup_or_null(p->list[i].name);
    st->params[i].value = emu_strdup_or_null(p->list[i].value);
    st->n_params = i + 1;
    if (st->params[i].name == NULL || st->params[i].value == NULL) {
      return false;
    }
  }
  return true;
}

static bool check_sql_size(emu_call *c, const char *sql) {
  if (strlen(sql) > EMU_MAX_SQL_BYTES) {
    EMU_ERR_VALIDATION(c->err, "Cannot process query string larger than 100kB");
    return false;
  }
  return true;
}

/* The response of ExecuteStatement / BatchExecuteStatement for st (lock held). */
static void write_submit_response(emu_call *c, const emu_stmt *st, bool with_status) {
  emu_buf *o = c->out;
  emu_buf_puts(o, "{\"CreatedAt\":");
  emu_json_epoch(o, st->created_at);
  if (with_status) {
    emu_buf_printf(o, ",\"HasResultSet\":%s", st->has_result_set ? "true" : "false");
  }
  emu_buf_puts(o, ",\"Id\":");
  emu_json_cstr(o, st->id);
  emu_out_target(o, &st->target);
  if (with_status) {
    emu_buf_printf(o, ",\"RedshiftPid\":%lld", (long long)st->redshift_pid);
  }
  if (st->session_id[0] != '\0') {
    emu_out_str_member(o, "SessionId", st->session_id);
  }
  if (with_status) {
    emu_out_str_member(o, "Status", emu_status_name(st->status));
  }
  emu_buf_putc(o, '}');
}

/* Finishes a canned statement at once (no PostgreSQL). Lock held. */
static void finish_canned_locked(emu_call *c, emu_stmt *st) {
  emu_store *s = c->srv->store;
  emu_result *r = emu_result_canned(&st->canned_spec);
  st->query_id = emu_store_next_query_id_locked(s);
  emu_store_set_status_locked(s, st, EMU_ST_STARTED);
  if (r == NULL) {
    st->error = emu_strdup_or_null("ERROR: out of memory");
    emu_store_set_status_locked(s, st, EMU_ST_FAILED);
    return;
  }
  st->has_result_set = true;
  st->result_rows = r->nrows;
  st->result_size = r->text_bytes;
  emu_store_attach_result_locked(s, st, r); /* canned results hold almost no memory */
  emu_store_set_status_locked(s, st, EMU_ST_FINISHED);
}

/* Attaches st to a session (lock held): an existing one by SessionId, or a new one when
 * SessionKeepAliveSeconds > 0. */
static bool attach_session_locked(emu_call *c, emu_stmt *st, const char *session_id,
                                  bool has_keepalive, int keepalive, const emu_target *target) {
  emu_store *s = c->srv->store;
  emu_session *se;
  if (session_id != NULL) {
    se = emu_store_find_session_locked(s, session_id);
    if (se == NULL || strcmp(se->owner, c->akid) != 0) {
      EMU_ERR_VALIDATION(c->err, "Session with Id: %s is invalid", session_id);
      return false;
    }
    if (se->status == EMU_SESS_AVAILABLE && emu_now_epoch() >= se->ttl_at) {
      /* Expired but not reaped yet: it is closed all the same. */
      emu_store_close_session_locked(s, se);
    }
    if (se->status == EMU_SESS_CLOSED) {
      EMU_ERR_VALIDATION(c->err, "Session is not available");
      return false;
    }
    if (se->status == EMU_SESS_BUSY) {
      EMU_ERR_VALIDATION(c->err,
                         "Session %s is busy running statement %s. A session runs one statement "
                         "at a time.",
                         se->id, se->current != NULL ? se->current->id : "(starting)");
      return false;
    }
    if (has_keepalive) {
      se->keepalive_s = keepalive;
    }
    se->status = EMU_SESS_BUSY;
  } else {
    bool limit = false;
    se = emu_store_new_session_locked(s, c->akid, target, keepalive, &limit);
    if (se == NULL) {
      if (limit) {
        emu_err_set(c->err, 400, "ActiveSessionsExceededException",
                    "The maximum number of active sessions (%zu) has been reached.",
                    c->srv->cfg->max_sessions);
      } else {
        EMU_ERR_INTERNAL(c->err, "out of memory");
      }
      return false;
    }
  }
  st->session = se;
  memcpy(st->session_id, se->id, sizeof st->session_id);
  return true;
}

/* Shared by ExecuteStatement (sqls == NULL, sql set) and BatchExecuteStatement. */
static bool submit(emu_call *c, bool batch) {
  const char *sql = emu_in_str(c, "Sql");
  const cJSON *sqls = cJSON_GetObjectItemCaseSensitive(c->in, "Sqls");
  size_t n_sqls = batch ? (size_t)cJSON_GetArraySize(sqls) : 1;
  if (batch) {
    const cJSON *e;
    cJSON_ArrayForEach(e, sqls) {
      if (!check_sql_size(c, e->valuestring)) {
        return false;
      }
    }
  } else if (!check_sql_size(c, sql)) {
    return false;
  }
  const char *session_id = emu_in_str(c, "SessionId");
  int keepalive = 0, wait_s = 0;
  bool has_keepalive = emu_in_int(c, "SessionKeepAliveSeconds", &keepalive);
  bool has_wait = emu_in_int(c, "WaitTimeSeconds", &wait_s);
  emu_target target;
  emu_in_target(c, &target);
  if (session_id != NULL) {
    if (target.cluster != NULL || target.workgroup != NULL || target.database != NULL ||
        target.db_user != NULL || target.secret_arn != NULL) {
      EMU_ERR_VALIDATION(c->err, "ClusterIdentifier, WorkgroupName, Database, DbUser and "
                                 "SecretArn can't be specified together with SessionId.");
      return false;
    }
  } else if (!emu_check_target(c, &target)) {
    return false;
  }
  const char *client_token = emu_in_str(c, "ClientToken");
  emu_store *s = c->srv->store;

  /* Idempotency: the same token from the same key within 8 hours returns the first statement. */
  if (client_token != NULL) {
    emu_store_lock(s);
    emu_stmt *prev = emu_store_find_token_locked(s, c->akid, client_token);
    if (prev != NULL) {
      emu_wait_terminal_locked(c, prev, has_wait ? wait_s : 0);
      write_submit_response(c, prev, has_wait);
      emu_store_unlock(s);
      return true;
    }
    emu_store_unlock(s);
  }

  req_params params;
  if (!read_params(c, &params)) {
    return false;
  }
  bool *used = calloc(params.n > 0 ? params.n : 1, sizeof *used);
  emu_stmt *st = emu_stmt_new();
  bool ok = used != NULL && st != NULL;
  if (!ok) {
    EMU_ERR_INTERNAL(c->err, "out of memory");
  }
  if (ok) {
    st->owner = emu_strdup_or_null(c->akid);
    st->client_token = emu_strdup_or_null(client_token);
    st->statement_name = emu_strdup_or_null(emu_in_str(c, "StatementName"));
    const char *fmt = emu_in_str(c, "ResultFormat");
    st->csv = fmt != NULL && strcmp(fmt, "CSV") == 0;
    const char *mode = emu_in_str(c, "ExecutionMode");
    st->auto_commit = mode != NULL && strcmp(mode, "AUTO_COMMIT") == 0;
    st->is_batch = batch;
    st->created_at = st->updated_at = emu_now_epoch();
    ok = st->owner != NULL && (client_token == NULL || st->client_token != NULL) &&
         emu_uuid(st->id) && copy_params(st, &params);
    if (!ok) {
      EMU_ERR_INTERNAL(c->err, "out of memory");
    }
  }
  if (ok && !batch) {
    st->sql = emu_strdup_or_null(sql);
    ok = st->sql != NULL && prepare_sql(c, st, sql, &params, used);
    if (ok) {
      const char *why = NULL;
      emu_canned_match m = emu_canned_parse(sql, strlen(sql), &st->canned_spec, &why);
      st->canned = m == EMU_CANNED_YES;
      if (m == EMU_CANNED_INVALID) {
        /* Fails like SQL would: as the statement's Error, not as an API error. */
        char msg[256];
        snprintf(msg, sizeof msg, "ERROR: %s", why);
        st->error = emu_strdup_or_null(msg);
        st->status = EMU_ST_FAILED;
      }
    } else if (!emu_err_is_set(c->err)) {
      EMU_ERR_INTERNAL(c->err, "out of memory");
    }
  }
  if (ok && batch) {
    /* QueryString of a batch parent: the Sqls joined, as ListStatements' QueryStrings lists them
     * separately (the parent's own text is a guess). */
    emu_buf joined;
    emu_buf_init(&joined, (n_sqls + 1) * (EMU_MAX_SQL_BYTES + 2));
    st->subs = calloc(n_sqls, sizeof *st->subs);
    ok = st->subs != NULL;
    size_t k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, sqls) {
      if (!ok) {
        break;
      }
      emu_stmt *sub = emu_stmt_new();
      ok = sub != NULL;
      if (!ok) {
        EMU_ERR_INTERNAL(c->err, "out of memory");
        break;
      }
      st->subs[k] = sub;
      st->n_subs = k + 1;
      sub->parent = st;
      sub->sub_index = (int)(k + 1);
      snprintf(sub->id, sizeof sub->id, "%.36s:%zu", st->id, k + 1);
      sub->owner = emu_strdup_or_null(c->akid);
      sub->sql = emu_strdup_or_null(e->valuestring);
      sub->created_at = sub->updated_at = st->created_at;
      sub->csv = st->csv;
      ok = sub->owner != NULL && sub->sql != NULL &&
           prepare_sql(c, sub, e->valuestring, &params, used);
      if (!ok && !emu_err_is_set(c->err)) {
        EMU_ERR_INTERNAL(c->err, "out of memory");
      }
      emu_buf_printf(&joined, "%s%s", k > 0 ? "; " : "", e->valuestring);
      k++;
    }
    if (ok) {
      for (size_t i = 0; i < params.n; i++) {
        if (!used[i]) {
          EMU_ERR_VALIDATION(c->err,
                             "Parameter %s is not used in any of the SQL statements. Each "
                             "provided parameter must be referenced by at least one of them.",
                             params.list[i].name);
          ok = false;
          break;
        }
      }
    }
    if (ok) {
      st->sql = emu_strndup(joined.data != NULL ? joined.data : "", joined.len);
      ok = st->sql != NULL && !joined.failed;
      if (!ok) {
        EMU_ERR_INTERNAL(c->err, "out of memory");
      }
    }
    emu_buf_free(&joined);
  }

  bool started = false;
  if (ok) {
    emu_store_lock(s);
    if (emu_store_active_locked(s) >= EMU_MAX_ACTIVE_STATEMENTS) {
      emu_err_set(c->err, 400, "ActiveStatementsExceededException",
                  "The maximum number of active statements (%d) has been reached.",
                  EMU_MAX_ACTIVE_STATEMENTS);
      ok = false;
    } else if (session_id != NULL || (has_keepalive && keepalive > 0)) {
      ok = attach_session_locked(c, st, session_id, has_keepalive, keepalive, &target);
    }
    if (ok) {
      const emu_target *t = st->session != NULL ? &st->session->target : &target;
      ok = emu_target_copy(&st->target, t);
      if (!ok) {
        EMU_ERR_INTERNAL(c->err, "out of memory");
        if (st->session != NULL) {
          /* Hand the session straight back: nothing ran on it. */
          st->session->status = EMU_SESS_AVAILABLE;
          st->session->ttl_at = emu_now_epoch() + st->session->keepalive_s;
        }
      }
    }
    if (ok) {
      emu_store_publish_locked(s, st);
      if (st->session != NULL) {
        emu_stmt_ref_locked(st);
        st->session->current = st;
        st->session->updated_at = st->created_at;
      }
      if (st->canned || emu_status_terminal(st->status)) {
        if (st->canned) {
          finish_canned_locked(c, st);
        } else {
          emu_store_set_status_locked(s, st, EMU_ST_FAILED); /* keeps the active count right */
        }
        if (st->session != NULL) {
          st->session->current = NULL;
          emu_stmt_unref_locked(s, st);
          st->session->status = EMU_SESS_AVAILABLE;
          st->session->ttl_at = emu_now_epoch() + st->session->keepalive_s;
        }
      } else {
        started = true;
      }
    } else if (st->session != NULL && session_id == NULL) {
      emu_store_close_session_locked(s, st->session); /* created for nothing */
    }
    emu_store_unlock(s);
  }
  if (started) {
    emu_runner_start(c->srv, st);
  }
  if (ok) {
    emu_store_lock(s);
    emu_wait_terminal_locked(c, st, has_wait ? wait_s : 0);
    write_submit_response(c, st, has_wait);
    emu_stmt_unref_locked(s, st);
    emu_store_unlock(s);
  } else if (st != NULL) {
    emu_stmt_unref(s, st);
  }
  free(used);
  free(params.list);
  return ok;
}

bool emu_op_execute_statement(emu_call *c) {
  return submit(c, false);
}

bool emu_op_batch_execute_statement(emu_call *c) {
  return submit(c, true);
}

bool emu_op_cancel_statement(emu_call *c) {
  const char *id = emu_in_str(c, "Id");
  emu_store *s = c->srv->store;
  emu_store_lock(s);
  emu_stmt *st = emu_find_stmt_locked(c, id);
  bool ok = st != NULL;
  if (ok) {
    /* A sub-statement cannot be cancelled alone: the batch is. */
    emu_stmt *top = st->parent != NULL ? st->parent : st;
    if (!emu_runner_cancel_locked(c->srv, top)) {
      EMU_ERR_VALIDATION(c->err, "Could not cancel a query that is already in %s status",
                         emu_status_name(top->status));
      ok = false;
    } else {
      /* Answer once the cancel took effect (bounded), so a DescribeStatement right after sees
       * ABORTED. */
      int64_t deadline = emu_now_mono_ns() + 2000000000LL;
      while (!emu_status_terminal(top->status) && emu_now_mono_ns() < deadline) {
        emu_store_wait_locked(s, deadline);
      }
      emu_buf_puts(c->out, "{\"Status\":true}");
    }
  }
  emu_store_unlock(s);
  return ok;
}
