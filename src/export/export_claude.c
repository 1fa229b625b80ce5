/* export claude: a Claude Code settings.json with the "sandbox" section
 * (srt's network and filesystem shapes, Claude Code's path spellings) and
 * permission rules: Read and Edit deny rules for the denied paths, Edit
 * deny rules for the read-only ones, WebFetch(domain:...) allow rules for
 * the trusted domains and deny rules for the blocked ones, so that Claude
 * Code's own tools honour the same boundaries as its sandboxed Bash. */
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "util/log.h"

/* Claude Code: "//abs" absolute, "~/x" home ("/x" would be relative to
 * the settings file). */
static char *claude_path(const struct export_ctx *x, const char *path)
{
    char *t = path_tilde(x, path);
    if (t[0] == '~')
        return t;
    char *s = xasprintf("/%s", t);
    free(t);
    return s;
}

static void add_rule(json_t *a, const char *tool, const char *arg)
{
    char *r = xasprintf("%s(%s)", tool, arg);
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
        if (strcmp(json_string_value(e), r) == 0) {
            free(r);
            return;
        }
    json_array_append_new(a, json_string(r));
    free(r);
}

static void domain_rules(json_t *a, const struct str_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        char *h = export_srt_host(l->v[i]);
        if (!h)
            continue;   /* noted with allowedDomains */
        char *arg = xasprintf("domain:%s", h);
        add_rule(a, "WebFetch", arg);
        free(arg);
        free(h);
    }
}

json_t *export_claude_doc(const struct export_ctx *x)
{
    const struct policy *p = x->p;
    struct export_notes n = { 0 };
    export_srt_notes(x, &n);
    notes_add(&n, "Claude Code sandboxes its Bash tool only; its other tools follow the "
              "permission rules below, not the sandbox");
    json_t *network = json_object();
    json_object_set_new(network, "allowedDomains", export_srt_allowed(x, &n));
    json_t *sandbox = json_object();
    json_object_set_new(sandbox, "enabled", json_true());
    /* Nothing runs outside a sandboxctl sandbox. */
    json_object_set_new(sandbox, "allowUnsandboxedCommands", json_false());
    json_object_set_new(sandbox, "network", network);
    json_t *fs = export_srt_filesystem(x, claude_path);
    if (!p->fs.workspace_writable) {
        /* Claude Code always lets the working directory be written. */
        char *ws = claude_path(x, p->fs.workspace);
        json_array_append_new(json_object_get(fs, "denyWrite"), json_string(ws));
        free(ws);
    }
    json_object_set_new(sandbox, "filesystem", fs);
    json_t *env = export_srt_credentials(p);
    if (json_array_size(env))
        json_object_set_new(sandbox, "credentials", json_pack("{s:o}", "envVars", env));
    else
        json_decref(env);

    json_t *allow = json_array(), *deny = json_array();
    if (p->network.mode == NET_MODE_FILTERED)
        domain_rules(allow, &p->network.trusted);
    for (size_t i = 0; i < p->fs.denied.n; i++) {
        char *s = claude_path(x, p->fs.denied.v[i]);
        add_rule(deny, "Read", s);
        add_rule(deny, "Edit", s);
        free(s);
    }
    for (size_t i = 0; i < p->fs.readonly.n; i++) {
        char *s = claude_path(x, p->fs.readonly.v[i]);
        add_rule(deny, "Edit", s);
        free(s);
    }
    domain_rules(deny, &p->network.blocked);

    json_t *doc = json_object();
    json_object_set_new(doc, "$schema", json_string("https://json.schemastore.org/claude-code-settings.json"));
    json_object_set_new(doc, "$comment", notes_json(&n, "claude"));
    json_object_set_new(doc, "sandbox", sandbox);
    json_object_set_new(doc, "permissions", json_pack("{s:o, s:o}", "allow", allow, "deny", deny));
    notes_free(&n);
    return doc;
}

int export_claude(const struct export_ctx *x, FILE *out)
{
    json_t *doc = export_claude_doc(x);
    int r = export_dump_json(out, doc);
    json_decref(doc);
    return r;
}
