/* pathlog.c - a trace's route history.  See pathlog.h; the model is in
 * include/hopwatch/trace.h (route events, paths).
 *
 * A new responder at a hop that has settled (8 answers since it joined the
 * route) is a candidate until it is told apart: 4 answers from candidates
 * and none from the hop's members is a switch; 2 from each is load
 * balancing; a candidate that answered once while the members answered 8
 * times is dropped as noise.  Until a hop settles, whoever answers it just
 * joins: that is discovery, not a change.  Paths change only by events;
 * hops that fill in later (discovery, hops that joined a longer route)
 * complete the current path in place, and a current path that becomes
 * equal to an older one merges into it, so a route that flaps between two
 * paths shows two paths however often it flaps.  Every cost here is a few
 * responders times the path length.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/pathlog.h"

#define SETTLED 8
#define SWITCH_AFTER 4
#define BALANCE_EACH 2
#define NOISE_AFTER 8
#define FRESH_ROUNDS 8

const char *
hw_route_change_name(enum hw_route_change kind)
{
    switch (kind) {
    case HW_ROUTE_SWITCHED: return "switched";
    case HW_ROUTE_BALANCED: return "balanced";
    case HW_ROUTE_LONGER: return "longer";
    case HW_ROUTE_SHORTER: return "shorter";
    case HW_ROUTE_UNREACHABLE: return "unreachable";
    case HW_ROUTE_REACHABLE: return "reachable";
    }
    return "unknown";
}

int
hw__pathlog_init(struct hw__pathlog *p, int first_ttl, int nhops, hw_trace_event_cb cb,
                 void *arg)
{
    memset(p, 0, sizeof(*p));
    p->hops = calloc((size_t)nhops, sizeof(*p->hops));
    p->paths = calloc(HW__PATHLOG_PATHS, sizeof(*p->paths));
    if (p->hops == NULL || p->paths == NULL) {
        free(p->hops);
        free(p->paths);
        return -ENOMEM;
    }
    p->first_ttl = first_ttl;
    p->nhops = nhops;
    p->cb = cb;
    p->arg = arg;
    return 0;
}

void
hw__pathlog_reset(struct hw__pathlog *p)
{
    for (size_t i = 0; i < p->npaths; i++)
        free(p->paths[i].hops);
    memset(p->paths, 0, HW__PATHLOG_PATHS * sizeof(*p->paths));
    memset(p->hops, 0, (size_t)p->nhops * sizeof(*p->hops));
    p->npaths = p->current = 0;
    p->fresh = false;
    p->fresh_rounds = 0;
    p->announced = false;
    p->end = HW_END_UNKNOWN;
    p->end_ttl = p->reached_ttl = p->last_ttl = 0;
    p->nevents = 0;
}

void
hw__pathlog_fini(struct hw__pathlog *p)
{
    if (p->paths != NULL)
        hw__pathlog_reset(p);
    free(p->paths);
    free(p->hops);
    p->paths = NULL;
    p->hops = NULL;
}

static struct hw__pathlog_hop *
hop(struct hw__pathlog *p, int ttl)
{
    if (ttl < p->first_ttl || ttl >= p->first_ttl + p->nhops)
        return NULL;
    return &p->hops[ttl - p->first_ttl];
}

static bool
has(const struct hw_path_hop *h, const struct hw_addr *a)
{
    for (size_t i = 0; i < h->n; i++) {
        if (hw_addr_equal(&h->addr[i], a))
            return true;
    }
    return false;
}

/* Add a to the set (no room: it is not kept, see HW_PATH_WIDTH). */
static void
add(struct hw_path_hop *h, const struct hw_addr *a)
{
    if (!has(h, a) && h->n < HW_PATH_WIDTH)
        h->addr[h->n++] = *a;
}

static bool
same_hop(const struct hw_path_hop *a, const struct hw_path_hop *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        if (!has(b, &a->addr[i]))
            return false;
    }
    return true;
}

static bool
same_path(const struct hw_path *a, const struct hw_path *b)
{
    if (a->end != b->end || a->n_hops != b->n_hops)
        return false;
    for (size_t i = 0; i < a->n_hops; i++) {
        if (!same_hop(&a->hops[i], &b->hops[i]))
            return false;
    }
    return true;
}

/* The route as the hops say now, into path (its hops reallocated). */
static int
describe(const struct hw__pathlog *p, struct hw_path *path)
{
    size_t n = p->last_ttl >= p->first_ttl ? (size_t)(p->last_ttl - p->first_ttl + 1) : 0;
    struct hw_path_hop *nh = NULL;

    if (n > (size_t)p->nhops)
        n = (size_t)p->nhops;
    if (n > 0) {
        nh = realloc(path->hops, n * sizeof(*nh));
        if (nh == NULL)
            return -ENOMEM;
        for (size_t i = 0; i < n; i++)
            nh[i] = p->hops[i].members;
    } else {
        free(path->hops);
    }
    path->hops = nh;
    path->n_hops = n;
    path->end = p->end == HW_END_REACHED || p->end == HW_END_UNREACHABLE ? p->end
                                                                         : HW_END_UNKNOWN;
    return 0;
}

/* Path drop is the same as path keep: keep takes its time and rounds,
 * drop goes, and every index past it moves down one. */
static void
merge(struct hw__pathlog *p, size_t keep, size_t drop)
{
    struct hw_path *a = &p->paths[keep], *b = &p->paths[drop];

    if (b->first_real_ns < a->first_real_ns)
        a->first_real_ns = b->first_real_ns;
    if (b->last_real_ns > a->last_real_ns)
        a->last_real_ns = b->last_real_ns;
    a->rounds += b->rounds;
    free(b->hops);
    memmove(b, b + 1, (p->npaths - drop - 1) * sizeof(*b));
    p->npaths--;
    memset(&p->paths[p->npaths], 0, sizeof(*b));
    if (keep > drop)
        keep--;
#define MOVED(x) ((x) == drop ? keep : (x) > drop ? (x)-1 : (x))
    p->current = MOVED(p->current);
    for (uint64_t k = 0; k < p->nevents && k < HW__PATHLOG_EVENTS; k++)
        p->ring[k].path = MOVED(p->ring[k].path);
#undef MOVED
    p->fresh = false;
}

/* A slot for a new path: the next free one, or the least recently seen
 * that is not current (its events then point at a path that is gone:
 * they keep the index, which says nothing any more; 64 paths are far more
 * than a screen or a report shows). */
static size_t
new_slot(struct hw__pathlog *p)
{
    size_t old = 0;

    if (p->npaths < HW__PATHLOG_PATHS)
        return p->npaths++;
    for (size_t i = 1; i < p->npaths; i++) {
        if (i != p->current && (old == p->current ||
                                p->paths[i].last_real_ns < p->paths[old].last_real_ns))
            old = i;
    }
    free(p->paths[old].hops);
    memset(&p->paths[old], 0, sizeof(p->paths[old]));
    return old;
}

/* The current path changed in place (hops filled in): describe it again,
 * and if it is now the same as another, they are one. */
static void
touch(struct hw__pathlog *p, int64_t real_ns)
{
    struct hw_path *cur;

    if (!p->announced)
        return;
    if (p->current >= p->npaths) {
        size_t i = new_slot(p);

        p->paths[i].first_real_ns = p->paths[i].last_real_ns = real_ns;
        p->current = i;
    }
    cur = &p->paths[p->current];
    if (describe(p, cur) < 0)
        return;
    for (size_t i = 0; i < p->npaths; i++) {
        if (i != p->current && same_path(&p->paths[i], cur)) {
            merge(p, i, p->current);
            return;
        }
    }
}

/* An event changed the path: the current one is the path the hops
 * describe now, an old one if seen before.  A path that an event made
 * less than FRESH_ROUNDS ago is still settling (one change shows at many
 * hops, each told apart a few answers later): the next events complete it
 * in place rather than leave a trail of half-changed paths. */
static void
switch_path(struct hw__pathlog *p, int64_t real_ns)
{
    struct hw_path now = {0};
    size_t i;

    if (p->fresh && p->current < p->npaths) {
        touch(p, real_ns);
        return;
    }
    if (describe(p, &now) < 0)
        return;
    for (i = 0; i < p->npaths; i++) {
        if (same_path(&p->paths[i], &now))
            break;
    }
    if (i == p->npaths) {
        i = new_slot(p);
        p->paths[i] = now;
        p->paths[i].first_real_ns = real_ns;
        p->fresh = true;
        p->fresh_rounds = 0;
    } else {
        free(now.hops);
    }
    if (p->current < p->npaths && p->current != i)
        p->paths[p->current].last_real_ns = real_ns;
    p->current = i;
    p->paths[i].last_real_ns = real_ns;
}

static void
tell(struct hw__pathlog *p, struct hw_route_event *ev)
{
    switch_path(p, ev->real_ns);
    ev->path = p->current;
    p->ring[p->nevents % HW__PATHLOG_EVENTS] = *ev;
    p->nevents++;
    if (p->cb != NULL)
        p->cb(p->arg, ev);
}

static void
event_init(struct hw_route_event *ev, enum hw_route_change kind, int ttl, int64_t real_ns)
{
    memset(ev, 0, sizeof(*ev));
    ev->kind = kind;
    ev->ttl = ttl;
    ev->real_ns = real_ns;
    ev->icmp_type = ev->icmp_code = -1;
}

/* Tell a hop's candidates apart once the answers allow it. */
static void
decide(struct hw__pathlog *p, int ttl, struct hw__pathlog_hop *h)
{
    struct hw_route_event ev;

    if (h->cand.n == 0)
        return;
    if (h->cand_answers >= BALANCE_EACH && h->member_answers >= BALANCE_EACH) {
        event_init(&ev, HW_ROUTE_BALANCED, ttl, h->cand_real_ns);
        ev.to = h->cand.addr[0];
        for (size_t i = 0; i < h->cand.n; i++)
            add(&h->members, &h->cand.addr[i]);
    } else if (h->cand_answers >= SWITCH_AFTER && h->member_answers == 0) {
        event_init(&ev, HW_ROUTE_SWITCHED, ttl, h->cand_real_ns);
        ev.from = h->members.addr[0];
        ev.to = h->cand.addr[0];
        h->members = h->cand;
    } else if (h->member_answers >= NOISE_AFTER && h->cand_answers < BALANCE_EACH) {
        memset(&h->cand, 0, sizeof(h->cand));
        return;
    } else {
        return;
    }
    memset(&h->cand, 0, sizeof(h->cand));
    tell(p, &ev);
}

void
hw__pathlog_answer(struct hw__pathlog *p, int ttl, const struct hw_addr *who, int64_t real_ns)
{
    struct hw__pathlog_hop *h = hop(p, ttl);

    if (h == NULL)
        return;
    h->answers++;
    if (has(&h->members, who)) {
        if (h->cand.n > 0) {
            h->member_answers++;
            decide(p, ttl, h);
        }
        return;
    }
    if (h->answers <= SETTLED || h->members.n == 0) {
        /* Discovery: whoever answers a hop that has not settled is there. */
        add(&h->members, who);
        if (ttl > p->last_ttl && p->end == HW_END_UNKNOWN)
            p->last_ttl = ttl;
        touch(p, real_ns);
        return;
    }
    if (h->cand.n == 0) {
        h->cand_real_ns = real_ns;
        h->cand_answers = h->member_answers = 0;
    }
    add(&h->cand, who);
    h->cand_answers++;
    decide(p, ttl, h);
}

void
hw__pathlog_forget_hop(struct hw__pathlog *p, int ttl)
{
    struct hw__pathlog_hop *h = hop(p, ttl);

    if (h != NULL)
        memset(h, 0, sizeof(*h));
}

void
hw__pathlog_end(struct hw__pathlog *p, enum hw_trace_end end, int ttl,
                const struct hw_addr *from, int type, int code, int64_t real_ns)
{
    struct hw_route_event ev;
    bool was_reached = p->end == HW_END_REACHED;

    if (p->announced && end == p->end && ttl == p->end_ttl)
        return;
    if (end != HW_END_SILENT)
        p->last_ttl = ttl;
    if (!p->announced) {
        p->announced = true;
        p->end = end;
        p->end_ttl = ttl;
        if (end == HW_END_REACHED)
            p->reached_ttl = ttl;
        touch(p, real_ns);
        return;
    }
    if (end == HW_END_REACHED) {
        event_init(&ev, was_reached ? (ttl > p->end_ttl ? HW_ROUTE_LONGER : HW_ROUTE_SHORTER)
                                    : HW_ROUTE_REACHABLE,
                   ttl, real_ns);
        ev.old_ttl = was_reached ? p->end_ttl : p->reached_ttl;
        p->reached_ttl = ttl;
    } else if (was_reached) {
        event_init(&ev, HW_ROUTE_UNREACHABLE, ttl, real_ns);
        if (from != NULL)
            ev.from = *from;
        if (end == HW_END_UNREACHABLE) {
            ev.icmp_type = type;
            ev.icmp_code = code;
        }
    } else {
        /* Not reached before either (the unreachable moved, or went
         * quiet): the same state, told once already. */
        p->end = end;
        p->end_ttl = ttl;
        touch(p, real_ns);
        return;
    }
    p->end = end;
    p->end_ttl = ttl;
    tell(p, &ev);
}

void
hw__pathlog_round(struct hw__pathlog *p, int deepest, int64_t real_ns)
{
    struct hw_path *cur;

    if (p->end == HW_END_UNKNOWN && deepest != p->last_ttl) {
        p->last_ttl = deepest;
        touch(p, real_ns);
    }
    if (!p->announced && deepest >= p->first_ttl) {
        /* Never reached nor unreachable yet: the path so far is a path. */
        p->announced = true;
        p->last_ttl = deepest;
        touch(p, real_ns);
    }
    if (p->fresh && ++p->fresh_rounds >= FRESH_ROUNDS)
        p->fresh = false;
    if (p->current >= p->npaths)
        return;
    cur = &p->paths[p->current];
    cur->rounds++;
    cur->last_real_ns = real_ns;
}

int
hw__pathlog_snapshot(const struct hw__pathlog *p, struct hw_trace_snapshot *s)
{
    size_t nev = p->nevents < HW__PATHLOG_EVENTS ? (size_t)p->nevents : HW__PATHLOG_EVENTS;
    uint64_t first = p->nevents - nev;

    s->route_changes = p->nevents;
    s->current_path = p->current < p->npaths ? p->current : p->npaths;
    if (nev > 0) {
        s->events = malloc(nev * sizeof(*s->events));
        if (s->events == NULL)
            return -ENOMEM;
        for (size_t i = 0; i < nev; i++)
            s->events[i] = p->ring[(first + i) % HW__PATHLOG_EVENTS];
        s->n_events = nev;
    }
    if (p->npaths > 0) {
        s->paths = calloc(p->npaths, sizeof(*s->paths));
        if (s->paths == NULL) {
            hw__pathlog_snapshot_free(s);
            return -ENOMEM;
        }
        s->n_paths = p->npaths;
        for (size_t i = 0; i < p->npaths; i++) {
            s->paths[i] = p->paths[i];
            s->paths[i].hops = NULL;
            if (p->paths[i].n_hops == 0)
                continue;
            s->paths[i].hops = malloc(p->paths[i].n_hops * sizeof(*s->paths[i].hops));
            if (s->paths[i].hops == NULL) {
                hw__pathlog_snapshot_free(s);
                return -ENOMEM;
            }
            memcpy(s->paths[i].hops, p->paths[i].hops,
                   p->paths[i].n_hops * sizeof(*s->paths[i].hops));
        }
    }
    return 0;
}

void
hw__pathlog_snapshot_free(struct hw_trace_snapshot *s)
{
    for (size_t i = 0; i < s->n_paths; i++)
        free(s->paths[i].hops);
    free(s->paths);
    free(s->events);
    s->paths = NULL;
    s->events = NULL;
    s->n_paths = s->n_events = 0;
}
