/* packet.h - building ICMP probes and parsing what comes back.
 *
 * Pure functions: bytes in, structs out, no I/O, no allocation, no globals.
 * This is the code a hostile network talks to, so every length is checked
 * against what was actually received before a byte is read, and it is fuzzed
 * (tests/fuzz).  Internal to libhopwatch (hw__ prefix).
 */
#ifndef HW_CORE_PACKET_H
#define HW_CORE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>
#include <hopwatch/engine.h>

/* Sizes of fixed headers. */
#define HW_IP4_HDR_MIN 20
#define HW_IP6_HDR 40
#define HW_ICMP_HDR 8

/* What a received packet is.  Only the kinds from HW_PKT_ECHO_REPLY on can
 * carry a probe of ours. */
enum hw__pkt_kind {
    HW_PKT_MALFORMED = 0,    /* truncated or inconsistent lengths/fields */
    HW_PKT_BAD_CHECKSUM,     /* the ICMP checksum does not verify (IPv4) */
    HW_PKT_IGNORED,          /* well formed, but nothing a probe causes: echo
                                requests, redirects, router adverts, errors
                                quoting something that is not an echo request,
                                non-first fragments, ... */
    HW_PKT_ECHO_REPLY,       /* ICMP(v6) echo reply */
    HW_PKT_TIME_EXCEEDED,    /* time exceeded, quoting a datagram */
    HW_PKT_DEST_UNREACH,     /* destination unreachable, quoting a datagram */
    HW_PKT_PARAM_PROBLEM,    /* parameter problem, quoting a datagram */
    HW_PKT_PACKET_TOO_BIG,   /* ICMPv6 packet too big, quoting a datagram */
    HW_PKT_SOURCE_QUENCH,    /* ICMPv4 source quench (obsolete), quoting */
};

/* The probe a packet refers to: for an echo reply the reply itself, for an
 * ICMP error the datagram it quotes. */
struct hw__probe_id {
    uint8_t proto;           /* IPPROTO_ICMP or IPPROTO_ICMPV6 for echo; other
                                protocols are reported as IGNORED for now */
    struct hw_addr src;      /* errors: source of the quoted datagram;
                                echo reply over IPv4 with header: outer dst */
    struct hw_addr dst;      /* errors: destination of the quoted datagram
                                (AF_UNSPEC for an echo reply) */
    uint16_t ident;          /* ICMP echo identifier */
    uint16_t seq;            /* ICMP echo sequence number */
    const uint8_t *payload;  /* echo payload bytes present (pointer into the
                                parsed buffer), NULL if none */
    size_t payload_len;      /* bytes at payload actually received/quoted */
    int quoted_ttl;          /* errors: TTL / hop limit left in the quoted
                                header, else -1 */
};

/* Everything parsed out of one received packet. */
struct hw__parsed {
    enum hw__pkt_kind kind;  /* what it is */
    uint8_t type;            /* ICMP / ICMPv6 type */
    uint8_t code;            /* ICMP / ICMPv6 code */
    int ip_ttl;              /* TTL of the outer IPv4 header when it was
                                present (hw__parse_ip4), else -1 */
    struct hw_addr ip_src;   /* outer IPv4 source when present, else AF_UNSPEC */
    size_t icmp_len;         /* bytes of ICMP message (after any IP header) */
    uint32_t mtu;            /* PACKET_TOO_BIG / fragmentation needed: MTU */
    uint32_t pointer;        /* PARAM_PROBLEM: pointer field */
    struct hw__probe_id probe;   /* the probe it answers or quotes */
    size_t n_mpls;           /* MPLS entries found in RFC 4884 extensions */
    struct hw_mpls mpls[HW_MPLS_MAX]; /* the entries, top of stack first */
    bool ext_bad_checksum;   /* an RFC 4884 extension structure was present
                                but its checksum failed (ignored then) */
};

/* Internet checksum (RFC 1071) of len bytes; returns it in network byte order
 * ready to store (so checksumming a message whose checksum field is filled
 * in gives 0). */
uint16_t hw__inet_checksum(const void *data, size_t len);

/* ICMPv6 checksum over the pseudo-header (RFC 8200 section 8.1) and the
 * message, in network byte order ready to store. */
uint16_t hw__icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
                            const void *msg, size_t len);

/* Build an echo request into buf: type 8 (family AF_INET) or 128 (AF_INET6),
 * code 0, ident, seq (host order in, network order out), then plen payload
 * bytes.  For IPv4 the checksum is computed; for IPv6 it is left 0 because a
 * raw ICMPv6 socket has the kernel fill it in.  Returns the message length,
 * or 0 when cap is too small or family is unknown. */
size_t hw__build_echo(int family, uint8_t *buf, size_t cap, uint16_t ident, uint16_t seq,
                      const uint8_t *payload, size_t plen);

/* Parse a packet that starts with an IPv4 header (raw IPv4 socket).  The IP
 * header length is honoured (options), the total length is checked against
 * len (trailing bytes beyond it are ignored, a shorter len is MALFORMED),
 * non-ICMP or non-first-fragment packets are IGNORED; then the ICMP message
 * is parsed as by hw__parse_icmp4.  Always fills *out; returns out->kind. */
enum hw__pkt_kind hw__parse_ip4(const uint8_t *buf, size_t len, struct hw__parsed *out);

/* Parse an ICMPv4 message (no IP header: datagram socket).  The checksum is
 * verified.  Errors have their quoted datagram parsed: IPv4 header with
 * options, then the first 8 bytes or more of an ICMP echo request; an RFC
 * 4884 length field limits the quote and the extension structure after it
 * is parsed for MPLS label stacks. */
enum hw__pkt_kind hw__parse_icmp4(const uint8_t *buf, size_t len, struct hw__parsed *out);

/* Parse an ICMPv6 message (raw or datagram ICMPv6 socket: the kernel has
 * verified the checksum).  Errors have their quoted datagram parsed: the
 * IPv6 header, extension headers walked (hop-by-hop, routing, fragment,
 * destination options, AH; ESP or a non-first fragment stops it), then an
 * ICMPv6 echo request. */
enum hw__pkt_kind hw__parse_icmp6(const uint8_t *buf, size_t len, struct hw__parsed *out);

#endif
