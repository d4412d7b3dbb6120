/* timerq.h - deadlines in a binary min-heap.
 *
 * Every deadline of an engine (probe timeouts, the end of a finished probe's
 * linger time, user timers) lives here.  Adding, cancelling and popping are
 * O(log n); equal deadlines come out in the order they were added (a FIFO
 * counter breaks ties); nothing ever scans the whole queue.  A timer is named
 * by a handle that carries a generation, so a stale handle (its timer already
 * fired or was cancelled, its slot reused) is recognised and refused.
 */
#ifndef HW_CORE_TIMERQ_H
#define HW_CORE_TIMERQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* now_ns + delay_ns, saturated at INT64_MAX: the public calls take any
 * delay up to INT64_MAX, and a huge one means "not in this lifetime", never
 * a sum that wraps into the past (and fires at once). */
static inline int64_t
hw__deadline(int64_t now_ns, int64_t delay_ns)
{
    if (delay_ns > 0 && now_ns > INT64_MAX - delay_ns)
        return INT64_MAX;
    if (delay_ns < 0 && now_ns < INT64_MIN - delay_ns)
        return INT64_MIN;
    return now_ns + delay_ns;
}

/* wait_ns (>= 0) in milliseconds, rounded up, at most cap_ms (without the
 * "+ 999999" that overflows for a wait near INT64_MAX). */
static inline int
hw__ms_ceil(int64_t wait_ns, int cap_ms)
{
    int64_t ms = wait_ns / 1000000 + (wait_ns % 1000000 != 0);

    return ms > cap_ms ? cap_ms : (int)ms;
}

/* What a timer carries back to its owner when it fires. */
struct hw__timer_payload {
    uint32_t kind;                       /* the owner's own tag (what to do) */
    uint64_t owner;                      /* the owner's own data (an index) */
    void (*fn)(void *arg, uint64_t id);  /* optional function to call */
    void *arg;                           /* its argument */
};

/* One slot of the slot table; a heap entry points at its slot and the slot
 * remembers its heap position, so a timer can be found and removed. */
struct hw__timer_slot {
    int64_t when;                  /* deadline, monotonic ns */
    uint64_t fifo;                 /* insertion counter: tie-breaker */
    uint32_t pos;                  /* index in heap, UINT32_MAX when free */
    uint32_t gen;                  /* bumped each time the slot is freed */
    uint32_t next_free;            /* free list link when free */
    struct hw__timer_payload p;    /* what the owner gets back */
};

struct hw__timerq {
    struct hw__timer_slot *slots;  /* slot table, grows by doubling */
    uint32_t nslots;               /* allocated slots */
    uint32_t free_head;            /* first free slot, UINT32_MAX if none */
    uint32_t *heap;                /* heap of slot indices, ordered by (when, fifo) */
    uint32_t nheap;                /* entries in heap */
    uint64_t fifo;                 /* next insertion counter */
};

/* Start with an empty queue (no allocation). */
void hw__timerq_init(struct hw__timerq *q);
/* Free the queue's memory; pending timers are dropped without firing. */
void hw__timerq_fini(struct hw__timerq *q);

/* Add a timer due at when.  Stores its handle in *handle (never 0).
 * Returns 0 or -ENOMEM. */
int hw__timerq_add(struct hw__timerq *q, int64_t when, const struct hw__timer_payload *p,
                   uint64_t *handle);

/* Remove a pending timer.  Returns 0, or -ENOENT when handle does not name a
 * pending timer (fired, cancelled, or never issued). */
int hw__timerq_cancel(struct hw__timerq *q, uint64_t handle);

/* Move a pending timer to a new deadline; among equal deadlines it now
 * counts as added last.  The handle stays valid.  Returns 0 or -ENOENT. */
int hw__timerq_reschedule(struct hw__timerq *q, uint64_t handle, int64_t when);

/* The earliest deadline in *when; false when the queue is empty. */
bool hw__timerq_peek(const struct hw__timerq *q, int64_t *when);

/* If the earliest timer is due (when <= now), remove it, copy its payload
 * into *p and its handle into *handle (may be NULL), and return true. */
bool hw__timerq_pop(struct hw__timerq *q, int64_t now, struct hw__timer_payload *p,
                    uint64_t *handle);

/* Pending timers. */
size_t hw__timerq_size(const struct hw__timerq *q);

#endif
