#!/usr/bin/env bash
# e2e_errors: errors through redwire carry PostgreSQL's SQLSTATE, message and position (psql's
# `LINE n:` and caret lines), psql's exit codes are PostgreSQL's, and the connection stays usable
# after every error. Compared with the same psql run directly on PostgreSQL.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir

# Redshift's error text (what the Data API returns) has the message and the position only, so the
# fields it cannot carry are dropped from both sides before comparing; everything else
# (the `ERROR:  <SQLSTATE>: <message>` line, `LINE n:` and the caret) must match exactly.
comparable() {
  grep -vE '^(HINT|DETAIL|LOCATION|CONTEXT|SCHEMA NAME|TABLE NAME|COLUMN NAME|DATATYPE NAME|CONSTRAINT NAME):  ' "$1" || true
}

# --- 1. one connection, many errors (errors.sql) ---------------------------------------------
cd "$here" # psql prefixes messages with the script's path as given: the same on both sides
rc_direct=0
direct_psql -A -f errors.sql >"$E2E_TMP/direct.out" 2>"$E2E_TMP/direct.err" || rc_direct=$?
rc_rw=0
rw_psql -A -f errors.sql >"$E2E_TMP/redwire.out" 2>"$E2E_TMP/redwire.err" || rc_rw=$?

expected_states="undefined_table=42P01 undefined_column=42703 syntax_error=42601
  syntax_error_line_2=42601 syntax_error_after_unicode=42601 operator_after_unicode=42883
  division_by_zero=22012 undefined_function=42883 invalid_text_representation=22P02
  unique_violation=23505 success=00000"
for pair in $expected_states; do
  name=${pair%%=*}
  code=${pair#*=}
  grep -qx "case=$name sqlstate=$code" "$E2E_TMP/direct.out" ||
    e2e_fail "test bug: directly, case $name did not give $code: $(cat "$E2E_TMP/direct.out" "$E2E_TMP/direct.err")"
  got=$(sed -n "s/^case=$name sqlstate=//p" "$E2E_TMP/redwire.out")
  e2e_expect_eq "SQLSTATE of $name through redwire" "$code" "${got:-<no line: psql stopped?>}"
done

e2e_expect_eq "psql -f errors.sql exit code through redwire (ON_ERROR_STOP 0)" "$rc_direct" "$rc_rw"
if ! cmp -s "$E2E_TMP/direct.out" "$E2E_TMP/redwire.out"; then
  diff -u --label direct --label redwire "$E2E_TMP/direct.out" "$E2E_TMP/redwire.out" >&2 || true
  e2e_fail "stdout of errors.sql (SQLSTATEs, the selects after each error) differs (diff above)"
fi
e2e_log "ok: stdout of errors.sql identical (every 'alive' select answered after its error)"
comparable "$E2E_TMP/direct.err" >"$E2E_TMP/direct.cmp"
comparable "$E2E_TMP/redwire.err" >"$E2E_TMP/redwire.cmp"
if ! cmp -s "$E2E_TMP/direct.cmp" "$E2E_TMP/redwire.cmp"; then
  diff -u --label direct --label redwire "$E2E_TMP/direct.cmp" "$E2E_TMP/redwire.cmp" >&2 || true
  e2e_fail "error messages/positions of errors.sql differ (diff above; HINT/DETAIL/LOCATION ignored)"
fi
e2e_log "ok: $(grep -c '^psql:errors.sql:[0-9]*: ERROR:' "$E2E_TMP/redwire.err") error lines and" \
  "$(grep -c '^LINE [0-9]*:' "$E2E_TMP/redwire.err") LINE/caret positions identical"

# --- 2. positions inside multi-statement strings, and psql's exit codes ----------------------
# PostgreSQL parses the whole string before running any of it, redwire runs statement by
# statement, so only the error lines are compared here: the position must count from the start
# of the client's string (in characters), not from the start of the failing statement.
pos_cases=(
  'select 1; select * from from'
  "select 'ünïcödé ✓'; select 1 +* 2"
  $'select 1;\nselect 2;\n  select e2e_no_such_column from (select 1) as t'
  'select 1 /* ; */; select e2e_no_such_function(1)'
)
n=0
for sql in "${pos_cases[@]}"; do
  n=$((n + 1))
  rc_direct=0
  direct_psql -A -v VERBOSITY=verbose -c "$sql" >/dev/null 2>"$E2E_TMP/pd.$n" || rc_direct=$?
  rc_rw=0
  rw_psql -A -v VERBOSITY=verbose -c "$sql" >/dev/null 2>"$E2E_TMP/pr.$n" || rc_rw=$?
  e2e_expect_eq "psql -c exit code, position case $n" "$rc_direct" "$rc_rw"
  comparable "$E2E_TMP/pd.$n" >"$E2E_TMP/pd.$n.cmp"
  comparable "$E2E_TMP/pr.$n" >"$E2E_TMP/pr.$n.cmp"
  if ! cmp -s "$E2E_TMP/pd.$n.cmp" "$E2E_TMP/pr.$n.cmp"; then
    printf -- '--- position case %d: psql -c [%s] ---\n' "$n" "$sql" >&2
    diff -u --label direct --label redwire "$E2E_TMP/pd.$n.cmp" "$E2E_TMP/pr.$n.cmp" >&2 || true
    e2e_fail "error position case $n differs (diff above)"
  fi
  e2e_log "ok: position case $n: $(grep -m1 '^LINE' "$E2E_TMP/pr.$n" || echo 'no LINE')"
done

# psql -f with ON_ERROR_STOP=1 stops at the first error with exit code 3.
printf 'select 1;\nselect * from e2e_no_such_table;\nselect 2;\n' >"$E2E_TMP/stop.sql"
rc_direct=0
direct_psql -A -t -v ON_ERROR_STOP=1 -f "$E2E_TMP/stop.sql" >"$E2E_TMP/stop.direct" 2>&1 || rc_direct=$?
rc_rw=0
rw_psql -A -t -v ON_ERROR_STOP=1 -f "$E2E_TMP/stop.sql" >"$E2E_TMP/stop.redwire" 2>&1 || rc_rw=$?
e2e_expect_eq "psql -v ON_ERROR_STOP=1 -f exit code (directly 3)" "$rc_direct" "$rc_rw"
if ! cmp -s "$E2E_TMP/stop.direct" "$E2E_TMP/stop.redwire"; then
  diff -u --label direct --label redwire "$E2E_TMP/stop.direct" "$E2E_TMP/stop.redwire" >&2 || true
  e2e_fail "ON_ERROR_STOP output differs (diff above)"
fi
e2e_log "ok: ON_ERROR_STOP=1 stops with exit code $rc_rw and the same output"
e2e_expect_redwire_alive
