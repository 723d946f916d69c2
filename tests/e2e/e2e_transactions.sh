#!/usr/bin/env bash
# e2e_transactions: BEGIN/ROLLBACK/COMMIT, 25P02 after an error inside a transaction until
# ROLLBACK, COMMIT of an aborted transaction, SET/SET LOCAL and temporary tables across statements
# (transactions.sql). psql's whole output through redwire must equal PostgreSQL's, what other
# sessions see mid-transaction must be the same, and e2e_tx must end with the same rows.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir

# The peek script transactions.sql runs with `\!`: e2e_tx's row count from another connection.
cat >"$E2E_TMP/peek" <<EOF
#!/bin/sh
n=\$(PGCONNECT_TIMEOUT=10 psql -X -q -A -t -h "$PGHOST_DIRECT" -p "$PGPORT_DIRECT" -U "$PGUSER_DIRECT" \
  -c "select count(*) from e2e_tx" "$PGDATABASE_DIRECT") || n="peek failed"
echo "\$1: other sessions see \$n rows"
EOF
chmod +x "$E2E_TMP/peek"
export E2E_PEEK=$E2E_TMP/peek

# Runs transactions.sql with client $1 into $E2E_TMP/$2.{out,err,rc,state}.
run_script() {
  local client=$1 tag=$2 rc=0
  direct_value "drop table if exists e2e_tx; create table e2e_tx(a int)" >/dev/null
  (cd "$here" && "$client" -A -f transactions.sql) >"$E2E_TMP/$tag.out" 2>"$E2E_TMP/$tag.err" || rc=$?
  echo "$rc" >"$E2E_TMP/$tag.rc"
  direct_value "select count(*), coalesce(sum(a), 0) from e2e_tx" >"$E2E_TMP/$tag.state"
}

run_script direct_psql direct
run_script rw_psql redwire
direct_value "drop table if exists e2e_tx" >/dev/null

# The key facts one by one, so a failure says which one broke.
line_of() { grep -m1 -A1 -x "$1" "$E2E_TMP/redwire.out" | tail -n 1; }
e2e_expect_eq "temp table summed in a later statement" 3 "$(line_of temp_sum)"
e2e_expect_eq "rows after BEGIN; INSERT; ROLLBACK" 0 "$(line_of after_rollback)"
e2e_expect_eq "rows after BEGIN; INSERT; COMMIT" "1|2" "$(line_of 'after_commit|sum')"
for pair in uncommitted_insert:0 before_commit:0 after_commit:1; do
  grep -qx "${pair%%:*}: other sessions see ${pair#*:} rows" "$E2E_TMP/redwire.out" ||
    e2e_fail "another session should see ${pair#*:} rows at ${pair%%:*}: $(grep "^${pair%%:*}:" "$E2E_TMP/redwire.out" || echo 'no line')"
done
e2e_log "ok: another session saw 0 rows before COMMIT and 1 after"
for pair in after_error=22012 select_in_aborted=25P02 insert_in_aborted=25P02 rollback=00000; do
  got=$(sed -n "s/^${pair%%=*} sqlstate=//p" "$E2E_TMP/redwire.out")
  e2e_expect_eq "SQLSTATE ${pair%%=*}" "${pair#*=}" "${got:-<missing>}"
done
grep -q '^ERROR:  current transaction is aborted, commands ignored until end of transaction block$' \
  <(sed 's/^psql:transactions.sql:[0-9]*: //' "$E2E_TMP/redwire.err") ||
  e2e_fail "no 'current transaction is aborted' error: $(cat "$E2E_TMP/redwire.err")"
e2e_expect_eq "rows after COMMIT of an aborted transaction" "1|2" "$(line_of 'after_failed_commit|sum')"
e2e_expect_eq "e2e_tx at the end (count|sum)" "$(cat "$E2E_TMP/direct.state")" "$(cat "$E2E_TMP/redwire.state")"
e2e_expect_eq "psql exit code" "$(cat "$E2E_TMP/direct.rc")" "$(cat "$E2E_TMP/redwire.rc")"

# Then everything, command tags (BEGIN, ROLLBACK for a failed COMMIT, START TRANSACTION, COMMIT for
# END, SET) and messages included.
for f in out err; do
  if ! cmp -s "$E2E_TMP/direct.$f" "$E2E_TMP/redwire.$f"; then
    diff -u --label direct --label redwire "$E2E_TMP/direct.$f" "$E2E_TMP/redwire.$f" >&2 || true
    e2e_fail "psql's std$f through redwire differs from PostgreSQL's (diff above)"
  fi
done
e2e_log "ok: transactions.sql output identical to PostgreSQL's" \
  "($(wc -l <"$E2E_TMP/redwire.out") stdout lines, $(grep -c ERROR "$E2E_TMP/redwire.err") errors)"
