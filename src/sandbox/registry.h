/* Running sandboxes, for `ps` and `monitor`: one small JSON file per run
 * in the user's runtime directory, written by its supervisor. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "sandbox/sandbox.h"

struct run_entry {
    char *run_id;
    pid_t supervisor;
    pid_t init;         /* the sandbox's root process (init, or the command) */
    char *started;      /* RFC 3339 */
    char *workspace;
    char *temp;
    char *command;      /* argv joined for display */
    char *mem_cgroup;   /* cgroup directory with memory files, or NULL */
    char *pids_cgroup;
    char *audit_log;
};

int registry_add(const struct sandbox_config *cfg, const char *run_id, pid_t init,
                 const char *mem_cgroup, const char *pids_cgroup);
void registry_remove(const char *run_id);
/* Live runs (stale entries of dead supervisors are removed). */
size_t registry_list(struct run_entry **out);
void run_entries_free(struct run_entry *v, size_t n);
void run_entry_clear(struct run_entry *r);
