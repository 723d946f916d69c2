/* test_px_keycache.c — the login key-check cache: hits until the TTL, misses on any change of
 * key id, secret or token, eviction when full, per-process salt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "px_keycache.h"

static px_creds mk(const char *akid, const char *secret, const char *token) {
  px_creds c = {(char *)akid, (char *)secret, (char *)token};
  return c;
}

static void test_hit_until_ttl(void **state) {
  (void)state;
  px_keycache *kc;
  assert_int_equal(px_keycache_new(8, &kc), PX_OK);
  px_creds a = mk("AKID1", "secret1", NULL);
  assert_false(px_keycache_lookup(kc, &a, 1000));
  px_keycache_store(kc, &a, 1000, 60000);
  assert_true(px_keycache_lookup(kc, &a, 1000));
  assert_true(px_keycache_lookup(kc, &a, 60999));
  assert_false(px_keycache_lookup(kc, &a, 61000));
  assert_int_equal(px_keycache_count(kc, 61000), 0);
  /* ttl 0 stores nothing. */
  px_keycache_store(kc, &a, 2000, 0);
  assert_false(px_keycache_lookup(kc, &a, 2000));
  px_keycache_free(kc);
}

static void test_any_change_misses(void **state) {
  (void)state;
  px_keycache *kc;
  assert_int_equal(px_keycache_new(8, &kc), PX_OK);
  px_creds a = mk("AKID1", "secret1", "tok");
  px_keycache_store(kc, &a, 0, 1000);
  px_creds b = mk("AKID1", "secret2", "tok");
  px_creds c = mk("AKID2", "secret1", "tok");
  px_creds d = mk("AKID1", "secret1", NULL);
  px_creds e = mk("AKID1", "secret1", "tok2");
  /* The separators keep shifted boundaries apart. */
  px_creds f = mk("AKID1s", "ecret1", "tok");
  assert_true(px_keycache_lookup(kc, &a, 1));
  assert_false(px_keycache_lookup(kc, &b, 1));
  assert_false(px_keycache_lookup(kc, &c, 1));
  assert_false(px_keycache_lookup(kc, &d, 1));
  assert_false(px_keycache_lookup(kc, &e, 1));
  assert_false(px_keycache_lookup(kc, &f, 1));
  px_keycache_forget(kc, &a);
  assert_false(px_keycache_lookup(kc, &a, 1));
  px_keycache_free(kc);
}

static void test_eviction(void **state) {
  (void)state;
  px_keycache *kc;
  assert_int_equal(px_keycache_new(2, &kc), PX_OK);
  px_creds a = mk("A", "s", NULL), b = mk("B", "s", NULL), c = mk("C", "s", NULL);
  px_keycache_store(kc, &a, 0, 100); /* expires first */
  px_keycache_store(kc, &b, 0, 500);
  px_keycache_store(kc, &c, 0, 300);
  assert_false(px_keycache_lookup(kc, &a, 1));
  assert_true(px_keycache_lookup(kc, &b, 1));
  assert_true(px_keycache_lookup(kc, &c, 1));
  assert_int_equal(px_keycache_count(kc, 1), 2);
  px_keycache_free(kc);
}

static void test_salt_per_cache(void **state) {
  (void)state;
  /* Two caches (two processes) hold different digests of the same keys: a digest is only
   * meaningful to its own random salt. */
  px_keycache *k1, *k2;
  assert_int_equal(px_keycache_new(1, &k1), PX_OK);
  assert_int_equal(px_keycache_new(1, &k2), PX_OK);
  px_creds a = mk("AKID1", "secret1", NULL);
  uint8_t d1[32], d1again[32], d2[32];
  assert_true(px__keycache_digest(k1, &a, d1));
  assert_true(px__keycache_digest(k1, &a, d1again));
  assert_true(px__keycache_digest(k2, &a, d2));
  assert_memory_equal(d1, d1again, 32);
  assert_memory_not_equal(d1, d2, 32);
  px_keycache_store(k1, &a, 0, 1000);
  assert_true(px_keycache_lookup(k1, &a, 1));
  assert_false(px_keycache_lookup(k2, &a, 1));
  px_keycache_free(k1);
  px_keycache_free(k2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hit_until_ttl),
      cmocka_unit_test(test_any_change_misses),
      cmocka_unit_test(test_eviction),
      cmocka_unit_test(test_salt_per_cache),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
