/* conf_cli.c — the command line. Parsed by hand (getopt keeps its state in globals), in two
 * steps: conf__cli_parse only classifies the arguments, so -c FILE, --help and --version are
 * known before anything is loaded; conf__cli_apply runs the setting options after the file and
 * the environment, in command-line order, so the last one wins.
 */
#include "conf_internal.h"

#include <stdlib.h>
#include <string.h>

typedef enum {
  OPT_CONFIG,
  OPT_CHECK,
  OPT_HELP,
  OPT_VERSION,
  OPT_VERBOSE,
  OPT_LISTEN,
  OPT_SET,
  OPT_DATABASE
} opt_id;

typedef struct option {
  opt_id id;
  const char *shortname; /* NULL if none */
  const char *longname;
  bool takes_arg;
} option;

static const option options[] = {
    {OPT_CONFIG, "-c", "--config", true},    {OPT_CHECK, NULL, "--check-config", false},
    {OPT_HELP, "-h", "--help", false},       {OPT_VERSION, "-V", "--version", false},
    {OPT_VERBOSE, "-v", "--verbose", false}, {OPT_LISTEN, NULL, "--listen", true},
    {OPT_SET, NULL, "--set", true},          {OPT_DATABASE, NULL, "--database", true},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

size_t conf__cli_option_count(void) {
  return N_OPTIONS;
}

void conf__cli_option_names(size_t i, const char **shortname, const char **longname) {
  *shortname = i < N_OPTIONS ? options[i].shortname : NULL;
  *longname = i < N_OPTIONS ? options[i].longname : NULL;
}

/* Matches "-c", "--config" or "--config=VALUE"; *inline_arg gets VALUE. */
static const option *match(const char *arg, const char **inline_arg) {
  *inline_arg = NULL;
  for (size_t i = 0; i < N_OPTIONS; i++) {
    const option *o = &options[i];
    if (o->shortname != NULL && strcmp(arg, o->shortname) == 0)
      return o;
    size_t n = strlen(o->longname);
    if (strncmp(arg, o->longname, n) == 0) {
      if (arg[n] == '\0')
        return o;
      if (arg[n] == '=' && o->takes_arg) {
        *inline_arg = arg + n + 1;
        return o;
      }
    }
  }
  return NULL;
}

static bool all_v(const char *arg) {
  if (arg[0] != '-' || arg[1] != 'v')
    return false;
  for (const char *p = arg + 1; *p; p++)
    if (*p != 'v')
      return false;
  return true;
}

static void add_op(conf__cli *cli, conf__op_kind kind, const char *arg) {
  cli->ops[cli->n_ops].kind = kind;
  cli->ops[cli->n_ops].arg = arg;
  cli->n_ops++;
}

void conf__cli_parse(conf__ctx *ctx, int argc, const char *const *argv, conf__cli *cli) {
  memset(cli, 0, sizeof(*cli));
  cli->action = CONF_ACTION_RUN;
  if (argc <= 1 || argv == NULL)
    return;
  cli->ops = calloc((size_t)argc, sizeof(*cli->ops));
  if (cli->ops == NULL) {
    ctx->oom = true;
    return;
  }
  /* --help and --version win over any error: whoever typed them wants to read, not to run. */
  conf_diags *d = ctx->diags;
  size_t saved_count = d->count, saved_errors = d->errors, saved_dropped = d->dropped;
  bool help = false, version = false, check = false;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    if (strcmp(arg, "--") == 0) {
      for (i++; i < argc; i++)
        conf__diag(ctx, CONF_DIAG_ERROR, "unexpected argument \"%.64s\"", argv[i]);
      break;
    }
    if (all_v(arg)) {
      cli->verbose += (unsigned)strlen(arg) - 1;
      continue;
    }
    const char *value = NULL;
    const option *o = match(arg, &value);
    if (o == NULL) {
      if (arg[0] == '-')
        conf__diag(ctx, CONF_DIAG_ERROR, "unknown option %.64s (see --help)", arg);
      else
        conf__diag(ctx, CONF_DIAG_ERROR, "unexpected argument \"%.64s\" (use -c FILE)", arg);
      continue;
    }
    if (o->takes_arg && value == NULL) {
      if (i + 1 >= argc) {
        conf__diag(ctx, CONF_DIAG_ERROR, "%s needs an argument (see --help)", arg);
        continue;
      }
      value = argv[++i];
    }
    switch (o->id) {
    case OPT_CONFIG:
      if (cli->config_file != NULL)
        conf__diag(ctx, CONF_DIAG_ERROR, "%s given twice (%.64s, then %.64s)", arg,
                   cli->config_file, value);
      else if (*value == '\0')
        conf__diag(ctx, CONF_DIAG_ERROR, "%s needs a file name", arg);
      else
        cli->config_file = value;
      break;
    case OPT_CHECK:
      check = true;
      break;
    case OPT_HELP:
      help = true;
      break;
    case OPT_VERSION:
      version = true;
      break;
    case OPT_VERBOSE:
      cli->verbose++;
      break;
    case OPT_LISTEN:
      add_op(cli, CONF__OP_LISTEN, value);
      break;
    case OPT_SET:
      add_op(cli, CONF__OP_SET, value);
      break;
    case OPT_DATABASE:
      add_op(cli, CONF__OP_DATABASE, value);
      break;
    }
  }
  if (help || version) {
    d->count = saved_count; /* only errors are added above, so this drops exactly them */
    d->errors = saved_errors;
    d->dropped = saved_dropped;
    cli->action = help ? CONF_ACTION_HELP : CONF_ACTION_VERSION;
  } else if (check) {
    cli->action = CONF_ACTION_CHECK_CONFIG;
  }
}

static void apply_listen(conf__ctx *ctx, const char *arg) {
  conf__origin o = {.src = CONF__SRC_LISTEN, .name = "--listen", .text = arg};
  const char *addr = arg, *addr_end, *port;
  if (arg[0] == '[') {
    addr = arg + 1;
    addr_end = strchr(addr, ']');
    if (addr_end == NULL || addr_end[1] != ':') {
      conf__diag(ctx, CONF_DIAG_ERROR, "--listen %.80s: expected [IPV6]:PORT", arg);
      return;
    }
    port = addr_end + 2;
  } else {
    addr_end = strrchr(arg, ':');
    if (addr_end == NULL) {
      conf__diag(ctx, CONF_DIAG_ERROR, "--listen %.80s: expected ADDR:PORT", arg);
      return;
    }
    if (memchr(arg, ':', (size_t)(addr_end - arg)) != NULL) {
      conf__diag(ctx, CONF_DIAG_ERROR,
                 "--listen %.80s: write an IPv6 address in brackets, "
                 "like [::1]:5439",
                 arg);
      return;
    }
    port = addr_end + 1;
  }
  if (addr_end == addr) {
    conf__diag(ctx, CONF_DIAG_ERROR, "--listen %.80s: missing address before the port", arg);
    return;
  }
  const char *a = conf__keep(ctx, addr, (size_t)(addr_end - addr));
  if (a == NULL)
    return;
  conf__set(ctx, (size_t)conf__setting_find(CONF__SEC_REDWIRE, "listen_addr", 11), a, &o);
  conf__set(ctx, (size_t)conf__setting_find(CONF__SEC_REDWIRE, "listen_port", 11), port, &o);
}

/* --set SECTION.KEY=VALUE (a [databases] entry too: --set databases.NAME=SPEC). */
static void apply_set(conf__ctx *ctx, const char *arg) {
  const char *eq = strchr(arg, '=');
  const char *dot = eq != NULL ? memchr(arg, '.', (size_t)(eq - arg)) : NULL;
  if (eq == NULL || dot == NULL || dot == arg || dot + 1 == eq) {
    conf__diag(ctx, CONF_DIAG_ERROR, "--set %.80s: expected SECTION.KEY=VALUE", arg);
    return;
  }
  conf__section sec = conf__section_find(arg, (size_t)(dot - arg));
  if (sec == CONF__SEC_NONE) {
    conf__diag(ctx, CONF_DIAG_ERROR,
               "--set %.80s: unknown section \"%.*s\" (use redwire, aws or databases)", arg,
               (int)(dot - arg > 32 ? 32 : dot - arg), arg);
    return;
  }
  const char *value = eq + 1;
  if (sec == CONF__SEC_DATABASES) {
    const char *name = conf__keep(ctx, dot + 1, (size_t)(eq - dot - 1));
    conf__origin o = {.src = CONF__SRC_SET, .name = "--set databases.", .text = value};
    if (name != NULL)
      conf__db_set(ctx, name, value, &o);
    return;
  }
  long idx = conf__setting_find(sec, dot + 1, (size_t)(eq - dot - 1));
  if (idx < 0) {
    conf__diag(ctx, CONF_DIAG_ERROR, "--set %.80s: unknown setting [%s] %.*s", arg,
               conf__section_name(sec), (int)(eq - dot - 1 > 64 ? 64 : eq - dot - 1), dot + 1);
    return;
  }
  conf__origin o = {.src = CONF__SRC_SET, .name = "--set", .text = value};
  conf__set(ctx, (size_t)idx, value, &o);
}

static void apply_database(conf__ctx *ctx, const char *arg) {
  const char *eq = strchr(arg, '=');
  if (eq == NULL || eq == arg) {
    conf__diag(ctx, CONF_DIAG_ERROR, "--database %.80s: expected NAME=SPEC", arg);
    return;
  }
  const char *name = conf__keep(ctx, arg, (size_t)(eq - arg));
  conf__origin o = {.src = CONF__SRC_SET, .name = "--database ", .text = eq + 1};
  if (name != NULL)
    conf__db_set(ctx, name, eq + 1, &o);
}

void conf__cli_apply(conf__ctx *ctx, const conf__cli *cli) {
  for (size_t i = 0; i < cli->n_ops; i++) {
    switch (cli->ops[i].kind) {
    case CONF__OP_LISTEN:
      apply_listen(ctx, cli->ops[i].arg);
      break;
    case CONF__OP_SET:
      apply_set(ctx, cli->ops[i].arg);
      break;
    case CONF__OP_DATABASE:
      apply_database(ctx, cli->ops[i].arg);
      break;
    }
  }
  /* Each -v raises the log level one step, from whatever the file and environment chose. */
  if (cli->verbose > 0) {
    int level = (int)ctx->s->redwire.log_level + (int)cli->verbose;
    if (level > (int)CONF_LOG_DEBUG)
      level = (int)CONF_LOG_DEBUG;
    static const char *const names[] = {"error", "warning", "info", "debug"};
    conf__origin o = {.src = CONF__SRC_VERBOSE, .name = "-v", .text = names[level]};
    conf__set(ctx, (size_t)conf__setting_find(CONF__SEC_REDWIRE, "log_level", 9), names[level], &o);
  }
}

void conf__cli_free(conf__cli *cli) {
  free(cli->ops);
  cli->ops = NULL;
  cli->n_ops = 0;
}
