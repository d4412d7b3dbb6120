/* ui.h - the interactive screen (ncurses): the trace view of one target,
 * the hosts view of many, one poll loop with stdin as one more descriptor.
 *
 * The UI reads the core through snapshots and the trace/names APIs and
 * drives it only through them (pause, reset, interval, TTL range, method);
 * it never touches sockets.  It owns the loop while it runs.
 */
#ifndef HW_UI_UI_H
#define HW_UI_UI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <hopwatch/hopwatch.h>

/* One target on the screen. */
struct ui_target {
    const char *name;            /* as the user gave it */
    struct hw_addr addr;         /* the address probed */
    struct hw_trace *trace;      /* its trace, started, owned by the caller */
    struct hw_pmtu *pmtu;        /* --mtu: its path MTU search, owned by the
                                    caller; NULL: none */
};

struct ui_config {
    struct hw_engine *engine;    /* to poll (and read the mode and counters) */
    struct hw_resolver *resolver;/* to poll */
    struct hw_names *names;      /* reverse names, looked up on demand */
    bool dns;                    /* show names at start ('n' toggles) */
    struct hw_as *as;            /* origin AS cache, NULL: none ('z' then
                                    does nothing) */
    bool as_lookup;              /* show AS fields at start (-z, -y; 'z'
                                    toggles) */
    int as_field;                /* the field shown (enum hw_as_field; 'y'
                                    cycles) */
    struct ui_target *targets;   /* one or more */
    size_t ntargets;             /* how many */
    const char *order;           /* column letters (columns.h); NULL: default */
    const char *local_host;      /* this host's name, for the header */
    const sigset_t *poll_mask;   /* the mask to poll with: the handled
                                    signals unblocked, everything else as now */
    volatile sig_atomic_t *signal_flag; /* set by the SIGINT/SIGTERM/SIGHUP
                                           handlers; the UI leaves when set */
    double min_interval_s;       /* smallest interval the 'i' key accepts,
                                    as -i does (0: 0.2 s) */
    /* Optional (NULL: none): called after every turn of the loop, e.g. to
     * write --log's periodic summaries; non-zero ends the screen (the
     * caller tells why once the terminal is restored). */
    int (*tick)(void *arg);
    int (*tick_due_ms)(void *arg);  /* optional: ms until tick is due, -1:
                                       no wish */
    void *tick_arg;              /* passed to both */
};

/* Run the screen until the user quits ('q') or a signal arrives.  The
 * terminal is restored on every way out, fatal errors included.  Returns 0,
 * or -1 with a one-line reason in err (for example: not a terminal, or a
 * terminal too small to start) to print after the terminal is restored. */
int ui_run(const struct ui_config *cfg, char *err, size_t errlen);

#endif
