/* sandboxctl init: placeholder until the configurator lands. */
#include <stdio.h>

#include "cli/cli.h"
#include "util/log.h"

int cmd_init(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("init: not implemented yet");
    return 2;
}
