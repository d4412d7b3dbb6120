/* ping.c - icmplib's blocking calls (ping, multiping, traceroute) as thin
 * loops around an engine: open it, resolve, send on engine timers, wait
 * with hw_engine_wait() until every probe has its outcome, convert.  See
 * include/hopwatch/ping.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/error.h>
#include <hopwatch/ping.h>
#include <hopwatch/resolve.h>
#include <hopwatch/stats.h>

#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL
/* Largest payload a probe can carry (as the engine). */
#define PAYLOAD_MAX 65000
/* With a stop flag, no wait is longer than this, so a signal that lands
 * just before a wait begins still ends the call promptly. */
#define STOP_POLL_MS 200

/* ---- options ------------------------------------------------------------ */

void
hw_ping_opts_init(struct hw_ping_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->count = 4;
    o->interval_ns = NS_PER_S;
    o->timeout_ns = 2 * NS_PER_S;
    o->id = -1;
    o->source = NULL;
    o->family = AF_UNSPEC;
    o->privilege = HW_PRIV_AUTO;
    o->payload = NULL;
    o->payload_size = 56;
    o->ttl = 64;
    o->traffic_class = 0;
    o->concurrency = 50;
    o->first_hop = 1;
    o->max_hops = 30;
    o->fast = false;
    o->engine = NULL;
    o->lookup = NULL;
    o->lookup_ctx = NULL;
    o->stop = NULL;
}

void
hw_multiping_opts_init(struct hw_ping_opts *o)
{
    hw_ping_opts_init(o);
    o->count = 2;
}

void
hw_traceroute_opts_init(struct hw_ping_opts *o)
{
    hw_ping_opts_init(o);
    o->count = 3;
    o->interval_ns = 50 * NS_PER_MS;
}

/* The options a call can work with. */
static bool
opts_valid(const struct hw_ping_opts *o, bool trace)
{
    if (o->count < 1 || o->interval_ns <= 0 || o->timeout_ns <= 0 || o->id < -1 ||
        o->id > 65535 || o->payload_size > PAYLOAD_MAX || o->traffic_class < 0 ||
        o->traffic_class > 255 ||
        (o->family != AF_UNSPEC && o->family != AF_INET && o->family != AF_INET6) ||
        (o->privilege != HW_PRIV_AUTO && o->privilege != HW_PRIV_RAW &&
         o->privilege != HW_PRIV_DGRAM))
        return false;
    if (trace)
        return o->first_hop >= 1 && o->first_hop <= 255 && o->max_hops >= o->first_hop &&
               o->max_hops <= 255;
    return o->ttl >= 0 && o->ttl <= 255 && o->concurrency >= 1;
}

/* ---- results ------------------------------------------------------------ */

/* "Nothing measured": every value that means "none" in its none state. */
static void
host_reset(struct hw_host *h)
{
    memset(h, 0, sizeof(*h));
    h->address.family = AF_UNSPEC;
    h->icmp_source.family = AF_UNSPEC;
    h->min_ns = -1;
    h->max_ns = -1;
    h->avg_ns = -1;
    h->stddev_ns = -1;
    h->jitter_ns = -1;
    h->icmp_type = -1;
    h->icmp_code = -1;
    h->reason = HW_ICMP_ECHO_REPLY;
}

void
hw_host_fini(struct hw_host *h)
{
    if (h == NULL)
        return;
    free(h->name);
    free(h->message);
    free(h->rtts_ns);
    host_reset(h);
}

void
hw_hosts_free(struct hw_host *hosts, size_t n)
{
    if (hosts == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        hw_host_fini(&hosts[i]);
    free(hosts);
}

void
hw_route_fini(struct hw_route *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_hops; i++) {
        struct hw_route_hop *h = &r->hops[i];

        hw_host_fini(&h->host);
        for (size_t k = 0; k < h->n_responders; k++)
            hw_host_fini(&h->responders[k]);
        free(h->responders);
    }
    free(r->hops);
    free(r->name);
    free(r->message);
    memset(r, 0, sizeof(*r));
    r->address.family = AF_UNSPEC;
    r->end_icmp_type = -1;
    r->end_icmp_code = -1;
}

/* A heap copy of a formatted message; NULL when out of memory (the status
 * still says what went wrong). */
__attribute__((format(printf, 1, 2))) static char *
message(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    return s;
}

/* Fail an entry with status and a message (replacing an earlier one). */
static void
host_fail(struct hw_host *h, int status, char *msg)
{
    h->status = status;
    free(h->message);
    h->message = msg;
}

/* The summary values of a host from its statistics; sent, received and
 * the RTT array are the caller's. */
static void
host_set_stats(struct hw_host *h, const struct hw_stats *s)
{
    h->received = s->received;
    h->late = s->late;
    h->duplicates = s->duplicates;
    h->loss = hw_stats_loss_pct(s) / 100.0;
    h->min_ns = s->min_ns;
    h->max_ns = s->max_ns;
    h->avg_ns = hw_stats_avg_ns(s);
    h->stddev_ns = hw_stats_stddev_ns(s);
    h->jitter_ns = hw_stats_jitter_ns(s);
    h->is_alive = s->received > 0;
}

/* ---- the engine ---------------------------------------------------------- */

/* Create the engine a call runs on, from the caller's base config and the
 * options.  single_ident: every probe carries one identifier (ping and
 * traceroute, as icmplib's one id per call).  On failure return the status
 * with a message in *msg. */
/* The family of opts->source, AF_UNSPEC when there is none (or when it is
 * not an address: engine_open() refuses that). */
static int
source_family(const struct hw_ping_opts *o)
{
    struct hw_addr src;

    if (o->source == NULL || hw_addr_parse(o->source, &src) < 0)
        return AF_UNSPEC;
    return src.family;
}

/* The family names are looked up in: the one asked for, else the source's,
 * since a probe can only leave from the source toward its own family. */
static int
lookup_family(const struct hw_ping_opts *o)
{
    return o->family != AF_UNSPEC ? o->family : source_family(o);
}

static int
engine_open(const struct hw_ping_opts *o, bool single_ident, struct hw_engine **out, char **msg)
{
    struct hw_engine_config cfg;
    struct hw_addr src;
    int st;

    *out = NULL;
    *msg = NULL;
    if (o->engine != NULL)
        cfg = *o->engine;
    else
        hw_engine_config_init(&cfg);
    cfg.privilege = o->privilege;
    if (o->id >= 0)
        cfg.ident = o->id;
    if (single_ident)
        cfg.idents = 1;
    if (o->family == AF_INET)
        cfg.families = HW_FAMILY_V4;
    else if (o->family == AF_INET6)
        cfg.families = HW_FAMILY_V6;
    if (o->source != NULL) {
        if (hw_addr_parse(o->source, &src) < 0 ||
            (o->family != AF_UNSPEC && o->family != src.family)) {
            *msg = message("source %s: not a numeric address of the requested family",
                           o->source);
            return HW_EINVAL;
        }
        /* Only the source's family is opened: an address of the other
         * family would otherwise be probed from whatever address routing
         * picks, not from the source the caller asked for.  A base
         * config's source of the other family has no socket to apply to. */
        if (src.family == AF_INET) {
            cfg.source4 = src;
            cfg.families = HW_FAMILY_V4;
            cfg.source6.family = AF_UNSPEC;
        } else {
            cfg.source6 = src;
            cfg.families = HW_FAMILY_V6;
            cfg.source4.family = AF_UNSPEC;
        }
    }
    *out = hw_engine_new(&cfg, &st);
    if (*out == NULL) {
        *msg = message("cannot create the probe engine: %s", hw_strerror(st));
        return st;
    }
    return 0;
}

/* HW_ENOPERM when no family the engine was asked for could be opened for
 * lack of permission (icmplib's SocketPermissionError), else 0.  *fam gets
 * a family whose message to show. */
static int
engine_no_permission(const struct hw_engine *e, int family, int *fam)
{
    static const int fams[2] = {AF_INET, AF_INET6};
    bool any = false;

    for (int i = 0; i < 2; i++) {
        int st = hw_engine_family_status(e, fams[i]);

        if (family != AF_UNSPEC && family != fams[i])
            continue;
        /* A family that was not asked for reports HW_EFAMILY: not a
         * permission problem, and not open either. */
        if (st == 0)
            return 0;
        if (st == HW_ENOPERM) {
            if (!any)
                *fam = fams[i];
            any = true;
        }
    }
    return any ? HW_ENOPERM : 0;
}

/* One wait of a blocking loop.  Returns 0 to go on, HW_ECANCELLED when the
 * stop flag is set, or a negative status of the wait itself. */
static int
loop_wait(struct hw_engine *e, const struct hw_ping_opts *o)
{
    int st;

    if (o->stop != NULL && *o->stop)
        return HW_ECANCELLED;
    st = hw_engine_wait(e, o->stop != NULL ? STOP_POLL_MS : -1);
    if (st == -EINTR)
        return o->stop != NULL && *o->stop ? HW_ECANCELLED : 0;
    return st;
}

/* ---- names --------------------------------------------------------------- */

/* One name being looked up by the resolver. */
struct pending {
    struct hw_host *host;        /* the entry it is for */
    const struct hw_engine *e;   /* to prefer a family that has a socket */
    bool done;                   /* the callback fired */
};

/* Store the address of addrs to probe: the first whose family the engine
 * can probe, else the first (whose family then fails the entry). */
static void
pick_address(struct hw_host *h, const struct hw_engine *e, const struct hw_addr *addrs,
             size_t n)
{
    h->address = addrs[0];
    for (size_t i = 0; i < n; i++) {
        if (hw_engine_family_status(e, addrs[i].family) == 0) {
            h->address = addrs[i];
            return;
        }
    }
}

static void
lookup_done(void *arg, int status, const struct hw_addr *addrs, size_t n)
{
    struct pending *p = arg;

    p->done = true;
    if (status == 0 && n == 0)
        status = HW_ENOADDR;
    if (status < 0) {
        host_fail(p->host, status, message("%s: %s", p->host->name != NULL ? p->host->name : "?",
                                           hw_strerror(status)));
        return;
    }
    pick_address(p->host, p->e, addrs, n);
}

/* Resolve the entries whose status is HW_ENAME with no message yet (the
 * names) through c-ares, all at once, in this loop.  Returns 0 or
 * HW_ECANCELLED. */
static int
resolve_with_cares(struct hw_host *hosts, const char *const *names, size_t n,
                   const struct hw_ping_opts *o, const struct hw_engine *e)
{
    struct hw_resolver *r;
    struct pending *pend;
    int st, ret = 0;

    pend = calloc(n, sizeof(*pend));
    if (pend == NULL) {
        for (size_t i = 0; i < n; i++) {
            if (hosts[i].status == HW_ENAME && hosts[i].message == NULL)
                host_fail(&hosts[i], -ENOMEM, NULL);
        }
        return 0;
    }
    r = hw_resolver_new(0, 0, &st);
    for (size_t i = 0; i < n; i++) {
        if (hosts[i].status != HW_ENAME || hosts[i].message != NULL)
            continue;
        pend[i].host = &hosts[i];
        pend[i].e = e;
        /* The entry's status is set again by the callback. */
        hosts[i].status = 0;
        if (r == NULL) {
            host_fail(&hosts[i], st, message("%s: name lookup: %s", names[i], hw_strerror(st)));
            pend[i].done = true;
            continue;
        }
        st = hw_resolver_lookup(r, names[i], lookup_family(o), lookup_done, &pend[i]);
        if (st < 0) {
            host_fail(&hosts[i], st, message("%s: %s", names[i], hw_strerror(st)));
            pend[i].done = true;
        }
    }
    /* c-ares bounds every query by its timeout and tries, so this ends. */
    while (r != NULL && hw_resolver_pending(r) > 0) {
        struct pollfd fds[16];
        size_t k = hw_resolver_pollfds(r, fds, 16);
        int ms = hw_resolver_timeout_ms(r, o->stop != NULL ? STOP_POLL_MS : 1000);

        if (o->stop != NULL && *o->stop) {
            ret = HW_ECANCELLED;
            break;
        }
        if (poll(fds, k < 16 ? k : 16, ms) < 0 && errno != EINTR)
            break;
        hw_resolver_process(r, fds, k < 16 ? k : 16);
    }
    /* Frees pending lookups: their callbacks fire with HW_ECANCELLED. */
    hw_resolver_free(r);
    for (size_t i = 0; i < n; i++) {
        if (pend[i].host != NULL && !pend[i].done)
            host_fail(&hosts[i], HW_ECANCELLED, message("%s: lookup cancelled", names[i]));
    }
    free(pend);
    return ret;
}

/* Give every entry its name and address, or its failure: numeric addresses
 * directly, names through opts->lookup or c-ares; then check that the
 * engine has a socket for the address's family.  Returns 0 or
 * HW_ECANCELLED. */
static int
resolve_all(struct hw_host *hosts, const char *const *names, size_t n,
            const struct hw_ping_opts *o, const struct hw_engine *e)
{
    size_t nnames = 0;
    int ret = 0;

    for (size_t i = 0; i < n; i++) {
        struct hw_host *h = &hosts[i];

        host_reset(h);
        if (names[i] == NULL) {
            host_fail(h, HW_EINVAL, message("no address given"));
            continue;
        }
        h->name = strdup(names[i]);
        if (hw_addr_parse(names[i], &h->address) == 0) {
            if (o->family != AF_UNSPEC && h->address.family != o->family)
                host_fail(h, HW_ENOADDR, message("%s: not an address of the requested family",
                                                 names[i]));
            else if (source_family(o) != AF_UNSPEC && h->address.family != source_family(o))
                host_fail(h, HW_EFAMILY, message("%s: the source %s is of the other address "
                                                 "family", names[i], o->source));
            continue;
        }
        if (!hw_is_hostname(names[i])) {
            h->address.family = AF_UNSPEC;
            host_fail(h, HW_ENAME, message("%s: neither an IP address nor a host name",
                                           names[i]));
            continue;
        }
        /* A name: marked HW_ENAME without a message until it resolves. */
        h->address.family = AF_UNSPEC;
        h->status = HW_ENAME;
        nnames++;
    }
    if (nnames > 0 && o->lookup != NULL) {
        for (size_t i = 0; i < n; i++) {
            struct hw_host *h = &hosts[i];
            struct hw_addr a;
            int st;

            if (h->status != HW_ENAME || h->message != NULL)
                continue;
            st = o->lookup(o->lookup_ctx, names[i], lookup_family(o), &a);
            if (st == 0 && a.family != AF_INET && a.family != AF_INET6)
                st = HW_ENOADDR;
            if (st < 0) {
                host_fail(h, st, message("%s: %s", names[i], hw_strerror(st)));
                continue;
            }
            h->status = 0;
            h->address = a;
        }
    } else if (nnames > 0) {
        ret = resolve_with_cares(hosts, names, n, o, e);
    }
    for (size_t i = 0; i < n; i++) {
        struct hw_host *h = &hosts[i];
        int st;

        if (h->status != 0)
            continue;
        st = hw_engine_family_status(e, h->address.family);
        if (st != 0)
            host_fail(h, st, message("%s", hw_engine_family_errmsg(e, h->address.family)));
    }
    return ret;
}

/* ---- ping and multiping --------------------------------------------------- */

struct pinger;

/* One address being pinged. */
struct target {
    struct pinger *p;        /* the call it belongs to */
    struct hw_host *host;    /* its result */
    int sent;                /* probes started */
    int64_t *rtt;            /* RTT of probe k, -1 unanswered (count entries) */
    struct hw_stats stats;   /* its statistics */
};

/* One ping or multiping call. */
struct pinger {
    struct hw_engine *e;           /* the engine it runs on */
    const struct hw_ping_opts *o;  /* its options */
    struct target *tg;             /* the entries */
    size_t n;                      /* entries in tg */
    size_t *ready;                 /* ring of entries whose next probe is due */
    size_t rhead;                  /* first entry of the ring */
    size_t rlen;                   /* entries in the ring (each at most once) */
    size_t in_flight;              /* probes in flight */
    uint64_t remaining;            /* probe outcomes still to come */
};

static void pump(struct pinger *p);

/* A probe without an answer: lost, and why. */
static void
record_lost(struct target *t, int why)
{
    hw_stats_lost(&t->stats);
    t->host->last_error = why;
}

static void
probe_done(void *arg, const struct hw_probe_result *r)
{
    struct target *t = arg;
    struct pinger *p = t->p;
    struct hw_host *h = t->host;
    size_t k = (size_t)r->tag;

    /* Only hw_engine_free() at the end of the call cancels. */
    if (r->outcome == HW_OUTCOME_CANCELLED)
        return;
    p->in_flight--;
    p->remaining--;
    switch (r->outcome) {
    case HW_OUTCOME_REPLY:
        hw_stats_reply(&t->stats, r->rtt_ns);
        if (k < (size_t)p->o->count)
            t->rtt[k] = r->rtt_ns < 0 ? 0 : r->rtt_ns;
        break;
    case HW_OUTCOME_TIMEOUT:
        record_lost(t, HW_ETIMEDOUT);
        break;
    case HW_OUTCOME_SEND_ERROR:
        record_lost(t, r->status);
        break;
    case HW_OUTCOME_TIME_EXCEEDED:
    case HW_OUTCOME_UNREACHABLE:
    case HW_OUTCOME_ICMP_ERROR:
        record_lost(t, hw_icmp_status(r->dst.family, r->icmp_type, r->icmp_code, &h->reason));
        h->icmp_source = r->responder;
        h->icmp_type = r->icmp_type;
        h->icmp_code = r->icmp_code;
        break;
    case HW_OUTCOME_CANCELLED:
        break;
    }
    pump(p);
}

static void
probe_extra(void *arg, const struct hw_probe_result *r)
{
    struct target *t = arg;

    if (r->extra == HW_EXTRA_LATE)
        hw_stats_late(&t->stats);
    else
        hw_stats_duplicate(&t->stats);
}

static void
ready_push(struct pinger *p, struct target *t)
{
    p->ready[(p->rhead + p->rlen) % p->n] = (size_t)(t - p->tg);
    p->rlen++;
}

static void
next_due(void *arg, uint64_t id)
{
    struct target *t = arg;

    (void)id;
    ready_push(t->p, t);
    pump(t->p);
}

/* Start t's next probe and schedule the one after it. */
static void
send_next(struct pinger *p, struct target *t)
{
    const struct hw_ping_opts *o = p->o;
    struct hw_probe_spec spec;
    int st;

    memset(&spec, 0, sizeof(spec));
    spec.method = HW_METHOD_ICMP;
    spec.dst = t->host->address;
    spec.ttl = o->ttl;
    spec.tos = o->traffic_class;
    spec.payload_size = o->payload_size;
    spec.payload = o->payload;
    spec.fill = HW_FILL_COUNT;
    spec.timeout_ns = o->timeout_ns;
    spec.cb = probe_done;
    spec.on_extra = probe_extra;
    spec.arg = t;
    spec.tag = (uint64_t)t->sent;
    t->sent++;
    hw_stats_sent(&t->stats);
    st = hw_engine_probe(p->e, &spec, NULL);
    if (st == 0) {
        p->in_flight++;
    } else {
        /* Refused before sending: its callback will not fire. */
        record_lost(t, st);
        p->remaining--;
    }
    if (t->sent < o->count && hw_engine_timer_add(p->e, o->interval_ns, next_due, t, NULL) < 0) {
        /* No memory for the timer: the probes left cannot be scheduled. */
        while (t->sent < o->count) {
            t->sent++;
            hw_stats_sent(&t->stats);
            record_lost(t, -ENOMEM);
            p->remaining--;
        }
    }
}

/* Send what is due while there is room in flight. */
static void
pump(struct pinger *p)
{
    while (p->rlen > 0 && p->in_flight < p->o->concurrency) {
        struct target *t = &p->tg[p->ready[p->rhead]];

        p->rhead = (p->rhead + 1) % p->n;
        p->rlen--;
        send_next(p, t);
    }
}

/* Put the measurements of every entry into its host. */
static void
pinger_results(struct pinger *p, bool stopped)
{
    for (size_t i = 0; i < p->n; i++) {
        struct target *t = &p->tg[i];
        struct hw_host *h = t->host;
        size_t k = 0;

        if (h->status != 0)
            continue;
        h->sent = t->stats.sent;
        host_set_stats(h, &t->stats);
        if (t->stats.received > 0) {
            h->rtts_ns = malloc(t->stats.received * sizeof(*h->rtts_ns));
            for (int s = 0; h->rtts_ns != NULL && s < p->o->count; s++) {
                if (t->rtt[s] >= 0 && k < t->stats.received)
                    h->rtts_ns[k++] = t->rtt[s];
            }
        }
        h->n_rtts = h->rtts_ns != NULL ? k : 0;
        if (stopped && (t->sent < p->o->count || hw_stats_in_flight(&t->stats) > 0))
            host_fail(h, HW_ECANCELLED, message("stopped before every probe was answered"));
    }
}

/* The call behind hw_ping() and hw_multiping(): hosts has n entries.
 * Returns the call's status (see hw_multiping). */
static int
run_pings(const char *const *names, size_t n, const struct hw_ping_opts *o, bool single,
          struct hw_host *hosts)
{
    struct pinger p;
    char *msg;
    int st, fam = AF_INET, ret = 0;

    memset(&p, 0, sizeof(p));
    st = engine_open(o, single, &p.e, &msg);
    if (st == 0 && engine_no_permission(p.e, o->family, &fam) != 0) {
        st = HW_ENOPERM;
        msg = message("%s", hw_engine_family_errmsg(p.e, fam));
    }
    if (st != 0) {
        for (size_t i = 0; i < n; i++) {
            host_reset(&hosts[i]);
            hosts[i].name = names[i] != NULL ? strdup(names[i]) : NULL;
            host_fail(&hosts[i], st, msg != NULL ? strdup(msg) : NULL);
        }
        free(msg);
        hw_engine_free(p.e);
        return st;
    }
    ret = resolve_all(hosts, names, n, o, p.e);

    p.o = o;
    p.n = n;
    p.tg = calloc(n, sizeof(*p.tg));
    p.ready = calloc(n, sizeof(*p.ready));
    if (p.tg == NULL || p.ready == NULL) {
        ret = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        struct target *t = &p.tg[i];

        t->p = &p;
        t->host = &hosts[i];
        hw_stats_init(&t->stats);
        if (hosts[i].status != 0 || ret != 0)
            continue;
        t->rtt = malloc((size_t)o->count * sizeof(*t->rtt));
        if (t->rtt == NULL) {
            host_fail(&hosts[i], -ENOMEM, NULL);
            continue;
        }
        for (int k = 0; k < o->count; k++)
            t->rtt[k] = -1;
        ready_push(&p, t);
        p.remaining += (uint64_t)o->count;
    }
    /* Every entry starts at once (in input order), as far as concurrency
     * lets it; then each keeps its own interval. */
    pump(&p);
    while (ret == 0 && p.remaining > 0) {
        st = loop_wait(p.e, o);
        if (st != 0)
            ret = st;
    }
out:
    /* Cancels what is still in flight (probe_done ignores it) before the
     * targets go away. */
    hw_engine_free(p.e);
    if (p.tg != NULL)
        pinger_results(&p, ret == HW_ECANCELLED);
    /* The call itself failed (no memory, the wait broke): no entry it was
     * probing has a complete result. */
    if (ret < 0 && ret != HW_ECANCELLED) {
        for (size_t i = 0; i < n; i++) {
            if (hosts[i].status == 0)
                host_fail(&hosts[i], ret, message("probing: %s", hw_strerror(ret)));
        }
    }
    for (size_t i = 0; p.tg != NULL && i < n; i++)
        free(p.tg[i].rtt);
    free(p.tg);
    free(p.ready);
    return ret;
}

int
hw_ping(const char *address, const struct hw_ping_opts *opts, struct hw_host *host)
{
    struct hw_ping_opts defaults;
    int st;

    host_reset(host);
    if (opts == NULL) {
        hw_ping_opts_init(&defaults);
        opts = &defaults;
    }
    if (address == NULL || !opts_valid(opts, false)) {
        host->name = address != NULL ? strdup(address) : NULL;
        host_fail(host, HW_EINVAL, message("invalid options"));
        return HW_EINVAL;
    }
    st = run_pings(&address, 1, opts, true, host);
    if (st != 0 && host->status == 0)
        host->status = st;
    return host->status;
}

int
hw_multiping(const char *const *addresses, size_t n, const struct hw_ping_opts *opts,
             struct hw_host **hosts)
{
    struct hw_ping_opts defaults;
    struct hw_host *h;

    *hosts = NULL;
    if (opts == NULL) {
        hw_multiping_opts_init(&defaults);
        opts = &defaults;
    }
    if ((addresses == NULL && n > 0) || !opts_valid(opts, false))
        return HW_EINVAL;
    if (n == 0)
        return 0;
    h = calloc(n, sizeof(*h));
    if (h == NULL)
        return -ENOMEM;
    *hosts = h;
    return run_pings(addresses, n, opts, false, h);
}

/* ---- traceroute ------------------------------------------------------------ */

/* One answer the trace counted. */
struct answer {
    int ttl;                 /* TTL of the probe */
    struct hw_addr from;     /* who answered */
    int64_t rtt_ns;          /* its RTT */
};

/* What a traceroute call watches of its trace. */
struct tracer {
    struct answer *log;      /* every answer, in arrival order */
    size_t nlog;             /* entries used */
    size_t caplog;           /* entries allocated */
    bool oom;                /* an answer could not be logged */
    int end_ttl;             /* the end as the trace sees it, 0 unknown */
    bool answered[256];      /* some answer came for this TTL */
};

/* The trace's observer: every counted outcome, after its bookkeeping.  The
 * end follows the trace's own rule (the lowest TTL that got an echo reply
 * or an unreachable). */
static void
on_trace_result(void *arg, int ttl, const struct hw_probe_result *r)
{
    struct tracer *tr = arg;

    if (r->outcome != HW_OUTCOME_REPLY && r->outcome != HW_OUTCOME_TIME_EXCEEDED &&
        r->outcome != HW_OUTCOME_UNREACHABLE && r->outcome != HW_OUTCOME_ICMP_ERROR)
        return;
    if (ttl >= 0 && ttl < 256)
        tr->answered[ttl] = true;
    if ((r->outcome == HW_OUTCOME_REPLY || r->outcome == HW_OUTCOME_UNREACHABLE) &&
        (tr->end_ttl == 0 || ttl < tr->end_ttl))
        tr->end_ttl = ttl;
    if (tr->nlog == tr->caplog) {
        size_t ncap = tr->caplog ? tr->caplog * 2 : 64;
        struct answer *nl = realloc(tr->log, ncap * sizeof(*nl));

        if (nl == NULL) {
            tr->oom = true;
            return;
        }
        tr->log = nl;
        tr->caplog = ncap;
    }
    tr->log[tr->nlog++] = (struct answer){.ttl = ttl, .from = r->responder, .rtt_ns = r->rtt_ns};
}

/* True when no probe of the trace is in flight. */
static bool
trace_quiet(const struct hw_trace *t)
{
    struct hw_trace_snapshot *s;
    bool quiet = true;

    if (hw_trace_snapshot(t, &s) < 0)
        return false;
    for (size_t i = 0; i < s->n_hops; i++) {
        if (hw_stats_in_flight(&s->hops[i].stats) > 0)
            quiet = false;
    }
    hw_trace_snapshot_free(s);
    return quiet;
}

/* The RTTs the log holds for ttl (and, when who is not NULL, from who), in
 * arrival order, into a new array.  Returns how many; *out NULL when none
 * or out of memory. */
static size_t
collect_rtts(const struct tracer *tr, int ttl, const struct hw_addr *who, int64_t **out)
{
    size_t n = 0, k = 0;

    *out = NULL;
    for (size_t i = 0; i < tr->nlog; i++) {
        if (tr->log[i].ttl == ttl && (who == NULL || hw_addr_equal(&tr->log[i].from, who)))
            n++;
    }
    if (n == 0)
        return 0;
    *out = malloc(n * sizeof(**out));
    if (*out == NULL)
        return 0;
    for (size_t i = 0; i < tr->nlog; i++) {
        if (tr->log[i].ttl == ttl && (who == NULL || hw_addr_equal(&tr->log[i].from, who)))
            (*out)[k++] = tr->log[i].rtt_ns;
    }
    return k;
}

/* Fill hop d from snapshot hop h (which has responders). */
static int
convert_hop(const struct tracer *tr, int family, const struct hw_hop *h, struct hw_route_hop *d)
{
    uint64_t known = h->stats.received + h->stats.lost;
    const struct hw_responder *top = &h->responders[0];

    d->distance = h->ttl;
    host_reset(&d->host);
    d->host.address = top->addr;
    d->host.sent = h->stats.sent;
    host_set_stats(&d->host, &h->stats);
    d->host.n_rtts = collect_rtts(tr, h->ttl, NULL, &d->host.rtts_ns);
    d->host.icmp_source = top->addr;
    d->host.icmp_type = top->icmp_type;
    d->host.icmp_code = top->icmp_code;
    d->host.reason = hw_icmp_classify(family, top->icmp_type, top->icmp_code);
    d->responders = calloc(h->n_responders, sizeof(*d->responders));
    if (d->responders == NULL)
        return -ENOMEM;
    d->n_responders = h->n_responders;
    for (size_t k = 0; k < h->n_responders; k++) {
        const struct hw_responder *rs = &h->responders[k];
        struct hw_host *x = &d->responders[k];

        host_reset(x);
        x->address = rs->addr;
        x->sent = h->stats.sent;
        host_set_stats(x, &rs->stats);
        /* A responder's loss is the share of the hop's known outcomes it
         * did not answer. */
        x->loss = known > 0 && rs->stats.received <= known
                      ? (double)(known - rs->stats.received) / (double)known
                      : 0.0;
        x->n_rtts = collect_rtts(tr, h->ttl, &rs->addr, &x->rtts_ns);
        x->icmp_source = rs->addr;
        x->icmp_type = rs->icmp_type;
        x->icmp_code = rs->icmp_code;
        x->reason = hw_icmp_classify(family, rs->icmp_type, rs->icmp_code);
    }
    return 0;
}

/* Convert a finished trace's snapshot into route.  The log is filtered by
 * the snapshot: a TTL past the final end was forgotten by the trace. */
static int
convert_route(const struct tracer *tr, const struct hw_trace_snapshot *s, struct hw_route *route)
{
    size_t n = 0;

    route->end = s->end;
    route->reached = s->end == HW_END_REACHED;
    route->end_distance = s->end_ttl;
    if (s->end == HW_END_UNREACHABLE) {
        route->end_icmp_type = s->end_icmp_type;
        route->end_icmp_code = s->end_icmp_code;
    }
    for (size_t i = 0; i < s->n_hops; i++) {
        if (s->hops[i].n_responders > 0)
            n++;
    }
    if (n == 0)
        return 0;
    route->hops = calloc(n, sizeof(*route->hops));
    if (route->hops == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < s->n_hops; i++) {
        if (s->hops[i].n_responders == 0)
            continue;
        /* Counted first, so hw_route_fini() frees what was converted. */
        route->n_hops++;
        if (convert_hop(tr, s->target.family, &s->hops[i], &route->hops[route->n_hops - 1]) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* Fast mode (icmplib's fast_mode: a hop that answered is not asked
 * again).  A trace probes all its TTLs in the same rounds, so one silent
 * hop would keep every answering hop probed for count rounds: here each
 * TTL gets a trace of its own (first_ttl == max_ttl), started together, so
 * a round still probes every TTL at once.  A TTL's trace is paused once the
 * TTL answered, or once it lies past the end of the route; a silent TTL
 * gets its count probes.  The call ends when every trace is done or paused
 * and quiet.  Returns 0, or a negative status with *msg set when it has
 * something to say. */
struct fast {
    struct hw_trace **t;     /* one trace per TTL, first_hop + i */
    bool *paused;            /* t[i] is paused */
    int n;                   /* TTLs */
};

static void
fast_free(struct fast *f)
{
    for (int i = 0; f->t != NULL && i < f->n; i++)
        hw_trace_free(f->t[i]);
    free(f->t);
    free(f->paused);
}

static int
fast_run(struct hw_engine *e, const struct hw_ping_opts *opts, struct hw_trace_config *cfg,
         struct tracer *tr, struct fast *f, char **msg)
{
    int st = 0;

    f->n = opts->max_hops - opts->first_hop + 1;
    f->t = calloc((size_t)f->n, sizeof(*f->t));
    f->paused = calloc((size_t)f->n, sizeof(*f->paused));
    if (f->t == NULL || f->paused == NULL)
        return -ENOMEM;
    /* One TTL per trace: one silent TTL is a whole silent run. */
    cfg->max_unknown = 1;
    for (int i = 0; i < f->n && st == 0; i++) {
        cfg->first_ttl = cfg->max_ttl = opts->first_hop + i;
        f->t[i] = hw_trace_new(e, cfg, &st);
        if (f->t[i] == NULL)
            *msg = message("cannot start the trace: %s", hw_strerror(st));
    }
    for (int i = 0; i < f->n && st == 0; i++)
        st = hw_trace_start(f->t[i]);
    while (st == 0) {
        bool busy = false;

        for (int i = 0; i < f->n; i++) {
            int ttl = opts->first_hop + i;

            if (!f->paused[i] &&
                (tr->answered[ttl] || (tr->end_ttl != 0 && ttl > tr->end_ttl))) {
                /* No more rounds; what is in flight is still waited for. */
                hw_trace_pause(f->t[i]);
                f->paused[i] = true;
            }
            if (f->paused[i] ? !trace_quiet(f->t[i]) : !hw_trace_done(f->t[i]))
                busy = true;
        }
        if (!busy)
            break;
        st = loop_wait(e, opts);
    }
    return st;
}

/* The route of fast mode's traces, as one trace's snapshot would have it:
 * each TTL's hop, up to the lowest end any of them found.  The hops borrow
 * the snapshots' responders: free snaps, then only out->hops. */
static int
fast_snapshot(const struct fast *f, struct hw_trace_snapshot **snaps,
              struct hw_trace_snapshot *out)
{
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < f->n; i++) {
        int st = hw_trace_snapshot(f->t[i], &snaps[i]);

        if (st < 0)
            return st;
    }
    out->target = snaps[0]->target;
    out->first_ttl = snaps[0]->first_ttl;
    out->end = HW_END_MAX_TTL;
    for (int i = 0; i < f->n; i++) {
        if (snaps[i]->end == HW_END_REACHED || snaps[i]->end == HW_END_UNREACHABLE) {
            out->end = snaps[i]->end;
            out->end_ttl = snaps[i]->end_ttl;
            out->end_icmp_type = snaps[i]->end_icmp_type;
            out->end_icmp_code = snaps[i]->end_icmp_code;
            break;
        }
    }
    out->n_hops = out->end_ttl != 0 ? (size_t)(out->end_ttl - out->first_ttl + 1) : (size_t)f->n;
    out->hops = calloc(out->n_hops, sizeof(*out->hops));
    if (out->hops == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < out->n_hops; i++) {
        if (snaps[i]->n_hops > 0)
            out->hops[i] = snaps[i]->hops[0];
        else
            out->hops[i] = (struct hw_hop){.ttl = out->first_ttl + (int)i};
    }
    return 0;
}

int
hw_traceroute(const char *address, const struct hw_ping_opts *opts, struct hw_route *route)
{
    struct hw_ping_opts defaults;
    struct hw_trace_config cfg;
    struct hw_trace_snapshot *snap = NULL;
    struct hw_trace *t = NULL;
    struct hw_engine *e = NULL;
    struct tracer tr;
    struct fast fast = {0};
    struct hw_host target;
    char *msg = NULL;
    int st, fam = AF_INET;

    memset(route, 0, sizeof(*route));
    hw_route_fini(route);
    memset(&tr, 0, sizeof(tr));
    host_reset(&target);
    if (opts == NULL) {
        hw_traceroute_opts_init(&defaults);
        opts = &defaults;
    }
    route->name = address != NULL ? strdup(address) : NULL;
    if (address == NULL || !opts_valid(opts, true)) {
        route->status = HW_EINVAL;
        route->message = message("invalid options");
        return HW_EINVAL;
    }
    st = engine_open(opts, true, &e, &msg);
    if (st == 0 && engine_no_permission(e, opts->family, &fam) != 0) {
        st = HW_ENOPERM;
        msg = message("%s", hw_engine_family_errmsg(e, fam));
    }
    if (st == 0) {
        st = resolve_all(&target, &address, 1, opts, e);
        route->address = target.address;
        if (st == 0 && target.status != 0) {
            st = target.status;
            msg = target.message;
            target.message = NULL;
        }
    }
    if (st == 0) {
        hw_trace_config_init(&cfg);
        cfg.target = target.address;
        cfg.method = HW_METHOD_ICMP;
        cfg.first_ttl = opts->first_hop;
        cfg.max_ttl = opts->max_hops;
        /* icmplib goes on through silent hops up to max_hops: so does the
         * trace when its silent-hop limit spans the whole range. */
        cfg.max_unknown = opts->max_hops - opts->first_hop + 1;
        cfg.interval_ns = opts->interval_ns;
        cfg.timeout_ns = opts->timeout_ns;
        cfg.cycles = (uint64_t)opts->count;
        cfg.payload_size = opts->payload_size;
        cfg.tos = opts->traffic_class;
        cfg.history_len = 0;
        /* icmplib sends count probes per hop at its own pace and so must
         * a blocking call, which ends after count rounds: no slowing down
         * of hops whose replies look rate-limited. */
        cfg.no_adapt = true;
        cfg.on_result = on_trace_result;
        cfg.arg = &tr;
        if (opts->fast) {
            st = fast_run(e, opts, &cfg, &tr, &fast, &msg);
        } else {
            t = hw_trace_new(e, &cfg, &st);
            if (t == NULL)
                msg = message("cannot start the trace: %s", hw_strerror(st));
        }
    }
    if (st == 0 && t != NULL)
        st = hw_trace_start(t);
    while (st == 0 && t != NULL && !hw_trace_done(t))
        st = loop_wait(e, opts);
    if (fast.t != NULL && fast.n > 0 && (st == 0 || st == HW_ECANCELLED)) {
        struct hw_trace_snapshot **snaps = calloc((size_t)fast.n, sizeof(*snaps));
        struct hw_trace_snapshot all = {0};
        int cst = snaps == NULL ? -ENOMEM : fast_snapshot(&fast, snaps, &all);

        if (cst == 0)
            cst = convert_route(&tr, &all, route);
        if (cst < 0)
            st = cst;
        if (tr.oom && st == 0)
            st = -ENOMEM;
        if (st == HW_ECANCELLED)
            msg = message("stopped before the trace ended");
        free(all.hops);
        for (int i = 0; snaps != NULL && i < fast.n; i++)
            hw_trace_snapshot_free(snaps[i]);
        free(snaps);
    } else if (t != NULL && (st == 0 || st == HW_ECANCELLED)) {
        int cst = hw_trace_snapshot(t, &snap);

        if (cst == 0)
            cst = convert_route(&tr, snap, route);
        if (cst < 0)
            st = cst;
        if (tr.oom && st == 0)
            st = -ENOMEM;
        if (st == HW_ECANCELLED)
            msg = message("stopped before the trace ended");
    }
    route->status = st;
    if (msg != NULL) {
        free(route->message);
        route->message = msg;
    }
    hw_trace_snapshot_free(snap);
    hw_trace_free(t);
    fast_free(&fast);
    hw_engine_free(e);
    hw_host_fini(&target);
    free(tr.log);
    return st;
}
