/* px_keycache.h — remembers, for a short time, which AWS key pairs passed the login key check
 * (DESIGN §4), so a client that reconnects does not pay an STS round trip every time.
 *
 * Entries are HMAC-SHA256(salt, key id ‖ 0 ‖ secret ‖ 0 ‖ token) with an expiry: never the keys.
 * The salt is random per cache (per process), so a digest is useless outside this process and
 * cannot be precomputed. A changed secret or token is a different entry; a key that stops being
 * valid is still accepted until its entry expires (the price of caching, bounded by the TTL).
 *
 * Pure: no I/O, no clock (the caller passes monotonic milliseconds). Fixed capacity; when full,
 * an expired entry or else the one closest to expiry is replaced.
 */
#ifndef PX_KEYCACHE_H
#define PX_KEYCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "px_auth.h"
#include "px_status.h"

typedef struct px_keycache px_keycache;

/* PX_NOMEM; PX_IO when no random salt is available. */
PX_MUSTCHECK px_status px_keycache_new(size_t capacity, px_keycache **out);
void px_keycache_free(px_keycache *kc); /* NULL is a no-op */

/* True when creds passed a check that has not expired at now_ms. */
bool px_keycache_lookup(px_keycache *kc, const px_creds *creds, uint64_t now_ms);

/* Remembers creds as checked until now_ms + ttl_ms (ttl_ms 0: nothing is stored). */
void px_keycache_store(px_keycache *kc, const px_creds *creds, uint64_t now_ms, uint64_t ttl_ms);

/* Forgets creds (e.g. when the service later rejects them). */
void px_keycache_forget(px_keycache *kc, const px_creds *creds);

/* Live (unexpired at now_ms) entries, for tests and stats. */
size_t px_keycache_count(const px_keycache *kc, uint64_t now_ms);

/* The digest kc keeps for creds (what an entry holds instead of the keys), for tests: false when
 * it cannot be computed. */
bool px__keycache_digest(const px_keycache *kc, const px_creds *creds, uint8_t out[32]);

#endif
