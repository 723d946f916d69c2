/*
 * emu_validate.h — checks a request's JSON against the operation's input shape from the model
 * (emu_model.c): JSON types first (SerializationException, as AWS's awsJson front ends answer a
 * value of the wrong JSON type), then every constraint — required, length/value min and max,
 * pattern, enum — reported together in AWS's words: "2 validation errors detected: Value 'x' at
 * 'clusterIdentifier' failed to satisfy constraint: Member must satisfy regular expression
 * pattern: ...; Value null at 'sql' failed to satisfy constraint: Member must not be null".
 *
 * Members the shape does not know are ignored (AWS's JSON deserialisers skip unknown members), and
 * a JSON null counts as an absent member.
 *
 * One exception: the pattern of a statement `Id` (DescribeStatement, GetStatementResult(V2),
 * CancelStatement) is checked after all the others and reported alone, in the service's words:
 * "id must satisfy regex pattern: ^<pattern>$" (what a real-cluster test suite saw; README).
 */
#ifndef REDWIRE_EMU_VALIDATE_H
#define REDWIRE_EMU_VALIDATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "emu_err.h"
#include "emu_model.h"

/* Compiles the model's patterns once. Returns false if one does not compile (a generator bug).
 * Thread-safe (pthread_once); emu_validate_input calls it too. */
bool emu_validate_init(void);

/* Looks up the input shape of an operation by name; NULL if unknown. */
const emu_model_shape *emu_validate_shape(const char *op_name);

/* True when obj satisfies shape; otherwise fills err and returns false. */
bool emu_validate_input(const emu_model_shape *shape, const cJSON *obj, emu_err *err);

#endif
