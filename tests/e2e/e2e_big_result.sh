#!/usr/bin/env bash
# e2e_big_result: a 1 000 000-row select streams through redwire with the same rows as directly
# (line count + md5 of `psql -A -t`), while redwire's peak RSS (VmHWM) stays well under 64 MiB:
# memory per connection must not depend on the size of the result. Then a client that stops
# reading ($1 = pg_slow_reader) must make redwire pause the Data API transfer (few pages fetched
# during the stall) with its memory still bounded, and still get every row afterwards.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir
reader=${1:?usage: e2e_big_result.sh PATH_TO_pg_slow_reader}
[ -x "$reader" ] || e2e_fail "$reader is not an executable (build the pg_slow_reader target)"

rows=1000000
# The same bound holds under ASan+UBSan (measured: ~36 MiB there, ~12 MiB without sanitizers);
# the build kind is printed so the figure can be read in context.
limit_kib=$((64 * 1024))
if e2e_sanitized_build; then
  e2e_log "redwire is a sanitizer build (its RSS includes ASan's shadow memory and quarantine)"
fi
sql="select g, md5(g::text) as h, g * 0.25 as q from generate_series(1, $rows) as g"

# Runs psql ($1 = rw_psql | direct_psql) and leaves "<lines> <md5>" in $E2E_TMP/$2 and the wall
# time in milliseconds in $E2E_TMP/$2.ms.
run_select() {
  local client=$1 tag=$2 t0 t1
  t0=$(e2e_now_ms)
  "$client" -A -t -v ON_ERROR_STOP=1 -c "$sql" 2>"$E2E_TMP/$tag.err" |
    awk -v count="$E2E_TMP/$tag.lines" '{ print } END { print NR > count }' |
    md5sum | cut -d' ' -f1 >"$E2E_TMP/$tag.md5" ||
    e2e_fail "$tag: psql failed: $(cat "$E2E_TMP/$tag.err")"
  t1=$(e2e_now_ms)
  if [ -s "$E2E_TMP/$tag.err" ]; then
    e2e_fail "$tag: psql wrote to stderr: $(cat "$E2E_TMP/$tag.err")"
  fi
  echo "$(cat "$E2E_TMP/$tag.lines") $(cat "$E2E_TMP/$tag.md5")" >"$E2E_TMP/$tag"
  echo $((t1 - t0)) >"$E2E_TMP/$tag.ms"
}

vm_field() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$pid/status"; }

pid=$(redwire_pid)
[ -r "/proc/$pid/status" ] || e2e_fail "cannot read /proc/$pid/status (redwire's pid $pid)"
hwm_before=$(vm_field VmHWM)
# Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so the figure below is
# this select's peak, not the peak of an earlier test.
if echo 5 >"/proc/$pid/clear_refs" 2>/dev/null; then
  hwm_reset=$(vm_field VmHWM)
  e2e_log "redwire VmHWM before: ${hwm_before} kB; reset to current RSS: ${hwm_reset} kB"
else
  e2e_log "redwire VmHWM before: ${hwm_before} kB (cannot reset it: the figure below is lifetime peak)"
fi

run_select direct_psql direct
run_select rw_psql redwire
hwm=$(vm_field VmHWM)
rss=$(vm_field VmRSS)

read -r direct_lines direct_md5 <"$E2E_TMP/direct"
read -r rw_lines rw_md5 <"$E2E_TMP/redwire"
printf '%s: %-8s %10s %34s %10s\n' "$E2E_NAME" "" rows md5 "wall ms" \
  "$E2E_NAME" direct "$direct_lines" "$direct_md5" "$(cat "$E2E_TMP/direct.ms")" \
  "$E2E_NAME" redwire "$rw_lines" "$rw_md5" "$(cat "$E2E_TMP/redwire.ms")"
e2e_log "redwire peak RSS during the select (VmHWM): $hwm kB = $((hwm / 1024)) MiB;" \
  "VmRSS after: $rss kB; bound: $((limit_kib / 1024)) MiB"

e2e_expect_eq "rows directly" "$rows" "$direct_lines"
e2e_expect_eq "rows through redwire" "$rows" "$rw_lines"
e2e_expect_eq "md5 of the rows through redwire" "$direct_md5" "$rw_md5"
[ "$hwm" -lt "$limit_kib" ] ||
  e2e_fail "redwire's VmHWM $hwm kB is not under $limit_kib kB: memory grows with the result"
e2e_log "ok: VmHWM $hwm kB < $limit_kib kB"

# --- 2. a client that stops reading: backpressure ---------------------------------------------
# ~85 bytes per DataRow, ~85 MB in all: buffering it instead of pausing would blow the bound.
stall_ms=8000
page_rows=5000 # the emulator's --page-rows default (tests/stack sets no other)
pages=$((rows / page_rows))
slow_sql="select g, repeat(md5(g::text), 2) as h from generate_series(1, $rows) as g"
emu_reset_stats
echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
"$reader" "$REDWIRE_HOST" "$REDWIRE_PORT" "$stall_ms" "$slow_sql" >"$E2E_TMP/slow.out" 2>&1 &
reader_pid=$!
t0=$(e2e_now_ms)
# The sample only means something once pages flow: wait for the first GetStatementResult, then
# give redwire 2 s to fill its buffers and pause.
while [ "$(emu_stats calls.GetStatementResult)" = 0 ]; do
  [ $(($(e2e_now_ms) - t0)) -lt $((stall_ms - 3000)) ] ||
    e2e_fail "no GetStatementResult within $((stall_ms - 3000)) ms: cannot observe backpressure ($(cat "$E2E_TMP/slow.out"))"
  sleep 0.1
done
sleep 2
stalled_gets=$(emu_stats calls.GetStatementResult)
stalled_hwm=$(vm_field VmHWM)
stalled_at=$(($(e2e_now_ms) - t0))
rc=0
wait "$reader_pid" || rc=$?
total_gets=$(emu_stats calls.GetStatementResult)
slow_hwm=$(vm_field VmHWM)
e2e_log "slow reader: $(tail -n 1 "$E2E_TMP/slow.out")"
e2e_log "slow reader: ${stalled_at} ms into a ${stall_ms} ms stall, $stalled_gets of $total_gets" \
  "pages fetched, VmHWM $stalled_hwm kB; after the whole result VmHWM $slow_hwm kB"
[ $rc -eq 0 ] || e2e_fail "pg_slow_reader failed (exit $rc): $(cat "$E2E_TMP/slow.out")"
grep -qx "rows=$rows bytes=[0-9]* tag=SELECT $rows" "$E2E_TMP/slow.out" ||
  e2e_fail "pg_slow_reader did not get $rows rows: $(cat "$E2E_TMP/slow.out")"
e2e_expect_eq "pages fetched in all" "$pages" "$total_gets"
[ "$stalled_gets" -lt $((pages / 4)) ] ||
  e2e_fail "$stalled_gets of $pages pages fetched while the client read nothing: the transfer was not paused"
e2e_log "ok: transfer paused while the client did not read ($stalled_gets < $((pages / 4)) pages)"
[ "$slow_hwm" -lt "$limit_kib" ] ||
  e2e_fail "redwire's VmHWM $slow_hwm kB with a slow reader is not under $limit_kib kB"
e2e_log "ok: VmHWM with a slow reader $slow_hwm kB < $limit_kib kB"
e2e_expect_redwire_alive
