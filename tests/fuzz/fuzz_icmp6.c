/* fuzz_icmp6.c - libFuzzer harness for hw__parse_icmp6 (an ICMPv6 message,
 * no IPv6 header; the kernel has checked its checksum).  Checks the fields
 * read straight from the header and the probe read from the quoted IPv6
 * header.  Each input is parsed as received and once more with its RFC 4884
 * extension checksum fixed.
 */
#include "packet_checks.h"

/* True when a is the IPv6 address in the 16 bytes at p. */
static bool is_addr6(const struct hw_addr *a, const uint8_t *p)
{
    return a->family == AF_INET6 && memcmp(a->u.v6.s6_addr, p, 16) == 0 && a->scope_id == 0;
}

/* Parses len bytes at buf (a malloc'ed buffer of exactly len bytes) and
 * checks every invariant. */
static void check_icmp6(const uint8_t *buf, size_t len)
{
    struct hw__parsed a, b;
    const uint8_t *q = buf + HW_ICMP_HDR;

    FUZZ_CHECK(hw__parse_icmp6(buf, len, &a) == a.kind);
    fuzz_parsed_check(&a, buf, len, AF_INET6);
    hw__parse_icmp6(buf, len, &b);
    FUZZ_CHECK(fuzz_parsed_equal(&a, buf, &b, buf));

    FUZZ_CHECK(a.ip_ttl == -1 && a.ip_src.family == AF_UNSPEC);
    FUZZ_CHECK(a.icmp_len == len);
    if (len < HW_ICMP_HDR) {
        FUZZ_CHECK(a.kind == HW_PKT_MALFORMED);
        return;
    }
    FUZZ_CHECK(a.type == buf[0] && a.code == buf[1]);
    switch (buf[0]) {
    case 129:
        FUZZ_CHECK(a.kind == HW_PKT_ECHO_REPLY);
        FUZZ_CHECK(a.probe.ident == fuzz_rd16(buf + 4) && a.probe.seq == fuzz_rd16(buf + 6));
        FUZZ_CHECK(a.probe.payload == (len > HW_ICMP_HDR ? buf + HW_ICMP_HDR : NULL));
        FUZZ_CHECK(a.probe.src.family == AF_UNSPEC);
        break;
    case 1:
    case 2:
    case 3:
    case 4:
        FUZZ_CHECK(a.kind == HW_PKT_MALFORMED || a.kind == HW_PKT_IGNORED
                   || fuzz_kind_type(a.kind, AF_INET6) == buf[0]);
        if (buf[0] == 2)
            FUZZ_CHECK(a.mtu == fuzz_rd32(buf + 4));
        if (buf[0] == 4)
            FUZZ_CHECK(a.pointer == fuzz_rd32(buf + 4));
        /* A quote shorter than an IPv6 header cannot be parsed. */
        if (len < HW_ICMP_HDR + HW_IP6_HDR)
            FUZZ_CHECK(a.kind == HW_PKT_MALFORMED);
        if (a.kind > HW_PKT_ECHO_REPLY) {
            FUZZ_CHECK(is_addr6(&a.probe.src, q + 8) && is_addr6(&a.probe.dst, q + 24));
            FUZZ_CHECK(a.probe.quoted_ttl == q[7]);
        }
        break;
    default:
        FUZZ_CHECK(a.kind == HW_PKT_IGNORED);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = fuzz_dup(data, size);

    check_icmp6(buf, size);
    fuzz_icmp6_fix(buf, size);
    if (size > 0 && memcmp(buf, data, size) != 0)
        check_icmp6(buf, size);
    free(buf);
    return 0;
}
