/* test_rtt.c - choosing between the kernel's and the monotonic RTT. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/rtt.h"

#define MS INT64_C(1000000)

/* A send stamp with realistic clock values: the monotonic clock counts from
 * boot, the wall clock from the epoch (2024-ish). */
static struct hw_time sent_at(void)
{
    return (struct hw_time){
        .mono_ns = INT64_C(123456789012),
        .real_ns = INT64_C(1717171717000000000),
        .kernel_ns = 0,
    };
}

/* A receive stamp mono_delta after s, with the wall clock stepped by step_ns
 * in between, and the kernel stamp kernel_delta after the send's wall time.
 * A real kernel stamp would include the step too; callers choose
 * kernel_delta to make the case they test. */
static struct hw_time received_at(const struct hw_time *s, int64_t mono_delta, int64_t step_ns,
                                  int64_t kernel_delta)
{
    return (struct hw_time){
        .mono_ns = s->mono_ns + mono_delta,
        .real_ns = s->real_ns + mono_delta + step_ns,
        .kernel_ns = s->real_ns + kernel_delta,
    };
}

/* The process ran 2 ms after the packet arrived: the kernel's 3 ms is the
 * RTT, not the 5 ms the monotonic clock saw. */
static void test_rtt_uses_kernel_stamp(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, 0, 3 * MS);
    bool used = false;

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, &used), 3 * MS);
    assert_true(used);
}

/* Wall clock stepped forward 2 ms between send and receive: the kernel RTT
 * (4 ms, plausible on its face) includes the step, so mono is used. */
static void test_rtt_forward_step_falls_back(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, 2 * MS, 4 * MS);
    bool used = true;

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, &used), 5 * MS);
    assert_false(used);
}

/* Wall clock stepped back 2 ms: a kernel RTT of 1 ms would look plausible
 * but is 2 ms short. */
static void test_rtt_backward_step_falls_back(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, -2 * MS, 1 * MS);
    bool used = true;

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, &used), 5 * MS);
    assert_false(used);
}

/* A large backward step makes the kernel stamp earlier than the send. */
static void test_rtt_large_backward_step_falls_back(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, -1000 * MS, -997 * MS);
    bool used = true;

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, &used), 5 * MS);
    assert_false(used);
}

/* No step, but the kernel stamp is before the send time. */
static void test_rtt_kernel_before_send_falls_back(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, 0, -1);
    bool used = true;

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, &used), 5 * MS);
    assert_false(used);
}

/* No step, but the kernel RTT is longer than the monotonic one. */
static void test_rtt_kernel_longer_than_mono_falls_back(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, 0, 5 * MS + 1);
    bool used = true;

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, &used), 5 * MS);
    assert_false(used);
}

/* The bounds of the plausible range are accepted: 0 and exactly mono. */
static void test_rtt_kernel_bounds_accepted(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, 0, 5 * MS);
    bool used = false;

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, &used), 5 * MS);
    assert_true(used);
    r = received_at(&s, 5 * MS, 0, 0);
    used = false;
    assert_int_equal(hw__rtt(&s, &r, &used), 0);
    assert_true(used);
}

static void test_rtt_no_kernel_stamp(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, 0, 3 * MS);
    bool used = true;

    (void)state;
    r.kernel_ns = 0;
    assert_int_equal(hw__rtt(&s, &r, &used), 5 * MS);
    assert_false(used);
}

/* A change of exactly HW_RTT_STEP_NS either way is clock-read noise. */
static void test_rtt_step_at_limit_tolerated(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, HW_RTT_STEP_NS, 3 * MS);
    bool used = false;

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, &used), 3 * MS);
    assert_true(used);
    r = received_at(&s, 5 * MS, -HW_RTT_STEP_NS, 3 * MS);
    used = false;
    assert_int_equal(hw__rtt(&s, &r, &used), 3 * MS);
    assert_true(used);
}

/* One nanosecond more is a step. */
static void test_rtt_step_past_limit_falls_back(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, HW_RTT_STEP_NS + 1, 3 * MS);
    bool used = true;

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, &used), 5 * MS);
    assert_false(used);
    r = received_at(&s, 5 * MS, -HW_RTT_STEP_NS - 1, 3 * MS);
    used = true;
    assert_int_equal(hw__rtt(&s, &r, &used), 5 * MS);
    assert_false(used);
}

static void test_rtt_null_used_kernel(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, 5 * MS, 0, 3 * MS);

    (void)state;
    assert_int_equal(hw__rtt(&s, &r, NULL), 3 * MS);
    r = received_at(&s, 5 * MS, 2 * MS, 4 * MS);
    assert_int_equal(hw__rtt(&s, &r, NULL), 5 * MS);
}

/* Receive before send on the monotonic clock (stamps mixed up): 0, never a
 * negative RTT. */
static void test_rtt_negative_mono_clamped(void **state)
{
    struct hw_time s = sent_at();
    struct hw_time r = received_at(&s, -5 * MS, 0, 0);
    bool used = true;

    (void)state;
    r.kernel_ns = 0;
    assert_int_equal(hw__rtt(&s, &r, &used), 0);
    assert_false(used);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rtt_uses_kernel_stamp),
        cmocka_unit_test(test_rtt_forward_step_falls_back),
        cmocka_unit_test(test_rtt_backward_step_falls_back),
        cmocka_unit_test(test_rtt_large_backward_step_falls_back),
        cmocka_unit_test(test_rtt_kernel_before_send_falls_back),
        cmocka_unit_test(test_rtt_kernel_longer_than_mono_falls_back),
        cmocka_unit_test(test_rtt_kernel_bounds_accepted),
        cmocka_unit_test(test_rtt_no_kernel_stamp),
        cmocka_unit_test(test_rtt_step_at_limit_tolerated),
        cmocka_unit_test(test_rtt_step_past_limit_falls_back),
        cmocka_unit_test(test_rtt_null_used_kernel),
        cmocka_unit_test(test_rtt_negative_mono_clamped),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
