/* test_stats.c - RTT, jitter and loss statistics. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include <hopwatch/stats.h>

#define MS INT64_C(1000000)

/* cmocka 1.1 only compares floats; this compares doubles and prints both. */
#define assert_double_near(got, want, tol)                                          \
    do {                                                                            \
        double got_ = (got), want_ = (want);                                        \
        if (!(fabs(got_ - want_) <= (tol)))                                         \
            fail_msg("%s = %.17g, want %.17g", #got, got_, want_);                  \
    } while (0)

static void sent_n(struct hw_stats *s, int n)
{
    for (int i = 0; i < n; i++)
        hw_stats_sent(s);
}

static void test_stats_init_is_empty(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    assert_true(s.sent == 0 && s.received == 0 && s.lost == 0);
    assert_true(s.late == 0 && s.duplicates == 0);
    assert_int_equal(s.last_ns, -1);
    assert_int_equal(s.min_ns, -1);
    assert_int_equal(s.max_ns, -1);
    assert_int_equal(s.jitter_last_ns, -1);
    assert_int_equal(s.jitter_max_ns, -1);
    assert_true(hw_stats_avg_ns(&s) == -1.0);
    assert_true(hw_stats_stddev_ns(&s) == -1.0);
    assert_true(hw_stats_jitter_ns(&s) == -1.0);
    assert_true(hw_stats_loss_pct(&s) == 0.0);
    assert_int_equal(hw_stats_in_flight(&s), 0);
}

/* 10, 20, 30 ms: mean 20, sample stddev 10, every difference 10. */
static void test_stats_three_replies(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    sent_n(&s, 3);
    hw_stats_reply(&s, 10 * MS);
    hw_stats_reply(&s, 20 * MS);
    hw_stats_reply(&s, 30 * MS);
    assert_int_equal(s.received, 3);
    assert_int_equal(s.min_ns, 10 * MS);
    assert_int_equal(s.max_ns, 30 * MS);
    assert_int_equal(s.last_ns, 30 * MS);
    assert_double_near(hw_stats_avg_ns(&s), 20e6, 0.0);
    assert_double_near(hw_stats_stddev_ns(&s), 10e6, 0.0);
    assert_double_near(hw_stats_jitter_ns(&s), 10e6, 0.0);
    assert_int_equal(s.jitter_last_ns, 10 * MS);
    assert_int_equal(s.jitter_max_ns, 10 * MS);
    /* J = 10/16 = 0.625 ms, then 0.625 + (10 - 0.625)/16 = 1.2109375 ms. */
    assert_double_near(s.jitter_rfc3550_ns, 1210937.5, 0.0);
    assert_double_near(hw_stats_loss_pct(&s), 0.0, 0.0);
}

/* 10, 30, 25, 40 ms: differences 20, 5, 15 (last 15, max 20, mean 40/3);
 * mean 26.25, squared deviations sum to 468.75, so stddev sqrt(156.25) = 12.5. */
static void test_stats_jitter_and_stddev_uneven(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    sent_n(&s, 4);
    hw_stats_reply(&s, 10 * MS);
    hw_stats_reply(&s, 30 * MS);
    hw_stats_reply(&s, 25 * MS);
    hw_stats_reply(&s, 40 * MS);
    assert_int_equal(s.min_ns, 10 * MS);
    assert_int_equal(s.max_ns, 40 * MS);
    assert_int_equal(s.last_ns, 40 * MS);
    assert_double_near(hw_stats_avg_ns(&s), 26.25e6, 1e-6);
    assert_double_near(hw_stats_stddev_ns(&s), 12.5e6, 1e-6);
    assert_int_equal(s.jitter_last_ns, 15 * MS);
    assert_int_equal(s.jitter_max_ns, 20 * MS);
    assert_double_near(s.jitter_sum_ns, 40e6, 0.0);
    assert_double_near(hw_stats_jitter_ns(&s), 13333333.333333334, 1e-6);
    /* J: 1.25, 1.484375, 2.3291015625 ms. */
    assert_double_near(s.jitter_rfc3550_ns, 2329101.5625, 0.0);
}

static void test_stats_single_reply(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    hw_stats_sent(&s);
    hw_stats_reply(&s, 7 * MS);
    assert_double_near(hw_stats_avg_ns(&s), 7e6, 0.0);
    assert_true(hw_stats_stddev_ns(&s) == 0.0);
    assert_true(hw_stats_jitter_ns(&s) == -1.0);
    assert_int_equal(s.jitter_last_ns, -1);
    assert_int_equal(s.jitter_max_ns, -1);
    assert_true(s.jitter_rfc3550_ns == 0.0);
    assert_int_equal(s.min_ns, 7 * MS);
    assert_int_equal(s.max_ns, 7 * MS);
    assert_int_equal(s.last_ns, 7 * MS);
}

/* Only lost probes: loss 100 %, no RTT statistics at all. */
static void test_stats_no_reply(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    sent_n(&s, 2);
    hw_stats_lost(&s);
    hw_stats_lost(&s);
    assert_true(hw_stats_avg_ns(&s) == -1.0);
    assert_true(hw_stats_stddev_ns(&s) == -1.0);
    assert_true(hw_stats_jitter_ns(&s) == -1.0);
    assert_int_equal(s.min_ns, -1);
    assert_double_near(hw_stats_loss_pct(&s), 100.0, 0.0);
}

/* Identical RTTs: zero spread, zero jitter, not a rounding residue. */
static void test_stats_identical_replies(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    for (int i = 0; i < 1000; i++)
        hw_stats_reply(&s, INT64_C(123456789));
    assert_true(hw_stats_stddev_ns(&s) == 0.0);
    assert_true(hw_stats_jitter_ns(&s) == 0.0);
    assert_int_equal(s.jitter_max_ns, 0);
    assert_double_near(hw_stats_avg_ns(&s), 123456789.0, 0.0);
}

/* Sent 10, received 5, lost 1: 4 in flight count as neither, so loss is
 * 1 / 6 = 16.67 %, not 1 / 10 or 5 / 10. */
static void test_stats_loss_ignores_in_flight(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    sent_n(&s, 10);
    for (int i = 0; i < 5; i++)
        hw_stats_reply(&s, 1 * MS);
    hw_stats_lost(&s);
    assert_int_equal(hw_stats_in_flight(&s), 4);
    assert_double_near(hw_stats_loss_pct(&s), 16.666666666666668, 1e-12);
}

/* Nothing answered or timed out yet: loss is 0, not a division by zero. */
static void test_stats_loss_all_in_flight(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    sent_n(&s, 3);
    assert_int_equal(hw_stats_in_flight(&s), 3);
    assert_true(hw_stats_loss_pct(&s) == 0.0);
}

/* Late and duplicate answers are counted on their own and touch neither the
 * received/lost counts nor the RTT statistics. */
static void test_stats_late_and_duplicates_apart(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    sent_n(&s, 4);
    hw_stats_reply(&s, 10 * MS);
    hw_stats_reply(&s, 20 * MS);
    hw_stats_lost(&s);
    hw_stats_lost(&s);
    hw_stats_late(&s);
    hw_stats_duplicate(&s);
    hw_stats_duplicate(&s);
    hw_stats_duplicate(&s);
    assert_int_equal(s.late, 1);
    assert_int_equal(s.duplicates, 3);
    assert_int_equal(s.received, 2);
    assert_int_equal(s.lost, 2);
    assert_int_equal(hw_stats_in_flight(&s), 0);
    assert_double_near(hw_stats_loss_pct(&s), 50.0, 0.0);
    assert_double_near(hw_stats_avg_ns(&s), 15e6, 0.0);
    assert_int_equal(s.last_ns, 20 * MS);
}

/* Outcomes recorded for probes never sent (a caller's bug) must not wrap the
 * in-flight count around. */
static void test_stats_in_flight_never_wraps(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    hw_stats_sent(&s);
    hw_stats_reply(&s, 1 * MS);
    hw_stats_lost(&s);
    assert_int_equal(hw_stats_in_flight(&s), 0);
}

static void test_stats_negative_rtt_counts_as_zero(void **state)
{
    struct hw_stats s;

    (void)state;
    hw_stats_init(&s);
    hw_stats_reply(&s, 5);
    hw_stats_reply(&s, -3);
    assert_int_equal(s.min_ns, 0);
    assert_int_equal(s.last_ns, 0);
    assert_int_equal(s.jitter_last_ns, 5);
}

/* xorshift64*: a fixed-seed generator so the test is repeatable. */
static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * UINT64_C(0x2545f4914f6cdd1d);
}

/* A million RTTs of about 1e12 ns (1000 s) spread over only 1000 ns: the
 * textbook sum-of-squares formula loses every digit here (x^2 ~ 1e24, far
 * past double's 53 bits), Welford must not.  The reference is a two-pass
 * computation on the small offsets, whose mean is computed exactly in
 * integers. */
static void test_stats_welford_numerically_stable(void **state)
{
    enum { N = 1000000 };
    const int64_t base = INT64_C(1000000000000);
    static uint16_t off[N];
    struct hw_stats s;
    uint64_t rng = UINT64_C(0x9e3779b97f4a7c15);
    int64_t sum = 0;
    double mean_off, m2 = 0.0, want_sd;

    (void)state;
    hw_stats_init(&s);
    for (int i = 0; i < N; i++) {
        off[i] = (uint16_t)(next_rand(&rng) % 1000);
        sum += off[i];
        hw_stats_reply(&s, base + off[i]);
    }
    mean_off = (double)sum / N;
    for (int i = 0; i < N; i++)
        m2 += ((double)off[i] - mean_off) * ((double)off[i] - mean_off);
    want_sd = sqrt(m2 / (N - 1));

    /* A uniform spread over 0..999 has a stddev near 288.7. */
    assert_true(want_sd > 280.0 && want_sd < 297.0);
    /* The running mean rounds to the ulp of 1e12 (1.2e-4 ns) at each of the
     * million updates, a random walk of a few hundredths of a nanosecond:
     * ask for a relative 1e-12, that is 1 ns. */
    assert_double_near(hw_stats_avg_ns(&s), (double)base + mean_off, (double)base * 1e-12);
    assert_double_near(hw_stats_stddev_ns(&s), want_sd, want_sd * 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats_init_is_empty),
        cmocka_unit_test(test_stats_three_replies),
        cmocka_unit_test(test_stats_jitter_and_stddev_uneven),
        cmocka_unit_test(test_stats_single_reply),
        cmocka_unit_test(test_stats_no_reply),
        cmocka_unit_test(test_stats_identical_replies),
        cmocka_unit_test(test_stats_loss_ignores_in_flight),
        cmocka_unit_test(test_stats_loss_all_in_flight),
        cmocka_unit_test(test_stats_late_and_duplicates_apart),
        cmocka_unit_test(test_stats_in_flight_never_wraps),
        cmocka_unit_test(test_stats_negative_rtt_counts_as_zero),
        cmocka_unit_test(test_stats_welford_numerically_stable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
