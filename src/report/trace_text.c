/* trace_text.c - the mtr-style text table of one trace (--report). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hopwatch/icmp.h>

#include "report/columns.h"
#include "report/json.h"
#include "report/report.h"
#include "report/sanitize.h"

/* Room for a host cell: a 253-character name and a mark. */
#define HOST_BUF 320

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
        for (size_t k = 0; k < s->hops[i].n_responders; k++) {
            size_t w = report_text_width(
                report_host_text(r, &s->hops[i].responders[k], host, sizeof(host)));
            if (w + (k > 0 ? 2 : 0) > width)
                width = w + (k > 0 ? 2 : 0);
        }
    }
    if (!r->wide && width > REPORT_HOST_COL_MAX)
        width = REPORT_HOST_COL_MAX;

    json_format_time(s->start_real_ns, when, sizeof(when));
    fprintf(f, "Start: %s\n", when);
    /* "  1.|-- " is 8 columns: the header starts where it does. */
    report_put_cell(f, head, width + 8);
    report_put_titles(f, cols, ncols);

    for (size_t i = 0; i < s->n_hops; i++) {
        const struct hw_hop *h = &s->hops[i];
        struct column_row row = {&h->stats, h, r->pmtu};

        fprintf(f, "%3d.|-- ", h->ttl);
        if (h->n_responders == 0)
            report_put_cell(f, "???", width);
        else
            report_put_cell(f, report_host_text(r, &h->responders[0], host, sizeof(host)), width);
        report_put_cells(f, cols, ncols, &row);
        /* Every other responder of the hop on its own line, own stats. */
        for (size_t k = 1; k < h->n_responders; k++) {
            row = column_row_of(&h->responders[k].stats);
            fputs("    |   ", f);
            report_put_cell(f, report_host_text(r, &h->responders[k], host, sizeof(host)), width);
            report_put_cells(f, cols, ncols, &row);
        }
    }

    report_route_end(s, r->settings.max_ttl, r->settings.max_unknown, false, end, sizeof(end));
    if (end[0] != '\0')
        fprintf(f, "%s\n", end);
    if (r->pmtu != NULL) {
        report_pmtu_text(r->pmtu, end, sizeof(end));
        fprintf(f, "%s\n", end);
    }
    if (fflush(f) != 0 || ferror(f))
        return -(errno ? errno : EIO);
    return 0;
}
