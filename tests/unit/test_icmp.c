/* test_icmp.c - unit tests for src/core/icmp.c: messages, traceroute
 * marks and the typed classification of ICMP and ICMPv6 types and codes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include <hopwatch/error.h>
#include <hopwatch/icmp.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* One (type, code) and the exact message or mark we require. */
struct icmp_case {
    int type;          /* ICMP type */
    int code;          /* ICMP code */
    const char *want;  /* required result */
};

static void check(int family, const char *(*fn)(int, int, int), const struct icmp_case *cases,
                  size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = fn(family, cases[i].type, cases[i].code);

        if (got == NULL || strcmp(got, cases[i].want) != 0)
            fail_msg("%s type %d code %d: got \"%s\", expected \"%s\"",
                     family == AF_INET ? "ICMP" : "ICMPv6", cases[i].type, cases[i].code,
                     got != NULL ? got : "(null)", cases[i].want);
    }
}

/* Every message in codes[0..n) is different from the others and from the
 * type's generic messages. */
static void check_distinct(int family, int type, int n, const char *generic)
{
    for (int a = 0; a < n; a++) {
        const char *ma = hw_icmp_message(family, type, a);

        if (strcmp(ma, generic) == 0 || strstr(ma, "unknown code") != NULL)
            fail_msg("type %d code %d has no specific message (\"%s\")", type, a, ma);
        for (int b = a + 1; b < n; b++) {
            if (strcmp(ma, hw_icmp_message(family, type, b)) == 0)
                fail_msg("type %d codes %d and %d share \"%s\"", type, a, b, ma);
        }
    }
}

static void test_icmp_v4_unreachable_messages(void **state)
{
    static const struct icmp_case cases[] = {
        {3, 0, "network unreachable"},
        {3, 1, "host unreachable"},
        {3, 2, "protocol unreachable"},
        {3, 3, "port unreachable"},
        {3, 4, "fragmentation needed"},
        {3, 5, "source route failed"},
        {3, 6, "destination network unknown"},
        {3, 7, "destination host unknown"},
        {3, 8, "source host isolated"},
        {3, 9, "network administratively prohibited"},
        {3, 10, "host administratively prohibited"},
        {3, 11, "network unreachable for TOS"},
        {3, 12, "host unreachable for TOS"},
        {3, 13, "communication administratively prohibited"},
        {3, 14, "host precedence violation"},
        {3, 15, "precedence cutoff in effect"},
    };
    (void)state;
    check(AF_INET, hw_icmp_message, cases, ARRAY_LEN(cases));
}

static void test_icmp_v4_unreachable_codes_are_distinct(void **state)
{
    (void)state;
    check_distinct(AF_INET, 3, 16, "destination unreachable");
}

static void test_icmp_v4_time_exceeded_messages(void **state)
{
    static const struct icmp_case cases[] = {
        {11, 0, "TTL exceeded in transit"},
        {11, 1, "fragment reassembly time exceeded"},
        {11, 2, "time exceeded, unknown code"},
    };
    (void)state;
    check(AF_INET, hw_icmp_message, cases, ARRAY_LEN(cases));
}

static void test_icmp_v4_other_types(void **state)
{
    static const struct icmp_case cases[] = {
        {0, 0, "echo reply"},
        {4, 0, "source quench"},
        {5, 0, "redirect for network"},
        {5, 1, "redirect for host"},
        {5, 2, "redirect for TOS and network"},
        {5, 3, "redirect for TOS and host"},
        {8, 0, "echo request"},
        {9, 0, "router advertisement"},
        {9, 16, "router advertisement, does not route common traffic"},
        {10, 0, "router solicitation"},
        {12, 0, "parameter problem, pointer indicates the error"},
        {12, 1, "parameter problem, missing a required option"},
        {12, 2, "parameter problem, bad length"},
        {13, 0, "timestamp request"},
        {14, 0, "timestamp reply"},
        {17, 0, "address mask request"},
        {18, 0, "address mask reply"},
        {40, 0, "Photuris, bad SPI"},
        {42, 0, "extended echo request"},
        {43, 2, "extended echo reply, no such interface"},
    };
    (void)state;
    check(AF_INET, hw_icmp_message, cases, ARRAY_LEN(cases));
}

static void test_icmp_v4_unknown_code_gets_type_message(void **state)
{
    static const struct icmp_case cases[] = {
        {3, 16, "destination unreachable, unknown code"},
        {3, 42, "destination unreachable, unknown code"},
        {3, 255, "destination unreachable, unknown code"},
        {3, -1, "destination unreachable, unknown code"},
        {3, 1000, "destination unreachable, unknown code"},
        {5, 4, "redirect, unknown code"},
        /* Code 1..15 sit in the gap of the router advertisement table. */
        {9, 1, "router advertisement, unknown code"},
        {12, 3, "parameter problem, unknown code"},
        /* Types with only code 0 defined. */
        {0, 1, "echo reply, unknown code"},
        {8, 7, "echo request, unknown code"},
    };
    (void)state;
    check(AF_INET, hw_icmp_message, cases, ARRAY_LEN(cases));
}

static void test_icmp_v4_unknown_type(void **state)
{
    static const struct icmp_case cases[] = {
        {1, 0, "unknown ICMP message"},   {2, 0, "unknown ICMP message"},
        {7, 0, "unknown ICMP message"},   {44, 0, "unknown ICMP message"},
        {255, 0, "unknown ICMP message"}, {256, 0, "unknown ICMP message"},
        {-1, 0, "unknown ICMP message"},  {128, 0, "unknown ICMP message"},
    };
    (void)state;
    check(AF_INET, hw_icmp_message, cases, ARRAY_LEN(cases));
}

static void test_icmp_v6_unreachable_messages(void **state)
{
    static const struct icmp_case cases[] = {
        {1, 0, "no route to destination"},
        {1, 1, "communication administratively prohibited"},
        {1, 2, "beyond scope of source address"},
        {1, 3, "address unreachable"},
        {1, 4, "port unreachable"},
        {1, 5, "source address failed ingress/egress policy"},
        {1, 6, "reject route to destination"},
        {1, 7, "error in source routing header"},
        {1, 8, "headers too long"},
        {1, 9, "destination unreachable, unknown code"},
    };
    (void)state;
    check(AF_INET6, hw_icmp_message, cases, ARRAY_LEN(cases));
}

static void test_icmp_v6_unreachable_codes_are_distinct(void **state)
{
    (void)state;
    check_distinct(AF_INET6, 1, 9, "destination unreachable");
}

static void test_icmp_v6_time_exceeded_and_too_big(void **state)
{
    static const struct icmp_case cases[] = {
        {2, 0, "packet too big"},
        {2, 1, "packet too big, unknown code"},
        {3, 0, "hop limit exceeded in transit"},
        {3, 1, "fragment reassembly time exceeded"},
        {3, 2, "time exceeded, unknown code"},
    };
    (void)state;
    check(AF_INET6, hw_icmp_message, cases, ARRAY_LEN(cases));
}

static void test_icmp_v6_parameter_problem(void **state)
{
    static const struct icmp_case cases[] = {
        {4, 0, "erroneous header field encountered"},
        {4, 1, "unrecognized next header type encountered"},
        {4, 2, "unrecognized IPv6 option encountered"},
        {4, 3, "IPv6 first fragment has incomplete IPv6 header chain"},
        {4, 10, "option too big"},
        {4, 11, "parameter problem, unknown code"},
    };
    (void)state;
    check(AF_INET6, hw_icmp_message, cases, ARRAY_LEN(cases));
    check_distinct(AF_INET6, 4, 11, "parameter problem");
}

static void test_icmp_v6_informational_types(void **state)
{
    static const struct icmp_case cases[] = {
        {128, 0, "echo request"},
        {129, 0, "echo reply"},
        {133, 0, "router solicitation"},
        {134, 0, "router advertisement"},
        {135, 0, "neighbor solicitation"},
        {136, 0, "neighbor advertisement"},
        {137, 0, "redirect"},
        {138, 255, "router renumbering sequence number reset"},
        {143, 0, "multicast listener report v2"},
        {161, 4, "extended echo reply, multiple interfaces satisfy query"},
    };
    (void)state;
    check(AF_INET6, hw_icmp_message, cases, ARRAY_LEN(cases));
}

static void test_icmp_v6_unknown_type(void **state)
{
    static const struct icmp_case cases[] = {
        {0, 0, "unknown ICMPv6 message"},   {5, 0, "unknown ICMPv6 message"},
        {127, 0, "unknown ICMPv6 message"}, {162, 0, "unknown ICMPv6 message"},
        {255, 0, "unknown ICMPv6 message"}, {-3, 0, "unknown ICMPv6 message"},
    };
    (void)state;
    check(AF_INET6, hw_icmp_message, cases, ARRAY_LEN(cases));
}

static void test_icmp_family_selects_meaning(void **state)
{
    (void)state;
    /* Type 3 is unreachable in ICMP but time exceeded in ICMPv6. */
    assert_string_equal(hw_icmp_message(AF_INET, 3, 0), "network unreachable");
    assert_string_equal(hw_icmp_message(AF_INET6, 3, 0), "hop limit exceeded in transit");
    /* Type 11 is time exceeded in ICMP and unassigned in ICMPv6. */
    assert_string_equal(hw_icmp_message(AF_INET, 11, 0), "TTL exceeded in transit");
    assert_string_equal(hw_icmp_message(AF_INET6, 11, 0), "unknown ICMPv6 message");
    /* Type 1 is unassigned in ICMP, unreachable in ICMPv6. */
    assert_string_equal(hw_icmp_message(AF_INET, 1, 0), "unknown ICMP message");
    assert_string_equal(hw_icmp_message(AF_INET6, 1, 0), "no route to destination");
    /* And the marks follow the family too. */
    assert_string_equal(hw_icmp_mark(AF_INET, 3, 1), "!H");
    assert_string_equal(hw_icmp_mark(AF_INET6, 3, 1), "");
    assert_string_equal(hw_icmp_mark(AF_INET6, 1, 1), "!X");
    assert_string_equal(hw_icmp_mark(AF_INET, 1, 1), "");
}

static void test_icmp_unknown_family(void **state)
{
    (void)state;
    assert_string_equal(hw_icmp_message(AF_UNSPEC, 3, 0), "unknown ICMP message");
    assert_string_equal(hw_icmp_message(AF_UNIX, 0, 0), "unknown ICMP message");
    assert_string_equal(hw_icmp_mark(AF_UNSPEC, 3, 0), "");
}

static void test_icmp_v4_marks(void **state)
{
    static const struct icmp_case cases[] = {
        {3, 0, "!N"},  {3, 1, "!H"},  {3, 2, "!P"},  {3, 3, ""},    {3, 4, "!F"},
        {3, 5, "!S"},  {3, 6, "!N"},  {3, 7, "!H"},  {3, 8, "!N"},  {3, 9, "!X"},
        {3, 10, "!X"}, {3, 11, "!N"}, {3, 12, "!H"}, {3, 13, "!X"}, {3, 14, "!V"},
        {3, 15, "!C"}, {3, 16, "!?"}, {3, 255, "!?"}, {3, -1, "!?"},
    };
    (void)state;
    check(AF_INET, hw_icmp_mark, cases, ARRAY_LEN(cases));
}

static void test_icmp_v6_marks(void **state)
{
    static const struct icmp_case cases[] = {
        {1, 0, "!N"}, {1, 1, "!X"}, {1, 2, "!S"}, {1, 3, "!H"}, {1, 4, ""},
        {1, 5, "!X"}, {1, 6, "!X"}, {1, 7, "!?"}, {1, 8, "!?"}, {1, 200, "!?"},
        {2, 0, "!F"},
    };
    (void)state;
    check(AF_INET6, hw_icmp_mark, cases, ARRAY_LEN(cases));
}

static void test_icmp_marks_empty_for_non_unreachable(void **state)
{
    static const struct icmp_case v4[] = {
        {0, 0, ""}, {11, 0, ""}, {11, 1, ""}, {5, 1, ""}, {12, 0, ""}, {8, 0, ""}, {99, 0, ""},
    };
    static const struct icmp_case v6[] = {
        {3, 0, ""}, {3, 1, ""}, {4, 0, ""}, {128, 0, ""}, {129, 0, ""}, {135, 0, ""},
    };
    (void)state;
    check(AF_INET, hw_icmp_mark, v4, ARRAY_LEN(v4));
    check(AF_INET6, hw_icmp_mark, v6, ARRAY_LEN(v6));
}

static void test_icmp_never_null_for_any_byte(void **state)
{
    static const int families[] = {AF_INET, AF_INET6};

    (void)state;
    for (size_t f = 0; f < ARRAY_LEN(families); f++) {
        for (int type = 0; type < 256; type++) {
            for (int code = 0; code < 256; code++) {
                const char *m = hw_icmp_message(families[f], type, code);
                const char *k = hw_icmp_mark(families[f], type, code);

                if (m == NULL || m[0] == '\0' || k == NULL)
                    fail_msg("family %d type %d code %d", families[f], type, code);
            }
        }
    }
}

/* One (type, code), its meaning, its status and its message. */
struct class_case {
    int type;                     /* ICMP type */
    int code;                     /* ICMP code */
    enum hw_icmp_reason reason;   /* required classification */
    int status;                   /* required hw_icmp_status() */
    const char *message;          /* required hw_icmp_message() */
};

static void check_class(int family, const struct class_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct class_case *c = &cases[i];
        enum hw_icmp_reason r = (enum hw_icmp_reason)-1;
        int st = hw_icmp_status(family, c->type, c->code, &r);

        if (hw_icmp_classify(family, c->type, c->code) != c->reason || r != c->reason)
            fail_msg("%s %d/%d: reason %s, expected %s", family == AF_INET ? "ICMP" : "ICMPv6",
                     c->type, c->code, hw_icmp_reason_name(r), hw_icmp_reason_name(c->reason));
        if (st != c->status)
            fail_msg("%s %d/%d: status %d, expected %d", family == AF_INET ? "ICMP" : "ICMPv6",
                     c->type, c->code, st, c->status);
        if (strcmp(hw_icmp_message(family, c->type, c->code), c->message) != 0)
            fail_msg("%s %d/%d: message \"%s\", expected \"%s\"",
                     family == AF_INET ? "ICMP" : "ICMPv6", c->type, c->code,
                     hw_icmp_message(family, c->type, c->code), c->message);
    }
}

/* Every ICMP destination-unreachable and time-exceeded code. */
static void test_icmp_v4_every_error_code_is_classified(void **state)
{
    static const struct class_case cases[] = {
        {3, 0, HW_ICMP_NET_UNREACHABLE, HW_EUNREACH, "network unreachable"},
        {3, 1, HW_ICMP_HOST_UNREACHABLE, HW_EUNREACH, "host unreachable"},
        {3, 2, HW_ICMP_PROTOCOL_UNREACHABLE, HW_EUNREACH, "protocol unreachable"},
        {3, 3, HW_ICMP_PORT_UNREACHABLE, HW_EUNREACH, "port unreachable"},
        {3, 4, HW_ICMP_FRAG_NEEDED, HW_EUNREACH, "fragmentation needed"},
        {3, 5, HW_ICMP_SOURCE_ROUTE_FAILED, HW_EUNREACH, "source route failed"},
        {3, 6, HW_ICMP_NET_UNKNOWN, HW_EUNREACH, "destination network unknown"},
        {3, 7, HW_ICMP_HOST_UNKNOWN, HW_EUNREACH, "destination host unknown"},
        {3, 8, HW_ICMP_SOURCE_ISOLATED, HW_EUNREACH, "source host isolated"},
        {3, 9, HW_ICMP_NET_PROHIBITED, HW_EUNREACH, "network administratively prohibited"},
        {3, 10, HW_ICMP_HOST_PROHIBITED, HW_EUNREACH, "host administratively prohibited"},
        {3, 11, HW_ICMP_NET_UNREACHABLE_TOS, HW_EUNREACH, "network unreachable for TOS"},
        {3, 12, HW_ICMP_HOST_UNREACHABLE_TOS, HW_EUNREACH, "host unreachable for TOS"},
        {3, 13, HW_ICMP_COMM_PROHIBITED, HW_EUNREACH,
         "communication administratively prohibited"},
        {3, 14, HW_ICMP_PRECEDENCE_VIOLATION, HW_EUNREACH, "host precedence violation"},
        {3, 15, HW_ICMP_PRECEDENCE_CUTOFF, HW_EUNREACH, "precedence cutoff in effect"},
        {3, 16, HW_ICMP_UNREACHABLE_OTHER, HW_EUNREACH,
         "destination unreachable, unknown code"},
        {3, 255, HW_ICMP_UNREACHABLE_OTHER, HW_EUNREACH,
         "destination unreachable, unknown code"},
        {11, 0, HW_ICMP_TTL_EXCEEDED, HW_ETIMEEXCEEDED, "TTL exceeded in transit"},
        {11, 1, HW_ICMP_REASSEMBLY_EXCEEDED, HW_ETIMEEXCEEDED,
         "fragment reassembly time exceeded"},
        {11, 2, HW_ICMP_TIME_EXCEEDED_OTHER, HW_ETIMEEXCEEDED, "time exceeded, unknown code"},
        {0, 0, HW_ICMP_ECHO_REPLY, 0, "echo reply"},
        {12, 0, HW_ICMP_PARAMETER_PROBLEM, HW_EICMP,
         "parameter problem, pointer indicates the error"},
        {4, 0, HW_ICMP_SOURCE_QUENCH, HW_EICMP, "source quench"},
        {5, 1, HW_ICMP_OTHER, HW_EICMP, "redirect for host"},
        {8, 0, HW_ICMP_OTHER, HW_EICMP, "echo request"},
    };

    (void)state;
    check_class(AF_INET, cases, ARRAY_LEN(cases));
}

/* Every ICMPv6 destination-unreachable and time-exceeded code. */
static void test_icmp_v6_every_error_code_is_classified(void **state)
{
    static const struct class_case cases[] = {
        {1, 0, HW_ICMP_NO_ROUTE, HW_EUNREACH, "no route to destination"},
        {1, 1, HW_ICMP_COMM_PROHIBITED, HW_EUNREACH,
         "communication administratively prohibited"},
        {1, 2, HW_ICMP_BEYOND_SCOPE, HW_EUNREACH, "beyond scope of source address"},
        {1, 3, HW_ICMP_ADDRESS_UNREACHABLE, HW_EUNREACH, "address unreachable"},
        {1, 4, HW_ICMP_PORT_UNREACHABLE, HW_EUNREACH, "port unreachable"},
        {1, 5, HW_ICMP_SOURCE_POLICY_FAILED, HW_EUNREACH,
         "source address failed ingress/egress policy"},
        {1, 6, HW_ICMP_REJECT_ROUTE, HW_EUNREACH, "reject route to destination"},
        {1, 7, HW_ICMP_SOURCE_ROUTING_ERROR, HW_EUNREACH, "error in source routing header"},
        {1, 8, HW_ICMP_HEADERS_TOO_LONG, HW_EUNREACH, "headers too long"},
        {1, 9, HW_ICMP_UNREACHABLE_OTHER, HW_EUNREACH, "destination unreachable, unknown code"},
        {3, 0, HW_ICMP_TTL_EXCEEDED, HW_ETIMEEXCEEDED, "hop limit exceeded in transit"},
        {3, 1, HW_ICMP_REASSEMBLY_EXCEEDED, HW_ETIMEEXCEEDED,
         "fragment reassembly time exceeded"},
        {3, 7, HW_ICMP_TIME_EXCEEDED_OTHER, HW_ETIMEEXCEEDED, "time exceeded, unknown code"},
        {129, 0, HW_ICMP_ECHO_REPLY, 0, "echo reply"},
        {2, 0, HW_ICMP_PACKET_TOO_BIG, HW_EICMP, "packet too big"},
        {4, 1, HW_ICMP_PARAMETER_PROBLEM, HW_EICMP,
         "unrecognized next header type encountered"},
        {128, 0, HW_ICMP_OTHER, HW_EICMP, "echo request"},
        {135, 0, HW_ICMP_OTHER, HW_EICMP, "neighbor solicitation"},
    };

    (void)state;
    check_class(AF_INET6, cases, ARRAY_LEN(cases));
}

/* The same number means different things in the two families. */
static void test_icmp_classify_depends_on_family(void **state)
{
    (void)state;
    assert_int_equal(hw_icmp_classify(AF_INET, 3, 0), HW_ICMP_NET_UNREACHABLE);
    assert_int_equal(hw_icmp_classify(AF_INET6, 3, 0), HW_ICMP_TTL_EXCEEDED);
    assert_int_equal(hw_icmp_classify(AF_INET, 0, 0), HW_ICMP_ECHO_REPLY);
    assert_int_equal(hw_icmp_classify(AF_INET6, 0, 0), HW_ICMP_OTHER);
    assert_int_equal(hw_icmp_classify(AF_INET6, 129, 0), HW_ICMP_ECHO_REPLY);
    assert_int_equal(hw_icmp_classify(AF_INET, 129, 0), HW_ICMP_OTHER);
    assert_int_equal(hw_icmp_classify(AF_UNSPEC, 3, 1), HW_ICMP_OTHER);
    assert_int_equal(hw_icmp_status(AF_UNSPEC, 0, 0, NULL), HW_EICMP);
    assert_int_equal(hw_icmp_classify(AF_INET, -1, 0), HW_ICMP_OTHER);
    assert_int_equal(hw_icmp_classify(AF_INET, 3, -1), HW_ICMP_UNREACHABLE_OTHER);
}

/* Every reason has a distinct name, and the two groups are told apart. */
static void test_icmp_reason_names_and_groups(void **state)
{
    (void)state;
    for (int a = HW_ICMP_ECHO_REPLY; a <= HW_ICMP_OTHER; a++) {
        const char *na = hw_icmp_reason_name((enum hw_icmp_reason)a);

        assert_non_null(na);
        if (a != HW_ICMP_OTHER && strcmp(na, "other") == 0)
            fail_msg("reason %d has no name", a);
        for (int b = a + 1; b <= HW_ICMP_OTHER; b++) {
            if (strcmp(na, hw_icmp_reason_name((enum hw_icmp_reason)b)) == 0)
                fail_msg("reasons %d and %d share the name \"%s\"", a, b, na);
        }
        assert_int_equal(hw_icmp_reason_is_unreachable((enum hw_icmp_reason)a),
                         a >= HW_ICMP_NET_UNREACHABLE && a <= HW_ICMP_UNREACHABLE_OTHER);
        assert_int_equal(hw_icmp_reason_is_time_exceeded((enum hw_icmp_reason)a),
                         a >= HW_ICMP_TTL_EXCEEDED && a <= HW_ICMP_TIME_EXCEEDED_OTHER);
    }
    assert_string_equal(hw_icmp_reason_name(HW_ICMP_HOST_UNREACHABLE), "host-unreachable");
    assert_string_equal(hw_icmp_reason_name(HW_ICMP_TTL_EXCEEDED), "ttl-exceeded");
    assert_string_equal(hw_icmp_reason_name((enum hw_icmp_reason)999), "other");
}

/* Whatever the bytes, the classification is one of the enum's values, and
 * the status agrees with it. */
static void test_icmp_classify_total_for_any_byte(void **state)
{
    static const int families[] = {AF_INET, AF_INET6};

    (void)state;
    for (size_t f = 0; f < ARRAY_LEN(families); f++) {
        for (int type = 0; type < 256; type++) {
            for (int code = 0; code < 256; code++) {
                enum hw_icmp_reason r;
                int st = hw_icmp_status(families[f], type, code, &r);

                if ((int)r < HW_ICMP_ECHO_REPLY || r > HW_ICMP_OTHER)
                    fail_msg("family %d %d/%d: reason %d", families[f], type, code, (int)r);
                if ((r == HW_ICMP_ECHO_REPLY) != (st == 0) ||
                    hw_icmp_reason_is_unreachable(r) != (st == HW_EUNREACH) ||
                    hw_icmp_reason_is_time_exceeded(r) != (st == HW_ETIMEEXCEEDED))
                    fail_msg("family %d %d/%d: status %d for %s", families[f], type, code, st,
                             hw_icmp_reason_name(r));
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icmp_v4_unreachable_messages),
        cmocka_unit_test(test_icmp_v4_unreachable_codes_are_distinct),
        cmocka_unit_test(test_icmp_v4_time_exceeded_messages),
        cmocka_unit_test(test_icmp_v4_other_types),
        cmocka_unit_test(test_icmp_v4_unknown_code_gets_type_message),
        cmocka_unit_test(test_icmp_v4_unknown_type),
        cmocka_unit_test(test_icmp_v6_unreachable_messages),
        cmocka_unit_test(test_icmp_v6_unreachable_codes_are_distinct),
        cmocka_unit_test(test_icmp_v6_time_exceeded_and_too_big),
        cmocka_unit_test(test_icmp_v6_parameter_problem),
        cmocka_unit_test(test_icmp_v6_informational_types),
        cmocka_unit_test(test_icmp_v6_unknown_type),
        cmocka_unit_test(test_icmp_family_selects_meaning),
        cmocka_unit_test(test_icmp_unknown_family),
        cmocka_unit_test(test_icmp_v4_marks),
        cmocka_unit_test(test_icmp_v6_marks),
        cmocka_unit_test(test_icmp_marks_empty_for_non_unreachable),
        cmocka_unit_test(test_icmp_never_null_for_any_byte),
        cmocka_unit_test(test_icmp_v4_every_error_code_is_classified),
        cmocka_unit_test(test_icmp_v6_every_error_code_is_classified),
        cmocka_unit_test(test_icmp_classify_depends_on_family),
        cmocka_unit_test(test_icmp_reason_names_and_groups),
        cmocka_unit_test(test_icmp_classify_total_for_any_byte),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
