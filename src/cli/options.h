/* options.h - hopwatch's command line: one parse into one struct, with one
 * bounded number parser and one error format. */
#ifndef HW_CLI_OPTIONS_H
#define HW_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* How results are written. */
enum cli_output {
    CLI_OUT_TUI = 0,   /* the interactive screen */
    CLI_OUT_TEXT,      /* --report: mtr-style table */
    CLI_OUT_JSON,      /* --json: one JSON document */
    CLI_OUT_CSV,       /* --csv: a header and one row per hop responder / target */
    CLI_OUT_JSONL,     /* --jsonl: a stream of JSON objects, one a line */
};

/* Most -F options on one command line. */
#define CLI_FILES_MAX 32

/* The default of --pps and the most an unprivileged user may ask for. */
#define CLI_PPS_DEFAULT 1000

/* The smallest payload (-s) of a Paris UDP probe: its last two bytes steer
 * the checksum that identifies the probe (hw__build_udp_paris). */
#define CLI_PARIS_SIZE_MIN 2

/* Longest zone accepted by --as-zone4, --as-zone6 and --as-name-zone. */
#define CLI_ZONE_MAX 200

struct cli_options {
    enum cli_output output;   /* what to produce */
    uint64_t cycles;          /* -c: probes per hop / per target (default 10),
                                 0: until stopped (--jsonl only) */
    double interval_s;        /* -i: seconds between rounds */
    double timeout_s;         /* -Z: seconds a probe waits for its answer */
    int first_ttl;            /* -f */
    int max_ttl;              /* -m */
    int max_unknown;          /* -U */
    int family;               /* AF_UNSPEC, or AF_INET (-4) / AF_INET6 (-6) */
    bool numeric;             /* -n: no reverse DNS */
    bool wide;                /* -w: never truncate host names */
    size_t payload_size;      /* -s: ICMP payload bytes */
    int tos;                  /* -Q: TOS / traffic class */
    int method;               /* enum hw_method: -u, -T, --paris (ICMP default) */
    int port;                 /* -P: UDP/TCP port, 0: the method's default */
    int privilege;            /* enum hw_privilege: --privileged/--unprivileged */
    const char *source;       /* -a: source address */
    const char *device;       /* -I: interface */
    unsigned long mark;       /* -M: socket mark */
    int pattern;              /* -B: payload byte, -1 random, -2 counting */
    bool dont_fragment;       /* --dont-fragment */
    bool pmtu;                /* --mtu: find each target's path MTU (sets
                                 don't-fragment on every probe) */
    bool ping;                /* --ping: ping every target, fping's model (no trace) */
    bool generate;            /* -g: the targets words are a range (CIDR or START END) */
    const char *files[CLI_FILES_MAX]; /* -F: target files, "-" for stdin */
    size_t nfiles;            /* how many -F */
    double pps;               /* --pps: probes per second over all targets (ping
                                 mode), 0: no cap */
    const char *log_path;     /* --log: also write the JSON-lines stream here */
    double summary_interval_s;/* --summary-interval: between stream summaries */
    bool show_memory;         /* --show-memory: memory figures on stderr at the end */
    const char *order;        /* -o: the table's columns (letters of
                                 report/columns.h), NULL: the default */
    bool no_adapt;            /* --no-adapt: never probe rate-limited hops
                                 slower */
    bool as_lookup;           /* -z / -y: look up and show each responder's
                                 origin AS */
    int as_field;             /* -y: which field to show (enum hw_as_field),
                                 0 (the AS number) with -z */
    const char *as_zone4;     /* --as-zone4: IPv4 origin zone, NULL: Cymru's */
    const char *as_zone6;     /* --as-zone6: IPv6 origin zone, NULL: Cymru's */
    const char *as_name_zone; /* --as-name-zone: AS-name zone, NULL: Cymru's */
    char **targets;           /* the target words (pointers into argv) */
    size_t ntargets;          /* how many (0 with -F only) */
    bool help;                /* -h */
    bool version;             /* -v */
};

/* Fill o with defaults. */
void cli_options_init(struct cli_options *o);

/* Parse argv into o.  Returns 0, or CLI_EXIT_USAGE with a one-line message
 * (no "hopwatch: " prefix, no newline; printable ASCII only: the words of
 * argv it quotes are sanitised with report_sanitize) in err. */
int cli_options_parse(struct cli_options *o, int argc, char **argv, char *err, size_t errlen);

/* Parse a decimal number within [min, max] for option what (e.g. "-i").
 * Returns 0, or -1 with "invalid value 'x' for -i: ..." in err. */
int cli_parse_number(const char *s, double min, double max, const char *what, double *out,
                     char *err, size_t errlen);

/* The same for integers (no fraction, no exponent). */
int cli_parse_int(const char *s, long long min, long long max, const char *what, long long *out,
                  char *err, size_t errlen);

/* Write the --help text to f. */
void cli_usage(FILE *f);

#endif
