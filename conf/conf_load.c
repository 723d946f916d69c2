/* conf_load.c — the load context and the order of the sources. */
#include "conf_internal.h"

#include <stdlib.h>
#include <string.h>

/* A string kept alive until the end of the load, because origins point into it. */
struct conf__kept {
  conf__kept *next;
  char text[]; /* NUL-terminated */
};

const char *conf__keep(conf__ctx *ctx, const char *text, size_t len) {
  conf__kept *k = malloc(sizeof(*k) + len + 1);
  if (k == NULL) {
    ctx->oom = true;
    return NULL;
  }
  memcpy(k->text, text, len);
  k->text[len] = '\0';
  k->next = ctx->kept;
  ctx->kept = k;
  return k->text;
}

conf_rc conf__ctx_init(conf__ctx *ctx, conf_diags *diags) {
  memset(ctx, 0, sizeof(*ctx));
  ctx->diags = diags;
  ctx->allow_include = true;
  ctx->s = calloc(1, sizeof(*ctx->s));
  ctx->origins = calloc(conf__setting_count(), sizeof(*ctx->origins));
  if (ctx->s == NULL || ctx->origins == NULL) {
    conf__ctx_free(ctx);
    return CONF_ENOMEM;
  }
  return CONF_OK;
}

void conf__ctx_free(conf__ctx *ctx) {
  conf_free(ctx->s);
  ctx->s = NULL;
  for (size_t i = 0; i < ctx->n_dbs; i++)
    conf__db_clear(&ctx->dbs[i].db);
  free(ctx->dbs);
  ctx->dbs = NULL;
  ctx->n_dbs = ctx->cap_dbs = 0;
  free(ctx->origins);
  ctx->origins = NULL;
  while (ctx->kept != NULL) {
    conf__kept *next = ctx->kept->next;
    free(ctx->kept);
    ctx->kept = next;
  }
}

void conf__ctx_finish(conf__ctx *ctx) {
  conf_database *dbs = NULL;
  if (ctx->n_dbs > 0) {
    dbs = calloc(ctx->n_dbs, sizeof(*dbs));
    if (dbs == NULL) {
      ctx->oom = true;
      return;
    }
    for (size_t i = 0; i < ctx->n_dbs; i++)
      dbs[i] = ctx->dbs[i].db; /* ownership of the strings moves */
  }
  ctx->s->databases = dbs;
  ctx->s->n_databases = ctx->n_dbs;
  ctx->n_dbs = 0;
}

void conf_free(conf_settings *s) {
  if (s == NULL)
    return;
  for (size_t i = 0; i < conf__setting_count(); i++) {
    const conf__setting *row = conf__setting_at(i);
    if (row->type == CONF__T_STRING) {
      char *p;
      memcpy(&p, (char *)s + row->offset, sizeof(p));
      free(p);
    }
  }
  for (size_t i = 0; i < s->n_databases; i++)
    conf__db_clear(&s->databases[i]);
  free(s->databases);
  free(s->config_file);
  free(s);
}

conf_rc conf_load(int argc, const char *const *argv, const char *const *envp, conf_settings **out,
                  conf_action *action, conf_diags *diags) {
  *out = NULL;
  *action = CONF_ACTION_RUN;
  conf__ctx ctx;
  if (conf__ctx_init(&ctx, diags) != CONF_OK)
    return CONF_ENOMEM;
  size_t errors_before = diags->errors;

  conf__cli cli;
  conf__cli_parse(&ctx, argc, argv, &cli);
  *action = cli.action;
  bool run = cli.action == CONF_ACTION_RUN || cli.action == CONF_ACTION_CHECK_CONFIG;
  if (run && !ctx.oom && diags->errors == errors_before) {
    conf__apply_defaults(&ctx);
    ctx.s->config_file = strdup(cli.config_file != NULL ? cli.config_file : "");
    if (ctx.s->config_file == NULL)
      ctx.oom = true;
    if (cli.config_file != NULL)
      conf__load_file(&ctx, cli.config_file, 0, CONF__SEC_NONE, NULL);
    conf__apply_env(&ctx, envp);
    conf__cli_apply(&ctx, &cli);
    /* Cross-checks only judge values that parsed: after a bad line they would mostly report
     * its echo (a [databases] typo would also read as "[databases] is empty"). */
    if (!ctx.oom && diags->errors == errors_before)
      conf__validate(&ctx);
    conf__ctx_finish(&ctx);
  }
  conf__cli_free(&cli);

  conf_rc rc = CONF_OK;
  if (ctx.oom)
    rc = CONF_ENOMEM;
  else if (diags->errors > errors_before)
    rc = CONF_EINVAL;
  else if (run) {
    *out = ctx.s;
    ctx.s = NULL;
  }
  conf__ctx_free(&ctx);
  return rc;
}
