#!/usr/bin/env bash
# e2e_farewell: a client that goes away inside a transaction leaves no transaction behind on its
# Data API session. PostgreSQL rolls a backend's transaction back when its client disconnects;
# the Data API session would otherwise keep it (and its locks) until SessionKeepAliveSeconds run
# out, so redwire sends ROLLBACK on the session as the connection closes (px_farewell.c).
# Each case: psql opens a transaction through redwire, writes, and exits without COMMIT; then a
# direct connection must get an exclusive lock on the table within lock_timeout and see no row.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"

rolled_back() { grep -c 'rolled back the open transaction' "$REDWIRE_LOG" || true; }

# $1 names the case, $2 is the SQL psql runs through redwire before it disconnects.
check_case() {
  local what=$1 sql=$2 before
  direct_value "drop table if exists e2e_fw; create table e2e_fw(a int)" >/dev/null
  before=$(rolled_back)
  rw_psql -q -c "$sql" >/dev/null 2>&1 || true # the failed-block case exits non-zero
  # Blocks until the session's transaction is gone; fails after 10 s if it never goes.
  local got
  got=$(direct_value "set lock_timeout = '10s'; lock table e2e_fw in access exclusive mode; select count(*) from e2e_fw") ||
    e2e_fail "$what: the table is still locked by the disconnected client's transaction"
  e2e_expect_eq "$what: rows left by the disconnected client" 0 "$(echo "$got" | tail -n 1)"
  e2e_expect_eq "$what: ROLLBACKs logged" $((before + 1)) "$(rolled_back)"
}

check_case "open block" "BEGIN; INSERT INTO e2e_fw VALUES (1)"
check_case "failed block" "BEGIN; INSERT INTO e2e_fw VALUES (1); SELECT 1/0"

# The client dies while a statement of its transaction runs: the statement is cancelled on the
# service first, and the ROLLBACK waits (retrying) until the session is free again.
direct_value "drop table if exists e2e_fw; create table e2e_fw(a int)" >/dev/null
before=$(rolled_back)
rw_psql -q -c "BEGIN; INSERT INTO e2e_fw VALUES (1); SELECT pg_sleep(30)" >/dev/null 2>&1 &
client=$!
for _ in $(seq 50); do # until the sleep runs on the service
  [ "$(direct_value "select count(*) from pg_stat_activity where query like '%pg_sleep(30)%' and pid <> pg_backend_pid()")" = 1 ] && break
  sleep 0.1
done
pkill -9 -P "$client" psql || e2e_fail "killed mid-statement: no psql to kill" # rw_psql's child
wait "$client" 2>/dev/null || true
got=$(direct_value "set lock_timeout = '10s'; lock table e2e_fw in access exclusive mode; select count(*) from e2e_fw") ||
  e2e_fail "killed mid-statement: the table is still locked by the dead client's transaction"
e2e_expect_eq "killed mid-statement: rows left by the dead client" 0 "$(echo "$got" | tail -n 1)"
e2e_expect_eq "killed mid-statement: ROLLBACKs logged" $((before + 1)) "$(rolled_back)"

# Outside a transaction nothing is left open, and closing costs no Data API call.
before=$(rolled_back)
emu_reset_stats
rw_psql -q -c "INSERT INTO e2e_fw VALUES (2)" >/dev/null
sleep 0.5
e2e_expect_eq "autocommit: ROLLBACKs logged" "$before" "$(rolled_back)"
e2e_expect_eq "autocommit: ExecuteStatement calls (the INSERT alone)" 1 \
  "$(emu_stats calls.ExecuteStatement)"
e2e_expect_eq "autocommit: the row stays" 1 "$(direct_value "select count(*) from e2e_fw")"
direct_value "drop table e2e_fw" >/dev/null
