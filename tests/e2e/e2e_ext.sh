#!/usr/bin/env bash
# e2e_ext: the extended query protocol through redwire, checked against PostgreSQL itself.
#  1. pg_ext_wire ($1) sends the same raw Parse/Bind/Describe/Execute/Close/Sync/Flush sequences
#     to redwire and to the PostgreSQL behind the emulator; the two transcripts must be equal.
#     Scenarios whose label ends in '~' are where redwire answers later than PostgreSQL by design
#     (Parse is lexical: an unknown table is reported by Execute, after ParseComplete and
#     BindComplete): for them the acknowledgements are dropped before comparing.
#  2. pgbench -M extended and -M prepared run a script through redwire, and the Data API calls
#     per execution are counted by the emulator: a prepared select costs ExecuteStatement +
#     GetStatementResult, nothing more (Parse/Bind/Describe cost no call).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir
probe=$1

normalise() {
  sed -E '/^[^:]*~:/{s/ ([123n]) / /g; s/: ([123n] )+/: /}' "$1"
}

"$probe" "$PGHOST_DIRECT" "$PGPORT_DIRECT" "$PGUSER_DIRECT" unused >"$E2E_TMP/direct.txt" ||
  e2e_fail "pg_ext_wire against PostgreSQL failed: $(cat "$E2E_TMP/direct.txt")"
"$probe" "$REDWIRE_HOST" "$REDWIRE_PORT" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" \
  >"$E2E_TMP/redwire.txt" || {
  cat "$E2E_TMP/redwire.txt" >&2
  e2e_fail "pg_ext_wire against redwire failed (transcript above)"
}
normalise "$E2E_TMP/direct.txt" >"$E2E_TMP/direct.n"
normalise "$E2E_TMP/redwire.txt" >"$E2E_TMP/redwire.n"
if ! diff -u "$E2E_TMP/direct.n" "$E2E_TMP/redwire.n" >"$E2E_TMP/diff"; then
  cat "$E2E_TMP/diff" >&2
  e2e_fail "redwire's answers differ from PostgreSQL's (- PostgreSQL, + redwire)"
fi
e2e_log "ok: $(wc -l <"$E2E_TMP/redwire.n") extended-protocol scenarios answered as PostgreSQL answers them"

# --- Data API calls of the typical sequences (docs/extended-protocol.md), each on a new connection
counters=(calls.ExecuteStatement calls.DescribeStatement calls.GetStatementResult calls.total)
calls_of() {
  emu_reset_stats
  "$probe" "$REDWIRE_HOST" "$REDWIRE_PORT" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$1" \
    >"$E2E_TMP/calls.txt" || e2e_fail "call sequence $1 failed: $(cat "$E2E_TMP/calls.txt")"
  grep -q 'E<' "$E2E_TMP/calls.txt" && e2e_fail "call sequence $1 got an error: $(cat "$E2E_TMP/calls.txt")"
  e2e_expect_eq "Data API calls (Execute Describe GetResult total) of $1" "$2" \
    "$(emu_stats "${counters[@]}" | tr '\n' ' ' | sed 's/ $//')"
}
calls_of describe-stmt "1 0 1 2"              # the zero-row form, once
calls_of describe-stmt-twice "1 0 1 2"        # the columns are kept with the statement
calls_of exec-params "1 0 1 2"                # Describe + Execute in one run, as a simple Query
calls_of describe-flush-execute "1 0 1 2"     # Describe runs it and holds the rows for Execute
calls_of row-limit "1 0 1 2"                  # resuming Executes are served from the held rows
calls_of pipeline-two "4 0 2 6"               # BEGIN, two statements, COMMIT at Sync

# --- settings of the StartupMessage (PGTZ, PGDATESTYLE, PGOPTIONS -c) apply to the session -----
# (extra_float_digits=0 from the startup packet is redwire's own setting: it rounds float output)
startup_run() { # $1: rw or direct; prints the answers
  local sql=(-c "show timezone" -c "show search_path" -c "show datestyle" -c "show statement_timeout"
    -c "select timestamptz '2024-06-12 12:00:00+00', date '2024-06-12'"
    -c "select float8 '0.1' + 0.2, float4 '1.1'" -c "discard all"
    -c "show timezone" -c "show search_path" -c "set timezone = 'Asia/Tokyo'" -c "reset timezone"
    -c "show timezone" -c "set search_path = public" -c "set datestyle = iso" -c "reset all"
    -c "show search_path" -c "show datestyle" -c "reset statement_timeout" -c "show statement_timeout"
    -c "set extra_float_digits = 3" -c "select float8 '0.1' + 0.2" -c "reset extra_float_digits"
    -c "select float8 '0.1' + 0.2, float4 '1.1'")
  if [ "$1" = rw ]; then
    PGTZ=Europe/Berlin PGDATESTYLE=German PGOPTIONS="-c search_path=xw_s,public -c statement_timeout=5s -c extra_float_digits=0" \
      PGPASSWORD=$AWS_SECRET_ACCESS_KEY PGCONNECT_TIMEOUT=10 psql -X -A -t -h "$REDWIRE_HOST" \
      -p "$REDWIRE_PORT" -U "$AWS_ACCESS_KEY_ID" "${sql[@]}" dev
  else
    PGTZ=Europe/Berlin PGDATESTYLE=German PGOPTIONS="-c search_path=xw_s,public -c statement_timeout=5s -c extra_float_digits=0" \
      PGCONNECT_TIMEOUT=10 psql -X -A -t -h "$PGHOST_DIRECT" -p "$PGPORT_DIRECT" -U "$PGUSER_DIRECT" \
      "${sql[@]}" "$PGDATABASE_DIRECT"
  fi
}
startup_run direct >"$E2E_TMP/startup.direct" 2>&1 || e2e_fail "startup settings on PostgreSQL: $(cat "$E2E_TMP/startup.direct")"
startup_run rw >"$E2E_TMP/startup.rw" 2>&1 || e2e_fail "startup settings through redwire: $(cat "$E2E_TMP/startup.rw")"
diff -u "$E2E_TMP/startup.direct" "$E2E_TMP/startup.rw" >&2 ||
  e2e_fail "startup settings: redwire's answers differ from PostgreSQL's (- PostgreSQL, + redwire)"
e2e_log "ok: PGTZ, PGDATESTYLE and PGOPTIONS -c apply as on PostgreSQL, also after DISCARD ALL, RESET, RESET ALL"
emu_reset_stats
PGTZ=Europe/Berlin PGPASSWORD=$AWS_SECRET_ACCESS_KEY psql -X -A -t -h "$REDWIRE_HOST" -p "$REDWIRE_PORT" \
  -U "$AWS_ACCESS_KEY_ID" -c "select 1" dev >/dev/null || e2e_fail "select 1 with PGTZ failed"
e2e_expect_eq "Data API calls of a first select with a startup TimeZone (set_config, then the select)" \
  "2 0 1 3" "$(emu_stats "${counters[@]}" | tr '\n' ' ' | sed 's/ $//')"
if PGOPTIONS="-c timezone=Mars/Olympus" PGPASSWORD=$AWS_SECRET_ACCESS_KEY psql -X -A -t \
  -h "$REDWIRE_HOST" -p "$REDWIRE_PORT" -U "$AWS_ACCESS_KEY_ID" -c "select 1" dev >"$E2E_TMP/bad" 2>&1; then
  e2e_fail "an invalid startup TimeZone was accepted: $(cat "$E2E_TMP/bad")"
fi
grep -q 'FATAL:  invalid value for parameter "TimeZone": "Mars/Olympus"' "$E2E_TMP/bad" ||
  e2e_fail "an invalid startup TimeZone: expected PostgreSQL's FATAL, got: $(cat "$E2E_TMP/bad")"
e2e_log "ok: an invalid startup setting ends the connection with PostgreSQL's FATAL"

# --- pgbench in both extended modes, with the Data API calls counted ----------------------------
runs=10
cat >"$E2E_TMP/select.sql" <<'SQL'
select g, 'v' || g as t from generate_series(1, 3) g;
SQL
for mode in extended prepared; do
  emu_reset_stats
  PGPASSWORD=$AWS_SECRET_ACCESS_KEY PGCONNECT_TIMEOUT=10 pgbench -n -h "$REDWIRE_HOST" \
    -p "$REDWIRE_PORT" -U "$AWS_ACCESS_KEY_ID" -M "$mode" -c 1 -t "$runs" -f "$E2E_TMP/select.sql" \
    dev >"$E2E_TMP/$mode.log" 2>&1 || {
    cat "$E2E_TMP/$mode.log" >&2
    e2e_fail "pgbench -M $mode through redwire failed (log above)"
  }
  processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\)\/.*/\1/p' "$E2E_TMP/$mode.log")
  e2e_expect_eq "pgbench -M $mode: transactions processed" "$runs" "${processed:-<no line>}"
  e2e_expect_eq "pgbench -M $mode: Data API calls (Execute Describe GetResult total)" \
    "$runs 0 $runs $((2 * runs))" "$(emu_stats "${counters[@]}" | tr '\n' ' ' | sed 's/ $//')"
done
e2e_expect_redwire_alive
