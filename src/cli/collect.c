/* collect.c - the session's targets as the reporters see them, and the
 * JSON-lines streams with their summaries.  See collect.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/collect.h"
#include "cli/exitcode.h"

#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL
/* --jsonl on standard output and --log FILE. */
#define STREAMS_MAX 2

/* The observer argument of one traced target. */
struct probe_arg {
    struct cli_collect *c;   /* the collector */
    size_t i;                /* the target's index in the session */
};

struct cli_collect {
    struct cli_session *s;               /* the session reported */
    struct report_target *targets;       /* one per session target */
    struct hw_trace_snapshot **snaps;    /* trace mode: each target's latest
                                            snapshot (NULL: none) */
    struct hw_pmtu_result *pmtus;        /* --mtu: each target's search, as of
                                            the last update */
    struct probe_arg *args;              /* trace mode: observer arguments */
    void **arg_ptrs;                     /* pointers to them, for the session */
    struct report_run run;               /* what the reporters take */
    struct hw_engine_counters counters;  /* the engine's, at the last update */
    struct report_stream *streams[STREAMS_MAX]; /* the JSON-lines streams */
    const char *stream_names[STREAMS_MAX];/* for write errors: the sink's name */
    int stream_errors[STREAMS_MAX];      /* each one's write error (-errno), 0 */
    size_t nstreams;                     /* streams in use */
    FILE *log;                           /* --log's file, or NULL */
    size_t log_k;                        /* its stream's index */
    int64_t next_summary_ns;             /* monotonic time the next summary is due */
    int64_t summary_ns;                  /* between summaries */
    bool failed;                         /* a stream could not be written */
    size_t nfailed;                      /* how many */
    bool hold;                           /* keep errors other than write
                                            errors until cli_collect_end() (a
                                            screen owns the terminal) */
    char held[300];                      /* the message kept, "" for none */
};

static const char *
name_of(void *arg, const struct hw_addr *a)
{
    return hw_names_get(arg, a);
}

static void
as_of(void *arg, const struct hw_addr *a, struct hw_asinfo *out)
{
    (void)hw_as_get(arg, a, out);
}

int
cli_collect_new(struct cli_session *s, struct cli_collect **out)
{
    struct cli_collect *c = calloc(1, sizeof(*c));
    size_t n = s->ntargets ? s->ntargets : 1;
    struct report_settings *st;

    *out = NULL;
    if (c == NULL)
        goto nomem;
    c->s = s;
    c->targets = calloc(n, sizeof(*c->targets));
    c->snaps = calloc(n, sizeof(*c->snaps));
    c->args = calloc(n, sizeof(*c->args));
    c->pmtus = calloc(n, sizeof(*c->pmtus));
    c->arg_ptrs = calloc(n, sizeof(*c->arg_ptrs));
    if (c->targets == NULL || c->snaps == NULL || c->args == NULL || c->arg_ptrs == NULL ||
        c->pmtus == NULL)
        goto nomem;
    for (size_t i = 0; i < s->ntargets; i++) {
        const struct cli_target *t = &s->targets[i];
        struct report_target *rt = &c->targets[i];

        rt->name = t->name;
        rt->status = t->status < 0 ? t->status : 0;
        rt->error = t->error;
        rt->addr = t->status == 0 ? t->addr : (struct hw_addr){.family = AF_UNSPEC};
        hw_stats_init(&rt->stats);
        c->args[i].c = c;
        c->args[i].i = i;
        c->arg_ptrs[i] = &c->args[i];
    }

    c->run.mode = s->opt.ping ? REPORT_PING : REPORT_TRACE;
    c->run.local_host = s->local_host;
    /* Names of responders: only traces have them. */
    c->run.name_of = !s->opt.ping && !s->opt.numeric ? name_of : NULL;
    c->run.name_arg = s->names;
    c->run.as_of = s->opt.as_lookup && s->as != NULL ? as_of : NULL;
    c->run.as_arg = s->as;
    c->run.as_field = s->opt.as_field;
    c->run.wide = s->opt.wide;
    c->run.order = s->opt.order;
    c->run.counters = &c->counters;
    c->run.targets = c->targets;
    c->run.ntargets = s->ntargets;
    st = &c->run.settings;
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
    st->adapt = !s->opt.no_adapt;
    st->pps = s->opt.pps;
    st->payload_size = s->opt.payload_size;
    st->tos = s->opt.tos;
    st->pmtu = !s->opt.ping && s->opt.pmtu;
    st->dns = c->run.name_of != NULL;
    c->summary_ns = (int64_t)(s->opt.summary_interval_s * NS_PER_S);
    *out = c;
    return 0;

nomem:
    cli_collect_free(c);
    fprintf(stderr, "hopwatch: out of memory\n");
    return CLI_EXIT_SYSTEM;
}

void
cli_collect_free(struct cli_collect *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nstreams; i++)
        report_stream_free(c->streams[i]);
    if (c->log != NULL)
        fclose(c->log);
    for (size_t i = 0; c->snaps != NULL && i < c->s->ntargets; i++)
        hw_trace_snapshot_free(c->snaps[i]);
    free(c->snaps);
    free(c->targets);
    free(c->args);
    free(c->pmtus);
    free(c->arg_ptrs);
    free(c);
}

static int
add_stream(struct cli_collect *c, FILE *f, const char *name)
{
    if (c->nstreams == STREAMS_MAX)
        return CLI_EXIT_SYSTEM;
    c->streams[c->nstreams] = report_stream_new(f);
    if (c->streams[c->nstreams] == NULL) {
        fprintf(stderr, "hopwatch: out of memory\n");
        return CLI_EXIT_SYSTEM;
    }
    c->stream_names[c->nstreams++] = name;
    return 0;
}

int
cli_collect_stream(struct cli_collect *c, FILE *f)
{
    return add_stream(c, f, "standard output");
}

int
cli_collect_log(struct cli_collect *c, const char *path)
{
    c->log = fopen(path, "we");
    if (c->log == NULL) {
        fprintf(stderr, "hopwatch: cannot write %s: %s\n", path, strerror(errno));
        return CLI_EXIT_SYSTEM;
    }
    c->log_k = c->nstreams;
    return add_stream(c, c->log, path);
}

void *const *
cli_collect_trace_args(struct cli_collect *c)
{
    return c->arg_ptrs;
}

/* Stream k could not be written: it is done for, the others go on.  Its
 * error is said once, at cli_collect_end(), after the other outputs are
 * complete. */
static void
write_failed(struct cli_collect *c, size_t k, int err)
{
    if (c->stream_errors[k] != 0)
        return;
    c->stream_errors[k] = err;
    c->failed = true;
    c->nfailed++;
}

static void
emit_probe(struct cli_collect *c, size_t i, int ttl, const struct hw_probe_result *r)
{
    struct hw_time now;

    if (c->nstreams == c->nfailed)
        return;
    hw_engine_now(c->s->engine, &now);
    for (size_t k = 0; k < c->nstreams; k++) {
        int st;

        if (c->stream_errors[k] != 0)
            continue;
        st = report_stream_probe(c->streams[k], &c->targets[i], ttl, r, now.real_ns);
        if (st < 0)
            write_failed(c, k, st);
    }
}

void
cli_collect_trace_result(void *arg, int ttl, const struct hw_probe_result *r)
{
    struct probe_arg *pa = arg;
    struct cli_collect *c = pa->c;

    /* Ask for the responder's name as soon as it shows up, so names
     * resolve while probing goes on. */
    if (!c->s->opt.numeric && r->responder.family != AF_UNSPEC)
        (void)hw_names_get(c->s->names, &r->responder);
    if (c->s->opt.as_lookup && c->s->as != NULL && r->responder.family != AF_UNSPEC) {
        struct hw_asinfo info;

        (void)hw_as_get(c->s->as, &r->responder, &info);
    }
    emit_probe(c, pa->i, ttl, r);
}

void
cli_collect_trace_event(void *arg, const struct hw_route_event *ev)
{
    struct probe_arg *pa = arg;
    struct cli_collect *c = pa->c;

    for (size_t k = 0; k < c->nstreams; k++) {
        int st;

        if (c->stream_errors[k] != 0)
            continue;
        st = report_stream_route_event(c->streams[k], &c->targets[pa->i], ev);
        if (st < 0)
            write_failed(c, k, st);
    }
}

void
cli_collect_ping_result(void *arg, size_t index, const struct hw_probe_result *r)
{
    struct cli_collect *c = arg;

    if (index < c->s->ntargets)
        emit_probe(c, c->s->multi_target[index], 0, r);
}

/* A summary on every stream still writable. */
static void
summaries(struct cli_collect *c, bool final)
{
    for (size_t k = 0; k < c->nstreams; k++) {
        int st;

        if (c->stream_errors[k] != 0)
            continue;
        st = report_stream_summary(c->streams[k], &c->run, final, c->run.end_real_ns);
        if (st < 0)
            write_failed(c, k, st);
    }
}

int
cli_collect_begin(struct cli_collect *c)
{
    struct hw_time now;

    hw_engine_now(c->s->engine, &now);
    c->run.start_real_ns = now.real_ns;
    c->run.end_real_ns = now.real_ns;
    c->next_summary_ns = now.mono_ns + c->summary_ns;
    for (size_t k = 0; k < c->nstreams; k++) {
        int st = report_stream_start(c->streams[k], &c->run);

        if (st < 0)
            write_failed(c, k, st);
    }
    return 0;
}

int
cli_collect_timeout_ms(const struct cli_collect *c)
{
    struct hw_time now;
    int64_t left;

    if (c->nstreams == 0)
        return -1;
    hw_engine_now(c->s->engine, &now);
    left = c->next_summary_ns - now.mono_ns;
    if (left <= 0)
        return 0;
    return (int)((left + NS_PER_MS - 1) / NS_PER_MS);
}

int
cli_collect_tick(struct cli_collect *c)
{
    struct hw_time now;
    int st;

    if (c->nstreams == c->nfailed)
        return 0;
    hw_engine_now(c->s->engine, &now);
    if (now.mono_ns < c->next_summary_ns)
        return 0;
    /* Due times stay on the grid unless the loop fell a whole period
     * behind. */
    c->next_summary_ns += c->summary_ns;
    if (c->next_summary_ns <= now.mono_ns)
        c->next_summary_ns = now.mono_ns + c->summary_ns;
    st = cli_collect_update(c);
    if (st != 0)
        return st;
    summaries(c, false);
    return 0;
}

bool
cli_collect_failed(const struct cli_collect *c)
{
    return c->failed;
}

bool
cli_collect_all_failed(const struct cli_collect *c)
{
    return c->nstreams > 0 && c->nfailed == c->nstreams;
}

int
cli_collect_update(struct cli_collect *c)
{
    struct cli_session *s = c->s;
    struct hw_time now;

    for (size_t i = 0; i < s->ntargets; i++) {
        const struct cli_target *t = &s->targets[i];
        struct report_target *rt = &c->targets[i];

        if (t->trace != NULL) {
            struct hw_trace_snapshot *snap;
            int st = hw_trace_snapshot(t->trace, &snap);

            if (st < 0) {
                snprintf(c->held, sizeof(c->held), "hopwatch: %s", hw_strerror(st));
                if (!c->hold) {
                    fprintf(stderr, "%s\n", c->held);
                    c->held[0] = '\0';
                }
                return CLI_EXIT_SYSTEM;
            }
            hw_trace_snapshot_free(c->snaps[i]);
            c->snaps[i] = snap;
            rt->snap = snap;
            report_target_from_trace(snap, &rt->stats, &rt->reached);
            if (t->pmtu != NULL) {
                hw_pmtu_result(t->pmtu, &c->pmtus[i]);
                rt->pmtu = &c->pmtus[i];
            }
        } else if (t->pinged) {
            (void)hw_multi_stats(s->multi, t->index, &rt->stats);
            rt->send_status = hw_multi_send_status(s->multi, t->index);
            rt->reached = rt->stats.received > 0;
        }
    }
    hw_engine_counters(s->engine, &c->counters);
    hw_engine_now(s->engine, &now);
    c->run.end_real_ns = now.real_ns;
    return 0;
}

const struct report_run *
cli_collect_run(const struct cli_collect *c)
{
    return &c->run;
}

void
cli_collect_hold_errors(struct cli_collect *c)
{
    c->hold = true;
}

int
cli_collect_end(struct cli_collect *c)
{
    int rc;

    /* The terminal is ours again: say what went wrong while it was not. */
    c->hold = false;
    if (c->held[0] != '\0') {
        fprintf(stderr, "%s\n", c->held);
        c->held[0] = '\0';
    }
    summaries(c, true);
    if (c->log != NULL) {
        size_t k = c->log_k;
        FILE *f = c->log;

        c->log = NULL;
        if (fclose(f) != 0)
            write_failed(c, k, -errno);
    }
    /* One line per output that failed, each naming it. */
    rc = 0;
    for (size_t k = 0; k < c->nstreams; k++) {
        if (c->stream_errors[k] == 0)
            continue;
        fprintf(stderr, "hopwatch: cannot write %s: %s\n", c->stream_names[k],
                strerror(-c->stream_errors[k]));
        rc = CLI_EXIT_SYSTEM;
    }
    return rc;
}

int
cli_collect_exit_code(const struct cli_collect *c)
{
    for (size_t i = 0; i < c->s->ntargets; i++) {
        const struct cli_target *t = &c->s->targets[i];

        if ((t->trace != NULL || t->pinged) && !c->targets[i].reached)
            return CLI_EXIT_UNREACHED;
    }
    return CLI_EXIT_OK;
}
