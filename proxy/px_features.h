/* px_features.h — settings conf/ accepts but this build of redwire does not act on yet.
 *
 * The configuration format is stable ahead of the features (TLS, Unix sockets, idle timeouts and
 * user lists come with later work), so conf/ parses those settings. A setting that silently did
 * nothing would be a trap: an operator who requires TLS must not get cleartext. So every such
 * setting is reported here, at start, by --check-config and on reload: the ones an operator
 * relies on for safety or access refuse the configuration, the others are warnings.
 *
 * Pure: no I/O, no libuv; the caller prints or logs the findings.
 */
#ifndef PX_FEATURES_H
#define PX_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "conf.h"

#define PX_FEATURES_MAX      8
#define PX_FEATURES_TEXT_MAX 200

typedef struct px_feature_finding {
  bool fatal;                      /* the configuration must be refused */
  char text[PX_FEATURES_TEXT_MAX]; /* one line, names the setting and what to do */
} px_feature_finding;

/* Fills out[0..PX_FEATURES_MAX) with the findings for c and returns how many there are. */
size_t px_features_check(const conf_settings *c, px_feature_finding out[PX_FEATURES_MAX]);

/* True when any of the n findings is fatal. */
bool px_features_any_fatal(const px_feature_finding *f, size_t n);

#endif
