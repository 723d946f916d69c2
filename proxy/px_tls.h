/* px_tls.h — TLS towards one client, over memory BIOs (no socket I/O here).
 *
 * The connection owns the socket: it feeds the ciphertext it read into px_tls_feed, pulls
 * plaintext into its input buffer with px_tls_pull, and before each uv_write moves its encoded
 * plaintext through px_tls_push, which leaves ciphertext in the write buffer. OpenSSL never sees
 * a file descriptor, so nothing blocks and libuv keeps doing all I/O.
 *
 * States (one function changes them, tls_fail or the handshake step):
 *   HANDSHAKE  ClientHello expected or in progress; push only sends handshake records
 *   OPEN       application data flows both ways
 *   FAILED     a TLS error or close_notify: t->why says why; the connection must close
 *
 * Backpressure: pull stops when the input buffer is full (ciphertext waits in the read BIO,
 * px_tls_pending_in tells the caller to stop reading); push encrypts only while the ciphertext
 * fits into the write buffer, so neither side grows past the caps of the connection's buffers.
 *
 * Direct TLS (PostgreSQL 17, sslnegotiation=direct): the ClientHello arrives instead of an
 * SSLRequest; ALPN "postgresql" is then mandatory. With an SSLRequest first, ALPN is optional,
 * but a client that offers other protocols only is refused (as PostgreSQL 17 does).
 *
 * The server context (px_tls_ctx_new) is built from the settings; the caller owns it and may
 * free it at any time: every SSL keeps its own reference.
 */
#ifndef PX_TLS_H
#define PX_TLS_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>

#include "conf.h"
#include "pgw_buf.h"
#include "px_status.h"

/* The first byte of a TLS handshake record; a startup packet's first byte is 0 (its length is
 * below 10000), so this byte first on a connection means direct TLS. */
#define PX_TLS_HANDSHAKE_BYTE 0x16

typedef enum { PX_TLS_HANDSHAKE, PX_TLS_OPEN, PX_TLS_FAILED } px_tls_state;

typedef struct px_tls {
  SSL *ssl;  /* owned; owns both BIOs */
  BIO *rbio; /* ciphertext from the client, not yet consumed by OpenSSL */
  BIO *wbio; /* ciphertext for the client, not yet moved to the write buffer */
  px_tls_state state;
  bool direct;   /* started by a ClientHello instead of an SSLRequest */
  bool shut;     /* close_notify queued */
  char why[200]; /* FAILED: a sentence for the log (never key material) */
} px_tls;

/* Builds a server context from client_tls_* (certificate chain, key, protocols, ciphers; for
 * verify-ca/verify-full also the CA that client certificates must chain to). On failure NULL and
 * why says what is wrong, naming the setting and file. */
SSL_CTX *px_tls_ctx_new(const conf_redwire *rw, char *why, size_t why_cap);

/* Starts a server-side session on ctx. PX_NOMEM when OpenSSL cannot allocate. */
PX_MUSTCHECK px_status px_tls_start(px_tls *t, SSL_CTX *ctx, bool direct);

/* Queues n bytes to be sent as they are, ahead of any TLS record (the 'S' answering an
 * SSLRequest, so that it cannot be overtaken by the handshake). PX_NOMEM. */
PX_MUSTCHECK px_status px_tls_write_clear(px_tls *t, const void *p, size_t n);

/* Frees the session; t is zeroed. Safe on a zeroed or failed value. */
void px_tls_free(px_tls *t);

/* Hands n bytes of ciphertext read from the socket to OpenSSL (copied). */
PX_MUSTCHECK px_status px_tls_feed(px_tls *t, const void *p, size_t n);

/* Advances the handshake and decrypts as much as fits into in. Returns PX_OK (maybe with nothing
 * new), PX_CLOSED when the client sent close_notify, PX_PROTO on a TLS error (t->why). After it,
 * the caller must flush: the handshake or a key update may have produced records to send. */
PX_MUSTCHECK px_status px_tls_pull(px_tls *t, pgw_buf *in);

/* Encrypts plaintext from out (consumed as it is encrypted; only when OPEN) and moves all pending
 * ciphertext that fits into wbuf. PX_PROTO on a TLS error, PX_NOMEM. */
PX_MUSTCHECK px_status px_tls_push(px_tls *t, pgw_buf *out, pgw_buf *wbuf);

/* Ciphertext bytes received but not yet decrypted / produced but not yet in a write buffer. */
size_t px_tls_pending_in(const px_tls *t);
size_t px_tls_pending_out(const px_tls *t);

/* Queues a close_notify alert once (sent by the next push), so the client sees an orderly end
 * rather than a truncation. True when it was queued by this call. */
bool px_tls_shutdown(px_tls *t);

/* The negotiated protocol version ("TLSv1.3") and cipher, for the login log line. */
const char *px_tls_version(const px_tls *t);
const char *px_tls_cipher(const px_tls *t);

/* The tls-server-end-point channel binding (RFC 5929 §4.1) of this session: the hash of the
 * server certificate, with its signature's hash algorithm (SHA-256 for MD5 and SHA-1). PX_INVAL
 * when the session is not open or the certificate's algorithm has no single hash (Ed25519). */
PX_MUSTCHECK px_status px_tls_endpoint_hash(const px_tls *t, uint8_t *out, size_t cap, size_t *len);

/* The client certificate's subject Common Name into out ("" when there is none). */
void px_tls_peer_cn(const px_tls *t, char *out, size_t cap);

#endif
