/* What a running sandbox uses, read from the host's /proc and cgroups. */
#pragma once
#include <stdint.h>
#include <sys/types.h>

struct sandbox_usage {
    unsigned pids;          /* the root process and every descendant */
    uint64_t rss_bytes;     /* their resident memory, summed */
    uint64_t cgroup_bytes;  /* the memory cgroup's count, when there is one */
    double cpu_seconds;     /* user + system, of the live processes */
    pid_t command;          /* a process inside (for /proc/PID/root), or 0 */
    uint64_t temp_used;     /* bytes used in the private temp directory */
    uint64_t temp_size;
};

/* root: init (or the command without namespaces); temp: its path inside. */
int sandbox_usage_read(pid_t root, const char *mem_cgroup, const char *temp,
                       struct sandbox_usage *u);
