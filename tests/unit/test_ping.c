/* test_ping.c - the blocking calls (hw_ping, hw_multiping, hw_traceroute)
 * on the fake network and fake clock.
 *
 * The calls run their own loops, so a test cannot answer probes while they
 * run: a thin transport wrapped around fakenet's answers each probe as the
 * test set it up per destination (echo replies with given RTTs, an ICMP
 * error, silence), or leaves it to fakenet's simulated path.  Names are
 * resolved through the calls' lookup seam (the fake network has no DNS).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/engine.h>
#include <hopwatch/error.h>
#include <hopwatch/ping.h>

#include "fakenet.h"

#define MS 1000000LL
#define S 1000000000LL
#define MAX_DESTS 16
#define MAX_RTTS 8

/* How the wrapper answers probes to one destination. */
enum answer_kind {
    ANSWER_REPLY = 1,   /* echo replies after rtt[i] (cycling); rtt < 0: none */
    ANSWER_SILENT,      /* nothing */
    ANSWER_ERROR,       /* an ICMP error type/code from `from` */
};

struct dest {
    struct hw_addr dst;          /* the destination */
    enum answer_kind kind;       /* how it answers */
    int64_t rtt[MAX_RTTS];       /* REPLY: RTT of the i-th probe (mod n_rtt) */
    size_t n_rtt;                /* entries in rtt */
    size_t probes;               /* probes it got so far */
    struct hw_addr from;         /* ERROR: who sends it */
    int type;                    /* ERROR: ICMP type */
    int code;                    /* ERROR: ICMP code */
};

/* The fake network, wrapped.  net comes first: the base transport's
 * functions get &t->net. */
struct tnet {
    struct fakenet net;              /* the base fake network */
    struct dest dests[MAX_DESTS];    /* per-destination answers */
    size_t ndests;                   /* entries in dests */
    size_t stop_after;               /* set stop at this many sends (0: never) */
    volatile sig_atomic_t stop;      /* the calls' stop flag */
    size_t lookups;                  /* lookup calls */
    struct hw_engine_config cfg;     /* engine config for the calls */
    struct hw_ping_opts o;           /* options for the call under test */
    struct fake_path path;           /* the simulated path of a traceroute */
};

static const struct hw_transport *
base(void)
{
    return fakenet_transport();
}

static int
t_open(void *ctx, int family, enum hw_sock_kind kind, const struct hw_sock_opts *opts, int *fd,
       uint16_t *ident, char *errbuf, size_t errlen)
{
    struct tnet *t = ctx;

    return base()->open(&t->net, family, kind, opts, fd, ident, errbuf, errlen);
}

static void
t_close(void *ctx, int fd)
{
    struct tnet *t = ctx;

    base()->close(&t->net, fd);
}

static int
t_recv(void *ctx, int fd, struct hw_rx *rx)
{
    struct tnet *t = ctx;

    return base()->recv(&t->net, fd, rx);
}

static int
t_source_for(void *ctx, const struct hw_addr *dst, struct hw_addr *src)
{
    struct tnet *t = ctx;

    return base()->source_for(&t->net, dst, src);
}

static void
t_now(void *ctx, struct hw_time *tm)
{
    struct tnet *t = ctx;

    base()->now(&t->net, tm);
}

static int
t_wait(void *ctx, struct pollfd *fds, size_t n, int timeout_ms)
{
    struct tnet *t = ctx;

    return base()->wait(&t->net, fds, n, timeout_ms);
}

static struct dest *
dest_for(struct tnet *t, const struct hw_addr *dst)
{
    for (size_t i = 0; i < t->ndests; i++) {
        if (hw_addr_equal(&t->dests[i].dst, dst))
            return &t->dests[i];
    }
    return NULL;
}

static int
t_send(void *ctx, int fd, struct hw_tx *tx)
{
    struct tnet *t = ctx;
    size_t before = t->net.nsent;
    struct dest *d;
    int st;

    st = base()->send(&t->net, fd, tx);
    if (t->stop_after != 0 && t->net.nsent >= t->stop_after)
        t->stop = 1;
    if (st != 0 || t->net.nsent == before)
        return st;
    d = dest_for(t, &tx->dst);
    if (d == NULL)
        return 0;
    switch (d->kind) {
    case ANSWER_REPLY: {
        int64_t rtt = d->rtt[d->probes % d->n_rtt];

        if (rtt >= 0)
            fakenet_echo_reply(&t->net, before, &d->dst, rtt);
        break;
    }
    case ANSWER_ERROR:
        fakenet_icmp_error(&t->net, before, &d->from, d->type, d->code, 64, 3 * MS);
        break;
    case ANSWER_SILENT:
        break;
    }
    d->probes++;
    return 0;
}

static const struct hw_transport wrapped = {
    .open = t_open,
    .close = t_close,
    .send = t_send,
    .recv = t_recv,
    .source_for = t_source_for,
    .now = t_now,
    .wait = t_wait,
};

/* The lookup seam: good.test and other.test resolve, everything else is
 * NXDOMAIN. */
static int
fake_lookup(void *ctx, const char *name, int family, struct hw_addr *out)
{
    struct tnet *t = ctx;

    t->lookups++;
    if (strcmp(name, "good.test") == 0 && family != AF_INET6) {
        *out = fakenet_addr("198.18.5.2");
        return 0;
    }
    if (strcmp(name, "other.test") == 0) {
        *out = fakenet_addr("198.18.6.2");
        return 0;
    }
    if (strcmp(name, "down.test") == 0)
        return HW_EDNS;
    return HW_ENAME;
}

static struct dest *
add_dest(struct tnet *t, const char *addr, enum answer_kind kind)
{
    struct dest *d = &t->dests[t->ndests++];

    memset(d, 0, sizeof(*d));
    d->dst = fakenet_addr(addr);
    d->kind = kind;
    d->n_rtt = 1;
    d->rtt[0] = 5 * MS;
    return d;
}

static int
setup(void **state)
{
    struct tnet *t = calloc(1, sizeof(*t));

    assert_non_null(t);
    fakenet_init(&t->net);
    fakenet_engine_config(&t->net, &t->cfg);
    t->cfg.transport = &wrapped;
    t->cfg.transport_ctx = t;
    hw_ping_opts_init(&t->o);
    t->o.engine = &t->cfg;
    t->o.lookup = fake_lookup;
    t->o.lookup_ctx = t;
    *state = t;
    return 0;
}

static int
teardown(void **state)
{
    struct tnet *t = *state;

    fakenet_fini(&t->net);
    free(t);
    return 0;
}

/* The identifier and sequence number of sent packet i. */
static uint16_t
sent_ident(const struct tnet *t, size_t i)
{
    return (uint16_t)(t->net.sent[i].buf[4] << 8 | t->net.sent[i].buf[5]);
}

static uint16_t
sent_seq(const struct tnet *t, size_t i)
{
    return (uint16_t)(t->net.sent[i].buf[6] << 8 | t->net.sent[i].buf[7]);
}

/* ---- options --------------------------------------------------------------- */

static void
test_ping_defaults_are_icmplibs(void **state)
{
    struct hw_ping_opts o;

    (void)state;
    hw_ping_opts_init(&o);
    assert_int_equal(o.count, 4);
    assert_int_equal(o.interval_ns, 1 * S);
    assert_int_equal(o.timeout_ns, 2 * S);
    assert_int_equal(o.id, -1);
    assert_int_equal(o.payload_size, 56);
    assert_int_equal(o.ttl, 64);
    assert_int_equal(o.traffic_class, 0);
    assert_int_equal(o.privilege, HW_PRIV_AUTO);
    assert_int_equal(o.family, AF_UNSPEC);
    assert_null(o.source);
    assert_null(o.payload);
    hw_multiping_opts_init(&o);
    assert_int_equal(o.count, 2);
    assert_int_equal(o.interval_ns, 1 * S);
    assert_int_equal(o.concurrency, 50);
    hw_traceroute_opts_init(&o);
    assert_int_equal(o.count, 3);
    assert_int_equal(o.interval_ns, 50 * MS);
    assert_int_equal(o.timeout_ns, 2 * S);
    assert_int_equal(o.first_hop, 1);
    assert_int_equal(o.max_hops, 30);
    assert_false(o.fast);
}

static void
test_ping_rejects_bad_options(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;
    struct hw_host *hosts = (struct hw_host *)&h;
    const char *addrs[] = {"198.18.1.2"};

    t->o.count = 0;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), HW_EINVAL);
    assert_int_equal(h.status, HW_EINVAL);
    assert_int_equal(h.sent, 0);
    hw_host_fini(&h);
    t->o.count = 1;
    t->o.ttl = 256;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), HW_EINVAL);
    hw_host_fini(&h);
    t->o.ttl = 64;
    t->o.concurrency = 0;
    assert_int_equal(hw_multiping(addrs, 1, &t->o, &hosts), HW_EINVAL);
    assert_null(hosts);
    assert_int_equal(t->net.nsent, 0);
}

/* ---- ping ------------------------------------------------------------------ */

static void
test_ping_counts_every_answer(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    add_dest(t, "198.18.1.2", ANSWER_REPLY);
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_int_equal(h.status, 0);
    assert_string_equal(h.name, "198.18.1.2");
    assert_true(hw_addr_equal(&h.address, &t->dests[0].dst));
    assert_int_equal(h.sent, 4);
    assert_int_equal(h.received, 4);
    assert_true(h.loss == 0.0);
    assert_true(h.is_alive);
    assert_int_equal(h.n_rtts, 4);
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(h.rtts_ns[i], 5 * MS);
    assert_int_equal(h.min_ns, 5 * MS);
    assert_int_equal(h.max_ns, 5 * MS);
    assert_true(h.avg_ns == 5.0 * MS);
    assert_true(h.stddev_ns == 0.0);
    assert_true(h.jitter_ns == 0.0);
    assert_int_equal(h.last_error, 0);
    assert_int_equal(h.icmp_type, -1);
    assert_null(h.message);
    hw_host_fini(&h);
    assert_null(h.rtts_ns);
}

/* Probes leave interval apart with TTL 64, sequence 0, 1, 2, ... and one
 * identifier: the one asked for. */
static void
test_ping_schedule_id_and_sequence(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    add_dest(t, "198.18.1.2", ANSWER_REPLY);
    t->o.id = 0x1234;
    t->o.interval_ns = 300 * MS;
    t->o.traffic_class = 0x20;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_int_equal(t->net.nsent, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(sent_ident(t, i), 0x1234);
        assert_int_equal(sent_seq(t, i), i);
        assert_int_equal(t->net.sent[i].ttl, 64);
        assert_int_equal(t->net.sent[i].tos, 0x20);
        assert_int_equal(t->net.sent[i].len, 8 + 56);
        if (i > 0)
            assert_int_equal(t->net.sent[i].sent.mono_ns - t->net.sent[i - 1].sent.mono_ns,
                             300 * MS);
    }
    hw_host_fini(&h);
}

static void
test_ping_loss_fraction_and_rtts_in_send_order(void **state)
{
    struct tnet *t = *state;
    struct dest *d = add_dest(t, "198.18.1.2", ANSWER_REPLY);
    struct hw_host h;

    /* Probes 1 and 3 are never answered; 0 and 2 are, after 10 and 30 ms. */
    d->n_rtt = 4;
    d->rtt[0] = 10 * MS;
    d->rtt[1] = -1;
    d->rtt[2] = 30 * MS;
    d->rtt[3] = -1;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_int_equal(h.sent, 4);
    assert_int_equal(h.received, 2);
    assert_true(h.loss == 0.5);
    assert_true(h.is_alive);
    assert_int_equal(h.n_rtts, 2);
    assert_int_equal(h.rtts_ns[0], 10 * MS);
    assert_int_equal(h.rtts_ns[1], 30 * MS);
    assert_int_equal(h.last_error, HW_ETIMEDOUT);
    hw_host_fini(&h);
}

/* icmplib's jitter: the mean of |RTT - previous RTT|. */
static void
test_ping_jitter_min_avg_max(void **state)
{
    struct tnet *t = *state;
    struct dest *d = add_dest(t, "198.18.1.2", ANSWER_REPLY);
    struct hw_host h;

    d->n_rtt = 4;
    d->rtt[0] = 10 * MS;
    d->rtt[1] = 20 * MS;
    d->rtt[2] = 15 * MS;
    d->rtt[3] = 15 * MS;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_int_equal(h.min_ns, 10 * MS);
    assert_int_equal(h.max_ns, 20 * MS);
    assert_true(h.avg_ns == 15.0 * MS);
    /* |10| + |5| + |0| over 3 pairs. */
    assert_true(h.jitter_ns == 5.0 * MS);
    assert_int_equal(h.rtts_ns[1], 20 * MS);
    hw_host_fini(&h);
}

static void
test_ping_dead_host(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    add_dest(t, "198.18.1.2", ANSWER_SILENT);
    t->o.count = 2;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_int_equal(h.status, 0);
    assert_false(h.is_alive);
    assert_int_equal(h.sent, 2);
    assert_int_equal(h.received, 0);
    assert_true(h.loss == 1.0);
    assert_null(h.rtts_ns);
    assert_int_equal(h.min_ns, -1);
    assert_true(h.avg_ns == -1.0);
    assert_int_equal(h.last_error, HW_ETIMEDOUT);
    hw_host_fini(&h);
}

/* A destination unreachable is a lost probe whose reason is kept, typed. */
static void
test_ping_unreachable_is_typed(void **state)
{
    struct tnet *t = *state;
    struct dest *d = add_dest(t, "198.18.1.2", ANSWER_ERROR);
    struct hw_host h;
    char buf[HW_ADDRSTRLEN];

    d->from = fakenet_addr("198.18.0.2");
    d->type = 3;
    d->code = 13;
    t->o.count = 2;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_false(h.is_alive);
    assert_int_equal(h.received, 0);
    assert_true(h.loss == 1.0);
    assert_int_equal(h.last_error, HW_EUNREACH);
    assert_int_equal(h.reason, HW_ICMP_COMM_PROHIBITED);
    assert_int_equal(h.icmp_type, 3);
    assert_int_equal(h.icmp_code, 13);
    assert_string_equal(hw_addr_format(&h.icmp_source, buf, sizeof(buf)), "198.18.0.2");
    hw_host_fini(&h);
}

static void
test_ping_time_exceeded_is_typed(void **state)
{
    struct tnet *t = *state;
    struct dest *d = add_dest(t, "2001:2:0:1::2", ANSWER_ERROR);
    struct hw_host h;

    d->from = fakenet_addr("2001:2::2");
    d->type = 3;
    d->code = 0;
    t->o.count = 1;
    t->o.ttl = 1;
    assert_int_equal(hw_ping("2001:2:0:1::2", &t->o, &h), 0);
    assert_int_equal(t->net.sent[0].ttl, 1);
    assert_int_equal(h.last_error, HW_ETIMEEXCEEDED);
    assert_int_equal(h.reason, HW_ICMP_TTL_EXCEEDED);
    assert_true(hw_addr_equal(&h.icmp_source, &d->from));
    hw_host_fini(&h);
}

/* A failed send call is a lost probe; its status is the reason. */
static void
test_ping_send_error_is_reported(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    t->net.send_status = -ENETUNREACH;
    t->o.count = 3;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_int_equal(h.sent, 3);
    assert_int_equal(h.received, 0);
    assert_true(h.loss == 1.0);
    assert_int_equal(h.last_error, -ENETUNREACH);
    hw_host_fini(&h);
}

/* An answer after the timeout is late, never received. */
static void
test_ping_late_answer_is_not_received(void **state)
{
    struct tnet *t = *state;
    struct dest *d = add_dest(t, "198.18.1.2", ANSWER_REPLY);
    struct hw_host h;

    d->rtt[0] = 3 * S;
    t->o.count = 2;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_int_equal(h.received, 0);
    assert_int_equal(h.late, 1);
    assert_false(h.is_alive);
    hw_host_fini(&h);
}

static void
test_ping_custom_payload_is_sent(void **state)
{
    struct tnet *t = *state;
    static const uint8_t pay[5] = {'h', 'e', 'l', 'l', 'o'};
    struct hw_host h;

    add_dest(t, "198.18.1.2", ANSWER_REPLY);
    t->o.count = 1;
    t->o.payload = pay;
    t->o.payload_size = sizeof(pay);
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_int_equal(t->net.sent[0].len, 8 + 5);
    assert_memory_equal(t->net.sent[0].buf + 8, pay, 5);
    assert_int_equal(h.received, 1);
    hw_host_fini(&h);
}

static void
test_ping_resolves_a_name(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    add_dest(t, "198.18.5.2", ANSWER_REPLY);
    t->o.count = 1;
    assert_int_equal(hw_ping("good.test", &t->o, &h), 0);
    assert_string_equal(h.name, "good.test");
    assert_true(hw_addr_equal(&h.address, &t->dests[0].dst));
    assert_int_equal(h.received, 1);
    assert_int_equal(t->lookups, 1);
    hw_host_fini(&h);
}

static void
test_ping_bad_name_fails_with_its_status(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    assert_int_equal(hw_ping("nosuch.test", &t->o, &h), HW_ENAME);
    assert_int_equal(h.status, HW_ENAME);
    assert_string_equal(h.message, "nosuch.test: name does not resolve");
    assert_int_equal(h.sent, 0);
    assert_false(h.is_alive);
    assert_int_equal(t->net.nsent, 0);
    hw_host_fini(&h);
    assert_int_equal(hw_ping("down.test", &t->o, &h), HW_EDNS);
    hw_host_fini(&h);
}

/* "999.1.1.1" is neither an address nor a host name: no lookup is made. */
static void
test_ping_invalid_text_is_rejected_without_lookup(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    assert_int_equal(hw_ping("999.1.1.1", &t->o, &h), HW_ENAME);
    assert_non_null(h.message);
    assert_non_null(strstr(h.message, "neither an IP address nor a host name"));
    assert_int_equal(t->lookups, 0);
    hw_host_fini(&h);
}

static void
test_ping_family_mismatch(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    t->o.family = AF_INET6;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), HW_ENOADDR);
    hw_host_fini(&h);
}

/* Neither raw nor unprivileged sockets: HW_ENOPERM with the detail. */
static void
test_ping_no_permission(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    for (int i = 0; i < 2; i++) {
        t->net.open_status[i] = HW_ENOPERM;
        t->net.dgram_status[i] = HW_ENOPERM;
    }
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), HW_ENOPERM);
    assert_int_equal(h.status, HW_ENOPERM);
    assert_string_equal(h.name, "198.18.1.2");
    assert_non_null(h.message);
    /* The engine's message for both attempts (raw, then unprivileged). */
    assert_non_null(strstr(h.message, "kind 1"));
    assert_non_null(strstr(h.message, "; and "));
    assert_non_null(strstr(h.message, "kind 2"));
    assert_int_equal(t->net.nsent, 0);
    hw_host_fini(&h);
}

/* AUTO falls back to unprivileged sockets, whose identifier the kernel
 * chooses. */
static void
test_ping_falls_back_to_unprivileged(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    t->net.open_status[0] = HW_ENOPERM;
    add_dest(t, "198.18.1.2", ANSWER_REPLY);
    t->o.count = 2;
    t->o.id = 7;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), 0);
    assert_int_equal(h.received, 2);
    assert_int_equal(t->net.sent[0].kind, HW_SOCK_ICMP_DGRAM);
    assert_int_equal(sent_ident(t, 0), FAKE_DGRAM_IDENT);
    hw_host_fini(&h);
}

static void
test_ping_source_must_be_numeric(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    t->o.source = "not-an-address";
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), HW_EINVAL);
    assert_non_null(h.message);
    hw_host_fini(&h);
}

/* A source of the other family than the address probed is refused with
 * HW_EFAMILY, nothing sent (it used to be ignored: the probe left from
 * whatever address routing picked); with opts.family it is HW_EINVAL. */
static void
test_ping_source_of_other_family_refused(void **state)
{
    struct tnet *t = *state;
    struct hw_host h, *hosts;
    struct hw_route r;
    const char *both[] = {"198.18.1.2", "2001:2:0:1::2"};

    add_dest(t, "198.18.1.2", ANSWER_REPLY);
    add_dest(t, "2001:2:0:1::2", ANSWER_REPLY);
    t->o.count = 1;
    t->o.source = "198.18.0.1";
    assert_int_equal(hw_ping("2001:2:0:1::2", &t->o, &h), HW_EFAMILY);
    assert_non_null(strstr(h.message, "198.18.0.1"));
    hw_host_fini(&h);
    t->o.source = "2001:2::1";
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), HW_EFAMILY);
    hw_host_fini(&h);
    /* A name is looked up in the source's family only. */
    assert_int_equal(hw_ping("good.test", &t->o, &h), HW_ENAME);
    hw_host_fini(&h);
    assert_int_equal(hw_traceroute("198.18.1.2", &t->o, &r), HW_EFAMILY);
    hw_route_fini(&r);
    assert_int_equal(t->net.nsent, 0);
    /* With a family asked for that the source is not of: bad options. */
    t->o.family = AF_INET;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), HW_EINVAL);
    hw_host_fini(&h);
    assert_int_equal(t->net.nsent, 0);
    /* multiping: only the entry of the other family fails. */
    t->o.family = AF_UNSPEC;
    t->o.source = "198.18.0.1";
    assert_int_equal(hw_multiping(both, 2, &t->o, &hosts), 0);
    assert_int_equal(hosts[0].status, 0);
    assert_int_equal(hosts[0].received, 1);
    assert_int_equal(hosts[1].status, HW_EFAMILY);
    assert_int_equal(t->net.nsent, 1);
    hw_hosts_free(hosts, 2);
}

/* The engine refuses a source for a family it is not asked to open. */
static void
test_ping_engine_source_of_unopened_family(void **state)
{
    struct tnet *t = *state;
    struct hw_engine_config cfg = t->cfg;
    struct hw_engine *e;
    int st;

    cfg.source4 = fakenet_addr("198.18.0.1");
    cfg.families = HW_FAMILY_V6;
    assert_null(hw_engine_new(&cfg, &st));
    assert_int_equal(st, HW_EINVAL);
    cfg.source4.family = AF_UNSPEC;
    cfg.source6 = fakenet_addr("2001:2::1");
    cfg.families = HW_FAMILY_V4;
    assert_null(hw_engine_new(&cfg, &st));
    assert_int_equal(st, HW_EINVAL);
    cfg.families = HW_FAMILY_V4 | HW_FAMILY_V6;
    e = hw_engine_new(&cfg, &st);
    assert_non_null(e);
    hw_engine_free(e);
}

/* The stop flag ends the call with what was measured. */
static void
test_ping_stop_flag_ends_early(void **state)
{
    struct tnet *t = *state;
    struct hw_host h;

    add_dest(t, "198.18.1.2", ANSWER_REPLY);
    t->o.count = 10;
    t->stop_after = 2;
    t->o.stop = &t->stop;
    assert_int_equal(hw_ping("198.18.1.2", &t->o, &h), HW_ECANCELLED);
    assert_int_equal(h.status, HW_ECANCELLED);
    assert_int_equal(t->net.nsent, 2);
    assert_int_equal(h.sent, 2);
    hw_host_fini(&h);
}

/* ---- multiping ------------------------------------------------------------- */

/* Results in input order; a name that does not resolve fails only its own
 * entry. */
static void
test_multiping_input_order_and_bad_name(void **state)
{
    struct tnet *t = *state;
    const char *addrs[] = {"198.18.1.2", "nosuch.test", "good.test", "198.18.9.9", "1.2.3"};
    struct hw_host *hosts;

    add_dest(t, "198.18.1.2", ANSWER_REPLY);
    add_dest(t, "198.18.5.2", ANSWER_REPLY)->rtt[0] = 7 * MS;
    add_dest(t, "198.18.9.9", ANSWER_SILENT);
    hw_multiping_opts_init(&t->o);
    t->o.engine = &t->cfg;
    t->o.lookup = fake_lookup;
    t->o.lookup_ctx = t;
    assert_int_equal(hw_multiping(addrs, 5, &t->o, &hosts), 0);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(hosts[i].name, addrs[i]);
    assert_int_equal(hosts[0].status, 0);
    assert_true(hosts[0].is_alive);
    assert_int_equal(hosts[0].received, 2);
    assert_int_equal(hosts[1].status, HW_ENAME);
    assert_int_equal(hosts[1].sent, 0);
    assert_false(hosts[1].is_alive);
    assert_int_equal(hosts[2].status, 0);
    assert_true(hosts[2].is_alive);
    assert_int_equal(hosts[2].min_ns, 7 * MS);
    assert_true(hw_addr_equal(&hosts[2].address, &t->dests[1].dst));
    assert_int_equal(hosts[3].status, 0);
    assert_false(hosts[3].is_alive);
    assert_int_equal(hosts[3].sent, 2);
    assert_true(hosts[3].loss == 1.0);
    assert_int_equal(hosts[4].status, HW_ENAME);
    assert_int_equal(t->net.nsent, 6);
    assert_int_equal(t->lookups, 2);
    hw_hosts_free(hosts, 5);
}

/* Silent destinations hold a place for their whole timeout: with
 * concurrency 3, no more than 3 probes are ever in flight. */
static void
test_multiping_keeps_concurrency(void **state)
{
    struct tnet *t = *state;
    const char *addrs[8];
    char text[8][32];
    struct hw_host *hosts;

    for (int i = 0; i < 8; i++) {
        snprintf(text[i], sizeof(text[i]), "198.18.40.%d", i + 1);
        addrs[i] = text[i];
        add_dest(t, text[i], ANSWER_SILENT);
    }
    hw_multiping_opts_init(&t->o);
    t->o.engine = &t->cfg;
    t->o.concurrency = 3;
    assert_int_equal(hw_multiping(addrs, 8, &t->o, &hosts), 0);
    assert_int_equal(t->net.nsent, 16);
    for (size_t i = 0; i < t->net.nsent; i++) {
        int64_t at = t->net.sent[i].sent.mono_ns;
        int busy = 0;

        /* Probes sent in (at - timeout, at] are all still in flight. */
        for (size_t k = 0; k <= i; k++) {
            if (t->net.sent[k].sent.mono_ns > at - 2 * S)
                busy++;
        }
        assert_in_range(busy, 1, 3);
    }
    for (int i = 0; i < 8; i++) {
        assert_int_equal(hosts[i].sent, 2);
        assert_int_equal(t->dests[i].probes, 2);
    }
    hw_hosts_free(hosts, 8);
}

/* One family without a socket fails only its entries. */
static void
test_multiping_family_without_socket(void **state)
{
    struct tnet *t = *state;
    const char *addrs[] = {"2001:2::9", "198.18.1.2"};
    struct hw_host *hosts;

    t->net.open_status[1] = HW_ENOPERM;
    t->net.dgram_status[1] = HW_ENOPERM;
    add_dest(t, "198.18.1.2", ANSWER_REPLY);
    assert_int_equal(hw_multiping(addrs, 2, &t->o, &hosts), 0);
    assert_int_equal(hosts[0].status, HW_ENOPERM);
    assert_non_null(hosts[0].message);
    assert_int_equal(hosts[1].status, 0);
    assert_true(hosts[1].is_alive);
    hw_hosts_free(hosts, 2);
}

static void
test_multiping_no_permission_at_all(void **state)
{
    struct tnet *t = *state;
    const char *addrs[] = {"198.18.1.2", "nosuch.test"};
    struct hw_host *hosts;

    for (int i = 0; i < 2; i++) {
        t->net.open_status[i] = HW_ENOPERM;
        t->net.dgram_status[i] = HW_ENOPERM;
    }
    assert_int_equal(hw_multiping(addrs, 2, &t->o, &hosts), HW_ENOPERM);
    assert_non_null(hosts);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(hosts[i].status, HW_ENOPERM);
        assert_non_null(hosts[i].message);
        assert_string_equal(hosts[i].name, addrs[i]);
    }
    /* Nothing resolved for nothing that could be probed. */
    assert_int_equal(t->lookups, 0);
    hw_hosts_free(hosts, 2);
}

static void
test_multiping_empty_list(void **state)
{
    struct tnet *t = *state;
    struct hw_host dummy;
    struct hw_host *hosts = &dummy;

    assert_int_equal(hw_multiping(NULL, 0, &t->o, &hosts), 0);
    assert_null(hosts);
}

/* ---- traceroute ------------------------------------------------------------ */

/* A chain: hop i (TTL i + 1) answers from 198.18.i.2 after (i + 1) ms. */
static void
chain(struct tnet *t, int nhops)
{
    struct fake_path p;
    char buf[64];

    memset(&p, 0, sizeof(p));
    p.nhops = nhops;
    for (int i = 0; i < nhops; i++) {
        snprintf(buf, sizeof(buf), "198.18.%d.2", i);
        p.hop[i] = fakenet_addr(buf);
        p.rtt_ns[i] = (i + 1) * MS;
    }
    t->path = p;
}

static void
trace_opts(struct tnet *t)
{
    hw_traceroute_opts_init(&t->o);
    t->o.engine = &t->cfg;
    t->o.lookup = fake_lookup;
    t->o.lookup_ctx = t;
}

static int
run_trace(struct tnet *t, const char *target, struct hw_route *r)
{
    fakenet_route(&t->net, &t->path);
    return hw_traceroute(target, &t->o, r);
}

static void
test_traceroute_chain(void **state)
{
    struct tnet *t = *state;
    struct hw_route r;

    chain(t, 4);
    trace_opts(t);
    assert_int_equal(run_trace(t, "198.18.3.2", &r), 0);
    assert_int_equal(r.status, 0);
    assert_true(r.reached);
    assert_int_equal(r.end, HW_END_REACHED);
    assert_int_equal(r.end_distance, 4);
    assert_string_equal(r.name, "198.18.3.2");
    assert_int_equal(r.n_hops, 4);
    for (size_t i = 0; i < 4; i++) {
        const struct hw_route_hop *h = &r.hops[i];

        assert_int_equal(h->distance, (int)i + 1);
        assert_true(hw_addr_equal(&h->host.address, &t->path.hop[i]));
        assert_int_equal(h->host.sent, 3);
        assert_int_equal(h->host.received, 3);
        assert_true(h->host.loss == 0.0);
        assert_int_equal(h->host.n_rtts, 3);
        for (size_t k = 0; k < 3; k++)
            assert_int_equal(h->host.rtts_ns[k], ((int64_t)i + 1) * MS);
        assert_true(h->host.avg_ns == ((double)i + 1) * MS);
        assert_int_equal(h->n_responders, 1);
        assert_int_equal(h->responders[0].received, 3);
        assert_int_equal(h->responders[0].n_rtts, 3);
        assert_int_equal(h->host.reason, i < 3 ? HW_ICMP_TTL_EXCEEDED : HW_ICMP_ECHO_REPLY);
    }
    hw_route_fini(&r);
    assert_null(r.hops);
}

/* Every responder of a hop is kept, each with its own answers. */
static void
test_traceroute_every_responder(void **state)
{
    struct tnet *t = *state;
    struct hw_route r;
    const struct hw_route_hop *h;

    chain(t, 4);
    t->path.alt[1] = fakenet_addr("198.18.77.2");
    trace_opts(t);
    t->o.count = 4;
    assert_int_equal(run_trace(t, "198.18.3.2", &r), 0);
    assert_int_equal(r.n_hops, 4);
    h = &r.hops[1];
    assert_int_equal(h->distance, 2);
    assert_int_equal(h->host.sent, 4);
    assert_int_equal(h->host.received, 4);
    assert_int_equal(h->host.n_rtts, 4);
    assert_int_equal(h->n_responders, 2);
    assert_int_equal(h->responders[0].received + h->responders[1].received, 4);
    assert_int_equal(h->responders[0].n_rtts, h->responders[0].received);
    assert_int_equal(h->responders[1].n_rtts, h->responders[1].received);
    assert_true((hw_addr_equal(&h->responders[0].address, &t->path.hop[1]) &&
                 hw_addr_equal(&h->responders[1].address, &t->path.alt[1])) ||
                (hw_addr_equal(&h->responders[1].address, &t->path.hop[1]) &&
                 hw_addr_equal(&h->responders[0].address, &t->path.alt[1])));
    assert_true(h->responders[0].received >= h->responders[1].received);
    assert_true(hw_addr_equal(&h->host.address, &h->responders[0].address));
    assert_int_equal(r.hops[0].n_responders, 1);
    hw_route_fini(&r);
}

/* A hop that never answers has no entry: a gap in the distances. */
static void
test_traceroute_silent_hop_is_a_gap(void **state)
{
    struct tnet *t = *state;
    struct hw_route r;

    chain(t, 4);
    t->path.silent[1] = true;
    trace_opts(t);
    t->o.timeout_ns = 500 * MS;
    assert_int_equal(run_trace(t, "198.18.3.2", &r), 0);
    assert_true(r.reached);
    assert_int_equal(r.n_hops, 3);
    assert_int_equal(r.hops[0].distance, 1);
    assert_int_equal(r.hops[1].distance, 3);
    assert_int_equal(r.hops[2].distance, 4);
    hw_route_fini(&r);
}

static void
test_traceroute_unreachable_ends_route(void **state)
{
    struct tnet *t = *state;
    struct hw_route r;

    chain(t, 5);
    t->path.unreach_ttl = 3;
    t->path.unreach_code = 1;
    trace_opts(t);
    assert_int_equal(run_trace(t, "198.18.4.2", &r), 0);
    assert_false(r.reached);
    assert_int_equal(r.end, HW_END_UNREACHABLE);
    assert_int_equal(r.end_distance, 3);
    assert_int_equal(r.end_icmp_type, 3);
    assert_int_equal(r.end_icmp_code, 1);
    assert_int_equal(r.n_hops, 3);
    assert_int_equal(r.hops[2].host.reason, HW_ICMP_HOST_UNREACHABLE);
    assert_int_equal(r.hops[2].responders[0].reason, HW_ICMP_HOST_UNREACHABLE);
    hw_route_fini(&r);
}

/* Fast mode: every hop answered its first probe and the end is known, so
 * no further rounds are sent. */
static void
test_traceroute_fast_mode_stops_after_one_answer(void **state)
{
    struct tnet *t = *state;
    struct hw_route r;

    chain(t, 4);
    trace_opts(t);
    t->o.fast = true;
    assert_int_equal(run_trace(t, "198.18.3.2", &r), 0);
    assert_true(r.reached);
    assert_int_equal(r.n_hops, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(r.hops[i].host.sent, 1);
        assert_int_equal(r.hops[i].host.received, 1);
    }
    hw_route_fini(&r);
}

/* Fast mode with a silent hop: every answering hop still gets one probe
 * only, the silent one its count, and nothing past the end is asked
 * again. */
static void
test_traceroute_fast_mode_with_a_silent_hop(void **state)
{
    struct tnet *t = *state;
    struct hw_route r;
    int per_ttl[8] = {0};

    chain(t, 4);
    t->path.silent[1] = true;
    trace_opts(t);
    t->o.fast = true;
    t->o.count = 3;
    t->o.max_hops = 6;
    t->o.timeout_ns = 500 * MS;
    assert_int_equal(run_trace(t, "198.18.3.2", &r), 0);
    assert_true(r.reached);
    assert_int_equal(r.end_distance, 4);
    assert_int_equal(r.n_hops, 3);
    assert_int_equal(r.hops[0].distance, 1);
    assert_int_equal(r.hops[1].distance, 3);
    assert_int_equal(r.hops[2].distance, 4);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(r.hops[i].host.sent, 1);
        assert_int_equal(r.hops[i].host.received, 1);
        assert_int_equal(r.hops[i].host.n_rtts, 1);
    }
    for (size_t i = 0; i < t->net.nsent; i++) {
        assert_in_range(t->net.sent[i].ttl, 1, 6);
        per_ttl[t->net.sent[i].ttl]++;
    }
    assert_int_equal(per_ttl[1], 1);
    assert_int_equal(per_ttl[2], 3);
    assert_int_equal(per_ttl[3], 1);
    assert_int_equal(per_ttl[4], 1);
    /* Past the end: the first round asked once; the target answered. */
    assert_int_equal(per_ttl[5], 1);
    assert_int_equal(per_ttl[6], 1);
    hw_route_fini(&r);
}

static void
test_traceroute_max_hops_and_first_hop(void **state)
{
    struct tnet *t = *state;
    struct hw_route r;

    chain(t, 8);
    trace_opts(t);
    t->o.first_hop = 2;
    t->o.max_hops = 4;
    t->o.count = 1;
    assert_int_equal(run_trace(t, "198.18.7.2", &r), 0);
    assert_false(r.reached);
    assert_int_equal(r.end, HW_END_MAX_TTL);
    assert_int_equal(r.n_hops, 3);
    assert_int_equal(r.hops[0].distance, 2);
    assert_int_equal(r.hops[2].distance, 4);
    for (size_t i = 0; i < t->net.nsent; i++)
        assert_in_range(t->net.sent[i].ttl, 2, 4);
    hw_route_fini(&r);
}

static void
test_traceroute_name_and_bad_name(void **state)
{
    struct tnet *t = *state;
    struct hw_route r;

    chain(t, 6);
    trace_opts(t);
    t->o.count = 1;
    assert_int_equal(run_trace(t, "good.test", &r), 0);
    assert_string_equal(r.name, "good.test");
    assert_true(r.reached);
    assert_int_equal(r.n_hops, 6);
    hw_route_fini(&r);
    assert_int_equal(run_trace(t, "nosuch.test", &r), HW_ENAME);
    assert_int_equal(r.status, HW_ENAME);
    assert_int_equal(r.n_hops, 0);
    assert_non_null(r.message);
    hw_route_fini(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ping_defaults_are_icmplibs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_rejects_bad_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_counts_every_answer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_schedule_id_and_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_loss_fraction_and_rtts_in_send_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ping_jitter_min_avg_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_dead_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_unreachable_is_typed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_time_exceeded_is_typed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_send_error_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_late_answer_is_not_received, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_custom_payload_is_sent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_resolves_a_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_bad_name_fails_with_its_status, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ping_invalid_text_is_rejected_without_lookup,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_family_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_no_permission, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_falls_back_to_unprivileged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_source_must_be_numeric, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ping_source_of_other_family_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ping_engine_source_of_unopened_family, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ping_stop_flag_ends_early, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multiping_input_order_and_bad_name, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_multiping_keeps_concurrency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multiping_family_without_socket, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multiping_no_permission_at_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multiping_empty_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traceroute_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traceroute_every_responder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traceroute_silent_hop_is_a_gap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traceroute_unreachable_ends_route, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traceroute_fast_mode_stops_after_one_answer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_traceroute_fast_mode_with_a_silent_hop, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_traceroute_max_hops_and_first_hop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_traceroute_name_and_bad_name, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
