/* px_text_float.c — shortest round-trip text of float4/float8, as PostgreSQL 15 prints it.
 *
 * PostgreSQL 12+ prints floats with Ryu (float8out/float4out with extra_float_digits > 0): the
 * fewest significant digits that stand for the value and, of those, the ones closest to it —
 * where "stand for" means strictly inside the value's rounding interval: PostgreSQL builds Ryu
 * without STRICTLY_SHORTEST (acceptBounds = false), so a decimal exactly half-way to the next
 * float is refused even though strtod (ties to even) would read it back as the value. Instead of
 * carrying a Ryu port, this file finds the same digits with the C library and integer arithmetic:
 *
 *   1. One snprintf("%.17e") gives v's first 18 significant digits, correctly rounded: D.
 *   2. For a digit count p, the only p-digit decimals that can stand for v are v rounded down and
 *      v rounded up to p digits (any other one is farther from v on the same side). Both are cut
 *      from D; the one nearer v is tried first.
 *   3. Whether a candidate is inside the interval is decided from its distance to D in units of
 *      D's last digit against the interval's half-width in the same units, D / (2·m2) (m2 the
 *      binary significand). Only when the two are within rounding noise of each other does the
 *      exact test run: strtod (strtof) reads the candidate back, and a dyadic-valuation check
 *      tells whether it sits exactly on the boundary (on_bound).
 *   4. "Some p-digit decimal stands for v" only becomes true as p grows (a p-digit decimal is
 *      also a (p+1)-digit one), so p is found by binary search.
 *
 * Rounding D again to p digits equals rounding v itself, except when the dropped digits are
 * exactly "5000…": v may then lie on either side of the midpoint, and snprintf with precision p
 * (which works from v's exact binary value) decides which neighbour is nearer.
 *
 * Texts with few digits skip all that (px__float8_convert): a normal double read from a decimal
 * of at most 15 significant digits (DBL_DIG; 6 for float, FLT_DIG) is stood for by no other
 * decimal of that many digits, so those digits are its shortest text — unless they sit exactly on
 * a boundary, which the same valuation check detects.
 *
 * strtod/strtof/snprintf follow LC_NUMERIC; redwire never calls setlocale, so the decimal point
 * is '.' (the "C" locale every program starts in).
 */
#include "px_text_float.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Significant digits snprintf("%.17e") yields. */
#define DIGITS 18
/* 10^18, the range of D. */
#define TEN18 1000000000000000000ull

/* A positive decimal digits[0..n) × 10^(exp - n + 1): exp is the exponent of the first digit. */
typedef struct decimal {
  char digits[DIGITS + 1];
  int n;
  int exp;
} decimal;

/* The value to stand for and the facts about its rounding interval. */
typedef struct target {
  double v;      /* positive, finite (a float widened, for float4) */
  bool single;   /* float4: float32 spacing, judged by strtof */
  uint64_t m2;   /* binary significand: v = m2 · 2^ulp_exp */
  int ulp_exp;   /* the spacing of values just above v is 2^ulp_exp */
  bool lopsided; /* v is a power of two above the smallest normal: the gap below is half */
  bool normal;
} target;

static void init_target(target *t, double v, bool single) {
  t->v = v;
  t->single = single;
  int exponent_field;
  uint64_t mantissa;
  if (single) {
    float f = (float)v;
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    mantissa = bits & ((1u << 23) - 1);
    exponent_field = (int)(bits >> 23 & 0xff);
    t->m2 = exponent_field == 0 ? mantissa : mantissa | 1u << 23;
    t->ulp_exp = (exponent_field == 0 ? 1 : exponent_field) - 127 - 23;
  } else {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    mantissa = bits & ((1ull << 52) - 1);
    exponent_field = (int)(bits >> 52 & 0x7ff);
    t->m2 = exponent_field == 0 ? mantissa : mantissa | 1ull << 52;
    t->ulp_exp = (exponent_field == 0 ? 1 : exponent_field) - 1023 - 52;
  }
  t->lopsided = mantissa == 0 && exponent_field > 1;
  t->normal = exponent_field != 0;
}

/* 5^q for q <= 27 (fits 64 bits). */
static uint64_t pow5(int q) {
  uint64_t r = 1;
  for (int i = 0; i < q; i++)
    r *= 5;
  return r;
}

static uint64_t significand(const decimal *d) {
  uint64_t D = 0;
  for (int i = 0; i < d->n; i++)
    D = D * 10 + (uint64_t)(d->digits[i] - '0');
  return D;
}

/* The 2-adic valuation of d when d is a dyadic rational (m·2^j), else INT32_MIN. */
static int dyadic_valuation(const decimal *d) {
  uint64_t D = significand(d);
  int k = d->exp - d->n + 1; /* d = D · 10^k */
  if (k < 0 && (-k > 27 || D % pow5(-k) != 0))
    return INT32_MIN;
  return __builtin_ctzll(D) + k;
}

/* Whether d — known to read back as v — lies exactly on a boundary of v's rounding interval.
 * below: d is under v. The boundaries are v ± 2^(ulp_exp-1) (v - 2^(ulp_exp-2) below a lopsided
 * v). Every decimal that reads back as v is in the closed interval, and the only dyadic rationals
 * in there whose valuation is exactly a boundary's are the boundaries themselves. */
static bool on_bound(const decimal *d, bool below, const target *t) {
  return dyadic_valuation(d) == t->ulp_exp - 1 - (below && t->lopsided ? 1 : 0);
}

/* Writes "d.ddde<exp>" NUL-terminated; room for DIGITS + 8 characters. */
static void scientific_cstr(const decimal *d, char *out) {
  size_t o = 0;
  out[o++] = d->digits[0];
  if (d->n > 1) {
    out[o++] = '.';
    memcpy(out + o, d->digits + 1, (size_t)d->n - 1);
    o += (size_t)d->n - 1;
  }
  snprintf(out + o, 8, "e%d", d->exp);
}

/* The exact test: d reads back as v and is not on a boundary. */
static bool stands_for_exact(const decimal *d, bool below, const target *t) {
  char buf[DIGITS + 16];
  scientific_cstr(d, buf);
  bool back = t->single ? strtof(buf, NULL) == (float)t->v : strtod(buf, NULL) == t->v;
  return back && !on_bound(d, below, t);
}

/* Whether the candidate d, dist units of D's last digit away from D, stands for v. D is within
 * half a unit of v; the half-width of v's interval is h = D / (2·m2) units (D / (4·m2) below a
 * lopsided v), computed in double with a relative error far below 1e-12. */
static bool stands_for(const decimal *d, uint64_t dist, bool below, uint64_t D, const target *t) {
  double h = (double)D / (double)(t->m2 * (below && t->lopsided ? 4 : 2));
  double x = (double)dist;
  double slack = 0.5 + 1e-12 * (x + h);
  if (x + slack < h)
    return true;
  if (x - slack > h)
    return false;
  return stands_for_exact(d, below, t);
}

/* Parses snprintf's "d.ddde±x" (ndigits significant digits) into d. */
static void parse_scientific(const char *s, int ndigits, decimal *d) {
  d->digits[0] = s[0];
  if (ndigits > 1)
    memcpy(d->digits + 1, s + 2, (size_t)ndigits - 1);
  d->n = ndigits;
  const char *e = s + (ndigits > 1 ? ndigits + 1 : 1);
  d->exp = (int)strtol(e + 1, NULL, 10); /* e points at 'e' */
}

static void round_down(const decimal *all, int p, decimal *out) {
  memcpy(out->digits, all->digits, (size_t)p);
  out->n = p;
  out->exp = all->exp;
}

/* The first p digits of all, plus one unit in the last place (9s carry). */
static void round_up(const decimal *all, int p, decimal *out) {
  round_down(all, p, out);
  int i = p - 1;
  while (i >= 0 && out->digits[i] == '9') {
    out->digits[i] = '0';
    i--;
  }
  if (i >= 0) {
    out->digits[i]++;
  } else {
    /* 99…9 → 100…0: one more power of ten, the same number of digits. */
    out->digits[0] = '1';
    out->exp++;
  }
}

/* A p-digit decimal that stands for t->v, the nearer one when both neighbours do. */
static bool candidate(const decimal *all, uint64_t D, int p, const target *t, decimal *out) {
  uint64_t unit = 1; /* one unit of the p-th digit, in units of the 18th */
  for (int i = p; i < DIGITS; i++)
    unit *= 10;
  uint64_t tail = D % unit; /* D - (D rounded down to p digits) */
  decimal down, up;
  round_down(all, p, &down);
  if (tail == 0) {
    *out = down;
    return stands_for(out, 0, true, D, t);
  }
  round_up(all, p, &up);
  bool up_first = tail > unit / 2;
  if (tail == unit / 2) {
    /* D sits exactly on the midpoint: ask for v itself rounded to p digits. */
    char buf[64];
    snprintf(buf, sizeof buf, "%.*e", p - 1, t->v);
    decimal nearest;
    parse_scientific(buf, p, &nearest);
    up_first = nearest.exp == up.exp && memcmp(nearest.digits, up.digits, (size_t)p) == 0;
  }
  if (up_first) {
    *out = up;
    if (stands_for(out, unit - tail, false, D, t))
      return true;
    *out = down;
    return stands_for(out, tail, true, D, t);
  }
  *out = down;
  if (stands_for(out, tail, true, D, t))
    return true;
  *out = up;
  return stands_for(out, unit - tail, false, D, t);
}

static void strip_trailing_zeros(decimal *d) {
  while (d->n > 1 && d->digits[d->n - 1] == '0')
    d->n--;
}

/* The shortest decimal that stands for t->v (positive, finite); trailing zeros removed. */
static void shortest(const target *t, decimal *out) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.*e", DIGITS - 1, t->v);
  decimal all;
  parse_scientific(buf, DIGITS, &all);
  uint64_t D = significand(&all);

  /* 17 significant digits always identify a double, 9 a float (strictly inside: the nearest
   * 17-digit decimal is within 5e-18 relative of v, the interval's half-width is >= 2.7e-17). */
  int lo = 1, hi = t->single ? 9 : 17;
  decimal best;
  bool have_best = false;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    decimal c;
    if (candidate(&all, D, mid, t, &c)) {
      hi = mid;
      best = c;
      have_best = true;
    } else {
      lo = mid + 1;
    }
  }
  if (!have_best || best.n != lo) {
    if (!candidate(&all, D, lo, t, &best))
      round_down(&all, lo, &best); /* unreachable for IEEE formats (see above) */
  }
  strip_trailing_zeros(&best);
  *out = best;
}

/* ---- PostgreSQL's layout ------------------------------------------------------------------ */

/* Lays out d the way PostgreSQL's d2s/f2s do: positional when -4 <= exp < sci_from, else
 * "d.ddde±XX" with at least two exponent digits. Returns the length written at out. */
static size_t layout(const decimal *d, int sci_from, char *out) {
  size_t o = 0;
  int n = d->n, e = d->exp;
  if (e < -4 || e >= sci_from) {
    out[o++] = d->digits[0];
    if (n > 1) {
      out[o++] = '.';
      memcpy(out + o, d->digits + 1, (size_t)n - 1);
      o += (size_t)n - 1;
    }
    out[o++] = 'e';
    out[o++] = e < 0 ? '-' : '+';
    int a = e < 0 ? -e : e;
    if (a >= 100)
      out[o++] = (char)('0' + a / 100);
    out[o++] = (char)('0' + a / 10 % 10);
    out[o++] = (char)('0' + a % 10);
    return o;
  }
  if (e < 0) {
    /* 0.000ddd */
    out[o++] = '0';
    out[o++] = '.';
    for (int i = -1; i > e; i--)
      out[o++] = '0';
    memcpy(out + o, d->digits, (size_t)n);
    return o + (size_t)n;
  }
  if (n <= e + 1) {
    /* ddd000: the integer part alone */
    memcpy(out + o, d->digits, (size_t)n);
    o += (size_t)n;
    for (int i = n; i <= e; i++)
      out[o++] = '0';
    return o;
  }
  memcpy(out + o, d->digits, (size_t)e + 1);
  o += (size_t)e + 1;
  out[o++] = '.';
  memcpy(out + o, d->digits + e + 1, (size_t)(n - e - 1));
  return o + (size_t)(n - e - 1);
}

static size_t put_literal(char *out, const char *lit) {
  size_t n = strlen(lit);
  memcpy(out, lit, n);
  return n;
}

/* Sign, specials and zero; then d (when given: digits known to be the shortest) or the search. */
static size_t format(double v, bool single, const decimal *known, char *out) {
  int sci_from = single ? 6 : 15;
  if (isnan(v))
    return put_literal(out, "NaN");
  if (isinf(v))
    return put_literal(out, v < 0 ? "-Infinity" : "Infinity");
  size_t o = 0;
  if (signbit(v)) {
    out[o++] = '-';
    v = -v;
  }
  if (v == 0) {
    out[o++] = '0';
    return o;
  }
  if (known != NULL)
    return o + layout(known, sci_from, out + o);
  target t;
  init_target(&t, v, single);
  decimal d;
  shortest(&t, &d);
  return o + layout(&d, sci_from, out + o);
}

size_t px__float8_text(double v, char out[PX__FLOAT_TEXT_MAX]) {
  return format(v, false, NULL, out);
}

size_t px__float4_text(float v, char out[PX__FLOAT_TEXT_MAX]) {
  /* Widening to double is exact, and the candidates are judged by strtof. */
  return format((double)v, true, NULL, out);
}

/* ---- parsing ------------------------------------------------------------------------------ */

/* Clinger's exact case, which spares strtod (the largest cost of a float8 column; bench_decode
 * row:four): with at most 15 significant digits the significand D is an exact double (< 2^53),
 * and so is 10^|k| for |k| <= 22; one IEEE multiplication or division of two exact operands is
 * correctly rounded, which is what strtod returns. Needs FLT_EVAL_METHOD 0 (no excess precision,
 * as on x86-64 SSE and AArch64); otherwise, and outside that range, false: use strtod. */
static bool exact_double(const px__float_scan *s, double *out) {
#if FLT_EVAL_METHOD == 0
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  if (s->form != PX__FLOAT_NONZERO || s->nsig > 15)
    return false;
  long k = s->exp10 - s->nsig + 1; /* value = D * 10^k */
  if (k < -22 || k > 22)
    return false;
  uint64_t D = 0;
  for (int i = 0; i < s->nsig; i++)
    D = D * 10 + (uint64_t)(s->sig[i] - '0');
  double v = k >= 0 ? (double)D * pow10[k] : (double)D / pow10[-k];
  *out = s->cstr[0] == '-' ? -v : v;
  return true;
#else
  (void)s;
  (void)out;
  return false;
#endif
}

/* The value of a scanned text; false when it is not a number of the type's range. */
static bool value_of(const px__float_scan *s, bool single, double *out) {
  switch (s->form) {
  case PX__FLOAT_BAD:
    return false;
  case PX__FLOAT_NAN:
    *out = NAN;
    return true;
  case PX__FLOAT_POS_INF:
    *out = INFINITY;
    return true;
  case PX__FLOAT_NEG_INF:
    *out = -INFINITY;
    return true;
  case PX__FLOAT_ZERO:
  case PX__FLOAT_NONZERO: {
    if (!single && exact_double(s, out))
      return true; /* never out of range: |value| is within [1e-37, 1e37] */
    /* float4 is rounded once, from the decimal, never through a double. */
    double v = single ? (double)strtof(s->cstr, NULL) : strtod(s->cstr, NULL);
    /* Overflow gives ±HUGE_VAL; a non-zero number below the smallest subnormal gives 0. Both
     * are "out of range" for PostgreSQL. */
    if (isinf(v) || (s->form == PX__FLOAT_NONZERO && v == 0))
      return false;
    *out = v;
    return true;
  }
  }
  return false;
}

bool px__float8_parse(const char *s, size_t n, double *out) {
  px__float_scan sc;
  px__float_scan_text(s, n, &sc);
  return value_of(&sc, false, out);
}

bool px__float4_parse(const char *s, size_t n, float *out) {
  px__float_scan sc;
  px__float_scan_text(s, n, &sc);
  double v;
  if (!value_of(&sc, true, &v))
    return false;
  *out = (float)v; /* exact: v came from a float */
  return true;
}

/* The text's own digits when they are v's shortest (see the file comment), else false. */
static bool short_text_digits(const px__float_scan *s, double v, bool single, decimal *out) {
  if (s->form != PX__FLOAT_NONZERO || s->nsig > (single ? 6 : 15))
    return false;
  target t;
  init_target(&t, fabs(v), single);
  if (!t.normal)
    return false; /* subnormals have fewer digits of precision than DBL_DIG/FLT_DIG */
  memcpy(out->digits, s->sig, (size_t)s->nsig);
  out->n = s->nsig;
  out->exp = (int)s->exp10;
  /* On a boundary (or, below a power of two, maybe on one): leave it to the search. */
  int val = dyadic_valuation(out);
  return val != t.ulp_exp - 1 && !(t.lopsided && val == t.ulp_exp - 2);
}

static size_t convert(const char *s, size_t n, bool single, char out[PX__FLOAT_TEXT_MAX]) {
  px__float_scan sc;
  px__float_scan_text(s, n, &sc);
  double v;
  if (!value_of(&sc, single, &v))
    return 0;
  decimal d;
  return format(v, single, short_text_digits(&sc, v, single, &d) ? &d : NULL, out);
}

size_t px__float8_convert(const char *s, size_t n, char out[PX__FLOAT_TEXT_MAX]) {
  return convert(s, n, false, out);
}

size_t px__float4_convert(const char *s, size_t n, char out[PX__FLOAT_TEXT_MAX]) {
  return convert(s, n, true, out);
}
