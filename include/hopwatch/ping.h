/* hopwatch/ping.h - icmplib's blocking calls in C: ping, multiping and
 * traceroute, each returning plain result structs.
 *
 * Every call creates an engine (hw_engine_new, which opens the sockets),
 * resolves names, sends its probes on a schedule of engine timers and loops
 * on hw_engine_wait() until every probe has its outcome, then frees the
 * engine.  Nothing here changes the process's privileges: a program that
 * wants to drop them opens its own engine and uses hw_trace / hw_engine_probe
 * directly (see engine.h, trace.h), which is also how an event-loop program
 * gets the same features without blocking.
 *
 * Units: every duration is in nanoseconds, as in stats.h (RTTs, intervals,
 * timeouts).  Divide by 1e6 for icmplib's milliseconds.
 */
#ifndef HOPWATCH_PING_H
#define HOPWATCH_PING_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>
#include <hopwatch/engine.h>
#include <hopwatch/icmp.h>
#include <hopwatch/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A name-lookup function for the blocking calls: store one address of name
 * (family AF_INET, AF_INET6, or AF_UNSPEC for either) in *out and return 0,
 * or return a negative status (HW_ENAME, HW_ENOADDR, HW_EDNS, ...).  ctx is
 * hw_ping_opts.lookup_ctx.  It is called only for names that are not
 * numeric addresses, one entry at a time, in input order. */
typedef int (*hw_ping_lookup_fn)(void *ctx, const char *name, int family, struct hw_addr *out);

/* Options of hw_ping(), hw_multiping() and hw_traceroute().  Fill them with
 * the _init function of the call (each sets icmplib's defaults for it),
 * then change what you need.  Fields a call does not use are ignored; the
 * struct is copied, nothing is kept after the call returns. */
struct hw_ping_opts {
    int count;               /* probes per address (ping 4, multiping 2) or
                                per hop (traceroute 3); >= 1 */
    int64_t interval_ns;     /* time between two probes to one address (ping
                                1 s, multiping 1 s), between two rounds of
                                probes to every hop (traceroute 50 ms); > 0 */
    int64_t timeout_ns;      /* how long each probe waits for its answer (2 s); > 0 */
    int id;                  /* ICMP identifier 0..65535 of the probes, -1 for a
                                random one (icmplib's default is the PID; a
                                random one cannot be guessed by others).
                                Unprivileged sockets use the kernel's instead */
    const char *source;      /* numeric source address to send from, NULL for
                                the one routing picks; a source that is not
                                ours fails with HW_EADDR.  Only the source's
                                family is probed: names are looked up in it,
                                an address of the other family fails its
                                entry with HW_EFAMILY (nothing is sent), and
                                a family above that differs is HW_EINVAL */
    int family;              /* for names: AF_INET, AF_INET6, or AF_UNSPEC for
                                whichever the name has (IPv4 first) */
    enum hw_privilege privilege; /* icmplib's privileged: HW_PRIV_RAW (True),
                                HW_PRIV_DGRAM (False), or HW_PRIV_AUTO (raw
                                when permitted, else unprivileged; the default) */
    const uint8_t *payload;  /* ping, multiping: exactly these payload_size bytes
                                in every probe (answers then match on id and
                                sequence only); NULL for ours: a keyed cookie
                                that authenticates answers, then bytes 16, 17,
                                ... as ping(8) fills them.  Not used by
                                traceroute */
    size_t payload_size;     /* payload bytes, 0..65000 (56) */
    int ttl;                 /* ping, multiping: TTL / hop limit 1..255 of the
                                probes (64, icmplib's default), 0 for the
                                system's default.  Not used by traceroute */
    int traffic_class;       /* IPv4 TOS / IPv6 traffic class, 0..255 (0) */
    size_t concurrency;      /* multiping: most probes in flight at once (50;
                                icmplib's concurrent_tasks / max_threads) */
    int first_hop;           /* traceroute: first TTL probed, 1..255 (1) */
    int max_hops;            /* traceroute: last TTL probed, first_hop..255 (30) */
    bool fast;               /* traceroute: icmplib's fast mode (false): a
                                hop that answered once is not probed again,
                                nor is a TTL past the end of the route; a
                                silent hop still gets its count probes (and
                                the others are not held back by it).  See
                                hw_traceroute() */
    const struct hw_engine_config *engine; /* NULL: the kernel's sockets with
                                default options; else the base config of the
                                engine the call creates (transport, device,
                                mark, dont_fragment, broadcast, source4/6...),
                                which the fields above override: privilege,
                                id (when >= 0), source (when set), family */
    hw_ping_lookup_fn lookup; /* NULL: names are resolved through c-ares, all
                                names of a call at once (resolve.h); else this
                                function, e.g. a test's fake resolver */
    void *lookup_ctx;        /* passed to lookup */
    const volatile sig_atomic_t *stop; /* NULL, or a flag (set by a signal
                                handler, say) that ends the call early when it
                                becomes nonzero: the results so far are
                                returned with status HW_ECANCELLED */
};

/* Fill o with ping's defaults: count 4, interval 1 s, timeout 2 s, id -1,
 * no source, AF_UNSPEC, HW_PRIV_AUTO, our payload of 56 bytes, ttl 64,
 * traffic class 0, concurrency 50, first_hop 1, max_hops 30, fast false,
 * no engine config, lookup or stop flag. */
void hw_ping_opts_init(struct hw_ping_opts *o);

/* The same with multiping's defaults: count 2 (interval 1 s, concurrency 50). */
void hw_multiping_opts_init(struct hw_ping_opts *o);

/* The same with traceroute's defaults: count 3, interval 50 ms, timeout 2 s,
 * first_hop 1, max_hops 30, fast false. */
void hw_traceroute_opts_init(struct hw_ping_opts *o);

/* What was measured for one address (icmplib's Host), or for one hop or
 * responder of a traceroute.  All heap parts belong to the struct: release
 * them with hw_host_fini().  RTT fields follow stats.h: nanoseconds, -1
 * when there is no value. */
struct hw_host {
    char *name;              /* the address or name as the caller gave it (a
                                copy), NULL for traceroute hops and responders
                                or when out of memory */
    struct hw_addr address;  /* the address probed (AF_UNSPEC if it never
                                resolved); traceroute: who answered */
    int status;              /* 0: the address was probed (is_alive says with
                                what result); else why this entry could not be:
                                HW_ENAME / HW_ENOADDR / HW_EDNS (name lookup),
                                HW_ENOPERM (no socket: see message for the fix),
                                HW_EADDR (source not ours), HW_EFAMILY,
                                HW_ECANCELLED (stopped early, counts so far) */
    char *message;           /* a detailed message for a nonzero status (the
                                failing call and how to fix it), or NULL */
    uint64_t sent;           /* probes sent, including those whose send call
                                failed (icmplib leaves those out); traceroute
                                responders: the probes of their hop */
    uint64_t received;       /* answers received in time */
    uint64_t late;           /* answers that came after their timeout (not
                                counted as received) */
    uint64_t duplicates;     /* extra copies of an answer */
    double loss;             /* lost / (received + lost), 0..1: icmplib's
                                packet_loss; 0 when nothing was sent */
    int64_t min_ns;          /* smallest RTT, -1 without answers */
    double avg_ns;           /* mean RTT, -1 without answers */
    int64_t max_ns;          /* largest RTT, -1 without answers */
    double stddev_ns;        /* sample standard deviation of the RTTs; 0 with
                                one answer, -1 with none */
    double jitter_ns;        /* mean |RTT - previous RTT| (icmplib's jitter),
                                -1 with fewer than two answers */
    int64_t *rtts_ns;        /* every RTT (heap): ping and multiping in the
                                order the probes were sent, traceroute in the
                                order the answers came; NULL when none */
    size_t n_rtts;           /* entries in rtts_ns (== received) */
    bool is_alive;           /* received > 0 */
    int last_error;          /* ping, multiping: why the latest unanswered
                                probe went unanswered: 0 (none was),
                                HW_ETIMEDOUT, an ICMP error (HW_EUNREACH,
                                HW_ETIMEEXCEEDED, HW_EICMP: see icmp_*), or
                                the failed send call's status (-ENETUNREACH,
                                HW_EBROADCAST, ...); traceroute: 0 */
    struct hw_addr icmp_source; /* who sent that ICMP error (traceroute: this
                                responder's latest answer), else AF_UNSPEC */
    int icmp_type;           /* its ICMP type, -1 if none */
    int icmp_code;           /* its ICMP code, -1 if none */
    enum hw_icmp_reason reason; /* hw_icmp_classify() of it; HW_ICMP_ECHO_REPLY
                                when there is none */
};

/* Free the heap parts of h (name, message, rtts_ns) and reset it.  NULL is
 * accepted. */
void hw_host_fini(struct hw_host *h);

/* hw_host_fini() every entry of an array from hw_multiping(), then free
 * it.  NULL is accepted. */
void hw_hosts_free(struct hw_host *hosts, size_t n);

/* Send count ICMP echo requests to address (a numeric address or a name,
 * resolved as opts->family says), interval apart, each waiting up to
 * timeout for its answer, and fill *host (always, even on failure: call
 * hw_host_fini() afterwards in every case).  An answer is an echo reply
 * carrying the probe's identifier, sequence and cookie; ICMP errors and
 * timeouts count as lost and are told apart in host->last_error.  opts may
 * be NULL for hw_ping_opts_init()'s defaults.  Returns host->status: 0 when
 * the address was probed (alive or not), HW_EINVAL for bad options, or the
 * reason it could not be (see hw_host.status), -ENOMEM. */
int hw_ping(const char *address, const struct hw_ping_opts *opts, struct hw_host *host);

/* Ping n addresses at once: each gets count probes interval apart, with at
 * most opts->concurrency probes in flight in all (when they are full, the
 * next probe waits for a free place).  Names are resolved first, all at once;
 * one that does not resolve fails only its own entry (status HW_ENAME,
 * HW_ENOADDR or HW_EDNS), as does one whose family has no socket.  On
 * success *hosts is a new array of n entries in the order of addresses;
 * free it with hw_hosts_free().  opts may be NULL for
 * hw_multiping_opts_init()'s defaults.  Returns 0 when every entry was
 * handled (look at each status); HW_ENOPERM when no probe socket could be
 * opened for lack of permission (icmplib's SocketPermissionError; *hosts is
 * still filled, each entry with the status and the fix in its message);
 * HW_ECANCELLED when stopped through opts->stop (*hosts holds the counts
 * so far); HW_EINVAL for bad arguments or -ENOMEM, with *hosts NULL. */
int hw_multiping(const char *const *addresses, size_t n, const struct hw_ping_opts *opts,
                 struct hw_host **hosts);

/* One hop of a route: icmplib's Hop (a Host with a distance), plus every
 * address that answered at this distance (ECMP, route changes). */
struct hw_route_hop {
    int distance;            /* the TTL / hop limit of the probes */
    struct hw_host host;     /* the hop as a whole: address of the responder
                                with the most answers, sent = probes with this
                                TTL, received / RTTs = answers from any
                                responder; icmp_* of that responder's latest
                                answer */
    size_t n_responders;     /* entries in responders (>= 1) */
    struct hw_host *responders; /* every address that answered, most answers
                                first: its own received, RTTs and latest answer
                                (icmp_*); sent is the hop's (a probe goes to a
                                TTL, not to a responder), so its loss is the
                                share of the hop's probes it did not answer */
};

/* The result of hw_traceroute().  Release it with hw_route_fini(). */
struct hw_route {
    char *name;              /* the address or name as given (a copy), or NULL */
    struct hw_addr address;  /* the destination (AF_UNSPEC if it never resolved) */
    int status;              /* as hw_host.status */
    char *message;           /* detail of a nonzero status, or NULL */
    enum hw_trace_end end;   /* how the route ends: REACHED, UNREACHABLE (an
                                ICMP unreachable ended it), MAX_TTL */
    bool reached;            /* end == HW_END_REACHED: the destination answered */
    int end_distance;        /* distance of the last hop when REACHED or
                                UNREACHABLE, else 0 */
    int end_icmp_type;       /* UNREACHABLE: the ICMP type that ended it, else -1 */
    int end_icmp_code;       /* UNREACHABLE: its code, else -1 */
    size_t n_hops;           /* entries in hops */
    struct hw_route_hop *hops; /* the hops that answered, by distance; as in
                                icmplib, a hop that never answered has no entry
                                (a gap in the distances) */
};

/* Free the heap parts of r and reset it.  NULL is accepted. */
void hw_route_fini(struct hw_route *r);

/* Find the route to address: probes with TTL first_hop .. max_hops, count
 * per TTL, in rounds interval apart (every TTL of a round at once, as
 * hw_trace does it: this is an hw_trace with cycles = count, run to its end
 * and converted), until the destination answers or an ICMP unreachable ends
 * the route; TTLs past the end are not probed further nor counted.  Fast
 * mode stops probing a hop as soon as it has one answer, and every TTL past
 * the end once the end is known (probes already in flight are waited for
 * and counted); a hop that stays silent still gets count probes, without
 * holding the answering hops to count probes.  opts->payload and opts->ttl are
 * not used.  Always fills *route (call hw_route_fini() in every case).
 * opts may be NULL for hw_traceroute_opts_init()'s defaults.  Returns
 * route->status. */
int hw_traceroute(const char *address, const struct hw_ping_opts *opts, struct hw_route *route);

#ifdef __cplusplus
}
#endif

#endif
