/* Process and kernel-surface probes, inside the sandbox. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "selftest/inside.h"
#include "util/log.h"

/* The comm of pid, or "" when it cannot be read. */
static void comm_of(const char *pid, char *out, size_t n)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%s/comm", pid);
    out[0] = 0;
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    if (fgets(out, (int)n, f))
        out[strcspn(out, "\n")] = 0;
    fclose(f);
}

/* ARG "PID:MARK": is the host process (comm MARK) visible? */
static enum in_outcome p_procvis(const char *arg, char *d, size_t n)
{
    const char *mark;
    char *pid = in_split(arg, &mark);
    char comm[64];
    comm_of(pid, comm, sizeof comm);
    if (!strcmp(comm, mark)) {
        snprintf(d, n, "host process %s (%s) visible in /proc", pid, mark);
        free(pid);
        return IN_WORKED;
    }
    DIR *dir = opendir("/proc");
    int seen = 0;
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        seen++;
        comm_of(e->d_name, comm, sizeof comm);
        if (!strcmp(comm, mark)) {
            snprintf(d, n, "host process %s visible in /proc as %s", mark, e->d_name);
            closedir(dir);
            free(pid);
            return IN_WORKED;
        }
    }
    if (dir)
        closedir(dir);
    snprintf(d, n, "pid %s not visible; %d processes in /proc", pid, seen);
    free(pid);
    return IN_REFUSED;
}

/* ARG "PID:MARK": SIGTERM to the host process. */
static enum in_outcome p_signal(const char *arg, char *d, size_t n)
{
    const char *mark;
    char *pid = in_split(arg, &mark);
    char comm[64];
    comm_of(pid, comm, sizeof comm);
    pid_t p = (pid_t)atoi(pid);
    if (comm[0] && strcmp(comm, mark)) {
        snprintf(d, n, "pid %s is another process (%s) inside: the host's is unreachable", pid,
                 comm);
        free(pid);
        return IN_REFUSED;
    }
    free(pid);
    if (kill(p, SIGTERM) == 0) {
        snprintf(d, n, "SIGTERM delivered to host pid %d", (int)p);
        return IN_WORKED;
    }
    return in_errno(errno, d, n, "kill(SIGTERM)");
}

/* TIOCSTI on a terminal that is our controlling one: without seccomp the
 * kernel accepts it (unless dev.tty.legacy_tiocsti is off: EIO). */
static enum in_outcome tiocsti(bool hibits, char *d, size_t n)
{
    unsigned long req = TIOCSTI | (hibits ? 1UL << 32 : 0);
    const char *how = hibits ? "ioctl(TIOCSTI | 1 << 32)" : "ioctl(TIOCSTI)";
    char c = '#';
    int fd = -1;
    setsid();
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0) {
        const char *name = ptsname(m);
        if (name)
            fd = open(name, O_RDWR); /* becomes the controlling terminal */
    }
    bool tty = fd >= 0;
    if (!tty)
        fd = open("/dev/null", O_RDWR);
    long r = syscall(SYS_ioctl, fd, req, &c);
    int e = errno;
    if (r == 0) {
        snprintf(d, n, "%s injected a byte%s", how, tty ? "" : " (not a terminal)");
        return IN_WORKED;
    }
    if (!tty && e == ENOTTY) {
        snprintf(d, n, "%s reached the terminal layer (ENOTTY on /dev/null): not filtered",
                 how);
        return IN_WORKED;
    }
    return in_errno(e, d, n, how);
}

static enum in_outcome p_tiocsti(const char *a, char *d, size_t n) { return tiocsti(false, d, n); }
static enum in_outcome p_tiocsti_hi(const char *a, char *d, size_t n) { return tiocsti(true, d, n); }

static enum in_outcome p_userns(const char *a, char *d, size_t n)
{
    if (syscall(SYS_unshare, CLONE_NEWUSER) == 0) {
        snprintf(d, n, "unshare(CLONE_NEWUSER) succeeded");
        return IN_WORKED;
    }
    return in_errno(errno, d, n, "unshare(CLONE_NEWUSER)");
}

static enum in_outcome p_mount(const char *a, char *d, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/sandboxctl-mnt-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    const char *target = mkdir(dir, 0700) == 0 ? dir : "/";
    int r = mount("none", target, "tmpfs", 0, NULL);
    int e1 = errno;
    if (r == 0) {
        umount2(target, MNT_DETACH);
        rmdir(dir);
        snprintf(d, n, "mount(tmpfs) on %s succeeded", target);
        return IN_WORKED;
    }
    int e2 = 0;
    if (syscall(SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS) == 0 &&
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
        mount("none", target, "tmpfs", 0, NULL) == 0) {
        rmdir(dir);
        snprintf(d, n, "mount(tmpfs) in a new user+mount namespace succeeded");
        return IN_WORKED;
    }
    e2 = errno;
    rmdir(dir);
    snprintf(d, n, "mount: %s; unshare+mount: %s", strerrorname_np(e1) ?: "?",
             strerrorname_np(e2) ?: "?");
    return IN_REFUSED;
}

/* A kernel call answered by anything but EPERM/EACCES/ENOSYS reached the
 * kernel's code: the attack surface is there. */
static enum in_outcome reached(const char *what, long r, int e, char *d, size_t n)
{
    if (r >= 0 || (e != EPERM && e != EACCES && e != ENOSYS)) {
        if (r >= 0)
            snprintf(d, n, "%s succeeded", what);
        else
            snprintf(d, n, "%s reached the kernel (%s)", what, strerrorname_np(e) ?: "?");
        if (r > 2)
            close((int)r);
        return IN_WORKED;
    }
    return in_errno(e, d, n, what);
}

static enum in_outcome p_keyctl(const char *a, char *d, size_t n)
{
    long r = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -2 /* process */, 1);
    return reached("keyctl", r, errno, d, n);
}

static enum in_outcome p_bpf(const char *a, char *d, size_t n)
{
    long r = syscall(SYS_bpf, 9999, NULL, 0); /* an invalid command: EINVAL if reached */
    return reached("bpf", r, errno, d, n);
}

static enum in_outcome p_io_uring(const char *a, char *d, size_t n)
{
    char params[120] = {0};
    long r = syscall(SYS_io_uring_setup, 1, params);
    return reached("io_uring_setup", r, errno, d, n);
}

static enum in_outcome p_perf(const char *a, char *d, size_t n)
{
    struct perf_event_attr attr = {.type = PERF_TYPE_SOFTWARE, .size = sizeof attr,
                                   .config = PERF_COUNT_SW_CPU_CLOCK, .disabled = 1,
                                   .exclude_kernel = 1, .exclude_hv = 1};
    long r = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
    return reached("perf_event_open", r, errno, d, n);
}

static enum in_outcome p_userfaultfd(const char *a, char *d, size_t n)
{
    long r = syscall(SYS_userfaultfd, 1 /* UFFD_USER_MODE_ONLY */);
    return reached("userfaultfd", r, errno, d, n);
}

/* A daemon (setsid, double fork) holding ARG, a FIFO the host reads: the
 * host sees EOF only once every process holding it is gone. */
static enum in_outcome p_daemon(const char *fifo, char *d, size_t n)
{
    int sync[2];
    if (pipe(sync) < 0)
        return in_errno(errno, d, n, "pipe");
    pid_t p = fork();
    if (p < 0)
        return in_errno(errno, d, n, "fork");
    if (p == 0) {
        close(sync[0]);
        setsid();
        if (fork() != 0)
            _exit(0);
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        char ok = fd >= 0 && write(fd, "D", 1) == 1 ? 'D' : 'x';
        (void)!write(sync[1], &ok, 1);
        close(sync[1]);
        if (ok != 'D')
            _exit(1);
        /* Bounded: a broken sandbox does not leave it for long. */
        struct timespec ts = {10, 0};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
            ;
        _exit(0);
    }
    close(sync[1]);
    waitpid(p, NULL, 0);
    char c = 0;
    struct pollfd pfd = {.fd = sync[0], .events = POLLIN};
    if (poll(&pfd, 1, 3000) <= 0 || read(sync[0], &c, 1) != 1)
        c = 0;
    close(sync[0]);
    if (c != 'D') {
        snprintf(d, n, "the daemon could not open %s", fifo);
        return IN_ERROR;
    }
    snprintf(d, n, "daemon started (setsid, double fork)");
    return IN_WORKED;
}

const struct in_probe in_proc_probes[] = {
    {"procvis", p_procvis},
    {"signal", p_signal},
    {"tiocsti", p_tiocsti},
    {"tiocsti_hi", p_tiocsti_hi},
    {"userns", p_userns},
    {"mount", p_mount},
    {"keyctl", p_keyctl},
    {"bpf", p_bpf},
    {"io_uring", p_io_uring},
    {"perf", p_perf},
    {"userfaultfd", p_userfaultfd},
    {"daemon", p_daemon},
    {NULL, NULL},
};
