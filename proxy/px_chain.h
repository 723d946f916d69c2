/*
 * px_chain.h — redwire's own AWS identity (auth_mode = trust and userlist): the credential chain
 * of DESIGN §4 run on the loop, with asynchronous refresh of temporary credentials.
 *
 * At start the first source that applies is chosen, in the AWS SDKs' order (auth/auth_chain.h):
 * [aws] keys, environment keys, web identity (STS AssumeRoleWithWebIdentity), the shared files'
 * profile (static keys, credential_process, role_arn + source_profile / credential_source via STS
 * AssumeRole, web_identity_token_file), the container credentials endpoint, IMDSv2. That source
 * is kept for every refresh, as the SDKs do. Everything is asynchronous: STS, container and IMDS
 * calls go through the Data API engine (dataapi/dapi_sts, dapi_http), credential_process runs
 * with uv_spawn (30 s timeout, 64 KiB output cap).
 *
 * Temporary credentials are refreshed before they expire (5 minutes before, or at 80% of the
 * remaining lifetime when shorter). A failed refresh keeps the credentials in use until they
 * expire, logs why (never a secret) and retries with backoff (1 s doubling to 60 s, never past
 * the expiry). Connections that sign with this identity (px_conn.own_identity) read the current
 * credentials at every Data API call, so a long session survives any number of rotations.
 *
 * The source is chosen from the settings and environment at start; a SIGHUP reload does not
 * change redwire's own identity (restart redwire for that).
 *
 * Lifetime: created by px_server_start (not for auth_mode = iam), stopped by the server's
 * shutdown before the Data API engine closes (px_chain_stop cancels calls, timers and the
 * process, closing its handles), freed by px_server_cleanup after the loop ended.
 */
#ifndef PX_CHAIN_H
#define PX_CHAIN_H

#include "px_auth.h"
#include "px_status.h"

typedef struct px_chain px_chain;
typedef struct px_server px_server;
typedef struct px_conn px_conn;

/* Chooses the source and starts resolving (the result is logged). PX_NOMEM only: a chain
 * without any source still exists and fails logins with its reason. */
PX_MUSTCHECK px_status px_chain_start(px_server *srv, px_chain **out);

/* Cancels calls, timers and a running process; idempotent. Waiting logins fail. */
void px_chain_stop(px_chain *ch);

/* Frees the chain; only after px_chain_stop and once the loop ran the close callbacks. */
void px_chain_free(px_chain *ch);

/* The credentials to sign with now, or NULL (none yet, or expired). Borrowed: valid until the
 * loop runs again. */
const px_creds *px_chain_creds(px_chain *ch);

/* Logs c in with redwire's identity: at once when credentials are there, after the first
 * resolution when it is still running (c->auth_pending meanwhile), else FATAL 28000 with the
 * chain's last error. */
void px_chain_login(px_conn *c);

#endif
