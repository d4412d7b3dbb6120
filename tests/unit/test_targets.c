/* test_targets.c - target files and ranges: the line parser (comments,
 * blanks, whitespace, names, addresses, bad words and their messages), the
 * range expander (IPv4 and IPv6 prefixes and their edges, first-last
 * ranges, the cap), the list, and reading and gathering files. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/exitcode.h"
#include "cli/targets.h"

/* Parse a C string as one line. */
static enum cli_line
line(const char *text, char *out, char *why)
{
    return cli_target_line(text, strlen(text), out, CLI_TARGET_MAX, why, 256);
}

/* The text of address i of r. */
static const char *
nth(const struct cli_range *r, uint64_t i, char *buf)
{
    struct hw_addr a;

    cli_range_addr(r, i, &a);
    return hw_addr_format(&a, buf, HW_ADDRSTRLEN);
}

static void
test_targets_line_blank_and_comments(void **state)
{
    char out[CLI_TARGET_MAX], why[256];

    (void)state;
    assert_int_equal(line("", out, why), CLI_LINE_EMPTY);
    assert_int_equal(line("   \t \r\n", out, why), CLI_LINE_EMPTY);
    assert_int_equal(line("# a comment", out, why), CLI_LINE_EMPTY);
    assert_int_equal(line("   # indented comment, with words", out, why), CLI_LINE_EMPTY);
    assert_int_equal(line("\n", out, why), CLI_LINE_EMPTY);
}

static void
test_targets_line_targets_and_whitespace(void **state)
{
    char out[CLI_TARGET_MAX], why[256];

    (void)state;
    assert_int_equal(line("target.lab", out, why), CLI_LINE_TARGET);
    assert_string_equal(out, "target.lab");
    assert_int_equal(line("  \ttarget.lab  \r\n", out, why), CLI_LINE_TARGET);
    assert_string_equal(out, "target.lab");
    assert_int_equal(line("r1.lab # the first router", out, why), CLI_LINE_TARGET);
    assert_string_equal(out, "r1.lab");
    assert_int_equal(line("r1.lab#no space", out, why), CLI_LINE_TARGET);
    assert_string_equal(out, "r1.lab");
    assert_int_equal(line("198.19.0.1", out, why), CLI_LINE_TARGET);
    assert_string_equal(out, "198.19.0.1");
    assert_int_equal(line("2001:2:0:100::1\n", out, why), CLI_LINE_TARGET);
    assert_string_equal(out, "2001:2:0:100::1");
    assert_int_equal(line("fe80::1%1", out, why), CLI_LINE_TARGET);
    assert_string_equal(out, "fe80::1%1");
    assert_int_equal(line("example.net.", out, why), CLI_LINE_TARGET);
    assert_string_equal(out, "example.net.");
}

static void
test_targets_line_bad_words(void **state)
{
    char out[CLI_TARGET_MAX], why[256];

    (void)state;
    assert_int_equal(line("a.lab b.lab", out, why), CLI_LINE_BAD);
    assert_string_equal(why, "more than one word ('a.lab', then 'b.lab'): one target per line");
    assert_string_equal(out, "");
    assert_int_equal(line("999.1.1.1", out, why), CLI_LINE_BAD);
    assert_string_equal(why, "'999.1.1.1' is not a valid IPv4 address");
    assert_int_equal(line("1.2.3", out, why), CLI_LINE_BAD);
    assert_string_equal(why, "'1.2.3' is not a valid IPv4 address");
    assert_int_equal(line("2001:2::g", out, why), CLI_LINE_BAD);
    assert_string_equal(why, "'2001:2::g' is not a valid IPv6 address");
    assert_int_equal(line("198.19.0.0/24", out, why), CLI_LINE_BAD);
    assert_string_equal(why, "'198.19.0.0/24' is an address range: give ranges with -g");
    assert_int_equal(line("bad_name!", out, why), CLI_LINE_BAD);
    assert_string_equal(why, "'bad_name!' is not a valid host name or address");
    assert_int_equal(line("-leading.hyphen", out, why), CLI_LINE_BAD);
    assert_string_equal(why, "'-leading.hyphen' is not a valid host name or address");
}

/* Bytes a terminal would act on never reach the message. */
static void
test_targets_line_untrusted_bytes_quoted_safely(void **state)
{
    char out[CLI_TARGET_MAX], why[256];
    char esc[] = "ev\x1b[2Jil";
    char nul[] = "ab\0cd";
    char utf8[] = "h\xc3\xa9llo";

    (void)state;
    assert_int_equal(line(esc, out, why), CLI_LINE_BAD);
    assert_string_equal(why, "'ev?[2Jil' contains a control character");
    assert_int_equal(cli_target_line(nul, 5, out, sizeof(out), why, sizeof(why)), CLI_LINE_BAD);
    assert_string_equal(why, "'ab?cd' contains a control character");
    assert_int_equal(line(utf8, out, why), CLI_LINE_BAD);
    assert_string_equal(why, "'h??llo' is not a valid host name or address");
}

static void
test_targets_line_too_long(void **state)
{
    char out[CLI_TARGET_MAX], why[256], small[8];
    char name[300];

    (void)state;
    memset(name, 'a', 254);
    name[254] = '\0';
    assert_int_equal(line(name, out, why), CLI_LINE_BAD);
    assert_string_equal(why, "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is too long "
                             "(254 characters; a host name has at most 253)");
    /* A word that does not fit the caller's buffer is refused, not cut. */
    assert_int_equal(cli_target_line("abcdefgh.lab", 12, small, sizeof(small), why, sizeof(why)),
                     CLI_LINE_BAD);
    assert_non_null(strstr(why, "is too long (12 characters"));
}

static void
test_targets_range_v4_prefix(void **state)
{
    struct cli_range r;
    char why[256], b[HW_ADDRSTRLEN];

    (void)state;
    /* Network and broadcast left out below /31, as fping does. */
    assert_int_equal(cli_range_parse("198.19.0.0/24", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 254);
    assert_string_equal(nth(&r, 0, b), "198.19.0.1");
    assert_string_equal(nth(&r, 253, b), "198.19.0.254");
    assert_int_equal(cli_range_parse("198.19.0.0/30", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 2);
    assert_string_equal(nth(&r, 0, b), "198.19.0.1");
    assert_string_equal(nth(&r, 1, b), "198.19.0.2");
    assert_int_equal(cli_range_parse("198.19.0.0/20", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 4094);
    assert_string_equal(nth(&r, 254, b), "198.19.0.255");
    assert_string_equal(nth(&r, 255, b), "198.19.1.0");
    assert_string_equal(nth(&r, 4093, b), "198.19.15.254");
}

static void
test_targets_range_v4_31_and_32(void **state)
{
    struct cli_range r;
    char why[256], b[HW_ADDRSTRLEN];

    (void)state;
    assert_int_equal(cli_range_parse("198.19.0.4/31", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 2);
    assert_string_equal(nth(&r, 0, b), "198.19.0.4");
    assert_string_equal(nth(&r, 1, b), "198.19.0.5");
    assert_int_equal(cli_range_parse("198.19.0.9/32", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 1);
    assert_string_equal(nth(&r, 0, b), "198.19.0.9");
}

/* Host bits are ignored, as fping ignores them. */
static void
test_targets_range_host_bits_cleared(void **state)
{
    struct cli_range r;
    char why[256], b[HW_ADDRSTRLEN];

    (void)state;
    assert_int_equal(cli_range_parse("198.19.3.77/22", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_string_equal(nth(&r, 0, b), "198.19.0.1");
    assert_int_equal(r.count, 1022);
    assert_int_equal(cli_range_parse("2001:2:0:100::1234/116", NULL, CLI_RANGE_MAX, &r, why,
                                     256), 0);
    assert_string_equal(nth(&r, 0, b), "2001:2:0:100::1000");
    assert_int_equal(r.count, 4096);
}

static void
test_targets_range_v6_prefix(void **state)
{
    struct cli_range r;
    char why[256], b[HW_ADDRSTRLEN];

    (void)state;
    assert_int_equal(cli_range_parse("2001:2:0:100::/116", NULL, CLI_RANGE_MAX, &r, why, 256),
                     0);
    assert_int_equal(r.count, 4096);
    assert_string_equal(nth(&r, 0, b), "2001:2:0:100::");
    assert_string_equal(nth(&r, 4095, b), "2001:2:0:100::fff");
    assert_int_equal(cli_range_parse("2001:2:0:100::/112", NULL, CLI_RANGE_MAX, &r, why, 256),
                     0);
    assert_int_equal(r.count, 65536);
    assert_string_equal(nth(&r, 65535, b), "2001:2:0:100::ffff");
    assert_int_equal(cli_range_parse("2001:2::8/127", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 2);
    assert_string_equal(nth(&r, 1, b), "2001:2::9");
    assert_int_equal(cli_range_parse("2001:2::8/128", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 1);
    assert_string_equal(nth(&r, 0, b), "2001:2::8");
}

static void
test_targets_range_cap(void **state)
{
    struct cli_range r;
    char why[256];

    (void)state;
    assert_int_equal(cli_range_parse("2001:2::/111", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 131072);
    assert_int_equal(cli_range_parse("2001:2::/110", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_string_equal(why, "2001:2::/110 has 262144 addresses, more than the limit of 131072");
    assert_int_equal(cli_range_parse("2001:2:0:100::/64", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_string_equal(why,
                        "2001:2:0:100::/64 has 2^64 addresses, more than the limit of 131072");
    assert_int_equal(cli_range_parse("::/0", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_string_equal(why, "::/0 has 2^128 addresses, more than the limit of 131072");
    assert_int_equal(cli_range_parse("198.18.0.0/15", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 131070);
    assert_int_equal(cli_range_parse("10.0.0.0/8", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_string_equal(why, "10.0.0.0/8 has 16777214 addresses, more than the limit of 131072");
    /* The cap is the caller's. */
    assert_int_equal(cli_range_parse("198.19.0.0/24", NULL, 100, &r, why, 256), -1);
    assert_string_equal(why, "198.19.0.0/24 has 254 addresses, more than the limit of 100");
}

static void
test_targets_range_first_last(void **state)
{
    struct cli_range r;
    char why[256], b[HW_ADDRSTRLEN];

    (void)state;
    assert_int_equal(cli_range_parse("198.19.0.0", "198.19.15.255", CLI_RANGE_MAX, &r, why, 256),
                     0);
    assert_int_equal(r.count, 4096);
    assert_string_equal(nth(&r, 0, b), "198.19.0.0");
    assert_string_equal(nth(&r, 4095, b), "198.19.15.255");
    assert_int_equal(cli_range_parse("198.19.0.7", "198.19.0.7", CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 1);
    /* Across the middle of an IPv6 address: the carry crosses 64 bits. */
    assert_int_equal(cli_range_parse("2001:2::ffff:ffff:ffff:ffff", "2001:2:0:1::1",
                                     CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(r.count, 3);
    assert_string_equal(nth(&r, 1, b), "2001:2:0:1::");
    assert_string_equal(nth(&r, 2, b), "2001:2:0:1::1");
}

static void
test_targets_range_errors(void **state)
{
    struct cli_range r;
    char why[256];

    (void)state;
    assert_int_equal(cli_range_parse("198.19.0.9", "198.19.0.1", CLI_RANGE_MAX, &r, why, 256),
                     -1);
    assert_string_equal(why, "the range 198.19.0.9 - 198.19.0.1 starts after it ends");
    assert_int_equal(cli_range_parse("198.19.0.1", "2001:2::1", CLI_RANGE_MAX, &r, why, 256), -1);
    assert_string_equal(why, "198.19.0.1 and 2001:2::1 are not of the same address family");
    assert_int_equal(cli_range_parse("198.19.0.0", "198.21.0.0", CLI_RANGE_MAX, &r, why, 256),
                     -1);
    assert_string_equal(why, "the range 198.19.0.0 - 198.21.0.0 has more than the limit of "
                             "131072 addresses");
    assert_int_equal(cli_range_parse("2001:2::", "2001:3::", CLI_RANGE_MAX, &r, why, 256), -1);
    assert_non_null(strstr(why, "has more than the limit"));
    assert_int_equal(cli_range_parse("target.lab", "198.19.0.1", CLI_RANGE_MAX, &r, why, 256),
                     -1);
    assert_string_equal(why, "'target.lab' is not a numeric IPv4 or IPv6 address");
    assert_int_equal(cli_range_parse("198.19.0.1", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_string_equal(why, "'198.19.0.1' is not a prefix such as 198.19.0.0/24: -g takes a "
                             "prefix, or a first and a last address");
    assert_int_equal(cli_range_parse("198.19.0.0/33", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_string_equal(why, "bad prefix length in '198.19.0.0/33': expected 0 to 32 for IPv4");
    assert_int_equal(cli_range_parse("2001:2::/129", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_string_equal(why, "bad prefix length in '2001:2::/129': expected 0 to 128 for IPv6");
    assert_int_equal(cli_range_parse("198.19.0.0/", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_int_equal(cli_range_parse("198.19.0.0/2x", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_int_equal(cli_range_parse("198.19.0.0/-1", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_int_equal(cli_range_parse("198.19.0.0/0024", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_int_equal(cli_range_parse("/24", NULL, CLI_RANGE_MAX, &r, why, 256), -1);
    assert_string_equal(why, "'' is not a numeric IPv4 or IPv6 address");
}

static void
test_targets_list_keeps_every_word(void **state)
{
    struct cli_target_list l;
    struct cli_range r;
    char why[256], name[64];

    (void)state;
    cli_targets_init(&l);
    /* More bytes than one pool block, so words span several blocks. */
    for (int i = 0; i < 5000; i++) {
        snprintf(name, sizeof(name), "host-%d.with-a-longer-name.lab", i);
        assert_int_equal(cli_targets_add(&l, name), 0);
    }
    assert_int_equal(cli_range_parse("2001:2::/126", NULL, CLI_RANGE_MAX, &r, why, 256), 0);
    assert_int_equal(cli_targets_add_range(&l, &r), 0);
    assert_int_equal(l.n, 5004);
    assert_string_equal(l.names[0], "host-0.with-a-longer-name.lab");
    assert_string_equal(l.names[4999], "host-4999.with-a-longer-name.lab");
    assert_string_equal(l.names[5000], "2001:2::");
    assert_string_equal(l.names[5003], "2001:2::3");
    cli_targets_free(&l);
    assert_int_equal(l.n, 0);
    assert_null(l.names);
}

/* Good, bad, blank and comment lines: the good ones kept in order, each bad
 * one said with its line number. */
static void
test_targets_read_reports_bad_lines(void **state)
{
    static const char text[] = "\xef\xbb\xbftarget.lab\n"
                               "# routers\n"
                               "\n"
                               "r1.lab   # the first\n"
                               "999.1.1.1\n"
                               "a b\r\n"
                               "2001:2:0:100::7\n"
                               "last.lab";
    struct cli_target_list l;
    char *errtext = NULL;
    size_t errlen = 0, bad = 99;
    FILE *in = fmemopen((void *)text, sizeof(text) - 1, "r");
    FILE *err = open_memstream(&errtext, &errlen);

    (void)state;
    assert_non_null(in);
    assert_non_null(err);
    cli_targets_init(&l);
    assert_int_equal(cli_targets_read(&l, in, "hosts.txt", err, &bad), 0);
    fclose(err);
    fclose(in);
    assert_int_equal(bad, 2);
    assert_int_equal(l.n, 4);
    assert_string_equal(l.names[0], "target.lab");
    assert_string_equal(l.names[1], "r1.lab");
    assert_string_equal(l.names[2], "2001:2:0:100::7");
    assert_string_equal(l.names[3], "last.lab");
    assert_string_equal(errtext,
                        "hopwatch: hosts.txt:5: '999.1.1.1' is not a valid IPv4 address\n"
                        "hopwatch: hosts.txt:6: more than one word ('a', then 'b'): one target "
                        "per line\n");
    free(errtext);
    cli_targets_free(&l);
}

/* Write text to a new temporary file; its name into path. */
static void
temp_file(char *path, size_t len, const char *text)
{
    int fd;

    snprintf(path, len, "/tmp/test_targets.XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

/* Gather: arguments first, then the files in order; missing files, empty
 * ones and files with only bad lines end the run with their exit codes. */
static void
test_targets_gather(void **state)
{
    struct cli_options o;
    struct cli_target_list l;
    struct cli_range r;
    char p1[64], p2[64], *errtext = NULL;
    size_t errlen = 0, bad = 0;
    char *words[] = {(char *)"arg.lab"};
    FILE *err;

    (void)state;
    temp_file(p1, sizeof(p1), "one.lab\nbad!\n");
    temp_file(p2, sizeof(p2), "# nothing here\n\n");
    cli_options_init(&o);
    o.targets = words;
    o.ntargets = 1;
    o.files[0] = p1;
    o.nfiles = 1;
    cli_targets_init(&l);
    err = open_memstream(&errtext, &errlen);
    assert_int_equal(cli_targets_gather(&o, &r, &l, err, &bad), 0);
    assert_int_equal(bad, 1);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.names[0], "arg.lab");
    assert_string_equal(l.names[1], "one.lab");
    cli_targets_free(&l);

    /* Only an empty file: a usage error. */
    o.ntargets = 0;
    o.files[0] = p2;
    assert_int_equal(cli_targets_gather(&o, &r, &l, err, &bad), CLI_EXIT_USAGE);
    cli_targets_free(&l);
    /* A file that cannot be read: a system error. */
    o.files[0] = "/nonexistent/targets";
    assert_int_equal(cli_targets_gather(&o, &r, &l, err, &bad), CLI_EXIT_SYSTEM);
    cli_targets_free(&l);
    /* A range instead of the words. */
    o.generate = true;
    o.nfiles = 0;
    assert_int_equal(cli_range_parse("198.19.0.0/30", NULL, CLI_RANGE_MAX, &r, p2, 64), 0);
    assert_int_equal(cli_targets_gather(&o, &r, &l, err, &bad), 0);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.names[1], "198.19.0.2");
    cli_targets_free(&l);
    fclose(err);
    assert_non_null(strstr(errtext, ":2: 'bad!' is not a valid host name or address\n"));
    assert_non_null(strstr(errtext, "hopwatch: no target given: "));
    assert_non_null(strstr(errtext, "hopwatch: cannot read /nonexistent/targets: No such file "
                                    "or directory\n"));
    free(errtext);
    unlink(p1);
}

/* Every line bad and nothing else: exit code 2 after the lines. */
static void
test_targets_gather_only_bad_lines(void **state)
{
    struct cli_options o;
    struct cli_target_list l;
    struct cli_range r;
    char p[64], *errtext = NULL;
    size_t errlen = 0, bad = 0;
    FILE *err;

    (void)state;
    temp_file(p, sizeof(p), "x y\n1.2.3.4.5\n");
    cli_options_init(&o);
    o.files[0] = p;
    o.nfiles = 1;
    cli_targets_init(&l);
    err = open_memstream(&errtext, &errlen);
    assert_int_equal(cli_targets_gather(&o, &r, &l, err, &bad), CLI_EXIT_NAME);
    fclose(err);
    assert_int_equal(bad, 2);
    assert_non_null(strstr(errtext, "hopwatch: no valid target left to probe\n"));
    free(errtext);
    cli_targets_free(&l);
    unlink(p);
}

/* Read n bytes of text as a target file named "big.txt"; stderr into
 * *errtext (the caller frees it). */
static int
read_bytes(const char *text, size_t n, struct cli_target_list *l, size_t *bad, char **errtext)
{
    size_t errlen = 0;
    FILE *in = fmemopen((void *)text, n, "r");
    FILE *err = open_memstream(errtext, &errlen);
    int rc;

    assert_non_null(in);
    assert_non_null(err);
    rc = cli_targets_read(l, in, "big.txt", err, bad);
    fclose(err);
    fclose(in);
    return rc;
}

/* A line of exactly CLI_LINE_MAX bytes is read (and is a bad line: too
 * long for a name); one byte more stops the file with its line number. */
static void
test_targets_read_line_bound(void **state)
{
    struct cli_target_list l;
    size_t n = 2 + CLI_LINE_MAX + 1 + CLI_LINE_MAX + 1, bad = 0;
    char *text = malloc(n), *errtext = NULL;

    (void)state;
    assert_non_null(text);
    memcpy(text, "a\n", 2);
    memset(text + 2, 'x', CLI_LINE_MAX);
    text[2 + CLI_LINE_MAX] = '\n';
    memset(text + 3 + CLI_LINE_MAX, 'y', CLI_LINE_MAX + 1);
    cli_targets_init(&l);
    assert_int_equal(read_bytes(text, n - (CLI_LINE_MAX + 1), &l, &bad, &errtext), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(bad, 1);
    assert_non_null(strstr(errtext, "hopwatch: big.txt:2: 'xxx"));
    free(errtext);
    cli_targets_free(&l);

    cli_targets_init(&l);
    assert_int_equal(read_bytes(text, n, &l, &bad, &errtext), -E2BIG);
    assert_non_null(strstr(errtext, "hopwatch: big.txt:3: line longer than 4096 bytes\n"));
    free(errtext);
    cli_targets_free(&l);
    free(text);
}

/* CLI_FILE_MAX_LINES lines are read; one more stops the file. */
static void
test_targets_read_line_count_bound(void **state)
{
    struct cli_target_list l;
    size_t n = CLI_FILE_MAX_LINES + 1, bad = 0;
    char *text = malloc(n), *errtext = NULL;

    (void)state;
    assert_non_null(text);
    memset(text, '\n', n);
    cli_targets_init(&l);
    assert_int_equal(read_bytes(text, n - 1, &l, &bad, &errtext), 0);
    assert_int_equal(l.n, 0);
    assert_string_equal(errtext, "");
    free(errtext);
    assert_int_equal(read_bytes(text, n, &l, &bad, &errtext), -E2BIG);
    assert_string_equal(errtext, "hopwatch: big.txt: more than 1048576 lines\n");
    free(errtext);
    cli_targets_free(&l);
    free(text);
}

/* -F /dev/zero: one endless line of NUL bytes ends at once with a usage
 * error, not with all of memory. */
static void
test_targets_gather_dev_zero(void **state)
{
    struct cli_options o;
    struct cli_target_list l;
    struct cli_range r;
    char *errtext = NULL;
    size_t errlen = 0, bad = 0;
    FILE *err;

    (void)state;
    cli_options_init(&o);
    o.files[0] = "/dev/zero";
    o.nfiles = 1;
    cli_targets_init(&l);
    err = open_memstream(&errtext, &errlen);
    assert_int_equal(cli_targets_gather(&o, &r, &l, err, &bad), CLI_EXIT_USAGE);
    fclose(err);
    assert_string_equal(errtext, "hopwatch: /dev/zero:1: line longer than 4096 bytes\n");
    free(errtext);
    cli_targets_free(&l);
}

/* A file's name is quoted in messages sanitised, like a target. */
static void
test_targets_gather_file_name_sanitised(void **state)
{
    struct cli_options o;
    struct cli_target_list l;
    struct cli_range r;
    char *errtext = NULL;
    size_t errlen = 0, bad = 0;
    FILE *err;

    (void)state;
    cli_options_init(&o);
    o.files[0] = "/nonexistent/\033[2J\r";
    o.nfiles = 1;
    cli_targets_init(&l);
    err = open_memstream(&errtext, &errlen);
    assert_int_equal(cli_targets_gather(&o, &r, &l, err, &bad), CLI_EXIT_SYSTEM);
    fclose(err);
    assert_string_equal(errtext, "hopwatch: cannot read /nonexistent/?[2J?: No such file or "
                                 "directory\n");
    free(errtext);
    cli_targets_free(&l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets_line_blank_and_comments),
        cmocka_unit_test(test_targets_line_targets_and_whitespace),
        cmocka_unit_test(test_targets_line_bad_words),
        cmocka_unit_test(test_targets_line_untrusted_bytes_quoted_safely),
        cmocka_unit_test(test_targets_line_too_long),
        cmocka_unit_test(test_targets_range_v4_prefix),
        cmocka_unit_test(test_targets_range_v4_31_and_32),
        cmocka_unit_test(test_targets_range_host_bits_cleared),
        cmocka_unit_test(test_targets_range_v6_prefix),
        cmocka_unit_test(test_targets_range_cap),
        cmocka_unit_test(test_targets_range_first_last),
        cmocka_unit_test(test_targets_range_errors),
        cmocka_unit_test(test_targets_list_keeps_every_word),
        cmocka_unit_test(test_targets_read_reports_bad_lines),
        cmocka_unit_test(test_targets_gather),
        cmocka_unit_test(test_targets_gather_only_bad_lines),
        cmocka_unit_test(test_targets_read_line_bound),
        cmocka_unit_test(test_targets_read_line_count_bound),
        cmocka_unit_test(test_targets_gather_dev_zero),
        cmocka_unit_test(test_targets_gather_file_name_sanitised),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
