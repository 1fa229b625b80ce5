/* Judge the generated policy exactly as `check` would on this host. */
#include <stdio.h>
#include <string.h>

#include "configurator/assess.h"
#include "util/log.h"

const char *const init_policy_file_names[INIT_N_POLICY_FILES] = {
    [INIT_FILE_FS] = "file-system-policy.json",
    [INIT_FILE_NET] = "network-policy.json",
    [INIT_FILE_RES] = "resource-policy.json",
};

static void copy_host(struct host_support *dst, const struct host_support *src)
{
    *dst = *src;
    dst->userns_detail = src->userns_detail ? xstrdup(src->userns_detail) : NULL;
    dst->cgroup_detail = src->cgroup_detail ? xstrdup(src->cgroup_detail) : NULL;
    dst->nftables_detail = src->nftables_detail ? xstrdup(src->nftables_detail) : NULL;
}

int init_assess(const char *const texts[INIT_N_POLICY_FILES], const struct policy_env *env,
                const struct host_support *host, struct init_assessment *a,
                struct policy_error *err)
{
    *a = (struct init_assessment){0};
    a->policy = policy_new_base(env);
    for (int i = 0; i < INIT_N_POLICY_FILES; i++) {
        if (policy_load_buffer(a->policy, init_policy_file_names[i], texts[i],
                               strlen(texts[i]), env, err) < 0)
            return -1;
    }
    if (policy_finalize(a->policy, env, err) < 0)
        return -1;
    if (fs_plan_build(a->policy, &a->cfg.plan) < 0) {
        snprintf(err->msg, sizeof err->msg, "workspace %s: cannot resolve the file-system "
                 "view (is it an existing directory?)", a->policy->fs.workspace);
        return -1;
    }
    if (host)
        copy_host(&a->host, host);
    else
        host_probe(&a->host, false);
    a->cfg.policy = a->policy;
    a->cfg.use_namespaces = a->host.userns;
    a->cfg.landlock_abi = a->host.landlock_abi;
    a->cfg.cgroup = a->host.cgroup;
    controls_collect(&a->cfg, &a->host, &a->controls);
    a->gaps = controls_gaps(&a->controls, false);
    a->refusals = controls_gaps(&a->controls, true);
    risk_assess(a->policy, &a->controls, a->cfg.use_namespaces, env->home, &a->risk);
    return 0;
}

void init_assessment_free(struct init_assessment *a)
{
    risk_matrix_free(&a->risk);
    controls_free(&a->controls);
    host_support_free(&a->host);
    fs_plan_free(&a->cfg.plan);
    policy_free(a->policy);
    *a = (struct init_assessment){0};
}
