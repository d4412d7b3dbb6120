/* hopwatch/pmtu.h - path MTU discovery toward one target.
 *
 * A path MTU search runs on an engine next to a trace (or alone).  It sends
 * its own probes, one at a time and at most one per interval, all with
 * don't-fragment set (the engine must be created with
 * config.dont_fragment: see hw_engine_dont_fragment()), sized as whole IP
 * packets:
 *
 *  1. Search: a base size (576 bytes IPv4, 1280 IPv6) must reach the target;
 *     then the largest size (max_mtu), then a binary search between the
 *     largest size that reached the target and the smallest that did not.
 *     A "fragmentation needed" (ICMP 3/4) or "packet too big" (ICMPv6 2)
 *     answer gives the next size to try (its MTU field; RFC 1191's plateau
 *     table when a router leaves the field 0).  A size whose probes all time
 *     out while a smaller one passed is lost in a black hole.  A size the
 *     local interface refuses (the send fails with EMSGSIZE) is over the
 *     local MTU.  The search ends when the two bounds meet.
 *  2. Locate: when a router or a black hole limits the path, probes one
 *     byte over the path MTU are sent with TTL 1, 2, ... until one is
 *     answered "too big" (the drop is at the hop before: the router that
 *     said so) or vanishes while a base-size probe with the same TTL is
 *     answered (a black hole after the hop before).  Silent hops are passed
 *     over, max_unknown in a row end the search with the hop unknown.
 *
 * Sizes are IP packet sizes (header included), as MTUs are.  The object is
 * poll-driven: it never blocks; every probe and timer runs through the
 * engine, so callbacks follow the engine's contract.
 */
#ifndef HOPWATCH_PMTU_H
#define HOPWATCH_PMTU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>
#include <hopwatch/engine.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hw_pmtu;

struct hw_pmtu_config {
    struct hw_addr target;   /* destination (numeric) */
    enum hw_method method;   /* probe kind: ICMP echo (default) or UDP; not
                                TCP (a SYN carries no payload to size) */
    uint16_t port;           /* UDP/TCP destination port, 0: the default */
    int64_t interval_ns;     /* least time between two probes (default 1 s) */
    int64_t timeout_ns;      /* per-probe timeout (default 2 s) */
    int max_mtu;             /* largest size tried, 68..65000 (default 9000;
                                larger than the interface's MTU costs only
                                local send errors, which take no interval) */
    int base;                /* the size probed first, which must reach the
                                target; 0: 576 IPv4, 1280 IPv6 */
    int tries;               /* probes of one size (and TTL) before it counts
                                as vanished, 1..10 (default 2) */
    int max_ttl;             /* deepest TTL of the locate step, 1..255
                                (default 30) */
    int max_unknown;         /* silent hops in a row that end the locate
                                step, 1..255 (default 5) */
};

/* Fill cfg with the defaults described above (target AF_UNSPEC). */
void hw_pmtu_config_init(struct hw_pmtu_config *cfg);

enum hw_pmtu_state {
    HW_PMTU_SEARCHING = 0,   /* sizes are being probed */
    HW_PMTU_LOCATING,        /* the path MTU is known; finding the hop */
    HW_PMTU_DONE,            /* path MTU (and hop, if any) known */
    HW_PMTU_FAILED,          /* no path MTU: see reason */
};

/* What limits the path MTU (or why there is none). */
enum hw_pmtu_reason {
    HW_PMTU_REASON_NONE = 0, /* not known yet */
    HW_PMTU_REASON_ROUTER,   /* a router said so (too big / frag needed) */
    HW_PMTU_REASON_BLACKHOLE,/* larger probes vanish without an error */
    HW_PMTU_REASON_LOCAL,    /* the local interface (send: EMSGSIZE) */
    HW_PMTU_REASON_MAX,      /* nothing: max_mtu itself reached the target */
    HW_PMTU_REASON_NO_ANSWER,/* FAILED: the base size never reached the target */
    HW_PMTU_REASON_UNREACHABLE, /* FAILED: an unreachable or time-exceeded
                                answer instead of the target's */
    HW_PMTU_REASON_SEND_ERROR,  /* FAILED: a send error other than EMSGSIZE */
};

/* "router", "black-hole", "local", "max", "no-answer", "unreachable",
 * "send-error", "" for NONE; static. */
const char *hw_pmtu_reason_name(enum hw_pmtu_reason r);

/* "searching", "locating", "done", "failed"; static. */
const char *hw_pmtu_state_name(enum hw_pmtu_state s);

struct hw_pmtu_result {
    enum hw_pmtu_state state;
    enum hw_pmtu_reason reason;  /* the limit (or the failure) */
    int pmtu;                /* the path MTU (LOCATING, DONE), else 0 */
    int passed;              /* largest size that reached the target, 0: none */
    int failed;              /* smallest size known not to, 0: none */
    int hop_ttl;             /* the hop where it drops: the last hop that
                                larger packets reach (ROUTER: the router that
                                said so; BLACKHOLE: the last hop answering
                                large probes); 0: not known (yet), or the
                                local interface */
    struct hw_addr hop_addr; /* its address, AF_UNSPEC if not known */
    int router_mtu;          /* ROUTER: the MTU the router gave, else 0 */
    int hop_reach;           /* largest size known to reach hop_ttl, 0: none */
    int status;              /* SEND_ERROR: the negative status, else 0 */
    uint64_t probes_sent;    /* probes handed to the engine */
    uint64_t generation;     /* changes whenever the result does */
};

/* Create a search on e for cfg->target.  Returns NULL and sets *status to
 * HW_EINVAL (bad configuration, or an engine without dont_fragment),
 * HW_EFAMILY (no socket for the target's family) or -ENOMEM. */
struct hw_pmtu *hw_pmtu_new(struct hw_engine *e, const struct hw_pmtu_config *cfg,
                            int *status);

/* Start (or restart from scratch) probing.  Returns 0 or -ENOMEM. */
int hw_pmtu_start(struct hw_pmtu *p);

/* Cancel its probe and timer and free it.  Must not be called from inside
 * one of its callbacks.  NULL is accepted. */
void hw_pmtu_free(struct hw_pmtu *p);

/* True when the search is DONE or FAILED (no more probes). */
bool hw_pmtu_done(const struct hw_pmtu *p);

/* Copy the current result into *r. */
void hw_pmtu_result(const struct hw_pmtu *p, struct hw_pmtu_result *r);

/* The largest size known to pass up to the hop with TTL ttl, from a result:
 * hops up to the drop pass hop_reach, the hops after it (and every hop when
 * nothing but the local interface or max_mtu limits) pass the path MTU;
 * 0 while the path MTU or the drop's hop is not known. */
int hw_pmtu_hop_mtu(const struct hw_pmtu_result *r, int ttl);

#ifdef __cplusplus
}
#endif

#endif
