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

static void test_packet_ip4_unreach_port_udp_ignored(void **state)
{
    struct hw__parsed p = kind_of("ip4_unreach_port_udp.hex", L_IP4, HW_PKT_IGNORED);

    (void)state;
    assert_int_equal(p.type, 3);
    assert_int_equal(p.code, 3);
    assert_addr(&p.ip_src, AF_INET, T4);
    assert_int_equal(p.probe.proto, IPPROTO_UDP);
    assert_addr(&p.probe.src, AF_INET, H4);
    assert_addr(&p.probe.dst, AF_INET, T4);
    assert_int_equal(p.probe.quoted_ttl, 4);
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
        cmocka_unit_test(test_packet_ip4_unreach_port_udp_ignored),
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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
