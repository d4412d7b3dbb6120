/* icmpsock.h - the pure parts of the socket level (include/hopwatch/icmpsock.h):
 * turning what a socket delivered into an ICMP reply, and deciding whether
 * a reply answers a request.  No I/O, so unit tests drive them with bytes.
 */
#ifndef HW_CORE_ICMPSOCK_H
#define HW_CORE_ICMPSOCK_H

#include <stdbool.h>

#include <hopwatch/engine.h>
#include <hopwatch/icmpsock.h>

/* Parse one packet rx read from a socket of kind (HW_SOCK_ICMP_RAW or
 * HW_SOCK_ICMP_DGRAM) and family into *out.  True for an echo reply or an
 * ICMP error quoting an ICMP echo request (what receive returns); false,
 * with *out unspecified, for anything else: malformed or truncated packets,
 * bad checksums, other ICMP types, errors quoting other protocols, local
 * errors from the error queue. */
bool hw__icmp_reply_parse(int family, enum hw_sock_kind kind, const struct hw_rx *rx,
                          struct hw_icmp_reply *out);

/* True when reply answers request: same family, identifier and sequence;
 * for an error that says which destination it quotes, that destination
 * too. */
bool hw__icmp_reply_matches(const struct hw_icmp_request *request,
                            const struct hw_icmp_reply *reply);

#endif
