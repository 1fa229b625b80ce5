/* sandboxctl export: one emitter per target, all reading struct policy.
 *
 * Every emitter first writes what the target could not express (as
 * comments, or as a note field where the format has no comments), then the
 * configuration itself. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "policy/policy.h"

struct export_ctx {
    const struct policy *p;
    const char *home;       /* for "~/..." spellings; NULL: none */
    const char *name;       /* profile, table, pod name (--name) */
    const char *user;       /* limits: user or @group; nftables: uid owner (--user) */
    bool user_given;
    bool json;              /* kubernetes: --format json */
};

/* What a target could not express: one sentence each. */
struct export_notes {
    char **v;
    size_t n;
};
void notes_add(struct export_notes *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void notes_free(struct export_notes *n);
/* The notes every target shares, from the policy's content: each flag
 * names a part the target lacks. */
enum {
    LACKS_DOMAINS = 1 << 0,     /* trusted/blocked domain names */
    LACKS_PORTS = 1 << 1,       /* allowed outbound/inbound ports */
    LACKS_RATE = 1 << 2,        /* rate limiting */
    LACKS_PROTOCOLS = 1 << 3,   /* protocol allow/deny lists */
    LACKS_HOSTS = 1 << 4,       /* network.hosts pins, dns.upstream */
    LACKS_FIREWALL = 1 << 5,    /* firewall rules */
    LACKS_ENV = 1 << 6,         /* environment filter */
    LACKS_TIMEOUT = 1 << 7,     /* wall-clock timeout */
    LACKS_AUDIT = 1 << 8,       /* audit log */
    LACKS_LIMITS = 1 << 9,      /* every resource limit */
    LACKS_TEMP_SIZE = 1 << 10,  /* size of the temporary directory */
    LACKS_WS_SIZE = 1 << 11,    /* workspace size limit */
    LACKS_SECCOMP = 1 << 12,    /* the system-call deny list */
    LACKS_FS = 1 << 13,         /* every file-system rule */
    LACKS_NETWORK = 1 << 14,    /* the whole network section */
};
void notes_common(struct export_notes *n, const struct policy *p, unsigned lacks);
/* "# " + each note, wrapped; prefix is the comment leader. */
void notes_print(FILE *out, const struct export_notes *n, const char *leader,
                 const char *target);
json_t *notes_json(const struct export_notes *n, const char *target);

/* Path helpers. */
bool path_is_pattern(const char *s);        /* has *, ? or [ */
// "/a/b/**" -> "/a/b"; other paths unchanged (heap).
char *path_tree(const char *s);
// The tree of s when it is a plain path or ends in "/**", else NULL.
char *path_literal_tree(const char *s);
/* "~/x" for paths under home, else a copy. */
char *path_tilde(const struct export_ctx *x, const char *s);
/* Is path inside (or equal to) the tree of pattern? Lexical. */
bool path_under(const char *path, const char *tree);

/* The visible trees, in one list with their access. */
struct view_entry {
    const char *path;   /* as in the policy (may be a pattern) */
    bool writable;
};
struct view {
    struct view_entry *v;
    size_t n;
};
/* Workspace, temp, writable, readonly and allowed paths, deduplicated;
 * writable wins over read-only for the same entry. */
void view_build(const struct policy *p, struct view *out);
void view_free(struct view *v);

/* Protected persistence paths of the workspace still protected. */
bool export_is_protected(const struct policy *p, const char *rel);

/* The system-call deny list (src/sandbox/seccomp_names.c). */
extern const char *const seccomp_denied_names[];

/* Emit a JSON document (two-space indent, key order kept) and a newline. */
int export_dump_json(FILE *out, json_t *doc);
/* Block-style YAML of a JSON value, for Kubernetes manifests. */
void export_yaml(FILE *out, json_t *v);

int export_apparmor(const struct export_ctx *x, FILE *out);
int export_nftables(const struct export_ctx *x, FILE *out);
int export_systemd(const struct export_ctx *x, FILE *out);
int export_limits(const struct export_ctx *x, FILE *out);
int export_srt(const struct export_ctx *x, FILE *out);
int export_claude(const struct export_ctx *x, FILE *out);
int export_oci(const struct export_ctx *x, FILE *out);
int export_kubernetes(const struct export_ctx *x, FILE *out);

/* A trusted/blocked entry as srt spells it ("[v6]" bracketed), or NULL
 * when srt cannot express it (CIDR ranges, "*.tld", single labels). */
char *export_srt_host(const char *d);
/* srt's filesystem object (denyRead, allowRead, allowWrite, denyWrite),
 * paths spelt by fmt; shared with the Claude Code target. */
json_t *export_srt_filesystem(const struct export_ctx *x,
                              char *(*fmt)(const struct export_ctx *x, const char *path));
/* The allowedDomains list (with ":port" when outbound ports are set). */
json_t *export_srt_allowed(const struct export_ctx *x, struct export_notes *n);

/* The notes srt and Claude Code share; credentials.envVars (exact names). */
void export_srt_notes(const struct export_ctx *x, struct export_notes *n);
json_t *export_srt_credentials(const struct policy *p);

/* The seccomp deny list as an OCI/containerd profile (linux.seccomp). */
json_t *export_seccomp_profile(void);

/* The JSON-shaped targets as documents, for the schema tests. */
json_t *export_srt_doc(const struct export_ctx *x);
json_t *export_claude_doc(const struct export_ctx *x);
json_t *export_oci_doc(const struct export_ctx *x);
/* A JSON array: Pod, seccomp ConfigMap, CiliumNetworkPolicy. */
json_t *export_kubernetes_docs(const struct export_ctx *x);
