/* Framing of frontend messages and the untyped startup-phase packets. */
#include "pgw_decode.h"

#include <string.h>

#include "pgw_rd.h"

/* Startup-phase header: int32 length + int32 protocol version or request code. */
#define STARTUP_HDR 8
/* Normal-phase header: type byte + int32 length. */
#define TYPED_HDR 5

static bool known_type(uint8_t t) {
  switch (t) {
  case PGW_FE_BIND:
  case PGW_FE_CLOSE:
  case PGW_FE_COPY_DATA:
  case PGW_FE_COPY_DONE:
  case PGW_FE_COPY_FAIL:
  case PGW_FE_DESCRIBE:
  case PGW_FE_EXECUTE:
  case PGW_FE_FLUSH:
  case PGW_FE_FUNCTION_CALL:
  case PGW_FE_PARSE:
  case PGW_FE_PASSWORD:
  case PGW_FE_QUERY:
  case PGW_FE_SYNC:
  case PGW_FE_TERMINATE:
    return true;
  default:
    return false;
  }
}

/* Checks the declared length against what the code allows, so that a bad packet is refused as
 * soon as its first 8 bytes are in rather than after waiting for a body that may never come. */
static pgw_rc classify_startup(uint32_t code, uint32_t declared, pgw_msg_kind *kind) {
  switch (code) {
  case PGW_CODE_SSLREQ:
    *kind = PGW_MSG_SSLREQ;
    return declared == STARTUP_HDR ? PGW_OK : PGW_EPROTO;
  case PGW_CODE_GSSENCREQ:
    *kind = PGW_MSG_GSSENCREQ;
    return declared == STARTUP_HDR ? PGW_OK : PGW_EPROTO;
  case PGW_CODE_CANCEL:
    *kind = PGW_MSG_CANCEL;
    /* pid + key */
    return declared >= STARTUP_HDR + 4 + PGW_CANCEL_KEY_MIN &&
                   declared <= STARTUP_HDR + 4 + PGW_CANCEL_KEY_MAX
               ? PGW_OK
               : PGW_EPROTO;
  default:
    break;
  }
  if ((code >> 16) != 3)
    return PGW_EPROTO; /* protocol 2 is gone since PostgreSQL 14; other codes are unknown */
  *kind = PGW_MSG_STARTUP;
  /* At least the terminating NUL of the parameter list. */
  return declared > STARTUP_HDR ? PGW_OK : PGW_EPROTO;
}

static pgw_rc frame_startup(const uint8_t *buf, size_t len, uint32_t max_len, pgw_msg *msg,
                            size_t *consumed) {
  if (len < 4)
    return PGW_NEED_MORE;
  uint32_t declared = pgw__be32(buf);
  if (declared < STARTUP_HDR)
    return PGW_EPROTO;
  if (declared > max_len)
    return PGW_ETOOBIG;
  if (len < STARTUP_HDR)
    return PGW_NEED_MORE;
  uint32_t code = pgw__be32(buf + 4);
  pgw_msg_kind kind;
  pgw_rc rc = classify_startup(code, declared, &kind);
  if (rc != PGW_OK)
    return rc;
  if (len < declared)
    return PGW_NEED_MORE;
  msg->kind = kind;
  msg->type = 0;
  msg->code = code;
  msg->len = declared - STARTUP_HDR;
  msg->body = msg->len > 0 ? buf + STARTUP_HDR : NULL;
  *consumed = declared;
  return PGW_OK;
}

static pgw_rc frame_typed(const uint8_t *buf, size_t len, uint32_t max_len, pgw_msg *msg,
                          size_t *consumed) {
  if (len < 1)
    return PGW_NEED_MORE;
  if (!known_type(buf[0]))
    return PGW_EPROTO;
  if (len < TYPED_HDR)
    return PGW_NEED_MORE;
  uint32_t declared = pgw__be32(buf + 1);
  if (declared < 4)
    return PGW_EPROTO;
  if (declared > max_len)
    return PGW_ETOOBIG;
  if (len - 1 < declared)
    return PGW_NEED_MORE;
  msg->kind = PGW_MSG_TYPED;
  msg->type = buf[0];
  msg->code = 0;
  msg->len = declared - 4;
  msg->body = msg->len > 0 ? buf + TYPED_HDR : NULL;
  *consumed = (size_t)declared + 1;
  return PGW_OK;
}

pgw_rc pgw_decode_frontend(const uint8_t *buf, size_t len, pgw_phase phase, uint32_t max_len,
                           pgw_msg *msg, size_t *consumed) {
  if (buf == NULL && len > 0)
    return PGW_EPROTO;
  if (phase == PGW_PHASE_STARTUP)
    return frame_startup(buf, len, max_len, msg, consumed);
  return frame_typed(buf, len, max_len, msg, consumed);
}

static void remember(pgw_startup *out, const pgw_kv *kv) {
  static const struct {
    const char *name;
    size_t field;
  } known[] = {
      {"user", offsetof(pgw_startup, user)},
      {"database", offsetof(pgw_startup, database)},
      {"options", offsetof(pgw_startup, options)},
      {"application_name", offsetof(pgw_startup, application_name)},
  };
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    if (strcmp(kv->name.ptr, known[i].name) == 0) {
      /* A repeated name: the last one wins, as in PostgreSQL's ProcessStartupPacket. */
      *(pgw_str *)((char *)out + known[i].field) = kv->value;
      return;
    }
  }
}

pgw_rc pgw_decode_startup(const pgw_msg *m, pgw_startup *out) {
  if (m->kind != PGW_MSG_STARTUP)
    return PGW_EPROTO;
  memset(out, 0, sizeof *out);
  out->major = (uint16_t)(m->code >> 16);
  out->minor = (uint16_t)(m->code & 0xffff);
  pgw__rd r;
  pgw__rd_init(&r, m->body, m->len);
  for (;;) {
    pgw_kv kv;
    if (!pgw__rd_cstr(&r, &kv.name.ptr, &kv.name.len))
      return PGW_EPROTO; /* list not terminated inside the packet */
    if (kv.name.len == 0)
      break; /* the terminator, which must be the packet's last byte */
    if (!pgw__rd_cstr(&r, &kv.value.ptr, &kv.value.len))
      return PGW_EPROTO; /* a name without a value */
    if (out->nparams == PGW_STARTUP_MAX_PARAMS)
      return PGW_ETOOBIG;
    out->params[out->nparams++] = kv;
    remember(out, &kv);
  }
  if (!pgw__rd_end(&r))
    return PGW_EPROTO;
  if (out->user.ptr == NULL || out->user.len == 0)
    return PGW_EPROTO;
  return PGW_OK;
}

pgw_rc pgw_decode_cancel(const pgw_msg *m, pgw_cancel *out) {
  if (m->kind != PGW_MSG_CANCEL)
    return PGW_EPROTO;
  pgw__rd r;
  pgw__rd_init(&r, m->body, m->len);
  int32_t pid;
  if (!pgw__rd_i32(&r, &pid))
    return PGW_EPROTO;
  size_t key_len = pgw__rd_left(&r);
  if (key_len < PGW_CANCEL_KEY_MIN || key_len > PGW_CANCEL_KEY_MAX)
    return PGW_EPROTO;
  out->pid = pid;
  out->key_len = key_len;
  return pgw__rd_bytes(&r, key_len, &out->key) ? PGW_OK : PGW_EPROTO;
}
