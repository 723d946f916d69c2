/*
 * auth_scram.h — the server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it,
 * as pure functions over bytes.
 *
 * No I/O, no clock, no globals: the caller passes the stored verifier, the client's SASL messages
 * and a nonce source, and gets back the server's messages or a status. The proxy wraps the output
 * in AuthenticationSASLContinue / AuthenticationSASLFinal, or turns a failure into an ErrorResponse
 * with auth_scram_sqlstate() and auth_scram_strerror().
 *
 * Exchange (one auth_scram_server per login attempt):
 *   auth_scram_server_init(s, verifier)            stored "SCRAM-SHA-256$<i>:<salt>$<SK>:<SvK>"
 *   auth_scram_server_first(s, client-first, ...)  -> server-first-message
 *   auth_scram_server_final(s, client-final, ...)  -> server-final-message ("v=...") or failure
 *   auth_scram_server_clear(s)                     wipes the keys
 * Any failure moves the exchange to a terminal failed state; later calls return AUTH_SCRAM_ESTATE.
 *
 * Channel binding: over TLS the caller advertises SCRAM-SHA-256-PLUS and starts the exchange with
 * auth_scram_server_init_plus and the tls-server-end-point data (RFC 5929: the hash of the server
 * certificate); the client's "p=tls-server-end-point" is then accepted and c= must carry that
 * data. Without it a client that requires binding ("p=...") is refused with
 * AUTH_SCRAM_ECHANNEL_BINDING, as is any other binding type. "y" (client could bind, believes
 * the server cannot) is accepted unless -PLUS was advertised, in which case "y" is a downgrade and
 * refused (RFC 5802 §6).
 *
 * Like PostgreSQL, the user name inside client-first-message is ignored (the startup packet names
 * the user); it is only checked to be a well-formed saslname.
 *
 * Ownership: everything lives in the caller-owned struct (fixed-size buffers, no allocation).
 */
#ifndef REDWIRE_AUTH_SCRAM_H
#define REDWIRE_AUTH_SCRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_SCRAM_MUSTCHECK __attribute__((warn_unused_result))

/* SHA-256 output, the size of StoredKey, ServerKey, ClientProof and ServerSignature. */
#define AUTH_SCRAM_KEY_LEN 32
/* A client message longer than this is refused: libpq's are about 100 bytes. */
#define AUTH_SCRAM_MAX_MESSAGE 1024
/* Longest decoded salt accepted from a verifier (PostgreSQL writes 16 bytes). */
#define AUTH_SCRAM_MAX_SALT 64
/* Longest channel-binding data (a SHA-512 certificate hash). */
#define AUTH_SCRAM_MAX_CBIND 64
/* Longest server nonce a nonce source may produce. */
#define AUTH_SCRAM_MAX_SERVER_NONCE 64
/* Room for any verifier this module writes: prefix, iterations, 64-byte salt, two keys. */
#define AUTH_SCRAM_VERIFIER_MAX 256
/* PostgreSQL's defaults for new verifiers. */
#define AUTH_SCRAM_DEFAULT_ITERATIONS 4096
#define AUTH_SCRAM_DEFAULT_SALT_LEN   16

typedef enum auth_scram_rc {
  AUTH_SCRAM_OK = 0,
  AUTH_SCRAM_EVERIFIER,        /* the stored verifier is not a valid SCRAM-SHA-256 secret */
  AUTH_SCRAM_ETOOLONG,         /* a client message exceeds AUTH_SCRAM_MAX_MESSAGE */
  AUTH_SCRAM_ENUL,             /* a client message contains a NUL byte */
  AUTH_SCRAM_EGS2,             /* malformed GS2 header (flag, authzid or missing commas) */
  AUTH_SCRAM_ECHANNEL_BINDING, /* client requires channel binding ("p="), which is not offered */
  AUTH_SCRAM_EDOWNGRADE,       /* client sent "y" although the server advertised -PLUS */
  AUTH_SCRAM_EAUTHZID,         /* client asked for an authorization identity ("a=") */
  AUTH_SCRAM_EEXTENSION,       /* client sent a mandatory extension ("m=") */
  AUTH_SCRAM_EATTR,            /* expected attribute missing, out of order, or malformed */
  AUTH_SCRAM_ENAME,            /* user name is not a valid saslname (bad '=' escape, ',') */
  AUTH_SCRAM_ENONCE,           /* client nonce empty or has characters outside 0x21-0x7E/',' */
  AUTH_SCRAM_EBASE64,          /* an attribute that must be base64 is not */
  AUTH_SCRAM_ECBIND_MISMATCH,  /* c= does not repeat the GS2 header of client-first-message */
  AUTH_SCRAM_ENONCE_MISMATCH,  /* r= of client-final is not the nonce the server sent */
  AUTH_SCRAM_EPROOF_LEN,       /* p= does not decode to AUTH_SCRAM_KEY_LEN bytes */
  AUTH_SCRAM_EPASSWORD,        /* the proof is wrong: wrong password */
  AUTH_SCRAM_ESTATE,           /* call out of order, or after a failure */
  AUTH_SCRAM_ENONCE_SOURCE,    /* the nonce source failed or produced an invalid nonce */
  AUTH_SCRAM_EBUFFER,          /* caller's output buffer is too small */
  AUTH_SCRAM_EINVAL,           /* bad argument: NULL pointer, zero iterations, NUL in password */
  AUTH_SCRAM_ECRYPTO,          /* OpenSSL refused a digest, HMAC, PBKDF2 or RAND call */
} auth_scram_rc;

/* A sentence fit for the M field of an ErrorResponse, e.g. "malformed SCRAM message (...)". */
const char *auth_scram_strerror(auth_scram_rc rc);

/*
 * The SQLSTATE for the ErrorResponse: "28P01" (invalid_password) for a wrong proof or an
 * unusable stored verifier, "08P01" (protocol_violation) for malformed client messages and
 * refused options, "XX000" for internal failures (crypto, buffer, state, argument).
 */
const char *auth_scram_sqlstate(auth_scram_rc rc);

/* A parsed stored verifier. */
typedef struct auth_scram_verifier {
  uint32_t iterations;
  uint8_t salt[AUTH_SCRAM_MAX_SALT];
  size_t salt_len;
  uint8_t stored_key[AUTH_SCRAM_KEY_LEN];
  uint8_t server_key[AUTH_SCRAM_KEY_LEN];
} auth_scram_verifier;

/*
 * Parses "SCRAM-SHA-256$<iterations>:<salt b64>$<StoredKey b64>:<ServerKey b64>" (PostgreSQL's
 * pg_authid.rolpassword format). Iterations are 1..2^31-1 in decimal without sign or leading
 * zeros; base64 is strict (padding required, no whitespace); keys decode to exactly 32 bytes.
 * Returns AUTH_SCRAM_EVERIFIER on any deviation.
 */
AUTH_SCRAM_MUSTCHECK auth_scram_rc auth_scram_parse_verifier(const char *s, size_t len,
                                                             auth_scram_verifier *out);

/*
 * Writes a stored verifier for password with the given salt and iteration count into out
 * (NUL-terminated; *out_len excludes the NUL). Pure: the same inputs give the same verifier.
 *
 * SASLprep (RFC 4013): for ASCII input SASLprep maps nothing, and a password with ASCII control
 * characters is rejected by SASLprep, after which PostgreSQL falls back to the raw bytes; either
 * way the bytes are used unchanged, which is what this function does. Non-ASCII passwords are
 * used as raw UTF-8 without NFKC normalisation or mapping — PostgreSQL does the same only when
 * SASLprep fails, so a non-ASCII password that SASLprep would change gets a verifier different
 * from PostgreSQL's (it still works against redwire, which built the verifier). A NUL byte in
 * password is AUTH_SCRAM_EINVAL (PostgreSQL passwords are C strings).
 */
AUTH_SCRAM_MUSTCHECK auth_scram_rc auth_scram_build_verifier(const char *password,
                                                             size_t password_len,
                                                             const uint8_t *salt, size_t salt_len,
                                                             uint32_t iterations, char *out,
                                                             size_t out_cap, size_t *out_len);

/*
 * As auth_scram_build_verifier with AUTH_SCRAM_DEFAULT_ITERATIONS and a fresh random salt of
 * AUTH_SCRAM_DEFAULT_SALT_LEN bytes from OpenSSL's RAND_bytes.
 */
AUTH_SCRAM_MUSTCHECK auth_scram_rc auth_scram_make_verifier(const char *password,
                                                            size_t password_len, char *out,
                                                            size_t out_cap, size_t *out_len);

/*
 * A verifier no password matches (random salt and random keys), in the stored format, without
 * the PBKDF2 work: what the exchange runs against for an unknown user, as PostgreSQL's mock
 * authentication, so that the exchange looks the same and costs no more than for a stored one.
 */
AUTH_SCRAM_MUSTCHECK auth_scram_rc auth_scram_mock_verifier(char *out, size_t out_cap,
                                                            size_t *out_len);

/*
 * A source of server nonces: writes between 1 and cap printable characters (0x21-0x7E except ',')
 * to out and returns how many; 0 means failure. Tests pass a fixed nonce; production passes
 * auth_scram_random_nonce.
 */
typedef size_t (*auth_scram_nonce_fn)(void *ctx, char *out, size_t cap);

/* 18 bytes of RAND_bytes, base64-encoded to 24 characters (as PostgreSQL does). ctx unused. */
size_t auth_scram_random_nonce(void *ctx, char *out, size_t cap);

typedef enum auth_scram_state {
  AUTH_SCRAM_STATE_INIT = 0,   /* verifier loaded, waiting for client-first-message */
  AUTH_SCRAM_STATE_SENT_FIRST, /* server-first-message produced, waiting for client-final */
  AUTH_SCRAM_STATE_DONE,       /* client authenticated; server-final-message produced */
  AUTH_SCRAM_STATE_FAILED,     /* terminal: authentication failed or a message was malformed */
} auth_scram_state;

/* One exchange. Treat the members as private; they are here so the struct can live on the stack
 * or inside a connection without allocation. */
typedef struct auth_scram_server {
  auth_scram_state state;
  bool plus_advertised;
  auth_scram_verifier v;
  char cbind_flag;                          /* 'n', 'y' or 'p' as sent by the client */
  uint8_t cbind_data[AUTH_SCRAM_MAX_CBIND]; /* tls-server-end-point hash; empty without -PLUS */
  size_t cbind_data_len;
  /* The GS2 header exactly as received ("n,," / "y,," / "p=tls-server-end-point,,"), which c=
   * must repeat. */
  char gs2_header[32];
  size_t gs2_header_len;
  /* AuthMessage = client-first-bare "," server-first-message "," client-final-without-proof;
   * the first two parts are kept here between the two calls. */
  char client_first_bare[AUTH_SCRAM_MAX_MESSAGE];
  size_t client_first_bare_len;
  char server_first[AUTH_SCRAM_MAX_MESSAGE + AUTH_SCRAM_MAX_SERVER_NONCE + 128];
  size_t server_first_len;
  char nonce[AUTH_SCRAM_MAX_MESSAGE + AUTH_SCRAM_MAX_SERVER_NONCE]; /* client + server nonce */
  size_t nonce_len;
} auth_scram_server;

/*
 * Starts an exchange against a stored verifier. plus_advertised: whether the server offered
 * SCRAM-SHA-256-PLUS in AuthenticationSASL (always false until redwire terminates TLS). A bad
 * verifier is AUTH_SCRAM_EVERIFIER and leaves s in the failed state.
 */
AUTH_SCRAM_MUSTCHECK auth_scram_rc auth_scram_server_init(auth_scram_server *s,
                                                          const char *verifier, size_t verifier_len,
                                                          bool plus_advertised);

/*
 * As auth_scram_server_init with SCRAM-SHA-256-PLUS advertised, binding to cbind_data (1 to
 * AUTH_SCRAM_MAX_CBIND bytes, copied): the tls-server-end-point hash of the certificate the
 * server presented on this connection.
 */
AUTH_SCRAM_MUSTCHECK auth_scram_rc auth_scram_server_init_plus(auth_scram_server *s,
                                                               const char *verifier,
                                                               size_t verifier_len,
                                                               const uint8_t *cbind_data,
                                                               size_t cbind_len);

/* After auth_scram_server_first: true when the client chose channel binding ("p="), i.e. the
 * mechanism it named must have been SCRAM-SHA-256-PLUS. */
bool auth_scram_server_bound(const auth_scram_server *s);

/*
 * Consumes client-first-message (the data of SASLInitialResponse) and writes server-first-message
 * ("r=<client nonce><server nonce>,s=<salt>,i=<iterations>") into out, NUL-terminated, with
 * *out_len its length. The server nonce comes from nonce_fn(nonce_ctx, ...).
 */
AUTH_SCRAM_MUSTCHECK auth_scram_rc auth_scram_server_first(auth_scram_server *s, const uint8_t *msg,
                                                           size_t msg_len,
                                                           auth_scram_nonce_fn nonce_fn,
                                                           void *nonce_ctx, char *out,
                                                           size_t out_cap, size_t *out_len);

/*
 * Consumes client-final-message (the data of SASLResponse), checks the channel-binding echo, the
 * nonce and the proof (constant-time), and on success writes server-final-message
 * ("v=<ServerSignature>") into out. A wrong password is AUTH_SCRAM_EPASSWORD; the caller answers
 * with an ErrorResponse, as PostgreSQL does, not with an "e=" server-final-message.
 */
AUTH_SCRAM_MUSTCHECK auth_scram_rc auth_scram_server_final(auth_scram_server *s, const uint8_t *msg,
                                                           size_t msg_len, char *out,
                                                           size_t out_cap, size_t *out_len);

/* Wipes the keys and messages; s is unusable until the next auth_scram_server_init. */
void auth_scram_server_clear(auth_scram_server *s);

#endif
