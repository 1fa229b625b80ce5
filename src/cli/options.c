#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"

enum { OPT_NO_NAMESPACES = 256, OPT_DEFAULT, OPT_JSON, OPT_MONITOR };

void common_opts_free(struct common_opts *o)
{
    free(o->policies);
    o->policies = NULL;
}

static unsigned opt_bit(int c)
{
    switch (c) {
    case 'p': return CLI_OPT_POLICY;
    case 'w': return CLI_OPT_WORKSPACE;
    case 'q': return CLI_OPT_QUIET;
    case OPT_NO_NAMESPACES: return CLI_OPT_NO_NAMESPACES;
    case OPT_DEFAULT: return CLI_OPT_DEFAULT;
    case OPT_JSON: return CLI_OPT_JSON;
    case OPT_MONITOR: return CLI_OPT_MONITOR;
    }
    return 0;
}

/* Parses the options a subcommand takes (`allowed`, CLI_OPT_* bits).
 * With CLI_STOP_AT_OPERAND (run), the first operand ends the options, so
 * that the command's own options are left alone. Returns the index of the
 * first operand, -2 after --help, -1 on a usage error (already reported). */
int parse_common(int argc, char **argv, struct common_opts *o, unsigned allowed,
                 void (*help)(void))
{
    static const struct option longopts[] = {
        {"policy", required_argument, NULL, 'p'},
        {"workspace", required_argument, NULL, 'w'},
        {"no-namespaces", no_argument, NULL, OPT_NO_NAMESPACES},
        {"quiet", no_argument, NULL, 'q'},
        {"default", no_argument, NULL, OPT_DEFAULT},
        {"json", no_argument, NULL, OPT_JSON},
        {"monitor", optional_argument, NULL, OPT_MONITOR},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    const char *optstring = allowed & CLI_STOP_AT_OPERAND ? "+:p:w:qh" : ":p:w:qh";
    o->policies = xcalloc((size_t)argc + 1, sizeof *o->policies);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
        if (c == 'h') {
            help();
            return -2;
        }
        if (c == ':') {
            log_error("%s: option %s needs a value", argv[0], argv[optind - 1]);
            return -1;
        }
        if (c == '?' || !(opt_bit(c) & allowed)) {
            log_error("%s: unknown option %s (see `sandboxctl %s --help`)", argv[0],
                      argv[optind - 1], argv[0]);
            return -1;
        }
        switch (c) {
        case 'p':
            o->policies[o->n_policies++] = optarg;
            break;
        case 'w':
            o->workspace = optarg;
            break;
        case 'q':
            o->quiet = true;
            break;
        case OPT_NO_NAMESPACES:
            o->no_namespaces = true;
            break;
        case OPT_DEFAULT:
            o->use_default = true;
            break;
        case OPT_JSON:
            o->json = true;
            break;
        case OPT_MONITOR: {
            char *end = NULL;
            unsigned long s = optarg ? strtoul(optarg, &end, 10) : 300;
            if ((optarg && (*end || !*optarg)) || s == 0 || s > 86400) {
                log_error("%s: --monitor=%s: expected seconds between 1 and 86400", argv[0],
                          optarg);
                return -1;
            }
            o->monitor_seconds = (unsigned)s;
            break;
        }
        }
    }
    return optind;
}
