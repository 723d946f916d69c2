/*
 * emu_token.h — opaque NextToken values: a position plus a MAC over (scope, position) under the
 * server's random key, base64-encoded. A token from another statement or list query, an edited
 * token or garbage fails to parse, which the operations answer with ValidationException.
 */
#ifndef REDWIRE_EMU_TOKEN_H
#define REDWIRE_EMU_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

/* 8 bytes of position + 16 bytes of MAC, base64: 32 characters plus NUL. */
#define EMU_TOKEN_LEN 32

/* scope names what the token pages through (a statement id, or an operation plus its filters). */
bool emu_token_make(const unsigned char key[32], const char *scope, int64_t position,
                    char out[EMU_TOKEN_LEN + 1]);
bool emu_token_parse(const unsigned char key[32], const char *scope, const char *token,
                     int64_t *position);

#endif
