#include "pgw_rc.h"

const char *pgw_strerror(pgw_rc rc) {
  switch (rc) {
#define XX(code, text)                                                                             \
  case PGW_##code:                                                                                 \
    return text;
    PGW_RC_MAP(XX)
#undef XX
  }
  return "unknown pgwire status";
}
