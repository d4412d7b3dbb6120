/* timerq.c - deadlines in a binary min-heap of slot indices, ordered by
 * (when, fifo), with a slot table whose generations make stale handles fail. */
#include <errno.h>
#include <stdlib.h>

#include "core/timerq.h"

/* Marks "no slot" in the free list and "not in the heap" in a slot's pos. */
#define NONE UINT32_MAX

/* Slot indices must stay below NONE, and on a 32-bit system the table's size
 * in bytes must fit a size_t; stop doubling well before either limit.  Both
 * are powers of two, as the table's size is. */
#if SIZE_MAX > UINT32_MAX
#define MAX_SLOTS (UINT32_C(1) << 31)
#else
#define MAX_SLOTS (UINT32_C(1) << 24)
#endif

/* The slot table's first size. */
#define FIRST_SLOTS 16

void hw__timerq_init(struct hw__timerq *q)
{
    *q = (struct hw__timerq){ .free_head = NONE };
}

void hw__timerq_fini(struct hw__timerq *q)
{
    free(q->slots);
    free(q->heap);
    hw__timerq_init(q);
}

static uint64_t make_handle(uint32_t gen, uint32_t slot)
{
    return ((uint64_t)gen << 32) | slot;
}

/* Does slot a come out before slot b? */
static bool before(const struct hw__timerq *q, uint32_t a, uint32_t b)
{
    const struct hw__timer_slot *sa = &q->slots[a], *sb = &q->slots[b];

    if (sa->when != sb->when)
        return sa->when < sb->when;
    return sa->fifo < sb->fifo;
}

static void heap_set(struct hw__timerq *q, uint32_t i, uint32_t slot)
{
    q->heap[i] = slot;
    q->slots[slot].pos = i;
}

static void sift_up(struct hw__timerq *q, uint32_t i)
{
    uint32_t slot = q->heap[i];

    while (i > 0) {
        uint32_t parent = (i - 1) / 2;

        if (!before(q, slot, q->heap[parent]))
            break;
        heap_set(q, i, q->heap[parent]);
        i = parent;
    }
    heap_set(q, i, slot);
}

static void sift_down(struct hw__timerq *q, uint32_t i)
{
    uint32_t slot = q->heap[i];

    for (;;) {
        /* 64-bit arithmetic: 2 * i + 1 cannot overflow. */
        uint64_t child = 2 * (uint64_t)i + 1;

        if (child >= q->nheap)
            break;
        if (child + 1 < q->nheap && before(q, q->heap[child + 1], q->heap[child]))
            child++;
        if (!before(q, q->heap[child], slot))
            break;
        heap_set(q, i, q->heap[child]);
        i = (uint32_t)child;
    }
    heap_set(q, i, slot);
}

/* Put the entry at heap index i where it belongs after its key changed or
 * after it was moved there from the end. */
static void sift(struct hw__timerq *q, uint32_t i)
{
    if (i > 0 && before(q, q->heap[i], q->heap[(i - 1) / 2]))
        sift_up(q, i);
    else
        sift_down(q, i);
}

/* Double the slot table and the heap array.  The heap array is grown first:
 * if the slot table then fails, the heap is merely larger than needed, and
 * the queue is unchanged. */
static int grow(struct hw__timerq *q)
{
    uint32_t n;
    uint32_t *heap;
    struct hw__timer_slot *slots;

    if (q->nslots >= MAX_SLOTS)
        return -ENOMEM;
    n = q->nslots ? q->nslots * 2 : FIRST_SLOTS;
    heap = realloc(q->heap, (size_t)n * sizeof(*heap));
    if (heap == NULL)
        return -ENOMEM;
    q->heap = heap;
    slots = realloc(q->slots, (size_t)n * sizeof(*slots));
    if (slots == NULL)
        return -ENOMEM;
    q->slots = slots;

    /* grow() runs only with an empty free list, so the new slots are all of it. */
    for (uint32_t i = q->nslots; i < n; i++) {
        slots[i] = (struct hw__timer_slot){
            .pos = NONE,
            .gen = 1,
            .next_free = i + 1 < n ? i + 1 : NONE,
        };
    }
    q->free_head = q->nslots;
    q->nslots = n;
    return 0;
}

int hw__timerq_add(struct hw__timerq *q, int64_t when, const struct hw__timer_payload *p,
                   uint64_t *handle)
{
    uint32_t slot;
    struct hw__timer_slot *s;

    if (q->free_head == NONE) {
        int rc = grow(q);

        if (rc < 0)
            return rc;
    }
    slot = q->free_head;
    s = &q->slots[slot];
    q->free_head = s->next_free;
    s->next_free = NONE;
    s->when = when;
    s->fifo = q->fifo++;
    s->p = *p;
    q->heap[q->nheap] = slot;
    s->pos = q->nheap;
    q->nheap++;
    sift_up(q, s->pos);
    *handle = make_handle(s->gen, slot);
    return 0;
}

/* The slot a handle names if that timer is still pending, else NONE. */
static uint32_t lookup(const struct hw__timerq *q, uint64_t handle)
{
    uint32_t slot = (uint32_t)handle;
    uint32_t gen = (uint32_t)(handle >> 32);

    if (slot >= q->nslots)
        return NONE;
    if (q->slots[slot].pos == NONE || q->slots[slot].gen != gen)
        return NONE;
    return slot;
}

/* Take heap entry i out and return its slot to the free list. */
static void remove_at(struct hw__timerq *q, uint32_t i)
{
    uint32_t slot = q->heap[i];
    struct hw__timer_slot *s = &q->slots[slot];

    q->nheap--;
    if (i != q->nheap) {
        heap_set(q, i, q->heap[q->nheap]);
        sift(q, i);
    }
    s->pos = NONE;
    /* A new generation makes every handle issued for this slot stale.  0 is
     * skipped on wrap-around so that no handle is ever 0. */
    s->gen++;
    if (s->gen == 0)
        s->gen = 1;
    s->next_free = q->free_head;
    q->free_head = slot;
}

int hw__timerq_cancel(struct hw__timerq *q, uint64_t handle)
{
    uint32_t slot = lookup(q, handle);

    if (slot == NONE)
        return -ENOENT;
    remove_at(q, q->slots[slot].pos);
    return 0;
}

int hw__timerq_reschedule(struct hw__timerq *q, uint64_t handle, int64_t when)
{
    uint32_t slot = lookup(q, handle);

    if (slot == NONE)
        return -ENOENT;
    q->slots[slot].when = when;
    q->slots[slot].fifo = q->fifo++;
    sift(q, q->slots[slot].pos);
    return 0;
}

bool hw__timerq_peek(const struct hw__timerq *q, int64_t *when)
{
    if (q->nheap == 0)
        return false;
    *when = q->slots[q->heap[0]].when;
    return true;
}

bool hw__timerq_pop(struct hw__timerq *q, int64_t now, struct hw__timer_payload *p,
                    uint64_t *handle)
{
    uint32_t slot;
    struct hw__timer_slot *s;

    if (q->nheap == 0)
        return false;
    slot = q->heap[0];
    s = &q->slots[slot];
    if (s->when > now)
        return false;
    *p = s->p;
    if (handle)
        *handle = make_handle(s->gen, slot);
    remove_at(q, 0);
    return true;
}

size_t hw__timerq_size(const struct hw__timerq *q)
{
    return q->nheap;
}
