/* After all files are merged: settle the workspace, derive the network
 * mode and reject contradictions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/strlist.h"

static int fail(struct policy_error *err, const char *msg)
{
    policy_error_set(err, msg);
    return -1;
}

/* path moved from under old to under new, or NULL when not under old. */
static char *rebase(const char *path, const char *old, const char *new_root)
{
    if (!path_has_prefix(path, old))
        return NULL;
    const char *rest = path + strlen(old);
    char *joined = xasprintf("%s%s", new_root, rest);
    char *norm = path_normalize(joined);
    free(joined);
    return norm;
}

/* Rebuild the list so entries that become equal after rebasing collapse. */
static void rebase_list(struct str_list *l, const char *old, const char *new_root)
{
    struct str_list out = { 0 };
    for (size_t i = 0; i < l->n; i++) {
        char *moved = rebase(l->v[i], old, new_root);
        str_list_add_unique(&out, moved ? moved : l->v[i], l->origin[i].where);
        free(moved);
    }
    str_list_free(l);
    *l = out;
}

static void rebase_all(struct policy *p, const char *old, const char *new_root)
{
    rebase_list(&p->fs.allowed, old, new_root);
    rebase_list(&p->fs.denied, old, new_root);
    rebase_list(&p->fs.readonly, old, new_root);
    rebase_list(&p->fs.writable, old, new_root);
    char *moved = p->fs.temp_path ? rebase(p->fs.temp_path, old, new_root) : NULL;
    if (moved) {
        free(p->fs.temp_path);
        p->fs.temp_path = moved;
    }
}

// The seed policy writes "/workspace/**" meaning "the workspace": when the
// real workspace lives elsewhere (--workspace), those rules follow it.
static int settle_workspace(struct policy *p, const struct policy_env *env,
                            struct policy_error *err)
{
    char q[128];
    if (env && env->workspace) {
        if (env->workspace[0] != '/') {
            char *msg = xasprintf("--workspace: %s is not an absolute path; expected an absolute directory",
                                  policy_quote(env->workspace, q, sizeof q));
            fail(err, msg);
            free(msg);
            return -1;
        }
        free(p->fs.workspace);
        p->fs.workspace = path_normalize(env->workspace);
        origin_set(&p->fs.workspace_origin, "--workspace");
    }
    if (!p->fs.workspace || p->fs.workspace[0] != '/') {
        char *msg = xasprintf("%s: file_system.workspace.path %s is not absolute; expected an absolute directory",
                              p->fs.workspace_origin.where ? p->fs.workspace_origin.where : "built-in",
                              policy_quote(p->fs.workspace ? p->fs.workspace : "", q, sizeof q));
        fail(err, msg);
        free(msg);
        return -1;
    }
    const char *declared = p->fs.workspace_declared;
    /* A declared "/" would drag every rule along; it has no inside. */
    if (declared && strcmp(declared, "/") != 0 && strcmp(declared, p->fs.workspace) != 0)
        rebase_all(p, declared, p->fs.workspace);
    /* Rebased once: finalising again must not move anything twice. */
    policy_set_str(&p->fs.workspace_declared, p->fs.workspace);
    return 0;
}

static void derive_network_mode(struct policy *p)
{
    if (!p->network.mode_set)
        p->network.mode = p->network.trusted.n ? NET_MODE_FILTERED : NET_MODE_NONE;
    if (!p->network.mode_word || !p->network.mode_set)
        policy_set_str(&p->network.mode_word,
                       p->network.mode == NET_MODE_NONE ? "none"
                       : p->network.mode == NET_MODE_HOST ? "host" : "filtered");
}

// "/a/b/**" and "/a/b" name the same tree for conflict purposes.
static size_t tree_len(const char *s)
{
    size_t n = strlen(s);
    if (n > 3 && strcmp(s + n - 3, "/**") == 0)
        n -= 3;
    return n;
}

static bool same_tree(const char *a, const char *b)
{
    size_t na = tree_len(a), nb = tree_len(b);
    return na == nb && strncmp(a, b, na) == 0;
}

static int check_conflict(const struct str_list *allow, const char *list_name,
                          const struct str_list *denied, struct policy_error *err)
{
    char q[128];
    for (size_t i = 0; i < allow->n; i++) {
        for (size_t j = 0; j < denied->n; j++) {
            if (!same_tree(allow->v[i], denied->v[j]))
                continue;
            char *msg = xasprintf(
                "%s: file_system: %s is both allowed (%s %s) and denied (denied_paths %s); "
                "remove one — a more specific rule inside a denied tree is fine",
                denied->origin[j].where, policy_quote(denied->v[j], q, sizeof q),
                list_name, allow->origin[i].where, denied->origin[j].where);
            fail(err, msg);
            free(msg);
            return -1;
        }
    }
    return 0;
}

int policy_finalize(struct policy *p, const struct policy_env *env,
                    struct policy_error *err)
{
    if (settle_workspace(p, env, err) < 0)
        return -1;
    derive_network_mode(p);
    if (check_conflict(&p->fs.allowed, "allowed_paths", &p->fs.denied, err) < 0 ||
        check_conflict(&p->fs.readonly, "readonly_paths", &p->fs.denied, err) < 0 ||
        check_conflict(&p->fs.writable, "writable_paths", &p->fs.denied, err) < 0)
        return -1;
    return 0;
}
