#include "emu_auth.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const auth_sigv4_header *find_header(const auth_sigv4_request *req, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < req->n_headers; i++) {
    const auth_sigv4_header *h = &req->headers[i];
    if (h->name_len == n && strncasecmp(h->name, name, n) == 0) {
      return h;
    }
  }
  return NULL;
}

/* True when the ';'-separated list contains name (lower case, exact). */
static bool list_has(const char *list, size_t len, const char *name) {
  size_t n = strlen(name);
  const char *p = list, *end = list + len;
  while (p < end) {
    const char *semi = memchr(p, ';', (size_t)(end - p));
    size_t item = semi != NULL ? (size_t)(semi - p) : (size_t)(end - p);
    if (item == n && memcmp(p, name, n) == 0) {
      return true;
    }
    p += item + 1;
  }
  return false;
}

static bool view_eq(const char *s, size_t n, const char *lit) {
  return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Cuts a header value at 512 bytes for quoting in a message; AWS quotes it whole, but an emulator
 * must not echo arbitrarily large input. */
static int quote_len(size_t n) {
  return n > 512 ? 512 : (int)n;
}

static void invalid_signature(emu_err *err, const char *canonical, const char *sts) {
  emu_err_set(err, 400, "InvalidSignatureException",
              "The request signature we calculated does not match the signature you provided. "
              "Check your AWS Secret Access Key and signing method. Consult the service "
              "documentation for details.\n\nThe Canonical String for this request should have "
              "been\n'%s'\n\nThe String-to-Sign should have been\n'%s'\n",
              canonical, sts);
}

static void format_amz(int64_t t, char out[AUTH_SIGV4_AMZ_DATE_LEN + 1]) {
  /* Only dates that parsed (years 0000-9999) and the clock +/- 15 minutes come here; if one
   * still does not fit, the message shows "?" instead. */
  if (!auth_sigv4_format_amz_date(t, out)) {
    snprintf(out, AUTH_SIGV4_AMZ_DATE_LEN + 1, "?");
  }
}

const emu_key *emu_auth_verify(const emu_config *cfg, const auth_sigv4_request *req,
                               int64_t now_unix, emu_err *err) {
  return emu_auth_verify_service(cfg, NULL, EMU_AUTH_SERVICE, req, now_unix, err);
}

const emu_key *emu_auth_verify_service(const emu_config *cfg, emu_sts *issued, const char *service,
                                       const auth_sigv4_request *req, int64_t now_unix,
                                       emu_err *err) {
  const auth_sigv4_header *authz_h = find_header(req, "authorization");
  if (authz_h == NULL) {
    emu_err_set(err, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
    return NULL;
  }
  auth_sigv4_authz az;
  const char *why = NULL;
  if (auth_sigv4_parse_authorization(authz_h->value, authz_h->value_len, &az, &why) !=
      AUTH_SIGV4_OK) {
    /* AWS appends the header for the "requires ... parameter" family; sentences that already
     * quote it (the "not a valid key=value pair" family) are sent as they are. */
    if (why != NULL && strstr(why, "Authorization header:") == NULL) {
      emu_err_set(err, 400, "IncompleteSignatureException", "%s Authorization=%.*s", why,
                  quote_len(authz_h->value_len), authz_h->value);
    } else {
      emu_err_set(err, 400, "IncompleteSignatureException", "%s",
                  why != NULL ? why : "Invalid Authorization header.");
    }
    return NULL;
  }
  const auth_sigv4_header *date_h = find_header(req, "x-amz-date");
  if (date_h == NULL) {
    emu_err_set(err, 400, "IncompleteSignatureException",
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
                "header. Authorization=%.*s",
                quote_len(authz_h->value_len), authz_h->value);
    return NULL;
  }
  int64_t signed_at;
  if (!auth_sigv4_parse_amz_date(date_h->value, date_h->value_len, &signed_at)) {
    emu_err_set(err, 400, "IncompleteSignatureException",
                "Date must be in ISO-8601 'basic format'. Got '%.*s'. See "
                "http://en.wikipedia.org/wiki/ISO_8601",
                quote_len(date_h->value_len), date_h->value);
    return NULL;
  }
  if (az.date_len != 8 || memcmp(az.date, date_h->value, 8) != 0) {
    emu_err_set(err, 400, "InvalidSignatureException",
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                "from HTTP: '%.*s' != '%.8s', from '%.*s'.",
                quote_len(az.date_len), az.date, date_h->value, quote_len(date_h->value_len),
                date_h->value);
    return NULL;
  }
  if (!view_eq(az.region, az.region_len, cfg->region)) {
    emu_err_set(err, 400, "InvalidSignatureException",
                "Credential should be scoped to a valid region. ");
    return NULL;
  }
  if (!view_eq(az.service, az.service_len, service)) {
    emu_err_set(err, 400, "InvalidSignatureException",
                "Credential should be scoped to correct service: '%s'. ", service);
    return NULL;
  }
  if (!list_has(az.signed_headers, az.signed_headers_len, "host")) {
    emu_err_set(err, 400, "InvalidSignatureException",
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    return NULL;
  }
  if (signed_at < now_unix - EMU_AUTH_MAX_SKEW_S || signed_at > now_unix + EMU_AUTH_MAX_SKEW_S) {
    char a[AUTH_SIGV4_AMZ_DATE_LEN + 1], b[AUTH_SIGV4_AMZ_DATE_LEN + 1],
        n[AUTH_SIGV4_AMZ_DATE_LEN + 1];
    format_amz(signed_at, a);
    format_amz(now_unix, n);
    if (signed_at < now_unix) {
      format_amz(now_unix - EMU_AUTH_MAX_SKEW_S, b);
      emu_err_set(err, 400, "InvalidSignatureException",
                  "Signature expired: %s is now earlier than %s (%s - 15 min.)", a, b, n);
    } else {
      format_amz(now_unix + EMU_AUTH_MAX_SKEW_S, b);
      emu_err_set(err, 400, "InvalidSignatureException",
                  "Signature not yet current: %s is still later than %s (%s + 15 min.)", a, b, n);
    }
    return NULL;
  }
  const emu_key *key = emu_config_find_key(cfg, az.access_key_id, az.access_key_id_len);
  int64_t expires_at = INT64_MAX;
  if (key == NULL && issued != NULL) {
    key = emu_sts_find(issued, az.access_key_id, az.access_key_id_len, &expires_at);
  }
  const auth_sigv4_header *token_h = find_header(req, "x-amz-security-token");
  bool token_ok;
  if (key == NULL) {
    token_ok = false;
  } else if (key->session_token == NULL) {
    token_ok = token_h == NULL; /* a token with a permanent key is an unknown token */
  } else {
    token_ok = token_h != NULL && view_eq(token_h->value, token_h->value_len, key->session_token);
  }
  if (!token_ok) {
    emu_err_set(err, 400, "UnrecognizedClientException",
                "The security token included in the request is invalid.");
    return NULL;
  }
  if (expires_at <= now_unix) {
    emu_err_set(err, 400, "ExpiredTokenException",
                "The security token included in the request is expired");
    return NULL;
  }

  char signed_list[1024];
  if (az.signed_headers_len >= sizeof signed_list) {
    emu_err_set(err, 400, "InvalidSignatureException", "SignedHeaders list is too long.");
    return NULL;
  }
  memcpy(signed_list, az.signed_headers, az.signed_headers_len);
  signed_list[az.signed_headers_len] = '\0';
  char amz_date[AUTH_SIGV4_AMZ_DATE_LEN + 1];
  memcpy(amz_date, date_h->value, AUTH_SIGV4_AMZ_DATE_LEN);
  amz_date[AUTH_SIGV4_AMZ_DATE_LEN] = '\0';
  auth_sigv4_params p = {
      .access_key_id = key->access_key_id,
      .secret_access_key = key->secret_access_key,
      .session_token = key->session_token,
      .region = cfg->region,
      .service = service,
      .amz_date = amz_date,
      .normalize_path = true,
  };
  char expected[AUTH_SIGV4_HEX_LEN + 1];
  auth_sigv4_buf canonical = {0}, sts = {0};
  auth_sigv4_rc rc = auth_sigv4_signature(req, signed_list, &p, expected, &canonical, &sts);
  if (rc == AUTH_SIGV4_EINVAL) {
    /* A signed header the request does not carry: AWS cannot build its canonical request either
     * and reports a signature mismatch. */
    invalid_signature(err, "(a header listed in SignedHeaders is missing from the request)", "");
  } else if (rc != AUTH_SIGV4_OK) {
    EMU_ERR_INTERNAL(err, "signature computation failed: %s", auth_sigv4_strerror(rc));
  } else if (az.signature_len != AUTH_SIGV4_HEX_LEN ||
             !auth_sigv4_signature_equal(expected, az.signature, AUTH_SIGV4_HEX_LEN)) {
    invalid_signature(err, canonical.data != NULL ? canonical.data : "",
                      sts.data != NULL ? sts.data : "");
  }
  auth_sigv4_buf_free(&canonical);
  auth_sigv4_buf_free(&sts);
  return emu_err_is_set(err) ? NULL : key;
}
