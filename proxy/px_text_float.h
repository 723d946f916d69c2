/* px_text_float.h — internal to proxy/: PostgreSQL's float4/float8 text, from the Data API's
 * number text to the shortest round-trip digits printed the way PostgreSQL 15 prints them. */
#ifndef PX_TEXT_FLOAT_H
#define PX_TEXT_FLOAT_H

#include <stdbool.h>
#include <stddef.h>

/* Room for any output: "-2.2250738585072014e-308" is 24 characters, "-1.1754944e-38" 14. */
#define PX__FLOAT_TEXT_MAX 32
/* Longest number text accepted: no double needs more (PostgreSQL prints at most 24). */
#define PX__FLOAT_PARSE_MAX 256
/* Significant digits kept by the scanner: more than any float needs to be told apart. */
#define PX__FLOAT_SIG_MAX 17

typedef enum px__float_form {
  PX__FLOAT_BAD = 0,
  PX__FLOAT_ZERO,    /* a number whose digits are all zero */
  PX__FLOAT_NONZERO, /* a number with some non-zero digit */
  PX__FLOAT_NAN,
  PX__FLOAT_POS_INF,
  PX__FLOAT_NEG_INF,
} px__float_form;

/* A number text, checked and taken apart (px_text_fscan.c). */
typedef struct px__float_scan {
  px__float_form form;
  char cstr[PX__FLOAT_PARSE_MAX + 1]; /* the text without surrounding blanks, NUL-terminated */
  /* NONZERO only: the significant digits without leading and trailing zeros, and the decimal
   * exponent of the first one ("0.0120e3" → "12", 1). nsig counts them all, also beyond
   * PX__FLOAT_SIG_MAX, where sig stops. exp10 is clamped to ±1000000 (beyond any float). */
  char sig[PX__FLOAT_SIG_MAX];
  int nsig;
  long exp10;
} px__float_scan;

/* Scans s[0..n) (not NUL-terminated): a decimal number ([+-], digits with an optional point,
 * an optional exponent; blanks around allowed) or, ignoring case, NaN, [+-]inf, [+-]infinity —
 * what PostgreSQL's float8in accepts, minus the hex and nan(...) forms only strtod knows.
 * Anything else, and texts longer than PX__FLOAT_PARSE_MAX, scan as PX__FLOAT_BAD. */
void px__float_scan_text(const char *s, size_t n, px__float_scan *out);

/* The value of s[0..n) as float8 / float4 (rounded once, from the decimal text). False for a
 * bad text, a number beyond the type's range (PostgreSQL's "out of range"), and a non-zero
 * number that underflows to zero. Subnormal values are kept, as PostgreSQL keeps them. */
bool px__float8_parse(const char *s, size_t n, double *out);
bool px__float4_parse(const char *s, size_t n, float *out);

/* PostgreSQL 15's text of v with extra_float_digits = 1 (the default): the shortest digits that
 * stand for v, in exponent form ("1e+300", "1.5e-07") when the decimal exponent is < -4 or >= 15
 * (float4: >= 6), else positional; "-0", "NaN", "Infinity", "-Infinity". Returns the length;
 * out is not NUL-terminated. */
size_t px__float8_text(double v, char out[PX__FLOAT_TEXT_MAX]);
size_t px__float4_text(float v, char out[PX__FLOAT_TEXT_MAX]);

/* Parse and print in one step, the per-value path of px_text: the same result as
 * px__float8_parse + px__float8_text, faster when the text is already short. Returns the length,
 * or 0 when the text is not a valid value. */
size_t px__float8_convert(const char *s, size_t n, char out[PX__FLOAT_TEXT_MAX]);
size_t px__float4_convert(const char *s, size_t n, char out[PX__FLOAT_TEXT_MAX]);

#endif
