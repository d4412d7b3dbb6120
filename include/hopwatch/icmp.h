/* hopwatch/icmp.h - what ICMP and ICMPv6 answers mean.
 *
 * One table maps every destination-unreachable and time-exceeded code (and
 * the other error types) of both families to a short message; a typed
 * classification (enum hw_icmp_reason) gives each meaning one value, and
 * hw_icmp_status() is icmplib's raise_for_status() as a status code.
 */
#ifndef HOPWATCH_ICMP_H
#define HOPWATCH_ICMP_H

#include <stdbool.h>
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

/* What an ICMP or ICMPv6 answer means, one value per meaning whatever the
 * family (ICMP unreachable code 3 and ICMPv6 unreachable code 4 are both
 * HW_ICMP_PORT_UNREACHABLE).  hw_icmp_classify() turns (family, type, code)
 * into one of these; the text of an answer is still hw_icmp_message(). */
enum hw_icmp_reason {
    HW_ICMP_ECHO_REPLY = 0,            /* not an error: the destination answered */
    /* Destination unreachable (ICMP type 3, ICMPv6 type 1). */
    HW_ICMP_NET_UNREACHABLE,           /* ICMP 3/0 */
    HW_ICMP_HOST_UNREACHABLE,          /* ICMP 3/1 */
    HW_ICMP_PROTOCOL_UNREACHABLE,      /* ICMP 3/2 */
    HW_ICMP_PORT_UNREACHABLE,          /* ICMP 3/3, ICMPv6 1/4 */
    HW_ICMP_FRAG_NEEDED,               /* ICMP 3/4: fragmentation needed and DF set */
    HW_ICMP_SOURCE_ROUTE_FAILED,       /* ICMP 3/5 */
    HW_ICMP_NET_UNKNOWN,               /* ICMP 3/6: destination network unknown */
    HW_ICMP_HOST_UNKNOWN,              /* ICMP 3/7: destination host unknown */
    HW_ICMP_SOURCE_ISOLATED,           /* ICMP 3/8: source host isolated */
    HW_ICMP_NET_PROHIBITED,            /* ICMP 3/9: network administratively prohibited */
    HW_ICMP_HOST_PROHIBITED,           /* ICMP 3/10: host administratively prohibited */
    HW_ICMP_NET_UNREACHABLE_TOS,       /* ICMP 3/11: network unreachable for TOS */
    HW_ICMP_HOST_UNREACHABLE_TOS,      /* ICMP 3/12: host unreachable for TOS */
    HW_ICMP_COMM_PROHIBITED,           /* ICMP 3/13, ICMPv6 1/1: communication
                                          administratively prohibited */
    HW_ICMP_PRECEDENCE_VIOLATION,      /* ICMP 3/14: host precedence violation */
    HW_ICMP_PRECEDENCE_CUTOFF,         /* ICMP 3/15: precedence cutoff in effect */
    HW_ICMP_NO_ROUTE,                  /* ICMPv6 1/0: no route to destination */
    HW_ICMP_BEYOND_SCOPE,              /* ICMPv6 1/2: beyond scope of source address */
    HW_ICMP_ADDRESS_UNREACHABLE,       /* ICMPv6 1/3: address unreachable */
    HW_ICMP_SOURCE_POLICY_FAILED,      /* ICMPv6 1/5: source address failed
                                          ingress/egress policy */
    HW_ICMP_REJECT_ROUTE,              /* ICMPv6 1/6: reject route to destination */
    HW_ICMP_SOURCE_ROUTING_ERROR,      /* ICMPv6 1/7: error in source routing header */
    HW_ICMP_HEADERS_TOO_LONG,          /* ICMPv6 1/8: headers too long */
    HW_ICMP_UNREACHABLE_OTHER,         /* destination unreachable, a code not above */
    /* Time exceeded (ICMP type 11, ICMPv6 type 3). */
    HW_ICMP_TTL_EXCEEDED,              /* ICMP 11/0, ICMPv6 3/0: TTL / hop limit
                                          exceeded in transit */
    HW_ICMP_REASSEMBLY_EXCEEDED,       /* ICMP 11/1, ICMPv6 3/1: fragment reassembly
                                          time exceeded */
    HW_ICMP_TIME_EXCEEDED_OTHER,       /* time exceeded, a code not above */
    /* Other errors about a datagram we sent. */
    HW_ICMP_PACKET_TOO_BIG,            /* ICMPv6 type 2 */
    HW_ICMP_PARAMETER_PROBLEM,         /* ICMP type 12, ICMPv6 type 4, any code */
    HW_ICMP_SOURCE_QUENCH,             /* ICMP type 4 (obsolete) */
    HW_ICMP_OTHER,                     /* any other type, or an unknown family */
};

/* The meaning of an ICMP (family AF_INET) or ICMPv6 (AF_INET6) type and
 * code.  Every destination-unreachable and time-exceeded code has its own
 * value; unknown codes of those types give the type's _OTHER value. */
enum hw_icmp_reason hw_icmp_classify(int family, int type, int code);

/* A stable lower-case name for a reason ("echo-reply", "host-unreachable",
 * "ttl-exceeded", ...), for logs and machine-readable output; "other" for a
 * value outside the enum.  Static. */
const char *hw_icmp_reason_name(enum hw_icmp_reason reason);

/* True for the destination-unreachable reasons (HW_ICMP_NET_UNREACHABLE ..
 * HW_ICMP_UNREACHABLE_OTHER), respectively the time-exceeded ones. */
bool hw_icmp_reason_is_unreachable(enum hw_icmp_reason reason);
bool hw_icmp_reason_is_time_exceeded(enum hw_icmp_reason reason);

/* The status an answer of (family, type, code) stands for, as icmplib's
 * raise_for_status() decides which exception to raise: 0 for an echo reply,
 * HW_EUNREACH for destination unreachable, HW_ETIMEEXCEEDED for time
 * exceeded, HW_EICMP for any other type.  *reason (may be NULL) gets
 * hw_icmp_classify(family, type, code). */
int hw_icmp_status(int family, int type, int code, enum hw_icmp_reason *reason);

#ifdef __cplusplus
}
#endif

#endif
