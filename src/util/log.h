/* User-facing messages: "sandboxctl: <what>: <why>" on stderr. */
#pragma once
#include <stdbool.h>

extern bool log_quiet; /* --quiet silences warnings, never errors */

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like log_error, with ": strerror(errnum)" appended. */
void log_errno(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Out of memory is not recoverable anywhere in sandboxctl. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
