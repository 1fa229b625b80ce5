/* The built-in policy used when no --policy is given. */
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/strlist.h"

/* Files and directories whose content the host later runs: git's hooks
 * and the config, worktree config, common-dir pointer and submodule or
 * worktree git dirs that name other hooks and configs; shell start-up
 * files; editor tasks; agent commands, agents and settings (hooks). */
const char *const policy_protected_paths[] = {
    ".git/hooks", ".git/config", ".git/config.worktree", ".git/commondir",
    ".git/modules", ".git/worktrees", ".bashrc", ".bash_profile", ".zshrc",
    ".zprofile", ".profile", ".gitconfig", ".gitmodules", ".mcp.json",
    ".vscode", ".idea", ".claude/commands", ".claude/agents",
    ".claude/settings.json", ".claude/settings.local.json", NULL,
};

/* System trees a build needs to see but must not change. */
static const char *const default_readonly[] = {
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
    "/etc", "/opt", NULL,
};

/* Secrets inside the read-only /etc that nothing in a sandbox should read. */
static const char *const default_denied[] = {
    "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
    "/etc/sudoers", "/etc/sudoers.d/**", "/etc/ssh/ssh_host_*_key",
    "/etc/security/opasswd", NULL,
};

/* Credentials under $HOME, masked by name so that they stay hidden even
 * when the workspace is the home directory itself. */
static const char *const home_secrets[] = {
    ".ssh", ".aws", ".gnupg", ".config/gh", ".config/gcloud", ".azure", ".kube",
    ".docker/config.json", ".netrc", ".git-credentials", ".npmrc", ".pypirc",
    ".cargo/credentials.toml", NULL,
};

void policy_add_default_paths(struct policy *p, const struct policy_env *env)
{
    for (size_t i = 0; default_readonly[i]; i++)
        str_list_add_unique(&p->fs.readonly, default_readonly[i], "built-in");
    for (size_t i = 0; default_denied[i]; i++)
        str_list_add_unique(&p->fs.denied, default_denied[i], "built-in");
    if (!env || !env->home || env->home[0] != '/')
        return;
    char *norm = path_normalize(env->home);
    if (strcmp(norm, "/") != 0) {
        /* The whole home directory is hidden; the workspace, being more
         * specific, stays visible even when it lies inside it. */
        char *home_tree = path_join(norm, "**");
        str_list_add_unique(&p->fs.denied, home_tree, "built-in");
        free(home_tree);
        for (size_t i = 0; home_secrets[i]; i++) {
            char *s = path_join(norm, home_secrets[i]);
            str_list_add_unique(&p->fs.denied, s, "built-in");
            free(s);
        }
    }
    free(norm);
}

struct policy *policy_new_default(const struct policy_env *env)
{
    struct policy *p = policy_new_base(env);
    policy_add_default_paths(p, env);
    return p;
}
