/* test_asn.c - unit tests for src/core/asn.c: the TXT parsers (with bad and
 * hostile answers), the query names, and the cache (hits, expiry, negative
 * answers, the bound, answers after the cache is gone) through a fake
 * query function and a fake clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <hopwatch/addr.h>
#include <hopwatch/asn.h>
#include <hopwatch/error.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define S(lit) lit, sizeof(lit) - 1

/* Every byte of s printable ASCII. */
static void
assert_printable(const char *s)
{
    for (; *s != '\0'; s++)
        assert_true((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f);
}

static void
test_asn_parse_origin_cymru_answer(void **state)
{
    struct hw_asinfo i;

    (void)state;
    assert_int_equal(hw_asinfo_parse_origin(S("13335 | 1.1.1.0/24 | AU | apnic | 2011-08-11"),
                                            &i),
                     0);
    assert_int_equal(i.state, HW_AS_FOUND);
    assert_int_equal(i.asn, 13335);
    assert_string_equal(i.prefix, "1.1.1.0/24");
    assert_string_equal(i.cc, "AU");
    assert_string_equal(i.registry, "apnic");
    assert_string_equal(i.date, "2011-08-11");
    assert_string_equal(i.name, "");
}

/* Several origins: the first is kept; an IPv6 prefix; an empty date. */
static void
test_asn_parse_origin_multi_as_and_v6(void **state)
{
    struct hw_asinfo i;

    (void)state;
    assert_int_equal(hw_asinfo_parse_origin(S("64512 64513 | 2001:2::/48 | ZZ | lab |"), &i), 0);
    assert_int_equal(i.asn, 64512);
    assert_string_equal(i.prefix, "2001:2::/48");
    assert_string_equal(i.date, "");
    /* Only the AS number: the rest unknown. */
    assert_int_equal(hw_asinfo_parse_origin(S("4294967295"), &i), 0);
    assert_int_equal(i.asn, 4294967295u);
    assert_string_equal(i.prefix, "");
    assert_string_equal(i.cc, "");
}

/* A bad AS number field makes the whole answer untrusted. */
static void
test_asn_parse_origin_rejects_bad_asn(void **state)
{
    static const char *const bad[] = {
        "",                         /* empty */
        " | 1.1.1.0/24 | AU",       /* missing */
        "AS13335 | 1.1.1.0/24",     /* not digits */
        "13335x | 1.1.1.0/24",      /* trailing garbage */
        "-5 | 1.1.1.0/24",          /* sign */
        "0 | 1.1.1.0/24",           /* zero */
        "4294967296 | 10.0.0.0/8",  /* over 32 bits */
        "99999999999999999999 | x", /* overflow */
        "133\x1b[2J35 | 1.1.1.0/24",/* an escape sequence inside */
        "13335\n | 1.1.1.0/24",     /* a newline */
        "1.1.1.0/24 | 13335",       /* fields swapped */
    };
    struct hw_asinfo i;

    (void)state;
    for (size_t k = 0; k < ARRAY_LEN(bad); k++) {
        int st = hw_asinfo_parse_origin(bad[k], strlen(bad[k]), &i);

        if (st != HW_EINVAL || i.state != HW_AS_NONE || i.asn != 0)
            fail_msg("accepted bad answer %zu", k);
    }
    /* A NUL byte inside the number. */
    assert_int_equal(hw_asinfo_parse_origin(S("133\0" "35 | 1.1.1.0/24"), &i), HW_EINVAL);
    /* NULL and too long. */
    assert_int_equal(hw_asinfo_parse_origin(NULL, 4, &i), HW_EINVAL);
    assert_int_equal(hw_asinfo_parse_origin("1", HW_TXT_MAX + 1, &i), HW_EINVAL);
}

/* Hostile or malformed later fields are dropped, never copied. */
static void
test_asn_parse_origin_drops_hostile_fields(void **state)
{
    char big[HW_TXT_MAX];
    struct hw_asinfo i;

    (void)state;
    assert_int_equal(hw_asinfo_parse_origin(S("64512 | 198.18.0.0/24\x1b]0;pwn\x07 | Z\nZ | "
                                              "lab\r | 2026-12-04 | extra"),
                                            &i),
                     0);
    assert_int_equal(i.asn, 64512);
    assert_string_equal(i.prefix, "");
    assert_string_equal(i.cc, "");
    assert_string_equal(i.registry, "");
    assert_string_equal(i.date, ""); /* "2026-12-04 | extra" is not a date */
    /* A field longer than its buffer. */
    memset(big, 'A', sizeof(big));
    memcpy(big, "7 | 1.2.3.0/24 | ", 17);
    assert_int_equal(hw_asinfo_parse_origin(big, sizeof(big), &i), 0);
    assert_int_equal(i.asn, 7);
    assert_string_equal(i.prefix, "1.2.3.0/24");
    assert_string_equal(i.cc, "");
    /* A prefix field of the right characters but too long. */
    assert_int_equal(hw_asinfo_parse_origin(S("7 | 1111111111111111111111111111111111111111111111"
                                              "11111111111.0/24"),
                                            &i),
                     0);
    assert_string_equal(i.prefix, "");
}

static void
test_asn_parse_name(void **state)
{
    char name[HW_AS_NAME_MAX];
    char small[8];

    (void)state;
    assert_int_equal(hw_asinfo_parse_name(S("13335 | US | arin | 2010-07-14 | CLOUDFLARENET - "
                                            "Cloudflare, Inc., US"),
                                          13335, name, sizeof(name)),
                     0);
    assert_string_equal(name, "CLOUDFLARENET - Cloudflare, Inc., US");
    /* Control characters, DEL and UTF-8 become '?'; a '|' in the name is
     * kept (the name is the rest of the answer). */
    assert_int_equal(hw_asinfo_parse_name(S("64512 | ZZ | lab | | EV\x1b[31mIL\x7f\xc3\xa9 a|b"),
                                          64512, name, sizeof(name)),
                     0);
    assert_string_equal(name, "EV?[31mIL??? a|b");
    assert_printable(name);
    /* Cut to the buffer. */
    assert_int_equal(hw_asinfo_parse_name(S("1 | ZZ | lab | | ABCDEFGHIJ"), 1, small,
                                          sizeof(small)),
                     0);
    assert_string_equal(small, "ABCDEFG");
    /* For another AS, missing fields, no name, bad number. */
    assert_int_equal(hw_asinfo_parse_name(S("2 | ZZ | lab | | X"), 1, name, sizeof(name)),
                     HW_EINVAL);
    assert_string_equal(name, "");
    assert_int_equal(hw_asinfo_parse_name(S("1 | ZZ | lab"), 1, name, sizeof(name)), HW_EINVAL);
    assert_int_equal(hw_asinfo_parse_name(S("1 | ZZ | lab | | "), 1, name, sizeof(name)),
                     HW_EINVAL);
    assert_int_equal(hw_asinfo_parse_name(S("x1 | ZZ | lab | | X"), 1, name, sizeof(name)),
                     HW_EINVAL);
}

static void
test_asn_query_names(void **state)
{
    struct hw_addr a;
    char buf[300];

    (void)state;
    assert_int_equal(hw_addr_parse("198.18.0.2", &a), 0);
    assert_int_equal(hw_asinfo_query_name(&a, "origin.asn.lab", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "2.0.18.198.origin.asn.lab");
    assert_int_equal(hw_addr_parse("2001:2:0:1::2", &a), 0);
    assert_int_equal(hw_asinfo_query_name(&a, "origin6.asn.lab", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.2.0.0.0.1.0.0.2."
                             "origin6.asn.lab");
    /* No room. */
    assert_int_equal(hw_asinfo_query_name(&a, "origin6.asn.lab", buf, 40), HW_EINVAL);
}

/* ---- the cache, through a fake query function and clock ------------------ */

#define FAKE_MAX 64

struct fake {
    int64_t now;                 /* the clock, ms */
    size_t nq;                   /* queries sent */
    char names[FAKE_MAX][300];   /* their names */
    hw_txt_cb cbs[FAKE_MAX];     /* their callbacks */
    void *args[FAKE_MAX];        /* ... and arguments */
    bool done[FAKE_MAX];         /* answered */
};

static int64_t
fake_now(void *arg)
{
    return ((struct fake *)arg)->now;
}

static int
fake_query(void *arg, const char *name, hw_txt_cb cb, void *cb_arg)
{
    struct fake *f = arg;

    assert_true(f->nq < FAKE_MAX);
    snprintf(f->names[f->nq], sizeof(f->names[0]), "%s", name);
    f->cbs[f->nq] = cb;
    f->args[f->nq] = cb_arg;
    f->nq++;
    return 0;
}

/* Answer query k (txt NULL: status st). */
static void
fake_answer(struct fake *f, size_t k, const char *txt, int st)
{
    assert_true(k < f->nq);
    assert_false(f->done[k]);
    f->done[k] = true;
    f->cbs[k](f->args[k], txt != NULL ? 0 : st, txt, txt != NULL ? strlen(txt) : 0);
}

/* Free the cache, then fire every query still out with HW_ECANCELLED, as
 * the resolver does when it is freed after the cache (the callback
 * contract: exactly once): the tickets are freed, nothing else touched. */
static void
fake_free(struct fake *f, struct hw_as *c)
{
    hw_as_free(c);
    for (size_t k = 0; k < f->nq; k++) {
        if (!f->done[k])
            fake_answer(f, k, NULL, HW_ECANCELLED);
    }
}

static struct hw_as *
fake_cache(struct fake *f, size_t capacity)
{
    struct hw_as_config cfg = {
        .zone4 = "origin.asn.lab.",
        .zone6 = "origin6.asn.lab",
        .name_zone = "asn.lab",
        .capacity = capacity,
        .ttl_ms = 10000,
        .negative_ttl_ms = 1000,
        .query = fake_query,
        .query_arg = f,
        .now_ms = fake_now,
        .now_arg = f,
    };
    struct hw_as *c;

    memset(f, 0, sizeof(*f));
    f->now = 5000;
    c = hw_as_new(NULL, &cfg);
    assert_non_null(c);
    return c;
}

static struct hw_addr
addr_of(const char *s)
{
    struct hw_addr a;

    assert_int_equal(hw_addr_parse(s, &a), 0);
    return a;
}

/* One query per address: later asks come from the cache, until expiry;
 * the name is looked up once the number is known. */
static void
test_asn_cache_second_lookup_is_a_hit(void **state)
{
    struct fake f;
    struct hw_as *c = fake_cache(&f, 16);
    struct hw_addr a = addr_of("198.18.1.1");
    struct hw_asinfo i;
    struct hw_as_counters k;
    uint64_t g0 = hw_as_generation(c);

    (void)state;
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_PENDING);
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_PENDING);
    assert_int_equal(f.nq, 1);
    assert_string_equal(f.names[0], "1.1.18.198.origin.asn.lab");
    assert_int_equal(hw_as_pending(c), 1);
    fake_answer(&f, 0, "64513 | 198.18.1.0/24 | ZZ | lab | 2026-12-04", 0);
    assert_true(hw_as_generation(c) != g0);
    /* The name query followed. */
    assert_int_equal(f.nq, 2);
    assert_string_equal(f.names[1], "AS64513.asn.lab");
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_FOUND);
    assert_int_equal(i.asn, 64513);
    assert_string_equal(i.name, "");
    fake_answer(&f, 1, "64513 | ZZ | lab | 2026-12-04 | LAB-R1 - lab router one", 0);
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_FOUND);
    assert_string_equal(i.name, "LAB-R1 - lab router one");
    assert_int_equal(hw_as_pending(c), 0);
    for (int n = 0; n < 100; n++)
        (void)hw_as_get(c, &a, &i);
    assert_int_equal(f.nq, 2);
    hw_as_counters(c, &k);
    assert_int_equal(k.queries, 2);
    assert_true(k.hits >= 100);
    assert_int_equal(k.entries, 1);
    /* Expired: looked up again, the old answer shown meanwhile; the same AS
     * keeps its name without a new name query. */
    f.now += 10000;
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_FOUND);
    assert_int_equal(f.nq, 3);
    assert_string_equal(f.names[2], "1.1.18.198.origin.asn.lab");
    fake_answer(&f, 2, "64513 | 198.18.1.0/24 | ZZ | lab | 2026-12-04", 0);
    assert_int_equal(f.nq, 3);
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_FOUND);
    assert_string_equal(i.name, "LAB-R1 - lab router one");
    fake_free(&f, c);
}

/* A timeout, NXDOMAIN or a malformed answer is kept for the shorter
 * negative lifetime, then asked again. */
static void
test_asn_cache_negative_answers_expire_sooner(void **state)
{
    struct fake f;
    struct hw_as *c = fake_cache(&f, 16);
    struct hw_addr a = addr_of("2001:2:0:1::2"), b = addr_of("198.18.0.9");
    struct hw_asinfo i;

    (void)state;
    (void)hw_as_get(c, &a, &i);
    (void)hw_as_get(c, &b, &i);
    assert_int_equal(f.nq, 2);
    assert_non_null(strstr(f.names[0], ".origin6.asn.lab"));
    fake_answer(&f, 0, NULL, HW_EDNS);                      /* a silent server */
    fake_answer(&f, 1, "not an answer | \x1b[2J", 0);       /* garbage */
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_NONE);
    assert_int_equal(hw_as_get(c, &b, &i), HW_AS_NONE);
    assert_int_equal(f.nq, 2);                              /* no name query */
    f.now += 999;
    (void)hw_as_get(c, &a, &i);
    assert_int_equal(f.nq, 2);
    f.now += 1;
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_NONE);     /* asked again */
    assert_int_equal(f.nq, 3);
    fake_answer(&f, 2, "64514 | 2001:2:0:1::/64 | ZZ | lab | 2026-12-04", 0);
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_FOUND);
    assert_int_equal(i.asn, 64514);
    assert_string_equal(i.prefix, "2001:2:0:1::/64");
    /* Its name lookup fails: the number stays, the name is unknown. */
    fake_answer(&f, 3, NULL, HW_ENAME);
    assert_int_equal(hw_as_get(c, &a, &i), HW_AS_FOUND);
    assert_string_equal(i.name, "");
    fake_free(&f, c);
}

/* The cache never holds more than its capacity: the oldest answered
 * entries go, entries waiting for an answer stay and still get it. */
static void
test_asn_cache_is_bounded(void **state)
{
    struct fake f;
    struct hw_as *c = fake_cache(&f, 8);
    struct hw_asinfo i;
    struct hw_as_counters k;
    char s[32];

    (void)state;
    for (int n = 0; n < 8; n++) {
        struct hw_addr a;

        snprintf(s, sizeof(s), "198.18.3.%d", n + 1);
        a = addr_of(s);
        (void)hw_as_get(c, &a, &i);
    }
    assert_int_equal(f.nq, 8);
    /* All pending: a ninth address is not stored and not asked for. */
    struct hw_addr ninth = addr_of("198.18.3.100");
    assert_int_equal(hw_as_get(c, &ninth, &i), HW_AS_PENDING);
    assert_int_equal(f.nq, 8);
    /* The first four answer; their name lookups fail. */
    for (size_t n = 0; n < 4; n++)
        fake_answer(&f, n, "64512 | 198.18.3.0/24 | ZZ | lab |", 0);
    assert_int_equal(f.nq, 12); /* their name queries */
    for (size_t n = 8; n < 12; n++)
        fake_answer(&f, n, NULL, HW_ENAME);
    assert_int_equal(hw_as_get(c, &ninth, &i), HW_AS_PENDING);
    assert_int_equal(f.nq, 13);
    hw_as_counters(c, &k);
    assert_true(k.entries <= 8);
    assert_int_equal(k.evicted, 2); /* the oldest quarter */
    /* The evicted first address is asked again; pending ones got answers. */
    fake_answer(&f, 4, "64515 | 198.18.3.0/24 | ZZ | lab |", 0);
    struct hw_addr fifth = addr_of("198.18.3.5");
    assert_int_equal(hw_as_get(c, &fifth, &i), HW_AS_FOUND);
    assert_int_equal(i.asn, 64515);
    struct hw_addr first = addr_of("198.18.3.1");
    size_t before = f.nq;
    assert_int_equal(hw_as_get(c, &first, &i), HW_AS_PENDING);
    assert_int_equal(f.nq, before + 1);
    hw_as_counters(c, &k);
    assert_true(k.entries <= 8);
    fake_free(&f, c);
}

/* Answers that come after the cache is freed are dropped safely (ASan
 * checks the memory). */
static void
test_asn_cache_answer_after_free(void **state)
{
    struct fake f;
    struct hw_as *c = fake_cache(&f, 4);
    struct hw_addr a = addr_of("198.18.0.1");
    struct hw_asinfo i;

    (void)state;
    (void)hw_as_get(c, &a, &i);
    assert_int_equal(f.nq, 1);
    hw_as_free(c);
    fake_answer(&f, 0, "64512 | 198.18.0.0/24 | ZZ | lab |", 0);
}

/* Zones: a trailing dot is dropped, an absurd one refused. */
static void
test_asn_cache_zone_checks(void **state)
{
    char huge[400];
    struct fake f;
    struct hw_as_config cfg = {.zone4 = huge, .query = fake_query, .query_arg = &f};

    (void)state;
    memset(huge, 'a', sizeof(huge) - 1);
    huge[sizeof(huge) - 1] = '\0';
    assert_null(hw_as_new(NULL, &cfg));
    assert_null(hw_as_new(NULL, NULL)); /* no resolver, no query function */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asn_parse_origin_cymru_answer),
        cmocka_unit_test(test_asn_parse_origin_multi_as_and_v6),
        cmocka_unit_test(test_asn_parse_origin_rejects_bad_asn),
        cmocka_unit_test(test_asn_parse_origin_drops_hostile_fields),
        cmocka_unit_test(test_asn_parse_name),
        cmocka_unit_test(test_asn_query_names),
        cmocka_unit_test(test_asn_cache_second_lookup_is_a_hit),
        cmocka_unit_test(test_asn_cache_negative_answers_expire_sooner),
        cmocka_unit_test(test_asn_cache_is_bounded),
        cmocka_unit_test(test_asn_cache_answer_after_free),
        cmocka_unit_test(test_asn_cache_zone_checks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
