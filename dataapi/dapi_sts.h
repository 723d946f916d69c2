/*
 * dapi_sts.h — STS calls (GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity) on the
 * dapi_multi engine: the body and signature come from auth/auth_sts, the transport is dapi_http,
 * the answer is parsed into an outcome that says whether STS rejected the credentials, failed,
 * or could not be reached.
 *
 * Lifetime as dapi_http: a successful start fires `done` exactly once, later, outside curl,
 * unless dapi_sts_cancel runs first. Every input string is copied at start.
 */
#ifndef REDWIRE_DAPI_STS_H
#define REDWIRE_DAPI_STS_H

#include "auth_sts.h"
#include "dapi_multi.h"

typedef struct dapi_sts_call dapi_sts_call;

typedef enum dapi_sts_status {
  DAPI_STS_OK,          /* identity (GetCallerIdentity) or creds (Assume*) are filled */
  DAPI_STS_REJECTED,    /* STS answered an ErrorResponse: error.code says why */
  DAPI_STS_UNREACHABLE, /* no answer: connect/transport failure or timeout (detail) */
  DAPI_STS_FAILED,      /* an answer redwire cannot use: 5xx without error document, bad XML */
} dapi_sts_status;

typedef struct dapi_sts_outcome {
  dapi_sts_status status;
  long http_status;
  auth_sts_error error;       /* REJECTED */
  char detail[256];           /* UNREACHABLE / FAILED: what went wrong, without secrets */
  auth_sts_identity identity; /* GetCallerIdentity OK; owned by the outcome (may be moved out) */
  auth_awscfg_creds creds;    /* Assume* OK; owned by the outcome (may be moved out) */
  char *assumed_arn;          /* Assume* OK; owned (may be moved out), NULL when absent */
} dapi_sts_outcome;

typedef void (*dapi_sts_done_fn)(void *ctx, dapi_sts_outcome *o);

typedef struct dapi_sts_input {
  const char *endpoint; /* "https://sts.us-east-1.amazonaws.com" or the emulator's URL */
  const char *region;   /* signing region */
  auth_sts_action action;
  const auth_sts_role_input *role; /* Assume*: the role (NULL for GetCallerIdentity) */
  /* Signing keys; ignored for AssumeRoleWithWebIdentity, which is unsigned. */
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL for long-term keys */
  long connect_timeout_ms;   /* 0: 5000 */
  long timeout_ms;           /* 0: 10000 */
} dapi_sts_input;

/* DAPI_EINVAL for a bad endpoint or missing inputs; nothing fires then. */
DAPI_MUSTCHECK dapi_rc dapi_sts_start(dapi_multi *m, const dapi_sts_input *in,
                                      dapi_sts_done_fn done, void *ctx, dapi_sts_call **out);

/* Abandons the call; done will not fire. Not from inside a curl callback. */
void dapi_sts_cancel(dapi_sts_call *call);

#endif
