/* sandboxctl init: options and the generation step (after the profile is
 * chosen). */
#pragma once
#include <stdbool.h>

#include "configurator/profile.h"

struct init_opts {
    const char *profile;    /* --profile, or NULL */
    const char *workspace;  /* --workspace, or NULL */
    const char *dir;        /* DIR operand, "." by default */
    bool yes;
    bool force;
};

/* 0: parsed; 1: --help printed; -1: usage error (reported). */
int init_parse_args(int argc, char **argv, struct init_opts *o);

/* Generate everything for profile p, check the targets, write them under
 * dirfd (DIR, whose absolute path is dir_abs) and print a summary. Returns
 * the exit status. */
int init_generate(const struct init_profile *p, const struct init_opts *o, int dirfd,
                  const char *dir_abs);
