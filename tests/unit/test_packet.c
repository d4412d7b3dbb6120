/* test_packet.c - unit tests of src/core/packet.c against the golden packets
 * in tests/data (each file's comments say how it was built and what it is).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/packet.h"
#include "hexfile.h"

/* Largest golden packet plus room to spare. */
#define BUF_MAX 2048

/* Addresses used by the golden packets (see the comments in each file). */
#define H4 "198.18.0.1"       /* our host */
#define T4 "198.19.255.77"    /* the probed target */
#define R4 "198.18.7.1"       /* a router on the path */
#define R4B "198.18.9.1"      /* a router that sends unreachables */
#define H6 "2001:2::1"
#define T6 "2001:2:0:ff::77"
#define R6 "2001:2:0:7::1"
#define SEG6 "2001:2:0:ee::1" /* current segment of a segment routing header */
#define IDENT 0x4857

/* Which parser a golden packet goes through. */
enum layer {
    L_IP4,   /* hw__parse_ip4 */
    L_ICMP4, /* hw__parse_icmp4 */
    L_ICMP6, /* hw__parse_icmp6 */
    L_TCP4,  /* hw__parse_tcp_ip4 */
};

/* A golden packet in a heap buffer of exactly its length (so ASan sees any
 * read past it) and what the parser made of it. */
struct pkt {
    uint8_t *data;        /* the packet bytes */
    size_t len;           /* their count */
    struct hw__parsed p;  /* the parse result */
};

/* Loads a golden file into a fresh exact-size buffer; free() it. */
static uint8_t *load_exact(const char *name, size_t *len)
{
    uint8_t tmp[BUF_MAX];
    uint8_t *data;

    assert_int_equal(hw_test_load_hex(name, tmp, sizeof(tmp), len), 0);
    data = malloc(*len > 0 ? *len : 1);
    assert_non_null(data);
    memcpy(data, tmp, *len);
    return data;
}

/* Runs one parser over len bytes at data. */
static enum hw__pkt_kind parse(enum layer layer, const uint8_t *data, size_t len,
                               struct hw__parsed *out)
{
    switch (layer) {
    case L_IP4:
        return hw__parse_ip4(data, len, out);
    case L_ICMP4:
        return hw__parse_icmp4(data, len, out);
    case L_ICMP6:
        return hw__parse_icmp6(data, len, out);
    case L_TCP4:
        return hw__parse_tcp_ip4(data, len, out);
    }
    fail();
    return HW_PKT_MALFORMED;
}

/* Loads a golden file and parses it; the return value equals k->p.kind. */
static enum hw__pkt_kind pkt_parse(struct pkt *k, const char *name, enum layer layer)
{
    enum hw__pkt_kind kind;

    k->data = load_exact(name, &k->len);
    kind = parse(layer, k->data, k->len, &k->p);
    assert_int_equal(kind, k->p.kind);
    return kind;
}

static void pkt_free(struct pkt *k)
{
    free(k->data);
    k->data = NULL;
}

/* Asserts that a holds exactly the numeric address text of family. */
static void assert_addr(const struct hw_addr *a, int family, const char *text)
{
    uint8_t want[16];

    assert_int_equal(a->family, family);
    assert_int_equal(inet_pton(family, text, want), 1);
    if (family == AF_INET)
        assert_memory_equal(&a->u.v4, want, 4);
    else
        assert_memory_equal(&a->u.v6, want, 16);
    assert_int_equal(a->scope_id, 0);
}

/* Asserts the standard 56-byte probe payload (0x20, 0x21, ...) or a prefix
 * of it. */
static void assert_std_payload(const uint8_t *p, size_t n)
{
    size_t i;

    assert_non_null(p);
    for (i = 0; i < n; i++)
        assert_int_equal(p[i], 0x20 + i);
}

/* Asserts a big probe's payload, whose byte i is i & 0xff. */
static void assert_big_payload(const uint8_t *p, size_t n)
{
    size_t i;

    assert_non_null(p);
    for (i = 0; i < n; i++)
        assert_int_equal(p[i], i & 0xff);
}

/* Asserts one MPLS label stack entry. */
static void assert_mpls(const struct hw_mpls *m, uint32_t label, uint8_t tc, bool bottom,
                        uint8_t ttl)
{
    assert_int_equal(m->label, label);
    assert_int_equal(m->tc, tc);
    assert_int_equal(m->bottom, bottom);
    assert_int_equal(m->ttl, ttl);
}

/* Asserts the two labels of the *_mpls golden packets. */
static void assert_mpls2(const struct hw__parsed *p)
{
    assert_int_equal(p->n_mpls, 2);
    assert_mpls(&p->mpls[0], 299792, 0, false, 1);
    assert_mpls(&p->mpls[1], 24005, 5, true, 1);
    assert_false(p->ext_bad_checksum);
}

/* Asserts what every IPv4 error quoting our probe (the RFC 792 minimum)
 * has in common. */
static void assert_quoted_probe4(const struct hw__parsed *p, uint16_t seq, int quoted_ttl)
{
    assert_int_equal(p->probe.proto, IPPROTO_ICMP);
    assert_addr(&p->probe.src, AF_INET, H4);
    assert_addr(&p->probe.dst, AF_INET, T4);
    assert_int_equal(p->probe.quoted_ttl, quoted_ttl);
    assert_int_equal(p->probe.ident, IDENT);
    assert_int_equal(p->probe.seq, seq);
}

/* The same for ICMPv6 errors. */
static void assert_quoted_probe6(const struct hw__parsed *p, uint16_t seq, int quoted_ttl)
{
    assert_int_equal(p->probe.proto, IPPROTO_ICMPV6);
    assert_addr(&p->probe.src, AF_INET6, H6);
    assert_addr(&p->probe.dst, AF_INET6, T6);
    assert_int_equal(p->probe.quoted_ttl, quoted_ttl);
    assert_int_equal(p->probe.ident, IDENT);
    assert_int_equal(p->probe.seq, seq);
}

/* Loads and parses a golden packet expected to be of kind, then frees it. */
static struct hw__parsed kind_of(const char *name, enum layer layer, enum hw__pkt_kind kind)
{
    struct pkt k;

    assert_int_equal(pkt_parse(&k, name, layer), kind);
    pkt_free(&k);
    /* Pointers into the freed packet must not be used by callers. */
    k.p.probe.payload = NULL;
    return k.p;
}

/* ------------------------------------------------------------ checksums */

static void test_packet_checksum_rfc1071_example(void **state)
{
    /* RFC 1071 section 3: these bytes sum to 0xddf2, checksum 0x220d. */
    static const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    uint16_t sum = hw__inet_checksum(data, sizeof(data));
    uint8_t b[2];

    (void)state;
    memcpy(b, &sum, 2);
    assert_int_equal(b[0], 0x22);
    assert_int_equal(b[1], 0x0d);
}

static void test_packet_checksum_odd_length(void **state)
{
    /* 0x0102 + 0x0300 (last byte padded) = 0x0402, complement 0xfbfd. */
    static const uint8_t data[] = {0x01, 0x02, 0x03};
    uint16_t sum = hw__inet_checksum(data, sizeof(data));
    uint8_t b[2];

    (void)state;
    memcpy(b, &sum, 2);
    assert_int_equal(b[0], 0xfb);
    assert_int_equal(b[1], 0xfd);
}

static void test_packet_checksum_verifies_to_zero(void **state)
{
    size_t len;
    uint8_t *d = load_exact("icmp4_echo_reply.hex", &len);

    (void)state;
    assert_int_equal(hw__inet_checksum(d, len), 0);
    d[9] ^= 1;
    assert_int_not_equal(hw__inet_checksum(d, len), 0);
    free(d);
}

static void test_packet_icmp6_checksum_known_value(void **state)
{
    /* 0x7a19 was computed independently (Python, RFC 8200 section 8.1
     * pseudo-header) for this echo reply from T6 to H6. */
    struct in6_addr src, dst;
    size_t len;
    uint8_t *d = load_exact("icmp6_echo_reply.hex", &len);
    uint16_t sum;
    uint8_t b[2];

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, T6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, H6, &dst), 1);
    assert_int_equal(d[2], 0x7a);
    assert_int_equal(d[3], 0x19);
    d[2] = 0;
    d[3] = 0;
    sum = hw__icmp6_checksum(&src, &dst, d, len);
    memcpy(b, &sum, 2);
    assert_int_equal(b[0], 0x7a);
    assert_int_equal(b[1], 0x19);
    free(d);
}

static void test_packet_icmp6_checksum_verifies_to_zero(void **state)
{
    struct in6_addr src, dst;
    size_t len;
    uint8_t *d = load_exact("icmp6_echo_reply.hex", &len);

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, T6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, H6, &dst), 1);
    assert_int_equal(hw__icmp6_checksum(&src, &dst, d, len), 0);
    /* Another destination address must change the sum. */
    dst.s6_addr[15] ^= 2;
    assert_int_not_equal(hw__icmp6_checksum(&src, &dst, d, len), 0);
    free(d);
}

/* ------------------------------------------------------------ building */

/* Fills the standard 56-byte probe payload (0x20, 0x21, ...) into p and
 * returns p. */
static const uint8_t *std_payload(uint8_t p[56])
{
    size_t i;

    for (i = 0; i < 56; i++)
        p[i] = (uint8_t)(0x20 + i);
    return p;
}

static void test_packet_build_echo4_matches_golden(void **state)
{
    uint8_t pl[56];
    uint8_t buf[BUF_MAX];
    size_t glen;
    uint8_t *golden = load_exact("icmp4_echo_request.hex", &glen);

    (void)state;
    assert_int_equal(hw__build_echo(AF_INET, buf, sizeof(buf), IDENT, 1, std_payload(pl), 56),
                     64);
    assert_int_equal(glen, 64);
    assert_memory_equal(buf, golden, 64);
    free(golden);
}

static void test_packet_build_echo4_checksum_verifies(void **state)
{
    uint8_t pl[56];
    uint8_t buf[64];

    (void)state;
    assert_int_equal(hw__build_echo(AF_INET, buf, sizeof(buf), 0xfffe, 0xffff,
                                    std_payload(pl), 56), 64);
    assert_int_equal(hw__inet_checksum(buf, 64), 0);
    assert_int_equal(buf[4], 0xff);
    assert_int_equal(buf[5], 0xfe);
    assert_int_equal(buf[6], 0xff);
    assert_int_equal(buf[7], 0xff);
}

static void test_packet_build_echo6_matches_golden(void **state)
{
    uint8_t pl[56];
    uint8_t buf[BUF_MAX];
    size_t glen;
    uint8_t *golden = load_exact("icmp6_echo_request_built.hex", &glen);

    (void)state;
    assert_int_equal(hw__build_echo(AF_INET6, buf, sizeof(buf), IDENT, 1, std_payload(pl),
                                    56), 64);
    assert_int_equal(glen, 64);
    assert_memory_equal(buf, golden, 64);
    assert_int_equal(buf[2], 0);
    assert_int_equal(buf[3], 0);
    free(golden);
}

static void test_packet_build_echo_cap_too_small(void **state)
{
    uint8_t pl[56];
    uint8_t *buf = malloc(63);

    (void)state;
    assert_non_null(buf);
    assert_int_equal(hw__build_echo(AF_INET, buf, 63, IDENT, 1, std_payload(pl), 56), 0);
    assert_int_equal(hw__build_echo(AF_INET6, buf, 63, IDENT, 1, std_payload(pl), 56), 0);
    assert_int_equal(hw__build_echo(AF_INET, buf, 7, IDENT, 1, NULL, 0), 0);
    assert_int_equal(hw__build_echo(AF_INET6, buf, 0, IDENT, 1, NULL, 0), 0);
    /* A huge plen must not wrap the size check around. */
    assert_int_equal(hw__build_echo(AF_INET, buf, 63, IDENT, 1, std_payload(pl), SIZE_MAX),
                     0);
    free(buf);
}

static void test_packet_build_echo_exact_cap(void **state)
{
    uint8_t pl[56];
    /* Exactly 64 bytes on the heap, so ASan catches a write past them. */
    uint8_t *buf = malloc(64);

    (void)state;
    assert_non_null(buf);
    assert_int_equal(hw__build_echo(AF_INET6, buf, 64, IDENT, 2, std_payload(pl), 56), 64);
    assert_int_equal(buf[0], 128);
    assert_int_equal(buf[7], 2);
    assert_int_equal(buf[63], 0x57);
    free(buf);
}

static void test_packet_build_echo_unknown_family(void **state)
{
    uint8_t buf[64];

    (void)state;
    assert_int_equal(hw__build_echo(AF_UNSPEC, buf, sizeof(buf), IDENT, 1, NULL, 0), 0);
    assert_int_equal(hw__build_echo(AF_UNIX, buf, sizeof(buf), IDENT, 1, NULL, 0), 0);
}

static void test_packet_build_echo_no_payload(void **state)
{
    uint8_t buf[8];
    static const uint8_t want[8] = {8, 0, 0, 0, 0x48, 0x57, 0x01, 0x02};

    (void)state;
    assert_int_equal(hw__build_echo(AF_INET, buf, sizeof(buf), IDENT, 0x0102, NULL, 0), 8);
    assert_int_equal(hw__inet_checksum(buf, 8), 0);
    /* Checksum of 0x0800 + 0x4857 + 0x0102 = 0x5159 is 0xaea6. */
    assert_int_equal(buf[2], 0xae);
    assert_int_equal(buf[3], 0xa6);
    buf[2] = 0;
    buf[3] = 0;
    assert_memory_equal(buf, want, 8);
}

/* ------------------------------------------------------------ hex loader */

static void test_hexfile_format(void **state)
{
    uint8_t buf[16];
    size_t len = 99;
    static const uint8_t want[] = {0x01, 0xab, 0xcd, 0xef, 0x02, 0x03};

    (void)state;
    assert_int_equal(hw_test_load_hex("hexfile_format.txt", buf, sizeof(buf), &len), 0);
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
}

static void test_hexfile_bad_digit(void **state)
{
    uint8_t buf[16];
    size_t len;

    (void)state;
    assert_int_equal(hw_test_load_hex("hexfile_bad_digit.txt", buf, sizeof(buf), &len), -EINVAL);
}

static void test_hexfile_odd_nibble(void **state)
{
    uint8_t buf[16];
    size_t len;

    (void)state;
    assert_int_equal(hw_test_load_hex("hexfile_odd_nibble.txt", buf, sizeof(buf), &len),
                     -EINVAL);
}

static void test_hexfile_missing(void **state)
{
    uint8_t buf[16];
    size_t len;

    (void)state;
    assert_int_equal(hw_test_load_hex("no_such_file.hex", buf, sizeof(buf), &len), -ENOENT);
}

static void test_hexfile_too_small(void **state)
{
    uint8_t buf[5];
    size_t len;

    (void)state;
    assert_int_equal(hw_test_load_hex("hexfile_format.txt", buf, sizeof(buf), &len), -ENOSPC);
}

/* ------------------------------------------------------------ IPv4 echo */

static void test_packet_ip4_echo_reply(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_echo_reply.hex", L_IP4), HW_PKT_ECHO_REPLY);
    assert_int_equal(k.p.type, 0);
    assert_int_equal(k.p.code, 0);
    assert_int_equal(k.p.ip_ttl, 57);
    assert_addr(&k.p.ip_src, AF_INET, T4);
    assert_int_equal(k.p.icmp_len, 64);
    assert_int_equal(k.p.probe.proto, IPPROTO_ICMP);
    assert_int_equal(k.p.probe.ident, IDENT);
    assert_int_equal(k.p.probe.seq, 1);
    assert_ptr_equal(k.p.probe.payload, k.data + 28);
    assert_int_equal(k.p.probe.payload_len, 56);
    assert_std_payload(k.p.probe.payload, 56);
    /* packet.h: with the IP header, probe.src is the reply's destination. */
    assert_addr(&k.p.probe.src, AF_INET, H4);
    assert_int_equal(k.p.probe.dst.family, AF_UNSPEC);
    assert_int_equal(k.p.probe.quoted_ttl, -1);
    assert_int_equal(k.p.n_mpls, 0);
    assert_int_equal(k.p.mtu, 0);
    pkt_free(&k);
}

static void test_packet_icmp4_echo_reply(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "icmp4_echo_reply.hex", L_ICMP4), HW_PKT_ECHO_REPLY);
    assert_int_equal(k.p.type, 0);
    assert_int_equal(k.p.ip_ttl, -1);
    assert_int_equal(k.p.ip_src.family, AF_UNSPEC);
    assert_int_equal(k.p.icmp_len, 64);
    assert_int_equal(k.p.probe.proto, IPPROTO_ICMP);
    assert_int_equal(k.p.probe.ident, IDENT);
    assert_int_equal(k.p.probe.seq, 1);
    assert_ptr_equal(k.p.probe.payload, k.data + 8);
    assert_int_equal(k.p.probe.payload_len, 56);
    assert_int_equal(k.p.probe.src.family, AF_UNSPEC);
    assert_int_equal(k.p.probe.dst.family, AF_UNSPEC);
    assert_int_equal(k.p.probe.quoted_ttl, -1);
    pkt_free(&k);
}

static void test_packet_icmp4_echo_reply_empty_payload(void **state)
{
    uint8_t buf[8];
    struct hw__parsed p;
    uint16_t sum;

    (void)state;
    assert_int_equal(hw__build_echo(AF_INET, buf, sizeof(buf), IDENT, 9, NULL, 0), 8);
    /* Turn the request into a reply. */
    buf[0] = 0;
    buf[2] = 0;
    buf[3] = 0;
    sum = hw__inet_checksum(buf, 8);
    memcpy(buf + 2, &sum, 2);
    assert_int_equal(hw__parse_icmp4(buf, 8, &p), HW_PKT_ECHO_REPLY);
    assert_int_equal(p.probe.seq, 9);
    assert_null(p.probe.payload);
    assert_int_equal(p.probe.payload_len, 0);
}

static void test_packet_ip4_trailing_bytes_ignored(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_echo_reply_trailing.hex", L_IP4), HW_PKT_ECHO_REPLY);
    assert_int_equal(k.len, 88);
    assert_int_equal(k.p.icmp_len, 64);
    assert_int_equal(k.p.probe.payload_len, 56);
    pkt_free(&k);
}

static void test_packet_icmp4_echo_request_ignored(void **state)
{
    struct hw__parsed p = kind_of("icmp4_echo_request.hex", L_ICMP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 8);
    assert_int_equal(p.code, 0);
}

static void test_packet_ip4_redirect_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_redirect.hex", L_IP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 5);
    assert_int_equal(p.code, 1);
    assert_int_equal(p.ip_ttl, 64);
    assert_addr(&p.ip_src, AF_INET, "198.18.0.254");
}

static void test_packet_ip4_nonfirst_fragment_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_nonfirst_frag.hex", L_IP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.ip_ttl, 57);
    assert_addr(&p.ip_src, AF_INET, T4);
}

static void test_packet_ip4_not_icmp_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_proto_udp.hex", L_IP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.ip_ttl, 57);
    assert_addr(&p.ip_src, AF_INET, T4);
}

/* ------------------------------------------------------------ IPv4 errors */

static void test_packet_ip4_time_exceeded_min_quote(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_min.hex", L_IP4), HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.type, 11);
    assert_int_equal(k.p.code, 0);
    assert_int_equal(k.p.ip_ttl, 254);
    assert_addr(&k.p.ip_src, AF_INET, R4);
    assert_int_equal(k.p.icmp_len, 36);
    assert_quoted_probe4(&k.p, 3, 1);
    assert_null(k.p.probe.payload);
    assert_int_equal(k.p.probe.payload_len, 0);
    assert_int_equal(k.p.n_mpls, 0);
    assert_false(k.p.ext_bad_checksum);
    assert_int_equal(k.p.mtu, 0);
    assert_int_equal(k.p.pointer, 0);
    pkt_free(&k);
}

static void test_packet_icmp4_time_exceeded_min_quote(void **state)
{
    struct pkt k;
    struct hw__parsed p;

    (void)state;
    pkt_parse(&k, "ip4_time_exceeded_min.hex", L_IP4);
    /* The datagram-socket view: the same message without the IP header
     * (it ends where the buffer ends, so ASan still guards it). */
    assert_int_equal(hw__parse_icmp4(k.data + 20, k.len - 20, &p), HW_PKT_TIME_EXCEEDED);
    assert_int_equal(p.ip_ttl, -1);
    assert_int_equal(p.ip_src.family, AF_UNSPEC);
    assert_int_equal(p.icmp_len, 36);
    assert_quoted_probe4(&p, 3, 1);
    assert_int_equal(p.probe.payload_len, 0);
    pkt_free(&k);
}

static void test_packet_ip4_time_exceeded_long_quote(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_long.hex", L_IP4), HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.icmp_len, 92);
    assert_quoted_probe4(&k.p, 4, 1);
    assert_ptr_equal(k.p.probe.payload, k.data + 20 + 8 + 28);
    assert_int_equal(k.p.probe.payload_len, 56);
    assert_std_payload(k.p.probe.payload, 56);
    pkt_free(&k);
}

static void test_packet_ip4_time_exceeded_576_quote(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_576.hex", L_IP4), HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.icmp_len, 556);
    assert_quoted_probe4(&k.p, 5, 1);
    assert_int_equal(k.p.probe.payload_len, 520);
    assert_big_payload(k.p.probe.payload, 520);
    /* No extension was invented from the payload bytes at offset 128. */
    assert_int_equal(k.p.n_mpls, 0);
    assert_false(k.p.ext_bad_checksum);
    pkt_free(&k);
}

static void test_packet_ip4_time_exceeded_quoted_options(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_qopts.hex", L_IP4),
                     HW_PKT_TIME_EXCEEDED);
    assert_quoted_probe4(&k.p, 6, 1);
    assert_ptr_equal(k.p.probe.payload, k.data + 20 + 8 + 24 + 8);
    assert_int_equal(k.p.probe.payload_len, 16);
    assert_std_payload(k.p.probe.payload, 16);
    pkt_free(&k);
}

static void test_packet_ip4_time_exceeded_outer_options(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_outer_opts.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.ip_ttl, 254);
    assert_addr(&p.ip_src, AF_INET, R4);
    assert_int_equal(p.icmp_len, 36);
    assert_quoted_probe4(&p, 7, 1);
    assert_int_equal(p.probe.payload_len, 0);
}

static void test_packet_ip4_quote_not_echo_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_quote_not_echo.hex", L_IP4,
                                  HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 11);
    assert_int_equal(p.probe.proto, IPPROTO_ICMP);
    assert_addr(&p.probe.dst, AF_INET, T4);
}

static void test_packet_ip4_quote_short_icmp_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_quote_short.hex", L_IP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 11);
    assert_addr(&p.probe.dst, AF_INET, T4);
    assert_int_equal(p.probe.quoted_ttl, 1);
    assert_int_equal(p.probe.payload_len, 0);
}

static void test_packet_ip4_unreach_admin(void **state)
{
    struct hw__parsed p = kind_of("ip4_unreach_admin.hex", L_IP4, HW_PKT_DEST_UNREACH);

    (void)state;
    assert_int_equal(p.type, 3);
    assert_int_equal(p.code, 13);
    assert_int_equal(p.ip_ttl, 250);
    assert_addr(&p.ip_src, AF_INET, R4B);
    assert_quoted_probe4(&p, 8, 3);
    assert_int_equal(p.mtu, 0);
}

static void test_packet_ip4_unreach_net(void **state)
{
    struct hw__parsed p = kind_of("ip4_unreach_net.hex", L_IP4, HW_PKT_DEST_UNREACH);

    (void)state;
    assert_int_equal(p.type, 3);
    assert_int_equal(p.code, 0);
    assert_quoted_probe4(&p, 9, 2);
    assert_int_equal(p.mtu, 0);
}

static void test_packet_ip4_unreach_frag_needed_mtu(void **state)
{
    struct hw__parsed p = kind_of("ip4_unreach_frag_needed.hex", L_IP4, HW_PKT_DEST_UNREACH);

    (void)state;
    assert_int_equal(p.code, 4);
    assert_int_equal(p.mtu, 1400);
    assert_quoted_probe4(&p, 10, 5);
}

static void test_packet_ip4_unreach_port_udp(void **state)
{
    struct hw__parsed p = kind_of("ip4_unreach_port_udp.hex", L_IP4, HW_PKT_DEST_UNREACH);

    (void)state;
    assert_int_equal(p.type, 3);
    assert_int_equal(p.code, 3);
    assert_addr(&p.ip_src, AF_INET, T4);
    assert_int_equal(p.probe.proto, IPPROTO_UDP);
    assert_addr(&p.probe.src, AF_INET, H4);
    assert_addr(&p.probe.dst, AF_INET, T4);
    assert_int_equal(p.probe.quoted_ttl, 4);
    assert_int_equal(p.probe.sport, 45678);
    assert_int_equal(p.probe.dport, 33434);
    assert_int_equal(p.probe.udp_len, 40);
    assert_int_equal(p.probe.udp_checksum, 0);
    assert_int_equal(p.probe.payload_len, 0);
    assert_int_equal(p.probe.ident, 0);
    assert_int_equal(p.probe.seq, 0);
}

static void test_packet_ip4_unreach_nonfirst_fragment_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_unreach_nonfirst_frag.hex", L_IP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.code, 13);
    assert_addr(&p.probe.dst, AF_INET, T4);
    assert_int_equal(p.probe.quoted_ttl, 6);
    assert_int_equal(p.probe.ident, 0);
}

static void test_packet_ip4_param_problem_pointer(void **state)
{
    struct hw__parsed p = kind_of("ip4_param_problem.hex", L_IP4, HW_PKT_PARAM_PROBLEM);

    (void)state;
    assert_int_equal(p.type, 12);
    assert_int_equal(p.code, 0);
    assert_int_equal(p.pointer, 1);
    assert_quoted_probe4(&p, 12, 1);
}

static void test_packet_ip4_source_quench(void **state)
{
    struct hw__parsed p = kind_of("ip4_source_quench.hex", L_IP4, HW_PKT_SOURCE_QUENCH);

    (void)state;
    assert_int_equal(p.type, 4);
    assert_quoted_probe4(&p, 13, 50);
}

/* ------------------------------------------------------------ RFC 4884 */

static void test_packet_ip4_mpls_two_labels(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_mpls.hex", L_IP4), HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.icmp_len, 152);
    assert_quoted_probe4(&k.p, 11, 1);
    /* The 44 bytes of zero padding are not payload. */
    assert_int_equal(k.p.probe.payload_len, 56);
    assert_std_payload(k.p.probe.payload, 56);
    assert_mpls2(&k.p);
    pkt_free(&k);
}

static void test_packet_ip4_mpls_bad_checksum(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_badsum.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.n_mpls, 0);
    assert_true(p.ext_bad_checksum);
    assert_quoted_probe4(&p, 11, 1);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_ip4_mpls_zero_checksum(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_nocsum.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_mpls2(&p);
}

static void test_packet_ip4_mpls_truncated_header(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_trunc.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.n_mpls, 0);
    assert_false(p.ext_bad_checksum);
    assert_quoted_probe4(&p, 11, 1);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_ip4_mpls_truncated_object(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_trunc_obj.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.n_mpls, 0);
    assert_false(p.ext_bad_checksum);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_ip4_mpls_object_length_zero(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_objlen0.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.n_mpls, 0);
    assert_false(p.ext_bad_checksum);
    assert_int_equal(p.probe.seq, 11);
}

static void test_packet_ip4_mpls_object_overrun_keeps_earlier(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_objover.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.n_mpls, 1);
    assert_mpls(&p.mpls[0], 16, 0, true, 255);
    assert_false(p.ext_bad_checksum);
}

static void test_packet_ip4_mpls_at_most_max(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_many.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);
    size_t i;

    (void)state;
    assert_int_equal(HW_MPLS_MAX, 8);
    assert_int_equal(p.n_mpls, HW_MPLS_MAX);
    for (i = 0; i < HW_MPLS_MAX; i++)
        assert_mpls(&p.mpls[i], (uint32_t)(100 + i), 0, false, 1);
}

static void test_packet_ip4_mpls_legacy_offset(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_legacy.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_mpls2(&p);
    assert_quoted_probe4(&p, 11, 1);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_ip4_mpls_legacy_needs_checksum(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_legacy_badsum.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.n_mpls, 0);
    assert_false(p.ext_bad_checksum);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_ip4_mpls_quote_ends_at_length(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_mpls_long.hex", L_IP4),
                     HW_PKT_TIME_EXCEEDED);
    assert_quoted_probe4(&k.p, 17, 1);
    /* 128 quoted bytes - 20 IPv4 - 8 ICMP: the extension is not payload. */
    assert_int_equal(k.p.probe.payload_len, 100);
    assert_big_payload(k.p.probe.payload, 100);
    assert_mpls2(&k.p);
    pkt_free(&k);
}

static void test_packet_ip4_mpls_legacy_quote_ends_at_128(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_legacy_long.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_quoted_probe4(&p, 17, 1);
    assert_int_equal(p.probe.payload_len, 100);
    assert_mpls2(&p);
}

static void test_packet_ip4_mpls_legacy_zero_checksum_not_taken(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_mpls_legacy_zero.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.n_mpls, 0);
    assert_false(p.ext_bad_checksum);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_ip4_rfc4884_length_beyond_message(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_rfc4884_badlen.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.n_mpls, 0);
    assert_false(p.ext_bad_checksum);
    assert_quoted_probe4(&p, 11, 1);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_ip4_rfc4884_length_below_minimum(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_rfc4884_shortlen.hex", L_IP4,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.n_mpls, 0);
    assert_false(p.ext_bad_checksum);
    assert_int_equal(p.probe.payload_len, 56);
}

/* ------------------------------------------------------------ IPv4 malformed */

static void test_packet_ip4_ihl_below_5(void **state)
{
    (void)state;
    kind_of("ip4_bad_ihl_small.hex", L_IP4, HW_PKT_MALFORMED);
}

static void test_packet_ip4_ihl_beyond_length(void **state)
{
    (void)state;
    kind_of("ip4_bad_ihl_long.hex", L_IP4, HW_PKT_MALFORMED);
}

static void test_packet_ip4_total_length_beyond_received(void **state)
{
    struct hw__parsed p = kind_of("ip4_bad_totlen.hex", L_IP4, HW_PKT_MALFORMED);

    (void)state;
    assert_int_equal(p.ip_ttl, -1);
    assert_int_equal(p.probe.quoted_ttl, -1);
}

static void test_packet_ip4_total_length_below_header(void **state)
{
    (void)state;
    kind_of("ip4_bad_totlen_small.hex", L_IP4, HW_PKT_MALFORMED);
}

static void test_packet_ip4_wrong_version(void **state)
{
    (void)state;
    kind_of("ip4_bad_version.hex", L_IP4, HW_PKT_MALFORMED);
}

static void test_packet_ip4_bad_icmp_checksum(void **state)
{
    struct hw__parsed p = kind_of("ip4_bad_checksum.hex", L_IP4, HW_PKT_BAD_CHECKSUM);

    (void)state;
    assert_int_equal(p.type, 11);
    assert_int_equal(p.code, 0);
    assert_int_equal(p.ip_ttl, 254);
    assert_int_equal(p.icmp_len, 36);
    assert_int_equal(p.probe.dst.family, AF_UNSPEC);
}

static void test_packet_ip4_quoted_total_length_below_ihl(void **state)
{
    (void)state;
    kind_of("ip4_quoted_totlen_small.hex", L_IP4, HW_PKT_MALFORMED);
}

static void test_packet_ip4_quoted_ihl_below_5(void **state)
{
    (void)state;
    kind_of("ip4_quoted_ihl_small.hex", L_IP4, HW_PKT_MALFORMED);
}

static void test_packet_ip4_quoted_ihl_beyond_quote(void **state)
{
    (void)state;
    kind_of("ip4_quoted_ihl_long.hex", L_IP4, HW_PKT_MALFORMED);
}

static void test_packet_ip4_quoted_wrong_version(void **state)
{
    (void)state;
    kind_of("ip4_quoted_bad_version.hex", L_IP4, HW_PKT_MALFORMED);
}

static void test_packet_ip4_quote_shorter_than_header(void **state)
{
    struct hw__parsed p = kind_of("ip4_quote_too_short.hex", L_IP4, HW_PKT_MALFORMED);

    (void)state;
    assert_int_equal(p.type, 11);
}

static void test_packet_icmp4_shorter_than_header(void **state)
{
    static const uint8_t msg[7] = {0, 0, 0xff, 0xff, 0, 0, 0};
    struct hw__parsed p;

    (void)state;
    assert_int_equal(hw__parse_icmp4(msg, sizeof(msg), &p), HW_PKT_MALFORMED);
    assert_int_equal(p.icmp_len, 7);
    assert_int_equal(p.ip_ttl, -1);
}

/* Every prefix of a golden packet, each in its own exact-size buffer. */
static void test_packet_ip4_every_prefix(void **state)
{
    size_t full, n;
    uint8_t *d = load_exact("ip4_time_exceeded_mpls.hex", &full);
    struct hw__parsed p;

    (void)state;
    for (n = 0; n <= full; n++) {
        uint8_t *b = malloc(n > 0 ? n : 1);

        assert_non_null(b);
        memcpy(b, d, n);
        /* The total length always says 172, so every cut is MALFORMED. */
        assert_int_equal(hw__parse_ip4(b, n, &p), n == full ? HW_PKT_TIME_EXCEEDED
                                                            : HW_PKT_MALFORMED);
        free(b);
    }
    free(d);
}

/* The expected kind and payload length of prefix n of the ICMP message of
 * ip4_time_exceeded_mpls.hex (with its checksum recomputed). */
static enum hw__pkt_kind mpls4_prefix_kind(size_t n, size_t *plen)
{
    size_t q;

    *plen = 0;
    if (n < 8)
        return HW_PKT_MALFORMED;
    /* Below 128 quoted bytes the RFC 4884 length (128) points past the end
     * and is ignored: everything is quote. */
    q = n - 8 < 128 ? n - 8 : 128;
    if (q < 20)
        return HW_PKT_MALFORMED;
    if (q < 28)
        return HW_PKT_IGNORED;
    *plen = (q < 84 ? q : 84) - 28;
    return HW_PKT_TIME_EXCEEDED;
}

static void test_packet_icmp4_every_prefix(void **state)
{
    size_t full, n, plen;
    uint8_t *d = load_exact("ip4_time_exceeded_mpls.hex", &full);
    struct hw__parsed p;
    uint16_t sum;

    (void)state;
    for (n = 0; n <= full - 20; n++) {
        uint8_t *b = malloc(n > 0 ? n : 1);
        enum hw__pkt_kind want = mpls4_prefix_kind(n, &plen);

        assert_non_null(b);
        memcpy(b, d + 20, n);
        /* Re-checksum the cut message so the parser looks past the checksum. */
        if (n >= 4) {
            b[2] = 0;
            b[3] = 0;
            sum = hw__inet_checksum(b, n);
            memcpy(b + 2, &sum, 2);
        }
        assert_int_equal(hw__parse_icmp4(b, n, &p), want);
        assert_int_equal(p.icmp_len, n);
        if (want == HW_PKT_TIME_EXCEEDED) {
            assert_int_equal(p.probe.seq, 11);
            assert_int_equal(p.probe.payload_len, plen);
            if (plen > 0)
                assert_ptr_equal(p.probe.payload, b + 8 + 28);
            else
                assert_null(p.probe.payload);
            assert_int_equal(p.n_mpls, n == full - 20 ? 2 : 0);
        }
        free(b);
    }
    free(d);
}

/* ------------------------------------------------------------ IPv6 */

static void test_packet_icmp6_echo_reply(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "icmp6_echo_reply.hex", L_ICMP6), HW_PKT_ECHO_REPLY);
    assert_int_equal(k.p.type, 129);
    assert_int_equal(k.p.code, 0);
    assert_int_equal(k.p.icmp_len, 64);
    assert_int_equal(k.p.ip_ttl, -1);
    assert_int_equal(k.p.ip_src.family, AF_UNSPEC);
    assert_int_equal(k.p.probe.proto, IPPROTO_ICMPV6);
    assert_int_equal(k.p.probe.ident, IDENT);
    assert_int_equal(k.p.probe.seq, 1);
    assert_ptr_equal(k.p.probe.payload, k.data + 8);
    assert_int_equal(k.p.probe.payload_len, 56);
    assert_std_payload(k.p.probe.payload, 56);
    assert_int_equal(k.p.probe.src.family, AF_UNSPEC);
    assert_int_equal(k.p.probe.dst.family, AF_UNSPEC);
    assert_int_equal(k.p.probe.quoted_ttl, -1);
    pkt_free(&k);
}

static void test_packet_icmp6_time_exceeded_min_quote(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "icmp6_time_exceeded_min.hex", L_ICMP6),
                     HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.type, 3);
    assert_int_equal(k.p.code, 0);
    assert_int_equal(k.p.icmp_len, 56);
    assert_int_equal(k.p.ip_ttl, -1);
    assert_quoted_probe6(&k.p, 3, 1);
    assert_null(k.p.probe.payload);
    assert_int_equal(k.p.probe.payload_len, 0);
    assert_int_equal(k.p.n_mpls, 0);
    pkt_free(&k);
}

static void test_packet_icmp6_time_exceeded_long_quote(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "icmp6_time_exceeded_long.hex", L_ICMP6),
                     HW_PKT_TIME_EXCEEDED);
    assert_quoted_probe6(&k.p, 4, 1);
    assert_ptr_equal(k.p.probe.payload, k.data + 8 + 48);
    assert_int_equal(k.p.probe.payload_len, 56);
    assert_std_payload(k.p.probe.payload, 56);
    pkt_free(&k);
}

static void test_packet_icmp6_quote_extension_headers(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "icmp6_time_exceeded_exthdrs.hex", L_ICMP6),
                     HW_PKT_TIME_EXCEEDED);
    assert_quoted_probe6(&k.p, 5, 1);
    assert_ptr_equal(k.p.probe.payload, k.data + 8 + 40 + 24 + 8);
    assert_int_equal(k.p.probe.payload_len, 16);
    assert_std_payload(k.p.probe.payload, 16);
    pkt_free(&k);
}

static void test_packet_icmp6_quote_routing_header(void **state)
{
    struct hw__parsed p = kind_of("icmp6_time_exceeded_routing.hex", L_ICMP6,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.probe.proto, IPPROTO_ICMPV6);
    assert_addr(&p.probe.src, AF_INET6, H6);
    /* The quoted header's destination, not the final one in the SRH. */
    assert_addr(&p.probe.dst, AF_INET6, SEG6);
    assert_int_equal(p.probe.seq, 6);
    assert_int_equal(p.probe.payload_len, 8);
}

static void test_packet_icmp6_quote_auth_header(void **state)
{
    struct hw__parsed p = kind_of("icmp6_time_exceeded_ah.hex", L_ICMP6, HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_quoted_probe6(&p, 7, 1);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_icmp6_quote_nonfirst_fragment_ignored(void **state)
{
    struct hw__parsed p = kind_of("icmp6_time_exceeded_nonfirst_frag.hex", L_ICMP6,
                                  HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 3);
    assert_addr(&p.probe.dst, AF_INET6, T6);
    assert_int_equal(p.probe.ident, 0);
}

static void test_packet_icmp6_quote_esp_ignored(void **state)
{
    struct hw__parsed p = kind_of("icmp6_time_exceeded_esp.hex", L_ICMP6, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.probe.proto, 50);
    assert_addr(&p.probe.dst, AF_INET6, T6);
}

static void test_packet_icmp6_quote_chain_of_16(void **state)
{
    struct hw__parsed p = kind_of("icmp6_exthdr_chain_16.hex", L_ICMP6, HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_quoted_probe6(&p, 3, 1);
}

static void test_packet_icmp6_quote_chain_too_long_ignored(void **state)
{
    (void)state;
    kind_of("icmp6_exthdr_chain_long.hex", L_ICMP6, HW_PKT_IGNORED);
}

static void test_packet_icmp6_unreach_admin(void **state)
{
    struct hw__parsed p = kind_of("icmp6_unreach_admin.hex", L_ICMP6, HW_PKT_DEST_UNREACH);

    (void)state;
    assert_int_equal(p.type, 1);
    assert_int_equal(p.code, 1);
    assert_quoted_probe6(&p, 8, 3);
}

static void test_packet_icmp6_unreach_no_route(void **state)
{
    struct hw__parsed p = kind_of("icmp6_unreach_noroute.hex", L_ICMP6, HW_PKT_DEST_UNREACH);

    (void)state;
    assert_int_equal(p.type, 1);
    assert_int_equal(p.code, 0);
    assert_quoted_probe6(&p, 9, 2);
}

static void test_packet_icmp6_packet_too_big_mtu(void **state)
{
    struct hw__parsed p = kind_of("icmp6_packet_too_big.hex", L_ICMP6, HW_PKT_PACKET_TOO_BIG);

    (void)state;
    assert_int_equal(p.type, 2);
    assert_int_equal(p.mtu, 1400);
    assert_int_equal(p.icmp_len, 1240);
    assert_quoted_probe6(&p, 10, 5);
    assert_int_equal(p.probe.payload_len, 1184);
    assert_int_equal(p.n_mpls, 0);
}

static void test_packet_icmp6_packet_too_big_payload(void **state)
{
    struct pkt k;

    (void)state;
    pkt_parse(&k, "icmp6_packet_too_big.hex", L_ICMP6);
    assert_ptr_equal(k.p.probe.payload, k.data + 8 + 48);
    assert_big_payload(k.p.probe.payload, 1184);
    pkt_free(&k);
}

static void test_packet_icmp6_param_problem_pointer(void **state)
{
    struct hw__parsed p = kind_of("icmp6_param_problem.hex", L_ICMP6, HW_PKT_PARAM_PROBLEM);

    (void)state;
    assert_int_equal(p.type, 4);
    assert_int_equal(p.code, 2);
    assert_int_equal(p.pointer, 42);
    assert_quoted_probe6(&p, 12, 1);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_icmp6_mpls_two_labels(void **state)
{
    struct hw__parsed p = kind_of("icmp6_time_exceeded_mpls.hex", L_ICMP6,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_mpls2(&p);
    assert_quoted_probe6(&p, 11, 1);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_icmp6_mpls_quote_ends_at_length(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "icmp6_time_exceeded_mpls_long.hex", L_ICMP6),
                     HW_PKT_TIME_EXCEEDED);
    assert_quoted_probe6(&k.p, 17, 1);
    /* 128 quoted bytes - 40 IPv6 - 8 ICMPv6. */
    assert_int_equal(k.p.probe.payload_len, 80);
    assert_ptr_equal(k.p.probe.payload, k.data + 8 + 48);
    assert_big_payload(k.p.probe.payload, 80);
    assert_mpls2(&k.p);
    pkt_free(&k);
}

static void test_packet_icmp6_mpls_legacy_offset(void **state)
{
    struct hw__parsed p = kind_of("icmp6_time_exceeded_mpls_legacy.hex", L_ICMP6,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_mpls2(&p);
    assert_int_equal(p.probe.payload_len, 56);
}

static void test_packet_icmp6_echo_request_ignored(void **state)
{
    struct hw__parsed p = kind_of("icmp6_echo_request_built.hex", L_ICMP6, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 128);
}

static void test_packet_icmp6_peer_echo_request_ignored(void **state)
{
    struct hw__parsed p = kind_of("icmp6_echo_request_peer.hex", L_ICMP6, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 128);
    assert_int_equal(p.probe.ident, 0);
}

static void test_packet_icmp6_router_advert_ignored(void **state)
{
    struct hw__parsed p = kind_of("icmp6_router_advert.hex", L_ICMP6, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 134);
    assert_int_equal(p.code, 0);
}

static void test_packet_icmp6_exthdr_beyond_payload(void **state)
{
    (void)state;
    kind_of("icmp6_exthdr_overrun.hex", L_ICMP6, HW_PKT_MALFORMED);
}

static void test_packet_icmp6_exthdr_beyond_quote(void **state)
{
    (void)state;
    kind_of("icmp6_exthdr_beyond_quote.hex", L_ICMP6, HW_PKT_MALFORMED);
}

static void test_packet_icmp6_quoted_wrong_version(void **state)
{
    (void)state;
    kind_of("icmp6_quoted_bad_version.hex", L_ICMP6, HW_PKT_MALFORMED);
}

static void test_packet_icmp6_quote_shorter_than_header(void **state)
{
    struct hw__parsed p = kind_of("icmp6_quote_too_short.hex", L_ICMP6, HW_PKT_MALFORMED);

    (void)state;
    assert_int_equal(p.type, 3);
}

static void test_packet_icmp6_shorter_than_header(void **state)
{
    static const uint8_t msg[7] = {129, 0, 0, 0, 0x48, 0x57, 0};
    struct hw__parsed p;

    (void)state;
    assert_int_equal(hw__parse_icmp6(msg, sizeof(msg), &p), HW_PKT_MALFORMED);
    assert_int_equal(p.icmp_len, 7);
}

/* The expected kind and payload length of prefix n of
 * icmp6_time_exceeded_exthdrs.hex. */
static enum hw__pkt_kind exthdrs6_prefix_kind(size_t n, size_t *plen)
{
    size_t q;

    *plen = 0;
    /* ICMPv6 header, then the IPv6 header and the three 8-byte extension
     * headers (quote offsets 40, 48, 56) must be complete. */
    if (n < 8 + 64)
        return HW_PKT_MALFORMED;
    q = n - 8;
    if (q < 72)
        return HW_PKT_IGNORED;
    *plen = q - 72;
    return HW_PKT_TIME_EXCEEDED;
}

static void test_packet_icmp6_every_prefix_exthdrs(void **state)
{
    size_t full, n, plen;
    uint8_t *d = load_exact("icmp6_time_exceeded_exthdrs.hex", &full);
    struct hw__parsed p;

    (void)state;
    for (n = 0; n <= full; n++) {
        uint8_t *b = malloc(n > 0 ? n : 1);
        enum hw__pkt_kind want = exthdrs6_prefix_kind(n, &plen);

        assert_non_null(b);
        memcpy(b, d, n);
        assert_int_equal(hw__parse_icmp6(b, n, &p), want);
        if (want == HW_PKT_TIME_EXCEEDED) {
            assert_int_equal(p.probe.seq, 5);
            assert_int_equal(p.probe.payload_len, plen);
        }
        free(b);
    }
    assert_int_equal(plen, 16);
    free(d);
}

/* The expected kind and payload length of prefix n of
 * icmp6_time_exceeded_mpls.hex. */
static enum hw__pkt_kind mpls6_prefix_kind(size_t n, size_t *plen)
{
    size_t q;

    *plen = 0;
    if (n < 8)
        return HW_PKT_MALFORMED;
    q = n - 8 < 128 ? n - 8 : 128;
    if (q < 40)
        return HW_PKT_MALFORMED;
    if (q < 48)
        return HW_PKT_IGNORED;
    *plen = (q < 104 ? q : 104) - 48;
    return HW_PKT_TIME_EXCEEDED;
}

static void test_packet_icmp6_every_prefix_mpls(void **state)
{
    size_t full, n, plen;
    uint8_t *d = load_exact("icmp6_time_exceeded_mpls.hex", &full);
    struct hw__parsed p;

    (void)state;
    for (n = 0; n <= full; n++) {
        uint8_t *b = malloc(n > 0 ? n : 1);
        enum hw__pkt_kind want = mpls6_prefix_kind(n, &plen);

        assert_non_null(b);
        memcpy(b, d, n);
        assert_int_equal(hw__parse_icmp6(b, n, &p), want);
        if (want == HW_PKT_TIME_EXCEEDED) {
            assert_int_equal(p.probe.payload_len, plen);
            assert_int_equal(p.n_mpls, n == full ? 2 : 0);
        }
        free(b);
    }
    free(d);
}

/* ------------------------------------------------------------ UDP and TCP */

/* Ports, sequence number and Paris ids of the UDP/TCP golden packets. */
#define SPORT 45678
#define DPORT 33434
#define TPORT 80
#define TCP_SEQ 0x9e3779b9u

/* Sets *a to the numeric address text of family. */
static void addr_of(struct hw_addr *a, int family, const char *text)
{
    memset(a, 0, sizeof(*a));
    a->family = family;
    assert_int_equal(inet_pton(family, text, family == AF_INET ? (void *)&a->u.v4
                                                               : (void *)&a->u.v6), 1);
}

/* Adds bytes to a 32-bit sum as big-endian words, written for the tests
 * independently of packet.c: byte i is a high byte when its offset from the
 * start of everything summed (start) is even. */
static uint32_t ref_add(uint32_t sum, size_t start, const uint8_t *p, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        sum += (start + i) % 2 == 0 ? (uint32_t)p[i] << 8 : p[i];
    return sum;
}

/* The folded (not complemented) one's complement sum of the transport
 * pseudo-header from src to dst, laid out byte by byte here (RFC 768/793 for
 * IPv4, RFC 8200 section 8.1 for IPv6), and of len bytes at seg.  0xffff
 * means the checksum in seg verifies. */
static uint16_t ref_fold(int family, const char *src, const char *dst, uint8_t proto,
                         const uint8_t *seg, size_t len)
{
    uint8_t ph[40];
    size_t alen = family == AF_INET ? 4 : 16, phlen;
    uint32_t sum;

    assert_int_equal(inet_pton(family, src, ph), 1);
    assert_int_equal(inet_pton(family, dst, ph + alen), 1);
    if (family == AF_INET) {
        ph[8] = 0;
        ph[9] = proto;
        ph[10] = (uint8_t)(len >> 8);
        ph[11] = (uint8_t)len;
        phlen = 12;
    } else {
        ph[32] = (uint8_t)(len >> 24);
        ph[33] = (uint8_t)(len >> 16);
        ph[34] = (uint8_t)(len >> 8);
        ph[35] = (uint8_t)len;
        ph[36] = 0;
        ph[37] = 0;
        ph[38] = 0;
        ph[39] = proto;
        phlen = 40;
    }
    sum = ref_add(ref_add(0, 0, ph, phlen), phlen, seg, len);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* Recomputes the checksum of a TCP segment (field at offset 16) in place
 * with the reference sum. */
static void ref_tcp_checksum(int family, const char *src, const char *dst, uint8_t *seg,
                             size_t len)
{
    uint16_t c;

    seg[16] = 0;
    seg[17] = 0;
    c = (uint16_t)~ref_fold(family, src, dst, IPPROTO_TCP, seg, len);
    seg[16] = (uint8_t)(c >> 8);
    seg[17] = (uint8_t)c;
}

/* Loads 16 bits big-endian from a test buffer. */
static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Asserts the transport fields of a quoted UDP probe from SPORT to DPORT. */
static void assert_udp_probe(const struct hw__probe_id *pr, uint16_t len, uint16_t csum)
{
    assert_int_equal(pr->proto, IPPROTO_UDP);
    assert_int_equal(pr->sport, SPORT);
    assert_int_equal(pr->dport, DPORT);
    assert_int_equal(pr->udp_len, len);
    assert_int_equal(pr->udp_checksum, csum);
    assert_int_equal(pr->ident, 0);
    assert_int_equal(pr->seq, 0);
    assert_int_equal(pr->tcp_seq, 0);
    assert_int_equal(pr->tcp_flags, 0);
}

/* Asserts the transport fields of a quoted TCP SYN probe. */
static void assert_tcp_probe(const struct hw__probe_id *pr)
{
    assert_int_equal(pr->proto, IPPROTO_TCP);
    assert_int_equal(pr->sport, SPORT);
    assert_int_equal(pr->dport, TPORT);
    assert_int_equal(pr->tcp_seq, TCP_SEQ);
    assert_int_equal(pr->tcp_flags, 0);
    assert_int_equal(pr->udp_len, 0);
    assert_int_equal(pr->udp_checksum, 0);
    assert_int_equal(pr->ident, 0);
    assert_null(pr->payload);
    assert_int_equal(pr->payload_len, 0);
}

/* ------------------------------------------------------------ building UDP */

/* Builds the standard UDP probe (SPORT -> DPORT, 32 payload bytes counting
 * up from 0x20) for family into buf; returns the length. */
static size_t build_std_udp(int family, uint8_t *buf, size_t cap)
{
    struct hw_addr src, dst;
    uint8_t pl[56];

    addr_of(&src, family, family == AF_INET ? H4 : H6);
    addr_of(&dst, family, family == AF_INET ? T4 : T6);
    return hw__build_udp(buf, cap, &src, &dst, SPORT, DPORT, std_payload(pl), 32);
}

static void test_packet_build_udp4_matches_golden(void **state)
{
    uint8_t buf[BUF_MAX];
    size_t glen;
    uint8_t *golden = load_exact("udp4_built.hex", &glen);

    (void)state;
    assert_int_equal(build_std_udp(AF_INET, buf, sizeof(buf)), 40);
    assert_int_equal(glen, 40);
    assert_memory_equal(buf, golden, 40);
    /* 0x4c1d was computed independently by mkgolden.py. */
    assert_int_equal(be16(buf + 6), 0x4c1d);
    free(golden);
}

static void test_packet_build_udp6_matches_golden(void **state)
{
    uint8_t buf[BUF_MAX];
    size_t glen;
    uint8_t *golden = load_exact("udp6_built.hex", &glen);

    (void)state;
    assert_int_equal(build_std_udp(AF_INET6, buf, sizeof(buf)), 40);
    assert_int_equal(glen, 40);
    assert_memory_equal(buf, golden, 40);
    assert_int_equal(be16(buf + 6), 0x9615);
    free(golden);
}

static void test_packet_build_udp4_checksum_verifies(void **state)
{
    uint8_t buf[64];

    (void)state;
    assert_int_equal(build_std_udp(AF_INET, buf, sizeof(buf)), 40);
    assert_int_equal(ref_fold(AF_INET, H4, T4, IPPROTO_UDP, buf, 40), 0xffff);
    /* The pseudo-header matters: another destination does not verify. */
    assert_int_not_equal(ref_fold(AF_INET, H4, R4, IPPROTO_UDP, buf, 40), 0xffff);
}

static void test_packet_build_udp6_checksum_verifies(void **state)
{
    uint8_t buf[64];

    (void)state;
    assert_int_equal(build_std_udp(AF_INET6, buf, sizeof(buf)), 40);
    assert_int_equal(ref_fold(AF_INET6, H6, T6, IPPROTO_UDP, buf, 40), 0xffff);
    assert_int_not_equal(ref_fold(AF_INET6, H6, R6, IPPROTO_UDP, buf, 40), 0xffff);
}

static void test_packet_build_udp_odd_payload_verifies(void **state)
{
    struct hw_addr s4, d4, s6, d6;
    uint8_t pl[56];
    uint8_t buf[64];

    (void)state;
    addr_of(&s4, AF_INET, H4);
    addr_of(&d4, AF_INET, T4);
    addr_of(&s6, AF_INET6, H6);
    addr_of(&d6, AF_INET6, T6);
    assert_int_equal(hw__build_udp(buf, sizeof(buf), &s4, &d4, 1, 2, std_payload(pl), 33), 41);
    assert_int_equal(be16(buf + 4), 41);
    assert_int_equal(ref_fold(AF_INET, H4, T4, IPPROTO_UDP, buf, 41), 0xffff);
    assert_int_equal(hw__build_udp(buf, sizeof(buf), &s6, &d6, 1, 2, std_payload(pl), 1), 9);
    assert_int_equal(ref_fold(AF_INET6, H6, T6, IPPROTO_UDP, buf, 9), 0xffff);
}

/* Builds the payload of a zero-sum golden and compares with it. */
static void check_zero_sum(const char *name, int family, const char *s, const char *d)
{
    struct hw_addr src, dst;
    uint8_t buf[BUF_MAX];
    size_t glen;
    uint8_t *golden = load_exact(name, &glen);

    addr_of(&src, family, s);
    addr_of(&dst, family, d);
    assert_int_equal(glen, 40);
    assert_int_equal(hw__build_udp(buf, sizeof(buf), &src, &dst, SPORT, DPORT, golden + 8, 32),
                     40);
    assert_memory_equal(buf, golden, 40);
    assert_int_equal(buf[6], 0xff);
    assert_int_equal(buf[7], 0xff);
    assert_int_equal(ref_fold(family, s, d, IPPROTO_UDP, buf, 40), 0xffff);
    free(golden);
}

static void test_packet_build_udp4_zero_checksum_sent_as_ffff(void **state)
{
    (void)state;
    check_zero_sum("udp4_built_zero_sum.hex", AF_INET, H4, T4);
}

static void test_packet_build_udp6_zero_checksum_sent_as_ffff(void **state)
{
    (void)state;
    check_zero_sum("udp6_built_zero_sum.hex", AF_INET6, H6, T6);
}

static void test_packet_build_udp_no_payload(void **state)
{
    struct hw_addr src, dst;
    uint8_t buf[8];

    (void)state;
    addr_of(&src, AF_INET, H4);
    addr_of(&dst, AF_INET, T4);
    assert_int_equal(hw__build_udp(buf, sizeof(buf), &src, &dst, SPORT, DPORT, NULL, 0), 8);
    assert_int_equal(be16(buf), SPORT);
    assert_int_equal(be16(buf + 2), DPORT);
    assert_int_equal(be16(buf + 4), 8);
    assert_int_equal(ref_fold(AF_INET, H4, T4, IPPROTO_UDP, buf, 8), 0xffff);
}

static void test_packet_build_udp_cap_too_small(void **state)
{
    struct hw_addr src, dst;
    uint8_t pl[56];
    uint8_t *buf = malloc(39);

    (void)state;
    assert_non_null(buf);
    addr_of(&src, AF_INET6, H6);
    addr_of(&dst, AF_INET6, T6);
    assert_int_equal(hw__build_udp(buf, 39, &src, &dst, 1, 2, std_payload(pl), 32), 0);
    assert_int_equal(hw__build_udp(buf, 7, &src, &dst, 1, 2, NULL, 0), 0);
    /* A huge plen must not wrap the size check around. */
    assert_int_equal(hw__build_udp(buf, 39, &src, &dst, 1, 2, pl, SIZE_MAX), 0);
    assert_int_equal(hw__build_udp(buf, 39, &src, &dst, 1, 2, pl, SIZE_MAX - 7), 0);
    free(buf);
}

static void test_packet_build_udp_exact_cap(void **state)
{
    uint8_t *buf = malloc(40);

    (void)state;
    assert_non_null(buf);
    assert_int_equal(build_std_udp(AF_INET, buf, 40), 40);
    assert_int_equal(buf[39], 0x3f);
    free(buf);
}

static void test_packet_build_udp_length_field_limit(void **state)
{
    struct hw_addr src, dst;
    uint8_t *pl = calloc(1, 65536);
    uint8_t *buf = malloc(65536);

    (void)state;
    assert_non_null(pl);
    assert_non_null(buf);
    addr_of(&src, AF_INET6, H6);
    addr_of(&dst, AF_INET6, T6);
    /* 8 + 65527 = 65535 still fits the 16-bit length field, one more not. */
    assert_int_equal(hw__build_udp(buf, 65536, &src, &dst, 1, 2, pl, 65527), 65535);
    assert_int_equal(be16(buf + 4), 65535);
    assert_int_equal(ref_fold(AF_INET6, H6, T6, IPPROTO_UDP, buf, 65535), 0xffff);
    assert_int_equal(hw__build_udp(buf, 65536, &src, &dst, 1, 2, pl, 65528), 0);
    assert_int_equal(hw__build_udp_paris(buf, 65536, &src, &dst, 1, 2, pl, 65528, 7), 0);
    free(buf);
    free(pl);
}

static void test_packet_build_udp_family_mismatch(void **state)
{
    struct hw_addr s4, s6, none;
    uint8_t buf[64];

    (void)state;
    addr_of(&s4, AF_INET, H4);
    addr_of(&s6, AF_INET6, H6);
    memset(&none, 0, sizeof(none));
    none.family = AF_UNSPEC;
    assert_int_equal(hw__build_udp(buf, sizeof(buf), &s4, &s6, 1, 2, NULL, 0), 0);
    assert_int_equal(hw__build_udp(buf, sizeof(buf), &s6, &s4, 1, 2, NULL, 0), 0);
    assert_int_equal(hw__build_udp(buf, sizeof(buf), &none, &none, 1, 2, NULL, 0), 0);
    assert_int_equal(hw__build_udp_paris(buf, sizeof(buf), &s4, &s6, 1, 2, buf, 2, 7), 0);
    assert_int_equal(hw__build_tcp_syn(buf, sizeof(buf), &s6, &s4, 1, 2, 3), 0);
    assert_int_equal(hw__build_tcp_syn(buf, sizeof(buf), &none, &none, 1, 2, 3), 0);
}

/* ------------------------------------------------------------ Paris UDP */

/* Builds a Paris probe of the standard payload's first plen bytes and
 * compares it with a golden file built by brute force in mkgolden.py. */
static void check_paris_golden(const char *name, int family, size_t plen, uint16_t want)
{
    struct hw_addr src, dst;
    uint8_t pl[56];
    uint8_t buf[BUF_MAX];
    size_t glen;
    uint8_t *golden = load_exact(name, &glen);

    addr_of(&src, family, family == AF_INET ? H4 : H6);
    addr_of(&dst, family, family == AF_INET ? T4 : T6);
    assert_int_equal(glen, 8 + plen);
    assert_int_equal(hw__build_udp_paris(buf, sizeof(buf), &src, &dst, SPORT, DPORT,
                                         std_payload(pl), plen, want), 8 + plen);
    assert_memory_equal(buf, golden, 8 + plen);
    assert_int_equal(be16(buf + 6), want);
    assert_int_equal(ref_fold(family, family == AF_INET ? H4 : H6, family == AF_INET ? T4 : T6,
                              IPPROTO_UDP, buf, 8 + plen), 0xffff);
    free(golden);
}

static void test_packet_build_udp_paris4_even_matches_golden(void **state)
{
    (void)state;
    check_paris_golden("udp4_paris_even.hex", AF_INET, 32, 0x0103);
}

static void test_packet_build_udp_paris4_odd_matches_golden(void **state)
{
    (void)state;
    check_paris_golden("udp4_paris_odd.hex", AF_INET, 33, 0xfffe);
}

static void test_packet_build_udp_paris6_even_matches_golden(void **state)
{
    (void)state;
    check_paris_golden("udp6_paris_even.hex", AF_INET6, 32, 0x0001);
}

static void test_packet_build_udp_paris6_odd_matches_golden(void **state)
{
    (void)state;
    check_paris_golden("udp6_paris_odd.hex", AF_INET6, 33, 0xbeef);
}

static void test_packet_build_udp_paris_every_want_verifies(void **state)
{
    static const size_t plens[] = {2, 3, 4, 5, 32, 33};
    struct hw_addr src, dst;
    uint8_t pl[56];
    uint8_t buf[64];
    unsigned want;
    size_t i;
    int f;

    (void)state;
    std_payload(pl);
    for (f = 0; f < 2; f++) {
        int family = f == 0 ? AF_INET : AF_INET6;
        const char *s = f == 0 ? H4 : H6, *d = f == 0 ? T4 : T6;

        addr_of(&src, family, s);
        addr_of(&dst, family, d);
        for (i = 0; i < sizeof(plens) / sizeof(plens[0]); i++) {
            for (want = 1; want < 0xffff; want++) {
                size_t n = hw__build_udp_paris(buf, sizeof(buf), &src, &dst, SPORT, DPORT, pl,
                                               plens[i], (uint16_t)want);

                /* Plain ifs keep 2.4 million checks fast; fail() on any miss. */
                if (n != 8 + plens[i] || be16(buf + 6) != want
                    || ref_fold(family, s, d, IPPROTO_UDP, buf, n) != 0xffff
                    || memcmp(buf + 8, pl, plens[i] - 2) != 0)
                    fail_msg("family %d plen %zu want 0x%04x", family, plens[i], want);
            }
        }
    }
}

static void test_packet_build_udp_paris_header_fields(void **state)
{
    struct hw_addr src, dst;
    uint8_t pl[56];
    uint8_t buf[64];

    (void)state;
    addr_of(&src, AF_INET, H4);
    addr_of(&dst, AF_INET, T4);
    assert_int_equal(hw__build_udp_paris(buf, sizeof(buf), &src, &dst, 0x1234, 0x8765,
                                         std_payload(pl), 5, 0x4242), 13);
    assert_int_equal(be16(buf), 0x1234);
    assert_int_equal(be16(buf + 2), 0x8765);
    assert_int_equal(be16(buf + 4), 13);
    assert_int_equal(be16(buf + 6), 0x4242);
    assert_memory_equal(buf + 8, pl, 3);
}

static void test_packet_build_udp_paris_no_adjustment_gives_zero_bytes(void **state)
{
    struct hw_addr src, dst;
    uint8_t pl[34];
    uint8_t buf[64];
    uint16_t natural;

    (void)state;
    addr_of(&src, AF_INET6, H6);
    addr_of(&dst, AF_INET6, T6);
    memset(pl, 0, sizeof(pl));
    std_payload(buf);
    memcpy(pl, buf, 32);
    /* The checksum the payload gets with its last two bytes zero... */
    assert_int_equal(hw__build_udp(buf, sizeof(buf), &src, &dst, SPORT, DPORT, pl, 34), 42);
    natural = be16(buf + 6);
    assert_int_not_equal(natural, 0xffff);
    /* ...asked for as the Paris id needs no adjustment: 00 00 is chosen
     * over its one's complement twin ff ff. */
    assert_int_equal(hw__build_udp_paris(buf, sizeof(buf), &src, &dst, SPORT, DPORT, pl, 34,
                                         natural), 42);
    assert_int_equal(buf[40], 0);
    assert_int_equal(buf[41], 0);
    assert_int_equal(be16(buf + 6), natural);
    assert_int_equal(ref_fold(AF_INET6, H6, T6, IPPROTO_UDP, buf, 42), 0xffff);
}

static void test_packet_build_udp_paris_rejects_no_checksum_values(void **state)
{
    struct hw_addr src, dst;
    uint8_t pl[56];
    uint8_t buf[64];

    (void)state;
    addr_of(&src, AF_INET, H4);
    addr_of(&dst, AF_INET, T4);
    assert_int_equal(hw__build_udp_paris(buf, sizeof(buf), &src, &dst, 1, 2, std_payload(pl),
                                         32, 0), 0);
    assert_int_equal(hw__build_udp_paris(buf, sizeof(buf), &src, &dst, 1, 2, pl, 32, 0xffff),
                     0);
}

static void test_packet_build_udp_paris_payload_below_2(void **state)
{
    struct hw_addr src, dst;
    uint8_t pl[2] = {0x20, 0x21};
    uint8_t buf[64];

    (void)state;
    addr_of(&src, AF_INET, H4);
    addr_of(&dst, AF_INET, T4);
    assert_int_equal(hw__build_udp_paris(buf, sizeof(buf), &src, &dst, 1, 2, pl, 1, 7), 0);
    assert_int_equal(hw__build_udp_paris(buf, sizeof(buf), &src, &dst, 1, 2, NULL, 0, 7), 0);
}

static void test_packet_build_udp_paris_reads_only_kept_payload(void **state)
{
    struct hw_addr src, dst;
    uint8_t *pl = malloc(3);
    uint8_t *buf = malloc(13);

    (void)state;
    assert_non_null(pl);
    assert_non_null(buf);
    addr_of(&src, AF_INET6, H6);
    addr_of(&dst, AF_INET6, T6);
    memcpy(pl, "abc", 3);
    /* plen 5 but only 3 payload bytes on the heap: ASan catches a read of
     * the two bytes that are chosen, and of a byte past the 13 built. */
    assert_int_equal(hw__build_udp_paris(buf, 13, &src, &dst, 1, 2, pl, 5, 0x9999), 13);
    assert_memory_equal(buf + 8, "abc", 3);
    assert_int_equal(ref_fold(AF_INET6, H6, T6, IPPROTO_UDP, buf, 13), 0xffff);
    /* With plen 2 no payload byte is read at all. */
    assert_int_equal(hw__build_udp_paris(buf, 13, &src, &dst, 1, 2, NULL, 2, 0x9999), 10);
    assert_int_equal(ref_fold(AF_INET6, H6, T6, IPPROTO_UDP, buf, 10), 0xffff);
    free(buf);
    free(pl);
}

static void test_packet_build_udp_paris_cap_too_small(void **state)
{
    struct hw_addr src, dst;
    uint8_t pl[56];
    uint8_t *buf = malloc(39);

    (void)state;
    assert_non_null(buf);
    addr_of(&src, AF_INET, H4);
    addr_of(&dst, AF_INET, T4);
    assert_int_equal(hw__build_udp_paris(buf, 39, &src, &dst, 1, 2, std_payload(pl), 32, 7),
                     0);
    assert_int_equal(hw__build_udp_paris(buf, 39, &src, &dst, 1, 2, pl, SIZE_MAX, 7), 0);
    free(buf);
}

static void test_packet_build_udp_paris_id_quoted_back(void **state)
{
    struct hw_addr src, dst;
    struct hw__probe_id pr;
    uint8_t pl[56];
    uint8_t buf[64];

    (void)state;
    addr_of(&src, AF_INET, H4);
    addr_of(&dst, AF_INET, T4);
    assert_int_equal(hw__build_udp_paris(buf, sizeof(buf), &src, &dst, SPORT, DPORT,
                                         std_payload(pl), 12, 0x0a0b), 20);
    /* The 8 bytes an RFC 792 router quotes carry the id. */
    assert_true(hw__parse_quoted_l4(IPPROTO_UDP, buf, 8, &pr));
    assert_udp_probe(&pr, 20, 0x0a0b);
}

/* ------------------------------------------------------------ building TCP */

/* Builds the standard SYN probe for family into buf; returns the length. */
static size_t build_std_syn(int family, uint8_t *buf, size_t cap)
{
    struct hw_addr src, dst;

    addr_of(&src, family, family == AF_INET ? H4 : H6);
    addr_of(&dst, family, family == AF_INET ? T4 : T6);
    return hw__build_tcp_syn(buf, cap, &src, &dst, SPORT, TPORT, TCP_SEQ);
}

static void test_packet_build_tcp_syn4_matches_golden(void **state)
{
    uint8_t buf[BUF_MAX];
    size_t glen;
    uint8_t *golden = load_exact("tcp4_syn_built.hex", &glen);

    (void)state;
    assert_int_equal(build_std_syn(AF_INET, buf, sizeof(buf)), 24);
    assert_int_equal(glen, 24);
    assert_memory_equal(buf, golden, 24);
    free(golden);
}

static void test_packet_build_tcp_syn6_matches_golden(void **state)
{
    uint8_t buf[BUF_MAX];
    size_t glen;
    uint8_t *golden = load_exact("tcp6_syn_built.hex", &glen);

    (void)state;
    assert_int_equal(build_std_syn(AF_INET6, buf, sizeof(buf)), 24);
    assert_int_equal(glen, 24);
    assert_memory_equal(buf, golden, 24);
    free(golden);
}

static void test_packet_build_tcp_syn_fields(void **state)
{
    static const uint8_t want[24] = {
        0xb2, 0x6e, 0x00, 0x50,     /* ports 45678 -> 80 */
        0x9e, 0x37, 0x79, 0xb9,     /* sequence number */
        0, 0, 0, 0,                 /* acknowledgment number 0 */
        0x60, 0x02, 0xfa, 0xf0,     /* data offset 6, SYN, window 64240 */
        0, 0, 0, 0,                 /* checksum (zeroed below), urgent 0 */
        0x02, 0x04, 0x05, 0xb4,     /* MSS 1460 */
    };
    uint8_t buf[24];

    (void)state;
    assert_int_equal(build_std_syn(AF_INET, buf, sizeof(buf)), 24);
    buf[16] = 0;
    buf[17] = 0;
    assert_memory_equal(buf, want, 24);
}

static void test_packet_build_tcp_syn4_checksum_verifies(void **state)
{
    uint8_t buf[24];
    struct hw_addr src, dst;

    (void)state;
    addr_of(&src, AF_INET, H4);
    addr_of(&dst, AF_INET, T4);
    assert_int_equal(hw__build_tcp_syn(buf, sizeof(buf), &src, &dst, 0xffff, 1, 0xffffffffu),
                     24);
    assert_int_equal(ref_fold(AF_INET, H4, T4, IPPROTO_TCP, buf, 24), 0xffff);
    assert_int_not_equal(ref_fold(AF_INET, H4, T4, IPPROTO_UDP, buf, 24), 0xffff);
}

static void test_packet_build_tcp_syn6_checksum_verifies(void **state)
{
    uint8_t buf[24];
    struct hw_addr src, dst;

    (void)state;
    addr_of(&src, AF_INET6, H6);
    addr_of(&dst, AF_INET6, T6);
    assert_int_equal(hw__build_tcp_syn(buf, sizeof(buf), &src, &dst, 33000, 443, 0), 24);
    assert_int_equal(ref_fold(AF_INET6, H6, T6, IPPROTO_TCP, buf, 24), 0xffff);
    assert_int_not_equal(ref_fold(AF_INET6, H6, R6, IPPROTO_TCP, buf, 24), 0xffff);
}

static void test_packet_build_tcp_syn_cap(void **state)
{
    uint8_t *buf = malloc(24);

    (void)state;
    assert_non_null(buf);
    assert_int_equal(build_std_syn(AF_INET6, buf, 23), 0);
    assert_int_equal(build_std_syn(AF_INET6, buf, 0), 0);
    /* Exactly 24 bytes on the heap, so ASan catches a write past them. */
    assert_int_equal(build_std_syn(AF_INET6, buf, 24), 24);
    assert_int_equal(buf[23], 0xb4);
    free(buf);
}

/* ------------------------------------------------------------ quoted UDP/TCP */

static void test_packet_ip4_time_exceeded_udp_min_quote(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_udp_min.hex", L_IP4),
                     HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.type, 11);
    assert_int_equal(k.p.code, 0);
    assert_int_equal(k.p.ip_ttl, 254);
    assert_addr(&k.p.ip_src, AF_INET, R4);
    assert_int_equal(k.p.icmp_len, 36);
    assert_addr(&k.p.probe.src, AF_INET, H4);
    assert_addr(&k.p.probe.dst, AF_INET, T4);
    assert_int_equal(k.p.probe.quoted_ttl, 1);
    /* The Paris id of udp4_paris_even.hex. */
    assert_udp_probe(&k.p.probe, 40, 0x0103);
    assert_null(k.p.probe.payload);
    assert_int_equal(k.p.probe.payload_len, 0);
    assert_int_equal(k.p.n_mpls, 0);
    pkt_free(&k);
}

static void test_packet_icmp4_time_exceeded_udp_min_quote(void **state)
{
    struct pkt k;
    struct hw__parsed p;

    (void)state;
    pkt_parse(&k, "ip4_time_exceeded_udp_min.hex", L_IP4);
    /* The datagram-socket view of the same message. */
    assert_int_equal(hw__parse_icmp4(k.data + 20, k.len - 20, &p), HW_PKT_TIME_EXCEEDED);
    assert_int_equal(p.ip_ttl, -1);
    assert_udp_probe(&p.probe, 40, 0x0103);
    pkt_free(&k);
}

static void test_packet_ip4_time_exceeded_udp_long_quote(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_udp_long.hex", L_IP4),
                     HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.icmp_len, 68);
    assert_addr(&k.p.probe.dst, AF_INET, T4);
    assert_int_equal(k.p.probe.quoted_ttl, 1);
    assert_udp_probe(&k.p.probe, 40, 0x4c1d);
    assert_ptr_equal(k.p.probe.payload, k.data + 20 + 8 + 28);
    assert_int_equal(k.p.probe.payload_len, 32);
    assert_std_payload(k.p.probe.payload, 32);
    pkt_free(&k);
}

static void test_packet_ip4_quote_udp_7_bytes_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_udp_7.hex", L_IP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 11);
    assert_int_equal(p.probe.proto, IPPROTO_UDP);
    assert_addr(&p.probe.dst, AF_INET, T4);
    /* Nothing is taken from an incomplete header. */
    assert_int_equal(p.probe.sport, 0);
    assert_int_equal(p.probe.dport, 0);
    assert_int_equal(p.probe.udp_len, 0);
    assert_int_equal(p.probe.udp_checksum, 0);
}

static void test_packet_ip4_quote_udp_quoted_options(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_udp_qopts.hex", L_IP4),
                     HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.probe.quoted_ttl, 1);
    assert_int_equal(k.p.probe.proto, IPPROTO_UDP);
    assert_int_equal(k.p.probe.sport, SPORT);
    assert_int_equal(k.p.probe.dport, DPORT);
    assert_int_equal(k.p.probe.udp_len, 40);
    assert_ptr_equal(k.p.probe.payload, k.data + 20 + 8 + 24 + 8);
    assert_int_equal(k.p.probe.payload_len, 8);
    assert_std_payload(k.p.probe.payload, 8);
    pkt_free(&k);
}

static void test_packet_ip4_time_exceeded_tcp_quote(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_tcp.hex", L_IP4, HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_int_equal(p.type, 11);
    assert_addr(&p.ip_src, AF_INET, R4);
    assert_addr(&p.probe.src, AF_INET, H4);
    assert_addr(&p.probe.dst, AF_INET, T4);
    assert_int_equal(p.probe.quoted_ttl, 1);
    assert_tcp_probe(&p.probe);
}

static void test_packet_ip4_quote_sctp_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_time_exceeded_quote_sctp.hex", L_IP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 11);
    assert_int_equal(p.probe.proto, 132);
    assert_addr(&p.probe.dst, AF_INET, T4);
    assert_int_equal(p.probe.sport, 0);
    assert_int_equal(p.probe.dport, 0);
}

static void test_packet_ip4_udp_quote_with_mpls(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "ip4_time_exceeded_udp_mpls.hex", L_IP4),
                     HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.icmp_len, 152);
    assert_udp_probe(&k.p.probe, 40, 0x4c1d);
    /* The zero padding up to 128 bytes is not UDP payload. */
    assert_ptr_equal(k.p.probe.payload, k.data + 20 + 8 + 28);
    assert_int_equal(k.p.probe.payload_len, 32);
    assert_std_payload(k.p.probe.payload, 32);
    assert_mpls2(&k.p);
    pkt_free(&k);
}

static void test_packet_icmp6_time_exceeded_udp_min_quote(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "icmp6_time_exceeded_udp_min.hex", L_ICMP6),
                     HW_PKT_TIME_EXCEEDED);
    assert_int_equal(k.p.type, 3);
    assert_int_equal(k.p.icmp_len, 56);
    assert_addr(&k.p.probe.src, AF_INET6, H6);
    assert_addr(&k.p.probe.dst, AF_INET6, T6);
    assert_int_equal(k.p.probe.quoted_ttl, 1);
    /* The Paris id of udp6_paris_even.hex. */
    assert_udp_probe(&k.p.probe, 40, 0x0001);
    assert_null(k.p.probe.payload);
    assert_int_equal(k.p.probe.payload_len, 0);
    pkt_free(&k);
}

static void test_packet_icmp6_time_exceeded_udp_long_quote(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "icmp6_time_exceeded_udp_long.hex", L_ICMP6),
                     HW_PKT_TIME_EXCEEDED);
    assert_udp_probe(&k.p.probe, 40, 0x9615);
    assert_ptr_equal(k.p.probe.payload, k.data + 8 + 48);
    assert_int_equal(k.p.probe.payload_len, 32);
    assert_std_payload(k.p.probe.payload, 32);
    pkt_free(&k);
}

static void test_packet_icmp6_unreach_port_udp(void **state)
{
    struct hw__parsed p = kind_of("icmp6_unreach_port_udp.hex", L_ICMP6, HW_PKT_DEST_UNREACH);

    (void)state;
    assert_int_equal(p.type, 1);
    assert_int_equal(p.code, 4);
    assert_addr(&p.probe.src, AF_INET6, H6);
    assert_addr(&p.probe.dst, AF_INET6, T6);
    assert_int_equal(p.probe.quoted_ttl, 60);
    assert_udp_probe(&p.probe, 40, 0x9615);
    assert_int_equal(p.probe.payload_len, 32);
}

static void test_packet_icmp6_time_exceeded_tcp_quote(void **state)
{
    struct hw__parsed p = kind_of("icmp6_time_exceeded_tcp.hex", L_ICMP6,
                                  HW_PKT_TIME_EXCEEDED);

    (void)state;
    assert_addr(&p.probe.src, AF_INET6, H6);
    assert_addr(&p.probe.dst, AF_INET6, T6);
    assert_int_equal(p.probe.quoted_ttl, 1);
    /* The whole 24-byte header is quoted; only the first 8 bytes count. */
    assert_tcp_probe(&p.probe);
}

static void test_packet_icmp6_quote_tcp_7_bytes_ignored(void **state)
{
    struct hw__parsed p = kind_of("icmp6_time_exceeded_tcp_7.hex", L_ICMP6, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.probe.proto, IPPROTO_TCP);
    assert_addr(&p.probe.dst, AF_INET6, T6);
    assert_int_equal(p.probe.sport, 0);
    assert_int_equal(p.probe.tcp_seq, 0);
}

static void test_packet_icmp6_quote_udp_extension_headers(void **state)
{
    struct pkt k;

    (void)state;
    assert_int_equal(pkt_parse(&k, "icmp6_time_exceeded_udp_exthdrs.hex", L_ICMP6),
                     HW_PKT_TIME_EXCEEDED);
    assert_udp_probe(&k.p.probe, 40, 0x9615);
    assert_ptr_equal(k.p.probe.payload, k.data + 8 + 40 + 16 + 8);
    assert_int_equal(k.p.probe.payload_len, 8);
    assert_std_payload(k.p.probe.payload, 8);
    pkt_free(&k);
}

/* ------------------------------------------------------------ truncations */

/* Every prefix of the new raw-socket goldens (IPv4 header first): the total
 * length claims the whole datagram, so every cut below it is MALFORMED. */
static void test_packet_l4_ip4_goldens_every_prefix(void **state)
{
    static const struct {
        const char *name;          /* golden file */
        enum layer layer;          /* parser */
        enum hw__pkt_kind kind;    /* kind of the whole */
    } cases[] = {
        {"ip4_time_exceeded_udp_min.hex", L_IP4, HW_PKT_TIME_EXCEEDED},
        {"ip4_time_exceeded_udp_long.hex", L_IP4, HW_PKT_TIME_EXCEEDED},
        {"ip4_time_exceeded_udp_7.hex", L_IP4, HW_PKT_IGNORED},
        {"ip4_time_exceeded_udp_qopts.hex", L_IP4, HW_PKT_TIME_EXCEEDED},
        {"ip4_time_exceeded_tcp.hex", L_IP4, HW_PKT_TIME_EXCEEDED},
        {"ip4_time_exceeded_quote_sctp.hex", L_IP4, HW_PKT_IGNORED},
        {"ip4_time_exceeded_udp_mpls.hex", L_IP4, HW_PKT_TIME_EXCEEDED},
        {"ip4_unreach_port_udp.hex", L_IP4, HW_PKT_DEST_UNREACH},
        {"ip4_tcp_synack.hex", L_TCP4, HW_PKT_TCP_SYNACK},
        {"ip4_tcp_trailing.hex", L_TCP4, HW_PKT_TCP_SYNACK},
        {"ip4_tcp_rst_ack.hex", L_TCP4, HW_PKT_TCP_RST},
        {"ip4_tcp_rst_noack.hex", L_TCP4, HW_PKT_TCP_RST},
        {"ip4_tcp_fin_ack.hex", L_TCP4, HW_PKT_IGNORED},
        {"ip4_tcp_bad_checksum.hex", L_TCP4, HW_PKT_TCP_SYNACK},
        {"ip4_tcp_doff_small.hex", L_TCP4, HW_PKT_MALFORMED},
        {"ip4_tcp_doff_beyond.hex", L_TCP4, HW_PKT_MALFORMED},
        {"ip4_tcp_nonfirst_frag.hex", L_TCP4, HW_PKT_IGNORED},
    };
    size_t c, full, n, tot;
    struct hw__parsed p;

    (void)state;
    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        uint8_t *d = load_exact(cases[c].name, &full);

        tot = be16(d + 2);
        for (n = 0; n <= full; n++) {
            uint8_t *b = malloc(n > 0 ? n : 1);

            assert_non_null(b);
            memcpy(b, d, n);
            assert_int_equal(parse(cases[c].layer, b, n, &p),
                             n < tot ? HW_PKT_MALFORMED : cases[c].kind);
            free(b);
        }
        free(d);
    }
}

/* The expected kind and payload length of prefix n of an ICMPv4 error
 * quoting a UDP/TCP probe: qihl and qtot are the quoted IPv4 header and
 * total lengths, ext the RFC 4884 quote length (0: none), whole the kind
 * once 8 transport bytes are there. */
static enum hw__pkt_kind l4_prefix4_kind(size_t n, size_t qihl, size_t qtot, size_t ext,
                                         uint8_t proto, enum hw__pkt_kind whole, size_t *plen)
{
    size_t q;

    *plen = 0;
    if (n < 8)
        return HW_PKT_MALFORMED;
    q = n - 8;
    /* A length field pointing past a cut message is ignored. */
    if (ext != 0 && q > ext)
        q = ext;
    if (q < qihl)
        return HW_PKT_MALFORMED;
    if (q < qihl + 8)
        return HW_PKT_IGNORED;
    if (proto == IPPROTO_UDP && whole != HW_PKT_IGNORED)
        *plen = (q < qtot ? q : qtot) - qihl - 8;
    return whole;
}

static void test_packet_l4_icmp4_every_prefix(void **state)
{
    static const struct {
        const char *name;          /* golden file (outer IHL 5) */
        size_t qihl;               /* quoted IPv4 header length */
        size_t qtot;               /* quoted total length */
        size_t ext;                /* RFC 4884 quote length, 0 if none */
        uint8_t proto;             /* quoted protocol */
        enum hw__pkt_kind whole;   /* kind with 8 transport bytes */
    } cases[] = {
        {"ip4_time_exceeded_udp_min.hex", 20, 60, 0, IPPROTO_UDP, HW_PKT_TIME_EXCEEDED},
        {"ip4_time_exceeded_udp_long.hex", 20, 60, 0, IPPROTO_UDP, HW_PKT_TIME_EXCEEDED},
        {"ip4_time_exceeded_udp_7.hex", 20, 60, 0, IPPROTO_UDP, HW_PKT_TIME_EXCEEDED},
        {"ip4_time_exceeded_udp_qopts.hex", 24, 64, 0, IPPROTO_UDP, HW_PKT_TIME_EXCEEDED},
        {"ip4_time_exceeded_tcp.hex", 20, 44, 0, IPPROTO_TCP, HW_PKT_TIME_EXCEEDED},
        {"ip4_time_exceeded_quote_sctp.hex", 20, 32, 0, 132, HW_PKT_IGNORED},
        {"ip4_time_exceeded_udp_mpls.hex", 20, 60, 128, IPPROTO_UDP, HW_PKT_TIME_EXCEEDED},
        {"ip4_unreach_port_udp.hex", 20, 60, 0, IPPROTO_UDP, HW_PKT_DEST_UNREACH},
    };
    size_t c, full, n, plen;
    struct hw__parsed p;
    uint16_t sum;

    (void)state;
    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        uint8_t *d = load_exact(cases[c].name, &full);

        for (n = 0; n <= full - 20; n++) {
            uint8_t *b = malloc(n > 0 ? n : 1);
            enum hw__pkt_kind want = l4_prefix4_kind(n, cases[c].qihl, cases[c].qtot,
                                                     cases[c].ext, cases[c].proto,
                                                     cases[c].whole, &plen);

            assert_non_null(b);
            memcpy(b, d + 20, n);
            /* Re-checksum the cut message so the parser looks past it. */
            if (n >= 4) {
                b[2] = 0;
                b[3] = 0;
                sum = hw__inet_checksum(b, n);
                memcpy(b + 2, &sum, 2);
            }
            assert_int_equal(hw__parse_icmp4(b, n, &p), want);
            if (want != HW_PKT_MALFORMED && n >= 8 + cases[c].qihl)
                assert_int_equal(p.probe.proto, cases[c].proto);
            if (want == cases[c].whole && want != HW_PKT_IGNORED) {
                assert_int_equal(p.probe.sport, SPORT);
                assert_int_equal(p.probe.payload_len, plen);
                if (plen > 0)
                    assert_ptr_equal(p.probe.payload, b + 8 + cases[c].qihl + 8);
                else
                    assert_null(p.probe.payload);
                assert_int_equal(p.n_mpls, cases[c].ext != 0 && n == full - 20 ? 2 : 0);
            }
            free(b);
        }
        free(d);
    }
}

/* The same for ICMPv6: l4off is where the transport header starts in the
 * quote, end the quoted datagram's end (40 + payload length). */
static enum hw__pkt_kind l4_prefix6_kind(size_t n, size_t l4off, size_t end, uint8_t proto,
                                         enum hw__pkt_kind whole, size_t *plen)
{
    size_t q;

    *plen = 0;
    if (n < 8)
        return HW_PKT_MALFORMED;
    q = n - 8;
    /* The IPv6 header and every extension header must be complete. */
    if (q < l4off)
        return HW_PKT_MALFORMED;
    if (q < l4off + 8)
        return HW_PKT_IGNORED;
    if (proto == IPPROTO_UDP)
        *plen = (q < end ? q : end) - l4off - 8;
    return whole;
}

static void test_packet_l4_icmp6_every_prefix(void **state)
{
    static const struct {
        const char *name;          /* golden file */
        size_t l4off;              /* transport header offset in the quote */
        size_t end;                /* end of the quoted datagram */
        uint8_t proto;             /* quoted protocol */
        enum hw__pkt_kind whole;   /* kind with 8 transport bytes */
    } cases[] = {
        {"icmp6_time_exceeded_udp_min.hex", 40, 80, IPPROTO_UDP, HW_PKT_TIME_EXCEEDED},
        {"icmp6_time_exceeded_udp_long.hex", 40, 80, IPPROTO_UDP, HW_PKT_TIME_EXCEEDED},
        {"icmp6_unreach_port_udp.hex", 40, 80, IPPROTO_UDP, HW_PKT_DEST_UNREACH},
        {"icmp6_time_exceeded_tcp.hex", 40, 64, IPPROTO_TCP, HW_PKT_TIME_EXCEEDED},
        {"icmp6_time_exceeded_tcp_7.hex", 40, 64, IPPROTO_TCP, HW_PKT_TIME_EXCEEDED},
        {"icmp6_time_exceeded_udp_exthdrs.hex", 56, 72, IPPROTO_UDP, HW_PKT_TIME_EXCEEDED},
    };
    size_t c, full, n, plen;
    struct hw__parsed p;

    (void)state;
    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        uint8_t *d = load_exact(cases[c].name, &full);

        for (n = 0; n <= full; n++) {
            uint8_t *b = malloc(n > 0 ? n : 1);
            enum hw__pkt_kind want = l4_prefix6_kind(n, cases[c].l4off, cases[c].end,
                                                     cases[c].proto, cases[c].whole, &plen);

            assert_non_null(b);
            memcpy(b, d, n);
            assert_int_equal(hw__parse_icmp6(b, n, &p), want);
            if (want == cases[c].whole) {
                assert_int_equal(p.probe.proto, cases[c].proto);
                assert_int_equal(p.probe.sport, SPORT);
                assert_int_equal(p.probe.payload_len, plen);
                if (plen > 0)
                    assert_ptr_equal(p.probe.payload, b + 8 + cases[c].l4off + 8);
                else
                    assert_null(p.probe.payload);
            }
            free(b);
        }
        free(d);
    }
}

/* The expected kind of a TCP answer cut to seg bytes whose checksum was
 * recomputed: whole when the header and its options fit. */
static enum hw__pkt_kind tcp_prefix_kind(size_t seg, size_t doff, enum hw__pkt_kind whole)
{
    if (seg < 20 || seg < doff)
        return HW_PKT_MALFORMED;
    return whole;
}

/* TCP goldens whose every cut is checked with a fixed-up checksum. */
static const struct {
    const char *name;          /* golden file */
    enum hw__pkt_kind kind;    /* kind of the whole */
    uint16_t sport;            /* probe.sport */
} tcp_cut_cases[] = {
    {"ip4_tcp_synack.hex", HW_PKT_TCP_SYNACK, SPORT},
    {"ip4_tcp_rst_ack.hex", HW_PKT_TCP_RST, SPORT + 1},
    {"ip4_tcp_rst_noack.hex", HW_PKT_TCP_RST, SPORT},
    {"ip4_tcp_fin_ack.hex", HW_PKT_IGNORED, SPORT},
    {"tcp6_synack.hex", HW_PKT_TCP_SYNACK, SPORT},
    {"tcp6_rst_ack.hex", HW_PKT_TCP_RST, SPORT},
};

static void test_packet_tcp4_every_prefix_fixed_up(void **state)
{
    size_t c, full, n, doff;
    struct hw__parsed p;

    (void)state;
    for (c = 0; c < 4; c++) {
        uint8_t *d = load_exact(tcp_cut_cases[c].name, &full);

        doff = (size_t)(d[20 + 12] >> 4) * 4;
        for (n = 0; n <= full; n++) {
            uint8_t *b = malloc(n > 0 ? n : 1);
            enum hw__pkt_kind want = n < 20 ? HW_PKT_MALFORMED
                                            : tcp_prefix_kind(n - 20, doff, tcp_cut_cases[c].kind);

            assert_non_null(b);
            memcpy(b, d, n);
            /* A consistent shorter datagram: total length and checksum fixed. */
            if (n >= 20) {
                b[2] = (uint8_t)(n >> 8);
                b[3] = (uint8_t)n;
            }
            if (n >= 20 + 18)
                ref_tcp_checksum(AF_INET, T4, H4, b + 20, n - 20);
            assert_int_equal(hw__parse_tcp_ip4(b, n, &p), want);
            if (want == tcp_cut_cases[c].kind)
                assert_int_equal(p.probe.sport, tcp_cut_cases[c].sport);
            free(b);
        }
        free(d);
    }
}

static void test_packet_tcp6_every_prefix_fixed_up(void **state)
{
    struct in6_addr src, dst;
    size_t c, full, n, doff;
    struct hw__parsed p;

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, T6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, H6, &dst), 1);
    for (c = 4; c < sizeof(tcp_cut_cases) / sizeof(tcp_cut_cases[0]); c++) {
        uint8_t *d = load_exact(tcp_cut_cases[c].name, &full);

        doff = (size_t)(d[12] >> 4) * 4;
        for (n = 0; n <= full; n++) {
            uint8_t *b = malloc(n > 0 ? n : 1);
            enum hw__pkt_kind want = tcp_prefix_kind(n, doff, tcp_cut_cases[c].kind);

            assert_non_null(b);
            memcpy(b, d, n);
            if (n >= 18)
                ref_tcp_checksum(AF_INET6, T6, H6, b, n);
            assert_int_equal(hw__parse_tcp6(b, n, &src, &dst, &p), want);
            if (want == tcp_cut_cases[c].kind)
                assert_int_equal(p.probe.sport, tcp_cut_cases[c].sport);
            free(b);
        }
        free(d);
    }
}

static void test_packet_tcp6_every_prefix_raw(void **state)
{
    struct in6_addr src, dst;
    size_t full, n;
    uint8_t *d = load_exact("tcp6_synack.hex", &full);
    struct hw__parsed p;

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, T6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, H6, &dst), 1);
    for (n = 0; n <= full; n++) {
        uint8_t *b = malloc(n > 0 ? n : 1);
        enum hw__pkt_kind k;

        assert_non_null(b);
        memcpy(b, d, n);
        k = hw__parse_tcp6(b, n, &src, &dst, &p);
        /* Cut without fixing the checksum: the length in the pseudo-header
         * and the missing option bytes make every cut fail it, which is
         * reported, not enforced; a cut inside the header is malformed. */
        if (n < 20 || n < (size_t)(d[12] >> 4) * 4) {
            assert_int_equal(k, HW_PKT_MALFORMED);
        } else {
            assert_int_equal(k, HW_PKT_TCP_SYNACK);
            assert_int_equal(p.l4_checksum_ok, n == full);
        }
        free(b);
    }
    free(d);
}

static void test_packet_quoted_l4_built_goldens_every_prefix(void **state)
{
    static const struct {
        const char *name;          /* golden file */
        uint8_t proto;             /* its protocol */
    } cases[] = {
        {"udp4_built.hex", IPPROTO_UDP},    {"udp6_built.hex", IPPROTO_UDP},
        {"udp4_paris_even.hex", IPPROTO_UDP}, {"udp4_paris_odd.hex", IPPROTO_UDP},
        {"udp6_paris_even.hex", IPPROTO_UDP}, {"udp6_paris_odd.hex", IPPROTO_UDP},
        {"tcp4_syn_built.hex", IPPROTO_TCP}, {"tcp6_syn_built.hex", IPPROTO_TCP},
    };
    size_t c, full, n;
    struct hw__probe_id pr;

    (void)state;
    for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        uint8_t *d = load_exact(cases[c].name, &full);

        for (n = 0; n <= full; n++) {
            uint8_t *b = malloc(n > 0 ? n : 1);

            assert_non_null(b);
            memcpy(b, d, n);
            assert_int_equal(hw__parse_quoted_l4(cases[c].proto, b, n, &pr), n >= 8);
            if (n >= 8) {
                assert_int_equal(pr.sport, SPORT);
                if (cases[c].proto == IPPROTO_UDP)
                    assert_int_equal(pr.payload_len, n - 8);
                else
                    assert_int_equal(pr.tcp_seq, TCP_SEQ);
            }
            free(b);
        }
        free(d);
    }
}

/* ------------------------------------------------------------ TCP answers */

/* Asserts what every answer to our standard SYN over IPv4 has in common. */
static void assert_tcp4_answer(const struct hw__parsed *p, uint16_t sport, uint16_t dport)
{
    assert_int_equal(p->ip_ttl, 57);
    assert_addr(&p->ip_src, AF_INET, T4);
    assert_int_equal(p->probe.proto, IPPROTO_TCP);
    assert_addr(&p->probe.src, AF_INET, H4);
    assert_addr(&p->probe.dst, AF_INET, T4);
    assert_int_equal(p->probe.sport, sport);
    assert_int_equal(p->probe.dport, dport);
    assert_int_equal(p->probe.quoted_ttl, -1);
    assert_int_equal(p->type, 0);
    assert_int_equal(p->code, 0);
    assert_int_equal(p->icmp_len, 0);
    assert_int_equal(p->probe.ident, 0);
    assert_int_equal(p->probe.udp_len, 0);
    assert_null(p->probe.payload);
    assert_int_equal(p->probe.payload_len, 0);
}

static void test_packet_tcp4_synack(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_synack.hex", L_TCP4, HW_PKT_TCP_SYNACK);

    (void)state;
    assert_tcp4_answer(&p, SPORT, TPORT);
    assert_int_equal(p.probe.tcp_seq, TCP_SEQ);
    assert_int_equal(p.probe.tcp_flags, 0x12);
}

static void test_packet_tcp4_trailing_bytes_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_trailing.hex", L_TCP4, HW_PKT_TCP_SYNACK);

    (void)state;
    assert_int_equal(p.probe.tcp_seq, TCP_SEQ);
}

static void test_packet_tcp4_rst_ack(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_rst_ack.hex", L_TCP4, HW_PKT_TCP_RST);

    (void)state;
    assert_tcp4_answer(&p, SPORT + 1, 443);
    /* ack 0 acknowledges a SYN with sequence number 0xffffffff. */
    assert_int_equal(p.probe.tcp_seq, 0xffffffffu);
    assert_int_equal(p.probe.tcp_flags, 0x14);
}

static void test_packet_tcp4_rst_without_ack_uses_seq(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_rst_noack.hex", L_TCP4, HW_PKT_TCP_RST);

    (void)state;
    assert_tcp4_answer(&p, SPORT, TPORT);
    assert_int_equal(p.probe.tcp_seq, TCP_SEQ + 1);
    assert_int_equal(p.probe.tcp_flags, 0x04);
}

static void test_packet_tcp4_fin_ack_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_fin_ack.hex", L_TCP4, HW_PKT_IGNORED);

    (void)state;
    assert_tcp4_answer(&p, SPORT, TPORT);
    assert_int_equal(p.probe.tcp_flags, 0x11);
}

static void test_packet_tcp4_syn_and_rst_is_rst(void **state)
{
    struct pkt k;

    (void)state;
    pkt_parse(&k, "ip4_tcp_synack.hex", L_TCP4);
    k.data[20 + 13] = 0x16;
    ref_tcp_checksum(AF_INET, T4, H4, k.data + 20, k.len - 20);
    assert_int_equal(hw__parse_tcp_ip4(k.data, k.len, &k.p), HW_PKT_TCP_RST);
    assert_int_equal(k.p.probe.tcp_flags, 0x16);
    assert_int_equal(k.p.probe.tcp_seq, TCP_SEQ);
    pkt_free(&k);
}

static void test_packet_tcp4_bad_checksum(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_bad_checksum.hex", L_TCP4, HW_PKT_TCP_SYNACK);

    (void)state;
    assert_int_equal(p.ip_ttl, 57);
    assert_int_equal(p.probe.proto, IPPROTO_TCP);
    /* Reported, not enforced (offloaded checksums on virtual links). */
    assert_false(p.l4_checksum_ok);
    assert_int_equal(p.probe.sport, 45678);
    assert_int_equal(p.probe.tcp_seq, 0x9e3779b9);
    assert_int_equal(p.probe.tcp_flags, 0x12);
}

static void test_packet_tcp4_good_checksum_reported(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_synack.hex", L_TCP4, HW_PKT_TCP_SYNACK);

    (void)state;
    assert_true(p.l4_checksum_ok);
}

static void test_packet_tcp4_data_offset_below_5(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_doff_small.hex", L_TCP4, HW_PKT_MALFORMED);

    (void)state;
    assert_int_equal(p.probe.sport, 0);
}

static void test_packet_tcp4_data_offset_beyond_segment(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_doff_beyond.hex", L_TCP4, HW_PKT_MALFORMED);

    (void)state;
    assert_int_equal(p.probe.sport, 0);
}

static void test_packet_tcp4_nonfirst_fragment_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_tcp_nonfirst_frag.hex", L_TCP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.ip_ttl, 57);
    assert_addr(&p.ip_src, AF_INET, T4);
    assert_int_equal(p.probe.proto, 0);
}

static void test_packet_tcp4_not_tcp_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_proto_udp.hex", L_TCP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.ip_ttl, 57);
    assert_int_equal(p.probe.proto, 0);
    p = kind_of("ip4_echo_reply.hex", L_TCP4, HW_PKT_IGNORED);
    assert_int_equal(p.probe.proto, 0);
    assert_int_equal(p.probe.ident, 0);
}

static void test_packet_tcp4_outer_header_checks(void **state)
{
    struct hw__parsed p;

    (void)state;
    kind_of("ip4_bad_ihl_small.hex", L_TCP4, HW_PKT_MALFORMED);
    kind_of("ip4_bad_ihl_long.hex", L_TCP4, HW_PKT_MALFORMED);
    kind_of("ip4_bad_totlen.hex", L_TCP4, HW_PKT_MALFORMED);
    kind_of("ip4_bad_totlen_small.hex", L_TCP4, HW_PKT_MALFORMED);
    p = kind_of("ip4_bad_version.hex", L_TCP4, HW_PKT_MALFORMED);
    assert_int_equal(p.ip_ttl, -1);
}

static void test_packet_tcp6_synack(void **state)
{
    struct in6_addr src, dst;
    struct pkt k;

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, T6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, H6, &dst), 1);
    k.data = load_exact("tcp6_synack.hex", &k.len);
    assert_int_equal(hw__parse_tcp6(k.data, k.len, &src, &dst, &k.p), HW_PKT_TCP_SYNACK);
    assert_int_equal(k.p.kind, HW_PKT_TCP_SYNACK);
    assert_int_equal(k.p.ip_ttl, -1);
    assert_int_equal(k.p.ip_src.family, AF_UNSPEC);
    assert_int_equal(k.p.probe.proto, IPPROTO_TCP);
    assert_addr(&k.p.probe.src, AF_INET6, H6);
    assert_addr(&k.p.probe.dst, AF_INET6, T6);
    assert_int_equal(k.p.probe.sport, SPORT);
    assert_int_equal(k.p.probe.dport, TPORT);
    assert_int_equal(k.p.probe.tcp_seq, TCP_SEQ);
    assert_int_equal(k.p.probe.tcp_flags, 0x12);
    assert_int_equal(k.p.probe.quoted_ttl, -1);
    assert_null(k.p.probe.payload);
    pkt_free(&k);
}

static void test_packet_tcp6_rst_ack(void **state)
{
    struct in6_addr src, dst;
    struct pkt k;

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, T6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, H6, &dst), 1);
    k.data = load_exact("tcp6_rst_ack.hex", &k.len);
    assert_int_equal(hw__parse_tcp6(k.data, k.len, &src, &dst, &k.p), HW_PKT_TCP_RST);
    assert_int_equal(k.p.probe.sport, SPORT);
    assert_int_equal(k.p.probe.dport, TPORT);
    assert_int_equal(k.p.probe.tcp_seq, TCP_SEQ);
    assert_int_equal(k.p.probe.tcp_flags, 0x14);
    pkt_free(&k);
}

static void test_packet_tcp6_bad_checksum(void **state)
{
    struct in6_addr src, dst;
    struct pkt k;

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, T6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, H6, &dst), 1);
    k.data = load_exact("tcp6_bad_checksum.hex", &k.len);
    assert_int_equal(hw__parse_tcp6(k.data, k.len, &src, &dst, &k.p), HW_PKT_TCP_SYNACK);
    assert_false(k.p.l4_checksum_ok);
    pkt_free(&k);
}

static void test_packet_tcp6_checksum_uses_addresses(void **state)
{
    struct in6_addr src, dst;
    struct pkt k;

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, T6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, H6, &dst), 1);
    k.data = load_exact("tcp6_synack.hex", &k.len);
    assert_int_equal(hw__parse_tcp6(k.data, k.len, &src, &dst, &k.p), HW_PKT_TCP_SYNACK);
    assert_true(k.p.l4_checksum_ok);
    /* The same segment for another destination does not verify. */
    dst.s6_addr[15] ^= 2;
    assert_int_equal(hw__parse_tcp6(k.data, k.len, &src, &dst, &k.p), HW_PKT_TCP_SYNACK);
    assert_false(k.p.l4_checksum_ok);
    pkt_free(&k);
}

static void test_packet_tcp6_our_syn_ignored(void **state)
{
    struct in6_addr src, dst;
    struct pkt k;

    (void)state;
    assert_int_equal(inet_pton(AF_INET6, H6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, T6, &dst), 1);
    k.data = load_exact("tcp6_syn_built.hex", &k.len);
    /* A bare SYN (simultaneous open, or our own probe looped) is no answer. */
    assert_int_equal(hw__parse_tcp6(k.data, k.len, &src, &dst, &k.p), HW_PKT_IGNORED);
    assert_int_equal(k.p.probe.tcp_flags, 0x02);
    assert_int_equal(k.p.probe.tcp_seq, TCP_SEQ);
    pkt_free(&k);
}

static void test_packet_tcp6_length_above_16_bits(void **state)
{
    struct in6_addr src, dst;
    struct hw__parsed p;
    size_t glen, i, len = 20 + 70000;
    uint8_t *g = load_exact("tcp6_rst_ack.hex", &glen);
    uint8_t *b = malloc(len);

    (void)state;
    assert_non_null(b);
    assert_int_equal(inet_pton(AF_INET6, T6, &src), 1);
    assert_int_equal(inet_pton(AF_INET6, H6, &dst), 1);
    /* The RST+ACK with 70000 data bytes: the pseudo-header's 32-bit length
     * (RFC 8200 section 8.1) then has a non-zero high half. */
    memcpy(b, g, 20);
    for (i = 20; i < len; i++)
        b[i] = (uint8_t)i;
    ref_tcp_checksum(AF_INET6, T6, H6, b, len);
    assert_int_equal(hw__parse_tcp6(b, len, &src, &dst, &p), HW_PKT_TCP_RST);
    assert_int_equal(p.probe.tcp_seq, TCP_SEQ);
    free(b);
    free(g);
}

/* ------------------------------------------------------------ hw__parse_quoted_l4 */

static void test_packet_quoted_l4_echo4(void **state)
{
    struct hw__probe_id pr;
    size_t len;
    uint8_t *d = load_exact("icmp4_echo_request.hex", &len);

    (void)state;
    assert_true(hw__parse_quoted_l4(IPPROTO_ICMP, d, len, &pr));
    assert_int_equal(pr.proto, IPPROTO_ICMP);
    assert_int_equal(pr.ident, IDENT);
    assert_int_equal(pr.seq, 1);
    assert_ptr_equal(pr.payload, d + 8);
    assert_int_equal(pr.payload_len, 56);
    assert_int_equal(pr.sport, 0);
    assert_int_equal(pr.src.family, AF_UNSPEC);
    assert_int_equal(pr.dst.family, AF_UNSPEC);
    assert_int_equal(pr.quoted_ttl, -1);
    free(d);
}

static void test_packet_quoted_l4_echo6(void **state)
{
    struct hw__probe_id pr;
    size_t len;
    uint8_t *d = load_exact("icmp6_echo_request_built.hex", &len);

    (void)state;
    assert_true(hw__parse_quoted_l4(IPPROTO_ICMPV6, d, 8, &pr));
    assert_int_equal(pr.proto, IPPROTO_ICMPV6);
    assert_int_equal(pr.ident, IDENT);
    assert_int_equal(pr.seq, 1);
    assert_null(pr.payload);
    assert_int_equal(pr.payload_len, 0);
    free(d);
}

static void test_packet_quoted_l4_echo_wrong_type(void **state)
{
    struct hw__probe_id pr;
    size_t l4, l6, lr;
    uint8_t *e4 = load_exact("icmp4_echo_request.hex", &l4);
    uint8_t *e6 = load_exact("icmp6_echo_request_built.hex", &l6);
    uint8_t *r4 = load_exact("icmp4_echo_reply.hex", &lr);

    (void)state;
    /* Each family's echo request type only. */
    assert_false(hw__parse_quoted_l4(IPPROTO_ICMP, e6, l6, &pr));
    assert_false(hw__parse_quoted_l4(IPPROTO_ICMPV6, e4, l4, &pr));
    assert_false(hw__parse_quoted_l4(IPPROTO_ICMP, r4, lr, &pr));
    assert_int_equal(pr.ident, 0);
    free(r4);
    free(e6);
    free(e4);
}

static void test_packet_quoted_l4_udp(void **state)
{
    struct hw__probe_id pr;
    size_t len;
    uint8_t *d = load_exact("udp4_paris_even.hex", &len);

    (void)state;
    assert_true(hw__parse_quoted_l4(IPPROTO_UDP, d, len, &pr));
    assert_udp_probe(&pr, 40, 0x0103);
    assert_ptr_equal(pr.payload, d + 8);
    assert_int_equal(pr.payload_len, 32);
    assert_std_payload(pr.payload, 30);
    assert_int_equal(pr.quoted_ttl, -1);
    free(d);
}

static void test_packet_quoted_l4_tcp(void **state)
{
    struct hw__probe_id pr;
    size_t len;
    uint8_t *d = load_exact("tcp4_syn_built.hex", &len);

    (void)state;
    assert_true(hw__parse_quoted_l4(IPPROTO_TCP, d, len, &pr));
    assert_tcp_probe(&pr);
    free(d);
}

static void test_packet_quoted_l4_seven_bytes(void **state)
{
    static const uint8_t echo4[7] = {8, 0, 0, 0, 0x48, 0x57, 0};
    static const uint8_t echo6[7] = {128, 0, 0, 0, 0x48, 0x57, 0};
    struct hw__probe_id pr;
    uint8_t *b = malloc(7);

    (void)state;
    assert_non_null(b);
    memcpy(b, echo4, 7);
    assert_false(hw__parse_quoted_l4(IPPROTO_ICMP, b, 7, &pr));
    memcpy(b, echo6, 7);
    assert_false(hw__parse_quoted_l4(IPPROTO_ICMPV6, b, 7, &pr));
    assert_false(hw__parse_quoted_l4(IPPROTO_UDP, b, 7, &pr));
    assert_false(hw__parse_quoted_l4(IPPROTO_TCP, b, 7, &pr));
    assert_false(hw__parse_quoted_l4(IPPROTO_UDP, NULL, 0, &pr));
    assert_int_equal(pr.sport, 0);
    free(b);
}

static void test_packet_quoted_l4_other_protocol(void **state)
{
    struct hw__probe_id pr;
    size_t len;
    uint8_t *d = load_exact("udp4_built.hex", &len);

    (void)state;
    assert_false(hw__parse_quoted_l4(132, d, len, &pr));
    assert_int_equal(pr.proto, 132);
    assert_int_equal(pr.sport, 0);
    assert_false(hw__parse_quoted_l4(IPPROTO_ESP, d, len, &pr));
    free(d);
}

static void test_packet_quoted_l4_resets_output(void **state)
{
    struct hw__probe_id pr;
    size_t len;
    uint8_t *d = load_exact("tcp4_syn_built.hex", &len);

    (void)state;
    memset(&pr, 0xa5, sizeof(pr));
    assert_true(hw__parse_quoted_l4(IPPROTO_TCP, d, len, &pr));
    assert_int_equal(pr.src.family, AF_UNSPEC);
    assert_int_equal(pr.dst.family, AF_UNSPEC);
    assert_int_equal(pr.quoted_ttl, -1);
    assert_int_equal(pr.udp_checksum, 0);
    assert_null(pr.payload);
    memset(&pr, 0xa5, sizeof(pr));
    assert_false(hw__parse_quoted_l4(IPPROTO_TCP, d, 4, &pr));
    assert_int_equal(pr.proto, IPPROTO_TCP);
    assert_int_equal(pr.sport, 0);
    assert_int_equal(pr.tcp_seq, 0);
    assert_int_equal(pr.quoted_ttl, -1);
    assert_null(pr.payload);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packet_checksum_rfc1071_example),
        cmocka_unit_test(test_packet_checksum_odd_length),
        cmocka_unit_test(test_packet_checksum_verifies_to_zero),
        cmocka_unit_test(test_packet_icmp6_checksum_known_value),
        cmocka_unit_test(test_packet_icmp6_checksum_verifies_to_zero),
        cmocka_unit_test(test_packet_build_echo4_matches_golden),
        cmocka_unit_test(test_packet_build_echo4_checksum_verifies),
        cmocka_unit_test(test_packet_build_echo6_matches_golden),
        cmocka_unit_test(test_packet_build_echo_cap_too_small),
        cmocka_unit_test(test_packet_build_echo_exact_cap),
        cmocka_unit_test(test_packet_build_echo_unknown_family),
        cmocka_unit_test(test_packet_build_echo_no_payload),
        cmocka_unit_test(test_hexfile_format),
        cmocka_unit_test(test_hexfile_bad_digit),
        cmocka_unit_test(test_hexfile_odd_nibble),
        cmocka_unit_test(test_hexfile_missing),
        cmocka_unit_test(test_hexfile_too_small),
        cmocka_unit_test(test_packet_ip4_echo_reply),
        cmocka_unit_test(test_packet_icmp4_echo_reply),
        cmocka_unit_test(test_packet_icmp4_echo_reply_empty_payload),
        cmocka_unit_test(test_packet_ip4_trailing_bytes_ignored),
        cmocka_unit_test(test_packet_icmp4_echo_request_ignored),
        cmocka_unit_test(test_packet_ip4_redirect_ignored),
        cmocka_unit_test(test_packet_ip4_nonfirst_fragment_ignored),
        cmocka_unit_test(test_packet_ip4_not_icmp_ignored),
        cmocka_unit_test(test_packet_ip4_time_exceeded_min_quote),
        cmocka_unit_test(test_packet_icmp4_time_exceeded_min_quote),
        cmocka_unit_test(test_packet_ip4_time_exceeded_long_quote),
        cmocka_unit_test(test_packet_ip4_time_exceeded_576_quote),
        cmocka_unit_test(test_packet_ip4_time_exceeded_quoted_options),
        cmocka_unit_test(test_packet_ip4_time_exceeded_outer_options),
        cmocka_unit_test(test_packet_ip4_quote_not_echo_ignored),
        cmocka_unit_test(test_packet_ip4_quote_short_icmp_ignored),
        cmocka_unit_test(test_packet_ip4_unreach_admin),
        cmocka_unit_test(test_packet_ip4_unreach_net),
        cmocka_unit_test(test_packet_ip4_unreach_frag_needed_mtu),
        cmocka_unit_test(test_packet_ip4_unreach_port_udp),
        cmocka_unit_test(test_packet_ip4_unreach_nonfirst_fragment_ignored),
        cmocka_unit_test(test_packet_ip4_param_problem_pointer),
        cmocka_unit_test(test_packet_ip4_source_quench),
        cmocka_unit_test(test_packet_ip4_mpls_two_labels),
        cmocka_unit_test(test_packet_ip4_mpls_bad_checksum),
        cmocka_unit_test(test_packet_ip4_mpls_zero_checksum),
        cmocka_unit_test(test_packet_ip4_mpls_truncated_header),
        cmocka_unit_test(test_packet_ip4_mpls_truncated_object),
        cmocka_unit_test(test_packet_ip4_mpls_object_length_zero),
        cmocka_unit_test(test_packet_ip4_mpls_object_overrun_keeps_earlier),
        cmocka_unit_test(test_packet_ip4_mpls_at_most_max),
        cmocka_unit_test(test_packet_ip4_mpls_legacy_offset),
        cmocka_unit_test(test_packet_ip4_mpls_legacy_needs_checksum),
        cmocka_unit_test(test_packet_ip4_mpls_quote_ends_at_length),
        cmocka_unit_test(test_packet_ip4_mpls_legacy_quote_ends_at_128),
        cmocka_unit_test(test_packet_ip4_mpls_legacy_zero_checksum_not_taken),
        cmocka_unit_test(test_packet_ip4_rfc4884_length_beyond_message),
        cmocka_unit_test(test_packet_ip4_rfc4884_length_below_minimum),
        cmocka_unit_test(test_packet_ip4_ihl_below_5),
        cmocka_unit_test(test_packet_ip4_ihl_beyond_length),
        cmocka_unit_test(test_packet_ip4_total_length_beyond_received),
        cmocka_unit_test(test_packet_ip4_total_length_below_header),
        cmocka_unit_test(test_packet_ip4_wrong_version),
        cmocka_unit_test(test_packet_ip4_bad_icmp_checksum),
        cmocka_unit_test(test_packet_ip4_quoted_total_length_below_ihl),
        cmocka_unit_test(test_packet_ip4_quoted_ihl_below_5),
        cmocka_unit_test(test_packet_ip4_quoted_ihl_beyond_quote),
        cmocka_unit_test(test_packet_ip4_quoted_wrong_version),
        cmocka_unit_test(test_packet_ip4_quote_shorter_than_header),
        cmocka_unit_test(test_packet_icmp4_shorter_than_header),
        cmocka_unit_test(test_packet_ip4_every_prefix),
        cmocka_unit_test(test_packet_icmp4_every_prefix),
        cmocka_unit_test(test_packet_icmp6_echo_reply),
        cmocka_unit_test(test_packet_icmp6_time_exceeded_min_quote),
        cmocka_unit_test(test_packet_icmp6_time_exceeded_long_quote),
        cmocka_unit_test(test_packet_icmp6_quote_extension_headers),
        cmocka_unit_test(test_packet_icmp6_quote_routing_header),
        cmocka_unit_test(test_packet_icmp6_quote_auth_header),
        cmocka_unit_test(test_packet_icmp6_quote_nonfirst_fragment_ignored),
        cmocka_unit_test(test_packet_icmp6_quote_esp_ignored),
        cmocka_unit_test(test_packet_icmp6_quote_chain_of_16),
        cmocka_unit_test(test_packet_icmp6_quote_chain_too_long_ignored),
        cmocka_unit_test(test_packet_icmp6_unreach_admin),
        cmocka_unit_test(test_packet_icmp6_unreach_no_route),
        cmocka_unit_test(test_packet_icmp6_packet_too_big_mtu),
        cmocka_unit_test(test_packet_icmp6_packet_too_big_payload),
        cmocka_unit_test(test_packet_icmp6_param_problem_pointer),
        cmocka_unit_test(test_packet_icmp6_mpls_two_labels),
        cmocka_unit_test(test_packet_icmp6_mpls_quote_ends_at_length),
        cmocka_unit_test(test_packet_icmp6_mpls_legacy_offset),
        cmocka_unit_test(test_packet_icmp6_echo_request_ignored),
        cmocka_unit_test(test_packet_icmp6_peer_echo_request_ignored),
        cmocka_unit_test(test_packet_icmp6_router_advert_ignored),
        cmocka_unit_test(test_packet_icmp6_exthdr_beyond_payload),
        cmocka_unit_test(test_packet_icmp6_exthdr_beyond_quote),
        cmocka_unit_test(test_packet_icmp6_quoted_wrong_version),
        cmocka_unit_test(test_packet_icmp6_quote_shorter_than_header),
        cmocka_unit_test(test_packet_icmp6_shorter_than_header),
        cmocka_unit_test(test_packet_icmp6_every_prefix_exthdrs),
        cmocka_unit_test(test_packet_icmp6_every_prefix_mpls),
        cmocka_unit_test(test_packet_build_udp4_matches_golden),
        cmocka_unit_test(test_packet_build_udp6_matches_golden),
        cmocka_unit_test(test_packet_build_udp4_checksum_verifies),
        cmocka_unit_test(test_packet_build_udp6_checksum_verifies),
        cmocka_unit_test(test_packet_build_udp_odd_payload_verifies),
        cmocka_unit_test(test_packet_build_udp4_zero_checksum_sent_as_ffff),
        cmocka_unit_test(test_packet_build_udp6_zero_checksum_sent_as_ffff),
        cmocka_unit_test(test_packet_build_udp_no_payload),
        cmocka_unit_test(test_packet_build_udp_cap_too_small),
        cmocka_unit_test(test_packet_build_udp_exact_cap),
        cmocka_unit_test(test_packet_build_udp_length_field_limit),
        cmocka_unit_test(test_packet_build_udp_family_mismatch),
        cmocka_unit_test(test_packet_build_udp_paris4_even_matches_golden),
        cmocka_unit_test(test_packet_build_udp_paris4_odd_matches_golden),
        cmocka_unit_test(test_packet_build_udp_paris6_even_matches_golden),
        cmocka_unit_test(test_packet_build_udp_paris6_odd_matches_golden),
        cmocka_unit_test(test_packet_build_udp_paris_every_want_verifies),
        cmocka_unit_test(test_packet_build_udp_paris_header_fields),
        cmocka_unit_test(test_packet_build_udp_paris_no_adjustment_gives_zero_bytes),
        cmocka_unit_test(test_packet_build_udp_paris_rejects_no_checksum_values),
        cmocka_unit_test(test_packet_build_udp_paris_payload_below_2),
        cmocka_unit_test(test_packet_build_udp_paris_reads_only_kept_payload),
        cmocka_unit_test(test_packet_build_udp_paris_cap_too_small),
        cmocka_unit_test(test_packet_build_udp_paris_id_quoted_back),
        cmocka_unit_test(test_packet_build_tcp_syn4_matches_golden),
        cmocka_unit_test(test_packet_build_tcp_syn6_matches_golden),
        cmocka_unit_test(test_packet_build_tcp_syn_fields),
        cmocka_unit_test(test_packet_build_tcp_syn4_checksum_verifies),
        cmocka_unit_test(test_packet_build_tcp_syn6_checksum_verifies),
        cmocka_unit_test(test_packet_build_tcp_syn_cap),
        cmocka_unit_test(test_packet_ip4_time_exceeded_udp_min_quote),
        cmocka_unit_test(test_packet_icmp4_time_exceeded_udp_min_quote),
        cmocka_unit_test(test_packet_ip4_time_exceeded_udp_long_quote),
        cmocka_unit_test(test_packet_ip4_quote_udp_7_bytes_ignored),
        cmocka_unit_test(test_packet_ip4_quote_udp_quoted_options),
        cmocka_unit_test(test_packet_ip4_time_exceeded_tcp_quote),
        cmocka_unit_test(test_packet_ip4_quote_sctp_ignored),
        cmocka_unit_test(test_packet_ip4_udp_quote_with_mpls),
        cmocka_unit_test(test_packet_icmp6_time_exceeded_udp_min_quote),
        cmocka_unit_test(test_packet_icmp6_time_exceeded_udp_long_quote),
        cmocka_unit_test(test_packet_icmp6_unreach_port_udp),
        cmocka_unit_test(test_packet_icmp6_time_exceeded_tcp_quote),
        cmocka_unit_test(test_packet_icmp6_quote_tcp_7_bytes_ignored),
        cmocka_unit_test(test_packet_icmp6_quote_udp_extension_headers),
        cmocka_unit_test(test_packet_l4_ip4_goldens_every_prefix),
        cmocka_unit_test(test_packet_l4_icmp4_every_prefix),
        cmocka_unit_test(test_packet_l4_icmp6_every_prefix),
        cmocka_unit_test(test_packet_tcp4_every_prefix_fixed_up),
        cmocka_unit_test(test_packet_tcp6_every_prefix_fixed_up),
        cmocka_unit_test(test_packet_tcp6_every_prefix_raw),
        cmocka_unit_test(test_packet_quoted_l4_built_goldens_every_prefix),
        cmocka_unit_test(test_packet_tcp4_synack),
        cmocka_unit_test(test_packet_tcp4_trailing_bytes_ignored),
        cmocka_unit_test(test_packet_tcp4_rst_ack),
        cmocka_unit_test(test_packet_tcp4_rst_without_ack_uses_seq),
        cmocka_unit_test(test_packet_tcp4_fin_ack_ignored),
        cmocka_unit_test(test_packet_tcp4_syn_and_rst_is_rst),
        cmocka_unit_test(test_packet_tcp4_bad_checksum),
        cmocka_unit_test(test_packet_tcp4_good_checksum_reported),
        cmocka_unit_test(test_packet_tcp4_data_offset_below_5),
        cmocka_unit_test(test_packet_tcp4_data_offset_beyond_segment),
        cmocka_unit_test(test_packet_tcp4_nonfirst_fragment_ignored),
        cmocka_unit_test(test_packet_tcp4_not_tcp_ignored),
        cmocka_unit_test(test_packet_tcp4_outer_header_checks),
        cmocka_unit_test(test_packet_tcp6_synack),
        cmocka_unit_test(test_packet_tcp6_rst_ack),
        cmocka_unit_test(test_packet_tcp6_bad_checksum),
        cmocka_unit_test(test_packet_tcp6_checksum_uses_addresses),
        cmocka_unit_test(test_packet_tcp6_our_syn_ignored),
        cmocka_unit_test(test_packet_tcp6_length_above_16_bits),
        cmocka_unit_test(test_packet_quoted_l4_echo4),
        cmocka_unit_test(test_packet_quoted_l4_echo6),
        cmocka_unit_test(test_packet_quoted_l4_echo_wrong_type),
        cmocka_unit_test(test_packet_quoted_l4_udp),
        cmocka_unit_test(test_packet_quoted_l4_tcp),
        cmocka_unit_test(test_packet_quoted_l4_seven_bytes),
        cmocka_unit_test(test_packet_quoted_l4_other_protocol),
        cmocka_unit_test(test_packet_quoted_l4_resets_output),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
