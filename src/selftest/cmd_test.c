/* sandboxctl test: run the probe suite inside sandboxes built from the
 * policy; PASS, FAIL or SKIP per probe; the results log. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "sandbox/cgroup.h"
#include "selftest/selftest.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

static void test_help(void)
{
    printf("Usage: sandboxctl test [OPTIONS]\n"
           "\n"
           "Run the built-in probe suite inside sandboxes built from the policy, as `run`\n"
           "builds them: file, network, process, kernel and resource attacks, and the\n"
           "capabilities the policy grants. One PASS, FAIL or SKIP (with the reason) per\n"
           "probe; the results are appended to sandbox-security/tests/test-results.log.\n"
           "\n"
           "Options:\n"
           "  -p, --policy FILE|DIR  as for run; repeatable\n"
           "  -w, --workspace DIR    as for run\n"
           "      --no-namespaces    test the Landlock-only mode\n"
           "      --format FORMAT    text (default), tap, junit or json\n"
           "      --results FILE     append the results line to FILE instead\n"
           "  -q, --quiet            no progress lines, no warnings\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit status: 0 every probe passed or was skipped; 1 a probe failed; 2 usage\n"
           "error; 125 the sandbox could not be set up.\n");
}

struct test_args {
    struct st_opts st;
    const char **policies;
    bool quiet;
    enum st_format format;
    const char *results;
};

/* 0 parsed, 1 help printed, -1 usage error. */
static int parse(int argc, char **argv, struct test_args *a)
{
    enum { OPT_NONS = 256, OPT_FORMAT, OPT_RESULTS };
    static const struct option longopts[] = {
        {"policy", required_argument, NULL, 'p'},
        {"workspace", required_argument, NULL, 'w'},
        {"no-namespaces", no_argument, NULL, OPT_NONS},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"results", required_argument, NULL, OPT_RESULTS},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    a->policies = xcalloc((size_t)argc + 1, sizeof *a->policies);
    a->st.policies = a->policies;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":p:w:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': a->policies[a->st.n_policies++] = optarg; break;
        case 'w': a->st.workspace = optarg; break;
        case 'q': a->quiet = true; break;
        case OPT_NONS: a->st.no_namespaces = true; break;
        case OPT_RESULTS: a->results = optarg; break;
        case OPT_FORMAT:
            if (st_format_parse(optarg, &a->format) < 0) {
                log_error("test: --format %s: expected text, tap, junit or json", optarg);
                return -1;
            }
            break;
        case 'h': test_help(); return 1;
        case ':':
            log_error("test: option %s needs a value", argv[optind - 1]);
            return -1;
        default:
            log_error("test: unknown option %s (see `sandboxctl test --help`)",
                      argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        log_error("test: unexpected argument \"%s\" (policies go with --policy)", argv[optind]);
        return -1;
    }
    return 0;
}

static void write_log(const struct test_args *a, const struct st_results *r,
                      const struct policy *p, const struct host_support *h, bool ns)
{
    struct st_run_info info = {.mode = ns ? "namespaces" : "landlock-only",
                               .landlock_abi = h->landlock_abi,
                               .cgroup = cgroup_mode_name(h->cgroup), .userns = h->userns};
    st_iso_now(info.timestamp);
    _cleanup_free_ char *pj = policy_to_json(p);
    audit_sha256_hex(pj, strlen(pj), info.digest);
    _cleanup_free_ char *path = NULL;
    if (a->results) {
        path = xstrdup(a->results);
    } else {
        _cleanup_free_ char *dir = st_find_security_dir(a->policies, a->st.n_policies);
        if (!dir) {
            if (!a->quiet)
                fprintf(stderr, "sandboxctl test: no sandbox-security/ directory here or "
                                "above the policy: results not logged (--results FILE)\n");
            return;
        }
        path = path_join(dir, "tests/test-results.log");
    }
    _cleanup_free_ char *line = st_log_line(r, &info);
    int e = st_log_append(path, line);
    if (e < 0)
        log_errno(-e, "test: append to %s", path);
    else if (!a->quiet)
        fprintf(stderr, "sandboxctl test: results appended to %s\n", path);
}

int cmd_test(int argc, char **argv)
{
    struct test_args a = {0};
    int pr_ = parse(argc, argv, &a);
    if (pr_ != 0) {
        free(a.policies);
        return pr_ > 0 ? 0 : 2;
    }
    log_quiet = a.quiet;
    struct common_opts co = {.policies = a.policies, .n_policies = a.st.n_policies,
                             .workspace = a.st.workspace, .no_namespaces = a.st.no_namespaces,
                             .quiet = a.quiet};
    struct policy *p = cli_load_policy(&co);
    if (!p) {
        free(a.policies);
        return EXIT_SETUP_FAILED;
    }
    struct host_support h;
    host_probe(&h, false);
    bool ns = !a.st.no_namespaces;
    if (ns && !h.userns) {
        log_warn("user namespaces are unavailable here (%s): testing the --no-namespaces mode",
                 h.userns_detail ? h.userns_detail : "?");
        ns = false;
    }
    a.st.no_namespaces = !ns;
    int code = EXIT_SETUP_FAILED;
    struct st_fixtures f;
    struct st_plan pl = {0};
    struct st_results res = {0};
    if (st_fixtures_setup(&f, p->fs.workspace) < 0)
        goto out;
    st_plan_build(&pl, p, &h, ns, &f);
    struct st_progress prog = {.tty = isatty(2), .quiet = a.quiet};
    for (size_t i = 0; i < pl.n; i++)
        prog.total += !pl.items[i].skip && pl.items[i].n_specs;
    st_run_groups(&pl, &a.st, &f, &prog);
    st_progress_end(&prog);
    if (!pl.groups[G_MAIN].started) {
        log_error("test: the sandbox could not be set up (run exited %d)",
                  pl.groups[G_MAIN].exit_code);
        const char *err = pl.groups[G_MAIN].err ? pl.groups[G_MAIN].err : "";
        fputs(err, stderr);
        if (strstr(err, "Sanitizer"))
            log_error("test: this is a sanitizer build: its probes cannot start under the "
                      "policy's address-space limit (RLIMIT_AS); test with a normal build");
        goto out;
    }
    st_judge(&pl, &f, &res);
    char *text = st_format_results(&res, a.format);
    fputs(text, stdout);
    fflush(stdout);
    free(text);
    write_log(&a, &res, p, &h, ns);
    size_t np, nf, ns_;
    st_results_count(&res, &np, &nf, &ns_);
    code = nf ? 1 : 0;
out:
    st_results_free(&res);
    st_plan_free(&pl);
    st_fixtures_teardown(&f);
    host_support_free(&h);
    policy_free(p);
    free(a.policies);
    return code;
}
