/* hopwatch/asn.h - the origin AS (number, prefix, country, registry, date,
 * name) of addresses, from DNS TXT records in Team Cymru's format, looked up
 * asynchronously through a resolver and cached.
 *
 * The origin of 198.51.100.7 is the TXT record of 7.100.51.198.<zone4>
 * ("64496 | 198.51.100.0/24 | ZZ | arin | 2001-01-01"), that of an IPv6
 * address the TXT record of its 32 nibbles, reversed, under <zone6>; the
 * AS's name is in the TXT record of AS<n>.<name zone>
 * ("64496 | ZZ | arin | 2001-01-01 | EXAMPLE-NET - Example"). */
#ifndef HOPWATCH_ASN_H
#define HOPWATCH_ASN_H

#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>
#include <hopwatch/resolve.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The well-known zones (Team Cymru's). */
#define HW_AS_ZONE4 "origin.asn.cymru.com"
#define HW_AS_ZONE6 "origin6.asn.cymru.com"
#define HW_AS_NAME_ZONE "asn.cymru.com"

/* Buffer sizes of struct hw_asinfo's text fields, NUL included. */
#define HW_AS_PREFIX_MAX 48  /* "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128" */
#define HW_AS_WORD_MAX 16    /* country code, registry, date */
#define HW_AS_NAME_MAX 96    /* the AS's name, cut to this */

/* Where an address's lookup stands. */
enum hw_as_state {
    HW_AS_PENDING = 0,  /* being looked up, nothing known yet */
    HW_AS_FOUND,        /* asn and the fields below hold the answer */
    HW_AS_NONE,         /* no answer: no record, a malformed one, a server
                           that failed or did not answer in time */
};

/* What is known of an address's origin.  Every text field is printable
 * ASCII (0x20..0x7e) or empty when unknown. */
struct hw_asinfo {
    enum hw_as_state state;           /* where the lookup stands */
    uint32_t asn;                     /* origin AS number (FOUND), else 0 */
    char prefix[HW_AS_PREFIX_MAX];    /* the announced prefix, "" unknown */
    char cc[HW_AS_WORD_MAX];          /* country code, "" unknown */
    char registry[HW_AS_WORD_MAX];    /* registry ("ripencc"), "" unknown */
    char date[HW_AS_WORD_MAX];        /* allocation date, "" unknown */
    char name[HW_AS_NAME_MAX];        /* the AS's name, "" unknown or pending */
};

/* The fields -y selects (mtr's --ipinfo numbers, and the name). */
enum hw_as_field {
    HW_AS_FIELD_ASN = 0,      /* "AS64496" */
    HW_AS_FIELD_PREFIX,       /* "198.51.100.0/24" */
    HW_AS_FIELD_CC,           /* "ZZ" */
    HW_AS_FIELD_REGISTRY,     /* "arin" */
    HW_AS_FIELD_DATE,         /* "2001-01-01" */
    HW_AS_FIELD_NAME,         /* "EXAMPLE-NET - Example" */
    HW_AS_FIELDS              /* how many */
};

/* Parse an origin TXT answer (len bytes, any bytes) into out: the first AS
 * number of the first field (several, space apart, when more than one AS
 * announces the prefix), then prefix, country, registry and date.  The AS
 * number must be there and be digits only (1..4294967295); a later field
 * that is too long or holds characters it cannot hold (control characters,
 * spaces inside a word, ...) is left empty rather than trusted.  Returns 0
 * with out->state HW_AS_FOUND, or HW_EINVAL (out->state HW_AS_NONE). */
int hw_asinfo_parse_origin(const char *txt, size_t len, struct hw_asinfo *out);

/* Parse an AS-name TXT answer ("asn | cc | registry | date | name") for
 * AS asn: the name, made printable (other bytes become '?'), trimmed and
 * cut to namelen - 1 bytes, into name.  Returns 0, or HW_EINVAL when the
 * answer is not for asn or has no name (name is then ""). */
int hw_asinfo_parse_name(const char *txt, size_t len, uint32_t asn, char *name,
                         size_t namelen);

/* Write the name queried for a's origin under zone into buf (len bytes).
 * Returns 0, or HW_EINVAL (not IPv4/IPv6, or no room). */
int hw_asinfo_query_name(const struct hw_addr *a, const char *zone, char *buf, size_t len);

/* ---- the cache ------------------------------------------------------------ */

/* Send one TXT query (hw_resolver_txt's contract: the callback fires
 * exactly once when this returns 0). */
typedef int (*hw_as_query_fn)(void *arg, const char *name, hw_txt_cb cb, void *cb_arg);

/* Settings of a cache; zero (or NULL) members take the defaults. */
struct hw_as_config {
    const char *zone4;        /* IPv4 origin zone, NULL: HW_AS_ZONE4 */
    const char *zone6;        /* IPv6 origin zone, NULL: HW_AS_ZONE6 */
    const char *name_zone;    /* AS-name zone, NULL: HW_AS_NAME_ZONE; "": no
                                 name lookups */
    size_t capacity;          /* most addresses kept, 0: 4096 */
    int64_t ttl_ms;           /* an answer is kept this long, 0: 1 hour */
    int64_t negative_ttl_ms;  /* no answer is kept this long, 0: 60 s */
    hw_as_query_fn query;     /* NULL: hw_resolver_txt() through the resolver */
    void *query_arg;          /* its argument */
    int64_t (*now_ms)(void *arg); /* the clock, NULL: CLOCK_MONOTONIC */
    void *now_arg;            /* its argument */
};

/* What a cache did, for tests and --show-memory. */
struct hw_as_counters {
    uint64_t queries;         /* TXT queries sent (origin and name) */
    uint64_t hits;            /* hw_as_get() answered from the cache alone */
    uint64_t evicted;         /* entries dropped to stay within capacity */
    size_t entries;           /* entries now */
};

struct hw_as;

/* Create a cache whose queries go through r (which must outlive it; NULL
 * only with cfg->query set).  cfg may be NULL (all defaults); its strings
 * are copied.  Returns NULL on allocation failure or a zone longer than
 * 200 bytes. */
struct hw_as *hw_as_new(struct hw_resolver *r, const struct hw_as_config *cfg);

/* Free the cache.  Its lookups still pending in the resolver are detached
 * from it (their answers are dropped).  NULL is accepted. */
void hw_as_free(struct hw_as *c);

/* What is known of a's origin, copied into *out (state PENDING while the
 * first lookup runs).  Starts a lookup when a was never asked for or its
 * entry has expired (an expired answer is still given while it is looked
 * up again).  Never waits.  Returns out->state. */
enum hw_as_state hw_as_get(struct hw_as *c, const struct hw_addr *a, struct hw_asinfo *out);

/* Lookups started by the cache and not answered yet. */
size_t hw_as_pending(const struct hw_as *c);

/* A counter that changes each time a lookup of the cache completes, so a
 * display knows when to redraw. */
uint64_t hw_as_generation(const struct hw_as *c);

/* The cache's counters. */
void hw_as_counters(const struct hw_as *c, struct hw_as_counters *out);

#ifdef __cplusplus
}
#endif

#endif
