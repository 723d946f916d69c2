/*
 * auth_md5.h — PostgreSQL's MD5 password authentication, as pure functions.
 *
 * PostgreSQL stores "md5" + hex(md5(password || username)). At login it sends a 4-byte random
 * salt in AuthenticationMD5Password and the client answers (PasswordMessage) with
 * "md5" + hex(md5(hex(md5(password || username)) || salt)): the 32 hex digits of the stored hash,
 * without the "md5" prefix, followed by the 4 raw salt bytes.
 *
 * A user whose stored secret is a SCRAM verifier cannot log in with MD5 (the verifier does not
 * contain md5(password || username)); auth_md5_verify says so with its own status so the proxy
 * can log a precise reason while telling the client only "password authentication failed".
 *
 * Ownership: all pointers are borrowed for the duration of the call.
 */
#ifndef REDWIRE_AUTH_MD5_H
#define REDWIRE_AUTH_MD5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_MD5_MUSTCHECK __attribute__((warn_unused_result))

/* "md5" followed by 32 lower-case hex digits. */
#define AUTH_MD5_HASH_LEN 35
#define AUTH_MD5_SALT_LEN 4

typedef enum auth_md5_rc {
  AUTH_MD5_OK = 0,
  AUTH_MD5_EPASSWORD, /* the response does not match: wrong password */
  AUTH_MD5_ESCRAM,    /* the stored secret is a SCRAM verifier; MD5 login is impossible */
  AUTH_MD5_ESTORED,   /* the stored secret starts with "md5" and is 35 bytes but is not hex */
  AUTH_MD5_ERESPONSE, /* the client's answer is not "md5" + 32 hex digits */
  AUTH_MD5_EINVAL,    /* bad argument: NULL pointer, empty user name, NUL inside a string */
  AUTH_MD5_ECRYPTO,   /* OpenSSL refused the MD5 digest (e.g. a FIPS-only provider) */
} auth_md5_rc;

/* A sentence fit for a log line or the M field of an ErrorResponse. */
const char *auth_md5_strerror(auth_md5_rc rc);

/* "28P01" for EPASSWORD/ESCRAM/ESTORED/ERESPONSE (like PostgreSQL, any failed login), "XX000"
 * for internal failures. */
const char *auth_md5_sqlstate(auth_md5_rc rc);

/* True when s[0..len) is "md5" followed by exactly 32 hex digits (either case, as PostgreSQL's
 * isxdigit check accepts). */
bool auth_md5_is_hash(const char *s, size_t len);

/* out = "md5" + hex(md5(password || user)) + NUL: what PostgreSQL stores for the role. */
AUTH_MD5_MUSTCHECK auth_md5_rc auth_md5_hash_password(const char *user, size_t user_len,
                                                      const char *password, size_t password_len,
                                                      char out[AUTH_MD5_HASH_LEN + 1]);

/* out = "md5" + hex(md5(stored_hash[3..35) || salt)) + NUL: the client's expected answer for a
 * stored hash (auth_md5_is_hash must hold for it). */
AUTH_MD5_MUSTCHECK auth_md5_rc auth_md5_salted_response(const char *stored_hash,
                                                        size_t stored_hash_len,
                                                        const uint8_t salt[AUTH_MD5_SALT_LEN],
                                                        char out[AUTH_MD5_HASH_LEN + 1]);

/*
 * Checks a client's PasswordMessage answer (without the trailing NUL) against the stored secret
 * of user for the salt that was sent. The stored secret may be an md5 hash, a SCRAM verifier
 * (AUTH_MD5_ESCRAM) or a plain-text password (PgBouncer's auth_file allows it: the hash is
 * computed from it and user). Comparison is constant-time.
 */
AUTH_MD5_MUSTCHECK auth_md5_rc auth_md5_verify(const char *stored, size_t stored_len,
                                               const char *user, size_t user_len,
                                               const uint8_t salt[AUTH_MD5_SALT_LEN],
                                               const char *response, size_t response_len);

#endif
