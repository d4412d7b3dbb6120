/* hopwatch/engine.h - the poll-driven probe core.
 *
 * An engine owns the probing sockets (one per address family, shared by every
 * probe), the probes in flight and a queue of timers.  It never blocks and
 * never owns the loop: the caller asks which descriptors to poll and for how
 * long (hw_engine_pollfds, hw_engine_timeout_ms), polls them together with its
 * own, and hands the result back (hw_engine_process).  Callbacks run only
 * from inside hw_engine_process, and for cancellation from hw_engine_cancel,
 * hw_engine_release and hw_engine_free.
 *
 * Callback contract: if hw_engine_probe() or hw_engine_timer_add() fails, its
 * callback never fires; if it succeeds, the callback fires exactly once
 * (answer, timeout, send error, or cancellation).  Late and duplicate answers
 * go to the probe's separate, optional on_extra callback.
 */
#ifndef HOPWATCH_ENGINE_H
#define HOPWATCH_ENGINE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hw_engine;

/* A moment, read from two clocks at once.  mono_ns (CLOCK_MONOTONIC) is used
 * for every interval and timeout; real_ns (CLOCK_REALTIME, Unix epoch) for
 * printed timestamps and, with kernel_ns, for RTTs that a busy process does
 * not inflate (see hw_probe_result.kernel_ts). */
struct hw_time {
    int64_t mono_ns;   /* CLOCK_MONOTONIC, nanoseconds, read in user space */
    int64_t real_ns;   /* CLOCK_REALTIME, nanoseconds since the epoch, read
                          in user space together with mono_ns */
    int64_t kernel_ns; /* received packets: the kernel's CLOCK_REALTIME
                          arrival stamp (SO_TIMESTAMPNS), 0 if none */
};

/* ---- The transport seam -------------------------------------------------
 * The engine sends and receives only through these functions.  The default
 * (config.transport == NULL) uses the kernel's sockets; unit tests plug in a
 * fake network with a fake clock. */

/* The sockets an engine can ask for, per family. */
enum hw_sock_kind {
    HW_SOCK_ICMP_RAW = 1,   /* raw ICMP/ICMPv6: sends echo requests, receives
                               echo replies and every ICMP error */
    HW_SOCK_ICMP_DGRAM,     /* unprivileged ICMP datagram socket: one echo
                               identifier (the kernel's choice), errors from
                               its error queue */
    HW_SOCK_UDP_RAW,        /* raw UDP: sends UDP probes (errors come to the
                               ICMP socket) */
    HW_SOCK_TCP_RAW,        /* raw TCP: sends SYNs, receives SYN-ACK / RST */
};

/* Options applied to every socket when it is opened (some need privilege,
 * which is why they are set at open time). */
struct hw_sock_opts {
    struct hw_addr source;  /* bind to this address (AF_UNSPEC: any) */
    const char *device;     /* SO_BINDTODEVICE, NULL or "": none */
    uint32_t mark;          /* SO_MARK, 0: none */
    bool dont_fragment;     /* set DF / IPV6_DONTFRAG */
    bool broadcast;         /* SO_BROADCAST: allow broadcast destinations */
};

/* What a received packet is, when the socket's kind does not say it. */
enum hw_rx_layer {
    HW_RX_NORMAL = 0, /* what the socket kind delivers: raw IPv4 sockets an
                         IPv4 header first, raw IPv6 and datagram sockets the
                         ICMP / TCP header */
    HW_RX_QUOTE = 1,  /* an error from a datagram socket's error queue: buf
                         holds the quoted probe from its transport header on;
                         err_* say what the ICMP error was (err_type 0 and
                         len 0: a local error without ICMP behind it) */
};

/* One packet to send. */
struct hw_tx {
    int family;             /* AF_INET or AF_INET6 */
    const uint8_t *buf;     /* the transport message (ICMP, UDP or TCP header
                               and payload), no IP header */
    size_t len;             /* bytes in buf */
    struct hw_addr dst;     /* destination */
    int ttl;                /* TTL / hop limit, 1..255; 0 for the system default */
    int tos;                /* IPv4 TOS / IPv6 traffic class, 0..255 */
    struct hw_time sent;    /* out: both clocks, read right before the send call */
};

/* One received packet. */
struct hw_rx {
    uint8_t *buf;           /* in: where to store the packet (owned by the engine) */
    size_t cap;             /* in: size of buf */
    size_t len;             /* out: bytes stored */
    bool truncated;         /* out: the packet was longer than cap */
    enum hw_rx_layer layer; /* out: where the packet starts */
    struct hw_addr from;    /* out: source of the packet (HW_RX_QUOTE: the
                               router or host that sent the ICMP error) */
    struct hw_addr to;      /* out: its destination (our address) when known */
    struct hw_time received;/* out: read right after the receive call, with the
                               kernel's stamp in kernel_ns when available */
    int ttl;                /* out: TTL / hop limit it arrived with, -1 if unknown */
    uint8_t err_type;       /* out, HW_RX_QUOTE: ICMP type of the error */
    uint8_t err_code;       /* out, HW_RX_QUOTE: ICMP code of the error */
    uint32_t err_info;      /* out, HW_RX_QUOTE: e.g. the MTU of "too big" */
    struct hw_addr err_dst; /* out, HW_RX_QUOTE: the probe's destination */
};

struct hw_transport {
    /* Open a socket of kind for family (AF_INET or AF_INET6) with opts.  On
     * success store the descriptor to poll in *fd (for ICMP_DGRAM also the
     * echo identifier the kernel gave it in *ident) and return 0; else
     * return a negative status (HW_ENOPERM for permission problems) and
     * write a one-line message into errbuf naming the failing call and,
     * for permissions, the fix. */
    int (*open)(void *ctx, int family, enum hw_sock_kind kind, const struct hw_sock_opts *opts,
                int *fd, uint16_t *ident, char *errbuf, size_t errlen);
    /* Close a descriptor returned by open. */
    void (*close)(void *ctx, int fd);
    /* Send one packet on fd; fill tx->sent.  Returns 0 or a negative
     * status (-errno for system errors). */
    int (*send)(void *ctx, int fd, struct hw_tx *tx);
    /* Receive one packet from fd without blocking (for ICMP_DGRAM sockets,
     * from the error queue too).  Returns 1 with rx filled, 0 when nothing
     * is waiting, or a negative status. */
    int (*recv)(void *ctx, int fd, struct hw_rx *rx);
    /* The source address the system would use toward dst (no packet is
     * sent).  Returns 0 or a negative status. */
    int (*source_for)(void *ctx, const struct hw_addr *dst, struct hw_addr *src);
    /* Read the clocks. */
    void (*now)(void *ctx, struct hw_time *t);
    /* Optional: wait like poll(2) for fds or timeout_ms (-1: no limit);
     * NULL: poll(2).  Used by hw_engine_wait(), so that blocking loops run
     * on a fake clock in tests. */
    int (*wait)(void *ctx, struct pollfd *fds, size_t n, int timeout_ms);
};

/* ---- Configuration ---------------------------------------------------- */

/* Families to open sockets for (bitmask). */
#define HW_FAMILY_V4 0x1u
#define HW_FAMILY_V6 0x2u

/* Which sockets to use (icmplib's "privileged"). */
enum hw_privilege {
    HW_PRIV_AUTO = 0,  /* raw sockets when permitted, else unprivileged ICMP */
    HW_PRIV_RAW,       /* raw sockets only (root or CAP_NET_RAW) */
    HW_PRIV_DGRAM,     /* unprivileged ICMP datagram sockets only (ICMP
                          probes; needs net.ipv4.ping_group_range to include
                          one of our groups) */
};

struct hw_engine_config {
    const struct hw_transport *transport; /* NULL: the kernel's sockets */
    void *transport_ctx;                  /* passed to every transport call */
    unsigned families;                    /* HW_FAMILY_* to open; 0 means both */
    enum hw_privilege privilege;          /* raw, unprivileged or automatic */
    struct hw_addr source4;               /* IPv4 source (AF_UNSPEC: routing's);
                                             must be IPv4, and families must
                                             include HW_FAMILY_V4 */
    struct hw_addr source6;               /* IPv6 source (AF_UNSPEC: routing's);
                                             must be IPv6, and families must
                                             include HW_FAMILY_V6 */
    const char *device;                   /* interface to bind to, NULL: none */
    uint32_t mark;                        /* socket mark (SO_MARK), 0: none */
    bool dont_fragment;                   /* set DF / IPV6_DONTFRAG */
    bool broadcast;                       /* allow broadcast destinations */
    const uint8_t *key;                   /* 16-byte cookie key; NULL: random */
    int ident;                            /* first ICMP identifier (raw mode);
                                             -1: random */
    unsigned idents;                      /* identifiers (raw) or datagram
                                             sockets (unprivileged) to use,
                                             1..4096; 0: 64 raw, 4 unprivileged */
    int64_t linger_ns;                    /* how long a finished probe is kept to
                                             recognise late and duplicate answers;
                                             0: as long as its timeout, >= 1 s */
    unsigned max_pps;                     /* rate cap over every probe of the
                                             engine, probes per second; 0: none.
                                             Over any span T at most
                                             max_pps * T + 20 probes leave; a
                                             probe asked for beyond that waits
                                             its turn (first come, first sent;
                                             hw_engine_probe still returns 0 at
                                             once) and its timeout and RTT count
                                             from when it really leaves */
};

/* Fill cfg with the defaults described above. */
void hw_engine_config_init(struct hw_engine_config *cfg);

/* Create an engine and open its sockets (this is the step that needs
 * privilege: call it before dropping privileges).  A family whose socket
 * cannot be opened is remembered, not fatal, even when no family could be
 * opened: see hw_engine_family_status().  Returns NULL and sets *status
 * (HW_EINVAL, -ENOMEM, -EIO) on failure; *status gets 0 on success.
 * HW_EINVAL includes a source of the wrong family (an IPv6 address in
 * source4) and a source for a family that families leaves out (source4
 * with families HW_FAMILY_V6): either would be ignored silently. */
struct hw_engine *hw_engine_new(const struct hw_engine_config *cfg, int *status);

/* Cancel every probe and timer (probe callbacks fire with
 * HW_OUTCOME_CANCELLED and must not send), close the sockets and free the
 * engine.  Must not be called from inside a callback.  NULL is accepted. */
void hw_engine_free(struct hw_engine *e);

/* What a probe is. */
enum hw_method {
    HW_METHOD_ICMP = 0,     /* ICMP / ICMPv6 echo request */
    HW_METHOD_UDP,          /* UDP, destination port varied per probe (classic) */
    HW_METHOD_UDP_PARIS,    /* UDP, one fixed flow; the probe id in the checksum */
    HW_METHOD_TCP,          /* TCP SYN to a fixed port */
};

/* "icmp", "udp", "udp-paris", "tcp"; static. */
const char *hw_method_name(enum hw_method m);

/* How an engine's socket for a family probes. */
enum hw_sock_mode {
    HW_MODE_NONE = 0,  /* no socket for this family */
    HW_MODE_RAW,       /* raw sockets (root or CAP_NET_RAW) */
    HW_MODE_DGRAM,     /* unprivileged ICMP datagram sockets (ping_group_range) */
};

/* The mode of the engine's socket for family. */
enum hw_sock_mode hw_engine_mode(const struct hw_engine *e, int family);

/* True when the engine can send probes of method to family. */
bool hw_engine_can_send(const struct hw_engine *e, enum hw_method method, int family);

/* True when the engine's sockets were opened with config.dont_fragment: every
 * probe carries DF (IPv4) / IPV6_DONTFRAG, and the kernel's cached path MTU
 * does not refuse a larger probe (IP_PMTUDISC_PROBE); only the interface's
 * own MTU does, with a send error (-EMSGSIZE).  Path MTU discovery needs it. */
bool hw_engine_dont_fragment(const struct hw_engine *e);

/* "raw", "unprivileged" or "none"; static. */
const char *hw_sock_mode_name(enum hw_sock_mode m);

/* 0 when the socket for family (AF_INET / AF_INET6) is open, else the status
 * of the failed open (for example HW_ENOPERM). */
int hw_engine_family_status(const struct hw_engine *e, int family);

/* The detailed message of the failed open for family, naming the call and
 * the fix ("socket(AF_INET, SOCK_RAW): Operation not permitted; ..."), or ""
 * when it is open.  The string belongs to the engine. */
const char *hw_engine_family_errmsg(const struct hw_engine *e, int family);

/* ---- The loop ----------------------------------------------------------- */

/* How many descriptors the engine has to poll: fixed from hw_engine_new()
 * to hw_engine_free(), and not small (an unprivileged engine has one
 * datagram socket per identifier, up to 4096 per family; a raw one 3 per
 * family).  Size the pollfd array with it, once:
 *
 *     size_t n = hw_engine_pollfd_count(e);
 *     struct pollfd *fds = calloc(n, sizeof(*fds));
 *     ...in the loop: hw_engine_pollfds(e, fds, n); poll(fds, n, ...);
 */
size_t hw_engine_pollfd_count(const struct hw_engine *e);

/* Write up to n pollfd entries (fd and events) for the engine's descriptors
 * into fds (NULL when n is 0).  Returns how many the engine has, which
 * exceeds n when fds is too small (hw_engine_pollfd_count()): the
 * descriptors left out are then not polled, and their answers wait. */
size_t hw_engine_pollfds(const struct hw_engine *e, struct pollfd *fds, size_t n);

/* Milliseconds until the engine's next deadline, rounded up, capped at
 * max_ms when max_ms >= 0.  0 when work is due now; -1 when the engine has
 * no deadline and max_ms < 0 (wait for input only). */
int hw_engine_timeout_ms(struct hw_engine *e, int max_ms);

/* Do what is ready: read answers from descriptors in fds with POLLIN set
 * (fds may contain descriptors of other owners; they are skipped), then
 * expire timeouts, then run due timers.  fds may be NULL with n == 0 to only
 * run timers. */
void hw_engine_process(struct hw_engine *e, const struct pollfd *fds, size_t n);

/* Poll the engine's own descriptors for at most max_ms (or until its next
 * deadline) and process.  A convenience for simple blocking loops.  Returns 0
 * or -errno of a failed poll (-EINTR when a signal arrived). */
int hw_engine_wait(struct hw_engine *e, int max_ms);

/* True when no probe is in flight and no timer is pending. */
bool hw_engine_idle(const struct hw_engine *e);

/* Read the engine's clocks (the transport's clock). */
void hw_engine_now(const struct hw_engine *e, struct hw_time *t);

/* ---- Probes ------------------------------------------------------------- */

/* Most MPLS label stack entries kept from one answer. */
#define HW_MPLS_MAX 8

/* One MPLS label stack entry, from an ICMP extension (RFC 4884 / 4950) of a
 * time-exceeded or unreachable message: the labels the packet carried where
 * it expired. */
struct hw_mpls {
    uint32_t label;          /* 20-bit label */
    uint8_t tc;              /* 3-bit traffic class (formerly EXP) */
    bool bottom;             /* S bit: bottom of stack */
    uint8_t ttl;             /* entry TTL */
};

enum hw_outcome {
    HW_OUTCOME_REPLY = 1,       /* the destination answered (ICMP echo reply) */
    HW_OUTCOME_TIME_EXCEEDED,   /* a router on the way: TTL / hop limit ran out */
    HW_OUTCOME_UNREACHABLE,     /* destination unreachable, see icmp_code */
    HW_OUTCOME_ICMP_ERROR,      /* another ICMP error quoting the probe
                                   (parameter problem, packet too big, ...) */
    HW_OUTCOME_TIMEOUT,         /* no answer before the timeout */
    HW_OUTCOME_SEND_ERROR,      /* the send call failed, see status */
    HW_OUTCOME_CANCELLED,       /* hw_engine_cancel() or hw_engine_free() */
};

/* Name of an outcome ("reply", "time-exceeded", ...); static. */
const char *hw_outcome_name(enum hw_outcome o);

struct hw_probe_result;
typedef void (*hw_probe_cb)(void *arg, const struct hw_probe_result *r);

/* How the engine fills a probe's payload after the cookie. */
enum hw_fill {
    HW_FILL_COUNT = 0,      /* byte i is i mod 256 (as ping) */
    HW_FILL_BYTE,           /* every byte is fill_byte (ping -p) */
    HW_FILL_RANDOM,         /* random bytes, new for each probe */
};

/* What to send.  The engine copies it. */
struct hw_probe_spec {
    enum hw_method method;  /* what kind of probe (default ICMP) */
    uint16_t port;          /* UDP/TCP destination port (classic UDP: the
                               first of the ports used); 0: the method's
                               default (33434 UDP, 80 TCP) */
    struct hw_addr dst;     /* destination; its family picks the socket */
    int ttl;                /* 1..255; 0: system default */
    int tos;                /* 0..255 */
    size_t payload_size;    /* payload bytes, 0..65000; 16 or more carry the
                               cookie that authenticates answers (Paris UDP
                               needs 18: two bytes steer the checksum; below
                               2 a Paris probe is refused with HW_EINVAL); a
                               smaller engine payload starts with up to 8
                               bytes of the keyed MAC instead (see
                               doc/security.md) */
    const uint8_t *payload; /* NULL: the engine's payload (cookie, then fill);
                               else exactly these payload_size bytes, copied
                               (no cookie: answers match on id and sequence) */
    enum hw_fill fill;      /* how the engine's payload is filled */
    uint8_t fill_byte;      /* the byte for HW_FILL_BYTE */
    int64_t timeout_ns;     /* > 0 */
    hw_probe_cb cb;         /* fires exactly once; required */
    hw_probe_cb on_extra;   /* optional: fires for each late answer (after the
                               timeout), duplicate answer and superseding
                               answer, with r->extra set, while the engine
                               still remembers the probe */
    void *arg;              /* passed back in the result */
    uint64_t tag;           /* passed back in the result */
};

/* Why an answer reached on_extra. */
enum hw_extra {
    HW_EXTRA_NONE = 0,      /* a normal result (spec.cb) */
    HW_EXTRA_LATE,          /* the answer came after the probe timed out */
    HW_EXTRA_DUPLICATE,     /* the probe had already been answered */
    HW_EXTRA_SUPERSEDED,    /* this answer replaces the outcome delivered
                               before: that one came from an ICMP error
                               quoting too little of the probe to carry the
                               cookie, this one carries the cookie (an echo
                               reply, or an error quoting it).  The probe's
                               outcome is now this result's; the earlier
                               one (r->replaced, from r->replaced_responder)
                               was most likely forged and should be taken
                               back: e.g. a loss becomes a reply.  It fires
                               at most once per probe and is counted in
                               hw_engine_counters.suspected_forgery. */
};

/* The outcome of one probe (or, through on_extra, a late or duplicate
 * answer to it).  Valid only during the callback. */
struct hw_probe_result {
    enum hw_outcome outcome;  /* what happened */
    uint64_t id;              /* the id hw_engine_probe() returned */
    void *arg;                /* spec.arg */
    uint64_t tag;             /* spec.tag */
    struct hw_addr dst;       /* spec.dst */
    int ttl;                  /* spec.ttl */
    uint16_t ident;           /* ICMP identifier the probe carried */
    uint16_t seq;             /* ICMP sequence number the probe carried */
    struct hw_addr responder; /* who answered (REPLY, TIME_EXCEEDED,
                                 UNREACHABLE, ICMP_ERROR); else AF_UNSPEC */
    int icmp_type;            /* ICMP type of the answer, -1 if none */
    int icmp_code;            /* ICMP code of the answer, -1 if none */
    int64_t rtt_ns;           /* round-trip time of the answer, -1 if none */
    bool kernel_ts;           /* rtt_ns used a kernel receive timestamp */
    struct hw_time sent;      /* when the probe was sent */
    struct hw_time received;  /* when the answer arrived (zero if none) */
    int reply_ttl;            /* TTL / hop limit of the answer, -1 if unknown */
    size_t reply_bytes;       /* size of the answer as received */
    int status;               /* SEND_ERROR: the negative status; else 0 */
    enum hw_extra extra;      /* on_extra: why; else NONE */
    enum hw_outcome replaced; /* SUPERSEDED: the outcome delivered before */
    struct hw_addr replaced_responder; /* SUPERSEDED: who had sent it */
    uint32_t icmp_info;       /* MTU of "too big" / "fragmentation needed",
                               pointer of "parameter problem", else 0 */
    uint8_t tcp_flags;        /* TCP answers: the segment's flags, else 0 */
    size_t n_mpls;            /* MPLS entries in mpls */
    struct hw_mpls mpls[HW_MPLS_MAX]; /* the answer's MPLS label stack, top first */
};

/* Send one ICMP echo request now.  On success return 0, store the probe's id
 * in *id (may be NULL) and guarantee one call of spec->cb.  On failure
 * (HW_EINVAL, HW_EFAMILY, HW_EBUSY, -ENOMEM) the callback never fires.  A
 * failed send call is not a failure here: the probe completes with
 * HW_OUTCOME_SEND_ERROR from the next hw_engine_process(). */
int hw_engine_probe(struct hw_engine *e, const struct hw_probe_spec *spec, uint64_t *id);

/* Cancel a probe in flight: its callback fires at once with
 * HW_OUTCOME_CANCELLED; an answer to it later counts as foreign.  Returns 0,
 * or HW_EINVAL if id is not in flight. */
int hw_engine_cancel(struct hw_engine *e, uint64_t id);

/* Let go of every probe whose spec.arg is arg: those in flight are cancelled
 * (callbacks fire with HW_OUTCOME_CANCELLED), finished ones lose their
 * on_extra callback.  Call it before freeing whatever arg points to.  O(n)
 * in the probes the engine remembers: meant for teardown. */
void hw_engine_release(struct hw_engine *e, void *arg);

/* ---- Timers ------------------------------------------------------------- */

typedef void (*hw_timer_cb)(void *arg, uint64_t id);

/* Call cb(arg, id) once, delay_ns (>= 0, up to INT64_MAX: a deadline past
 * the clock's range never comes) from now.  Timers due at the same
 * moment fire in the order they were added.  Returns 0 and stores the id, or
 * -ENOMEM. */
int hw_engine_timer_add(struct hw_engine *e, int64_t delay_ns, hw_timer_cb cb,
                        void *arg, uint64_t *id);

/* Cancel a pending timer; its callback does not fire (timers are not probes:
 * a cancelled timer is simply forgotten).  Returns 0, or HW_EINVAL if id is
 * not pending. */
int hw_engine_timer_cancel(struct hw_engine *e, uint64_t id);

/* ---- Counters ---------------------------------------------------------- */

/* What the engine saw.  Every received packet is counted in exactly one of
 * matched, late, duplicates, foreign, malformed. */
struct hw_engine_counters {
    uint64_t probes_sent;   /* probes handed to the transport successfully */
    uint64_t send_errors;   /* send calls that failed */
    uint64_t rx_packets;    /* packets read from the sockets */
    uint64_t matched;       /* answers matched to a probe in flight, and
                               those that superseded an unauthenticated one
                               (suspected_forgery) */
    uint64_t late;          /* answers to probes that had timed out */
    uint64_t duplicates;    /* answers to probes already answered */
    uint64_t foreign;       /* well-formed packets that are not ours (other
                               pingers, echo requests, stale or forged) */
    uint64_t malformed;     /* truncated or inconsistent packets, bad checksums */
    uint64_t bad_cookie;    /* of foreign: right id/seq but a wrong cookie,
                               MAC bytes or quoted transport checksum */
    uint64_t short_quotes;  /* of matched: ICMP errors quoting too little to
                               check the cookie (matched on the keyed id/seq
                               or ports, the destination and the transport
                               checksum) */
    uint64_t suspected_forgery; /* of matched: answers carrying the cookie
                               that replaced such an error delivered before
                               for the same probe (HW_EXTRA_SUPERSEDED) */
};

/* Copy the counters into *c. */
void hw_engine_counters(const struct hw_engine *e, struct hw_engine_counters *c);

#ifdef __cplusplus
}
#endif

#endif
