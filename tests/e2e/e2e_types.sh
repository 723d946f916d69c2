#!/usr/bin/env bash
# e2e_types: every type the emulator maps (types.sql) prints through redwire exactly as psql prints
# it straight from the PostgreSQL behind the emulator: `psql -X -A` output must be byte-identical.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir

sql=$here/types.sql
direct_psql -A -v ON_ERROR_STOP=1 -f "$sql" >"$E2E_TMP/direct.out" 2>"$E2E_TMP/direct.err" ||
  e2e_fail "types.sql failed directly on PostgreSQL: $(cat "$E2E_TMP/direct.err")"

rc=0
rw_psql -A -v ON_ERROR_STOP=1 -f "$sql" >"$E2E_TMP/redwire.out" 2>"$E2E_TMP/redwire.err" || rc=$?
if [ $rc -ne 0 ] || [ -s "$E2E_TMP/redwire.err" ]; then
  e2e_fail "types.sql through redwire: psql exit $rc, stderr: $(cat "$E2E_TMP/redwire.err")"
fi

results=$(grep -cE '^\([0-9]+ rows?\)$' "$E2E_TMP/direct.out")
e2e_log "direct: $(wc -c <"$E2E_TMP/direct.out") bytes, $results result sets;" \
  "redwire: $(wc -c <"$E2E_TMP/redwire.out") bytes"
if ! cmp -s "$E2E_TMP/direct.out" "$E2E_TMP/redwire.out"; then
  echo "--- diff (direct PostgreSQL vs redwire) ---" >&2
  diff -u --label direct --label redwire "$E2E_TMP/direct.out" "$E2E_TMP/redwire.out" >&2 || true
  e2e_fail "psql -A output through redwire differs from PostgreSQL's (diff above)"
fi
e2e_log "ok: all $results result sets byte-identical"
