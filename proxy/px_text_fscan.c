/* px_text_fscan.c — the syntax check and digit extraction of float texts (px_text_float.h). */
#include <string.h>

#include "px_text_float.h"

/* Exponents are clamped here: far beyond any float, and small enough never to overflow a long. */
#define EXP_CLAMP 1000000L

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool equals_nocase(const char *s, size_t n, const char *lit) {
  size_t m = strlen(lit);
  if (n != m)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    if (c != lit[i])
      return false;
  }
  return true;
}

/* Records one mantissa digit; pos is its power of ten. */
static void add_digit(px__float_scan *out, char c, long pos, int *pending_zeros) {
  if (out->nsig == 0 && c == '0')
    return; /* leading zero */
  if (out->nsig == 0)
    out->exp10 = pos;
  if (c == '0') {
    /* Maybe trailing: counted only once a non-zero digit follows. */
    (*pending_zeros)++;
    return;
  }
  for (; *pending_zeros > 0; (*pending_zeros)--) {
    if (out->nsig < PX__FLOAT_SIG_MAX)
      out->sig[out->nsig] = '0';
    out->nsig++;
  }
  if (out->nsig < PX__FLOAT_SIG_MAX)
    out->sig[out->nsig] = c;
  out->nsig++;
}

static px__float_form scan(const char *s, size_t n, px__float_scan *out) {
  if (equals_nocase(s, n, "nan"))
    return PX__FLOAT_NAN;
  size_t i = 0;
  bool neg = false;
  if (i < n && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    i++;
  }
  if (equals_nocase(s + i, n - i, "inf") || equals_nocase(s + i, n - i, "infinity"))
    return neg ? PX__FLOAT_NEG_INF : PX__FLOAT_POS_INF;

  /* Integer digits: count them first to know the power of ten of the first one. */
  size_t int_start = i;
  while (i < n && is_digit(s[i]))
    i++;
  size_t int_len = i - int_start;
  size_t frac_start = i, frac_len = 0;
  if (i < n && s[i] == '.') {
    frac_start = ++i;
    while (i < n && is_digit(s[i]))
      i++;
    frac_len = i - frac_start;
  }
  if (int_len + frac_len == 0)
    return PX__FLOAT_BAD;
  long exp = 0;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    bool exp_neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) {
      exp_neg = s[i] == '-';
      i++;
    }
    if (i >= n || !is_digit(s[i]))
      return PX__FLOAT_BAD;
    for (; i < n && is_digit(s[i]); i++) {
      if (exp < EXP_CLAMP)
        exp = exp * 10 + (s[i] - '0');
    }
    if (exp_neg)
      exp = -exp;
  }
  if (i != n)
    return PX__FLOAT_BAD;

  int pending_zeros = 0;
  for (size_t k = 0; k < int_len; k++)
    add_digit(out, s[int_start + k], (long)(int_len - 1 - k) + exp, &pending_zeros);
  for (size_t k = 0; k < frac_len; k++)
    add_digit(out, s[frac_start + k], -1 - (long)k + exp, &pending_zeros);
  return out->nsig > 0 ? PX__FLOAT_NONZERO : PX__FLOAT_ZERO;
}

void px__float_scan_text(const char *s, size_t n, px__float_scan *out) {
  out->form = PX__FLOAT_BAD;
  out->nsig = 0;
  out->exp10 = 0;
  out->cstr[0] = '\0';
  while (n > 0 && is_blank(s[0])) {
    s++;
    n--;
  }
  while (n > 0 && is_blank(s[n - 1]))
    n--;
  if (n == 0 || n > PX__FLOAT_PARSE_MAX)
    return;
  out->form = scan(s, n, out);
  if (out->form == PX__FLOAT_BAD)
    return;
  memcpy(out->cstr, s, n);
  out->cstr[n] = '\0';
}
