/* session.c - start-up in the right order, target resolution, and the
 * poll loop of the report modes.  See session.h.
 *
 * The order is the OpenBSD ping order: sockets are opened while we still
 * hold privilege, privilege is dropped, and only then is anything risky
 * done (names resolved, files read, packets parsed).  Socket-open errors
 * are remembered per family and reported once a target needs that family.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/exitcode.h"
#include "cli/session.h"
#include "report/sanitize.h"

/* A target's name (or a message quoting it) as it may be printed: the
 * user's word can hold escape sequences (report_sanitize). */
#define SAFE(str) report_sanitize((str), (char[512]){0}, 512)

#define NS_PER_S 1000000000LL
/* Room for the resolver's descriptors (c-ares uses a few per name
 * server); the engine's are counted (hw_engine_pollfd_count). */
#define RESOLVER_POLLFDS 16

volatile sig_atomic_t cli_signal;

static void
on_signal(int sig)
{
    cli_signal = sig;
}

/* Block the signals we handle; they are let through only inside ppoll, so
 * a signal can never be lost between checking the flag and sleeping. */
static void
setup_signals(struct cli_session *s)
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
    sigprocmask(SIG_BLOCK, &block, &s->poll_mask);
    sigdelset(&s->poll_mask, SIGINT);
    sigdelset(&s->poll_mask, SIGTERM);
    sigdelset(&s->poll_mask, SIGHUP);
}

int
cli_session_open(struct cli_session *s)
{
    struct hw_engine_config ecfg;
    struct hw_addr src;
    char err[512];
    int st;

    /* 1. Privileged: open the sockets. */
    hw_engine_config_init(&ecfg);
    ecfg.families = s->opt.family == AF_INET    ? HW_FAMILY_V4
                    : s->opt.family == AF_INET6 ? HW_FAMILY_V6
                                                : HW_FAMILY_V4 | HW_FAMILY_V6;
    ecfg.privilege = (enum hw_privilege)s->opt.privilege;
    if (s->opt.source != NULL) {
        /* A numeric address only: resolving a name must wait until the
         * privileges are gone. */
        if (hw_addr_parse(s->opt.source, &src) < 0) {
            fprintf(stderr, "hopwatch: invalid source address '%s' for -a: a numeric IPv4 "
                            "or IPv6 address is needed\n", s->opt.source);
            return CLI_EXIT_USAGE;
        }
        if (src.family == AF_INET)
            ecfg.source4 = src;
        else
            ecfg.source6 = src;
        /* The source picks the family when -4/-6 did not. */
        if (s->opt.family == AF_UNSPEC) {
            s->opt.family = src.family;
            ecfg.families = src.family == AF_INET ? HW_FAMILY_V4 : HW_FAMILY_V6;
        }
    }
    ecfg.device = s->opt.device;
    ecfg.mark = (uint32_t)s->opt.mark;
    /* One rate cap for every mode without root (doc/hopwatch.8). */
    ecfg.max_pps = hw_privs_rate_cap();
    /* A path MTU search needs DF on its probes, and the kernel's
     * PMTUDISC_PROBE so that a cached path MTU does not refuse them. */
    ecfg.dont_fragment = s->opt.dont_fragment || s->opt.pmtu;
    s->engine = hw_engine_new(&ecfg, &st);
    if (s->engine == NULL) {
        fprintf(stderr, "hopwatch: cannot start the probe engine: %s\n", hw_strerror(st));
        return CLI_EXIT_SYSTEM;
    }

    /* 2. Drop every privilege before touching anything else. */
    st = hw_privs_drop(err, sizeof(err));
    if (st < 0) {
        fprintf(stderr, "hopwatch: cannot drop privileges: %s\n", err);
        return CLI_EXIT_SYSTEM;
    }

    /* 3. Unprivileged from here on.  The targets first: files are read
     * only now, and before our signals are blocked, so that Ctrl-C ends a
     * read of a terminal (-F -) as it ends any filter. */
    st = cli_targets_gather(&s->opt, &s->range, &s->list, stderr, &s->bad_lines);
    if (st != 0)
        return st;
    s->targets = calloc(s->list.n, sizeof(*s->targets));
    if (s->targets == NULL) {
        fprintf(stderr, "hopwatch: out of memory\n");
        return CLI_EXIT_SYSTEM;
    }
    s->ntargets = s->list.n;
    for (size_t i = 0; i < s->ntargets; i++) {
        s->targets[i].name = s->list.names[i];
        s->targets[i].status = 1;
    }
    setup_signals(s);
    s->resolver = hw_resolver_new(0, 0, &st);
    if (s->resolver == NULL) {
        fprintf(stderr, "hopwatch: cannot start the resolver: %s\n", hw_strerror(st));
        return CLI_EXIT_SYSTEM;
    }
    s->names = hw_names_new(s->resolver);
    if (s->names == NULL) {
        fprintf(stderr, "hopwatch: out of memory\n");
        return CLI_EXIT_SYSTEM;
    }
    if (s->opt.as_lookup || (s->opt.output == CLI_OUT_TUI && !s->opt.ping)) {
        /* Lookups go through the same resolver, in the same poll turn:
         * a silent server costs c-ares timeouts, never a wait.  The screen
         * always has the cache ('z' turns AS display on); it costs nothing
         * until asked. */
        struct hw_as_config ac = {
            .zone4 = s->opt.as_zone4,
            .zone6 = s->opt.as_zone6,
            .name_zone = s->opt.as_name_zone,
        };

        s->as = hw_as_new(s->resolver, &ac);
        if (s->as == NULL) {
            fprintf(stderr, "hopwatch: out of memory\n");
            return CLI_EXIT_SYSTEM;
        }
    }
    if (gethostname(s->local_host, sizeof(s->local_host)) < 0)
        snprintf(s->local_host, sizeof(s->local_host), "localhost");
    s->local_host[sizeof(s->local_host) - 1] = '\0';
    return 0;
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

int
cli_session_poll(struct cli_session *s, int max_ms)
{
    struct pollfd *fds;
    struct timespec ts, *tsp = NULL;
    size_t ne, nr, cap;
    int ms;

    /* Every engine descriptor is polled, however many (an unprivileged
     * engine has one per identifier): the set is sized once. */
    if (s->fds == NULL) {
        s->nfds_cap = hw_engine_pollfd_count(s->engine) + RESOLVER_POLLFDS;
        s->fds = calloc(s->nfds_cap, sizeof(*s->fds));
        if (s->fds == NULL)
            return -ENOMEM;
    }
    fds = s->fds;
    cap = s->nfds_cap;
    ne = hw_engine_pollfds(s->engine, fds, cap);
    if (ne > cap)
        ne = cap;
    nr = hw_resolver_pollfds(s->resolver, fds + ne, cap - ne);
    if (nr > cap - ne)
        nr = cap - ne;
    ms = min_timeout(hw_engine_timeout_ms(s->engine, max_ms),
                     hw_resolver_timeout_ms(s->resolver, max_ms));
    if (ms >= 0) {
        ts.tv_sec = ms / 1000;
        ts.tv_nsec = (long)(ms % 1000) * 1000000;
        tsp = &ts;
    }
    /* A failure goes back to the caller, which still owes the user the
     * reports and summaries of what was measured. */
    if (ppoll(fds, ne + nr, tsp, &s->poll_mask) < 0)
        return errno == EINTR ? 0 : -errno;
    hw_engine_process(s->engine, fds, ne);
    hw_resolver_process(s->resolver, fds + ne, nr);
    return 0;
}

/* The lookups of one cli_session_resolve(). */
struct lookups {
    struct cli_session *s;     /* the session */
    size_t pending;            /* lookups not answered yet */
};

/* One target's lookup. */
struct lookup_ctx {
    struct lookups *all;       /* the lookups it belongs to */
    struct cli_target *t;      /* the target looked up */
};

/* A lookup's answer: the first address of a family we have a socket for. */
static void
resolved(void *arg, int status, const struct hw_addr *addrs, size_t n)
{
    struct lookup_ctx *lc = arg;
    struct cli_target *t = lc->t;
    struct hw_engine *e = lc->all->s->engine;

    lc->all->pending--;
    if (status < 0) {
        t->status = status;
        t->error = hw_strerror(status);
        if (status == HW_ENOADDR && lc->all->s->opt.family != AF_UNSPEC)
            t->error = lc->all->s->opt.family == AF_INET ? "it has no IPv4 address"
                                                          : "it has no IPv6 address";
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (hw_engine_family_status(e, addrs[i].family) == 0) {
            t->addr = addrs[i];
            t->status = 0;
            return;
        }
    }
    t->status = HW_EFAMILY;
    t->error = hw_engine_family_errmsg(e, addrs[0].family);
}

int
cli_session_resolve(struct cli_session *s)
{
    struct lookup_ctx *lcs = calloc(s->ntargets, sizeof(*lcs));
    struct lookups all = {.s = s, .pending = 0};
    const char *family_said[2] = {NULL, NULL};
    int rc = 0, perr = 0;

    if (lcs == NULL) {
        fprintf(stderr, "hopwatch: out of memory\n");
        return CLI_EXIT_SYSTEM;
    }
    /* Every lookup is started at once: c-ares sends the queries together
     * and the loop below collects the answers as they come. */
    for (size_t i = 0; i < s->ntargets; i++) {
        lcs[i].all = &all;
        lcs[i].t = &s->targets[i];
        all.pending++;
        if (hw_resolver_lookup(s->resolver, s->targets[i].name, s->opt.family, resolved,
                               &lcs[i]) < 0) {
            all.pending--;
            s->targets[i].status = -ENOMEM;
            s->targets[i].error = hw_strerror(-ENOMEM);
        }
    }
    while (all.pending > 0 && !cli_signal && perr == 0)
        perr = cli_session_poll(s, -1);
    for (size_t i = 0; i < s->ntargets && !cli_signal && perr == 0; i++) {
        struct cli_target *t = &s->targets[i];

        if (t->status == HW_EFAMILY) {
            /* A missing socket is said once per family, not per target. */
            if (family_said[0] != t->error && family_said[1] != t->error) {
                fprintf(stderr, "hopwatch: %s\n", t->error);
                family_said[family_said[0] == NULL ? 0 : 1] = t->error;
            }
            rc = CLI_EXIT_SYSTEM;
        } else if (t->status < 0) {
            fprintf(stderr, "hopwatch: cannot resolve %s: %s\n", SAFE(t->name), SAFE(t->error));
            if (rc == 0)
                rc = CLI_EXIT_NAME;
        }
    }
    if (cli_signal || perr < 0) {
        /* Lookups still pending point into lcs: cancel them with it. */
        hw_names_free(s->names);
        s->names = NULL;
        hw_as_free(s->as);
        s->as = NULL;
        hw_resolver_free(s->resolver);
        s->resolver = NULL;
    }
    free(lcs);
    if (perr < 0) {
        fprintf(stderr, "hopwatch: ppoll: %s\n", strerror(-perr));
        return CLI_EXIT_SYSTEM;
    }
    if (cli_signal)
        return CLI_EXIT_NAME;
    return rc;
}

/* Say why the engine cannot send this run's probes to t; returns the exit
 * code. */
static int
cannot_send(const struct cli_session *s, const struct cli_target *t)
{
    fprintf(stderr, "hopwatch: cannot send %s probes to %s: %s\n",
            hw_method_name((enum hw_method)s->opt.method), SAFE(t->name),
            hw_engine_mode(s->engine, t->addr.family) == HW_MODE_DGRAM
                ? "UDP and TCP probes need raw sockets (run as root, or "
                  "'setcap cap_net_raw+ep' the program)"
                : "the raw socket for them could not be opened");
    return CLI_EXIT_SYSTEM;
}

int
cli_session_start_traces(struct cli_session *s, hw_trace_result_cb on_result, void *arg)
{
    void **args = NULL;
    int rc;

    if (arg != NULL) {
        args = malloc((s->ntargets ? s->ntargets : 1) * sizeof(*args));
        if (args == NULL) {
            fprintf(stderr, "hopwatch: out of memory\n");
            return CLI_EXIT_SYSTEM;
        }
        for (size_t i = 0; i < s->ntargets; i++)
            args[i] = arg;
    }
    rc = cli_session_start_traces_each(s, on_result, NULL, args);
    free(args);
    return rc;
}

/* --mtu: a path MTU search for t beside its trace, with the trace's
 * method, interval, timeout and TTL bounds. */
static int
start_pmtu(struct cli_session *s, struct cli_target *t)
{
    struct hw_pmtu_config pcfg;
    int st;

    hw_pmtu_config_init(&pcfg);
    pcfg.target = t->addr;
    /* A TCP SYN carries no payload to size: TCP traces search with ICMP echo
     * (which a raw socket, needed for TCP, can always send). */
    pcfg.method = (enum hw_method)s->opt.method;
    if (pcfg.method == HW_METHOD_TCP)
        pcfg.method = HW_METHOD_ICMP;
    else
        pcfg.port = (uint16_t)s->opt.port;
    pcfg.interval_ns = (int64_t)(s->opt.interval_s * NS_PER_S);
    pcfg.timeout_ns = (int64_t)(s->opt.timeout_s * NS_PER_S);
    pcfg.max_ttl = s->opt.max_ttl;
    pcfg.max_unknown = s->opt.max_unknown;
    t->pmtu = hw_pmtu_new(s->engine, &pcfg, &st);
    if (t->pmtu == NULL || (st = hw_pmtu_start(t->pmtu)) < 0) {
        fprintf(stderr, "hopwatch: cannot search the path MTU of %s: %s\n", SAFE(t->name),
                hw_strerror(st));
        return -1;
    }
    return 0;
}

int
cli_session_start_traces_each(struct cli_session *s, hw_trace_result_cb on_result,
                              hw_trace_event_cb on_event, void *const *args)
{
    struct hw_trace_config tcfg;
    int st;

    hw_trace_config_init(&tcfg);
    tcfg.first_ttl = s->opt.first_ttl;
    tcfg.max_ttl = s->opt.max_ttl;
    tcfg.max_unknown = s->opt.max_unknown;
    tcfg.no_adapt = s->opt.no_adapt;
    tcfg.interval_ns = (int64_t)(s->opt.interval_s * NS_PER_S);
    tcfg.timeout_ns = (int64_t)(s->opt.timeout_s * NS_PER_S);
    tcfg.cycles = s->opt.output == CLI_OUT_TUI ? 0 : s->opt.cycles;
    tcfg.payload_size = s->opt.payload_size;
    tcfg.tos = s->opt.tos;
    tcfg.method = (enum hw_method)s->opt.method;
    tcfg.port = (uint16_t)s->opt.port;
    if (s->opt.pattern >= 0) {
        tcfg.fill = HW_FILL_BYTE;
        tcfg.fill_byte = (uint8_t)s->opt.pattern;
    } else if (s->opt.pattern == -1) {
        tcfg.fill = HW_FILL_RANDOM;
    }
    tcfg.on_result = on_result;
    tcfg.on_event = on_event;
    for (size_t i = 0; i < s->ntargets; i++) {
        struct cli_target *t = &s->targets[i];

        if (t->status != 0)
            continue;
        tcfg.target = t->addr;
        tcfg.arg = args != NULL ? args[i] : NULL;
        if (!hw_engine_can_send(s->engine, tcfg.method, t->addr.family))
            return cannot_send(s, t);
        t->trace = hw_trace_new(s->engine, &tcfg, &st);
        if (t->trace == NULL || (st = hw_trace_start(t->trace)) < 0) {
            fprintf(stderr, "hopwatch: cannot trace %s: %s\n", SAFE(t->name), hw_strerror(st));
            return CLI_EXIT_SYSTEM;
        }
        if (s->opt.pmtu && start_pmtu(s, t) != 0)
            return CLI_EXIT_SYSTEM;
    }
    return 0;
}

int
cli_session_start_pings(struct cli_session *s, hw_multi_result_cb on_result, void *arg)
{
    struct hw_multi_config mcfg;
    int st;

    hw_multi_config_init(&mcfg);
    mcfg.interval_ns = (int64_t)(s->opt.interval_s * NS_PER_S);
    mcfg.timeout_ns = (int64_t)(s->opt.timeout_s * NS_PER_S);
    mcfg.count = s->opt.cycles;
    mcfg.pps = s->opt.pps;
    mcfg.method = (enum hw_method)s->opt.method;
    mcfg.port = (uint16_t)s->opt.port;
    mcfg.tos = s->opt.tos;
    mcfg.payload_size = s->opt.payload_size;
    if (s->opt.pattern >= 0) {
        mcfg.fill = HW_FILL_BYTE;
        mcfg.fill_byte = (uint8_t)s->opt.pattern;
    } else if (s->opt.pattern == -1) {
        mcfg.fill = HW_FILL_RANDOM;
    }
    mcfg.on_result = on_result;
    mcfg.arg = arg;
    s->multi = hw_multi_new(s->engine, &mcfg, &st);
    s->multi_target = malloc((s->ntargets ? s->ntargets : 1) * sizeof(*s->multi_target));
    if (s->multi == NULL || s->multi_target == NULL) {
        fprintf(stderr, "hopwatch: cannot start pinging: %s\n",
                hw_strerror(s->multi == NULL ? st : -ENOMEM));
        return CLI_EXIT_SYSTEM;
    }
    for (size_t i = 0; i < s->ntargets; i++) {
        struct cli_target *t = &s->targets[i];

        if (t->status != 0)
            continue;
        if (!hw_engine_can_send(s->engine, mcfg.method, t->addr.family))
            return cannot_send(s, t);
        st = hw_multi_add(s->multi, &t->addr, &t->index);
        if (st < 0) {
            fprintf(stderr, "hopwatch: cannot ping %s: %s\n", SAFE(t->name), hw_strerror(st));
            return CLI_EXIT_SYSTEM;
        }
        s->multi_target[t->index] = i;
        t->pinged = true;
    }
    st = hw_multi_start(s->multi);
    if (st < 0) {
        fprintf(stderr, "hopwatch: cannot start pinging: %s\n", hw_strerror(st));
        return CLI_EXIT_SYSTEM;
    }
    return 0;
}

void
cli_session_close(struct cli_session *s)
{
    for (size_t i = 0; i < s->ntargets; i++) {
        hw_pmtu_free(s->targets[i].pmtu);
        hw_trace_free(s->targets[i].trace);
    }
    hw_multi_free(s->multi);
    free(s->multi_target);
    free(s->targets);
    cli_targets_free(&s->list);
    hw_names_free(s->names);
    hw_as_free(s->as);
    hw_resolver_free(s->resolver);
    hw_engine_free(s->engine);
    free(s->fds);
    memset(s, 0, sizeof(*s));
}
