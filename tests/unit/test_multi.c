/* test_multi.c - many targets on the fake network: spacing, the pps cap,
 * count mode, loss and late answers, 65,536 targets without a mismatch,
 * pause/resume/reset and histories. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/error.h>
#include <hopwatch/multi.h>

#include "fakenet.h"

#define MS 1000000LL
#define S 1000000000LL
#define T0 (1000LL * S) /* the fake clock's start */

struct fx {
    struct fakenet net;
    struct hw_engine *e;
    struct hw_multi *m;
    struct hw_multi_config cfg;
    struct fake_path path;
    size_t results;   /* on_result calls */
};

static void
count_result(void *arg, size_t index, const struct hw_probe_result *r)
{
    struct fx *f = arg;

    (void)index;
    (void)r;
    f->results++;
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
    /* A target two hops away that answers for any address. */
    f->path.nhops = 2;
    f->path.hop[0] = fakenet_addr("198.18.0.2");
    f->path.hop[1] = fakenet_addr("198.19.0.1");
    f->path.rtt_ns[0] = 1 * MS;
    f->path.rtt_ns[1] = 2 * MS;
    f->path.self_reply = true;
    fakenet_route(&f->net, &f->path);
    hw_multi_config_init(&f->cfg);
    f->cfg.on_result = count_result;
    f->cfg.arg = f;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    hw_multi_free(f->m);
    hw_engine_free(f->e);
    fakenet_fini(&f->net);
    free(f);
    return 0;
}

/* A set of n targets 198.19.x.y (or 2001:2:0:100::x). */
static void
make(struct fx *f, size_t n, bool v6)
{
    char buf[64];
    int st;

    f->m = hw_multi_new(f->e, &f->cfg, &st);
    assert_non_null(f->m);
    for (size_t i = 0; i < n; i++) {
        struct hw_addr a;
        size_t idx;

        if (v6)
            snprintf(buf, sizeof(buf), "2001:2:0:100::%zx", i + 1);
        else
            snprintf(buf, sizeof(buf), "198.19.%zu.%zu", i / 256, i % 256);
        a = fakenet_addr(buf);
        assert_int_equal(hw_multi_add(f->m, &a, &idx), 0);
        assert_int_equal(idx, i);
    }
}

static void
run_until(struct fx *f, int64_t until)
{
    for (long i = 0; i < 10000000 && f->net.mono_ns < T0 + until; i++) {
        if (!fakenet_step(&f->net, f->e, T0 + until - f->net.mono_ns))
            break;
    }
}

static void
run_done(struct fx *f)
{
    for (long i = 0; i < 10000000 && !hw_multi_done(f->m); i++)
        assert_true(fakenet_step(&f->net, f->e, 10 * S));
    assert_true(hw_multi_done(f->m));
}

static void
test_multi_first_cycle_spread_over_interval(void **state)
{
    struct fx *f = *state;

    f->cfg.pps = 0;
    f->cfg.count = 2;
    make(f, 10, false);
    assert_int_equal(hw_multi_start(f->m), 0);
    run_done(f);
    assert_int_equal(f->net.nsent, 20);
    /* Target i at i * 100 ms, then one interval later. */
    for (size_t i = 0; i < 10; i++) {
        assert_int_equal(f->net.sent[i].sent.mono_ns - T0, (int64_t)i * 100 * MS);
        assert_int_equal(f->net.sent[10 + i].sent.mono_ns - T0, S + (int64_t)i * 100 * MS);
    }
}

static void
test_multi_pps_cap_stretches_cycle(void **state)
{
    struct fx *f = *state;

    f->cfg.pps = 50; /* 100 targets at 50/s: a cycle takes 2 s */
    f->cfg.count = 2;
    make(f, 100, false);
    assert_int_equal(hw_multi_start(f->m), 0);
    run_done(f);
    assert_int_equal(f->net.nsent, 200);
    if (getenv("DBG"))
        for (size_t i = 95; i < 105; i++)
            printf("# %zu %lld\n", i, (long long)(f->net.sent[i].sent.mono_ns - T0));
    for (size_t i = 1; i < 200; i++) {
        int64_t gap = f->net.sent[i].sent.mono_ns - f->net.sent[i - 1].sent.mono_ns;

        assert_true(gap >= 20 * MS - 1);
    }
    /* Never more than 50 probes in any one second. */
    for (size_t i = 50; i < 200; i++)
        assert_true(f->net.sent[i].sent.mono_ns - f->net.sent[i - 50].sent.mono_ns >= S - 50 * MS);
    /* Target 0's second probe waits for the stretched cycle: 2 s. */
    assert_int_equal(f->net.sent[100].sent.mono_ns - f->net.sent[0].sent.mono_ns, 2 * S);
}

static void
test_multi_count_mode_counts(void **state)
{
    struct fx *f = *state;
    struct hw_stats s;

    f->cfg.count = 3;
    f->cfg.interval_ns = 100 * MS;
    make(f, 7, true);
    assert_int_equal(hw_multi_start(f->m), 0);
    run_done(f);
    assert_int_equal(f->net.nsent, 21);
    assert_int_equal(f->results, 21);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(hw_multi_stats(f->m, i, &s), 0);
        assert_int_equal(s.sent, 3);
        assert_int_equal(s.received, 3);
        assert_int_equal(s.min_ns, 2 * MS);
    }
    assert_int_equal(hw_multi_stats(f->m, 7, &s), HW_EINVAL);
}

static void
test_multi_loss_and_late(void **state)
{
    struct fx *f = *state;
    struct hw_stats s;

    f->cfg.count = 4;
    f->cfg.interval_ns = 100 * MS;
    f->cfg.timeout_ns = 50 * MS;
    f->path.drop_every[1] = 2;     /* every 2nd probe to the target is lost */
    f->path.rtt_ns[1] = 60 * MS;   /* and the rest come after the timeout */
    fakenet_route(&f->net, &f->path);
    make(f, 1, false);
    assert_int_equal(hw_multi_start(f->m), 0);
    run_done(f);
    run_until(f, 10 * S); /* late answers of the last probe */
    assert_int_equal(hw_multi_stats(f->m, 0, &s), 0);
    assert_int_equal(s.sent, 4);
    assert_int_equal(s.received, 0);
    assert_int_equal(s.lost, 4);
    assert_int_equal(s.late, 2);
}

static void
test_multi_unreachable_is_loss(void **state)
{
    struct fx *f = *state;
    struct hw_stats s;

    f->cfg.count = 2;
    f->path.unreach_ttl = 1;
    f->path.unreach_code = 13;
    fakenet_route(&f->net, &f->path);
    make(f, 1, false);
    assert_int_equal(hw_multi_start(f->m), 0);
    run_done(f);
    assert_int_equal(hw_multi_stats(f->m, 0, &s), 0);
    assert_int_equal(s.received, 0);
    assert_int_equal(s.lost, 2);
}

/* Probes that cannot be sent are a local error, not loss: counted apart,
 * with the reason kept. */
static void
test_multi_send_error_is_not_loss(void **state)
{
    struct fx *f = *state;
    struct hw_stats s;
    int32_t hist[4];

    f->cfg.count = 3;
    f->cfg.history_len = 4;
    f->net.send_status = -EPERM;
    make(f, 1, false);
    assert_int_equal(hw_multi_start(f->m), 0);
    run_done(f);
    assert_int_equal(hw_multi_stats(f->m, 0, &s), 0);
    assert_int_equal(s.sent, 3);
    assert_int_equal(s.errors, 3);
    assert_int_equal(s.lost, 0);
    assert_int_equal(hw_stats_in_flight(&s), 0);
    assert_int_equal(hw_multi_send_status(f->m, 0), -EPERM);
    assert_int_equal(hw_multi_history(f->m, 0, hist, 4), 3);
    assert_int_equal(hist[0], HW_HIST_ERROR);
}

/* 65,536 targets, each probed once, back to back at 100,000 per second,
 * each answered 2 s later: the whole set is in flight at once, every
 * answer lands on its own target. */
static void
test_multi_65536_targets_no_mismatch(void **state)
{
    struct fx *f = *state;
    struct hw_engine_counters c;
    struct hw_stats s;

    f->cfg.count = 1;
    f->cfg.pps = 100000;
    f->cfg.interval_ns = 100 * MS; /* so the cap, not the interval, spaces them */
    f->cfg.timeout_ns = 5 * S;
    f->cfg.on_result = NULL;
    f->path.rtt_ns[1] = 2 * S;
    fakenet_route(&f->net, &f->path);
    make(f, 65536, false);
    assert_int_equal(hw_multi_start(f->m), 0);
    run_done(f);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.probes_sent, 65536);
    assert_int_equal(c.matched, 65536);
    assert_int_equal(c.foreign, 0);
    for (size_t i = 0; i < 65536; i++) {
        assert_int_equal(hw_multi_stats(f->m, i, &s), 0);
        assert_int_equal(s.received, 1);
        assert_int_equal(s.last_ns, 2 * S);
    }
    /* At 100,000 per second the last probe left 0.65 s after the first. */
    assert_true(f->net.sent[65535].sent.mono_ns - T0 < 700 * MS);
    printf("# 65536 targets: %zu bytes held\n", hw_multi_memory(f->m));
}

static void
test_multi_pause_resume_reset(void **state)
{
    struct fx *f = *state;
    struct hw_stats s;
    size_t sent;

    f->cfg.interval_ns = 100 * MS;
    f->cfg.history_len = 8;
    make(f, 2, false);
    assert_int_equal(hw_multi_start(f->m), 0);
    run_until(f, 320 * MS);
    hw_multi_pause(f->m);
    sent = f->net.nsent;
    run_until(f, 2 * S);
    assert_int_equal(f->net.nsent, sent);
    hw_multi_resume(f->m);
    run_until(f, 2 * S + 350 * MS);
    assert_true(f->net.nsent > sent);
    int32_t h[8];
    assert_true(hw_multi_history(f->m, 0, h, 8) >= 4);
    assert_int_equal(h[0], 2000);
    hw_multi_reset(f->m);
    assert_int_equal(hw_multi_stats(f->m, 0, &s), 0);
    assert_int_equal(s.sent, 0);
    assert_int_equal(hw_multi_history(f->m, 0, h, 8), 0);
    run_until(f, 3 * S);
    assert_int_equal(hw_multi_stats(f->m, 0, &s), 0);
    assert_true(s.received > 0);
}

static void
test_multi_add_while_running(void **state)
{
    struct fx *f = *state;
    struct hw_stats s;
    struct hw_addr late = fakenet_addr("198.19.200.1");
    size_t idx;

    f->cfg.count = 2;
    f->cfg.interval_ns = 100 * MS;
    make(f, 2, false);
    assert_int_equal(hw_multi_start(f->m), 0);
    run_until(f, 150 * MS);
    assert_int_equal(hw_multi_add(f->m, &late, &idx), 0);
    assert_int_equal(idx, 2);
    run_done(f);
    assert_int_equal(hw_multi_stats(f->m, 2, &s), 0);
    assert_int_equal(s.sent, 2);
    assert_int_equal(s.received, 2);
}

static void
test_multi_rejects(void **state)
{
    struct fx *f = *state;
    struct hw_multi_config c;
    struct hw_addr none = {.family = AF_UNSPEC};
    int st;

    hw_multi_config_init(&c);
    c.interval_ns = 0;
    assert_null(hw_multi_new(f->e, &c, &st));
    assert_int_equal(st, HW_EINVAL);
    make(f, 0, false);
    assert_int_equal(hw_multi_add(f->m, &none, NULL), HW_EINVAL);
    assert_int_equal(hw_multi_start(f->m), 0);
    assert_int_equal(hw_multi_start(f->m), HW_EINVAL);
}

/* A ping answered first by a forged 8-byte-quote unreachable, then by the
 * target's genuine reply: the reply replaces the loss (issue 10, item 1:
 * forged errors once turned 6 of 6 answered pings into 0 of 6). */
static void
test_multi_genuine_reply_replaces_forged_error(void **state)
{
    struct fx *f = *state;
    struct hw_stats st;
    struct hw_engine_counters c;
    struct hw_addr forger = fakenet_addr("198.18.0.66");
    struct hw_addr dst = fakenet_addr("198.19.0.0");

    f->net.route_on = false;
    f->cfg.count = 1;
    make(f, 1, false);
    assert_int_equal(hw_multi_start(f->m), 0);
    assert_int_equal(f->net.nsent, 1);
    fakenet_icmp_error(&f->net, 0, &forger, 3, 1, 8, 1 * MS);
    fakenet_echo_reply(&f->net, 0, &dst, 3 * MS);
    for (int i = 0; i < 4; i++)
        fakenet_step(&f->net, f->e, 10 * MS);
    assert_int_equal(hw_multi_stats(f->m, 0, &st), 0);
    assert_int_equal(st.sent, 1);
    assert_int_equal(st.received, 1);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.duplicates, 0);
    assert_int_equal(st.last_ns, 3 * MS);
    assert_int_equal(f->results, 2);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.suspected_forgery, 1);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_multi_genuine_reply_replaces_forged_error),
        T(test_multi_first_cycle_spread_over_interval),
        T(test_multi_pps_cap_stretches_cycle),
        T(test_multi_count_mode_counts),
        T(test_multi_loss_and_late),
        T(test_multi_send_error_is_not_loss),
        T(test_multi_unreachable_is_loss),
        T(test_multi_65536_targets_no_mismatch),
        T(test_multi_pause_resume_reset),
        T(test_multi_add_while_running),
        T(test_multi_rejects),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
