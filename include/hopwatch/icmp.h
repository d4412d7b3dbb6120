/* hopwatch/icmp.h - what ICMP and ICMPv6 answers mean.
 *
 * One table maps every destination-unreachable and time-exceeded code (and
 * the other error types) of both families to a short message.
 */
#ifndef HOPWATCH_ICMP_H
#define HOPWATCH_ICMP_H

#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A short lower-case message for an ICMP (family AF_INET) or ICMPv6
 * (AF_INET6) type and code, e.g. "administratively prohibited" or
 * "TTL exceeded in transit".  An unknown code of a known type gets the
 * type's message with ", unknown code"; an unknown type "unknown ICMP
 * message".  Never NULL; static. */
const char *hw_icmp_message(int family, int type, int code);

/* A terse mark for traceroute-style output ("!N", "!H", "!X", "!P", ...), or
 * "" when the answer is not an unreachable.  Static. */
const char *hw_icmp_mark(int family, int type, int code);

#ifdef __cplusplus
}
#endif

#endif
