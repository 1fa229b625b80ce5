/* Phase timestamps on stderr when SANDBOXCTL_TIMING=1: how the start-up
 * budget is spent, for whoever tunes it. Costs one getenv when off. */
#pragma once
void timing_mark(const char *phase);
