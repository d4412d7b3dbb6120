/* engine.c - the poll-driven probe core: sockets, probes in flight, their
 * matching, and every deadline.  See include/hopwatch/engine.h.
 *
 * Costs: sending, matching an answer and expiring a timeout are O(1) plus an
 * O(log n) heap operation; nothing scans the probes in flight.
 *
 * A probe lives in a pool slot from send until its linger time ends: first
 * IN_FLIGHT (its timeout pending), then LINGER (outcome delivered, kept in
 * the index so that a late or duplicate answer is recognised as such rather
 * than as foreign).  Its key (what an answer carries back: ICMP identifier
 * and sequence, UDP ports or checksum, TCP sequence number) is not reused
 * while the slot lives, so 16-bit sequence numbers wrap without
 * mismatching, and the 64-bit serial and keyed MAC in the payload tell a
 * reused key apart anyway.
 *
 * Sockets per family: in raw mode one raw ICMP socket shared by every
 * probe (with 64 identifiers by default), plus raw UDP and TCP sockets for
 * those methods; in unprivileged mode a few ICMP datagram sockets, each
 * with the identifier the kernel gave it, whose error queues bring back
 * time-exceeded and unreachable answers.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <hopwatch/engine.h>
#include <hopwatch/error.h>

#include "core/addrmap.h"
#include "core/packet.h"
#include "core/probemap.h"
#include "core/rtt.h"
#include "core/siphash.h"
#include "core/socket.h"
#include "core/timerq.h"

/* Payload layout of a probe with room for a cookie: the probe's 64-bit
 * serial, then the MAC over (family, key, serial), both big-endian, then
 * the fill; Paris UDP keeps its last two bytes to steer the checksum. */
#define COOKIE_LEN 16
/* Largest payload we build: fits IPv4 (65535 - 20 - 8). */
#define PAYLOAD_MAX 65000
/* Room for the transport header in front of the payload. */
#define HDR_MAX 64
/* Answers read per socket per hw_engine_process call, so one flooded socket
 * cannot starve the timers; more waiting makes the next timeout 0. */
#define RX_BUDGET 512
/* Receive buffer: the largest datagram a socket can hand us. */
#define RX_CAP 65536
/* Shortest linger time (see hw_engine_config.linger_ns). */
#define LINGER_MIN_NS 1000000000LL
/* Identifiers in raw mode, datagram sockets in unprivileged mode. */
#define IDENTS_RAW 64
#define IDENTS_DGRAM 4
#define IDENTS_MAX 4096
/* Classic UDP: destination ports port .. port + 1023, source ports
 * sport_base .. sport_base + 63: 65536 distinct (sport, dport) pairs. */
#define UDP_DPORTS 1024
#define UDP_SPORTS 64
/* Probes that may leave back to back under the rate cap (max_pps). */
#define PACE_BURST 20
/* Rounds of the Feistel network that permutes 16-bit sequence numbers. */
#define PERM_ROUNDS 4
/* Default ports. */
#define UDP_PORT 33434
#define TCP_PORT 80

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
    TIMER_PACE,         /* the first probe waiting under the rate cap may go */
};

/* What part of a key space a probe's key lives in. */
enum key_class {
    KEY_ICMP = 1,   /* ident << 16 | seq */
    KEY_UDP,        /* sport << 16 | dport */
    KEY_PARIS,      /* sport << 16 | UDP checksum */
    KEY_TCP,        /* TCP sequence number */
};

struct probe {
    uint32_t gen;              /* slot generation, part of the probe id */
    uint8_t state;             /* enum probe_state */
    bool answered;             /* LINGER: it was answered (else timed out) */
    bool in_map;               /* its key is in the index */
    bool cookie;               /* payload carries serial + MAC */
    bool queued;               /* IN_FLIGHT but not sent yet: waiting for
                                  its turn under the rate cap */
    uint8_t *pkt;              /* queued: the packet as built (owned) */
    size_t pkt_len;            /* its length */
    int pkt_fd;                /* the socket to send it on */
    uint8_t macbytes;          /* no cookie: MAC bytes the payload starts
                                  with (0..8; 0 for a caller's payload) */
    bool unauth;               /* LINGER: answered by an error that quoted
                                  too little to carry the cookie, so an
                                  answer with the cookie may replace it */
    uint8_t unauth_outcome;    /* that answer's enum hw_outcome */
    struct hw_addr unauth_from;/* and who sent it */
    uint16_t cksum;            /* ICMPv4 / UDP: the transport checksum sent
                                  (host order); ICMPv6: the message's own
                                  sum, checksum field 0 (hw__sum16) */
    uint32_t l4_len;           /* bytes of transport header + payload sent */
    int family;                /* AF_INET / AF_INET6 */
    uint64_t key;              /* its key in the index */
    uint16_t ident;            /* ICMP identifier sent */
    uint16_t seq;              /* ICMP sequence number sent */
    uint16_t sport;            /* UDP/TCP source port sent */
    uint16_t dport;            /* UDP/TCP destination port sent */
    uint64_t serial;           /* unique per engine, in the payload */
    uint64_t mac;              /* keyed MAC in the payload */
    uint64_t timer;            /* handle of its pending timer */
    int send_status;           /* failed send: the status to report */
    struct hw_probe_spec spec; /* what the caller asked for */
    struct hw_time sent;       /* when it was sent */
    uint32_t next_free;        /* free list link */
};

/* One descriptor the engine polls. */
struct pfd {
    int fd;                    /* the descriptor */
    int family;                /* AF_INET / AF_INET6 */
    enum hw_sock_kind kind;    /* what it is */
    bool more;                 /* the last read stopped at its budget */
};

/* The sockets of one family. */
struct family_sock {
    int status;                /* 0, or why ICMP probing cannot work */
    enum hw_sock_mode mode;    /* raw or unprivileged */
    char errmsg[512];          /* detail of a failed open */
    int icmp_fd;               /* raw ICMP socket, -1 */
    int udp_fd;                /* raw UDP socket, -1 (UDP methods unavailable) */
    int tcp_fd;                /* raw TCP socket, -1 (TCP unavailable) */
    uint32_t nidents;          /* identifier slots */
    uint16_t idents[IDENTS_MAX];/* the identifier of each slot */
    int slot_fd[IDENTS_MAX];   /* the socket that sends each slot's probes */
};

struct hw_engine {
    const struct hw_transport *tp;  /* transport functions */
    void *tp_ctx;                   /* their context */
    struct family_sock fam[2];      /* [0] IPv4, [1] IPv6 */
    struct pfd *pfds;               /* every descriptor to poll */
    size_t npfds;                   /* entries in pfds */
    struct hw_addr source[2];       /* configured source per family */
    uint8_t key[16];                /* cookie key, random per engine */
    uint8_t perm[PERM_ROUNDS][256]; /* Feistel round functions, from key */
    uint16_t sport_base;            /* first UDP/TCP source port */
    uint64_t next_serial;           /* serial of the next probe */
    uint64_t rng;                   /* xorshift state for random fill */
    int64_t linger_ns;              /* configured linger, 0: per timeout */
    bool dont_fragment;             /* sockets opened with DF (PMTUDISC_PROBE) */
    struct probe *pool;             /* probe slots */
    uint32_t pool_cap;              /* slots allocated */
    uint32_t free_head;             /* first free slot, UINT32_MAX if none */
    uint32_t in_flight;             /* probes IN_FLIGHT */
    uint32_t user_timers;           /* pending hw_engine_timer_add() timers */
    struct hw__probemap map;        /* key -> slot of every live probe */
    struct hw__timerq tq;           /* every deadline */
    struct hw__addrmap srcmap;      /* destination -> index in srcs */
    struct hw_addr *srcs;           /* source address toward each destination */
    uint32_t nsrcs;                 /* entries in srcs */
    struct hw_engine_counters ctr;  /* what was seen */
    int64_t pace_ns;                /* 1 s / max_pps; 0: no rate cap */
    int64_t pace_tol_ns;            /* burst tolerance: (PACE_BURST - 1) * pace_ns */
    int64_t pace_tat;               /* when the next probe may leave (GCRA) */
    uint64_t *pq;                   /* ids of probes waiting, a ring */
    size_t pq_head, pq_len, pq_cap; /* its first entry, entries, size */
    bool pace_armed;                /* a TIMER_PACE is pending */
    uint64_t pace_timer;            /* its handle */
    uint8_t *paybuf;                /* payload of the probe being built */
    uint8_t *txbuf;                 /* packet being built */
    uint8_t *rxbuf;                 /* packet being received, RX_CAP bytes */
};

static void perm_init(struct hw_engine *e);

static int
fam_index(int family)
{
    return family == AF_INET ? 0 : family == AF_INET6 ? 1 : -1;
}

static uint64_t
make_key(int family, enum key_class c, uint32_t id)
{
    return ((uint64_t)(fam_index(family) + 1) << 36) | ((uint64_t)c << 32) | id;
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

/* The keyed MAC of a probe: over its family, key and serial. */
static uint64_t
cookie_mac(const struct hw_engine *e, int family, uint64_t key, uint64_t serial)
{
    uint8_t msg[17];

    msg[0] = (uint8_t)family;
    put_be64(msg + 1, key);
    put_be64(msg + 9, serial);
    return hw__siphash24(e->key, msg, sizeof(msg));
}

/* Constant-time comparison of the cookie in an answer with the probe's, so
 * a forger learns nothing from how long a rejection takes. */
static bool
cookie_ok(const struct probe *p, const uint8_t *payload, size_t len)
{
    uint8_t want[COOKIE_LEN];
    uint8_t diff = 0;

    if (payload == NULL || len < COOKIE_LEN)
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
    cfg->source4.family = AF_UNSPEC;
    cfg->source6.family = AF_UNSPEC;
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

/* ---- opening sockets -------------------------------------------------- */

static int
add_pfd(struct hw_engine *e, int fd, int family, enum hw_sock_kind kind)
{
    struct pfd *np = realloc(e->pfds, (e->npfds + 1) * sizeof(*np));

    if (np == NULL)
        return -ENOMEM;
    e->pfds = np;
    e->pfds[e->npfds++] = (struct pfd){.fd = fd, .family = family, .kind = kind};
    return 0;
}

static int
open_one(struct hw_engine *e, const struct hw_engine_config *cfg, int family,
         enum hw_sock_kind kind, int *fd, uint16_t *ident, char *errbuf, size_t errlen)
{
    struct hw_sock_opts o;
    int st;

    memset(&o, 0, sizeof(o));
    o.source = e->source[fam_index(family)];
    o.device = cfg->device;
    o.mark = cfg->mark;
    o.dont_fragment = cfg->dont_fragment;
    o.broadcast = cfg->broadcast;
    errbuf[0] = '\0';
    st = e->tp->open(e->tp_ctx, family, kind, &o, fd, ident, errbuf, errlen);
    if (st == 0 && add_pfd(e, *fd, family, kind) < 0) {
        e->tp->close(e->tp_ctx, *fd);
        *fd = -1;
        st = -ENOMEM;
    }
    if (st != 0 && errbuf[0] == '\0')
        snprintf(errbuf, errlen, "%s", hw_strerror(st));
    return st;
}

/* Raw mode: one ICMP socket (it must open), UDP and TCP if they can. */
static int
open_raw(struct hw_engine *e, const struct hw_engine_config *cfg, int family, uint16_t base,
         unsigned nidents)
{
    struct family_sock *fs = &e->fam[fam_index(family)];
    char scratch[256];
    uint16_t dummy;
    int st;

    st = open_one(e, cfg, family, HW_SOCK_ICMP_RAW, &fs->icmp_fd, &dummy, fs->errmsg,
                  sizeof(fs->errmsg));
    if (st != 0)
        return st;
    /* UDP and TCP methods are extras: without their sockets only they are
     * unavailable (hw_engine_can_send says so). */
    if (open_one(e, cfg, family, HW_SOCK_UDP_RAW, &fs->udp_fd, &dummy, scratch,
                 sizeof(scratch)) != 0)
        fs->udp_fd = -1;
    if (open_one(e, cfg, family, HW_SOCK_TCP_RAW, &fs->tcp_fd, &dummy, scratch,
                 sizeof(scratch)) != 0)
        fs->tcp_fd = -1;
    fs->nidents = nidents;
    for (unsigned i = 0; i < nidents; i++) {
        fs->idents[i] = (uint16_t)(base + i);
        fs->slot_fd[i] = fs->icmp_fd;
    }
    fs->mode = HW_MODE_RAW;
    return 0;
}

/* Unprivileged mode: nidents ICMP datagram sockets, each with the
 * identifier the kernel assigns (its port). */
static int
open_dgram(struct hw_engine *e, const struct hw_engine_config *cfg, int family, unsigned nidents)
{
    struct family_sock *fs = &e->fam[fam_index(family)];

    fs->nidents = 0;
    for (unsigned i = 0; i < nidents; i++) {
        int fd;
        uint16_t ident = 0;
        int st = open_one(e, cfg, family, HW_SOCK_ICMP_DGRAM, &fd, &ident, fs->errmsg,
                          sizeof(fs->errmsg));

        if (st != 0) {
            if (i > 0)
                break; /* fewer sockets than asked for still work */
            return st;
        }
        fs->idents[i] = ident;
        fs->slot_fd[i] = fd;
        fs->nidents++;
    }
    fs->mode = HW_MODE_DGRAM;
    return 0;
}

static void
open_family(struct hw_engine *e, const struct hw_engine_config *cfg, int family, uint16_t base)
{
    struct family_sock *fs = &e->fam[fam_index(family)];
    char rawmsg[sizeof(fs->errmsg)];
    unsigned n;
    int st;

    fs->icmp_fd = fs->udp_fd = fs->tcp_fd = -1;
    switch (cfg->privilege) {
    case HW_PRIV_RAW:
        n = cfg->idents ? cfg->idents : IDENTS_RAW;
        st = open_raw(e, cfg, family, base, n);
        break;
    case HW_PRIV_DGRAM:
        n = cfg->idents ? cfg->idents : IDENTS_DGRAM;
        st = open_dgram(e, cfg, family, n);
        break;
    default:
        /* Raw when permitted, else unprivileged; when both fail, say why
         * for both, since either fix works. */
        n = cfg->idents ? cfg->idents : IDENTS_RAW;
        st = open_raw(e, cfg, family, base, n);
        if (st == HW_ENOPERM) {
            snprintf(rawmsg, sizeof(rawmsg), "%s", fs->errmsg);
            st = open_dgram(e, cfg, family, cfg->idents ? cfg->idents : IDENTS_DGRAM);
            if (st != 0) {
                char both[sizeof(fs->errmsg)];

                snprintf(both, sizeof(both), "%.200s; and %.300s", rawmsg, fs->errmsg);
                snprintf(fs->errmsg, sizeof(fs->errmsg), "%s", both);
            }
        }
        break;
    }
    fs->status = st;
    if (st != 0)
        fs->mode = HW_MODE_NONE;
    else
        fs->errmsg[0] = '\0';
}

static uint64_t
random64(void)
{
    uint64_t v = 0;

    if (getrandom(&v, sizeof(v), 0) != sizeof(v))
        return 0;
    return v;
}

struct hw_engine *
hw_engine_new(const struct hw_engine_config *cfg, int *status)
{
    struct hw_engine_config defaults;
    struct hw_engine *e;
    unsigned fams;
    uint16_t base;

    if (cfg == NULL) {
        hw_engine_config_init(&defaults);
        cfg = &defaults;
    }
    *status = 0;
    if (cfg->idents > IDENTS_MAX || cfg->ident > 65535 || cfg->linger_ns < 0 ||
        cfg->max_pps > 1000000000u ||
        (cfg->source4.family != AF_UNSPEC && cfg->source4.family != AF_INET) ||
        (cfg->source6.family != AF_UNSPEC && cfg->source6.family != AF_INET6) ||
        /* A source for a family that is not opened would be ignored, and
         * the probes would leave from an address the caller did not ask
         * for: refuse it instead. */
        (cfg->families != 0 && cfg->source4.family != AF_UNSPEC &&
         (cfg->families & HW_FAMILY_V4) == 0) ||
        (cfg->families != 0 && cfg->source6.family != AF_UNSPEC &&
         (cfg->families & HW_FAMILY_V6) == 0)) {
        *status = HW_EINVAL;
        return NULL;
    }
    e = calloc(1, sizeof(*e));
    if (e == NULL) {
        *status = -ENOMEM;
        return NULL;
    }
    e->paybuf = malloc(PAYLOAD_MAX);
    e->txbuf = malloc(HDR_MAX + PAYLOAD_MAX);
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
    e->dont_fragment = cfg->dont_fragment;
    e->free_head = UINT32_MAX;
    e->source[0] = cfg->source4;
    e->source[1] = cfg->source6;
    hw__probemap_init(&e->map);
    hw__timerq_init(&e->tq);
    hw__addrmap_init(&e->srcmap);
    for (int i = 0; i < 2; i++) {
        e->fam[i].icmp_fd = e->fam[i].udp_fd = e->fam[i].tcp_fd = -1;
        e->fam[i].status = HW_EFAMILY;
        snprintf(e->fam[i].errmsg, sizeof(e->fam[i].errmsg), "%s",
                 "no socket was requested for this address family");
    }

    /* The key, identifiers and ports come from the kernel's random pool,
     * so another process cannot predict them (they are not the PID). */
    if (cfg->key != NULL) {
        memcpy(e->key, cfg->key, sizeof(e->key));
    } else if (getrandom(e->key, sizeof(e->key), 0) != sizeof(e->key)) {
        *status = -EIO;
        hw_engine_free(e);
        return NULL;
    }
    perm_init(e);
    if (cfg->max_pps > 0) {
        e->pace_ns = 1000000000LL / cfg->max_pps;
        if (e->pace_ns == 0)
            e->pace_ns = 1;
        e->pace_tol_ns = (PACE_BURST - 1) * e->pace_ns;
    }
    e->rng = random64() | 1;
    base = cfg->ident >= 0 ? (uint16_t)cfg->ident : (uint16_t)random64();
    /* Source ports from the upper half, clear of the 1024 + 64 the
     * classic UDP method walks through. */
    e->sport_base = (uint16_t)(cfg->ident >= 0 ? (uint64_t)(40000 + cfg->ident % 20000)
                                               : 32768 + random64() % 30000);

    fams = cfg->families != 0 ? cfg->families : (HW_FAMILY_V4 | HW_FAMILY_V6);
    /* A socket that cannot be opened is not fatal here: the caller learns
     * which family it needs only later (after resolving), and then asks
     * hw_engine_family_status() for the reason. */
    if (fams & HW_FAMILY_V4)
        open_family(e, cfg, AF_INET, base);
    if (fams & HW_FAMILY_V6)
        open_family(e, cfg, AF_INET6, base);
    return e;
}

enum hw_sock_mode
hw_engine_mode(const struct hw_engine *e, int family)
{
    int i = fam_index(family);

    return i < 0 || e->fam[i].status != 0 ? HW_MODE_NONE : e->fam[i].mode;
}

bool
hw_engine_dont_fragment(const struct hw_engine *e)
{
    return e->dont_fragment;
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

bool
hw_engine_can_send(const struct hw_engine *e, enum hw_method method, int family)
{
    int i = fam_index(family);

    if (i < 0 || e->fam[i].status != 0)
        return false;
    switch (method) {
    case HW_METHOD_ICMP: return true;
    case HW_METHOD_UDP:
    case HW_METHOD_UDP_PARIS: return e->fam[i].udp_fd >= 0;
    case HW_METHOD_TCP: return e->fam[i].tcp_fd >= 0;
    }
    return false;
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
        hw__probemap_del(&e->map, p->key);
    p->in_map = false;
    free(p->pkt);
    p->pkt = NULL;
    p->queued = false;
    p->state = PROBE_FREE;
    p->gen++;
    if (p->gen == 0)
        p->gen = 1;
    p->next_free = e->free_head;
    e->free_head = idx;
}

/* The round functions of the sequence permutation: keyed bytes, so each
 * engine permutes differently and nobody without the key can tell which
 * 16-bit value comes next.  Domain-separated from the cookie MAC by the
 * message length (3 bytes here, 17 there). */
static void
perm_init(struct hw_engine *e)
{
    for (int r = 0; r < PERM_ROUNDS; r++) {
        for (int v = 0; v < 256; v++) {
            uint8_t msg[3] = {'P', (uint8_t)r, (uint8_t)v};

            e->perm[r][v] = (uint8_t)hw__siphash24(e->key, msg, sizeof(msg));
        }
    }
}

/* A keyed permutation of 16-bit values (a balanced Feistel network over
 * two bytes): distinct inputs give distinct outputs, so a counter taken
 * through it stays unique over any 65536 consecutive values, while a blind
 * observer sees each output as uniformly random.  O(1): PERM_ROUNDS table
 * lookups. */
static uint16_t
perm16(const struct hw_engine *e, uint16_t x)
{
    uint8_t l = (uint8_t)(x >> 8), r = (uint8_t)x;

    for (int i = 0; i < PERM_ROUNDS; i++) {
        uint8_t t = (uint8_t)(l ^ e->perm[i][r]);

        l = r;
        r = t;
    }
    return (uint16_t)(l << 8 | r);
}

/* Derive the probe's identity from serial s for its method.  Whatever the
 * first 8 bytes of the transport header hold that a blind forger would
 * have to guess comes from the keyed permutation of the serial, so that
 * errors quoting only those 8 bytes cannot be forged by counting. */
static void
identity(struct hw_engine *e, struct probe *p, uint64_t s)
{
    const struct family_sock *fs = &e->fam[fam_index(p->family)];
    uint16_t port = p->spec.port;

    p->serial = s;
    switch (p->spec.method) {
    case HW_METHOD_ICMP:
        p->ident = fs->idents[(s >> 16) % fs->nidents];
        p->seq = perm16(e, (uint16_t)s);
        p->key = make_key(p->family, KEY_ICMP, (uint32_t)p->ident << 16 | p->seq);
        break;
    case HW_METHOD_UDP: {
        /* UDP_DPORTS * UDP_SPORTS = 65536 port pairs, walked in keyed
         * order. */
        uint16_t v = perm16(e, (uint16_t)s);

        p->dport = (uint16_t)((port ? port : UDP_PORT) + v % UDP_DPORTS);
        p->sport = (uint16_t)(e->sport_base + v / UDP_DPORTS);
        p->key = make_key(p->family, KEY_UDP, (uint32_t)p->sport << 16 | p->dport);
        break;
    }
    case HW_METHOD_UDP_PARIS: {
        /* Cycle-walking keeps the permutation a bijection on 1..65534. */
        uint16_t v = perm16(e, (uint16_t)(1 + s % 65534));

        while (v == 0 || v == 0xffff)
            v = perm16(e, v);
        /* One flow: fixed ports; the checksum (never 0 or 0xffff) names
         * the probe. */
        p->sport = e->sport_base;
        p->dport = port ? port : UDP_PORT;
        p->seq = v;
        p->key = make_key(p->family, KEY_PARIS, (uint32_t)p->sport << 16 | p->seq);
        break;
    }
    case HW_METHOD_TCP: {
        /* The sequence number is keyed: answers must echo 32 bits nobody
         * else can predict. */
        uint32_t seq32 = (uint32_t)cookie_mac(e, p->family, KEY_TCP, s);

        p->sport = e->sport_base;
        p->dport = port ? port : TCP_PORT;
        p->key = make_key(p->family, KEY_TCP, seq32);
        break;
    }
    }
}

/* Pick the next serial whose key is not held by a live probe.  Each live
 * probe can make us skip one key, so count + 1 tries always suffice when a
 * free key exists. */
static int
next_identity(struct hw_engine *e, struct probe *p)
{
    uint64_t tries = (uint64_t)e->map.count + 1;
    uint32_t dummy;

    for (uint64_t t = 0; t < tries; t++) {
        identity(e, p, e->next_serial++);
        if (!hw__probemap_get(&e->map, p->key, &dummy))
            return 0;
    }
    return HW_EBUSY;
}

static uint64_t
xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* The payload: the caller's bytes, or cookie + fill. */
static void
build_payload(struct hw_engine *e, struct probe *p)
{
    size_t plen = p->spec.payload_size;
    uint8_t *payload = e->paybuf;

    if (p->spec.payload != NULL) {
        memcpy(payload, p->spec.payload, plen);
        p->cookie = false;
        p->macbytes = 0;
        return;
    }
    for (size_t i = 0; i < plen; i++) {
        switch (p->spec.fill) {
        case HW_FILL_BYTE: payload[i] = p->spec.fill_byte; break;
        case HW_FILL_RANDOM: payload[i] = (uint8_t)xorshift(&e->rng); break;
        default: payload[i] = (uint8_t)i; break;
        }
    }
    p->cookie = plen >= COOKIE_LEN;
    p->macbytes = p->cookie ? 0 : (uint8_t)(plen < 8 ? plen : 8);
    p->mac = cookie_mac(e, p->family, p->key, p->serial);
    if (p->cookie) {
        put_be64(payload, p->serial);
        put_be64(payload + 8, p->mac);
    } else if (plen > 0) {
        /* Too small for the cookie: MAC bytes still make the transport
         * checksum, which every quote carries, unpredictable. */
        uint8_t mac[8];

        put_be64(mac, p->mac);
        memcpy(payload, mac, plen < sizeof(mac) ? plen : sizeof(mac));
    }
}

/* The source address toward dst: configured, or asked once per
 * destination (UDP and TCP checksums cover it). */
static int
source_for(struct hw_engine *e, const struct hw_addr *dst, struct hw_addr *src)
{
    const struct hw_addr *cfg = &e->source[fam_index(dst->family)];
    uint32_t idx;
    int st;

    if (cfg->family == dst->family) {
        *src = *cfg;
        return 0;
    }
    if (hw__addrmap_get(&e->srcmap, dst, &idx)) {
        *src = e->srcs[idx];
        return 0;
    }
    if (e->tp->source_for == NULL)
        return HW_EINVAL;
    st = e->tp->source_for(e->tp_ctx, dst, src);
    if (st < 0)
        return st;
    struct hw_addr *ns = realloc(e->srcs, (e->nsrcs + 1) * sizeof(*ns));
    if (ns == NULL)
        return 0; /* works, just not cached */
    e->srcs = ns;
    e->srcs[e->nsrcs] = *src;
    if (hw__addrmap_put(&e->srcmap, dst, e->nsrcs) == 0)
        e->nsrcs++;
    return 0;
}

/* Build the probe into txbuf; returns its length (0: cannot) and the fd
 * to send it on. */
static size_t
build_probe(struct hw_engine *e, struct probe *p, int *fd, int *st)
{
    const struct family_sock *fs = &e->fam[fam_index(p->family)];
    size_t plen = p->spec.payload_size, cap = HDR_MAX + PAYLOAD_MAX;
    struct hw_addr src;

    build_payload(e, p);
    *st = 0;
    switch (p->spec.method) {
    case HW_METHOD_ICMP:
        *fd = fs->slot_fd[(p->serial >> 16) % fs->nidents];
        return hw__build_echo(p->family, e->txbuf, cap, p->ident, p->seq, e->paybuf, plen);
    case HW_METHOD_UDP:
    case HW_METHOD_UDP_PARIS:
    case HW_METHOD_TCP:
        *st = source_for(e, &p->spec.dst, &src);
        if (*st < 0)
            return 0;
        if (p->spec.method == HW_METHOD_TCP) {
            *fd = fs->tcp_fd;
            return hw__build_tcp_syn(e->txbuf, cap, &src, &p->spec.dst, p->sport, p->dport,
                                     (uint32_t)p->key);
        }
        *fd = fs->udp_fd;
        if (p->spec.method == HW_METHOD_UDP)
            return hw__build_udp(e->txbuf, cap, &src, &p->spec.dst, p->sport, p->dport,
                                 e->paybuf, plen);
        return hw__build_udp_paris(e->txbuf, cap, &src, &p->spec.dst, p->sport, p->dport,
                                   e->paybuf, plen, p->seq);
    }
    return 0;
}

static uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Remember what the first 8 bytes of the probe just built in txbuf carry
 * beyond its key: the transport checksum, which a quote of any length
 * holds and which the payload's MAC makes unpredictable. */
static void
record_checksum(struct hw_engine *e, struct probe *p, size_t len)
{
    p->l4_len = (uint32_t)len;
    switch (p->spec.method) {
    case HW_METHOD_ICMP:
        /* ICMPv6: the kernel fills the checksum in over a pseudo-header
         * with the source it picks; keep the message's own sum and add the
         * pseudo-header when a quote shows the source. */
        p->cksum = p->family == AF_INET ? get_be16(e->txbuf + 2) : hw__sum16(e->txbuf, len);
        break;
    case HW_METHOD_UDP:
    case HW_METHOD_UDP_PARIS:
        p->cksum = get_be16(e->txbuf + 6);
        break;
    case HW_METHOD_TCP:
        p->cksum = 0; /* the 32-bit keyed sequence number is enough */
        break;
    }
}

/* ---- the rate cap -------------------------------------------------------
 * A generic cell rate algorithm: pace_tat is the theoretical time the next
 * probe may leave; a probe may leave now when pace_tat <= now + burst
 * tolerance, and each one sent moves pace_tat on by 1 / max_pps.  So over
 * any span T at most max_pps * T + PACE_BURST probes leave. */

/* True when a probe asked for now must wait for its turn. */
static bool
must_wait(struct hw_engine *e)
{
    struct hw_time now;

    if (e->pace_ns == 0)
        return false;
    if (e->pq_len > 0)
        return true; /* first come, first sent */
    e->tp->now(e->tp_ctx, &now);
    return e->pace_tat > now.mono_ns + e->pace_tol_ns;
}

/* Account for one probe leaving now. */
static void
pace_sent(struct hw_engine *e)
{
    struct hw_time now;

    if (e->pace_ns == 0)
        return;
    e->tp->now(e->tp_ctx, &now);
    e->pace_tat = (e->pace_tat > now.mono_ns ? e->pace_tat : now.mono_ns) + e->pace_ns;
}

static int
pace_push(struct hw_engine *e, uint64_t id)
{
    if (e->pq_len == e->pq_cap) {
        size_t ncap = e->pq_cap ? e->pq_cap * 2 : 64;
        uint64_t *nq = malloc(ncap * sizeof(*nq));

        if (nq == NULL)
            return -ENOMEM;
        for (size_t i = 0; i < e->pq_len; i++)
            nq[i] = e->pq[(e->pq_head + i) % e->pq_cap];
        free(e->pq);
        e->pq = nq;
        e->pq_cap = ncap;
        e->pq_head = 0;
    }
    e->pq[(e->pq_head + e->pq_len) % e->pq_cap] = id;
    e->pq_len++;
    return 0;
}

/* Make sure a timer wakes us when the first waiting probe may leave. */
static void
pace_arm(struct hw_engine *e)
{
    struct hw__timer_payload tp = {.kind = TIMER_PACE};

    if (e->pace_armed || e->pq_len == 0)
        return;
    if (hw__timerq_add(&e->tq, e->pace_tat - e->pace_tol_ns, &tp, &e->pace_timer) == 0)
        e->pace_armed = true;
}

/* Hand a built probe to the transport and start its timeout, or (st < 0,
 * or a failed send) arrange its SEND_ERROR outcome for the next process().
 * Returns 0, or -ENOMEM when no timer could be had (the caller frees). */
static int
transmit(struct hw_engine *e, uint32_t idx, const uint8_t *buf, size_t len, int fd, int st)
{
    struct hw__timer_payload tp = {0};
    struct probe *p = &e->pool[idx];
    struct hw_tx tx;

    if (st == 0) {
        memset(&tx, 0, sizeof(tx));
        tx.family = p->family;
        tx.buf = buf;
        tx.len = len;
        tx.dst = p->spec.dst;
        tx.ttl = p->spec.ttl;
        tx.tos = p->spec.tos;
        st = e->tp->send(e->tp_ctx, fd, &tx);
        p->sent = tx.sent;
        pace_sent(e);
    }
    if (st < 0) {
        /* The callback must not fire from inside hw_engine_probe: report
         * the failure from the next process() through a due timer. */
        if (p->in_map)
            hw__probemap_del(&e->map, p->key);
        p->in_map = false;
        p->send_status = st;
        e->ctr.send_errors++;
        if (p->sent.mono_ns == 0)
            e->tp->now(e->tp_ctx, &p->sent);
        tp.kind = TIMER_SEND_ERROR;
        tp.owner = idx;
        if (hw__timerq_add(&e->tq, p->sent.mono_ns, &tp, &p->timer) < 0)
            return -ENOMEM;
    } else {
        e->ctr.probes_sent++;
        tp.kind = TIMER_TIMEOUT;
        tp.owner = idx;
        /* Sent but untracked on failure: forgotten, its answer foreign. */
        if (hw__timerq_add(&e->tq, hw__deadline(p->sent.mono_ns, p->spec.timeout_ns), &tp,
                           &p->timer) < 0)
            return -ENOMEM;
    }
    return 0;
}

int
hw_engine_probe(struct hw_engine *e, const struct hw_probe_spec *spec, uint64_t *id)
{
    struct probe *p;
    uint32_t idx;
    int fi, st, fd = -1;
    size_t len;

    fi = fam_index(spec->dst.family);
    if (fi < 0 || spec->cb == NULL || spec->ttl < 0 || spec->ttl > 255 || spec->tos < 0 ||
        spec->tos > 255 || spec->payload_size > PAYLOAD_MAX || spec->timeout_ns <= 0 ||
        (spec->method == HW_METHOD_UDP_PARIS && spec->payload_size < 2) ||
        (spec->method == HW_METHOD_UDP && spec->port > 65535 - UDP_DPORTS))
        return HW_EINVAL;
    if (e->fam[fi].status != 0)
        return HW_EFAMILY;
    if (!hw_engine_can_send(e, spec->method, spec->dst.family))
        return HW_EINVAL;

    st = slot_alloc(e, &idx);
    if (st < 0)
        return st;
    p = &e->pool[idx];
    p->spec = *spec;
    p->family = spec->dst.family;
    p->answered = false;
    p->unauth = false;
    p->queued = false;
    p->pkt = NULL;
    p->in_map = false;
    p->send_status = 0;
    p->sent = (struct hw_time){0};
    st = next_identity(e, p);
    if (st < 0) {
        slot_free(e, idx);
        return st;
    }
    len = build_probe(e, p, &fd, &st);
    if (len > 0)
        record_checksum(e, p, len);
    /* The caller's payload is in the packet now; its buffer is not ours
     * to keep a pointer to. */
    p->spec.payload = NULL;
    if (len == 0 && st == 0)
        st = HW_EINVAL;
    if (st == 0) {
        /* Index the probe before sending: keeping the order obvious costs
         * nothing. */
        st = hw__probemap_put(&e->map, p->key, idx);
        if (st < 0) {
            slot_free(e, idx);
            return st;
        }
        p->in_map = true;
        if (must_wait(e)) {
            /* Over the rate cap: keep the packet as built and send it when
             * its turn comes (its key stays reserved meanwhile). */
            p->pkt = malloc(len);
            if (p->pkt == NULL || pace_push(e, probe_id(e, idx)) < 0) {
                slot_free(e, idx);
                return -ENOMEM;
            }
            memcpy(p->pkt, e->txbuf, len);
            p->pkt_len = len;
            p->pkt_fd = fd;
            p->queued = true;
            p->state = PROBE_IN_FLIGHT;
            e->in_flight++;
            pace_arm(e);
            if (id != NULL)
                *id = probe_id(e, idx);
            return 0;
        }
    }
    st = transmit(e, idx, e->txbuf, len, fd, st);
    if (st < 0) {
        slot_free(e, idx);
        return st;
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
    end = hw__deadline(hw__deadline(p->sent.mono_ns, p->spec.timeout_ns), linger_for(e, p));
    if (hw__timerq_add(&e->tq, end, &tp, &p->timer) < 0)
        slot_free(e, idx); /* no memory to linger: forget it now */
}

/* ---- answers ------------------------------------------------------------ */

/* The kind of an error read from a datagram socket's error queue. */
static enum hw__pkt_kind
quote_kind(int family, uint8_t type)
{
    if (family == AF_INET) {
        switch (type) {
        case 3: return HW_PKT_DEST_UNREACH;
        case 4: return HW_PKT_SOURCE_QUENCH;
        case 11: return HW_PKT_TIME_EXCEEDED;
        case 12: return HW_PKT_PARAM_PROBLEM;
        }
    } else {
        switch (type) {
        case 1: return HW_PKT_DEST_UNREACH;
        case 2: return HW_PKT_PACKET_TOO_BIG;
        case 3: return HW_PKT_TIME_EXCEEDED;
        case 4: return HW_PKT_PARAM_PROBLEM;
        }
    }
    return HW_PKT_IGNORED;
}

/* Parse what fd's kind of socket delivers. */
static enum hw__pkt_kind
parse(const struct pfd *pf, const struct hw_rx *rx, struct hw__parsed *pk)
{
    bool v6 = pf->family == AF_INET6;

    if (rx->layer == HW_RX_QUOTE) {
        memset(pk, 0, sizeof(*pk));
        pk->ip_ttl = -1;
        pk->probe.quoted_ttl = -1;
        pk->kind = quote_kind(pf->family, rx->err_type);
        pk->type = rx->err_type;
        pk->code = rx->err_code;
        pk->mtu = rx->err_info;
        pk->pointer = rx->err_info;
        if (pk->kind == HW_PKT_IGNORED || rx->len == 0)
            return pk->kind = HW_PKT_IGNORED;
        if (!hw__parse_quoted_l4(v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, rx->buf, rx->len, &pk->probe))
            return pk->kind = HW_PKT_IGNORED;
        pk->probe.dst = rx->err_dst;
        return pk->kind;
    }
    switch (pf->kind) {
    case HW_SOCK_ICMP_RAW:
        return v6 ? hw__parse_icmp6(rx->buf, rx->len, pk) : hw__parse_ip4(rx->buf, rx->len, pk);
    case HW_SOCK_ICMP_DGRAM:
        return v6 ? hw__parse_icmp6(rx->buf, rx->len, pk) : hw__parse_icmp4(rx->buf, rx->len, pk);
    case HW_SOCK_TCP_RAW:
        if (!v6)
            return hw__parse_tcp_ip4(rx->buf, rx->len, pk);
        if (rx->from.family != AF_INET6 || rx->to.family != AF_INET6) {
            memset(pk, 0, sizeof(*pk));
            return pk->kind = HW_PKT_IGNORED;
        }
        return hw__parse_tcp6(rx->buf, rx->len, &rx->from.u.v6, &rx->to.u.v6, pk);
    case HW_SOCK_UDP_RAW:
        break;
    }
    memset(pk, 0, sizeof(*pk));
    return pk->kind = HW_PKT_IGNORED;
}

/* True when the transport checksum an error quotes is the one the probe
 * was sent with.  This is what keeps an error that quotes only 8 bytes
 * from being forged blind: the checksum covers the payload's MAC, so a
 * forger has to guess it on top of the keyed sequence number. */
static bool
quote_checksum_ok(struct hw_engine *e, const struct probe *p, const struct hw__parsed *pk)
{
    struct hw_addr src;

    switch (p->spec.method) {
    case HW_METHOD_ICMP:
        if (p->family == AF_INET)
            return pk->probe.icmp_checksum == p->cksum;
        /* A raw socket's quote shows our source address; an error queue's
         * does not, and then the route's source stands in for it (without
         * one, the quote cannot be checked and is refused). */
        if (pk->probe.src.family == AF_INET6)
            src = pk->probe.src;
        else if (source_for(e, &p->spec.dst, &src) < 0 || src.family != AF_INET6)
            return false;
        return pk->probe.icmp_checksum ==
               ntohs(hw__icmp6_checksum_of_sum(&src.u.v6, &p->spec.dst.u.v6, p->l4_len,
                                               p->cksum));
    case HW_METHOD_UDP:
    case HW_METHOD_UDP_PARIS:
        return pk->probe.udp_checksum == p->cksum;
    case HW_METHOD_TCP:
        break;
    }
    return true;
}

/* For a probe too small for the cookie: its payload starts with as many
 * MAC bytes as fit (at most 8); an echo reply must bring them back. */
static bool
mac_prefix_ok(const struct probe *p, const uint8_t *payload, size_t len)
{
    uint8_t want[8];
    size_t n = p->spec.payload_size < sizeof(want) ? p->spec.payload_size : sizeof(want);
    uint8_t diff = 0;

    if (n == 0)
        return true;
    if (payload == NULL || len < n)
        return false;
    put_be64(want, p->mac);
    for (size_t i = 0; i < n; i++)
        diff |= (uint8_t)(want[i] ^ payload[i]);
    return diff == 0;
}

/* The live probe an answer refers to, by what it carries. */
static bool
lookup(struct hw_engine *e, int family, const struct hw__probe_id *id, uint32_t *idx)
{
    switch (id->proto) {
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6:
        return hw__probemap_get(&e->map,
                                make_key(family, KEY_ICMP, (uint32_t)id->ident << 16 | id->seq),
                                idx);
    case IPPROTO_UDP:
        /* Classic or Paris: the quote says which only through the key. */
        return hw__probemap_get(&e->map,
                                make_key(family, KEY_UDP, (uint32_t)id->sport << 16 | id->dport),
                                idx) ||
               hw__probemap_get(&e->map,
                                make_key(family, KEY_PARIS,
                                         (uint32_t)id->sport << 16 | id->udp_checksum),
                                idx);
    case IPPROTO_TCP:
        return hw__probemap_get(&e->map, make_key(family, KEY_TCP, id->tcp_seq), idx);
    }
    return false;
}

/* True when an answer really belongs to probe p (beyond the key). */
static bool
plausible(const struct probe *p, enum hw__pkt_kind kind, const struct hw__parsed *pk,
          const struct hw_rx *rx)
{
    uint8_t want = p->spec.method == HW_METHOD_ICMP
                       ? (p->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6)
                   : p->spec.method == HW_METHOD_TCP ? IPPROTO_TCP
                                                     : IPPROTO_UDP;

    if (pk->probe.proto != want)
        return false;
    if (kind == HW_PKT_TCP_SYNACK || kind == HW_PKT_TCP_RST)
        return hw_addr_equal(&rx->from, &p->spec.dst) && pk->probe.sport == p->sport &&
               pk->probe.dport == p->dport;
    /* An error must quote a datagram we sent to this probe's destination. */
    if (kind != HW_PKT_ECHO_REPLY && !hw_addr_equal(&pk->probe.dst, &p->spec.dst))
        return false;
    if (want == IPPROTO_TCP || (want == IPPROTO_UDP && kind != HW_PKT_ECHO_REPLY))
        return pk->probe.sport == p->sport && pk->probe.dport == p->dport;
    return true;
}

static enum hw_outcome
outcome_of(const struct probe *p, enum hw__pkt_kind k, const struct hw__parsed *pk,
           const struct hw_addr *responder)
{
    switch (k) {
    case HW_PKT_ECHO_REPLY:
    case HW_PKT_TCP_SYNACK:
    case HW_PKT_TCP_RST:
        return HW_OUTCOME_REPLY;
    case HW_PKT_TIME_EXCEEDED:
        return HW_OUTCOME_TIME_EXCEEDED;
    case HW_PKT_DEST_UNREACH:
        /* A UDP probe's "port unreachable" from the destination itself is
         * how a UDP trace reaches its end, as in traceroute. */
        if ((p->spec.method == HW_METHOD_UDP || p->spec.method == HW_METHOD_UDP_PARIS) &&
            pk->code == (p->family == AF_INET ? 3 : 4) && hw_addr_equal(responder, &p->spec.dst))
            return HW_OUTCOME_REPLY;
        return HW_OUTCOME_UNREACHABLE;
    default:
        return HW_OUTCOME_ICMP_ERROR;
    }
}

static void
handle_packet(struct hw_engine *e, const struct pfd *pf, const struct hw_rx *rx)
{
    struct hw__parsed pk;
    enum hw__pkt_kind kind;
    struct hw_probe_result r;
    struct probe *p;
    uint32_t idx;
    bool short_quote = false, authentic = false, tcp_answer;

    kind = parse(pf, rx, &pk);
    if (kind == HW_PKT_MALFORMED || kind == HW_PKT_BAD_CHECKSUM) {
        e->ctr.malformed++;
        return;
    }
    if (kind == HW_PKT_IGNORED || !lookup(e, pf->family, &pk.probe, &idx)) {
        e->ctr.foreign++;
        return;
    }
    p = &e->pool[idx];
    if (p->queued || !plausible(p, kind, &pk, rx)) {
        e->ctr.foreign++;
        return;
    }
    /* An echo reply must carry the probe's cookie; so must an error that
     * quotes enough of the probe.  A quote too short to hold it (RFC 792
     * routers quote 8 bytes) is matched on what those 8 bytes hold: the
     * key (keyed, see identity()), the destination and the transport
     * checksum (unpredictable through the payload's MAC); it is counted,
     * and an answer with the cookie may still replace it (see below).
     * TCP answers are authenticated by the keyed sequence number. */
    tcp_answer = kind == HW_PKT_TCP_SYNACK || kind == HW_PKT_TCP_RST;
    if (p->cookie && !tcp_answer) {
        if (kind != HW_PKT_ECHO_REPLY && pk.probe.payload_len < COOKIE_LEN) {
            short_quote = true;
        } else if (!cookie_ok(p, pk.probe.payload, pk.probe.payload_len)) {
            e->ctr.foreign++;
            e->ctr.bad_cookie++;
            return;
        } else {
            authentic = true;
        }
    }
    if (!tcp_answer && !authentic &&
        (kind == HW_PKT_ECHO_REPLY ? p->macbytes && !mac_prefix_ok(p, pk.probe.payload,
                                                                   pk.probe.payload_len)
                                   : !quote_checksum_ok(e, p, &pk))) {
        e->ctr.foreign++;
        e->ctr.bad_cookie++;
        return;
    }

    result_init(e, idx, HW_OUTCOME_REPLY, &r);
    r.responder = rx->from.family != AF_UNSPEC ? rx->from : pk.ip_src;
    r.outcome = outcome_of(p, kind, &pk, &r.responder);
    r.icmp_type = kind == HW_PKT_TCP_SYNACK || kind == HW_PKT_TCP_RST ? -1 : pk.type;
    r.icmp_code = kind == HW_PKT_TCP_SYNACK || kind == HW_PKT_TCP_RST ? -1 : pk.code;
    r.icmp_info = kind == HW_PKT_PARAM_PROBLEM ? pk.pointer : pk.mtu;
    r.tcp_flags = pk.probe.tcp_flags;
    r.received = rx->received;
    r.rtt_ns = hw__rtt(&p->sent, &rx->received, &r.kernel_ts);
    r.reply_ttl = rx->ttl >= 0 ? rx->ttl : pk.ip_ttl;
    r.reply_bytes = rx->len;
    r.n_mpls = pk.n_mpls;
    memcpy(r.mpls, pk.mpls, pk.n_mpls * sizeof(r.mpls[0]));

    if (p->state == PROBE_LINGER) {
        if (p->answered && p->unauth && authentic) {
            /* The outcome delivered came from an error nobody had to
             * authenticate; this answer proves itself, so it wins, and the
             * error was most likely forged.  Not a duplicate: the caller
             * revises the probe's outcome (HW_EXTRA_SUPERSEDED). */
            p->unauth = false;
            e->ctr.matched++;
            e->ctr.suspected_forgery++;
            r.extra = HW_EXTRA_SUPERSEDED;
            r.replaced = (enum hw_outcome)p->unauth_outcome;
            r.replaced_responder = p->unauth_from;
            if (p->spec.on_extra != NULL)
                p->spec.on_extra(r.arg, &r);
            return;
        }
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
    if (short_quote) {
        e->ctr.short_quotes++;
        p->unauth = true;
        p->unauth_outcome = (uint8_t)r.outcome;
        p->unauth_from = r.responder;
    }
    hw__timerq_cancel(&e->tq, p->timer);
    /* Take the callback before finish(): it may free the slot, and the
     * callback may grow the pool. */
    hw_probe_cb cb = p->spec.cb;
    finish(e, idx, true);
    cb(r.arg, &r);
}

/* Read what one socket has, up to the budget.  pfds may be reallocated by
 * nothing here (sockets are only opened in hw_engine_new), so pf stays
 * valid across callbacks. */
static void
read_fd(struct hw_engine *e, struct pfd *pf)
{
    struct hw_rx rx;
    int n = 0, st;

    pf->more = false;
    for (; n < RX_BUDGET; n++) {
        memset(&rx, 0, sizeof(rx));
        rx.buf = e->rxbuf;
        rx.cap = RX_CAP;
        rx.ttl = -1;
        st = e->tp->recv(e->tp_ctx, pf->fd, &rx);
        if (st <= 0)
            return;
        e->ctr.rx_packets++;
        if (rx.truncated) {
            e->ctr.malformed++;
            continue;
        }
        handle_packet(e, pf, &rx);
    }
    pf->more = true;
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

/* Send the probes waiting under the rate cap whose turn has come. */
static void
pace_run(struct hw_engine *e)
{
    while (e->pq_len > 0) {
        struct hw_time now;
        struct probe *p;
        uint32_t idx;
        uint64_t id = e->pq[e->pq_head];

        e->tp->now(e->tp_ctx, &now);
        if (e->pace_tat > now.mono_ns + e->pace_tol_ns)
            break;
        e->pq_head = (e->pq_head + 1) % e->pq_cap;
        e->pq_len--;
        p = probe_by_id(e, id, &idx);
        if (p == NULL || !p->queued)
            continue; /* cancelled while it waited */
        p->queued = false;
        if (transmit(e, idx, p->pkt, p->pkt_len, p->pkt_fd, 0) < 0) {
            /* No memory for its timer: its one callback says so now. */
            struct hw_probe_result r;
            hw_probe_cb cb = p->spec.cb;

            result_init(e, idx, HW_OUTCOME_SEND_ERROR, &r);
            r.status = -ENOMEM;
            e->in_flight--;
            slot_free(e, idx);
            cb(r.arg, &r);
            continue;
        }
        free(p->pkt);
        p->pkt = NULL;
    }
    pace_arm(e);
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
        case TIMER_PACE:
            e->pace_armed = false;
            pace_run(e);
            break;
        }
    }
}

/* ---- the loop ---------------------------------------------------------- */

size_t
hw_engine_pollfd_count(const struct hw_engine *e)
{
    return e->npfds;
}

size_t
hw_engine_pollfds(const struct hw_engine *e, struct pollfd *fds, size_t n)
{
    for (size_t k = 0; k < e->npfds && k < n; k++) {
        fds[k].fd = e->pfds[k].fd;
        fds[k].events = POLLIN;
        fds[k].revents = 0;
    }
    return e->npfds;
}

int
hw_engine_timeout_ms(struct hw_engine *e, int max_ms)
{
    struct hw_time now;
    int64_t when, wait_ns, ms;

    for (size_t k = 0; k < e->npfds; k++) {
        if (e->pfds[k].more)
            return 0;
    }
    if (!hw__timerq_peek(&e->tq, &when))
        return max_ms;
    e->tp->now(e->tp_ctx, &now);
    wait_ns = when - now.mono_ns;
    if (wait_ns <= 0)
        return 0;
    /* Round up: waking a little early would only make us poll again. */
    ms = hw__ms_ceil(wait_ns, 1000000000);
    if (max_ms >= 0 && ms > max_ms)
        return max_ms;
    return (int)ms;
}

void
hw_engine_process(struct hw_engine *e, const struct pollfd *fds, size_t n)
{
    /* Loop order, as mtr-packet writes it down: read answers first (their
     * timestamps are closest to arrival), then expire timeouts, then run
     * timers, which send. */
    for (size_t k = 0; k < e->npfds; k++) {
        struct pfd *pf = &e->pfds[k];
        bool ready = pf->more;

        for (size_t i = 0; i < n && !ready; i++)
            ready = fds[i].fd == pf->fd && (fds[i].revents & (POLLIN | POLLERR));
        if (ready)
            read_fd(e, pf);
    }
    run_timers(e);
}

int
hw_engine_wait(struct hw_engine *e, int max_ms)
{
    struct pollfd stackfds[16], *fds = stackfds;
    size_t n = e->npfds;
    int rc = 0;

    if (n > 16) {
        fds = calloc(n, sizeof(*fds));
        if (fds == NULL)
            return -ENOMEM;
    }
    hw_engine_pollfds(e, fds, n);
    if (e->tp->wait != NULL)
        rc = e->tp->wait(e->tp_ctx, fds, n, hw_engine_timeout_ms(e, max_ms));
    else if (poll(fds, n, hw_engine_timeout_ms(e, max_ms)) < 0)
        rc = -errno;
    if (rc >= 0) {
        hw_engine_process(e, fds, n);
        rc = 0;
    }
    if (fds != stackfds)
        free(fds);
    return rc;
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
    if (!p->queued)
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
    st = hw__timerq_add(&e->tq, hw__deadline(now.mono_ns, delay_ns), &tp, &handle);
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
    for (size_t k = 0; k < e->npfds; k++)
        e->tp->close(e->tp_ctx, e->pfds[k].fd);
    hw__timerq_fini(&e->tq);
    hw__probemap_fini(&e->map);
    hw__addrmap_fini(&e->srcmap);
    free(e->srcs);
    free(e->pfds);
    free(e->pool);
    free(e->pq);
    free(e->paybuf);
    free(e->txbuf);
    free(e->rxbuf);
    free(e);
}
