/*
 * auth_md5.c — PostgreSQL's MD5 password authentication (see auth_md5.h).
 */
#include "auth_md5.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define MD5_PREFIX     "md5"
#define MD5_PREFIX_LEN 3
#define MD5_DIGEST_LEN 16
#define SCRAM_PREFIX   "SCRAM-SHA-256$"

const char *auth_md5_strerror(auth_md5_rc rc) {
  switch (rc) {
  case AUTH_MD5_OK:
    return "success";
  case AUTH_MD5_EPASSWORD:
    return "password authentication failed";
  case AUTH_MD5_ESCRAM:
    return "user has a SCRAM verifier; MD5 login impossible";
  case AUTH_MD5_ESTORED:
    return "stored MD5 password hash is malformed";
  case AUTH_MD5_ERESPONSE:
    return "malformed MD5 password response";
  case AUTH_MD5_EINVAL:
    return "invalid argument to MD5 function";
  case AUTH_MD5_ECRYPTO:
    return "MD5 digest unavailable";
  }
  return "unknown MD5 error";
}

const char *auth_md5_sqlstate(auth_md5_rc rc) {
  switch (rc) {
  case AUTH_MD5_EPASSWORD:
  case AUTH_MD5_ESCRAM:
  case AUTH_MD5_ESTORED:
  case AUTH_MD5_ERESPONSE:
    return "28P01";
  default:
    return "XX000";
  }
}

static bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool auth_md5_is_hash(const char *s, size_t len) {
  if (s == NULL || len != AUTH_MD5_HASH_LEN || memcmp(s, MD5_PREFIX, MD5_PREFIX_LEN) != 0)
    return false;
  for (size_t i = MD5_PREFIX_LEN; i < len; i++)
    if (!is_hex(s[i]))
      return false;
  return true;
}

/* out = "md5" + lower-case hex(md5(a || b)) + NUL. */
static auth_md5_rc md5_hex2(const void *a, size_t a_len, const void *b, size_t b_len,
                            char out[AUTH_MD5_HASH_LEN + 1]) {
  static const char HEX[] = "0123456789abcdef";
  uint8_t digest[MD5_DIGEST_LEN];
  unsigned int digest_len = 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
            EVP_DigestUpdate(ctx, a, a_len) == 1 && EVP_DigestUpdate(ctx, b, b_len) == 1 &&
            EVP_DigestFinal_ex(ctx, digest, &digest_len) == 1 && digest_len == MD5_DIGEST_LEN;
  EVP_MD_CTX_free(ctx);
  if (!ok)
    return AUTH_MD5_ECRYPTO;
  memcpy(out, MD5_PREFIX, MD5_PREFIX_LEN);
  for (size_t i = 0; i < MD5_DIGEST_LEN; i++) {
    out[MD5_PREFIX_LEN + 2 * i] = HEX[digest[i] >> 4];
    out[MD5_PREFIX_LEN + 2 * i + 1] = HEX[digest[i] & 15];
  }
  out[AUTH_MD5_HASH_LEN] = '\0';
  return AUTH_MD5_OK;
}

static bool has_nul(const char *s, size_t len) {
  return len > 0 && memchr(s, '\0', len) != NULL;
}

auth_md5_rc auth_md5_hash_password(const char *user, size_t user_len, const char *password,
                                   size_t password_len, char out[AUTH_MD5_HASH_LEN + 1]) {
  if (user == NULL || user_len == 0 || (password == NULL && password_len > 0) || out == NULL ||
      has_nul(user, user_len) || (password != NULL && has_nul(password, password_len)))
    return AUTH_MD5_EINVAL;
  return md5_hex2(password_len > 0 ? password : "", password_len, user, user_len, out);
}

auth_md5_rc auth_md5_salted_response(const char *stored_hash, size_t stored_hash_len,
                                     const uint8_t salt[AUTH_MD5_SALT_LEN],
                                     char out[AUTH_MD5_HASH_LEN + 1]) {
  if (stored_hash == NULL || salt == NULL || out == NULL)
    return AUTH_MD5_EINVAL;
  if (!auth_md5_is_hash(stored_hash, stored_hash_len))
    return AUTH_MD5_ESTORED;
  /* PostgreSQL hashes the stored hex as written; a hand-edited upper-case hash would never match
   * a real client, which hashes lower-case hex, so refuse it rather than fail mysteriously. */
  for (size_t i = MD5_PREFIX_LEN; i < stored_hash_len; i++)
    if (stored_hash[i] >= 'A' && stored_hash[i] <= 'F')
      return AUTH_MD5_ESTORED;
  return md5_hex2(stored_hash + MD5_PREFIX_LEN, stored_hash_len - MD5_PREFIX_LEN, salt,
                  AUTH_MD5_SALT_LEN, out);
}

auth_md5_rc auth_md5_verify(const char *stored, size_t stored_len, const char *user,
                            size_t user_len, const uint8_t salt[AUTH_MD5_SALT_LEN],
                            const char *response, size_t response_len) {
  if (stored == NULL || user == NULL || salt == NULL || (response == NULL && response_len > 0))
    return AUTH_MD5_EINVAL;
  if (stored_len >= sizeof(SCRAM_PREFIX) - 1 &&
      memcmp(stored, SCRAM_PREFIX, sizeof(SCRAM_PREFIX) - 1) == 0)
    return AUTH_MD5_ESCRAM;
  char hash[AUTH_MD5_HASH_LEN + 1];
  auth_md5_rc rc;
  if (auth_md5_is_hash(stored, stored_len)) {
    memcpy(hash, stored, AUTH_MD5_HASH_LEN);
    hash[AUTH_MD5_HASH_LEN] = '\0';
  } else if (stored_len == AUTH_MD5_HASH_LEN && memcmp(stored, MD5_PREFIX, MD5_PREFIX_LEN) == 0) {
    return AUTH_MD5_ESTORED;
  } else {
    /* A plain-text password (PgBouncer's auth_file allows it). */
    rc = auth_md5_hash_password(user, user_len, stored, stored_len, hash);
    if (rc != AUTH_MD5_OK)
      return rc;
  }
  if (!auth_md5_is_hash(response, response_len))
    return AUTH_MD5_ERESPONSE;
  char expected[AUTH_MD5_HASH_LEN + 1];
  rc = auth_md5_salted_response(hash, AUTH_MD5_HASH_LEN, salt, expected);
  OPENSSL_cleanse(hash, sizeof(hash));
  if (rc != AUTH_MD5_OK)
    return rc;
  return CRYPTO_memcmp(expected, response, AUTH_MD5_HASH_LEN) == 0 ? AUTH_MD5_OK
                                                                   : AUTH_MD5_EPASSWORD;
}
