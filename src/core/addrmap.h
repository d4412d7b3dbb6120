/* addrmap.h - a map from addresses to 32-bit values: open addressing with
 * linear probing over an FNV-1a hash of the address, at most half full, so
 * lookups are O(1).  Used for the name cache and the engine's cache of
 * source addresses.  Entries are never removed (both users only add). */
#ifndef HW_CORE_ADDRMAP_H
#define HW_CORE_ADDRMAP_H

#include <stdbool.h>
#include <stdint.h>

#include <hopwatch/addr.h>

struct hw__addrmap_slot {
    struct hw_addr key;   /* the address (family AF_UNSPEC: empty slot) */
    uint32_t value;       /* its value */
};

struct hw__addrmap {
    struct hw__addrmap_slot *slots; /* buckets: 0 or a power of two of them */
    uint32_t cap;                   /* buckets */
    uint32_t count;                 /* entries */
};

/* Start empty (no allocation). */
void hw__addrmap_init(struct hw__addrmap *m);
/* Free the map's memory. */
void hw__addrmap_fini(struct hw__addrmap *m);
/* The value of key in *value; false when absent. */
bool hw__addrmap_get(const struct hw__addrmap *m, const struct hw_addr *key, uint32_t *value);
/* Add key -> value (key must be AF_INET or AF_INET6 and absent).  Returns 0,
 * -EINVAL or -ENOMEM. */
int hw__addrmap_put(struct hw__addrmap *m, const struct hw_addr *key, uint32_t value);

#endif
