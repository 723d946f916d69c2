/*
 * dapi_http.h — one-shot HTTP requests on the dapi_multi engine, for the small side calls of the
 * credential machinery: STS, the container credentials endpoint and IMDS. The same engine, the
 * same pooled easy handles and keep-alive connections as the Data API calls; no retries here
 * (callers decide), a hard cap on the buffered answer, connect and total timeouts.
 *
 * Lifetime: dapi_http_start returning DAPI_OK fires `done` exactly once, later, outside curl —
 * unless dapi_http_cancel runs first, after which nothing fires. The request frees itself after
 * `done` returns. Request and answer bodies are wiped when freed (they carry tokens and keys).
 */
#ifndef REDWIRE_DAPI_HTTP_H
#define REDWIRE_DAPI_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#include "dapi_multi.h"

typedef struct dapi_http_req dapi_http_req;

typedef struct dapi_http_conf {
  const char *method;         /* "GET", "PUT" or "POST"; borrowed for the start call */
  const char *url;            /* copied; http or https only */
  struct curl_slist *headers; /* transferred (freed by the request, also when start fails) */
  const char *body;           /* copied; NULL with body_len 0 for none */
  size_t body_len;
  long connect_timeout_ms; /* 0: 5000 */
  long timeout_ms;         /* total; 0: 10000 */
  size_t max_response;     /* 0: 64 KiB; a larger answer fails with DAPI_ETOOBIG */
} dapi_http_conf;

/* Borrowed by `done` for its duration only. */
typedef struct dapi_http_result {
  dapi_rc rc;        /* DAPI_OK when an answer (any status) arrived; DAPI_ECURL transport error,
                        DAPI_ETOOBIG answer above max_response */
  const char *error; /* rc != DAPI_OK: curl's text */
  long status;       /* HTTP status when rc == DAPI_OK */
  const char *body;  /* NUL-terminated */
  size_t body_len;
} dapi_http_result;

typedef void (*dapi_http_done_fn)(void *ctx, const dapi_http_result *r);

DAPI_MUSTCHECK dapi_rc dapi_http_start(dapi_multi *m, const dapi_http_conf *conf,
                                       dapi_http_done_fn done, void *ctx, dapi_http_req **out);

/* Abandons the request; `done` will not fire. Not from inside a curl callback. */
void dapi_http_cancel(dapi_http_req *r);

/* Appends the header line "Name: value" to *list; false on allocation failure (the list stays
 * valid and owned by the caller). The temporary copy is wiped: values may be secrets. */
bool dapi_http_header_add(struct curl_slist **list, const char *name, const char *value);

/* Splits an endpoint "http(s)://host[:port][/]" into the URL curl gets ("…/") and the Host header
 * that is signed, both malloc'd. DAPI_EINVAL for another scheme, a path or a query. */
DAPI_MUSTCHECK dapi_rc dapi_endpoint_split(const char *endpoint, char **url, char **host);

#endif
