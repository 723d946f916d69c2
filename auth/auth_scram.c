/*
 * auth_scram.c — SCRAM-SHA-256 server exchange and verifier building (see auth_scram.h).
 *
 * Message grammar (RFC 5802 §7), as far as a server reads it:
 *   client-first-message = gs2-header client-first-bare
 *   gs2-header           = ("n" / "y" / "p=" name) "," [ "a=" saslname ] ","
 *   client-first-bare    = [ "m=" ext "," ] "n=" saslname "," "r=" nonce *( "," ext )
 *   client-final-message = "c=" base64 "," "r=" nonce *( "," ext ) "," "p=" base64
 */
#include "auth_scram.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#define VERIFIER_PREFIX     "SCRAM-SHA-256$"
#define VERIFIER_PREFIX_LEN (sizeof(VERIFIER_PREFIX) - 1)
/* Server nonce of auth_scram_random_nonce: 18 random bytes, 24 base64 characters. */
#define RANDOM_NONCE_BYTES 18

const char *auth_scram_strerror(auth_scram_rc rc) {
  switch (rc) {
  case AUTH_SCRAM_OK:
    return "success";
  case AUTH_SCRAM_EVERIFIER:
    return "stored SCRAM verifier is not valid";
  case AUTH_SCRAM_ETOOLONG:
    return "malformed SCRAM message: message too long";
  case AUTH_SCRAM_ENUL:
    return "malformed SCRAM message: message contains a NUL byte";
  case AUTH_SCRAM_EGS2:
    return "malformed SCRAM message: invalid GS2 header (expected \"n,,\" or \"y,,\")";
  case AUTH_SCRAM_ECHANNEL_BINDING:
    return "client requires SCRAM channel binding, which this server does not support without TLS";
  case AUTH_SCRAM_EDOWNGRADE:
    return "SCRAM channel binding negotiation error: client supports channel binding but thinks "
           "the server does not";
  case AUTH_SCRAM_EAUTHZID:
    return "client uses a SCRAM authorization identity, which is not supported";
  case AUTH_SCRAM_EEXTENSION:
    return "client requires an unsupported SCRAM extension";
  case AUTH_SCRAM_EATTR:
    return "malformed SCRAM message: expected attribute missing or malformed";
  case AUTH_SCRAM_ENAME:
    return "malformed SCRAM message: invalid user name encoding";
  case AUTH_SCRAM_ENONCE:
    return "malformed SCRAM message: invalid client nonce";
  case AUTH_SCRAM_EBASE64:
    return "malformed SCRAM message: invalid base64 value";
  case AUTH_SCRAM_ECBIND_MISMATCH:
    return "SCRAM channel binding check failed";
  case AUTH_SCRAM_ENONCE_MISMATCH:
    return "malformed SCRAM message: nonce does not match";
  case AUTH_SCRAM_EPROOF_LEN:
    return "malformed SCRAM message: client proof has the wrong length";
  case AUTH_SCRAM_EPASSWORD:
    return "password authentication failed";
  case AUTH_SCRAM_ESTATE:
    return "SCRAM exchange used out of order";
  case AUTH_SCRAM_ENONCE_SOURCE:
    return "could not generate SCRAM nonce";
  case AUTH_SCRAM_EBUFFER:
    return "SCRAM output buffer too small";
  case AUTH_SCRAM_EINVAL:
    return "invalid argument to SCRAM function";
  case AUTH_SCRAM_ECRYPTO:
    return "cryptographic operation failed";
  }
  return "unknown SCRAM error";
}

const char *auth_scram_sqlstate(auth_scram_rc rc) {
  switch (rc) {
  case AUTH_SCRAM_EVERIFIER:
  case AUTH_SCRAM_EPASSWORD:
    return "28P01";
  case AUTH_SCRAM_ETOOLONG:
  case AUTH_SCRAM_ENUL:
  case AUTH_SCRAM_EGS2:
  case AUTH_SCRAM_ECHANNEL_BINDING:
  case AUTH_SCRAM_EDOWNGRADE:
  case AUTH_SCRAM_EAUTHZID:
  case AUTH_SCRAM_EEXTENSION:
  case AUTH_SCRAM_EATTR:
  case AUTH_SCRAM_ENAME:
  case AUTH_SCRAM_ENONCE:
  case AUTH_SCRAM_EBASE64:
  case AUTH_SCRAM_ECBIND_MISMATCH:
  case AUTH_SCRAM_ENONCE_MISMATCH:
  case AUTH_SCRAM_EPROOF_LEN:
    return "08P01";
  default:
    return "XX000";
  }
}

/* ---- base64 (RFC 4648 §4, strict: padding required, no whitespace) ---- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encoded length of n bytes; a macro so that array sizes stay constant expressions (-Wvla). */
#define B64_LEN(n) (((n) + 2) / 3 * 4)

/* Writes the encoding of in[0..n) plus a NUL; out must hold B64_LEN(n) + 1 bytes. */
static void b64_encode(const uint8_t *in, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n)
      v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < n)
      v |= in[i + 2];
    out[o++] = B64[(v >> 18) & 63];
    out[o++] = B64[(v >> 12) & 63];
    out[o++] = i + 1 < n ? B64[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < n ? B64[v & 63] : '=';
  }
  out[o] = '\0';
}

static int b64_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

/* Decodes in[0..len) into out (at most cap bytes). False on any invalid input or overflow. */
static bool b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *out_len) {
  if (len % 4 != 0)
    return false;
  size_t o = 0;
  for (size_t i = 0; i < len; i += 4) {
    bool last = i + 4 == len;
    size_t pad = 0;
    if (last && in[i + 3] == '=')
      pad = in[i + 2] == '=' ? 2 : 1;
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++) {
      int d = k < 4 - pad ? b64_value(in[i + k]) : 0;
      if (d < 0)
        return false;
      v = (v << 6) | (uint32_t)d;
    }
    size_t produce = 3 - pad;
    if (o + produce > cap)
      return false;
    out[o++] = (uint8_t)(v >> 16);
    if (produce > 1)
      out[o++] = (uint8_t)(v >> 8);
    if (produce > 2)
      out[o++] = (uint8_t)v;
  }
  *out_len = o;
  return true;
}

/* ---- helpers ---- */

/* A nonce is a non-empty run of printable ASCII except ',' (RFC 5802 "printable"). */
static bool valid_nonce(const char *p, size_t n) {
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c < 0x21 || c > 0x7e || c == ',')
      return false;
  }
  return true;
}

/* Length of the attribute value starting at p: up to the next ',' or end. */
static size_t value_len(const char *p, const char *end) {
  const char *c = memchr(p, ',', (size_t)(end - p));
  return c != NULL ? (size_t)(c - p) : (size_t)(end - p);
}

/* True when p[0..] holds "<letter>=" within end. */
static bool at_attr(const char *p, const char *end, char letter) {
  return end - p >= 2 && p[0] == letter && p[1] == '=';
}

static bool any_attr(const char *p, const char *end) {
  return end - p >= 2 && ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')) &&
         p[1] == '=';
}

/* saslname: any characters but ',' and '=', which must be escaped as "=2C" / "=3D". */
static bool valid_saslname(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] != '=')
      continue;
    if (n - i < 3 ||
        !((p[i + 1] == '2' && p[i + 2] == 'C') || (p[i + 1] == '3' && p[i + 2] == 'D')))
      return false;
    i += 2;
  }
  return true;
}

static bool hmac_sha256(const uint8_t *key, size_t key_len, const void *data, size_t len,
                        uint8_t out[AUTH_SCRAM_KEY_LEN]) {
  unsigned int out_len = 0;
  if (HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &out_len) == NULL)
    return false;
  return out_len == AUTH_SCRAM_KEY_LEN;
}

/* Copies src (len bytes) plus a NUL into out, or fails when it does not fit. */
static auth_scram_rc emit(const char *src, size_t len, char *out, size_t out_cap, size_t *out_len) {
  if (out == NULL || out_len == NULL)
    return AUTH_SCRAM_EINVAL;
  if (len + 1 > out_cap)
    return AUTH_SCRAM_EBUFFER;
  memcpy(out, src, len);
  out[len] = '\0';
  *out_len = len;
  return AUTH_SCRAM_OK;
}

/* ---- verifiers ---- */

auth_scram_rc auth_scram_parse_verifier(const char *s, size_t len, auth_scram_verifier *out) {
  if (s == NULL || out == NULL)
    return AUTH_SCRAM_EINVAL;
  memset(out, 0, sizeof(*out));
  const char *end = s + len;
  if (len < VERIFIER_PREFIX_LEN || memcmp(s, VERIFIER_PREFIX, VERIFIER_PREFIX_LEN) != 0)
    return AUTH_SCRAM_EVERIFIER;
  const char *p = s + VERIFIER_PREFIX_LEN;

  /* iterations: decimal, no sign, no leading zero, 1..2^31-1 (PostgreSQL stores an int) */
  uint64_t iter = 0;
  const char *digits = p;
  while (p < end && *p >= '0' && *p <= '9') {
    iter = iter * 10 + (uint64_t)(*p - '0');
    if (iter > INT32_MAX)
      return AUTH_SCRAM_EVERIFIER;
    p++;
  }
  if (p == digits || *digits == '0' || p == end || *p != ':')
    return AUTH_SCRAM_EVERIFIER;
  p++;

  const char *salt = p;
  const char *dollar = memchr(p, '$', (size_t)(end - p));
  if (dollar == NULL)
    return AUTH_SCRAM_EVERIFIER;
  size_t salt_b64_len = (size_t)(dollar - salt);
  if (salt_b64_len == 0 || salt_b64_len > B64_LEN(AUTH_SCRAM_MAX_SALT) ||
      !b64_decode(salt, salt_b64_len, out->salt, sizeof(out->salt), &out->salt_len) ||
      out->salt_len == 0)
    return AUTH_SCRAM_EVERIFIER;
  p = dollar + 1;

  const char *colon = memchr(p, ':', (size_t)(end - p));
  if (colon == NULL)
    return AUTH_SCRAM_EVERIFIER;
  size_t n = 0;
  if (!b64_decode(p, (size_t)(colon - p), out->stored_key, sizeof(out->stored_key), &n) ||
      n != AUTH_SCRAM_KEY_LEN)
    return AUTH_SCRAM_EVERIFIER;
  p = colon + 1;
  if (!b64_decode(p, (size_t)(end - p), out->server_key, sizeof(out->server_key), &n) ||
      n != AUTH_SCRAM_KEY_LEN)
    return AUTH_SCRAM_EVERIFIER;
  out->iterations = (uint32_t)iter;
  return AUTH_SCRAM_OK;
}

/* The stored form "SCRAM-SHA-256$<i>:<salt>$<StoredKey>:<ServerKey>" of its parts. */
static auth_scram_rc format_verifier(const uint8_t *salt, size_t salt_len, uint32_t iterations,
                                     const uint8_t *stored_key, const uint8_t *server_key,
                                     char *out, size_t out_cap, size_t *out_len) {
  char salt_b64[B64_LEN(AUTH_SCRAM_MAX_SALT) + 1];
  char sk_b64[B64_LEN(AUTH_SCRAM_KEY_LEN) + 1];
  char svk_b64[B64_LEN(AUTH_SCRAM_KEY_LEN) + 1];
  b64_encode(salt, salt_len, salt_b64);
  b64_encode(stored_key, AUTH_SCRAM_KEY_LEN, sk_b64);
  b64_encode(server_key, AUTH_SCRAM_KEY_LEN, svk_b64);
  char buf[AUTH_SCRAM_VERIFIER_MAX];
  int n = snprintf(buf, sizeof(buf), VERIFIER_PREFIX "%u:%s$%s:%s", (unsigned)iterations, salt_b64,
                   sk_b64, svk_b64);
  if (n < 0 || (size_t)n >= sizeof(buf))
    return AUTH_SCRAM_EBUFFER;
  return emit(buf, (size_t)n, out, out_cap, out_len);
}

auth_scram_rc auth_scram_build_verifier(const char *password, size_t password_len,
                                        const uint8_t *salt, size_t salt_len, uint32_t iterations,
                                        char *out, size_t out_cap, size_t *out_len) {
  if ((password == NULL && password_len > 0) || salt == NULL || salt_len == 0 ||
      salt_len > AUTH_SCRAM_MAX_SALT || iterations == 0 || iterations > INT32_MAX || out == NULL ||
      out_len == NULL)
    return AUTH_SCRAM_EINVAL;
  if (password_len > 0 && memchr(password, '\0', password_len) != NULL)
    return AUTH_SCRAM_EINVAL;
  /* SASLprep is the identity on the bytes we accept; see the header for why. */
  uint8_t salted[AUTH_SCRAM_KEY_LEN], client_key[AUTH_SCRAM_KEY_LEN];
  uint8_t stored_key[AUTH_SCRAM_KEY_LEN], server_key[AUTH_SCRAM_KEY_LEN];
  auth_scram_rc rc = AUTH_SCRAM_ECRYPTO;
  if (PKCS5_PBKDF2_HMAC(password_len > 0 ? password : "", (int)password_len, salt, (int)salt_len,
                        (int)iterations, EVP_sha256(), sizeof(salted), salted) != 1)
    goto done;
  if (!hmac_sha256(salted, sizeof(salted), "Client Key", 10, client_key) ||
      !hmac_sha256(salted, sizeof(salted), "Server Key", 10, server_key))
    goto done;
  if (SHA256(client_key, sizeof(client_key), stored_key) == NULL)
    goto done;
  rc = format_verifier(salt, salt_len, iterations, stored_key, server_key, out, out_cap, out_len);
done:
  OPENSSL_cleanse(salted, sizeof(salted));
  OPENSSL_cleanse(client_key, sizeof(client_key));
  return rc;
}

auth_scram_rc auth_scram_make_verifier(const char *password, size_t password_len, char *out,
                                       size_t out_cap, size_t *out_len) {
  uint8_t salt[AUTH_SCRAM_DEFAULT_SALT_LEN];
  if (RAND_bytes(salt, sizeof(salt)) != 1)
    return AUTH_SCRAM_ECRYPTO;
  return auth_scram_build_verifier(password, password_len, salt, sizeof(salt),
                                   AUTH_SCRAM_DEFAULT_ITERATIONS, out, out_cap, out_len);
}

auth_scram_rc auth_scram_mock_verifier(char *out, size_t out_cap, size_t *out_len) {
  uint8_t salt[AUTH_SCRAM_DEFAULT_SALT_LEN], keys[2 * AUTH_SCRAM_KEY_LEN];
  if (RAND_bytes(salt, sizeof(salt)) != 1 || RAND_bytes(keys, sizeof(keys)) != 1)
    return AUTH_SCRAM_ECRYPTO;
  return format_verifier(salt, sizeof(salt), AUTH_SCRAM_DEFAULT_ITERATIONS, keys,
                         keys + AUTH_SCRAM_KEY_LEN, out, out_cap, out_len);
}

size_t auth_scram_random_nonce(void *ctx, char *out, size_t cap) {
  (void)ctx;
  uint8_t raw[RANDOM_NONCE_BYTES];
  char enc[B64_LEN(RANDOM_NONCE_BYTES) + 1];
  if (cap < sizeof(enc) - 1 || RAND_bytes(raw, sizeof(raw)) != 1)
    return 0;
  b64_encode(raw, sizeof(raw), enc);
  memcpy(out, enc, sizeof(enc) - 1);
  return sizeof(enc) - 1;
}

/* ---- the exchange ---- */

static auth_scram_rc fail(auth_scram_server *s, auth_scram_rc rc) {
  s->state = AUTH_SCRAM_STATE_FAILED;
  return rc;
}

auth_scram_rc auth_scram_server_init_plus(auth_scram_server *s, const char *verifier,
                                          size_t verifier_len, const uint8_t *cbind_data,
                                          size_t cbind_len) {
  if (s == NULL)
    return AUTH_SCRAM_EINVAL;
  if (cbind_data == NULL || cbind_len == 0 || cbind_len > AUTH_SCRAM_MAX_CBIND) {
    memset(s, 0, sizeof(*s));
    return fail(s, AUTH_SCRAM_EINVAL);
  }
  auth_scram_rc rc = auth_scram_server_init(s, verifier, verifier_len, true);
  if (rc != AUTH_SCRAM_OK)
    return rc;
  memcpy(s->cbind_data, cbind_data, cbind_len);
  s->cbind_data_len = cbind_len;
  return AUTH_SCRAM_OK;
}

bool auth_scram_server_bound(const auth_scram_server *s) {
  return s != NULL && s->cbind_flag == 'p';
}

auth_scram_rc auth_scram_server_init(auth_scram_server *s, const char *verifier,
                                     size_t verifier_len, bool plus_advertised) {
  if (s == NULL)
    return AUTH_SCRAM_EINVAL;
  memset(s, 0, sizeof(*s));
  s->plus_advertised = plus_advertised;
  if (verifier == NULL)
    return fail(s, AUTH_SCRAM_EINVAL);
  auth_scram_rc rc = auth_scram_parse_verifier(verifier, verifier_len, &s->v);
  if (rc != AUTH_SCRAM_OK)
    return fail(s, rc);
  s->state = AUTH_SCRAM_STATE_INIT;
  return AUTH_SCRAM_OK;
}

/* Common checks of a client message: bounds and no NUL byte. */
static auth_scram_rc check_message(const uint8_t *msg, size_t len) {
  if (msg == NULL && len > 0)
    return AUTH_SCRAM_EINVAL;
  if (len > AUTH_SCRAM_MAX_MESSAGE)
    return AUTH_SCRAM_ETOOLONG;
  if (len > 0 && memchr(msg, '\0', len) != NULL)
    return AUTH_SCRAM_ENUL;
  return AUTH_SCRAM_OK;
}

/* Parses client-first-message into s (GS2 header, bare message, client nonce). */
static auth_scram_rc parse_client_first(auth_scram_server *s, const char *m, size_t len) {
  const char *end = m + len;
  if (len == 0)
    return AUTH_SCRAM_EGS2;
  /* The channel-binding flag: "n", "y" or "p=<type>"; only tls-server-end-point is offered. */
  static const char endpoint[] = "p=tls-server-end-point";
  size_t flag_len = 1;
  switch (m[0]) {
  case 'p':
    if (s->cbind_data_len == 0 || len < sizeof(endpoint) - 1 ||
        memcmp(m, endpoint, sizeof(endpoint) - 1) != 0)
      return AUTH_SCRAM_ECHANNEL_BINDING;
    flag_len = sizeof(endpoint) - 1;
    break;
  case 'y':
    if (s->plus_advertised)
      return AUTH_SCRAM_EDOWNGRADE;
    break;
  case 'n':
    break;
  default:
    return AUTH_SCRAM_EGS2;
  }
  if (len < flag_len + 1 || m[flag_len] != ',')
    return AUTH_SCRAM_EGS2;
  if (at_attr(m + flag_len + 1, end, 'a'))
    return AUTH_SCRAM_EAUTHZID;
  if (len < flag_len + 2 || m[flag_len + 1] != ',')
    return AUTH_SCRAM_EGS2;
  s->cbind_flag = m[0];
  memcpy(s->gs2_header, m, flag_len + 2);
  s->gs2_header_len = flag_len + 2;

  const char *bare = m + flag_len + 2;
  const char *p = bare;
  if (at_attr(p, end, 'm'))
    return AUTH_SCRAM_EEXTENSION;
  if (!at_attr(p, end, 'n'))
    return AUTH_SCRAM_EATTR;
  p += 2;
  size_t n = value_len(p, end);
  if (!valid_saslname(p, n))
    return AUTH_SCRAM_ENAME;
  p += n;
  if (p == end || !at_attr(p + 1, end, 'r'))
    return AUTH_SCRAM_EATTR;
  p += 3;
  const char *nonce = p;
  n = value_len(p, end);
  if (!valid_nonce(nonce, n))
    return AUTH_SCRAM_ENONCE;
  p += n;
  /* Optional extensions: ignored, as PostgreSQL does, but they must look like attributes. */
  while (p < end) {
    if (!any_attr(p + 1, end))
      return AUTH_SCRAM_EATTR;
    p += 1 + value_len(p + 1, end);
  }
  memcpy(s->client_first_bare, bare, (size_t)(end - bare));
  s->client_first_bare_len = (size_t)(end - bare);
  memcpy(s->nonce, nonce, n);
  s->nonce_len = n;
  return AUTH_SCRAM_OK;
}

auth_scram_rc auth_scram_server_first(auth_scram_server *s, const uint8_t *msg, size_t msg_len,
                                      auth_scram_nonce_fn nonce_fn, void *nonce_ctx, char *out,
                                      size_t out_cap, size_t *out_len) {
  if (s == NULL)
    return AUTH_SCRAM_EINVAL;
  if (s->state != AUTH_SCRAM_STATE_INIT)
    return fail(s, AUTH_SCRAM_ESTATE);
  if (nonce_fn == NULL || out == NULL || out_len == NULL)
    return fail(s, AUTH_SCRAM_EINVAL);
  auth_scram_rc rc = check_message(msg, msg_len);
  if (rc == AUTH_SCRAM_OK)
    rc = parse_client_first(s, (const char *)msg, msg_len);
  if (rc != AUTH_SCRAM_OK)
    return fail(s, rc);

  char server_nonce[AUTH_SCRAM_MAX_SERVER_NONCE];
  size_t sn = nonce_fn(nonce_ctx, server_nonce, sizeof(server_nonce));
  if (sn == 0 || sn > sizeof(server_nonce) || !valid_nonce(server_nonce, sn))
    return fail(s, AUTH_SCRAM_ENONCE_SOURCE);
  memcpy(s->nonce + s->nonce_len, server_nonce, sn);
  s->nonce_len += sn;

  char salt_b64[B64_LEN(AUTH_SCRAM_MAX_SALT) + 1];
  b64_encode(s->v.salt, s->v.salt_len, salt_b64);
  int n = snprintf(s->server_first, sizeof(s->server_first), "r=%.*s,s=%s,i=%u", (int)s->nonce_len,
                   s->nonce, salt_b64, (unsigned)s->v.iterations);
  if (n < 0 || (size_t)n >= sizeof(s->server_first))
    return fail(s, AUTH_SCRAM_EBUFFER); /* cannot happen: sized for the largest inputs */
  s->server_first_len = (size_t)n;
  rc = emit(s->server_first, s->server_first_len, out, out_cap, out_len);
  if (rc != AUTH_SCRAM_OK)
    return fail(s, rc);
  s->state = AUTH_SCRAM_STATE_SENT_FIRST;
  return AUTH_SCRAM_OK;
}

/* Checks client-final-message up to the proof; sets *without_proof_len and proof. */
static auth_scram_rc parse_client_final(const auth_scram_server *s, const char *m, size_t len,
                                        size_t *without_proof_len,
                                        uint8_t proof[AUTH_SCRAM_KEY_LEN]) {
  const char *end = m + len;
  const char *p = m;
  if (!at_attr(p, end, 'c'))
    return AUTH_SCRAM_EATTR;
  p += 2;
  size_t n = value_len(p, end);
  uint8_t cbind[AUTH_SCRAM_MAX_MESSAGE];
  size_t cbind_len = 0;
  if (!b64_decode(p, n, cbind, sizeof(cbind), &cbind_len))
    return AUTH_SCRAM_EBASE64;
  /* c= carries the GS2 header ("biws" for "n,,"), followed with "p=" by the channel-binding
   * data: here the hash of the server's certificate (RFC 5929 tls-server-end-point). */
  size_t extra = s->cbind_flag == 'p' ? s->cbind_data_len : 0;
  if (cbind_len != s->gs2_header_len + extra ||
      memcmp(cbind, s->gs2_header, s->gs2_header_len) != 0 ||
      CRYPTO_memcmp(cbind + s->gs2_header_len, s->cbind_data, extra) != 0)
    return AUTH_SCRAM_ECBIND_MISMATCH;
  p += n;
  if (p == end || !at_attr(p + 1, end, 'r'))
    return AUTH_SCRAM_EATTR;
  p += 3;
  n = value_len(p, end);
  if (n != s->nonce_len || memcmp(p, s->nonce, n) != 0)
    return AUTH_SCRAM_ENONCE_MISMATCH;
  p += n;
  /* Extensions, then the proof, which must be the last attribute. */
  for (;;) {
    if (p == end || !any_attr(p + 1, end))
      return AUTH_SCRAM_EATTR;
    const char *attr = p;
    p += 3;
    n = value_len(p, end);
    if (attr[1] != 'p') {
      p += n;
      continue;
    }
    if (p + n != end)
      return AUTH_SCRAM_EATTR; /* something after the proof */
    size_t proof_len = 0;
    uint8_t buf[AUTH_SCRAM_MAX_MESSAGE];
    if (!b64_decode(p, n, buf, sizeof(buf), &proof_len))
      return AUTH_SCRAM_EBASE64;
    if (proof_len != AUTH_SCRAM_KEY_LEN)
      return AUTH_SCRAM_EPROOF_LEN;
    memcpy(proof, buf, AUTH_SCRAM_KEY_LEN);
    *without_proof_len = (size_t)(attr - m);
    return AUTH_SCRAM_OK;
  }
}

auth_scram_rc auth_scram_server_final(auth_scram_server *s, const uint8_t *msg, size_t msg_len,
                                      char *out, size_t out_cap, size_t *out_len) {
  if (s == NULL)
    return AUTH_SCRAM_EINVAL;
  if (s->state != AUTH_SCRAM_STATE_SENT_FIRST)
    return fail(s, AUTH_SCRAM_ESTATE);
  if (out == NULL || out_len == NULL)
    return fail(s, AUTH_SCRAM_EINVAL);
  auth_scram_rc rc = check_message(msg, msg_len);
  size_t without_proof_len = 0;
  uint8_t proof[AUTH_SCRAM_KEY_LEN];
  if (rc == AUTH_SCRAM_OK)
    rc = parse_client_final(s, (const char *)msg, msg_len, &without_proof_len, proof);
  if (rc != AUTH_SCRAM_OK)
    return fail(s, rc);

  /* AuthMessage = client-first-bare "," server-first-message "," client-final-without-proof */
  char auth_msg[sizeof(s->client_first_bare) + 1 + sizeof(s->server_first) + 1 +
                AUTH_SCRAM_MAX_MESSAGE];
  size_t am = 0;
  memcpy(auth_msg + am, s->client_first_bare, s->client_first_bare_len);
  am += s->client_first_bare_len;
  auth_msg[am++] = ',';
  memcpy(auth_msg + am, s->server_first, s->server_first_len);
  am += s->server_first_len;
  auth_msg[am++] = ',';
  memcpy(auth_msg + am, msg, without_proof_len);
  am += without_proof_len;

  uint8_t client_sig[AUTH_SCRAM_KEY_LEN], client_key[AUTH_SCRAM_KEY_LEN];
  uint8_t check[AUTH_SCRAM_KEY_LEN], server_sig[AUTH_SCRAM_KEY_LEN];
  rc = AUTH_SCRAM_ECRYPTO;
  if (!hmac_sha256(s->v.stored_key, AUTH_SCRAM_KEY_LEN, auth_msg, am, client_sig))
    goto done;
  for (size_t i = 0; i < AUTH_SCRAM_KEY_LEN; i++)
    client_key[i] = proof[i] ^ client_sig[i];
  if (SHA256(client_key, sizeof(client_key), check) == NULL)
    goto done;
  if (CRYPTO_memcmp(check, s->v.stored_key, AUTH_SCRAM_KEY_LEN) != 0) {
    rc = AUTH_SCRAM_EPASSWORD;
    goto done;
  }
  if (!hmac_sha256(s->v.server_key, AUTH_SCRAM_KEY_LEN, auth_msg, am, server_sig))
    goto done;
  char final_msg[2 + B64_LEN(AUTH_SCRAM_KEY_LEN) + 1] = "v=";
  b64_encode(server_sig, sizeof(server_sig), final_msg + 2);
  rc = emit(final_msg, strlen(final_msg), out, out_cap, out_len);
done:
  OPENSSL_cleanse(client_key, sizeof(client_key));
  if (rc != AUTH_SCRAM_OK)
    return fail(s, rc);
  s->state = AUTH_SCRAM_STATE_DONE;
  return AUTH_SCRAM_OK;
}

void auth_scram_server_clear(auth_scram_server *s) {
  if (s == NULL)
    return;
  OPENSSL_cleanse(s, sizeof(*s));
  s->state = AUTH_SCRAM_STATE_FAILED;
}
