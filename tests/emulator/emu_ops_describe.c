/* DescribeStatement, ListStatements and ListSessions. */
#include <stdio.h>
#include <string.h>

#include "emu_ops.h"

/* AWS's sample output spells the format in lower case ("ResultFormat": "csv", dataapi-types.md
 * §5), although the request enum is upper case. */
static const char *format_name(const emu_stmt *st) {
  return st->csv ? "csv" : "json";
}

static int64_t duration_ns(const emu_stmt *st) {
  if (st->started_ns == 0) {
    return 0;
  }
  int64_t end = st->ended_ns != 0 ? st->ended_ns : emu_now_mono_ns();
  return end - st->started_ns;
}

static void write_params(emu_buf *o, const emu_stmt *st) {
  if (st->n_params == 0) {
    return;
  }
  emu_buf_puts(o, ",\"QueryParameters\":[");
  for (size_t i = 0; i < st->n_params; i++) {
    emu_buf_puts(o, i > 0 ? ",{\"name\":" : "{\"name\":");
    emu_json_cstr(o, st->params[i].name);
    emu_buf_puts(o, ",\"value\":");
    emu_json_cstr(o, st->params[i].value);
    emu_buf_putc(o, '}');
  }
  emu_buf_putc(o, ']');
}

/* The members a statement and a sub-statement share (SubStatementData's). Lock held. */
static void write_common(emu_buf *o, const emu_stmt *st) {
  emu_buf_puts(o, "\"CreatedAt\":");
  emu_json_epoch(o, st->created_at);
  emu_buf_printf(o, ",\"Duration\":%lld", (long long)duration_ns(st));
  if (st->error != NULL && (st->status == EMU_ST_FAILED || st->status == EMU_ST_ABORTED)) {
    emu_out_str_member(o, "Error", st->error);
  }
  emu_buf_printf(o, ",\"HasResultSet\":%s,\"Id\":", st->has_result_set ? "true" : "false");
  emu_json_cstr(o, st->id);
  emu_out_str_member(o, "QueryString", st->sql);
  emu_buf_printf(o, ",\"RedshiftQueryId\":%lld,\"ResultRows\":%lld,\"ResultSize\":%lld",
                 (long long)st->query_id, (long long)st->result_rows, (long long)st->result_size);
  emu_out_str_member(o, "Status", emu_status_name(st->status));
  emu_buf_puts(o, ",\"UpdatedAt\":");
  emu_json_epoch(o, st->updated_at);
}

static void write_describe(emu_buf *o, const emu_stmt *st) {
  const emu_stmt *top = st->parent != NULL ? st->parent : st;
  emu_buf_putc(o, '{');
  write_common(o, st);
  emu_out_target(o, &top->target);
  if (top->is_batch && st == top) {
    emu_out_str_member(o, "ExecutionMode", top->auto_commit ? "AUTO_COMMIT" : "TRANSACTION");
  }
  write_params(o, top);
  emu_buf_printf(o, ",\"RedshiftPid\":%lld", (long long)st->redshift_pid);
  emu_out_str_member(o, "ResultFormat", format_name(top));
  if (top->session_id[0] != '\0') {
    emu_out_str_member(o, "SessionId", top->session_id);
  }
  if (st->is_batch) {
    emu_buf_puts(o, ",\"SubStatements\":[");
    for (size_t i = 0; i < st->n_subs; i++) {
      emu_buf_puts(o, i > 0 ? ",{" : "{");
      write_common(o, st->subs[i]);
      emu_buf_putc(o, '}');
    }
    emu_buf_putc(o, ']');
  }
  emu_buf_putc(o, '}');
}

bool emu_op_describe_statement(emu_call *c) {
  int wait_s = 0;
  emu_in_int(c, "WaitTimeSeconds", &wait_s);
  emu_store_lock(c->srv->store);
  emu_stmt *st = emu_find_stmt_locked(c, emu_in_str(c, "Id"));
  if (st != NULL) {
    emu_wait_terminal_locked(c, st, wait_s);
    write_describe(c->out, st);
  }
  emu_store_unlock(c->srv->store);
  return st != NULL;
}

static bool opt_eq(const char *filter, const char *value) {
  return filter == NULL || (value != NULL && strcmp(filter, value) == 0);
}

bool emu_op_list_statements(emu_call *c) {
  const char *status = emu_in_str(c, "Status");
  const char *name = emu_in_str(c, "StatementName");
  const char *db = emu_in_str(c, "Database");
  const char *cluster = emu_in_str(c, "ClusterIdentifier");
  const char *wg = emu_in_str(c, "WorkgroupName");
  if (cluster != NULL && wg != NULL) {
    EMU_ERR_VALIDATION(c->err, "Only one of ClusterIdentifier and WorkgroupName can be specified.");
    return false;
  }
  char scope[1024];
  snprintf(scope, sizeof scope, "ListStatements|%s|%s|%s|%s|%s", status ? status : "",
           name ? name : "", db ? db : "", cluster ? cluster : "", wg ? wg : "");
  int64_t before;
  int limit;
  /* "By default, only finished statements are shown" (model doc); MaxResults is at most 100. */
  if (!emu_paging(c, scope, 100, &before, &limit)) {
    return false;
  }
  emu_buf *o = c->out;
  emu_buf_puts(o, "{\"Statements\":[");
  emu_store_lock(c->srv->store);
  int n = 0;
  int64_t last_seq = 0;
  bool more = false;
  for (emu_stmt *st = emu_store_next_stmt_locked(c->srv->store, NULL); st != NULL;
       st = emu_store_next_stmt_locked(c->srv->store, st)) {
    if ((before > 0 && (int64_t)st->seq >= before) || strcmp(st->owner, c->akid) != 0) {
      continue;
    }
    bool status_ok = status == NULL ? st->status == EMU_ST_FINISHED
                                    : strcmp(status, "ALL") == 0 ||
                                          strcmp(status, emu_status_name(st->status)) == 0;
    if (!status_ok || !opt_eq(db, st->target.database) || !opt_eq(cluster, st->target.cluster) ||
        !opt_eq(wg, st->target.workgroup) ||
        (name != NULL &&
         (st->statement_name == NULL || strncmp(st->statement_name, name, strlen(name)) != 0))) {
      continue;
    }
    if (n == limit) {
      more = true;
      break;
    }
    emu_buf_puts(o, n > 0 ? ",{\"CreatedAt\":" : "{\"CreatedAt\":");
    emu_json_epoch(o, st->created_at);
    emu_buf_puts(o, ",\"Id\":");
    emu_json_cstr(o, st->id);
    emu_buf_printf(o, ",\"IsBatchStatement\":%s", st->is_batch ? "true" : "false");
    write_params(o, st);
    if (st->is_batch) {
      emu_buf_puts(o, ",\"QueryStrings\":[");
      for (size_t i = 0; i < st->n_subs; i++) {
        if (i > 0) {
          emu_buf_putc(o, ',');
        }
        emu_json_cstr(o, st->subs[i]->sql);
      }
      emu_buf_putc(o, ']');
    } else {
      emu_out_str_member(o, "QueryString", st->sql);
    }
    emu_out_str_member(o, "ResultFormat", format_name(st));
    emu_out_str_member(o, "SecretArn", st->target.secret_arn);
    if (st->session_id[0] != '\0') {
      emu_out_str_member(o, "SessionId", st->session_id);
    }
    emu_out_str_member(o, "StatementName", st->statement_name);
    emu_out_str_member(o, "Status", emu_status_name(st->status));
    emu_buf_puts(o, ",\"UpdatedAt\":");
    emu_json_epoch(o, st->updated_at);
    emu_buf_putc(o, '}');
    last_seq = (int64_t)st->seq;
    n++;
  }
  emu_store_unlock(c->srv->store);
  emu_buf_putc(o, ']');
  if (more) {
    emu_out_next_token(c, scope, last_seq);
  }
  emu_buf_putc(o, '}');
  return true;
}

bool emu_op_list_sessions(emu_call *c) {
  const char *id = emu_in_str(c, "SessionId");
  const char *status = emu_in_str(c, "Status");
  const char *db = emu_in_str(c, "Database");
  const char *cluster = emu_in_str(c, "ClusterIdentifier");
  const char *wg = emu_in_str(c, "WorkgroupName");
  if (id != NULL && (status != NULL || db != NULL || cluster != NULL || wg != NULL)) {
    EMU_ERR_VALIDATION(c->err, "SessionId can't be specified together with Status, "
                               "ClusterIdentifier, WorkgroupName or Database.");
    return false;
  }
  if (cluster != NULL && wg != NULL) {
    EMU_ERR_VALIDATION(c->err, "Only one of ClusterIdentifier and WorkgroupName can be specified.");
    return false;
  }
  char scope[1024];
  snprintf(scope, sizeof scope, "ListSessions|%s|%s|%s|%s|%s", id ? id : "", status ? status : "",
           db ? db : "", cluster ? cluster : "", wg ? wg : "");
  int64_t before;
  int limit;
  if (!emu_paging(c, scope, 100, &before, &limit)) {
    return false;
  }
  emu_store *s = c->srv->store;
  emu_store_lock(s);
  if (id != NULL) {
    emu_session *se = emu_store_find_session_locked(s, id);
    if (se == NULL || strcmp(se->owner, c->akid) != 0) {
      emu_store_unlock(s);
      emu_err_not_found(c->err, id, "Session with Id: %s is invalid", id);
      return false;
    }
  }
  double now = emu_now_epoch();
  emu_buf *o = c->out;
  emu_buf_puts(o, "{\"Sessions\":[");
  int n = 0;
  int64_t last_seq = 0;
  bool more = false;
  for (emu_session *se = emu_store_next_session_locked(s, NULL); se != NULL;
       se = emu_store_next_session_locked(s, se)) {
    if (se->status == EMU_SESS_AVAILABLE && now >= se->ttl_at) {
      emu_store_close_session_locked(s, se); /* the reaper will close its connection */
    }
    if ((before > 0 && (int64_t)se->seq >= before) || strcmp(se->owner, c->akid) != 0 ||
        (id != NULL && strcmp(se->id, id) != 0)) {
      continue;
    }
    bool status_ok = id != NULL       ? true
                     : status == NULL ? se->status != EMU_SESS_CLOSED
                                      : strcmp(status, emu_session_status_name(se->status)) == 0;
    if (!status_ok || !opt_eq(db, se->target.database) || !opt_eq(cluster, se->target.cluster) ||
        !opt_eq(wg, se->target.workgroup)) {
      continue;
    }
    if (n == limit) {
      more = true;
      break;
    }
    emu_buf_puts(o, n > 0 ? ",{\"CreatedAt\":" : "{\"CreatedAt\":");
    emu_json_epoch(o, se->created_at);
    if (se->status == EMU_SESS_BUSY && se->current != NULL) {
      emu_out_str_member(o, "CurrentStatementId", se->current->id);
    }
    emu_out_target(o, &se->target);
    emu_buf_printf(o, ",\"SessionAliveSeconds\":%d,\"SessionId\":", se->keepalive_s);
    emu_json_cstr(o, se->id);
    if (se->status != EMU_SESS_BUSY) {
      emu_buf_puts(o, ",\"SessionTtl\":");
      emu_json_epoch(o, se->status == EMU_SESS_CLOSED ? se->updated_at : se->ttl_at);
    }
    emu_out_str_member(o, "Status", emu_session_status_name(se->status));
    emu_buf_puts(o, ",\"UpdatedAt\":");
    emu_json_epoch(o, se->updated_at);
    emu_buf_putc(o, '}');
    last_seq = (int64_t)se->seq;
    n++;
  }
  emu_store_unlock(s);
  emu_buf_putc(o, ']');
  if (more) {
    emu_out_next_token(c, scope, last_seq);
  }
  emu_buf_putc(o, '}');
  return true;
}
