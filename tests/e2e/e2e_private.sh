# tests/e2e/e2e_private.sh — private redwire instances for tests that need their own settings or
# environment (key check, credential chain), in front of the stack's emulator (sourced after
# e2e_lib.sh and e2e_tmpdir; never run).
#
#   RW_AUTH_MODE=trust RW_EXTRA_AWS="profile = x" rw_private_start NAME [VAR=VALUE...]
#
# starts $REDWIRE_BUILD_DIR/redwire on a free loopback port with an empty environment plus the
# given variables (HOME is the instance's own directory, so no ~/.aws of the machine leaks in),
# and sets RW_PORT, RW_LOG, RW_OUT (its stdout/stderr), RW_DIR. The log and the output are kept in
# the stack's state directory (extra-*), where tests/stack down scans them for test secrets as it
# scans the stack's own logs. Extra ini lines: RW_EXTRA_REDWIRE, RW_EXTRA_AWS. Every
# instance is stopped (SIGTERM) when the test exits, and its output is checked for sanitizer
# reports.

RW_PIDS=()

rw_private_stop_all() {
  local pid
  for pid in "${RW_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${RW_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  RW_PIDS=()
}

# Stops the instance started last and fails on a sanitizer report in its output.
rw_private_stop() {
  local pid=${RW_PIDS[-1]}
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  unset 'RW_PIDS[-1]'
  if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$RW_OUT"; then
    cat "$RW_OUT" >&2
    e2e_fail "sanitizer report from the private redwire $RW_DIR"
  fi
}

rw_private_start() {
  local name=$1 port tries i
  shift
  RW_DIR=$E2E_TMP/$name
  mkdir -p "$RW_DIR"
  RW_LOG=$REDWIRE_STATE_DIR/extra-$E2E_NAME-$name-$$.log
  RW_OUT=$REDWIRE_STATE_DIR/extra-$E2E_NAME-$name-$$.out
  for tries in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    cat >"$RW_DIR/redwire.ini" <<INI
[redwire]
listen_addr = 127.0.0.1
listen_port = $port
auth_mode = ${RW_AUTH_MODE:-iam}
log_level = ${RW_LOG_LEVEL:-info}
log_file = $RW_LOG
shutdown_timeout = 1s
${RW_EXTRA_REDWIRE:-}

[aws]
region = us-east-1
endpoint = $EMULATOR_URL
sts_endpoint = ${RW_STS_ENDPOINT:-$EMULATOR_URL}
${RW_EXTRA_AWS:-}

[databases]
* = workgroup=$REDWIRE_TEST_WORKGROUP
INI
    env -i PATH="$PATH" HOME="$RW_DIR" "$@" "$REDWIRE_BUILD_DIR/redwire" -c "$RW_DIR/redwire.ini" \
      >"$RW_OUT" 2>&1 &
    RW_PIDS+=($!)
    for ((i = 0; i < 100; i++)); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        RW_PORT=$port
        return 0
      fi
      kill -0 "${RW_PIDS[-1]}" 2>/dev/null || break
      sleep 0.05
    done
    rw_private_stop
  done
  cat "$RW_OUT" "$RW_LOG" >&2 2>/dev/null || true
  e2e_fail "the private redwire $name did not start"
}

# psql to the private instance as USER with PASSWORD; extra arguments before the database.
rw_private_psql() {
  local user=$1 password=$2
  shift 2
  PGPASSWORD=$password PGCONNECT_TIMEOUT=10 psql -X -h 127.0.0.1 -p "$RW_PORT" -U "$user" "$@" dev
}
