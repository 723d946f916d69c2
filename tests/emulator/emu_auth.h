/*
 * emu_auth.h — SigV4 verification of one Data API request, answering failures with the errors
 * AWS's JSON front ends give (see README "Authentication").
 *
 * Pure apart from the configuration it reads: the caller passes the request, the keys, the region
 * and the current time, so every rejection path is unit-testable.
 */
#ifndef REDWIRE_EMU_AUTH_H
#define REDWIRE_EMU_AUTH_H

#include <stdint.h>

#include "auth_sigv4.h"
#include "emu_config.h"
#include "emu_err.h"
#include "emu_sts.h"

/* The service name in the credential scope. */
#define EMU_AUTH_SERVICE "redshift-data"
/* Largest accepted distance between X-Amz-Date and the server clock (AWS: 15 minutes). */
#define EMU_AUTH_MAX_SKEW_S (15 * 60)

/*
 * Verifies req (all its headers, the exact body) against the keys of cfg for cfg->region at
 * now_unix. On success returns the matching key (borrowed from cfg). On failure returns NULL and
 * fills err with MissingAuthenticationTokenException, IncompleteSignatureException,
 * InvalidSignatureException or UnrecognizedClientException (all HTTP 400), or
 * InternalServerException when memory runs out.
 */
const emu_key *emu_auth_verify(const emu_config *cfg, const auth_sigv4_request *req,
                               int64_t now_unix, emu_err *err);

/* The same for any service name in the credential scope ("redshift-data", "sts"), also
 * accepting the temporary keys sts issued (sts may be NULL) until they expire; an expired one is
 * ExpiredTokenException (HTTP 400). */
const emu_key *emu_auth_verify_service(const emu_config *cfg, emu_sts *sts, const char *service,
                                       const auth_sigv4_request *req, int64_t now_unix,
                                       emu_err *err);

#endif
