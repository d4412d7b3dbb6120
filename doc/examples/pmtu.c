/* pmtu.c - the path MTU toward a host, found in a poll loop of your own
 * (pmtu.h, engine.h): probes of growing size with don't-fragment, a
 * router's "fragmentation needed" / "packet too big" MTU, sizes that
 * vanish (a black hole), the local interface's limit.
 *
 *   pmtu [-4|-6] HOST
 *
 * Prints "path MTU N (REASON)" and, when a hop limits it, "at hop TTL
 * ADDRESS".  Exit status: 0 found, 1 the search failed, 2 name lookup
 * failed, 3 usage error, 4 system error.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <hopwatch/hopwatch.h>

/* Drive the engine until the search is over; the poll set is sized by
 * hw_engine_pollfd_count(). */
static int
run(struct hw_engine *e, struct hw_pmtu *p)
{
    size_t n = hw_engine_pollfd_count(e);
    struct pollfd *fds = calloc(n ? n : 1, sizeof(*fds));

    if (fds == NULL)
        return -ENOMEM;
    while (!hw_pmtu_done(p)) {
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
    struct hw_pmtu_config pcfg;
    struct hw_pmtu_result r;
    struct hw_engine *e;
    struct hw_pmtu *p;
    struct hw_addr a;
    char err[512], buf[HW_ADDRSTRLEN];
    int c, st, family = AF_UNSPEC;
    size_t n;

    hw_engine_config_init(&ecfg);
    while ((c = getopt(argc, argv, "46")) != -1) {
        if (c == '4')
            family = AF_INET;
        else if (c == '6')
            family = AF_INET6;
        else
            return 3;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: pmtu [-4|-6] HOST\n");
        return 3;
    }
    ecfg.families = family == AF_INET ? HW_FAMILY_V4 : family == AF_INET6 ? HW_FAMILY_V6 : 0;
    /* Every probe with don't-fragment: what the search measures. */
    ecfg.dont_fragment = true;

    /* Sockets first, then no privilege, then names. */
    e = hw_engine_new(&ecfg, &st);
    if (e == NULL) {
        fprintf(stderr, "pmtu: %s\n", hw_strerror(st));
        return 4;
    }
    if (hw_privs_drop(err, sizeof(err)) < 0) {
        fprintf(stderr, "pmtu: %s\n", err);
        hw_engine_free(e);
        return 4;
    }
    st = hw_resolve(argv[optind], family, &a, 1, &n);
    if (st < 0) {
        fprintf(stderr, "pmtu: %s: %s\n", argv[optind], hw_strerror(st));
        hw_engine_free(e);
        return 2;
    }
    hw_pmtu_config_init(&pcfg);
    pcfg.target = a;
    pcfg.interval_ns = 100000000; /* a probe every 0.1 s at most */
    p = hw_pmtu_new(e, &pcfg, &st);
    if (p == NULL || (st = hw_pmtu_start(p)) < 0 || (st = run(e, p)) < 0) {
        fprintf(stderr, "pmtu: %s\n", hw_strerror(st));
        hw_pmtu_free(p);
        hw_engine_free(e);
        return 4;
    }
    hw_pmtu_result(p, &r);
    if (r.state == HW_PMTU_FAILED) {
        printf("no path MTU: %s (%s)\n", hw_pmtu_reason_name(r.reason),
               hw_pmtu_state_name(r.state));
    } else {
        printf("path MTU %d (%s)\n", r.pmtu, hw_pmtu_reason_name(r.reason));
        if (r.hop_ttl > 0)
            printf("at hop %d %s, which passes %d\n", r.hop_ttl,
                   r.hop_addr.family != AF_UNSPEC ? hw_addr_format(&r.hop_addr, buf, sizeof(buf))
                                                  : "*",
                   hw_pmtu_hop_mtu(&r, r.hop_ttl));
    }
    hw_pmtu_free(p);
    hw_engine_free(e);
    return r.state == HW_PMTU_FAILED ? 1 : 0;
}
