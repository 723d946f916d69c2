/*
 * emu_sts.h — AWS STS (Query protocol, 2011-06-15) on the emulator's port, so redwire's key check
 * and credential chain have a real signed endpoint on loopback: GetCallerIdentity,
 * AssumeRole and AssumeRoleWithWebIdentity, with AWS's XML answers and error documents.
 *
 * Requests are told apart from Data API calls by Content-Type application/x-www-form-urlencoded
 * (the Data API is application/x-amz-json-1.1). SigV4 is verified with service "sts" against the
 * same keys as the Data API plus the temporary keys STS itself issued. Issued keys are accepted
 * by the Data API (with their session token) until they expire; after that both sides answer
 * ExpiredToken(Exception). Their lifetime is the requested DurationSeconds (default 3600), capped
 * by max_duration_s (POST /_emulator/sts) so tests can make credentials expire within seconds.
 *
 * Thread-safe (one mutex). Issued keys are kept until emu_sts_free (bounded by
 * EMU_STS_MAX_ISSUED), so the emu_key pointers lookups return stay valid for the process.
 */
#ifndef REDWIRE_EMU_STS_H
#define REDWIRE_EMU_STS_H

#include <stdbool.h>
#include <stdint.h>

#include "emu_config.h"
#include "emu_json.h"

#define EMU_STS_MAX_ISSUED 100000
/* The account every emulated identity belongs to. */
#define EMU_STS_ACCOUNT "123456789012"

typedef struct emu_sts emu_sts;

emu_sts *emu_sts_new(void); /* NULL on allocation failure */
void emu_sts_free(emu_sts *s);

/* An issued key by access key id, or NULL. *expires_at receives its expiry (Unix seconds). */
const emu_key *emu_sts_find(emu_sts *s, const char *akid, size_t len, int64_t *expires_at);

/* The identity ARN of key (a configured or an issued one) into out. */
void emu_sts_identity_arn(emu_sts *s, const emu_key *key, char *out, size_t cap);

/* Lifetime cap of issued credentials in seconds (0 = none). */
void emu_sts_set_max_duration(emu_sts *s, uint32_t seconds);
uint32_t emu_sts_max_duration(emu_sts *s);

/* Delay of every STS answer in ms (0 = none), e.g. the round trip to a real STS region. */
void emu_sts_set_latency(emu_sts *s, uint32_t ms);
uint32_t emu_sts_latency(emu_sts *s);

/* The next n STS requests are answered HTTP 400 Throttling "Rate exceeded" (before SigV4). */
void emu_sts_set_fail_next(emu_sts *s, uint32_t n);
uint32_t emu_sts_fail_next(emu_sts *s);

/* "sts":{"GetCallerIdentity":n,"AssumeRole":n,"AssumeRoleWithWebIdentity":n,"issued":n} member
 * of /_emulator/stats (counts of successful calls). */
void emu_sts_stats_json(emu_sts *s, emu_buf *out);
void emu_sts_stats_reset(emu_sts *s);

/* [{"AccessKeyId":..,"Arn":..,"Expiration":..,"Expired":bool},...] of every issued key (no
 * secret, no token): how tests learn which identity a temporary key stands for. */
void emu_sts_keys_json(emu_sts *s, emu_buf *out);

#endif
