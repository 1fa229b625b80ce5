/* What this kernel and host allow: the facts `doctor` prints and `check`
 * and `run` decide from. */
#pragma once
#include <stdbool.h>

#include "sandbox/sandbox.h"

struct host_support {
    bool userns;
    char *userns_detail;   /* why not, or which knob restricts it */
    int landlock_abi;
    bool seccomp;
    enum cgroup_mode cgroup;
    char *cgroup_detail;
    bool nftables_netns;   /* nf_tables usable in a user-owned netns */
    char *nftables_detail;
};

void host_probe(struct host_support *h, bool probe_nft);
void host_support_free(struct host_support *h);
