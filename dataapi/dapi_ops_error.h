/*
 * dapi_ops_error.h — Data API error responses: parsing, classification, and the SQLSTATE a
 * PostgreSQL client should see.
 *
 * Pure functions over bytes (cJSON inside, no I/O). The wire form (dataapi.md §1.4) is a non-2xx
 * status and a JSON body {"__type": "...", "message"|"Message": "..."}; the code may instead come
 * in the header x-amzn-ErrorType. Codes are sanitized as the AWS SDKs do: cut at the first ',',
 * then at the first ':', then keep the part after '#'.
 *
 * A dapi_error holds fixed-size copies (no allocation, like hiredis' errstr): it can be embedded,
 * copied by value and never needs freeing. Over-long texts are truncated at a UTF-8 boundary.
 */
#ifndef REDWIRE_DAPI_OPS_ERROR_H
#define REDWIRE_DAPI_OPS_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#define DAPI_ERROR_TYPE_MAX       128
#define DAPI_ERROR_MESSAGE_MAX    1024
#define DAPI_ERROR_REQUEST_ID_MAX 80

/* The type of a TRANSPORT error where no connection could be made at all (resolve/connect
 * failed): the only transport failure that maps to SQLSTATE 08001 rather than 08006. */
#define DAPI_ERROR_TYPE_CONNECT "ConnectFailure"

/*
 * What a caller can do about an error. Retryable classes are THROTTLING, TRANSIENT, TRANSPORT and
 * TIMEOUT (the AWS SDKs' "standard" retry classes, dataapi.md §1.4); everything else is final.
 */
typedef enum dapi_err_class {
  DAPI_ERR_NONE = 0,     /* no error */
  DAPI_ERR_THROTTLING,   /* 429 or a throttling code: retry with the larger throttle backoff */
  DAPI_ERR_TRANSIENT,    /* 500/502/503/504 or RequestTimeout*: retry */
  DAPI_ERR_TRANSPORT,    /* no usable HTTP response: connection refused/reset, truncated body */
  DAPI_ERR_TIMEOUT,      /* connect, total or low-speed timeout of one attempt */
  DAPI_ERR_AUTH,         /* SigV4 or credential rejected (bad secret, unknown key, expired) */
  DAPI_ERR_SESSION_GONE, /* "Session is not available" / "Session with Id ... is invalid" */
  DAPI_ERR_LIMIT,        /* Active{Statements,Sessions,WaitingRequests}ExceededException */
  DAPI_ERR_NOT_FOUND,    /* ResourceNotFoundException / 404 */
  DAPI_ERR_CLIENT,       /* any other 4xx: the request was wrong (ValidationException, ...) */
  DAPI_ERR_SERVER,       /* a 5xx the SDKs do not retry (501, 505, ...) */
  DAPI_ERR_LOCAL,        /* redwire's side: malformed or oversized response, out of memory */
  DAPI_ERR_CANCELLED,    /* the call was cancelled by its owner */
} dapi_err_class;

typedef struct dapi_error {
  long http_status;                     /* 0 when no HTTP response arrived */
  dapi_err_class cls;                   /* DAPI_ERR_NONE only in a zeroed value */
  char type[DAPI_ERROR_TYPE_MAX];       /* sanitized code ("ValidationException"); "" if none */
  char message[DAPI_ERROR_MESSAGE_MAX]; /* never empty once set: "UnknownError" if absent */
  char request_id[DAPI_ERROR_REQUEST_ID_MAX]; /* x-amzn-RequestId; "" if none */
} dapi_error;

/*
 * Fills *out from an HTTP error response. header_type is the raw x-amzn-ErrorType value (NULL
 * when absent), request_id the raw x-amzn-RequestId (NULL when absent); body need not be
 * NUL-terminated and may be anything (non-JSON bodies yield message "UnknownError"). The code is
 * taken from body "__type", else body "code", else the header (the JS SDK's awsJson1_1 order).
 * Cannot fail: every input produces a classified error.
 */
void dapi_error_from_http(long http_status, const char *header_type, size_t header_type_len,
                          const char *request_id, size_t request_id_len, const char *body,
                          size_t body_len, dapi_error *out);

/* An error without an HTTP response (transport, timeout, local, cancelled). msg is copied. */
void dapi_error_set(dapi_error *out, dapi_err_class cls, const char *type, const char *msg);

/* Writes the sanitized form of a raw code into out (always NUL-terminated, possibly ""). */
void dapi_error_sanitize_code(const char *raw, size_t raw_len, char out[DAPI_ERROR_TYPE_MAX]);

/* The class of an API error; type is a sanitized code ("" if none), message may be NULL. */
dapi_err_class dapi_error_classify(long http_status, const char *type, const char *message);

/* True when e is a client error (4xx) naming the WaitTimeSeconds member, as an endpoint that
 * predates long polling may answer: the same request without the member is valid, and the caller
 * polls instead (DESIGN §2 step 3). redwire never sends a value outside 1..30, so such an error
 * is about the member itself. */
bool dapi_error_refuses_wait_time(const dapi_error *e);

bool dapi_err_class_retryable(dapi_err_class cls);
const char *dapi_err_class_name(dapi_err_class cls);

/*
 * The SQLSTATE (5 characters, static) a pgwire client should see for e. The choices, since the
 * Data API carries no SQLSTATE (DESIGN §6):
 *   AUTH: 28P01 (invalid_password — in iam mode the password *is* the secret) for signature, key
 *         and token rejections; 28000 (invalid_authorization_specification) for AccessDenied*.
 *   THROTTLING, ActiveStatements/ActiveWaitingRequestsExceeded: 53400
 * (configuration_limit_exceeded: an account quota, not a server resource); ActiveSessionsExceeded:
 * 53300 (too_many_connections, what PostgreSQL says when max_connections is reached). TRANSPORT
 * connect failures (no connection made): 08001; other TRANSPORT, TIMEOUT, TRANSIENT and SERVER
 * after retries: 08006 (connection_failure). SESSION_GONE: 08003 (connection_does_not_exist).
 *   QueryTimeoutException: 57014 (query_canceled, as statement_timeout); CANCELLED: 57014.
 *   NOT_FOUND: 42704 (undefined_object).
 *   CLIENT: 54000 (program_limit_exceeded) for the "larger than 100kB" limit, else 22023
 *         (invalid_parameter_value).
 *   LOCAL and anything else: XX000.
 */
const char *dapi_error_sqlstate(const dapi_error *e);

#endif
