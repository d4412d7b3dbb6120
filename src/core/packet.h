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
 * carry a probe of ours.  ICMP errors report the quoted probe whatever its
 * protocol (ICMP echo, UDP, TCP): probe.proto says which. */
enum hw__pkt_kind {
    HW_PKT_MALFORMED = 0,    /* truncated or inconsistent lengths/fields */
    HW_PKT_BAD_CHECKSUM,     /* the ICMPv4 or TCP checksum does not verify */
    HW_PKT_IGNORED,          /* well formed, but nothing a probe causes: echo
                                requests, redirects, router adverts, errors
                                quoting neither an echo request nor UDP nor
                                TCP, non-first fragments, ... */
    HW_PKT_ECHO_REPLY,       /* ICMP(v6) echo reply */
    HW_PKT_TIME_EXCEEDED,    /* time exceeded, quoting a datagram */
    HW_PKT_DEST_UNREACH,     /* destination unreachable, quoting a datagram */
    HW_PKT_PARAM_PROBLEM,    /* parameter problem, quoting a datagram */
    HW_PKT_PACKET_TOO_BIG,   /* ICMPv6 packet too big, quoting a datagram */
    HW_PKT_SOURCE_QUENCH,    /* ICMPv4 source quench (obsolete), quoting */
    HW_PKT_TCP_SYNACK,       /* a TCP segment with SYN and ACK: a port open */
    HW_PKT_TCP_RST,          /* a TCP segment with RST: a port closed */
};

/* The probe a packet refers to: for an echo reply the reply itself, for an
 * ICMP error the datagram it quotes, for a TCP answer the segment. */
struct hw__probe_id {
    uint8_t proto;           /* IPPROTO_ICMP / IPPROTO_ICMPV6 (echo),
                                IPPROTO_UDP or IPPROTO_TCP */
    struct hw_addr src;      /* errors: source of the quoted datagram;
                                echo reply over IPv4 with header: outer dst */
    struct hw_addr dst;      /* errors: destination of the quoted datagram
                                (AF_UNSPEC for an echo reply) */
    uint16_t ident;          /* ICMP echo identifier */
    uint16_t seq;            /* ICMP echo sequence number */
    uint16_t icmp_checksum;  /* quoted echo request: its checksum, as sent */
    uint16_t sport;          /* UDP/TCP source port of the probe (for a TCP
                                answer: its destination port) */
    uint16_t dport;          /* UDP/TCP destination port of the probe (for a
                                TCP answer: its source port) */
    uint16_t udp_len;        /* quoted UDP length field */
    uint16_t udp_checksum;   /* quoted UDP checksum, as sent (Paris id) */
    uint32_t tcp_seq;        /* TCP: the probe's sequence number: the quoted
                                one, or ack - 1 of a SYN-ACK / RST+ACK */
    uint8_t tcp_flags;       /* TCP answer: its flags */
    const uint8_t *payload;  /* echo or UDP payload bytes present (pointer
                                into the parsed buffer), NULL if none */
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
    bool l4_checksum_ok;     /* TCP answers: the TCP checksum verified.  On
                                virtual links it often does not: the sender
                                leaves it to offload and the receiver skips
                                the check; such segments are still parsed
                                (the engine authenticates them by the keyed
                                sequence number they acknowledge). */
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

/* The one's complement sum of len bytes, folded to 16 bits, neither
 * complemented nor byte-swapped (host order): what a message contributes
 * to any checksum that covers it. */
uint16_t hw__sum16(const void *data, size_t len);

/* The ICMPv6 checksum (network byte order) of a message of len bytes whose
 * own sum (hw__sum16, checksum field 0) is msgsum, sent from src to dst:
 * the same as hw__icmp6_checksum without the message bytes at hand. */
uint16_t hw__icmp6_checksum_of_sum(const struct in6_addr *src, const struct in6_addr *dst,
                                   size_t len, uint16_t msgsum);

/* Build an echo request into buf: type 8 (family AF_INET) or 128 (AF_INET6),
 * code 0, ident, seq (host order in, network order out), then plen payload
 * bytes.  For IPv4 the checksum is computed; for IPv6 it is left 0 because a
 * raw ICMPv6 socket has the kernel fill it in.  Returns the message length,
 * or 0 when cap is too small or family is unknown. */
size_t hw__build_echo(int family, uint8_t *buf, size_t cap, uint16_t ident, uint16_t seq,
                      const uint8_t *payload, size_t plen);

/* Build a UDP datagram (header + payload, no IP header) from src to dst
 * with the checksum computed over the family's pseudo-header.  Returns its
 * length, or 0 when cap is too small or the families differ. */
size_t hw__build_udp(uint8_t *buf, size_t cap, const struct hw_addr *src,
                     const struct hw_addr *dst, uint16_t sport, uint16_t dport,
                     const uint8_t *payload, size_t plen);

/* The same, Paris-traceroute style: the last two payload bytes are chosen
 * so that the UDP checksum comes out as want (which must not be 0 or
 * 0xffff: both mean "no checksum" in some form), so a flow keeps one
 * 5-tuple while each probe stays identifiable from the 8 quoted bytes.
 * plen must be >= 2.  Returns the length, or 0. */
size_t hw__build_udp_paris(uint8_t *buf, size_t cap, const struct hw_addr *src,
                           const struct hw_addr *dst, uint16_t sport, uint16_t dport,
                           const uint8_t *payload, size_t plen, uint16_t want);

/* Build a TCP SYN (header with an MSS option, no payload) from src to dst
 * with sequence number seq and a valid checksum.  Returns its length, or 0. */
size_t hw__build_tcp_syn(uint8_t *buf, size_t cap, const struct hw_addr *src,
                         const struct hw_addr *dst, uint16_t sport, uint16_t dport,
                         uint32_t seq);

/* Parse a TCP segment from a raw IPv4 TCP socket (IPv4 header first; TCP
 * checksum verified with the pseudo-header): SYN+ACK is HW_PKT_TCP_SYNACK,
 * RST is HW_PKT_TCP_RST (probe.tcp_seq = ack - 1 when ACK is set, else the
 * segment's seq), anything else IGNORED; probe ports as seen from the
 * probe (sport = our port = the segment's destination port). */
enum hw__pkt_kind hw__parse_tcp_ip4(const uint8_t *buf, size_t len, struct hw__parsed *out);

/* The same for a raw IPv6 TCP socket (no IPv6 header); src and dst are the
 * segment's addresses (from recvmsg and our source), for the checksum.
 * For TCP answers probe.src is our address and probe.dst the one that
 * answered, like the ports (seen from the probe). */
enum hw__pkt_kind hw__parse_tcp6(const uint8_t *buf, size_t len, const struct in6_addr *src,
                                 const struct in6_addr *dst, struct hw__parsed *out);

/* Parse the quoted transport header of a probe with no IP header in front,
 * as an unprivileged ICMP socket's error queue hands it over: proto says
 * what it is (IPPROTO_ICMP / IPPROTO_ICMPV6 echo request, UDP or TCP).
 * Resets *out (addresses AF_UNSPEC: the caller fills them) and fills the
 * probe's ident/seq/payload, or ports/checksum/seq; true when the bytes hold
 * at least the 8 bytes that identify a probe.  (Unprivileged UDP sockets
 * hand over only the bytes after the UDP header, so this suits ICMP
 * datagram sockets, the only unprivileged kind the engine uses.) */
bool hw__parse_quoted_l4(uint8_t proto, const uint8_t *buf, size_t len, struct hw__probe_id *out);

/* Parse a packet that starts with an IPv4 header (raw IPv4 socket).  The IP
 * header length is honoured (options), the total length is checked against
 * len (trailing bytes beyond it are ignored, a shorter len is MALFORMED),
 * non-ICMP or non-first-fragment packets are IGNORED; then the ICMP message
 * is parsed as by hw__parse_icmp4.  Always fills *out; returns out->kind. */
enum hw__pkt_kind hw__parse_ip4(const uint8_t *buf, size_t len, struct hw__parsed *out);

/* Parse an ICMPv4 message (no IP header: datagram socket).  The checksum is
 * verified.  Errors have their quoted datagram parsed: IPv4 header with
 * options, then the first 8 bytes or more of an ICMP echo request, UDP
 * datagram or TCP segment; an RFC 4884 length field limits the quote and
 * the extension structure after it is parsed for MPLS label stacks. */
enum hw__pkt_kind hw__parse_icmp4(const uint8_t *buf, size_t len, struct hw__parsed *out);

/* Parse an ICMPv6 message (raw or datagram ICMPv6 socket: the kernel has
 * verified the checksum).  Errors have their quoted datagram parsed: the
 * IPv6 header, extension headers walked (hop-by-hop, routing, fragment,
 * destination options, AH; ESP or a non-first fragment stops it), then an
 * ICMPv6 echo request, UDP datagram or TCP segment. */
enum hw__pkt_kind hw__parse_icmp6(const uint8_t *buf, size_t len, struct hw__parsed *out);

#endif
