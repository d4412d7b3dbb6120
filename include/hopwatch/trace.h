/* hopwatch/trace.h - route discovery and continuous per-hop probing of one
 * target, mtr's model done carefully.
 *
 * Every round (one per interval) probes each TTL from first_ttl up to the
 * probing horizon at once.  The horizon is the path length once it is known
 * (the target answered, or a router answered "unreachable"); before that it
 * is the highest TTL that answered plus max_unknown, capped at max_ttl.  When
 * an answer moves the horizon, the newly included TTLs are probed at once
 * rather than at the next round, so discovery takes round trips, not rounds.
 * Probes past the path length are cancelled and never counted.  Every hop can
 * have several responders (ECMP, route changes), each with its own stats.
 *
 * Rate-limit awareness: routers limit the ICMP errors they send (Linux: one
 * per second per destination after a burst of six), so a hop probed faster
 * shows loss that is not loss.  Each hop keeps a window of recent outcomes;
 * when it answers some probes but loses clearly more than the path behind
 * it (by 10 points and 3.5 standard errors of the difference, judged at
 * 16, 32, 64, ... outcomes), its replies are taken as throttled (a hop
 * answering none is silent, not throttled): its window stops counting as
 * evidence of forward loss and, unless no_adapt is set, the hop is probed
 * slower: at half the rate it keeps answering at once its burst allowance
 * is spent (and at least half its previous rate), down to one probe per
 * 10 s, until a window agrees with the path behind.  A window counts as
 * evidence only once a checkpoint finds it agreeing (within 10 points or
 * 1.5 standard errors); one that is neither clearly throttled nor clearly
 * agreeing waits for the next checkpoint.  A paced hop stays paced until
 * the trace is reset: probing it faster again would bring back throttling
 * too mild to see behind a lossy link.  The target keeps the configured
 * rate.  The windows feed the loss attribution of every snapshot
 * (attrib.h); a new responder at a hop that had answered (a route change)
 * restarts the windows from that hop on.
 *
 * Routes change, so the path length and the route's end are beliefs that
 * evidence revises, never facts fixed by one answer.  A target reply or an
 * unreachable nearer than the end moves the end in (the hops past it are
 * forgotten); a time exceeded at or past the end says the route goes
 * further: the end is unknown again and probing goes out from there, at
 * once.  While the end fails (past an unreachable always; past a reached
 * end once 3 of its probes in a row were not answered by the target) one
 * "scout" probe every second round goes past the end, to the TTLs past it
 * in turn (up to max_unknown of them), so that a route that comes back or
 * grows is seen within a few rounds even when the hop at the old end no
 * longer answers.  Scouts belong to no hop and are neither counted nor
 * reported; only their news is used: a time exceeded past the end reopens
 * it, a target reply past an unreachable too, and past a reached end only
 * the 4th reply while the end kept failing (random loss at the end must not
 * move it).
 *
 * The target's own statistics (hw_trace_snapshot.target_stats) count only
 * what the target did: every target reply (echo reply; for UDP the port
 * unreachable, for TCP the SYN+ACK or RST it sends itself), and, at the
 * TTL that stands for the target (the end once known, else the deepest TTL
 * probed), every probe that got no target reply, except a time exceeded,
 * which says the target lies further, not that it was lost.  A router's
 * answer is never counted as the target's, and the counts survive route
 * changes.
 */
#ifndef HOPWATCH_TRACE_H
#define HOPWATCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>
#include <hopwatch/attrib.h>
#include <hopwatch/engine.h>
#include <hopwatch/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hw_trace;

/* Called for every probe outcome of the trace that is counted (after the
 * trace's own bookkeeping); ttl is the probe's TTL. */
typedef void (*hw_trace_result_cb)(void *arg, int ttl, const struct hw_probe_result *r);

/* What changed in a route (hw_route_event.kind). */
enum hw_route_change {
    HW_ROUTE_SWITCHED = 1,   /* a hop's responder was replaced by another,
                                which keeps answering alone */
    HW_ROUTE_BALANCED,       /* a new responder answers beside the hop's
                                others, which keep answering too (load
                                balancing, ECMP): not a change of path */
    HW_ROUTE_LONGER,         /* the target is reached further away */
    HW_ROUTE_SHORTER,        /* the target is reached nearer */
    HW_ROUTE_UNREACHABLE,    /* the target stopped being reached: a router
                                said unreachable, or 10 of its probes in a
                                row went unanswered */
    HW_ROUTE_REACHABLE,      /* the target is reached again */
};

/* Name of a route change ("switched", "balanced", ...); static. */
const char *hw_route_change_name(enum hw_route_change kind);

/* One route event.  Its time is when the first probe that saw the change
 * was sent: after the change, and at most one of the hop's probe intervals
 * after it.  For UNREACHABLE that is the first round after the one whose
 * probe the target last answered: that probe already failed, even when
 * the router's message came only for a later one (routers limit them).  A switch is told from load balancing a few answers after the
 * new responder's first one (4 answers from it alone: a switch; 2 from it
 * and 2 from the others: balancing), and a quiet target after 10 missed
 * probes; the time is that of the first all the same. */
struct hw_route_event {
    enum hw_route_change kind; /* what changed */
    int64_t real_ns;         /* wall-clock time it happened (see above) */
    int ttl;                 /* SWITCHED, BALANCED: the hop; else the end's
                                TTL after the change */
    int old_ttl;             /* LONGER, SHORTER, REACHABLE: the end's TTL
                                before (REACHABLE: when last reached) */
    struct hw_addr from;     /* SWITCHED: the responder replaced;
                                UNREACHABLE: the router that said so
                                (AF_UNSPEC: silence) */
    struct hw_addr to;       /* SWITCHED, BALANCED: the new responder */
    int icmp_type;           /* UNREACHABLE by a message: its type, else -1 */
    int icmp_code;           /* ... its code, else -1 */
    size_t path;             /* the path current after it (index into a
                                snapshot's paths) */
};

/* Called for every route event as it is told (see hw_route_event). */
typedef void (*hw_trace_event_cb)(void *arg, const struct hw_route_event *ev);

struct hw_trace_config {
    struct hw_addr target;   /* destination (numeric; resolve names first) */
    enum hw_method method;   /* probe kind (default ICMP echo) */
    uint16_t port;           /* UDP/TCP destination port, 0: the default */
    int first_ttl;           /* first TTL probed, 1..255 (default 1) */
    int max_ttl;             /* last TTL probed, first_ttl..255 (default 30) */
    int max_unknown;         /* silent hops in a row after which probing stops
                                going further, 1..255 (default 5) */
    int64_t interval_ns;     /* time between rounds (default 1 s) */
    int64_t timeout_ns;      /* per-probe timeout (default 2 s) */
    uint64_t cycles;         /* probes per hop, 0 for endless (default 10) */
    size_t payload_size;     /* ICMP payload bytes (default 56) */
    int tos;                 /* TOS / traffic class (default 0) */
    enum hw_fill fill;       /* payload fill after the cookie (default COUNT) */
    uint8_t fill_byte;       /* the byte for HW_FILL_BYTE */
    size_t history_len;      /* probe outcomes kept per hop for
                                hw_trace_history(), 0..65536 (default 512) */
    bool no_adapt;           /* do not slow down probing of hops whose
                                replies are rate-limited (see below) */
    hw_trace_result_cb on_result; /* optional observer, NULL for none */
    hw_trace_event_cb on_event;   /* optional observer of route events */
    void *arg;               /* passed to on_result and on_event */
};

/* Fill cfg with the defaults above (target left AF_UNSPEC). */
void hw_trace_config_init(struct hw_trace_config *cfg);

/* Create a trace on engine e (which must outlive it).  Nothing is sent
 * before hw_trace_start().  Returns NULL and sets *status (HW_EINVAL for a bad
 * config, a Paris UDP method with a payload under 2 bytes included, HW_EFAMILY when e has no socket for the target's family, -ENOMEM). */
struct hw_trace *hw_trace_new(struct hw_engine *e, const struct hw_trace_config *cfg,
                              int *status);

/* Cancel the trace's probes and timers and free it.  NULL is accepted. */
void hw_trace_free(struct hw_trace *t);

/* Send the first round now and schedule the others.  Returns 0 or a
 * negative status. */
int hw_trace_start(struct hw_trace *t);

/* True once every hop has had its cycles of probes and none is in flight
 * (never true in endless mode). */
bool hw_trace_done(const struct hw_trace *t);

/* Stop starting rounds; probes in flight still complete.  No-op when
 * paused already. */
void hw_trace_pause(struct hw_trace *t);

/* Start rounds again, the next one now.  No-op unless paused. */
void hw_trace_resume(struct hw_trace *t);

/* True between hw_trace_pause() and hw_trace_resume(). */
bool hw_trace_paused(const struct hw_trace *t);

/* Forget every statistic, responder, history and the learned path; probes
 * in flight are cancelled and uncounted.  A started trace that is not
 * paused starts a new round at once. */
void hw_trace_reset(struct hw_trace *t);

/* Change the time between rounds (> 0); the next round is due one new
 * interval after the last one.  Returns 0 or HW_EINVAL. */
int hw_trace_set_interval(struct hw_trace *t, int64_t interval_ns);

/* Change the TTLs probed (as in the config); this resets the trace.
 * Returns 0, HW_EINVAL, or -ENOMEM (the trace is then unchanged). */
int hw_trace_set_ttl_range(struct hw_trace *t, int first_ttl, int max_ttl);

/* Switch to another probe method (and port, 0 for its default); this
 * resets the trace.  Returns 0, or HW_EINVAL when the engine cannot send
 * that kind of probe (or not with the trace's payload size: Paris UDP needs
 * 2 bytes at least). */
int hw_trace_set_method(struct hw_trace *t, enum hw_method method, uint16_t port);

/* The current config (with any changes made since creation). */
const struct hw_trace_config *hw_trace_config(const struct hw_trace *t);

/* A counter that changes whenever anything a snapshot shows changes, so a
 * display can skip redrawing an unchanged trace. */
uint64_t hw_trace_generation(const struct hw_trace *t);

/* Copy the outcomes of the latest probes sent with TTL ttl, oldest first,
 * into out (at most max, at most history_len): RTT in microseconds (>= 0),
 * HW_HIST_LOST or HW_HIST_PENDING.  Returns how many were copied (0 for a
 * TTL outside the trace). */
size_t hw_trace_history(const struct hw_trace *t, int ttl, int32_t *out, size_t max);

/* One probe of a hop, for a timeline: when (its round), what came back,
 * and who answered. */
struct hw_trace_mark {
    uint64_t round;          /* the round it was sent in (1: the first) */
    int32_t rtt_us;          /* as hw_trace_history(): RTT in microseconds,
                                HW_HIST_LOST or HW_HIST_PENDING */
    struct hw_addr who;      /* who answered; AF_UNSPEC when nobody did */
};

/* The same probes as hw_trace_history(), with their rounds and
 * responders, oldest first, into out (at most max).  Returns how many. */
size_t hw_trace_marks(const struct hw_trace *t, int ttl, struct hw_trace_mark *out, size_t max);

/* How the route ends. */
enum hw_trace_end {
    HW_END_UNKNOWN = 0,      /* not known yet */
    HW_END_REACHED,          /* the target answered */
    HW_END_UNREACHABLE,      /* an ICMP destination unreachable ended it */
    HW_END_MAX_TTL,          /* max_ttl probed without reaching the target */
    HW_END_SILENT,           /* max_unknown silent hops in a row */
    HW_END_LOCAL_ERROR,      /* probes cannot even be sent (the nearest
                                hop's latest probe failed at the send call:
                                no route, a local firewall, too big) */
};

/* Name of an end ("reached", "unreachable", ...); static. */
const char *hw_trace_end_name(enum hw_trace_end end);

/* One address that answered at a hop.  Its stats count only its own answers:
 * received and the RTT fields; sent and lost stay 0, because a probe is sent
 * to a TTL, not to a responder. */
struct hw_responder {
    struct hw_addr addr;     /* who answered */
    struct hw_stats stats;   /* its answers */
    int icmp_type;           /* type of its latest answer */
    int icmp_code;           /* code of its latest answer */
    enum hw_outcome outcome; /* kind of its latest answer */
    uint8_t tcp_flags;       /* TCP probes: flags of its latest answer (SYN+ACK:
                                the port is open, RST: closed), else 0 */
    int64_t first_real_ns;   /* wall-clock time of its first answer */
    int64_t last_real_ns;    /* wall-clock time of its latest answer */
    size_t n_mpls;           /* MPLS entries of its latest answer */
    struct hw_mpls mpls[HW_MPLS_MAX]; /* its latest MPLS label stack */
};

struct hw_hop {
    int ttl;                          /* this hop's TTL */
    struct hw_stats stats;            /* every probe sent with this TTL */
    size_t n_responders;              /* entries in responders */
    struct hw_responder *responders;  /* those that answered within the
                                         hop's latest 3 probe intervals
                                         first, then the others; most
                                         answers first within each part */
    struct hw_attrib attrib;          /* where its loss comes from (attrib.h) */
    struct hw_attrib_hop evidence;    /* what the attribution was given: the
                                         hop's latest window of outcomes */
    uint64_t send_errors;             /* probes whose send call failed (they
                                         count as lost in stats too) */
    int send_status;                  /* its latest probe's send error
                                         (negative status), else 0 */
    bool throttled;                   /* its replies look rate-limited now */
    bool paced;                       /* probed slower than the rounds */
    double rate_pps;                  /* probes per second it gets now */
};

/* Responders kept per hop of a path (more answering one hop at once are
 * not told apart). */
#define HW_PATH_WIDTH 4

/* Who answers one hop of a path: one router, several (load balancing), or
 * none (a silent hop). */
struct hw_path_hop {
    size_t n;                          /* responders in addr */
    struct hw_addr addr[HW_PATH_WIDTH];/* in the order they first answered */
};

/* One distinct path: the responders of every hop up to its end.  A path
 * seen again (a route that flaps back) is the same entry. */
struct hw_path {
    int64_t first_real_ns;   /* when it was first the current path */
    int64_t last_real_ns;    /* when it last was (now, for the current one) */
    uint64_t rounds;         /* rounds started while it was current */
    enum hw_trace_end end;   /* how it ends: REACHED, UNREACHABLE, or
                                UNKNOWN (not reached: the deepest hop that
                                answered is its last) */
    size_t n_hops;           /* hops[0] has TTL first_ttl */
    struct hw_path_hop *hops;/* who answered each hop */
};

/* A value copy of a trace's state; the caller owns it. */
struct hw_trace_snapshot {
    struct hw_addr target;   /* the destination */
    int first_ttl;           /* TTL of hops[0] */
    size_t n_hops;           /* hops from first_ttl up to the last probed one */
    struct hw_hop *hops;     /* hops[i].ttl == first_ttl + i */
    enum hw_trace_end end;   /* how the route ends, as far as known now:
                                UNKNOWN while discovering; SILENT or MAX_TTL
                                as soon as the deepest TTL probed has timed
                                out (or answered at max_ttl) without the
                                target answering; LOCAL_ERROR while the
                                nearest hop's probes cannot be sent */
    int end_ttl;             /* TTL of the last hop when end is REACHED or
                                UNREACHABLE, else 0 */
    int end_icmp_type;       /* UNREACHABLE: the ICMP type that ended it */
    int end_icmp_code;       /* UNREACHABLE: the ICMP code that ended it */
    struct hw_addr end_from; /* REACHED, UNREACHABLE: who answered at the
                                end (the router that said unreachable) */
    int end_status;          /* LOCAL_ERROR: the send call's negative
                                status (hw_strerror), else 0 */
    struct hw_stats target_stats; /* the target's own answers (see the top
                                of this file): what every view and summary
                                shows for the target */
    uint64_t rounds;         /* rounds started */
    uint64_t route_changes;  /* route events since the start (or reset) */
    size_t n_events;         /* entries in events */
    struct hw_route_event *events; /* the latest 256 route events, oldest
                                first */
    size_t n_paths;          /* entries in paths */
    struct hw_path *paths;   /* every distinct path seen, in the order
                                first seen (at most 64: past that the
                                least recently seen is replaced) */
    size_t current_path;     /* index of the current path in paths;
                                n_paths while there is none yet */
    int64_t start_real_ns;   /* wall-clock time of hw_trace_start() */
    int64_t now_real_ns;     /* wall-clock time of the snapshot */
};

/* Copy the trace's state into a new snapshot stored in *out.  Returns 0 or
 * -ENOMEM. */
int hw_trace_snapshot(const struct hw_trace *t, struct hw_trace_snapshot **out);

/* Free a snapshot.  NULL is accepted. */
void hw_trace_snapshot_free(struct hw_trace_snapshot *s);

#ifdef __cplusplus
}
#endif

#endif
