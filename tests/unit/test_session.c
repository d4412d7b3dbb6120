/* test_session.c - the report modes' poll loop (src/cli/session.c) and the
 * batch runner around it: a failed ppoll is returned, never exit()ed on,
 * and the runner still writes the report and the log's final summary, then
 * exits 4.  ppoll is wrapped (-Wl,--wrap=ppoll) to fail on demand; the
 * engine runs on the fake network. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/exitcode.h"
#include "cli/run.h"
#include "cli/session.h"
#include "fakenet.h"

int __wrap_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
                 const sigset_t *mask);
int __real_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
                 const sigset_t *mask);

/* ppoll calls made, and the errno each fails with from call fail_from on
 * (0: never fails). */
static int ppoll_calls;
static int ppoll_fail_from;
static int ppoll_errno;
/* Descriptors the last ppoll call was given. */
static nfds_t ppoll_nfds;

int
__wrap_ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
    ppoll_calls++;
    ppoll_nfds = n;
    if (ppoll_fail_from > 0 && ppoll_calls >= ppoll_fail_from) {
        errno = ppoll_errno;
        return -1;
    }
    /* The fake sockets are not real descriptors: report nothing ready. */
    for (nfds_t i = 0; i < n; i++)
        fds[i].revents = 0;
    (void)ts;
    (void)mask;
    return 0;
}

struct fx {
    struct fakenet net;
    struct cli_session s;
};

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    struct hw_engine_config ecfg;
    int st;

    assert_non_null(f);
    fakenet_init(&f->net);
    fakenet_engine_config(&f->net, &ecfg);
    cli_options_init(&f->s.opt);
    f->s.engine = hw_engine_new(&ecfg, &st);
    assert_non_null(f->s.engine);
    f->s.resolver = hw_resolver_new(0, 0, &st);
    assert_non_null(f->s.resolver);
    sigemptyset(&f->s.poll_mask);
    snprintf(f->s.local_host, sizeof(f->s.local_host), "test");
    ppoll_calls = 0;
    ppoll_fail_from = 0;
    ppoll_errno = 0;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    /* cli_session_close() frees the targets array, not the names. */
    cli_session_close(&f->s);
    fakenet_fini(&f->net);
    free(f);
    return 0;
}

/* An unprivileged engine with many identifiers has many sockets (here 40
 * per family): every one of them is polled, none left out. */
static void
test_session_poll_polls_every_engine_descriptor(void **state)
{
    struct fx *f = *state;
    struct hw_engine_config ecfg;
    int st;

    hw_engine_free(f->s.engine);
    fakenet_fini(&f->net);
    fakenet_init(&f->net);
    fakenet_engine_config(&f->net, &ecfg);
    ecfg.privilege = HW_PRIV_DGRAM;
    ecfg.idents = 40;
    f->s.engine = hw_engine_new(&ecfg, &st);
    assert_non_null(f->s.engine);
    assert_int_equal(hw_engine_pollfd_count(f->s.engine), 80);
    assert_int_equal(hw_engine_pollfds(f->s.engine, NULL, 0), 80);
    assert_int_equal(cli_session_poll(&f->s, 10), 0);
    assert_true(ppoll_nfds >= 80);
}

/* A failed ppoll comes back as -errno (the process goes on); EINTR is not
 * a failure. */
static void
test_session_poll_failure_is_returned(void **state)
{
    struct fx *f = *state;

    assert_int_equal(cli_session_poll(&f->s, 10), 0);
    ppoll_fail_from = 1;
    ppoll_errno = EINTR;
    assert_int_equal(cli_session_poll(&f->s, 10), 0);
    ppoll_errno = ENOMEM;
    assert_int_equal(cli_session_poll(&f->s, 10), -ENOMEM);
}

/* The runner, pinging one target with --log: ppoll fails in the middle of
 * the run; the log still ends with the final summary, and the exit code
 * is 4. */
static void
test_session_runner_writes_what_it_can(void **state)
{
    struct fx *f = *state;
    char path[] = "/tmp/test_session.XXXXXX";
    char line[8192], last[8192] = "";
    int fd = mkstemp(path), rc;
    FILE *log;

    assert_true(fd >= 0);
    close(fd);
    f->s.targets = calloc(1, sizeof(*f->s.targets));
    assert_non_null(f->s.targets);
    f->s.ntargets = 1;
    f->s.targets[0].name = "198.19.0.1";
    f->s.targets[0].status = 0;
    f->s.targets[0].addr = fakenet_addr("198.19.0.1");
    f->s.opt.ping = true;
    f->s.opt.numeric = true;
    f->s.opt.cycles = 5;
    f->s.opt.output = CLI_OUT_JSONL;
    f->s.opt.log_path = path;
    ppoll_fail_from = 3;
    ppoll_errno = ENOMEM;

    rc = cli_run_report(&f->s);
    assert_int_equal(rc, CLI_EXIT_SYSTEM);
    assert_int_equal(ppoll_calls, 3);

    log = fopen(path, "r");
    assert_non_null(log);
    assert_non_null(fgets(line, sizeof(line), log));
    assert_non_null(strstr(line, "\"type\":\"start\""));
    while (fgets(line, sizeof(line), log) != NULL)
        snprintf(last, sizeof(last), "%s", line);
    fclose(log);
    unlink(path);
    assert_non_null(strstr(last, "\"type\":\"summary\""));
    assert_non_null(strstr(last, "\"final\":true"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_session_poll_failure_is_returned, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_session_runner_writes_what_it_can, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_session_poll_polls_every_engine_descriptor, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
