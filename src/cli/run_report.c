/* run_report.c - the batch modes: probe for the cycles, then write the
 * report.  The run ends as soon as every probe has its answer or its
 * timeout; names still being looked up get a short, bounded grace. */
#include <stdio.h>
#include <string.h>

#include "cli/exitcode.h"
#include "cli/run.h"
#include "report/report.h"

#define NS_PER_S 1000000000LL
/* Longest wait for reverse names still pending when probing is over. */
#define NAMES_GRACE_NS (3 * NS_PER_S)

static const char *
name_of(void *arg, const struct hw_addr *a)
{
    return hw_names_get(arg, a);
}

/* Ask for each responder's name as soon as it shows up, so names resolve
 * while probing goes on. */
static void
on_result(void *arg, int ttl, const struct hw_probe_result *r)
{
    struct cli_session *s = arg;

    (void)ttl;
    if (!s->opt.numeric && r->responder.family != AF_UNSPEC)
        (void)hw_names_get(s->names, &r->responder);
}

static bool
all_done(const struct cli_session *s)
{
    for (size_t i = 0; i < s->ntargets; i++) {
        if (s->targets[i].trace != NULL && !hw_trace_done(s->targets[i].trace))
            return false;
    }
    return true;
}

static void
fill_settings(const struct cli_session *s, struct report_settings *st)
{
    memset(st, 0, sizeof(*st));
    st->protocol = hw_method_name((enum hw_method)s->opt.method);
    st->port = s->opt.port;
    st->mode = "none";
    for (size_t i = 0; i < s->ntargets; i++) {
        if (s->targets[i].status == 0) {
            st->mode = hw_sock_mode_name(hw_engine_mode(s->engine, s->targets[i].addr.family));
            break;
        }
    }
    st->cycles = s->opt.cycles;
    st->interval_s = s->opt.interval_s;
    st->timeout_s = s->opt.timeout_s;
    st->first_ttl = s->opt.first_ttl;
    st->max_ttl = s->opt.max_ttl;
    st->max_unknown = s->opt.max_unknown;
    st->payload_size = s->opt.payload_size;
    st->tos = s->opt.tos;
    st->dns = !s->opt.numeric;
}

static int
write_trace(struct cli_session *s, struct cli_target *t, bool *reached)
{
    struct hw_engine_counters ctr;
    struct hw_trace_snapshot *snap;
    struct report_trace rep;
    int st;

    st = hw_trace_snapshot(t->trace, &snap);
    if (st < 0) {
        fprintf(stderr, "hopwatch: %s\n", hw_strerror(st));
        return CLI_EXIT_SYSTEM;
    }
    hw_engine_counters(s->engine, &ctr);
    memset(&rep, 0, sizeof(rep));
    rep.snap = snap;
    rep.target_name = t->name;
    rep.local_host = s->local_host;
    rep.name_of = s->opt.numeric ? NULL : name_of;
    rep.name_arg = s->names;
    rep.wide = s->opt.wide;
    rep.counters = &ctr;
    fill_settings(s, &rep.settings);
    if (s->opt.output == CLI_OUT_JSON)
        st = report_trace_json(stdout, &rep);
    else
        st = report_trace_text(stdout, &rep);
    *reached = snap->end == HW_END_REACHED;
    hw_trace_snapshot_free(snap);
    if (st < 0) {
        fprintf(stderr, "hopwatch: write error: %s\n", strerror(-st));
        return CLI_EXIT_SYSTEM;
    }
    return 0;
}

int
cli_run_report(struct cli_session *s)
{
    struct hw_time now;
    int64_t grace_end;
    int rc = 0, st;
    bool all_reached = true;

    st = cli_session_start_traces(s, on_result, s);
    if (st != 0)
        return st;
    while (!cli_signal && !all_done(s))
        cli_session_poll(s, -1);
    hw_engine_now(s->engine, &now);
    grace_end = now.mono_ns + NAMES_GRACE_NS;
    while (!cli_signal && !s->opt.numeric && hw_names_pending(s->names) > 0) {
        hw_engine_now(s->engine, &now);
        if (now.mono_ns >= grace_end)
            break;
        cli_session_poll(s, (int)((grace_end - now.mono_ns) / 1000000) + 1);
    }
    for (size_t i = 0; i < s->ntargets; i++) {
        bool reached = false;

        if (s->targets[i].trace == NULL)
            continue;
        st = write_trace(s, &s->targets[i], &reached);
        if (st != 0)
            return st;
        all_reached = all_reached && reached;
    }
    if (rc == 0 && !all_reached)
        rc = CLI_EXIT_UNREACHED;
    return rc;
}
