/*
 * sigv4_crosscheck.c — re-signs the vectors written by tests/sdk/sigv4_crosscheck.mjs (signed by
 * AWS's @smithy/signature-v4) with redwire's signer and counts disagreements.
 *
 * Usage: sigv4_crosscheck VECTORS.jsonl EXPECTED_COUNT
 *
 * For every vector:
 *  - X-Amz-Date: auth_sigv4_format_amz_date of the signing time must equal the SDK's header;
 *  - signing: auth_sigv4_authorization over the headers the SDK signed (all of them when the
 *    vector was signed with signed_all) must equal the SDK's Authorization byte for byte;
 *  - verifying, as the emulator does: the parsed Authorization's scope must name the vector's key,
 *    date, region and service, and auth_sigv4_signature over every header sent, restricted to the
 *    parsed SignedHeaders, must reproduce the SDK's signature.
 * Exits 0 only when the file holds exactly EXPECTED_COUNT vectors and all of them agree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "auth_sigv4.h"

#define MAX_HEADERS  64
#define MAX_REPORTED 5
/* The brief's floor: a run with fewer vectors is not a cross-check. */
#define MIN_VECTORS 300

typedef struct vector {
  const cJSON *root; /* borrowed: the parsed line */
  int64_t unix_ms;
  const char *amz_date, *region, *service, *akid, *secret, *token, *method, *path;
  const char *authorization;
  bool signed_all;
  auth_sigv4_header headers[MAX_HEADERS];
  size_t n_headers;
  uint8_t *body; /* owned */
  size_t body_len;
} vector;

static const char *get_string(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Decodes standard base64; *out is owned by the caller. */
static bool base64_decode(const char *in, uint8_t **out, size_t *out_len) {
  size_t n = strlen(in);
  if (n % 4 != 0 || n / 4 * 3 > (size_t)INT32_MAX) {
    return false;
  }
  uint8_t *buf = malloc(n / 4 * 3 + 1);
  if (buf == NULL) {
    return false;
  }
  int got = n > 0 ? EVP_DecodeBlock(buf, (const unsigned char *)in, (int)n) : 0;
  if (got < 0) {
    free(buf);
    return false;
  }
  /* EVP_DecodeBlock counts the bytes that '=' padding stands for; drop them. */
  size_t pad = (n > 0 && in[n - 1] == '=') + (n > 1 && in[n - 2] == '=');
  *out = buf;
  *out_len = (size_t)got - pad;
  return true;
}

static bool load_vector(const cJSON *root, vector *v, const char **err) {
  memset(v, 0, sizeof *v);
  v->root = root;
  const cJSON *ms = cJSON_GetObjectItemCaseSensitive(root, "unix_ms");
  const cJSON *all = cJSON_GetObjectItemCaseSensitive(root, "signed_all");
  const cJSON *headers = cJSON_GetObjectItemCaseSensitive(root, "headers");
  const cJSON *token = cJSON_GetObjectItemCaseSensitive(root, "session_token");
  const char *body_b64 = get_string(root, "body_b64");
  v->amz_date = get_string(root, "amz_date");
  v->region = get_string(root, "region");
  v->service = get_string(root, "service");
  v->akid = get_string(root, "access_key_id");
  v->secret = get_string(root, "secret_access_key");
  v->method = get_string(root, "method");
  v->path = get_string(root, "path");
  v->authorization = get_string(root, "authorization");
  if (!cJSON_IsNumber(ms) || !cJSON_IsBool(all) || !cJSON_IsArray(headers) || body_b64 == NULL ||
      v->amz_date == NULL || v->region == NULL || v->service == NULL || v->akid == NULL ||
      v->secret == NULL || v->method == NULL || v->path == NULL || v->authorization == NULL ||
      !(cJSON_IsNull(token) || cJSON_IsString(token))) {
    *err = "a member is missing or has the wrong type";
    return false;
  }
  /* Milliseconds since 1970 stay below 2^53 for every date the generator picks. */
  v->unix_ms = (int64_t)ms->valuedouble;
  v->signed_all = cJSON_IsTrue(all);
  v->token = cJSON_IsString(token) ? token->valuestring : NULL;
  const cJSON *h;
  cJSON_ArrayForEach(h, headers) {
    const cJSON *name = cJSON_GetArrayItem(h, 0);
    const cJSON *value = cJSON_GetArrayItem(h, 1);
    if (!cJSON_IsArray(h) || cJSON_GetArraySize(h) != 2 || !cJSON_IsString(name) ||
        !cJSON_IsString(value) || v->n_headers == MAX_HEADERS) {
      *err = "bad headers member";
      return false;
    }
    auth_sigv4_header *dst = &v->headers[v->n_headers++];
    dst->name = name->valuestring;
    dst->name_len = strlen(name->valuestring);
    dst->value = value->valuestring;
    dst->value_len = strlen(value->valuestring);
  }
  if (!base64_decode(body_b64, &v->body, &v->body_len)) {
    *err = "bad body_b64";
    return false;
  }
  return true;
}

static auth_sigv4_request as_request(const vector *v, const auth_sigv4_header *headers, size_t n) {
  auth_sigv4_request r = {
      .method = v->method,
      .path = v->path,
      .path_len = strlen(v->path),
      .headers = headers,
      .n_headers = n,
      .payload = v->body,
      .payload_len = v->body_len,
  };
  return r;
}

static bool view_is(const char *p, size_t n, const char *s) {
  return p != NULL && strlen(s) == n && memcmp(p, s, n) == 0;
}

/* True when name (any case) is in the ';' list. */
static bool listed(const char *list, size_t list_len, const auth_sigv4_header *h) {
  size_t start = 0;
  for (size_t i = 0; i <= list_len; i++) {
    if (i < list_len && list[i] != ';') {
      continue;
    }
    if (i - start == h->name_len) {
      bool same = true;
      for (size_t k = 0; k < h->name_len && same; k++) {
        char c = h->name[k];
        c = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        same = c == list[start + k];
      }
      if (same) {
        return true;
      }
    }
    start = i + 1;
  }
  return false;
}

/* Checks one vector; on disagreement describes it in msg and returns false. */
static bool check_vector(const vector *v, char *msg, size_t msg_size) {
  auth_sigv4_params p = {
      .access_key_id = v->akid,
      .secret_access_key = v->secret,
      .session_token = v->token,
      .region = v->region,
      .service = v->service,
      .normalize_path = true,
  };
  char date[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  int64_t secs = v->unix_ms / 1000; /* the generator's times are all after 1970 */
  if (!auth_sigv4_format_amz_date(secs, date) || strcmp(date, v->amz_date) != 0) {
    snprintf(msg, msg_size, "X-Amz-Date: SDK %s, redwire %s", v->amz_date, date);
    return false;
  }
  p.amz_date = date;

  /* Verifying: the emulator's view of what arrived. */
  auth_sigv4_authz a;
  const char *why = NULL;
  auth_sigv4_rc rc =
      auth_sigv4_parse_authorization(v->authorization, strlen(v->authorization), &a, &why);
  if (rc != AUTH_SIGV4_OK) {
    snprintf(msg, msg_size, "parse_authorization: %s (%s)", auth_sigv4_strerror(rc),
             why != NULL ? why : "");
    return false;
  }
  if (!view_is(a.access_key_id, a.access_key_id_len, v->akid) || a.date_len != 8 ||
      memcmp(a.date, date, 8) != 0 || !view_is(a.region, a.region_len, v->region) ||
      !view_is(a.service, a.service_len, v->service)) {
    snprintf(msg, msg_size, "credential scope does not match the vector");
    return false;
  }
  char *list = malloc(a.signed_headers_len + 1);
  if (list == NULL) {
    snprintf(msg, msg_size, "out of memory");
    return false;
  }
  memcpy(list, a.signed_headers, a.signed_headers_len);
  list[a.signed_headers_len] = '\0';
  auth_sigv4_request all = as_request(v, v->headers, v->n_headers);
  auth_sigv4_buf creq = {0};
  char sig[AUTH_SIGV4_HEX_LEN + 1];
  rc = auth_sigv4_signature(&all, list, &p, sig, &creq, NULL);
  bool ok = rc == AUTH_SIGV4_OK && a.signature_len == AUTH_SIGV4_HEX_LEN &&
            auth_sigv4_signature_equal(sig, a.signature, AUTH_SIGV4_HEX_LEN);
  if (!ok) {
    snprintf(msg, msg_size, "verify: %s; SDK signature %.*s, redwire %s; canonical request:\n%s",
             rc == AUTH_SIGV4_OK ? "signatures differ" : auth_sigv4_strerror(rc),
             (int)a.signature_len, a.signature, sig, creq.data != NULL ? creq.data : "");
  }
  auth_sigv4_buf_free(&creq);

  /* Signing: redwire signs every header it is given, so give it the ones the SDK signed. */
  auth_sigv4_header chosen[MAX_HEADERS];
  size_t n = 0;
  for (size_t i = 0; i < v->n_headers; i++) {
    if (v->signed_all || listed(list, a.signed_headers_len, &v->headers[i])) {
      chosen[n++] = v->headers[i];
    }
  }
  if (ok && v->signed_all && n != v->n_headers) {
    snprintf(msg, msg_size, "signed_all, yet the SDK left headers out: %s", list);
    ok = false;
  }
  free(list);
  if (!ok) {
    return false;
  }
  auth_sigv4_request signed_req = as_request(v, chosen, n);
  auth_sigv4_buf authz = {0};
  rc = auth_sigv4_authorization(&signed_req, &p, &authz);
  ok = rc == AUTH_SIGV4_OK && strcmp(authz.data, v->authorization) == 0;
  if (!ok) {
    snprintf(msg, msg_size, "sign: %s\n  SDK:     %s\n  redwire: %s",
             rc == AUTH_SIGV4_OK ? "Authorization headers differ" : auth_sigv4_strerror(rc),
             v->authorization, authz.data != NULL ? authz.data : "");
  }
  auth_sigv4_buf_free(&authz);
  return ok;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s VECTORS.jsonl EXPECTED_COUNT\n", argv[0]);
    return 2;
  }
  char *end = NULL;
  unsigned long expected = strtoul(argv[2], &end, 10);
  if (end == argv[2] || *end != '\0' || expected < MIN_VECTORS) {
    fprintf(stderr, "sigv4_crosscheck: EXPECTED_COUNT must be a number >= %d\n", MIN_VECTORS);
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (f == NULL) {
    perror(argv[1]);
    return 1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  unsigned long total = 0, mismatches = 0, bad_lines = 0;
  static char msg[65536];
  while ((len = getline(&line, &cap, f)) > 0) {
    if (len == 1 && line[0] == '\n') {
      continue;
    }
    total++;
    cJSON *root = cJSON_ParseWithLengthOpts(line, (size_t)len, NULL, 0);
    vector v = {0};
    const char *err = "not JSON";
    if (root == NULL || !load_vector(root, &v, &err)) {
      bad_lines++;
      fprintf(stderr, "sigv4_crosscheck: line %lu: %s\n", total, err);
    } else if (!check_vector(&v, msg, sizeof msg)) {
      mismatches++;
      if (mismatches <= MAX_REPORTED) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");
        fprintf(stderr, "sigv4_crosscheck: vector %d: %s\n", cJSON_IsNumber(id) ? id->valueint : -1,
                msg);
      }
    }
    if (root != NULL) {
      free(v.body);
    }
    cJSON_Delete(root);
  }
  bool read_error = ferror(f) != 0;
  free(line);
  fclose(f);
  unsigned long agreed = total - mismatches - bad_lines;
  printf("sigv4_crosscheck: %lu/%lu vectors agree with @smithy/signature-v4 (%lu mismatches, %lu "
         "unreadable, %lu expected)\n",
         agreed, total, mismatches, bad_lines, expected);
  if (read_error || total != expected || agreed != expected) {
    return 1;
  }
  return 0;
}
