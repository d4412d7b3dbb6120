/* labtool.c - helper programs for hopwatch's network lab (tests/lab/lab.sh): a TUN-based
 * delay element that routers send their forwarded traffic through (this kernel has no netem),
 * a TCP listener for the target, and a blind ICMP error forger (forgery.test).  Lab use only; see tests/lab/README. */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* Exit codes: 2 for bad usage, 1 for a failure at run time. */
#define LT_EXIT_USAGE 2
#define LT_EXIT_FAIL 1

/* Limits of forge: guesses, rate and run time. */
#define LT_FORGE_MAX_COUNT 100000000UL
#define LT_FORGE_MAX_RATE 1000000UL
#define LT_FORGE_MAX_SECONDS 600UL
/* Limits of the arguments: delays up to a minute, a few dozen prefixes and ports. */
#define LT_MAX_MS 60000
#define LT_MAX_PREFIXES 64
#define LT_MAX_PORTS 64
#define LT_DEFAULT_LIMIT 4096
#define LT_MAX_LIMIT 1000000
/* The largest packet a TUN device hands over (it never gets GSO packets without
 * IFF_VNET_HDR, so this is generous). */
#define LT_BUF_SIZE 65536
/* Packets read per wake-up at most, so that due packets are not held up by a burst. */
#define LT_READ_BURST 64

#define LT_NS_PER_US INT64_C(1000)
#define LT_NS_PER_SEC INT64_C(1000000000)

static const char lt_usage_text[] =
    "usage: labtool COMMAND [OPTIONS]\n"
    "\n"
    "Helpers for hopwatch's network lab (tests/lab/lab.sh); run them inside a lab namespace.\n"
    "\n"
    "  labtool delay --dev NAME --toward-target MS[:JITTER_MS] --toward-client MS[:JITTER_MS]\n"
    "                --client PREFIX [PREFIX...] [--limit N] [--seed N]\n"
    "      Attach to (or create) TUN device NAME (IFF_TUN|IFF_NO_PI), bring it up, and write\n"
    "      every packet read from it back into it after a delay: MS plus a uniform random\n"
    "      jitter in [-JITTER_MS, +JITTER_MS], never below 0 (milliseconds, up to three\n"
    "      decimals, at most 60000).  A packet whose destination lies in one of the --client\n"
    "      prefixes goes toward the client, any other toward the target.  Before a packet is\n"
    "      written back its IPv4 TTL (with the header checksum) or IPv6 hop limit is raised\n"
    "      by one, so that the router forwarding it twice still counts as one hop.  At most\n"
    "      N packets (default 4096) wait at once; more are dropped and counted.  Packets of\n"
    "      one direction keep their order when its jitter is 0.  SIGUSR1 prints statistics\n"
    "      on stderr; SIGTERM, SIGINT or SIGHUP end it (statistics again).\n"
    "\n"
    "  labtool tcp-listen [--backlog N] PORT [PORT...]\n"
    "      Listen on every PORT on 0.0.0.0 and [::] (two sockets), accept connections and\n"
    "      close them at once, until SIGTERM, SIGINT or SIGHUP.\n"
    "\n"
    "  labtool peek-ident --from ADDRESS [--seconds S]\n"
    "      Read ICMP echo requests from ADDRESS (IPv4) on a raw socket until one comes\n"
    "      (at most S seconds, default 10) and print its identifier in decimal.  Run it in\n"
    "      the target's namespace: it gives a forger test the identifier, which the\n"
    "      threat model grants the attacker.\n"
    "\n"
    "  labtool forge --to CLIENT --target TARGET --ident N [--count N] [--rate PPS]\n"
    "                [--seconds S] [--type unreach|ttl]\n"
    "      A blind off-path forger: send ICMP errors (destination unreachable code 1,\n"
    "      or time exceeded) to CLIENT (IPv4), each quoting an echo request from CLIENT\n"
    "      to TARGET with identifier N and only its first 8 bytes (RFC 792), with a\n"
    "      random sequence number and a random checksum: a guess.  It never reads a\n"
    "      packet.  Stops after --count guesses (default 1000000), --seconds (default 50)\n"
    "      or a signal, sending at most --rate per second (default 25000); prints\n"
    "      \"forge: guesses sent N\" on stdout at the end.\n"
    "\n"
    "  labtool -h | --help | COMMAND -h\n"
    "      This text.\n";

static void usage(FILE *out) {
    fputs(lt_usage_text, out);
}

/* Prints "labtool: MSG" on stderr; MSG is a full sentence without the final period. */
static void lt_warn(const char *what, const char *detail) {
    fprintf(stderr, "labtool: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
}

static int usage_error(const char *what, const char *detail) {
    lt_warn(what, detail);
    fputs("labtool: see labtool -h\n", stderr);
    return LT_EXIT_USAGE;
}

static int64_t now_ns(void) {
    struct timespec ts;

    /* CLOCK_MONOTONIC cannot fail with a valid pointer; the timerfd uses the same clock. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * LT_NS_PER_SEC + ts.tv_nsec;
}

/* Blocks the signals that end the program or ask for statistics and returns a signalfd for
 * them, so that the main loop handles them between packets (no handlers, no globals). */
static int signal_fd(bool want_usr1) {
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    if (want_usr1)
        sigaddset(&set, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
        return -errno;
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/* Reads the pending signals; returns 1 when one of them asks to stop, 0 otherwise, and sets
 * *usr1 when SIGUSR1 came. */
static int signal_read(int fd, bool *usr1) {
    struct signalfd_siginfo si;
    int stop = 0;

    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGUSR1)
            *usr1 = true;
        else
            stop = 1;
    }
    return stop;
}

/* Parses an unsigned decimal number in [lo, hi]; returns 0 or -1. */
static int parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out) {
    char *end;

    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Parses milliseconds with up to three decimals ("10", "0.5", "2.125") from s up to end into
 * nanoseconds; returns 0 or -1. */
static int parse_ms(const char *s, const char *end, int64_t *ns) {
    int64_t ms = 0, frac_us = 0;
    int digits = 0, frac_digits = -1;

    for (const char *p = s; p < end; p++) {
        if (*p == '.' && frac_digits < 0 && digits > 0) {
            frac_digits = 0;
        } else if (*p >= '0' && *p <= '9') {
            if (frac_digits < 0) {
                ms = ms * 10 + (*p - '0');
                if (++digits > 5)
                    return -1;
            } else {
                if (++frac_digits > 3)
                    return -1;
                frac_us = frac_us * 10 + (*p - '0');
            }
        } else {
            return -1;
        }
    }
    if (digits == 0 || frac_digits == 0)
        return -1;
    for (int i = frac_digits < 0 ? 0 : frac_digits; i < 3; i++)
        frac_us *= 10;
    if (ms > LT_MAX_MS || (ms == LT_MAX_MS && frac_us > 0))
        return -1;
    *ns = (ms * 1000 + frac_us) * LT_NS_PER_US;
    return 0;
}

/* ---- the delay element ------------------------------------------------------------------- */

/* One direction through the element. */
struct lt_dir {
    int64_t delay_ns;  /* fixed delay of every packet */
    int64_t jitter_ns; /* half-width of the uniform jitter added to the delay */
    uint64_t queued;   /* packets accepted into the queue */
    uint64_t dropped;  /* packets dropped because the queue was full */
};

/* A prefix of the client side. */
struct lt_prefix {
    int family;       /* AF_INET or AF_INET6 */
    uint8_t addr[16]; /* the network address (4 bytes used for IPv4) */
    unsigned len;     /* prefix length in bits */
};

/* A packet waiting for its time. */
struct lt_pkt {
    int64_t due_ns;      /* when to write it back (CLOCK_MONOTONIC) */
    uint64_t seq;        /* arrival number: orders packets that are due at the same time */
    size_t len;          /* bytes in data */
    unsigned char *data; /* the packet, from the IP header on */
};

/* Everything the delay element works with. */
struct lt_delay {
    const char *dev;                            /* TUN device name */
    struct lt_dir dir[2];                       /* 0: toward the target, 1: toward the client */
    struct lt_prefix client[LT_MAX_PREFIXES];   /* destinations that lie toward the client */
    size_t nclient;                             /* entries used in client */
    size_t limit;                               /* most packets that may wait at once */
    struct lt_pkt *heap;                        /* min-heap by (due_ns, seq), limit slots */
    size_t n;                                   /* packets in heap */
    uint64_t seq;                               /* next arrival number */
    uint64_t rng;                               /* xorshift64* state, never 0 */
    unsigned char *buf;                         /* read buffer, LT_BUF_SIZE bytes */
    uint64_t sent;                              /* packets written back */
    uint64_t bad;                               /* packets that were not IPv4 or IPv6 */
    uint64_t ignored;                           /* multicast/broadcast packets, dropped */
    uint64_t ttl_max;                           /* packets whose TTL was already 255 */
    uint64_t write_errors;                      /* packets the device refused */
};

static uint64_t rng_next(struct lt_delay *d) {
    /* xorshift64*: quality is ample for jitter, and the state fits in the struct. */
    d->rng ^= d->rng >> 12;
    d->rng ^= d->rng << 25;
    d->rng ^= d->rng >> 27;
    return d->rng * UINT64_C(2685821657736338717);
}

/* Parses "MS" or "MS:JITTER_MS" into a direction. */
static int parse_dir(const char *s, struct lt_dir *dir) {
    const char *colon = strchr(s, ':');
    const char *end = colon ? colon : s + strlen(s);

    if (parse_ms(s, end, &dir->delay_ns) < 0)
        return -1;
    dir->jitter_ns = 0;
    if (colon && parse_ms(colon + 1, colon + 1 + strlen(colon + 1), &dir->jitter_ns) < 0)
        return -1;
    return 0;
}

/* Parses "ADDR/LEN" (IPv4 or IPv6) with no host bits set. */
static int parse_prefix(const char *s, struct lt_prefix *p) {
    char addr[INET6_ADDRSTRLEN];
    const char *slash = strchr(s, '/');
    unsigned long len;

    if (!slash || (size_t)(slash - s) >= sizeof addr)
        return -1;
    memcpy(addr, s, (size_t)(slash - s));
    addr[slash - s] = '\0';
    memset(p, 0, sizeof *p);
    if (inet_pton(AF_INET, addr, p->addr) == 1)
        p->family = AF_INET;
    else if (inet_pton(AF_INET6, addr, p->addr) == 1)
        p->family = AF_INET6;
    else
        return -1;
    if (parse_uint(slash + 1, 0, p->family == AF_INET ? 32 : 128, &len) < 0)
        return -1;
    p->len = (unsigned)len;
    for (unsigned bit = p->len; bit < (p->family == AF_INET ? 32u : 128u); bit++) {
        if (p->addr[bit / 8] & (0x80u >> (bit % 8)))
            return -1;
    }
    return 0;
}

static bool prefix_match(const struct lt_prefix *p, int family, const uint8_t *addr) {
    unsigned full = p->len / 8, rest = p->len % 8;

    if (p->family != family || memcmp(p->addr, addr, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xffu << (8 - rest));
    return (addr[full] & mask) == p->addr[full];
}

/* Raises the TTL of an IPv4 header by one and updates its checksum incrementally
 * (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m'), m the 16-bit word holding TTL and protocol). */
static void ip4_ttl_inc(unsigned char *h) {
    uint32_t old_word = (uint32_t)h[8] << 8 | h[9];
    h[8]++;
    uint32_t new_word = (uint32_t)h[8] << 8 | h[9];
    uint32_t hc = (uint32_t)h[10] << 8 | h[11];
    uint32_t sum = (~hc & 0xffffu) + (~old_word & 0xffffu) + new_word;

    sum = (sum & 0xffffu) + (sum >> 16);
    sum = (sum & 0xffffu) + (sum >> 16);
    uint16_t ck = (uint16_t)~sum;
    h[10] = (unsigned char)(ck >> 8);
    h[11] = (unsigned char)(ck & 0xffu);
}

/* Checks a packet read from the device, raises its TTL / hop limit and says where it goes:
 * 0 toward the target, 1 toward the client, -1 bad (not IPv4/IPv6), -2 multicast. */
static int classify(struct lt_delay *d, unsigned char *p, size_t len) {
    int family;
    const uint8_t *dst;

    if (len >= 20 && p[0] >> 4 == 4) {
        size_t ihl = (size_t)(p[0] & 0x0f) * 4;
        if (ihl < 20 || ihl > len)
            return -1;
        dst = p + 16;
        /* 224.0.0.0/4 and the limited broadcast never belong to the lab's forwarding. */
        if ((dst[0] & 0xf0) == 0xe0 || (dst[0] & dst[1] & dst[2] & dst[3]) == 0xff)
            return -2;
        family = AF_INET;
        if (p[8] == 255)
            d->ttl_max++;
        else
            ip4_ttl_inc(p);
    } else if (len >= 40 && p[0] >> 4 == 6) {
        dst = p + 24;
        if (dst[0] == 0xff)
            return -2;
        family = AF_INET6;
        if (p[7] == 255)
            d->ttl_max++;
        else
            p[7]++;
    } else {
        return -1;
    }
    for (size_t i = 0; i < d->nclient; i++) {
        if (prefix_match(&d->client[i], family, dst))
            return 1;
    }
    return 0;
}

static bool pkt_before(const struct lt_pkt *a, const struct lt_pkt *b) {
    return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void heap_push(struct lt_delay *d, struct lt_pkt pkt) {
    size_t i = d->n++;

    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!pkt_before(&pkt, &d->heap[parent]))
            break;
        d->heap[i] = d->heap[parent];
        i = parent;
    }
    d->heap[i] = pkt;
}

static struct lt_pkt heap_pop(struct lt_delay *d) {
    struct lt_pkt top = d->heap[0];
    struct lt_pkt last = d->heap[--d->n];
    size_t i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= d->n)
            break;
        if (c + 1 < d->n && pkt_before(&d->heap[c + 1], &d->heap[c]))
            c++;
        if (!pkt_before(&d->heap[c], &last))
            break;
        d->heap[i] = d->heap[c];
        i = c;
    }
    if (d->n > 0)
        d->heap[i] = last;
    return top;
}

/* The delay of one packet: the configured delay plus uniform jitter, never negative. */
static int64_t packet_delay(struct lt_delay *d, const struct lt_dir *dir) {
    int64_t delay = dir->delay_ns;

    if (dir->jitter_ns > 0) {
        /* Microsecond steps: uniform over [-J, +J] (the modulo bias is below 1e-12). */
        uint64_t span = (uint64_t)(dir->jitter_ns / LT_NS_PER_US) * 2 + 1;
        int64_t off = (int64_t)(rng_next(d) % span) - dir->jitter_ns / LT_NS_PER_US;
        delay += off * LT_NS_PER_US;
    }
    return delay < 0 ? 0 : delay;
}

/* Reads what the device has (a bounded burst) and queues it.  Returns 0 or -errno. */
static int delay_read(struct lt_delay *d, int tun) {
    for (int i = 0; i < LT_READ_BURST; i++) {
        ssize_t got = read(tun, d->buf, LT_BUF_SIZE);
        if (got < 0) {
            if (errno == EAGAIN || errno == EINTR)
                return 0;
            return -errno;
        }
        int64_t arrival = now_ns();
        int where = classify(d, d->buf, (size_t)got);
        if (where == -1) {
            d->bad++;
            continue;
        }
        if (where == -2) {
            d->ignored++;
            continue;
        }
        struct lt_dir *dir = &d->dir[where];
        if (d->n >= d->limit) {
            dir->dropped++;
            continue;
        }
        struct lt_pkt pkt = {
            .due_ns = arrival + packet_delay(d, dir),
            .seq = d->seq++,
            .len = (size_t)got,
            .data = malloc((size_t)got),
        };
        if (!pkt.data) {
            dir->dropped++;
            continue;
        }
        memcpy(pkt.data, d->buf, (size_t)got);
        heap_push(d, pkt);
        dir->queued++;
    }
    return 0;
}

/* Writes back every packet that is due and arms the timer for the next one. */
static int delay_release(struct lt_delay *d, int tun, int tfd) {
    int64_t now = now_ns();
    struct itimerspec its;

    while (d->n > 0 && d->heap[0].due_ns <= now) {
        struct lt_pkt pkt = heap_pop(d);
        ssize_t put = write(tun, pkt.data, pkt.len);
        if (put == (ssize_t)pkt.len)
            d->sent++;
        else
            d->write_errors++;
        free(pkt.data);
    }
    memset(&its, 0, sizeof its);
    if (d->n > 0) {
        /* Absolute time: a due time already past fires at once.  0 would disarm. */
        int64_t due = d->heap[0].due_ns > 0 ? d->heap[0].due_ns : 1;
        its.it_value.tv_sec = due / LT_NS_PER_SEC;
        its.it_value.tv_nsec = due % LT_NS_PER_SEC;
    }
    if (timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
        return -errno;
    return 0;
}

static void delay_stats(const struct lt_delay *d) {
    fprintf(stderr,
            "labtool delay %s: toward-target %" PRIu64 " queued %" PRIu64 " dropped, "
            "toward-client %" PRIu64 " queued %" PRIu64 " dropped, sent %" PRIu64
            ", waiting %zu, bad %" PRIu64 ", ignored %" PRIu64 ", ttl255 %" PRIu64
            ", write errors %" PRIu64 "\n",
            d->dev, d->dir[0].queued, d->dir[0].dropped, d->dir[1].queued, d->dir[1].dropped,
            d->sent, d->n, d->bad, d->ignored, d->ttl_max, d->write_errors);
}

/* Opens /dev/net/tun and attaches it to device NAME (created when missing), then brings the
 * device up.  Returns the fd or -errno, with a message printed. */
static int tun_open(const char *name) {
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        int e = errno;
        lt_warn("cannot open /dev/net/tun", strerror(e));
        return -e;
    }
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    memcpy(ifr.ifr_name, name, strlen(name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        fprintf(stderr, "labtool: TUNSETIFF %s: %s\n", name, strerror(e));
        close(fd);
        return -e;
    }
    /* Bring the device up unless it already is (lab.sh configures it before we attach). */
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
        (!(ifr.ifr_flags & IFF_UP) &&
         (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0))) {
        int e = errno;
        fprintf(stderr, "labtool: cannot bring %s up: %s\n", name, strerror(e));
        if (s >= 0)
            close(s);
        close(fd);
        return -e;
    }
    close(s);
    return fd;
}

static int delay_run(struct lt_delay *d) {
    int rc = LT_EXIT_FAIL, tun = -1, tfd = -1, sfd;

    /* Timers should fire when asked, not up to 50 us later (the default slack). */
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    sfd = signal_fd(true);
    if (sfd < 0) {
        lt_warn("cannot set up signals", strerror(-sfd));
        return LT_EXIT_FAIL;
    }
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    d->heap = calloc(d->limit, sizeof *d->heap);
    d->buf = malloc(LT_BUF_SIZE);
    if (tfd < 0 || !d->heap || !d->buf) {
        lt_warn("cannot set up the queue", strerror(errno));
        goto out;
    }
    /* Attaching is the last step: the device's carrier goes on with it, which is what
     * lab.sh waits for. */
    tun = tun_open(d->dev);
    if (tun < 0)
        goto out;
    fprintf(stderr,
            "labtool delay %s: running: toward-target %" PRId64 " us +- %" PRId64
            " us, toward-client %" PRId64 " us +- %" PRId64 " us, %zu client prefixes, "
            "limit %zu\n",
            d->dev, d->dir[0].delay_ns / LT_NS_PER_US, d->dir[0].jitter_ns / LT_NS_PER_US,
            d->dir[1].delay_ns / LT_NS_PER_US, d->dir[1].jitter_ns / LT_NS_PER_US, d->nclient,
            d->limit);

    for (;;) {
        struct pollfd pfd[3] = {
            {.fd = sfd, .events = POLLIN},
            {.fd = tun, .events = POLLIN},
            {.fd = tfd, .events = POLLIN},
        };
        if (poll(pfd, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            lt_warn("poll", strerror(errno));
            goto out;
        }
        if (pfd[0].revents) {
            bool usr1 = false;
            int stop = signal_read(sfd, &usr1);
            if (usr1)
                delay_stats(d);
            if (stop) {
                rc = 0;
                goto out;
            }
        }
        if (pfd[1].revents & (POLLERR | POLLHUP | POLLNVAL)) {
            lt_warn("the TUN device went away", d->dev);
            goto out;
        }
        if (pfd[1].revents & POLLIN) {
            int err = delay_read(d, tun);
            if (err < 0) {
                lt_warn("read from the TUN device", strerror(-err));
                goto out;
            }
        }
        if (pfd[2].revents & POLLIN) {
            uint64_t expirations;
            /* Only clears the readiness; delay_release looks at the clock itself. */
            if (read(tfd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
                lt_warn("timerfd read", strerror(errno));
        }
        int err = delay_release(d, tun, tfd);
        if (err < 0) {
            lt_warn("timerfd_settime", strerror(-err));
            goto out;
        }
    }
out:
    if (d->buf)
        delay_stats(d);
    while (d->heap && d->n > 0) {
        struct lt_pkt pkt = heap_pop(d);
        free(pkt.data);
    }
    free(d->heap);
    free(d->buf);
    if (tun >= 0)
        close(tun);
    if (tfd >= 0)
        close(tfd);
    close(sfd);
    return rc;
}

static int cmd_delay(int argc, char **argv) {
    struct lt_delay d;
    bool have_target = false, have_toward_client = false, have_client = false;
    bool have_seed = false;
    unsigned long v;

    memset(&d, 0, sizeof d);
    d.limit = LT_DEFAULT_LIMIT;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(o, "--client") == 0) {
            /* Takes every following word up to the next option. */
            if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)
                return usage_error("--client needs at least one prefix", NULL);
            while (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
                if (d.nclient == LT_MAX_PREFIXES)
                    return usage_error("too many --client prefixes", NULL);
                if (parse_prefix(argv[++i], &d.client[d.nclient]) < 0)
                    return usage_error("bad --client prefix (want ADDR/LEN, no host bits)",
                                       argv[i]);
                d.nclient++;
            }
            have_client = true;
            continue;
        }
        static const char *const valued[] = {"--dev", "--toward-target", "--toward-client",
                                             "--limit", "--seed"};
        bool known = false;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++)
            known = known || strcmp(o, valued[k]) == 0;
        if (!known)
            return usage_error("unknown option", o);
        if (i + 1 >= argc)
            return usage_error("option needs a value", o);
        const char *val = argv[++i];
        if (strcmp(o, "--dev") == 0) {
            if (val[0] == '\0' || strlen(val) >= IFNAMSIZ || strchr(val, '/'))
                return usage_error("bad --dev name", val);
            d.dev = val;
        } else if (strcmp(o, "--toward-target") == 0) {
            if (parse_dir(val, &d.dir[0]) < 0)
                return usage_error("bad --toward-target (want MS[:JITTER_MS])", val);
            have_target = true;
        } else if (strcmp(o, "--toward-client") == 0) {
            if (parse_dir(val, &d.dir[1]) < 0)
                return usage_error("bad --toward-client (want MS[:JITTER_MS])", val);
            have_toward_client = true;
        } else if (strcmp(o, "--limit") == 0) {
            if (parse_uint(val, 1, LT_MAX_LIMIT, &v) < 0)
                return usage_error("bad --limit (want 1..1000000)", val);
            d.limit = v;
        } else if (strcmp(o, "--seed") == 0) {
            if (parse_uint(val, 0, ULONG_MAX, &v) < 0)
                return usage_error("bad --seed", val);
            d.rng = (uint64_t)v;
            have_seed = true;
        }
    }
    if (!d.dev)
        return usage_error("delay needs --dev NAME", NULL);
    if (!have_target || !have_toward_client)
        return usage_error("delay needs --toward-target and --toward-client", NULL);
    if (!have_client)
        return usage_error("delay needs --client PREFIX...", NULL);
    if (!have_seed && getrandom(&d.rng, sizeof d.rng, 0) != (ssize_t)sizeof d.rng)
        d.rng = (uint64_t)now_ns() ^ ((uint64_t)getpid() << 32);
    /* Spread the seed (splitmix64 finaliser); xorshift needs a state other than 0. */
    d.rng += UINT64_C(0x9e3779b97f4a7c15);
    d.rng = (d.rng ^ (d.rng >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    d.rng = (d.rng ^ (d.rng >> 27)) * UINT64_C(0x94d049bb133111eb);
    d.rng ^= d.rng >> 31;
    if (d.rng == 0)
        d.rng = 1;
    return delay_run(&d);
}

/* ---- the TCP listener -------------------------------------------------------------------- */

/* Opens a listening socket on the wildcard address of a family; returns the fd or -errno. */
static int listen_on(int family, uint16_t port, int backlog) {
    int one = 1;
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -errno;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0)
        goto fail;
    if (family == AF_INET6) {
        struct sockaddr_in6 sa6;
        /* v6-only, so that the IPv4 socket of the same port can exist beside it. */
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0)
            goto fail;
        memset(&sa6, 0, sizeof sa6);
        sa6.sin6_family = AF_INET6;
        sa6.sin6_port = htons(port);
        sa6.sin6_addr = in6addr_any;
        if (bind(fd, (const struct sockaddr *)&sa6, sizeof sa6) < 0)
            goto fail;
    } else {
        struct sockaddr_in sa4;
        memset(&sa4, 0, sizeof sa4);
        sa4.sin_family = AF_INET;
        sa4.sin_port = htons(port);
        sa4.sin_addr.s_addr = htonl(INADDR_ANY);
        if (bind(fd, (const struct sockaddr *)&sa4, sizeof sa4) < 0)
            goto fail;
    }
    if (listen(fd, backlog) < 0)
        goto fail;
    return fd;
fail:;
    int e = errno;
    close(fd);
    return -e;
}

static int cmd_tcp_listen(int argc, char **argv) {
    struct pollfd pfd[1 + 2 * LT_MAX_PORTS];
    uint16_t ports[LT_MAX_PORTS];
    size_t nports = 0, nfds = 1;
    unsigned long v, backlog = 128;
    uint64_t accepted = 0;
    int rc = LT_EXIT_FAIL;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--backlog") == 0) {
            if (i + 1 >= argc || parse_uint(argv[i + 1], 1, 65535, &backlog) < 0)
                return usage_error("bad --backlog (want 1..65535)", i + 1 < argc ? argv[i + 1]
                                                                                 : NULL);
            i++;
            continue;
        }
        if (parse_uint(argv[i], 1, 65535, &v) < 0)
            return usage_error("bad port (want 1..65535)", argv[i]);
        if (nports == LT_MAX_PORTS)
            return usage_error("too many ports", argv[i]);
        for (size_t j = 0; j < nports; j++) {
            if (ports[j] == v)
                return usage_error("port given twice", argv[i]);
        }
        ports[nports++] = (uint16_t)v;
    }
    if (nports == 0)
        return usage_error("tcp-listen needs at least one PORT", NULL);

    int sfd = signal_fd(false);
    if (sfd < 0) {
        lt_warn("cannot set up signals", strerror(-sfd));
        return LT_EXIT_FAIL;
    }
    pfd[0] = (struct pollfd){.fd = sfd, .events = POLLIN};
    for (size_t i = 0; i < nports; i++) {
        static const int families[2] = {AF_INET, AF_INET6};
        for (size_t f = 0; f < 2; f++) {
            int fd = listen_on(families[f], ports[i], (int)backlog);
            if (fd < 0) {
                fprintf(stderr, "labtool: tcp-listen: cannot listen on %s port %u: %s\n",
                        families[f] == AF_INET ? "IPv4" : "IPv6", ports[i], strerror(-fd));
                goto out;
            }
            pfd[nfds++] = (struct pollfd){.fd = fd, .events = POLLIN};
        }
    }
    fprintf(stderr, "labtool tcp-listen: listening on %zu port%s (IPv4 and IPv6)\n", nports,
            nports == 1 ? "" : "s");
    for (;;) {
        if (poll(pfd, (nfds_t)nfds, -1) < 0) {
            if (errno == EINTR)
                continue;
            lt_warn("poll", strerror(errno));
            goto out;
        }
        if (pfd[0].revents) {
            bool usr1 = false;
            if (signal_read(sfd, &usr1)) {
                rc = 0;
                goto out;
            }
        }
        for (size_t i = 1; i < nfds; i++) {
            if (!(pfd[i].revents & POLLIN))
                continue;
            /* Bounded, so one busy port cannot starve the others or the signals. */
            for (int k = 0; k < 64; k++) {
                int c = accept4(pfd[i].fd, NULL, NULL, SOCK_CLOEXEC);
                if (c < 0)
                    break;
                close(c);
                accepted++;
            }
        }
    }
out:
    fprintf(stderr, "labtool tcp-listen: %" PRIu64 " connections accepted\n", accepted);
    for (size_t i = 1; i < nfds; i++)
        close(pfd[i].fd);
    close(sfd);
    return rc;
}

/* The Internet checksum (RFC 1071) of len bytes, ready to store (network order). */
static uint16_t inet_sum(const uint8_t *p, size_t len) {
    uint32_t sum = 0;

    for (; len >= 2; p += 2, len -= 2)
        sum += (uint32_t)(p[0] << 8 | p[1]);
    if (len == 1)
        sum += (uint32_t)p[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons((uint16_t)~sum);
}

static int parse_ip4(const char *s, struct in_addr *a) {
    return inet_pton(AF_INET, s, a) == 1 ? 0 : -1;
}

static int cmd_peek_ident(int argc, char **argv) {
    struct in_addr from = {0};
    unsigned long secs = 10;
    bool have_from = false;
    uint8_t buf[2048];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc)
            return usage_error("option needs a value", argv[i]);
        if (strcmp(argv[i], "--from") == 0) {
            if (parse_ip4(argv[++i], &from) < 0)
                return usage_error("not an IPv4 address", argv[i]);
            have_from = true;
        } else if (strcmp(argv[i], "--seconds") == 0) {
            if (parse_uint(argv[++i], 1, 600, &secs) < 0)
                return usage_error("--seconds: expected 1 to 600", argv[i]);
        } else {
            return usage_error("unknown option", argv[i]);
        }
    }
    if (!have_from)
        return usage_error("--from is required", NULL);
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd < 0) {
        lt_warn("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)", strerror(errno));
        return LT_EXIT_FAIL;
    }
    int64_t end = now_ns() + (int64_t)secs * LT_NS_PER_SEC;
    for (int64_t left; (left = end - now_ns()) > 0;) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        int n = poll(&pf, 1, (int)(left / 1000000 + 1));

        if (n <= 0)
            continue;
        ssize_t len = recv(fd, buf, sizeof buf, 0);
        if (len < 20)
            continue;
        size_t ihl = (size_t)(buf[0] & 0x0f) * 4;
        if (ihl < 20 || (size_t)len < ihl + 8 || memcmp(buf + 12, &from, 4) != 0 ||
            buf[ihl] != 8)
            continue;
        printf("%u\n", (unsigned)(buf[ihl + 4] << 8 | buf[ihl + 5]));
        close(fd);
        return 0;
    }
    close(fd);
    lt_warn("no echo request came", NULL);
    return LT_EXIT_FAIL;
}

static int cmd_forge(int argc, char **argv) {
    struct in_addr to = {0}, target = {0};
    unsigned long count = 1000000, rate = 25000, secs = 50, ident = 0;
    bool have_to = false, have_target = false, have_ident = false, ttl = false;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (i + 1 >= argc)
            return usage_error("option needs a value", argv[i]);
        const char *o = argv[i], *v = argv[++i];
        if (strcmp(o, "--to") == 0) {
            if (parse_ip4(v, &to) < 0)
                return usage_error("--to: not an IPv4 address", v);
            have_to = true;
        } else if (strcmp(o, "--target") == 0) {
            if (parse_ip4(v, &target) < 0)
                return usage_error("--target: not an IPv4 address", v);
            have_target = true;
        } else if (strcmp(o, "--ident") == 0) {
            if (parse_uint(v, 0, 65535, &ident) < 0)
                return usage_error("--ident: expected 0 to 65535", v);
            have_ident = true;
        } else if (strcmp(o, "--count") == 0) {
            if (parse_uint(v, 1, LT_FORGE_MAX_COUNT, &count) < 0)
                return usage_error("--count: out of range", v);
        } else if (strcmp(o, "--rate") == 0) {
            if (parse_uint(v, 1, LT_FORGE_MAX_RATE, &rate) < 0)
                return usage_error("--rate: out of range", v);
        } else if (strcmp(o, "--seconds") == 0) {
            if (parse_uint(v, 1, LT_FORGE_MAX_SECONDS, &secs) < 0)
                return usage_error("--seconds: out of range", v);
        } else if (strcmp(o, "--type") == 0) {
            if (strcmp(v, "ttl") != 0 && strcmp(v, "unreach") != 0)
                return usage_error("--type: expected unreach or ttl", v);
            ttl = strcmp(v, "ttl") == 0;
        } else {
            return usage_error("unknown option", o);
        }
    }
    if (!have_to || !have_target || !have_ident)
        return usage_error("--to, --target and --ident are required", NULL);

    int sfd = signal_fd(false);
    if (sfd < 0) {
        lt_warn("signalfd", strerror(-sfd));
        return LT_EXIT_FAIL;
    }
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (fd < 0) {
        lt_warn("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)", strerror(errno));
        return LT_EXIT_FAIL;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr = to};
    uint64_t rng = 0;
    if (getrandom(&rng, sizeof rng, 0) != (ssize_t)sizeof rng)
        rng = (uint64_t)now_ns();
    rng |= 1;

    /* The error: 8 bytes of ICMP header, the quoted IPv4 header (20) and the first 8
     * bytes of the quoted echo request, as an RFC 792 router sends it.  The quoted
     * datagram claims the default 56-byte payload. */
    uint8_t msg[8 + 20 + 8];
    memset(msg, 0, sizeof msg);
    msg[0] = ttl ? 11 : 3;
    msg[1] = ttl ? 0 : 1;
    uint8_t *ip = msg + 8, *q = msg + 28;
    ip[0] = 0x45;
    ip[2] = 0;
    ip[3] = 20 + 8 + 56;
    ip[8] = 1;
    ip[9] = IPPROTO_ICMP;
    memcpy(ip + 12, &to, 4);
    memcpy(ip + 16, &target, 4);
    q[0] = 8;
    q[4] = (uint8_t)(ident >> 8);
    q[5] = (uint8_t)ident;

    int64_t start = now_ns(), end = start + (int64_t)secs * LT_NS_PER_SEC;
    unsigned long sent = 0, failed = 0;
    int rc = 0;
    while (sent < count) {
        int64_t now = now_ns();
        if (now >= end)
            break;
        /* Pace: guess number k is due at start + k / rate. */
        int64_t due = start + (int64_t)((double)sent * LT_NS_PER_SEC / (double)rate);
        if (due > now) {
            struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(due - now)};
            if (due - now >= LT_NS_PER_SEC)
                ts = (struct timespec){.tv_sec = 1, .tv_nsec = 0};
            nanosleep(&ts, NULL);
            bool usr1 = false;
            if (signal_read(sfd, &usr1))
                break;
            continue;
        }
        /* A guess: random sequence number and checksum (xorshift64). */
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        q[2] = (uint8_t)(rng >> 8);
        q[3] = (uint8_t)rng;
        q[6] = (uint8_t)(rng >> 24);
        q[7] = (uint8_t)(rng >> 16);
        ip[4] = (uint8_t)(rng >> 40);
        ip[5] = (uint8_t)(rng >> 32);
        ip[10] = ip[11] = 0;
        uint16_t c = inet_sum(ip, 20);
        memcpy(ip + 10, &c, 2);
        msg[2] = msg[3] = 0;
        c = inet_sum(msg, sizeof msg);
        memcpy(msg + 2, &c, 2);
        if (sendto(fd, msg, sizeof msg, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
            if (errno != ENOBUFS && errno != EAGAIN) {
                lt_warn("sendto", strerror(errno));
                rc = LT_EXIT_FAIL;
                break;
            }
            failed++;
            continue;
        }
        sent++;
    }
    printf("forge: guesses sent %lu in %.1f s (%lu sends refused by the kernel)\n", sent,
           (double)(now_ns() - start) / LT_NS_PER_SEC, failed);
    close(fd);
    close(sfd);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2)
        return usage_error("missing command", NULL);
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    /* Output goes to log files: one line at a time, in order. */
    setvbuf(stderr, NULL, _IOLBF, 0);
    if (strcmp(argv[1], "delay") == 0)
        return cmd_delay(argc - 1, argv + 1);
    if (strcmp(argv[1], "tcp-listen") == 0)
        return cmd_tcp_listen(argc - 1, argv + 1);
    if (strcmp(argv[1], "peek-ident") == 0)
        return cmd_peek_ident(argc - 1, argv + 1);
    if (strcmp(argv[1], "forge") == 0)
        return cmd_forge(argc - 1, argv + 1);
    return usage_error("unknown command", argv[1]);
}
