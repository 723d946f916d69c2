#!/usr/bin/env bash
# e2e_multi: multi-statement simple queries (`psql -c 'a; b'` sends them as ONE Query message).
# For every case, psql's output (stdout + stderr), its exit code and the tables left behind must
# be the same through redwire as directly on PostgreSQL: results in order, empty statements, and
# PostgreSQL's implicit transaction (an error stops the rest and rolls back what ran before it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir

cases=(
  'select 1; select 2'
  'select 1; select 2;'
  'select 1;;select 2'
  ';'
  ';;'
  ''
  '-- only a comment'
  '/* only a comment */ ;'
  $'select \'a;b\' as "x;y"; select $$c;d$$ as e; select E\'\\\';\' as f'
  'select g from generate_series(1, 3) as g; select 4 as four'
  'create table e2e_m1(a int); insert into e2e_m1 values (1), (2); select 1/0; create table e2e_m2(a int)'
  'create table e2e_m1(a int); create table e2e_m2(a int)'
  'insert into e2e_m3 values (1); insert into e2e_m3 values (2); select 1/0'
  'insert into e2e_m3 values (1); update e2e_m3 set a = a + 1; delete from e2e_m3 where a > 100'
  'select 1; select 1/0; select 3'
  'begin; insert into e2e_m3 values (1); commit; insert into e2e_m3 values (2); select 1/0'
  'begin; insert into e2e_m3 values (1); select 1/0; commit'
  # Implicit blocks around transaction control (PostgreSQL 15 xact.c): BEGIN turns the open
  # implicit block into a regular one (earlier statements belong to it), COMMIT/ROLLBACK end it
  # with a WARNING, and what follows runs in a new implicit block.
  'select 1; begin; insert into e2e_m3 values (1); rollback; insert into e2e_m3 values (2)'
  'insert into e2e_m3 values (1); begin; insert into e2e_m3 values (2); commit'
  'insert into e2e_m3 values (1); begin; insert into e2e_m3 values (2); rollback'
  'begin; select 1/0; select 2'
  'insert into e2e_m3 values (1); commit; select 1/0'
  'insert into e2e_m3 values (1); rollback'
  'insert into e2e_m3 values (1); commit; insert into e2e_m3 values (2); rollback'
  'commit; insert into e2e_m3 values (1); select 1/0'
  'insert into e2e_m3 values (1); begin; begin; commit'
  # Savepoints: fine in an explicit block, 25P01 in an implicit one (which is rolled back).
  'begin; savepoint s; insert into e2e_m3 values (1); release s; insert into e2e_m3 values (2); commit'
  'begin; insert into e2e_m3 values (1); savepoint s; insert into e2e_m3 values (2); rollback to s; commit'
  'insert into e2e_m3 values (1); savepoint s; insert into e2e_m3 values (2)'
  'select 1; release s'
  'insert into e2e_m3 values (1); commit and chain'
)
# Each case also runs followed by a second Query on the same connection, whose answer shows the
# transaction status the first one left (25P02 after a failed block, rows when idle).
after_sql='select count(*) as after from e2e_m3'

# The state a case leaves behind, read directly: which tables exist and what e2e_m3 holds.
state_sql="select to_regclass('e2e_m1') is not null as m1, to_regclass('e2e_m2') is not null as m2,
  (select count(*) from e2e_m3) as m3_rows, (select coalesce(sum(a), 0) from e2e_m3) as m3_sum"
reset_sql="drop table if exists e2e_m1, e2e_m2, e2e_m3; create table e2e_m3(a int)"

# Runs case $2 with client $1 ($3 = tag) and writes output, exit code and state to $E2E_TMP/$3.
run_case() {
  local client=$1 sql=$2 tag=$3 rc=0
  direct_value "$reset_sql" >/dev/null || e2e_fail "could not reset the tables directly"
  "$client" -A -c "$sql" -c "$after_sql" >"$E2E_TMP/$tag" 2>&1 || rc=$?
  {
    echo "exit code: $rc"
    echo "state: $(direct_value "$state_sql")"
  } >>"$E2E_TMP/$tag"
}

n=0
for sql in "${cases[@]}"; do
  n=$((n + 1))
  run_case direct_psql "$sql" direct.$n
  run_case rw_psql "$sql" redwire.$n
  if ! cmp -s "$E2E_TMP/direct.$n" "$E2E_TMP/redwire.$n"; then
    printf -- '--- case %d: psql -c [%s] ---\n' "$n" "$sql" >&2
    diff -u --label direct --label redwire "$E2E_TMP/direct.$n" "$E2E_TMP/redwire.$n" >&2 || true
    e2e_fail "case $n differs from PostgreSQL (diff above)"
  fi
  printf '%s: ok: case %d [%s] -> %s\n' "$E2E_NAME" "$n" "$sql" \
    "$(tail -n 2 "$E2E_TMP/redwire.$n" | tr '\n' ' ')"
done
direct_value "drop table if exists e2e_m1, e2e_m2, e2e_m3" >/dev/null
e2e_log "ok: all $n multi-statement cases identical to PostgreSQL"
