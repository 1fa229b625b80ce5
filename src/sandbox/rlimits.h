#pragma once
#include <stdbool.h>
#include "policy/policy.h"

/* Set soft = hard limits from the policy. `memory_by_cgroup` and
 * `pids_by_cgroup` say whether a cgroup already enforces those two, in
 * which case the rlimit stays a second line only where it is harmless. */
int rlimits_apply(const struct resource_limits *lim, bool memory_by_cgroup, bool pids_by_cgroup);
