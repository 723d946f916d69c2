#!/usr/bin/env bash
# e2e_cancel: Ctrl-C in psql (SIGINT → psql sends a CancelRequest to redwire) stops a running
# `select pg_sleep(30)`: psql prints 57014 "canceling statement due to user request" and exits
# within 1 s of the signal, and the statement is gone from PostgreSQL within 1 s. A psql killed
# with SIGKILL mid-statement (the client just disappears) must also end the statement within 1 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir

limit_ms=1000

# Active statements on PostgreSQL whose text holds marker $1 (not counting this query itself).
active_count() {
  direct_value "select count(*) from pg_stat_activity where state = 'active'
    and pid <> pg_backend_pid() and query like '%$1%'"
}

# Waits up to 10 s for the statement with marker $1 to run on PostgreSQL.
wait_running() {
  local i
  for ((i = 0; i < 100; i++)); do
    [ "$(active_count "$1")" -ge 1 ] && return 0
    sleep 0.1
  done
  e2e_fail "the statement '$1' never showed up as active in pg_stat_activity (psql: $(cat "$E2E_TMP"/*.err))"
}

# Waits up to $2 ms for the statement with marker $1 to leave PostgreSQL; prints the ms it took
# from $3 (a start time in ms), or fails.
wait_gone() {
  local marker=$1 max=$2 t0=$3 now
  while :; do
    now=$(e2e_now_ms)
    if [ "$(active_count "$marker")" = 0 ]; then
      echo $((now - t0))
      return 0
    fi
    if [ $((now - t0)) -gt $((max + 4000)) ]; then
      echo $((now - t0))
      return 0 # still running long after the limit: the caller reports it
    fi
    sleep 0.05
  done
}

# Starts psql through redwire on $1 in the background; its pid is left in $psql_pid. Started as
# a simple command so $! is psql itself, not a subshell.
start_sleep() {
  local marker=$1
  PGPASSWORD=$AWS_SECRET_ACCESS_KEY psql -X -A -v VERBOSITY=verbose -h "$REDWIRE_HOST" \
    -p "$REDWIRE_PORT" -U "$AWS_ACCESS_KEY_ID" -c "select pg_sleep(30), '$marker' as marker" dev \
    >"$E2E_TMP/$marker.out" 2>"$E2E_TMP/$marker.err" &
  psql_pid=$!
}

# --- 1. SIGINT, as Ctrl-C ----------------------------------------------------------------------
marker=e2e_cancel_sigint_$$
start_sleep "$marker"
wait_running "$marker"
sleep 1
t_sig=$(e2e_now_ms)
kill -INT "$psql_pid"
rc=0
while kill -0 "$psql_pid" 2>/dev/null; do
  if [ $(($(e2e_now_ms) - t_sig)) -gt $((limit_ms + 4000)) ]; then
    kill -9 "$psql_pid" 2>/dev/null || true
    break
  fi
  sleep 0.01
done
wait "$psql_pid" || rc=$?
exit_ms=$(($(e2e_now_ms) - t_sig))
gone_ms=$(wait_gone "$marker" "$limit_ms" "$t_sig")
e2e_log "SIGINT: psql exited after ${exit_ms} ms (exit code $rc); pg_sleep gone from" \
  "pg_stat_activity after ${gone_ms} ms; psql said: $(head -n 1 "$E2E_TMP/$marker.err")"
grep -q '^ERROR:  57014: canceling statement due to user request$' "$E2E_TMP/$marker.err" ||
  e2e_fail "psql did not print '57014: canceling statement due to user request'; stderr: $(cat "$E2E_TMP/$marker.err")"
e2e_expect_eq "psql exit code after a cancelled statement" 1 "$rc"
[ "$exit_ms" -le "$limit_ms" ] || e2e_fail "psql exited ${exit_ms} ms after SIGINT (limit ${limit_ms} ms)"
[ "$gone_ms" -le "$limit_ms" ] ||
  e2e_fail "pg_sleep still active on PostgreSQL ${gone_ms} ms after SIGINT (limit ${limit_ms} ms)"
e2e_log "ok: cancelled via CancelRequest within ${limit_ms} ms"

# --- 2. the client disappears (SIGKILL) ----------------------------------------------------------
marker=e2e_cancel_kill_$$
start_sleep "$marker"
wait_running "$marker"
sleep 1
t_sig=$(e2e_now_ms)
kill -9 "$psql_pid"
wait "$psql_pid" 2>/dev/null || true
gone_ms=$(wait_gone "$marker" "$limit_ms" "$t_sig")
e2e_log "SIGKILL: pg_sleep gone from pg_stat_activity ${gone_ms} ms after psql was killed"
[ "$gone_ms" -le "$limit_ms" ] ||
  e2e_fail "pg_sleep still active ${gone_ms} ms after its client was killed (limit ${limit_ms} ms)"
e2e_log "ok: a vanished client's statement cancelled within ${limit_ms} ms"

# --- 3. the server is fine and a new connection works -------------------------------------------
e2e_expect_eq "select through redwire after the cancels" ok "$(rw_psql -A -t -c "select 'ok'")"
e2e_expect_redwire_alive
