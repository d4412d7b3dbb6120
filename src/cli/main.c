/* main.c - hopwatch's entry point: parse the options, open the session
 * (sockets, then privileges dropped, then everything else), resolve the
 * targets, and hand over to the report modes or the interactive screen. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <locale.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/exitcode.h"
#include "cli/options.h"
#include "cli/run.h"
#include "cli/session.h"

int
main(int argc, char **argv)
{
    struct cli_session s = {0};
    char err[512];
    int rc, name_rc;

    setlocale(LC_ALL, "");
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

    rc = cli_session_open(&s);
    if (rc != 0)
        return rc;
    name_rc = cli_session_resolve(&s);
    if (name_rc == CLI_EXIT_SYSTEM || (name_rc != 0 && s.ntargets == 1) || cli_signal) {
        cli_session_close(&s);
        return name_rc != 0 ? name_rc : CLI_EXIT_NAME;
    }
    if (s.opt.output == CLI_OUT_TUI)
        rc = cli_run_tui(&s);
    else
        rc = cli_run_report(&s);
    cli_session_close(&s);
    /* A target whose name did not resolve outranks "not reached". */
    if (rc == CLI_EXIT_OK || rc == CLI_EXIT_UNREACHED)
        rc = name_rc != 0 ? name_rc : rc;
    return rc;
}
