/* main.c - hopwatch's entry point: parse the options, open the session
 * (sockets, then privileges dropped, then everything else: target files are
 * read there), resolve the targets, and hand over to the batch modes or the
 * interactive screen. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/exitcode.h"
#include "cli/options.h"
#include "cli/run.h"
#include "cli/session.h"
#include "cli/targets.h"

/* Parse the -g range (exit code 3 on error); its family must agree with
 * -4 / -6. */
static int
parse_range(struct cli_session *s)
{
    char why[256];

    if (cli_range_parse(s->opt.targets[0], s->opt.ntargets > 1 ? s->opt.targets[1] : NULL,
                        CLI_RANGE_MAX, &s->range, why, sizeof(why)) < 0) {
        fprintf(stderr, "hopwatch: bad range for -g: %s\n", why);
        return CLI_EXIT_USAGE;
    }
    if (s->opt.family != AF_UNSPEC && s->opt.family != s->range.first.family) {
        fprintf(stderr, "hopwatch: -%c and an %s range (-g) cannot be used together\n",
                s->opt.family == AF_INET ? '4' : '6',
                s->range.first.family == AF_INET ? "IPv4" : "IPv6");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* Make sure descriptors 0, 1 and 2 are open, on /dev/null when they were
 * closed.  Started with one of them closed, the first socket opened would
 * take its number: the report would be written into the raw ICMP socket,
 * or "-F -" would read the target list from it.  This runs before anything
 * opens a descriptor.  Returns 0, or -1 after a message (on stderr if it is
 * open, else nowhere) when /dev/null cannot be opened. */
static int
open_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        int nfd;

        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        /* open() returns the lowest free number, which is fd: the lower
         * ones are open already. */
        nfd = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (nfd != fd) {
            int e = errno;

            if (nfd >= 0)
                close(nfd);
            if (fcntl(2, F_GETFD) >= 0)
                dprintf(2, "hopwatch: open(/dev/null): %s\n",
                        nfd >= 0 ? "unexpected descriptor" : strerror(e));
            return -1;
        }
    }
    return 0;
}

int
main(int argc, char **argv)
{
    struct cli_session s = {0};
    char err[512];
    size_t resolved = 0;
    int rc, name_rc;

    if (open_std_fds() < 0)
        return CLI_EXIT_SYSTEM;
    /* Only the character set comes from the environment: the screen needs
     * it to draw UTF-8 (crt.c asks nl_langinfo(CODESET)).  Every other
     * category stays "C", LC_NUMERIC above all: options are read and
     * every output is written with a decimal point in every locale, so
     * JSON stays JSON, CSV and JSON lines are byte-identical whoever runs
     * them, the documented examples (-i 0.2) work everywhere, and the text
     * report and the screen agree with them.  LC_MESSAGES stays "C" too,
     * so that an error text inside JSON or CSV (strerror) does not change
     * with the user's language.  Switching locales around each printf
     * (uselocale) would give the screen local numbers, at the price of a
     * rule every formatting call must remember; one global choice cannot
     * be forgotten. */
    setlocale(LC_CTYPE, "");
    cli_options_init(&s.opt);
    rc = cli_options_parse(&s.opt, argc, argv, err, sizeof(err));
    if (rc != 0) {
        fprintf(stderr, "hopwatch: %s\n", err);
        return rc;
    }
    if (s.opt.help) {
        cli_usage(stdout);
        return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_SYSTEM;
    }
    if (s.opt.version) {
        printf("hopwatch %s\n", PACKAGE_VERSION);
        return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_SYSTEM;
    }
    /* As ping does: flooding is for root only. */
    if (s.opt.interval_s < 0.2 && getuid() != 0) {
        fprintf(stderr, "hopwatch: intervals below 0.2 seconds (-i) are allowed for root only\n");
        return CLI_EXIT_USAGE;
    }
    if (s.opt.ping && (s.opt.pps > CLI_PPS_DEFAULT || s.opt.pps == 0) && getuid() != 0) {
        fprintf(stderr, "hopwatch: --pps above %d, or 0 (no cap), is allowed for root only\n",
                CLI_PPS_DEFAULT);
        return CLI_EXIT_USAGE;
    }
    /* SO_MARK steers routing: only for those who could set it themselves,
     * not for anyone who happens to run a binary with cap_net_raw. */
    if (s.opt.mark != 0 && !hw_privs_can_set_mark()) {
        fprintf(stderr, "hopwatch: -M needs root or CAP_NET_ADMIN: you could not set a "
                        "socket mark yourself\n");
        return CLI_EXIT_USAGE;
    }
    if (s.opt.generate) {
        rc = parse_range(&s);
        if (rc != 0)
            return rc;
    }

    rc = cli_session_open(&s);
    if (rc != 0) {
        cli_session_close(&s);
        return rc;
    }
    name_rc = cli_session_resolve(&s);
    for (size_t i = 0; i < s.ntargets; i++)
        resolved += s.targets[i].status == 0;
    /* A target file line that was skipped counts as a name that failed. */
    if (name_rc == 0 && s.bad_lines > 0)
        name_rc = CLI_EXIT_NAME;
    if (name_rc == CLI_EXIT_SYSTEM || resolved == 0 || cli_signal) {
        cli_session_close(&s);
        return name_rc != 0 ? name_rc : CLI_EXIT_NAME;
    }
    if (s.opt.output == CLI_OUT_TUI)
        rc = cli_run_tui(&s);
    else
        rc = cli_run_report(&s);
    cli_session_close(&s);
    /* A target whose name did not resolve (or a bad line) outranks "not
     * reached". */
    if (rc == CLI_EXIT_OK || rc == CLI_EXIT_UNREACHED)
        rc = name_rc != 0 ? name_rc : rc;
    return rc;
}
