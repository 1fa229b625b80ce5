/* Builds the sandbox's root: a fresh tmpfs holding only what the plan lists.
 * Sources are cloned with open_tree() before anything is mounted, and every
 * target is opened with openat2(RESOLVE_IN_ROOT) inside the new root, so a
 * symlink planted in the workspace can only ever point somewhere inside the
 * sandbox's own view, never at the host. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/timing.h"

static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty", NULL};
/* Parts of the fresh /proc that stay read-only, as bubblewrap does. */
static const char *const proc_readonly[] = {"sys", "sysrq-trigger", "irq", "bus", "fs", NULL};

static int open_in_root(int root_fd, const char *path, int flags)
{
    struct open_how how = {
        .flags = (unsigned long long)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    while (*path == '/')
        path++;
    if (!*path)
        path = ".";
    int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof how);
    return fd < 0 ? -errno : fd;
}

static int set_attr(int tree_fd, unsigned int attr, bool recursive)
{
    struct mount_attr a = {.attr_set = attr};
    if (mount_setattr(tree_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a,
                      sizeof a) < 0)
        return -errno;
    return 0;
}

static int attach(int tree_fd, int target_fd)
{
    if (move_mount(tree_fd, "", target_fd, "",
                   MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return -errno;
    return 0;
}

/* A new, detached tmpfs. */
static int new_tmpfs(const char *options)
{
    _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -errno;
    _cleanup_free_ char *opts = xstrdup(options);
    char *save = NULL;
    for (char *kv = strtok_r(opts, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (eq)
            *eq = '\0';
        if (fsconfig(fs, FSCONFIG_SET_STRING, kv, eq ? eq + 1 : NULL, 0) < 0)
            return -errno;
    }
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -errno;
    int m = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
    return m < 0 ? -errno : m;
}

/* Make the mount point for path: a directory or an empty file, creating
 * parents inside the staging tmpfs. Existing paths are used as they are. */
static int make_mount_point(int root_fd, const char *path, bool is_dir)
{
    int fd = open_in_root(root_fd, path, O_PATH);
    if (fd >= 0)
        return fd;
    if (fd != -ENOENT)
        return fd;
    _cleanup_free_ char *parent = xstrdup(path);
    char *slash = strrchr(parent, '/');
    *slash = '\0';
    int r = mkdir_p_at(root_fd, parent[0] ? parent + 1 : ".", 0755);
    if (r < 0)
        return r;
    const char *rel = path + 1;
    if (is_dir) {
        if (mkdirat(root_fd, rel, 0755) < 0 && errno != EEXIST)
            return -errno;
    } else {
        int f = openat(root_fd, rel, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0444);
        if (f < 0 && errno != EEXIST)
            return -errno;
        if (f >= 0)
            close(f);
    }
    return open_in_root(root_fd, path, O_PATH);
}

static int staging_dir(const char **out)
{
    static const char *const candidates[] = {"/tmp", "/run", "/mnt", "/var/tmp", NULL};
    struct stat st;
    for (size_t i = 0; candidates[i]; i++)
        if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            *out = candidates[i];
            return 0;
        }
    return -ENOENT;
}

struct ctx {
    int root_fd;
    int empty_fd;       /* directory of a tiny tmpfs holding the mask sources */
    int *src;           /* pre-cloned bind sources, per op */
    int dev_src[8];
    char **late_ro;     /* mounts made read-only once everything below exists */
    size_t n_late_ro;
};

static bool has_ops_below(const struct sandbox_config *cfg, size_t i)
{
    const char *p = cfg->plan.ops[i].path;
    for (size_t j = i + 1; j < cfg->plan.n_ops; j++)
        if (path_has_prefix(cfg->plan.ops[j].path, p))
            return true;
    return false;
}

static int mask_source(struct ctx *c, bool is_dir)
{
    /* Mode 0000 and read-only: reading fails with EACCES even for a uid
     * that owns it, since nothing in the sandbox keeps CAP_DAC_*. */
    const char *name = is_dir ? "d" : "f";
    int tree = open_tree(c->empty_fd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    if (tree < 0)
        return -errno;
    int r = set_attr(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                               MOUNT_ATTR_NOEXEC, false);
    if (r < 0) {
        close(tree);
        return r;
    }
    return tree;
}

static int apply_op(struct ctx *c, const struct sandbox_config *cfg, size_t i)
{
    const struct mount_op *op = &cfg->plan.ops[i];
    int r;
    switch (op->kind) {
    case MK_SYMLINK: {
        _cleanup_close_ int existing = open_in_root(c->root_fd, op->path, O_PATH | O_NOFOLLOW);
        if (existing >= 0)
            return 0; /* already reachable through a visible parent */
        _cleanup_free_ char *parent = xstrdup(op->path);
        *strrchr(parent, '/') = '\0';
        if (parent[0] && (r = mkdir_p_at(c->root_fd, parent + 1, 0755)) < 0)
            return r;
        if (symlinkat(op->target, c->root_fd, op->path + 1) < 0 && errno != EEXIST)
            return -errno;
        return 0;
    }
    case MK_BIND_RO:
    case MK_BIND_RW: {
        struct stat st;
        if (fstat(c->src[i], &st) < 0)
            return -errno;
        _cleanup_close_ int target = make_mount_point(c->root_fd, op->path, S_ISDIR(st.st_mode));
        if (target < 0)
            return target;
        return attach(c->src[i], target);
    }
    case MK_MASK: {
        _cleanup_close_ int target = open_in_root(c->root_fd, op->path, O_PATH);
        if (target == -ENOENT)
            return 0; /* gone, or a dangling link: nothing to hide */
        if (target < 0)
            return target;
        struct stat st;
        if (fstat(target, &st) < 0)
            return -errno;
        if (S_ISDIR(st.st_mode) && has_ops_below(cfg, i)) {
            /* Visible trees lie below (a workspace under a denied /home):
             * traversable to reach them, not listable, read-only at the end. */
            _cleanup_close_ int tree = new_tmpfs("mode=0711,size=64k,nr_inodes=1024");
            if (tree < 0)
                return tree;
            if ((r = attach(tree, target)) < 0)
                return r;
            c->late_ro[c->n_late_ro++] = xstrdup(op->path);
            return 0;
        }
        _cleanup_close_ int tree = mask_source(c, S_ISDIR(st.st_mode));
        if (tree < 0)
            return tree;
        return attach(tree, target);
    }
    case MK_PROTECT:
    case MK_PIN: {
        _cleanup_close_ int target = open_in_root(c->root_fd, op->path, O_PATH);
        if (target == -ENOENT)
            return 0;
        if (target < 0)
            return target;
        /* Bind the path onto itself: read-only for a protected path (its
         * content stays visible), as it was for a pinned parent. */
        _cleanup_close_ int tree = open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                             AT_EMPTY_PATH | AT_RECURSIVE);
        if (tree < 0)
            return -errno;
        unsigned int attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
        if (op->kind == MK_PROTECT)
            attr |= MOUNT_ATTR_RDONLY;
        if ((r = set_attr(tree, attr, op->kind == MK_PROTECT)) < 0)
            return r;
        return attach(tree, target);
    }
    case MK_TMPFS: {
        _cleanup_free_ char *opts = xasprintf("mode=1777,size=%lluM,nr_inodes=%llu",
                                              (unsigned long long)cfg->plan.temp_size_mb,
                                              (unsigned long long)cfg->plan.temp_size_mb * 256 + 1024);
        _cleanup_close_ int tree = new_tmpfs(opts);
        if (tree < 0)
            return tree;
        _cleanup_close_ int target = make_mount_point(c->root_fd, op->path, true);
        if (target < 0)
            return target;
        return attach(tree, target);
    }
    }
    return -EINVAL;
}

static int mount_proc(struct ctx *c)
{
    _cleanup_close_ int target = make_mount_point(c->root_fd, "/proc", true);
    if (target < 0)
        return target;
    _cleanup_close_ int fs = fsopen("proc", FSOPEN_CLOEXEC);
    if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -errno;
    _cleanup_close_ int tree =
        fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (tree < 0)
        return -errno;
    int r = attach(tree, target);
    if (r < 0)
        return r;
    for (size_t i = 0; proc_readonly[i]; i++) {
        _cleanup_free_ char *p = xasprintf("/proc/%s", proc_readonly[i]);
        _cleanup_close_ int t = open_in_root(c->root_fd, p, O_PATH);
        if (t < 0)
            continue;
        _cleanup_close_ int self = open_tree(t, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                                        AT_EMPTY_PATH | AT_RECURSIVE);
        if (self < 0 || set_attr(self, MOUNT_ATTR_RDONLY, true) < 0 || attach(self, t) < 0)
            return -errno ? -errno : -EIO;
    }
    return 0;
}

static int mount_dev(struct ctx *c, const struct sandbox_config *cfg)
{
    int r;
    _cleanup_close_ int target = make_mount_point(c->root_fd, "/dev", true);
    if (target < 0)
        return target;
    _cleanup_close_ int tree = new_tmpfs("mode=0755,size=64k,nr_inodes=64");
    if (tree < 0)
        return tree;
    if ((r = attach(tree, target)) < 0)
        return r;
    _cleanup_close_ int dev = open_in_root(c->root_fd, "/dev", O_DIRECTORY | O_RDONLY);
    if (dev < 0)
        return dev;
    for (size_t i = 0; dev_nodes[i]; i++) {
        if (c->dev_src[i] < 0)
            continue; /* /dev/tty may be absent on a host without one */
        int f = openat(dev, dev_nodes[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
        if (f < 0)
            return -errno;
        close(f);
        _cleanup_close_ int t = openat(dev, dev_nodes[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (t < 0 || (r = attach(c->dev_src[i], t)) < 0)
            return t < 0 ? -errno : r;
    }
    if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0)
        return -errno;
    _cleanup_close_ int fs = fsopen("devpts", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -errno;
    if (fsconfig(fs, FSCONFIG_SET_FLAG, "newinstance", NULL, 0) < 0 ||
        fsconfig(fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0) < 0 ||
        fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0620", 0) < 0 ||
        fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -errno;
    _cleanup_close_ int pts = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
    _cleanup_close_ int pts_t = openat(dev, "pts", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (pts < 0 || pts_t < 0 || (r = attach(pts, pts_t)) < 0)
        return pts < 0 || pts_t < 0 ? -errno : r;
    _cleanup_free_ char *shm_opts = xasprintf("mode=1777,size=%lluM",
                                              (unsigned long long)cfg->plan.temp_size_mb);
    _cleanup_close_ int shm = new_tmpfs(shm_opts);
    _cleanup_close_ int shm_t = openat(dev, "shm", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (shm < 0 || shm_t < 0)
        return shm < 0 ? shm : -errno;
    if ((r = attach(shm, shm_t)) < 0)
        return r;
    static const char *const links[][2] = {
        {"ptmx", "pts/ptmx"}, {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
        {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(links); i++)
        if (strcmp(links[i][0], "core") != 0 && symlinkat(links[i][1], dev, links[i][0]) < 0)
            return -errno;
    /* Nothing may add device nodes or files to /dev afterwards. */
    _cleanup_close_ int devmnt = open_in_root(c->root_fd, "/dev", O_PATH);
    return set_attr(devmnt, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false);
}

static int mount_etc(struct ctx *c, const struct sandbox_config *cfg)
{
    int r;
    _cleanup_close_ int target = make_mount_point(c->root_fd, "/etc", true);
    if (target < 0)
        return target;
    _cleanup_close_ int tree = new_tmpfs("mode=0755,size=4M,nr_inodes=256");
    if (tree < 0)
        return tree;
    if ((r = attach(tree, target)) < 0)
        return r;
    _cleanup_close_ int etc = open_in_root(c->root_fd, "/etc", O_DIRECTORY | O_RDONLY);
    if (etc < 0)
        return etc;
    if ((r = etc_synth_populate(etc, cfg)) < 0)
        return r;
    _cleanup_close_ int m = open_in_root(c->root_fd, "/etc", O_PATH);
    return set_attr(m, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, false);
}

static int make_mask_sources(struct ctx *c)
{
    _cleanup_close_ int tree = new_tmpfs("mode=0755,size=4k,nr_inodes=8");
    if (tree < 0)
        return tree;
    if (mkdirat(tree, "d", 0) < 0)
        return -errno;
    int f = openat(tree, "f", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0);
    if (f < 0)
        return -errno;
    close(f);
    c->empty_fd = TAKE_FD(tree);
    return 0;
}

int sandbox_build_root(const struct sandbox_config *cfg)
{
    const struct fs_plan *plan = &cfg->plan;
    struct ctx c = {.root_fd = -1, .empty_fd = -1};
    int r = 0;
    const char *stage;

    /* Nothing we mount may propagate to the host, and nothing the host
     * mounts later may appear inside. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return log_errno(errno, "make mounts private"), -errno;

    c.src = xcalloc(plan->n_ops + 1, sizeof *c.src);
    c.late_ro = xcalloc(plan->n_ops + 1, sizeof *c.late_ro);
    for (size_t i = 0; i < plan->n_ops; i++) {
        const struct mount_op *op = &plan->ops[i];
        c.src[i] = -1;
        if (op->kind != MK_BIND_RO && op->kind != MK_BIND_RW)
            continue;
        c.src[i] = open_tree(AT_FDCWD, op->path,
                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
                                 AT_SYMLINK_NOFOLLOW);
        if (c.src[i] < 0) {
            r = -errno;
            log_errno(-r, "bind %s (%s)", op->path, op->why);
            goto out;
        }
        unsigned int attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
        if (op->kind == MK_BIND_RO)
            attr |= MOUNT_ATTR_RDONLY;
        if ((r = set_attr(c.src[i], attr, true)) < 0) {
            log_errno(-r, "make %s %s", op->path, mount_kind_name(op->kind));
            goto out;
        }
    }
    for (size_t i = 0; dev_nodes[i]; i++) {
        _cleanup_free_ char *p = xasprintf("/dev/%s", dev_nodes[i]);
        c.dev_src[i] = open_tree(AT_FDCWD, p, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    }
    if ((r = make_mask_sources(&c)) < 0) {
        log_errno(-r, "create mask sources");
        goto out;
    }

    if ((r = staging_dir(&stage)) < 0) {
        log_error("no directory to build the sandbox root on (tried /tmp, /run, /mnt)");
        goto out;
    }
    if (mount("sandboxctl", stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1M") < 0) {
        r = -errno;
        log_errno(-r, "mount the sandbox root on %s", stage);
        goto out;
    }
    c.root_fd = open(stage, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c.root_fd < 0) {
        r = -errno;
        goto out;
    }
    /* /proc and /dev first: no plan op touches them, and building them
     * fills the time the supervisor needs to prepare the host side. */
    if ((r = mount_proc(&c)) < 0) {
        log_errno(-r, "mount a fresh /proc");
        goto out;
    }
    if ((r = mount_dev(&c, cfg)) < 0) {
        log_errno(-r, "build /dev");
        goto out;
    }
    for (size_t i = 0; i < plan->n_ops; i++) {
        enum mount_kind k = plan->ops[i].kind;
        if ((k == MK_PROTECT || k == MK_PIN) && (r = sandbox_wait_host_ready()) < 0)
            goto out;
        if ((r = apply_op(&c, cfg, i)) < 0) {
            log_errno(-r, "set up %s (%s, %s)", plan->ops[i].path,
                      mount_kind_name(plan->ops[i].kind), plan->ops[i].why);
            goto out;
        }
    }
    for (size_t i = 0; i < c.n_late_ro; i++) {
        _cleanup_close_ int m = open_in_root(c.root_fd, c.late_ro[i], O_PATH);
        if (m < 0 || (r = set_attr(m, MOUNT_ATTR_RDONLY, false)) < 0) {
            r = m < 0 ? m : r;
            log_errno(-r, "make %s read-only", c.late_ro[i]);
            goto out;
        }
    }
    if (plan->synthetic_etc && (r = mount_etc(&c, cfg)) < 0) {
        log_errno(-r, "build the synthetic /etc");
        goto out;
    }
    /* The root itself: read-only, so nothing can be created beside the binds. */
    if ((r = set_attr(c.root_fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
                      false)) < 0) {
        log_errno(-r, "make the sandbox root read-only");
        goto out;
    }
    if (fchdir(c.root_fd) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
        umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
        r = -errno;
        log_errno(-r, "pivot into the sandbox root");
        goto out;
    }
out:
    for (size_t i = 0; i < plan->n_ops; i++)
        if (c.src[i] >= 0)
            close(c.src[i]);
    for (size_t i = 0; dev_nodes[i]; i++)
        if (c.dev_src[i] > 0)
            close(c.dev_src[i]);
    free(c.src);
    for (size_t i = 0; i < c.n_late_ro; i++)
        free(c.late_ro[i]);
    free(c.late_ro);
    if (c.root_fd >= 0)
        close(c.root_fd);
    if (c.empty_fd >= 0)
        close(c.empty_fd);
    return r;
}
