/* trace_text.c - the mtr-style text table of one trace (--report). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hopwatch/icmp.h>

#include "report/columns.h"
#include "report/json.h"
#include "report/report.h"
#include "report/sanitize.h"

/* Room for a host cell: an AS field, a 253-character name and a mark. */
/* The host cell of a hop whose probes could not be sent. */
#define SEND_FAILED "send failed"
#define HOST_BUF 420

/* Widths of the AS fields in a host cell (mtr's, and the name's). */
static const int as_widths[HW_AS_FIELDS] = {
    [HW_AS_FIELD_ASN] = 8,       [HW_AS_FIELD_PREFIX] = 18, [HW_AS_FIELD_CC] = 3,
    [HW_AS_FIELD_REGISTRY] = 8,  [HW_AS_FIELD_DATE] = 10,   [HW_AS_FIELD_NAME] = 16,
};

int
report_as_width(int field)
{
    return field >= 0 && field < HW_AS_FIELDS ? as_widths[field] : 0;
}

char *
report_as_text(const struct hw_asinfo *i, int field, char *buf, size_t len)
{
    const char *s = NULL;

    if (len == 0)
        return buf;
    if (i->state == HW_AS_FOUND) {
        switch (field) {
        case HW_AS_FIELD_ASN:
            snprintf(buf, len, "AS%u", (unsigned)i->asn);
            return buf;
        case HW_AS_FIELD_PREFIX: s = i->prefix; break;
        case HW_AS_FIELD_CC: s = i->cc; break;
        case HW_AS_FIELD_REGISTRY: s = i->registry; break;
        case HW_AS_FIELD_DATE: s = i->date; break;
        case HW_AS_FIELD_NAME: s = i->name; break;
        default: break;
        }
    }
    if (s == NULL || s[0] == '\0')
        s = field == HW_AS_FIELD_ASN ? "AS???" : "???";
    /* The core keeps only printable ASCII; sanitised again all the same,
     * as everything a zone's owner wrote. */
    return report_sanitize(s, buf, len);
}

char *
report_host_text(const struct report_trace *r, const struct hw_responder *resp, char *buf,
                 size_t len)
{
    const char *name = r->name_of != NULL ? r->name_of(r->name_arg, &resp->addr) : NULL;
    char addr[HW_ADDRSTRLEN], safe[HOST_BUF];
    const char *mark = "";

    if (resp->outcome == HW_OUTCOME_UNREACHABLE)
        mark = hw_icmp_mark(resp->addr.family, resp->icmp_type, resp->icmp_code);
    /* A reverse DNS name is whatever the owner of the address wrote. */
    if (name == NULL)
        name = hw_addr_format(&resp->addr, addr, sizeof(addr));
    else
        name = report_sanitize(name, safe, sizeof(safe));
    if (r->as_of != NULL) {
        struct hw_asinfo info;
        char as[HW_AS_NAME_MAX + 8];

        r->as_of(r->as_arg, &resp->addr, &info);
        snprintf(buf, len, "%-*s %s%s%s", report_as_width(r->as_field),
                 report_as_text(&info, r->as_field, as, sizeof(as)), name,
                 mark[0] != '\0' ? " " : "", mark);
        return buf;
    }
    snprintf(buf, len, "%s%s%s", name, mark[0] != '\0' ? " " : "", mark);
    return buf;
}

size_t
report_text_width(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

void
report_put_cell(FILE *f, const char *s, size_t width)
{
    size_t chars = 0, keep = width;
    const char *p = s;

    if (width == 0)
        return;
    /* Longer than the cell: keep width - 1 characters and the mark. */
    if (report_text_width(s) > width)
        keep = width - 1;
    while (*p != '\0' && chars < keep) {
        p++;
        while (((unsigned char)*p & 0xc0) == 0x80)
            p++;
        chars++;
    }
    fwrite(s, 1, (size_t)(p - s), f);
    if (keep < width) {
        fputc(REPORT_CUT_MARK, f);
        chars++;
    }
    for (; chars < width; chars++)
        fputc(' ', f);
}

void
report_put_titles(FILE *f, const struct column *const *cols, size_t ncols)
{
    for (size_t i = 0; i < ncols; i++) {
        /* A left-aligned last column is not padded: no trailing blanks. */
        if (cols[i]->left && i + 1 == ncols)
            fprintf(f, " %s", cols[i]->title);
        else
            fprintf(f, cols[i]->left ? " %-*s" : " %*s", cols[i]->width, cols[i]->title);
    }
    fputc('\n', f);
}

void
report_put_cells(FILE *f, const struct column *const *cols, size_t ncols,
                 const struct column_row *row)
{
    char cells[COLUMNS_MAX][COLUMN_CELL];
    size_t n = 0;

    /* Blank cells at the end (a responder line's Fwd% and Verdict) are
     * left out, and so is the padding of a left-aligned last cell: no
     * trailing blanks. */
    for (size_t i = 0; i < ncols && i < COLUMNS_MAX; i++) {
        column_cell(cols[i], row, cells[i], sizeof(cells[i]));
        if (cells[i][0] != '\0')
            n = i + 1;
    }
    for (size_t i = 0; i < n; i++) {
        if (cols[i]->left && i + 1 == n)
            fprintf(f, " %s", cells[i]);
        else
            fprintf(f, cols[i]->left ? " %-*s" : " %*s", cols[i]->width, cells[i]);
    }
    fputc('\n', f);
}

/* Columns the AS field adds to a host cell. */
static size_t
as_room(const struct report_trace *r)
{
    return r->as_of != NULL ? (size_t)report_as_width(r->as_field) + 1 : 0;
}

int
report_trace_text(FILE *f, const struct report_trace *r)
{
    const struct hw_trace_snapshot *s = r->snap;
    const struct column *cols[COLUMNS_MAX];
    char host[HOST_BUF], head[HOST_BUF], when[40], end[300];
    size_t width, ncols;
    char err[128];
    int n;

    /* With --mtu the default columns end in the MTU column. */
    n = columns_parse(r->order != NULL ? r->order
                      : r->pmtu != NULL ? COLUMNS_PMTU
                                        : COLUMNS_DEFAULT,
                      cols, COLUMNS_MAX, err, sizeof(err));
    ncols = n > 0 ? (size_t)n : 0;

    /* The host column fits the widest entry (capped unless --wide). */
    snprintf(head, sizeof(head), "HOST: %s", report_sanitize(r->local_host, host, sizeof(host)));
    width = report_text_width(head);
    for (size_t i = 0; i < s->n_hops; i++) {
        if (s->hops[i].n_responders == 0 && s->hops[i].send_errors > 0 &&
            width < sizeof(SEND_FAILED) - 1)
            width = sizeof(SEND_FAILED) - 1;
        for (size_t k = 0; k < s->hops[i].n_responders; k++) {
            size_t w = report_text_width(
                report_host_text(r, &s->hops[i].responders[k], host, sizeof(host)));
            if (w + (k > 0 ? 2 : 0) > width)
                width = w + (k > 0 ? 2 : 0);
        }
    }
    /* The AS field comes on top of the host's own room. */
    if (!r->wide && width > REPORT_HOST_COL_MAX + as_room(r))
        width = REPORT_HOST_COL_MAX + as_room(r);

    json_format_time(s->start_real_ns, when, sizeof(when));
    fprintf(f, "Start: %s\n", when);
    /* "  1.|-- " is 8 columns: the header starts where it does. */
    report_put_cell(f, head, width + 8);
    report_put_titles(f, cols, ncols);

    for (size_t i = 0; i < s->n_hops; i++) {
        const struct hw_hop *h = &s->hops[i];
        struct column_row row = {&h->stats, h, r->pmtu};

        fprintf(f, "%3d.|-- ", h->ttl);
        if (h->n_responders == 0 && r->as_of != NULL) {
            snprintf(host, sizeof(host), "%-*s ???", report_as_width(r->as_field),
                     r->as_field == HW_AS_FIELD_ASN ? "AS???" : "???");
            report_put_cell(f, host, width);
        } else if (h->n_responders == 0) {
            /* Nothing answered: silent, or its probes could not be sent. */
            report_put_cell(f, h->send_errors > 0 ? SEND_FAILED : "???", width);
        } else {
            report_put_cell(f, report_host_text(r, &h->responders[0], host, sizeof(host)), width);
        }
        report_put_cells(f, cols, ncols, &row);
        /* Every other responder of the hop on its own line, own stats. */
        for (size_t k = 1; k < h->n_responders; k++) {
            row = column_row_of(&h->responders[k].stats);
            fputs("    |   ", f);
            report_put_cell(f, report_host_text(r, &h->responders[k], host, sizeof(host)), width);
            report_put_cells(f, cols, ncols, &row);
        }
        /* Probes that could not be sent: a local error, said as such. */
        if (h->send_errors > 0) {
            report_send_errors_text(h->send_status, h->send_errors, host, sizeof(host));
            fprintf(f, "    |   %s\n", host);
        }
    }

    report_route_end(s, r->settings.max_ttl, r->settings.max_unknown, false, end, sizeof(end));
    if (end[0] != '\0')
        fprintf(f, "%s\n", end);
    if (r->pmtu != NULL) {
        report_pmtu_text(r->pmtu, end, sizeof(end));
        fprintf(f, "%s\n", end);
    }
    /* The route's changes, a line each (the latest ones when there were
     * more than a snapshot keeps). */
    if (s->n_events > 0) {
        if (s->route_changes > s->n_events)
            fprintf(f, "Route changes: %llu, the latest %zu:\n",
                    (unsigned long long)s->route_changes, s->n_events);
        else
            fprintf(f, "Route changes:\n");
    }
    for (size_t i = 0; i < s->n_events; i++) {
        json_format_time(s->events[i].real_ns, when, sizeof(when));
        report_route_event_text(&s->events[i], s->target.family, end, sizeof(end));
        fprintf(f, "  %s  %s\n", when, end);
    }
    if (fflush(f) != 0 || ferror(f))
        return -(errno ? errno : EIO);
    return 0;
}
