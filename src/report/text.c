/* text.c - the --report text of a whole run: in trace mode one mtr-style
 * table per target (trace_text.c draws each) and, with several targets, a
 * summary table of them; in ping mode one table, a line per target, with
 * the columns of the shared column table. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hopwatch/hopwatch.h>

#include "report/columns.h"
#include "report/json.h"
#include "report/report.h"
#include "report/sanitize.h"

/* Room for a target cell: a 253-character name and an IPv6 address. */
#define CELL_BUF 352
/* Width of the summary's Hops and End columns. */
#define HOPS_WIDTH 4
#define END_WIDTH 11

static int
finish(FILE *f)
{
    if (fflush(f) != 0 || ferror(f))
        return -(errno ? errno : EIO);
    return 0;
}

/* A target's host cell: its name (sanitised: it is the user's word, and
 * may hold anything), followed by its address in parentheses unless the
 * name is that address. */
static const char *
target_cell(const struct report_target *t, char *buf, size_t len)
{
    char a[HW_ADDRSTRLEN], safe[CELL_BUF - HW_ADDRSTRLEN - 3];

    report_sanitize(t->name, safe, sizeof(safe));
    if (t->addr.family == AF_UNSPEC)
        snprintf(buf, len, "%s", safe);
    else if (strcmp(hw_addr_format(&t->addr, a, sizeof(a)), t->name) == 0)
        snprintf(buf, len, "%s", a);
    else
        snprintf(buf, len, "%s (%s)", safe, a);
    return buf;
}

/* Why a target was not probed, sanitised (a resolver's message may quote
 * what it was given). */
static const char *
error_text(const struct report_target *t, char *buf, size_t len)
{
    return report_sanitize(t->error != NULL ? t->error : "unknown error", buf, len);
}

/* The host column: as wide as the widest cell and the "HOST:" header,
 * capped unless --wide. */
static size_t
host_width(const struct report_run *r, const char *head)
{
    char cell[CELL_BUF];
    size_t width = report_text_width(head);

    for (size_t i = 0; i < r->ntargets; i++) {
        size_t w = report_text_width(target_cell(&r->targets[i], cell, sizeof(cell)));

        if (w > width)
            width = w;
    }
    if (!r->wide && width > REPORT_HOST_COL_MAX)
        width = REPORT_HOST_COL_MAX;
    return width;
}

/* A target that was not probed: its cell, then why. */
static void
put_not_probed(FILE *f, const struct report_target *t, size_t width)
{
    char cell[CELL_BUF], why[CELL_BUF];

    report_put_cell(f, target_cell(t, cell, sizeof(cell)), width);
    fprintf(f, "  not probed: %s\n", error_text(t, why, sizeof(why)));
}

static size_t
parse_cols(const char *order, const struct column **cols)
{
    char err[128];
    int n = columns_parse(order, cols, COLUMNS_MAX, err, sizeof(err));

    return n > 0 ? (size_t)n : 0;
}

static int
ping_text(FILE *f, const struct report_run *r)
{
    const struct column *cols[COLUMNS_MAX];
    char head[300], cell[CELL_BUF], when[40], host[256];
    size_t ncols = parse_cols(r->order != NULL ? r->order : REPORT_PING_COLUMNS, cols), width;

    snprintf(head, sizeof(head), "HOST: %s",
             report_sanitize(r->local_host, host, sizeof(host)));
    width = host_width(r, head);
    json_format_time(r->start_real_ns, when, sizeof(when));
    fprintf(f, "Start: %s\n", when);
    report_put_cell(f, head, width);
    report_put_titles(f, cols, ncols);
    for (size_t i = 0; i < r->ntargets; i++) {
        const struct report_target *t = &r->targets[i];

        if (t->addr.family == AF_UNSPEC || t->error != NULL) {
            put_not_probed(f, t, width);
            continue;
        }
        struct column_row row = column_row_of(&t->stats);

        report_put_cell(f, target_cell(t, cell, sizeof(cell)), width);
        report_put_cells(f, cols, ncols, &row);
        /* Probes that could not be sent: a local error, not loss. */
        if (t->stats.errors > 0) {
            report_send_errors_text(t->send_status, t->stats.errors, host, sizeof(host));
            fprintf(f, "    %s\n", host);
        }
    }
    return finish(f);
}

/* The targets of a multi-target trace run, a line each: hops, how the
 * route ends, and the numbers of the target's own hop. */
static void
trace_summary(FILE *f, const struct report_run *r)
{
    const struct column *cols[COLUMNS_MAX];
    char head[300], cell[CELL_BUF], host[256];
    size_t ncols = parse_cols(r->order != NULL ? r->order : COLUMNS_DEFAULT, cols), width;

    snprintf(head, sizeof(head), "HOST: %s",
             report_sanitize(r->local_host, host, sizeof(host)));
    width = host_width(r, head);
    fprintf(f, "Summary of %zu targets\n", r->ntargets);
    report_put_cell(f, head, width);
    fprintf(f, " %*s %-*s", HOPS_WIDTH, "Hops", END_WIDTH, "End");
    report_put_titles(f, cols, ncols);
    for (size_t i = 0; i < r->ntargets; i++) {
        const struct report_target *t = &r->targets[i];
        const struct hw_trace_snapshot *s = t->snap;
        struct column_row row = column_row_of(&t->stats);
        int hops = 0;

        if (s == NULL) {
            put_not_probed(f, t, width);
            continue;
        }
        if (s->end == HW_END_REACHED || s->end == HW_END_UNREACHABLE) {
            hops = s->end_ttl;
        } else {
            for (size_t k = s->n_hops; k-- > 0 && hops == 0;) {
                if (s->hops[k].n_responders > 0)
                    hops = s->hops[k].ttl;
            }
        }
        /* The target's own hop, for where its loss comes from. */
        if (s->end == HW_END_REACHED && s->end_ttl >= s->first_ttl &&
            (size_t)(s->end_ttl - s->first_ttl) < s->n_hops)
            row.hop = &s->hops[s->end_ttl - s->first_ttl];
        report_put_cell(f, target_cell(t, cell, sizeof(cell)), width);
        fprintf(f, " %*d %-*s", HOPS_WIDTH, hops, END_WIDTH, hw_trace_end_name(s->end));
        report_put_cells(f, cols, ncols, &row);
    }
}

static int
trace_text(FILE *f, const struct report_run *r)
{
    char cell[CELL_BUF], why[CELL_BUF];
    int st;

    for (size_t i = 0; i < r->ntargets; i++) {
        const struct report_target *t = &r->targets[i];
        struct report_trace rt;

        if (i > 0)
            fputc('\n', f);
        if (r->ntargets > 1)
            fprintf(f, "Target: %s\n", target_cell(t, cell, sizeof(cell)));
        if (t->snap == NULL) {
            fprintf(f, "not probed: %s\n", error_text(t, why, sizeof(why)));
            continue;
        }
        memset(&rt, 0, sizeof(rt));
        rt.snap = t->snap;
        rt.target_name = t->name;
        rt.local_host = r->local_host;
        rt.name_of = r->name_of;
        rt.name_arg = r->name_arg;
        rt.as_of = r->as_of;
        rt.as_arg = r->as_arg;
        rt.as_field = r->as_field;
        rt.wide = r->wide;
        rt.order = r->order;
        rt.settings = r->settings;
        rt.counters = r->counters;
        rt.pmtu = t->pmtu;
        st = report_trace_text(f, &rt);
        if (st < 0)
            return st;
    }
    if (r->ntargets > 1) {
        fputc('\n', f);
        trace_summary(f, r);
    }
    return finish(f);
}

int
report_text(FILE *f, const struct report_run *r)
{
    return r->mode == REPORT_PING ? ping_text(f, r) : trace_text(f, r);
}
