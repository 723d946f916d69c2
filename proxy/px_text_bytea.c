/* px_text_bytea.c — base64 (how the Data API sends varbyte, and the emulator bytea) → PostgreSQL's
 * bytea text "\x616263" (bytea_output = hex, PostgreSQL's default).
 *
 * The input is checked whole before the first byte is written, so an invalid value leaves the
 * row untouched. The output is produced in stack-sized pieces: no allocation, whatever the size.
 */
#include <stdbool.h>
#include <stdint.h>

#include "px_text_int.h"

/* Value of a base64 digit plus one; 0 marks a byte outside the alphabet (including '='). */
static const uint8_t B64_PLUS1[256] = {
    ['A'] = 1,  ['B'] = 2,  ['C'] = 3,  ['D'] = 4,  ['E'] = 5,  ['F'] = 6,  ['G'] = 7,  ['H'] = 8,
    ['I'] = 9,  ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
    ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
    ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
    ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

static const char HEX[] = "0123456789abcdef";

/* Input characters decoded per output piece: a multiple of 4, so pieces end on group bounds. */
#define PIECE_IN  384
#define PIECE_OUT (PIECE_IN / 4 * 3 * 2)

/* The number of base64 digits (padding excluded) when s[0..n) is well-formed base64; else -1. */
static long digits_if_valid(const unsigned char *s, size_t n) {
  size_t pad = 0;
  if (n % 4 == 0 && n > 0 && s[n - 1] == '=') {
    pad = (n >= 2 && s[n - 2] == '=') ? 2 : 1;
  }
  size_t digits = n - pad;
  /* A last group of one digit carries 6 bits, less than a byte: no encoder writes it. */
  if (digits % 4 == 1)
    return -1;
  for (size_t i = 0; i < digits; i++) {
    if (B64_PLUS1[s[i]] == 0)
      return -1;
  }
  return (long)digits;
}

/* The bytes encoded by digits s[0..k) (k a multiple of 4, or the last group of 2 or 3 digits),
 * raw. Bits below the last whole byte are ignored, as most decoders do. */
static size_t decode_raw(const unsigned char *s, size_t k, uint8_t *out) {
  size_t o = 0;
  for (size_t i = 0; i < k; i += 4) {
    size_t g = k - i < 4 ? k - i : 4;
    uint32_t bits = 0;
    for (size_t j = 0; j < 4; j++)
      bits = bits << 6 | (j < g ? (uint32_t)(B64_PLUS1[s[i + j]] - 1) : 0);
    for (size_t b = 0; b + 1 < g; b++) /* 4 digits → 3 bytes, 3 → 2, 2 → 1 */
      out[o++] = (uint8_t)(bits >> (16 - 8 * b));
  }
  return o;
}

/* Appends the hex of the bytes encoded by digits s[0..k), k <= PIECE_IN. */
static size_t decode_hex(const unsigned char *s, size_t k, char *out) {
  uint8_t raw[PIECE_IN / 4 * 3];
  size_t n = decode_raw(s, k, raw);
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = HEX[raw[i] >> 4];
    out[2 * i + 1] = HEX[raw[i] & 0xF];
  }
  return 2 * n;
}

px_text_rc px__text_bytea(pgw_datarow *row, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  long digits = digits_if_valid(u, n);
  if (digits < 0)
    return PX_TEXT_EINVAL;
  size_t k = (size_t)digits;
  char piece[PIECE_OUT];
  if (k <= PIECE_IN) {
    /* The common small value: one contiguous field. */
    char whole[2 + PIECE_OUT];
    whole[0] = '\\';
    whole[1] = 'x';
    size_t len = decode_hex(u, k, whole + 2);
    pgw_enc_datarow_field(row, whole, 2 + len);
    return PX_TEXT_OK;
  }
  pgw_enc_datarow_field_begin(row);
  pgw_enc_datarow_field_append(row, "\\x", 2);
  for (size_t i = 0; i < k; i += PIECE_IN) {
    size_t take = k - i < PIECE_IN ? k - i : PIECE_IN;
    size_t len = decode_hex(u + i, take, piece);
    pgw_enc_datarow_field_append(row, piece, len);
  }
  pgw_enc_datarow_field_end(row);
  return PX_TEXT_OK;
}

px_text_rc px__bytea_raw(pgw_datarow *row, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  long digits = digits_if_valid(u, n);
  if (digits < 0)
    return PX_TEXT_EINVAL;
  size_t k = (size_t)digits;
  uint8_t piece[PIECE_IN / 4 * 3];
  pgw_enc_datarow_field_begin(row);
  for (size_t i = 0; i < k; i += PIECE_IN) {
    size_t take = k - i < PIECE_IN ? k - i : PIECE_IN;
    pgw_enc_datarow_field_append(row, piece, decode_raw(u + i, take, piece));
  }
  pgw_enc_datarow_field_end(row);
  return PX_TEXT_OK;
}
