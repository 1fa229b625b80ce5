/* Native JSON policy files: entry points, top level and the file_system,
 * enforcement, resources, audit and environment sections.  The network
 * and firewall sections are in policy_load_net.c. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy/import.h"
#include "policy/load_ctx.h"
#include "policy/policy_internal.h"
#include "policy/policy_load.h"
#include "policy/suggest.h"
#include "util/fileutil.h"
#include "util/log.h"

/* Policy files are hand-written and small; anything bigger is a mistake. */
#define POLICY_MAX_BYTES (4u << 20)

/* Upper bounds keep later unit conversions (MiB -> bytes) from overflowing. */
#define MAX_MB ((UINT64_C(1) << 43) - 1)
#define MAX_COUNT ((UINT64_C(1) << 62))

/* ---- shared entry checks ---- */

int load_path_entry(struct load_ctx *c, const char *in, char **out)
{
    char why[512];
    if (policy_expand_path(in, c->env, policy_workspace_var(c->p, c->env), out,
                           why, sizeof why) < 0)
        return ctx_fail(c, "%s", why);
    return 0;
}

/* ---- file_system ---- */

static int fs_mode(struct load_ctx *c, json_t *v)
{
    static const char *const words[] = { "whitelist", NULL };
    const char *w;
    if (ctx_word(c, v, words, &w) < 0)
        return -1;
    policy_set_str(&c->p->fs.mode, w);
    return 0;
}

static int ws_path(struct load_ctx *c, json_t *v)
{
    char *path;
    if (ctx_path(c, v, &path) < 0)
        return -1;
    char *where = ctx_where(c, false);
    origin_set(&c->p->fs.workspace_origin, where);
    free(where);
    policy_set_str(&c->p->fs.workspace_declared, path);
    free(c->p->fs.workspace);
    c->p->fs.workspace = path;
    return 0;
}

static int ws_permissions(struct load_ctx *c, json_t *v)
{
    static const char *const words[] = { "read-write", "read-only", NULL };
    const char *w;
    if (ctx_word(c, v, words, &w) < 0)
        return -1;
    c->p->fs.workspace_writable = strcmp(w, "read-write") == 0;
    return 0;
}

static int ws_size(struct load_ctx *c, json_t *v)
{
    /* 2^33 GiB is where a byte count would overflow 64 bits. */
    return ctx_number(c, v, 0, 8589934591.0, &c->p->fs.workspace_size_limit_gb);
}

static int fs_workspace(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "path", ws_path, false },
        { "permissions", ws_permissions, false },
        { "size_limit_gb", ws_size, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

static int fs_allowed(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->fs.allowed, load_path_entry);
}

static int fs_denied(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->fs.denied, load_path_entry);
}

static int fs_readonly(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->fs.readonly, load_path_entry);
}

static int fs_writable(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->fs.writable, load_path_entry);
}

static int protected_entry(struct load_ctx *c, const char *in, char **out)
{
    char q[128];
    char *name = xstrdup(in);
    size_t n = strlen(name);
    while (n > 1 && name[n - 1] == '/')
        name[--n] = '\0';
    for (size_t i = 0; policy_protected_paths[i]; i++) {
        if (strcmp(name, policy_protected_paths[i]) == 0) {
            *out = name;
            return 0;
        }
    }
    free(name);
    const char *hint = suggest_word(in, policy_protected_paths);
    if (hint)
        return ctx_fail(c, "%s is not a protected path; did you mean \"%s\"?",
                        policy_quote(in, q, sizeof q), hint);
    return ctx_fail(c, "%s is not a protected path; expected one of .git/hooks, .git/config, "
                    ".bashrc, .bash_profile, .zshrc, .zprofile, .profile, .gitconfig, "
                    ".gitmodules, .mcp.json, .vscode, .idea, .claude/commands, .claude/agents",
                    policy_quote(in, q, sizeof q));
}

static int fs_unprotected(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->fs.unprotected, protected_entry);
}

static int tmp_path(struct load_ctx *c, json_t *v)
{
    char *path;
    if (ctx_path(c, v, &path) < 0)
        return -1;
    free(c->p->fs.temp_path);
    c->p->fs.temp_path = path;
    return 0;
}

static int tmp_size(struct load_ctx *c, json_t *v)
{
    return ctx_uint(c, v, 1, MAX_MB, &c->p->fs.temp_size_mb);
}

static int tmp_cleanup(struct load_ctx *c, json_t *v)
{
    return ctx_bool(c, v, &c->p->fs.temp_auto_cleanup);
}

static int tmp_age(struct load_ctx *c, json_t *v)
{
    return ctx_number(c, v, 0, 1e9, &c->p->fs.temp_cleanup_age_hours);
}

static int fs_temp(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "path", tmp_path, false },
        { "size_limit_mb", tmp_size, false },
        { "auto_cleanup", tmp_cleanup, false },
        { "cleanup_age_hours", tmp_age, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

static int sect_file_system(struct load_ctx *c, json_t *v)
{
    /* workspace first: ${WORKSPACE} in the lists means the workspace this
     * file declares, wherever it appears in the object. */
    static const struct member t[] = {
        { "mode", fs_mode, false },
        { "workspace", fs_workspace, true },
        { "allowed_paths", fs_allowed, false },
        { "denied_paths", fs_denied, false },
        { "readonly_paths", fs_readonly, false },
        { "writable_paths", fs_writable, false },
        { "unprotected_paths", fs_unprotected, false },
        { "temp_directory", fs_temp, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

/* ---- enforcement ---- */

static int enf_bool(struct load_ctx *c, json_t *v)
{
    const char *k = ctx_key(c);
    bool *dst = strcmp(k, "strict_mode") == 0 ? &c->p->enforcement.strict_mode
              : strcmp(k, "case_sensitive") == 0 ? &c->p->enforcement.case_sensitive
              : &c->p->enforcement.audit_all_access;
    return ctx_bool(c, v, dst);
}

static int enf_symlink(struct load_ctx *c, json_t *v)
{
    static const char *const words[] = { "deny", NULL };
    const char *w;
    if (ctx_word(c, v, words, &w) < 0)
        return -1;
    policy_set_str(&c->p->enforcement.symlink_resolution, w);
    return 0;
}

static int sect_enforcement(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "strict_mode", enf_bool, false },
        { "symlink_resolution", enf_symlink, false },
        { "case_sensitive", enf_bool, false },
        { "audit_all_access", enf_bool, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

/* ---- resources ---- */

static int res_uint(struct load_ctx *c, json_t *v)
{
    struct resource_limits *r = &c->p->resources;
    const char *k = ctx_key(c);
    struct { const char *key; uint64_t *dst; uint64_t max; } f[] = {
        { "memory_mb", &r->memory_mb, MAX_MB },
        { "pids", &r->pids, MAX_COUNT },
        { "cpu_seconds", &r->cpu_seconds, MAX_COUNT },
        { "fsize_mb", &r->fsize_mb, MAX_MB },
        { "nofile", &r->nofile, MAX_COUNT },
        { "timeout_seconds", &r->timeout_seconds, MAX_COUNT },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (strcmp(k, f[i].key) == 0) {
            r->set_by_policy |= 1u << i;
            return ctx_uint(c, v, 0, f[i].max, f[i].dst);
        }
    return ctx_fail(c, "internal error: no resource field");
}

static int sect_resources(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "memory_mb", res_uint, false },
        { "pids", res_uint, false },
        { "cpu_seconds", res_uint, false },
        { "fsize_mb", res_uint, false },
        { "nofile", res_uint, false },
        { "timeout_seconds", res_uint, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

/* ---- audit ---- */

static int audit_path(struct load_ctx *c, json_t *v)
{
    char *path;
    if (ctx_path(c, v, &path) < 0)
        return -1;
    free(c->p->audit.path);
    c->p->audit.path = path;
    return 0;
}

static int audit_fsync(struct load_ctx *c, json_t *v)
{
    static const char *const words[] = { "every", "interval", "never", NULL };
    const char *w;
    if (ctx_word(c, v, words, &w) < 0)
        return -1;
    free(c->p->audit.fsync);
    c->p->audit.fsync = xstrdup(w);
    return 0;
}

static int audit_max_size(struct load_ctx *c, json_t *v)
{
    return ctx_uint(c, v, 0, MAX_MB, &c->p->audit.max_size_mb);
}

static int audit_keep(struct load_ctx *c, json_t *v)
{
    return ctx_uint(c, v, 1, 100, &c->p->audit.keep);
}

static int sect_audit(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "path", audit_path, false },
        { "fsync", audit_fsync, false },
        { "max_size_mb", audit_max_size, false },
        { "keep", audit_keep, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

/* ---- environment ---- */

static int env_pattern_entry(struct load_ctx *c, const char *in, char **out)
{
    char why[256];
    if (policy_check_env_pattern(in, why, sizeof why) < 0)
        return ctx_fail(c, "%s", why);
    *out = xstrdup(in);
    return 0;
}

static int env_name_entry(struct load_ctx *c, const char *in, char **out)
{
    char why[256];
    if (policy_check_env_name(in, why, sizeof why) < 0)
        return ctx_fail(c, "%s", why);
    *out = xstrdup(in);
    return 0;
}

static int env_deny(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->environment.deny, env_pattern_entry);
}

static int env_allow(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->environment.allow, env_name_entry);
}

static int sect_environment(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "deny", env_deny, false },
        { "allow", env_allow, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

/* ---- entry points ---- */

static const struct member top_level[] = {
    { "file_system", sect_file_system, false },
    { "enforcement", sect_enforcement, false },
    { "network", load_sect_network, false },
    { "firewall", load_sect_firewall, false },
    { "resources", sect_resources, false },
    { "audit", sect_audit, false },
    { "environment", sect_environment, false },
    { NULL, NULL, false },
};

static int fail_at(struct policy_error *err, const char *name, const char *buf,
                   size_t len, size_t off, const char *what)
{
    struct json_pos pos = json_pos_at(buf, len, off);
    char *msg = xasprintf("%s:%u:%u: %s", name, pos.line, pos.col, what);
    policy_error_set(err, msg);
    free(msg);
    return -1;
}

/* Problems jansson would report less clearly, or not at all. */
static int check_raw(const char *name, const char *buf, size_t len,
                     struct policy_error *err)
{
    const char *nul = memchr(buf, '\0', len);
    if (nul)
        return fail_at(err, name, buf, len, (size_t)(nul - buf),
                       "NUL byte in policy file; expected UTF-8 JSON text");
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", buf[i]))
        i++;
    if (i == len)
        return fail_at(err, name, buf, len, 0,
                       "empty policy file; expected a JSON object such as "
                       "{\"file_system\": {...}, \"network\": {...}}");
    return 0;
}

static json_t *parse(const char *name, const char *buf, size_t len,
                     struct policy_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!root) {
        char *msg = xasprintf("%s:%d:%d: invalid JSON: %s", name,
                              jerr.line > 0 ? jerr.line : 1,
                              jerr.column > 0 ? jerr.column : 1, jerr.text);
        policy_error_set(err, msg);
        free(msg);
    }
    return root;
}

int policy_load_buffer(struct policy *p, const char *name, const char *buf,
                       size_t len, const struct policy_env *env,
                       struct policy_error *err)
{
    if (!name)
        name = "<policy>";
    if (!buf || check_raw(name, buf, len, err) < 0)
        return buf ? -1 : (policy_error_set(err, "no policy text"), -1);
    json_t *root = parse(name, buf, len, err);
    if (!root)
        return -1;
    struct load_ctx c = {
        .p = p, .env = env, .name = name, .buf = buf, .len = len, .err = err,
    };
    int r;
    if (!json_is_object(root))
        r = ctx_fail(&c, "the top level is %s; expected an object with keys such as "
                     "\"file_system\", \"network\", \"firewall\"", json_kind(root));
    else if (import_detect(root) == IMPORT_SRT)
        r = import_srt(&c, root);
    else if (import_detect(root) == IMPORT_CLAUDE)
        r = import_claude(&c, root);
    else
        r = ctx_walk(&c, root, top_level);
    json_decref(root);
    return r;
}

static int load_file(struct policy *p, const char *path,
                     const struct policy_env *env, struct policy_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    int r = read_file(path, POLICY_MAX_BYTES, &buf, &len);
    if (r < 0) {
        char *msg = xasprintf("%s: cannot read: %s%s", path, strerror(-r),
                              r == -EFBIG ? " (policy files are limited to 4 MiB)" : "");
        policy_error_set(err, msg);
        free(msg);
        return -1;
    }
    r = policy_load_buffer(p, path, buf, len, env, err);
    free(buf);
    return r;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json files of dir, sorted by name (byte order, like ls in C locale). */
static char **list_json(const char *dir, size_t *n, struct policy_error *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        char *msg = xasprintf("%s: cannot open directory: %s", dir, strerror(errno));
        policy_error_set(err, msg);
        free(msg);
        return NULL;
    }
    char **names = NULL;
    *n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
            continue;
        names = xrealloc(names, (*n + 1) * sizeof *names);
        names[(*n)++] = path_join(dir, de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, by_name);
    else
        names = xcalloc(1, sizeof *names);
    return names;
}

static int load_dir(struct policy *p, const char *dir,
                    const struct policy_env *env, struct policy_error *err)
{
    size_t n;
    char **names = list_json(dir, &n, err);
    if (!names)
        return -1;
    int r = 0;
    if (n == 0) {
        char *msg = xasprintf("%s: no *.json policy files in this directory", dir);
        policy_error_set(err, msg);
        free(msg);
        r = -1;
    }
    for (size_t i = 0; i < n && r == 0; i++)
        r = load_file(p, names[i], env, err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return r;
}

int policy_load_path(struct policy *p, const char *path,
                     const struct policy_env *env, struct policy_error *err)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        char *msg = xasprintf("%s: cannot read: %s", path, strerror(errno));
        policy_error_set(err, msg);
        free(msg);
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return load_dir(p, path, env, err);
    return load_file(p, path, env, err);
}
