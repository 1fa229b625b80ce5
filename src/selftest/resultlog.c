/* sandbox-security/tests/test-results.log: one JSON line per `test` run,
 * as the seed's run-all-tests.sh wrote ({"timestamp", "result"}), with the
 * counts, the policy digest, the host facts and every probe's verdict so
 * that `report` can compute the posture from it. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "selftest/selftest.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *st_find_security_dir(const char *const *policies, int n)
{
    for (int i = 0; i < n; i++) {
        _cleanup_free_ char *abs = realpath(policies[i], NULL);
        if (!abs)
            continue;
        /* The nearest ancestor (or the path itself) named sandbox-security. */
        for (;;) {
            const char *b = strrchr(abs, '/');
            if (!b || b == abs)
                break;
            if (!strcmp(b + 1, "sandbox-security") && is_dir(abs))
                return xstrdup(abs);
            abs[b - abs] = 0;
        }
    }
    /* Not under a policy path: the one in the current directory. */
    _cleanup_free_ char *here = realpath("sandbox-security", NULL);
    if (here && is_dir(here))
        return TAKE_PTR(here);
    return NULL;
}

char *st_log_line(const struct st_results *r, const struct st_run_info *info)
{
    size_t p, f, s;
    st_results_count(r, &p, &f, &s);
    json_t *o = json_pack("{s:s, s:i, s:I, s:I, s:I, s:I, s:s, s:{s:s, s:i, s:s, s:b}, s:o}",
                          "timestamp", info->timestamp, "result", f ? 1 : 0, "total",
                          (json_int_t)r->n, "passed", (json_int_t)p, "failed", (json_int_t)f,
                          "skipped", (json_int_t)s, "policy_digest", info->digest, "host",
                          "mode", info->mode, "landlock_abi", info->landlock_abi, "cgroup",
                          info->cgroup, "user_namespaces", info->userns, "probes",
                          st_results_json(r));
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return line;
}

int st_log_append(const char *path, const char *line)
{
    _cleanup_free_ char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
            return -errno;
    }
    _cleanup_close_ int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                                  0644);
    if (fd < 0)
        return -errno;
    _cleanup_free_ char *l = xasprintf("%s\n", line);
    if (write_all(fd, l, strlen(l)) < 0)
        return -errno;
    return 0;
}

void st_iso_now(char out[40])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    char z[8];
    strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    strftime(z, sizeof z, "%z", &tm); /* +0100 -> +01:00, as date -Iseconds */
    size_t n = strlen(out);
    snprintf(out + n, 40 - n, "%.3s:%.2s", z, z + 3);
}
