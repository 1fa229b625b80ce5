/* Every control a policy asks for, with the layer that enforces it on this
 * host or the reason it cannot: what `check` prints and what strict_mode
 * refuses on. */
#pragma once
#include <stdbool.h>
#include <stdio.h>

#include "sandbox/hostprobe.h"
#include "sandbox/sandbox.h"

enum control_state {
    CTL_ENFORCED,
    CTL_STRICTER,      /* enforced more strictly than asked (e.g. no network at all) */
    CTL_PARTIAL,
    CTL_NOT_ENFORCED,
    CTL_INFO,
};

struct control {
    char *area;        /* file_system, network, resources, process, environment, audit */
    char *item;
    char *layer;
    enum control_state state;
    bool confinement;  /* false: observation only (auditing) */
    bool built_in;     /* a built-in default, not asked for by a policy file */
    char *detail;
};

struct controls {
    struct control *v;
    size_t n;
};

void controls_collect(const struct sandbox_config *cfg, const struct host_support *h,
                      struct controls *out);
/* Controls not enforced (or only partly): all of them, or only the
 * confinement ones (what strict_mode refuses on). */
size_t controls_gaps(const struct controls *c, bool confinement_only);
/* Gap test for one control; see controls_gaps. */
bool control_is_gap(const struct control *x, bool asked_confinement_only);
void controls_print_text(const struct controls *c, FILE *f);
/* A JSON array. */
char *controls_to_json(const struct controls *c);
void controls_free(struct controls *c);
const char *control_state_name(enum control_state s);
