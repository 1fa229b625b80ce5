/* sandboxctl run: load the policy, resolve it against this host, refuse
 * under strict_mode what cannot be enforced, then hand over to the
 * supervisor. */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_audit.h"
#include "sandbox/cgroup.h"
#include "sandbox/controls.h"
#include "sandbox/environ.h"
#include "sandbox/journal.h"
#include "sandbox/landlock.h"
#include "sandbox/supervisor.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/rmtree.h"
#include "util/timing.h"

extern char **environ;

static void run_help(void)
{
    printf("Usage: sandboxctl run [OPTIONS] [--] COMMAND [ARG...]\n"
           "\n"
           "Run COMMAND confined by a policy: the workspace writable, the system read-only,\n"
           "secrets invisible, no network, bounded memory, processes and disk.\n"
           "\n"
           "Options:\n"
           "  -p, --policy FILE|DIR  policy file, or a directory of *.json merged in name\n"
           "                         order; repeatable; without it the built-in default\n"
           "  -w, --workspace DIR    the workspace (default: the policy's, else the\n"
           "                         current directory)\n"
           "      --no-namespaces    Landlock, seccomp and rlimits only (for hosts without\n"
           "                         user namespaces); see `sandboxctl check`\n"
           "  -q, --quiet            no warnings (errors are still printed)\n"
           "      --monitor[=SECS]   a one-line resource summary on stderr every SECS\n"
           "                         seconds (default 300)\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit status: COMMAND's own; 128+N when it was killed by signal N;\n"
           "125 the sandbox could not be set up; 126 COMMAND not executable;\n"
           "127 COMMAND not found.\n");
}

static char *inside_cwd(const struct fs_plan *plan)
{
    char buf[4096];
    if (getcwd(buf, sizeof buf) && path_has_prefix(buf, plan->workspace))
        return xstrdup(buf);
    return xstrdup(plan->workspace);
}

static void fill_identity(struct sandbox_config *cfg)
{
    cfg->uid = getuid();
    cfg->gid = getgid();
    struct passwd *pw = getpwuid(cfg->uid);
    cfg->user_name = xstrdup(pw ? pw->pw_name : "user");
    /* The same rule as the policy's ~ (cli_fill_env). */
    struct policy_env env;
    cli_fill_env(&env, &(struct common_opts){0});
    cfg->home = xstrdup(env.home);
}

/* strict_mode refuses on gaps in what the policy asked to confine;
 * otherwise one warning line names them. Built-in default limits that this
 * host can only approximate are not worth a warning on every run: `check`
 * lists them. */
static int judge_gaps(const struct sandbox_config *cfg, struct controls *out)
{
    struct host_support h = {.userns = cfg->use_namespaces, .landlock_abi = cfg->landlock_abi,
                             .seccomp = true, .cgroup = cfg->cgroup_place->mode};
    struct controls c;
    controls_collect(cfg, &h, &c);
    int r = 0;
    bool strict = cfg->policy->enforcement.strict_mode;
    size_t gaps = controls_gaps(&c, true);
    if (gaps && strict) {
        log_error("strict_mode: refusing to start, %zu control(s) cannot be enforced on this "
                  "host:", gaps);
        r = -1;
    } else if (gaps) {
        log_warn("%zu control(s) not fully enforced on this host (`sandboxctl check` "
                 "explains):", gaps);
    }
    /* One line per gap: long lists stay readable and nothing is cut. */
    for (size_t i = 0; gaps && i < c.n; i++) {
        const struct control *x = &c.v[i];
        if (!control_is_gap(x, true))
            continue;
        if (strict)
            log_error("  %s: %s: %s", x->item, control_state_name(x->state),
                      x->detail ? x->detail : "");
        else
            log_warn("  %s: %s: %s", x->item, control_state_name(x->state),
                     x->detail ? x->detail : "");
    }
    *out = c;
    return r;
}

int cmd_run(int argc, char **argv)
{
    _cleanup_opts_ struct common_opts o = {0};
    timing_mark("main");
    int first = parse_common(argc, argv, &o,
                             CLI_OPT_POLICY | CLI_OPT_WORKSPACE | CLI_OPT_NO_NAMESPACES |
                                 CLI_OPT_QUIET | CLI_OPT_MONITOR | CLI_STOP_AT_OPERAND,
                             run_help);
    if (first < 0)
        return first == -2 ? 0 : EXIT_SETUP_FAILED;
    if (first >= argc) {
        log_error("run: no command given (try `sandboxctl run -- sh`)");
        return EXIT_SETUP_FAILED;
    }
    log_quiet = o.quiet;
    struct policy *p = cli_load_policy(&o);
    if (!p)
        return EXIT_SETUP_FAILED;

    struct sandbox_config cfg = {.policy = p, .use_namespaces = !o.no_namespaces,
                                 .argv = argv + first, .notify_fd = -1, .net_fd = -1};
    int code = EXIT_SETUP_FAILED;
    struct cgroup_place cg_place = {.mode = CG_NONE};
    /* Placeholders a killed run left must go before we look at the
     * workspace, or they would pass for the user's own files. */
    journal_recover();
    if (fs_plan_build(p, &cfg.plan) < 0)
        goto out;
    /* The sandbox must not rewrite the policy that confines it. */
    for (int i = 0; i < o.n_policies; i++) {
        int r = fs_plan_protect_file(&cfg.plan, o.policies[i], "policy file");
        if (r < 0) {
            log_errno(-r, "protect %s", o.policies[i]);
            goto out;
        }
    }
    cfg.landlock_abi = landlock_abi_version();
    fill_identity(&cfg);
    cfg.cwd = inside_cwd(&cfg.plan);
    timing_mark("plan built");
    if (p->network.mode == NET_MODE_HOST)
        log_warn("network mode host: NO network isolation, the command uses the host's "
                 "network as it is");
    audit_new_run_id(cfg.run_id);
    cfg.monitor_seconds = o.monitor_seconds;
    struct audit_log log = {.fd = -1};
    struct controls controls = {0};
    cgroup_locate(&cg_place);
    cfg.cgroup_place = &cg_place;
    if (run_audit_open(&cfg, &log) < 0)
        goto out;
    if (judge_gaps(&cfg, &controls) < 0) {
        if (cfg.audit)
            audit_event(cfg.audit, "run.refused",
                        json_pack("{s:s}", "reason", "strict_mode: controls not enforceable"));
        goto out;
    }
    if (run_audit_start(&cfg, &controls, o.policies, o.n_policies) < 0)
        goto out;
    const char *tmpdir = cfg.plan.temp;
    if (!cfg.use_namespaces) {
        /* No mount namespace: a private directory stands in for the tmpfs. */
        _cleanup_free_ char *tmpl = xstrdup("/tmp/sandboxctl-XXXXXX");
        if (!mkdtemp(tmpl)) {
            log_errno(errno, "create a private temp directory");
            goto out;
        }
        cfg.hosts_tmp = TAKE_PTR(tmpl);
        tmpdir = cfg.hosts_tmp;
    } else if (cfg.plan.synthetic_etc) {
        size_t len = 0;
        if (read_file("/etc/ld.so.cache", 64 << 20, &cfg.ld_so_cache, &len) == 0)
            cfg.ld_so_cache_len = len;
    }
    cfg.envp = environ_build(environ, p, tmpdir,
                             cfg.use_namespaces && p->network.mode == NET_MODE_FILTERED);
    fflush(NULL);
    timing_mark("config ready");
    struct run_result res;
    code = supervisor_run(&cfg, &res);
    timing_mark("supervisor done");
    run_audit_end(&cfg, &res);
out:
    cgroup_place_free(&cg_place);
    controls_free(&controls);
    audit_close(&log);
    if (cfg.hosts_tmp) {
        rm_tree(cfg.hosts_tmp);
        free(cfg.hosts_tmp);
    }
    environ_free(cfg.envp);
    free(cfg.ld_so_cache);
    free(cfg.cwd);
    free(cfg.user_name);
    free(cfg.home);
    fs_plan_free(&cfg.plan);
    policy_free(p);
    return code;
}
