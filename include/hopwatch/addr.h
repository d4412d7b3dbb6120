/* hopwatch/addr.h - IPv4/IPv6 addresses as plain values.
 *
 * struct hw_addr is a small value type (copy it freely) used for every
 * destination, source and responder in the library.
 */
#ifndef HOPWATCH_ADDR_H
#define HOPWATCH_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest text form of an address, with its terminating NUL (IPv6 with a
 * scope suffix). */
#define HW_ADDRSTRLEN 64

struct hw_addr {
    int family;            /* AF_INET, AF_INET6, or AF_UNSPEC for "none" */
    union {
        struct in_addr v4; /* when family == AF_INET */
        struct in6_addr v6;/* when family == AF_INET6 */
    } u;
    uint32_t scope_id;     /* IPv6 link-local scope (interface index), else 0 */
};

/* Parse a numeric IPv4 or IPv6 address (no names, no ports).  A "%scope"
 * suffix is accepted for IPv6.  Returns 0, or HW_EINVAL when text is not a
 * valid address; *out is written only on success. */
int hw_addr_parse(const char *text, struct hw_addr *out);

/* Write the numeric text form of a into buf (size >= HW_ADDRSTRLEN is always
 * enough).  Returns buf, or "?" copied into buf if a is not an address. */
char *hw_addr_format(const struct hw_addr *a, char *buf, size_t size);

/* True when a and b are the same family and address (scope included). */
bool hw_addr_equal(const struct hw_addr *a, const struct hw_addr *b);

/* Fill a sockaddr for a (port in host order).  Returns the length to pass to
 * the socket call, or 0 if a has no family. */
socklen_t hw_addr_to_sockaddr(const struct hw_addr *a, uint16_t port,
                              struct sockaddr_storage *ss);

/* Read an address out of a sockaddr.  Returns 0 or HW_EINVAL for a family
 * other than AF_INET/AF_INET6 or a short length. */
int hw_addr_from_sockaddr(const struct sockaddr *sa, socklen_t len,
                          struct hw_addr *out);

/* Classifiers, stricter than icmplib's: "999.1.1.1" is not an IPv4 address
 * and "1.2.3" is not either (inet_pton rules, no shorthand forms). */
bool hw_is_ipv4_address(const char *text);
bool hw_is_ipv6_address(const char *text);
/* A syntactically valid DNS host name (RFC 1123 labels, total <= 253, not an
 * all-numeric dotted string). */
bool hw_is_hostname(const char *text);

#ifdef __cplusplus
}
#endif

#endif
