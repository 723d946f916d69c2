#include "emu_validate.h"

#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Compiled patterns, keyed by the ERE text's address (every pattern string lives in emu_model.c's
 * static tables). Written once under pthread_once, read-only afterwards, which makes concurrent
 * regexec safe. */
#define MAX_PATTERNS 32
static struct {
  const char *ere;
  regex_t re;
} patterns[MAX_PATTERNS];
static size_t n_patterns;
static bool init_ok;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static bool add_pattern(const char *ere) {
  for (size_t i = 0; i < n_patterns; i++) {
    if (strcmp(patterns[i].ere, ere) == 0) {
      return true;
    }
  }
  if (n_patterns == MAX_PATTERNS ||
      regcomp(&patterns[n_patterns].re, ere, REG_EXTENDED | REG_NOSUB) != 0) {
    return false;
  }
  patterns[n_patterns++].ere = ere;
  return true;
}

static bool add_shape(const emu_model_shape *s) {
  for (size_t i = 0; i < s->n_members; i++) {
    const emu_model_member *m = &s->members[i];
    if (m->pattern_ere != NULL && !add_pattern(m->pattern_ere)) {
      return false;
    }
    if (m->element != NULL && !add_shape(m->element)) {
      return false;
    }
  }
  return true;
}

static void do_init(void) {
  init_ok = true;
  for (size_t i = 0; i < emu_model_n_operations; i++) {
    init_ok = init_ok && add_shape(emu_model_operations[i].input);
  }
}

bool emu_validate_init(void) {
  pthread_once(&init_once, do_init);
  return init_ok;
}

const emu_model_shape *emu_validate_shape(const char *op_name) {
  for (size_t i = 0; i < emu_model_n_operations; i++) {
    if (strcmp(emu_model_operations[i].name, op_name) == 0) {
      return emu_model_operations[i].input;
    }
  }
  return NULL;
}

static bool matches(const char *ere, const char *s) {
  for (size_t i = 0; i < n_patterns; i++) {
    if (patterns[i].ere == ere || strcmp(patterns[i].ere, ere) == 0) {
      return regexec(&patterns[i].re, s, 0, NULL, 0) == 0;
    }
  }
  return false; /* never compiled: emu_validate_init failed, reject rather than accept */
}

/* Accumulates "Value ... at '...' failed to satisfy constraint: ..." sentences. */
typedef struct problems {
  emu_buf text;
  int count;
} problems;

static void add_problem_prefix(problems *p) {
  if (p->count > 0) {
    emu_buf_puts(&p->text, "; ");
  }
  p->count++;
}

/* UTF-8 length in code points: AWS's length constraints count characters, not bytes. */
static size_t char_length(const char *s) {
  size_t n = 0;
  for (; *s != '\0'; s++) {
    if (((unsigned char)*s & 0xC0) != 0x80) {
      n++;
    }
  }
  return n;
}

/* The value as AWS quotes it; long values are cut (AWS quotes them whole, an emulator need not). */
static void quote_string(emu_buf *b, const char *s) {
  size_t n = strlen(s);
  emu_buf_printf(b, "Value '%.*s%s'", n > 256 ? 256 : (int)n, s, n > 256 ? "..." : "");
}

/* Member paths ("parameters.2.member.name") are built in one growable buffer: a segment is
 * appended before a member is checked and cut off after, so no fixed-size array can truncate
 * them. */
#define PATH_MAX_BYTES 4096

static const char *path_text(const emu_buf *path) {
  return path->data != NULL ? path->data : "";
}

/* The statement id of DescribeStatement, GetStatementResult(V2) and CancelStatement (a top-level
 * "Id"): the real service checks its pattern itself, after the model's other constraints, and
 * words that error its own way (check_statement_id); the model pass skips it. */
static bool is_statement_id(const emu_model_member *m, bool top_level) {
  return top_level && m->pattern_ere != NULL && strcmp(m->name, "Id") == 0;
}

static void check_string(problems *p, const emu_model_member *m, const char *path, const char *s,
                         bool skip_pattern) {
  size_t len = char_length(s);
  if (m->has_min && (int64_t)len < m->min) {
    add_problem_prefix(p);
    quote_string(&p->text, s);
    emu_buf_printf(&p->text,
                   " at '%s' failed to satisfy constraint: Member must have length greater than or "
                   "equal to %lld",
                   path, (long long)m->min);
  }
  if (m->has_max && (int64_t)len > m->max) {
    add_problem_prefix(p);
    quote_string(&p->text, s);
    emu_buf_printf(&p->text,
                   " at '%s' failed to satisfy constraint: Member must have length less than or "
                   "equal to %lld",
                   path, (long long)m->max);
  }
  if (m->pattern_ere != NULL && !skip_pattern && !matches(m->pattern_ere, s)) {
    add_problem_prefix(p);
    quote_string(&p->text, s);
    emu_buf_printf(&p->text,
                   " at '%s' failed to satisfy constraint: Member must satisfy regular expression "
                   "pattern: %s",
                   path, m->pattern);
  }
  if (m->enum_values != NULL) {
    bool found = false;
    for (const char *const *e = m->enum_values; *e != NULL; e++) {
      found = found || strcmp(*e, s) == 0;
    }
    if (!found) {
      add_problem_prefix(p);
      quote_string(&p->text, s);
      emu_buf_printf(&p->text,
                     " at '%s' failed to satisfy constraint: Member must satisfy enum value set: [",
                     path);
      for (const char *const *e = m->enum_values; *e != NULL; e++) {
        emu_buf_printf(&p->text, "%s%s", e == m->enum_values ? "" : ", ", *e);
      }
      emu_buf_puts(&p->text, "]");
    }
  }
}

static const char *token_name(const cJSON *v) {
  if (cJSON_IsNumber(v)) {
    return "NUMBER_VALUE";
  }
  if (cJSON_IsString(v)) {
    return "STRING_VALUE";
  }
  if (cJSON_IsBool(v)) {
    return "BOOLEAN_VALUE";
  }
  return "VALUE";
}

/* Type errors: AWS's deserialiser answers SerializationException before any constraint check. */
static bool type_error(emu_err *err, const cJSON *v, const char *target) {
  if (cJSON_IsObject(v)) {
    emu_err_set(err, 400, "SerializationException",
                "Start of structure or map found where not expected.");
  } else if (cJSON_IsArray(v)) {
    emu_err_set(err, 400, "SerializationException", "Start of list found where not expected");
  } else {
    emu_err_set(err, 400, "SerializationException", "%s can not be converted to %s", token_name(v),
                target);
  }
  return false;
}

static bool check_types(const emu_model_shape *shape, const cJSON *obj, emu_err *err);

static bool check_member_type(const emu_model_member *m, const cJSON *v, emu_err *err) {
  switch (m->type) {
  case EMU_MT_STRING:
    return cJSON_IsString(v) || type_error(err, v, "a String");
  case EMU_MT_INTEGER:
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble < -2147483648.0 || v->valuedouble > 2147483647.0) {
      return type_error(err, v, "an Integer");
    }
    return true;
  case EMU_MT_BOOLEAN:
    return cJSON_IsBool(v) || type_error(err, v, "a Boolean");
  case EMU_MT_LIST_STRING:
  case EMU_MT_LIST_STRUCT: {
    if (!cJSON_IsArray(v)) {
      return type_error(err, v, "a List");
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, v) {
      if (cJSON_IsNull(e)) {
        continue; /* reported as a constraint problem below */
      }
      if (m->type == EMU_MT_LIST_STRING && !cJSON_IsString(e)) {
        return type_error(err, e, "a String");
      }
      if (m->type == EMU_MT_LIST_STRUCT && !cJSON_IsObject(e)) {
        return type_error(err, e, "a Structure");
      }
      if (m->type == EMU_MT_LIST_STRUCT && !check_types(m->element, e, err)) {
        return false;
      }
    }
    return true;
  }
  }
  return false;
}

static bool check_types(const emu_model_shape *shape, const cJSON *obj, emu_err *err) {
  for (size_t i = 0; i < shape->n_members; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, shape->members[i].name);
    if (v != NULL && !cJSON_IsNull(v) && !check_member_type(&shape->members[i], v, err)) {
      return false;
    }
  }
  return true;
}

static void check_shape(problems *p, const emu_model_shape *shape, const cJSON *obj, emu_buf *path);

/* Checks member m (value v, NULL when absent) at *path; top_level: m is a member of the request
 * object itself. */
static void check_member(problems *p, const emu_model_member *m, const cJSON *v, emu_buf *path,
                         bool top_level) {
  if (v == NULL || cJSON_IsNull(v)) {
    if (m->required) {
      add_problem_prefix(p);
      emu_buf_printf(&p->text,
                     "Value null at '%s' failed to satisfy constraint: Member must not be null",
                     path_text(path));
    }
    return;
  }
  switch (m->type) {
  case EMU_MT_STRING:
    check_string(p, m, path_text(path), v->valuestring, is_statement_id(m, top_level));
    break;
  case EMU_MT_INTEGER: {
    long long n = (long long)v->valuedouble;
    if (m->has_min && n < m->min) {
      add_problem_prefix(p);
      emu_buf_printf(&p->text,
                     "Value '%lld' at '%s' failed to satisfy constraint: Member must have value "
                     "greater than or equal to %lld",
                     n, path_text(path), (long long)m->min);
    }
    if (m->has_max && n > m->max) {
      add_problem_prefix(p);
      emu_buf_printf(&p->text,
                     "Value '%lld' at '%s' failed to satisfy constraint: Member must have value "
                     "less than or equal to %lld",
                     n, path_text(path), (long long)m->max);
    }
    break;
  }
  case EMU_MT_BOOLEAN:
    break;
  case EMU_MT_LIST_STRING:
  case EMU_MT_LIST_STRUCT: {
    int64_t count = cJSON_GetArraySize(v);
    if ((m->has_min && count < m->min) || (m->has_max && count > m->max)) {
      add_problem_prefix(p);
      emu_buf_puts(&p->text, "Value '[");
      int shown = 0;
      const cJSON *e;
      cJSON_ArrayForEach(e, v) {
        if (shown++ == 8) {
          emu_buf_puts(&p->text, ", ...");
          break;
        }
        emu_buf_puts(&p->text, shown > 1 ? ", " : "");
        if (cJSON_IsString(e)) {
          emu_buf_printf(&p->text, "%.64s", e->valuestring);
        } else {
          emu_buf_puts(&p->text, cJSON_IsNull(e) ? "null" : "{...}");
        }
      }
      emu_buf_printf(
          &p->text, "]' at '%s' failed to satisfy constraint: Member must have length %s %lld",
          path_text(path),
          m->has_min && count < m->min ? "greater than or equal to" : "less than or equal to",
          (long long)(m->has_min && count < m->min ? m->min : m->max));
    }
    int idx = 0;
    size_t mark = path->len;
    const cJSON *e;
    cJSON_ArrayForEach(e, v) {
      idx++;
      emu_buf_printf(path, ".%d.member", idx);
      if (cJSON_IsNull(e)) {
        add_problem_prefix(p);
        emu_buf_printf(&p->text,
                       "Value null at '%s' failed to satisfy constraint: Member must not be null",
                       path_text(path));
      } else if (m->type == EMU_MT_LIST_STRING) {
        /* The member's min/max bound the list; only pattern and enum apply to elements. */
        emu_model_member elem = *m;
        elem.has_min = elem.has_max = false;
        check_string(p, &elem, path_text(path), e->valuestring, false);
      } else {
        check_shape(p, m->element, e, path);
      }
      emu_buf_truncate(path, mark);
    }
    break;
  }
  }
}

static void check_shape(problems *p, const emu_model_shape *shape, const cJSON *obj,
                        emu_buf *path) {
  size_t mark = path->len;
  for (size_t i = 0; i < shape->n_members; i++) {
    const emu_model_member *m = &shape->members[i];
    if (mark > 0) {
      emu_buf_putc(path, '.');
    }
    emu_buf_puts(path, m->path);
    check_member(p, m, cJSON_GetObjectItemCaseSensitive(obj, m->name), path, mark == 0);
    emu_buf_truncate(path, mark);
  }
}

/* The service's own check of a statement id (see is_statement_id), in its words: HTTP 400, "id
 * must satisfy regex pattern: <regex>" (ballerina-platform/module-ballerinax-aws.redshiftdata,
 * ballerina/tests/get_statement_result_test.bal, testInvalidStatementId asserts that prefix). The
 * regex quoted is the model pattern that is enforced, anchored. */
static bool check_statement_id(const emu_model_shape *shape, const cJSON *obj, emu_err *err) {
  for (size_t i = 0; i < shape->n_members; i++) {
    const emu_model_member *m = &shape->members[i];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, m->name);
    if (is_statement_id(m, true) && cJSON_IsString(v) && !matches(m->pattern_ere, v->valuestring)) {
      emu_err_set(err, 400, "ValidationException", "%s must satisfy regex pattern: ^%s$", m->path,
                  m->pattern);
      return false;
    }
  }
  return true;
}

bool emu_validate_input(const emu_model_shape *shape, const cJSON *obj, emu_err *err) {
  if (!emu_validate_init()) {
    EMU_ERR_INTERNAL(err, "request validation is unavailable");
    return false;
  }
  if (!cJSON_IsObject(obj)) {
    emu_err_set(err, 400, "SerializationException", NULL);
    return false;
  }
  if (!check_types(shape, obj, err)) {
    return false;
  }
  problems p = {.count = 0};
  emu_buf_init(&p.text, 64 * 1024);
  emu_buf path;
  emu_buf_init(&path, PATH_MAX_BYTES);
  check_shape(&p, shape, obj, &path);
  bool ok = p.count == 0;
  if (path.failed) {
    /* Out of memory, or a path nesting deeper than any the model has: never a valid answer. */
    EMU_ERR_INTERNAL(err, "request validation failed");
    ok = false;
  } else if (!ok) {
    emu_err_set(err, 400, "ValidationException", "%d validation error%s detected: %s", p.count,
                p.count == 1 ? "" : "s", p.text.data != NULL ? p.text.data : "");
  } else {
    ok = check_statement_id(shape, obj, err);
  }
  emu_buf_free(&path);
  emu_buf_free(&p.text);
  return ok;
}
