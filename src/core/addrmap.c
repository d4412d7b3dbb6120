/* addrmap.c - addresses to values.  See addrmap.h. */
#include <errno.h>
#include <stdlib.h>

#include "core/addrmap.h"

static uint32_t
addr_hash(const struct hw_addr *a)
{
    const uint8_t *p = a->family == AF_INET ? (const uint8_t *)&a->u.v4
                                            : (const uint8_t *)&a->u.v6;
    size_t len = a->family == AF_INET ? 4 : 16;
    uint32_t h = 2166136261u; /* FNV-1a */

    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h ^ (uint32_t)a->family ^ a->scope_id;
}

void
hw__addrmap_init(struct hw__addrmap *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->count = 0;
}

void
hw__addrmap_fini(struct hw__addrmap *m)
{
    free(m->slots);
    hw__addrmap_init(m);
}

bool
hw__addrmap_get(const struct hw__addrmap *m, const struct hw_addr *key, uint32_t *value)
{
    if (m->cap == 0)
        return false;
    for (uint32_t b = addr_hash(key) & (m->cap - 1); m->slots[b].key.family != AF_UNSPEC;
         b = (b + 1) & (m->cap - 1)) {
        if (hw_addr_equal(&m->slots[b].key, key)) {
            *value = m->slots[b].value;
            return true;
        }
    }
    return false;
}

static void
place(struct hw__addrmap_slot *slots, uint32_t cap, const struct hw__addrmap_slot *s)
{
    uint32_t b = addr_hash(&s->key) & (cap - 1);

    while (slots[b].key.family != AF_UNSPEC)
        b = (b + 1) & (cap - 1);
    slots[b] = *s;
}

int
hw__addrmap_put(struct hw__addrmap *m, const struct hw_addr *key, uint32_t value)
{
    struct hw__addrmap_slot s = {.key = *key, .value = value};

    if (key->family != AF_INET && key->family != AF_INET6)
        return -EINVAL;
    if ((m->count + 1) * 2 > m->cap) {
        uint32_t ncap = m->cap ? m->cap * 2 : 64;
        struct hw__addrmap_slot *ns;

        if (ncap < m->cap)
            return -ENOMEM;
        /* calloc gives family 0 == AF_UNSPEC: every slot empty. */
        ns = calloc(ncap, sizeof(*ns));
        if (ns == NULL)
            return -ENOMEM;
        for (uint32_t i = 0; i < m->cap; i++) {
            if (m->slots[i].key.family != AF_UNSPEC)
                place(ns, ncap, &m->slots[i]);
        }
        free(m->slots);
        m->slots = ns;
        m->cap = ncap;
    }
    place(m->slots, m->cap, &s);
    m->count++;
    return 0;
}
