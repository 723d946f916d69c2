#!/usr/bin/env bash
# e2e_polling: redwire in front of an endpoint that does not long-poll (DESIGN §2 step 3). The
# emulator's wait-time fault makes it ignore WaitTimeSeconds (answer at once) or refuse it (HTTP 400
# naming the member); redwire must then poll DescribeStatement with growing pauses — neither
# hammering the endpoint nor failing the statement — and a Ctrl-C must still cancel the statement.
# wait_time_seconds = 0 polls from the start. Each round runs a fresh private redwire (an endpoint's
# refusal is remembered for the life of the process) and counts the emulator's calls.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir
. "$here/e2e_private.sh"
trap 'emu_set_faults "{}" >/dev/null || true; rw_private_stop_all; rm -rf "$E2E_TMP"' EXIT

sleep_sql="select 42 as answer from pg_sleep(1.5)"

psql_private() {
  rw_private_psql "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" -A -t -v ON_ERROR_STOP=1 "$@"
}

# round NAME FAULTS_JSON MIN_DESCRIBES MAX_DESCRIBES EXECUTES: the 1.5 s select through a fresh
# redwire gives its row, within 1.5 s + the longest pause, with Describe calls in the range.
round() {
  local name=$1 faults=$2 min_d=$3 max_d=$4 execs=$5 t0 ms out d
  e2e_log "$name: faults: $(emu_set_faults "$faults")"
  rw_private_start "$name"
  emu_reset_stats
  t0=$(e2e_now_ms)
  out=$(psql_private -c "$sleep_sql" 2>"$E2E_TMP/err") ||
    e2e_fail "$name: the select failed: $(cat "$E2E_TMP/err")"
  ms=$(($(e2e_now_ms) - t0))
  read -r d <<<"$(emu_stats calls.DescribeStatement)"
  e2e_log "$name: $ms ms; ExecuteStatement=$(emu_stats calls.ExecuteStatement) DescribeStatement=$d GetStatementResult=$(emu_stats calls.GetStatementResult)"
  e2e_expect_eq "$name: the row" 42 "$out"
  e2e_expect_eq "$name: ExecuteStatement calls" "$execs" "$(emu_stats calls.ExecuteStatement)"
  [ "$d" -ge "$min_d" ] && [ "$d" -le "$max_d" ] ||
    e2e_fail "$name: $d DescribeStatement calls, expected $min_d..$max_d"
  # 1.5 s of statement, then at most one pause of the schedule (50 ms x 1.5^n: 570 ms around
  # 1.5 s), plus psql's login and slack for a loaded machine.
  [ "$ms" -lt 4000 ] || e2e_fail "$name: the 1.5 s statement took $ms ms"
}

# Control: the emulator holds ExecuteStatement until the statement ends; nothing to poll.
round long-poll '{}' 0 0 1
rw_private_stop

# An endpoint that ignores WaitTimeSeconds: pauses of 50, 75, 112, 169, 253, 380, 570 ms cover
# 1.5 s in about 7 calls (an unpaced loop would make hundreds).
round ignored '{"wait-time":"ignore"}' 3 15 1
rw_private_stop

# An endpoint that refuses it: the first ExecuteStatement is refused and sent again without the
# member (2 calls, same ClientToken); redwire says so once in its log; the next statement goes
# without it from the start (1 more call).
round refused '{"wait-time":"reject"}' 3 15 2
grep -q 'refused WaitTimeSeconds' "$RW_LOG" || e2e_fail "refused: no warning in $RW_LOG"
emu_reset_stats
e2e_expect_eq "refused: a second statement" 7 "$(psql_private -c 'select 7')"
e2e_expect_eq "refused: its ExecuteStatement calls" 1 "$(emu_stats calls.ExecuteStatement)"
e2e_expect_eq "refused: warnings in the log" 1 "$(grep -c 'refused WaitTimeSeconds' "$RW_LOG")"

# Ctrl-C while redwire polls: the statement is cancelled on the service within 1 s.
sleeping() {
  direct_value "select count(*) from pg_stat_activity where state = 'active'
    and pid <> pg_backend_pid() and query like '%e2e_polling_cancel%'"
}
# A simple command, so that $! is psql itself (a function would run in a subshell).
PGPASSWORD=$AWS_SECRET_ACCESS_KEY psql -X -A -h 127.0.0.1 -p "$RW_PORT" -U "$AWS_ACCESS_KEY_ID" \
  -c "select pg_sleep(30), 'e2e_polling_cancel'" dev >"$E2E_TMP/cancel.out" 2>&1 &
psql_pid=$!
for _ in $(seq 100); do
  [ "$(sleeping)" -ge 1 ] && break
  sleep 0.05
done
[ "$(sleeping)" -ge 1 ] || e2e_fail "refused: pg_sleep(30) never ran: $(cat "$E2E_TMP/cancel.out")"
sleep 0.5 # well into the polling
t0=$(e2e_now_ms)
kill -INT "$psql_pid"
wait "$psql_pid" || true
gone=
for _ in $(seq 40); do
  if [ "$(sleeping)" = 0 ]; then
    gone=$(($(e2e_now_ms) - t0))
    break
  fi
  sleep 0.025
done
e2e_log "refused: pg_sleep gone ${gone:-never} ms after SIGINT; psql said: $(tr '\n' ' ' <"$E2E_TMP/cancel.out")"
[ -n "$gone" ] && [ "$gone" -lt 1000 ] || e2e_fail "refused: the statement was not cancelled within 1 s"
grep -q 'canceling statement due to user request' "$E2E_TMP/cancel.out" ||
  e2e_fail "refused: psql did not report the cancel: $(cat "$E2E_TMP/cancel.out")"
rw_private_stop

# wait_time_seconds = 0: redwire never asks for a long poll, so even an endpoint that would hold
# the answer is polled.
emu_set_faults '{}' >/dev/null
RW_EXTRA_AWS="wait_time_seconds = 0" round configured '{}' 3 15 1
rw_private_stop
e2e_expect_redwire_alive
