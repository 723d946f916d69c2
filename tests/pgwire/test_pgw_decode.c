/* Frontend decoder: every vector is fed whole, byte by byte and split at every offset (pgwt_feed)
 * and must decode to the same messages, consumed total and final status.
 *
 * Vectors marked "libpq 15" were captured from libpq 15 talking to PostgreSQL 15 on this machine
 * (PQconnectdb + PQexecParams through a logging relay). The others are built by hand from the
 * PostgreSQL 15 documentation, "Message Formats" (protocol-message-formats.html), and for the
 * 3.2 cancel key, the PostgreSQL 18 documentation of CancelRequest/BackendKeyData.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pgw_decode.h"
#include "pgwt_feed.h"

typedef struct vec {
  const char *name;
  const char *bytes;
  size_t len;
  pgw_phase phase;
  uint32_t max_len;
  pgwt_pmode pmode;
  const char *want;
  size_t consumed;
  pgw_rc final;
  /* Bad vectors only: the framing is valid and the whole vector is one message, so the error
   * must come from the body parser (guards against a vector that fails for a wrong length). */
  bool body_error;
} vec;

/* A byte string literal and its length without the literal's own NUL. */
#define B(s) s, sizeof(s) - 1
#define ST   PGW_PHASE_STARTUP
#define NO   PGW_PHASE_NORMAL
#define PW   PGWT_P_PASSWORD
#define SI   PGWT_P_SASL_INITIAL
#define SR   PGWT_P_SASL_RESPONSE

static const vec good[] = {
    {"libpq 15: startup + PQexecParams (P B D E S) + Terminate",
     B("\0\0\0\x47\0\x03\0\0user\0postgres\0database\0postgres\0application_name\0redwire-test\0\0"
       "P\0\0\0\x25\0select $1::int4 + 1, $2::text\0\0\0"
       "B\0\0\0\x1c\0\0\0\x02\0\0\0\0\0\x02\0\0\0\x02"
       "42\xff\xff\xff\xff\0\x01\0\x01"
       "D\0\0\0\x06P\0"
       "E\0\0\0\x09\0\0\0\0\0"
       "S\0\0\0\x04"
       "X\0\0\0\x04"),
     ST, 10000, PW,
     "startup 3.0 user='postgres' database='postgres' options=- application_name='redwire-test' "
     "params=['user'='postgres','database'='postgres','application_name'='redwire-test']\n"
     "parse name='' sql='select $1::int4 + 1, $2::text' oids=[]\n"
     "bind portal='' stmt='' params=[0:text:'42',1:text:NULL] results=1[1]\n"
     "describe P ''\n"
     "execute '' max_rows=0\n"
     "S\n"
     "X\n",
     165, PGW_NEED_MORE, false},
    {"SSLRequest then StartupMessage",
     B("\0\0\0\x08\x04\xd2\x16\x2f"
       "\0\0\0\x10\0\x03\0\0user\0a\0\0"),
     ST, 10000, PW,
     "sslrequest\nstartup 3.0 user='a' database=- options=- application_name=- "
     "params=['user'='a']\n",
     24, PGW_NEED_MORE, false},
    {"GSSENCRequest", B("\0\0\0\x08\x04\xd2\x16\x30"), ST, 10000, PW, "gssencrequest\n", 8,
     PGW_NEED_MORE, false},
    {"CancelRequest, 4-byte key", B("\0\0\0\x10\x04\xd2\x16\x2e\0\0\x30\x39\xde\xad\xbe\xef"), ST,
     10000, PW, "cancel pid=12345 key='\\xde\\xad\\xbe\\xef'\n", 16, PGW_NEED_MORE, false},
    {"CancelRequest, 32-byte key (protocol 3.2)",
     B("\0\0\0\x2c\x04\xd2\x16\x2e\0\0\0\x07"
       "0123456789abcdef0123456789ABCDEF"),
     ST, 10000, PW, "cancel pid=7 key='0123456789abcdef0123456789ABCDEF'\n", 44, PGW_NEED_MORE,
     false},
    {"StartupMessage 3.2 with options and a _pq_ option",
     B("\0\0\0\x38\0\x03\0\x02user\0bob\0options\0-c search_path=x\0_pq_.foo\0bar\0\0"), ST, 10000,
     PW,
     "startup 3.2 user='bob' database=- options='-c search_path=x' application_name=- "
     "params=['user'='bob','options'='-c search_path=x','_pq_.foo'='bar']\n",
     56, PGW_NEED_MORE, false},
    {"StartupMessage, repeated name: last wins", B("\0\0\0\x17\0\x03\0\0user\0a\0user\0b\0\0"), ST,
     10000, PW,
     "startup 3.0 user='b' database=- options=- application_name=- "
     "params=['user'='a','user'='b']\n",
     23, PGW_NEED_MORE, false},
    {"Query", B("Q\0\0\0\x0dselect 1\0"), NO, 1024, PW, "query 'select 1'\n", 14, PGW_NEED_MORE,
     false},
    {"Query, empty string", B("Q\0\0\0\x05\0"), NO, 1024, PW, "query ''\n", 6, PGW_NEED_MORE,
     false},
    {"Parse with two parameter types",
     B("P\0\0\0\x1fs1\0select $1, $2\0\0\x02\0\0\0\x17\0\0\0\x19"), NO, 1024, PW,
     "parse name='s1' sql='select $1, $2' oids=[23,25]\n", 32, PGW_NEED_MORE, false},
    {"Bind: one binary format for all, an empty value, two result formats",
     B("B\0\0\0\x22p1\0s1\0\0\x01\0\x01\0\x02\0\0\0\x04\0\0\0\x07\0\0\0\0\0\x02\0\0\0\x01"), NO,
     1024, PW,
     "bind portal='p1' stmt='s1' params=[0:bin:'\\x00\\x00\\x00\\x07',1:bin:''] "
     "results=2[0,1]\n",
     35, PGW_NEED_MORE, false},
    {"Bind: per-parameter formats",
     B("B\0\0\0\x1a\0\0\0\x02\0\0\0\x01\0\x02\0\0\0\x01x\0\0\0\x01y\0\0"), NO, 1024, PW,
     "bind portal='' stmt='' params=[0:text:'x',1:bin:'y'] results=0[]\n", 27, PGW_NEED_MORE,
     false},
    {"Bind: nothing", B("B\0\0\0\x0c\0\0\0\0\0\0\0\0"), NO, 1024, PW,
     "bind portal='' stmt='' params=[] results=0[]\n", 13, PGW_NEED_MORE, false},
    {"Describe statement, Close portal, Close statement",
     B("D\0\0\0\x08Ss1\0C\0\0\0\x08Pp1\0C\0\0\0\x06S\0"), NO, 1024, PW,
     "describe S 's1'\nclose P 'p1'\nclose S ''\n", 25, PGW_NEED_MORE, false},
    {"Execute with a row limit", B("E\0\0\0\x0bp1\0\0\0\0\x64"), NO, 1024, PW,
     "execute 'p1' max_rows=100\n", 12, PGW_NEED_MORE, false},
    {"Flush, Sync, CopyDone, Terminate",
     B("H\0\0\0\x04S\0\0\0\x04"
       "c\0\0\0\x04X\0\0\0\x04"),
     NO, 1024, PW, "H\nS\nc\nX\n", 20, PGW_NEED_MORE, false},
    {"PasswordMessage (cleartext)", B("p\0\0\0\x0bsecret\0"), NO, 1024, PW, "password 'secret'\n",
     12, PGW_NEED_MORE, false},
    {"SASLInitialResponse with data", B("p\0\0\0\x21SCRAM-SHA-256\0\0\0\0\x0bn,,n=,r=abc"), NO,
     1024, SI, "sasl-initial 'SCRAM-SHA-256' 'n,,n=,r=abc'\n", 34, PGW_NEED_MORE, false},
    {"SASLInitialResponse without data (-1)", B("p\0\0\0\x16SCRAM-SHA-256\0\xff\xff\xff\xff"), NO,
     1024, SI, "sasl-initial 'SCRAM-SHA-256' no-data\n", 23, PGW_NEED_MORE, false},
    {"SASLResponse",
     B("p\0\0\0\x0a"
       "c=biws"),
     NO, 1024, SR, "sasl-response 'c=biws'\n", 11, PGW_NEED_MORE, false},
    {"CopyData",
     B("d\0\0\0\x07"
       "1\t2"),
     NO, 1024, PW, "copy-data '1\\x092'\n", 8, PGW_NEED_MORE, false},
    {"CopyData, empty", B("d\0\0\0\x04"), NO, 1024, PW, "copy-data ''\n", 5, PGW_NEED_MORE, false},
    {"CopyFail",
     B("f\0\0\0\x0d"
       "bad row!\0"),
     NO, 1024, PW, "copy-fail 'bad row!'\n", 14, PGW_NEED_MORE, false},
    {"FunctionCall is recognised", B("F\0\0\0\x08\0\0\0\x01"), NO, 1024, PW,
     "function-call len=4\n", 9, PGW_NEED_MORE, false},
    {"a whole message then half of the next", B("S\0\0\0\x04Q\0\0"), NO, 1024, PW, "S\n", 5,
     PGW_NEED_MORE, false},
    {"a message exactly at max_len",
     B("Q\0\0\0\x08"
       "abc\0"),
     NO, 8, PW, "query 'abc'\n", 9, PGW_NEED_MORE, false},
};

static const vec bad[] = {
    {"typed: length 3", B("Q\0\0\0\x03"), NO, 1024, PW, "", 0, PGW_EPROTO, false},
    {"typed: length 0 after a good message", B("S\0\0\0\x04S\0\0\0\0"), NO, 1024, PW, "S\n", 5,
     PGW_EPROTO, false},
    {"typed: over max_len, header only", B("Q\0\x10\0\0"), NO, 1024, PW, "", 0, PGW_ETOOBIG, false},
    {"typed: one over max_len",
     B("Q\0\0\0\x09"
       "abcd\0"),
     NO, 8, PW, "", 0, PGW_ETOOBIG, false},
    {"typed: unknown type byte", B("Z\0\0\0\x04"), NO, 1024, PW, "", 0, PGW_EPROTO, false},
    {"typed: a startup packet in the normal phase", B("\0\0\0\x08\x04\xd2\x16\x2f"), NO, 1024, PW,
     "", 0, PGW_EPROTO, false},
    {"Query: missing NUL",
     B("Q\0\0\0\x08"
       "abcd"),
     NO, 1024, PW, "", 0, PGW_EPROTO, true},
    {"Query: trailing byte",
     B("Q\0\0\0\x09"
       "abc\0x"),
     NO, 1024, PW, "", 0, PGW_EPROTO, true},
    {"Parse: count 0xffff (negative as int16)", B("P\0\0\0\x0a\0\0\xff\xff\0\0"), NO, 1024, PW, "",
     0, PGW_EPROTO, true},
    {"Parse: OIDs cut short", B("P\0\0\0\x0c\0\0\0\x02\0\0\0\x17"), NO, 1024, PW, "", 0, PGW_EPROTO,
     true},
    {"Parse: statement name without NUL",
     B("P\0\0\0\x06"
       "ab"),
     NO, 1024, PW, "", 0, PGW_EPROTO, true},
    {"Bind: truncated (value count but no value)", B("B\0\0\0\x0a\0\0\0\0\0\x01"), NO, 1024, PW, "",
     0, PGW_EPROTO, true},
    {"Bind: value longer than the body", B("B\0\0\0\x0f\0\0\0\0\0\x01\0\0\0\x09x"), NO, 1024, PW,
     "", 0, PGW_EPROTO, true},
    {"Bind: 2 format codes for 1 parameter",
     B("B\0\0\0\x15\0\0\0\x02\0\0\0\0\0\x01\0\0\0\x01x\0\0"), NO, 1024, PW, "", 0, PGW_EPROTO,
     true},
    {"Bind: format code 2", B("B\0\0\0\x0e\0\0\0\x01\0\x02\0\0\0\0"), NO, 1024, PW, "", 0,
     PGW_EPROTO, true},
    {"Bind: result format code -1", B("B\0\0\0\x0e\0\0\0\0\0\0\0\x01\xff\xff"), NO, 1024, PW, "", 0,
     PGW_EPROTO, true},
    {"Bind: value length -2", B("B\0\0\0\x10\0\0\0\0\0\x01\xff\xff\xff\xfe\0\0"), NO, 1024, PW, "",
     0, PGW_EPROTO, true},
    {"Bind: parameter count 0xffff", B("B\0\0\0\x0a\0\0\0\0\xff\xff"), NO, 1024, PW, "", 0,
     PGW_EPROTO, true},
    {"Bind: trailing byte", B("B\0\0\0\x0d\0\0\0\0\0\0\0\0z"), NO, 1024, PW, "", 0, PGW_EPROTO,
     true},
    {"Bind: result formats missing", B("B\0\0\0\x08\0\0\0\0"), NO, 1024, PW, "", 0, PGW_EPROTO,
     true},
    {"Describe: kind X", B("D\0\0\0\x06X\0"), NO, 1024, PW, "", 0, PGW_EPROTO, true},
    {"Close: empty body", B("C\0\0\0\x04"), NO, 1024, PW, "", 0, PGW_EPROTO, true},
    {"Execute: row count cut short", B("E\0\0\0\x07\0\0\0"), NO, 1024, PW, "", 0, PGW_EPROTO, true},
    {"Sync: with a body", B("S\0\0\0\x05x"), NO, 1024, PW, "", 0, PGW_EPROTO, true},
    {"SASLInitialResponse: data length -2", B("p\0\0\0\x0aM\0\xff\xff\xff\xfe"), NO, 1024, SI, "",
     0, PGW_EPROTO, true},
    {"SASLInitialResponse: data longer than the body", B("p\0\0\0\x0cM\0\0\0\0\x05xx"), NO, 1024,
     SI, "", 0, PGW_EPROTO, true},
    {"SASLInitialResponse: empty mechanism", B("p\0\0\0\x09\0\xff\xff\xff\xff"), NO, 1024, SI, "",
     0, PGW_EPROTO, true},
    {"PasswordMessage: two strings",
     B("p\0\0\0\x08"
       "a\0b\0"),
     NO, 1024, PW, "", 0, PGW_EPROTO, true},
    {"CopyFail: missing NUL", B("f\0\0\0\x05x"), NO, 1024, PW, "", 0, PGW_EPROTO, true},
    {"startup: length 3", B("\0\0\0\x03"), ST, 10000, PW, "", 0, PGW_EPROTO, false},
    {"startup: length 6 (no room for a code)", B("\0\0\0\x06\0\x03"), ST, 10000, PW, "", 0,
     PGW_EPROTO, false},
    {"startup: over max_len, length only", B("\0\0\x27\x11"), ST, 10000, PW, "", 0, PGW_ETOOBIG,
     false},
    {"startup: unknown request code 1234.5681", B("\0\0\0\x08\x04\xd2\x16\x31"), ST, 10000, PW, "",
     0, PGW_EPROTO, false},
    {"startup: protocol 2.0", B("\0\0\0\x09\0\x02\0\0\0"), ST, 10000, PW, "", 0, PGW_EPROTO, false},
    {"startup: protocol 4.0", B("\0\0\0\x09\0\x04\0\0\0"), ST, 10000, PW, "", 0, PGW_EPROTO, false},
    {"startup: SSLRequest with a body", B("\0\0\0\x09\x04\xd2\x16\x2f\0"), ST, 10000, PW, "", 0,
     PGW_EPROTO, false},
    {"startup: GSSENCRequest with a body", B("\0\0\0\x0c\x04\xd2\x16\x30\0\0\0\0"), ST, 10000, PW,
     "", 0, PGW_EPROTO, false},
    {"startup: CancelRequest with a 3-byte key", B("\0\0\0\x0f\x04\xd2\x16\x2e\0\0\0\x01xyz"), ST,
     10000, PW, "", 0, PGW_EPROTO, false},
    {"startup: CancelRequest with a 257-byte key, header only", B("\0\0\x01\x0d\x04\xd2\x16\x2e"),
     ST, 10000, PW, "", 0, PGW_EPROTO, false},
    {"startup: no parameter list at all", B("\0\0\0\x08\0\x03\0\0"), ST, 10000, PW, "", 0,
     PGW_EPROTO, false},
    {"startup: missing user", B("\0\0\0\x14\0\x03\0\0database\0d\0\0"), ST, 10000, PW, "", 0,
     PGW_EPROTO, true},
    {"startup: empty user", B("\0\0\0\x0f\0\x03\0\0user\0\0\0"), ST, 10000, PW, "", 0, PGW_EPROTO,
     true},
    {"startup: list not terminated", B("\0\0\0\x0f\0\x03\0\0user\0a\0"), ST, 10000, PW, "", 0,
     PGW_EPROTO, true},
    {"startup: name without value", B("\0\0\0\x11\0\x03\0\0user\0a\0x\0"), ST, 10000, PW, "", 0,
     PGW_EPROTO, true},
    {"startup: value without NUL", B("\0\0\0\x0e\0\x03\0\0user\0a"), ST, 10000, PW, "", 0,
     PGW_EPROTO, true},
    {"startup: byte after the terminator", B("\0\0\0\x11\0\x03\0\0user\0a\0\0z"), ST, 10000, PW, "",
     0, PGW_EPROTO, true},
    {"SSLRequest, then garbage where the startup packet goes",
     B("\0\0\0\x08\x04\xd2\x16\x2f\0\0\0\x02"), ST, 10000, PW, "sslrequest\n", 8, PGW_EPROTO,
     false},
};

static void run(const vec *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    print_message("  %s\n", t[i].name);
    if (t[i].body_error) {
      pgw_msg m;
      size_t used = 0;
      assert_int_equal(pgw_decode_frontend((const uint8_t *)t[i].bytes, t[i].len, t[i].phase,
                                           t[i].max_len, &m, &used),
                       PGW_OK);
      assert_int_equal(used, t[i].len);
    }
    pgwt_check_all_ways((const uint8_t *)t[i].bytes, t[i].len, t[i].phase, t[i].max_len, t[i].pmode,
                        t[i].want, t[i].consumed, t[i].final);
  }
}

static void test_good_vectors(void **state) {
  (void)state;
  run(good, sizeof good / sizeof good[0]);
}

static void test_bad_vectors(void **state) {
  (void)state;
  run(bad, sizeof bad / sizeof bad[0]);
}

/* The length is refused as soon as it is readable: nothing beyond the header is awaited. */
static void test_toobig_before_body(void **state) {
  (void)state;
  pgw_msg m;
  size_t used = 99;
  const uint8_t typed[] = {'Q', 0x7f, 0xff, 0xff, 0xff};
  assert_int_equal(pgw_decode_frontend(typed, 4, NO, 1 << 20, &m, &used), PGW_NEED_MORE);
  assert_int_equal(pgw_decode_frontend(typed, 5, NO, 1 << 20, &m, &used), PGW_ETOOBIG);
  const uint8_t startup[] = {0, 1, 0, 0};
  assert_int_equal(pgw_decode_frontend(startup, 3, ST, 10000, &m, &used), PGW_NEED_MORE);
  assert_int_equal(pgw_decode_frontend(startup, 4, ST, 10000, &m, &used), PGW_ETOOBIG);
  assert_int_equal(used, 99); /* untouched on failure */
}

static void test_empty_input(void **state) {
  (void)state;
  pgw_msg m;
  size_t used;
  assert_int_equal(pgw_decode_frontend(NULL, 0, NO, 1024, &m, &used), PGW_NEED_MORE);
  assert_int_equal(pgw_decode_frontend(NULL, 0, ST, 1024, &m, &used), PGW_NEED_MORE);
}

/* 64 parameters are accepted, the 65th is refused. */
static void test_startup_param_limit(void **state) {
  (void)state;
  for (int extra = 0; extra <= 1; extra++) {
    uint8_t pkt[2048];
    size_t n = 8;
    int count = PGW_STARTUP_MAX_PARAMS + extra;
    for (int i = 0; i < count; i++) {
      const char *kv = i == 0 ? "user\0u" : "k\0v";
      size_t kvlen = i == 0 ? 7 : 4;
      memcpy(pkt + n, kv, kvlen);
      n += kvlen;
    }
    pkt[n++] = 0;
    pkt[0] = 0;
    pkt[1] = 0;
    pkt[2] = (uint8_t)(n >> 8);
    pkt[3] = (uint8_t)n;
    pkt[4] = 0;
    pkt[5] = 3;
    pkt[6] = 0;
    pkt[7] = 0;
    pgw_msg m;
    size_t used;
    assert_int_equal(pgw_decode_frontend(pkt, n, ST, 10000, &m, &used), PGW_OK);
    assert_int_equal(used, n);
    pgw_startup st;
    assert_int_equal(pgw_decode_startup(&m, &st), extra ? PGW_ETOOBIG : PGW_OK);
    if (!extra) {
      assert_int_equal(st.nparams, PGW_STARTUP_MAX_PARAMS);
      assert_string_equal(st.user.ptr, "u");
    }
  }
}

/* The 0/1/N rule for parameter formats and the column check for result formats. */
static void test_bind_format_rules(void **state) {
  (void)state;
  static const uint8_t one_binary[] =
      "B\0\0\0\x1a\0\0\0\x01\0\x01\0\x02\0\0\0\x01x\0\0\0\x01y\0\x01\0\x01";
  pgw_msg m;
  size_t used;
  pgw_fe_bind b;
  assert_int_equal(pgw_decode_frontend(one_binary, sizeof one_binary - 1, NO, 1024, &m, &used),
                   PGW_OK);
  assert_int_equal(pgw_decode_bind(&m, &b), PGW_OK);
  assert_int_equal(pgw_bind_param_format(&b, 0), 1);
  assert_int_equal(pgw_bind_param_format(&b, 1), 1);
  /* One result code applies to any number of columns. */
  assert_int_equal(pgw_bind_check_result_formats(&b, 7), PGW_OK);
  assert_int_equal(pgw_bind_result_format(&b, 6), 1);

  static const uint8_t three[] = "B\0\0\0\x12\0\0\0\0\0\0\0\x03\0\x01\0\0\0\x01";
  assert_int_equal(pgw_decode_frontend(three, sizeof three - 1, NO, 1024, &m, &used), PGW_OK);
  assert_int_equal(pgw_decode_bind(&m, &b), PGW_OK);
  assert_int_equal(pgw_bind_param_format(&b, 0), 0); /* no codes: text */
  assert_int_equal(pgw_bind_check_result_formats(&b, 3), PGW_OK);
  assert_int_equal(pgw_bind_check_result_formats(&b, 2), PGW_EPROTO);
  assert_int_equal(pgw_bind_result_format(&b, 0), 1);
  assert_int_equal(pgw_bind_result_format(&b, 1), 0);
  assert_int_equal(pgw_bind_result_format(&b, 2), 1);
}

/* A parser given the wrong message refuses it instead of misreading it. */
static void test_parser_type_mismatch(void **state) {
  (void)state;
  static const uint8_t q[] = "Q\0\0\0\x05\0";
  pgw_msg m;
  size_t used;
  assert_int_equal(pgw_decode_frontend(q, sizeof q - 1, NO, 1024, &m, &used), PGW_OK);
  pgw_fe_bind b;
  pgw_fe_parse p;
  pgw_fe_execute e;
  pgw_fe_target t;
  pgw_startup st;
  pgw_cancel c;
  pgw_str s;
  pgw_bytes d;
  pgw_fe_sasl_initial si;
  assert_int_equal(pgw_decode_bind(&m, &b), PGW_EPROTO);
  assert_int_equal(pgw_decode_parse(&m, &p), PGW_EPROTO);
  assert_int_equal(pgw_decode_execute(&m, &e), PGW_EPROTO);
  assert_int_equal(pgw_decode_describe(&m, &t), PGW_EPROTO);
  assert_int_equal(pgw_decode_close(&m, &t), PGW_EPROTO);
  assert_int_equal(pgw_decode_startup(&m, &st), PGW_EPROTO);
  assert_int_equal(pgw_decode_cancel(&m, &c), PGW_EPROTO);
  assert_int_equal(pgw_decode_password(&m, &s), PGW_EPROTO);
  assert_int_equal(pgw_decode_sasl_initial(&m, &si), PGW_EPROTO);
  assert_int_equal(pgw_decode_sasl_response(&m, &d), PGW_EPROTO);
  assert_int_equal(pgw_decode_copy_data(&m, &d), PGW_EPROTO);
  assert_int_equal(pgw_decode_copy_fail(&m, &s), PGW_EPROTO);
  assert_int_equal(pgw_decode_empty(&m), PGW_EPROTO);
  assert_int_equal(pgw_decode_query(&m, &s), PGW_OK);
}

/* Borrowed views point into the caller's bytes, not into copies. */
static void test_views_borrow_input(void **state) {
  (void)state;
  static const uint8_t q[] = "Q\0\0\0\x0dselect 1\0";
  pgw_msg m;
  size_t used;
  pgw_str s;
  assert_int_equal(pgw_decode_frontend(q, sizeof q - 1, NO, 1024, &m, &used), PGW_OK);
  assert_ptr_equal(m.body, q + 5);
  assert_int_equal(pgw_decode_query(&m, &s), PGW_OK);
  assert_ptr_equal(s.ptr, (const char *)q + 5);
  assert_int_equal(s.len, 8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_vectors),         cmocka_unit_test(test_bad_vectors),
      cmocka_unit_test(test_toobig_before_body),   cmocka_unit_test(test_empty_input),
      cmocka_unit_test(test_startup_param_limit),  cmocka_unit_test(test_bind_format_rules),
      cmocka_unit_test(test_parser_type_mismatch), cmocka_unit_test(test_views_borrow_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
