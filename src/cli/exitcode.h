/* exitcode.h - hopwatch's exit codes, fping's meanings (documented in
 * hopwatch(8)). */
#ifndef HW_CLI_EXITCODE_H
#define HW_CLI_EXITCODE_H

enum cli_exit {
    CLI_EXIT_OK = 0,         /* every target reached */
    CLI_EXIT_UNREACHED = 1,  /* some target not reached */
    CLI_EXIT_NAME = 2,       /* a name did not resolve */
    CLI_EXIT_USAGE = 3,      /* bad options or arguments */
    CLI_EXIT_SYSTEM = 4,     /* a system error (sockets, privileges, memory, output) */
};

#endif
