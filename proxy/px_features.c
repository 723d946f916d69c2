/* px_features.c — see px_features.h. */
#include "px_features.h"

#include <stdio.h>

static void add(px_feature_finding *out, size_t *n, bool fatal, const char *text) {
  if (*n >= PX_FEATURES_MAX) {
    return;
  }
  out[*n].fatal = fatal;
  snprintf(out[*n].text, sizeof out[*n].text, "%s", text);
  (*n)++;
}

size_t px_features_check(const conf_settings *c, px_feature_finding out[PX_FEATURES_MAX]) {
  size_t n = 0;
  const conf_redwire *r = &c->redwire;
  if (r->unix_socket_dir[0] != '\0') {
    add(out, &n, false, "unix_socket_dir is not implemented yet and is ignored");
  }
  if (r->client_idle_timeout_ms > 0) {
    add(out, &n, false, "client_idle_timeout is not implemented yet and is ignored");
  }
  if (r->idle_transaction_timeout_ms > 0) {
    add(out, &n, false, "idle_transaction_timeout is not implemented yet and is ignored");
  }
  return n;
}

bool px_features_any_fatal(const px_feature_finding *f, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (f[i].fatal) {
      return true;
    }
  }
  return false;
}
