/* targets.c - target words, target files and address ranges.  See
 * targets.h.  Everything here except cli_targets_read() and
 * cli_targets_gather() is pure: bytes in, results out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/exitcode.h"
#include "cli/targets.h"
#include "report/sanitize.h"

/* A host name has at most 253 characters (RFC 1035 with the dot dropped). */
#define NAME_MAX_CHARS 253
/* Most characters of an untrusted word quoted back in a message. */
#define QUOTE_MAX 48
/* Size of the pool's blocks of target words. */
#define POOL_BLOCK 65536

struct cli_pool_block {
    struct cli_pool_block *next; /* the block filled before this one */
    size_t used;                 /* bytes of data in use */
    size_t size;                 /* bytes of data */
    char data[];                 /* the words, each with its NUL */
};

static bool
is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* Quote n untrusted bytes into buf (len > QUOTE_MAX + 3) for a message:
 * sanitised as every printed word is (report_sanitize), cut with "..." past
 * QUOTE_MAX characters, so a message stays one printable line whatever the
 * input held. */
static const char *
quote(char *buf, size_t len, const char *s, size_t n)
{
    report_sanitize_n(s, n > QUOTE_MAX ? QUOTE_MAX : n, buf, len - 3);
    if (n > QUOTE_MAX)
        strcat(buf, "...");
    return buf;
}

static bool
digits_and_dots(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((*s < '0' || *s > '9') && *s != '.')
            return false;
    }
    return true;
}

enum cli_line
cli_target_line(const char *line, size_t len, char *out, size_t outlen, char *why,
                size_t whylen)
{
    char q[QUOTE_MAX + 8], q2[QUOTE_MAX + 8];
    size_t b = 0, e, w, n;
    struct hw_addr a;

    out[0] = '\0';
    why[0] = '\0';
    /* A comment runs from '#' to the end of the line. */
    e = len;
    for (size_t i = 0; i < len; i++) {
        if (line[i] == '#') {
            e = i;
            break;
        }
    }
    while (b < e && is_space((unsigned char)line[b]))
        b++;
    while (e > b && is_space((unsigned char)line[e - 1]))
        e--;
    if (b == e)
        return CLI_LINE_EMPTY;
    w = b;
    while (w < e && !is_space((unsigned char)line[w]))
        w++;
    n = w - b;
    if (w < e) {
        size_t b2 = w, w2;

        while (is_space((unsigned char)line[b2]))
            b2++;
        w2 = b2;
        while (w2 < e && !is_space((unsigned char)line[w2]))
            w2++;
        snprintf(why, whylen, "more than one word ('%s', then '%s'): one target per line",
                 quote(q, sizeof(q), line + b, n), quote(q2, sizeof(q2), line + b2, w2 - b2));
        return CLI_LINE_BAD;
    }
    for (size_t i = b; i < w; i++) {
        unsigned char c = (unsigned char)line[i];

        if (c < 0x20 || c == 0x7f) {
            snprintf(why, whylen, "'%s' contains a control character",
                     quote(q, sizeof(q), line + b, n));
            return CLI_LINE_BAD;
        }
    }
    if (n > NAME_MAX_CHARS || n + 1 > outlen) {
        snprintf(why, whylen, "'%s' is too long (%zu characters; a host name has at most %d)",
                 quote(q, sizeof(q), line + b, n), n, NAME_MAX_CHARS);
        return CLI_LINE_BAD;
    }
    memcpy(out, line + b, n);
    out[n] = '\0';
    quote(q, sizeof(q), out, n);
    if (hw_addr_parse(out, &a) == 0)
        return CLI_LINE_TARGET;
    if (strchr(out, '/') != NULL)
        snprintf(why, whylen, "'%s' is an address range: give ranges with -g", q);
    else if (strchr(out, ':') != NULL)
        snprintf(why, whylen, "'%s' is not a valid IPv6 address", q);
    else if (digits_and_dots(out))
        snprintf(why, whylen, "'%s' is not a valid IPv4 address", q);
    else if (hw_is_hostname(out))
        return CLI_LINE_TARGET;
    else
        snprintf(why, whylen, "'%s' is not a valid host name or address", q);
    out[0] = '\0';
    return CLI_LINE_BAD;
}

/* ---- ranges --------------------------------------------------------------- */

/* The address's bytes (network order) into b; returns 4 or 16. */
static size_t
addr_bytes(const struct hw_addr *a, uint8_t b[16])
{
    if (a->family == AF_INET) {
        memcpy(b, &a->u.v4, 4);
        return 4;
    }
    memcpy(b, &a->u.v6, 16);
    return 16;
}

static void
bytes_addr(const uint8_t *b, const struct hw_addr *like, struct hw_addr *out)
{
    *out = *like;
    if (like->family == AF_INET)
        memcpy(&out->u.v4, b, 4);
    else
        memcpy(&out->u.v6, b, 16);
}

/* b += v, big-endian over n bytes (wrapping past the top, which the
 * callers never reach). */
static void
add_u64(uint8_t *b, size_t n, uint64_t v)
{
    unsigned carry = 0;

    for (size_t i = n; i-- > 0 && (v != 0 || carry != 0);) {
        unsigned s = b[i] + (unsigned)(v & 0xff) + carry;

        b[i] = (uint8_t)s;
        carry = s >> 8;
        v >>= 8;
    }
}

/* hi - lo over n bytes (hi >= lo) into *out; -1 when it does not fit in 64
 * bits. */
static int
sub_bytes(const uint8_t *hi, const uint8_t *lo, size_t n, uint64_t *out)
{
    uint8_t d[16];
    int borrow = 0;
    uint64_t v = 0;

    for (size_t i = n; i-- > 0;) {
        int x = hi[i] - lo[i] - borrow;

        borrow = x < 0;
        d[i] = (uint8_t)(x + (borrow ? 256 : 0));
    }
    for (size_t i = 0; i < n; i++) {
        if (n - i > 8 && d[i] != 0)
            return -1;
        if (n - i <= 8)
            v = v << 8 | d[i];
    }
    *out = v;
    return 0;
}

/* Parse a numeric address (the word is untrusted: quoted in messages). */
static int
parse_addr(const char *s, struct hw_addr *a, char *why, size_t whylen)
{
    char q[QUOTE_MAX + 8];

    if (hw_addr_parse(s, a) == 0)
        return 0;
    snprintf(why, whylen, "'%s' is not a numeric IPv4 or IPv6 address",
             quote(q, sizeof(q), s, strlen(s)));
    return -1;
}

static int
parse_cidr(const char *s, uint64_t max, struct cli_range *out, char *why, size_t whylen)
{
    char q[QUOTE_MAX + 8], abuf[HW_ADDRSTRLEN + 1], text[HW_ADDRSTRLEN];
    const char *slash = strchr(s, '/'), *p;
    uint8_t b[16];
    size_t n, bits, host;
    unsigned long plen = 0;
    uint64_t count;

    quote(q, sizeof(q), s, strlen(s));
    if (slash == NULL) {
        snprintf(why, whylen, "'%s' is not a prefix such as 198.19.0.0/24: -g takes a prefix, "
                              "or a first and a last address", q);
        return -1;
    }
    if ((size_t)(slash - s) >= sizeof(abuf)) {
        snprintf(why, whylen, "'%s' is not a numeric IPv4 or IPv6 address", q);
        return -1;
    }
    memcpy(abuf, s, (size_t)(slash - s));
    abuf[slash - s] = '\0';
    if (parse_addr(abuf, &out->first, why, whylen) < 0)
        return -1;
    n = addr_bytes(&out->first, b);
    bits = n * 8;
    p = slash + 1;
    if (*p == '\0' || strlen(p) > 3)
        plen = 999;
    for (; *p != '\0' && plen != 999; p++) {
        if (*p < '0' || *p > '9')
            plen = 999;
        else
            plen = plen * 10 + (unsigned long)(*p - '0');
    }
    if (plen > bits) {
        snprintf(why, whylen, "bad prefix length in '%s': expected 0 to %zu for %s", q, bits,
                 n == 4 ? "IPv4" : "IPv6");
        return -1;
    }
    host = bits - plen;
    /* Clear the host bits: 198.19.0.7/24 means 198.19.0.0/24, as in fping. */
    for (size_t i = 0; i < n; i++) {
        size_t lo = i * 8;

        if (lo >= plen)
            b[i] = 0;
        else if (lo + 8 > plen)
            b[i] &= (uint8_t)(0xff << (8 - (plen - lo)));
    }
    bytes_addr(b, &out->first, &out->first);
    hw_addr_format(&out->first, text, sizeof(text));
    if (host >= 64) {
        snprintf(why, whylen, "%s/%lu has 2^%zu addresses, more than the limit of %llu", text,
                 plen, host, (unsigned long long)max);
        return -1;
    }
    count = (uint64_t)1 << host;
    /* IPv4 prefixes shorter than /31 lose their network and broadcast
     * addresses, as fping's -g does (RFC 3021 makes /31 two hosts). */
    if (n == 4 && plen < 31) {
        count -= 2;
        add_u64(b, n, 1);
        bytes_addr(b, &out->first, &out->first);
    }
    if (count > max) {
        snprintf(why, whylen, "%s/%lu has %llu addresses, more than the limit of %llu", text,
                 plen, (unsigned long long)count, (unsigned long long)max);
        return -1;
    }
    out->count = count;
    return 0;
}

int
cli_range_parse(const char *start, const char *end, uint64_t max, struct cli_range *out,
                char *why, size_t whylen)
{
    char t1[HW_ADDRSTRLEN], t2[HW_ADDRSTRLEN];
    struct hw_addr last;
    uint8_t b1[16], b2[16];
    uint64_t d;
    size_t n;

    why[0] = '\0';
    if (end == NULL)
        return parse_cidr(start, max, out, why, whylen);
    if (parse_addr(start, &out->first, why, whylen) < 0 ||
        parse_addr(end, &last, why, whylen) < 0)
        return -1;
    hw_addr_format(&out->first, t1, sizeof(t1));
    hw_addr_format(&last, t2, sizeof(t2));
    if (out->first.family != last.family) {
        snprintf(why, whylen, "%s and %s are not of the same address family", t1, t2);
        return -1;
    }
    n = addr_bytes(&out->first, b1);
    addr_bytes(&last, b2);
    if (memcmp(b1, b2, n) > 0) {
        snprintf(why, whylen, "the range %s - %s starts after it ends", t1, t2);
        return -1;
    }
    if (sub_bytes(b2, b1, n, &d) < 0 || d >= max) {
        snprintf(why, whylen, "the range %s - %s has more than the limit of %llu addresses", t1,
                 t2, (unsigned long long)max);
        return -1;
    }
    out->count = d + 1;
    return 0;
}

void
cli_range_addr(const struct cli_range *r, uint64_t i, struct hw_addr *out)
{
    uint8_t b[16];
    size_t n = addr_bytes(&r->first, b);

    add_u64(b, n, i);
    bytes_addr(b, &r->first, out);
}

/* ---- the list --------------------------------------------------------------- */

void
cli_targets_init(struct cli_target_list *l)
{
    memset(l, 0, sizeof(*l));
}

void
cli_targets_free(struct cli_target_list *l)
{
    while (l->pool != NULL) {
        struct cli_pool_block *next = l->pool->next;

        free(l->pool);
        l->pool = next;
    }
    free(l->names);
    memset(l, 0, sizeof(*l));
}

int
cli_targets_add(struct cli_target_list *l, const char *name)
{
    size_t len = strlen(name) + 1;
    char *copy;

    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 64;
        const char **nn = realloc(l->names, ncap * sizeof(*nn));

        if (nn == NULL)
            return -ENOMEM;
        l->names = nn;
        l->cap = ncap;
    }
    if (l->pool == NULL || l->pool->size - l->pool->used < len) {
        size_t size = len > POOL_BLOCK ? len : POOL_BLOCK;
        struct cli_pool_block *blk = malloc(sizeof(*blk) + size);

        if (blk == NULL)
            return -ENOMEM;
        blk->next = l->pool;
        blk->used = 0;
        blk->size = size;
        l->pool = blk;
    }
    copy = l->pool->data + l->pool->used;
    memcpy(copy, name, len);
    l->pool->used += len;
    l->names[l->n++] = copy;
    return 0;
}

int
cli_targets_add_range(struct cli_target_list *l, const struct cli_range *r)
{
    char text[HW_ADDRSTRLEN];
    struct hw_addr a;

    for (uint64_t i = 0; i < r->count; i++) {
        cli_range_addr(r, i, &a);
        if (cli_targets_add(l, hw_addr_format(&a, text, sizeof(text))) < 0)
            return -ENOMEM;
    }
    return 0;
}

int
cli_targets_read(struct cli_target_list *l, FILE *in, const char *fname, FILE *err,
                 size_t *bad)
{
    /* One line's bytes and room for the byte that proves it too long. */
    char line[CLI_LINE_MAX + 1];
    char word[CLI_TARGET_MAX], why[256];
    size_t lineno = 0;
    int c = 0;

    *bad = 0;
    /* Read byte by byte from the stdio buffer into a fixed array, never
     * into a growing one: a file is untrusted, and /dev/zero or a newline
     * that never comes must end in an error, not in all of memory. */
    while (c != EOF) {
        size_t len = 0;
        const char *p = line;

        errno = 0;
        while ((c = getc(in)) != EOF && c != '\n') {
            if (len == CLI_LINE_MAX) {
                fprintf(err, "hopwatch: %s:%zu: line longer than %d bytes\n", fname,
                        lineno + 1, CLI_LINE_MAX);
                return -E2BIG;
            }
            line[len++] = (char)c;
        }
        if (c == EOF && ferror(in))
            return errno != 0 ? -errno : -EIO;
        if (c == EOF && len == 0)
            break;
        if (lineno == CLI_FILE_MAX_LINES) {
            fprintf(err, "hopwatch: %s: more than %d lines\n", fname, CLI_FILE_MAX_LINES);
            return -E2BIG;
        }
        lineno++;
        /* A UTF-8 byte order mark some editors write is not part of the
         * first target. */
        if (lineno == 1 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
            p += 3;
            len -= 3;
        }
        switch (cli_target_line(p, len, word, sizeof(word), why, sizeof(why))) {
        case CLI_LINE_TARGET:
            if (cli_targets_add(l, word) < 0)
                return -ENOMEM;
            break;
        case CLI_LINE_BAD:
            fprintf(err, "hopwatch: %s:%zu: %s\n", fname, lineno, why);
            (*bad)++;
            break;
        case CLI_LINE_EMPTY:
            break;
        }
    }
    return 0;
}

int
cli_targets_gather(const struct cli_options *o, const struct cli_range *r,
                   struct cli_target_list *l, FILE *err, size_t *bad_lines)
{
    bool from_stdin = false;

    *bad_lines = 0;
    if (o->generate) {
        if (cli_targets_add_range(l, r) < 0)
            goto nomem;
    } else {
        for (size_t i = 0; i < o->ntargets; i++) {
            if (cli_targets_add(l, o->targets[i]) < 0)
                goto nomem;
        }
    }
    for (size_t i = 0; i < o->nfiles; i++) {
        bool std = strcmp(o->files[i], "-") == 0;
        /* The file's name is quoted in messages: sanitised like a target. */
        char safe[1024];
        const char *name = std ? "stdin" : report_sanitize(o->files[i], safe, sizeof(safe));
        FILE *f = std ? stdin : fopen(o->files[i], "re");
        size_t bad = 0;
        int st;

        if (f == NULL) {
            fprintf(err, "hopwatch: cannot read %s: %s\n", name, strerror(errno));
            return CLI_EXIT_SYSTEM;
        }
        from_stdin = from_stdin || std;
        st = cli_targets_read(l, f, name, err, &bad);
        if (!std)
            fclose(f);
        if (st == -ENOMEM)
            goto nomem;
        if (st == -E2BIG)
            return CLI_EXIT_USAGE;
        if (st < 0) {
            fprintf(err, "hopwatch: cannot read %s: %s\n", name, strerror(-st));
            return CLI_EXIT_SYSTEM;
        }
        *bad_lines += bad;
    }
    if (l->n == 0) {
        if (*bad_lines > 0) {
            fprintf(err, "hopwatch: no valid target left to probe\n");
            return CLI_EXIT_NAME;
        }
        if (o->nfiles == 1) {
            char safe[1024];

            fprintf(err, "hopwatch: no target given: %s has none\n",
                    from_stdin ? "stdin" : report_sanitize(o->files[0], safe, sizeof(safe)));
        }
        else
            fprintf(err, "hopwatch: no target given: the target files have none\n");
        return CLI_EXIT_USAGE;
    }
    return 0;

nomem:
    fprintf(err, "hopwatch: out of memory\n");
    return CLI_EXIT_SYSTEM;
}
