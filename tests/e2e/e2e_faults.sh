#!/usr/bin/env bash
# e2e_faults: with the emulator throttling 30% and failing 10% of the Data API calls (HTTP 400
# ThrottlingException, 500/503) — and in a second round with server errors and dropped
# connections — redwire's retries make a 50 000-row select return exactly the rows it returns
# without faults (line count + md5 of `psql -A -t`). The faults are switched off again when the
# test exits, whatever happens.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir

rows=50000
sql="select g, md5(g::text) as h, (g * 0.5)::float8 as f from generate_series(1, $rows) as g order by g"

# Prints "<lines> <md5>" of the select through redwire, or fails.
select_sum() {
  local out
  out=$(rw_psql -A -t -v ON_ERROR_STOP=1 -c "$sql" 2>"$E2E_TMP/err" |
    awk -v count="$E2E_TMP/n" '{ print } END { print NR > count }' | md5sum) ||
    e2e_fail "$1: the select through redwire failed: $(cat "$E2E_TMP/err")"
  if [ -s "$E2E_TMP/err" ]; then
    e2e_fail "$1: psql reported: $(cat "$E2E_TMP/err")"
  fi
  echo "$(cat "$E2E_TMP/n") ${out%% *}"
}

t0=$(e2e_now_ms)
clean=$(select_sum "without faults")
clean_ms=$(($(e2e_now_ms) - t0))
read -r clean_lines clean_md5 <<<"$clean"
e2e_expect_eq "rows without faults" "$rows" "$clean_lines"

trap 'emu_set_faults "{}" >/dev/null || true; rm -rf "$E2E_TMP"' EXIT

# run_round NAME FAULTS_JSON COUNTERS...: the select under FAULTS_JSON must give the clean rows,
# and at least one of the listed fault counters must have fired (else retries went untested).
run_round() {
  local name=$1 json=$2 t0 ms faulty lines md5 fired=0 c v report=""
  shift 2
  e2e_log "$name: faults on: $(emu_set_faults "$json")"
  emu_reset_stats
  t0=$(e2e_now_ms)
  faulty=$(select_sum "$name")
  ms=$(($(e2e_now_ms) - t0))
  for c in "$@" calls.total calls.ExecuteStatement calls.GetStatementResult; do
    v=$(emu_stats "$c")
    report="$report $c=$v"
    case $c in faults.*) fired=$((fired + v)) ;; esac
  done
  e2e_log "$name: faults off: $(emu_set_faults '{}')"
  e2e_log "$name: $ms ms (clean run: $clean_ms ms);$report"
  read -r lines md5 <<<"$faulty"
  e2e_expect_eq "$name: rows" "$rows" "$lines"
  e2e_expect_eq "$name: md5 (= without faults)" "$clean_md5" "$md5"
  [ "$fired" -gt 0 ] || e2e_fail "$name: none of $* fired: the round did not exercise retries"
}

# The issue's mix: 30% throttling, 10% server errors.
run_round throttle+5xx '{"throttle-rate":0.3,"error-rate":0.1,"fault-seed":7}' \
  faults.throttle faults.error500 faults.unavailable503
# Server errors and dropped connections, so that 5xx and transport retries surely happen too.
run_round 5xx+drops '{"error-rate":0.3,"drop-rate":0.1,"fault-seed":11}' \
  faults.error500 faults.unavailable503 faults.drop

# Page transfers that fail part-way, after some of the page's bytes reached redwire's sink:
# redwire's Data API client cannot retry those (bytes were consumed), so redwire requests the same
# page again (same NextToken) and skips the rows of it it already sent. The emulator stalls every
# GetStatementResult answer half-way for 4 s (stall-ms); redwire, reloaded with
# request_timeout_ms = 2000 (which its configuration check allows only with wait_time_seconds
# below 2), abandons each stalled transfer after 2 s. Once the stall has hit a page and its first
# retry, the stall is switched off, so the next retry of that page completes.
config_backup=$E2E_TMP/redwire.ini.orig
restore_config() {
  if [ -f "$config_backup" ]; then
    cp "$config_backup" "$REDWIRE_CONFIG" && rm -f "$config_backup"
    kill -HUP "$(redwire_pid)" 2>/dev/null || true
  fi
}
trap 'emu_set_faults "{}" >/dev/null || true; restore_config; rm -rf "$E2E_TMP"' EXIT
[ -n "${REDWIRE_CONFIG:-}" ] && [ -w "$REDWIRE_CONFIG" ] || e2e_fail "\$REDWIRE_CONFIG is not writable"
reloads_before=$(grep -c 'configuration reloaded' "$REDWIRE_LOG" || true)
restarts_before=$(grep -c 'requesting it again' "$REDWIRE_LOG" || true)
cp "$REDWIRE_CONFIG" "$config_backup"
sed -i 's/^\[aws\]$/[aws]\nrequest_timeout_ms = 2000\nwait_time_seconds = 1/' "$REDWIRE_CONFIG"
grep -q '^request_timeout_ms = 2000$' "$REDWIRE_CONFIG" || e2e_fail "could not set request_timeout_ms"
kill -HUP "$(redwire_pid)"
for _ in $(seq 50); do
  [ "$(grep -c 'configuration reloaded' "$REDWIRE_LOG" || true)" -gt "$reloads_before" ] && break
  sleep 0.1
done
[ "$(grep -c 'configuration reloaded' "$REDWIRE_LOG" || true)" -gt "$reloads_before" ] ||
  e2e_fail "redwire did not reload its configuration after SIGHUP (see $REDWIRE_LOG)"

name=mid-body
e2e_log "$name: faults on: $(emu_set_faults '{"stall-ms":4000,"fault-ops":"GetStatementResult"}')"
emu_reset_stats
t0=$(e2e_now_ms)
select_sum "$name" >"$E2E_TMP/midbody.sum" &
select_pid=$!
for _ in $(seq 100); do
  [ "$(emu_stats faults.stall)" -ge 2 ] && break
  sleep 0.05
done
stalls=$(emu_stats faults.stall)
e2e_log "$name: faults off after $stalls stalled answers: $(emu_set_faults '{}')"
wait "$select_pid" || e2e_fail "$name: the select through redwire failed"
ms=$(($(e2e_now_ms) - t0))
restore_config
read -r lines md5 <"$E2E_TMP/midbody.sum"
restart_lines=$(grep 'requesting it again' "$REDWIRE_LOG" | tail -n +$((restarts_before + 1)) || true)
e2e_log "$name: $ms ms (clean run: $clean_ms ms); stalled answers=$stalls; calls.GetStatementResult=$(emu_stats calls.GetStatementResult)"
printf '%s\n' "$restart_lines" | sed 's/^/    redwire: /' >&2
e2e_expect_eq "$name: rows" "$rows" "$lines"
e2e_expect_eq "$name: md5 (= without faults)" "$clean_md5" "$md5"
[ "$stalls" -ge 2 ] || e2e_fail "$name: the emulator stalled only $stalls answers"
# redwire must have asked for the stalled page again (the emulator lists a page's Records before
# its ColumnMetadata, so redwire holds the first page's rows until that page is complete: the
# rows skipped on such a retry are 0; tests/proxy/test_px_core.c cuts pages at every byte).
printf '%s\n' "$restart_lines" | grep -q 'requesting it again' ||
  e2e_fail "$name: redwire requested no page again (log: $REDWIRE_LOG)"

e2e_expect_eq "fault settings after reset" '{}' "$(curl -fsS "$EMULATOR_URL/_emulator/faults" | node -e '
  const f = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const on = Object.entries(f).filter(([k, v]) => typeof v === "number" && v > 0 && k !== "fault-seed");
  console.log(JSON.stringify(Object.fromEntries(on)));')"
e2e_expect_redwire_alive
