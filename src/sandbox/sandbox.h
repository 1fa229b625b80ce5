/* What the supervisor hands to the sandbox init: everything is resolved
 * before clone(), so that init does no policy work and no allocation
 * decisions that could fail half-way. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "sandbox/plan.h"

enum cgroup_mode { CG_NONE, CG_V2, CG_V1 };
struct audit_log;
struct cgroup_place;

struct sandbox_config {
    const struct policy *policy;
    struct fs_plan plan;
    bool use_namespaces;        /* false: --no-namespaces (Landlock only) */
    char **argv;                /* the command */
    char **envp;                /* filtered environment */
    char *cwd;                  /* working directory inside */
    uid_t uid;
    gid_t gid;
    char *user_name;
    char *home;
    char *hosts_tmp;            /* --no-namespaces: the private temp dir */
    char *ld_so_cache;          /* host /etc/ld.so.cache, for synthetic /etc */
    size_t ld_so_cache_len;
    enum cgroup_mode cgroup;
    int landlock_abi;           /* 0: unavailable */
    struct audit_log *audit;    /* NULL: no audit trail for this run */
    char run_id[40];
    unsigned monitor_seconds;   /* run --monitor: a summary line this often */
    int notify_fd;              /* audit_all_access: where the command sends its
                                 * seccomp listener; -1 when not observing */
    int net_fd;                 /* filtered network: where init sends the proxy
                                 * listeners it made inside; -1 otherwise */
    const void *cgroup_handle;  /* the supervisor's struct cgroup */
    const struct cgroup_place *cgroup_place; /* located once by `run` */
    /* --no-namespaces: the command joins the cgroup itself, before exec. */
    int (*cgroup_self_attach)(const struct sandbox_config *cfg);
};

/* Exit statuses, as env(1) and podman use them. */
enum {
    EXIT_SETUP_FAILED = 125,
    EXIT_NOT_EXECUTABLE = 126,
    EXIT_NOT_FOUND = 127,
};

/* The sandbox's PID 1 (namespace mode). Never returns. */
_Noreturn void sandbox_init_main(struct sandbox_config *cfg, int sync_fd);
/* In init: block until the supervisor has joined us to the cgroup and
 * created the placeholders. */
int sandbox_wait_host_ready(void);
/* Build the new root and pivot into it (in init). */
int sandbox_build_root(const struct sandbox_config *cfg);
/* Write the synthetic /etc into an open directory. */
int etc_synth_populate(int dirfd, const struct sandbox_config *cfg);
/* The final steps in the command's own process, then execve. Never returns;
 * on failure writes errno to err_fd and exits 126/127/125. */
_Noreturn void sandbox_exec_command(const struct sandbox_config *cfg, int err_fd);
/* Fork and exec the command; returns its pid, or -1 with *status set. */
pid_t sandbox_spawn_command(const struct sandbox_config *cfg, int *status);
int wait_status_to_exit(int wait_status);
