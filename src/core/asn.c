/* asn.c - the cache of origin AS lookups, filled asynchronously through the
 * resolver (the answers are parsed by asinfo.c).  See hopwatch/asn.h.
 *
 * The cache keeps its entries in an array in the order they were added and
 * an address map over them (O(1) lookups: the screen asks for every
 * responder on every redraw).  The map cannot remove, so when the array is
 * full one pass drops the expired entries and, if that is not enough, the
 * oldest quarter, and rebuilds the map: O(n) once per n/4 additions, O(1)
 * amortised.  An answer finds its entry again by address, so entries may
 * move or go while a query is out.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hopwatch/asn.h>
#include <hopwatch/error.h>

#include "core/addrmap.h"

#define DEFAULT_CAPACITY 4096
#define DEFAULT_TTL_MS (3600 * 1000LL)
#define DEFAULT_NEGATIVE_TTL_MS (60 * 1000LL)
/* Longest zone accepted: a query name adds 64 bytes (IPv6 nibbles). */
#define ZONE_MAX 200
/* Room for a query name: the IPv6 nibbles and the zone. */
#define QNAME_MAX (ZONE_MAX + 80)

/* ---- the cache ------------------------------------------------------------ */

struct entry {
    struct hw_addr addr;     /* the address */
    struct hw_asinfo info;   /* what is known (state PENDING: nothing yet) */
    int64_t expires_ms;      /* when to look it up again (not while pending) */
    bool origin_pending;     /* an origin query is out */
    bool name_pending;       /* a name query is out */
};

/* What a query carries, so the cache can be freed (owner set to NULL) or
 * the entry moved or dropped before the answer comes. */
struct ticket {
    struct hw_as *owner;     /* the cache, or NULL once it is gone */
    struct hw_addr addr;     /* whose entry the answer is for */
    bool name;               /* a name query (else an origin query) */
    uint32_t asn;            /* name query: the AS asked for */
    struct ticket *next;     /* pending tickets, doubly linked */
    struct ticket *prev;     /* ... for O(1) removal */
};

struct hw_as {
    struct hw_resolver *r;   /* where queries go by default */
    char zone4[ZONE_MAX + 1];     /* IPv4 origin zone */
    char zone6[ZONE_MAX + 1];     /* IPv6 origin zone */
    char name_zone[ZONE_MAX + 1]; /* AS-name zone, "" none */
    size_t capacity;         /* most entries */
    int64_t ttl_ms;          /* life of an answer */
    int64_t negative_ttl_ms; /* life of a failure */
    hw_as_query_fn query;    /* sends a query */
    void *query_arg;         /* its argument */
    int64_t (*now_ms)(void *); /* the clock */
    void *now_arg;           /* its argument */
    struct entry *ents;      /* entries, oldest first */
    size_t nents;            /* entries used */
    size_t capents;          /* entries allocated (grows up to capacity) */
    struct hw__addrmap index;/* address -> entry index */
    struct ticket *tickets;  /* queries out */
    size_t pending;          /* their number */
    uint64_t generation;     /* bumped when a query completes */
    struct hw_as_counters counters; /* what it did */
};

static int64_t
mono_ms(void *arg)
{
    struct timespec ts;

    (void)arg;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
resolver_query(void *arg, const char *name, hw_txt_cb cb, void *cb_arg)
{
    return hw_resolver_txt(arg, name, cb, cb_arg);
}

/* Copy zone (NULL: def) without a trailing dot.  false when too long. */
static bool
set_zone(char *dst, const char *zone, const char *def)
{
    size_t n;

    if (zone == NULL)
        zone = def;
    n = strlen(zone);
    if (n > 0 && zone[n - 1] == '.')
        n--;
    if (n > ZONE_MAX)
        return false;
    memcpy(dst, zone, n);
    dst[n] = '\0';
    return true;
}

struct hw_as *
hw_as_new(struct hw_resolver *r, const struct hw_as_config *cfg)
{
    struct hw_as_config none = {0};
    struct hw_as *c;

    if (cfg == NULL)
        cfg = &none;
    if (r == NULL && cfg->query == NULL)
        return NULL;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    if (!set_zone(c->zone4, cfg->zone4, HW_AS_ZONE4) ||
        !set_zone(c->zone6, cfg->zone6, HW_AS_ZONE6) ||
        !set_zone(c->name_zone, cfg->name_zone, HW_AS_NAME_ZONE)) {
        free(c);
        return NULL;
    }
    c->r = r;
    c->capacity = cfg->capacity ? cfg->capacity : DEFAULT_CAPACITY;
    c->ttl_ms = cfg->ttl_ms > 0 ? cfg->ttl_ms : DEFAULT_TTL_MS;
    c->negative_ttl_ms = cfg->negative_ttl_ms > 0 ? cfg->negative_ttl_ms
                                                  : DEFAULT_NEGATIVE_TTL_MS;
    c->query = cfg->query != NULL ? cfg->query : resolver_query;
    c->query_arg = cfg->query != NULL ? cfg->query_arg : r;
    c->now_ms = cfg->now_ms != NULL ? cfg->now_ms : mono_ms;
    c->now_arg = cfg->now_arg;
    hw__addrmap_init(&c->index);
    return c;
}

void
hw_as_free(struct hw_as *c)
{
    if (c == NULL)
        return;
    for (struct ticket *t = c->tickets; t != NULL; t = t->next)
        t->owner = NULL;
    free(c->ents);
    hw__addrmap_fini(&c->index);
    free(c);
}

static struct entry *
find(struct hw_as *c, const struct hw_addr *a)
{
    uint32_t i;

    return hw__addrmap_get(&c->index, a, &i) ? &c->ents[i] : NULL;
}

static void
unlink_ticket(struct hw_as *c, struct ticket *t)
{
    if (t->prev != NULL)
        t->prev->next = t->next;
    else if (c != NULL)
        c->tickets = t->next;
    if (t->next != NULL)
        t->next->prev = t->prev;
}

static void start_name(struct hw_as *c, struct entry *e);

static void
answer(void *arg, int status, const char *txt, size_t len)
{
    struct ticket *t = arg;
    struct hw_as *c = t->owner;
    struct entry *e;

    unlink_ticket(c, t);
    if (c == NULL) {
        free(t);
        return;
    }
    c->pending--;
    c->generation++;
    e = find(c, &t->addr);
    if (e != NULL && t->name) {
        char name[HW_AS_NAME_MAX];

        e->name_pending = false;
        /* Only for the AS the entry still names. */
        if (status == 0 && e->info.asn == t->asn &&
            hw_asinfo_parse_name(txt, len, t->asn, name, sizeof(name)) == 0)
            memcpy(e->info.name, name, sizeof(name));
    } else if (e != NULL) {
        struct hw_asinfo info;
        int64_t now = c->now_ms(c->now_arg);

        e->origin_pending = false;
        if (status == 0 && hw_asinfo_parse_origin(txt, len, &info) == 0) {
            /* Keep a known name while the AS stays the same. */
            if (info.asn == e->info.asn)
                memcpy(info.name, e->info.name, sizeof(info.name));
            e->info = info;
            e->expires_ms = now + c->ttl_ms;
            if (e->info.name[0] == '\0')
                start_name(c, e);
        } else {
            /* Timeouts, server failures, no record and malformed records
             * alike: shown as unknown, asked again after a short while. */
            memset(&e->info, 0, sizeof(e->info));
            e->info.state = HW_AS_NONE;
            e->expires_ms = now + c->negative_ttl_ms;
        }
    }
    free(t);
}

/* Send a query for e (its name when name); false when it could not be
 * sent. */
static bool
send_query(struct hw_as *c, struct entry *e, bool name, const char *qname)
{
    struct ticket *t = calloc(1, sizeof(*t));

    if (t == NULL)
        return false;
    t->owner = c;
    t->addr = e->addr;
    t->name = name;
    t->asn = e->info.asn;
    t->next = c->tickets;
    if (t->next != NULL)
        t->next->prev = t;
    c->tickets = t;
    c->pending++;
    c->counters.queries++;
    if (name)
        e->name_pending = true;
    else
        e->origin_pending = true;
    /* The answer may come at once (no server): answer() handles it, and
     * may move nothing (it only writes the entry). */
    if (c->query(c->query_arg, qname, answer, t) < 0) {
        unlink_ticket(c, t);
        c->pending--;
        free(t);
        if (name)
            e->name_pending = false;
        else
            e->origin_pending = false;
        return false;
    }
    return true;
}

static void
start_name(struct hw_as *c, struct entry *e)
{
    char qname[QNAME_MAX];

    if (c->name_zone[0] == '\0' || e->name_pending || e->info.asn == 0)
        return;
    snprintf(qname, sizeof(qname), "AS%u.%s", (unsigned)e->info.asn, c->name_zone);
    (void)send_query(c, e, true, qname);
}

static void
start_origin(struct hw_as *c, struct entry *e)
{
    char qname[QNAME_MAX];
    const char *zone = e->addr.family == AF_INET ? c->zone4 : c->zone6;

    if (hw_asinfo_query_name(&e->addr, zone, qname, sizeof(qname)) < 0 ||
        !send_query(c, e, false, qname)) {
        /* Not even sent (no memory): a failure like any other. */
        e->info.state = e->info.state == HW_AS_PENDING ? HW_AS_NONE : e->info.state;
        e->expires_ms = c->now_ms(c->now_arg) + c->negative_ttl_ms;
    }
}

/* Make room for one entry: drop expired entries, then the oldest quarter if
 * that was not enough; never one with a query out.  Rebuilds the index. */
static void
make_room(struct hw_as *c, int64_t now)
{
    size_t keep = 0, drop_oldest = 0;
    size_t quarter = c->capacity / 4 ? c->capacity / 4 : 1;
    size_t expired = 0;

    for (size_t i = 0; i < c->nents; i++) {
        const struct entry *e = &c->ents[i];

        if (!e->origin_pending && !e->name_pending && now >= e->expires_ms)
            expired++;
    }
    if (expired < quarter)
        drop_oldest = quarter - expired;
    for (size_t i = 0; i < c->nents; i++) {
        const struct entry *e = &c->ents[i];
        bool busy = e->origin_pending || e->name_pending;

        if (!busy && now >= e->expires_ms) {
            c->counters.evicted++;
            continue;
        }
        if (!busy && drop_oldest > 0) {
            drop_oldest--;
            c->counters.evicted++;
            continue;
        }
        c->ents[keep++] = *e;
    }
    c->nents = keep;
    hw__addrmap_fini(&c->index);
    hw__addrmap_init(&c->index);
    for (size_t i = 0; i < c->nents; i++) {
        if (hw__addrmap_put(&c->index, &c->ents[i].addr, (uint32_t)i) < 0) {
            /* Without memory for the index, forget everything past it. */
            c->nents = i;
            break;
        }
    }
}

enum hw_as_state
hw_as_get(struct hw_as *c, const struct hw_addr *a, struct hw_asinfo *out)
{
    struct entry *e;
    int64_t now;

    memset(out, 0, sizeof(*out));
    out->state = HW_AS_NONE;
    if (c == NULL || a == NULL || (a->family != AF_INET && a->family != AF_INET6))
        return out->state;
    now = c->now_ms(c->now_arg);
    e = find(c, a);
    if (e != NULL) {
        if (!e->origin_pending && now >= e->expires_ms)
            start_origin(c, e);
        else
            c->counters.hits++;
        *out = e->info;
        return out->state;
    }
    if (c->nents == c->capacity)
        make_room(c, now);
    /* Every entry waiting for an answer: ask again later. */
    if (c->nents == c->capacity) {
        out->state = HW_AS_PENDING;
        return out->state;
    }
    /* The array grows as addresses come: a cache nobody asks costs
     * nothing. */
    if (c->nents == c->capents) {
        size_t ncap = c->capents ? c->capents * 2 : 32;
        struct entry *ne;

        if (ncap > c->capacity)
            ncap = c->capacity;
        ne = realloc(c->ents, ncap * sizeof(*ne));
        if (ne == NULL)
            return out->state;
        c->ents = ne;
        c->capents = ncap;
    }
    if (hw__addrmap_put(&c->index, a, (uint32_t)c->nents) < 0)
        return out->state;
    e = &c->ents[c->nents++];
    memset(e, 0, sizeof(*e));
    e->addr = *a;
    e->info.state = HW_AS_PENDING;
    start_origin(c, e);
    *out = e->info;
    return out->state;
}

size_t
hw_as_pending(const struct hw_as *c)
{
    return c != NULL ? c->pending : 0;
}

uint64_t
hw_as_generation(const struct hw_as *c)
{
    return c != NULL ? c->generation : 0;
}

void
hw_as_counters(const struct hw_as *c, struct hw_as_counters *out)
{
    memset(out, 0, sizeof(*out));
    if (c == NULL)
        return;
    *out = c->counters;
    out->entries = c->nents;
}
