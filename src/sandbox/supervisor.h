#pragma once
#include <stdbool.h>

#include "sandbox/sandbox.h"

#include <stdint.h>

/* How a run ended, for the exit status and the audit trail. */
struct run_result {
    int exit_code;          /* what sandboxctl exits with */
    bool setup_failed;
    int signal;             /* the command died of this signal, or 0 */
    double wall_ms;
    int64_t utime_us, stime_us, maxrss_kib;
    uint64_t peak_memory;   /* bytes, from the cgroup; 0 unknown */
    uint64_t pids_refused;
    const char *limit_hit;  /* "memory", "timeout", "fsize", "cpu", "workspace_size", or NULL */
    uint64_t fs_events, fs_events_dropped; /* audit_all_access */
};

/* Run the command in a sandbox built from cfg; returns the exit status
 * sandboxctl should exit with and fills *res. */
int supervisor_run(struct sandbox_config *cfg, struct run_result *res);
