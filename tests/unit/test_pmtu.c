/* test_pmtu.c - path MTU discovery on a simulated path (fake network, fake
 * clock): a router that says "too big", a black hole, no limit but the
 * local interface, a target that never answers, teardown mid-search. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/engine.h>
#include <hopwatch/error.h>
#include <hopwatch/pmtu.h>

#include "fakenet.h"

#define MS 1000000LL
#define S 1000000000LL

struct fx {
    struct fakenet net;
    struct hw_engine *e;
    struct hw_pmtu *p;
    struct fake_path path;
    struct hw_pmtu_config cfg;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct hw_engine_config ecfg;
    int st;

    fakenet_init(&f->net);
    f->net.local_mtu = 1500;
    fakenet_engine_config(&f->net, &ecfg);
    ecfg.dont_fragment = true;
    f->e = hw_engine_new(&ecfg, &st);
    assert_non_null(f->e);
    hw_pmtu_config_init(&f->cfg);
    f->cfg.interval_ns = 100 * MS;
    f->cfg.timeout_ns = 500 * MS;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    hw_pmtu_free(f->p);
    hw_engine_free(f->e);
    fakenet_fini(&f->net);
    free(f);
    return 0;
}

/* Search toward the path's last hop until done (bounded) and return the
 * result. */
static struct hw_pmtu_result
run(struct fx *f)
{
    struct hw_pmtu_result r;
    int st;

    fakenet_route(&f->net, &f->path);
    f->cfg.target = f->path.hop[f->path.nhops - 1];
    f->p = hw_pmtu_new(f->e, &f->cfg, &st);
    assert_non_null(f->p);
    assert_int_equal(st, 0);
    assert_int_equal(hw_pmtu_start(f->p), 0);
    for (int i = 0; i < 10000 && !hw_pmtu_done(f->p); i++)
        if (!fakenet_step(&f->net, f->e, 10 * S))
            break;
    assert_true(hw_pmtu_done(f->p));
    hw_pmtu_result(f->p, &r);
    /* A bounded number of probes, at most one per interval. */
    assert_true(r.probes_sent < 80);
    return r;
}

/* Every probe the fake saw was sent one interval or more after the one
 * before (local send errors do not reach the fake). */
static void
check_rate(const struct fx *f)
{
    for (size_t i = 1; i < f->net.nsent; i++)
        assert_true(f->net.sent[i].sent.mono_ns - f->net.sent[i - 1].sent.mono_ns >=
                    f->cfg.interval_ns);
}

static void
router_said(struct fx *f, int family)
{
    struct hw_pmtu_result r;

    fakenet_chain(&f->path, 7, family);
    f->path.mtu[2] = 1400; /* hop 3 (TTL 3) forwards at most 1400 bytes */
    r = run(f);
    assert_int_equal(r.state, HW_PMTU_DONE);
    assert_int_equal(r.reason, HW_PMTU_REASON_ROUTER);
    assert_int_equal(r.pmtu, 1400);
    assert_int_equal(r.router_mtu, 1400);
    assert_int_equal(r.hop_ttl, 3);
    assert_true(hw_addr_equal(&r.hop_addr, &f->path.hop[2]));
    assert_int_equal(r.passed, 1400);
    assert_int_equal(hw_pmtu_hop_mtu(&r, 1), r.hop_reach);
    assert_true(hw_pmtu_hop_mtu(&r, 3) > 1400);
    assert_int_equal(hw_pmtu_hop_mtu(&r, 4), 1400);
    assert_int_equal(hw_pmtu_hop_mtu(&r, 7), 1400);
    assert_string_equal(hw_pmtu_reason_name(r.reason), "router");
    /* The router's MTU is tried next, not stepped down to (13 here: the
     * base, 9000 and the local errors down to 1500, 1400, then TTLs 1-4). */
    assert_true(r.probes_sent <= 16);
    check_rate(f);
}

static void
test_router_v4(void **state)
{
    router_said(*state, AF_INET);
}

static void
test_router_v6(void **state)
{
    router_said(*state, AF_INET6);
}

/* Two narrow links: the narrower, further one is the path MTU's hop. */
static void
test_two_routers(void **state)
{
    struct fx *f = *state;
    struct hw_pmtu_result r;

    fakenet_chain(&f->path, 8, AF_INET);
    f->path.mtu[1] = 1450;
    f->path.mtu[4] = 1300;
    r = run(f);
    assert_int_equal(r.reason, HW_PMTU_REASON_ROUTER);
    assert_int_equal(r.pmtu, 1300);
    assert_int_equal(r.hop_ttl, 5);
    assert_true(hw_addr_equal(&r.hop_addr, &f->path.hop[4]));
}

static void
black_hole(struct fx *f, int family)
{
    struct hw_pmtu_result r;

    fakenet_chain(&f->path, 7, family);
    f->path.mtu[3] = 1321; /* hop 4 drops larger packets without a word */
    f->path.mtu_silent[3] = true;
    r = run(f);
    assert_int_equal(r.state, HW_PMTU_DONE);
    assert_int_equal(r.reason, HW_PMTU_REASON_BLACKHOLE);
    assert_int_equal(r.pmtu, 1321);
    assert_int_equal(r.failed, 1322);
    assert_int_equal(r.router_mtu, 0);
    assert_int_equal(r.hop_ttl, 4);
    assert_true(hw_addr_equal(&r.hop_addr, &f->path.hop[3]));
    assert_int_equal(hw_pmtu_hop_mtu(&r, 4), 1322);
    assert_int_equal(hw_pmtu_hop_mtu(&r, 5), 1321);
    assert_string_equal(hw_pmtu_reason_name(r.reason), "black-hole");
    /* A binary search, each vanished size tried twice (26-27 here). */
    assert_true(r.probes_sent <= 32);
    check_rate(f);
}

static void
test_black_hole_v4(void **state)
{
    black_hole(*state, AF_INET);
}

static void
test_black_hole_v6(void **state)
{
    black_hole(*state, AF_INET6);
}

/* A black hole behind a silent hop: the silent hop is passed over. */
static void
test_black_hole_after_silent_hop(void **state)
{
    struct fx *f = *state;
    struct hw_pmtu_result r;

    fakenet_chain(&f->path, 7, AF_INET);
    f->path.silent[1] = true;
    f->path.mtu[2] = 1400;
    f->path.mtu_silent[2] = true;
    r = run(f);
    assert_int_equal(r.reason, HW_PMTU_REASON_BLACKHOLE);
    assert_int_equal(r.pmtu, 1400);
    assert_int_equal(r.hop_ttl, 3);
}

/* Nothing on the path limits: the interface does (the send fails). */
static void
local_limit(struct fx *f, int family)
{
    struct hw_pmtu_result r;

    fakenet_chain(&f->path, 5, family);
    r = run(f);
    assert_int_equal(r.state, HW_PMTU_DONE);
    assert_int_equal(r.reason, HW_PMTU_REASON_LOCAL);
    assert_int_equal(r.pmtu, 1500);
    assert_int_equal(r.hop_ttl, 0);
    assert_int_equal(hw_pmtu_hop_mtu(&r, 1), 1500);
    assert_int_equal(hw_pmtu_hop_mtu(&r, 5), 1500);
    check_rate(f);
}

static void
test_local_v4(void **state)
{
    local_limit(*state, AF_INET);
}

static void
test_local_v6(void **state)
{
    local_limit(*state, AF_INET6);
}

/* max_mtu itself reaches the target. */
static void
test_max_passes(void **state)
{
    struct fx *f = *state;
    struct hw_pmtu_result r;

    fakenet_chain(&f->path, 5, AF_INET);
    f->cfg.max_mtu = 1500;
    r = run(f);
    assert_int_equal(r.reason, HW_PMTU_REASON_MAX);
    assert_int_equal(r.pmtu, 1500);
    /* The base size, then the largest: two probes. */
    assert_int_equal(r.probes_sent, 2);
}

static void
test_no_answer(void **state)
{
    struct fx *f = *state;
    struct hw_pmtu_result r;

    fakenet_chain(&f->path, 5, AF_INET);
    f->path.silent[4] = true;
    r = run(f);
    assert_int_equal(r.state, HW_PMTU_FAILED);
    assert_int_equal(r.reason, HW_PMTU_REASON_NO_ANSWER);
    assert_int_equal(r.pmtu, 0);
    assert_int_equal(r.probes_sent, (uint64_t)f->cfg.tries);
}

/* Without don't-fragment on the engine's sockets a search means nothing. */
static void
test_needs_dont_fragment(void **state)
{
    struct fx *f = *state;
    struct hw_engine_config ecfg;
    struct hw_engine *e;
    int st;

    fakenet_engine_config(&f->net, &ecfg);
    e = hw_engine_new(&ecfg, &st);
    assert_non_null(e);
    f->cfg.target = fakenet_addr("198.18.4.2");
    assert_null(hw_pmtu_new(e, &f->cfg, &st));
    assert_int_equal(st, HW_EINVAL);
    hw_engine_free(e);
    f->cfg.max_mtu = 40;
    assert_null(hw_pmtu_new(f->e, &f->cfg, &st));
    assert_int_equal(st, HW_EINVAL);
    /* More than the engine's largest payload (65000) and its headers. */
    f->cfg.max_mtu = 65001;
    assert_null(hw_pmtu_new(f->e, &f->cfg, &st));
    assert_int_equal(st, HW_EINVAL);
    f->cfg.max_mtu = 65000;
    f->p = hw_pmtu_new(f->e, &f->cfg, &st);
    assert_non_null(f->p);
    hw_pmtu_free(f->p);
    f->p = NULL;
    /* A TCP SYN has no payload to size. */
    f->cfg.max_mtu = 1500;
    f->cfg.method = HW_METHOD_TCP;
    assert_null(hw_pmtu_new(f->e, &f->cfg, &st));
    assert_int_equal(st, HW_EINVAL);
}

/* Freed while a probe is in flight and a timer pending: nothing fires into
 * freed memory (ASan), the engine is idle after. */
static void
test_free_mid_search(void **state)
{
    struct fx *f = *state;
    int st;

    fakenet_chain(&f->path, 7, AF_INET);
    f->path.mtu[3] = 1300;
    f->path.mtu_silent[3] = true;
    fakenet_route(&f->net, &f->path);
    f->cfg.target = f->path.hop[6];
    f->p = hw_pmtu_new(f->e, &f->cfg, &st);
    assert_non_null(f->p);
    assert_int_equal(hw_pmtu_start(f->p), 0);
    for (int i = 0; i < 5; i++)
        fakenet_step(&f->net, f->e, 10 * S);
    assert_false(hw_pmtu_done(f->p));
    hw_pmtu_free(f->p);
    f->p = NULL;
    for (int i = 0; i < 50; i++)
        fakenet_step(&f->net, f->e, 10 * S);
    assert_true(hw_engine_idle(f->e));
}

/* A restart begins from scratch and finds the same answer. */
static void
test_restart(void **state)
{
    struct fx *f = *state;
    struct hw_pmtu_result r;

    fakenet_chain(&f->path, 6, AF_INET6);
    f->path.mtu[1] = 1280;
    r = run(f);
    assert_int_equal(r.pmtu, 1280);
    assert_int_equal(hw_pmtu_start(f->p), 0);
    assert_false(hw_pmtu_done(f->p));
    for (int i = 0; i < 10000 && !hw_pmtu_done(f->p); i++)
        fakenet_step(&f->net, f->e, 10 * S);
    hw_pmtu_result(f->p, &r);
    assert_int_equal(r.pmtu, 1280);
    assert_int_equal(r.hop_ttl, 2);
}

/* UDP probes size the same way (the target's port unreachable is its
 * answer). */
static void
test_udp_router(void **state)
{
    struct fx *f = *state;
    struct hw_pmtu_result r;

    f->cfg.method = HW_METHOD_UDP;
    fakenet_chain(&f->path, 6, AF_INET);
    f->path.mtu[1] = 1280;
    r = run(f);
    assert_int_equal(r.reason, HW_PMTU_REASON_ROUTER);
    assert_int_equal(r.pmtu, 1280);
    assert_int_equal(r.hop_ttl, 2);
    assert_int_equal(f->net.sent[0].kind, HW_SOCK_UDP_RAW);
    /* The sizes are whole IP packets: 20 + 8 + payload. */
    for (size_t i = 0; i < f->net.nsent; i++)
        assert_true(f->net.sent[i].wire_len + 20 <= 1500);
}

/* A send error other than "too big for the interface" ends the search,
 * failed, with the status (no retry loop). */
static void
test_send_error(void **state)
{
    struct fx *f = *state;
    struct hw_pmtu_result r;

    fakenet_chain(&f->path, 4, AF_INET);
    f->net.send_status = -ENETUNREACH;
    r = run(f);
    assert_int_equal(r.state, HW_PMTU_FAILED);
    assert_int_equal(r.reason, HW_PMTU_REASON_SEND_ERROR);
    assert_int_equal(r.status, -ENETUNREACH);
    assert_int_equal(r.probes_sent, 1);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_router_v4),
        T(test_router_v6),
        T(test_two_routers),
        T(test_black_hole_v4),
        T(test_black_hole_v6),
        T(test_black_hole_after_silent_hop),
        T(test_local_v4),
        T(test_local_v6),
        T(test_max_passes),
        T(test_no_answer),
        T(test_needs_dont_fragment),
        T(test_free_mid_search),
        T(test_restart),
        T(test_udp_router),
        T(test_send_error),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
