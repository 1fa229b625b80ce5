#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "sandbox/registry.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/runtimedir.h"

static char *entry_path(const char *dir, const char *run_id)
{
    return xasprintf("%s/run.%s.json", dir, run_id);
}

int registry_add(const struct sandbox_config *cfg, const char *run_id, pid_t init,
                 const char *mem_cgroup, const char *pids_cgroup)
{
    _cleanup_free_ char *dir = runtime_dir(true);
    if (!dir)
        return -EACCES;
    char ts[40];
    audit_timestamp(ts);
    json_t *argv = json_array();
    for (size_t i = 0; cfg->argv[i]; i++)
        json_array_append_new(argv, json_string(cfg->argv[i]));
    json_t *o = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s, s:o, s:s?, s:s?, s:s?}", "run_id",
                          run_id, "supervisor", (json_int_t)getpid(), "init", (json_int_t)init,
                          "started", ts, "workspace", cfg->plan.workspace, "temp",
                          cfg->hosts_tmp ? cfg->hosts_tmp : cfg->plan.temp, "argv", argv,
                          "mem_cgroup", mem_cgroup, "pids_cgroup", pids_cgroup, "audit_log",
                          cfg->audit ? cfg->audit->path : NULL);
    _cleanup_free_ char *path = entry_path(dir, run_id);
    _cleanup_free_ char *tmp = xasprintf("%s.tmp", path);
    int r = json_dump_file(o, tmp, JSON_COMPACT) < 0 ? -EIO : 0;
    json_decref(o);
    if (r == 0 && rename(tmp, path) < 0)
        r = -errno;
    return r;
}

void registry_remove(const char *run_id)
{
    _cleanup_free_ char *dir = runtime_dir(false);
    if (!dir)
        return;
    _cleanup_free_ char *path = entry_path(dir, run_id);
    unlink(path);
}

static char *dup_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? xstrdup(s) : NULL;
}

size_t registry_list(struct run_entry **out)
{
    *out = NULL;
    _cleanup_free_ char *dir = runtime_dir(false);
    if (!dir)
        return 0;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "run.", 4) != 0 || len < 10 || strcmp(e->d_name + len - 5, ".json"))
            continue;
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, e->d_name);
        json_t *o = json_load_file(path, 0, NULL);
        if (!o)
            continue;
        pid_t sup = (pid_t)json_integer_value(json_object_get(o, "supervisor"));
        if (sup <= 0 || (kill(sup, 0) < 0 && errno == ESRCH)) {
            unlink(path); /* its supervisor is gone: so is the run */
            json_decref(o);
            continue;
        }
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        struct run_entry *r = &(*out)[n++];
        json_t *argv = json_object_get(o, "argv");
        size_t i;
        json_t *a;
        size_t cap = 1;
        json_array_foreach(argv, i, a) cap += strlen(json_string_value(a) ?: "") + 1;
        char *cmd = xcalloc(1, cap);
        json_array_foreach(argv, i, a)
        {
            if (i)
                strcat(cmd, " ");
            strcat(cmd, json_string_value(a) ?: "");
        }
        *r = (struct run_entry){
            .run_id = dup_str(o, "run_id"),
            .supervisor = sup,
            .init = (pid_t)json_integer_value(json_object_get(o, "init")),
            .started = dup_str(o, "started"),
            .workspace = dup_str(o, "workspace"),
            .temp = dup_str(o, "temp"),
            .command = cmd,
            .mem_cgroup = dup_str(o, "mem_cgroup"),
            .pids_cgroup = dup_str(o, "pids_cgroup"),
            .audit_log = dup_str(o, "audit_log"),
        };
        json_decref(o);
    }
    closedir(d);
    return n;
}

void run_entry_clear(struct run_entry *r)
{
    free(r->run_id);
    free(r->started);
    free(r->workspace);
    free(r->temp);
    free(r->command);
    free(r->mem_cgroup);
    free(r->pids_cgroup);
    free(r->audit_log);
    *r = (struct run_entry){0};
}

void run_entries_free(struct run_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        run_entry_clear(&v[i]);
    free(v);
}
