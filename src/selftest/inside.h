/* The probes' inside half: `sandboxctl __probe SPEC...`, run by the
 * self-test inside a sandbox. Each SPEC is "ID/KIND/ARG"; each one runs in
 * its own child and prints one line on stdout:
 *   @probe ID worked|refused|error|killed DETAIL
 * "worked": the attack (or the capability asked for) succeeded;
 * "refused": it was refused, DETAIL says how; "killed": the child died of
 * a signal (DETAIL: the signal number). KIND "hold" prints "@hold" and
 * waits (at most a few seconds) for a byte on stdin. */
#pragma once
#include <stddef.h>

enum in_outcome { IN_WORKED, IN_REFUSED, IN_ERROR };

typedef enum in_outcome (*in_probe_fn)(const char *arg, char *detail, size_t n);

struct in_probe {
    const char *kind;
    in_probe_fn fn;
};

extern const struct in_probe in_fs_probes[], in_proc_probes[], in_net_probes[],
    in_limit_probes[];

int cmd_probe(int argc, char **argv);

/* Helpers shared by the probe files. */
enum in_outcome in_errno(int e, char *detail, size_t n, const char *what);
/* Split "A:B" at the last ':' into a (heap) and b. */
char *in_split(const char *arg, const char **b);
