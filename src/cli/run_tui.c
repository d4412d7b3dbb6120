/* run_tui.c - start the interactive screen on the session's targets. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/exitcode.h"
#include "cli/run.h"
#include "ui/ui.h"

int
cli_run_tui(struct cli_session *s)
{
    struct ui_target *uts;
    struct ui_config cfg = {0};
    char err[256];
    size_t n = 0;
    int st;

    st = cli_session_start_traces(s, NULL, NULL);
    if (st != 0)
        return st;
    uts = calloc(s->ntargets, sizeof(*uts));
    if (uts == NULL) {
        fprintf(stderr, "hopwatch: out of memory\n");
        return CLI_EXIT_SYSTEM;
    }
    for (size_t i = 0; i < s->ntargets; i++) {
        if (s->targets[i].trace == NULL)
            continue;
        uts[n].name = s->targets[i].name;
        uts[n].addr = s->targets[i].addr;
        uts[n].trace = s->targets[i].trace;
        n++;
    }
    cfg.engine = s->engine;
    cfg.resolver = s->resolver;
    cfg.names = s->names;
    cfg.dns = !s->opt.numeric;
    cfg.targets = uts;
    cfg.ntargets = n;
    cfg.local_host = s->local_host;
    cfg.poll_mask = &s->poll_mask;
    cfg.signal_flag = &cli_signal;
    /* The same rule as -i in main(): flooding is for root only. */
    cfg.min_interval_s = getuid() == 0 ? 0.001 : 0.2;
    st = ui_run(&cfg, err, sizeof(err));
    free(uts);
    if (st < 0) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return CLI_EXIT_USAGE;
    }
    return CLI_EXIT_OK;
}
