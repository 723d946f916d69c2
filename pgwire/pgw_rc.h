/* pgw_rc.h — the one status type of pgwire/.
 *
 * Every fallible pgwire function returns a pgw_rc. PGW_NEED_MORE is not an error: it tells a
 * decoder's caller to read more bytes and call again with the longer input.
 */
#ifndef PGW_RC_H
#define PGW_RC_H

/* Fallible functions are marked so that ignoring their status is a compile error under -Werror. */
#define PGW_MUSTCHECK __attribute__((warn_unused_result))

#define PGW_RC_MAP(XX)                                                                             \
  XX(OK, "success")                                                                                \
  XX(NEED_MORE, "incomplete input, need more bytes")                                               \
  XX(EPROTO, "protocol violation")                                                                 \
  XX(ETOOBIG, "size limit exceeded")                                                               \
  XX(ENOMEM, "out of memory")

typedef enum {
#define XX(code, text) PGW_##code,
  PGW_RC_MAP(XX)
#undef XX
} pgw_rc;

/* Returns a static, human-readable description; never NULL (unknown values get a fixed text). */
const char *pgw_strerror(pgw_rc rc);

#endif
