/* report_fixture.h - small fixed runs for the reporter tests
 * (test_report_*.c): a ping run with a reached target, a silent one and one
 * whose name did not resolve, and a trace run with an ECMP hop carrying
 * MPLS labels, a silent hop and the target.  Every number is chosen so the
 * expected text can be checked by hand. */
#ifndef HW_TESTS_REPORT_FIXTURE_H
#define HW_TESTS_REPORT_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include <hopwatch/hopwatch.h>

#include "report/report.h"

/* 2026-11-23T10:00:00.000Z and 2.5 s later. */
#define FX_START_NS 1795428000000000000LL
#define FX_END_NS (FX_START_NS + 2500000000LL)

/* n probes sent; the answers' RTTs in microseconds (rtt_us[i] < 0: lost). */
static inline void
fx_stats(struct hw_stats *s, const int64_t *rtt_us, size_t n)
{
    hw_stats_init(s);
    for (size_t i = 0; i < n; i++) {
        hw_stats_sent(s);
        if (rtt_us[i] < 0)
            hw_stats_lost(s);
        else
            hw_stats_reply(s, rtt_us[i] * 1000);
    }
}

/* A responder's stats: answers only, sent 0 (as trace.h says). */
static inline void
fx_answers(struct hw_stats *s, const int64_t *rtt_us, size_t n)
{
    hw_stats_init(s);
    for (size_t i = 0; i < n; i++)
        hw_stats_reply(s, rtt_us[i] * 1000);
    s->sent = 0;
}

static inline struct hw_addr
fx_addr(const char *text)
{
    struct hw_addr a;

    memset(&a, 0, sizeof(a));
    (void)hw_addr_parse(text, &a);
    return a;
}

/* The settings every fixture run uses. */
static inline void
fx_settings(struct report_settings *st)
{
    memset(st, 0, sizeof(*st));
    st->protocol = "icmp";
    st->mode = "raw";
    st->cycles = 3;
    st->interval_s = 0.5;
    st->timeout_s = 1;
    st->first_ttl = 1;
    st->max_ttl = 30;
    st->max_unknown = 5;
    st->adapt = true;
    st->pps = 1000;
    st->payload_size = 56;
    st->dns = false;
}

/* Ping run: "198.19.0.1" answered 1.5 and 2.5 ms and lost one; "quiet.lab"
 * (198.19.0.2) answered nothing; "nosuch.lab" did not resolve. */
struct fx_ping {
    struct report_target t[3];             /* the targets */
    struct hw_engine_counters counters;    /* the packets */
    struct report_run run;                 /* the run */
};

static inline void
fx_ping_init(struct fx_ping *p)
{
    static const int64_t rtts[] = {1500, -1, 2500};
    static const int64_t none[] = {-1, -1, -1};

    memset(p, 0, sizeof(*p));
    p->t[0].name = "198.19.0.1";
    p->t[0].addr = fx_addr("198.19.0.1");
    fx_stats(&p->t[0].stats, rtts, 3);
    p->t[0].reached = true;
    p->t[1].name = "quiet.lab";
    p->t[1].addr = fx_addr("198.19.0.2");
    fx_stats(&p->t[1].stats, none, 3);
    p->t[2].name = "nosuch.lab";
    p->t[2].addr.family = AF_UNSPEC;
    p->t[2].status = HW_ENAME;
    p->t[2].error = "the name does not resolve";
    hw_stats_init(&p->t[2].stats);
    p->counters.probes_sent = 6;
    p->counters.rx_packets = 2;
    p->counters.matched = 2;
    p->run.mode = REPORT_PING;
    p->run.local_host = "vm";
    fx_settings(&p->run.settings);
    p->run.counters = &p->counters;
    p->run.start_real_ns = FX_START_NS;
    p->run.end_real_ns = FX_END_NS;
    p->run.targets = p->t;
    p->run.ntargets = 3;
}

/* Trace run to "target.lab" (198.18.2.2): hop 1 answered by 198.18.0.2 (2
 * answers, an MPLS label) and 198.18.9.2 (1 answer), hop 2 silent, hop 3
 * the target (3 answers). */
struct fx_trace {
    struct hw_responder r1[2];             /* hop 1's responders */
    struct hw_responder r3[1];             /* hop 3's responder */
    struct hw_hop hops[3];                 /* the hops */
    struct hw_path_hop path_hops[3];       /* its one path */
    struct hw_path path;                   /* ... */
    struct hw_trace_snapshot snap;         /* the trace */
    struct report_target t[1];             /* the target */
    struct hw_engine_counters counters;    /* the packets */
    struct report_run run;                 /* the run */
};

static inline void
fx_trace_init(struct fx_trace *x)
{
    static const int64_t a1[] = {1000, 3000}, b1[] = {2000}, h1[] = {1000, 2000, 3000};
    static const int64_t h2[] = {-1, -1, -1}, h3[] = {4000, 5000, 6000};

    memset(x, 0, sizeof(*x));
    x->r1[0].addr = fx_addr("198.18.0.2");
    fx_answers(&x->r1[0].stats, a1, 2);
    x->r1[0].icmp_type = 11;
    x->r1[0].icmp_code = 0;
    x->r1[0].outcome = HW_OUTCOME_TIME_EXCEEDED;
    x->r1[0].first_real_ns = FX_START_NS;
    x->r1[0].last_real_ns = FX_START_NS + 1000000000LL;
    x->r1[0].n_mpls = 1;
    x->r1[0].mpls[0] = (struct hw_mpls){.label = 24001, .tc = 0, .bottom = true, .ttl = 1};
    x->r1[1].addr = fx_addr("198.18.9.2");
    fx_answers(&x->r1[1].stats, b1, 1);
    x->r1[1].icmp_type = 11;
    x->r1[1].icmp_code = 0;
    x->r1[1].outcome = HW_OUTCOME_TIME_EXCEEDED;
    x->r1[1].first_real_ns = FX_START_NS + 500000000LL;
    x->r1[1].last_real_ns = FX_START_NS + 500000000LL;
    x->r3[0].addr = fx_addr("198.18.2.2");
    fx_answers(&x->r3[0].stats, h3, 3);
    x->r3[0].icmp_type = 0;
    x->r3[0].icmp_code = 0;
    x->r3[0].outcome = HW_OUTCOME_REPLY;
    x->r3[0].first_real_ns = FX_START_NS;
    x->r3[0].last_real_ns = FX_START_NS + 1000000000LL;
    x->hops[0].ttl = 1;
    fx_stats(&x->hops[0].stats, h1, 3);
    x->hops[0].n_responders = 2;
    x->hops[0].responders = x->r1;
    x->hops[1].ttl = 2;
    fx_stats(&x->hops[1].stats, h2, 3);
    x->hops[2].ttl = 3;
    fx_stats(&x->hops[2].stats, h3, 3);
    x->hops[2].n_responders = 1;
    x->hops[2].responders = x->r3;
    /* Where the loss comes from: hops 1 and 3 clean, hop 2 silent. */
    x->hops[0].attrib = (struct hw_attrib){.forward_loss = 0, .forward_lo = 0, .forward_hi = 0.5,
                                           .response_loss = 0, .verdict = HW_VERDICT_OK,
                                           .sample = true};
    x->hops[0].evidence = (struct hw_attrib_hop){.received = 3, .lost = 0, .trusted = true};
    x->hops[0].rate_pps = 1;
    x->hops[1].attrib = (struct hw_attrib){.forward_loss = -1, .forward_lo = -1,
                                           .forward_hi = -1, .response_loss = -1,
                                           .verdict = HW_VERDICT_SILENT};
    x->hops[1].evidence = (struct hw_attrib_hop){.received = 0, .lost = 3, .trusted = false};
    x->hops[1].rate_pps = 1;
    x->hops[2].attrib = x->hops[0].attrib;
    x->hops[2].evidence = x->hops[0].evidence;
    x->hops[2].rate_pps = 1;
    x->snap.target = fx_addr("198.18.2.2");
    x->snap.first_ttl = 1;
    x->snap.n_hops = 3;
    x->snap.hops = x->hops;
    x->snap.end = HW_END_REACHED;
    x->snap.end_ttl = 3;
    /* A route that held still: the target's own numbers are its hop's, one
     * path (hop 1 load-balanced, hop 2 silent), no route change. */
    x->snap.target_stats = x->hops[2].stats;
    memset(x->path_hops, 0, sizeof(x->path_hops));
    x->path_hops[0].n = 2;
    x->path_hops[0].addr[0] = x->r1[0].addr;
    x->path_hops[0].addr[1] = x->r1[1].addr;
    x->path_hops[2].n = 1;
    x->path_hops[2].addr[0] = x->r3[0].addr;
    x->path = (struct hw_path){.first_real_ns = FX_START_NS, .last_real_ns = FX_END_NS,
                               .rounds = 3, .end = HW_END_REACHED, .n_hops = 3,
                               .hops = x->path_hops};
    x->snap.paths = &x->path;
    x->snap.n_paths = 1;
    x->snap.current_path = 0;
    x->snap.rounds = 3;
    x->snap.start_real_ns = FX_START_NS;
    x->snap.now_real_ns = FX_END_NS;
    x->t[0].name = "target.lab";
    x->t[0].addr = x->snap.target;
    x->t[0].snap = &x->snap;
    report_target_from_trace(&x->snap, &x->t[0].stats, &x->t[0].reached);
    x->counters.probes_sent = 9;
    x->counters.rx_packets = 6;
    x->counters.matched = 6;
    x->run.mode = REPORT_TRACE;
    x->run.local_host = "vm";
    fx_settings(&x->run.settings);
    x->run.counters = &x->counters;
    x->run.start_real_ns = FX_START_NS;
    x->run.end_real_ns = FX_END_NS;
    x->run.targets = x->t;
    x->run.ntargets = 1;
}

/* Run f(file, run) into a malloc'ed string (the caller frees it). */
static inline char *
fx_capture(int (*f)(FILE *, const struct report_run *), const struct report_run *r, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);

    if (out == NULL)
        return NULL;
    *rc = f(out, r);
    fclose(out);
    return buf;
}

/* -z: AS64512 for 198.18.0.2, with a prefix and a hostile name (as a
 * careless as_of could hand over); every other address not known yet.
 * The report tests' run.as_of. */
static inline void
fx_fake_as(void *arg, const struct hw_addr *a, struct hw_asinfo *out)
{
    struct hw_addr r1 = fx_addr("198.18.0.2");

    (void)arg;
    memset(out, 0, sizeof(*out));
    out->state = HW_AS_NONE;
    if (hw_addr_equal(a, &r1)) {
        out->state = HW_AS_FOUND;
        out->asn = 64512;
        snprintf(out->prefix, sizeof(out->prefix), "198.18.0.0/24");
        snprintf(out->name, sizeof(out->name), "EV\033[2JIL\r");
    }
}

#endif
