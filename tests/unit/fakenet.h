/* fakenet.h - a fake network and fake clocks behind the engine's transport
 * seam, so unit tests drive scheduling, matching, loss, reordering,
 * duplicates and late answers deterministically and fast.
 *
 * Packets a test (or the simulated path) hands in are queued with a
 * delivery time; fakenet_pump() advances nothing by itself: it tells the
 * engine both sockets are readable, and recv hands out the packets due at
 * the fake "now".
 */
#ifndef HW_TEST_FAKENET_H
#define HW_TEST_FAKENET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/engine.h>

/* Largest packet the fake keeps (probes here carry at most a few hundred
 * bytes; 65,536 queued packets must fit in memory). */
#define FAKE_PKT_MAX 600
#define FAKE_HOPS_MAX 64
#define FAKE_FDS_MAX 64
/* Descriptors: kind base + 0 (IPv4) or + 50 (IPv6); datagram sockets add
 * their index (and get identifier 5000 + index). */
#define FAKE_FD_ICMP 1000
#define FAKE_FD_DGRAM 1100
#define FAKE_FD_UDP 1200
#define FAKE_FD_TCP 1300
#define FAKE_FD4 (FAKE_FD_ICMP)
#define FAKE_FD6 (FAKE_FD_ICMP + 50)
#define FAKE_DGRAM_IDENT 5000

/* A packet the engine sent. */
struct fake_sent {
    int fd;                     /* the socket it was sent on */
    enum hw_sock_kind kind;     /* that socket's kind */
    int family;                 /* AF_INET / AF_INET6 */
    uint8_t buf[FAKE_PKT_MAX];  /* the ICMP message */
    size_t len;                 /* its length (kept: at most FAKE_PKT_MAX) */
    size_t wire_len;            /* the length the engine handed over */
    struct hw_addr dst;         /* where it went */
    int ttl;                    /* TTL asked for */
    int tos;                    /* TOS asked for */
    struct hw_time sent;        /* fake send time */
};

/* A packet waiting to be received. */
struct fake_pkt {
    int fd;                     /* socket it arrives on */
    uint8_t buf[FAKE_PKT_MAX + 64]; /* as the socket would hand it (room
                                   for an IPv4 header in front of a kept
                                   probe's FAKE_PKT_MAX bytes) */
    size_t len;                 /* its length */
    enum hw_rx_layer layer;     /* normal, or an error-queue quote */
    struct hw_addr from;        /* its source (a quote: the offender) */
    struct hw_addr to;          /* its destination (our address) */
    uint8_t err_type;           /* quote: ICMP type */
    uint8_t err_code;           /* quote: ICMP code */
    uint32_t err_info;          /* quote: e.g. the MTU of "too big" */
    struct hw_addr err_dst;     /* quote: the probe's destination */
    int64_t due_mono_ns;        /* when it "arrives" */
    int64_t kernel_delay_ns;    /* kernel stamp this long before due (0: none) */
};

/* A simulated path for fakenet_route(): hop i (TTL i+1) answers time
 * exceeded from hop[i] after rtt_ns[i]; TTLs >= nhops reach the target. */
struct fake_path {
    int nhops;                       /* hops including the target */
    struct hw_addr hop[FAKE_HOPS_MAX];  /* responder of each TTL - 1 */
    struct hw_addr alt[FAKE_HOPS_MAX];  /* if set: every other probe at this
                                           TTL is answered by alt (ECMP) */
    int64_t rtt_ns[FAKE_HOPS_MAX];   /* round trip per hop */
    bool silent[FAKE_HOPS_MAX];      /* never answers */
    unsigned drop_every[FAKE_HOPS_MAX]; /* drop every n-th probe reaching
                                           this TTL (0: none) */
    double drop_p[FAKE_HOPS_MAX];    /* drop each probe reaching this hop
                                        with this probability, drawn from
                                        the fakenet's seeded generator (a
                                        router like iptables statistic) */
    int unreach_ttl;                 /* from this TTL on, hop[unreach_ttl-1]
                                        answers unreachable (0: none) */
    int unreach_code;                /* with this code */
    bool tcp_closed;                 /* TCP probes reaching the target get
                                        RST (else SYN-ACK) */
    bool self_reply;                 /* the last hop answers as whatever
                                        address the probe was sent to (a
                                        target answering for a prefix) */
    double limit_pps[FAKE_HOPS_MAX]; /* a router's ICMP errors pass a token
                                        bucket of this rate (0: no limit),
                                        as Linux's icmp_ratelimit does */
    double limit_burst;              /* its depth (Linux: 6) */
    int mtu[FAKE_HOPS_MAX];          /* hop i forwards IP packets of at most
                                        this many bytes (0: any): a larger
                                        probe going past it is answered
                                        "fragmentation needed" / "packet
                                        too big" with this MTU by hop[i] */
    bool mtu_silent[FAKE_HOPS_MAX];  /* ... or dropped without a word (a
                                        black hole) */
};

struct fakenet {
    struct hw_addr self4;            /* our IPv4 address */
    struct hw_addr self6;            /* our IPv6 address */
    int64_t mono_ns;                 /* fake CLOCK_MONOTONIC */
    int64_t real_offset_ns;          /* fake CLOCK_REALTIME - monotonic */
    int open_status[2];              /* forced raw ICMP open result per family */
    int dgram_status[2];             /* forced datagram open result */
    int udp_status[2];               /* forced raw UDP open result */
    int tcp_status[2];               /* forced raw TCP open result */
    unsigned ndgram[2];              /* datagram sockets opened */
    int fds[FAKE_FDS_MAX];           /* every descriptor opened */
    size_t nfds;                     /* entries in fds */
    int send_status;                 /* forced send result (0: succeed) */
    int local_mtu;                   /* sends of larger IP packets fail with
                                        -EMSGSIZE, as the kernel's do over
                                        the interface's MTU (0: no limit) */
    struct fake_sent *sent;          /* every packet sent */
    size_t nsent;                    /* entries in sent */
    size_t capsent;                  /* allocated */
    struct fake_pkt *queue;          /* packets waiting, sorted by due time
                                        (ties in the order queued), from
                                        index qhead to nqueue */
    size_t qhead;                    /* first live entry of queue */
    size_t nqueue;                   /* end of the live entries */
    size_t capqueue;                 /* allocated */
    size_t last;                     /* index of the packet queued last */
    bool route_on;                   /* answer sends from path */
    struct fake_path path;           /* the simulated path */
    unsigned per_ttl_count[FAKE_HOPS_MAX + 1]; /* probes seen per TTL */
    double tokens[FAKE_HOPS_MAX];    /* rate limit buckets per hop */
    int64_t tokens_at[FAKE_HOPS_MAX];/* when each was last refilled */
    int closes;                      /* close() calls */
    uint64_t rng;                    /* state of the generator for drop_p
                                        (splitmix64); set it to choose a
                                        seed */
};

/* Start a fake network at mono 1000 s, wall clock 2026-11-23. */
void fakenet_init(struct fakenet *n);
void fakenet_fini(struct fakenet *n);
/* The transport functions; pass n as transport_ctx. */
const struct hw_transport *fakenet_transport(void);
/* Engine config using this network, with a fixed key and ident. */
void fakenet_engine_config(struct fakenet *n, struct hw_engine_config *cfg);

/* Move the fake clocks forward. */
void fakenet_advance(struct fakenet *n, int64_t ns);
/* Step only the wall clock (as an NTP step would). */
void fakenet_step_wall(struct fakenet *n, int64_t ns);

/* Queue raw bytes to arrive on descriptor fd delay_ns from now, as that
 * socket would deliver them. */
void fakenet_queue(struct fakenet *n, int fd, const uint8_t *buf, size_t len,
                   const struct hw_addr *from, int64_t delay_ns);

/* The packet queued last (to edit it in a test), or NULL. */
struct fake_pkt *fakenet_last(struct fakenet *n);

/* Answers to sent packet i, arriving delay_ns from now. */
void fakenet_echo_reply(struct fakenet *n, size_t i, const struct hw_addr *from,
                        int64_t delay_ns);
/* An ICMP error (type/code of the family) from `from` quoting the first
 * quote_len bytes of sent packet i (all of it if quote_len is larger):
 * to the raw ICMP socket, or, for a probe sent on a datagram socket, into
 * that socket's error queue. */
void fakenet_icmp_error(struct fakenet *n, size_t i, const struct hw_addr *from, int type,
                        int code, size_t quote_len, int64_t delay_ns);
/* The same with the error's MTU field (ICMPv4 3/4 "fragmentation needed":
 * bytes 6-7; ICMPv6 2 "packet too big": bytes 4-7) set to mtu. */
void fakenet_icmp_error_mtu(struct fakenet *n, size_t i, const struct hw_addr *from, int type,
                            int code, size_t quote_len, uint32_t mtu, int64_t delay_ns);
/* The destination's TCP answer to SYN i: SYN+ACK, or RST+ACK when rst. */
void fakenet_tcp_answer(struct fakenet *n, size_t i, bool rst, int64_t delay_ns);

/* Fill p with a chain of nhops hops (the last the target): hop i answers
 * from 198.18.i.2 (IPv4) or 2001:2:0:i::2 (IPv6, i in hex), after (i + 1)
 * ms; nothing else set. */
void fakenet_chain(struct fake_path *p, int nhops, int family);

/* Answer every send from now on according to path. */
void fakenet_route(struct fakenet *n, const struct fake_path *path);

/* Let the engine read both sockets, then run its timers. */
void fakenet_pump(struct fakenet *n, struct hw_engine *e);

/* Advance the clock to the engine's next deadline (or by max_ns at most)
 * and pump; returns false when the engine has no deadline. */
bool fakenet_step(struct fakenet *n, struct hw_engine *e, int64_t max_ns);

/* Parse a numeric address (aborts the test on a typo). */
struct hw_addr fakenet_addr(const char *text);

#endif
