/* dapi_client_sign.c — SigV4 headers of one attempt (the signer itself is auth/auth_sigv4). */
#include "dapi_client_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_sigv4.h"
#include "dapi_http.h"

#define CONTENT_TYPE  "application/x-amz-json-1.1"
#define TARGET_PREFIX "RedshiftData."

static bool nonempty(const char *s) {
  return s != NULL && s[0] != '\0';
}

static auth_sigv4_header hdr(const char *name, const char *value) {
  auth_sigv4_header h = {name, strlen(name), value, strlen(value)};
  return h;
}

static bool add_raw(struct curl_slist **list, const char *line) {
  struct curl_slist *next = curl_slist_append(*list, line);
  if (next == NULL) {
    return false;
  }
  *list = next;
  return true;
}

dapi_rc dapi_client_sign(const dapi_sign_input *in, struct curl_slist **out) {
  *out = NULL;
  const dapi_creds *cr = in->creds;
  if (cr == NULL || !nonempty(cr->access_key_id) || !nonempty(cr->secret_access_key) ||
      !nonempty(in->host) || !nonempty(in->region) || in->amz_date == NULL ||
      strlen(in->amz_date) != AUTH_SIGV4_AMZ_DATE_LEN) {
    return DAPI_EINVAL;
  }
  bool temp = nonempty(cr->session_token);
  char target[64];
  snprintf(target, sizeof(target), TARGET_PREFIX "%s", dapi_op_name(in->op));

  auth_sigv4_header headers[5];
  size_t nh = 0;
  headers[nh++] = hdr("host", in->host);
  headers[nh++] = hdr("content-type", CONTENT_TYPE);
  headers[nh++] = hdr("x-amz-date", in->amz_date);
  headers[nh++] = hdr("x-amz-target", target);
  if (temp) {
    headers[nh++] = hdr("x-amz-security-token", cr->session_token);
  }
  auth_sigv4_request req = {
      .method = "POST",
      .path = "/",
      .path_len = 1,
      .query = NULL,
      .query_len = 0,
      .headers = headers,
      .n_headers = nh,
      .payload = (const uint8_t *)in->body,
      .payload_len = in->body_len,
  };
  auth_sigv4_params params = {
      .access_key_id = cr->access_key_id,
      .secret_access_key = cr->secret_access_key,
      .session_token = temp ? cr->session_token : NULL,
      .region = in->region,
      .service = "redshift-data",
      .amz_date = in->amz_date,
      .normalize_path = true,
  };
  auth_sigv4_buf authz = {0};
  auth_sigv4_rc src = auth_sigv4_authorization(&req, &params, &authz);
  if (src != AUTH_SIGV4_OK) {
    auth_sigv4_buf_free(&authz);
    return src == AUTH_SIGV4_ENOMEM   ? DAPI_ENOMEM
           : src == AUTH_SIGV4_EINVAL ? DAPI_EINVAL
                                      : DAPI_ECRYPTO;
  }
  struct curl_slist *list = NULL;
  bool ok = dapi_http_header_add(&list, "Host", in->host) &&
            dapi_http_header_add(&list, "Content-Type", CONTENT_TYPE) &&
            dapi_http_header_add(&list, "X-Amz-Date", in->amz_date) &&
            dapi_http_header_add(&list, "X-Amz-Target", target) &&
            (!temp || dapi_http_header_add(&list, "X-Amz-Security-Token", cr->session_token)) &&
            dapi_http_header_add(&list, "Authorization", authz.data) && add_raw(&list, "Expect:") &&
            add_raw(&list, "Accept:");
  auth_sigv4_buf_free(&authz);
  if (!ok) {
    curl_slist_free_all(list);
    return DAPI_ENOMEM;
  }
  *out = list;
  return DAPI_OK;
}
