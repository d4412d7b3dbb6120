/* probemap.c - 64-bit key -> 32-bit value hash map: open addressing, linear
 * probing, backward-shift deletion, at most half full. */
#include <errno.h>
#include <stdlib.h>

#include "core/probemap.h"

/* The first capacity; a power of two. */
#define FIRST_CAP 16

/* The splitmix64 finalizer.  The engine's keys differ mostly in their low
 * (sequence) bits and share their high bits, so masking them directly would
 * fill consecutive buckets and build long runs; the mixer spreads every input
 * bit over every output bit first. */
static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static size_t home(const struct hw__probemap *m, uint64_t key)
{
    return (size_t)(mix(key) & (m->cap - 1));
}

void hw__probemap_init(struct hw__probemap *m)
{
    *m = (struct hw__probemap){ 0 };
}

void hw__probemap_fini(struct hw__probemap *m)
{
    free(m->keys);
    free(m->vals);
    hw__probemap_init(m);
}

/* The bucket holding key, or the empty bucket where the search stopped.  The
 * map is never more than half full, so an empty bucket always exists. */
static size_t find(const struct hw__probemap *m, uint64_t key)
{
    size_t mask = m->cap - 1;
    size_t i = home(m, key);

    while (m->keys[i] != 0 && m->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

/* Move every entry into new arrays of cap buckets. */
static int resize(struct hw__probemap *m, size_t cap)
{
    struct hw__probemap n = { .cap = cap, .count = m->count };

    n.keys = calloc(cap, sizeof(*n.keys));
    n.vals = calloc(cap, sizeof(*n.vals));
    if (n.keys == NULL || n.vals == NULL) {
        free(n.keys);
        free(n.vals);
        return -ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (m->keys[i] != 0) {
            size_t j = find(&n, m->keys[i]);

            n.keys[j] = m->keys[i];
            n.vals[j] = m->vals[i];
        }
    }
    free(m->keys);
    free(m->vals);
    *m = n;
    return 0;
}

int hw__probemap_put(struct hw__probemap *m, uint64_t key, uint32_t val)
{
    size_t i;

    if (key == 0)
        return -EINVAL;
    if (hw__probemap_get(m, key, NULL))
        return -EEXIST;
    if (m->count + 1 > m->cap / 2) {
        size_t cap = m->cap ? m->cap * 2 : FIRST_CAP;
        int rc;

        /* Both arrays must stay addressable: stop before cap * 8 overflows. */
        if (cap < m->cap || cap > SIZE_MAX / sizeof(*m->keys))
            return -ENOMEM;
        rc = resize(m, cap);
        if (rc < 0)
            return rc;
    }
    i = find(m, key);
    m->keys[i] = key;
    m->vals[i] = val;
    m->count++;
    return 0;
}

bool hw__probemap_get(const struct hw__probemap *m, uint64_t key, uint32_t *val)
{
    size_t i;

    if (m->cap == 0 || key == 0)
        return false;
    i = find(m, key);
    if (m->keys[i] != key)
        return false;
    if (val)
        *val = m->vals[i];
    return true;
}

bool hw__probemap_del(struct hw__probemap *m, uint64_t key)
{
    size_t mask = m->cap - 1;
    size_t hole, j;

    if (m->cap == 0 || key == 0)
        return false;
    hole = find(m, key);
    if (m->keys[hole] != key)
        return false;

    /* Backward-shift deletion: walk the rest of the run and move back into
     * the hole every entry whose home does not lie strictly between the hole
     * and its bucket, since a lookup for it would otherwise stop at the hole.
     * No tombstones, so lookups never slow down with churn. */
    j = hole;
    for (;;) {
        j = (j + 1) & mask;
        if (m->keys[j] == 0)
            break;
        if (((j - home(m, m->keys[j])) & mask) >= ((j - hole) & mask)) {
            m->keys[hole] = m->keys[j];
            m->vals[hole] = m->vals[j];
            hole = j;
        }
    }
    m->keys[hole] = 0;
    m->vals[hole] = 0;
    m->count--;
    return true;
}
