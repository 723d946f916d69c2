/* libFuzzer target: recognition of SET / RESET / SHOW / DISCARD / DEALLOCATE / DECLARE / CLOSE
 * (px_set_parse) and DateStyle's canonical form, on arbitrary statement text.
 *
 * Invariants: a recognised statement has a known kind, a NUL-terminated value that fits its
 * buffer, a DECLARE's query offset inside the input; DateStyle's canonical form is always
 * "<style>, <order>" from the fixed word lists, and canonicalising it again changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "px_session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *sql = (const char *)data;
  px_set_stmt st;
  if (px_set_parse(sql, size, &st)) {
    if (st.kind == PX_SET_NONE || st.kind > PX_SET_CLOSE_ALL) {
      abort();
    }
    if (memchr(st.value, '\0', sizeof st.value) == NULL) {
      abort();
    }
    if (st.kind == PX_SET_DECLARE && (st.query_off > size || st.value[0] == '\0')) {
      abort();
    }
    if (st.id < PX_PARAM_OTHER || st.id >= PX_PARAM_COUNT) {
      abort();
    }
  }
  /* The value as a DateStyle setting (NUL-terminated copy). */
  char value[256];
  size_t n = size < sizeof value - 1 ? size : sizeof value - 1;
  memcpy(value, data, n);
  value[n] = '\0';
  char out[32], again[32];
  pgw_error err;
  if (px_datestyle_canon("ISO, MDY", value, out, sizeof out, &err)) {
    static const char *const styles[] = {"ISO, ", "SQL, ", "Postgres, ", "German, "};
    bool ok = false;
    for (size_t i = 0; i < 4; i++) {
      ok = ok || strncmp(out, styles[i], strlen(styles[i])) == 0;
    }
    if (!ok || !px_datestyle_canon(out, out, again, sizeof again, &err) ||
        strcmp(out, again) != 0) {
      abort();
    }
  } else if (strcmp(err.sqlstate, "22023") != 0) {
    abort();
  }
  return 0;
}
