/* The supervisor: stays in the host's namespaces, creates the sandbox,
 * writes its uid/gid maps and cgroup membership, relays signals, enforces
 * the wall-clock timeout, and reports limit hits in plain words. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/cgroup.h"
#include "sandbox/journal.h"
#include "sandbox/supervisor.h"
#include "sandbox/syncmsg.h"
#include "sandbox/wsquota.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/timing.h"

#define TIMEOUT_GRACE_SECONDS 2

static const int relayed_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT,
                                      SIGUSR1, SIGUSR2, SIGWINCH};

static int write_id_maps(pid_t pid, uid_t uid, gid_t gid)
{
    char path[64], map[64];
    int r;
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
    if ((r = write_file(path, "deny")) < 0 && r != -ENOENT)
        return r;
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
    snprintf(map, sizeof map, "%u %u 1\n", uid, uid);
    if ((r = write_file(path, map)) < 0)
        return r;
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
    snprintf(map, sizeof map, "%u %u 1\n", gid, gid);
    return write_file(path, map);
}

static pid_t clone_sandbox(unsigned long flags, int *pidfd)
{
    /* Raw clone: fork semantics in new namespaces, plus a pidfd. */
    return (pid_t)syscall(SYS_clone, flags | CLONE_PIDFD | SIGCHLD, NULL, pidfd, NULL, NULL);
}

static void report_limits(const struct sandbox_config *cfg, const struct cgroup *cg, int status,
                          bool timed_out)
{
    const struct resource_limits *lim = &cfg->policy->resources;
    struct cgroup_usage u;
    cgroup_usage(cg, &u);
    if (timed_out)
        log_error("killed: timeout %llu s reached", (unsigned long long)lim->timeout_seconds);
    else if (u.oom_kills)
        log_error("killed: memory limit %llu MiB reached", (unsigned long long)lim->memory_mb);
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXFSZ)
        log_error("killed: file size limit %llu MiB reached", (unsigned long long)lim->fsize_mb);
    else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)
        log_error("killed: CPU time limit %llu s reached", (unsigned long long)lim->cpu_seconds);
    if (u.pids_refused)
        log_error("process limit %llu reached: %llu fork(s) refused",
                  (unsigned long long)lim->pids, (unsigned long long)u.pids_refused);
}

static int attach_self(const struct sandbox_config *cfg)
{
    return cgroup_attach(cfg->cgroup_handle, 0);
}

/* --no-namespaces: end every process the command left behind. They are
 * our children now (subreaper); repeat while any is left, since one may
 * fork while we kill. */
static void reap_descendants(void)
{
    for (int round = 0; round < 100; round++) {
        bool any = false;
        _cleanup_free_ char *self = xasprintf("/proc/%d/task/%d/children", (int)getpid(),
                                              (int)getpid());
        _cleanup_free_ char *kids = NULL;
        if (read_file(self, 1 << 20, &kids, NULL) == 0)
            for (char *p = kids; *p;) {
                pid_t k = (pid_t)strtol(p, &p, 10);
                if (k > 0) {
                    kill(k, SIGKILL);
                    any = true;
                }
                while (*p == ' ' || *p == '\n')
                    p++;
            }
        while (waitpid(-1, NULL, WNOHANG) > 0)
            any = true;
        if (!any)
            return;
        usleep(1000);
    }
}

int supervisor_run(struct sandbox_config *cfg)
{
    int r, exit_code = EXIT_SETUP_FAILED;
    /* Declared before the first goto: cleanup must never see garbage. */
    _cleanup_close_ int sfd = -1, tfd = -1, qfd = -1;
    struct cgroup cg = {0};
    _cleanup_free_ char *cg_name = xasprintf("sandboxctl-%d", (int)getpid());
    if (cgroup_create(&cg, &cfg->policy->resources, cg_name) < 0)
        return EXIT_SETUP_FAILED;
    cfg->cgroup = cg.mode;
    cfg->cgroup_handle = &cg;
    cfg->cgroup_self_attach = attach_self;

    timing_mark("cgroup created");
    if (fs_plan_create_placeholders(&cfg->plan) < 0) {
        fs_plan_remove_placeholders(&cfg->plan);
        cgroup_destroy(&cg);
        return EXIT_SETUP_FAILED;
    }
    journal_write(&cfg->plan);

    sigset_t relay;
    sigemptyset(&relay);
    for (size_t i = 0; i < ARRAY_SIZE(relayed_signals); i++)
        sigaddset(&relay, relayed_signals[i]);
    sigaddset(&relay, SIGCHLD);
    sigset_t old;
    sigprocmask(SIG_BLOCK, &relay, &old);

    int sp[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
        log_errno(errno, "socketpair");
        goto out;
    }
    int pidfd = -1;
    pid_t pid;
    bool setup_failed = false;
    if (!cfg->use_namespaces) {
        close(sp[1]);
        sp[1] = -1;
        /* Daemons the command leaves behind are re-parented to us, so
         * that we can find and end them. */
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        int status = 0;
        pid = sandbox_spawn_command(cfg, &status);
        if (pid < 0) {
            exit_code = status;
            close(sp[0]);
            goto out;
        }
        pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        goto supervise;
    }
    unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
                          CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;
    timing_mark("cgroup+placeholders");
    pid = clone_sandbox(flags, &pidfd);
    if (pid > 0)
        timing_mark("cloned");
    if (pid < 0) {
        log_errno(errno, "create the sandbox namespaces (see `sandboxctl doctor`; "
                         "--no-namespaces runs with Landlock alone)");
        close(sp[0]);
        close(sp[1]);
        goto out;
    }
    if (pid == 0) {
        close(sp[0]);
        sandbox_init_main(cfg, sp[1]);
    }
    close(sp[1]);
    if ((r = write_id_maps(pid, cfg->uid, cfg->gid)) < 0) {
        log_errno(-r, "write the sandbox's uid/gid maps");
        setup_failed = true;
    } else if ((r = cgroup_attach(&cg, pid)) < 0) {
        setup_failed = true;
    } else if (write(sp[0], "g", 1) != 1) {
        log_errno(errno, "start the sandbox init");
        setup_failed = true;
    }
    if (setup_failed)
        kill(pid, SIGKILL); /* exit_code stays 125 */
    timing_mark("maps+cgroup attach");
supervise:;
    int ctl = sp[0];

    sfd = signalfd(-1, &relay, SFD_CLOEXEC | SFD_NONBLOCK);
    if (cfg->policy->resources.timeout_seconds) {
        tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        struct itimerspec its = {.it_value.tv_sec = (time_t)cfg->policy->resources.timeout_seconds};
        timerfd_settime(tfd, 0, &its, NULL);
    }
    /* The workspace size limit: measured every few seconds. */
    double limit_gb = cfg->policy->fs.workspace_size_limit_gb;
    uint64_t limit_bytes = (uint64_t)(limit_gb * 1024 * 1024 * 1024);
    if (limit_gb > 0 && cfg->plan.workspace_writable) {
        qfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        struct itimerspec its = {.it_value.tv_sec = 2, .it_interval.tv_sec = 2};
        timerfd_settime(qfd, 0, &its, NULL);
    }
    bool over_quota = false;
    bool timed_out = false, killed = false, have_status = false;
    int cmd_status = 0;
    for (;;) {
        struct pollfd pfd[5] = {
            {.fd = pidfd, .events = POLLIN},
            {.fd = sfd, .events = POLLIN},
            {.fd = ctl, .events = POLLIN},
            {.fd = tfd, .events = POLLIN},
            {.fd = qfd, .events = POLLIN},
        };
        if (poll(pfd, 5, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pfd[2].revents & POLLIN) {
            struct sync_msg m;
            int n = syncmsg_recv(ctl, &m);
            if (n > 0 && m.kind == SYNC_EXITED) {
                timing_mark("command exited");
                cmd_status = m.status;
                have_status = true;
            } else if (n > 0 && m.kind == SYNC_SETUP_FAILED) {
                setup_failed = true;
                exit_code = m.status;
            }
        }
        if (pfd[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
                if (si.ssi_signo != SIGCHLD)
                    kill(pid, (int)si.ssi_signo);
        }
        if (tfd >= 0 && (pfd[3].revents & POLLIN)) {
            uint64_t ticks;
            (void)!read(tfd, &ticks, sizeof ticks);
            if (!timed_out) {
                timed_out = true;
                kill(pid, SIGTERM);
                struct itimerspec its = {.it_value.tv_sec = TIMEOUT_GRACE_SECONDS};
                timerfd_settime(tfd, 0, &its, NULL);
            } else if (!killed) {
                killed = true;
                kill(pid, SIGKILL);
            }
        }
        if (qfd >= 0 && (pfd[4].revents & POLLIN)) {
            uint64_t ticks;
            (void)!read(qfd, &ticks, sizeof ticks);
            if (!over_quota && tree_disk_usage(cfg->plan.workspace) > limit_bytes) {
                over_quota = true;
                log_error("killed: workspace size limit %.3g GiB reached (%s)", limit_gb,
                          cfg->plan.workspace);
                kill(pid, SIGKILL);
            }
        }
        if (pfd[0].revents & POLLIN)
            break;
    }
    int init_status = 0;
    while (waitpid(pid, &init_status, 0) < 0 && errno == EINTR)
        ;
    timing_mark("init reaped");
    /* Messages sent just before init exited. */
    struct sync_msg m;
    while (!have_status && !setup_failed && syncmsg_recv(ctl, &m) > 0 && true) {
        if (m.kind == SYNC_EXITED) {
            cmd_status = m.status;
            have_status = true;
        } else if (m.kind == SYNC_SETUP_FAILED) {
            setup_failed = true;
            exit_code = m.status;
        }
        fcntl(ctl, F_SETFL, O_NONBLOCK);
    }
    close(ctl);
    close(pidfd);
    if (!cfg->use_namespaces)
        reap_descendants();
    if (setup_failed) {
        /* exit_code already set: 125, 126 or 127 */
    } else if (have_status) {
        exit_code = wait_status_to_exit(cmd_status);
    } else if (WIFSIGNALED(init_status)) {
        /* Init itself was killed (timeout, OOM, a kill from outside). */
        cmd_status = init_status;
        exit_code = 128 + WTERMSIG(init_status);
    } else {
        exit_code = WIFEXITED(init_status) ? WEXITSTATUS(init_status) : EXIT_SETUP_FAILED;
    }
    if (!setup_failed)
        report_limits(cfg, &cg, cmd_status, timed_out);
out:
    cgroup_destroy(&cg);
    fs_plan_remove_placeholders(&cfg->plan);
    journal_remove();
    sigprocmask(SIG_SETMASK, &old, NULL);
    return exit_code;
}
