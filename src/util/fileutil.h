/* Small file helpers shared by the supervisor, init and loaders. */
#pragma once
#include <stddef.h>
#include <sys/types.h>

/* Read a whole file (up to max bytes); NUL-terminated. -errno on failure. */
int read_file(const char *path, size_t max, char **out, size_t *len);
/* Write a string to an existing file (cgroup knobs, /proc files). */
int write_file(const char *path, const char *s);
int write_file_at(int dirfd, const char *path, const char *s);
/* mkdir -p relative to dirfd, never following symlinks. */
int mkdir_p_at(int dirfd, const char *path, mode_t mode);
/* Full write, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* "a/b" + "c" -> "a/b/c" (heap). */
char *path_join(const char *a, const char *b);
/* Normalise an absolute path lexically: collapse //, ., ..; no trailing /. */
char *path_normalize(const char *p);
/* True when path equals prefix or lies beneath it (both normalised). */
int path_has_prefix(const char *path, const char *prefix);
