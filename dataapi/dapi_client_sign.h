/*
 * dapi_client_sign.h — the signed header set of one Data API attempt (internal to the client,
 * exposed for tests).
 *
 * Signed headers: host, content-type, x-amz-date, x-amz-target and, with temporary credentials,
 * x-amz-security-token (what the AWS SDKs sign, minus their own amz-sdk-* headers). Content-Length
 * is left unsigned on purpose: curl computes it, and signing a value we do not write risks a
 * mismatch. "Expect:" and "Accept:" are blanked so curl adds nothing unexpected.
 */
#ifndef REDWIRE_DAPI_CLIENT_SIGN_H
#define REDWIRE_DAPI_CLIENT_SIGN_H

#include <curl/curl.h>
#include <stddef.h>

#include "dapi_client.h"

typedef struct dapi_sign_input {
  const char *host;   /* Host header value: "host[:port]" exactly as sent */
  const char *region; /* "us-east-1" */
  dapi_op op;
  const dapi_creds *creds; /* borrowed; session_token may be NULL */
  const char *amz_date;    /* "YYYYMMDDTHHMMSSZ" */
  const char *body;        /* borrowed; the exact bytes sent */
  size_t body_len;
} dapi_sign_input;

/* Builds the header list (owned by the caller: curl_slist_free_all). DAPI_EINVAL for missing
 * credentials or a malformed date, DAPI_ECRYPTO/ENOMEM from the signer. */
DAPI_MUSTCHECK dapi_rc dapi_client_sign(const dapi_sign_input *in, struct curl_slist **out);

#endif
