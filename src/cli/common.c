#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/log.h"

static char cwd_buf[4096];

void cli_fill_env(struct policy_env *env, const struct common_opts *o)
{
    const char *tmp = getenv("TMPDIR");
    const char *home = getenv("HOME");
    if (!home || home[0] != '/') {
        struct passwd *pw = getpwuid(getuid());
        home = pw && pw->pw_dir ? pw->pw_dir : "/";
    }
    *env = (struct policy_env){
        .home = home,
        .cwd = getcwd(cwd_buf, sizeof cwd_buf) ? cwd_buf : "/",
        .tmpdir = tmp && tmp[0] == '/' ? tmp : "/tmp",
        .workspace = o->workspace,
    };
}

struct policy *cli_load_policy(const struct common_opts *o)
{
    struct policy_env env;
    struct policy_error err = {{0}};
    cli_fill_env(&env, o);
    char *ws_abs = NULL;
    if (o->workspace) {
        ws_abs = realpath(o->workspace, NULL);
        if (!ws_abs) {
            log_errno(errno, "--workspace %s", o->workspace);
            return NULL;
        }
        env.workspace = ws_abs;
    }
    struct policy *p = o->n_policies ? policy_new_base(&env) : policy_new_default(&env);
    for (int i = 0; i < o->n_policies; i++) {
        if (policy_load_path(p, o->policies[i], &env, &err) < 0) {
            log_error("%s", err.msg);
            policy_free(p);
            free(ws_abs);
            return NULL;
        }
    }
    /* A policy about limits or the network alone still needs a system to
     * run on: it gets the built-in view. */
    if (o->n_policies && !p->fs.allowed.n && !p->fs.readonly.n && !p->fs.writable.n)
        policy_add_default_paths(p, &env);
    if (policy_finalize(p, &env, &err) < 0) {
        log_error("%s", err.msg);
        policy_free(p);
        p = NULL;
    }
    free(ws_abs);
    return p;
}
