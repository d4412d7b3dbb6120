/* run_tui.c - start the interactive screen on the session's targets, with
 * --log's JSON-lines stream written alongside when asked for. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/collect.h"
#include "cli/exitcode.h"
#include "cli/run.h"
#include "report/columns.h"
#include "report/route.h"
#include "ui/ui.h"

static int
log_tick(void *arg)
{
    return cli_collect_tick(arg);
}

static int
log_due_ms(void *arg)
{
    return cli_collect_timeout_ms(arg);
}

/* --log: gather the targets, open the file, write the "start" record and
 * start the traces with the stream's observer.  Returns 0 or an exit code
 * (said). */
static int
start_logged(struct cli_session *s, struct cli_collect **out)
{
    struct cli_collect *c;
    int rc = cli_collect_new(s, &c);

    *out = NULL;
    if (rc != 0)
        return rc;
    rc = cli_collect_log(c, s->opt.log_path);
    if (rc == 0)
        rc = cli_collect_begin(c);
    if (rc == 0)
        rc = cli_session_start_traces_each(s, cli_collect_trace_result, cli_collect_trace_event,
                                           cli_collect_trace_args(c));
    if (rc != 0) {
        cli_collect_free(c);
        return rc;
    }
    /* From here on the screen owns the terminal. */
    cli_collect_hold_errors(c);
    *out = c;
    return 0;
}

/* What the screen's exit status says, as --report's does: 1 when some
 * traced target never answered (its own reply; trace.h), else 0.  4 when
 * a snapshot cannot be had. */
static int
screen_exit_code(const struct cli_session *s)
{
    int rc = CLI_EXIT_OK;

    for (size_t i = 0; i < s->ntargets; i++) {
        struct hw_trace_snapshot *snap;
        struct hw_stats st;
        bool reached;

        if (s->targets[i].trace == NULL)
            continue;
        if (hw_trace_snapshot(s->targets[i].trace, &snap) < 0)
            return CLI_EXIT_SYSTEM;
        report_target_from_trace(snap, &st, &reached);
        hw_trace_snapshot_free(snap);
        if (!reached)
            rc = CLI_EXIT_UNREACHED;
    }
    return rc;
}

int
cli_run_tui(struct cli_session *s)
{
    struct ui_target *uts;
    struct ui_config cfg = {0};
    struct cli_collect *c = NULL;
    char err[256];
    size_t n = 0;
    int st, rc = CLI_EXIT_OK;

    if (s->opt.log_path != NULL)
        st = start_logged(s, &c);
    else
        st = cli_session_start_traces(s, NULL, NULL);
    if (st != 0)
        return st;
    uts = calloc(s->ntargets ? s->ntargets : 1, sizeof(*uts));
    if (uts == NULL) {
        fprintf(stderr, "hopwatch: out of memory\n");
        cli_collect_free(c);
        return CLI_EXIT_SYSTEM;
    }
    for (size_t i = 0; i < s->ntargets; i++) {
        if (s->targets[i].trace == NULL)
            continue;
        uts[n].name = s->targets[i].name;
        uts[n].addr = s->targets[i].addr;
        uts[n].trace = s->targets[i].trace;
        uts[n].pmtu = s->targets[i].pmtu;
        n++;
    }
    cfg.engine = s->engine;
    cfg.resolver = s->resolver;
    cfg.names = s->names;
    cfg.as = s->as;
    cfg.as_lookup = s->opt.as_lookup;
    cfg.as_field = s->opt.as_field;
    cfg.dns = !s->opt.numeric;
    /* --mtu: the default columns end in the MTU column. */
    cfg.order = s->opt.order != NULL ? s->opt.order : s->opt.pmtu ? COLUMNS_PMTU : NULL;
    cfg.targets = uts;
    cfg.ntargets = n;
    cfg.local_host = s->local_host;
    cfg.poll_mask = &s->poll_mask;
    cfg.signal_flag = &cli_signal;
    /* The same rule as -i in main(): flooding is for root only. */
    cfg.min_interval_s = getuid() == 0 ? 0.001 : 0.2;
    if (c != NULL) {
        cfg.tick = log_tick;
        cfg.tick_due_ms = log_due_ms;
        cfg.tick_arg = c;
    }
    st = ui_run(&cfg, err, sizeof(err));
    free(uts);
    if (st < 0) {
        fprintf(stderr, "hopwatch: %s\n", err);
        rc = CLI_EXIT_USAGE;
    } else {
        rc = screen_exit_code(s);
    }
    if (c != NULL) {
        /* The log ends with the final summary, as a batch run's does. */
        int lst = cli_collect_update(c);

        if (cli_collect_end(c) != 0 || lst != 0)
            rc = CLI_EXIT_SYSTEM;
        cli_collect_free(c);
    }
    return rc;
}
