/* dapi_ops_error.c — Data API error parsing, classification and SQLSTATE mapping. */
#include "dapi_ops_error.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <string.h>

/* Codes the AWS SDKs treat as throttling (dataapi.md §1.4: @smithy/core and botocore lists). */
static const char *const throttling_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
};

/* Transient codes retried whatever their HTTP status. */
static const char *const transient_codes[] = {
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalFailure",
    "InternalServerException",
    "InternalServerError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
};

/* Names a SigV4 or credential failure arrives under (the JS SDK's clock-skew list, the generic
 * AWS errors of dataapi.md §1.4 and what the emulator sends). */
static const char *const auth_codes[] = {
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "IncompleteSignatureException",
    "IncompleteSignature",
    "InvalidClientTokenId",
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "RequestTimeTooSkewed",
    "AccessDeniedException",
    "AccessDenied",
    "NotAuthorized",
    "AuthFailure",
};

/* Back-pressure from the service: final for one call, the proxy decides what to do. */
static const char *const limit_codes[] = {
    "ActiveStatementsExceededException",
    "ActiveSessionsExceededException",
    "ActiveWaitingRequestsExceededException",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *type, const char *const *list, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (strcmp(type, list[i]) == 0) {
      return true;
    }
  }
  return false;
}

/* Copies at most cap-1 bytes of src[0..len) and NUL-terminates, never cutting a UTF-8 sequence
 * in half (a truncated message still has to be valid text in an ErrorResponse). */
static void copy_text(char *dst, size_t cap, const char *src, size_t len) {
  if (len >= cap) {
    len = cap - 1;
    /* Step back over continuation bytes, then drop the lead byte whose sequence was cut. */
    size_t i = len;
    while (i > 0 && ((unsigned char)src[i] & 0xC0) == 0x80) {
      i--;
    }
    len = i;
  }
  memcpy(dst, src, len);
  dst[len] = '\0';
}

void dapi_error_sanitize_code(const char *raw, size_t raw_len, char out[DAPI_ERROR_TYPE_MAX]) {
  if (raw == NULL || raw_len == 0) {
    out[0] = '\0';
    return;
  }
  const char *p = raw;
  size_t n = raw_len;
  const char *cut = memchr(p, ',', n);
  if (cut != NULL) {
    n = (size_t)(cut - p);
  }
  cut = memchr(p, ':', n);
  if (cut != NULL) {
    n = (size_t)(cut - p);
  }
  /* "a#b#c" keeps "b", exactly as the SDK's split("#")[1]. */
  const char *hash = memchr(p, '#', n);
  if (hash != NULL) {
    const char *start = hash + 1;
    size_t rest = n - (size_t)(start - p);
    const char *next = memchr(start, '#', rest);
    p = start;
    n = next != NULL ? (size_t)(next - start) : rest;
  }
  /* Surrounding blanks come from hand-written headers; a code never contains them. */
  while (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
    p++;
    n--;
  }
  while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n')) {
    n--;
  }
  copy_text(out, DAPI_ERROR_TYPE_MAX, p, n);
}

static const cJSON *string_member(const cJSON *obj, const char *name) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
  return cJSON_IsString(m) && m->valuestring != NULL ? m : NULL;
}

static bool contains(const char *hay, const char *needle) {
  return hay != NULL && strstr(hay, needle) != NULL;
}

/* "Session is not available" (reclaimed) and "Session with Id: <id> is invalid" (unknown id),
 * dataapi.md §4.6. */
static bool is_session_gone(const char *message) {
  if (contains(message, "Session is not available")) {
    return true;
  }
  const char *p = message != NULL ? strstr(message, "Session with Id") : NULL;
  return p != NULL && strstr(p, "is invalid") != NULL;
}

bool dapi_error_refuses_wait_time(const dapi_error *e) {
  if (e->cls != DAPI_ERR_CLIENT) {
    return false;
  }
  /* Coral writes member paths lower-camel ("waitTimeSeconds"), deserializers the JSON name. */
  static const char member[] = "waittimeseconds";
  for (const char *p = e->message; *p != '\0'; p++) {
    size_t i = 0;
    while (member[i] != '\0' && (p[i] | 0x20) == member[i]) {
      i++;
    }
    if (member[i] == '\0') {
      return true;
    }
  }
  return false;
}

dapi_err_class dapi_error_classify(long http_status, const char *type, const char *message) {
  const char *t = type != NULL ? type : "";
  if (http_status == 429 || in_list(t, throttling_codes, COUNT(throttling_codes))) {
    return DAPI_ERR_THROTTLING;
  }
  if (in_list(t, auth_codes, COUNT(auth_codes))) {
    return DAPI_ERR_AUTH;
  }
  if (is_session_gone(message)) {
    return DAPI_ERR_SESSION_GONE;
  }
  if (in_list(t, limit_codes, COUNT(limit_codes))) {
    return DAPI_ERR_LIMIT;
  }
  if (strcmp(t, "ResourceNotFoundException") == 0) {
    return DAPI_ERR_NOT_FOUND;
  }
  if (in_list(t, transient_codes, COUNT(transient_codes)) || http_status == 500 ||
      http_status == 502 || http_status == 503 || http_status == 504) {
    return DAPI_ERR_TRANSIENT;
  }
  if (t[0] == '\0' && (http_status == 401 || http_status == 403)) {
    return DAPI_ERR_AUTH;
  }
  if (http_status == 404) {
    return DAPI_ERR_NOT_FOUND;
  }
  if (http_status >= 500) {
    return DAPI_ERR_SERVER;
  }
  return DAPI_ERR_CLIENT;
}

void dapi_error_from_http(long http_status, const char *header_type, size_t header_type_len,
                          const char *request_id, size_t request_id_len, const char *body,
                          size_t body_len, dapi_error *out) {
  memset(out, 0, sizeof(*out));
  out->http_status = http_status;
  if (request_id != NULL) {
    size_t n = request_id_len;
    while (n > 0 &&
           (request_id[n - 1] == '\r' || request_id[n - 1] == '\n' || request_id[n - 1] == ' ')) {
      n--;
    }
    copy_text(out->request_id, sizeof(out->request_id), request_id, n);
  }

  cJSON *root = NULL;
  if (body != NULL && body_len > 0) {
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(body, body_len, &end, 0);
  }
  const cJSON *code = NULL;
  const cJSON *msg = NULL;
  if (cJSON_IsObject(root)) {
    code = string_member(root, "__type");
    if (code == NULL) {
      code = string_member(root, "code");
    }
    msg = string_member(root, "message");
    if (msg == NULL) {
      msg = string_member(root, "Message");
    }
  }
  if (code != NULL) {
    dapi_error_sanitize_code(code->valuestring, strlen(code->valuestring), out->type);
  } else if (header_type != NULL) {
    dapi_error_sanitize_code(header_type, header_type_len, out->type);
  }
  if (msg != NULL && msg->valuestring[0] != '\0') {
    copy_text(out->message, sizeof(out->message), msg->valuestring, strlen(msg->valuestring));
  } else {
    copy_text(out->message, sizeof(out->message), "UnknownError", strlen("UnknownError"));
  }
  cJSON_Delete(root);
  out->cls = dapi_error_classify(http_status, out->type, out->message);
}

void dapi_error_set(dapi_error *out, dapi_err_class cls, const char *type, const char *msg) {
  memset(out, 0, sizeof(*out));
  out->cls = cls;
  if (type != NULL) {
    copy_text(out->type, sizeof(out->type), type, strlen(type));
  }
  const char *m = msg != NULL && msg[0] != '\0' ? msg : "UnknownError";
  copy_text(out->message, sizeof(out->message), m, strlen(m));
}

bool dapi_err_class_retryable(dapi_err_class cls) {
  return cls == DAPI_ERR_THROTTLING || cls == DAPI_ERR_TRANSIENT || cls == DAPI_ERR_TRANSPORT ||
         cls == DAPI_ERR_TIMEOUT;
}

const char *dapi_err_class_name(dapi_err_class cls) {
  switch (cls) {
  case DAPI_ERR_NONE:
    return "none";
  case DAPI_ERR_THROTTLING:
    return "throttling";
  case DAPI_ERR_TRANSIENT:
    return "transient";
  case DAPI_ERR_TRANSPORT:
    return "transport";
  case DAPI_ERR_TIMEOUT:
    return "timeout";
  case DAPI_ERR_AUTH:
    return "auth";
  case DAPI_ERR_SESSION_GONE:
    return "session-gone";
  case DAPI_ERR_LIMIT:
    return "limit";
  case DAPI_ERR_NOT_FOUND:
    return "not-found";
  case DAPI_ERR_CLIENT:
    return "client";
  case DAPI_ERR_SERVER:
    return "server";
  case DAPI_ERR_LOCAL:
    return "local";
  case DAPI_ERR_CANCELLED:
    return "cancelled";
  }
  return "unknown";
}

const char *dapi_error_sqlstate(const dapi_error *e) {
  switch (e->cls) {
  case DAPI_ERR_AUTH:
    return strncmp(e->type, "AccessDenied", strlen("AccessDenied")) == 0 ? "28000" : "28P01";
  case DAPI_ERR_THROTTLING:
    return "53400";
  case DAPI_ERR_LIMIT:
    return strcmp(e->type, "ActiveSessionsExceededException") == 0 ? "53300" : "53400";
  case DAPI_ERR_TRANSPORT:
    return strcmp(e->type, DAPI_ERROR_TYPE_CONNECT) == 0 ? "08001" : "08006";
  case DAPI_ERR_TIMEOUT:
  case DAPI_ERR_TRANSIENT:
  case DAPI_ERR_SERVER:
    return "08006";
  case DAPI_ERR_SESSION_GONE:
    return "08003";
  case DAPI_ERR_CANCELLED:
    return "57014";
  case DAPI_ERR_NOT_FOUND:
    return "42704";
  case DAPI_ERR_CLIENT:
    if (strcmp(e->type, "QueryTimeoutException") == 0) {
      return "57014";
    }
    return contains(e->message, "larger than") ? "54000" : "22023";
  case DAPI_ERR_NONE:
  case DAPI_ERR_LOCAL:
    break;
  }
  return "XX000";
}
