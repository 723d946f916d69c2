#include "pgwt_feed.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pgw_buf.h"

/* Append-only text sink that never overflows (cmocka then reports a mismatch, not a crash). */
typedef struct sink {
  char *p;
  size_t cap;
  size_t len;
} sink;

static void put(sink *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sink *s, const char *fmt, ...) {
  if (s->len + 1 >= s->cap)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
  va_end(ap);
  if (n > 0)
    s->len += (size_t)n < s->cap - s->len ? (size_t)n : s->cap - s->len - 1;
}

/* Bytes as text with non-printables escaped, so that expectations stay readable. */
static void put_bytes(sink *s, const void *p, size_t n) {
  const uint8_t *b = p;
  put(s, "'");
  for (size_t i = 0; i < n; i++) {
    if (b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\' && b[i] != '\'')
      put(s, "%c", b[i]);
    else
      put(s, "\\x%02x", b[i]);
  }
  put(s, "'");
}

static void put_str(sink *s, pgw_str v) {
  if (v.ptr == NULL)
    put(s, "-");
  else
    put_bytes(s, v.ptr, v.len);
}

static pgw_rc render_startup(const pgw_msg *m, sink *s) {
  pgw_startup st;
  pgw_rc rc = pgw_decode_startup(m, &st);
  if (rc != PGW_OK)
    return rc;
  put(s, "startup %u.%u user=", st.major, st.minor);
  put_str(s, st.user);
  put(s, " database=");
  put_str(s, st.database);
  put(s, " options=");
  put_str(s, st.options);
  put(s, " application_name=");
  put_str(s, st.application_name);
  put(s, " params=[");
  for (size_t i = 0; i < st.nparams; i++) {
    put(s, i ? "," : "");
    put_str(s, st.params[i].name);
    put(s, "=");
    put_str(s, st.params[i].value);
  }
  put(s, "]");
  return PGW_OK;
}

static pgw_rc render_bind(const pgw_msg *m, sink *s) {
  pgw_fe_bind b;
  pgw_rc rc = pgw_decode_bind(m, &b);
  if (rc != PGW_OK)
    return rc;
  put(s, "bind portal=");
  put_str(s, b.portal);
  put(s, " stmt=");
  put_str(s, b.statement);
  put(s, " params=[");
  pgw_bind_iter it;
  pgw_bind_value v;
  pgw_bind_iter_init(&it, &b);
  while (pgw_bind_iter_next(&it, &v)) {
    put(s, "%s%u:%s:", v.index ? "," : "", v.index, v.format ? "bin" : "text");
    if (v.is_null)
      put(s, "NULL");
    else
      put_bytes(s, v.ptr, v.len);
  }
  put(s, "] results=%u[", b.nresult_formats);
  for (uint16_t i = 0; i < b.nresult_formats; i++)
    put(s, "%s%d", i ? "," : "", pgw_bind_result_format(&b, i));
  put(s, "]");
  return PGW_OK;
}

static pgw_rc render_typed(const pgw_msg *m, pgwt_pmode pmode, sink *s) {
  pgw_rc rc = PGW_OK;
  pgw_str str;
  pgw_bytes bytes;
  pgw_fe_target t;
  switch (m->type) {
  case PGW_FE_QUERY:
    if ((rc = pgw_decode_query(m, &str)) == PGW_OK) {
      put(s, "query ");
      put_str(s, str);
    }
    break;
  case PGW_FE_PARSE: {
    pgw_fe_parse p;
    if ((rc = pgw_decode_parse(m, &p)) == PGW_OK) {
      put(s, "parse name=");
      put_str(s, p.name);
      put(s, " sql=");
      put_str(s, p.sql);
      put(s, " oids=[");
      for (uint16_t i = 0; i < p.nparams; i++)
        put(s, "%s%u", i ? "," : "", pgw_parse_param_oid(&p, i));
      put(s, "]");
    }
    break;
  }
  case PGW_FE_BIND:
    rc = render_bind(m, s);
    break;
  case PGW_FE_DESCRIBE:
  case PGW_FE_CLOSE:
    rc = m->type == PGW_FE_DESCRIBE ? pgw_decode_describe(m, &t) : pgw_decode_close(m, &t);
    if (rc == PGW_OK) {
      put(s, "%s %c ", m->type == PGW_FE_DESCRIBE ? "describe" : "close", t.what);
      put_str(s, t.name);
    }
    break;
  case PGW_FE_EXECUTE: {
    pgw_fe_execute e;
    if ((rc = pgw_decode_execute(m, &e)) == PGW_OK) {
      put(s, "execute ");
      put_str(s, e.portal);
      put(s, " max_rows=%d", (int)e.max_rows);
    }
    break;
  }
  case PGW_FE_SYNC:
  case PGW_FE_FLUSH:
  case PGW_FE_TERMINATE:
  case PGW_FE_COPY_DONE:
    if ((rc = pgw_decode_empty(m)) == PGW_OK)
      put(s, "%c", m->type);
    break;
  case PGW_FE_PASSWORD:
    if (pmode == PGWT_P_PASSWORD) {
      if ((rc = pgw_decode_password(m, &str)) == PGW_OK) {
        put(s, "password ");
        put_str(s, str);
      }
    } else if (pmode == PGWT_P_SASL_INITIAL) {
      pgw_fe_sasl_initial si;
      if ((rc = pgw_decode_sasl_initial(m, &si)) == PGW_OK) {
        put(s, "sasl-initial ");
        put_str(s, si.mechanism);
        put(s, " ");
        if (si.has_data)
          put_bytes(s, si.data.ptr, si.data.len);
        else
          put(s, "no-data");
      }
    } else if ((rc = pgw_decode_sasl_response(m, &bytes)) == PGW_OK) {
      put(s, "sasl-response ");
      put_bytes(s, bytes.ptr, bytes.len);
    }
    break;
  case PGW_FE_COPY_DATA:
    if ((rc = pgw_decode_copy_data(m, &bytes)) == PGW_OK) {
      put(s, "copy-data ");
      put_bytes(s, bytes.ptr, bytes.len);
    }
    break;
  case PGW_FE_COPY_FAIL:
    if ((rc = pgw_decode_copy_fail(m, &str)) == PGW_OK) {
      put(s, "copy-fail ");
      put_str(s, str);
    }
    break;
  case PGW_FE_FUNCTION_CALL:
    put(s, "function-call len=%zu", m->len);
    break;
  default:
    rc = PGW_EPROTO; /* the framer let through a type it should have refused */
    break;
  }
  return rc;
}

pgw_rc pgwt_render(const pgw_msg *m, pgwt_pmode pmode, char *out, size_t cap) {
  sink s = {out, cap, 0};
  out[0] = '\0';
  pgw_rc rc;
  switch (m->kind) {
  case PGW_MSG_STARTUP:
    rc = render_startup(m, &s);
    break;
  case PGW_MSG_SSLREQ:
    put(&s, "sslrequest");
    rc = m->len == 0 ? PGW_OK : PGW_EPROTO;
    break;
  case PGW_MSG_GSSENCREQ:
    put(&s, "gssencrequest");
    rc = m->len == 0 ? PGW_OK : PGW_EPROTO;
    break;
  case PGW_MSG_CANCEL: {
    pgw_cancel c;
    if ((rc = pgw_decode_cancel(m, &c)) == PGW_OK) {
      put(&s, "cancel pid=%d key=", (int)c.pid);
      put_bytes(&s, c.key, c.key_len);
    }
    break;
  }
  case PGW_MSG_TYPED:
    rc = render_typed(m, pmode, &s);
    break;
  default:
    rc = PGW_EPROTO;
    break;
  }
  return rc;
}

void pgwt_feed(const uint8_t *v, size_t len, pgw_phase phase, uint32_t max_len, pgwt_pmode pmode,
               const size_t *cuts, size_t ncuts, pgwt_result *res) {
  pgw_buf in;
  pgw_buf_init(&in, (size_t)1 << 20);
  sink s = {res->text, sizeof res->text, 0};
  res->text[0] = '\0';
  res->consumed = 0;
  res->final = PGW_NEED_MORE;
  size_t fed = 0;
  for (size_t c = 0; c <= ncuts; c++) {
    size_t end = c < ncuts ? cuts[c] : len;
    /* Arrive the way a libuv read does: reserve room, fill, commit. */
    while (fed < end) {
      uint8_t *room;
      size_t avail;
      assert_int_equal(pgw_buf_reserve(&in, 1, &room, &avail), PGW_OK);
      size_t n = end - fed < avail ? end - fed : avail;
      memcpy(room, v + fed, n);
      pgw_buf_commit(&in, n);
      fed += n;
    }
    for (;;) {
      pgw_msg m;
      size_t used = 0;
      pgw_rc rc =
          pgw_decode_frontend(pgw_buf_data(&in), pgw_buf_len(&in), phase, max_len, &m, &used);
      if (rc == PGW_NEED_MORE)
        break;
      if (rc != PGW_OK) {
        res->final = rc;
        goto out;
      }
      assert_true(used <= pgw_buf_len(&in));
      char line[2048];
      rc = pgwt_render(&m, pmode, line, sizeof line);
      if (rc != PGW_OK) {
        res->final = rc;
        goto out;
      }
      put(&s, "%s\n", line);
      if (m.kind == PGW_MSG_STARTUP)
        phase = PGW_PHASE_NORMAL;
      pgw_buf_consume(&in, used);
      res->consumed += used;
    }
  }
out:
  pgw_buf_free(&in);
}

static void expect(const pgwt_result *got, const char *how, size_t at, const char *want_text,
                   size_t want_consumed, pgw_rc want_final) {
  if (strcmp(got->text, want_text) != 0 || got->consumed != want_consumed ||
      got->final != want_final) {
    print_error("fed %s (at %zu):\n got  [%s] consumed=%zu final=%s\n want [%s] consumed=%zu "
                "final=%s\n",
                how, at, got->text, got->consumed, pgw_strerror(got->final), want_text,
                want_consumed, pgw_strerror(want_final));
    fail();
  }
}

void pgwt_check_all_ways(const uint8_t *v, size_t len, pgw_phase phase, uint32_t max_len,
                         pgwt_pmode pmode, const char *want_text, size_t want_consumed,
                         pgw_rc want_final) {
  pgwt_result *res = malloc(sizeof *res);
  assert_non_null(res);
  pgwt_feed(v, len, phase, max_len, pmode, NULL, 0, res);
  expect(res, "whole", 0, want_text, want_consumed, want_final);

  size_t *cuts = malloc((len + 1) * sizeof *cuts);
  assert_non_null(cuts);
  for (size_t i = 0; i < len; i++)
    cuts[i] = i + 1;
  pgwt_feed(v, len, phase, max_len, pmode, cuts, len, res);
  expect(res, "byte by byte", 0, want_text, want_consumed, want_final);
  free(cuts);

  for (size_t i = 0; i <= len; i++) {
    pgwt_feed(v, len, phase, max_len, pmode, &i, 1, res);
    expect(res, "split", i, want_text, want_consumed, want_final);
  }
  free(res);
}
