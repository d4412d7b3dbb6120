/* verbose_ping.c - icmplib's verbose_ping example in C, on the socket
 * level: one request per interval, each reply or ICMP error printed as it
 * comes.
 *
 *   verbose_ping [-r|-u] [-b] [-c COUNT] [-i SECONDS] [-W SECONDS]
 *                [-t TTL] [-s SOURCE] HOST
 *
 * -b allows a broadcast destination (without it, sending to one fails with
 * HW_EBROADCAST).  Exit status: 0 when some reply came, 1 when none did,
 * 2 name lookup failed, 3 usage error, 4 the socket could not be opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hopwatch/hopwatch.h>

static int
seconds(const char *text, int64_t *ns)
{
    char *end;
    double s = strtod(text, &end);

    if (end == text || *end != '\0' || !(s >= 0) || s > 3600)
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
    fprintf(stderr, "usage: verbose_ping [-r|-u] [-b] [-c COUNT] [-i SECONDS] [-W SECONDS] "
                    "[-t TTL] [-s SOURCE] HOST\n");
    return 3;
}

static void
sleep_ns(int64_t ns)
{
    struct timespec ts = {.tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000};

    while (nanosleep(&ts, &ts) != 0)
        ;
}

int
main(int argc, char **argv)
{
    struct hw_icmp_socket_opts so;
    struct hw_icmp_socket *sock;
    struct hw_addr dst;
    int64_t interval = 1000000000, timeout = 2000000000;
    int count = 4, ttl = 64, c, st, replies = 0;
    bool broadcast = false;
    char err[512], who[HW_ADDRSTRLEN];
    size_t n;

    hw_icmp_socket_opts_init(&so);
    while ((c = getopt(argc, argv, "rubc:i:W:t:s:")) != -1) {
        switch (c) {
        case 'r': so.privilege = HW_PRIV_RAW; break;
        case 'u': so.privilege = HW_PRIV_DGRAM; break;
        case 'b': broadcast = true; break;
        case 'c':
            if (number(optarg, 1, 1000000, &count) < 0)
                return usage();
            break;
        case 'i':
            if (seconds(optarg, &interval) < 0)
                return usage();
            break;
        case 'W':
            if (seconds(optarg, &timeout) < 0)
                return usage();
            break;
        case 't':
            if (number(optarg, 1, 255, &ttl) < 0)
                return usage();
            break;
        case 's':
            if (hw_addr_parse(optarg, &so.source) < 0)
                return usage();
            break;
        default: return usage();
        }
    }
    if (optind != argc - 1)
        return usage();

    /* icmplib's FAQ: a name is resolved first; the socket wants an address. */
    st = hw_resolve(argv[optind], so.source.family, &dst, 1, &n);
    if (st < 0) {
        fprintf(stderr, "verbose_ping: %s: %s (%s)\n", argv[optind], hw_strerror(st),
                hw_errname(st));
        return 2;
    }
    /* The family of the address picks ICMPv4Socket or ICMPv6Socket. */
    st = hw_icmp_socket_open(dst.family, &so, &sock, err, sizeof(err));
    if (st < 0) {
        fprintf(stderr, "verbose_ping: %s (%s): %s\n", hw_strerror(st), hw_errname(st), err);
        return 4;
    }
    if (broadcast && (st = hw_icmp_socket_set_broadcast(sock, true)) < 0) {
        fprintf(stderr, "verbose_ping: broadcast: %s\n", hw_strerror(st));
        hw_icmp_socket_free(sock);
        return 4;
    }

    printf("PING %s: 56 data bytes\n\n", hw_addr_format(&dst, who, sizeof(who)));
    for (int seq = 0; seq < count; seq++) {
        struct hw_icmp_request req;
        struct hw_icmp_reply reply;
        enum hw_icmp_reason reason;

        /* icmplib uses the PID as identifier; an unprivileged socket's
         * kernel replaces it with its own (req.id then says which). */
        hw_icmp_request_init(&req, &dst, (uint16_t)getpid(), (uint16_t)seq);
        req.ttl = ttl;
        st = hw_icmp_socket_send(sock, &req);
        if (st == 0)
            st = hw_icmp_socket_receive(sock, &req, timeout, &reply);
        if (st == HW_ETIMEDOUT) {
            printf("  Request timeout for icmp_seq %d\n", seq);
        } else if (st < 0) {
            /* HW_EBROADCAST, HW_ECLOSED, -ENETUNREACH, ... */
            printf("  Error for icmp_seq %d: %s (%s)\n", seq, hw_strerror(st), hw_errname(st));
        } else {
            printf("  %zu bytes from %s: ", reply.bytes_received,
                   hw_addr_format(&reply.source, who, sizeof(who)));
            st = hw_icmp_reply_status(&reply, &reason);
            if (st == 0) {
                replies++;
                printf("icmp_seq=%d time=%.3f ms\n", seq,
                       (double)hw_icmp_rtt_ns(&req, &reply) / 1e6);
            } else {
                /* icmplib's ICMPError: the message, and here its type. */
                printf("%s (%s, %s)\n", hw_icmp_message(reply.family, reply.type, reply.code),
                       hw_errname(st), hw_icmp_reason_name(reason));
            }
        }
        if (seq < count - 1)
            sleep_ns(interval);
    }
    printf("\nCompleted.\n");
    hw_icmp_socket_free(sock);
    return replies > 0 ? 0 : 1;
}
