/* px_userlist.h — auth_mode = userlist: clients log in with SCRAM-SHA-256 or MD5 against the
 * users of auth_file (PgBouncer's format, auth/auth_userlist.h); statements then run with
 * redwire's own AWS identity, as the user's db_user or secret_arn when the file maps one.
 *
 * Method per user: a SCRAM verifier gets SCRAM-SHA-256, an md5 hash gets MD5, a plain-text
 * password gets SCRAM-SHA-256 (a verifier is derived for the login). An unknown user goes
 * through a SCRAM exchange against a random verifier and fails at the proof like a wrong
 * password, so a client cannot tell which names exist (as PostgreSQL does).
 */
#ifndef PX_USERLIST_H
#define PX_USERLIST_H

#include <stddef.h>

#include "auth_userlist.h"
#include "pgw_decode.h"
#include "px_server.h"
#include "px_status.h"

/* Reads and parses path into *out (zeroed on failure); *n_plain counts plain-text passwords.
 * On failure why names the file, line and problem. */
PX_MUSTCHECK px_status px_userlist_load(const char *path, auth_userlist *out, size_t *n_plain,
                                        char *why, size_t why_cap);

/* Sends the authentication request for c->user and moves c to PX_CONN_AUTH. */
void px_userlist_begin(px_conn *c);

/* One message of the exchange (state PX_CONN_AUTH). Ends in login or a FATAL 28P01/08P01. */
void px_userlist_on_message(px_conn *c, const pgw_msg *m);

/* Wipes and frees the exchange state of c (no-op when none). */
void px_userlist_free(px_conn *c);

#endif
