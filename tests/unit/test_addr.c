/* test_addr.c - unit tests for src/core/addr.c: parsing, formatting,
 * equality, sockaddr conversion and the address/host-name classifiers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>

#include <hopwatch/addr.h>
#include <hopwatch/error.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* One classifier input and the answer we require. */
struct classify_case {
    const char *text; /* input */
    bool expect;      /* required result */
};

/* Run a classifier over cases, failing with the offending input named. */
static void check_cases(bool (*fn)(const char *), const struct classify_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (fn(cases[i].text) != cases[i].expect)
            fail_msg("\"%s\": expected %s", cases[i].text, cases[i].expect ? "true" : "false");
    }
}

static struct hw_addr parse_ok(const char *text)
{
    struct hw_addr a;
    int rc = hw_addr_parse(text, &a);

    if (rc != 0)
        fail_msg("hw_addr_parse(\"%s\") = %d, expected 0", text, rc);
    return a;
}

/* A name 'len' characters long made of 'a' labels of 63, separated by dots,
 * written into buf (size > len). */
static void long_name(char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (i % 64 == 63) ? '.' : 'a';
    buf[len] = '\0';
}

static void test_addr_ipv4_classifier_accepts_dotted_quads(void **state)
{
    static const struct classify_case cases[] = {
        {"0.0.0.0", true},        {"1.2.3.4", true},     {"127.0.0.1", true},
        {"255.255.255.255", true}, {"192.168.0.10", true}, {"10.0.0.0", true},
    };
    (void)state;
    check_cases(hw_is_ipv4_address, cases, ARRAY_LEN(cases));
}

static void test_addr_ipv4_classifier_rejects_malformed(void **state)
{
    /* 999.1.1.1 is icmplib's bug: it calls that an IPv4 address.  The
     * short forms are accepted by inet_aton but not by inet_pton. */
    static const struct classify_case cases[] = {
        {"999.1.1.1", false}, {"256.0.0.0", false}, {"1.2.3.256", false},
        {"1.2.3", false},     {"127.1", false},     {"1", false},
        {"01.2.3.4", false},  {"1.2.3.04", false},  {"00.0.0.0", false},
        {"0x1.2.3.4", false}, {"1.2.3.4.", false},  {".1.2.3.4", false},
        {"1..2.3", false},    {" 1.2.3.4", false},  {"1.2.3.4 ", false},
        {"1.2.3.4.5", false}, {"-1.2.3.4", false},  {"+1.2.3.4", false},
        {"", false},          {"a.b.c.d", false},   {"1.2.3.4%1", false},
        {"::1", false},       {"::ffff:1.2.3.4", false},
        {"example.com", false}, {"1.2.3.4/24", false},
    };
    (void)state;
    check_cases(hw_is_ipv4_address, cases, ARRAY_LEN(cases));
}

static void test_addr_ipv4_classifier_rejects_null(void **state)
{
    (void)state;
    assert_false(hw_is_ipv4_address(NULL));
}

static void test_addr_ipv6_classifier_accepts_valid(void **state)
{
    static const struct classify_case cases[] = {
        {"::", true},
        {"::1", true},
        {"fe80::1", true},
        {"FE80::A", true},
        {"2001:db8::1", true},
        {"2001:0db8:0000:0000:0000:0000:0000:0001", true},
        {"1:2:3:4:5:6:7:8", true},
        {"1:2:3:4:5:6:7::", true},
        {"::2:3:4:5:6:7:8", true},
        {"::ffff:1.2.3.4", true},
        {"1:2:3:4:5:6:1.2.3.4", true},
        {"::1.2.3.4", true},
        {"fe80::1%1", true},
        {"fe80::1%4294967295", true},
        {"fe80::1%lo", true},
        /* Syntactic only: the interface need not exist, and "-1" is a name
         * Linux would allow, not a negative number. */
        {"fe80::1%hwnosuchif0", true},
        {"fe80::1%-1", true},
        {"fe80::1%eth0.100", true},
    };
    (void)state;
    check_cases(hw_is_ipv6_address, cases, ARRAY_LEN(cases));
}

static void test_addr_ipv6_classifier_rejects_malformed(void **state)
{
    static const struct classify_case cases[] = {
        {"", false},
        {":", false},
        {":::", false},
        {"1::2::3", false},
        {"12345::", false},
        {"00000::", false},
        {"1:2:3:4:5:6:7:8:9", false},
        {"1:2:3:4:5:6:7", false},
        {"g::1", false},
        {"::ffff:999.1.1.1", false},
        {"::ffff:01.2.3.4", false},
        {"1.2.3.4", false},
        {"[::1]", false},
        {" ::1", false},
        {"::1 ", false},
        {"fe80::1%", false},
        {"fe80::1%0", false},
        {"fe80::1%4294967296", false},
        {"fe80::1%1%2", false},
        {"fe80::1%eth 0", false},
        {"fe80::1%a/b", false},
        {"fe80::1%a:b", false},
        {"fe80::1%.", false},
        {"fe80::1%..", false},
        {"fe80::1%abcdefghijklmnop", false},
        {"%1", false},
        {"example.com", false},
        {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255:1", false},
    };
    (void)state;
    check_cases(hw_is_ipv6_address, cases, ARRAY_LEN(cases));
    assert_false(hw_is_ipv6_address(NULL));
}

static void test_addr_hostname_accepts_rfc1123_names(void **state)
{
    static const struct classify_case cases[] = {
        {"localhost", true},
        {"example.com", true},
        {"example.com.", true},
        {"a", true},
        {"A-B.example", true},
        {"xn--bcher-kva.example", true},
        {"3com.com", true},
        {"1e100.net", true},
        {"123abc", true},
        {"1.2.3.4a", true},
        {"a1-2-3-4.example", true},
        {"www.EXAMPLE.org", true},
        {"a.b.c.d.e.f.g", true},
    };
    (void)state;
    check_cases(hw_is_hostname, cases, ARRAY_LEN(cases));
}

static void test_addr_hostname_rejects_numeric_last_label(void **state)
{
    static const struct classify_case cases[] = {
        {"1.2.3.4", false},   {"999.1.1.1", false}, {"1.2.3", false},
        {"127.1", false},     {"42", false},        {"example.123", false},
        {"1.2.3.4.", false},  {"0", false},
    };
    (void)state;
    check_cases(hw_is_hostname, cases, ARRAY_LEN(cases));
}

static void test_addr_hostname_rejects_bad_syntax(void **state)
{
    static const struct classify_case cases[] = {
        {"", false},           {".", false},           {"..", false},
        {"a..b", false},       {".example.com", false}, {"example.com..", false},
        {"-a.example", false}, {"a-.example", false},   {"a.-b", false},
        {"a.b-", false},       {"a_b.example", false},  {"a b", false},
        {"a.b ", false},       {"a/b", false},          {"::1", false},
        {"fe80::1", false},    {"a%b", false},          {"*.example", false},
        {"b\xc3\xbc" "cher.example", false},             {"-", false},
    };
    (void)state;
    check_cases(hw_is_hostname, cases, ARRAY_LEN(cases));
    assert_false(hw_is_hostname(NULL));
}

static void test_addr_hostname_label_limit_is_63(void **state)
{
    char buf[80];

    (void)state;
    memset(buf, 'a', 63);
    strcpy(buf + 63, ".example");
    assert_true(hw_is_hostname(buf));
    memset(buf, 'a', 64);
    strcpy(buf + 64, ".example");
    assert_false(hw_is_hostname(buf));
}

static void test_addr_hostname_total_limit_is_253(void **state)
{
    char buf[260];

    (void)state;
    long_name(buf, 253);
    assert_int_equal(strlen(buf), 253);
    assert_true(hw_is_hostname(buf));
    /* One trailing dot on top of 253 is still allowed... */
    strcat(buf, ".");
    assert_true(hw_is_hostname(buf));
    /* ...but 254 characters of name are not. */
    long_name(buf, 254);
    assert_false(hw_is_hostname(buf));
}

static void test_addr_parse_ipv4(void **state)
{
    struct hw_addr a = parse_ok("192.0.2.33");

    (void)state;
    assert_int_equal(a.family, AF_INET);
    assert_int_equal(ntohl(a.u.v4.s_addr), 0xc0000221u);
    assert_int_equal(a.scope_id, 0);
}

static void test_addr_parse_ipv6(void **state)
{
    static const uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                     0,    0,    0,    0,    0, 0, 0, 0x01};
    struct hw_addr a = parse_ok("2001:db8::1");

    (void)state;
    assert_int_equal(a.family, AF_INET6);
    assert_memory_equal(a.u.v6.s6_addr, want, 16);
    assert_int_equal(a.scope_id, 0);
}

static void test_addr_parse_numeric_scope(void **state)
{
    struct hw_addr a = parse_ok("fe80::1%42");

    (void)state;
    assert_int_equal(a.family, AF_INET6);
    assert_int_equal(a.scope_id, 42);
    a = parse_ok("fe80::1%4294967295");
    assert_int_equal(a.scope_id, 4294967295u);
}

static void test_addr_parse_interface_scope(void **state)
{
    unsigned idx = if_nametoindex("lo");
    struct hw_addr a;

    (void)state;
    if (idx == 0)
        skip();
    a = parse_ok("fe80::1%lo");
    assert_int_equal(a.family, AF_INET6);
    assert_int_equal(a.scope_id, idx);
}

static void test_addr_parse_unknown_interface_is_einval(void **state)
{
    struct hw_addr a;

    (void)state;
    assert_int_equal(hw_addr_parse("fe80::1%hwnosuchif0", &a), HW_EINVAL);
}

static void test_addr_parse_rejects_malformed(void **state)
{
    static const char *const bad[] = {
        "", "999.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4%1", "1.2.3.4%lo", "::ffff:999.1.1.1",
        "1::2::3", "fe80::1%", "fe80::1%0", "fe80::1%4294967296", "fe80::1%+1", "fe80::1% 1",
        "fe80::1%1%2", "fe80::1%abcdefghijklmnop", "example.com", "localhost", "[::1]",
        "::1 ", "0000:0000:0000:0000:0000:ffff:255.255.255.255:1%1",
        /* Valid syntax, but no such interface here. */
        "fe80::1%-1",
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        int rc = hw_addr_parse(bad[i], &(struct hw_addr){0});
        if (rc != HW_EINVAL)
            fail_msg("hw_addr_parse(\"%s\") = %d, expected HW_EINVAL", bad[i], rc);
    }
}

static void test_addr_parse_failure_leaves_out_untouched(void **state)
{
    struct hw_addr a, before;

    (void)state;
    memset(&a, 0xa5, sizeof a);
    before = a;
    assert_int_equal(hw_addr_parse("999.1.1.1", &a), HW_EINVAL);
    assert_memory_equal(&a, &before, sizeof a);
    assert_int_equal(hw_addr_parse("fe80::1%hwnosuchif0", &a), HW_EINVAL);
    assert_memory_equal(&a, &before, sizeof a);
}

static void test_addr_parse_rejects_null(void **state)
{
    struct hw_addr a;

    (void)state;
    assert_int_equal(hw_addr_parse(NULL, &a), HW_EINVAL);
    assert_int_equal(hw_addr_parse("::1", NULL), HW_EINVAL);
}

static void test_addr_round_trip_is_canonical(void **state)
{
    /* Input, and the canonical inet_ntop form we must print back. */
    static const char *const cases[][2] = {
        {"1.2.3.4", "1.2.3.4"},
        {"0.0.0.0", "0.0.0.0"},
        {"255.255.255.255", "255.255.255.255"},
        {"::", "::"},
        {"::1", "::1"},
        {"0:0:0:0:0:0:0:1", "::1"},
        {"FE80::A", "fe80::a"},
        {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
        {"2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"},
        {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
        {"::ffff:0102:0304", "::ffff:1.2.3.4"},
        {"fe80::1%7", "fe80::1%7"},
        {"fe80::1%007", "fe80::1%7"},
        {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295",
         "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295"},
    };
    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char buf[HW_ADDRSTRLEN];
        struct hw_addr a = parse_ok(cases[i][0]);
        const char *got = hw_addr_format(&a, buf, sizeof buf);

        assert_ptr_equal(got, buf);
        if (strcmp(buf, cases[i][1]) != 0)
            fail_msg("\"%s\" formatted as \"%s\", expected \"%s\"", cases[i][0], buf,
                     cases[i][1]);
        /* And the printed form parses back to the same value. */
        struct hw_addr b = parse_ok(buf);
        assert_true(hw_addr_equal(&a, &b));
    }
}

static void test_addr_format_interface_scope_is_numeric(void **state)
{
    unsigned idx = if_nametoindex("lo");
    char want[HW_ADDRSTRLEN], buf[HW_ADDRSTRLEN];
    struct hw_addr a;

    (void)state;
    if (idx == 0)
        skip();
    a = parse_ok("fe80::1%lo");
    snprintf(want, sizeof want, "fe80::1%%%u", idx);
    assert_string_equal(hw_addr_format(&a, buf, sizeof buf), want);
}

static void test_addr_format_unspec_is_question_mark(void **state)
{
    struct hw_addr a;
    char buf[HW_ADDRSTRLEN];

    (void)state;
    memset(&a, 0, sizeof a);
    a.family = AF_UNSPEC;
    assert_string_equal(hw_addr_format(&a, buf, sizeof buf), "?");
    a.family = AF_UNIX;
    assert_string_equal(hw_addr_format(&a, buf, sizeof buf), "?");
    assert_string_equal(hw_addr_format(NULL, buf, sizeof buf), "?");
}

static void test_addr_format_short_buffer_is_not_truncated(void **state)
{
    struct hw_addr a = parse_ok("192.168.100.200");
    char buf[8];

    (void)state;
    assert_string_equal(hw_addr_format(&a, buf, sizeof buf), "?");
    /* Exactly enough room (15 characters and the NUL) works. */
    char exact[16];
    assert_string_equal(hw_addr_format(&a, exact, sizeof exact), "192.168.100.200");
    assert_string_equal(hw_addr_format(&a, exact, 15), "?");
    assert_string_equal(hw_addr_format(&a, buf, 1), "");
}

static void test_addr_format_ipv4_ignores_scope(void **state)
{
    struct hw_addr a = parse_ok("10.0.0.1");
    char buf[HW_ADDRSTRLEN];

    (void)state;
    a.scope_id = 3;
    assert_string_equal(hw_addr_format(&a, buf, sizeof buf), "10.0.0.1");
}

static void test_addr_equal_same_and_different(void **state)
{
    struct hw_addr a = parse_ok("10.0.0.1"), b = parse_ok("10.0.0.1");
    struct hw_addr c = parse_ok("10.0.0.2");
    struct hw_addr d = parse_ok("2001:db8::1"), e = parse_ok("2001:DB8:0::1");
    struct hw_addr f = parse_ok("2001:db8::2");

    (void)state;
    assert_true(hw_addr_equal(&a, &b));
    assert_false(hw_addr_equal(&a, &c));
    assert_true(hw_addr_equal(&d, &e));
    assert_false(hw_addr_equal(&d, &f));
}

static void test_addr_equal_requires_same_family(void **state)
{
    struct hw_addr v4 = parse_ok("1.2.3.4"), mapped = parse_ok("::ffff:1.2.3.4");

    (void)state;
    assert_false(hw_addr_equal(&v4, &mapped));
    assert_false(hw_addr_equal(&mapped, &v4));
}

static void test_addr_equal_includes_scope(void **state)
{
    struct hw_addr a = parse_ok("fe80::1%1"), b = parse_ok("fe80::1%2");
    struct hw_addr c = parse_ok("fe80::1"), d = parse_ok("fe80::1%1");

    (void)state;
    assert_false(hw_addr_equal(&a, &b));
    assert_false(hw_addr_equal(&a, &c));
    assert_true(hw_addr_equal(&a, &d));
}

static void test_addr_equal_unspec_and_null(void **state)
{
    struct hw_addr a, b;
    struct hw_addr v4 = parse_ok("0.0.0.0");

    (void)state;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    assert_true(hw_addr_equal(&a, &b));
    /* All-zero IPv4 is an address, not "none". */
    assert_false(hw_addr_equal(&a, &v4));
    assert_false(hw_addr_equal(&a, NULL));
    assert_false(hw_addr_equal(NULL, &a));
}

static void test_addr_to_sockaddr_ipv4(void **state)
{
    struct hw_addr a = parse_ok("192.0.2.1");
    struct sockaddr_storage ss;
    struct sockaddr_in sin;

    (void)state;
    memset(&ss, 0xff, sizeof ss);
    assert_int_equal(hw_addr_to_sockaddr(&a, 33434, &ss), sizeof(struct sockaddr_in));
    memcpy(&sin, &ss, sizeof sin);
    assert_int_equal(sin.sin_family, AF_INET);
    assert_int_equal(ntohs(sin.sin_port), 33434);
    assert_int_equal(ntohl(sin.sin_addr.s_addr), 0xc0000201u);
    for (size_t i = 0; i < sizeof sin.sin_zero; i++)
        assert_int_equal(sin.sin_zero[i], 0);
}

static void test_addr_to_sockaddr_ipv6_with_scope(void **state)
{
    struct hw_addr a = parse_ok("fe80::1234%9");
    struct sockaddr_storage ss;
    struct sockaddr_in6 sin6;

    (void)state;
    memset(&ss, 0xff, sizeof ss);
    assert_int_equal(hw_addr_to_sockaddr(&a, 443, &ss), sizeof(struct sockaddr_in6));
    memcpy(&sin6, &ss, sizeof sin6);
    assert_int_equal(sin6.sin6_family, AF_INET6);
    assert_int_equal(ntohs(sin6.sin6_port), 443);
    assert_int_equal(sin6.sin6_scope_id, 9);
    assert_int_equal(sin6.sin6_flowinfo, 0);
    assert_memory_equal(&sin6.sin6_addr, &a.u.v6, 16);
}

static void test_addr_to_sockaddr_unspec_is_zero(void **state)
{
    struct hw_addr a;
    struct sockaddr_storage ss;

    (void)state;
    memset(&a, 0, sizeof a);
    assert_int_equal(hw_addr_to_sockaddr(&a, 80, &ss), 0);
    assert_int_equal(hw_addr_to_sockaddr(NULL, 80, &ss), 0);
    a = parse_ok("::1");
    assert_int_equal(hw_addr_to_sockaddr(&a, 80, NULL), 0);
}

static void test_addr_from_sockaddr_ipv4(void **state)
{
    struct sockaddr_in sin;
    struct hw_addr a;
    char buf[HW_ADDRSTRLEN];

    (void)state;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons(53);
    sin.sin_addr.s_addr = htonl(0x7f000001);
    assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&sin, sizeof sin, &a), 0);
    assert_int_equal(a.family, AF_INET);
    assert_int_equal(a.scope_id, 0);
    assert_string_equal(hw_addr_format(&a, buf, sizeof buf), "127.0.0.1");
}

static void test_addr_from_sockaddr_ipv6_keeps_scope(void **state)
{
    struct sockaddr_in6 sin6;
    struct hw_addr a;
    char buf[HW_ADDRSTRLEN];

    (void)state;
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(53);
    sin6.sin6_scope_id = 5;
    assert_int_equal(inet_pton(AF_INET6, "fe80::abcd", &sin6.sin6_addr), 1);
    assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&sin6, sizeof sin6, &a), 0);
    assert_int_equal(a.family, AF_INET6);
    assert_int_equal(a.scope_id, 5);
    assert_string_equal(hw_addr_format(&a, buf, sizeof buf), "fe80::abcd%5");
}

static void test_addr_sockaddr_round_trip(void **state)
{
    static const char *const texts[] = {"203.0.113.7", "2001:db8::42", "fe80::1%3", "::"};

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
        struct hw_addr a = parse_ok(texts[i]), b;
        struct sockaddr_storage ss;
        socklen_t len = hw_addr_to_sockaddr(&a, 7, &ss);

        assert_true(len > 0);
        assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&ss, len, &b), 0);
        if (!hw_addr_equal(&a, &b))
            fail_msg("\"%s\" changed on a sockaddr round trip", texts[i]);
    }
}

static void test_addr_from_sockaddr_short_length_is_einval(void **state)
{
    struct hw_addr a = parse_ok("2001:db8::1"), b, before;
    struct sockaddr_storage ss;
    socklen_t len = hw_addr_to_sockaddr(&a, 1, &ss);

    (void)state;
    memset(&b, 0x5a, sizeof b);
    before = b;
    assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&ss, len - 1, &b), HW_EINVAL);
    assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&ss, 1, &b), HW_EINVAL);
    assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&ss, 0, &b), HW_EINVAL);
    a = parse_ok("1.2.3.4");
    len = hw_addr_to_sockaddr(&a, 1, &ss);
    assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&ss, len - 1, &b), HW_EINVAL);
    assert_memory_equal(&b, &before, sizeof b);
}

static void test_addr_from_sockaddr_other_family_is_einval(void **state)
{
    struct sockaddr_un sun;
    struct sockaddr_storage ss;
    struct hw_addr a;

    (void)state;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&sun, sizeof sun, &a), HW_EINVAL);
    memset(&ss, 0, sizeof ss);
    ss.ss_family = AF_UNSPEC;
    assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&ss, sizeof ss, &a), HW_EINVAL);
    assert_int_equal(hw_addr_from_sockaddr(NULL, sizeof ss, &a), HW_EINVAL);
    assert_int_equal(hw_addr_from_sockaddr((struct sockaddr *)&ss, sizeof ss, NULL), HW_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_addr_ipv4_classifier_accepts_dotted_quads),
        cmocka_unit_test(test_addr_ipv4_classifier_rejects_malformed),
        cmocka_unit_test(test_addr_ipv4_classifier_rejects_null),
        cmocka_unit_test(test_addr_ipv6_classifier_accepts_valid),
        cmocka_unit_test(test_addr_ipv6_classifier_rejects_malformed),
        cmocka_unit_test(test_addr_hostname_accepts_rfc1123_names),
        cmocka_unit_test(test_addr_hostname_rejects_numeric_last_label),
        cmocka_unit_test(test_addr_hostname_rejects_bad_syntax),
        cmocka_unit_test(test_addr_hostname_label_limit_is_63),
        cmocka_unit_test(test_addr_hostname_total_limit_is_253),
        cmocka_unit_test(test_addr_parse_ipv4),
        cmocka_unit_test(test_addr_parse_ipv6),
        cmocka_unit_test(test_addr_parse_numeric_scope),
        cmocka_unit_test(test_addr_parse_interface_scope),
        cmocka_unit_test(test_addr_parse_unknown_interface_is_einval),
        cmocka_unit_test(test_addr_parse_rejects_malformed),
        cmocka_unit_test(test_addr_parse_failure_leaves_out_untouched),
        cmocka_unit_test(test_addr_parse_rejects_null),
        cmocka_unit_test(test_addr_round_trip_is_canonical),
        cmocka_unit_test(test_addr_format_interface_scope_is_numeric),
        cmocka_unit_test(test_addr_format_unspec_is_question_mark),
        cmocka_unit_test(test_addr_format_short_buffer_is_not_truncated),
        cmocka_unit_test(test_addr_format_ipv4_ignores_scope),
        cmocka_unit_test(test_addr_equal_same_and_different),
        cmocka_unit_test(test_addr_equal_requires_same_family),
        cmocka_unit_test(test_addr_equal_includes_scope),
        cmocka_unit_test(test_addr_equal_unspec_and_null),
        cmocka_unit_test(test_addr_to_sockaddr_ipv4),
        cmocka_unit_test(test_addr_to_sockaddr_ipv6_with_scope),
        cmocka_unit_test(test_addr_to_sockaddr_unspec_is_zero),
        cmocka_unit_test(test_addr_from_sockaddr_ipv4),
        cmocka_unit_test(test_addr_from_sockaddr_ipv6_keeps_scope),
        cmocka_unit_test(test_addr_sockaddr_round_trip),
        cmocka_unit_test(test_addr_from_sockaddr_short_length_is_einval),
        cmocka_unit_test(test_addr_from_sockaddr_other_family_is_einval),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
