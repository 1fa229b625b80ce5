#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/environ.h"
#include "util/log.h"
#include "util/strlist.h"

int environ_is_denied(const char *name, const struct policy *p)
{
    if (str_list_contains(&p->environment.allow, name))
        return 0;
    for (size_t i = 0; i < p->environment.deny.n; i++)
        if (fnmatch(p->environment.deny.v[i], name, FNM_CASEFOLD) == 0)
            return 1;
    return 0;
}

char **environ_build(char **env, const struct policy *p, const char *tmpdir)
{
    size_t n = 0;
    while (env && env[n])
        n++;
    char **out = xcalloc(n + 2, sizeof *out);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(env[i], '=');
        if (!eq)
            continue;
        char *name = strndup(env[i], (size_t)(eq - env[i]));
        if (!name)
            continue;
        if (strcmp(name, "TMPDIR") != 0 && !environ_is_denied(name, p))
            out[o++] = xstrdup(env[i]);
        free(name);
    }
    out[o++] = xasprintf("TMPDIR=%s", tmpdir);
    out[o] = NULL;
    return out;
}

void environ_free(char **envp)
{
    if (!envp)
        return;
    for (size_t i = 0; envp[i]; i++)
        free(envp[i]);
    free(envp);
}
