#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

int read_file(const char *path, size_t max, char **out, size_t *len)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -errno;
    size_t cap = 4096, n = 0;
    _cleanup_free_ char *buf = xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap >= max)
                return -EFBIG;
            cap = cap * 2 > max ? max : cap * 2;
            buf = xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    *out = TAKE_PTR(buf);
    return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int write_file_at(int dirfd, const char *path, const char *s)
{
    _cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    /* Kernel knobs want the value in one write. */
    ssize_t w = write(fd, s, strlen(s));
    if (w < 0)
        return -errno;
    return (size_t)w == strlen(s) ? 0 : -EIO;
}

int write_file(const char *path, const char *s)
{
    return write_file_at(AT_FDCWD, path, s);
}

int mkdir_p_at(int dirfd, const char *path, mode_t mode)
{
    _cleanup_free_ char *copy = xstrdup(path);
    for (char *p = copy + (copy[0] == '/'); ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (copy[0] && mkdirat(dirfd, copy, mode) < 0 && errno != EEXIST)
                return -errno;
            if (copy[0]) {
                struct stat st;
                /* Never walk through a symlink an attacker may have planted. */
                if (fstatat(dirfd, copy, &st, AT_SYMLINK_NOFOLLOW) < 0)
                    return -errno;
                if (!S_ISDIR(st.st_mode))
                    return -ENOTDIR;
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    return 0;
}

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    while (*b == '/')
        b++;
    if (la && a[la - 1] == '/')
        return xasprintf("%s%s", a, b);
    return xasprintf("%s/%s", a, b);
}

char *path_normalize(const char *p)
{
    size_t len = strlen(p);
    char *out = xmalloc(len + 2);
    size_t o = 0;
    out[o++] = '/';
    const char *s = p;
    while (*s) {
        while (*s == '/')
            s++;
        if (!*s)
            break;
        const char *e = strchrnul(s, '/');
        size_t n = (size_t)(e - s);
        if (n == 1 && s[0] == '.') {
            /* skip */
        } else if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (o > 1) {
                o--;
                while (o > 1 && out[o - 1] != '/')
                    o--;
                if (o > 1)
                    o--;
            }
        } else {
            if (o > 1)
                out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
        }
        s = e;
    }
    out[o] = '\0';
    return out;
}

int path_has_prefix(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n == 1 && prefix[0] == '/')
        return path[0] == '/';
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
