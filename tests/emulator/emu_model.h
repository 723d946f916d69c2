/*
 * emu_model.h — the input constraints of the Data API's 12 operations, as data.
 *
 * emu_model.c is generated from AWS's service model by gen_emu_model.py, so request validation
 * follows the model member by member instead of hand-copied rules. All tables are static and
 * read-only.
 */
#ifndef REDWIRE_EMU_MODEL_H
#define REDWIRE_EMU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum emu_model_type {
  EMU_MT_STRING,
  EMU_MT_INTEGER,
  EMU_MT_BOOLEAN,
  EMU_MT_LIST_STRING,
  EMU_MT_LIST_STRUCT,
} emu_model_type;

typedef struct emu_model_shape emu_model_shape;

typedef struct emu_model_member {
  const char *name; /* JSON member name, as sent ("ClusterIdentifier") */
  const char *path; /* name in validation messages ("clusterIdentifier") */
  emu_model_type type;
  bool required;
  bool has_min; /* min: length for strings and lists, value for integers */
  int64_t min;
  bool has_max;
  int64_t max;
  const char *pattern;            /* as in the model, quoted in messages; NULL for none */
  const char *pattern_ere;        /* the same, anchored POSIX ERE; NULL for none */
  const char *const *enum_values; /* NULL-terminated; NULL for none */
  const emu_model_shape *element; /* EMU_MT_LIST_STRUCT: the element structure */
} emu_model_member;

struct emu_model_shape {
  const char *name;
  const emu_model_member *members;
  size_t n_members;
};

typedef struct emu_model_operation {
  const char *name; /* "ExecuteStatement" */
  const emu_model_shape *input;
} emu_model_operation;

extern const emu_model_operation emu_model_operations[];
extern const size_t emu_model_n_operations;

#endif
