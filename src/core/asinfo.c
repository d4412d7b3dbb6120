/* asinfo.c - the origin AS answers: parsing Team Cymru's TXT format (bytes
 * from whoever runs the zone: every field checked, every length bounded)
 * and the query names.  Pure: no I/O, fuzzed (tests/fuzz/fuzz_asn.c).  See
 * hopwatch/asn.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <hopwatch/asn.h>
#include <hopwatch/error.h>

/* Fields of an origin answer, and of a name answer. */
#define ORIGIN_FIELDS 5
#define NAME_FIELDS 5

/* One '|'-separated field of an answer, trimmed of blanks. */
struct field {
    const char *p;  /* first byte */
    size_t n;       /* bytes */
};

/* Split txt into at most max fields; the last one takes the rest of the
 * text ('|' included).  Returns the number of fields. */
static size_t
split(const char *txt, size_t len, struct field *f, size_t max)
{
    size_t nf = 0, start = 0;

    for (size_t i = 0; i <= len && nf < max; i++) {
        if (i < len && (txt[i] != '|' || nf == max - 1))
            continue;
        f[nf].p = txt + start;
        f[nf].n = i - start;
        while (f[nf].n > 0 && (f[nf].p[0] == ' ' || f[nf].p[0] == '\t')) {
            f[nf].p++;
            f[nf].n--;
        }
        while (f[nf].n > 0 && (f[nf].p[f[nf].n - 1] == ' ' || f[nf].p[f[nf].n - 1] == '\t'))
            f[nf].n--;
        nf++;
        start = i + 1;
    }
    return nf;
}

/* The AS numbers field: digits, several numbers space apart; the first in
 * *asn.  Returns false for anything else (the whole answer is then not
 * trusted: it is the one field we must get right). */
static bool
parse_asn_field(const struct field *f, uint32_t *asn)
{
    bool first = true;
    size_t i = 0;

    if (f->n == 0)
        return false;
    while (i < f->n) {
        uint64_t v = 0;
        size_t digits = 0;

        while (i < f->n && f->p[i] >= '0' && f->p[i] <= '9') {
            v = v * 10 + (uint64_t)(f->p[i] - '0');
            if (++digits > 10)
                return false;
            i++;
        }
        if (digits == 0 || v == 0 || v > UINT32_MAX)
            return false;
        if (first)
            *asn = (uint32_t)v;
        first = false;
        if (i < f->n && f->p[i] != ' ')
            return false;
        while (i < f->n && f->p[i] == ' ')
            i++;
    }
    return true;
}

/* Copy field f into out (len bytes) when it fits and every byte is one of
 * allowed; else leave out empty. */
static void
word_field(const struct field *f, const char *allowed, char *out, size_t len)
{
    out[0] = '\0';
    if (f == NULL || f->n >= len)
        return;
    for (size_t i = 0; i < f->n; i++) {
        if (f->p[i] == '\0' || strchr(allowed, f->p[i]) == NULL)
            return;
    }
    memcpy(out, f->p, f->n);
    out[f->n] = '\0';
}

#define DIGITS "0123456789"
#define LETTERS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

int
hw_asinfo_parse_origin(const char *txt, size_t len, struct hw_asinfo *out)
{
    struct field f[ORIGIN_FIELDS];
    size_t nf;

    memset(out, 0, sizeof(*out));
    out->state = HW_AS_NONE;
    if (txt == NULL || len == 0 || len > HW_TXT_MAX)
        return HW_EINVAL;
    nf = split(txt, len, f, ORIGIN_FIELDS);
    if (!parse_asn_field(&f[0], &out->asn)) {
        out->asn = 0;
        return HW_EINVAL;
    }
    word_field(nf > 1 ? &f[1] : NULL, DIGITS "abcdefABCDEF.:/", out->prefix,
               sizeof(out->prefix));
    word_field(nf > 2 ? &f[2] : NULL, LETTERS, out->cc, sizeof(out->cc));
    word_field(nf > 3 ? &f[3] : NULL, LETTERS DIGITS "-", out->registry, sizeof(out->registry));
    /* The last field takes the rest of the text: a fifth '|' makes the date
     * malformed, and it is dropped. */
    word_field(nf > 4 ? &f[4] : NULL, DIGITS "-", out->date, sizeof(out->date));
    out->state = HW_AS_FOUND;
    return 0;
}

int
hw_asinfo_parse_name(const char *txt, size_t len, uint32_t asn, char *name, size_t namelen)
{
    struct field f[NAME_FIELDS];
    uint32_t got = 0;
    size_t nf, n, o = 0;

    if (namelen == 0)
        return HW_EINVAL;
    name[0] = '\0';
    if (txt == NULL || len == 0 || len > HW_TXT_MAX)
        return HW_EINVAL;
    nf = split(txt, len, f, NAME_FIELDS);
    if (nf < NAME_FIELDS || !parse_asn_field(&f[0], &got) || got != asn || f[4].n == 0)
        return HW_EINVAL;
    /* Free text written by the AS's owner: only printable ASCII is kept,
     * every other byte (ESC, newlines, NUL, UTF-8) becomes '?'. */
    n = f[4].n < namelen - 1 ? f[4].n : namelen - 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)f[4].p[i];

        name[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    name[o] = '\0';
    return 0;
}

int
hw_asinfo_query_name(const struct hw_addr *a, const char *zone, char *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    int n;

    if (a == NULL || zone == NULL || len == 0)
        return HW_EINVAL;
    if (a->family == AF_INET) {
        const unsigned char *b = (const unsigned char *)&a->u.v4;

        n = snprintf(buf, len, "%u.%u.%u.%u.%s", b[3], b[2], b[1], b[0], zone);
        return n < 0 || (size_t)n >= len ? HW_EINVAL : 0;
    }
    if (a->family != AF_INET6 || len < 64 + strlen(zone) + 1)
        return HW_EINVAL;
    for (int i = 15; i >= 0; i--) {
        unsigned char byte = a->u.v6.s6_addr[i];

        buf[o++] = hex[byte & 0xf];
        buf[o++] = '.';
        buf[o++] = hex[byte >> 4];
        buf[o++] = '.';
    }
    memcpy(buf + o, zone, strlen(zone) + 1);
    return 0;
}
