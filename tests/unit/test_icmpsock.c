/* test_icmpsock.c - the socket level: parsing what sockets deliver into
 * replies and matching them to requests (pure functions, on bytes), and
 * the socket calls themselves on the fake network (no real socket).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/error.h>
#include <hopwatch/icmpsock.h>

#include "core/icmpsock.h"
#include "core/packet.h"
#include "fakenet.h"

#define MS 1000000LL
#define S 1000000000LL

/* ---- building packets -------------------------------------------------- */

/* An IPv4 header of total length 20 + len from src to dst (TTL ttl,
 * protocol ICMP) in front of the len bytes at msg, into out. */
static size_t
ip4_wrap(const char *src, const char *dst, int ttl, const uint8_t *msg, size_t len, uint8_t *out)
{
    struct hw_addr s = fakenet_addr(src), d = fakenet_addr(dst);
    size_t total = 20 + len;
    uint16_t c;

    memset(out, 0, 20);
    out[0] = 0x45;
    out[2] = (uint8_t)(total >> 8);
    out[3] = (uint8_t)total;
    out[8] = (uint8_t)ttl;
    out[9] = IPPROTO_ICMP;
    memcpy(out + 12, &s.u.v4, 4);
    memcpy(out + 16, &d.u.v4, 4);
    c = hw__inet_checksum(out, 20);
    memcpy(out + 10, &c, 2);
    memcpy(out + 20, msg, len);
    return total;
}

/* An echo request or reply (type) with id, seq and 8 payload bytes. */
static size_t
echo(int family, int type, uint16_t id, uint16_t seq, uint8_t *out)
{
    static const uint8_t pay[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    size_t len = hw__build_echo(family, out, 64, id, seq, pay, sizeof(pay));
    uint16_t c;

    out[0] = (uint8_t)type;
    out[2] = out[3] = 0;
    if (family == AF_INET) {
        c = hw__inet_checksum(out, len);
        memcpy(out + 2, &c, 2);
    }
    return len;
}

/* An ICMPv4 error type/code quoting an IPv4 datagram of protocol proto
 * from 198.18.0.1 to qdst whose first bytes are l4 (l4len of them). */
static size_t
icmp4_error(int type, int code, const char *qdst, uint8_t proto, const uint8_t *l4,
            size_t l4len, uint8_t *out)
{
    uint8_t quote[128];
    size_t qlen = ip4_wrap("198.18.0.1", qdst, 1, l4, l4len, quote);
    uint16_t c;

    quote[9] = proto;
    memset(quote + 10, 0, 2);
    c = hw__inet_checksum(quote, 20);
    memcpy(quote + 10, &c, 2);
    memset(out, 0, 8);
    out[0] = (uint8_t)type;
    out[1] = (uint8_t)code;
    memcpy(out + 8, quote, qlen);
    c = hw__inet_checksum(out, 8 + qlen);
    memcpy(out + 2, &c, 2);
    return 8 + qlen;
}

static void
rx_init(struct hw_rx *rx, uint8_t *buf, size_t len, const char *from)
{
    memset(rx, 0, sizeof(*rx));
    rx->buf = buf;
    rx->cap = len;
    rx->len = len;
    rx->ttl = -1;
    rx->from = from != NULL ? fakenet_addr(from) : (struct hw_addr){.family = AF_UNSPEC};
    rx->received.mono_ns = 77;
}

/* ---- parsing --------------------------------------------------------------- */

static void
test_icmpsock_parse_raw4_echo_reply(void **state)
{
    uint8_t msg[64], pkt[128];
    struct hw_icmp_reply r;
    struct hw_rx rx;
    size_t len;

    (void)state;
    len = ip4_wrap("198.18.3.2", "198.18.0.1", 61, msg, echo(AF_INET, 0, 0x4242, 7, msg), pkt);
    rx_init(&rx, pkt, len, "198.18.3.2");
    assert_true(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_RAW, &rx, &r));
    assert_int_equal(r.family, AF_INET);
    assert_int_equal(r.type, 0);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.id, 0x4242);
    assert_int_equal(r.sequence, 7);
    assert_int_equal(r.bytes_received, 16);
    assert_int_equal(r.ttl, 61);
    assert_int_equal(r.time.mono_ns, 77);
    assert_true(hw_addr_equal(&r.source, &rx.from));
    assert_int_equal(r.destination.family, AF_UNSPEC);
}

static void
test_icmpsock_parse_raw4_time_exceeded(void **state)
{
    uint8_t req[64], msg[160], pkt[200];
    struct hw_icmp_reply r;
    struct hw_rx rx;
    struct hw_addr want = fakenet_addr("198.18.9.2");
    size_t qlen = echo(AF_INET, 8, 0x1111, 3, req), len;

    (void)state;
    len = icmp4_error(11, 0, "198.18.9.2", IPPROTO_ICMP, req, qlen, msg);
    len = ip4_wrap("198.18.1.2", "198.18.0.1", 63, msg, len, pkt);
    rx_init(&rx, pkt, len, "198.18.1.2");
    assert_true(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_RAW, &rx, &r));
    assert_int_equal(r.type, 11);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.id, 0x1111);
    assert_int_equal(r.sequence, 3);
    assert_true(hw_addr_equal(&r.destination, &want));
    assert_true(hw_addr_equal(&r.source, &rx.from));
    assert_int_equal(hw_icmp_reply_status(&r, NULL), HW_ETIMEEXCEEDED);
}

/* Errors about UDP or TCP carry no echo id: never returned. */
static void
test_icmpsock_parse_skips_errors_about_other_protocols(void **state)
{
    static const uint8_t udp[8] = {0x82, 0x9a, 0x82, 0x9b, 0, 16, 0x12, 0x34};
    uint8_t msg[160], pkt[200];
    struct hw_icmp_reply r;
    struct hw_rx rx;
    size_t len;

    (void)state;
    len = icmp4_error(3, 3, "198.18.9.2", IPPROTO_UDP, udp, sizeof(udp), msg);
    len = ip4_wrap("198.18.9.2", "198.18.0.1", 63, msg, len, pkt);
    rx_init(&rx, pkt, len, "198.18.9.2");
    assert_false(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_RAW, &rx, &r));
}

static void
test_icmpsock_parse_skips_bad_packets(void **state)
{
    uint8_t msg[64], pkt[128];
    struct hw_icmp_reply r;
    struct hw_rx rx;
    size_t len;

    (void)state;
    /* An echo request (our own, looped back) is not a reply. */
    len = ip4_wrap("198.18.3.2", "198.18.0.1", 61, msg, echo(AF_INET, 8, 1, 1, msg), pkt);
    rx_init(&rx, pkt, len, "198.18.3.2");
    assert_false(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_RAW, &rx, &r));
    /* A bad checksum. */
    len = ip4_wrap("198.18.3.2", "198.18.0.1", 61, msg, echo(AF_INET, 0, 1, 1, msg), pkt);
    pkt[30] ^= 0xff;
    rx_init(&rx, pkt, len, "198.18.3.2");
    assert_false(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_RAW, &rx, &r));
    /* Truncated: shorter than the IP header says, and marked truncated. */
    pkt[30] ^= 0xff;
    rx_init(&rx, pkt, len - 4, "198.18.3.2");
    assert_false(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_RAW, &rx, &r));
    rx_init(&rx, pkt, len, "198.18.3.2");
    rx.truncated = true;
    assert_false(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_RAW, &rx, &r));
    /* Not a socket kind of ours. */
    rx_init(&rx, pkt, len, "198.18.3.2");
    assert_false(hw__icmp_reply_parse(AF_INET, HW_SOCK_UDP_RAW, &rx, &r));
    assert_true(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_RAW, &rx, &r));
}

static void
test_icmpsock_parse_dgram4_and_v6(void **state)
{
    uint8_t msg[64];
    struct hw_icmp_reply r;
    struct hw_rx rx;
    size_t len;

    (void)state;
    /* Datagram sockets hand over the ICMP message without the IP header. */
    len = echo(AF_INET, 0, 5000, 9, msg);
    rx_init(&rx, msg, len, "198.18.3.2");
    rx.ttl = 60;
    assert_true(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_DGRAM, &rx, &r));
    assert_int_equal(r.id, 5000);
    assert_int_equal(r.sequence, 9);
    assert_int_equal(r.ttl, 60);
    /* IPv6, raw or not, the same way. */
    len = echo(AF_INET6, 129, 0x4242, 1, msg);
    rx_init(&rx, msg, len, "2001:2::2");
    assert_true(hw__icmp_reply_parse(AF_INET6, HW_SOCK_ICMP_RAW, &rx, &r));
    assert_int_equal(r.family, AF_INET6);
    assert_int_equal(r.type, 129);
    assert_int_equal(r.sequence, 1);
    assert_int_equal(r.bytes_received, 16);
    assert_int_equal(hw_icmp_reply_status(&r, NULL), 0);
}

/* An error from an unprivileged socket's error queue: the quoted request,
 * with type, code, router and destination beside it. */
static void
test_icmpsock_parse_error_queue(void **state)
{
    uint8_t req[64];
    struct hw_icmp_reply r;
    struct hw_rx rx;
    enum hw_icmp_reason why;
    size_t len = echo(AF_INET, 8, 5001, 4, req);

    (void)state;
    rx_init(&rx, req, len, "198.18.2.2");
    rx.layer = HW_RX_QUOTE;
    rx.err_type = 3;
    rx.err_code = 1;
    rx.err_dst = fakenet_addr("198.18.7.2");
    assert_true(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_DGRAM, &rx, &r));
    assert_int_equal(r.id, 5001);
    assert_int_equal(r.sequence, 4);
    assert_int_equal(r.type, 3);
    assert_int_equal(r.code, 1);
    assert_true(hw_addr_equal(&r.source, &rx.from));
    assert_true(hw_addr_equal(&r.destination, &rx.err_dst));
    assert_int_equal(hw_icmp_reply_status(&r, &why), HW_EUNREACH);
    assert_int_equal(why, HW_ICMP_HOST_UNREACHABLE);
    /* A local error (nothing quoted) is not returned. */
    rx.len = 0;
    assert_false(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_DGRAM, &rx, &r));
    /* Nor a type that is not an error. */
    rx.len = len;
    rx.err_type = 0;
    assert_false(hw__icmp_reply_parse(AF_INET, HW_SOCK_ICMP_DGRAM, &rx, &r));
}

/* ---- matching -------------------------------------------------------------- */

static void
test_icmpsock_matching(void **state)
{
    struct hw_addr dst = fakenet_addr("198.18.7.2");
    struct hw_icmp_request req;
    struct hw_icmp_reply r;

    (void)state;
    hw_icmp_request_init(&req, &dst, 0x10, 5);
    memset(&r, 0, sizeof(r));
    r.family = AF_INET;
    r.source = fakenet_addr("198.18.7.9"); /* a reply to a broadcast: any source */
    r.destination.family = AF_UNSPEC;
    r.id = 0x10;
    r.sequence = 5;
    assert_true(hw__icmp_reply_matches(&req, &r));
    r.sequence = 6;
    assert_false(hw__icmp_reply_matches(&req, &r));
    r.sequence = 5;
    r.id = 0x11;
    assert_false(hw__icmp_reply_matches(&req, &r));
    r.id = 0x10;
    r.family = AF_INET6;
    assert_false(hw__icmp_reply_matches(&req, &r));
    r.family = AF_INET;
    /* An error quoting the same id and sequence sent elsewhere. */
    r.destination = fakenet_addr("198.18.7.3");
    assert_false(hw__icmp_reply_matches(&req, &r));
    r.destination = dst;
    assert_true(hw__icmp_reply_matches(&req, &r));
}

static void
test_icmpsock_request_defaults(void **state)
{
    struct hw_addr dst = fakenet_addr("2001:2::7");
    struct hw_icmp_request req;

    (void)state;
    hw_icmp_request_init(&req, &dst, 1, 2);
    assert_true(hw_addr_equal(&req.destination, &dst));
    assert_int_equal(req.id, 1);
    assert_int_equal(req.sequence, 2);
    assert_null(req.payload);
    assert_int_equal(req.payload_size, 56);
    assert_int_equal(req.ttl, 64);
    assert_int_equal(req.traffic_class, 0);
    assert_int_equal(req.time.mono_ns, 0);
}

/* ---- the socket on the fake network --------------------------------------- */

struct fx {
    struct fakenet net;              /* the fake network */
    struct hw_icmp_socket_opts o;    /* options pointing at it */
    struct hw_icmp_socket *s;        /* the socket under test */
    char err[512];                   /* open's message */
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    fakenet_init(&f->net);
    hw_icmp_socket_opts_init(&f->o);
    f->o.transport = fakenet_transport();
    f->o.transport_ctx = &f->net;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    hw_icmp_socket_free(f->s);
    fakenet_fini(&f->net);
    free(f);
    return 0;
}

static void
test_icmpsock_opts_defaults(void **state)
{
    struct hw_icmp_socket_opts o;

    (void)state;
    hw_icmp_socket_opts_init(&o);
    assert_int_equal(o.source.family, AF_UNSPEC);
    assert_int_equal(o.privilege, HW_PRIV_AUTO);
    assert_false(o.broadcast);
    assert_true(o.blocking);
    assert_null(o.transport);
}

static void
test_icmpsock_open_raw(void **state)
{
    struct fx *f = *state;

    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    assert_true(hw_icmp_socket_is_privileged(f->s));
    assert_int_equal(hw_icmp_socket_fd(f->s), FAKE_FD4);
    assert_int_equal(hw_icmp_socket_ident(f->s), -1);
    assert_int_equal(hw_icmp_socket_family(f->s), AF_INET);
    assert_false(hw_icmp_socket_is_closed(f->s));
    assert_true(hw_icmp_socket_blocking(f->s));
    assert_int_equal(hw_icmp_socket_address(f->s).family, AF_UNSPEC);
}

/* AUTO falls back to an unprivileged socket; both refused: HW_ENOPERM with
 * both messages. */
static void
test_icmpsock_open_falls_back_then_fails(void **state)
{
    struct fx *f = *state;

    f->net.open_status[0] = HW_ENOPERM;
    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    assert_false(hw_icmp_socket_is_privileged(f->s));
    assert_int_equal(hw_icmp_socket_ident(f->s), FAKE_DGRAM_IDENT);
    hw_icmp_socket_free(f->s);
    f->s = NULL;
    f->net.dgram_status[0] = HW_ENOPERM;
    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)),
                     HW_ENOPERM);
    assert_null(f->s);
    assert_non_null(strstr(f->err, "kind 1"));
    assert_non_null(strstr(f->err, "; and "));
    assert_non_null(strstr(f->err, "kind 2"));
    /* Raw only: the raw socket's message alone. */
    f->o.privilege = HW_PRIV_RAW;
    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)),
                     HW_ENOPERM);
    assert_null(strstr(f->err, "; and "));
    /* A source address that is not ours (the fake says so like bind). */
    f->o.privilege = HW_PRIV_AUTO;
    f->net.open_status[0] = HW_EADDR;
    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, NULL, 0), HW_EADDR);
}

static void
test_icmpsock_open_rejects_bad_arguments(void **state)
{
    struct fx *f = *state;

    assert_int_equal(hw_icmp_socket_open(AF_UNIX, &f->o, &f->s, f->err, sizeof(f->err)),
                     HW_EINVAL);
    f->o.source = fakenet_addr("2001:2::1");
    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)),
                     HW_EINVAL);
    f->o.source.family = AF_UNSPEC;
    f->o.broadcast = true;
    assert_int_equal(hw_icmp_socket_open(AF_INET6, &f->o, &f->s, f->err, sizeof(f->err)),
                     HW_EINVAL);
    assert_null(f->s);
}

/* Send, then receive the matching reply; the RTT comes from the two
 * stamps. */
static void
test_icmpsock_send_and_receive(void **state)
{
    struct fx *f = *state;
    struct hw_addr dst = fakenet_addr("198.18.3.2");
    struct hw_icmp_request req;
    struct hw_icmp_reply r;

    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    hw_icmp_request_init(&req, &dst, 0xbeef, 1);
    req.ttl = 9;
    req.traffic_class = 0x10;
    assert_int_equal(hw_icmp_socket_send(f->s, &req), 0);
    assert_int_equal(f->net.nsent, 1);
    assert_int_equal(f->net.sent[0].len, 8 + 56);
    assert_int_equal(f->net.sent[0].buf[0], 8);
    assert_int_equal(f->net.sent[0].buf[4] << 8 | f->net.sent[0].buf[5], 0xbeef);
    assert_int_equal(f->net.sent[0].buf[7], 1);
    assert_int_equal(f->net.sent[0].ttl, 9);
    assert_int_equal(f->net.sent[0].tos, 0x10);
    assert_int_equal(hw__inet_checksum(f->net.sent[0].buf, f->net.sent[0].len), 0);
    assert_int_equal(req.time.mono_ns, f->net.sent[0].sent.mono_ns);
    fakenet_echo_reply(&f->net, 0, &dst, 12 * MS);
    assert_int_equal(hw_icmp_socket_receive(f->s, &req, 2 * S, &r), 0);
    assert_int_equal(r.type, 0);
    assert_int_equal(r.id, 0xbeef);
    assert_int_equal(r.sequence, 1);
    assert_int_equal(r.bytes_received, 64);
    assert_true(hw_addr_equal(&r.source, &dst));
    assert_int_equal(hw_icmp_rtt_ns(&req, &r), 12 * MS);
    assert_int_equal(hw_icmp_reply_status(&r, NULL), 0);
}

/* A receive with a huge timeout (INT64_MAX, or just under) waits: it is
 * woken by the reply, seconds or hours later, instead of timing out at
 * once. */
static void
test_icmpsock_receive_huge_timeout_waits(void **state)
{
    struct fx *f = *state;
    struct hw_addr dst = fakenet_addr("198.18.3.2");
    struct hw_icmp_request req;
    struct hw_icmp_reply r;

    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    hw_icmp_request_init(&req, &dst, 0xbeef, 1);
    assert_int_equal(hw_icmp_socket_send(f->s, &req), 0);
    fakenet_echo_reply(&f->net, 0, &dst, 5 * S);
    assert_int_equal(hw_icmp_socket_receive(f->s, &req, INT64_MAX, &r), 0);
    assert_int_equal(r.sequence, 1);
    assert_int_equal(hw_icmp_rtt_ns(&req, &r), 5 * S);

    hw_icmp_request_init(&req, &dst, 0xbeef, 2);
    assert_int_equal(hw_icmp_socket_send(f->s, &req), 0);
    fakenet_echo_reply(&f->net, 1, &dst, 3 * 3600 * S);
    assert_int_equal(hw_icmp_socket_receive(f->s, &req, INT64_MAX - 1, &r), 0);
    assert_int_equal(r.sequence, 2);
    assert_int_equal(hw_icmp_rtt_ns(&req, &r), 3 * 3600 * S);
}

/* A random payload by default, new for each request; or the caller's. */
static void
test_icmpsock_payloads(void **state)
{
    struct fx *f = *state;
    static const uint8_t mine[3] = {0xaa, 0xbb, 0xcc};
    struct hw_addr dst = fakenet_addr("198.18.3.2");
    struct hw_icmp_request req;

    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    hw_icmp_request_init(&req, &dst, 1, 1);
    assert_int_equal(hw_icmp_socket_send(f->s, &req), 0);
    assert_int_equal(hw_icmp_socket_send(f->s, &req), 0);
    assert_memory_not_equal(f->net.sent[0].buf + 8, f->net.sent[1].buf + 8, 56);
    req.payload = mine;
    req.payload_size = sizeof(mine);
    assert_int_equal(hw_icmp_socket_send(f->s, &req), 0);
    assert_int_equal(f->net.sent[2].len, 8 + 3);
    assert_memory_equal(f->net.sent[2].buf + 8, mine, 3);
}

/* Unprivileged: the kernel's identifier replaces the request's, and
 * errors come from the error queue. */
static void
test_icmpsock_unprivileged_id_and_error_queue(void **state)
{
    struct fx *f = *state;
    struct hw_addr dst = fakenet_addr("198.18.3.2"), router = fakenet_addr("198.18.0.2");
    struct hw_icmp_request req;
    struct hw_icmp_reply r;
    enum hw_icmp_reason why;

    f->o.privilege = HW_PRIV_DGRAM;
    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    hw_icmp_request_init(&req, &dst, 0x1234, 3);
    req.ttl = 1;
    assert_int_equal(hw_icmp_socket_send(f->s, &req), 0);
    assert_int_equal(req.id, FAKE_DGRAM_IDENT);
    assert_int_equal(f->net.sent[0].buf[4] << 8 | f->net.sent[0].buf[5], FAKE_DGRAM_IDENT);
    fakenet_icmp_error(&f->net, 0, &router, 11, 0, 64, 2 * MS);
    assert_int_equal(hw_icmp_socket_receive(f->s, &req, 2 * S, &r), 0);
    assert_int_equal(r.type, 11);
    assert_int_equal(r.sequence, 3);
    assert_true(hw_addr_equal(&r.source, &router));
    assert_true(hw_addr_equal(&r.destination, &dst));
    assert_int_equal(hw_icmp_reply_status(&r, &why), HW_ETIMEEXCEEDED);
    assert_int_equal(why, HW_ICMP_TTL_EXCEEDED);
}

/* Nothing arrives: HW_ETIMEDOUT after exactly the timeout (blocking), or
 * at once (non-blocking). */
static void
test_icmpsock_receive_timeout_and_nonblocking(void **state)
{
    struct fx *f = *state;
    struct hw_addr dst = fakenet_addr("198.18.3.2");
    struct hw_icmp_request req;
    struct hw_icmp_reply r;
    int64_t t0;

    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    hw_icmp_request_init(&req, &dst, 1, 1);
    assert_int_equal(hw_icmp_socket_send(f->s, &req), 0);
    t0 = f->net.mono_ns;
    assert_int_equal(hw_icmp_socket_receive(f->s, &req, 1500 * MS, &r), HW_ETIMEDOUT);
    assert_int_equal(f->net.mono_ns - t0, 1500 * MS);
    assert_int_equal(hw_icmp_socket_set_blocking(f->s, false), 0);
    assert_false(hw_icmp_socket_blocking(f->s));
    t0 = f->net.mono_ns;
    assert_int_equal(hw_icmp_socket_receive(f->s, &req, 5 * S, &r), HW_ETIMEDOUT);
    assert_int_equal(f->net.mono_ns, t0);
    /* What is already there is returned without waiting. */
    fakenet_echo_reply(&f->net, 0, &dst, 0);
    assert_int_equal(hw_icmp_socket_receive(f->s, &req, 0, &r), 0);
    assert_int_equal(f->net.mono_ns, t0);
}

/* Replies to other requests are dropped while waiting for ours; with no
 * request any reply is returned. */
static void
test_icmpsock_receive_skips_other_replies(void **state)
{
    struct fx *f = *state;
    struct hw_addr dst = fakenet_addr("198.18.3.2");
    struct hw_icmp_request a, b;
    struct hw_icmp_reply r;

    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    hw_icmp_request_init(&a, &dst, 9, 1);
    hw_icmp_request_init(&b, &dst, 9, 2);
    assert_int_equal(hw_icmp_socket_send(f->s, &a), 0);
    assert_int_equal(hw_icmp_socket_send(f->s, &b), 0);
    fakenet_echo_reply(&f->net, 1, &dst, 1 * MS);
    fakenet_echo_reply(&f->net, 0, &dst, 2 * MS);
    fakenet_echo_reply(&f->net, 1, &dst, 3 * MS);
    assert_int_equal(hw_icmp_socket_receive(f->s, &a, 2 * S, &r), 0);
    assert_int_equal(r.sequence, 1);
    assert_int_equal(hw_icmp_socket_receive(f->s, NULL, 2 * S, &r), 0);
    assert_int_equal(r.sequence, 2);
    assert_int_equal(hw_icmp_socket_receive(f->s, NULL, 1 * S, &r), HW_ETIMEDOUT);
}

static void
test_icmpsock_closed_socket(void **state)
{
    struct fx *f = *state;
    struct hw_addr dst = fakenet_addr("198.18.3.2");
    struct hw_icmp_request req;
    struct hw_icmp_reply r;

    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    hw_icmp_socket_close(f->s);
    hw_icmp_socket_close(f->s);
    assert_int_equal(f->net.closes, 1);
    assert_true(hw_icmp_socket_is_closed(f->s));
    assert_int_equal(hw_icmp_socket_fd(f->s), -1);
    hw_icmp_request_init(&req, &dst, 1, 1);
    assert_int_equal(hw_icmp_socket_send(f->s, &req), HW_ECLOSED);
    assert_int_equal(hw_icmp_socket_receive(f->s, &req, 0, &r), HW_ECLOSED);
    assert_int_equal(hw_icmp_socket_set_broadcast(f->s, true), HW_ECLOSED);
    assert_int_equal(hw_icmp_socket_set_blocking(f->s, false), HW_ECLOSED);
    assert_int_equal(f->net.nsent, 0);
}

static void
test_icmpsock_send_checks_request(void **state)
{
    struct fx *f = *state;
    struct hw_addr v6 = fakenet_addr("2001:2::2"), v4 = fakenet_addr("198.18.3.2");
    struct hw_icmp_request req;

    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    hw_icmp_request_init(&req, &v6, 1, 1);
    assert_int_equal(hw_icmp_socket_send(f->s, &req), HW_EINVAL);
    hw_icmp_request_init(&req, &v4, 1, 1);
    req.ttl = 300;
    assert_int_equal(hw_icmp_socket_send(f->s, &req), HW_EINVAL);
    req.ttl = 64;
    req.payload_size = 70000;
    assert_int_equal(hw_icmp_socket_send(f->s, &req), HW_EINVAL);
    assert_int_equal(f->net.nsent, 0);
    /* The send call's own failure comes back as it is. */
    req.payload_size = 56;
    f->net.send_status = HW_EBROADCAST;
    assert_int_equal(hw_icmp_socket_send(f->s, &req), HW_EBROADCAST);
    assert_int_equal(req.time.mono_ns, 0);
}

static void
test_icmpsock_broadcast_flag(void **state)
{
    struct fx *f = *state;

    assert_int_equal(hw_icmp_socket_open(AF_INET, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    assert_false(hw_icmp_socket_broadcast(f->s));
    assert_int_equal(hw_icmp_socket_set_broadcast(f->s, true), 0);
    assert_true(hw_icmp_socket_broadcast(f->s));
    hw_icmp_socket_free(f->s);
    assert_int_equal(hw_icmp_socket_open(AF_INET6, &f->o, &f->s, f->err, sizeof(f->err)), 0);
    assert_int_equal(hw_icmp_socket_set_broadcast(f->s, true), HW_EINVAL);
    assert_false(hw_icmp_socket_broadcast(f->s));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icmpsock_parse_raw4_echo_reply),
        cmocka_unit_test(test_icmpsock_parse_raw4_time_exceeded),
        cmocka_unit_test(test_icmpsock_parse_skips_errors_about_other_protocols),
        cmocka_unit_test(test_icmpsock_parse_skips_bad_packets),
        cmocka_unit_test(test_icmpsock_parse_dgram4_and_v6),
        cmocka_unit_test(test_icmpsock_parse_error_queue),
        cmocka_unit_test(test_icmpsock_matching),
        cmocka_unit_test(test_icmpsock_request_defaults),
        cmocka_unit_test(test_icmpsock_opts_defaults),
        cmocka_unit_test_setup_teardown(test_icmpsock_open_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_open_falls_back_then_fails, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_open_rejects_bad_arguments, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_send_and_receive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_receive_huge_timeout_waits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_payloads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_unprivileged_id_and_error_queue, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_receive_timeout_and_nonblocking, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_receive_skips_other_replies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_closed_socket, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_send_checks_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_icmpsock_broadcast_flag, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
