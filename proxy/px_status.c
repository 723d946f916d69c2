/* px_status.c — px_strerror. */
#include "px_status.h"

const char *px_strerror(px_status st) {
  switch (st) {
#define XX(code, text)                                                                             \
  case PX_##code:                                                                                  \
    return text;
    PX_STATUS_MAP(XX)
#undef XX
  }
  return "unknown status";
}
