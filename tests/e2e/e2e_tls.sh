#!/usr/bin/env bash
# e2e_tls: TLS to clients. A test CA made here signs redwire's certificate; psql connects with
# sslmode=require and verify-full, a Python probe uses PostgreSQL 17's direct TLS (ALPN
# "postgresql"), client_tls_sslmode=require refuses cleartext, SIGHUP loads a new certificate,
# and the cleartext password of auth_mode=iam is refused from a non-loopback address unless TLS
# carries it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
. "$here/e2e_tls_lib.sh"
e2e_need_env REDWIRE_STATE_DIR REDWIRE_BUILD_DIR REDWIRE_TEST_WORKGROUP
e2e_tmpdir
trap 'own_redwire_stop; rm -rf "$E2E_TMP"' EXIT
D=$E2E_TMP

tls_make_ca "$D" ca
tls_make_cert "$D" ca server localhost "DNS:localhost,IP:127.0.0.1"
tls_make_ca "$D" otherca

# ---- sslmode=require on the server: TLS or nothing -------------------------------------------
own_redwire_start require 127.0.0.1 "client_tls_sslmode = require
client_tls_cert_file = $D/server.crt
client_tls_key_file = $D/server.key"

got=$(own_psql "sslmode=require" "select 41 + 1")
e2e_expect_eq "select over sslmode=require" 42 "$got"
grep -q "TLS established: TLSv1.3" "$OWN_LOG" || e2e_fail "no TLS 1.3 session in $OWN_LOG"

# A result of many TLS records (about 5 MB), byte for byte as PostgreSQL prints it.
q="select g, repeat(md5(g::text), g % 9) from generate_series(1, 40000) g"
got=$(own_psql "sslmode=require" "$q" | md5sum)
want=$(direct_psql -q -A -t -v ON_ERROR_STOP=1 -c "$q" | md5sum)
e2e_expect_eq "40 000 rows over TLS (md5 of psql's output)" "$want" "$got"

got=$(own_psql "sslmode=verify-full sslrootcert=$D/ca.crt host=localhost" "select 'vf'")
e2e_expect_eq "select over verify-full (DNS name)" vf "$got"
got=$(own_psql "sslmode=verify-full sslrootcert=$D/ca.crt" "select 'vf-ip'")
e2e_expect_eq "select over verify-full (IP address)" vf-ip "$got"

if out=$(own_psql "sslmode=verify-full sslrootcert=$D/otherca.crt" "select 1" 2>&1); then
  e2e_fail "verify-full with the wrong CA connected: $out"
fi
grep -q "certificate verify failed" <<<"$out" || e2e_fail "wrong CA: unexpected error: $out"
e2e_log "ok: verify-full with another CA fails ($out)"

# TLS 1.1 is below the default client_tls_protocols (TLS 1.2+).
if out=$(own_psql "sslmode=require ssl_max_protocol_version=TLSv1.1" "select 1" 2>&1); then
  e2e_fail "a TLS 1.1 client connected"
fi
e2e_log "ok: TLS 1.1 refused"

if out=$(own_psql "sslmode=disable" "select 1" 2>&1); then
  e2e_fail "cleartext connection accepted by a client_tls_sslmode=require server"
fi
grep -q "SSL required" <<<"$out" || e2e_fail "cleartext refusal: unexpected error: $out"
e2e_log "ok: cleartext refused ($out)"

# A client that sends more than the SSLRequest before 'S' gets an error, not a handshake.
out=$(/usr/bin/python3 - "$OWN_PORT" <<'PY'
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(struct.pack("!ii", 8, 80877103) + b"garbage")
print(s.recv(1000)[:1].decode("latin1"))
PY
)
e2e_expect_eq "answer to data after SSLRequest" E "$out"

# ---- direct TLS (PostgreSQL 17 sslnegotiation=direct) ----------------------------------------
direct_probe() { # $1 = ALPN protocol or "" for none, $2 = password; prints what redwire answered
  /usr/bin/python3 - "$OWN_PORT" "$D/ca.crt" "$AWS_ACCESS_KEY_ID" "${2:-$AWS_SECRET_ACCESS_KEY}" "$1" <<'PY'
import socket, ssl, struct, sys
port, ca, user, secret, alpn = sys.argv[1:6]
ctx = ssl.create_default_context(cafile=ca)
# Python sets OP_IGNORE_UNEXPECTED_EOF by default; without it an EOF that is not preceded by
# close_notify raises SSLEOFError, which is how this probe tells an orderly close.
ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
if alpn:
    ctx.set_alpn_protocols([alpn])
raw = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
def msgs(sock):
    buf = b""
    while True:
        while len(buf) >= 5:
            n = struct.unpack("!i", buf[1:5])[0]
            if len(buf) < 1 + n:
                break
            yield buf[:1], buf[5:1 + n]
            buf = buf[1 + n:]
        d = sock.recv(65536)
        if not d:
            return
        buf += d
try:
    # Without suppressed ragged EOFs, a close without close_notify raises SSLEOFError.
    s = ctx.wrap_socket(raw, server_hostname="localhost", suppress_ragged_eofs=False)
    body = struct.pack("!i", 196608) + b"user\0" + user.encode() + b"\0database\0dev\0\0"
    s.sendall(struct.pack("!i", len(body) + 4) + body)
    it = msgs(s)
    t, b = next(it)
    assert t == b"R" and struct.unpack("!i", b[:4])[0] == 3, (t, b)
    pw = secret.encode() + b"\0"
    s.sendall(b"p" + struct.pack("!i", len(pw) + 4) + pw)
    q = b"select 'direct'\0"
    for t, b in it:
        if t == b"Z":
            break
        if t == b"E":
            code = [f[1:] for f in b.split(b"\0") if f[:1] == b"C"][0].decode()
            rest = list(it)  # reads to the end: SSLEOFError unless close_notify came
            print("error", code, "then clean TLS close" if not rest else "then more")
            sys.exit(0)
        assert t in (b"R", b"S", b"K"), (t, b)
    s.sendall(b"Q" + struct.pack("!i", len(q) + 4) + q)
    for t, b in it:
        if t == b"D":
            print("row", b[6:].decode(), "alpn", s.selected_alpn_protocol(), s.version())
        if t == b"Z":
            break
except (ssl.SSLError, ConnectionError, StopIteration) as e:
    print("refused", type(e).__name__)
PY
}
got=$(direct_probe postgresql)
e2e_expect_eq "direct TLS with ALPN postgresql" "row direct alpn postgresql TLSv1.3" "$got"
got=$(direct_probe postgresql not-the-secret)
e2e_expect_eq "direct TLS, wrong password" "error 28P01 then clean TLS close" "$got"
got=$(direct_probe "")
e2e_expect_eq "direct TLS without ALPN" "refused" "${got%% *}"
got=$(direct_probe http/1.1)
e2e_expect_eq "direct TLS with ALPN http/1.1" "refused" "${got%% *}"

# ---- SIGHUP loads a new certificate -----------------------------------------------------------
tls_make_cert "$D" otherca server2 localhost "DNS:localhost,IP:127.0.0.1"
cp "$D/server2.crt" "$D/server.crt"
cp "$D/server2.key" "$D/server.key"
kill -HUP "$OWN_PID"
for _ in $(seq 50); do grep -q "SIGHUP: configuration reloaded" "$OWN_LOG" && break; sleep 0.1; done
got=$(own_psql "sslmode=verify-full sslrootcert=$D/otherca.crt" "select 'reloaded'")
e2e_expect_eq "verify-full against the reloaded certificate" reloaded "$got"
# A broken key keeps the old context.
echo broken >"$D/server.key"
kill -HUP "$OWN_PID"
for _ in $(seq 50); do grep -q "SIGHUP: configuration not reloaded" "$OWN_LOG" && break; sleep 0.1; done
grep -q "client_tls_key_file .* cannot load the private key" "$OWN_LOG" ||
  e2e_fail "the failed reload does not say why"
got=$(own_psql "sslmode=verify-full sslrootcert=$D/otherca.crt" "select 'kept'")
e2e_expect_eq "old certificate kept after a failed reload" kept "$got"
own_redwire_stop
# --check-config reads the files too.
if out=$(env -i PATH="$PATH" "$REDWIRE_BUILD_DIR/redwire" --check-config -c "$OWN_INI" 2>&1); then
  e2e_fail "--check-config accepted a broken client_tls_key_file"
fi
grep -q "error: TLS: client_tls_key_file .* cannot load the private key" <<<"$out" ||
  e2e_fail "--check-config: unexpected output: $out"
e2e_log "ok: --check-config names the broken key file"

# ---- client certificates: verify-ca checks the chain, verify-full also the CN = user --------
tls_make_cert "$D" ca client-ok "$AWS_ACCESS_KEY_ID"
tls_make_cert "$D" ca client-other "someone-else"
tls_make_cert "$D" otherca client-foreign "$AWS_ACCESS_KEY_ID"
cp "$D/server2.crt" "$D/server.crt"
cp "$D/server2.key" "$D/server.key"
own_redwire_start verify 127.0.0.1 "client_tls_sslmode = verify-full
client_tls_cert_file = $D/server.crt
client_tls_key_file = $D/server.key
client_tls_ca_file = $D/ca.crt"
cert() { echo "sslmode=require sslcert=$D/$1.crt sslkey=$D/$1.key"; }
got=$(own_psql "$(cert client-ok)" "select 'client cert'")
e2e_expect_eq "login with a client certificate for the user" "client cert" "$got"
if out=$(own_psql "$(cert client-other)" "select 1" 2>&1); then
  e2e_fail "a certificate for another name logged in"
fi
grep -q "certificate authentication failed" <<<"$out" || e2e_fail "CN mismatch: unexpected error: $out"
e2e_log "ok: certificate of another name refused"
if out=$(own_psql "$(cert client-foreign)" "select 1" 2>&1); then
  e2e_fail "a certificate from another CA logged in"
fi
e2e_log "ok: certificate from another CA refused"
if out=$(own_psql "sslmode=require" "select 1" 2>&1); then
  e2e_fail "a client without certificate logged in under verify-full"
fi
e2e_log "ok: no client certificate refused"
own_redwire_stop
# verify-ca: any certificate of the CA will do, whatever its name.
own_redwire_start verify-ca 127.0.0.1 "client_tls_sslmode = verify-ca
client_tls_cert_file = $D/server.crt
client_tls_key_file = $D/server.key
client_tls_ca_file = $D/ca.crt"
got=$(own_psql "$(cert client-other)" "select 'any name'")
e2e_expect_eq "verify-ca accepts a certificate of another name" "any name" "$got"
if own_psql "$(cert client-foreign)" "select 1" >/dev/null 2>&1; then
  e2e_fail "verify-ca accepted a certificate from another CA"
fi
e2e_log "ok: verify-ca refuses a certificate from another CA"
own_redwire_stop

# ---- cleartext passwords only over TLS or loopback --------------------------------------------
# A non-loopback address of this host: the first global IPv4 address, or (a machine with only
# lo, e.g. a container without network) a TEST-NET address added to lo for the test, which needs
# root; connecting to it makes it the peer address too.
ext_ip=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
if [ -z "$ext_ip" ] && ip addr add 198.51.100.77/32 dev lo 2>/dev/null; then
  ext_ip=198.51.100.77
  trap 'own_redwire_stop; ip addr del 198.51.100.77/32 dev lo 2>/dev/null; rm -rf "$E2E_TMP"' EXIT
fi
[ -n "$ext_ip" ] || e2e_fail "this host has no non-loopback IPv4 address and none can be added to lo (not root?)"
e2e_log "testing from non-loopback address $ext_ip"
own_redwire_start prefer 0.0.0.0 "client_tls_sslmode = prefer
client_tls_cert_file = $D/server.crt
client_tls_key_file = $D/server.key"
OWN_HOST=$ext_ip
if out=$(own_psql "sslmode=disable" "select 1" 2>&1); then
  e2e_fail "cleartext password accepted from $ext_ip"
fi
grep -q "only accepts over TLS or from loopback" <<<"$out" || e2e_fail "unexpected refusal: $out"
e2e_log "ok: cleartext password from $ext_ip refused"
got=$(own_psql "sslmode=require" "select 'tls from $ext_ip'")
e2e_expect_eq "password over TLS from $ext_ip" "tls from $ext_ip" "$got"
OWN_HOST=127.0.0.1
got=$(own_psql "sslmode=disable" "select 'loopback'")
e2e_expect_eq "cleartext password from loopback" loopback "$got"
# A client that stops in the middle of the handshake does not hold up a drain (SIGTERM): its
# connection is closed at once, not after shutdown_timeout (2 s here).
got=$(/usr/bin/python3 - "$OWN_PORT" "$OWN_PID" <<'PY'
import os, signal, socket, struct, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(struct.pack("!ii", 8, 80877103))
assert s.recv(1) == b"S"
t0 = time.monotonic()
os.kill(int(sys.argv[2]), signal.SIGTERM)
s.settimeout(5)
while s.recv(4096):
    pass
print("closed" if time.monotonic() - t0 < 1.0 else "closed after %.1f s" % (time.monotonic() - t0))
PY
)
e2e_expect_eq "half-finished handshake at SIGTERM" closed "$got"
own_redwire_stop

own_redwire_start allow 0.0.0.0 "allow_cleartext_without_tls = on"
OWN_HOST=$ext_ip
got=$(own_psql "sslmode=disable" "select 'allowed'")
e2e_expect_eq "cleartext from $ext_ip with allow_cleartext_without_tls" allowed "$got"
own_redwire_stop
e2e_log "PASS"
