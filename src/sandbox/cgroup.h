/* Resource control through cgroups: v2 where a subtree is delegated to us,
 * v1 memory and pids where we are root and they exist, else nothing (the
 * rlimits then carry the limits). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "sandbox/sandbox.h"

struct cgroup {
    enum cgroup_mode mode;
    char *v2_dir;
    char *mem_dir;  /* v1 */
    char *pids_dir; /* v1 */
};

struct cgroup_usage {
    uint64_t oom_kills;
    uint64_t pids_refused;
    uint64_t peak_memory;
};

/* Where sandboxes' groups go on this host: found once, used by the
 * enforcement report and by cgroup_create alike. */
struct cgroup_place {
    enum cgroup_mode mode;
    char *v2_parent;            /* CG_V2 */
    char *mem_parent, *pids_parent; /* CG_V1 */
    char *why;                  /* for doctor and check */
};

void cgroup_locate(struct cgroup_place *pl);
void cgroup_place_free(struct cgroup_place *pl);
/* Which mode this host gives us, and why (for doctor/check). */
enum cgroup_mode cgroup_detect(char **why);
int cgroup_create(struct cgroup *cg, const struct cgroup_place *pl,
                  const struct resource_limits *lim, const char *name);
int cgroup_attach(const struct cgroup *cg, pid_t pid);
void cgroup_usage(const struct cgroup *cg, struct cgroup_usage *u);
/* Kill what is left and remove the groups. */
void cgroup_destroy(struct cgroup *cg);
const char *cgroup_mode_name(enum cgroup_mode m);
