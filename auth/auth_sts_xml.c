/* auth_sts_xml.c — a small strict XML reader for STS answers, and the three documents redwire
 * reads: GetCallerIdentityResponse, AssumeRole(WithWebIdentity)Response and ErrorResponse.
 *
 * STS answers are tiny, flat element trees without mixed content. The reader accepts exactly
 * that: an optional <?xml ...?> declaration, comments, elements with attributes (xmlns), text
 * with the five predefined entities and character references. DOCTYPE, CDATA and processing
 * instructions elsewhere are refused — nothing an STS endpoint sends needs them, and refusing
 * DOCTYPE rules out entity expansion attacks by construction. */
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_sts.h"

#define MAX_NODES 256
#define MAX_DEPTH 16

typedef struct node {
  const char *name; /* borrowed from the document */
  size_t name_len;
  int parent; /* -1 for the root */
  char *text; /* owned, decoded; NULL when the element has no text */
  size_t text_len;
  bool has_children;
} node;

typedef struct doc {
  node nodes[MAX_NODES];
  int n;
} doc;

static void doc_free(doc *d) {
  for (int i = 0; i < d->n; i++) {
    if (d->nodes[i].text != NULL) {
      OPENSSL_cleanse(d->nodes[i].text, d->nodes[i].text_len);
      free(d->nodes[i].text);
    }
  }
  d->n = 0;
}

static void why_set(auth_sts_why *why, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void why_set(auth_sts_why *why, const char *fmt, ...) {
  if (why != NULL) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why->msg, sizeof why->msg, fmt, ap);
    va_end(ap);
  }
}

static bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':';
}

static bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Appends the UTF-8 encoding of cp; false for an invalid code point. */
static bool put_utf8(char *out, size_t *n, unsigned long cp) {
  if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    return false;
  }
  if (cp < 0x80) {
    out[(*n)++] = (char)cp;
  } else if (cp < 0x800) {
    out[(*n)++] = (char)(0xC0 | (cp >> 6));
    out[(*n)++] = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out[(*n)++] = (char)(0xE0 | (cp >> 12));
    out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[(*n)++] = (char)(0x80 | (cp & 0x3F));
  } else {
    out[(*n)++] = (char)(0xF0 | (cp >> 18));
    out[(*n)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[(*n)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[(*n)++] = (char)(0x80 | (cp & 0x3F));
  }
  return true;
}

/* Decodes text s[0..len) (entities, character references) into a new string. A decoded text is
 * never longer than its source. */
static auth_sts_rc decode_text(const char *s, size_t len, char **out, size_t *out_len) {
  char *d = malloc(len + 1);
  if (d == NULL) {
    return AUTH_STS_ENOMEM;
  }
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    if (s[i] != '&') {
      d[n++] = s[i++];
      continue;
    }
    const char *semi = memchr(s + i, ';', len - i);
    if (semi == NULL || semi - (s + i) > 12) {
      goto bad;
    }
    size_t elen = (size_t)(semi - (s + i)) + 1; /* "&...;" */
    const char *e = s + i + 1;
    size_t nlen = elen - 2;
    static const struct {
      const char *name;
      char c;
    } ents[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    bool done = false;
    for (size_t k = 0; k < sizeof ents / sizeof ents[0] && !done; k++) {
      if (strlen(ents[k].name) == nlen && memcmp(e, ents[k].name, nlen) == 0) {
        d[n++] = ents[k].c;
        done = true;
      }
    }
    if (!done) {
      if (nlen < 2 || e[0] != '#') {
        goto bad;
      }
      unsigned long cp = 0;
      bool hexa = e[1] == 'x';
      size_t start = hexa ? 2 : 1;
      if (start >= nlen) {
        goto bad;
      }
      for (size_t k = start; k < nlen; k++) {
        char c = e[k];
        int v;
        if (c >= '0' && c <= '9') {
          v = c - '0';
        } else if (hexa && c >= 'a' && c <= 'f') {
          v = c - 'a' + 10;
        } else if (hexa && c >= 'A' && c <= 'F') {
          v = c - 'A' + 10;
        } else {
          goto bad;
        }
        cp = cp * (hexa ? 16 : 10) + (unsigned long)v;
        if (cp > 0x10FFFF) {
          goto bad;
        }
      }
      /* "&#1;" is 4 bytes and its UTF-8 at most 4: the output never outgrows the input. */
      if (!put_utf8(d, &n, cp)) {
        goto bad;
      }
    }
    i += elen;
  }
  d[n] = '\0';
  *out = d;
  *out_len = n;
  return AUTH_STS_OK;
bad:
  OPENSSL_cleanse(d, len + 1);
  free(d);
  return AUTH_STS_ESYNTAX;
}

/* Skips whitespace and comments; false on an unterminated comment. */
static bool skip_misc(const char *s, size_t len, size_t *i) {
  for (;;) {
    while (*i < len && is_ws(s[*i])) {
      (*i)++;
    }
    if (*i + 4 <= len && memcmp(s + *i, "<!--", 4) == 0) {
      size_t j = *i + 4;
      while (j + 3 <= len && memcmp(s + j, "-->", 3) != 0) {
        j++;
      }
      if (j + 3 > len) {
        return false;
      }
      *i = j + 3;
      continue;
    }
    return true;
  }
}

static auth_sts_rc parse_doc(const char *s, size_t len, doc *d, auth_sts_why *why) {
  d->n = 0;
  if (len > AUTH_STS_MAX_XML) {
    why_set(why, "%s", "the document is larger than 64 KiB");
    return AUTH_STS_ETOOBIG;
  }
  size_t i = 0;
  /* UTF-8 byte order mark, then the optional declaration. */
  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
    i = 3;
  }
  while (i < len && is_ws(s[i])) {
    i++;
  }
  if (i + 5 <= len && memcmp(s + i, "<?xml", 5) == 0) {
    size_t j = i + 5;
    while (j + 2 <= len && memcmp(s + j, "?>", 2) != 0) {
      j++;
    }
    if (j + 2 > len) {
      why_set(why, "%s", "unterminated XML declaration");
      return AUTH_STS_ESYNTAX;
    }
    i = j + 2;
  }
  int stack[MAX_DEPTH];
  int depth = 0;
  bool root_done = false;
  size_t text_start = 0;
  auth_sts_rc rc = AUTH_STS_ESYNTAX;
  for (;;) {
    if (depth == 0) {
      if (!skip_misc(s, len, &i)) {
        why_set(why, "%s", "unterminated comment");
        goto fail;
      }
      if (i == len) {
        break;
      }
      if (root_done || s[i] != '<') {
        why_set(why, "%s", "content outside the root element");
        goto fail;
      }
    }
    if (i >= len) {
      why_set(why, "%s", "the document ends inside an element");
      goto fail;
    }
    if (s[i] != '<') {
      i++;
      continue; /* text: collected when the element ends */
    }
    if (i + 4 <= len && memcmp(s + i, "<!--", 4) == 0) {
      if (depth > 0 && d->nodes[stack[depth - 1]].has_children == false && i > text_start) {
        /* A comment inside text would split it; STS never sends one there. */
        why_set(why, "%s", "comment inside text");
        goto fail;
      }
      if (!skip_misc(s, len, &i)) {
        why_set(why, "%s", "unterminated comment");
        goto fail;
      }
      text_start = i;
      continue;
    }
    if (i + 1 < len && (s[i + 1] == '!' || s[i + 1] == '?')) {
      why_set(why, "%s", "DOCTYPE, CDATA and processing instructions are not accepted");
      goto fail;
    }
    if (i + 1 < len && s[i + 1] == '/') {
      /* End tag. */
      size_t j = i + 2, ns = j;
      while (j < len && name_char(s[j])) {
        j++;
      }
      size_t nlen = j - ns;
      while (j < len && is_ws(s[j])) {
        j++;
      }
      if (depth == 0 || j >= len || s[j] != '>') {
        why_set(why, "%s", "malformed end tag");
        goto fail;
      }
      node *cur = &d->nodes[stack[depth - 1]];
      if (cur->name_len != nlen || memcmp(cur->name, s + ns, nlen) != 0) {
        why_set(why, "%s", "mismatched end tag");
        goto fail;
      }
      const char *t = s + text_start;
      size_t tlen = i - text_start;
      if (cur->has_children) {
        for (size_t k = 0; k < tlen; k++) {
          if (!is_ws(t[k])) {
            why_set(why, "%s", "text mixed with elements");
            goto fail;
          }
        }
      } else {
        rc = decode_text(t, tlen, &cur->text, &cur->text_len);
        if (rc != AUTH_STS_OK) {
          why_set(why, "%s", rc == AUTH_STS_ENOMEM ? "out of memory" : "invalid entity in text");
          goto fail;
        }
        rc = AUTH_STS_ESYNTAX;
      }
      depth--;
      if (depth == 0) {
        root_done = true;
      }
      i = j + 1;
      text_start = i;
      continue;
    }
    /* Start tag. */
    size_t j = i + 1;
    if (j >= len || !name_start(s[j])) {
      why_set(why, "%s", "malformed start tag");
      goto fail;
    }
    size_t ns = j;
    while (j < len && name_char(s[j])) {
      j++;
    }
    size_t nlen = j - ns;
    /* Attributes: name = "value" | 'value'; values are not used. */
    for (;;) {
      size_t k = j;
      while (j < len && is_ws(s[j])) {
        j++;
      }
      if (j < len && (s[j] == '>' || s[j] == '/')) {
        break;
      }
      if (j == k || j >= len || !name_start(s[j])) {
        why_set(why, "%s", "malformed attribute");
        goto fail;
      }
      while (j < len && name_char(s[j])) {
        j++;
      }
      while (j < len && is_ws(s[j])) {
        j++;
      }
      if (j >= len || s[j] != '=') {
        why_set(why, "%s", "malformed attribute");
        goto fail;
      }
      j++;
      while (j < len && is_ws(s[j])) {
        j++;
      }
      if (j >= len || (s[j] != '"' && s[j] != '\'')) {
        why_set(why, "%s", "malformed attribute");
        goto fail;
      }
      char q = s[j++];
      while (j < len && s[j] != q && s[j] != '<') {
        j++;
      }
      if (j >= len || s[j] != q) {
        why_set(why, "%s", "malformed attribute");
        goto fail;
      }
      j++;
    }
    bool empty = s[j] == '/';
    if (empty && (j + 1 >= len || s[j + 1] != '>')) {
      why_set(why, "%s", "malformed start tag");
      goto fail;
    }
    if (d->n >= MAX_NODES || depth >= MAX_DEPTH) {
      why_set(why, "%s", "too many or too deeply nested elements");
      rc = AUTH_STS_ETOOBIG;
      goto fail;
    }
    if (depth > 0) {
      node *parent = &d->nodes[stack[depth - 1]];
      if (!parent->has_children) {
        for (size_t k = text_start; k < i; k++) {
          if (!is_ws(s[k])) {
            why_set(why, "%s", "text mixed with elements");
            goto fail;
          }
        }
      }
      parent->has_children = true;
    }
    node *nd = &d->nodes[d->n];
    *nd = (node){s + ns, nlen, depth > 0 ? stack[depth - 1] : -1, NULL, 0, false};
    if (empty) {
      if (depth == 0) {
        root_done = true;
      }
      d->n++;
      i = j + 2;
    } else {
      stack[depth++] = d->n++;
      i = j + 1;
    }
    text_start = i;
  }
  if (!root_done) {
    why_set(why, "%s", "no root element");
    goto fail;
  }
  return AUTH_STS_OK;
fail:
  doc_free(d);
  return rc;
}

/* The child of parent (-1: the root itself) called name, or -1. */
static int child(const doc *d, int parent, const char *name) {
  size_t n = strlen(name);
  for (int i = 0; i < d->n; i++) {
    if (d->nodes[i].parent == parent && d->nodes[i].name_len == n &&
        memcmp(d->nodes[i].name, name, n) == 0) {
      return i;
    }
  }
  return -1;
}

/* Follows a '/'-separated path of element names from the root; -1 when absent. */
static int path(const doc *d, const char *p) {
  int cur = -1;
  char part[64];
  while (*p != '\0') {
    const char *slash = strchr(p, '/');
    size_t n = slash != NULL ? (size_t)(slash - p) : strlen(p);
    if (n >= sizeof part) {
      return -1;
    }
    memcpy(part, p, n);
    part[n] = '\0';
    cur = child(d, cur, part);
    if (cur < 0) {
      return -1;
    }
    p += n + (slash != NULL ? 1 : 0);
  }
  return cur;
}

/* The text of the element at p, or NULL (absent or empty). */
static const char *text_at(const doc *d, const char *p) {
  int i = path(d, p);
  if (i < 0 || d->nodes[i].text == NULL || d->nodes[i].text_len == 0) {
    return NULL;
  }
  return d->nodes[i].text;
}

static char *dup_text(const doc *d, const char *p, bool *oom) {
  const char *t = text_at(d, p);
  if (t == NULL) {
    return NULL;
  }
  char *r = strdup(t);
  if (r == NULL) {
    *oom = true;
  }
  return r;
}

void auth_sts_identity_free(auth_sts_identity *id) {
  free(id->arn);
  free(id->user_id);
  free(id->account);
  memset(id, 0, sizeof *id);
}

auth_sts_rc auth_sts_parse_identity(const char *xml, size_t len, auth_sts_identity *out,
                                    auth_sts_why *why) {
  memset(out, 0, sizeof *out);
  doc d;
  auth_sts_rc rc = parse_doc(xml, len, &d, why);
  if (rc != AUTH_STS_OK) {
    return rc;
  }
  if (path(&d, "GetCallerIdentityResponse/GetCallerIdentityResult") < 0) {
    why_set(why, "%s", "not a GetCallerIdentityResponse");
    doc_free(&d);
    return AUTH_STS_EINVAL;
  }
  bool oom = false;
  out->arn = dup_text(&d, "GetCallerIdentityResponse/GetCallerIdentityResult/Arn", &oom);
  out->user_id = dup_text(&d, "GetCallerIdentityResponse/GetCallerIdentityResult/UserId", &oom);
  out->account = dup_text(&d, "GetCallerIdentityResponse/GetCallerIdentityResult/Account", &oom);
  doc_free(&d);
  if (oom) {
    auth_sts_identity_free(out);
    return AUTH_STS_ENOMEM;
  }
  if (out->arn == NULL || out->account == NULL) {
    why_set(why, "%s", "GetCallerIdentityResult without Arn or Account");
    auth_sts_identity_free(out);
    return AUTH_STS_EINVAL;
  }
  return AUTH_STS_OK;
}

auth_sts_rc auth_sts_parse_credentials(auth_sts_action action, const char *xml, size_t len,
                                       auth_awscfg_creds *out, char **arn, auth_sts_why *why) {
  memset(out, 0, sizeof *out);
  if (arn != NULL) {
    *arn = NULL;
  }
  if (action == AUTH_STS_GET_CALLER_IDENTITY) {
    return AUTH_STS_EINVAL;
  }
  doc d;
  auth_sts_rc rc = parse_doc(xml, len, &d, why);
  if (rc != AUTH_STS_OK) {
    return rc;
  }
  char base[160];
  const char *name = auth_sts_action_name(action);
  snprintf(base, sizeof base, "%sResponse/%sResult", name, name);
  char p[224];
  snprintf(p, sizeof p, "%s/Credentials", base);
  if (path(&d, p) < 0) {
    why_set(why, "not a %sResponse with Credentials", name);
    doc_free(&d);
    return AUTH_STS_EINVAL;
  }
  bool oom = false;
  snprintf(p, sizeof p, "%s/Credentials/AccessKeyId", base);
  out->access_key_id = dup_text(&d, p, &oom);
  snprintf(p, sizeof p, "%s/Credentials/SecretAccessKey", base);
  out->secret_access_key = dup_text(&d, p, &oom);
  snprintf(p, sizeof p, "%s/Credentials/SessionToken", base);
  out->session_token = dup_text(&d, p, &oom);
  snprintf(p, sizeof p, "%s/Credentials/Expiration", base);
  const char *exp = text_at(&d, p);
  rc = AUTH_STS_OK;
  if (oom) {
    rc = AUTH_STS_ENOMEM;
  } else if (out->access_key_id == NULL || out->secret_access_key == NULL ||
             out->session_token == NULL || exp == NULL) {
    why_set(why, "%s",
            "Credentials without AccessKeyId, SecretAccessKey, SessionToken or "
            "Expiration");
    rc = AUTH_STS_EINVAL;
  } else if (auth_awscfg_parse_time(exp, strlen(exp), &out->expiration) != AUTH_AWSCFG_OK) {
    why_set(why, "%s", "Credentials with an Expiration that is not an ISO-8601 time");
    rc = AUTH_STS_EINVAL;
  } else {
    out->has_expiration = true;
    if (arn != NULL) {
      snprintf(p, sizeof p, "%s/AssumedRoleUser/Arn", base);
      *arn = dup_text(&d, p, &oom);
      if (oom) {
        rc = AUTH_STS_ENOMEM;
      }
    }
  }
  doc_free(&d);
  if (rc != AUTH_STS_OK) {
    auth_awscfg_creds_free(out);
    if (arn != NULL) {
      free(*arn);
      *arn = NULL;
    }
  }
  return rc;
}

static void copy_text(const doc *d, const char *p, char *out, size_t cap) {
  const char *t = text_at(d, p);
  snprintf(out, cap, "%s", t != NULL ? t : "");
}

auth_sts_rc auth_sts_parse_error(const char *xml, size_t len, auth_sts_error *out,
                                 auth_sts_why *why) {
  memset(out, 0, sizeof *out);
  doc d;
  auth_sts_rc rc = parse_doc(xml, len, &d, why);
  if (rc != AUTH_STS_OK) {
    return rc;
  }
  if (path(&d, "ErrorResponse/Error/Code") < 0) {
    why_set(why, "%s", "not an ErrorResponse with an Error Code");
    doc_free(&d);
    return AUTH_STS_EINVAL;
  }
  copy_text(&d, "ErrorResponse/Error/Type", out->type, sizeof out->type);
  copy_text(&d, "ErrorResponse/Error/Code", out->code, sizeof out->code);
  copy_text(&d, "ErrorResponse/Error/Message", out->message, sizeof out->message);
  copy_text(&d, "ErrorResponse/RequestId", out->request_id, sizeof out->request_id);
  doc_free(&d);
  if (out->code[0] == '\0') {
    why_set(why, "%s", "ErrorResponse with an empty Code");
    return AUTH_STS_EINVAL;
  }
  return AUTH_STS_OK;
}
