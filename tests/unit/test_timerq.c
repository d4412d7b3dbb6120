/* test_timerq.c - the deadline heap: order, FIFO ties, cancel, reschedule,
 * stale handles, and a randomized comparison with a simple model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>

#include "core/timerq.h"

/* ---- allocation failure injection --------------------------------------
 * Linked with -Wl,--wrap=realloc, timerq.c's realloc calls come here and
 * __real_realloc is the real one.  Without that flag __real_realloc, a weak
 * reference, stays NULL and the test that needs it skips. */
void *__wrap_realloc(void *ptr, size_t size);
extern void *__real_realloc(void *ptr, size_t size) __attribute__((weak));

/* Calls to let through before failing one; -1 never fails.  Only the
 * allocation-failure test sets it. */
static int realloc_fail_after = -1;

void *__wrap_realloc(void *ptr, size_t size)
{
    if (realloc_fail_after == 0) {
        realloc_fail_after = -1;
        return NULL;
    }
    if (realloc_fail_after > 0)
        realloc_fail_after--;
    return __real_realloc(ptr, size);
}

/* ---- helpers ------------------------------------------------------------ */

static struct hw__timer_payload payload(uint64_t owner)
{
    return (struct hw__timer_payload){ .kind = 7, .owner = owner };
}

static uint64_t add(struct hw__timerq *q, int64_t when, uint64_t owner)
{
    struct hw__timer_payload p = payload(owner);
    uint64_t h = 0;

    assert_int_equal(hw__timerq_add(q, when, &p, &h), 0);
    assert_true(h != 0);
    return h;
}

/* Pop the next timer (whatever its deadline) and return its owner. */
static uint64_t pop_owner(struct hw__timerq *q)
{
    struct hw__timer_payload p;

    assert_true(hw__timerq_pop(q, INT64_MAX, &p, NULL));
    assert_int_equal(p.kind, 7);
    return p.owner;
}

/* Does heap entry a rightly sit above b? */
static bool not_after(const struct hw__timer_slot *a, const struct hw__timer_slot *b)
{
    return a->when < b->when || (a->when == b->when && a->fifo < b->fifo);
}

/* Check the whole structure: heap order, heap positions stored in the slots,
 * and that every slot is either in the heap or on the free list. */
static void check_invariants(const struct hw__timerq *q)
{
    uint32_t nfree = 0;

    assert_true(q->nheap <= q->nslots);
    for (uint32_t i = 0; i < q->nheap; i++) {
        uint32_t slot = q->heap[i];

        assert_true(slot < q->nslots);
        assert_int_equal(q->slots[slot].pos, i);
        if (i > 0)
            assert_true(not_after(&q->slots[q->heap[(i - 1) / 2]], &q->slots[slot]));
    }
    for (uint32_t f = q->free_head; f != UINT32_MAX; f = q->slots[f].next_free) {
        assert_true(f < q->nslots);
        assert_int_equal(q->slots[f].pos, UINT32_MAX);
        nfree++;
        assert_true(nfree <= q->nslots);
    }
    assert_int_equal(nfree + q->nheap, q->nslots);
}

/* The handle of the timer at heap index i (white box: the slot's generation). */
static uint64_t handle_at(const struct hw__timerq *q, uint32_t i)
{
    uint32_t slot = q->heap[i];

    return ((uint64_t)q->slots[slot].gen << 32) | slot;
}

/* xorshift64*: a fixed-seed generator so every run is the same. */
static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * UINT64_C(0x2545f4914f6cdd1d);
}

/* ---- tests -------------------------------------------------------------- */

static void test_timerq_empty(void **state)
{
    struct hw__timerq q;
    struct hw__timer_payload p;
    int64_t when = 42;

    (void)state;
    hw__timerq_init(&q);
    assert_int_equal(hw__timerq_size(&q), 0);
    assert_false(hw__timerq_peek(&q, &when));
    assert_int_equal(when, 42);
    assert_false(hw__timerq_pop(&q, INT64_MAX, &p, NULL));
    assert_int_equal(hw__timerq_cancel(&q, 0), -ENOENT);
    assert_int_equal(hw__timerq_cancel(&q, (UINT64_C(1) << 32) | 0), -ENOENT);
    assert_int_equal(hw__timerq_reschedule(&q, (UINT64_C(1) << 32) | 0, 5), -ENOENT);
    hw__timerq_fini(&q);
}

/* The handle is (gen << 32) | slot with generations starting at 1. */
static void test_timerq_handle_layout(void **state)
{
    struct hw__timerq q;

    (void)state;
    hw__timerq_init(&q);
    assert_true(add(&q, 10, 1) == ((UINT64_C(1) << 32) | 0));
    assert_true(add(&q, 10, 2) == ((UINT64_C(1) << 32) | 1));
    hw__timerq_fini(&q);
}

/* Thousands of random deadlines, many equal, come out sorted by deadline and
 * then by insertion order. */
static void test_timerq_pop_order_random(void **state)
{
    enum { N = 5000 };
    struct hw__timerq q;
    static int64_t when[N];
    uint64_t rng = 12345;

    (void)state;
    hw__timerq_init(&q);
    for (uint64_t i = 0; i < N; i++) {
        when[i] = (int64_t)(next_rand(&rng) % 2000) - 1000;
        add(&q, when[i], i);
    }
    check_invariants(&q);
    assert_int_equal(hw__timerq_size(&q), N);

    /* Reference: for each pop, the first index with the smallest deadline
     * among those not yet taken (a selection sort, stable by index). */
    for (int k = 0; k < N; k++) {
        uint64_t best = UINT64_MAX;
        uint64_t got;
        int64_t peeked;

        for (uint64_t i = 0; i < N; i++)
            if (when[i] != INT64_MAX && (best == UINT64_MAX || when[i] < when[best]))
                best = i;
        assert_true(hw__timerq_peek(&q, &peeked));
        assert_int_equal(peeked, when[best]);
        got = pop_owner(&q);
        if (got != best)
            fail_msg("pop %d: owner %llu, want %llu", k, (unsigned long long)got,
                     (unsigned long long)best);
        when[best] = INT64_MAX;
    }
    assert_int_equal(hw__timerq_size(&q), 0);
    hw__timerq_fini(&q);
}

static void test_timerq_fifo_for_equal_deadlines(void **state)
{
    struct hw__timerq q;

    (void)state;
    hw__timerq_init(&q);
    for (uint64_t i = 0; i < 100; i++)
        add(&q, 500, i);
    for (uint64_t i = 0; i < 100; i++)
        assert_int_equal(pop_owner(&q), i);
    hw__timerq_fini(&q);
}

static void test_timerq_pop_before_due(void **state)
{
    struct hw__timerq q;
    struct hw__timer_payload p = { 0 };
    uint64_t h, got = 0;

    (void)state;
    hw__timerq_init(&q);
    h = add(&q, 100, 9);
    assert_false(hw__timerq_pop(&q, 99, &p, &got));
    assert_int_equal(p.owner, 0);
    assert_int_equal(hw__timerq_size(&q), 1);
    assert_true(hw__timerq_pop(&q, 100, &p, &got));
    assert_int_equal(p.owner, 9);
    assert_true(got == h);
    assert_int_equal(hw__timerq_size(&q), 0);
    hw__timerq_fini(&q);
}

/* Cancel the top, the bottom (last heap entry) and a middle entry: the
 * heap stays ordered and the rest pops in order. */
static void test_timerq_cancel_top_middle_bottom(void **state)
{
    enum { N = 63 };
    struct hw__timerq q;
    bool gone[N] = { false };
    uint64_t rng = 777;
    uint32_t slot;
    int64_t prev = INT64_MIN;

    (void)state;
    hw__timerq_init(&q);
    for (uint64_t i = 0; i < N; i++)
        add(&q, (int64_t)(next_rand(&rng) % 100000), i);
    check_invariants(&q);

    /* White box: pick by heap position, recording which owner goes. */
    const uint32_t picks[3] = { 0, N - 2, N / 2 - 3 };

    for (int k = 0; k < 3; k++) {
        uint32_t i = picks[k] < q.nheap ? picks[k] : q.nheap - 1;

        slot = q.heap[i];
        gone[q.slots[slot].p.owner] = true;
        assert_int_equal(hw__timerq_cancel(&q, handle_at(&q, i)), 0);
        check_invariants(&q);
    }
    /* The bottom one, as the heap now stands. */
    slot = q.heap[q.nheap - 1];
    gone[q.slots[slot].p.owner] = true;
    assert_int_equal(hw__timerq_cancel(&q, handle_at(&q, q.nheap - 1)), 0);
    check_invariants(&q);
    assert_int_equal(hw__timerq_size(&q), N - 4);

    for (int k = 0; k < N - 4; k++) {
        struct hw__timer_payload p;
        int64_t when;

        assert_true(hw__timerq_peek(&q, &when));
        assert_true(when >= prev);
        prev = when;
        assert_true(hw__timerq_pop(&q, INT64_MAX, &p, NULL));
        assert_false(gone[p.owner]);
        gone[p.owner] = true;
    }
    for (int i = 0; i < N; i++)
        assert_true(gone[i]);
    hw__timerq_fini(&q);
}

static void test_timerq_cancel_fired_or_cancelled(void **state)
{
    struct hw__timerq q;
    struct hw__timer_payload p;
    uint64_t fired, cancelled, keep;

    (void)state;
    hw__timerq_init(&q);
    fired = add(&q, 1, 1);
    cancelled = add(&q, 2, 2);
    keep = add(&q, 3, 3);
    assert_true(hw__timerq_pop(&q, 1, &p, NULL));
    assert_int_equal(p.owner, 1);
    assert_int_equal(hw__timerq_cancel(&q, cancelled), 0);

    assert_int_equal(hw__timerq_cancel(&q, fired), -ENOENT);
    assert_int_equal(hw__timerq_cancel(&q, cancelled), -ENOENT);
    assert_int_equal(hw__timerq_reschedule(&q, fired, 10), -ENOENT);
    assert_int_equal(hw__timerq_reschedule(&q, cancelled, 10), -ENOENT);
    /* A slot number past the table, and a generation never issued. */
    assert_int_equal(hw__timerq_cancel(&q, (UINT64_C(1) << 32) | 1000), -ENOENT);
    assert_int_equal(hw__timerq_cancel(&q, keep + (UINT64_C(5) << 32)), -ENOENT);
    assert_int_equal(hw__timerq_size(&q), 1);
    assert_int_equal(hw__timerq_cancel(&q, keep), 0);
    assert_int_equal(hw__timerq_size(&q), 0);
    hw__timerq_fini(&q);
}

/* A freed slot is reused, but with a new generation: the old handle must
 * not cancel the new timer. */
static void test_timerq_reused_slot_refuses_old_handle(void **state)
{
    struct hw__timerq q;
    uint64_t old, fresh;

    (void)state;
    hw__timerq_init(&q);
    old = add(&q, 10, 1);
    assert_int_equal(hw__timerq_cancel(&q, old), 0);
    fresh = add(&q, 20, 2);
    assert_int_equal((uint32_t)fresh, (uint32_t)old);
    assert_true(fresh != old);
    assert_int_equal(hw__timerq_cancel(&q, old), -ENOENT);
    assert_int_equal(hw__timerq_reschedule(&q, old, 5), -ENOENT);
    assert_int_equal(hw__timerq_size(&q), 1);
    assert_int_equal(pop_owner(&q), 2);

    /* Fired, then reused: same story. */
    fresh = add(&q, 30, 3);
    assert_int_equal(pop_owner(&q), 3);
    old = fresh;
    fresh = add(&q, 40, 4);
    assert_int_equal((uint32_t)fresh, (uint32_t)old);
    assert_int_equal(hw__timerq_cancel(&q, old), -ENOENT);
    assert_int_equal(hw__timerq_cancel(&q, fresh), 0);
    hw__timerq_fini(&q);
}

static void test_timerq_reschedule_earlier_and_later(void **state)
{
    struct hw__timerq q;
    uint64_t a, b, c;
    int64_t when;

    (void)state;
    hw__timerq_init(&q);
    a = add(&q, 10, 1);
    b = add(&q, 20, 2);
    c = add(&q, 30, 3);
    assert_int_equal(hw__timerq_reschedule(&q, c, 5), 0);
    check_invariants(&q);
    assert_true(hw__timerq_peek(&q, &when));
    assert_int_equal(when, 5);
    assert_int_equal(hw__timerq_reschedule(&q, a, 40), 0);
    check_invariants(&q);
    assert_int_equal(pop_owner(&q), 3);
    assert_int_equal(pop_owner(&q), 2);
    assert_int_equal(pop_owner(&q), 1);
    assert_int_equal(hw__timerq_reschedule(&q, b, 1), -ENOENT);
    hw__timerq_fini(&q);
}

/* Rescheduled to an equal deadline, a timer counts as added last; the
 * handle stays valid. */
static void test_timerq_reschedule_counts_as_added_last(void **state)
{
    struct hw__timerq q;
    struct hw__timer_payload p;
    uint64_t a, got = 0;

    (void)state;
    hw__timerq_init(&q);
    a = add(&q, 10, 1);
    add(&q, 10, 2);
    add(&q, 10, 3);
    assert_int_equal(hw__timerq_reschedule(&q, a, 10), 0);
    assert_int_equal(pop_owner(&q), 2);
    assert_int_equal(pop_owner(&q), 3);
    assert_true(hw__timerq_pop(&q, 10, &p, &got));
    assert_int_equal(p.owner, 1);
    assert_true(got == a);
    hw__timerq_fini(&q);
}

/* The payload comes back whole, function pointer and argument included. */
static void dummy_fn(void *arg, uint64_t id)
{
    (void)arg;
    (void)id;
}

static void test_timerq_payload_round_trip(void **state)
{
    struct hw__timerq q;
    int cookie;
    struct hw__timer_payload in = { .kind = 3, .owner = 99, .fn = dummy_fn, .arg = &cookie };
    struct hw__timer_payload out = { 0 };
    uint64_t h, got;

    (void)state;
    hw__timerq_init(&q);
    assert_int_equal(hw__timerq_add(&q, 1, &in, &h), 0);
    assert_true(hw__timerq_pop(&q, 1, &out, &got));
    assert_int_equal(out.kind, 3);
    assert_int_equal(out.owner, 99);
    assert_true(out.fn == dummy_fn);
    assert_true(out.arg == &cookie);
    assert_true(got == h);
    hw__timerq_fini(&q);
}

/* Many timers pending at fini are freed (ASan's leak check would see a
 * leak), and the queue can be used again. */
static void test_timerq_fini_with_pending(void **state)
{
    struct hw__timerq q;

    (void)state;
    hw__timerq_init(&q);
    for (uint64_t i = 0; i < 1000; i++)
        add(&q, (int64_t)i, i);
    hw__timerq_fini(&q);
    assert_int_equal(hw__timerq_size(&q), 0);
    add(&q, 1, 1);
    assert_int_equal(pop_owner(&q), 1);
    hw__timerq_fini(&q);
}

/* One timer of the model. */
struct model_timer {
    uint64_t handle;  /* its handle */
    int64_t when;     /* its deadline */
    uint64_t seq;     /* order of its last add or reschedule */
    uint64_t owner;   /* its payload's owner */
};

/* 100k random adds, cancels, reschedules, stale-handle calls and pops,
 * checked step by step against a plain array scanned in full. */
static void test_timerq_model_random(void **state)
{
    enum { OPS = 100000, MAXM = 4096, NSTALE = 64 };
    static struct model_timer m[MAXM];
    uint64_t stale[NSTALE] = { 0 };
    size_t nm = 0, nstale = 0;
    uint64_t rng = UINT64_C(0xdecafbad), seq = 0, owner = 0;
    int64_t now = 0;
    struct hw__timerq q;

    (void)state;
    hw__timerq_init(&q);
    for (int op = 0; op < OPS; op++) {
        unsigned r = (unsigned)(next_rand(&rng) % 100);

        if (r < 35 && nm < MAXM) {
            int64_t when = now + (int64_t)(next_rand(&rng) % 1000);

            m[nm] = (struct model_timer){ .when = when, .seq = seq++, .owner = owner };
            m[nm].handle = add(&q, when, owner++);
            nm++;
        } else if (r < 50 && nm > 0) {
            size_t i = (size_t)(next_rand(&rng) % nm);

            assert_int_equal(hw__timerq_cancel(&q, m[i].handle), 0);
            stale[nstale++ % NSTALE] = m[i].handle;
            m[i] = m[--nm];
        } else if (r < 65 && nm > 0) {
            size_t i = (size_t)(next_rand(&rng) % nm);
            int64_t when = now + (int64_t)(next_rand(&rng) % 1000) - 100;

            assert_int_equal(hw__timerq_reschedule(&q, m[i].handle, when), 0);
            m[i].when = when;
            m[i].seq = seq++;
        } else if (r < 70 && nstale > 0) {
            uint64_t h = stale[next_rand(&rng) % (nstale < NSTALE ? nstale : NSTALE)];

            assert_int_equal(hw__timerq_cancel(&q, h), -ENOENT);
            assert_int_equal(hw__timerq_reschedule(&q, h, now), -ENOENT);
        } else {
            struct hw__timer_payload p;
            uint64_t h;
            size_t best = SIZE_MAX;
            bool popped;

            now += (int64_t)(next_rand(&rng) % 40);
            for (size_t i = 0; i < nm; i++)
                if (best == SIZE_MAX || m[i].when < m[best].when ||
                    (m[i].when == m[best].when && m[i].seq < m[best].seq))
                    best = i;
            popped = hw__timerq_pop(&q, now, &p, &h);
            if (best == SIZE_MAX || m[best].when > now) {
                assert_false(popped);
            } else {
                assert_true(popped);
                assert_int_equal(p.owner, m[best].owner);
                assert_true(h == m[best].handle);
                stale[nstale++ % NSTALE] = h;
                m[best] = m[--nm];
            }
        }
        assert_int_equal(hw__timerq_size(&q), nm);
        if (op % 1000 == 0)
            check_invariants(&q);
    }
    check_invariants(&q);
    hw__timerq_fini(&q);
}

/* A failed allocation leaves the queue as it was: -ENOMEM, same size, old
 * handles valid, and the next add succeeds.  Both allocations of a growth
 * (heap array, then slot table) are failed in turn. */
static void test_timerq_add_enomem_leaves_queue_intact(void **state)
{
    struct hw__timerq q;
    struct hw__timer_payload p = payload(1000);
    uint64_t first, h = 0;

    (void)state;
    if (__real_realloc == NULL)
        skip(); /* not linked with -Wl,--wrap=realloc */

    for (int fail = 0; fail < 2; fail++) {
        hw__timerq_init(&q);
        first = add(&q, 0, 0);
        for (uint64_t i = 1; i < q.nslots; i++)
            add(&q, (int64_t)i, i);
        assert_int_equal(q.free_head, UINT32_MAX);

        h = 0;
        realloc_fail_after = fail;
        assert_int_equal(hw__timerq_add(&q, -1, &p, &h), -ENOMEM);
        realloc_fail_after = -1;
        assert_int_equal(h, 0);
        assert_int_equal(hw__timerq_size(&q), 16);
        check_invariants(&q);

        assert_int_equal(hw__timerq_add(&q, -1, &p, &h), 0);
        assert_int_equal(hw__timerq_size(&q), 17);
        assert_int_equal(pop_owner(&q), 1000);
        assert_int_equal(hw__timerq_cancel(&q, first), 0);
        for (uint64_t i = 1; i < 16; i++)
            assert_int_equal(pop_owner(&q), i);
        hw__timerq_fini(&q);
    }
}

/* Deadlines from huge delays saturate instead of wrapping into the past,
 * and a saturated deadline sorts last and is never due. */
static void
test_timerq_deadline_saturates(void **state)
{
    struct hw__timerq q;
    struct hw__timer_payload p = payload(1), out;
    int64_t now = 1000LL * 1000000000LL, when;
    uint64_t h;

    (void)state;
    assert_int_equal(hw__deadline(now, 5), now + 5);
    assert_int_equal(hw__deadline(now, INT64_MAX), INT64_MAX);
    assert_int_equal(hw__deadline(now, INT64_MAX - now), INT64_MAX);
    assert_int_equal(hw__deadline(now, INT64_MAX - now - 1), INT64_MAX - 1);
    assert_int_equal(hw__deadline(INT64_MAX, INT64_MAX), INT64_MAX);
    assert_int_equal(hw__deadline(-now, INT64_MIN), INT64_MIN);
    assert_int_equal(hw__ms_ceil(INT64_MAX, 1000000000), 1000000000);
    assert_int_equal(hw__ms_ceil(INT64_MAX, INT32_MAX), INT32_MAX);
    assert_int_equal(hw__ms_ceil(1, 1000), 1);
    assert_int_equal(hw__ms_ceil(2000000, 1000), 2);
    assert_int_equal(hw__ms_ceil(2000001, 1000), 3);

    hw__timerq_init(&q);
    assert_int_equal(hw__timerq_add(&q, hw__deadline(now, INT64_MAX), &p, &h), 0);
    p = payload(2);
    assert_int_equal(hw__timerq_add(&q, hw__deadline(now, 1), &p, &h), 0);
    assert_true(hw__timerq_peek(&q, &when));
    assert_int_equal(when, now + 1);
    assert_true(hw__timerq_pop(&q, now + 1, &out, NULL));
    assert_int_equal(out.owner, 2);
    /* Ten years later it is still not due. */
    assert_false(hw__timerq_pop(&q, now + 10 * 365 * 86400LL * 1000000000LL, &out, NULL));
    assert_int_equal(hw__timerq_size(&q), 1);
    hw__timerq_fini(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timerq_empty),
        cmocka_unit_test(test_timerq_handle_layout),
        cmocka_unit_test(test_timerq_pop_order_random),
        cmocka_unit_test(test_timerq_fifo_for_equal_deadlines),
        cmocka_unit_test(test_timerq_pop_before_due),
        cmocka_unit_test(test_timerq_cancel_top_middle_bottom),
        cmocka_unit_test(test_timerq_cancel_fired_or_cancelled),
        cmocka_unit_test(test_timerq_reused_slot_refuses_old_handle),
        cmocka_unit_test(test_timerq_reschedule_earlier_and_later),
        cmocka_unit_test(test_timerq_reschedule_counts_as_added_last),
        cmocka_unit_test(test_timerq_payload_round_trip),
        cmocka_unit_test(test_timerq_fini_with_pending),
        cmocka_unit_test(test_timerq_model_random),
        cmocka_unit_test(test_timerq_add_enomem_leaves_queue_intact),
        cmocka_unit_test(test_timerq_deadline_saturates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
