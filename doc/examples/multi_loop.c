/* multi_loop.c - ping many hosts at once (multi.h) from a poll loop of
 * your own, fping's model: every target gets a probe every interval, a
 * packets-per-second cap spreads all of them, and each target keeps its
 * own statistics (stats.h), read as value copies when the run is over.
 *
 *   multi_loop [-4|-6] [-u] [-c COUNT] [-i SECONDS] [-p PPS] HOST...
 *
 * Prints "polling N descriptors", then one line per host in the order
 * given: the address, received/sent, loss, and avg/stddev/jitter in ms
 * ("-" where there is no value), and for probes that could not even be
 * sent (a local error, not loss) how many and why.  Exit status (fping's): 0 every host
 * answered, 1 some did not, 2 a name did not resolve, 3 usage error, 4
 * system error.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <hopwatch/engine.h>
#include <hopwatch/error.h>
#include <hopwatch/multi.h>
#include <hopwatch/privs.h>
#include <hopwatch/resolve.h>
#include <hopwatch/stats.h>

static int
usage(void)
{
    fprintf(stderr,
            "usage: multi_loop [-4|-6] [-u] [-c COUNT] [-i SECONDS] [-p PPS] HOST...\n");
    return 3;
}

/* A bounded number from the command line, or -1. */
static int
number(const char *text, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(text, &end);

    if (end == text || *end != '\0' || !(v >= lo && v <= hi))
        return -1;
    *out = v;
    return 0;
}

/* The poll loop: the engine's descriptors, sized once, until every target
 * had its count of probes (hw_multi_done). */
static int
run(struct hw_engine *e, struct hw_multi *m)
{
    size_t n = hw_engine_pollfd_count(e);
    struct pollfd *fds = calloc(n ? n : 1, sizeof(*fds));

    if (fds == NULL)
        return -ENOMEM;
    printf("polling %zu descriptors\n", n);
    while (!hw_multi_done(m)) {
        hw_engine_pollfds(e, fds, n);
        if (poll(fds, n, hw_engine_timeout_ms(e, -1)) < 0 && errno != EINTR) {
            free(fds);
            return -errno;
        }
        hw_engine_process(e, fds, n);   /* sends, reads, expires, runs timers */
    }
    free(fds);
    return 0;
}

/* A value in ns as ms, or "-" when the stats say there is none (< 0). */
static const char *
ms(double ns, char *buf, size_t size)
{
    if (ns < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.3f", ns / 1e6);
    return buf;
}

int
main(int argc, char **argv)
{
    struct hw_engine_config ecfg;
    struct hw_multi_config mcfg;
    struct hw_engine *e;
    struct hw_multi *m;
    char err[512];
    double count = 3, interval = 1, pps = -1;
    int c, st, family = AF_UNSPEC, rc = 0;

    hw_engine_config_init(&ecfg);
    while ((c = getopt(argc, argv, "46uc:i:p:")) != -1) {
        switch (c) {
        case '4': family = AF_INET; break;
        case '6': family = AF_INET6; break;
        case 'u': ecfg.privilege = HW_PRIV_DGRAM; break;
        case 'c':
            if (number(optarg, 1, 1000, &count) < 0)
                return usage();
            break;
        case 'i':
            if (number(optarg, 0.001, 60, &interval) < 0)
                return usage();
            break;
        case 'p':
            if (number(optarg, 0, 1e6, &pps) < 0)
                return usage();
            break;
        default: return usage();
        }
    }
    if (optind >= argc)
        return usage();
    ecfg.families = family == AF_INET ? HW_FAMILY_V4 : family == AF_INET6 ? HW_FAMILY_V6 : 0;

    /* Sockets first, then no privilege, then names. */
    e = hw_engine_new(&ecfg, &st);
    if (e == NULL) {
        fprintf(stderr, "multi_loop: %s\n", hw_strerror(st));
        return 4;
    }
    if (hw_privs_drop(err, sizeof(err)) < 0) {
        fprintf(stderr, "multi_loop: %s\n", err);
        hw_engine_free(e);
        return 4;
    }

    hw_multi_config_init(&mcfg);
    mcfg.count = (uint64_t)count;
    mcfg.interval_ns = (int64_t)(interval * 1e9);
    if (pps >= 0)
        mcfg.pps = pps;         /* 0: no cap; else the default, 1000 */
    m = hw_multi_new(e, &mcfg, &st);
    if (m == NULL) {
        fprintf(stderr, "multi_loop: %s\n", hw_strerror(st));
        hw_engine_free(e);
        return 4;
    }
    for (int i = optind; i < argc; i++) {
        struct hw_addr a;
        size_t n;

        st = hw_resolve(argv[i], family, &a, 1, &n);
        if (st == 0)
            st = hw_multi_add(m, &a, NULL);     /* the multi copies a */
        if (st < 0) {
            /* A host that cannot be pinged is left out; the others go on. */
            fprintf(stderr, "multi_loop: %s: %s\n", argv[i], hw_strerror(st));
            if (st == HW_EFAMILY)
                fprintf(stderr, "multi_loop: %s\n", hw_engine_family_errmsg(e, a.family));
            rc = st == HW_ENAME || st == HW_ENOADDR || st == HW_EDNS ? 2 : 4;
        }
    }

    if (hw_multi_size(m) > 0 && ((st = hw_multi_start(m)) < 0 || (st = run(e, m)) < 0)) {
        fprintf(stderr, "multi_loop: %s\n", hw_strerror(st));
        hw_multi_free(m);
        hw_engine_free(e);
        return 4;
    }

    for (size_t i = 0; i < hw_multi_size(m); i++) {
        struct hw_addr a = hw_multi_addr(m, i);     /* a value copy */
        struct hw_stats s;                          /* likewise */
        char addr[HW_ADDRSTRLEN], avg[32], sd[32], jit[32], loss[16];

        hw_multi_stats(m, i, &s);
        /* Loss is over probes with an outcome: none when none was sent. */
        if (s.received + s.lost > 0)
            snprintf(loss, sizeof(loss), "%.0f%%", hw_stats_loss_pct(&s));
        else
            snprintf(loss, sizeof(loss), "-");
        printf("%s %llu/%llu %s loss avg %s stddev %s jitter %s ms\n",
               hw_addr_format(&a, addr, sizeof(addr)), (unsigned long long)s.received,
               (unsigned long long)s.sent, loss,
               ms(hw_stats_avg_ns(&s), avg, sizeof(avg)),
               /* hw_stats_stddev_ns() is 0 with one answer: say "-". */
               ms(s.received >= 2 ? hw_stats_stddev_ns(&s) : -1, sd, sizeof(sd)),
               ms(hw_stats_jitter_ns(&s), jit, sizeof(jit)));
        if (s.errors > 0)
            printf("%s %llu not sent: %s\n", addr, (unsigned long long)s.errors,
                   hw_strerror(hw_multi_send_status(m, i)));
        if (s.received == 0 && rc == 0)
            rc = 1;
    }
    hw_multi_free(m);       /* before the engine it was made on */
    hw_engine_free(e);
    return rc;
}
