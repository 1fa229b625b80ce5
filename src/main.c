/* sandboxctl: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"

void print_main_help(void)
{
    printf("Usage: sandboxctl COMMAND [OPTIONS] [ARGS]\n"
           "\n"
           "Confine a command to its workspace: system read-only, secrets invisible, the\n"
           "network only towards trusted domains (or none), bounded memory, processes and\n"
           "disk; recorded in an audit trail the sandbox cannot reach.\n"
           "\n"
           "Commands:\n"
           "  run [OPTIONS] [--] CMD...  run CMD in a sandbox built from the policy\n"
           "  check [OPTIONS] [POLICY]   validate a policy; show what enforces each control\n"
           "  doctor                     what this host supports, and what run will use\n"
           "  audit [verify|tail]        query the audit trail, verify its chain, follow it\n"
           "  ps                         this user's running sandboxes\n"
           "  monitor [RUN_ID]           live resource use of running sandboxes\n"
           "  init [--profile P] [DIR]   write DIR/sandbox-security: policies and documents\n"
           "  test [OPTIONS]             run attack probes inside the sandbox; PASS/FAIL each\n"
           "  report [DIR]               SECURITY-SUMMARY.md and .html from the test results\n"
           "  export TARGET              the policy as AppArmor, nftables, systemd, limits,\n"
           "                             srt, claude, oci or kubernetes configuration\n"
           "  convert [POLICY...]        srt or Claude Code settings to the native format\n"
           "\n"
           "  sandboxctl COMMAND --help  options of COMMAND\n"
           "  sandboxctl --version       version\n"
           "\n"
           "See sandboxctl(1).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_main_help();
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        print_main_help();
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("sandboxctl %s\n", SANDBOXCTL_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "check"))
        return cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "doctor"))
        return cmd_doctor(argc - 1, argv + 1);
    if (!strcmp(cmd, "ps"))
        return cmd_ps(argc - 1, argv + 1);
    if (!strcmp(cmd, "monitor"))
        return cmd_monitor(argc - 1, argv + 1);
    if (!strcmp(cmd, "audit"))
        return cmd_audit(argc - 1, argv + 1);
    if (!strcmp(cmd, "export"))
        return cmd_export(argc - 1, argv + 1);
    if (!strcmp(cmd, "convert"))
        return cmd_convert(argc - 1, argv + 1);
    if (!strcmp(cmd, "init"))
        return cmd_init(argc - 1, argv + 1);
    if (!strcmp(cmd, "test"))
        return cmd_test(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "__probe"))
        return cmd_probe(argc - 1, argv + 1);
    log_error("unknown command \"%s\" (commands: run, check, doctor, audit, ps, monitor, "
              "init, test, report, export, convert; see --help)", cmd);
    return 2;
}
