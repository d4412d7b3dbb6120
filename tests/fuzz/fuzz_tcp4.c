/* fuzz_tcp4.c - libFuzzer harness for hw__parse_tcp_ip4 (a segment from a
 * raw IPv4 TCP socket, IPv4 header first): the outer header rules, the
 * answer kinds by flags, the probe identity read back from the segment, and
 * determinism.  Each input is also parsed with its TCP checksum fixed, so
 * that l4_checksum_ok is exercised both ways.
 */
#include "packet_checks.h"

static void check_tcp4(const uint8_t *buf, size_t len)
{
    struct hw__parsed a, b;
    size_t ihl, tot, doff;
    const uint8_t *t;

    FUZZ_CHECK(hw__parse_tcp_ip4(buf, len, &a) == a.kind);
    hw__parse_tcp_ip4(buf, len, &b);
    FUZZ_CHECK(fuzz_parsed_equal(&a, buf, &b, buf));
    FUZZ_CHECK(a.kind == HW_PKT_MALFORMED || a.kind == HW_PKT_IGNORED ||
               a.kind == HW_PKT_TCP_SYNACK || a.kind == HW_PKT_TCP_RST);
    FUZZ_CHECK(a.probe.payload == NULL && a.n_mpls == 0);
    if (len < HW_IP4_HDR_MIN || buf[0] >> 4 != 4) {
        FUZZ_CHECK(a.kind == HW_PKT_MALFORMED);
        return;
    }
    ihl = (size_t)(buf[0] & 0x0f) * 4;
    tot = fuzz_rd16(buf + 2);
    if (ihl < HW_IP4_HDR_MIN || ihl > len || tot < ihl || tot > len) {
        FUZZ_CHECK(a.kind == HW_PKT_MALFORMED);
        return;
    }
    if ((fuzz_rd16(buf + 6) & 0x1fff) != 0 || buf[9] != IPPROTO_TCP) {
        FUZZ_CHECK(a.kind == HW_PKT_IGNORED);
        return;
    }
    t = buf + ihl;
    if (tot - ihl < 20) {
        FUZZ_CHECK(a.kind == HW_PKT_MALFORMED);
        return;
    }
    doff = (size_t)(t[12] >> 4) * 4;
    if (doff < 20 || doff > tot - ihl) {
        FUZZ_CHECK(a.kind == HW_PKT_MALFORMED);
        return;
    }
    /* As seen from the probe: our port is where the segment went. */
    FUZZ_CHECK(a.probe.proto == IPPROTO_TCP);
    FUZZ_CHECK(a.probe.sport == fuzz_rd16(t + 2) && a.probe.dport == fuzz_rd16(t));
    FUZZ_CHECK(a.probe.tcp_flags == t[13]);
    FUZZ_CHECK(a.probe.tcp_seq == ((t[13] & 0x10) ? fuzz_rd32(t + 8) - 1 : fuzz_rd32(t + 4)));
    if (t[13] & 0x04)
        FUZZ_CHECK(a.kind == HW_PKT_TCP_RST);
    else if ((t[13] & 0x12) == 0x12)
        FUZZ_CHECK(a.kind == HW_PKT_TCP_SYNACK);
    else
        FUZZ_CHECK(a.kind == HW_PKT_IGNORED);
    FUZZ_CHECK(a.ip_ttl == buf[8] && fuzz_is_addr4(&a.ip_src, buf + 12));
}

/* Make the TCP checksum of the segment at t (len bytes) verify. */
static void fix_tcp4(uint8_t *ip, uint8_t *t, size_t len)
{
    uint8_t pseudo[12];
    uint32_t sum = 0;

    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = IPPROTO_TCP;
    pseudo[10] = (uint8_t)(len >> 8);
    pseudo[11] = (uint8_t)len;
    t[16] = t[17] = 0;
    for (size_t i = 0; i < 12; i += 2)
        sum += (uint32_t)pseudo[i] << 8 | pseudo[i + 1];
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)t[i] << 8 | t[i + 1];
    if (len & 1)
        sum += (uint32_t)t[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    t[16] = (uint8_t)(~sum >> 8);
    t[17] = (uint8_t)~sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = fuzz_dup(data, size);

    check_tcp4(buf, size);
    if (size >= HW_IP4_HDR_MIN && buf[0] >> 4 == 4 && buf[9] == IPPROTO_TCP) {
        size_t ihl = (size_t)(buf[0] & 0x0f) * 4, tot = fuzz_rd16(buf + 2);

        if (ihl >= HW_IP4_HDR_MIN && ihl + 20 <= tot && tot <= size) {
            struct hw__parsed p;

            fix_tcp4(buf, buf + ihl, tot - ihl);
            hw__parse_tcp_ip4(buf, size, &p);
            /* A segment that was looked at at all verifies now (a
             * non-first fragment is ignored before its checksum). */
            if (p.kind == HW_PKT_TCP_SYNACK || p.kind == HW_PKT_TCP_RST)
                FUZZ_CHECK(p.l4_checksum_ok);
            check_tcp4(buf, size);
        }
    }
    free(buf);
    return 0;
}
