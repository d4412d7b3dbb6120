/* test_privs.c - the seccomp confinement (hw_privs_confine) and the switch
 * away from uid 0 (hw_privs_switch_user), each checked in a forked child so
 * the test runner itself keeps its identity and stays unconfined: after the
 * filter, open and exec fail with EPERM, raw sockets are refused, DNS
 * sockets and I/O on open descriptors still work. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <hopwatch/privs.h>

/* Bits the child reports through its exit status. */
enum {
    OK_CONFINED = 1 << 0,     /* hw_privs_confine returned 0 */
    OK_OPEN_EPERM = 1 << 1,   /* open("/etc/hostname") failed with EPERM */
    OK_EXEC_EPERM = 1 << 2,   /* execve failed with EPERM */
    OK_RAW_EPERM = 1 << 3,    /* socket(AF_INET, SOCK_RAW) failed with EPERM */
    OK_DNS_SOCKET = 1 << 4,   /* socket(AF_INET6, SOCK_DGRAM|SOCK_NONBLOCK) worked */
    OK_PIPE_IO = 1 << 5,      /* write/read on descriptors opened before */
    OK_TIOCSTI_EPERM = 1 << 6,/* ioctl(TIOCSTI) failed with EPERM */
};

static int
child(int rfd, int wfd)
{
    char err[256], buf[4];
    int bits = 0, fd;
    char *argv[] = {"/bin/true", NULL};

    if (hw_privs_confine(err, sizeof(err)) == 0)
        bits |= OK_CONFINED;
    errno = 0;
    fd = open("/etc/hostname", O_RDONLY);
    if (fd < 0 && errno == EPERM)
        bits |= OK_OPEN_EPERM;
    errno = 0;
    execve(argv[0], argv, NULL);
    if (errno == EPERM)
        bits |= OK_EXEC_EPERM;
    errno = 0;
    fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd < 0 && errno == EPERM)
        bits |= OK_RAW_EPERM;
    fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
        bits |= OK_DNS_SOCKET;
        close(fd);
    }
    errno = 0;
    if (ioctl(rfd, TIOCSTI, "x") < 0 && errno == EPERM)
        bits |= OK_TIOCSTI_EPERM;
    if (write(wfd, "ok", 2) == 2 && read(rfd, buf, 2) == 2 && memcmp(buf, "ok", 2) == 0)
        bits |= OK_PIPE_IO;
    return bits;
}

static void
test_privs_confine_refuses_open_exec_raw(void **state)
{
    int p[2], status = 0;
    pid_t pid;

    (void)state;
    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child(p[0], p[1])); /* _exit: nothing may run after the filter */
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(p[0]);
    close(p[1]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), OK_CONFINED | OK_OPEN_EPERM | OK_EXEC_EPERM |
                                              OK_RAW_EPERM | OK_DNS_SOCKET | OK_PIPE_IO |
                                              OK_TIOCSTI_EPERM);
}

/* Run as root, the switch leaves uid 0 for good: to "nobody", or to the
 * sudo user named by SUDO_UID / SUDO_GID; capabilities go with uid 0. */
static int
switch_child(const char *sudo_uid)
{
    char err[256];

    if (sudo_uid != NULL) {
        setenv("SUDO_UID", sudo_uid, 1);
        setenv("SUDO_GID", sudo_uid, 1);
    } else {
        unsetenv("SUDO_UID");
        unsetenv("SUDO_GID");
    }
    if (hw_privs_switch_user("nobody", err, sizeof(err)) != 0)
        return 10;
    if (getuid() == 0 || geteuid() == 0 || setuid(0) == 0)
        return 11;
    if (sudo_uid != NULL && (getuid() != 4321 || getgid() != 4321))
        return 12;
    if (!hw_privs_none_left())
        return 13;
    return 0;
}

static void
test_privs_switch_user_leaves_root(void **state)
{
    const char *cases[] = {NULL, "4321"};

    (void)state;
    if (geteuid() != 0)
        skip();
    for (size_t i = 0; i < 2; i++) {
        int status = 0;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0)
            _exit(switch_child(cases[i]));
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_privs_confine_refuses_open_exec_raw),
        cmocka_unit_test(test_privs_switch_user_leaves_root),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
