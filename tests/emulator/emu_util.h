/*
 * emu_util.h — small helpers shared by the emulator's modules: clocks, UUIDs, string copies.
 */
#ifndef REDWIRE_EMU_UTIL_H
#define REDWIRE_EMU_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx": 36 characters. */
#define EMU_UUID_LEN 36

/* Wall clock as Unix seconds with a fraction (for CreatedAt/UpdatedAt). */
double emu_now_epoch(void);
/* Monotonic nanoseconds (for durations and deadlines). */
int64_t emu_now_mono_ns(void);
/* Sleeps ms milliseconds (restarting after signals). */
void emu_sleep_ms(uint32_t ms);

/* A random (version 4) UUID in lower case, as the Data API's ids are. False when the system
 * random generator fails. */
bool emu_uuid(char out[EMU_UUID_LEN + 1]);

/* malloc'd copy of s[0..n) plus NUL; NULL on allocation failure. */
char *emu_strndup(const char *s, size_t n);
/* malloc'd copy of s, or NULL when s is NULL or allocation fails. */
char *emu_strdup_or_null(const char *s);

/* Case-insensitive ASCII comparison of s[0..n) with the NUL-terminated lit. */
bool emu_ascii_ieq(const char *s, size_t n, const char *lit);

#endif
