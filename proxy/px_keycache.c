/* px_keycache.c — see px_keycache.h. */
#include "px_keycache.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
  uint8_t digest[32];
  uint64_t expires_ms; /* 0: empty slot */
} entry;

struct px_keycache {
  uint8_t salt[32];
  entry *entries; /* owned array of cap */
  size_t cap;
};

px_status px_keycache_new(size_t capacity, px_keycache **out) {
  *out = NULL;
  px_keycache *kc = calloc(1, sizeof *kc);
  if (kc == NULL) {
    return PX_NOMEM;
  }
  kc->cap = capacity > 0 ? capacity : 1;
  kc->entries = calloc(kc->cap, sizeof *kc->entries);
  if (kc->entries == NULL) {
    free(kc);
    return PX_NOMEM;
  }
  if (RAND_bytes(kc->salt, sizeof kc->salt) != 1) {
    px_keycache_free(kc);
    return PX_IO;
  }
  *out = kc;
  return PX_OK;
}

void px_keycache_free(px_keycache *kc) {
  if (kc != NULL) {
    OPENSSL_cleanse(kc->salt, sizeof kc->salt);
    free(kc->entries);
    free(kc);
  }
}

/* HMAC over the three parts with NUL separators, so ("ab","c") and ("a","bc") differ. */
bool px__keycache_digest(const px_keycache *kc, const px_creds *cr, uint8_t out[32]) {
  const char *parts[3] = {cr->access_key_id, cr->secret_access_key,
                          cr->session_token != NULL ? cr->session_token : ""};
  EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
  EVP_MAC_CTX *ctx = mac != NULL ? EVP_MAC_CTX_new(mac) : NULL;
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0),
                         OSSL_PARAM_construct_end()};
  bool ok = ctx != NULL && EVP_MAC_init(ctx, kc->salt, sizeof kc->salt, params) == 1;
  for (int i = 0; ok && i < 3; i++) {
    ok = EVP_MAC_update(ctx, (const unsigned char *)parts[i], strlen(parts[i]) + 1) == 1;
  }
  size_t n = 0;
  ok = ok && EVP_MAC_final(ctx, out, &n, 32) == 1 && n == 32;
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  return ok;
}

static entry *find(px_keycache *kc, const uint8_t d[32]) {
  for (size_t i = 0; i < kc->cap; i++) {
    if (kc->entries[i].expires_ms != 0 && CRYPTO_memcmp(kc->entries[i].digest, d, 32) == 0) {
      return &kc->entries[i];
    }
  }
  return NULL;
}

bool px_keycache_lookup(px_keycache *kc, const px_creds *creds, uint64_t now_ms) {
  uint8_t d[32];
  if (!px__keycache_digest(kc, creds, d)) {
    return false;
  }
  entry *e = find(kc, d);
  if (e == NULL) {
    return false;
  }
  if (e->expires_ms <= now_ms) {
    memset(e, 0, sizeof *e);
    return false;
  }
  return true;
}

void px_keycache_store(px_keycache *kc, const px_creds *creds, uint64_t now_ms, uint64_t ttl_ms) {
  uint8_t d[32];
  if (ttl_ms == 0 || !px__keycache_digest(kc, creds, d)) {
    return;
  }
  entry *e = find(kc, d);
  if (e == NULL) {
    /* An empty or expired slot, else the entry that expires first. */
    e = &kc->entries[0];
    for (size_t i = 0; i < kc->cap; i++) {
      entry *x = &kc->entries[i];
      if (x->expires_ms <= now_ms) {
        e = x;
        break;
      }
      if (x->expires_ms < e->expires_ms) {
        e = x;
      }
    }
  }
  memcpy(e->digest, d, 32);
  e->expires_ms = now_ms + ttl_ms;
}

void px_keycache_forget(px_keycache *kc, const px_creds *creds) {
  uint8_t d[32];
  if (!px__keycache_digest(kc, creds, d)) {
    return;
  }
  entry *e = find(kc, d);
  if (e != NULL) {
    memset(e, 0, sizeof *e);
  }
}

size_t px_keycache_count(const px_keycache *kc, uint64_t now_ms) {
  size_t n = 0;
  for (size_t i = 0; i < kc->cap; i++) {
    n += kc->entries[i].expires_ms > now_ms;
  }
  return n;
}
