/*
 * emu_http.h — the HTTP side: libmicrohttpd in thread-per-connection mode (so long polls block
 * only their own connection; keep-alive and any number of concurrent connections up to the
 * limit), one request → one emu_request → one emu_response.
 *
 * emu_api_handle (emu_api.c) answers Data API calls; emu_control_handle (emu_control.c) answers
 * the unsigned /_emulator/ endpoints. Both are plain functions of the request, testable without
 * sockets.
 */
#ifndef REDWIRE_EMU_HTTP_H
#define REDWIRE_EMU_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth_sigv4.h"
#include "emu_json.h"
#include "emu_server.h"
#include "emu_util.h"

/* Request bodies above this are refused (SQL is at most 100 kB; 40 of them fit). */
#define EMU_HTTP_MAX_BODY (8u << 20)

typedef struct emu_request {
  const char *method; /* "POST" */
  const char *path;   /* raw path, without the query */
  size_t path_len;
  const char *query; /* raw query without '?', "" for none */
  size_t query_len;
  const auth_sigv4_header *headers; /* every header, in received order */
  size_t n_headers;
  const uint8_t *body;
  size_t body_len;
  const char *request_id; /* the x-amzn-RequestId of the answer */
} emu_request;

/* The request as the SigV4 verifier sees it (every pointer borrowed from req). */
static inline auth_sigv4_request emu_request_sigv4(const emu_request *req) {
  return (auth_sigv4_request){
      .method = req->method,
      .path = req->path,
      .path_len = req->path_len,
      .query = req->query,
      .query_len = req->query_len,
      .headers = req->headers,
      .n_headers = req->n_headers,
      .payload = req->body,
      .payload_len = req->body_len,
  };
}

typedef struct emu_response {
  int status;
  emu_buf body;             /* owned */
  const char *error_type;   /* static; NULL on success (also sent as x-amzn-ErrorType) */
  const char *content_type; /* static; NULL: application/x-amz-json-1.1 */
  bool drop;                /* close the connection without answering */
  uint32_t stall_ms;        /* send part of the body, pause this long, send the rest */
  const char *op_name;      /* for the log: the operation, or the control path */
  char akid[129];           /* for the log: the authenticated access key id, "" for none */
} emu_response;

/* Initialises resp (status 500, empty body capped at max_body). */
void emu_response_init(emu_response *resp, size_t max_body);
void emu_response_free(emu_response *resp);

void emu_api_handle(emu_server *srv, const emu_request *req, emu_response *resp);
void emu_control_handle(emu_server *srv, const emu_request *req, emu_response *resp);
/* STS Query-protocol requests (Content-Type application/x-www-form-urlencoded), emu_sts.c. */
void emu_sts_handle(emu_server *srv, const emu_request *req, emu_response *resp);

typedef struct emu_http emu_http;

/* Listens on host:port (port 0: any). *bound_port receives the port. NULL with err on failure. */
emu_http *emu_http_start(emu_server *srv, const char *host, uint16_t port, uint16_t *bound_port,
                         char *err, size_t errlen);
/* Stops accepting and waits for every connection thread. */
void emu_http_stop(emu_http *h);

#endif
