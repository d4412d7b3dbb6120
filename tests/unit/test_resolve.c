/* test_resolve.c - the resolver's callback contract and status mapping:
 * a reverse lookup answered at once (from the hosts file) still calls back
 * only from a later hw_resolver_process(), exactly once, or cancelled by
 * hw_resolver_free(); and a name that cannot be one is HW_ENAME for
 * hw_resolve() as for hw_ping().  No query leaves the host: the answers
 * come from /etc/hosts (127.0.0.1; the tests skip when the file does not
 * name it), and invalid names are refused before any query. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <hopwatch/hopwatch.h>

#include "fakenet.h"

int __wrap_ares_library_init(int flags);
int __real_ares_library_init(int flags);
void __wrap_ares_library_cleanup(void);
void __real_ares_library_cleanup(void);

/* Calls of c-ares' library set-up and tear-down (routed through these
 * wrappers with -Wl,--wrap). */
static int library_inits;
static int library_cleanups;

int
__wrap_ares_library_init(int flags)
{
    __atomic_add_fetch(&library_inits, 1, __ATOMIC_SEQ_CST);
    return __real_ares_library_init(flags);
}

void
__wrap_ares_library_cleanup(void)
{
    __atomic_add_fetch(&library_cleanups, 1, __ATOMIC_SEQ_CST);
    __real_ares_library_cleanup();
}

/* The first name /etc/hosts gives addr, into name; false when none (the
 * lookup would then go to a name server: the test skips instead). */
static bool
hosts_name(const char *addr, char *name, size_t len)
{
    char line[512], a[128], n[256];
    FILE *f = fopen("/etc/hosts", "r");
    bool found = false;

    if (f == NULL)
        return false;
    while (!found && fgets(line, sizeof(line), f) != NULL) {
        if (sscanf(line, "%127s %255s", a, n) == 2 && strcmp(a, addr) == 0) {
            snprintf(name, len, "%s", n);
            found = true;
        }
    }
    fclose(f);
    return found;
}

/* What reverse callbacks saw. */
struct rev {
    int calls;           /* callbacks */
    int status;          /* the last status */
    char name[256];      /* the last name, "" for none */
};

static void
rev_cb(void *arg, int status, const char *name)
{
    struct rev *v = arg;

    v->calls++;
    v->status = status;
    snprintf(v->name, sizeof(v->name), "%s", name != NULL ? name : "");
}

/* Answered at once from the hosts file: no callback before the call
 * returns, one at the next process call, none after. */
static void
test_resolve_reverse_never_calls_back_inside(void **state)
{
    struct hw_resolver *r;
    struct hw_addr a4 = {0}, a6 = {0};
    struct rev v4 = {0}, v6 = {0};
    char name[256];
    int st;

    (void)state;
    if (!hosts_name("127.0.0.1", name, sizeof(name)))
        skip();
    /* Two lookups of the same address: answers held back keep their
     * order and each fires once. */
    assert_int_equal(hw_addr_parse("127.0.0.1", &a4), 0);
    a6 = a4;
    r = hw_resolver_new(0, 0, &st);
    assert_non_null(r);
    assert_int_equal(hw_resolver_reverse(r, &a4, rev_cb, &v4), 0);
    assert_int_equal(v4.calls, 0);
    assert_int_equal(hw_resolver_reverse(r, &a6, rev_cb, &v6), 0);
    assert_int_equal(v6.calls, 0);
    assert_int_equal(hw_resolver_pending(r), 2);
    /* The caller's loop is told not to sleep. */
    assert_int_equal(hw_resolver_timeout_ms(r, -1), 0);
    hw_resolver_process(r, NULL, 0);
    assert_int_equal(v4.calls, 1);
    assert_int_equal(v4.status, 0);
    assert_string_equal(v4.name, name);
    assert_int_equal(v6.calls, 1);
    assert_int_equal(v6.status, 0);
    assert_string_equal(v6.name, name);
    assert_int_equal(hw_resolver_pending(r), 0);
    hw_resolver_process(r, NULL, 0);
    assert_int_equal(v4.calls, 1);
    assert_int_equal(v6.calls, 1);
    hw_resolver_free(r);
    assert_int_equal(v4.calls, 1);
}

/* An answer held back is cancelled, once, when the resolver is freed. */
static void
test_resolve_reverse_held_answer_cancelled_at_free(void **state)
{
    struct hw_resolver *r;
    struct hw_addr a = {0};
    struct rev v = {0};
    char name[256];
    int st;

    (void)state;
    if (!hosts_name("127.0.0.1", name, sizeof(name)))
        skip();
    assert_int_equal(hw_addr_parse("127.0.0.1", &a), 0);
    r = hw_resolver_new(0, 0, &st);
    assert_non_null(r);
    assert_int_equal(hw_resolver_reverse(r, &a, rev_cb, &v), 0);
    assert_int_equal(v.calls, 0);
    hw_resolver_free(r);
    assert_int_equal(v.calls, 1);
    assert_int_equal(v.status, HW_ECANCELLED);
    assert_string_equal(v.name, "");
}

/* A name that cannot be a host name: HW_ENAME from hw_resolve() and from
 * hw_ping() alike (the name servers are never asked). */
static void
test_resolve_invalid_name_one_mapping(void **state)
{
    static const char *const bad[] = {"", "bad name", "-x", "foo_bar", ".", "a..b"};
    struct hw_engine_config ecfg;
    struct fakenet net;
    struct hw_ping_opts o;
    struct hw_addr a[4];
    struct hw_host h;
    size_t n;

    (void)state;
    fakenet_init(&net);
    fakenet_engine_config(&net, &ecfg);
    hw_ping_opts_init(&o);
    o.engine = &ecfg;
    o.count = 1;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(hw_resolve(bad[i], AF_UNSPEC, a, 4, &n), HW_ENAME);
        assert_int_equal(n, 0);
        assert_int_equal(hw_ping(bad[i], &o, &h), HW_ENAME);
        assert_int_equal(h.status, HW_ENAME);
        hw_host_fini(&h);
    }
    /* And a good name still resolves ("localhost": the hosts file). */
    assert_int_equal(hw_resolve("localhost", AF_INET, a, 4, &n), 0);
    assert_int_equal(n, 1);
    fakenet_fini(&net);
}

/* c-ares is initialised once per process and stays so (c-ares documents
 * ares_library_init() and ares_library_cleanup() as not thread-safe):
 * resolvers made and freed, and hw_resolve() calls, from one thread or
 * from several at once, never call them again.  Runs after the other
 * tests, which made resolvers already. */
static void
test_resolve_library_initialised_once(void **state)
{
    struct hw_resolver *r;
    struct hw_addr a[4];
    size_t n;
    int st;

    (void)state;
    for (int i = 0; i < 3; i++) {
        r = hw_resolver_new(0, 0, &st);
        assert_non_null(r);
        hw_resolver_free(r);
        assert_int_equal(hw_resolve("localhost", AF_INET, a, 4, &n), 0);
    }
    assert_int_equal(library_inits, 1);
    assert_int_equal(library_cleanups, 0);
}

/* Threads resolving at once, each with resolvers of its own. */
static void *
resolve_many(void *arg)
{
    struct hw_addr a[4];
    size_t n;
    intptr_t bad = 0;

    (void)arg;
    for (int i = 0; i < 50; i++) {
        if (hw_resolve("localhost", AF_INET, a, 4, &n) != 0 || n == 0)
            bad++;
        if (hw_resolve("not a name", AF_INET, a, 4, &n) != HW_ENAME)
            bad++;
    }
    return (void *)bad;
}

static void
test_resolve_threads_at_once(void **state)
{
    pthread_t th[4];

    (void)state;
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, resolve_many, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *bad;

        assert_int_equal(pthread_join(th[i], &bad), 0);
        assert_int_equal((intptr_t)bad, 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve_reverse_never_calls_back_inside),
        cmocka_unit_test(test_resolve_reverse_held_answer_cancelled_at_free),
        cmocka_unit_test(test_resolve_invalid_name_one_mapping),
        cmocka_unit_test(test_resolve_threads_at_once),
        cmocka_unit_test(test_resolve_library_initialised_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
