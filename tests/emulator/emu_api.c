/* The Data API request pipeline: SigV4 → X-Amz-Target → faults → JSON → model validation →
 * operation. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "emu_auth.h"
#include "emu_http.h"
#include "emu_ops.h"
#include "emu_validate.h"

#define TARGET_PREFIX "RedshiftData."

static const auth_sigv4_header *header(const emu_request *req, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < req->n_headers; i++) {
    if (req->headers[i].name_len == n && strncasecmp(req->headers[i].name, name, n) == 0) {
      return &req->headers[i];
    }
  }
  return NULL;
}

static void answer_error(emu_server *srv, emu_response *resp, emu_err *err) {
  emu_buf_reset(&resp->body);
  emu_err_json(err, &resp->body);
  resp->status = err->status;
  resp->error_type = err->type;
  emu_stats_error(srv->stats, err->type);
}

/* Only whitespace may follow the JSON value. */
static bool only_ws(const char *p, const char *end) {
  for (; p < end; p++) {
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
      return false;
    }
  }
  return true;
}

void emu_api_handle(emu_server *srv, const emu_request *req, emu_response *resp) {
  emu_err err = {0};
  resp->op_name = "?";
  auth_sigv4_request sreq = emu_request_sigv4(req);
  const emu_key *key = emu_auth_verify_service(srv->cfg, srv->sts, EMU_AUTH_SERVICE, &sreq,
                                               (int64_t)time(NULL), &err);
  if (key == NULL) {
    /* Never faulted, never counted as a call: the request is not the caller's yet. */
    answer_error(srv, resp, &err);
    emu_err_clear(&err);
    return;
  }
  snprintf(resp->akid, sizeof resp->akid, "%s", key->access_key_id);

  const auth_sigv4_header *target = header(req, "x-amz-target");
  emu_op op = EMU_OP_COUNT;
  size_t plen = strlen(TARGET_PREFIX);
  if (target != NULL && target->value_len > plen &&
      memcmp(target->value, TARGET_PREFIX, plen) == 0) {
    op = emu_op_from_name(target->value + plen, target->value_len - plen);
  }
  emu_stats_call(srv->stats, op);
  if (op == EMU_OP_COUNT || strcmp(req->method, "POST") != 0) {
    emu_err_set(&err, 400, "UnknownOperationException", NULL);
    answer_error(srv, resp, &err);
    emu_err_clear(&err);
    return;
  }
  resp->op_name = emu_op_name(op);

  emu_fault_plan plan;
  emu_faults_plan(srv->faults, op, &plan);
  if (plan.latency_ms > 0) {
    emu_stats_latency(srv->stats);
    emu_sleep_ms(plan.latency_ms);
  }
  if (plan.kind != EMU_FAULT_NONE) {
    emu_stats_fault(srv->stats, plan.kind);
    switch (plan.kind) {
    case EMU_FAULT_DROP:
      resp->drop = true;
      return;
    case EMU_FAULT_THROTTLE:
      emu_err_set(&err, 400, "ThrottlingException", "Rate exceeded");
      break;
    case EMU_FAULT_UNAVAILABLE:
      emu_err_set(&err, 503, "ServiceUnavailableException", "Service Unavailable");
      break;
    default:
      emu_err_set(&err, 500, "InternalServerException",
                  "An internal error occurred (injected by the emulator).");
      break;
    }
    answer_error(srv, resp, &err);
    emu_err_clear(&err);
    return;
  }

  const char *body = (const char *)req->body;
  size_t len = req->body_len;
  if (len == 0) {
    body = "{}"; /* an empty body is an empty input, as the SDKs send {} */
    len = 2;
  }
  const char *end = NULL;
  cJSON *in = cJSON_ParseWithLengthOpts(body, len, &end, 0);
  cJSON *wait = in != NULL ? cJSON_GetObjectItemCaseSensitive(in, "WaitTimeSeconds") : NULL;
  if (in == NULL || end == NULL || !only_ws(end, body + len)) {
    emu_err_set(&err, 400, "SerializationException", NULL);
  } else if (wait != NULL && plan.wait_time == EMU_WAIT_REJECT) {
    emu_err_set(&err, 400, "SerializationException", "Unrecognized field \"WaitTimeSeconds\"");
  } else {
    if (wait != NULL && plan.wait_time == EMU_WAIT_IGNORE) {
      cJSON_Delete(cJSON_DetachItemViaPointer(in, wait));
    }
    const emu_model_shape *shape = emu_validate_shape(emu_op_name(op));
    if (shape == NULL) {
      EMU_ERR_INTERNAL(&err, "no input shape for %s", emu_op_name(op));
    } else if (emu_validate_input(shape, in, &err)) {
      emu_call call = {
          .srv = srv,
          .op = op,
          .akid = key->access_key_id,
          .in = in,
          .out = &resp->body,
          .err = &err,
      };
      if (emu_ops_dispatch(&call)) {
        if (resp->body.failed) {
          EMU_ERR_INTERNAL(&err, "The response is too large for the emulator's limits.");
        } else {
          resp->status = 200;
          if (op == EMU_OP_GET_STATEMENT_RESULT || op == EMU_OP_GET_STATEMENT_RESULT_V2) {
            resp->stall_ms = plan.stall_ms;
            if (plan.stall_ms > 0) {
              emu_stats_stall(srv->stats);
            }
          }
        }
      }
    }
  }
  cJSON_Delete(in);
  if (emu_err_is_set(&err)) {
    answer_error(srv, resp, &err);
  }
  emu_err_clear(&err);
}
