/* trace.c - route discovery and continuous per-hop probing of one target.
 * See include/hopwatch/trace.h for the model.
 *
 * Everything here reacts to engine callbacks and one round timer; there is
 * no loop of its own.  Hops are an array indexed by TTL - first_ttl.  Each
 * hop keeps the ids of its probes in flight (a handful: timeout / interval
 * rounds' worth), so that probes past a newly learned path end can be
 * cancelled rather than waited for.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/error.h>
#include <hopwatch/trace.h>

#include "core/pathlog.h"

#define NS_PER_S 1000000000LL
#define HISTORY_MAX 65536
/* Outcomes a hop's evidence needs before it counts. */
#define WINDOW_MIN 8
/* Throttling is judged when a window reaches 16, 24, 32, 48, 64, 96, 128,
 * 192 and 256 outcomes (then it rolls over): a handful of tests per
 * window, so chance cannot pace an honest hop by being asked often, and a
 * paced hop's slow window is judged again soon enough.  A window is throttled
 * when its loss exceeds the path's behind it by JUDGE_Z standard errors of
 * the difference (both samples' noise counted) and by JUDGE_GAP at least;
 * real throttling (Linux: a burst of 6, then 1/s) loses 30-90%, and a hop
 * paced too fast for its limit still loses visibly more.  A false alarm
 * only slows an honest hop until its next window clears it.  Trust needs
 * the opposite evidence: a window is trusted when its loss is within
 * JUDGE_GAP of the path's behind it or within JUDGE_AGREE_Z standard
 * errors; in between it is undecided (neither trusted nor paced) until the
 * next checkpoint, so a throttled hop that 16 outcomes cannot yet convict
 * (a burst of 6 answers, then 1/s, at 10 probes/s) is not believed.  A
 * hop already known is presumed honest: one paced (probed at half the rate
 * it was measured to answer at) is convicted again only at JUDGE_Z_PACED,
 * and one paced or trusted before in this window's life is undecided only
 * from JUDGE_AGREE_Z_KNOWN.  Behind a lossy link a window's loss wanders:
 * 20% loss reads 8 or more of 16 in one window of 140 (a paced hop's
 * window grows by some 30 outcomes a minute), and 10 points over the
 * target's 400 in 128 in one window of 120; at 1.5 standard errors both
 * would be suspect, and the hop's answers lost to the attribution until
 * its next checkpoint.  (The unit test
 * test_trace_random_loss_found_* show what that costs.) */
#define JUDGE_FIRST 16
#define WINDOW_ROLL 256
#define JUDGE_Z 3.5
#define JUDGE_Z_PACED 4.5
#define JUDGE_AGREE_Z 1.5
#define JUDGE_AGREE_Z_KNOWN 3.5
#define JUDGE_GAP 0.10
/* Slowest pacing: one probe per 10 s. */
#define PACE_MAX_NS (10 * NS_PER_S)

/* A probe's tag: its TTL in the low 8 bits, then a scout flag (a probe past
 * the route's end, see scout()), then its index among the probes of that
 * TTL, so its history entry can be found again. */
#define TAG(ttl, idx) ((uint64_t)(ttl) | ((uint64_t)(idx) << 9))
#define TAG_SCOUT ((uint64_t)1 << 8)
/* A history entry's responder when nobody answered. */
#define NOBODY 0xff
#define TAG_TTL(tag) ((int)((tag)&0xff))
#define TAG_IDX(tag) ((tag) >> 9)
/* Following a route that changes (see trace.h): scouts go past a failing
 * end every SCOUT_EVERY rounds, past a reached end only once its target
 * probes failed SCOUT_AFTER times in a row, and a scout's echo reply past a
 * reached end moves the end only after GROW_VOTES of them while the end
 * kept failing (loss alone must not move the end). */
#define SCOUT_EVERY 2
#define SCOUT_AFTER 3
#define GROW_VOTES 4
/* A reached target that misses this many probes in a row is told
 * unreachable (a route event): at 50% random loss that happens about once
 * in a thousand rounds, at 20% once in ten million. */
#define SILENT_AFTER 10
/* Round start times kept, to date the moment a target stopped answering. */
#define ROUND_RING 32

struct hop {
    struct hw_stats stats;          /* every probe with this TTL */
    struct hw_responder *resp;      /* who answered */
    size_t nresp;                   /* entries used in resp */
    size_t capresp;                 /* entries allocated in resp */
    uint64_t *flying;               /* ids of this TTL's probes in flight */
    size_t nflying;                 /* entries used in flying */
    size_t capflying;               /* entries allocated in flying */
    int32_t *hist;                  /* ring of outcomes, history_len long,
                                       allocated at the first probe; probe
                                       i is at hist[i % history_len] */
    uint64_t *hround;               /* ... the round each was sent in */
    uint8_t *hwho;                  /* ... the index in resp of who answered
                                       (NOBODY: none, or past 254) */
    uint64_t skipped;               /* rounds it sat out because it is paced */
    int64_t pace_ns;                /* at most one probe per pace_ns; 0: every round */
    int64_t next_ok_ns;             /* paced: earliest time for the next probe */
    uint64_t win_from;              /* window: index of the first probe it counts */
    uint64_t win_recv;              /* window: answers */
    uint64_t win_lost;              /* window: losses */
    int64_t win_start_ns;           /* window: when it began */
    uint64_t old_recv;              /* the window before (after a roll-over) */
    uint64_t old_lost;              /* ... its losses */
    bool trusted;                   /* window: no sign of throttled replies */
    bool throttled;                 /* window: replies look rate-limited */
    bool undecided;                 /* window: judged neither way yet */
    bool vetted;                    /* trusted at a checkpoint since its
                                       window last began afresh */
    int send_status;                /* its latest outcome's send error, or 0 */
    uint64_t send_errors;           /* probes whose send failed */
};

struct hw_trace {
    struct hw_engine *e;            /* the engine we probe through */
    struct hw_trace_config cfg;     /* a copy of the caller's config */
    struct hop *hops;               /* [ttl - first_ttl], up to max_ttl */
    int nhops;                      /* max_ttl - first_ttl + 1 */
    int highest;                    /* highest TTL that answered, or first-1 */
    int end_ttl;                    /* path length once known, else 0 */
    enum hw_trace_end end;          /* REACHED/UNREACHABLE once known */
    int end_type;                   /* ICMP type that ended the route */
    int end_code;                   /* ICMP code that ended the route */
    struct hw_addr end_from;        /* who sent the answer that ended it */
    int end_fails;                  /* the end's probes failed this many
                                       times in a row (not a target reply) */
    int grow_votes;                 /* scouts answered past a failing end */
    unsigned scout_next;            /* which TTL past the end scouts next */
    struct hw_stats target;         /* the target's own answers (trace.h);
                                       kept across route changes */
    int64_t end_fail_real_ns;       /* when the first of end_fails was sent */
    int64_t round_real_ns[ROUND_RING]; /* when the latest rounds started
                                       (round r at r % ROUND_RING) */
    int64_t reply_sent_ns;          /* when the latest probe the target
                                       answered was sent */
    int64_t reopen_real_ns;         /* when the probe that reopened the end
                                       was sent (the route changed then),
                                       until an end is known again; else 0 */
    struct hw__pathlog log;         /* route events and paths */
    uint64_t rounds;                /* rounds started */
    int64_t next_round_mono_ns;     /* when the next round is due */
    int64_t start_real_ns;          /* wall clock of the first round */
    uint64_t timer;                 /* round timer id */
    bool timer_armed;               /* timer is pending */
    bool started;                   /* hw_trace_start() was called */
    bool paused;                    /* hw_trace_pause() */
    uint32_t in_flight;             /* probes in flight, all hops */
    uint64_t generation;            /* bumped on every visible change */
};

void
hw_trace_config_init(struct hw_trace_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->target.family = AF_UNSPEC;
    cfg->first_ttl = 1;
    cfg->max_ttl = 30;
    cfg->max_unknown = 5;
    cfg->interval_ns = NS_PER_S;
    cfg->timeout_ns = 2 * NS_PER_S;
    cfg->cycles = 10;
    cfg->payload_size = 56;
    cfg->history_len = 512;
}

const char *
hw_trace_end_name(enum hw_trace_end end)
{
    switch (end) {
    case HW_END_UNKNOWN: return "unknown";
    case HW_END_REACHED: return "reached";
    case HW_END_UNREACHABLE: return "unreachable";
    case HW_END_MAX_TTL: return "max-ttl";
    case HW_END_SILENT: return "silent";
    case HW_END_LOCAL_ERROR: return "local-error";
    }
    return "unknown";
}

static struct hop *
hop_at(struct hw_trace *t, int ttl)
{
    return &t->hops[ttl - t->cfg.first_ttl];
}

/* The highest TTL probing goes to now (see trace.h). */
static int
horizon(const struct hw_trace *t)
{
    int h;

    if (t->end_ttl != 0)
        return t->end_ttl;
    h = t->highest + t->cfg.max_unknown;
    return h > t->cfg.max_ttl ? t->cfg.max_ttl : h;
}

/* Probes a TTL should have been sent by now: one per round, at most cycles. */
static uint64_t
quota(const struct hw_trace *t)
{
    if (t->cfg.cycles != 0 && t->rounds > t->cfg.cycles)
        return t->cfg.cycles;
    return t->rounds;
}

static void probe_done(void *arg, const struct hw_probe_result *r);
static void probe_extra(void *arg, const struct hw_probe_result *r);

static int64_t
now_ns(const struct hw_trace *t)
{
    struct hw_time now;

    hw_engine_now(t->e, &now);
    return now.mono_ns;
}

/* Start a fresh window of evidence for a hop (its next probe on). */
static void
window_reset(struct hw_trace *t, struct hop *h)
{
    h->win_from = h->stats.sent;
    h->win_recv = h->win_lost = 0;
    h->old_recv = h->old_lost = 0;
    h->win_start_ns = now_ns(t);
    h->trusted = h->undecided = h->vetted = false;
}

static void
hist_free(struct hop *h)
{
    free(h->hist);
    free(h->hround);
    free(h->hwho);
    h->hist = NULL;
    h->hround = NULL;
    h->hwho = NULL;
}

/* The probe spec every probe of the trace shares, for TTL ttl. */
static void
probe_spec(const struct hw_trace *t, int ttl, uint64_t tag, struct hw_probe_spec *spec)
{
    memset(spec, 0, sizeof(*spec));
    spec->method = t->cfg.method;
    spec->port = t->cfg.port;
    spec->dst = t->cfg.target;
    spec->ttl = ttl;
    spec->tos = t->cfg.tos;
    spec->payload_size = t->cfg.payload_size;
    spec->fill = t->cfg.fill;
    spec->fill_byte = t->cfg.fill_byte;
    spec->timeout_ns = t->cfg.timeout_ns;
    spec->cb = probe_done;
    spec->on_extra = probe_extra;
    spec->arg = (void *)t;
    spec->tag = tag;
}

static void
send_probe(struct hw_trace *t, int ttl)
{
    struct hop *h = hop_at(t, ttl);
    struct hw_probe_spec spec;
    uint64_t id;

    if (h->nflying == h->capflying) {
        size_t ncap = h->capflying ? h->capflying * 2 : 4;
        uint64_t *nf = realloc(h->flying, ncap * sizeof(*nf));

        if (nf == NULL)
            return; /* no memory: skip this probe, the next round retries */
        h->flying = nf;
        h->capflying = ncap;
    }
    probe_spec(t, ttl, TAG(ttl, h->stats.sent), &spec);
    if (t->cfg.history_len > 0 && h->hist == NULL) {
        h->hist = malloc(t->cfg.history_len * sizeof(*h->hist));
        h->hround = malloc(t->cfg.history_len * sizeof(*h->hround));
        h->hwho = malloc(t->cfg.history_len * sizeof(*h->hwho));
        if (h->hist == NULL || h->hround == NULL || h->hwho == NULL) {
            hist_free(h);
            return;
        }
    }
    if (hw_engine_probe(t->e, &spec, &id) < 0)
        return; /* every identifier busy, or no memory: retried next round */
    if (h->hist != NULL) {
        size_t k = h->stats.sent % t->cfg.history_len;

        h->hist[k] = HW_HIST_PENDING;
        h->hround[k] = t->rounds;
        h->hwho[k] = NOBODY;
    }
    h->flying[h->nflying++] = id;
    hw_stats_sent(&h->stats);
    if (h->win_start_ns == 0)
        h->win_start_ns = now_ns(t); /* the first window begins with the first probe */
    if (h->pace_ns > 0)
        h->next_ok_ns = now_ns(t) + h->pace_ns;
    t->in_flight++;
    t->generation++;
}

/* A probe past the route's end, to see the route come back or grow (see
 * trace.h).  It belongs to no hop: no statistics, history or log record;
 * only its answer's news counts (probe_done).  Sent every SCOUT_EVERY
 * rounds while the end fails: always past an unreachable, past a reached
 * end once SCOUT_AFTER of its probes in a row were not target replies.
 * Successive scouts take the TTLs past the end in turn, up to max_unknown
 * of them (a path that grew by more than that is found by the time
 * exceeded answers of the nearer ones). */
static void
scout(struct hw_trace *t)
{
    struct hw_probe_spec spec;
    int span, ttl;

    if (t->end_ttl == 0 || t->rounds % SCOUT_EVERY != 0)
        return;
    if (t->end == HW_END_REACHED && t->end_fails < SCOUT_AFTER)
        return;
    span = t->cfg.max_unknown;
    if (t->end_ttl + span > t->cfg.max_ttl)
        span = t->cfg.max_ttl - t->end_ttl;
    if (span <= 0)
        return;
    ttl = t->end_ttl + 1 + (int)(t->scout_next++ % (unsigned)span);
    probe_spec(t, ttl, TAG(ttl, 0) | TAG_SCOUT, &spec);
    if (hw_engine_probe(t->e, &spec, NULL) == 0)
        t->in_flight++;
}

/* Send this hop its probe of the round, unless its pacing says to sit the
 * round out (which counts towards its quota: a paced hop gets fewer
 * probes, it does not make the run longer). */
static void
probe_or_skip(struct hw_trace *t, int ttl)
{
    struct hop *h = hop_at(t, ttl);

    if (h->pace_ns > 0 && now_ns(t) < h->next_ok_ns)
        h->skipped++;
    else
        send_probe(t, ttl);
}

/* Record a probe's outcome in its hop's history, if still in the ring. */
static void
history_set(struct hw_trace *t, struct hop *h, uint64_t idx, int32_t value)
{
    if (h->hist != NULL && h->stats.sent - idx <= t->cfg.history_len && idx < h->stats.sent)
        h->hist[idx % t->cfg.history_len] = value;
}

/* Send to every TTL up to the horizon that is behind its quota. */
static void
fill_quota(struct hw_trace *t)
{
    uint64_t q = quota(t);

    for (int ttl = t->cfg.first_ttl; ttl <= horizon(t); ttl++) {
        struct hop *h = hop_at(t, ttl);

        if (h->stats.sent + h->skipped < q)
            probe_or_skip(t, ttl);
    }
    scout(t);
}

/* True while some TTL within the horizon still has probes to get. */
static bool
more_to_send(const struct hw_trace *t)
{
    if (t->cfg.cycles == 0)
        return true;
    for (int ttl = t->cfg.first_ttl; ttl <= horizon(t); ttl++) {
        const struct hop *h = &t->hops[ttl - t->cfg.first_ttl];

        if (h->stats.sent + h->skipped < t->cfg.cycles)
            return true;
    }
    return false;
}

static void round_due(void *arg, uint64_t id);

/* Start a round now and put the next one an interval after this one's due
 * time (no drift); after a pause or a stall, the schedule restarts from
 * now rather than firing a burst of overdue rounds. */
static void
start_round(struct hw_trace *t)
{
    struct hw_time now;

    hw_engine_now(t->e, &now);
    if (t->rounds == 0 || t->next_round_mono_ns + t->cfg.interval_ns < now.mono_ns)
        t->next_round_mono_ns = now.mono_ns;
    t->next_round_mono_ns += t->cfg.interval_ns;
    t->rounds++;
    t->round_real_ns[t->rounds % ROUND_RING] = now.real_ns;
    hw__pathlog_round(&t->log, t->end_ttl != 0 ? t->end_ttl : t->highest, now.real_ns);
    fill_quota(t);
}

/* Arm the round timer for the next round on the schedule
 * start + rounds * interval, unless nothing is left to send. */
static void
arm_timer(struct hw_trace *t)
{
    struct hw_time now;
    int64_t next, delay;

    if (t->timer_armed || t->paused || !more_to_send(t))
        return;
    hw_engine_now(t->e, &now);
    next = t->next_round_mono_ns;
    delay = next - now.mono_ns;
    if (delay < 0)
        delay = 0;
    if (hw_engine_timer_add(t->e, delay, round_due, t, &t->timer) == 0)
        t->timer_armed = true;
}

static void
round_due(void *arg, uint64_t id)
{
    struct hw_trace *t = arg;

    (void)id;
    t->timer_armed = false;
    start_round(t);
    arm_timer(t);
}

int
hw_trace_start(struct hw_trace *t)
{
    struct hw_time now;

    if (t->started)
        return HW_EINVAL;
    t->started = true;
    hw_engine_now(t->e, &now);
    t->start_real_ns = now.real_ns;
    if (!t->paused) {
        start_round(t);
        arm_timer(t);
    }
    return 0;
}

static void
forget_flying(struct hop *h, uint64_t id)
{
    for (size_t i = 0; i < h->nflying; i++) {
        if (h->flying[i] == id) {
            h->flying[i] = h->flying[--h->nflying];
            return;
        }
    }
}

static void
hop_clear(struct hop *h)
{
    free(h->resp);
    h->resp = NULL;
    h->nresp = h->capresp = 0;
    hist_free(h);
    hw_stats_init(&h->stats);
    h->skipped = 0;
    h->pace_ns = h->next_ok_ns = 0;
    h->win_from = h->win_recv = h->win_lost = 0;
    h->old_recv = h->old_lost = 0;
    h->win_start_ns = 0;
    h->trusted = h->throttled = h->undecided = h->vetted = false;
    h->send_status = 0;
    h->send_errors = 0;
}

/* The path ends at ttl: cancel probes past it and forget those hops.  The
 * cancellations call probe_done() re-entrantly with CANCELLED, which only
 * does bookkeeping. */
static void
set_end(struct hw_trace *t, int ttl, enum hw_trace_end kind, const struct hw_probe_result *r)
{
    int old = horizon(t);

    if (t->end_ttl != ttl || t->end != kind)
        t->end_fails = t->grow_votes = 0;
    t->end_ttl = ttl;
    t->end = kind;
    t->end_type = r->icmp_type;
    t->end_code = r->icmp_code;
    t->end_from = r->responder;
    for (int x = ttl + 1; x <= old && x <= t->cfg.max_ttl; x++) {
        struct hop *h = hop_at(t, x);

        while (h->nflying > 0)
            hw_engine_cancel(t->e, h->flying[h->nflying - 1]);
        hop_clear(h);
        hw__pathlog_forget_hop(&t->log, x);
    }
}

/* The route goes on past its believed end: a router answered "time
 * exceeded" at or past it, or (past an unreachable) the target answered a
 * scout.  The end is unknown again, the path is known to reach at least
 * ttl, and probing goes out from there as at the start (the caller probes
 * the TTLs the horizon gained at once). */
static void
reopen_end(struct hw_trace *t, int ttl, const struct hw_probe_result *r)
{
    if (t->reopen_real_ns == 0)
        t->reopen_real_ns = r->sent.real_ns;
    t->end_ttl = 0;
    t->end = HW_END_UNKNOWN;
    t->end_type = t->end_code = 0;
    memset(&t->end_from, 0, sizeof(t->end_from));
    t->end_fails = t->grow_votes = 0;
    t->highest = ttl;
    t->generation++;
}

static struct hw_responder *
responder_for(struct hop *h, const struct hw_addr *a)
{
    for (size_t i = 0; i < h->nresp; i++) {
        if (hw_addr_equal(&h->resp[i].addr, a))
            return &h->resp[i];
    }
    if (h->nresp == h->capresp) {
        size_t ncap = h->capresp ? h->capresp * 2 : 2;
        struct hw_responder *nr = realloc(h->resp, ncap * sizeof(*nr));

        if (nr == NULL)
            return NULL;
        h->resp = nr;
        h->capresp = ncap;
    }
    memset(&h->resp[h->nresp], 0, sizeof(h->resp[0]));
    h->resp[h->nresp].addr = *a;
    hw_stats_init(&h->resp[h->nresp].stats);
    return &h->resp[h->nresp++];
}

/* Count an answer at hop ttl; returns its responder (NULL when out of
 * memory). */
static struct hw_responder *
record_answer(struct hw_trace *t, int ttl, struct hop *h, const struct hw_probe_result *r)
{
    size_t known = h->nresp;
    struct hw_responder *rs = responder_for(h, &r->responder);

    /* A new address at a hop that had answered enough: the route changed
     * there (ECMP shows its alternatives long before), so the evidence of
     * this hop and every one behind it starts again. */
    if (rs != NULL && h->nresp > known && known > 0 && h->stats.received >= WINDOW_MIN) {
        for (int x = ttl; x <= t->cfg.max_ttl; x++)
            window_reset(t, hop_at(t, x));
    }

    hw_stats_reply(&h->stats, r->rtt_ns);
    hw__pathlog_answer(&t->log, ttl, &r->responder, r->sent.real_ns);
    if (rs == NULL)
        return NULL;
    hw_stats_reply(&rs->stats, r->rtt_ns);
    /* A responder's stats count its answers only (see trace.h). */
    rs->stats.sent = 0;
    rs->icmp_type = r->icmp_type;
    rs->icmp_code = r->icmp_code;
    rs->outcome = r->outcome;
    rs->tcp_flags = r->tcp_flags;
    rs->n_mpls = r->n_mpls;
    memcpy(rs->mpls, r->mpls, r->n_mpls * sizeof(rs->mpls[0]));
    if (rs->first_real_ns == 0)
        rs->first_real_ns = r->received.real_ns;
    rs->last_real_ns = r->received.real_ns;
    return rs;
}

/* A hop's evidence: its window and the one before it. */
static uint64_t
ev_recv(const struct hop *h)
{
    return h->win_recv + h->old_recv;
}

static uint64_t
ev_lost(const struct hop *h)
{
    return h->win_lost + h->old_lost;
}

/* The loss of the path behind hop ttl, from the windows that can tell:
 * the target's when it was reached, else the smallest of the later hops
 * that answer.  -1 when nothing behind can tell yet; *n gets its count. */
static double
loss_behind(const struct hw_trace *t, int ttl, uint64_t *n)
{
    double best = -1;

    for (int x = ttl + 1; x <= horizon(t) && x <= t->cfg.max_ttl; x++) {
        const struct hop *h = &t->hops[x - t->cfg.first_ttl];
        uint64_t k = ev_recv(h) + ev_lost(h);
        double l;

        if (k < JUDGE_FIRST || ev_recv(h) == 0)
            continue;
        l = (double)ev_lost(h) / (double)k;
        if (t->end == HW_END_REACHED && x == t->end_ttl) {
            *n = k;
            return l;
        }
        if (best < 0 || l < best) {
            best = l;
            *n = k;
        }
    }
    return best;
}

/* The share of probes a throttled hop answers once its burst allowance is
 * spent: the answered fraction of the later half of its window (from the
 * history ring; without one, of the whole window).  At least one answer is
 * counted: a limiter of 1/s can answer none of 8 probes sent at 10/s, and
 * none is not a rate to pace by. */
static double
sustained_answers(const struct hw_trace *t, const struct hop *h, uint64_t n)
{
    uint64_t ok = 0, known = 0, from = h->win_from + n / 2, to = h->win_from + n;

    if (h->hist == NULL || h->stats.sent - from > t->cfg.history_len || to > h->stats.sent)
        return (double)h->win_recv / (double)n;
    for (uint64_t i = from; i < to; i++) {
        int32_t v = h->hist[i % t->cfg.history_len];

        if (v == HW_HIST_PENDING)
            continue;
        known++;
        ok += v >= 0;
    }
    if (known == 0)
        return (double)h->win_recv / (double)n;
    return (double)(ok > 0 ? ok : 1) / (double)known;
}

/* A window of n outcomes is judged: n is 2^k or 3 * 2^k, from JUDGE_FIRST. */
static bool
checkpoint(uint64_t n)
{
    if (n < JUDGE_FIRST)
        return false;
    if (n % 3 == 0)
        n /= 3;
    return (n & (n - 1)) == 0;
}

/* Judge hop ttl's window: throttled replies lose clearly more than the
 * path behind them does.  Then pace a throttled hop (unless no_adapt).
 * See trace.h. */
static void
assess(struct hw_trace *t, int ttl)
{
    struct hop *h = hop_at(t, ttl);
    uint64_t n = h->win_recv + h->win_lost, nref = 0;
    double ref, p, se, lossy;
    int64_t now;

    if (t->end == HW_END_REACHED && ttl == t->end_ttl) {
        h->trusted = true; /* the target's echo replies are not limited */
        return;
    }
    /* Judged only at the checkpoints (see JUDGE_FIRST); and a hop that
     * answers nothing is silent, not throttled: a limited hop still
     * answers some (a burst, then its rate). */
    if (!checkpoint(n) || h->win_recv == 0) {
        if (n >= JUDGE_FIRST && ev_recv(h) > 0 && !h->throttled && !h->undecided)
            h->trusted = true;
        return;
    }
    ref = loss_behind(t, ttl, &nref);
    if (ref < 0) {
        h->trusted = true; /* nothing behind to compare with */
        h->undecided = false;
        return;
    }
    /* Two samples, both noisy: the standard error of their difference. */
    lossy = (double)h->win_lost / (double)n;
    p = ((double)h->win_lost + ref * (double)nref) / (double)(n + nref);
    se = sqrt(p * (1 - p) * (1.0 / (double)n + 1.0 / (double)nref));
    now = now_ns(t);
    if (lossy - ref >= JUDGE_GAP &&
        (se == 0 || (lossy - ref) / se > (h->pace_ns > 0 ? JUDGE_Z_PACED : JUDGE_Z))) {
        h->trusted = h->undecided = false;
        h->throttled = true;
        if (t->cfg.no_adapt)
            return;
        /* Slower: half the rate it keeps answering at, and at least half
         * the rate it had.  Clearly under the limit, because a hop paced
         * just over it loses a little, and before a lossy link a little
         * hides under the loss of the path behind, where no comparison
         * can see it. */
        double rate = NS_PER_S / (double)(h->pace_ns > 0 ? h->pace_ns : t->cfg.interval_ns);
        double replies = rate * sustained_answers(t, h, n);
        /* Paced already: the few answers of a slow window measure no
         * rate; halve it. */
        double slower = 0.5 * (h->pace_ns > 0 || rate < replies ? rate : replies);
        int64_t pace = slower > 0 ? (int64_t)(NS_PER_S / slower) : PACE_MAX_NS;

        h->pace_ns = pace > PACE_MAX_NS ? PACE_MAX_NS : pace;
        h->next_ok_ns = now + h->pace_ns;
        window_reset(t, h);
        t->generation++;
        return;
    }
    if (lossy - ref >= JUDGE_GAP && se > 0 &&
        (lossy - ref) / se >= (h->pace_ns > 0 || h->vetted ? JUDGE_AGREE_Z_KNOWN : JUDGE_AGREE_Z)) {
        /* Neither: wait for the next checkpoint. */
        h->trusted = false;
        h->undecided = true;
        return;
    }
    h->trusted = h->vetted = true;
    h->throttled = h->undecided = false;
}

/* When the target stopped being reached, as the probes can tell: the
 * first round after the one whose probe it last answered (that round's
 * probe already failed to reach it, whether or not anything said so yet:
 * routers limit their unreachables too).  At most by, the send time of
 * the probe that showed it; by itself when the rounds kept do not reach
 * back that far. */
static int64_t
stopped_since(const struct hw_trace *t, int64_t by)
{
    int64_t first = by;
    uint64_t n = t->rounds < ROUND_RING ? t->rounds : ROUND_RING;

    for (uint64_t k = 0; k < n; k++) {
        int64_t r = t->round_real_ns[(t->rounds - k) % ROUND_RING];

        if (r <= t->reply_sent_ns)
            return first;
        if (r < first)
            first = r;
    }
    return by;
}

/* The TTL whose probes stand for the target: the end once known, else the
 * deepest TTL probed. */
static int
target_ttl(const struct hw_trace *t)
{
    return t->end_ttl != 0 ? t->end_ttl : horizon(t);
}

/* What an answer at ttl says about where the route ends (trace.h): a
 * target reply or an unreachable ends it there, unless it ends nearer
 * already the same way; a time exceeded at or past the end says it goes
 * further. */
static void
end_news(struct hw_trace *t, int ttl, const struct hw_probe_result *r)
{
    bool nearer = t->end_ttl == 0 || ttl < t->end_ttl;
    bool at = ttl == t->end_ttl;
    int64_t when;

    switch (r->outcome) {
    case HW_OUTCOME_REPLY:
        if (nearer || (at && t->end != HW_END_REACHED))
            set_end(t, ttl, HW_END_REACHED, r);
        break;
    case HW_OUTCOME_UNREACHABLE:
        if (nearer || (at && t->end != HW_END_UNREACHABLE))
            set_end(t, ttl, HW_END_UNREACHABLE, r);
        break;
    case HW_OUTCOME_TIME_EXCEEDED:
        if (t->end_ttl != 0 && ttl >= t->end_ttl)
            reopen_end(t, ttl, r);
        break;
    default:
        break;
    }
    /* The history hears every answer that is the end now (it tells an
     * event only when that differs from what it told last), dated by the
     * probe that first showed the change: the one that reopened the end
     * when the route grew or came back. */
    if (ttl != t->end_ttl)
        return;
    when = t->reopen_real_ns != 0 ? t->reopen_real_ns : r->sent.real_ns;
    if (r->outcome == HW_OUTCOME_REPLY && t->end == HW_END_REACHED) {
        hw__pathlog_end(&t->log, HW_END_REACHED, ttl, &r->responder, -1, -1, when);
        t->reopen_real_ns = 0;
    } else if (r->outcome == HW_OUTCOME_UNREACHABLE && t->end == HW_END_UNREACHABLE) {
        hw__pathlog_end(&t->log, HW_END_UNREACHABLE, ttl, &r->responder, r->icmp_type,
                        r->icmp_code, stopped_since(t, when));
        t->reopen_real_ns = 0;
    }
}

/* Count an outcome for the target (trace.h): its reply, whatever the TTL;
 * and at the TTL that stands for it, any failure but a time exceeded (that
 * one says the target lies further, not that it is lost).  Then keep the
 * tally of a reached end's failures in a row, which starts the scouts. */
static void
count_for_target(struct hw_trace *t, int ttl, const struct hw_probe_result *r)
{
    if (r->outcome == HW_OUTCOME_REPLY) {
        hw_stats_sent(&t->target);
        hw_stats_reply(&t->target, r->rtt_ns);
        if (r->sent.real_ns > t->reply_sent_ns)
            t->reply_sent_ns = r->sent.real_ns;
    } else if (r->outcome != HW_OUTCOME_TIME_EXCEEDED && ttl == target_ttl(t)) {
        hw_stats_sent(&t->target);
        hw_stats_lost(&t->target);
    }
    if (t->end == HW_END_REACHED && ttl == t->end_ttl) {
        if (r->outcome == HW_OUTCOME_REPLY) {
            t->end_fails = t->grow_votes = 0;
        } else {
            if (t->end_fails++ == 0)
                t->end_fail_real_ns = r->sent.real_ns;
            if (t->end_fails == SILENT_AFTER)
                hw__pathlog_end(&t->log, HW_END_SILENT, ttl, NULL, -1, -1,
                                stopped_since(t, t->end_fail_real_ns));
        }
    }
}

/* A scout's news (see scout()): a time exceeded past the end says the
 * route goes further; past an unreachable, a target reply says it is back.
 * Past a reached end a target reply is expected, and moves the end out only
 * when the end keeps failing while scouts keep answering (a new hop that
 * never answers took its place). */
static void
scout_done(struct hw_trace *t, int ttl, const struct hw_probe_result *r)
{
    if (t->end_ttl == 0 || ttl <= t->end_ttl)
        return; /* the end moved since it was sent */
    if (r->outcome == HW_OUTCOME_TIME_EXCEEDED) {
        reopen_end(t, ttl, r);
    } else if (r->outcome == HW_OUTCOME_REPLY) {
        if (t->end == HW_END_UNREACHABLE ||
            (t->end_fails >= SCOUT_AFTER && ++t->grow_votes >= GROW_VOTES))
            reopen_end(t, t->end_ttl, r);
    }
}

/* The horizon moved out past before: probe the new TTLs now, not next
 * round. */
static void
probe_new_ttls(struct hw_trace *t, int before)
{
    uint64_t q = quota(t);

    if (horizon(t) <= before)
        return;
    for (int x = before + 1; x <= horizon(t); x++) {
        struct hop *nh = hop_at(t, x);

        /* A TTL the route reaches only now joins at this round: the
         * rounds it was not part of the route count as sat out, so a
         * route that changes never makes a run of N cycles longer. */
        if (nh->stats.sent + nh->skipped + 1 < q)
            nh->skipped = q - 1 - nh->stats.sent;
        if (nh->stats.sent + nh->skipped < q)
            probe_or_skip(t, x);
    }
    arm_timer(t);
}

static void
probe_done(void *arg, const struct hw_probe_result *r)
{
    struct hw_trace *t = arg;
    int ttl = TAG_TTL(r->tag);
    struct hop *h = hop_at(t, ttl);
    int before = horizon(t);
    struct hw_responder *who;

    t->in_flight--;
    if (r->tag & TAG_SCOUT) {
        if (r->outcome != HW_OUTCOME_CANCELLED)
            scout_done(t, ttl, r);
        probe_new_ttls(t, before);
        return;
    }
    forget_flying(h, r->id);
    if (r->outcome == HW_OUTCOME_CANCELLED)
        return;
    /* Past the known end: a probe that was already on its way. */
    if (t->end_ttl != 0 && ttl > t->end_ttl)
        return;
    t->generation++;

    switch (r->outcome) {
    case HW_OUTCOME_SEND_ERROR:
    case HW_OUTCOME_TIMEOUT:
        /* A send error is lost all the same, and said as what it is. */
        h->send_errors += r->outcome == HW_OUTCOME_SEND_ERROR;
        hw_stats_lost(&h->stats);
        history_set(t, h, TAG_IDX(r->tag), HW_HIST_LOST);
        break;
    case HW_OUTCOME_REPLY:
    case HW_OUTCOME_TIME_EXCEEDED:
    case HW_OUTCOME_UNREACHABLE:
    case HW_OUTCOME_ICMP_ERROR:
        who = record_answer(t, ttl, h, r);
        history_set(t, h, TAG_IDX(r->tag),
                    r->rtt_ns / 1000 > INT32_MAX ? INT32_MAX : (int32_t)(r->rtt_ns / 1000));
        if (who != NULL && who - h->resp < NOBODY && h->hwho != NULL &&
            h->stats.sent - TAG_IDX(r->tag) <= t->cfg.history_len)
            h->hwho[TAG_IDX(r->tag) % t->cfg.history_len] = (uint8_t)(who - h->resp);
        if (ttl > t->highest)
            t->highest = ttl;
        end_news(t, ttl, r);
        break;
    case HW_OUTCOME_CANCELLED:
        break;
    }
    h->send_status = r->outcome == HW_OUTCOME_SEND_ERROR ? r->status : 0;
    count_for_target(t, ttl, r);
    /* The window counts the probes sent since it began. */
    if (TAG_IDX(r->tag) >= h->win_from) {
        if (r->outcome == HW_OUTCOME_TIMEOUT || r->outcome == HW_OUTCOME_SEND_ERROR)
            h->win_lost++;
        else
            h->win_recv++;
        assess(t, ttl);
        /* A full window rolls over: the evidence is always the latest
         * 256 to 512 outcomes, so old conditions age out. */
        if (h->win_recv + h->win_lost >= WINDOW_ROLL) {
            h->old_recv = h->win_recv;
            h->old_lost = h->win_lost;
            h->win_recv = h->win_lost = 0;
            h->win_from = h->stats.sent;
            h->win_start_ns = now_ns(t);
        }
    }
    if (t->cfg.on_result != NULL)
        t->cfg.on_result(t->cfg.arg, ttl, r);
    probe_new_ttls(t, before);
}

/* A late or duplicate answer: counted, never as received (a target reply
 * in the target's counts too). */
static void
probe_extra(void *arg, const struct hw_probe_result *r)
{
    struct hw_trace *t = arg;
    int ttl = TAG_TTL(r->tag);
    bool late = r->extra == HW_EXTRA_LATE;

    if ((r->tag & TAG_SCOUT) || (t->end_ttl != 0 && ttl > t->end_ttl))
        return;
    t->generation++;
    if (late)
        hw_stats_late(&hop_at(t, ttl)->stats);
    else
        hw_stats_duplicate(&hop_at(t, ttl)->stats);
    if (r->outcome == HW_OUTCOME_REPLY) {
        if (late)
            hw_stats_late(&t->target);
        else
            hw_stats_duplicate(&t->target);
    }
}

/* The engine refuses a Paris UDP probe with a payload under 2 bytes (they
 * carry the checksum that tells the probes apart): a trace that let one
 * through would send nothing, for ever. */
static bool
payload_fits(enum hw_method method, size_t payload_size)
{
    return method != HW_METHOD_UDP_PARIS || payload_size >= 2;
}

struct hw_trace *
hw_trace_new(struct hw_engine *e, const struct hw_trace_config *cfg, int *status)
{
    struct hw_trace *t;
    const struct hw_trace_config *c = cfg;

    if (c->first_ttl < 1 || c->first_ttl > 255 || c->max_ttl < c->first_ttl ||
        c->max_ttl > 255 || c->max_unknown < 1 || c->max_unknown > 255 ||
        c->interval_ns <= 0 || c->timeout_ns <= 0 || c->tos < 0 || c->tos > 255 ||
        c->history_len > HISTORY_MAX || !payload_fits(c->method, c->payload_size) ||
        (c->target.family != AF_INET && c->target.family != AF_INET6)) {
        *status = HW_EINVAL;
        return NULL;
    }
    if (hw_engine_family_status(e, c->target.family) != 0) {
        *status = HW_EFAMILY;
        return NULL;
    }
    if (!hw_engine_can_send(e, c->method, c->target.family)) {
        *status = HW_EINVAL;
        return NULL;
    }
    t = calloc(1, sizeof(*t));
    if (t == NULL) {
        *status = -ENOMEM;
        return NULL;
    }
    t->nhops = c->max_ttl - c->first_ttl + 1;
    t->hops = calloc((size_t)t->nhops, sizeof(*t->hops));
    if (t->hops == NULL) {
        free(t);
        *status = -ENOMEM;
        return NULL;
    }
    for (int i = 0; i < t->nhops; i++)
        hw_stats_init(&t->hops[i].stats);
    if (hw__pathlog_init(&t->log, c->first_ttl, t->nhops, c->on_event, c->arg) < 0) {
        free(t->hops);
        free(t);
        *status = -ENOMEM;
        return NULL;
    }
    t->e = e;
    t->cfg = *c;
    t->highest = c->first_ttl - 1;
    hw_stats_init(&t->target);
    *status = 0;
    return t;
}

static void
free_hops(struct hop *hops, int n)
{
    for (int i = 0; i < n; i++) {
        free(hops[i].resp);
        free(hops[i].flying);
        hist_free(&hops[i]);
    }
    free(hops);
}

void
hw_trace_free(struct hw_trace *t)
{
    if (t == NULL)
        return;
    if (t->timer_armed)
        hw_engine_timer_cancel(t->e, t->timer);
    /* Cancels what is in flight (probe_done only does bookkeeping then)
     * and detaches lingering probes from us before we go. */
    hw_engine_release(t->e, t);
    free_hops(t->hops, t->nhops);
    hw__pathlog_fini(&t->log);
    free(t);
}

bool
hw_trace_done(const struct hw_trace *t)
{
    return t->started && t->cfg.cycles != 0 && t->in_flight == 0 && !more_to_send(t);
}

static int
by_received_desc(const void *a, const void *b)
{
    const struct hw_responder *x = a, *y = b;

    if (x->stats.received != y->stats.received)
        return x->stats.received > y->stats.received ? -1 : 1;
    /* Stable for equal counts: whoever answered first comes first. */
    return (x->first_real_ns > y->first_real_ns) - (x->first_real_ns < y->first_real_ns);
}

/* Responders that still answer come first (stably; the order by answers
 * is kept within each part): after a route change the hop's new router
 * heads its row within a few probes, while load-balanced routers that
 * alternate keep their order.  "Still" is within 3 of the hop's probe
 * intervals (its paced one when slowed) of the snapshot.  O(n) with a
 * handful of responders. */
static void
answering_first(struct hw_hop *d, int64_t interval_ns, int64_t now_real_ns)
{
    int64_t every = d->rate_pps > 0 ? (int64_t)(NS_PER_S / d->rate_pps) : interval_ns;
    int64_t since = now_real_ns - 3 * (every > interval_ns ? every : interval_ns);
    size_t k = 0;

    for (size_t i = 0; i < d->n_responders; i++) {
        if (d->responders[i].last_real_ns >= since) {
            struct hw_responder r = d->responders[i];

            memmove(&d->responders[k + 1], &d->responders[k], (i - k) * sizeof(r));
            d->responders[k++] = r;
        }
    }
}

/* Run the loss attribution over the hops of a snapshot (attrib.h): each
 * hop's window, trusted as assess() judged it. */
static void
attribute(const struct hw_trace *t, struct hw_trace_snapshot *s)
{
    struct hw_attrib_hop in[256];
    struct hw_attrib res[256];
    size_t n = s->n_hops < 256 ? s->n_hops : 256;

    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        const struct hop *h = &t->hops[i];

        in[i].received = ev_recv(h);
        in[i].lost = ev_lost(h);
        in[i].trusted = h->trusted;
        /* A hop that never answered at all: its whole life is the evidence
         * (pacing keeps restarting its window). */
        if (h->stats.received == 0) {
            in[i].lost = h->stats.lost;
            in[i].trusted = false;
        }
    }
    hw_attrib_estimate(in, n, t->cfg.first_ttl, WINDOW_MIN, res);
    for (size_t i = 0; i < n; i++) {
        s->hops[i].attrib = res[i];
        s->hops[i].evidence = in[i];
    }
}

/* How the route ends as far as the trace can tell now (trace.h): its
 * belief, or, while that is unknown, what the probes already say: nothing
 * can be sent, or the deepest TTL probed got no target reply. */
static void
end_now(const struct hw_trace *t, struct hw_trace_snapshot *s)
{
    const struct hop *top = &t->hops[horizon(t) - t->cfg.first_ttl];

    s->end = t->end;
    s->end_ttl = t->end_ttl;
    if (t->end != HW_END_UNKNOWN) {
        s->end_icmp_type = t->end_type;
        s->end_icmp_code = t->end_code;
        s->end_from = t->end_from;
    }
    if (!t->started)
        return;
    /* A local failure outranks any belief: nothing goes out now. */
    if (t->hops[0].send_status != 0) {
        s->end = HW_END_LOCAL_ERROR;
        s->end_ttl = 0;
        s->end_status = t->hops[0].send_status;
        return;
    }
    if (t->end != HW_END_UNKNOWN)
        return;
    if (horizon(t) >= t->cfg.max_ttl && top->stats.received + top->stats.lost > 0)
        s->end = HW_END_MAX_TTL;
    else if (top->stats.lost > 0 || hw_trace_done(t))
        s->end = horizon(t) >= t->cfg.max_ttl ? HW_END_MAX_TTL : HW_END_SILENT;
}

int
hw_trace_snapshot(const struct hw_trace *t, struct hw_trace_snapshot **out)
{
    struct hw_trace_snapshot *s;
    struct hw_time now;
    int last = t->cfg.first_ttl - 1;

    /* Hops shown: up to the end once known, else up to the last probed
     * TTL (trailing silent hops included, as mtr shows them). */
    for (int ttl = t->cfg.first_ttl; ttl <= horizon(t); ttl++) {
        if (t->hops[ttl - t->cfg.first_ttl].stats.sent > 0)
            last = ttl;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return -ENOMEM;
    hw_engine_now(t->e, &now);
    s->target = t->cfg.target;
    s->first_ttl = t->cfg.first_ttl;
    s->n_hops = (size_t)(last - t->cfg.first_ttl + 1);
    if (s->n_hops > 0) {
        s->hops = calloc(s->n_hops, sizeof(*s->hops));
        if (s->hops == NULL) {
            free(s);
            return -ENOMEM;
        }
    }
    for (size_t i = 0; i < s->n_hops; i++) {
        const struct hop *h = &t->hops[i];
        struct hw_hop *d = &s->hops[i];

        d->ttl = t->cfg.first_ttl + (int)i;
        d->stats = h->stats;
        d->throttled = h->throttled;
        d->send_errors = h->send_errors;
        d->send_status = h->send_status;
        d->paced = h->pace_ns > 0;
        d->rate_pps = (double)NS_PER_S / (double)(h->pace_ns > 0 ? h->pace_ns : t->cfg.interval_ns);
        if (h->nresp == 0)
            continue;
        d->responders = malloc(h->nresp * sizeof(*d->responders));
        if (d->responders == NULL) {
            hw_trace_snapshot_free(s);
            return -ENOMEM;
        }
        memcpy(d->responders, h->resp, h->nresp * sizeof(*d->responders));
        d->n_responders = h->nresp;
        qsort(d->responders, d->n_responders, sizeof(*d->responders), by_received_desc);
        answering_first(d, t->cfg.interval_ns, now.real_ns);
    }

    attribute(t, s);
    end_now(t, s);
    s->target_stats = t->target;
    if (hw__pathlog_snapshot(&t->log, s) < 0) {
        hw_trace_snapshot_free(s);
        return -ENOMEM;
    }
    s->rounds = t->rounds;
    s->start_real_ns = t->start_real_ns;
    s->now_real_ns = now.real_ns;
    *out = s;
    return 0;
}

void
hw_trace_snapshot_free(struct hw_trace_snapshot *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_hops; i++)
        free(s->hops[i].responders);
    free(s->hops);
    hw__pathlog_snapshot_free(s);
    free(s);
}

void
hw_trace_pause(struct hw_trace *t)
{
    if (t->paused)
        return;
    t->paused = true;
    if (t->timer_armed)
        hw_engine_timer_cancel(t->e, t->timer);
    t->timer_armed = false;
    t->generation++;
}

void
hw_trace_resume(struct hw_trace *t)
{
    struct hw_time now;

    if (!t->paused)
        return;
    t->paused = false;
    t->generation++;
    if (!t->started)
        return;
    hw_engine_now(t->e, &now);
    t->next_round_mono_ns = now.mono_ns;
    arm_timer(t);
}

bool
hw_trace_paused(const struct hw_trace *t)
{
    return t->paused;
}

/* Drop everything learned; the caller restarts the rounds if it wants. */
static void
forget_all(struct hw_trace *t)
{
    if (t->timer_armed)
        hw_engine_timer_cancel(t->e, t->timer);
    t->timer_armed = false;
    /* Cancels what is in flight (probe_done only does bookkeeping) and
     * detaches lingering probes, whose late answers would otherwise land
     * in the fresh statistics. */
    hw_engine_release(t->e, t);
    for (int i = 0; i < t->nhops; i++) {
        hop_clear(&t->hops[i]);
        t->hops[i].nflying = 0;
    }
    t->in_flight = 0;
    t->highest = t->cfg.first_ttl - 1;
    t->end_ttl = 0;
    t->end = HW_END_UNKNOWN;
    t->end_type = t->end_code = 0;
    memset(&t->end_from, 0, sizeof(t->end_from));
    t->end_fails = t->grow_votes = 0;
    t->reopen_real_ns = 0;
    t->reply_sent_ns = 0;
    t->scout_next = 0;
    hw_stats_init(&t->target);
    hw__pathlog_reset(&t->log);
    t->rounds = 0;
    t->generation++;
}

static void
restart(struct hw_trace *t)
{
    struct hw_time now;

    if (!t->started)
        return;
    hw_engine_now(t->e, &now);
    t->start_real_ns = now.real_ns;
    if (!t->paused) {
        start_round(t);
        arm_timer(t);
    }
}

void
hw_trace_reset(struct hw_trace *t)
{
    forget_all(t);
    restart(t);
}

int
hw_trace_set_interval(struct hw_trace *t, int64_t interval_ns)
{
    if (interval_ns <= 0)
        return HW_EINVAL;
    /* The next round is one new interval after the last one. */
    t->next_round_mono_ns += interval_ns - t->cfg.interval_ns;
    t->cfg.interval_ns = interval_ns;
    if (t->timer_armed) {
        hw_engine_timer_cancel(t->e, t->timer);
        t->timer_armed = false;
        arm_timer(t);
    }
    t->generation++;
    return 0;
}

int
hw_trace_set_ttl_range(struct hw_trace *t, int first_ttl, int max_ttl)
{
    struct hop *nh;
    struct hw__pathlog log;
    int n;

    if (first_ttl < 1 || first_ttl > 255 || max_ttl < first_ttl || max_ttl > 255)
        return HW_EINVAL;

    n = max_ttl - first_ttl + 1;
    nh = calloc((size_t)n, sizeof(*nh));
    if (nh == NULL)
        return -ENOMEM;
    if (hw__pathlog_init(&log, first_ttl, n, t->cfg.on_event, t->cfg.arg) < 0) {
        free(nh);
        return -ENOMEM;
    }
    forget_all(t);
    hw__pathlog_fini(&t->log);
    t->log = log;
    free_hops(t->hops, t->nhops);
    t->hops = nh;
    t->nhops = n;
    for (int i = 0; i < n; i++)
        hw_stats_init(&t->hops[i].stats);
    t->cfg.first_ttl = first_ttl;
    t->cfg.max_ttl = max_ttl;
    t->highest = first_ttl - 1;
    restart(t);
    return 0;
}

int
hw_trace_set_method(struct hw_trace *t, enum hw_method method, uint16_t port)
{
    if (!hw_engine_can_send(t->e, method, t->cfg.target.family) ||
        !payload_fits(method, t->cfg.payload_size))
        return HW_EINVAL;
    forget_all(t);
    t->cfg.method = method;
    t->cfg.port = port;
    restart(t);
    return 0;
}

const struct hw_trace_config *
hw_trace_config(const struct hw_trace *t)
{
    return &t->cfg;
}

uint64_t
hw_trace_generation(const struct hw_trace *t)
{
    return t->generation;
}

/* The latest probes of hop ttl still in its history ring, at most max:
 * how many, and the index of the first (oldest) into *first; 0 when the
 * TTL is outside the trace or has no history yet. */
static size_t
ring_span(const struct hw_trace *t, int ttl, size_t max, const struct hop **hop, uint64_t *first)
{
    const struct hop *h;
    uint64_t n;

    if (ttl < t->cfg.first_ttl || ttl > t->cfg.max_ttl)
        return 0;
    h = &t->hops[ttl - t->cfg.first_ttl];
    if (h->hist == NULL)
        return 0;
    n = h->stats.sent < t->cfg.history_len ? h->stats.sent : t->cfg.history_len;
    if (n > max)
        n = max;
    *hop = h;
    *first = h->stats.sent - n;
    return (size_t)n;
}

size_t
hw_trace_history(const struct hw_trace *t, int ttl, int32_t *out, size_t max)
{
    const struct hop *h = NULL;
    uint64_t first = 0;
    size_t n = ring_span(t, ttl, max, &h, &first);

    for (size_t i = 0; i < n; i++)
        out[i] = h->hist[(first + i) % t->cfg.history_len];
    return n;
}

size_t
hw_trace_marks(const struct hw_trace *t, int ttl, struct hw_trace_mark *out, size_t max)
{
    const struct hop *h = NULL;
    uint64_t first = 0;
    size_t n = ring_span(t, ttl, max, &h, &first);

    for (size_t i = 0; i < n; i++) {
        size_t k = (first + i) % t->cfg.history_len;

        out[i].round = h->hround[k];
        out[i].rtt_us = h->hist[k];
        memset(&out[i].who, 0, sizeof(out[i].who));
        if (h->hwho[k] != NOBODY && h->hwho[k] < h->nresp)
            out[i].who = h->resp[h->hwho[k]].addr;
    }
    return n;
}
