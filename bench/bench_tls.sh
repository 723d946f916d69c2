#!/usr/bin/env bash
# bench/bench_tls.sh — what TLS to clients costs: one redwire (client_tls_sslmode = prefer, a
# P-256 test certificate, iam logins) on an emulator stack, each measurement with
# sslmode=disable and sslmode=require:
#   logins   pgbench -C -t N (a new connection, TLS handshake, login and `select 1` each; N is
#            kept small: every connection leaves a Data API session on the emulator for a while)
#   rows     psql fetching 200 000 rows of ~110 bytes: elapsed ms (median of 3) and redwire's CPU
#            time for the three runs (utime+stime from /proc, steadier than elapsed time on a
#            busy machine)
#
#   bench/bench_tls.sh [--build-dir DIR] [-n CONNECTIONS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=$repo/build
n=120
while [ $# -gt 0 ]; do
  case $1 in
  --build-dir) build=$(cd "$2" && pwd); shift 2 ;;
  -n) n=$2; shift 2 ;;
  *) echo "usage: $0 [--build-dir DIR] [-n CONNECTIONS]" >&2; exit 2 ;;
  esac
done
E2E_NAME=bench_tls
E2E_TMP=$(mktemp -d /tmp/bench_tls.XXXXXX)
e2e_fail() { echo "bench_tls: $*" >&2; exit 1; }
e2e_log() { :; }
state=$E2E_TMP/stack
"$repo/tests/stack" up --build-dir "$build" --state-dir "$state" >/dev/null
# shellcheck disable=SC1091
. "$state/env"
. "$repo/tests/e2e/e2e_tls_lib.sh"
trap 'cat "$D/pgbench.err" 2>/dev/null | tail -3; own_redwire_stop; "$repo/tests/stack" down --state-dir "$state" >/dev/null; rm -rf "$E2E_TMP"' EXIT
D=$E2E_TMP
tls_make_ca "$D" ca
tls_make_cert "$D" ca server localhost "DNS:localhost,IP:127.0.0.1"
own_redwire_start bench 127.0.0.1 "client_tls_sslmode = prefer
client_tls_cert_file = $D/server.crt
client_tls_key_file = $D/server.key
log_level = warning"
export PGPASSWORD=$AWS_SECRET_ACCESS_KEY PGCLIENTENCODING=UTF8
echo "select 1;" >"$D/select1.sql"
printf '%-8s %-14s %s\n' what sslmode result
for mode in disable require; do
  tps=$(PGSSLMODE=$mode pgbench -n -C -M simple -t "$n" -f "$D/select1.sql" \
    -h 127.0.0.1 -p "$OWN_PORT" -U "$AWS_ACCESS_KEY_ID" dev 2>"$D/pgbench.err" |
    awk '/^tps/ {print $3; exit}')
  printf '%-8s %-14s %s connections+queries/s\n' logins "$mode" "$tps"
done
cpu_ms() { # redwire's user+system CPU time so far, in ms
  awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$OWN_PID/stat"
}
for mode in disable require; do
  times=()
  c0=$(cpu_ms)
  for _ in 1 2 3; do
    t0=$(date +%s%N)
    own_psql "sslmode=$mode" "select repeat('x', 100) || g from generate_series(1, 200000) g" >/dev/null
    times+=($((($(date +%s%N) - t0) / 1000000)))
  done
  med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
  printf '%-8s %-14s %s ms (runs: %s), redwire CPU %s ms for the 3 runs\n' rows "$mode" "$med" \
    "${times[*]}" $(($(cpu_ms) - c0))
done
