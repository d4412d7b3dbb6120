/* probemap.h - the index of probes in flight: 64-bit key -> 32-bit value.
 *
 * Open addressing with linear probing and backward-shift deletion (no
 * tombstones), capacity a power of two kept at most half full, so a lookup
 * is O(1) on average whatever the number of probes in flight.  Keys are
 * built by the engine from what an answer carries back (family, ident,
 * sequence); values are indices into the engine's probe pool.
 */
#ifndef HW_CORE_PROBEMAP_H
#define HW_CORE_PROBEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hw__probemap {
    uint64_t *keys;   /* keys, 0 marks an empty bucket */
    uint32_t *vals;   /* values, parallel to keys */
    size_t cap;       /* buckets: 0 or a power of two */
    size_t count;     /* keys stored */
};

/* Start empty (no allocation). */
void hw__probemap_init(struct hw__probemap *m);
/* Free the map's memory. */
void hw__probemap_fini(struct hw__probemap *m);

/* Insert key (must not be 0) -> val.  Returns 0, -EEXIST if key is present
 * (the map is unchanged), -EINVAL for key 0, or -ENOMEM. */
int hw__probemap_put(struct hw__probemap *m, uint64_t key, uint32_t val);

/* Look key up; true and *val set when present. */
bool hw__probemap_get(const struct hw__probemap *m, uint64_t key, uint32_t *val);

/* Remove key; true when it was present. */
bool hw__probemap_del(struct hw__probemap *m, uint64_t key);

#endif
