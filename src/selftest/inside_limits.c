/* Resource probes, inside the sandbox. Every loop is bounded by its
 * argument, which the host sets just past the limit. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "selftest/inside.h"
#include "util/log.h"

/* ARG N: fork up to N children that wait on a pipe. */
static enum in_outcome p_forkbomb(const char *arg, char *d, size_t n)
{
    long max = atol(arg);
    int pfd[2];
    if (pipe(pfd) < 0)
        return in_errno(errno, d, n, "pipe");
    long made = 0;
    int err = 0;
    pid_t *kids = calloc((size_t)max + 1, sizeof *kids);
    if (!kids)
        return in_errno(ENOMEM, d, n, "calloc");
    while (made < max) {
        pid_t p = fork();
        if (p < 0) {
            err = errno;
            break;
        }
        if (p == 0) {
            close(pfd[1]);
            char c;
            (void)!read(pfd[0], &c, 1);
            _exit(0);
        }
        kids[made++] = p;
    }
    close(pfd[1]);
    close(pfd[0]);
    for (long i = 0; i < made; i++)
        waitpid(kids[i], NULL, 0);
    free(kids);
    if (!err) {
        snprintf(d, n, "%ld processes forked, none refused", made);
        return IN_WORKED;
    }
    snprintf(d, n, "fork refused after %ld processes: %s", made, strerrorname_np(err) ?: "?");
    return IN_REFUSED;
}

/* ARG MiB: allocate and touch, 4 MiB at a time. */
static enum in_outcome p_alloc(const char *arg, char *d, size_t n)
{
    long mb = atol(arg), got = 0;
    for (; got < mb; got += 4) {
        char *p = malloc(4 << 20);
        if (!p) {
            snprintf(d, n, "allocation refused after %ld MiB: ENOMEM", got);
            return IN_REFUSED;
        }
        memset(p, 0x5a, 4 << 20);
    }
    snprintf(d, n, "%ld MiB allocated and touched", got);
    return IN_WORKED;
}

/* Write MiB chunks to path until `mb` or an error; the errno or 0. */
static int fill(const char *path, long mb, long *written)
{
    static char chunk[1 << 20];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return errno;
    int e = 0;
    for (long i = 0; i < mb && !e; i++) {
        size_t off = 0;
        while (off < sizeof chunk) {
            ssize_t w = write(fd, chunk + off, sizeof chunk - off);
            if (w < 0) {
                e = errno;
                break;
            }
            off += (size_t)w;
        }
        if (!e)
            (*written)++;
    }
    if (close(fd) < 0 && !e)
        e = errno;
    return e;
}

/* ARG "PATH:MiB": one file past the file-size limit (a relative PATH is
 * in $TMPDIR). */
static enum in_outcome p_fsize(const char *arg, char *d, size_t n)
{
    const char *mbs;
    char *path = in_split(arg, &mbs);
    if (path[0] != '/') {
        const char *tmp = getenv("TMPDIR");
        char *abs = xasprintf("%s/%s", tmp && *tmp ? tmp : "/tmp", path);
        free(path);
        path = abs;
    }
    signal(SIGXFSZ, SIG_IGN);
    long written = 0;
    int e = fill(path, atol(mbs), &written);
    unlink(path);
    free(path);
    if (!e) {
        snprintf(d, n, "a %ld MiB file written", written);
        return IN_WORKED;
    }
    snprintf(d, n, "write refused after %ld MiB: %s", written, strerrorname_np(e) ?: "?");
    return e == EFBIG ? IN_REFUSED : IN_ERROR;
}

/* ARG MiB: fill $TMPDIR with 1 MiB files (below any file-size limit). */
static enum in_outcome p_tempfull(const char *arg, char *d, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    long mb = atol(arg), total = 0;
    int e = 0;
    char path[4096];
    signal(SIGXFSZ, SIG_IGN);
    long i = 0;
    for (; i < mb && !e; i++) {
        snprintf(path, sizeof path, "%s/sandboxctl-fill-%d-%ld", tmp && *tmp ? tmp : "/tmp",
                 (int)getpid(), i);
        e = fill(path, 1, &total);
    }
    for (long j = 0; j <= i; j++) {
        snprintf(path, sizeof path, "%s/sandboxctl-fill-%d-%ld", tmp && *tmp ? tmp : "/tmp",
                 (int)getpid(), j);
        unlink(path);
    }
    if (!e) {
        snprintf(d, n, "%ld MiB written to %s", total, tmp && *tmp ? tmp : "/tmp");
        return IN_WORKED;
    }
    snprintf(d, n, "write refused after %ld MiB: %s", total, strerrorname_np(e) ?: "?");
    return e == ENOSPC || e == EDQUOT ? IN_REFUSED : IN_ERROR;
}

/* ARG N: open /dev/null N times. */
static enum in_outcome p_nofile(const char *arg, char *d, size_t n)
{
    long max = atol(arg), i = 0;
    for (; i < max; i++)
        if (open("/dev/null", O_RDONLY) < 0) {
            int e = errno;
            snprintf(d, n, "open refused with %ld descriptors open: %s", i + 3,
                     strerrorname_np(e) ?: "?");
            return e == EMFILE ? IN_REFUSED : IN_ERROR;
        }
    snprintf(d, n, "%ld files opened", i);
    return IN_WORKED;
}

const struct in_probe in_limit_probes[] = {
    {"forkbomb", p_forkbomb},
    {"alloc", p_alloc},
    {"fsize", p_fsize},
    {"tempfull", p_tempfull},
    {"nofile", p_nofile},
    {NULL, NULL},
};
