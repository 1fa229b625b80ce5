#pragma once
#include "sandbox/sandbox.h"

/* Run the command in a sandbox built from cfg; returns the exit status
 * sandboxctl should exit with. */
int supervisor_run(struct sandbox_config *cfg);
