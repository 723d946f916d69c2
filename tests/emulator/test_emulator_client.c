#include "test_emulator_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "auth_sigv4.h"

static void copy_env(char *dst, size_t n, const char *name, const char *fallback) {
  const char *v = getenv(name);
  snprintf(dst, n, "%s", v != NULL && *v != '\0' ? v : (fallback != NULL ? fallback : ""));
}

bool tc_init(tc_client *c) {
  memset(c, 0, sizeof *c);
  copy_env(c->url, sizeof c->url, "EMULATOR_URL", NULL);
  copy_env(c->region, sizeof c->region, "AWS_REGION", "us-east-1");
  copy_env(c->workgroup, sizeof c->workgroup, "REDWIRE_TEST_WORKGROUP", "redwire-test");
  c->key.akid = getenv("AWS_ACCESS_KEY_ID");
  c->key.secret = getenv("AWS_SECRET_ACCESS_KEY");
  c->temp_key.akid = getenv("REDWIRE_TEST_TEMP_ACCESS_KEY_ID");
  c->temp_key.secret = getenv("REDWIRE_TEST_TEMP_SECRET_ACCESS_KEY");
  c->temp_key.token = getenv("REDWIRE_TEST_TEMP_SESSION_TOKEN");
  curl_global_init(CURL_GLOBAL_ALL);
  return c->url[0] != '\0' && c->key.akid != NULL && c->key.secret != NULL &&
         c->temp_key.akid != NULL && c->temp_key.secret != NULL && c->temp_key.token != NULL;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  tc_resp *r = ud;
  size_t add = size * n;
  char *nb = realloc(r->body, r->len + add + 1);
  if (nb == NULL) {
    return 0;
  }
  memcpy(nb + r->len, p, add);
  r->body = nb;
  r->len += add;
  r->body[r->len] = '\0';
  return add;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void perform(const char *url, struct curl_slist *headers, const char *body, tc_resp *out) {
  memset(out, 0, sizeof *out);
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  if (body != NULL) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
  double t0 = now_ms();
  out->curl_error = (int)curl_easy_perform(h);
  out->ms = now_ms() - t0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
  curl_easy_cleanup(h);
  if (out->body == NULL) {
    out->body = calloc(1, 1);
  }
  out->json = out->len > 0 ? cJSON_ParseWithLength(out->body, out->len) : NULL;
}

void tc_call(const tc_client *c, const char *op, const char *body, const tc_opts *opts,
             tc_resp *out) {
  static const tc_opts none;
  if (opts == NULL) {
    opts = &none;
  }
  const tc_key *key = opts->key != NULL ? opts->key : &c->key;
  const char *host = strstr(c->url, "://");
  host = host != NULL ? host + 3 : c->url;
  char target[128], amz_date[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  snprintf(target, sizeof target, "RedshiftData.%s", op);
  if (!auth_sigv4_format_amz_date((int64_t)time(NULL) + opts->clock_skew_s, amz_date)) {
    memset(out, 0, sizeof *out);
    return;
  }
  const char *token = opts->send_token != NULL ? opts->send_token : key->token;
  const char *target_value = opts->target != NULL ? opts->target : target;
  auth_sigv4_header hs[6] = {
      {"Host", 4, host, strlen(host)},
      {"Content-Type", 12, "application/x-amz-json-1.1", 26},
      {"X-Amz-Target", 12, target_value, strlen(target_value)},
      {"X-Amz-Date", 10, amz_date, AUTH_SIGV4_AMZ_DATE_LEN},
  };
  size_t n = 4;
  if (token != NULL) {
    hs[n++] = (auth_sigv4_header){"X-Amz-Security-Token", 20, token, strlen(token)};
  }
  auth_sigv4_request req = {
      .method = "POST",
      .path = "/",
      .path_len = 1,
      .headers = hs,
      .n_headers = n,
      .payload = (const uint8_t *)body,
      .payload_len = strlen(body),
  };
  auth_sigv4_params p = {
      .access_key_id = key->akid,
      .secret_access_key = opts->sign_secret != NULL ? opts->sign_secret : key->secret,
      .session_token = token,
      .region = opts->region != NULL ? opts->region : c->region,
      .service = opts->service != NULL ? opts->service : "redshift-data",
      .amz_date = amz_date,
      .normalize_path = true,
  };
  auth_sigv4_buf authz = {0};
  char line[4096];
  struct curl_slist *list = NULL;
  list = curl_slist_append(list, "Content-Type: application/x-amz-json-1.1");
  snprintf(line, sizeof line, "X-Amz-Target: %s",
           opts->tamper_target != NULL ? opts->tamper_target : target_value);
  list = curl_slist_append(list, line);
  snprintf(line, sizeof line, "X-Amz-Date: %s", amz_date);
  list = curl_slist_append(list, line);
  if (token != NULL) {
    snprintf(line, sizeof line, "X-Amz-Security-Token: %s", token);
    list = curl_slist_append(list, line);
  }
  if (opts->authorization != NULL) {
    snprintf(line, sizeof line, "Authorization: %s", opts->authorization);
    list = curl_slist_append(list, line);
  } else if (!opts->no_auth && auth_sigv4_authorization(&req, &p, &authz) == AUTH_SIGV4_OK) {
    snprintf(line, sizeof line, "Authorization: %s", authz.data);
    list = curl_slist_append(list, line);
  }
  if (opts->extra_unsigned != NULL) {
    list = curl_slist_append(list, opts->extra_unsigned);
  }
  list = curl_slist_append(list, "Expect:"); /* no 100-continue round trip */
  list = curl_slist_append(list, "Accept:");
  auth_sigv4_buf_free(&authz);
  char url[300];
  snprintf(url, sizeof url, "%s/", c->url);
  perform(url, list, opts->tamper_body != NULL ? opts->tamper_body : body, out);
  curl_slist_free_all(list);
}

void tc_control(const tc_client *c, const char *path, const char *body, tc_resp *out) {
  char url[512];
  snprintf(url, sizeof url, "%s%s", c->url, path);
  struct curl_slist *list = curl_slist_append(NULL, "Expect:");
  perform(url, list, body, out);
  curl_slist_free_all(list);
}

void tc_resp_free(tc_resp *r) {
  free(r->body);
  cJSON_Delete(r->json);
  memset(r, 0, sizeof *r);
}

const char *tc_str(const cJSON *obj, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

double tc_num(const cJSON *obj, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
  return cJSON_IsNumber(v) ? v->valuedouble : -1e300;
}

const char *tc_error_type(const tc_resp *r) {
  const char *t = tc_str(r->json, "__type");
  return t != NULL ? t : "";
}

const char *tc_error_message(const tc_resp *r) {
  const char *m = tc_str(r->json, "message");
  return m != NULL ? m : "";
}

bool tc_run(const tc_client *c, const char *sql, const char *extra, char id_out[64],
            tc_resp *desc) {
  cJSON *body = cJSON_CreateObject();
  cJSON_AddStringToObject(body, "Sql", sql);
  char *text = cJSON_PrintUnformatted(body);
  cJSON_Delete(body);
  char full[8192];
  size_t tl = strlen(text);
  snprintf(full, sizeof full, "%.*s%s%s}", (int)(tl - 1), text,
           extra != NULL && *extra != '\0' ? "," : "", extra != NULL ? extra : "");
  free(text);
  tc_resp r;
  tc_call(c, "ExecuteStatement", full, NULL, &r);
  const char *id = tc_str(r.json, "Id");
  bool ok = r.status == 200 && id != NULL;
  if (ok) {
    snprintf(id_out, 64, "%s", id);
  }
  tc_resp_free(&r);
  if (!ok) {
    memset(desc, 0, sizeof *desc);
    return false;
  }
  char q[256];
  snprintf(q, sizeof q, "{\"Id\":\"%s\",\"WaitTimeSeconds\":30}", id_out);
  tc_call(c, "DescribeStatement", q, NULL, desc);
  return desc->status == 200;
}
