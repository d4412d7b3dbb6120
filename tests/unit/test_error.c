/* test_error.c - unit tests for src/core/error.c: hw_strerror(),
 * hw_errname() and hw_version().
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <hopwatch/error.h>
#include <hopwatch/hopwatch.h>

static void test_error_every_code_has_a_message(void **state)
{
    (void)state;
    for (int c = HW_E_FIRST; c >= HW_E_LAST; c--) {
        const char *m = hw_strerror(c);

        assert_non_null(m);
        if (m[0] == '\0' || strcmp(m, "unknown error") == 0)
            fail_msg("code %d has no message of its own", c);
    }
}

static void test_error_every_code_has_a_name(void **state)
{
    (void)state;
    for (int c = HW_E_FIRST; c >= HW_E_LAST; c--) {
        const char *n = hw_errname(c);

        assert_non_null(n);
        if (strncmp(n, "HW_E", 4) != 0 || strlen(n) <= 4 || strcmp(n, "HW_E?") == 0)
            fail_msg("code %d has name \"%s\"", c, n);
    }
}

static void test_error_messages_and_names_are_distinct(void **state)
{
    (void)state;
    for (int a = HW_E_FIRST; a >= HW_E_LAST; a--) {
        for (int b = a - 1; b >= HW_E_LAST; b--) {
            if (strcmp(hw_strerror(a), hw_strerror(b)) == 0)
                fail_msg("codes %d and %d share the message \"%s\"", a, b, hw_strerror(a));
            if (strcmp(hw_errname(a), hw_errname(b)) == 0)
                fail_msg("codes %d and %d share the name \"%s\"", a, b, hw_errname(a));
        }
    }
}

static void test_error_names_match_constants(void **state)
{
    (void)state;
    assert_string_equal(hw_errname(HW_EINVAL), "HW_EINVAL");
    assert_string_equal(hw_errname(HW_ENAME), "HW_ENAME");
    assert_string_equal(hw_errname(HW_ETIMEDOUT), "HW_ETIMEDOUT");
    assert_string_equal(hw_errname(HW_EUNREACH), "HW_EUNREACH");
    assert_string_equal(hw_errname(HW_ETIMEEXCEEDED), "HW_ETIMEEXCEEDED");
    assert_string_equal(hw_errname(HW_EICMP), "HW_EICMP");
    assert_string_equal(hw_strerror(HW_ETIMEEXCEEDED), "time exceeded in transit (ICMP error)");
    assert_string_equal(hw_strerror(HW_EICMP), "ICMP error message received");
    assert_string_equal(hw_strerror(HW_EINVAL), "invalid argument");
    assert_string_equal(hw_strerror(HW_ETIMEDOUT), "timed out");
}

/* The icmplib error hierarchy maps onto codes of ours, each with a message
 * of its own: permission, address, closed socket, broadcast, timeout, name
 * lookup, and the three kinds of ICMP error answer. */
static void test_error_icmplib_hierarchy_is_covered(void **state)
{
    static const struct {
        int code;           /* our status */
        const char *name;   /* its symbolic name */
    } want[] = {
        {HW_ENOPERM, "HW_ENOPERM"},       {HW_EADDR, "HW_EADDR"},
        {HW_ECLOSED, "HW_ECLOSED"},       {HW_EBROADCAST, "HW_EBROADCAST"},
        {HW_ETIMEDOUT, "HW_ETIMEDOUT"},   {HW_ENAME, "HW_ENAME"},
        {HW_EDNS, "HW_EDNS"},             {HW_EUNREACH, "HW_EUNREACH"},
        {HW_ETIMEEXCEEDED, "HW_ETIMEEXCEEDED"}, {HW_EICMP, "HW_EICMP"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_true(want[i].code <= HW_E_FIRST && want[i].code >= HW_E_LAST);
        assert_string_equal(hw_errname(want[i].code), want[i].name);
        assert_string_not_equal(hw_strerror(want[i].code), "unknown error");
    }
}

static void test_error_ok_is_success(void **state)
{
    (void)state;
    assert_string_equal(hw_strerror(HW_OK), "success");
    assert_string_equal(hw_errname(HW_OK), "HW_OK");
}

static void test_error_errno_uses_libc_text(void **state)
{
    (void)state;
    assert_string_equal(hw_strerror(-EPERM), "Operation not permitted");
    assert_string_equal(hw_errname(-EPERM), "EPERM");
    assert_string_equal(hw_errname(-EHOSTUNREACH), "EHOSTUNREACH");
    assert_string_equal(hw_strerror(-ENOENT), "No such file or directory");
}

static void test_error_unknown_status_is_handled(void **state)
{
    /* Positive values, a gap just past our range, an errno too large to
     * exist, and INT_MIN (whose negation would overflow). */
    static const int unknown[] = {1, 42, HW_E_LAST - 1, -100000, INT_MIN, INT_MAX};

    (void)state;
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        assert_string_equal(hw_strerror(unknown[i]), "unknown error");
        assert_string_equal(hw_errname(unknown[i]), "HW_E?");
    }
}

static void test_error_strings_are_static(void **state)
{
    (void)state;
    /* The same pointer each time: nothing is formatted per call. */
    assert_ptr_equal(hw_strerror(HW_EDNS), hw_strerror(HW_EDNS));
    assert_ptr_equal(hw_strerror(-EPERM), hw_strerror(-EPERM));
    assert_ptr_equal(hw_errname(12345), hw_errname(54321));
}

static void test_error_version_is_dotted_triple(void **state)
{
    const char *v = hw_version();
    unsigned major, minor, patch;
    char end;

    (void)state;
    assert_non_null(v);
    assert_int_equal(sscanf(v, "%u.%u.%u%c", &major, &minor, &patch, &end), 3);
#ifdef PACKAGE_VERSION
    assert_string_equal(v, PACKAGE_VERSION);
#else
    assert_string_equal(v, "0.1.0");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_every_code_has_a_message),
        cmocka_unit_test(test_error_every_code_has_a_name),
        cmocka_unit_test(test_error_messages_and_names_are_distinct),
        cmocka_unit_test(test_error_names_match_constants),
        cmocka_unit_test(test_error_icmplib_hierarchy_is_covered),
        cmocka_unit_test(test_error_ok_is_success),
        cmocka_unit_test(test_error_errno_uses_libc_text),
        cmocka_unit_test(test_error_unknown_status_is_handled),
        cmocka_unit_test(test_error_strings_are_static),
        cmocka_unit_test(test_error_version_is_dotted_triple),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
