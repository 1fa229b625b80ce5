/* sandboxctl export TARGET and sandboxctl convert: option parsing, policy
 * loading and writing the result (all or nothing) to stdout or -o FILE. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "export/export.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

static const struct {
    const char *name;
    int (*fn)(const struct export_ctx *x, FILE *out);
    const char *what;
} targets[] = {
    { "apparmor", export_apparmor, "AppArmor profile (apparmor_parser)" },
    { "nftables", export_nftables, "nftables ruleset in its own table (nft -f)" },
    { "systemd", export_systemd, "systemd [Service] drop-in" },
    { "limits", export_limits, "limits.conf lines (pam_limits)" },
    { "srt", export_srt, "sandbox-runtime settings (~/.srt-settings.json)" },
    { "claude", export_claude, "Claude Code settings.json (sandbox + permissions)" },
    { "oci", export_oci, "OCI runtime config.json" },
    { "kubernetes", export_kubernetes, "Pod, seccomp profile and CiliumNetworkPolicy" },
};

static void export_help(void)
{
    printf("Usage: sandboxctl export [OPTIONS] TARGET\n"
           "\n"
           "Write the effective policy (the --policy files merged, or the built-in default)\n"
           "as configuration for another tool. The output starts with what TARGET could\n"
           "not express.\n"
           "\n"
           "Targets:\n");
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        printf("  %-11s %s\n", targets[i].name, targets[i].what);
    printf("\n"
           "Options:\n"
           "  -p, --policy FILE|DIR  policy file or directory; repeatable (native, srt or\n"
           "                         Claude Code settings)\n"
           "  -w, --workspace DIR    the workspace (as for run)\n"
           "  -o, --output FILE      write to FILE (replaced atomically) instead of stdout\n"
           "  -n, --name NAME        profile, table, pod name (default: sandboxctl)\n"
           "  -u, --user USER        limits: user or @group (default: sandbox);\n"
           "                         nftables: user or uid whose sockets are confined\n"
           "  -f, --format FORMAT    kubernetes: yaml (default) or json\n"
           "  -q, --quiet            no warnings\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit status: 0 written; 1 invalid policy or write error; 2 usage error.\n");
}

static void convert_help(void)
{
    printf("Usage: sandboxctl convert [OPTIONS] [POLICY...]\n"
           "\n"
           "Write the effective policy in the native JSON format. POLICY operands and\n"
           "--policy files (native, srt settings or Claude Code settings.json) merge in\n"
           "order; none means the built-in default.\n"
           "\n"
           "Options:\n"
           "  -p, --policy FILE|DIR  policy file or directory; repeatable\n"
           "  -w, --workspace DIR    the workspace (as for run)\n"
           "  -o, --output FILE      write to FILE (replaced atomically) instead of stdout\n"
           "  -q, --quiet            no warnings\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit status: 0 written; 1 invalid policy or write error; 2 usage error.\n");
}

struct opts {
    struct common_opts common;
    const char *output;
    const char *name;
    const char *user;
    const char *format;
};

static void opts_free(struct opts *o)
{
    common_opts_free(&o->common);
}

/* 0 parsed; 1 --help shown; -1 usage error reported. */
static int parse(int argc, char **argv, struct opts *o, bool export, int *first)
{
    static const struct option longopts[] = {
        { "policy", required_argument, NULL, 'p' },
        { "workspace", required_argument, NULL, 'w' },
        { "output", required_argument, NULL, 'o' },
        { "name", required_argument, NULL, 'n' },
        { "user", required_argument, NULL, 'u' },
        { "format", required_argument, NULL, 'f' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    o->common.policies = xcalloc((size_t)argc + 1, sizeof *o->common.policies);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":p:w:o:n:u:f:qh", longopts, NULL)) != -1) {
        if (c == 'h') {
            (export ? export_help : convert_help)();
            return 1;
        }
        if (c == ':') {
            log_error("%s: option %s needs a value", argv[0], argv[optind - 1]);
            return -1;
        }
        if (c == '?' || (!export && strchr("nuf", c))) {
            log_error("%s: unknown option %s (see `sandboxctl %s --help`)", argv[0],
                      argv[optind - 1], argv[0]);
            return -1;
        }
        switch (c) {
        case 'p': o->common.policies[o->common.n_policies++] = optarg; break;
        case 'w': o->common.workspace = optarg; break;
        case 'o': o->output = optarg; break;
        case 'n': o->name = optarg; break;
        case 'u': o->user = optarg; break;
        case 'f': o->format = optarg; break;
        case 'q': o->common.quiet = true; break;
        }
    }
    *first = optind;
    return 0;
}

/* The whole output exists before anything is written: a failing emitter
 * leaves no half file behind. */
static int write_out(const char *path, const char *buf, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if (write_all(STDOUT_FILENO, buf, len) < 0) {
            log_errno(errno, "cannot write to standard output");
            return -1;
        }
        return 0;
    }
    _cleanup_free_ char *tmp = xasprintf("%s.XXXXXX", path);
    _cleanup_close_ int fd = mkstemp(tmp);
    if (fd < 0) {
        log_errno(errno, "%s: cannot create", path);
        return -1;
    }
    int r = write_all(fd, buf, len);
    if (r == 0 && (fchmod(fd, 0644) < 0 || fsync(fd) < 0))
        r = -errno;
    if (r == 0 && rename(tmp, path) < 0)
        r = -errno;
    if (r < 0) {
        log_errno(-r, "%s: cannot write", path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

static bool valid_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 53 || s[0] == '-' || s[n - 1] == '-')
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static bool valid_user(const char *s)
{
    const char *u = s[0] == '@' ? s + 1 : s;
    size_t n = strlen(u);
    return n > 0 && n <= 32 && u[0] != '-' &&
           strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-$") == n;
}

int cmd_export(int argc, char **argv)
{
    __attribute__((cleanup(opts_free))) struct opts o = { 0 };
    int first;
    int r = parse(argc, argv, &o, true, &first);
    if (r != 0)
        return r > 0 ? 0 : 2;
    log_quiet = o.common.quiet;
    if (first >= argc) {
        log_error("export: no TARGET; expected one of apparmor, nftables, systemd, limits, "
                  "srt, claude, oci, kubernetes");
        return 2;
    }
    if (argc - first > 1) {
        log_error("export: one TARGET only; \"%s\" is extra (policy files go with --policy)",
                  argv[first + 1]);
        return 2;
    }
    size_t t = 0;
    while (t < sizeof targets / sizeof targets[0] && strcmp(targets[t].name, argv[first]) != 0)
        t++;
    if (t == sizeof targets / sizeof targets[0]) {
        log_error("export: unknown target \"%s\"; expected one of apparmor, nftables, systemd, "
                  "limits, srt, claude, oci, kubernetes", argv[first]);
        return 2;
    }
    if (o.name && !valid_name(o.name)) {
        log_error("export: --name \"%s\": expected 1 to 53 lower-case letters, digits and '-'",
                  o.name);
        return 2;
    }
    if (o.user && !valid_user(o.user)) {
        log_error("export: --user \"%s\": expected a user name, a uid or @group", o.user);
        return 2;
    }
    if (o.format && strcmp(o.format, "yaml") != 0 && strcmp(o.format, "json") != 0) {
        log_error("export: --format \"%s\": expected yaml or json", o.format);
        return 2;
    }
    if (o.format && strcmp(targets[t].name, "kubernetes") != 0) {
        log_error("export: --format applies to the kubernetes target only");
        return 2;
    }
    struct policy *p = cli_load_policy(&o.common);
    if (!p)
        return 1;
    struct policy_env env;
    cli_fill_env(&env, &o.common);
    struct export_ctx x = {
        .p = p, .home = env.home, .name = o.name ? o.name : "sandboxctl",
        .user = o.user ? o.user : "sandbox", .user_given = o.user != NULL,
        .json = o.format && strcmp(o.format, "json") == 0,
    };
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem)
        abort();
    r = targets[t].fn(&x, mem);
    if (fclose(mem) != 0)
        r = -1;
    int code = 1;
    if (r < 0)
        log_error("export: %s: the policy could not be written in this format", targets[t].name);
    else if (write_out(o.output, buf, len) == 0)
        code = 0;
    free(buf);
    policy_free(p);
    return code;
}

int cmd_convert(int argc, char **argv)
{
    __attribute__((cleanup(opts_free))) struct opts o = { 0 };
    int first;
    int r = parse(argc, argv, &o, false, &first);
    if (r != 0)
        return r > 0 ? 0 : 2;
    log_quiet = o.common.quiet;
    for (int i = first; i < argc; i++)
        o.common.policies[o.common.n_policies++] = argv[i];
    struct policy *p = cli_load_policy(&o.common);
    if (!p)
        return 1;
    char *json = policy_to_json(p);
    policy_free(p);
    if (!json) {
        log_error("convert: cannot serialise the policy");
        return 1;
    }
    size_t n = strlen(json);
    json = xrealloc(json, n + 2);
    json[n] = '\n';
    json[n + 1] = '\0';
    int code = write_out(o.output, json, n + 1) == 0 ? 0 : 1;
    free(json);
    return code;
}
