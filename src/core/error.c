/* error.c - names and messages for every status libhopwatch returns (our
 * HW_E* codes and -errno), and the library version.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <hopwatch/error.h>
#include <hopwatch/hopwatch.h>

#include <limits.h>
#include <stddef.h>
#include <string.h>

/* The version when built without autoconf (e.g. by a test compiled by hand);
 * keep it in step with AC_INIT in configure.ac. */
#define HW__FALLBACK_VERSION "0.1.0"

/* Returned for a status that is neither ours, nor 0, nor a known errno. */
#define HW__UNKNOWN_MESSAGE "unknown error"
#define HW__UNKNOWN_NAME "HW_E?"

/* glibc 2.32 added strerrordesc_np()/strerrorname_np(), which unlike
 * strerror() return static strings and never consult the locale. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
#define HW__HAVE_STRERRORDESC_NP 1
#endif

/* One of our codes: its symbolic name and its message. */
struct hw__errinfo {
    const char *name;    /* "HW_EINVAL" */
    const char *message; /* short lower-case English */
};

/* The one table of our codes, indexed by HW_E_FIRST - code.  The name is
 * made from the enum constant itself so the two cannot disagree; a code
 * left out of the table is a NULL entry, which the unit test catches. */
#define HW__ERR(code, msg) [HW_E_FIRST - (code)] = {#code, msg}

static const struct hw__errinfo hw__errors[HW_E_FIRST - HW_E_LAST + 1] = {
    HW__ERR(HW_EINVAL, "invalid argument"),
    HW__ERR(HW_ENOPERM, "no permission to open probe sockets"),
    HW__ERR(HW_EFAMILY, "address family not available"),
    HW__ERR(HW_ENAME, "name does not resolve"),
    HW__ERR(HW_ENOADDR, "name has no address of the requested family"),
    HW__ERR(HW_ETIMEDOUT, "timed out"),
    HW__ERR(HW_ECLOSED, "socket or session closed"),
    HW__ERR(HW_EBROADCAST, "destination is a broadcast address"),
    HW__ERR(HW_EADDR, "source address cannot be assigned"),
    HW__ERR(HW_EBUSY, "all probe identifiers in use"),
    HW__ERR(HW_ECANCELLED, "operation cancelled"),
    HW__ERR(HW_EPRIVS, "privileges could not be dropped"),
    HW__ERR(HW_ETOOBIG, "packet too large"),
    HW__ERR(HW_EDNS, "name server failure"),
    HW__ERR(HW_EUNREACH, "destination unreachable (ICMP error)"),
    HW__ERR(HW_ETIMEEXCEEDED, "time exceeded in transit (ICMP error)"),
    HW__ERR(HW_EICMP, "ICMP error message received"),
};

#undef HW__ERR

/* Our entry for status, or NULL when status is not one of our codes. */
static const struct hw__errinfo *own_code(int status)
{
    const struct hw__errinfo *e;

    if (status > HW_E_FIRST || status < HW_E_LAST)
        return NULL;
    e = &hw__errors[HW_E_FIRST - status];
    return e->name != NULL ? e : NULL;
}

/* The errno that status stands for, or 0.  INT_MIN is refused because its
 * negation overflows; our own range never reaches here. */
static int errno_of(int status)
{
    return status < 0 && status != INT_MIN ? -status : 0;
}

const char *hw_strerror(int status)
{
    const struct hw__errinfo *e;
    int err;

    if (status == HW_OK)
        return "success";
    e = own_code(status);
    if (e != NULL)
        return e->message;
    err = errno_of(status);
#ifdef HW__HAVE_STRERRORDESC_NP
    if (err != 0) {
        const char *s = strerrordesc_np(err);
        if (s != NULL)
            return s;
    }
#else
    /* Without a libc that offers static errno strings we do not call
     * strerror(), whose buffer may be overwritten by another thread. */
    (void)err;
#endif
    return HW__UNKNOWN_MESSAGE;
}

const char *hw_errname(int status)
{
    const struct hw__errinfo *e;
    int err;

    if (status == HW_OK)
        return "HW_OK";
    e = own_code(status);
    if (e != NULL)
        return e->name;
    err = errno_of(status);
#ifdef HW__HAVE_STRERRORDESC_NP
    if (err != 0) {
        const char *s = strerrorname_np(err);
        if (s != NULL)
            return s;
    }
#else
    (void)err;
#endif
    return HW__UNKNOWN_NAME;
}

const char *hw_version(void)
{
#ifdef PACKAGE_VERSION
    return PACKAGE_VERSION;
#else
    return HW__FALLBACK_VERSION;
#endif
}
