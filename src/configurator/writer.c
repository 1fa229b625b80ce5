/* Safe creation of the init artefacts. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "configurator/writer.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

char *init_display_path(const char *shown, const char *dir, const char *name)
{
    const char *prefix = strcmp(shown, ".") ? shown : "";
    size_t n = strlen(prefix);
    const char *slash = !n || prefix[n - 1] == '/' ? "" : "/";
    return xasprintf("%s%s" INIT_TOP_DIR "%s%s%s%s", prefix, slash, dir ? "/" : "",
                     dir ? dir : "", name ? "/" : "", name ? name : "");
}

/* Open a directory below parent without following a symlink; create it
 * first when asked. Returns the fd, -ENOENT when absent (not creating),
 * or another -errno (reported). */
static int open_dir(int parent, const char *name, bool create, const char *shown_path)
{
    if (create && mkdirat(parent, name, 0755) < 0 && errno != EEXIST) {
        int e = errno;
        log_errno(e, "init: %s: cannot create directory", shown_path);
        return -e;
    }
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        return fd;
    int e = errno;
    if (e == ENOENT && !create)
        return -ENOENT;
    if (e == ELOOP || e == ENOTDIR)
        log_error("init: %s: is a symlink or not a directory; refusing to use it "
                  "(remove it first)", shown_path);
    else
        log_errno(e, "init: %s", shown_path);
    return -e;
}

static int check_file(int dfd, const char *shown, const struct init_file *f, bool force)
{
    _cleanup_free_ char *path = init_display_path(shown, f->dir, f->name);
    struct stat st;
    if (fstatat(dfd, f->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT)
            return 0;
        log_errno(errno, "init: %s", path);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        log_error("init: %s: is a directory; not replacing it", path);
        return -1;
    }
    if (!force) {
        log_error("init: %s: already exists; not overwriting it (use --force)", path);
        return -1;
    }
    return 0;
}

int init_files_check(int rootfd, const char *shown, const struct init_file *v, size_t n,
                     bool force)
{
    _cleanup_free_ char *top_shown = init_display_path(shown, NULL, NULL);
    _cleanup_close_ int top = open_dir(rootfd, INIT_TOP_DIR, false, top_shown);
    if (top == -ENOENT)
        return 0;
    if (top < 0)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        _cleanup_free_ char *dir_shown = init_display_path(shown, v[i].dir, NULL);
        _cleanup_close_ int dfd = open_dir(top, v[i].dir, false, dir_shown);
        if (dfd == -ENOENT)
            continue;
        if (dfd < 0 || check_file(dfd, shown, &v[i], force) < 0)
            bad = -1;
    }
    return bad;
}

static int write_new(int dfd, const char *name, const char *text, const char *path)
{
    _cleanup_close_ int fd =
        openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            log_error("init: %s: already exists; not overwriting it (use --force)", path);
        else
            log_errno(errno, "init: %s: cannot create", path);
        return -1;
    }
    int r = write_all(fd, text, strlen(text));
    if (r < 0) {
        log_errno(-r, "init: %s: cannot write", path);
        return -1;
    }
    return 0;
}

/* A new file beside the old one, renamed over it: the old name's target,
 * even a symlink's, is never opened. */
static int replace(int dfd, const char *name, const char *text, const char *path)
{
    static unsigned counter;
    _cleanup_free_ char *tmp = xasprintf(".%s.%ld.%u.tmp", name, (long)getpid(), counter++);
    if (write_new(dfd, tmp, text, path) < 0)
        return -1;
    if (renameat(dfd, tmp, dfd, name) < 0) {
        log_errno(errno, "init: %s: cannot replace", path);
        unlinkat(dfd, tmp, 0);
        return -1;
    }
    return 0;
}

int init_files_write(int rootfd, const char *shown, const struct init_file *v, size_t n,
                     const char *const *extra_dirs, bool force, bool quiet)
{
    _cleanup_free_ char *top_shown = init_display_path(shown, NULL, NULL);
    _cleanup_close_ int top = open_dir(rootfd, INIT_TOP_DIR, true, top_shown);
    if (top < 0)
        return -1;
    for (size_t i = 0; extra_dirs && extra_dirs[i]; i++) {
        _cleanup_free_ char *dir_shown = init_display_path(shown, extra_dirs[i], NULL);
        _cleanup_close_ int dfd = open_dir(top, extra_dirs[i], true, dir_shown);
        if (dfd < 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++) {
        _cleanup_free_ char *dir_shown = init_display_path(shown, v[i].dir, NULL);
        _cleanup_free_ char *path = init_display_path(shown, v[i].dir, v[i].name);
        _cleanup_close_ int dfd = open_dir(top, v[i].dir, true, dir_shown);
        if (dfd < 0)
            return -1;
        struct stat st;
        bool existed = fstatat(dfd, v[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0;
        int r = force ? replace(dfd, v[i].name, v[i].text, path)
                      : write_new(dfd, v[i].name, v[i].text, path);
        if (r < 0)
            return -1;
        if (!quiet)
            printf("  %s %s\n", existed ? "replaced" : "created ", path);
    }
    return 0;
}
