/* icmpsock.c - the socket level: one ICMP or ICMPv6 socket, echo requests
 * the caller composes, and every reply or ICMP error that comes back.  See
 * include/hopwatch/icmpsock.h.
 *
 * Sockets are opened, written and read through the transport table of
 * socket.c (the same code as the engine's: options, kernel timestamps, the
 * unprivileged error queue); packets are built and parsed by packet.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <hopwatch/error.h>
#include <hopwatch/icmpsock.h>

#include "core/icmpsock.h"
#include "core/packet.h"
#include "core/rtt.h"
#include "core/socket.h"
#include "core/timerq.h"

/* Largest payload of a request (as the engine: fits IPv4). */
#define PAYLOAD_MAX 65000
/* Receive buffer: the largest datagram a socket can hand us. */
#define RX_CAP 65536
/* icmplib's request defaults. */
#define DEFAULT_PAYLOAD 56
#define DEFAULT_TTL 64
/* A blocking send that finds the socket buffer full waits this long. */
#define SEND_WAIT_MS 1000

struct hw_icmp_socket {
    const struct hw_transport *tp;  /* transport functions */
    void *tp_ctx;                   /* their context */
    int family;                     /* AF_INET / AF_INET6 */
    enum hw_sock_kind kind;         /* HW_SOCK_ICMP_RAW or HW_SOCK_ICMP_DGRAM */
    int fd;                         /* the descriptor, -1 once closed */
    uint16_t ident;                 /* DGRAM: the kernel's echo identifier */
    struct hw_addr source;          /* the address it was opened with */
    bool blocking;                  /* receive waits (see the header) */
    bool broadcast;                 /* SO_BROADCAST is on */
    uint64_t rng;                   /* xorshift state for random payloads */
    uint8_t *paybuf;                /* a random payload being made */
    uint8_t *txbuf;                 /* the request being built */
    uint8_t *rxbuf;                 /* the packet being read, RX_CAP bytes */
};

void
hw_icmp_request_init(struct hw_icmp_request *r, const struct hw_addr *destination, uint16_t id,
                     uint16_t sequence)
{
    memset(r, 0, sizeof(*r));
    r->destination = *destination;
    r->id = id;
    r->sequence = sequence;
    r->payload = NULL;
    r->payload_size = DEFAULT_PAYLOAD;
    r->ttl = DEFAULT_TTL;
    r->traffic_class = 0;
}

int
hw_icmp_reply_status(const struct hw_icmp_reply *reply, enum hw_icmp_reason *reason)
{
    return hw_icmp_status(reply->family, reply->type, reply->code, reason);
}

int64_t
hw_icmp_rtt_ns(const struct hw_icmp_request *request, const struct hw_icmp_reply *reply)
{
    return hw__rtt(&request->time, &reply->time, NULL);
}

/* ---- parsing and matching (pure) ---------------------------------------- */

/* The kind of an error handed over by a datagram socket's error queue,
 * which says only its type. */
static bool
is_error_type(int family, uint8_t type)
{
    if (family == AF_INET)
        return type == 3 || type == 4 || type == 11 || type == 12;
    return type >= 1 && type <= 4;
}

static bool
parse_quote(int family, const struct hw_rx *rx, struct hw_icmp_reply *out)
{
    struct hw__probe_id probe;
    uint8_t proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;

    /* A local error (no ICMP message behind it) hands over nothing. */
    if (rx->len == 0 || !is_error_type(family, rx->err_type))
        return false;
    if (!hw__parse_quoted_l4(proto, rx->buf, rx->len, &probe))
        return false;
    out->source = rx->from;
    out->id = probe.ident;
    out->sequence = probe.seq;
    out->type = rx->err_type;
    out->code = rx->err_code;
    out->bytes_received = rx->len;
    out->destination = rx->err_dst;
    return true;
}

bool
hw__icmp_reply_parse(int family, enum hw_sock_kind kind, const struct hw_rx *rx,
                     struct hw_icmp_reply *out)
{
    struct hw__parsed pk;
    enum hw__pkt_kind k;
    uint8_t icmp_proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;

    if ((family != AF_INET && family != AF_INET6) ||
        (kind != HW_SOCK_ICMP_RAW && kind != HW_SOCK_ICMP_DGRAM) || rx->truncated)
        return false;
    memset(out, 0, sizeof(*out));
    out->family = family;
    out->source.family = AF_UNSPEC;
    out->destination.family = AF_UNSPEC;
    out->time = rx->received;
    out->ttl = rx->ttl;
    if (rx->layer == HW_RX_QUOTE)
        return kind == HW_SOCK_ICMP_DGRAM && parse_quote(family, rx, out);

    if (family == AF_INET6)
        k = hw__parse_icmp6(rx->buf, rx->len, &pk);
    else if (kind == HW_SOCK_ICMP_RAW)
        k = hw__parse_ip4(rx->buf, rx->len, &pk);
    else
        k = hw__parse_icmp4(rx->buf, rx->len, &pk);
    switch (k) {
    case HW_PKT_ECHO_REPLY:
        break;
    case HW_PKT_TIME_EXCEEDED:
    case HW_PKT_DEST_UNREACH:
    case HW_PKT_PARAM_PROBLEM:
    case HW_PKT_PACKET_TOO_BIG:
    case HW_PKT_SOURCE_QUENCH:
        /* Only errors about an echo request carry an id and a sequence. */
        if (pk.probe.proto != icmp_proto)
            return false;
        out->destination = pk.probe.dst;
        break;
    default:
        return false;
    }
    out->source = rx->from.family != AF_UNSPEC ? rx->from : pk.ip_src;
    out->id = pk.probe.ident;
    out->sequence = pk.probe.seq;
    out->type = pk.type;
    out->code = pk.code;
    out->bytes_received = pk.icmp_len;
    if (out->ttl < 0)
        out->ttl = pk.ip_ttl;
    return true;
}

bool
hw__icmp_reply_matches(const struct hw_icmp_request *request, const struct hw_icmp_reply *reply)
{
    if (reply->family != request->destination.family || reply->id != request->id ||
        reply->sequence != request->sequence)
        return false;
    /* An error names the destination of the datagram it quotes: a request
     * with our id and sequence sent elsewhere (by another program on a raw
     * socket) is not ours. */
    if (reply->destination.family != AF_UNSPEC &&
        !hw_addr_equal(&reply->destination, &request->destination))
        return false;
    return true;
}

/* ---- the socket --------------------------------------------------------- */

void
hw_icmp_socket_opts_init(struct hw_icmp_socket_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->source.family = AF_UNSPEC;
    o->privilege = HW_PRIV_AUTO;
    o->broadcast = false;
    o->blocking = true;
}

/* Write a message into errbuf when the caller gave one. */
static void
set_err(char *errbuf, size_t errlen, const char *what, const char *detail)
{
    if (errbuf != NULL && errlen > 0)
        snprintf(errbuf, errlen, "%s%s", what, detail);
}

static int
open_kind(struct hw_icmp_socket *s, enum hw_sock_kind kind, const struct hw_sock_opts *so,
          char *msg, size_t msglen)
{
    int st;

    msg[0] = '\0';
    s->ident = 0;
    st = s->tp->open(s->tp_ctx, s->family, kind, so, &s->fd, &s->ident, msg, msglen);
    if (st == 0)
        s->kind = kind;
    else if (msg[0] == '\0')
        snprintf(msg, msglen, "%s", hw_strerror(st));
    return st;
}

int
hw_icmp_socket_open(int family, const struct hw_icmp_socket_opts *opts,
                    struct hw_icmp_socket **out, char *errbuf, size_t errlen)
{
    struct hw_icmp_socket_opts defaults;
    struct hw_icmp_socket *s;
    struct hw_sock_opts so;
    char rawmsg[256], msg[256];
    int st;

    *out = NULL;
    set_err(errbuf, errlen, "", "");
    if (opts == NULL) {
        hw_icmp_socket_opts_init(&defaults);
        opts = &defaults;
    }
    if ((family != AF_INET && family != AF_INET6) ||
        (opts->source.family != AF_UNSPEC && opts->source.family != family) ||
        (opts->broadcast && family == AF_INET6)) {
        set_err(errbuf, errlen, "hw_icmp_socket_open: ", hw_strerror(HW_EINVAL));
        return HW_EINVAL;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return -ENOMEM;
    s->paybuf = malloc(PAYLOAD_MAX);
    s->txbuf = malloc(HW_ICMP_HDR + PAYLOAD_MAX);
    s->rxbuf = malloc(RX_CAP);
    if (s->paybuf == NULL || s->txbuf == NULL || s->rxbuf == NULL) {
        free(s->paybuf);
        free(s->txbuf);
        free(s->rxbuf);
        free(s);
        return -ENOMEM;
    }
    s->tp = opts->transport != NULL ? opts->transport : hw__socket_transport();
    s->tp_ctx = opts->transport_ctx;
    s->family = family;
    s->fd = -1;
    s->source = opts->source;
    s->blocking = opts->blocking;
    s->broadcast = opts->broadcast;
    if (getrandom(&s->rng, sizeof(s->rng), 0) != sizeof(s->rng))
        s->rng = 0x9e3779b97f4a7c15ULL;
    s->rng |= 1;

    memset(&so, 0, sizeof(so));
    so.source = opts->source;
    so.broadcast = opts->broadcast;
    switch (opts->privilege) {
    case HW_PRIV_RAW:
        st = open_kind(s, HW_SOCK_ICMP_RAW, &so, msg, sizeof(msg));
        break;
    case HW_PRIV_DGRAM:
        st = open_kind(s, HW_SOCK_ICMP_DGRAM, &so, msg, sizeof(msg));
        break;
    default:
        /* As the engine does: raw when permitted, else unprivileged, and
         * when both are refused say why for both, since either fix works. */
        st = open_kind(s, HW_SOCK_ICMP_RAW, &so, msg, sizeof(msg));
        if (st == HW_ENOPERM) {
            snprintf(rawmsg, sizeof(rawmsg), "%s", msg);
            st = open_kind(s, HW_SOCK_ICMP_DGRAM, &so, msg, sizeof(msg));
            if (st != 0 && errbuf != NULL && errlen > 0) {
                snprintf(errbuf, errlen, "%s; and %s", rawmsg, msg);
                msg[0] = '\0';
            }
        }
        break;
    }
    if (st != 0) {
        if (msg[0] != '\0')
            set_err(errbuf, errlen, "", msg);
        hw_icmp_socket_free(s);
        return st;
    }
    *out = s;
    return 0;
}

void
hw_icmp_socket_close(struct hw_icmp_socket *s)
{
    if (s == NULL || s->fd < 0)
        return;
    s->tp->close(s->tp_ctx, s->fd);
    s->fd = -1;
}

void
hw_icmp_socket_free(struct hw_icmp_socket *s)
{
    if (s == NULL)
        return;
    hw_icmp_socket_close(s);
    free(s->paybuf);
    free(s->txbuf);
    free(s->rxbuf);
    free(s);
}

bool
hw_icmp_socket_is_closed(const struct hw_icmp_socket *s)
{
    return s->fd < 0;
}

int
hw_icmp_socket_fd(const struct hw_icmp_socket *s)
{
    return s->fd;
}

int
hw_icmp_socket_family(const struct hw_icmp_socket *s)
{
    return s->family;
}

bool
hw_icmp_socket_is_privileged(const struct hw_icmp_socket *s)
{
    return s->kind == HW_SOCK_ICMP_RAW;
}

int
hw_icmp_socket_ident(const struct hw_icmp_socket *s)
{
    return s->kind == HW_SOCK_ICMP_DGRAM ? (int)s->ident : -1;
}

struct hw_addr
hw_icmp_socket_address(const struct hw_icmp_socket *s)
{
    return s->source;
}

int
hw_icmp_socket_set_blocking(struct hw_icmp_socket *s, bool blocking)
{
    if (s->fd < 0)
        return HW_ECLOSED;
    s->blocking = blocking;
    return 0;
}

bool
hw_icmp_socket_blocking(const struct hw_icmp_socket *s)
{
    return s->blocking;
}

int
hw_icmp_socket_set_broadcast(struct hw_icmp_socket *s, bool on)
{
    int v = on ? 1 : 0;

    if (s->fd < 0)
        return HW_ECLOSED;
    if (s->family != AF_INET)
        return HW_EINVAL;
    /* The transport table has no call for changing an option after open:
     * on the kernel's sockets we set it directly; another transport (a
     * test's fake) has no descriptor to set it on, only the flag. */
    if (s->tp == hw__socket_transport() &&
        setsockopt(s->fd, SOL_SOCKET, SO_BROADCAST, &v, sizeof(v)) < 0)
        return -errno;
    s->broadcast = on;
    return 0;
}

bool
hw_icmp_socket_broadcast(const struct hw_icmp_socket *s)
{
    return s->broadcast;
}

/* Wait like poll(2) for events on the socket's descriptor, through the
 * transport's wait when it has one (so tests run on a fake clock).
 * Returns > 0 when ready, 0 on timeout, or -errno. */
static int
wait_fd(struct hw_icmp_socket *s, short events, int timeout_ms)
{
    struct pollfd p = {.fd = s->fd, .events = events, .revents = 0};
    int rc;

    if (s->tp->wait != NULL)
        return s->tp->wait(s->tp_ctx, &p, 1, timeout_ms);
    rc = poll(&p, 1, timeout_ms);
    return rc < 0 ? -errno : rc;
}

static uint64_t
xorshift(uint64_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 7;
    *st ^= *st << 17;
    return *st;
}

int
hw_icmp_socket_send(struct hw_icmp_socket *s, struct hw_icmp_request *request)
{
    const uint8_t *payload = request->payload;
    uint8_t *rnd = s->paybuf;
    struct hw_tx tx;
    uint16_t id;
    size_t len;
    int st;

    if (s->fd < 0)
        return HW_ECLOSED;
    if (request->destination.family != s->family || request->payload_size > PAYLOAD_MAX ||
        request->ttl < 0 || request->ttl > 255 || request->traffic_class < 0 ||
        request->traffic_class > 255)
        return HW_EINVAL;
    if (payload == NULL) {
        /* icmplib's default: random bytes, new for each request. */
        for (size_t i = 0; i < request->payload_size; i++)
            rnd[i] = (uint8_t)xorshift(&s->rng);
        payload = rnd;
    }
    /* An unprivileged socket's kernel overwrites the identifier anyway. */
    id = s->kind == HW_SOCK_ICMP_DGRAM ? s->ident : request->id;
    len = hw__build_echo(s->family, s->txbuf, HW_ICMP_HDR + PAYLOAD_MAX, id, request->sequence,
                         payload, request->payload_size);
    if (len == 0)
        return HW_EINVAL;

    memset(&tx, 0, sizeof(tx));
    tx.family = s->family;
    tx.buf = s->txbuf;
    tx.len = len;
    tx.dst = request->destination;
    tx.ttl = request->ttl;
    tx.tos = request->traffic_class;
    st = s->tp->send(s->tp_ctx, s->fd, &tx);
    /* A full socket buffer drains by itself (the packets leave for the
     * network): in blocking mode wait for room once, then try again. */
    if ((st == -EAGAIN || st == -EWOULDBLOCK || st == -ENOBUFS) && s->blocking &&
        wait_fd(s, POLLOUT, SEND_WAIT_MS) > 0)
        st = s->tp->send(s->tp_ctx, s->fd, &tx);
    if (st < 0)
        return st;
    request->time = tx.sent;
    request->id = id;
    return 0;
}

/* Milliseconds from now to deadline, rounded up, >= 0. */
static int
ms_until(int64_t deadline, int64_t now)
{
    if (deadline <= now)
        return 0;
    return hw__ms_ceil(deadline - now, 1000000000);
}

int
hw_icmp_socket_receive(struct hw_icmp_socket *s, const struct hw_icmp_request *request,
                       int64_t timeout_ns, struct hw_icmp_reply *reply)
{
    struct hw_time now;
    int64_t deadline = 0;
    bool limited = timeout_ns >= 0 || !s->blocking;

    if (s->fd < 0)
        return HW_ECLOSED;
    if (s->blocking && timeout_ns >= 0) {
        s->tp->now(s->tp_ctx, &now);
        deadline = hw__deadline(now.mono_ns, timeout_ns);
    }
    for (;;) {
        struct hw_rx rx;
        int st;

        /* Everything already queued first, so a non-blocking receive and
         * a timeout of 0 still return what is there. */
        memset(&rx, 0, sizeof(rx));
        rx.buf = s->rxbuf;
        rx.cap = RX_CAP;
        rx.ttl = -1;
        st = s->tp->recv(s->tp_ctx, s->fd, &rx);
        if (st < 0)
            return st;
        if (st > 0) {
            if (hw__icmp_reply_parse(s->family, s->kind, &rx, reply) &&
                (request == NULL || hw__icmp_reply_matches(request, reply)))
                return 0;
            continue;
        }
        if (!s->blocking)
            return HW_ETIMEDOUT;
        s->tp->now(s->tp_ctx, &now);
        if (limited && now.mono_ns >= deadline)
            return HW_ETIMEDOUT;
        st = wait_fd(s, POLLIN, limited ? ms_until(deadline, now.mono_ns) : -1);
        if (st < 0)
            return st;
    }
}
