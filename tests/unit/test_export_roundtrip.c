/* native -> srt -> native and native -> claude -> native: trusted and
 * blocked domains, denied paths, writable paths and the read-only paths
 * come back equal (as sets), ports too where srt carries them. */
#include <jansson.h>

#include "export/export.h"
#include "policy_test.h"

/* A policy on the built-in view (which srt and Claude Code leave implicit)
 * plus everything both formats can express. */
static const char *const native =
    "{\n"
    "  \"file_system\": {\n"
    "    \"writable_paths\": [\"~/.cache/pip\", \"/var/tmp/build dir\"],\n"
    "    \"denied_paths\": [\"/opt/secret\", \"~/.config/tokens/**\", \"/etc/ssh/ssh_host_*_key\"]\n"
    "  },\n"
    "  \"network\": {\n"
    "    \"trusted_domains\": [\"*.github.com\", \"registry.npmjs.org\", \"192.0.2.7\", \"2001:db8::1\"],\n"
    "    \"blocked_domains\": [\"gist.github.com\", \"203.0.113.9\"],\n"
    "    \"allowed_ports\": {\"outbound\": [443, 80]}\n"
    "  }\n"
    "}\n";

static struct policy *original(void)
{
    struct policy_error err = { { 0 } };
    struct policy *p = policy_new_default(&test_env);
    if (policy_load_buffer(p, "native.json", native, strlen(native), &test_env, &err) != 0 ||
        policy_finalize(p, &test_env, &err) != 0)
        fail_msg("%s", err.msg);
    return p;
}

static struct policy *reload(json_t *doc, const char *name)
{
    struct policy_error err = { { 0 } };
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    struct policy *q = policy_new_base(&test_env);
    if (policy_load_buffer(q, name, text, strlen(text), &test_env, &err) != 0 ||
        policy_finalize(q, &test_env, &err) != 0)
        fail_msg("reload of %s failed: %s\n%s", name, err.msg, text);
    free(text);
    return q;
}

static void same_set(const struct str_list *a, const struct str_list *b, const char *what)
{
    for (size_t i = 0; i < a->n; i++)
        if (list_index(b, a->v[i]) == (size_t)-1)
            fail_msg("%s: \"%s\" lost in the round trip", what, a->v[i]);
    for (size_t i = 0; i < b->n; i++)
        if (list_index(a, b->v[i]) == (size_t)-1)
            fail_msg("%s: \"%s\" appeared in the round trip", what, b->v[i]);
}

static void same_ports(const struct port_list *a, const struct port_list *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        assert_int_equal(a->v[i], b->v[i]);
}

static void compare(const struct policy *p, const struct policy *q)
{
    same_set(&p->network.trusted, &q->network.trusted, "trusted_domains");
    same_set(&p->network.blocked, &q->network.blocked, "blocked_domains");
    same_set(&p->fs.denied, &q->fs.denied, "denied_paths");
    same_set(&p->fs.writable, &q->fs.writable, "writable_paths");
    same_set(&p->fs.readonly, &q->fs.readonly, "readonly_paths");
    same_ports(&p->network.out_ports, &q->network.out_ports);
    assert_int_equal(p->network.mode, q->network.mode);
    assert_int_equal(p->fs.workspace_writable, q->fs.workspace_writable);
    assert_string_equal(p->fs.workspace, q->fs.workspace);
}

static struct export_ctx ctx_for(const struct policy *p)
{
    return (struct export_ctx){ .p = p, .home = test_env.home, .name = "sandboxctl",
                                .user = "sandbox" };
}

static void test_srt(void **state)
{
    (void)state;
    struct policy *p = original();
    struct export_ctx x = ctx_for(p);
    json_t *doc = export_srt_doc(&x);
    /* home paths are written portably */
    json_t *deny = json_object_get(json_object_get(doc, "filesystem"), "denyRead");
    bool tilde = false;
    size_t i;
    json_t *e;
    json_array_foreach(deny, i, e)
        tilde |= strcmp(json_string_value(e), "~/.config/tokens/**") == 0;
    assert_true(tilde);
    struct policy *q = reload(doc, "srt.json");
    compare(p, q);
    json_decref(doc);
    policy_free(p);
    policy_free(q);
}

static void test_claude(void **state)
{
    (void)state;
    struct policy *p = original();
    struct export_ctx x = ctx_for(p);
    json_t *doc = export_claude_doc(&x);
    struct policy *q = reload(doc, "/elsewhere/.claude/settings.json");
    compare(p, q);
    json_decref(doc);
    policy_free(p);
    policy_free(q);
}

static void test_read_only_workspace(void **state)
{
    (void)state;
    struct policy_error err = { { 0 } };
    const char *ro = "{\"file_system\": {\"workspace\": {\"permissions\": \"read-only\"}}}";
    struct policy *p = policy_new_default(&test_env);
    assert_int_equal(policy_load_buffer(p, "ro.json", ro, strlen(ro), &test_env, &err), 0);
    assert_int_equal(policy_finalize(p, &test_env, &err), 0);
    struct export_ctx x = ctx_for(p);
    json_t *doc = export_srt_doc(&x);
    struct policy *q = reload(doc, "srt.json");
    assert_false(q->fs.workspace_writable);
    compare(p, q);
    json_decref(doc);
    policy_free(q);
    policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_srt),
        cmocka_unit_test(test_claude),
        cmocka_unit_test(test_read_only_workspace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
