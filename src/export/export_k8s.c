/* export kubernetes: a Pod whose securityContext carries the policy
 * (non-root, no privilege escalation, no capabilities, read-only root,
 * a Localhost seccomp profile, memory and storage limits), a ConfigMap
 * holding that seccomp profile for the nodes, and a CiliumNetworkPolicy
 * allowing egress to the trusted domains (toFQDNs, with the DNS rule
 * toFQDNs needs) so that a fleet enforces the same egress policy. */
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "util/log.h"

static bool is_ip(const char *s)
{
    return strchr(s, ':') || strspn(s, "0123456789./") == strlen(s);
}

static const char *const app_label = "app.kubernetes.io/name";

static json_t *mib(unsigned long long v)
{
    char *s = xasprintf("%lluMi", v);
    json_t *j = json_string(s);
    free(s);
    return j;
}

static void k8s_notes(const struct export_ctx *x, struct export_notes *n)
{
    const struct policy *p = x->p;
    const struct resource_limits *r = &p->resources;
    notes_common(n, p, LACKS_RATE | LACKS_PROTOCOLS | LACKS_HOSTS | LACKS_FIREWALL |
                       LACKS_ENV | LACKS_AUDIT);
    notes_add(n, "the file view: a Pod sees its image; denied and read-only host paths do not "
              "apply (the workspace and writable paths are emptyDir volumes)");
    if (r->pids)
        notes_add(n, "the process limit (%llu): set the kubelet's podPidsLimit",
                  (unsigned long long)r->pids);
    if (r->fsize_mb || r->nofile || r->cpu_seconds)
        notes_add(n, "rlimits (file size, open files, CPU seconds): Kubernetes has none");
    if (p->network.in_ports.n)
        notes_add(n, "inbound ports are allowed from the cluster only, not published");
    for (size_t i = 0; i < p->network.blocked.n; i++)
        for (size_t j = 0; j < p->network.trusted.n; j++) {
            const char *t = p->network.trusted.v[j], *b = p->network.blocked.v[i];
            size_t lb = strlen(b), lt = strlen(t);
            if (strncmp(t, "*.", 2) == 0 && lb > lt - 1 && strcmp(b + lb - (lt - 1), t + 1) == 0)
                notes_add(n, "blocked domain \"%s\" inside trusted \"%s\": Cilium has no deny "
                          "for names, it stays reachable", b, t);
        }
}

static json_t *container(const struct export_ctx *x, json_t *volumes, struct export_notes *n)
{
    const struct policy *p = x->p;
    json_t *mounts = json_array();
    json_array_append_new(mounts, json_pack("{s:s, s:s, s:b}", "name", "workspace",
                                            "mountPath", p->fs.workspace,
                                            "readOnly", !p->fs.workspace_writable));
    json_t *ws_vol = json_object();
    if (p->fs.workspace_size_limit_gb > 0)
        json_object_set_new(ws_vol, "sizeLimit", mib((unsigned long long)(p->fs.workspace_size_limit_gb * 1024)));
    json_array_append_new(volumes, json_pack("{s:s, s:o}", "name", "workspace", "emptyDir", ws_vol));
    if (p->fs.temp_path) {
        json_array_append_new(mounts, json_pack("{s:s, s:s}", "name", "tmp", "mountPath", p->fs.temp_path));
        json_t *ed = json_pack("{s:s}", "medium", "Memory");
        if (p->fs.temp_size_mb)
            json_object_set_new(ed, "sizeLimit", mib(p->fs.temp_size_mb));
        json_array_append_new(volumes, json_pack("{s:s, s:o}", "name", "tmp", "emptyDir", ed));
    }
    for (size_t i = 0; i < p->fs.writable.n; i++) {
        char *t = path_literal_tree(p->fs.writable.v[i]);
        if (!t) {
            notes_add(n, "writable pattern \"%s\"", p->fs.writable.v[i]);
            continue;
        }
        char *name = xasprintf("writable-%zu", i);
        json_array_append_new(mounts, json_pack("{s:s, s:s}", "name", name, "mountPath", t));
        json_array_append_new(volumes, json_pack("{s:s, s:{}}", "name", name, "emptyDir"));
        free(name);
        free(t);
    }
    json_t *limits = json_object(), *requests = json_object();
    if (p->resources.memory_mb) {
        json_object_set_new(limits, "memory", mib(p->resources.memory_mb));
        json_object_set_new(requests, "memory", mib(p->resources.memory_mb));
    }
    if (p->fs.temp_size_mb || p->fs.workspace_size_limit_gb > 0)
        json_object_set_new(limits, "ephemeral-storage",
                            mib(p->fs.temp_size_mb + (unsigned long long)(p->fs.workspace_size_limit_gb * 1024)));
    return json_pack("{s:s, s:s, s:s, s:{s:b, s:b, s:b, s:b, s:{s:[s]}}, s:{s:o, s:o}, s:o}",
                     "name", "sandbox", "image", "debian:bookworm-slim",
                     "workingDir", p->fs.workspace,
                     "securityContext", "allowPrivilegeEscalation", 0, "privileged", 0,
                     "readOnlyRootFilesystem", 1, "runAsNonRoot", 1,
                     "capabilities", "drop", "ALL",
                     "resources", "limits", limits, "requests", requests,
                     "volumeMounts", mounts);
}

static json_t *pod(const struct export_ctx *x, const struct export_notes *n_in, json_t *c, json_t *volumes)
{
    const struct policy *p = x->p;
    json_t *ann = json_object();
    json_t *note = notes_json(n_in, "kubernetes");
    size_t i;
    json_t *e;
    json_array_foreach(note, i, e) {
        char *k = xasprintf("sandboxctl.io/note-%02zu", i);
        json_object_set(ann, k, e);
        free(k);
    }
    json_decref(note);
    char *profile = xasprintf("sandboxctl/%s.json", x->name);
    json_t *spec = json_pack(
        "{s:b, s:b, s:b, s:b, s:b, s:s, s:{s:b, s:i, s:i, s:i, s:{s:s, s:s}}, s:[o], s:o}",
        "automountServiceAccountToken", 0, "enableServiceLinks", 0, "hostNetwork", 0,
        "hostPID", 0, "hostIPC", 0, "restartPolicy", "Never",
        "securityContext", "runAsNonRoot", 1, "runAsUser", 65534, "runAsGroup", 65534,
        "fsGroup", 65534, "seccompProfile", "type", "Localhost", "localhostProfile", profile,
        "containers", c, "volumes", volumes);
    free(profile);
    if (p->resources.timeout_seconds)
        json_object_set_new(spec, "activeDeadlineSeconds", json_integer((json_int_t)p->resources.timeout_seconds));
    return json_pack("{s:s, s:s, s:{s:s, s:{s:s, s:s}, s:o}, s:o}", "apiVersion", "v1",
                     "kind", "Pod", "metadata", "name", x->name, "labels", app_label, x->name,
                     "app.kubernetes.io/managed-by", "sandboxctl", "annotations", ann,
                     "spec", spec);
}

static json_t *seccomp_configmap(const struct export_ctx *x)
{
    json_t *prof = export_seccomp_profile();
    char *text = json_dumps(prof, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(prof);
    char *key = xasprintf("%s.json", x->name);
    char *name = xasprintf("%s-seccomp", x->name);
    json_t *cm = json_pack("{s:s, s:s, s:{s:s, s:{s:s}}, s:{s:s}}", "apiVersion", "v1",
                           "kind", "ConfigMap", "metadata", "name", name, "annotations",
                           "sandboxctl.io/install",
                           "copy data to /var/lib/kubelet/seccomp/sandboxctl/ on every node "
                           "(or load it with the Security Profiles Operator)",
                           "data", key, text);
    free(text);
    free(key);
    free(name);
    return cm;
}

static json_t *port_list(const struct port_list *pl, const char *proto)
{
    json_t *a = json_array();
    for (size_t i = 0; i < pl->n; i++) {
        char *s = xasprintf("%u", pl->v[i]);
        json_array_append_new(a, json_pack("{s:s, s:s}", "port", s, "protocol", proto));
        free(s);
    }
    return a;
}

static json_t *egress(const struct policy *p)
{
    json_t *rules = json_array();
    if (p->network.mode == NET_MODE_HOST) {
        json_array_append_new(rules, json_pack("{s:[s]}", "toEntities", "all"));
        return rules;
    }
    json_t *fqdns = json_array(), *dns = json_array(), *cidrs = json_array();
    if (p->network.mode == NET_MODE_FILTERED) {
        for (size_t i = 0; i < p->network.trusted.n; i++) {
            const char *d = p->network.trusted.v[i];
            if (is_ip(d)) {
                char *c = strchr(d, '/') ? xstrdup(d) : xasprintf("%s/%s", d, strchr(d, ':') ? "128" : "32");
                json_array_append_new(cidrs, json_string(c));
                free(c);
                continue;
            }
            const char *key = d[0] == '*' ? "matchPattern" : "matchName";
            json_array_append_new(fqdns, json_pack("{s:s}", key, d));
            json_array_append_new(dns, json_pack("{s:s}", key, d));
        }
    }
    json_t *to_ports = p->network.out_ports.n
        ? json_pack("[{s:o}]", "ports", port_list(&p->network.out_ports, "TCP")) : NULL;
    if (json_array_size(fqdns)) {
        /* toFQDNs learns addresses from the DNS answers Cilium's proxy sees:
         * DNS must go through it, and only trusted names are resolved. */
        json_array_append_new(rules, json_pack(
            "{s:[{s:{s:s, s:s}}], s:[{s:[{s:s, s:s}], s:{s:o}}]}",
            "toEndpoints", "matchLabels", "k8s:io.kubernetes.pod.namespace", "kube-system",
            "k8s:k8s-app", "kube-dns", "toPorts", "ports", "port", "53", "protocol", "ANY",
            "rules", "dns", dns));
        json_t *r = json_pack("{s:o}", "toFQDNs", fqdns);
        if (to_ports)
            json_object_set(r, "toPorts", to_ports);
        json_array_append_new(rules, r);
    } else {
        json_decref(fqdns);
        json_decref(dns);
    }
    if (json_array_size(cidrs)) {
        json_t *r = json_pack("{s:o}", "toCIDR", cidrs);
        if (to_ports)
            json_object_set(r, "toPorts", to_ports);
        json_array_append_new(rules, r);
    } else {
        json_decref(cidrs);
    }
    json_decref(to_ports);
    if (!json_array_size(rules))   /* an empty rule: default deny, nothing allowed */
        json_array_append_new(rules, json_object());
    return rules;
}

static json_t *cilium(const struct export_ctx *x)
{
    const struct policy *p = x->p;
    json_t *ingress = json_array();
    if (p->network.in_ports.n)
        json_array_append_new(ingress, json_pack("{s:[s], s:[{s:o}]}", "fromEntities", "cluster",
                                                 "toPorts", "ports", port_list(&p->network.in_ports, "TCP")));
    else
        json_array_append_new(ingress, json_object());
    char *name = xasprintf("%s-egress", x->name);
    json_t *cnp = json_pack("{s:s, s:s, s:{s:s}, s:{s:{s:{s:s}}, s:o, s:o}}",
                            "apiVersion", "cilium.io/v2", "kind", "CiliumNetworkPolicy",
                            "metadata", "name", name, "spec", "endpointSelector", "matchLabels",
                            app_label, x->name, "egress", egress(p), "ingress", ingress);
    free(name);
    return cnp;
}

json_t *export_kubernetes_docs(const struct export_ctx *x)
{
    struct export_notes n = { 0 };
    k8s_notes(x, &n);
    json_t *volumes = json_array();
    json_t *c = container(x, volumes, &n);
    json_t *docs = json_array();
    json_array_append_new(docs, pod(x, &n, c, volumes));
    json_array_append_new(docs, seccomp_configmap(x));
    json_array_append_new(docs, cilium(x));
    notes_free(&n);
    return docs;
}

int export_kubernetes(const struct export_ctx *x, FILE *out)
{
    json_t *docs = export_kubernetes_docs(x);
    int r = 0;
    if (x->json) {
        json_t *list = json_pack("{s:s, s:s, s:O}", "apiVersion", "v1", "kind", "List",
                                 "items", docs);
        r = export_dump_json(out, list);
        json_decref(list);
    } else {
        json_t *pod0 = json_array_get(docs, 0);
        json_t *ann = json_object_get(json_object_get(pod0, "metadata"), "annotations");
        const char *k;
        json_t *v;
        json_object_foreach(ann, k, v)
            fprintf(out, "# %s\n", json_string_value(v));
        size_t i;
        json_t *d;
        json_array_foreach(docs, i, d) {
            fputs("---\n", out);
            if (i == 1)
                fputs("# seccomp profile: the policy's system-call deny list\n", out);
            if (i == 2)
                fputs("# egress: trusted domains only (toFQDNs), DNS through Cilium's proxy\n", out);
            export_yaml(out, d);
        }
    }
    json_decref(docs);
    return r;
}
