/* socket.h - the built-in transport: raw ICMP and ICMPv6 sockets.
 *
 * One raw socket per family, shared by every probe of an engine, with ICMP
 * type filters so the kernel does not wake us for traffic we never match,
 * kernel receive timestamps (SO_TIMESTAMPNS), and per-packet TTL and TOS
 * passed as ancillary data (no setsockopt per probe).
 */
#ifndef HW_CORE_SOCKET_H
#define HW_CORE_SOCKET_H

#include <hopwatch/engine.h>

/* The transport the engine uses when its config names none.  Its context
 * argument is unused (NULL). */
const struct hw_transport *hw__socket_transport(void);

#endif
