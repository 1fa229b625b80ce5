/* sandboxctl audit: query the trail (per-run summaries, events, denials),
 * verify its chain, follow it. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/verify.h"
#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/log.h"

struct audit_opts {
    const char *log;
    const char *run;
    const char *event;
    char since[40];
    bool denied, json, follow;
};

static void audit_help(void)
{
    printf("Usage: sandboxctl audit [OPTIONS]            per-run summaries, or matching events\n"
           "       sandboxctl audit verify [--log FILE]  check the hash chain\n"
           "       sandboxctl audit tail [-f] [OPTIONS]  the latest events; -f follows\n"
           "\n"
           "Options:\n"
           "      --log FILE     the audit log (default: $XDG_STATE_HOME/sandboxctl/audit.jsonl,\n"
           "                     else ~/.local/state/sandboxctl/audit.jsonl)\n"
           "      --run ID       events of one run\n"
           "      --since T      events from T on: an RFC 3339 time (UTC, a prefix is enough)\n"
           "                     or an age such as 30m, 2h, 7d\n"
           "      --event E      events named E, or starting with E. (e.g. run, limit)\n"
           "      --denied       only denials (fs.deny, a denied exec, net.deny, ...), limit\n"
           "                     hits and refused runs\n"
           "      --json         matching events as JSON lines\n"
           "  -f, --follow       (tail) keep printing new events\n"
           "  -h, --help         this help\n"
           "\n"
           "Exit status: 0; 1 when verify finds the chain broken or the log unreadable;\n"
           "2 on a usage error.\n");
}

static int parse_since(const char *s, char out[40])
{
    char *end;
    long n = strtol(s, &end, 10);
    long unit = !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60 : !strcmp(end, "h") ? 3600
              : !strcmp(end, "d") ? 86400 : 0;
    if (end != s && unit && n >= 0) {
        time_t t = time(NULL) - n * unit;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
        return 0;
    }
    if (strlen(s) < 4 || strlen(s) > 32 || s[0] < '0' || s[0] > '9')
        return -1;
    snprintf(out, 40, "%s", s);
    return 0;
}

static bool is_denial(json_t *ev)
{
    const char *event = json_string_value(json_object_get(ev, "event"));
    const char *verdict = json_string_value(json_object_get(ev, "verdict"));
    size_t n = strlen(event);
    return (n > 5 && !strcmp(event + n - 5, ".deny")) || !strncmp(event, "limit.", 6) ||
           !strcmp(event, "ratelimit") || !strcmp(event, "run.refused") ||
           (verdict && !strcmp(verdict, "deny"));
}

static bool matches(const struct audit_opts *o, json_t *ev)
{
    const char *event = json_string_value(json_object_get(ev, "event"));
    const char *run = json_string_value(json_object_get(ev, "run_id"));
    const char *ts = json_string_value(json_object_get(ev, "ts"));
    if (!event || !run || !ts)
        return false;
    if (o->run && strcmp(o->run, run) != 0)
        return false;
    if (o->since[0] && strncmp(ts, o->since, strlen(o->since)) < 0)
        return false;
    if (o->event) {
        size_t n = strlen(o->event);
        if (strcmp(event, o->event) != 0 && !(strncmp(event, o->event, n) == 0 && event[n] == '.'))
            return false;
    }
    if (o->denied && !is_denial(ev))
        return false;
    return true;
}

static void print_event(json_t *ev)
{
    json_t *rest = json_deep_copy(ev);
    json_object_del(rest, "ts");
    json_object_del(rest, "run_id");
    json_object_del(rest, "event");
    json_object_del(rest, "prev");
    char *fields = json_dumps(rest, JSON_COMPACT | JSON_PRESERVE_ORDER);
    printf("%s  %s  %-14s %s\n", json_string_value(json_object_get(ev, "ts")),
           json_string_value(json_object_get(ev, "run_id")),
           json_string_value(json_object_get(ev, "event")), fields ? fields : "");
    free(fields);
    json_decref(rest);
}

struct run_row {
    char *id, *start, *command, *exit;
    double wall_ms;
    unsigned denials, limits;
};

static struct run_row *row_for(struct run_row **rows, size_t *n, const char *id)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*rows)[i].id, id))
            return &(*rows)[i];
    *rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
    struct run_row *r = &(*rows)[(*n)++];
    *r = (struct run_row){.id = xstrdup(id), .wall_ms = -1};
    return r;
}

static void summarize(struct run_row **rows, size_t *n, json_t *ev)
{
    const char *event = json_string_value(json_object_get(ev, "event"));
    struct run_row *r = row_for(rows, n, json_string_value(json_object_get(ev, "run_id")));
    if (!strcmp(event, "run.start")) {
        free(r->start);
        r->start = xstrdup(json_string_value(json_object_get(ev, "ts")));
        json_t *argv = json_object_get(ev, "argv");
        free(r->command);
        r->command = argv ? json_dumps(argv, JSON_COMPACT) : xstrdup("?");
    } else if (!strcmp(event, "run.end")) {
        json_t *sig = json_object_get(ev, "signal");
        free(r->exit);
        r->exit = json_is_string(sig) ? xstrdup(json_string_value(sig))
                                      : xasprintf("%lld", (long long)json_integer_value(
                                                              json_object_get(ev, "exit_code")));
        r->wall_ms = json_number_value(json_object_get(ev, "wall_ms"));
    } else if (!strncmp(event, "limit.", 6)) {
        r->limits++;
    } else if (is_denial(ev)) {
        r->denials++;
    }
}

static int query(const char *path, const struct audit_opts *o, long tail_lines)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        log_errno(errno, "audit: %s", path);
        return 1;
    }
    bool list = o->run || o->event || o->denied || o->since[0] || o->json || tail_lines >= 0;
    struct run_row *rows = NULL;
    size_t nrows = 0;
    json_t *ring = json_array();
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        json_t *ev = json_loadb(line, (size_t)len, 0, NULL);
        if (!ev || !matches(o, ev)) {
            json_decref(ev);
            continue;
        }
        if (!list) {
            summarize(&rows, &nrows, ev);
        } else if (tail_lines >= 0) {
            json_array_append(ring, ev);
            if ((long)json_array_size(ring) > tail_lines)
                json_array_remove(ring, 0);
        } else if (o->json) {
            fputs(line, stdout);
        } else {
            print_event(ev);
        }
        json_decref(ev);
    }
    size_t i;
    json_t *ev;
    json_array_foreach(ring, i, ev) print_event(ev);
    json_decref(ring);
    if (!list) {
        printf("%-34s %-27s %-8s %9s %7s %6s  %s\n", "RUN", "START", "EXIT", "WALL_MS",
               "DENIED", "LIMITS", "COMMAND");
        for (size_t k = 0; k < nrows; k++) {
            struct run_row *r = &rows[k];
            char wall[32] = "-";
            if (r->wall_ms >= 0)
                snprintf(wall, sizeof wall, "%.1f", r->wall_ms);
            /* A table row: long commands are cut (--json has them whole). */
            const char *cmd = r->command ? r->command : "-";
            printf("%-34s %-27s %-8s %9s %7u %6u  %.*s%s\n", r->id, r->start ? r->start : "-",
                   r->exit ? r->exit : "running", wall, r->denials, r->limits, 72, cmd,
                   strlen(cmd) > 72 ? "..." : "");
            free(r->id);
            free(r->start);
            free(r->command);
            free(r->exit);
        }
    }
    free(rows);
    free(line);
    fclose(f);
    return 0;
}

static volatile sig_atomic_t stop_following;
static void on_int(int sig)
{
    (void)sig;
    stop_following = 1;
}

static int follow(const char *path, const struct audit_opts *o)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        log_errno(errno, "audit: %s", path);
        return 1;
    }
    fseek(f, 0, SEEK_END);
    signal(SIGINT, on_int);
    signal(SIGTERM, on_int);
    char *line = NULL;
    size_t cap = 0;
    while (!stop_following) {
        ssize_t len = getline(&line, &cap, f);
        if (len <= 0) {
            clearerr(f);
            fflush(stdout);
            usleep(200 * 1000);
            continue;
        }
        json_t *ev = json_loadb(line, (size_t)len, 0, NULL);
        if (ev && matches(o, ev)) {
            if (o->json)
                fputs(line, stdout);
            else
                print_event(ev);
        }
        json_decref(ev);
    }
    free(line);
    fclose(f);
    return 0;
}

int cmd_audit(int argc, char **argv)
{
    enum { O_LOG = 256, O_RUN, O_SINCE, O_EVENT, O_DENIED, O_JSON };
    static const struct option longopts[] = {
        {"log", required_argument, NULL, O_LOG},     {"run", required_argument, NULL, O_RUN},
        {"since", required_argument, NULL, O_SINCE}, {"event", required_argument, NULL, O_EVENT},
        {"denied", no_argument, NULL, O_DENIED},     {"json", no_argument, NULL, O_JSON},
        {"follow", no_argument, NULL, 'f'},          {"help", no_argument, NULL, 'h'},
        {0},
    };
    struct audit_opts o = {0};
    const char *sub = NULL;
    if (argc > 1 && argv[1][0] != '-') {
        sub = argv[1];
        argc--;
        argv++;
    }
    if (sub && strcmp(sub, "verify") != 0 && strcmp(sub, "tail") != 0) {
        log_error("audit: unknown action \"%s\" (verify, tail, or options to query)", sub);
        return 2;
    }
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":fh", longopts, NULL)) != -1) {
        switch (c) {
        case O_LOG: o.log = optarg; break;
        case O_RUN: o.run = optarg; break;
        case O_EVENT: o.event = optarg; break;
        case O_DENIED: o.denied = true; break;
        case O_JSON: o.json = true; break;
        case 'f': o.follow = true; break;
        case O_SINCE:
            if (parse_since(optarg, o.since) < 0) {
                log_error("audit: --since %s: expected an RFC 3339 time (2026-11-27T10:00) "
                          "or an age (30m, 2h, 7d)", optarg);
                return 2;
            }
            break;
        case 'h': audit_help(); return 0;
        case ':':
            log_error("audit: option %s needs a value", argv[optind - 1]);
            return 2;
        default:
            log_error("audit: unknown option %s (see `sandboxctl audit --help`)",
                      argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        log_error("audit: unexpected argument \"%s\"", argv[optind]);
        return 2;
    }
    if (o.follow && (!sub || strcmp(sub, "tail") != 0)) {
        log_error("audit: -f goes with `audit tail`");
        return 2;
    }
    _cleanup_free_ char *path = audit_default_path(o.log);
    if (sub && !strcmp(sub, "verify")) {
        struct audit_verdict v;
        if (audit_verify(path, 100, &v)) {
            printf("audit log BROKEN: %s\n", v.message);
            return 1;
        }
        printf("audit log intact: %llu event(s) in %u file(s)%s\n",
               (unsigned long long)v.lines, v.files,
               v.rotated_history ? " (older files were rotated away; the chain starts there)"
                                 : "");
        return 0;
    }
    if (sub && !strcmp(sub, "tail")) {
        if (o.follow)
            return follow(path, &o);
        return query(path, &o, 10);
    }
    return query(path, &o, -1);
}
