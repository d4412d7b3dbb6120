/* test_report_stream.c - the JSON-lines stream (--jsonl, --log): the exact
 * records of a small run, one object per line, late and duplicate flags,
 * what happens after a write error, and that a write cut short (a full
 * disk) never leaves a torn line in a file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "report/report.h"
#include "report_fixture.h"

/* Compare text with expected, where "@VERSION@" stands for hw_version(). */
static void
assert_text(const char *text, const char *expected)
{
    const char *v = hw_version(), *at = strstr(expected, "@VERSION@");
    char *want;

    assert_non_null(text);
    if (at == NULL) {
        assert_string_equal(text, expected);
        return;
    }
    want = malloc(strlen(expected) + strlen(v) + 1);
    assert_non_null(want);
    memcpy(want, expected, (size_t)(at - expected));
    strcpy(want + (at - expected), v);
    strcat(want, at + strlen("@VERSION@"));
    assert_string_equal(text, want);
    free(want);
}

/* A reply of target 198.19.0.1 (probe 7, 1.5 ms), as the core reports it. */
static void
reply_result(struct hw_probe_result *r)
{
    memset(r, 0, sizeof(*r));
    r->outcome = HW_OUTCOME_REPLY;
    r->dst = fx_addr("198.19.0.1");
    r->responder = r->dst;
    r->seq = 7;
    r->rtt_ns = 1500000;
    r->icmp_type = 0;
    r->icmp_code = 0;
    r->received.real_ns = FX_START_NS + 1500000;
}

/* Its timeout: no responder, no arrival time. */
static void
timeout_result(struct hw_probe_result *r)
{
    reply_result(r);
    r->outcome = HW_OUTCOME_TIMEOUT;
    r->responder.family = AF_UNSPEC;
    r->rtt_ns = -1;
    r->icmp_type = -1;
    r->icmp_code = -1;
    r->received.real_ns = 0;
}

static void
test_report_stream_records(void **state)
{
    struct fx_ping p;
    struct hw_probe_result r;
    struct report_stream *st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    fx_ping_init(&p);
    st = report_stream_new(f);
    assert_non_null(st);
    assert_int_equal(report_stream_start(st, &p.run), 0);
    reply_result(&r);
    assert_int_equal(report_stream_probe(st, &p.t[0], 0, &r, FX_END_NS), 0);
    timeout_result(&r);
    assert_int_equal(report_stream_probe(st, &p.t[0], 0, &r, FX_END_NS), 0);
    assert_int_equal(report_stream_summary(st, &p.run, true, FX_END_NS), 0);
    report_stream_free(st);
    fclose(f);
    assert_text(buf,
    "{\"type\":\"start\",\"schema\":\"hopwatch/1\",\"version\":\"@VERSION@\",\"source_host\":"
    "\"vm\",\"mode\":\"ping\",\"time\":\"2026-11-23T10:00:00.000Z\",\"settings\":{\"protocol"
    "\":\"icmp\",\"port\":null,\"sockets\":\"raw\",\"cycles\":3,\"interval_ms\":500,\"timeout"
    "_ms\":1000,\"pps\":1000,\"payload_bytes\":56,\"tos\":0,\"dns\":false},\"targets\":[{\"na"
    "me\":\"198.19.0.1\",\"address\":\"198.19.0.1\",\"family\":\"ipv4\",\"status\":\"ok\",\"e"
    "rror\":null},{\"name\":\"quiet.lab\",\"address\":\"198.19.0.2\",\"family\":\"ipv4\",\"st"
    "atus\":\"ok\",\"error\":null},{\"name\":\"nosuch.lab\",\"address\":null,\"family\":null,"
    "\"status\":\"name-error\",\"error\":\"the name does not resolve\"}]}\n"
    "{\"type\":\"probe\",\"time\":\"2026-11-23T10:00:00.001Z\",\"target\":\"198.19.0.1\",\"ad"
    "dress\":\"198.19.0.1\",\"ttl\":null,\"seq\":7,\"responder\":\"198.19.0.1\",\"outcome\":"
    "\"reply\",\"rtt_ms\":1.5,\"late\":false,\"duplicate\":false,\"icmp_type\":0,\"icmp_code"
    "\":0}\n"
    "{\"type\":\"probe\",\"time\":\"2026-11-23T10:00:02.500Z\",\"target\":\"198.19.0.1\",\"ad"
    "dress\":\"198.19.0.1\",\"ttl\":null,\"seq\":7,\"responder\":null,\"outcome\":\"timeout\""
    ",\"rtt_ms\":null,\"late\":false,\"duplicate\":false,\"icmp_type\":null,\"icmp_code\":nul"
    "l}\n"
    "{\"type\":\"summary\",\"time\":\"2026-11-23T10:00:02.500Z\",\"final\":true,\"elapsed_ms"
    "\":2500,\"targets\":[{\"name\":\"198.19.0.1\",\"address\":\"198.19.0.1\",\"family\":\"ip"
    "v4\",\"status\":\"ok\",\"error\":null,\"reached\":true,\"sent\":3,\"received\":2,\"lost"
    "\":1,\"in_flight\":0,\"late\":0,\"duplicates\":0,\"loss_pct\":33.333,\"last_ms\":2.5,\"b"
    "est_ms\":1.5,\"avg_ms\":2,\"worst_ms\":2.5,\"stddev_ms\":0.707,\"jitter_ms\":1,\"jitter_"
    "max_ms\":1,\"jitter_rfc3550_ms\":0.062},{\"name\":\"quiet.lab\",\"address\":\"198.19.0.2"
    "\",\"family\":\"ipv4\",\"status\":\"ok\",\"error\":null,\"reached\":false,\"sent\":3,\"r"
    "eceived\":0,\"lost\":3,\"in_flight\":0,\"late\":0,\"duplicates\":0,\"loss_pct\":100,\"la"
    "st_ms\":null,\"best_ms\":null,\"avg_ms\":null,\"worst_ms\":null,\"stddev_ms\":null,\"jit"
    "ter_ms\":null,\"jitter_max_ms\":null,\"jitter_rfc3550_ms\":null},{\"name\":\"nosuch.lab"
    "\",\"address\":null,\"family\":null,\"status\":\"name-error\",\"error\":\"the name does "
    "not resolve\",\"reached\":false,\"sent\":0,\"received\":0,\"lost\":0,\"in_flight\":0,\"l"
    "ate\":0,\"duplicates\":0,\"loss_pct\":null,\"last_ms\":null,\"best_ms\":null,\"avg_ms\":"
    "null,\"worst_ms\":null,\"stddev_ms\":null,\"jitter_ms\":null,\"jitter_max_ms\":null,\"ji"
    "tter_rfc3550_ms\":null}]}\n");
    free(buf);
}

/* Trace mode: the TTL is a number; late and duplicate answers are flagged
 * (and carry their RTT); cancelled probes are not written. */
static void
test_report_stream_trace_late_duplicate_cancelled(void **state)
{
    struct fx_trace x;
    struct hw_probe_result r;
    struct report_stream *st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    fx_trace_init(&x);
    st = report_stream_new(f);
    reply_result(&r);
    r.outcome = HW_OUTCOME_TIME_EXCEEDED;
    r.dst = fx_addr("198.18.2.2");
    r.responder = fx_addr("198.18.0.2");
    r.icmp_type = 11;
    r.extra = HW_EXTRA_LATE;
    assert_int_equal(report_stream_probe(st, &x.t[0], 1, &r, FX_END_NS), 0);
    r.extra = HW_EXTRA_DUPLICATE;
    assert_int_equal(report_stream_probe(st, &x.t[0], 1, &r, FX_END_NS), 0);
    r.outcome = HW_OUTCOME_CANCELLED;
    r.extra = HW_EXTRA_NONE;
    assert_int_equal(report_stream_probe(st, &x.t[0], 1, &r, FX_END_NS), 0);
    report_stream_free(st);
    fclose(f);
    assert_string_equal(buf,
                        "{\"type\":\"probe\",\"time\":\"2026-11-23T10:00:00.001Z\","
                        "\"target\":\"target.lab\",\"address\":\"198.18.2.2\",\"ttl\":1,"
                        "\"seq\":7,\"responder\":\"198.18.0.2\",\"outcome\":\"time-exceeded\","
                        "\"rtt_ms\":1.5,\"late\":true,\"duplicate\":false,\"icmp_type\":11,"
                        "\"icmp_code\":0}\n"
                        "{\"type\":\"probe\",\"time\":\"2026-11-23T10:00:00.001Z\","
                        "\"target\":\"target.lab\",\"address\":\"198.18.2.2\",\"ttl\":1,"
                        "\"seq\":7,\"responder\":\"198.18.0.2\",\"outcome\":\"time-exceeded\","
                        "\"rtt_ms\":1.5,\"late\":false,\"duplicate\":true,\"icmp_type\":11,"
                        "\"icmp_code\":0}\n");
    free(buf);
}

/* A trace summary is one line holding every hop. */
static void
test_report_stream_trace_summary_is_one_line(void **state)
{
    struct fx_trace x;
    struct report_stream *st;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    fx_trace_init(&x);
    st = report_stream_new(f);
    assert_int_equal(report_stream_summary(st, &x.run, false, FX_END_NS), 0);
    report_stream_free(st);
    fclose(f);
    assert_non_null(strstr(buf, "\"final\":false,\"elapsed_ms\":2500,\"targets\":[{"));
    assert_non_null(strstr(buf, "\"hop_count\":3,\"rounds\":3,\"end\":{\"kind\":"
                                "\"reached\""));
    assert_non_null(strstr(buf, "\"mpls\":[{\"label\":24001,\"tc\":0,\"bottom\":true,"
                                "\"ttl\":1}]"));
    assert_ptr_equal(strchr(buf, '\n'), buf + len - 1);
    free(buf);
}

/* The first write error is returned, kept, and nothing more is written. */
static void
test_report_stream_write_error_sticks(void **state)
{
    struct fx_ping p;
    struct hw_probe_result r;
    struct report_stream *st;
    FILE *f = fopen("/dev/full", "w");

    (void)state;
    if (f == NULL)
        skip();
    fx_ping_init(&p);
    st = report_stream_new(f);
    assert_int_equal(report_stream_error(st), 0);
    assert_int_equal(report_stream_start(st, &p.run), -ENOSPC);
    reply_result(&r);
    assert_int_equal(report_stream_probe(st, &p.t[0], 0, &r, FX_END_NS), -ENOSPC);
    assert_int_equal(report_stream_summary(st, &p.run, true, FX_END_NS), -ENOSPC);
    assert_int_equal(report_stream_error(st), -ENOSPC);
    report_stream_free(st);
    fclose(f);
}

/* A file that fills up part-way through a line (here a file size limit,
 * which the kernel enforces as it does a full disk: a short write, then an
 * error) keeps only whole lines: the torn part is cut back off. */
static void
test_report_stream_full_file_keeps_whole_lines(void **state)
{
    char path[] = "/tmp/test_report_stream.XXXXXX";
    struct fx_ping p;
    struct hw_probe_result r;
    struct report_stream *st;
    struct rlimit old, lim;
    char text[4096];
    int fd = mkstemp(path), st_err = 0;
    size_t n, lines = 0;
    FILE *f;

    (void)state;
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fx_ping_init(&p);
    reply_result(&r);
    /* Beyond the limit write() fails with EFBIG instead of raising
     * SIGXFSZ; 1000 bytes is not a multiple of any record's length. */
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 1000;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    st = report_stream_new(f);
    st_err = report_stream_start(st, &p.run);
    for (int i = 0; i < 100 && st_err == 0; i++)
        st_err = report_stream_probe(st, &p.t[0], 0, &r, FX_END_NS);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_DFL);
    assert_int_equal(st_err, -EFBIG);
    assert_int_equal(report_stream_error(st), -EFBIG);
    report_stream_free(st);
    fclose(f);

    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    unlink(path);
    text[n] = '\0';
    assert_true(n > 0 && n < 1000);
    assert_int_equal(text[n - 1], '\n');
    for (size_t i = 0; i < n; i++)
        lines += text[i] == '\n';
    assert_true(lines >= 2);
    assert_non_null(strstr(text, "{\"type\":\"start\""));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_stream_records),
        cmocka_unit_test(test_report_stream_trace_late_duplicate_cancelled),
        cmocka_unit_test(test_report_stream_trace_summary_is_one_line),
        cmocka_unit_test(test_report_stream_write_error_sticks),
        cmocka_unit_test(test_report_stream_full_file_keeps_whole_lines),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
