# tests/e2e/e2e_tls_lib.sh — a private redwire next to the stack's one, with the TLS and login
# settings a test needs, plus a throwaway test CA (sourced after e2e_lib.sh, never run).
#
# The private redwire uses the stack's emulator and test identity; its log goes to the stack's
# state directory (extra-*.log) so that the suite-wide secret scan (tests/stack down) reads it too.

# tls_make_ca DIR NAME: a CA key and self-signed certificate DIR/NAME.key, DIR/NAME.crt.
tls_make_ca() {
  local dir=$1 name=$2
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=redwire test CA $name" -keyout "$dir/$name.key" -out "$dir/$name.crt" \
    >/dev/null 2>&1 || e2e_fail "openssl could not make the test CA $name"
}

# tls_make_cert DIR CA NAME CN [SAN]: a key and certificate signed by CA (SAN for servers).
tls_make_cert() {
  local dir=$1 ca=$2 name=$3 cn=$4 san=${5:-}
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$cn" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" >/dev/null 2>&1 ||
    e2e_fail "openssl could not make the key of $name"
  local ext=$dir/$name.ext
  : >"$ext"
  [ -n "$san" ] && echo "subjectAltName=$san" >"$ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" \
    -CAcreateserial -days 2 -extfile "$ext" -out "$dir/$name.crt" >/dev/null 2>&1 ||
    e2e_fail "openssl could not sign the certificate of $name"
  chmod 600 "$dir/$name.key"
}

_own_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# own_redwire_start NAME LISTEN_ADDR (127.0.0.1 or 0.0.0.0) "EXTRA [redwire] LINES": starts a private redwire; sets
# OWN_PORT, OWN_PID, OWN_LOG, OWN_INI. Stopped by own_redwire_stop (call it from the EXIT trap).
own_redwire_start() {
  local name=$1 addr=$2 extra=$3 i tries
  # One log per run (the state directory outlives runs): a line of an earlier run must not
  # answer a wait below.
  OWN_LOG=$REDWIRE_STATE_DIR/extra-$E2E_NAME-$name-$$.log
  OWN_INI=$E2E_TMP/$name.ini
  for tries in 1 2 3 4 5; do
    OWN_PORT=$((20000 + RANDOM % 40000))
    _own_port_free "$OWN_PORT" || continue
    cat >"$OWN_INI" <<INI
[redwire]
listen_addr = $addr
listen_port = $OWN_PORT
log_level = debug
log_file = $OWN_LOG
shutdown_timeout = 2s
$extra

[aws]
region = us-east-1
endpoint = $EMULATOR_URL
sts_endpoint = $EMULATOR_URL

[databases]
* = workgroup=$REDWIRE_TEST_WORKGROUP
INI
    env -i PATH="$PATH" AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" \
      AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
      "$REDWIRE_BUILD_DIR/redwire" -c "$OWN_INI" >>"$OWN_LOG.out" 2>&1 &
    OWN_PID=$!
    for ((i = 0; i < 50; i++)); do
      # 127.0.0.1 reaches a listener on 0.0.0.0 too.
      if ! _own_port_free "$OWN_PORT"; then
        return 0
      fi
      kill -0 "$OWN_PID" 2>/dev/null || break
      sleep 0.1
    done
    own_redwire_stop
  done
  cat "$OWN_LOG.out" "$OWN_LOG" >&2 2>/dev/null || true
  e2e_fail "the private redwire $name did not start"
}

own_redwire_stop() {
  if [ -n "${OWN_PID:-}" ]; then
    kill "$OWN_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$OWN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$OWN_PID" 2>/dev/null || true
    wait "$OWN_PID" 2>/dev/null || true
    OWN_PID=
    # Sanitizer reports (leaks come at exit) land in the stderr file nothing else reads.
    if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$OWN_LOG.out" 2>/dev/null; then
      cat "$OWN_LOG.out" >&2
      e2e_fail "sanitizer report(s) from the private redwire in $OWN_LOG.out"
    fi
  fi
}

# own_psql CONNINFO-EXTRA SQL: psql to the private redwire as the test identity (iam mode).
own_psql() {
  PGPASSWORD=$AWS_SECRET_ACCESS_KEY PGCONNECT_TIMEOUT=10 \
    psql -X -q -A -t -v ON_ERROR_STOP=1 \
    "host=${OWN_HOST:-127.0.0.1} port=$OWN_PORT user=$AWS_ACCESS_KEY_ID dbname=dev $1" -c "$2"
}
