/* Rules of the risk matrix: File Escape and Privilege Escalation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configurator/risk_internal.h"
#include "util/fileutil.h"
#include "util/log.h"

/* Credentials by name under the home directory. */
static const char *const home_credentials[] = {
    ".ssh", ".aws", ".gnupg", ".kube", ".azure", ".config/gh", ".config/gcloud",
    ".docker/config.json", ".netrc", ".git-credentials", ".npmrc", ".pypirc", NULL,
};

/* Length of the tree a pattern names ("/a" for "/a" plus a trailing glob); 0 when path is
 * not inside it. */
static size_t cover(const char *pattern, const char *path)
{
    size_t n = strlen(pattern);
    if (n >= 3 && !strcmp(pattern + n - 3, "/**"))
        n = n == 3 ? 1 : n - 3;
    char *tree = strndup(pattern, n);
    if (!tree)
        return 0;
    size_t r = path_has_prefix(path, tree) ? n : 0;
    free(tree);
    return r;
}

static size_t deepest(const struct str_list *l, const char *path, size_t best)
{
    for (size_t i = 0; i < l->n; i++) {
        size_t n = cover(l->v[i], path);
        if (n > best)
            best = n;
    }
    return best;
}

static bool visible(const struct policy *p, const char *path)
{
    size_t v = cover(p->fs.workspace, path);
    v = deepest(&p->fs.allowed, path, v);
    v = deepest(&p->fs.readonly, path, v);
    v = deepest(&p->fs.writable, path, v);
    return v > 0 && deepest(&p->fs.denied, path, 0) < v;
}

size_t risk_visible_secrets(const struct policy *p, const char *home, const char **first)
{
    size_t n = 0;
    *first = NULL;
    if (!home || home[0] != '/' || !strcmp(home, "/"))
        return 0;
    for (size_t i = 0; home_credentials[i]; i++) {
        char *path = path_join(home, home_credentials[i]);
        if (visible(p, path) && n++ == 0)
            *first = home_credentials[i];
        free(path);
    }
    return n;
}

static bool lists_root(const struct str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], "/") || !strcmp(l->v[i], "/**"))
            return true;
    return false;
}

static void fs_gaps(const struct controls *c, struct risk_row *r)
{
    size_t partial = 0, none = 0;
    const struct control *ex = NULL, *layer = NULL;
    for (size_t i = 0; i < c->n; i++) {
        const struct control *x = &c->v[i];
        if (strcmp(x->area, "file_system") || !x->confinement)
            continue;
        if (!layer && x->state == CTL_ENFORCED)
            layer = x;
        if (x->state == CTL_PARTIAL || x->state == CTL_NOT_ENFORCED) {
            x->state == CTL_PARTIAL ? partial++ : none++;
            if (!ex || x->state == CTL_NOT_ENFORCED)
                ex = x;
        }
    }
    if (ex)
        risk_reason(r, none ? RISK_HIGH : RISK_MEDIUM,
                    "run where unprivileged user namespaces work (`sandboxctl doctor`), so "
                    "that the mount namespace enforces every path rule",
                    "%zu file-system rule(s) not enforced and %zu only partly on this host, "
                    "e.g. `%s`: %s (%s)", none, partial, ex->item,
                    control_state_name(ex->state), ex->detail ? ex->detail : "");
    else
        risk_reason(r, RISK_LOW, NULL, "every file-system rule of the policy is enforced "
                    "here (layer: %s)", layer ? layer->layer : "-");
}

static void fs_secrets(const struct policy *p, const char *home, struct risk_row *r)
{
    const char *first;
    size_t n = risk_visible_secrets(p, home, &first);
    if (n) {
        risk_reason(r, RISK_HIGH, "add the credential paths to file_system.denied_paths",
                    "%zu credential path(s) of the home directory readable inside, e.g. "
                    "`~/%s` (visible through the workspace or a listed path, not in "
                    "denied_paths)", n, first);
        return;
    }
    size_t denied = 0;
    for (size_t i = 0; i < p->fs.denied.n; i++)
        denied += home && strcmp(home, "/") && path_has_prefix(p->fs.denied.v[i], home);
    risk_reason(r, RISK_LOW, NULL, "no credential of the home directory is visible: the "
                "home directory is not listed, and %zu credential path(s) under it are in "
                "file_system.denied_paths in case the workspace lies there", denied);
}

void risk_rules_files(const struct policy *p, const struct controls *c, bool ns,
                      const char *home, struct risk_row *r)
{
    fs_gaps(c, r);
    const char *ws = p->fs.workspace;
    if (!strcmp(ws, "/"))
        risk_reason(r, RISK_HIGH, "make the workspace a project directory",
                    "file_system.workspace.path is `/`: the whole host is %s",
                    p->fs.workspace_writable ? "writable" : "visible");
    else if (home && strcmp(home, "/") && path_has_prefix(home, ws))
        risk_reason(r, RISK_MEDIUM, "make the workspace a project directory, not the home",
                    "file_system.workspace.path `%s` contains the home directory: "
                    "everything in it except denied_paths is %s", ws,
                    p->fs.workspace_writable ? "writable" : "readable");
    if (lists_root(&p->fs.allowed) || lists_root(&p->fs.readonly) ||
        lists_root(&p->fs.writable))
        risk_reason(r, RISK_MEDIUM, "list the system trees a command needs instead of `/`",
                    "the policy lists `/`: every host path not in denied_paths is visible");
    if (p->fs.writable.n)
        risk_reason(r, RISK_MEDIUM, "keep writes inside the workspace",
                    "file_system.writable_paths: %zu host path(s) writable outside the "
                    "workspace, e.g. `%s`", p->fs.writable.n, p->fs.writable.v[0]);
    fs_secrets(p, home, r);
    if (p->fs.unprotected.n)
        risk_reason(r, RISK_MEDIUM, "remove file_system.unprotected_paths",
                    "file_system.unprotected_paths lifts the protection of `%s`%s: a command "
                    "can plant code there that runs on the host, outside the sandbox",
                    p->fs.unprotected.v[0], p->fs.unprotected.n > 1 ? " and more" : "");
    else if (p->fs.workspace_writable) {
        size_t n = 0;
        while (policy_protected_paths[n])
            n++;
        risk_reason(r, RISK_LOW, NULL, "%zu persistence paths in the workspace (.git/hooks, "
                    ".git/config, .bashrc, .mcp.json, ...) are read-only inside (%s)", n,
                    ns ? "mount namespace" : "not enforceable without namespaces");
    }
    if (!p->fs.workspace_writable)
        risk_reason(r, RISK_LOW, NULL, "file_system.workspace.permissions read-only: "
                    "nothing on the host is writable");
    const struct control *sl = risk_control(c, "file_system", "symlink_resolution");
    if (sl)
        risk_reason(r, RISK_LOW, NULL, "symlinks resolve inside the sandbox's view (%s)",
                    sl->layer);
}

void risk_rules_privilege(const struct policy *p, const struct controls *c, bool ns,
                          struct risk_row *r)
{
    const struct control *sc = risk_control(c, "process", "kernel attack surface");
    if (sc && sc->state == CTL_ENFORCED)
        risk_reason(r, RISK_LOW, NULL, "seccomp refuses the kernel attack surface "
                    "(namespaces, mount, bpf, keyctl, io_uring, ptrace, ...)");
    else
        risk_reason(r, RISK_HIGH, "use a kernel with seccomp filtering",
                    "seccomp is not available here: the kernel's whole system-call "
                    "surface is reachable");
    const struct control *hp = risk_control(c, "process", "host processes");
    if (hp && hp->state != CTL_ENFORCED)
        risk_reason(r, risk_of_state(hp->state), "run where user namespaces work",
                    "host processes: %s (%s; %s)", control_state_name(hp->state), hp->layer,
                    hp->detail ? hp->detail : "");
    else
        risk_reason(r, RISK_LOW, NULL, "host processes are invisible and unreachable "
                    "(PID namespace)");
    if (!ns)
        risk_reason(r, RISK_MEDIUM, "run where user namespaces work",
                    "no user namespace: the command keeps the invoking user's identity "
                    "on the host, so file permissions are the last line");
    risk_reason(r, RISK_LOW, NULL, "all capabilities dropped, securebits locked, "
                "no_new_privs: setuid programs gain nothing");
    if (p->network.mode == NET_MODE_HOST)
        risk_reason(r, RISK_MEDIUM, "use network.mode none or filtered",
                    "network.mode host: the host's loopback services and abstract unix "
                    "sockets (D-Bus, X11, container daemons) are reachable");
}
