#include "emu_faults.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct emu_faults {
  pthread_mutex_t mu;
  emu_fault_settings s; /* guarded by mu */
  uint64_t rng;         /* guarded by mu; never 0 */
};

void emu_fault_settings_init(emu_fault_settings *s) {
  memset(s, 0, sizeof *s);
}

static const char *const setting_names[] = {"latency-ms", "throttle-rate", "error-rate",
                                            "drop-rate",  "stall-ms",      "wait-time",
                                            "fault-ops",  "fault-seed"};

static const char *const wait_mode_names[] = {"honour", "ignore", "reject"};

bool emu_fault_settings_is_name(const char *name) {
  for (size_t i = 0; i < sizeof setting_names / sizeof setting_names[0]; i++) {
    if (strcmp(name, setting_names[i]) == 0) {
      return true;
    }
  }
  return false;
}

static bool parse_u64(const char *v, uint64_t max, uint64_t *out) {
  if (*v < '0' || *v > '9') {
    return false;
  }
  errno = 0;
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  if (errno != 0 || *end != '\0' || n > max) {
    return false;
  }
  *out = n;
  return true;
}

static bool parse_rate(const char *v, double *out) {
  errno = 0;
  char *end;
  double d = strtod(v, &end);
  if (end == v || *end != '\0' || errno != 0 || !(d >= 0.0 && d <= 1.0)) {
    return false;
  }
  *out = d;
  return true;
}

static bool parse_ops(const char *v, uint32_t *mask) {
  uint32_t m = 0;
  const char *p = v;
  while (*p != '\0') {
    const char *comma = strchr(p, ',');
    size_t n = comma != NULL ? (size_t)(comma - p) : strlen(p);
    while (n > 0 && *p == ' ') {
      p++, n--;
    }
    while (n > 0 && p[n - 1] == ' ') {
      n--;
    }
    if (n > 0) {
      emu_op op = emu_op_from_name(p, n);
      if (op == EMU_OP_COUNT) {
        return false;
      }
      m |= 1u << op;
    }
    if (comma == NULL) {
      break;
    }
    p = comma + 1;
  }
  *mask = m;
  return true;
}

bool emu_fault_settings_apply(emu_fault_settings *s, const char *name, const char *value,
                              const char **why) {
  uint64_t u;
  if (strcmp(name, "latency-ms") == 0 || strcmp(name, "stall-ms") == 0) {
    /* Capped at 10 minutes: longer would only hang tests. */
    if (!parse_u64(value, 600000, &u)) {
      *why = "expected milliseconds between 0 and 600000";
      return false;
    }
    if (name[0] == 'l') {
      s->latency_ms = (uint32_t)u;
    } else {
      s->stall_ms = (uint32_t)u;
    }
    return true;
  }
  double *rate = strcmp(name, "throttle-rate") == 0 ? &s->throttle_rate
                 : strcmp(name, "error-rate") == 0  ? &s->error_rate
                 : strcmp(name, "drop-rate") == 0   ? &s->drop_rate
                                                    : NULL;
  if (rate != NULL) {
    if (!parse_rate(value, rate)) {
      *why = "expected a probability between 0 and 1";
      return false;
    }
    return true;
  }
  if (strcmp(name, "wait-time") == 0) {
    for (size_t i = 0; i < sizeof wait_mode_names / sizeof wait_mode_names[0]; i++) {
      if (strcmp(value, wait_mode_names[i]) == 0) {
        s->wait_time = (emu_wait_mode)i;
        return true;
      }
    }
    *why = "expected honour, ignore or reject";
    return false;
  }
  if (strcmp(name, "fault-ops") == 0) {
    if (!parse_ops(value, &s->ops_mask)) {
      *why = "expected a comma-separated list of operation names (ExecuteStatement,...)";
      return false;
    }
    return true;
  }
  if (strcmp(name, "fault-seed") == 0) {
    if (!parse_u64(value, UINT64_MAX, &u)) {
      *why = "expected an unsigned integer";
      return false;
    }
    s->seed = u;
    s->seed_set = true;
    return true;
  }
  *why = "unknown fault setting";
  return false;
}

bool emu_fault_settings_from_json(const cJSON *obj, emu_fault_settings *out, char *err,
                                  size_t errlen) {
  emu_fault_settings s;
  emu_fault_settings_init(&s);
  if (!cJSON_IsObject(obj)) {
    snprintf(err, errlen, "the body must be a JSON object");
    return false;
  }
  const cJSON *m;
  cJSON_ArrayForEach(m, obj) {
    char text[512];
    const char *why = NULL;
    if (cJSON_IsNumber(m)) {
      snprintf(text, sizeof text, "%.17g", m->valuedouble);
      /* Integers print without exponent up to 2^53; seeds beyond that must be strings. */
    } else if (cJSON_IsString(m)) {
      snprintf(text, sizeof text, "%s", m->valuestring);
    } else if (cJSON_IsArray(m) && strcmp(m->string, "fault-ops") == 0) {
      size_t used = 0;
      text[0] = '\0';
      const cJSON *e;
      cJSON_ArrayForEach(e, m) {
        if (!cJSON_IsString(e)) {
          snprintf(err, errlen, "fault-ops: array members must be strings");
          return false;
        }
        int n =
            snprintf(text + used, sizeof text - used, "%s%s", used > 0 ? "," : "", e->valuestring);
        if (n < 0 || (size_t)n >= sizeof text - used) {
          snprintf(err, errlen, "fault-ops: too long");
          return false;
        }
        used += (size_t)n;
      }
    } else {
      snprintf(err, errlen, "%s: expected a number or a string", m->string);
      return false;
    }
    if (!emu_fault_settings_apply(&s, m->string, text, &why)) {
      snprintf(err, errlen, "%s: %s", m->string, why);
      return false;
    }
  }
  *out = s;
  return true;
}

void emu_fault_settings_json(const emu_fault_settings *s, emu_buf *out) {
  emu_buf_printf(out, "{\"latency-ms\":%u,\"throttle-rate\":", s->latency_ms);
  emu_json_double(out, s->throttle_rate);
  emu_buf_puts(out, ",\"error-rate\":");
  emu_json_double(out, s->error_rate);
  emu_buf_puts(out, ",\"drop-rate\":");
  emu_json_double(out, s->drop_rate);
  emu_buf_printf(out, ",\"stall-ms\":%u,\"wait-time\":\"%s\",\"fault-ops\":\"", s->stall_ms,
                 wait_mode_names[s->wait_time]);
  bool first = true;
  for (int op = 0; op < EMU_OP_COUNT; op++) {
    if (s->ops_mask & (1u << op)) {
      emu_buf_printf(out, "%s%s", first ? "" : ",", emu_op_name((emu_op)op));
      first = false;
    }
  }
  emu_buf_puts(out, "\"");
  if (s->seed_set) {
    emu_buf_printf(out, ",\"fault-seed\":\"%llu\"", (unsigned long long)s->seed);
  }
  emu_buf_puts(out, "}");
}

static uint64_t seed_of(const emu_fault_settings *s) {
  uint64_t x = s->seed_set ? s->seed : (uint64_t)time(NULL) ^ (uint64_t)clock();
  /* splitmix64 step: spreads small seeds, and xorshift must not start at 0. */
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x != 0 ? x : 1;
}

emu_faults *emu_faults_new(const emu_fault_settings *s) {
  emu_faults *f = calloc(1, sizeof *f);
  if (f == NULL) {
    return NULL;
  }
  pthread_mutex_init(&f->mu, NULL);
  f->s = *s;
  f->rng = seed_of(s);
  return f;
}

void emu_faults_free(emu_faults *f) {
  if (f != NULL) {
    pthread_mutex_destroy(&f->mu);
    free(f);
  }
}

void emu_faults_set(emu_faults *f, const emu_fault_settings *s) {
  pthread_mutex_lock(&f->mu);
  f->s = *s;
  f->rng = seed_of(s);
  pthread_mutex_unlock(&f->mu);
}

void emu_faults_get(emu_faults *f, emu_fault_settings *out) {
  pthread_mutex_lock(&f->mu);
  *out = f->s;
  pthread_mutex_unlock(&f->mu);
}

/* Uniform in [0, 1). Caller holds mu. */
static double draw(emu_faults *f) {
  uint64_t x = f->rng;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  f->rng = x;
  return (double)((x * 0x2545f4914f6cdd1dull) >> 11) * 0x1.0p-53;
}

void emu_faults_plan(emu_faults *f, emu_op op, emu_fault_plan *out) {
  memset(out, 0, sizeof *out);
  pthread_mutex_lock(&f->mu);
  const emu_fault_settings *s = &f->s;
  if (s->ops_mask == 0 || (s->ops_mask & (1u << op)) != 0) {
    out->latency_ms = s->latency_ms;
    out->wait_time = s->wait_time;
    if (op == EMU_OP_GET_STATEMENT_RESULT || op == EMU_OP_GET_STATEMENT_RESULT_V2) {
      out->stall_ms = s->stall_ms;
    }
    /* Always draw all three so the sequence of decisions depends only on the seed and the number
     * of requests, not on which faults happened to fire. */
    double d = draw(f), t = draw(f), e = draw(f), kind503 = draw(f);
    if (d < s->drop_rate) {
      out->kind = EMU_FAULT_DROP;
    } else if (t < s->throttle_rate) {
      out->kind = EMU_FAULT_THROTTLE;
    } else if (e < s->error_rate) {
      /* One error fault in four is a 503, the other status SDKs retry. */
      out->kind = kind503 < 0.25 ? EMU_FAULT_UNAVAILABLE : EMU_FAULT_ERROR;
    }
  }
  pthread_mutex_unlock(&f->mu);
}
