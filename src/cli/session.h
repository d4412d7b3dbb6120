/* session.h - what one hopwatch run holds: the engine, the resolver and
 * name cache, the targets with their traces (or, pinging, the hw_multi
 * holding them), and the signal set-up shared by the report loop and the
 * interactive screen. */
#ifndef HW_CLI_SESSION_H
#define HW_CLI_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <hopwatch/hopwatch.h>

#include "cli/options.h"
#include "cli/targets.h"

/* The signal that asked us to stop (SIGINT, SIGTERM, SIGHUP), or 0.  Set
 * only by the handlers; the loops read it.  The program's one global. */
extern volatile sig_atomic_t cli_signal;

struct cli_target {
    const char *name;            /* as the user gave it */
    int status;                  /* lookup: 0 resolved, 1 pending, < 0 failed */
    struct hw_addr addr;         /* the address probed, once resolved */
    struct hw_trace *trace;      /* trace mode: its trace, once started */
    struct hw_pmtu *pmtu;        /* --mtu: its path MTU search, once started */
    const char *error;           /* why it is not probed (a message that lives
                                    as long as the session), or NULL */
    bool pinged;                 /* ping mode: added to the session's multi */
    size_t index;                /* ping mode: its index there */
};

struct cli_session {
    struct cli_options opt;      /* the command line */
    struct cli_range range;      /* -g: the range (set before opening) */
    struct hw_engine *engine;    /* probing */
    struct hw_resolver *resolver;/* names */
    struct hw_names *names;      /* reverse names */
    struct hw_as *as;            /* origin AS cache (-z, -y, and the screen's
                                    'z'), else NULL */
    struct cli_target_list list; /* the target words (they own the names) */
    size_t bad_lines;            /* target-file lines reported and skipped */
    struct cli_target *targets;  /* every target */
    size_t ntargets;             /* how many */
    struct hw_multi *multi;      /* ping mode: every resolved target */
    size_t *multi_target;        /* ping mode: multi index -> targets index */
    sigset_t poll_mask;          /* the mask while polling: our signals open */
    struct pollfd *fds;          /* the poll set (made by the first poll) */
    size_t nfds_cap;             /* its size: every engine descriptor and
                                    room for the resolver's */
    char local_host[256];        /* this host's name */
};

/* Open the sockets, drop privileges, gather the targets (arguments, the -g
 * range in s->range, -F files: bad file lines are reported and counted in
 * bad_lines), then set up signals, the resolver and the name cache, in that
 * order.  On failure print why and return the exit code; 0 on success. */
int cli_session_open(struct cli_session *s);

/* Resolve every target at once (c-ares, in the poll loop).  A target whose
 * name fails is reported on stderr and left with status < 0 and its error
 * set; returns CLI_EXIT_NAME when any failed, CLI_EXIT_SYSTEM when a
 * target's family has no socket (after printing why, once per family),
 * else 0. */
int cli_session_resolve(struct cli_session *s);

/* Create and start a trace for every resolved target, with on_result as
 * each trace's observer.  Returns 0 or an exit code after printing why. */
int cli_session_start_traces(struct cli_session *s, hw_trace_result_cb on_result, void *arg);

/* The same with one observer argument per target: args[i] for targets[i]
 * (args NULL: NULL for every target), and a route-event observer (may be
 * NULL) given the same arguments. */
int cli_session_start_traces_each(struct cli_session *s, hw_trace_result_cb on_result,
                                  hw_trace_event_cb on_event, void *const *args);

/* Ping mode: create the session's hw_multi (-i per target, -Z, -c, --pps,
 * the probe options), add every resolved target, start it, with on_result
 * as its observer.  Returns 0 or an exit code after printing why. */
int cli_session_start_pings(struct cli_session *s, hw_multi_result_cb on_result, void *arg);

/* One turn of the loop: poll the engine and the resolver until the earlier
 * of their deadlines (at most max_ms when >= 0, -1: no limit) or a signal,
 * then let both work.  Returns 0 (a signal included), or -errno when ppoll
 * failed: nothing is printed, the caller writes what it can, says why and
 * exits with CLI_EXIT_SYSTEM. */
int cli_session_poll(struct cli_session *s, int max_ms);

/* Free everything (traces and the multi first, the engine last). */
void cli_session_close(struct cli_session *s);

#endif
