/* fuzz_ip4.c - libFuzzer harness for hw__parse_ip4 (a packet from a raw IPv4
 * socket, IPv4 header first).  Checks the outer header rules against an
 * independent reading of the header, and that a valid header changes
 * nothing but the IP fields: the result must equal hw__parse_icmp4 of the
 * ICMP part.  Each input is parsed as received and once more with its
 * checksums fixed, so that the fuzzer also explores what lies behind them.
 */
#include "packet_checks.h"

/* Parses len bytes at buf (a malloc'ed buffer of exactly len bytes) and
 * checks every invariant. */
static void check_ip4(const uint8_t *buf, size_t len)
{
    struct hw__parsed a, b, icmp;
    size_t ihl = 0, tot = 0;
    bool valid;

    FUZZ_CHECK(hw__parse_ip4(buf, len, &a) == a.kind);
    fuzz_parsed_check(&a, buf, len, AF_INET);

    /* The same bytes give the same answer. */
    hw__parse_ip4(buf, len, &b);
    FUZZ_CHECK(fuzz_parsed_equal(&a, buf, &b, buf));

    valid = len >= HW_IP4_HDR_MIN && buf[0] >> 4 == 4;
    if (valid) {
        ihl = (size_t)(buf[0] & 0x0f) * 4;
        tot = fuzz_rd16(buf + 2);
        valid = ihl >= HW_IP4_HDR_MIN && ihl <= len && tot >= ihl && tot <= len;
    }
    if (!valid) {
        FUZZ_CHECK(a.kind == HW_PKT_MALFORMED);
        FUZZ_CHECK(a.ip_ttl == -1 && a.ip_src.family == AF_UNSPEC);
        return;
    }
    FUZZ_CHECK(a.ip_ttl == buf[8]);
    FUZZ_CHECK(fuzz_is_addr4(&a.ip_src, buf + 12));
    if ((fuzz_rd16(buf + 6) & 0x1fff) != 0 || buf[9] != IPPROTO_ICMP) {
        FUZZ_CHECK(a.kind == HW_PKT_IGNORED);
        return;
    }
    /* Bytes past the total length are not part of the packet. */
    FUZZ_CHECK(a.icmp_len == tot - ihl);

    /* With a valid header, the IP layer only adds its own fields (and, for
     * an echo reply, the probe's source: where the reply went). */
    hw__parse_icmp4(buf + ihl, tot - ihl, &icmp);
    icmp.ip_ttl = a.ip_ttl;
    icmp.ip_src = a.ip_src;
    if (a.kind == HW_PKT_ECHO_REPLY) {
        FUZZ_CHECK(fuzz_is_addr4(&a.probe.src, buf + 16));
        icmp.probe.src = a.probe.src;
    }
    FUZZ_CHECK(fuzz_parsed_equal(&a, buf, &icmp, buf));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = fuzz_dup(data, size);

    check_ip4(buf, size);

    /* Again with the ICMP (and extension) checksums made to verify, when
     * the outer header lets us find the ICMP message. */
    if (size >= HW_IP4_HDR_MIN && buf[0] >> 4 == 4 && buf[9] == IPPROTO_ICMP) {
        size_t ihl = (size_t)(buf[0] & 0x0f) * 4, tot = fuzz_rd16(buf + 2);

        if (ihl >= HW_IP4_HDR_MIN && ihl <= tot && tot <= size) {
            fuzz_icmp4_fix(buf + ihl, tot - ihl);
            if (memcmp(buf, data, size) != 0)
                check_ip4(buf, size);
        }
    }
    free(buf);
    return 0;
}
