/* privs.c - giving up every privilege once the sockets are open (libcap).
 * See include/hopwatch/privs.h for where this sits in start-up.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>

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

/* A decimal id above 0 from the environment, or 0. */
static unsigned long
env_id(const char *name)
{
    const char *v = getenv(name);
    char *end;
    unsigned long id;

    if (v == NULL || *v < '0' || *v > '9')
        return 0;
    errno = 0;
    id = strtoul(v, &end, 10);
    if (errno != 0 || *end != '\0' || id >= (unsigned long)(uid_t)-1)
        return 0;
    return id;
}

int
hw_privs_switch_user(const char *user, char *errbuf, size_t errlen)
{
    unsigned long sudo_uid = env_id("SUDO_UID"), sudo_gid = env_id("SUDO_GID");
    uid_t uid;
    gid_t gid;

    if (geteuid() != 0)
        return 0;
    if (sudo_uid != 0 && sudo_gid != 0) {
        uid = (uid_t)sudo_uid;
        gid = (gid_t)sudo_gid;
    } else {
        const struct passwd *pw;

        if (user == NULL)
            user = "nobody";
        errno = 0;
        pw = getpwnam(user);
        if (pw == NULL) {
            snprintf(errbuf, errlen, "getpwnam(%s): %s", user,
                     errno != 0 ? strerror(errno) : "no such user");
            return HW_EPRIVS;
        }
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
    if (uid == 0) {
        snprintf(errbuf, errlen, "user to run as is root (uid 0): choose another");
        return HW_EPRIVS;
    }
    if (setgroups(1, &gid) < 0)
        return fail(errbuf, errlen, "setgroups", errno);
    if (setresgid(gid, gid, gid) < 0)
        return fail(errbuf, errlen, "setresgid", errno);
    if (setresuid(uid, uid, uid) < 0)
        return fail(errbuf, errlen, "setresuid", errno);
    if (setuid(0) == 0 || getuid() != uid || geteuid() != uid) {
        snprintf(errbuf, errlen, "uid 0 can still be regained after switching users");
        return HW_EPRIVS;
    }
    return 0;
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

/* What the steady state of a prober calls.  Kept short on purpose: a call
 * missing here fails with EPERM, which the caller sees and reports, and
 * then belongs here only if a running prober really needs it.  The memory
 * calls serve malloc and the sanitizers; clock and sleep calls the loops;
 * getrandom the engine keys of later engines.  ioctl is allowed only for
 * the requests in confine_ioctls. */
static const int confine_allowed[] = {
    SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
    SCMP_SYS(pwrite64), SCMP_SYS(close), SCMP_SYS(lseek), SCMP_SYS(fstat),
    SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(fcntl), SCMP_SYS(dup),
    SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(ftruncate),
    SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
    SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait),
    SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect),
    SCMP_SYS(madvise),
    SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
    SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigtimedwait), SCMP_SYS(kill), SCMP_SYS(tgkill),
    SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday),
    SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep), SCMP_SYS(timerfd_create),
    SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime),
    SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getuid), SCMP_SYS(geteuid),
    SCMP_SYS(getgid), SCMP_SYS(getegid), SCMP_SYS(uname), SCMP_SYS(sched_yield),
    SCMP_SYS(sched_getaffinity), SCMP_SYS(futex), SCMP_SYS(getrandom),
    SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(restart_syscall),
    /* Sockets already open, and DNS (c-ares) on new ones. */
    SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvfrom),
    SCMP_SYS(recvmsg), SCMP_SYS(recvmmsg), SCMP_SYS(connect), SCMP_SYS(bind),
    SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(setsockopt),
    SCMP_SYS(getsockopt), SCMP_SYS(shutdown),
};

/* The terminal's ioctls (ncurses, isatty) and FIONREAD.  Not TIOCSTI:
 * a confined process must not type into the user's terminal. */
static const unsigned long confine_ioctls[] = {
    TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ, TIOCGPGRP, FIONREAD,
};

int
hw_privs_confine(char *errbuf, size_t errlen)
{
    static const int families[] = {AF_INET, AF_INET6};
    static const int types[] = {SOCK_DGRAM, SOCK_STREAM};
    scmp_filter_ctx ctx;
    int rc = 0;

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return fail(errbuf, errlen, "prctl(PR_SET_NO_NEW_PRIVS)", errno);
    ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (ctx == NULL) {
        snprintf(errbuf, errlen, "seccomp_init failed");
        return HW_EPRIVS;
    }
    for (size_t i = 0; rc == 0 && i < sizeof(confine_allowed) / sizeof(confine_allowed[0]); i++) {
        /* A call this architecture lacks (select on arm64) resolves to a
         * negative number: nothing to allow. */
        if (confine_allowed[i] >= 0)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, confine_allowed[i], 0);
    }
    for (size_t i = 0; rc == 0 && i < sizeof(confine_ioctls) / sizeof(confine_ioctls[0]); i++)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
                              SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)confine_ioctls[i]));
    /* socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol): the
     * flags are masked off before comparing the type. */
    for (size_t f = 0; rc == 0 && f < 2; f++) {
        for (size_t t = 0; rc == 0 && t < 2; t++)
            rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 2,
                                  SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[f]),
                                  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, (scmp_datum_t)types[t]));
    }
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc < 0) {
        snprintf(errbuf, errlen, "seccomp filter: %s", strerror(-rc));
        return HW_EPRIVS;
    }
    return 0;
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
