/* dapi_ops_parse.c — ExecuteStatement / DescribeStatement / CancelStatement responses → plain C
 * structs (cJSON, STYLE R14: length-bounded parse, case-sensitive getters, one delete). */
#include "dapi_ops.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *dapi_stmt_status_name(dapi_stmt_status s) {
  switch (s) {
  case DAPI_STMT_UNKNOWN:
    return "UNKNOWN";
  case DAPI_STMT_SUBMITTED:
    return "SUBMITTED";
  case DAPI_STMT_PICKED:
    return "PICKED";
  case DAPI_STMT_STARTED:
    return "STARTED";
  case DAPI_STMT_FINISHED:
    return "FINISHED";
  case DAPI_STMT_ABORTED:
    return "ABORTED";
  case DAPI_STMT_FAILED:
    return "FAILED";
  }
  return "UNKNOWN";
}

bool dapi_stmt_status_terminal(dapi_stmt_status s) {
  return s == DAPI_STMT_FINISHED || s == DAPI_STMT_FAILED || s == DAPI_STMT_ABORTED;
}

static void sub_free(dapi_sub_stmt *s) {
  free(s->id);
  free(s->error);
  free(s->query_string);
}

void dapi_stmt_info_free(dapi_stmt_info *info) {
  free(info->id);
  free(info->session_id);
  free(info->error);
  free(info->query_string);
  for (size_t i = 0; i < info->n_subs; i++) {
    sub_free(&info->subs[i]);
  }
  free(info->subs);
  memset(info, 0, sizeof(*info));
}

/* A member's getter result: absent is fine, present with the wrong type is not. */
typedef enum got { GOT_ABSENT, GOT_OK, GOT_BAD } got;

static got get_string(const cJSON *obj, const char *name, char **out) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
  if (m == NULL || cJSON_IsNull(m)) {
    return GOT_ABSENT;
  }
  if (!cJSON_IsString(m) || m->valuestring == NULL) {
    return GOT_BAD;
  }
  char *copy = strdup(m->valuestring);
  if (copy == NULL) {
    return GOT_BAD;
  }
  free(*out);
  *out = copy;
  return GOT_OK;
}

/* JSON numbers for long members. cJSON holds them as doubles; every long the Data API sends in
 * these responses (row counts, nanosecond durations, pids, query ids) is far below 2^53, so a
 * non-integral or out-of-range value means a malformed response, not precision loss. */
static got get_long(const cJSON *obj, const char *name, int64_t *out) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
  if (m == NULL || cJSON_IsNull(m)) {
    return GOT_ABSENT;
  }
  if (!cJSON_IsNumber(m)) {
    return GOT_BAD;
  }
  double d = m->valuedouble;
  if (!isfinite(d) || d != floor(d) || d < -9007199254740992.0 || d > 9007199254740992.0) {
    return GOT_BAD;
  }
  *out = (int64_t)d;
  return GOT_OK;
}

static got get_double(const cJSON *obj, const char *name, double *out) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
  if (m == NULL || cJSON_IsNull(m)) {
    return GOT_ABSENT;
  }
  if (!cJSON_IsNumber(m)) {
    return GOT_BAD;
  }
  *out = m->valuedouble;
  return GOT_OK;
}

static got get_bool(const cJSON *obj, const char *name, bool *out) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
  if (m == NULL || cJSON_IsNull(m)) {
    return GOT_ABSENT;
  }
  if (!cJSON_IsBool(m)) {
    return GOT_BAD;
  }
  *out = cJSON_IsTrue(m);
  return GOT_OK;
}

static got get_status(const cJSON *obj, dapi_stmt_status *out) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, "Status");
  if (m == NULL || cJSON_IsNull(m)) {
    return GOT_ABSENT;
  }
  if (!cJSON_IsString(m) || m->valuestring == NULL) {
    return GOT_BAD;
  }
  static const dapi_stmt_status all[] = {DAPI_STMT_SUBMITTED, DAPI_STMT_PICKED,  DAPI_STMT_STARTED,
                                         DAPI_STMT_FINISHED,  DAPI_STMT_ABORTED, DAPI_STMT_FAILED};
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
    if (strcmp(m->valuestring, dapi_stmt_status_name(all[i])) == 0) {
      *out = all[i];
      return GOT_OK;
    }
  }
  /* A status this client does not know cannot be waited on safely. */
  return GOT_BAD;
}

static cJSON *parse_object(const char *body, size_t len) {
  if (body == NULL || len == 0) {
    return NULL;
  }
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(body, len, &end, 0);
  if (root == NULL) {
    return NULL;
  }
  /* Trailing bytes other than whitespace mean a corrupted body. */
  size_t used = (size_t)(end - body);
  for (size_t i = used; i < len; i++) {
    char c = body[i];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      cJSON_Delete(root);
      return NULL;
    }
  }
  if (!cJSON_IsObject(root)) {
    cJSON_Delete(root);
    return NULL;
  }
  return root;
}

static bool parse_sub(const cJSON *item, dapi_sub_stmt *s) {
  s->result_rows = s->result_size = s->duration_ns = s->redshift_query_id = DAPI_ABSENT;
  if (!cJSON_IsObject(item)) {
    return false;
  }
  bool ok = get_string(item, "Id", &s->id) == GOT_OK;
  ok = ok && get_status(item, &s->status) != GOT_BAD;
  ok = ok && get_bool(item, "HasResultSet", &s->has_result_set) != GOT_BAD;
  ok = ok && get_long(item, "ResultRows", &s->result_rows) != GOT_BAD;
  ok = ok && get_long(item, "ResultSize", &s->result_size) != GOT_BAD;
  ok = ok && get_long(item, "Duration", &s->duration_ns) != GOT_BAD;
  ok = ok && get_long(item, "RedshiftQueryId", &s->redshift_query_id) != GOT_BAD;
  ok = ok && get_string(item, "Error", &s->error) != GOT_BAD;
  ok = ok && get_string(item, "QueryString", &s->query_string) != GOT_BAD;
  return ok;
}

static bool parse_subs(const cJSON *root, dapi_stmt_info *out) {
  const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "SubStatements");
  if (arr == NULL || cJSON_IsNull(arr)) {
    return true;
  }
  if (!cJSON_IsArray(arr)) {
    return false;
  }
  size_t n = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, arr) {
    n++;
  }
  if (n == 0) {
    return true;
  }
  out->subs = calloc(n, sizeof(*out->subs));
  if (out->subs == NULL) {
    return false;
  }
  cJSON_ArrayForEach(item, arr) {
    /* Count as we go so that dapi_stmt_info_free releases exactly what was filled. */
    dapi_sub_stmt *s = &out->subs[out->n_subs++];
    if (!parse_sub(item, s)) {
      return false;
    }
  }
  return true;
}

/* The members ExecuteStatement and DescribeStatement share; DescribeStatement has them all. */
static dapi_rc parse_stmt(const char *body, size_t len, dapi_stmt_info *out) {
  memset(out, 0, sizeof(*out));
  out->result_rows = out->result_size = out->duration_ns = DAPI_ABSENT;
  out->redshift_pid = out->redshift_query_id = DAPI_ABSENT;
  cJSON *root = parse_object(body, len);
  if (root == NULL) {
    return DAPI_EPARSE;
  }
  bool ok = get_string(root, "Id", &out->id) == GOT_OK;
  ok = ok && get_string(root, "SessionId", &out->session_id) != GOT_BAD;
  ok = ok && get_status(root, &out->status) != GOT_BAD;
  got g = ok ? get_bool(root, "HasResultSet", &out->has_result_set) : GOT_BAD;
  ok = ok && g != GOT_BAD;
  out->has_result_set_present = g == GOT_OK;
  ok = ok && get_long(root, "ResultRows", &out->result_rows) != GOT_BAD;
  ok = ok && get_long(root, "ResultSize", &out->result_size) != GOT_BAD;
  ok = ok && get_long(root, "Duration", &out->duration_ns) != GOT_BAD;
  ok = ok && get_long(root, "RedshiftPid", &out->redshift_pid) != GOT_BAD;
  ok = ok && get_long(root, "RedshiftQueryId", &out->redshift_query_id) != GOT_BAD;
  ok = ok && get_double(root, "CreatedAt", &out->created_at) != GOT_BAD;
  ok = ok && get_double(root, "UpdatedAt", &out->updated_at) != GOT_BAD;
  ok = ok && get_string(root, "Error", &out->error) != GOT_BAD;
  ok = ok && get_string(root, "QueryString", &out->query_string) != GOT_BAD;
  ok = ok && parse_subs(root, out);
  cJSON_Delete(root);
  if (!ok) {
    dapi_stmt_info_free(out);
    out->result_rows = out->result_size = out->duration_ns = DAPI_ABSENT;
    out->redshift_pid = out->redshift_query_id = DAPI_ABSENT;
    return DAPI_EPARSE;
  }
  return DAPI_OK;
}

dapi_rc dapi_ops_parse_execute(const char *body, size_t len, dapi_stmt_info *out) {
  return parse_stmt(body, len, out);
}

dapi_rc dapi_ops_parse_describe(const char *body, size_t len, dapi_stmt_info *out) {
  return parse_stmt(body, len, out);
}

dapi_rc dapi_ops_parse_cancel(const char *body, size_t len, bool *cancelled) {
  cJSON *root = parse_object(body, len);
  if (root == NULL) {
    return DAPI_EPARSE;
  }
  bool v = false;
  got g = get_bool(root, "Status", &v);
  cJSON_Delete(root);
  if (g != GOT_OK) {
    return DAPI_EPARSE;
  }
  *cancelled = v;
  return DAPI_OK;
}
