/* conf_diag.c — the diagnostics list and the "where did this value come from" prefixes. */
#include "conf_internal.h"

#include <stdio.h>
#include <string.h>

const char *conf_strerror(conf_rc rc) {
  switch (rc) {
#define XX(code, text)                                                                             \
  case CONF_##code:                                                                                \
    return text;
    CONF_RC_MAP(XX)
#undef XX
  }
  return "unknown conf status";
}

void conf_diags_init(conf_diags *d) {
  memset(d, 0, sizeof(*d));
}

/* Values and paths come from files and the environment: keep the line printable and bounded so
 * a hostile or binary value cannot garble the terminal or the log. */
static void sanitize(char *s) {
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7f)
      *s = '?';
  }
}

static void add(conf__ctx *ctx, conf_diag_kind kind, const char *text) {
  conf_diags *d = ctx->diags;
  if (kind == CONF_DIAG_ERROR)
    d->errors++;
  else
    d->warnings++;
  if (d->count == CONF_DIAG_MAX) {
    d->dropped++;
    return;
  }
  conf_diag *item = &d->items[d->count++];
  item->kind = kind;
  snprintf(item->text, sizeof(item->text), "%s", text);
  sanitize(item->text);
}

void conf__diag(conf__ctx *ctx, conf_diag_kind kind, const char *fmt, ...) {
  char text[CONF_DIAG_TEXT_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  add(ctx, kind, text);
}

/* Long values are cut: the message must stay one readable line and still show the setting. */
static void shown_value(const conf__origin *o, const conf__setting *row, char *buf, size_t cap) {
  const char *v = o->text != NULL ? o->text : "";
  if (row != NULL && (row->flags & CONF__F_SECRET))
    snprintf(buf, cap, "(hidden)");
  else if (strlen(v) > 80)
    snprintf(buf, cap, "%.77s...", v);
  else
    snprintf(buf, cap, "%s", v);
}

void conf__describe_origin(const conf__origin *o, const conf__setting *row, char *buf, size_t cap) {
  char v[96];
  shown_value(o, row, v, sizeof(v));
  const char *sec = row != NULL ? conf__section_name(row->section) : "?";
  const char *key = row != NULL ? row->key : "?";
  switch (o->src) {
  case CONF__SRC_DEFAULT:
    snprintf(buf, cap, "default [%s] %s = %s", sec, key, v);
    return;
  case CONF__SRC_FILE:
    snprintf(buf, cap, "%s:%u: [%s] %s = %s", o->file, o->line, sec, key, v);
    return;
  case CONF__SRC_ENV:
    snprintf(buf, cap, "environment %s=%s", o->name, v);
    return;
  case CONF__SRC_SET:
    snprintf(buf, cap, "--set %s.%s=%s", sec, key, v);
    return;
  case CONF__SRC_LISTEN:
    snprintf(buf, cap, "--listen %s", v);
    return;
  case CONF__SRC_VERBOSE:
    snprintf(buf, cap, "-v ([%s] %s)", sec, key);
    return;
  }
  snprintf(buf, cap, "?");
}

void conf__diag_at(conf__ctx *ctx, conf_diag_kind kind, const conf__origin *o,
                   const conf__setting *row, const char *fmt, ...) {
  char where[CONF_DIAG_TEXT_MAX];
  char what[CONF_DIAG_TEXT_MAX];
  conf__describe_origin(o, row, where, sizeof(where));
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  conf__diag(ctx, kind, "%s: %s", where, what);
}
