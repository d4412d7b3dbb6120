/* test_report_json.c - the one JSON document of a run (--json): exact text
 * for small fixed runs, the trace-only members, targets that were not
 * probed, and write errors. */
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

static const char *
r1_name(void *arg, const struct hw_addr *a)
{
    struct hw_addr r1 = fx_addr("198.18.0.2");

    (void)arg;
    return hw_addr_equal(a, &r1) ? "r1, \"core\"" : NULL;
}

static void
test_report_json_ping_document(void **state)
{
    struct fx_ping p;
    char *text;
    int rc = -1;

    (void)state;
    fx_ping_init(&p);
    text = fx_capture(report_json, &p.run, &rc);
    assert_int_equal(rc, 0);
    assert_text(text,
    "{\n"
    "  \"schema\": \"hopwatch/1\",\n"
    "  \"version\": \"@VERSION@\",\n"
    "  \"source_host\": \"vm\",\n"
    "  \"mode\": \"ping\",\n"
    "  \"settings\": {\n"
    "    \"protocol\": \"icmp\",\n"
    "    \"port\": null,\n"
    "    \"sockets\": \"raw\",\n"
    "    \"cycles\": 3,\n"
    "    \"interval_ms\": 500,\n"
    "    \"timeout_ms\": 1000,\n"
    "    \"pps\": 1000,\n"
    "    \"payload_bytes\": 56,\n"
    "    \"tos\": 0,\n"
    "    \"dns\": false\n"
    "  },\n"
    "  \"start_time\": \"2026-11-23T10:00:00.000Z\",\n"
    "  \"end_time\": \"2026-11-23T10:00:02.500Z\",\n"
    "  \"duration_ms\": 2500,\n"
    "  \"targets\": [\n"
    "    {\n"
    "      \"name\": \"198.19.0.1\",\n"
    "      \"address\": \"198.19.0.1\",\n"
    "      \"family\": \"ipv4\",\n"
    "      \"status\": \"ok\",\n"
    "      \"error\": null,\n"
    "      \"reached\": true,\n"
    "      \"sent\": 3,\n"
    "      \"received\": 2,\n"
    "      \"lost\": 1,\n"
    "      \"in_flight\": 0,\n"
    "      \"late\": 0,\n"
    "      \"duplicates\": 0,\n"
    "      \"send_errors\": 0,\n"
    "      \"loss_pct\": 33.333,\n"
    "      \"last_ms\": 2.5,\n"
    "      \"best_ms\": 1.5,\n"
    "      \"avg_ms\": 2,\n"
    "      \"worst_ms\": 2.5,\n"
    "      \"stddev_ms\": 0.707,\n"
    "      \"jitter_ms\": 1,\n"
    "      \"jitter_max_ms\": 1,\n"
    "      \"jitter_rfc3550_ms\": 0.062,\n"
    "      \"send_error\": null\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"quiet.lab\",\n"
    "      \"address\": \"198.19.0.2\",\n"
    "      \"family\": \"ipv4\",\n"
    "      \"status\": \"ok\",\n"
    "      \"error\": null,\n"
    "      \"reached\": false,\n"
    "      \"sent\": 3,\n"
    "      \"received\": 0,\n"
    "      \"lost\": 3,\n"
    "      \"in_flight\": 0,\n"
    "      \"late\": 0,\n"
    "      \"duplicates\": 0,\n"
    "      \"send_errors\": 0,\n"
    "      \"loss_pct\": 100,\n"
    "      \"last_ms\": null,\n"
    "      \"best_ms\": null,\n"
    "      \"avg_ms\": null,\n"
    "      \"worst_ms\": null,\n"
    "      \"stddev_ms\": null,\n"
    "      \"jitter_ms\": null,\n"
    "      \"jitter_max_ms\": null,\n"
    "      \"jitter_rfc3550_ms\": null,\n"
    "      \"send_error\": null\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"nosuch.lab\",\n"
    "      \"address\": null,\n"
    "      \"family\": null,\n"
    "      \"status\": \"name-error\",\n"
    "      \"error\": \"the name does not resolve\",\n"
    "      \"reached\": false,\n"
    "      \"sent\": 0,\n"
    "      \"received\": 0,\n"
    "      \"lost\": 0,\n"
    "      \"in_flight\": 0,\n"
    "      \"late\": 0,\n"
    "      \"duplicates\": 0,\n"
    "      \"send_errors\": 0,\n"
    "      \"loss_pct\": null,\n"
    "      \"last_ms\": null,\n"
    "      \"best_ms\": null,\n"
    "      \"avg_ms\": null,\n"
    "      \"worst_ms\": null,\n"
    "      \"stddev_ms\": null,\n"
    "      \"jitter_ms\": null,\n"
    "      \"jitter_max_ms\": null,\n"
    "      \"jitter_rfc3550_ms\": null,\n"
    "      \"send_error\": null\n"
    "    }\n"
    "  ],\n"
    "  \"packets\": {\n"
    "    \"sent\": 6,\n"
    "    \"send_errors\": 0,\n"
    "    \"received\": 2,\n"
    "    \"matched\": 2,\n"
    "    \"late\": 0,\n"
    "    \"duplicates\": 0,\n"
    "    \"foreign\": 0,\n"
    "    \"malformed\": 0,\n"
    "    \"short_quotes\": 0,\n"
    "    \"suspected_forgery\": 0\n"
    "  }\n"
    "}\n");
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
test_report_json_trace_document(void **state)
{
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    x.run.name_of = r1_name;
    text = fx_capture(report_json, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_text(text,
    "{\n"
    "  \"schema\": \"hopwatch/1\",\n"
    "  \"version\": \"@VERSION@\",\n"
    "  \"source_host\": \"vm\",\n"
    "  \"mode\": \"trace\",\n"
    "  \"settings\": {\n"
    "    \"protocol\": \"icmp\",\n"
    "    \"port\": null,\n"
    "    \"sockets\": \"raw\",\n"
    "    \"cycles\": 3,\n"
    "    \"interval_ms\": 500,\n"
    "    \"timeout_ms\": 1000,\n"
    "    \"first_ttl\": 1,\n"
    "    \"max_ttl\": 30,\n"
    "    \"max_unknown\": 5,\n"
    "    \"adapt\": true,\n"
    "    \"payload_bytes\": 56,\n"
    "    \"tos\": 0,\n"
    "    \"dns\": false\n"
    "  },\n"
    "  \"start_time\": \"2026-11-23T10:00:00.000Z\",\n"
    "  \"end_time\": \"2026-11-23T10:00:02.500Z\",\n"
    "  \"duration_ms\": 2500,\n"
    "  \"targets\": [\n"
    "    {\n"
    "      \"name\": \"target.lab\",\n"
    "      \"address\": \"198.18.2.2\",\n"
    "      \"family\": \"ipv4\",\n"
    "      \"status\": \"ok\",\n"
    "      \"error\": null,\n"
    "      \"reached\": true,\n"
    "      \"sent\": 3,\n"
    "      \"received\": 3,\n"
    "      \"lost\": 0,\n"
    "      \"in_flight\": 0,\n"
    "      \"late\": 0,\n"
    "      \"duplicates\": 0,\n"
    "      \"send_errors\": 0,\n"
    "      \"loss_pct\": 0,\n"
    "      \"last_ms\": 6,\n"
    "      \"best_ms\": 4,\n"
    "      \"avg_ms\": 5,\n"
    "      \"worst_ms\": 6,\n"
    "      \"stddev_ms\": 1,\n"
    "      \"jitter_ms\": 1,\n"
    "      \"jitter_max_ms\": 1,\n"
    "      \"jitter_rfc3550_ms\": 0.121,\n"
    "      \"send_error\": null,\n"
    "      \"hop_count\": 3,\n"
    "      \"rounds\": 3,\n"
    "      \"end\": {\n"
    "        \"kind\": \"reached\",\n"
    "        \"ttl\": 3,\n"
    "        \"icmp_type\": null,\n"
    "        \"icmp_code\": null,\n"
    "        \"reason\": null\n"
    "      },\n"
    "      \"hops\": [\n"
    "        {\n"
    "          \"ttl\": 1,\n"
    "          \"sent\": 3,\n"
    "          \"received\": 3,\n"
    "          \"lost\": 0,\n"
    "          \"in_flight\": 0,\n"
    "          \"late\": 0,\n"
    "          \"duplicates\": 0,\n"
    "          \"send_errors\": 0,\n"
    "          \"loss_pct\": 0,\n"
    "          \"last_ms\": 3,\n"
    "          \"best_ms\": 1,\n"
    "          \"avg_ms\": 2,\n"
    "          \"worst_ms\": 3,\n"
    "          \"stddev_ms\": 1,\n"
    "          \"jitter_ms\": 1,\n"
    "          \"jitter_max_ms\": 1,\n"
    "          \"jitter_rfc3550_ms\": 0.121,\n"
    "          \"send_error\": null,\n"
    "          \"forward_loss_pct\": 0,\n"
    "          \"forward_loss_lo_pct\": 0,\n"
    "          \"forward_loss_hi_pct\": 50,\n"
    "          \"response_loss_pct\": 0,\n"
    "          \"verdict\": \"ok\",\n"
    "          \"loss_from_ttl\": null,\n"
    "          \"throttled\": false,\n"
    "          \"paced\": false,\n"
    "          \"probe_rate_pps\": 1,\n"
    "          \"evidence\": {\n"
    "            \"received\": 3,\n"
    "            \"lost\": 0,\n"
    "            \"trusted\": true,\n"
    "            \"sample\": true\n"
    "          },\n"
    "          \"responders\": [\n"
    "            {\n"
    "              \"address\": \"198.18.0.2\",\n"
    "              \"name\": \"r1, \\\"core\\\"\",\n"
    "              \"received\": 2,\n"
    "              \"last_ms\": 3,\n"
    "              \"best_ms\": 1,\n"
    "              \"avg_ms\": 2,\n"
    "              \"worst_ms\": 3,\n"
    "              \"stddev_ms\": 1.414,\n"
    "              \"jitter_ms\": 2,\n"
    "              \"jitter_max_ms\": 2,\n"
    "              \"jitter_rfc3550_ms\": 0.125,\n"
    "              \"answer\": \"time-exceeded\",\n"
    "              \"icmp_type\": 11,\n"
    "              \"icmp_code\": 0,\n"
    "              \"icmp_message\": \"TTL exceeded in transit\",\n"
    "              \"tcp\": null,\n"
    "              \"mark\": null,\n"
    "              \"mpls\": [\n"
    "                {\n"
    "                  \"label\": 24001,\n"
    "                  \"tc\": 0,\n"
    "                  \"bottom\": true,\n"
    "                  \"ttl\": 1\n"
    "                }\n"
    "              ],\n"
    "              \"first_seen\": \"2026-11-23T10:00:00.000Z\",\n"
    "              \"last_seen\": \"2026-11-23T10:00:01.000Z\"\n"
    "            },\n"
    "            {\n"
    "              \"address\": \"198.18.9.2\",\n"
    "              \"name\": null,\n"
    "              \"received\": 1,\n"
    "              \"last_ms\": 2,\n"
    "              \"best_ms\": 2,\n"
    "              \"avg_ms\": 2,\n"
    "              \"worst_ms\": 2,\n"
    "              \"stddev_ms\": 0,\n"
    "              \"jitter_ms\": null,\n"
    "              \"jitter_max_ms\": null,\n"
    "              \"jitter_rfc3550_ms\": null,\n"
    "              \"answer\": \"time-exceeded\",\n"
    "              \"icmp_type\": 11,\n"
    "              \"icmp_code\": 0,\n"
    "              \"icmp_message\": \"TTL exceeded in transit\",\n"
    "              \"tcp\": null,\n"
    "              \"mark\": null,\n"
    "              \"mpls\": [],\n"
    "              \"first_seen\": \"2026-11-23T10:00:00.500Z\",\n"
    "              \"last_seen\": \"2026-11-23T10:00:00.500Z\"\n"
    "            }\n"
    "          ]\n"
    "        },\n"
    "        {\n"
    "          \"ttl\": 2,\n"
    "          \"sent\": 3,\n"
    "          \"received\": 0,\n"
    "          \"lost\": 3,\n"
    "          \"in_flight\": 0,\n"
    "          \"late\": 0,\n"
    "          \"duplicates\": 0,\n"
    "          \"send_errors\": 0,\n"
    "          \"loss_pct\": 100,\n"
    "          \"last_ms\": null,\n"
    "          \"best_ms\": null,\n"
    "          \"avg_ms\": null,\n"
    "          \"worst_ms\": null,\n"
    "          \"stddev_ms\": null,\n"
    "          \"jitter_ms\": null,\n"
    "          \"jitter_max_ms\": null,\n"
    "          \"jitter_rfc3550_ms\": null,\n"
    "          \"send_error\": null,\n"
    "          \"forward_loss_pct\": null,\n"
    "          \"forward_loss_lo_pct\": null,\n"
    "          \"forward_loss_hi_pct\": null,\n"
    "          \"response_loss_pct\": null,\n"
    "          \"verdict\": \"silent\",\n"
    "          \"loss_from_ttl\": null,\n"
    "          \"throttled\": false,\n"
    "          \"paced\": false,\n"
    "          \"probe_rate_pps\": 1,\n"
    "          \"evidence\": {\n"
    "            \"received\": 0,\n"
    "            \"lost\": 3,\n"
    "            \"trusted\": false,\n"
    "            \"sample\": false\n"
    "          },\n"
    "          \"responders\": []\n"
    "        },\n"
    "        {\n"
    "          \"ttl\": 3,\n"
    "          \"sent\": 3,\n"
    "          \"received\": 3,\n"
    "          \"lost\": 0,\n"
    "          \"in_flight\": 0,\n"
    "          \"late\": 0,\n"
    "          \"duplicates\": 0,\n"
    "          \"send_errors\": 0,\n"
    "          \"loss_pct\": 0,\n"
    "          \"last_ms\": 6,\n"
    "          \"best_ms\": 4,\n"
    "          \"avg_ms\": 5,\n"
    "          \"worst_ms\": 6,\n"
    "          \"stddev_ms\": 1,\n"
    "          \"jitter_ms\": 1,\n"
    "          \"jitter_max_ms\": 1,\n"
    "          \"jitter_rfc3550_ms\": 0.121,\n"
    "          \"send_error\": null,\n"
    "          \"forward_loss_pct\": 0,\n"
    "          \"forward_loss_lo_pct\": 0,\n"
    "          \"forward_loss_hi_pct\": 50,\n"
    "          \"response_loss_pct\": 0,\n"
    "          \"verdict\": \"ok\",\n"
    "          \"loss_from_ttl\": null,\n"
    "          \"throttled\": false,\n"
    "          \"paced\": false,\n"
    "          \"probe_rate_pps\": 1,\n"
    "          \"evidence\": {\n"
    "            \"received\": 3,\n"
    "            \"lost\": 0,\n"
    "            \"trusted\": true,\n"
    "            \"sample\": true\n"
    "          },\n"
    "          \"responders\": [\n"
    "            {\n"
    "              \"address\": \"198.18.2.2\",\n"
    "              \"name\": null,\n"
    "              \"received\": 3,\n"
    "              \"last_ms\": 6,\n"
    "              \"best_ms\": 4,\n"
    "              \"avg_ms\": 5,\n"
    "              \"worst_ms\": 6,\n"
    "              \"stddev_ms\": 1,\n"
    "              \"jitter_ms\": 1,\n"
    "              \"jitter_max_ms\": 1,\n"
    "              \"jitter_rfc3550_ms\": 0.121,\n"
    "              \"answer\": \"reply\",\n"
    "              \"icmp_type\": 0,\n"
    "              \"icmp_code\": 0,\n"
    "              \"icmp_message\": \"echo reply\",\n"
    "              \"tcp\": null,\n"
    "              \"mark\": null,\n"
    "              \"mpls\": [],\n"
    "              \"first_seen\": \"2026-11-23T10:00:00.000Z\",\n"
    "              \"last_seen\": \"2026-11-23T10:00:01.000Z\"\n"
    "            }\n"
    "          ]\n"
    "        }\n"
    "      ],\n"
    "      \"route_changes\": 0,\n"
    "      \"current_path\": 0,\n"
    "      \"paths\": [\n"
    "        {\n"
    "          \"first_seen\": \"2026-11-23T10:00:00.000Z\",\n"
    "          \"last_seen\": \"2026-11-23T10:00:02.500Z\",\n"
    "          \"rounds\": 3,\n"
    "          \"end\": \"reached\",\n"
    "          \"hops\": [\n"
    "            [\n"
    "              \"198.18.0.2\",\n"
    "              \"198.18.9.2\"\n"
    "            ],\n"
    "            [],\n"
    "            [\n"
    "              \"198.18.2.2\"\n"
    "            ]\n"
    "          ]\n"
    "        }\n"
    "      ],\n"
    "      \"events\": []\n"
    "    }\n"
    "  ],\n"
    "  \"packets\": {\n"
    "    \"sent\": 9,\n"
    "    \"send_errors\": 0,\n"
    "    \"received\": 6,\n"
    "    \"matched\": 6,\n"
    "    \"late\": 0,\n"
    "    \"duplicates\": 0,\n"
    "    \"foreign\": 0,\n"
    "    \"malformed\": 0,\n"
    "    \"short_quotes\": 0,\n"
    "    \"suspected_forgery\": 0\n"
    "  }\n"
    "}\n");
    free(text);
}

/* A traced target whose name did not resolve: no end, no hops. */
static void
test_report_json_trace_target_not_probed(void **state)
{
    struct fx_trace x;
    struct report_target t;
    struct json j;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    (void)state;
    fx_trace_init(&x);
    memset(&t, 0, sizeof(t));
    t.name = "nosuch.lab";
    t.addr.family = AF_UNSPEC;
    t.status = HW_EDNS;
    t.error = "name server failure";
    hw_stats_init(&t.stats);
    json_init(&j, f, false);
    json_object_begin(&j);
    report_json_target_members(&j, &x.run, &t, true);
    json_object_end(&j);
    assert_int_equal(json_finish(&j), 0);
    fclose(f);
    assert_string_equal(buf,
                        "{\"name\":\"nosuch.lab\",\"address\":null,\"family\":null,"
                        "\"status\":\"dns-error\",\"error\":\"name server failure\","
                        "\"reached\":false,\"sent\":0,\"received\":0,\"lost\":0,"
                        "\"in_flight\":0,\"late\":0,\"duplicates\":0,\"send_errors\":0,\"loss_pct\":null,"
                        "\"last_ms\":null,\"best_ms\":null,\"avg_ms\":null,\"worst_ms\":null,"
                        "\"stddev_ms\":null,\"jitter_ms\":null,\"jitter_max_ms\":null,"
                        "\"jitter_rfc3550_ms\":null,\"send_error\":null,\"hop_count\":null,\"rounds\":0,"
                        "\"end\":null,\"hops\":[]}");
    free(buf);
}

/* Not reached: the target's own numbers are what the trace counted for it
 * (the deepest hop's probes, all lost; trace.c), and how the route ends
 * says why. */
static void
test_report_json_trace_target_not_reached(void **state)
{
    struct fx_trace x;
    struct hw_stats s;
    bool reached = true;

    (void)state;
    fx_trace_init(&x);
    x.snap.end = HW_END_SILENT;
    x.snap.end_ttl = 0;
    hw_stats_init(&x.snap.target_stats);
    x.snap.target_stats.sent = 4;
    x.snap.target_stats.lost = 3;
    report_target_from_trace(&x.snap, &s, &reached);
    assert_false(reached);
    assert_int_equal(s.sent, 4);
    assert_int_equal(s.received, 0);
    assert_int_equal(s.lost, 3);
    assert_int_equal(hw_stats_in_flight(&s), 1);
    assert_true(s.min_ns < 0);
    assert_true(hw_stats_loss_pct(&s) == 100.0);
}

/* A hop where forward loss starts, probed slower after its replies were
 * throttled: every attribution member says so. */
static void
test_report_json_hop_attribution(void **state)
{
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    x.hops[1].attrib = (struct hw_attrib){.forward_loss = 0.213, .forward_lo = 0.179,
                                          .forward_hi = 0.252, .response_loss = 0.05,
                                          .loss_from_ttl = 2,
                                          .verdict = HW_VERDICT_LOSS_STARTS};
    x.hops[1].paced = true;
    x.hops[1].throttled = true;
    x.hops[1].rate_pps = 0.5;
    text = fx_capture(report_json, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "\"forward_loss_pct\": 21.3,\n"
                                 "          \"forward_loss_lo_pct\": 17.9,\n"
                                 "          \"forward_loss_hi_pct\": 25.2,\n"
                                 "          \"response_loss_pct\": 5,\n"
                                 "          \"verdict\": \"loss_starts\",\n"
                                 "          \"loss_from_ttl\": 2,\n"
                                 "          \"throttled\": true,\n"
                                 "          \"paced\": true,\n"
                                 "          \"probe_rate_pps\": 0.5,\n"));
    free(text);
}

static void
test_report_json_status_names(void **state)
{
    (void)state;
    assert_string_equal(report_status_name(0), "ok");
    assert_string_equal(report_status_name(HW_ENAME), "name-error");
    assert_string_equal(report_status_name(HW_ENOADDR), "no-address");
    assert_string_equal(report_status_name(HW_EDNS), "dns-error");
    assert_string_equal(report_status_name(HW_EFAMILY), "no-socket");
    assert_string_equal(report_status_name(-ENOMEM), "error");
}

/* A full disk is a write error, returned as -errno. */
static void
test_report_json_write_error(void **state)
{
    struct fx_ping p;
    FILE *f = fopen("/dev/full", "w");

    (void)state;
    if (f == NULL)
        skip();
    fx_ping_init(&p);
    assert_int_equal(report_json(f, &p.run), -ENOSPC);
    fclose(f);
}

/* JSON keeps a name's bytes: control characters escaped, invalid UTF-8 as
 * U+FFFD, never dropped and never raw (the text and CSV sanitise instead). */
static void
test_report_json_names_escaped(void **state)
{
    struct fx_ping p;
    char *text;
    int rc = -1;

    (void)state;
    fx_ping_init(&p);
    p.t[2].name = "no\033[2J\r\a\xff.lab";
    text = fx_capture(report_json, &p.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "\"name\": \"no\\u001b[2J\\r\\u0007\\ufffd.lab\""));
    for (const unsigned char *s = (const unsigned char *)text; *s != '\0'; s++)
        assert_true(*s == '\n' || (*s >= 0x20 && *s != 0x7f));
    free(text);
}

/* -z: asn and the other AS members per responder, null while unknown;
 * without -z no such member at all. */
static void
test_report_json_as_members(void **state)
{
    struct fx_trace x;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    text = fx_capture(report_json, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_null(strstr(text, "\"asn\""));
    free(text);
    x.run.as_of = fx_fake_as;
    text = fx_capture(report_json, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "\"asn\": 64512,\n"));
    assert_non_null(strstr(text, "\"as_prefix\": \"198.18.0.0/24\",\n"));
    assert_non_null(strstr(text, "\"as_country\": null,\n"));
    assert_non_null(strstr(text, "\"as_name\": \"EV\\u001b[2JIL\\r\",\n"));
    assert_non_null(strstr(text, "\"asn\": null,\n"));
    free(text);
}

/* --mtu: the target's pmtu object and every hop's mtu; without it, neither. */
static void
test_report_json_pmtu(void **state)
{
    struct fx_trace x;
    struct hw_pmtu_result p;
    char *text;
    int rc = -1;

    (void)state;
    fx_trace_init(&x);
    text = fx_capture(report_json, &x.run, &rc);
    assert_null(strstr(text, "\"pmtu\""));
    assert_null(strstr(text, "\"mtu\""));
    free(text);
    fx_pmtu(&p);
    x.t[0].pmtu = &p;
    x.run.settings.pmtu = true;
    text = fx_capture(report_json, &x.run, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(text, "\"ttl\": 1,\n          \"mtu\": 1500,\n"));
    assert_non_null(strstr(text, "\"ttl\": 3,\n          \"mtu\": 1400,\n"));
    assert_non_null(strstr(text,
    "      \"pmtu\": {\n"
    "        \"state\": \"done\",\n"
    "        \"mtu\": 1400,\n"
    "        \"reason\": \"router\",\n"
    "        \"hop\": 1,\n"
    "        \"hop_address\": \"198.18.0.2\",\n"
    "        \"router_mtu\": 1400,\n"
    "        \"largest_passed\": 1400,\n"
    "        \"smallest_failed\": 1500,\n"
    "        \"probes\": 7,\n"
    "        \"text\": \"Path MTU 1400 from hop 1 (198.18.0.2 said so).\"\n"
    "      }\n"));
    free(text);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_json_ping_document),
        cmocka_unit_test(test_report_json_names_escaped),
        cmocka_unit_test(test_report_json_trace_document),
        cmocka_unit_test(test_report_json_trace_target_not_probed),
        cmocka_unit_test(test_report_json_trace_target_not_reached),
        cmocka_unit_test(test_report_json_hop_attribution),
        cmocka_unit_test(test_report_json_status_names),
        cmocka_unit_test(test_report_json_write_error),
        cmocka_unit_test(test_report_json_as_members),
        cmocka_unit_test(test_report_json_pmtu),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
