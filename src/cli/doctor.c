/* sandboxctl doctor: what this host supports, and what run will use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "sandbox/cgroup.h"
#include "sandbox/hostprobe.h"
#include "util/log.h"

static void doctor_help(void)
{
    printf("Usage: sandboxctl doctor [--json]\n"
           "\n"
           "Report what this kernel and host support (user namespaces and what restricts\n"
           "them, the Landlock ABI, seccomp, cgroup v2 delegation or v1, nftables in a\n"
           "user-owned network namespace) and which mode `run` will use.\n");
}

static const char *landlock_features(int abi)
{
    if (abi >= 6)
        return "files, TCP ports, signal and abstract-socket scoping";
    if (abi >= 4)
        return "files and TCP ports";
    if (abi >= 1)
        return "files";
    return "unavailable";
}

int cmd_doctor(int argc, char **argv)
{
    _cleanup_opts_ struct common_opts o = {0};
    int first = parse_common(argc, argv, &o, CLI_OPT_JSON, doctor_help);
    if (first < 0)
        return first == -2 ? 0 : 1;
    if (first < argc) {
        log_error("doctor: unexpected argument \"%s\" (doctor takes only --json)", argv[first]);
        return 1;
    }
    struct host_support h;
    host_probe(&h, true);
    char mode[256];
    snprintf(mode, sizeof mode, "%s%s, seccomp%s, limits via %s",
             h.userns ? "namespaces" : "Landlock only (--no-namespaces)",
             h.userns && h.landlock_abi ? " + Landlock" : "", h.seccomp ? "" : " (UNAVAILABLE)",
             cgroup_mode_name(h.cgroup));
    if (o.json) {
        printf("{\n  \"user_namespaces\": %s,\n  \"user_namespaces_detail\": \"%s\",\n"
               "  \"landlock_abi\": %d,\n  \"seccomp\": %s,\n  \"cgroup\": \"%s\",\n"
               "  \"cgroup_detail\": \"%s\",\n  \"nftables_netns\": %s,\n"
               "  \"run_mode\": \"%s\"\n}\n",
               h.userns ? "true" : "false", h.userns_detail, h.landlock_abi,
               h.seccomp ? "true" : "false", cgroup_mode_name(h.cgroup), h.cgroup_detail,
               h.nftables_netns ? "true" : "false", mode);
    } else {
        printf("user namespaces:   %s (%s)\n", h.userns ? "yes" : "NO", h.userns_detail);
        printf("Landlock:          ABI %d (%s)\n", h.landlock_abi,
               landlock_features(h.landlock_abi));
        printf("seccomp:           %s\n", h.seccomp ? "yes (filter with EPERM actions)" : "NO");
        printf("resource limits:   %s (%s)\n", cgroup_mode_name(h.cgroup), h.cgroup_detail);
        printf("nftables in netns: %s (%s)\n", h.nftables_netns ? "yes" : "no",
               h.nftables_detail ? h.nftables_detail : "-");
        printf("run will use:      %s\n", mode);
    }
    host_support_free(&h);
    return 0;
}
