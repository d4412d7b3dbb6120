/* hopwatch/resolve.h - name and address lookups through c-ares, inside the
 * caller's poll loop.
 *
 * A resolver is driven like an engine: hw_resolver_pollfds(),
 * hw_resolver_timeout_ms(), hw_resolver_process().  Numeric addresses are
 * answered without any query.  hw_resolve() is the blocking convenience.
 */
#ifndef HOPWATCH_RESOLVE_H
#define HOPWATCH_RESOLVE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hw_resolver;

/* Answer to a forward lookup: status 0 with n addresses (n >= 1, the
 * requested family first), or a negative status (HW_ENAME, HW_ENOADDR,
 * HW_EDNS, HW_ECANCELLED) with n == 0.  addrs is valid during the call. */
typedef void (*hw_lookup_cb)(void *arg, int status, const struct hw_addr *addrs, size_t n);

/* Answer to a reverse lookup: status 0 and the name, or a negative status
 * and NULL.  name is valid during the call. */
typedef void (*hw_reverse_cb)(void *arg, int status, const char *name);

/* Create a resolver reading the system's configuration (resolv.conf,
 * hosts).  timeout_ms is the per-try timeout (0: 2000) and tries the number
 * of tries per server (0: 2).  Returns NULL and sets *status on failure. */
struct hw_resolver *hw_resolver_new(int timeout_ms, int tries, int *status);

/* Cancel pending lookups (their callbacks fire with HW_ECANCELLED) and free
 * the resolver.  NULL is accepted. */
void hw_resolver_free(struct hw_resolver *r);

/* Look up name for family (AF_INET, AF_INET6, or AF_UNSPEC for both, IPv4
 * first).  The callback fires exactly once; for a numeric name, one found in
 * the hosts file, or one that is not a valid host name (hw_is_hostname(): it
 * gets HW_ENAME, as hw_ping() gives it, without asking any server), it may
 * fire before this returns.  Returns 0, or -ENOMEM (callback will not
 * fire). */
int hw_resolver_lookup(struct hw_resolver *r, const char *name, int family,
                       hw_lookup_cb cb, void *arg);

/* Look up the name of an address (PTR).  The callback fires exactly once,
 * and never before this returns: an answer found at once (the hosts file)
 * is held for the next hw_resolver_process() (hw_resolver_timeout_ms()
 * then says 0), or cancelled by hw_resolver_free().  Returns 0, or a
 * negative status (callback will not fire). */
int hw_resolver_reverse(struct hw_resolver *r, const struct hw_addr *a,
                        hw_reverse_cb cb, void *arg);

/* Answer to a TXT query: status 0 and the first TXT record's strings joined
 * into one (len bytes, NUL-terminated, at most HW_TXT_MAX bytes: longer
 * records are refused with HW_EDNS), or a negative status and NULL.  The
 * text is whatever the zone's owner wrote: bytes, not checked.  txt is valid
 * during the call. */
typedef void (*hw_txt_cb)(void *arg, int status, const char *txt, size_t len);

/* Longest TXT answer hw_resolver_txt() passes on. */
#define HW_TXT_MAX 1024

/* Look up the TXT record of name (taken as absolute: no search domains).
 * The callback fires exactly once; it may fire before this returns (no
 * server, no memory).  Returns 0, or a negative status (the callback will
 * not fire). */
int hw_resolver_txt(struct hw_resolver *r, const char *name, hw_txt_cb cb, void *arg);

/* Descriptors to poll, as hw_engine_pollfds(). */
size_t hw_resolver_pollfds(const struct hw_resolver *r, struct pollfd *fds, size_t n);

/* Milliseconds until the resolver's next timeout, capped at max_ms when
 * max_ms >= 0; -1 with no lookup pending and max_ms < 0. */
int hw_resolver_timeout_ms(const struct hw_resolver *r, int max_ms);

/* Process ready descriptors in fds (others are skipped) and timeouts. */
void hw_resolver_process(struct hw_resolver *r, const struct pollfd *fds, size_t n);

/* Lookups whose callback has not fired yet. */
size_t hw_resolver_pending(const struct hw_resolver *r);

/* Blocking lookup: up to max addresses of family into out, count in *n.
 * Returns 0 or a negative status as in hw_lookup_cb (HW_ENAME for a name
 * that does not exist or cannot be one).  It makes and frees a resolver of
 * its own, so several threads may call it at once. */
int hw_resolve(const char *name, int family, struct hw_addr *out, size_t max, size_t *n);

/* ---- A cache of reverse names ------------------------------------------
 * Filled asynchronously through a resolver: asking for a name that is not
 * known starts one lookup and answers NULL for now; the name appears in a
 * later call once the answer is in.  Failed lookups are remembered too, so
 * an address is looked up once. */
struct hw_names;

/* Create a cache that looks names up through r (which must outlive it).
 * Returns NULL on allocation failure. */
struct hw_names *hw_names_new(struct hw_resolver *r);

/* Free the cache.  Lookups it started still pending in the resolver are
 * detached from it.  NULL is accepted. */
void hw_names_free(struct hw_names *n);

/* The name of a when known; NULL while unknown, pending or failed.  Starts a
 * lookup the first time a is asked for.  The string belongs to the cache and
 * stays valid until the cache is freed. */
const char *hw_names_get(struct hw_names *n, const struct hw_addr *a);

/* Lookups started by the cache and not answered yet. */
size_t hw_names_pending(const struct hw_names *n);

/* A counter that changes each time a lookup of the cache completes, so a
 * display knows when to redraw. */
uint64_t hw_names_generation(const struct hw_names *n);

#ifdef __cplusplus
}
#endif

#endif
