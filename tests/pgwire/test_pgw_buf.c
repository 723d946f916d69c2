/* pgw_buf (capped growable buffer) and pgw_wr (length-prefixed message writer). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pgw_buf.h"
#include "pgw_wr.h"

static void test_strerror(void **state) {
  (void)state;
  assert_string_equal(pgw_strerror(PGW_OK), "success");
  assert_string_equal(pgw_strerror(PGW_ETOOBIG), "size limit exceeded");
  assert_string_equal(pgw_strerror((pgw_rc)77), "unknown pgwire status");
}

static void test_reserve_commit_consume(void **state) {
  (void)state;
  pgw_buf b;
  pgw_buf_init(&b, 1000);
  assert_int_equal(pgw_buf_len(&b), 0);
  assert_null(pgw_buf_data(&b));
  uint8_t *p;
  size_t avail;
  assert_int_equal(pgw_buf_reserve(&b, 10, &p, &avail), PGW_OK);
  assert_true(avail >= 10 && avail <= 1000);
  memcpy(p, "hello world", 11);
  pgw_buf_commit(&b, 11);
  assert_int_equal(pgw_buf_len(&b), 11);
  assert_memory_equal(pgw_buf_data(&b), "hello world", 11);
  pgw_buf_consume(&b, 6);
  assert_int_equal(pgw_buf_len(&b), 5);
  assert_memory_equal(pgw_buf_data(&b), "world", 5);
  pgw_buf_truncate(&b, 3);
  assert_memory_equal(pgw_buf_data(&b), "wor", 3);
  pgw_buf_consume(&b, 100); /* clamped */
  assert_int_equal(pgw_buf_len(&b), 0);
  pgw_buf_free(&b);
  assert_int_equal(pgw_buf_max(&b), 1000);
}

/* The cap is hard: data never exceeds it, the room offered never exceeds it, and asking for
 * more is ETOOBIG with the data intact. */
static void test_cap(void **state) {
  (void)state;
  pgw_buf b;
  pgw_buf_init(&b, 300);
  uint8_t *p;
  size_t avail;
  assert_int_equal(pgw_buf_reserve(&b, 301, &p, &avail), PGW_ETOOBIG);
  uint8_t chunk[100];
  memset(chunk, 'x', sizeof chunk);
  for (int i = 0; i < 3; i++)
    assert_int_equal(pgw_buf_append(&b, chunk, sizeof chunk), PGW_OK);
  assert_int_equal(pgw_buf_len(&b), 300);
  assert_int_equal(pgw_buf_append(&b, "y", 1), PGW_ETOOBIG);
  assert_int_equal(pgw_buf_reserve(&b, 1, &p, &avail), PGW_ETOOBIG);
  assert_int_equal(pgw_buf_len(&b), 300);
  /* min 0 never fails; no room is left. */
  assert_int_equal(pgw_buf_reserve(&b, 0, &p, &avail), PGW_OK);
  assert_int_equal(avail, 0);
  /* Consuming makes room again, and the room offered respects the cap. */
  pgw_buf_consume(&b, 250);
  assert_int_equal(pgw_buf_reserve(&b, 1, &p, &avail), PGW_OK);
  assert_int_equal(avail, 250);
  assert_int_equal(pgw_buf_len(&b), 50);
  assert_memory_equal(pgw_buf_data(&b), chunk, 50);
  pgw_buf_free(&b);
}

/* Interleaved appends and consumes keep the byte stream intact across compaction and growth. */
static void test_stream_integrity(void **state) {
  (void)state;
  pgw_buf b;
  pgw_buf_init(&b, 4096);
  uint8_t next_in = 0, next_out = 0;
  for (int round = 0; round < 2000; round++) {
    size_t n = (size_t)(round * 7 % 61) + 1;
    uint8_t tmp[64];
    for (size_t i = 0; i < n; i++)
      tmp[i] = next_in++;
    assert_int_equal(pgw_buf_append(&b, tmp, n), PGW_OK);
    size_t take = (size_t)(round * 13 % 67);
    if (take > pgw_buf_len(&b))
      take = pgw_buf_len(&b);
    const uint8_t *d = pgw_buf_data(&b);
    for (size_t i = 0; i < take; i++)
      assert_int_equal(d[i], next_out++);
    pgw_buf_consume(&b, take);
    assert_true(pgw_buf_len(&b) <= 4096);
  }
  pgw_buf_free(&b);
}

static void test_empty_append(void **state) {
  (void)state;
  pgw_buf b;
  pgw_buf_init(&b, 0);
  assert_int_equal(pgw_buf_append(&b, NULL, 0), PGW_OK);
  assert_int_equal(pgw_buf_append(&b, "x", 1), PGW_ETOOBIG);
  pgw_buf_free(&b);
}

static void test_writer_patches_length(void **state) {
  (void)state;
  pgw_buf b;
  pgw_buf_init(&b, 1024);
  pgw_wr w;
  pgw_wr_init(&w, &b);
  pgw_wr_begin(&w, 'X');
  pgw_wr_u8(&w, 0xAB);
  pgw_wr_i16(&w, -2);
  pgw_wr_i32(&w, -1);
  pgw_wr_i32(&w, 0x01020304);
  pgw_wr_bytes(&w, "zz", 2);
  pgw_wr_cstr(&w, "hi");
  assert_int_equal(pgw_wr_end(&w), PGW_OK);
  pgw_wr_raw_u8(&w, 'N');
  assert_int_equal(pgw_wr_status(&w), PGW_OK);
  static const uint8_t want[] = {'X',  0,    0,    0,    20,   0xAB, 0xff, 0xfe, 0xff, 0xff, 0xff,
                                 0xff, 0x01, 0x02, 0x03, 0x04, 'z',  'z',  'h',  'i',  0,    'N'};
  assert_int_equal(pgw_buf_len(&b), sizeof want);
  assert_memory_equal(pgw_buf_data(&b), want, sizeof want);
  pgw_buf_free(&b);
}

/* A failure in the middle of a message removes the partial message, sticks, and turns every
 * later call into a no-op; messages completed before it stay. */
static void test_writer_sticky_failure(void **state) {
  (void)state;
  pgw_buf b;
  pgw_buf_init(&b, 16);
  pgw_wr w;
  pgw_wr_init(&w, &b);
  pgw_wr_begin(&w, 'A');
  pgw_wr_cstr(&w, "ok");
  assert_int_equal(pgw_wr_end(&w), PGW_OK);
  assert_int_equal(pgw_buf_len(&b), 8);
  pgw_wr_begin(&w, 'B');
  pgw_wr_bytes(&w, "0123456789", 10); /* 8 + 5 + 10 > 16 */
  assert_int_equal(pgw_wr_status(&w), PGW_ETOOBIG);
  assert_int_equal(pgw_buf_len(&b), 8);
  pgw_wr_u8(&w, 1);
  assert_int_equal(pgw_wr_end(&w), PGW_ETOOBIG);
  pgw_wr_begin(&w, 'C');
  assert_int_equal(pgw_wr_end(&w), PGW_ETOOBIG);
  assert_int_equal(pgw_buf_len(&b), 8);
  assert_memory_equal(pgw_buf_data(&b), "A\0\0\0\x07ok", 8);
  pgw_buf_free(&b);
}

static void test_writer_misuse(void **state) {
  (void)state;
  pgw_buf b;
  pgw_buf_init(&b, 1024);
  pgw_wr w;

  pgw_wr_init(&w, &b);
  pgw_wr_u8(&w, 1); /* outside a message */
  assert_int_equal(pgw_wr_status(&w), PGW_EPROTO);
  assert_int_equal(pgw_buf_len(&b), 0);

  pgw_wr_init(&w, &b);
  pgw_wr_begin(&w, 'A');
  pgw_wr_begin(&w, 'B'); /* nested */
  assert_int_equal(pgw_wr_status(&w), PGW_EPROTO);
  assert_int_equal(pgw_buf_len(&b), 0);

  pgw_wr_init(&w, &b);
  pgw_wr_begin(&w, 'A');
  pgw_wr_cstr(&w, NULL);
  assert_int_equal(pgw_wr_end(&w), PGW_EPROTO);
  assert_int_equal(pgw_buf_len(&b), 0);

  pgw_wr_init(&w, &b);
  assert_int_equal(pgw_wr_end(&w), PGW_EPROTO); /* end without begin */

  pgw_wr_init(&w, &b);
  pgw_wr_begin(&w, 'A');
  pgw_wr_raw_u8(&w, 'S'); /* raw byte inside a message */
  assert_int_equal(pgw_wr_status(&w), PGW_EPROTO);
  assert_int_equal(pgw_buf_len(&b), 0);

  pgw_wr_init(&w, &b);
  pgw_wr_fail(&w, PGW_ENOMEM);
  pgw_wr_fail(&w, PGW_EPROTO); /* the first failure is kept */
  assert_int_equal(pgw_wr_status(&w), PGW_ENOMEM);
  pgw_buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strerror),
      cmocka_unit_test(test_reserve_commit_consume),
      cmocka_unit_test(test_cap),
      cmocka_unit_test(test_stream_integrity),
      cmocka_unit_test(test_empty_append),
      cmocka_unit_test(test_writer_patches_length),
      cmocka_unit_test(test_writer_sticky_failure),
      cmocka_unit_test(test_writer_misuse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
