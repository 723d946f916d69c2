/*
 * auth_chain.h — the pure part of redwire's own AWS credential chain (DESIGN §4): what the
 * settings and the environment say about each source, in the AWS SDKs' order. No I/O: the driver
 * (proxy/px_chain.c) reads the shared files, runs processes and calls endpoints.
 *
 * Order (as the SDKs' default chain, with redwire's settings first):
 *   1. [aws] access_key_id / secret_access_key / session_token
 *   2. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
 *   3. web identity: [aws] web_identity_token_file + role_arn, else AWS_WEB_IDENTITY_TOKEN_FILE +
 *      AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME)
 *   4. shared config/credentials files with the profile ([aws] profile, AWS_PROFILE, "default")
 *      — resolved by auth_awsconfig
 *   5. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2), else
 *      AWS_CONTAINER_CREDENTIALS_FULL_URI; AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, else
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN
 *   6. IMDSv2 at AWS_EC2_METADATA_SERVICE_ENDPOINT (http://169.254.169.254), unless
 *      AWS_EC2_METADATA_DISABLED=true
 * [aws] role_arn alone (without web_identity_token_file) is assumed on top of whichever source
 * supplied the credentials.
 *
 * REDWIRE_CONTAINER_CREDENTIALS_HOST (not an AWS variable; tests only) replaces 169.254.170.2 as
 * the host of a relative URI, since nothing but ECS answers on that address.
 */
#ifndef REDWIRE_AUTH_CHAIN_H
#define REDWIRE_AUTH_CHAIN_H

#include <stdbool.h>

#include "auth_awsconfig.h"

/* redwire's [aws] identity settings; borrowed; "" or NULL = unset. */
typedef struct auth_chain_settings {
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token;
  const char *role_arn;
  const char *web_identity_token_file;
} auth_chain_settings;

/* Everything sources 1-3, 5 and 6 need. Strings owned (wiped where secret). */
typedef struct auth_chain_env {
  bool has_static; /* source 1 */
  auth_awscfg_creds static_creds;
  bool has_env; /* source 2 */
  auth_awscfg_creds env_creds;
  bool has_web_identity; /* source 3 */
  char *web_identity_token_file;
  char *role_arn;
  char *role_session_name; /* NULL: the driver picks one */
  bool has_container;      /* source 5 */
  char *container_url;
  char *container_token;      /* NULL when none */
  char *container_token_file; /* NULL when none; wins over container_token */
  bool imds_enabled;          /* source 6 */
  char *imds_endpoint;        /* without trailing '/' */
  /* [aws] role_arn without [aws] web_identity_token_file: a role redwire assumes (STS
   * AssumeRole) with whatever credentials the chain found. NULL when unset. */
  char *assume_role_arn;
} auth_chain_env;

/*
 * Fills *out from settings and envp (NULL-terminated "NAME=value", borrowed). AUTH_AWSCFG_EINVAL
 * (err says why, never quoting a secret) for a half-set source — a key id without secret, a
 * token file without role — and for a full container URI that is plain http to a host other
 * than loopback or the ECS/EKS link-local addresses (the SDKs refuse those too). On failure *out
 * is left empty.
 */
AUTH_AWSCFG_MUSTCHECK auth_awscfg_rc auth_chain_env_read(const auth_chain_settings *settings,
                                                         const char *const *envp,
                                                         auth_chain_env *out, auth_awscfg_err *err);
void auth_chain_env_free(auth_chain_env *e);

/* The refresh delay (seconds) for credentials valid for `remaining` more seconds: 5 minutes
 * before expiry, or at 80% of the remaining time when that is shorter (short test expiries);
 * at least 1. */
int64_t auth_chain_refresh_delay(int64_t remaining);

/* Backoff (seconds) before retry number `failures` (1, 2, ...) of a failed refresh: 1, 2, 4, ...
 * up to 60, never past the expiry of the credentials in use (remaining seconds; <= 0 = none). */
int64_t auth_chain_retry_delay(unsigned failures, int64_t remaining);

#endif
