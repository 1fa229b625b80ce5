/* sandboxctl report: SECURITY-SUMMARY.md and .html, computed from the latest
 * `test` results and from `check` on this host. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "sandbox/cgroup.h"
#include "sandbox/controls.h"
#include "selftest/report.h"
#include "selftest/selftest.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

static void report_help(void)
{
    printf("Usage: sandboxctl report [OPTIONS] [DIR]\n"
           "\n"
           "Write DIR/sandbox-security/docs/SECURITY-SUMMARY.md and SECURITY-SUMMARY.html:\n"
           "the posture of each control (File, Network and Process Isolation, Resource\n"
           "Limits, Audit Logging, Monitoring) computed from the latest `sandboxctl test`\n"
           "results in DIR/sandbox-security/tests/test-results.log and from what `check`\n"
           "finds on this host. DIR defaults to the current directory.\n"
           "\n"
           "Options:\n"
           "  -p, --policy FILE|DIR  the policy (default: DIR/sandbox-security/policies,\n"
           "                         else the built-in one); repeatable\n"
           "  -w, --workspace DIR    as for run\n"
           "      --no-namespaces    judge the Landlock-only mode (default: the mode the\n"
           "                         results were measured in)\n"
           "      --format FORMAT    md or html: only that one (default: both)\n"
           "      --output FILE      write the one format there instead (- for stdout)\n"
           "  -q, --quiet            print nothing but errors\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit status: 0 written; 1 error; 2 usage error.\n");
}

struct report_args {
    const char **policies;
    int n_policies;
    const char *workspace;
    bool no_namespaces, quiet;
    const char *format;     /* NULL: both */
    const char *output;
    const char *dir;
};

static int parse(int argc, char **argv, struct report_args *a)
{
    enum { OPT_NONS = 256, OPT_FORMAT, OPT_OUTPUT };
    static const struct option longopts[] = {
        {"policy", required_argument, NULL, 'p'},
        {"workspace", required_argument, NULL, 'w'},
        {"no-namespaces", no_argument, NULL, OPT_NONS},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    a->policies = xcalloc((size_t)argc + 1, sizeof *a->policies);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":p:w:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': a->policies[a->n_policies++] = optarg; break;
        case 'w': a->workspace = optarg; break;
        case 'q': a->quiet = true; break;
        case OPT_NONS: a->no_namespaces = true; break;
        case OPT_OUTPUT: a->output = optarg; break;
        case OPT_FORMAT:
            if (strcmp(optarg, "md") && strcmp(optarg, "html")) {
                log_error("report: --format %s: expected md or html", optarg);
                return -1;
            }
            a->format = optarg;
            break;
        case 'h': report_help(); return 1;
        case ':':
            log_error("report: option %s needs a value", argv[optind - 1]);
            return -1;
        default:
            log_error("report: unknown option %s (see `sandboxctl report --help`)",
                      argv[optind - 1]);
            return -1;
        }
    }
    if (argc - optind > 1) {
        log_error("report: one DIR at most (got \"%s\" and \"%s\")", argv[optind],
                  argv[optind + 1]);
        return -1;
    }
    a->dir = optind < argc ? argv[optind] : ".";
    if (a->output && !a->format) {
        size_t n = strlen(a->output);
        a->format = n > 5 && !strcmp(a->output + n - 5, ".html") ? "html" : "md";
    }
    return 0;
}

/* Replace path with text (a new file renamed over it). */
static int write_replace(const char *path, const char *text)
{
    if (!strcmp(path, "-")) {
        fputs(text, stdout);
        return fflush(stdout) == 0 ? 0 : -EIO;
    }
    _cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
    unlink(tmp);
    int r = st_write_new(tmp, text);
    if (r == 0)
        chmod(tmp, 0644);
    if (r == 0 && rename(tmp, path) < 0)
        r = -errno;
    if (r < 0)
        unlink(tmp);
    return r;
}

static int emit(const struct report_args *a, const struct st_report *rep, const char *docs)
{
    bool md = !a->format || !strcmp(a->format, "md");
    bool html = !a->format || !strcmp(a->format, "html");
    for (int k = 0; k < 2; k++) {
        if (!(k == 0 ? md : html))
            continue;
        _cleanup_free_ char *text = k == 0 ? st_report_md(rep) : st_report_html(rep);
        _cleanup_free_ char *path = a->output ? xstrdup(a->output)
                                              : xasprintf("%s/SECURITY-SUMMARY.%s", docs,
                                                          k == 0 ? "md" : "html");
        if (!a->output && mkdir_p_at(AT_FDCWD, docs, 0755) < 0) {
            log_errno(errno, "report: create %s", docs);
            return 1;
        }
        int r = write_replace(path, text);
        if (r < 0) {
            log_errno(-r, "report: write %s", path);
            return 1;
        }
        if (!a->quiet && strcmp(path, "-"))
            printf("wrote %s\n", path);
    }
    return 0;
}

int cmd_report(int argc, char **argv)
{
    struct report_args a = {0};
    int pr = parse(argc, argv, &a);
    if (pr != 0) {
        free(a.policies);
        return pr > 0 ? 0 : 2;
    }
    log_quiet = a.quiet;
    _cleanup_free_ char *sec = path_join(a.dir, "sandbox-security");
    _cleanup_free_ char *pol_dir = path_join(sec, "policies");
    _cleanup_free_ char *log_path = path_join(sec, "tests/test-results.log");
    _cleanup_free_ char *docs = path_join(sec, "docs");
    struct stat st;
    if (!a.n_policies && stat(pol_dir, &st) == 0 && S_ISDIR(st.st_mode))
        a.policies[a.n_policies++] = pol_dir;
    struct common_opts co = {.policies = a.policies, .n_policies = a.n_policies,
                             .workspace = a.workspace, .quiet = a.quiet};
    struct policy *p = cli_load_policy(&co);
    if (!p) {
        free(a.policies);
        return 1;
    }
    struct st_latest latest = {0};
    int r = st_latest_read(log_path, &latest);
    if (r < 0 && r != -ENOENT)
        log_errno(-r, "report: read %s", log_path);

    struct host_support h;
    host_probe(&h, false);
    bool ns = !a.no_namespaces && h.userns &&
              !(latest.found && !strcmp(latest.mode, "landlock-only"));
    struct sandbox_config cfg = {.policy = p, .use_namespaces = ns,
                                 .landlock_abi = h.landlock_abi};
    int code = 1;
    struct controls chk = {0};
    bool have_chk = fs_plan_build(p, &cfg.plan) == 0;
    if (have_chk)
        controls_collect(&cfg, &h, &chk);
    struct st_posture_row rows[STC_COUNT];
    st_posture_compute(latest.found ? &latest.results : NULL, have_chk ? &chk : NULL, rows);
    char date[40], digest[65];
    st_iso_now(date);
    _cleanup_free_ char *pj = policy_to_json(p);
    audit_sha256_hex(pj, strlen(pj), digest);
    struct st_report rep = {.date = date, .latest = &latest, .rows = rows,
                            .chk = have_chk ? &chk : NULL, .digest = digest,
                            .mode = ns ? "namespaces" : "landlock-only",
                            .landlock_abi = h.landlock_abi, .cgroup = cgroup_mode_name(h.cgroup),
                            .userns = h.userns, .results_path = log_path};
    code = emit(&a, &rep, docs);
    st_posture_free(rows);
    controls_free(&chk);
    fs_plan_free(&cfg.plan);
    st_latest_free(&latest);
    host_support_free(&h);
    policy_free(p);
    free(a.policies);
    return code;
}
