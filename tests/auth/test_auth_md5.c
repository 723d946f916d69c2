/*
 * test_auth_md5.c — PostgreSQL's MD5 authentication. Vectors computed outside redwire:
 *   stored:   printf 'penciluser' | openssl md5            -> 20c46e3762c864548e296b33c3406aa9
 *             PostgreSQL 15 agrees: select md5('pencil' || 'user'), and CREATE ROLE "user"
 *             PASSWORD 'pencil' with password_encryption = 'md5' stores "md5" + that
 *   response: md5 of those 32 hex digits followed by the salt bytes, with openssl md5 / Python:
 *             salt de ad be ef -> 0f5b636d891e9860623ac8ca91fc9dfc
 *             salt 01 02 03 04 -> 4376eb6913b38f9aaff38dc7cf19ca76
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "auth_md5.h"

#define STORED    "md520c46e3762c864548e296b33c3406aa9"
#define RESP_DEAD "md50f5b636d891e9860623ac8ca91fc9dfc"
#define RESP_0102 "md54376eb6913b38f9aaff38dc7cf19ca76"
#define SCRAM_VERIF                                                                                \
  "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"      \
  "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="

static const uint8_t SALT_DEAD[4] = {0xde, 0xad, 0xbe, 0xef};
static const uint8_t SALT_0102[4] = {0x01, 0x02, 0x03, 0x04};

#define L(s) (s), strlen(s)

static void test_hash_password(void **state) {
  (void)state;
  char out[AUTH_MD5_HASH_LEN + 1];
  assert_int_equal(auth_md5_hash_password(L("user"), L("pencil"), out), AUTH_MD5_OK);
  assert_string_equal(out, STORED);
  /* Order matters: password first, then user name. */
  assert_int_equal(auth_md5_hash_password(L("pencil"), L("user"), out), AUTH_MD5_OK);
  assert_string_not_equal(out, STORED);
  assert_int_equal(auth_md5_hash_password("", 0, L("pencil"), out), AUTH_MD5_EINVAL);
  assert_int_equal(auth_md5_hash_password("us\0er", 5, L("pencil"), out), AUTH_MD5_EINVAL);
}

static void test_salted_response(void **state) {
  (void)state;
  char out[AUTH_MD5_HASH_LEN + 1];
  assert_int_equal(auth_md5_salted_response(L(STORED), SALT_DEAD, out), AUTH_MD5_OK);
  assert_string_equal(out, RESP_DEAD);
  assert_int_equal(auth_md5_salted_response(L(STORED), SALT_0102, out), AUTH_MD5_OK);
  assert_string_equal(out, RESP_0102);
  assert_int_equal(auth_md5_salted_response(L("md5nothex"), SALT_0102, out), AUTH_MD5_ESTORED);
  assert_int_equal(
      auth_md5_salted_response(L("md520C46E3762C864548E296B33C3406AA9"), SALT_0102, out),
      AUTH_MD5_ESTORED);
}

static void test_verify_md5_hash(void **state) {
  (void)state;
  assert_int_equal(auth_md5_verify(L(STORED), L("user"), SALT_DEAD, L(RESP_DEAD)), AUTH_MD5_OK);
  assert_int_equal(auth_md5_verify(L(STORED), L("user"), SALT_0102, L(RESP_0102)), AUTH_MD5_OK);
  /* The answer for another salt (a replay) fails. */
  assert_int_equal(auth_md5_verify(L(STORED), L("user"), SALT_0102, L(RESP_DEAD)),
                   AUTH_MD5_EPASSWORD);
  /* Last digit changed; upper-case hex (PostgreSQL compares the exact string). */
  assert_int_equal(
      auth_md5_verify(L(STORED), L("user"), SALT_DEAD, L("md50f5b636d891e9860623ac8ca91fc9dfd")),
      AUTH_MD5_EPASSWORD);
  assert_int_equal(
      auth_md5_verify(L(STORED), L("user"), SALT_DEAD, L("md50F5B636D891E9860623AC8CA91FC9DFC")),
      AUTH_MD5_EPASSWORD);
  assert_string_equal(auth_md5_sqlstate(AUTH_MD5_EPASSWORD), "28P01");
}

static void test_verify_plaintext(void **state) {
  (void)state;
  /* A plain-text stored password is hashed with the user name first. */
  assert_int_equal(auth_md5_verify(L("pencil"), L("user"), SALT_DEAD, L(RESP_DEAD)), AUTH_MD5_OK);
  assert_int_equal(auth_md5_verify(L("pencil"), L("usr"), SALT_DEAD, L(RESP_DEAD)),
                   AUTH_MD5_EPASSWORD);
  assert_int_equal(auth_md5_verify(L("Pencil"), L("user"), SALT_DEAD, L(RESP_DEAD)),
                   AUTH_MD5_EPASSWORD);
}

static void test_verify_scram_impossible(void **state) {
  (void)state;
  assert_int_equal(auth_md5_verify(L(SCRAM_VERIF), L("user"), SALT_DEAD, L(RESP_DEAD)),
                   AUTH_MD5_ESCRAM);
  assert_string_equal(auth_md5_strerror(AUTH_MD5_ESCRAM),
                      "user has a SCRAM verifier; MD5 login impossible");
  assert_string_equal(auth_md5_sqlstate(AUTH_MD5_ESCRAM), "28P01");
}

static void test_malformed(void **state) {
  (void)state;
  /* Response not "md5" + 32 hex. */
  static const char *const bad_resp[] = {
      "",
      "md5",
      "pencil",
      "0f5b636d891e9860623ac8ca91fc9dfc",
      "md50f5b636d891e9860623ac8ca91fc9df",
      "md50f5b636d891e9860623ac8ca91fc9dfc0",
      "md50f5b636d891e9860623ac8ca91fc9dfg",
  };
  for (size_t i = 0; i < sizeof(bad_resp) / sizeof(bad_resp[0]); i++)
    assert_int_equal(auth_md5_verify(L(STORED), L("user"), SALT_DEAD, L(bad_resp[i])),
                     AUTH_MD5_ERESPONSE);
  /* Stored: "md5" + 32 characters that are not all hex is a damaged hash, not a password. */
  assert_int_equal(
      auth_md5_verify(L("md520c46e3762c864548e296b33c3406aaz"), L("user"), SALT_DEAD, L(RESP_DEAD)),
      AUTH_MD5_ESTORED);
  assert_int_equal(auth_md5_verify(NULL, 0, L("user"), SALT_DEAD, L(RESP_DEAD)), AUTH_MD5_EINVAL);
  assert_int_equal(auth_md5_verify(L(STORED), L("user"), NULL, L(RESP_DEAD)), AUTH_MD5_EINVAL);
  assert_int_equal(auth_md5_verify(L("pencil"), "", 0, SALT_DEAD, L(RESP_DEAD)), AUTH_MD5_EINVAL);
}

static void test_is_hash(void **state) {
  (void)state;
  assert_true(auth_md5_is_hash(L(STORED)));
  assert_true(auth_md5_is_hash(L("md520C46E3762C864548E296B33C3406AA9")));
  assert_false(auth_md5_is_hash(L("MD520c46e3762c864548e296b33c3406aa9")));
  assert_false(auth_md5_is_hash(L("md520c46e3762c864548e296b33c3406aa")));
  assert_false(auth_md5_is_hash(NULL, 0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_hash_password),
      cmocka_unit_test(test_salted_response),
      cmocka_unit_test(test_verify_md5_hash),
      cmocka_unit_test(test_verify_plaintext),
      cmocka_unit_test(test_verify_scram_impossible),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_is_hash),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
