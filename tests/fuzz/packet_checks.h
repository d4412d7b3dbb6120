/* packet_checks.h - invariants of struct hw__parsed shared by the packet
 * harnesses (fuzz_ip4, fuzz_icmp4, fuzz_icmp6), and the checksum fix-ups
 * that let the fuzzer get past the ICMP and RFC 4884 checksums.
 */
#ifndef HW_TESTS_PACKET_CHECKS_H
#define HW_TESTS_PACKET_CHECKS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <hopwatch/addr.h>

#include "core/packet.h"
#include "fuzz.h"

/* The RFC 4884 offset used by legacy senders, and the 4-byte extension
 * header (version in the top nibble, checksum in bytes 2-3). */
#define FUZZ_EXT_LEGACY_OFF 128
#define FUZZ_EXT_HDR 4

static inline uint16_t fuzz_rd16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t fuzz_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* True when a (not NULL) is the IPv4 address in the 4 bytes at p. */
static inline bool fuzz_is_addr4(const struct hw_addr *a, const uint8_t *p)
{
    return a->family == AF_INET && memcmp(&a->u.v4.s_addr, p, 4) == 0;
}

/* True when a and b hold the same parse.  Payload pointers are compared as
 * offsets from abase and bbase, so a parse of a copy of the bytes (or of
 * the same bytes behind an IP header) can be compared with the original. */
static inline bool fuzz_parsed_equal(const struct hw__parsed *a, const uint8_t *abase,
                                     const struct hw__parsed *b, const uint8_t *bbase)
{
    if (a->kind != b->kind || a->type != b->type || a->code != b->code
        || a->ip_ttl != b->ip_ttl || !hw_addr_equal(&a->ip_src, &b->ip_src)
        || a->icmp_len != b->icmp_len || a->mtu != b->mtu || a->pointer != b->pointer
        || a->n_mpls != b->n_mpls || a->ext_bad_checksum != b->ext_bad_checksum)
        return false;
    if (a->probe.proto != b->probe.proto || !hw_addr_equal(&a->probe.src, &b->probe.src)
        || !hw_addr_equal(&a->probe.dst, &b->probe.dst) || a->probe.ident != b->probe.ident
        || a->probe.seq != b->probe.seq || a->probe.payload_len != b->probe.payload_len
        || a->probe.quoted_ttl != b->probe.quoted_ttl || a->probe.sport != b->probe.sport
        || a->probe.dport != b->probe.dport || a->probe.udp_len != b->probe.udp_len
        || a->probe.udp_checksum != b->probe.udp_checksum || a->probe.tcp_seq != b->probe.tcp_seq
        || a->probe.tcp_flags != b->probe.tcp_flags || a->l4_checksum_ok != b->l4_checksum_ok)
        return false;
    if ((a->probe.payload == NULL) != (b->probe.payload == NULL))
        return false;
    if (a->probe.payload != NULL && a->probe.payload - abase != b->probe.payload - bbase)
        return false;
    for (size_t i = 0; i < a->n_mpls && i < HW_MPLS_MAX; i++) {
        if (a->mpls[i].label != b->mpls[i].label || a->mpls[i].tc != b->mpls[i].tc
            || a->mpls[i].bottom != b->mpls[i].bottom || a->mpls[i].ttl != b->mpls[i].ttl)
            return false;
    }
    return true;
}

/* The ICMP type each kind that answers a probe must come with; -1 for a kind
 * this family never produces. */
static inline int fuzz_kind_type(enum hw__pkt_kind kind, int family)
{
    bool v4 = family == AF_INET;

    switch (kind) {
    case HW_PKT_ECHO_REPLY:
        return v4 ? 0 : 129;
    case HW_PKT_DEST_UNREACH:
        return v4 ? 3 : 1;
    case HW_PKT_TIME_EXCEEDED:
        return v4 ? 11 : 3;
    case HW_PKT_PARAM_PROBLEM:
        return v4 ? 12 : 4;
    case HW_PKT_PACKET_TOO_BIG:
        return v4 ? -1 : 2;
    case HW_PKT_SOURCE_QUENCH:
        return v4 ? 4 : -1;
    default:
        return -1;
    }
}

/* Invariants of any parse of len bytes at buf by the family's parsers
 * (AF_INET: hw__parse_ip4 and hw__parse_icmp4, AF_INET6: hw__parse_icmp6). */
static inline void fuzz_parsed_check(const struct hw__parsed *p, const uint8_t *buf, size_t len,
                                     int family)
{
    bool v4 = family == AF_INET;
    uintptr_t lo = (uintptr_t)buf, hi = lo + len;

    /* These parsers return packet kinds only up to SOURCE_QUENCH; anything
     * after it in the enum belongs to other parsers. */
    FUZZ_CHECK(p->kind >= HW_PKT_MALFORMED && p->kind <= HW_PKT_SOURCE_QUENCH);
    FUZZ_CHECK(v4 || p->kind != HW_PKT_BAD_CHECKSUM);
    FUZZ_CHECK(p->icmp_len <= len);
    FUZZ_CHECK(p->ip_ttl >= -1 && p->ip_ttl <= 255);
    FUZZ_CHECK(p->probe.quoted_ttl >= -1 && p->probe.quoted_ttl <= 255);
    FUZZ_CHECK(p->ip_src.family == AF_UNSPEC || (v4 && p->ip_src.family == AF_INET));

    /* The payload is a pointer into the bytes received, never past them. */
    FUZZ_CHECK((p->probe.payload == NULL) == (p->probe.payload_len == 0));
    if (p->probe.payload != NULL) {
        uintptr_t at = (uintptr_t)p->probe.payload;

        FUZZ_CHECK(at >= lo && at < hi);
        FUZZ_CHECK(p->probe.payload_len <= hi - at);
    }

    /* MPLS entries: bounded, well-formed, and only from the messages that
     * may carry RFC 4884 extensions (v4: unreachable, time exceeded,
     * parameter problem; v6: unreachable, time exceeded). */
    FUZZ_CHECK(p->n_mpls <= HW_MPLS_MAX);
    for (size_t i = 0; i < p->n_mpls && i < HW_MPLS_MAX; i++) {
        FUZZ_CHECK(p->mpls[i].label <= 0xfffff);
        FUZZ_CHECK(p->mpls[i].tc <= 7);
    }
    FUZZ_CHECK(p->n_mpls == 0 || !p->ext_bad_checksum);
    if (p->n_mpls > 0 || p->ext_bad_checksum) {
        if (v4)
            FUZZ_CHECK(p->type == 3 || p->type == 11 || p->type == 12);
        else
            FUZZ_CHECK(p->type == 1 || p->type == 3);
    }
    if (p->mtu != 0)
        FUZZ_CHECK(v4 ? p->type == 3 && p->code == 4 : p->type == 2);
    if (p->pointer != 0)
        FUZZ_CHECK(p->type == (v4 ? 12 : 4));

    if (p->kind >= HW_PKT_ECHO_REPLY)
        FUZZ_CHECK(p->type == fuzz_kind_type(p->kind, family));
    if (p->kind == HW_PKT_ECHO_REPLY) {
        FUZZ_CHECK(p->icmp_len >= HW_ICMP_HDR);
        FUZZ_CHECK(p->probe.proto == (v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6));
        FUZZ_CHECK(p->probe.payload_len == p->icmp_len - HW_ICMP_HDR);
        FUZZ_CHECK(p->probe.dst.family == AF_UNSPEC);
        FUZZ_CHECK(p->probe.quoted_ttl == -1);
    } else if (p->kind > HW_PKT_ECHO_REPLY) {
        /* An error quoting one of our probes: the quoted header's addresses
         * and TTL were read, and the protocol is one we probe with. */
        FUZZ_CHECK(p->probe.src.family == family && p->probe.dst.family == family);
        FUZZ_CHECK(p->probe.quoted_ttl >= 0);
        FUZZ_CHECK(p->probe.proto == (v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6)
                   || p->probe.proto == IPPROTO_UDP || p->probe.proto == IPPROTO_TCP);
        /* Header, quoted IP header and quoted 8-byte ICMP header come
         * first, so an echo payload cannot start before them. */
        if (p->probe.payload != NULL && p->probe.proto == (v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6))
            FUZZ_CHECK((uintptr_t)p->probe.payload - lo
                       >= HW_ICMP_HDR + (v4 ? HW_IP4_HDR_MIN : HW_IP6_HDR) + HW_ICMP_HDR);
    }
}

/* Recomputes the RFC 4884 extension checksum of an ICMP error (len bytes
 * at p) where the parser will look for it: after the quote of length
 * words * unit when the length field is set, else at the legacy offset. */
static inline void fuzz_ext_fix(uint8_t *p, size_t len, unsigned words, unsigned unit)
{
    size_t off = HW_ICMP_HDR + (words != 0 ? (size_t)words * unit : FUZZ_EXT_LEGACY_OFF);
    uint16_t sum;

    if (len < off + FUZZ_EXT_HDR || p[off] >> 4 != 2)
        return;
    p[off + 2] = 0;
    p[off + 3] = 0;
    sum = hw__inet_checksum(p + off, len - off);
    memcpy(p + off + 2, &sum, sizeof(sum));
}

/* Makes the checksums of an ICMPv4 message (len bytes at p) verify: the
 * extension structure's first (it is inside the message), then the
 * message's own. */
static inline void fuzz_icmp4_fix(uint8_t *p, size_t len)
{
    uint16_t sum;

    if (len < HW_ICMP_HDR)
        return;
    if (p[0] == 3 || p[0] == 11 || p[0] == 12)
        fuzz_ext_fix(p, len, p[5], 4);
    p[2] = 0;
    p[3] = 0;
    sum = hw__inet_checksum(p, len);
    memcpy(p + 2, &sum, sizeof(sum));
}

/* The same for ICMPv6, whose own checksum the kernel verifies. */
static inline void fuzz_icmp6_fix(uint8_t *p, size_t len)
{
    if (len >= HW_ICMP_HDR && (p[0] == 1 || p[0] == 3))
        fuzz_ext_fix(p, len, p[4], 8);
}

/* A malloc'ed copy of len bytes, exactly len bytes long (at least 1 so that
 * malloc(0) is never asked for) so that AddressSanitizer sees any overread. */
static inline uint8_t *fuzz_dup(const uint8_t *data, size_t len)
{
    uint8_t *p = malloc(len > 0 ? len : 1);

    if (p == NULL)
        abort();
    if (len > 0)
        memcpy(p, data, len);
    return p;
}

#endif
