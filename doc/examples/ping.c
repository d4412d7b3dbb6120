/* ping.c - icmplib's ping() example in C: ping one host and handle every
 * way it can end (no permission, a name that does not resolve, no answer,
 * an ICMP error with its typed reason, success with the RTT summary).
 *
 *   ping [-4|-6] [-r|-u] [-c COUNT] [-i SECONDS] [-W SECONDS] [-t TTL]
 *        [-s SOURCE] HOST
 *
 * Exit status as fping: 0 alive, 1 not alive, 2 name lookup failed,
 * 3 usage error, 4 system error (permission, source address, ...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hopwatch/hopwatch.h>

/* Seconds on the command line (a decimal number > 0) in nanoseconds. */
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

/* A whole number in [lo, hi]. */
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
    fprintf(stderr, "usage: ping [-4|-6] [-r|-u] [-c COUNT] [-i SECONDS] [-W SECONDS] "
                    "[-t TTL] [-s SOURCE] HOST\n");
    return 3;
}

/* Why a host that was probed did not answer, in one line. */
static void
print_no_answer(const struct hw_host *h)
{
    char who[HW_ADDRSTRLEN];

    switch (h->last_error) {
    case HW_ETIMEDOUT:
        printf("no answer: request timed out\n");
        break;
    case HW_EUNREACH:
    case HW_ETIMEEXCEEDED:
    case HW_EICMP:
        /* The typed reason: hw_icmp_reason_name() for programs, the
         * message for people. */
        printf("no answer: %s from %s (%s, ICMP %d/%d)\n",
               hw_icmp_message(h->address.family, h->icmp_type, h->icmp_code),
               hw_addr_format(&h->icmp_source, who, sizeof(who)), hw_icmp_reason_name(h->reason),
               h->icmp_type, h->icmp_code);
        break;
    default:
        printf("no answer: %s (%s)\n", hw_strerror(h->last_error), hw_errname(h->last_error));
        break;
    }
}

int
main(int argc, char **argv)
{
    struct hw_ping_opts o;
    struct hw_host h;
    char addr[HW_ADDRSTRLEN];
    int c, st, rc;

    hw_ping_opts_init(&o);
    while ((c = getopt(argc, argv, "46ruc:i:W:t:s:")) != -1) {
        switch (c) {
        case '4': o.family = AF_INET; break;
        case '6': o.family = AF_INET6; break;
        case 'r': o.privilege = HW_PRIV_RAW; break;
        case 'u': o.privilege = HW_PRIV_DGRAM; break;
        case 'c':
            if (number(optarg, 1, 1000000, &o.count) < 0)
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
        case 't':
            if (number(optarg, 1, 255, &o.ttl) < 0)
                return usage();
            break;
        case 's': o.source = optarg; break;
        default: return usage();
        }
    }
    if (optind != argc - 1)
        return usage();

    st = hw_ping(argv[optind], &o, &h);
    switch (st) {
    case 0:
        break;
    case HW_ENOPERM:
        /* icmplib's SocketPermissionError; the message says how to fix it. */
        fprintf(stderr, "ping: %s: %s\n", hw_strerror(st), h.message ? h.message : "");
        hw_host_fini(&h);
        return 4;
    case HW_ENAME:
    case HW_ENOADDR:
    case HW_EDNS:
        fprintf(stderr, "ping: %s: name error: %s (%s)\n", argv[optind], hw_strerror(st),
                hw_errname(st));
        hw_host_fini(&h);
        return 2;
    default:
        /* HW_EADDR (the source is not ours), HW_EFAMILY, HW_EINVAL, ... */
        fprintf(stderr, "ping: %s: %s (%s)\n", hw_strerror(st), h.message ? h.message : "",
                hw_errname(st));
        hw_host_fini(&h);
        return 4;
    }

    printf("--- %s (%s) ping statistics ---\n", argv[optind],
           hw_addr_format(&h.address, addr, sizeof(addr)));
    printf("%llu packets transmitted, %llu received, %g%% packet loss\n",
           (unsigned long long)h.sent, (unsigned long long)h.received, h.loss * 100.0);
    if (h.is_alive) {
        printf("rtt min/avg/max/jitter = %.3f/%.3f/%.3f/%.3f ms\n", (double)h.min_ns / 1e6,
               h.avg_ns / 1e6, (double)h.max_ns / 1e6, h.jitter_ns >= 0 ? h.jitter_ns / 1e6 : 0.0);
        rc = 0;
    } else {
        print_no_answer(&h);
        rc = 1;
    }
    hw_host_fini(&h);
    return rc;
}
