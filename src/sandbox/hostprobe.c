#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>

#include "sandbox/cgroup.h"
#include "sandbox/hostprobe.h"
#include "sandbox/landlock.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

static char *read_knob(const char *path)
{
    char *s = NULL;
    if (read_file(path, 64, &s, NULL) < 0)
        return NULL;
    s[strcspn(s, "\n")] = '\0';
    return s;
}

/* Try the namespaces run would create, in a throw-away child. */
static int try_namespaces(int *err)
{
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC |
                    CLONE_NEWUTS | CLONE_NEWCGROUP) < 0)
            _exit(errno & 0xff);
        _exit(0);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    *err = WIFEXITED(st) ? WEXITSTATUS(st) : EIO;
    return 0;
}

/* nf_tables answers in a fresh user+net namespace: what the filtering
 * network will need. Probed with a netlink socket in a child. */
static bool try_nftables(char **detail)
{
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid == 0) {
        if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
            _exit(1);
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
        _exit(fd < 0 ? 2 : 0);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 3;
    *detail = xstrdup(code == 0 ? "netfilter netlink available in a user-owned network namespace"
                                : code == 1 ? "no user namespaces"
                                            : "no netfilter netlink in a user-owned namespace");
    return code == 0;
}

void host_probe(struct host_support *h, bool probe_nft)
{
    *h = (struct host_support){0};
    int err = 0;
    if (try_namespaces(&err) == 0 && err == 0) {
        h->userns = true;
        h->userns_detail = xstrdup("user, mount, PID, network, IPC, UTS and cgroup namespaces");
    } else {
        _cleanup_free_ char *aa = read_knob("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
        _cleanup_free_ char *deb = read_knob("/proc/sys/kernel/unprivileged_userns_clone");
        _cleanup_free_ char *max = read_knob("/proc/sys/user/max_user_namespaces");
        if (aa && strcmp(aa, "1") == 0)
            h->userns_detail = xstrdup("restricted by AppArmor "
                                       "(kernel.apparmor_restrict_unprivileged_userns=1)");
        else if (deb && strcmp(deb, "0") == 0)
            h->userns_detail = xstrdup("disabled (kernel.unprivileged_userns_clone=0)");
        else if (max && strcmp(max, "0") == 0)
            h->userns_detail = xstrdup("disabled (user.max_user_namespaces=0)");
        else
            h->userns_detail = xasprintf("unavailable: %s", strerror(err ? err : EPERM));
    }
    h->landlock_abi = landlock_abi_version();
    h->seccomp = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 &&
                 syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0,
                         &(unsigned int){SECCOMP_RET_ERRNO}) == 0;
    h->cgroup = cgroup_detect(&h->cgroup_detail);
    if (probe_nft)
        h->nftables_netns = try_nftables(&h->nftables_detail);
}

void host_support_free(struct host_support *h)
{
    free(h->userns_detail);
    free(h->cgroup_detail);
    free(h->nftables_detail);
    *h = (struct host_support){0};
}
