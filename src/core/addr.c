/* addr.c - struct hw_addr: parsing, formatting, comparing and converting
 * IPv4/IPv6 addresses, and classifying user input as address or host name.
 */
#include <hopwatch/addr.h>
#include <hopwatch/error.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

/* Longest DNS name in text form without the optional trailing dot
 * (RFC 1035's 255 octets on the wire minus length bytes and root). */
#define HW__HOSTNAME_MAX 253
/* Longest label of a DNS name (RFC 1035 section 2.3.4). */
#define HW__LABEL_MAX 63

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Parse a numeric scope: decimal digits only (no sign, no spaces, no hex),
 * value 1..UINT32_MAX.  Zero is refused because it is the "no scope" value
 * of struct hw_addr and no interface has index 0; a text that said "%0"
 * would not survive a format/parse round trip. */
static bool scope_number(const char *s, uint32_t *out)
{
    uint64_t v = 0;

    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (!is_digit(*s))
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX)
            return false;
    }
    if (v == 0)
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        if (!is_digit(*s))
            return false;
    }
    return true;
}

/* True when s could be a Linux interface name: the kernel's own rule
 * (dev_valid_name) is 1..IF_NAMESIZE-1 bytes, not "." or "..", and no '/',
 * ':' or white space.  We also refuse '%' and anything outside printable
 * ASCII, which no sane interface is called and which would make the text
 * form ambiguous. */
static bool ifname_syntax(const char *s)
{
    size_t len = strlen(s);

    if (len == 0 || len >= IF_NAMESIZE)
        return false;
    if (strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
        return false;
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= ' ' || c >= 0x7f || c == '/' || c == ':' || c == '%')
            return false;
    }
    return true;
}

/* Syntax of the text after '%': a number or a possible interface name.  An
 * all-digit scope is always taken as a number, even though Linux would let
 * an interface be called "5"; getaddrinfo() makes the same choice. */
static bool scope_syntax(const char *s)
{
    uint32_t v;

    if (all_digits(s))
        return scope_number(s, &v);
    return ifname_syntax(s);
}

/* Split "addr%scope" into a NUL-terminated copy of the address part in host
 * (size INET6_ADDRSTRLEN) and a pointer to the scope text (NULL when there
 * is no '%').  False when the address part cannot be an IPv6 address
 * because it is too long. */
static bool split_scope(const char *text, char host[INET6_ADDRSTRLEN], const char **scope)
{
    const char *pct = strchr(text, '%');
    size_t len = pct != NULL ? (size_t)(pct - text) : strlen(text);

    if (len >= INET6_ADDRSTRLEN)
        return false;
    memcpy(host, text, len);
    host[len] = '\0';
    *scope = pct != NULL ? pct + 1 : NULL;
    return true;
}

/* IPv4 follows inet_pton(AF_INET) exactly, because that is what the
 * kernel-facing code and every other tool the user compares us with do:
 * exactly four decimal parts 0..255, no leading zeros ("01.2.3.4" is
 * refused, glibc and musl both do so because the value would be octal to
 * inet_aton), no shorthand ("1.2.3", "127.1"), no hex, no spaces, no
 * trailing dot.  IPv6 is inet_pton(AF_INET6) plus an optional "%scope". */
int hw_addr_parse(const char *text, struct hw_addr *out)
{
    struct hw_addr a;
    char host[INET6_ADDRSTRLEN];
    const char *scope;

    if (text == NULL || out == NULL)
        return HW_EINVAL;
    memset(&a, 0, sizeof a);

    if (inet_pton(AF_INET, text, &a.u.v4) == 1) {
        a.family = AF_INET;
        *out = a;
        return 0;
    }

    if (!split_scope(text, host, &scope))
        return HW_EINVAL;
    if (inet_pton(AF_INET6, host, &a.u.v6) != 1)
        return HW_EINVAL;
    if (scope != NULL) {
        if (all_digits(scope)) {
            if (!scope_number(scope, &a.scope_id))
                return HW_EINVAL;
        } else {
            /* if_nametoindex() returns 0 for a name the kernel does not
             * know; a name that is not even valid syntax is refused first
             * so that no absurd string reaches the ioctl. */
            if (!ifname_syntax(scope))
                return HW_EINVAL;
            a.scope_id = if_nametoindex(scope);
            if (a.scope_id == 0)
                return HW_EINVAL;
        }
    }
    a.family = AF_INET6;
    *out = a;
    return 0;
}

/* On any failure (not an address, buffer too small) the result is "?"
 * rather than a truncated address, which could be mistaken for a different
 * but valid one.  The scope suffix is printed as a number: the interface
 * name could have changed since the address was parsed, the index cannot. */
char *hw_addr_format(const struct hw_addr *a, char *buf, size_t size)
{
    char tmp[HW_ADDRSTRLEN];
    bool ok = false;

    if (buf == NULL || size == 0)
        return buf;

    if (a != NULL && a->family == AF_INET) {
        ok = inet_ntop(AF_INET, &a->u.v4, tmp, sizeof tmp) != NULL;
    } else if (a != NULL && a->family == AF_INET6) {
        ok = inet_ntop(AF_INET6, &a->u.v6, tmp, sizeof tmp) != NULL;
        if (ok && a->scope_id != 0) {
            size_t len = strlen(tmp);
            int n = snprintf(tmp + len, sizeof tmp - len, "%%%" PRIu32, a->scope_id);
            ok = n > 0 && (size_t)n < sizeof tmp - len;
        }
    }

    if (ok && strlen(tmp) < size) {
        memcpy(buf, tmp, strlen(tmp) + 1);
    } else {
        /* "?" or, with size 1, the empty string. */
        buf[0] = size > 1 ? '?' : '\0';
        if (size > 1)
            buf[1] = '\0';
    }
    return buf;
}

/* scope_id only means something for IPv6, so it is compared only there.
 * Two AF_UNSPEC values ("no address") are equal to each other; a value of
 * any other family is equal to nothing, not even to itself. */
bool hw_addr_equal(const struct hw_addr *a, const struct hw_addr *b)
{
    if (a == NULL || b == NULL || a->family != b->family)
        return false;
    switch (a->family) {
    case AF_UNSPEC:
        return true;
    case AF_INET:
        return a->u.v4.s_addr == b->u.v4.s_addr;
    case AF_INET6:
        return memcmp(&a->u.v6, &b->u.v6, sizeof a->u.v6) == 0 && a->scope_id == b->scope_id;
    default:
        return false;
    }
}

/* The whole of *ss is zeroed first so that no stale bytes (sin_zero,
 * sin6_flowinfo) reach the kernel.  The structures are built on the stack
 * and copied in, which keeps us clear of strict-aliasing questions. */
socklen_t hw_addr_to_sockaddr(const struct hw_addr *a, uint16_t port,
                              struct sockaddr_storage *ss)
{
    if (ss == NULL)
        return 0;
    memset(ss, 0, sizeof *ss);
    if (a == NULL)
        return 0;

    if (a->family == AF_INET) {
        struct sockaddr_in sin;

        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(port);
        sin.sin_addr = a->u.v4;
        memcpy(ss, &sin, sizeof sin);
        return (socklen_t)sizeof sin;
    }
    if (a->family == AF_INET6) {
        struct sockaddr_in6 sin6;

        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(port);
        sin6.sin6_addr = a->u.v6;
        sin6.sin6_scope_id = a->scope_id;
        memcpy(ss, &sin6, sizeof sin6);
        return (socklen_t)sizeof sin6;
    }
    return 0;
}

/* len is trusted only as far as it goes: the family field and then the
 * whole family-specific structure must fit in it before anything is read.
 * The port is dropped (struct hw_addr has none); an IPv4-mapped IPv6
 * address stays IPv6. */
int hw_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len,
                          struct hw_addr *out)
{
    sa_family_t family;
    struct hw_addr a;

    if (sa == NULL || out == NULL)
        return HW_EINVAL;
    if ((size_t)len < offsetof(struct sockaddr, sa_family) + sizeof family)
        return HW_EINVAL;
    memcpy(&family, (const char *)sa + offsetof(struct sockaddr, sa_family), sizeof family);
    memset(&a, 0, sizeof a);

    if (family == AF_INET) {
        struct sockaddr_in sin;

        if ((size_t)len < sizeof sin)
            return HW_EINVAL;
        memcpy(&sin, sa, sizeof sin);
        a.family = AF_INET;
        a.u.v4 = sin.sin_addr;
    } else if (family == AF_INET6) {
        struct sockaddr_in6 sin6;

        if ((size_t)len < sizeof sin6)
            return HW_EINVAL;
        memcpy(&sin6, sa, sizeof sin6);
        a.family = AF_INET6;
        a.u.v6 = sin6.sin6_addr;
        a.scope_id = sin6.sin6_scope_id;
    } else {
        return HW_EINVAL;
    }
    *out = a;
    return 0;
}

bool hw_is_ipv4_address(const char *text)
{
    struct in_addr v4;

    return text != NULL && inet_pton(AF_INET, text, &v4) == 1;
}

/* Purely syntactic, so the answer does not depend on the interfaces of the
 * machine: "fe80::1%eth9" is an IPv6 address even where eth9 does not exist
 * (hw_addr_parse() will then refuse it, with a clearer reason than "not a
 * host name"). */
bool hw_is_ipv6_address(const char *text)
{
    struct in6_addr v6;
    char host[INET6_ADDRSTRLEN];
    const char *scope;

    if (text == NULL || !split_scope(text, host, &scope))
        return false;
    if (inet_pton(AF_INET6, host, &v6) != 1)
        return false;
    return scope == NULL || scope_syntax(scope);
}

/* RFC 1123 section 2.1 host names: dot-separated labels of 1..63 letters,
 * digits and hyphens, neither starting nor ending with a hyphen, at most 253
 * characters, one trailing dot (the root) allowed.  RFC 1123 also says a
 * valid host name can never have the dotted-decimal form #.#.#.#; we apply
 * the stronger rule of RFC 3696 section 2 (no TLD is all-numeric), so any
 * name whose last label is all digits is refused: "1.2.3.4", "999.1.1.1",
 * "10.1" and "42" are malformed addresses, not names to look up. */
bool hw_is_hostname(const char *text)
{
    size_t len, label = 0;
    bool last_numeric = true;

    if (text == NULL)
        return false;
    len = strlen(text);
    if (len > 0 && text[len - 1] == '.')
        len--;
    if (len == 0 || len > HW__HOSTNAME_MAX)
        return false;

    for (size_t i = 0; i < len; i++) {
        char c = text[i];

        if (c == '.') {
            /* End of a label: empty labels ("a..b", ".a") and labels that
             * end with a hyphen are refused here. */
            if (label == 0 || text[i - 1] == '-')
                return false;
            label = 0;
            last_numeric = true;
            continue;
        }
        if (c == '-') {
            if (label == 0)
                return false;
            last_numeric = false;
        } else if (is_alpha(c)) {
            last_numeric = false;
        } else if (!is_digit(c)) {
            return false;
        }
        if (++label > HW__LABEL_MAX)
            return false;
    }
    /* The last label (len > 0 and text[len - 1] is not '.', unless the
     * name was ".." or ended in "..", which label == 0 catches). */
    if (label == 0 || text[len - 1] == '-')
        return false;
    return !last_numeric;
}
