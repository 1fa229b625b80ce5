/* Every class of policy error: message text and FILE:LINE:COL. */
#include "policy_test.h"

struct error_case {
    const char *name;
    const char *json;
    const char *msg;
};

/* The positions in these messages were computed by gen_errors.py from the
 * text each error must point at, not by the code under test. */
static const struct error_case cases[] = {
    { "unknown_key",
      "{\n  \"file_system\": {\n    \"alowed_paths\": [\"/x\"]\n  }\n}",
      "t.json:3:5: unknown key \"alowed_paths\" in file_system; did you mean \"allowed_paths\"?" },
    { "unknown_top",
      "{\"netwrok\": {}}",
      "t.json:1:2: unknown key \"netwrok\" at top level; did you mean \"network\"?" },
    { "unknown_no_hint",
      "{\"enforcement\": {\"zzz\": 1}}",
      "t.json:1:18: unknown key \"zzz\" in enforcement; expected one of \"strict_mode\", \"symlink_resolution\", \"case_sensitive\", \"audit_all_access\"" },
    { "escaped_key",
      "{\"file_system\": {\"allowed_paths\": [], \"writable\\u005fpathz\": []}}",
      "t.json:1:39: unknown key \"writable_pathz\" in file_system; did you mean \"writable_paths\"?" },
    { "list_type",
      "{\"file_system\": {\"allowed_paths\": \"/x\"}}",
      "t.json:1:35: file_system.allowed_paths: got a string; expected an array of strings" },
    { "element_type",
      "{\"file_system\": {\"allowed_paths\": [\"/a\", \"/b\",\n   \"/c\", 4]}}",
      "t.json:2:10: file_system.allowed_paths[3]: got an integer; expected a string" },
    { "relative_path",
      "{\"file_system\": {\"denied_paths\": [\"/a\", \"etc/x\"]}}",
      "t.json:1:41: file_system.denied_paths[1]: \"etc/x\" is not an absolute path; expected an absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}" },
    { "unknown_var",
      "{\"audit\": {\"path\": \"${LOGDIR}/a\"}}",
      "t.json:1:20: audit.path: unknown variable ${LOGDIR}; expected ${HOME}, ${WORKSPACE} or ${TMPDIR}" },
    { "control_char",
      "{\"file_system\": {\"allowed_paths\": [\"/a\\nb\"]}}",
      "t.json:1:36: file_system.allowed_paths[0]: path contains control character 0x0a; expected an absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}" },
    { "control_char_scalar",
      "{\"file_system\": {\"temp_directory\": {\"path\": \"/t\\tx\"}}}",
      "t.json:1:45: file_system.temp_directory.path: contains control character 0x09; expected an absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}" },
    { "negative",
      "{\"resources\": {\"pids\": -5}}",
      "t.json:1:24: resources.pids: -5 is out of range; expected an integer from 0 to 4611686018427387904" },
    { "float_for_int",
      "{\"resources\": {\"nofile\": 1.0}}",
      "t.json:1:26: resources.nofile: got a fractional number; expected an integer from 0 to 4611686018427387904" },
    { "mb_limit",
      "{\"resources\": {\"memory_mb\": 8796093022208}}",
      "t.json:1:29: resources.memory_mb: 8796093022208 is out of range; expected an integer from 0 to 8796093022207" },
    { "top_array",
      "  [1]",
      "t.json:1:3: the top level is an array; expected an object with keys such as \"file_system\", \"network\", \"firewall\"" },
    { "lone_star",
      "{\"network\": {\"trusted_domains\": [\"*\"]}}",
      "t.json:1:34: network.trusted_domains[0]: a lone \"*\" would trust every destination; use network.mode \"host\" to turn filtering off, or \"*.example.com\" for the subdomains of one domain" },
    { "bad_domain_char",
      "{\"network\": {\"blocked_domains\": [\"exa mple.com\"]}}",
      "t.json:1:34: network.blocked_domains[0]: invalid character ' ' in domain \"exa mple.com\"; expected a domain name (letters, digits, '-', '.'), \"*.suffix\", an IP address or a CIDR" },
    { "mid_wildcard",
      "{\"network\": {\"trusted_domains\": [\"a.*.com\"]}}",
      "t.json:1:34: network.trusted_domains[0]: \"a.*.com\": a wildcard is only accepted as a leading \"*.\" (e.g. \"*.example.com\"); expected a domain name (letters, digits, '-', '.'), \"*.suffix\", an IP address or a CIDR" },
    { "url",
      "{\"network\": {\"trusted_domains\": [\"https://github.com\"]}}",
      "t.json:1:34: network.trusted_domains[0]: \"https://github.com\" is a URL; expected a bare domain such as \"github.com\" (no scheme, port or path)" },
    { "domain_port",
      "{\"network\": {\"trusted_domains\": [\"localhost:3000\"]}}",
      "t.json:1:34: network.trusted_domains[0]: \"localhost:3000\" has a port; expected a domain without one (ports go in network.allowed_ports)" },
    { "cidr_prefix",
      "{\"network\": {\"trusted_domains\": [\"10.0.0.0/33\"]}}",
      "t.json:1:34: network.trusted_domains[0]: \"10.0.0.0/33\" has an invalid prefix length; expected /0 to /32" },
    { "port_range",
      "{\"network\": {\"allowed_ports\": {\"inbound\": [80, 70000]}}}",
      "t.json:1:48: network.allowed_ports.inbound[1]: 70000 is out of range; expected an integer from 1 to 65535" },
    { "port_zero",
      "{\"network\": {\"allowed_ports\": {\"outbound\": [0]}}}",
      "t.json:1:45: network.allowed_ports.outbound[0]: 0 is out of range; expected an integer from 1 to 65535" },
    { "protocol_typo",
      "{\"network\": {\"protocols\": {\"allowed\": [\"htps\"]}}}",
      "t.json:1:40: network.protocols.allowed[0]: unknown protocol \"htps\"; did you mean \"https\"?" },
    { "protocol_ssl",
      "{\"network\": {\"protocols\": {\"allowed\": [\"ssl\"]}}}",
      "t.json:1:40: network.protocols.allowed[0]: unknown protocol \"ssl\"; did you mean \"tls\"?" },
    { "protocol_unknown",
      "{\"network\": {\"protocols\": {\"denied\": [\"gopher\"]}}}",
      "t.json:1:39: network.protocols.denied[0]: unknown protocol \"gopher\"; expected one of http, https, tls, ssh, git, ftp, telnet, smtp, dns" },
    { "host_address",
      "{\"network\": {\"hosts\": {\"a.com\": \"1.2.3\"}}}",
      "t.json:1:33: network.hosts.\"a.com\": \"1.2.3\" is not an IP address; expected an IPv4 or IPv6 address such as 127.0.0.1 or ::1" },
    { "host_wildcard",
      "{\"network\": {\"hosts\": {\"*.a.com\": \"1.2.3.4\"}}}",
      "t.json:1:24: network.hosts: \"*.a.com\": a pin needs an exact host name, not a wildcard" },
    { "dns_upstream",
      "{\"network\": {\"dns\": {\"upstream\": \"1.2.3.4:99999\"}}}",
      "t.json:1:34: network.dns.upstream: \"1.2.3.4:99999\" is not a DNS server address; expected \"IP\", \"IPv4:port\" or \"[IPv6]:port\"" },
    { "rule_missing_action",
      "{\"firewall\": {\"egress_rules\": [{\"destination\": \"a.com\"}]}}",
      "t.json:1:32: firewall.egress_rules[0]: missing \"action\"; expected \"allow\" or \"deny\"" },
    { "rule_unknown_key",
      "{\"firewall\": {\"ingress_rules\": [{\"action\": \"allow\", \"destination\": \"a.com\"}]}}",
      "t.json:1:53: unknown key \"destination\" in firewall.ingress_rules[0]; expected one of \"action\", \"source\", \"ports\"" },
    { "mode_typo",
      "{\"network\": {\"mode\": \"whitelst\"}}",
      "t.json:1:22: network.mode: unknown value \"whitelst\"; did you mean \"whitelist\"?" },
    { "unprotected_typo",
      "{\"file_system\": {\"unprotected_paths\": [\".bashrcc\"]}}",
      "t.json:1:40: file_system.unprotected_paths[0]: \".bashrcc\" is not a protected path; did you mean \".bashrc\"?" },
    { "permissions",
      "{\"file_system\": {\"workspace\": {\"permissions\": \"rw\"}}}",
      "t.json:1:47: file_system.workspace.permissions: unknown value \"rw\"; expected \"read-write\" or \"read-only\"" },
    { "temp_size_zero",
      "{\"file_system\": {\"temp_directory\": {\"size_limit_mb\": 0}}}",
      "t.json:1:54: file_system.temp_directory.size_limit_mb: 0 is out of range; expected an integer from 1 to 8796093022207" },
    { "workspace_size_negative",
      "{\"file_system\": {\"workspace\": {\"size_limit_gb\": -1}}}",
      "t.json:1:49: file_system.workspace.size_limit_gb: -1 is out of range; expected a number from 0 to 8.58993e+09" },
    { "bool_type",
      "{\"enforcement\": {\"strict_mode\": \"yes\"}}",
      "t.json:1:33: enforcement.strict_mode: got a string; expected true or false" },
    { "section_type",
      "{\"network\": []}",
      "t.json:1:13: network: got an array; expected an object" },
    { "symlink",
      "{\"enforcement\": {\"symlink_resolution\": \"follow\"}}",
      "t.json:1:40: enforcement.symlink_resolution: unknown value \"follow\"; expected \"deny\"" },
    { "env_pattern",
      "{\"environment\": {\"deny\": [\"A-B\"]}}",
      "t.json:1:27: environment.deny[0]: \"A-B\" is not a variable name pattern; expected letters, digits, '_' and the wildcards '*' and '?'" },
    { "env_name",
      "{\"environment\": {\"allow\": [\"1X\"]}}",
      "t.json:1:28: environment.allow[0]: \"1X\" is not a variable name; expected letters, digits and '_', not starting with a digit" },
    { "fs_mode",
      "{\"file_system\": {\"mode\": \"blacklist\"}}",
      "t.json:1:26: file_system.mode: unknown value \"blacklist\"; expected \"whitelist\"" },
    { "empty_path",
      "{\"file_system\": {\"writable_paths\": [\"\"]}}",
      "t.json:1:37: file_system.writable_paths[0]: empty path; expected an absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}" },
    { "tilde_user",
      "{\"file_system\": {\"writable_paths\": [\"~root/x\"]}}",
      "t.json:1:37: file_system.writable_paths[0]: ~user is not supported; expected an absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}" },
    { "unicode_column",
      "{\"network\": {\"trusted_domains\": [\"\xc3""\xa9""\xc3""\xa9""\", \"b c\"]}}",
      "t.json:1:34: network.trusted_domains[0]: invalid byte 0xc3 in domain \"\xc3""\xa9""\xc3""\xa9""\"; expected a domain name (letters, digits, '-', '.'), \"*.suffix\", an IP address or a CIDR" },
};

static void test_error_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct policy_error err;
        struct policy *p;
        int r = load_str(&p, cases[i].json, &test_env, &err);
        if (r != -1 || strcmp(err.msg, cases[i].msg) != 0)
            fail_msg("case %s:\n  got  %s\n  want %s", cases[i].name, r ? err.msg : "(success)",
                     cases[i].msg);
        policy_free(p);
    }
}

static const char *load_len(const char *buf, size_t len, struct policy_error *err)
{
    struct policy *p = policy_new_base(&test_env);
    memset(err, 0, sizeof *err);
    int r = policy_load_buffer(p, "t.json", buf, len, &test_env, err);
    policy_free(p);
    return r == 0 ? "(success)" : err->msg;
}

static void test_empty(void **state)
{
    (void)state;
    struct policy_error err;
    const char *want = "t.json:1:1: empty policy file; expected a JSON object such as "
                       "{\"file_system\": {...}, \"network\": {...}}";
    assert_string_equal(load_len("", 0, &err), want);
    assert_string_equal(load_len(" \n\t\n", 4, &err), want);
    /* An empty object is a valid (empty) partial policy. */
    assert_string_equal(load_len("{}", 2, &err), "(success)");
}

static void test_nul_byte(void **state)
{
    (void)state;
    struct policy_error err;
    assert_string_equal(load_len("{\n \"a\0\": 1}", 11, &err),
                        "t.json:2:4: NUL byte in policy file; expected UTF-8 JSON text");
    /* The escaped form is refused by jansson. */
    const char *esc = "{\"audit\": {\"path\": \"/a\\u0000b\"}}";
    assert_non_null(strstr(load_len(esc, strlen(esc), &err), "t.json:1:"));
    assert_non_null(strstr(err.msg, "invalid JSON: \\u0000 is not allowed"));
}

static void test_jansson_errors(void **state)
{
    (void)state;
    struct policy_error err;
    const char *dup = "{\"network\": {},\n \"network\": {}}";
    assert_non_null(strstr(load_len(dup, strlen(dup), &err),
                           "t.json:2:10: invalid JSON: duplicate object key"));
    const char *big = "{\"resources\": {\"pids\": 99999999999999999999}}";
    assert_non_null(strstr(load_len(big, strlen(big), &err), "invalid JSON: too big integer"));
    assert_int_equal(strncmp(err.msg, "t.json:1:", 9), 0);
    const char *real = "{\"file_system\": {\"workspace\": {\"size_limit_gb\": 1e400}}}";
    assert_non_null(strstr(load_len(real, strlen(real), &err), "invalid JSON: real number overflow"));
    const char *comma = "{\n  \"network\": {\n    \"mode\": \"none\",\n  }\n}";
    assert_non_null(strstr(load_len(comma, strlen(comma), &err), "t.json:4:3: invalid JSON: "));
    const char *utf8 = "{\"audit\": {\"path\": \"/\xff\"}}";
    assert_non_null(strstr(load_len(utf8, strlen(utf8), &err), "invalid JSON: unable to decode byte 0xff"));
    const char *scalar = "42";
    assert_string_equal(load_len(scalar, 2, &err),
        "t.json:1:1: the top level is an integer; expected an object with keys such as "
        "\"file_system\", \"network\", \"firewall\"");
}

/* An error in the middle of a file leaves a policy that can still be freed
 * (the caller aborts; nothing half-built may leak or crash). */
static void test_error_midway_frees(void **state)
{
    (void)state;
    struct policy_error err;
    struct policy *p;
    assert_int_equal(load_str(&p,
        "{\"firewall\": {\"egress_rules\": [{\"action\": \"allow\", \"destination\": \"a.com\","
        " \"ports\": [80, -1]}]}}", &test_env, &err), -1);
    assert_non_null(strstr(err.msg, "firewall.egress_rules[0].ports[1]: -1 is out of range"));
    assert_int_equal(p->firewall.egress.n, 0);
    policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_table),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_jansson_errors),
        cmocka_unit_test(test_error_midway_frees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
