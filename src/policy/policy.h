/* The in-memory policy: every input format is normalised into this. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a value came from, for messages: "file:line:col" or "built-in". */
struct origin {
    char *where;
};

struct str_list {
    char **v;
    struct origin *origin; /* parallel to v */
    size_t n;
};

struct port_list {
    uint16_t *v;
    size_t n;
};

enum net_mode { NET_MODE_NONE, NET_MODE_FILTERED, NET_MODE_HOST };

struct fw_rule {
    char *action;       /* "allow" | "deny" */
    char *endpoint;     /* egress: destination, ingress: source */
    struct port_list ports;
    struct origin origin;
};

struct fw_rule_list {
    struct fw_rule *v;
    size_t n;
};

struct host_pin { /* network.hosts: name -> address (like curl --resolve) */
    char *name;
    char *address;
};

/* A limit of 0 means "not set" except where noted; limits are u64. */
struct resource_limits {
    uint64_t memory_mb;
    uint64_t pids;
    uint64_t cpu_seconds;
    uint64_t fsize_mb;
    uint64_t nofile;
    uint64_t timeout_seconds;
    /* Bit i set: field i (in the order above) was written by a policy
     * file, not taken from the built-in defaults. strict_mode only refuses
     * on limits a policy asked for. */
    uint32_t set_by_policy;
};

enum { RES_MEMORY, RES_PIDS, RES_CPU, RES_FSIZE, RES_NOFILE, RES_TIMEOUT };

struct policy {
    struct {
        char *mode;                 /* "whitelist" (only mode) */
        char *workspace;            /* absolute, expanded */
        struct origin workspace_origin;
        /* The workspace as the policy files wrote it (expanded), NULL when
         * none did; policy_finalize rebases paths under it onto the
         * effective workspace and then sets it to that. */
        char *workspace_declared;
        bool workspace_writable;    /* permissions read-write | read-only */
        double workspace_size_limit_gb; /* 0 = none */
        /* Path patterns, expanded (~, ${HOME}, ${WORKSPACE}, ${TMPDIR})
         * and absolute; may end in a "**" component or contain glob characters. */
        struct str_list allowed;    /* visible, read-only unless inside workspace/temp */
        struct str_list denied;     /* never visible */
        struct str_list readonly;   /* visible, read-only */
        struct str_list writable;   /* visible, read-write (extension) */
        struct str_list unprotected;/* persistence paths whose protection is lifted */
        char *temp_path;            /* absolute */
        uint64_t temp_size_mb;
        bool temp_auto_cleanup;
        double temp_cleanup_age_hours;
    } fs;
    struct {
        bool strict_mode;
        char *symlink_resolution;   /* "deny" */
        bool case_sensitive;
        bool audit_all_access;
    } enforcement;
    struct {
        enum net_mode mode;
        bool mode_set;              /* false: derived (filtered iff trusted non-empty) */
        char *mode_word;            /* as written: whitelist/none/filtered/host */
        struct str_list trusted;
        struct str_list blocked;
        struct port_list out_ports;
        struct port_list in_ports;
        struct str_list proto_allowed;
        struct str_list proto_denied;
        bool rate_enabled;
        uint64_t rate_per_minute;
        uint64_t rate_burst;
        struct host_pin *hosts;
        size_t n_hosts;
        char *dns_upstream;
    } network;
    struct {
        char *default_policy;       /* "deny" | "allow" */
        struct fw_rule_list egress;
        struct fw_rule_list ingress;
    } firewall;
    struct resource_limits resources;
    struct {
        char *path;
        char *fsync;            /* "every" | "interval" (default) | "never" */
        uint64_t max_size_mb;   /* rotate past this size; 0 = never (default 64) */
        uint64_t keep;          /* rotated files kept (default 5) */
    } audit;
    struct {
        struct str_list deny;       /* glob patterns of variable names removed */
        struct str_list allow;      /* names exempted from the deny list */
    } environment;
};

/* What the loader needs to know about the caller's world. */
struct policy_env {
    const char *home;       /* $HOME */
    const char *cwd;        /* current directory */
    const char *tmpdir;     /* $TMPDIR or /tmp */
    const char *workspace;  /* --workspace DIR, or NULL */
};

struct policy_error {
    char msg[1024]; /* "file:line:col: key: what was wrong; expected ..." */
};

/* A policy holding the built-in defaults for scalars and empty lists:
 * the base onto which policy files are merged. */
struct policy *policy_new_base(const struct policy_env *env);
/* The complete built-in default policy used when no --policy is given. */
struct policy *policy_new_default(const struct policy_env *env);
/* Add the built-in system paths and masks (what policy_new_default has
 * beyond the base). Used for policies that list no visible paths. */
void policy_add_default_paths(struct policy *p, const struct policy_env *env);
/* Load a file (native JSON) or a directory (its *.json in name order) and
 * merge it into p. Returns 0, or -1 with err filled. */
int policy_load_path(struct policy *p, const char *path,
                     const struct policy_env *env, struct policy_error *err);
int policy_load_buffer(struct policy *p, const char *name, const char *buf,
                       size_t len, const struct policy_env *env,
                       struct policy_error *err);
/* On error p may hold part of the file (still consistent: policy_free is
 * safe); callers report err->msg and give up on p. */
/* After all files: apply --workspace, derive network mode, rebase paths
 * under the policy's workspace onto the real one, check conflicts. */
int policy_finalize(struct policy *p, const struct policy_env *env,
                    struct policy_error *err);
/* Serialise as native JSON that policy_load_* accepts back (pretty, two
 * spaces; a derived network mode and a NULL audit path are left out so
 * they are derived again). Free with free(). */
char *policy_to_json(const struct policy *p);
void policy_free(struct policy *p);

/* The persistence paths protected inside the workspace (relative). */
extern const char *const policy_protected_paths[];
