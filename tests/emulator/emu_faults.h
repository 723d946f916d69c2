/*
 * emu_faults.h — fault injection: latency, throttling, 5xx answers, dropped connections and
 * stalled result pages, switched by flags at startup and by POST /_emulator/faults at run time.
 *
 * Decisions come from one seeded generator (xorshift64*) under a mutex, so a given seed and a given
 * sequence of requests reproduce the same faults. Faults are planned only for requests that passed
 * authentication (emu_http's rule), and only for the operations in ops_mask.
 */
#ifndef REDWIRE_EMU_FAULTS_H
#define REDWIRE_EMU_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "emu_json.h"
#include "emu_op.h"

/* What the emulator does with WaitTimeSeconds: an endpoint that predates long polling either
 * ignores the member or refuses it (redwire then polls DescribeStatement instead). */
typedef enum emu_wait_mode {
  EMU_WAIT_HONOUR, /* the real service's behaviour: hold the answer until the statement ends */
  EMU_WAIT_IGNORE, /* answer at once, as if the member were absent */
  EMU_WAIT_REJECT, /* 400 SerializationException naming the member */
} emu_wait_mode;

typedef struct emu_fault_settings {
  uint32_t latency_ms;     /* added to every faultable response */
  double throttle_rate;    /* probability of 400 ThrottlingException "Rate exceeded" */
  double error_rate;       /* probability of a 500 InternalServerException (some 503s mixed in) */
  double drop_rate;        /* probability of closing the connection without an answer */
  uint32_t stall_ms;       /* GetStatementResult(V2) pages stall this long after part of the body */
  emu_wait_mode wait_time; /* not random: every request carrying WaitTimeSeconds */
  uint32_t ops_mask;       /* bit (1 << emu_op) per operation; 0 = every operation */
  uint64_t seed;           /* generator seed; only meaningful when seed_set */
  bool seed_set;           /* false: seeded from the clock */
} emu_fault_settings;

/* All faults off. */
void emu_fault_settings_init(emu_fault_settings *s);

/* True when name is one of the fault settings: latency-ms, throttle-rate, error-rate, drop-rate,
 * stall-ms, wait-time, fault-ops, fault-seed. */
bool emu_fault_settings_is_name(const char *name);

/* Applies one setting given as text (flags, config file). False with *why (static) when the value
 * is malformed or out of range; s is then unchanged for that setting. */
bool emu_fault_settings_apply(emu_fault_settings *s, const char *name, const char *value,
                              const char **why);

/* Builds settings from a JSON object {"latency-ms":100,"fault-ops":"ExecuteStatement,..."} (numbers
 * or strings; fault-ops may also be an array of names). Members not given are off. False with a
 * message in err[0..errlen) for an unknown member or a bad value. */
bool emu_fault_settings_from_json(const cJSON *obj, emu_fault_settings *out, char *err,
                                  size_t errlen);

/* Writes the settings as the JSON object the control endpoint accepts. */
void emu_fault_settings_json(const emu_fault_settings *s, emu_buf *out);

typedef enum emu_fault_kind {
  EMU_FAULT_NONE,
  EMU_FAULT_DROP,        /* close the connection, answer nothing */
  EMU_FAULT_THROTTLE,    /* 400 ThrottlingException */
  EMU_FAULT_ERROR,       /* 500 InternalServerException */
  EMU_FAULT_UNAVAILABLE, /* 503 ServiceUnavailableException */
} emu_fault_kind;

typedef struct emu_fault_plan {
  emu_fault_kind kind;
  uint32_t latency_ms; /* sleep before answering */
  uint32_t stall_ms;   /* for result pages: stall mid-body */
  emu_wait_mode wait_time;
} emu_fault_plan;

typedef struct emu_faults emu_faults;

/* NULL on allocation failure. */
emu_faults *emu_faults_new(const emu_fault_settings *s);
void emu_faults_free(emu_faults *f);
/* Replaces the settings and reseeds the generator. Thread-safe. */
void emu_faults_set(emu_faults *f, const emu_fault_settings *s);
void emu_faults_get(emu_faults *f, emu_fault_settings *out);
/* Draws the faults for one authenticated request of operation op. Thread-safe. */
void emu_faults_plan(emu_faults *f, emu_op op, emu_fault_plan *out);

#endif
