/* The Landlock layer: the same allow-list as the mount view, enforced by
 * the kernel's LSM a second time, and the only file layer when namespaces
 * are unavailable. Best effort down to ABI 1: rights a kernel does not know
 * are left out, and `check` reports what that costs. Constants are spelled
 * out here because distribution headers lag the kernel (ABI 4-6 fields). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/landlock.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1

#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_REMOVE_DIR (1ULL << 4)
#define LL_FS_REMOVE_FILE (1ULL << 5)
#define LL_FS_MAKE_CHAR (1ULL << 6)
#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_REG (1ULL << 8)
#define LL_FS_MAKE_SOCK (1ULL << 9)
#define LL_FS_MAKE_FIFO (1ULL << 10)
#define LL_FS_MAKE_BLOCK (1ULL << 11)
#define LL_FS_MAKE_SYM (1ULL << 12)
#define LL_FS_REFER (1ULL << 13)    /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14) /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
#define LL_NET_BIND_TCP (1ULL << 0)  /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ULL << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ULL << 1)

struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

struct ll_path_beneath {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

#define LL_READ (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
#define LL_WRITE                                                                             \
    (LL_FS_WRITE_FILE | LL_FS_REMOVE_DIR | LL_FS_REMOVE_FILE | LL_FS_MAKE_DIR |              \
     LL_FS_MAKE_REG | LL_FS_MAKE_SOCK | LL_FS_MAKE_FIFO | LL_FS_MAKE_SYM | LL_FS_REFER |     \
     LL_FS_TRUNCATE)

int landlock_abi_version(void)
{
    long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    return v < 0 ? 0 : (int)v;
}

static uint64_t fs_rights_for_abi(int abi)
{
    uint64_t all = LL_READ | LL_WRITE | LL_FS_MAKE_CHAR | LL_FS_MAKE_BLOCK | LL_FS_IOCTL_DEV;
    if (abi < 2)
        all &= ~LL_FS_REFER;
    if (abi < 3)
        all &= ~LL_FS_TRUNCATE;
    if (abi < 5)
        all &= ~LL_FS_IOCTL_DEV;
    return all;
}

struct ruleset {
    int fd;
    uint64_t handled;
};

/* Allow `access` beneath path; a path absent on this host is skipped. */
static int allow_path(struct ruleset *rs, const char *path, uint64_t access)
{
    _cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -errno;
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -errno;
    access &= rs->handled;
    if (!S_ISDIR(st.st_mode)) /* directory-only rights are refused on files */
        access &= LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE |
                  LL_FS_IOCTL_DEV;
    struct ll_path_beneath pb = {.allowed_access = access, .parent_fd = fd};
    if (syscall(SYS_landlock_add_rule, rs->fd, LL_RULE_PATH_BENEATH, &pb, 0) < 0)
        return -errno;
    return 0;
}

/* The devices every program writes to, in both modes. */
static int allow_terminal_devices(struct ruleset *rs)
{
    static const char *const dev_rw[] = {"/dev/null", "/dev/zero", "/dev/full", "/dev/tty",
                                         "/dev/ptmx", "/dev/pts", NULL};
    int r;
    for (size_t i = 0; dev_rw[i]; i++)
        if ((r = allow_path(rs, dev_rw[i], LL_READ | LL_FS_WRITE_FILE | LL_FS_TRUNCATE |
                                               LL_FS_IOCTL_DEV)) < 0)
            return r;
    return 0;
}

static int add_namespace_rules(struct ruleset *rs, const struct sandbox_config *cfg)
{
    int r;
    /* Everything in the new root is there because the policy allows it;
     * masks are unreadable by their mode. Landlock's job here is writes. */
    if ((r = allow_path(rs, "/", LL_READ)) < 0)
        return r;
    for (size_t i = 0; i < cfg->plan.n_ops; i++) {
        const struct mount_op *op = &cfg->plan.ops[i];
        if (op->kind == MK_BIND_RW || op->kind == MK_TMPFS)
            if ((r = allow_path(rs, op->path, LL_READ | LL_WRITE)) < 0)
                return r;
    }
    if ((r = allow_terminal_devices(rs)) < 0)
        return r;
    if ((r = allow_path(rs, "/dev/shm", LL_READ | LL_WRITE)) < 0)
        return r;
    /* /proc/self/... knobs (oom_score_adj, comm); /proc/sys is a read-only mount. */
    return allow_path(rs, "/proc", LL_READ | LL_FS_WRITE_FILE);
}

static int add_host_rules(struct ruleset *rs, const struct sandbox_config *cfg)
{
    int r;
    /* The plan is the one list of what is visible: globs expanded, symlink
     * chains followed on the host, a link planted in a writable tree
     * refused. Rules are never made from the raw policy patterns. */
    for (size_t i = 0; i < cfg->plan.n_ops; i++) {
        const struct mount_op *op = &cfg->plan.ops[i];
        if (op->kind == MK_BIND_RO && (r = allow_path(rs, op->path, LL_READ)) < 0)
            return r;
        if (op->kind == MK_BIND_RW && (r = allow_path(rs, op->path, LL_READ | LL_WRITE)) < 0)
            return r;
    }
    if (cfg->hosts_tmp && (r = allow_path(rs, cfg->hosts_tmp, LL_READ | LL_WRITE)) < 0)
        return r;
    if ((r = allow_terminal_devices(rs)) < 0)
        return r;
    if ((r = allow_path(rs, "/dev/urandom", LL_READ)) < 0 ||
        (r = allow_path(rs, "/dev/random", LL_READ)) < 0)
        return r;
    /* Without a PID namespace /proc is the host's: programs need their own
     * entries; other processes' are still shown (a reported gap). */
    return allow_path(rs, "/proc", LL_READ);
}

int landlock_apply(const struct sandbox_config *cfg)
{
    int abi = cfg->landlock_abi;
    if (abi <= 0)
        return 0;
    struct ll_ruleset_attr attr = {.handled_access_fs = fs_rights_for_abi(abi)};
    size_t attr_size = sizeof attr.handled_access_fs;
    if (abi >= 4 && !cfg->use_namespaces && cfg->policy->network.mode != NET_MODE_HOST) {
        /* No network namespace: refuse every TCP bind and connect. */
        attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
        attr_size = offsetof(struct ll_ruleset_attr, scoped);
    }
    if (abi >= 6) {
        attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
        attr_size = sizeof attr;
    }
    struct ruleset rs = {.handled = attr.handled_access_fs};
    rs.fd = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
    if (rs.fd < 0)
        return -errno;
    int r = cfg->use_namespaces ? add_namespace_rules(&rs, cfg) : add_host_rules(&rs, cfg);
    if (r == 0 && syscall(SYS_landlock_restrict_self, rs.fd, 0) < 0)
        r = -errno;
    close(rs.fd);
    return r;
}
