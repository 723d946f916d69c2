/* dapi_ops.c — request bodies of the Data API operations (compact JSON, built without cJSON so
 * that the size cap and the UTF-8 check apply while writing, not after a whole tree exists). */
#include "dapi_ops.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dapi_op_name(dapi_op op) {
  switch (op) {
  case DAPI_OP_EXECUTE_STATEMENT:
    return "ExecuteStatement";
  case DAPI_OP_DESCRIBE_STATEMENT:
    return "DescribeStatement";
  case DAPI_OP_GET_STATEMENT_RESULT:
    return "GetStatementResult";
  case DAPI_OP_CANCEL_STATEMENT:
    return "CancelStatement";
  }
  return "Unknown";
}

void dapi_body_free(dapi_body *b) {
  free(b->data);
  b->data = NULL;
  b->len = 0;
}

dapi_rc dapi_uuid4(char out[DAPI_UUID_LEN + 1]) {
  unsigned char r[16];
  if (RAND_bytes(r, (int)sizeof(r)) != 1) {
    return DAPI_ECRYPTO;
  }
  r[6] = (unsigned char)((r[6] & 0x0F) | 0x40); /* version 4 */
  r[8] = (unsigned char)((r[8] & 0x3F) | 0x80); /* RFC 4122 variant */
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;
  for (size_t i = 0; i < sizeof(r); i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out[o++] = '-';
    }
    out[o++] = hex[r[i] >> 4];
    out[o++] = hex[r[i] & 0x0F];
  }
  out[o] = '\0';
  return DAPI_OK;
}

/* A bounded JSON writer with a sticky status: calls after a failure do nothing, and the caller
 * checks jw.rc once at the end (STYLE R2). */
typedef struct jw {
  char *buf; /* owned until handed to a dapi_body */
  size_t len;
  size_t cap;
  size_t max;
  dapi_rc rc;
  bool need_comma;
} jw;

static void jw_raw(jw *w, const char *s, size_t n) {
  if (w->rc != DAPI_OK) {
    return;
  }
  if (n > w->max - w->len) {
    w->rc = DAPI_ETOOBIG;
    return;
  }
  /* +1 keeps room for the NUL that dapi_body promises after the data. */
  if (w->len + n + 1 > w->cap) {
    size_t cap = w->cap != 0 ? w->cap : 256;
    while (cap < w->len + n + 1) {
      cap *= 2;
    }
    char *p = realloc(w->buf, cap);
    if (p == NULL) {
      w->rc = DAPI_ENOMEM;
      return;
    }
    w->buf = p;
    w->cap = cap;
  }
  memcpy(w->buf + w->len, s, n);
  w->len += n;
  w->buf[w->len] = '\0';
}

static void jw_lit(jw *w, const char *s) {
  jw_raw(w, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no surrogates, <= U+10FFFF),
 * or 0 if invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail) {
  unsigned char c = s[0];
  if (c < 0x80) {
    return 1;
  }
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) {
      lo = 0xA0;
    } else if (c == 0xED) {
      hi = 0x9F;
    }
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) {
      lo = 0x90;
    } else if (c == 0xF4) {
      hi = 0x8F;
    }
  } else {
    return 0;
  }
  if (avail < n || s[1] < lo || s[1] > hi) {
    return 0;
  }
  for (size_t i = 2; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) {
      return 0;
    }
  }
  return n;
}

static void jw_string(jw *w, const char *s) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  size_t len = strlen(s);
  jw_raw(w, "\"", 1);
  size_t run = 0; /* start of the pending run of bytes that need no escaping */
  size_t i = 0;
  while (i < len && w->rc == DAPI_OK) {
    unsigned char c = p[i];
    const char *esc = NULL;
    char u[7];
    if (c == '"') {
      esc = "\\\"";
    } else if (c == '\\') {
      esc = "\\\\";
    } else if (c == '\n') {
      esc = "\\n";
    } else if (c == '\r') {
      esc = "\\r";
    } else if (c == '\t') {
      esc = "\\t";
    } else if (c == '\b') {
      esc = "\\b";
    } else if (c == '\f') {
      esc = "\\f";
    } else if (c < 0x20) {
      u[0] = '\\';
      u[1] = 'u';
      u[2] = '0';
      u[3] = '0';
      u[4] = hex[c >> 4];
      u[5] = hex[c & 0x0F];
      u[6] = '\0';
      esc = u;
    } else if (c >= 0x80) {
      size_t n = utf8_seq_len(p + i, len - i);
      if (n == 0) {
        w->rc = DAPI_EINVAL;
        return;
      }
      i += n;
      continue;
    } else {
      i++;
      continue;
    }
    jw_raw(w, s + run, i - run);
    jw_lit(w, esc);
    i++;
    run = i;
  }
  jw_raw(w, s + run, len - run);
  jw_raw(w, "\"", 1);
}

static void jw_key(jw *w, const char *key) {
  if (w->need_comma) {
    jw_raw(w, ",", 1);
  }
  w->need_comma = true;
  jw_string(w, key);
  jw_raw(w, ":", 1);
}

static void jw_member_str(jw *w, const char *key, const char *value) {
  jw_key(w, key);
  jw_string(w, value);
}

static void jw_member_int(jw *w, const char *key, long value) {
  char num[32];
  int n = snprintf(num, sizeof(num), "%ld", value);
  jw_key(w, key);
  jw_raw(w, num, (size_t)n);
}

static void jw_begin(jw *w, size_t max_bytes) {
  memset(w, 0, sizeof(*w));
  w->max = max_bytes;
  w->rc = DAPI_OK;
  jw_raw(w, "{", 1);
}

static dapi_rc jw_finish(jw *w, dapi_body *out) {
  jw_raw(w, "}", 1);
  if (w->rc != DAPI_OK) {
    free(w->buf);
    return w->rc;
  }
  out->data = w->buf;
  out->len = w->len;
  return DAPI_OK;
}

static bool nonempty(const char *s) {
  return s != NULL && s[0] != '\0';
}

static bool valid_param_name(const char *s) {
  if (!nonempty(s)) {
    return false;
  }
  for (; *s != '\0'; s++) {
    char c = *s;
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

static dapi_rc check_execute(const dapi_execute_input *in) {
  if (!nonempty(in->sql) || !nonempty(in->client_token) ||
      strlen(in->client_token) > DAPI_CLIENT_TOKEN_MAX) {
    return DAPI_EINVAL;
  }
  if ((in->session_id != NULL) == (in->target != NULL)) {
    return DAPI_EINVAL;
  }
  if (in->session_id != NULL &&
      (!nonempty(in->session_id) || in->session_keep_alive_seconds >= 0)) {
    /* SessionKeepAliveSeconds creates a session; sending it with SessionId is meaningless. */
    return DAPI_EINVAL;
  }
  if (in->target != NULL) {
    const dapi_target *t = in->target;
    if ((t->kind != DAPI_TARGET_WORKGROUP && t->kind != DAPI_TARGET_CLUSTER) ||
        !nonempty(t->name) || !nonempty(t->database) ||
        (t->db_user != NULL && t->secret_arn != NULL)) {
      return DAPI_EINVAL;
    }
  }
  if (in->session_keep_alive_seconds > DAPI_SESSION_KEEPALIVE_MAX || in->wait_time_seconds < 0 ||
      in->wait_time_seconds > DAPI_WAIT_TIME_MAX) {
    return DAPI_EINVAL;
  }
  if (in->n_params > 0 && in->params == NULL) {
    return DAPI_EINVAL;
  }
  for (size_t i = 0; i < in->n_params; i++) {
    if (!valid_param_name(in->params[i].name) || !nonempty(in->params[i].value)) {
      return DAPI_EINVAL;
    }
  }
  return DAPI_OK;
}

dapi_rc dapi_ops_build_execute(const dapi_execute_input *in, size_t max_bytes, dapi_body *out) {
  out->data = NULL;
  out->len = 0;
  dapi_rc rc = check_execute(in);
  if (rc != DAPI_OK) {
    return rc;
  }
  jw w;
  jw_begin(&w, max_bytes);
  jw_member_str(&w, "Sql", in->sql);
  const dapi_target *t = in->target;
  if (t != NULL && t->kind == DAPI_TARGET_CLUSTER) {
    jw_member_str(&w, "ClusterIdentifier", t->name);
  }
  if (t != NULL && t->secret_arn != NULL) {
    jw_member_str(&w, "SecretArn", t->secret_arn);
  }
  if (t != NULL && t->db_user != NULL) {
    jw_member_str(&w, "DbUser", t->db_user);
  }
  if (t != NULL) {
    jw_member_str(&w, "Database", t->database);
  }
  if (in->n_params > 0) {
    jw_key(&w, "Parameters");
    jw_raw(&w, "[", 1);
    for (size_t i = 0; i < in->n_params; i++) {
      jw_raw(&w, i == 0 ? "{" : ",{", i == 0 ? 1 : 2);
      w.need_comma = false;
      jw_member_str(&w, "name", in->params[i].name);
      jw_member_str(&w, "value", in->params[i].value);
      jw_raw(&w, "}", 1);
    }
    jw_raw(&w, "]", 1);
  }
  if (t != NULL && t->kind == DAPI_TARGET_WORKGROUP) {
    jw_member_str(&w, "WorkgroupName", t->name);
  }
  jw_member_str(&w, "ClientToken", in->client_token);
  if (in->session_keep_alive_seconds >= 0) {
    jw_member_int(&w, "SessionKeepAliveSeconds", in->session_keep_alive_seconds);
  }
  if (in->session_id != NULL) {
    jw_member_str(&w, "SessionId", in->session_id);
  }
  if (in->wait_time_seconds > 0) {
    jw_member_int(&w, "WaitTimeSeconds", in->wait_time_seconds);
  }
  return jw_finish(&w, out);
}

dapi_rc dapi_ops_build_describe(const char *id, int wait_time_seconds, size_t max_bytes,
                                dapi_body *out) {
  out->data = NULL;
  out->len = 0;
  if (!nonempty(id) || wait_time_seconds < 0 || wait_time_seconds > DAPI_WAIT_TIME_MAX) {
    return DAPI_EINVAL;
  }
  jw w;
  jw_begin(&w, max_bytes);
  jw_member_str(&w, "Id", id);
  if (wait_time_seconds > 0) {
    jw_member_int(&w, "WaitTimeSeconds", wait_time_seconds);
  }
  return jw_finish(&w, out);
}

dapi_rc dapi_ops_build_get_result(const char *id, const char *next_token, size_t max_bytes,
                                  dapi_body *out) {
  out->data = NULL;
  out->len = 0;
  if (!nonempty(id)) {
    return DAPI_EINVAL;
  }
  jw w;
  jw_begin(&w, max_bytes);
  jw_member_str(&w, "Id", id);
  if (nonempty(next_token)) {
    jw_member_str(&w, "NextToken", next_token);
  }
  return jw_finish(&w, out);
}

dapi_rc dapi_ops_build_cancel(const char *id, size_t max_bytes, dapi_body *out) {
  out->data = NULL;
  out->len = 0;
  if (!nonempty(id)) {
    return DAPI_EINVAL;
  }
  jw w;
  jw_begin(&w, max_bytes);
  jw_member_str(&w, "Id", id);
  return jw_finish(&w, out);
}
