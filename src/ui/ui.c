/* ui.c - placeholder until the interactive screen lands: says so. */
#include <stdio.h>

#include "ui/ui.h"

int
ui_run(const struct ui_config *cfg, char *err, size_t errlen)
{
    (void)cfg;
    snprintf(err, errlen, "the interactive view is not available in this version: "
                          "use --report or --json");
    return -1;
}
