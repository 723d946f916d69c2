/* dapi_client_rc.c — text of the client's status codes. */
#include "dapi_client_rc.h"

const char *dapi_strerror(dapi_rc rc) {
  switch (rc) {
#define DAPI_RC_TEXT(name, text)                                                                   \
  case DAPI_##name:                                                                                \
    return text;
    DAPI_RC_MAP(DAPI_RC_TEXT)
#undef DAPI_RC_TEXT
  }
  return "unknown status";
}
