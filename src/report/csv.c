/* csv.c - a run as CSV (--csv): a header row, then one row per target (ping
 * mode) or per target, hop and responder (trace mode; a silent hop is one
 * row with empty responder cells), then per target a row per distinct path
 * it took (empty ttl; the path_ columns).  Fields are quoted as RFC 4180 says when
 * they hold a comma, a quote, a line break or edge spaces; lines end in LF.
 * The statistics columns take their names and numbers from the shared
 * column table, so they agree with the text report and the screen. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hopwatch/hopwatch.h>

#include "report/columns.h"
#include "report/json.h"
#include "report/report.h"
#include "report/sanitize.h"

/* Count columns of the ping rows (sent, received, lost, loss) and the RTT
 * columns of every row, as letters of the column table.  'J' (the latest
 * jitter) is left out: "jitter_ms" (M) is the mean jitter, as in JSON. */
#define CSV_COUNTS "SRDL"
/* A trace's hop columns: its counts, then where its loss comes from. */
#define CSV_HOP "SRDLFK"
#define CSV_RTTS "NBAWVMXI"

/* Room for a name cell: a host name has at most 253 characters; a longer
 * word from the command line is cut (CSV cells are sanitised, as every
 * printed name is: a terminal may show them). */
#define CSV_NAME_BUF 1024

/* One row being written. */
struct row {
    FILE *f;      /* where */
    bool first;   /* no field written yet on this row */
};

static void
field(struct row *w, const char *s)
{
    bool quote = false;

    if (!w->first)
        fputc(',', w->f);
    w->first = false;
    if (s == NULL)
        return;
    quote = s[0] == ' ' || (s[0] != '\0' && s[strlen(s) - 1] == ' ') ||
            strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        fputs(s, w->f);
        return;
    }
    fputc('"', w->f);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', w->f);
        fputc(*s, w->f);
    }
    fputc('"', w->f);
}

static void
field_int(struct row *w, long long v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%lld", v);
    field(w, buf);
}

/* A number with at most 3 decimals, trailing zeros trimmed (as in JSON). */
static void
field_num(struct row *w, double v)
{
    char buf[64];
    size_t n;

    snprintf(buf, sizeof(buf), "%.3f", v);
    n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    field(w, buf);
}

static void
end_row(struct row *w)
{
    fputc('\n', w->f);
    w->first = true;
}

/* The header cells of the columns of letters keys (with a prefix). */
static void
header_cols(struct row *w, const char *keys, const char *prefix)
{
    char name[64];

    for (const char *k = keys; *k != '\0'; k++) {
        snprintf(name, sizeof(name), "%s%s", prefix, column_by_key(*k)->name);
        field(w, name);
    }
}

/* The cells of the columns of letters keys for s (and hop, for a hop
 * row's attribution columns); empty where the column has no value (no
 * answer yet, or all of them when s is NULL). */
static void
row_cols(struct row *w, const char *keys, const struct hw_stats *s, const struct hw_hop *hop)
{
    struct column_row cr = {s, hop, NULL};

    for (const char *k = keys; *k != '\0'; k++) {
        const struct column *c = column_by_key(*k);
        double v = s != NULL ? column_value(c, &cr) : -1;

        /* Counts and percentages as they are; times in milliseconds;
         * words as words. */
        if (v < 0) {
            field(w, "");
        } else if (c->kind == COLUMN_TEXT) {
            /* The verdict, by its machine name. */
            const char *name = hw_verdict_name((enum hw_verdict)v);

            field(w, name != NULL ? name : "");
        } else if (c->kind == COLUMN_COUNT || c->kind == COLUMN_LOSS) {
            field_num(w, v);
        } else {
            field_num(w, v / 1e6);
        }
    }
}

static void
value_cols(struct row *w, const char *keys, const struct hw_stats *s)
{
    row_cols(w, keys, s, NULL);
}

/* The error cell: why the target was not probed, else probes of the row
 * that could not be sent (a local error, not loss), else empty. */
static void
error_cell(struct row *w, const struct report_target *t, int send_status, uint64_t send_errors)
{
    char buf[256];

    if (t->error != NULL || send_errors == 0) {
        field(w, t->error);
        return;
    }
    report_send_errors_text(send_status, send_errors, buf, sizeof(buf));
    field(w, buf);
}

/* target, address, family, status: the first cells of every row. */
static void
target_cells(struct row *w, const struct report_target *t)
{
    char a[HW_ADDRSTRLEN], safe[CSV_NAME_BUF];
    bool probed = t->addr.family != AF_UNSPEC;

    field(w, report_sanitize(t->name, safe, sizeof(safe)));
    field(w, probed ? hw_addr_format(&t->addr, a, sizeof(a)) : "");
    field(w, probed ? report_family_name(t->addr.family) : "");
    field(w, report_status_name(t->status));
}

static void
ping_csv(FILE *f, const struct report_run *r)
{
    struct row w = {f, true};

    field(&w, "target");
    field(&w, "address");
    field(&w, "family");
    field(&w, "status");
    field(&w, "reached");
    header_cols(&w, CSV_COUNTS, "");
    field(&w, "late");
    field(&w, "duplicates");
    header_cols(&w, CSV_RTTS, "");
    field(&w, "error");
    end_row(&w);
    for (size_t i = 0; i < r->ntargets; i++) {
        const struct report_target *t = &r->targets[i];
        bool probed = t->addr.family != AF_UNSPEC && t->error == NULL;

        target_cells(&w, t);
        field(&w, t->reached ? "true" : "false");
        value_cols(&w, CSV_COUNTS, probed ? &t->stats : NULL);
        if (probed) {
            field_int(&w, (long long)t->stats.late);
            field_int(&w, (long long)t->stats.duplicates);
        } else {
            field(&w, "");
            field(&w, "");
        }
        value_cols(&w, CSV_RTTS, probed ? &t->stats : NULL);
        error_cell(&w, t, t->send_status, t->stats.errors);
        end_row(&w);
    }
}

/* The MPLS stack of a responder: "label/tc/s/ttl" entries, space apart. */
static void
mpls_cell(struct row *w, const struct hw_responder *resp)
{
    char buf[HW_MPLS_MAX * 32] = "";
    size_t o = 0;

    for (size_t i = 0; i < resp->n_mpls && i < HW_MPLS_MAX; i++) {
        int n = snprintf(buf + o, sizeof(buf) - o, "%s%u/%u/%d/%u", i > 0 ? " " : "",
                         (unsigned)resp->mpls[i].label, (unsigned)resp->mpls[i].tc,
                         resp->mpls[i].bottom ? 1 : 0, (unsigned)resp->mpls[i].ttl);

        if (n < 0 || (size_t)n >= sizeof(buf) - o)
            break;
        o += (size_t)n;
    }
    field(w, buf);
}

/* The responder cells: address, name, answer, ICMP type and code, mark,
 * MPLS, then its received count and RTT columns; all empty for NULL. */
static void
responder_cells(struct row *w, const struct report_run *r, const struct hw_responder *resp)
{
    char a[HW_ADDRSTRLEN], safe[CSV_NAME_BUF];
    const char *mark, *name;

    if (resp == NULL) {
        for (int i = 0; i < 7 + (r->as_of != NULL ? 3 : 0); i++)
            field(w, "");
        value_cols(w, "R" CSV_RTTS, NULL);
        return;
    }
    field(w, hw_addr_format(&resp->addr, a, sizeof(a)));
    name = r->name_of != NULL ? r->name_of(r->name_arg, &resp->addr) : NULL;
    field(w, name != NULL ? report_sanitize(name, safe, sizeof(safe)) : "");
    if (r->as_of != NULL) {
        struct hw_asinfo i;
        bool found;

        r->as_of(r->as_arg, &resp->addr, &i);
        found = i.state == HW_AS_FOUND;
        if (found)
            field_int(w, i.asn);
        else
            field(w, "");
        field(w, found ? report_sanitize(i.prefix, safe, sizeof(safe)) : "");
        field(w, found ? report_sanitize(i.name, safe, sizeof(safe)) : "");
    }
    field(w, hw_outcome_name(resp->outcome));
    if (resp->icmp_type >= 0) {
        field_int(w, resp->icmp_type);
        field_int(w, resp->icmp_code);
    } else {
        field(w, "");
        field(w, "");
    }
    mark = hw_icmp_mark(resp->addr.family, resp->icmp_type, resp->icmp_code);
    field(w, resp->outcome == HW_OUTCOME_UNREACHABLE ? mark : "");
    mpls_cell(w, resp);
    value_cols(w, "R" CSV_RTTS, &resp->stats);
}

/* With --mtu, after every other column: the hop's MTU (the largest packet known to
 * pass up to it), then the target's path MTU, its reason and its hop. */
static void
pmtu_header(struct row *w)
{
    field(w, "hop_mtu");
    field(w, "path_mtu");
    field(w, "path_mtu_reason");
    field(w, "path_mtu_hop");
}

static void
pmtu_cells(struct row *w, const struct hw_pmtu_result *p, int ttl)
{
    bool known = p != NULL && (p->state == HW_PMTU_LOCATING || p->state == HW_PMTU_DONE);
    int m = p != NULL && ttl > 0 ? hw_pmtu_hop_mtu(p, ttl) : 0;

    if (m > 0)
        field_int(w, m);
    else
        field(w, "");
    if (known)
        field_int(w, p->pmtu);
    else
        field(w, "");
    field(w, p != NULL && p->state != HW_PMTU_SEARCHING ? hw_pmtu_reason_name(p->reason) : "");
    if (p != NULL && p->hop_ttl > 0)
        field_int(w, p->hop_ttl);
    else
        field(w, "");
}

/* The route-history columns of a row (trace mode): "paths", the distinct
 * paths (their indexes, space apart) in which resp answers hop ttl, on a
 * hop row; then path, path_current, path_first_seen, path_last_seen,
 * path_rounds, path_end and path_hops, on a path row (p not NULL).  Empty
 * where they do not apply. */
static void
history_cells(struct row *w, const struct hw_trace_snapshot *s, int ttl,
              const struct hw_responder *resp, const struct hw_path *p)
{
    char buf[2048] = "";
    size_t o = 0;

    for (size_t i = 0; s != NULL && resp != NULL && i < s->n_paths; i++) {
        const struct hw_path *q = &s->paths[i];
        long k = (long)ttl - s->first_ttl;

        if (k < 0 || (size_t)k >= q->n_hops)
            continue;
        for (size_t m = 0; m < q->hops[k].n; m++) {
            if (hw_addr_equal(&q->hops[k].addr[m], &resp->addr)) {
                int n = snprintf(buf + o, sizeof(buf) - o, "%s%zu", o > 0 ? " " : "", i);

                if (n > 0 && (size_t)n < sizeof(buf) - o)
                    o += (size_t)n;
                break;
            }
        }
    }
    field(w, buf);
    if (p == NULL) {
        for (int i = 0; i < 7; i++)
            field(w, "");
        return;
    }
    field_int(w, (long long)(p - s->paths));
    field(w, (size_t)(p - s->paths) == s->current_path ? "true" : "false");
    json_format_time(p->first_real_ns, buf, sizeof(buf));
    field(w, buf);
    json_format_time(p->last_real_ns, buf, sizeof(buf));
    field(w, buf);
    field_int(w, (long long)p->rounds);
    field(w, hw_trace_end_name(p->end));
    report_path_text(p, buf, sizeof(buf));
    field(w, buf);
}

static void
trace_csv(FILE *f, const struct report_run *r)
{
    struct row w = {f, true};
    bool pmtu = r->settings.pmtu;

    field(&w, "target");
    field(&w, "address");
    field(&w, "family");
    field(&w, "status");
    field(&w, "ttl");
    header_cols(&w, CSV_HOP, "hop_");
    field(&w, "responder");
    field(&w, "responder_name");
    /* -z / -y: the origin AS; only then, so the columns of runs without it
     * stay as they were. */
    if (r->as_of != NULL) {
        field(&w, "asn");
        field(&w, "as_prefix");
        field(&w, "as_name");
    }
    field(&w, "answer");
    field(&w, "icmp_type");
    field(&w, "icmp_code");
    field(&w, "mark");
    field(&w, "mpls");
    header_cols(&w, "R" CSV_RTTS, "");
    field(&w, "error");
    field(&w, "paths");
    field(&w, "path");
    field(&w, "path_current");
    field(&w, "path_first_seen");
    field(&w, "path_last_seen");
    field(&w, "path_rounds");
    field(&w, "path_end");
    field(&w, "path_hops");
    if (pmtu)
        pmtu_header(&w);
    end_row(&w);
    for (size_t i = 0; i < r->ntargets; i++) {
        const struct report_target *t = &r->targets[i];
        const struct hw_trace_snapshot *s = t->snap;

        if (s == NULL || s->n_hops == 0) {
            target_cells(&w, t);
            field(&w, "");
            value_cols(&w, CSV_HOP, NULL);
            responder_cells(&w, r, NULL);
            field(&w, t->error);
            history_cells(&w, s, 0, NULL, NULL);
            if (pmtu)
                pmtu_cells(&w, t->pmtu, 0);
            end_row(&w);
            continue;
        }
        for (size_t h = 0; h < s->n_hops; h++) {
            const struct hw_hop *hop = &s->hops[h];
            size_t n = hop->n_responders > 0 ? hop->n_responders : 1;

            for (size_t k = 0; k < n; k++) {
                target_cells(&w, t);
                field_int(&w, hop->ttl);
                row_cols(&w, CSV_HOP, &hop->stats, hop);
                responder_cells(&w, r, hop->n_responders > 0 ? &hop->responders[k] : NULL);
                error_cell(&w, t, hop->send_status, hop->send_errors);
                history_cells(&w, s, hop->ttl,
                              hop->n_responders > 0 ? &hop->responders[k] : NULL, NULL);
                if (pmtu)
                    pmtu_cells(&w, t->pmtu, hop->ttl);
                end_row(&w);
            }
        }
        /* The path history: a row per distinct path, its ttl and hop and
         * responder cells empty. */
        for (size_t k = 0; k < s->n_paths; k++) {
            target_cells(&w, t);
            field(&w, "");
            value_cols(&w, CSV_HOP, NULL);
            responder_cells(&w, r, NULL);
            field(&w, t->error);
            history_cells(&w, s, 0, NULL, &s->paths[k]);
            if (pmtu)
                pmtu_cells(&w, t->pmtu, 0);
            end_row(&w);
        }
    }
}

int
report_csv(FILE *f, const struct report_run *r)
{
    if (r->mode == REPORT_PING)
        ping_csv(f, r);
    else
        trace_csv(f, r);
    if (fflush(f) != 0 || ferror(f))
        return -(errno ? errno : EIO);
    return 0;
}
