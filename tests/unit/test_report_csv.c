/* test_report_csv.c - CSV (--csv): the exact rows of small fixed runs, one
 * row per responder (a silent hop one row with empty responder cells), and
 * RFC 4180 quoting of what needs it. */
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
#include "report_fixture.h"

static const char *
r1_name(void *arg, const struct hw_addr *a)
{
    struct hw_addr r1 = fx_addr("198.18.0.2");

    (void)arg;
    return hw_addr_equal(a, &r1) ? "r1, \"core\"" : NULL;
}

static void
test_report_csv_ping(void **state)
{
    struct fx_ping p;
    char *text;
    int rc = -1;

    (void)state;
    fx_ping_init(&p);
    text = fx_capture(report_csv, &p.run, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text,
    "target,address,family,status,reached,sent,received,lost,loss_pct,late,duplicates,last_ms"
    ",best_ms,avg_ms,worst_ms,stddev_ms,jitter_ms,jitter_max_ms,jitter_rfc3550_ms,error\n"
    "198.19.0.1,198.19.0.1,ipv4,ok,true,3,2,1,33.333,0,0,2.5,1.5,2,2.5,0.707,1,1,0.062,\n"
    "quiet.lab,198.19.0.2,ipv4,ok,false,3,0,3,100,0,0,,,,,,,,,\n"
    "nosuch.lab,,,name-error,false,,,,,,,,,,,,,,,the name does not resolve\n");
    free(text);
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
test_report_csv_trace(void **state)
{
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    x.run.name_of = r1_name;
    text = fx_capture(report_csv, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(text,
    "target,address,family,status,ttl,hop_sent,hop_received,hop_lost,hop_loss_pct,hop_forward_"
    "loss_pct,hop_verdict,responder,responder_name,answer,icmp_type,icmp_code,mark,mpls,receive"
    "d,last_ms,best_ms,avg_ms,worst_ms,stddev_ms,jitter_ms,jitter_max_ms,jitter_rfc3550_ms,erro"
    "r,paths,path,path_current,path_first_seen,path_last_seen,path_rounds,path_end,path_hops\n"
    "target.lab,198.18.2.2,ipv4,ok,1,3,3,0,0,0,ok,198.18.0.2,\"r1, \"\"core\"\"\",time-exceeded"
    ",11,0,,24001/0/1/1,2,3,1,2,3,1.414,2,2,0.125,,0,,,,,,,\n"
    "target.lab,198.18.2.2,ipv4,ok,1,3,3,0,0,0,ok,198.18.9.2,,time-exceeded,11,0,,,1,2,2,2,2,0,"
    ",,,,0,,,,,,,\n"
    "target.lab,198.18.2.2,ipv4,ok,2,3,0,3,100,,silent,,,,,,,,,,,,,,,,,,,,,,,,,\n"
    "target.lab,198.18.2.2,ipv4,ok,3,3,3,0,0,0,ok,198.18.2.2,,reply,0,0,,,3,6,4,5,6,1,1,1,0.121,"
    ",0,,,,,,,\n"
    /* The path history: one distinct path, current, hop 1 balanced, hop 2
     * silent. */
    "target.lab,198.18.2.2,ipv4,ok,,,,,,,,,,,,,,,,,,,,,,,,,,0,true,2026-11-23T10:00:00.000Z,"
    "2026-11-23T10:00:02.500Z,3,reached,198.18.0.2|198.18.9.2 * 198.18.2.2\n");
    free(text);
}

static const char *
odd_name(void *arg, const struct hw_addr *a)
{
    (void)a;
    return arg;
}

/* The responder_name cell of the first row of a trace run whose names are
 * all name. */
static char *
name_cell(const char *name)
{
    struct fx_trace x;
    char *text, *row, *cell, *end;
    int rc = -1;

    fx_trace_init(&x);
    x.run.name_of = odd_name;
    x.run.name_arg = (void *)name;
    text = fx_capture(report_csv, &x.run, &rc);
    assert_int_equal(rc, 0);
    row = strchr(text, '\n') + 1;
    /* target,address,family,status,ttl,4 hop counts,forward loss,verdict,
     * responder, then it. */
    cell = row;
    for (int i = 0; i < 12; i++)
        cell = strchr(cell, ',') + 1;
    end = strstr(cell, ",time-exceeded,");
    assert_non_null(end);
    *end = '\0';
    memmove(text, cell, strlen(cell) + 1);
    return text;
}

static void
test_report_csv_quoting(void **state)
{
    char *c;

    (void)state;
    c = name_cell("plain.lab");
    assert_string_equal(c, "plain.lab");
    free(c);
    c = name_cell("a,b");
    assert_string_equal(c, "\"a,b\"");
    free(c);
    c = name_cell("say \"hi\"");
    assert_string_equal(c, "\"say \"\"hi\"\"\"");
    free(c);
    /* A line break is a control character: sanitised like every printed
     * name (issue 10, item 13), it no longer needs quoting. */
    c = name_cell("two\nlines");
    assert_string_equal(c, "two?lines");
    free(c);
    c = name_cell(" edge ");
    assert_string_equal(c, "\" edge \"");
    free(c);
}

/* Names reach a CSV file sanitised, whatever their source: the target's
 * word and the reverse DNS name (ESC, CR, BEL, invalid UTF-8). */
static void
test_report_csv_names_sanitised(void **state)
{
    struct fx_ping p;
    char *text, *c;
    int rc = -1;

    (void)state;
    c = name_cell("evil\033]0;x\007\r\xff\xc3.lab");
    assert_string_equal(c, "evil?]0;x????.lab");
    free(c);
    fx_ping_init(&p);
    p.t[2].name = "no\033[2Jsuch\r\x9b\xc3\x28";
    text = fx_capture(report_csv, &p.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "\nno?[2Jsuch??" "?(,,,"));
    for (const unsigned char *s = (const unsigned char *)text; *s != '\0'; s++)
        assert_true(*s == '\n' || (*s >= 0x20 && *s < 0x7f));
    free(text);
}

/* -z: asn, as_prefix and as_name after responder_name, empty while
 * unknown and on a silent hop's row; sanitised. */
static void
test_report_csv_as_columns(void **state)
{
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    x.run.as_of = fx_fake_as;
    text = fx_capture(report_csv, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, ",responder,responder_name,asn,as_prefix,as_name,answer,"));
    assert_non_null(strstr(text, ",198.18.0.2,,64512,198.18.0.0/24,EV?[2JIL?,time-exceeded,"));
    assert_non_null(strstr(text, ",198.18.9.2,,,,,time-exceeded,"));
    free(text);
}

/* Every row has as many cells as the header. */
static void
test_report_csv_rows_have_header_width(void **state)
{
    struct fx_trace x;
    struct fx_ping p;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    fx_ping_init(&p);
    /* k == 2: the trace again, with the AS columns (-z). */
    for (int k = 0; k < 3; k++) {
        if (k == 2)
            x.run.as_of = fx_fake_as;
        size_t want = 0, n = 0;

        text = fx_capture(report_csv, k != 1 ? &x.run : &p.run, &rc);
        assert_int_equal(rc, 0);
        for (const char *s = text; *s != '\0'; s++) {
            if (*s == ',')
                n++;
            if (*s == '\n') {
                if (want == 0)
                    want = n;
                assert_int_equal(n, want);
                n = 0;
            }
        }
        free(text);
    }
}

/* --mtu: four more columns at the end, on every row. */
static void
test_report_csv_pmtu(void **state)
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
    text = fx_capture(report_csv, &x.run, &rc);
    assert_int_equal(rc, 0);
    /* After every other column, the route history's included. */
    assert_non_null(strstr(text, ",path_end,path_hops,hop_mtu,path_mtu,path_mtu_reason,"
                                 "path_mtu_hop\n"));
    assert_non_null(strstr(text, ",0.125,,0,,,,,,,,1500,1400,router,1\n"));
    assert_non_null(strstr(text, "ok,2,3,0,3,100,,silent,,,,,,,,,,,,,,,,,,,,,,,,,,1400,1400,"
                                 "router,1\n"));
    assert_non_null(strstr(text, ",0.121,,0,,,,,,,,1400,1400,router,1\n"));
    /* A path row: no hop, so no hop_mtu; the target's path MTU. */
    assert_non_null(strstr(text, ",198.18.0.2|198.18.9.2 * 198.18.2.2,,1400,router,1\n"));
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_csv_ping),
        cmocka_unit_test(test_report_csv_trace),
        cmocka_unit_test(test_report_csv_pmtu),
        cmocka_unit_test(test_report_csv_quoting),
        cmocka_unit_test(test_report_csv_names_sanitised),
        cmocka_unit_test(test_report_csv_rows_have_header_width),
        cmocka_unit_test(test_report_csv_as_columns),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
