/* sandboxctl export: placeholder until the emitters land. */
#include <stdio.h>

#include "cli/cli.h"
#include "util/log.h"

int cmd_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("export: not implemented yet");
    return 2;
}

int cmd_convert(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    log_error("convert: not implemented yet");
    return 2;
}
