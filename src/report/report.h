/* report.h - writing a finished (or interrupted) run: mtr-style text and
 * JSON.  Reporters read snapshots only; they never touch the engine. */
#ifndef HW_REPORT_REPORT_H
#define HW_REPORT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <hopwatch/engine.h>
#include <hopwatch/trace.h>

/* Look up the name to show for an address: a name, or NULL to show the
 * address. */
typedef const char *(*report_name_fn)(void *arg, const struct hw_addr *a);

/* The probe settings of a run, echoed into reports. */
struct report_settings {
    const char *protocol;      /* "icmp", "udp", "udp-paris", "tcp" */
    int port;                  /* UDP/TCP port asked for, 0: default */
    const char *mode;          /* "raw" or "unprivileged" */
    unsigned long long cycles; /* probes per hop, 0 endless */
    double interval_s;         /* between rounds */
    double timeout_s;          /* per probe */
    int first_ttl;             /* first TTL probed */
    int max_ttl;               /* last TTL allowed */
    int max_unknown;           /* silent hops before giving up */
    size_t payload_size;       /* ICMP payload bytes */
    int tos;                   /* TOS / traffic class */
    bool dns;                  /* reverse names looked up */
};

struct report_trace {
    const struct hw_trace_snapshot *snap;     /* the data */
    const char *target_name;                  /* the target as given */
    const char *local_host;                   /* our host name ("HOST:") */
    report_name_fn name_of;                   /* NULL: addresses only */
    void *name_arg;                           /* passed to name_of */
    bool wide;                                /* never truncate host names */
    struct report_settings settings;          /* echoed in JSON */
    const struct hw_engine_counters *counters;/* packets seen, may be NULL */
};

/* Write the mtr-style table.  Returns 0, or -errno when writing failed. */
int report_trace_text(FILE *f, const struct report_trace *r);

/* Write the JSON document (schema in doc/json-schema.md).  Returns 0, or
 * -errno when writing failed. */
int report_trace_json(FILE *f, const struct report_trace *r);

/* The text shown for a responder: its name, or its address, followed by a
 * traceroute-style mark (" !X") when it answered unreachable.  Writes into
 * buf and returns it. */
char *report_host_text(const struct report_trace *r, const struct hw_responder *resp, char *buf,
                       size_t len);

#endif
