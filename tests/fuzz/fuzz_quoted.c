/* fuzz_quoted.c - libFuzzer harness for hw__parse_quoted_l4 (the quoted
 * probe an unprivileged socket's error queue hands over) and
 * hw__parse_tcp6 (a segment from a raw IPv6 TCP socket).  The first input
 * byte picks the protocol; the rest is the bytes.  Checks bounds, the
 * fields read back, and determinism.
 */
#include "packet_checks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t protos[] = {IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_UDP, IPPROTO_TCP};
    struct hw__probe_id a, b;
    struct hw__parsed pa, pb;
    struct in6_addr src = {{{0x20, 0x01, 0, 2, [15] = 1}}};
    struct in6_addr dst = {{{0x20, 0x01, 0, 2, [15] = 2}}};
    uint8_t proto;
    uint8_t *buf;
    bool ok;

    if (size == 0)
        return 0;
    proto = protos[data[0] % 4];
    buf = fuzz_dup(data + 1, size - 1);
    size--;

    ok = hw__parse_quoted_l4(proto, buf, size, &a);
    FUZZ_CHECK(ok == hw__parse_quoted_l4(proto, buf, size, &b));
    FUZZ_CHECK(a.proto == proto);
    FUZZ_CHECK(a.src.family == AF_UNSPEC && a.dst.family == AF_UNSPEC);
    if (size < 8)
        FUZZ_CHECK(!ok);
    if (a.payload != NULL)
        FUZZ_CHECK(a.payload >= buf && a.payload + a.payload_len <= buf + size);
    if (ok && (proto == IPPROTO_UDP || proto == IPPROTO_TCP)) {
        FUZZ_CHECK(a.sport == fuzz_rd16(buf) && a.dport == fuzz_rd16(buf + 2));
        if (proto == IPPROTO_TCP)
            FUZZ_CHECK(a.tcp_seq == fuzz_rd32(buf + 4));
        else
            FUZZ_CHECK(a.udp_checksum == fuzz_rd16(buf + 6));
    }
    if (ok && (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)) {
        FUZZ_CHECK(buf[0] == (proto == IPPROTO_ICMP ? 8 : 128));
        FUZZ_CHECK(a.ident == fuzz_rd16(buf + 4) && a.seq == fuzz_rd16(buf + 6));
    }

    hw__parse_tcp6(buf, size, &src, &dst, &pa);
    hw__parse_tcp6(buf, size, &src, &dst, &pb);
    FUZZ_CHECK(fuzz_parsed_equal(&pa, buf, &pb, buf));
    FUZZ_CHECK(pa.kind == HW_PKT_MALFORMED || pa.kind == HW_PKT_IGNORED ||
               pa.kind == HW_PKT_TCP_SYNACK || pa.kind == HW_PKT_TCP_RST);
    if (size < 20)
        FUZZ_CHECK(pa.kind == HW_PKT_MALFORMED);
    free(buf);
    return 0;
}
