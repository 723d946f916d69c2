/* px_errmap.c — Redshift/PostgreSQL error text → SQLSTATE, message, detail, hint, position.
 *
 * The text has PostgreSQL's shape as libpq-style tools flatten it: a severity word, the primary
 * message, then optional parts each introduced by a marker ("DETAIL:", "HINT:", "Position:",
 * "CONTEXT:", "Where:"). The emulator writes "ERROR: <primary>\n Position: N"; Redshift's
 * service puts the parts on new lines or inline ("ERROR: 1023 DETAIL: Serializable isolation
 * violation ..."). A marker is recognised at the start of a line, or after a blank outside double
 * quotes, so that an identifier such as "x DETAIL: y" inside a message does not split it.
 */
#include "px_errmap.h"

#include <stdbool.h>
#include <string.h>

/* ---- the table of well-known messages ----------------------------------------------------- */

/* A pattern is matched against the whole primary message, ignoring ASCII case; '*' stands for
 * any run of characters (also none). The first matching row wins, so specific rows come before
 * general ones. Messages are PostgreSQL 15's (errors.c / elog texts, checked against a running
 * server; see tests/proxy/test_px_errmap.c) and Redshift's documented or reported texts. */
/* Longest primary message looked up in the table. */
#define MATCH_MAX 4096

typedef struct errmap_row {
  const char *pattern;
  const char *sqlstate;
} errmap_row;

static const errmap_row TABLE[] = {
    /* Class 42: syntax error or access rule violation */
    {"syntax error at or near *", "42601"},
    {"syntax error at end of input", "42601"},
    {"syntax error*", "42601"},
    {"unrecognized * option \"*\"", "42601"},
    {"unterminated quoted string at or near *", "42601"},
    {"zero-length delimited identifier at or near *", "42601"},
    {"permission denied*", "42501"},
    {"must be owner of *", "42501"},
    {"must be superuser*", "42501"},
    {"must be a superuser*", "42501"},
    {"relation \"*\" does not exist", "42P01"},
    {"table \"*\" does not exist", "42P01"},
    {"view \"*\" does not exist", "42P01"},
    {"missing FROM-clause entry for table \"*\"", "42P01"},
    {"column \"*\" of relation \"*\" does not exist", "42703"},
    {"column * does not exist", "42703"},
    {"column reference \"*\" is ambiguous", "42702"},
    {"function * does not exist", "42883"},
    {"operator does not exist: *", "42883"},
    {"schema \"*\" does not exist", "3F000"},
    {"database \"*\" does not exist", "3D000"},
    {"type \"*\" does not exist", "42704"},
    {"cursor \"*\" does not exist", "34000"},
    {"prepared statement \"*\" does not exist", "26000"},
    {"role \"*\" does not exist", "42704"},
    {"user \"*\" does not exist", "42704"},
    {"index \"*\" does not exist", "42704"},
    {"constraint \"*\" of relation \"*\" does not exist", "42704"},
    {"unrecognized configuration parameter \"*\"", "42704"},
    {"relation \"*\" already exists", "42P07"},
    {"schema \"*\" already exists", "42P06"},
    {"database \"*\" already exists", "42P04"},
    {"function * already exists with same argument types", "42723"},
    {"column \"*\" of relation \"*\" already exists", "42701"},
    {"column \"*\" specified more than once", "42701"},
    {"role \"*\" already exists", "42710"},
    {"type \"*\" already exists", "42710"},
    {"column \"*\" must appear in the GROUP BY clause or be used in an aggregate function",
     "42803"},
    {"aggregate functions are not allowed in *", "42803"},
    {"aggregate function calls cannot be nested", "42803"},
    {"cannot cast type * to *", "42846"},
    {"column \"*\" is of type * but expression is of type *", "42804"},
    {"argument of * must be type *, not type *", "42804"},
    {"* types * and * cannot be matched", "42804"},
    {"could not determine data type of parameter $*", "42P18"},
    {"there is no parameter $*", "42P02"},
    {"\"*\" is not a table", "42809"},
    {"\"*\" is not a view", "42809"},
    {"division by zero", "22012"},
    {"divide by zero", "22012"},
    /* Class 22: data exception. Date/time input is 22007/22008 before the general 22P02. */
    {"invalid input syntax for type date*", "22007"},
    {"invalid input syntax for type time*", "22007"},
    {"invalid input syntax for type interval*", "22007"},
    {"date/time field value out of range*", "22008"},
    {"timestamp out of range*", "22008"},
    {"date out of range*", "22008"},
    {"invalid input syntax for *", "22P02"},
    {"invalid digit, Value *", "22P02"},
    {"invalid input value for enum *", "22P02"},
    {"invalid byte sequence for encoding *", "22021"},
    {"integer out of range", "22003"},
    {"bigint out of range", "22003"},
    {"smallint out of range", "22003"},
    {"value \"*\" is out of range for type *", "22003"},
    {"\"*\" is out of range for type *", "22003"},
    {"numeric field overflow", "22003"},
    {"numeric data overflow*", "22003"},
    {"value out of range: *", "22003"},
    {"overflow (*", "22003"},
    {"* out of range", "22003"},
    {"value too long for type *", "22001"},
    {"value too long for character type*", "22001"},
    {"invalid regular expression: *", "2201B"},
    {"more than one row returned by a subquery used as an expression", "21000"},
    /* Class 23: integrity constraint violation */
    {"null value in column \"*\" violates not-null constraint", "23502"},
    {"cannot insert a null value into column *", "23502"},
    {"duplicate key value violates unique constraint \"*\"", "23505"},
    {"insert or update on table \"*\" violates foreign key constraint \"*\"", "23503"},
    {"update or delete on table \"*\" violates foreign key constraint \"*\" on table \"*\"",
     "23503"},
    {"new row for relation \"*\" violates check constraint \"*\"", "23514"},
    {"check constraint \"*\" of relation \"*\" is violated by some row", "23514"},
    /* Class 25: invalid transaction state */
    {"current transaction is aborted, commands ignored until end of transaction block", "25P02"},
    {"cannot execute * in a read-only transaction", "25006"},
    {"* cannot run inside a transaction block", "25001"},
    {"SET TRANSACTION ISOLATION LEVEL must be called before any query", "25001"},
    /* Class 40: transaction rollback. Redshift reports a serializable isolation violation as the
     * bare number 1023 with the explanation in DETAIL. */
    {"could not serialize access due to *", "40001"},
    {"1023", "40001"},
    {"serializable isolation violation*", "40001"},
    {"deadlock detected", "40P01"},
    /* Class 57: operator intervention */
    {"canceling statement due to statement timeout", "57014"},
    {"canceling statement due to user request", "57014"},
    {"query (*) cancelled on user's request*", "57014"},
    {"query (*) canceled on user's request*", "57014"},
    {"query (*) cancelled by WLM*", "57014"},
    {"query * cancelled*", "57014"},
    {"*statement timeout*", "57014"},
    {"terminating connection due to administrator command", "57P01"},
    /* Class 53: insufficient resources */
    {"could not extend file *", "53100"},
    {"*no space left on device*", "53100"},
    {"disk full*", "53100"},
    {"out of memory*", "53200"},
    {"too many connections*", "53300"},
    /* Class 55: object not in prerequisite state */
    {"could not obtain lock on *", "55P03"},
    {"canceling statement due to lock timeout", "55P03"},
    /* Class 0A / 2B */
    {"cannot drop * because other objects depend on it", "2BP01"},
    {"* is not supported*", "0A000"},
    {"*not supported on Redshift tables*", "0A000"},
};

static char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Glob match of pat (NUL-terminated) against s[0..n), case-insensitive, '*' = any run. The
 * classic backtracking to the last star: linear in practice, O(n·m) at worst, and n is bounded
 * by the caller's message size. */
static bool glob_match(const char *pat, const char *s, size_t n) {
  size_t si = 0;
  const char *star = NULL;
  size_t star_si = 0;
  while (si < n) {
    if (*pat == '*') {
      star = ++pat;
      star_si = si;
    } else if (*pat != '\0' && ascii_lower(*pat) == ascii_lower(s[si])) {
      pat++;
      si++;
    } else if (star != NULL) {
      pat = star;
      si = ++star_si;
    } else {
      return false;
    }
  }
  while (*pat == '*')
    pat++;
  return *pat == '\0';
}

const char *px_errmap_sqlstate(const char *msg, size_t len) {
  /* Every message of the table is far shorter; the bound keeps the glob's worst case (length ×
   * pattern length per row) small whatever the service sends. */
  if (msg == NULL || len > MATCH_MAX)
    return "XX000";
  for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++) {
    if (glob_match(TABLE[i].pattern, msg, len))
      return TABLE[i].sqlstate;
  }
  return "XX000";
}

/* ---- splitting the text ------------------------------------------------------------------- */

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

typedef struct span {
  const char *p;
  size_t n;
} span;

static span trim(span s) {
  while (s.n > 0 && is_blank(s.p[0])) {
    s.p++;
    s.n--;
  }
  while (s.n > 0 && is_blank(s.p[s.n - 1]))
    s.n--;
  return s;
}

static bool starts_with_nocase(const char *s, size_t n, const char *lit) {
  size_t m = strlen(lit);
  if (n < m)
    return false;
  for (size_t i = 0; i < m; i++) {
    if (ascii_lower(s[i]) != ascii_lower(lit[i]))
      return false;
  }
  return true;
}

typedef enum part_kind {
  PART_MESSAGE,
  PART_DETAIL,
  PART_HINT,
  PART_POSITION,
  PART_IGNORED, /* CONTEXT / Where / LOCATION / internal query: not carried by pgw_error */
} part_kind;

static const struct {
  const char *marker;
  part_kind kind;
} MARKERS[] = {
    {"DETAIL:", PART_DETAIL},     {"HINT:", PART_HINT},
    {"Position:", PART_POSITION}, {"CONTEXT:", PART_IGNORED},
    {"Where:", PART_IGNORED},     {"LOCATION:", PART_IGNORED},
    {"QUERY:", PART_IGNORED},     {"Internal Query:", PART_IGNORED},
};

/* The marker starting at s[0..n), or -1; *mlen receives its length. Case matters: the markers
 * are spelled exactly so by PostgreSQL, Redshift and the emulator, while the same words in lower
 * case may well occur inside a message. */
static int marker_at(const char *s, size_t n, size_t *mlen) {
  for (size_t i = 0; i < sizeof MARKERS / sizeof MARKERS[0]; i++) {
    size_t m = strlen(MARKERS[i].marker);
    if (n >= m && memcmp(s, MARKERS[i].marker, m) == 0) {
      *mlen = m;
      return (int)i;
    }
  }
  return -1;
}

/* Severity words PostgreSQL prints before the message ("ERROR:  relation ..."). */
static const char *const SEVERITIES[] = {"ERROR:", "FATAL:", "PANIC:", "WARNING:", "NOTICE:"};

static span strip_severity(span s) {
  s = trim(s);
  for (size_t i = 0; i < sizeof SEVERITIES / sizeof SEVERITIES[0]; i++) {
    if (starts_with_nocase(s.p, s.n, SEVERITIES[i])) {
      size_t m = strlen(SEVERITIES[i]);
      s.p += m;
      s.n -= m;
      return trim(s);
    }
  }
  return s;
}

/* A positive decimal integer that fits int32 at the start of s (after blanks), else 0. */
static int32_t parse_position(span s) {
  s = trim(s);
  int64_t v = 0;
  size_t i = 0;
  for (; i < s.n && s.p[i] >= '0' && s.p[i] <= '9'; i++) {
    v = v * 10 + (s.p[i] - '0');
    if (v > INT32_MAX)
      return 0;
  }
  if (i == 0 || i != s.n)
    return 0;
  return (int32_t)v;
}

/* Copies s (any bytes) into dst as a C string: NUL bytes become spaces, the cut at a UTF-8
 * boundary is pgw_error_copy_text's. */
static void copy_span(char *dst, size_t cap, span s) {
  char tmp[PGW_ERROR_TEXT_MAX * 2];
  size_t n = s.n < sizeof tmp - 1 ? s.n : sizeof tmp - 1;
  for (size_t i = 0; i < n; i++)
    tmp[i] = s.p[i] == '\0' ? ' ' : s.p[i];
  tmp[n] = '\0';
  pgw_error_copy_text(dst, cap, tmp);
}

void px_errmap_statement_error(const char *text, size_t len, pgw_error *out, int32_t *position) {
  span all = {text != NULL ? text : "", text != NULL ? len : 0};
  span body = strip_severity(all);

  /* Walk the body, cutting it at each marker. */
  span parts[PART_IGNORED + 1];
  memset(parts, 0, sizeof parts);
  part_kind current = PART_MESSAGE;
  size_t start = 0;
  bool in_quotes = false;
  bool line_start = true;
  for (size_t i = 0; i <= body.n; i++) {
    bool at_end = i == body.n;
    size_t mlen = 0;
    int m = -1;
    if (!at_end) {
      char c = body.p[i];
      bool may_mark = line_start || (!in_quotes && i > 0 && is_blank(body.p[i - 1]));
      if (may_mark && !is_blank(c))
        m = marker_at(body.p + i, body.n - i, &mlen);
      if (c == '"')
        in_quotes = !in_quotes;
      if (c == '\n') {
        line_start = true;
        in_quotes = false; /* a quote never spans parts */
      } else if (!is_blank(c)) {
        line_start = false;
      }
    }
    if (m < 0 && !at_end)
      continue;
    /* Close the running part; a repeated part keeps its first occurrence. */
    span piece = trim((span){body.p + start, i - start});
    if (parts[current].p == NULL)
      parts[current] = piece;
    if (at_end)
      break;
    current = MARKERS[m].kind;
    start = i + mlen;
    i += mlen - 1;
    line_start = false;
    in_quotes = false;
  }

  span msg = parts[PART_MESSAGE];
  char msg_buf[PGW_ERROR_TEXT_MAX];
  copy_span(msg_buf, sizeof msg_buf, msg);
  /* The SQLSTATE is looked up on the whole primary message, not on the copy cut to the field. */
  const char *sqlstate = px_errmap_sqlstate(msg.p, msg.n);
  pgw_error_set(out, "ERROR", sqlstate, "%s", msg.n > 0 ? msg_buf : "statement failed");
  if (parts[PART_DETAIL].n > 0)
    copy_span(out->detail, sizeof out->detail, parts[PART_DETAIL]);
  if (parts[PART_HINT].n > 0)
    copy_span(out->hint, sizeof out->hint, parts[PART_HINT]);
  if (position != NULL)
    *position = parts[PART_POSITION].n > 0 ? parse_position(parts[PART_POSITION]) : 0;
}
