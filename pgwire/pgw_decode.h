/* pgw_decode.h — sans-I/O decoder of PostgreSQL v3 frontend messages.
 *
 * Two steps, both pure functions over bytes:
 *  1. pgw_decode_frontend frames one message out of whatever bytes have arrived so far and says
 *     PGW_OK (one whole message, *consumed bytes), PGW_NEED_MORE (call again with more bytes),
 *     PGW_EPROTO (malformed: close the connection with SQLSTATE 08P01) or PGW_ETOOBIG (the
 *     declared length exceeds the caller's limit — reported as soon as the length is readable,
 *     before any body byte is awaited).
 *  2. A per-type pgw_decode_* function checks the body completely (every count and length
 *     against the body, every string's NUL inside the body, nothing left over) and fills a plain
 *     struct whose strings and byte ranges are borrowed views into the caller's buffer: they are
 *     valid as long as the bytes passed to pgw_decode_frontend are (for a pgw_buf: until the next
 *     call that may move its data, see pgw_buf.h).
 *
 * Message formats follow the PostgreSQL documentation, "Frontend/Backend Protocol" —
 * "Message Formats" (https://www.postgresql.org/docs/current/protocol-message-formats.html).
 */
#ifndef PGW_DECODE_H
#define PGW_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pgw_rc.h"

/* What the connection expects next: before the startup packet nothing is typed. */
typedef enum {
  PGW_PHASE_STARTUP, /* StartupMessage, SSLRequest, GSSENCRequest or CancelRequest */
  PGW_PHASE_NORMAL,  /* type byte + length + body */
} pgw_phase;

typedef enum {
  PGW_MSG_STARTUP,   /* StartupMessage, protocol 3.x (any minor version) */
  PGW_MSG_SSLREQ,    /* SSLRequest: answer one byte, 'S' or 'N' */
  PGW_MSG_GSSENCREQ, /* GSSENCRequest: answer one byte, 'G' or 'N' */
  PGW_MSG_CANCEL,    /* CancelRequest */
  PGW_MSG_TYPED,     /* a normal-phase message; see pgw_msg.type */
} pgw_msg_kind;

/* Request codes of the startup phase (a fake protocol version 1234.5678 etc.). */
#define PGW_CODE_CANCEL    80877102u
#define PGW_CODE_SSLREQ    80877103u
#define PGW_CODE_GSSENCREQ 80877104u

/* Type bytes of the frontend messages this decoder accepts in the normal phase. */
typedef enum {
  PGW_FE_BIND = 'B',
  PGW_FE_CLOSE = 'C',
  PGW_FE_COPY_DATA = 'd',
  PGW_FE_COPY_DONE = 'c',
  PGW_FE_COPY_FAIL = 'f',
  PGW_FE_DESCRIBE = 'D',
  PGW_FE_EXECUTE = 'E',
  PGW_FE_FLUSH = 'H',
  PGW_FE_FUNCTION_CALL = 'F', /* recognised only, so that the proxy can refuse it */
  PGW_FE_PARSE = 'P',
  PGW_FE_PASSWORD = 'p', /* PasswordMessage, SASLInitialResponse, SASLResponse, GSSResponse */
  PGW_FE_QUERY = 'Q',
  PGW_FE_SYNC = 'S',
  PGW_FE_TERMINATE = 'X',
} pgw_fe_type;

typedef struct pgw_msg {
  pgw_msg_kind kind;
  uint8_t type;        /* PGW_MSG_TYPED: the type byte (a pgw_fe_type); otherwise 0 */
  uint32_t code;       /* startup phase: the protocol version or request code; otherwise 0 */
  const uint8_t *body; /* borrowed: after the length (and the startup code); NULL if len is 0 */
  size_t len;          /* body bytes */
} pgw_msg;

/* Frames at most one message from buf[0..len). max_len bounds the declared length field (which
 * counts itself, as on the wire); PostgreSQL uses 10000 for the startup packet. On PGW_OK fills
 * *msg and sets *consumed (<= len); on any other result neither is written.
 * EPROTO: declared length < 4 (< 8 in the startup phase), unknown type byte, unknown startup
 * code or protocol major version other than 3, SSL/GSS request with a body, CancelRequest with a
 * key outside 4..256 bytes, StartupMessage without room for the terminator. */
PGW_MUSTCHECK pgw_rc pgw_decode_frontend(const uint8_t *buf, size_t len, pgw_phase phase,
                                         uint32_t max_len, pgw_msg *msg, size_t *consumed);

/* A borrowed string: ptr is NULL when absent, otherwise ptr[len] == '\0' (the NUL is in the
 * message), so ptr can be used as a C string. */
typedef struct pgw_str {
  const char *ptr;
  size_t len;
} pgw_str;

/* ---- startup phase ---- */

/* More parameters than this in one StartupMessage is refused with PGW_ETOOBIG; clients send
 * fewer than ten. */
#define PGW_STARTUP_MAX_PARAMS 64

typedef struct pgw_kv {
  pgw_str name;
  pgw_str value;
} pgw_kv;

typedef struct pgw_startup {
  uint16_t major;           /* always 3 */
  uint16_t minor;           /* may be newer than the server's: answer NegotiateProtocolVersion */
  pgw_str user;             /* never absent or empty (that is PGW_EPROTO) */
  pgw_str database;         /* absent: PostgreSQL then uses the user name */
  pgw_str options;          /* absent when not sent */
  pgw_str application_name; /* absent when not sent */
  size_t nparams;           /* every pair, the four above included, in wire order */
  pgw_kv params[PGW_STARTUP_MAX_PARAMS]; /* _pq_.* names are protocol options to negotiate */
} pgw_startup;

PGW_MUSTCHECK pgw_rc pgw_decode_startup(const pgw_msg *m, pgw_startup *out);

/* PostgreSQL 18 (protocol 3.2) allows secret keys of up to 256 bytes; 3.0 uses exactly 4. */
#define PGW_CANCEL_KEY_MIN 4
#define PGW_CANCEL_KEY_MAX 256

typedef struct pgw_cancel {
  int32_t pid;
  const uint8_t *key; /* borrowed */
  size_t key_len;     /* PGW_CANCEL_KEY_MIN..PGW_CANCEL_KEY_MAX */
} pgw_cancel;

PGW_MUSTCHECK pgw_rc pgw_decode_cancel(const pgw_msg *m, pgw_cancel *out);

/* ---- normal phase ---- */

typedef struct pgw_bytes {
  const uint8_t *ptr; /* borrowed; NULL when len is 0 */
  size_t len;
} pgw_bytes;

/* Query ('Q'). */
PGW_MUSTCHECK pgw_rc pgw_decode_query(const pgw_msg *m, pgw_str *sql);

/* Parse ('P'). */
typedef struct pgw_fe_parse {
  pgw_str name; /* "" = the unnamed statement */
  pgw_str sql;
  uint16_t nparams;          /* declared parameter types; 0 = let the server infer */
  const uint8_t *param_oids; /* borrowed: nparams big-endian uint32; use pgw_parse_param_oid */
} pgw_fe_parse;

PGW_MUSTCHECK pgw_rc pgw_decode_parse(const pgw_msg *m, pgw_fe_parse *out);
/* Type OID of parameter i (< nparams); 0 = unspecified. */
uint32_t pgw_parse_param_oid(const pgw_fe_parse *p, uint16_t i);

/* Bind ('B'). Format codes are 0 (text) or 1 (binary); anything else is PGW_EPROTO. */
typedef struct pgw_fe_bind {
  pgw_str portal;    /* "" = the unnamed portal */
  pgw_str statement; /* "" = the unnamed statement */
  uint16_t nformats; /* 0: all text; 1: one code for all; else equals nparams */
  const uint8_t *formats;
  uint16_t nparams;
  const uint8_t *params; /* borrowed: nparams (int32 length, bytes) pairs; use pgw_bind_iter */
  size_t params_len;
  uint16_t nresult_formats; /* 0: all text; 1: one code for all; else one per result column */
  const uint8_t *result_formats;
} pgw_fe_bind;

PGW_MUSTCHECK pgw_rc pgw_decode_bind(const pgw_msg *m, pgw_fe_bind *out);

/* Format code (0 or 1) of parameter i (< nparams), after the 0/1/N rule. */
int16_t pgw_bind_param_format(const pgw_fe_bind *b, uint16_t i);

/* PGW_EPROTO when the client sent several result format codes but not one per column (the
 * column count is only known once the statement is described). */
PGW_MUSTCHECK pgw_rc pgw_bind_check_result_formats(const pgw_fe_bind *b, uint16_t ncols);

/* Format code of result column col, after the 0/1/N rule; call pgw_bind_check_result_formats
 * first — a col beyond the codes sent yields 0. */
int16_t pgw_bind_result_format(const pgw_fe_bind *b, uint16_t col);

typedef struct pgw_bind_value {
  uint16_t index;
  int16_t format;     /* 0 text, 1 binary */
  bool is_null;       /* length -1 on the wire */
  const uint8_t *ptr; /* borrowed; NULL when is_null or empty */
  size_t len;
} pgw_bind_value;

typedef struct pgw_bind_iter {
  const pgw_fe_bind *bind; /* borrowed */
  uint16_t next;
  size_t pos;
} pgw_bind_iter;

/* Walks the parameter values in order; the bind was validated, so iteration cannot fail. */
void pgw_bind_iter_init(pgw_bind_iter *it, const pgw_fe_bind *b);
bool pgw_bind_iter_next(pgw_bind_iter *it, pgw_bind_value *v);

/* Describe ('D') and Close ('C'): a prepared statement or a portal, by name. */
typedef struct pgw_fe_target {
  uint8_t what; /* 'S' statement or 'P' portal; anything else is PGW_EPROTO */
  pgw_str name;
} pgw_fe_target;

PGW_MUSTCHECK pgw_rc pgw_decode_describe(const pgw_msg *m, pgw_fe_target *out);
PGW_MUSTCHECK pgw_rc pgw_decode_close(const pgw_msg *m, pgw_fe_target *out);

/* Execute ('E'). */
typedef struct pgw_fe_execute {
  pgw_str portal;
  int32_t max_rows; /* <= 0: no limit (PostgreSQL treats negative values as 0) */
} pgw_fe_execute;

PGW_MUSTCHECK pgw_rc pgw_decode_execute(const pgw_msg *m, pgw_fe_execute *out);

/* Sync, Flush, Terminate, CopyDone: the body must be empty. */
PGW_MUSTCHECK pgw_rc pgw_decode_empty(const pgw_msg *m);

/* 'p' has no sub-type on the wire: the caller knows from the authentication request it sent
 * which of these three it is. */
PGW_MUSTCHECK pgw_rc pgw_decode_password(const pgw_msg *m, pgw_str *password);

typedef struct pgw_fe_sasl_initial {
  pgw_str mechanism;
  bool has_data; /* false when the length is -1 */
  pgw_bytes data;
} pgw_fe_sasl_initial;

PGW_MUSTCHECK pgw_rc pgw_decode_sasl_initial(const pgw_msg *m, pgw_fe_sasl_initial *out);
PGW_MUSTCHECK pgw_rc pgw_decode_sasl_response(const pgw_msg *m, pgw_bytes *data);

/* CopyData ('d'): the body is the data. CopyFail ('f'): an error message. */
PGW_MUSTCHECK pgw_rc pgw_decode_copy_data(const pgw_msg *m, pgw_bytes *data);
PGW_MUSTCHECK pgw_rc pgw_decode_copy_fail(const pgw_msg *m, pgw_str *message);

#endif
