#!/usr/bin/env bash
# e2e_api_calls: redwire makes the physical minimum of Data API calls (DESIGN §2), counted by the
# emulator (GET /_emulator/stats, zeroed by POST /_emulator/reset-stats) around each statement:
#   small select       ExecuteStatement (with WaitTimeSeconds) + 1 GetStatementResult = 2
#   DDL, SET           ExecuteStatement only = 1 (no DescribeStatement after a terminal Execute)
#   failing statement  ExecuteStatement + 1 DescribeStatement (for the Error text) = 2
#   empty query, and anything refused with 25P02 in an aborted transaction: no call at all
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir

counters=(calls.ExecuteStatement calls.DescribeStatement calls.GetStatementResult calls.total)

# Prints "E D G total" for the calls made since the last reset.
calls_now() { emu_stats "${counters[@]}" | tr '\n' ' ' | sed 's/ $//'; }

# Prints one row of the table: LABEL and the four figures of "E D G total".
row() {
  local e d g t
  read -r e d g t <<<"$2"
  printf '%s: %-44s %4s %4s %4s %6s%s\n' "$E2E_NAME" "$1" "$e" "$d" "$g" "$t" "${3:-}"
}

# check LABEL "E D G total" ACTUAL
check() {
  row "$1" "$3"
  [ "$2" = "$3" ] || e2e_fail "$1: expected Execute/Describe/GetResult/total = '$2', got '$3'"
}

printf '%s: %-44s %4s %4s %4s %6s\n' "$E2E_NAME" "statement" Exec Desc Get total

# --- one statement per new connection -----------------------------------------------------------
# run_alone LABEL EXPECTED SQL: a new psql connection runs SQL (the first statement of a session
# opens it, so these include the session's creation).
run_alone() {
  emu_reset_stats
  rw_psql -q -A -t -c "$3" >/dev/null 2>"$E2E_TMP/err" || true
  check "$1" "$2" "$(calls_now)"
}
run_alone "select 1 (new connection)" "1 0 1 2" "select 1"
run_alone "create temp table (new connection)" "1 0 0 1" "create temp table e2e_calls_t(a int)"
run_alone "set work_mem (new connection)" "1 0 0 1" "set work_mem = '8MB'"
run_alone "select 1/0 (new connection)" "1 1 0 2" "select 1/0"
grep -q 'division by zero' "$E2E_TMP/err" || e2e_fail "select 1/0 did not report division by zero: $(cat "$E2E_TMP/err")"
run_alone "empty query ';'" "0 0 0 0" ";"

# --- inside one session: psql's \! runs these scripts between statements -------------------------
cat >"$E2E_TMP/reset" <<EOF
#!/bin/sh
curl -fsS -X POST "$EMULATOR_URL/_emulator/reset-stats" >/dev/null || echo "reset-stats failed" >&2
EOF
cat >"$E2E_TMP/snap" <<EOF
#!/bin/sh
curl -fsS "$EMULATOR_URL/_emulator/stats" >"$E2E_TMP/snap.\$1.json" || echo "stats failed" >&2
EOF
chmod +x "$E2E_TMP/reset" "$E2E_TMP/snap"
R=$E2E_TMP/reset
S=$E2E_TMP/snap
rows=12000
rw_psql -q -A -t >"$E2E_TMP/session.out" 2>"$E2E_TMP/session.err" <<EOF || true
select 1;
\\! $R
select 2;
\\! $S second_select
create temp table e2e_calls_t(a int);
\\! $R
insert into e2e_calls_t values (1);
\\! $S insert
\\! $R
select a from e2e_calls_t;
\\! $S select_temp
\\! $R
\\echo multi_page_begin
select g from generate_series(1, $rows) as g;
\\echo multi_page_end
\\! $S multi_page
\\! $R
begin;
\\! $S begin
select 1/0;
\\! $R
select 1;
insert into e2e_calls_t values (2);
\\! $S refused_in_aborted
rollback;
\\! $R
;
\\! $S empty
EOF
# Reads the counters of snapshot $1 the same way emu_stats does.
snap_calls() {
  [ -s "$E2E_TMP/snap.$1.json" ] || e2e_fail "no stats snapshot '$1': psql stopped early? $(cat "$E2E_TMP/session.err")"
  node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(process.argv.slice(2).map(p => p.split(".").reduce((v, k) => (v || {})[k], s) || 0).join(" "));' \
    "$E2E_TMP/snap.$1.json" "${counters[@]}"
}
check "select 2 (second statement of a session)" "1 0 1 2" "$(snap_calls second_select)"
# INSERT's tag needs the row count, which only DescribeStatement gives (ResultRows): at most one.
insert_calls=$(snap_calls insert)
row "insert (in session)" "$insert_calls" "   (tag INSERT 0 n needs ResultRows)"
read -r ie id ig _ <<<"$insert_calls"
if [ "$ie" != 1 ] || [ "$ig" != 0 ] || [ "$id" -gt 1 ]; then
  e2e_fail "insert: expected 1 ExecuteStatement, at most 1 DescribeStatement, no GetStatementResult; got '$insert_calls'"
fi
check "select from a temp table (in session)" "1 0 1 2" "$(snap_calls select_temp)"
# The emulator pages at 5000 rows (its --page-rows default; tests/stack sets no other).
pages=$(((rows + 4999) / 5000))
check "select of $rows rows ($pages pages)" "1 0 $pages $((1 + pages))" "$(snap_calls multi_page)"
check "begin" "1 0 0 1" "$(snap_calls begin)"
check "select + insert refused with 25P02" "0 0 0 0" "$(snap_calls refused_in_aborted)"
check "empty query in session" "0 0 0 0" "$(snap_calls empty)"
grep -q 'current transaction is aborted' "$E2E_TMP/session.err" ||
  e2e_fail "the statements after the error were not refused with 25P02: $(cat "$E2E_TMP/session.err")"
e2e_expect_eq "rows of the multi-page select" "$rows" \
  "$(awk '/^multi_page_end$/ { on = 0 } on { n++ } /^multi_page_begin$/ { on = 1 } END { print n + 0 }' "$E2E_TMP/session.out")"
