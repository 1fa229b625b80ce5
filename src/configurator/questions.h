/* The interactive mode of `sandboxctl init`: the few questions that
 * matter, each with its default in brackets; Enter keeps it. */
#pragma once
#include <stdio.h>

#include "configurator/profile.h"

/* Ask on out, read answers line by line from in. Invalid answers are asked
 * again. workspace: the default workspace answer (NULL: "${WORKSPACE}").
 * Returns 0 with *result a new profile (the answers applied), or -1 at end
 * of input (reported). */
int init_interview(FILE *in, FILE *out, const char *workspace, struct init_profile **result);
