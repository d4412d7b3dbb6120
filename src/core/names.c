/* names.c - a cache of reverse names filled asynchronously through a
 * resolver.  See the hw_names part of resolve.h.
 *
 * Entries live in an array that only grows; an address map over them makes
 * a lookup O(1), which matters when a hosts panel asks for thousands of
 * names on every redraw.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/error.h>
#include <hopwatch/resolve.h>

#include "core/addrmap.h"

enum name_state {
    NAME_PENDING = 0,  /* lookup in flight */
    NAME_KNOWN,        /* name holds the answer */
    NAME_FAILED,       /* no name (or the lookup failed) */
};

struct entry {
    struct hw_addr addr;   /* the address */
    enum name_state state; /* where its lookup stands */
    char *name;            /* its name when KNOWN */
};

/* What a pending lookup carries, so the cache can be freed before the
 * resolver answers: the cache then sets owner to NULL. */
struct ticket {
    struct hw_names *owner; /* the cache, or NULL once it is gone */
    uint32_t index;         /* entry the answer belongs to */
    struct ticket *next;    /* list of pending tickets */
    struct ticket *prev;    /* ... doubly linked for O(1) removal */
};

struct hw_names {
    struct hw_resolver *r;  /* where lookups go */
    struct entry *ents;     /* entries, in the order first asked for */
    uint32_t nents;         /* entries used */
    uint32_t capents;       /* entries allocated */
    struct hw__addrmap index; /* address -> entry index */
    struct ticket *tickets; /* pending lookups */
    size_t pending;         /* their number */
    uint64_t generation;    /* bumped when a lookup completes */
};

struct hw_names *
hw_names_new(struct hw_resolver *r)
{
    struct hw_names *n = calloc(1, sizeof(*n));

    if (n != NULL) {
        n->r = r;
        hw__addrmap_init(&n->index);
    }
    return n;
}

void
hw_names_free(struct hw_names *n)
{
    if (n == NULL)
        return;
    for (struct ticket *t = n->tickets; t != NULL; t = t->next)
        t->owner = NULL;
    for (uint32_t i = 0; i < n->nents; i++)
        free(n->ents[i].name);
    free(n->ents);
    hw__addrmap_fini(&n->index);
    free(n);
}

static void
reverse_done(void *arg, int status, const char *name)
{
    struct ticket *t = arg;
    struct hw_names *n = t->owner;

    if (n != NULL) {
        struct entry *e = &n->ents[t->index];

        e->name = status == 0 ? strdup(name) : NULL;
        e->state = e->name != NULL ? NAME_KNOWN : NAME_FAILED;
        n->pending--;
        n->generation++;
    }
    if (t->prev != NULL)
        t->prev->next = t->next;
    else if (n != NULL)
        n->tickets = t->next;
    if (t->next != NULL)
        t->next->prev = t->prev;
    free(t);
}

/* Find a's entry, or add one (and start its lookup).  NULL without memory. */
static struct entry *
entry_for(struct hw_names *n, const struct hw_addr *a)
{
    struct ticket *t;
    uint32_t found;

    if (hw__addrmap_get(&n->index, a, &found))
        return &n->ents[found];
    if (n->nents == n->capents) {
        uint32_t ncap = n->capents ? n->capents * 2 : 32;
        struct entry *ne = realloc(n->ents, ncap * sizeof(*ne));

        if (ne == NULL)
            return NULL;
        n->ents = ne;
        n->capents = ncap;
    }
    t = calloc(1, sizeof(*t));
    if (t == NULL)
        return NULL;
    if (hw__addrmap_put(&n->index, a, n->nents) < 0) {
        free(t);
        return NULL;
    }

    uint32_t idx = n->nents;
    struct entry *e = &n->ents[idx];

    memset(e, 0, sizeof(*e));
    e->addr = *a;
    e->state = NAME_PENDING;
    t->owner = n;
    t->index = idx;
    n->nents++;
    t->next = n->tickets;
    if (t->next != NULL)
        t->next->prev = t;
    n->tickets = t;
    n->pending++;
    /* The answer never comes inside the call (the resolver holds one found
     * at once for its next process call). */
    if (hw_resolver_reverse(n->r, a, reverse_done, t) < 0)
        reverse_done(t, HW_EDNS, NULL);
    return &n->ents[idx];
}

const char *
hw_names_get(struct hw_names *n, const struct hw_addr *a)
{
    struct entry *e;

    if (a->family != AF_INET && a->family != AF_INET6)
        return NULL;
    e = entry_for(n, a);
    if (e == NULL)
        return NULL;
    return e->state == NAME_KNOWN ? e->name : NULL;
}

size_t
hw_names_pending(const struct hw_names *n)
{
    return n->pending;
}

uint64_t
hw_names_generation(const struct hw_names *n)
{
    return n->generation;
}
