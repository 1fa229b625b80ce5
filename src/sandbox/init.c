/* The sandbox's PID 1: finishes the set-up that needs the new namespaces,
 * starts the command, reaps everything, forwards signals, and when the
 * command ends takes every other process in the sandbox with it. */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/close_range.h>
#include <unistd.h>

#include "net/proxy.h"
#include "sandbox/caps.h"
#include "sandbox/landlock.h"
#include "sandbox/rlimits.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp.h"
#include "sandbox/syncmsg.h"
#include "util/fdpass.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/timing.h"

/* The proxies' listening sockets are made here, inside the sandbox's
 * network namespace, and handed to the supervisor, which accepts on them
 * from the host's: the only way out of this namespace. */
static int listen_loopback(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 512) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

static int send_proxy_listeners(int sock)
{
    const uint16_t ports[] = {PROXY_HTTP_PORT, PROXY_SOCKS_PORT}; /* in this order */
    for (size_t i = 0; i < 2; i++) {
        int fd = listen_loopback(ports[i]);
        if (fd < 0)
            return fd;
        int r = fd_send(sock, fd) < 0 ? -errno : 0;
        close(fd);
        if (r < 0)
            return r;
    }
    close(sock);
    return 0;
}

static const int forwarded_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT,
                                        SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};

static int loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    int r = 0;
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
        r = -errno;
    } else {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
            r = -errno;
    }
    close(fd);
    return r;
}

_Noreturn void sandbox_exec_command(const struct sandbox_config *cfg, int err_fd)
{
    int r;
    sigset_t none;
    sigemptyset(&none);
    for (size_t i = 1; i < NSIG; i++)
        signal((int)i, SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Its own session: the host terminal is not its controlling tty, so
     * TIOCSTI could not reach the host shell even without seccomp. */
    setsid();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* Only stdin, stdout and stderr cross into the sandbox: an inherited
     * directory fd would be a way around every path rule. */
    close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (chdir(cfg->cwd) < 0 && chdir(cfg->plan.workspace) < 0 && chdir("/") < 0) {
        r = -errno;
        goto fail;
    }
    if (!cfg->use_namespaces && cfg->cgroup_self_attach && cfg->cgroup_self_attach(cfg) < 0) {
        r = -EIO;
        goto fail;
    }
    if ((r = caps_drop_all()) < 0) {
        log_errno(-r, "drop capabilities");
        goto fail;
    }
    if ((r = landlock_apply(cfg)) < 0) {
        log_errno(-r, "apply Landlock rules");
        goto fail;
    }
    if (cfg->notify_fd >= 0) {
        /* Forked from a non-dumpable init: the supervisor could not read
         * this process's memory for the calls it observes before exec
         * (which would make it dumpable anyway). */
        prctl(PR_SET_DUMPABLE, 1);
        int listener = seccomp_apply_observer();
        if (listener < 0 || fd_send(cfg->notify_fd, listener) < 0) {
            r = listener < 0 ? listener : -errno;
            log_errno(-r, "start observing file access (audit_all_access)");
            goto fail;
        }
        close(listener);
        close(cfg->notify_fd);
    }
    if ((r = seccomp_apply()) < 0) {
        log_errno(-r, "load the seccomp filter");
        goto fail;
    }
    /* Limits last: RLIMIT_AS would starve our own allocations above (and
     * a sanitizer runtime's), and nothing after this allocates. */
    bool cg = cfg->cgroup != CG_NONE;
    if ((r = rlimits_apply(&cfg->policy->resources, cg, cg)) < 0) {
        log_errno(-r, "set resource limits");
        goto fail;
    }
    extern char **environ;
    environ = cfg->envp;
    timing_mark("exec");
    execvp(cfg->argv[0], cfg->argv);
    r = -errno;
    int e = -r;
    log_errno(e, "%s", cfg->argv[0]);
    signal(SIGPIPE, SIG_IGN); /* nobody may be reading (see sandbox_spawn_command) */
    write_all(err_fd, &e, sizeof e);
    _exit(e == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
fail:
    signal(SIGPIPE, SIG_IGN);
    e = EXIT_SETUP_FAILED + 1000; /* set-up, not exec, failed */
    write_all(err_fd, &e, sizeof e);
    _exit(EXIT_SETUP_FAILED);
}

/* Start the command; returns its pid, or an exit status (>= 0) via *status
 * when it could not start. */
pid_t sandbox_spawn_command(const struct sandbox_config *cfg, int *status)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        log_errno(errno, "pipe");
        *status = EXIT_SETUP_FAILED;
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        log_errno(errno, "fork");
        *status = EXIT_SETUP_FAILED;
        return -1;
    }
    if (pid == 0) {
        close(pipefd[0]);
        sandbox_exec_command(cfg, pipefd[1]);
    }
    close(pipefd[1]);
    if (!cfg->use_namespaces && cfg->notify_fd >= 0) {
        /* The supervisor itself is the parent and must serve the observer
         * while exec runs: it cannot wait here. The child says why if
         * exec fails, and its exit status carries 125/126/127. */
        close(pipefd[0]);
        return pid;
    }
    int e = 0;
    ssize_t n;
    do
        n = read(pipefd[0], &e, sizeof e);
    while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    if (n == (ssize_t)sizeof e) {
        waitpid(pid, NULL, 0);
        if (e == EXIT_SETUP_FAILED + 1000)
            *status = EXIT_SETUP_FAILED;
        else
            *status = e == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE;
        return -1;
    }
    return pid;
}

int wait_status_to_exit(int st)
{
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return EXIT_SETUP_FAILED;
}

static int ready_fd = -1;
static bool host_ready;

/* The supervisor prepares cgroup and placeholders while we build the root;
 * we wait for its 'r' only where we need them. */
int sandbox_wait_host_ready(void)
{
    if (host_ready)
        return 0;
    char c;
    ssize_t n;
    do
        n = read(ready_fd, &c, 1);
    while (n < 0 && errno == EINTR);
    if (n != 1 || c != 'r')
        return -EPIPE;
    host_ready = true;
    timing_mark("host ready");
    return 0;
}

_Noreturn void sandbox_init_main(struct sandbox_config *cfg, int sync_fd)
{
    ready_fd = sync_fd;
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    prctl(PR_SET_NAME, "sandboxctl-init");
    /* Init holds the caller's whole environment and, until here, every fd
     * the caller passed down: neither may be reachable through /proc/1
     * from inside, so init is not dumpable and keeps only its socket. */
    /* Keep the socket to the supervisor and, when observing, the one the
     * command sends its seccomp listener over; close everything else. */
    int keep[3] = {sync_fd, cfg->notify_fd, cfg->net_fd};
    for (int i = 0; i < 3; i++) /* sorted, so the gaps between can be closed */
        for (int j = i + 1; j < 3; j++)
            if (keep[j] < keep[i]) {
                int t = keep[i];
                keep[i] = keep[j];
                keep[j] = t;
            }
    unsigned next = 3;
    for (int i = 0; i < 3; i++) {
        if (keep[i] < 3)
            continue;
        if ((unsigned)keep[i] > next)
            close_range(next, (unsigned)keep[i] - 1, 0);
        next = (unsigned)keep[i] + 1;
    }
    close_range(next, ~0U, 0);

    /* Wait until the supervisor has written our uid/gid maps. */
    char go;
    if (read(sync_fd, &go, 1) != 1)
        _exit(EXIT_SETUP_FAILED);
    /* Only now: a non-dumpable process's /proc files belong to root, and
     * the supervisor had to write our uid_map through them. */
    prctl(PR_SET_DUMPABLE, 0);
    setsid();
    int r;
    timing_mark("init go");
    bool own_network = cfg->policy->network.mode != NET_MODE_HOST;
    if (own_network && unshare(CLONE_NEWNET) < 0) {
        log_errno(errno, "create the sandbox's network namespace");
        _exit(EXIT_SETUP_FAILED);
    }
    if ((r = sandbox_build_root(cfg)) < 0)
        _exit(EXIT_SETUP_FAILED);
    if (own_network && (r = loopback_up()) < 0) {
        log_errno(-r, "bring up loopback in the sandbox");
        _exit(EXIT_SETUP_FAILED);
    }
    if (cfg->net_fd >= 0 && (r = send_proxy_listeners(cfg->net_fd)) < 0) {
        log_errno(-r, "open the filtering proxies inside the sandbox");
        _exit(EXIT_SETUP_FAILED);
    }
    if (sethostname("sandbox", 7) < 0) {
        log_errno(errno, "set hostname");
        _exit(EXIT_SETUP_FAILED);
    }

    timing_mark("root built");
    if (sandbox_wait_host_ready() < 0)
        _exit(EXIT_SETUP_FAILED); /* the supervisor said why */
    int status = 0;
    pid_t cmd = sandbox_spawn_command(cfg, &status);
    timing_mark("command exec'd");
    if (cmd < 0) {
        syncmsg_send_status(sync_fd, SYNC_SETUP_FAILED, status);
        _exit(status);
    }
    syncmsg_send_status(sync_fd, SYNC_STARTED, 0);

    for (;;) {
        siginfo_t si;
        int sig = sigwaitinfo(&all, &si);
        if (sig < 0)
            continue;
        if (sig != SIGCHLD) {
            for (size_t i = 0; i < sizeof forwarded_signals / sizeof *forwarded_signals; i++)
                if (forwarded_signals[i] == sig)
                    kill(cmd, sig);
            continue;
        }
        pid_t pid;
        int st;
        bool done = false;
        while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
            if (pid == cmd) {
                status = st;
                done = true;
            }
        if (!done)
            continue;
        /* The command is gone: so is everything it left behind. */
        kill(-1, SIGKILL);
        while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
            ;
        syncmsg_send_exit(sync_fd, status);
        _exit(wait_status_to_exit(status));
    }
}
