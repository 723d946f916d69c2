# tests/e2e/e2e_lib.sh — helpers shared by the end-to-end tests (sourced, never run).
#
# The tests run under tests/with-stack-env, which exports what `tests/stack up` wrote: the
# PostgreSQL behind the emulator (PG*_DIRECT), the emulator (EMULATOR_URL), the test identity
# (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) and redwire (REDWIRE_HOST, REDWIRE_PORT,
# REDWIRE_PID_FILE or REDWIRE_PID, REDWIRE_LOG).

E2E_NAME=$(basename "$0" .sh)

e2e_log() { printf '%s: %s\n' "$E2E_NAME" "$*"; }

# Prints the reason and stops the test with a failure.
e2e_fail() {
  printf '%s: FAIL: %s\n' "$E2E_NAME" "$*" >&2
  exit 1
}

# Stops with a failure unless the two values are equal; $1 names what is compared.
e2e_expect_eq() {
  local what=$1 expected=$2 got=$3
  if [ "$expected" != "$got" ]; then
    e2e_fail "$what: expected '$expected', got '$got'"
  fi
  e2e_log "ok: $what = $got"
}

e2e_need_env() {
  local v
  for v in "$@"; do
    if [ -z "${!v:-}" ]; then
      e2e_fail "\$$v is not set: run under tests/with-stack-env after 'tests/stack up' (with <build>/redwire built)"
    fi
  done
}

# Both psql runs must print values the same way, whatever the caller's environment says:
# libpq would otherwise forward PGTZ/PGDATESTYLE/PGOPTIONS as startup options, and derive
# client_encoding from the locale (SQL_ASCII under LANG=C, which redwire rightly refuses).
unset PGTZ PGDATESTYLE PGOPTIONS PGSERVICE PGSERVICEFILE PGPASSFILE PGSSLMODE PGAPPNAME
export PGCLIENTENCODING=UTF8
export LC_ALL=C.UTF-8

e2e_need_env PGHOST_DIRECT PGPORT_DIRECT PGUSER_DIRECT PGDATABASE_DIRECT EMULATOR_URL \
  AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY REDWIRE_HOST REDWIRE_PORT

# psql through redwire. Extra arguments go before the database name.
rw_psql() {
  PGPASSWORD=$AWS_SECRET_ACCESS_KEY PGCONNECT_TIMEOUT=10 \
    psql -X -h "$REDWIRE_HOST" -p "$REDWIRE_PORT" -U "$AWS_ACCESS_KEY_ID" "$@" dev
}

# psql straight to the PostgreSQL behind the emulator, with the settings the emulator gives its
# sessions (TimeZone=UTC, DateStyle ISO/MDY; extra_float_digits=1 is PostgreSQL 15's default).
direct_psql() {
  PGTZ=UTC PGDATESTYLE='ISO, MDY' PGCONNECT_TIMEOUT=10 \
    psql -X -h "$PGHOST_DIRECT" -p "$PGPORT_DIRECT" -U "$PGUSER_DIRECT" "$@" "$PGDATABASE_DIRECT"
}

# One value from the direct server (no headers, no alignment).
direct_value() {
  PGOPTIONS="-c client_min_messages=warning" direct_psql -q -A -t -v ON_ERROR_STOP=1 -c "$1"
}

# The pid of the running redwire.
redwire_pid() {
  if [ -n "${REDWIRE_PID:-}" ]; then
    echo "$REDWIRE_PID"
  elif [ -n "${REDWIRE_PID_FILE:-}" ] && [ -r "$REDWIRE_PID_FILE" ]; then
    cat "$REDWIRE_PID_FILE"
  else
    e2e_fail "neither \$REDWIRE_PID nor a readable \$REDWIRE_PID_FILE: cannot find redwire's pid"
  fi
}

e2e_expect_redwire_alive() {
  local pid
  pid=$(redwire_pid)
  kill -0 "$pid" 2>/dev/null || e2e_fail "redwire (pid $pid) is no longer running; see ${REDWIRE_LOG:-its log}"
}

# True when the build the stack runs redwire from uses the sanitizers (memory figures differ).
e2e_sanitized_build() {
  [ -n "${REDWIRE_BUILD_DIR:-}" ] &&
    grep -q '^REDWIRE_SANITIZE:BOOL=ON' "$REDWIRE_BUILD_DIR/CMakeCache.txt" 2>/dev/null
}

# Milliseconds since the epoch.
e2e_now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A fresh private directory removed when the test exits.
e2e_tmpdir() {
  E2E_TMP=$(mktemp -d "/tmp/$E2E_NAME.XXXXXX")
  trap 'rm -rf "$E2E_TMP"' EXIT
}

# --- the emulator's control endpoints ----------------------------------------------------------

emu_reset_stats() {
  curl -fsS -X POST "$EMULATOR_URL/_emulator/reset-stats" >/dev/null ||
    e2e_fail "POST $EMULATOR_URL/_emulator/reset-stats failed"
}

# Prints the named counters of GET /_emulator/stats, one per line, e.g.
#   emu_stats calls.ExecuteStatement calls.total faults.throttle
# A counter the emulator did not report prints 0 (it omits operations never called).
emu_stats() {
  local json
  json=$(curl -fsS "$EMULATOR_URL/_emulator/stats") || e2e_fail "GET $EMULATOR_URL/_emulator/stats failed"
  printf '%s' "$json" | node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const path of process.argv.slice(1)) {
      let v = s;
      for (const k of path.split(".")) v = (v !== undefined && v !== null) ? v[k] : undefined;
      if (v !== undefined && typeof v !== "number") throw new Error(path + " is not a number");
      console.log(v === undefined ? 0 : v);
    }' "$@" || e2e_fail "could not read $* from the emulator's stats: $json"
}

# Changes the emulator's STS settings named in the JSON body $1 (fail-next, max-duration-seconds,
# latency-ms; tests/emulator/README.md). Fails the test unless called as `emu_set_sts ... || true`.
emu_set_sts() {
  curl -fsS -X POST -d "$1" "$EMULATOR_URL/_emulator/sts" >/dev/null
}

# Replaces the emulator's fault settings with the JSON body $1.
emu_set_faults() {
  curl -fsS -X POST -H 'Content-Type: application/json' -d "$1" "$EMULATOR_URL/_emulator/faults" ||
    e2e_fail "POST $EMULATOR_URL/_emulator/faults with $1 failed"
  echo
}
