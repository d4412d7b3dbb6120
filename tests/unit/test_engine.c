/* test_engine.c - the probe engine through the fake network and clock:
 * matching, timeouts, late/duplicate/reordered/foreign answers, sequence
 * wrap, cancellation, timers and the callback contract. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/engine.h>
#include <hopwatch/error.h>

#include "fakenet.h"

#define MS 1000000LL
#define S 1000000000LL

/* What one probe's callbacks saw. */
struct rec {
    int calls;                    /* spec.cb calls */
    struct hw_probe_result last;  /* its last result */
    int extras;                   /* on_extra calls */
    enum hw_extra last_extra;     /* kind of the last one */
};

static void
rec_cb(void *arg, const struct hw_probe_result *r)
{
    struct rec *rc = arg;

    rc->calls++;
    rc->last = *r;
}

static void
rec_extra(void *arg, const struct hw_probe_result *r)
{
    struct rec *rc = arg;

    rc->extras++;
    rc->last_extra = r->extra;
}

struct fx {
    struct fakenet net;
    struct hw_engine *e;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct hw_engine_config cfg;
    int st;

    fakenet_init(&f->net);
    fakenet_engine_config(&f->net, &cfg);
    f->e = hw_engine_new(&cfg, &st);
    assert_non_null(f->e);
    assert_int_equal(st, 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    hw_engine_free(f->e);
    fakenet_fini(&f->net);
    free(f);
    return 0;
}

static void
spec_init(struct hw_probe_spec *s, const char *dst, struct rec *rc)
{
    memset(s, 0, sizeof(*s));
    s->dst = fakenet_addr(dst);
    s->ttl = 64;
    s->payload_size = 56;
    s->timeout_ns = 2 * S;
    s->cb = rec_cb;
    s->on_extra = rec_extra;
    s->arg = rc;
}

static void
probe_to(struct hw_engine *e, const char *dst, struct rec *rc, uint64_t tag)
{
    struct hw_probe_spec s;

    spec_init(&s, dst, rc);
    s.tag = tag;
    assert_int_equal(hw_engine_probe(e, &s, NULL), 0);
}

static void
send_one(struct fx *f, const char *dst, struct rec *rc, uint64_t tag)
{
    probe_to(f->e, dst, rc, tag);
}

static void
test_engine_reply_matched(void **state)
{
    struct fx *f = *state;
    struct hw_engine_counters c;
    struct rec rc = {0};
    struct hw_addr dst = fakenet_addr("198.18.9.2");

    send_one(f, "198.18.9.2", &rc, 7);
    assert_int_equal(f->net.nsent, 1);
    fakenet_echo_reply(&f->net, 0, &dst, 5 * MS);
    assert_true(fakenet_step(&f->net, f->e, 10 * S));
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_REPLY);
    assert_int_equal(rc.last.rtt_ns, 5 * MS);
    assert_int_equal(rc.last.tag, 7);
    assert_true(hw_addr_equal(&rc.last.responder, &dst));
    assert_int_equal(rc.last.icmp_type, 0);
    assert_int_equal(rc.last.reply_ttl, 60);
    assert_int_equal(rc.last.ident, 0x4242);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.matched, 1);
    assert_int_equal(c.foreign, 0);
    assert_int_equal(c.probes_sent, 1);
}

static void
test_engine_timeout_fires_once(void **state)
{
    struct fx *f = *state;
    struct rec rc = {0};

    send_one(f, "198.18.9.2", &rc, 0);
    fakenet_advance(&f->net, 2 * S - 1);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(rc.calls, 0);
    fakenet_advance(&f->net, 1);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_TIMEOUT);
    assert_int_equal(rc.last.rtt_ns, -1);
    /* Nothing more, ever. */
    for (int i = 0; i < 10; i++)
        fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(rc.calls, 1);
    assert_true(hw_engine_idle(f->e));
}

static void
test_engine_late_reply_is_not_received(void **state)
{
    struct fx *f = *state;
    struct hw_engine_counters c;
    struct rec rc = {0};
    struct hw_addr dst = fakenet_addr("198.18.9.2");

    send_one(f, "198.18.9.2", &rc, 0);
    fakenet_echo_reply(&f->net, 0, &dst, 2500 * MS);
    fakenet_advance(&f->net, 2 * S);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_TIMEOUT);
    fakenet_advance(&f->net, 500 * MS);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.extras, 1);
    assert_int_equal(rc.last_extra, HW_EXTRA_LATE);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.late, 1);
    assert_int_equal(c.matched, 0);
}

static void
test_engine_duplicate_reply(void **state)
{
    struct fx *f = *state;
    struct hw_engine_counters c;
    struct rec rc = {0};
    struct hw_addr dst = fakenet_addr("198.18.9.2");

    send_one(f, "198.18.9.2", &rc, 0);
    fakenet_echo_reply(&f->net, 0, &dst, 1 * MS);
    fakenet_echo_reply(&f->net, 0, &dst, 2 * MS);
    fakenet_echo_reply(&f->net, 0, &dst, 3 * S); /* after the timeout too */
    for (int i = 0; i < 6; i++)
        fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.rtt_ns, 1 * MS);
    assert_int_equal(rc.extras, 2);
    assert_int_equal(rc.last_extra, HW_EXTRA_DUPLICATE);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.duplicates, 2);
    assert_int_equal(c.matched, 1);
}

static void
test_engine_reordered_replies(void **state)
{
    struct fx *f = *state;
    struct rec rc[3] = {{0}};
    struct hw_addr dst = fakenet_addr("198.18.9.2");

    for (int i = 0; i < 3; i++) {
        send_one(f, "198.18.9.2", &rc[i], (uint64_t)i);
        fakenet_advance(&f->net, 10 * MS);
    }
    /* Answers arrive 3rd, 1st, 2nd. */
    fakenet_echo_reply(&f->net, 2, &dst, 1 * MS);
    fakenet_echo_reply(&f->net, 0, &dst, 2 * MS);
    fakenet_echo_reply(&f->net, 1, &dst, 3 * MS);
    for (int i = 0; i < 3; i++)
        fakenet_step(&f->net, f->e, 10 * S);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rc[i].calls, 1);
        assert_int_equal(rc[i].last.outcome, HW_OUTCOME_REPLY);
        assert_int_equal(rc[i].last.tag, (uint64_t)i);
    }
    /* RTT = arrival - send: probe 0 was sent 30 ms before "now". */
    assert_int_equal(rc[0].last.rtt_ns, 32 * MS);
    assert_int_equal(rc[1].last.rtt_ns, 23 * MS);
    assert_int_equal(rc[2].last.rtt_ns, 11 * MS);
}

/* Recompute the ICMP checksum of a queued IPv4 packet after editing it. */
static void
fix_icmp4_checksum(struct fake_pkt *p)
{
    uint8_t *icmp = p->buf + 20;
    size_t len = p->len - 20;
    uint32_t sum = 0;

    icmp[2] = icmp[3] = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(icmp[i] << 8 | icmp[i + 1]);
    if (len & 1)
        sum += (uint32_t)(icmp[len - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    icmp[2] = (uint8_t)(~sum >> 8);
    icmp[3] = (uint8_t)~sum;
}

static void
test_engine_foreign_packets_dropped_and_counted(void **state)
{
    struct fx *f = *state;
    struct hw_engine_counters c;
    struct rec rc = {0};
    struct hw_addr dst = fakenet_addr("198.18.9.2");
    struct hw_addr other = fakenet_addr("198.18.9.3");
    uint8_t pkt[256];
    size_t len;

    send_one(f, "198.18.9.2", &rc, 0);

    /* Another pinger's reply: different identifier. */
    fakenet_echo_reply(&f->net, 0, &dst, 1 * MS);
    fakenet_last(&f->net)->buf[20 + 4] ^= 0x01;
    fix_icmp4_checksum(fakenet_last(&f->net));
    /* Same identifier and sequence, forged cookie. */
    fakenet_echo_reply(&f->net, 0, &dst, 1 * MS);
    fakenet_last(&f->net)->buf[20 + 8 + 9] ^= 0x10;
    fix_icmp4_checksum(fakenet_last(&f->net));
    /* An error quoting a datagram to somewhere else. */
    fakenet_icmp_error(&f->net, 0, &other, 11, 0, 64, 1 * MS);
    memcpy(fakenet_last(&f->net)->buf + 20 + 8 + 16, &other.u.v4, 4);
    fix_icmp4_checksum(fakenet_last(&f->net));
    /* Truncated garbage. */
    memset(pkt, 0x45, sizeof(pkt));
    len = 11;
    fakenet_queue(&f->net, FAKE_FD4, pkt, len, &dst, 1 * MS);

    fakenet_advance(&f->net, 1 * MS);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(rc.calls, 0);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.rx_packets, 4);
    assert_int_equal(c.foreign, 3);
    assert_int_equal(c.bad_cookie, 1);
    assert_int_equal(c.malformed, 1);
    assert_int_equal(c.matched, 0);

    /* The genuine answer still matches afterwards. */
    fakenet_echo_reply(&f->net, 0, &dst, 1 * MS);
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_REPLY);
}

static void
test_engine_time_exceeded_short_quote(void **state)
{
    struct fx *f = *state;
    struct hw_engine_counters c;
    struct rec rc = {0};
    struct hw_addr router = fakenet_addr("198.18.1.2");

    send_one(f, "198.18.9.2", &rc, 0);
    /* RFC 792 routers quote only 8 bytes: no cookie to check. */
    fakenet_icmp_error(&f->net, 0, &router, 11, 0, 8, 4 * MS);
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_TIME_EXCEEDED);
    assert_true(hw_addr_equal(&rc.last.responder, &router));
    assert_int_equal(rc.last.rtt_ns, 4 * MS);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.short_quotes, 1);
    assert_int_equal(c.matched, 1);
}

static void
test_engine_unreachable_code(void **state)
{
    struct fx *f = *state;
    struct rec rc = {0};
    struct hw_addr router = fakenet_addr("198.18.3.2");

    send_one(f, "198.18.9.2", &rc, 0);
    fakenet_icmp_error(&f->net, 0, &router, 3, 13, 64, 1 * MS);
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_UNREACHABLE);
    assert_int_equal(rc.last.icmp_type, 3);
    assert_int_equal(rc.last.icmp_code, 13);
}

static void
test_engine_ipv6_reply_and_error(void **state)
{
    struct fx *f = *state;
    struct rec a = {0}, b = {0};
    struct hw_addr dst = fakenet_addr("2001:2:0:9::2");
    struct hw_addr router = fakenet_addr("2001:2:0:1::2");

    send_one(f, "2001:2:0:9::2", &a, 1);
    send_one(f, "2001:2:0:9::2", &b, 2);
    assert_int_equal(f->net.sent[0].buf[0], 128);
    fakenet_echo_reply(&f->net, 0, &dst, 2 * MS);
    fakenet_icmp_error(&f->net, 1, &router, 3, 0, 64, 1 * MS);
    for (int i = 0; i < 2; i++)
        fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.last.outcome, HW_OUTCOME_REPLY);
    assert_int_equal(b.calls, 1);
    assert_int_equal(b.last.outcome, HW_OUTCOME_TIME_EXCEEDED);
    assert_true(hw_addr_equal(&b.last.responder, &router));
}

/* 70,000 probes, each answered: the 16-bit sequence wraps (one identifier
 * only) and every answer still lands on its own probe. */
static void
test_engine_sequence_wrap(void **state)
{
    struct fakenet net;
    struct hw_engine_config cfg;
    struct hw_engine *e;
    struct hw_engine_counters c;
    struct hw_addr dst = fakenet_addr("198.18.9.2");
    struct rec rc = {0};
    int st;

    (void)state;
    fakenet_init(&net);
    fakenet_engine_config(&net, &cfg);
    cfg.idents = 1;
    e = hw_engine_new(&cfg, &st);
    assert_non_null(e);
    for (uint64_t i = 0; i < 70000; i++) {
        struct hw_probe_spec s;

        spec_init(&s, "198.18.9.2", &rc);
        s.tag = i;
        assert_int_equal(hw_engine_probe(e, &s, NULL), 0);
        fakenet_echo_reply(&net, net.nsent - 1, &dst, 1 * MS);
        fakenet_advance(&net, 1 * MS);
        fakenet_pump(&net, e);
        assert_int_equal(rc.calls, (int)i + 1);
        assert_int_equal(rc.last.tag, i);
        assert_int_equal(rc.last.seq, (uint16_t)i);
        net.nsent = 0; /* keep the fake's record small */
    }
    hw_engine_counters(e, &c);
    assert_int_equal(c.matched, 70000);
    assert_int_equal(c.foreign, 0);
    hw_engine_free(e);
    fakenet_fini(&net);
}

/* After the sequence wraps, a stale copy of an old answer carries the old
 * serial in its cookie and must not be taken for the new probe that now
 * uses the same identifier and sequence. */
static void
test_engine_stale_answer_after_wrap_rejected(void **state)
{
    struct fakenet net;
    struct hw_engine_config cfg;
    struct hw_engine *e;
    struct hw_engine_counters c;
    struct hw_addr dst = fakenet_addr("198.18.9.2");
    struct rec rc = {0}, probe = {0};
    struct fake_sent old;
    int st;

    (void)state;
    fakenet_init(&net);
    fakenet_engine_config(&net, &cfg);
    cfg.idents = 1;
    e = hw_engine_new(&cfg, &st);
    assert_non_null(e);
    for (int i = 0; i < 65536 + 5; i++) {
        struct hw_probe_spec s;

        spec_init(&s, "198.18.9.2", &rc);
        s.timeout_ns = 1 * MS;
        assert_int_equal(hw_engine_probe(e, &s, NULL), 0);
        if (i == 5)
            old = net.sent[net.nsent - 1];
        fakenet_advance(&net, 2 * MS);
        fakenet_pump(&net, e);
        net.nsent = 0;
    }
    /* The next probe takes sequence 5 again. */
    probe_to(e, "198.18.9.2", &probe, 0);
    assert_int_equal(net.nsent, 1);
    assert_int_equal(net.sent[0].buf[6], 0);
    assert_int_equal(net.sent[0].buf[7], 5);
    assert_memory_equal(net.sent[0].buf + 4, old.buf + 4, 4); /* same ident and seq */
    struct fake_sent fresh = net.sent[0];
    /* A stale copy of the old answer arrives: not ours any more. */
    net.sent[0] = old;
    fakenet_echo_reply(&net, 0, &dst, 1 * MS);
    fakenet_advance(&net, 1 * MS);
    fakenet_pump(&net, e);
    assert_int_equal(probe.calls, 0);
    hw_engine_counters(e, &c);
    assert_int_equal(c.bad_cookie, 1);
    /* The genuine answer to the new probe matches. */
    net.sent[0] = fresh;
    fakenet_echo_reply(&net, 0, &dst, 1 * MS);
    fakenet_advance(&net, 1 * MS);
    fakenet_pump(&net, e);
    assert_int_equal(probe.calls, 1);
    assert_int_equal(probe.last.outcome, HW_OUTCOME_REPLY);
    hw_engine_free(e);
    fakenet_fini(&net);
}

static void
test_engine_busy_when_every_key_in_use(void **state)
{
    struct fakenet net;
    struct hw_engine_config cfg;
    struct hw_engine *e;
    struct rec rc = {0};
    struct hw_probe_spec s;
    int st;

    (void)state;
    fakenet_init(&net);
    fakenet_engine_config(&net, &cfg);
    cfg.idents = 1;
    e = hw_engine_new(&cfg, &st);
    assert_non_null(e);
    spec_init(&s, "198.18.9.2", &rc);
    for (int i = 0; i < 65536; i++) {
        assert_int_equal(hw_engine_probe(e, &s, NULL), 0);
        net.nsent = 0;
    }
    assert_int_equal(hw_engine_probe(e, &s, NULL), HW_EBUSY);
    hw_engine_free(e);
    /* Every accepted probe got exactly one callback (cancelled). */
    assert_int_equal(rc.calls, 65536);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_CANCELLED);
    fakenet_fini(&net);
}

static void
test_engine_cancel_fires_once(void **state)
{
    struct fx *f = *state;
    struct hw_engine_counters c;
    struct rec rc = {0};
    struct hw_probe_spec s;
    struct hw_addr dst = fakenet_addr("198.18.9.2");
    uint64_t id;

    spec_init(&s, "198.18.9.2", &rc);
    assert_int_equal(hw_engine_probe(f->e, &s, &id), 0);
    assert_int_equal(hw_engine_cancel(f->e, id), 0);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_CANCELLED);
    assert_int_equal(hw_engine_cancel(f->e, id), HW_EINVAL);
    fakenet_echo_reply(&f->net, 0, &dst, 1 * MS);
    for (int i = 0; i < 4; i++)
        fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(rc.calls, 1);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.foreign, 1);
}

static void
test_engine_release_only_that_arg(void **state)
{
    struct fx *f = *state;
    struct rec a = {0}, b = {0};
    struct hw_addr dst = fakenet_addr("198.18.9.2");

    send_one(f, "198.18.9.2", &a, 0);
    send_one(f, "198.18.9.2", &b, 0);
    hw_engine_release(f->e, &a);
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.last.outcome, HW_OUTCOME_CANCELLED);
    assert_int_equal(b.calls, 0);
    fakenet_echo_reply(&f->net, 1, &dst, 1 * MS);
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(b.calls, 1);
    assert_int_equal(b.last.outcome, HW_OUTCOME_REPLY);
    /* A finished probe loses its on_extra: a duplicate reaches nobody. */
    hw_engine_release(f->e, &b);
    fakenet_echo_reply(&f->net, 1, &dst, 1 * MS);
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(b.extras, 0);
}

static void
test_engine_free_cancels_and_closes(void **state)
{
    struct fakenet net;
    struct hw_engine_config cfg;
    struct hw_engine *e;
    struct rec rc = {0};
    int st;

    (void)state;
    fakenet_init(&net);
    fakenet_engine_config(&net, &cfg);
    e = hw_engine_new(&cfg, &st);
    assert_non_null(e);
    probe_to(e, "198.18.9.2", &rc, 0);
    probe_to(e, "2001:2::9", &rc, 0);
    hw_engine_free(e);
    assert_int_equal(rc.calls, 2);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_CANCELLED);
    /* Raw mode: ICMP, UDP and TCP sockets for each family. */
    assert_int_equal(net.closes, 6);
    fakenet_fini(&net);
}

static void
test_engine_send_error_reported_later(void **state)
{
    struct fx *f = *state;
    struct hw_engine_counters c;
    struct rec rc = {0};

    f->net.send_status = -ENETUNREACH;
    send_one(f, "198.18.9.2", &rc, 0);
    assert_int_equal(rc.calls, 0); /* never from inside hw_engine_probe */
    fakenet_pump(&f->net, f->e);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_SEND_ERROR);
    assert_int_equal(rc.last.status, -ENETUNREACH);
    for (int i = 0; i < 4; i++)
        fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(rc.calls, 1);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.send_errors, 1);
    assert_int_equal(c.probes_sent, 0);
}

static void
test_engine_invalid_spec_never_calls_back(void **state)
{
    struct fx *f = *state;
    struct rec rc = {0};
    struct hw_probe_spec s;

    spec_init(&s, "198.18.9.2", &rc);
    s.ttl = 256;
    assert_int_equal(hw_engine_probe(f->e, &s, NULL), HW_EINVAL);
    spec_init(&s, "198.18.9.2", &rc);
    s.cb = NULL;
    assert_int_equal(hw_engine_probe(f->e, &s, NULL), HW_EINVAL);
    spec_init(&s, "198.18.9.2", &rc);
    s.payload_size = 70000;
    assert_int_equal(hw_engine_probe(f->e, &s, NULL), HW_EINVAL);
    spec_init(&s, "198.18.9.2", &rc);
    s.timeout_ns = 0;
    assert_int_equal(hw_engine_probe(f->e, &s, NULL), HW_EINVAL);
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(rc.calls, 0);
    assert_int_equal(f->net.nsent, 0);
}

static void
test_engine_family_failure_remembered(void **state)
{
    struct fakenet net;
    struct hw_engine_config cfg;
    struct hw_engine *e;
    struct rec rc = {0};
    struct hw_probe_spec s;
    int st;

    (void)state;
    fakenet_init(&net);
    net.open_status[1] = HW_ENOPERM;
    fakenet_engine_config(&net, &cfg);
    cfg.privilege = HW_PRIV_RAW;
    e = hw_engine_new(&cfg, &st);
    assert_non_null(e);
    assert_int_equal(hw_engine_family_status(e, AF_INET), 0);
    assert_int_equal(hw_engine_family_status(e, AF_INET6), HW_ENOPERM);
    assert_string_equal(hw_engine_family_errmsg(e, AF_INET), "");
    assert_non_null(strstr(hw_engine_family_errmsg(e, AF_INET6), "fake open failure"));
    spec_init(&s, "2001:2::9", &rc);
    assert_int_equal(hw_engine_probe(e, &s, NULL), HW_EFAMILY);
    struct pollfd fds[4];
    assert_int_equal(hw_engine_pollfds(e, fds, 4), 3);
    assert_int_equal(fds[0].fd, FAKE_FD4);
    assert_int_equal(hw_engine_mode(e, AF_INET), HW_MODE_RAW);
    assert_int_equal(hw_engine_mode(e, AF_INET6), HW_MODE_NONE);
    hw_engine_free(e);
    assert_int_equal(net.closes, 3);
    fakenet_fini(&net);
}

static void
test_engine_small_payload_matches_without_cookie(void **state)
{
    struct fx *f = *state;
    struct rec rc = {0};
    struct hw_probe_spec s;
    struct hw_addr dst = fakenet_addr("198.18.9.2");

    spec_init(&s, "198.18.9.2", &rc);
    s.payload_size = 0;
    assert_int_equal(hw_engine_probe(f->e, &s, NULL), 0);
    assert_int_equal(f->net.sent[0].len, 8);
    fakenet_echo_reply(&f->net, 0, &dst, 1 * MS);
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_REPLY);
}

static void
test_engine_kernel_timestamp_used_unless_wall_clock_steps(void **state)
{
    struct fx *f = *state;
    struct rec a = {0}, b = {0};
    struct hw_addr dst = fakenet_addr("198.18.9.2");

    /* The kernel saw the answer 3 ms before we got to read it. */
    send_one(f, "198.18.9.2", &a, 0);
    fakenet_echo_reply(&f->net, 0, &dst, 10 * MS);
    fakenet_last(&f->net)->kernel_delay_ns = 3 * MS;
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(a.calls, 1);
    assert_true(a.last.kernel_ts);
    assert_int_equal(a.last.rtt_ns, 7 * MS);

    /* Same, but the wall clock is stepped back while the probe flies. */
    send_one(f, "198.18.9.2", &b, 0);
    fakenet_echo_reply(&f->net, 1, &dst, 10 * MS);
    fakenet_last(&f->net)->kernel_delay_ns = 3 * MS;
    fakenet_step_wall(&f->net, -5 * S);
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(b.calls, 1);
    assert_false(b.last.kernel_ts);
    assert_int_equal(b.last.rtt_ns, 10 * MS);
}

static int timer_calls;
static uint64_t timer_order[8];

static void
timer_cb(void *arg, uint64_t id)
{
    (void)id;
    timer_order[timer_calls++ % 8] = (uint64_t)(uintptr_t)arg;
}

static void
rearm_cb(void *arg, uint64_t id)
{
    struct hw_engine *e = arg;

    (void)id;
    timer_calls++;
    assert_int_equal(hw_engine_timer_add(e, 0, rearm_cb, e, NULL), 0);
}

static void
test_engine_timers_fifo_and_cancel(void **state)
{
    struct fx *f = *state;
    uint64_t ids[4];

    timer_calls = 0;
    for (uintptr_t i = 0; i < 4; i++)
        assert_int_equal(hw_engine_timer_add(f->e, 5 * MS, timer_cb, (void *)(i + 1), &ids[i]),
                         0);
    assert_int_equal(hw_engine_timer_cancel(f->e, ids[1]), 0);
    assert_int_equal(hw_engine_timer_cancel(f->e, ids[1]), HW_EINVAL);
    assert_int_equal(hw_engine_timeout_ms(f->e, -1), 5);
    assert_int_equal(hw_engine_timeout_ms(f->e, 2), 2);
    fakenet_advance(&f->net, 5 * MS);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(timer_calls, 3);
    assert_int_equal(timer_order[0], 1);
    assert_int_equal(timer_order[1], 3);
    assert_int_equal(timer_order[2], 4);
    assert_true(hw_engine_idle(f->e));
    assert_int_equal(hw_engine_timeout_ms(f->e, -1), -1);
}

/* A timer of INT64_MAX (or just under) does not fire at once nor after
 * hours; the wait it asks for is capped, not overflowed.  A probe with a
 * huge timeout stays in flight as well. */
static void
test_engine_timer_huge_delay_never_fires(void **state)
{
    struct fx *f = *state;
    struct rec rc = {0};
    struct hw_probe_spec s;
    uint64_t id, id2, pid;

    timer_calls = 0;
    assert_int_equal(hw_engine_timer_add(f->e, INT64_MAX, timer_cb, (void *)1, &id), 0);
    assert_int_equal(hw_engine_timer_add(f->e, INT64_MAX - 1, timer_cb, (void *)2, &id2), 0);
    spec_init(&s, "198.18.9.2", &rc);
    s.timeout_ns = INT64_MAX;
    assert_int_equal(hw_engine_probe(f->e, &s, &pid), 0);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(timer_calls, 0);
    assert_int_equal(hw_engine_timeout_ms(f->e, -1), 1000000000);
    assert_int_equal(hw_engine_timeout_ms(f->e, 250), 250);
    for (int h = 0; h < 24; h++) {
        fakenet_advance(&f->net, 3600 * S);
        fakenet_pump(&f->net, f->e);
    }
    assert_int_equal(timer_calls, 0);
    assert_int_equal(rc.calls, 0);
    assert_int_equal(hw_engine_timer_cancel(f->e, id), 0);
    assert_int_equal(hw_engine_timer_cancel(f->e, id2), 0);
    /* rc lives on this stack: cancel the probe before leaving. */
    assert_int_equal(hw_engine_cancel(f->e, pid), 0);
    assert_int_equal(rc.calls, 1);
    assert_int_equal(rc.last.outcome, HW_OUTCOME_CANCELLED);
}

static void
test_engine_timer_rearming_itself_does_not_spin(void **state)
{
    struct fx *f = *state;

    timer_calls = 0;
    assert_int_equal(hw_engine_timer_add(f->e, 0, rearm_cb, f->e, NULL), 0);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(timer_calls, 1);
    fakenet_pump(&f->net, f->e);
    assert_int_equal(timer_calls, 2);
    assert_int_equal(hw_engine_timeout_ms(f->e, -1), 0);
}

static void
test_engine_timeout_ms_rounds_up(void **state)
{
    struct fx *f = *state;
    struct rec rc = {0};
    struct hw_probe_spec s;

    spec_init(&s, "198.18.9.2", &rc);
    s.timeout_ns = 1500 * 1000; /* 1.5 ms */
    assert_int_equal(hw_engine_probe(f->e, &s, NULL), 0);
    assert_int_equal(hw_engine_timeout_ms(f->e, -1), 2);
    assert_false(hw_engine_idle(f->e));
    /* rc lives on this stack: let go before teardown frees the engine. */
    hw_engine_release(f->e, &rc);
    assert_int_equal(rc.calls, 1);
}

/* An engine on the fake network with a given privilege mode. */
static struct hw_engine *
engine_with(struct fakenet *net, enum hw_privilege priv)
{
    struct hw_engine_config cfg;
    struct hw_engine *e;
    int st;

    fakenet_engine_config(net, &cfg);
    cfg.privilege = priv;
    e = hw_engine_new(&cfg, &st);
    assert_non_null(e);
    return e;
}

static uint16_t
be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void
test_engine_dgram_echo_and_error_queue(void **state)
{
    struct fakenet net;
    struct hw_engine *e;
    struct rec a = {0}, b = {0}, c = {0};
    struct hw_addr dst = fakenet_addr("198.18.9.2");
    struct hw_addr router = fakenet_addr("198.18.1.2");
    struct hw_addr router6 = fakenet_addr("2001:2:0:1::2");

    (void)state;
    fakenet_init(&net);
    e = engine_with(&net, HW_PRIV_DGRAM);
    assert_int_equal(hw_engine_mode(e, AF_INET), HW_MODE_DGRAM);
    assert_false(hw_engine_can_send(e, HW_METHOD_UDP, AF_INET));
    assert_false(hw_engine_can_send(e, HW_METHOD_TCP, AF_INET6));
    probe_to(e, "198.18.9.2", &a, 1);
    probe_to(e, "198.18.9.2", &b, 2);
    probe_to(e, "2001:2:0:9::2", &c, 3);
    /* Sent on a datagram socket, with the identifier the kernel gave it. */
    assert_int_equal(net.sent[0].kind, HW_SOCK_ICMP_DGRAM);
    assert_int_equal(be16(net.sent[0].buf + 4), FAKE_DGRAM_IDENT);
    fakenet_echo_reply(&net, 0, &dst, 2 * MS);
    fakenet_icmp_error(&net, 1, &router, 11, 0, 64, 1 * MS);
    assert_int_equal(fakenet_last(&net)->layer, HW_RX_QUOTE);
    fakenet_icmp_error(&net, 2, &router6, 3, 0, 64, 1 * MS);
    for (int i = 0; i < 3; i++)
        fakenet_step(&net, e, 10 * S);
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.last.outcome, HW_OUTCOME_REPLY);
    assert_int_equal(a.last.rtt_ns, 2 * MS);
    assert_int_equal(b.calls, 1);
    assert_int_equal(b.last.outcome, HW_OUTCOME_TIME_EXCEEDED);
    assert_true(hw_addr_equal(&b.last.responder, &router));
    assert_int_equal(c.calls, 1);
    assert_int_equal(c.last.outcome, HW_OUTCOME_TIME_EXCEEDED);
    assert_true(hw_addr_equal(&c.last.responder, &router6));
    hw_engine_free(e);
    fakenet_fini(&net);
}

static void
test_engine_auto_falls_back_to_dgram(void **state)
{
    struct fakenet net;
    struct hw_engine *e;

    (void)state;
    fakenet_init(&net);
    net.open_status[0] = net.open_status[1] = HW_ENOPERM;
    e = engine_with(&net, HW_PRIV_AUTO);
    assert_int_equal(hw_engine_family_status(e, AF_INET), 0);
    assert_int_equal(hw_engine_mode(e, AF_INET), HW_MODE_DGRAM);
    assert_int_equal(hw_engine_mode(e, AF_INET6), HW_MODE_DGRAM);
    hw_engine_free(e);
    fakenet_fini(&net);

    /* Neither works: the message names both failures. */
    fakenet_init(&net);
    net.open_status[0] = net.dgram_status[0] = HW_ENOPERM;
    e = engine_with(&net, HW_PRIV_AUTO);
    assert_int_equal(hw_engine_family_status(e, AF_INET), HW_ENOPERM);
    assert_non_null(strstr(hw_engine_family_errmsg(e, AF_INET), "kind 1"));
    assert_non_null(strstr(hw_engine_family_errmsg(e, AF_INET), "kind 2"));
    hw_engine_free(e);
    fakenet_fini(&net);
}

static void
test_engine_udp_classic_ports_and_outcomes(void **state)
{
    struct fx *f = *state;
    struct rec r[4] = {{0}};
    struct hw_probe_spec sp;
    struct hw_addr dst = fakenet_addr("198.18.9.2");
    struct hw_addr router = fakenet_addr("198.18.1.2");

    for (int i = 0; i < 4; i++) {
        spec_init(&sp, "198.18.9.2", &r[i]);
        sp.method = HW_METHOD_UDP;
        assert_int_equal(hw_engine_probe(f->e, &sp, NULL), 0);
        assert_int_equal(f->net.sent[i].kind, HW_SOCK_UDP_RAW);
    }
    /* Destination ports walk up from 33434; the source port stays put. */
    assert_int_equal(be16(f->net.sent[0].buf + 2), 33434);
    assert_int_equal(be16(f->net.sent[1].buf + 2), 33435);
    assert_int_equal(be16(f->net.sent[3].buf + 2), 33437);
    assert_int_equal(be16(f->net.sent[1].buf), be16(f->net.sent[0].buf));
    fakenet_icmp_error(&f->net, 0, &router, 11, 0, 8, 1 * MS);  /* a router on the way */
    fakenet_icmp_error(&f->net, 1, &dst, 3, 3, 64, 2 * MS);     /* port unreachable: reached */
    fakenet_icmp_error(&f->net, 2, &router, 3, 3, 64, 2 * MS);  /* from a router: unreachable */
    fakenet_icmp_error(&f->net, 3, &router, 3, 13, 64, 2 * MS); /* filtered */
    for (int i = 0; i < 4; i++)
        fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(r[0].last.outcome, HW_OUTCOME_TIME_EXCEEDED);
    assert_int_equal(r[1].last.outcome, HW_OUTCOME_REPLY);
    assert_int_equal(r[1].last.icmp_type, 3);
    assert_int_equal(r[1].last.icmp_code, 3);
    assert_int_equal(r[2].last.outcome, HW_OUTCOME_UNREACHABLE);
    assert_int_equal(r[3].last.outcome, HW_OUTCOME_UNREACHABLE);
    for (int i = 0; i < 4; i++)
        assert_int_equal(r[i].calls, 1);
}

static void
test_engine_udp_paris_keeps_one_flow(void **state)
{
    struct fx *f = *state;
    struct rec r[3] = {{0}};
    struct hw_probe_spec sp;
    struct hw_addr router = fakenet_addr("2001:2:0:1::2");
    struct hw_engine_counters c;

    for (int i = 0; i < 3; i++) {
        spec_init(&sp, "2001:2:0:9::2", &r[i]);
        sp.method = HW_METHOD_UDP_PARIS;
        sp.port = 53;
        assert_int_equal(hw_engine_probe(f->e, &sp, NULL), 0);
    }
    for (int i = 1; i < 3; i++) {
        assert_memory_equal(f->net.sent[i].buf, f->net.sent[0].buf, 6); /* ports, length */
        assert_int_not_equal(be16(f->net.sent[i].buf + 6), be16(f->net.sent[0].buf + 6));
    }
    assert_int_equal(be16(f->net.sent[0].buf + 2), 53);
    /* Only the 8 header bytes quoted: the checksum names the probe. */
    fakenet_icmp_error(&f->net, 2, &router, 3, 0, 8, 1 * MS);
    fakenet_icmp_error(&f->net, 0, &router, 3, 0, 8, 2 * MS);
    for (int i = 0; i < 3; i++)
        fakenet_step(&f->net, f->e, 100 * MS);
    assert_int_equal(r[0].calls, 1);
    assert_int_equal(r[0].last.outcome, HW_OUTCOME_TIME_EXCEEDED);
    assert_int_equal(r[2].calls, 1);
    assert_int_equal(r[1].calls, 0);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.short_quotes, 2);
    hw_engine_release(f->e, &r[1]);
}

/* A Paris probe needs two payload bytes to steer its checksum: with 0 or 1
 * it is refused (nothing sent, no callback), with 2 it goes out. */
static void
test_engine_udp_paris_smallest_payload(void **state)
{
    struct fx *f = *state;
    struct rec r = {0};
    struct hw_probe_spec sp;

    spec_init(&sp, "198.18.9.2", &r);
    sp.method = HW_METHOD_UDP_PARIS;
    for (size_t size = 0; size < 2; size++) {
        sp.payload_size = size;
        assert_int_equal(hw_engine_probe(f->e, &sp, NULL), HW_EINVAL);
    }
    assert_int_equal(f->net.nsent, 0);
    sp.payload_size = 2;
    assert_int_equal(hw_engine_probe(f->e, &sp, NULL), 0);
    assert_int_equal(f->net.nsent, 1);
    assert_int_equal(f->net.sent[0].len, 8 + 2);
    fakenet_step(&f->net, f->e, 10 * S);
    assert_int_equal(r.calls, 1);
}

static void
test_engine_tcp_synack_rst_and_forgery(void **state)
{
    struct fx *f = *state;
    struct rec r[3] = {{0}};
    struct hw_probe_spec sp;
    struct hw_addr router = fakenet_addr("198.18.1.2");
    struct hw_engine_counters c;

    for (int i = 0; i < 3; i++) {
        spec_init(&sp, "198.18.9.2", &r[i]);
        sp.method = HW_METHOD_TCP;
        sp.port = 443;
        assert_int_equal(hw_engine_probe(f->e, &sp, NULL), 0);
        assert_int_equal(f->net.sent[i].kind, HW_SOCK_TCP_RAW);
        assert_int_equal(f->net.sent[i].buf[13], 0x02); /* SYN */
    }
    assert_int_equal(be16(f->net.sent[0].buf + 2), 443);
    fakenet_tcp_answer(&f->net, 0, false, 1 * MS);
    fakenet_tcp_answer(&f->net, 1, true, 2 * MS);
    fakenet_icmp_error(&f->net, 2, &router, 11, 0, 8, 3 * MS);
    /* A forged SYN-ACK with a wrong acknowledgement number. */
    fakenet_tcp_answer(&f->net, 0, false, 1 * MS);
    fakenet_last(&f->net)->buf[20 + 11] ^= 0x40;
    for (int i = 0; i < 4; i++)
        fakenet_step(&f->net, f->e, 10 * MS);
    assert_int_equal(r[0].last.outcome, HW_OUTCOME_REPLY);
    assert_int_equal(r[0].last.tcp_flags, 0x12);
    assert_int_equal(r[0].last.icmp_type, -1);
    assert_int_equal(r[1].last.outcome, HW_OUTCOME_REPLY);
    assert_int_equal(r[1].last.tcp_flags, 0x14);
    assert_int_equal(r[2].last.outcome, HW_OUTCOME_TIME_EXCEEDED);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.matched, 3);
    /* The forgery fails the TCP checksum, or names no probe. */
    assert_int_equal(c.foreign + c.malformed, 1);
}

static void
test_engine_udp_quote_cookie_checked(void **state)
{
    struct fx *f = *state;
    struct rec r[2] = {{0}};
    struct hw_probe_spec sp;
    struct hw_addr router = fakenet_addr("198.18.1.2");
    struct hw_engine_counters c;

    for (int i = 0; i < 2; i++) {
        spec_init(&sp, "198.18.9.2", &r[i]);
        sp.method = HW_METHOD_UDP;
        assert_int_equal(hw_engine_probe(f->e, &sp, NULL), 0);
    }
    fakenet_icmp_error(&f->net, 0, &router, 11, 0, 64, 1 * MS);
    fakenet_icmp_error(&f->net, 1, &router, 11, 0, 64, 1 * MS);
    /* Tamper with probe 1's quoted cookie (IP 20 + ICMP 8 + IP 20 + UDP 8). */
    fakenet_last(&f->net)->buf[20 + 8 + 20 + 8 + 3] ^= 1;
    fix_icmp4_checksum(fakenet_last(&f->net));
    fakenet_step(&f->net, f->e, 10 * MS);
    assert_int_equal(r[0].calls, 1);
    assert_int_equal(r[1].calls, 0);
    hw_engine_counters(f->e, &c);
    assert_int_equal(c.bad_cookie, 1);
    assert_int_equal(c.short_quotes, 0);
    hw_engine_release(f->e, &r[1]);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_engine_reply_matched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_timeout_fires_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_late_reply_is_not_received, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_duplicate_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_reordered_replies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_foreign_packets_dropped_and_counted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_engine_time_exceeded_short_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_unreachable_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_ipv6_reply_and_error, setup, teardown),
        cmocka_unit_test(test_engine_sequence_wrap),
        cmocka_unit_test(test_engine_stale_answer_after_wrap_rejected),
        cmocka_unit_test(test_engine_busy_when_every_key_in_use),
        cmocka_unit_test_setup_teardown(test_engine_cancel_fires_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_release_only_that_arg, setup, teardown),
        cmocka_unit_test(test_engine_free_cancels_and_closes),
        cmocka_unit_test_setup_teardown(test_engine_send_error_reported_later, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_invalid_spec_never_calls_back, setup,
                                        teardown),
        cmocka_unit_test(test_engine_family_failure_remembered),
        cmocka_unit_test_setup_teardown(test_engine_small_payload_matches_without_cookie, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_engine_kernel_timestamp_used_unless_wall_clock_steps,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_timers_fifo_and_cancel, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_timer_huge_delay_never_fires, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_engine_timer_rearming_itself_does_not_spin, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_engine_timeout_ms_rounds_up, setup, teardown),
        cmocka_unit_test(test_engine_dgram_echo_and_error_queue),
        cmocka_unit_test(test_engine_auto_falls_back_to_dgram),
        cmocka_unit_test_setup_teardown(test_engine_udp_classic_ports_and_outcomes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_engine_udp_paris_keeps_one_flow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_udp_paris_smallest_payload, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_engine_tcp_synack_rst_and_forgery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_udp_quote_cookie_checked, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
