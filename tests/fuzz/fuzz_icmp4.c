/* fuzz_icmp4.c - libFuzzer harness for hw__parse_icmp4 (an ICMPv4 message
 * from a datagram socket, no IP header).  Checks the fields read straight
 * from the header, the checksum rule, and that the same message behind a
 * valid IPv4 header (hw__parse_ip4) parses the same.  Each input is parsed
 * as received and once more with its checksums fixed.
 */
#include "packet_checks.h"

/* Longest ICMP message that still fits behind a 20-byte IPv4 header. */
#define ICMP4_WRAP_MAX (0xffff - HW_IP4_HDR_MIN)

/* Puts the message behind a minimal IPv4 header and checks that the IP
 * layer only adds its own fields. */
static void check_wrapped(const uint8_t *buf, size_t len, const struct hw__parsed *a)
{
    static const uint8_t hdr[HW_IP4_HDR_MIN] = {
        0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, IPPROTO_ICMP,
        0x00, 0x00, 198, 18, 0, 2, 198, 18, 0, 1,
    };
    struct hw__parsed ip, want = *a;
    uint8_t *pkt;
    size_t tot = HW_IP4_HDR_MIN + len;

    if (len > ICMP4_WRAP_MAX)
        return;
    pkt = malloc(tot);
    if (pkt == NULL)
        abort();
    memcpy(pkt, hdr, sizeof(hdr));
    pkt[2] = (uint8_t)(tot >> 8);
    pkt[3] = (uint8_t)tot;
    memcpy(pkt + HW_IP4_HDR_MIN, buf, len);

    hw__parse_ip4(pkt, tot, &ip);
    fuzz_parsed_check(&ip, pkt, tot, AF_INET);
    want.ip_ttl = 0x40;
    want.ip_src = ip.ip_src;
    FUZZ_CHECK(fuzz_is_addr4(&ip.ip_src, hdr + 12));
    if (a->kind == HW_PKT_ECHO_REPLY) {
        FUZZ_CHECK(fuzz_is_addr4(&ip.probe.src, hdr + 16));
        want.probe.src = ip.probe.src;
    }
    FUZZ_CHECK(fuzz_parsed_equal(&ip, pkt + HW_IP4_HDR_MIN, &want, buf));
    free(pkt);
}

/* Parses len bytes at buf (a malloc'ed buffer of exactly len bytes) and
 * checks every invariant. */
static void check_icmp4(const uint8_t *buf, size_t len)
{
    struct hw__parsed a, b;

    FUZZ_CHECK(hw__parse_icmp4(buf, len, &a) == a.kind);
    fuzz_parsed_check(&a, buf, len, AF_INET);
    hw__parse_icmp4(buf, len, &b);
    FUZZ_CHECK(fuzz_parsed_equal(&a, buf, &b, buf));

    /* No IP header: no IP fields. */
    FUZZ_CHECK(a.ip_ttl == -1 && a.ip_src.family == AF_UNSPEC);
    FUZZ_CHECK(a.icmp_len == len);
    if (len < HW_ICMP_HDR) {
        FUZZ_CHECK(a.kind == HW_PKT_MALFORMED);
        return;
    }
    FUZZ_CHECK(a.type == buf[0] && a.code == buf[1]);
    FUZZ_CHECK((a.kind == HW_PKT_BAD_CHECKSUM) == (hw__inet_checksum(buf, len) != 0));
    if (a.kind != HW_PKT_BAD_CHECKSUM) {
        switch (buf[0]) {
        case 0:
            FUZZ_CHECK(a.kind == HW_PKT_ECHO_REPLY);
            FUZZ_CHECK(a.probe.ident == fuzz_rd16(buf + 4) && a.probe.seq == fuzz_rd16(buf + 6));
            FUZZ_CHECK(a.probe.payload == (len > HW_ICMP_HDR ? buf + HW_ICMP_HDR : NULL));
            FUZZ_CHECK(a.probe.src.family == AF_UNSPEC);
            break;
        case 3:
        case 4:
        case 11:
        case 12:
            /* An error: its own kind when it quotes a probe, else one of
             * these two. */
            FUZZ_CHECK(a.kind == HW_PKT_MALFORMED || a.kind == HW_PKT_IGNORED
                       || fuzz_kind_type(a.kind, AF_INET) == buf[0]);
            if (buf[0] == 3 && buf[1] == 4)
                FUZZ_CHECK(a.mtu == fuzz_rd16(buf + 6));
            if (buf[0] == 12)
                FUZZ_CHECK(a.pointer == buf[4]);
            /* The probe is read from the quoted IPv4 header. */
            if (a.kind > HW_PKT_ECHO_REPLY) {
                FUZZ_CHECK(fuzz_is_addr4(&a.probe.src, buf + HW_ICMP_HDR + 12));
                FUZZ_CHECK(fuzz_is_addr4(&a.probe.dst, buf + HW_ICMP_HDR + 16));
                FUZZ_CHECK(a.probe.quoted_ttl == buf[HW_ICMP_HDR + 8]);
            }
            break;
        default:
            FUZZ_CHECK(a.kind == HW_PKT_IGNORED);
            break;
        }
    }
    check_wrapped(buf, len, &a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = fuzz_dup(data, size);

    check_icmp4(buf, size);
    fuzz_icmp4_fix(buf, size);
    if (size > 0 && memcmp(buf, data, size) != 0)
        check_icmp4(buf, size);
    free(buf);
    return 0;
}
