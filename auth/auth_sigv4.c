/*
 * auth_sigv4.c — AWS Signature Version 4 (see auth_sigv4.h for the contract).
 *
 * Everything here is a pure function of its arguments. Output is built with a small writer that
 * carries a sticky status (the PktBuf pattern of STYLE.md R2): each append is a no-op once one has
 * failed, and the caller checks the status once at the end.
 *
 * Where AWS's documents and the SDKs disagree on a detail, the SDKs win, because the emulator must
 * accept what they send: whitespace folding and path normalisation follow @smithy/signature-v4
 * (the signer of the AWS SDK for JavaScript v3), which the cross-check test runs against.
 */
#include "auth_sigv4.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#define ALGORITHM  "AWS4-HMAC-SHA256"
#define TERMINATOR "aws4_request"
#define SHA256_LEN 32
/* First allocation of an output buffer; most outputs (headers, strings to sign) fit. */
#define BUF_MIN_CAP 256

const char *auth_sigv4_strerror(auth_sigv4_rc rc) {
  switch (rc) {
  case AUTH_SIGV4_OK:
    return "success";
  case AUTH_SIGV4_ENOMEM:
    return "out of memory";
  case AUTH_SIGV4_ETOOBIG:
    return "SigV4 output exceeds its size limit";
  case AUTH_SIGV4_EINVAL:
    return "malformed SigV4 input";
  case AUTH_SIGV4_ECRYPTO:
    return "OpenSSL digest or HMAC failed";
  }
  return "unknown SigV4 status";
}

void auth_sigv4_buf_free(auth_sigv4_buf *b) {
  if (b == NULL) {
    return;
  }
  free(b->data);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

/* ---------------------------------------------------------------------------------------------
 * Bounded writer with a sticky status.
 */

typedef struct writer {
  auth_sigv4_buf *b; /* borrowed: the caller's output */
  auth_sigv4_rc rc;  /* first failure; every later append is a no-op */
} writer;

static void w_reserve(writer *w, size_t extra) {
  auth_sigv4_buf *b = w->b;
  if (w->rc != AUTH_SIGV4_OK) {
    return;
  }
  if (b->len > AUTH_SIGV4_MAX_OUTPUT || extra > AUTH_SIGV4_MAX_OUTPUT - b->len) {
    w->rc = AUTH_SIGV4_ETOOBIG;
    return;
  }
  size_t need = b->len + extra + 1; /* + NUL; cannot overflow: both terms are <= the cap */
  if (need <= b->cap && b->data != NULL) {
    return;
  }
  size_t cap = b->cap < BUF_MIN_CAP ? BUF_MIN_CAP : b->cap;
  while (cap < need) {
    cap *= 2;
  }
  if (cap > (size_t)AUTH_SIGV4_MAX_OUTPUT + 1) {
    cap = (size_t)AUTH_SIGV4_MAX_OUTPUT + 1;
  }
  char *p = realloc(b->data, cap);
  if (p == NULL) {
    w->rc = AUTH_SIGV4_ENOMEM;
    return;
  }
  b->data = p;
  b->cap = cap;
}

/* Empties b and makes sure it holds at least the terminating NUL. */
static void w_init(writer *w, auth_sigv4_buf *b) {
  w->b = b;
  w->rc = AUTH_SIGV4_OK;
  b->len = 0;
  w_reserve(w, 0);
  if (w->rc == AUTH_SIGV4_OK) {
    b->data[0] = '\0';
  }
}

static void w_put(writer *w, const void *p, size_t n) {
  w_reserve(w, n);
  if (w->rc != AUTH_SIGV4_OK || n == 0) {
    return;
  }
  memcpy(w->b->data + w->b->len, p, n);
  w->b->len += n;
  w->b->data[w->b->len] = '\0';
}

static void w_putc(writer *w, char c) {
  w_put(w, &c, 1);
}

static void w_puts(writer *w, const char *s) {
  w_put(w, s, strlen(s));
}

/* Returns the writer's status; on failure leaves the buffer empty, as the header promises. */
static auth_sigv4_rc w_finish(writer *w) {
  if (w->rc != AUTH_SIGV4_OK) {
    w->b->len = 0;
    if (w->b->data != NULL) {
      w->b->data[0] = '\0';
    }
  }
  return w->rc;
}

/* Records rc as the writer's failure unless an earlier one is already recorded. */
static void w_fail(writer *w, auth_sigv4_rc rc) {
  if (w->rc == AUTH_SIGV4_OK) {
    w->rc = rc;
  }
}

/* ---------------------------------------------------------------------------------------------
 * Character classes.
 */

static const char HEX_UPPER[] = "0123456789ABCDEF";
static const char HEX_LOWER[] = "0123456789abcdef";

/* RFC 3986 unreserved: the only bytes SigV4 leaves unencoded. */
static bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

/* RFC 9110 tchar: what a header name or method may contain. */
static bool is_tchar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Whitespace that canonical header values fold: SP and HT, plus CR and LF so that obsolete line
 * folding ("value1\r\n  value2") becomes one space, exactly as @smithy/signature-v4 does. VT and
 * FF are not folded: they are not whitespace to that signer (nor legal in HTTP fields). */
static bool is_fold_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

static bool is_token(const char *s, size_t n) {
  if (s == NULL || n == 0) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (!is_tchar((unsigned char)s[i])) {
      return false;
    }
  }
  return true;
}

/* A credential-scope element (access key id, region, service): non-empty, and free of the '/'
 * that separates the scope, of ',' and spaces that separate Authorization parameters, and of
 * control bytes that would break the string to sign. */
static bool is_scope_element(const char *s) {
  if (s == NULL || s[0] == '\0') {
    return false;
  }
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    if (*p <= ' ' || *p == 0x7f || *p == '/' || *p == ',') {
      return false;
    }
  }
  return true;
}

/* ---------------------------------------------------------------------------------------------
 * URI encoding.
 */

/*
 * Appends s[0..n) URI-encoded once: every valid %XX escape in the input is decoded first, so input
 * that is already encoded is not encoded a second time (the suite's get-vanilla-query-order-encoded
 * keeps "%E1%88%B4"), and lower-case escapes come out upper-case. A '%' that does not start a
 * valid escape is data and becomes "%25". Unreserved bytes stay literal; all others become %XX.
 */
static void w_uri_encode(writer *w, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%' && i + 2 < n && hex_value((unsigned char)s[i + 1]) >= 0 &&
        hex_value((unsigned char)s[i + 2]) >= 0) {
      c = (unsigned char)(hex_value((unsigned char)s[i + 1]) * 16 +
                          hex_value((unsigned char)s[i + 2]));
      i += 2;
    }
    if (is_unreserved(c)) {
      w_putc(w, (char)c);
    } else {
      char esc[3] = {'%', HEX_UPPER[c >> 4], HEX_UPPER[c & 15]};
      w_put(w, esc, sizeof esc);
    }
  }
}

/* ---------------------------------------------------------------------------------------------
 * Canonical URI.
 */

typedef struct span {
  size_t off;
  size_t len;
} span;

/*
 * With normalize: empty and "." segments are dropped and ".." removes the previous segment (never
 * climbing above the root), and the result keeps a trailing '/' when the input had one and at
 * least one segment is left. That is what the AWS SDKs do ("/a/b/.." gives "/a", where RFC 3986
 * would give "/a/"), and it meets every normalize-path case of the suite. Without normalize (S3)
 * the segments are kept as they are. Each segment is then encoded on its own, so an encoded
 * "%2F" inside a segment stays "%2F".
 */
static void w_canonical_uri(writer *w, const char *path, size_t len, bool normalize) {
  if (len == 0) {
    w_putc(w, '/');
    return;
  }
  if (!normalize) {
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
      if (i == len || path[i] == '/') {
        w_uri_encode(w, path + start, i - start);
        if (i < len) {
          w_putc(w, '/');
        }
        start = i + 1;
      }
    }
    return;
  }
  /* At most len/2 + 1 segments are non-empty in a path of len bytes. */
  size_t max_segs = len / 2 + 1;
  span *segs = malloc(max_segs * sizeof *segs);
  if (segs == NULL) {
    w_fail(w, AUTH_SIGV4_ENOMEM);
    return;
  }
  size_t n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && path[i] != '/') {
      continue;
    }
    size_t seg_len = i - start;
    const char *seg = path + start;
    start = i + 1;
    if (seg_len == 0 || (seg_len == 1 && seg[0] == '.')) {
      continue;
    }
    if (seg_len == 2 && seg[0] == '.' && seg[1] == '.') {
      if (n > 0) {
        n--;
      }
      continue;
    }
    segs[n].off = (size_t)(seg - path);
    segs[n].len = seg_len;
    n++;
  }
  for (size_t k = 0; k < n; k++) {
    w_putc(w, '/');
    w_uri_encode(w, path + segs[k].off, segs[k].len);
  }
  if (n == 0 || path[len - 1] == '/') {
    w_putc(w, '/');
  }
  free(segs);
}

/* ---------------------------------------------------------------------------------------------
 * Canonical query string.
 */

typedef struct qpair {
  size_t name_off; /* offsets into the scratch buffer holding the encoded pairs */
  size_t name_len;
  size_t value_off;
  size_t value_len;
} qpair;

static int compare_bytes(const char *a, size_t alen, const char *b, size_t blen) {
  size_t n = alen < blen ? alen : blen;
  int c = n > 0 ? memcmp(a, b, n) : 0;
  if (c != 0) {
    return c;
  }
  return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/* qsort has no context argument; the scratch text travels in each element instead. */
typedef struct qsort_item {
  const char *text; /* borrowed: the scratch buffer */
  qpair p;
} qsort_item;

static int compare_qitems(const void *va, const void *vb) {
  const qsort_item *a = va;
  const qsort_item *b = vb;
  int c =
      compare_bytes(a->text + a->p.name_off, a->p.name_len, b->text + b->p.name_off, b->p.name_len);
  if (c != 0) {
    return c;
  }
  return compare_bytes(a->text + a->p.value_off, a->p.value_len, b->text + b->p.value_off,
                       b->p.value_len);
}

/*
 * Parameters are split on '&' (empty ones dropped) and at the first '=' (a bare name gets an empty
 * value), each side encoded once, then sorted by encoded name and, for repeated names, by encoded
 * value — byte order, which is what the suite's get-vanilla-query-order-* cases expect. '+' is
 * data, not a space: SigV4 signs the bytes the client sent.
 */
static void w_canonical_query(writer *w, const char *query, size_t len) {
  if (query == NULL || len == 0) {
    return;
  }
  size_t max_pairs = len / 2 + 1; /* each non-empty pair takes a byte and a separator */
  qsort_item *items = malloc(max_pairs * sizeof *items);
  auth_sigv4_buf scratch = {0};
  writer sw;
  w_init(&sw, &scratch);
  if (items == NULL) {
    w_fail(&sw, AUTH_SIGV4_ENOMEM);
  }
  size_t n = 0;
  size_t start = 0;
  for (size_t i = 0; i <= len && sw.rc == AUTH_SIGV4_OK; i++) {
    if (i < len && query[i] != '&') {
      continue;
    }
    const char *pair = query + start;
    size_t pair_len = i - start;
    start = i + 1;
    if (pair_len == 0) {
      continue;
    }
    const char *eq = memchr(pair, '=', pair_len);
    size_t name_len = eq != NULL ? (size_t)(eq - pair) : pair_len;
    qpair p;
    p.name_off = scratch.len;
    w_uri_encode(&sw, pair, name_len);
    p.name_len = scratch.len - p.name_off;
    p.value_off = scratch.len;
    if (eq != NULL) {
      w_uri_encode(&sw, eq + 1, pair_len - name_len - 1);
    }
    p.value_len = scratch.len - p.value_off;
    items[n].p = p;
    n++;
  }
  if (sw.rc == AUTH_SIGV4_OK) {
    /* The scratch buffer no longer moves: hand its address to the comparator. */
    for (size_t k = 0; k < n; k++) {
      items[k].text = scratch.data;
    }
    qsort(items, n, sizeof *items, compare_qitems);
    for (size_t k = 0; k < n; k++) {
      if (k > 0) {
        w_putc(w, '&');
      }
      w_put(w, scratch.data + items[k].p.name_off, items[k].p.name_len);
      w_putc(w, '=');
      w_put(w, scratch.data + items[k].p.value_off, items[k].p.value_len);
    }
  } else {
    w_fail(w, sw.rc);
  }
  auth_sigv4_buf_free(&scratch);
  free(items);
}

/* ---------------------------------------------------------------------------------------------
 * Canonical headers.
 */

/* Compares header names case-insensitively (they are ASCII tokens, checked beforehand). */
static int compare_names_ci(const char *a, size_t alen, const char *b, size_t blen) {
  size_t n = alen < blen ? alen : blen;
  for (size_t i = 0; i < n; i++) {
    unsigned char ca = (unsigned char)ascii_lower(a[i]);
    unsigned char cb = (unsigned char)ascii_lower(b[i]);
    if (ca != cb) {
      return ca < cb ? -1 : 1;
    }
  }
  return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

typedef struct hsort_item {
  const auth_sigv4_header *h; /* borrowed: the request's header */
  size_t index;               /* position received; ties keep this order */
} hsort_item;

static int compare_hitems(const void *va, const void *vb) {
  const hsort_item *a = va;
  const hsort_item *b = vb;
  int c = compare_names_ci(a->h->name, a->h->name_len, b->h->name, b->h->name_len);
  if (c != 0) {
    return c;
  }
  return a->index < b->index ? -1 : (a->index > b->index ? 1 : 0);
}

/*
 * Validates req's headers and returns them sorted by lower-case name, repeated names in received
 * order (qsort is not stable, hence the index tie-break). *out is owned by the caller (free());
 * NULL when there are no headers.
 */
static auth_sigv4_rc sorted_headers(const auth_sigv4_request *req, hsort_item **out) {
  *out = NULL;
  if (req->n_headers == 0) {
    return AUTH_SIGV4_OK;
  }
  if (req->headers == NULL) {
    return AUTH_SIGV4_EINVAL;
  }
  if (req->n_headers > SIZE_MAX / sizeof(hsort_item)) {
    return AUTH_SIGV4_ETOOBIG;
  }
  for (size_t i = 0; i < req->n_headers; i++) {
    const auth_sigv4_header *h = &req->headers[i];
    if (!is_token(h->name, h->name_len) || (h->value == NULL && h->value_len > 0)) {
      return AUTH_SIGV4_EINVAL;
    }
  }
  hsort_item *items = malloc(req->n_headers * sizeof *items);
  if (items == NULL) {
    return AUTH_SIGV4_ENOMEM;
  }
  for (size_t i = 0; i < req->n_headers; i++) {
    items[i].h = &req->headers[i];
    items[i].index = i;
  }
  qsort(items, req->n_headers, sizeof *items, compare_hitems);
  *out = items;
  return AUTH_SIGV4_OK;
}

static void w_lower(writer *w, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    w_putc(w, ascii_lower(s[i]));
  }
}

/* Appends a header value trimmed, with every run of folding whitespace replaced by one space. */
static void w_header_value(writer *w, const char *v, size_t n) {
  bool pending_space = false;
  bool any = false;
  for (size_t i = 0; i < n; i++) {
    char c = v[i];
    if (is_fold_space((unsigned char)c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) {
      w_putc(w, ' ');
      pending_space = false;
    }
    w_putc(w, c);
    any = true;
  }
}

/* Splits a ';' list: returns the next name starting at *pos, or false at the end. */
static bool next_list_name(const char *list, size_t len, size_t *pos, const char **name,
                           size_t *name_len) {
  if (*pos > len) {
    return false;
  }
  const char *start = list + *pos;
  const char *semi = memchr(start, ';', len - *pos);
  *name = start;
  *name_len = semi != NULL ? (size_t)(semi - start) : len - *pos;
  *pos += *name_len + 1;
  return true;
}

/* A signed-header list must be what the header promises: lower-case tokens, strictly sorted
 * (so no duplicates), no empty names. Anything else cannot come from a conforming signer. */
static bool valid_signed_list(const char *list, size_t len) {
  size_t pos = 0;
  const char *name;
  size_t name_len;
  const char *prev = NULL;
  size_t prev_len = 0;
  if (len == 0) {
    return false;
  }
  while (next_list_name(list, len, &pos, &name, &name_len)) {
    if (!is_token(name, name_len)) {
      return false;
    }
    for (size_t i = 0; i < name_len; i++) {
      if (name[i] >= 'A' && name[i] <= 'Z') {
        return false;
      }
    }
    if (prev != NULL && compare_bytes(prev, prev_len, name, name_len) >= 0) {
      return false;
    }
    prev = name;
    prev_len = name_len;
  }
  return true;
}

/*
 * Appends "name:value\n" for each name of the list, from headers sorted as by sorted_headers.
 * Both sequences are sorted the same way, so one merge pass finds every name; a listed name the
 * request lacks is AUTH_SIGV4_EINVAL.
 */
static void w_canonical_headers(writer *w, const hsort_item *items, size_t n_items,
                                const char *list, size_t list_len) {
  size_t pos = 0;
  size_t k = 0;
  const char *name;
  size_t name_len;
  while (w->rc == AUTH_SIGV4_OK && next_list_name(list, list_len, &pos, &name, &name_len)) {
    while (k < n_items &&
           compare_names_ci(items[k].h->name, items[k].h->name_len, name, name_len) < 0) {
      k++;
    }
    if (k == n_items ||
        compare_names_ci(items[k].h->name, items[k].h->name_len, name, name_len) != 0) {
      w->rc = AUTH_SIGV4_EINVAL;
      return;
    }
    w_put(w, name, name_len);
    w_putc(w, ':');
    bool first = true;
    for (; k < n_items &&
           compare_names_ci(items[k].h->name, items[k].h->name_len, name, name_len) == 0;
         k++) {
      if (!first) {
        w_putc(w, ',');
      }
      w_header_value(w, items[k].h->value, items[k].h->value_len);
      first = false;
    }
    w_putc(w, '\n');
  }
}

/* Appends the ';' list of every distinct header name, lower case, from sorted headers. */
static void w_all_header_names(writer *w, const hsort_item *items, size_t n_items) {
  for (size_t k = 0; k < n_items; k++) {
    if (k > 0) {
      const auth_sigv4_header *prev = items[k - 1].h;
      if (compare_names_ci(prev->name, prev->name_len, items[k].h->name, items[k].h->name_len) ==
          0) {
        continue;
      }
      w_putc(w, ';');
    }
    w_lower(w, items[k].h->name, items[k].h->name_len);
  }
}

/* ---------------------------------------------------------------------------------------------
 * Digests.
 */

static void to_hex(const unsigned char *in, size_t n, char *out) {
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = HEX_LOWER[in[i] >> 4];
    out[2 * i + 1] = HEX_LOWER[in[i] & 15];
  }
  out[2 * n] = '\0';
}

static auth_sigv4_rc sha256(const void *data, size_t len, unsigned char md[SHA256_LEN]) {
  unsigned int md_len = 0;
  /* EVP_Digest wants a valid pointer even for zero bytes. */
  static const unsigned char empty[1] = {0};
  if (EVP_Digest(len > 0 ? data : empty, len, md, &md_len, EVP_sha256(), NULL) != 1 ||
      md_len != SHA256_LEN) {
    return AUTH_SIGV4_ECRYPTO;
  }
  return AUTH_SIGV4_OK;
}

static auth_sigv4_rc hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                                 unsigned char md[SHA256_LEN]) {
  unsigned int md_len = 0;
  if (key_len > INT_MAX) {
    return AUTH_SIGV4_EINVAL;
  }
  if (HMAC(EVP_sha256(), key, (int)key_len, data, len, md, &md_len) == NULL ||
      md_len != SHA256_LEN) {
    return AUTH_SIGV4_ECRYPTO;
  }
  return AUTH_SIGV4_OK;
}

auth_sigv4_rc auth_sigv4_sha256_hex(const void *data, size_t len,
                                    char hex[AUTH_SIGV4_HEX_LEN + 1]) {
  unsigned char md[SHA256_LEN];
  if (hex == NULL || (data == NULL && len > 0)) {
    return AUTH_SIGV4_EINVAL;
  }
  auth_sigv4_rc rc = sha256(data, len, md);
  if (rc == AUTH_SIGV4_OK) {
    to_hex(md, sizeof md, hex);
  }
  return rc;
}

/* ---------------------------------------------------------------------------------------------
 * Steps 1 and 2.
 */

static bool valid_request(const auth_sigv4_request *req) {
  if (req == NULL || req->method == NULL || !is_token(req->method, strlen(req->method))) {
    return false;
  }
  if ((req->path == NULL && req->path_len > 0) || (req->query == NULL && req->query_len > 0) ||
      (req->payload == NULL && req->payload_len > 0)) {
    return false;
  }
  /* An origin-form path starts with '/'; anything else (absolute-form, "*") is the caller's
   * to reduce to a path first. */
  return req->path_len == 0 || req->path[0] == '/';
}

auth_sigv4_rc auth_sigv4_canonical_request(const auth_sigv4_request *req,
                                           const char *signed_headers, bool normalize_path,
                                           auth_sigv4_buf *out) {
  if (out == NULL) {
    return AUTH_SIGV4_EINVAL;
  }
  writer w;
  w_init(&w, out);
  if (!valid_request(req) ||
      (signed_headers != NULL && !valid_signed_list(signed_headers, strlen(signed_headers)))) {
    w_fail(&w, AUTH_SIGV4_EINVAL);
    return w_finish(&w);
  }
  /* Inputs longer than the cap could only shrink into it through dot segments; refusing them
   * bounds every scratch allocation below by the cap as well. */
  if (req->path_len > AUTH_SIGV4_MAX_OUTPUT || req->query_len > AUTH_SIGV4_MAX_OUTPUT) {
    w_fail(&w, AUTH_SIGV4_ETOOBIG);
    return w_finish(&w);
  }
  hsort_item *items = NULL;
  size_t n_items = 0; /* stays 0 unless items is valid */
  if (w.rc == AUTH_SIGV4_OK) {
    w.rc = sorted_headers(req, &items);
    n_items = w.rc == AUTH_SIGV4_OK ? req->n_headers : 0;
  }
  w_puts(&w, req->method);
  w_putc(&w, '\n');
  w_canonical_uri(&w, req->path, req->path_len, normalize_path);
  w_putc(&w, '\n');
  w_canonical_query(&w, req->query, req->query_len);
  w_putc(&w, '\n');
  if (signed_headers != NULL) {
    w_canonical_headers(&w, items, n_items, signed_headers, strlen(signed_headers));
    w_putc(&w, '\n');
    w_puts(&w, signed_headers);
  } else {
    /* Every header: build the list first, then reuse the listed path. */
    auth_sigv4_buf names = {0};
    writer nw;
    w_init(&nw, &names);
    w_all_header_names(&nw, items, n_items);
    if (nw.rc == AUTH_SIGV4_OK) {
      if (names.len > 0) {
        w_canonical_headers(&w, items, n_items, names.data, names.len);
      }
      w_putc(&w, '\n');
      w_put(&w, names.data, names.len);
    } else {
      w_fail(&w, nw.rc);
    }
    auth_sigv4_buf_free(&names);
  }
  w_putc(&w, '\n');
  free(items);
  char hex[AUTH_SIGV4_HEX_LEN + 1];
  if (w.rc == AUTH_SIGV4_OK) {
    w.rc = auth_sigv4_sha256_hex(req->payload, req->payload_len, hex);
  }
  w_put(&w, hex, AUTH_SIGV4_HEX_LEN);
  return w_finish(&w);
}

auth_sigv4_rc auth_sigv4_signed_header_list(const auth_sigv4_request *req, auth_sigv4_buf *out) {
  if (out == NULL) {
    return AUTH_SIGV4_EINVAL;
  }
  writer w;
  w_init(&w, out);
  if (req == NULL) {
    w_fail(&w, AUTH_SIGV4_EINVAL);
    return w_finish(&w);
  }
  hsort_item *items = NULL;
  if (w.rc == AUTH_SIGV4_OK) {
    w.rc = sorted_headers(req, &items);
  }
  if (w.rc == AUTH_SIGV4_OK) {
    w_all_header_names(&w, items, req->n_headers);
  }
  free(items);
  return w_finish(&w);
}

static bool valid_params(const auth_sigv4_params *p) {
  int64_t t;
  return p != NULL && p->amz_date != NULL && is_scope_element(p->region) &&
         is_scope_element(p->service) &&
         auth_sigv4_parse_amz_date(p->amz_date, strlen(p->amz_date), &t);
}

/* Appends "<yyyymmdd>/<region>/<service>/aws4_request". */
static void w_scope(writer *w, const auth_sigv4_params *p) {
  w_put(w, p->amz_date, 8);
  w_putc(w, '/');
  w_puts(w, p->region);
  w_putc(w, '/');
  w_puts(w, p->service);
  w_putc(w, '/');
  w_puts(w, TERMINATOR);
}

auth_sigv4_rc auth_sigv4_string_to_sign(const char *canonical_request, size_t canonical_request_len,
                                        const auth_sigv4_params *p, auth_sigv4_buf *out) {
  if (out == NULL) {
    return AUTH_SIGV4_EINVAL;
  }
  writer w;
  w_init(&w, out);
  if (!valid_params(p) || (canonical_request == NULL && canonical_request_len > 0)) {
    w_fail(&w, AUTH_SIGV4_EINVAL);
    return w_finish(&w);
  }
  char hex[AUTH_SIGV4_HEX_LEN + 1];
  if (w.rc == AUTH_SIGV4_OK) {
    w.rc = auth_sigv4_sha256_hex(canonical_request, canonical_request_len, hex);
  }
  w_puts(&w, ALGORITHM "\n");
  w_put(&w, p->amz_date, AUTH_SIGV4_AMZ_DATE_LEN);
  w_putc(&w, '\n');
  w_scope(&w, p);
  w_putc(&w, '\n');
  w_put(&w, hex, AUTH_SIGV4_HEX_LEN);
  return w_finish(&w);
}

/* ---------------------------------------------------------------------------------------------
 * Steps 3 to 5.
 */

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
static auth_sigv4_rc signing_key(const auth_sigv4_params *p, unsigned char key[SHA256_LEN]) {
  size_t secret_len = strlen(p->secret_access_key);
  if (secret_len > INT_MAX - 4) {
    return AUTH_SIGV4_EINVAL;
  }
  unsigned char *k0 = malloc(4 + secret_len);
  if (k0 == NULL) {
    return AUTH_SIGV4_ENOMEM;
  }
  memcpy(k0, "AWS4", 4);
  memcpy(k0 + 4, p->secret_access_key, secret_len);
  unsigned char k1[SHA256_LEN], k2[SHA256_LEN], k3[SHA256_LEN];
  auth_sigv4_rc rc = hmac_sha256(k0, 4 + secret_len, p->amz_date, 8, k1);
  if (rc == AUTH_SIGV4_OK) {
    rc = hmac_sha256(k1, sizeof k1, p->region, strlen(p->region), k2);
  }
  if (rc == AUTH_SIGV4_OK) {
    rc = hmac_sha256(k2, sizeof k2, p->service, strlen(p->service), k3);
  }
  if (rc == AUTH_SIGV4_OK) {
    rc = hmac_sha256(k3, sizeof k3, TERMINATOR, strlen(TERMINATOR), key);
  }
  /* Derived keys are as good as the secret for a day; do not leave them on the heap or stack. */
  OPENSSL_cleanse(k0, 4 + secret_len);
  free(k0);
  OPENSSL_cleanse(k1, sizeof k1);
  OPENSSL_cleanse(k2, sizeof k2);
  OPENSSL_cleanse(k3, sizeof k3);
  return rc;
}

auth_sigv4_rc auth_sigv4_signature(const auth_sigv4_request *req, const char *signed_headers,
                                   const auth_sigv4_params *p,
                                   char signature_hex[AUTH_SIGV4_HEX_LEN + 1],
                                   auth_sigv4_buf *canonical_out, auth_sigv4_buf *sts_out) {
  if (signature_hex == NULL) {
    return AUTH_SIGV4_EINVAL;
  }
  signature_hex[0] = '\0';
  if (p == NULL || p->secret_access_key == NULL || p->secret_access_key[0] == '\0') {
    return AUTH_SIGV4_EINVAL;
  }
  auth_sigv4_buf creq_local = {0};
  auth_sigv4_buf sts_local = {0};
  auth_sigv4_buf *creq = canonical_out != NULL ? canonical_out : &creq_local;
  auth_sigv4_buf *sts = sts_out != NULL ? sts_out : &sts_local;
  unsigned char key[SHA256_LEN];
  unsigned char sig[SHA256_LEN];
  auth_sigv4_rc rc = auth_sigv4_canonical_request(req, signed_headers, p->normalize_path, creq);
  if (rc == AUTH_SIGV4_OK) {
    rc = auth_sigv4_string_to_sign(creq->data, creq->len, p, sts);
  }
  if (rc == AUTH_SIGV4_OK) {
    rc = signing_key(p, key);
  }
  if (rc == AUTH_SIGV4_OK) {
    rc = hmac_sha256(key, sizeof key, sts->data, sts->len, sig);
    OPENSSL_cleanse(key, sizeof key);
  }
  if (rc == AUTH_SIGV4_OK) {
    to_hex(sig, sizeof sig, signature_hex);
  }
  auth_sigv4_buf_free(&creq_local);
  auth_sigv4_buf_free(&sts_local);
  return rc;
}

/* True when req carries X-Amz-Security-Token with exactly the value token. */
static bool carries_token(const auth_sigv4_request *req, const char *token) {
  static const char name[] = "x-amz-security-token";
  size_t token_len = strlen(token);
  if (req == NULL || (req->headers == NULL && req->n_headers > 0)) {
    return false;
  }
  for (size_t i = 0; i < req->n_headers; i++) {
    const auth_sigv4_header *h = &req->headers[i];
    if (h->name != NULL && compare_names_ci(h->name, h->name_len, name, sizeof name - 1) == 0 &&
        h->value_len == token_len && (token_len == 0 || memcmp(h->value, token, token_len) == 0)) {
      return true;
    }
  }
  return false;
}

auth_sigv4_rc auth_sigv4_authorization(const auth_sigv4_request *req, const auth_sigv4_params *p,
                                       auth_sigv4_buf *out) {
  if (out == NULL) {
    return AUTH_SIGV4_EINVAL;
  }
  writer w;
  w_init(&w, out);
  if (p == NULL || !is_scope_element(p->access_key_id)) {
    w_fail(&w, AUTH_SIGV4_EINVAL);
    return w_finish(&w);
  }
  auth_sigv4_buf names = {0};
  char sig[AUTH_SIGV4_HEX_LEN + 1];
  if (w.rc == AUTH_SIGV4_OK && p->session_token != NULL && !carries_token(req, p->session_token)) {
    w.rc = AUTH_SIGV4_EINVAL;
  }
  if (w.rc == AUTH_SIGV4_OK) {
    w.rc = auth_sigv4_signed_header_list(req, &names);
  }
  /* A request without headers has nothing to sign; AWS requires at least host. */
  if (w.rc == AUTH_SIGV4_OK && names.len == 0) {
    w.rc = AUTH_SIGV4_EINVAL;
  }
  if (w.rc == AUTH_SIGV4_OK) {
    w.rc = auth_sigv4_signature(req, names.data, p, sig, NULL, NULL);
  }
  if (w.rc == AUTH_SIGV4_OK) {
    w_puts(&w, ALGORITHM " Credential=");
    w_puts(&w, p->access_key_id);
    w_putc(&w, '/');
    w_scope(&w, p);
    w_puts(&w, ", SignedHeaders=");
    w_put(&w, names.data, names.len);
    w_puts(&w, ", Signature=");
    w_put(&w, sig, AUTH_SIGV4_HEX_LEN);
  }
  auth_sigv4_buf_free(&names);
  return w_finish(&w);
}

/* ---------------------------------------------------------------------------------------------
 * Dates. Civil-date arithmetic on the proleptic Gregorian calendar, in 400-year eras of 146097
 * days, so that no libc time function (and no time zone) is involved.
 */

#define MIN_YEAR 0
#define MAX_YEAR 9999

static bool is_leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && is_leap(y)) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d; valid for y >= 0. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2; /* years start in March, so that the leap day comes last */
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                   /* [0, 399] */
  int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365], March-based */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

static void put_digits(char *out, int64_t v, int width) {
  for (int i = width - 1; i >= 0; i--) {
    out[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

bool auth_sigv4_format_amz_date(int64_t unix_seconds, char out[AUTH_SIGV4_AMZ_DATE_LEN + 1]) {
  if (out == NULL) {
    return false;
  }
  out[0] = '\0';
  int64_t min = days_from_civil(MIN_YEAR, 1, 1) * 86400;
  int64_t max = days_from_civil(MAX_YEAR, 12, 31) * 86400 + 86399;
  if (unix_seconds < min || unix_seconds > max) {
    return false;
  }
  int64_t days = unix_seconds / 86400;
  int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    days -= 1;
  }
  int64_t y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  put_digits(out, y, 4);
  put_digits(out + 4, m, 2);
  put_digits(out + 6, d, 2);
  out[8] = 'T';
  put_digits(out + 9, secs / 3600, 2);
  put_digits(out + 11, secs / 60 % 60, 2);
  put_digits(out + 13, secs % 60, 2);
  out[15] = 'Z';
  out[16] = '\0';
  return true;
}

static bool read_digits(const char *s, int width, int *v) {
  *v = 0;
  for (int i = 0; i < width; i++) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    *v = *v * 10 + (s[i] - '0');
  }
  return true;
}

bool auth_sigv4_parse_amz_date(const char *s, size_t len, int64_t *unix_seconds) {
  int y, mo, d, h, mi, se;
  if (s == NULL || unix_seconds == NULL || len != AUTH_SIGV4_AMZ_DATE_LEN || s[8] != 'T' ||
      s[15] != 'Z') {
    return false;
  }
  if (!read_digits(s, 4, &y) || !read_digits(s + 4, 2, &mo) || !read_digits(s + 6, 2, &d) ||
      !read_digits(s + 9, 2, &h) || !read_digits(s + 11, 2, &mi) || !read_digits(s + 13, 2, &se)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59) {
    return false;
  }
  *unix_seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
  return true;
}

/* ---------------------------------------------------------------------------------------------
 * Authorization header parsing (the emulator's side).
 *
 * AWS's wording, as found in public reports of real responses (GitHub issues of
 * aws/aws-sdk-js #4285, aws/chalice #828, aws-amplify/amplify-flutter #1539, brendanhay/amazonka
 * #316, iann0036/cloud9-sync #10, awslabs/fhir-works-on-aws-deployment #379, mhart/aws4 #97):
 *  - one sentence per missing parameter, always in the order Credential, Signature,
 *    SignedHeaders, e.g. "Authorization header requires 'Signature' parameter. Authorization
 *    header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=ABCDEF";
 *    a missing date adds "Authorization header requires existence of either a 'X-Amz-Date' or a
 *    'Date' header." before " Authorization=...";
 *  - headers in another scheme ("AWS AKID:sig", a JWT) get all three missing-parameter sentences;
 *  - parameters are split on commas and spaces: "Credential= AKID/..." yields
 *    "'AKID/...' not a valid key=value pair (missing equal-sign) in Authorization header:
 * '<all>'.";
 *  - "Credential must have exactly 5 slash-delimited elements, e.g.
 *    keyid/date/region/service/term, got '<credential>'".
 * All are IncompleteSignatureException (HTTP 400).
 */

#define MSG_CRED "Authorization header requires 'Credential' parameter."
#define MSG_SIG  "Authorization header requires 'Signature' parameter."
#define MSG_SH   "Authorization header requires 'SignedHeaders' parameter."

/* Indexed by a mask: bit 0 Credential missing, bit 1 Signature, bit 2 SignedHeaders. */
static const char *const MISSING_MESSAGES[8] = {
    NULL,
    MSG_CRED,
    MSG_SIG,
    MSG_CRED " " MSG_SIG,
    MSG_SH,
    MSG_CRED " " MSG_SH,
    MSG_SIG " " MSG_SH,
    MSG_CRED " " MSG_SIG " " MSG_SH,
};

static bool is_param_separator(char c) {
  return c == ' ' || c == '\t' || c == ',';
}

static bool span_equals(const char *s, size_t n, const char *lit) {
  return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* Splits the Credential value into its five '/'-separated elements. */
static auth_sigv4_rc parse_credential(const char *v, size_t n, auth_sigv4_authz *out,
                                      const char **why) {
  const char *parts[5];
  size_t lens[5];
  size_t count = 0;
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && v[i] != '/') {
      continue;
    }
    if (count == 5) {
      count++; /* too many: stop collecting, report below */
      break;
    }
    parts[count] = v + start;
    lens[count] = i - start;
    count++;
    start = i + 1;
  }
  if (count != 5) {
    out->detail = v;
    out->detail_len = n;
    *why = "Credential must have exactly 5 slash-delimited elements, e.g. "
           "keyid/date/region/service/term,";
    return AUTH_SIGV4_EINVAL;
  }
  if (!span_equals(parts[4], lens[4], TERMINATOR)) {
    out->detail = parts[4];
    out->detail_len = lens[4];
    *why = "Credential should be scoped with a valid terminator: 'aws4_request', not";
    return AUTH_SIGV4_EINVAL;
  }
  out->access_key_id = parts[0];
  out->access_key_id_len = lens[0];
  out->date = parts[1];
  out->date_len = lens[1];
  out->region = parts[2];
  out->region_len = lens[2];
  out->service = parts[3];
  out->service_len = lens[3];
  return AUTH_SIGV4_OK;
}

auth_sigv4_rc auth_sigv4_parse_authorization(const char *value, size_t len, auth_sigv4_authz *out,
                                             const char **why) {
  static const char *const all_missing = MSG_CRED " " MSG_SIG " " MSG_SH;
  const char *ignored;
  if (why == NULL) {
    why = &ignored;
  }
  *why = NULL;
  if (out != NULL) {
    memset(out, 0, sizeof *out);
  }
  /* No value at all (NULL, empty) is answered like an empty header, before any pointer
   * arithmetic on a NULL value. */
  if (out == NULL || value == NULL || len == 0) {
    *why = all_missing;
    return AUTH_SIGV4_EINVAL;
  }
  size_t i = 0;
  while (i < len && is_param_separator(value[i])) {
    i++;
  }
  size_t scheme_start = i;
  while (i < len && value[i] != ' ' && value[i] != '\t') {
    i++;
  }
  if (!span_equals(value + scheme_start, i - scheme_start, ALGORITHM)) {
    *why = all_missing;
    return AUTH_SIGV4_EINVAL;
  }
  const char *cred = NULL;
  size_t cred_len = 0;
  bool have_cred = false, have_sh = false, have_sig = false;
  while (i < len) {
    while (i < len && is_param_separator(value[i])) {
      i++;
    }
    size_t tok = i;
    while (i < len && !is_param_separator(value[i])) {
      i++;
    }
    if (i == tok) {
      break;
    }
    const char *t = value + tok;
    size_t t_len = i - tok;
    const char *eq = memchr(t, '=', t_len);
    if (eq == NULL) {
      out->detail = t;
      out->detail_len = t_len;
      *why = "not a valid key=value pair (missing equal-sign) in Authorization header";
      return AUTH_SIGV4_EINVAL;
    }
    size_t key_len = (size_t)(eq - t);
    const char *v = eq + 1;
    size_t v_len = t_len - key_len - 1;
    bool *seen = NULL;
    if (span_equals(t, key_len, "Credential")) {
      seen = &have_cred;
      cred = v;
      cred_len = v_len;
    } else if (span_equals(t, key_len, "SignedHeaders")) {
      seen = &have_sh;
      out->signed_headers = v;
      out->signed_headers_len = v_len;
    } else if (span_equals(t, key_len, "Signature")) {
      seen = &have_sig;
      out->signature = v;
      out->signature_len = v_len;
    } else {
      continue; /* unknown parameters carry nothing that is signed */
    }
    if (*seen) {
      out->detail = t;
      out->detail_len = key_len;
      *why = "Authorization header has a repeated parameter.";
      return AUTH_SIGV4_EINVAL;
    }
    *seen = true;
  }
  /* An empty value is as good as a missing one. */
  unsigned missing = (cred_len == 0 ? 1u : 0u) | (out->signature_len == 0 ? 2u : 0u) |
                     (out->signed_headers_len == 0 ? 4u : 0u);
  if (missing != 0) {
    *why = MISSING_MESSAGES[missing];
    return AUTH_SIGV4_EINVAL;
  }
  return parse_credential(cred, cred_len, out, why);
}

bool auth_sigv4_signature_equal(const char *a, const char *b, size_t len) {
  if (a == NULL || b == NULL) {
    return false;
  }
  return len == 0 || CRYPTO_memcmp(a, b, len) == 0;
}
