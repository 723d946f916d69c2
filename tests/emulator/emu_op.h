/*
 * emu_op.h — the 12 Data API operations as an enum, and the X-Amz-Target names.
 */
#ifndef REDWIRE_EMU_OP_H
#define REDWIRE_EMU_OP_H

#include <stddef.h>
#include <stdint.h>

typedef enum emu_op {
  EMU_OP_BATCH_EXECUTE_STATEMENT,
  EMU_OP_CANCEL_STATEMENT,
  EMU_OP_DESCRIBE_STATEMENT,
  EMU_OP_DESCRIBE_TABLE,
  EMU_OP_EXECUTE_STATEMENT,
  EMU_OP_GET_STATEMENT_RESULT,
  EMU_OP_GET_STATEMENT_RESULT_V2,
  EMU_OP_LIST_DATABASES,
  EMU_OP_LIST_SCHEMAS,
  EMU_OP_LIST_SESSIONS,
  EMU_OP_LIST_STATEMENTS,
  EMU_OP_LIST_TABLES,
  EMU_OP_COUNT /* not an operation */
} emu_op;

/* "ExecuteStatement" for EMU_OP_EXECUTE_STATEMENT; "?" out of range. */
const char *emu_op_name(emu_op op);
/* Looks a name up (exact, case-sensitive, as AWS matches X-Amz-Target). Returns EMU_OP_COUNT when
 * unknown. */
emu_op emu_op_from_name(const char *name, size_t len);

#endif
