#!/usr/bin/env bash
# e2e_keycheck: auth_mode = iam checks the client's keys at login with STS GetCallerIdentity (the
# emulator's STS). A wrong secret, an unknown key id or a wrong session token fail at connect time
# with 28P01 and never reach the log; right keys log in with exactly one STS call, and a second
# login within iam_check_cache_seconds makes none. With the cache off every login asks STS (a
# throttled STS is asked up to 3 times); with
# iam_key_check = off no login does (a wrong key then fails at its first statement); a key the
# Data API rejects later (expired) loses its cached check; an unreachable STS gives 08001, not
# 28P01.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/e2e_lib.sh"
pg_login=${1:?usage: e2e_keycheck.sh PG_LOGIN}
e2e_tmpdir
. "$here/e2e_private.sh"
trap 'emu_set_sts "{\"fail-next\":0}" || true; rw_private_stop_all; rm -rf "$E2E_TMP"' EXIT

akid=$AWS_ACCESS_KEY_ID
secret=$AWS_SECRET_ACCESS_KEY
tmp_akid=$REDWIRE_TEST_TEMP_ACCESS_KEY_ID
tmp_pw=$REDWIRE_TEST_TEMP_SECRET_ACCESS_KEY:$REDWIRE_TEST_TEMP_SESSION_TOKEN
wrong_secret=wrongSecretNeverLogged/0123456789abcdefEXAMPLE

# login USER PASSWORD: pg_login's one-line verdict ("ok ..." or "error SQLSTATE message").
login() { "$pg_login" 127.0.0.1 "$RW_PORT" "$1" "$2" || true; }
sts_calls() { emu_stats sts.GetCallerIdentity; }

expect_refused() {
  local what=$1 want=$2 out
  out=$(login "$3" "$4")
  case $out in
  "error $want "*) e2e_log "ok: $what: $out" ;;
  *) e2e_fail "$what: expected error $want, got: $out" ;;
  esac
}

expect_ok() {
  local what=$1 out
  out=$(login "$2" "$3")
  case $out in
  ok*) e2e_log "ok: $what: $out" ;;
  *) e2e_fail "$what: expected a login, got: $out" ;;
  esac
}

rw_private_start cached
emu_reset_stats

expect_refused "wrong secret" 28P01 "$akid" "$wrong_secret"
expect_refused "unknown key id" 28P01 AKIDREDWIREUNKNOWN99 "$secret"
expect_refused "temporary key, wrong token" 28P01 "$tmp_akid" "$REDWIRE_TEST_TEMP_SECRET_ACCESS_KEY:bogusToken"
expect_refused "temporary key without its token" 28P01 "$tmp_akid" "$REDWIRE_TEST_TEMP_SECRET_ACCESS_KEY"
out=$(login "$akid" "$wrong_secret")
case $out in *"password authentication failed for user \"$akid\""*) ;; *) e2e_fail "message: $out" ;; esac
e2e_expect_eq "STS calls accepted so far" 0 "$(sts_calls)"
[ "$(emu_stats errors.SignatureDoesNotMatch)" -ge 2 ] || e2e_fail "the emulator saw no SignatureDoesNotMatch"
[ "$(emu_stats errors.InvalidClientTokenId)" -ge 2 ] || e2e_fail "the emulator saw no InvalidClientTokenId"
if grep -Fq "$wrong_secret" "$RW_LOG" "$RW_OUT"; then
  e2e_fail "a secret reached redwire's log"
fi

expect_ok "right key (cold)" "$akid" "$secret"
e2e_expect_eq "STS calls after the first good login" 1 "$(sts_calls)"
expect_ok "right key again (cached)" "$akid" "$secret"
e2e_expect_eq "STS calls after the second good login" 1 "$(sts_calls)"
expect_ok "temporary key with its token" "$tmp_akid" "$tmp_pw"
e2e_expect_eq "STS calls after the temporary key" 2 "$(sts_calls)"
# A cached key pair is no pass for another secret.
expect_refused "cached key id, other secret" 28P01 "$akid" "$wrong_secret"
v=$(rw_private_psql "$akid" "$secret" -A -t -v ON_ERROR_STOP=1 -c "select 40 + 2")
e2e_expect_eq "a query after the checked login" 42 "$v"
grep -q "IAM key check: $akid is arn:aws:iam::123456789012:user/$akid" "$RW_LOG" ||
  e2e_fail "redwire did not log the identity STS returned"
rw_private_stop

RW_EXTRA_REDWIRE="iam_check_cache_seconds = 0" rw_private_start nocache
emu_reset_stats
expect_ok "no cache, 1st" "$akid" "$secret"
expect_ok "no cache, 2nd" "$akid" "$secret"
e2e_expect_eq "STS calls without the cache" 2 "$(sts_calls)"
# A throttled STS is asked again (3 attempts, 100 ms then 200 ms apart) before the login fails.
sts_fail_next() { emu_set_sts "{\"fail-next\":$1}"; }
emu_reset_stats
sts_fail_next 2
expect_ok "STS throttles twice, the third attempt passes" "$akid" "$secret"
e2e_expect_eq "throttled STS answers" 2 "$(emu_stats errors.Throttling)"
sts_fail_next 3
out=$(login "$akid" "$secret")
sts_fail_next 0
case $out in
"error 08001 "*) e2e_log "ok: STS throttles 3 times: $out" ;;
*) e2e_fail "STS throttling 3 times: expected 08001, got: $out" ;;
esac
grep -q "Throttling: Rate exceeded (3 attempts)" "$RW_LOG" || e2e_fail "the 3 attempts were not logged"
rw_private_stop

RW_EXTRA_REDWIRE="iam_key_check = off" rw_private_start off
emu_reset_stats
expect_ok "check off, right key" "$akid" "$secret"
expect_ok "check off, wrong secret logs in" "$akid" "$wrong_secret"
e2e_expect_eq "STS calls with the check off" 0 "$(sts_calls)"
if rw_private_psql "$akid" "$wrong_secret" -c "select 1" >"$E2E_TMP/off.out" 2>&1; then
  e2e_fail "a wrong key ran a statement"
fi
e2e_log "ok: check off, the wrong key fails at its first statement: $(head -1 "$E2E_TMP/off.out")"
rw_private_stop

# A cached check is dropped when the Data API later rejects the key: temporary keys from the
# emulator's STS that live 4 s pass the check (cached for 60 s), expire, fail their next
# statement — and the next login asks STS again (ExpiredToken → 28P01) instead of trusting
# the cache.
trap 'emu_set_sts "{\"max-duration-seconds\":0,\"fail-next\":0}" || true; rw_private_stop_all; rm -rf "$E2E_TMP"' EXIT
rw_private_start expiry
emu_reset_stats
emu_set_sts '{"max-duration-seconds":4}'
xml=$(curl -fsS -H 'Content-Type: application/x-www-form-urlencoded' --data \
  'Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fshort&RoleSessionName=keycheck&WebIdentityToken=e30.e30.sig' \
  "$EMULATOR_URL/")
emu_set_sts '{"max-duration-seconds":0}'
x_akid=$(sed -n 's:.*<AccessKeyId>\(.*\)</AccessKeyId>.*:\1:p' <<<"$xml")
x_secret=$(sed -n 's:.*<SecretAccessKey>\(.*\)</SecretAccessKey>.*:\1:p' <<<"$xml")
x_token=$(sed -n 's:.*<SessionToken>\(.*\)</SessionToken>.*:\1:p' <<<"$xml")
x_exp=$(sed -n 's:.*<Expiration>\(.*\)</Expiration>.*:\1:p' <<<"$xml")
[ -n "$x_akid" ] && [ -n "$x_secret" ] && [ -n "$x_token" ] && [ -n "$x_exp" ] ||
  e2e_fail "no temporary key from STS: $xml"
expect_ok "short-lived key" "$x_akid" "$x_secret:$x_token"
expect_ok "short-lived key again (cached)" "$x_akid" "$x_secret:$x_token"
e2e_expect_eq "STS calls for the short-lived key" 1 "$(sts_calls)"
# Until a second past its Expiration.
wait_s=$(($(date -d "$x_exp" +%s) - $(date +%s) + 1))
[ "$wait_s" -gt 0 ] && sleep "$wait_s"
if rw_private_psql "$x_akid" "$x_secret:$x_token" -c "select 1" >"$E2E_TMP/exp.out" 2>&1; then
  e2e_fail "an expired key ran a statement"
fi
e2e_log "ok: expired key (check cached): $(head -1 "$E2E_TMP/exp.out" | cut -c1-160)"
expect_refused "expired key after the Data API refused it" 28P01 "$x_akid" "$x_secret:$x_token"
[ "$(emu_stats errors.ExpiredToken)" -ge 1 ] || e2e_fail "the last login did not ask STS again"
rw_private_stop

# Nothing listens on port 1: STS is unreachable, which is not a wrong password.
RW_STS_ENDPOINT=http://127.0.0.1:1 rw_private_start unreachable
expect_refused "STS unreachable" 08001 "$akid" "$secret"
rw_private_stop
e2e_log "PASS"
