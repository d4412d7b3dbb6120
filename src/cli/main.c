/* main.c - hopwatch's entry point: parse options, open the sockets, drop
 * privileges, then resolve and probe in one poll loop, and report.
 *
 * The order matters and is the OpenBSD ping order: sockets are opened
 * while we still hold privilege, privilege is dropped, and only then is
 * anything risky done (names resolved, packets parsed).  Socket-open errors
 * are remembered per family and reported once we know which family the
 * target needs.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hopwatch/hopwatch.h>

#include "cli/exitcode.h"
#include "cli/options.h"
#include "report/report.h"

#define NS_PER_S 1000000000LL
/* Longest wait for reverse names still pending when probing is over. */
#define NAMES_GRACE_NS (3 * NS_PER_S)
/* Descriptors polled at once: two probe sockets and the resolver's. */
#define MAX_POLLFDS 32

/* The only file-scope state: what a signal handler may touch. */
static volatile sig_atomic_t caught_signal;

static void
on_signal(int sig)
{
    caught_signal = sig;
}

/* Everything one run holds. */
struct run {
    struct cli_options opt;       /* the command line */
    struct hw_engine *engine;     /* probing */
    struct hw_resolver *resolver; /* names */
    struct hw_names *names;       /* reverse names, NULL with -n */
    struct hw_trace *trace;       /* the trace */
    sigset_t poll_mask;           /* signal mask while polling */
    bool lookup_done;             /* the target lookup answered */
    int lookup_status;            /* its status */
    struct hw_addr addrs[16];     /* its addresses */
    size_t naddrs;                /* how many */
};

static void
die_usage(const char *msg)
{
    fprintf(stderr, "hopwatch: %s\n", msg);
    exit(CLI_EXIT_USAGE);
}

/* Block the signals we handle; they are let through only inside ppoll, so
 * a signal can never be lost between checking the flag and sleeping. */
static void
setup_signals(struct run *run)
{
    struct sigaction sa;
    sigset_t block;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A closed output pipe is reported as a write error, not a crash. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &run->poll_mask);
    sigdelset(&run->poll_mask, SIGINT);
    sigdelset(&run->poll_mask, SIGTERM);
    sigdelset(&run->poll_mask, SIGHUP);
}

static int
min_timeout(int a, int b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

/* One turn of the loop: poll the engine's and the resolver's descriptors
 * until the earlier of their deadlines (or max_ms), then let both work. */
static void
poll_once(struct run *run, int max_ms)
{
    struct pollfd fds[MAX_POLLFDS];
    struct timespec ts, *tsp = NULL;
    size_t ne, nr = 0;
    int ms;

    ne = hw_engine_pollfds(run->engine, fds, MAX_POLLFDS);
    if (ne > MAX_POLLFDS)
        ne = MAX_POLLFDS;
    ms = hw_engine_timeout_ms(run->engine, max_ms);
    if (run->resolver != NULL) {
        nr = hw_resolver_pollfds(run->resolver, fds + ne, MAX_POLLFDS - ne);
        if (nr > MAX_POLLFDS - ne)
            nr = MAX_POLLFDS - ne;
        ms = min_timeout(ms, hw_resolver_timeout_ms(run->resolver, max_ms));
    }
    if (ms >= 0) {
        ts.tv_sec = ms / 1000;
        ts.tv_nsec = (long)(ms % 1000) * 1000000;
        tsp = &ts;
    }
    if (ppoll(fds, ne + nr, tsp, &run->poll_mask) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "hopwatch: ppoll: %s\n", strerror(errno));
            exit(CLI_EXIT_SYSTEM);
        }
        return;
    }
    hw_engine_process(run->engine, fds, ne);
    if (run->resolver != NULL)
        hw_resolver_process(run->resolver, fds + ne, nr);
}

static void
target_resolved(void *arg, int status, const struct hw_addr *addrs, size_t n)
{
    struct run *run = arg;

    run->lookup_done = true;
    run->lookup_status = status;
    for (size_t i = 0; i < n && run->naddrs < 16; i++)
        run->addrs[run->naddrs++] = addrs[i];
}

/* Resolve the target (or return it at once when numeric) and pick the
 * first address whose family has a socket.  Exits on failure. */
static struct hw_addr
resolve_target(struct run *run)
{
    const char *name = run->opt.target;
    int st;

    st = hw_resolver_lookup(run->resolver, name, run->opt.family, target_resolved, run);
    if (st < 0) {
        fprintf(stderr, "hopwatch: cannot resolve %s: %s\n", name, hw_strerror(st));
        exit(CLI_EXIT_SYSTEM);
    }
    while (!run->lookup_done && !caught_signal)
        poll_once(run, -1);
    if (!run->lookup_done)
        exit(CLI_EXIT_NAME);
    if (run->lookup_status < 0) {
        const char *why = hw_strerror(run->lookup_status);

        if (run->lookup_status == HW_ENOADDR && run->opt.family != AF_UNSPEC)
            why = run->opt.family == AF_INET ? "it has no IPv4 address"
                                             : "it has no IPv6 address";
        fprintf(stderr, "hopwatch: cannot resolve %s: %s\n", name, why);
        exit(CLI_EXIT_NAME);
    }
    for (size_t i = 0; i < run->naddrs; i++) {
        if (hw_engine_family_status(run->engine, run->addrs[i].family) == 0)
            return run->addrs[i];
    }
    /* No socket for any address the target has: say why for its family. */
    fprintf(stderr, "hopwatch: %s\n",
            hw_engine_family_errmsg(run->engine, run->addrs[0].family));
    exit(CLI_EXIT_SYSTEM);
}

static const char *
name_of(void *arg, const struct hw_addr *a)
{
    return hw_names_get(arg, a);
}

/* Ask for each responder's name as soon as it shows up, so names resolve
 * while probing goes on. */
static void
on_result(void *arg, int ttl, const struct hw_probe_result *r)
{
    struct run *run = arg;

    (void)ttl;
    if (run->names != NULL && r->responder.family != AF_UNSPEC)
        (void)hw_names_get(run->names, &r->responder);
}

static int
report(struct run *run, const char *local_host)
{
    struct hw_engine_counters ctr;
    struct hw_trace_snapshot *snap;
    struct report_trace rep;
    int st;

    st = hw_trace_snapshot(run->trace, &snap);
    if (st < 0) {
        fprintf(stderr, "hopwatch: %s\n", hw_strerror(st));
        return CLI_EXIT_SYSTEM;
    }
    hw_engine_counters(run->engine, &ctr);
    memset(&rep, 0, sizeof(rep));
    rep.snap = snap;
    rep.target_name = run->opt.target;
    rep.local_host = local_host;
    rep.name_of = run->names != NULL ? name_of : NULL;
    rep.name_arg = run->names;
    rep.wide = run->opt.wide;
    rep.counters = &ctr;
    rep.settings.protocol = "icmp";
    rep.settings.cycles = run->opt.cycles;
    rep.settings.interval_s = run->opt.interval_s;
    rep.settings.timeout_s = run->opt.timeout_s;
    rep.settings.first_ttl = run->opt.first_ttl;
    rep.settings.max_ttl = run->opt.max_ttl;
    rep.settings.max_unknown = run->opt.max_unknown;
    rep.settings.payload_size = run->opt.payload_size;
    rep.settings.tos = run->opt.tos;
    rep.settings.dns = run->names != NULL;
    if (run->opt.output == CLI_OUT_JSON)
        st = report_trace_json(stdout, &rep);
    else
        st = report_trace_text(stdout, &rep);
    bool reached = snap->end == HW_END_REACHED;
    hw_trace_snapshot_free(snap);
    if (st < 0) {
        fprintf(stderr, "hopwatch: write error: %s\n", strerror(-st));
        return CLI_EXIT_SYSTEM;
    }
    return reached ? CLI_EXIT_OK : CLI_EXIT_UNREACHED;
}

int
main(int argc, char **argv)
{
    struct hw_engine_config ecfg;
    struct hw_trace_config tcfg;
    struct run run;
    char err[512], local_host[256];
    struct hw_time now;
    int64_t grace_end;
    int st;

    setlocale(LC_ALL, "");
    memset(&run, 0, sizeof(run));
    cli_options_init(&run.opt);
    st = cli_options_parse(&run.opt, argc, argv, err, sizeof(err));
    if (st != 0)
        die_usage(err);
    if (run.opt.help) {
        cli_usage(stdout);
        return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_SYSTEM;
    }
    if (run.opt.version) {
        printf("hopwatch %s\n", PACKAGE_VERSION);
        return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_SYSTEM;
    }
    if (run.opt.output == CLI_OUT_TUI)
        die_usage("the interactive view is not available in this version: use --report or --json");
    /* As ping does: flooding is for root only. */
    if (run.opt.interval_s < 0.2 && getuid() != 0)
        die_usage("intervals below 0.2 seconds (-i) are allowed for root only");

    /* 1. Privileged: open the sockets. */
    hw_engine_config_init(&ecfg);
    ecfg.families = run.opt.family == AF_INET    ? HW_FAMILY_V4
                    : run.opt.family == AF_INET6 ? HW_FAMILY_V6
                                                 : HW_FAMILY_V4 | HW_FAMILY_V6;
    run.engine = hw_engine_new(&ecfg, &st);
    if (run.engine == NULL) {
        fprintf(stderr, "hopwatch: cannot start the probe engine: %s\n", hw_strerror(st));
        return CLI_EXIT_SYSTEM;
    }

    /* 2. Drop every privilege before touching anything else. */
    st = hw_privs_drop(err, sizeof(err));
    if (st < 0) {
        fprintf(stderr, "hopwatch: cannot drop privileges: %s\n", err);
        return CLI_EXIT_SYSTEM;
    }

    /* 3. Unprivileged from here on. */
    setup_signals(&run);
    run.resolver = hw_resolver_new(0, 0, &st);
    if (run.resolver == NULL) {
        fprintf(stderr, "hopwatch: cannot start the resolver: %s\n", hw_strerror(st));
        return CLI_EXIT_SYSTEM;
    }
    if (gethostname(local_host, sizeof(local_host)) < 0)
        snprintf(local_host, sizeof(local_host), "localhost");
    local_host[sizeof(local_host) - 1] = '\0';

    hw_trace_config_init(&tcfg);
    tcfg.target = resolve_target(&run);
    if (!run.opt.numeric) {
        run.names = hw_names_new(run.resolver);
        if (run.names == NULL) {
            fprintf(stderr, "hopwatch: out of memory\n");
            return CLI_EXIT_SYSTEM;
        }
    }
    tcfg.first_ttl = run.opt.first_ttl;
    tcfg.max_ttl = run.opt.max_ttl;
    tcfg.max_unknown = run.opt.max_unknown;
    tcfg.interval_ns = (int64_t)(run.opt.interval_s * NS_PER_S);
    tcfg.timeout_ns = (int64_t)(run.opt.timeout_s * NS_PER_S);
    tcfg.cycles = run.opt.cycles;
    tcfg.payload_size = run.opt.payload_size;
    tcfg.tos = run.opt.tos;
    tcfg.on_result = on_result;
    tcfg.arg = &run;
    run.trace = hw_trace_new(run.engine, &tcfg, &st);
    if (run.trace == NULL) {
        fprintf(stderr, "hopwatch: cannot start the trace: %s\n", hw_strerror(st));
        return CLI_EXIT_SYSTEM;
    }
    st = hw_trace_start(run.trace);
    if (st < 0) {
        fprintf(stderr, "hopwatch: cannot start the trace: %s\n", hw_strerror(st));
        return CLI_EXIT_SYSTEM;
    }

    /* The run ends as soon as every probe has its answer or its timeout. */
    while (!caught_signal && !hw_trace_done(run.trace))
        poll_once(&run, -1);
    /* Names still on their way get a bounded grace period. */
    hw_engine_now(run.engine, &now);
    grace_end = now.mono_ns + NAMES_GRACE_NS;
    while (!caught_signal && run.names != NULL && hw_names_pending(run.names) > 0) {
        hw_engine_now(run.engine, &now);
        if (now.mono_ns >= grace_end)
            break;
        poll_once(&run, (int)((grace_end - now.mono_ns) / 1000000) + 1);
    }

    st = report(&run, local_host);
    hw_trace_free(run.trace);
    hw_names_free(run.names);
    hw_resolver_free(run.resolver);
    hw_engine_free(run.engine);
    return st;
}
