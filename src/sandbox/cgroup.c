#include <dirent.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "sandbox/cgroup.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

#define CGROUP2_SUPER_MAGIC 0x63677270

const char *cgroup_mode_name(enum cgroup_mode m)
{
    switch (m) {
    case CG_V2: return "cgroup v2";
    case CG_V1: return "cgroup v1";
    case CG_NONE: return "rlimits";
    }
    return "?";
}

static bool list_has(const char *list, const char *word, const char *seps)
{
    _cleanup_free_ char *copy = xstrdup(list);
    char *save = NULL;
    for (char *t = strtok_r(copy, seps, &save); t; t = strtok_r(NULL, seps, &save))
        if (strcmp(t, word) == 0)
            return true;
    return false;
}

/* Our own cgroup path in a hierarchy: controller NULL means v2 ("0::"). */
static char *own_cgroup(const char *controller)
{
    _cleanup_free_ char *text = NULL;
    if (read_file("/proc/self/cgroup", 1 << 16, &text, NULL) < 0)
        return NULL;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c2 = '\0';
        const char *ctrls = c1 + 1;
        bool match = controller ? list_has(ctrls, controller, ",")
                                : (strncmp(line, "0:", 2) == 0 && !*ctrls);
        if (match)
            return xstrdup(c2 + 1);
    }
    return NULL;
}

static char *v2_mount(void)
{
    static const char *const candidates[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified", NULL};
    struct statfs sf;
    for (size_t i = 0; candidates[i]; i++)
        if (statfs(candidates[i], &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
            return xstrdup(candidates[i]);
    return NULL;
}

/* A v2 cgroup we may create children in, with memory and pids delegated. */
static char *v2_parent(char **why)
{
    _cleanup_free_ char *mnt = v2_mount();
    _cleanup_free_ char *own = own_cgroup(NULL);
    if (!mnt || !own) {
        *why = xstrdup("no cgroup v2 hierarchy");
        return NULL;
    }
    char *dir = xasprintf("%s%s", mnt, own);
    _cleanup_free_ char *ctl_path = path_join(dir, "cgroup.subtree_control");
    _cleanup_free_ char *ctl = NULL;
    if (read_file(ctl_path, 4096, &ctl, NULL) < 0 || !list_has(ctl, "memory", " \n") ||
        !list_has(ctl, "pids", " \n")) {
        *why = xasprintf("cgroup v2 at %s has no memory and pids controllers delegated", dir);
        free(dir);
        return NULL;
    }
    if (access(dir, W_OK) < 0) {
        *why = xasprintf("cgroup v2 %s is not writable by this user", dir);
        free(dir);
        return NULL;
    }
    return dir;
}

static char *v1_parent(const char *controller, char **why)
{
    _cleanup_free_ char *own = own_cgroup(controller);
    _cleanup_free_ char *mnt = xasprintf("/sys/fs/cgroup/%s", controller);
    struct statfs sf;
    if (!own || statfs(mnt, &sf) < 0 || sf.f_type == CGROUP2_SUPER_MAGIC) {
        *why = xasprintf("no cgroup v1 %s controller", controller);
        return NULL;
    }
    char *dir = xasprintf("%s%s", mnt, own);
    if (access(dir, W_OK) < 0) {
        *why = xasprintf("cgroup v1 %s is not writable (needs root)", dir);
        free(dir);
        return NULL;
    }
    return dir;
}

void cgroup_locate(struct cgroup_place *pl)
{
    *pl = (struct cgroup_place){.mode = CG_NONE};
    _cleanup_free_ char *w2 = NULL, *w1 = NULL, *w1b = NULL;
    pl->v2_parent = v2_parent(&w2);
    if (pl->v2_parent) {
        pl->mode = CG_V2;
        pl->why = xasprintf("delegated cgroup v2 subtree %s", pl->v2_parent);
        return;
    }
    pl->mem_parent = v1_parent("memory", &w1);
    pl->pids_parent = v1_parent("pids", &w1b);
    if (pl->mem_parent && pl->pids_parent) {
        pl->mode = CG_V1;
        pl->why = xasprintf("cgroup v1 memory and pids controllers (root); v2: %s", w2);
        return;
    }
    pl->why = xasprintf("%s; %s", w2, w1 ? w1 : w1b);
}

void cgroup_place_free(struct cgroup_place *pl)
{
    free(pl->v2_parent);
    free(pl->mem_parent);
    free(pl->pids_parent);
    free(pl->why);
    *pl = (struct cgroup_place){.mode = CG_NONE};
}

enum cgroup_mode cgroup_detect(char **why)
{
    struct cgroup_place pl;
    cgroup_locate(&pl);
    enum cgroup_mode mode = pl.mode;
    *why = TAKE_PTR(pl.why);
    cgroup_place_free(&pl);
    return mode;
}

static int set_knob(const char *dir, const char *knob, const char *value, bool required)
{
    _cleanup_free_ char *path = path_join(dir, knob);
    int r = write_file(path, value);
    if (r < 0 && required)
        log_errno(-r, "write %s to %s", value, path);
    return required ? r : 0;
}

/* Groups of runs whose supervisor was killed: empty, and old enough that
 * no starting run can be about to join them. rmdir refuses a busy one. */
static void remove_stale(const char *parent)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    time_t now = time(NULL);
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "sandboxctl-", 11) != 0)
            continue;
        _cleanup_free_ char *dir = path_join(parent, e->d_name);
        struct stat st;
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && now - st.st_mtime > 60)
            rmdir(dir);
    }
    closedir(d);
}

int cgroup_create(struct cgroup *cg, const struct cgroup_place *pl,
                  const struct resource_limits *lim, const char *name)
{
    *cg = (struct cgroup){.mode = pl->mode};
    char buf[64];
    int r;
    if (cg->mode == CG_V2) {
        remove_stale(pl->v2_parent);
        cg->v2_dir = path_join(pl->v2_parent, name);
        if (mkdir(cg->v2_dir, 0755) < 0)
            goto fail;
        if (lim->memory_mb) {
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)lim->memory_mb << 20);
            if ((r = set_knob(cg->v2_dir, "memory.max", buf, true)) < 0)
                goto fail;
            set_knob(cg->v2_dir, "memory.swap.max", "0", false);
        }
        if (lim->pids) {
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)lim->pids);
            if ((r = set_knob(cg->v2_dir, "pids.max", buf, true)) < 0)
                goto fail;
        }
        return 0;
    }
    if (cg->mode == CG_V1) {
        remove_stale(pl->mem_parent);
        remove_stale(pl->pids_parent);
        cg->mem_dir = path_join(pl->mem_parent, name);
        cg->pids_dir = path_join(pl->pids_parent, name);
        if (mkdir(cg->mem_dir, 0755) < 0 || mkdir(cg->pids_dir, 0755) < 0)
            goto fail;
        if (lim->memory_mb) {
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)lim->memory_mb << 20);
            if ((r = set_knob(cg->mem_dir, "memory.limit_in_bytes", buf, true)) < 0)
                goto fail;
            /* With swap accounting, swap counts too: no escape into swap. */
            set_knob(cg->mem_dir, "memory.memsw.limit_in_bytes", buf, false);
        }
        if (lim->pids) {
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)lim->pids);
            if ((r = set_knob(cg->pids_dir, "pids.max", buf, true)) < 0)
                goto fail;
        }
        return 0;
    }
    return 0;
fail:
    log_errno(errno, "create %s for the sandbox", cgroup_mode_name(cg->mode));
    cgroup_destroy(cg);
    return -EIO;
}

int cgroup_attach(const struct cgroup *cg, pid_t pid)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%d", (int)pid);
    int r = 0;
    if (cg->v2_dir)
        r = set_knob(cg->v2_dir, "cgroup.procs", buf, true);
    if (r == 0 && cg->mem_dir)
        r = set_knob(cg->mem_dir, "cgroup.procs", buf, true);
    if (r == 0 && cg->pids_dir)
        r = set_knob(cg->pids_dir, "cgroup.procs", buf, true);
    return r;
}

static uint64_t read_keyed(const char *dir, const char *file, const char *key)
{
    _cleanup_free_ char *path = path_join(dir, file);
    _cleanup_free_ char *text = NULL;
    if (read_file(path, 1 << 16, &text, NULL) < 0)
        return 0;
    size_t kl = strlen(key);
    for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (strncmp(l, key, kl) == 0 && l[kl] == ' ')
            return strtoull(l + kl + 1, NULL, 10);
    return 0;
}

static uint64_t read_u64(const char *dir, const char *file)
{
    _cleanup_free_ char *path = path_join(dir, file);
    _cleanup_free_ char *text = NULL;
    if (read_file(path, 4096, &text, NULL) < 0)
        return 0;
    return strtoull(text, NULL, 10);
}

void cgroup_usage(const struct cgroup *cg, struct cgroup_usage *u)
{
    *u = (struct cgroup_usage){0};
    if (cg->v2_dir) {
        u->oom_kills = read_keyed(cg->v2_dir, "memory.events", "oom_kill");
        u->pids_refused = read_keyed(cg->v2_dir, "pids.events", "max");
        u->peak_memory = read_u64(cg->v2_dir, "memory.peak");
    }
    if (cg->mem_dir) {
        u->oom_kills = read_keyed(cg->mem_dir, "memory.oom_control", "oom_kill");
        u->peak_memory = read_u64(cg->mem_dir, "memory.max_usage_in_bytes");
    }
    if (cg->pids_dir)
        u->pids_refused = read_keyed(cg->pids_dir, "pids.events", "max");
}

static void kill_and_remove(const char *dir)
{
    if (!dir)
        return;
    /* Up to a few rounds: a process may fork while we kill. */
    for (int round = 0; round < 50; round++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return;
        _cleanup_free_ char *procs_path = path_join(dir, "cgroup.procs");
        _cleanup_free_ char *procs = NULL;
        if (read_file(procs_path, 1 << 20, &procs, NULL) < 0)
            return;
        for (char *l = procs; *l;) {
            pid_t pid = (pid_t)strtol(l, &l, 10);
            if (pid > 0)
                kill(pid, SIGKILL);
            while (*l == '\n')
                l++;
        }
        usleep(2000);
    }
}

void cgroup_destroy(struct cgroup *cg)
{
    kill_and_remove(cg->v2_dir);
    kill_and_remove(cg->mem_dir);
    kill_and_remove(cg->pids_dir);
    free(cg->v2_dir);
    free(cg->mem_dir);
    free(cg->pids_dir);
    *cg = (struct cgroup){0};
}
