/* as_lookup.c - the origin AS and the reverse name of addresses (asn.h,
 * resolve.h), looked up together through one resolver driven by a poll
 * loop of your own; neither cache ever waits, they answer "pending" and
 * fill in as the answers come.
 *
 *   as_lookup [-z ZONE4] [-Z ZONE6] [-n NAME_ZONE] ADDRESS...
 *
 * The zones default to Team Cymru's.  Prints one line per address, in the
 * order given: the address, its reverse name (or "-"), "AS<n>", the
 * prefix, the country and the AS's name, or "AS???" when nothing is known.
 * Gives up waiting after 10 seconds.  Exit status: 0 every address has an
 * AS, 1 some have none, 3 usage error (or not a numeric address), 4
 * system error.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <hopwatch/addr.h>
#include <hopwatch/asn.h>
#include <hopwatch/error.h>
#include <hopwatch/resolve.h>

#define MAX_ADDRS 64
/* Room for the resolver's descriptors: c-ares opens one or two per name
 * server; hw_resolver_pollfds() says when that is not enough. */
#define MAX_FDS 16

static int
usage(void)
{
    fprintf(stderr, "usage: as_lookup [-z ZONE4] [-Z ZONE6] [-n NAME_ZONE] ADDRESS...\n");
    return 3;
}

static int64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(int argc, char **argv)
{
    struct hw_as_config cfg = {0};  /* zero members take the defaults */
    struct hw_addr addrs[MAX_ADDRS];
    struct hw_resolver *r;
    struct hw_names *names;
    struct hw_as *as;
    size_t n = 0;
    int c, st, rc = 0;
    int64_t deadline;

    while ((c = getopt(argc, argv, "z:Z:n:")) != -1) {
        switch (c) {
        case 'z': cfg.zone4 = optarg; break;    /* copied by hw_as_new() */
        case 'Z': cfg.zone6 = optarg; break;
        case 'n': cfg.name_zone = optarg; break;
        default: return usage();
        }
    }
    if (optind >= argc || argc - optind > MAX_ADDRS)
        return usage();
    for (int i = optind; i < argc; i++)
        if (hw_addr_parse(argv[i], &addrs[n++]) < 0) {
            fprintf(stderr, "as_lookup: %s: not a numeric address\n", argv[i]);
            return 3;
        }

    r = hw_resolver_new(0, 0, &st);
    if (r == NULL) {
        fprintf(stderr, "as_lookup: %s\n", hw_strerror(st));
        return 4;
    }
    /* Both caches look up through r, which must outlive them. */
    names = hw_names_new(r);
    as = hw_as_new(r, &cfg);
    if (names == NULL || as == NULL) {
        fprintf(stderr, "as_lookup: %s\n", hw_strerror(-ENOMEM));
        hw_as_free(as);
        hw_names_free(names);
        hw_resolver_free(r);
        return 4;
    }

    /* Ask once for everything: this starts every lookup (the answers are
     * PENDING and NULL for now). */
    for (size_t i = 0; i < n; i++) {
        struct hw_asinfo info;

        (void)hw_as_get(as, &addrs[i], &info);
        (void)hw_names_get(names, &addrs[i]);
    }

    /* The loop: the resolver's descriptors and its next timeout, until no
     * lookup of either cache is pending (the AS name is a second lookup
     * that starts when the origin's answer is in), bounded in time. */
    deadline = now_ms() + 10000;
    while ((hw_as_pending(as) > 0 || hw_names_pending(names) > 0) && now_ms() < deadline) {
        struct pollfd fds[MAX_FDS];
        size_t nfds = hw_resolver_pollfds(r, fds, MAX_FDS);
        int64_t left = deadline - now_ms();
        int wait;

        if (nfds > MAX_FDS)
            nfds = MAX_FDS; /* the others wait for a later turn */
        wait = hw_resolver_timeout_ms(r, left > 0 ? (int)left : 0);
        if (poll(fds, nfds, wait) < 0 && errno != EINTR) {
            perror("as_lookup: poll");
            rc = 4;
            break;
        }
        hw_resolver_process(r, fds, nfds);
    }

    for (size_t i = 0; i < n; i++) {
        struct hw_asinfo info;  /* a value copy: ours to keep */
        char buf[HW_ADDRSTRLEN];
        /* The name belongs to the cache: valid until hw_names_free(). */
        const char *name = hw_names_get(names, &addrs[i]);

        printf("%s %s ", hw_addr_format(&addrs[i], buf, sizeof(buf)),
               name != NULL ? name : "-");
        if (hw_as_get(as, &addrs[i], &info) == HW_AS_FOUND) {
            printf("AS%u %s %s %s\n", (unsigned)info.asn, info.prefix,
                   info.cc[0] ? info.cc : "-", info.name[0] ? info.name : "-");
        } else {
            printf("AS???\n");
            if (rc == 0)
                rc = 1;
        }
    }

    struct hw_as_counters ct;

    hw_as_counters(as, &ct);
    printf("%llu queries, %llu answered from the cache, generation %llu\n",
           (unsigned long long)ct.queries, (unsigned long long)ct.hits,
           (unsigned long long)hw_as_generation(as));
    hw_as_free(as);             /* the caches before their resolver */
    hw_names_free(names);
    hw_resolver_free(r);
    return rc;
}
