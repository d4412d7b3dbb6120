/* traceroute.c - icmplib's traceroute() example in C: the distance, the
 * address and the average RTT of every hop that answered, a line where
 * routers stayed silent, and every other address that answered at a hop
 * (ECMP) on lines of its own.
 *
 *   traceroute [-4|-6] [-r|-u] [-F] [-c COUNT] [-i SECONDS] [-W SECONDS]
 *              [-f FIRST_HOP] [-m MAX_HOPS] HOST
 *
 * Exit status: 0 the destination answered, 1 it did not, 2 name lookup
 * failed, 3 usage error, 4 system error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <hopwatch/hopwatch.h>

static int
seconds(const char *text, int64_t *ns)
{
    char *end;
    double s = strtod(text, &end);

    if (end == text || *end != '\0' || !(s > 0) || s > 3600)
        return -1;
    *ns = (int64_t)(s * 1e9);
    return 0;
}

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
    fprintf(stderr, "usage: traceroute [-4|-6] [-r|-u] [-F] [-c COUNT] [-i SECONDS] "
                    "[-W SECONDS] [-f FIRST_HOP] [-m MAX_HOPS] HOST\n");
    return 3;
}

int
main(int argc, char **argv)
{
    struct hw_ping_opts o;
    struct hw_route r;
    char addr[HW_ADDRSTRLEN];
    int c, st, last_distance;

    hw_traceroute_opts_init(&o);
    while ((c = getopt(argc, argv, "46ruFc:i:W:f:m:")) != -1) {
        switch (c) {
        case '4': o.family = AF_INET; break;
        case '6': o.family = AF_INET6; break;
        case 'r': o.privilege = HW_PRIV_RAW; break;
        case 'u': o.privilege = HW_PRIV_DGRAM; break;
        case 'F': o.fast = true; break;
        case 'c':
            if (number(optarg, 1, 1000, &o.count) < 0)
                return usage();
            break;
        case 'i':
            if (seconds(optarg, &o.interval_ns) < 0)
                return usage();
            break;
        case 'W':
            if (seconds(optarg, &o.timeout_ns) < 0)
                return usage();
            break;
        case 'f':
            if (number(optarg, 1, 255, &o.first_hop) < 0)
                return usage();
            break;
        case 'm':
            if (number(optarg, 1, 255, &o.max_hops) < 0)
                return usage();
            break;
        default: return usage();
        }
    }
    if (optind != argc - 1)
        return usage();

    st = hw_traceroute(argv[optind], &o, &r);
    if (st != 0) {
        fprintf(stderr, "traceroute: %s: %s (%s)\n", argv[optind],
                r.message ? r.message : hw_strerror(st), hw_errname(st));
        hw_route_fini(&r);
        return st == HW_ENAME || st == HW_ENOADDR || st == HW_EDNS ? 2 : 4;
    }

    printf("traceroute to %s (%s), %d hops max\n", argv[optind],
           hw_addr_format(&r.address, addr, sizeof(addr)), o.max_hops);
    printf("%-17s %-24s %s\n", "Distance (ttl)", "Address", "Average round-trip time");
    last_distance = o.first_hop - 1;
    for (size_t i = 0; i < r.n_hops; i++) {
        const struct hw_route_hop *h = &r.hops[i];

        if (last_distance + 1 != h->distance)
            printf("%-17s %s\n", "*", "Some routers are not responding");
        for (size_t k = 0; k < h->n_responders; k++) {
            const struct hw_host *x = &h->responders[k];
            char dist[16];

            /* The hop's distance on its first line only: further lines
             * are other routers answering at the same distance. */
            snprintf(dist, sizeof(dist), "%d", h->distance);
            printf("%-17s %-24s %.3f ms\n", k == 0 ? dist : "",
                   hw_addr_format(&x->address, addr, sizeof(addr)), x->avg_ns / 1e6);
        }
        last_distance = h->distance;
    }
    if (r.end == HW_END_UNREACHABLE)
        printf("Destination unreachable at distance %d: %s (%s)\n", r.end_distance,
               hw_icmp_message(r.address.family, r.end_icmp_type, r.end_icmp_code),
               hw_icmp_reason_name(
                   hw_icmp_classify(r.address.family, r.end_icmp_type, r.end_icmp_code)));
    else if (!r.reached)
        printf("Destination not reached within %d hops\n", o.max_hops);
    st = r.reached ? 0 : 1;
    hw_route_fini(&r);
    return st;
}
