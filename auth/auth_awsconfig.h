/*
 * auth_awsconfig.h — the pure (no I/O, no clock, no getenv) parts of redwire's AWS credential
 * chain: the shared `config` / `credentials` file parser, profile resolution into a plan of what
 * the chain must do next, and the JSON credential documents returned by credential_process, the
 * container credentials endpoint and IMDS.
 *
 * References (AWS SDKs and Tools Reference Guide):
 *  - File format:   https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
 *  - File location: https://docs.aws.amazon.com/sdkref/latest/guide/file-location.html
 *                   (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, ~ resolved with HOME)
 *  - Assume role:
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-assume-role-credentials.html
 *  - Process: https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html
 *
 * Secrets: every value read from a file or a JSON document is owned by the structure holding it
 * and wiped with OPENSSL_cleanse when that structure is freed. Error messages name the file, line
 * and key, never a value.
 */
#ifndef REDWIRE_AUTH_AWSCONFIG_H
#define REDWIRE_AUTH_AWSCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_AWSCFG_MUSTCHECK __attribute__((warn_unused_result))

/* Larger shared files or JSON documents are refused: both are small in practice. */
#define AUTH_AWSCFG_MAX_FILE (1u << 20)
#define AUTH_AWSCFG_MAX_JSON (64u << 10)
/* Longest source_profile chain followed (number of roles to assume). */
#define AUTH_AWSCFG_MAX_ROLE_CHAIN 8

typedef enum auth_awscfg_rc {
  AUTH_AWSCFG_OK = 0,
  AUTH_AWSCFG_ENOMEM,       /* allocation failed */
  AUTH_AWSCFG_ETOOBIG,      /* input above AUTH_AWSCFG_MAX_FILE / AUTH_AWSCFG_MAX_JSON */
  AUTH_AWSCFG_ESYNTAX,      /* malformed file or JSON */
  AUTH_AWSCFG_EINVAL,       /* well-formed but invalid: missing member, bad value, cycle */
  AUTH_AWSCFG_ENOTFOUND,    /* explicitly selected profile exists in neither file */
  AUTH_AWSCFG_EUNSUPPORTED, /* valid for the SDKs, but not something redwire can do (SSO, MFA) */
} auth_awscfg_rc;

const char *auth_awscfg_strerror(auth_awscfg_rc rc);

/* Human-readable detail of the last failure; never contains a secret. err may be NULL. */
typedef struct auth_awscfg_err {
  char msg[256];
} auth_awscfg_err;

/* ---------------------------------------------------------------------------------------------
 * 1. Shared files
 */

typedef enum auth_awscfg_kind {
  AUTH_AWSCFG_CONFIG,      /* ~/.aws/config: [default], [profile name], other sections skipped */
  AUTH_AWSCFG_CREDENTIALS, /* ~/.aws/credentials: [name] */
} auth_awscfg_kind;

typedef struct auth_awscfg_prop {
  char *key;   /* owned; lower-cased */
  char *value; /* owned; wiped when freed */
} auth_awscfg_prop;

typedef struct auth_awscfg_profile {
  char *name; /* owned */
  /* Config file only: true for "[default]", false for "[profile default]"; the latter wins. */
  bool bare_default;
  auth_awscfg_prop *props; /* owned array of n_props */
  size_t n_props;
  size_t cap_props;
} auth_awscfg_profile;

typedef struct auth_awscfg_file {
  auth_awscfg_kind kind;
  auth_awscfg_profile *profiles; /* owned array of n_profiles */
  size_t n_profiles;
  size_t cap_profiles;
} auth_awscfg_file;

/*
 * Parses one whole file from buf[0..len) (need not be NUL-terminated). label ("/root/.aws/config",
 * borrowed for the call) prefixes error messages; NULL means "config" / "credentials". On failure
 * *out is left empty (nothing to free, though freeing it is harmless).
 */
AUTH_AWSCFG_MUSTCHECK auth_awscfg_rc auth_awscfg_parse(auth_awscfg_file *out, auth_awscfg_kind kind,
                                                       const char *label, const char *buf,
                                                       size_t len, auth_awscfg_err *err);
void auth_awscfg_file_free(auth_awscfg_file *f);

/* The profile called name, or NULL. In a config file "[profile default]" beats "[default]". */
const auth_awscfg_profile *auth_awscfg_find_profile(const auth_awscfg_file *f, const char *name);
/* Value of key (matched case-insensitively) in p, or NULL. Borrowed; valid until p is freed. */
const char *auth_awscfg_get(const auth_awscfg_profile *p, const char *key);

/* ---------------------------------------------------------------------------------------------
 * 2. Environment and profile resolution
 */

/* What the environment says about the shared files. All strings owned. */
typedef struct auth_awscfg_env {
  char *config_path;      /* AWS_CONFIG_FILE or ~/.aws/config; NULL when HOME is needed but unset */
  char *credentials_path; /* AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials; NULL likewise */
  char *profile;          /* AWS_PROFILE, or "default" */
  bool profile_explicit;  /* AWS_PROFILE was set (non-empty): a missing profile is an error */
} auth_awscfg_env;

/* envp: NULL-terminated "NAME=value" array (borrowed), as main's third argument or environ. */
AUTH_AWSCFG_MUSTCHECK auth_awscfg_rc auth_awscfg_env_read(const char *const *envp,
                                                          auth_awscfg_env *out,
                                                          auth_awscfg_err *err);
void auth_awscfg_env_free(auth_awscfg_env *e);

typedef enum auth_awscfg_plan_kind {
  AUTH_AWSCFG_PLAN_NONE,         /* the profile yields no credentials: the chain moves on */
  AUTH_AWSCFG_PLAN_STATIC,       /* use base.static_creds */
  AUTH_AWSCFG_PLAN_ASSUME_ROLE,  /* obtain the base credentials, then assume roles[0..n) */
  AUTH_AWSCFG_PLAN_WEB_IDENTITY, /* AssumeRoleWithWebIdentity with base.web_identity */
  AUTH_AWSCFG_PLAN_PROCESS,      /* run base.process_command, parse its output */
} auth_awscfg_plan_kind;

/* Where an assume-role chain gets its first credentials. */
typedef enum auth_awscfg_base_kind {
  AUTH_AWSCFG_BASE_NONE,
  AUTH_AWSCFG_BASE_STATIC,
  AUTH_AWSCFG_BASE_WEB_IDENTITY,
  AUTH_AWSCFG_BASE_PROCESS,
  AUTH_AWSCFG_BASE_ENVIRONMENT, /* credential_source = Environment */
  AUTH_AWSCFG_BASE_IMDS,        /* credential_source = Ec2InstanceMetadata */
  AUTH_AWSCFG_BASE_ECS,         /* credential_source = EcsContainer */
} auth_awscfg_base_kind;

/* Credentials; all strings owned and wiped when freed. */
typedef struct auth_awscfg_creds {
  char *access_key_id;
  char *secret_access_key;
  char *session_token; /* NULL for long-term keys */
  bool has_expiration;
  int64_t expiration; /* unix seconds, when has_expiration */
} auth_awscfg_creds;

void auth_awscfg_creds_free(auth_awscfg_creds *c);

/* One role to assume. All strings owned. */
typedef struct auth_awscfg_role {
  char *profile;             /* the profile that named the role, for messages */
  char *role_arn;            /* never NULL */
  char *external_id;         /* NULL when unset */
  char *role_session_name;   /* NULL when unset: the chain picks one */
  uint32_t duration_seconds; /* 0 when unset; otherwise 900..43200 */
} auth_awscfg_role;

typedef struct auth_awscfg_plan {
  auth_awscfg_plan_kind kind;
  char *profile; /* owned: the selected profile */
  char *region;  /* owned: the selected profile's region, NULL when unset */
  struct {
    auth_awscfg_base_kind kind;
    auth_awscfg_creds static_creds;     /* BASE_STATIC */
    char *process_command;              /* BASE_PROCESS; owned */
    char *web_identity_token_file;      /* BASE_WEB_IDENTITY; owned */
    auth_awscfg_role web_identity_role; /* BASE_WEB_IDENTITY */
  } base;
  /* Roles to assume in order, starting from the base credentials; the last one is the selected
   * profile's role. */
  auth_awscfg_role roles[AUTH_AWSCFG_MAX_ROLE_CHAIN];
  size_t n_roles;
} auth_awscfg_plan;

/*
 * Resolves profile against the two parsed files (either may be NULL when absent). For each key the
 * credentials file's profile is consulted before the config file's. Within a profile the order is
 * (as botocore's provider order): role_arn + source_profile or credential_source, then role_arn +
 * web_identity_token_file, then static keys, then credential_process. When the profile is in
 * neither file the result is PLAN_NONE, or ENOTFOUND if profile_explicit. On failure *out is left
 * empty.
 */
AUTH_AWSCFG_MUSTCHECK auth_awscfg_rc auth_awscfg_resolve(const auth_awscfg_file *config,
                                                         const auth_awscfg_file *credentials,
                                                         const char *profile, bool profile_explicit,
                                                         auth_awscfg_plan *out,
                                                         auth_awscfg_err *err);
void auth_awscfg_plan_free(auth_awscfg_plan *p);

/* ---------------------------------------------------------------------------------------------
 * 3. JSON credential documents
 */

typedef enum auth_awscfg_json_kind {
  /* {"Version":1,"AccessKeyId","SecretAccessKey"[,"SessionToken"][,"Expiration"]} */
  AUTH_AWSCFG_JSON_PROCESS,
  /* {"AccessKeyId","SecretAccessKey","Token","Expiration"} */
  AUTH_AWSCFG_JSON_CONTAINER,
  /* {"Code":"Success","AccessKeyId","SecretAccessKey","Token","Expiration",...} */
  AUTH_AWSCFG_JSON_IMDS,
} auth_awscfg_json_kind;

/* Parses buf[0..len). On failure *out is left empty. */
AUTH_AWSCFG_MUSTCHECK auth_awscfg_rc auth_awscfg_parse_creds_json(auth_awscfg_json_kind kind,
                                                                  const char *buf, size_t len,
                                                                  auth_awscfg_creds *out,
                                                                  auth_awscfg_err *err);

/* ISO-8601 / RFC 3339 instant "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" → unix seconds. */
AUTH_AWSCFG_MUSTCHECK auth_awscfg_rc auth_awscfg_parse_time(const char *s, size_t len,
                                                            int64_t *out);

#endif
