/* conf.h — redwire's configuration: INI file + environment + command line → one immutable value.
 *
 * conf_load() builds a conf_settings from, in increasing precedence, built-in defaults, the
 * config file (-c FILE, with %include), the environment (passed in, never read with getenv) and
 * the command line. The result is a plain struct, fully populated; nothing in it changes after
 * conf_load returns. Reloading (SIGHUP) means calling conf_load again and swapping values.
 *
 * conf/ depends on libc only and keeps no global state: every call is independent.
 */
#ifndef CONF_H
#define CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONF_MUSTCHECK __attribute__((warn_unused_result))

#define CONF_RC_MAP(XX)                                                                            \
  XX(OK, "success")                                                                                \
  XX(EINVAL, "invalid configuration")                                                              \
  XX(ETOOBIG, "output buffer too small")                                                           \
  XX(ENOMEM, "out of memory")

typedef enum {
#define XX(code, text) CONF_##code,
  CONF_RC_MAP(XX)
#undef XX
} conf_rc;

/* Returns a static description; never NULL. */
const char *conf_strerror(conf_rc rc);

/* ---- Diagnostics ------------------------------------------------------------------------------
 * conf_load collects every problem it finds (up to CONF_DIAG_MAX) instead of stopping at the
 * first, so one --check-config run shows them all. Each text is one line, ready to print, that
 * names where the bad value came from: "redwire.ini:12: [aws] wait_time_seconds = 45: must be
 * between 1 and 30", "environment REDWIRE_LISTEN_PORT=abc: not a number", "--set aws.region=...".
 */
#define CONF_DIAG_MAX      50
#define CONF_DIAG_TEXT_MAX 512

typedef enum {
  CONF_DIAG_ERROR,  /* the configuration is rejected */
  CONF_DIAG_WARNING /* accepted, but probably not what the operator meant */
} conf_diag_kind;

typedef struct conf_diag {
  conf_diag_kind kind;
  char text[CONF_DIAG_TEXT_MAX]; /* NUL-terminated, printable ASCII/UTF-8, no newline */
} conf_diag;

typedef struct conf_diags {
  conf_diag items[CONF_DIAG_MAX];
  size_t count;    /* used entries of items */
  size_t errors;   /* errors seen, including dropped ones */
  size_t warnings; /* warnings seen, including dropped ones */
  size_t dropped;  /* diagnostics that did not fit in items */
} conf_diags;

void conf_diags_init(conf_diags *d);

/* ---- Settings --------------------------------------------------------------------------------
 * Every string member is owned by the conf_settings value, never NULL, and "" when unset.
 * Durations are in milliseconds whatever unit the file used; sizes are in bytes.
 */
typedef enum { CONF_LOG_ERROR, CONF_LOG_WARNING, CONF_LOG_INFO, CONF_LOG_DEBUG } conf_log_level;

/* Client-side TLS policy, named and ordered like PostgreSQL's/PgBouncer's sslmode. */
typedef enum {
  CONF_SSLMODE_DISABLE,    /* no TLS: SSLRequest is answered 'N' */
  CONF_SSLMODE_ALLOW,      /* TLS if the client asks */
  CONF_SSLMODE_PREFER,     /* same as allow on the server side */
  CONF_SSLMODE_REQUIRE,    /* clients must use TLS */
  CONF_SSLMODE_VERIFY_CA,  /* TLS plus a client certificate signed by client_tls_ca_file */
  CONF_SSLMODE_VERIFY_FULL /* as verify-ca, and the certificate's name must match the user */
} conf_sslmode;

typedef enum {
  CONF_AUTH_IAM,      /* user = access key id, password = secret key (DESIGN §4) */
  CONF_AUTH_USERLIST, /* SCRAM against auth_file; redwire's own identity calls AWS */
  CONF_AUTH_TRUST     /* no password; local development only */
} conf_auth_mode;

/* Bits of conf_redwire.client_tls_protocols. */
#define CONF_TLS_V1_2 0x1u
#define CONF_TLS_V1_3 0x2u

typedef struct conf_redwire {
  char *listen_addr;
  int64_t listen_port;
  char *unix_socket_dir; /* "" = no Unix socket */
  int64_t max_client_conn;
  char *server_version; /* ParameterStatus server_version */
  char *padb_version;   /* ParameterStatus padb_version (Redshift's build) */
  int64_t max_message_size;
  int64_t client_output_high_water; /* bytes queued to a client before production pauses */
  int64_t client_output_low_water;  /* ... and resumes */
  int64_t statement_timeout_ms;     /* 0 = none */
  int64_t client_idle_timeout_ms;   /* 0 = none */
  int64_t idle_transaction_timeout_ms;
  int64_t shutdown_timeout_ms;
  int64_t stats_period_ms;
  conf_log_level log_level;
  char *log_file; /* "" = stderr */
  char *pid_file; /* "" = none */
  conf_sslmode client_tls_sslmode;
  char *client_tls_cert_file;
  char *client_tls_key_file;
  char *client_tls_ca_file;
  unsigned client_tls_protocols; /* CONF_TLS_* bits, never 0 */
  char *client_tls_ciphers;      /* OpenSSL cipher list for TLS <= 1.2 */
  conf_auth_mode auth_mode;
  char *auth_file; /* PgBouncer auth_file format */
  bool allow_cleartext_without_tls;
  int64_t iam_check_cache_seconds;
  bool iam_key_check; /* auth_mode = iam: GetCallerIdentity with the client's keys at login */
} conf_redwire;

typedef struct conf_aws {
  char *region;   /* "" only when every [databases] entry names its own region */
  char *endpoint; /* "" = AWS's endpoint for the region (conf_endpoint_for) */
  bool use_fips;
  bool use_dualstack;
  int64_t wait_time_seconds;
  int64_t poll_initial_ms;
  int64_t poll_max_ms;
  double poll_multiplier;
  int64_t max_attempts;
  int64_t retry_base_ms;
  int64_t retry_max_ms;
  int64_t throttle_base_ms;
  int64_t retry_budget;
  int64_t session_keepalive_seconds;
  int64_t connect_timeout_ms;
  int64_t request_timeout_ms;
  int64_t max_response_page_bytes;
  /* redwire's own identity (auth_mode = userlist); "" = use the rest of the credential chain. */
  char *access_key_id;
  char *secret_access_key;
  char *session_token;
  char *profile;
  char *role_arn;
  char *web_identity_token_file;
  char *sts_endpoint; /* "" = AWS's regional STS endpoint (conf_sts_endpoint_for) */
} conf_aws;

typedef enum { CONF_TARGET_WORKGROUP, CONF_TARGET_CLUSTER } conf_target_kind;

/* One [databases] line: which Redshift database a client's database name maps to. */
typedef struct conf_database {
  char *name; /* owned; client database name, or "*" for the fallback */
  conf_target_kind kind;
  char *target;     /* owned; workgroup name/ARN or cluster identifier */
  char *database;   /* owned; "" = the client's database name (only for "*") */
  char *db_user;    /* owned; "" = none (only with a cluster target) */
  char *secret_arn; /* owned; "" = none */
  char *region;     /* owned; "" = [aws] region */
} conf_database;

typedef struct conf_settings {
  char *config_file; /* owned; the -c FILE given, "" if none */
  conf_redwire redwire;
  conf_aws aws;
  conf_database *databases; /* owned array of n_databases entries, in file order */
  size_t n_databases;
} conf_settings;

/* What main should do after conf_load. */
typedef enum {
  CONF_ACTION_RUN,
  CONF_ACTION_CHECK_CONFIG, /* --check-config: report and exit */
  CONF_ACTION_HELP,         /* --help: print conf_help_text() and exit 0 */
  CONF_ACTION_VERSION       /* --version: print conf_version_text() and exit 0 */
} conf_action;

/* Builds the settings for one run.
 *
 * argv[0..argc) is main's argument vector (argv[0] is skipped); envp is a NULL-terminated
 * "NAME=VALUE" array (NULL = empty). Neither is retained. *diags must have been initialised
 * with conf_diags_init; diagnostics are appended to it.
 *
 * Returns CONF_OK with *action set; for RUN and CHECK_CONFIG *out receives a new value (owned by
 * the caller, release with conf_free), for HELP and VERSION *out is NULL. Returns CONF_EINVAL
 * when diags holds at least one error (*out NULL; *action still tells whether --check-config was
 * asked), CONF_ENOMEM on allocation failure (*out NULL). Warnings never fail the load.
 */
CONF_MUSTCHECK conf_rc conf_load(int argc, const char *const *argv, const char *const *envp,
                                 conf_settings **out, conf_action *action, conf_diags *diags);

/* Releases everything conf_load allocated; NULL is a no-op. */
void conf_free(conf_settings *s);

/* The --help text (static, ends with a newline) and "redwire VERSION". */
const char *conf_help_text(void);
const char *conf_version_text(void);

/* The [databases] entry for a client's database name: the exact name, else "*", else NULL.
 * The pointer is borrowed from s and valid until conf_free(s). */
const conf_database *conf_database_find(const conf_settings *s, const char *client_db);

/* The region a database's statements go to: its own region=, else [aws] region. Borrowed. */
const char *conf_database_region(const conf_settings *s, const conf_database *db);

/* Resolves the Data API endpoint URL like AWS's endpoint rules for redshift-data: a custom
 * endpoint verbatim (an error combined with FIPS or dual-stack), else
 * https://redshift-data[-fips].REGION.SUFFIX with SUFFIX from the region's partition (aws,
 * aws-cn, aws-us-gov, aws-iso*, aws-eusc; unknown regions fall back to aws).
 *
 * region or endpoint NULL or "" means unset. Writes a NUL-terminated URL into buf[0..cap).
 * Returns CONF_OK; CONF_EINVAL with *err set to a static message (AWS's own text where AWS has
 * one, e.g. "Invalid Configuration: Missing Region"); CONF_ETOOBIG if cap is too small.
 */
CONF_MUSTCHECK conf_rc conf_endpoint_resolve(const char *region, bool use_fips, bool use_dualstack,
                                             const char *endpoint, char *buf, size_t cap,
                                             const char **err);

/* The STS endpoint of s: [aws] sts_endpoint verbatim when set, else AWS's regional endpoint
 * https://sts[-fips].REGION.SUFFIX for [aws] region (SUFFIX from the region's partition, as for
 * redshift-data). Same return values as conf_endpoint_resolve. */
CONF_MUSTCHECK conf_rc conf_sts_endpoint_for(const conf_settings *s, char *buf, size_t cap,
                                             const char **err);

/* conf_endpoint_resolve with s's endpoint, use_fips and use_dualstack; region NULL means
 * s->aws.region. */
CONF_MUSTCHECK conf_rc conf_endpoint_for(const conf_settings *s, const char *region, char *buf,
                                         size_t cap, const char **err);

#endif
