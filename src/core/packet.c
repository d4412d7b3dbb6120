/* packet.c - building ICMP echo, UDP and TCP SYN probes and parsing what
 * comes back: ICMP/ICMPv6 replies and errors, and TCP answers.
 *
 * One small function per layer: outer IPv4, ICMPv4, ICMPv6, quoted IPv4,
 * quoted IPv6 (with its extension header walk), the quoted transport header,
 * RFC 4884 extensions, and TCP.
 *
 * MALFORMED versus IGNORED.  A packet is MALFORMED when a structure it claims
 * to contain does not fit in the bytes received or contradicts itself, up to
 * and including the IP layer of a quoted datagram:
 *   - outer IPv4: version != 4, IHL < 5, header or total length beyond the
 *     bytes received, total length < header length;
 *   - ICMP message shorter than its 8-byte header;
 *   - an error message whose quote is shorter than the quoted IP header (20
 *     bytes, the IHL for IPv4, 40 bytes for IPv6), a quoted IP version that
 *     does not match the family, a quoted IHL < 5, a quoted total length
 *     smaller than the quoted IHL, or a quoted IPv6 extension header that
 *     runs past the quoted payload length or past the quote;
 *   - a TCP answer shorter than the 20-byte TCP header, or whose data offset
 *     is below 5 or beyond the segment (checked after its checksum).
 * A packet is IGNORED when it is well formed but cannot be a probe of ours:
 * ICMP types we do not track, an outer IPv4 packet that is a non-first
 * fragment or of the wrong protocol (not ICMP for hw__parse_ip4, not TCP for
 * hw__parse_tcp_ip4), a TCP segment that is neither SYN+ACK nor RST, and
 * errors whose quoted datagram is a non-first fragment, carries a protocol
 * other than ICMP(v6), UDP and TCP (ESP, SCTP, no next header, ...), has more
 * than IP6_EXT_MAX extension headers, quotes an ICMP message that is not an
 * echo request, or stops before the 8 transport bytes that identify a probe
 * (the echo header; UDP ports, length and checksum; TCP ports and sequence
 * number).  The last case is IGNORED rather than MALFORMED because nothing in
 * it claims more bytes than were sent: the router simply quoted too little to
 * match a probe.  Nothing past the IP layer of a quote is validated: a quoted
 * UDP length or TCP header is reported as it is, not checked.
 *
 * RFC 4884 extensions never change the kind: a length field that is below
 * the 128-byte minimum or points past the message is treated as absent (the
 * whole rest is the quote; Linux's ip_icmp_error_rfc4884() also ignores such
 * lengths), and an extension structure that is truncated, has the wrong
 * version, a failing checksum or broken objects only loses its MPLS labels.
 */
#include "core/packet.h"

#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* ICMPv4 and ICMPv6 message types this file looks at. */
#define ICMP4_ECHO_REPLY 0
#define ICMP4_DEST_UNREACH 3
#define ICMP4_SOURCE_QUENCH 4
#define ICMP4_ECHO_REQUEST 8
#define ICMP4_TIME_EXCEEDED 11
#define ICMP4_PARAM_PROBLEM 12
#define ICMP4_FRAG_NEEDED 4 /* dest unreach code: fragmentation needed */
#define ICMP6_DEST_UNREACH 1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAM_PROBLEM 4
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129

/* IPv6 next-header values of the extension headers walked in a quote. */
#define NH_HOPOPTS 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_AH 51
#define NH_DSTOPTS 60

/* RFC 4884: an "original datagram" field followed by extensions must be at
 * least 128 bytes long; legacy (pre-RFC) senders put the extension structure
 * at exactly this offset without setting the length field. */
#define EXT_QUOTE_MIN 128
#define EXT_HDR_LEN 4
#define EXT_OBJ_HDR_LEN 4
#define EXT_VERSION 2
#define EXT_CLASS_MPLS 1
#define EXT_CTYPE_MPLS 1

/* More extension headers than any real datagram carries: a quote with more
 * is IGNORED (the length checks alone would also end the walk). */
#define IP6_EXT_MAX 16

/* The transport bytes that identify a probe: the ICMP echo header, the UDP
 * header, or the TCP ports and sequence number.  RFC 792 routers quote
 * exactly this much after the IP header. */
#define L4_ID_LEN 8

/* UDP header length; the largest datagram its 16-bit length field allows. */
#define UDP_HDR 8
#define UDP_MAX 0xffff

/* TCP header sizes, flags and the fields of our SYN.  MSS 1460 and window
 * 64240 (44 * 1460) are what a Linux host on Ethernet sends, so the SYN
 * looks like an ordinary connection attempt to middleboxes. */
#define TCP_HDR_MIN 20
#define TCP_SYN_LEN 24
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10
#define TCP_OPT_MSS 2
#define TCP_OPT_MSS_LEN 4
#define TCP_MSS 1460
#define TCP_WINDOW 64240

/* Loads a 16-bit big-endian value; the caller has checked 2 bytes remain. */
static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/* Loads a 32-bit big-endian value; the caller has checked 4 bytes remain. */
static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Adds len bytes as big-endian 16-bit words to a running one's complement
 * sum (an odd last byte is padded with zero, RFC 1071).  A 64-bit
 * accumulator cannot overflow for any buffer that fits in memory. */
static uint64_t sum_words(uint64_t sum, const uint8_t *p, size_t len)
{
    while (len >= 2) {
        sum += rd16(p);
        p += 2;
        len -= 2;
    }
    if (len == 1)
        sum += (uint64_t)p[0] << 8;
    return sum;
}

/* Folds a running sum to 16 bits (end-around carry), not complemented, in
 * host order.  Any non-zero sum folds to 1..0xffff, never to 0. */
static uint16_t fold16(uint64_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* Folds a running sum to 16 bits, complements it and returns it in network
 * byte order, ready to be stored with memcpy. */
static uint16_t fold_checksum(uint64_t sum)
{
    return htons((uint16_t)~fold16(sum));
}

/* Stores a 16-bit value big-endian. */
static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Stores a 32-bit value big-endian. */
static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* The running sum of a transport pseudo-header: source and destination
 * (alen bytes each: 4 for IPv4, 16 for IPv6), then the protocol and the
 * upper-layer length.  IPv4 (RFC 768/793) has a zero byte, the protocol and
 * a 16-bit length; IPv6 (RFC 8200 section 8.1) a 32-bit length, three zero
 * bytes and the next header.  The zero bytes add nothing and a 32-bit
 * length adds its two halves, so one formula serves both as long as len
 * fits in 32 bits (a TCP or UDP length always does). */
static uint64_t pseudo_sum(const uint8_t *src, const uint8_t *dst, size_t alen, uint8_t proto,
                           size_t len)
{
    uint64_t sum = sum_words(0, src, alen);

    sum = sum_words(sum, dst, alen);
    return sum + proto + ((uint64_t)len >> 16 & 0xffff) + ((uint64_t)len & 0xffff);
}

/* The pseudo-header sum for a probe from src to dst; the families have been
 * checked to be equal and AF_INET or AF_INET6. */
static uint64_t addr_pseudo_sum(const struct hw_addr *src, const struct hw_addr *dst,
                                uint8_t proto, size_t len)
{
    if (src->family == AF_INET)
        return pseudo_sum((const uint8_t *)&src->u.v4.s_addr,
                          (const uint8_t *)&dst->u.v4.s_addr, 4, proto, len);
    return pseudo_sum(src->u.v6.s6_addr, dst->u.v6.s6_addr, 16, proto, len);
}

uint16_t hw__inet_checksum(const void *data, size_t len)
{
    return fold_checksum(sum_words(0, data, len));
}

uint16_t hw__icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
                            const void *msg, size_t len)
{
    uint8_t tail[8];
    uint64_t sum;

    /* The pseudo-header: source, destination, 32-bit upper-layer length,
     * three zero bytes and the next header (58). */
    tail[0] = (uint8_t)(len >> 24);
    tail[1] = (uint8_t)(len >> 16);
    tail[2] = (uint8_t)(len >> 8);
    tail[3] = (uint8_t)len;
    tail[4] = 0;
    tail[5] = 0;
    tail[6] = 0;
    tail[7] = IPPROTO_ICMPV6;
    sum = sum_words(0, src->s6_addr, sizeof(src->s6_addr));
    sum = sum_words(sum, dst->s6_addr, sizeof(dst->s6_addr));
    sum = sum_words(sum, tail, sizeof(tail));
    return fold_checksum(sum_words(sum, msg, len));
}

uint16_t hw__sum16(const void *data, size_t len)
{
    return fold16(sum_words(0, data, len));
}

uint16_t hw__icmp6_checksum_of_sum(const struct in6_addr *src, const struct in6_addr *dst,
                                   size_t len, uint16_t msgsum)
{
    return fold_checksum(pseudo_sum(src->s6_addr, dst->s6_addr, 16, IPPROTO_ICMPV6, len) +
                         msgsum);
}

size_t hw__build_echo(int family, uint8_t *buf, size_t cap, uint16_t ident, uint16_t seq,
                      const uint8_t *payload, size_t plen)
{
    uint16_t sum;

    if (family != AF_INET && family != AF_INET6)
        return 0;
    if (cap < HW_ICMP_HDR || plen > cap - HW_ICMP_HDR)
        return 0;
    buf[0] = family == AF_INET ? ICMP4_ECHO_REQUEST : ICMP6_ECHO_REQUEST;
    buf[1] = 0;
    buf[2] = 0;
    buf[3] = 0;
    buf[4] = (uint8_t)(ident >> 8);
    buf[5] = (uint8_t)ident;
    buf[6] = (uint8_t)(seq >> 8);
    buf[7] = (uint8_t)seq;
    /* memcpy with a NULL source is undefined even for 0 bytes. */
    if (plen > 0)
        memcpy(buf + HW_ICMP_HDR, payload, plen);
    if (family == AF_INET) {
        sum = hw__inet_checksum(buf, HW_ICMP_HDR + plen);
        memcpy(buf + 2, &sum, sizeof(sum));
    }
    return HW_ICMP_HDR + plen;
}

/* True when a transport header of hlen bytes plus plen payload bytes can be
 * built from src to dst: one supported family, room in cap (checked without
 * overflow), and a total that fits a 16-bit length field. */
static bool l4_fits(const struct hw_addr *src, const struct hw_addr *dst, size_t cap,
                    size_t hlen, size_t plen)
{
    if (src->family != dst->family || (src->family != AF_INET && src->family != AF_INET6))
        return false;
    if (cap < hlen || plen > cap - hlen)
        return false;
    return plen <= UDP_MAX - hlen;
}

/* Writes the UDP header (checksum 0) and copies the first copy of the plen
 * payload bytes (the Paris builder leaves the last two to fill in); the
 * caller has checked the sizes. */
static void udp_write(uint8_t *buf, uint16_t sport, uint16_t dport, const uint8_t *payload,
                      size_t copy, size_t plen)
{
    wr16(buf, sport);
    wr16(buf + 2, dport);
    wr16(buf + 4, (uint16_t)(UDP_HDR + plen));
    wr16(buf + 6, 0);
    /* memcpy with a NULL source is undefined even for 0 bytes. */
    if (copy > 0)
        memcpy(buf + UDP_HDR, payload, copy);
}

size_t hw__build_udp(uint8_t *buf, size_t cap, const struct hw_addr *src,
                     const struct hw_addr *dst, uint16_t sport, uint16_t dport,
                     const uint8_t *payload, size_t plen)
{
    size_t len = UDP_HDR + plen;
    uint16_t sum;

    if (!l4_fits(src, dst, cap, UDP_HDR, plen))
        return 0;
    udp_write(buf, sport, dport, payload, plen, plen);
    sum = fold_checksum(sum_words(addr_pseudo_sum(src, dst, IPPROTO_UDP, len), buf, len));
    /* RFC 768: a computed 0 is sent as its one's complement twin 0xffff,
     * because 0 on the wire means "no checksum" (and is not allowed at all
     * over IPv6, RFC 8200 section 8.1). */
    if (sum == 0)
        sum = 0xffff;
    memcpy(buf + 6, &sum, sizeof(sum));
    return len;
}

/* Paris checksum.  Let S be the folded sum of the pseudo-header and the
 * datagram with the checksum field and the two adjustable bytes zero, T =
 * ~want, and X the 16-bit value the two bytes add to the sum.  The checksum
 * comes out as want when fold(S + X) == T, so X = T - S in one's complement
 * arithmetic, i.e. fold(T + ~S).  That is never 0 (T is not 0); it can be
 * 0xffff, the "negative zero" that adds the same as 0x0000, and then 0x0000
 * is stored as the plainer of the two equivalent choices.  fold(S + X) is
 * then congruent to T modulo 0xffff and non-zero, and since want is neither
 * 0 nor 0xffff, T lies in 1..0xfffe, so it is exactly T: the checksum is
 * ~T = want, which is not 0 and so needs no RFC 768 substitution.
 *
 * Alignment: the pseudo-header (12 or 40 bytes) and the UDP header are of
 * even length, so the datagram's byte i is the high byte of a sum word when
 * i is even.  With an even plen the two last payload bytes form one word and
 * hold X big-endian.  With an odd plen the second-to-last byte is the low
 * byte of one word and the last byte the high byte of the zero-padded final
 * word, so they hold X byte-swapped: low byte first, high byte last.  Both
 * parities therefore work and plen needs only be >= 2. */
size_t hw__build_udp_paris(uint8_t *buf, size_t cap, const struct hw_addr *src,
                           const struct hw_addr *dst, uint16_t sport, uint16_t dport,
                           const uint8_t *payload, size_t plen, uint16_t want)
{
    size_t len = UDP_HDR + plen;
    uint16_t s, x;
    uint8_t *adj;

    if (want == 0 || want == 0xffff || plen < 2 || !l4_fits(src, dst, cap, UDP_HDR, plen))
        return 0;
    /* Only the payload bytes that are kept are read: the caller may pass a
     * buffer of plen - 2 bytes. */
    udp_write(buf, sport, dport, payload, plen - 2, plen);
    adj = buf + len - 2;
    adj[0] = 0;
    adj[1] = 0;
    s = fold16(sum_words(addr_pseudo_sum(src, dst, IPPROTO_UDP, len), buf, len));
    x = fold16((uint64_t)(uint16_t)~want + (uint16_t)~s);
    if (x == 0xffff)
        x = 0;
    if (plen % 2 == 0) {
        adj[0] = (uint8_t)(x >> 8);
        adj[1] = (uint8_t)x;
    } else {
        adj[0] = (uint8_t)x;
        adj[1] = (uint8_t)(x >> 8);
    }
    wr16(buf + 6, want);
    return len;
}

size_t hw__build_tcp_syn(uint8_t *buf, size_t cap, const struct hw_addr *src,
                         const struct hw_addr *dst, uint16_t sport, uint16_t dport,
                         uint32_t seq)
{
    uint16_t sum;

    if (!l4_fits(src, dst, cap, TCP_SYN_LEN, 0))
        return 0;
    wr16(buf, sport);
    wr16(buf + 2, dport);
    wr32(buf + 4, seq);
    wr32(buf + 8, 0);                          /* acknowledgment number */
    buf[12] = (TCP_SYN_LEN / 4) << 4;          /* data offset 6, reserved 0 */
    buf[13] = TCP_SYN;
    wr16(buf + 14, TCP_WINDOW);
    wr16(buf + 16, 0);                         /* checksum, filled in below */
    wr16(buf + 18, 0);                         /* urgent pointer */
    buf[20] = TCP_OPT_MSS;
    buf[21] = TCP_OPT_MSS_LEN;
    wr16(buf + 22, TCP_MSS);
    sum = fold_checksum(sum_words(addr_pseudo_sum(src, dst, IPPROTO_TCP, TCP_SYN_LEN), buf,
                                  TCP_SYN_LEN));
    memcpy(buf + 16, &sum, sizeof(sum));
    return TCP_SYN_LEN;
}

/* Puts *out in its "nothing known yet" state. */
static void parsed_init(struct hw__parsed *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = HW_PKT_MALFORMED;
    out->ip_ttl = -1;
    out->ip_src.family = AF_UNSPEC;
    out->probe.src.family = AF_UNSPEC;
    out->probe.dst.family = AF_UNSPEC;
    out->probe.payload = NULL;
    out->probe.quoted_ttl = -1;
}

/* Stores the 4 address bytes at p as an IPv4 hw_addr. */
static void addr4_set(struct hw_addr *a, const uint8_t *p)
{
    memset(a, 0, sizeof(*a));
    a->family = AF_INET;
    memcpy(&a->u.v4.s_addr, p, 4);
}

/* Stores the 16 address bytes at p as an IPv6 hw_addr. */
static void addr6_set(struct hw_addr *a, const uint8_t *p)
{
    memset(a, 0, sizeof(*a));
    a->family = AF_INET6;
    memcpy(a->u.v6.s6_addr, p, 16);
}

/* Reads an echo request header and payload (len bytes at p, the end of the
 * quoted datagram already applied) into the probe.  Returns false when it is
 * not a complete echo request header of type echo_type. */
static bool quoted_echo(const uint8_t *p, size_t len, uint8_t echo_type,
                        struct hw__probe_id *probe)
{
    if (len < HW_ICMP_HDR || p[0] != echo_type)
        return false;
    probe->icmp_checksum = rd16(p + 2);
    probe->ident = rd16(p + 4);
    probe->seq = rd16(p + 6);
    probe->payload_len = len - HW_ICMP_HDR;
    probe->payload = probe->payload_len > 0 ? p + HW_ICMP_HDR : NULL;
    return true;
}

/* Reads the transport header of a quoted probe (len bytes at p, the end of
 * the quoted datagram already applied) into the probe: for icmp_proto (the
 * family's ICMP) an echo request of type echo_type, for UDP the ports,
 * length, checksum and payload, for TCP the ports and sequence number.
 * Returns false for any other protocol or ICMP type, or fewer than the 8
 * bytes that identify a probe; nothing is written then. */
static bool quoted_l4(uint8_t proto, uint8_t icmp_proto, uint8_t echo_type, const uint8_t *p,
                      size_t len, struct hw__probe_id *probe)
{
    if (len < L4_ID_LEN)
        return false;
    if (proto == icmp_proto)
        return quoted_echo(p, len, echo_type, probe);
    switch (proto) {
    case IPPROTO_UDP:
        probe->sport = rd16(p);
        probe->dport = rd16(p + 2);
        probe->udp_len = rd16(p + 4);
        probe->udp_checksum = rd16(p + 6);
        probe->payload_len = len - UDP_HDR;
        probe->payload = probe->payload_len > 0 ? p + UDP_HDR : NULL;
        return true;
    case IPPROTO_TCP:
        probe->sport = rd16(p);
        probe->dport = rd16(p + 2);
        probe->tcp_seq = rd32(p + 4);
        return true;
    default:
        return false;
    }
}

/* Puts a probe id in its "nothing known yet" state. */
static void probe_init(struct hw__probe_id *probe)
{
    memset(probe, 0, sizeof(*probe));
    probe->src.family = AF_UNSPEC;
    probe->dst.family = AF_UNSPEC;
    probe->payload = NULL;
    probe->quoted_ttl = -1;
}

bool hw__parse_quoted_l4(uint8_t proto, const uint8_t *buf, size_t len, struct hw__probe_id *out)
{
    probe_init(out);
    out->proto = proto;
    if (proto == IPPROTO_ICMPV6)
        return quoted_l4(proto, IPPROTO_ICMPV6, ICMP6_ECHO_REQUEST, buf, len, out);
    return quoted_l4(proto, IPPROTO_ICMP, ICMP4_ECHO_REQUEST, buf, len, out);
}

/* Takes the MPLS label stack entries out of one class 1 / c-type 1 object
 * body, keeping at most HW_MPLS_MAX over the whole message. */
static void ext_mpls(const uint8_t *p, size_t len, struct hw__parsed *out)
{
    uint32_t v;

    while (len >= 4 && out->n_mpls < HW_MPLS_MAX) {
        v = rd32(p);
        out->mpls[out->n_mpls].label = v >> 12;
        out->mpls[out->n_mpls].tc = (uint8_t)(v >> 9 & 7);
        out->mpls[out->n_mpls].bottom = (v >> 8 & 1) != 0;
        out->mpls[out->n_mpls].ttl = (uint8_t)v;
        out->n_mpls++;
        p += 4;
        len -= 4;
    }
}

/* True when len bytes at p start with a version 2 extension header whose
 * checksum verifies over all of them. */
static bool ext_valid(const uint8_t *p, size_t len)
{
    return len >= EXT_HDR_LEN && p[0] >> 4 == EXT_VERSION && hw__inet_checksum(p, len) == 0;
}

/* Parses an RFC 4884 extension structure (len bytes at p, to the end of the
 * ICMP message).  The walk stops at the first object whose length is below
 * its own header or runs past the end; each step consumes at least 4 bytes,
 * so it ends within len / 4 steps. */
static void ext_parse(const uint8_t *p, size_t len, struct hw__parsed *out)
{
    size_t off, olen;

    if (len < EXT_HDR_LEN || p[0] >> 4 != EXT_VERSION)
        return;
    /* RFC 4884 section 7: an all-zero checksum means none was sent. */
    if (rd16(p + 2) != 0 && hw__inet_checksum(p, len) != 0) {
        out->ext_bad_checksum = true;
        return;
    }
    off = EXT_HDR_LEN;
    while (len - off >= EXT_OBJ_HDR_LEN) {
        olen = rd16(p + off);
        if (olen < EXT_OBJ_HDR_LEN || olen > len - off)
            return;
        if (p[off + 2] == EXT_CLASS_MPLS && p[off + 3] == EXT_CTYPE_MPLS)
            ext_mpls(p + off + EXT_OBJ_HDR_LEN, olen - EXT_OBJ_HDR_LEN, out);
        off += olen;
    }
}

/* Splits the data after an ICMP error header (len bytes at p) into the
 * quoted datagram and an RFC 4884 extension structure.  words is the
 * message's length field and unit its unit (4 for ICMPv4, 8 for ICMPv6).
 * Parses the extensions and returns the length of the quote. */
static size_t ext_split(const uint8_t *p, size_t len, unsigned words, unsigned unit,
                        struct hw__parsed *out)
{
    size_t qlen = (size_t)words * unit;

    if (words != 0) {
        /* A length below the RFC minimum or beyond the message is not a
         * usable RFC 4884 length: treat the message as extension-free. */
        if (qlen < EXT_QUOTE_MIN || qlen > len)
            return len;
        ext_parse(p + qlen, len - qlen, out);
        return qlen;
    }
    /* Legacy senders: no length field, extensions at a fixed offset of 128,
     * recognised only by a valid version and a checksum that verifies (a
     * zero checksum field proves nothing here, it could be padding). */
    if (len > EXT_QUOTE_MIN + EXT_HDR_LEN && rd16(p + EXT_QUOTE_MIN + 2) != 0
        && ext_valid(p + EXT_QUOTE_MIN, len - EXT_QUOTE_MIN)) {
        ext_parse(p + EXT_QUOTE_MIN, len - EXT_QUOTE_MIN, out);
        return EXT_QUOTE_MIN;
    }
    return len;
}

/* Parses the datagram quoted by an ICMPv4 error into out->probe; kind is the
 * error's kind, returned when the quote can be one of our probes (an echo
 * request, a UDP datagram or a TCP segment with its first 8 bytes). */
static enum hw__pkt_kind quote4_parse(const uint8_t *q, size_t qlen, enum hw__pkt_kind kind,
                                      struct hw__parsed *out)
{
    size_t ihl, tot, end;

    if (qlen < HW_IP4_HDR_MIN || q[0] >> 4 != 4)
        return HW_PKT_MALFORMED;
    ihl = (size_t)(q[0] & 0x0f) * 4;
    tot = rd16(q + 2);
    if (ihl < HW_IP4_HDR_MIN || ihl > qlen || tot < ihl)
        return HW_PKT_MALFORMED;
    addr4_set(&out->probe.src, q + 12);
    addr4_set(&out->probe.dst, q + 16);
    out->probe.quoted_ttl = q[8];
    out->probe.proto = q[9];
    /* Only the first fragment has the transport header. */
    if ((rd16(q + 6) & 0x1fff) != 0)
        return HW_PKT_IGNORED;
    /* The quote is usually shorter than the datagram; when it is longer the
     * rest is RFC 4884 zero padding and not part of the probe's payload. */
    end = tot < qlen ? tot : qlen;
    if (!quoted_l4(q[9], IPPROTO_ICMP, ICMP4_ECHO_REQUEST, q + ihl, end - ihl, &out->probe))
        return HW_PKT_IGNORED;
    return kind;
}

/* Walks the extension headers of a quoted IPv6 datagram (end bytes at q,
 * already limited to the payload length) up to the upper-layer header.
 * Returns true with *off and *nh naming it (ICMPv6, ESP, no next header, a
 * transport protocol, ...), or false with *stop set to HW_PKT_MALFORMED when
 * a header overruns, HW_PKT_IGNORED for a non-first fragment or a chain
 * longer than any real one. */
static bool ext6_walk(const uint8_t *q, size_t end, size_t *off, uint8_t *nh,
                      enum hw__pkt_kind *stop)
{
    size_t hlen;
    int i;

    *stop = HW_PKT_MALFORMED;
    for (i = 0; i <= IP6_EXT_MAX; i++) {
        switch (*nh) {
        case NH_HOPOPTS:
        case NH_ROUTING:
        case NH_DSTOPTS:
            if (end - *off < 2)
                return false;
            hlen = ((size_t)q[*off + 1] + 1) * 8;
            break;
        case NH_AH:
            if (end - *off < 2)
                return false;
            hlen = ((size_t)q[*off + 1] + 2) * 4;
            break;
        case NH_FRAGMENT:
            if (end - *off < 8)
                return false;
            /* Only the first fragment has the transport header. */
            if ((rd16(q + *off + 2) & 0xfff8) != 0) {
                *stop = HW_PKT_IGNORED;
                return false;
            }
            hlen = 8;
            break;
        default:
            return true;
        }
        if (hlen > end - *off)
            return false;
        if (i == IP6_EXT_MAX)
            break;
        *nh = q[*off];
        *off += hlen;
    }
    *stop = HW_PKT_IGNORED;
    return false;
}

/* Parses the datagram quoted by an ICMPv6 error into out->probe; kind is the
 * error's kind, returned when the quote can be one of our probes (as for
 * quote4_parse). */
static enum hw__pkt_kind quote6_parse(const uint8_t *q, size_t qlen, enum hw__pkt_kind kind,
                                      struct hw__parsed *out)
{
    size_t end, off = HW_IP6_HDR;
    uint8_t nh;
    enum hw__pkt_kind stop;

    if (qlen < HW_IP6_HDR || q[0] >> 4 != 6)
        return HW_PKT_MALFORMED;
    addr6_set(&out->probe.src, q + 8);
    addr6_set(&out->probe.dst, q + 24);
    out->probe.quoted_ttl = q[7];
    /* The payload length bounds the datagram (the rest of a longer quote is
     * padding); a jumbogram's 0 leaves nothing to look at, which is fine:
     * our probes are never jumbograms. */
    end = HW_IP6_HDR + (size_t)rd16(q + 4);
    if (end > qlen)
        end = qlen;
    nh = q[6];
    if (!ext6_walk(q, end, &off, &nh, &stop))
        return stop;
    out->probe.proto = nh;
    if (!quoted_l4(nh, IPPROTO_ICMPV6, ICMP6_ECHO_REQUEST, q + off, end - off, &out->probe))
        return HW_PKT_IGNORED;
    return kind;
}

/* Fills the probe from an echo reply (len >= 8 bytes at p). */
static void echo_reply(const uint8_t *p, size_t len, uint8_t proto, struct hw__parsed *out)
{
    out->probe.proto = proto;
    out->probe.ident = rd16(p + 4);
    out->probe.seq = rd16(p + 6);
    out->probe.payload_len = len - HW_ICMP_HDR;
    out->probe.payload = out->probe.payload_len > 0 ? p + HW_ICMP_HDR : NULL;
}

/* The ICMPv4 layer, *out already initialised. */
static enum hw__pkt_kind icmp4_parse(const uint8_t *p, size_t len, struct hw__parsed *out)
{
    enum hw__pkt_kind kind;
    size_t qlen;
    bool rfc4884 = true;

    out->icmp_len = len;
    if (len < HW_ICMP_HDR)
        return HW_PKT_MALFORMED;
    out->type = p[0];
    out->code = p[1];
    if (hw__inet_checksum(p, len) != 0)
        return HW_PKT_BAD_CHECKSUM;
    switch (p[0]) {
    case ICMP4_ECHO_REPLY:
        echo_reply(p, len, IPPROTO_ICMP, out);
        return HW_PKT_ECHO_REPLY;
    case ICMP4_DEST_UNREACH:
        kind = HW_PKT_DEST_UNREACH;
        if (p[1] == ICMP4_FRAG_NEEDED)
            out->mtu = rd16(p + 6);
        break;
    case ICMP4_TIME_EXCEEDED:
        kind = HW_PKT_TIME_EXCEEDED;
        break;
    case ICMP4_PARAM_PROBLEM:
        kind = HW_PKT_PARAM_PROBLEM;
        out->pointer = p[4];
        break;
    case ICMP4_SOURCE_QUENCH:
        /* RFC 4884 does not define a length field for source quench. */
        kind = HW_PKT_SOURCE_QUENCH;
        rfc4884 = false;
        break;
    default:
        return HW_PKT_IGNORED;
    }
    qlen = len - HW_ICMP_HDR;
    if (rfc4884)
        qlen = ext_split(p + HW_ICMP_HDR, qlen, p[5], 4, out);
    return quote4_parse(p + HW_ICMP_HDR, qlen, kind, out);
}

enum hw__pkt_kind hw__parse_icmp4(const uint8_t *buf, size_t len, struct hw__parsed *out)
{
    parsed_init(out);
    out->kind = icmp4_parse(buf, len, out);
    return out->kind;
}

/* Checks the outer IPv4 header of len bytes at p (raw socket) and records
 * its TTL and source.  Returns true with *ihl and *tot set when the packet
 * is a first fragment (or unfragmented) of protocol proto; otherwise false
 * with *stop set to HW_PKT_MALFORMED or HW_PKT_IGNORED. */
static bool ip4_outer(const uint8_t *p, size_t len, uint8_t proto, size_t *ihl, size_t *tot,
                      enum hw__pkt_kind *stop, struct hw__parsed *out)
{
    *stop = HW_PKT_MALFORMED;
    if (len < HW_IP4_HDR_MIN || p[0] >> 4 != 4)
        return false;
    *ihl = (size_t)(p[0] & 0x0f) * 4;
    *tot = rd16(p + 2);
    if (*ihl < HW_IP4_HDR_MIN || *ihl > len || *tot < *ihl || *tot > len)
        return false;
    out->ip_ttl = p[8];
    addr4_set(&out->ip_src, p + 12);
    *stop = HW_PKT_IGNORED;
    return (rd16(p + 6) & 0x1fff) == 0 && p[9] == proto;
}

/* The outer IPv4 layer, *out already initialised. */
static enum hw__pkt_kind ip4_parse(const uint8_t *p, size_t len, struct hw__parsed *out)
{
    enum hw__pkt_kind kind;
    size_t ihl, tot;

    if (!ip4_outer(p, len, IPPROTO_ICMP, &ihl, &tot, &kind, out))
        return kind;
    kind = icmp4_parse(p + ihl, tot - ihl, out);
    /* Our probe's source is where the reply was sent to. */
    if (kind == HW_PKT_ECHO_REPLY)
        addr4_set(&out->probe.src, p + 16);
    return kind;
}

enum hw__pkt_kind hw__parse_ip4(const uint8_t *buf, size_t len, struct hw__parsed *out)
{
    parsed_init(out);
    out->kind = ip4_parse(buf, len, out);
    return out->kind;
}

/* The TCP layer of an answer to a SYN probe (len bytes at p), *out already
 * initialised with the probe's addresses; psum is the pseudo-header sum for
 * len bytes.  The checksum is checked and reported in l4_checksum_ok, not
 * enforced: a segment that crossed a virtual link (veth, a VM's virtio
 * NIC) carries only the partial sum its sender left to offload, and raw
 * sockets see it so.  The probe id is filled in once the data offset is
 * good.  RST wins over SYN+ACK (RFC 9293 section 3.10.7.3: in SYN-SENT
 * a RST is checked before SYN), and a bare SYN, an ACK, a FIN, ... are not
 * answers to a SYN, so IGNORED.
 *
 * tcp_seq: a SYN-ACK or RST+ACK acknowledges our SYN, so ack - 1 is our
 * sequence number (wrapping modulo 2^32).  A RST without ACK carries no
 * acknowledgment; RFC 9293 section 3.10.7.1 has the reset for a segment
 * without ACK (such as our SYN) be <SEQ=0><ACK=SEG.SEQ+SEG.LEN><RST,ACK>, so
 * a bare RST comes from a stack or middlebox that does not follow that and
 * its seq is usually 0 or arbitrary.  tcp_seq is then that seq as it is: it
 * cannot reliably be matched to a SYN (only the ports and addresses can). */
static enum hw__pkt_kind tcp_parse(const uint8_t *p, size_t len, uint64_t psum,
                                   struct hw__parsed *out)
{
    size_t doff;
    uint8_t flags;

    if (len < TCP_HDR_MIN)
        return HW_PKT_MALFORMED;
    out->probe.proto = IPPROTO_TCP;
    out->l4_checksum_ok = fold_checksum(sum_words(psum, p, len)) == 0;
    doff = (size_t)(p[12] >> 4) * 4;
    if (doff < TCP_HDR_MIN || doff > len)
        return HW_PKT_MALFORMED;
    flags = p[13];
    /* As seen from the probe: our port is where the answer was sent. */
    out->probe.sport = rd16(p + 2);
    out->probe.dport = rd16(p);
    out->probe.tcp_flags = flags;
    out->probe.tcp_seq = (flags & TCP_ACK) != 0 ? rd32(p + 8) - 1 : rd32(p + 4);
    if ((flags & TCP_RST) != 0)
        return HW_PKT_TCP_RST;
    if ((flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
        return HW_PKT_TCP_SYNACK;
    return HW_PKT_IGNORED;
}

/* The outer IPv4 layer of a TCP answer, *out already initialised. */
static enum hw__pkt_kind tcp_ip4_parse(const uint8_t *p, size_t len, struct hw__parsed *out)
{
    enum hw__pkt_kind kind;
    size_t ihl, tot;

    if (!ip4_outer(p, len, IPPROTO_TCP, &ihl, &tot, &kind, out))
        return kind;
    /* The probe went from the answer's destination to its source. */
    addr4_set(&out->probe.src, p + 16);
    addr4_set(&out->probe.dst, p + 12);
    return tcp_parse(p + ihl, tot - ihl, pseudo_sum(p + 12, p + 16, 4, IPPROTO_TCP, tot - ihl),
                     out);
}

enum hw__pkt_kind hw__parse_tcp_ip4(const uint8_t *buf, size_t len, struct hw__parsed *out)
{
    parsed_init(out);
    out->kind = tcp_ip4_parse(buf, len, out);
    return out->kind;
}

enum hw__pkt_kind hw__parse_tcp6(const uint8_t *buf, size_t len, const struct in6_addr *src,
                                 const struct in6_addr *dst, struct hw__parsed *out)
{
    parsed_init(out);
    addr6_set(&out->probe.src, dst->s6_addr);
    addr6_set(&out->probe.dst, src->s6_addr);
    out->kind = tcp_parse(buf, len, pseudo_sum(src->s6_addr, dst->s6_addr, 16, IPPROTO_TCP, len),
                          out);
    return out->kind;
}

/* The ICMPv6 layer, *out already initialised. */
static enum hw__pkt_kind icmp6_parse(const uint8_t *p, size_t len, struct hw__parsed *out)
{
    enum hw__pkt_kind kind;
    size_t qlen;
    bool rfc4884 = false;

    out->icmp_len = len;
    if (len < HW_ICMP_HDR)
        return HW_PKT_MALFORMED;
    out->type = p[0];
    out->code = p[1];
    switch (p[0]) {
    case ICMP6_ECHO_REPLY:
        echo_reply(p, len, IPPROTO_ICMPV6, out);
        return HW_PKT_ECHO_REPLY;
    case ICMP6_DEST_UNREACH:
        kind = HW_PKT_DEST_UNREACH;
        rfc4884 = true;
        break;
    case ICMP6_PACKET_TOO_BIG:
        kind = HW_PKT_PACKET_TOO_BIG;
        out->mtu = rd32(p + 4);
        break;
    case ICMP6_TIME_EXCEEDED:
        kind = HW_PKT_TIME_EXCEEDED;
        rfc4884 = true;
        break;
    case ICMP6_PARAM_PROBLEM:
        /* The pointer takes all 4 bytes: no RFC 4884 length field. */
        kind = HW_PKT_PARAM_PROBLEM;
        out->pointer = rd32(p + 4);
        break;
    default:
        return HW_PKT_IGNORED;
    }
    qlen = len - HW_ICMP_HDR;
    if (rfc4884)
        qlen = ext_split(p + HW_ICMP_HDR, qlen, p[4], 8, out);
    return quote6_parse(p + HW_ICMP_HDR, qlen, kind, out);
}

enum hw__pkt_kind hw__parse_icmp6(const uint8_t *buf, size_t len, struct hw__parsed *out)
{
    parsed_init(out);
    out->kind = icmp6_parse(buf, len, out);
    return out->kind;
}
