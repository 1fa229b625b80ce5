/* Schema checks of the exports that have no validating tool in Debian:
 * srt settings (from srt 0.0.83's documented settings shape), Claude Code
 * settings, the OCI runtime config, the Kubernetes objects, limits.conf
 * lines; plus the "not expressed" note every export starts with. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>

#include "export/export.h"
#include "policy_test.h"

static const char *const rich =
    "{\n"
    "  \"file_system\": {\n"
    "    \"workspace\": {\"size_limit_gb\": 2},\n"
    "    \"allowed_paths\": [\"/usr\", \"/bin\", \"/lib\", \"/etc\", \"/opt/tools/**\"],\n"
    "    \"readonly_paths\": [\"/usr\", \"/etc\", \"${WORKSPACE}/vendor\"],\n"
    "    \"writable_paths\": [\"~/.cache/pip\"],\n"
    "    \"denied_paths\": [\"/etc/shadow\", \"~/.ssh/**\", \"/etc/ssh/ssh_host_*_key\"],\n"
    "    \"temp_directory\": {\"path\": \"/tmp/sbx\", \"size_limit_mb\": 256}\n"
    "  },\n"
    "  \"network\": {\n"
    "    \"trusted_domains\": [\"*.github.com\", \"registry.npmjs.org\", \"10.1.2.0/24\", \"2001:db8::1\"],\n"
    "    \"blocked_domains\": [\"gist.github.com\"],\n"
    "    \"allowed_ports\": {\"outbound\": [443]}\n"
    "  },\n"
    "  \"resources\": {\"memory_mb\": 2048, \"pids\": 256, \"cpu_seconds\": 90, \"fsize_mb\": 1024,\n"
    "                \"nofile\": 1024, \"timeout_seconds\": 3600}\n"
    "}\n";

static struct policy *policy(const char *json)
{
    struct policy_error err = { { 0 } };
    struct policy *p = policy_new_base(&test_env);
    if (policy_load_buffer(p, "rich.json", json, strlen(json), &test_env, &err) != 0 ||
        policy_finalize(p, &test_env, &err) != 0)
        fail_msg("%s", err.msg);
    return p;
}

static struct export_ctx ctx_of(const struct policy *p)
{
    return (struct export_ctx){ .p = p, .home = test_env.home, .name = "agent-box",
                                .user = "sandbox" };
}

/* ---- tiny schema helpers ---- */

static json_t *get(json_t *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = o;
    for (char *k = strtok(buf, "."); k && v; k = strtok(NULL, "."))
        v = isdigit((unsigned char)k[0]) ? json_array_get(v, (size_t)atoi(k)) : json_object_get(v, k);
    if (!v)
        fail_msg("missing %s", path);
    return v;
}

static void is_string_array(json_t *a, const char *what, bool nonempty)
{
    if (!json_is_array(a))
        fail_msg("%s is not an array", what);
    if (nonempty && !json_array_size(a))
        fail_msg("%s is empty", what);
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
        if (!json_is_string(e) || !json_string_length(e))
            fail_msg("%s[%zu] is not a non-empty string", what, i);
}

static bool has_string(json_t *a, const char *s)
{
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
        if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
            return true;
    return false;
}

/* srt 0.0.83's domain rules: a ":port" suffix 1-65535, IPv6 bracketed,
 * "*." followed by at least two labels, otherwise at least one dot
 * (or "localhost"); no scheme, path or other wildcard. */
static bool srt_domain_ok(const char *s, bool deny)
{
    char host[256];
    snprintf(host, sizeof host, "%s", s);
    if (host[0] == '[') {
        char *close = strchr(host, ']');
        return close && (close[1] == '\0' || (close[1] == ':' && atoi(close + 2) > 0 &&
                                              atoi(close + 2) < 65536));
    }
    char *colon = strchr(host, ':');
    if (colon) {
        if (strchr(colon + 1, ':') || atoi(colon + 1) < 1 || atoi(colon + 1) > 65535)
            return false;
        *colon = '\0';
    }
    if (deny && strcmp(host, "*") == 0)
        return true;
    if (strstr(host, "://") || strchr(host, '/'))
        return false;
    if (strcmp(host, "localhost") == 0)
        return true;
    const char *d = strncmp(host, "*.", 2) == 0 ? host + 2 : host;
    if (strchr(d, '*') || !strchr(d, '.') || d[0] == '.' || d[strlen(d) - 1] == '.')
        return false;
    return true;
}

static void check_srt_shape(json_t *doc, json_t *net, json_t *fs)
{
    (void)doc;
    is_string_array(get(net, "allowedDomains"), "network.allowedDomains", false);
    size_t i;
    json_t *e;
    json_array_foreach(get(net, "allowedDomains"), i, e)
        if (!srt_domain_ok(json_string_value(e), false))
            fail_msg("allowedDomains entry %s would be refused by srt", json_string_value(e));
    if (json_object_get(net, "deniedDomains"))
        json_array_foreach(get(net, "deniedDomains"), i, e)
            if (!srt_domain_ok(json_string_value(e), true))
                fail_msg("deniedDomains entry %s would be refused by srt", json_string_value(e));
    static const char *const lists[] = { "denyRead", "allowWrite", "denyWrite", NULL };
    for (size_t k = 0; lists[k]; k++)
        is_string_array(get(fs, lists[k]), lists[k], false);
    /* no deny glob may end in a separator (srt refuses those) */
    json_array_foreach(get(fs, "denyRead"), i, e) {
        const char *s = json_string_value(e);
        assert_false(s[strlen(s) - 1] == '/' && strpbrk(s, "*?["));
    }
}

static void test_srt_schema(void **state)
{
    (void)state;
    struct policy *p = policy(rich);
    struct export_ctx x = ctx_of(p);
    json_t *doc = export_srt_doc(&x);
    json_t *net = get(doc, "network"), *fs = get(doc, "filesystem");
    check_srt_shape(doc, net, fs);
    /* required by srt: both network lists, the three filesystem lists */
    assert_non_null(json_object_get(net, "deniedDomains"));
    assert_true(has_string(get(net, "allowedDomains"), "*.github.com:443"));
    assert_true(has_string(get(net, "allowedDomains"), "[2001:db8::1]:443"));
    assert_true(has_string(get(net, "deniedDomains"), "gist.github.com"));
    assert_true(has_string(get(fs, "denyRead"), "~/.ssh/**"));
    assert_true(has_string(get(fs, "allowWrite"), "/src/proj"));
    assert_true(has_string(get(fs, "allowWrite"), "~/.cache/pip"));
    assert_false(has_string(get(fs, "allowWrite"), "/tmp/sbx"));
    assert_true(has_string(get(fs, "denyWrite"), "/src/proj/vendor"));
    /* what srt cannot express is stated */
    json_t *note = get(doc, "$comment");
    is_string_array(note, "$comment", true);
    char *all = json_dumps(note, 0);
    assert_non_null(strstr(all, "resource limits"));
    assert_non_null(strstr(all, "10.1.2.0/24"));
    free(all);
    json_decref(doc);
    policy_free(p);
}

static bool claude_rule_ok(const char *s)
{
    size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    return n > 0 && s[n] == '(' && s[strlen(s) - 1] == ')';
}

static void test_claude_schema(void **state)
{
    (void)state;
    struct policy *p = policy(rich);
    struct export_ctx x = ctx_of(p);
    json_t *doc = export_claude_doc(&x);
    json_t *sb = get(doc, "sandbox");
    assert_true(json_is_true(get(sb, "enabled")));
    check_srt_shape(doc, get(sb, "network"), get(sb, "filesystem"));
    /* absolute paths in Claude Code's spelling */
    assert_true(has_string(get(sb, "filesystem.denyRead"), "//etc/shadow"));
    json_t *allow = get(doc, "permissions.allow"), *deny = get(doc, "permissions.deny");
    is_string_array(allow, "permissions.allow", true);
    is_string_array(deny, "permissions.deny", true);
    size_t i;
    json_t *e;
    json_array_foreach(deny, i, e)
        assert_true(claude_rule_ok(json_string_value(e)));
    assert_true(has_string(allow, "WebFetch(domain:*.github.com)"));
    assert_true(has_string(deny, "Read(//etc/shadow)"));
    assert_true(has_string(deny, "Edit(//etc/shadow)"));
    assert_true(has_string(deny, "Read(~/.ssh/**)"));
    assert_true(has_string(deny, "Edit(//src/proj/vendor)"));
    assert_true(has_string(deny, "WebFetch(domain:gist.github.com)"));
    json_decref(doc);
    policy_free(p);
}

/* ---- OCI runtime-spec 1.0 ---- */

static void test_oci_schema(void **state)
{
    (void)state;
    static const char *const ns_types[] = { "pid", "network", "mount", "ipc", "uts",
                                            "user", "cgroup", NULL };
    struct policy *p = policy(rich);
    struct export_ctx x = ctx_of(p);
    json_t *doc = export_oci_doc(&x);
    assert_string_equal(json_string_value(get(doc, "ociVersion")), "1.0.2");
    assert_true(json_is_string(get(doc, "root.path")));
    assert_true(json_is_true(get(doc, "root.readonly")));
    is_string_array(get(doc, "process.args"), "process.args", true);
    assert_int_equal(json_string_value(get(doc, "process.cwd"))[0], '/');
    assert_true(json_is_true(get(doc, "process.noNewPrivileges")));
    assert_int_equal(json_array_size(get(doc, "process.capabilities.bounding")), 0);
    assert_true(json_is_integer(get(doc, "process.user.uid")));
    size_t i;
    json_t *e;
    bool fsize = false;
    json_array_foreach(get(doc, "process.rlimits"), i, e) {
        const char *t = json_string_value(get(e, "type"));
        assert_true(t && strncmp(t, "RLIMIT_", 7) == 0);
        assert_true(json_is_integer(get(e, "hard")) && json_is_integer(get(e, "soft")));
        if (strcmp(t, "RLIMIT_FSIZE") == 0) {
            fsize = true;
            assert_int_equal(json_integer_value(get(e, "hard")), 1024LL << 20);
        }
    }
    assert_true(fsize);
    bool ws = false, vendor_ro = false, tmp = false;
    json_array_foreach(get(doc, "mounts"), i, e) {
        const char *d = json_string_value(get(e, "destination"));
        assert_true(d && d[0] == '/');
        assert_true(json_is_string(get(e, "type")) && json_is_string(get(e, "source")));
        is_string_array(get(e, "options"), "mount options", true);
        json_t *o = get(e, "options");
        if (strcmp(d, "/src/proj") == 0)
            ws = has_string(o, "rw");
        if (strcmp(d, "/src/proj/vendor") == 0)
            vendor_ro = has_string(o, "ro");
        if (strcmp(d, "/tmp/sbx") == 0)
            tmp = has_string(o, "size=256m");
    }
    assert_true(ws && vendor_ro && tmp);
    json_array_foreach(get(doc, "linux.namespaces"), i, e) {
        bool known = false;
        for (size_t k = 0; ns_types[k]; k++)
            known |= strcmp(json_string_value(get(e, "type")), ns_types[k]) == 0;
        assert_true(known);
    }
    assert_true(has_string(get(doc, "linux.maskedPaths"), "/etc/shadow"));
    assert_true(has_string(get(doc, "linux.maskedPaths"), "/home/u/.ssh"));
    assert_int_equal(json_integer_value(get(doc, "linux.resources.memory.limit")), 2048LL << 20);
    assert_int_equal(json_integer_value(get(doc, "linux.resources.pids.limit")), 256);
    assert_string_equal(json_string_value(get(doc, "linux.seccomp.defaultAction")), "SCMP_ACT_ALLOW");
    json_t *rule0 = get(doc, "linux.seccomp.syscalls.0");
    assert_string_equal(json_string_value(get(rule0, "action")), "SCMP_ACT_ERRNO");
    assert_true(has_string(get(rule0, "names"), "bpf"));
    assert_true(has_string(get(rule0, "names"), "io_uring_setup"));
    json_array_foreach(get(doc, "linux.seccomp.syscalls"), i, e)
        is_string_array(get(e, "names"), "syscalls.names", true);
    assert_true(json_object_size(get(doc, "annotations")) > 1);
    json_decref(doc);
    policy_free(p);
}

/* ---- Kubernetes Pod, ConfigMap, CiliumNetworkPolicy ---- */

static bool dns1123(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= 253 && isalnum((unsigned char)s[0]) && isalnum((unsigned char)s[n - 1]) &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-.") == n;
}

static bool quantity(const char *s)
{
    size_t d = strspn(s, "0123456789");
    return d > 0 && (s[d] == '\0' || strcmp(s + d, "Mi") == 0 || strcmp(s + d, "Gi") == 0);
}

static void check_pod(json_t *pod)
{
    assert_string_equal(json_string_value(get(pod, "apiVersion")), "v1");
    assert_string_equal(json_string_value(get(pod, "kind")), "Pod");
    assert_true(dns1123(json_string_value(get(pod, "metadata.name"))));
    assert_true(json_is_true(get(pod, "spec.securityContext.runAsNonRoot")));
    assert_string_equal(json_string_value(get(pod, "spec.securityContext.seccompProfile.type")),
                        "Localhost");
    assert_string_equal(json_string_value(get(pod, "spec.securityContext.seccompProfile.localhostProfile")),
                        "sandboxctl/agent-box.json");
    assert_false(json_is_true(get(pod, "spec.automountServiceAccountToken")));
    json_t *c = get(pod, "spec.containers.0");
    assert_true(dns1123(json_string_value(get(c, "name"))));
    assert_true(json_is_string(get(c, "image")));
    assert_true(json_is_false(get(c, "securityContext.allowPrivilegeEscalation")));
    assert_true(json_is_true(get(c, "securityContext.readOnlyRootFilesystem")));
    json_t *drop = get(c, "securityContext.capabilities.drop");
    assert_int_equal(json_array_size(drop), 1);
    assert_true(has_string(drop, "ALL"));
    assert_string_equal(json_string_value(get(c, "resources.limits.memory")), "2048Mi");
    assert_true(quantity(json_string_value(get(c, "resources.limits.ephemeral-storage"))));
    /* every volumeMount names a volume */
    size_t i, j;
    json_t *m, *v;
    json_array_foreach(get(c, "volumeMounts"), i, m) {
        bool found = false;
        assert_int_equal(json_string_value(get(m, "mountPath"))[0], '/');
        json_array_foreach(get(pod, "spec.volumes"), j, v)
            found |= json_equal(get(m, "name"), get(v, "name"));
        assert_true(found);
    }
    assert_int_equal(json_integer_value(get(pod, "spec.activeDeadlineSeconds")), 3600);
}

static void check_cilium(json_t *cnp, json_t *pod)
{
    assert_string_equal(json_string_value(get(cnp, "apiVersion")), "cilium.io/v2");
    assert_string_equal(json_string_value(get(cnp, "kind")), "CiliumNetworkPolicy");
    assert_true(dns1123(json_string_value(get(cnp, "metadata.name"))));
    /* the selector selects the Pod */
    const char *k;
    json_t *v;
    json_object_foreach(get(cnp, "spec.endpointSelector.matchLabels"), k, v)
        assert_true(json_equal(v, json_object_get(get(pod, "metadata.labels"), k)));
    bool dns_rule = false, fqdn = false, cidr = false;
    size_t i, j;
    json_t *r, *f;
    json_array_foreach(get(cnp, "spec.egress"), i, r) {
        json_t *fq = json_object_get(r, "toFQDNs");
        if (json_object_get(r, "toEndpoints")) {
            json_t *port = get(r, "toPorts.0.ports.0");
            dns_rule = strcmp(json_string_value(get(port, "port")), "53") == 0 &&
                       json_array_size(get(r, "toPorts.0.rules.dns")) > 0;
        }
        if (fq) {
            json_array_foreach(fq, j, f) {
                /* exactly one of matchName / matchPattern */
                assert_int_equal(json_object_size(f), 1);
                assert_true(json_object_get(f, "matchName") || json_object_get(f, "matchPattern"));
                fqdn |= json_object_get(f, "matchPattern") &&
                        strcmp(json_string_value(json_object_get(f, "matchPattern")), "*.github.com") == 0;
            }
            assert_string_equal(json_string_value(get(r, "toPorts.0.ports.0.port")), "443");
        }
        if (json_object_get(r, "toCIDR"))
            cidr = has_string(get(r, "toCIDR"), "10.1.2.0/24") && has_string(get(r, "toCIDR"), "2001:db8::1/128");
    }
    assert_true(dns_rule && fqdn && cidr);
}

static void test_kubernetes_schema(void **state)
{
    (void)state;
    struct policy *p = policy(rich);
    struct export_ctx x = ctx_of(p);
    json_t *docs = export_kubernetes_docs(&x);
    assert_int_equal(json_array_size(docs), 3);
    json_t *pod = json_array_get(docs, 0);
    check_pod(pod);
    json_t *cm = json_array_get(docs, 1);
    assert_string_equal(json_string_value(get(cm, "kind")), "ConfigMap");
    json_error_t jerr;
    json_t *prof = json_loads(json_string_value(json_object_get(get(cm, "data"), "agent-box.json")), 0, &jerr);
    assert_non_null(prof);
    assert_string_equal(json_string_value(get(prof, "defaultAction")), "SCMP_ACT_ALLOW");
    json_decref(prof);
    check_cilium(json_array_get(docs, 2), pod);
    json_decref(docs);
    policy_free(p);
}

static void test_kubernetes_no_network(void **state)
{
    (void)state;
    struct policy *p = policy("{\"network\": {\"mode\": \"none\"}}");
    struct export_ctx x = ctx_of(p);
    json_t *docs = export_kubernetes_docs(&x);
    json_t *egress = get(json_array_get(docs, 2), "spec.egress");
    /* one empty rule: Cilium's default deny, nothing allowed */
    assert_int_equal(json_array_size(egress), 1);
    assert_int_equal(json_object_size(json_array_get(egress, 0)), 0);
    json_decref(docs);
    policy_free(p);
}

/* ---- limits.conf ---- */

static char *render(int (*fn)(const struct export_ctx *, FILE *), const struct export_ctx *x)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(fn(x, f), 0);
    fclose(f);
    return buf;
}

static void test_limits_lines(void **state)
{
    (void)state;
    static const char *const items[] = { "core", "data", "fsize", "memlock", "nofile", "rss",
        "stack", "cpu", "nproc", "as", "maxlogins", "maxsyslogins", "priority", "locks",
        "sigpending", "msgqueue", "nice", "rtprio", NULL };
    struct policy *p = policy(rich);
    struct export_ctx x = ctx_of(p);
    x.user = "@agents";
    char *text = render(export_limits, &x);
    assert_non_null(strstr(text, "NOT EXPRESSED"));
    assert_non_null(strstr(text, "network isolation"));
    size_t lines = 0;
    bool cpu = false, as = false;
    for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
        if (l[0] == '#')
            continue;
        char who[64], type[16], item[16], value[32], extra[8];
        int n = sscanf(l, "%63s %15s %15s %31s %7s", who, type, item, value, extra);
        if (n != 4)
            fail_msg("not a limits.conf line: %s", l);
        assert_string_equal(who, "@agents");
        assert_true(strcmp(type, "soft") == 0 || strcmp(type, "hard") == 0);
        bool known = false;
        for (size_t i = 0; items[i]; i++)
            known |= strcmp(item, items[i]) == 0;
        assert_true(known);
        assert_int_equal(strspn(value, "0123456789"), strlen(value));
        cpu |= strcmp(item, "cpu") == 0 && strcmp(value, "2") == 0;       /* 90 s -> 2 min */
        as |= strcmp(item, "as") == 0 && strcmp(value, "2097152") == 0;    /* KiB */
        lines++;
    }
    assert_true(cpu && as);
    assert_int_equal(lines, 12);
    free(text);
    policy_free(p);
}

/* ---- the note heads every text export ---- */

static void test_notes_first(void **state)
{
    (void)state;
    int (*fns[])(const struct export_ctx *, FILE *) = { export_apparmor, export_nftables,
        export_systemd, export_limits };
    struct policy *p = policy(rich);
    struct export_ctx x = ctx_of(p);
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        char *text = render(fns[i], &x);
        assert_true(strncmp(text, "# Generated by sandboxctl", 25) == 0);
        assert_non_null(strstr(text, "NOT EXPRESSED"));
        free(text);
    }
    /* nftables never matches beyond the sandbox's uids */
    char *nft = render(export_nftables, &x);
    assert_non_null(strstr(nft, "meta skuid @sandbox_uids jump sandbox_egress"));
    assert_non_null(strstr(nft, "type filter hook output priority filter; policy accept;"));
    assert_null(strstr(nft, "policy drop"));
    free(nft);
    policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_srt_schema),
        cmocka_unit_test(test_claude_schema),
        cmocka_unit_test(test_oci_schema),
        cmocka_unit_test(test_kubernetes_schema),
        cmocka_unit_test(test_kubernetes_no_network),
        cmocka_unit_test(test_limits_lines),
        cmocka_unit_test(test_notes_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
