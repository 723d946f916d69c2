#!/usr/bin/env bash
# bench/bench_tls.sh — what TLS to clients costs: one redwire (client_tls_sslmode = prefer, a
# P-256 test certificate, iam logins) on an emulator stack, each measurement with
# sslmode=disable and sslmode=require:
#   logins   pgbench -C -t N (a new connection, TLS handshake, login and `select 1` each; N is
#            kept small: every connection leaves a Data API session on the emulator for a while)
#   rows     psql fetching 200 000 rows of ~110 bytes: elapsed ms (median of 3) and redwire's CPU
#            time for the three runs (utime+stime from /proc, steadier than elapsed time on a
#            busy machine)
#   idle     redwire's RSS growth per logged-in idle connection, 300 connections held open
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

idle_kb() { # mode: prints the RSS growth per connection in kB with 300 idle connections
  /usr/bin/python3 - "$OWN_PORT" "$OWN_PID" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "$1" <<'PY'
import socket, ssl, struct, sys, time
port, pid, user, secret, mode = sys.argv[1:6]
n = 300
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
def recv_until_ready(s):
    buf = b""
    while True:
        d = s.recv(65536)
        if not d:
            raise SystemExit("connection closed during login")
        buf += d
        while len(buf) >= 5:
            t, ln = buf[:1], struct.unpack("!i", buf[1:5])[0]
            if len(buf) < 1 + ln:
                break
            body, buf = buf[5:1 + ln], buf[1 + ln:]
            if t == b"R" and struct.unpack("!i", body[:4])[0] == 3:
                pw = secret.encode() + b"\0"
                s.sendall(b"p" + struct.pack("!i", len(pw) + 4) + pw)
            elif t == b"Z":
                return
            elif t == b"E":
                raise SystemExit("login failed: %r" % body)
def login():
    s = socket.create_connection(("127.0.0.1", int(port)))
    if mode == "require":
        s.sendall(struct.pack("!ii", 8, 80877103))
        assert s.recv(1) == b"S"
        s = ctx.wrap_socket(s)
    body = struct.pack("!i", 196608) + b"user\0" + user.encode() + b"\0database\0dev\0\0"
    s.sendall(struct.pack("!i", len(body) + 4) + body)
    recv_until_ready(s)
    return s
warm = [login() for _ in range(20)]  # allocator and caches warm
for s in warm:
    s.close()
time.sleep(0.5)
before = rss()
held = [login() for _ in range(n)]
time.sleep(0.5)
after = rss()
print("%.1f" % ((after - before) / n))
PY
}
for mode in disable require; do
  printf '%-8s %-14s %s kB RSS per idle connection\n' idle "$mode" "$(idle_kb "$mode")"
done
