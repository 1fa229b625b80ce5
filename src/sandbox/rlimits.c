#include <errno.h>
#include <sys/resource.h>

#include "sandbox/rlimits.h"

static int set_limit(int resource, rlim_t value)
{
    /* soft = hard: nothing inside can raise a soft limit back up. CPU is
     * the exception: hard = soft + 1 s, so that SIGXCPU (which we can name
     * in the report) arrives before the kernel's SIGKILL. */
    struct rlimit rl = {.rlim_cur = value,
                        .rlim_max = resource == RLIMIT_CPU ? value + 1 : value};
    struct rlimit old;
    if (getrlimit(resource, &old) == 0 && old.rlim_max != RLIM_INFINITY && old.rlim_max < value)
        rl.rlim_cur = rl.rlim_max = old.rlim_max; /* never above what we were given */
    return setrlimit(resource, &rl) < 0 ? -errno : 0;
}

int rlimits_apply(const struct resource_limits *lim, bool memory_by_cgroup, bool pids_by_cgroup)
{
    int r;
    const rlim_t mib = 1024 * 1024;
    if ((r = set_limit(RLIMIT_CORE, 0)) < 0)
        return r;
    /* RLIMIT_AS counts address space, not memory, and is per process; the
     * cgroup is the real limit when there is one. */
    if (lim->memory_mb && !memory_by_cgroup && (r = set_limit(RLIMIT_AS, lim->memory_mb * mib)) < 0)
        return r;
    /* Inside a fresh user namespace RLIMIT_NPROC counts this sandbox's
     * processes of the uid (Linux >= 5.14 ucounts), not the host's. */
    if (lim->pids && !pids_by_cgroup && (r = set_limit(RLIMIT_NPROC, lim->pids)) < 0)
        return r;
    if (lim->fsize_mb && (r = set_limit(RLIMIT_FSIZE, lim->fsize_mb * mib)) < 0)
        return r;
    if (lim->nofile && (r = set_limit(RLIMIT_NOFILE, lim->nofile)) < 0)
        return r;
    if (lim->cpu_seconds && (r = set_limit(RLIMIT_CPU, lim->cpu_seconds)) < 0)
        return r;
    return 0;
}
