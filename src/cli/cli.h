#pragma once
#include <stdbool.h>

#include "policy/policy.h"

/* Options shared by run, check and test. */
struct common_opts {
    const char **policies;
    int n_policies;
    const char *workspace;
    bool no_namespaces;
    bool quiet;
    bool use_default;   /* check --default */
    bool json;
    unsigned monitor_seconds;   /* run --monitor[=SECONDS] */
};

/* Load --policy files (or the built-in default when none) and finalize.
 * Prints the error and returns NULL on failure. */
/* Scope-bound: `_cleanup_opts_ struct common_opts o = {0};` */
void common_opts_free(struct common_opts *o);
#define _cleanup_opts_ __attribute__((cleanup(common_opts_free)))

struct policy *cli_load_policy(const struct common_opts *o);
void cli_fill_env(struct policy_env *env, const struct common_opts *o);

enum {
    CLI_OPT_POLICY = 1 << 0,
    CLI_OPT_WORKSPACE = 1 << 1,
    CLI_OPT_NO_NAMESPACES = 1 << 2,
    CLI_OPT_QUIET = 1 << 3,
    CLI_OPT_DEFAULT = 1 << 4,
    CLI_OPT_JSON = 1 << 5,
    CLI_OPT_MONITOR = 1 << 6,
    CLI_STOP_AT_OPERAND = 1 << 8,
};
int parse_common(int argc, char **argv, struct common_opts *o, unsigned allowed,
                 void (*help)(void));

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_export(int argc, char **argv);   /* src/export */
int cmd_convert(int argc, char **argv);  /* src/export */
int cmd_init(int argc, char **argv);     /* src/configurator */
int cmd_test(int argc, char **argv);     /* src/selftest */
int cmd_report(int argc, char **argv);   /* src/selftest */
int cmd_probe(int argc, char **argv);    /* src/selftest: hidden __probe */
void print_main_help(void);
