/*
 * emu_params.c — ':name' → '$k' rewriting with a minimal PostgreSQL lexer. The rules and the
 * decisions (array slices, duplicate names) are documented in emu_params.h.
 */
#include "emu_params.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *emu_params_strerror(emu_params_rc rc) {
  switch (rc) {
  case EMU_PARAMS_OK:
    return "success";
  case EMU_PARAMS_ENOMEM:
    return "out of memory or SQL text too long";
  case EMU_PARAMS_MISSING:
    return "placeholder without a parameter";
  case EMU_PARAMS_UNUSED:
    return "parameter never referenced";
  }
  return "unknown emu_params_rc";
}

/* ---- character classes (PostgreSQL's scan.l) ---------------------------------------------- */

/* A Data API parameter name character: [0-9A-Za-z_]. */
static bool is_name_char(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

/* ident_start: [A-Za-z\200-\377_]. */
static bool is_ident_start(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

/* ident_cont: [A-Za-z\200-\377_0-9\$]. */
static bool is_ident_cont(unsigned char c) {
  return is_name_char(c) || c == '$' || c >= 0x80;
}

/* ---- skipping what is not code -------------------------------------------------------------- */

/* From just after an opening quote q, returns the index just after the closing one (doubled
 * quotes are part of the text; with backslash_escapes a backslash escapes the next byte), or n
 * when the literal is unterminated. */
static size_t skip_quoted(const unsigned char *s, size_t n, size_t i, unsigned char q,
                          bool backslash_escapes) {
  while (i < n) {
    unsigned char c = s[i];
    if (backslash_escapes && c == '\\') {
      i += 2;
      continue;
    }
    if (c == q) {
      if (i + 1 < n && s[i + 1] == q) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return n;
}

/* If s[i] == '$' opens a dollar quote ($$ or $tag$), returns the delimiter's length, else 0.
 * Tags follow dolq_start/dolq_cont: an identifier without '$'. */
static size_t dollar_delim_len(const unsigned char *s, size_t n, size_t i) {
  size_t j = i + 1;
  if (j < n && is_ident_start(s[j])) {
    j++;
    while (j < n && s[j] != '$' && is_ident_cont(s[j]))
      j++;
  }
  if (j < n && s[j] == '$')
    return j - i + 1;
  return 0;
}

/* From just after an opening delimiter s[open..open+len), returns the index after the matching
 * closing delimiter, or n. */
static size_t skip_dollar_body(const unsigned char *s, size_t n, size_t i, size_t open,
                               size_t len) {
  while (i < n) {
    const unsigned char *d = memchr(s + i, '$', n - i);
    if (d == NULL)
      return n;
    size_t at = (size_t)(d - s);
    if (n - at >= len && memcmp(s + at, s + open, len) == 0)
      return at + len;
    i = at + 1;
  }
  return n;
}

/* From just after an opening slash-star, returns the index after the comment's end; comments
 * nest, as in PostgreSQL (not as in the SQL standard's older rule or in C). */
static size_t skip_block_comment(const unsigned char *s, size_t n, size_t i) {
  size_t depth = 1;
  while (i + 1 < n) {
    if (s[i] == '/' && s[i + 1] == '*') {
      depth++;
      i += 2;
    } else if (s[i] == '*' && s[i + 1] == '/') {
      i += 2;
      if (--depth == 0)
        return i;
    } else {
      i++;
    }
  }
  return n;
}

static size_t skip_line_comment(const unsigned char *s, size_t n, size_t i) {
  while (i < n && s[i] != '\n' && s[i] != '\r')
    i++;
  return i;
}

/* If s[i] opens a string, a quoted identifier, a dollar quote or a comment, returns the index
 * just after it (n when unterminated); otherwise returns i. */
static size_t skip_non_code(const unsigned char *s, size_t n, size_t i) {
  /* '$' and a leading E only mean something at a token start. Digits count as identifier
   * characters here: after a number PostgreSQL would start a new token, but a literal right after
   * a number is a syntax error anyway. */
  bool after_ident = i > 0 && is_ident_cont(s[i - 1]);
  switch (s[i]) {
  case '\'': {
    /* E'...' has backslash escapes; every other string form (plain, U&, B, X, N) follows the
     * standard_conforming_strings rule. */
    bool escapes =
        i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') && (i < 2 || !is_ident_cont(s[i - 2]));
    return skip_quoted(s, n, i + 1, '\'', escapes);
  }
  case '"':
    return skip_quoted(s, n, i + 1, '"', false);
  case '-':
    return i + 1 < n && s[i + 1] == '-' ? skip_line_comment(s, n, i + 2) : i;
  case '/':
    return i + 1 < n && s[i + 1] == '*' ? skip_block_comment(s, n, i + 2) : i;
  case '$': {
    size_t dl = after_ident ? 0 : dollar_delim_len(s, n, i);
    return dl != 0 ? skip_dollar_body(s, n, i + dl, i, dl) : i;
  }
  default:
    return i;
  }
}

/* For s[i] == ':' in code, returns the length of the placeholder name that follows, or 0 when this
 * ':' is not a placeholder (the caller then skips one ':', or two for a '::' cast). */
static size_t placeholder_len(const unsigned char *s, size_t n, size_t i, size_t bracket_depth) {
  if (i + 1 >= n || !is_name_char(s[i + 1]))
    return 0; /* also a '::' cast */
  if (bracket_depth > 0 && i > 0 && (is_ident_cont(s[i - 1]) || s[i - 1] == ')' || s[i - 1] == ']'))
    return 0; /* an array slice a[lo:hi]; see emu_params.h */
  size_t end = i + 1;
  while (end < n && is_name_char(s[end]))
    end++;
  return end - (i + 1);
}

/* ---- parameter lookup ----------------------------------------------------------------------- */

/* Parameters sorted by name, so each placeholder is found in O(log n) even for long lists. */
typedef struct name_slot {
  const char *name; /* borrowed from params */
  size_t len;
  size_t index; /* into params */
} name_slot;

static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen) {
  int r = memcmp(a, b, alen < blen ? alen : blen);
  if (r != 0)
    return r;
  return alen < blen ? -1 : alen > blen;
}

static int cmp_slots(const void *pa, const void *pb) {
  const name_slot *a = pa, *b = pb;
  int r = cmp_bytes(a->name, a->len, b->name, b->len);
  if (r != 0)
    return r;
  /* Equal names sort by position, so a lookup finds the first one. */
  return a->index < b->index ? -1 : a->index > b->index;
}

/* Index into params of the first parameter named name[0..len), or SIZE_MAX. */
static size_t find_param(const name_slot *slots, size_t n_slots, const char *name, size_t len) {
  size_t lo = 0, hi = n_slots;
  while (lo < hi) { /* first slot whose name is >= the key */
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_bytes(slots[mid].name, slots[mid].len, name, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < n_slots && cmp_bytes(slots[lo].name, slots[lo].len, name, len) == 0)
    return slots[lo].index;
  return SIZE_MAX;
}

/* Scratch memory for one call: the sorted slots and, per parameter, its $k (0 = not yet used). */
typedef struct lookup {
  name_slot *slots; /* owned; one block with k_of */
  size_t n_slots;
  size_t *k_of;
} lookup;

static bool lookup_init(lookup *lk, const emu_param *params, size_t n_params) {
  lk->slots = NULL;
  lk->n_slots = 0;
  lk->k_of = NULL;
  if (n_params == 0)
    return true;
  size_t per = sizeof(name_slot) + sizeof(size_t);
  if (n_params > SIZE_MAX / per)
    return false;
  void *mem = calloc(n_params, per);
  if (mem == NULL)
    return false;
  lk->slots = mem;
  lk->k_of = (size_t *)(lk->slots + n_params);
  for (size_t i = 0; i < n_params; i++) {
    if (params[i].name == NULL)
      continue; /* can never be referenced */
    lk->slots[lk->n_slots++] = (name_slot){params[i].name, strlen(params[i].name), i};
  }
  qsort(lk->slots, lk->n_slots, sizeof(name_slot), cmp_slots);
  return true;
}

/* ---- the rewrite ---------------------------------------------------------------------------- */

static void put_placeholder(emu_buf *out, size_t k) {
  char tmp[24];
  char *end = tmp + sizeof tmp, *p = end;
  do {
    *--p = (char)('0' + k % 10);
    k /= 10;
  } while (k != 0);
  *--p = '$';
  emu_buf_append(out, p, (size_t)(end - p));
}

static void set_bad(const char **bad_name, size_t *bad_name_len, const char *name, size_t len) {
  if (bad_name != NULL)
    *bad_name = name;
  if (bad_name_len != NULL)
    *bad_name_len = len;
}

emu_params_rc emu_params_rewrite(const char *sql, size_t sql_len, const emu_param *params,
                                 size_t n_params, bool require_all_used, emu_buf *out_sql,
                                 size_t *order, size_t *n_used, const char **bad_name,
                                 size_t *bad_name_len) {
  /* Room for the common case (output as long as the input) in one step; this also makes data
   * non-NULL, so even an empty text comes out as a C string. */
  if (emu_buf_reserve(out_sql, sql_len) == NULL)
    return EMU_PARAMS_ENOMEM;
  const size_t entry_len = out_sql->len;
  lookup lk;
  if (!lookup_init(&lk, params, n_params))
    return EMU_PARAMS_ENOMEM;

  const unsigned char *s = (const unsigned char *)sql;
  const size_t n = sql_len;
  size_t used = 0;
  size_t copied = 0; /* s[copied..i) is text still to be copied verbatim */
  size_t bracket_depth = 0;
  emu_params_rc rc = EMU_PARAMS_OK;
  size_t i = 0;
  while (i < n) {
    size_t after = skip_non_code(s, n, i);
    if (after != i) {
      i = after;
      continue;
    }
    if (s[i] == '[') {
      bracket_depth++;
    } else if (s[i] == ']') {
      if (bracket_depth > 0)
        bracket_depth--;
    } else if (s[i] == ':') {
      size_t len = placeholder_len(s, n, i, bracket_depth);
      if (len == 0) {
        i += i + 1 < n && s[i + 1] == ':' ? 2 : 1;
        continue;
      }
      const char *name = sql + i + 1;
      size_t idx = find_param(lk.slots, lk.n_slots, name, len);
      if (idx == SIZE_MAX) {
        set_bad(bad_name, bad_name_len, name, len);
        rc = EMU_PARAMS_MISSING;
        goto done;
      }
      if (lk.k_of[idx] == 0) {
        order[used] = idx;
        lk.k_of[idx] = ++used;
      }
      emu_buf_append(out_sql, s + copied, i - copied);
      if (i > 0 && is_ident_cont(s[i - 1]))
        emu_buf_putc(out_sql, ' '); /* "select:x" must not become the identifier select$1 */
      put_placeholder(out_sql, lk.k_of[idx]);
      i += 1 + len;
      copied = i;
      continue;
    }
    i++;
  }
  emu_buf_append(out_sql, s + copied, n - copied);

  if (require_all_used) {
    for (size_t p = 0; p < n_params; p++) {
      if (lk.k_of[p] == 0) {
        const char *name = params[p].name != NULL ? params[p].name : "";
        set_bad(bad_name, bad_name_len, name, strlen(name));
        rc = EMU_PARAMS_UNUSED;
        goto done;
      }
    }
  }
  if (out_sql->failed)
    rc = EMU_PARAMS_ENOMEM;
  else
    *n_used = used;

done:
  free(lk.slots);
  if (rc != EMU_PARAMS_OK)
    emu_buf_truncate(out_sql, entry_len);
  return rc;
}
