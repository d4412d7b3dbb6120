/* socket.c - the kernel's sockets behind the transport seam: raw ICMP,
 * unprivileged ICMP datagram sockets with their error queues, raw UDP and
 * raw TCP; kernel receive timestamps; per-packet TTL and TOS as ancillary
 * data.  See socket.h and the transport part of include/hopwatch/engine.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The C library's socket headers before the kernel's, so that the kernel's
 * compatibility layer keeps out of glibc's way (struct in6_pktinfo). */
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/icmp.h>

#include <hopwatch/error.h>

#include "core/socket.h"

/* Receive buffer we ask for: a burst of answers from thousands of targets
 * must not overflow the default (about 200 KiB). */
#define SOCKET_RCVBUF (4 * 1024 * 1024)

static void
clock_both(struct hw_time *t)
{
    struct timespec m, r;

    clock_gettime(CLOCK_MONOTONIC, &m);
    clock_gettime(CLOCK_REALTIME, &r);
    t->mono_ns = (int64_t)m.tv_sec * 1000000000 + m.tv_nsec;
    t->real_ns = (int64_t)r.tv_sec * 1000000000 + r.tv_nsec;
    t->kernel_ns = 0;
}

static void
sock_now(void *ctx, struct hw_time *t)
{
    (void)ctx;
    clock_both(t);
}

static const char *
kind_call(int family, enum hw_sock_kind kind)
{
    bool v6 = family == AF_INET6;

    switch (kind) {
    case HW_SOCK_ICMP_RAW:
        return v6 ? "socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)" : "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)";
    case HW_SOCK_ICMP_DGRAM:
        return v6 ? "socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6)"
                  : "socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)";
    case HW_SOCK_UDP_RAW:
        return v6 ? "socket(AF_INET6, SOCK_RAW, IPPROTO_UDP)" : "socket(AF_INET, SOCK_RAW, IPPROTO_UDP)";
    case HW_SOCK_TCP_RAW:
        return v6 ? "socket(AF_INET6, SOCK_RAW, IPPROTO_TCP)" : "socket(AF_INET, SOCK_RAW, IPPROTO_TCP)";
    }
    return "socket";
}

/* A failed socket(): our status and a message that says how to fix it;
 * permission problems are the common case and deserve the exact fix. */
static int
open_error(int err, int family, enum hw_sock_kind kind, char *errbuf, size_t errlen)
{
    const char *call = kind_call(family, kind);

    if ((err == EPERM || err == EACCES) && kind == HW_SOCK_ICMP_DGRAM) {
        snprintf(errbuf, errlen,
                 "%s: %s (unprivileged ICMP needs one of your groups in "
                 "net.ipv4.ping_group_range: sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"; "
                 "or run as root, or 'setcap cap_net_raw+ep' the program)",
                 call, strerror(err));
        return HW_ENOPERM;
    }
    if (err == EPERM || err == EACCES) {
        snprintf(errbuf, errlen,
                 "%s: %s (raw sockets need CAP_NET_RAW: run as root, or "
                 "grant it with 'setcap cap_net_raw+ep' on the program)",
                 call, strerror(err));
        return HW_ENOPERM;
    }
    snprintf(errbuf, errlen, "%s: %s", call, strerror(err));
    if (err == EAFNOSUPPORT || err == EPROTONOSUPPORT)
        return HW_EFAMILY;
    return -err;
}

/* Fail an open after socket() succeeded: say which call, close, map. */
static int
setup_error(int fd, const char *what, int err, char *errbuf, size_t errlen)
{
    snprintf(errbuf, errlen, "%s: %s", what, strerror(err));
    close(fd);
    if (err == EADDRNOTAVAIL)
        return HW_EADDR;
    if (err == EPERM || err == EACCES)
        return HW_ENOPERM;
    return -err;
}

/* Ask for a large receive buffer: SO_RCVBUFFORCE passes the rmem_max cap
 * when we hold CAP_NET_ADMIN (privileges drop after opening); otherwise
 * take what SO_RCVBUF gives.  Failure is not fatal. */
static void
grow_rcvbuf(int fd)
{
    int size = SOCKET_RCVBUF;

    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

/* Only SYN+ACK or RST segments wake a raw TCP socket up: without this
 * filter every TCP segment the host receives would be copied to us.
 * IPv4 delivers the IP header first (its length from the IHL), IPv6 the
 * TCP header itself. */
static int
attach_tcp_filter(int fd, bool v6)
{
    /* A = flags byte (offset 13 of the TCP header); accept when RST, or
     * when SYN and ACK are both set. */
    static struct sock_filter f4[] = {
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),          /* X = IHL * 4 */
        BPF_STMT(BPF_LD | BPF_B | BPF_IND, 13),          /* A = flags */
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x04, 2, 0),/* RST? accept */
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x12),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x12, 0, 1), /* SYN+ACK? */
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    static struct sock_filter f6[] = {
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 13),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x04, 2, 0),
        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x12),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x12, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog;

    prog.filter = v6 ? f6 : f4;
    prog.len = (unsigned short)(v6 ? sizeof(f6) / sizeof(f6[0]) : sizeof(f4) / sizeof(f4[0]));
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

/* The options every kind shares: timestamps, buffer, device, mark, DF,
 * broadcast, source address. */
static int
common_opts(int fd, int family, enum hw_sock_kind kind, const struct hw_sock_opts *o,
            char *errbuf, size_t errlen)
{
    bool v6 = family == AF_INET6;
    int on = 1;

    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0)
        return setup_error(fd, "setsockopt(SO_TIMESTAMPNS)", errno, errbuf, errlen);
    grow_rcvbuf(fd);
    if (o->device != NULL && o->device[0] != '\0' &&
        setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o->device,
                   (socklen_t)strnlen(o->device, IFNAMSIZ - 1)) < 0) {
        char what[64];
        snprintf(what, sizeof(what), "setsockopt(SO_BINDTODEVICE, %.16s)", o->device);
        return setup_error(fd, what, errno, errbuf, errlen);
    }
    if (o->mark != 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &o->mark, sizeof(o->mark)) < 0)
        return setup_error(fd, "setsockopt(SO_MARK)", errno, errbuf, errlen);
    if (o->broadcast && !v6 && setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) < 0)
        return setup_error(fd, "setsockopt(SO_BROADCAST)", errno, errbuf, errlen);
    if (o->dont_fragment) {
        int pmtu = v6 ? IPV6_PMTUDISC_PROBE : IP_PMTUDISC_PROBE;

        if (setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                       v6 ? IPV6_MTU_DISCOVER : IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0 ||
            (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof(on)) < 0))
            return setup_error(fd, "setsockopt(don't fragment)", errno, errbuf, errlen);
    }
    /* The reply's TTL / hop limit (raw IPv4 has it in the IP header). */
    if (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0)
        return setup_error(fd, "setsockopt(IPV6_RECVHOPLIMIT)", errno, errbuf, errlen);
    if (!v6 && kind == HW_SOCK_ICMP_DGRAM &&
        setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on)) < 0)
        return setup_error(fd, "setsockopt(IP_RECVTTL)", errno, errbuf, errlen);
    /* Our own address of a received TCP segment, for its checksum. */
    if (v6 && kind == HW_SOCK_TCP_RAW &&
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) < 0)
        return setup_error(fd, "setsockopt(IPV6_RECVPKTINFO)", errno, errbuf, errlen);
    if (o->source.family == family) {
        struct sockaddr_storage ss;
        socklen_t len = hw_addr_to_sockaddr(&o->source, 0, &ss);

        if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
            char what[HW_ADDRSTRLEN + 16], a[HW_ADDRSTRLEN];
            snprintf(what, sizeof(what), "bind(%s)", hw_addr_format(&o->source, a, sizeof(a)));
            return setup_error(fd, what, errno, errbuf, errlen);
        }
    }
    return 0;
}

static int
sock_open(void *ctx, int family, enum hw_sock_kind kind, const struct hw_sock_opts *opts,
          int *fdp, uint16_t *ident, char *errbuf, size_t errlen)
{
    static const struct hw_sock_opts none = {.source = {.family = AF_UNSPEC}};
    bool v6 = family == AF_INET6;
    int fd, type, proto, st, on = 1;

    (void)ctx;
    if (opts == NULL)
        opts = &none;
    if (family != AF_INET && family != AF_INET6) {
        snprintf(errbuf, errlen, "unknown address family %d", family);
        return HW_EINVAL;
    }
    type = kind == HW_SOCK_ICMP_DGRAM ? SOCK_DGRAM : SOCK_RAW;
    switch (kind) {
    case HW_SOCK_ICMP_RAW:
    case HW_SOCK_ICMP_DGRAM:
        proto = v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
        break;
    case HW_SOCK_UDP_RAW:
        proto = IPPROTO_UDP;
        break;
    case HW_SOCK_TCP_RAW:
        proto = IPPROTO_TCP;
        break;
    default:
        snprintf(errbuf, errlen, "unknown socket kind %d", (int)kind);
        return HW_EINVAL;
    }
    fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    if (fd < 0)
        return open_error(errno, family, kind, errbuf, errlen);

    if (kind == HW_SOCK_ICMP_RAW && !v6) {
        /* ICMP_FILTER names the types to *block*: let through only what a
         * probe can cause. */
        struct icmp_filter filt;

        filt.data = ~((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) |
                      (1u << ICMP_SOURCE_QUENCH) | (1u << ICMP_TIME_EXCEEDED) |
                      (1u << ICMP_PARAMETERPROB));
        if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)) < 0)
            return setup_error(fd, "setsockopt(ICMP_FILTER)", errno, errbuf, errlen);
    } else if (kind == HW_SOCK_ICMP_RAW) {
        struct icmp6_filter filt;

        ICMP6_FILTER_SETBLOCKALL(&filt);
        ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt);
        ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filt);
        ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filt);
        ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filt);
        ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &filt);
        if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) < 0)
            return setup_error(fd, "setsockopt(ICMP6_FILTER)", errno, errbuf, errlen);
    } else if (kind == HW_SOCK_ICMP_DGRAM) {
        /* Time exceeded and unreachable answers come through the error
         * queue, with the address of the router that sent them. */
        if (setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_RECVERR : IP_RECVERR, &on,
                       sizeof(on)) < 0)
            return setup_error(fd, v6 ? "setsockopt(IPV6_RECVERR)" : "setsockopt(IP_RECVERR)",
                               errno, errbuf, errlen);
    } else if (kind == HW_SOCK_TCP_RAW) {
        if (attach_tcp_filter(fd, v6) < 0)
            return setup_error(fd, "setsockopt(SO_ATTACH_FILTER)", errno, errbuf, errlen);
    } else if (kind == HW_SOCK_UDP_RAW) {
        /* A send-only socket: never wake us for UDP traffic. */
        static struct sock_filter drop[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
        struct sock_fprog prog = {.len = 1, .filter = drop};

        if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
            return setup_error(fd, "setsockopt(SO_ATTACH_FILTER)", errno, errbuf, errlen);
    }
    st = common_opts(fd, family, kind, opts, errbuf, errlen);
    if (st < 0)
        return st;
    if (kind == HW_SOCK_ICMP_DGRAM) {
        /* The kernel picks the echo identifier: it is the socket's port. */
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);

        if (opts->source.family != family) {
            memset(&ss, 0, sizeof(ss));
            ss.ss_family = (sa_family_t)family;
            if (bind(fd, (struct sockaddr *)&ss,
                     v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) < 0)
                return setup_error(fd, "bind", errno, errbuf, errlen);
        }
        if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
            return setup_error(fd, "getsockname", errno, errbuf, errlen);
        *ident = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                          : ((struct sockaddr_in *)&ss)->sin_port);
    }
    *fdp = fd;
    return 0;
}

static void
sock_close(void *ctx, int fd)
{
    (void)ctx;
    close(fd);
}

/* Room for two int-sized control messages. */
union cmsg_space {
    char buf[CMSG_SPACE(sizeof(int)) * 2];
    struct cmsghdr align;
};

static void
put_int_cmsg(struct cmsghdr *c, int level, int type, int value)
{
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &value, sizeof(value));
}

static int
sock_send(void *ctx, int fd, struct hw_tx *tx)
{
    struct sockaddr_storage ss;
    struct iovec iov;
    struct msghdr msg;
    union cmsg_space cm;
    struct cmsghdr *c;
    bool v6 = tx->family == AF_INET6;
    size_t used = 0;
    ssize_t n;

    (void)ctx;
    memset(&msg, 0, sizeof(msg));
    msg.msg_namelen = hw_addr_to_sockaddr(&tx->dst, 0, &ss);
    if (msg.msg_namelen == 0)
        return HW_EINVAL;
    msg.msg_name = &ss;
    iov.iov_base = (void *)tx->buf;
    iov.iov_len = tx->len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;

    /* TTL and TOS travel with the packet as ancillary data, so probes with
     * different TTLs share one socket without a setsockopt each. */
    memset(&cm, 0, sizeof(cm));
    msg.msg_control = cm.buf;
    msg.msg_controllen = sizeof(cm.buf);
    c = CMSG_FIRSTHDR(&msg);
    if (tx->ttl > 0) {
        put_int_cmsg(c, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_HOPLIMIT : IP_TTL, tx->ttl);
        used += CMSG_SPACE(sizeof(int));
        c = CMSG_NXTHDR(&msg, c);
    }
    if (tx->tos > 0) {
        put_int_cmsg(c, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS, tx->tos);
        used += CMSG_SPACE(sizeof(int));
    }
    msg.msg_controllen = used;
    if (used == 0)
        msg.msg_control = NULL;

    /* The send time is read as close to the system call as we can.
     *
     * An ICMP error that arrived for an earlier probe leaves a pending
     * error on the socket (datagram sockets always, raw ones for "hard"
     * unreachables), and the next sendmsg reports it, consumes it and sends
     * nothing.  Probes go out in bursts while answers to the first ones are
     * already arriving, so that happens: one retry tells a stale error
     * (gone now) from a real one (it comes back). */
    for (int attempt = 0;; attempt++) {
        clock_both(&tx->sent);
        n = sendmsg(fd, &msg, 0);
        if (n >= 0 || attempt == 1 || errno == EAGAIN || errno == EINTR)
            break;
    }
    if (n < 0)
        return errno == EACCES ? HW_EBROADCAST : -errno;
    if ((size_t)n != tx->len)
        return -EMSGSIZE;
    return 0;
}

/* Read the control messages every kind may carry. */
static void
read_cmsgs(struct msghdr *msg, struct hw_rx *rx, struct sock_extended_err **ee)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
            c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof(ts));
            rx->received.kernel_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
                   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            memcpy(&rx->ttl, CMSG_DATA(c), sizeof(int));
        } else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL &&
                   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            memcpy(&rx->ttl, CMSG_DATA(c), sizeof(int));
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO &&
                   c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
            struct in6_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof(pi));
            rx->to.family = AF_INET6;
            rx->to.u.v6 = pi.ipi6_addr;
            rx->to.scope_id = 0;
        } else if (((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
                    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)) &&
                   c->cmsg_len >= CMSG_LEN(sizeof(struct sock_extended_err))) {
            *ee = (struct sock_extended_err *)CMSG_DATA(c);
        }
    }
}

static int
sock_recv(void *ctx, int fd, struct hw_rx *rx)
{
    struct sockaddr_storage ss;
    struct iovec iov;
    struct msghdr msg;
    union {
        char buf[512];
        struct cmsghdr align;
    } cm;
    struct sock_extended_err *ee = NULL;
    bool errq = false;
    ssize_t n;

    (void)ctx;
    for (int pass = 0; pass < 2; pass++) {
        memset(&msg, 0, sizeof(msg));
        msg.msg_name = &ss;
        msg.msg_namelen = sizeof(ss);
        iov.iov_base = rx->buf;
        iov.iov_len = rx->cap;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cm.buf;
        msg.msg_controllen = sizeof(cm.buf);
        /* Normal data first, then the error queue (datagram sockets put
         * time-exceeded and unreachable answers there; on raw sockets it
         * is always empty, so the second try costs one cheap call only
         * when nothing else was waiting). */
        n = recvmsg(fd, &msg, MSG_DONTWAIT | (pass == 1 ? MSG_ERRQUEUE : 0));
        if (n >= 0) {
            errq = pass == 1;
            break;
        }
        /* Any other error from the normal queue is the pending-error
         * notice of an ICMP error (now consumed); the error itself, if
         * the socket queues them, waits in the error queue. */
        if (pass == 1 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -errno;
    }
    if (n < 0)
        return 0;
    clock_both(&rx->received);
    rx->len = (size_t)n;
    rx->truncated = (msg.msg_flags & MSG_TRUNC) != 0;
    rx->ttl = -1;
    rx->to.family = AF_UNSPEC;
    if (hw_addr_from_sockaddr((struct sockaddr *)&ss, msg.msg_namelen, &rx->from) < 0)
        rx->from.family = AF_UNSPEC;
    read_cmsgs(&msg, rx, &ee);
    /* The engine knows where a normal packet starts from the kind of
     * socket it read; only error-queue messages need saying so. */
    rx->layer = HW_RX_NORMAL;
    if (!errq)
        return 1;
    /* What the error queue hands over: our own probe (from its transport
     * header on, as much as the router quoted), its destination in
     * msg_name, and in the extended error who answered and how.  Local
     * errors (no ICMP behind them) come out as an empty quote. */
    rx->layer = HW_RX_QUOTE;
    rx->err_dst = rx->from;
    rx->from.family = AF_UNSPEC;
    if (ee == NULL || (ee->ee_origin != SO_EE_ORIGIN_ICMP && ee->ee_origin != SO_EE_ORIGIN_ICMP6)) {
        rx->len = 0;
        return 1;
    }
    rx->err_type = ee->ee_type;
    rx->err_code = ee->ee_code;
    rx->err_info = ee->ee_info;
    if (hw_addr_from_sockaddr(SO_EE_OFFENDER(ee), sizeof(struct sockaddr_in6), &rx->from) < 0)
        rx->from.family = AF_UNSPEC;
    return 1;
}

static int
sock_source_for(void *ctx, const struct hw_addr *dst, struct hw_addr *src)
{
    struct sockaddr_storage ss;
    socklen_t len;
    int fd, st = 0;

    (void)ctx;
    len = hw_addr_to_sockaddr(dst, 33434, &ss);
    if (len == 0)
        return HW_EINVAL;
    /* Connecting a UDP socket asks the routing table and sends nothing. */
    fd = socket(dst->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&ss, len) < 0)
        st = -errno;
    len = sizeof(ss);
    if (st == 0 && getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        st = -errno;
    close(fd);
    if (st == 0 && hw_addr_from_sockaddr((struct sockaddr *)&ss, len, src) < 0)
        st = HW_EINVAL;
    return st;
}

static const struct hw_transport socket_transport = {
    .open = sock_open,
    .close = sock_close,
    .send = sock_send,
    .recv = sock_recv,
    .source_for = sock_source_for,
    .now = sock_now,
};

const struct hw_transport *
hw__socket_transport(void)
{
    return &socket_transport;
}
