/* trace_json.c - one trace as a JSON document (--json).  The schema is in
 * doc/json-schema.md: key names are stable and carry their units, numbers
 * are numbers, absent values are null. */
#include <errno.h>
#include <stdio.h>

#include <hopwatch/hopwatch.h>

#include "report/json.h"
#include "report/report.h"

static const char *
family_name(int family)
{
    return family == AF_INET ? "ipv4" : family == AF_INET6 ? "ipv6" : "unknown";
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

/* The RTT summary keys shared by hops and responders. */
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
responder(struct json *j, const struct report_trace *r, const struct hw_responder *resp)
{
    char addr[HW_ADDRSTRLEN];
    const char *mark;

    json_object_begin(j);
    json_key(j, "address");
    json_string(j, hw_addr_format(&resp->addr, addr, sizeof(addr)));
    json_key(j, "name");
    json_string(j, r->name_of != NULL ? r->name_of(r->name_arg, &resp->addr) : NULL);
    json_key(j, "received");
    json_uint(j, resp->stats.received);
    rtt_members(j, &resp->stats);
    json_key(j, "answer");
    json_string(j, hw_outcome_name(resp->outcome));
    if (resp->icmp_type >= 0) {
        json_key(j, "icmp_type");
        json_int(j, resp->icmp_type);
        json_key(j, "icmp_code");
        json_int(j, resp->icmp_code);
        json_key(j, "icmp_message");
        json_string(j, hw_icmp_message(resp->addr.family, resp->icmp_type, resp->icmp_code));
    } else {
        json_key(j, "icmp_type");
        json_null(j);
        json_key(j, "icmp_code");
        json_null(j);
        json_key(j, "icmp_message");
        json_null(j);
    }
    json_key(j, "tcp");
    json_string(j, resp->tcp_flags == 0     ? NULL
                   : resp->tcp_flags & 0x04 ? "rst"
                                            : "syn-ack");
    mark = hw_icmp_mark(resp->addr.family, resp->icmp_type, resp->icmp_code);
    json_key(j, "mark");
    json_string(j, resp->outcome == HW_OUTCOME_UNREACHABLE && mark[0] ? mark : NULL);
    time_member(j, "first_seen", resp->first_real_ns);
    time_member(j, "last_seen", resp->last_real_ns);
    json_object_end(j);
}

static void
hop(struct json *j, const struct report_trace *r, const struct hw_hop *h)
{
    const struct hw_stats *s = &h->stats;

    json_object_begin(j);
    json_key(j, "ttl");
    json_int(j, h->ttl);
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
    json_key(j, "loss_pct");
    if (s->received + s->lost == 0)
        json_null(j);
    else
        json_double(j, hw_stats_loss_pct(s), 3);
    rtt_members(j, s);
    json_key(j, "responders");
    json_array_begin(j);
    for (size_t k = 0; k < h->n_responders; k++)
        responder(j, r, &h->responders[k]);
    json_array_end(j);
    json_object_end(j);
}

int
report_trace_json(FILE *f, const struct report_trace *r)
{
    const struct hw_trace_snapshot *s = r->snap;
    const struct report_settings *st = &r->settings;
    char addr[HW_ADDRSTRLEN];
    struct json j;
    int rc;

    json_init(&j, f, true);
    json_object_begin(&j);
    json_key(&j, "schema");
    json_string(&j, "hopwatch.trace/1");
    json_key(&j, "version");
    json_string(&j, hw_version());
    json_key(&j, "source_host");
    json_string(&j, r->local_host);

    json_key(&j, "target");
    json_object_begin(&j);
    json_key(&j, "name");
    json_string(&j, r->target_name);
    json_key(&j, "address");
    json_string(&j, hw_addr_format(&s->target, addr, sizeof(addr)));
    json_key(&j, "family");
    json_string(&j, family_name(s->target.family));
    json_object_end(&j);

    json_key(&j, "settings");
    json_object_begin(&j);
    json_key(&j, "protocol");
    json_string(&j, st->protocol);
    json_key(&j, "port");
    if (st->port > 0)
        json_int(&j, st->port);
    else
        json_null(&j);
    json_key(&j, "sockets");
    json_string(&j, st->mode);
    json_key(&j, "cycles");
    json_uint(&j, st->cycles);
    json_key(&j, "interval_ms");
    json_double(&j, st->interval_s * 1000, 3);
    json_key(&j, "timeout_ms");
    json_double(&j, st->timeout_s * 1000, 3);
    json_key(&j, "first_ttl");
    json_int(&j, st->first_ttl);
    json_key(&j, "max_ttl");
    json_int(&j, st->max_ttl);
    json_key(&j, "max_unknown");
    json_int(&j, st->max_unknown);
    json_key(&j, "payload_bytes");
    json_uint(&j, st->payload_size);
    json_key(&j, "tos");
    json_int(&j, st->tos);
    json_key(&j, "dns");
    json_bool(&j, st->dns);
    json_object_end(&j);

    time_member(&j, "start_time", s->start_real_ns);
    time_member(&j, "end_time", s->now_real_ns);
    json_key(&j, "duration_ms");
    json_double(&j, (double)(s->now_real_ns - s->start_real_ns) / 1e6, 3);
    json_key(&j, "rounds");
    json_uint(&j, s->rounds);

    json_key(&j, "reached");
    json_bool(&j, s->end == HW_END_REACHED);
    json_key(&j, "end");
    json_object_begin(&j);
    json_key(&j, "kind");
    json_string(&j, hw_trace_end_name(s->end));
    json_key(&j, "ttl");
    if (s->end_ttl > 0)
        json_int(&j, s->end_ttl);
    else
        json_null(&j);
    json_key(&j, "icmp_type");
    if (s->end == HW_END_UNREACHABLE)
        json_int(&j, s->end_icmp_type);
    else
        json_null(&j);
    json_key(&j, "icmp_code");
    if (s->end == HW_END_UNREACHABLE)
        json_int(&j, s->end_icmp_code);
    else
        json_null(&j);
    json_key(&j, "reason");
    json_string(&j, s->end == HW_END_UNREACHABLE
                        ? hw_icmp_message(s->target.family, s->end_icmp_type, s->end_icmp_code)
                        : NULL);
    json_object_end(&j);

    json_key(&j, "hops");
    json_array_begin(&j);
    for (size_t i = 0; i < s->n_hops; i++)
        hop(&j, r, &s->hops[i]);
    json_array_end(&j);

    if (r->counters != NULL) {
        const struct hw_engine_counters *c = r->counters;

        json_key(&j, "packets");
        json_object_begin(&j);
        json_key(&j, "sent");
        json_uint(&j, c->probes_sent);
        json_key(&j, "send_errors");
        json_uint(&j, c->send_errors);
        json_key(&j, "received");
        json_uint(&j, c->rx_packets);
        json_key(&j, "matched");
        json_uint(&j, c->matched);
        json_key(&j, "late");
        json_uint(&j, c->late);
        json_key(&j, "duplicates");
        json_uint(&j, c->duplicates);
        json_key(&j, "foreign");
        json_uint(&j, c->foreign);
        json_key(&j, "malformed");
        json_uint(&j, c->malformed);
        json_object_end(&j);
    }
    json_object_end(&j);
    rc = json_finish(&j);
    if (fflush(f) != 0 || ferror(f))
        return -(errno ? errno : EIO);
    return rc;
}
