#!/usr/bin/env bash
# drivers_tls: every driver of tests/drivers over TLS with full verification, as a deployment off
# loopback must run (iam logins send the secret key as the password). A private redwire with
# client_tls_sslmode = require (cleartext refused) and a certificate from a throwaway CA for
# 127.0.0.1; each driver verifies the chain and the address (verify-full), logs in with the test
# keys and runs a parameterized query. Redwire only: the stack's PostgreSQL has no TLS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
e2e=$here/../e2e
. "$e2e/e2e_lib.sh"
. "$e2e/e2e_tls_lib.sh"
e2e_tmpdir
trap 'own_redwire_stop; rm -rf "$E2E_TMP"' EXIT
D=$E2E_TMP

tls_make_ca "$D" ca
tls_make_cert "$D" ca server 127.0.0.1 "IP:127.0.0.1"
own_redwire_start tls 127.0.0.1 "client_tls_sslmode = require
client_tls_cert_file = $D/server.crt
client_tls_key_file = $D/server.key"
e2e_log "private redwire with TLS required on port $OWN_PORT"

export TLS_PORT=$OWN_PORT TLS_CA=$D/ca.crt
unset PGOPTIONS
fails=0
# check NAME COMMAND...: the command prints the query's answer; it must be "42 tls".
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1) && [ "$(tail -n 1 <<<"$out")" = "42 tls" ]; then
    e2e_log "ok: $name over TLS (verify-full)"
  else
    printf '%s: FAIL: %s over TLS: %s\n' "$E2E_NAME" "$name" "$out" >&2
    fails=$((fails + 1))
  fi
}

check psycopg2 /usr/bin/python3 -c '
import os, psycopg2
c = psycopg2.connect(host="127.0.0.1", port=os.environ["TLS_PORT"], dbname="dev",
                     user=os.environ["AWS_ACCESS_KEY_ID"], password=os.environ["AWS_SECRET_ACCESS_KEY"],
                     sslmode="verify-full", sslrootcert=os.environ["TLS_CA"], connect_timeout=10)
assert c.info.ssl_in_use and c.info.ssl_attribute("protocol") in ("TLSv1.2", "TLSv1.3")
cur = c.cursor(); cur.execute("select %s::int4 + 1, %s", (41, "tls")); print(*cur.fetchone())'

check psycopg /usr/bin/python3 -c '
import os, psycopg
with psycopg.connect(host="127.0.0.1", port=os.environ["TLS_PORT"], dbname="dev",
                     user=os.environ["AWS_ACCESS_KEY_ID"], password=os.environ["AWS_SECRET_ACCESS_KEY"],
                     sslmode="verify-full", sslrootcert=os.environ["TLS_CA"], connect_timeout=10) as c:
    assert c.pgconn.ssl_in_use
    print(*c.execute("select %s::int4 + 1, %s::text", (41, "tls"), binary=True).fetchone())'

check psqlodbc /usr/bin/python3 -c '
import os, pyodbc
c = pyodbc.connect("DRIVER={PostgreSQL Unicode};SERVER=127.0.0.1;PORT=%s;DATABASE=dev;UID=%s;PWD=%s;"
                   "SSLMode=verify-full;pqopt={sslrootcert=%s};UseServerSidePrepare=1;CommLog=0"
                   % (os.environ["TLS_PORT"], os.environ["AWS_ACCESS_KEY_ID"],
                      os.environ["AWS_SECRET_ACCESS_KEY"], os.environ["TLS_CA"]), timeout=10)
cur = c.cursor(); cur.execute("select ?::int4 + 1, ?::text", 41, "tls"); print(*cur.fetchone())
c.rollback()'

check node-postgres env NODE_PATH="$here/node/node_modules" node -e '
const fs = require("fs"), pg = require("pg");
(async () => {
  const c = new pg.Client({ host: "127.0.0.1", port: Number(process.env.TLS_PORT), database: "dev",
    user: process.env.AWS_ACCESS_KEY_ID, password: process.env.AWS_SECRET_ACCESS_KEY,
    // pg names no TLS server for an IP address, and node then checks the certificate against
    // "localhost": give the address to check.
    ssl: { ca: fs.readFileSync(process.env.TLS_CA), rejectUnauthorized: true, host: "127.0.0.1" },
    connectionTimeoutMillis: 10000 });
  await c.connect();
  if (!c.connection.stream.encrypted) throw new Error("not encrypted");
  const r = await c.query("select $1::int4 + 1 as a, $2::text as b", [41, "tls"]);
  console.log(r.rows[0].a + " " + r.rows[0].b);
  await c.end();
})().catch((e) => { console.error(e); process.exit(1); });'

check pgjdbc java -cp /usr/share/java/postgresql.jar "$e2e/JdbcLogin.java" \
  "jdbc:postgresql://127.0.0.1:$TLS_PORT/dev?sslmode=verify-full&sslrootcert=$TLS_CA&prepareThreshold=1" \
  "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "select (41 + 1) || ' tls'"

# And the server really refuses cleartext: psycopg2 with sslmode=disable.
if /usr/bin/python3 -c '
import os, psycopg2
psycopg2.connect(host="127.0.0.1", port=os.environ["TLS_PORT"], dbname="dev", sslmode="disable",
                 user=os.environ["AWS_ACCESS_KEY_ID"], password=os.environ["AWS_SECRET_ACCESS_KEY"])' \
  2>/dev/null; then
  e2e_fail "a cleartext login was accepted by a client_tls_sslmode=require redwire"
fi
e2e_log "ok: cleartext refused"
[ "$fails" = 0 ] || e2e_fail "$fails driver(s) failed over TLS"
