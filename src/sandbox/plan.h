/* The file-system view of a sandbox, resolved against this host: which
 * host paths appear, how, and which are masked. Built by the supervisor,
 * shown by `check`, executed by the sandbox init. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

enum mount_kind {
    MK_BIND_RO,     /* host path visible read-only */
    MK_BIND_RW,     /* host path visible read-write */
    MK_MASK,        /* denied path inside a visible tree: unreadable */
    MK_PROTECT,     /* persistence path inside the workspace: read-only */
    MK_TMPFS,       /* the private temp directory */
    MK_SYMLINK,     /* a host symlink recreated (target in `target`) */
    MK_PIN,         /* a directory bound onto itself so it cannot be renamed
                     * away from the protected paths inside it */
};

struct mount_op {
    char *path;         /* absolute, same inside and outside */
    enum mount_kind kind;
    char *target;       /* MK_SYMLINK: link text */
    bool is_dir;        /* MK_MASK/MK_PROTECT: directory or file */
    const char *why;    /* the policy rule (origin) that asked for it */
};

/* Placeholders created on the host for protected paths that do not exist
 * yet; removed by the supervisor when the sandbox ends. */
struct placeholder {
    char *path;         /* relative to the workspace */
    bool is_dir;
    const char *content; /* a file placeholder's content (NULL: empty) */
    uint64_t dev, ino;
};

struct fs_plan {
    struct mount_op *ops;
    size_t n_ops;
    struct placeholder *placeholders;
    size_t n_placeholders;
    bool synthetic_etc;     /* the host /etc is not visible: build one */
    bool sys_visible;
    char *workspace;
    bool workspace_writable;
    char *temp;
    uint64_t temp_size_mb;
    /* Paths the policy protects that this plan cannot (a confinement gap). */
    char **gaps;
    size_t n_gaps;
    char **writable_roots;  /* workspace (if writable) and writable_paths */
    size_t n_writable_roots;
    /* Notes for `check`: one line each, human-readable. */
    char **notes;
    size_t n_notes;
};

int fs_plan_build(const struct policy *p, struct fs_plan *plan);
/* Mask an existing path inside the sandbox if a visible tree holds it (the
 * audit log's directory). -EBUSY when it is a visible tree itself. */
int fs_plan_hide(struct fs_plan *plan, const char *path, const char *why);
/* Make an existing file or directory (a policy file) read-only inside, if
 * it lies in the writable workspace. */
int fs_plan_protect_file(struct fs_plan *plan, const char *path, const char *why);
/* Create the placeholders (supervisor, on the host, before the sandbox). */
typedef void (*placeholder_cb)(const struct fs_plan *plan, const struct placeholder *ph,
                               void *data);
/* `created` runs after each one exists, so it can be recorded at once. */
int fs_plan_create_placeholders(struct fs_plan *plan, placeholder_cb created, void *data);
/* Remove the placeholders that are still ours and still empty. */
void fs_plan_remove_placeholders(struct fs_plan *plan);
struct stat;
/* A placeholder file still holds only what we wrote (content NULL: empty). */
bool placeholder_unchanged(int dirfd, const char *path, const char *content,
                           const struct stat *st);
void fs_plan_free(struct fs_plan *plan);
const char *mount_kind_name(enum mount_kind k);
