/* test_options.c - the command-line parser: values, ranges, and the one-line
 * errors that go with exit code 3. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "cli/exitcode.h"
#include "cli/options.h"

/* Parse a NULL-terminated list of arguments (argv[0] added). */
static int
parse(struct cli_options *o, char *err, const char *const *args)
{
    /* Static: the parsed options point into argv. */
    static char *argv[32];
    int argc = 0;

    argv[argc++] = (char *)"hopwatch";
    for (; *args != NULL; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    cli_options_init(o);
    err[0] = '\0';
    return cli_options_parse(o, argc, argv, err, 256);
}

#define PARSE(o, err, ...) parse(o, err, (const char *const[]){__VA_ARGS__, NULL})

static void
test_options_report_with_everything(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "--report", "-c", "25", "-i", "0.5", "-f", "2", "-m", "9",
                           "-U", "3", "-6", "-n", "-w", "-s", "100", "-Q", "16", "-Z", "1.5",
                           "target.lab"),
                     0);
    assert_int_equal(o.output, CLI_OUT_TEXT);
    assert_int_equal(o.cycles, 25);
    assert_true(o.interval_s == 0.5);
    assert_true(o.timeout_s == 1.5);
    assert_int_equal(o.first_ttl, 2);
    assert_int_equal(o.max_ttl, 9);
    assert_int_equal(o.max_unknown, 3);
    assert_int_equal(o.family, AF_INET6);
    assert_true(o.numeric);
    assert_true(o.wide);
    assert_int_equal(o.payload_size, 100);
    assert_int_equal(o.tos, 16);
    assert_int_equal(o.ntargets, 1);
    assert_string_equal(o.targets[0], "target.lab");
}

static void
test_options_defaults(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "--json", "198.18.0.1"), 0);
    assert_int_equal(o.output, CLI_OUT_JSON);
    assert_int_equal(o.cycles, 10);
    assert_true(o.interval_s == 1.0);
    assert_int_equal(o.first_ttl, 1);
    assert_int_equal(o.max_ttl, 30);
    assert_int_equal(o.max_unknown, 5);
    assert_int_equal(o.family, AF_UNSPEC);
    assert_int_equal(o.payload_size, 56);
}

static void
test_options_bad_numbers(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "-c", "-1", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err,
                        "invalid value '-1' for -c: expected a whole number from 0 to 1000000000");
    assert_int_equal(PARSE(&o, err, "-c", "1.5", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-c", "", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-c", "99999999999999999999", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-i", "abc", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "invalid value 'abc' for -i: expected a number from 0.001 to 3600");
    assert_int_equal(PARSE(&o, err, "-i", "nan", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-i", "inf", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-i", "0", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-m", "256", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-f", "-1", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-s", "65001", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-Q", "256", "x"), CLI_EXIT_USAGE);
}

/* -z and -y as mtr's (-y 5, the AS name, is ours), the zones checked
 * before they become parts of query names. */
static void
test_options_as_lookup(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "x"), 0);
    assert_false(o.as_lookup);
    assert_int_equal(PARSE(&o, err, "-z", "x"), 0);
    assert_true(o.as_lookup);
    assert_int_equal(o.as_field, 0);
    assert_null(o.as_zone4);
    assert_int_equal(PARSE(&o, err, "-y", "5", "x"), 0);
    assert_true(o.as_lookup);
    assert_int_equal(o.as_field, 5);
    assert_int_equal(PARSE(&o, err, "--ipinfo", "2", "--aslookup", "x"), 0);
    assert_int_equal(o.as_field, 2);
    assert_int_equal(PARSE(&o, err, "-y", "6", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "invalid value '6' for -y: expected a whole number from 0 to 5");
    assert_int_equal(PARSE(&o, err, "-y", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-z", "--as-zone4", "origin.asn.lab.", "--as-zone6",
                           "origin6.asn.lab", "--as-name-zone", "asn.lab", "x"),
                     0);
    assert_string_equal(o.as_zone4, "origin.asn.lab.");
    assert_string_equal(o.as_zone6, "origin6.asn.lab");
    assert_string_equal(o.as_name_zone, "asn.lab");
    static const char *const bad[] = {"", ".", "a..b", ".lab", "a b", "a/b", "a\x1b[2J",
                                      "xn--\xc3\xa9"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (PARSE(&o, err, "--as-zone4", bad[i], "x") != CLI_EXIT_USAGE)
            fail_msg("zone %zu accepted", i);
        assert_non_null(strstr(err, "for --as-zone4"));
    }
    char label[80];
    memset(label, 'a', 64);
    label[64] = '\0';
    assert_int_equal(PARSE(&o, err, "--as-zone6", label, "x"), CLI_EXIT_USAGE);
    label[63] = '\0';
    assert_int_equal(PARSE(&o, err, "--as-zone6", label, "x"), 0);
    assert_int_equal(PARSE(&o, err, "--ping", "-z", "x"), CLI_EXIT_USAGE);
    assert_non_null(strstr(err, "not with --ping"));
}

static void
test_options_structural_errors(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "--report"), CLI_EXIT_USAGE);
    assert_string_equal(err, "no target given (try --help)");
    assert_int_equal(PARSE(&o, err, "a", "b", "c"), 0);
    assert_int_equal(o.ntargets, 3);
    assert_string_equal(o.targets[2], "c");
    assert_int_equal(PARSE(&o, err, "a", ""), CLI_EXIT_USAGE);
    assert_string_equal(err, "target 2 is an empty string");
    assert_int_equal(PARSE(&o, err, "--bogus", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "unknown option --bogus (try --help)");
    /* -k: -y became mtr's --ipinfo. */
    assert_int_equal(PARSE(&o, err, "-k", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "unknown option -k (try --help)");
    /* Options may follow targets (GNU order). */
    assert_int_equal(PARSE(&o, err, "x", "-c"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "x", "--report", "-c", "4"), 0);
    assert_int_equal(o.output, CLI_OUT_TEXT);
    assert_int_equal(o.cycles, 4);
    assert_int_equal(o.ntargets, 1);
    assert_int_equal(PARSE(&o, err, "-c"), CLI_EXIT_USAGE);
    assert_string_equal(err, "option -c needs a value");
    assert_int_equal(PARSE(&o, err, "-f", "10", "-m", "5", "x"), CLI_EXIT_USAGE);
    assert_non_null(strstr(err, "larger than max TTL"));
    assert_int_equal(PARSE(&o, err, "-4", "-6", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "-4 and -6 cannot be used together");
    assert_int_equal(PARSE(&o, err, ""), CLI_EXIT_USAGE);
}

/* Paris probes need two payload bytes to steer their checksum: smaller
 * sizes are refused at once (they used to hang a trace sending nothing). */
static void
test_options_paris_needs_two_payload_bytes(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "--paris", "-s", "0", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "--paris needs -s 2 or more: two payload bytes set the UDP "
                             "checksum that tells the probes apart");
    assert_int_equal(PARSE(&o, err, "-s", "1", "--paris", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-u", "--paris", "-s", "1", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "--paris", "-s", "2", "x"), 0);
    assert_int_equal(o.payload_size, 2);
    /* Classic UDP and ICMP have no such floor. */
    assert_int_equal(PARSE(&o, err, "-u", "-s", "0", "x"), 0);
    assert_int_equal(PARSE(&o, err, "-s", "0", "x"), 0);
}

/* -a must be numeric and of the family -4 / -6 ask for: the other family
 * used to be ignored, the probes leaving from another address. */
static void
test_options_source_family(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "-a", "198.18.0.1", "-6", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "-a 198.18.0.1 is an IPv4 address: it cannot be used with -6");
    assert_int_equal(PARSE(&o, err, "-4", "--address", "2001:2::1", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "-a 2001:2::1 is an IPv6 address: it cannot be used with -4");
    assert_int_equal(PARSE(&o, err, "-a", "host.lab", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "invalid source address 'host.lab' for -a: a numeric IPv4 or "
                             "IPv6 address is needed");
    assert_int_equal(PARSE(&o, err, "-a", "198.18.0.1", "-4", "x"), 0);
    assert_int_equal(PARSE(&o, err, "-6", "-a", "2001:2::1", "x"), 0);
    assert_int_equal(PARSE(&o, err, "-a", "2001:2::1", "x"), 0);
}

/* Messages quote the user's words sanitised: no escape sequence, CR, BEL
 * or 8-bit byte reaches the terminal through an error. */
static void
test_options_errors_sanitised(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "-c", "\033[2J\r\a\xff", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "invalid value '?[2J??" "?' for -c: expected a whole number from 0 "
                             "to 1000000000");
    assert_int_equal(PARSE(&o, err, "--\033]0;x\007", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "unknown option --?]0;x? (try --help)");
    assert_int_equal(PARSE(&o, err, "-a", "\x9b" "31m", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "invalid source address '?31m' for -a: a numeric IPv4 or IPv6 "
                             "address is needed");
}

/* A parse that stops inside a cluster of letters must not leave getopt
 * there for the next one (found by the fuzzer). */
static void
test_options_second_parse_starts_afresh(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "-hr"), 0);
    assert_true(o.help);
    assert_int_equal(PARSE(&o, err, "-r", "host"), 0);
    assert_int_equal(o.output, CLI_OUT_TEXT);
    assert_false(o.help);
    assert_int_equal(o.ntargets, 1);
}

static void
test_options_help_and_version_need_no_target(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "--help"), 0);
    assert_true(o.help);
    assert_int_equal(PARSE(&o, err, "-v"), 0);
    assert_true(o.version);
}

/* The targets options: --ping, -F (repeatable, stdin once), -g (one or
 * two words), and the outputs. */
static void
test_options_targets_and_outputs(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "--ping", "--csv", "-F", "a.txt", "--file", "-", "x"), 0);
    assert_true(o.ping);
    assert_int_equal(o.output, CLI_OUT_CSV);
    assert_int_equal(o.nfiles, 2);
    assert_string_equal(o.files[0], "a.txt");
    assert_string_equal(o.files[1], "-");
    assert_int_equal(o.ntargets, 1);
    /* -F alone is enough. */
    assert_int_equal(PARSE(&o, err, "-r", "-F", "hosts"), 0);
    assert_int_equal(o.ntargets, 0);
    assert_int_equal(PARSE(&o, err, "-r", "-F", "-", "-F", "-"), CLI_EXIT_USAGE);
    assert_string_equal(err, "-F - (standard input) is given twice");
    assert_int_equal(PARSE(&o, err, "-r", "-F", ""), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "-j", "-g", "198.19.0.0/24"), 0);
    assert_true(o.generate);
    assert_int_equal(PARSE(&o, err, "-j", "-g", "198.19.0.1", "198.19.0.9"), 0);
    assert_int_equal(o.ntargets, 2);
    assert_int_equal(PARSE(&o, err, "-j", "-g", "a", "b", "c"), CLI_EXIT_USAGE);
    assert_string_equal(err, "-g takes a prefix (198.19.0.0/24) or a first and a last address, "
                             "not 3 words");
    assert_int_equal(PARSE(&o, err, "-j", "-g", "-F", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "--jsonl", "--log", "/tmp/l", "--summary-interval", "2.5",
                           "--show-memory", "x"), 0);
    assert_int_equal(o.output, CLI_OUT_JSONL);
    assert_string_equal(o.log_path, "/tmp/l");
    assert_true(o.summary_interval_s == 2.5);
    assert_true(o.show_memory);
    assert_int_equal(PARSE(&o, err, "--log", "-", "x"), CLI_EXIT_USAGE);
    assert_int_equal(PARSE(&o, err, "--summary-interval", "0", "x"), CLI_EXIT_USAGE);
}

/* -c 0 runs until stopped: only a stream makes sense of that. */
static void
test_options_count_zero_only_for_jsonl(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "--jsonl", "-c", "0", "x"), 0);
    assert_int_equal(o.cycles, 0);
    assert_int_equal(PARSE(&o, err, "--ping", "--jsonl", "-c", "0", "x"), 0);
    assert_int_equal(PARSE(&o, err, "--report", "-c", "0", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "-c 0 (probe until stopped) is only for --jsonl");
    assert_int_equal(PARSE(&o, err, "-c", "0", "x"), CLI_EXIT_USAGE);
}

static void
test_options_ping_settings(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "--ping", "-r", "x"), 0);
    assert_true(o.pps == CLI_PPS_DEFAULT);
    assert_int_equal(PARSE(&o, err, "--ping", "-r", "--pps", "50000", "x"), 0);
    assert_true(o.pps == 50000);
    assert_int_equal(PARSE(&o, err, "--ping", "-r", "--pps", "2000000", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err,
                        "invalid value '2000000' for --pps: expected a number from 0 to 1e+06");
    assert_int_equal(PARSE(&o, err, "--ping", "-r", "-u", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "--ping sends ICMP echo requests or TCP SYNs (-T): UDP probes (-u, "
                             "--paris) are for tracing");
    assert_int_equal(PARSE(&o, err, "--ping", "-T", "-r", "x"), 0);
    assert_int_equal(PARSE(&o, err, "--ping", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "--ping needs an output: --report, --json, --csv or --jsonl");
}

/* --mtu: off by default, on for traces, refused with --ping. */
static void
test_options_mtu(void **state)
{
    struct cli_options o;
    char err[256];

    (void)state;
    assert_int_equal(PARSE(&o, err, "-r", "x"), 0);
    assert_false(o.pmtu);
    assert_int_equal(PARSE(&o, err, "-r", "--mtu", "x"), 0);
    assert_true(o.pmtu);
    assert_false(o.dont_fragment); /* the session sets DF for it */
    assert_int_equal(PARSE(&o, err, "x", "--mtu"), 0);
    assert_true(o.pmtu);
    assert_int_equal(PARSE(&o, err, "--ping", "-r", "--mtu", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "--mtu finds the path MTU of traces: it cannot be used with --ping");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_report_with_everything),
        cmocka_unit_test(test_options_defaults),
        cmocka_unit_test(test_options_bad_numbers),
        cmocka_unit_test(test_options_structural_errors),
        cmocka_unit_test(test_options_as_lookup),
        cmocka_unit_test(test_options_paris_needs_two_payload_bytes),
        cmocka_unit_test(test_options_source_family),
        cmocka_unit_test(test_options_errors_sanitised),
        cmocka_unit_test(test_options_help_and_version_need_no_target),
        cmocka_unit_test(test_options_second_parse_starts_afresh),
        cmocka_unit_test(test_options_targets_and_outputs),
        cmocka_unit_test(test_options_count_zero_only_for_jsonl),
        cmocka_unit_test(test_options_ping_settings),
        cmocka_unit_test(test_options_mtu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
