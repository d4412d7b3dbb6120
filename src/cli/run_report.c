/* run_report.c - the batch modes: probe every target (traces, or pings
 * with --ping) for the cycles, streaming JSON lines as results come with
 * --jsonl / --log, then write the report: text, JSON or CSV, or the
 * stream's final summary.  The run ends as soon as every probe has its
 * answer or its timeout (or at SIGINT / SIGTERM / SIGHUP, reporting what
 * was measured); names still being looked up get a short, bounded grace. */
#include <stdio.h>
#include <string.h>

#include "cli/collect.h"
#include "cli/exitcode.h"
#include "cli/run.h"
#include "report/report.h"

#define NS_PER_S 1000000000LL
/* Longest wait for reverse names still pending when probing is over. */
#define NAMES_GRACE_NS (3 * NS_PER_S)

static bool
all_done(const struct cli_session *s)
{
    if (s->multi != NULL)
        return hw_multi_done(s->multi);
    for (size_t i = 0; i < s->ntargets; i++) {
        if (s->targets[i].trace != NULL && !hw_trace_done(s->targets[i].trace))
            return false;
        /* --mtu: the search is bounded (sizes, tries, TTLs): wait for it. */
        if (s->targets[i].pmtu != NULL && !hw_pmtu_done(s->targets[i].pmtu))
            return false;
    }
    return true;
}

/* Lookups the report waits for: reverse names and, with -z / -y, origin
 * ASes. */
static size_t
lookups_pending(const struct cli_session *s)
{
    size_t n = hw_as_pending(s->as);

    if (!s->opt.numeric && s->names != NULL)
        n += hw_names_pending(s->names);
    return n;
}

/* Wait (bounded) for the reverse names and ASes the report will show: one
 * grace for both, so a silent server delays the report by the same bound
 * with -z as without.  Returns 0 or the -errno of a failed poll. */
static int
names_grace(struct cli_session *s)
{
    struct hw_time now;
    int64_t grace_end;
    int st = 0;

    if (s->opt.ping || s->resolver == NULL || lookups_pending(s) == 0)
        return 0;
    hw_engine_now(s->engine, &now);
    grace_end = now.mono_ns + NAMES_GRACE_NS;
    while (!cli_signal && st == 0 && lookups_pending(s) > 0) {
        hw_engine_now(s->engine, &now);
        if (now.mono_ns >= grace_end)
            break;
        st = cli_session_poll(s, (int)((grace_end - now.mono_ns) / 1000000) + 1);
    }
    return st;
}

/* Peak resident set size in kB (VmHWM), -1 if unknown. */
static long
peak_rss_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "re");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    }
    fclose(f);
    return kb;
}

/* --show-memory: the figures doc/hopwatch.8 states. */
static void
show_memory(const struct cli_session *s)
{
    size_t n = s->multi != NULL ? hw_multi_size(s->multi) : 0;

    if (s->multi != NULL)
        fprintf(stderr, "hopwatch: memory: %zu targets pinged, hw_multi %zu bytes (%.1f per "
                        "target), peak RSS %ld kB\n",
                n, hw_multi_memory(s->multi),
                n ? (double)hw_multi_memory(s->multi) / (double)n : 0.0, peak_rss_kb());
    else
        fprintf(stderr, "hopwatch: memory: %zu targets, peak RSS %ld kB\n", s->ntargets,
                peak_rss_kb());
}

/* Write the report of the output mode (not --jsonl: its report is the
 * final summary). */
static int
write_report(const struct cli_session *s, const struct report_run *run)
{
    int st;

    switch (s->opt.output) {
    case CLI_OUT_JSON:
        st = report_json(stdout, run);
        break;
    case CLI_OUT_CSV:
        st = report_csv(stdout, run);
        break;
    case CLI_OUT_TEXT:
        st = report_text(stdout, run);
        break;
    default:
        return 0;
    }
    if (st < 0) {
        fprintf(stderr, "hopwatch: cannot write standard output: %s\n", strerror(-st));
        return CLI_EXIT_SYSTEM;
    }
    return 0;
}

/* Nothing is left to write to: --jsonl's streams (standard output and any
 * --log) all failed.  A report on standard output is still to come
 * otherwise, so the run goes on. */
static bool
nothing_to_write(const struct cli_session *s, const struct cli_collect *c)
{
    return s->opt.output == CLI_OUT_JSONL && cli_collect_all_failed(c);
}

int
cli_run_report(struct cli_session *s)
{
    struct cli_collect *c;
    int rc, st, perr = 0;

    rc = cli_collect_new(s, &c);
    if (rc != 0)
        return rc;
    if (s->opt.output == CLI_OUT_JSONL)
        rc = cli_collect_stream(c, stdout);
    if (rc == 0 && s->opt.log_path != NULL)
        rc = cli_collect_log(c, s->opt.log_path);
    if (rc == 0)
        rc = cli_collect_begin(c);
    if (rc == 0 && s->opt.ping)
        rc = cli_session_start_pings(s, cli_collect_ping_result, c);
    else if (rc == 0)
        rc = cli_session_start_traces_each(s, cli_collect_trace_result, cli_collect_trace_event,
                                           cli_collect_trace_args(c));
    if (rc != 0) {
        cli_collect_free(c);
        return rc;
    }

    while (!cli_signal && !all_done(s) && !nothing_to_write(s, c)) {
        perr = cli_session_poll(s, cli_collect_timeout_ms(c));
        if (perr < 0 || cli_collect_tick(c) != 0)
            break;
    }
    if (perr == 0 && !nothing_to_write(s, c))
        perr = names_grace(s);

    /* Every output on its own: the report, and the streams' final
     * summaries, also after a signal, a failed poll, or another output
     * that could not be written: what was measured is not lost. */
    rc = cli_collect_update(c);
    if (rc == 0)
        rc = write_report(s, cli_collect_run(c));
    st = cli_collect_end(c);
    if (rc == 0)
        rc = st;
    if (perr < 0) {
        fprintf(stderr, "hopwatch: ppoll: %s\n", strerror(-perr));
        rc = CLI_EXIT_SYSTEM;
    }
    if (rc == 0)
        rc = cli_collect_exit_code(c);
    if (s->opt.show_memory)
        show_memory(s);
    cli_collect_free(c);
    return rc;
}
