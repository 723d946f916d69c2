/* test_px_tls.c — px_tls without sockets: an OpenSSL client on memory BIOs talks to the server
 * session, bytes are carried between them by the test (one byte at a time where it matters).
 * The certificate and key are made here with OpenSSL and written to temporary files, because
 * px_tls_ctx_new reads the files the settings name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "px_tls.h"

static char cert_path[] = "/tmp/test_px_tls_crt.XXXXXX";
static char key_path[] = "/tmp/test_px_tls_key.XXXXXX";
static char other_key_path[] = "/tmp/test_px_tls_key2.XXXXXX";

static void write_key(char *path, EVP_PKEY *k) {
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
  fclose(f);
}

static int setup_files(void **state) {
  (void)state;
  EVP_PKEY *k = EVP_EC_gen("P-256");
  EVP_PKEY *k2 = EVP_EC_gen("P-256");
  X509 *x = X509_new();
  if (k == NULL || k2 == NULL || x == NULL) {
    return -1;
  }
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -60);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600);
  X509_set_pubkey(x, k);
  X509_NAME *n = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
  X509_set_issuer_name(x, n);
  if (X509_sign(x, k, EVP_sha256()) == 0) {
    return -1;
  }
  int fd = mkstemp(cert_path);
  FILE *f = fdopen(fd, "w");
  PEM_write_X509(f, x);
  fclose(f);
  write_key(key_path, k);
  write_key(other_key_path, k2);
  X509_free(x);
  EVP_PKEY_free(k);
  EVP_PKEY_free(k2);
  return 0;
}

static int teardown_files(void **state) {
  (void)state;
  unlink(cert_path);
  unlink(key_path);
  unlink(other_key_path);
  return 0;
}

static conf_redwire settings(const char *key) {
  conf_redwire rw;
  memset(&rw, 0, sizeof rw);
  rw.client_tls_sslmode = CONF_SSLMODE_REQUIRE;
  rw.client_tls_cert_file = cert_path;
  rw.client_tls_key_file = (char *)key;
  rw.client_tls_ca_file = "";
  rw.client_tls_protocols = CONF_TLS_V1_2 | CONF_TLS_V1_3;
  rw.client_tls_ciphers = "HIGH:!aNULL";
  return rw;
}

/* The client end: an SSL on two memory BIOs. */
typedef struct client {
  SSL_CTX *ctx;
  SSL *ssl;
  BIO *in, *out; /* in: bytes from the server; out: bytes to the server */
} client;

static void client_init(client *c, const char *alpn, int max_version) {
  c->ctx = SSL_CTX_new(TLS_client_method());
  assert_non_null(c->ctx);
  SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
  if (max_version != 0) {
    SSL_CTX_set_max_proto_version(c->ctx, max_version);
  }
  c->ssl = SSL_new(c->ctx);
  c->in = BIO_new(BIO_s_mem());
  c->out = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(c->in, -1);
  SSL_set_bio(c->ssl, c->in, c->out);
  SSL_set_connect_state(c->ssl);
  if (alpn != NULL) {
    unsigned char wire[64];
    size_t n = strlen(alpn);
    wire[0] = (unsigned char)n;
    memcpy(wire + 1, alpn, n);
    assert_int_equal(SSL_set_alpn_protos(c->ssl, wire, (unsigned)n + 1), 0);
  }
}

static void client_free(client *c) {
  SSL_free(c->ssl);
  SSL_CTX_free(c->ctx);
}

/* Moves client → server one byte at a time (every split point of every record), then
 * server → client. Returns the server's status after the last pull. */
static px_status pump(client *c, px_tls *t, pgw_buf *in, pgw_buf *out, pgw_buf *wbuf) {
  px_status st = PX_OK;
  for (int round = 0; round < 20; round++) {
    (void)SSL_do_handshake(c->ssl);
    uint8_t b;
    while (BIO_read(c->out, &b, 1) == 1) {
      assert_int_equal(px_tls_feed(t, &b, 1), PX_OK);
      st = px_tls_pull(t, in);
      if (st != PX_OK) {
        return st;
      }
    }
    st = px_tls_push(t, out, wbuf);
    if (st != PX_OK) {
      return st;
    }
    if (pgw_buf_len(wbuf) == 0) {
      if (BIO_ctrl_pending(c->out) == 0) {
        return st;
      }
      continue;
    }
    assert_int_equal(BIO_write(c->in, pgw_buf_data(wbuf), (int)pgw_buf_len(wbuf)),
                     (int)pgw_buf_len(wbuf));
    pgw_buf_consume(wbuf, pgw_buf_len(wbuf));
  }
  return st;
}

static void test_handshake_and_data(void **state) {
  (void)state;
  char why[300];
  conf_redwire rw = settings(key_path);
  SSL_CTX *ctx = px_tls_ctx_new(&rw, why, sizeof why);
  assert_non_null(ctx);
  px_tls t;
  assert_int_equal(px_tls_start(&t, ctx, false), PX_OK);
  SSL_CTX_free(ctx); /* the session keeps its own reference */
  pgw_buf in, out, wbuf;
  pgw_buf_init(&in, 1 << 20);
  pgw_buf_init(&out, 1 << 20);
  pgw_buf_init(&wbuf, 1 << 20);
  /* 'S' goes first, in the clear, before any handshake record. */
  assert_int_equal(px_tls_write_clear(&t, "S", 1), PX_OK);
  assert_int_equal(px_tls_push(&t, &out, &wbuf), PX_OK);
  assert_int_equal(pgw_buf_len(&wbuf), 1);
  assert_int_equal(pgw_buf_data(&wbuf)[0], 'S');
  pgw_buf_consume(&wbuf, 1);

  client c;
  client_init(&c, NULL, 0);
  assert_int_equal(pump(&c, &t, &in, &out, &wbuf), PX_OK);
  assert_int_equal(SSL_is_init_finished(c.ssl), 1);
  assert_int_equal(t.state, PX_TLS_OPEN);
  assert_string_equal(px_tls_version(&t), "TLSv1.3");

  /* client → server */
  const char msg[] = "startup packet inside TLS";
  assert_int_equal(SSL_write(c.ssl, msg, sizeof msg), (int)sizeof msg);
  assert_int_equal(pump(&c, &t, &in, &out, &wbuf), PX_OK);
  assert_int_equal(pgw_buf_len(&in), sizeof msg);
  assert_memory_equal(pgw_buf_data(&in), msg, sizeof msg);

  /* server → client: 100 kB, more than several records */
  size_t big = 100000;
  uint8_t *p = NULL;
  size_t avail = 0;
  assert_int_equal(pgw_buf_reserve(&out, big, &p, &avail), PGW_OK);
  for (size_t i = 0; i < big; i++) {
    p[i] = (uint8_t)(i * 7);
  }
  pgw_buf_commit(&out, big);
  assert_int_equal(pump(&c, &t, &in, &out, &wbuf), PX_OK);
  assert_int_equal(pgw_buf_len(&out), 0);
  uint8_t *got = malloc(big);
  size_t n = 0;
  int r;
  while (n < big && (r = SSL_read(c.ssl, got + n, (int)(big - n))) > 0) {
    n += (size_t)r;
  }
  assert_int_equal(n, big);
  for (size_t i = 0; i < big; i++) {
    assert_int_equal(got[i], (uint8_t)(i * 7));
  }
  free(got);

  /* The server's close_notify (queued once) reaches the client as an orderly end. */
  assert_true(px_tls_shutdown(&t));
  assert_false(px_tls_shutdown(&t));
  assert_int_equal(px_tls_push(&t, &out, &wbuf), PX_OK);
  assert_true(pgw_buf_len(&wbuf) > 0);
  BIO_write(c.in, pgw_buf_data(&wbuf), (int)pgw_buf_len(&wbuf));
  pgw_buf_consume(&wbuf, pgw_buf_len(&wbuf));
  uint8_t one;
  int zr = SSL_read(c.ssl, &one, 1);
  assert_int_equal(SSL_get_error(c.ssl, zr), SSL_ERROR_ZERO_RETURN);

  /* close_notify from the client ends the session, after the data that came before it (a
   * Terminate message, typically) has been handed over. */
  pgw_buf_consume(&in, pgw_buf_len(&in));
  assert_int_equal(SSL_write(c.ssl, "X\0\0\0\4", 5), 5);
  (void)SSL_shutdown(c.ssl);
  uint8_t b[512];
  int k = BIO_read(c.out, b, sizeof b);
  assert_true(k > 0);
  assert_int_equal(px_tls_feed(&t, b, (size_t)k), PX_OK);
  assert_int_equal(px_tls_pull(&t, &in), PX_OK);
  assert_int_equal(pgw_buf_len(&in), 5);
  assert_int_equal(px_tls_pull(&t, &in), PX_CLOSED);

  client_free(&c);
  px_tls_free(&t);
  pgw_buf_free(&in);
  pgw_buf_free(&out);
  pgw_buf_free(&wbuf);
}

/* A small write buffer: push never exceeds its cap, and everything still arrives. */
static void test_backpressure(void **state) {
  (void)state;
  char why[300];
  conf_redwire rw = settings(key_path);
  SSL_CTX *ctx = px_tls_ctx_new(&rw, why, sizeof why);
  px_tls t;
  assert_int_equal(px_tls_start(&t, ctx, false), PX_OK);
  SSL_CTX_free(ctx);
  pgw_buf in, out, wbuf;
  pgw_buf_init(&in, 1 << 16);
  pgw_buf_init(&out, 1 << 20);
  pgw_buf_init(&wbuf, 20000); /* about one record */
  client c;
  client_init(&c, NULL, 0);
  assert_int_equal(pump(&c, &t, &in, &out, &wbuf), PX_OK);
  assert_int_equal(t.state, PX_TLS_OPEN);
  size_t big = 200000;
  uint8_t *p = NULL;
  size_t avail = 0;
  assert_int_equal(pgw_buf_reserve(&out, big, &p, &avail), PGW_OK);
  memset(p, 'x', big);
  pgw_buf_commit(&out, big);
  size_t received = 0, pushes = 0;
  uint8_t *sink = malloc(big);
  while (received < big) {
    assert_int_equal(px_tls_push(&t, &out, &wbuf), PX_OK);
    assert_true(pgw_buf_len(&wbuf) <= 20000);
    assert_true(pgw_buf_len(&wbuf) > 0);
    pushes++;
    BIO_write(c.in, pgw_buf_data(&wbuf), (int)pgw_buf_len(&wbuf));
    pgw_buf_consume(&wbuf, pgw_buf_len(&wbuf));
    int r;
    while ((r = SSL_read(c.ssl, sink, (int)big)) > 0) {
      received += (size_t)r;
    }
  }
  assert_int_equal(received, big);
  assert_true(pushes >= big / 20000);
  free(sink);
  client_free(&c);
  px_tls_free(&t);
  pgw_buf_free(&in);
  pgw_buf_free(&out);
  pgw_buf_free(&wbuf);
}

/* Direct TLS: ALPN "postgresql" is required; other ALPN protocols are refused in any mode. */
static px_tls_state direct_with(const char *alpn, bool direct) {
  char why[300];
  conf_redwire rw = settings(key_path);
  SSL_CTX *ctx = px_tls_ctx_new(&rw, why, sizeof why);
  px_tls t;
  assert_int_equal(px_tls_start(&t, ctx, direct), PX_OK);
  SSL_CTX_free(ctx);
  pgw_buf in, out, wbuf;
  pgw_buf_init(&in, 1 << 16);
  pgw_buf_init(&out, 1 << 16);
  pgw_buf_init(&wbuf, 1 << 16);
  client c;
  client_init(&c, alpn, 0);
  px_status st = pump(&c, &t, &in, &out, &wbuf);
  px_tls_state s = t.state;
  assert_int_equal(st == PX_OK, s != PX_TLS_FAILED);
  if (s == PX_TLS_FAILED) {
    assert_true(strlen(t.why) > 0);
  }
  client_free(&c);
  px_tls_free(&t);
  pgw_buf_free(&in);
  pgw_buf_free(&out);
  pgw_buf_free(&wbuf);
  return s;
}

static void test_alpn(void **state) {
  (void)state;
  assert_int_equal(direct_with("postgresql", true), PX_TLS_OPEN);
  assert_int_equal(direct_with(NULL, true), PX_TLS_FAILED);
  assert_int_equal(direct_with("http/1.1", true), PX_TLS_FAILED);
  assert_int_equal(direct_with(NULL, false), PX_TLS_OPEN);
  assert_int_equal(direct_with("postgresql", false), PX_TLS_OPEN);
  assert_int_equal(direct_with("http/1.1", false), PX_TLS_FAILED);
}

static void test_protocol_floor(void **state) {
  (void)state;
  char why[300];
  conf_redwire rw = settings(key_path);
  SSL_CTX *ctx = px_tls_ctx_new(&rw, why, sizeof why);
  px_tls t;
  assert_int_equal(px_tls_start(&t, ctx, false), PX_OK);
  SSL_CTX_free(ctx);
  pgw_buf in, out, wbuf;
  pgw_buf_init(&in, 1 << 16);
  pgw_buf_init(&out, 1 << 16);
  pgw_buf_init(&wbuf, 1 << 16);
  client c;
  client_init(&c, NULL, TLS1_1_VERSION);
  assert_int_equal(pump(&c, &t, &in, &out, &wbuf), PX_PROTO);
  assert_int_equal(t.state, PX_TLS_FAILED);
  client_free(&c);
  px_tls_free(&t);
  pgw_buf_free(&in);
  pgw_buf_free(&out);
  pgw_buf_free(&wbuf);
}

static void test_ctx_errors(void **state) {
  (void)state;
  char why[300];
  conf_redwire rw = settings(other_key_path);
  assert_null(px_tls_ctx_new(&rw, why, sizeof why));
  /* OpenSSL notices the mismatch while loading the key ("key values mismatch"). */
  assert_non_null(strstr(why, "client_tls_key_file"));
  assert_true(strstr(why, "mismatch") != NULL || strstr(why, "does not match") != NULL);
  rw = settings("/nonexistent/key.pem");
  assert_null(px_tls_ctx_new(&rw, why, sizeof why));
  assert_non_null(strstr(why, "client_tls_key_file /nonexistent/key.pem"));
  rw = settings("");
  assert_null(px_tls_ctx_new(&rw, why, sizeof why));
  assert_non_null(strstr(why, "client_tls_key_file"));
  rw = settings(key_path);
  rw.client_tls_sslmode = CONF_SSLMODE_VERIFY_FULL;
  assert_null(px_tls_ctx_new(&rw, why, sizeof why));
  assert_non_null(strstr(why, "client_tls_ca_file"));
  rw = settings(key_path);
  rw.client_tls_protocols = CONF_TLS_V1_2;
  rw.client_tls_ciphers = "NO-SUCH-CIPHER";
  assert_null(px_tls_ctx_new(&rw, why, sizeof why));
  assert_non_null(strstr(why, "client_tls_ciphers"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_handshake_and_data),
      cmocka_unit_test(test_backpressure),
      cmocka_unit_test(test_alpn),
      cmocka_unit_test(test_protocol_floor),
      cmocka_unit_test(test_ctx_errors),
  };
  return cmocka_run_group_tests(tests, setup_files, teardown_files);
}
