#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sandbox/observer.h"

/* Linux 6.6: the notifying task and the supervisor hand the CPU to each
 * other directly, instead of a wake-up each way (distribution headers may
 * predate it). */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

int observer_start(struct observer *o, int listener, const struct fs_plan *plan,
                   struct audit_log *log)
{
    struct seccomp_notif_sizes sizes;
    *o = (struct observer){.listener = -1};
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
        return -errno;
    o->req_size = sizes.seccomp_notif;
    o->resp_size = sizes.seccomp_notif_resp;
    o->req = xcalloc(1, o->req_size);
    o->resp = xcalloc(1, o->resp_size);
    o->listener = listener;
    o->plan = plan;
    o->log = log;
    /* Best effort: older kernels just keep the two wake-ups. */
    ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
    return 0;
}

void observer_stop(struct observer *o)
{
    if (o->listener >= 0)
        close(o->listener);
    free(o->req);
    free(o->resp);
    *o = (struct observer){.listener = -1};
}

/* A NUL-terminated string from the process, a page at a time so that an
 * unmapped page after a short path does not fail the whole read. */
static bool read_string(pid_t pid, uint64_t addr, char *buf, size_t size)
{
    size_t got = 0;
    while (got < size - 1) {
        size_t room = 4096 - ((addr + got) & 4095);
        if (room > size - 1 - got)
            room = size - 1 - got;
        struct iovec local = {.iov_base = buf + got, .iov_len = room};
        struct iovec remote = {.iov_base = (void *)(uintptr_t)(addr + got), .iov_len = room};
        ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
        if (n <= 0)
            return false;
        if (memchr(buf + got, '\0', (size_t)n))
            return true;
        got += (size_t)n;
    }
    buf[size - 1] = '\0';
    return true;
}

/* A relative path against the process's cwd or a directory fd. */
static char *absolute(pid_t pid, int dirfd, const char *path)
{
    if (path[0] == '/')
        return path_normalize(path);
    char link[64], base[4096];
    if (dirfd == AT_FDCWD)
        snprintf(link, sizeof link, "/proc/%d/cwd", (int)pid);
    else
        snprintf(link, sizeof link, "/proc/%d/fd/%d", (int)pid, dirfd);
    ssize_t n = readlink(link, base, sizeof base - 1);
    if (n < 0)
        return xasprintf("?/%s", path);
    base[n] = '\0';
    _cleanup_free_ char *joined = path_join(base, path);
    return path_normalize(joined);
}

static const char *name_of(int nr)
{
    switch (nr) {
#define N(x) case SYS_##x: return #x;
        N(open) N(openat) N(openat2) N(creat) N(execve) N(execveat) N(unlink) N(unlinkat)
        N(rename) N(renameat) N(renameat2) N(mkdir) N(mkdirat) N(rmdir)
#undef N
    }
    return "?";
}

struct call {
    int dirfd, dirfd2;
    uint64_t path, path2;
    const char *access;  /* read, write, create, exec, remove, rename, mkdir */
    uint64_t flags;
};

static void decode(const struct seccomp_notif *n, struct call *c)
{
    const __u64 *a = n->data.args;
    *c = (struct call){.dirfd = AT_FDCWD, .dirfd2 = AT_FDCWD, .access = "read"};
    switch (n->data.nr) {
    case SYS_open: c->path = a[0]; c->flags = a[1]; break;
    case SYS_creat: c->path = a[0]; c->flags = O_CREAT | O_WRONLY | O_TRUNC; break;
    case SYS_openat: c->dirfd = (int)a[0]; c->path = a[1]; c->flags = a[2]; break;
    case SYS_openat2: {
        c->dirfd = (int)a[0];
        c->path = a[1];
        struct iovec local = {.iov_base = &c->flags, .iov_len = sizeof c->flags};
        struct iovec remote = {.iov_base = (void *)(uintptr_t)a[2], .iov_len = sizeof c->flags};
        if (process_vm_readv((pid_t)n->pid, &local, 1, &remote, 1, 0) != sizeof c->flags)
            c->flags = 0;
        break;
    }
    case SYS_execve: c->path = a[0]; c->access = "exec"; return;
    case SYS_execveat: c->dirfd = (int)a[0]; c->path = a[1]; c->access = "exec"; return;
    case SYS_unlink: case SYS_rmdir: c->path = a[0]; c->access = "remove"; return;
    case SYS_unlinkat: c->dirfd = (int)a[0]; c->path = a[1]; c->access = "remove"; return;
    case SYS_mkdir: c->path = a[0]; c->access = "mkdir"; return;
    case SYS_mkdirat: c->dirfd = (int)a[0]; c->path = a[1]; c->access = "mkdir"; return;
    case SYS_rename: c->path = a[0]; c->path2 = a[1]; c->access = "rename"; return;
    case SYS_renameat:
    case SYS_renameat2:
        c->dirfd = (int)a[0]; c->path = a[1]; c->dirfd2 = (int)a[2]; c->path2 = a[3];
        c->access = "rename";
        return;
    }
    if ((c->flags & O_ACCMODE) != O_RDONLY || (c->flags & (O_TRUNC | O_CREAT)))
        c->access = c->flags & O_CREAT ? "create" : "write";
}

/* What must be read while the process waits: its strings, and (for a
 * relative path) its directory. The rest is done after it continues. */
struct capture {
    struct call c;
    pid_t pid;
    int nr;
    char raw[4096], raw2[4096];
    char *path, *path2;
};

static bool capture(struct observer *o, const struct seccomp_notif *n, struct capture *k)
{
    decode(n, &k->c);
    k->pid = (pid_t)n->pid;
    k->nr = n->data.nr;
    if (!read_string(k->pid, k->c.path, k->raw, sizeof k->raw))
        snprintf(k->raw, sizeof k->raw, "(unreadable)");
    k->raw2[0] = '\0';
    if (k->c.path2 && !read_string(k->pid, k->c.path2, k->raw2, sizeof k->raw2))
        snprintf(k->raw2, sizeof k->raw2, "(unreadable)");
    /* The task must still be the one that made the call: else the pid
     * (and what we read through it) may belong to another process. */
    uint64_t id = n->id;
    if (ioctl(o->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
        return false;
    k->path = absolute(k->pid, k->c.dirfd, k->raw);
    k->path2 = k->c.path2 ? absolute(k->pid, k->c.dirfd2, k->raw2) : NULL;
    return true;
}

/* Plain text (already valid JSON) onto a growing buffer, kept NUL-ended. */
static void append_raw(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = xrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

static void record(struct observer *o, struct capture *k)
{
    if (o->events >= OBSERVER_MAX_EVENTS) {
        if (!o->dropped++)
            audit_event_queue(o->log, "audit.capped",
                              json_pack("{s:I, s:s}", "recorded", (json_int_t)o->events, "detail",
                                        "further file events of this run are counted in "
                                        "run.end, not listed"));
        free(k->path);
        free(k->path2);
        return;
    }
    struct call c = k->c;
    pid_t pid = k->pid;
    _cleanup_free_ char *path = TAKE_PTR(k->path);
    _cleanup_free_ char *path2 = TAKE_PTR(k->path2);
    bool write = strcmp(c.access, "read") != 0 && strcmp(c.access, "exec") != 0;
    const char *rule = NULL;
    const char *verdict = fs_plan_verdict(o->plan, path, write, &rule);
    if (path2 && !strcmp(verdict, "allow"))
        verdict = fs_plan_verdict(o->plan, path2, true, &rule);
    const char *event = !strcmp(c.access, "exec") ? "exec"
                        : !strcmp(verdict, "deny") ? "fs.deny"
                                                   : "fs.access";
    /* Built as text: this runs for every observed call. */
    size_t len = 0, cap = 0;
    _cleanup_free_ char *f = NULL;
    char head[96];
    snprintf(head, sizeof head, "\"pid\":%d,\"syscall\":\"%s\",\"path\":", (int)pid,
             name_of(k->nr));
    append_raw(&f, &len, &cap, head);
    audit_json_quote(&f, &len, &cap, path);
    if (path2) {
        append_raw(&f, &len, &cap, ",\"path2\":");
        audit_json_quote(&f, &len, &cap, path2);
    }
    append_raw(&f, &len, &cap, ",\"access\":\"");
    append_raw(&f, &len, &cap, c.access);
    append_raw(&f, &len, &cap, "\",\"verdict\":\"");
    append_raw(&f, &len, &cap, verdict);
    append_raw(&f, &len, &cap, "\",\"rule\":");
    audit_json_quote(&f, &len, &cap, rule ? rule : "");
    append_raw(&f, &len, &cap, "");
    audit_event_queue_text(o->log, event, f);
    o->events++;
}

int observer_handle(struct observer *o)
{
    struct seccomp_notif *n = o->req;
    struct seccomp_notif_resp *r = o->resp;
    memset(n, 0, o->req_size);
    if (ioctl(o->listener, SECCOMP_IOCTL_NOTIF_RECV, n) < 0)
        return errno == EINTR || errno == ENOENT ? 0 : -1;
    struct capture k;
    bool valid = capture(o, n, &k);
    memset(r, 0, o->resp_size);
    r->id = n->id;
    r->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    /* ENOENT: the process went away meanwhile; nothing to answer. */
    if (ioctl(o->listener, SECCOMP_IOCTL_NOTIF_SEND, r) < 0 && errno != ENOENT)
        return -1;
    if (valid)
        record(o, &k);
    return 0;
}
