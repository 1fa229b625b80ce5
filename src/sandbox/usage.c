#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "sandbox/usage.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

struct proc_row {
    pid_t pid, ppid;
    uint64_t ticks, rss_pages;
};

/* /proc/PID/stat: the command name may hold spaces and parentheses, so
 * the fields are read after its last ')'. */
static int read_stat(pid_t pid, struct proc_row *row)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    _cleanup_free_ char *text = NULL;
    if (read_file(path, 4096, &text, NULL) < 0)
        return -1;
    char *p = strrchr(text, ')');
    if (!p)
        return -1;
    char state;
    int ppid;
    unsigned long long utime, stime, rss;
    /* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
     * majflt cmajflt utime stime cutime cstime priority nice threads
     * itrealvalue starttime vsize rss */
    if (sscanf(p + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
                      "%*d %*d %*u %*u %llu",
               &state, &ppid, &utime, &stime, &rss) != 5)
        return -1;
    *row = (struct proc_row){.pid = pid, .ppid = ppid, .ticks = utime + stime, .rss_pages = rss};
    return 0;
}

int sandbox_usage_read(pid_t root, const char *mem_cgroup, const char *temp,
                       struct sandbox_usage *u)
{
    *u = (struct sandbox_usage){0};
    DIR *d = opendir("/proc");
    if (!d)
        return -errno;
    struct proc_row *rows = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        rows = xrealloc(rows, (n + 1) * sizeof *rows);
        if (read_stat((pid_t)pid, &rows[n]) == 0)
            n++;
    }
    closedir(d);
    /* The tree under root: a pass per generation until nothing is added. */
    bool *in = xcalloc(n + 1, sizeof *in);
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < n; i++) {
            if (in[i])
                continue;
            bool member = rows[i].pid == root;
            for (size_t j = 0; !member && j < n; j++)
                member = in[j] && rows[j].pid == rows[i].ppid;
            if (member) {
                in[i] = grew = true;
                if (rows[i].ppid == root && !u->command)
                    u->command = rows[i].pid;
            }
        }
    }
    long page = sysconf(_SC_PAGESIZE), hz = sysconf(_SC_CLK_TCK);
    for (size_t i = 0; i < n; i++) {
        if (!in[i])
            continue;
        u->pids++;
        u->rss_bytes += rows[i].rss_pages * (uint64_t)page;
        u->cpu_seconds += (double)rows[i].ticks / (double)hz;
    }
    free(in);
    free(rows);
    if (!u->command && u->pids)
        u->command = root;
    if (mem_cgroup) {
        _cleanup_free_ char *f = path_join(mem_cgroup, "memory.usage_in_bytes");
        _cleanup_free_ char *text = NULL;
        if (read_file(f, 64, &text, NULL) < 0) {
            free(f);
            f = path_join(mem_cgroup, "memory.current");
            if (read_file(f, 64, &text, NULL) < 0)
                text = NULL;
        }
        if (text)
            u->cgroup_bytes = strtoull(text, NULL, 10);
    }
    if (temp && u->command) {
        /* The private tmpfs exists only in the sandbox's mount namespace. */
        char path[4200];
        snprintf(path, sizeof path, "/proc/%d/root%s", (int)u->command, temp);
        struct statfs sf;
        if (statfs(path, &sf) == 0) {
            u->temp_size = (uint64_t)sf.f_blocks * (uint64_t)sf.f_bsize;
            u->temp_used = (uint64_t)(sf.f_blocks - sf.f_bfree) * (uint64_t)sf.f_bsize;
        }
    }
    return 0;
}
