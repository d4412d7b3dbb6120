/* trace_loop.c - a trace driven by a poll loop of your own (engine.h,
 * trace.h): the loop shown in README and doc/api.md.  The poll set is
 * sized by hw_engine_pollfd_count(), never by a guess: an unprivileged
 * engine has one socket per identifier (-n), many more than a fixed array
 * of 8 would hold.
 *
 *   trace_loop [-4|-6] [-u] [-n IDENTS] [-c CYCLES] HOST
 *
 * Prints "polling N descriptors", then one line per hop: its TTL, the
 * address that answered most (or "*"), and received/sent.  Exit status: 0
 * the destination answered, 1 it did not, 2 name lookup failed, 3 usage
 * error, 4 system error.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hopwatch/hopwatch.h>

static int
number(const char *text, long lo, long hi, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);

    if (end == text || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static int
usage(void)
{
    fprintf(stderr, "usage: trace_loop [-4|-6] [-u] [-n IDENTS] [-c CYCLES] HOST\n");
    return 3;
}

/* The poll loop: every engine descriptor in a set sized once. */
static int
run(struct hw_engine *e, struct hw_trace *t)
{
    size_t n = hw_engine_pollfd_count(e);
    struct pollfd *fds = calloc(n ? n : 1, sizeof(*fds));

    if (fds == NULL)
        return -ENOMEM;
    printf("polling %zu descriptors\n", n);
    while (!hw_trace_done(t)) {
        hw_engine_pollfds(e, fds, n);
        if (poll(fds, n, hw_engine_timeout_ms(e, -1)) < 0 && errno != EINTR) {
            free(fds);
            return -errno;
        }
        hw_engine_process(e, fds, n);
    }
    free(fds);
    return 0;
}

int
main(int argc, char **argv)
{
    struct hw_engine_config ecfg;
    struct hw_trace_config tcfg;
    struct hw_trace_snapshot *snap;
    struct hw_engine *e;
    struct hw_trace *t;
    struct hw_addr a;
    char err[512], buf[HW_ADDRSTRLEN];
    int c, st, family = AF_UNSPEC, idents = 0, cycles = 3, reached;
    size_t n;

    hw_engine_config_init(&ecfg);
    while ((c = getopt(argc, argv, "46un:c:")) != -1) {
        switch (c) {
        case '4': family = AF_INET; break;
        case '6': family = AF_INET6; break;
        case 'u': ecfg.privilege = HW_PRIV_DGRAM; break;
        case 'n':
            if (number(optarg, 1, 4096, &idents) < 0)
                return usage();
            break;
        case 'c':
            if (number(optarg, 1, 100, &cycles) < 0)
                return usage();
            break;
        default: return usage();
        }
    }
    if (optind != argc - 1)
        return usage();
    ecfg.families = family == AF_INET ? HW_FAMILY_V4 : family == AF_INET6 ? HW_FAMILY_V6 : 0;
    ecfg.idents = (unsigned)idents;

    /* Sockets first, then no privilege, then names. */
    e = hw_engine_new(&ecfg, &st);
    if (e == NULL) {
        fprintf(stderr, "trace_loop: %s\n", hw_strerror(st));
        return 4;
    }
    if (hw_privs_drop(err, sizeof(err)) < 0) {
        fprintf(stderr, "trace_loop: %s\n", err);
        return 4;
    }
    st = hw_resolve(argv[optind], family, &a, 1, &n);
    if (st < 0) {
        fprintf(stderr, "trace_loop: %s: %s\n", argv[optind], hw_strerror(st));
        hw_engine_free(e);
        return 2;
    }

    hw_trace_config_init(&tcfg);
    tcfg.target = a;
    tcfg.cycles = (uint64_t)cycles;
    tcfg.interval_ns = 200000000;
    tcfg.timeout_ns = 1000000000;
    t = hw_trace_new(e, &tcfg, &st);
    if (t == NULL || (st = hw_trace_start(t)) < 0 || (st = run(e, t)) < 0 ||
        (st = hw_trace_snapshot(t, &snap)) < 0) {
        fprintf(stderr, "trace_loop: %s\n", hw_strerror(st));
        hw_trace_free(t);
        hw_engine_free(e);
        return 4;
    }
    for (size_t i = 0; i < snap->n_hops; i++) {
        const struct hw_hop *h = &snap->hops[i];

        printf("%d %s %" PRIu64 "/%" PRIu64 "\n", h->ttl,
               h->n_responders > 0 ? hw_addr_format(&h->responders[0].addr, buf, sizeof(buf))
                                   : "*",
               h->stats.received, h->stats.sent);
    }
    reached = snap->end == HW_END_REACHED;
    hw_trace_snapshot_free(snap);
    hw_trace_free(t);
    hw_engine_free(e);
    return reached ? 0 : 1;
}
