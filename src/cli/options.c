/* options.c - parsing hopwatch's command line.  Every number goes through
 * cli_parse_number / cli_parse_int, so every bad value gets the same
 * one-line error naming the option, the value and the accepted range.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <hopwatch/addr.h>
#include <hopwatch/asn.h>
#include <hopwatch/engine.h>

#include "cli/exitcode.h"
#include "cli/options.h"
#include "report/columns.h"
#include "report/sanitize.h"

void
cli_options_init(struct cli_options *o)
{
    memset(o, 0, sizeof(*o));
    o->output = CLI_OUT_TUI;
    o->cycles = 10;
    o->interval_s = 1.0;
    o->timeout_s = 2.0;
    o->first_ttl = 1;
    o->max_ttl = 30;
    o->max_unknown = 5;
    o->family = AF_UNSPEC;
    o->payload_size = 56;
    o->method = HW_METHOD_ICMP;
    o->privilege = HW_PRIV_AUTO;
    o->pattern = -2;
    o->pps = CLI_PPS_DEFAULT;
    o->summary_interval_s = 10;
}

int
cli_parse_number(const char *s, double min, double max, const char *what, double *out,
                 char *err, size_t errlen)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (s[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v) || v < min || v > max) {
        snprintf(err, errlen, "invalid value '%s' for %s: expected a number from %g to %g", s,
                 what, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int
cli_parse_int(const char *s, long long min, long long max, const char *what, long long *out,
              char *err, size_t errlen)
{
    char *end;
    long long v;

    errno = 0;
    v = strtoll(s, &end, 10);
    if (s[0] == '\0' || *end != '\0' || errno == ERANGE || v < min || v > max) {
        snprintf(err, errlen, "invalid value '%s' for %s: expected a whole number from %lld to %lld",
                 s, what, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

/* Long options without a letter. */
enum {
    OPT_PARIS = 256,
    OPT_DF,
    OPT_PRIV,
    OPT_UNPRIV,
    OPT_PING,
    OPT_PPS,
    OPT_JSONL,
    OPT_LOG,
    OPT_SUMMARY,
    OPT_MEMORY,
    OPT_NO_ADAPT,
    OPT_MTU,
    OPT_AS_ZONE4,
    OPT_AS_ZONE6,
    OPT_AS_NAME_ZONE,
};

static const struct option long_options[] = {
    {"report", no_argument, NULL, 'r'},
    {"json", no_argument, NULL, 'j'},
    {"csv", no_argument, NULL, 'C'},
    {"jsonl", no_argument, NULL, OPT_JSONL},
    {"log", required_argument, NULL, OPT_LOG},
    {"summary-interval", required_argument, NULL, OPT_SUMMARY},
    {"ping", no_argument, NULL, OPT_PING},
    {"file", required_argument, NULL, 'F'},
    {"filename", required_argument, NULL, 'F'},
    {"generate", no_argument, NULL, 'g'},
    {"pps", required_argument, NULL, OPT_PPS},
    {"show-memory", no_argument, NULL, OPT_MEMORY},
    {"order", required_argument, NULL, 'o'},
    {"no-adapt", no_argument, NULL, OPT_NO_ADAPT},
    {"aslookup", no_argument, NULL, 'z'},
    {"ipinfo", required_argument, NULL, 'y'},
    {"as-zone4", required_argument, NULL, OPT_AS_ZONE4},
    {"as-zone6", required_argument, NULL, OPT_AS_ZONE6},
    {"as-name-zone", required_argument, NULL, OPT_AS_NAME_ZONE},
    {"report-cycles", required_argument, NULL, 'c'},
    {"count", required_argument, NULL, 'c'},
    {"interval", required_argument, NULL, 'i'},
    {"timeout", required_argument, NULL, 'Z'},
    {"first-ttl", required_argument, NULL, 'f'},
    {"max-ttl", required_argument, NULL, 'm'},
    {"max-unknown", required_argument, NULL, 'U'},
    {"ipv4", no_argument, NULL, '4'},
    {"ipv6", no_argument, NULL, '6'},
    {"no-dns", no_argument, NULL, 'n'},
    {"report-wide", no_argument, NULL, 'w'},
    {"wide", no_argument, NULL, 'w'},
    {"size", required_argument, NULL, 's'},
    {"tos", required_argument, NULL, 'Q'},
    {"udp", no_argument, NULL, 'u'},
    {"tcp", no_argument, NULL, 'T'},
    {"paris", no_argument, NULL, OPT_PARIS},
    {"port", required_argument, NULL, 'P'},
    {"address", required_argument, NULL, 'a'},
    {"interface", required_argument, NULL, 'I'},
    {"mark", required_argument, NULL, 'M'},
    {"bitpattern", required_argument, NULL, 'B'},
    {"dont-fragment", no_argument, NULL, OPT_DF},
    {"mtu", no_argument, NULL, OPT_MTU},
    {"privileged", no_argument, NULL, OPT_PRIV},
    {"unprivileged", no_argument, NULL, OPT_UNPRIV},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'v'},
    {NULL, 0, NULL, 0},
};

void
cli_usage(FILE *f)
{
    fputs("Usage: hopwatch [OPTIONS] TARGET...\n"
          "       hopwatch [OPTIONS] -g PREFIX | -g FIRST LAST\n"
          "       hopwatch [OPTIONS] -F FILE [TARGET...]\n"
          "Trace the route to each TARGET and keep measuring loss and round-trip\n"
          "time at every hop; with --ping, ping every TARGET instead (as fping).\n"
          "\n"
          "Targets:\n"
          "  -F, --file FILE         read targets from FILE, one a line ('-': stdin;\n"
          "                          '#' comments; may be repeated)\n"
          "  -g, --generate          the arguments are a range: PREFIX (198.19.0.0/24,\n"
          "                          2001:2::/116) or FIRST LAST; at most 131072 addresses\n"
          "      --ping              ping every target (fping's model), do not trace\n"
          "      --pps N             ping mode: probes per second over all targets\n"
          "                          (default 1000; more, or 0 for no cap, needs root)\n"
          "\n"
          "Output:\n"
          "  -r, --report            run for the cycles, then print a table\n"
          "  -j, --json              like --report, as one JSON document\n"
          "  -C, --csv               like --report, as CSV: a row per responder or target\n"
          "      --jsonl             stream JSON lines: every probe, periodic summaries\n"
          "                          and a final one (with -c 0: until stopped)\n"
          "      --log FILE          also write the --jsonl stream to FILE\n"
          "      --summary-interval SECONDS  between stream summaries (default 10)\n"
          "  -o, --order FIELDS      the table's columns, as letters (default LSNABWVFK):\n"
          "                          L loss%  D drop  R rcv  S snt  N last  B best\n"
          "                          A avg  W worst  V stdev  J jitter  M jitter avg\n"
          "                          X jitter max  I jitter rfc3550  F forward loss%\n"
          "                          K verdict (F, K: traces; where the loss comes from)\n"
          "                          U MTU (traces with --mtu; default LSNABWVUFK)\n"
          "  -w, --wide              never truncate host names in the table\n"
          "      --show-memory       print memory figures on stderr at the end\n"
          "\n"
          "Probing:\n"
          "  -c, --count N           probes per hop, or per target with --ping\n"
          "                          (default 10)\n"
          "  -i, --interval SECONDS  time between rounds, or between one target's probes\n"
          "                          with --ping (default 1; below 0.2 needs root)\n"
          "  -Z, --timeout SECONDS   how long a probe waits for its answer (default 2)\n"
          "  -f, --first-ttl N       first TTL to probe (default 1)\n"
          "  -m, --max-ttl N         last TTL to probe (default 30)\n"
          "  -U, --max-unknown N     stop after N silent hops in a row (default 5)\n"
          "      --no-adapt          keep probing hops whose replies are rate-limited at\n"
          "                          the full rate (default: probe them slower)\n"
          "  -s, --size BYTES        ICMP payload size (default 56)\n"
          "  -Q, --tos N             IPv4 TOS / IPv6 traffic class (default 0)\n"
          "  -u, --udp               UDP probes, destination port varied (classic)\n"
          "      --paris             UDP probes on one fixed flow (Paris traceroute;\n"
          "                          -s 2 or more)\n"
          "  -T, --tcp               TCP SYN probes\n"
          "  -P, --port PORT         UDP/TCP destination port (33434 UDP, 80 TCP)\n"
          "  -a, --address ADDRESS   source address\n"
          "  -I, --interface NAME    send through this interface\n"
          "  -M, --mark MARK         socket mark (policy routing; needs root or\n"
          "                          CAP_NET_ADMIN)\n"
          "  -B, --bitpattern N      payload byte 0-255, or -1 for random bytes\n"
          "      --dont-fragment     set don't-fragment\n"
          "      --mtu               find each target's path MTU and the hop where it\n"
          "                          drops (probes of growing size, don't-fragment on\n"
          "                          every probe): an MTU column and a line under the\n"
          "                          table; traces only\n"
          "      --privileged        raw sockets only (root or CAP_NET_RAW)\n"
          "      --unprivileged      ICMP datagram sockets only (ping_group_range)\n"
          "  -4, --ipv4              use IPv4 only\n"
          "  -6, --ipv6              use IPv6 only\n"
          "  -n, --no-dns            show addresses, do not look up names\n"
          "  -z, --aslookup          show each hop's origin AS (DNS TXT records)\n"
          "  -y, --ipinfo N          show AS field N: 0 AS number, 1 prefix, 2 country,\n"
          "                          3 registry, 4 allocation date, 5 AS name (implies -z)\n"
          "      --as-zone4 ZONE     IPv4 origin zone (default " HW_AS_ZONE4 ")\n"
          "      --as-zone6 ZONE     IPv6 origin zone (default " HW_AS_ZONE6 ")\n"
          "      --as-name-zone ZONE AS-name zone (default " HW_AS_NAME_ZONE ")\n"
          "\n"
          "  -h, --help              show this help\n"
          "  -v, --version           show the version\n"
          "\n"
          "Exit status: 0 every target reached, 1 some not reached, 2 a name did not\n"
          "resolve or a target file line was bad, 3 usage error, 4 system error.\n"
          "See hopwatch(8).\n",
          f);
}

/* A zone name: labels of letters, digits, '-' and '_' (1 to 63 of them),
 * dot apart, an optional final dot, at most CLI_ZONE_MAX characters.  It
 * becomes part of query names, so nothing else gets in. */
static bool
zone_ok(const char *z)
{
    size_t n = strlen(z), label = 0;

    if (n == 0 || n > CLI_ZONE_MAX || z[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = z[i];

        if (ch == '.') {
            if (label == 0)
                return false;
            label = 0;
            continue;
        }
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_') ||
            ++label > 63)
            return false;
    }
    return true;
}

static int
parse(struct cli_options *o, int argc, char **argv, char *err, size_t errlen)
{
    long long n;
    int c;

    /* Options may come after the targets (GNU order, as fping and mtr
     * accept); ':' tells a missing argument from an unknown option. */
    opterr = 0;
    /* 0, not 1: glibc then forgets where it was inside a cluster of
     * letters (-hr) from an earlier parse that returned in the middle of
     * it (found by tests/fuzz/fuzz_options.c). */
    optind = 0;
    while ((c = getopt_long(argc, argv, ":rjCF:gc:i:Z:f:m:U:46nzy:wo:s:Q:uTP:a:I:M:B:hv", long_options,
                            NULL)) != -1) {
        switch (c) {
        case 'r':
            o->output = CLI_OUT_TEXT;
            break;
        case 'j':
            o->output = CLI_OUT_JSON;
            break;
        case 'C':
            o->output = CLI_OUT_CSV;
            break;
        case OPT_JSONL:
            o->output = CLI_OUT_JSONL;
            break;
        case OPT_LOG:
            if (optarg[0] == '\0' || strcmp(optarg, "-") == 0) {
                snprintf(err, errlen, "--log needs a file name (standard output is for the "
                                      "report or the screen)");
                return CLI_EXIT_USAGE;
            }
            o->log_path = optarg;
            break;
        case OPT_SUMMARY:
            if (cli_parse_number(optarg, 0.1, 86400, "--summary-interval",
                                 &o->summary_interval_s, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            break;
        case OPT_PING:
            o->ping = true;
            break;
        case 'F':
            if (optarg[0] == '\0') {
                snprintf(err, errlen, "-F needs a file name ('-' for standard input)");
                return CLI_EXIT_USAGE;
            }
            for (size_t i = 0; i < o->nfiles; i++) {
                if (strcmp(optarg, "-") == 0 && strcmp(o->files[i], "-") == 0) {
                    snprintf(err, errlen, "-F - (standard input) is given twice");
                    return CLI_EXIT_USAGE;
                }
            }
            if (o->nfiles == CLI_FILES_MAX) {
                snprintf(err, errlen, "too many -F files (at most %d)", CLI_FILES_MAX);
                return CLI_EXIT_USAGE;
            }
            o->files[o->nfiles++] = optarg;
            break;
        case 'g':
            o->generate = true;
            break;
        case OPT_PPS:
            if (cli_parse_number(optarg, 0, 1000000, "--pps", &o->pps, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            break;
        case OPT_MEMORY:
            o->show_memory = true;
            break;
        case 'o': {
            const struct column *cols[COLUMNS_MAX];
            char why[128];

            if (strlen(optarg) > COLUMNS_MAX) {
                snprintf(err, errlen, "invalid value '%s' for -o: at most %d fields", optarg,
                         COLUMNS_MAX);
                return CLI_EXIT_USAGE;
            }
            if (columns_parse(optarg, cols, COLUMNS_MAX, why, sizeof(why)) < 0) {
                snprintf(err, errlen, "invalid value for -o: %s", why);
                return CLI_EXIT_USAGE;
            }
            o->order = optarg;
            break;
        }
        case OPT_NO_ADAPT:
            o->no_adapt = true;
            break;
        case 'c':
            if (cli_parse_int(optarg, 0, 1000000000, "-c", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->cycles = (uint64_t)n;
            break;
        case 'i':
            if (cli_parse_number(optarg, 0.001, 3600, "-i", &o->interval_s, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            break;
        case 'Z':
            if (cli_parse_number(optarg, 0.001, 3600, "-Z", &o->timeout_s, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            break;
        case 'f':
            if (cli_parse_int(optarg, 1, 255, "-f", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->first_ttl = (int)n;
            break;
        case 'm':
            if (cli_parse_int(optarg, 1, 255, "-m", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->max_ttl = (int)n;
            break;
        case 'U':
            if (cli_parse_int(optarg, 1, 255, "-U", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->max_unknown = (int)n;
            break;
        case '4':
        case '6':
            if (o->family != AF_UNSPEC && o->family != (c == '4' ? AF_INET : AF_INET6)) {
                snprintf(err, errlen, "-4 and -6 cannot be used together");
                return CLI_EXIT_USAGE;
            }
            o->family = c == '4' ? AF_INET : AF_INET6;
            break;
        case 'n':
            o->numeric = true;
            break;
        case 'z':
            o->as_lookup = true;
            break;
        case 'y':
            if (cli_parse_int(optarg, 0, HW_AS_FIELDS - 1, "-y", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->as_lookup = true;
            o->as_field = (int)n;
            break;
        case OPT_AS_ZONE4:
        case OPT_AS_ZONE6:
        case OPT_AS_NAME_ZONE: {
            const char *what = c == OPT_AS_ZONE4   ? "--as-zone4"
                               : c == OPT_AS_ZONE6 ? "--as-zone6"
                                                   : "--as-name-zone";

            if (!zone_ok(optarg)) {
                snprintf(err, errlen, "invalid zone '%s' for %s: expected a DNS name of at "
                                      "most %d characters (letters, digits, '-', '_', '.')",
                         optarg, what, CLI_ZONE_MAX);
                return CLI_EXIT_USAGE;
            }
            if (c == OPT_AS_ZONE4)
                o->as_zone4 = optarg;
            else if (c == OPT_AS_ZONE6)
                o->as_zone6 = optarg;
            else
                o->as_name_zone = optarg;
            break;
        }
        case 'w':
            o->wide = true;
            break;
        case 's':
            if (cli_parse_int(optarg, 0, 65000, "-s", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->payload_size = (size_t)n;
            break;
        case 'Q':
            if (cli_parse_int(optarg, 0, 255, "-Q", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->tos = (int)n;
            break;
        case 'u':
            o->method = o->method == HW_METHOD_UDP_PARIS ? HW_METHOD_UDP_PARIS : HW_METHOD_UDP;
            break;
        case OPT_PARIS:
            o->method = HW_METHOD_UDP_PARIS;
            break;
        case 'T':
            o->method = HW_METHOD_TCP;
            break;
        case 'P':
            if (cli_parse_int(optarg, 1, 65535, "-P", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->port = (int)n;
            break;
        case 'a':
            o->source = optarg;
            break;
        case 'I':
            if (optarg[0] == '\0' || strlen(optarg) > 15) {
                snprintf(err, errlen, "invalid interface name '%s' for -I", optarg);
                return CLI_EXIT_USAGE;
            }
            o->device = optarg;
            break;
        case 'M':
            if (cli_parse_int(optarg, 0, 4294967295LL, "-M", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->mark = (unsigned long)n;
            break;
        case 'B':
            if (cli_parse_int(optarg, -1, 255, "-B", &n, err, errlen) < 0)
                return CLI_EXIT_USAGE;
            o->pattern = (int)n;
            break;
        case OPT_MTU:
            o->pmtu = true;
            break;
        case OPT_DF:
            o->dont_fragment = true;
            break;
        case OPT_PRIV:
        case OPT_UNPRIV:
            o->privilege = c == OPT_PRIV ? HW_PRIV_RAW : HW_PRIV_DGRAM;
            break;
        case 'h':
            o->help = true;
            return 0;
        case 'v':
            o->version = true;
            return 0;
        case ':':
            snprintf(err, errlen, "option %s needs a value", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        default:
            if (optopt != 0)
                snprintf(err, errlen, "unknown option -%c (try --help)", optopt);
            else
                snprintf(err, errlen, "unknown option %s (try --help)", argv[optind - 1]);
            return CLI_EXIT_USAGE;
        }
    }
    if (o->as_lookup && o->ping) {
        snprintf(err, errlen, "-z and -y show the origin AS of each hop of a trace: not with "
                              "--ping");
        return CLI_EXIT_USAGE;
    }
    if (o->privilege == HW_PRIV_DGRAM && o->method != HW_METHOD_ICMP) {
        snprintf(err, errlen, "UDP and TCP probes need raw sockets: --unprivileged is ICMP only");
        return CLI_EXIT_USAGE;
    }
    if (o->method == HW_METHOD_UDP && o->port > 65535 - 1024) {
        snprintf(err, errlen, "-P %d: classic UDP walks 1024 ports up from -P: use at most 64511, "
                              "or --paris", o->port);
        return CLI_EXIT_USAGE;
    }
    /* A source of the other family would be ignored and the probes would
     * leave from another address: refuse it.  Only a numeric source is
     * taken (names are resolved after the privileges are dropped, too late
     * for the sockets), so the parser can say it now. */
    if (o->source != NULL) {
        struct hw_addr src;

        if (hw_addr_parse(o->source, &src) < 0) {
            snprintf(err, errlen, "invalid source address '%s' for -a: a numeric IPv4 or IPv6 "
                                  "address is needed", o->source);
            return CLI_EXIT_USAGE;
        }
        if (o->family != AF_UNSPEC && o->family != src.family) {
            snprintf(err, errlen, "-a %s is an %s address: it cannot be used with -%c",
                     o->source, src.family == AF_INET ? "IPv4" : "IPv6",
                     o->family == AF_INET ? '4' : '6');
            return CLI_EXIT_USAGE;
        }
    }
    /* Paris probes tell themselves apart by the UDP checksum, which the
     * last two payload bytes steer: with fewer the engine refuses every
     * probe, and a trace would wait forever sending nothing. */
    if (o->method == HW_METHOD_UDP_PARIS && o->payload_size < CLI_PARIS_SIZE_MIN) {
        snprintf(err, errlen, "--paris needs -s %d or more: two payload bytes set the UDP "
                              "checksum that tells the probes apart", CLI_PARIS_SIZE_MIN);
        return CLI_EXIT_USAGE;
    }
    if (o->first_ttl > o->max_ttl) {
        snprintf(err, errlen, "first TTL (-f %d) is larger than max TTL (-m %d)", o->first_ttl,
                 o->max_ttl);
        return CLI_EXIT_USAGE;
    }
    if (o->cycles == 0 && o->output != CLI_OUT_JSONL) {
        snprintf(err, errlen, "-c 0 (probe until stopped) is only for --jsonl");
        return CLI_EXIT_USAGE;
    }
    if (o->ping && (o->method == HW_METHOD_UDP || o->method == HW_METHOD_UDP_PARIS)) {
        snprintf(err, errlen, "--ping sends ICMP echo requests or TCP SYNs (-T): UDP probes "
                              "(-u, --paris) are for tracing");
        return CLI_EXIT_USAGE;
    }
    if (o->ping && o->pmtu) {
        snprintf(err, errlen, "--mtu finds the path MTU of traces: it cannot be used with --ping");
        return CLI_EXIT_USAGE;
    }
    /* Until the screen has a view for it, ping mode is a batch mode. */
    if (o->ping && o->output == CLI_OUT_TUI) {
        snprintf(err, errlen, "--ping needs an output: --report, --json, --csv or --jsonl");
        return CLI_EXIT_USAGE;
    }
    o->targets = argv + optind;
    o->ntargets = (size_t)(argc - optind);
    if (o->generate && (o->ntargets < 1 || o->ntargets > 2)) {
        snprintf(err, errlen, "-g takes a prefix (198.19.0.0/24) or a first and a last "
                              "address, not %zu word%s", o->ntargets, o->ntargets == 1 ? "" : "s");
        return CLI_EXIT_USAGE;
    }
    if (o->ntargets == 0 && o->nfiles == 0) {
        snprintf(err, errlen, "no target given (try --help)");
        return CLI_EXIT_USAGE;
    }
    for (size_t i = 0; i < o->ntargets; i++) {
        if (o->targets[i][0] == '\0') {
            snprintf(err, errlen, "target %zu is an empty string", i + 1);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

int
cli_options_parse(struct cli_options *o, int argc, char **argv, char *err, size_t errlen)
{
    int rc = parse(o, argc, argv, err, errlen);

    /* Errors quote the user's words (values, option names, -a): whatever
     * they hold, the message that reaches the terminal is one printable
     * line, sanitised in the one place every printed name goes through. */
    if (rc != 0 && errlen > 0)
        report_sanitize(err, err, errlen);
    return rc;
}
