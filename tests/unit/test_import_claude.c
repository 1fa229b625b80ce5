/* Claude Code settings.json through --policy: the sandbox section and the
 * Read/Edit/WebFetch permission rules. */
#include "policy_test.h"

static struct policy *load_named(const char *name, const char *json)
{
    struct policy_error err = { { 0 } };
    struct policy *p = policy_new_base(&test_env);
    if (policy_load_buffer(p, name, json, strlen(json), &test_env, &err) != 0)
        fail_msg("load failed: %s", err.msg);
    if (policy_finalize(p, &test_env, &err) != 0)
        fail_msg("finalize failed: %s", err.msg);
    return p;
}

static void expect_error(const char *json, const char *msg)
{
    struct policy *p;
    struct policy_error err;
    assert_int_equal(load_str(&p, json, &test_env, &err), -1);
    assert_string_equal(err.msg, msg);
    policy_free(p);
}

static void test_mapping(void **state)
{
    (void)state;
    struct policy *p = load_named("/repo/app/.claude/settings.json",
        "{\n"
        "  \"model\": \"anything\",\n"
        "  \"hooks\": {\"PreToolUse\": []},\n"
        "  \"sandbox\": {\n"
        "    \"enabled\": true,\n"
        "    \"excludedCommands\": [\"docker\"],\n"
        "    \"network\": {\"allowedDomains\": [\"api.example.com\"], \"allowLocalBinding\": true},\n"
        "    \"filesystem\": {\"allowWrite\": [\"~/.kube\"], \"denyRead\": [\"//opt/secret\"]}\n"
        "  },\n"
        "  \"permissions\": {\n"
        "    \"allow\": [\"WebFetch(domain:*.github.com)\", \"Bash(npm test)\", \"Edit(/out/**)\"],\n"
        "    \"deny\": [\"Read(~/.aws/**)\", \"Edit(~/.aws/**)\", \"Edit(./.env)\",\n"
        "             \"WebFetch(domain:evil.example.com)\", \"Bash(curl:*)\"],\n"
        "    \"ask\": [\"Bash(git push:*)\"],\n"
        "    \"additionalDirectories\": [\"../shared\"],\n"
        "    \"defaultMode\": \"acceptEdits\"\n"
        "  }\n"
        "}\n");
    assert_int_equal(p->network.trusted.n, 2);
    assert_string_equal(p->network.trusted.v[0], "api.example.com");
    assert_string_equal(p->network.trusted.v[1], "*.github.com");
    assert_int_equal(p->network.blocked.n, 1);
    assert_string_equal(p->network.blocked.v[0], "evil.example.com");
    assert_string_equal(p->network.blocked.origin[0].where,
                        "/repo/app/.claude/settings.json:13:14");
    assert_true(list_index(&p->fs.denied, "/opt/secret") != (size_t)-1);
    assert_true(list_index(&p->fs.denied, "/home/u/.aws/**") != (size_t)-1);
    /* Edit denied on a path whose Read is denied too adds nothing more */
    assert_true(list_index(&p->fs.readonly, "/home/u/.aws/**") == (size_t)-1);
    assert_true(list_index(&p->fs.readonly, "/src/proj/.env") != (size_t)-1);
    // "/out/**" is relative to the project (the parent of .claude)
    assert_true(list_index(&p->fs.writable, "/repo/app/out/**") != (size_t)-1);
    assert_true(list_index(&p->fs.writable, "/home/u/.kube") != (size_t)-1);
    assert_true(list_index(&p->fs.writable, "/src/shared") != (size_t)-1);
    /* the working directory stays writable, as in Claude Code */
    assert_true(p->fs.workspace_writable);
    assert_true(list_index(&p->fs.readonly, "/usr") != (size_t)-1);
    /* the built-in mask of ~/.kube yields to the file's allowWrite */
    assert_true(list_index(&p->fs.denied, "/home/u/.kube") == (size_t)-1);
    assert_true(list_index(&p->fs.denied, "/home/u/.gnupg") != (size_t)-1);
    policy_free(p);
}

static void test_permissions_only(void **state)
{
    (void)state;
    struct policy *p = load_named("settings.json",
        "{\"permissions\": {\"deny\": [\"Read(secrets/**)\", \"Read\"]}}");
    assert_true(list_index(&p->fs.denied, "/src/proj/secrets/**") != (size_t)-1);
    assert_int_equal(p->network.trusted.n, 0);
    assert_int_equal(p->network.mode, NET_MODE_NONE);
    policy_free(p);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\"sandbox\": {\"enabeld\": true}}",
                 "t.json:1:14: unknown key \"enabeld\" in sandbox; did you mean \"enabled\"?");
    expect_error("{\"permissions\": {\"allow\": [\"WebFetch(domain:bad domain)\"]}}",
                 "t.json:1:28: permissions.allow[0]: invalid character ' ' in domain \"bad domain\"; "
                 "expected a domain name (letters, digits, '-', '.'), \"*.suffix\", an IP address or a CIDR");
    expect_error("{\"permissions\": {\"deny\": [\"Read(~/.ssh\"]}}",
                 "t.json:1:27: permissions.deny[0]: \"Read(~/.ssh\" is not a permission rule; "
                 "expected Tool or Tool(specifier), e.g. Read(~/.ssh/**) or "
                 "WebFetch(domain:example.com)");
    expect_error("{\"permissions\": {\"deny\": \"Read(x)\"}}",
                 "t.json:1:26: permissions.deny: got a string; expected an array of permission rules");
    expect_error("{\"sandbox\": {\"filesystem\": {\"denyRead\": [\"~user/x\"]}}}",
                 "t.json:1:42: sandbox.filesystem.denyRead[0]: ~user is not supported; expected an "
                 "absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_permissions_only),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
