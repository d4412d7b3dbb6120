/* hopwatch/privs.h - giving up privilege once the sockets are open.
 *
 * The order every hopwatch program follows: open the sockets that need
 * privilege (hw_engine_new), call hw_privs_drop(), and only then read target
 * files, resolve names or parse packets.
 */
#ifndef HOPWATCH_PRIVS_H
#define HOPWATCH_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Drop a setuid/setgid identity (back to the real user and group, with no
 * way back), then every capability: effective, permitted, inheritable,
 * ambient and, when allowed, the bounding set; then set no_new_privs.
 * Finally verify by reading the process's capability sets back.  Returns 0,
 * or HW_EPRIVS with a message naming the failing step in errbuf. */
int hw_privs_drop(char *errbuf, size_t errlen);

/* True when the effective, permitted and inheritable capability sets of the
 * calling process are all empty. */
bool hw_privs_none_left(void);

#ifdef __cplusplus
}
#endif

#endif
