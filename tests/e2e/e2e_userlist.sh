#!/usr/bin/env bash
# e2e_userlist: auth_mode = userlist. Users of an auth_file (PgBouncer's format) log in with
# SCRAM-SHA-256 (stored verifier, or derived from a plain-text password) or MD5, from psql and
# pgjdbc; a wrong password, an unknown user and a SCRAM user forced to MD5 fail with 28P01; the
# mapped db_user reaches the Data API target; statements run with redwire's own identity.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
. "$here/e2e_tls_lib.sh"
e2e_need_env REDWIRE_STATE_DIR REDWIRE_BUILD_DIR REDWIRE_TEST_WORKGROUP
e2e_tmpdir
trap 'own_redwire_stop; rm -rf "$E2E_TMP"' EXIT
D=$E2E_TMP
JAR=/usr/share/java/postgresql.jar
[ -r "$JAR" ] || e2e_fail "$JAR is missing (apt-get install libpostgresql-jdbc-java)"

# The secrets are computed here with Python's hashlib, independently of redwire's code.
/usr/bin/python3 - "$D/users.txt" <<'PY'
import base64, hashlib, hmac, sys
def scram(pw, salt=b"redwire-e2e-salt", it=4096):
    salted = hashlib.pbkdf2_hmac("sha256", pw.encode(), salt, it)
    ck = hmac.new(salted, b"Client Key", "sha256").digest()
    sk = hmac.new(salted, b"Server Key", "sha256").digest()
    b = lambda x: base64.b64encode(x).decode()
    return f"SCRAM-SHA-256${it}:{b(salt)}${b(hashlib.sha256(ck).digest())}:{b(sk)}"
md5 = lambda user, pw: "md5" + hashlib.md5((pw + user).encode()).hexdigest()
with open(sys.argv[1], "w") as f:
    f.write("; redwire e2e users\n")
    f.write(f'"alice" "{scram("alice-Pass-1")}"\n')
    f.write(f'"bob" "{md5("bob", "bob-Pass-2")}" "db_user=analyst"\n')
    f.write('"carol" "carol-Pass-3"\n')
    f.write(f'"dave" "{scram("dave-Pass-4")}" "secret_arn=arn:aws:secretsmanager:us-east-1:123456789012:secret:dave"\n')
PY
chmod 600 "$D/users.txt"
# The suite-wide log scan (tests/stack down) looks for these too: passwords and stored secrets.
{
  printf '%s\n' alice-Pass-1 bob-Pass-2 carol-Pass-3 dave-Pass-4 wrong-pass not-her-password
  sed -n 's/^"[a-z]*" "\([^"]*\)".*/\1/p' "$D/users.txt"
} >>"$REDWIRE_STATE_DIR/test-secrets"

own_redwire_start userlist 127.0.0.1 "auth_mode = userlist
auth_file = $D/users.txt"

ul_psql() { # user password sql [conninfo]
  PGPASSWORD=$2 PGCONNECT_TIMEOUT=10 psql -X -q -A -t -v ON_ERROR_STOP=1 \
    "host=127.0.0.1 port=$OWN_PORT user=$1 dbname=dev ${4:-}" -c "$3"
}

got=$(ul_psql alice alice-Pass-1 "select 'alice ok'")
e2e_expect_eq "psql SCRAM login (stored verifier)" "alice ok" "$got"
grep -q 'userlist login of "alice" with SCRAM-SHA-256' "$OWN_LOG" || e2e_fail "no SCRAM login logged"
got=$(ul_psql bob bob-Pass-2 "select 'bob ok'")
e2e_expect_eq "psql MD5 login" "bob ok" "$got"
grep -q 'userlist login of "bob" with MD5 as db_user analyst' "$OWN_LOG" ||
  e2e_fail "bob's db_user mapping not applied"
got=$(ul_psql carol carol-Pass-3 "select 'carol ok'")
e2e_expect_eq "psql SCRAM login (plain-text entry)" "carol ok" "$got"
got=$(ul_psql dave dave-Pass-4 "select 'dave ok'")
e2e_expect_eq "psql SCRAM login (secret_arn)" "dave ok" "$got"
grep -q 'userlist login of "dave" with SCRAM-SHA-256 as secret_arn arn:aws:secretsmanager' "$OWN_LOG" ||
  e2e_fail "dave's secret_arn mapping not applied"

expect_refused() { # what user password [conninfo]
  local out
  if out=$(ul_psql "$2" "$3" "select 1" "${4:-}" 2>&1); then
    e2e_fail "$1: login succeeded"
  fi
  grep -q "password authentication failed for user \"$2\"" <<<"$out" ||
    e2e_fail "$1: unexpected error: $out"
  e2e_log "ok: $1 refused"
}
expect_refused "SCRAM wrong password" alice wrong-pass
expect_refused "MD5 wrong password" bob wrong-pass
expect_refused "unknown user" mallory whatever
# redwire offers no SCRAM-SHA-256-PLUS: a client that requires channel binding does not log in.
if out=$(ul_psql alice alice-Pass-1 "select 1" "channel_binding=require" 2>&1); then
  e2e_fail "channel_binding=require succeeded without TLS"
fi
e2e_log "ok: channel_binding=require refused ($out)"

# pgjdbc: SCRAM (its own implementation, com.ongres.scram) and MD5, in its default (extended)
# query mode. pgjdbc warns about the old server_version on stderr (Redshift reports 8.0.2), which
# is expected.
jdbc() {
  java -cp "$JAR" "$here/JdbcLogin.java" "jdbc:postgresql://127.0.0.1:$OWN_PORT/dev" "$@" \
    2>>"$D/jdbc.err"
}
got=$(jdbc alice alice-Pass-1 "select 'jdbc scram'")
e2e_expect_eq "pgjdbc SCRAM login" "jdbc scram" "$got"
got=$(jdbc bob bob-Pass-2 "select 'jdbc md5'")
e2e_expect_eq "pgjdbc MD5 login" "jdbc md5" "$got"
if got=$(jdbc alice not-her-password "select 1"); then
  e2e_fail "pgjdbc login with a wrong password succeeded"
fi
e2e_expect_eq "pgjdbc wrong password" "error 28P01" "$(cut -d' ' -f1-2 <<<"$got")"

# SIGHUP reads auth_file again: erin appears; a damaged file keeps the users loaded before.
printf '"erin" "erin-Pass-5"\n' >>"$D/users.txt"
echo erin-Pass-5 >>"$REDWIRE_STATE_DIR/test-secrets"
kill -HUP "$OWN_PID"
for _ in $(seq 50); do grep -q "SIGHUP: configuration reloaded" "$OWN_LOG" && break; sleep 0.1; done
got=$(ul_psql erin erin-Pass-5 "select 'erin after reload'")
e2e_expect_eq "user added by SIGHUP" "erin after reload" "$got"
cp "$D/users.txt" "$D/users.good"
echo '"broken' >>"$D/users.txt"
kill -HUP "$OWN_PID"
for _ in $(seq 50); do grep -q "SIGHUP: configuration not reloaded" "$OWN_LOG" && break; sleep 0.1; done
grep -q "auth_file $D/users.txt line [0-9]*:" "$OWN_LOG" || e2e_fail "the failed reload does not name the line"
got=$(ul_psql erin erin-Pass-5 "select 'kept'")
e2e_expect_eq "users kept after a failed reload" kept "$got"
cp "$D/users.good" "$D/users.txt"
own_redwire_stop

# Over TLS: SCRAM-SHA-256-PLUS binds the login to redwire's certificate (tls-server-end-point);
# a failed login's FATAL travels through TLS too.
tls_make_ca "$D" ca
tls_make_cert "$D" ca server localhost "DNS:localhost,IP:127.0.0.1"
own_redwire_start userlist-tls 127.0.0.1 "auth_mode = userlist
auth_file = $D/users.txt
client_tls_sslmode = require
client_tls_cert_file = $D/server.crt
client_tls_key_file = $D/server.key"
got=$(ul_psql alice alice-Pass-1 "select 'bound'" "sslmode=verify-full sslrootcert=$D/ca.crt channel_binding=require")
e2e_expect_eq "psql SCRAM-SHA-256-PLUS login" bound "$got"
grep -q 'userlist login of "alice" with SCRAM-SHA-256-PLUS' "$OWN_LOG" || e2e_fail "no -PLUS login logged"
got=$(ul_psql carol carol-Pass-3 "select 'unbound'" "sslmode=require channel_binding=disable")
e2e_expect_eq "psql plain SCRAM over TLS" unbound "$got"
grep -q 'userlist login of "carol" with SCRAM-SHA-256$' "$OWN_LOG" || e2e_fail "no plain SCRAM login logged"
expect_refused "SCRAM-PLUS wrong password" alice wrong-pass "sslmode=require channel_binding=require"
got=$(ul_psql bob bob-Pass-2 "select 'md5 over tls'" "sslmode=require")
e2e_expect_eq "psql MD5 over TLS" "md5 over tls" "$got"
got=$(java -cp "$JAR" "$here/JdbcLogin.java" \
  "jdbc:postgresql://127.0.0.1:$OWN_PORT/dev?sslmode=verify-full&sslrootcert=$D/ca.crt&preferQueryMode=simple" \
  alice alice-Pass-1 "select 'jdbc tls'" 2>>"$D/jdbc.err")
e2e_expect_eq "pgjdbc SCRAM over verify-full TLS" "jdbc tls" "$got"
own_redwire_stop

# auth_mode = trust is warned about at startup.
own_redwire_start trust 127.0.0.1 "auth_mode = trust"
grep -q "WARNING .*auth_mode = trust: any client may connect without a password" "$OWN_LOG" ||
  e2e_fail "no startup warning for auth_mode = trust"
got=$(PGCONNECT_TIMEOUT=10 psql -X -q -A -t "host=127.0.0.1 port=$OWN_PORT user=anyone dbname=dev" -c "select 'trusted'")
e2e_expect_eq "trust login" trusted "$got"
own_redwire_stop
e2e_log "PASS"
