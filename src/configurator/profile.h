/* The built-in profiles `sandboxctl init` writes, as data: what goes into
 * the three policy files before any of it is expanded for a host. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

struct init_profile {
    char *name;
    const char *summary;
    char *workspace;            /* as written: "${WORKSPACE}" or an absolute path */
    double workspace_size_gb;
    uint64_t temp_size_mb;
    bool strict_mode;
    bool network;               /* false: network.mode "none" */
    struct str_list readonly;
    struct str_list denied;
    struct str_list trusted;
    struct str_list blocked;
    struct str_list proto_allowed;
    struct str_list proto_denied;
    struct port_list out_ports;
    struct port_list in_ports;
    bool rate_limiting;
    uint64_t rate_per_minute;
    uint64_t rate_burst;
    struct host_pin *hosts;
    size_t n_hosts;
    struct resource_limits limits;
};

/* "agent", "strict", "web-dev", "offline"; NULL-terminated. */
extern const char *const init_profile_names[];
#define INIT_DEFAULT_PROFILE "agent"

/* A fresh copy of a built-in profile, or NULL when name is unknown. */
struct init_profile *init_profile_new(const char *name);
void init_profile_free(struct init_profile *p);
/* "agent, strict, web-dev or offline" */
const char *init_profile_list_text(void);

/* Add a trusted domain (validated like a policy file's). A profile without
 * network gets a filtered one. Returns 0, or -1 with why filled. */
int init_profile_add_domain(struct init_profile *p, const char *domain, char *why, size_t n);

/* The three policy files as JSON text (heap). */
char *init_profile_fs_json(const struct init_profile *p);
char *init_profile_net_json(const struct init_profile *p);
char *init_profile_res_json(const struct init_profile *p);
