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
fk_open(void *ctx, int family, int *fd, char *errbuf, size_t errlen)
{
    struct fakenet *n = ctx;
    int st = n->open_status[family == AF_INET ? 0 : 1];

    if (st != 0) {
        snprintf(errbuf, errlen, "fake open failure for family %d", family);
        return st;
    }
    *fd = family == AF_INET ? FAKE_FD4 : FAKE_FD6;
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

    (void)fd;
    fill_time(n, &tx->sent);
    if (n->send_status != 0)
        return n->send_status;
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
    s->family = tx->family;
    s->len = tx->len < FAKE_PKT_MAX ? tx->len : FAKE_PKT_MAX;
    memcpy(s->buf, tx->buf, s->len);
    s->dst = tx->dst;
    s->ttl = tx->ttl;
    s->tos = tx->tos;
    s->sent = tx->sent;
    if (n->route_on)
        route_answer(n, n->nsent - 1);
    return 0;
}

static int
fk_recv(void *ctx, int fd, struct hw_rx *rx)
{
    struct fakenet *n = ctx;
    int family = fd == FAKE_FD4 ? AF_INET : AF_INET6;
    size_t best = SIZE_MAX;

    /* The earliest due packet for this socket (queue order for ties). */
    for (size_t i = 0; i < n->nqueue; i++) {
        if (n->queue[i].family != family || n->queue[i].due_mono_ns > n->mono_ns)
            continue;
        if (best == SIZE_MAX || n->queue[i].due_mono_ns < n->queue[best].due_mono_ns)
            best = i;
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
    rx->ttl = -1;
    fill_time(n, &rx->received);
    if (p->kernel_delay_ns > 0)
        rx->received.kernel_ns = p->due_mono_ns - p->kernel_delay_ns + n->real_offset_ns;
    memmove(p, p + 1, (n->nqueue - best - 1) * sizeof(*p));
    n->nqueue--;
    return 1;
}

static void
fk_now(void *ctx, struct hw_time *t)
{
    fill_time(ctx, t);
}

static const struct hw_transport fake_transport = {
    .open = fk_open,
    .close = fk_close,
    .send = fk_send,
    .recv = fk_recv,
    .now = fk_now,
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

void
fakenet_queue(struct fakenet *n, int family, const uint8_t *buf, size_t len,
              enum hw_rx_layer layer, const struct hw_addr *from, int64_t delay_ns)
{
    struct fake_pkt *p;

    if (n->nqueue == n->capqueue) {
        size_t ncap = n->capqueue ? n->capqueue * 2 : 64;
        struct fake_pkt *nq = realloc(n->queue, ncap * sizeof(*nq));

        if (nq == NULL)
            abort();
        n->queue = nq;
        n->capqueue = ncap;
    }
    p = &n->queue[n->nqueue++];
    memset(p, 0, sizeof(*p));
    p->family = family;
    p->len = len < FAKE_PKT_MAX ? len : FAKE_PKT_MAX;
    memcpy(p->buf, buf, p->len);
    p->layer = layer;
    p->from = *from;
    p->due_mono_ns = n->mono_ns + delay_ns;
}

/* Wrap an ICMP message in an IPv4 header from src to us, as a raw IPv4
 * socket hands it over. */
static size_t
wrap_ip4(const struct fakenet *n, const struct hw_addr *src, const uint8_t *icmp, size_t len,
         uint8_t *out)
{
    size_t total = 20 + len;

    memset(out, 0, 20);
    out[0] = 0x45;
    out[2] = (uint8_t)(total >> 8);
    out[3] = (uint8_t)total;
    out[8] = 60; /* TTL */
    out[9] = IPPROTO_ICMP;
    memcpy(out + 12, &src->u.v4, 4);
    memcpy(out + 16, &n->self4.u.v4, 4);
    uint16_t c = hw__inet_checksum(out, 20);
    memcpy(out + 10, &c, 2);
    memcpy(out + 20, icmp, len);
    return total;
}

static void
queue_icmp(struct fakenet *n, int family, const uint8_t *icmp, size_t len,
           const struct hw_addr *from, int64_t delay_ns)
{
    uint8_t pkt[FAKE_PKT_MAX + 64];

    if (family == AF_INET) {
        size_t total = wrap_ip4(n, from, icmp, len, pkt);
        fakenet_queue(n, AF_INET, pkt, total, HW_RX_IP4, from, delay_ns);
    } else {
        fakenet_queue(n, AF_INET6, icmp, len, HW_RX_ICMP, from, delay_ns);
    }
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
    queue_icmp(n, s->family, msg, s->len, from, delay_ns);
}

void
fakenet_icmp_error(struct fakenet *n, size_t i, const struct hw_addr *from, int type, int code,
                   size_t quote_len, int64_t delay_ns)
{
    const struct fake_sent *s = &n->sent[i];
    uint8_t msg[FAKE_PKT_MAX + 64];
    size_t q = quote_len < s->len ? quote_len : s->len;
    size_t len;

    memset(msg, 0, 8);
    msg[0] = (uint8_t)type;
    msg[1] = (uint8_t)code;
    if (s->family == AF_INET) {
        uint8_t *ip = msg + 8;
        size_t tot = 20 + s->len;

        memset(ip, 0, 20);
        ip[0] = 0x45;
        ip[2] = (uint8_t)(tot >> 8);
        ip[3] = (uint8_t)tot;
        ip[8] = 1; /* the TTL that ran out */
        ip[9] = IPPROTO_ICMP;
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
        ip[4] = (uint8_t)(s->len >> 8);
        ip[5] = (uint8_t)s->len;
        ip[6] = IPPROTO_ICMPV6;
        ip[7] = 1;
        memcpy(ip + 8, &n->self6.u.v6, 16);
        memcpy(ip + 24, &s->dst.u.v6, 16);
        memcpy(ip + 40, s->buf, q);
        len = 8 + 40 + q;
    }
    queue_icmp(n, s->family, msg, len, from, delay_ns);
}

void
fakenet_route(struct fakenet *n, const struct fake_path *path)
{
    n->path = *path;
    n->route_on = true;
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
    }
    if (p->silent[idx])
        return;
    from = p->hop[idx];
    if (from.family == AF_UNSPEC)
        return;
    if (p->alt[idx].family != AF_UNSPEC && count % 2 == 0)
        from = p->alt[idx];
    if (p->unreach_ttl != 0 && ttl >= p->unreach_ttl) {
        fakenet_icmp_error(n, i, &p->hop[p->unreach_ttl - 1], v4 ? 3 : 1, p->unreach_code, 64,
                           p->rtt_ns[p->unreach_ttl - 1]);
        return;
    }
    if (ttl >= p->nhops)
        fakenet_echo_reply(n, i, &from, p->rtt_ns[idx]);
    else
        fakenet_icmp_error(n, i, &from, v4 ? 11 : 3, 0, 64, p->rtt_ns[idx]);
}

void
fakenet_pump(struct fakenet *n, struct hw_engine *e)
{
    struct pollfd fds[2] = {
        {.fd = FAKE_FD4, .events = POLLIN, .revents = POLLIN},
        {.fd = FAKE_FD6, .events = POLLIN, .revents = POLLIN},
    };

    (void)n;
    hw_engine_process(e, fds, 2);
}

bool
fakenet_step(struct fakenet *n, struct hw_engine *e, int64_t max_ns)
{
    int64_t next = INT64_MAX;
    int ms = hw_engine_timeout_ms(e, -1);

    if (ms >= 0)
        next = n->mono_ns + (int64_t)ms * 1000000;
    for (size_t i = 0; i < n->nqueue; i++) {
        if (n->queue[i].due_mono_ns < next)
            next = n->queue[i].due_mono_ns;
    }
    if (next == INT64_MAX)
        return false;
    if (next - n->mono_ns > max_ns)
        next = n->mono_ns + max_ns;
    if (next > n->mono_ns)
        n->mono_ns = next;
    fakenet_pump(n, e);
    return true;
}
