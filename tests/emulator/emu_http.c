/* libmicrohttpd glue: collects each request (raw URI, headers, body), hands it to the API or
 * control handler, and sends the answer (or drops the connection, or stalls mid-body). */
#include "emu_http.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

/* Concurrent connections (each has its own thread while open). */
#define EMU_HTTP_MAX_CONNECTIONS 1024
/* Idle keep-alive connections are closed after this many seconds. */
#define EMU_HTTP_IDLE_TIMEOUT_S 300
/* Bodies of answers: result pages are bounded by --page-bytes; this leaves room for metadata. */
#define EMU_HTTP_MAX_ANSWER_SLACK (64u << 20)

struct emu_http {
  struct MHD_Daemon *daemon;
  emu_server *srv;
};

/* Per request, created by the URI log callback and freed when MHD completes the request. */
typedef struct req_ctx {
  char *raw_uri; /* owned */
  emu_buf body;  /* owned */
  bool started;  /* the first access-handler call (headers only) has happened */
  int64_t start_ns;
} req_ctx;

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *conn) {
  (void)cls;
  (void)conn;
  req_ctx *ctx = calloc(1, sizeof *ctx);
  if (ctx != NULL) {
    ctx->raw_uri = strdup(uri != NULL ? uri : "/");
    emu_buf_init(&ctx->body, EMU_HTTP_MAX_BODY);
    ctx->start_ns = emu_now_mono_ns();
  }
  return ctx;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)conn;
  (void)toe;
  req_ctx *ctx = *con_cls;
  if (ctx != NULL) {
    free(ctx->raw_uri);
    emu_buf_free(&ctx->body);
    free(ctx);
    *con_cls = NULL;
  }
}

typedef struct header_list {
  auth_sigv4_header *items; /* owned array; strings borrowed from MHD for the request */
  size_t n, cap;
  bool failed;
} header_list;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value) {
  (void)kind;
  header_list *l = cls;
  if (l->n == l->cap) {
    size_t cap = l->cap > 0 ? l->cap * 2 : 16;
    auth_sigv4_header *items = cap <= 1024 ? realloc(l->items, cap * sizeof *items) : NULL;
    if (items == NULL) {
      l->failed = true;
      return MHD_NO;
    }
    l->items = items;
    l->cap = cap;
  }
  l->items[l->n++] = (auth_sigv4_header){key, strlen(key), value != NULL ? value : "",
                                         value != NULL ? strlen(value) : 0};
  return MHD_YES;
}

/* STS speaks the Query protocol: a form-encoded body. */
static bool is_form(const header_list *l) {
  static const char form[] = "application/x-www-form-urlencoded";
  for (size_t i = 0; i < l->n; i++) {
    const auth_sigv4_header *h = &l->items[i];
    if (emu_ascii_ieq(h->name, h->name_len, "content-type")) {
      return h->value_len >= sizeof form - 1 && strncasecmp(h->value, form, sizeof form - 1) == 0;
    }
  }
  return false;
}

/* The stalled answer: the first half of the body, a pause, then the rest. */
typedef struct stall_body {
  char *data; /* owned */
  size_t len;
  uint32_t stall_ms;
  bool stalled;
} stall_body;

static ssize_t stall_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  stall_body *b = cls;
  size_t half = b->len / 2;
  if (pos >= b->len) {
    return MHD_CONTENT_READER_END_OF_STREAM;
  }
  if (!b->stalled && pos >= half) {
    /* Thread-per-connection: sleeping here stalls only this client. */
    emu_sleep_ms(b->stall_ms);
    b->stalled = true;
  }
  size_t limit = (!b->stalled && pos < half) ? half : b->len;
  size_t n = limit - (size_t)pos;
  if (n > max) {
    n = max;
  }
  memcpy(buf, b->data + pos, n);
  return (ssize_t)n;
}

static void stall_free(void *cls) {
  stall_body *b = cls;
  free(b->data);
  free(b);
}

static enum MHD_Result send_response(struct MHD_Connection *conn, emu_response *resp,
                                     const char *request_id) {
  struct MHD_Response *r = NULL;
  size_t len = resp->body.len;
  char *data = resp->body.data;
  if (data == NULL) {
    data = strdup("");
    len = 0;
  }
  resp->body.data = NULL; /* ownership moves to the MHD response */
  resp->body.len = resp->body.cap = 0;
  if (data == NULL) {
    return MHD_NO;
  }
  if (resp->stall_ms > 0 && len > 1) {
    stall_body *b = malloc(sizeof *b);
    if (b != NULL) {
      *b = (stall_body){data, len, resp->stall_ms, false};
      r = MHD_create_response_from_callback(len, 16 * 1024, stall_reader, b, stall_free);
      if (r == NULL) {
        free(b);
      }
    }
  }
  if (r == NULL) {
    r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
      free(data);
      return MHD_NO;
    }
  }
  MHD_add_response_header(r, "Content-Type",
                          resp->content_type != NULL ? resp->content_type
                                                     : "application/x-amz-json-1.1");
  MHD_add_response_header(r, "x-amzn-RequestId", request_id);
  if (resp->error_type != NULL) {
    MHD_add_response_header(r, "x-amzn-ErrorType", resp->error_type);
  }
  enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls) {
  (void)url;
  (void)version;
  emu_http *h = cls;
  req_ctx *ctx = *con_cls;
  if (ctx == NULL || ctx->raw_uri == NULL) {
    return MHD_NO; /* out of memory in the URI callback */
  }
  if (!ctx->started) {
    ctx->started = true;
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    emu_buf_append(&ctx->body, upload_data, *upload_data_size);
    *upload_data_size = 0;
    return MHD_YES;
  }

  char request_id[EMU_UUID_LEN + 1];
  if (!emu_uuid(request_id)) {
    snprintf(request_id, sizeof request_id, "00000000-0000-4000-8000-000000000000");
  }
  emu_response resp;
  emu_response_init(&resp, h->srv->cfg->page_bytes * 2 + EMU_HTTP_MAX_ANSWER_SLACK);
  header_list hl = {0};
  MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &hl);
  const char *q = strchr(ctx->raw_uri, '?');
  size_t path_len = q != NULL ? (size_t)(q - ctx->raw_uri) : strlen(ctx->raw_uri);
  emu_request req = {
      .method = method,
      .path = ctx->raw_uri,
      .path_len = path_len,
      .query = q != NULL ? q + 1 : "",
      .query_len = q != NULL ? strlen(q + 1) : 0,
      .headers = hl.items,
      .n_headers = hl.n,
      .body = (const uint8_t *)ctx->body.data,
      .body_len = ctx->body.len,
      .request_id = request_id,
  };
  static const char control_prefix[] = "/_emulator/";
  if (hl.failed) {
    emu_buf_puts(&resp.body,
                 "{\"__type\":\"SerializationException\",\"message\":\"too many headers\"}");
    resp.status = 400;
    resp.error_type = "SerializationException";
  } else if (ctx->body.failed) {
    emu_buf_puts(&resp.body,
                 "{\"__type\":\"SerializationException\",\"message\":\"request body too large\"}");
    resp.status = 413;
    resp.error_type = "SerializationException";
  } else if (path_len >= sizeof control_prefix - 1 &&
             memcmp(ctx->raw_uri, control_prefix, sizeof control_prefix - 1) == 0) {
    emu_control_handle(h->srv, &req, &resp);
  } else if (is_form(&hl)) {
    emu_sts_handle(h->srv, &req, &resp);
  } else {
    emu_api_handle(h->srv, &req, &resp);
  }
  free(hl.items);
  double ms = (double)(emu_now_mono_ns() - ctx->start_ns) / 1e6;
  enum MHD_Result ret;
  if (resp.drop) {
    emu_log_request(h->srv->log, request_id, resp.op_name, resp.akid, 0, "dropped", ms);
    ret = MHD_NO; /* MHD closes the connection without an answer */
  } else {
    emu_log_request(h->srv->log, request_id, resp.op_name, resp.akid, resp.status, resp.error_type,
                    ms);
    /* -v: the error body too, except for signature errors, whose messages quote the canonical
     * request (and so a session token). */
    if (emu_log_verbose(h->srv->log) && resp.error_type != NULL && resp.body.data != NULL &&
        strstr(resp.error_type, "Signature") == NULL) {
      emu_log_msg(h->srv->log, "%s error body: %.300s", request_id, resp.body.data);
    }
    ret = send_response(conn, &resp, request_id);
  }
  emu_response_free(&resp);
  return ret;
}

void emu_response_init(emu_response *resp, size_t max_body) {
  memset(resp, 0, sizeof *resp);
  resp->status = 500;
  emu_buf_init(&resp->body, max_body);
}

void emu_response_free(emu_response *resp) {
  emu_buf_free(&resp->body);
}

/* libmicrohttpd's own diagnostics (e.g. the connection a drop fault closes) go to our log. */
static void mhd_logger(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void mhd_logger(void *cls, const char *fmt, va_list ap) {
  emu_http *h = cls;
  emu_log_vmsg(h->srv->log, fmt, ap);
}

emu_http *emu_http_start(emu_server *srv, const char *host, uint16_t port, uint16_t *bound_port,
                         char *err, size_t errlen) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &sa.sin_addr) != 1) {
    snprintf(err, errlen, "--listen: '%s' is not an IPv4 address", host);
    return NULL;
  }
  emu_http *h = calloc(1, sizeof *h);
  if (h == NULL) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  h->srv = srv;
  h->daemon =
      MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                           MHD_USE_POLL | MHD_USE_ERROR_LOG,
                       0, NULL, NULL, handle, h, MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, h,
                       MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_URI_LOG_CALLBACK,
                       uri_logger, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
                       MHD_OPTION_CONNECTION_LIMIT, (unsigned)EMU_HTTP_MAX_CONNECTIONS,
                       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)EMU_HTTP_IDLE_TIMEOUT_S,
                       MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)256, MHD_OPTION_END);
  if (h->daemon == NULL) {
    snprintf(err, errlen, "cannot listen on %s:%u", host, (unsigned)port);
    free(h);
    return NULL;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
  *bound_port = info != NULL ? info->port : port;
  return h;
}

void emu_http_stop(emu_http *h) {
  if (h != NULL) {
    MHD_stop_daemon(h->daemon);
    free(h);
  }
}
