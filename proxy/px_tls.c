/* px_tls.c — see px_tls.h. */
#include "px_tls.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Plaintext handed to SSL_write / taken from SSL_read per call: one TLS record. */
#define PX_TLS_CHUNK 16384u

/* ALPN protocol list in wire format: length-prefixed "postgresql". */
static const unsigned char alpn_pg[] = "\x0apostgresql";
#define ALPN_PG_LEN (sizeof alpn_pg - 1)

/* Appends OpenSSL's oldest queued error (the root cause) to why, then clears the queue. */
static void add_openssl_reason(char *why, size_t cap) {
  unsigned long e = ERR_peek_error();
  if (e != 0) {
    size_t n = strlen(why);
    char buf[160];
    ERR_error_string_n(e, buf, sizeof buf);
    snprintf(why + n, cap - n, ": %s", buf);
  }
  ERR_clear_error();
}

static void set_why(char *why, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_why(char *why, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, cap, fmt, ap);
  va_end(ap);
  add_openssl_reason(why, cap);
}

/* Picks "postgresql" when the client offers it; a client that offers ALPN without it is talking
 * some other protocol (e.g. HTTP) to our port: refuse with no_application_protocol. */
static int on_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                          const unsigned char *in, unsigned int inlen, void *arg) {
  (void)ssl;
  (void)arg;
  unsigned char *sel = NULL;
  if (SSL_select_next_proto(&sel, outlen, alpn_pg, (unsigned)ALPN_PG_LEN, in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_ALERT_FATAL;
}

SSL_CTX *px_tls_ctx_new(const conf_redwire *rw, char *why, size_t why_cap) {
  ERR_clear_error();
  if (rw->client_tls_cert_file[0] == '\0' || rw->client_tls_key_file[0] == '\0') {
    snprintf(why, why_cap, "client_tls_sslmode needs client_tls_cert_file and client_tls_key_file");
    return NULL;
  }
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == NULL) {
    set_why(why, why_cap, "cannot create a TLS context");
    return NULL;
  }
  int min = (rw->client_tls_protocols & CONF_TLS_V1_2) ? TLS1_2_VERSION : TLS1_3_VERSION;
  int max = (rw->client_tls_protocols & CONF_TLS_V1_3) ? TLS1_3_VERSION : TLS1_2_VERSION;
  if (SSL_CTX_set_min_proto_version(ctx, min) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, max) != 1) {
    set_why(why, why_cap, "client_tls_protocols: cannot set the protocol range");
    goto fail;
  }
  if (SSL_CTX_set_cipher_list(ctx, rw->client_tls_ciphers) != 1) {
    set_why(why, why_cap, "client_tls_ciphers \"%s\" selects no usable cipher",
            rw->client_tls_ciphers);
    goto fail;
  }
  if (SSL_CTX_use_certificate_chain_file(ctx, rw->client_tls_cert_file) != 1) {
    set_why(why, why_cap, "client_tls_cert_file %s: cannot load the certificate chain",
            rw->client_tls_cert_file);
    goto fail;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, rw->client_tls_key_file, SSL_FILETYPE_PEM) != 1) {
    set_why(why, why_cap, "client_tls_key_file %s: cannot load the private key",
            rw->client_tls_key_file);
    goto fail;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    set_why(why, why_cap, "client_tls_key_file %s does not match client_tls_cert_file %s",
            rw->client_tls_key_file, rw->client_tls_cert_file);
    goto fail;
  }
  /* Renegotiation is an old attack surface no PostgreSQL client uses; compression leaks. */
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  /* Idle connections keep no record buffers. */
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  static const unsigned char sid_ctx[] = "redwire";
  SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx - 1);
  if (rw->client_tls_sslmode >= CONF_SSLMODE_VERIFY_CA) {
    if (rw->client_tls_ca_file[0] == '\0') {
      snprintf(why, why_cap, "client_tls_sslmode = verify-ca/verify-full needs client_tls_ca_file");
      goto fail;
    }
    if (SSL_CTX_load_verify_locations(ctx, rw->client_tls_ca_file, NULL) != 1) {
      set_why(why, why_cap, "client_tls_ca_file %s: cannot load the CA certificates",
              rw->client_tls_ca_file);
      goto fail;
    }
    STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(rw->client_tls_ca_file);
    if (names != NULL) {
      SSL_CTX_set_client_CA_list(ctx, names); /* takes ownership */
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  }
  SSL_CTX_set_alpn_select_cb(ctx, on_alpn_select, NULL);
  ERR_clear_error();
  return ctx;
fail:
  SSL_CTX_free(ctx);
  return NULL;
}

static px_status tls_fail(px_tls *t, const char *what) {
  t->state = PX_TLS_FAILED;
  set_why(t->why, sizeof t->why, "%s", what);
  return PX_PROTO;
}

px_status px_tls_start(px_tls *t, SSL_CTX *ctx, bool direct) {
  memset(t, 0, sizeof(*t));
  t->ssl = SSL_new(ctx);
  t->rbio = BIO_new(BIO_s_mem());
  t->wbio = BIO_new(BIO_s_mem());
  if (t->ssl == NULL || t->rbio == NULL || t->wbio == NULL) {
    SSL_free(t->ssl);
    BIO_free(t->rbio);
    BIO_free(t->wbio);
    memset(t, 0, sizeof(*t));
    ERR_clear_error();
    return PX_NOMEM;
  }
  /* An empty read BIO means "no more bytes yet", not end of stream. */
  BIO_set_mem_eof_return(t->rbio, -1);
  SSL_set_bio(t->ssl, t->rbio, t->wbio); /* the SSL owns both from here */
  SSL_set_accept_state(t->ssl);
  t->state = PX_TLS_HANDSHAKE;
  t->direct = direct;
  return PX_OK;
}

px_status px_tls_write_clear(px_tls *t, const void *p, size_t n) {
  if (BIO_write(t->wbio, p, (int)n) != (int)n) {
    ERR_clear_error();
    return PX_NOMEM;
  }
  return PX_OK;
}

void px_tls_free(px_tls *t) {
  SSL_free(t->ssl);
  memset(t, 0, sizeof(*t));
}

px_status px_tls_feed(px_tls *t, const void *p, size_t n) {
  if (n == 0) {
    return PX_OK;
  }
  if (BIO_write(t->rbio, p, (int)n) != (int)n) {
    ERR_clear_error();
    return PX_NOMEM;
  }
  return PX_OK;
}

static px_status handshake(px_tls *t) {
  ERR_clear_error();
  int r = SSL_do_handshake(t->ssl);
  if (r != 1) {
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      return PX_OK;
    }
    return tls_fail(t, "TLS handshake failed");
  }
  if (t->direct) {
    const unsigned char *sel = NULL;
    unsigned len = 0;
    SSL_get0_alpn_selected(t->ssl, &sel, &len);
    if (len == 0) {
      /* Without ALPN a direct TLS client may not be a PostgreSQL client at all (PostgreSQL 17
       * refuses these too: ALPN protects against cross-protocol attacks). */
      t->state = PX_TLS_FAILED;
      snprintf(t->why, sizeof t->why,
               "direct TLS connection without ALPN protocol \"postgresql\" refused");
      return PX_PROTO;
    }
  }
  t->state = PX_TLS_OPEN;
  return PX_OK;
}

px_status px_tls_pull(px_tls *t, pgw_buf *in) {
  if (t->state == PX_TLS_FAILED) {
    return PX_PROTO;
  }
  if (t->state == PX_TLS_HANDSHAKE) {
    px_status st = handshake(t);
    if (st != PX_OK || t->state != PX_TLS_OPEN) {
      return st;
    }
  }
  size_t got = 0;
  for (;;) {
    size_t room = pgw_buf_max(in) - pgw_buf_len(in);
    if (room == 0) {
      return PX_OK; /* the rest waits in the read BIO */
    }
    uint8_t *p = NULL;
    size_t avail = 0;
    if (pgw_buf_reserve(in, room < PX_TLS_CHUNK ? room : PX_TLS_CHUNK, &p, &avail) != PGW_OK) {
      return PX_NOMEM;
    }
    ERR_clear_error();
    int r = SSL_read(t->ssl, p, avail > INT32_MAX ? INT32_MAX : (int)avail);
    if (r > 0) {
      pgw_buf_commit(in, (size_t)r);
      got += (size_t)r;
      continue;
    }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      return PX_OK;
    }
    if (e == SSL_ERROR_ZERO_RETURN) {
      if (got > 0) {
        /* Data before the close_notify (e.g. Terminate) is handled first, as with a TCP EOF;
         * the next pull reports the close (OpenSSL keeps answering ZERO_RETURN). */
        return PX_OK;
      }
      t->state = PX_TLS_FAILED;
      snprintf(t->why, sizeof t->why, "client sent TLS close_notify");
      return PX_CLOSED;
    }
    return tls_fail(t, "TLS read failed");
  }
}

static px_status drain_wbio(px_tls *t, pgw_buf *wbuf) {
  for (;;) {
    size_t pending = BIO_ctrl_pending(t->wbio);
    size_t room = pgw_buf_max(wbuf) - pgw_buf_len(wbuf);
    if (pending == 0 || room == 0) {
      return PX_OK;
    }
    size_t want = pending < room ? pending : room;
    uint8_t *p = NULL;
    size_t avail = 0;
    if (pgw_buf_reserve(wbuf, want, &p, &avail) != PGW_OK) {
      return PX_NOMEM;
    }
    int r = BIO_read(t->wbio, p, (int)want);
    if (r <= 0) {
      ERR_clear_error();
      return PX_OK;
    }
    pgw_buf_commit(wbuf, (size_t)r);
  }
}

px_status px_tls_push(px_tls *t, pgw_buf *out, pgw_buf *wbuf) {
  if (t->state == PX_TLS_OPEN) {
    /* Encrypt only what will fit into wbuf, counting a record's overhead generously. */
    while (pgw_buf_len(out) > 0) {
      size_t room = pgw_buf_max(wbuf) - pgw_buf_len(wbuf);
      size_t pending = BIO_ctrl_pending(t->wbio);
      size_t n = pgw_buf_len(out) < PX_TLS_CHUNK ? pgw_buf_len(out) : PX_TLS_CHUNK;
      if (pending + n + 256 > room) {
        break;
      }
      ERR_clear_error();
      int r = SSL_write(t->ssl, pgw_buf_data(out), (int)n);
      if (r <= 0) {
        return tls_fail(t, "TLS write failed");
      }
      pgw_buf_consume(out, (size_t)r);
    }
  }
  return drain_wbio(t, wbuf);
}

size_t px_tls_pending_in(const px_tls *t) {
  return t->rbio != NULL ? BIO_ctrl_pending(t->rbio) : 0;
}

size_t px_tls_pending_out(const px_tls *t) {
  return t->wbio != NULL ? BIO_ctrl_pending(t->wbio) : 0;
}

bool px_tls_shutdown(px_tls *t) {
  if (t->state != PX_TLS_OPEN || t->shut) {
    return false;
  }
  t->shut = true;
  ERR_clear_error();
  (void)SSL_shutdown(t->ssl); /* writes the alert into wbio; the peer's answer is not awaited */
  ERR_clear_error();
  return true;
}

const char *px_tls_version(const px_tls *t) {
  return t->ssl != NULL ? SSL_get_version(t->ssl) : "";
}

const char *px_tls_cipher(const px_tls *t) {
  const char *c = t->ssl != NULL ? SSL_get_cipher_name(t->ssl) : NULL;
  return c != NULL ? c : "";
}

px_status px_tls_endpoint_hash(const px_tls *t, uint8_t *out, size_t cap, size_t *len) {
  if (t->state != PX_TLS_OPEN) {
    return PX_INVAL;
  }
  X509 *cert = SSL_get_certificate(t->ssl); /* borrowed */
  int md_nid = NID_undef;
  if (cert == NULL || X509_get_signature_info(cert, &md_nid, NULL, NULL, NULL) != 1) {
    ERR_clear_error();
    return PX_INVAL;
  }
  if (md_nid == NID_md5 || md_nid == NID_sha1) {
    md_nid = NID_sha256;
  }
  const EVP_MD *md = EVP_get_digestbynid(md_nid);
  unsigned n = 0;
  if (md == NULL || (size_t)EVP_MD_get_size(md) > cap || X509_digest(cert, md, out, &n) != 1) {
    ERR_clear_error();
    return PX_INVAL;
  }
  *len = n;
  return PX_OK;
}

void px_tls_peer_cn(const px_tls *t, char *out, size_t cap) {
  out[0] = '\0';
  X509 *cert = t->ssl != NULL ? SSL_get1_peer_certificate(t->ssl) : NULL;
  if (cert == NULL) {
    return;
  }
  X509_NAME *name = X509_get_subject_name(cert);
  int n = name != NULL ? X509_NAME_get_text_by_NID(name, NID_commonName, out, (int)cap) : -1;
  /* A CN with an embedded NUL could pass as a shorter name: treat it as none. */
  if (n < 0 || (size_t)n != strlen(out)) {
    out[0] = '\0';
  }
  X509_free(cert);
  ERR_clear_error();
}
