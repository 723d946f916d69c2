/* pgwt_feed.h — test helper: feeds a byte vector to the frontend decoder through a pgw_buf
 * accumulation loop, the way the proxy will, and renders every decoded message as text.
 *
 * The rendering goes through the per-type pgw_decode_* functions, so comparing renderings
 * compares fully decoded messages, and comparing them across feeding patterns (whole, byte by
 * byte, every two-way split) shows that framing does not depend on how bytes arrive.
 */
#ifndef PGWT_FEED_H
#define PGWT_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "pgw_decode.h"

/* How to read a 'p' message: the decoder cannot tell, the connection state does. */
typedef enum {
  PGWT_P_PASSWORD,
  PGWT_P_SASL_INITIAL,
  PGWT_P_SASL_RESPONSE,
} pgwt_pmode;

typedef struct pgwt_result {
  char text[8192]; /* one line per decoded message */
  size_t consumed; /* bytes consumed in total */
  pgw_rc final;    /* PGW_NEED_MORE when the input ended cleanly or mid-message */
} pgwt_result;

/* Renders one framed message; returns the pgw_decode_* status. */
pgw_rc pgwt_render(const pgw_msg *m, pgwt_pmode pmode, char *out, size_t cap);

/* Feeds v[0..len) in chunks ending at the given cut offsets (ascending, each <= len; len itself
 * is implied). Starts in phase; a StartupMessage switches to the normal phase. Stops at the first
 * status other than PGW_OK/PGW_NEED_MORE from framing or rendering. */
void pgwt_feed(const uint8_t *v, size_t len, pgw_phase phase, uint32_t max_len, pgwt_pmode pmode,
               const size_t *cuts, size_t ncuts, pgwt_result *res);

/* Runs whole, byte by byte and every split, and asserts each equals the expected text, consumed
 * total and final status. */
void pgwt_check_all_ways(const uint8_t *v, size_t len, pgw_phase phase, uint32_t max_len,
                         pgwt_pmode pmode, const char *want_text, size_t want_consumed,
                         pgw_rc want_final);

#endif
