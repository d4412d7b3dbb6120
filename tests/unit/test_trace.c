/* test_trace.c - route discovery and per-hop stats on a simulated path
 * (fake network, fake clock). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/engine.h>
#include <hopwatch/error.h>
#include <hopwatch/trace.h>

#include "fakenet.h"

#define MS 1000000LL
#define S 1000000000LL

struct fx {
    struct fakenet net;
    struct hw_engine *e;
    struct hw_trace *t;
    struct fake_path path;
    struct hw_trace_config cfg;
    int results;          /* on_result calls */
    int max_ttl_sent;     /* highest TTL the fake saw */
    uint64_t replies;     /* on_result calls with a target reply */
    uint64_t foreign;     /* ... of them not from the target's address */
    int nevents;          /* on_event calls */
    struct hw_route_event events[64]; /* the first 64 of them */
};

static void
count_event(void *arg, const struct hw_route_event *ev)
{
    struct fx *f = arg;

    if (f->nevents < 64)
        f->events[f->nevents] = *ev;
    f->nevents++;
}

static void
count_result(void *arg, int ttl, const struct hw_probe_result *r)
{
    struct fx *f = arg;

    (void)ttl;
    f->results++;
    if (r->outcome == HW_OUTCOME_REPLY) {
        f->replies++;
        f->foreign += !hw_addr_equal(&r->responder, &f->cfg.target);
    }
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct hw_engine_config ecfg;
    int st;

    fakenet_init(&f->net);
    fakenet_engine_config(&f->net, &ecfg);
    f->e = hw_engine_new(&ecfg, &st);
    assert_non_null(f->e);
    fakenet_chain(&f->path, 8, AF_INET);
    hw_trace_config_init(&f->cfg);
    f->cfg.cycles = 3;
    f->cfg.on_result = count_result;
    f->cfg.on_event = count_event;
    f->cfg.arg = f;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    hw_trace_free(f->t);
    hw_engine_free(f->e);
    fakenet_fini(&f->net);
    free(f);
    return 0;
}

/* Start a trace to the path's last hop and run it to completion (bounded). */
static struct hw_trace_snapshot *
run(struct fx *f)
{
    struct hw_trace_snapshot *s;
    int st;

    fakenet_route(&f->net, &f->path);
    f->cfg.target = f->path.hop[f->path.nhops - 1];
    f->t = hw_trace_new(f->e, &f->cfg, &st);
    assert_non_null(f->t);
    assert_int_equal(hw_trace_start(f->t), 0);
    for (int i = 0; i < 100000 && !hw_trace_done(f->t); i++)
        assert_true(fakenet_step(&f->net, f->e, 10 * S));
    assert_true(hw_trace_done(f->t));
    for (size_t i = 0; i < f->net.nsent; i++) {
        if (f->net.sent[i].ttl > f->max_ttl_sent)
            f->max_ttl_sent = f->net.sent[i].ttl;
    }
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    return s;
}

static void
assert_hop(const struct hw_hop *h, int ttl, const struct hw_addr *who, uint64_t sent,
           uint64_t received)
{
    assert_int_equal(h->ttl, ttl);
    assert_int_equal(h->stats.sent, sent);
    assert_int_equal(h->stats.received, received);
    assert_int_equal(h->stats.lost, sent - received);
    if (who != NULL) {
        assert_true(h->n_responders >= 1);
        assert_true(hw_addr_equal(&h->responders[0].addr, who));
    } else {
        assert_int_equal(h->n_responders, 0);
    }
}

static void
test_trace_discovers_chain_in_order(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s = run(f);

    assert_int_equal(s->n_hops, 8);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->end_ttl, 8);
    for (int i = 0; i < 8; i++) {
        assert_hop(&s->hops[i], i + 1, &f->path.hop[i], 3, 3);
        assert_int_equal(s->hops[i].stats.min_ns, (i + 1) * MS);
        assert_int_equal(s->hops[i].responders[0].stats.received, 3);
        assert_int_equal(s->hops[i].responders[0].stats.sent, 0);
    }
    assert_int_equal(s->hops[7].responders[0].outcome, HW_OUTCOME_REPLY);
    assert_int_equal(s->hops[0].responders[0].outcome, HW_OUTCOME_TIME_EXCEEDED);
    /* Discovery probed up to 1 + 5 + ... but never past hop 8 + max_unknown. */
    assert_true(f->max_ttl_sent <= 13);
    /* Counted results: exactly 3 per hop (probes past the end are dropped). */
    assert_int_equal(f->results, 24);
    hw_trace_snapshot_free(s);
}

static void
test_trace_discovery_within_first_round(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    int st;

    fakenet_route(&f->net, &f->path);
    f->cfg.target = f->path.hop[7];
    f->t = hw_trace_new(f->e, &f->cfg, &st);
    assert_non_null(f->t);
    assert_int_equal(hw_trace_start(f->t), 0);
    /* 100 ms of fake time, well before round 2 at 1 s. */
    for (int i = 0; i < 1000 && f->net.mono_ns < 1000LL * S + 100 * MS; i++)
        fakenet_step(&f->net, f->e, 100 * MS);
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    assert_int_equal(s->rounds, 1);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->n_hops, 8);
    for (int i = 0; i < 8; i++)
        assert_hop(&s->hops[i], i + 1, &f->path.hop[i], 1, 1);
    hw_trace_snapshot_free(s);
}

static void
test_trace_ipv6_chain(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    fakenet_chain(&f->path, 5, AF_INET6);
    s = run(f);
    assert_int_equal(s->n_hops, 5);
    assert_int_equal(s->end, HW_END_REACHED);
    for (int i = 0; i < 5; i++)
        assert_hop(&s->hops[i], i + 1, &f->path.hop[i], 3, 3);
    hw_trace_snapshot_free(s);
}

static void
test_trace_silent_hop_listed_and_later_hops_kept(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->path.silent[2] = true; /* TTL 3 */
    s = run(f);
    assert_int_equal(s->n_hops, 8);
    assert_hop(&s->hops[2], 3, NULL, 3, 0);
    assert_hop(&s->hops[3], 4, &f->path.hop[3], 3, 3);
    assert_hop(&s->hops[7], 8, &f->path.hop[7], 3, 3);
    hw_trace_snapshot_free(s);
}

static void
test_trace_loss_counts_only_expired_probes(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    int st;

    f->path.silent[2] = true;
    fakenet_route(&f->net, &f->path);
    f->cfg.target = f->path.hop[7];
    f->t = hw_trace_new(f->e, &f->cfg, &st);
    assert_int_equal(hw_trace_start(f->t), 0);
    /* 500 ms in: the silent hop's first probe is still within its 2 s. */
    for (int i = 0; i < 1000 && f->net.mono_ns < 1000LL * S + 500 * MS; i++)
        fakenet_step(&f->net, f->e, 100 * MS);
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    assert_int_equal(s->hops[2].stats.sent, 1);
    assert_int_equal(s->hops[2].stats.lost, 0);
    assert_int_equal(hw_stats_loss_pct(&s->hops[2].stats), 0.0);
    hw_trace_snapshot_free(s);
}

static void
test_trace_forward_loss_seen_downstream(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->cfg.cycles = 20;
    f->path.drop_every[3] = 4; /* every 4th probe reaching TTL 4 */
    s = run(f);
    assert_int_equal(s->n_hops, 8);
    for (int i = 0; i < 3; i++)
        assert_int_equal(s->hops[i].stats.lost, 0);
    for (int i = 3; i < 8; i++) {
        assert_int_equal(s->hops[i].stats.sent, 20);
        assert_int_equal(s->hops[i].stats.lost, 5);
        assert_true(hw_stats_loss_pct(&s->hops[i].stats) == 25.0);
    }
    hw_trace_snapshot_free(s);
}

static void
test_trace_unreachable_ends_route(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->path.unreach_ttl = 5;
    f->path.unreach_code = 13;
    s = run(f);
    assert_int_equal(s->end, HW_END_UNREACHABLE);
    assert_int_equal(s->end_ttl, 5);
    assert_int_equal(s->end_icmp_type, 3);
    assert_int_equal(s->end_icmp_code, 13);
    assert_int_equal(s->n_hops, 5);
    assert_hop(&s->hops[4], 5, &f->path.hop[4], 3, 3);
    assert_int_equal(s->hops[4].responders[0].outcome, HW_OUTCOME_UNREACHABLE);
    hw_trace_snapshot_free(s);
}

static void
test_trace_ecmp_two_responders_with_own_stats(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->cfg.cycles = 10;
    f->path.alt[1] = fakenet_addr("198.18.77.2");
    s = run(f);
    assert_int_equal(s->hops[1].n_responders, 2);
    assert_int_equal(s->hops[1].stats.received, 10);
    assert_int_equal(s->hops[1].responders[0].stats.received +
                         s->hops[1].responders[1].stats.received,
                     10);
    assert_int_equal(s->hops[1].responders[0].stats.received, 5);
    assert_int_equal(s->hops[0].n_responders, 1);
    hw_trace_snapshot_free(s);
}

static void
test_trace_max_unknown_stops_probing(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    /* Only TTLs 1 and 2 answer; the target is never reached. */
    for (int i = 2; i < 8; i++)
        f->path.silent[i] = true;
    f->cfg.max_unknown = 4;
    s = run(f);
    assert_int_equal(s->end, HW_END_SILENT);
    assert_int_equal(s->n_hops, 6);
    assert_int_equal(f->max_ttl_sent, 6);
    assert_hop(&s->hops[5], 6, NULL, 3, 0);
    hw_trace_snapshot_free(s);
}

static void
test_trace_max_ttl_caps(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->cfg.max_ttl = 4;
    s = run(f);
    assert_int_equal(s->end, HW_END_MAX_TTL);
    assert_int_equal(s->n_hops, 4);
    assert_int_equal(f->max_ttl_sent, 4);
    hw_trace_snapshot_free(s);
}

static void
test_trace_first_ttl_skips_early_hops(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->cfg.first_ttl = 3;
    s = run(f);
    assert_int_equal(s->first_ttl, 3);
    assert_int_equal(s->n_hops, 6);
    assert_hop(&s->hops[0], 3, &f->path.hop[2], 3, 3);
    for (size_t i = 0; i < f->net.nsent; i++)
        assert_true(f->net.sent[i].ttl >= 3);
    hw_trace_snapshot_free(s);
}

static void
test_trace_ends_when_last_timeout_passes(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->path.silent[2] = true;
    f->cfg.interval_ns = 1 * S;
    f->cfg.timeout_ns = 2 * S;
    s = run(f);
    /* Round 3 goes out at +2 s; its silent probe times out at +4 s. */
    assert_int_equal(f->net.mono_ns - 1000LL * S, 4 * S);
    hw_trace_snapshot_free(s);
}

static void
test_trace_late_answers_are_not_received(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->path.rtt_ns[3] = 2500 * MS; /* TTL 4 answers after the 2 s timeout */
    s = run(f);
    /* Let the late answers of the last round arrive too. */
    for (int i = 0; i < 10; i++)
        fakenet_step(&f->net, f->e, 1 * S);
    hw_trace_snapshot_free(s);
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    assert_int_equal(s->hops[3].stats.received, 0);
    assert_int_equal(s->hops[3].stats.lost, 3);
    assert_int_equal(s->hops[3].stats.late, 3);
    hw_trace_snapshot_free(s);
}

static void
test_trace_free_mid_run(void **state)
{
    struct fx *f = *state;
    int st;

    f->path.silent[2] = true;
    fakenet_route(&f->net, &f->path);
    f->cfg.target = f->path.hop[7];
    f->t = hw_trace_new(f->e, &f->cfg, &st);
    assert_int_equal(hw_trace_start(f->t), 0);
    fakenet_step(&f->net, f->e, 5 * MS);
    hw_trace_free(f->t);
    f->t = NULL;
    /* Nothing of the trace is left in the engine, and late answers to its
     * lingering probes reach no one. */
    assert_true(hw_engine_idle(f->e));
    for (int i = 0; i < 20; i++)
        fakenet_step(&f->net, f->e, 1 * S);
}

static void
test_trace_rejects_bad_config(void **state)
{
    struct fx *f = *state;
    struct hw_trace_config c = f->cfg;
    int st;

    c.target = f->path.hop[7];
    c.first_ttl = 10;
    c.max_ttl = 5;
    assert_null(hw_trace_new(f->e, &c, &st));
    assert_int_equal(st, HW_EINVAL);
    c = f->cfg;
    assert_null(hw_trace_new(f->e, &c, &st)); /* no target */
    assert_int_equal(st, HW_EINVAL);
}

/* Run the fake clock to mono time `until` (ns since the fake start). */
static void
run_until(struct fx *f, int64_t until)
{
    for (int i = 0; i < 100000 && f->net.mono_ns < 1000LL * S + until; i++) {
        int64_t left = 1000LL * S + until - f->net.mono_ns;
        if (!fakenet_step(&f->net, f->e, left))
            fakenet_advance(&f->net, left);
    }
}

static struct hw_trace *
start_trace(struct fx *f)
{
    int st;

    fakenet_route(&f->net, &f->path);
    f->cfg.target = f->path.hop[f->path.nhops - 1];
    f->t = hw_trace_new(f->e, &f->cfg, &st);
    assert_non_null(f->t);
    assert_int_equal(hw_trace_start(f->t), 0);
    return f->t;
}

static void
test_trace_history_records_outcomes(void **state)
{
    struct fx *f = *state;
    int32_t h[16];
    size_t n;

    f->path.silent[2] = true;
    start_trace(f);
    run_until(f, 500 * MS);
    /* TTL 3's first probe is still in flight. */
    assert_int_equal(hw_trace_history(f->t, 3, h, 16), 1);
    assert_int_equal(h[0], HW_HIST_PENDING);
    run_until(f, 10 * S);
    assert_true(hw_trace_done(f->t));
    n = hw_trace_history(f->t, 1, h, 16);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(h[i], 1000); /* 1 ms in microseconds */
    assert_int_equal(hw_trace_history(f->t, 2, h, 16), 3);
    assert_int_equal(h[2], 2000);
    n = hw_trace_history(f->t, 3, h, 16);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(h[i], HW_HIST_LOST);
    /* Asking for fewer gives the newest ones; outside the trace, none. */
    assert_int_equal(hw_trace_history(f->t, 1, h, 2), 2);
    assert_int_equal(hw_trace_history(f->t, 40, h, 16), 0);
}

static void
test_trace_history_ring_keeps_latest(void **state)
{
    struct fx *f = *state;
    int32_t h[8];

    f->cfg.history_len = 4;
    f->cfg.cycles = 10;
    f->cfg.interval_ns = 100 * MS;
    f->path.drop_every[0] = 5; /* probes 5 and 10 of every TTL are lost */
    start_trace(f);
    run_until(f, 10 * S);
    assert_true(hw_trace_done(f->t));
    assert_int_equal(hw_trace_history(f->t, 1, h, 8), 4);
    assert_int_equal(h[0], 1000);  /* probe 7 */
    assert_int_equal(h[1], 1000);  /* probe 8 */
    assert_int_equal(h[2], 1000);  /* probe 9 */
    assert_int_equal(h[3], HW_HIST_LOST); /* probe 10 */
}

static void
test_trace_pause_and_resume(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    size_t sent;

    f->cfg.cycles = 0; /* endless */
    start_trace(f);
    run_until(f, 500 * MS);
    hw_trace_pause(f->t);
    assert_true(hw_trace_paused(f->t));
    sent = f->net.nsent;
    run_until(f, 5 * S);
    assert_int_equal(f->net.nsent, sent); /* no round while paused */
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    assert_int_equal(s->rounds, 1);
    assert_int_equal(s->hops[0].stats.received, 1); /* the round in flight finished */
    hw_trace_snapshot_free(s);
    hw_trace_resume(f->t);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(f->net.nsent, sent + 8); /* a round at once */
    run_until(f, 5 * S + 1500 * MS);
    assert_int_equal(f->net.nsent, sent + 16); /* then one per interval */
}

static void
test_trace_reset_forgets_everything(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    uint64_t gen;

    start_trace(f);
    run_until(f, 10 * S);
    assert_true(hw_trace_done(f->t));
    gen = hw_trace_generation(f->t);
    hw_trace_reset(f->t);
    assert_int_not_equal(hw_trace_generation(f->t), gen);
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    assert_int_equal(s->rounds, 1);
    assert_int_equal(s->end, HW_END_UNKNOWN);
    for (size_t i = 0; i < s->n_hops; i++) {
        assert_int_equal(s->hops[i].stats.received, 0);
        assert_int_equal(s->hops[i].n_responders, 0);
    }
    hw_trace_snapshot_free(s);
    run_until(f, 30 * S);
    assert_true(hw_trace_done(f->t));
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    assert_int_equal(s->n_hops, 8);
    assert_int_equal(s->hops[7].stats.sent, 3);
    assert_int_equal(s->hops[7].stats.received, 3);
    hw_trace_snapshot_free(s);
}

static void
test_trace_set_interval_takes_effect(void **state)
{
    struct fx *f = *state;
    size_t sent;

    f->cfg.cycles = 0;
    start_trace(f);
    run_until(f, 100 * MS);
    sent = f->net.nsent;
    assert_int_equal(hw_trace_set_interval(f->t, 200 * MS), 0);
    assert_int_equal(hw_trace_config(f->t)->interval_ns, 200 * MS);
    /* Rounds at 0.2, 0.4, 0.6, 0.8, 1.0 s. */
    run_until(f, 1000 * MS);
    assert_int_equal(f->net.nsent, sent + 5 * 8);
    assert_int_equal(hw_trace_set_interval(f->t, 0), HW_EINVAL);
}

static void
test_trace_set_ttl_range_restarts(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    start_trace(f);
    run_until(f, 500 * MS);
    assert_int_equal(hw_trace_set_ttl_range(f->t, 2, 4), 0);
    assert_int_equal(hw_trace_set_ttl_range(f->t, 5, 4), HW_EINVAL);
    run_until(f, 20 * S);
    assert_true(hw_trace_done(f->t));
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    assert_int_equal(s->first_ttl, 2);
    assert_int_equal(s->n_hops, 3);
    assert_int_equal(s->end, HW_END_MAX_TTL);
    assert_hop(&s->hops[0], 2, &f->path.hop[1], 3, 3);
    hw_trace_snapshot_free(s);
}

/* The scenario on the fake network: every router limits its
 * time-exceeded answers as Linux does (a burst of 6, then 1/s), hop 3 loses
 * 20% of what it forwards, hop 5 never answers; 600 rounds at 10/s. */
static void
lossy_limited_path(struct fx *f)
{
    for (int i = 0; i < 7; i++)
        f->path.limit_pps[i] = 1.0;
    f->path.limit_burst = 6;
    f->path.drop_every[2] = 5;
    f->path.silent[4] = true;
    f->cfg.cycles = 600;
    f->cfg.interval_ns = 100 * MS;
    f->cfg.timeout_ns = 1 * S;
}

static void
test_trace_rate_limited_hops_paced_and_attributed(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    lossy_limited_path(f);
    s = run(f);
    for (size_t i = 0; i < s->n_hops; i++)
        printf("# ttl %d sent %llu raw %.1f%% fwd %.3f resp %.3f %s%s rate %.2f/s\n",
               s->hops[i].ttl, (unsigned long long)s->hops[i].stats.sent,
               hw_stats_loss_pct(&s->hops[i].stats), s->hops[i].attrib.forward_loss,
               s->hops[i].attrib.response_loss, hw_verdict_text(s->hops[i].attrib.verdict),
               s->hops[i].paced ? ", paced" : "", s->hops[i].rate_pps);
    assert_int_equal(s->n_hops, 8);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(s->hops[i].attrib.verdict, HW_VERDICT_OK);
        assert_true(s->hops[i].attrib.forward_loss < 0.05);
        /* Paced under the routers' 1/s: far fewer probes than rounds. */
        assert_true(s->hops[i].paced);
        assert_true(s->hops[i].stats.sent < 150);
        /* Once paced, their answers come back. */
        assert_true(s->hops[i].attrib.response_loss < 0.1);
    }
    assert_int_equal(s->hops[2].attrib.verdict, HW_VERDICT_LOSS_STARTS);
    assert_int_equal(s->hops[2].attrib.loss_from_ttl, 3);
    assert_true(fabs(s->hops[2].attrib.forward_loss - 0.2) < 0.05);
    assert_int_equal(s->hops[4].attrib.verdict, HW_VERDICT_SILENT);
    /* The target keeps its rate, and sees the same 20%. */
    assert_false(s->hops[7].paced);
    assert_int_equal(s->hops[7].stats.sent, 600);
    assert_true(fabs(s->hops[7].attrib.forward_loss - 0.2) < 0.05);
    /* Raw loss of the early hops, in their whole lifetime, still shows the
     * throttling before pacing set in: that is what mtr would print. */
    printf("# hop 1 raw loss %.1f%%, forward %.1f%%, %llu probes; target %.1f%%\n",
           hw_stats_loss_pct(&s->hops[0].stats), 100 * s->hops[0].attrib.forward_loss,
           (unsigned long long)s->hops[0].stats.sent, 100 * s->hops[7].attrib.forward_loss);
    hw_trace_snapshot_free(s);
}

/* At every moment of the same run, not only at its end, what is claimed is
 * true: no forward loss before hop 3, no "ok" (no loss) from hop 3 on, and
 * loss never said to start after hop 3.  The first seconds are the test:
 * throttled routers answer a burst of 6, then 1/s, and 16 outcomes cannot
 * yet tell that from loss. */
static void
test_trace_no_false_claim_at_any_time(void **state)
{
    struct fx *f = *state;
    int claims = 0;

    lossy_limited_path(f);
    start_trace(f);
    for (int64_t at = 250 * MS; at <= 60 * S; at += 250 * MS) {
        struct hw_trace_snapshot *s;

        run_until(f, at);
        assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
        for (size_t i = 0; i < s->n_hops; i++) {
            const struct hw_hop *h = &s->hops[i];
            const struct hw_attrib *a = &h->attrib;

            if (a->verdict != HW_VERDICT_NONE)
                claims++;
            if (h->ttl < 3) {
                if (a->verdict == HW_VERDICT_LOSS_STARTS || a->verdict == HW_VERDICT_LOSS_BEFORE ||
                    (a->forward_loss >= 0 && a->forward_lo > 0.005))
                    fail_msg("at %.2f s hop %d: %s, forward %.3f [%.3f-%.3f]",
                             (double)at / S, h->ttl, hw_verdict_text(a->verdict),
                             a->forward_loss, a->forward_lo, a->forward_hi);
            } else if (h->ttl != 5) {
                if (a->verdict == HW_VERDICT_OK ||
                    (a->verdict == HW_VERDICT_LOSS_STARTS && a->loss_from_ttl > 3))
                    fail_msg("at %.2f s hop %d: %s (from TTL %d), forward %.3f", (double)at / S,
                             h->ttl, hw_verdict_text(a->verdict), a->loss_from_ttl,
                             a->forward_loss);
            }
        }
        hw_trace_snapshot_free(s);
    }
    /* Not silent all along: it did say things. */
    assert_true(claims > 100);
}

/* The lab's route, with the loss drawn at random (as iptables statistic
 * does) rather than every fifth probe: runs of its own draws each, counting
 * the runs whose attribution is wrong: loss claimed before hop 3, loss not
 * starting at hop 3 (from TTL 3), hop 5 not silent, a later hop not losing
 * from an earlier hop.  A hop whose window of 16 to 128 outcomes loses 10
 * points more than the target by chance must not drop out of the
 * attribution, or the place where loss starts goes with it. */
static int
random_loss_runs(void **state, int runs, uint64_t cycles, bool limited)
{
    struct fx *f = *state;
    int wrong = 0;

    for (int seed = 1; seed <= runs; seed++) {
        struct hw_trace_snapshot *s;
        char got[160] = "";
        bool right;

        if (seed > 1) {
            teardown(state);
            setup(state);
            f = *state;
        }
        lossy_limited_path(f);
        for (int i = 0; !limited && i < 7; i++)
            f->path.limit_pps[i] = 0;
        f->path.drop_every[2] = 0;
        f->path.drop_p[2] = 0.2;
        f->cfg.cycles = cycles;
        f->net.rng = (uint64_t)seed;
        s = run(f);
        for (size_t i = 0; i < s->n_hops && i < 8; i++) {
            const char *v = hw_verdict_name(s->hops[i].attrib.verdict);
            size_t len = strlen(got);

            snprintf(got + len, sizeof(got) - len, " %d:%s%s", s->hops[i].ttl,
                     v != NULL ? v : "none", s->hops[i].attrib.sample ? "" : "!");
        }
        right = s->n_hops == 8 && s->hops[2].attrib.verdict == HW_VERDICT_LOSS_STARTS &&
                s->hops[2].attrib.loss_from_ttl == 3 &&
                s->hops[4].attrib.verdict == HW_VERDICT_SILENT;
        for (int i = 0; right && i < 2; i++)
            right = (s->hops[i].attrib.verdict == HW_VERDICT_OK ||
                     s->hops[i].attrib.verdict == HW_VERDICT_NONE) &&
                    s->hops[i].attrib.forward_loss < 0.05;
        for (int i = 3; right && i < 8; i++)
            right = i == 4 || s->hops[i].attrib.verdict == HW_VERDICT_LOSS_BEFORE;
        if (!right) {
            /* What went wrong: the verdicts ("!": not a sample) and the
             * windows they stood on. */
            printf("# seed %d:%s\n", seed, got);
            for (size_t i = 0; i < s->n_hops; i++)
                printf("#   ttl %d window %llu/%llu%s, %.2f probes/s\n", s->hops[i].ttl,
                       (unsigned long long)s->hops[i].evidence.received,
                       (unsigned long long)(s->hops[i].evidence.received +
                                            s->hops[i].evidence.lost),
                       s->hops[i].evidence.trusted ? " trusted" : "", s->hops[i].rate_pps);
        }
        wrong += !right;
        hw_trace_snapshot_free(s);
    }
    printf("# %d of %d runs of %llu cycles wrong\n", wrong, runs, (unsigned long long)cycles);
    return wrong;
}

/* Rate-limited routers, paced to some 0.5 probes/s: 900 cycles give each
 * some 40 answers, and where a 20% loss starts is misplaced in about 1 run
 * of 150 (two of these 300: a hop that lost 0 of 36, one that lost 13 of
 * 28).  With every window undecided from 1.5 standard errors and a
 * re-convicted hop paced by its last few answers, 30 of them were. */
static void
test_trace_random_loss_found_when_limited(void **state)
{
    assert_true(random_loss_runs(state, 300, 900, true) <= 3);
}

/* No limits: every hop gets every probe; 400 cycles are plenty, and no run
 * may go wrong (3 of these 300 did while a hop trusted before could fall
 * back to undecided on one window). */
static void
test_trace_random_loss_found_without_limits(void **state)
{
    assert_int_equal(random_loss_runs(state, 300, 400, false), 0);
}

static void
test_trace_no_adapt_still_no_false_loss(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    lossy_limited_path(f);
    f->cfg.no_adapt = true;
    s = run(f);
    for (int i = 0; i < 2; i++) {
        /* Throttled and not paced: their loss is called response loss,
         * never forward loss. */
        assert_false(s->hops[i].paced);
        assert_int_equal(s->hops[i].stats.sent, 600);
        assert_int_equal(s->hops[i].attrib.verdict, HW_VERDICT_RESPONSE_LOSS);
        assert_true(s->hops[i].throttled);
    }
    for (int i = 0; i < 7; i++)
        assert_int_not_equal(s->hops[i].attrib.verdict, HW_VERDICT_LOSS_BEFORE);
    assert_true(fabs(s->hops[7].attrib.forward_loss - 0.2) < 0.05);
    hw_trace_snapshot_free(s);
}

static void
test_trace_attribution_agrees_without_limits(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    lossy_limited_path(f);
    for (int i = 0; i < 7; i++)
        f->path.limit_pps[i] = 0;
    f->cfg.cycles = 200;
    s = run(f);
    for (int i = 0; i < 8; i++) {
        double raw = hw_stats_loss_pct(&s->hops[i].stats) / 100;

        assert_false(s->hops[i].paced || s->hops[i].throttled ? i != 4 : false);
        if (i != 4)
            assert_true(fabs(s->hops[i].attrib.forward_loss - raw) < 0.02);
    }
    assert_int_equal(s->hops[2].attrib.verdict, HW_VERDICT_LOSS_STARTS);
    hw_trace_snapshot_free(s);
}

/* The route changes under the trace: the loss moves from hop 3 to hop 5,
 * and the attribution follows once the new path has been seen. */
static void
test_trace_route_change_moves_attribution(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->path.drop_every[2] = 5;
    f->cfg.cycles = 400;
    f->cfg.interval_ns = 100 * MS;
    f->cfg.timeout_ns = 1 * S;
    fakenet_route(&f->net, &f->path);
    f->cfg.target = f->path.hop[7];
    int st;
    f->t = hw_trace_new(f->e, &f->cfg, &st);
    assert_int_equal(hw_trace_start(f->t), 0);
    run_until(f, 15 * S);
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    assert_int_equal(s->hops[2].attrib.verdict, HW_VERDICT_LOSS_STARTS);
    hw_trace_snapshot_free(s);
    /* New path: other routers from hop 3 on, loss at hop 5. */
    f->path.drop_every[2] = 0;
    f->path.drop_every[4] = 5;
    for (int i = 2; i < 7; i++)
        f->path.hop[i] = fakenet_addr(i == 2 ? "198.18.33.2" : "198.18.34.2");
    fakenet_route(&f->net, &f->path);
    run_until(f, 60 * S);
    assert_true(hw_trace_done(f->t));
    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    assert_int_equal(s->hops[2].attrib.verdict, HW_VERDICT_OK);
    assert_int_equal(s->hops[4].attrib.verdict, HW_VERDICT_LOSS_STARTS);
    hw_trace_snapshot_free(s);
}

/* ---- following a route that changes ---------------------------------- */

/* An endless trace of the 8-hop chain at 1 probe/s, 1 s timeout. */
static void
start_endless(struct fx *f)
{
    f->cfg.cycles = 0;
    f->cfg.interval_ns = 1 * S;
    f->cfg.timeout_ns = 1 * S;
    start_trace(f);
}

static struct hw_trace_snapshot *
snap(struct fx *f)
{
    struct hw_trace_snapshot *s;

    assert_int_equal(hw_trace_snapshot(f->t, &s), 0);
    return s;
}

/* The target's numbers are the target's replies, as the log has them. */
static void
assert_target_counts_replies(struct fx *f, const struct hw_trace_snapshot *s)
{
    assert_int_equal(s->target_stats.received, f->replies);
    assert_int_equal(f->foreign, 0);
    assert_true(s->target_stats.sent >= s->target_stats.received);
}

/* How many probes with TTL ttl were sent from packet `from` on. */
static size_t
sent_with_ttl(const struct fx *f, size_t from, int ttl)
{
    size_t n = 0;

    for (size_t i = from; i < f->net.nsent; i++)
        n += f->net.sent[i].ttl == ttl;
    return n;
}

/* mtr's case: r4 loses its route for 10 s and answers "network
 * unreachable", then it comes back: the whole route is followed again
 * within a few intervals, and the target's replies before, during and
 * after are counted, its silence during the outage as loss. */
static void
test_trace_follows_outage_and_recovery(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    uint64_t before_recv, during_lost;
    size_t mark;

    start_endless(f);
    run_until(f, 10 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->end_ttl, 8);
    before_recv = s->target_stats.received;
    assert_true(before_recv >= 9);
    assert_int_equal(s->target_stats.lost, 0);
    hw_trace_snapshot_free(s);

    f->path.unreach_ttl = 4;
    f->path.unreach_code = 0;
    fakenet_route(&f->net, &f->path);
    run_until(f, 20 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_UNREACHABLE);
    assert_int_equal(s->end_ttl, 4);
    assert_true(hw_addr_equal(&s->end_from, &f->path.hop[3]));
    assert_int_equal(s->n_hops, 4);
    /* Silence during the outage is the target's loss, not a reply (the
     * round sent at the instant the route broke was still answered). */
    assert_true(s->target_stats.received <= before_recv + 1);
    during_lost = s->target_stats.lost;
    assert_true(during_lost >= 8);
    assert_target_counts_replies(f, s);
    hw_trace_snapshot_free(s);

    /* Recovery: within 5 intervals every hop is back and answering. */
    f->path.unreach_ttl = 0;
    fakenet_route(&f->net, &f->path);
    mark = f->net.nsent;
    run_until(f, 25 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->end_ttl, 8);
    assert_int_equal(s->n_hops, 8);
    for (int ttl = 5; ttl <= 8; ttl++) {
        assert_true(sent_with_ttl(f, mark, ttl) >= 3);
        assert_true(s->hops[ttl - 1].stats.received >= 3);
        assert_true(hw_addr_equal(&s->hops[ttl - 1].responders[0].addr, &f->path.hop[ttl - 1]));
    }
    assert_true(s->target_stats.received >= before_recv + 4);
    assert_target_counts_replies(f, s);
    hw_trace_snapshot_free(s);
}

/* A shortcut makes the 8-hop route 6 hops long for 20 s, then goes: the
 * route grows back at once (r6's time exceeded at the old end says so),
 * and r6's answers are never the target's. */
static void
test_trace_follows_shrink_and_grow(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    struct hw_addr r6 = f->path.hop[5];
    uint64_t recv;

    start_endless(f);
    run_until(f, 10 * S);
    f->path.nhops = 6;
    f->path.hop[5] = f->path.hop[7];
    fakenet_route(&f->net, &f->path);
    run_until(f, 30 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->end_ttl, 6);
    assert_int_equal(s->n_hops, 6);
    recv = s->target_stats.received;
    assert_target_counts_replies(f, s);
    hw_trace_snapshot_free(s);

    f->path.nhops = 8;
    f->path.hop[5] = r6;
    fakenet_route(&f->net, &f->path);
    run_until(f, 35 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->end_ttl, 8);
    assert_int_equal(s->n_hops, 8);
    /* Hop 6 had the target, now r6: both responders, r6's answers time
     * exceeded; the target's count went on from the target's replies. */
    assert_true(s->hops[5].n_responders == 2);
    /* The router that answers now heads the row, though the target had
     * more answers there. */
    assert_true(hw_addr_equal(&s->hops[5].responders[0].addr, &r6));
    /* The marks of hop 6 say who answered each round: the target while the
     * route was short, r6 before and after. */
    {
        struct hw_trace_mark m[64];
        size_t n = hw_trace_marks(f->t, 6, m, 64);
        int as_target = 0, as_r6_after = 0;

        assert_true(n >= 30);
        for (size_t i = 1; i < n; i++)
            assert_true(m[i].round > m[i - 1].round);
        for (size_t i = 0; i < n; i++) {
            if (hw_addr_equal(&m[i].who, &f->cfg.target))
                as_target++;
            if (m[i].round > 31 && hw_addr_equal(&m[i].who, &r6))
                as_r6_after++;
        }
        assert_true(as_target >= 18 && as_target <= 21);
        assert_true(as_r6_after >= 3);
    }
    assert_true(s->hops[5].responders[0].stats.received < s->hops[5].responders[1].stats.received);
    assert_true(s->target_stats.received >= recv + 4);
    assert_target_counts_replies(f, s);
    hw_trace_snapshot_free(s);
}

/* Random loss at the target never moves the end (scouts past it answer,
 * but only a run of failures at the end with scouts answering would). */
static void
test_trace_loss_at_end_keeps_end(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->path.drop_p[7] = 0.3;
    f->net.rng = 42;
    start_endless(f);
    run_until(f, 10 * S);
    for (int i = 0; i < 300; i++) {
        run_until(f, (11 + i) * S);
        s = snap(f);
        assert_int_equal(s->end, HW_END_REACHED);
        assert_int_equal(s->end_ttl, 8);
        assert_target_counts_replies(f, s);
        hw_trace_snapshot_free(s);
    }
    s = snap(f);
    /* About 30% lost, counted at the target's TTL. */
    assert_true(hw_stats_loss_pct(&s->target_stats) > 20);
    assert_true(hw_stats_loss_pct(&s->target_stats) < 40);
    hw_trace_snapshot_free(s);
}

/* The route grows by one hop that never answers: no time exceeded says so,
 * but the end keeps failing while scouts past it reach the target, and the
 * end moves out. */
static void
test_trace_grows_past_silent_hop(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    struct hw_addr t = f->path.hop[7];

    start_endless(f);
    run_until(f, 10 * S);
    f->path.nhops = 9;
    f->path.hop[7] = fakenet_addr("198.18.70.2");
    f->path.silent[7] = true;
    f->path.hop[8] = t;
    f->path.rtt_ns[8] = 9 * MS;
    fakenet_route(&f->net, &f->path);
    run_until(f, 40 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->end_ttl, 9);
    assert_int_equal(s->hops[7].n_responders, 1); /* the old target */
    assert_target_counts_replies(f, s);
    hw_trace_snapshot_free(s);
}

/* A target that is never reached is said not reached while the trace runs,
 * with its probes counted as lost. */
static void
test_trace_not_reached_said_live(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    for (int i = 4; i < 8; i++)
        f->path.silent[i] = true;
    start_endless(f);
    /* Discovering: the deepest TTLs have not timed out yet. */
    run_until(f, 500 * MS);
    s = snap(f);
    assert_int_equal(s->end, HW_END_UNKNOWN);
    hw_trace_snapshot_free(s);
    run_until(f, 10 * S);
    s = snap(f);
    assert_false(hw_trace_done(f->t));
    assert_int_equal(s->end, HW_END_SILENT);
    assert_int_equal(s->n_hops, 9);
    assert_int_equal(s->target_stats.received, 0);
    assert_true(s->target_stats.lost >= 8);
    hw_trace_snapshot_free(s);
    /* And when it answers again, it is reached. */
    for (int i = 4; i < 8; i++)
        f->path.silent[i] = false;
    fakenet_route(&f->net, &f->path);
    run_until(f, 13 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->end_ttl, 8);
    hw_trace_snapshot_free(s);
}

/* Probes that cannot be sent are a local error, said as such; the route is
 * followed again once they can. */
static void
test_trace_local_send_error_said(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    start_endless(f);
    run_until(f, 5 * S);
    f->net.send_status = -ENETUNREACH;
    run_until(f, 10 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_LOCAL_ERROR);
    assert_int_equal(s->end_status, -ENETUNREACH);
    assert_true(s->hops[0].send_errors >= 4);
    assert_int_equal(s->hops[0].send_status, -ENETUNREACH);
    hw_trace_snapshot_free(s);
    f->net.send_status = 0;
    run_until(f, 13 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_REACHED);
    /* The hop keeps the count and the last reason; they were never loss. */
    assert_int_equal(s->hops[0].send_status, -ENETUNREACH);
    assert_int_equal(s->hops[0].stats.errors, s->hops[0].send_errors);
    assert_int_equal(s->hops[0].stats.lost, 0);
    assert_int_equal(s->target_stats.lost, 0);
    assert_true(s->target_stats.errors >= 4);
    hw_trace_snapshot_free(s);
}

/* A Paris UDP trace with a payload too small for its checksum bytes is
 * refused, not left to send nothing for ever. */
static void
test_trace_paris_small_payload_refused(void **state)
{
    struct fx *f = *state;
    int st;

    fakenet_route(&f->net, &f->path);
    f->cfg.target = f->path.hop[7];
    f->cfg.method = HW_METHOD_UDP_PARIS;
    for (size_t size = 0; size < 2; size++) {
        f->cfg.payload_size = size;
        assert_null(hw_trace_new(f->e, &f->cfg, &st));
        assert_int_equal(st, HW_EINVAL);
    }
    f->cfg.payload_size = 2;
    f->t = hw_trace_new(f->e, &f->cfg, &st);
    assert_non_null(f->t);
    f->cfg.payload_size = 1;
    hw_trace_free(f->t);
    f->cfg.method = HW_METHOD_ICMP;
    f->t = hw_trace_new(f->e, &f->cfg, &st);
    assert_non_null(f->t);
    assert_int_equal(hw_trace_set_method(f->t, HW_METHOD_UDP_PARIS, 0), HW_EINVAL);
    assert_int_equal(hw_trace_set_method(f->t, HW_METHOD_UDP, 0), 0);
}

/* A run of N cycles stays N rounds long however the route changes: hops
 * that join late get the rounds that are left, not a full quota. */
static void
test_trace_route_change_keeps_run_length(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->cfg.cycles = 20;
    f->cfg.interval_ns = 1 * S;
    f->cfg.timeout_ns = 1 * S;
    start_trace(f);
    run_until(f, 5 * S);
    f->path.unreach_ttl = 4;
    fakenet_route(&f->net, &f->path);
    run_until(f, 10 * S);
    f->path.unreach_ttl = 0;
    fakenet_route(&f->net, &f->path);
    run_until(f, 22 * S);
    assert_true(hw_trace_done(f->t));
    s = snap(f);
    assert_int_equal(s->rounds, 20);
    assert_int_equal(s->end_ttl, 8);
    assert_int_equal(s->hops[0].stats.sent, 20);
    for (int ttl = 5; ttl <= 8; ttl++) {
        assert_true(s->hops[ttl - 1].stats.sent >= 9);
        assert_true(s->hops[ttl - 1].stats.sent <= 11);
    }
    assert_target_counts_replies(f, s);
    hw_trace_snapshot_free(s);
}

/* Half of the outage's unreachables never come (routers limit them): no
 * forward loss is claimed at the broken end for it, and none survives the
 * recovery in the windows of the hops from there on. */
static void
test_trace_outage_is_no_forward_loss(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    f->cfg.interval_ns = 200 * MS;
    f->cfg.timeout_ns = 1 * S;
    f->cfg.cycles = 0;
    start_trace(f);
    run_until(f, 10 * S);
    f->path.unreach_ttl = 4;
    f->path.drop_every[3] = 2;
    fakenet_route(&f->net, &f->path);
    run_until(f, 40 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_UNREACHABLE);
    assert_true(s->hops[3].stats.lost >= 50);
    for (size_t i = 0; i < s->n_hops; i++)
        assert_true(s->hops[i].attrib.forward_loss < 0.05);
    hw_trace_snapshot_free(s);
    f->path.unreach_ttl = 0;
    f->path.drop_every[3] = 0;
    fakenet_route(&f->net, &f->path);
    for (int k = 1; k <= 60; k++) {
        run_until(f, 40 * S + k * S);
        s = snap(f);
        for (size_t i = 0; i < s->n_hops; i++)
            assert_true(s->hops[i].attrib.forward_loss < 0.05);
        hw_trace_snapshot_free(s);
    }
    s = snap(f);
    assert_int_equal(s->end_ttl, 8);
    assert_int_equal(s->hops[3].attrib.verdict, HW_VERDICT_OK);
    hw_trace_snapshot_free(s);
}

/* A forged "unreachable" quoting only 8 bytes (it passes the checksum, so
 * it is taken) comes before the target's genuine reply to the same probe:
 * the reply supersedes it, and the trace takes the error back: the route
 * still ends reached at hop 8, the target's count has the reply and no
 * loss, and the forger is not left as a responder of the hop. */
static void
test_trace_genuine_reply_supersedes_forged_error(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    struct hw_addr forger = fakenet_addr("198.18.2.2");
    size_t i = 0;

    start_endless(f);
    run_until(f, 5 * S + 100 * MS);
    for (size_t k = 0; k < f->net.nsent; k++) {
        if (f->net.sent[k].ttl == 8)
            i = k;
    }
    run_until(f, 6 * S - MS); /* just before the next round */
    /* The round at 6 s: its TTL 8 probe is sent... */
    run_until(f, 6 * S);
    for (size_t k = i + 1; k < f->net.nsent; k++) {
        if (f->net.sent[k].ttl == 8)
            i = k;
    }
    /* ...and the forgery beats its reply (8 ms) by 7 ms. */
    fakenet_icmp_error(&f->net, i, &forger, 3, 1, 8, 1 * MS);
    run_until(f, 10 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->end_ttl, 8);
    assert_int_equal(s->target_stats.lost, 0);
    assert_int_equal(s->target_stats.received, s->target_stats.sent);
    assert_int_equal(s->hops[7].n_responders, 1);
    assert_true(hw_addr_equal(&s->hops[7].responders[0].addr, &f->cfg.target));
    assert_int_equal(s->hops[7].responders[0].stats.received, s->hops[7].stats.received);
    assert_target_counts_replies(f, s);
    hw_trace_snapshot_free(s);
}

/* The same outage over IPv6 ("no route", type 1 code 0). */
static void
test_trace_follows_outage_ipv6(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    fakenet_chain(&f->path, 8, AF_INET6);
    start_endless(f);
    run_until(f, 5 * S);
    f->path.unreach_ttl = 4;
    fakenet_route(&f->net, &f->path);
    run_until(f, 10 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_UNREACHABLE);
    assert_int_equal(s->end_icmp_type, 1);
    hw_trace_snapshot_free(s);
    f->path.unreach_ttl = 0;
    fakenet_route(&f->net, &f->path);
    run_until(f, 15 * S);
    s = snap(f);
    assert_int_equal(s->end, HW_END_REACHED);
    assert_int_equal(s->end_ttl, 8);
    assert_target_counts_replies(f, s);
    hw_trace_snapshot_free(s);
}

/* ---- route events and paths --------------------------------------------- */

#define T0 (1000LL * S) /* the fake clocks' start (mono; wall = mono + offset) */

/* Seconds since the start of an event, on the fake wall clock. */
static double
at_s(const struct fx *f, int64_t real_ns)
{
    return (double)(real_ns - f->net.real_offset_ns - T0) / 1e9;
}

/* An event time is the send time of the first probe that saw the change:
 * after the change, at most one interval (1 s here) after it. */
static bool
within_interval(const struct fx *f, int64_t real_ns, double change_s)
{
    double t = at_s(f, real_ns);

    return t > change_s && t <= change_s + 1.0;
}

/* Whether hop ttl of path p lists address a. */
static bool
path_has(const struct hw_path *p, int ttl, const struct hw_addr *a)
{
    const struct hw_path_hop *h;

    if (ttl < 1 || (size_t)ttl > p->n_hops)
        return false;
    h = &p->hops[ttl - 1];
    for (size_t i = 0; i < h->n; i++) {
        if (hw_addr_equal(&h->addr[i], a))
            return true;
    }
    return false;
}

static void
test_trace_events_outage(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    start_endless(f);
    run_until(f, 10 * S);
    assert_int_equal(f->nevents, 0); /* discovery is no change */
    f->path.unreach_ttl = 4;
    fakenet_route(&f->net, &f->path);
    run_until(f, 20 * S);
    f->path.unreach_ttl = 0;
    fakenet_route(&f->net, &f->path);
    run_until(f, 30 * S);
    s = snap(f);
    assert_int_equal(f->nevents, 2);
    assert_int_equal(s->route_changes, 2);
    assert_int_equal(s->n_events, 2);
    assert_int_equal(s->events[0].kind, HW_ROUTE_UNREACHABLE);
    assert_int_equal(s->events[0].ttl, 4);
    assert_true(hw_addr_equal(&s->events[0].from, &f->path.hop[3]));
    assert_int_equal(s->events[0].icmp_type, 3);
    assert_true(within_interval(f, s->events[0].real_ns, 10));
    assert_int_equal(s->events[1].kind, HW_ROUTE_REACHABLE);
    assert_int_equal(s->events[1].ttl, 8);
    assert_int_equal(s->events[1].old_ttl, 8);
    assert_true(within_interval(f, s->events[1].real_ns, 20));
    /* Two paths: the whole one (current again, the same entry) and the
     * one that ended at r4. */
    assert_int_equal(s->n_paths, 2);
    assert_int_equal(s->current_path, 0);
    assert_int_equal(s->events[1].path, 0);
    assert_int_equal(s->events[0].path, 1);
    assert_int_equal(s->paths[0].end, HW_END_REACHED);
    assert_int_equal(s->paths[0].n_hops, 8);
    assert_int_equal(s->paths[1].end, HW_END_UNREACHABLE);
    assert_int_equal(s->paths[1].n_hops, 4);
    assert_true(s->paths[0].rounds >= 18 && s->paths[1].rounds >= 9);
    assert_true(at_s(f, s->paths[1].first_real_ns) >= 10 && at_s(f, s->paths[1].last_real_ns) <= 21);
    hw_trace_snapshot_free(s);
}

static void
test_trace_events_shrink_and_grow(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    struct hw_path_hop saved[8];
    struct hw_addr r6 = f->path.hop[5], sc = fakenet_addr("198.18.63.2");
    int shorter = 0, longer = 0, switched = 0;

    start_endless(f);
    run_until(f, 10 * S);
    /* The shortcut r2-r5: hop 3 is r5 (its shortcut address), then r6, r7, t. */
    for (int i = 0; i < 8; i++)
        saved[i].addr[0] = f->path.hop[i];
    f->path.hop[2] = sc;
    f->path.hop[3] = saved[5].addr[0];
    f->path.hop[4] = saved[6].addr[0];
    f->path.hop[5] = saved[7].addr[0];
    f->path.nhops = 6;
    fakenet_route(&f->net, &f->path);
    run_until(f, 30 * S);
    for (int i = 0; i < 8; i++)
        f->path.hop[i] = saved[i].addr[0];
    f->path.nhops = 8;
    fakenet_route(&f->net, &f->path);
    run_until(f, 50 * S);
    s = snap(f);
    for (size_t i = 0; i < s->n_events; i++) {
        const struct hw_route_event *ev = &s->events[i];

        switch (ev->kind) {
        case HW_ROUTE_SHORTER:
            shorter++;
            assert_int_equal(ev->old_ttl, 8);
            assert_int_equal(ev->ttl, 6);
            assert_true(within_interval(f, ev->real_ns, 10));
            break;
        case HW_ROUTE_LONGER:
            longer++;
            assert_int_equal(ev->old_ttl, 6);
            assert_int_equal(ev->ttl, 8);
            assert_true(within_interval(f, ev->real_ns, 30));
            break;
        case HW_ROUTE_SWITCHED:
            switched++;
            assert_true(ev->ttl >= 3 && ev->ttl <= 6);
            assert_true(within_interval(f, ev->real_ns, 10) ||
                        within_interval(f, ev->real_ns, 30));
            break;
        default:
            fail_msg("unexpected event %s", hw_route_change_name(ev->kind));
        }
    }
    assert_int_equal(shorter, 1);
    assert_int_equal(longer, 1);
    assert_int_equal(switched, 8); /* hops 3-6, both ways */
    /* Exactly two distinct paths, the first current again. */
    assert_int_equal(s->n_paths, 2);
    assert_int_equal(s->current_path, 0);
    assert_int_equal(s->paths[0].n_hops, 8);
    assert_int_equal(s->paths[1].n_hops, 6);
    assert_true(path_has(&s->paths[1], 3, &sc));
    assert_true(path_has(&s->paths[0], 6, &r6));
    assert_true(path_has(&s->paths[1], 6, &saved[7].addr[0]));
    assert_true(s->paths[1].rounds >= 18);
    hw_trace_snapshot_free(s);
}

/* Load balancing from the start is no change at all; load balancing that
 * appears later is one event, told as such, not a switch. */
static void
test_trace_events_balancing(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;
    struct hw_addr b = fakenet_addr("198.18.41.2");

    f->path.alt[1] = b;
    start_endless(f);
    run_until(f, 20 * S);
    s = snap(f);
    assert_int_equal(s->route_changes, 0);
    assert_int_equal(s->n_paths, 1);
    assert_int_equal(s->paths[0].hops[1].n, 2);
    hw_trace_snapshot_free(s);
    /* Another router starts sharing hop 4. */
    f->path.alt[3] = fakenet_addr("198.18.43.2");
    fakenet_route(&f->net, &f->path);
    run_until(f, 40 * S);
    s = snap(f);
    assert_int_equal(s->route_changes, 1);
    assert_int_equal(s->events[0].kind, HW_ROUTE_BALANCED);
    assert_int_equal(s->events[0].ttl, 4);
    assert_true(hw_addr_equal(&s->events[0].to, &f->path.alt[3]));
    assert_true(within_interval(f, s->events[0].real_ns, 20));
    assert_int_equal(s->n_paths, 2);
    assert_int_equal(s->paths[s->current_path].hops[3].n, 2);
    hw_trace_snapshot_free(s);
}

/* A target that goes quiet (no message) is told unreachable from its first
 * unanswered probe on, and reachable again when it answers. */
static void
test_trace_events_silent_target(void **state)
{
    struct fx *f = *state;
    struct hw_trace_snapshot *s;

    start_endless(f);
    run_until(f, 10 * S);
    f->path.silent[7] = true;
    fakenet_route(&f->net, &f->path);
    run_until(f, 25 * S);
    f->path.silent[7] = false;
    fakenet_route(&f->net, &f->path);
    run_until(f, 30 * S);
    s = snap(f);
    assert_int_equal(s->route_changes, 2);
    assert_int_equal(s->events[0].kind, HW_ROUTE_UNREACHABLE);
    assert_int_equal(s->events[0].from.family, AF_UNSPEC);
    assert_true(within_interval(f, s->events[0].real_ns, 10));
    assert_int_equal(s->events[1].kind, HW_ROUTE_REACHABLE);
    assert_true(within_interval(f, s->events[1].real_ns, 25));
    hw_trace_snapshot_free(s);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_trace_discovers_chain_in_order),
        T(test_trace_discovery_within_first_round),
        T(test_trace_ipv6_chain),
        T(test_trace_silent_hop_listed_and_later_hops_kept),
        T(test_trace_loss_counts_only_expired_probes),
        T(test_trace_forward_loss_seen_downstream),
        T(test_trace_unreachable_ends_route),
        T(test_trace_ecmp_two_responders_with_own_stats),
        T(test_trace_max_unknown_stops_probing),
        T(test_trace_max_ttl_caps),
        T(test_trace_first_ttl_skips_early_hops),
        T(test_trace_ends_when_last_timeout_passes),
        T(test_trace_late_answers_are_not_received),
        T(test_trace_free_mid_run),
        T(test_trace_rejects_bad_config),
        T(test_trace_history_records_outcomes),
        T(test_trace_history_ring_keeps_latest),
        T(test_trace_pause_and_resume),
        T(test_trace_reset_forgets_everything),
        T(test_trace_set_interval_takes_effect),
        T(test_trace_set_ttl_range_restarts),
        T(test_trace_rate_limited_hops_paced_and_attributed),
        T(test_trace_no_false_claim_at_any_time),
        T(test_trace_random_loss_found_when_limited),
        T(test_trace_random_loss_found_without_limits),
        T(test_trace_no_adapt_still_no_false_loss),
        T(test_trace_attribution_agrees_without_limits),
        T(test_trace_route_change_moves_attribution),
        T(test_trace_follows_outage_and_recovery),
        T(test_trace_follows_shrink_and_grow),
        T(test_trace_loss_at_end_keeps_end),
        T(test_trace_grows_past_silent_hop),
        T(test_trace_not_reached_said_live),
        T(test_trace_local_send_error_said),
        T(test_trace_follows_outage_ipv6),
        T(test_trace_outage_is_no_forward_loss),
        T(test_trace_genuine_reply_supersedes_forged_error),
        T(test_trace_route_change_keeps_run_length),
        T(test_trace_paris_small_payload_refused),
        T(test_trace_events_outage),
        T(test_trace_events_shrink_and_grow),
        T(test_trace_events_balancing),
        T(test_trace_events_silent_target),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
