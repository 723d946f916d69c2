#include "emu_token.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

static bool mac(const unsigned char key[32], const char *scope, const unsigned char pos[8],
                unsigned char out[16]) {
  unsigned char msg[8 + 512];
  size_t n = strlen(scope);
  if (n > sizeof msg - 8) {
    n = sizeof msg - 8; /* scopes are short; a longer one is only truncated in the MAC input */
  }
  memcpy(msg, pos, 8);
  memcpy(msg + 8, scope, n);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (HMAC(EVP_sha256(), key, 32, msg, 8 + n, md, &md_len) == NULL || md_len < 16) {
    return false;
  }
  memcpy(out, md, 16);
  return true;
}

bool emu_token_make(const unsigned char key[32], const char *scope, int64_t position,
                    char out[EMU_TOKEN_LEN + 1]) {
  unsigned char raw[24];
  uint64_t p = (uint64_t)position;
  for (int i = 0; i < 8; i++) {
    raw[i] = (unsigned char)(p >> (56 - 8 * i));
  }
  if (!mac(key, scope, raw, raw + 8)) {
    return false;
  }
  return EVP_EncodeBlock((unsigned char *)out, raw, sizeof raw) == EMU_TOKEN_LEN;
}

bool emu_token_parse(const unsigned char key[32], const char *scope, const char *token,
                     int64_t *position) {
  if (strlen(token) != EMU_TOKEN_LEN) {
    return false;
  }
  unsigned char raw[24 + 3];
  if (EVP_DecodeBlock(raw, (const unsigned char *)token, EMU_TOKEN_LEN) != 24) {
    return false;
  }
  unsigned char expect[16];
  if (!mac(key, scope, raw, expect) || CRYPTO_memcmp(expect, raw + 8, 16) != 0) {
    return false;
  }
  uint64_t p = 0;
  for (int i = 0; i < 8; i++) {
    p = (p << 8) | raw[i];
  }
  if (p > INT64_MAX) {
    return false;
  }
  *position = (int64_t)p;
  return true;
}
