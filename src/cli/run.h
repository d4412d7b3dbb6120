/* run.h - what the program does once the session is open: the batch
 * reports, or the interactive screen. */
#ifndef HW_CLI_RUN_H
#define HW_CLI_RUN_H

#include "cli/session.h"

/* Probe every resolved target for its cycles and write the report(s) to
 * stdout.  Returns the exit code. */
int cli_run_report(struct cli_session *s);

/* Run the interactive screen on the resolved targets.  Returns the exit
 * code. */
int cli_run_tui(struct cli_session *s);

#endif
