/*
 * dapi_result.c — the general path of the GetStatementResult decoder, and its lifecycle.
 *
 * A resumable state machine over bytes: every byte is looked at once, every token (string,
 * number, literal) can be interrupted by the end of a chunk and resumed with the next one, and
 * nothing depends on where the chunks were cut. It accepts any valid JSON: whitespace, escapes,
 * any member order, unknown members with any value. Records in the compact layout the Data API
 * actually sends are handled by dapi_result_fast.c instead, which is where the speed comes from;
 * this file has to be correct, and fast enough for metadata, odd layouts and values that straddle
 * a chunk boundary (about one per 16 KiB chunk).
 */
#include <stdlib.h>
#include <string.h>

#include "dapi_result_int.h"

const char *dapi_result_strerror(dapi_result_rc rc) {
  switch (rc) {
#define XX(code, text)                                                                             \
  case DAPI_RESULT_##code:                                                                         \
    return text;
    DAPI_RESULT_RC_MAP(XX)
#undef XX
  }
  return "unknown error";
}

/* ---- members ------------------------------------------------------------------------------ */

enum {
  M_UNKNOWN = 0,
  /* The document object. */
  M_COLUMN_METADATA,
  M_RECORDS,
  M_TOTAL_NUM_ROWS,
  M_NEXT_TOKEN,
  /* ColumnMetadata, in the order of the DAPI_RESULT_COL_* bits: strings, integers, booleans. */
  M_NAME,
  M_LABEL,
  M_TYPE_NAME,
  M_SCHEMA_NAME,
  M_TABLE_NAME,
  M_COLUMN_DEFAULT,
  M_PRECISION,
  M_SCALE,
  M_NULLABLE,
  M_LENGTH,
  M_IS_SIGNED,
  M_IS_CASE_SENSITIVE,
  M_IS_CURRENCY,
  /* Field. */
  M_IS_NULL,
  M_BOOLEAN_VALUE,
  M_LONG_VALUE,
  M_DOUBLE_VALUE,
  M_STRING_VALUE,
  M_BLOB_VALUE,
  M_COUNT
};

_Static_assert(DAPI_RESULT_COL_IS_CURRENCY == 1u << (M_IS_CURRENCY - M_NAME),
               "column member ids must follow the DAPI_RESULT_COL_* bits");
_Static_assert(M_COLUMN_DEFAULT - M_NAME + 1 == DAPI_RESULT_COL_NSTR, "string members come first");
_Static_assert(DAPI_RESULT_SMALL_MAX < 256, "small_len is a uint8_t");

typedef struct member_name {
  const char *name;
  uint8_t len;
  uint8_t id;
} member_name;

#define MEMBER(s, id)                                                                              \
  { s, sizeof(s) - 1, id }

static const member_name top_members[] = {
    MEMBER("ColumnMetadata", M_COLUMN_METADATA),
    MEMBER("Records", M_RECORDS),
    MEMBER("TotalNumRows", M_TOTAL_NUM_ROWS),
    MEMBER("NextToken", M_NEXT_TOKEN),
};

static const member_name col_members[] = {
    MEMBER("name", M_NAME),
    MEMBER("label", M_LABEL),
    MEMBER("typeName", M_TYPE_NAME),
    MEMBER("schemaName", M_SCHEMA_NAME),
    MEMBER("tableName", M_TABLE_NAME),
    MEMBER("columnDefault", M_COLUMN_DEFAULT),
    MEMBER("precision", M_PRECISION),
    MEMBER("scale", M_SCALE),
    MEMBER("nullable", M_NULLABLE),
    MEMBER("length", M_LENGTH),
    MEMBER("isSigned", M_IS_SIGNED),
    MEMBER("isCaseSensitive", M_IS_CASE_SENSITIVE),
    MEMBER("isCurrency", M_IS_CURRENCY),
};

static const member_name field_members[] = {
    MEMBER("isNull", M_IS_NULL),           MEMBER("booleanValue", M_BOOLEAN_VALUE),
    MEMBER("longValue", M_LONG_VALUE),     MEMBER("doubleValue", M_DOUBLE_VALUE),
    MEMBER("stringValue", M_STRING_VALUE), MEMBER("blobValue", M_BLOB_VALUE),
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t lookup_member(const member_name *t, size_t n, const uint8_t *s, size_t len) {
  for (size_t i = 0; i < n; i++)
    if (t[i].len == len && memcmp(t[i].name, s, len) == 0)
      return t[i].id;
  return M_UNKNOWN;
}

/* What JSON values a known member accepts. */
enum {
  ACC_STRING = 1u << 0,
  ACC_NUMBER = 1u << 1,
  ACC_TRUE = 1u << 2,
  ACC_FALSE = 1u << 3,
  ACC_NULL = 1u << 4,
  ACC_ARRAY = 1u << 5,
  ACC_BOOL = ACC_TRUE | ACC_FALSE,
};

typedef struct member_rule {
  uint8_t accepts;
  const char *wrong_type; /* detail when another JSON type is found */
} member_rule;

static const member_rule member_rules[M_COUNT] = {
    [M_COLUMN_METADATA] = {ACC_ARRAY | ACC_NULL, "ColumnMetadata must be an array"},
    [M_RECORDS] = {ACC_ARRAY | ACC_NULL, "Records must be an array"},
    [M_TOTAL_NUM_ROWS] = {ACC_NUMBER | ACC_NULL, "TotalNumRows must be an integer"},
    [M_NEXT_TOKEN] = {ACC_STRING | ACC_NULL, "NextToken must be a string"},
    [M_NAME] = {ACC_STRING | ACC_NULL, "ColumnMetadata name must be a string"},
    [M_LABEL] = {ACC_STRING | ACC_NULL, "ColumnMetadata label must be a string"},
    [M_TYPE_NAME] = {ACC_STRING | ACC_NULL, "ColumnMetadata typeName must be a string"},
    [M_SCHEMA_NAME] = {ACC_STRING | ACC_NULL, "ColumnMetadata schemaName must be a string"},
    [M_TABLE_NAME] = {ACC_STRING | ACC_NULL, "ColumnMetadata tableName must be a string"},
    [M_COLUMN_DEFAULT] = {ACC_STRING | ACC_NULL, "ColumnMetadata columnDefault must be a string"},
    [M_PRECISION] = {ACC_NUMBER | ACC_NULL, "ColumnMetadata precision must be an integer"},
    [M_SCALE] = {ACC_NUMBER | ACC_NULL, "ColumnMetadata scale must be an integer"},
    [M_NULLABLE] = {ACC_NUMBER | ACC_NULL, "ColumnMetadata nullable must be an integer"},
    [M_LENGTH] = {ACC_NUMBER | ACC_NULL, "ColumnMetadata length must be an integer"},
    [M_IS_SIGNED] = {ACC_BOOL | ACC_NULL, "ColumnMetadata isSigned must be a boolean"},
    [M_IS_CASE_SENSITIVE] = {ACC_BOOL | ACC_NULL,
                             "ColumnMetadata isCaseSensitive must be a boolean"},
    [M_IS_CURRENCY] = {ACC_BOOL | ACC_NULL, "ColumnMetadata isCurrency must be a boolean"},
    [M_IS_NULL] = {ACC_TRUE, "isNull must be true"},
    [M_BOOLEAN_VALUE] = {ACC_BOOL, "booleanValue must be true or false"},
    [M_LONG_VALUE] = {ACC_NUMBER, "longValue must be an integer"},
    [M_DOUBLE_VALUE] = {ACC_NUMBER | ACC_STRING,
                        "doubleValue must be a number or \"NaN\", \"Infinity\", \"-Infinity\""},
    [M_STRING_VALUE] = {ACC_STRING, "stringValue must be a string"},
    [M_BLOB_VALUE] = {ACC_STRING, "blobValue must be a base64 string"},
};

/* ---- literals, escapes -------------------------------------------------------------------- */

enum { LIT_TRUE = 0, LIT_FALSE, LIT_NULL };
static const char *const lit_text[] = {"true", "false", "null"};
static const uint8_t lit_len[] = {4, 5, 4};

/* Escape sub-states of a string token. */
enum {
  ESC_NONE = 0,
  ESC_BACKSLASH,     /* after '\' */
  ESC_HEX,           /* reading the 4 hex digits of \uXXXX */
  ESC_LOW_BACKSLASH, /* after a high surrogate: its low half's '\' must follow */
  ESC_LOW_U,         /* ... then its 'u' */
};

/* ---- status ------------------------------------------------------------------------------- */

static void fail_at(dapi_result_dec *dec, dapi_result_rc rc, uint64_t offset, const char *detail) {
  if (dec->rc != DAPI_RESULT_OK)
    return;
  dec->rc = rc;
  dec->err_offset = offset;
  dec->detail = detail;
}

static uint64_t offset_of(const dapi_result_dec *dec, const uint8_t *p) {
  return dec->base + (uint64_t)(p - dec->chunk);
}

const uint8_t *dapi_result__fail(dapi_result_dec *dec, dapi_result_rc rc, const uint8_t *p,
                                 const char *detail) {
  fail_at(dec, rc, offset_of(dec, p), detail);
  return NULL;
}

#define FAIL(rc, p, detail) dapi_result__fail(dec, DAPI_RESULT_##rc, (p), (detail))

/* A value that parsed but is not acceptable: reported at the start of its token. */
static const uint8_t *fail_value_rc(dapi_result_dec *dec, dapi_result_rc rc, const char *detail) {
  fail_at(dec, rc, dec->tok_offset, detail);
  return NULL;
}

static const uint8_t *fail_value(dapi_result_dec *dec, const char *detail) {
  return fail_value_rc(dec, DAPI_RESULT_ESHAPE, detail);
}

static const uint8_t *sink_stopped(dapi_result_dec *dec, int code, const uint8_t *p) {
  dec->sink_code = code;
  return FAIL(ESTOPPED, p, "a sink callback returned non-zero");
}

/* Calls sink callback cb with the given arguments (user first) if the sink has it; a non-zero
 * return stops decoding at p. */
#define EMIT(p, cb, ...)                                                                           \
  do {                                                                                             \
    if (dec->sink->cb != NULL) {                                                                   \
      int emit_rc_ = dec->sink->cb(__VA_ARGS__);                                                   \
      if (emit_rc_ != 0)                                                                           \
        return sink_stopped(dec, emit_rc_, (p));                                                   \
    }                                                                                              \
  } while (0)

/* ---- buffers ------------------------------------------------------------------------------ */

/*
 * Appends n bytes of the current token's value to a buffer capped at dec->max_value, growing it
 * geometrically. Errors are reported at the token's start, so that they do not depend on where
 * the chunks were cut.
 */
static bool buf_append(dapi_result_dec *dec, uint8_t **buf, size_t *len, size_t *cap,
                       const uint8_t *s, size_t n) {
  if (n == 0)
    return true;
  if (n > dec->max_value - *len) {
    fail_at(dec, DAPI_RESULT_ETOOBIG, dec->tok_offset, "value larger than max_value_bytes");
    return false;
  }
  size_t need = *len + n;
  if (need > *cap) {
    size_t ncap = *cap ? *cap : dec->max_value < 256 ? dec->max_value : 256;
    while (ncap < need)
      ncap = ncap > dec->max_value / 2 ? dec->max_value : ncap * 2;
    uint8_t *nb = realloc(*buf, ncap);
    if (nb == NULL) {
      fail_at(dec, DAPI_RESULT_ENOMEM, dec->tok_offset, "out of memory growing a value buffer");
      return false;
    }
    *buf = nb;
    *cap = ncap;
  }
  memcpy(*buf + *len, s, n);
  *len = need;
  return true;
}

/*
 * Appends to the current token's value in scratch. Past max_value the bytes are dropped and the
 * token only marked: the token is still lexed to its end, and ETOOBIG is reported when it
 * completes. Failing here instead would make the error depend on where the chunks were cut (a
 * value is stored only when a chunk ends or an escape comes), e.g. ETOOBIG in one chunking and a
 * syntax error later in the same string in another.
 */
static bool scratch_append(dapi_result_dec *dec, const uint8_t *s, size_t n) {
  if (dec->value_over)
    return true;
  if (n > dec->max_value - dec->scratch_len) {
    dec->value_over = true;
    return true;
  }
  return buf_append(dec, &dec->scratch, &dec->scratch_len, &dec->scratch_cap, s, n);
}

/* Adds unescaped string bytes to wherever the current string token keeps them. */
static bool str_put(dapi_result_dec *dec, const uint8_t *s, size_t n) {
  switch (dec->str_mode) {
  case DAPI_STR_STORE:
    dec->in_scratch = true;
    return scratch_append(dec, s, n);
  case DAPI_STR_SMALL: {
    /* Truncation is enough: every name or special matched against `small` is shorter than it,
     * so a string cut to DAPI_RESULT_SMALL_MAX bytes can match none of them. */
    size_t room = DAPI_RESULT_SMALL_MAX - dec->small_len;
    if (n > room)
      n = room;
    memcpy(dec->small + dec->small_len, s, n);
    dec->small_len = (uint8_t)(dec->small_len + n);
    return true;
  }
  default:
    return true;
  }
}

static bool str_put_utf8(dapi_result_dec *dec, uint32_t cp) {
  uint8_t b[4];
  size_t n;
  if (cp < 0x80) {
    b[0] = (uint8_t)cp;
    n = 1;
  } else if (cp < 0x800) {
    b[0] = (uint8_t)(0xC0 | cp >> 6);
    b[1] = (uint8_t)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    b[0] = (uint8_t)(0xE0 | cp >> 12);
    b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    b[2] = (uint8_t)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    b[0] = (uint8_t)(0xF0 | cp >> 18);
    b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
    b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    b[3] = (uint8_t)(0x80 | (cp & 0x3F));
    n = 4;
  }
  return str_put(dec, b, n);
}

/* ---- events ------------------------------------------------------------------------------- */

static const uint8_t *value_done(dapi_result_dec *dec, const uint8_t *p) {
  if (dec->level == DAPI_LV_SKIP) {
    unsigned d = dec->skip_depth - 1;
    bool obj = dec->skip_is_obj[d / 64] >> (d % 64) & 1;
    dec->phase = obj ? DAPI_PH_OBJ_NEXT : DAPI_PH_ARR_NEXT;
  } else {
    dec->phase = DAPI_PH_OBJ_NEXT;
  }
  return p;
}

static const uint8_t *emit_field(dapi_result_dec *dec, const dapi_result_field *f,
                                 const uint8_t *p) {
  uint32_t column = dec->nfields++;
  EMIT(p, field, dec->user, column, f);
  return value_done(dec, p);
}

static const uint8_t *emit_column(dapi_result_dec *dec, const uint8_t *p) {
  dapi_result_view *views[DAPI_RESULT_COL_NSTR] = {
      &dec->col.name,        &dec->col.label,      &dec->col.type_name,
      &dec->col.schema_name, &dec->col.table_name, &dec->col.column_default,
  };
  /* colbuf no longer grows for this column, so the views can be taken now. */
  for (int i = 0; i < DAPI_RESULT_COL_NSTR; i++) {
    views[i]->len = dec->col_str_len[i];
    views[i]->ptr = views[i]->len ? (const char *)dec->colbuf + dec->col_str_off[i] : NULL;
  }
  uint32_t index = dec->ncols++;
  EMIT(p, column, dec->user, index, &dec->col);
  return p;
}

/* A complete member name. */
static const uint8_t *on_key(dapi_result_dec *dec, const uint8_t *s, size_t n, const uint8_t *p) {
  uint8_t m = M_UNKNOWN;
  switch (dec->level) {
  case DAPI_LV_TOP:
    m = lookup_member(top_members, COUNT(top_members), s, n);
    if (m != M_UNKNOWN) {
      if (dec->top_seen & 1u << m)
        return fail_value(dec, "duplicate member in the document object");
      dec->top_seen |= 1u << m;
    }
    break;
  case DAPI_LV_COL:
    m = lookup_member(col_members, COUNT(col_members), s, n);
    if (m != M_UNKNOWN) {
      uint32_t bit = 1u << (m - M_NAME);
      if (dec->col_seen & bit)
        return fail_value(dec, "duplicate member in a ColumnMetadata entry");
      dec->col_seen |= bit;
    }
    break;
  case DAPI_LV_FIELD:
    m = lookup_member(field_members, COUNT(field_members), s, n);
    if (m == M_UNKNOWN)
      return fail_value(dec, "unknown Field member");
    break;
  default: /* a skipped object's member */
    break;
  }
  dec->member = m;
  dec->phase = DAPI_PH_OBJ_COLON;
  return p;
}

static const uint8_t *on_string(dapi_result_dec *dec, const uint8_t *s, size_t n,
                                const uint8_t *p) {
  if (dec->level == DAPI_LV_SKIP)
    return value_done(dec, p);
  uint8_t m = dec->member;
  switch (m) {
  case M_NEXT_TOKEN: {
    dapi_result_view token = {(const char *)s, n};
    EMIT(p, next_token, dec->user, token);
    break;
  }
  case M_NAME:
  case M_LABEL:
  case M_TYPE_NAME:
  case M_SCHEMA_NAME:
  case M_TABLE_NAME:
  case M_COLUMN_DEFAULT: {
    int i = m - M_NAME;
    dec->col_str_off[i] = dec->colbuf_len;
    dec->col_str_len[i] = n;
    if (!buf_append(dec, &dec->colbuf, &dec->colbuf_len, &dec->colbuf_cap, s, n))
      return NULL;
    dec->col.present |= 1u << i;
    break;
  }
  case M_STRING_VALUE:
  case M_BLOB_VALUE: {
    dapi_result_field f = {.kind = m == M_STRING_VALUE ? DAPI_RESULT_STRING : DAPI_RESULT_BLOB,
                           .text = {(const char *)s, n}};
    return emit_field(dec, &f, p);
  }
  case M_DOUBLE_VALUE: {
    /* awsJson's spellings of the special doubles (Smithy's float serialization rules). */
    static const struct {
      const char *text;
      size_t len;
      dapi_result_special special;
    } specials[] = {
        {"NaN", 3, DAPI_RESULT_NAN},
        {"Infinity", 8, DAPI_RESULT_POS_INF},
        {"-Infinity", 9, DAPI_RESULT_NEG_INF},
    };
    for (size_t i = 0; i < COUNT(specials); i++) {
      if (n == specials[i].len && memcmp(s, specials[i].text, n) == 0) {
        dapi_result_field f = {.kind = DAPI_RESULT_DOUBLE, .special = specials[i].special};
        return emit_field(dec, &f, p);
      }
    }
    return fail_value(dec, "doubleValue string must be \"NaN\", \"Infinity\" or \"-Infinity\"");
  }
  default: /* an unknown member's value, discarded */
    break;
  }
  return value_done(dec, p);
}

static const uint8_t *on_number(dapi_result_dec *dec, const uint8_t *s, size_t n, bool integer,
                                const uint8_t *p) {
  if (dec->level == DAPI_LV_SKIP)
    return value_done(dec, p);
  uint8_t m = dec->member;
  int64_t v = 0;
  switch (m) {
  case M_TOTAL_NUM_ROWS:
    if (!integer || !dapi_json_int64(s, n, &v))
      return fail_value(dec, "TotalNumRows must be an integer that fits int64");
    EMIT(p, total_rows, dec->user, v);
    break;
  case M_PRECISION:
  case M_SCALE:
  case M_NULLABLE:
  case M_LENGTH: {
    if (!integer || !dapi_json_int64(s, n, &v) || v < INT32_MIN || v > INT32_MAX)
      return fail_value(dec, "ColumnMetadata integer member does not fit int32");
    int32_t *dst[] = {&dec->col.precision, &dec->col.scale, &dec->col.nullable, &dec->col.length};
    *dst[m - M_PRECISION] = (int32_t)v;
    dec->col.present |= 1u << (m - M_NAME);
    break;
  }
  case M_LONG_VALUE: {
    if (!integer)
      return fail_value(dec, "longValue must be an integer");
    if (!dapi_json_int64(s, n, &v))
      return fail_value(dec, "longValue out of int64 range");
    dapi_result_field f = {.kind = DAPI_RESULT_LONG, .text = {(const char *)s, n}};
    return emit_field(dec, &f, p);
  }
  case M_DOUBLE_VALUE: {
    dapi_result_field f = {.kind = DAPI_RESULT_DOUBLE, .text = {(const char *)s, n}};
    return emit_field(dec, &f, p);
  }
  default: /* an unknown member's value, discarded */
    break;
  }
  return value_done(dec, p);
}

static const uint8_t *on_literal(dapi_result_dec *dec, const uint8_t *p) {
  if (dec->level == DAPI_LV_SKIP || dec->lit == LIT_NULL)
    return value_done(dec, p); /* null: the member counts as absent */
  bool value = dec->lit == LIT_TRUE;
  uint8_t m = dec->member;
  switch (m) {
  case M_IS_SIGNED:
  case M_IS_CASE_SENSITIVE:
  case M_IS_CURRENCY: {
    bool *dst[] = {&dec->col.is_signed, &dec->col.is_case_sensitive, &dec->col.is_currency};
    *dst[m - M_IS_SIGNED] = value;
    dec->col.present |= 1u << (m - M_NAME);
    break;
  }
  case M_IS_NULL: {
    dapi_result_field f = {.kind = DAPI_RESULT_NULL};
    return emit_field(dec, &f, p);
  }
  case M_BOOLEAN_VALUE: {
    dapi_result_field f = {.kind = DAPI_RESULT_BOOL, .boolean = value};
    return emit_field(dec, &f, p);
  }
  default: /* an unknown member's value, discarded */
    break;
  }
  return value_done(dec, p);
}

/* ---- tokens ------------------------------------------------------------------------------- */

static const uint8_t *string_done(dapi_result_dec *dec, const uint8_t *s, size_t n,
                                  const uint8_t *p) {
  dec->tok = DAPI_TOK_NONE;
  if (dec->str_mode == DAPI_STR_SMALL) {
    s = dec->small;
    n = dec->small_len;
  } else if (dec->in_scratch) {
    s = dec->scratch;
    n = dec->scratch_len;
  }
  /* A view gets the same limit as an assembled value, whatever the chunking. */
  if (dec->str_mode == DAPI_STR_STORE && (dec->value_over || n > dec->max_value))
    return fail_value_rc(dec, DAPI_RESULT_ETOOBIG, "value larger than max_value_bytes");
  return dec->tok_key ? on_key(dec, s, n, p) : on_string(dec, s, n, p);
}

/* One byte of an escape sequence. */
static const uint8_t *lex_escape(dapi_result_dec *dec, const uint8_t *p) {
  uint8_t c = *p;
  switch (dec->esc) {
  case ESC_BACKSLASH: {
    uint8_t out;
    switch (c) {
    case '"':
    case '\\':
    case '/':
      out = c;
      break;
    case 'b':
      out = '\b';
      break;
    case 'f':
      out = '\f';
      break;
    case 'n':
      out = '\n';
      break;
    case 'r':
      out = '\r';
      break;
    case 't':
      out = '\t';
      break;
    case 'u':
      dec->esc = ESC_HEX;
      dec->nhex = 0;
      dec->ucode = 0;
      return p + 1;
    default:
      return FAIL(ESYNTAX, p, "invalid escape sequence in string");
    }
    dec->esc = ESC_NONE;
    return str_put(dec, &out, 1) ? p + 1 : NULL;
  }
  case ESC_HEX: {
    unsigned v;
    if (dapi_json_is_digit(c))
      v = (unsigned)(c - '0');
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
      v = (unsigned)((c | 0x20) - 'a' + 10);
    else
      return FAIL(ESYNTAX, p, "invalid hex digit in \\u escape");
    dec->ucode = (uint16_t)(dec->ucode << 4 | v);
    if (++dec->nhex < 4)
      return p + 1;
    uint32_t cp = dec->ucode;
    if (dec->hi_surrogate != 0) {
      if (cp < 0xDC00 || cp > 0xDFFF)
        return FAIL(ESYNTAX, p, "lone surrogate in \\u escape");
      cp = 0x10000 + ((uint32_t)(dec->hi_surrogate - 0xD800) << 10) + (cp - 0xDC00);
      dec->hi_surrogate = 0;
    } else if (cp >= 0xD800 && cp <= 0xDBFF) {
      dec->hi_surrogate = (uint16_t)cp;
      dec->esc = ESC_LOW_BACKSLASH;
      return p + 1;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return FAIL(ESYNTAX, p, "lone surrogate in \\u escape");
    }
    dec->esc = ESC_NONE;
    return str_put_utf8(dec, cp) ? p + 1 : NULL;
  }
  case ESC_LOW_BACKSLASH:
    if (c != '\\')
      return FAIL(ESYNTAX, p, "lone surrogate in \\u escape");
    dec->esc = ESC_LOW_U;
    return p + 1;
  default: /* ESC_LOW_U */
    if (c != 'u')
      return FAIL(ESYNTAX, p, "lone surrogate in \\u escape");
    dec->esc = ESC_HEX;
    dec->nhex = 0;
    dec->ucode = 0;
    return p + 1;
  }
}

/*
 * Reads string bytes from p (after the opening quote, or where the previous chunk stopped).
 * `seg` is the start of plain bytes not yet stored: while a STORE string has had neither an escape
 * nor a chunk end it stays a view of the chunk, and seg is its first byte.
 */
static const uint8_t *lex_string(dapi_result_dec *dec, const uint8_t *p, const uint8_t *end) {
  const uint8_t *seg = p;
  for (;;) {
    if (dec->esc != ESC_NONE) {
      if (p == end)
        break;
      if ((p = lex_escape(dec, p)) == NULL)
        return NULL;
      seg = p;
      continue;
    }
    if (dec->utf8.need != 0) {
      if (p == end)
        break;
      if (!dapi_json_utf8_cont(&dec->utf8, *p))
        return FAIL(ESYNTAX, p, "invalid UTF-8 in string");
      p++;
      continue;
    }
    p = dapi_json_scan_plain(p, end);
    if (p == end)
      break;
    uint8_t c = *p;
    if (c >= 0x80) {
      if (!dapi_json_utf8_lead(&dec->utf8, c))
        return FAIL(ESYNTAX, p, "invalid UTF-8 in string");
      p++;
    } else if (c == '"') {
      if (dec->in_scratch || dec->str_mode != DAPI_STR_STORE)
        if (!str_put(dec, seg, (size_t)(p - seg)))
          return NULL;
      return string_done(dec, seg, (size_t)(p - seg), p + 1);
    } else if (c == '\\') {
      if (!str_put(dec, seg, (size_t)(p - seg)))
        return NULL;
      dec->esc = ESC_BACKSLASH;
      seg = ++p;
    } else {
      return FAIL(ESYNTAX, p, "control character in string (must be escaped)");
    }
  }
  /* The chunk ends inside the string: keep what it holds. */
  if (!str_put(dec, seg, (size_t)(end - seg)))
    return NULL;
  return end;
}

static const uint8_t *lex_number(dapi_result_dec *dec, const uint8_t *p, const uint8_t *end) {
  const uint8_t *q = p;
  dapi_json_num_rc r = dapi_json_num_scan(&dec->num_state, &q, end);
  if (r == DAPI_JSON_NUM_BAD) {
    switch (dec->num_state) {
    case DAPI_JSON_NUM_ZERO:
      return FAIL(ESYNTAX, q, "leading zero in number");
    case DAPI_JSON_NUM_DOT:
      return FAIL(ESYNTAX, q, "expected a digit after '.' in number");
    case DAPI_JSON_NUM_EXP_MARK:
    case DAPI_JSON_NUM_EXP_SIGN:
      return FAIL(ESYNTAX, q, "expected a digit in the exponent of number");
    default:
      return FAIL(ESYNTAX, q, "expected a digit in number");
    }
  }
  bool keep = dec->str_mode != DAPI_STR_DISCARD;
  const uint8_t *s = p;
  size_t n = (size_t)(q - p);
  if (r == DAPI_JSON_NUM_MORE || dec->in_scratch) {
    if (keep && !scratch_append(dec, p, n))
      return NULL;
    dec->in_scratch = true;
    if (r == DAPI_JSON_NUM_MORE)
      return end;
    s = dec->scratch;
    n = dec->scratch_len;
  }
  dec->tok = DAPI_TOK_NONE;
  if (keep && (dec->value_over || n > dec->max_value)) /* views too, as for strings */
    return fail_value_rc(dec, DAPI_RESULT_ETOOBIG, "value larger than max_value_bytes");
  bool integer = dec->num_state == DAPI_JSON_NUM_ZERO || dec->num_state == DAPI_JSON_NUM_INT;
  return on_number(dec, s, n, integer, q);
}

static const uint8_t *lex_literal(dapi_result_dec *dec, const uint8_t *p, const uint8_t *end) {
  const char *text = lit_text[dec->lit];
  while (p < end && dec->lit_pos < lit_len[dec->lit]) {
    if (*p != (uint8_t)text[dec->lit_pos])
      return FAIL(ESYNTAX, p, "invalid literal (expected true, false or null)");
    p++;
    dec->lit_pos++;
  }
  if (dec->lit_pos < lit_len[dec->lit])
    return p;
  dec->tok = DAPI_TOK_NONE;
  return on_literal(dec, p);
}
/* ---- structure ---------------------------------------------------------------------------- */

static void start_token(dapi_result_dec *dec, uint8_t tok, uint8_t mode, const uint8_t *p) {
  dec->tok = tok;
  dec->tok_key = false;
  dec->str_mode = mode;
  dec->in_scratch = false;
  dec->value_over = false;
  dec->tok_offset = offset_of(dec, p);
  dec->scratch_len = 0;
  dec->small_len = 0;
  dec->esc = ESC_NONE;
  dec->hi_surrogate = 0;
  dec->utf8.need = 0;
  dec->num_state = DAPI_JSON_NUM_START;
  dec->lit_pos = 0;
}

/* Depth of the known levels, counting the document object as 1. */
static unsigned level_depth(uint8_t level) {
  return level == DAPI_LV_TOP ? 1 : level == DAPI_LV_COL ? 3 : 0;
}

/* Opens a container inside a skipped value (or the skipped value itself). */
static const uint8_t *skip_push(dapi_result_dec *dec, bool obj, const uint8_t *p) {
  if (dec->level != DAPI_LV_SKIP) {
    dec->skip_ret = dec->level;
    dec->skip_depth = 0;
    dec->level = DAPI_LV_SKIP;
  }
  if (level_depth(dec->skip_ret) + dec->skip_depth + 1 > dec->max_depth)
    return FAIL(EDEPTH, p, "JSON nested deeper than max_depth");
  unsigned d = dec->skip_depth++;
  uint64_t bit = (uint64_t)1 << (d % 64);
  if (obj)
    dec->skip_is_obj[d / 64] |= bit;
  else
    dec->skip_is_obj[d / 64] &= ~bit;
  dec->phase = obj ? DAPI_PH_OBJ_FIRST : DAPI_PH_ARR_FIRST;
  return p + 1;
}

static const uint8_t *skip_pop(dapi_result_dec *dec, const uint8_t *p) {
  if (--dec->skip_depth == 0) {
    dec->level = dec->skip_ret;
    dec->phase = DAPI_PH_OBJ_NEXT;
    return p;
  }
  return value_done(dec, p);
}

/* Which JSON value a byte starts (one ACC_* bit, or 0 for an object); false if none. */
static bool value_kind(uint8_t c, uint8_t *kind) {
  switch (c) {
  case '"':
    *kind = ACC_STRING;
    return true;
  case 't':
    *kind = ACC_TRUE;
    return true;
  case 'f':
    *kind = ACC_FALSE;
    return true;
  case 'n':
    *kind = ACC_NULL;
    return true;
  case '[':
    *kind = ACC_ARRAY;
    return true;
  case '{':
    *kind = 0; /* no known member is an object */
    return true;
  default:
    *kind = ACC_NUMBER;
    return c == '-' || dapi_json_is_digit(c);
  }
}

/* The first byte of a value: opens a container or starts a token. */
static const uint8_t *start_value(dapi_result_dec *dec, const uint8_t *p) {
  uint8_t c = *p;
  uint8_t kind;
  if (!value_kind(c, &kind))
    return FAIL(ESYNTAX, p, "expected a JSON value");
  switch (dec->level) {
  case DAPI_LV_COLS:
    if (c != '{')
      return FAIL(ESHAPE, p, "a ColumnMetadata entry must be an object");
    memset(&dec->col, 0, sizeof dec->col);
    memset(dec->col_str_len, 0, sizeof dec->col_str_len);
    dec->colbuf_len = 0;
    dec->col_seen = 0;
    dec->level = DAPI_LV_COL;
    dec->phase = DAPI_PH_OBJ_FIRST;
    return p + 1;
  case DAPI_LV_RECS:
    if (c != '[')
      return FAIL(ESHAPE, p, "a record must be an array of Field");
    dec->level = DAPI_LV_ROW;
    dec->phase = DAPI_PH_ARR_FIRST;
    dec->nfields = 0;
    EMIT(p + 1, row_begin, dec->user);
    return p + 1;
  case DAPI_LV_ROW:
    if (c != '{')
      return FAIL(ESHAPE, p, "a Field must be an object");
    dec->level = DAPI_LV_FIELD;
    dec->phase = DAPI_PH_OBJ_FIRST;
    return p + 1;
  default:
    break;
  }

  /* A member's value (or a value inside a skipped one). */
  bool skipping = dec->level == DAPI_LV_SKIP || dec->member == M_UNKNOWN;
  if (skipping) {
    if (c == '{' || c == '[')
      return skip_push(dec, c == '{', p);
  } else if ((member_rules[dec->member].accepts & kind) == 0) {
    return FAIL(ESHAPE, p, member_rules[dec->member].wrong_type);
  }

  uint8_t mode = skipping ? DAPI_STR_DISCARD : DAPI_STR_STORE;
  switch (c) {
  case '"':
    start_token(dec, DAPI_TOK_STRING, dec->member == M_DOUBLE_VALUE ? DAPI_STR_SMALL : mode, p);
    return p + 1;
  case 't':
  case 'f':
  case 'n':
    start_token(dec, DAPI_TOK_LITERAL, mode, p);
    dec->lit = c == 't' ? LIT_TRUE : c == 'f' ? LIT_FALSE : LIT_NULL;
    return p;
  case '[':
    if (dec->member == M_COLUMN_METADATA) {
      dec->level = DAPI_LV_COLS;
      dec->ncols = 0;
    } else {
      dec->level = DAPI_LV_RECS;
    }
    dec->phase = DAPI_PH_ARR_FIRST;
    return p + 1;
  default:
    start_token(dec, DAPI_TOK_NUMBER, mode, p);
    return p;
  }
}

static const uint8_t *close_object(dapi_result_dec *dec, const uint8_t *p) {
  const uint8_t *next = p + 1;
  switch (dec->level) {
  case DAPI_LV_TOP:
    dec->level = DAPI_LV_DONE;
    EMIT(next, end, dec->user);
    return next;
  case DAPI_LV_COL:
    dec->level = DAPI_LV_COLS;
    dec->phase = DAPI_PH_ARR_NEXT;
    return emit_column(dec, next);
  case DAPI_LV_FIELD:
    if (dec->phase == DAPI_PH_OBJ_FIRST)
      return FAIL(ESHAPE, p, "a Field must have exactly one member");
    dec->level = DAPI_LV_ROW;
    dec->phase = DAPI_PH_ARR_NEXT;
    return next;
  default:
    return skip_pop(dec, next);
  }
}

static const uint8_t *close_array(dapi_result_dec *dec, const uint8_t *p) {
  const uint8_t *next = p + 1;
  switch (dec->level) {
  case DAPI_LV_COLS:
    dec->level = DAPI_LV_TOP;
    dec->phase = DAPI_PH_OBJ_NEXT;
    EMIT(next, columns_end, dec->user, dec->ncols);
    return next;
  case DAPI_LV_RECS:
    dec->level = DAPI_LV_TOP;
    dec->phase = DAPI_PH_OBJ_NEXT;
    return next;
  case DAPI_LV_ROW:
    dec->level = DAPI_LV_RECS;
    dec->phase = DAPI_PH_ARR_NEXT;
    EMIT(next, row_end, dec->user, dec->nfields);
    return next;
  default:
    return skip_pop(dec, next);
  }
}

/* One structural byte at p (not whitespace, no token in progress). */
static const uint8_t *step(dapi_result_dec *dec, const uint8_t *p) {
  uint8_t c = *p;
  if (dec->level == DAPI_LV_DOC) {
    if (c != '{')
      return c == '[' || c == '"' || c == '-' || dapi_json_is_digit(c) || c == 't' || c == 'f' ||
                     c == 'n'
                 ? FAIL(ESHAPE, p, "a GetStatementResult body must be a JSON object")
                 : FAIL(ESYNTAX, p, "expected '{' at the start of the document");
    dec->level = DAPI_LV_TOP;
    dec->phase = DAPI_PH_OBJ_FIRST;
    return p + 1;
  }
  if (dec->level == DAPI_LV_DONE)
    return FAIL(ESYNTAX, p, "data after the end of the document");

  switch (dec->phase) {
  case DAPI_PH_OBJ_FIRST:
    if (c == '}')
      return close_object(dec, p);
    /* fall through */
  case DAPI_PH_OBJ_KEY:
    if (c != '"')
      return FAIL(ESYNTAX, p,
                  dec->phase == DAPI_PH_OBJ_FIRST ? "expected a member name or '}'"
                                                  : "expected a member name");
    start_token(dec, DAPI_TOK_STRING,
                dec->level == DAPI_LV_SKIP ? DAPI_STR_DISCARD : DAPI_STR_SMALL, p);
    dec->tok_key = true;
    return p + 1;
  case DAPI_PH_OBJ_COLON:
    if (c != ':')
      return FAIL(ESYNTAX, p, "expected ':' after a member name");
    dec->phase = DAPI_PH_OBJ_VALUE;
    return p + 1;
  case DAPI_PH_OBJ_NEXT:
    if (c == '}')
      return close_object(dec, p);
    if (c != ',')
      return FAIL(ESYNTAX, p, "expected ',' or '}'");
    if (dec->level == DAPI_LV_FIELD)
      return FAIL(ESHAPE, p, "a Field must have exactly one member");
    dec->phase = DAPI_PH_OBJ_KEY;
    return p + 1;
  case DAPI_PH_ARR_FIRST:
    if (c == ']')
      return close_array(dec, p);
    /* fall through */
  case DAPI_PH_OBJ_VALUE:
  case DAPI_PH_ARR_VALUE:
    return start_value(dec, p);
  default: /* DAPI_PH_ARR_NEXT */
    if (c == ']')
      return close_array(dec, p);
    if (c != ',')
      return FAIL(ESYNTAX, p, "expected ',' or ']'");
    dec->phase = DAPI_PH_ARR_VALUE;
    return p + 1;
  }
}

/* ---- API ---------------------------------------------------------------------------------- */

dapi_result_rc dapi_result_feed(dapi_result_dec *dec, const void *data, size_t len) {
  if (dec->rc != DAPI_RESULT_OK || len == 0)
    return dec->rc;
  const uint8_t *p = data;
  const uint8_t *end = p + len;
  dec->chunk = p;
  while (p != NULL && p < end) {
    switch (dec->tok) {
    case DAPI_TOK_STRING:
      p = lex_string(dec, p, end);
      continue;
    case DAPI_TOK_NUMBER:
      p = lex_number(dec, p, end);
      continue;
    case DAPI_TOK_LITERAL:
      p = lex_literal(dec, p, end);
      continue;
    default:
      break;
    }
    if (dec->level == DAPI_LV_RECS || dec->level == DAPI_LV_ROW) {
      p = dapi_result__fast(dec, p, end);
      if (p == NULL || p == end)
        continue;
    }
    if (dapi_json_is_ws(*p)) {
      do
        p++;
      while (p < end && dapi_json_is_ws(*p));
      continue;
    }
    p = step(dec, p);
  }
  dec->chunk = NULL;
  dec->base += len;
  return dec->rc;
}

dapi_result_rc dapi_result_finish(dapi_result_dec *dec) {
  if (dec->rc == DAPI_RESULT_OK && dec->level != DAPI_LV_DONE)
    fail_at(dec, DAPI_RESULT_ETRUNCATED, dec->base, "the body ended before the document did");
  return dec->rc;
}

void dapi_result_get_error(const dapi_result_dec *dec, dapi_result_error *out) {
  out->rc = dec->rc;
  out->offset = dec->rc == DAPI_RESULT_OK ? dec->base : dec->err_offset;
  out->detail = dec->rc == DAPI_RESULT_OK ? "" : dec->detail;
  out->sink_code = dec->sink_code;
}

void dapi_result_reset(dapi_result_dec *dec) {
  dec->rc = DAPI_RESULT_OK;
  dec->detail = NULL;
  dec->sink_code = 0;
  dec->err_offset = 0;
  dec->chunk = NULL;
  dec->base = 0;
  dec->level = DAPI_LV_DOC;
  dec->phase = DAPI_PH_OBJ_FIRST;
  dec->member = M_UNKNOWN;
  dec->top_seen = 0;
  dec->col_seen = 0;
  dec->ncols = 0;
  dec->nfields = 0;
  dec->skip_depth = 0;
  dec->tok = DAPI_TOK_NONE;
  dec->scratch_len = 0;
  dec->colbuf_len = 0;
}

dapi_result_rc dapi_result_new(const dapi_result_config *cfg, dapi_result_dec **out) {
  *out = NULL;
  unsigned depth = cfg->max_depth ? cfg->max_depth : DAPI_RESULT_DEFAULT_MAX_DEPTH;
  if (cfg->sink == NULL || depth < 4 || depth > DAPI_RESULT_DEPTH_LIMIT)
    return DAPI_RESULT_EINVAL;
  dapi_result_dec *dec = calloc(1, sizeof *dec);
  if (dec == NULL)
    return DAPI_RESULT_ENOMEM;
  dec->sink = cfg->sink;
  dec->user = cfg->user;
  dec->max_value =
      cfg->max_value_bytes ? cfg->max_value_bytes : DAPI_RESULT_DEFAULT_MAX_VALUE_BYTES;
  dec->max_depth = depth;
  dapi_result_reset(dec);
  *out = dec;
  return DAPI_RESULT_OK;
}

void dapi_result_free(dapi_result_dec *dec) {
  if (dec == NULL)
    return;
  free(dec->scratch);
  free(dec->colbuf);
  free(dec);
}
