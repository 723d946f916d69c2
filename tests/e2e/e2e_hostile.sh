#!/usr/bin/env bash
# e2e_hostile: malformed and oversized frontend messages on raw TCP connections (pg_hostile, $1)
# are refused with 08P01 + close, or a close, within 2 s each; afterwards redwire is still the same
# process, psql still works through it, and its log holds no sanitizer report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"

tool=${1:?usage: e2e_hostile.sh PATH_TO_pg_hostile}
[ -x "$tool" ] || e2e_fail "$tool is not an executable (build the pg_hostile target)"
pid_before=$(redwire_pid)
e2e_expect_redwire_alive

rc=0
timeout 300 "$tool" "$REDWIRE_HOST" "$REDWIRE_PORT" || rc=$?
[ $rc -eq 124 ] && e2e_fail "pg_hostile did not finish within 300 s: something hangs"
[ $rc -eq 0 ] || e2e_fail "pg_hostile reported failures (exit $rc; lines starting with FAIL above)"

e2e_expect_eq "redwire's pid after the hostile connections" "$pid_before" "$(redwire_pid)"
e2e_expect_redwire_alive
e2e_expect_eq "psql through redwire afterwards" "still works" \
  "$(rw_psql -A -t -v ON_ERROR_STOP=1 -c "select 'still works'")"
# Sanitizer reports go to redwire's stderr (redwire.out in the state dir), its own lines to the log.
for f in "${REDWIRE_LOG:-}" "${REDWIRE_STATE_DIR:-}/redwire.out"; do
  if [ -z "$f" ] || [ ! -r "$f" ]; then
    continue
  fi
  if grep -nE 'AddressSanitizer|LeakSanitizer|runtime error:' "$f" >&2; then
    e2e_fail "sanitizer report in $f (lines above)"
  fi
  e2e_log "ok: no sanitizer report in $f"
done
