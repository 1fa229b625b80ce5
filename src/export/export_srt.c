/* export srt: settings for Anthropic's sandbox-runtime 0.0.83
 * (~/.srt-settings.json, or srt --settings FILE).
 *
 * srt's model: reads everywhere except filesystem.denyRead (allowRead
 * re-allows inside a denied tree), writes nowhere except
 * filesystem.allowWrite minus denyWrite, network only to
 * network.allowedDomains (an entry may carry ":port"), deniedDomains
 * winning.  The note goes in "$comment", which srt ignores. */
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "util/log.h"

char *export_srt_host(const char *d)
{
    if (strchr(d, '/'))
        return NULL;                      /* CIDR range */
    if (strchr(d, ':'))
        return xasprintf("[%s]", d);      /* IPv6 literal */
    const char *host = strncmp(d, "*.", 2) == 0 ? d + 2 : d;
    if (strchr(d + (host - d), '*'))
        return NULL;
    if (!strchr(host, '.') && !(host == d && strcmp(d, "localhost") == 0))
        return NULL;                      /* "*.com", "intranet": too broad or no dot */
    return xstrdup(d);
}

static void add_hosts(json_t *a, const struct str_list *l, const struct port_list *ports,
                      struct export_notes *n, const char *what)
{
    for (size_t i = 0; i < l->n; i++) {
        char *h = export_srt_host(l->v[i]);
        if (!h) {
            if (n)
                notes_add(n, "%s entry \"%s\" (srt takes domains, IPs and *.domain.tld only)",
                          what, l->v[i]);
            continue;
        }
        if (ports && ports->n) {
            for (size_t j = 0; j < ports->n; j++) {
                char *e = xasprintf("%s:%u", h, ports->v[j]);
                json_array_append_new(a, json_string(e));
                free(e);
            }
        } else {
            json_array_append_new(a, json_string(h));
        }
        free(h);
    }
}

json_t *export_srt_allowed(const struct export_ctx *x, struct export_notes *n)
{
    json_t *a = json_array();
    if (x->p->network.mode == NET_MODE_FILTERED)
        add_hosts(a, &x->p->network.trusted, &x->p->network.out_ports, n, "trusted domain");
    return a;
}

static bool under_denied(const struct policy *p, const char *path)
{
    char *tree = path_tree(path);
    bool r = false;
    for (size_t i = 0; i < p->fs.denied.n && !r; i++)
        r = path_under(tree, p->fs.denied.v[i]) && strcmp(tree, p->fs.denied.v[i]) != 0;
    free(tree);
    return r;
}

static void add_path(json_t *a, const struct export_ctx *x, const char *path,
                     char *(*fmt)(const struct export_ctx *, const char *))
{
    char *s = fmt(x, path);
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
        if (strcmp(json_string_value(e), s) == 0) {
            free(s);
            return;
        }
    json_array_append_new(a, json_string(s));
    free(s);
}

json_t *export_srt_filesystem(const struct export_ctx *x,
                              char *(*fmt)(const struct export_ctx *x, const char *path))
{
    const struct policy *p = x->p;
    json_t *deny_read = json_array(), *allow_read = json_array();
    json_t *allow_write = json_array(), *deny_write = json_array();
    for (size_t i = 0; i < p->fs.denied.n; i++)
        add_path(deny_read, x, p->fs.denied.v[i], fmt);
    struct view v;
    view_build(p, &v);
    for (size_t i = 0; i < v.n; i++) {
        if (under_denied(p, v.v[i].path))
            add_path(allow_read, x, v.v[i].path, fmt);
        /* The temporary directory is private in sandboxctl; srt gives
         * commands their own TMPDIR, so the host's is not opened up. */
        if (v.v[i].writable && !(p->fs.temp_path && strcmp(v.v[i].path, p->fs.temp_path) == 0))
            add_path(allow_write, x, v.v[i].path, fmt);
    }
    view_free(&v);
    for (size_t i = 0; i < p->fs.readonly.n; i++)
        add_path(deny_write, x, p->fs.readonly.v[i], fmt);
    json_t *fs = json_object();
    json_object_set_new(fs, "denyRead", deny_read);
    if (json_array_size(allow_read))
        json_object_set_new(fs, "allowRead", allow_read);
    else
        json_decref(allow_read);
    json_object_set_new(fs, "allowWrite", allow_write);
    json_object_set_new(fs, "denyWrite", deny_write);
    if (!export_is_protected(p, ".git/config"))
        json_object_set_new(fs, "allowGitConfig", json_true());
    return fs;
}

/* Notes both the srt and Claude Code targets carry. */
static void srt_notes(const struct export_ctx *x, struct export_notes *n)
{
    const struct policy *p = x->p;
    notes_common(n, p, LACKS_LIMITS | LACKS_TIMEOUT | LACKS_TEMP_SIZE | LACKS_WS_SIZE |
                       LACKS_RATE | LACKS_PROTOCOLS | LACKS_HOSTS | LACKS_FIREWALL |
                       LACKS_AUDIT | LACKS_SECCOMP);
    notes_add(n, "the allow-list view: srt reads everything but denyRead, so paths the "
              "policy does not list stay readable");
    if (p->network.mode == NET_MODE_HOST)
        notes_add(n, "network.mode \"host\": srt always filters; only allowedDomains are reachable");
    if (p->network.in_ports.n)
        notes_add(n, "inbound ports (%zu)", p->network.in_ports.n);
    for (size_t i = 0; i < p->fs.unprotected.n; i++)
        if (strcmp(p->fs.unprotected.v[i], ".git/config") != 0)
            notes_add(n, "unprotected_paths \"%s\" (srt always write-protects it)",
                      p->fs.unprotected.v[i]);
    for (size_t i = 0; i < p->environment.deny.n; i++)
        if (strpbrk(p->environment.deny.v[i], "*?"))
            notes_add(n, "environment.deny pattern \"%s\" (srt takes exact names)",
                      p->environment.deny.v[i]);
}

static json_t *srt_credentials(const struct policy *p)
{
    json_t *env = json_array();
    for (size_t i = 0; i < p->environment.deny.n; i++) {
        const char *name = p->environment.deny.v[i];
        bool exempt = false;
        for (size_t j = 0; j < p->environment.allow.n; j++)
            exempt |= strcmp(p->environment.allow.v[j], name) == 0;
        if (!strpbrk(name, "*?") && !exempt)
            json_array_append_new(env, json_pack("{s:s, s:s}", "name", name, "mode", "deny"));
    }
    return env;
}

json_t *export_srt_credentials(const struct policy *p)
{
    return srt_credentials(p);
}

json_t *export_srt_doc(const struct export_ctx *x)
{
    const struct policy *p = x->p;
    struct export_notes n = { 0 };
    srt_notes(x, &n);
    json_t *allowed = export_srt_allowed(x, &n);
    json_t *denied = json_array();
    add_hosts(denied, &p->network.blocked, NULL, &n, "blocked domain");
    json_t *env = srt_credentials(p);
    json_t *doc = json_object();
    json_object_set_new(doc, "$comment", notes_json(&n, "srt"));
    json_object_set_new(doc, "network", json_pack("{s:o, s:o}", "allowedDomains", allowed,
                                                  "deniedDomains", denied));
    json_object_set_new(doc, "filesystem", export_srt_filesystem(x, path_tilde));
    if (json_array_size(env))
        json_object_set_new(doc, "credentials", json_pack("{s:o}", "envVars", env));
    else
        json_decref(env);
    notes_free(&n);
    return doc;
}

int export_srt(const struct export_ctx *x, FILE *out)
{
    json_t *doc = export_srt_doc(x);
    int r = export_dump_json(out, doc);
    json_decref(doc);
    return r;
}

void export_srt_notes(const struct export_ctx *x, struct export_notes *n)
{
    srt_notes(x, n);
}
