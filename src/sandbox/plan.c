#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/plan.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/strlist.h"

/* Paths the sandbox always gets its own copy of: the host's is never shown. */
static const char *const synthesized_roots[] = {"/proc", "/dev", "/sys", NULL};

/* ELF loaders, so that dynamically linked programs run even when a policy
 * lists /usr/lib but not the /lib64 symlink chain that leads to it. */
static const char *const elf_loaders[] = {
    "/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1",
    "/lib/ld-linux-armhf.so.3",    "/lib/ld-linux.so.2",
    "/lib/ld-musl-x86_64.so.1",    NULL,
};

/* Protected names that are directories when they exist. */
static bool protected_is_dir(const char *name)
{
    return strcmp(name, ".vscode") == 0 || strcmp(name, ".idea") == 0 ||
           strcmp(name, ".git/hooks") == 0 || strcmp(name, ".git/modules") == 0 ||
           strcmp(name, ".git/worktrees") == 0 || strcmp(name, ".claude/commands") == 0 ||
           strcmp(name, ".claude/agents") == 0;
}

const char *mount_kind_name(enum mount_kind k)
{
    switch (k) {
    case MK_BIND_RO: return "read-only";
    case MK_BIND_RW: return "read-write";
    case MK_MASK: return "masked";
    case MK_PROTECT: return "protected (read-only)";
    case MK_TMPFS: return "private tmpfs";
    case MK_SYMLINK: return "symlink";
    case MK_PIN: return "pinned (cannot be renamed or removed)";
    }
    return "?";
}

static void add_note(struct fs_plan *plan, char *note)
{
    plan->notes = xrealloc(plan->notes, (plan->n_notes + 1) * sizeof *plan->notes);
    plan->notes[plan->n_notes++] = note;
}

static struct mount_op *find_op(struct fs_plan *plan, const char *path)
{
    for (size_t i = 0; i < plan->n_ops; i++)
        if (strcmp(plan->ops[i].path, path) == 0)
            return &plan->ops[i];
    return NULL;
}

static struct mount_op *add_op(struct fs_plan *plan, const char *path, enum mount_kind kind,
                               const char *why)
{
    plan->ops = xrealloc(plan->ops, (plan->n_ops + 1) * sizeof *plan->ops);
    struct mount_op *op = &plan->ops[plan->n_ops++];
    *op = (struct mount_op){.path = xstrdup(path), .kind = kind, .why = why};
    return op;
}

static bool is_synthesized(const char *path)
{
    for (size_t i = 0; synthesized_roots[i]; i++)
        if (path_has_prefix(path, synthesized_roots[i]))
            return true;
    return false;
}

/* Strip a trailing globstar: "/a/b/" + "**" names the tree /a/b. */
static char *strip_globstar(const char *pat)
{
    size_t n = strlen(pat);
    char *s = xstrdup(pat);
    if (n >= 3 && strcmp(pat + n - 3, "/**") == 0)
        s[n == 3 ? 1 : n - 3] = '\0';
    return s;
}

/* For case-insensitive policies every letter becomes [xX], so that glob(3)
 * finds each spelling that exists on this host. */
static char *casefold_pattern(const char *s)
{
    char *out = xmalloc(strlen(s) * 4 + 1), *o = out;
    for (; *s; s++) {
        char lo = (char)(*s | 0x20);
        if (lo >= 'a' && lo <= 'z') {
            *o++ = '[';
            *o++ = lo;
            *o++ = (char)(lo - 0x20);
            *o++ = ']';
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

typedef void (*path_cb)(struct fs_plan *plan, const char *path, const char *why, void *data);

/* Calls cb for each host path a pattern names. Patterns without glob
 * characters name one path, which may not exist. */
static void expand_pattern(struct fs_plan *plan, const char *pattern, bool case_sensitive,
                           const char *why, path_cb cb, void *data)
{
    _cleanup_free_ char *base = strip_globstar(pattern);
    bool globbing = strpbrk(base, "*?[") != NULL;
    if (!globbing && case_sensitive) {
        cb(plan, base, why, data);
        return;
    }
    _cleanup_free_ char *pat = case_sensitive ? xstrdup(base) : casefold_pattern(base);
    glob_t g = {0};
    int r = glob(pat, GLOB_NOSORT | GLOB_PERIOD, NULL, &g);
    if (r == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            _cleanup_free_ char *norm = path_normalize(g.gl_pathv[i]);
            cb(plan, norm, why, data);
        }
    } else if (!globbing) {
        cb(plan, base, why, data); /* absent: the callback says so */
    }
    globfree(&g);
}

static const struct mount_op *covering_op(const struct fs_plan *plan, const char *path);

static bool is_bind(const struct mount_op *op)
{
    return op && (op->kind == MK_BIND_RO || op->kind == MK_BIND_RW || op->kind == MK_TMPFS);
}

/* Resolve a host symlink's text against the directory it lives in. */
static char *resolve_link(const char *link_path, const char *text)
{
    if (text[0] == '/')
        return path_normalize(text);
    _cleanup_free_ char *dir = xstrdup(link_path);
    *strrchr(dir, '/') = '\0';
    _cleanup_free_ char *joined = path_join(dir[0] ? dir : "/", text);
    return path_normalize(joined);
}

/* Make a host path visible at the same place inside. Each symlink on the
 * way (/bin -> usr/bin, /lib64 -> usr/lib64, a loader's link into
 * /usr/lib/...) is recreated and its target made visible too, so that
 * listing a path means listing what it leads to. */
static void pin_parents(struct fs_plan *plan, const char *root, const char *path,
                        const char *why);

/* Inside a writable tree a sandbox could have turned a listed path into a
 * symlink during an earlier run: such a link is never followed. */
static bool inside_writable_tree(const struct fs_plan *plan, const char *path)
{
    for (size_t i = 0; i < plan->n_writable_roots; i++)
        if (path_has_prefix(path, plan->writable_roots[i]) &&
            strcmp(path, plan->writable_roots[i]) != 0)
            return true;
    return false;
}

static void add_visible(struct fs_plan *plan, const char *path, bool writable, const char *why,
                        int depth)
{
    struct stat st;
    if (depth > 16)
        return;
    if (is_synthesized(path)) {
        if (path_has_prefix(path, "/sys") && depth == 0) {
            plan->sys_visible = true;
            add_note(plan, xasprintf("%s: the host's /sys is shown read-only (%s)", path, why));
            writable = false;
        } else {
            return; /* /proc and /dev are always the sandbox's own */
        }
    }
    if (lstat(path, &st) < 0) {
        if (depth == 0)
            add_note(plan, xasprintf("%s: not present on this host, skipped (%s)", path, why));
        return;
    }
    /* Walk the components: the first symlink decides where we really go. */
    _cleanup_free_ char *prefix = xstrdup(path);
    for (char *slash = prefix + 1;; slash++) {
        slash = strchr(slash, '/');
        if (slash)
            *slash = '\0';
        struct stat pst;
        if (lstat(prefix, &pst) == 0 && S_ISLNK(pst.st_mode) && inside_writable_tree(plan, prefix)) {
            add_note(plan, xasprintf("%s: a symlink inside a writable tree, not followed (an "
                                     "earlier sandbox may have planted it); %s skipped (%s)",
                                     prefix, path, why));
            return;
        }
        if (lstat(prefix, &pst) == 0 && S_ISLNK(pst.st_mode)) {
            char buf[PATH_MAX];
            ssize_t n = readlink(prefix, buf, sizeof buf - 1);
            if (n < 0)
                return;
            buf[n] = '\0';
            if (!is_bind(covering_op(plan, prefix)) && !find_op(plan, prefix))
                add_op(plan, prefix, MK_SYMLINK, why)->target = xstrdup(buf);
            _cleanup_free_ char *target = resolve_link(prefix, buf);
            _cleanup_free_ char *rest =
                slash ? xasprintf("%s/%s", target, slash + 1) : xstrdup(target);
            _cleanup_free_ char *norm = path_normalize(rest);
            add_visible(plan, norm, writable, why, depth + 1);
            return;
        }
        if (!slash)
            break;
        *slash = '/';
    }
    struct mount_op *op = find_op(plan, path);
    if (op) {
        /* read-only beats read-write when a path is listed both ways */
        if (op->kind == MK_BIND_RW && !writable)
            op->kind = MK_BIND_RO;
        return;
    }
    const struct mount_op *cover = covering_op(plan, path);
    if (depth > 0 && is_bind(cover) && cover->kind == (writable ? MK_BIND_RW : MK_BIND_RO))
        return; /* reached through a symlink into a tree already shown */
    add_op(plan, path, writable ? MK_BIND_RW : MK_BIND_RO, why);
}

static bool inside_writable_area(const struct fs_plan *plan, const char *path)
{
    /* Host paths under the temp directory's mount point stay read-only:
     * only the private tmpfs itself is writable. */
    return plan->workspace_writable && path_has_prefix(path, plan->workspace);
}

static void visible_cb(struct fs_plan *plan, const char *path, const char *why, void *data)
{
    int mode = *(int *)data; /* 0 allowed, 1 read-only, 2 writable */
    bool writable = mode == 2 || (mode == 0 && inside_writable_area(plan, path));
    if (strcmp(path, plan->temp) == 0)
        return; /* the temp directory is a private tmpfs, never the host's */
    add_visible(plan, path, writable, why, 0);
}

/* The nearest visible tree that contains path, if any. */
static const struct mount_op *covering_op(const struct fs_plan *plan, const char *path)
{
    const struct mount_op *best = NULL;
    for (size_t i = 0; i < plan->n_ops; i++) {
        const struct mount_op *op = &plan->ops[i];
        if ((op->kind == MK_BIND_RO || op->kind == MK_BIND_RW || op->kind == MK_TMPFS) &&
            path_has_prefix(path, op->path) && (!best || strlen(op->path) > strlen(best->path)))
            best = op;
    }
    return best;
}

static void denied_cb(struct fs_plan *plan, const char *path, const char *why, void *data)
{
    (void)data;
    struct stat st;
    if (is_synthesized(path))
        return; /* never the host's anyway; `check` says what stands in */
    if (strcmp(path, "/etc") == 0) {
        plan->synthetic_etc = true;
        return;
    }
    for (size_t i = 0; i < plan->n_ops; i++) {
        const struct mount_op *op = &plan->ops[i];
        if ((op->kind == MK_BIND_RO || op->kind == MK_BIND_RW) &&
            path_has_prefix(op->path, path) && strcmp(op->path, path) != 0)
            add_note(plan, xasprintf("%s lies inside denied %s: the more specific rule wins, "
                                     "only %s is visible there (%s)", op->path, path, op->path,
                                     why));
    }
    const struct mount_op *cover = covering_op(plan, path);
    if (!cover || strcmp(cover->path, path) == 0)
        return; /* not inside any visible tree: nothing to hide */
    if (lstat(path, &st) < 0)
        return; /* absent: nothing to hide, and the tree is read-only or the name is free */
    if (S_ISLNK(st.st_mode)) {
        add_note(plan, xasprintf("%s is a symlink: the path it points to is masked as seen "
                                 "inside the sandbox (%s)", path, why));
    }
    if (find_op(plan, path))
        return;
    add_op(plan, path, MK_MASK, why)->is_dir = S_ISDIR(st.st_mode);
}

/* Where a protected name does not exist yet, its first missing component
 * gets an empty placeholder for the length of the run, mounted read-only:
 * a missing .git then cannot be created inside (lift with
 * unprotected_paths), and nothing is left on the host afterwards. */
static void add_gap(struct fs_plan *plan, char *gap)
{
    plan->gaps = xrealloc(plan->gaps, (plan->n_gaps + 1) * sizeof *plan->gaps);
    plan->gaps[plan->n_gaps++] = gap;
}

static void add_placeholder(struct fs_plan *plan, const char *rel, const char *full, bool dir)
{
    plan->placeholders =
        xrealloc(plan->placeholders, (plan->n_placeholders + 1) * sizeof *plan->placeholders);
    /* A .git/commondir must be readable by git: "." names the repository
     * itself, which is what git assumes without one. */
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    plan->placeholders[plan->n_placeholders++] = (struct placeholder){
        .path = xstrdup(rel),
        .is_dir = dir,
        .content = !dir && !strcmp(base, "commondir") ? ".\n" : NULL,
    };
    add_op(plan, full, MK_PROTECT, "protected persistence path")->is_dir = dir;
}

/* A denied path is hidden where it leads too: /bin/x is /usr/bin/x on a
 * merged-/usr system, ~/.ssh is /var/home/u/.ssh when /home is a link. */
static void denied_resolved_cb(struct fs_plan *plan, const char *path, const char *why, void *d)
{
    denied_cb(plan, path, why, d);
    _cleanup_free_ char *real = realpath(path, NULL);
    if (real && strcmp(real, path) != 0)
        denied_cb(plan, real, why, d);
}

static void add_protected(struct fs_plan *plan, const struct policy *p)
{
    if (!plan->workspace_writable)
        return;
    for (size_t i = 0; policy_protected_paths[i]; i++) {
        const char *name = policy_protected_paths[i];
        if (str_list_contains(&p->fs.unprotected, name))
            continue;
        _cleanup_free_ char *rel = xstrdup(name);
        bool is_dir = protected_is_dir(name);
        for (char *slash = rel;; slash++) {
            slash = strchr(slash, '/');
            if (slash)
                *slash = '\0';
            _cleanup_free_ char *full = path_join(plan->workspace, rel);
            struct stat st;
            bool last = slash == NULL;
            bool exists = lstat(full, &st) == 0;
            if (exists && S_ISLNK(st.st_mode)) {
                /* A link name cannot be a mount point: the sandbox could
                 * remove or re-point it. Its target is protected as the
                 * sandbox resolves it; the name itself is a gap. */
                _cleanup_free_ char *whole = path_join(plan->workspace, name);
                if (!find_op(plan, whole))
                    add_op(plan, whole, MK_PROTECT, "protected persistence path")->is_dir = is_dir;
                add_gap(plan, xasprintf("%s is a symlink: the name cannot be protected (replace "
                                        "the link by what it points to, or list %s in "
                                        "unprotected_paths)", full, name));
                break;
            }
            if (exists && !last && S_ISDIR(st.st_mode)) {
                /* mv .git .git-old; mkdir -p .git/hooks would walk around
                 * the protection: a mount point cannot move. */
                if (!find_op(plan, full))
                    add_op(plan, full, MK_PIN, "parent of a protected path")->is_dir = true;
                *slash = '/';
                continue;
            }
            if (exists) {
                /* The name itself, or a file where a directory would be
                 * (a worktree's .git file pointing at its gitdir). */
                if (!find_op(plan, full))
                    add_op(plan, full, MK_PROTECT, "protected persistence path")->is_dir =
                        S_ISDIR(st.st_mode);
                break;
            }
            /* A directory we cannot write in, the sandbox cannot either
             * (same uid, no capabilities): nothing to protect there. */
            _cleanup_free_ char *parent = xstrdup(full);
            *strrchr(parent, '/') = '\0';
            if (access(parent, W_OK) < 0)
                break;
            if (!find_op(plan, full))
                add_placeholder(plan, rel, full, last ? is_dir : true);
            break;
        }
    }
}

/* Read-only binds, masks and protected paths inside a writable tree: each
 * directory between the tree's root and them is pinned, or renaming one
 * would carry the protection away and free the name. */
static void pin_inside_writable(struct fs_plan *plan)
{
    size_t n = plan->n_ops;
    for (size_t i = 0; i < n; i++) {
        enum mount_kind k = plan->ops[i].kind;
        if (k != MK_BIND_RO && k != MK_MASK && k != MK_PROTECT)
            continue;
        _cleanup_free_ char *path = xstrdup(plan->ops[i].path);
        const struct mount_op *rw = NULL;
        for (size_t j = 0; j < plan->n_ops; j++) {
            const struct mount_op *o = &plan->ops[j];
            if (o->kind == MK_BIND_RW && path_has_prefix(path, o->path) &&
                strcmp(path, o->path) != 0 && (!rw || strlen(o->path) > strlen(rw->path)))
                rw = o;
        }
        if (rw) {
            _cleanup_free_ char *root = xstrdup(rw->path);
            pin_parents(plan, root, path, "parent of a read-only or hidden path");
        }
    }
}

static int op_depth_cmp(const void *a, const void *b)
{
    const struct mount_op *x = a, *y = b;
    /* Parents before children; a shorter path can never lie under a longer one. */
    size_t lx = strlen(x->path), ly = strlen(y->path);
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* A bind inside a tree already bound the same way, with no mask between,
 * adds nothing but start-up time. Ops are sorted parents first. */
static void drop_redundant_binds(struct fs_plan *plan)
{
    size_t o = 0;
    for (size_t i = 0; i < plan->n_ops; i++) {
        struct mount_op *op = &plan->ops[i];
        const struct mount_op *nearest = NULL;
        for (size_t j = 0; j < o; j++)
            if (path_has_prefix(op->path, plan->ops[j].path) &&
                (!nearest || strlen(plan->ops[j].path) > strlen(nearest->path)))
                nearest = &plan->ops[j];
        if ((op->kind == MK_BIND_RO || op->kind == MK_BIND_RW) && nearest &&
            nearest->kind == op->kind) {
            free(op->path);
            free(op->target);
            continue;
        }
        plan->ops[o++] = *op;
    }
    plan->n_ops = o;
}

int fs_plan_build(const struct policy *p, struct fs_plan *plan)
{
    *plan = (struct fs_plan){0};
    plan->workspace = path_normalize(p->fs.workspace);
    plan->workspace_writable = p->fs.workspace_writable;
    plan->temp = path_normalize(p->fs.temp_path);
    plan->temp_size_mb = p->fs.temp_size_mb;
    bool cs = p->enforcement.case_sensitive;

    struct stat st;
    if (stat(plan->workspace, &st) < 0 || !S_ISDIR(st.st_mode)) {
        log_error("workspace %s (%s): %s", plan->workspace,
                  p->fs.workspace_origin.where ? p->fs.workspace_origin.where : "built-in",
                  errno ? strerror(errno) : "not a directory");
        return -ENOENT;
    }

    if (plan->workspace_writable) {
        plan->writable_roots = xrealloc(plan->writable_roots, sizeof(char *));
        plan->writable_roots[plan->n_writable_roots++] = xstrdup(plan->workspace);
    }
    for (size_t i = 0; i < p->fs.writable.n; i++) {
        char *root = strip_globstar(p->fs.writable.v[i]);
        plan->writable_roots = xrealloc(plan->writable_roots,
                                        (plan->n_writable_roots + 1) * sizeof(char *));
        plan->writable_roots[plan->n_writable_roots++] = root;
    }

    int mode = 0;
    for (size_t i = 0; i < p->fs.allowed.n; i++)
        expand_pattern(plan, p->fs.allowed.v[i], cs, p->fs.allowed.origin[i].where, visible_cb,
                       &mode);
    mode = 2;
    for (size_t i = 0; i < p->fs.writable.n; i++)
        expand_pattern(plan, p->fs.writable.v[i], cs, p->fs.writable.origin[i].where,
                       visible_cb, &mode);
    mode = 1;
    for (size_t i = 0; i < p->fs.readonly.n; i++)
        expand_pattern(plan, p->fs.readonly.v[i], cs, p->fs.readonly.origin[i].where,
                       visible_cb, &mode);
    /* A workspace listed in readonly_paths is read-only: the stricter word wins. */
    for (size_t i = 0; i < p->fs.readonly.n; i++) {
        _cleanup_free_ char *base = strip_globstar(p->fs.readonly.v[i]);
        if (strcmp(base, plan->workspace) == 0)
            plan->workspace_writable = false;
    }
    add_visible(plan, plan->workspace, plan->workspace_writable, "workspace", 0);
    struct mount_op *ws = find_op(plan, plan->workspace);
    if (ws)
        ws->kind = plan->workspace_writable ? MK_BIND_RW : MK_BIND_RO;
    add_op(plan, plan->temp, MK_TMPFS, "temp_directory");

    for (size_t i = 0; elf_loaders[i]; i++)
        if (lstat(elf_loaders[i], &st) == 0)
            add_visible(plan, elf_loaders[i], false, "ELF loader (implicit)", 1);

    if (!covering_op(plan, "/etc"))
        plan->synthetic_etc = true;
    for (size_t i = 0; i < p->fs.denied.n; i++)
        expand_pattern(plan, p->fs.denied.v[i], cs, p->fs.denied.origin[i].where,
                       denied_resolved_cb, NULL);
    if (plan->synthetic_etc) {
        /* A host /etc bind must not survive next to the synthetic one. */
        for (size_t i = 0; i < plan->n_ops; i++)
            if (path_has_prefix(plan->ops[i].path, "/etc") && plan->ops[i].kind != MK_SYMLINK)
                plan->ops[i].kind = MK_MASK;
    }
    add_protected(plan, p);
    pin_inside_writable(plan);
    qsort(plan->ops, plan->n_ops, sizeof *plan->ops, op_depth_cmp);
    drop_redundant_binds(plan);
    return 0;
}

static int open_beneath(int dirfd, const char *rel, int flags)
{
    struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC),
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof how);
    return fd < 0 ? -errno : fd;
}

/* Placeholders are created relative to the workspace and never through a
 * symlink that leads out of it: set-up must not write where an attacker
 * pointed it. */
/* Each directory between a writable tree's root and path is pinned, so
 * that renaming one cannot put another copy where the path was. */
static void pin_parents(struct fs_plan *plan, const char *root, const char *path,
                        const char *why)
{
    _cleanup_free_ char *walk = xstrdup(path);
    for (char *slash = walk + strlen(root) + 1; (slash = strchr(slash, '/')); slash++) {
        *slash = '\0';
        if (!find_op(plan, walk))
            add_op(plan, walk, MK_PIN, why)->is_dir = true;
        *slash = '/';
    }
}

int fs_plan_protect_file(struct fs_plan *plan, const char *path, const char *why)
{
    _cleanup_free_ char *real = realpath(path, NULL);
    if (!real)
        return -errno;
    if (!plan->workspace_writable || !path_has_prefix(real, plan->workspace) ||
        strcmp(real, plan->workspace) == 0)
        return 0; /* read-only where it is, or not visible at all */
    pin_parents(plan, plan->workspace, real, why);
    struct mount_op *op = find_op(plan, real);
    if (op)
        op->kind = MK_PROTECT;
    else
        add_op(plan, real, MK_PROTECT, why);
    qsort(plan->ops, plan->n_ops, sizeof *plan->ops, op_depth_cmp);
    return 0;
}

/* The path as the sandbox resolves the symlinks the plan recreated
 * (/lib -> usr/lib): a verdict is about where a name leads. */
static char *through_plan_symlinks(const struct fs_plan *plan, const char *path)
{
    char *cur = xstrdup(path);
    for (int hops = 0; hops < 8; hops++) {
        const struct mount_op *link = NULL;
        for (size_t i = 0; i < plan->n_ops && !link; i++)
            if (plan->ops[i].kind == MK_SYMLINK && path_has_prefix(cur, plan->ops[i].path))
                link = &plan->ops[i];
        if (!link)
            break;
        _cleanup_free_ char *target = resolve_link(link->path, link->target);
        char *next = xasprintf("%s%s", target, cur + strlen(link->path));
        free(cur);
        cur = path_normalize(next);
        free(next);
    }
    return cur;
}

const char *fs_plan_verdict(const struct fs_plan *plan, const char *path_in, bool write,
                            const char **rule)
{
    _cleanup_free_ char *path = through_plan_symlinks(plan, path_in);
    if (path_has_prefix(path, "/proc") || path_has_prefix(path, "/dev")) {
        *rule = "the sandbox's own /proc and /dev";
        return "allow";
    }
    if (plan->synthetic_etc && path_has_prefix(path, "/etc")) {
        *rule = "synthetic /etc";
        return write ? "deny" : "allow";
    }
    const struct mount_op *best = NULL;
    for (size_t i = 0; i < plan->n_ops; i++) {
        const struct mount_op *op = &plan->ops[i];
        if (op->kind != MK_SYMLINK && path_has_prefix(path, op->path) &&
            (!best || strlen(op->path) > strlen(best->path)))
            best = op;
    }
    if (!best) {
        *rule = "not visible in the sandbox";
        return "deny";
    }
    *rule = best->why;
    switch (best->kind) {
    case MK_MASK: return "deny";
    case MK_PROTECT:
    case MK_BIND_RO: return write ? "deny" : "allow";
    default: return "allow";
    }
}

int fs_plan_hide(struct fs_plan *plan, const char *path, const char *why)
{
    const struct mount_op *cover = covering_op(plan, path);
    if (!cover || cover->kind == MK_TMPFS)
        return 0; /* not visible inside, or behind the private tmpfs */
    if (strcmp(cover->path, path) == 0)
        return -EBUSY; /* the visible tree itself: cannot be hidden and kept */
    struct stat st;
    if (lstat(path, &st) < 0)
        return -errno;
    if (cover->kind == MK_BIND_RW)
        pin_parents(plan, cover->path, path, why);
    struct mount_op *op = find_op(plan, path);
    if (op)
        op->kind = MK_MASK;
    else
        add_op(plan, path, MK_MASK, why)->is_dir = S_ISDIR(st.st_mode);
    qsort(plan->ops, plan->n_ops, sizeof *plan->ops, op_depth_cmp);
    return 0;
}

int fs_plan_create_placeholders(struct fs_plan *plan, placeholder_cb created, void *data)
{
    if (!plan->n_placeholders)
        return 0;
    _cleanup_close_ int ws = open(plan->workspace, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (ws < 0)
        return -errno;
    for (size_t i = 0; i < plan->n_placeholders; i++) {
        struct placeholder *ph = &plan->placeholders[i];
        _cleanup_free_ char *parent = xstrdup(ph->path);
        char *slash = strrchr(parent, '/');
        const char *base = slash ? slash + 1 : parent;
        if (slash)
            *slash = '\0';
        _cleanup_close_ int dir = slash ? open_beneath(ws, parent, O_PATH | O_DIRECTORY)
                                        : fcntl(ws, F_DUPFD_CLOEXEC, 3);
        int r = dir < 0 ? dir : 0;
        if (r == 0 && ph->is_dir) {
            r = mkdirat(dir, base, 0755) < 0 ? -errno : 0;
        } else if (r == 0) {
            int fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
            r = fd < 0 ? -errno : 0;
            if (fd >= 0 && ph->content)
                r = write_all(fd, ph->content, strlen(ph->content));
            if (fd >= 0)
                close(fd);
        }
        struct stat st;
        if (r == 0 && fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
            r = -errno;
        if (r < 0) {
            log_errno(-r, "protect %s/%s", plan->workspace, ph->path);
            return r;
        }
        ph->dev = st.st_dev;
        ph->ino = st.st_ino;
        if (created)
            created(plan, ph, data);
    }
    return 0;
}

bool placeholder_unchanged(int dirfd, const char *path, const char *content,
                           const struct stat *st)
{
    size_t want = content ? strlen(content) : 0;
    if ((size_t)st->st_size != want)
        return false;
    if (!want)
        return true;
    char buf[16];
    _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    return fd >= 0 && want <= sizeof buf && read(fd, buf, want) == (ssize_t)want &&
           memcmp(buf, content, want) == 0;
}

void fs_plan_remove_placeholders(struct fs_plan *plan)
{
    _cleanup_close_ int ws = open(plan->workspace, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (ws < 0)
        return;
    for (size_t i = plan->n_placeholders; i-- > 0;) {
        struct placeholder *ph = &plan->placeholders[i];
        struct stat st;
        if (!ph->ino || fstatat(ws, ph->path, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            st.st_dev != ph->dev || st.st_ino != ph->ino)
            continue;
        /* Never delete what somebody put there in the meantime: rmdir only
         * removes an empty directory, and a file must still hold what we
         * wrote. */
        if (ph->is_dir)
            unlinkat(ws, ph->path, AT_REMOVEDIR);
        else if (S_ISREG(st.st_mode) && placeholder_unchanged(ws, ph->path, ph->content, &st))
            unlinkat(ws, ph->path, 0);
        ph->ino = 0;
    }
}

void fs_plan_free(struct fs_plan *plan)
{
    for (size_t i = 0; i < plan->n_ops; i++) {
        free(plan->ops[i].path);
        free(plan->ops[i].target);
    }
    free(plan->ops);
    for (size_t i = 0; i < plan->n_placeholders; i++)
        free(plan->placeholders[i].path);
    free(plan->placeholders);
    for (size_t i = 0; i < plan->n_notes; i++)
        free(plan->notes[i]);
    free(plan->notes);
    for (size_t i = 0; i < plan->n_gaps; i++)
        free(plan->gaps[i]);
    free(plan->gaps);
    for (size_t i = 0; i < plan->n_writable_roots; i++)
        free(plan->writable_roots[i]);
    free(plan->writable_roots);
    free(plan->workspace);
    free(plan->temp);
    *plan = (struct fs_plan){0};
}
