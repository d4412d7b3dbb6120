/* test_report_text.c - the --report text: the exact tables of small fixed
 * runs (ping mode; one trace; several traces with their summary), columns
 * that line up with wide IPv6 names, and names cut with a mark without -w.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "report/sanitize.h"
#include "report_fixture.h"

static const char *
r1_name(void *arg, const struct hw_addr *a)
{
    struct hw_addr r1 = fx_addr("198.18.0.2");

    (void)arg;
    return hw_addr_equal(a, &r1) ? "r1, \"core\"" : NULL;
}

/* --mtu: router 198.18.0.2 (hop 1) said 1400; 1500 reached it. */
static void
fx_pmtu(struct hw_pmtu_result *p)
{
    memset(p, 0, sizeof(*p));
    p->state = HW_PMTU_DONE;
    p->reason = HW_PMTU_REASON_ROUTER;
    p->pmtu = 1400;
    p->passed = 1400;
    p->failed = 1500;
    p->hop_ttl = 1;
    p->hop_addr = fx_addr("198.18.0.2");
    p->router_mtu = 1400;
    p->hop_reach = 1500;
    p->probes_sent = 7;
}

static void
test_report_text_ping(void **state)
{
    struct fx_ping p;
    char *text;
    int rc = -1;

    (void)state;
    fx_ping_init(&p);
    text = fx_capture(report_text, &p.run, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text,
    "Start: 2026-11-23T10:00:00.000Z\n"
    "HOST: vm                Loss%   Snt   Rcv    Last     Avg    Best    Wrst   StDev\n"
    "198.19.0.1              33.3%     3     2    2.50    2.00    1.50    2.50   0.707\n"
    "quiet.lab (198.19.0.2) 100.0%     3     0       -       -       -       -       -\n"
    "nosuch.lab              not probed: the name does not resolve\n");
    free(text);
}

/* One target: exactly the mtr-style table, no "Target:" line, no summary. */
static void
test_report_text_one_trace(void **state)
{
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    x.run.name_of = r1_name;
    text = fx_capture(report_text, &x.run, &rc);
    assert_int_equal(rc, 0);
    /* mtr's columns, then where the loss comes from; a responder line is
     * not a hop, so it has neither. */
    assert_string_equal(text,
    "Start: 2026-11-23T10:00:00.000Z\n"
    "HOST: vm              Loss%   Snt    Last     Avg    Best    Wrst   StDev   Fwd% Verdict\n"
    "  1.|-- r1, \"core\"     0.0%     3    3.00    2.00    1.00    3.00    1.00   0.0% ok\n"
    "    |   198.18.9.2                   2.00    2.00    2.00    2.00   0.000\n"
    "  2.|-- ???          100.0%     3       -       -       -       -       -      - not "
    "answering\n"
    "  3.|-- 198.18.2.2     0.0%     3    6.00    5.00    4.00    6.00    1.00   0.0% ok\n");
    free(text);
}

/* Probes that could not be sent are a local error, said as such under the
 * hop (and as its host when nothing answered), never as loss. */
static void
test_report_text_send_errors(void **state)
{
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    hw_stats_init(&x.hops[1].stats);
    for (int i = 0; i < 3; i++) {
        hw_stats_sent(&x.hops[1].stats);
        hw_stats_send_error(&x.hops[1].stats);
    }
    x.hops[1].send_errors = 3;
    x.hops[1].send_status = -ENETUNREACH;
    text = fx_capture(report_text, &x.run, &rc);

    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "  2.|-- send failed       -     3       -       -       -       -"));
    assert_non_null(strstr(text, "\n    |   send failed: Network is unreachable (3 probes)\n"));
    assert_null(strstr(text, "100.0%"));
    free(text);
    text = fx_capture(report_csv, &x.run, &rc);
    assert_non_null(strstr(text, ",2,3,0,0,,,"));
    assert_non_null(strstr(text, "send failed: Network is unreachable (3 probes)"));
    free(text);
}

/* Route changes follow the table, a line each with its time. */
static void
test_report_text_route_changes(void **state)
{
    struct fx_trace x;
    struct hw_route_event ev[3];
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    memset(ev, 0, sizeof(ev));
    ev[0] = (struct hw_route_event){.kind = HW_ROUTE_UNREACHABLE, .real_ns = FX_START_NS + 500000000LL,
                                    .ttl = 2, .from = fx_addr("198.18.1.2"), .icmp_type = 3,
                                    .icmp_code = 0};
    ev[1] = (struct hw_route_event){.kind = HW_ROUTE_REACHABLE, .real_ns = FX_START_NS + 1500000000LL,
                                    .ttl = 3, .old_ttl = 3, .icmp_type = -1, .icmp_code = -1};
    ev[2] = (struct hw_route_event){.kind = HW_ROUTE_SWITCHED, .real_ns = FX_START_NS + 2000000000LL,
                                    .ttl = 2, .from = fx_addr("198.18.1.2"),
                                    .to = fx_addr("198.18.11.2"), .icmp_type = -1,
                                    .icmp_code = -1};
    x.snap.events = ev;
    x.snap.n_events = 3;
    x.snap.route_changes = 3;
    text = fx_capture(report_text, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text,
    "  3.|-- 198.18.2.2     0.0%     3    6.00    5.00    4.00    6.00    1.00   0.0% ok\n"
    "Route changes:\n"
    "  2026-11-23T10:00:00.500Z  unreachable: hop 2 198.18.1.2 answered network unreachable\n"
    "  2026-11-23T10:00:01.500Z  reachable: 3 hops\n"
    "  2026-11-23T10:00:02.000Z  switched: hop 2 198.18.1.2 -> 198.18.11.2\n"));
    free(text);
    /* More than a snapshot keeps: the count says so. */
    x.snap.route_changes = 300;
    text = fx_capture(report_text, &x.run, &rc);
    assert_non_null(strstr(text, "Route changes: 300, the latest 3:\n"));
    free(text);
}

/* The one sanitiser: printable ASCII kept, every other byte one '?' (ESC,
 * CR, BEL, DEL, C1 CSI, valid and invalid UTF-8), cut to the buffer. */
static void
test_report_sanitize_bytes(void **state)
{
    char buf[64];

    (void)state;
    assert_string_equal(report_sanitize("ok.lab-1", buf, sizeof(buf)), "ok.lab-1");
    assert_string_equal(report_sanitize("\033[2J\r\a\x7f\x9b\xff\xc3\xa9", buf, sizeof(buf)),
                        "?[2J???????");
    assert_string_equal(report_sanitize_n("a\0b", 3, buf, sizeof(buf)), "a?b");
    assert_string_equal(report_sanitize("abcdef", buf, 4), "abc");
    buf[0] = 'x';
    report_sanitize("abc", buf, 0);
    assert_int_equal(buf[0], 'x');
}

static const char *
evil_name(void *arg, const struct hw_addr *a)
{
    (void)a;
    return arg;
}

/* -z / -y: the AS field before every host, mtr's way, "AS???" while
 * unknown and for a silent hop; -y 5's name sanitised. */
static void
test_report_text_as_field(void **state)
{
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    x.run.as_of = fx_fake_as;
    text = fx_capture(report_text, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "\n  1.|-- AS64512  198.18.0.2 "));
    assert_non_null(strstr(text, "\n    |   AS???    198.18.9.2 "));
    assert_non_null(strstr(text, "\n  2.|-- AS???    ???"));
    free(text);
    x.run.as_field = HW_AS_FIELD_PREFIX;
    text = fx_capture(report_text, &x.run, &rc);
    assert_non_null(strstr(text, "\n  1.|-- 198.18.0.0/24      198.18.0.2 "));
    assert_non_null(strstr(text, "\n  2.|-- ???                ???"));
    free(text);
    x.run.as_field = HW_AS_FIELD_NAME;
    text = fx_capture(report_text, &x.run, &rc);
    assert_non_null(strstr(text, "\n  1.|-- EV?[2JIL?        198.18.0.2 "));
    for (const unsigned char *s = (const unsigned char *)text; *s != '\0'; s++)
        assert_true(*s == '\n' || (*s >= 0x20 && *s < 0x7f));
    free(text);
}

/* Names reach the text report sanitised: the target's word as the user
 * gave it (ping and trace mode, "Target:" lines, "not probed") and the
 * reverse DNS names of the hops. */
static void
test_report_text_names_sanitised(void **state)
{
    struct fx_ping p;
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_ping_init(&p);
    p.t[1].name = "q\033[31muiet\a";
    p.t[2].name = "no\033]0;pwned\007\r\xff\xc3\x28";
    text = fx_capture(report_text, &p.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "\nq?[31muiet? (198.19.0.2) 100.0%"));
    assert_non_null(strstr(text, "\nno?]0;pwned???" "?(   "));
    for (const unsigned char *s = (const unsigned char *)text; *s != '\0'; s++)
        assert_true(*s == '\n' || (*s >= 0x20 && *s < 0x7f));
    free(text);

    fx_trace_init(&x);
    x.run.name_of = evil_name;
    x.run.name_arg = (void *)"r\033[2J\r\x9b.lab";
    x.t[0].name = "t\033[1m\xfe";
    x.run.wide = true;
    text = fx_capture(report_text, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "  1.|-- r?[2J??.lab "));
    for (const unsigned char *s = (const unsigned char *)text; *s != '\0'; s++)
        assert_true(*s == '\n' || (*s >= 0x20 && *s < 0x7f));
    free(text);
}

/* -o: the columns asked for, in that order; mtr's order gives mtr's table. */
static void
test_report_text_order(void **state)
{
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    x.run.order = COLUMNS_MTR;
    text = fx_capture(report_text, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text,
    "Start: 2026-11-23T10:00:00.000Z\n"
    "HOST: vm              Loss%   Snt    Last     Avg    Best    Wrst   StDev\n"
    "  1.|-- 198.18.0.2     0.0%     3    3.00    2.00    1.00    3.00    1.00\n"
    "    |   198.18.9.2                   2.00    2.00    2.00    2.00   0.000\n"
    "  2.|-- ???          100.0%     3       -       -       -       -       -\n"
    "  3.|-- 198.18.2.2     0.0%     3    6.00    5.00    4.00    6.00    1.00\n");
    free(text);
    x.run.order = "KFDR";
    text = fx_capture(report_text, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text,
    "Start: 2026-11-23T10:00:00.000Z\n"
    "HOST: vm             Verdict                   Fwd%  Drop   Rcv\n"
    "  1.|-- 198.18.0.2   ok                        0.0%     0     3\n"
    "    |   198.18.9.2                                            1\n"
    "  2.|-- ???          not answering                -     3     0\n"
    "  3.|-- 198.18.2.2   ok                        0.0%     0     3\n");
    free(text);
}

/* Several targets: a table each, headed by its target, in order, then the
 * summary; a target that was not probed says why in both places. */
static void
test_report_text_traces_and_summary(void **state)
{
    struct fx_trace x;
    struct report_target ts[2];
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    ts[0] = x.t[0];
    memset(&ts[1], 0, sizeof(ts[1]));
    ts[1].name = "nosuch.lab";
    ts[1].addr.family = AF_UNSPEC;
    ts[1].status = HW_ENAME;
    ts[1].error = "the name does not resolve";
    x.run.targets = ts;
    x.run.ntargets = 2;
    text = fx_capture(report_text, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text,
    "Target: target.lab (198.18.2.2)\n"
    "Start: 2026-11-23T10:00:00.000Z\n"
    "HOST: vm              Loss%   Snt    Last     Avg    Best    Wrst   StDev   Fwd% Verdict\n"
    "  1.|-- 198.18.0.2     0.0%     3    3.00    2.00    1.00    3.00    1.00   0.0% ok\n"
    "    |   198.18.9.2                   2.00    2.00    2.00    2.00   0.000\n"
    "  2.|-- ???          100.0%     3       -       -       -       -       -      - not "
    "answering\n"
    "  3.|-- 198.18.2.2     0.0%     3    6.00    5.00    4.00    6.00    1.00   0.0% ok\n"
    "\n"
    "Target: nosuch.lab\n"
    "not probed: the name does not resolve\n"
    "\n"
    "Summary of 2 targets\n"
    "HOST: vm                Hops End          Loss%   Snt    Last     Avg    Best    Wrst   "
    "StDev   Fwd% Verdict\n"
    "target.lab (198.18.2.2)    3 reached       0.0%     3    6.00    5.00    4.00    6.00   "
    " 1.00   0.0% ok\n"
    "nosuch.lab               not probed: the name does not resolve\n");
    free(text);
}

/* A ping run of targets with long names and IPv6 addresses. */
static void
long_names_run(struct fx_ping *p, bool wide)
{
    fx_ping_init(p);
    p->t[0].name = "2001:2:ffff:ffff:ffff:ffff:ffff:fff1";
    p->t[0].addr = fx_addr("2001:2:ffff:ffff:ffff:ffff:ffff:fff1");
    p->t[1].name = "a-rather-long-host-name.in.a.deep.domain.example";
    p->t[1].addr = fx_addr("2001:2:ffff:ffff:ffff:ffff:ffff:fff2");
    p->run.ntargets = 2;
    p->run.wide = wide;
}

/* Split text into lines (modified in place); returns how many. */
static size_t
lines_of(char *text, char **lines, size_t max)
{
    size_t n = 0;

    for (char *s = strtok(text, "\n"); s != NULL && n < max; s = strtok(NULL, "\n"))
        lines[n++] = s;
    return n;
}

/* With -w the host column takes the widest name whole, and every line of
 * the table ends at the same column, so each right-aligned number sits
 * under its title. */
static void
test_report_text_wide_ipv6_columns_line_up(void **state)
{
    struct fx_ping p;
    char *text, *lines[8];
    size_t n, width;
    int rc = -1;

    (void)state;
    long_names_run(&p, true);
    text = fx_capture(report_text, &p.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "a-rather-long-host-name.in.a.deep.domain.example "
                                 "(2001:2:ffff:ffff:ffff:ffff:ffff:fff2) "));
    n = lines_of(text, lines, 8);
    assert_int_equal(n, 4);
    width = strlen(lines[1]);
    /* Host column (87) and 8 columns of statistics (6+5+5+7*5 and blanks). */
    assert_int_equal(width, 87 + 8 + 6 + 5 + 5 + 5 * 7);
    assert_int_equal(strlen(lines[2]), width);
    assert_int_equal(strlen(lines[3]), width);
    /* The numbers end where the titles end: "Loss%" over "33.3%". */
    assert_int_equal(strstr(lines[1], "Loss%") - lines[1] + 5,
                     strstr(lines[2], "33.3%") - lines[2] + 5);
    assert_int_equal(strstr(lines[1], "StDev") - lines[1] + 5, (long)width);
    free(text);
}

/* Without -w a name longer than the 40-column cap is cut, ending in the
 * mark, and the columns still line up. */
static void
test_report_text_narrow_cuts_with_mark(void **state)
{
    struct fx_ping p;
    char *text, *lines[8];
    size_t n;
    int rc = -1;

    (void)state;
    long_names_run(&p, false);
    text = fx_capture(report_text, &p.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "\na-rather-long-host-name.in.a.deep.domai~ 100.0%"));
    n = lines_of(text, lines, 8);
    assert_int_equal(n, 4);
    assert_int_equal(strlen(lines[1]), REPORT_HOST_COL_MAX + 8 + 6 + 5 + 5 + 5 * 7);
    assert_int_equal(strlen(lines[2]), strlen(lines[1]));
    assert_int_equal(strlen(lines[3]), strlen(lines[1]));
    /* The IPv6 address alone (36 characters) fits whole. */
    assert_non_null(strstr(lines[2], "2001:2:ffff:ffff:ffff:ffff:ffff:fff1    "));
    free(text);
}

static void
test_report_text_put_cell(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    report_put_cell(f, "abc", 5);
    fputc('|', f);
    report_put_cell(f, "abcdef", 5);
    fputc('|', f);
    report_put_cell(f, "h\xc3\xa9llo-w\xc3\xb6rld", 7);
    fputc('|', f);
    report_put_cell(f, "abcde", 5);
    fclose(f);
    assert_string_equal(buf, "abc  |abcd~|h\xc3\xa9llo-~|abcde");
    assert_int_equal(report_text_width("h\xc3\xa9llo"), 5);
    free(buf);
}

/* --mtu: the MTU column (before Fwd%) and the line under the table; a black
 * hole and a search still running say so. */
static void
test_report_text_pmtu(void **state)
{
    struct fx_trace x;
    struct hw_pmtu_result p;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    fx_pmtu(&p);
    x.t[0].pmtu = &p;
    x.run.settings.pmtu = true;
    text = fx_capture(report_text, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text,
    "Start: 2026-11-23T10:00:00.000Z\n"
    "HOST: vm              Loss%   Snt    Last     Avg    Best    Wrst   StDev   MTU   Fwd% Verdict\n"
    "  1.|-- 198.18.0.2     0.0%     3    3.00    2.00    1.00    3.00    1.00  1500   0.0% ok\n"
    "    |   198.18.9.2                   2.00    2.00    2.00    2.00   0.000\n"
    "  2.|-- ???          100.0%     3       -       -       -       -       -  1400      - not "
    "answering\n"
    "  3.|-- 198.18.2.2     0.0%     3    6.00    5.00    4.00    6.00    1.00  1400   0.0% ok\n"
    "Path MTU 1400 from hop 1 (198.18.0.2 said so).\n");
    free(text);
    p.reason = HW_PMTU_REASON_BLACKHOLE;
    p.router_mtu = 0;
    p.hop_reach = 1401;
    text = fx_capture(report_text, &x.run, &rc);
    assert_non_null(strstr(text, "\nPath MTU 1400 from hop 1 (198.18.0.2): a black hole, larger "
                                 "packets vanish without an error.\n"));
    assert_non_null(strstr(text, "1.00  1401   0.0% ok\n"));
    free(text);
    memset(&p, 0, sizeof(p));
    p.state = HW_PMTU_SEARCHING;
    p.passed = 1280;
    text = fx_capture(report_text, &x.run, &rc);
    assert_non_null(strstr(text, "1.00     -   0.0% ok\n"));
    assert_non_null(strstr(text, "\nPath MTU: probing (1280 bytes reach the target so far).\n"));
    free(text);
}

/* Every sentence a path MTU search can end in (route.h). */
static void
test_report_pmtu_sentences(void **state)
{
    struct hw_pmtu_result p;
    char buf[300];

    (void)state;
    fx_pmtu(&p);
    p.state = HW_PMTU_LOCATING;
    p.hop_ttl = 0;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU 1400 (198.18.0.2 said so), finding its hop.");
    p.state = HW_PMTU_DONE;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU 1400 (198.18.0.2 said so), hop not found.");
    p.reason = HW_PMTU_REASON_BLACKHOLE;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU 1400: larger packets vanish without an error (a black "
                             "hole), hop not found.");
    p.hop_ttl = 4;
    p.hop_addr.family = AF_UNSPEC;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU 1400 from hop 4: a black hole, larger packets vanish "
                             "without an error.");
    p.reason = HW_PMTU_REASON_LOCAL;
    p.pmtu = 1500;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU 1500: the local interface's MTU.");
    p.reason = HW_PMTU_REASON_MAX;
    p.pmtu = 9000;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU 9000 or more (the largest size tried).");
    p.state = HW_PMTU_FAILED;
    p.reason = HW_PMTU_REASON_NO_ANSWER;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU unknown: the target does not answer its probes.");
    p.reason = HW_PMTU_REASON_UNREACHABLE;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU unknown: the probes do not reach the target.");
    p.reason = HW_PMTU_REASON_SEND_ERROR;
    p.status = -ENETUNREACH;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU unknown: send failed: Network is unreachable.");
    p.state = HW_PMTU_SEARCHING;
    p.passed = 0;
    report_pmtu_text(&p, buf, sizeof(buf));
    assert_string_equal(buf, "Path MTU: probing.");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_text_ping),
        cmocka_unit_test(test_report_text_route_changes),
        cmocka_unit_test(test_report_text_send_errors),
        cmocka_unit_test(test_report_sanitize_bytes),
        cmocka_unit_test(test_report_text_names_sanitised),
        cmocka_unit_test(test_report_text_as_field),
        cmocka_unit_test(test_report_text_one_trace),
        cmocka_unit_test(test_report_text_order),
        cmocka_unit_test(test_report_text_pmtu),
        cmocka_unit_test(test_report_pmtu_sentences),
        cmocka_unit_test(test_report_text_traces_and_summary),
        cmocka_unit_test(test_report_text_wide_ipv6_columns_line_up),
        cmocka_unit_test(test_report_text_narrow_cuts_with_mark),
        cmocka_unit_test(test_report_text_put_cell),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
