/* libFuzzer target: the frontend decoder and every body parser.
 *
 * Input: one control byte (phase, max_len, split point), then wire bytes. Invariants checked:
 * consumed <= len, every view points inside the input, and decoding the bytes in two feeds
 * through a pgw_buf gives the same messages and total as one feed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pgw_buf.h"
#include "pgw_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *lo, *hi; /* the current input, for inside() */

static void inside(const void *p, size_t n) {
  if (n == 0)
    return;
  const uint8_t *b = p;
  if (b == NULL || b < lo || b > hi || n > (size_t)(hi - b))
    abort();
}

static void inside_str(pgw_str s) {
  if (s.ptr != NULL) {
    inside(s.ptr, s.len + 1);
    if (s.ptr[s.len] != '\0')
      abort();
  }
}

/* Runs every parser on m (most refuse it) and checks what they return. Returns a digest of the
 * outcome so that two feeds can be compared. */
static uint64_t parse_all(const pgw_msg *m) {
  uint64_t h = (uint64_t)m->kind * 31 + m->type * 7 + m->code + m->len * 131;
  pgw_startup st;
  if (pgw_decode_startup(m, &st) == PGW_OK) {
    inside_str(st.user);
    inside_str(st.database);
    inside_str(st.options);
    inside_str(st.application_name);
    for (size_t i = 0; i < st.nparams; i++) {
      inside_str(st.params[i].name);
      inside_str(st.params[i].value);
    }
    h += st.nparams;
  }
  pgw_cancel c;
  if (pgw_decode_cancel(m, &c) == PGW_OK) {
    inside(c.key, c.key_len);
    h += c.key_len;
  }
  pgw_str s;
  if (pgw_decode_query(m, &s) == PGW_OK)
    inside_str(s);
  if (pgw_decode_password(m, &s) == PGW_OK)
    inside_str(s);
  if (pgw_decode_copy_fail(m, &s) == PGW_OK)
    inside_str(s);
  pgw_fe_parse p;
  if (pgw_decode_parse(m, &p) == PGW_OK) {
    inside_str(p.name);
    inside_str(p.sql);
    inside(p.param_oids, (size_t)p.nparams * 4);
    for (uint16_t i = 0; i < p.nparams; i++)
      h += pgw_parse_param_oid(&p, i);
  }
  pgw_fe_bind b;
  if (pgw_decode_bind(m, &b) == PGW_OK) {
    inside_str(b.portal);
    inside_str(b.statement);
    inside(b.formats, (size_t)b.nformats * 2);
    inside(b.result_formats, (size_t)b.nresult_formats * 2);
    inside(b.params, b.params_len);
    pgw_bind_iter it;
    pgw_bind_value v;
    uint16_t seen = 0;
    pgw_bind_iter_init(&it, &b);
    while (pgw_bind_iter_next(&it, &v)) {
      inside(v.ptr, v.len);
      if (v.index != seen++ || (v.format != 0 && v.format != 1))
        abort();
      h += v.len + v.is_null;
    }
    if (seen != b.nparams)
      abort();
    (void)pgw_bind_check_result_formats(&b, b.nresult_formats);
  }
  pgw_fe_target t;
  if (pgw_decode_describe(m, &t) == PGW_OK || pgw_decode_close(m, &t) == PGW_OK)
    inside_str(t.name);
  pgw_fe_execute e;
  if (pgw_decode_execute(m, &e) == PGW_OK)
    inside_str(e.portal);
  pgw_fe_sasl_initial si;
  if (pgw_decode_sasl_initial(m, &si) == PGW_OK) {
    inside_str(si.mechanism);
    inside(si.data.ptr, si.data.len);
  }
  pgw_bytes d;
  if (pgw_decode_sasl_response(m, &d) == PGW_OK || pgw_decode_copy_data(m, &d) == PGW_OK)
    inside(d.ptr, d.len);
  h += pgw_decode_empty(m) == PGW_OK;
  return h;
}

typedef struct outcome {
  uint64_t digest;
  size_t consumed;
  pgw_rc final;
} outcome;

static void run(const uint8_t *wire, size_t len, pgw_phase phase, uint32_t max_len, size_t cut,
                outcome *o) {
  pgw_buf buf;
  pgw_buf_init(&buf, len + 1);
  o->digest = 0;
  o->consumed = 0;
  o->final = PGW_NEED_MORE;
  size_t fed = 0;
  for (int feed = 0; feed < 2; feed++) {
    size_t end = feed == 0 ? cut : len;
    if (pgw_buf_append(&buf, wire + fed, end - fed) != PGW_OK)
      abort(); /* the cap fits the whole input */
    fed = end;
    for (;;) {
      pgw_msg m;
      size_t used;
      lo = pgw_buf_data(&buf);
      hi = lo + pgw_buf_len(&buf);
      pgw_rc rc = pgw_decode_frontend(lo, pgw_buf_len(&buf), phase, max_len, &m, &used);
      if (rc == PGW_NEED_MORE)
        break;
      if (rc != PGW_OK) {
        o->final = rc;
        pgw_buf_free(&buf);
        return;
      }
      if (used == 0 || used > pgw_buf_len(&buf))
        abort();
      inside(m.body, m.len);
      o->digest = o->digest * 1000003 + parse_all(&m);
      if (m.kind == PGW_MSG_STARTUP)
        phase = PGW_PHASE_NORMAL;
      pgw_buf_consume(&buf, used);
      o->consumed += used;
    }
  }
  pgw_buf_free(&buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  uint8_t ctl = data[0];
  const uint8_t *wire = data + 1;
  size_t len = size - 1;
  pgw_phase phase = (ctl & 1) ? PGW_PHASE_STARTUP : PGW_PHASE_NORMAL;
  uint32_t max_len = (ctl & 2) ? 64 : 1u << 20;
  outcome whole, split;
  run(wire, len, phase, max_len, len, &whole);
  run(wire, len, phase, max_len, len == 0 ? 0 : (size_t)(ctl >> 2) % (len + 1), &split);
  if (whole.digest != split.digest || whole.consumed != split.consumed ||
      whole.final != split.final || whole.consumed > len)
    abort();
  return 0;
}
