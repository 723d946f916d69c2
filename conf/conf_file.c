/* conf_file.c — reading config files and giving each parsed line its meaning.
 *
 * %include FILE is resolved relative to the directory of the file that contains it (an absolute
 * path is used as is), up to CONF__MAX_DEPTH levels deep, as PgBouncer does. The included file
 * starts in the section of the %include line, so "[databases]\n%include dbs.ini" works, and the
 * section it ends in does not leak back into the including file.
 */
#include "conf_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct file_state {
  conf__ctx *ctx;
  const char *name; /* kept: the path as opened, for messages */
  unsigned depth;
  conf__section section; /* CONF__SEC_NONE before the first header */
  bool skip;             /* inside an unknown section (reported once, at its header) */
} file_state;

/* Files being read, outermost first, to report a cycle instead of recursing to the limit. */
typedef struct open_file {
  dev_t dev;
  ino_t ino;
} open_file;

typedef struct include_stack {
  open_file files[CONF__MAX_DEPTH + 1];
  unsigned n;
} include_stack;

/* The include stack lives in the frame of the outermost call and is passed down. */
static void load_file(conf__ctx *ctx, include_stack *stack, const char *path, unsigned depth,
                      conf__section in_section, const conf__origin *from);

static void text_error(file_state *st, unsigned line, const char *what) {
  conf__diag(st->ctx, CONF_DIAG_ERROR, "%s:%u: %s", st->name, line, what);
}

/* dir(including) + "/" + path, unless path is absolute or including has no directory. */
static char *resolve(const char *including, const char *path) {
  const char *slash = strrchr(including, '/');
  if (path[0] == '/' || slash == NULL)
    return strdup(path);
  size_t dir_len = (size_t)(slash - including) + 1;
  size_t n = strlen(path);
  char *out = malloc(dir_len + n + 1);
  if (out == NULL)
    return NULL;
  memcpy(out, including, dir_len);
  memcpy(out + dir_len, path, n + 1);
  return out;
}

typedef struct sink_arg {
  file_state *st;
  include_stack *stack;
} sink_arg;

static void on_include(sink_arg *a, unsigned lineno, const char *target) {
  file_state *st = a->st;
  if (!st->ctx->allow_include) {
    text_error(st, lineno, "%include is not allowed here");
    return;
  }
  char *path = resolve(st->name, target);
  if (path == NULL) {
    st->ctx->oom = true;
    return;
  }
  conf__origin from = {.src = CONF__SRC_FILE, .file = st->name, .line = lineno, .text = target};
  load_file(st->ctx, a->stack, path, st->depth + 1, st->section, &from);
  free(path);
}

static void on_key(file_state *st, unsigned lineno, const conf__line *l) {
  conf__ctx *ctx = st->ctx;
  if (st->skip)
    return;
  if (st->section == CONF__SEC_NONE) {
    conf__diag(ctx, CONF_DIAG_ERROR,
               "%s:%u: %.*s: setting outside a section (put it under [redwire], [aws] or "
               "[databases])",
               st->name, lineno, (int)(l->name_len > 64 ? 64 : l->name_len), l->name);
    return;
  }
  conf__origin o = {.src = CONF__SRC_FILE, .file = st->name, .line = lineno, .text = l->value};
  if (st->section == CONF__SEC_DATABASES) {
    const char *name = conf__keep(ctx, l->name, l->name_len);
    if (name != NULL)
      conf__db_set(ctx, name, l->value, &o);
    return;
  }
  long idx = conf__setting_find(st->section, l->name, l->name_len);
  if (idx < 0) {
    conf__diag(ctx, CONF_DIAG_ERROR, "%s:%u: [%s] %.*s: unknown setting", st->name, lineno,
               conf__section_name(st->section), (int)(l->name_len > 64 ? 64 : l->name_len),
               l->name);
    return;
  }
  conf__set(ctx, (size_t)idx, l->value, &o);
}

static bool on_line(void *arg, unsigned lineno, const conf__line *l) {
  sink_arg *a = arg;
  file_state *st = a->st;
  switch (l->kind) {
  case CONF__LINE_ERROR:
    text_error(st, lineno, l->error);
    break;
  case CONF__LINE_SECTION:
    st->section = conf__section_find(l->name, l->name_len);
    st->skip = st->section == CONF__SEC_NONE;
    if (st->skip)
      conf__diag(st->ctx, CONF_DIAG_ERROR,
                 "%s:%u: unknown section [%.*s] (use [redwire], [aws] or [databases])", st->name,
                 lineno, (int)(l->name_len > 64 ? 64 : l->name_len), l->name);
    break;
  case CONF__LINE_KEY:
    on_key(st, lineno, l);
    break;
  case CONF__LINE_INCLUDE:
    on_include(a, lineno, l->value);
    break;
  case CONF__LINE_BLANK:
    break;
  }
  /* Past the diagnostics limit more parsing only costs time. */
  return !st->ctx->oom && st->ctx->diags->errors <= CONF_DIAG_MAX;
}

static void load_text(conf__ctx *ctx, include_stack *stack, const char *name, const char *text,
                      size_t len, unsigned depth, conf__section in_section) {
  file_state st = {.ctx = ctx, .depth = depth, .section = in_section};
  st.name = conf__keep(ctx, name, strlen(name));
  if (st.name == NULL)
    return;
  sink_arg a = {.st = &st, .stack = stack};
  conf__ini_parse(text, len, on_line, &a);
}

void conf__load_text(conf__ctx *ctx, const char *name, const char *text, size_t len, unsigned depth,
                     conf__section in_section) {
  include_stack stack = {.n = 0};
  load_text(ctx, &stack, name, text, len, depth, in_section);
}

/* Reports a file problem at the %include line that named it, or for the -c file itself. */
static void file_error(conf__ctx *ctx, const char *path, const conf__origin *from,
                       const char *what) {
  if (from == NULL)
    conf__diag(ctx, CONF_DIAG_ERROR, "%s: %s", path, what);
  else if (strcmp(from->text, path) == 0)
    conf__diag(ctx, CONF_DIAG_ERROR, "%s:%u: %%include %s: %s", from->file, from->line, path, what);
  else
    conf__diag(ctx, CONF_DIAG_ERROR, "%s:%u: %%include %s (%s): %s", from->file, from->line,
               from->text, path, what);
}

static void errno_error(conf__ctx *ctx, const char *path, const conf__origin *from,
                        const char *doing, int err) {
  char sys[128];
  if (strerror_r(err, sys, sizeof(sys)) != 0)
    snprintf(sys, sizeof(sys), "error %d", err);
  char what[192];
  snprintf(what, sizeof(what), "%s: %s", doing, sys);
  file_error(ctx, path, from, what);
}

/* Reads the whole of fd (a regular file of at most CONF__MAX_FILE bytes). */
static char *read_all(int fd, size_t size, size_t *len, int *err) {
  char *buf = malloc(size + 1);
  if (buf == NULL) {
    *err = ENOMEM;
    return NULL;
  }
  size_t got = 0;
  while (got < size) {
    ssize_t n = read(fd, buf + got, size - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *err = errno;
      free(buf);
      return NULL;
    }
    if (n == 0)
      break; /* truncated while we read: use what is there */
    got += (size_t)n;
  }
  buf[got] = '\0';
  *len = got;
  return buf;
}

static void load_file(conf__ctx *ctx, include_stack *stack, const char *path, unsigned depth,
                      conf__section in_section, const conf__origin *from) {
  if (depth > CONF__MAX_DEPTH) {
    file_error(ctx, path, from,
               "includes nested too deeply (the limit is " CONF__STR(CONF__MAX_DEPTH) " levels)");
    return;
  }
  if (++ctx->files_read > CONF__MAX_FILES) {
    file_error(ctx, path, from,
               "too many included files (the limit is " CONF__STR(CONF__MAX_FILES) ")");
    return;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    errno_error(ctx, path, from, "cannot open", errno);
    return;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    errno_error(ctx, path, from, "cannot stat", errno);
    close(fd);
    return;
  }
  if (!S_ISREG(sb.st_mode)) {
    file_error(ctx, path, from, "not a regular file");
    close(fd);
    return;
  }
  if (sb.st_size > CONF__MAX_FILE) {
    file_error(ctx, path, from, "file too large (the limit is 1 MiB)");
    close(fd);
    return;
  }
  for (unsigned i = 0; i < stack->n; i++) {
    if (stack->files[i].dev == sb.st_dev && stack->files[i].ino == sb.st_ino) {
      file_error(ctx, path, from, "include cycle: this file is already being read");
      close(fd);
      return;
    }
  }
  size_t len = 0;
  int err = 0;
  char *text = read_all(fd, (size_t)sb.st_size, &len, &err);
  close(fd);
  if (text == NULL) {
    if (err == ENOMEM)
      ctx->oom = true;
    else
      errno_error(ctx, path, from, "cannot read", err);
    return;
  }
  stack->files[stack->n].dev = sb.st_dev;
  stack->files[stack->n].ino = sb.st_ino;
  stack->n++;
  load_text(ctx, stack, path, text, len, depth, in_section);
  stack->n--;
  free(text);
}

void conf__load_file(conf__ctx *ctx, const char *path, unsigned depth, conf__section in_section,
                     const conf__origin *from) {
  include_stack stack = {.n = 0};
  load_file(ctx, &stack, path, depth, in_section, from);
}
