/* init: each profile's three files load as a native policy with the
 * expected values, and stay portable (${WORKSPACE}, ~). */
#include "policy_test.h"

#include "configurator/profile.h"

struct loaded {
    struct policy *p;
    char *fs, *net, *res;
};

static void load_profile(struct init_profile *prof, const struct policy_env *env,
                         struct loaded *l)
{
    struct policy_error err = { { 0 } };
    l->fs = init_profile_fs_json(prof);
    l->net = init_profile_net_json(prof);
    l->res = init_profile_res_json(prof);
    l->p = policy_new_base(env);
    assert_int_equal(policy_load_buffer(l->p, "fs.json", l->fs, strlen(l->fs), env, &err), 0);
    assert_int_equal(policy_load_buffer(l->p, "net.json", l->net, strlen(l->net), env, &err), 0);
    assert_int_equal(policy_load_buffer(l->p, "res.json", l->res, strlen(l->res), env, &err), 0);
    if (policy_finalize(l->p, env, &err) != 0)
        fail_msg("finalize: %s", err.msg);
}

static void unload(struct loaded *l)
{
    policy_free(l->p);
    free(l->fs);
    free(l->net);
    free(l->res);
}

static struct loaded by_name(const char *name)
{
    struct init_profile *prof = init_profile_new(name);
    assert_non_null(prof);
    struct loaded l;
    load_profile(prof, &test_env, &l);
    init_profile_free(prof);
    return l;
}

static void test_agent(void **state)
{
    (void)state;
    struct loaded l = by_name("agent");
    const struct policy *p = l.p;
    assert_string_equal(p->fs.workspace, "/src/proj");
    assert_true(p->fs.workspace_writable);
    assert_int_not_equal(list_index(&p->fs.readonly, "/usr"), (size_t)-1);
    assert_int_not_equal(list_index(&p->fs.readonly, "/etc"), (size_t)-1);
    assert_int_not_equal(list_index(&p->fs.denied, "/etc/shadow"), (size_t)-1);
    assert_int_not_equal(list_index(&p->fs.denied, "/home/u/.ssh"), (size_t)-1);
    assert_int_not_equal(list_index(&p->fs.denied, "/home/u/.aws"), (size_t)-1);
    assert_int_not_equal(list_index(&p->fs.denied, "/src/proj/.env"), (size_t)-1);
    assert_int_equal(p->network.mode, NET_MODE_FILTERED);
    assert_true(p->network.mode_set);
    /* the seed's trusted domains */
    static const char *const seed[] = { "*.anthropic.com", "api.openai.com", "github.com",
        "*.github.com", "raw.githubusercontent.com", "npmjs.org", "*.npmjs.org", "pypi.org",
        "*.pypi.org", "docker.io", "*.docker.io", NULL };
    for (size_t i = 0; seed[i]; i++)
        assert_int_not_equal(list_index(&p->network.trusted, seed[i]), (size_t)-1);
    assert_int_not_equal(list_index(&p->network.blocked, "suspicious-domain.net"), (size_t)-1);
    assert_int_equal(p->network.out_ports.n, 3);
    assert_int_equal(p->network.out_ports.v[0], 443);
    assert_int_equal(p->network.in_ports.n, 0);
    assert_true(p->network.rate_enabled);
    assert_int_equal(p->network.rate_per_minute, 100);
    assert_int_equal(p->firewall.egress.n, 1);
    assert_string_equal(p->firewall.egress.v[0].endpoint, "trusted_domains");
    assert_false(p->enforcement.strict_mode);
    assert_int_equal(p->resources.memory_mb, 4096);
    assert_int_equal(p->resources.pids, 512);
    assert_int_equal(p->resources.fsize_mb, 2048);
    assert_int_equal(p->fs.temp_size_mb, 1024);
    /* every limit counts as asked for by a policy file */
    assert_int_equal(p->resources.set_by_policy & 0x3f, 0x3f);
    unload(&l);
}

static void test_strict(void **state)
{
    (void)state;
    struct loaded l = by_name("strict");
    const struct policy *p = l.p;
    assert_int_equal(p->network.mode, NET_MODE_NONE);
    assert_true(p->network.mode_set);
    assert_int_equal(p->network.trusted.n, 0);
    assert_int_equal(p->firewall.egress.n, 0);
    assert_true(p->enforcement.strict_mode);
    assert_int_equal(p->resources.memory_mb, 1024);
    assert_int_equal(p->resources.pids, 128);
    assert_int_equal(p->resources.cpu_seconds, 600);
    assert_int_equal(p->resources.timeout_seconds, 1800);
    assert_int_equal(p->fs.temp_size_mb, 256);
    assert_true(p->fs.workspace_size_limit_gb > 1.9 && p->fs.workspace_size_limit_gb < 2.1);
    unload(&l);
}

static void test_web_dev(void **state)
{
    (void)state;
    struct loaded l = by_name("web-dev");
    const struct policy *p = l.p;
    assert_int_equal(p->network.mode, NET_MODE_FILTERED);
    static const uint16_t dev[] = { 3000, 5173, 8000, 8080 };
    assert_int_equal(p->network.in_ports.n, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(p->network.in_ports.v[i], dev[i]);
        bool out = false;
        for (size_t j = 0; j < p->network.out_ports.n; j++)
            out |= p->network.out_ports.v[j] == dev[i];
        assert_true(out);
    }
    assert_int_equal(p->network.n_hosts, 1);
    assert_string_equal(p->network.hosts[0].name, "localhost");
    assert_string_equal(p->network.hosts[0].address, "127.0.0.1");
    assert_int_not_equal(list_index(&p->network.trusted, "localhost"), (size_t)-1);
    assert_int_not_equal(list_index(&p->network.trusted, "pypi.org"), (size_t)-1);
    assert_int_equal(p->firewall.ingress.n, 1);
    assert_string_equal(p->firewall.ingress.v[0].endpoint, "localhost");
    assert_int_equal(p->resources.memory_mb, 8192);
    /* dev servers read .env: not denied here */
    assert_int_equal(list_index(&p->fs.denied, "/src/proj/.env"), (size_t)-1);
    unload(&l);
}

static void test_offline(void **state)
{
    (void)state;
    struct loaded l = by_name("offline");
    assert_int_equal(l.p->network.mode, NET_MODE_NONE);
    assert_false(l.p->enforcement.strict_mode);
    assert_int_equal(l.p->resources.memory_mb, 4096);
    assert_int_equal(l.p->resources.pids, 1024);
    assert_int_equal(l.p->resources.timeout_seconds, 0);
    unload(&l);
}

static void test_portable_text(void **state)
{
    (void)state;
    for (size_t i = 0; init_profile_names[i]; i++) {
        struct init_profile *prof = init_profile_new(init_profile_names[i]);
        char *fs = init_profile_fs_json(prof);
        assert_non_null(strstr(fs, "\"path\": \"${WORKSPACE}\""));
        assert_non_null(strstr(fs, "\"~/.ssh\""));
        assert_null(strstr(fs, "/home/"));
        free(fs);
        init_profile_free(prof);
    }
    assert_null(init_profile_new("nope"));
    assert_null(init_profile_new(NULL));
}

/* The same files follow another workspace: --workspace or an absolute one. */
static void test_workspace(void **state)
{
    (void)state;
    struct policy_env env = test_env;
    env.workspace = "/elsewhere/ws";
    struct init_profile *prof = init_profile_new("agent");
    struct loaded l;
    load_profile(prof, &env, &l);
    assert_string_equal(l.p->fs.workspace, "/elsewhere/ws");
    assert_int_not_equal(list_index(&l.p->fs.denied, "/elsewhere/ws/.env"), (size_t)-1);
    unload(&l);
    free(prof->workspace);
    prof->workspace = strdup("/opt/w");
    load_profile(prof, &test_env, &l);
    assert_string_equal(l.p->fs.workspace, "/opt/w");
    assert_int_not_equal(list_index(&l.p->fs.denied, "/opt/w/.env"), (size_t)-1);
    unload(&l);
    init_profile_free(prof);
}

static void test_add_domain(void **state)
{
    (void)state;
    char why[256];
    struct init_profile *prof = init_profile_new("offline");
    assert_false(prof->network);
    assert_int_equal(init_profile_add_domain(prof, "bad..name", why, sizeof why), -1);
    assert_non_null(strstr(why, "bad..name"));
    assert_false(prof->network);
    assert_int_equal(init_profile_add_domain(prof, "API.Example.COM", why, sizeof why), 0);
    assert_true(prof->network);
    struct loaded l;
    load_profile(prof, &test_env, &l);
    assert_int_equal(l.p->network.mode, NET_MODE_FILTERED);
    assert_int_not_equal(list_index(&l.p->network.trusted, "api.example.com"), (size_t)-1);
    unload(&l);
    init_profile_free(prof);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agent),
        cmocka_unit_test(test_strict),
        cmocka_unit_test(test_web_dev),
        cmocka_unit_test(test_offline),
        cmocka_unit_test(test_portable_text),
        cmocka_unit_test(test_workspace),
        cmocka_unit_test(test_add_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
