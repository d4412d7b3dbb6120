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
    assert_int_equal(PARSE(&o, err, "-c", "0", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "invalid value '0' for -c: expected a whole number from 1 to 1000000000");
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
    assert_int_equal(PARSE(&o, err, "-y", "x"), CLI_EXIT_USAGE);
    assert_string_equal(err, "unknown option -y (try --help)");
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

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_report_with_everything),
        cmocka_unit_test(test_options_defaults),
        cmocka_unit_test(test_options_bad_numbers),
        cmocka_unit_test(test_options_structural_errors),
        cmocka_unit_test(test_options_help_and_version_need_no_target),
        cmocka_unit_test(test_options_second_parse_starts_afresh),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
