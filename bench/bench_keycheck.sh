#!/usr/bin/env bash
# bench/bench_keycheck.sh — login latency added by the IAM key check (auth_mode = iam): N
# sequential logins (new TCP connection, startup, cleartext password, up to ReadyForQuery, with
# tests/e2e/pg_login) against three redwire instances on one emulator stack:
#   off     iam_key_check = off (no STS call)
#   cold    iam_key_check = on, iam_check_cache_seconds = 0 (one STS GetCallerIdentity per login)
#   cached  iam_key_check = on, iam_check_cache_seconds = 300 (one STS call, then cache hits)
#   cold+20ms / cached+20ms  the same with every STS answer delayed 20 ms (/_emulator/sts
#           latency-ms), standing in for the round trip to sts.<region>.amazonaws.com
# STS is the emulator on loopback, so "cold" measures redwire's own cost of the check (signing,
# one HTTP round trip on a kept-alive connection, XML parsing) plus a loopback STS.
#
#   bench/bench_keycheck.sh [--build-dir DIR] [-n N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=$repo/build
n=200
while [ $# -gt 0 ]; do
  case $1 in
  --build-dir) build=$(cd "$2" && pwd); shift 2 ;;
  -n) n=$2; shift 2 ;;
  *) echo "usage: $0 [--build-dir DIR] [-n N]" >&2; exit 2 ;;
  esac
done
pg_login=$build/tests/e2e/pg_login
[ -x "$pg_login" ] || { echo "$pg_login missing: build first" >&2; exit 1; }

E2E_NAME=bench_keycheck
E2E_TMP=$(mktemp -d /tmp/bench_keycheck.XXXXXX)
e2e_fail() { echo "bench_keycheck: $*" >&2; exit 1; }
state=$E2E_TMP/stack
"$repo/tests/stack" up --build-dir "$build" --state-dir "$state" >/dev/null
# shellcheck disable=SC1091
. "$state/env"
. "$repo/tests/e2e/e2e_private.sh"
trap 'rw_private_stop_all; "$repo/tests/stack" down --state-dir "$state" >/dev/null; rm -rf "$E2E_TMP"' EXIT

run() {
  local name=$1 extra=$2 out
  RW_EXTRA_REDWIRE=$extra rw_private_start "$name"
  "$pg_login" 127.0.0.1 "$RW_PORT" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >/dev/null # warm-up
  out=$("$pg_login" -n "$n" 127.0.0.1 "$RW_PORT" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY")
  printf '%-12s %s\n' "$name" "$out"
  rw_private_stop
}

echo "login latency, $n sequential logins each (redwire $(git -C "$repo" rev-parse --short HEAD), $(nproc) cores)"
curl -fsS -X POST "$EMULATOR_URL/_emulator/reset-stats" >/dev/null
run off "iam_key_check = off"
run cold "iam_check_cache_seconds = 0"
run cached "iam_check_cache_seconds = 300"
echo "STS GetCallerIdentity calls: $(curl -fsS "$EMULATOR_URL/_emulator/stats" |
  sed -n 's/.*"GetCallerIdentity":\([0-9]*\).*/\1/p') (expected $((n + 2)): cold $((n + 1)) incl. warm-up, cached 1)"
curl -fsS -X POST -d '{"latency-ms":20}' "$EMULATOR_URL/_emulator/sts" >/dev/null
n_slow=$((n < 100 ? n : 100))
n_all=$n
n=$n_slow
run cold+20ms "iam_check_cache_seconds = 0"
n=$n_all
run cached+20ms "iam_check_cache_seconds = 300"
curl -fsS -X POST -d '{"latency-ms":0}' "$EMULATOR_URL/_emulator/sts" >/dev/null
