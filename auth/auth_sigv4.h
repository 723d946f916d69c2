/*
 * auth_sigv4.h — AWS Signature Version 4, as pure functions.
 *
 * No I/O, no clock, no globals: the caller passes the request description, the credentials, the
 * region, the service and the time, and gets back the canonical request, the string to sign, the
 * signature or a whole Authorization header. The same functions serve redwire (signing Data API
 * calls) and the emulator (verifying them), so both sides agree by construction and the AWS test
 * suite checks both at once.
 *
 * Algorithm: https://docs.aws.amazon.com/general/latest/gr/sigv4-calculate-signature.html
 *
 * Ownership: every pointer in the structs below is borrowed for the duration of the call only.
 * Output goes into a caller-owned auth_sigv4_buf, which grows with malloc up to a hard cap.
 */
#ifndef REDWIRE_AUTH_SIGV4_H
#define REDWIRE_AUTH_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_SIGV4_MUSTCHECK __attribute__((warn_unused_result))

/* "20150830T123600Z": 16 characters. */
#define AUTH_SIGV4_AMZ_DATE_LEN 16
/* Lower-case hex of a SHA-256 digest: 64 characters. */
#define AUTH_SIGV4_HEX_LEN 64
/* No canonical request, string to sign or header produced here may exceed this. */
#define AUTH_SIGV4_MAX_OUTPUT (1u << 20)

typedef enum auth_sigv4_rc {
  AUTH_SIGV4_OK = 0,
  AUTH_SIGV4_ENOMEM,  /* allocation failed */
  AUTH_SIGV4_ETOOBIG, /* output would exceed AUTH_SIGV4_MAX_OUTPUT */
  AUTH_SIGV4_EINVAL,  /* malformed input: bad date, missing member, bad header list */
  AUTH_SIGV4_ECRYPTO, /* OpenSSL refused a digest or HMAC */
} auth_sigv4_rc;

const char *auth_sigv4_strerror(auth_sigv4_rc rc);

/*
 * A growable, NUL-terminated output buffer. Zero-initialise it; free with auth_sigv4_buf_free.
 * Every function that writes one first empties it, so a buffer can be reused. After a successful
 * call data is non-NULL and NUL-terminated (also when len is 0); after a failed one len is 0.
 */
typedef struct auth_sigv4_buf {
  char *data; /* owned */
  size_t len;
  size_t cap;
} auth_sigv4_buf;

void auth_sigv4_buf_free(auth_sigv4_buf *b);

/* One HTTP header as received or about to be sent. Names are matched case-insensitively. */
typedef struct auth_sigv4_header {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
} auth_sigv4_header;

/* The parts of an HTTP request that SigV4 covers. */
typedef struct auth_sigv4_request {
  const char *method; /* "POST"; NUL-terminated */
  const char *path;   /* raw path from the request line, without '?query' */
  size_t path_len;
  const char *query; /* raw query string without the '?'; NULL or "" for none */
  size_t query_len;
  const auth_sigv4_header *headers; /* every header of the request, in the order received */
  size_t n_headers;
  const uint8_t *payload; /* the exact body bytes; NULL with payload_len 0 for none */
  size_t payload_len;
} auth_sigv4_request;

/* Who signs, for what, and when. */
typedef struct auth_sigv4_params {
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL when the credentials are not temporary */
  const char *region;        /* "us-east-1" */
  const char *service;       /* "redshift-data" */
  const char *amz_date;      /* "YYYYMMDDTHHMMSSZ", exactly AUTH_SIGV4_AMZ_DATE_LEN chars */
  bool normalize_path;       /* true for every service but S3 */
} auth_sigv4_params;

/*
 * The canonical request (step 1). signed_headers is the ';'-separated, lower-case, sorted list
 * of header names to include ("content-type;host;x-amz-date"); NULL means every header of req.
 * A listed header that req does not carry is AUTH_SIGV4_EINVAL. Repeated headers are joined
 * with ',' in received order; values are trimmed and inner runs of spaces folded to one.
 * Path segments and query names/values are URI-encoded once: valid %XX escapes in the input are
 * decoded first, so already-encoded input is not encoded again (as the test suite expects). AWS
 * SDKs encode a non-S3 path a second time, so a path holding '%' signs differently from them;
 * the Data API's path is always "/". Inputs (path, query) longer than AUTH_SIGV4_MAX_OUTPUT are
 * AUTH_SIGV4_ETOOBIG.
 */
AUTH_SIGV4_MUSTCHECK auth_sigv4_rc auth_sigv4_canonical_request(const auth_sigv4_request *req,
                                                                const char *signed_headers,
                                                                bool normalize_path,
                                                                auth_sigv4_buf *out);

/* The sorted ';'-separated list of every header name in req, lower case, without duplicates. */
AUTH_SIGV4_MUSTCHECK auth_sigv4_rc auth_sigv4_signed_header_list(const auth_sigv4_request *req,
                                                                 auth_sigv4_buf *out);

/* The string to sign (step 2) for a canonical request. */
AUTH_SIGV4_MUSTCHECK auth_sigv4_rc auth_sigv4_string_to_sign(const char *canonical_request,
                                                             size_t canonical_request_len,
                                                             const auth_sigv4_params *p,
                                                             auth_sigv4_buf *out);

/*
 * The signature (steps 3-4) of req restricted to signed_headers (NULL: all of them), as 64
 * lower-case hex characters plus a NUL. When canonical_out / sts_out are not NULL they receive
 * the canonical request and string to sign, which the emulator quotes in its error message the
 * way AWS does.
 */
AUTH_SIGV4_MUSTCHECK auth_sigv4_rc auth_sigv4_signature(const auth_sigv4_request *req,
                                                        const char *signed_headers,
                                                        const auth_sigv4_params *p,
                                                        char signature_hex[AUTH_SIGV4_HEX_LEN + 1],
                                                        auth_sigv4_buf *canonical_out,
                                                        auth_sigv4_buf *sts_out);

/*
 * The whole Authorization header value (step 5) signing every header of req:
 * "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
 *  SignedHeaders=host;x-amz-date, Signature=<hex>". The caller adds X-Amz-Date (and
 * X-Amz-Security-Token for temporary credentials) to req's headers before calling, so that they
 * are signed; this function never invents headers. When p->session_token is set, a request without
 * an X-Amz-Security-Token of exactly that value is AUTH_SIGV4_EINVAL: temporary credentials whose
 * token is not signed along would only be refused by AWS later, with a less telling error.
 */
AUTH_SIGV4_MUSTCHECK auth_sigv4_rc auth_sigv4_authorization(const auth_sigv4_request *req,
                                                            const auth_sigv4_params *p,
                                                            auth_sigv4_buf *out);

/* Lower-case hex SHA-256 of data, for X-Amz-Content-Sha256 and payload hashes. */
AUTH_SIGV4_MUSTCHECK auth_sigv4_rc auth_sigv4_sha256_hex(const void *data, size_t len,
                                                         char hex[AUTH_SIGV4_HEX_LEN + 1]);

/*
 * Formats a Unix time as X-Amz-Date ("YYYYMMDDTHHMMSSZ", UTC, proleptic Gregorian). False, with
 * out set to "", when the year falls outside 0000-9999 and so does not fit the format.
 */
AUTH_SIGV4_MUSTCHECK bool auth_sigv4_format_amz_date(int64_t unix_seconds,
                                                     char out[AUTH_SIGV4_AMZ_DATE_LEN + 1]);

/*
 * Parses an X-Amz-Date; false when it is not exactly "YYYYMMDDTHHMMSSZ" with valid fields
 * (month 01-12, a day that exists in that month, hour 00-23, minute and second 00-59).
 */
AUTH_SIGV4_MUSTCHECK bool auth_sigv4_parse_amz_date(const char *s, size_t len,
                                                    int64_t *unix_seconds);

/*
 * A parsed Authorization header: "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
 * Signature=...". Members are views into the parsed string (borrowed; valid while it lives),
 * not NUL-terminated.
 */
typedef struct auth_sigv4_authz {
  const char *access_key_id;
  size_t access_key_id_len;
  const char *date; /* "YYYYMMDD" of the credential scope */
  size_t date_len;
  const char *region;
  size_t region_len;
  const char *service;
  size_t service_len;
  const char *signed_headers;
  size_t signed_headers_len;
  const char *signature;
  size_t signature_len;
  /* On failure: the piece of the value the error is about (see auth_sigv4_parse_authorization),
   * or NULL. */
  const char *detail;
  size_t detail_len;
} auth_sigv4_authz;

/*
 * Parses an Authorization header value. Parameters may be separated by ',' and/or spaces; unknown
 * parameters are ignored. On failure returns AUTH_SIGV4_EINVAL and sets *why to a static sentence
 * in AWS's words for IncompleteSignatureException, e.g. "Authorization header requires 'Credential'
 * parameter.", and out->detail to the offending piece when the sentence needs one. The messages
 * AWS sends, which the emulator rebuilds from why and detail:
 *   missing or empty parameters, one sentence per missing one, in the order Credential,
 *   Signature, SignedHeaders (why holds all of them), then AWS appends the missing-date sentence
 *   (AUTH_SIGV4_MSG_MISSING_DATE) when the request has neither header, then
 *   " Authorization=<value>";
 *   "'<detail>' not a valid key=value pair (missing equal-sign) in Authorization header:
 *   '<value>'." (why: "not a valid key=value pair (missing equal-sign) in Authorization header");
 *   "Credential must have exactly 5 slash-delimited elements, e.g.
 *   keyid/date/region/service/term, got '<detail>'" (why: the part before ", got");
 *   "Credential should be scoped with a valid terminator: 'aws4_request', not '<detail>'. "
 *   (why: the part before " '<detail>'"; this wording is modelled on AWS's confirmed "Credential
 *   should be scoped to correct service: '...'. " and is not itself confirmed).
 * A repeated parameter is rejected with why "Authorization header has a repeated parameter."
 * (redwire's wording; AWS's is unknown) and detail naming it.
 * A value whose scheme is not AWS4-HMAC-SHA256 (a SigV2 "AWS key:sig" header, a bearer token) is
 * reported as missing all three parameters, as AWS does.
 */
AUTH_SIGV4_MUSTCHECK auth_sigv4_rc auth_sigv4_parse_authorization(const char *value, size_t len,
                                                                  auth_sigv4_authz *out,
                                                                  const char **why);

/* AWS's sentence for a signed request that carries neither X-Amz-Date nor Date. */
#define AUTH_SIGV4_MSG_MISSING_DATE                                                                \
  "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."

/*
 * Constant-time comparison of the first len bytes of two signatures; false on any difference or
 * when either pointer is NULL. The caller compares lengths first (a length is not a secret).
 */
AUTH_SIGV4_MUSTCHECK bool auth_sigv4_signature_equal(const char *a, const char *b, size_t len);

#endif
