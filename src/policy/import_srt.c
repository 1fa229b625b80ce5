/* Anthropic sandbox-runtime (srt 0.0.83) settings files, ~/.srt-settings.json:
 *
 *   network.allowedDomains    -> network.trusted_domains (a ":port" suffix
 *                                goes to network.allowed_ports.outbound)
 *   network.deniedDomains     -> network.blocked_domains ("*" is a no-op:
 *                                sandboxctl denies what is not trusted)
 *   network.deniedResolvedAddresses -> firewall egress deny rules
 *   filesystem.denyRead       -> file_system.denied_paths
 *   filesystem.allowRead      -> file_system.allowed_paths
 *   filesystem.allowWrite     -> the workspace writable (when listed) and
 *                                file_system.writable_paths
 *   filesystem.denyWrite      -> file_system.readonly_paths
 *   filesystem.allowGitConfig -> unprotected_paths ".git/config"
 *   credentials.files (deny or mask)   -> denied_paths
 *   credentials.envVars (deny or mask) -> environment.deny
 *
 * Everything else has no equivalent and is accepted without effect: keys
 * that loosen srt (weaker nested sandbox, unix sockets, local binding,
 * nested user namespaces, filesystem.disabled), where sandboxctl stays
 * stricter; proxy plumbing (external proxy ports, parent/MITM proxies, TLS
 * termination, request filters) and macOS/Windows keys; reporting
 * (ignoreViolations, deniedDomainReasons).  A port-scoped deny
 * ("host:22", "*:22") is refused: blocked_domains has no ports, and
 * dropping the port would block more, or less, than srt does. */
#include <stdlib.h>
#include <string.h>

#include "policy/import.h"
#include "policy/policy_internal.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/strlist.h"

static bool has_any(json_t *o, const char *const *keys)
{
    if (!json_is_object(o))
        return false;
    for (size_t i = 0; keys[i]; i++)
        if (json_object_get(o, keys[i]))
            return true;
    return false;
}

enum import_kind import_detect(json_t *root)
{
    static const char *const native[] = { "file_system", "enforcement", "firewall",
                                          "resources", "audit", "environment", NULL };
    static const char *const srt_net[] = { "allowedDomains", "deniedDomains",
                                           "deniedResolvedAddresses", NULL };
    static const char *const srt_fs[] = { "denyRead", "allowRead", "allowWrite",
                                          "denyWrite", NULL };
    if (!json_is_object(root) || has_any(root, native))
        return IMPORT_NATIVE;
    if (json_is_object(json_object_get(root, "sandbox")) ||
        json_is_object(json_object_get(root, "permissions")))
        return IMPORT_CLAUDE;
    if (has_any(json_object_get(root, "network"), srt_net) ||
        has_any(json_object_get(root, "filesystem"), srt_fs))
        return IMPORT_SRT;
    return IMPORT_NATIVE;
}

int import_ignore(struct load_ctx *c, json_t *v)
{
    (void)c;
    (void)v;
    return 0;
}

int import_path(struct load_ctx *c, const char *in, char **out)
{
    const struct import_state *st = c->cur;
    const char *ws = policy_workspace_var(c->p, c->env);
    char *joined = NULL, why[512];
    const char *s = in;
    if (!in[0])
        return ctx_fail(c, "empty path; expected an absolute path, ~/... or a relative path");
    if (st->paths == PATHS_CLAUDE && strncmp(in, "//", 2) == 0)
        s = in + 1;
    else if (st->paths == PATHS_CLAUDE && in[0] == '/')
        joined = path_join(st->settings_dir, in + 1);
    if (!joined && s[0] != '/' && s[0] != '~' && s[0] != '$') {
        const char *rel = strcmp(s, ".") == 0 ? "" : strncmp(s, "./", 2) == 0 ? s + 2 : s;
        joined = rel[0] ? path_join(ws, rel) : xstrdup(ws);
    }
    int r = policy_expand_path(joined ? joined : s, c->env, ws, out, why, sizeof why);
    free(joined);
    return r < 0 ? ctx_fail(c, "%s", why) : 0;
}

/* ---- lists ---- */

typedef int (*item_fn)(struct load_ctx *c, const char *in, void *arg);

/* srt list entries are strings or {"path": ..., "literal": true}. */
static int each_entry(struct load_ctx *c, json_t *v, bool objects, item_fn fn, void *arg)
{
    if (!json_is_array(v))
        return ctx_fail(c, "got %s; expected an array of strings", json_kind(v));
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        const char *s = NULL;
        int r = 0;
        ctx_push_index(c, i);
        if (objects && json_is_object(e)) {
            json_t *path = json_object_get(e, "path"), *lit = json_object_get(e, "literal");
            if (!json_is_string(path) || !json_is_true(lit) || json_object_size(e) != 2)
                r = ctx_fail(c, "expected a path, or {\"path\": \"<path>\", \"literal\": true}");
            else if (strpbrk(json_string_value(path), "*?["))
                r = ctx_fail(c, "a literal path with glob characters has no equivalent: "
                             "sandboxctl reads *, ? and [ as patterns; expected a path without them");
            else
                s = json_string_value(path);
        } else if (json_is_string(e)) {
            s = json_string_value(e);
        } else {
            r = ctx_fail(c, "got %s; expected a string", json_kind(e));
        }
        if (r == 0 && s) {
            for (const char *p = s; *p && r == 0; p++)
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                    r = ctx_fail(c, "contains control character 0x%02x; expected a path or name",
                                 (unsigned char)*p);
        }
        if (r == 0)
            r = fn(c, s, arg);
        ctx_pop(c);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int add_path(struct load_ctx *c, const char *in, void *arg)
{
    char *path;
    if (import_path(c, in, &path) < 0)
        return -1;
    char *where = ctx_where(c, false);
    str_list_add_unique(arg, path, where);
    free(where);
    free(path);
    return 0;
}

/* "host:port", "[v6]:port", "[v6]", "host": the host part (heap) and port
 * (0 = none).  -1 when a suffix after ':' is not a port. */
static int split_port(const char *in, char **host, unsigned *port)
{
    const char *colon = NULL;
    *port = 0;
    if (in[0] == '[') {
        const char *close = strchr(in, ']');
        if (!close)
            return -1;
        *host = strndup(in + 1, (size_t)(close - in - 1));
        colon = close[1] == ':' ? close + 1 : NULL;
        if (close[1] && !colon)
            goto bad;
    } else {
        const char *first = strchr(in, ':');
        colon = first && first == strrchr(in, ':') ? first : NULL;
        *host = colon ? strndup(in, (size_t)(colon - in)) : xstrdup(in);
    }
    if (!*host)
        abort();
    if (colon) {
        char *end;
        unsigned long n = strtoul(colon + 1, &end, 10);
        if (colon[1] < '1' || colon[1] > '9' || *end || n > 65535)
            goto bad;
        *port = (unsigned)n;
    }
    return 0;
bad:
    free(*host);
    *host = NULL;
    return -1;
}

int import_domain(struct load_ctx *c, const char *in, struct str_list *dst, bool allow_list)
{
    struct import_state *st = c->cur;
    char why[512], *host = NULL, *canon = NULL;
    unsigned port;
    if (!in[0])
        return ctx_fail(c, "empty string; expected a domain such as \"example.com\" or \"*.example.com\"");
    if (split_port(in, &host, &port) < 0)
        return ctx_fail(c, "\"%s\" has a malformed port or IPv6 literal; expected \"host\", "
                        "\"host:port\" or \"[IPv6]:port\"", in);
    int r = 0;
    if (strcmp(host, "*") == 0 && !allow_list) {
        /* Deny-all: what sandboxctl does to everything it does not trust. */
        if (port)
            r = ctx_fail(c, "a port-scoped deny-all has no equivalent: sandboxctl cannot deny "
                         "one port for every host; expected \"*\" or a list of allowed ports "
                         "in the native network.allowed_ports.outbound");
        goto out;
    }
    if (port && !allow_list) {
        r = ctx_fail(c, "a port-scoped deny has no equivalent: blocked_domains apply to "
                     "every port; expected \"%s\" without \":%u\"", host, port);
        goto out;
    }
    if (policy_check_domain(host, true, &canon, why, sizeof why) < 0) {
        r = ctx_fail(c, "%s", why);
        goto out;
    }
    char *where = ctx_where(c, false);
    str_list_add_unique(dst, canon, where);
    free(where);
    if (allow_list) {
        if (port)
            port_list_add_unique(&c->p->network.out_ports, (uint16_t)port);
        if (port)
            st->allowed_with_port++;
        else
            st->allowed_without_port++;
    }
out:
    free(host);
    free(canon);
    return r;
}

static int trusted_item(struct load_ctx *c, const char *in, void *arg)
{
    (void)arg;
    return import_domain(c, in, &c->p->network.trusted, true);
}

static int blocked_item(struct load_ctx *c, const char *in, void *arg)
{
    (void)arg;
    return import_domain(c, in, &c->p->network.blocked, false);
}

static int net_allowed(struct load_ctx *c, json_t *v)
{
    struct import_state *st = c->cur;
    if (each_entry(c, v, false, trusted_item, NULL) < 0)
        return -1;
    if (st->allowed_with_port && st->allowed_without_port)
        return ctx_fail(c, "mixes entries with and without \":port\": sandboxctl's ports "
                        "(network.allowed_ports.outbound) apply to every trusted domain; "
                        "expected a port on every entry or on none");
    return 0;
}

static int net_denied(struct load_ctx *c, json_t *v)
{
    return each_entry(c, v, false, blocked_item, NULL);
}

static int deny_address(struct load_ctx *c, const char *in, void *arg)
{
    (void)arg;
    char why[512], *canon = NULL;
    if (!((in[0] >= '0' && in[0] <= '9') || strchr(in, ':')))
        return ctx_fail(c, "\"%s\" is not an IP address or CIDR range; expected e.g. "
                        "\"10.0.0.0/8\" or \"fc00::/7\"", in);
    if (policy_check_domain(in, true, &canon, why, sizeof why) < 0)
        return ctx_fail(c, "%s", why);
    struct fw_rule r = { .action = xstrdup("deny"), .endpoint = canon };
    r.origin.where = ctx_where(c, false);
    fw_rule_list_add_unique(&c->p->firewall.egress, &r);
    fw_rule_free(&r);
    return 0;
}

static int net_denied_addresses(struct load_ctx *c, json_t *v)
{
    return each_entry(c, v, false, deny_address, NULL);
}

int import_srt_network(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "allowedDomains", net_allowed, false },
        { "deniedDomains", net_denied, false },
        { "deniedResolvedAddresses", net_denied_addresses, false },
        /* no equivalent: sandboxctl is always a strict allow-list, keeps
         * host unix sockets and ports out, runs its own proxy */
        { "strictAllowlist", import_ignore, false },
        { "deniedDomainReasons", import_ignore, false },
        { "allowUnixSockets", import_ignore, false },
        { "allowAllUnixSockets", import_ignore, false },
        { "allowLocalBinding", import_ignore, false },
        { "allowMachLookup", import_ignore, false },
        { "httpProxyPort", import_ignore, false },
        { "socksProxyPort", import_ignore, false },
        { "mitmProxy", import_ignore, false },
        { "parentProxy", import_ignore, false },
        { "filterRequest", import_ignore, false },
        { "allowPlaintextHeaderSet", import_ignore, false },
        { "stripResponseHeaders", import_ignore, false },
        { "refuseOpaqueTunnels", import_ignore, false },
        { "requireHostMatch", import_ignore, false },
        { "ambiguousRequestTarget", import_ignore, false },
        { "tlsTerminate", import_ignore, false },
        /* Claude Code's sandbox.network */
        { "allowManagedDomainsOnly", import_ignore, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

/* ---- filesystem ---- */

static int fs_deny_read(struct load_ctx *c, json_t *v)
{
    return each_entry(c, v, true, add_path, &c->p->fs.denied);
}

static int fs_allow_read(struct load_ctx *c, json_t *v)
{
    return each_entry(c, v, true, add_path, &c->p->fs.allowed);
}

static int write_item(struct load_ctx *c, const char *in, void *arg)
{
    struct import_state *st = arg;
    char *path;
    if (import_path(c, in, &path) < 0)
        return -1;
    if (strcmp(path, policy_workspace_var(c->p, c->env)) == 0) {
        st->workspace_writable = true;
    } else {
        char *where = ctx_where(c, false);
        str_list_add_unique(&c->p->fs.writable, path, where);
        free(where);
    }
    free(path);
    return 0;
}

static int fs_allow_write(struct load_ctx *c, json_t *v)
{
    struct import_state *st = c->cur;
    st->saw_allow_write = true;
    return each_entry(c, v, true, write_item, st);
}

static int fs_deny_write(struct load_ctx *c, json_t *v)
{
    return each_entry(c, v, true, add_path, &c->p->fs.readonly);
}

static int fs_git_config(struct load_ctx *c, json_t *v)
{
    bool on;
    if (ctx_bool(c, v, &on) < 0)
        return -1;
    if (on) {
        char *where = ctx_where(c, false);
        str_list_add_unique(&c->p->fs.unprotected, ".git/config", where);
        free(where);
    }
    return 0;
}

int import_srt_filesystem(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "denyRead", fs_deny_read, false },
        { "allowRead", fs_allow_read, false },
        { "allowWrite", fs_allow_write, false },
        { "denyWrite", fs_deny_write, false },
        { "allowGitConfig", fs_git_config, false },
        /* sandboxctl always confines the file system */
        { "disabled", import_ignore, false },
        /* Claude Code's sandbox.filesystem */
        { "allowManagedReadPathsOnly", import_ignore, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

/* ---- credentials ---- */

static int cred_mode(struct load_ctx *c, json_t *obj)
{
    static const char *const words[] = { "deny", "mask", NULL };
    const char *w;
    json_t *mode = json_object_get(obj, "mode");
    if (!mode)
        return ctx_fail(c, "missing \"mode\"; expected \"deny\" or \"mask\"");
    ctx_push_key(c, "mode");
    int r = ctx_word(c, mode, words, &w);
    ctx_pop(c);
    return r;
}

/* Masked credentials are denied outright: sandboxctl substitutes nothing. */
static int cred_list(struct load_ctx *c, json_t *v, const char *key)
{
    if (!json_is_array(v))
        return ctx_fail(c, "got %s; expected an array of objects", json_kind(v));
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i), *k = NULL;
        int r = 0;
        ctx_push_index(c, i);
        if (!json_is_object(e))
            r = ctx_fail(c, "got %s; expected an object with \"%s\" and \"mode\"", json_kind(e), key);
        else if (!json_is_string(k = json_object_get(e, key)))
            r = ctx_fail(c, "missing \"%s\" string", key);
        else
            r = cred_mode(c, e);
        if (r == 0) {
            char why[256];
            const char *s = json_string_value(k);
            ctx_push_key(c, key);
            if (strcmp(key, "path") == 0)
                r = add_path(c, s, &c->p->fs.denied);
            else if (policy_check_env_name(s, why, sizeof why) < 0)
                r = ctx_fail(c, "%s", why);
            else {
                char *where = ctx_where(c, false);
                str_list_add_unique(&c->p->environment.deny, s, where);
                free(where);
            }
            ctx_pop(c);
        }
        ctx_pop(c);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int cred_files(struct load_ctx *c, json_t *v)
{
    return cred_list(c, v, "path");
}

static int cred_env(struct load_ctx *c, json_t *v)
{
    return cred_list(c, v, "name");
}

int import_srt_credentials(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "files", cred_files, false },
        { "envVars", cred_env, false },
        { "allowPlaintextInject", import_ignore, false },
        { "awsPairs", import_ignore, false },
        { "sigv4", import_ignore, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

static bool same_tree(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > 3 && strcmp(a + na - 3, "/**") == 0)
        na -= 3;
    if (nb > 3 && strcmp(b + nb - 3, "/**") == 0)
        nb -= 3;
    return na == nb && strncmp(a, b, na) == 0;
}

static bool listed_visible(const struct policy *p, const char *path)
{
    const struct str_list *lists[] = { &p->fs.allowed, &p->fs.readonly, &p->fs.writable };
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < lists[l]->n; i++)
            if (same_tree(lists[l]->v[i], path))
                return true;
    return false;
}

void import_finish(struct load_ctx *c)
{
    const struct import_state *st = c->cur;
    if (st->saw_allow_write)
        c->p->fs.workspace_writable = st->workspace_writable;
    /* srt reads the whole host but denyRead; the nearest safe view here is
     * the built-in one (system trees read-only, home and secrets hidden),
     * except the built-in masks of paths the file opens explicitly (e.g.
     * allowWrite ~/.kube): the file's word wins over a default. */
    struct policy *d = policy_new_base(c->env);
    policy_add_default_paths(d, c->env);
    for (size_t i = 0; i < d->fs.readonly.n; i++)
        str_list_add_unique(&c->p->fs.readonly, d->fs.readonly.v[i], "built-in");
    for (size_t i = 0; i < d->fs.denied.n; i++)
        if (!listed_visible(c->p, d->fs.denied.v[i]))
            str_list_add_unique(&c->p->fs.denied, d->fs.denied.v[i], "built-in");
    policy_free(d);
}

/* ---- the srt settings file ---- */

int import_srt(struct load_ctx *c, json_t *root)
{
    static const struct member t[] = {
        { "network", import_srt_network, false },
        { "filesystem", import_srt_filesystem, false },
        { "credentials", import_srt_credentials, false },
        /* sandboxctl export's note about what it could not express */
        { "$comment", import_ignore, false },
        { "ignoreViolations", import_ignore, false },
        { "enableWeakerNestedSandbox", import_ignore, false },
        { "allowNestedUserNamespaces", import_ignore, false },
        { "enableWeakerNetworkIsolation", import_ignore, false },
        { "allowAppleEvents", import_ignore, false },
        { "ripgrep", import_ignore, false },
        { "mandatoryDenySearchDepth", import_ignore, false },
        { "allowPty", import_ignore, false },
        { "seccomp", import_ignore, false },
        { "bwrapPath", import_ignore, false },
        { "socatPath", import_ignore, false },
        { "javaAgentJarPath", import_ignore, false },
        { "windows", import_ignore, false },
        { "git", import_ignore, false },
        { NULL, NULL, false },
    };
    struct import_state st = { .paths = PATHS_SRT };
    void *saved = c->cur;
    c->cur = &st;
    int r = ctx_walk(c, root, t);
    if (r == 0)
        import_finish(c);
    c->cur = saved;
    return r;
}
