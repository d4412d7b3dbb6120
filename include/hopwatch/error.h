/* hopwatch/error.h - the one status type of libhopwatch.
 *
 * Every call that can fail returns an int: 0 (HW_OK) on success, negative on
 * failure.  Failures that come from the operating system are returned as
 * -errno (for example -EPERM); failures of our own are the HW_E* codes below,
 * which never overlap errno values.  hw_strerror() and hw_errname() cover both.
 */
#ifndef HOPWATCH_ERROR_H
#define HOPWATCH_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* Our own failure codes.  The messages live in one table in error.c; a unit
 * test checks that every code between HW_E_FIRST and HW_E_LAST has one. */
enum hw_status {
    HW_OK = 0,
    HW_E_FIRST = -1001,
    HW_EINVAL = -1001,      /* an argument is out of range or malformed */
    HW_ENOPERM = -1002,     /* no permission to open the sockets probing needs */
    HW_EFAMILY = -1003,     /* no socket of this address family could be opened */
    HW_ENAME = -1004,       /* the name does not resolve (NXDOMAIN, no such host) */
    HW_ENOADDR = -1005,     /* the name has no address of the requested family */
    HW_ETIMEDOUT = -1006,   /* no answer within the timeout */
    HW_ECLOSED = -1007,     /* the socket or session is closed */
    HW_EBROADCAST = -1008,  /* destination is a broadcast address, broadcast not enabled */
    HW_EADDR = -1009,       /* the source address cannot be assigned */
    HW_EBUSY = -1010,       /* every probe identifier is in use */
    HW_ECANCELLED = -1011,  /* the operation was cancelled */
    HW_EPRIVS = -1012,      /* privileges could not be dropped, or some remain */
    HW_ETOOBIG = -1013,     /* the packet would exceed the maximum size */
    HW_EDNS = -1014,        /* the name server failed or could not be reached */
    HW_EUNREACH = -1015,    /* an ICMP destination unreachable answered the request
                               (see hw_icmp_classify for which one) */
    HW_ETIMEEXCEEDED = -1016, /* an ICMP time exceeded answered the request (the TTL
                                 ran out on the way, or reassembly timed out) */
    HW_EICMP = -1017,       /* another ICMP error answered the request (parameter
                               problem, packet too big, source quench, ...) */
    HW_E_LAST = -1017,
};

/* A short English message for any status (ours or -errno).  Never NULL; the
 * string is static. */
const char *hw_strerror(int status);

/* The symbolic name of a status ("HW_ENAME", "EPERM"); static, never NULL. */
const char *hw_errname(int status);

#ifdef __cplusplus
}
#endif

#endif
