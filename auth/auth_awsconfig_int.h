/*
 * auth_awsconfig_int.h — helpers shared by the auth_awsconfig*.c files; not part of the API.
 */
#ifndef REDWIRE_AUTH_AWSCONFIG_INT_H
#define REDWIRE_AUTH_AWSCONFIG_INT_H

#include <stddef.h>

#include "auth_awsconfig.h"

/* Formats into err->msg (truncating); no-op when err is NULL. Never pass a secret. */
void auth_awscfg__errf(auth_awscfg_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A NUL-terminated malloc'd copy of s[0..n), or NULL on allocation failure. */
char *auth_awscfg__strndup(const char *s, size_t n);
/* Wipes then frees a NUL-terminated string that may hold a secret; NULL is fine. */
void auth_awscfg__secret_free(char *s);
/* The value of NAME in envp (NULL-terminated "NAME=value" strings, envp may be NULL), or NULL.
 * An empty variable counts as unset, so `AWS_PROFILE= cmd` means the default. */
const char *auth_awscfg__env(const char *const *envp, const char *name);

#endif
