/* route.c - what a trace's route says in words.  See route.h. */
#include <stdio.h>

#include <hopwatch/addr.h>
#include <hopwatch/error.h>
#include <hopwatch/icmp.h>

#include "report/route.h"

/* Who ended the route with an unreachable: the snapshot says so; older
 * snapshots (and hand-made ones) only have the hop's responders. */
static const char *
end_from(const struct hw_trace_snapshot *s, char *buf, size_t len)
{
    long idx = (long)s->end_ttl - s->first_ttl;

    snprintf(buf, len, "?");
    if (s->end_from.family != AF_UNSPEC)
        return hw_addr_format(&s->end_from, buf, len);
    if (idx < 0 || (size_t)idx >= s->n_hops)
        return buf;
    for (size_t k = 0; k < s->hops[idx].n_responders; k++) {
        const struct hw_responder *r = &s->hops[idx].responders[k];

        if (r->outcome == HW_OUTCOME_UNREACHABLE)
            return hw_addr_format(&r->addr, buf, len);
    }
    return buf;
}

/* The last TTL that answered before the silent ones of a SILENT end. */
static int
last_answering(const struct hw_trace_snapshot *s, int max_unknown)
{
    return s->first_ttl + (int)s->n_hops - 1 - max_unknown;
}

void
report_route_end(const struct hw_trace_snapshot *s, int max_ttl, int max_unknown, bool marks,
                 char *buf, size_t len)
{
    char addr[HW_ADDRSTRLEN];

    buf[0] = '\0';
    switch (s->end) {
    case HW_END_UNREACHABLE: {
        const char *mark = marks ? hw_icmp_mark(s->target.family, s->end_icmp_type,
                                                s->end_icmp_code)
                                 : "";

        snprintf(buf, len, "Route ends at hop %d: %s answered %s%s%s%s.", s->end_ttl,
                 end_from(s, addr, sizeof(addr)),
                 hw_icmp_message(s->target.family, s->end_icmp_type, s->end_icmp_code),
                 mark[0] != '\0' ? " (" : "", mark, mark[0] != '\0' ? ")" : "");
        break;
    }
    case HW_END_MAX_TTL:
        snprintf(buf, len, "Target not reached within %d hops.", max_ttl);
        break;
    case HW_END_SILENT:
        snprintf(buf, len, "Target not reached: nothing answered past hop %d (%d silent hops).",
                 last_answering(s, max_unknown), max_unknown);
        break;
    case HW_END_LOCAL_ERROR:
        snprintf(buf, len, "Target not reached: send failed: %s.", hw_strerror(s->end_status));
        break;
    case HW_END_REACHED:
    case HW_END_UNKNOWN:
        break;
    }
}

void
report_route_state(const struct hw_trace_snapshot *s, char *buf, size_t len)
{
    switch (s->end) {
    case HW_END_REACHED:
        snprintf(buf, len, "%s", "");
        break;
    case HW_END_UNKNOWN:
        snprintf(buf, len, "(tracing)");
        break;
    case HW_END_UNREACHABLE: {
        const char *mark = hw_icmp_mark(s->target.family, s->end_icmp_type, s->end_icmp_code);

        snprintf(buf, len, "(not reached) %s at hop %d", mark[0] != '\0' ? mark : "unreachable",
                 s->end_ttl);
        break;
    }
    case HW_END_SILENT: {
        /* The deepest TTL probed is the last row; the silent ones lie
         * before it, max_unknown of them, which the row does not know:
         * name the deepest that answered instead. */
        int last = 0;

        for (size_t i = 0; i < s->n_hops; i++) {
            if (s->hops[i].n_responders > 0)
                last = s->hops[i].ttl;
        }
        snprintf(buf, len, "(not reached) silent past hop %d", last);
        break;
    }
    case HW_END_MAX_TTL:
        snprintf(buf, len, "(not reached) within %d hops", s->first_ttl + (int)s->n_hops - 1);
        break;
    case HW_END_LOCAL_ERROR:
        snprintf(buf, len, "(not reached) send failed: %s", hw_strerror(s->end_status));
        break;
    }
}

void
report_target_from_trace(const struct hw_trace_snapshot *snap, struct hw_stats *out,
                         bool *reached)
{
    *out = snap->target_stats;
    *reached = out->received > 0;
}

void
report_route_event_text(const struct hw_route_event *ev, int family, char *buf, size_t len)
{
    char a[HW_ADDRSTRLEN], b[HW_ADDRSTRLEN];
    const char *name = hw_route_change_name(ev->kind);

    switch (ev->kind) {
    case HW_ROUTE_SWITCHED:
        snprintf(buf, len, "%s: hop %d %s -> %s", name, ev->ttl,
                 hw_addr_format(&ev->from, a, sizeof(a)), hw_addr_format(&ev->to, b, sizeof(b)));
        break;
    case HW_ROUTE_BALANCED:
        snprintf(buf, len, "%s: hop %d %s beside the others", name, ev->ttl,
                 hw_addr_format(&ev->to, a, sizeof(a)));
        break;
    case HW_ROUTE_LONGER:
    case HW_ROUTE_SHORTER:
    case HW_ROUTE_REACHABLE:
        if (ev->kind == HW_ROUTE_REACHABLE)
            snprintf(buf, len, "%s: %d hops", name, ev->ttl);
        else
            snprintf(buf, len, "%s: %d -> %d hops", name, ev->old_ttl, ev->ttl);
        break;
    case HW_ROUTE_UNREACHABLE:
        if (ev->from.family == AF_UNSPEC)
            snprintf(buf, len, "%s: the target stopped answering", name);
        else
            snprintf(buf, len, "%s: hop %d %s answered %s", name, ev->ttl,
                     hw_addr_format(&ev->from, a, sizeof(a)),
                     hw_icmp_message(family, ev->icmp_type, ev->icmp_code));
        break;
    default:
        snprintf(buf, len, "%s", name);
        break;
    }
}

void
report_path_text(const struct hw_path *p, char *buf, size_t len)
{
    size_t o = 0;

    if (len == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n_hops; i++) {
        const struct hw_path_hop *h = &p->hops[i];

        if (o + 1 < len && i > 0)
            buf[o++] = ' ';
        if (h->n == 0 && o + 1 < len)
            buf[o++] = '*';
        for (size_t k = 0; k < h->n && o + 1 < len; k++) {
            char a[HW_ADDRSTRLEN];
            int n = snprintf(buf + o, len - o, "%s%s", k > 0 ? "|" : "",
                             hw_addr_format(&h->addr[k], a, sizeof(a)));

            if (n < 0 || (size_t)n >= len - o) {
                o = len - 1;
                break;
            }
            o += (size_t)n;
        }
        if (o + 1 >= len) {
            if (len >= 2)
                buf[len - 2] = '~';
            o = len - 1;
            break;
        }
    }
    buf[o] = '\0';
}
