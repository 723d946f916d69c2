/*
 * auth_awsconfig_json.c — the JSON credential documents of three providers, which share a shape:
 *  - credential_process stdout
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html and the CLI's
 * "Sourcing credentials with an external process"): "Version" must be the number 1; "AccessKeyId"
 * and "SecretAccessKey" required; "SessionToken" and "Expiration" optional (no Expiration means the
 * credentials do not expire).
 *  - the container credentials endpoint (ECS / EKS Pod Identity) and IMDS
 *    /latest/meta-data/iam/security-credentials/<role>: "AccessKeyId", "SecretAccessKey", "Token"
 *    and "Expiration" all required, as botocore requires them; IMDS adds "Code", which must be
 *    "Success" when present.
 * Expiration is an ISO-8601 / RFC 3339 UTC instant such as "2026-11-22T05:00:00Z".
 *
 * Member names are matched case-sensitively (R14). Every string in the cJSON tree is wiped before
 * the tree is freed, since cJSON's own free does not.
 */
#include "auth_awsconfig.h"
#include "auth_awsconfig_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

/* ---- time --------------------------------------------------------------------------------- */

static bool digits(const char *s, size_t n, int *out) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

static bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m) {
  static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (civil-from-days inverted, 400-year eras). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

auth_awscfg_rc auth_awscfg_parse_time(const char *s, size_t len, int64_t *out) {
  int y, mo, d, h, mi, sec;
  /* "YYYY-MM-DDTHH:MM:SS" is 19 characters, then fraction and zone. */
  if (s == NULL || len < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
      s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
      !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
      !digits(s + 17, 2, &sec)) {
    return AUTH_AWSCFG_ESYNTAX;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59) {
    return AUTH_AWSCFG_EINVAL;
  }
  size_t i = 19;
  if (s[i] == '.') { /* fractional seconds: at least one digit, truncated */
    i++;
    size_t start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
      i++;
    }
    if (i == start) {
      return AUTH_AWSCFG_ESYNTAX;
    }
  }
  int64_t offset = 0;
  if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
    i++;
  } else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
    int oh, om;
    if (!digits(s + i + 1, 2, &oh) || !digits(s + i + 4, 2, &om)) {
      return AUTH_AWSCFG_ESYNTAX;
    }
    if (oh > 23 || om > 59) {
      return AUTH_AWSCFG_EINVAL;
    }
    offset = (s[i] == '+' ? 1 : -1) * ((int64_t)oh * 3600 + om * 60);
    i += 6;
  } else {
    return AUTH_AWSCFG_ESYNTAX; /* a zone is required: local time would be ambiguous */
  }
  if (i != len) {
    return AUTH_AWSCFG_ESYNTAX;
  }
  *out = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + sec - offset;
  return AUTH_AWSCFG_OK;
}

/* ---- documents ---------------------------------------------------------------------------- */

static const char *doc_label(auth_awscfg_json_kind kind) {
  switch (kind) {
  case AUTH_AWSCFG_JSON_PROCESS:
    return "credential_process output";
  case AUTH_AWSCFG_JSON_CONTAINER:
    return "container credentials";
  case AUTH_AWSCFG_JSON_IMDS:
    return "IMDS credentials";
  }
  return "credentials JSON";
}

static void wipe_tree(cJSON *node) {
  for (; node != NULL; node = node->next) {
    if (node->valuestring != NULL) {
      OPENSSL_cleanse(node->valuestring, strlen(node->valuestring));
    }
    wipe_tree(node->child);
  }
}

/* Copies string member key into *out. A missing or null member is an error only if required. */
static auth_awscfg_rc take_string(const cJSON *root, const char *key, bool required,
                                  const char *label, char **out, auth_awscfg_err *err) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, key);
  if (item == NULL || cJSON_IsNull(item)) {
    if (required) {
      auth_awscfg__errf(err, "%s: missing \"%s\"", label, key);
      return AUTH_AWSCFG_EINVAL;
    }
    return AUTH_AWSCFG_OK;
  }
  if (!cJSON_IsString(item)) {
    auth_awscfg__errf(err, "%s: \"%s\" must be a string", label, key);
    return AUTH_AWSCFG_EINVAL;
  }
  if (item->valuestring[0] == '\0') {
    auth_awscfg__errf(err, "%s: \"%s\" is empty", label, key);
    return AUTH_AWSCFG_EINVAL;
  }
  *out = auth_awscfg__strndup(item->valuestring, strlen(item->valuestring));
  if (*out == NULL) {
    auth_awscfg__errf(err, "%s: out of memory", label);
    return AUTH_AWSCFG_ENOMEM;
  }
  return AUTH_AWSCFG_OK;
}

static auth_awscfg_rc check_header(auth_awscfg_json_kind kind, const cJSON *root, const char *label,
                                   auth_awscfg_err *err) {
  if (kind == AUTH_AWSCFG_JSON_PROCESS) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "Version");
    if (v == NULL) {
      auth_awscfg__errf(err, "%s: missing \"Version\"", label);
      return AUTH_AWSCFG_EINVAL;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble != 1.0) {
      auth_awscfg__errf(err, "%s: \"Version\" must be the number 1", label);
      return AUTH_AWSCFG_EINVAL;
    }
  }
  if (kind == AUTH_AWSCFG_JSON_IMDS) {
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(root, "Code");
    if (code != NULL && (!cJSON_IsString(code) || strcmp(code->valuestring, "Success") != 0)) {
      auth_awscfg__errf(err, "%s: \"Code\" is not \"Success\"", label);
      return AUTH_AWSCFG_EINVAL;
    }
  }
  return AUTH_AWSCFG_OK;
}

static auth_awscfg_rc take_members(auth_awscfg_json_kind kind, const cJSON *root, const char *label,
                                   auth_awscfg_creds *out, auth_awscfg_err *err) {
  bool temporary = kind != AUTH_AWSCFG_JSON_PROCESS;
  const char *token_key = temporary ? "Token" : "SessionToken";
  auth_awscfg_rc rc = check_header(kind, root, label, err);
  if (rc == AUTH_AWSCFG_OK) {
    rc = take_string(root, "AccessKeyId", true, label, &out->access_key_id, err);
  }
  if (rc == AUTH_AWSCFG_OK) {
    rc = take_string(root, "SecretAccessKey", true, label, &out->secret_access_key, err);
  }
  if (rc == AUTH_AWSCFG_OK) {
    rc = take_string(root, token_key, temporary, label, &out->session_token, err);
  }
  char *expiration = NULL;
  if (rc == AUTH_AWSCFG_OK) {
    rc = take_string(root, "Expiration", temporary, label, &expiration, err);
  }
  if (rc == AUTH_AWSCFG_OK && expiration != NULL) {
    if (auth_awscfg_parse_time(expiration, strlen(expiration), &out->expiration) !=
        AUTH_AWSCFG_OK) {
      auth_awscfg__errf(err, "%s: \"Expiration\" is not an ISO-8601 UTC time", label);
      rc = AUTH_AWSCFG_EINVAL;
    } else {
      out->has_expiration = true;
    }
  }
  free(expiration);
  return rc;
}

auth_awscfg_rc auth_awscfg_parse_creds_json(auth_awscfg_json_kind kind, const char *buf, size_t len,
                                            auth_awscfg_creds *out, auth_awscfg_err *err) {
  memset(out, 0, sizeof(*out));
  const char *label = doc_label(kind);
  if (len > AUTH_AWSCFG_MAX_JSON) {
    auth_awscfg__errf(err, "%s: larger than %u bytes", label, AUTH_AWSCFG_MAX_JSON);
    return AUTH_AWSCFG_ETOOBIG;
  }
  if (buf == NULL || len == 0) {
    auth_awscfg__errf(err, "%s: empty", label);
    return AUTH_AWSCFG_ESYNTAX;
  }
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
  if (root == NULL) {
    size_t at = end != NULL && end >= buf ? (size_t)(end - buf) : 0;
    auth_awscfg__errf(err, "%s: invalid JSON near byte %zu", label, at);
    return AUTH_AWSCFG_ESYNTAX;
  }
  auth_awscfg_rc rc = AUTH_AWSCFG_OK;
  while (end < buf + len && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')) {
    end++;
  }
  if (end != buf + len) {
    auth_awscfg__errf(err, "%s: trailing data after the JSON object", label);
    rc = AUTH_AWSCFG_ESYNTAX;
  } else if (!cJSON_IsObject(root)) {
    auth_awscfg__errf(err, "%s: not a JSON object", label);
    rc = AUTH_AWSCFG_ESYNTAX;
  } else {
    rc = take_members(kind, root, label, out, err);
  }
  wipe_tree(root);
  cJSON_Delete(root);
  if (rc != AUTH_AWSCFG_OK) {
    auth_awscfg_creds_free(out);
  }
  return rc;
}
