/* Body parsers of the normal-phase frontend messages. Each validates the whole body before
 * reporting success, so that later accessors (pgw_bind_iter, ...) need no checks. */
#include "pgw_decode.h"

#include "pgw_rd.h"

static bool is_type(const pgw_msg *m, uint8_t type) {
  return m->kind == PGW_MSG_TYPED && m->type == type;
}

static bool rd_str(pgw__rd *r, pgw_str *s) {
  return pgw__rd_cstr(r, &s->ptr, &s->len);
}

/* A message that is exactly one string. */
static pgw_rc one_cstr(const pgw_msg *m, uint8_t type, pgw_str *s) {
  if (!is_type(m, type))
    return PGW_EPROTO;
  pgw__rd r;
  pgw__rd_init(&r, m->body, m->len);
  return rd_str(&r, s) && pgw__rd_end(&r) ? PGW_OK : PGW_EPROTO;
}

pgw_rc pgw_decode_query(const pgw_msg *m, pgw_str *sql) {
  return one_cstr(m, PGW_FE_QUERY, sql);
}

pgw_rc pgw_decode_parse(const pgw_msg *m, pgw_fe_parse *out) {
  if (!is_type(m, PGW_FE_PARSE))
    return PGW_EPROTO;
  pgw__rd r;
  pgw__rd_init(&r, m->body, m->len);
  /* Counts are unsigned 16-bit on the wire in practice (PostgreSQL reads them with
   * pq_getmsgint(msg, 2)); a "negative" count is a huge one and fails the length check. */
  if (!rd_str(&r, &out->name) || !rd_str(&r, &out->sql) || !pgw__rd_u16(&r, &out->nparams) ||
      !pgw__rd_bytes(&r, (size_t)out->nparams * 4, &out->param_oids) || !pgw__rd_end(&r))
    return PGW_EPROTO;
  if (out->nparams == 0)
    out->param_oids = NULL;
  return PGW_OK;
}

uint32_t pgw_parse_param_oid(const pgw_fe_parse *p, uint16_t i) {
  return i < p->nparams ? pgw__be32(p->param_oids + (size_t)i * 4) : 0;
}

/* n format codes, each 0 or 1. */
static bool rd_formats(pgw__rd *r, uint16_t *n, const uint8_t **codes) {
  if (!pgw__rd_u16(r, n) || !pgw__rd_bytes(r, (size_t)*n * 2, codes))
    return false;
  for (uint16_t i = 0; i < *n; i++) {
    uint16_t c = pgw__be16(*codes + (size_t)i * 2);
    if (c != 0 && c != 1)
      return false;
  }
  if (*n == 0)
    *codes = NULL;
  return true;
}

pgw_rc pgw_decode_bind(const pgw_msg *m, pgw_fe_bind *out) {
  if (!is_type(m, PGW_FE_BIND))
    return PGW_EPROTO;
  pgw__rd r;
  pgw__rd_init(&r, m->body, m->len);
  if (!rd_str(&r, &out->portal) || !rd_str(&r, &out->statement) ||
      !rd_formats(&r, &out->nformats, &out->formats) || !pgw__rd_u16(&r, &out->nparams))
    return PGW_EPROTO;
  /* PostgreSQL: "bind message has %d parameter formats but %d parameters". */
  if (out->nformats > 1 && out->nformats != out->nparams)
    return PGW_EPROTO;
  size_t start = r.pos;
  for (uint16_t i = 0; i < out->nparams; i++) {
    int32_t vlen;
    const uint8_t *v;
    if (!pgw__rd_i32(&r, &vlen))
      return PGW_EPROTO;
    if (vlen == -1)
      continue; /* NULL */
    if (vlen < 0 || !pgw__rd_bytes(&r, (size_t)vlen, &v))
      return PGW_EPROTO;
  }
  out->params = out->nparams > 0 ? m->body + start : NULL;
  out->params_len = r.pos - start;
  if (!rd_formats(&r, &out->nresult_formats, &out->result_formats) || !pgw__rd_end(&r))
    return PGW_EPROTO;
  return PGW_OK;
}

static int16_t format_at(uint16_t n, const uint8_t *codes, uint16_t i) {
  if (n == 0)
    return 0;
  if (n == 1)
    return (int16_t)pgw__be16(codes);
  return i < n ? (int16_t)pgw__be16(codes + (size_t)i * 2) : 0;
}

int16_t pgw_bind_param_format(const pgw_fe_bind *b, uint16_t i) {
  return format_at(b->nformats, b->formats, i);
}

pgw_rc pgw_bind_check_result_formats(const pgw_fe_bind *b, uint16_t ncols) {
  return b->nresult_formats <= 1 || b->nresult_formats == ncols ? PGW_OK : PGW_EPROTO;
}

int16_t pgw_bind_result_format(const pgw_fe_bind *b, uint16_t col) {
  return format_at(b->nresult_formats, b->result_formats, col);
}

void pgw_bind_iter_init(pgw_bind_iter *it, const pgw_fe_bind *b) {
  it->bind = b;
  it->next = 0;
  it->pos = 0;
}

bool pgw_bind_iter_next(pgw_bind_iter *it, pgw_bind_value *v) {
  const pgw_fe_bind *b = it->bind;
  if (it->next >= b->nparams)
    return false;
  /* Validated by pgw_decode_bind: the length and the bytes are inside params_len. */
  int32_t vlen = pgw__i32_from_u32(pgw__be32(b->params + it->pos));
  it->pos += 4;
  v->index = it->next;
  v->format = pgw_bind_param_format(b, it->next);
  v->is_null = vlen == -1;
  v->len = v->is_null ? 0 : (size_t)vlen;
  v->ptr = v->len > 0 ? b->params + it->pos : NULL;
  it->pos += v->len;
  it->next++;
  return true;
}

static pgw_rc target(const pgw_msg *m, uint8_t type, pgw_fe_target *out) {
  if (!is_type(m, type))
    return PGW_EPROTO;
  pgw__rd r;
  pgw__rd_init(&r, m->body, m->len);
  if (!pgw__rd_u8(&r, &out->what) || (out->what != 'S' && out->what != 'P') ||
      !rd_str(&r, &out->name) || !pgw__rd_end(&r))
    return PGW_EPROTO;
  return PGW_OK;
}

pgw_rc pgw_decode_describe(const pgw_msg *m, pgw_fe_target *out) {
  return target(m, PGW_FE_DESCRIBE, out);
}

pgw_rc pgw_decode_close(const pgw_msg *m, pgw_fe_target *out) {
  return target(m, PGW_FE_CLOSE, out);
}

pgw_rc pgw_decode_execute(const pgw_msg *m, pgw_fe_execute *out) {
  if (!is_type(m, PGW_FE_EXECUTE))
    return PGW_EPROTO;
  pgw__rd r;
  pgw__rd_init(&r, m->body, m->len);
  return rd_str(&r, &out->portal) && pgw__rd_i32(&r, &out->max_rows) && pgw__rd_end(&r)
             ? PGW_OK
             : PGW_EPROTO;
}

pgw_rc pgw_decode_empty(const pgw_msg *m) {
  if (m->kind != PGW_MSG_TYPED)
    return PGW_EPROTO;
  switch (m->type) {
  case PGW_FE_SYNC:
  case PGW_FE_FLUSH:
  case PGW_FE_TERMINATE:
  case PGW_FE_COPY_DONE:
    return m->len == 0 ? PGW_OK : PGW_EPROTO;
  default:
    return PGW_EPROTO;
  }
}

pgw_rc pgw_decode_password(const pgw_msg *m, pgw_str *password) {
  return one_cstr(m, PGW_FE_PASSWORD, password);
}

pgw_rc pgw_decode_sasl_initial(const pgw_msg *m, pgw_fe_sasl_initial *out) {
  if (!is_type(m, PGW_FE_PASSWORD))
    return PGW_EPROTO;
  pgw__rd r;
  pgw__rd_init(&r, m->body, m->len);
  int32_t dlen;
  if (!rd_str(&r, &out->mechanism) || out->mechanism.len == 0 || !pgw__rd_i32(&r, &dlen))
    return PGW_EPROTO;
  out->has_data = dlen != -1;
  out->data.ptr = NULL;
  out->data.len = 0;
  if (out->has_data) {
    if (dlen < 0 || !pgw__rd_bytes(&r, (size_t)dlen, &out->data.ptr))
      return PGW_EPROTO;
    out->data.len = (size_t)dlen;
    if (dlen == 0)
      out->data.ptr = NULL;
  }
  return pgw__rd_end(&r) ? PGW_OK : PGW_EPROTO;
}

static pgw_rc whole_body(const pgw_msg *m, uint8_t type, pgw_bytes *data) {
  if (!is_type(m, type))
    return PGW_EPROTO;
  data->ptr = m->len > 0 ? m->body : NULL;
  data->len = m->len;
  return PGW_OK;
}

pgw_rc pgw_decode_sasl_response(const pgw_msg *m, pgw_bytes *data) {
  return whole_body(m, PGW_FE_PASSWORD, data);
}

pgw_rc pgw_decode_copy_data(const pgw_msg *m, pgw_bytes *data) {
  return whole_body(m, PGW_FE_COPY_DATA, data);
}

pgw_rc pgw_decode_copy_fail(const pgw_msg *m, pgw_str *message) {
  return one_cstr(m, PGW_FE_COPY_FAIL, message);
}
