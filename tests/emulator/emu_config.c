#include "emu_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EMU_VERSION "redwire-emulator 0.1.0"

void emu_config_usage(FILE *out) {
  fputs("usage: redwire-emulator --pg CONNINFO [options]\n"
        "\n"
        "A Redshift Data API emulator (awsJson1_1 + SigV4) backed by PostgreSQL.\n"
        "\n"
        "  --pg CONNINFO          libpq conninfo of the backing server (the request's Database "
        "picks dbname)\n"
        "  --listen HOST:PORT     listen address (default 127.0.0.1:8787; port 0 = any free port)\n"
        "  --port-file FILE       write the bound port to FILE once listening\n"
        "  --credentials FILE     lines 'ACCESS_KEY_ID SECRET_ACCESS_KEY [SESSION_TOKEN]', '#' "
        "comments\n"
        "  --key AKID:SECRET[:TOKEN]  one more accepted key (repeatable)\n"
        "  --region REGION        region of the SigV4 scope (default us-east-1)\n"
        "  --cluster ID           a ClusterIdentifier that exists (repeatable; with none of\n"
        "                         --cluster/--workgroup, every name exists)\n"
        "  --workgroup NAME       a WorkgroupName that exists (repeatable)\n"
        "  --page-rows N          rows per GetStatementResult page (default 5000)\n"
        "  --page-bytes N         JSON bytes per page, approximately (default 1048576)\n"
        "  --max-sessions N       open sessions at once (default 500)\n"
        "  --max-result-bytes N   memory for stored results; oldest are evicted (default "
        "1073741824)\n"
        "  --config FILE          'key = value' lines with these names (flags win)\n"
        "  --log-file FILE        request log (default stderr)\n"
        "  -v                     verbose log\n"
        "  --latency-ms N         fault: delay every answer by N ms\n"
        "  --throttle-rate P      fault: probability of ThrottlingException\n"
        "  --error-rate P         fault: probability of a 500/503 answer\n"
        "  --drop-rate P          fault: probability of closing the connection without answer\n"
        "  --stall-ms N           fault: result pages stall N ms after part of the body\n"
        "  --wait-time MODE       fault: WaitTimeSeconds honour (default), ignore or reject\n"
        "  --fault-ops Op,Op      fault: only these operations (default all)\n"
        "  --fault-seed N         fault: seed of the generator (reproducible faults)\n"
        "  --help, --version\n",
        out);
}

static bool set_str(char **slot, const char *v) {
  char *d = strdup(v);
  if (d == NULL) {
    return false;
  }
  free(*slot);
  *slot = d;
  return true;
}

static bool parse_size(const char *v, size_t min, size_t *out) {
  if (*v < '0' || *v > '9') {
    return false;
  }
  errno = 0;
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  if (errno != 0 || *end != '\0' || n < min || n > SIZE_MAX) {
    return false;
  }
  *out = (size_t)n;
  return true;
}

static bool add_key(emu_config *c, const char *akid, size_t akid_len, const char *secret,
                    size_t secret_len, const char *token, size_t token_len) {
  emu_key *k = realloc(c->keys, (c->n_keys + 1) * sizeof *k);
  if (k == NULL) {
    return false;
  }
  c->keys = k;
  emu_key *n = &k[c->n_keys];
  n->access_key_id = strndup(akid, akid_len);
  n->secret_access_key = strndup(secret, secret_len);
  n->session_token = token != NULL ? strndup(token, token_len) : NULL;
  if (n->access_key_id == NULL || n->secret_access_key == NULL ||
      (token != NULL && n->session_token == NULL)) {
    free(n->access_key_id);
    free(n->secret_access_key);
    free(n->session_token);
    return false;
  }
  c->n_keys++;
  return true;
}

/* Appends a copy of v to a list of names. */
static bool add_name(char ***list, size_t *n, const char *v) {
  char **l = realloc(*list, (*n + 1) * sizeof *l);
  if (l == NULL) {
    return false;
  }
  *list = l;
  l[*n] = strdup(v);
  if (l[*n] == NULL) {
    return false;
  }
  (*n)++;
  return true;
}

bool emu_config_parse_credentials(emu_config *c, const char *text, const char *source, char *err,
                                  size_t errlen) {
  int line_no = 0;
  const char *p = text;
  while (*p != '\0') {
    line_no++;
    const char *eol = strchr(p, '\n');
    size_t n = eol != NULL ? (size_t)(eol - p) : strlen(p);
    const char *f[4];
    size_t fl[4];
    int nf = 0;
    size_t i = 0;
    while (i < n && p[i] != '#') {
      while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')) {
        i++;
      }
      if (i >= n || p[i] == '#') {
        break;
      }
      size_t start = i;
      while (i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '#') {
        i++;
      }
      if (nf == 4) {
        snprintf(err, errlen, "%s:%d: expected ACCESS_KEY_ID SECRET_ACCESS_KEY [SESSION_TOKEN]",
                 source, line_no);
        return false;
      }
      f[nf] = p + start;
      fl[nf] = i - start;
      nf++;
    }
    if (nf == 1 || nf > 3) {
      snprintf(err, errlen, "%s:%d: expected ACCESS_KEY_ID SECRET_ACCESS_KEY [SESSION_TOKEN]",
               source, line_no);
      return false;
    }
    if (nf >= 2 &&
        !add_key(c, f[0], fl[0], f[1], fl[1], nf == 3 ? f[2] : NULL, nf == 3 ? fl[2] : 0)) {
      snprintf(err, errlen, "%s:%d: out of memory", source, line_no);
      return false;
    }
    p = eol != NULL ? eol + 1 : p + n;
  }
  return true;
}

static char *read_file(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return NULL;
  }
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  while (buf != NULL) {
    if (len + 1 >= cap) {
      if (cap >= (16u << 20)) { /* a credentials or config file is never this large */
        snprintf(err, errlen, "%s: file too large", path);
        free(buf);
        fclose(f);
        return NULL;
      }
      char *nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - 1 - len, f);
    len += got;
    if (got == 0) {
      break;
    }
  }
  if (buf == NULL) {
    snprintf(err, errlen, "%s: out of memory", path);
  } else if (ferror(f)) {
    snprintf(err, errlen, "%s: read error", path);
    free(buf);
    buf = NULL;
  } else {
    buf[len] = '\0';
    if (memchr(buf, '\0', len) != NULL) {
      snprintf(err, errlen, "%s: contains a NUL byte", path);
      free(buf);
      buf = NULL;
    }
  }
  fclose(f);
  return buf;
}

/* Applies one setting by name (flag without "--"). where names the origin for messages. */
static bool apply(emu_config *c, const char *name, const char *v, const char *where, char *err,
                  size_t errlen) {
  bool ok = true;
  const char *why = "invalid value";
  if (strcmp(name, "pg") == 0) {
    ok = set_str(&c->pg_conninfo, v);
  } else if (strcmp(name, "listen") == 0) {
    const char *colon = strrchr(v, ':');
    size_t port;
    if (colon == NULL || colon == v || !parse_size(colon + 1, 0, &port) || port > 65535) {
      why = "expected HOST:PORT";
      ok = false;
    } else {
      char *h = strndup(v, (size_t)(colon - v));
      ok = h != NULL;
      if (ok) {
        free(c->listen_host);
        c->listen_host = h;
        c->listen_port = (uint16_t)port;
      }
    }
  } else if (strcmp(name, "port-file") == 0) {
    ok = set_str(&c->port_file, v);
  } else if (strcmp(name, "log-file") == 0) {
    ok = set_str(&c->log_file, v);
  } else if (strcmp(name, "region") == 0) {
    ok = *v != '\0' && set_str(&c->region, v);
  } else if (strcmp(name, "credentials") == 0) {
    char *text = read_file(v, err, errlen);
    if (text == NULL) {
      return false;
    }
    ok = emu_config_parse_credentials(c, text, v, err, errlen);
    free(text);
    return ok;
  } else if (strcmp(name, "key") == 0) {
    const char *c1 = strchr(v, ':');
    const char *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
    if (c1 == NULL || c1 == v || c1[1] == '\0' || c1[1] == ':' || (c2 != NULL && c2[1] == '\0')) {
      why = "expected AKID:SECRET[:TOKEN]";
      ok = false;
    } else {
      size_t secret_len = c2 != NULL ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
      ok = add_key(c, v, (size_t)(c1 - v), c1 + 1, secret_len, c2 != NULL ? c2 + 1 : NULL,
                   c2 != NULL ? strlen(c2 + 1) : 0);
      why = "out of memory";
    }
  } else if (strcmp(name, "cluster") == 0) {
    ok = *v != '\0' && add_name(&c->clusters, &c->n_clusters, v);
    why = *v == '\0' ? "expected a cluster identifier" : "out of memory";
  } else if (strcmp(name, "workgroup") == 0) {
    ok = *v != '\0' && add_name(&c->workgroups, &c->n_workgroups, v);
    why = *v == '\0' ? "expected a workgroup name" : "out of memory";
  } else if (strcmp(name, "page-rows") == 0) {
    ok = parse_size(v, 1, &c->page_rows);
    why = "expected a positive integer";
  } else if (strcmp(name, "page-bytes") == 0) {
    ok = parse_size(v, 1024, &c->page_bytes) && c->page_bytes <= (256u << 20);
    why = "expected bytes between 1024 and 268435456";
  } else if (strcmp(name, "max-sessions") == 0) {
    ok = parse_size(v, 1, &c->max_sessions);
    why = "expected a positive integer";
  } else if (strcmp(name, "max-result-bytes") == 0) {
    ok = parse_size(v, 1, &c->max_result_bytes);
    why = "expected a positive integer";
  } else if (strcmp(name, "v") == 0 || strcmp(name, "verbose") == 0) {
    c->verbose = strcmp(v, "0") != 0 && strcmp(v, "false") != 0;
  } else if (emu_fault_settings_is_name(name)) {
    ok = emu_fault_settings_apply(&c->faults, name, v, &why);
  } else {
    snprintf(err, errlen, "%s: unknown setting", where);
    return false;
  }
  if (!ok) {
    snprintf(err, errlen, "%s: %s", where, why);
  }
  return ok;
}

static char *trim(char *s) {
  while (*s == ' ' || *s == '\t') {
    s++;
  }
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) {
    s[--n] = '\0';
  }
  return s;
}

static bool load_config_file(emu_config *c, const char *path, char *err, size_t errlen) {
  char *text = read_file(path, err, errlen);
  if (text == NULL) {
    return false;
  }
  bool ok = true;
  int line_no = 0;
  /* Split by hand: strtok_r would skip empty lines and miscount line numbers. */
  char *p = text;
  while (ok && p != NULL && *p != '\0') {
    line_no++;
    char *eol = strchr(p, '\n');
    if (eol != NULL) {
      *eol = '\0';
    }
    char *line = trim(p);
    if (*line != '\0' && *line != '#' && *line != ';') {
      char *eq = strchr(line, '=');
      if (eq == NULL) {
        snprintf(err, errlen, "%s:%d: expected 'key = value'", path, line_no);
        ok = false;
      } else {
        *eq = '\0';
        char *key = trim(line);
        char *val = trim(eq + 1);
        char where[512];
        snprintf(where, sizeof where, "%s:%d: %s", path, line_no, key);
        if (strcmp(key, "config") == 0) {
          snprintf(err, errlen, "%s: cannot be nested", where);
          ok = false;
        } else {
          ok = apply(c, key, val, where, err, errlen);
        }
      }
    }
    p = eol != NULL ? eol + 1 : NULL;
  }
  free(text);
  return ok;
}

static void defaults(emu_config *c) {
  memset(c, 0, sizeof *c);
  c->listen_port = 8787;
  c->page_rows = 5000;
  c->page_bytes = 1u << 20;
  c->max_sessions = 500;
  c->max_result_bytes = (size_t)1 << 30;
  emu_fault_settings_init(&c->faults);
}

emu_config_rc emu_config_parse(int argc, char **argv, emu_config *out, char *err, size_t errlen) {
  defaults(out);
  if (!set_str(&out->listen_host, "127.0.0.1") || !set_str(&out->region, "us-east-1")) {
    snprintf(err, errlen, "out of memory");
    return EMU_CONFIG_ERROR;
  }
  /* Pass 1: --help/--version and the config file, so that flags then override it. */
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      emu_config_usage(stdout);
      return EMU_CONFIG_HELP;
    }
    if (strcmp(argv[i], "--version") == 0) {
      puts(EMU_VERSION);
      return EMU_CONFIG_VERSION;
    }
  }
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--config") == 0) {
      if (i + 1 >= argc) {
        snprintf(err, errlen, "--config: missing value");
        return EMU_CONFIG_ERROR;
      }
      if (!load_config_file(out, argv[i + 1], err, errlen)) {
        return EMU_CONFIG_ERROR;
      }
      i++;
    } else if (strncmp(argv[i], "--config=", 9) == 0) {
      if (!load_config_file(out, argv[i] + 9, err, errlen)) {
        return EMU_CONFIG_ERROR;
      }
    }
  }
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
      out->verbose = true;
      continue;
    }
    if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
      snprintf(err, errlen, "unexpected argument '%s' (see --help)", a);
      return EMU_CONFIG_ERROR;
    }
    char name[64];
    const char *val;
    const char *eq = strchr(a, '=');
    if (eq != NULL) {
      snprintf(name, sizeof name, "%.*s", (int)(eq - a - 2), a + 2);
      val = eq + 1;
    } else {
      if (i + 1 >= argc) {
        snprintf(err, errlen, "%s: missing value", a);
        return EMU_CONFIG_ERROR;
      }
      snprintf(name, sizeof name, "%s", a + 2);
      val = argv[++i];
    }
    if (strcmp(name, "config") == 0) {
      continue; /* loaded in the pass above */
    }
    char where[80];
    snprintf(where, sizeof where, "--%s", name);
    if (!apply(out, name, val, where, err, errlen)) {
      return EMU_CONFIG_ERROR;
    }
  }
  if (out->pg_conninfo == NULL) {
    snprintf(err, errlen, "--pg is required (see --help)");
    return EMU_CONFIG_ERROR;
  }
  if (out->n_keys == 0) {
    snprintf(err, errlen, "no credentials: give --credentials FILE or --key AKID:SECRET");
    return EMU_CONFIG_ERROR;
  }
  return EMU_CONFIG_OK;
}

void emu_config_free(emu_config *c) {
  free(c->pg_conninfo);
  free(c->listen_host);
  free(c->port_file);
  free(c->region);
  free(c->log_file);
  for (size_t i = 0; i < c->n_keys; i++) {
    free(c->keys[i].access_key_id);
    free(c->keys[i].secret_access_key);
    free(c->keys[i].session_token);
  }
  free(c->keys);
  for (size_t i = 0; i < c->n_clusters; i++) {
    free(c->clusters[i]);
  }
  free(c->clusters);
  for (size_t i = 0; i < c->n_workgroups; i++) {
    free(c->workgroups[i]);
  }
  free(c->workgroups);
  memset(c, 0, sizeof *c);
}

static bool in_names(char *const *list, size_t n, const char *name) {
  for (size_t i = 0; name != NULL && i < n; i++) {
    if (strcmp(list[i], name) == 0) {
      return true;
    }
  }
  return false;
}

bool emu_config_target_exists(const emu_config *c, const char *cluster, const char *workgroup) {
  if (c->n_clusters == 0 && c->n_workgroups == 0) {
    return true;
  }
  return in_names(c->clusters, c->n_clusters, cluster) ||
         in_names(c->workgroups, c->n_workgroups, workgroup);
}

const emu_key *emu_config_find_key(const emu_config *c, const char *akid, size_t len) {
  for (size_t i = 0; i < c->n_keys; i++) {
    const char *k = c->keys[i].access_key_id;
    if (strlen(k) == len && memcmp(k, akid, len) == 0) {
      return &c->keys[i];
    }
  }
  return NULL;
}
