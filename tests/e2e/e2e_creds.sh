#!/usr/bin/env bash
# e2e_creds: redwire's own AWS identity (auth_mode = trust) from each source of the credential
# chain, each time checked by the key that signed redwire's ExecuteStatement at the emulator (its
# request log) and, for temporary keys the emulator's STS issued, the role they stand for
# (/_emulator/sts-keys): [aws] settings, environment, [aws] role_arn assumed on top, web identity, shared-file profile with
# static keys, role_arn + source_profile (STS AssumeRole), credential_process, container endpoint
# (full URI + token file, relative URI), IMDSv2 (tests/fakes/fake_metadata.py), and no source at
# all (28000). Then temporary credentials that expire every 10 s rotate under one long psql
# session that never fails, including a refresh that fails (token file gone) while the old
# credentials are still valid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
e2e_tmpdir
. "$here/e2e_private.sh"
fake_pid=
cleanup() {
  rw_private_stop_all
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
  emu_set_sts '{"max-duration-seconds":0}' || true
  rm -rf "$E2E_TMP"
}
trap cleanup EXIT

emu_log=$REDWIRE_STATE_DIR/emulator.log
tmp_akid=$REDWIRE_TEST_TEMP_ACCESS_KEY_ID
tmp_secret=$REDWIRE_TEST_TEMP_SECRET_ACCESS_KEY
tmp_token=$REDWIRE_TEST_TEMP_SESSION_TOKEN

# The key of the last ExecuteStatement the emulator logged.
last_key() {
  grep ' op=ExecuteStatement ' "$emu_log" | tail -n 1 | sed -n 's/.* key=\([^ ]*\) .*/\1/p'
}

# The identity of key $1: the role ARN for a key the emulator's STS issued, else "key:<id>".
identity_of() {
  curl -fsS "$EMULATOR_URL/_emulator/sts-keys" | /usr/bin/python3 -c '
import json, sys
key = sys.argv[1]
for k in json.load(sys.stdin):
    if k["AccessKeyId"] == key:
        print(k["Arn"]); break
else:
    print("key:" + key)' "$1"
}

# run_case NAME EXPECTED-IDENTITY-PATTERN [VAR=VALUE...]: a trust-mode redwire with that
# environment runs one statement; the emulator must have seen it signed by the expected identity.
run_case() {
  local name=$1 want=$2 v key id logged
  shift 2
  RW_AUTH_MODE=trust rw_private_start "$name" "$@"
  v=$(rw_private_psql anyone "" -A -t -v ON_ERROR_STOP=1 -c "select 'via $name'" 2>"$E2E_TMP/err") ||
    { cat "$RW_LOG" >&2; e2e_fail "$name: the statement failed: $(cat "$E2E_TMP/err")"; }
  e2e_expect_eq "$name: result" "via $name" "$v"
  key=$(last_key)
  id=$(identity_of "$key")
  # shellcheck disable=SC2053
  [[ $id == $want ]] || { cat "$RW_LOG" >&2; e2e_fail "$name: signed by $id, expected $want"; }
  e2e_log "ok: $name: signed by $id"
  # redwire asks STS once who its credentials are, and logs it.
  for _ in $(seq 100); do grep -q "redwire's AWS identity: " "$RW_LOG" && break; sleep 0.05; done
  logged="redwire's AWS identity: ${want//\*/.*} (account 123456789012)"
  if [[ $want == key:* ]]; then
    logged="redwire's AWS identity: arn:aws:[a-z]*::123456789012:.*/${want#key:} "
  fi
  grep -q "$logged" "$RW_LOG" || { cat "$RW_LOG" >&2; e2e_fail "$name: redwire did not log its identity"; }
  e2e_log "ok: $name: $(grep -o "redwire's AWS identity: .*" "$RW_LOG")"
  rw_private_stop
}

# 1. [aws] settings win over the environment.
RW_EXTRA_AWS="access_key_id = $tmp_akid
secret_access_key = $tmp_secret
session_token = $tmp_token" run_case settings "key:$tmp_akid" \
  AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"

# 2. Environment.
run_case environment "key:$AWS_ACCESS_KEY_ID" \
  AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"

# 2b. [aws] role_arn alone is assumed (STS AssumeRole) with the source's keys.
RW_EXTRA_AWS="role_arn = arn:aws:iam::123456789012:role/top-role" run_case role-on-top \
  "arn:aws:sts::123456789012:assumed-role/top-role/redwire-*" \
  AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY"

# 3. Web identity (STS AssumeRoleWithWebIdentity with the token file).
printf 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJyZWR3aXJlIn0.c2ln\n' >"$E2E_TMP/webid.jwt"
run_case web-identity "arn:aws:sts::123456789012:assumed-role/web-role/redwire-*" \
  AWS_WEB_IDENTITY_TOKEN_FILE="$E2E_TMP/webid.jwt" \
  AWS_ROLE_ARN=arn:aws:iam::123456789012:role/web-role

# 4-6. Shared files.
cat >"$E2E_TMP/credentials" <<INI
[static-temp]
aws_access_key_id = $tmp_akid
aws_secret_access_key = $tmp_secret
aws_session_token = $tmp_token

[base]
aws_access_key_id = $AWS_ACCESS_KEY_ID
aws_secret_access_key = $AWS_SECRET_ACCESS_KEY
INI
printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "%s"}\n' \
  "$tmp_akid" "$tmp_secret" "$tmp_token" >"$E2E_TMP/process.json"
cat >"$E2E_TMP/config" <<INI
[profile chained]
role_arn = arn:aws:iam::123456789012:role/profile-role
source_profile = base
role_session_name = e2e-chained

[profile process]
credential_process = cat $E2E_TMP/process.json
INI
files=(AWS_CONFIG_FILE="$E2E_TMP/config" AWS_SHARED_CREDENTIALS_FILE="$E2E_TMP/credentials")
run_case profile-static "key:$tmp_akid" "${files[@]}" AWS_PROFILE=static-temp
run_case profile-role "arn:aws:sts::123456789012:assumed-role/profile-role/e2e-chained" \
  "${files[@]}" AWS_PROFILE=chained
run_case credential-process "key:$tmp_akid" "${files[@]}" AWS_PROFILE=process

# A credential_process that fails or floods: no credentials, and the login says why.
cat >>"$E2E_TMP/config" <<INI

[profile process-fails]
credential_process = sh -c 'echo oops >&2; exit 3'

[profile process-floods]
credential_process = head -c 200000 /dev/zero
INI
expect_no_creds() {
  local name=$1 want=$2
  shift 2
  RW_AUTH_MODE=trust rw_private_start "$name" "$@"
  if rw_private_psql anyone "" -c "select 1" >"$E2E_TMP/$name.out" 2>&1; then
    e2e_fail "$name: a login without credentials succeeded"
  fi
  grep -q "$want" "$E2E_TMP/$name.out" ||
    e2e_fail "$name: expected '$want' in: $(cat "$E2E_TMP/$name.out")"
  e2e_log "ok: $name: $(grep -m1 DETAIL "$E2E_TMP/$name.out" | cut -c1-160)"
  rw_private_stop
}
expect_no_creds process-fails "credential_process exited with status 3" "${files[@]}" \
  AWS_PROFILE=process-fails
expect_no_creds process-floods "credential_process wrote more than 64 KiB" "${files[@]}" \
  AWS_PROFILE=process-floods

# 7-9. Container endpoint and IMDSv2 on the fake.
printf 'container-secret-token\n' >"$E2E_TMP/container.token"
/usr/bin/python3 "$here/../fakes/fake_metadata.py" --emulator "$EMULATOR_URL" \
  --port-file "$E2E_TMP/fake.port" --container-token container-secret-token &
fake_pid=$!
for _ in $(seq 100); do [ -s "$E2E_TMP/fake.port" ] && break; sleep 0.05; done
fake=127.0.0.1:$(cat "$E2E_TMP/fake.port")
run_case container-full "arn:aws:sts::123456789012:assumed-role/container-role/*" \
  AWS_CONTAINER_CREDENTIALS_FULL_URI="http://$fake/container/v2/credentials" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$E2E_TMP/container.token"
run_case container-relative "arn:aws:sts::123456789012:assumed-role/container-role/*" \
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/container/v2/credentials/abc \
  REDWIRE_CONTAINER_CREDENTIALS_HOST="$fake" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN=container-secret-token
run_case imdsv2 "arn:aws:sts::123456789012:assumed-role/imds-role/*" \
  AWS_EC2_METADATA_SERVICE_ENDPOINT="http://$fake"
stats=$(curl -fsS "http://$fake/_fake/stats")
e2e_log "fake metadata: $stats"
case $stats in *'"token_puts": 0'*) e2e_fail "IMDS credentials without a session token (IMDSv1)" ;; esac
case $stats in *'"refused": 0'*) ;; *) e2e_fail "the fake refused a request: $stats" ;; esac

# 10. No source at all: logins fail with 28000 and the reason.
RW_AUTH_MODE=trust rw_private_start none AWS_EC2_METADATA_DISABLED=true
if rw_private_psql anyone "" -c "select 1" >"$E2E_TMP/none.out" 2>&1; then
  e2e_fail "a login without any credentials succeeded"
fi
grep -q "redwire has no AWS credentials of its own" "$E2E_TMP/none.out" ||
  e2e_fail "unexpected error without credentials: $(cat "$E2E_TMP/none.out")"
e2e_log "ok: no source: $(head -1 "$E2E_TMP/none.out")"
rw_private_stop

# 11. Rotation under a running workload: STS credentials live 10 s (refresh at 80%: every 8 s).
# One psql session runs a statement every 0.25 s for 22 s, so it spans at least two rotations;
# the token file is missing when the first refresh (at 8 s) runs, so it fails, and is back for
# the retry 1 s later, before the old credentials expire at 10 s. No statement may fail.
emu_set_sts '{"max-duration-seconds":10}'
cp "$E2E_TMP/webid.jwt" "$E2E_TMP/rotate.jwt"
RW_AUTH_MODE=trust rw_private_start rotation \
  AWS_WEB_IDENTITY_TOKEN_FILE="$E2E_TMP/rotate.jwt" \
  AWS_ROLE_ARN=arn:aws:iam::123456789012:role/rotating-role
start_line=$(wc -l <"$emu_log")
# The token file goes away once the first credentials are in, and comes back as soon as redwire
# logged the failed refresh (its retry follows 1 s later, before the old credentials expire):
# driven by redwire's log, not by fixed sleeps, so a loaded machine does not change the story.
wait_log() {
  local i
  for ((i = 0; i < 400; i++)); do
    grep -q "$1" "$RW_LOG" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
(
  wait_log 'AWS credentials obtained from web identity' || exit 1
  mv "$E2E_TMP/rotate.jwt" "$E2E_TMP/rotate.jwt.away"
  wait_log 'AWS credential refresh failed (attempt 1)'
  mv "$E2E_TMP/rotate.jwt.away" "$E2E_TMP/rotate.jwt"
) &
mover=$!
for i in $(seq 88); do
  echo "select $i;"
  sleep 0.25
done | rw_private_psql anyone "" -A -t -v ON_ERROR_STOP=1 >"$E2E_TMP/rot.out" 2>"$E2E_TMP/rot.err" ||
  { cat "$RW_LOG" >&2; e2e_fail "a statement failed while credentials rotated: $(cat "$E2E_TMP/rot.err")"; }
wait "$mover" || e2e_fail "the first credentials never arrived: $(cat "$RW_LOG")"
e2e_expect_eq "statements during the rotation" 88 "$(wc -l <"$E2E_TMP/rot.out")"
keys=$(tail -n +"$start_line" "$emu_log" | grep ' op=ExecuteStatement ' |
  sed -n 's/.* key=\([^ ]*\) .*/\1/p' | sort -u | wc -l)
[ "$keys" -ge 3 ] || e2e_fail "only $keys distinct keys signed the workload (want >= 3 rotations)"
e2e_log "ok: $keys distinct temporary keys signed the 88 statements"
if tail -n +"$start_line" "$emu_log" | grep -q 'error=ExpiredToken'; then
  e2e_fail "the emulator saw an expired token"
fi
refreshed=$(grep -c 'AWS credentials refreshed from web identity' "$RW_LOG" || true)
[ "$refreshed" -ge 2 ] || e2e_fail "redwire logged $refreshed refreshes"
grep -q 'AWS credential refresh failed (attempt 1), keeping key ASIA' "$RW_LOG" ||
  { cat "$RW_LOG" >&2; e2e_fail "the failed refresh was not logged as keeping the old key"; }
e2e_log "ok: $refreshed refreshes; failed one logged: $(grep -m1 'refresh failed' "$RW_LOG" | cut -c1-200)"
if grep -Eq "$tmp_secret|$AWS_SECRET_ACCESS_KEY" "$RW_LOG"; then
  e2e_fail "a secret reached redwire's log"
fi
rw_private_stop
e2e_log "PASS"
