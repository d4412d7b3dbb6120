/* route.h - what a trace's route says in words, for the screen and every
 * report alike: how it ends (a sentence, and a short state for a list of
 * targets) and what counts as the target's own numbers. */
#ifndef HW_REPORT_ROUTE_H
#define HW_REPORT_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include <hopwatch/pmtu.h>
#include <hopwatch/stats.h>
#include <hopwatch/trace.h>

/* A sentence on how the route ends, "" while it is reached or not known:
 * "Route ends at hop 4: 198.18.3.2 answered network unreachable (!N).",
 * "Target not reached within 30 hops.", "Target not reached: nothing
 * answered past hop 3 (5 silent hops).", "Target not reached: send failed:
 * Network is unreachable.".  With marks, an unreachable's mtr-style mark
 * ("!N") follows its message.  max_ttl and max_unknown are the trace's. */
void report_route_end(const struct hw_trace_snapshot *s, int max_ttl, int max_unknown,
                      bool marks, char *buf, size_t len);

/* The route's state in a few words, for a row of a list of targets: ""
 * when reached, "(tracing)" while not known, else why the target is not
 * reached: "(not reached) !N at hop 4", "(not reached) silent past hop
 * 3", "(not reached) within 30 hops", "(not reached) send failed: Network
 * is unreachable". */
void report_route_state(const struct hw_trace_snapshot *s, char *buf, size_t len);

/* A route event in words, without its time: "switched: hop 3 198.18.2.2 ->
 * 198.18.63.2", "balanced: hop 4 198.18.43.2 beside the others",
 * "shorter: 8 -> 6 hops", "longer: 6 -> 8 hops", "unreachable: hop 4
 * 198.18.3.2 answered network unreachable", "unreachable: the target
 * stopped answering", "reachable: 8 hops".  family is the target's. */
void report_route_event_text(const struct hw_route_event *ev, int family, char *buf,
                             size_t len);

/* A path's hops in one line, a word each: its responder, several joined
 * by "|" (load balancing), "*" for a silent hop: "198.18.0.2
 * 198.18.1.2|198.18.1.3 * 198.18.3.2".  Cut (ending in "~") when it does
 * not fit. */
void report_path_text(const struct hw_path *p, char *buf, size_t len);

/* Probes that could not be sent, in words: "send failed: Network is
 * unreachable (12 probes)"; status 0 (the reason is not known): "send
 * failed (12 probes)". */
void report_send_errors_text(int status, uint64_t count, char *buf, size_t len);

/* The target's own numbers (snapshot's target_stats, trace.h) into *out,
 * and whether it answered at all, fping's "alive", into *reached. */
void report_target_from_trace(const struct hw_trace_snapshot *snap, struct hw_stats *out,
                              bool *reached);

/* A sentence on a path MTU search (--mtu), for the screen and every report:
 * "Path MTU 1400 from hop 3 (198.18.2.2 said so).", "Path MTU 1321 from
 * hop 4 (198.18.3.2): a black hole, larger packets vanish without an
 * error.", "Path MTU 1500: the local interface's MTU.", "Path MTU:
 * probing (1400 bytes reach the target so far).", "Path MTU unknown: the
 * target does not answer 576-byte probes.". */
void report_pmtu_text(const struct hw_pmtu_result *p, char *buf, size_t len);

#endif
