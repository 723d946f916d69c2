#include "emu_store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HASH_BUCKETS 8192

struct emu_store {
  pthread_mutex_t mu;
  pthread_cond_t changed; /* CLOCK_MONOTONIC */
  emu_stmt *by_id[HASH_BUCKETS];
  emu_stmt *by_token[HASH_BUCKETS];
  emu_stmt *newest, *oldest;     /* all published top-level statements, all_next = older */
  emu_stmt *res_head, *res_tail; /* statements holding a result, oldest first */
  size_t result_bytes, n_results, max_result_bytes;
  emu_session *sessions; /* newest first */
  size_t open_sessions, max_sessions;
  size_t active;
  int64_t next_query_id;
  uint64_t next_seq;
};

static const char *const status_names[EMU_ST_COUNT] = {"SUBMITTED", "PICKED",  "STARTED",
                                                       "FINISHED",  "ABORTED", "FAILED"};

const char *emu_status_name(emu_status s) {
  return (unsigned)s < EMU_ST_COUNT ? status_names[s] : "?";
}

bool emu_status_terminal(emu_status s) {
  return s == EMU_ST_FINISHED || s == EMU_ST_ABORTED || s == EMU_ST_FAILED;
}

const char *emu_session_status_name(emu_session_status s) {
  return s == EMU_SESS_AVAILABLE ? "AVAILABLE" : s == EMU_SESS_BUSY ? "BUSY" : "CLOSED";
}

bool emu_target_copy(emu_target *dst, const emu_target *src) {
  memset(dst, 0, sizeof *dst);
  dst->cluster = emu_strdup_or_null(src->cluster);
  dst->workgroup = emu_strdup_or_null(src->workgroup);
  dst->database = emu_strdup_or_null(src->database);
  dst->db_user = emu_strdup_or_null(src->db_user);
  dst->secret_arn = emu_strdup_or_null(src->secret_arn);
  return (src->cluster == NULL || dst->cluster != NULL) &&
         (src->workgroup == NULL || dst->workgroup != NULL) &&
         (src->database == NULL || dst->database != NULL) &&
         (src->db_user == NULL || dst->db_user != NULL) &&
         (src->secret_arn == NULL || dst->secret_arn != NULL);
}

void emu_target_free(emu_target *t) {
  free(t->cluster);
  free(t->workgroup);
  free(t->database);
  free(t->db_user);
  free(t->secret_arn);
  memset(t, 0, sizeof *t);
}

static uint32_t hash_str(const char *a, const char *b) {
  uint32_t h = 2166136261u;
  for (; *a != '\0'; a++) {
    h = (h ^ (unsigned char)*a) * 16777619u;
  }
  h = (h ^ 0xff) * 16777619u;
  for (; b != NULL && *b != '\0'; b++) {
    h = (h ^ (unsigned char)*b) * 16777619u;
  }
  return h % HASH_BUCKETS;
}

emu_store *emu_store_new(size_t max_result_bytes, size_t max_sessions) {
  emu_store *s = calloc(1, sizeof *s);
  if (s == NULL) {
    return NULL;
  }
  pthread_mutex_init(&s->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&s->changed, &ca);
  pthread_condattr_destroy(&ca);
  s->max_result_bytes = max_result_bytes;
  s->max_sessions = max_sessions;
  /* Redshift query ids are large and increasing; start somewhere that looks like one. */
  s->next_query_id = 100000;
  return s;
}

static void free_stmt(emu_stmt *st) {
  free(st->owner);
  free(st->sql);
  free(st->exec_sql);
  for (size_t i = 0; i < st->n_pg_values; i++) {
    free(st->pg_values[i]);
  }
  free(st->pg_values);
  for (size_t i = 0; i < st->n_params; i++) {
    free(st->params[i].name);
    free(st->params[i].value);
  }
  free(st->params);
  emu_target_free(&st->target);
  free(st->statement_name);
  free(st->client_token);
  free(st->error);
  emu_result_unref(st->result);
  free(st->subs);
  free(st);
}

void emu_store_free(emu_store *s) {
  if (s == NULL) {
    return;
  }
  emu_stmt *st = s->newest;
  while (st != NULL) {
    emu_stmt *older = st->all_next;
    for (size_t i = 0; i < st->n_subs; i++) {
      free_stmt(st->subs[i]);
    }
    free_stmt(st);
    st = older;
  }
  emu_session *se = s->sessions;
  while (se != NULL) {
    emu_session *next = se->next;
    PQfinish(se->conn);
    free(se->owner);
    emu_target_free(&se->target);
    free(se);
    se = next;
  }
  pthread_cond_destroy(&s->changed);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

void emu_store_lock(emu_store *s) {
  pthread_mutex_lock(&s->mu);
}

void emu_store_unlock(emu_store *s) {
  pthread_mutex_unlock(&s->mu);
}

void emu_store_broadcast(emu_store *s) {
  pthread_cond_broadcast(&s->changed);
}

bool emu_store_wait_locked(emu_store *s, int64_t deadline_ns) {
  struct timespec ts = {.tv_sec = deadline_ns / 1000000000, .tv_nsec = deadline_ns % 1000000000};
  return pthread_cond_timedwait(&s->changed, &s->mu, &ts) == 0;
}

emu_stmt *emu_stmt_new(void) {
  emu_stmt *st = calloc(1, sizeof *st);
  if (st != NULL) {
    st->refs = 1;
    st->status = EMU_ST_SUBMITTED;
    st->result_rows = -1;
    st->result_size = -1;
  }
  return st;
}

void emu_stmt_ref_locked(emu_stmt *st) {
  /* Sub-statements share their parent's lifetime: counting happens on the parent. */
  while (st->parent != NULL) {
    st = st->parent;
  }
  st->refs++;
}

void emu_stmt_unref_locked(emu_store *s, emu_stmt *st) {
  (void)s;
  while (st->parent != NULL) {
    st = st->parent;
  }
  if (--st->refs > 0) {
    return;
  }
  for (size_t i = 0; i < st->n_subs; i++) {
    free_stmt(st->subs[i]);
  }
  free_stmt(st);
}

void emu_stmt_unref(emu_store *s, emu_stmt *st) {
  emu_store_lock(s);
  emu_stmt_unref_locked(s, st);
  emu_store_unlock(s);
}

bool emu_store_publish_locked(emu_store *s, emu_stmt *st) {
  if (st->id[0] == '\0') {
    return false;
  }
  uint32_t h = hash_str(st->id, NULL);
  st->hash_next = s->by_id[h];
  s->by_id[h] = st;
  st->all_prev = NULL;
  st->all_next = s->newest;
  if (s->newest != NULL) {
    s->newest->all_prev = st;
  }
  s->newest = st;
  if (s->oldest == NULL) {
    s->oldest = st;
  }
  if (st->client_token != NULL) {
    uint32_t t = hash_str(st->owner, st->client_token);
    st->token_next = s->by_token[t];
    s->by_token[t] = st;
  }
  st->published = true;
  st->seq = ++s->next_seq;
  st->refs++;
  if (!emu_status_terminal(st->status)) {
    s->active++;
  }
  return true;
}

emu_stmt *emu_store_find_locked(emu_store *s, const char *id, const char *owner) {
  char base[EMU_STMT_ID_MAX + 1];
  size_t n = strcspn(id, ":");
  if (n >= sizeof base) {
    return NULL;
  }
  memcpy(base, id, n);
  base[n] = '\0';
  emu_stmt *st = s->by_id[hash_str(base, NULL)];
  while (st != NULL && strcmp(st->id, base) != 0) {
    st = st->hash_next;
  }
  if (st == NULL || strcmp(st->owner, owner) != 0) {
    return NULL;
  }
  if (id[n] != ':') {
    return st;
  }
  /* "uuid:N": the N-th sub-statement of a batch (the model allows up to two digits, 1..40). */
  const char *num = id + n + 1;
  if (num[0] < '1' || num[0] > '9' || (num[1] != '\0' && (num[1] < '0' || num[1] > '9')) ||
      (num[1] != '\0' && num[2] != '\0')) {
    return NULL;
  }
  size_t k = (size_t)atoi(num);
  if (!st->is_batch || k > st->n_subs) {
    return NULL;
  }
  return st->subs[k - 1];
}

emu_stmt *emu_store_find_token_locked(emu_store *s, const char *owner, const char *token) {
  double cutoff = emu_now_epoch() - EMU_TOKEN_RETENTION_S;
  for (emu_stmt *st = s->by_token[hash_str(owner, token)]; st != NULL; st = st->token_next) {
    if (strcmp(st->client_token, token) == 0 && strcmp(st->owner, owner) == 0 &&
        st->created_at >= cutoff) {
      return st;
    }
  }
  return NULL;
}

emu_stmt *emu_store_next_stmt_locked(emu_store *s, emu_stmt *prev) {
  return prev == NULL ? s->newest : prev->all_next;
}

static void result_list_remove(emu_store *s, emu_stmt *st) {
  emu_stmt **pp = &s->res_head;
  emu_stmt *prev = NULL;
  while (*pp != NULL && *pp != st) {
    prev = *pp;
    pp = &(*pp)->result_next;
  }
  if (*pp == st) {
    *pp = st->result_next;
    if (s->res_tail == st) {
      s->res_tail = prev;
    }
    st->result_next = NULL;
  }
}

static void drop_result(emu_store *s, emu_stmt *st) {
  if (st->result != NULL) {
    s->result_bytes -= st->result->mem_bytes;
    s->n_results--;
    emu_result_unref(st->result);
    st->result = NULL;
  }
}

bool emu_store_attach_result_locked(emu_store *s, emu_stmt *st, emu_result *r) {
  if (r->mem_bytes > s->max_result_bytes) {
    emu_result_unref(r);
    return false;
  }
  while (s->res_head != NULL && s->result_bytes + r->mem_bytes > s->max_result_bytes) {
    emu_stmt *old = s->res_head;
    s->res_head = old->result_next;
    if (s->res_head == NULL) {
      s->res_tail = NULL;
    }
    old->result_next = NULL;
    drop_result(s, old);
    old->result_evicted = true;
  }
  st->result = r;
  s->result_bytes += r->mem_bytes;
  s->n_results++;
  st->result_next = NULL;
  if (s->res_tail != NULL) {
    s->res_tail->result_next = st;
  } else {
    s->res_head = st;
  }
  s->res_tail = st;
  return true;
}

emu_session *emu_store_find_session_locked(emu_store *s, const char *id) {
  for (emu_session *se = s->sessions; se != NULL; se = se->next) {
    if (strcmp(se->id, id) == 0) {
      return se;
    }
  }
  return NULL;
}

emu_session *emu_store_new_session_locked(emu_store *s, const char *owner, const emu_target *target,
                                          int keepalive_s, bool *limit) {
  *limit = s->open_sessions >= s->max_sessions;
  if (*limit) {
    return NULL;
  }
  emu_session *se = calloc(1, sizeof *se);
  if (se == NULL) {
    return NULL;
  }
  se->owner = emu_strdup_or_null(owner);
  if (se->owner == NULL || !emu_target_copy(&se->target, target) || !emu_uuid(se->id)) {
    free(se->owner);
    emu_target_free(&se->target);
    free(se);
    return NULL;
  }
  se->created_at = se->updated_at = emu_now_epoch();
  se->keepalive_s = keepalive_s;
  se->status = EMU_SESS_BUSY;
  se->seq = ++s->next_seq;
  se->next = s->sessions;
  s->sessions = se;
  s->open_sessions++;
  return se;
}

void emu_store_close_session_locked(emu_store *s, emu_session *se) {
  if (se->status != EMU_SESS_CLOSED) {
    se->status = EMU_SESS_CLOSED;
    se->updated_at = emu_now_epoch();
    s->open_sessions--;
  }
}

emu_session *emu_store_next_session_locked(emu_store *s, emu_session *prev) {
  return prev == NULL ? s->sessions : prev->next;
}

size_t emu_store_open_sessions_locked(emu_store *s) {
  return s->open_sessions;
}

static void unlink_stmt(emu_store *s, emu_stmt *st) {
  emu_stmt **pp = &s->by_id[hash_str(st->id, NULL)];
  while (*pp != NULL && *pp != st) {
    pp = &(*pp)->hash_next;
  }
  if (*pp == st) {
    *pp = st->hash_next;
  }
  if (st->client_token != NULL) {
    pp = &s->by_token[hash_str(st->owner, st->client_token)];
    while (*pp != NULL && *pp != st) {
      pp = &(*pp)->token_next;
    }
    if (*pp == st) {
      *pp = st->token_next;
    }
  }
  if (st->all_prev != NULL) {
    st->all_prev->all_next = st->all_next;
  } else {
    s->newest = st->all_next;
  }
  if (st->all_next != NULL) {
    st->all_next->all_prev = st->all_prev;
  } else {
    s->oldest = st->all_prev;
  }
  for (size_t i = 0; i <= st->n_subs; i++) {
    emu_stmt *x = i < st->n_subs ? st->subs[i] : st;
    if (x->result != NULL) {
      result_list_remove(s, x);
      drop_result(s, x);
    }
  }
  st->published = false;
}

void emu_store_reap(emu_store *s, double now) {
  PGconn *to_close[64];
  size_t n_close = 0;
  emu_store_lock(s);
  for (emu_session *se = s->sessions; se != NULL && n_close < 64; se = se->next) {
    bool idle_expired = se->status == EMU_SESS_AVAILABLE && now >= se->ttl_at;
    bool too_old = se->status == EMU_SESS_AVAILABLE && now >= se->created_at + EMU_SESSION_MAX_S;
    if (idle_expired || too_old) {
      emu_store_close_session_locked(s, se);
    }
    /* Sessions closed elsewhere (found expired by a request) leave their connection here. */
    if (se->status == EMU_SESS_CLOSED) {
      if (se->conn != NULL) {
        to_close[n_close++] = se->conn;
        se->conn = NULL;
      }
    }
  }
  /* Purge from the oldest end; statements still referenced elsewhere wait for a later pass. */
  emu_stmt *st = s->oldest;
  while (st != NULL && st->created_at < now - EMU_RETENTION_S) {
    emu_stmt *newer = st->all_prev;
    if (st->refs == 1 && emu_status_terminal(st->status)) {
      unlink_stmt(s, st);
      emu_stmt_unref_locked(s, st);
    }
    st = newer;
  }
  emu_store_unlock(s);
  for (size_t i = 0; i < n_close; i++) {
    PQfinish(to_close[i]);
  }
}

void emu_store_counts_locked(emu_store *s, size_t by_status[EMU_ST_COUNT], size_t *results,
                             size_t *result_bytes) {
  memset(by_status, 0, EMU_ST_COUNT * sizeof by_status[0]);
  for (emu_stmt *st = s->newest; st != NULL; st = st->all_next) {
    by_status[st->status]++;
  }
  *results = s->n_results;
  *result_bytes = s->result_bytes;
}

int64_t emu_store_next_query_id_locked(emu_store *s) {
  return s->next_query_id++;
}

size_t emu_store_active_locked(emu_store *s) {
  return s->active;
}

void emu_store_set_status_locked(emu_store *s, emu_stmt *st, emu_status status) {
  bool was_terminal = emu_status_terminal(st->status);
  st->status = status;
  st->updated_at = emu_now_epoch();
  if (status == EMU_ST_STARTED && st->started_ns == 0) {
    st->started_ns = emu_now_mono_ns();
  }
  if (emu_status_terminal(status)) {
    st->ended_ns = emu_now_mono_ns();
    if (st->started_ns == 0) {
      st->started_ns = st->ended_ns;
    }
    if (!was_terminal && st->parent == NULL && st->published) {
      s->active--;
    }
  }
  pthread_cond_broadcast(&s->changed);
}
