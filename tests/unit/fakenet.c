/* fakenet.c - the fake network behind the transport seam.  See fakenet.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/error.h>

#include "core/packet.h"
#include "fakenet.h"

#define START_MONO_NS (1000LL * 1000000000LL)
/* 2026-11-23T00:00:00Z */
#define START_REAL_NS (1795392000LL * 1000000000LL)

static const uint8_t test_key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

struct hw_addr
fakenet_addr(const char *text)
{
    struct hw_addr a;

    if (hw_addr_parse(text, &a) < 0) {
        fprintf(stderr, "fakenet: bad address '%s'\n", text);
        abort();
    }
    return a;
}

void
fakenet_init(struct fakenet *n)
{
    memset(n, 0, sizeof(*n));
    n->self4 = fakenet_addr("198.18.0.1");
    n->self6 = fakenet_addr("2001:2::1");
    n->mono_ns = START_MONO_NS;
    n->real_offset_ns = START_REAL_NS - START_MONO_NS;
}

void
fakenet_fini(struct fakenet *n)
{
    free(n->sent);
    free(n->queue);
    memset(n, 0, sizeof(*n));
}

static void
fill_time(const struct fakenet *n, struct hw_time *t)
{
    t->mono_ns = n->mono_ns;
    t->real_ns = n->mono_ns + n->real_offset_ns;
    t->kernel_ns = 0;
}

static int
fk_open(void *ctx, int family, enum hw_sock_kind kind, const struct hw_sock_opts *opts, int *fd,
        uint16_t *ident, char *errbuf, size_t errlen)
{
    struct fakenet *n = ctx;
    int fi = family == AF_INET ? 0 : 1;
    int off = fi * 50, st = 0;

    (void)opts;
    switch (kind) {
    case HW_SOCK_ICMP_RAW:
        st = n->open_status[fi];
        *fd = FAKE_FD_ICMP + off;
        break;
    case HW_SOCK_ICMP_DGRAM:
        st = n->dgram_status[fi];
        *fd = FAKE_FD_DGRAM + off + (int)n->ndgram[fi];
        *ident = (uint16_t)(FAKE_DGRAM_IDENT + n->ndgram[fi]);
        break;
    case HW_SOCK_UDP_RAW:
        st = n->udp_status[fi];
        *fd = FAKE_FD_UDP + off;
        break;
    case HW_SOCK_TCP_RAW:
        st = n->tcp_status[fi];
        *fd = FAKE_FD_TCP + off;
        break;
    }
    if (st != 0) {
        snprintf(errbuf, errlen, "fake open failure for family %d kind %d", family, (int)kind);
        return st;
    }
    if (kind == HW_SOCK_ICMP_DGRAM)
        n->ndgram[fi]++;
    if (n->nfds < FAKE_FDS_MAX)
        n->fds[n->nfds++] = *fd;
    return 0;
}

/* The kind of socket a fake descriptor stands for. */
static enum hw_sock_kind
fd_kind(int fd)
{
    switch ((fd / 100) * 100) {
    case FAKE_FD_DGRAM: return HW_SOCK_ICMP_DGRAM;
    case FAKE_FD_UDP: return HW_SOCK_UDP_RAW;
    case FAKE_FD_TCP: return HW_SOCK_TCP_RAW;
    default: return HW_SOCK_ICMP_RAW;
    }
}

static int
fd_family(int fd)
{
    return fd % 100 >= 50 ? AF_INET6 : AF_INET;
}

static int
fk_source_for(void *ctx, const struct hw_addr *dst, struct hw_addr *src)
{
    struct fakenet *n = ctx;

    *src = dst->family == AF_INET ? n->self4 : n->self6;
    return 0;
}

static void
fk_close(void *ctx, int fd)
{
    struct fakenet *n = ctx;

    (void)fd;
    n->closes++;
}

static void route_answer(struct fakenet *n, size_t i);

static int
fk_send(void *ctx, int fd, struct hw_tx *tx)
{
    struct fakenet *n = ctx;
    struct fake_sent *s;

    fill_time(n, &tx->sent);
    if (n->send_status != 0)
        return n->send_status;
    if (n->local_mtu > 0 && tx->len + (tx->family == AF_INET ? 20 : 40) > (size_t)n->local_mtu)
        return -EMSGSIZE;
    if (n->nsent == n->capsent) {
        size_t ncap = n->capsent ? n->capsent * 2 : 64;
        struct fake_sent *ns = realloc(n->sent, ncap * sizeof(*ns));

        if (ns == NULL)
            abort();
        n->sent = ns;
        n->capsent = ncap;
    }
    s = &n->sent[n->nsent++];
    memset(s, 0, sizeof(*s));
    s->fd = fd;
    s->kind = fd_kind(fd);
    s->family = tx->family;
    s->len = tx->len < FAKE_PKT_MAX ? tx->len : FAKE_PKT_MAX;
    memcpy(s->buf, tx->buf, s->len);
    s->wire_len = tx->len;
    s->dst = tx->dst;
    s->ttl = tx->ttl;
    s->tos = tx->tos;
    s->sent = tx->sent;
    if (tx->family == AF_INET6 && (s->kind == HW_SOCK_ICMP_RAW || s->kind == HW_SOCK_ICMP_DGRAM) &&
        s->len >= 8 && tx->dst.family == AF_INET6) {
        /* As the kernel does for ICMPv6 sockets: the checksum over the
         * pseudo-header with the source address it picks (ours). */
        uint16_t c = hw__icmp6_checksum(&n->self6.u.v6, &tx->dst.u.v6, tx->buf, tx->len);

        memcpy(s->buf + 2, &c, 2);
    }
    if (n->route_on)
        route_answer(n, n->nsent - 1);
    return 0;
}

static int
fk_recv(void *ctx, int fd, struct hw_rx *rx)
{
    struct fakenet *n = ctx;
    size_t best = SIZE_MAX;

    /* The earliest due packet for this socket: the queue is sorted, so the
     * first match is it, and the scan stops at the first one not due. */
    for (size_t i = n->qhead; i < n->nqueue && n->queue[i].due_mono_ns <= n->mono_ns; i++) {
        if (n->queue[i].fd == fd) {
            best = i;
            break;
        }
    }
    if (best == SIZE_MAX)
        return 0;

    struct fake_pkt *p = &n->queue[best];
    size_t len = p->len < rx->cap ? p->len : rx->cap;

    memcpy(rx->buf, p->buf, len);
    rx->len = len;
    rx->truncated = p->len > rx->cap;
    rx->layer = p->layer;
    rx->from = p->from;
    rx->to = p->to;
    rx->err_type = p->err_type;
    rx->err_code = p->err_code;
    rx->err_info = p->err_info;
    rx->err_dst = p->err_dst;
    rx->ttl = -1;
    fill_time(n, &rx->received);
    if (p->kernel_delay_ns > 0)
        rx->received.kernel_ns = p->due_mono_ns - p->kernel_delay_ns + n->real_offset_ns;
    /* Close the gap from the head side: usually nothing moves. */
    memmove(n->queue + n->qhead + 1, n->queue + n->qhead, (best - n->qhead) * sizeof(*p));
    n->qhead++;
    if (n->qhead == n->nqueue)
        n->qhead = n->nqueue = 0;
    return 1;
}

static void
fk_now(void *ctx, struct hw_time *t)
{
    fill_time(ctx, t);
}

/* poll(2) on the fake clock: move time to the earlier of the timeout and
 * the next queued packet, and call every descriptor readable. */
static int
fk_wait(void *ctx, struct pollfd *fds, size_t n, int timeout_ms)
{
    struct fakenet *f = ctx;
    int64_t next = timeout_ms >= 0 ? f->mono_ns + (int64_t)timeout_ms * 1000000 : INT64_MAX;

    if (f->nqueue > f->qhead && f->queue[f->qhead].due_mono_ns < next)
        next = f->queue[f->qhead].due_mono_ns;
    if (next == INT64_MAX)
        return -EDEADLK; /* would wait forever: a test bug */
    if (next > f->mono_ns)
        f->mono_ns = next;
    for (size_t i = 0; i < n; i++)
        fds[i].revents = POLLIN;
    return (int)n;
}

static const struct hw_transport fake_transport = {
    .open = fk_open,
    .close = fk_close,
    .send = fk_send,
    .recv = fk_recv,
    .source_for = fk_source_for,
    .now = fk_now,
    .wait = fk_wait,
};

const struct hw_transport *
fakenet_transport(void)
{
    return &fake_transport;
}

void
fakenet_engine_config(struct fakenet *n, struct hw_engine_config *cfg)
{
    hw_engine_config_init(cfg);
    cfg->transport = &fake_transport;
    cfg->transport_ctx = n;
    cfg->key = test_key;
    cfg->ident = 0x4242;
}

void
fakenet_advance(struct fakenet *n, int64_t ns)
{
    n->mono_ns += ns;
}

void
fakenet_step_wall(struct fakenet *n, int64_t ns)
{
    n->real_offset_ns += ns;
}

static struct fake_pkt *
queue_raw(struct fakenet *n, int fd, const uint8_t *buf, size_t len, const struct hw_addr *from,
          int64_t delay_ns)
{
    struct fake_pkt *p;
    size_t i;

    if (n->qhead > 0 && n->nqueue == n->capqueue) {
        memmove(n->queue, n->queue + n->qhead, (n->nqueue - n->qhead) * sizeof(*p));
        n->nqueue -= n->qhead;
        n->qhead = 0;
    }
    if (n->nqueue == n->capqueue) {
        size_t ncap = n->capqueue ? n->capqueue * 2 : 64;
        struct fake_pkt *nq = realloc(n->queue, ncap * sizeof(*nq));

        if (nq == NULL)
            abort();
        n->queue = nq;
        n->capqueue = ncap;
    }
    /* Keep the queue sorted by due time; ties stay in the order queued.
     * Answers mostly come in order, so this rarely moves anything. */
    for (i = n->nqueue; i > n->qhead && n->queue[i - 1].due_mono_ns > n->mono_ns + delay_ns; i--)
        ;
    memmove(n->queue + i + 1, n->queue + i, (n->nqueue - i) * sizeof(*n->queue));
    n->nqueue++;
    p = &n->queue[i];
    n->last = i;
    memset(p, 0, sizeof(*p));
    p->fd = fd;
    p->len = len < sizeof(p->buf) ? len : sizeof(p->buf);
    memcpy(p->buf, buf, p->len);
    p->layer = HW_RX_NORMAL;
    p->from = *from;
    p->to = fd_family(fd) == AF_INET ? n->self4 : n->self6;
    p->due_mono_ns = n->mono_ns + delay_ns;
    return p;
}

struct fake_pkt *
fakenet_last(struct fakenet *n)
{
    return n->nqueue > n->qhead ? &n->queue[n->last] : NULL;
}

void
fakenet_queue(struct fakenet *n, int fd, const uint8_t *buf, size_t len,
              const struct hw_addr *from, int64_t delay_ns)
{
    queue_raw(n, fd, buf, len, from, delay_ns);
}

/* Wrap a message of protocol proto in an IPv4 header from src to us, as a
 * raw IPv4 socket hands it over. */
static size_t
wrap_ip4(const struct fakenet *n, const struct hw_addr *src, uint8_t proto, const uint8_t *icmp,
         size_t len, uint8_t *out)
{
    size_t total = 20 + len;

    memset(out, 0, 20);
    out[0] = 0x45;
    out[2] = (uint8_t)(total >> 8);
    out[3] = (uint8_t)total;
    out[8] = 60; /* TTL */
    out[9] = proto;
    memcpy(out + 12, &src->u.v4, 4);
    memcpy(out + 16, &n->self4.u.v4, 4);
    uint16_t c = hw__inet_checksum(out, 20);
    memcpy(out + 10, &c, 2);
    memcpy(out + 20, icmp, len);
    return total;
}

/* Deliver a message as socket fd would: raw IPv4 sockets with an IPv4
 * header in front, everything else as is. */
static void
deliver(struct fakenet *n, int fd, uint8_t proto, const uint8_t *msg, size_t len,
        const struct hw_addr *from, int64_t delay_ns)
{
    uint8_t pkt[FAKE_PKT_MAX + 64];

    if (fd_family(fd) == AF_INET && fd_kind(fd) != HW_SOCK_ICMP_DGRAM) {
        size_t total = wrap_ip4(n, from, proto, msg, len, pkt);
        queue_raw(n, fd, pkt, total, from, delay_ns);
    } else {
        queue_raw(n, fd, msg, len, from, delay_ns);
    }
}

/* The raw ICMP socket of a family, where errors to raw probes arrive. */
static int
icmp_fd(int family)
{
    return family == AF_INET ? FAKE_FD4 : FAKE_FD6;
}

void
fakenet_echo_reply(struct fakenet *n, size_t i, const struct hw_addr *from, int64_t delay_ns)
{
    const struct fake_sent *s = &n->sent[i];
    uint8_t msg[FAKE_PKT_MAX];

    memcpy(msg, s->buf, s->len);
    if (s->family == AF_INET) {
        msg[0] = 0; /* echo reply */
        msg[2] = msg[3] = 0;
        uint16_t c = hw__inet_checksum(msg, s->len);
        memcpy(msg + 2, &c, 2);
    } else {
        msg[0] = 129;
        msg[2] = msg[3] = 0;
    }
    /* Echo replies come back on the socket the request left from. */
    deliver(n, s->kind == HW_SOCK_ICMP_DGRAM ? s->fd : icmp_fd(s->family),
            s->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, msg, s->len, from, delay_ns);
}

/* The transport protocol of what a socket kind sends. */
static uint8_t
sent_proto(const struct fake_sent *s)
{
    if (s->kind == HW_SOCK_UDP_RAW)
        return IPPROTO_UDP;
    if (s->kind == HW_SOCK_TCP_RAW)
        return IPPROTO_TCP;
    return s->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
}

void
fakenet_icmp_error(struct fakenet *n, size_t i, const struct hw_addr *from, int type, int code,
                   size_t quote_len, int64_t delay_ns)
{
    fakenet_icmp_error_mtu(n, i, from, type, code, quote_len, 0, delay_ns);
}

void
fakenet_icmp_error_mtu(struct fakenet *n, size_t i, const struct hw_addr *from, int type,
                       int code, size_t quote_len, uint32_t mtu, int64_t delay_ns)
{
    const struct fake_sent *s = &n->sent[i];
    uint8_t msg[FAKE_PKT_MAX + 64];
    size_t q = quote_len < s->len ? quote_len : s->len;
    size_t len;

    if (s->kind == HW_SOCK_ICMP_DGRAM) {
        /* The error queue of the datagram socket: the quoted probe only. */
        struct fake_pkt *p = queue_raw(n, s->fd, s->buf, q, from, delay_ns);

        p->layer = HW_RX_QUOTE;
        p->err_type = (uint8_t)type;
        p->err_code = (uint8_t)code;
        p->err_info = mtu;
        p->err_dst = s->dst;
        return;
    }
    memset(msg, 0, 8);
    msg[0] = (uint8_t)type;
    msg[1] = (uint8_t)code;
    if (s->family == AF_INET) {
        msg[6] = (uint8_t)(mtu >> 8);
        msg[7] = (uint8_t)mtu;
    } else {
        msg[4] = (uint8_t)(mtu >> 24);
        msg[5] = (uint8_t)(mtu >> 16);
        msg[6] = (uint8_t)(mtu >> 8);
        msg[7] = (uint8_t)mtu;
    }
    if (s->family == AF_INET) {
        uint8_t *ip = msg + 8;
        size_t tot = 20 + s->wire_len;

        memset(ip, 0, 20);
        ip[0] = 0x45;
        ip[2] = (uint8_t)(tot >> 8);
        ip[3] = (uint8_t)tot;
        ip[8] = 1; /* the TTL that ran out */
        ip[9] = sent_proto(s);
        memcpy(ip + 12, &n->self4.u.v4, 4);
        memcpy(ip + 16, &s->dst.u.v4, 4);
        memcpy(ip + 20, s->buf, q);
        len = 8 + 20 + q;
        uint16_t c = hw__inet_checksum(msg, len);
        memcpy(msg + 2, &c, 2);
    } else {
        uint8_t *ip = msg + 8;

        memset(ip, 0, 40);
        ip[0] = 0x60;
        ip[4] = (uint8_t)(s->wire_len >> 8);
        ip[5] = (uint8_t)s->wire_len;
        ip[6] = sent_proto(s);
        ip[7] = 1;
        memcpy(ip + 8, &n->self6.u.v6, 16);
        memcpy(ip + 24, &s->dst.u.v6, 16);
        memcpy(ip + 40, s->buf, q);
        len = 8 + 40 + q;
    }
    deliver(n, icmp_fd(s->family), s->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6, msg,
            len, from, delay_ns);
}

void
fakenet_tcp_answer(struct fakenet *n, size_t i, bool rst, int64_t delay_ns)
{
    const struct fake_sent *s = &n->sent[i];
    uint8_t seg[20], pseudo[40 + 20];
    uint32_t ack = ((uint32_t)s->buf[4] << 24 | (uint32_t)s->buf[5] << 16 |
                    (uint32_t)s->buf[6] << 8 | s->buf[7]) + 1;
    size_t plen;
    uint16_t c;

    memset(seg, 0, sizeof(seg));
    memcpy(seg, s->buf + 2, 2);     /* sport = the probe's dport */
    memcpy(seg + 2, s->buf, 2);     /* dport = the probe's sport */
    seg[4] = 0x12;                  /* some sequence number */
    seg[8] = (uint8_t)(ack >> 24);
    seg[9] = (uint8_t)(ack >> 16);
    seg[10] = (uint8_t)(ack >> 8);
    seg[11] = (uint8_t)ack;
    seg[12] = 5 << 4;
    seg[13] = rst ? 0x14 : 0x12;    /* RST+ACK or SYN+ACK */
    seg[14] = 0xfa;
    /* Checksum over the pseudo-header: from the destination to us. */
    if (s->family == AF_INET) {
        memcpy(pseudo, &s->dst.u.v4, 4);
        memcpy(pseudo + 4, &n->self4.u.v4, 4);
        pseudo[8] = 0;
        pseudo[9] = IPPROTO_TCP;
        pseudo[10] = 0;
        pseudo[11] = 20;
        memcpy(pseudo + 12, seg, 20);
        plen = 32;
    } else {
        memcpy(pseudo, &s->dst.u.v6, 16);
        memcpy(pseudo + 16, &n->self6.u.v6, 16);
        memset(pseudo + 32, 0, 8);
        pseudo[35] = 20;
        pseudo[39] = IPPROTO_TCP;
        memcpy(pseudo + 40, seg, 20);
        plen = 60;
    }
    c = hw__inet_checksum(pseudo, plen);
    memcpy(seg + 16, &c, 2);
    deliver(n, s->family == AF_INET ? FAKE_FD_TCP : FAKE_FD_TCP + 50, IPPROTO_TCP, seg, 20,
            &s->dst, delay_ns);
}

void
fakenet_chain(struct fake_path *p, int nhops, int family)
{
    char buf[64];

    memset(p, 0, sizeof(*p));
    p->nhops = nhops;
    for (int i = 0; i < nhops; i++) {
        if (family == AF_INET)
            snprintf(buf, sizeof(buf), "198.18.%d.2", i);
        else
            snprintf(buf, sizeof(buf), "2001:2:0:%x::2", i);
        p->hop[i] = fakenet_addr(buf);
        p->rtt_ns[i] = (i + 1) * 1000000LL;
    }
}

void
fakenet_route(struct fakenet *n, const struct fake_path *path)
{
    n->path = *path;
    n->route_on = true;
}

/* A uniform draw in [0, 1) from the seeded generator (splitmix64). */
static double
uniform(struct fakenet *n)
{
    uint64_t z = (n->rng += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static void
route_answer(struct fakenet *n, size_t i)
{
    const struct fake_path *p = &n->path;
    const struct fake_sent *s = &n->sent[i];
    int ttl = s->ttl > 0 ? s->ttl : 64;
    int idx = ttl < p->nhops ? ttl - 1 : p->nhops - 1;
    bool v4 = s->family == AF_INET;
    unsigned count;
    struct hw_addr from;

    if (idx < 0 || idx >= FAKE_HOPS_MAX)
        return;
    count = ++n->per_ttl_count[ttl <= FAKE_HOPS_MAX ? ttl : FAKE_HOPS_MAX];
    /* A probe dropped at hop k is lost for every TTL past it too. */
    for (int k = 0; k <= idx; k++) {
        if (p->drop_every[k] != 0 && count % p->drop_every[k] == 0)
            return;
        if (p->drop_p[k] > 0 && uniform(n) < p->drop_p[k])
            return;
        /* Hop k forwards it only if it fits the next link (a router
         * checks the TTL first, so only probes going past it). */
        if (k < idx && p->mtu[k] > 0 && s->wire_len + (v4 ? 20 : 40) > (size_t)p->mtu[k]) {
            if (!p->mtu_silent[k] && p->hop[k].family != AF_UNSPEC)
                fakenet_icmp_error_mtu(n, i, &p->hop[k], v4 ? 3 : 2, v4 ? 4 : 0, 64,
                                       (uint32_t)p->mtu[k], p->rtt_ns[k]);
            return;
        }
    }
    if (p->silent[idx])
        return;
    from = p->hop[idx];
    if (from.family == AF_UNSPEC)
        return;
    if (p->alt[idx].family != AF_UNSPEC && count % 2 == 0)
        from = p->alt[idx];
    if (p->self_reply && ttl >= p->nhops)
        from = s->dst;
    if (p->unreach_ttl != 0 && ttl >= p->unreach_ttl) {
        fakenet_icmp_error(n, i, &p->hop[p->unreach_ttl - 1], v4 ? 3 : 1, p->unreach_code, 64,
                           p->rtt_ns[p->unreach_ttl - 1]);
        return;
    }
    if (ttl < p->nhops && p->limit_pps[idx] > 0) {
        /* The router's ICMP errors to us are rate-limited. */
        double burst = p->limit_burst > 0 ? p->limit_burst : 6;

        if (n->tokens_at[idx] == 0)
            n->tokens[idx] = burst;
        else
            n->tokens[idx] += (double)(n->mono_ns - n->tokens_at[idx]) * p->limit_pps[idx] / 1e9;
        if (n->tokens[idx] > burst)
            n->tokens[idx] = burst;
        n->tokens_at[idx] = n->mono_ns;
        if (n->tokens[idx] < 1)
            return;
        n->tokens[idx] -= 1;
    }
    if (ttl < p->nhops)
        fakenet_icmp_error(n, i, &from, v4 ? 11 : 3, 0, 64, p->rtt_ns[idx]);
    else if (s->kind == HW_SOCK_UDP_RAW)
        fakenet_icmp_error(n, i, &from, v4 ? 3 : 1, v4 ? 3 : 4, 64, p->rtt_ns[idx]);
    else if (s->kind == HW_SOCK_TCP_RAW)
        fakenet_tcp_answer(n, i, p->tcp_closed, p->rtt_ns[idx]);
    else
        fakenet_echo_reply(n, i, &from, p->rtt_ns[idx]);
}

void
fakenet_pump(struct fakenet *n, struct hw_engine *e)
{
    struct pollfd fds[FAKE_FDS_MAX];

    for (size_t i = 0; i < n->nfds; i++) {
        fds[i].fd = n->fds[i];
        fds[i].events = POLLIN;
        fds[i].revents = POLLIN;
    }
    hw_engine_process(e, fds, n->nfds);
}

bool
fakenet_step(struct fakenet *n, struct hw_engine *e, int64_t max_ns)
{
    int64_t next = INT64_MAX;
    int ms = hw_engine_timeout_ms(e, -1);

    if (ms >= 0)
        next = n->mono_ns + (int64_t)ms * 1000000;
    if (n->nqueue > n->qhead && n->queue[n->qhead].due_mono_ns < next)
        next = n->queue[n->qhead].due_mono_ns;
    if (next == INT64_MAX)
        return false;
    if (next - n->mono_ns > max_ns)
        next = n->mono_ns + max_ns;
    if (next > n->mono_ns)
        n->mono_ns = next;
    fakenet_pump(n, e);
    return true;
}
