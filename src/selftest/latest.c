/* Reading test-results.log back: the latest line with probe verdicts. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selftest/report.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

static char *dup_or(json_t *o, const char *key, const char *def)
{
    const char *s = json_string_value(json_object_get(o, key));
    return xstrdup(s ? s : def);
}

int st_latest_parse(const char *line, struct st_latest *out)
{
    *out = (struct st_latest){0};
    json_t *o = json_loads(line, 0, NULL);
    json_t *probes = json_object_get(o, "probes");
    if (!json_is_object(o) || !json_is_array(probes)) {
        json_decref(o);
        return -1;
    }
    out->found = true;
    out->timestamp = dup_or(o, "timestamp", "?");
    out->result = (int)json_integer_value(json_object_get(o, "result"));
    out->digest = dup_or(o, "policy_digest", "");
    json_t *h = json_object_get(o, "host");
    out->mode = dup_or(h, "mode", "namespaces");
    out->cgroup = dup_or(h, "cgroup", "?");
    out->landlock_abi = (int)json_integer_value(json_object_get(h, "landlock_abi"));
    out->userns = json_is_true(json_object_get(h, "user_namespaces"));
    size_t i;
    json_t *p;
    json_array_foreach(probes, i, p) {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *status = json_string_value(json_object_get(p, "status"));
        const char *control = json_string_value(json_object_get(p, "control"));
        const char *detail = json_string_value(json_object_get(p, "detail"));
        int st = status ? st_status_from_name(status) : -1;
        if (!name || st < 0)
            continue;
        st_results_add(&out->results, name, (enum st_status)st,
                       (long)json_integer_value(json_object_get(p, "duration_ms")), "%s",
                       detail ? detail : "");
        /* The control as recorded (a probe this version does not know). */
        int c = control ? st_control_from_name(control) : -1;
        if (c >= 0)
            out->results.v[out->results.n - 1].control = (enum st_control)c;
    }
    json_decref(o);
    return 0;
}

int st_latest_read(const char *path, struct st_latest *out)
{
    *out = (struct st_latest){0};
    _cleanup_free_ char *buf = NULL;
    size_t len = 0;
    int r = read_file(path, 256 << 20, &buf, &len);
    if (r < 0)
        return r;
    /* From the end: the last line that parses. */
    char *end = buf + len;
    while (end > buf) {
        char *start = end;
        while (start > buf && start[-1] != '\n')
            start--;
        char saved = *end;
        *end = 0;
        int ok = start < end && st_latest_parse(start, out) == 0;
        *end = saved;
        if (ok)
            return 0;
        end = start > buf ? start - 1 : buf;
    }
    return 0;
}

void st_latest_free(struct st_latest *l)
{
    free(l->timestamp);
    free(l->digest);
    free(l->mode);
    free(l->cgroup);
    st_results_free(&l->results);
    *l = (struct st_latest){0};
}
