/* fuzz_addr.c - libFuzzer harness for the address parsers of
 * hopwatch/addr.h: hw_addr_parse (with its format round trip), the three
 * classifiers, and hw_addr_from_sockaddr fed the raw bytes.
 */
#include <arpa/inet.h>
#include <stdbool.h>

#include <hopwatch/addr.h>
#include <hopwatch/error.h>

#include "fuzz.h"

/* Formats a into buffers of every size up to HW_ADDRSTRLEN, each malloc'ed
 * to exactly that size so that a write past it is caught: the result is the
 * whole text when it fits, else "?" (or "" for a 1-byte buffer). */
static void check_format_sizes(const struct hw_addr *a, const char *text)
{
    size_t need = strlen(text) + 1;

    for (size_t size = 1; size <= HW_ADDRSTRLEN; size++) {
        char *buf = malloc(size);

        if (buf == NULL)
            abort();
        FUZZ_CHECK(hw_addr_format(a, buf, size) == buf);
        if (size >= need)
            FUZZ_CHECK(strcmp(buf, text) == 0);
        else
            FUZZ_CHECK(strcmp(buf, size > 1 ? "?" : "") == 0);
        free(buf);
    }
}

/* A parsed address survives format -> parse, and sockaddr -> hw_addr. */
static void check_parsed(const struct hw_addr *a)
{
    char text[HW_ADDRSTRLEN], again[HW_ADDRSTRLEN];
    struct hw_addr b, c;
    struct sockaddr_storage ss;
    socklen_t sl;

    FUZZ_CHECK(a->family == AF_INET || a->family == AF_INET6);
    FUZZ_CHECK(a->family == AF_INET6 || a->scope_id == 0);
    FUZZ_CHECK(hw_addr_equal(a, a));

    hw_addr_format(a, text, sizeof(text));
    FUZZ_CHECK(strcmp(text, "?") != 0);
    FUZZ_CHECK(hw_addr_parse(text, &b) == 0);
    FUZZ_CHECK(hw_addr_equal(a, &b));
    /* The formatted text is canonical: formatting it again changes nothing. */
    hw_addr_format(&b, again, sizeof(again));
    FUZZ_CHECK(strcmp(text, again) == 0);
    FUZZ_CHECK(a->family == AF_INET ? hw_is_ipv4_address(text) : hw_is_ipv6_address(text));
    FUZZ_CHECK(!hw_is_hostname(text));
    check_format_sizes(a, text);

    sl = hw_addr_to_sockaddr(a, 33434, &ss);
    FUZZ_CHECK(sl == (a->family == AF_INET ? sizeof(struct sockaddr_in)
                                           : sizeof(struct sockaddr_in6)));
    FUZZ_CHECK(hw_addr_from_sockaddr((const struct sockaddr *)&ss, sl, &c) == 0);
    FUZZ_CHECK(hw_addr_equal(a, &c));
}

/* The text forms: parse and classify s. */
static void check_text(const char *s)
{
    struct hw_addr a, untouched;
    bool v4 = hw_is_ipv4_address(s), v6 = hw_is_ipv6_address(s), host = hw_is_hostname(s);
    size_t len = strlen(s);
    int rc;

    /* A failed parse must leave *out as it was. */
    memset(&a, 0xa5, sizeof(a));
    untouched = a;
    rc = hw_addr_parse(s, &a);
    FUZZ_CHECK(rc == 0 || rc == HW_EINVAL);
    if (rc != 0) {
        FUZZ_CHECK(memcmp(&a, &untouched, sizeof(a)) == 0);
        FUZZ_CHECK(!v4);
    } else {
        check_parsed(&a);
        /* Only what the classifiers call an address parses, and as that
         * family; an IPv4 address is exactly what inet_pton accepts. */
        FUZZ_CHECK(a.family == AF_INET ? v4 : v6);
    }
    if (v4) {
        struct in_addr in;

        FUZZ_CHECK(rc == 0 && a.family == AF_INET);
        FUZZ_CHECK(inet_pton(AF_INET, s, &in) == 1 && in.s_addr == a.u.v4.s_addr);
    }

    /* The three kinds of target are exclusive. */
    FUZZ_CHECK(!(v4 && v6) && !(v4 && host) && !(v6 && host));
    if (host) {
        /* RFC 1123 names: letters, digits, '-' and '.', at most 253 of
         * them plus one trailing dot, never starting with '.' or '-'. */
        FUZZ_CHECK(len >= 1 && len <= 254);
        FUZZ_CHECK(s[0] != '.' && s[0] != '-');
        FUZZ_CHECK(strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
                   == len);
        FUZZ_CHECK(strstr(s, "..") == NULL && strstr(s, "-.") == NULL
                   && strstr(s, ".-") == NULL);
    }
}

/* The raw bytes as a sockaddr of that length. */
static void check_sockaddr(const uint8_t *data, size_t size)
{
    uint8_t *raw = malloc(size > 0 ? size : 1);
    struct hw_addr a, untouched;
    int rc;

    if (raw == NULL)
        abort();
    if (size > 0)
        memcpy(raw, data, size);
    memset(&a, 0x5a, sizeof(a));
    untouched = a;
    rc = hw_addr_from_sockaddr((const struct sockaddr *)(void *)raw,
                               (socklen_t)(size > 1024 ? 1024 : size), &a);
    FUZZ_CHECK(rc == 0 || rc == HW_EINVAL);
    if (rc == 0)
        check_parsed(&a);
    else
        FUZZ_CHECK(memcmp(&a, &untouched, sizeof(a)) == 0);
    free(raw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);

    check_text(s);
    check_sockaddr(data, size);
    free(s);
    return 0;
}
