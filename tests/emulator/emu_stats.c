#include "emu_stats.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Distinct error types: the model has 10, the front end a handful more; 64 is ample, and any
 * beyond are counted under "other". */
#define MAX_ERROR_TYPES 64

struct emu_stats {
  pthread_mutex_t mu;
  uint64_t calls[EMU_OP_COUNT + 1]; /* last slot: unknown operations */
  const char *error_types[MAX_ERROR_TYPES];
  uint64_t errors[MAX_ERROR_TYPES];
  size_t n_error_types;
  uint64_t errors_other;
  uint64_t drops, throttles, errors500, unavailable503, latencies, stalls;
};

emu_stats *emu_stats_new(void) {
  emu_stats *s = calloc(1, sizeof *s);
  if (s != NULL) {
    pthread_mutex_init(&s->mu, NULL);
  }
  return s;
}

void emu_stats_free(emu_stats *s) {
  if (s != NULL) {
    pthread_mutex_destroy(&s->mu);
    free(s);
  }
}

void emu_stats_call(emu_stats *s, emu_op op) {
  pthread_mutex_lock(&s->mu);
  s->calls[(unsigned)op < EMU_OP_COUNT ? op : EMU_OP_COUNT]++;
  pthread_mutex_unlock(&s->mu);
}

void emu_stats_error(emu_stats *s, const char *type) {
  pthread_mutex_lock(&s->mu);
  size_t i = 0;
  while (i < s->n_error_types && strcmp(s->error_types[i], type) != 0) {
    i++;
  }
  if (i == s->n_error_types && i < MAX_ERROR_TYPES) {
    s->error_types[i] = type;
    s->errors[i] = 0;
    s->n_error_types++;
  }
  if (i < s->n_error_types) {
    s->errors[i]++;
  } else {
    s->errors_other++;
  }
  pthread_mutex_unlock(&s->mu);
}

void emu_stats_fault(emu_stats *s, emu_fault_kind kind) {
  pthread_mutex_lock(&s->mu);
  switch (kind) {
  case EMU_FAULT_DROP:
    s->drops++;
    break;
  case EMU_FAULT_THROTTLE:
    s->throttles++;
    break;
  case EMU_FAULT_ERROR:
    s->errors500++;
    break;
  case EMU_FAULT_UNAVAILABLE:
    s->unavailable503++;
    break;
  case EMU_FAULT_NONE:
    break;
  }
  pthread_mutex_unlock(&s->mu);
}

void emu_stats_latency(emu_stats *s) {
  pthread_mutex_lock(&s->mu);
  s->latencies++;
  pthread_mutex_unlock(&s->mu);
}

void emu_stats_stall(emu_stats *s) {
  pthread_mutex_lock(&s->mu);
  s->stalls++;
  pthread_mutex_unlock(&s->mu);
}

void emu_stats_reset(emu_stats *s) {
  pthread_mutex_lock(&s->mu);
  memset(s->calls, 0, sizeof s->calls);
  s->n_error_types = 0;
  s->errors_other = 0;
  s->drops = s->throttles = s->errors500 = s->unavailable503 = s->latencies = s->stalls = 0;
  pthread_mutex_unlock(&s->mu);
}

void emu_stats_json_members(emu_stats *s, emu_buf *out) {
  pthread_mutex_lock(&s->mu);
  emu_buf_puts(out, "\"calls\":{");
  uint64_t total = 0;
  for (int op = 0; op <= EMU_OP_COUNT; op++) {
    emu_json_cstr(out, op < EMU_OP_COUNT ? emu_op_name((emu_op)op) : "UnknownOperation");
    emu_buf_printf(out, ":%llu,", (unsigned long long)s->calls[op]);
    total += s->calls[op];
  }
  emu_buf_printf(out, "\"total\":%llu},\"errors\":{", (unsigned long long)total);
  for (size_t i = 0; i < s->n_error_types; i++) {
    emu_json_cstr(out, s->error_types[i]);
    emu_buf_printf(out, ":%llu,", (unsigned long long)s->errors[i]);
  }
  if (s->errors_other > 0) {
    emu_buf_printf(out, "\"other\":%llu,", (unsigned long long)s->errors_other);
  }
  if (out->len > 0 && out->data[out->len - 1] == ',') {
    emu_buf_truncate(out, out->len - 1);
  }
  emu_buf_printf(out,
                 "},\"faults\":{\"drop\":%llu,\"throttle\":%llu,\"error500\":%llu,"
                 "\"unavailable503\":%llu,\"latency\":%llu,\"stall\":%llu}",
                 (unsigned long long)s->drops, (unsigned long long)s->throttles,
                 (unsigned long long)s->errors500, (unsigned long long)s->unavailable503,
                 (unsigned long long)s->latencies, (unsigned long long)s->stalls);
  pthread_mutex_unlock(&s->mu);
}
