/* Defaults, --workspace rebasing, network mode, conflicts, round trip. */
#include "policy_test.h"

#define FS_SEED TEST_DATA_DIR "/file-system-policy.json"
#define NET_SEED TEST_DATA_DIR "/network-policy.json"

static void test_base(void **state)
{
    (void)state;
    struct policy *p = policy_new_base(&test_env);
    assert_string_equal(p->fs.workspace, "/src/proj");
    assert_string_equal(p->fs.workspace_origin.where, "built-in");
    assert_null(p->fs.workspace_declared);
    assert_true(p->fs.workspace_writable);
    assert_string_equal(p->fs.temp_path, "/tmp");
    assert_int_equal(p->fs.temp_size_mb, 512);
    assert_int_equal(p->fs.allowed.n + p->fs.denied.n + p->fs.readonly.n, 0);
    assert_int_equal(p->resources.memory_mb, 4096);
    assert_int_equal(p->resources.fsize_mb, 8192);
    assert_int_equal(p->environment.deny.n, 18);
    assert_string_equal(p->environment.deny.v[17], "*_AUTH_*");
    assert_string_equal(p->environment.deny.v[7], "LD_PRELOAD");
    assert_string_equal(p->environment.deny.v[0], "AWS_*");
    assert_string_equal(p->environment.deny.v[6], "GPG_AGENT_INFO");
    assert_null(p->audit.path);
    policy_free(p);
}

static void test_default(void **state)
{
    (void)state;
    struct policy_error err;
    struct policy *p = policy_new_default(&test_env);
    assert_int_equal(p->fs.readonly.n, 9);
    assert_string_equal(p->fs.readonly.v[7], "/etc");
    /* 8 /etc secrets, the home tree, 13 named credentials inside it */
    assert_int_equal(p->fs.denied.n, 22);
    assert_string_equal(p->fs.denied.v[8], "/home/u/**");
    assert_string_equal(p->fs.denied.origin[8].where, "built-in");
    assert_string_equal(p->fs.denied.v[9], "/home/u/.ssh");
    /* A workspace inside the hidden home is fine: the more specific rule wins. */
    struct policy_env env = test_env;
    env.workspace = "/home/u/proj";
    assert_int_equal(policy_finalize(p, &env, &err), 0);
    assert_string_equal(p->fs.workspace, "/home/u/proj");
    assert_int_equal(p->network.mode, NET_MODE_NONE);
    assert_string_equal(p->network.mode_word, "none");
    policy_free(p);
    assert_string_equal(policy_protected_paths[0], ".git/hooks");
    assert_string_equal(policy_protected_paths[17], ".claude/agents");
    assert_string_equal(policy_protected_paths[19], ".claude/settings.local.json");
    assert_null(policy_protected_paths[20]);
}

// The seed's "/workspace/**" follows --workspace; other paths stay.
static void test_rebase(void **state)
{
    (void)state;
    struct policy_error err = { 0 };
    struct policy_env env = test_env;
    env.workspace = "/home/u/proj/";
    struct policy *p = policy_new_base(&env);
    assert_string_equal(p->fs.workspace_origin.where, "--workspace");
    assert_int_equal(policy_load_path(p, FS_SEED, &env, &err), 0);
    const char *extra = "{\"file_system\": {\"writable_paths\": [\"/workspace/out\", \"/workspaces\"],"
                        " \"temp_directory\": {\"path\": \"/workspace/.tmp\"}}}";
    assert_int_equal(policy_load_buffer(p, "x.json", extra, strlen(extra), &env, &err), 0);
    assert_int_equal(policy_finalize(p, &env, &err), 0);
    assert_string_equal(p->fs.workspace, "/home/u/proj");
    assert_string_equal(p->fs.workspace_origin.where, "--workspace");
    assert_string_equal(p->fs.allowed.v[0], "/home/u/proj/**");
    assert_string_equal(p->fs.allowed.origin[0].where, FS_SEED ":10:7");
    assert_string_equal(p->fs.allowed.v[1], "/tmp/sandbox/**");
    assert_string_equal(p->fs.writable.v[0], "/home/u/proj/out");
    assert_string_equal(p->fs.writable.v[1], "/workspaces"); /* not under /workspace */
    assert_string_equal(p->fs.temp_path, "/home/u/proj/.tmp");
    assert_string_equal(p->fs.denied.v[6], "/home/u/.ssh/**");
    policy_free(p);
}

/* A workspace nested in the declared one must not be rebased twice. */
static void test_finalize_idempotent(void **state)
{
    (void)state;
    struct policy_error err = { 0 };
    struct policy_env env = test_env;
    env.workspace = "/workspace/sub";
    struct policy *p = policy_new_base(&env);
    assert_int_equal(policy_load_path(p, FS_SEED, &env, &err), 0);
    assert_int_equal(policy_finalize(p, &env, &err), 0);
    assert_int_equal(policy_finalize(p, &env, &err), 0);
    assert_string_equal(p->fs.allowed.v[0], "/workspace/sub/**");
    policy_free(p);
}

static void test_relative_workspace(void **state)
{
    (void)state;
    struct policy_error err = { 0 };
    struct policy_env env = test_env;
    env.workspace = "proj";
    struct policy *p = policy_new_base(&env);
    assert_int_equal(policy_finalize(p, &env, &err), -1);
    assert_string_equal(err.msg, "--workspace: \"proj\" is not an absolute path; expected an absolute directory");
    policy_free(p);
}

static void test_network_mode(void **state)
{
    (void)state;
    struct policy_error err;
    struct policy *p;
    assert_int_equal(load_str(&p, "{\"network\": {\"trusted_domains\": [\"a.com\"]}}", &test_env, &err), 0);
    assert_int_equal(policy_finalize(p, &test_env, &err), 0);
    assert_int_equal(p->network.mode, NET_MODE_FILTERED);
    assert_false(p->network.mode_set);
    assert_string_equal(p->network.mode_word, "filtered");
    policy_free(p);
    assert_int_equal(load_str(&p, "{\"network\": {\"mode\": \"none\", \"trusted_domains\": [\"a.com\"]}}",
                              &test_env, &err), 0);
    assert_int_equal(policy_finalize(p, &test_env, &err), 0);
    assert_int_equal(p->network.mode, NET_MODE_NONE);
    assert_true(p->network.mode_set);
    policy_free(p);
}

static void test_conflict(void **state)
{
    (void)state;
    struct policy_error err;
    struct policy *p;
    assert_int_equal(load_str(&p,
        "{\"file_system\": {\n"
        "  \"readonly_paths\": [\"/opt\", \"/etc\"],\n"
        "  \"denied_paths\": [\"/etc/**\"]}}", &test_env, &err), 0);
    assert_int_equal(policy_finalize(p, &test_env, &err), -1);
    assert_string_equal(err.msg,
        "t.json:3:20: file_system: \"/etc/**\" is both allowed (readonly_paths t.json:2:30) "
        "and denied (denied_paths t.json:3:20); remove one — a more specific rule inside a "
        "denied tree is fine");
    policy_free(p);
}

/* Denying a tree and allowing something inside it is the normal way to
 * say "hide this, except that". */
static void test_nested_is_not_conflict(void **state)
{
    (void)state;
    struct policy_error err;
    struct policy *p;
    assert_int_equal(load_str(&p,
        "{\"file_system\": {\"workspace\": {\"path\": \"/home/u/w\"},"
        " \"allowed_paths\": [\"/home/u/w/**\", \"/home/u/.cache/x\"],"
        " \"denied_paths\": [\"/home/**\"]}}", &test_env, &err), 0);
    assert_int_equal(policy_finalize(p, &test_env, &err), 0);
    policy_free(p);
}

static char *reload(const char *json, const struct policy_env *env)
{
    struct policy_error err = { 0 };
    struct policy *q = policy_new_base(env);
    int r = policy_load_buffer(q, "dump.json", json, strlen(json), env, &err);
    if (r != 0)
        fail_msg("reload failed: %s", err.msg);
    assert_int_equal(policy_finalize(q, env, &err), 0);
    char *again = policy_to_json(q);
    policy_free(q);
    return again;
}

static void round_trip(struct policy *p, const struct policy_env *env)
{
    struct policy_error err = { 0 };
    assert_int_equal(policy_finalize(p, env, &err), 0);
    char *first = policy_to_json(p);
    assert_non_null(first);
    char *second = reload(first, env);
    assert_string_equal(first, second);
    free(first);
    free(second);
}

static void test_round_trip_default(void **state)
{
    (void)state;
    struct policy *p = policy_new_default(&test_env);
    round_trip(p, &test_env);
    char *s = policy_to_json(p);
    /* Spot-check the text: pretty, two-space indent, every section. */
    assert_non_null(strstr(s, "{\n  \"file_system\": {\n    \"mode\": \"whitelist\","));
    assert_non_null(strstr(s, "\"denied_paths\": [\n      \"/etc/shadow\","));
    assert_non_null(strstr(s, "\"temp_directory\": {\n      \"path\": \"/tmp\",\n      \"size_limit_mb\": 512,"));
    assert_non_null(strstr(s, "\"resources\": {\n    \"memory_mb\": 4096,"));
    assert_non_null(strstr(s, "\"environment\": {\n    \"deny\": [\n      \"AWS_*\","));
    assert_null(strstr(s, "\"mode\": \"none\"")); /* derived, so left out */
    free(s);
    policy_free(p);
}

static void test_round_trip_seeds(void **state)
{
    (void)state;
    struct policy_error err = { 0 };
    struct policy_env env = test_env;
    env.workspace = "/w";
    struct policy *p = policy_new_base(&env);
    assert_int_equal(policy_load_path(p, FS_SEED, &env, &err), 0);
    assert_int_equal(policy_load_path(p, NET_SEED, &env, &err), 0);
    const char *extra =
        "{\"network\": {\"hosts\": {\"a.com\": \"127.0.0.1\"}, \"dns\": {\"upstream\": \"1.1.1.1:53\"}},"
        " \"file_system\": {\"workspace\": {\"size_limit_gb\": 0.25}, \"unprotected_paths\": [\".idea\"]},"
        " \"audit\": {\"path\": \"/var/log/sb.jsonl\"}, \"environment\": {\"allow\": [\"HOME\"]}}";
    assert_int_equal(policy_load_buffer(p, "x.json", extra, strlen(extra), &env, &err), 0);
    round_trip(p, &env);
    char *s = policy_to_json(p);
    assert_non_null(strstr(s, "\"mode\": \"whitelist\""));
    assert_non_null(strstr(s, "\"size_limit_gb\": 0.25"));
    assert_non_null(strstr(s, "\"hosts\": {\n      \"a.com\": \"127.0.0.1\"\n    }"));
    free(s);
    policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base),
        cmocka_unit_test(test_default),
        cmocka_unit_test(test_rebase),
        cmocka_unit_test(test_finalize_idempotent),
        cmocka_unit_test(test_relative_workspace),
        cmocka_unit_test(test_network_mode),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_nested_is_not_conflict),
        cmocka_unit_test(test_round_trip_default),
        cmocka_unit_test(test_round_trip_seeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
