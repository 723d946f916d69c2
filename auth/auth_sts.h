/*
 * auth_sts.h — AWS STS over its Query protocol, as pure functions: request bodies
 * (form-encoded POST, Version=2011-06-15), the SigV4 headers of a signed call (service "sts"),
 * and a small strict reader of STS's XML answers and error documents.
 *
 * Used by redwire's IAM key check at login (GetCallerIdentity signed with the client's keys) and
 * by the credential chain (AssumeRole, AssumeRoleWithWebIdentity). No I/O, no clock, no globals.
 *
 * References:
 *  - https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 *  - https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 *  - https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 *  - https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
 *
 * Secrets: request bodies may carry a web identity token and parsed credentials carry a secret;
 * both are wiped when freed. Error texts never quote a value of the document.
 */
#ifndef REDWIRE_AUTH_STS_H
#define REDWIRE_AUTH_STS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth_awsconfig.h"
#include "auth_sigv4.h"

#define AUTH_STS_MUSTCHECK __attribute__((warn_unused_result))

#define AUTH_STS_VERSION      "2011-06-15"
#define AUTH_STS_CONTENT_TYPE "application/x-www-form-urlencoded; charset=utf-8"
/* Larger answers are refused: real ones are a few kB (a session token is at most ~2 kB). */
#define AUTH_STS_MAX_XML (64u << 10)

typedef enum auth_sts_rc {
  AUTH_STS_OK = 0,
  AUTH_STS_ENOMEM,  /* allocation failed */
  AUTH_STS_ETOOBIG, /* document above AUTH_STS_MAX_XML, or too deep / too many elements */
  AUTH_STS_ESYNTAX, /* not well-formed XML */
  AUTH_STS_EINVAL,  /* well-formed, but not the expected document or a member is missing */
  AUTH_STS_ECRYPTO, /* the signer failed */
} auth_sts_rc;

const char *auth_sts_strerror(auth_sts_rc rc);

typedef enum auth_sts_action {
  AUTH_STS_GET_CALLER_IDENTITY,
  AUTH_STS_ASSUME_ROLE,
  AUTH_STS_ASSUME_ROLE_WITH_WEB_IDENTITY,
} auth_sts_action;

const char *auth_sts_action_name(auth_sts_action a);

/* An owned, NUL-terminated string with its length; wiped when freed (it may hold a token). */
typedef struct auth_sts_body {
  char *data;
  size_t len;
} auth_sts_body;

void auth_sts_body_free(auth_sts_body *b);

/* The parameters of a role to assume. Strings borrowed for the call. */
typedef struct auth_sts_role_input {
  const char *role_arn;           /* required */
  const char *role_session_name;  /* required */
  const char *external_id;        /* AssumeRole only; NULL when unset */
  const char *web_identity_token; /* AssumeRoleWithWebIdentity only; required there */
  uint32_t duration_seconds;      /* 0: the service's default */
} auth_sts_role_input;

/*
 * The form-encoded body of action ("Action=...&Version=2011-06-15&..."), values percent-encoded
 * with RFC 3986's unreserved set as the SDKs do. role is ignored for GetCallerIdentity and
 * required for the two others (AUTH_STS_EINVAL when a required member is missing or empty).
 */
AUTH_STS_MUSTCHECK auth_sts_rc auth_sts_body_build(auth_sts_action action,
                                                   const auth_sts_role_input *role,
                                                   auth_sts_body *out);

/* What a signed STS call sends besides the body. All strings borrowed for the call. */
typedef struct auth_sts_sign_input {
  const char *host;   /* Host header value exactly as sent: "sts.us-east-1.amazonaws.com[:port]" */
  const char *region; /* credential scope region */
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL for long-term keys */
  const char *amz_date;      /* "YYYYMMDDTHHMMSSZ" */
  const char *body;          /* the exact body bytes */
  size_t body_len;
} auth_sts_sign_input;

/*
 * The Authorization header value for a POST / with the headers Host, Content-Type
 * (AUTH_STS_CONTENT_TYPE), X-Amz-Date and, with a session token, X-Amz-Security-Token — which
 * the caller must send with exactly these values. out is emptied first (auth_sigv4_buf rules).
 */
AUTH_STS_MUSTCHECK auth_sts_rc auth_sts_sign(const auth_sts_sign_input *in, auth_sigv4_buf *out);

/* GetCallerIdentityResult. Strings owned. */
typedef struct auth_sts_identity {
  char *arn;
  char *user_id;
  char *account;
} auth_sts_identity;

void auth_sts_identity_free(auth_sts_identity *id);

/* <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>. Absent
 * members are "". Message is cut at the buffer size. */
typedef struct auth_sts_error {
  char type[16]; /* "Sender" or "Receiver" */
  char code[64]; /* "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", ... */
  char message[256];
  char request_id[64];
} auth_sts_error;

/* The reason of the last failure of a parse function; never quotes document text. */
typedef struct auth_sts_why {
  char msg[160];
} auth_sts_why;

/* Parses a 2xx GetCallerIdentityResponse. On failure *out is left empty. why may be NULL. */
AUTH_STS_MUSTCHECK auth_sts_rc auth_sts_parse_identity(const char *xml, size_t len,
                                                       auth_sts_identity *out, auth_sts_why *why);

/* Parses a 2xx AssumeRoleResponse / AssumeRoleWithWebIdentityResponse (action says which root
 * is expected) into credentials with their expiration, and optionally (arn non-NULL) the
 * AssumedRoleUser's Arn (owned; NULL when absent). On failure nothing is left to free. */
AUTH_STS_MUSTCHECK auth_sts_rc auth_sts_parse_credentials(auth_sts_action action, const char *xml,
                                                          size_t len, auth_awscfg_creds *out,
                                                          char **arn, auth_sts_why *why);

/* Parses an ErrorResponse document (the body of a non-2xx answer). */
AUTH_STS_MUSTCHECK auth_sts_rc auth_sts_parse_error(const char *xml, size_t len,
                                                    auth_sts_error *out, auth_sts_why *why);

/* True for the error codes that mean "these keys are not valid" (as opposed to throttling, an
 * outage or a malformed request): InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken,
 * UnrecognizedClient, InvalidAccessKeyId. */
bool auth_sts_error_is_bad_credentials(const char *code);

#endif
