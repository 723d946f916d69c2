#!/usr/bin/env bash
# e2e_pgbench: pgbench through redwire. The tables are initialised DIRECTLY on PostgreSQL
# (`pgbench -i` loads them with COPY, which the Data API cannot carry); then the built-in
# select-only script and a custom read-write transaction run through redwire with 4 clients in
# each query mode (simple; extended and prepared: Bind parameters), and every transaction must
# succeed and leave consistent data.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir

clients=4
tx_per_client=25
expected_tx=$((clients * tx_per_client))

PGTZ=UTC PGCONNECT_TIMEOUT=10 pgbench -i -s 1 -q -h "$PGHOST_DIRECT" -p "$PGPORT_DIRECT" \
  -U "$PGUSER_DIRECT" "$PGDATABASE_DIRECT" >"$E2E_TMP/init.log" 2>&1 ||
  e2e_fail "pgbench -i directly on PostgreSQL failed: $(cat "$E2E_TMP/init.log")"
e2e_log "pgbench -i -s 1 directly: $(direct_value 'select count(*) from pgbench_accounts') accounts"

# Runs pgbench through redwire with the given arguments; checks the transaction counts and prints
# the tps. $1 names the run.
run_bench() {
  local name=$1 mode=$2 rc=0 log=$E2E_TMP/$1-$2.log processed failed tps
  shift 2
  PGPASSWORD=$AWS_SECRET_ACCESS_KEY PGCONNECT_TIMEOUT=10 pgbench -h "$REDWIRE_HOST" \
    -p "$REDWIRE_PORT" -U "$AWS_ACCESS_KEY_ID" -M "$mode" -c "$clients" -j 2 -t "$tx_per_client" \
    "$@" dev >"$log" 2>&1 || rc=$?
  if [ $rc -ne 0 ]; then
    cat "$log" >&2
    e2e_fail "$name: pgbench through redwire exited with $rc (log above)"
  fi
  processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\)\/.*/\1/p' "$log")
  failed=$(sed -n 's/^number of failed transactions: \([0-9]*\) .*/\1/p' "$log")
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)$/\1/p' "$log")
  e2e_expect_eq "$name: transactions processed" "$expected_tx" "${processed:-<no line>}"
  e2e_expect_eq "$name: failed transactions" 0 "${failed:-<no line>}"
  [ -n "$tps" ] || e2e_fail "$name: no tps line in pgbench's output: $(cat "$log")"
  e2e_log "$name: tps = $tps (without initial connection time), $clients clients, -M $mode"
}

for mode in simple extended prepared; do
  run_bench select-only $mode -S
done

# A read-write transaction like TPC-B's: pgbench_history gets each delta, so afterwards the sum of
# all balances must equal the sum of the history (both start at 0 after -i).
cat >"$E2E_TMP/rw.sql" <<'EOF'
\set aid random(1, 100000 * :scale)
\set delta random(-5000, 5000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 1, :aid, :delta, CURRENT_TIMESTAMP);
END;
EOF
# -n: no VACUUM / TRUNCATE pgbench_history before each run, so that the history of all three runs
# adds up.
for mode in simple extended prepared; do
  run_bench read-write $mode -n -f "$E2E_TMP/rw.sql"
done

history=$(direct_value "select count(*) from pgbench_history")
e2e_expect_eq "rows in pgbench_history (one per committed transaction)" "$((3 * expected_tx))" "$history"
e2e_expect_eq "sum(abalance) = sum(delta)" \
  "$(direct_value 'select coalesce(sum(delta), 0) from pgbench_history')" \
  "$(direct_value 'select sum(abalance) from pgbench_accounts')"
direct_value "drop table pgbench_accounts, pgbench_branches, pgbench_tellers, pgbench_history" >/dev/null
e2e_expect_redwire_alive
