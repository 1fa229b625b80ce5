/* File probes, inside the sandbox. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "selftest/inside.h"
#include "util/log.h"

/* Read a file (one byte) or list a directory: "worked" when content shows. */
static enum in_outcome p_read(const char *path, char *d, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return in_errno(errno, d, n, path);
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *dir = fdopendir(fd);
        if (!dir) {
            close(fd);
            return in_errno(errno, d, n, path);
        }
        int entries = 0;
        struct dirent *e;
        while ((e = readdir(dir)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                entries++;
        closedir(dir);
        snprintf(d, n, "%s: %d entries listed%s", path, entries,
                 entries ? "" : " (an empty directory: masked)");
        return entries ? IN_WORKED : IN_REFUSED;
    }
    char c;
    ssize_t r = read(fd, &c, 1);
    int e = errno;
    close(fd);
    if (r < 0)
        return in_errno(e, d, n, path);
    snprintf(d, n, "%s: %s", path, r ? "content read" : "reads as empty (masked)");
    return r ? IN_WORKED : IN_REFUSED;
}

static enum in_outcome create_remove(const char *path, char *d, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return in_errno(errno, d, n, path);
    ssize_t w = write(fd, "x", 1);
    int e = errno;
    close(fd);
    unlink(path);
    if (w != 1)
        return in_errno(e, d, n, path);
    snprintf(d, n, "%s: created and removed", path);
    return IN_WORKED;
}

static enum in_outcome p_write(const char *path, char *d, size_t n)
{
    return create_remove(path, d, n);
}

static enum in_outcome p_writetmp(const char *arg, char *d, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/sandboxctl-probe-%d", tmp && *tmp ? tmp : "/tmp",
             (int)getpid());
    return create_remove(path, d, n);
}

/* Create ARG (a file inside a protected directory), making the missing
 * directories on the way as an attacker would. */
static enum in_outcome p_persist(const char *path, char *d, size_t n)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        mkdir(dir, 0755);
        *p = '/';
    }
    mkdir(dir, 0755);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0755);
    if (fd < 0)
        return in_errno(errno, d, n, path);
    close(fd);
    unlink(path);
    snprintf(d, n, "%s: created", path);
    return IN_WORKED;
}

static enum in_outcome p_audithidden(const char *path, char *d, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        snprintf(d, n, "%s: opened for reading", path);
        return IN_WORKED;
    }
    int e1 = errno;
    fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd >= 0) {
        close(fd);
        snprintf(d, n, "%s: opened for appending", path);
        return IN_WORKED;
    }
    return in_errno(e1, d, n, path);
}

const struct in_probe in_fs_probes[] = {
    {"read", p_read},
    {"write", p_write},
    {"writetmp", p_writetmp},
    {"persist", p_persist},
    {"audithidden", p_audithidden},
    {NULL, NULL},
};
