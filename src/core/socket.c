/* socket.c - the built-in transport: raw ICMP/ICMPv6 sockets with kernel
 * receive timestamps.  See socket.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

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

/* Map a failed socket() to our status and a message that says how to fix
 * it; permission problems are the common case and deserve the exact fix. */
static int
open_error(int err, const char *call, char *errbuf, size_t errlen)
{
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

/* Ask for a large receive buffer: SO_RCVBUFFORCE passes the rmem_max cap
 * when we hold CAP_NET_ADMIN (we still do, privileges drop after opening);
 * otherwise take what SO_RCVBUF gives.  Failure is not fatal. */
static void
grow_rcvbuf(int fd)
{
    int size = SOCKET_RCVBUF;

    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int
open4(char *errbuf, size_t errlen, int *fdp)
{
    static const char call[] = "socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)";
    struct icmp_filter filt;
    int fd, on = 1;

    fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd < 0)
        return open_error(errno, call, errbuf, errlen);
    /* ICMP_FILTER names the types to *block*: let through only what a
     * probe can cause. */
    filt.data = ~((1u << ICMP_ECHOREPLY) | (1u << ICMP_DEST_UNREACH) |
                  (1u << ICMP_SOURCE_QUENCH) | (1u << ICMP_TIME_EXCEEDED) |
                  (1u << ICMP_PARAMETERPROB));
    if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &filt, sizeof(filt)) < 0) {
        snprintf(errbuf, errlen, "setsockopt(ICMP_FILTER): %s", strerror(errno));
        close(fd);
        return -EIO;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0) {
        snprintf(errbuf, errlen, "setsockopt(SO_TIMESTAMPNS): %s", strerror(errno));
        close(fd);
        return -EIO;
    }
    grow_rcvbuf(fd);
    *fdp = fd;
    return 0;
}

static int
open6(char *errbuf, size_t errlen, int *fdp)
{
    static const char call[] = "socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6)";
    struct icmp6_filter filt;
    int fd, on = 1;

    fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (fd < 0)
        return open_error(errno, call, errbuf, errlen);
    ICMP6_FILTER_SETBLOCKALL(&filt);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filt);
    ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filt);
    ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &filt);
    ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filt);
    ICMP6_FILTER_SETPASS(ICMP6_PARAM_PROB, &filt);
    if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filt, sizeof(filt)) < 0) {
        snprintf(errbuf, errlen, "setsockopt(ICMP6_FILTER): %s", strerror(errno));
        close(fd);
        return -EIO;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) < 0 ||
        setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) < 0) {
        snprintf(errbuf, errlen, "setsockopt(SO_TIMESTAMPNS/IPV6_RECVHOPLIMIT): %s",
                 strerror(errno));
        close(fd);
        return -EIO;
    }
    grow_rcvbuf(fd);
    *fdp = fd;
    return 0;
}

static int
sock_open(void *ctx, int family, int *fd, char *errbuf, size_t errlen)
{
    (void)ctx;
    if (family == AF_INET)
        return open4(errbuf, errlen, fd);
    if (family == AF_INET6)
        return open6(errbuf, errlen, fd);
    snprintf(errbuf, errlen, "unknown address family %d", family);
    return HW_EINVAL;
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

static struct cmsghdr *
put_int_cmsg(struct cmsghdr *c, int level, int type, int value)
{
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &value, sizeof(value));
    return c;
}

static int
sock_send(void *ctx, int fd, struct hw_tx *tx)
{
    struct sockaddr_storage ss;
    struct iovec iov;
    struct msghdr msg;
    union cmsg_space cm;
    struct cmsghdr *c;
    int v6 = tx->family == AF_INET6;
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
    size_t used = 0;
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

    /* The send time is read as close to the system call as we can. */
    clock_both(&tx->sent);
    n = sendmsg(fd, &msg, 0);
    if (n < 0)
        return -errno;
    if ((size_t)n != tx->len)
        return -EMSGSIZE;
    return 0;
}

static int
sock_recv(void *ctx, int fd, struct hw_rx *rx)
{
    struct sockaddr_storage ss;
    struct iovec iov;
    struct msghdr msg;
    union {
        char buf[CMSG_SPACE(sizeof(struct timespec)) + CMSG_SPACE(sizeof(int)) * 2];
        struct cmsghdr align;
    } cm;
    struct cmsghdr *c;
    ssize_t n;

    (void)ctx;
    memset(&msg, 0, sizeof(msg));
    msg.msg_name = &ss;
    msg.msg_namelen = sizeof(ss);
    iov.iov_base = rx->buf;
    iov.iov_len = rx->cap;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cm.buf;
    msg.msg_controllen = sizeof(cm.buf);

    n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return 0;
        return -errno;
    }
    clock_both(&rx->received);
    rx->len = (size_t)n;
    rx->truncated = (msg.msg_flags & MSG_TRUNC) != 0;
    rx->ttl = -1;
    if (hw_addr_from_sockaddr((struct sockaddr *)&ss, msg.msg_namelen, &rx->from) < 0)
        rx->from.family = AF_UNSPEC;
    rx->layer = ss.ss_family == AF_INET ? HW_RX_IP4 : HW_RX_ICMP;

    for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
            c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof(ts));
            rx->received.kernel_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
        } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT &&
                   c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            memcpy(&rx->ttl, CMSG_DATA(c), sizeof(int));
        }
    }
    return 1;
}

static const struct hw_transport socket_transport = {
    .open = sock_open,
    .close = sock_close,
    .send = sock_send,
    .recv = sock_recv,
    .now = sock_now,
};

const struct hw_transport *
hw__socket_transport(void)
{
    return &socket_transport;
}
