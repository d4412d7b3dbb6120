/* json_doc.c - a whole run as one JSON document (--json), and the target
 * and settings objects the JSON-lines stream shares with it.  The schema is
 * in doc/json-schema.md: key names are stable and carry their units,
 * numbers are numbers, absent values are null. */
#include <errno.h>
#include <stdio.h>

#include <hopwatch/hopwatch.h>

#include "report/json.h"
#include "report/report.h"

const char *
report_family_name(int family)
{
    return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" : "unknown";
}

const char *
report_status_name(int status)
{
    switch (status) {
    case 0: return "ok";
    case HW_ENAME: return "name-error";
    case HW_ENOADDR: return "no-address";
    case HW_EDNS: return "dns-error";
    case HW_EFAMILY: return "no-socket";
    default: return "error";
    }
}

/* A time in ns as milliseconds, or null when negative (no value). */
static void
ms_or_null(struct json *j, const char *key, double ns)
{
    json_key(j, key);
    if (ns < 0)
        json_null(j);
    else
        json_double(j, ns / 1e6, 3);
}

/* The RTT summary keys shared by targets, hops and responders. */
static void
rtt_members(struct json *j, const struct hw_stats *s)
{
    ms_or_null(j, "last_ms", (double)s->last_ns);
    ms_or_null(j, "best_ms", (double)s->min_ns);
    ms_or_null(j, "avg_ms", hw_stats_avg_ns(s));
    ms_or_null(j, "worst_ms", (double)s->max_ns);
    ms_or_null(j, "stddev_ms", hw_stats_stddev_ns(s));
    ms_or_null(j, "jitter_ms", hw_stats_jitter_ns(s));
    ms_or_null(j, "jitter_max_ms", (double)s->jitter_max_ns);
    ms_or_null(j, "jitter_rfc3550_ms", s->received < 2 ? -1 : s->jitter_rfc3550_ns);
}

/* The counts and loss of a target or hop, then its RTT summary. */
static void
count_members(struct json *j, const struct hw_stats *s)
{
    json_key(j, "sent");
    json_uint(j, s->sent);
    json_key(j, "received");
    json_uint(j, s->received);
    json_key(j, "lost");
    json_uint(j, s->lost);
    json_key(j, "in_flight");
    json_uint(j, hw_stats_in_flight(s));
    json_key(j, "late");
    json_uint(j, s->late);
    json_key(j, "duplicates");
    json_uint(j, s->duplicates);
    json_key(j, "send_errors");
    json_uint(j, s->errors);
    json_key(j, "loss_pct");
    if (s->received + s->lost == 0)
        json_null(j);
    else
        json_double(j, hw_stats_loss_pct(s), 3);
    rtt_members(j, s);
}

static void
time_member(struct json *j, const char *key, int64_t t_ns)
{
    char buf[40];

    json_key(j, key);
    if (t_ns <= 0) {
        json_null(j);
        return;
    }
    json_format_time(t_ns, buf, sizeof(buf));
    json_string(j, buf);
}

static void
int_or_null(struct json *j, const char *key, bool have, int64_t v)
{
    json_key(j, key);
    if (have)
        json_int(j, v);
    else
        json_null(j);
}

/* A text member of the AS lookup: null when unknown. */
static void
as_string(struct json *j, const char *key, const struct hw_asinfo *i, const char *s)
{
    json_key(j, key);
    json_string(j, i->state == HW_AS_FOUND && s[0] != '\0' ? s : NULL);
}

/* -z / -y: the origin AS of a responder, every member null while unknown
 * (lookup pending, failed, or no record). */
static void
as_members(struct json *j, const struct report_run *r, const struct hw_addr *a)
{
    struct hw_asinfo i;

    r->as_of(r->as_arg, a, &i);
    int_or_null(j, "asn", i.state == HW_AS_FOUND, i.asn);
    as_string(j, "as_prefix", &i, i.prefix);
    as_string(j, "as_country", &i, i.cc);
    as_string(j, "as_registry", &i, i.registry);
    as_string(j, "as_date", &i, i.date);
    as_string(j, "as_name", &i, i.name);
}

static void
responder(struct json *j, const struct report_run *r, const struct hw_responder *resp)
{
    char addr[HW_ADDRSTRLEN];
    const char *mark;
    bool icmp = resp->icmp_type >= 0;

    json_object_begin(j);
    json_key(j, "address");
    json_string(j, hw_addr_format(&resp->addr, addr, sizeof(addr)));
    json_key(j, "name");
    json_string(j, r->name_of != NULL ? r->name_of(r->name_arg, &resp->addr) : NULL);
    if (r->as_of != NULL)
        as_members(j, r, &resp->addr);
    json_key(j, "received");
    json_uint(j, resp->stats.received);
    rtt_members(j, &resp->stats);
    json_key(j, "answer");
    json_string(j, hw_outcome_name(resp->outcome));
    int_or_null(j, "icmp_type", icmp, resp->icmp_type);
    int_or_null(j, "icmp_code", icmp, resp->icmp_code);
    json_key(j, "icmp_message");
    json_string(j, icmp ? hw_icmp_message(resp->addr.family, resp->icmp_type, resp->icmp_code)
                        : NULL);
    json_key(j, "tcp");
    json_string(j, resp->tcp_flags == 0     ? NULL
                   : resp->tcp_flags & 0x04 ? "rst"
                                            : "syn-ack");
    mark = hw_icmp_mark(resp->addr.family, resp->icmp_type, resp->icmp_code);
    json_key(j, "mark");
    json_string(j, resp->outcome == HW_OUTCOME_UNREACHABLE && mark[0] ? mark : NULL);
    json_key(j, "mpls");
    json_array_begin(j);
    for (size_t i = 0; i < resp->n_mpls && i < HW_MPLS_MAX; i++) {
        json_object_begin(j);
        json_key(j, "label");
        json_uint(j, resp->mpls[i].label);
        json_key(j, "tc");
        json_uint(j, resp->mpls[i].tc);
        json_key(j, "bottom");
        json_bool(j, resp->mpls[i].bottom);
        json_key(j, "ttl");
        json_uint(j, resp->mpls[i].ttl);
        json_object_end(j);
    }
    json_array_end(j);
    time_member(j, "first_seen", resp->first_real_ns);
    time_member(j, "last_seen", resp->last_real_ns);
    json_object_end(j);
}

/* A fraction 0..1 as a percentage, or null when negative (unknown). */
static void
pct_or_null(struct json *j, const char *key, double frac)
{
    json_key(j, key);
    if (frac < 0)
        json_null(j);
    else
        json_double(j, 100 * frac, 3);
}

/* Where a hop's loss comes from (attrib.h), and how it is probed. */
static void
attrib_members(struct json *j, const struct hw_hop *h)
{
    const struct hw_attrib *a = &h->attrib;

    pct_or_null(j, "forward_loss_pct", a->forward_loss);
    pct_or_null(j, "forward_loss_lo_pct", a->forward_lo);
    pct_or_null(j, "forward_loss_hi_pct", a->forward_hi);
    pct_or_null(j, "response_loss_pct", a->response_loss);
    json_key(j, "verdict");
    json_string(j, hw_verdict_name(a->verdict));
    int_or_null(j, "loss_from_ttl", a->verdict == HW_VERDICT_LOSS_STARTS, a->loss_from_ttl);
    json_key(j, "throttled");
    json_bool(j, h->throttled);
    json_key(j, "paced");
    json_bool(j, h->paced);
    json_key(j, "probe_rate_pps");
    json_double(j, h->rate_pps, 3);
    /* What the estimate stands on: the hop's latest window. */
    json_key(j, "evidence");
    json_object_begin(j);
    json_key(j, "received");
    json_uint(j, h->evidence.received);
    json_key(j, "lost");
    json_uint(j, h->evidence.lost);
    json_key(j, "trusted");
    json_bool(j, h->evidence.trusted);
    json_key(j, "sample");
    json_bool(j, a->sample);
    json_object_end(j);
}

/* Why probes could not be sent (the latest such error), or null. */
static void
send_error_member(struct json *j, int status)
{
    json_key(j, "send_error");
    json_string(j, status != 0 ? hw_strerror(status) : NULL);
}

static void
hop(struct json *j, const struct report_run *r, const struct hw_hop *h,
    const struct hw_pmtu_result *pmtu)
{
    json_object_begin(j);
    json_key(j, "ttl");
    json_int(j, h->ttl);
    if (pmtu != NULL) {
        int m = hw_pmtu_hop_mtu(pmtu, h->ttl);

        int_or_null(j, "mtu", m > 0, m);
    }
    count_members(j, &h->stats);
    send_error_member(j, h->send_status);
    attrib_members(j, h);
    json_key(j, "responders");
    json_array_begin(j);
    for (size_t k = 0; k < h->n_responders; k++)
        responder(j, r, &h->responders[k]);
    json_array_end(j);
    json_object_end(j);
}

/* Hops of the route: the end's TTL once known, else the deepest TTL that
 * answered (0: none did). */
static int
hop_count(const struct hw_trace_snapshot *s)
{
    if (s->end == HW_END_REACHED || s->end == HW_END_UNREACHABLE)
        return s->end_ttl;
    for (size_t i = s->n_hops; i-- > 0;) {
        if (s->hops[i].n_responders > 0)
            return s->hops[i].ttl;
    }
    return 0;
}

static void
end_object(struct json *j, const struct hw_trace_snapshot *s)
{
    bool unreach = s->end == HW_END_UNREACHABLE;

    json_object_begin(j);
    json_key(j, "kind");
    json_string(j, hw_trace_end_name(s->end));
    int_or_null(j, "ttl", s->end_ttl > 0, s->end_ttl);
    int_or_null(j, "icmp_type", unreach, s->end_icmp_type);
    int_or_null(j, "icmp_code", unreach, s->end_icmp_code);
    json_key(j, "reason");
    if (s->end == HW_END_LOCAL_ERROR) {
        char why[160];

        snprintf(why, sizeof(why), "send failed: %s", hw_strerror(s->end_status));
        json_string(j, why);
    } else {
        json_string(j, unreach ? hw_icmp_message(s->target.family, s->end_icmp_type,
                                                 s->end_icmp_code)
                               : NULL);
    }
    json_object_end(j);
}

/* A target's path MTU search (--mtu). */
static void
pmtu_object(struct json *j, const struct hw_pmtu_result *p)
{
    char addr[HW_ADDRSTRLEN], text[300];
    bool known = p->state == HW_PMTU_LOCATING || p->state == HW_PMTU_DONE;

    json_object_begin(j);
    json_key(j, "state");
    json_string(j, hw_pmtu_state_name(p->state));
    int_or_null(j, "mtu", known, p->pmtu);
    json_key(j, "reason");
    json_string(j, p->reason != HW_PMTU_REASON_NONE && p->state != HW_PMTU_SEARCHING
                       ? hw_pmtu_reason_name(p->reason)
                       : NULL);
    int_or_null(j, "hop", p->hop_ttl > 0, p->hop_ttl);
    json_key(j, "hop_address");
    json_string(j, p->hop_addr.family != AF_UNSPEC
                       ? hw_addr_format(&p->hop_addr, addr, sizeof(addr))
                       : NULL);
    int_or_null(j, "router_mtu", p->router_mtu > 0, p->router_mtu);
    int_or_null(j, "largest_passed", p->passed > 0, p->passed);
    int_or_null(j, "smallest_failed", p->failed > 0, p->failed);
    json_key(j, "probes");
    json_uint(j, p->probes_sent);
    report_pmtu_text(p, text, sizeof(text));
    json_key(j, "text");
    json_string(j, text);
    json_object_end(j);
}

void
report_json_route_event_members(struct json *j, int family, const struct hw_route_event *ev)
{
    char a[HW_ADDRSTRLEN];
    bool by_message = ev->kind == HW_ROUTE_UNREACHABLE && ev->icmp_type >= 0;

    json_key(j, "kind");
    json_string(j, hw_route_change_name(ev->kind));
    time_member(j, "time", ev->real_ns);
    json_key(j, "ttl");
    json_int(j, ev->ttl);
    int_or_null(j, "old_ttl", ev->old_ttl > 0, ev->old_ttl);
    json_key(j, "from");
    json_string(j, ev->from.family != AF_UNSPEC ? hw_addr_format(&ev->from, a, sizeof(a)) : NULL);
    json_key(j, "to");
    json_string(j, ev->to.family != AF_UNSPEC ? hw_addr_format(&ev->to, a, sizeof(a)) : NULL);
    int_or_null(j, "icmp_type", by_message, ev->icmp_type);
    int_or_null(j, "icmp_code", by_message, ev->icmp_code);
    json_key(j, "reason");
    json_string(j, by_message ? hw_icmp_message(family, ev->icmp_type, ev->icmp_code) : NULL);
    json_key(j, "path");
    json_uint(j, ev->path);
}

/* The route's history: its events and every distinct path. */
static void
route_history(struct json *j, const struct hw_trace_snapshot *s)
{
    char a[HW_ADDRSTRLEN];

    json_key(j, "route_changes");
    json_uint(j, s->route_changes);
    int_or_null(j, "current_path", s->current_path < s->n_paths, (int64_t)s->current_path);
    json_key(j, "paths");
    json_array_begin(j);
    for (size_t i = 0; i < s->n_paths; i++) {
        const struct hw_path *p = &s->paths[i];

        json_object_begin(j);
        time_member(j, "first_seen", p->first_real_ns);
        time_member(j, "last_seen", p->last_real_ns);
        json_key(j, "rounds");
        json_uint(j, p->rounds);
        json_key(j, "end");
        json_string(j, hw_trace_end_name(p->end));
        json_key(j, "hops");
        json_array_begin(j);
        for (size_t k = 0; k < p->n_hops; k++) {
            json_array_begin(j);
            for (size_t m = 0; m < p->hops[k].n; m++)
                json_string(j, hw_addr_format(&p->hops[k].addr[m], a, sizeof(a)));
            json_array_end(j);
        }
        json_array_end(j);
        json_object_end(j);
    }
    json_array_end(j);
    json_key(j, "events");
    json_array_begin(j);
    for (size_t i = 0; i < s->n_events; i++) {
        json_object_begin(j);
        report_json_route_event_members(j, s->target.family, &s->events[i]);
        json_object_end(j);
    }
    json_array_end(j);
}

void
report_json_target_members(struct json *j, const struct report_run *r,
                           const struct report_target *t, bool hops)
{
    char addr[HW_ADDRSTRLEN];
    bool probed = t->addr.family != AF_UNSPEC;

    json_key(j, "name");
    json_string(j, t->name);
    json_key(j, "address");
    json_string(j, probed ? hw_addr_format(&t->addr, addr, sizeof(addr)) : NULL);
    json_key(j, "family");
    json_string(j, probed ? report_family_name(t->addr.family) : NULL);
    json_key(j, "status");
    json_string(j, report_status_name(t->status));
    json_key(j, "error");
    json_string(j, t->error);
    json_key(j, "reached");
    json_bool(j, t->reached);
    count_members(j, &t->stats);
    send_error_member(j, t->send_status);
    if (r->mode != REPORT_TRACE || !hops)
        return;
    int_or_null(j, "hop_count", t->snap != NULL, t->snap != NULL ? hop_count(t->snap) : 0);
    json_key(j, "rounds");
    json_uint(j, t->snap != NULL ? t->snap->rounds : 0);
    json_key(j, "end");
    if (t->snap != NULL)
        end_object(j, t->snap);
    else
        json_null(j);
    json_key(j, "hops");
    json_array_begin(j);
    for (size_t i = 0; t->snap != NULL && i < t->snap->n_hops; i++)
        hop(j, r, &t->snap->hops[i], t->pmtu);
    json_array_end(j);
    if (t->snap != NULL)
        route_history(j, t->snap);
    if (t->pmtu != NULL) {
        json_key(j, "pmtu");
        pmtu_object(j, t->pmtu);
    }
}

void
report_json_settings(struct json *j, const struct report_run *r)
{
    const struct report_settings *st = &r->settings;

    json_object_begin(j);
    json_key(j, "protocol");
    json_string(j, st->protocol);
    int_or_null(j, "port", st->port > 0, st->port);
    json_key(j, "sockets");
    json_string(j, st->mode);
    json_key(j, "cycles");
    json_uint(j, st->cycles);
    json_key(j, "interval_ms");
    json_double(j, st->interval_s * 1000, 3);
    json_key(j, "timeout_ms");
    json_double(j, st->timeout_s * 1000, 3);
    if (r->mode == REPORT_TRACE) {
        json_key(j, "first_ttl");
        json_int(j, st->first_ttl);
        json_key(j, "max_ttl");
        json_int(j, st->max_ttl);
        json_key(j, "max_unknown");
        json_int(j, st->max_unknown);
        json_key(j, "adapt");
        json_bool(j, st->adapt);
    } else {
        json_key(j, "pps");
        json_double(j, st->pps, 3);
    }
    json_key(j, "payload_bytes");
    json_uint(j, st->payload_size);
    json_key(j, "tos");
    json_int(j, st->tos);
    json_key(j, "dns");
    json_bool(j, st->dns);
    json_object_end(j);
}

void
report_json_packets(struct json *j, const struct hw_engine_counters *c)
{
    json_object_begin(j);
    json_key(j, "sent");
    json_uint(j, c->probes_sent);
    json_key(j, "send_errors");
    json_uint(j, c->send_errors);
    json_key(j, "received");
    json_uint(j, c->rx_packets);
    json_key(j, "matched");
    json_uint(j, c->matched);
    json_key(j, "late");
    json_uint(j, c->late);
    json_key(j, "duplicates");
    json_uint(j, c->duplicates);
    json_key(j, "foreign");
    json_uint(j, c->foreign);
    json_key(j, "malformed");
    json_uint(j, c->malformed);
    json_key(j, "short_quotes");
    json_uint(j, c->short_quotes);
    json_key(j, "suspected_forgery");
    json_uint(j, c->suspected_forgery);
    json_object_end(j);
}

int
report_json(FILE *f, const struct report_run *r)
{
    struct json j;
    int rc;

    json_init(&j, f, true);
    json_object_begin(&j);
    json_key(&j, "schema");
    json_string(&j, REPORT_SCHEMA);
    json_key(&j, "version");
    json_string(&j, hw_version());
    json_key(&j, "source_host");
    json_string(&j, r->local_host);
    json_key(&j, "mode");
    json_string(&j, r->mode == REPORT_TRACE ? "trace" : "ping");
    json_key(&j, "settings");
    report_json_settings(&j, r);
    time_member(&j, "start_time", r->start_real_ns);
    time_member(&j, "end_time", r->end_real_ns);
    json_key(&j, "duration_ms");
    json_double(&j, r->end_real_ns > r->start_real_ns
                        ? (double)(r->end_real_ns - r->start_real_ns) / 1e6 : 0, 3);
    json_key(&j, "targets");
    json_array_begin(&j);
    for (size_t i = 0; i < r->ntargets; i++) {
        json_object_begin(&j);
        report_json_target_members(&j, r, &r->targets[i], true);
        json_object_end(&j);
    }
    json_array_end(&j);
    json_key(&j, "packets");
    if (r->counters != NULL)
        report_json_packets(&j, r->counters);
    else
        json_null(&j);
    json_object_end(&j);
    rc = json_finish(&j);
    if (fflush(f) != 0 || ferror(f))
        return -(errno ? errno : EIO);
    return rc;
}
