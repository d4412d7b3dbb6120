/* collect.h - what a run reports, gathered in one place for every output:
 * the session's targets as report targets (value copies of their stats and
 * trace snapshots), the JSON-lines streams (--jsonl on standard output,
 * --log FILE) with their periodic summaries, write errors, and the exit
 * code the numbers give.  The batch modes use it, and the interactive
 * screen for --log (holding its errors while the screen is up):
 *
 *     struct cli_collect *c;
 *     rc = cli_collect_new(s, &c);                        after resolving
 *     rc = cli_collect_log(c, s->opt.log_path);           opens FILE
 *     rc = cli_collect_begin(c);                          the "start" record
 *     rc = cli_session_start_traces_each(s, cli_collect_trace_result,
 *                                        cli_collect_trace_event,
 *                                        cli_collect_trace_args(c));
 *     in the loop: poll at most cli_collect_timeout_ms(c), then
 *                  rc = cli_collect_tick(c);              periodic summary
 *                  and stop when cli_collect_all_failed(c) and nothing
 *                  else is left to write
 *     at the end:  cli_collect_update(c); rc = cli_collect_end(c);
 *                  cli_collect_free(c);
 * Every call returning int returns 0 or an exit code after printing why.
 * Each stream fails on its own: a stream that cannot be written (a full
 * disk, a reader gone) is dropped and the others go on to their final
 * summary; cli_collect_end() then says, one line per failed stream, which
 * one failed and why, and returns CLI_EXIT_SYSTEM.
 */
#ifndef HW_CLI_COLLECT_H
#define HW_CLI_COLLECT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/session.h"
#include "report/report.h"

struct cli_collect;

/* Gather the session's targets (resolved or not) for reporting.  Call it
 * after cli_session_resolve(). */
int cli_collect_new(struct cli_session *s, struct cli_collect **out);

/* Free it (the log file is closed if cli_collect_end() did not run).  NULL
 * is accepted. */
void cli_collect_free(struct cli_collect *c);

/* Write the JSON-lines stream to f too (standard output for --jsonl; f
 * stays the caller's).  Call before cli_collect_begin(). */
int cli_collect_stream(struct cli_collect *c, FILE *f);

/* Write the JSON-lines stream to the file at path (created or truncated;
 * --log).  Call before cli_collect_begin(). */
int cli_collect_log(struct cli_collect *c, const char *path);

/* Trace mode: the observer arguments, one per session target, for
 * cli_session_start_traces_each() with cli_collect_trace_result. */
void *const *cli_collect_trace_args(struct cli_collect *c);

/* The trace observer (hw_trace_result_cb): asks for the responder's name
 * (unless -n) and streams the probe. */
void cli_collect_trace_result(void *arg, int ttl, const struct hw_probe_result *r);

/* The trace's route-event observer (hw_trace_event_cb, the same arguments
 * as cli_collect_trace_result): streams a "route_change" record. */
void cli_collect_trace_event(void *arg, const struct hw_route_event *ev);

/* The ping observer (hw_multi_result_cb, arg: the cli_collect): streams
 * the probe. */
void cli_collect_ping_result(void *arg, size_t index, const struct hw_probe_result *r);

/* Keep other errors (a snapshot that could not be taken) to print them at
 * cli_collect_end() instead of at once, while a screen owns the terminal;
 * write errors are always said there. */
void cli_collect_hold_errors(struct cli_collect *c);

/* Probing starts now: note the time, write the streams' "start" records
 * and schedule the first summary. */
int cli_collect_begin(struct cli_collect *c);

/* Milliseconds until the next periodic summary is due (0: now), -1 with
 * no stream. */
int cli_collect_timeout_ms(const struct cli_collect *c);

/* Write a periodic summary when one is due (a stream that fails is only
 * noted: 0 unless the statistics could not be taken). */
int cli_collect_tick(struct cli_collect *c);

/* True once a stream could not be written (the exit code will be
 * CLI_EXIT_SYSTEM). */
bool cli_collect_failed(const struct cli_collect *c);

/* True when there are streams and none of them can be written any more
 * (a run with no other output may stop). */
bool cli_collect_all_failed(const struct cli_collect *c);

/* Take fresh copies of every statistic and snapshot, and the time. */
int cli_collect_update(struct cli_collect *c);

/* The run as the reporters take it (valid until the next update). */
const struct report_run *cli_collect_run(const struct cli_collect *c);

/* Write the final summaries on every stream still writable and close the
 * log.  Returns 0, or CLI_EXIT_SYSTEM after printing one line per stream
 * that could not be written ("hopwatch: cannot write NAME: REASON"). */
int cli_collect_end(struct cli_collect *c);

/* CLI_EXIT_OK when every probed target was reached, else
 * CLI_EXIT_UNREACHED. */
int cli_collect_exit_code(const struct cli_collect *c);

#endif
