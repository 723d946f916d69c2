/*
 * dapi_client_rc.h — the one status type of the Data API client (requests, responses, retries and
 * the HTTP engine).
 *
 * Every fallible function of dapi_ops, dapi_multi and dapi_client returns a dapi_rc the caller
 * must check. A failed Data API call is DAPI_EAPI with the details (HTTP status, AWS error type,
 * message, class) in a dapi_error: the status says *that* it failed, the dapi_error says *how*.
 */
#ifndef REDWIRE_DAPI_CLIENT_RC_H
#define REDWIRE_DAPI_CLIENT_RC_H

#define DAPI_MUSTCHECK __attribute__((warn_unused_result))

#define DAPI_RC_MAP(XX)                                                                            \
  XX(OK, "success")                                                                                \
  XX(ENOMEM, "out of memory")                                                                      \
  XX(ETOOBIG, "size limit exceeded")                                                               \
  XX(EINVAL, "invalid argument")                                                                   \
  XX(EPARSE, "malformed Data API response")                                                        \
  XX(EAPI, "Data API call failed")                                                                 \
  XX(ECANCELLED, "call cancelled")                                                                 \
  XX(EBUSY, "calls still in flight")                                                               \
  XX(ECURL, "libcurl refused an operation")                                                        \
  XX(ECRYPTO, "signing failed")

typedef enum dapi_rc {
#define DAPI_RC_ENUM(name, text) DAPI_##name,
  DAPI_RC_MAP(DAPI_RC_ENUM)
#undef DAPI_RC_ENUM
} dapi_rc;

/* A static sentence for rc; never NULL (unknown values give "unknown status"). */
const char *dapi_strerror(dapi_rc rc);

#endif
