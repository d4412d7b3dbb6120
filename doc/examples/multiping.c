/* multiping.c - icmplib's multiping() example in C: ping several hosts at
 * once and say which are alive, in the order given.  A name that does not
 * resolve fails only its own line.
 *
 *   multiping [-4|-6] [-r|-u] [-c COUNT] [-i SECONDS] [-W SECONDS] HOST...
 *
 * Exit status as fping: 0 all alive, 1 some not alive, 2 a name lookup
 * failed, 3 usage error, 4 system error (no permission, ...).
 */
#include <errno.h>
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
usage(void)
{
    fprintf(stderr, "usage: multiping [-4|-6] [-r|-u] [-c COUNT] [-i SECONDS] [-W SECONDS] "
                    "HOST...\n");
    return 3;
}

int
main(int argc, char **argv)
{
    struct hw_ping_opts o;
    struct hw_host *hosts;
    char addr[HW_ADDRSTRLEN];
    int c, st, rc = 0;
    long v;
    char *end;

    hw_multiping_opts_init(&o);
    while ((c = getopt(argc, argv, "46ruc:i:W:")) != -1) {
        switch (c) {
        case '4': o.family = AF_INET; break;
        case '6': o.family = AF_INET6; break;
        case 'r': o.privilege = HW_PRIV_RAW; break;
        case 'u': o.privilege = HW_PRIV_DGRAM; break;
        case 'c':
            v = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || v < 1 || v > 1000000)
                return usage();
            o.count = (int)v;
            break;
        case 'i':
            if (seconds(optarg, &o.interval_ns) < 0)
                return usage();
            break;
        case 'W':
            if (seconds(optarg, &o.timeout_ns) < 0)
                return usage();
            break;
        default: return usage();
        }
    }
    if (optind >= argc)
        return usage();

    st = hw_multiping((const char *const *)&argv[optind], (size_t)(argc - optind), &o, &hosts);
    if (st == HW_EINVAL || st == -ENOMEM) {
        fprintf(stderr, "multiping: %s\n", hw_strerror(st));
        return 4;
    }
    if (st == HW_ENOPERM) {
        fprintf(stderr, "multiping: %s: %s\n", hw_strerror(st),
                hosts[0].message ? hosts[0].message : "");
        hw_hosts_free(hosts, (size_t)(argc - optind));
        return 4;
    }
    for (int i = 0; i < argc - optind; i++) {
        const struct hw_host *h = &hosts[i];

        if (h->status == HW_ENAME || h->status == HW_ENOADDR || h->status == HW_EDNS) {
            printf("%s: name error: %s (%s)\n", argv[optind + i], hw_strerror(h->status),
                   hw_errname(h->status));
            rc = 2;
        } else if (h->status != 0) {
            printf("%s: %s (%s)\n", argv[optind + i], h->message ? h->message : "",
                   hw_errname(h->status));
            rc = 4;
        } else if (h->is_alive) {
            printf("%s (%s) is alive: %llu/%llu replies, avg %.3f ms\n", argv[optind + i],
                   hw_addr_format(&h->address, addr, sizeof(addr)),
                   (unsigned long long)h->received, (unsigned long long)h->sent,
                   h->avg_ns / 1e6);
        } else {
            printf("%s (%s) is dead: %s\n", argv[optind + i],
                   hw_addr_format(&h->address, addr, sizeof(addr)),
                   h->last_error == HW_EUNREACH || h->last_error == HW_ETIMEEXCEEDED ||
                           h->last_error == HW_EICMP
                       ? hw_icmp_message(h->address.family, h->icmp_type, h->icmp_code)
                       : hw_strerror(h->last_error));
            if (rc == 0)
                rc = 1;
        }
    }
    hw_hosts_free(hosts, (size_t)(argc - optind));
    return rc;
}
