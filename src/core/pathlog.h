/* pathlog.h - a trace's route history: who answers each hop now, the
 * events that change that (a switch, load balancing, the path longer or
 * shorter, the target unreachable and back), and every distinct path seen.
 * trace.c feeds it what the probes say; it sends nothing and owns no
 * timer.  Internal to the core (hw__ names). */
#ifndef HW_CORE_PATHLOG_H
#define HW_CORE_PATHLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/trace.h>

/* Most events kept (the latest), most distinct paths kept. */
#define HW__PATHLOG_EVENTS 256
#define HW__PATHLOG_PATHS 64

/* One hop's view: who answers it on the current path, and new responders
 * not yet told apart (switch or balancing). */
struct hw__pathlog_hop {
    struct hw_path_hop members;  /* who answers it on the current path */
    struct hw_path_hop cand;     /* new responders waiting to be told apart */
    int64_t cand_real_ns;        /* when the first of them answered */
    unsigned cand_answers;       /* answers from candidates since then */
    unsigned member_answers;     /* answers from members since then */
    uint64_t answers;            /* answers since the hop joined the route */
};

struct hw__pathlog {
    int first_ttl;               /* TTL of hops[0] */
    int nhops;                   /* entries in hops */
    struct hw__pathlog_hop *hops;/* per TTL */
    bool announced;              /* an end was told (the first is no event) */
    enum hw_trace_end end;       /* the end as told: REACHED, UNREACHABLE,
                                    or SILENT (the target went quiet) */
    int end_ttl;                 /* its TTL */
    int reached_ttl;             /* the end's TTL when last reached */
    int last_ttl;                /* the path's deepest hop now */
    struct hw_path *paths;       /* distinct paths (hops allocated) */
    size_t npaths;               /* entries used */
    size_t current;              /* the current one; npaths: none yet */
    bool fresh;                  /* the current one was made by an event
                                    lately and is still settling */
    unsigned fresh_rounds;       /* rounds since it was made */
    struct hw_route_event ring[HW__PATHLOG_EVENTS]; /* the latest events */
    uint64_t nevents;            /* events ever told (ring index mod size) */
    hw_trace_event_cb cb;        /* told each event, may be NULL */
    void *arg;                   /* its argument */
};

/* Set up for TTLs first_ttl .. first_ttl + nhops - 1.  0 or -ENOMEM. */
int hw__pathlog_init(struct hw__pathlog *p, int first_ttl, int nhops, hw_trace_event_cb cb,
                     void *arg);
void hw__pathlog_fini(struct hw__pathlog *p);
/* Forget everything (a trace reset); the TTL range stays. */
void hw__pathlog_reset(struct hw__pathlog *p);

/* A responder answered hop ttl (any answer but a target reply or an
 * unreachable at the end counts the same: it is who is there). */
void hw__pathlog_answer(struct hw__pathlog *p, int ttl, const struct hw_addr *who,
                        int64_t real_ns);

/* Hop ttl left the route (the end moved nearer): forget who answered it. */
void hw__pathlog_forget_hop(struct hw__pathlog *p, int ttl);

/* How the route ends now, as the probes say: REACHED or UNREACHABLE at
 * ttl (from, type, code: who said so), or SILENT when a reached target
 * stopped answering (ttl its end).  Tells an event when that differs from
 * the last end told (never for the first). */
void hw__pathlog_end(struct hw__pathlog *p, enum hw_trace_end end, int ttl,
                     const struct hw_addr *from, int type, int code, int64_t real_ns);

/* A round starts; deepest is the path's last TTL now (the end's, or the
 * deepest that answered). */
void hw__pathlog_round(struct hw__pathlog *p, int deepest, int64_t real_ns);

/* Fill the snapshot's route_changes, events, paths and current_path.
 * 0 or -ENOMEM (then none of them is set). */
int hw__pathlog_snapshot(const struct hw__pathlog *p, struct hw_trace_snapshot *s);

/* Free what hw__pathlog_snapshot() allocated in s. */
void hw__pathlog_snapshot_free(struct hw_trace_snapshot *s);

#endif
