/* hopwatch/icmpsock.h - the socket level, for people writing their own
 * tools (icmplib's ICMPv4Socket / ICMPv6Socket, ICMPRequest, ICMPReply).
 *
 * An ICMP socket sends echo requests whose identifier and sequence number
 * the caller chooses, and receives whatever ICMP comes back: echo replies
 * and the ICMP errors (time exceeded, destination unreachable, ...) that
 * quote an echo request, each as a struct hw_icmp_reply with its type and
 * code.  Unlike the engine (engine.h) it does no scheduling, no matching
 * beyond identifier and sequence, and no authentication: it is the raw
 * material.  Built on the same socket code as the engine (raw sockets,
 * unprivileged ICMP datagram sockets with their error queue, kernel receive
 * timestamps).
 *
 * Privileged sockets are raw sockets (root or CAP_NET_RAW).  Unprivileged
 * ones are Linux ICMP datagram sockets (net.ipv4.ping_group_range must
 * include one of the caller's groups): there the kernel chooses the echo
 * identifier (the socket's "port") and replaces the one in the request;
 * hw_icmp_socket_send() writes the one really used back into the request,
 * so matching still works, and only replies to that identifier arrive.
 */
#ifndef HOPWATCH_ICMPSOCK_H
#define HOPWATCH_ICMPSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>
#include <hopwatch/engine.h>
#include <hopwatch/icmp.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hw_icmp_socket;

/* An echo request (icmplib's ICMPRequest).  Fill it with
 * hw_icmp_request_init(), then change what you need. */
struct hw_icmp_request {
    struct hw_addr destination; /* where to send it (the socket's family) */
    uint16_t id;             /* echo identifier; after a send from an
                                unprivileged socket, the kernel's */
    uint16_t sequence;       /* echo sequence number */
    const uint8_t *payload;  /* exactly payload_size bytes to send, or NULL for
                                random bytes (new for each send) */
    size_t payload_size;     /* payload bytes, 0..65000 (56) */
    int ttl;                 /* TTL / hop limit 1..255 (64); 0: the socket's default */
    int traffic_class;       /* IPv4 TOS / IPv6 traffic class 0..255 (0) */
    struct hw_time time;     /* out: when it was sent (both clocks, read right
                                before the send call); zero before */
};

/* Fill r with icmplib's defaults for a request to destination with id and
 * sequence: our random payload of 56 bytes, ttl 64, traffic class 0, time
 * zero.  destination is copied. */
void hw_icmp_request_init(struct hw_icmp_request *r, const struct hw_addr *destination,
                          uint16_t id, uint16_t sequence);

/* An ICMP message received (icmplib's ICMPReply): an echo reply, or an ICMP
 * error quoting an echo request (id and sequence then come from the quote). */
struct hw_icmp_reply {
    struct hw_addr source;   /* who sent the message: the destination, or the
                                router reporting an error */
    int family;              /* AF_INET (ICMP) or AF_INET6 (ICMPv6) */
    uint16_t id;             /* echo identifier (of the quoted request for errors) */
    uint16_t sequence;       /* echo sequence number (likewise) */
    int type;                /* ICMP type (0 / 129: echo reply) */
    int code;                /* ICMP code */
    size_t bytes_received;   /* bytes of the ICMP message (no IP header), as
                                icmplib counts them; an error read from an
                                unprivileged socket's error queue: the bytes of
                                the request the kernel handed back */
    struct hw_time time;     /* when it arrived: clocks read right after the
                                receive call, and the kernel's arrival stamp
                                in kernel_ns when there is one */
    struct hw_addr destination; /* errors: destination of the quoted request;
                                   echo replies: AF_UNSPEC */
    int ttl;                 /* TTL / hop limit it arrived with, -1 if unknown */
};

/* icmplib's raise_for_status(): 0 for an echo reply, HW_EUNREACH for a
 * destination unreachable, HW_ETIMEEXCEEDED for a time exceeded, HW_EICMP for
 * any other ICMP message.  *reason (may be NULL) gets its typed meaning
 * (hw_icmp_classify), and hw_icmp_message(reply->family, reply->type,
 * reply->code) is its text. */
int hw_icmp_reply_status(const struct hw_icmp_reply *reply, enum hw_icmp_reason *reason);

/* The round-trip time between a sent request and its reply, in nanoseconds
 * (kernel arrival stamp when trustworthy, else the monotonic clocks; see
 * hw_probe_result.kernel_ts), >= 0. */
int64_t hw_icmp_rtt_ns(const struct hw_icmp_request *request, const struct hw_icmp_reply *reply);

/* How to open a socket. */
struct hw_icmp_socket_opts {
    struct hw_addr source;   /* the address to send from and listen on;
                                AF_UNSPEC: every interface (icmplib's None) */
    enum hw_privilege privilege; /* HW_PRIV_RAW (icmplib's privileged=True),
                                HW_PRIV_DGRAM (privileged=False), or
                                HW_PRIV_AUTO: raw when permitted, else
                                unprivileged (the default) */
    bool broadcast;          /* allow broadcast destinations from the start
                                (IPv4 only; false) */
    bool blocking;           /* the receive mode (true): see
                                hw_icmp_socket_set_blocking() */
    const struct hw_transport *transport; /* NULL: the kernel's sockets; tests
                                plug in a fake (see engine.h) */
    void *transport_ctx;     /* passed to every transport call */
};

/* Fill o with the defaults above. */
void hw_icmp_socket_opts_init(struct hw_icmp_socket_opts *o);

/* Open an ICMP (family AF_INET) or ICMPv6 (AF_INET6) socket; opts may be
 * NULL for the defaults.  On success store the new socket in *out and
 * return 0.  On failure return HW_ENOPERM (no permission: the message in
 * errbuf names the failing call and the fix, setcap or ping_group_range),
 * HW_EADDR (source is not an address of this host), HW_EFAMILY (the family
 * is not supported), HW_EINVAL, -ENOMEM or another -errno, with a one-line
 * message in errbuf (may be NULL when errlen is 0). */
int hw_icmp_socket_open(int family, const struct hw_icmp_socket_opts *opts,
                        struct hw_icmp_socket **out, char *errbuf, size_t errlen);

/* Close the descriptor; every later send and receive returns HW_ECLOSED.
 * Closing twice does nothing.  NULL is accepted. */
void hw_icmp_socket_close(struct hw_icmp_socket *s);

/* Close (if still open) and free the socket.  NULL is accepted. */
void hw_icmp_socket_free(struct hw_icmp_socket *s);

/* True once hw_icmp_socket_close() was called. */
bool hw_icmp_socket_is_closed(const struct hw_icmp_socket *s);

/* The underlying descriptor, for a program with its own event loop (poll
 * it for POLLIN, then call hw_icmp_socket_receive() in non-blocking mode),
 * or -1 when closed.  It stays owned by the socket: do not close it, and
 * do not read from it directly (unprivileged sockets also carry ICMP errors
 * in their error queue, which poll reports as POLLERR).  The descriptor
 * itself is always non-blocking, whatever the socket's mode. */
int hw_icmp_socket_fd(const struct hw_icmp_socket *s);

/* AF_INET or AF_INET6. */
int hw_icmp_socket_family(const struct hw_icmp_socket *s);

/* True for a raw (privileged) socket, false for an unprivileged one. */
bool hw_icmp_socket_is_privileged(const struct hw_icmp_socket *s);

/* The echo identifier the kernel gave an unprivileged socket (every
 * request sent on it carries this one), or -1 for a raw socket. */
int hw_icmp_socket_ident(const struct hw_icmp_socket *s);

/* The source address the socket was opened with (AF_UNSPEC: every
 * interface). */
struct hw_addr hw_icmp_socket_address(const struct hw_icmp_socket *s);

/* Blocking mode (the default): hw_icmp_socket_receive() waits up to its
 * timeout for a message, and a send that finds the socket's buffer full
 * waits (at most 1 s) for room.  Non-blocking mode: receive never waits; it
 * returns a matching message already received, or HW_ETIMEDOUT at once
 * (exactly what a blocking receive with timeout 0 does), and a send that
 * finds the buffer full returns -EAGAIN.  Returns 0, or HW_ECLOSED. */
int hw_icmp_socket_set_blocking(struct hw_icmp_socket *s, bool blocking);
bool hw_icmp_socket_blocking(const struct hw_icmp_socket *s);

/* Allow (or forbid again) sending to broadcast addresses (SO_BROADCAST).
 * Without it, a send to a broadcast address fails with HW_EBROADCAST.
 * Returns 0, HW_EINVAL on an IPv6 socket (IPv6 has no broadcast),
 * HW_ECLOSED, or -errno. */
int hw_icmp_socket_set_broadcast(struct hw_icmp_socket *s, bool on);
bool hw_icmp_socket_broadcast(const struct hw_icmp_socket *s);

/* Send request as an echo request (this does not wait for the reply: see
 * receive).  request->time is set to the send time; on an unprivileged
 * socket request->id is set to the kernel's identifier.  Returns 0, or
 * HW_ECLOSED, HW_EINVAL (destination of the other family, a field out of
 * range), HW_EBROADCAST (a broadcast destination without
 * hw_icmp_socket_set_broadcast), -EAGAIN (non-blocking, buffer full), or
 * another -errno of the send call (-ENETUNREACH, -EHOSTUNREACH, ...). */
int hw_icmp_socket_send(struct hw_icmp_socket *s, struct hw_icmp_request *request);

/* Receive the next ICMP message for request (matching its id and sequence,
 * and for errors the destination it quotes), or with request NULL any echo
 * reply or ICMP error about an echo request that reaches the socket (a raw
 * socket sees those of every program on the host; an unprivileged one only
 * its own).  Messages that do not match are read and dropped; errors about
 * other protocols (UDP, TCP) are never returned.  Waits at most timeout_ns
 * (>= 0, up to INT64_MAX; negative: no limit) in blocking mode, not at all in non-blocking
 * mode.  Call it again for more messages (several replies to a broadcast).
 * Returns 0 with *reply filled, HW_ETIMEDOUT when nothing came in time,
 * HW_ECLOSED, -EINTR when a signal interrupted the wait, or another
 * negative status. */
int hw_icmp_socket_receive(struct hw_icmp_socket *s, const struct hw_icmp_request *request,
                           int64_t timeout_ns, struct hw_icmp_reply *reply);

#ifdef __cplusplus
}
#endif

#endif
