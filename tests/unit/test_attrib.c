/* test_attrib.c - the loss attribution estimator on synthetic counts:
 * rate-limited replies, real forward loss, both at once, a silent hop,
 * steps too small to call, and too little data. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include <hopwatch/attrib.h>

#define H(r, l, t) {.received = (r), .lost = (l), .trusted = (t)}

static void
assert_near(double got, double want, double tol)
{
    if (fabs(got - want) > tol)
        fail_msg("%f is not within %f of %f", got, tol, want);
}

/* 20% forward loss from hop 3 on; every hop answers whatever reaches it. */
static void
test_attrib_real_loss_agrees_with_raw(void **state)
{
    const struct hw_attrib_hop h[] = {
        H(400, 0, true), H(400, 0, true), H(321, 79, true), H(318, 82, true),
        H(322, 78, true), H(317, 83, true),
    };
    struct hw_attrib a[6];

    (void)state;
    hw_attrib_estimate(h, 6, 1, 0, a);
    assert_int_equal(a[0].verdict, HW_VERDICT_OK);
    assert_int_equal(a[1].verdict, HW_VERDICT_OK);
    assert_near(a[0].forward_loss, 0, 1e-9);
    assert_near(a[1].forward_loss, 0, 1e-9);
    assert_int_equal(a[2].verdict, HW_VERDICT_LOSS_STARTS);
    assert_int_equal(a[2].loss_from_ttl, 3);
    for (int i = 2; i < 6; i++) {
        /* One pooled block: the raw losses differ by noise only. */
        assert_near(a[i].forward_loss, 322.0 / 1600, 1e-9);
        assert_true(a[i].forward_lo < 0.2 && a[i].forward_hi > 0.2);
        assert_true(a[i].response_loss < 0.03);
    }
    for (int i = 3; i < 6; i++)
        assert_int_equal(a[i].verdict, HW_VERDICT_LOSS_BEFORE);
}

/* mtr's complaint: intermediate hops rate-limit their time-exceeded, so
 * they show ~85% loss, the target shows none.  Nothing is forward loss. */
static void
test_attrib_rate_limited_is_response_loss(void **state)
{
    const struct hw_attrib_hop h[] = {
        H(15, 85, false), H(16, 84, false), H(14, 86, false), H(100, 0, true),
    };
    struct hw_attrib a[4];

    (void)state;
    hw_attrib_estimate(h, 4, 1, 0, a);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(a[i].verdict, HW_VERDICT_RESPONSE_LOSS);
        assert_near(a[i].forward_loss, 0, 1e-9);
        assert_true(a[i].response_loss > 0.8);
    }
    assert_int_equal(a[3].verdict, HW_VERDICT_OK);
}

/* The scenario: 20% real loss at hop 3, rate-limited replies
 * everywhere (paced hops trusted, unpaced ones not), a silent hop 5. */
static void
test_attrib_both_with_silent_hop(void **state)
{
    const struct hw_attrib_hop h[] = {
        H(40, 0, true),    /* 1: paced, clean */
        H(39, 1, true),    /* 2: paced, one loss */
        H(32, 8, true),    /* 3: paced: the lossy router */
        H(15, 85, false),  /* 4: still throttled */
        H(0, 100, true),   /* 5: never answers */
        H(31, 9, true),    /* 6 */
        H(33, 7, true),    /* 7 */
        H(478, 122, true), /* 8: the target at full rate */
    };
    struct hw_attrib a[8];

    (void)state;
    hw_attrib_estimate(h, 8, 1, 0, a);
    assert_int_equal(a[0].verdict, HW_VERDICT_OK);
    assert_int_equal(a[1].verdict, HW_VERDICT_OK);
    assert_true(a[1].forward_loss < 0.03);
    assert_int_equal(a[2].verdict, HW_VERDICT_LOSS_STARTS);
    assert_int_equal(a[2].loss_from_ttl, 3);
    assert_near(a[2].forward_loss, 0.2, 0.02);
    assert_int_equal(a[3].verdict, HW_VERDICT_RESPONSE_LOSS);
    assert_int_equal(a[4].verdict, HW_VERDICT_SILENT);
    assert_near(a[4].forward_loss, a[2].forward_loss, 1e-9);
    for (int i = 5; i < 8; i++)
        assert_int_equal(a[i].verdict, HW_VERDICT_LOSS_BEFORE);
}

/* A hop that both drops forward traffic and rate-limits its own replies:
 * the loss still starts there, and the extra is response loss. */
static void
test_attrib_lossy_and_limited_hop(void **state)
{
    const struct hw_attrib_hop h[] = {
        H(200, 0, true), H(100, 100, true), H(160, 40, true), H(1600, 400, true),
    };
    struct hw_attrib a[4];

    (void)state;
    hw_attrib_estimate(h, 4, 1, 0, a);
    assert_int_equal(a[1].verdict, HW_VERDICT_LOSS_STARTS);
    assert_near(a[1].forward_loss, 0.2, 0.03);
    assert_near(a[1].response_loss, 0.375, 0.05);
}

/* Differences within noise are not steps: the three hops form one block
 * with 2% loss.  But hop 1 lost nothing and hops 1-2 one probe in 100,
 * which shows no loss yet: the loss is first seen at hop 3, and may have
 * started anywhere in hops 1-3, so hops 1-2 get bounds, not a verdict. */
static void
test_attrib_small_difference_not_a_step(void **state)
{
    const struct hw_attrib_hop h[] = {H(50, 0, true), H(49, 1, true), H(48, 2, true)};
    struct hw_attrib a[3];

    (void)state;
    hw_attrib_estimate(h, 3, 1, 0, a);
    for (int i = 0; i < 2; i++) {
        assert_true(a[i].forward_loss < 0);
        assert_near(a[i].forward_lo, 0, 1e-9);
        assert_true(a[i].forward_hi > 0.02);
        assert_int_equal(a[i].verdict, HW_VERDICT_NONE);
    }
    assert_near(a[2].forward_loss, 3.0 / 150, 1e-9);
    assert_int_equal(a[2].verdict, HW_VERDICT_LOSS_STARTS);
    assert_int_equal(a[2].loss_from_ttl, 1);
}

/* One loss in 300 is not worth calling loss. */
static void
test_attrib_tiny_loss_is_ok(void **state)
{
    const struct hw_attrib_hop h[] = {H(300, 0, true), H(299, 1, true), H(300, 0, true)};
    struct hw_attrib a[3];

    (void)state;
    hw_attrib_estimate(h, 3, 1, 0, a);
    for (int i = 0; i < 3; i++)
        assert_int_equal(a[i].verdict, HW_VERDICT_OK);
}

/* Route ends in silence: trailing silent hops are not called silent (no
 * later answer shows the path goes on), and nothing is claimed for them. */
static void
test_attrib_trailing_silence_and_little_data(void **state)
{
    struct hw_attrib_hop h[] = {H(40, 0, true), H(3, 1, true), H(0, 30, true)};
    struct hw_attrib a[3];

    (void)state;
    hw_attrib_estimate(h, 3, 5, 0, a);
    assert_int_equal(a[0].verdict, HW_VERDICT_OK);
    assert_int_equal(a[1].verdict, HW_VERDICT_NONE); /* 4 outcomes < 8 */
    assert_int_equal(a[2].verdict, HW_VERDICT_NONE);
    assert_near(a[2].forward_loss, 0, 1e-9);
    /* 30 answers of 30 cannot tell 10% loss from none (the upper bound is
     * 11%): no "ok" yet, though the estimate is 0. */
    h[0].received = 30;
    hw_attrib_estimate(h, 3, 5, 0, a);
    assert_near(a[0].forward_loss, 0, 1e-9);
    assert_true(a[0].forward_hi > 0.10);
    assert_int_equal(a[0].verdict, HW_VERDICT_NONE);
}

/* Nothing trusted before: forward loss unknown, response loss still a
 * safe claim against the first trusted hop's survival. */
static void
test_attrib_unknown_before_first_sample(void **state)
{
    const struct hw_attrib_hop h[] = {H(10, 90, false), H(80, 20, true)};
    struct hw_attrib a[2];

    (void)state;
    hw_attrib_estimate(h, 2, 1, 0, a);
    assert_true(a[0].forward_loss < 0);
    assert_near(a[0].response_loss, 1 - 0.1 / 0.8, 1e-9);
    assert_int_equal(a[0].verdict, HW_VERDICT_RESPONSE_LOSS);
    assert_int_equal(a[1].verdict, HW_VERDICT_LOSS_STARTS);
    assert_int_equal(a[1].loss_from_ttl, 1);
}

/* A short run on a rate-limited route (bench/accuracy.sh at 200 cycles):
 * the routers were throttled and are paced, their new windows not judged
 * yet (untrusted); only the target's answers are trusted.  Hops 1-2
 * answered every paced probe: that is exact whatever the trust (throttling
 * only lowers an answer rate), so they bound where the loss starts.  The
 * target must not be said to start the loss itself: it started somewhere
 * in TTLs 3-8.  The throttled hops in between are neither credited with
 * nor cleared of forward loss; what is beyond the most it can be is
 * response loss.  With only 10 answers each, 20 answers in all do not
 * even show a step (0.8^20 is 1%, not the 3 standard errors a step
 * needs): the loss may have started anywhere up to the target. */
static void
test_attrib_short_run_throttled_hops(void **state)
{
    struct hw_attrib_hop h[] = {
        H(30, 0, false), H(30, 0, false), H(10, 20, false), H(12, 18, false),
        H(0, 200, false), H(11, 19, false), H(11, 19, false), H(160, 40, true),
    };
    struct hw_attrib a[8];

    (void)state;
    hw_attrib_estimate(h, 8, 1, 0, a);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(a[i].verdict, HW_VERDICT_OK);
        assert_near(a[i].forward_loss, 0, 1e-9);
    }
    assert_int_equal(a[7].verdict, HW_VERDICT_LOSS_STARTS);
    assert_int_equal(a[7].loss_from_ttl, 3);
    assert_near(a[7].forward_loss, 0.2, 1e-9);
    for (int i = 2; i < 7; i++) {
        if (i == 4)
            continue;
        assert_true(a[i].forward_loss < 0);
        assert_near(a[i].forward_lo, 0, 1e-9);
        assert_true(a[i].forward_hi > 0.2 && a[i].forward_hi < 0.3);
        assert_int_equal(a[i].verdict, HW_VERDICT_RESPONSE_LOSS);
    }
    assert_int_equal(a[4].verdict, HW_VERDICT_SILENT);

    h[0].received = h[1].received = 10;
    hw_attrib_estimate(h, 8, 1, 0, a);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(a[i].verdict, HW_VERDICT_NONE);
        assert_true(a[i].forward_loss < 0);
    }
    assert_int_equal(a[7].verdict, HW_VERDICT_LOSS_STARTS);
    assert_int_equal(a[7].loss_from_ttl, 1);
}

/* Between a clean sample and a lossy one, an untrusted hop whose loss the
 * step could explain cannot be judged: no verdict, only bounds. */
static void
test_attrib_between_step_unknown(void **state)
{
    const struct hw_attrib_hop h[] = {H(100, 0, true), H(45, 5, false), H(80, 20, true)};
    struct hw_attrib a[3];

    (void)state;
    hw_attrib_estimate(h, 3, 1, 0, a);
    assert_int_equal(a[0].verdict, HW_VERDICT_OK);
    assert_true(a[1].forward_loss < 0);
    assert_near(a[1].forward_lo, 0, 1e-9);
    assert_true(a[1].forward_hi > 0.2);
    assert_int_equal(a[1].verdict, HW_VERDICT_NONE);
    assert_int_equal(a[2].verdict, HW_VERDICT_LOSS_STARTS);
    assert_int_equal(a[2].loss_from_ttl, 2);
    /* Trusted, the same hop is a sample, and the step is found at it. */
    {
        const struct hw_attrib_hop t[] = {H(100, 0, true), H(40, 10, true), H(80, 20, true)};

        hw_attrib_estimate(t, 3, 1, 0, a);
        assert_int_equal(a[1].verdict, HW_VERDICT_LOSS_STARTS);
        assert_int_equal(a[1].loss_from_ttl, 2);
        assert_int_equal(a[2].verdict, HW_VERDICT_LOSS_BEFORE);
    }
}

static void
test_attrib_texts(void **state)
{
    (void)state;
    assert_string_equal(hw_verdict_text(HW_VERDICT_RESPONSE_LOSS), "rate-limited replies");
    assert_string_equal(hw_verdict_text(HW_VERDICT_LOSS_STARTS), "loss starts here");
    assert_string_equal(hw_verdict_text(HW_VERDICT_SILENT), "not answering");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attrib_real_loss_agrees_with_raw),
        cmocka_unit_test(test_attrib_rate_limited_is_response_loss),
        cmocka_unit_test(test_attrib_both_with_silent_hop),
        cmocka_unit_test(test_attrib_lossy_and_limited_hop),
        cmocka_unit_test(test_attrib_short_run_throttled_hops),
        cmocka_unit_test(test_attrib_between_step_unknown),
        cmocka_unit_test(test_attrib_small_difference_not_a_step),
        cmocka_unit_test(test_attrib_tiny_loss_is_ok),
        cmocka_unit_test(test_attrib_trailing_silence_and_little_data),
        cmocka_unit_test(test_attrib_unknown_before_first_sample),
        cmocka_unit_test(test_attrib_texts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
