/* The unsigned control endpoints under /_emulator/, for tests and benchmarks:
 *   GET  /_emulator/health       200 {"ok":true} once PostgreSQL accepts connections, else 503
 *   GET  /_emulator/stats        counters (calls, errors, faults, statements, sessions, results)
 *   POST /_emulator/reset-stats  zeroes the request counters
 *   GET  /_emulator/faults       the fault settings in force
 *   POST /_emulator/faults       replaces them with the JSON body (same names as the flags)
 *   GET  /_emulator/sts-keys     the temporary keys STS issued: id, identity ARN, expiration
 *   GET|POST /_emulator/sts      {"max-duration-seconds":N,"latency-ms":M}: lifetime cap of
 *                                issued keys, delay of STS answers
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "emu_http.h"

static bool path_is(const emu_request *req, const char *p) {
  return req->path_len == strlen(p) && memcmp(req->path, p, req->path_len) == 0;
}

static void control_error(emu_response *resp, int status, const char *type, const char *msg) {
  emu_buf_reset(&resp->body);
  emu_buf_puts(&resp->body, "{\"__type\":");
  emu_json_cstr(&resp->body, type);
  emu_buf_puts(&resp->body, ",\"message\":");
  emu_json_cstr(&resp->body, msg);
  emu_buf_putc(&resp->body, '}');
  resp->status = status;
  resp->error_type = type;
}

static void stats(emu_server *srv, emu_response *resp) {
  emu_buf *o = &resp->body;
  emu_buf_putc(o, '{');
  emu_stats_json_members(srv->stats, o);
  emu_buf_putc(o, ',');
  emu_sts_stats_json(srv->sts, o);
  size_t by_status[EMU_ST_COUNT], results, result_bytes;
  emu_store_lock(srv->store);
  emu_store_counts_locked(srv->store, by_status, &results, &result_bytes);
  size_t open = emu_store_open_sessions_locked(srv->store);
  size_t active = emu_store_active_locked(srv->store);
  size_t runners = srv->runners;
  emu_store_unlock(srv->store);
  emu_buf_puts(o, ",\"statements\":{");
  size_t total = 0;
  for (int i = 0; i < EMU_ST_COUNT; i++) {
    emu_buf_printf(o, "\"%s\":%zu,", emu_status_name((emu_status)i), by_status[i]);
    total += by_status[i];
  }
  emu_buf_printf(o, "\"total\":%zu,\"active\":%zu,\"running\":%zu}", total, active, runners);
  emu_buf_printf(o, ",\"sessions\":{\"open\":%zu}", open);
  emu_buf_printf(o, ",\"results\":{\"count\":%zu,\"bytes\":%zu,\"max_bytes\":%zu}}", results,
                 result_bytes, srv->cfg->max_result_bytes);
  resp->status = 200;
}

static void faults(emu_server *srv, const emu_request *req, emu_response *resp) {
  emu_fault_settings s;
  if (strcmp(req->method, "POST") == 0) {
    const char *end = NULL;
    cJSON *in = cJSON_ParseWithLengthOpts((const char *)req->body, req->body_len, &end, 0);
    char err[256];
    if (in == NULL) {
      control_error(resp, 400, "SerializationException", "the body must be a JSON object");
      return;
    }
    bool ok = emu_fault_settings_from_json(in, &s, err, sizeof err);
    cJSON_Delete(in);
    if (!ok) {
      control_error(resp, 400, "ValidationException", err);
      return;
    }
    emu_faults_set(srv->faults, &s);
  }
  emu_faults_get(srv->faults, &s);
  emu_fault_settings_json(&s, &resp->body);
  resp->status = 200;
}

static void sts_settings(emu_server *srv, const emu_request *req, emu_response *resp) {
  if (strcmp(req->method, "POST") == 0) {
    const char *end = NULL;
    cJSON *in = cJSON_ParseWithLengthOpts((const char *)req->body, req->body_len, &end, 0);
    const cJSON *d =
        in != NULL ? cJSON_GetObjectItemCaseSensitive(in, "max-duration-seconds") : NULL;
    const cJSON *l = in != NULL ? cJSON_GetObjectItemCaseSensitive(in, "latency-ms") : NULL;
    const cJSON *fn = in != NULL ? cJSON_GetObjectItemCaseSensitive(in, "fail-next") : NULL;
    if (!cJSON_IsObject(in) ||
        (d != NULL && (!cJSON_IsNumber(d) || d->valuedouble < 0 || d->valuedouble > 43200)) ||
        (l != NULL && (!cJSON_IsNumber(l) || l->valuedouble < 0 || l->valuedouble > 60000)) ||
        (fn != NULL && (!cJSON_IsNumber(fn) || fn->valuedouble < 0 || fn->valuedouble > 1e6))) {
      cJSON_Delete(in);
      control_error(resp, 400, "ValidationException",
                    "the body must be {\"max-duration-seconds\": 0..43200, \"latency-ms\": "
                    "0..60000, \"fail-next\": 0..1000000} (any of them)");
      return;
    }
    if (d != NULL) {
      emu_sts_set_max_duration(srv->sts, (uint32_t)d->valuedouble);
    }
    if (l != NULL) {
      emu_sts_set_latency(srv->sts, (uint32_t)l->valuedouble);
    }
    if (fn != NULL) {
      emu_sts_set_fail_next(srv->sts, (uint32_t)fn->valuedouble);
    }
    cJSON_Delete(in);
  }
  emu_buf_printf(&resp->body, "{\"max-duration-seconds\":%u,\"latency-ms\":%u,\"fail-next\":%u}",
                 emu_sts_max_duration(srv->sts), emu_sts_latency(srv->sts),
                 emu_sts_fail_next(srv->sts));
  resp->status = 200;
}

void emu_control_handle(emu_server *srv, const emu_request *req, emu_response *resp) {
  bool get = strcmp(req->method, "GET") == 0;
  bool post = strcmp(req->method, "POST") == 0;
  resp->op_name = "control";
  if (path_is(req, "/_emulator/health") && get) {
    resp->op_name = "health";
    if (emu_pg_ping(srv->cfg->pg_conninfo)) {
      emu_buf_puts(&resp->body, "{\"ok\":true}");
      resp->status = 200;
    } else {
      emu_buf_puts(&resp->body, "{\"ok\":false,\"message\":\"PostgreSQL is not reachable\"}");
      resp->status = 503;
    }
  } else if (path_is(req, "/_emulator/stats") && get) {
    resp->op_name = "stats";
    stats(srv, resp);
  } else if (path_is(req, "/_emulator/reset-stats") && post) {
    resp->op_name = "reset-stats";
    emu_stats_reset(srv->stats);
    emu_sts_stats_reset(srv->sts);
    emu_buf_puts(&resp->body, "{\"ok\":true}");
    resp->status = 200;
  } else if (path_is(req, "/_emulator/faults") && (get || post)) {
    resp->op_name = "faults";
    faults(srv, req, resp);
  } else if (path_is(req, "/_emulator/sts-keys") && get) {
    resp->op_name = "sts-keys";
    emu_sts_keys_json(srv->sts, &resp->body);
    resp->status = 200;
  } else if (path_is(req, "/_emulator/sts") && (get || post)) {
    resp->op_name = "sts-settings";
    sts_settings(srv, req, resp);
  } else {
    control_error(resp, 404, "NotFoundException",
                  "unknown control endpoint (health, stats, reset-stats, faults, sts, sts-keys)");
  }
}
