/* session.h - what one hopwatch run holds: the engine, the resolver and
 * name cache, the targets with their traces, and the signal set-up shared
 * by the report loop and the interactive screen. */
#ifndef HW_CLI_SESSION_H
#define HW_CLI_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <hopwatch/hopwatch.h>

#include "cli/options.h"

/* The signal that asked us to stop (SIGINT, SIGTERM, SIGHUP), or 0.  Set
 * only by the handlers; the loops read it.  The program's one global. */
extern volatile sig_atomic_t cli_signal;

struct cli_target {
    const char *name;            /* as the user gave it */
    int status;                  /* lookup: 0 resolved, 1 pending, < 0 failed */
    struct hw_addr addr;         /* the address probed, once resolved */
    struct hw_trace *trace;      /* its trace, once started */
};

struct cli_session {
    struct cli_options opt;      /* the command line */
    struct hw_engine *engine;    /* probing */
    struct hw_resolver *resolver;/* names */
    struct hw_names *names;      /* reverse names */
    struct cli_target *targets;  /* every target */
    size_t ntargets;             /* how many */
    sigset_t poll_mask;          /* the mask while polling: our signals open */
    char local_host[256];        /* this host's name */
};

/* Open the sockets, drop privileges, then set up signals, the resolver and
 * the name cache, in that order.  On failure print one line and return the
 * exit code; 0 on success. */
int cli_session_open(struct cli_session *s);

/* Resolve every target at once (c-ares, in the poll loop).  A target whose
 * name fails is reported on stderr and left with status < 0; returns
 * CLI_EXIT_NAME when any failed, CLI_EXIT_SYSTEM when a target's family has
 * no socket (after printing why), else 0. */
int cli_session_resolve(struct cli_session *s);

/* Create and start a trace for every resolved target, with on_result as
 * each trace's observer.  Returns 0 or an exit code after printing why. */
int cli_session_start_traces(struct cli_session *s, hw_trace_result_cb on_result, void *arg);

/* One turn of the loop: poll the engine and the resolver until the earlier
 * of their deadlines (at most max_ms when >= 0, -1: no limit) or a signal,
 * then let both work. */
void cli_session_poll(struct cli_session *s, int max_ms);

/* Free everything (traces first, the engine last). */
void cli_session_close(struct cli_session *s);

#endif
