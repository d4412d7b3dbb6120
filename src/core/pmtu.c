/* pmtu.c - path MTU discovery toward one target (see hopwatch/pmtu.h).
 *
 * One probe at a time: its callback decides the next size (or TTL) and arms
 * a timer for the next send, no earlier than one interval after the last.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/error.h>
#include <hopwatch/pmtu.h>

/* The largest max_mtu: the engine's largest payload (65000) and headers. */
#define PMTU_MAX 65000

enum phase {
    PH_SEARCH = 0,   /* probing sizes to the target */
    PH_LOCATE,       /* probing pmtu + 1 with TTL ttl */
    PH_LOCATE_SMALL, /* the large probe vanished: a base-size one, same TTL */
    PH_END,          /* nothing more to send */
};

struct hw_pmtu {
    struct hw_engine *e;
    struct hw_pmtu_config cfg;
    struct hw_pmtu_result res;
    enum phase phase;
    int lo;                  /* largest size that reached the target, 0: none */
    int hi;                  /* largest size that may reach it */
    bool hi_tried;           /* hi was probed already (or is a bound, not a hint) */
    enum hw_pmtu_reason hi_reason; /* what set hi last */
    struct hw_addr router;   /* the router behind hi_reason ROUTER */
    int router_mtu;          /* the MTU it gave */
    int router_size;         /* the largest probe it answered too big */
    int size;                /* size of the probe in flight / next probe */
    int tries;               /* probes of this size (and TTL) so far */
    int ttl;                 /* locate: the TTL probed */
    int unknown;             /* locate: silent hops in a row */
    struct hw_addr last_hop; /* locate: who answered the large probe at ttl - 1 */
    bool flying;             /* a probe is in flight */
    uint64_t probe_id;
    bool timer_on;           /* a send timer is pending */
    uint64_t timer_id;
    int64_t last_send_ns;    /* monotonic time of the latest send, 0: none */
    bool closing;            /* being freed: send nothing */
};

void
hw_pmtu_config_init(struct hw_pmtu_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->target.family = AF_UNSPEC;
    cfg->method = HW_METHOD_ICMP;
    cfg->interval_ns = 1000000000;
    cfg->timeout_ns = 2000000000;
    cfg->max_mtu = 9000;
    cfg->tries = 2;
    cfg->max_ttl = 30;
    cfg->max_unknown = 5;
}

/* IP and transport header bytes in front of the payload. */
static int
header_bytes(const struct hw_pmtu *p)
{
    /* ICMP echo and UDP headers are both 8 bytes. */
    return (p->cfg.target.family == AF_INET6 ? 40 : 20) + 8;
}

static int
base_size(const struct hw_pmtu_config *c)
{
    if (c->base > 0)
        return c->base;
    return c->target.family == AF_INET6 ? 1280 : 576;
}

/* RFC 1191's plateau below size, for a router that gives no MTU. */
static int
plateau_below(int size)
{
    static const int plateaus[] = {32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

    for (size_t i = 0; i < sizeof(plateaus) / sizeof(plateaus[0]); i++)
        if (plateaus[i] < size)
            return plateaus[i];
    return 68;
}

static void send_next(struct hw_pmtu *p);

static void
timer_fired(void *arg, uint64_t id)
{
    struct hw_pmtu *p = arg;

    (void)id;
    p->timer_on = false;
    send_next(p);
}

/* Send the next probe once an interval has passed since the last one (at
 * once when now is true: a local send error costs no network time). */
static void
schedule(struct hw_pmtu *p, bool now)
{
    struct hw_time t;
    int64_t delay = 0;

    if (p->closing || p->phase == PH_END)
        return;
    hw_engine_now(p->e, &t);
    if (!now && p->last_send_ns != 0 && p->last_send_ns + p->cfg.interval_ns > t.mono_ns)
        delay = p->last_send_ns + p->cfg.interval_ns - t.mono_ns;
    if (hw_engine_timer_add(p->e, delay, timer_fired, p, &p->timer_id) == 0)
        p->timer_on = true;
    /* else no memory: the search stalls where it is, its result stays */
}

static void
changed(struct hw_pmtu *p)
{
    p->res.generation++;
}

static void
finish(struct hw_pmtu *p, enum hw_pmtu_state st)
{
    p->phase = PH_END;
    p->res.state = st;
    changed(p);
}

static void
fail(struct hw_pmtu *p, enum hw_pmtu_reason why, int status)
{
    p->res.reason = why;
    p->res.status = status;
    p->res.pmtu = 0;
    finish(p, HW_PMTU_FAILED);
}

/* The bounds met: the path MTU is lo.  Locate the drop if the network, not
 * this host, limits it. */
static void
search_done(struct hw_pmtu *p)
{
    p->res.pmtu = p->lo;
    p->res.reason = p->hi_reason;
    p->res.hop_reach = 0;
    if (p->hi_reason == HW_PMTU_REASON_ROUTER) {
        p->res.hop_addr = p->router;
        p->res.router_mtu = p->router_mtu;
    }
    if (p->hi_reason != HW_PMTU_REASON_ROUTER && p->hi_reason != HW_PMTU_REASON_BLACKHOLE) {
        finish(p, HW_PMTU_DONE);
        return;
    }
    p->phase = PH_LOCATE;
    p->res.state = HW_PMTU_LOCATING;
    p->size = p->lo + 1;
    p->ttl = 1;
    p->tries = 0;
    p->unknown = 0;
    p->last_hop.family = AF_UNSPEC;
    changed(p);
    schedule(p, false);
}

/* Choose the next size of the search, or end it. */
static void
search_next(struct hw_pmtu *p)
{
    int next;

    if (p->lo == 0)
        next = base_size(&p->cfg);
    else if (p->lo >= p->hi) {
        search_done(p);
        return;
    } else if (!p->hi_tried)
        next = p->hi;
    else
        next = p->lo + (p->hi - p->lo + 1) / 2;
    if (next != p->size)
        p->tries = 0;
    p->size = next;
}

/* A size did not reach the target: hi is now at most hi (a router's hint
 * to try next, or a bound found by probing). */
static void
lower_hi(struct hw_pmtu *p, int hi, bool hint, enum hw_pmtu_reason why)
{
    if (hi < p->hi) {
        p->hi = hi;
        p->hi_reason = why;
    }
    p->hi_tried = !hint;
    if (p->res.failed == 0 || p->size < p->res.failed)
        p->res.failed = p->size;
}

static bool
is_too_big(const struct hw_pmtu *p, const struct hw_probe_result *r)
{
    if (p->cfg.target.family == AF_INET6)
        return r->icmp_type == 2;
    return r->outcome == HW_OUTCOME_UNREACHABLE && r->icmp_type == 3 && r->icmp_code == 4;
}

static void
search_result(struct hw_pmtu *p, const struct hw_probe_result *r)
{
    bool at_once = false;

    if (is_too_big(p, r)) {
        int m = (int)r->icmp_info;

        if (m <= 0 || m >= p->size)
            m = plateau_below(p->size);
        if (m < p->lo) /* a bogus hint: the size itself is the bound */
            m = p->size - 1;
        if (m < p->hi || !p->hi_tried) {
            if (!hw_addr_equal(&p->router, &r->responder))
                p->router_size = 0;
            p->router = r->responder;
            p->router_mtu = (int)r->icmp_info;
        }
        if (hw_addr_equal(&p->router, &r->responder) && p->router_size < p->size)
            p->router_size = p->size;
        lower_hi(p, m, true, HW_PMTU_REASON_ROUTER);
    } else {
        switch (r->outcome) {
        case HW_OUTCOME_REPLY:
            if (p->size > p->lo)
                p->lo = p->size;
            if (p->lo > p->res.passed)
                p->res.passed = p->lo;
            if (p->lo >= p->hi) /* a reply at hi: it is no longer a hint */
                p->hi_tried = true;
            break;
        case HW_OUTCOME_TIMEOUT:
            if (++p->tries < p->cfg.tries)
                break; /* the same size again */
            if (p->lo == 0) {
                fail(p, HW_PMTU_REASON_NO_ANSWER, 0);
                return;
            }
            lower_hi(p, p->size - 1, false, HW_PMTU_REASON_BLACKHOLE);
            break;
        case HW_OUTCOME_SEND_ERROR:
            if (r->status != -EMSGSIZE) {
                fail(p, HW_PMTU_REASON_SEND_ERROR, r->status);
                return;
            }
            if (p->size <= base_size(&p->cfg)) {
                fail(p, HW_PMTU_REASON_SEND_ERROR, r->status);
                return;
            }
            lower_hi(p, p->size - 1, false, HW_PMTU_REASON_LOCAL);
            at_once = true;
            break;
        case HW_OUTCOME_TIME_EXCEEDED:
        case HW_OUTCOME_UNREACHABLE:
        case HW_OUTCOME_ICMP_ERROR:
            fail(p, HW_PMTU_REASON_UNREACHABLE, 0);
            return;
        case HW_OUTCOME_CANCELLED:
            return;
        }
    }
    changed(p);
    search_next(p);
    if (p->phase == PH_SEARCH)
        schedule(p, at_once);
}

/* The drop is after hop ttl - 1. */
static void
located(struct hw_pmtu *p, enum hw_pmtu_reason why, const struct hw_addr *addr)
{
    p->res.hop_ttl = p->ttl - 1;
    p->res.reason = why;
    if (why == HW_PMTU_REASON_BLACKHOLE)
        p->res.router_mtu = 0;
    if (addr != NULL && addr->family != AF_UNSPEC)
        p->res.hop_addr = *addr;
    else if (why == HW_PMTU_REASON_BLACKHOLE)
        p->res.hop_addr.family = AF_UNSPEC;
    p->res.hop_reach = p->lo + 1; /* the large probes answered up to here */
    if (why == HW_PMTU_REASON_ROUTER && hw_addr_equal(&p->router, &p->res.hop_addr) &&
        p->router_size > p->res.hop_reach)
        p->res.hop_reach = p->router_size;
    finish(p, HW_PMTU_DONE);
}

/* Hop not found (a changed route, too many silent hops): the path MTU
 * stands, its hop stays unknown. */
static void
not_located(struct hw_pmtu *p)
{
    p->res.hop_ttl = 0;
    p->res.hop_reach = 0;
    finish(p, HW_PMTU_DONE);
}

static void
next_ttl(struct hw_pmtu *p)
{
    p->ttl++;
    p->tries = 0;
    p->phase = PH_LOCATE;
    p->size = p->lo + 1;
    if (p->ttl > p->cfg.max_ttl) {
        not_located(p);
        return;
    }
    schedule(p, false);
}

static void
locate_result(struct hw_pmtu *p, const struct hw_probe_result *r)
{
    if (r->outcome == HW_OUTCOME_CANCELLED)
        return;
    if (p->phase == PH_LOCATE && is_too_big(p, r)) {
        p->router_mtu = (int)r->icmp_info;
        p->res.router_mtu = p->router_mtu;
        located(p, HW_PMTU_REASON_ROUTER, &r->responder);
        return;
    }
    switch (r->outcome) {
    case HW_OUTCOME_TIME_EXCEEDED:
        if (p->phase == PH_LOCATE_SMALL) {
            /* Small ones pass where the large ones vanish. */
            located(p, HW_PMTU_REASON_BLACKHOLE, &p->last_hop);
            return;
        }
        p->last_hop = r->responder;
        p->unknown = 0;
        next_ttl(p);
        return;
    case HW_OUTCOME_REPLY:
        if (p->phase == PH_LOCATE_SMALL) {
            located(p, HW_PMTU_REASON_BLACKHOLE, &p->last_hop);
            return;
        }
        not_located(p); /* the large probe reached the target after all */
        return;
    case HW_OUTCOME_TIMEOUT:
        if (++p->tries < p->cfg.tries) {
            schedule(p, false);
            return;
        }
        if (p->phase == PH_LOCATE) {
            p->phase = PH_LOCATE_SMALL;
            p->size = base_size(&p->cfg);
            p->tries = 0;
            schedule(p, false);
            return;
        }
        /* Neither size answers at this TTL: a silent hop. */
        p->last_hop.family = AF_UNSPEC;
        if (++p->unknown >= p->cfg.max_unknown) {
            not_located(p);
            return;
        }
        next_ttl(p);
        return;
    default:
        not_located(p); /* unreachable, a send error: give up on the hop */
        return;
    }
}

static void
probe_done(void *arg, const struct hw_probe_result *r)
{
    struct hw_pmtu *p = arg;

    p->flying = false;
    if (p->closing || r->outcome == HW_OUTCOME_CANCELLED)
        return;
    if (p->phase == PH_SEARCH)
        search_result(p, r);
    else if (p->phase == PH_LOCATE || p->phase == PH_LOCATE_SMALL)
        locate_result(p, r);
}

static void
send_next(struct hw_pmtu *p)
{
    struct hw_probe_spec spec;
    struct hw_time t;
    int st;

    if (p->closing || p->flying || p->phase == PH_END)
        return;
    memset(&spec, 0, sizeof(spec));
    spec.method = p->cfg.method;
    spec.port = p->cfg.port;
    spec.dst = p->cfg.target;
    spec.ttl = p->phase == PH_SEARCH ? 0 : p->ttl;
    spec.payload_size = (size_t)(p->size - header_bytes(p));
    spec.timeout_ns = p->cfg.timeout_ns;
    spec.cb = probe_done;
    spec.arg = p;
    spec.tag = (uint64_t)p->size;
    st = hw_engine_probe(p->e, &spec, &p->probe_id);
    if (st == HW_EBUSY || st == -ENOMEM) {
        schedule(p, false); /* identifiers busy or no memory: later */
        return;
    }
    if (st < 0) {
        fail(p, HW_PMTU_REASON_SEND_ERROR, st); /* the engine refuses it: never retry */
        return;
    }
    hw_engine_now(p->e, &t);
    p->last_send_ns = t.mono_ns;
    p->flying = true;
    p->res.probes_sent++;
}

static bool
config_ok(const struct hw_pmtu_config *c)
{
    int base = base_size(c);
    int hdr = (c->target.family == AF_INET6 ? 40 : 20) + 8;

    return (c->target.family == AF_INET || c->target.family == AF_INET6) &&
           c->interval_ns >= 0 && c->timeout_ns > 0 && c->max_mtu >= 68 &&
           c->max_mtu <= PMTU_MAX && base >= hdr + 18 && base <= c->max_mtu &&
           c->tries >= 1 && c->tries <= 10 && c->max_ttl >= 1 && c->max_ttl <= 255 &&
           c->max_unknown >= 1 && c->max_unknown <= 255 && c->method >= HW_METHOD_ICMP &&
           c->method <= HW_METHOD_UDP_PARIS;
}

struct hw_pmtu *
hw_pmtu_new(struct hw_engine *e, const struct hw_pmtu_config *cfg, int *status)
{
    struct hw_pmtu *p;

    if (e == NULL || cfg == NULL || !config_ok(cfg) || !hw_engine_dont_fragment(e)) {
        *status = HW_EINVAL;
        return NULL;
    }
    if (hw_engine_family_status(e, cfg->target.family) != 0) {
        *status = HW_EFAMILY;
        return NULL;
    }
    if (!hw_engine_can_send(e, cfg->method, cfg->target.family)) {
        *status = HW_EINVAL;
        return NULL;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL) {
        *status = -ENOMEM;
        return NULL;
    }
    p->e = e;
    p->cfg = *cfg;
    p->phase = PH_END;
    p->res.hop_addr.family = AF_UNSPEC;
    *status = 0;
    return p;
}

static void
stop(struct hw_pmtu *p)
{
    bool was = p->closing;

    p->closing = true;
    if (p->timer_on)
        hw_engine_timer_cancel(p->e, p->timer_id);
    p->timer_on = false;
    if (p->flying)
        hw_engine_cancel(p->e, p->probe_id);
    p->flying = false;
    p->closing = was;
}

int
hw_pmtu_start(struct hw_pmtu *p)
{
    uint64_t gen = p->res.generation;

    stop(p);
    memset(&p->res, 0, sizeof(p->res));
    p->res.generation = gen + 1;
    p->res.hop_addr.family = AF_UNSPEC;
    p->res.state = HW_PMTU_SEARCHING;
    p->phase = PH_SEARCH;
    p->lo = 0;
    p->hi = p->cfg.max_mtu;
    p->hi_tried = false;
    p->hi_reason = HW_PMTU_REASON_MAX;
    p->router.family = AF_UNSPEC;
    p->router_mtu = 0;
    p->router_size = 0;
    p->size = 0;
    p->tries = 0;
    p->last_send_ns = 0;
    search_next(p);
    if (hw_engine_timer_add(p->e, 0, timer_fired, p, &p->timer_id) < 0) {
        p->phase = PH_END;
        return -ENOMEM;
    }
    p->timer_on = true;
    return 0;
}

void
hw_pmtu_free(struct hw_pmtu *p)
{
    if (p == NULL)
        return;
    p->closing = true;
    stop(p);
    p->closing = true;
    hw_engine_release(p->e, p);
    free(p);
}

bool
hw_pmtu_done(const struct hw_pmtu *p)
{
    return p->res.state == HW_PMTU_DONE || p->res.state == HW_PMTU_FAILED;
}

void
hw_pmtu_result(const struct hw_pmtu *p, struct hw_pmtu_result *r)
{
    *r = p->res;
    if (r->state == HW_PMTU_SEARCHING)
        r->reason = HW_PMTU_REASON_NONE;
}

