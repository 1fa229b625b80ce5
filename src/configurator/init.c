/* sandboxctl init: write sandbox-security/ (policies for a profile, and the
 * requirements and threat assessment generated from them) into DIR. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "configurator/init.h"
#include "configurator/questions.h"
#include "util/cleanup.h"
#include "util/log.h"

static void init_help(void)
{
    printf("Usage: sandboxctl init [OPTIONS] [DIR]\n"
           "\n"
           "Write DIR/sandbox-security/ (DIR: the current directory; created if missing):\n"
           "policies/file-system-policy.json, network-policy.json and resource-policy.json\n"
           "for a profile, and docs/REQUIREMENTS.md and docs/THREAT-ASSESSMENT.md generated\n"
           "from that policy and from what this host enforces (risk matrix included).\n"
           "Paths in the policies are relative to ${WORKSPACE} and ~, so the files work\n"
           "anywhere: `sandboxctl run --policy DIR/sandbox-security/policies -- CMD`.\n"
           "\n"
           "When stdin is a terminal and neither --profile nor --yes is given, asks for\n"
           "the profile, workspace, trusted domains to add, memory and process limits;\n"
           "Enter keeps the default shown in brackets. Otherwise the profile is agent.\n"
           "\n"
           "Profiles:\n"
           "  agent    workspace read-write, system read-only, secrets hidden; network\n"
           "           filtered to AI APIs, GitHub and package registries; moderate limits\n"
           "  strict   no network, tight limits, strict_mode (run fails closed)\n"
           "  web-dev  agent plus dev-server ports 3000 5173 8000 8080 and localhost\n"
           "  offline  no network, normal limits\n"
           "\n"
           "Options:\n"
           "      --profile NAME     agent, strict, web-dev or offline; asks nothing\n"
           "  -w, --workspace DIR    write DIR (made absolute) as the workspace instead of\n"
           "                         ${WORKSPACE}\n"
           "  -y, --yes              ask nothing: the profile's defaults\n"
           "  -f, --force            replace existing files (a symlink is replaced, never\n"
           "                         followed)\n"
           "  -h, --help             this help\n"
           "\n"
           "Exit status: 0 written; 1 nothing written (a file exists and --force was not\n"
           "given, bad option or answer, end of input) or a write failed.\n");
}

int init_parse_args(int argc, char **argv, struct init_opts *o)
{
    enum { OPT_PROFILE = 256 };
    static const struct option longopts[] = {
        {"profile", required_argument, NULL, OPT_PROFILE},
        {"workspace", required_argument, NULL, 'w'},
        {"yes", no_argument, NULL, 'y'},
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    *o = (struct init_opts){.dir = "."};
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":w:yfh", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            init_help();
            return 1;
        case OPT_PROFILE:
            o->profile = optarg;
            break;
        case 'w':
            o->workspace = optarg;
            break;
        case 'y':
            o->yes = true;
            break;
        case 'f':
            o->force = true;
            break;
        case ':':
            log_error("init: option %s needs a value", argv[optind - 1]);
            return -1;
        default:
            log_error("init: unknown option %s (see `sandboxctl init --help`)",
                      argv[optind - 1]);
            return -1;
        }
    }
    if (argc - optind > 1) {
        log_error("init: one DIR at most, got %d operands (see `sandboxctl init --help`)",
                  argc - optind);
        return -1;
    }
    if (optind < argc)
        o->dir = argv[optind];
    return 0;
}

static struct init_profile *choose_profile(const struct init_opts *o, const char *ws)
{
    struct init_profile *p = NULL;
    if (!o->profile && !o->yes && isatty(STDIN_FILENO)) {
        if (init_interview(stdin, stdout, ws, &p) < 0)
            return NULL;
        return p;
    }
    p = init_profile_new(o->profile ? o->profile : INIT_DEFAULT_PROFILE);
    if (!p) {
        log_error("init: --profile %s: no such profile; expected %s", o->profile,
                  init_profile_list_text());
        return NULL;
    }
    if (ws) {
        free(p->workspace);
        p->workspace = xstrdup(ws);
    }
    return p;
}

/* DIR, created when missing (its parent must exist). */
static int open_target(const char *dir)
{
    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        log_errno(errno, "init: %s: cannot create directory", dir);
        return -1;
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        log_errno(errno, "init: %s", dir);
    return fd;
}

int cmd_init(int argc, char **argv)
{
    struct init_opts o;
    int r = init_parse_args(argc, argv, &o);
    if (r)
        return r > 0 ? 0 : 1;
    _cleanup_free_ char *ws = NULL;
    if (o.workspace && !(ws = realpath(o.workspace, NULL))) {
        log_errno(errno, "init: --workspace %s", o.workspace);
        return 1;
    }
    struct init_profile *p = choose_profile(&o, ws);
    if (!p)
        return 1;
    _cleanup_close_ int dfd = open_target(o.dir);
    _cleanup_free_ char *dir_abs = dfd < 0 ? NULL : realpath(o.dir, NULL);
    r = dir_abs ? init_generate(p, &o, dfd, dir_abs) : 1;
    if (dfd >= 0 && !dir_abs)
        log_errno(errno, "init: %s", o.dir);
    init_profile_free(p);
    return r;
}
