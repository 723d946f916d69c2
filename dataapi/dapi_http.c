/* dapi_http.c — one-shot HTTP requests on the engine (see dapi_http.h). */
#include "dapi_http.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dapi_http_req {
  dapi_multi *m; /* borrowed */
  dapi_multi_xfer xfer;
  CURL *easy; /* while in the engine */
  struct curl_slist *headers;
  char *url;
  char *body; /* owned; wiped */
  size_t body_len;
  char *resp; /* owned; wiped */
  size_t resp_len, resp_cap, max_response;
  bool too_big;
  dapi_http_done_fn done;
  void *ctx;
  char err[CURL_ERROR_SIZE];
};

static void wipe_free(char *p, size_t n) {
  if (p != NULL) {
    OPENSSL_cleanse(p, n);
    free(p);
  }
}

static void req_free(dapi_http_req *r) {
  if (r->easy != NULL) {
    dapi_multi_easy_put(r->m, r->easy);
  }
  curl_slist_free_all(r->headers);
  free(r->url);
  wipe_free(r->body, r->body_len);
  wipe_free(r->resp, r->resp_cap);
  free(r);
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *ud) {
  dapi_http_req *r = ud;
  size_t n = size * nmemb;
  if (r->resp_len + n > r->max_response) {
    r->too_big = true;
    return 0; /* CURLE_WRITE_ERROR */
  }
  if (r->resp_len + n + 1 > r->resp_cap) {
    size_t cap = r->resp_cap > 0 ? r->resp_cap : 1024;
    while (cap < r->resp_len + n + 1) {
      cap *= 2;
    }
    char *p = malloc(cap);
    if (p == NULL) {
      return 0;
    }
    if (r->resp != NULL) {
      memcpy(p, r->resp, r->resp_len);
      wipe_free(r->resp, r->resp_cap);
    }
    r->resp = p;
    r->resp_cap = cap;
  }
  memcpy(r->resp + r->resp_len, data, n);
  r->resp_len += n;
  r->resp[r->resp_len] = '\0';
  return n;
}

static void on_done(void *ctx, CURL *easy, CURLcode result) {
  dapi_http_req *r = ctx;
  dapi_http_result res = {
      .rc = DAPI_OK, .body = r->resp != NULL ? r->resp : "", .body_len = r->resp_len};
  if (result != CURLE_OK) {
    res.rc = r->too_big ? DAPI_ETOOBIG : DAPI_ECURL;
    res.error = r->too_big          ? "answer above the size limit"
                : r->err[0] != '\0' ? r->err
                                    : curl_easy_strerror(result);
  } else {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &res.status);
  }
  r->easy = easy;
  r->done(r->ctx, &res);
  req_free(r);
}

dapi_rc dapi_http_start(dapi_multi *m, const dapi_http_conf *conf, dapi_http_done_fn done,
                        void *ctx, dapi_http_req **out) {
  if (out != NULL) {
    *out = NULL;
  }
  dapi_http_req *r = calloc(1, sizeof *r);
  if (r == NULL) {
    curl_slist_free_all(conf->headers);
    return DAPI_ENOMEM;
  }
  r->m = m;
  r->headers = conf->headers;
  r->done = done;
  r->ctx = ctx;
  r->max_response = conf->max_response > 0 ? conf->max_response : 64 * 1024;
  r->url = strdup(conf->url);
  r->body_len = conf->body_len;
  r->body = malloc(conf->body_len + 1);
  if (r->url == NULL || r->body == NULL) {
    req_free(r);
    return DAPI_ENOMEM;
  }
  if (conf->body_len > 0) {
    memcpy(r->body, conf->body, conf->body_len);
  }
  r->body[conf->body_len] = '\0';
  CURL *e = NULL;
  dapi_rc rc = dapi_multi_easy_get(m, &e);
  if (rc != DAPI_OK) {
    req_free(r);
    return rc;
  }
  r->easy = e;
  bool post = strcmp(conf->method, "POST") == 0;
  bool put = strcmp(conf->method, "PUT") == 0;
  bool ok = curl_easy_setopt(e, CURLOPT_URL, r->url) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_WRITEDATA, r) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->err) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L) == CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                             conf->connect_timeout_ms > 0 ? conf->connect_timeout_ms : 5000L) ==
                CURLE_OK &&
            curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                             conf->timeout_ms > 0 ? conf->timeout_ms : 10000L) == CURLE_OK;
  if (ok && (post || put)) {
    ok = curl_easy_setopt(e, CURLOPT_POST, 1L) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body) == CURLE_OK &&
         curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len) == CURLE_OK;
    if (ok && put) {
      ok = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PUT") == CURLE_OK;
    }
  } else if (ok && strcmp(conf->method, "GET") != 0) {
    ok = false;
  }
  if (!ok) {
    req_free(r);
    return DAPI_EINVAL;
  }
  rc = dapi_multi_add(m, &r->xfer, e, on_done, r);
  if (rc != DAPI_OK) {
    req_free(r);
    return rc;
  }
  r->easy = NULL; /* the engine's until on_done */
  if (out != NULL) {
    *out = r;
  }
  return DAPI_OK;
}

void dapi_http_cancel(dapi_http_req *r) {
  if (r == NULL) {
    return;
  }
  CURL *e = r->xfer.easy;
  if (dapi_multi_remove(r->m, &r->xfer) == DAPI_EBUSY) {
    return; /* inside a curl callback: a documented misuse; leave the request running */
  }
  r->easy = e;
  req_free(r);
}

bool dapi_http_header_add(struct curl_slist **list, const char *name, const char *value) {
  size_t n = strlen(name) + strlen(value) + 3;
  char *line = malloc(n);
  if (line == NULL) {
    return false;
  }
  snprintf(line, n, "%s: %s", name, value);
  struct curl_slist *next = curl_slist_append(*list, line);
  OPENSSL_cleanse(line, n); /* Authorization and token headers carry secrets */
  free(line);
  if (next == NULL) {
    return false;
  }
  *list = next;
  return true;
}

dapi_rc dapi_endpoint_split(const char *endpoint, char **url, char **host) {
  CURLU *u = curl_url();
  if (u == NULL) {
    return DAPI_ENOMEM;
  }
  dapi_rc rc = DAPI_EINVAL;
  char *scheme = NULL, *h = NULL, *port = NULL, *path = NULL, *query = NULL;
  if (curl_url_set(u, CURLUPART_URL, endpoint, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK) {
    goto out;
  }
  if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
    goto out;
  }
  CURLUcode pc = curl_url_get(u, CURLUPART_PORT, &port, 0);
  if (pc != CURLUE_OK && pc != CURLUE_NO_PORT) {
    goto out;
  }
  if (curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && strcmp(path, "/") != 0) {
    goto out; /* every Data API and STS call is POST / */
  }
  if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) {
    goto out;
  }
  size_t hn = strlen(h) + (port != NULL ? strlen(port) + 1 : 0) + 1;
  *host = malloc(hn);
  *url = malloc(strlen(scheme) + 3 + hn + 1);
  if (*host == NULL || *url == NULL) {
    free(*host);
    free(*url);
    *host = *url = NULL;
    rc = DAPI_ENOMEM;
    goto out;
  }
  snprintf(*host, hn, "%s%s%s", h, port != NULL ? ":" : "", port != NULL ? port : "");
  sprintf(*url, "%s://%s/", scheme, *host);
  rc = DAPI_OK;
out:
  curl_free(scheme);
  curl_free(h);
  curl_free(port);
  curl_free(path);
  curl_free(query);
  curl_url_cleanup(u);
  return rc;
}
