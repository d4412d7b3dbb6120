/* view.h - the pictures: the trace view (hops of one target), the hosts
 * view (one row per target), the help screen and the "too small" message,
 * built into a frame from the state and a source of data.  No curses: the
 * source is a set of callbacks, so tests feed made-up snapshots. */
#ifndef HW_UI_VIEW_H
#define HW_UI_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/hopwatch.h>

#include "ui/frame.h"
#include "ui/state.h"

/* What the header says about one target. */
struct ui_target_info {
    const char *name;        /* as the user gave it */
    struct hw_addr addr;     /* the address probed */
    enum hw_method method;   /* its probe method */
    const char *mode;        /* socket mode of its family ("raw", ...) */
    int64_t interval_ns;     /* time between rounds */
    int first_ttl;           /* TTL range probed */
    int max_ttl;             /* ... */
    int max_unknown;         /* silent hops after which probing stops */
    bool paused;             /* its trace is paused */
    bool has_pmtu;           /* --mtu: pmtu holds its path MTU search */
    struct hw_pmtu_result pmtu; /* ... as it stands now */
};

/* Where the views read data.  Only the targets on screen are asked for. */
struct ui_source {
    void *arg;               /* passed to every callback */
    const char *local_host;  /* this host's name */
    size_t ntargets;         /* targets */
    /* Fill out for target i. */
    void (*info)(void *arg, size_t i, struct ui_target_info *out);
    /* A snapshot of target i, valid until the frame is built; NULL when
     * none could be made (out of memory). */
    const struct hw_trace_snapshot *(*snapshot)(void *arg, size_t i);
    /* hw_trace_history() of target i. */
    size_t (*history)(void *arg, size_t i, int ttl, int32_t *out, size_t max);
    /* hw_trace_marks() of target i (NULL: the timeline has no strips). */
    size_t (*marks)(void *arg, size_t i, int ttl, struct hw_trace_mark *out, size_t max);
    /* The reverse name of a, NULL while unknown; asked only while names
     * are on. */
    const char *(*name)(void *arg, const struct hw_addr *a);
    /* What is known of a's origin AS (never waits); asked only while AS
     * display is on.  NULL: no AS lookups. */
    void (*asinfo)(void *arg, const struct hw_addr *a, struct hw_asinfo *out);
};

/* Build the picture of st into f (already sized to the terminal): the help
 * screen, the "too small" message below UI_MIN_COLS x UI_MIN_ROWS, or the
 * view.  Clamps st's scrolling and selection to what exists and records
 * the list height in st->page.  now_ms drives the elapsed clock. */
void ui_view_build(struct ui_frame *f, struct ui_state *st, const struct ui_source *src,
                   int64_t now_ms);

/* The message shown when the terminal is too small. */
#define UI_TOO_SMALL "terminal too small: need at least 40x10"

#endif
