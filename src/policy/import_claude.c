/* Claude Code settings.json: the "sandbox" section and the permission
 * rules that shape the sandbox.  Other top-level keys (model, hooks, env,
 * ...) are Claude Code's own business and are skipped.
 *
 *   sandbox.network      -> as srt's network (allowedDomains, ...)
 *   sandbox.filesystem   -> as srt's filesystem (denyRead, allowWrite, ...);
 *                           the working directory stays writable, as in
 *                           Claude Code, unless denyWrite names it
 *   sandbox.credentials  -> as srt's credentials
 *   permissions.deny  Read(path)        -> file_system.denied_paths
 *   permissions.deny  Edit/Write(path)  -> file_system.readonly_paths
 *                                          (nothing when Read is denied too)
 *   permissions.deny  WebFetch(domain:x)  -> network.blocked_domains
 *   permissions.allow WebFetch(domain:x)  -> network.trusted_domains
 *   permissions.allow Edit/Write(path)    -> file_system.writable_paths
 *   permissions.allow Read(path)          -> file_system.allowed_paths
 *   permissions.additionalDirectories     -> file_system.writable_paths
 *
 * No equivalent (accepted, no effect): enabled (sandboxctl always
 * confines), autoAllowBashIfSandboxed, excludedCommands and
 * allowUnsandboxedCommands (nothing runs outside a sandboxctl sandbox),
 * ignoreViolations, ripgrep, the weaker-isolation switches, binary paths,
 * platform lists, "ask" rules and rules for other tools (Bash(...),
 * mcp__...), which gate Claude Code's prompts rather than the sandbox.
 *
 * Paths follow Claude Code: "//abs" absolute, "~/x" in the home
 * directory, "/x" relative to the project of the settings file (the
 * parent of its .claude directory, else the file's directory), "x" and
 * "./x" relative to the workspace. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "policy/import.h"
#include "policy/policy_internal.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/strlist.h"

static char *settings_dir(const struct load_ctx *c)
{
    const char *slash = strrchr(c->name, '/');
    const char *cwd = c->env && c->env->cwd ? c->env->cwd : "/";
    if (!slash)
        return path_normalize(cwd);
    if (slash == c->name)
        return xstrdup("/");
    char *dir = strndup(c->name, (size_t)(slash - c->name));
    if (!dir)
        abort();
    char *abs = dir[0] == '/' ? xstrdup(dir) : path_join(cwd, dir);
    free(dir);
    char *norm = path_normalize(abs);
    free(abs);
    size_t n = strlen(norm);
    if (n >= 8 && strcmp(norm + n - 8, "/.claude") == 0)
        norm[n - 8 > 0 ? n - 8 : 1] = '\0';
    return norm;
}

struct rule {
    char tool[64];
    const char *arg;    /* inside the parentheses, NULL when none */
    size_t arg_len;
};

static int parse_rule(struct load_ctx *c, const char *s, struct rule *r)
{
    size_t n = 0;
    while (s[n] && (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '-'))
        n++;
    size_t len = strlen(s);
    bool ok = n > 0 && n < sizeof r->tool &&
              (s[n] == '\0' || (s[n] == '(' && len > n + 1 && s[len - 1] == ')'));
    if (!ok)
        return ctx_fail(c, "\"%s\" is not a permission rule; expected Tool or Tool(specifier), "
                        "e.g. Read(~/.ssh/**) or WebFetch(domain:example.com)", s);
    memcpy(r->tool, s, n);
    r->tool[n] = '\0';
    r->arg = s[n] ? s + n + 1 : NULL;
    r->arg_len = s[n] ? len - n - 2 : 0;
    return 0;
}

static bool tool_is(const struct rule *r, const char *name)
{
    return strcmp(r->tool, name) == 0;
}

static int rule_path(struct load_ctx *c, const struct rule *r, struct str_list *dst)
{
    char *in = strndup(r->arg, r->arg_len), *path = NULL;
    if (!in)
        abort();
    int rc = import_path(c, in, &path);
    if (rc == 0) {
        char *where = ctx_where(c, false);
        str_list_add_unique(dst, path, where);
        free(where);
    }
    free(in);
    free(path);
    return rc;
}

static int rule_domain(struct load_ctx *c, const struct rule *r, struct str_list *dst,
                       bool allow)
{
    if (r->arg_len <= 7 || strncmp(r->arg, "domain:", 7) != 0)
        return ctx_fail(c, "%s(%.*s): expected WebFetch(domain:example.com)", r->tool,
                        (int)r->arg_len, r->arg);
    char *d = strndup(r->arg + 7, r->arg_len - 7);
    if (!d)
        abort();
    /* A WebFetch rule has no port: it does not count towards the
     * with/without ":port" consistency of allowedDomains. */
    struct import_state *st = c->cur;
    size_t with = st->allowed_with_port, without = st->allowed_without_port;
    int rc = import_domain(c, d, dst, allow);
    st->allowed_with_port = with;
    st->allowed_without_port = without;
    free(d);
    return rc;
}

/* One rule of permissions.allow (allow) or .deny; edits collects denied
 * Edit paths until the whole file is read. */
static int one_rule(struct load_ctx *c, const char *s, bool allow, struct str_list *edits)
{
    struct rule r;
    if (parse_rule(c, s, &r) < 0)
        return -1;
    bool path_rule = tool_is(&r, "Read") || tool_is(&r, "Edit") || tool_is(&r, "Write");
    if (tool_is(&r, "WebFetch") && r.arg)
        return rule_domain(c, &r, allow ? &c->p->network.trusted : &c->p->network.blocked, allow);
    if (!path_rule || !r.arg)
        return 0;   /* another tool's rule, or a whole tool: not a sandbox boundary */
    if (tool_is(&r, "Read"))
        return rule_path(c, &r, allow ? &c->p->fs.allowed : &c->p->fs.denied);
    return rule_path(c, &r, allow ? &c->p->fs.writable : edits);
}

static int rules(struct load_ctx *c, json_t *v, bool allow, struct str_list *edits)
{
    if (!json_is_array(v))
        return ctx_fail(c, "got %s; expected an array of permission rules", json_kind(v));
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *e = json_array_get(v, i);
        ctx_push_index(c, i);
        const char *s;
        int r = ctx_string(c, e, "a permission rule such as Read(~/.ssh/**)", &s);
        if (r == 0)
            r = one_rule(c, s, allow, edits);
        ctx_pop(c);
        if (r < 0)
            return -1;
    }
    return 0;
}

struct claude_state {
    struct import_state base;   /* first: c->cur points at both */
    struct str_list edit_denied;
};

static int perm_allow(struct load_ctx *c, json_t *v)
{
    return rules(c, v, true, NULL);
}

static int perm_deny(struct load_ctx *c, json_t *v)
{
    struct claude_state *st = c->cur;
    return rules(c, v, false, &st->edit_denied);
}

static int perm_ask(struct load_ctx *c, json_t *v)
{
    if (!json_is_array(v))
        return ctx_fail(c, "got %s; expected an array of permission rules", json_kind(v));
    return 0;
}

static int perm_dirs(struct load_ctx *c, json_t *v)
{
    struct import_state *st = c->cur;
    if (!json_is_array(v))
        return ctx_fail(c, "got %s; expected an array of directories", json_kind(v));
    /* Plain paths here, not rule specifiers. */
    st->paths = PATHS_SRT;
    int r = 0;
    for (size_t i = 0; i < json_array_size(v) && r == 0; i++) {
        const char *s;
        char *path = NULL;
        ctx_push_index(c, i);
        r = ctx_string(c, json_array_get(v, i), "a directory", &s);
        if (r == 0)
            r = import_path(c, s, &path);
        if (r == 0) {
            char *where = ctx_where(c, false);
            str_list_add_unique(&c->p->fs.writable, path, where);
            free(where);
        }
        free(path);
        ctx_pop(c);
    }
    st->paths = PATHS_CLAUDE;
    return r;
}

static int claude_permissions(struct load_ctx *c, json_t *v)
{
    if (!json_is_object(v))
        return ctx_fail(c, "got %s; expected an object", json_kind(v));
    static const struct { const char *key; member_fn fn; } t[] = {
        { "allow", perm_allow },
        { "deny", perm_deny },
        { "ask", perm_ask },
        { "additionalDirectories", perm_dirs },
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        json_t *m = json_object_get(v, t[i].key);
        if (!m)
            continue;
        ctx_push_key(c, t[i].key);
        int r = t[i].fn(c, m);
        ctx_pop(c);
        if (r < 0)
            return -1;
    }
    /* defaultMode, disableBypassPermissionsMode, ...: prompts only */
    return 0;
}

static int claude_sandbox(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "network", import_srt_network, false },
        { "filesystem", import_srt_filesystem, false },
        { "credentials", import_srt_credentials, false },
        { "enabled", import_ignore, false },
        { "autoAllowBashIfSandboxed", import_ignore, false },
        { "excludedCommands", import_ignore, false },
        { "allowUnsandboxedCommands", import_ignore, false },
        { "ignoreViolations", import_ignore, false },
        { "ripgrep", import_ignore, false },
        { "enableWeakerNetworkIsolation", import_ignore, false },
        { "enableWeakerNestedSandbox", import_ignore, false },
        { "allowNestedUserNamespaces", import_ignore, false },
        { "allowAppleEvents", import_ignore, false },
        { "bwrapPath", import_ignore, false },
        { "socatPath", import_ignore, false },
        { "failIfUnavailable", import_ignore, false },
        { "enabledPlatforms", import_ignore, false },
        { "mandatoryDenySearchDepth", import_ignore, false },
        { "seccomp", import_ignore, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

int import_claude(struct load_ctx *c, json_t *root)
{
    struct claude_state st = { .base = { .paths = PATHS_CLAUDE, .settings_dir = settings_dir(c) } };
    void *saved = c->cur;
    c->cur = &st;
    int r = 0;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v) {
        member_fn fn = strcmp(key, "sandbox") == 0 ? claude_sandbox
                     : strcmp(key, "permissions") == 0 ? claude_permissions : NULL;
        if (!fn)
            continue;
        ctx_push_key(c, key);
        r = fn(c, v);
        ctx_pop(c);
        if (r < 0)
            break;
    }
    if (r == 0) {
        for (size_t i = 0; i < st.edit_denied.n; i++)
            if (!str_list_contains(&c->p->fs.denied, st.edit_denied.v[i]))
                str_list_add_unique(&c->p->fs.readonly, st.edit_denied.v[i],
                                    st.edit_denied.origin[i].where);
        /* Claude Code always lets the working directory be written. */
        st.base.saw_allow_write = false;
        import_finish(c);
    }
    str_list_free(&st.edit_denied);
    free(st.base.settings_dir);
    c->cur = saved;
    return r;
}
