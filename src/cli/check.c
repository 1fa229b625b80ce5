/* sandboxctl check: validate a policy and say, control by control, which
 * layer enforces it on this host, or that nothing does and why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sandbox/cgroup.h"
#include "sandbox/controls.h"
#include "sandbox/hostprobe.h"
#include "sandbox/plan.h"
#include "util/cleanup.h"
#include "util/log.h"

static void check_help(void)
{
    printf("Usage: sandboxctl check [OPTIONS] [POLICY...]\n"
           "\n"
           "Validate the policy (POLICY operands and --policy files merge in order; none\n"
           "means the built-in default) and list every control with the layer that\n"
           "enforces it on this host, or NOT ENFORCED and why.\n"
           "\n"
           "Options:\n"
           "  -p, --policy FILE|DIR  as for run; repeatable\n"
           "  -w, --workspace DIR    as for run\n"
           "      --no-namespaces    judge the Landlock-only mode\n"
           "      --default          print the built-in default policy as JSON and exit\n"
           "      --json             machine-readable output\n"
           "  -q, --quiet            no warnings\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit status: 0 valid and fully enforceable; 1 invalid; 2 valid but not fully\n"
           "enforceable here (including a filtering network enforced as no network).\n");
}

int cmd_check(int argc, char **argv)
{
    _cleanup_opts_ struct common_opts o = {0};
    int first = parse_common(argc, argv, &o,
                             CLI_OPT_POLICY | CLI_OPT_WORKSPACE | CLI_OPT_NO_NAMESPACES |
                                 CLI_OPT_QUIET | CLI_OPT_DEFAULT | CLI_OPT_JSON,
                             check_help);
    if (first < 0)
        return first == -2 ? 0 : 1;
    for (int i = first; i < argc; i++)
        o.policies[o.n_policies++] = argv[i];
    log_quiet = o.quiet;
    if (o.use_default && o.n_policies) {
        log_error("check: --default prints the built-in policy; it takes no policy files");
            return 1;
    }
    struct policy *p = cli_load_policy(&o);
    if (!p) {
            return 1;
    }
    if (o.use_default) {
        _cleanup_free_ char *json = policy_to_json(p);
        printf("%s\n", json);
        policy_free(p);
            return 0;
    }
    struct sandbox_config cfg = {.policy = p, .use_namespaces = !o.no_namespaces};
    int code = 1;
    if (fs_plan_build(p, &cfg.plan) < 0)
        goto out;
    struct host_support h;
    host_probe(&h, false);
    if (cfg.use_namespaces && !h.userns) {
        log_warn("user namespaces are unavailable here (%s): judging --no-namespaces mode",
                 h.userns_detail);
        cfg.use_namespaces = false;
    }
    cfg.landlock_abi = h.landlock_abi;
    struct controls c;
    controls_collect(&cfg, &h, &c);
    size_t gaps = controls_gaps(&c, false);
    size_t conf_gaps = controls_gaps(&c, true);
    bool stricter = false;
    for (size_t i = 0; i < c.n; i++)
        stricter |= c.v[i].state == CTL_STRICTER;
    const char *mode = cfg.use_namespaces ? "namespaces" : "landlock-only";
    if (o.json) {
        _cleanup_free_ char *arr = controls_to_json(&c);
        printf("{\n  \"valid\": true,\n  \"mode\": \"%s\",\n  \"fully_enforceable\": %s,\n"
               "  \"strict_mode\": %s,\n  \"gaps\": %zu,\n  \"confinement_gaps\": %zu,\n"
               "  \"controls\": %s\n}\n",
               mode, gaps || stricter ? "false" : "true",
               p->enforcement.strict_mode ? "true" : "false", gaps, conf_gaps, arr);
    } else {
        printf("policy valid; sandbox mode: %s; Landlock ABI %d; limits via %s\n", mode,
               h.landlock_abi, cgroup_mode_name(h.cgroup));
        controls_print_text(&c, stdout);
        if (gaps)
            printf("%zu control(s) not fully enforced (%zu confinement)%s\n", gaps, conf_gaps,
                   p->enforcement.strict_mode && conf_gaps ? "; strict_mode: run will refuse"
                                                           : "");
        else if (stricter)
            printf("every control enforced; some more strictly than asked\n");
        else
            printf("every control enforced\n");
    }
    code = gaps || stricter ? 2 : 0;
    controls_free(&c);
    host_support_free(&h);
out:
    fs_plan_free(&cfg.plan);
    policy_free(p);
    return code;
}
