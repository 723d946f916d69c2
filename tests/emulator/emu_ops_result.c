/* GetStatementResult (JSON records) and GetStatementResultV2 (CSV). */
#include <stdio.h>
#include <string.h>

#include "emu_ops.h"
#include "emu_token.h"

static bool get_result(emu_call *c, bool v2) {
  const char *id = emu_in_str(c, "Id");
  int wait_s = 0;
  emu_in_int(c, "WaitTimeSeconds", &wait_s);
  emu_store *s = c->srv->store;
  emu_store_lock(s);
  emu_stmt *st = emu_find_stmt_locked(c, id);
  emu_result *r = NULL;
  if (st != NULL) {
    emu_wait_terminal_locked(c, st, wait_s);
    if (st->status != EMU_ST_FINISHED || !st->has_result_set || st->is_batch) {
      /* Not finished, failed, no result set (SET, DDL), or a batch parent (whose results are
       * under its "<id>:N" sub-statements). The real service answers HTTP 400 with this text for
       * a finished DROP TABLE (ballerina-platform/module-ballerinax-aws.redshiftdata,
       * ballerina/tests/get_statement_result_test.bal, testNoQueryResult): a
       * ValidationException, the model's only 400 error of the operation. */
      EMU_ERR_VALIDATION(c->err, "Query does not have result. Please check query status with "
                                 "DescribeStatement.");
    } else if (st->result == NULL) {
      emu_err_not_found(c->err, id,
                        "Query result is no longer available: the emulator evicted it to stay "
                        "within --max-result-bytes.");
    } else if (st->csv != v2) {
      EMU_ERR_VALIDATION(c->err,
                         v2 ? "Query result format is JSON. Use GetStatementResult to fetch it."
                            : "Query result format is CSV. Use GetStatementResultV2 to fetch it.");
    } else {
      r = st->result;
      emu_result_ref(r);
    }
  }
  emu_store_unlock(s);
  if (r == NULL) {
    return false;
  }
  char scope[EMU_STMT_ID_MAX + 8];
  snprintf(scope, sizeof scope, "%s|%s", id, v2 ? "csv" : "json");
  int64_t first = 0;
  const char *token = emu_in_str(c, "NextToken");
  if (token != NULL &&
      (!emu_token_parse(c->srv->token_key, scope, token, &first) || first >= r->nrows)) {
    EMU_ERR_VALIDATION(c->err, "The NextToken is invalid.");
    emu_result_unref(r);
    return false;
  }
  const emu_config *cfg = c->srv->cfg;
  emu_buf *o = c->out;
  int64_t next;
  if (!v2) {
    emu_buf_puts(o, "{\"Records\":");
    next = emu_result_json_records(r, o, first, cfg->page_rows, cfg->page_bytes);
  } else {
    /* One CSV chunk per page (AWS: chunks of up to 1 MB); the header row only on the first. */
    emu_buf csv;
    emu_buf_init(&csv, cfg->page_bytes + (64u << 10) * 4 + 1024);
    next = emu_result_csv(r, &csv, first, cfg->page_rows, cfg->page_bytes, first == 0);
    emu_buf_puts(o, "{\"Records\":[{\"CSVRecords\":");
    emu_json_str(o, csv.data != NULL ? csv.data : "", csv.len);
    emu_buf_puts(o, "}]");
    o->failed = o->failed || csv.failed;
    emu_buf_free(&csv);
  }
  emu_buf_puts(o, ",\"ColumnMetadata\":");
  emu_result_column_metadata_json(r, o);
  emu_buf_printf(o, ",\"TotalNumRows\":%lld", (long long)r->nrows);
  if (v2) {
    emu_buf_puts(o, ",\"ResultFormat\":\"csv\"");
  }
  if (next < r->nrows) {
    emu_out_next_token(c, scope, next);
  }
  emu_buf_putc(o, '}');
  emu_result_unref(r);
  return true;
}

bool emu_op_get_statement_result(emu_call *c) {
  return get_result(c, false);
}

bool emu_op_get_statement_result_v2(emu_call *c) {
  return get_result(c, true);
}
