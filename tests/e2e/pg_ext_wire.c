/* pg_ext_wire — extended-protocol message sequences sent raw, with a transcript of the answers.
 *
 *   pg_ext_wire HOST PORT USER PASSWORD
 *
 * Runs a fixed list of scenarios (Parse/Bind/Describe/Execute/Close/Sync/Flush in the orders
 * drivers send them, row limits, errors and their skipping to Sync, implicit and explicit
 * transactions between Syncs) on one connection and prints one line per scenario: the backend
 * messages in order, compactly (see render()). e2e_ext.sh runs it against redwire and against
 * the PostgreSQL behind the emulator and diffs the two transcripts, so every line is checked
 * against what PostgreSQL itself answers. Exit status 0 when every scenario got its
 * ReadyForQuery answers; the comparison is the script's. */
#include "e2e_wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XW_TIMEOUT_MS 30000

/* ---- message builders: append one frontend message to a buffer ---- */

typedef struct xbuf {
  uint8_t b[8192];
  size_t n;
  int syncs; /* Sync messages: one ReadyForQuery each */
} xbuf;

static void put_u8(xbuf *x, uint8_t v) {
  x->b[x->n++] = v;
}
static void put_u16(xbuf *x, uint16_t v) {
  put_u8(x, (uint8_t)(v >> 8));
  put_u8(x, (uint8_t)v);
}
static void put_u32(xbuf *x, uint32_t v) {
  ew_put_u32(x->b + x->n, v);
  x->n += 4;
}
static void put_str(xbuf *x, const char *s) {
  size_t l = strlen(s) + 1;
  memcpy(x->b + x->n, s, l);
  x->n += l;
}
static size_t begin(xbuf *x, char type) {
  put_u8(x, (uint8_t)type);
  size_t at = x->n;
  put_u32(x, 0);
  return at;
}
static void end(xbuf *x, size_t at) {
  ew_put_u32(x->b + at, (uint32_t)(x->n - at));
}

static void parse(xbuf *x, const char *name, const char *sql) {
  size_t at = begin(x, 'P');
  put_str(x, name);
  put_str(x, sql);
  put_u16(x, 0);
  end(x, at);
}
/* Bind without parameters; rfmt < 0: no result format codes, else one code for all. */
static void bind(xbuf *x, const char *portal, const char *stmt, int rfmt) {
  size_t at = begin(x, 'B');
  put_str(x, portal);
  put_str(x, stmt);
  put_u16(x, 0); /* parameter format codes */
  put_u16(x, 0); /* parameters */
  if (rfmt < 0) {
    put_u16(x, 0);
  } else {
    put_u16(x, 1);
    put_u16(x, (uint16_t)rfmt);
  }
  end(x, at);
}
/* Bind without parameters and with n result format codes. */
static void bind_formats(xbuf *x, const char *portal, const char *stmt, uint16_t n,
                         const int16_t *codes) {
  size_t at = begin(x, 'B');
  put_str(x, portal);
  put_str(x, stmt);
  put_u16(x, 0);
  put_u16(x, 0);
  put_u16(x, n);
  for (uint16_t i = 0; i < n; i++) {
    put_u16(x, (uint16_t)codes[i]);
  }
  end(x, at);
}
/* Parse with declared parameter types. */
static void parse_typed(xbuf *x, const char *name, const char *sql, uint16_t n,
                        const uint32_t *oids) {
  size_t at = begin(x, 'P');
  put_str(x, name);
  put_str(x, sql);
  put_u16(x, n);
  for (uint16_t i = 0; i < n; i++) {
    put_u32(x, oids[i]);
  }
  end(x, at);
}
/* Bind with n text parameters (NULL pointer: SQL NULL) and one result format for all (rfmt). */
static void bind_text(xbuf *x, const char *portal, const char *stmt, uint16_t n,
                      const char *const *vals, int rfmt) {
  size_t at = begin(x, 'B');
  put_str(x, portal);
  put_str(x, stmt);
  put_u16(x, 0); /* all parameters in text */
  put_u16(x, n);
  for (uint16_t i = 0; i < n; i++) {
    if (vals[i] == NULL) {
      put_u32(x, 0xffffffffu);
    } else {
      put_u32(x, (uint32_t)strlen(vals[i]));
      memcpy(x->b + x->n, vals[i], strlen(vals[i]));
      x->n += strlen(vals[i]);
    }
  }
  put_u16(x, rfmt < 0 ? 0 : 1);
  if (rfmt >= 0) {
    put_u16(x, (uint16_t)rfmt);
  }
  end(x, at);
}
/* Bind with one binary int8 parameter. */
static void bind_int8(xbuf *x, int64_t v) {
  size_t at = begin(x, 'B');
  put_str(x, "");
  put_str(x, "");
  put_u16(x, 1);
  put_u16(x, 1);
  put_u16(x, 1);
  put_u32(x, 8);
  put_u32(x, (uint32_t)((uint64_t)v >> 32));
  put_u32(x, (uint32_t)v);
  put_u16(x, 0);
  end(x, at);
}
static void describe(xbuf *x, char what, const char *name) {
  size_t at = begin(x, 'D');
  put_u8(x, (uint8_t)what);
  put_str(x, name);
  end(x, at);
}
static void execute(xbuf *x, const char *portal, uint32_t max_rows) {
  size_t at = begin(x, 'E');
  put_str(x, portal);
  put_u32(x, max_rows);
  end(x, at);
}
static void close_(xbuf *x, char what, const char *name) {
  size_t at = begin(x, 'C');
  put_u8(x, (uint8_t)what);
  put_str(x, name);
  end(x, at);
}
static void sync(xbuf *x) {
  end(x, begin(x, 'S'));
  x->syncs++;
}
static void flush(xbuf *x) {
  end(x, begin(x, 'H'));
}
static void query(xbuf *x, const char *sql) {
  size_t at = begin(x, 'Q');
  put_str(x, sql);
  end(x, at);
  x->syncs++;
}

/* Parse + Bind + Describe(portal) + Execute + Sync of the unnamed statement: what libpq's
 * PQexecParams sends. */
static void simple_ext(xbuf *x, const char *sql) {
  parse(x, "", sql);
  bind(x, "", "", -1);
  describe(x, 'P', "");
  execute(x, "", 0);
  sync(x);
}

/* ---- transcript ---- */

static uint16_t get_u16(const uint8_t *p) {
  return (uint16_t)(p[0] << 8 | p[1]);
}

/* One backend message, compactly: T[name:oid:format,...] t[oid,...] D[v|v] (NULL as ~),
 * C<tag> E<sqlstate> Z<status> S<name=value>, and the acknowledgements by their type byte
 * (1 2 3 n s I). NoticeResponse is left out (PostgreSQL may send notices redwire does not get
 * from the Data API). */
static void render(const ew_msg *m, FILE *out) {
  const uint8_t *p = m->buf;
  switch (m->type) {
  case 'T': {
    uint16_t n = get_u16(p);
    const uint8_t *q = p + 2;
    fputs("T[", out);
    for (uint16_t i = 0; i < n; i++) {
      size_t l = strlen((const char *)q);
      uint32_t oid = ew_get_u32(q + l + 1 + 6);
      uint16_t fmt = get_u16(q + l + 1 + 16);
      fprintf(out, "%s%s:%u:%u", i > 0 ? "," : "", (const char *)q, oid, fmt);
      q += l + 1 + 18;
    }
    fputs("] ", out);
    break;
  }
  case 't': {
    uint16_t n = get_u16(p);
    fputs("t[", out);
    for (uint16_t i = 0; i < n; i++) {
      fprintf(out, "%s%u", i > 0 ? "," : "", ew_get_u32(p + 2 + 4 * i));
    }
    fputs("] ", out);
    break;
  }
  case 'D': {
    uint16_t n = get_u16(p);
    const uint8_t *q = p + 2;
    fputs("D[", out);
    for (uint16_t i = 0; i < n; i++) {
      int32_t l = (int32_t)ew_get_u32(q);
      q += 4;
      fputs(i > 0 ? "|" : "", out);
      bool printable = true;
      for (int32_t k = 0; k < l; k++) {
        printable = printable && q[k] >= 0x20 && q[k] < 0x7f;
      }
      if (l < 0) {
        fputs("~", out);
      } else if (printable) {
        fwrite(q, 1, (size_t)l, out);
      } else {
        fputs("0x", out); /* binary fields in hex */
        for (int32_t k = 0; k < l; k++) {
          fprintf(out, "%02x", q[k]);
        }
      }
      q += l > 0 ? l : 0;
    }
    fputs("] ", out);
    break;
  }
  case 'C':
    fprintf(out, "C<%s> ", (const char *)p);
    break;
  case 'E': {
    ew_error e = {0};
    ew_parse_error(m, &e);
    fprintf(out, "E<%s> ", e.sqlstate);
    break;
  }
  case 'Z':
    fprintf(out, "Z%c ", p[0]);
    break;
  case 'S':
    fprintf(out, "S<%s=%s> ", (const char *)p, (const char *)p + strlen((const char *)p) + 1);
    break;
  case 'N':
    break;
  default:
    fprintf(out, "%c ", m->type);
    break;
  }
}

/* Sends x and prints the answers up to its last ReadyForQuery as line `name`. */
static bool run(int fd, ew_msg *m, const char *name, const xbuf *x) {
  printf("%s: ", name);
  if (ew_send(fd, x->b, x->n) != EW_OK) {
    printf("<send failed>\n");
    return false;
  }
  long deadline = ew_now_ms() + XW_TIMEOUT_MS;
  for (int z = 0; z < x->syncs;) {
    ew_rc rc = ew_read_msg(fd, m, deadline);
    if (rc != EW_OK) {
      printf("<read failed: %d>\n", (int)rc);
      return false;
    }
    render(m, stdout);
    if (m->type == 'Z') {
      z++;
    }
  }
  printf("\n");
  fflush(stdout);
  return true;
}

#define SCENARIO(label, ...)                                                                       \
  do {                                                                                             \
    xbuf x_ = {.n = 0};                                                                            \
    xbuf *x = &x_;                                                                                 \
    __VA_ARGS__;                                                                                   \
    ok = run(fd, m, label, x) && ok;                                                               \
  } while (0)

/* The sequences e2e_ext counts Data API calls for, one per connection (see e2e_ext.sh). */
static bool call_sequence(int fd, ew_msg *m, const char *which) {
  xbuf x_ = {.n = 0};
  xbuf *x = &x_;
  const char *five = "select g from generate_series(1, 5) g";
  if (strcmp(which, "describe-stmt") == 0) {
    parse(x, "s", five);
    describe(x, 'S', "s");
    sync(x);
  } else if (strcmp(which, "describe-stmt-twice") == 0) {
    parse(x, "s", five);
    describe(x, 'S', "s");
    sync(x);
    describe(x, 'S', "s");
    sync(x);
  } else if (strcmp(which, "exec-params") == 0) {
    simple_ext(x, five);
  } else if (strcmp(which, "describe-flush-execute") == 0) {
    parse(x, "", five);
    bind(x, "", "", -1);
    describe(x, 'P', "");
    flush(x);
    execute(x, "", 0);
    sync(x);
  } else if (strcmp(which, "row-limit") == 0) {
    parse(x, "", five);
    bind(x, "p", "", -1);
    execute(x, "p", 2);
    execute(x, "p", 2);
    execute(x, "p", 0);
    sync(x);
  } else if (strcmp(which, "pipeline-two") == 0) {
    parse(x, "", "select 1");
    bind(x, "", "", -1);
    execute(x, "", 0);
    bind(x, "", "", -1);
    execute(x, "", 0);
    sync(x);
  } else {
    fprintf(stderr, "pg_ext_wire: no call sequence %s\n", which);
    return false;
  }
  return run(fd, m, which, x);
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: pg_ext_wire HOST PORT USER PASSWORD [CALL-SEQUENCE]\n");
    return 2;
  }
  ew_target t = {.host = argv[1], .port = argv[2], .user = argv[3], .password = argv[4]};
  int fd = ew_connect(&t);
  if (fd < 0) {
    return 1;
  }
  ew_msg *m = malloc(sizeof(*m));
  if (m == NULL || ew_login(fd, &t, m, false) != EW_OK) {
    return 1;
  }
  if (argc == 6) {
    bool done = call_sequence(fd, m, argv[5]);
    free(m);
    return done ? 0 : 1;
  }
  bool ok = true;
  const char *five = "select g, g * 2 as d from generate_series(1, 5) g";

  /* libpq's PQexecParams: Describe(portal) right before its Execute. */
  SCENARIO("unnamed", simple_ext(x, "select 1 as a, 'x'::text as b, null::int8 as c"));
  SCENARIO("unnamed-rows", simple_ext(x, five));
  SCENARIO("empty", simple_ext(x, ""));
  SCENARIO("ddl", simple_ext(x, "create temp table xw_t (a int, b text)"));
  SCENARIO("dml", simple_ext(x, "insert into xw_t values (1, 'one'), (2, 'two')"));
  SCENARIO("dml-count", simple_ext(x, "update xw_t set b = b || '!' where a > 0"));
  /* PQprepare, PQdescribePrepared, PQexecPrepared (pgbench -M prepared, psycopg). */
  SCENARIO("prepare", parse(x, "s1", five); sync(x));
  SCENARIO("describe-stmt", describe(x, 'S', "s1"); sync(x));
  SCENARIO("describe-stmt-again", describe(x, 'S', "s1"); sync(x));
  SCENARIO("exec-prepared", bind(x, "", "s1", 0); describe(x, 'P', ""); execute(x, "", 0); sync(x));
  SCENARIO("describe-stmt-ddl", parse(x, "s2", "create temp table xw_u (a int)");
           describe(x, 'S', "s2"); sync(x));
  SCENARIO("describe-stmt-show", parse(x, "s3", "show DateStyle"); describe(x, 'S', "s3"); sync(x));
  SCENARIO("describe-stmt-values", parse(x, "", "values (1, 'a'), (2, 'b')"); describe(x, 'S', "");
           bind(x, "", "", -1); execute(x, "", 0); sync(x));
  /* Row limits: PortalSuspended and resumption, in one implicit transaction. */
  SCENARIO("row-limit", bind(x, "p1", "s1", -1); execute(x, "p1", 2); execute(x, "p1", 2);
           execute(x, "p1", 2); execute(x, "p1", 2); sync(x));
  /* Across result pages (the emulator pages at 5000 rows): the rows beyond each limit are held
   * for the next Execute, which then continues with the following page. */
  SCENARIO("row-limit-pages", parse(x, "", "select g from generate_series(1, 12000) g");
           bind(x, "big", "", -1); execute(x, "big", 5001); execute(x, "big", 5001);
           execute(x, "big", 5001); execute(x, "big", 5001); sync(x));
  SCENARIO("row-limit-exact", parse(x, "", "select g from generate_series(1, 3) g");
           bind(x, "", "", -1); execute(x, "", 3); execute(x, "", 3); sync(x));
  SCENARIO("describe-then-limit", bind(x, "p2", "s1", -1); describe(x, 'P', "p2");
           execute(x, "p2", 2); execute(x, "p2", 0); sync(x));
  /* Describe(portal) not followed by its Execute: a Flush between them. */
  SCENARIO("describe-flush-execute", bind(x, "", "s1", -1); describe(x, 'P', ""); flush(x);
           execute(x, "", 0); sync(x));
  SCENARIO("describe-alone-dml", parse(x, "", "insert into xw_t values (3, 'three')");
           bind(x, "", "", -1); describe(x, 'P', ""); flush(x); execute(x, "", 0); sync(x));
  SCENARIO("count-after", simple_ext(x, "select count(*) from xw_t"));
  /* Pipelines: several statements before one Sync share a transaction. */
  SCENARIO("pipeline", parse(x, "i", "insert into xw_t values (10, 'p')"); bind(x, "", "i", -1);
           execute(x, "", 0); bind(x, "", "i", -1); execute(x, "", 0);
           parse(x, "", "select count(*) from xw_t"); bind(x, "", "", -1); describe(x, 'P', "");
           execute(x, "", 0); sync(x));
  SCENARIO("pipeline-error", bind(x, "", "i", -1); execute(x, "", 0);
           parse(x, "", "select 1 / g from generate_series(0, 1) g"); bind(x, "", "", -1);
           execute(x, "", 0); bind(x, "", "i", -1); execute(x, "", 0); sync(x));
  SCENARIO("count-after-error", simple_ext(x, "select count(*) from xw_t"));
  /* A Flush inside the pipeline (psycopg's pipeline mode) does not end the transaction. */
  SCENARIO("pipeline-flush-error", bind(x, "", "i", -1); execute(x, "", 0); flush(x);
           parse(x, "", "select 1 / g from generate_series(0, 1) g"); bind(x, "", "", -1);
           execute(x, "", 0); sync(x));
  SCENARIO("count-after-flush-error", simple_ext(x, "select count(*) from xw_t"));
  /* Explicit transaction blocks across Syncs; a failed block refuses until ROLLBACK. */
  SCENARIO("txn", simple_ext(x, "begin"); simple_ext(x, "insert into xw_t values (20, 't')");
           bind(x, "keep", "s1", -1); execute(x, "keep", 1); sync(x); execute(x, "keep", 1);
           sync(x); parse(x, "", "select 1 / g from generate_series(0, 1) g"); bind(x, "", "", -1);
           execute(x, "", 0); sync(x); simple_ext(x, "select 1"); execute(x, "keep", 1); sync(x);
           describe(x, 'S', "s1"); sync(x); describe(x, 'P', "keep"); sync(x);
           simple_ext(x, "commit"); execute(x, "keep", 1); sync(x));
  SCENARIO("count-after-txn", simple_ext(x, "select count(*) from xw_t"));
  /* Errors: each skips to the Sync. */
  SCENARIO("dup-stmt", parse(x, "s1", "select 1"); bind(x, "", "s1", -1); execute(x, "", 0);
           sync(x));
  SCENARIO("no-stmt", bind(x, "", "nope", -1); execute(x, "", 0); sync(x));
  SCENARIO("no-portal", execute(x, "nope", 0); describe(x, 'P', "nope"); sync(x));
  SCENARIO("no-stmt-describe", describe(x, 'S', "nope"); sync(x));
  SCENARIO("multi", parse(x, "", "select 1; select 2"); sync(x));
  SCENARIO("syntax", parse(x, "", "select 'unterminated"); sync(x));
  SCENARIO("run-error~", simple_ext(x, "select * from xw_no_such_table"));
  SCENARIO("dup-portal", bind(x, "pp", "s1", -1); bind(x, "pp", "s1", -1); sync(x));
  /* Parameters: text values by declared or inferred type, NULL and '' (which the Data API
   * cannot carry), binary values, a count mismatch; binary result columns. */
  static const char *const v3[] = {"41", "x", NULL};
  static const char *const v2[] = {"7", ""};
  static const char *const v2b[] = {"3", "1"};
  static const char *const hostile[] = {"'); drop table xw_t; --", "$1 :p1"};
  static const uint32_t t_int_text[] = {23, 25}, t_int_int[] = {23, 23};
  SCENARIO("params-text", parse(x, "", "select $1::int + 1 as a, $2::text as b, $3::text as c");
           bind_text(x, "", "", 3, v3, -1); describe(x, 'P', ""); execute(x, "", 0); sync(x));
  SCENARIO("params-typed", parse_typed(x, "", "select $1 as a, $2 as b", 2, t_int_text);
           describe(x, 'S', ""); bind_text(x, "", "", 2, v2, -1); describe(x, 'P', "");
           execute(x, "", 0); sync(x));
  SCENARIO("params-hostile", parse(x, "", "select $1::text as a, $2::text as b, '$1' as c");
           bind_text(x, "", "", 2, hostile, -1); describe(x, 'P', ""); execute(x, "", 0); sync(x));
  SCENARIO("params-binary", parse(x, "", "select $1::int8 * 2 as a"); bind_int8(x, 21);
           describe(x, 'P', ""); execute(x, "", 0); sync(x));
  SCENARIO("params-inferred", parse(x, "", "select $1::integer + 1 as a, $2 :: text as b");
           describe(x, 'S', ""); sync(x));
  SCENARIO("params-missing", parse(x, "", "select $1::int as a"); bind(x, "", "", -1);
           execute(x, "", 0); sync(x));
  SCENARIO(
      "params-describe-stmt",
      parse_typed(x, "sp", "select g from generate_series(1, $1) g where g > $2", 2, t_int_int);
      describe(x, 'S', "sp"); bind_text(x, "", "sp", 2, v2b, -1); execute(x, "", 0); sync(x));
  SCENARIO("params-dml", parse_typed(x, "", "insert into xw_t values ($1, $2)", 2, t_int_text);
           bind_text(x, "", "", 2, v2, -1); execute(x, "", 0); sync(x));
  SCENARIO("params-dml-check", simple_ext(x, "select a, b is null, b = '' from xw_t where a = 7"));
  SCENARIO("binary-results",
           parse(x, "",
                 "select 1::int4 as a, 'x'::text as b, 2.5::float8 as c, null::int2 as d, "
                 "true as e, 12.34::numeric as f, date '2024-06-12' as g");
           bind(x, "", "", 1); describe(x, 'P', ""); execute(x, "", 0); sync(x));
  /* Per-column result formats, and a count that matches neither 1 nor the columns of a
   * statement described before the Bind (PostgreSQL refuses it at Bind). */
  static const int16_t f_tbt[] = {0, 1, 0}, f_two[] = {1, 0};
  SCENARIO("formats-per-column", parse(x, "", "select 1::int4 as a, 2::int8 as b, 'c' as c");
           describe(x, 'S', ""); bind_formats(x, "", "", 3, f_tbt); describe(x, 'P', "");
           execute(x, "", 0); sync(x));
  SCENARIO("formats-count", parse(x, "", "select 1::int4 as a, 2::int8 as b, 'c' as c");
           describe(x, 'S', ""); bind_formats(x, "", "", 2, f_two); describe(x, 'P', "");
           execute(x, "", 0); sync(x));
  /* Close, and what is gone afterwards. */
  SCENARIO("close", close_(x, 'S', "s1"); close_(x, 'P', "nope"); close_(x, 'S', "nope"); sync(x));
  SCENARIO("closed", describe(x, 'S', "s1"); sync(x));
  SCENARIO("simple-query-between", parse(x, "", "select 7"); sync(x); query(x, "select 8");
           bind(x, "", "", -1); sync(x));
  /* Cursors within the session: DECLARE … WITH HOLD survives COMMIT, FETCH pages through it
   * (Tableau, psqlODBC's UseDeclareFetch); simple Query and extended protocol mixed. */
  SCENARIO("cursor", simple_ext(x, "begin");
           simple_ext(x, "declare xw_c cursor with hold for "
                         "select g from generate_series(1, 5) g order by g");
           simple_ext(x, "fetch 2 from xw_c"); simple_ext(x, "commit");
           query(x, "fetch 2 from xw_c"); simple_ext(x, "fetch all from xw_c");
           simple_ext(x, "close xw_c"));
  SCENARIO("cursor-gone~", simple_ext(x, "fetch 1 from xw_c"));
  /* psycopg's server-side cursor: DECLARE with a parameter, then Describe(portal) of the
   * cursor's name (an SQL cursor is a portal), then FETCH. */
  static const uint32_t t_int[] = {23};
  static const char *const v_three[] = {"3"};
  SCENARIO("cursor-describe", simple_ext(x, "begin");
           parse_typed(x, "",
                       "declare \"Xw_D\" cursor for select g, 'x' || g as t "
                       "from generate_series(1, $1) g",
                       1, t_int);
           bind_text(x, "", "", 1, v_three, -1); execute(x, "", 0); sync(x);
           describe(x, 'P', "Xw_D"); sync(x); simple_ext(x, "fetch 2 from \"Xw_D\"");
           simple_ext(x, "close \"Xw_D\""); simple_ext(x, "commit"));
  /* SQL DEALLOCATE and protocol Close share one namespace (psqlODBC's UseServerSidePrepare). */
  SCENARIO("deallocate", parse(x, "Dx", "select 1"); sync(x); query(x, "deallocate \"Dx\"");
           describe(x, 'S', "Dx"); sync(x); query(x, "deallocate prepare nope"));
  SCENARIO("deallocate-odbc", simple_ext(x, "begin"); parse(x, "_PLAN0x1", "select 1"); sync(x);
           query(x, "savepoint s1; deallocate \"_PLAN0x1\"; release s1"); simple_ext(x, "commit");
           parse(x, "_PLAN0x1", "select 2"); sync(x));
  SCENARIO("deallocate-all", parse(x, "da", "select 1"); sync(x); query(x, "deallocate all");
           describe(x, 'S', "da"); sync(x));
  /* Session settings: ParameterStatus when a reported one changes, SHOW, range checks. */
  SCENARIO("set-app", simple_ext(x, "set application_name = 'xw app'"));
  SCENARIO("show-app", simple_ext(x, "show application_name"));
  SCENARIO("set-app-same", simple_ext(x, "set application_name to 'xw app'"));
  SCENARIO("set-efd", simple_ext(x, "set extra_float_digits = 3");
           simple_ext(x, "show extra_float_digits"));
  SCENARIO("set-efd-bad", simple_ext(x, "set extra_float_digits = 9"));
  /* extra_float_digits <= 0: floats rounded to DBL_DIG/FLT_DIG + it digits, as PostgreSQL does. */
  static const char floats[] = "select 0.1::float8 + 0.2 as a, (1.0 / 3)::float4 as b, "
                               "1e100::float8 as c, -0.0::float8 as d, 'NaN'::float8 as e, "
                               "123456.789::float4 as f";
  SCENARIO("floats-efd", simple_ext(x, "set extra_float_digits = 0"); simple_ext(x, floats);
           query(x, floats); simple_ext(x, "set extra_float_digits = -4"); simple_ext(x, floats);
           simple_ext(x, "set extra_float_digits = 1"); simple_ext(x, floats));
  SCENARIO("set-efd-negative", simple_ext(x, "set extra_float_digits to -2");
           simple_ext(x, "show extra_float_digits"); simple_ext(x, "reset extra_float_digits"));
  SCENARIO("set-datestyle", simple_ext(x, "set datestyle = 'sql, dmy'");
           simple_ext(x, "set DateStyle to iso"); simple_ext(x, "reset datestyle"));
  SCENARIO("set-encoding", simple_ext(x, "set client_encoding = 'utf8'"));
  SCENARIO("set-readonly", simple_ext(x, "set server_encoding = 'LATIN1'"));
  SCENARIO("discard-in-block", simple_ext(x, "begin"); simple_ext(x, "discard all");
           simple_ext(x, "rollback"));
  /* DISCARD ALL: settings, prepared statements and temporary tables are gone. */
  SCENARIO("discard", simple_ext(x, "discard all"));
  SCENARIO("discard-stmt-gone", describe(x, 'S', "i"); sync(x));
  SCENARIO("discard-temp-gone~", simple_ext(x, "select count(*) from xw_t"));
  SCENARIO("discard-app", simple_ext(x, "show application_name"));
  free(m);
  return ok ? 0 : 1;
}
