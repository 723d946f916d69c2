#include "emu_op.h"

#include <string.h>

/* Same order as emu_op (alphabetical, like the model). */
static const char *const names[EMU_OP_COUNT] = {
    "BatchExecuteStatement", "CancelStatement",    "DescribeStatement",    "DescribeTable",
    "ExecuteStatement",      "GetStatementResult", "GetStatementResultV2", "ListDatabases",
    "ListSchemas",           "ListSessions",       "ListStatements",       "ListTables",
};

const char *emu_op_name(emu_op op) {
  return (unsigned)op < EMU_OP_COUNT ? names[op] : "?";
}

emu_op emu_op_from_name(const char *name, size_t len) {
  for (int i = 0; i < EMU_OP_COUNT; i++) {
    if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) {
      return (emu_op)i;
    }
  }
  return EMU_OP_COUNT;
}
