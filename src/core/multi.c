/* multi.c - many targets pinged at once.  See include/hopwatch/multi.h.
 *
 * The schedule is a sequence of cycles.  In each cycle every target gets
 * one probe, in index order, target i at cycle_start + i * spacing, where
 * spacing = max(interval / N, 1 / pps): the probes of a cycle are spread
 * over one interval, or as far as the cap needs.  The next cycle starts one
 * interval after this one, or when this one has finished sending, if that
 * is later.  So a target's probes are one interval apart (more when the cap
 * stretches the cycle), and nothing ever scans the targets: the next one to
 * send is always next_idx.
 *
 * One engine timer drives it.  A tick sends every probe due within the
 * next millisecond (a batch), so the number of wake-ups per second is
 * bounded by 1000 whatever the probe rate.  Due times are absolute, so a
 * late wake-up (timers round up to the millisecond) delays probes but
 * never slows the schedule down, and the spacing alone keeps the rate at
 * the cap over any window longer than a batch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/error.h>
#include <hopwatch/multi.h>

#define NS_PER_S 1000000000LL
/* A tick sends what is due this soon, so ticks come at most every 1 ms. */
#define BATCH_NS 1000000LL
/* Later than this, the schedule moves to now instead of catching up. */
#define STALL_NS (10 * BATCH_NS)
#define HISTORY_MAX 65536

/* The tag of a probe: target index low, its probe number high. */
#define TAG(idx, n) ((uint64_t)(idx) | ((uint64_t)(n) << 32))
#define TAG_IDX(tag) ((size_t)((tag)&0xffffffffu))
#define TAG_N(tag) ((tag) >> 32)

struct target {
    struct hw_addr addr;     /* where its probes go */
    struct hw_stats stats;   /* what came back */
    uint32_t in_flight;      /* its probes in flight */
    int32_t *hist;           /* outcomes ring, history_len long, or NULL */
    int send_status;         /* its latest send error, or 0 */
};

struct hw_multi {
    struct hw_engine *e;          /* the engine */
    struct hw_multi_config cfg;   /* a copy of the config */
    struct target *t;             /* targets */
    size_t n;                     /* targets used */
    size_t cap;                   /* targets allocated */
    uint64_t cycle;               /* cycles started (probes per target so far) */
    size_t next_idx;              /* next target to send to in this cycle */
    int64_t cycle_start_ns;       /* when this cycle's first probe was due */
    int64_t spacing_ns;           /* between two targets' probes in a cycle */
    uint64_t timer;               /* the pacer timer */
    bool timer_armed;             /* it is pending */
    bool started;                 /* hw_multi_start() ran */
    bool paused;                  /* hw_multi_pause() */
    uint64_t in_flight;           /* probes in flight, all targets */
    size_t short_of_count;        /* targets with fewer than count probes */
    uint64_t generation;          /* bumped on every change of a statistic */
};

void
hw_multi_config_init(struct hw_multi_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->interval_ns = NS_PER_S;
    cfg->timeout_ns = NS_PER_S;
    cfg->pps = 1000;
    cfg->payload_size = 56;
}

struct hw_multi *
hw_multi_new(struct hw_engine *e, const struct hw_multi_config *cfg, int *status)
{
    struct hw_multi *m;

    if (cfg->interval_ns <= 0 || cfg->timeout_ns <= 0 || cfg->pps < 0 || cfg->ttl < 0 ||
        cfg->ttl > 255 || cfg->tos < 0 || cfg->tos > 255 || cfg->history_len > HISTORY_MAX) {
        *status = HW_EINVAL;
        return NULL;
    }
    m = calloc(1, sizeof(*m));
    if (m == NULL) {
        *status = -ENOMEM;
        return NULL;
    }
    m->e = e;
    m->cfg = *cfg;
    *status = 0;
    return m;
}

void
hw_multi_free(struct hw_multi *m)
{
    if (m == NULL)
        return;
    if (m->timer_armed)
        hw_engine_timer_cancel(m->e, m->timer);
    hw_engine_release(m->e, m);
    for (size_t i = 0; i < m->n; i++)
        free(m->t[i].hist);
    free(m->t);
    free(m);
}

/* Spacing of the probes within a cycle (see the top of this file). */
static void
update_spacing(struct hw_multi *m)
{
    int64_t s = m->n > 0 ? m->cfg.interval_ns / (int64_t)m->n : m->cfg.interval_ns;

    if (m->cfg.pps > 0 && (double)s < NS_PER_S / m->cfg.pps)
        s = (int64_t)(NS_PER_S / m->cfg.pps);
    m->spacing_ns = s;
}

static void arm(struct hw_multi *m, int64_t now);

int
hw_multi_add(struct hw_multi *m, const struct hw_addr *addr, size_t *index)
{
    struct target *t;

    if (addr->family != AF_INET && addr->family != AF_INET6)
        return HW_EINVAL;
    if (hw_engine_family_status(m->e, addr->family) != 0)
        return HW_EFAMILY;
    if (!hw_engine_can_send(m->e, m->cfg.method, addr->family))
        return HW_EINVAL;
    if (m->n == UINT32_MAX)
        return -ENOMEM;
    if (m->n == m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        struct target *nt = realloc(m->t, ncap * sizeof(*nt));

        if (nt == NULL)
            return -ENOMEM;
        m->t = nt;
        m->cap = ncap;
    }
    t = &m->t[m->n];
    memset(t, 0, sizeof(*t));
    t->addr = *addr;
    hw_stats_init(&t->stats);
    m->short_of_count++;
    if (index != NULL)
        *index = m->n;
    m->n++;
    update_spacing(m);
    m->generation++;
    /* A target added to a running set joins the current cycle. */
    if (m->started && !m->timer_armed) {
        struct hw_time now;

        hw_engine_now(m->e, &now);
        arm(m, now.mono_ns);
    }
    return 0;
}

static void probe_done(void *arg, const struct hw_probe_result *r);
static void probe_extra(void *arg, const struct hw_probe_result *r);
static void tick(void *arg, uint64_t id);

/* More probes to send: endless, or some target below its count (one added
 * late keeps the cycles going until it has had its count too). */
static bool
more_to_send(const struct hw_multi *m)
{
    return m->n > 0 && (m->cfg.count == 0 || m->short_of_count > 0);
}

/* When target next_idx of the current cycle is due. */
static int64_t
next_due(const struct hw_multi *m)
{
    return m->cycle_start_ns + (int64_t)m->next_idx * m->spacing_ns;
}

/* When the next cycle may start: an interval after this one began, and
 * not before one spacing after its last probe (so the cap holds across the
 * boundary when it stretched the cycle). */
static int64_t
next_cycle_start(const struct hw_multi *m)
{
    int64_t by_interval = m->cycle_start_ns + m->cfg.interval_ns;
    int64_t by_cap = m->cycle_start_ns + (int64_t)m->n * m->spacing_ns;

    return by_interval > by_cap ? by_interval : by_cap;
}

static void
arm(struct hw_multi *m, int64_t now)
{
    int64_t when, delay;

    if (m->timer_armed || m->paused || !m->started || !more_to_send(m))
        return;
    when = m->next_idx < m->n ? next_due(m) : next_cycle_start(m);
    delay = when - now;
    if (delay < 0)
        delay = 0;
    if (hw_engine_timer_add(m->e, delay, tick, m, &m->timer) == 0)
        m->timer_armed = true;
}

/* Send target next_idx's probe of this cycle.  False when the engine
 * cannot take it now (every identifier busy, no memory): try next tick. */
static bool
send_next(struct hw_multi *m)
{
    struct target *t = &m->t[m->next_idx];
    struct hw_probe_spec spec;
    uint64_t nth = t->stats.sent;

    memset(&spec, 0, sizeof(spec));
    spec.method = m->cfg.method;
    spec.port = m->cfg.port;
    spec.dst = t->addr;
    spec.ttl = m->cfg.ttl;
    spec.tos = m->cfg.tos;
    spec.payload_size = m->cfg.payload_size;
    spec.fill = m->cfg.fill;
    spec.fill_byte = m->cfg.fill_byte;
    spec.timeout_ns = m->cfg.timeout_ns;
    spec.cb = probe_done;
    spec.on_extra = probe_extra;
    spec.arg = m;
    spec.tag = TAG(m->next_idx, nth);
    if (m->cfg.history_len > 0 && t->hist == NULL) {
        t->hist = malloc(m->cfg.history_len * sizeof(*t->hist));
        if (t->hist == NULL)
            return false;
    }
    if (hw_engine_probe(m->e, &spec, NULL) < 0)
        return false;
    if (t->hist != NULL)
        t->hist[nth % m->cfg.history_len] = HW_HIST_PENDING;
    hw_stats_sent(&t->stats);
    if (m->cfg.count != 0 && t->stats.sent == m->cfg.count)
        m->short_of_count--;
    t->in_flight++;
    m->in_flight++;
    m->generation++;
    return true;
}

static void
start_cycle(struct hw_multi *m, int64_t now)
{
    int64_t next = m->cycle == 0 ? now : next_cycle_start(m);

    if (next < now)
        next = now;
    m->cycle_start_ns = next;
    m->next_idx = 0;
    m->cycle++;
}

static void
tick(void *arg, uint64_t id)
{
    struct hw_multi *m = arg;
    struct hw_time now;

    (void)id;
    m->timer_armed = false;
    hw_engine_now(m->e, &now);
    for (;;) {
        if (m->next_idx >= m->n) {
            /* The cycle is sent; the next starts an interval after this
             * one did, or now if the cap stretched this one further. */
            if (!more_to_send(m) || next_cycle_start(m) > now.mono_ns + BATCH_NS)
                break;
            start_cycle(m, now.mono_ns);
        }
        /* A target that has had its count keeps its place, silently. */
        if (m->cfg.count != 0 && m->t[m->next_idx].stats.sent >= m->cfg.count) {
            m->next_idx++;
            continue;
        }
        /* Fallen behind (a stall, a busy host): move the rest of the cycle
         * to now rather than catch up in a burst over the cap.  A few
         * milliseconds late is normal (poll waits in whole milliseconds)
         * and is caught up; re-anchoring then would slow the whole rate. */
        if (next_due(m) < now.mono_ns - STALL_NS)
            m->cycle_start_ns = now.mono_ns - (int64_t)m->next_idx * m->spacing_ns;
        if (next_due(m) > now.mono_ns + BATCH_NS || !send_next(m))
            break;
        m->next_idx++;
    }
    arm(m, now.mono_ns);
}

int
hw_multi_start(struct hw_multi *m)
{
    struct hw_time now;

    if (m->started)
        return HW_EINVAL;
    m->started = true;
    hw_engine_now(m->e, &now);
    start_cycle(m, now.mono_ns);
    if (!m->paused)
        tick(m, 0);
    return 0;
}

static void
history_set(struct hw_multi *m, struct target *t, uint64_t nth, int32_t v)
{
    if (t->hist != NULL && nth < t->stats.sent && t->stats.sent - nth <= m->cfg.history_len)
        t->hist[nth % m->cfg.history_len] = v;
}

static void
probe_done(void *arg, const struct hw_probe_result *r)
{
    struct hw_multi *m = arg;
    size_t idx = TAG_IDX(r->tag);
    struct target *t = &m->t[idx];

    t->in_flight--;
    m->in_flight--;
    if (r->outcome == HW_OUTCOME_CANCELLED)
        return;
    m->generation++;
    switch (r->outcome) {
    case HW_OUTCOME_REPLY:
        hw_stats_reply(&t->stats, r->rtt_ns);
        history_set(m, t, TAG_N(r->tag),
                    r->rtt_ns / 1000 > INT32_MAX ? INT32_MAX : (int32_t)(r->rtt_ns / 1000));
        break;
    case HW_OUTCOME_SEND_ERROR:
        /* A local error (no route, a firewall, too big): not a loss. */
        hw_stats_send_error(&t->stats);
        t->send_status = r->status;
        history_set(m, t, TAG_N(r->tag), HW_HIST_ERROR);
        break;
    default:
        /* An error from a router (unreachable, TTL exceeded) is not an
         * answer from the target: for a ping it is a loss, as for fping. */
        hw_stats_lost(&t->stats);
        history_set(m, t, TAG_N(r->tag), HW_HIST_LOST);
        break;
    }
    if (m->cfg.on_result != NULL)
        m->cfg.on_result(m->cfg.arg, idx, r);
}

static void
probe_extra(void *arg, const struct hw_probe_result *r)
{
    struct hw_multi *m = arg;
    size_t idx = TAG_IDX(r->tag);

    m->generation++;
    if (r->extra == HW_EXTRA_SUPERSEDED) {
        struct target *t = &m->t[idx];

        /* An unauthenticated error was counted as a loss; the target's
         * authenticated reply replaces it.  (The reverse, a forged-looking
         * "reply" replaced by an error, cannot happen for echo probes: a
         * short quote is never a reply to them.) */
        if (r->outcome == HW_OUTCOME_REPLY && r->replaced != HW_OUTCOME_REPLY) {
            hw_stats_unlost(&t->stats);
            hw_stats_reply(&t->stats, r->rtt_ns);
            history_set(m, t, TAG_N(r->tag),
                        r->rtt_ns / 1000 > INT32_MAX ? INT32_MAX
                                                     : (int32_t)(r->rtt_ns / 1000));
        }
    } else if (r->extra == HW_EXTRA_LATE) {
        hw_stats_late(&m->t[idx].stats);
    } else {
        hw_stats_duplicate(&m->t[idx].stats);
    }
    if (m->cfg.on_result != NULL)
        m->cfg.on_result(m->cfg.arg, idx, r);
}

bool
hw_multi_done(const struct hw_multi *m)
{
    return m->started && m->cfg.count != 0 && !more_to_send(m) && m->in_flight == 0;
}

size_t
hw_multi_size(const struct hw_multi *m)
{
    return m->n;
}

int
hw_multi_stats(const struct hw_multi *m, size_t index, struct hw_stats *out)
{
    if (index >= m->n)
        return HW_EINVAL;
    *out = m->t[index].stats;
    return 0;
}

int
hw_multi_send_status(const struct hw_multi *m, size_t index)
{
    return index < m->n ? m->t[index].send_status : 0;
}

struct hw_addr
hw_multi_addr(const struct hw_multi *m, size_t index)
{
    struct hw_addr none = {.family = AF_UNSPEC};

    return index < m->n ? m->t[index].addr : none;
}

size_t
hw_multi_history(const struct hw_multi *m, size_t index, int32_t *out, size_t max)
{
    const struct target *t;
    uint64_t n, first;

    if (index >= m->n || m->t[index].hist == NULL)
        return 0;
    t = &m->t[index];
    n = t->stats.sent < m->cfg.history_len ? t->stats.sent : m->cfg.history_len;
    if (n > max)
        n = max;
    first = t->stats.sent - n;
    for (uint64_t i = 0; i < n; i++)
        out[i] = t->hist[(first + i) % m->cfg.history_len];
    return (size_t)n;
}

void
hw_multi_pause(struct hw_multi *m)
{
    if (m->paused)
        return;
    m->paused = true;
    if (m->timer_armed)
        hw_engine_timer_cancel(m->e, m->timer);
    m->timer_armed = false;
    m->generation++;
}

void
hw_multi_resume(struct hw_multi *m)
{
    struct hw_time now;

    if (!m->paused)
        return;
    m->paused = false;
    m->generation++;
    if (!m->started)
        return;
    hw_engine_now(m->e, &now);
    /* The rest of this cycle from now, as if it had just begun there. */
    m->cycle_start_ns = now.mono_ns - (int64_t)m->next_idx * m->spacing_ns;
    arm(m, now.mono_ns);
}

void
hw_multi_reset(struct hw_multi *m)
{
    struct hw_time now;

    if (m->timer_armed)
        hw_engine_timer_cancel(m->e, m->timer);
    m->timer_armed = false;
    /* Cancel what flies and detach what lingers, so no late answer lands
     * in the fresh statistics. */
    hw_engine_release(m->e, m);
    for (size_t i = 0; i < m->n; i++) {
        hw_stats_init(&m->t[i].stats);
        m->t[i].in_flight = 0;
        free(m->t[i].hist);
        m->t[i].hist = NULL;
    }
    m->in_flight = 0;
    m->short_of_count = m->n;
    m->cycle = 0;
    m->next_idx = 0;
    m->generation++;
    if (!m->started)
        return;
    hw_engine_now(m->e, &now);
    start_cycle(m, now.mono_ns);
    if (!m->paused)
        arm(m, now.mono_ns);
}

uint64_t
hw_multi_generation(const struct hw_multi *m)
{
    return m->generation;
}

size_t
hw_multi_memory(const struct hw_multi *m)
{
    size_t bytes = sizeof(*m) + m->cap * sizeof(*m->t);

    for (size_t i = 0; i < m->n; i++) {
        if (m->t[i].hist != NULL)
            bytes += m->cfg.history_len * sizeof(*m->t[i].hist);
    }
    return bytes;
}
