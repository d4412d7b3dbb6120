/* privs.c - giving up every privilege once the sockets are open (libcap).
 * See include/hopwatch/privs.h for where this sits in start-up.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sys/capability.h>
#include <sys/prctl.h>

#include <hopwatch/error.h>
#include <hopwatch/privs.h>

static int
fail(char *errbuf, size_t errlen, const char *what, int err)
{
    snprintf(errbuf, errlen, "%s: %s", what, strerror(err));
    return HW_EPRIVS;
}

/* Leave a setuid/setgid identity for good: all three ids set to the real
 * ones, groups first (afterwards we could no longer change them). */
static int
drop_identity(char *errbuf, size_t errlen)
{
    uid_t ruid = getuid(), euid = geteuid();
    gid_t rgid = getgid(), egid = getegid();

    if (rgid != egid) {
        if (setgroups(0, NULL) < 0 && errno != EPERM)
            return fail(errbuf, errlen, "setgroups", errno);
        if (setresgid(rgid, rgid, rgid) < 0)
            return fail(errbuf, errlen, "setresgid", errno);
    }
    if (ruid != euid && setresuid(ruid, ruid, ruid) < 0)
        return fail(errbuf, errlen, "setresuid", errno);
    /* A process that was setuid root must not be able to get root back. */
    if (ruid != 0 && euid == 0 && setuid(0) == 0) {
        snprintf(errbuf, errlen, "setuid(0) still succeeds after dropping root");
        return HW_EPRIVS;
    }
    return 0;
}

bool
hw_privs_none_left(void)
{
    cap_t cur = cap_get_proc(), none = cap_init();
    bool empty = cur != NULL && none != NULL && cap_compare(cur, none) == 0;

    cap_free(cur);
    cap_free(none);
    return empty;
}

bool
hw_privs_can_set_mark(void)
{
    cap_t cur = cap_get_proc();
    cap_flag_value_t have = CAP_CLEAR;

    if (cur == NULL)
        return false;
    if (cap_get_flag(cur, CAP_NET_ADMIN, CAP_PERMITTED, &have) < 0)
        have = CAP_CLEAR;
    cap_free(cur);
    return have == CAP_SET;
}

unsigned
hw_privs_rate_cap(void)
{
    return getuid() == 0 ? 0 : HW_PRIVS_USER_PPS;
}

int
hw_privs_drop(char *errbuf, size_t errlen)
{
    cap_t none;
    int st;

    st = drop_identity(errbuf, errlen);
    if (st < 0)
        return st;

    /* The bounding set first: removing from it needs CAP_SETPCAP, which we
     * are about to give up.  Without CAP_SETPCAP (an ordinary user with
     * file capabilities) the bounding set stays, which is harmless once
     * no_new_privs is set below. */
    if (CAP_IS_SUPPORTED(CAP_SETPCAP)) {
        cap_flag_value_t have = CAP_CLEAR;
        cap_t cur = cap_get_proc();

        if (cur != NULL)
            cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &have);
        cap_free(cur);
        if (have == CAP_SET) {
            for (cap_value_t c = 0; c <= CAP_LAST_CAP; c++) {
                if (CAP_IS_SUPPORTED(c) && cap_drop_bound(c) < 0 && errno != EINVAL)
                    return fail(errbuf, errlen, "cap_drop_bound", errno);
            }
        }
    }
    if (cap_reset_ambient() < 0 && errno != EINVAL)
        return fail(errbuf, errlen, "cap_reset_ambient", errno);

    none = cap_init();
    if (none == NULL)
        return fail(errbuf, errlen, "cap_init", errno);
    if (cap_set_proc(none) < 0) {
        int err = errno;
        cap_free(none);
        return fail(errbuf, errlen, "cap_set_proc", err);
    }
    cap_free(none);

    /* Nothing we exec (we exec nothing, but a library might) can regain
     * privilege through setuid bits or file capabilities. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return fail(errbuf, errlen, "prctl(PR_SET_NO_NEW_PRIVS)", errno);

    if (!hw_privs_none_left()) {
        snprintf(errbuf, errlen, "capabilities remain after dropping them");
        return HW_EPRIVS;
    }
    return 0;
}
