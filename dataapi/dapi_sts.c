/* dapi_sts.c — signed STS calls over dapi_http (see dapi_sts.h). */
#include "dapi_sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dapi_http.h"

struct dapi_sts_call {
  dapi_http_req *req; /* in flight */
  auth_sts_action action;
  dapi_sts_done_fn done;
  void *ctx;
};

static void on_http(void *ctx, const dapi_http_result *r) {
  dapi_sts_call *call = ctx;
  dapi_sts_outcome o;
  memset(&o, 0, sizeof o);
  o.http_status = r->status;
  auth_sts_why why = {{0}};
  if (r->rc != DAPI_OK) {
    o.status = DAPI_STS_UNREACHABLE;
    snprintf(o.detail, sizeof o.detail, "%s", r->error);
  } else if (r->status >= 200 && r->status < 300) {
    auth_sts_rc rc = call->action == AUTH_STS_GET_CALLER_IDENTITY
                         ? auth_sts_parse_identity(r->body, r->body_len, &o.identity, &why)
                         : auth_sts_parse_credentials(call->action, r->body, r->body_len, &o.creds,
                                                      &o.assumed_arn, &why);
    if (rc == AUTH_STS_OK) {
      o.status = DAPI_STS_OK;
    } else {
      o.status = DAPI_STS_FAILED;
      snprintf(o.detail, sizeof o.detail, "HTTP %ld answer of %s is unusable: %s", r->status,
               auth_sts_action_name(call->action), why.msg[0] != '\0' ? why.msg : "?");
    }
  } else if (auth_sts_parse_error(r->body, r->body_len, &o.error, &why) == AUTH_STS_OK) {
    o.status = DAPI_STS_REJECTED;
  } else {
    o.status = DAPI_STS_FAILED;
    snprintf(o.detail, sizeof o.detail, "HTTP %ld without an STS error document", r->status);
  }
  call->req = NULL;
  call->done(call->ctx, &o);
  auth_sts_identity_free(&o.identity);
  auth_awscfg_creds_free(&o.creds);
  free(o.assumed_arn);
  free(call);
}

static dapi_rc start(dapi_multi *m, const dapi_sts_input *in, const char *url, const char *host,
                     dapi_sts_done_fn done, void *ctx, dapi_sts_call **out);

dapi_rc dapi_sts_start(dapi_multi *m, const dapi_sts_input *in, dapi_sts_done_fn done, void *ctx,
                       dapi_sts_call **out) {
  if (out != NULL) {
    *out = NULL;
  }
  char *url = NULL, *host = NULL;
  dapi_rc rc = dapi_endpoint_split(in->endpoint, &url, &host);
  if (rc == DAPI_OK) {
    rc = start(m, in, url, host, done, ctx, out);
  }
  free(url);
  free(host);
  return rc;
}

static dapi_rc start(dapi_multi *m, const dapi_sts_input *in, const char *url, const char *host,
                     dapi_sts_done_fn done, void *ctx, dapi_sts_call **out) {
  auth_sts_body body;
  auth_sts_rc src = auth_sts_body_build(in->action, in->role, &body);
  if (src != AUTH_STS_OK) {
    return src == AUTH_STS_ENOMEM ? DAPI_ENOMEM : DAPI_EINVAL;
  }
  char amz_date[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  struct curl_slist *hl = NULL;
  bool ok = dapi_http_header_add(&hl, "Host", host) &&
            dapi_http_header_add(&hl, "Content-Type", AUTH_STS_CONTENT_TYPE) &&
            curl_slist_append(hl, "Expect:") != NULL && curl_slist_append(hl, "Accept:") != NULL;
  if (ok && in->action != AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY) {
    if (!auth_sigv4_format_amz_date((int64_t)time(NULL), amz_date)) {
      ok = false;
    }
    auth_sigv4_buf authz = {0};
    auth_sts_sign_input si = {.host = host,
                              .region = in->region,
                              .access_key_id = in->access_key_id,
                              .secret_access_key = in->secret_access_key,
                              .session_token = in->session_token,
                              .amz_date = amz_date,
                              .body = body.data,
                              .body_len = body.len};
    src = ok ? auth_sts_sign(&si, &authz) : AUTH_STS_EINVAL;
    ok = src == AUTH_STS_OK && dapi_http_header_add(&hl, "X-Amz-Date", amz_date) &&
         (in->session_token == NULL || in->session_token[0] == '\0' ||
          dapi_http_header_add(&hl, "X-Amz-Security-Token", in->session_token)) &&
         dapi_http_header_add(&hl, "Authorization", authz.data);
    auth_sigv4_buf_free(&authz);
    if (src == AUTH_STS_EINVAL) {
      curl_slist_free_all(hl);
      auth_sts_body_free(&body);
      return DAPI_EINVAL;
    }
  }
  dapi_sts_call *call = calloc(1, sizeof *call);
  if (!ok || call == NULL) {
    free(call);
    curl_slist_free_all(hl);
    auth_sts_body_free(&body);
    return DAPI_ENOMEM;
  }
  call->action = in->action;
  call->done = done;
  call->ctx = ctx;
  dapi_http_conf hc = {.method = "POST",
                       .url = url,
                       .headers = hl,
                       .body = body.data,
                       .body_len = body.len,
                       .connect_timeout_ms = in->connect_timeout_ms,
                       .timeout_ms = in->timeout_ms};
  dapi_rc rc = dapi_http_start(m, &hc, on_http, call, &call->req);
  auth_sts_body_free(&body);
  if (rc != DAPI_OK) {
    free(call);
    return rc;
  }
  if (out != NULL) {
    *out = call;
  }
  return DAPI_OK;
}

void dapi_sts_cancel(dapi_sts_call *call) {
  if (call != NULL) {
    dapi_http_cancel(call->req);
    free(call);
  }
}
