/* px_status.h — the one status type of proxy/ (STYLE R8).
 *
 * Every fallible proxy function returns a px_status the caller must check. What a *client* sees
 * is never a px_status: failures bound for the client travel as a pgw_error (SQLSTATE, message,
 * detail, hint) and become an ErrorResponse.
 */
#ifndef PX_STATUS_H
#define PX_STATUS_H

#define PX_MUSTCHECK __attribute__((warn_unused_result))

#define PX_STATUS_MAP(XX)                                                                          \
  XX(OK, "success")                                                                                \
  XX(AGAIN, "try again later")                                                                     \
  XX(NOMEM, "out of memory")                                                                       \
  XX(TOOBIG, "size limit exceeded")                                                                \
  XX(PROTO, "protocol violation")                                                                  \
  XX(AUTH, "authentication failed")                                                                \
  XX(UPSTREAM, "data api error")                                                                   \
  XX(TIMEDOUT, "timed out")                                                                        \
  XX(CLOSED, "connection closed")                                                                  \
  XX(INVAL, "invalid argument")                                                                    \
  XX(IO, "input/output error")

typedef enum {
#define XX(code, text) PX_##code,
  PX_STATUS_MAP(XX)
#undef XX
} px_status;

/* A static sentence for st; never NULL. */
const char *px_strerror(px_status st);

#endif
