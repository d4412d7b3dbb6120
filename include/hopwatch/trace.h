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
 */
#ifndef HOPWATCH_TRACE_H
#define HOPWATCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>
#include <hopwatch/engine.h>
#include <hopwatch/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hw_trace;

/* Called for every probe outcome of the trace that is counted (after the
 * trace's own bookkeeping); ttl is the probe's TTL. */
typedef void (*hw_trace_result_cb)(void *arg, int ttl, const struct hw_probe_result *r);

struct hw_trace_config {
    struct hw_addr target;   /* destination (numeric; resolve names first) */
    int first_ttl;           /* first TTL probed, 1..255 (default 1) */
    int max_ttl;             /* last TTL probed, first_ttl..255 (default 30) */
    int max_unknown;         /* silent hops in a row after which probing stops
                                going further, 1..255 (default 5) */
    int64_t interval_ns;     /* time between rounds (default 1 s) */
    int64_t timeout_ns;      /* per-probe timeout (default 2 s) */
    uint64_t cycles;         /* probes per hop, 0 for endless (default 10) */
    size_t payload_size;     /* ICMP payload bytes (default 56) */
    int tos;                 /* TOS / traffic class (default 0) */
    hw_trace_result_cb on_result; /* optional observer, NULL for none */
    void *arg;               /* passed to on_result */
};

/* Fill cfg with the defaults above (target left AF_UNSPEC). */
void hw_trace_config_init(struct hw_trace_config *cfg);

/* Create a trace on engine e (which must outlive it).  Nothing is sent
 * before hw_trace_start().  Returns NULL and sets *status (HW_EINVAL for a bad
 * config, HW_EFAMILY when e has no socket for the target's family, -ENOMEM). */
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

/* How the route ends. */
enum hw_trace_end {
    HW_END_UNKNOWN = 0,      /* not known yet */
    HW_END_REACHED,          /* the target answered */
    HW_END_UNREACHABLE,      /* an ICMP destination unreachable ended it */
    HW_END_MAX_TTL,          /* max_ttl probed without reaching the target */
    HW_END_SILENT,           /* max_unknown silent hops in a row */
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
    int64_t first_real_ns;   /* wall-clock time of its first answer */
    int64_t last_real_ns;    /* wall-clock time of its latest answer */
};

struct hw_hop {
    int ttl;                          /* this hop's TTL */
    struct hw_stats stats;            /* every probe sent with this TTL */
    size_t n_responders;              /* entries in responders */
    struct hw_responder *responders;  /* most answers first */
};

/* A value copy of a trace's state; the caller owns it. */
struct hw_trace_snapshot {
    struct hw_addr target;   /* the destination */
    int first_ttl;           /* TTL of hops[0] */
    size_t n_hops;           /* hops from first_ttl up to the last probed one */
    struct hw_hop *hops;     /* hops[i].ttl == first_ttl + i */
    enum hw_trace_end end;   /* how the route ends, so far */
    int end_ttl;             /* TTL of the last hop when end is REACHED or
                                UNREACHABLE, else 0 */
    int end_icmp_type;       /* UNREACHABLE: the ICMP type that ended it */
    int end_icmp_code;       /* UNREACHABLE: the ICMP code that ended it */
    uint64_t rounds;         /* rounds started */
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
