/* srt settings files through --policy: detection by shape, mapping onto
 * struct policy, and FILE:LINE:COL errors. */
#include "policy_test.h"

static struct policy *load_ok(const char *json)
{
    struct policy *p;
    struct policy_error err;
    int r = load_str(&p, json, &test_env, &err);
    if (r != 0)
        fail_msg("load failed: %s", err.msg);
    assert_int_equal(policy_finalize(p, &test_env, &err), 0);
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
    struct policy *p = load_ok(
        "{\n"
        "  \"network\": {\n"
        "    \"allowedDomains\": [\"github.com\", \"*.npmjs.org\", \"[2001:db8::1]\", \"localhost\"],\n"
        "    \"deniedDomains\": [\"gist.github.com\", \"*\"],\n"
        "    \"deniedResolvedAddresses\": [\"10.0.0.0/8\"],\n"
        "    \"allowLocalBinding\": true\n"
        "  },\n"
        "  \"filesystem\": {\n"
        "    \"denyRead\": [\"~/.ssh\", {\"path\": \"/etc/secret file\", \"literal\": true}],\n"
        "    \"allowRead\": [\"~/.ssh/known_hosts\"],\n"
        "    \"allowWrite\": [\".\", \"build\", \"/var/cache/x\"],\n"
        "    \"denyWrite\": [\"./vendor\"],\n"
        "    \"allowGitConfig\": true\n"
        "  },\n"
        "  \"credentials\": {\"envVars\": [{\"name\": \"GITHUB_TOKEN\", \"mode\": \"mask\"}],\n"
        "                  \"files\": [{\"path\": \"~/.netrc\", \"mode\": \"deny\"}]},\n"
        "  \"enableWeakerNestedSandbox\": false\n"
        "}\n");
    assert_int_equal(p->network.trusted.n, 4);
    assert_string_equal(p->network.trusted.v[0], "github.com");
    assert_string_equal(p->network.trusted.v[1], "*.npmjs.org");
    assert_string_equal(p->network.trusted.v[2], "2001:db8::1");
    assert_string_equal(p->network.trusted.origin[1].where, "t.json:3:38");
    assert_int_equal(p->network.mode, NET_MODE_FILTERED);
    assert_int_equal(p->network.blocked.n, 1);   /* "*" is what sandboxctl does anyway */
    assert_string_equal(p->network.blocked.v[0], "gist.github.com");
    assert_int_equal(p->firewall.egress.n, 1);
    assert_string_equal(p->firewall.egress.v[0].action, "deny");
    assert_string_equal(p->firewall.egress.v[0].endpoint, "10.0.0.0/8");
    assert_int_equal(p->network.out_ports.n, 0);
    assert_true(list_index(&p->fs.denied, "/home/u/.ssh") != (size_t)-1);
    assert_true(list_index(&p->fs.denied, "/etc/secret file") != (size_t)-1);
    assert_true(list_index(&p->fs.denied, "/home/u/.netrc") != (size_t)-1);
    assert_true(list_index(&p->fs.allowed, "/home/u/.ssh/known_hosts") != (size_t)-1);
    /* "." is the workspace (the current directory here), the rest extra */
    assert_true(p->fs.workspace_writable);
    assert_int_equal(p->fs.writable.n, 2);
    assert_string_equal(p->fs.writable.v[0], "/src/proj/build");
    assert_string_equal(p->fs.writable.v[1], "/var/cache/x");
    assert_true(list_index(&p->fs.readonly, "/src/proj/vendor") != (size_t)-1);
    assert_true(list_index(&p->fs.unprotected, ".git/config") != (size_t)-1);
    assert_true(list_index(&p->environment.deny, "GITHUB_TOKEN") != (size_t)-1);
    /* the built-in system view, since srt reads the host */
    assert_true(list_index(&p->fs.readonly, "/usr") != (size_t)-1);
    assert_true(list_index(&p->fs.denied, "/etc/shadow") != (size_t)-1);
    policy_free(p);
}

static void test_ports(void **state)
{
    (void)state;
    struct policy *p = load_ok("{\"network\": {\"allowedDomains\": [\"a.example.com:443\", "
                               "\"b.example.com:8443\", \"[::1]:443\"], \"deniedDomains\": []}}");
    assert_int_equal(p->network.trusted.n, 3);
    assert_string_equal(p->network.trusted.v[2], "::1");
    assert_int_equal(p->network.out_ports.n, 2);
    assert_int_equal(p->network.out_ports.v[0], 443);
    assert_int_equal(p->network.out_ports.v[1], 8443);
    policy_free(p);
}

static void test_workspace_read_only(void **state)
{
    (void)state;
    /* allowWrite without the working directory: srt would not let it be written */
    struct policy *p = load_ok("{\"filesystem\": {\"denyRead\": [], \"allowWrite\": [\"/tmp/out\"], "
                               "\"denyWrite\": []}}");
    assert_false(p->fs.workspace_writable);
    assert_string_equal(p->fs.writable.v[0], "/tmp/out");
    policy_free(p);
}

static void test_native_unaffected(void **state)
{
    (void)state;
    /* A native file with a "network" section stays native. */
    struct policy *p = load_ok("{\"network\": {\"trusted_domains\": [\"example.com\"]}}");
    assert_int_equal(p->network.trusted.n, 1);
    assert_int_equal(p->fs.readonly.n, 0);   /* no built-in view added by the loader */
    policy_free(p);
    /* srt keys in a file that also has native sections: native errors */
    expect_error("{\"file_system\": {}, \"filesystem\": {\"denyRead\": []}}",
                 "t.json:1:21: unknown key \"filesystem\" at top level; did you mean \"file_system\"?");
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("{\n  \"filesystem\": {\n    \"denyRead\": [],\n    \"alowWrite\": []\n  }\n}",
                 "t.json:4:5: unknown key \"alowWrite\" in filesystem; did you mean \"allowWrite\"?");
    expect_error("{\"network\": {\"allowedDomains\": [\"ok.example.com\", 7]}}",
                 "t.json:1:51: network.allowedDomains[1]: got an integer; expected a string");
    expect_error("{\"network\": {\"deniedDomains\": [\"*:22\"]}}",
                 "t.json:1:32: network.deniedDomains[0]: a port-scoped deny-all has no equivalent: "
                 "sandboxctl cannot deny one port for every host; expected \"*\" or a list of "
                 "allowed ports in the native network.allowed_ports.outbound");
    expect_error("{\"network\": {\"allowedDomains\": [\"a.example.com:443\", \"b.example.com\"]}}",
                 "t.json:1:32: network.allowedDomains: mixes entries with and without \":port\": "
                 "sandboxctl's ports (network.allowed_ports.outbound) apply to every trusted "
                 "domain; expected a port on every entry or on none");
    expect_error("{\"network\": {\"allowedDomains\": [\"a.example.com:99999\"]}}",
                 "t.json:1:33: network.allowedDomains[0]: \"a.example.com:99999\" has a malformed "
                 "port or IPv6 literal; expected \"host\", \"host:port\" or \"[IPv6]:port\"");
    expect_error("{\"filesystem\": {\"denyRead\": [{\"path\": \"/a*\", \"literal\": true}]}}",
                 "t.json:1:30: filesystem.denyRead[0]: a literal path with glob characters has no "
                 "equivalent: sandboxctl reads *, ? and [ as patterns; expected a path without them");
    expect_error("{\"filesystem\": {\"allowWrite\": [{\"path\": \"/a\"}]}}",
                 "t.json:1:32: filesystem.allowWrite[0]: expected a path, or {\"path\": \"<path>\", "
                 "\"literal\": true}");
    expect_error("{\"credentials\": {\"envVars\": [{\"name\": \"A-B\", \"mode\": \"deny\"}]}, "
                 "\"network\": {\"allowedDomains\": []}}",
                 "t.json:1:39: credentials.envVars[0].name: \"A-B\" is not a variable name; expected "
                 "letters, digits and '_', not starting with a digit");
    expect_error("{\"network\": {\"deniedResolvedAddresses\": [\"example.com\"]}}",
                 "t.json:1:42: network.deniedResolvedAddresses[0]: \"example.com\" is not an IP "
                 "address or CIDR range; expected e.g. \"10.0.0.0/8\" or \"fc00::/7\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_ports),
        cmocka_unit_test(test_workspace_read_only),
        cmocka_unit_test(test_native_unaffected),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
