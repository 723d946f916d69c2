/* conf_internal.h — shared between the files of conf/ (and its tests); not part of the API.
 *
 * The load pipeline: conf_load (conf_load.c) parses argv (conf_cli.c), applies the table's
 * defaults (conf_table.c), the file (conf_file.c, using the sans-I/O line parser in conf_ini.c),
 * the environment (conf_env.c), the command line, then cross-checks (conf_validate.c). Every
 * value goes through conf__set() or conf__db_set(), which parse it, record where it came from
 * and report errors with that origin.
 */
#ifndef CONF_INTERNAL_H
#define CONF_INTERNAL_H

#include "conf.h"

#include <stdarg.h>

/* ---- Setting table ---- */

typedef enum {
  CONF__SEC_REDWIRE,
  CONF__SEC_AWS,
  CONF__SEC_DATABASES,
  CONF__SEC_NONE
} conf__section;

typedef enum {
  CONF__T_STRING,
  CONF__T_INT,      /* plain integer in the key's own unit (e.g. *_ms, *_seconds) */
  CONF__T_SIZE,     /* bytes; accepts B, kB, MB, GB, TB like PostgreSQL */
  CONF__T_DURATION, /* stored in ms; a bare number means unit_ms; accepts ms, s, min, h, d */
  CONF__T_BOOL,
  CONF__T_ENUM,  /* one name of names[] → int */
  CONF__T_FLAGS, /* comma-separated names of names[] → OR of their bits */
  CONF__T_DOUBLE /* plain decimal, no exponent (locale-independent) */
} conf__type;

typedef struct conf__name {
  const char *name;
  int value;
} conf__name;

/* Extra syntax check of a string value: NULL if fine, else a static reason. */
typedef const char *(*conf__check_fn)(const char *value);

#define CONF__F_SECRET   0x1u /* never echo the value in a diagnostic */
#define CONF__F_NONEMPTY 0x2u /* "" is not allowed */

typedef struct conf__setting {
  conf__section section;
  const char *key;
  conf__type type;
  size_t offset;           /* of the member in conf_settings */
  const char *def;         /* default, as text: parsed like any other value */
  int64_t min, max;        /* INT, SIZE (bytes), DURATION (in unit_ms units) */
  double dmin, dmax;       /* DOUBLE */
  int64_t unit_ms;         /* DURATION: milliseconds per bare number */
  const conf__name *names; /* ENUM, FLAGS: terminated by a NULL name */
  conf__check_fn check;    /* STRING: optional */
  unsigned flags;          /* CONF__F_* */
} conf__setting;

size_t conf__setting_count(void);
const conf__setting *conf__setting_at(size_t i);
/* Index of [section] key (key compared case-insensitively), or -1. */
long conf__setting_find(conf__section section, const char *key, size_t key_len);
const char *conf__section_name(conf__section section);
/* Section by name (case-insensitive), CONF__SEC_NONE if unknown. */
conf__section conf__section_find(const char *name, size_t len);

/* Parses text as row's type into the typed value. Returns NULL on success, else a reason
 * written into why[0..cap) (also returned). No allocation: a STRING's value is text itself. */
const char *conf__parse_value(const conf__setting *row, const char *text, void *value, char *why,
                              size_t cap);

/* ---- Scalar parsers (conf_value.c); each returns NULL or a static/written reason ---- */

const char *conf__parse_int(const char *text, int64_t *out);
const char *conf__parse_size(const char *text, int64_t *out, char *why, size_t cap);
const char *conf__parse_duration(const char *text, int64_t unit_ms, int64_t *out_ms, char *why,
                                 size_t cap);
const char *conf__parse_bool(const char *text, bool *out);
const char *conf__parse_double(const char *text, double *out);
/* Formats like PostgreSQL shows units: the largest unit that divides exactly ("64MB", "30s"). */
void conf__format_size(int64_t bytes, char *buf, size_t cap);
void conf__format_duration(int64_t ms, char *buf, size_t cap);
bool conf__ascii_ieq(const char *a, size_t a_len, const char *b);

/* String checks used by the table and by [databases]. */
const char *conf__check_region(const char *v);
const char *conf__check_url(const char *v);
const char *conf__check_version(const char *v);
const char *conf__check_no_space(const char *v);

/* ---- Origins: where a value came from, for messages ---- */

typedef enum {
  CONF__SRC_DEFAULT,
  CONF__SRC_FILE,    /* file:line */
  CONF__SRC_ENV,     /* name = the variable */
  CONF__SRC_SET,     /* --set / --database; text = the whole argument */
  CONF__SRC_LISTEN,  /* --listen; text = the argument */
  CONF__SRC_VERBOSE, /* -v */
} conf__src;

typedef struct conf__origin {
  conf__src src;
  const char *file; /* borrowed from the load context's keep list; FILE only */
  unsigned line;    /* FILE only */
  const char *name; /* ENV: variable name; SET: the option as typed ("--set", "--database") */
  const char *text; /* the raw value text as given; kept alive by the load context */
} conf__origin;

/* ---- Load context ---- */

typedef struct conf__kept conf__kept;

typedef struct conf__db_entry {
  conf_database db;   /* owned strings until moved into the settings */
  conf__origin where; /* where the line was */
} conf__db_entry;

typedef struct conf__ctx {
  conf_settings *s;      /* owned until conf_load hands it over */
  conf_diags *diags;     /* borrowed */
  conf__origin *origins; /* owned; one per table row: who set the current value */
  conf__db_entry *dbs;   /* owned array */
  size_t n_dbs, cap_dbs;
  conf__kept *kept;    /* owned list of strings that origins point into */
  bool oom;            /* sticky: an allocation failed, conf_load returns CONF_ENOMEM */
  bool allow_include;  /* false when parsing text that is not a file (fuzzing) */
  unsigned files_read; /* guards against an include fan-out explosion */
} conf__ctx;

CONF_MUSTCHECK conf_rc conf__ctx_init(conf__ctx *ctx, conf_diags *diags);
/* Frees everything the context still owns (including s unless it was taken). */
void conf__ctx_free(conf__ctx *ctx);
/* Moves the staged databases into ctx->s. */
void conf__ctx_finish(conf__ctx *ctx);
/* Copies text into the context's keep list; NULL (and ctx->oom) on failure. */
const char *conf__keep(conf__ctx *ctx, const char *text, size_t len);

/* Applies the default of every row. */
void conf__apply_defaults(conf__ctx *ctx);
/* Parses text into row `index` with origin o; on error adds a diagnostic naming o. */
void conf__set(conf__ctx *ctx, size_t index, const char *text, const conf__origin *o);
/* Parses a [databases] line (name = spec) and stages it; later lines for a name win. */
void conf__db_set(conf__ctx *ctx, const char *name, const char *spec, const conf__origin *o);
/* The staged entry for name, or NULL. */
conf__db_entry *conf__db_lookup(conf__ctx *ctx, const char *name);
void conf__db_clear(conf_database *db);

/* Diagnostics with an origin prefix: "<where>: <fmt...>". value is shown unless secret. */
void conf__diag(conf__ctx *ctx, conf_diag_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void conf__diag_at(conf__ctx *ctx, conf_diag_kind kind, const conf__origin *o,
                   const conf__setting *row, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Writes "<where>" for o and row into buf, e.g. "redwire.ini:3: [aws] region = x". */
void conf__describe_origin(const conf__origin *o, const conf__setting *row, char *buf, size_t cap);

/* ---- Sources ---- */

/* Reads path (depth 0 = the -c file) and applies it. in_section is the section in force at the
 * %include line; from is that line (NULL for the top file). */
void conf__load_file(conf__ctx *ctx, const char *path, unsigned depth, conf__section in_section,
                     const conf__origin *from);
/* Applies INI text held in memory, as if read from a file called name; %include is refused
 * unless ctx->allow_include. Used by conf__load_file and by the fuzz target. */
void conf__load_text(conf__ctx *ctx, const char *name, const char *text, size_t len, unsigned depth,
                     conf__section in_section);
void conf__apply_env(conf__ctx *ctx, const char *const *envp);
void conf__validate(conf__ctx *ctx);

/* ---- Command line ---- */

typedef enum { CONF__OP_SET, CONF__OP_DATABASE, CONF__OP_LISTEN } conf__op_kind;

typedef struct conf__op {
  conf__op_kind kind;
  const char *arg; /* borrowed from argv */
} conf__op;

typedef struct conf__cli {
  conf_action action;
  const char *config_file; /* borrowed from argv; NULL if none */
  unsigned verbose;        /* count of -v */
  conf__op *ops;           /* owned; in command-line order */
  size_t n_ops;
} conf__cli;

/* Parses argv. Errors go to ctx's diagnostics. */
void conf__cli_parse(conf__ctx *ctx, int argc, const char *const *argv, conf__cli *cli);
void conf__cli_apply(conf__ctx *ctx, const conf__cli *cli);
void conf__cli_free(conf__cli *cli);
/* The options the parser knows (so a test can check --help documents each). */
size_t conf__cli_option_count(void);
void conf__cli_option_names(size_t i, const char **shortname, const char **longname);

/* ---- Line parser (conf_ini.c), sans-I/O ---- */

#define CONF__XSTR(x)   #x
#define CONF__STR(x)    CONF__XSTR(x)
#define CONF__MAX_LINE  4096
#define CONF__MAX_FILE  (1024 * 1024)
#define CONF__MAX_DEPTH 8
#define CONF__MAX_FILES 256

typedef enum {
  CONF__LINE_BLANK,   /* empty or comment only */
  CONF__LINE_SECTION, /* [name] */
  CONF__LINE_KEY,     /* name = value */
  CONF__LINE_INCLUDE, /* %include value */
  CONF__LINE_ERROR
} conf__line_kind;

typedef struct conf__line {
  conf__line_kind kind;
  const char *name; /* borrowed from the line: section name or key; not NUL-terminated */
  size_t name_len;
  const char *value; /* borrowed from the scratch buffer, NUL-terminated (KEY, INCLUDE) */
  const char *error; /* static text (ERROR) */
} conf__line;

/* Parses one line (without its newline). scratch must hold len + 1 bytes; the decoded value is
 * written there. Returns out->kind. */
conf__line_kind conf__ini_line(const char *line, size_t len, char *scratch, size_t scratch_cap,
                               conf__line *out);

/* Called for every non-blank line, in order; error lines are delivered as CONF__LINE_ERROR.
 * Returning false stops the parse. */
typedef bool (*conf__ini_sink)(void *arg, unsigned lineno, const conf__line *line);

/* Splits text into lines and feeds them to sink: handles a UTF-8 BOM, CRLF, NUL bytes, control
 * characters and overlong lines (all reported as CONF__LINE_ERROR for their line). */
void conf__ini_parse(const char *text, size_t len, conf__ini_sink sink, void *arg);

#endif
