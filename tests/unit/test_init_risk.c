/* init: the risk matrix follows from the policy and from what the host
 * enforces (a fake host here, so the results do not depend on the machine). */
#include "policy_test.h"

#include "configurator/assess.h"
#include "configurator/profile.h"

/* A workspace that exists (fs_plan_build stats it) and a home elsewhere. */
static const struct policy_env env_tmp = {
    .home = "/nonexistent-home/u", .cwd = "/tmp", .tmpdir = "/tmp", .workspace = NULL,
};

static const struct host_support full_host = {
    .userns = true, .landlock_abi = 6, .seccomp = true, .cgroup = CG_V2,
};

static const struct host_support bare_host = {
    .userns = false, .landlock_abi = 0, .seccomp = false, .cgroup = CG_NONE,
};

/* The agent profile's files with the network file replaced by net (when
 * not NULL) and the resources by res. */
static void assess(struct init_assessment *a, const char *net, const char *res,
                   const struct host_support *h, const struct policy_env *env)
{
    struct init_profile *prof = init_profile_new("agent");
    char *t[INIT_N_POLICY_FILES] = { init_profile_fs_json(prof), init_profile_net_json(prof),
                                     init_profile_res_json(prof) };
    const char *use[INIT_N_POLICY_FILES] = { t[0], net ? net : t[1], res ? res : t[2] };
    struct policy_error err = { { 0 } };
    if (init_assess(use, env ? env : &env_tmp, h, a, &err) != 0)
        fail_msg("assess: %s", err.msg);
    for (int i = 0; i < INIT_N_POLICY_FILES; i++)
        free(t[i]);
    init_profile_free(prof);
}

static const struct risk_row *row(const struct init_assessment *a, enum threat t)
{
    return &a->risk.rows[t];
}

static bool has_reason(const struct risk_row *r, enum risk_level lvl, const char *needle)
{
    for (size_t i = 0; i < r->n_reasons; i++)
        if (r->reasons[i].raises == lvl && strstr(r->reasons[i].text, needle))
            return true;
    return false;
}

static void test_combine(void **state)
{
    (void)state;
    assert_int_equal(risk_combine(RISK_LOW, RISK_HIGH), RISK_LOW);
    assert_int_equal(risk_combine(RISK_LOW, RISK_CRITICAL), RISK_MEDIUM);
    assert_int_equal(risk_combine(RISK_MEDIUM, RISK_CRITICAL), RISK_HIGH);
    assert_int_equal(risk_combine(RISK_HIGH, RISK_HIGH), RISK_HIGH);
    assert_int_equal(risk_combine(RISK_HIGH, RISK_MEDIUM), RISK_MEDIUM);
    assert_int_equal(risk_combine(RISK_HIGH, RISK_CRITICAL), RISK_CRITICAL);
    assert_string_equal(threat_name(THREAT_FILE_ESCAPE), "File Escape");
    assert_string_equal(threat_name(THREAT_PRIVILEGE_ESCALATION), "Privilege Escalation");
}

static void test_network_none_is_low(void **state)
{
    (void)state;
    struct init_assessment a;
    assess(&a, "{\"network\": {\"mode\": \"none\"}}", NULL, &full_host, NULL);
    const struct risk_row *r = row(&a, THREAT_NETWORK_INTRUSION);
    assert_int_equal(r->likelihood, RISK_LOW);
    assert_int_equal(r->level, RISK_LOW);
    assert_int_equal(r->priority, 2);
    assert_true(has_reason(r, RISK_LOW, "network.mode none"));
    assert_int_equal(row(&a, THREAT_DATA_EXFILTRATION)->likelihood, RISK_LOW);
    init_assessment_free(&a);
}

static void test_network_host_is_high(void **state)
{
    (void)state;
    struct init_assessment a;
    assess(&a, "{\"network\": {\"mode\": \"host\"}}", NULL, &full_host, NULL);
    const struct risk_row *r = row(&a, THREAT_NETWORK_INTRUSION);
    assert_int_equal(r->likelihood, RISK_HIGH);
    assert_int_equal(r->level, RISK_HIGH);
    assert_int_equal(r->priority, 0);
    assert_true(has_reason(r, RISK_HIGH, "network.mode host"));
    assert_int_equal(row(&a, THREAT_DATA_EXFILTRATION)->level, RISK_CRITICAL);
    /* host loopback services and abstract sockets: an escalation path */
    assert_true(has_reason(row(&a, THREAT_PRIVILEGE_ESCALATION), RISK_MEDIUM,
                           "network.mode host"));
    init_assessment_free(&a);
}

static void test_allow_list_length(void **state)
{
    (void)state;
    struct init_assessment a;
    assess(&a, "{\"network\": {\"trusted_domains\": [\"api.anthropic.com\", \"github.com\"],"
               " \"allowed_ports\": {\"outbound\": [443]}}}", NULL, &full_host, NULL);
    assert_int_equal(row(&a, THREAT_NETWORK_INTRUSION)->level, RISK_LOW);
    assert_int_equal(row(&a, THREAT_DATA_EXFILTRATION)->likelihood, RISK_LOW);
    init_assessment_free(&a);
    /* the agent profile's list: 12 names, wildcards */
    assess(&a, NULL, NULL, &full_host, NULL);
    const struct risk_row *r = row(&a, THREAT_NETWORK_INTRUSION);
    assert_int_equal(r->likelihood, RISK_MEDIUM);
    assert_true(has_reason(r, RISK_MEDIUM, "network.trusted_domains: 12 names"));
    assert_int_equal(row(&a, THREAT_DATA_EXFILTRATION)->level, RISK_HIGH);
    init_assessment_free(&a);
    /* a short list with one wildcard is not short */
    assess(&a, "{\"network\": {\"trusted_domains\": [\"*.example.com\"],"
               " \"allowed_ports\": {\"outbound\": [443]}}}", NULL, &full_host, NULL);
    assert_int_equal(row(&a, THREAT_NETWORK_INTRUSION)->likelihood, RISK_MEDIUM);
    init_assessment_free(&a);
    /* six exact names: longer than a list one reviews at a glance */
    assess(&a, "{\"network\": {\"trusted_domains\": [\"a.example\", \"b.example\", "
               "\"c.example\", \"d.example\", \"e.example\", \"f.example\"],"
               " \"allowed_ports\": {\"outbound\": [443]}}}", NULL, &full_host, NULL);
    assert_int_equal(row(&a, THREAT_NETWORK_INTRUSION)->likelihood, RISK_MEDIUM);
    assert_true(has_reason(row(&a, THREAT_DATA_EXFILTRATION), RISK_MEDIUM, "6 destinations"));
    init_assessment_free(&a);
}

static void test_inbound_and_loopback(void **state)
{
    (void)state;
    struct init_assessment a;
    assess(&a, "{\"network\": {\"trusted_domains\": [\"localhost\"], \"hosts\": "
               "{\"localhost\": \"127.0.0.1\"}, \"allowed_ports\": {\"outbound\": [8000], "
               "\"inbound\": [3000]}}}", NULL, &full_host, NULL);
    const struct risk_row *r = row(&a, THREAT_NETWORK_INTRUSION);
    assert_int_equal(r->likelihood, RISK_MEDIUM);
    assert_true(has_reason(r, RISK_MEDIUM, "allowed_ports.inbound"));
    assert_true(has_reason(r, RISK_MEDIUM, "`localhost`"));
    init_assessment_free(&a);
}

static void test_resources_by_layer(void **state)
{
    (void)state;
    const char *bounded = "{\"resources\": {\"memory_mb\": 512, \"pids\": 64, "
                          "\"timeout_seconds\": 60, \"fsize_mb\": 100}}";
    struct init_assessment a;
    assess(&a, NULL, bounded, &full_host, NULL);
    const struct risk_row *r = row(&a, THREAT_RESOURCE_EXHAUSTION);
    assert_int_equal(r->likelihood, RISK_LOW);
    assert_true(has_reason(r, RISK_LOW, "cgroup v2"));
    init_assessment_free(&a);
    /* the same limits on a host with rlimits only */
    struct host_support rl = full_host;
    rl.cgroup = CG_NONE;
    assess(&a, NULL, bounded, &rl, NULL);
    r = row(&a, THREAT_RESOURCE_EXHAUSTION);
    assert_int_equal(r->likelihood, RISK_MEDIUM);
    assert_true(has_reason(r, RISK_MEDIUM, "RLIMIT_AS"));
    init_assessment_free(&a);
    /* absent limits */
    assess(&a, NULL, "{\"resources\": {\"memory_mb\": 0, \"pids\": 0}}", &full_host, NULL);
    r = row(&a, THREAT_RESOURCE_EXHAUSTION);
    assert_int_equal(r->likelihood, RISK_HIGH);
    assert_true(has_reason(r, RISK_HIGH, "resources.pids is 0"));
    init_assessment_free(&a);
}

static void test_file_escape(void **state)
{
    (void)state;
    struct init_assessment a;
    assess(&a, NULL, NULL, &full_host, NULL);
    const struct risk_row *r = row(&a, THREAT_FILE_ESCAPE);
    assert_int_equal(r->likelihood, RISK_LOW);
    assert_int_equal(r->impact, RISK_CRITICAL);
    assert_true(has_reason(r, RISK_LOW, "persistence paths"));
    init_assessment_free(&a);
    /* no namespaces, no Landlock: nothing enforces the path rules */
    assess(&a, NULL, NULL, &bare_host, NULL);
    r = row(&a, THREAT_FILE_ESCAPE);
    assert_int_equal(r->likelihood, RISK_HIGH);
    assert_true(has_reason(r, RISK_HIGH, "not enforced"));
    assert_int_equal(row(&a, THREAT_PRIVILEGE_ESCALATION)->likelihood, RISK_HIGH);
    init_assessment_free(&a);
}

/* The workspace is the home directory: credentials there are visible
 * unless denied. The profile denies them by name; a policy without the
 * denials rates High. */
static void test_secrets(void **state)
{
    (void)state;
    struct policy_env env = env_tmp;
    env.home = "/tmp";
    struct init_assessment a;
    assess(&a, NULL, NULL, &full_host, &env);
    const struct risk_row *r = row(&a, THREAT_FILE_ESCAPE);
    assert_true(has_reason(r, RISK_MEDIUM, "contains the home directory"));
    assert_false(has_reason(r, RISK_HIGH, "credential"));
    init_assessment_free(&a);
    const char *fs = "{\"file_system\": {\"readonly_paths\": [\"/usr\"]}}";
    const char *res = "{\"resources\": {\"pids\": 10}}";
    const char *t[INIT_N_POLICY_FILES] = { fs, "{\"network\": {\"mode\": \"filtered\", "
                                           "\"trusted_domains\": [\"a.example\"]}}", res };
    struct policy_error err = { { 0 } };
    assert_int_equal(init_assess(t, &env, &full_host, &a, &err), 0);
    assert_true(has_reason(row(&a, THREAT_FILE_ESCAPE), RISK_HIGH, "~/.ssh"));
    assert_true(has_reason(row(&a, THREAT_DATA_EXFILTRATION), RISK_HIGH, "~/.ssh"));
    init_assessment_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_combine),
        cmocka_unit_test(test_network_none_is_low),
        cmocka_unit_test(test_network_host_is_high),
        cmocka_unit_test(test_allow_list_length),
        cmocka_unit_test(test_inbound_and_loopback),
        cmocka_unit_test(test_resources_by_layer),
        cmocka_unit_test(test_file_escape),
        cmocka_unit_test(test_secrets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
