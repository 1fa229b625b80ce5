#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/environ.h"
#include "net/proxy.h"
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

/* The proxies inside the sandbox, for every client that honours them. */
static const char *const proxy_names[] = {"HTTP_PROXY", "HTTPS_PROXY", "http_proxy",
                                          "https_proxy", "ALL_PROXY", "all_proxy",
                                          "NO_PROXY", "no_proxy", NULL};

static size_t add_proxy_variables(char **out, size_t o)
{
    for (size_t i = 0; proxy_names[i]; i++) {
        const char *n = proxy_names[i];
        if (strstr(n, "ALL") || strstr(n, "all"))
            out[o++] = xasprintf("%s=socks5h://127.0.0.1:%d", n, PROXY_SOCKS_PORT);
        else if (strstr(n, "NO") || strstr(n, "no"))
            out[o++] = xasprintf("%s=localhost,127.0.0.1,::1", n);
        else
            out[o++] = xasprintf("%s=http://127.0.0.1:%d", n, PROXY_HTTP_PORT);
    }
    return o;
}

static bool is_proxy_name(const char *name)
{
    for (size_t i = 0; proxy_names[i]; i++)
        if (!strcmp(name, proxy_names[i]))
            return true;
    return false;
}

char **environ_build(char **env, const struct policy *p, const char *tmpdir, bool proxies)
{
    size_t n = 0;
    while (env && env[n])
        n++;
    char **out = xcalloc(n + 2 + 8, sizeof *out);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(env[i], '=');
        if (!eq)
            continue;
        char *name = strndup(env[i], (size_t)(eq - env[i]));
        if (!name)
            continue;
        bool replaced = !strcmp(name, "TMPDIR") || (proxies && is_proxy_name(name));
        if (!replaced && !environ_is_denied(name, p))
            out[o++] = xstrdup(env[i]);
        free(name);
    }
    out[o++] = xasprintf("TMPDIR=%s", tmpdir);
    if (proxies)
        o = add_proxy_variables(out, o);
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
