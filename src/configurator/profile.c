/* The four built-in profiles of `sandboxctl init`. Paths are written with
 * ~ and ${WORKSPACE} so that the files work on any machine and for any
 * workspace; the loader expands them when a policy is used. */
#include <stdlib.h>
#include <string.h>

#include "configurator/profile.h"
#include "policy/policy_internal.h"
#include "util/log.h"
#include "util/strlist.h"

const char *const init_profile_names[] = { "agent", "strict", "web-dev", "offline", NULL };

const char *init_profile_list_text(void)
{
    return "agent, strict, web-dev or offline";
}

/* System trees a build needs to see but must not change. */
static const char *const system_readonly[] = {
    "/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/opt", NULL,
};

/* Secrets in the visible /etc, and credentials by name under the home
 * directory (they matter when the workspace is, or contains, the home). */
static const char *const secrets_denied[] = {
    "/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers",
    "/etc/sudoers.d/**", "/etc/ssh/ssh_host_*_key", "/etc/security/opasswd",
    "~/.ssh", "~/.aws", "~/.gnupg", "~/.config/gh", "~/.config/gcloud", "~/.azure",
    "~/.kube", "~/.docker/config.json", "~/.netrc", "~/.git-credentials", "~/.npmrc",
    "~/.pypirc", "~/.cargo/credentials.toml", NULL,
};

/* The seed's trusted domains: AI APIs, GitHub, package registries; plus
 * the host pip downloads from. */
static const char *const agent_domains[] = {
    "*.anthropic.com", "api.openai.com", "github.com", "*.github.com",
    "raw.githubusercontent.com", "npmjs.org", "*.npmjs.org", "pypi.org", "*.pypi.org",
    "files.pythonhosted.org", "docker.io", "*.docker.io", NULL,
};

static const char *const webdev_domains[] = {
    "registry.yarnpkg.com", "unpkg.com", "cdn.jsdelivr.net", "localhost", NULL,
};

static const char *const seed_blocked[] = {
    "*.example-malicious.com", "suspicious-domain.net", NULL,
};

static const char *const proto_ok[] = { "http", "https", "ssh", "git", NULL };
static const char *const proto_bad[] = { "ftp", "telnet", "smtp", NULL };

static const uint16_t agent_out[] = { 443, 80, 22, 0 };
static const uint16_t dev_ports[] = { 3000, 5173, 8000, 8080, 0 };

static void add_all(struct str_list *l, const char *const *v)
{
    for (size_t i = 0; v[i]; i++)
        str_list_add_unique(l, v[i], "init");
}

static void add_ports(struct port_list *l, const uint16_t *v)
{
    for (size_t i = 0; v[i]; i++)
        port_list_add_unique(l, v[i]);
}

static void add_pin(struct init_profile *p, const char *name, const char *addr)
{
    p->hosts = xrealloc(p->hosts, (p->n_hosts + 1) * sizeof *p->hosts);
    p->hosts[p->n_hosts].name = xstrdup(name);
    p->hosts[p->n_hosts].address = xstrdup(addr);
    p->n_hosts++;
}

/* What every profile shares: the file-system view. */
static struct init_profile *common(const char *name)
{
    struct init_profile *p = xcalloc(1, sizeof *p);
    p->name = xstrdup(name);
    p->workspace = xstrdup("${WORKSPACE}");
    add_all(&p->readonly, system_readonly);
    add_all(&p->denied, secrets_denied);
    return p;
}

static void filtered_network(struct init_profile *p, uint64_t rpm)
{
    p->network = true;
    add_all(&p->trusted, agent_domains);
    add_all(&p->blocked, seed_blocked);
    add_all(&p->proto_allowed, proto_ok);
    add_all(&p->proto_denied, proto_bad);
    add_ports(&p->out_ports, agent_out);
    p->rate_limiting = true;
    p->rate_per_minute = rpm;
    p->rate_burst = rpm + rpm / 2;
}

static void limits(struct init_profile *p, uint64_t mem, uint64_t pids, uint64_t cpu,
                   uint64_t fsize, uint64_t nofile, uint64_t timeout)
{
    p->limits = (struct resource_limits){
        .memory_mb = mem, .pids = pids, .cpu_seconds = cpu,
        .fsize_mb = fsize, .nofile = nofile, .timeout_seconds = timeout,
    };
}

struct init_profile *init_profile_new(const char *name)
{
    struct init_profile *p;
    if (!name)
        return NULL;
    if (!strcmp(name, "agent")) {
        p = common(name);
        p->summary = "an AI coding agent: workspace read-write, system read-only, secrets "
                     "hidden, network filtered to AI APIs, GitHub and package registries, "
                     "moderate limits";
        str_list_add(&p->denied, "${WORKSPACE}/.env", "init");
        p->workspace_size_gb = 10;
        p->temp_size_mb = 1024;
        filtered_network(p, 100);
        limits(p, 4096, 512, 0, 2048, 4096, 0);
    } else if (!strcmp(name, "strict")) {
        p = common(name);
        p->summary = "untrusted code: no network, tight limits, fail closed (strict_mode)";
        str_list_add(&p->denied, "${WORKSPACE}/.env", "init");
        p->workspace_size_gb = 2;
        p->temp_size_mb = 256;
        p->strict_mode = true;
        limits(p, 1024, 128, 600, 256, 512, 1800);
    } else if (!strcmp(name, "web-dev")) {
        p = common(name);
        p->summary = "web development: the agent profile plus dev-server ports 3000, 5173, "
                     "8000 and 8080 published to the host's loopback, front-end CDNs and "
                     "the host's localhost on those ports";
        p->workspace_size_gb = 20;
        p->temp_size_mb = 2048;
        filtered_network(p, 300);
        add_all(&p->trusted, webdev_domains);
        add_pin(p, "localhost", "127.0.0.1");
        add_ports(&p->out_ports, dev_ports);
        add_ports(&p->in_ports, dev_ports);
        limits(p, 8192, 2048, 0, 4096, 16384, 0);
    } else if (!strcmp(name, "offline")) {
        p = common(name);
        p->summary = "builds and tests without network: no network, normal limits";
        str_list_add(&p->denied, "${WORKSPACE}/.env", "init");
        p->workspace_size_gb = 10;
        p->temp_size_mb = 1024;
        limits(p, 4096, 1024, 0, 8192, 4096, 0);
    } else {
        return NULL;
    }
    /* Every limit is the profile's own choice, not a built-in default. */
    p->limits.set_by_policy = (1u << (RES_TIMEOUT + 1)) - 1;
    return p;
}

int init_profile_add_domain(struct init_profile *p, const char *domain, char *why, size_t n)
{
    char *canon = NULL;
    if (policy_check_domain(domain, true, &canon, why, n) < 0)
        return -1;
    str_list_add_unique(&p->trusted, canon, "init");
    free(canon);
    if (!p->network) {
        p->network = true;
        add_all(&p->proto_allowed, proto_ok);
        add_all(&p->proto_denied, proto_bad);
        add_ports(&p->out_ports, agent_out);
    }
    return 0;
}

void init_profile_free(struct init_profile *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->workspace);
    str_list_free(&p->readonly);
    str_list_free(&p->denied);
    str_list_free(&p->trusted);
    str_list_free(&p->blocked);
    str_list_free(&p->proto_allowed);
    str_list_free(&p->proto_denied);
    port_list_free(&p->out_ports);
    port_list_free(&p->in_ports);
    for (size_t i = 0; i < p->n_hosts; i++) {
        free(p->hosts[i].name);
        free(p->hosts[i].address);
    }
    free(p->hosts);
    free(p);
}
