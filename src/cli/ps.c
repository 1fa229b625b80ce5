/* sandboxctl ps and monitor: the running sandboxes of this user, and a
 * live view of one or all of them. */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "sandbox/registry.h"
#include "sandbox/usage.h"
#include "sandbox/wsquota.h"
#include "util/log.h"

static double seconds_since(const char *rfc3339)
{
    struct tm tm = {0};
    if (!rfc3339 || !strptime(rfc3339, "%Y-%m-%dT%H:%M:%S", &tm))
        return 0;
    return difftime(time(NULL), timegm(&tm));
}

static json_t *run_json(const struct run_entry *r, const struct sandbox_usage *u,
                        double cpu_percent, uint64_t workspace_bytes)
{
    return json_pack("{s:s, s:I, s:s, s:f, s:s, s:s, s:I, s:I, s:s, s:f, s:f, s:I, s:I, "
                     "s:I, s:I, s:I}",
                     "run_id", r->run_id, "pid", (json_int_t)r->supervisor, "started",
                     r->started ? r->started : "", "uptime_s", seconds_since(r->started),
                     "command", r->command, "workspace", r->workspace ? r->workspace : "",
                     "memory_bytes",
                     (json_int_t)(u->cgroup_bytes ? u->cgroup_bytes : u->rss_bytes), "pids",
                     (json_int_t)u->pids, "memory_scope",
                     u->cgroup_bytes ? "cgroup" : "rss sum", "cpu_seconds", u->cpu_seconds,
                     "cpu_percent", cpu_percent, "workspace_bytes", (json_int_t)workspace_bytes,
                     "temp_used_bytes", (json_int_t)u->temp_used, "temp_size_bytes",
                     (json_int_t)u->temp_size, "bytes_in", (json_int_t)0, "bytes_out",
                     (json_int_t)0);
}

static void ps_help(void)
{
    printf("Usage: sandboxctl ps [--json]\n"
           "\n"
           "List this user's running sandboxes: run id, supervisor pid, uptime, memory,\n"
           "processes, command.\n");
}

int cmd_ps(int argc, char **argv)
{
    _cleanup_opts_ struct common_opts o = {0};
    int first = parse_common(argc, argv, &o, CLI_OPT_JSON, ps_help);
    if (first < 0)
        return first == -2 ? 0 : 2;
    if (first < argc) {
        log_error("ps: unexpected argument \"%s\"", argv[first]);
        return 2;
    }
    struct run_entry *runs;
    size_t n = registry_list(&runs);
    json_t *all = json_array();
    if (!o.json)
        printf("%-34s %8s %9s %10s %5s  %s\n", "RUN", "PID", "UPTIME_S", "MEM_MIB", "PIDS",
               "COMMAND");
    for (size_t i = 0; i < n; i++) {
        struct sandbox_usage u;
        sandbox_usage_read(runs[i].init, runs[i].mem_cgroup, NULL, &u);
        if (o.json) {
            json_array_append_new(all, run_json(&runs[i], &u, 0, 0));
            continue;
        }
        uint64_t mem = u.cgroup_bytes ? u.cgroup_bytes : u.rss_bytes;
        printf("%-34s %8d %9.0f %10.1f %5u  %s\n", runs[i].run_id, (int)runs[i].supervisor,
               seconds_since(runs[i].started), (double)mem / 1048576.0, u.pids,
               runs[i].command);
    }
    if (o.json) {
        char *s = json_dumps(all, JSON_INDENT(2));
        printf("%s\n", s);
        free(s);
    }
    json_decref(all);
    run_entries_free(runs, n);
    return 0;
}

static void monitor_help(void)
{
    printf("Usage: sandboxctl monitor [--json] [--interval SECS] [--count N] [RUN_ID]\n"
           "\n"
           "Live CPU, memory, processes, workspace and temp disk use of one running\n"
           "sandbox (RUN_ID, or a prefix of it) or of all, refreshed every SECS seconds\n"
           "(default 2). --json streams one JSON object per sandbox per refresh; --count\n"
           "stops after N refreshes.\n");
}

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int cmd_monitor(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},     {"interval", required_argument, NULL, 'i'},
        {"count", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'},
        {0},
    };
    bool json = false;
    double interval = 2;
    long count = -1;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'j': json = true; break;
        case 'i':
            interval = strtod(optarg, &end);
            if (*end || interval < 0.1 || interval > 3600) {
                log_error("monitor: --interval %s: expected seconds from 0.1 to 3600", optarg);
                return 2;
            }
            break;
        case 'c':
            count = strtol(optarg, &end, 10);
            if (*end || count < 1) {
                log_error("monitor: --count %s: expected a positive number", optarg);
                return 2;
            }
            break;
        case 'h': monitor_help(); return 0;
        default:
            log_error("monitor: unknown option %s (see `sandboxctl monitor --help`)",
                      argv[optind - 1]);
            return 2;
        }
    }
    const char *want = optind < argc ? argv[optind] : NULL;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    bool tty = !json && isatty(STDOUT_FILENO);
    /* CPU time of the previous refresh, by run id: the order of runs may
     * change between two refreshes. */
    char **last_id = NULL;
    double *last_cpu = NULL;
    size_t last_n = 0;
    for (long round = 0; !stop && (count < 0 || round < count); round++) {
        struct run_entry *runs;
        size_t n = registry_list(&runs);
        if (want) {
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                if (!strncmp(runs[i].run_id, want, strlen(want)))
                    runs[k++] = runs[i];
                else
                    run_entry_clear(&runs[i]);
            }
            n = k;
            if (!n && round == 0) {
                log_error("monitor: no running sandbox %s (see `sandboxctl ps`)", want);
                free(runs);
                return 1;
            }
        }
        if (tty)
            printf("\033[H\033[2J");
        if (!json)
            printf("%-34s %6s %9s %5s %13s %10s  %s\n", "RUN", "CPU%", "MEM_MIB", "PIDS",
                   "WORKSPACE_MIB", "TEMP_MIB", "COMMAND");
        double *cpu = xcalloc(n + 1, sizeof *cpu);
        char **ids = xcalloc(n + 1, sizeof *ids);
        for (size_t i = 0; i < n; i++) {
            struct sandbox_usage u;
            sandbox_usage_read(runs[i].init, runs[i].mem_cgroup, runs[i].temp, &u);
            cpu[i] = u.cpu_seconds;
            ids[i] = xstrdup(runs[i].run_id);
            double pct = 0;
            for (size_t j = 0; j < last_n; j++)
                if (!strcmp(last_id[j], runs[i].run_id))
                    pct = 100.0 * (u.cpu_seconds - last_cpu[j]) / interval;
            if (pct < 0)
                pct = 0;
            uint64_t ws = runs[i].workspace ? tree_disk_usage(runs[i].workspace) : 0;
            if (json) {
                json_t *o = run_json(&runs[i], &u, pct, ws);
                char *s = json_dumps(o, JSON_COMPACT);
                printf("%s\n", s);
                free(s);
                json_decref(o);
            } else {
                uint64_t mem = u.cgroup_bytes ? u.cgroup_bytes : u.rss_bytes;
                printf("%-34s %6.1f %9.1f %5u %13.1f %10.1f  %s\n", runs[i].run_id, pct,
                       (double)mem / 1048576.0, u.pids, (double)ws / 1048576.0,
                       (double)u.temp_used / 1048576.0, runs[i].command);
            }
        }
        fflush(stdout);
        for (size_t j = 0; j < last_n; j++)
            free(last_id[j]);
        free(last_id);
        free(last_cpu);
        last_id = ids;
        last_cpu = cpu;
        last_n = n;
        run_entries_free(runs, n);
        if (count < 0 || round + 1 < count) {
            struct timespec ts = {.tv_sec = (time_t)interval,
                                  .tv_nsec = (long)((interval - (double)(time_t)interval) * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
    for (size_t j = 0; j < last_n; j++)
        free(last_id[j]);
    free(last_id);
    free(last_cpu);
    return 0;
}
