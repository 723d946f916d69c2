/*
 * test_auth_scram.c — the SCRAM-SHA-256 server: RFC 7677's example exchange byte for byte,
 * verifier building and parsing, and every way a client message can be refused.
 *
 * Expected verifiers and proofs that are not in the RFC were computed independently with
 * Python's hashlib/hmac (PBKDF2-HMAC-SHA-256, the formulas of RFC 5802 §3); the small client in
 * this file (client_final) recomputes proofs for random verifiers from the same formulas.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "auth_scram.h"

/* RFC 7677 §3. */
#define RFC_CLIENT_FIRST "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"
#define RFC_SERVER_NONCE "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
#define RFC_NONCE        "rOprNGfwEbeRWgbNEkqO" RFC_SERVER_NONCE
#define RFC_SALT_B64     "W22ZaJ0SNY7soEsUEjb6gQ=="
#define RFC_SERVER_FIRST "r=" RFC_NONCE ",s=" RFC_SALT_B64 ",i=4096"
#define RFC_PROOF        "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define RFC_CLIENT_FINAL "c=biws,r=" RFC_NONCE ",p=" RFC_PROOF
#define RFC_SERVER_FINAL "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="
/* "pencil" with the RFC's salt and iterations (Python hashlib). */
#define RFC_VERIFIER                                                                               \
  "SCRAM-SHA-256$4096:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"              \
  "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="
/* The RFC exchange with GS2 flag "y" (Python hashlib/hmac). */
#define Y_CLIENT_FINAL "c=eSws,r=" RFC_NONCE ",p=FoqiHTtQEDE8lz1CdaEe3tK4mS+iMDTl77SPyDS53DY="
#define Y_SERVER_FINAL "v=dI4KpiQJwBr1+V+K6U1dA6l6I4I9DUNXWND4pcpRU3U="

static const uint8_t RFC_SALT[] = {0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12, 0x35, 0x8e,
                                   0xec, 0xa0, 0x4b, 0x14, 0x12, 0x36, 0xfa, 0x81};

/* A nonce source that hands out a fixed string. */
static size_t fixed_nonce(void *ctx, char *out, size_t cap) {
  const char *nonce = ctx;
  size_t n = strlen(nonce);
  if (n > cap)
    return 0;
  memcpy(out, nonce, n);
  return n;
}

static size_t failing_nonce(void *ctx, char *out, size_t cap) {
  (void)ctx;
  (void)out;
  (void)cap;
  return 0;
}

#define S(lit) (const uint8_t *)(lit), strlen(lit)

typedef struct exchange {
  auth_scram_server s;
  char out[2048];
  size_t out_len;
} exchange;

static exchange *new_exchange(const char *verifier, bool plus) {
  exchange *x = calloc(1, sizeof(*x));
  assert_non_null(x);
  assert_int_equal(auth_scram_server_init(&x->s, verifier, strlen(verifier), plus), AUTH_SCRAM_OK);
  return x;
}

static void free_exchange(exchange *x) {
  auth_scram_server_clear(&x->s);
  free(x);
}

static auth_scram_rc first(exchange *x, const char *client_first, const char *server_nonce) {
  return auth_scram_server_first(&x->s, S(client_first), fixed_nonce, (void *)server_nonce, x->out,
                                 sizeof(x->out), &x->out_len);
}

static auth_scram_rc final(exchange *x, const char *client_final) {
  return auth_scram_server_final(&x->s, S(client_final), x->out, sizeof(x->out), &x->out_len);
}

/* Runs the RFC's first step, then client_final; returns the final status. */
static auth_scram_rc rfc_then(const char *verifier, const char *client_final) {
  exchange *x = new_exchange(verifier, false);
  assert_int_equal(first(x, RFC_CLIENT_FIRST, RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  auth_scram_rc rc = final(x, client_final);
  if (rc != AUTH_SCRAM_OK) {
    assert_int_equal(x->s.state, AUTH_SCRAM_STATE_FAILED);
    /* A failed exchange stays failed. */
    assert_int_equal(final(x, RFC_CLIENT_FINAL), AUTH_SCRAM_ESTATE);
  }
  free_exchange(x);
  return rc;
}

static auth_scram_rc first_only(const char *client_first, bool plus) {
  exchange *x = new_exchange(RFC_VERIFIER, plus);
  auth_scram_rc rc = first(x, client_first, RFC_SERVER_NONCE);
  if (rc != AUTH_SCRAM_OK)
    assert_int_equal(x->s.state, AUTH_SCRAM_STATE_FAILED);
  free_exchange(x);
  return rc;
}

/* ---- a minimal SCRAM client (RFC 5802 §3), to compute proofs for arbitrary verifiers ---- */

static void b64(const uint8_t *in, size_t n, char *out) {
  EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

/* Builds client-final-message for password, given the exchange's earlier messages. */
static void client_final(const char *password, const uint8_t *salt, size_t salt_len,
                         unsigned iterations, const char *client_first_bare,
                         const char *server_first, const char *without_proof, char *out,
                         size_t cap) {
  uint8_t salted[32], ck[32], sk[32], sig[32], proof[32];
  unsigned len = 0;
  assert_int_equal(PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, (int)salt_len,
                                     (int)iterations, EVP_sha256(), 32, salted),
                   1);
  assert_non_null(HMAC(EVP_sha256(), salted, 32, (const uint8_t *)"Client Key", 10, ck, &len));
  SHA256(ck, 32, sk);
  char auth_msg[4096];
  snprintf(auth_msg, sizeof(auth_msg), "%s,%s,%s", client_first_bare, server_first, without_proof);
  assert_non_null(
      HMAC(EVP_sha256(), sk, 32, (const uint8_t *)auth_msg, strlen(auth_msg), sig, &len));
  for (int i = 0; i < 32; i++)
    proof[i] = ck[i] ^ sig[i];
  char proof_b64[64];
  b64(proof, 32, proof_b64);
  snprintf(out, cap, "%s,p=%s", without_proof, proof_b64);
}

/* ---- RFC 7677 ---- */

static void test_rfc7677_exchange(void **state) {
  (void)state;
  exchange *x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(x->s.state, AUTH_SCRAM_STATE_INIT);
  assert_int_equal(first(x, RFC_CLIENT_FIRST, RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  assert_string_equal(x->out, RFC_SERVER_FIRST);
  assert_int_equal(x->out_len, strlen(RFC_SERVER_FIRST));
  assert_int_equal(x->s.state, AUTH_SCRAM_STATE_SENT_FIRST);
  assert_int_equal(final(x, RFC_CLIENT_FINAL), AUTH_SCRAM_OK);
  assert_string_equal(x->out, RFC_SERVER_FINAL);
  assert_int_equal(x->out_len, strlen(RFC_SERVER_FINAL));
  assert_int_equal(x->s.state, AUTH_SCRAM_STATE_DONE);
  /* Done is terminal too. */
  assert_int_equal(final(x, RFC_CLIENT_FINAL), AUTH_SCRAM_ESTATE);
  free_exchange(x);
}

static void test_build_verifier_rfc(void **state) {
  (void)state;
  char v[AUTH_SCRAM_VERIFIER_MAX];
  size_t n = 0;
  assert_int_equal(
      auth_scram_build_verifier("pencil", 6, RFC_SALT, sizeof(RFC_SALT), 4096, v, sizeof(v), &n),
      AUTH_SCRAM_OK);
  assert_string_equal(v, RFC_VERIFIER);
  assert_int_equal(n, strlen(RFC_VERIFIER));
  /* The built verifier accepts the RFC's proof: its keys are the RFC's keys. */
  assert_int_equal(rfc_then(v, RFC_CLIENT_FINAL), AUTH_SCRAM_OK);

  /* Output buffer one byte short. */
  assert_int_equal(auth_scram_build_verifier("pencil", 6, RFC_SALT, sizeof(RFC_SALT), 4096, v,
                                             strlen(RFC_VERIFIER), &n),
                   AUTH_SCRAM_EBUFFER);
  /* Bad arguments. */
  assert_int_equal(
      auth_scram_build_verifier("pencil", 6, RFC_SALT, sizeof(RFC_SALT), 0, v, sizeof(v), &n),
      AUTH_SCRAM_EINVAL);
  assert_int_equal(auth_scram_build_verifier("pencil", 6, RFC_SALT, 0, 4096, v, sizeof(v), &n),
                   AUTH_SCRAM_EINVAL);
  assert_int_equal(
      auth_scram_build_verifier("pen\0cil", 7, RFC_SALT, sizeof(RFC_SALT), 4096, v, sizeof(v), &n),
      AUTH_SCRAM_EINVAL);
}

/* Verifiers written by PostgreSQL 15 (CREATE ROLE ... PASSWORD with password_encryption =
 * 'scram-sha-256', read back from pg_authid): rebuilding them from the password with their salt
 * and iteration count must give the same string. The tab in the third is an ASCII control
 * character, which SASLprep prohibits, so PostgreSQL used the raw bytes. */
static void test_build_verifier_matches_postgresql(void **state) {
  (void)state;
  static const struct {
    const char *password;
    const char *verifier;
  } pg[] = {
      {"pencil", "SCRAM-SHA-256$4096:/vHQJ4m8tfa+eBwW4F2Pvw==$ZiYHUjCvxf7sTkVTXpRCpu0F+3D4jHMqIwI9"
                 "DPOMPGQ=:EROFjGOebhsNhUzYKYBpUCNdrr9CFGAMxqCgvuaWUyQ="},
      {"correct horse battery staple",
       "SCRAM-SHA-256$4096:k6JSVqGjaLAdny6q++djaA==$cJaKD0qvQDAUcfIm2F9pR5kbPAzitO0pBi1pgGWcgvs=:"
       "MckcZICfTxrAIUGNjJSQNzIMVJHgUoAuzsCogynxPh4="},
      {"tab\there",
       "SCRAM-SHA-256$4096:zaSL7uRXky1x1ETHKzexSg==$t6nB4d7dkP2NB+MDGyxiwVuHlstaZxbJ0v+"
       "vROJSfoQ=:WS6RqRFCWs1ec+nL00pQ8uyWWfMy8LiOJHrO86vUCQo="},
  };
  for (size_t i = 0; i < sizeof(pg) / sizeof(pg[0]); i++) {
    auth_scram_verifier v;
    assert_int_equal(auth_scram_parse_verifier(pg[i].verifier, strlen(pg[i].verifier), &v),
                     AUTH_SCRAM_OK);
    char out[AUTH_SCRAM_VERIFIER_MAX];
    size_t n = 0;
    assert_int_equal(auth_scram_build_verifier(pg[i].password, strlen(pg[i].password), v.salt,
                                               v.salt_len, v.iterations, out, sizeof(out), &n),
                     AUTH_SCRAM_OK);
    assert_string_equal(out, pg[i].verifier);
  }
}

static void test_mock_verifier(void **state) {
  (void)state;
  char v1[AUTH_SCRAM_VERIFIER_MAX], v2[AUTH_SCRAM_VERIFIER_MAX];
  size_t n1 = 0, n2 = 0;
  assert_int_equal(auth_scram_mock_verifier(v1, sizeof(v1), &n1), AUTH_SCRAM_OK);
  assert_int_equal(auth_scram_mock_verifier(v2, sizeof(v2), &n2), AUTH_SCRAM_OK);
  auth_scram_verifier p;
  assert_int_equal(auth_scram_parse_verifier(v1, n1, &p), AUTH_SCRAM_OK); /* the stored format */
  assert_int_equal(p.iterations, AUTH_SCRAM_DEFAULT_ITERATIONS);
  assert_false(n1 == n2 && memcmp(v1, v2, n1) == 0); /* random each time */
  char tiny[8];
  assert_int_equal(auth_scram_mock_verifier(tiny, sizeof(tiny), &n1), AUTH_SCRAM_EBUFFER);
}

static void test_make_verifier_random(void **state) {
  (void)state;
  char v1[AUTH_SCRAM_VERIFIER_MAX], v2[AUTH_SCRAM_VERIFIER_MAX];
  size_t n1 = 0, n2 = 0;
  assert_int_equal(auth_scram_make_verifier("s3cret", 6, v1, sizeof(v1), &n1), AUTH_SCRAM_OK);
  assert_int_equal(auth_scram_make_verifier("s3cret", 6, v2, sizeof(v2), &n2), AUTH_SCRAM_OK);
  assert_string_not_equal(v1, v2); /* fresh salt each time */
  auth_scram_verifier pv;
  assert_int_equal(auth_scram_parse_verifier(v1, n1, &pv), AUTH_SCRAM_OK);
  assert_int_equal(pv.iterations, AUTH_SCRAM_DEFAULT_ITERATIONS);
  assert_int_equal(pv.salt_len, AUTH_SCRAM_DEFAULT_SALT_LEN);

  /* A full exchange with the test client and a random server nonce. */
  exchange *x = new_exchange(v1, false);
  assert_int_equal(auth_scram_server_first(&x->s, S("n,,n=,r=clientnonce123"),
                                           auth_scram_random_nonce, NULL, x->out, sizeof(x->out),
                                           &x->out_len),
                   AUTH_SCRAM_OK);
  char server_first[sizeof(x->out)];
  memcpy(server_first, x->out, sizeof(server_first));
  assert_int_equal(strncmp(server_first, "r=clientnonce123", 16), 0);
  const char *comma = strchr(server_first, ',');
  assert_non_null(comma);
  assert_int_equal(comma - server_first, 2 + 14 + 24); /* 24-character random server nonce */
  char without_proof[256], cf[512];
  snprintf(without_proof, sizeof(without_proof), "c=biws,r=%.*s", (int)(comma - server_first - 2),
           server_first + 2);
  client_final("s3cret", pv.salt, pv.salt_len, pv.iterations, "n=,r=clientnonce123", server_first,
               without_proof, cf, sizeof(cf));
  assert_int_equal(final(x, cf), AUTH_SCRAM_OK);
  assert_int_equal(strncmp(x->out, "v=", 2), 0);
  free_exchange(x);

  /* The same client with the wrong password. */
  x = new_exchange(v1, false);
  assert_int_equal(first(x, "n,,n=,r=abc", "def"), AUTH_SCRAM_OK);
  client_final("s3creT", pv.salt, pv.salt_len, pv.iterations, "n=,r=abc", x->out, "c=biws,r=abcdef",
               cf, sizeof(cf));
  assert_int_equal(final(x, cf), AUTH_SCRAM_EPASSWORD);
  free_exchange(x);
}

static void test_non_ascii_password_raw_utf8(void **state) {
  (void)state;
  /* "pässwörd" in UTF-8 is used as raw bytes; the test client does the same. */
  const char *pw = "p\xc3\xa4sswo\xcc\x88rd";
  char v[AUTH_SCRAM_VERIFIER_MAX];
  size_t n = 0;
  assert_int_equal(
      auth_scram_build_verifier(pw, strlen(pw), RFC_SALT, sizeof(RFC_SALT), 16, v, sizeof(v), &n),
      AUTH_SCRAM_OK);
  exchange *x = new_exchange(v, false);
  assert_int_equal(first(x, "n,,n=*,r=abc", "xyz"), AUTH_SCRAM_OK);
  char cf[512];
  client_final(pw, RFC_SALT, sizeof(RFC_SALT), 16, "n=*,r=abc", x->out, "c=biws,r=abcxyz", cf,
               sizeof(cf));
  assert_int_equal(final(x, cf), AUTH_SCRAM_OK);
  free_exchange(x);
}

/* ---- failures of client-final-message ---- */

static void test_wrong_password(void **state) {
  (void)state;
  char v[AUTH_SCRAM_VERIFIER_MAX];
  size_t n = 0;
  assert_int_equal(
      auth_scram_build_verifier("pencil2", 7, RFC_SALT, sizeof(RFC_SALT), 4096, v, sizeof(v), &n),
      AUTH_SCRAM_OK);
  assert_int_equal(rfc_then(v, RFC_CLIENT_FINAL), AUTH_SCRAM_EPASSWORD);
  assert_string_equal(auth_scram_sqlstate(AUTH_SCRAM_EPASSWORD), "28P01");
  /* One flipped proof byte: "dHzb" -> "dHzc". */
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE
                                          ",p=dHzcZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="),
                   AUTH_SCRAM_EPASSWORD);
}

static void test_tampered_nonce(void **state) {
  (void)state;
  /* Last server-nonce character changed, one dropped, one added, client part only. */
  assert_int_equal(rfc_then(RFC_VERIFIER,
                            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1"
                            ",p=" RFC_PROOF),
                   AUTH_SCRAM_ENONCE_MISMATCH);
  assert_int_equal(rfc_then(RFC_VERIFIER,
                            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k"
                            ",p=" RFC_PROOF),
                   AUTH_SCRAM_ENONCE_MISMATCH);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE "0,p=" RFC_PROOF),
                   AUTH_SCRAM_ENONCE_MISMATCH);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=rOprNGfwEbeRWgbNEkqO,p=" RFC_PROOF),
                   AUTH_SCRAM_ENONCE_MISMATCH);
  assert_string_equal(auth_scram_sqlstate(AUTH_SCRAM_ENONCE_MISMATCH), "08P01");
}

static void test_bad_base64(void **state) {
  (void)state;
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=bi*s,r=" RFC_NONCE ",p=" RFC_PROOF),
                   AUTH_SCRAM_EBASE64);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biw,r=" RFC_NONCE ",p=" RFC_PROOF),
                   AUTH_SCRAM_EBASE64);
  assert_int_equal(rfc_then(RFC_VERIFIER,
                            "c=biws,r=" RFC_NONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ"),
                   AUTH_SCRAM_EBASE64);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE
                                          ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgs mmiz7AndVQ="),
                   AUTH_SCRAM_EBASE64);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE ",p=d=zbZapW"), AUTH_SCRAM_EBASE64);
  /* Valid base64 of the wrong length: 30 and 33 bytes. */
  assert_int_equal(
      rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7An"),
      AUTH_SCRAM_EPROOF_LEN);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE
                                          ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQA"),
                   AUTH_SCRAM_EPROOF_LEN);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE ",p="), AUTH_SCRAM_EPROOF_LEN);
}

static void test_missing_attributes_final(void **state) {
  (void)state;
  assert_int_equal(rfc_then(RFC_VERIFIER, "r=" RFC_NONCE ",p=" RFC_PROOF), AUTH_SCRAM_EATTR);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,p=" RFC_PROOF), AUTH_SCRAM_EATTR);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE), AUTH_SCRAM_EATTR);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE ","), AUTH_SCRAM_EATTR);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE ",p=" RFC_PROOF ",x=1"),
                   AUTH_SCRAM_EATTR);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE ",,p=" RFC_PROOF),
                   AUTH_SCRAM_EATTR);
  assert_int_equal(rfc_then(RFC_VERIFIER, ""), AUTH_SCRAM_EATTR);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws"), AUTH_SCRAM_EATTR);
  /* Channel-binding echo of another header. */
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=eSws,r=" RFC_NONCE ",p=" RFC_PROOF),
                   AUTH_SCRAM_ECBIND_MISMATCH);
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=,r=" RFC_NONCE ",p=" RFC_PROOF),
                   AUTH_SCRAM_ECBIND_MISMATCH);
}

static void test_final_extension_is_signed(void **state) {
  (void)state;
  /* An extension before p= is accepted and is part of AuthMessage (proof computed over it). */
  exchange *x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(first(x, RFC_CLIENT_FIRST, RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  char cf[512];
  client_final("pencil", RFC_SALT, sizeof(RFC_SALT), 4096, "n=user,r=rOprNGfwEbeRWgbNEkqO",
               RFC_SERVER_FIRST, "c=biws,r=" RFC_NONCE ",x=ext", cf, sizeof(cf));
  assert_int_equal(final(x, cf), AUTH_SCRAM_OK);
  free_exchange(x);
  /* The RFC proof with an extension inserted no longer matches. */
  assert_int_equal(rfc_then(RFC_VERIFIER, "c=biws,r=" RFC_NONCE ",x=ext,p=" RFC_PROOF),
                   AUTH_SCRAM_EPASSWORD);
}

/* ---- client-first-message ---- */

static void test_channel_binding_flag_y(void **state) {
  (void)state;
  exchange *x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(first(x, "y,,n=user,r=rOprNGfwEbeRWgbNEkqO", RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  assert_string_equal(x->out, RFC_SERVER_FIRST);
  assert_int_equal(final(x, Y_CLIENT_FINAL), AUTH_SCRAM_OK);
  assert_string_equal(x->out, Y_SERVER_FINAL);
  free_exchange(x);

  /* "y" but c=biws (the "n,," header): the echo must repeat what was sent. */
  x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(first(x, "y,,n=user,r=rOprNGfwEbeRWgbNEkqO", RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  assert_int_equal(final(x, RFC_CLIENT_FINAL), AUTH_SCRAM_ECBIND_MISMATCH);
  free_exchange(x);

  /* Once the server advertises -PLUS, "y" is a downgrade. */
  assert_int_equal(first_only("y,,n=user,r=abc", true), AUTH_SCRAM_EDOWNGRADE);
  assert_int_equal(first_only("n,,n=user,r=abc", true), AUTH_SCRAM_OK);
}

static void test_channel_binding_p_refused(void **state) {
  (void)state;
  assert_int_equal(first_only("p=tls-server-end-point,,n=user,r=abc", false),
                   AUTH_SCRAM_ECHANNEL_BINDING);
  assert_int_equal(first_only("p=tls-unique,,n=user,r=abc", true), AUTH_SCRAM_ECHANNEL_BINDING);
  assert_string_equal(auth_scram_sqlstate(AUTH_SCRAM_ECHANNEL_BINDING), "08P01");
  assert_non_null(strstr(auth_scram_strerror(AUTH_SCRAM_ECHANNEL_BINDING), "channel binding"));
}

/* SCRAM-SHA-256-PLUS: c= must carry the GS2 header and exactly the server's certificate hash. */
static auth_scram_rc plus_exchange(const uint8_t *server_hash, const uint8_t *client_hash,
                                   bool *bound) {
  exchange *x = calloc(1, sizeof(*x));
  assert_non_null(x);
  assert_int_equal(
      auth_scram_server_init_plus(&x->s, RFC_VERIFIER, strlen(RFC_VERIFIER), server_hash, 32),
      AUTH_SCRAM_OK);
  static const char hdr[] = "p=tls-server-end-point,,";
  char cf[128];
  snprintf(cf, sizeof cf, "%sn=user,r=rOprNGfwEbeRWgbNEkqO", hdr);
  assert_int_equal(first(x, cf, RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  assert_string_equal(x->out, RFC_SERVER_FIRST);
  *bound = auth_scram_server_bound(&x->s);
  uint8_t cbind[64];
  memcpy(cbind, hdr, sizeof hdr - 1);
  memcpy(cbind + sizeof hdr - 1, client_hash, 32);
  char cbind_b64[128], without_proof[256], cfinal[512];
  b64(cbind, sizeof hdr - 1 + 32, cbind_b64);
  snprintf(without_proof, sizeof without_proof, "c=%s,r=%s", cbind_b64, RFC_NONCE);
  client_final("pencil", RFC_SALT, sizeof RFC_SALT, 4096, "n=user,r=rOprNGfwEbeRWgbNEkqO",
               RFC_SERVER_FIRST, without_proof, cfinal, sizeof cfinal);
  auth_scram_rc rc = final(x, cfinal);
  free_exchange(x);
  return rc;
}

static void test_channel_binding_plus(void **state) {
  (void)state;
  uint8_t hash[32], other[32];
  for (int i = 0; i < 32; i++) {
    hash[i] = (uint8_t)i;
    other[i] = (uint8_t)(i + 1);
  }
  bool bound = false;
  assert_int_equal(plus_exchange(hash, hash, &bound), AUTH_SCRAM_OK);
  assert_true(bound);
  /* The client saw another certificate (a man in the middle): the binding does not match. */
  assert_int_equal(plus_exchange(hash, other, &bound), AUTH_SCRAM_ECBIND_MISMATCH);
  /* -PLUS offered, the client does not bind ("n"): plain SCRAM, not bound. */
  exchange *x = calloc(1, sizeof(*x));
  assert_non_null(x);
  assert_int_equal(auth_scram_server_init_plus(&x->s, RFC_VERIFIER, strlen(RFC_VERIFIER), hash, 32),
                   AUTH_SCRAM_OK);
  assert_int_equal(first(x, RFC_CLIENT_FIRST, RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  assert_false(auth_scram_server_bound(&x->s));
  assert_int_equal(final(x, RFC_CLIENT_FINAL), AUTH_SCRAM_OK);
  free_exchange(x);
  /* Only tls-server-end-point is offered. */
  x = calloc(1, sizeof(*x));
  assert_non_null(x);
  assert_int_equal(auth_scram_server_init_plus(&x->s, RFC_VERIFIER, strlen(RFC_VERIFIER), hash, 32),
                   AUTH_SCRAM_OK);
  assert_int_equal(first(x, "p=tls-unique,,n=user,r=abc", RFC_SERVER_NONCE),
                   AUTH_SCRAM_ECHANNEL_BINDING);
  free_exchange(x);
  /* No binding data is an argument error. */
  auth_scram_server s;
  assert_int_equal(auth_scram_server_init_plus(&s, RFC_VERIFIER, strlen(RFC_VERIFIER), hash, 0),
                   AUTH_SCRAM_EINVAL);
}

static void test_gs2_header_errors(void **state) {
  (void)state;
  assert_int_equal(first_only("", false), AUTH_SCRAM_EGS2);
  assert_int_equal(first_only("n", false), AUTH_SCRAM_EGS2);
  assert_int_equal(first_only("n,", false), AUTH_SCRAM_EGS2);
  assert_int_equal(first_only("x,,n=user,r=abc", false), AUTH_SCRAM_EGS2);
  assert_int_equal(first_only("nn,,n=user,r=abc", false), AUTH_SCRAM_EGS2);
  assert_int_equal(first_only("n,b,n=user,r=abc", false), AUTH_SCRAM_EGS2);
  assert_int_equal(first_only("n,a=admin,n=user,r=abc", false), AUTH_SCRAM_EAUTHZID);
  assert_int_equal(first_only("n,,m=ext,n=user,r=abc", false), AUTH_SCRAM_EEXTENSION);
}

static void test_missing_attributes_first(void **state) {
  (void)state;
  assert_int_equal(first_only("n,,", false), AUTH_SCRAM_EATTR);
  assert_int_equal(first_only("n,,r=abc", false), AUTH_SCRAM_EATTR);
  assert_int_equal(first_only("n,,n=user", false), AUTH_SCRAM_EATTR);
  assert_int_equal(first_only("n,,n=user,", false), AUTH_SCRAM_EATTR);
  assert_int_equal(first_only("n,,n=user,x=abc", false), AUTH_SCRAM_EATTR);
  assert_int_equal(first_only("n,,n=user,r=abc,", false), AUTH_SCRAM_EATTR);
  assert_int_equal(first_only("n,,n=user,r=abc,junk", false), AUTH_SCRAM_EATTR);
  assert_int_equal(first_only("n,,n=user,r=", false), AUTH_SCRAM_ENONCE);
  assert_int_equal(first_only("n,,n=user,r=a b", false), AUTH_SCRAM_ENONCE);
  assert_int_equal(first_only("n,,n=user,r=\x7f", false), AUTH_SCRAM_ENONCE);
  /* Extensions after the nonce are ignored, as PostgreSQL does. */
  assert_int_equal(first_only("n,,n=user,r=abc,x=1,Y=", false), AUTH_SCRAM_OK);
}

static void test_saslname_escaping(void **state) {
  (void)state;
  assert_int_equal(first_only("n,,n=a=2Cb=3Dc,r=abc", false), AUTH_SCRAM_OK);
  assert_int_equal(first_only("n,,n=,r=abc", false), AUTH_SCRAM_OK); /* libpq sends this */
  assert_int_equal(first_only("n,,n=a=b,r=abc", false), AUTH_SCRAM_ENAME);
  assert_int_equal(first_only("n,,n=a=2c,r=abc", false), AUTH_SCRAM_ENAME);
  assert_int_equal(first_only("n,,n=a=2,r=abc", false), AUTH_SCRAM_ENAME);
  assert_int_equal(first_only("n,,n=a=,r=abc", false), AUTH_SCRAM_ENAME);
  assert_int_equal(first_only("n,,n=a=3E,r=abc", false), AUTH_SCRAM_ENAME);
}

static void test_nul_and_overlong(void **state) {
  (void)state;
  exchange *x = new_exchange(RFC_VERIFIER, false);
  static const char with_nul[] = "n,,n=us\0er,r=abc";
  assert_int_equal(auth_scram_server_first(&x->s, (const uint8_t *)with_nul, sizeof(with_nul) - 1,
                                           fixed_nonce, (void *)"x", x->out, sizeof(x->out),
                                           &x->out_len),
                   AUTH_SCRAM_ENUL);
  free_exchange(x);

  /* client-first of exactly AUTH_SCRAM_MAX_MESSAGE bytes is fine, one more is not. */
  char *msg = malloc(AUTH_SCRAM_MAX_MESSAGE + 2);
  assert_non_null(msg);
  strcpy(msg, "n,,n=user,r=");
  size_t head = strlen(msg);
  memset(msg + head, 'N', AUTH_SCRAM_MAX_MESSAGE - head);
  msg[AUTH_SCRAM_MAX_MESSAGE] = '\0';
  x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(first(x, msg, RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  /* And the exchange still completes with such a long nonce. */
  char nonce[AUTH_SCRAM_MAX_MESSAGE + 64], without_proof[AUTH_SCRAM_MAX_MESSAGE + 128];
  char cf[AUTH_SCRAM_MAX_MESSAGE + 256], server_first[sizeof(x->out)];
  memcpy(server_first, x->out, sizeof(server_first));
  snprintf(nonce, sizeof(nonce), "%s%s", msg + head, RFC_SERVER_NONCE);
  snprintf(without_proof, sizeof(without_proof), "c=biws,r=%s", nonce);
  client_final("pencil", RFC_SALT, sizeof(RFC_SALT), 4096, msg + 3, server_first, without_proof, cf,
               sizeof(cf));
  /* ... unless client-final itself exceeds the limit, which it does here. */
  assert_true(strlen(cf) > AUTH_SCRAM_MAX_MESSAGE);
  assert_int_equal(final(x, cf), AUTH_SCRAM_ETOOLONG);
  free_exchange(x);

  msg[AUTH_SCRAM_MAX_MESSAGE] = 'N';
  msg[AUTH_SCRAM_MAX_MESSAGE + 1] = '\0';
  assert_int_equal(first_only(msg, false), AUTH_SCRAM_ETOOLONG);
  free(msg);
}

/* ---- verifiers, nonce sources, state and buffers ---- */

static void test_parse_verifier_errors(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",
      "md5a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7",
      "SCRAM-SHA-1$4096:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
      "SCRAM-SHA-256$0:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
      "SCRAM-SHA-256$04096:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
      "SCRAM-SHA-256$2147483648:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
      "SCRAM-SHA-256$-1:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
      "SCRAM-SHA-256$4096:$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
      "SCRAM-SHA-256$4096:W22Z!J0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
      "SCRAM-SHA-256$4096:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=",
      "SCRAM-SHA-256$4096:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4q===:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
      "SCRAM-SHA-256$4096:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU",
      "SCRAM-SHA-256$4096:" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=x",
      "SCRAM-SHA-256$4096" RFC_SALT_B64 "$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
      "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    auth_scram_verifier v;
    if (auth_scram_parse_verifier(bad[i], strlen(bad[i]), &v) != AUTH_SCRAM_EVERIFIER)
      fail_msg("accepted bad verifier #%zu: %s", i, bad[i]);
    auth_scram_server s;
    assert_int_equal(auth_scram_server_init(&s, bad[i], strlen(bad[i]), false),
                     AUTH_SCRAM_EVERIFIER);
    assert_int_equal(s.state, AUTH_SCRAM_STATE_FAILED);
  }
  assert_string_equal(auth_scram_sqlstate(AUTH_SCRAM_EVERIFIER), "28P01");
  auth_scram_verifier v;
  assert_int_equal(auth_scram_parse_verifier(RFC_VERIFIER, strlen(RFC_VERIFIER), &v),
                   AUTH_SCRAM_OK);
  assert_int_equal(v.iterations, 4096);
  assert_memory_equal(v.salt, RFC_SALT, sizeof(RFC_SALT));
  assert_int_equal(v.salt_len, sizeof(RFC_SALT));
}

static void test_nonce_sources(void **state) {
  (void)state;
  exchange *x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(auth_scram_server_first(&x->s, S(RFC_CLIENT_FIRST), failing_nonce, NULL, x->out,
                                           sizeof(x->out), &x->out_len),
                   AUTH_SCRAM_ENONCE_SOURCE);
  free_exchange(x);
  x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(first(x, RFC_CLIENT_FIRST, "bad,nonce"), AUTH_SCRAM_ENONCE_SOURCE);
  free_exchange(x);

  char a[AUTH_SCRAM_MAX_SERVER_NONCE + 1] = {0}, b[AUTH_SCRAM_MAX_SERVER_NONCE + 1] = {0};
  assert_int_equal(auth_scram_random_nonce(NULL, a, AUTH_SCRAM_MAX_SERVER_NONCE), 24);
  assert_int_equal(auth_scram_random_nonce(NULL, b, AUTH_SCRAM_MAX_SERVER_NONCE), 24);
  assert_string_not_equal(a, b);
  assert_null(strchr(a, ','));
  assert_int_equal(auth_scram_random_nonce(NULL, a, 23), 0);
}

static void test_state_and_buffers(void **state) {
  (void)state;
  exchange *x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(final(x, RFC_CLIENT_FINAL), AUTH_SCRAM_ESTATE);
  free_exchange(x);

  x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(first(x, RFC_CLIENT_FIRST, RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  assert_int_equal(first(x, RFC_CLIENT_FIRST, RFC_SERVER_NONCE), AUTH_SCRAM_ESTATE);
  free_exchange(x);

  /* server-first needs strlen + 1 bytes. */
  x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(auth_scram_server_first(&x->s, S(RFC_CLIENT_FIRST), fixed_nonce,
                                           (void *)RFC_SERVER_NONCE, x->out,
                                           strlen(RFC_SERVER_FIRST), &x->out_len),
                   AUTH_SCRAM_EBUFFER);
  free_exchange(x);
  x = new_exchange(RFC_VERIFIER, false);
  assert_int_equal(first(x, RFC_CLIENT_FIRST, RFC_SERVER_NONCE), AUTH_SCRAM_OK);
  assert_int_equal(auth_scram_server_final(&x->s, S(RFC_CLIENT_FINAL), x->out,
                                           strlen(RFC_SERVER_FINAL) + 1, &x->out_len),
                   AUTH_SCRAM_OK);
  assert_string_equal(x->out, RFC_SERVER_FINAL);
  free_exchange(x);

  auth_scram_server s;
  assert_int_equal(auth_scram_server_init(&s, NULL, 0, false), AUTH_SCRAM_EINVAL);
  assert_int_equal(auth_scram_server_init(NULL, RFC_VERIFIER, strlen(RFC_VERIFIER), false),
                   AUTH_SCRAM_EINVAL);
}

static void test_messages_distinct(void **state) {
  (void)state;
  for (int a = AUTH_SCRAM_OK; a <= AUTH_SCRAM_ECRYPTO; a++) {
    const char *ma = auth_scram_strerror((auth_scram_rc)a);
    assert_non_null(ma);
    assert_int_equal(strlen(auth_scram_sqlstate((auth_scram_rc)a)), 5);
    for (int b = a + 1; b <= AUTH_SCRAM_ECRYPTO; b++)
      assert_string_not_equal(ma, auth_scram_strerror((auth_scram_rc)b));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rfc7677_exchange),
      cmocka_unit_test(test_build_verifier_rfc),
      cmocka_unit_test(test_build_verifier_matches_postgresql),
      cmocka_unit_test(test_make_verifier_random),
      cmocka_unit_test(test_non_ascii_password_raw_utf8),
      cmocka_unit_test(test_wrong_password),
      cmocka_unit_test(test_tampered_nonce),
      cmocka_unit_test(test_bad_base64),
      cmocka_unit_test(test_missing_attributes_final),
      cmocka_unit_test(test_final_extension_is_signed),
      cmocka_unit_test(test_channel_binding_flag_y),
      cmocka_unit_test(test_channel_binding_p_refused),
      cmocka_unit_test(test_channel_binding_plus),
      cmocka_unit_test(test_gs2_header_errors),
      cmocka_unit_test(test_missing_attributes_first),
      cmocka_unit_test(test_saslname_escaping),
      cmocka_unit_test(test_nul_and_overlong),
      cmocka_unit_test(test_parse_verifier_errors),
      cmocka_unit_test(test_mock_verifier),
      cmocka_unit_test(test_nonce_sources),
      cmocka_unit_test(test_state_and_buffers),
      cmocka_unit_test(test_messages_distinct),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
