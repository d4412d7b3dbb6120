/* report.h - writing a run: the mtr-style and fping-style text tables, one
 * JSON document, CSV, and the JSON-lines stream.  Reporters read value
 * copies (snapshots, stats) only; they never touch the engine. */
#ifndef HW_REPORT_REPORT_H
#define HW_REPORT_REPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <hopwatch/asn.h>
#include <hopwatch/engine.h>
#include <hopwatch/pmtu.h>
#include <hopwatch/stats.h>
#include <hopwatch/trace.h>

#include "report/columns.h"
#include "report/json.h"
#include "report/route.h"

/* The schema of the JSON document and of the stream's records. */
#define REPORT_SCHEMA "hopwatch/1"

/* The statistics columns of the ping-mode table (letters of the column
 * table): Loss%, Snt, Rcv, Last, Avg, Best, Wrst, StDev. */
#define REPORT_PING_COLUMNS "LSRNABWV"

/* Host column width without --wide: wide enough for any IPv6 address and a
 * mark; longer names are cut, ending in REPORT_CUT_MARK. */
#define REPORT_HOST_COL_MAX 40
#define REPORT_CUT_MARK '~'

/* Look up the name to show for an address: a name, or NULL to show the
 * address. */
typedef const char *(*report_name_fn)(void *arg, const struct hw_addr *a);

/* Look up what is known of an address's origin AS into *out (never waits:
 * state HW_AS_PENDING or HW_AS_NONE until known). */
typedef void (*report_as_fn)(void *arg, const struct hw_addr *a, struct hw_asinfo *out);

/* The two kinds of run. */
enum report_mode {
    REPORT_TRACE = 0,   /* every target traced (hw_trace) */
    REPORT_PING,        /* every target pinged (hw_multi), --ping */
};

/* The probe settings of a run, echoed into reports. */
struct report_settings {
    const char *protocol;      /* "icmp", "udp", "udp-paris", "tcp" */
    int port;                  /* UDP/TCP port asked for, 0: default */
    const char *mode;          /* "raw" or "unprivileged" */
    unsigned long long cycles; /* probes per hop (trace) or target (ping), 0 endless */
    double interval_s;         /* between rounds (trace) or a target's probes (ping) */
    double timeout_s;          /* per probe */
    int first_ttl;             /* trace: first TTL probed */
    int max_ttl;               /* trace: last TTL allowed */
    int max_unknown;           /* trace: silent hops before giving up */
    bool adapt;                /* trace: rate-limited hops are probed slower
                                  (no --no-adapt) */
    double pps;                /* ping: probes per second over all targets, 0 no cap */
    size_t payload_size;       /* ICMP payload bytes */
    int tos;                   /* TOS / traffic class */
    bool dns;                  /* reverse names looked up */
    bool pmtu;                 /* trace: --mtu, the path MTU searched */
};

/* One target of a run. */
struct report_target {
    const char *name;          /* as the user gave it */
    struct hw_addr addr;       /* the address probed; AF_UNSPEC when it did not
                                  resolve */
    int status;                /* 0, or why it was not probed (a negative hw
                                  status: HW_ENAME, HW_ENOADDR, HW_EDNS, ...) */
    const char *error;         /* that reason as a message, or NULL */
    bool reached;              /* the target itself answered, at least once */
    struct hw_stats stats;     /* its own numbers: ping, its probes; trace, see
                                  report_target_from_trace() */
    int send_status;           /* ping mode: its latest send error (stats.errors
                                  counts them), else 0 */
    const struct hw_trace_snapshot *snap; /* trace mode: its trace; else NULL */
    const struct hw_pmtu_result *pmtu; /* trace mode with --mtu: its path MTU
                                  search; else NULL */
};

/* Everything a report of a whole run shows. */
struct report_run {
    enum report_mode mode;                    /* trace or ping */
    const char *local_host;                   /* our host name ("HOST:") */
    report_name_fn name_of;                   /* NULL: addresses only */
    void *name_arg;                           /* passed to name_of */
    report_as_fn as_of;                       /* origin AS (-z, -y), NULL: not shown */
    void *as_arg;                             /* passed to as_of */
    int as_field;                             /* the field shown (enum hw_as_field) */
    bool wide;                                /* never truncate host names */
    const char *order;                        /* text columns (-o), NULL: default */
    struct report_settings settings;          /* the probe settings */
    const struct hw_engine_counters *counters;/* packets seen, may be NULL */
    int64_t start_real_ns;                    /* wall clock when probing began */
    int64_t end_real_ns;                      /* wall clock of this report */
    const struct report_target *targets;      /* every target, in the given order */
    size_t ntargets;                          /* how many */
};

/* One trace's table, as the text report draws it. */
struct report_trace {
    const struct hw_trace_snapshot *snap;     /* the data */
    const char *target_name;                  /* the target as given */
    const char *local_host;                   /* our host name ("HOST:") */
    report_name_fn name_of;                   /* NULL: addresses only */
    void *name_arg;                           /* passed to name_of */
    report_as_fn as_of;                       /* origin AS (-z, -y), NULL: not shown */
    void *as_arg;                             /* passed to as_of */
    int as_field;                             /* the field shown (enum hw_as_field) */
    bool wide;                                /* never truncate host names */
    const char *order;                        /* columns (-o), NULL: default */
    struct report_settings settings;          /* for the end line (max TTL, -U) */
    const struct hw_engine_counters *counters;/* packets seen, may be NULL */
    const struct hw_pmtu_result *pmtu;        /* --mtu: the path MTU search (an
                                                 MTU column by default, and a
                                                 line under the table); NULL */
};

/* ---- whole runs -------------------------------------------------------- */

/* --report: trace mode, one mtr-style table per target in order (with more
 * than one target each is headed by a "Target:" line, and a summary table
 * of the targets follows); ping mode, one table with a line per target.
 * A target that was not probed shows its error.  Returns 0, or -errno when
 * writing failed. */
int report_text(FILE *f, const struct report_run *r);

/* --json: the one document (schema in doc/json-schema.md).  Returns 0, or
 * -errno when writing failed. */
int report_json(FILE *f, const struct report_run *r);

/* --csv: a header row, then one row per target (ping) or per target, hop
 * and responder (trace); columns in doc/hopwatch.8.  Returns 0, or -errno
 * when writing failed. */
int report_csv(FILE *f, const struct report_run *r);

/* "ok", "name-error", "no-address", "dns-error", "no-socket" or "error" for
 * a report_target.status; static. */
const char *report_status_name(int status);

/* "ipv4", "ipv6" or "unknown"; static. */
const char *report_family_name(int family);

/* ---- one trace's table --------------------------------------------------- */

/* Write the mtr-style table of one trace.  Returns 0, or -errno when
 * writing failed. */
int report_trace_text(FILE *f, const struct report_trace *r);

/* The text shown for a responder: its name, or its address, followed by a
 * traceroute-style mark (" !X") when it answered unreachable; with as_of
 * set, mtr's way, the AS field first ("AS64512  r1.lab").  Writes into buf
 * and returns it. */
char *report_host_text(const struct report_trace *r, const struct hw_responder *resp, char *buf,
                       size_t len);

/* Field (enum hw_as_field) of *i as shown in a host cell, printable ASCII:
 * "AS64512", the prefix, ...; "AS???" (the number) or "???" (the others)
 * while unknown, as mtr.  Writes into buf and returns it. */
char *report_as_text(const struct hw_asinfo *i, int field, char *buf, size_t len);

/* The width report_host_text() pads field's text to (mtr's), so that the
 * names after it line up. */
int report_as_width(int field);

/* Characters (not bytes) of UTF-8 text s. */
size_t report_text_width(const char *s);

/* Write s left-aligned in exactly width character columns: padded with
 * spaces, or cut at a character boundary with its last column replaced by
 * REPORT_CUT_MARK when it is longer. */
void report_put_cell(FILE *f, const char *s, size_t width);

/* The titles of cols, each after a space, aligned as its cells, then a
 * newline. */
void report_put_titles(FILE *f, const struct column *const *cols, size_t ncols);

/* The cells of row under cols, each after a space, then a newline. */
void report_put_cells(FILE *f, const struct column *const *cols, size_t ncols,
                      const struct column_row *row);

/* ---- JSON pieces shared by the document and the stream ------------------ */

/* The "settings" member's object. */
void report_json_settings(struct json *j, const struct report_run *r);

/* The members of one route event object (kind, time, ttl, old_ttl, from,
 * to, icmp_type, icmp_code, reason, path); family is the target's. */
void report_json_route_event_members(struct json *j, int family,
                                     const struct hw_route_event *ev);

/* The members of a target object (inside an object the caller opened):
 * name, address, status, numbers; with hops (trace mode) its end, hops and
 * route history (route_changes, current_path, paths, events) too. */
void report_json_target_members(struct json *j, const struct report_run *r,
                                const struct report_target *t, bool hops);

/* The "packets" object: the engine's counters (sent, received, matched,
 * ..., short_quotes, suspected_forgery). */
void report_json_packets(struct json *j, const struct hw_engine_counters *c);

/* ---- the JSON-lines stream (--jsonl, --log) -------------------------------
 * One JSON object per line, each line formatted in memory and written with
 * one write(2), so a reader (or a log shipper) never sees half a record, even
 * when the program is killed between two lines; a write that a full disk
 * cuts short is cut back off the file, so the file never ends in a torn
 * line.  Records: "start" (settings and
 * targets), "probe" (one per probe outcome, late and duplicate answers
 * included), "route_change" (one per route event, as it is told),
 * "summary" (periodic, and a last one with "final": true).
 *
 * For the interactive screen (--log FILE): open the file, then
 *     st = report_stream_new(f);
 *     report_stream_start(st, &run);                       once, at the start
 *     report_stream_probe(st, &target, ttl, result, now);  from the trace observer
 *     report_stream_summary(st, &run, false, now);         every summary interval
 *     report_stream_summary(st, &run, true, now);          once, when leaving
 *     report_stream_free(st); fclose(f);
 * where run holds the same snapshots a --json report would.  Each call
 * returns 0 or the -errno of a write error (then, and for every later call,
 * nothing more is written). */
struct report_stream;

/* A stream writing to f (line-buffered from now on; f stays the caller's;
 * records go to its descriptor directly, after flushing what f holds).
 * NULL when out of memory. */
struct report_stream *report_stream_new(FILE *f);

/* Free the stream (f is not closed).  NULL is accepted. */
void report_stream_free(struct report_stream *s);

/* The "start" record: schema, version, host, mode, time, settings, and the
 * targets with their addresses or errors. */
int report_stream_start(struct report_stream *s, const struct report_run *r);

/* A "probe" record for result p of target t (name and address used); ttl
 * is the probe's TTL in trace mode and 0 in ping mode (written as null).
 * Cancelled probes are not written.  now_real_ns stamps outcomes that have
 * no arrival time (timeouts). */
int report_stream_probe(struct report_stream *s, const struct report_target *t, int ttl,
                        const struct hw_probe_result *p, int64_t now_real_ns);

/* A "route_change" record of target t: the event's members
 * (report_json_route_event_members). */
int report_stream_route_event(struct report_stream *s, const struct report_target *t,
                              const struct hw_route_event *ev);

/* A "summary" record of every target (final: the last one of the run). */
int report_stream_summary(struct report_stream *s, const struct report_run *r, bool final,
                          int64_t now_real_ns);

/* 0, or the -errno of the first write error. */
int report_stream_error(const struct report_stream *s);

#endif
