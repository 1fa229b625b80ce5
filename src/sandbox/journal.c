#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/journal.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/runtimedir.h"

#define PREFIX "placeholders."

static char *journal_dir(bool create)
{
    return runtime_dir(create);
}

static char *journal_path(const char *dir, pid_t pid)
{
    return xasprintf("%s/" PREFIX "%d", dir, (int)pid);
}

FILE *journal_open(void)
{
    _cleanup_free_ char *dir = journal_dir(true);
    if (!dir) {
        log_warn("no private runtime directory: placeholders would be left behind if "
                 "sandboxctl were killed");
        return NULL;
    }
    _cleanup_free_ char *path = journal_path(dir, getpid());
    return fopen(path, "we");
}

/* One line per placeholder, flushed as soon as it exists: a kill between
 * two creations still leaves a record of every one made so far. */
void journal_record(const struct fs_plan *plan, const struct placeholder *ph, void *data)
{
    FILE *f = data;
    if (!f || strchr(plan->workspace, '\n') || strchr(ph->path, '\n'))
        return;
    /* d: empty directory, f: empty file, c: a file holding ".\n" */
    fprintf(f, "%" PRIu64 " %" PRIu64 " %c %s/%s\n", ph->dev, ph->ino,
            ph->is_dir ? 'd' : ph->content ? 'c' : 'f', plan->workspace, ph->path);
    fflush(f);
}

void journal_remove(void)
{
    _cleanup_free_ char *dir = journal_dir(false);
    if (!dir)
        return;
    _cleanup_free_ char *path = journal_path(dir, getpid());
    unlink(path);
}

static void recover_file(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    char line[4200];
    while (fgets(line, sizeof line, f)) {
        uint64_t dev, ino;
        char kind;
        int off = 0;
        line[strcspn(line, "\n")] = '\0';
        if (sscanf(line, "%" SCNu64 " %" SCNu64 " %c %n", &dev, &ino, &kind, &off) < 3 || !off)
            continue;
        const char *p = line + off;
        struct stat st;
        /* Only what we made, as we made it: same inode, still empty. */
        if (lstat(p, &st) < 0 || st.st_dev != dev || st.st_ino != ino)
            continue;
        if (kind == 'd' && S_ISDIR(st.st_mode))
            rmdir(p);
        else if ((kind == 'f' || kind == 'c') && S_ISREG(st.st_mode) &&
                 placeholder_unchanged(AT_FDCWD, p, kind == 'c' ? ".\n" : NULL, &st))
            unlink(p);
    }
    fclose(f);
    unlink(path);
}

void journal_recover(void)
{
    _cleanup_free_ char *dir = journal_dir(false);
    if (!dir)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0)
            continue;
        char *end;
        long pid = strtol(e->d_name + strlen(PREFIX), &end, 10);
        if (*end || pid <= 0 || pid == getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
            continue; /* still running */
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, e->d_name);
        recover_file(path);
    }
    closedir(d);
}
