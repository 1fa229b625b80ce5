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
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "sandbox/cgroup.h"
#include "net/proxy.h"
#include "sandbox/journal.h"
#include "sandbox/observer.h"
#include "sandbox/registry.h"
#include "sandbox/usage.h"
#include "sandbox/supervisor.h"
#include "sandbox/syncmsg.h"
#include "sandbox/wsquota.h"
#include "util/cleanup.h"
#include "util/fdpass.h"
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

/* One line on stderr and one audit event per limit the run ran into. */
static void report_limits(const struct sandbox_config *cfg, const struct cgroup *cg, int status,
                          bool timed_out, struct run_result *res)
{
    const struct resource_limits *lim = &cfg->policy->resources;
    struct cgroup_usage u;
    cgroup_usage(cg, &u);
    res->peak_memory = u.peak_memory;
    res->pids_refused = u.pids_refused;
    res->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    unsigned long long value = 0;
    if (timed_out) {
        res->limit_hit = "timeout";
        value = lim->timeout_seconds;
        log_error("killed: timeout %llu s reached", value);
    } else if (u.oom_kills) {
        res->limit_hit = "memory";
        value = lim->memory_mb;
        log_error("killed: memory limit %llu MiB reached", value);
    } else if (res->signal == SIGXFSZ) {
        res->limit_hit = "fsize";
        value = lim->fsize_mb;
        log_error("killed: file size limit %llu MiB reached", value);
    } else if (res->signal == SIGXCPU) {
        res->limit_hit = "cpu";
        value = lim->cpu_seconds;
        log_error("killed: CPU time limit %llu s reached", value);
    }
    if (res->limit_hit && cfg->audit)
        audit_event(cfg->audit, "limit.hit",
                    json_pack("{s:s, s:I}", "limit", res->limit_hit, "value", (json_int_t)value));
    if (u.pids_refused) {
        log_error("process limit %llu reached: %llu fork(s) refused",
                  (unsigned long long)lim->pids, (unsigned long long)u.pids_refused);
        if (cfg->audit)
            audit_event(cfg->audit, "limit.hit",
                        json_pack("{s:s, s:I, s:I}", "limit", "pids", "value",
                                  (json_int_t)lim->pids, "refused",
                                  (json_int_t)u.pids_refused));
    }
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

/* Everything the event loop watches and decides on. */
struct supervision {
    struct sandbox_config *cfg;
    struct cgroup cg;
    pid_t pid;          /* init, or the command without namespaces */
    int pidfd;
    int ctl;            /* socket to init; -1 without namespaces */
    int sfd, tfd, qfd;  /* signals, timeout, workspace size */
    int mfd;            /* run --monitor */
    int nsock;          /* audit_all_access: the listener arrives here */
    int netsock;        /* filtered network: the proxy listeners arrive here */
    int net_listeners;
    struct proxy *proxy;
    int ffd;            /* audit_all_access: flush queued events */
    struct observer obs;
    bool setup_failed, have_status, timed_out, killed, over_quota, cleaned;
    int exit_code;
    int cmd_status;
    struct run_result *res;
    struct timespec started;
    bool registered;
};

static bool send_byte(int fd, char c)
{
    return write(fd, &c, 1) == 1;
}

/* The host-side preparations init does not need until it is half-way:
 * cgroup, placeholders. They run while init builds the root. */
static int prepare_host(struct supervision *s)
{
    struct sandbox_config *cfg = s->cfg;
    /* Named by run id: a pid can come back, a killed run's group with it. */
    _cleanup_free_ char *cg_name = xasprintf("sandboxctl-%s", cfg->run_id);
    if (cgroup_create(&s->cg, cfg->cgroup_place, &cfg->policy->resources, cg_name) < 0)
        return -1;
    cfg->cgroup = s->cg.mode;
    cfg->cgroup_handle = &s->cg;
    cfg->cgroup_self_attach = attach_self;
    if (s->pid > 0 && cgroup_attach(&s->cg, s->pid) < 0)
        return -1;
    timing_mark("cgroup ready");
    if (cfg->use_namespaces) {
        /* Without namespaces nothing could mount over them: no placeholders. */
        if (cfg->plan.n_placeholders) {
            FILE *journal = journal_open();
            int r = fs_plan_create_placeholders(&cfg->plan, journal_record, journal);
            if (journal)
                fclose(journal);
            if (r < 0)
                return -1;
        }
    }
    timing_mark("placeholders ready");
    return 0;
}

static void cleanup_host_files(struct supervision *s)
{
    if (s->cleaned)
        return;
    s->cleaned = true;
    fs_plan_remove_placeholders(&s->cfg->plan);
    journal_remove();
}

static int start_namespaced(struct supervision *s)
{
    int sp[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
        log_errno(errno, "socketpair");
        return -1;
    }
    /* No CLONE_NEWNET here: a network namespace takes longer to create
     * than all the others together, so init makes it while we prepare the
     * host side (prepare_host) in parallel. */
    unsigned long flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
                          CLONE_NEWUTS | CLONE_NEWCGROUP;
    s->pid = clone_sandbox(flags, &s->pidfd);
    if (s->pid < 0) {
        log_errno(errno, "create the sandbox namespaces (see `sandboxctl doctor`; "
                         "--no-namespaces runs with Landlock alone)");
        close(sp[0]);
        close(sp[1]);
        return -1;
    }
    if (s->pid == 0) {
        close(sp[0]);
        sandbox_init_main(s->cfg, sp[1]);
    }
    timing_mark("cloned");
    close(sp[1]);
    s->ctl = sp[0];
    int r = write_id_maps(s->pid, s->cfg->uid, s->cfg->gid);
    if (r < 0) {
        log_errno(-r, "write the sandbox's uid/gid maps");
        return -1;
    }
    /* 'g': build the root; 'r' (later): cgroup joined, placeholders made. */
    if (!send_byte(s->ctl, 'g')) {
        log_errno(errno, "start the sandbox init");
        return -1;
    }
    if (prepare_host(s) < 0)
        return -1;
    return send_byte(s->ctl, 'r') ? 0 : -1;
}

static int start_landlock_only(struct supervision *s)
{
    if (prepare_host(s) < 0)
        return -1;
    /* Daemons the command leaves behind are re-parented to us, so that
     * we can find and end them. */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    int status = 0;
    s->pid = sandbox_spawn_command(s->cfg, &status);
    if (s->pid < 0) {
        s->exit_code = status;
        return -1;
    }
    s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
    return s->pidfd < 0 ? -1 : 0;
}

static void arm_timers(struct supervision *s)
{
    const struct policy *p = s->cfg->policy;
    if (p->resources.timeout_seconds) {
        s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        struct itimerspec its = {.it_value.tv_sec = (time_t)p->resources.timeout_seconds};
        timerfd_settime(s->tfd, 0, &its, NULL);
    }
    if (s->cfg->monitor_seconds) {
        s->mfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        struct itimerspec its = {.it_value.tv_sec = s->cfg->monitor_seconds,
                                 .it_interval.tv_sec = s->cfg->monitor_seconds};
        timerfd_settime(s->mfd, 0, &its, NULL);
    }
    if (p->fs.workspace_size_limit_gb > 0 && s->cfg->plan.workspace_writable) {
        s->qfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        struct itimerspec its = {.it_value.tv_sec = 2, .it_interval.tv_sec = 2};
        timerfd_settime(s->qfd, 0, &its, NULL);
    }
}

static void on_message(struct supervision *s)
{
    struct sync_msg m;
    if (syncmsg_recv(s->ctl, &m) <= 0)
        return;
    if (m.kind == SYNC_EXITED) {
        timing_mark("command exited");
        s->cmd_status = m.status;
        s->res->utime_us = m.utime_us;
        s->res->stime_us = m.stime_us;
        s->res->maxrss_kib = m.maxrss_kib;
        s->have_status = true;
        /* Everything in the sandbox is gone: tidy the host while init
         * tears its namespaces down. */
        cleanup_host_files(s);
    } else if (m.kind == SYNC_SETUP_FAILED) {
        s->setup_failed = true;
        s->exit_code = m.status;
    }
}

static void on_timeout(struct supervision *s)
{
    uint64_t ticks;
    (void)!read(s->tfd, &ticks, sizeof ticks);
    if (!s->timed_out) {
        s->timed_out = true;
        kill(s->pid, SIGTERM);
        struct itimerspec its = {.it_value.tv_sec = TIMEOUT_GRACE_SECONDS};
        timerfd_settime(s->tfd, 0, &its, NULL);
    } else if (!s->killed) {
        s->killed = true;
        kill(s->pid, SIGKILL);
    }
}

static void on_quota_tick(struct supervision *s)
{
    uint64_t ticks;
    (void)!read(s->qfd, &ticks, sizeof ticks);
    double gb = s->cfg->policy->fs.workspace_size_limit_gb;
    if (s->over_quota ||
        tree_disk_usage(s->cfg->plan.workspace) <= (uint64_t)(gb * 1024 * 1024 * 1024))
        return;
    s->over_quota = true;
    log_error("killed: workspace size limit %.3g GiB reached (%s)", gb, s->cfg->plan.workspace);
    s->res->limit_hit = "workspace_size";
    if (s->cfg->audit)
        audit_event(s->cfg->audit, "limit.hit",
                    json_pack("{s:s, s:f}", "limit", "workspace_size", "value_gb", gb));
    kill(s->pid, SIGKILL);
}

/* run --monitor: the seed's periodic resource line, on stderr. */
static void on_monitor_tick(struct supervision *s)
{
    uint64_t ticks;
    (void)!read(s->mfd, &ticks, sizeof ticks);
    struct sandbox_usage u;
    const char *mem = s->cg.mem_dir ? s->cg.mem_dir : s->cg.v2_dir;
    if (sandbox_usage_read(s->pid, mem, s->cfg->use_namespaces ? s->cfg->plan.temp : NULL, &u) < 0)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double up = (double)(now.tv_sec - s->started.tv_sec);
    uint64_t mem_bytes = u.cgroup_bytes ? u.cgroup_bytes : u.rss_bytes;
    log_error("monitor: %s up %.0f s, cpu %.1f s, memory %.1f MiB, %u process(es), "
              "workspace %.1f MiB, temp %.1f MiB",
              s->cfg->run_id, up, u.cpu_seconds, (double)mem_bytes / 1048576.0, u.pids,
              (double)tree_disk_usage(s->cfg->plan.workspace) / 1048576.0,
              (double)u.temp_used / 1048576.0);
}

/* The command's seccomp listener, sent over nsock (SCM_RIGHTS). */
static void on_listener_message(struct supervision *s)
{
    int listener = fd_recv(s->nsock);
    close(s->nsock);
    s->nsock = -1;
    if (listener < 0)
        return;
    if (observer_start(&s->obs, listener, &s->cfg->plan, s->cfg->audit) < 0) {
        log_error("audit_all_access: cannot serve the seccomp listener");
        close(listener);
        return;
    }
    s->ffd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    struct itimerspec its = {.it_value.tv_nsec = 200000000, .it_interval.tv_nsec = 200000000};
    timerfd_settime(s->ffd, 0, &its, NULL);
}

static void event_loop(struct supervision *s)
{
    for (;;) {
        struct pollfd pfd[11] = {
            {.fd = s->pidfd, .events = POLLIN}, {.fd = s->sfd, .events = POLLIN},
            {.fd = s->ctl, .events = POLLIN},   {.fd = s->tfd, .events = POLLIN},
            {.fd = s->qfd, .events = POLLIN},   {.fd = s->mfd, .events = POLLIN},
            {.fd = s->nsock, .events = POLLIN}, {.fd = s->obs.listener, .events = POLLIN},
            {.fd = s->ffd, .events = POLLIN},   {.fd = s->netsock, .events = POLLIN},
            {.fd = s->proxy ? proxy_fd(s->proxy) : -1, .events = POLLIN},
        };
        if (poll(pfd, 11, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (pfd[2].revents & POLLIN)
            on_message(s);
        if (pfd[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(s->sfd, &si, sizeof si) == (ssize_t)sizeof si)
                if (si.ssi_signo != SIGCHLD)
                    kill(s->pid, (int)si.ssi_signo);
        }
        if (pfd[3].revents & POLLIN)
            on_timeout(s);
        if (pfd[4].revents & POLLIN)
            on_quota_tick(s);
        if (pfd[5].revents & POLLIN)
            on_monitor_tick(s);
        if (pfd[6].revents & (POLLIN | POLLHUP))
            on_listener_message(s);
        if (pfd[7].revents & POLLIN)
            observer_handle(&s->obs);
        else if (pfd[7].revents & (POLLHUP | POLLERR)) {
            /* every process that had the filter is gone */
            s->res->fs_events += s->obs.events;
            s->res->fs_events_dropped += s->obs.dropped;
            observer_stop(&s->obs);
        }
        if (pfd[8].revents & POLLIN) {
            uint64_t ticks;
            (void)!read(s->ffd, &ticks, sizeof ticks);
            audit_flush(s->cfg->audit);
        }
        if (pfd[9].revents & (POLLIN | POLLHUP)) {
            int fd = fd_recv(s->netsock);
            if (fd >= 0) {
                proxy_add_listener(s->proxy, fd, s->net_listeners++ == 1);
            } else {
                close(s->netsock);
                s->netsock = -1;
            }
        }
        if (pfd[10].revents & POLLIN)
            proxy_dispatch(s->proxy);
        if (pfd[0].revents & POLLIN)
            return;
    }
}

/* Collect the end: init's status, or the command's as init reported it. */
static void finish(struct supervision *s)
{
    int init_status = 0;
    /* Once init has reported the command's end, every process of the
     * sandbox is dead and init is only unwinding its namespaces. Unless a
     * cgroup must be removed after it, we need not wait for that. */
    bool wait_init = !s->have_status || s->cg.mode != CG_NONE || !s->cfg->use_namespaces;
    if (!wait_init) {
        s->exit_code = wait_status_to_exit(s->cmd_status);
        report_limits(s->cfg, &s->cg, s->cmd_status, s->timed_out, s->res);
        return;
    }
    struct rusage ru;
    while (wait4(s->pid, &init_status, 0, &ru) < 0 && errno == EINTR)
        ;
    if (!s->cfg->use_namespaces) {
        /* No init to report: the command was our own child. */
        s->res->utime_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
        s->res->stime_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
        s->res->maxrss_kib = ru.ru_maxrss;
    }
    timing_mark("init reaped");
    /* Messages init sent just before it exited (at most two are queued). */
    for (int i = 0; s->ctl >= 0 && i < 3 && !s->have_status && !s->setup_failed; i++) {
        struct pollfd pfd = {.fd = s->ctl, .events = POLLIN};
        if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & POLLIN))
            break;
        on_message(s);
    }
    if (!s->cfg->use_namespaces)
        reap_descendants();
    if (s->setup_failed)
        return; /* exit_code already 125, 126 or 127 */
    if (s->have_status) {
        s->exit_code = wait_status_to_exit(s->cmd_status);
    } else if (WIFSIGNALED(init_status)) {
        /* Init itself was killed: timeout, OOM, a kill from outside. */
        s->cmd_status = init_status;
        s->exit_code = 128 + WTERMSIG(init_status);
    } else {
        s->exit_code = WIFEXITED(init_status) ? WEXITSTATUS(init_status) : EXIT_SETUP_FAILED;
    }
    report_limits(s->cfg, &s->cg, s->cmd_status, s->timed_out, s->res);
}

int supervisor_run(struct sandbox_config *cfg, struct run_result *res)
{
    struct supervision s = {.cfg = cfg, .pid = -1, .pidfd = -1, .ctl = -1, .sfd = -1,
                            .tfd = -1, .qfd = -1, .mfd = -1, .nsock = -1, .ffd = -1,
                            .netsock = -1,
                            .obs = {.listener = -1}, .exit_code = EXIT_SETUP_FAILED,
                            .res = res};
    if (cfg->audit && cfg->policy->enforcement.audit_all_access) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0) {
            s.nsock = sv[0];
            cfg->notify_fd = sv[1];
        }
    }
    *res = (struct run_result){0};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    s.started = t0;
    sigset_t relay, old;
    sigemptyset(&relay);
    for (size_t i = 0; i < ARRAY_SIZE(relayed_signals); i++)
        sigaddset(&relay, relayed_signals[i]);
    sigaddset(&relay, SIGCHLD);
    sigprocmask(SIG_BLOCK, &relay, &old);

    if (cfg->use_namespaces && cfg->policy->network.mode == NET_MODE_FILTERED) {
        int sv[2];
        s.proxy = proxy_new(cfg->policy, cfg->audit, log_quiet);
        if (!s.proxy || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
            log_error("cannot start the filtering proxy");
            proxy_free(s.proxy);
            sigprocmask(SIG_SETMASK, &old, NULL);
            return EXIT_SETUP_FAILED;
        }
        s.netsock = sv[0];
        cfg->net_fd = sv[1];
    }
    int r = cfg->use_namespaces ? start_namespaced(&s) : start_landlock_only(&s);
    if (cfg->net_fd >= 0) {
        close(cfg->net_fd);
        cfg->net_fd = -1;
    }
    if (cfg->notify_fd >= 0) {
        close(cfg->notify_fd); /* the sandbox has its copy */
        cfg->notify_fd = -1;
    }
    if (r < 0) {
        s.setup_failed = true;
        if (s.pid > 0)
            kill(s.pid, SIGKILL);
    }
    if (s.pid > 0 && !s.setup_failed) {
        /* For `ps` and `monitor`; failing that costs only visibility. */
        const char *mem = s.cg.mem_dir ? s.cg.mem_dir : s.cg.v2_dir;
        const char *pids = s.cg.pids_dir ? s.cg.pids_dir : s.cg.v2_dir;
        s.registered = registry_add(cfg, cfg->run_id, s.pid, mem, pids) == 0;
    }
    if (s.pid > 0) {
        s.sfd = signalfd(-1, &relay, SFD_CLOEXEC | SFD_NONBLOCK);
        arm_timers(&s);
        if (!s.setup_failed)
            event_loop(&s);
        finish(&s);
    }
    res->fs_events += s.obs.events;
    res->fs_events_dropped += s.obs.dropped;
    if (s.obs.listener >= 0 || s.obs.events) {
        if (cfg->audit)
            audit_flush(cfg->audit);
        observer_stop(&s.obs);
    }
    proxy_free(s.proxy);
    if (cfg->audit)
        audit_flush(cfg->audit);
    cleanup_host_files(&s);
    if (s.registered)
        registry_remove(cfg->run_id);
    cgroup_destroy(&s.cg);
    int fds[] = {s.pidfd, s.ctl, s.sfd, s.tfd, s.qfd, s.mfd, s.nsock, s.ffd, s.netsock};
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    res->wall_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    res->exit_code = s.exit_code;
    res->setup_failed = s.setup_failed;
    return s.exit_code;
}
