/*
 * auth_userlist.h — parser for the user file of auth_mode = userlist, in PgBouncer's auth_file
 * format, as a pure function over a buffer (the caller reads the file).
 *
 * Format (PgBouncer's, https://www.pgbouncer.org/config.html#authentication-file-format):
 *   "username" "secret"
 * one user per line; every field is enclosed in double quotes and a double quote inside a field
 * is written twice (""). Blank lines and lines whose first non-blank character is ';' or '#' are
 * ignored (PgBouncer documents ';'; '#' is accepted too). The secret is a SCRAM-SHA-256 verifier,
 * an md5 hash ("md5" + 32 hex digits) or a plain-text password.
 *
 * redwire's extension: an optional third quoted field maps the user to the Redshift identity the
 * proxy runs its statements as:
 *   "alice" "SCRAM-SHA-256$4096:...$...:..." "db_user=analyst"
 *   "bob"   "md5..."                            "secret_arn=arn:aws:secretsmanager:...:secret:x"
 * Unlike PgBouncer, which ignores anything after the second field, redwire refuses any other
 * content after the second field (a fourth field, an unknown key, unquoted text): a mistyped
 * mapping must not silently log a user in as the proxy's own identity.
 *
 * Errors refused with a line number: a field not starting or ending with '"' on its line, an
 * empty user name or secret, a NUL byte, a field longer than its limit, a secret that starts with
 * "SCRAM-SHA-256$" but is not a valid verifier or that is "md5" + 32 characters that are not hex
 * (PostgreSQL would treat both as plain text; here they are almost surely damaged hashes), a
 * mapping that is not db_user=/secret_arn= with a non-empty value, and a user listed twice.
 * Plain-text secrets are accepted, as PgBouncer does, and flagged so that the caller can warn.
 */
#ifndef REDWIRE_AUTH_USERLIST_H
#define REDWIRE_AUTH_USERLIST_H

#include <stdbool.h>
#include <stddef.h>

#define AUTH_USERLIST_MUSTCHECK __attribute__((warn_unused_result))

/* Limits, in bytes, after un-escaping "". Redshift user names are at most 127 bytes; ARNs of
 * Secrets Manager secrets are well under 2048. */
#define AUTH_USERLIST_MAX_NAME   128
#define AUTH_USERLIST_MAX_SECRET 1024
#define AUTH_USERLIST_MAX_MAP    2048
/* The whole file: anything larger is refused rather than parsed. */
#define AUTH_USERLIST_MAX_FILE (16u << 20)

typedef enum auth_userlist_rc {
  AUTH_USERLIST_OK = 0,
  AUTH_USERLIST_ESYNTAX,    /* malformed line; see the error's line and message */
  AUTH_USERLIST_EDUPLICATE, /* the same user name appears twice */
  AUTH_USERLIST_ETOOBIG,    /* the buffer exceeds AUTH_USERLIST_MAX_FILE */
  AUTH_USERLIST_ENOMEM,     /* allocation failed */
  AUTH_USERLIST_EINVAL,     /* NULL argument */
} auth_userlist_rc;

const char *auth_userlist_strerror(auth_userlist_rc rc);

typedef enum auth_userlist_secret_kind {
  AUTH_USERLIST_SCRAM = 0, /* a valid SCRAM-SHA-256 verifier */
  AUTH_USERLIST_MD5,       /* "md5" + 32 hex digits */
  AUTH_USERLIST_PLAIN,     /* plain-text password: allowed, but the caller should warn */
} auth_userlist_secret_kind;

typedef enum auth_userlist_map_kind {
  AUTH_USERLIST_MAP_NONE = 0,   /* run as the proxy's configured identity */
  AUTH_USERLIST_MAP_DB_USER,    /* "db_user=NAME": Data API DbUser */
  AUTH_USERLIST_MAP_SECRET_ARN, /* "secret_arn=ARN": Data API SecretArn */
} auth_userlist_map_kind;

typedef struct auth_userlist_entry {
  char *name; /* owned by the list; NUL-terminated, no NUL inside */
  size_t name_len;
  char *secret; /* owned by the list; NUL-terminated */
  size_t secret_len;
  auth_userlist_secret_kind kind;
  auth_userlist_map_kind map;
  char *map_value; /* owned by the list; NULL when map is AUTH_USERLIST_MAP_NONE */
  unsigned line;   /* 1-based line of the file, for messages */
} auth_userlist_entry;

/* The parsed file. Zero-initialise; free with auth_userlist_free. Entries are sorted by name. */
typedef struct auth_userlist {
  auth_userlist_entry *entries; /* owned */
  size_t n;
} auth_userlist;

/* Where and why parsing failed. message is a NUL-terminated sentence without the line number. */
typedef struct auth_userlist_error {
  unsigned line; /* 1-based; 0 when the error is not about a line */
  char message[160];
} auth_userlist_error;

/*
 * Parses buf[0..len) into out (which must be zero-initialised or freed). On failure out is left
 * empty and err (if not NULL) says where and why. Line endings may be "\n" or "\r\n".
 */
AUTH_USERLIST_MUSTCHECK auth_userlist_rc auth_userlist_parse(const char *buf, size_t len,
                                                             auth_userlist *out,
                                                             auth_userlist_error *err);

/* The entry for a user name (exact, case-sensitive, as PostgreSQL role names), or NULL. The
 * returned pointer is borrowed from list and valid until auth_userlist_free. */
const auth_userlist_entry *auth_userlist_find(const auth_userlist *list, const char *name,
                                              size_t name_len);

/* Frees every entry (wiping secrets) and empties the list. */
void auth_userlist_free(auth_userlist *list);

#endif
