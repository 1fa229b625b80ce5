/* Loading and merging native policy files. */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy_test.h"

#define FS_SEED TEST_DATA_DIR "/file-system-policy.json"
#define NET_SEED TEST_DATA_DIR "/network-policy.json"

static struct policy *load_seeds(void)
{
    struct policy_error err = { 0 };
    struct policy *p = policy_new_base(&test_env);
    assert_int_equal(policy_load_path(p, FS_SEED, &test_env, &err), 0);
    assert_int_equal(policy_load_path(p, NET_SEED, &test_env, &err), 0);
    assert_int_equal(policy_finalize(p, &test_env, &err), 0);
    return p;
}

static void test_fs_seed(void **state)
{
    (void)state;
    struct policy *p = load_seeds();
    assert_string_equal(p->fs.mode, "whitelist");
    assert_string_equal(p->fs.workspace, "/workspace");
    assert_string_equal(p->fs.workspace_origin.where, FS_SEED ":5:15");
    assert_true(p->fs.workspace_writable);
    assert_true(p->fs.workspace_size_limit_gb == 10.0);
    assert_int_equal(p->fs.allowed.n, 5);
    assert_string_equal(p->fs.allowed.v[0], "/workspace/**");
    assert_string_equal(p->fs.allowed.origin[0].where, FS_SEED ":10:7");
    assert_string_equal(p->fs.allowed.v[4], "/bin");
    assert_int_equal(p->fs.denied.n, 9);
    assert_string_equal(p->fs.denied.v[6], "/home/u/.ssh/**");
    assert_string_equal(p->fs.denied.origin[6].where, FS_SEED ":23:7");
    assert_string_equal(p->fs.denied.v[8], "/home/u/.config/**");
    assert_int_equal(p->fs.readonly.n, 3);
    assert_string_equal(p->fs.readonly.v[1], "/usr/lib");
    assert_string_equal(p->fs.temp_path, "/tmp/sandbox");
    assert_int_equal(p->fs.temp_size_mb, 1000);
    assert_true(p->fs.temp_auto_cleanup);
    assert_true(p->fs.temp_cleanup_age_hours == 24.0);
    assert_true(p->enforcement.strict_mode);
    assert_string_equal(p->enforcement.symlink_resolution, "deny");
    assert_true(p->enforcement.case_sensitive);
    assert_true(p->enforcement.audit_all_access);
    policy_free(p);
}

static void test_net_seed(void **state)
{
    (void)state;
    struct policy *p = load_seeds();
    assert_int_equal(p->network.mode, NET_MODE_FILTERED);
    assert_true(p->network.mode_set);
    assert_string_equal(p->network.mode_word, "whitelist");
    assert_int_equal(p->network.trusted.n, 11);
    assert_string_equal(p->network.trusted.v[0], "*.anthropic.com");
    assert_string_equal(p->network.trusted.origin[0].where, NET_SEED ":5:7");
    assert_int_equal(p->network.blocked.n, 2);
    assert_int_equal(p->network.out_ports.n, 7);
    assert_int_equal(p->network.out_ports.v[2], 22);
    assert_int_equal(p->network.in_ports.n, 4);
    assert_int_equal(p->network.in_ports.v[3], 8080);
    assert_int_equal(p->network.proto_allowed.n, 4);
    assert_string_equal(p->network.proto_denied.v[2], "smtp");
    assert_true(p->network.rate_enabled);
    assert_int_equal(p->network.rate_per_minute, 100);
    assert_int_equal(p->network.rate_burst, 150);
    assert_string_equal(p->firewall.default_policy, "deny");
    assert_int_equal(p->firewall.egress.n, 1);
    assert_string_equal(p->firewall.egress.v[0].action, "allow");
    assert_string_equal(p->firewall.egress.v[0].endpoint, "trusted_domains");
    assert_int_equal(p->firewall.egress.v[0].ports.n, 2);
    assert_string_equal(p->firewall.egress.v[0].origin.where, NET_SEED ":60:7");
    assert_int_equal(p->firewall.ingress.n, 1);
    assert_string_equal(p->firewall.ingress.v[0].endpoint, "localhost");
    assert_int_equal(p->firewall.ingress.v[0].ports.v[2], 8080);
    policy_free(p);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    assert_non_null(in);
    assert_non_null(out);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

/* A policies/ directory: its *.json in name order, other files ignored;
 * loading it twice adds nothing (lists merge without duplicates). */
static void test_directory_merge(void **state)
{
    (void)state;
    char dir[] = "/tmp/policy-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char a[256], b[256], c[256];
    snprintf(a, sizeof a, "%s/10-fs.json", dir);
    snprintf(b, sizeof b, "%s/20-net.json", dir);
    snprintf(c, sizeof c, "%s/README.txt", dir);
    copy_file(FS_SEED, a);
    copy_file(NET_SEED, b);
    copy_file(NET_SEED, c);
    struct policy_error err = { 0 };
    struct policy *p = policy_new_base(&test_env);
    assert_int_equal(policy_load_path(p, dir, &test_env, &err), 0);
    assert_int_equal(policy_load_path(p, dir, &test_env, &err), 0);
    assert_int_equal(policy_finalize(p, &test_env, &err), 0);
    assert_int_equal(p->fs.allowed.n, 5);
    assert_int_equal(p->network.trusted.n, 11);
    assert_int_equal(p->network.out_ports.n, 7);
    assert_int_equal(p->firewall.egress.n, 1);
    /* Origins name the file in the directory. */
    char want[300];
    snprintf(want, sizeof want, "%s:10:7", a);
    assert_string_equal(p->fs.allowed.origin[0].where, want);
    policy_free(p);
    unlink(a);
    unlink(b);
    unlink(c);
    rmdir(dir);
}

static void test_empty_directory(void **state)
{
    (void)state;
    char dir[] = "/tmp/policy-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct policy_error err = { 0 };
    struct policy *p = policy_new_base(&test_env);
    assert_int_equal(policy_load_path(p, dir, &test_env, &err), -1);
    assert_non_null(strstr(err.msg, "no *.json policy files"));
    assert_int_equal(policy_load_path(p, "/nonexistent/x.json", &test_env, &err), -1);
    assert_string_equal(err.msg, "/nonexistent/x.json: cannot read: No such file or directory");
    policy_free(p);
    rmdir(dir);
}

static void test_merge_rules(void **state)
{
    (void)state;
    struct policy_error err;
    struct policy *p;
    assert_int_equal(load_str(&p,
        "{\"resources\": {\"memory_mb\": 100, \"pids\": 5},"
        " \"network\": {\"trusted_domains\": [\"a.com\", \"B.com\"],"
        "   \"hosts\": {\"a.com\": \"10.0.0.1\"}, \"allowed_ports\": {\"outbound\": [443]}},"
        " \"environment\": {\"deny\": [\"MY_*\", \"AWS_*\"]}}", &test_env, &err), 0);
    const char *second =
        "{\"resources\": {\"memory_mb\": 200},"
        " \"network\": {\"trusted_domains\": [\"b.com\", \"c.com\"],"
        "   \"hosts\": {\"a.com\": \"10.0.0.2\", \"d.com\": \"::1\"},"
        "   \"allowed_ports\": {\"outbound\": [443, 80]}}}";
    assert_int_equal(policy_load_buffer(p, "u.json", second, strlen(second), &test_env, &err), 0);
    assert_int_equal(p->resources.memory_mb, 200);  /* later scalar wins */
    assert_int_equal(p->resources.pids, 5);         /* untouched key kept */
    assert_int_equal(p->resources.nofile, 4096);    /* default kept */
    assert_int_equal(p->network.trusted.n, 3);      /* b.com == B.com */
    assert_string_equal(p->network.trusted.v[1], "b.com");
    assert_string_equal(p->network.trusted.origin[1].where, "t.json:1:87");
    assert_string_equal(p->network.trusted.v[2], "c.com");
    assert_non_null(strstr(p->network.trusted.origin[2].where, "u.json:1:"));
    assert_int_equal(p->network.n_hosts, 2);
    assert_string_equal(p->network.hosts[0].address, "10.0.0.2");
    assert_int_equal(p->network.out_ports.n, 2);
    /* environment.deny appends to the eighteen built-in patterns. */
    assert_int_equal(p->environment.deny.n, 19);
    assert_string_equal(p->environment.deny.v[18], "MY_*");
    policy_free(p);
}

static const char *expand_one(const char *path, const struct policy_env *env, char *out, size_t n)
{
    struct policy_error err;
    struct policy *p;
    char json[512];
    snprintf(json, sizeof json, "{\"file_system\": {\"allowed_paths\": [\"%s\"]}}", path);
    int r = load_str(&p, json, env, &err);
    if (r == 0)
        snprintf(out, n, "%s", p->fs.allowed.v[0]);
    else
        snprintf(out, n, "ERR %s", err.msg);
    policy_free(p);
    return out;
}

static void test_variables(void **state)
{
    (void)state;
    char b[1100];
    assert_string_equal(expand_one("~", &test_env, b, sizeof b), "/home/u");
    assert_string_equal(expand_one("~/.ssh/**", &test_env, b, sizeof b), "/home/u/.ssh/**");
    assert_string_equal(expand_one("${HOME}/x", &test_env, b, sizeof b), "/home/u/x");
    assert_string_equal(expand_one("${TMPDIR}/x", &test_env, b, sizeof b), "/var/tmp/t/x");
    assert_string_equal(expand_one("${WORKSPACE}/**", &test_env, b, sizeof b), "/src/proj/**");
    assert_string_equal(expand_one("/a//b/./c/../d/**", &test_env, b, sizeof b), "/a/b/d/**");
    assert_string_equal(expand_one("/a/b/", &test_env, b, sizeof b), "/a/b");
    struct policy_env ws = test_env;
    ws.workspace = "/w";
    assert_string_equal(expand_one("${WORKSPACE}/src", &ws, b, sizeof b), "/w/src");
    struct policy_env nohome = test_env;
    nohome.home = NULL;
    assert_string_equal(expand_one("~/x", &nohome, b, sizeof b),
        "ERR t.json:1:36: file_system.allowed_paths[0]: ~ is used but HOME is not set; "
        "expected an absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}");
}

/* ${WORKSPACE} means the workspace the file declares, even when the
 * declaration comes after the paths that use it. */
static void test_workspace_variable_order(void **state)
{
    (void)state;
    struct policy_error err;
    struct policy *p;
    assert_int_equal(load_str(&p,
        "{\"file_system\": {\"allowed_paths\": [\"${WORKSPACE}/**\"],"
        " \"workspace\": {\"path\": \"~/proj\"}}}", &test_env, &err), 0);
    assert_string_equal(p->fs.allowed.v[0], "/home/u/proj/**");
    assert_string_equal(p->fs.workspace, "/home/u/proj");
    assert_string_equal(p->fs.workspace_declared, "/home/u/proj");
    /* A second file's ${WORKSPACE} still means the declared one. */
    const char *second = "{\"file_system\": {\"denied_paths\": [\"${WORKSPACE}/.env\"]}}";
    assert_int_equal(policy_load_buffer(p, "u.json", second, strlen(second), &test_env, &err), 0);
    assert_string_equal(p->fs.denied.v[0], "/home/u/proj/.env");
    policy_free(p);
}

static void test_all_sections(void **state)
{
    (void)state;
    struct policy_error err;
    struct policy *p;
    int r = load_str(&p,
        "{\"file_system\": {\"writable_paths\": [\"/data\"], \"unprotected_paths\": [\".vscode/\"],"
        "  \"workspace\": {\"permissions\": \"read-only\", \"size_limit_gb\": 1.5}},"
        " \"network\": {\"mode\": \"host\", \"blocked_domains\": [\"10.0.0.0/8\", \"FD00::/8\", \"Example.COM.\"],"
        "  \"dns\": {\"upstream\": \"[2001:db8::1]:5353\"}},"
        " \"firewall\": {\"default_policy\": \"allow\", \"egress_rules\": [{\"action\": \"deny\", \"destination\": \"169.254.169.254\"}]},"
        " \"resources\": {\"cpu_seconds\": 0, \"timeout_seconds\": 600},"
        " \"audit\": {\"path\": \"${TMPDIR}/audit.jsonl\"},"
        " \"environment\": {\"allow\": [\"GITHUB_TOKEN\"]}}", &test_env, &err);
    assert_int_equal(r, 0);
    assert_string_equal(p->fs.writable.v[0], "/data");
    assert_string_equal(p->fs.unprotected.v[0], ".vscode");
    assert_false(p->fs.workspace_writable);
    assert_true(p->fs.workspace_size_limit_gb == 1.5);
    assert_int_equal(p->network.mode, NET_MODE_HOST);
    assert_string_equal(p->network.blocked.v[1], "fd00::/8");
    assert_string_equal(p->network.blocked.v[2], "example.com");
    assert_string_equal(p->network.dns_upstream, "[2001:db8::1]:5353");
    assert_string_equal(p->firewall.default_policy, "allow");
    assert_string_equal(p->firewall.egress.v[0].endpoint, "169.254.169.254");
    assert_int_equal(p->firewall.egress.v[0].ports.n, 0);
    assert_int_equal(p->resources.timeout_seconds, 600);
    assert_string_equal(p->audit.path, "/var/tmp/t/audit.jsonl");
    assert_string_equal(p->environment.allow.v[0], "GITHUB_TOKEN");
    policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fs_seed),
        cmocka_unit_test(test_net_seed),
        cmocka_unit_test(test_directory_merge),
        cmocka_unit_test(test_empty_directory),
        cmocka_unit_test(test_merge_rules),
        cmocka_unit_test(test_variables),
        cmocka_unit_test(test_workspace_variable_order),
        cmocka_unit_test(test_all_sections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
