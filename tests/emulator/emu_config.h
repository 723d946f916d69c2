/*
 * emu_config.h — the emulator's settings from the command line, an optional --config file
 * (`key = value` lines with the flags' names) and the --credentials file.
 *
 * Built once at startup and read-only afterwards (the fault settings in it are only the initial
 * ones; emu_faults holds the live copy). Ownership: every pointer in emu_config is owned by it and
 * released by emu_config_free.
 */
#ifndef REDWIRE_EMU_CONFIG_H
#define REDWIRE_EMU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "emu_faults.h"

typedef struct emu_key {
  char *access_key_id;
  char *secret_access_key;
  char *session_token; /* NULL for a permanent key */
} emu_key;

typedef struct emu_config {
  char *pg_conninfo;    /* libpq conninfo without dbname decisions */
  char *listen_host;    /* "127.0.0.1" */
  uint16_t listen_port; /* 0 = any free port */
  char *port_file;      /* NULL: none */
  char *region;         /* "us-east-1" */
  emu_key *keys;
  size_t n_keys;
  size_t page_rows;        /* rows per GetStatementResult page */
  size_t page_bytes;       /* approximate JSON bytes per page (at least one row always fits) */
  size_t max_sessions;     /* open sessions at once */
  size_t max_result_bytes; /* total memory of stored results */
  char *log_file;          /* NULL: stderr */
  /* The compute targets that exist (--cluster, --workgroup; owned strings). With none given,
   * every well-formed ClusterIdentifier and WorkgroupName exists. */
  char **clusters;
  size_t n_clusters;
  char **workgroups;
  size_t n_workgroups;
  bool verbose;
  emu_fault_settings faults; /* initial fault settings */
} emu_config;

typedef enum emu_config_rc {
  EMU_CONFIG_OK,
  EMU_CONFIG_HELP,    /* --help: usage printed to stdout, exit 0 */
  EMU_CONFIG_VERSION, /* --version printed, exit 0 */
  EMU_CONFIG_ERROR,   /* err holds the reason; exit 2 */
} emu_config_rc;

/* Parses argv (flags override the --config file). On EMU_CONFIG_ERROR err[0..errlen) names the
 * flag or file:line. The config must be freed with emu_config_free whatever the result. */
emu_config_rc emu_config_parse(int argc, char **argv, emu_config *out, char *err, size_t errlen);
void emu_config_free(emu_config *c);

/* Parses the text of a credentials file (lines "AKID SECRET [TOKEN]", '#' comments), appending to
 * c->keys. False with err set (line number) on a malformed line or allocation failure. */
bool emu_config_parse_credentials(emu_config *c, const char *text, const char *source, char *err,
                                  size_t errlen);

/* Whether the target named by cluster or workgroup (one of them non-NULL) exists: true when no
 * --cluster/--workgroup was given, else when it is one of those given. */
bool emu_config_target_exists(const emu_config *c, const char *cluster, const char *workgroup);

/* The key with this access key id, or NULL. */
const emu_key *emu_config_find_key(const emu_config *c, const char *akid, size_t len);

void emu_config_usage(FILE *out);

#endif
