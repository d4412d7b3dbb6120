/* test_probemap.c - the probes-in-flight hash map: basic operations, growth,
 * backward-shift deletion inside clusters, a randomized comparison with a
 * plain array, and the spread of the engine's sequential keys. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>

#include "core/probemap.h"

/* A key shaped like the engine's: family << 40 | ident << 16 | seq. */
static uint64_t engine_key(uint64_t family, uint64_t ident, uint64_t seq)
{
    return family << 40 | ident << 16 | seq;
}

/* xorshift64*: a fixed-seed generator so every run is the same. */
static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * UINT64_C(0x2545f4914f6cdd1d);
}

/* The bucket of key in a 16-bucket table, found without knowing the hash:
 * alone in a fresh map, a key sits in its home bucket. */
static size_t home16(uint64_t key)
{
    struct hw__probemap m;
    size_t at = SIZE_MAX;

    hw__probemap_init(&m);
    assert_int_equal(hw__probemap_put(&m, key, 1), 0);
    assert_int_equal(m.cap, 16);
    for (size_t i = 0; i < m.cap; i++)
        if (m.keys[i] == key)
            at = i;
    assert_true(at != SIZE_MAX);
    hw__probemap_fini(&m);
    return at;
}

/* A copy of probemap.c's mixer (the splitmix64 finalizer), so the spread
 * test can measure probe lengths; test_probemap_mixer_copy_matches checks
 * that the copy still agrees with the map. */
static uint64_t mix_copy(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Every stored key is reachable from its home without crossing an empty
 * bucket, and count matches the occupied buckets. */
static void check_reachable(const struct hw__probemap *m)
{
    size_t mask = m->cap - 1, used = 0;

    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] == 0)
            continue;
        used++;
        for (size_t j = (size_t)(mix_copy(m->keys[i]) & mask); j != i; j = (j + 1) & mask)
            assert_true(m->keys[j] != 0);
    }
    assert_int_equal(used, m->count);
}

static void test_probemap_mixer_copy_matches(void **state)
{
    (void)state;
    for (uint64_t k = 1; k < 2000; k++)
        if (home16(k * UINT64_C(0x10001)) != (mix_copy(k * UINT64_C(0x10001)) & 15))
            fail_msg("the test's copy of the mixer differs from probemap.c's");
}

static void test_probemap_empty(void **state)
{
    struct hw__probemap m;
    uint32_t v = 77;

    (void)state;
    hw__probemap_init(&m);
    assert_false(hw__probemap_get(&m, 5, &v));
    assert_int_equal(v, 77);
    assert_false(hw__probemap_del(&m, 5));
    assert_int_equal(m.cap, 0);
    assert_int_equal(m.count, 0);
    hw__probemap_fini(&m);
}

static void test_probemap_put_get_del(void **state)
{
    struct hw__probemap m;
    uint32_t v = 0;

    (void)state;
    hw__probemap_init(&m);
    assert_int_equal(hw__probemap_put(&m, 42, 7), 0);
    assert_int_equal(hw__probemap_put(&m, UINT64_MAX, 8), 0);
    assert_int_equal(m.count, 2);
    assert_true(hw__probemap_get(&m, 42, &v));
    assert_int_equal(v, 7);
    assert_true(hw__probemap_get(&m, UINT64_MAX, &v));
    assert_int_equal(v, 8);
    assert_false(hw__probemap_get(&m, 43, &v));
    assert_true(hw__probemap_del(&m, 42));
    assert_false(hw__probemap_get(&m, 42, &v));
    assert_false(hw__probemap_del(&m, 42));
    assert_int_equal(m.count, 1);
    assert_int_equal(hw__probemap_put(&m, 42, 9), 0);
    assert_true(hw__probemap_get(&m, 42, &v));
    assert_int_equal(v, 9);
    hw__probemap_fini(&m);
    assert_int_equal(m.cap, 0);
}

static void test_probemap_duplicate_key_refused(void **state)
{
    struct hw__probemap m;
    uint32_t v = 0;

    (void)state;
    hw__probemap_init(&m);
    assert_int_equal(hw__probemap_put(&m, 1000, 1), 0);
    assert_int_equal(hw__probemap_put(&m, 1000, 2), -EEXIST);
    assert_true(hw__probemap_get(&m, 1000, &v));
    assert_int_equal(v, 1);
    assert_int_equal(m.count, 1);
    hw__probemap_fini(&m);
}

static void test_probemap_key_zero_rejected(void **state)
{
    struct hw__probemap m;
    uint32_t v = 3;

    (void)state;
    hw__probemap_init(&m);
    assert_int_equal(hw__probemap_put(&m, 0, 1), -EINVAL);
    assert_int_equal(m.count, 0);
    assert_int_equal(hw__probemap_put(&m, 1, 1), 0);
    assert_int_equal(hw__probemap_put(&m, 0, 1), -EINVAL);
    assert_false(hw__probemap_get(&m, 0, &v));
    assert_int_equal(v, 3);
    assert_false(hw__probemap_del(&m, 0));
    assert_int_equal(m.count, 1);
    hw__probemap_fini(&m);
}

/* Capacity starts at 16 and doubles when a put would make the map more than
 * half full; every entry survives each growth. */
static void test_probemap_growth_keeps_entries(void **state)
{
    enum { N = 10000 };
    struct hw__probemap m;

    (void)state;
    hw__probemap_init(&m);
    for (uint32_t i = 0; i < N; i++) {
        uint64_t key = engine_key(2, 7, i);
        size_t want = 16;

        assert_int_equal(hw__probemap_put(&m, key, i), 0);
        while (want / 2 < (size_t)i + 1)
            want *= 2;
        assert_int_equal(m.cap, want);
        /* Spot-check everything at each growth. */
        if (m.count == m.cap / 4 + 1) {
            for (uint32_t j = 0; j <= i; j++) {
                uint32_t v;

                assert_true(hw__probemap_get(&m, engine_key(2, 7, j), &v));
                assert_int_equal(v, j);
            }
        }
    }
    assert_int_equal(m.count, N);
    assert_int_equal(m.cap, 32768);
    check_reachable(&m);
    for (uint32_t j = 0; j < N; j++) {
        uint32_t v;

        assert_true(hw__probemap_get(&m, engine_key(2, 7, j), &v));
        assert_int_equal(v, j);
    }
    hw__probemap_fini(&m);
}

/* Eight keys forming clusters in a 16-bucket table (found by trying keys):
 * three with home 5, one with home 6 and one with home 9 (so 5..9 is one
 * run, ending in a key at its own home), and two with home 15 and one with
 * home 1 (a run wrapping around the end, again ending at a home).  Deleting
 * any one of them, in turn from a fresh map, must leave the others findable,
 * with no hole inside a run; a key sitting at its home must not move. */
static void test_probemap_delete_in_clusters(void **state)
{
    static const size_t homes[8] = { 5, 5, 5, 6, 9, 15, 15, 1 };
    uint64_t keys[8];
    bool taken[8] = { false };
    struct hw__probemap m;

    (void)state;
    for (uint64_t k = engine_key(10, 3, 0); ; k++) {
        size_t h = home16(k);
        size_t i;

        for (i = 0; i < 8; i++)
            if (!taken[i] && homes[i] == h)
                break;
        if (i < 8) {
            keys[i] = k;
            taken[i] = true;
        }
        for (i = 0; i < 8 && taken[i]; i++)
            ;
        if (i == 8)
            break;
    }

    for (int victim = 0; victim < 8; victim++) {
        hw__probemap_init(&m);
        for (int i = 0; i < 8; i++)
            assert_int_equal(hw__probemap_put(&m, keys[i], (uint32_t)i + 100), 0);
        assert_int_equal(m.cap, 16);
        /* The layout the clusters produce: 5..9 and 15, 0, 1. */
        assert_true(m.keys[5] == keys[0] && m.keys[6] == keys[1] && m.keys[7] == keys[2]);
        assert_true(m.keys[8] == keys[3] && m.keys[9] == keys[4]);
        assert_true(m.keys[15] == keys[5] && m.keys[0] == keys[6] && m.keys[1] == keys[7]);

        assert_true(hw__probemap_del(&m, keys[victim]));
        assert_int_equal(m.count, 7);
        assert_false(hw__probemap_get(&m, keys[victim], NULL));
        for (int i = 0; i < 8; i++) {
            uint32_t v = 0;

            if (i == victim)
                continue;
            if (!hw__probemap_get(&m, keys[i], &v))
                fail_msg("deleting key %d lost key %d", victim, i);
            assert_int_equal(v, (uint32_t)i + 100);
        }
        check_reachable(&m);
        hw__probemap_fini(&m);
    }

    /* Deleting the first of the home-5 run moves the displaced keys back by
     * one; the home-9 key stays, leaving the hole at 8. */
    hw__probemap_init(&m);
    for (int i = 0; i < 8; i++)
        assert_int_equal(hw__probemap_put(&m, keys[i], (uint32_t)i), 0);
    assert_true(hw__probemap_del(&m, keys[0]));
    assert_true(m.keys[5] == keys[1] && m.keys[6] == keys[2] && m.keys[7] == keys[3]);
    assert_true(m.keys[8] == 0 && m.keys[9] == keys[4]);
    /* Deleting the first of the wrapping run pulls its follower back across
     * the end of the table; the home-1 key stays. */
    assert_true(hw__probemap_del(&m, keys[5]));
    assert_true(m.keys[15] == keys[6] && m.keys[0] == 0 && m.keys[1] == keys[7]);
    check_reachable(&m);
    hw__probemap_fini(&m);
}

/* 100k random puts, gets and deletes over a small key universe (so keys
 * collide with themselves often), checked against a plain array. */
static void test_probemap_model_random(void **state)
{
    enum { OPS = 100000, U = 4096 };
    static uint32_t ref_val[U];
    static bool ref_has[U];
    struct hw__probemap m;
    uint64_t rng = 4242;
    size_t ref_count = 0;

    (void)state;
    hw__probemap_init(&m);
    for (int op = 0; op < OPS; op++) {
        unsigned u = (unsigned)(next_rand(&rng) % U);
        uint64_t key = engine_key(u < U / 2 ? 2 : 10, (u / 512) % 4, u % 512);
        unsigned r = (unsigned)(next_rand(&rng) % 100);
        uint32_t v = 0;

        if (r < 45) {
            uint32_t val = (uint32_t)next_rand(&rng);
            int rc = hw__probemap_put(&m, key, val);

            if (ref_has[u]) {
                assert_int_equal(rc, -EEXIST);
            } else {
                assert_int_equal(rc, 0);
                ref_has[u] = true;
                ref_val[u] = val;
                ref_count++;
            }
        } else if (r < 80) {
            assert_true(hw__probemap_del(&m, key) == ref_has[u]);
            if (ref_has[u]) {
                ref_has[u] = false;
                ref_count--;
            }
        } else {
            assert_true(hw__probemap_get(&m, key, &v) == ref_has[u]);
            if (ref_has[u])
                assert_int_equal(v, ref_val[u]);
        }
        assert_int_equal(m.count, ref_count);
        if (op % 5000 == 0) {
            check_reachable(&m);
            for (unsigned w = 0; w < U; w++) {
                uint64_t k = engine_key(w < U / 2 ? 2 : 10, (w / 512) % 4, w % 512);

                assert_true(hw__probemap_get(&m, k, &v) == ref_has[w]);
                if (ref_has[w])
                    assert_int_equal(v, ref_val[w]);
            }
        }
    }
    hw__probemap_fini(&m);
}

/* Probe lengths for a set of keys: the mean and largest distance from home,
 * and the longest run of occupied buckets (what a miss must walk).  At the
 * map's worst load, 1/2, linear probing with a random hash averages 0.5 and
 * its largest displacement for 65536 keys is typically 25..40, so the bounds
 * below leave room for any good mixer while still catching a weak one: with
 * keys masked directly, these sets give one run of 65536 buckets, or
 * displacements in the tens of thousands. */
static void check_spread(const uint64_t *keys, size_t n)
{
    struct hw__probemap m;
    size_t mask, maxd = 0, run = 0, maxrun = 0;
    double total = 0.0;

    hw__probemap_init(&m);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(hw__probemap_put(&m, keys[i], (uint32_t)i), 0);
    mask = m.cap - 1;
    for (size_t i = 0; i < m.cap; i++) {
        size_t d;

        if (m.keys[i] == 0)
            continue;
        d = (i - (size_t)(mix_copy(m.keys[i]) & mask)) & mask;
        total += (double)d;
        if (d > maxd)
            maxd = d;
    }
    for (size_t i = 0; i < 2 * m.cap; i++) {
        run = m.keys[i & mask] ? run + 1 : 0;
        if (run > maxrun)
            maxrun = run;
    }
    if (!(total / (double)n < 0.75 && maxd < 64 && maxrun < 128))
        fail_msg("poor spread: mean displacement %.3f, max %zu, longest run %zu",
                 total / (double)n, maxd, maxrun);
    check_reachable(&m);
    hw__probemap_fini(&m);
}

static void test_probemap_sequential_keys_spread(void **state)
{
    enum { N = 65536 };
    static uint64_t keys[N];

    (void)state;
    /* One identifier, every sequence number. */
    for (uint64_t s = 0; s < N; s++)
        keys[s] = engine_key(2, 0x1234, s);
    check_spread(keys, N);
    /* 256 identifiers times 256 sequence numbers, IPv6. */
    for (uint64_t s = 0; s < N; s++)
        keys[s] = engine_key(10, s >> 8, s & 0xff);
    check_spread(keys, N);
    /* Only high bits vary: a mask of the raw key would put all in one bucket. */
    for (uint64_t s = 0; s < N; s++)
        keys[s] = (s + 1) << 32;
    check_spread(keys, N);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probemap_mixer_copy_matches),
        cmocka_unit_test(test_probemap_empty),
        cmocka_unit_test(test_probemap_put_get_del),
        cmocka_unit_test(test_probemap_duplicate_key_refused),
        cmocka_unit_test(test_probemap_key_zero_rejected),
        cmocka_unit_test(test_probemap_growth_keeps_entries),
        cmocka_unit_test(test_probemap_delete_in_clusters),
        cmocka_unit_test(test_probemap_model_random),
        cmocka_unit_test(test_probemap_sequential_keys_spread),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
