/*
 * emu_stats.h — request counters served by GET /_emulator/stats: calls per operation, errors per
 * __type, faults injected per kind. Thread-safe (one mutex); cleared by POST
 * /_emulator/reset-stats. Statement and session counts are not kept here: they are read from the
 * store when asked.
 */
#ifndef REDWIRE_EMU_STATS_H
#define REDWIRE_EMU_STATS_H

#include "emu_faults.h"
#include "emu_json.h"
#include "emu_op.h"

typedef struct emu_stats emu_stats;

emu_stats *emu_stats_new(void); /* NULL on allocation failure */
void emu_stats_free(emu_stats *s);

/* One authenticated call of op (EMU_OP_COUNT: an unknown operation). */
void emu_stats_call(emu_stats *s, emu_op op);
/* One error answer; type must be a static string (error types are string literals). */
void emu_stats_error(emu_stats *s, const char *type);
void emu_stats_fault(emu_stats *s, emu_fault_kind kind);
void emu_stats_latency(emu_stats *s);
void emu_stats_stall(emu_stats *s);
void emu_stats_reset(emu_stats *s);

/* Writes "calls":{...},"errors":{...},"faults":{...} (members, without braces) into out. */
void emu_stats_json_members(emu_stats *s, emu_buf *out);

#endif
