/* engine.c - the poll-driven probe core: probes in flight, their matching,
 * and every deadline.  See include/hopwatch/engine.h for the contract.
 *
 * Costs: sending, matching an answer and expiring a timeout are O(1) plus an
 * O(log n) heap operation; nothing scans the probes in flight.
 *
 * A probe lives in a pool slot from send until its linger time ends: first
 * IN_FLIGHT (its timeout pending), then LINGER (outcome delivered, kept in
 * the index so that a late or duplicate answer is recognised as such rather
 * than as foreign).  Its (family, ident, seq) key is not reused while the
 * slot lives, so sequence numbers wrap at 65536 without mismatching, and the
 * 64-bit serial and keyed MAC in the payload tell a reused key apart anyway.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <hopwatch/engine.h>
#include <hopwatch/error.h>

#include "core/packet.h"
#include "core/probemap.h"
#include "core/rtt.h"
#include "core/siphash.h"
#include "core/socket.h"
#include "core/timerq.h"

/* Payload layout of a probe with room for a cookie: the probe's 64-bit
 * serial, then the MAC over (family, ident, seq, serial), both big-endian,
 * then a fill pattern. */
#define COOKIE_LEN 16
/* Largest ICMP payload we build: fits IPv4 (65535 - 20 - 8). */
#define PAYLOAD_MAX 65000
/* Answers read per socket per hw_engine_process call, so one flooded socket
 * cannot starve the timers; more waiting makes the next timeout 0. */
#define RX_BUDGET 512
/* Receive buffer: the largest datagram a socket can hand us. */
#define RX_CAP 65536
/* Shortest linger time (see hw_engine_config.linger_ns). */
#define LINGER_MIN_NS 1000000000LL

enum probe_state {
    PROBE_FREE = 0,
    PROBE_IN_FLIGHT,  /* waiting for its answer or timeout */
    PROBE_LINGER,     /* outcome delivered; kept to classify late answers */
};

/* What a timer in the queue does when it fires. */
enum timer_kind {
    TIMER_TIMEOUT = 1,  /* owner: probe index; the probe timed out */
    TIMER_LINGER,       /* owner: probe index; forget the probe */
    TIMER_SEND_ERROR,   /* owner: probe index; report its failed send */
    TIMER_USER,         /* fn/arg: a hw_engine_timer_add() timer */
};

struct probe {
    uint32_t gen;              /* slot generation, part of the probe id */
    uint8_t state;             /* enum probe_state */
    bool answered;             /* LINGER: it was answered (else timed out) */
    bool in_map;               /* its key is in the index */
    bool cookie;               /* payload carries serial + MAC */
    int family;                /* AF_INET / AF_INET6 */
    uint16_t ident;            /* ICMP identifier sent */
    uint16_t seq;              /* ICMP sequence number sent */
    uint64_t serial;           /* unique per engine, in the payload */
    uint64_t mac;              /* keyed MAC in the payload */
    uint64_t timer;            /* handle of its pending timer */
    int send_status;           /* failed send: the status to report */
    struct hw_probe_spec spec; /* what the caller asked for */
    struct hw_time sent;       /* when it was sent */
    uint32_t next_free;        /* free list link */
};

/* One socket, per family. */
struct family_sock {
    int fd;                    /* descriptor, -1 if not open */
    int status;                /* 0, or why it could not be opened */
    bool more;                 /* the last read stopped at its budget */
    char errmsg[256];          /* detail of a failed open */
};

struct hw_engine {
    const struct hw_transport *tp;  /* transport functions */
    void *tp_ctx;                   /* their context */
    struct family_sock fam[2];      /* [0] IPv4, [1] IPv6 */
    uint8_t key[16];                /* cookie key, random per engine */
    uint16_t ident_base;            /* first ICMP identifier */
    uint32_t idents;                /* identifiers in use from ident_base */
    uint64_t next_serial;           /* serial of the next probe */
    int64_t linger_ns;              /* configured linger, 0: per timeout */
    struct probe *pool;             /* probe slots */
    uint32_t pool_cap;              /* slots allocated */
    uint32_t free_head;             /* first free slot, UINT32_MAX if none */
    uint32_t in_flight;             /* probes IN_FLIGHT */
    uint32_t user_timers;           /* pending hw_engine_timer_add() timers */
    struct hw__probemap map;        /* key -> slot of every live probe */
    struct hw__timerq tq;           /* every deadline */
    struct hw_engine_counters ctr;  /* what was seen */
    uint8_t *paybuf;                /* payload of the probe being built */
    uint8_t *txbuf;                 /* packet being built */
    uint8_t *rxbuf;                 /* packet being received, RX_CAP bytes */
};

static int
fam_index(int family)
{
    return family == AF_INET ? 0 : family == AF_INET6 ? 1 : -1;
}

static uint64_t
probe_key(int family, uint16_t ident, uint16_t seq)
{
    return ((uint64_t)(fam_index(family) + 1) << 40) | ((uint64_t)ident << 16) | seq;
}

static uint64_t
probe_id(const struct hw_engine *e, uint32_t idx)
{
    return ((uint64_t)e->pool[idx].gen << 32) | idx;
}

/* The probe named by id, or NULL when id is stale or was never issued. */
static struct probe *
probe_by_id(struct hw_engine *e, uint64_t id, uint32_t *idxp)
{
    uint32_t idx = (uint32_t)id;

    if (idx >= e->pool_cap || e->pool[idx].gen != (uint32_t)(id >> 32) ||
        e->pool[idx].state == PROBE_FREE)
        return NULL;
    *idxp = idx;
    return &e->pool[idx];
}

static void
put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t
cookie_mac(const struct hw_engine *e, int family, uint16_t ident, uint16_t seq,
           uint64_t serial)
{
    uint8_t msg[13];

    msg[0] = (uint8_t)family;
    msg[1] = (uint8_t)(ident >> 8);
    msg[2] = (uint8_t)ident;
    msg[3] = (uint8_t)(seq >> 8);
    msg[4] = (uint8_t)seq;
    put_be64(msg + 5, serial);
    return hw__siphash24(e->key, msg, sizeof(msg));
}

/* Constant-time comparison of the cookie in an answer with the probe's, so
 * a forger learns nothing from how long a rejection takes. */
static bool
cookie_ok(const struct probe *p, const uint8_t *payload, size_t len)
{
    uint8_t want[COOKIE_LEN];
    uint8_t diff = 0;

    if (len < COOKIE_LEN)
        return false;
    put_be64(want, p->serial);
    put_be64(want + 8, p->mac);
    for (size_t i = 0; i < COOKIE_LEN; i++)
        diff |= (uint8_t)(want[i] ^ payload[i]);
    return diff == 0;
}

void
hw_engine_config_init(struct hw_engine_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->ident = -1;
}

const char *
hw_outcome_name(enum hw_outcome o)
{
    switch (o) {
    case HW_OUTCOME_REPLY: return "reply";
    case HW_OUTCOME_TIME_EXCEEDED: return "time-exceeded";
    case HW_OUTCOME_UNREACHABLE: return "unreachable";
    case HW_OUTCOME_ICMP_ERROR: return "icmp-error";
    case HW_OUTCOME_TIMEOUT: return "timeout";
    case HW_OUTCOME_SEND_ERROR: return "send-error";
    case HW_OUTCOME_CANCELLED: return "cancelled";
    }
    return "unknown";
}

static int
open_family(struct hw_engine *e, int family)
{
    struct family_sock *fs = &e->fam[fam_index(family)];
    int fd = -1;

    fs->errmsg[0] = '\0';
    fs->status = e->tp->open(e->tp_ctx, family, &fd, fs->errmsg, sizeof(fs->errmsg));
    if (fs->status == 0)
        fs->fd = fd;
    else if (fs->errmsg[0] == '\0')
        snprintf(fs->errmsg, sizeof(fs->errmsg), "%s", hw_strerror(fs->status));
    return fs->status;
}

struct hw_engine *
hw_engine_new(const struct hw_engine_config *cfg, int *status)
{
    struct hw_engine_config defaults;
    struct hw_engine *e;
    unsigned fams;

    if (cfg == NULL) {
        hw_engine_config_init(&defaults);
        cfg = &defaults;
    }
    *status = 0;
    if (cfg->idents > 4096 || cfg->ident > 65535 || cfg->linger_ns < 0) {
        *status = HW_EINVAL;
        return NULL;
    }
    e = calloc(1, sizeof(*e));
    if (e == NULL) {
        *status = -ENOMEM;
        return NULL;
    }
    e->paybuf = malloc(PAYLOAD_MAX);
    e->txbuf = malloc(HW_ICMP_HDR + PAYLOAD_MAX);
    e->rxbuf = malloc(RX_CAP);
    if (e->paybuf == NULL || e->txbuf == NULL || e->rxbuf == NULL) {
        free(e->paybuf);
        free(e->txbuf);
        free(e->rxbuf);
        free(e);
        *status = -ENOMEM;
        return NULL;
    }
    e->tp = cfg->transport != NULL ? cfg->transport : hw__socket_transport();
    e->tp_ctx = cfg->transport_ctx;
    e->linger_ns = cfg->linger_ns;
    e->idents = cfg->idents != 0 ? cfg->idents : 64;
    e->free_head = UINT32_MAX;
    hw__probemap_init(&e->map);
    hw__timerq_init(&e->tq);
    for (int i = 0; i < 2; i++) {
        e->fam[i].fd = -1;
        e->fam[i].status = HW_EFAMILY;
        snprintf(e->fam[i].errmsg, sizeof(e->fam[i].errmsg), "%s",
                 "no socket was requested for this address family");
    }

    /* The key and the identifiers come from the kernel's random pool, so
     * another process cannot predict them (they are not the PID). */
    if (cfg->key != NULL)
        memcpy(e->key, cfg->key, sizeof(e->key));
    else if (getrandom(e->key, sizeof(e->key), 0) != sizeof(e->key)) {
        *status = -EIO;
        hw_engine_free(e);
        return NULL;
    }
    if (cfg->ident >= 0) {
        e->ident_base = (uint16_t)cfg->ident;
    } else if (getrandom(&e->ident_base, sizeof(e->ident_base), 0) != sizeof(e->ident_base)) {
        *status = -EIO;
        hw_engine_free(e);
        return NULL;
    }

    fams = cfg->families != 0 ? cfg->families : (HW_FAMILY_V4 | HW_FAMILY_V6);
    /* A socket that cannot be opened is not fatal here: the caller learns
     * which family it needs only later (after resolving), and then asks
     * hw_engine_family_status() for the reason. */
    if (fams & HW_FAMILY_V4)
        open_family(e, AF_INET);
    if (fams & HW_FAMILY_V6)
        open_family(e, AF_INET6);
    return e;
}

enum hw_sock_mode
hw_engine_mode(const struct hw_engine *e, int family)
{
    int i = fam_index(family);

    return i < 0 || e->fam[i].status != 0 ? HW_MODE_NONE : HW_MODE_RAW;
}

const char *
hw_sock_mode_name(enum hw_sock_mode m)
{
    switch (m) {
    case HW_MODE_RAW: return "raw";
    case HW_MODE_DGRAM: return "unprivileged";
    case HW_MODE_NONE: break;
    }
    return "none";
}

const char *
hw_method_name(enum hw_method m)
{
    switch (m) {
    case HW_METHOD_ICMP: return "icmp";
    case HW_METHOD_UDP: return "udp";
    case HW_METHOD_UDP_PARIS: return "udp-paris";
    case HW_METHOD_TCP: return "tcp";
    }
    return "unknown";
}

int
hw_engine_family_status(const struct hw_engine *e, int family)
{
    int i = fam_index(family);

    return i < 0 ? HW_EINVAL : e->fam[i].status;
}

const char *
hw_engine_family_errmsg(const struct hw_engine *e, int family)
{
    int i = fam_index(family);

    if (i < 0)
        return "unknown address family";
    return e->fam[i].status == 0 ? "" : e->fam[i].errmsg;
}

/* ---- probe slots ------------------------------------------------------ */

static int
slot_alloc(struct hw_engine *e, uint32_t *idxp)
{
    if (e->free_head == UINT32_MAX) {
        uint32_t ncap = e->pool_cap ? e->pool_cap * 2 : 64;
        struct probe *np;

        if (ncap <= e->pool_cap || ncap > (UINT32_MAX >> 1))
            return -ENOMEM;
        np = realloc(e->pool, (size_t)ncap * sizeof(*np));
        if (np == NULL)
            return -ENOMEM;
        memset(np + e->pool_cap, 0, (size_t)(ncap - e->pool_cap) * sizeof(*np));
        /* Chain the new slots so that the lowest index is used first. */
        for (uint32_t i = ncap; i-- > e->pool_cap;) {
            np[i].gen = 1;
            np[i].next_free = e->free_head;
            e->free_head = i;
        }
        e->pool = np;
        e->pool_cap = ncap;
    }
    *idxp = e->free_head;
    e->free_head = e->pool[*idxp].next_free;
    return 0;
}

static void
slot_free(struct hw_engine *e, uint32_t idx)
{
    struct probe *p = &e->pool[idx];

    if (p->in_map)
        hw__probemap_del(&e->map, probe_key(p->family, p->ident, p->seq));
    p->in_map = false;
    p->state = PROBE_FREE;
    p->gen++;
    if (p->gen == 0)
        p->gen = 1;
    p->next_free = e->free_head;
    e->free_head = idx;
}

/* Pick the next (ident, seq) whose key is not held by a live probe.  Each
 * live probe can make us skip one key, so count + 1 tries always suffice
 * when a free key exists. */
static int
next_key(struct hw_engine *e, int family, uint16_t *ident, uint16_t *seq, uint64_t *serial)
{
    uint64_t space = (uint64_t)e->idents << 16;
    uint64_t tries = (uint64_t)e->map.count + 1;

    if (e->map.count >= space)
        return HW_EBUSY;
    for (uint64_t t = 0; t < tries; t++) {
        uint64_t s = e->next_serial++;
        uint16_t id = (uint16_t)(e->ident_base + (uint16_t)((s >> 16) % e->idents));
        uint16_t sq = (uint16_t)s;
        uint32_t dummy;

        if (!hw__probemap_get(&e->map, probe_key(family, id, sq), &dummy)) {
            *ident = id;
            *seq = sq;
            *serial = s;
            return 0;
        }
    }
    return HW_EBUSY;
}

static size_t
build_probe(struct hw_engine *e, struct probe *p)
{
    size_t plen = p->spec.payload_size;
    uint8_t *payload = e->paybuf;

    for (size_t i = 0; i < plen; i++)
        payload[i] = (uint8_t)i;
    p->cookie = plen >= COOKIE_LEN;
    if (p->cookie) {
        p->mac = cookie_mac(e, p->family, p->ident, p->seq, p->serial);
        put_be64(payload, p->serial);
        put_be64(payload + 8, p->mac);
    }
    return hw__build_echo(p->family, e->txbuf, HW_ICMP_HDR + PAYLOAD_MAX, p->ident, p->seq,
                          payload, plen);
}

int
hw_engine_probe(struct hw_engine *e, const struct hw_probe_spec *spec, uint64_t *id)
{
    struct hw__timer_payload tp = {0};
    struct family_sock *fs;
    struct probe *p;
    struct hw_tx tx;
    uint32_t idx;
    int fi, st;
    size_t len;

    fi = fam_index(spec->dst.family);
    /* UDP and TCP probes arrive with the sockets that carry them. */
    if (spec->method != HW_METHOD_ICMP)
        return HW_EINVAL;
    if (fi < 0 || spec->cb == NULL || spec->ttl < 0 || spec->ttl > 255 || spec->tos < 0 ||
        spec->tos > 255 || spec->payload_size > PAYLOAD_MAX || spec->timeout_ns <= 0)
        return HW_EINVAL;
    fs = &e->fam[fi];
    if (fs->status != 0)
        return HW_EFAMILY;

    st = slot_alloc(e, &idx);
    if (st < 0)
        return st;
    p = &e->pool[idx];
    p->spec = *spec;
    p->family = spec->dst.family;
    p->answered = false;
    p->in_map = false;
    p->send_status = 0;
    st = next_key(e, p->family, &p->ident, &p->seq, &p->serial);
    if (st < 0) {
        slot_free(e, idx);
        return st;
    }
    len = build_probe(e, p);
    if (len == 0) {
        slot_free(e, idx);
        return HW_EINVAL;
    }
    /* Index the probe before sending: an answer cannot arrive before we
     * read the socket again, but keeping the order obvious costs nothing. */
    st = hw__probemap_put(&e->map, probe_key(p->family, p->ident, p->seq), idx);
    if (st < 0) {
        slot_free(e, idx);
        return st;
    }
    p->in_map = true;

    memset(&tx, 0, sizeof(tx));
    tx.family = p->family;
    tx.buf = e->txbuf;
    tx.len = len;
    tx.dst = spec->dst;
    tx.ttl = spec->ttl;
    tx.tos = spec->tos;
    st = e->tp->send(e->tp_ctx, fs->fd, &tx);
    p->sent = tx.sent;
    if (st < 0) {
        /* The callback must not fire from inside this call: report the
         * failed send from the next process() through a due timer. */
        hw__probemap_del(&e->map, probe_key(p->family, p->ident, p->seq));
        p->in_map = false;
        p->send_status = st;
        e->ctr.send_errors++;
        if (p->sent.mono_ns == 0)
            e->tp->now(e->tp_ctx, &p->sent);
        tp.kind = TIMER_SEND_ERROR;
        tp.owner = idx;
        if (hw__timerq_add(&e->tq, p->sent.mono_ns, &tp, &p->timer) < 0) {
            slot_free(e, idx);
            return -ENOMEM;
        }
    } else {
        e->ctr.probes_sent++;
        tp.kind = TIMER_TIMEOUT;
        tp.owner = idx;
        if (hw__timerq_add(&e->tq, p->sent.mono_ns + spec->timeout_ns, &tp, &p->timer) < 0) {
            /* Sent but untracked: forget it, its answer will be foreign. */
            slot_free(e, idx);
            return -ENOMEM;
        }
    }
    p->state = PROBE_IN_FLIGHT;
    e->in_flight++;
    if (id != NULL)
        *id = probe_id(e, idx);
    return 0;
}

/* Fill the parts of a result that come from the probe itself. */
static void
result_init(const struct hw_engine *e, uint32_t idx, enum hw_outcome o,
            struct hw_probe_result *r)
{
    const struct probe *p = &e->pool[idx];

    memset(r, 0, sizeof(*r));
    r->outcome = o;
    r->id = probe_id(e, idx);
    r->arg = p->spec.arg;
    r->tag = p->spec.tag;
    r->dst = p->spec.dst;
    r->ttl = p->spec.ttl;
    r->ident = p->ident;
    r->seq = p->seq;
    r->responder.family = AF_UNSPEC;
    r->icmp_type = -1;
    r->icmp_code = -1;
    r->rtt_ns = -1;
    r->sent = p->sent;
    r->reply_ttl = -1;
}

static int64_t
linger_for(const struct hw_engine *e, const struct probe *p)
{
    int64_t l = e->linger_ns != 0 ? e->linger_ns : p->spec.timeout_ns;

    return l < LINGER_MIN_NS && e->linger_ns == 0 ? LINGER_MIN_NS : l;
}

/* Move a probe from IN_FLIGHT to LINGER (or free it when it has no key to
 * keep) and schedule the end of its linger time.  Must run before the
 * callback, which may send probes and so reallocate the pool. */
static void
finish(struct hw_engine *e, uint32_t idx, bool answered)
{
    struct probe *p = &e->pool[idx];
    struct hw__timer_payload tp = {.kind = TIMER_LINGER, .owner = idx};
    int64_t end;

    e->in_flight--;
    if (!p->in_map) {
        slot_free(e, idx);
        return;
    }
    p->state = PROBE_LINGER;
    p->answered = answered;
    end = p->sent.mono_ns + p->spec.timeout_ns + linger_for(e, p);
    if (hw__timerq_add(&e->tq, end, &tp, &p->timer) < 0)
        slot_free(e, idx); /* no memory to linger: forget it now */
}

/* ---- answers ------------------------------------------------------------ */

static enum hw_outcome
outcome_of(enum hw__pkt_kind k)
{
    switch (k) {
    case HW_PKT_ECHO_REPLY: return HW_OUTCOME_REPLY;
    case HW_PKT_TIME_EXCEEDED: return HW_OUTCOME_TIME_EXCEEDED;
    case HW_PKT_DEST_UNREACH: return HW_OUTCOME_UNREACHABLE;
    default: return HW_OUTCOME_ICMP_ERROR;
    }
}

static void
handle_packet(struct hw_engine *e, int family, const struct hw_rx *rx)
{
    struct hw__parsed pk;
    enum hw__pkt_kind kind;
    struct hw_probe_result r;
    struct probe *p;
    uint32_t idx;
    bool short_quote = false;

    if (rx->layer == HW_RX_IP4)
        kind = hw__parse_ip4(rx->buf, rx->len, &pk);
    else if (family == AF_INET)
        kind = hw__parse_icmp4(rx->buf, rx->len, &pk);
    else
        kind = hw__parse_icmp6(rx->buf, rx->len, &pk);

    if (kind == HW_PKT_MALFORMED || kind == HW_PKT_BAD_CHECKSUM) {
        e->ctr.malformed++;
        return;
    }
    if (kind == HW_PKT_IGNORED ||
        pk.probe.proto != (family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6) ||
        !hw__probemap_get(&e->map, probe_key(family, pk.probe.ident, pk.probe.seq), &idx)) {
        e->ctr.foreign++;
        return;
    }
    p = &e->pool[idx];
    /* An error must quote a datagram we sent to this probe's destination;
     * an echo reply must carry the probe's cookie.  A quote too short to
     * hold the cookie (RFC 792 routers quote 8 bytes) is matched on
     * identifier, sequence and destination alone, and counted. */
    if (kind != HW_PKT_ECHO_REPLY && !hw_addr_equal(&pk.probe.dst, &p->spec.dst)) {
        e->ctr.foreign++;
        return;
    }
    if (p->cookie) {
        if (kind != HW_PKT_ECHO_REPLY && pk.probe.payload_len < COOKIE_LEN) {
            short_quote = true;
        } else if (!cookie_ok(p, pk.probe.payload, pk.probe.payload_len)) {
            e->ctr.foreign++;
            e->ctr.bad_cookie++;
            return;
        }
    }

    result_init(e, idx, outcome_of(kind), &r);
    r.responder = (rx->from.family != AF_UNSPEC) ? rx->from : pk.ip_src;
    r.icmp_type = pk.type;
    r.icmp_code = pk.code;
    r.received = rx->received;
    r.rtt_ns = hw__rtt(&p->sent, &rx->received, &r.kernel_ts);
    r.reply_ttl = rx->ttl >= 0 ? rx->ttl : pk.ip_ttl;
    r.reply_bytes = rx->len;
    r.n_mpls = pk.n_mpls;
    memcpy(r.mpls, pk.mpls, pk.n_mpls * sizeof(r.mpls[0]));

    if (p->state == PROBE_LINGER) {
        /* Answered before: a duplicate.  Timed out: a late answer (and
         * any further copy of it is a duplicate). */
        if (p->answered) {
            e->ctr.duplicates++;
            r.extra = HW_EXTRA_DUPLICATE;
        } else {
            p->answered = true;
            e->ctr.late++;
            r.extra = HW_EXTRA_LATE;
        }
        if (p->spec.on_extra != NULL)
            p->spec.on_extra(r.arg, &r);
        return;
    }
    e->ctr.matched++;
    if (short_quote)
        e->ctr.short_quotes++;
    hw__timerq_cancel(&e->tq, p->timer);
    /* Take the callback before finish(): it may free the slot, and the
     * callback may grow the pool. */
    hw_probe_cb cb = p->spec.cb;
    finish(e, idx, true);
    cb(r.arg, &r);
}

/* Read what one socket has, up to the budget. */
static void
read_family(struct hw_engine *e, int fi)
{
    struct family_sock *fs = &e->fam[fi];
    int family = fi == 0 ? AF_INET : AF_INET6;
    struct hw_rx rx;
    int n = 0, st;

    fs->more = false;
    for (; n < RX_BUDGET; n++) {
        memset(&rx, 0, sizeof(rx));
        rx.buf = e->rxbuf;
        rx.cap = RX_CAP;
        rx.ttl = -1;
        st = e->tp->recv(e->tp_ctx, fs->fd, &rx);
        if (st <= 0)
            return;
        e->ctr.rx_packets++;
        if (rx.truncated) {
            e->ctr.malformed++;
            continue;
        }
        handle_packet(e, family, &rx);
    }
    fs->more = true;
}

/* ---- deadlines ------------------------------------------------------------ */

static void
fire_timeout(struct hw_engine *e, uint32_t idx, enum hw_outcome o)
{
    struct probe *p = &e->pool[idx];
    struct hw_probe_result r;
    hw_probe_cb cb = p->spec.cb;

    result_init(e, idx, o, &r);
    r.status = o == HW_OUTCOME_SEND_ERROR ? p->send_status : 0;
    finish(e, idx, false);
    cb(r.arg, &r);
}

/* Run every timer that is due now and was added before this call began;
 * timers that callbacks add for "now" wait for the next call, so a callback
 * re-arming itself with delay 0 cannot spin us forever. */
static void
run_timers(struct hw_engine *e)
{
    struct hw__timer_payload tp;
    struct hw_time now;
    uint64_t handle, fifo_limit = e->tq.fifo;
    int64_t when;

    e->tp->now(e->tp_ctx, &now);
    while (hw__timerq_peek(&e->tq, &when) && when <= now.mono_ns) {
        if (e->tq.slots[e->tq.heap[0]].fifo >= fifo_limit)
            break;
        if (!hw__timerq_pop(&e->tq, now.mono_ns, &tp, &handle))
            break;
        switch (tp.kind) {
        case TIMER_TIMEOUT:
            fire_timeout(e, (uint32_t)tp.owner, HW_OUTCOME_TIMEOUT);
            break;
        case TIMER_SEND_ERROR:
            fire_timeout(e, (uint32_t)tp.owner, HW_OUTCOME_SEND_ERROR);
            break;
        case TIMER_LINGER:
            slot_free(e, (uint32_t)tp.owner);
            break;
        case TIMER_USER:
            e->user_timers--;
            tp.fn(tp.arg, handle);
            break;
        }
    }
}

/* ---- the loop ---------------------------------------------------------- */

size_t
hw_engine_pollfds(const struct hw_engine *e, struct pollfd *fds, size_t n)
{
    size_t k = 0;

    for (int i = 0; i < 2; i++) {
        if (e->fam[i].fd < 0)
            continue;
        if (k < n) {
            fds[k].fd = e->fam[i].fd;
            fds[k].events = POLLIN;
            fds[k].revents = 0;
        }
        k++;
    }
    return k;
}

int
hw_engine_timeout_ms(struct hw_engine *e, int max_ms)
{
    struct hw_time now;
    int64_t when, wait_ns, ms;

    if (e->fam[0].more || e->fam[1].more)
        return 0;
    if (!hw__timerq_peek(&e->tq, &when))
        return max_ms;
    e->tp->now(e->tp_ctx, &now);
    wait_ns = when - now.mono_ns;
    if (wait_ns <= 0)
        return 0;
    /* Round up: waking a little early would only make us poll again. */
    ms = (wait_ns + 999999) / 1000000;
    if (max_ms >= 0 && ms > max_ms)
        return max_ms;
    return ms > 1000000000 ? 1000000000 : (int)ms;
}

void
hw_engine_process(struct hw_engine *e, const struct pollfd *fds, size_t n)
{
    /* Loop order, as mtr-packet writes it down: read answers first (their
     * timestamps are closest to arrival), then expire timeouts, then run
     * timers, which send. */
    for (int i = 0; i < 2; i++) {
        bool ready = e->fam[i].more;

        if (e->fam[i].fd < 0)
            continue;
        for (size_t k = 0; k < n && !ready; k++)
            ready = fds[k].fd == e->fam[i].fd && (fds[k].revents & (POLLIN | POLLERR));
        if (ready)
            read_family(e, i);
    }
    run_timers(e);
}

int
hw_engine_wait(struct hw_engine *e, int max_ms)
{
    struct pollfd fds[2];
    size_t n = hw_engine_pollfds(e, fds, 2);
    int ms = hw_engine_timeout_ms(e, max_ms);

    if (poll(fds, n, ms) < 0) {
        int err = errno;
        return -err;
    }
    hw_engine_process(e, fds, n);
    return 0;
}

bool
hw_engine_idle(const struct hw_engine *e)
{
    return e->in_flight == 0 && e->user_timers == 0;
}

void
hw_engine_now(const struct hw_engine *e, struct hw_time *t)
{
    e->tp->now(e->tp_ctx, t);
}

int
hw_engine_cancel(struct hw_engine *e, uint64_t id)
{
    struct hw_probe_result r;
    struct probe *p;
    hw_probe_cb cb;
    uint32_t idx;

    p = probe_by_id(e, id, &idx);
    if (p == NULL || p->state != PROBE_IN_FLIGHT)
        return HW_EINVAL;
    hw__timerq_cancel(&e->tq, p->timer);
    result_init(e, idx, HW_OUTCOME_CANCELLED, &r);
    cb = p->spec.cb;
    /* A cancelled probe is forgotten at once: an answer to it is foreign. */
    e->in_flight--;
    slot_free(e, idx);
    cb(r.arg, &r);
    return 0;
}

void
hw_engine_release(struct hw_engine *e, void *arg)
{
    for (uint32_t i = 0; i < e->pool_cap; i++) {
        struct probe *p = &e->pool[i];

        if (p->state == PROBE_FREE || p->spec.arg != arg)
            continue;
        if (p->state == PROBE_IN_FLIGHT)
            hw_engine_cancel(e, probe_id(e, i));
        else
            p->spec.on_extra = NULL;
    }
}

int
hw_engine_timer_add(struct hw_engine *e, int64_t delay_ns, hw_timer_cb cb, void *arg,
                    uint64_t *id)
{
    struct hw__timer_payload tp = {.kind = TIMER_USER, .fn = cb, .arg = arg};
    struct hw_time now;
    uint64_t handle;
    int st;

    if (cb == NULL || delay_ns < 0)
        return HW_EINVAL;
    e->tp->now(e->tp_ctx, &now);
    st = hw__timerq_add(&e->tq, now.mono_ns + delay_ns, &tp, &handle);
    if (st < 0)
        return st;
    e->user_timers++;
    if (id != NULL)
        *id = handle;
    return 0;
}

int
hw_engine_timer_cancel(struct hw_engine *e, uint64_t id)
{
    const struct hw__timer_slot *s;
    uint32_t slot = (uint32_t)id;

    /* Only user timers may be cancelled through the public call. */
    if (slot >= e->tq.nslots)
        return HW_EINVAL;
    s = &e->tq.slots[slot];
    if (s->pos == UINT32_MAX || s->gen != (uint32_t)(id >> 32) || s->p.kind != TIMER_USER)
        return HW_EINVAL;
    if (hw__timerq_cancel(&e->tq, id) < 0)
        return HW_EINVAL;
    e->user_timers--;
    return 0;
}

void
hw_engine_counters(const struct hw_engine *e, struct hw_engine_counters *c)
{
    *c = e->ctr;
}

void
hw_engine_free(struct hw_engine *e)
{
    if (e == NULL)
        return;
    /* Every probe whose outcome was not delivered gets its one callback. */
    for (uint32_t i = 0; i < e->pool_cap; i++) {
        if (e->pool[i].state == PROBE_IN_FLIGHT)
            hw_engine_cancel(e, probe_id(e, i));
    }
    for (int i = 0; i < 2; i++) {
        if (e->fam[i].fd >= 0)
            e->tp->close(e->tp_ctx, e->fam[i].fd);
    }
    hw__timerq_fini(&e->tq);
    hw__probemap_fini(&e->map);
    free(e->pool);
    free(e->paybuf);
    free(e->txbuf);
    free(e->rxbuf);
    free(e);
}

bool
hw_engine_can_send(const struct hw_engine *e, enum hw_method method, int family)
{
    int i = fam_index(family);

    return i >= 0 && e->fam[i].status == 0 && method == HW_METHOD_ICMP;
}
