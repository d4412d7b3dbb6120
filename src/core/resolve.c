/* resolve.c - forward and reverse lookups through c-ares, driven from the
 * caller's poll loop, and a cache of reverse names.  See resolve.h.
 *
 * c-ares tells us which sockets it uses through its socket-state callback;
 * we keep them in an array the caller polls (never an fd_set, so any
 * descriptor number works).
 *
 * ares_library_init() and ares_library_cleanup() are not thread-safe (they
 * keep a process-wide count): the library is initialised once per process,
 * under pthread_once, and never cleaned up, so resolvers (and hw_resolve())
 * may be made in several threads at once.
 */
#include <ares.h>
#include <netdb.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/error.h>
#include <hopwatch/resolve.h>

/* Most addresses kept from one forward answer. */
#define LOOKUP_MAX_ADDRS 16

struct rsock {
    int fd;         /* a socket c-ares uses */
    bool read;      /* c-ares wants to read it */
    bool write;     /* c-ares wants to write it */
};

struct lookup;

struct hw_resolver {
    ares_channel ch;     /* the c-ares channel */
    struct rsock *socks; /* sockets to poll */
    size_t nsocks;       /* entries used */
    size_t capsocks;     /* entries allocated */
    size_t pending;      /* lookups whose callback has not fired */
    struct lookup *deferred;      /* reverse answers that came inside
                                     hw_resolver_reverse(), oldest first */
    struct lookup **deferred_end; /* where the next one is linked */
};

/* One forward or reverse lookup in progress. */
struct lookup {
    struct hw_resolver *r;  /* owner */
    int family;             /* requested family (forward) */
    hw_lookup_cb fwd;       /* forward callback, or NULL */
    hw_reverse_cb rev;      /* reverse callback, or NULL */
    hw_txt_cb txt;          /* TXT callback, or NULL */
    void *arg;              /* callback argument */
    bool in_call;           /* hw_resolver_reverse() has not returned yet */
    int status;             /* deferred: the answer's status */
    char *name;             /* deferred: the name found (status 0) */
    struct lookup *next;    /* deferred: the next one */
};

static void deliver_deferred(struct hw_resolver *r, bool cancelled);

static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_status;

static void
library_init(void)
{
    library_status = ares_library_init(ARES_LIB_INIT_ALL);
}

static void
sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
    struct hw_resolver *r = data;
    size_t i;

    for (i = 0; i < r->nsocks; i++) {
        if (r->socks[i].fd == fd)
            break;
    }
    if (!readable && !writable) {
        if (i < r->nsocks)
            r->socks[i] = r->socks[--r->nsocks];
        return;
    }
    if (i == r->nsocks) {
        if (r->nsocks == r->capsocks) {
            size_t ncap = r->capsocks ? r->capsocks * 2 : 4;
            struct rsock *ns = realloc(r->socks, ncap * sizeof(*ns));

            /* Without memory the socket is not polled; c-ares' own
             * timeout still ends the lookup. */
            if (ns == NULL)
                return;
            r->socks = ns;
            r->capsocks = ncap;
        }
        r->socks[r->nsocks++].fd = fd;
    }
    r->socks[i].read = readable != 0;
    r->socks[i].write = writable != 0;
}

static int
status_of(int ares_status)
{
    switch (ares_status) {
    case ARES_SUCCESS: return 0;
    case ARES_ENOTFOUND:
    case ARES_ENONAME:
    case ARES_EBADNAME: return HW_ENAME;
    case ARES_ENODATA: return HW_ENOADDR;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return HW_ECANCELLED;
    case ARES_ENOMEM: return -ENOMEM;
    default: return HW_EDNS;
    }
}

struct hw_resolver *
hw_resolver_new(int timeout_ms, int tries, int *status)
{
    struct ares_options opt;
    struct hw_resolver *r;
    int st;

    if (timeout_ms < 0 || tries < 0) {
        *status = HW_EINVAL;
        return NULL;
    }
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        *status = -ENOMEM;
        return NULL;
    }
    pthread_once(&library_once, library_init);
    if (library_status != ARES_SUCCESS) {
        free(r);
        *status = status_of(library_status);
        return NULL;
    }
    r->deferred_end = &r->deferred;
    memset(&opt, 0, sizeof(opt));
    opt.sock_state_cb = sock_state;
    opt.sock_state_cb_data = r;
    opt.timeout = timeout_ms ? timeout_ms : 2000;
    opt.tries = tries ? tries : 2;
    st = ares_init_options(&r->ch, &opt,
                           ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    if (st != ARES_SUCCESS) {
        free(r);
        *status = status_of(st);
        return NULL;
    }
    *status = 0;
    return r;
}

void
hw_resolver_free(struct hw_resolver *r)
{
    if (r == NULL)
        return;
    /* ares_destroy() fires every pending callback with ARES_EDESTRUCTION;
     * the answers held back for the next process call are cancelled too. */
    ares_destroy(r->ch);
    deliver_deferred(r, true);
    free(r->socks);
    free(r);
}

static void
addrinfo_done(void *arg, int status, int timeouts, struct ares_addrinfo *res)
{
    struct lookup *lk = arg;
    struct hw_addr addrs[LOOKUP_MAX_ADDRS];
    size_t n = 0;
    int st = status_of(status);

    (void)timeouts;
    if (st == 0 && res != NULL) {
        /* Requested family first; with AF_UNSPEC, IPv4 before IPv6. */
        for (int pass = 0; pass < 2; pass++) {
            int want = pass == 0 ? AF_INET : AF_INET6;

            if (lk->family != AF_UNSPEC && lk->family != want)
                continue;
            for (struct ares_addrinfo_node *ai = res->nodes; ai != NULL; ai = ai->ai_next) {
                struct hw_addr a;
                bool dup = false;

                if (ai->ai_family != want || n == LOOKUP_MAX_ADDRS ||
                    hw_addr_from_sockaddr(ai->ai_addr, ai->ai_addrlen, &a) < 0)
                    continue;
                for (size_t i = 0; i < n && !dup; i++)
                    dup = hw_addr_equal(&addrs[i], &a);
                if (!dup)
                    addrs[n++] = a;
            }
        }
        if (n == 0)
            st = HW_ENOADDR;
    }
    if (res != NULL)
        ares_freeaddrinfo(res);
    lk->r->pending--;
    lk->fwd(lk->arg, st, st == 0 ? addrs : NULL, st == 0 ? n : 0);
    free(lk);
}

int
hw_resolver_lookup(struct hw_resolver *r, const char *name, int family, hw_lookup_cb cb,
                   void *arg)
{
    struct ares_addrinfo_hints hints;
    struct lookup *lk;
    struct hw_addr a;

    if (name == NULL || cb == NULL ||
        (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
        return HW_EINVAL;
    /* Numeric addresses need no query at all. */
    if (hw_addr_parse(name, &a) == 0) {
        if (family != AF_UNSPEC && family != a.family)
            cb(arg, HW_ENOADDR, NULL, 0);
        else
            cb(arg, 0, &a, 1);
        return 0;
    }
    /* A name that cannot be one is refused here, as hw_ping() refuses it,
     * rather than sent to the name servers (whose verdict varied). */
    if (!hw_is_hostname(name)) {
        cb(arg, HW_ENAME, NULL, 0);
        return 0;
    }
    lk = calloc(1, sizeof(*lk));
    if (lk == NULL)
        return -ENOMEM;
    lk->r = r;
    lk->family = family;
    lk->fwd = cb;
    lk->arg = arg;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_flags = ARES_AI_NOSORT;
    r->pending++;
    ares_getaddrinfo(r->ch, name, NULL, &hints, addrinfo_done, lk);
    return 0;
}

static void
hostbyaddr_done(void *arg, int status, int timeouts, struct hostent *he)
{
    struct lookup *lk = arg;
    int st = status_of(status);

    (void)timeouts;
    if (st == 0 && (he == NULL || he->h_name == NULL || he->h_name[0] == '\0'))
        st = HW_ENAME;
    if (lk->in_call) {
        /* Answered at once (the hosts file): keep it for the next
         * hw_resolver_process(), so the callback never runs inside
         * hw_resolver_reverse(). */
        lk->status = st;
        if (st == 0 && (lk->name = strdup(he->h_name)) == NULL)
            lk->status = -ENOMEM;
        lk->next = NULL;
        *lk->r->deferred_end = lk;
        lk->r->deferred_end = &lk->next;
        return;
    }
    lk->r->pending--;
    lk->rev(lk->arg, st, st == 0 ? he->h_name : NULL);
    free(lk);
}

/* Fire the reverse answers held back (cancelled: with HW_ECANCELLED).
 * Answers deferred by the callbacks themselves wait for the next call. */
static void
deliver_deferred(struct hw_resolver *r, bool cancelled)
{
    struct lookup *lk = r->deferred;

    r->deferred = NULL;
    r->deferred_end = &r->deferred;
    while (lk != NULL) {
        struct lookup *next = lk->next;
        int st = cancelled ? HW_ECANCELLED : lk->status;

        r->pending--;
        lk->rev(lk->arg, st, st == 0 ? lk->name : NULL);
        free(lk->name);
        free(lk);
        lk = next;
    }
}

int
hw_resolver_reverse(struct hw_resolver *r, const struct hw_addr *a, hw_reverse_cb cb, void *arg)
{
    struct lookup *lk;

    if (a == NULL || cb == NULL || (a->family != AF_INET && a->family != AF_INET6))
        return HW_EINVAL;
    lk = calloc(1, sizeof(*lk));
    if (lk == NULL)
        return -ENOMEM;
    lk->r = r;
    lk->rev = cb;
    lk->arg = arg;
    r->pending++;
    lk->in_call = true;
    if (a->family == AF_INET)
        ares_gethostbyaddr(r->ch, &a->u.v4, sizeof(a->u.v4), AF_INET, hostbyaddr_done, lk);
    else
        ares_gethostbyaddr(r->ch, &a->u.v6, sizeof(a->u.v6), AF_INET6, hostbyaddr_done, lk);
    /* Still ours either way: an answer that came at once was deferred, not
     * freed. */
    lk->in_call = false;
    return 0;
}

static void
txt_done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct lookup *lk = arg;
    struct ares_txt_ext *txt = NULL;
    char out[HW_TXT_MAX + 1];
    size_t len = 0;
    int st = status_of(status);

    (void)timeouts;
    if (st == 0 && ares_parse_txt_reply_ext(abuf, alen, &txt) != ARES_SUCCESS)
        st = HW_EDNS;
    if (st == 0 && txt == NULL)
        st = HW_ENAME;
    /* The strings of the first record, joined: a record is split into
     * strings of at most 255 bytes, and record_start marks where the
     * next one begins. */
    for (struct ares_txt_ext *t = txt; st == 0 && t != NULL; t = t->next) {
        if (t != txt && t->record_start)
            break;
        if (t->length > HW_TXT_MAX - len) {
            st = HW_EDNS;
            break;
        }
        memcpy(out + len, t->txt, t->length);
        len += t->length;
    }
    out[len] = '\0';
    if (txt != NULL)
        ares_free_data(txt);
    lk->r->pending--;
    lk->txt(lk->arg, st, st == 0 ? out : NULL, st == 0 ? len : 0);
    free(lk);
}

int
hw_resolver_txt(struct hw_resolver *r, const char *name, hw_txt_cb cb, void *arg)
{
    struct lookup *lk;

    if (r == NULL || name == NULL || cb == NULL)
        return HW_EINVAL;
    lk = calloc(1, sizeof(*lk));
    if (lk == NULL)
        return -ENOMEM;
    lk->r = r;
    lk->txt = cb;
    lk->arg = arg;
    r->pending++;
    /* ares_query, not ares_search: the name is complete, and search domains
     * would only multiply the queries a silent server makes us wait for.
     * Class IN (1), type TXT (16). */
    ares_query(r->ch, name, 1, 16, txt_done, lk);
    return 0;
}

size_t
hw_resolver_pollfds(const struct hw_resolver *r, struct pollfd *fds, size_t n)
{
    for (size_t i = 0; i < r->nsocks && i < n; i++) {
        fds[i].fd = r->socks[i].fd;
        fds[i].events = (short)((r->socks[i].read ? POLLIN : 0) |
                                (r->socks[i].write ? POLLOUT : 0));
        fds[i].revents = 0;
    }
    return r->nsocks;
}

int
hw_resolver_timeout_ms(const struct hw_resolver *r, int max_ms)
{
    struct timeval tv, *tvp;
    int64_t ms;

    if (r->pending == 0)
        return max_ms;
    if (r->deferred != NULL)
        return 0;
    tvp = ares_timeout(r->ch, NULL, &tv);
    if (tvp == NULL)
        return max_ms;
    ms = (int64_t)tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000;
    if (max_ms >= 0 && ms > max_ms)
        return max_ms;
    return ms > 1000000000 ? 1000000000 : (int)ms;
}

void
hw_resolver_process(struct hw_resolver *r, const struct pollfd *fds, size_t n)
{
    /* Collect first: ares_process_fd() can change r->socks under us. */
    struct {
        int fd;
        bool rd, wr;
    } ready[16];
    size_t nready = 0;

    for (size_t k = 0; k < n && nready < 16; k++) {
        for (size_t i = 0; i < r->nsocks; i++) {
            if (fds[k].fd != r->socks[i].fd || fds[k].revents == 0)
                continue;
            ready[nready].fd = fds[k].fd;
            ready[nready].rd = (fds[k].revents & (POLLIN | POLLERR | POLLHUP)) != 0;
            ready[nready].wr = (fds[k].revents & POLLOUT) != 0;
            nready++;
            break;
        }
    }
    for (size_t i = 0; i < nready; i++)
        ares_process_fd(r->ch, ready[i].rd ? ready[i].fd : ARES_SOCKET_BAD,
                        ready[i].wr ? ready[i].fd : ARES_SOCKET_BAD);
    /* And the timeouts. */
    ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    deliver_deferred(r, false);
}

size_t
hw_resolver_pending(const struct hw_resolver *r)
{
    return r->pending;
}

/* ---- blocking lookup ------------------------------------------------------ */

struct blocking {
    bool done;              /* the callback fired */
    int status;             /* its status */
    struct hw_addr *out;    /* caller's array */
    size_t max;             /* its size */
    size_t n;               /* addresses stored */
};

static void
blocking_done(void *arg, int status, const struct hw_addr *addrs, size_t n)
{
    struct blocking *b = arg;

    b->done = true;
    b->status = status;
    for (size_t i = 0; i < n && b->n < b->max; i++)
        b->out[b->n++] = addrs[i];
}

int
hw_resolve(const char *name, int family, struct hw_addr *out, size_t max, size_t *n)
{
    struct blocking b = {.out = out, .max = max};
    struct hw_resolver *r;
    int st;

    *n = 0;
    r = hw_resolver_new(0, 0, &st);
    if (r == NULL)
        return st;
    st = hw_resolver_lookup(r, name, family, blocking_done, &b);
    /* c-ares bounds every query by its timeout and tries, so this loop
     * ends; the iteration cap is a second fence. */
    for (int i = 0; st == 0 && !b.done && i < 100000; i++) {
        struct pollfd fds[16];
        size_t k = hw_resolver_pollfds(r, fds, 16);

        if (poll(fds, k < 16 ? k : 16, hw_resolver_timeout_ms(r, 1000)) < 0 && errno != EINTR)
            break;
        hw_resolver_process(r, fds, k < 16 ? k : 16);
    }
    hw_resolver_free(r);
    if (st < 0)
        return st;
    if (!b.done)
        return HW_EDNS;
    *n = b.n;
    return b.status;
}
