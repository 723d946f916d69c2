/* px_auth.h — who a client is and which AWS keys sign its Data API calls (DESIGN §4).
 *
 * auth_mode = iam: user = access key id, password = "secret" or "secret:session_token"; the keys
 * sign this connection's calls only. The password is cleartext on the wire (redwire needs the
 * secret itself to sign), so without TLS it is only asked of loopback peers unless the operator
 * allows it. auth_mode = trust: redwire's own keys from [aws] or the environment.
 *
 * Pure helpers (no I/O): unit-tested in tests/proxy/test_px_core.c.
 */
#ifndef PX_AUTH_H
#define PX_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "conf.h"
#include "pgw_error.h"
#include "px_status.h"

/* AWS credentials of one connection. Every string is owned ("" never; NULL = absent token);
 * the secret and token are wiped before they are freed. */
typedef struct px_creds {
  char *access_key_id;
  char *secret_access_key;
  char *session_token; /* NULL for permanent keys */
} px_creds;

/* Fills *out from a user name and an iam-mode password ("secret" or "secret:token"; split at
 * the first ':' — secret access keys never contain one). PX_AUTH with *err filled (28P01) when
 * the password or a part of it is empty; PX_NOMEM. *out is untouched on failure. */
PX_MUSTCHECK px_status px_creds_from_password(const char *user, const char *password,
                                              size_t password_len, px_creds *out, pgw_error *err);

/* The trust-mode identity: [aws] access_key_id/secret_access_key/session_token when set, else
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN from envp (NULL-terminated
 * "NAME=VALUE" array, borrowed). PX_AUTH when neither source has both key and secret. */
PX_MUSTCHECK px_status px_creds_from_settings(const conf_settings *s, const char *const *envp,
                                              px_creds *out);

/* Deep copy. PX_NOMEM leaves *out zeroed. */
PX_MUSTCHECK px_status px_creds_copy(const px_creds *in, px_creds *out);

/* Wipes and frees; the struct is zeroed. Safe on a zeroed value. */
void px_creds_free(px_creds *c);

/* A peer address on the loopback interface: 127.0.0.0/8, ::1, or ::ffff:127.x.y.z. */
bool px_auth_is_loopback(const struct sockaddr *sa);

/* client_encoding values a client may ask for. redwire (like Redshift) speaks UTF-8 only;
 * SQL_ASCII is accepted too because psql in the C locale sends it and ASCII is a subset of UTF-8.
 * Spelling is PostgreSQL's: case-insensitive, '-' and '_' ignored ("utf-8", "Unicode"). */
bool px_auth_client_encoding_ok(const char *value);

#endif
