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

/* True when the calling process could set a socket mark (SO_MARK) on its
 * own account: CAP_NET_ADMIN is in its permitted set.  Linux 5.17 and later
 * also let CAP_NET_RAW set marks, so a program that holds CAP_NET_RAW only
 * to open raw sockets (a setcap binary run by an ordinary user) must ask
 * this before honouring a mark.  Call it before hw_privs_drop(). */
bool hw_privs_can_set_mark(void);

/* The rate cap every hopwatch mode applies for a user without root (real
 * uid not 0), in probes per second over the whole run (the engine's
 * max_pps); 0 for root: no cap beyond the options. */
unsigned hw_privs_rate_cap(void);

/* Run as root (effective uid 0), leave uid 0 for good: to the invoking
 * user under sudo (SUDO_UID / SUDO_GID, when both are numbers above 0),
 * else to user (a name from the password database; NULL: "nobody").
 * Supplementary groups become that one group; real, effective and saved
 * ids all change, and the call verifies that setuid(0) then fails.  The
 * kernel clears every capability with uid 0 (call hw_privs_drop() before,
 * while the bounding set can still be emptied).  Not root: does nothing.
 * Files the program must write as root (--log in root's directories)
 * must be opened before.  Returns 0, or HW_EPRIVS with the failing step. */
int hw_privs_switch_user(const char *user, char *errbuf, size_t errlen);

/* Confine the process to what a running prober needs, the Linux
 * counterpart of OpenBSD's pledge("stdio inet dns"): a seccomp filter
 * (libseccomp) that lets through I/O on descriptors already open, memory,
 * time, signals, polling, the terminal's ioctls (not TIOCSTI), and new
 * sockets of AF_INET /
 * AF_INET6 of type SOCK_DGRAM or SOCK_STREAM only (DNS through c-ares).
 * Everything else, in particular open/openat/creat, exec, fork/clone,
 * ptrace and raw or packet sockets, fails with EPERM (never a kill), so the
 * caller reports it in one line.  Sets no_new_privs (the filter needs it).
 * Call it once everything is open: sockets, --log files, the terminal
 * (ncurses reads terminfo at set-up), target files.  Irreversible.
 * Returns 0, or HW_EPRIVS with the failing step in errbuf. */
int hw_privs_confine(char *errbuf, size_t errlen);

/* The cap's value (documented in hopwatch(8) and --help). */
#define HW_PRIVS_USER_PPS 1000

#ifdef __cplusplus
}
#endif

#endif
