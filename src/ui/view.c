/* view.c - the pictures built from the state and the data.  See view.h.
 *
 * Layout of both views (rows from the top):
 *   0          title: who traces what
 *   1          settings: method, mode, interval, TTL range, names, elapsed
 *   2          column titles
 *   3 ..       the list (hops, or targets), scrolled
 *   rows - 2   the legend, in the strip display modes
 *   rows - 1   status: a prompt, a message, how the route ends, or key hints
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <hopwatch/icmp.h>

#include "report/report.h"
#include "report/route.h"
#include "report/sanitize.h"
#include "ui/format.h"
#include "ui/view.h"

/* Columns before the host text: "%3d. ". */
#define HOP_PREFIX 5
/* Host or target text never gets fewer columns than this. */
#define MIN_TEXT 12
/* ... and keeps this many before the attribution columns (Fwd%, Verdict)
 * are shown at the end of a hop row. */
#define ATTRIB_MIN_TEXT 24
/* ... nor more than this in the strip modes and the hosts view. */
#define MAX_TEXT 40
/* First row of the list. */
#define LIST_TOP 3
/* Width of the hosts view's Hops column. */
#define HOPS_WIDTH 4
/* Text buffers: anything longer is cut by the frame anyway. */
#define TEXT_MAX 512

/* Write text at (row, col), at most width columns. */
static void
put_clipped(struct ui_frame *f, int row, int col, const char *text, int width, unsigned style)
{
    char buf[TEXT_MAX];
    int w = 0;
    size_t i = 0;

    if (width <= 0)
        return;
    /* Cut at a character boundary after width characters. */
    for (; text[i] != '\0' && i + 1 < sizeof(buf); i++) {
        if (((unsigned char)text[i] & 0xc0) != 0x80) {
            if (w == width)
                break;
            w++;
        }
        buf[i] = text[i];
    }
    buf[i] = '\0';
    ui_frame_put(f, row, col, buf, style);
}

/* ---- Shared parts -------------------------------------------------------- */

static void
settings_line(struct ui_frame *f, const struct ui_state *st, const struct ui_target_info *ti,
              int64_t now_ms)
{
    char line[TEXT_MAX], interval[32], elapsed[32];
    int col = 0;

    ui_fmt_interval(ti->interval_ns, interval, sizeof(interval));
    ui_fmt_elapsed((now_ms - st->start_ms) / 1000, elapsed, sizeof(elapsed));
    if (ti->paused)
        col = ui_frame_put(f, 1, 0, "[PAUSED] ", UI_S_WARN);
    snprintf(line, sizeof(line), "%s %s  interval %s  TTL %d-%d  names %s  %s  elapsed %s",
             hw_method_name(ti->method), ti->mode, interval, ti->first_ttl, ti->max_ttl,
             st->names ? "on" : "off", ui_fmt_display_name(st->display), elapsed);
    ui_frame_put(f, 1, col, line, UI_S_NORMAL);
}

static const char *
prompt_label(enum ui_prompt p)
{
    switch (p) {
    case UI_PROMPT_INTERVAL:
        return "Interval in seconds";
    case UI_PROMPT_FIRST_TTL:
        return "First TTL";
    case UI_PROMPT_MAX_TTL:
        return "Max TTL";
    case UI_PROMPT_ORDER:
        return "Field order (letters, empty: default)";
    case UI_PROMPT_NONE:
        break;
    }
    return "";
}

static void
status_line(struct ui_frame *f, const struct ui_state *st, const char *route_end)
{
    char line[TEXT_MAX];
    int row = f->rows - 1;

    if (st->prompt != UI_PROMPT_NONE) {
        snprintf(line, sizeof(line), "%s: %s_", prompt_label(st->prompt), st->input);
        ui_frame_put(f, row, 0, line, UI_S_TITLE);
    } else if (st->status[0] != '\0') {
        ui_frame_put(f, row, 0, st->status, st->status_error ? UI_S_ERROR : UI_S_NORMAL);
    } else if (route_end != NULL && route_end[0] != '\0') {
        ui_frame_put(f, row, 0, route_end, UI_S_WARN);
    } else {
        snprintf(line, sizeof(line), "q quit  ? help  p pause  r reset  d display  l timeline%s",
                 st->ntargets > 1 ? (st->view == UI_VIEW_HOSTS ? "  Enter trace" : "  Tab hosts")
                                  : "");
        ui_frame_put(f, row, 0, line, UI_S_DIM);
    }
}

/* Text of column c ending at column x of row: numbers right-aligned,
 * words (the verdict) left-aligned in the cell. */
static void
put_cell(struct ui_frame *f, int row, int x, const struct column *c, const char *text,
         unsigned style)
{
    if (c->left)
        put_clipped(f, row, x - c->width, text, c->width, style);
    else
        ui_frame_put_right(f, row, x, text, style);
}

/* Titles of the statistics columns, from column x. */
static int
column_titles(struct ui_frame *f, int x, const struct column *const *cols, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        x += 1 + cols[i]->width;
        put_cell(f, 2, x, cols[i], cols[i]->title, UI_S_HEADER);
    }
    return x;
}

/* The cells of row r, from column x; returns the column after them. */
static int
stat_cells(struct ui_frame *f, int row, int x, const struct column *const *cols, size_t n,
           const struct column_row *r)
{
    char cell[COLUMN_CELL];

    for (size_t i = 0; i < n; i++) {
        column_cell(cols[i], r, cell, sizeof(cell));
        x += 1 + cols[i]->width;
        put_cell(f, row, x, cols[i], cell, ui_fmt_cell_style(cols[i], r));
    }
    return x;
}

static int
columns_width(const struct column *const *cols, size_t n)
{
    int w = 0;

    for (size_t i = 0; i < n; i++)
        w += 1 + cols[i]->width;
    return w;
}

/* Rows of the list; the legend takes one in the strip modes. */
static int
list_rows(const struct ui_frame *f, const struct ui_state *st)
{
    int n = f->rows - 1 - LIST_TOP - (st->display != UI_DISPLAY_NUMBERS ? 1 : 0);

    return n < 1 ? 1 : n;
}

/* The text of a responder: its name or address, and its unreachable
 * mark. */
static char *
responder_text(const struct ui_state *st, const struct ui_source *src,
               const struct hw_responder *r, char *buf, size_t len)
{
    const char *mark = "";
    const char *name = st->names ? src->name(src->arg, &r->addr) : NULL;

    if (r->outcome == HW_OUTCOME_UNREACHABLE)
        mark = hw_icmp_mark(r->addr.family, r->icmp_type, r->icmp_code);
    if (st->as && src->asinfo != NULL) {
        /* mtr's 'z': the AS field first, as in the text report. */
        struct hw_asinfo info;
        char as[HW_AS_NAME_MAX + 8], host[320];

        src->asinfo(src->arg, &r->addr, &info);
        ui_fmt_host(name, &r->addr, st->names, st->both, mark, host, sizeof(host));
        snprintf(buf, len, "%-*s %s", report_as_width(st->as_field),
                 report_as_text(&info, st->as_field, as, sizeof(as)), host);
        return buf;
    }
    return ui_fmt_host(name, &r->addr, st->names, st->both, mark, buf, len);
}

/* A hop's main host text: its first responder; "???" when nothing
 * answered; when its probes could not be sent, why ("send failed: ..."):
 * a local error is not a silent hop. */
static const char *
hop_host_text(const struct ui_state *st, const struct ui_source *src, const struct hw_hop *h,
              char *buf, size_t len)
{
    if (h->n_responders > 0)
        return responder_text(st, src, &h->responders[0], buf, len);
    if (h->send_errors > 0)
        report_send_errors_text(h->send_status, h->send_errors, buf, len);
    else
        snprintf(buf, len, "???");
    return buf;
}

/* One strip: the entries of hist (n of them, oldest first) from column x
 * on, at most width cells; the history marks or the scaled blocks. */
static void
strip(struct ui_frame *f, bool history, bool utf8, int row, int x, const int32_t *hist,
      size_t n, int width, double avg_us, int32_t max_us, bool gaps)
{
    for (size_t k = 0; k < n && (int)k < width; k++) {
        enum ui_style style;
        const char *g = history
                            ? ui_fmt_history_mark(hist[k], avg_us, &style)
                            : ui_fmt_scaled_mark(hist[k], max_us, utf8, gaps, &style);

        ui_frame_put(f, row, x + (int)k, g, style);
    }
}

static int32_t
hist_max(const int32_t *hist, size_t n, int32_t max)
{
    for (size_t k = 0; k < n; k++) {
        if (hist[k] > max)
            max = hist[k];
    }
    return max;
}

static void
legend(struct ui_frame *f, const struct ui_state *st, int32_t max_us)
{
    char line[TEXT_MAX];

    if (st->display == UI_DISPLAY_HISTORY)
        ui_fmt_history_legend(line, sizeof(line));
    else
        ui_fmt_scale_legend(max_us, st->utf8, line, sizeof(line));
    ui_frame_put(f, f->rows - 2, 0, line, UI_S_DIM);
}

static size_t
clamp_top(size_t top, size_t total, int page)
{
    size_t max = total > (size_t)page ? total - (size_t)page : 0;

    return top > max ? max : top;
}

/* ---- Trace view -------------------------------------------------------- */

/* Lines of one hop in the numbers mode: its own, then per extra responder
 * one, and under each responder its MPLS entries when shown. */
static size_t
hop_lines(const struct ui_state *st, const struct hw_hop *h)
{
    size_t n = 1;

    if (st->display != UI_DISPLAY_NUMBERS)
        return 1;
    for (size_t k = 0; k < h->n_responders; k++)
        n += (k > 0 ? 1 : 0) + (st->mpls ? h->responders[k].n_mpls : 0);
    return n;
}

/* Draw line `line` (0-based within the hop, as hop_lines counts them) of
 * hop h on row. */
static void
hop_line(struct ui_frame *f, const struct ui_state *st, const struct ui_source *src,
         const struct hw_hop *h, size_t line, int row, int hostw,
         const struct column *const *cols, size_t ncols, const struct hw_pmtu_result *pmtu)
{
    char text[TEXT_MAX];
    size_t at = 1;

    if (line == 0) {
        snprintf(text, sizeof(text), "%3d.", h->ttl);
        ui_frame_put(f, row, 0, text, UI_S_NORMAL);
        hop_host_text(st, src, h, text, sizeof(text));
        struct column_row cr = {&h->stats, h, pmtu};

        put_clipped(f, row, HOP_PREFIX, text, hostw - 1, UI_S_NORMAL);
        stat_cells(f, row, HOP_PREFIX + hostw, cols, ncols, &cr);
        return;
    }
    for (size_t k = 0; k < h->n_responders; k++) {
        const struct hw_responder *r = &h->responders[k];

        if (k > 0 && at++ == line) {
            responder_text(st, src, r, text, sizeof(text));
            struct column_row cr = column_row_of(&r->stats);

            put_clipped(f, row, HOP_PREFIX + 2, text, hostw - 3, UI_S_NORMAL);
            stat_cells(f, row, HOP_PREFIX + hostw, cols, ncols, &cr);
            return;
        }
        for (size_t m = 0; st->mpls && m < r->n_mpls; m++) {
            if (at++ == line) {
                ui_fmt_mpls(&r->mpls[m], text, sizeof(text));
                put_clipped(f, row, HOP_PREFIX + 4, text, f->cols - HOP_PREFIX - 4, UI_S_DIM);
                return;
            }
        }
    }
}

/* The first two lines of a one-target view (the title with the target,
 * the settings); returns the target's snapshot (NULL: none). */
static const struct hw_trace_snapshot *
target_header(struct ui_frame *f, struct ui_state *st, const struct ui_source *src,
              struct ui_target_info *ti, int64_t now_ms)
{
    char text[TEXT_MAX], addr[HW_ADDRSTRLEN];

    if (st->current >= src->ntargets)
        st->current = 0;
    memset(ti, 0, sizeof(*ti)); /* a source that knows no pmtu leaves it off */
    src->info(src->arg, st->current, ti);
    hw_addr_format(&ti->addr, addr, sizeof(addr));
    if (strcmp(ti->name, addr) == 0)
        snprintf(text, sizeof(text), "hopwatch: %s -> %s", src->local_host, addr);
    else
        snprintf(text, sizeof(text), "hopwatch: %s -> %s (%s)", src->local_host, ti->name, addr);
    ui_frame_put(f, 0, 0, text, UI_S_TITLE);
    if (src->ntargets > 1) {
        snprintf(text, sizeof(text), " [%zu/%zu]", st->current + 1, src->ntargets);
        ui_frame_put_right(f, 0, f->cols, text, UI_S_TITLE);
    }
    settings_line(f, st, ti, now_ms);
    return src->snapshot(src->arg, st->current);
}

/* Beside a strip (the trace view's strip modes, the timeline) the host
 * column fits the longest main host, within bounds; the strip gets the
 * rest. */
static int
strip_host_width(const struct ui_frame *f, const struct ui_state *st, const struct ui_source *src,
                 const struct hw_trace_snapshot *s)
{
    char text[TEXT_MAX];
    int hostw = MIN_TEXT;

    for (size_t i = 0; i < s->n_hops; i++) {
        int w = ui_text_width(hop_host_text(st, src, &s->hops[i], text, sizeof(text)));

        if (w + 1 > hostw)
            hostw = w + 1;
    }
    if (hostw > MAX_TEXT)
        hostw = MAX_TEXT;
    if (hostw > f->cols - HOP_PREFIX - 10)
        hostw = f->cols - HOP_PREFIX - 10;
    return hostw;
}

static void
trace_view(struct ui_frame *f, struct ui_state *st, const struct ui_source *src, int64_t now_ms)
{
    const struct hw_trace_snapshot *s;
    const struct column *cols[COLUMNS_MAX];
    struct ui_target_info ti;
    char text[TEXT_MAX], end[TEXT_MAX];
    size_t ncols, total = 0, idx = 0;
    int page = list_rows(f, st), hostw, row;
    int32_t hist[UI_FRAME_MAX_COLS];
    int32_t max_us = 0;

    s = target_header(f, st, src, &ti, now_ms);
    st->page = page;
    if (s == NULL) {
        ui_frame_put(f, LIST_TOP, 0, "out of memory", UI_S_ERROR);
        status_line(f, st, NULL);
        return;
    }

    ncols = ui_state_columns(st, UI_VIEW_TRACE, cols);
    if (st->display == UI_DISPLAY_NUMBERS) {
        ncols = ui_fmt_fit_columns(cols, ncols, f->cols, HOP_PREFIX + MIN_TEXT);
        /* Where the loss comes from is worth showing, but not at the cost
         * of the hosts' names: trailing attribution columns go first. */
        while (ncols > 0 && cols[ncols - 1]->format_row != NULL &&
               f->cols - HOP_PREFIX - columns_width(cols, ncols) < ATTRIB_MIN_TEXT)
            ncols--;
        hostw = f->cols - HOP_PREFIX - columns_width(cols, ncols);
    } else {
        hostw = strip_host_width(f, st, src, s);
        ncols = 0;
    }

    ui_frame_put(f, 2, HOP_PREFIX, "Host", UI_S_HEADER);
    if (st->display == UI_DISPLAY_NUMBERS)
        column_titles(f, HOP_PREFIX + hostw, cols, ncols);
    else
        ui_frame_put(f, 2, HOP_PREFIX + hostw,
                     st->display == UI_DISPLAY_HISTORY ? "History (oldest first)"
                                                       : "RTT of each probe (oldest first)",
                     UI_S_HEADER);

    for (size_t i = 0; i < s->n_hops; i++)
        total += hop_lines(st, &s->hops[i]);
    st->trace_top = clamp_top(st->trace_top, total, page);

    /* The scaled strip shares one scale: the largest RTT shown. */
    if (st->display == UI_DISPLAY_SCALED) {
        int sw = f->cols - HOP_PREFIX - hostw;

        for (size_t i = st->trace_top; i < s->n_hops && i < st->trace_top + (size_t)page; i++) {
            size_t n = src->history(src->arg, st->current, s->hops[i].ttl, hist,
                                    sw > 0 ? (size_t)sw : 0);

            max_us = hist_max(hist, n, max_us);
        }
    }

    row = LIST_TOP;
    for (size_t i = 0; i < s->n_hops && row < LIST_TOP + page; i++) {
        const struct hw_hop *h = &s->hops[i];
        size_t nl = hop_lines(st, h);

        for (size_t l = 0; l < nl && row < LIST_TOP + page; l++, idx++) {
            if (idx < st->trace_top)
                continue;
            if (st->display == UI_DISPLAY_NUMBERS) {
                hop_line(f, st, src, h, l, row, hostw, cols, ncols,
                         ti.has_pmtu ? &ti.pmtu : NULL);
            } else {
                int sw = f->cols - HOP_PREFIX - hostw;
                size_t n;

                snprintf(text, sizeof(text), "%3d.", h->ttl);
                ui_frame_put(f, row, 0, text, UI_S_NORMAL);
                hop_host_text(st, src, h, text, sizeof(text));
                put_clipped(f, row, HOP_PREFIX, text, hostw - 1, UI_S_NORMAL);
                n = src->history(src->arg, st->current, h->ttl, hist, sw > 0 ? (size_t)sw : 0);
                strip(f, st->display == UI_DISPLAY_HISTORY, st->utf8, row, HOP_PREFIX + hostw,
                      hist, n, sw, hw_stats_avg_ns(&h->stats) / 1e3, max_us, false);
            }
            row++;
        }
    }
    if (st->display != UI_DISPLAY_NUMBERS)
        legend(f, st, max_us);
    report_route_end(s, ti.max_ttl, ti.max_unknown, true, end, sizeof(end));
    if (ti.has_pmtu) {
        /* --mtu: the path MTU sentence joins the bottom line. */
        size_t used = strlen(end);

        if (used > 0 && used + 2 < sizeof(end))
            used += (size_t)snprintf(end + used, sizeof(end) - used, "  ");
        report_pmtu_text(&ti.pmtu, end + used, sizeof(end) - used);
    }
    status_line(f, st, end);
}

/* ---- Hosts view -------------------------------------------------------- */

/* The text of target i: its name (or, for a numeric target with names on,
 * its reverse name), with the address when 'b' is on. */
static char *
target_text(const struct ui_state *st, const struct ui_source *src,
            const struct ui_target_info *ti, char *buf, size_t len)
{
    char addr[HW_ADDRSTRLEN], safe[256];

    hw_addr_format(&ti->addr, addr, sizeof(addr));
    if (strcmp(ti->name, addr) == 0) {
        const char *name = st->names ? src->name(src->arg, &ti->addr) : NULL;

        return ui_fmt_host(name, &ti->addr, st->names, st->both, NULL, buf, len);
    }
    report_sanitize(ti->name, safe, sizeof(safe));
    if (st->both)
        snprintf(buf, len, "%s (%s)", safe, addr);
    else
        snprintf(buf, len, "%s", safe);
    return buf;
}

/* What a target's row shows: the target's own numbers (trace.h), the
 * route's length, and unless reached, why not where the RTTs would be. */
static void
target_row(const struct hw_trace_snapshot *s, struct hw_stats *out, char *hops, size_t hopslen,
           char *state, size_t statelen)
{
    int highest = 0;

    *out = s->target_stats;
    report_route_state(s, state, statelen);
    for (size_t i = 0; i < s->n_hops; i++) {
        if (s->hops[i].n_responders > 0)
            highest = s->hops[i].ttl;
    }
    if (s->end == HW_END_REACHED || s->end == HW_END_UNREACHABLE)
        snprintf(hops, hopslen, "%d", s->end_ttl);
    else if (highest > 0)
        snprintf(hops, hopslen, "%d?", highest);
    else
        snprintf(hops, hopslen, "-");
}

static void
hosts_view(struct ui_frame *f, struct ui_state *st, const struct ui_source *src, int64_t now_ms)
{
    const struct column *cols[COLUMNS_MAX];
    struct ui_target_info ti;
    char text[TEXT_MAX];
    int page = list_rows(f, st), namew = MIN_TEXT, x, sw;
    size_t ncols;
    int32_t hist[UI_FRAME_MAX_COLS];
    int32_t max_us = 0;

    if (st->selected >= src->ntargets)
        st->selected = src->ntargets - 1;
    st->page = page;
    if (st->hosts_top > st->selected)
        st->hosts_top = st->selected;
    if (st->selected >= st->hosts_top + (size_t)page)
        st->hosts_top = st->selected - (size_t)page + 1;
    st->hosts_top = clamp_top(st->hosts_top, src->ntargets, page);

    snprintf(text, sizeof(text), "hopwatch: %s -> %zu targets", src->local_host, src->ntargets);
    ui_frame_put(f, 0, 0, text, UI_S_TITLE);
    src->info(src->arg, st->selected, &ti);
    settings_line(f, st, &ti, now_ms);

    /* The name column fits the longest name (not the markers, so it does
     * not jump while targets are traced). */
    for (size_t i = 0; i < src->ntargets; i++) {
        struct ui_target_info t;
        int w;

        src->info(src->arg, i, &t);
        w = ui_text_width(target_text(st, src, &t, text, sizeof(text))) + 1;
        if (w > namew)
            namew = w;
    }
    if (namew > MAX_TEXT)
        namew = MAX_TEXT;

    ncols = ui_state_columns(st, UI_VIEW_HOSTS, cols);
    if (st->display != UI_DISPLAY_NUMBERS)
        ncols = 0;
    ncols = ui_fmt_fit_columns(cols, ncols, f->cols - HOPS_WIDTH - 1, 2 + MIN_TEXT);
    if (namew > f->cols - 2 - columns_width(cols, ncols) - HOPS_WIDTH - 1)
        namew = f->cols - 2 - columns_width(cols, ncols) - HOPS_WIDTH - 1;
    if (namew < MIN_TEXT)
        namew = MIN_TEXT;
    x = 2 + namew;
    sw = f->cols - (x + columns_width(cols, ncols) + 1 + HOPS_WIDTH + 1);

    ui_frame_put(f, 2, 2, "Target", UI_S_HEADER);
    x = column_titles(f, x, cols, ncols);
    ui_frame_put_right(f, 2, x + 1 + HOPS_WIDTH, "Hops", UI_S_HEADER);
    if (sw > 0)
        ui_frame_put(f, 2, x + 2 + HOPS_WIDTH,
                     st->display == UI_DISPLAY_HISTORY ? "History" : "Recent RTTs",
                     UI_S_HEADER);

    if (st->display == UI_DISPLAY_SCALED && sw > 0) {
        for (size_t i = st->hosts_top; i < src->ntargets && i < st->hosts_top + (size_t)page;
             i++) {
            const struct hw_trace_snapshot *s = src->snapshot(src->arg, i);

            if (s != NULL && s->end == HW_END_REACHED)
                max_us = hist_max(hist, src->history(src->arg, i, s->end_ttl, hist, (size_t)sw),
                                  max_us);
        }
    }

    for (int r = 0; r < page && st->hosts_top + (size_t)r < src->ntargets; r++) {
        size_t i = st->hosts_top + (size_t)r;
        const struct hw_trace_snapshot *s = src->snapshot(src->arg, i);
        int row = LIST_TOP + r;
        struct hw_stats stats;
        char hops[16], name[TEXT_MAX - 32], marker[64];

        src->info(src->arg, i, &ti);
        target_text(st, src, &ti, name, sizeof(name));
        if (s == NULL) {
            ui_frame_put(f, row, 2, "out of memory", UI_S_ERROR);
            continue;
        }
        target_row(s, &stats, hops, sizeof(hops), marker, sizeof(marker));
        if (i == st->selected)
            ui_frame_put(f, row, 0, ">", UI_S_TITLE);
        put_clipped(f, row, 2, name, namew - 1, UI_S_NORMAL);
        struct column_row cr = column_row_of(&stats);

        x = stat_cells(f, row, 2 + namew, cols, ncols, &cr);
        ui_frame_put_right(f, row, x + 1 + HOPS_WIDTH, hops, UI_S_NORMAL);
        /* A target without RTTs of its own says why where they would be. */
        if (marker[0] != '\0')
            put_clipped(f, row, x + 2 + HOPS_WIDTH, marker, sw, UI_S_WARN);
        if (sw > 0 && s->end == HW_END_REACHED) {
            size_t n = src->history(src->arg, i, s->end_ttl, hist, (size_t)sw);
            bool sparkline = st->display == UI_DISPLAY_NUMBERS;

            /* The numbers mode's sparkline is the scaled strip with gaps
             * for lost probes, scaled to the row's own largest RTT. */
            strip(f, st->display == UI_DISPLAY_HISTORY, st->utf8, row, x + 2 + HOPS_WIDTH, hist,
                  n, sw, hw_stats_avg_ns(&stats) / 1e3, sparkline ? hist_max(hist, n, 0) : max_us,
                  sparkline);
        }
        if (i == st->selected)
            ui_frame_mark(f, row, 0, f->cols, UI_S_REVERSE);
    }
    if (st->display != UI_DISPLAY_NUMBERS)
        legend(f, st, max_us);
    status_line(f, st, NULL);
}

/* ---- The route timeline ----------------------------------------------- */

/* Rows under the hops at least: the path shown (two lines), the changes'
 * title and 4 changes; rows the hops do not need show more changes. */
#define TIMELINE_PANEL 7

/* HH:MM:SS (local time) of a wall-clock time. */
static void
clock_text(int64_t real_ns, char *buf, size_t len)
{
    time_t sec = (time_t)(real_ns / 1000000000LL);
    struct tm tm;

    if (localtime_r(&sec, &tm) == NULL || strftime(buf, len, "%H:%M:%S", &tm) == 0)
        snprintf(buf, len, "?");
}

/* The path the timeline shows: st->path_back paths back from the current
 * one, by when they were last seen (clamped to the oldest); n_paths when
 * there is none. */
static size_t
shown_path(struct ui_state *st, const struct hw_trace_snapshot *s)
{
    size_t order[64], n = s->n_paths < 64 ? s->n_paths : 64;

    if (n == 0)
        return s->n_paths;
    for (size_t i = 0; i < n; i++) {
        size_t k = i;

        /* Insertion by last seen, newest first: a few dozen at most. */
        while (k > 0 && s->paths[order[k - 1]].last_real_ns < s->paths[i].last_real_ns) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    if (st->path_back >= n)
        st->path_back = n - 1;
    return order[st->path_back];
}

/* Who among a hop's responders (in the snapshot's order, the one shown
 * first is 'a'), as a letter; '*' past 'z'. */
static char
who_letter(const struct hw_hop *h, const struct hw_addr *who)
{
    for (size_t k = 0; k < h->n_responders; k++) {
        if (hw_addr_equal(&h->responders[k].addr, who))
            return k < 26 ? (char)('a' + k) : '*';
    }
    return '*';
}

/* One hop's strip: a column per round from first_round, the letter of who
 * answered ('a' the hop's main responder), '?' lost, '.' in flight, blank
 * when it was not probed that round (paced, or not on the route then). */
static void
timeline_strip(struct ui_frame *f, int row, int col, int width, const struct hw_hop *h,
               const struct hw_trace_mark *m, size_t n, uint64_t first_round)
{
    double avg_us = hw_stats_avg_ns(&h->stats) / 1e3;

    for (size_t i = 0; i < n; i++) {
        char cell[2] = {'?', '\0'};
        unsigned style = UI_S_ERROR;
        int x;

        if (m[i].round < first_round || m[i].round - first_round >= (uint64_t)width)
            continue;
        x = col + (int)(m[i].round - first_round);
        if (m[i].rtt_us == HW_HIST_PENDING) {
            cell[0] = '.';
            style = UI_S_DIM;
        } else if (m[i].rtt_us == HW_HIST_ERROR) {
            cell[0] = '!';
            style = UI_S_WARN;
        } else if (m[i].rtt_us >= 0) {
            cell[0] = m[i].who.family != AF_UNSPEC ? who_letter(h, &m[i].who) : '*';
            /* The main responder plain, any other one stands out; a slow
             * answer (over twice the hop's average) is a latency episode. */
            style = cell[0] == 'a' ? UI_S_NORMAL : UI_S_TITLE;
            if (avg_us > 0 && m[i].rtt_us > UI_SLOW_FACTOR * avg_us)
                style = UI_S_WARN;
        }
        ui_frame_put(f, row, x, cell, style);
    }
}

/* Under the hops, from row on: the path shown, and the latest changes
 * that fit above the status line. */
static void
timeline_panel(struct ui_frame *f, struct ui_state *st, const struct hw_trace_snapshot *s,
               int row)
{
    size_t fit = f->rows - 1 > row + 3 ? (size_t)(f->rows - 1 - row - 3) : 0;
    char text[TEXT_MAX], hops[TEXT_MAX], first[16], last[16];
    size_t p = shown_path(st, s), from;

    if (p < s->n_paths) {
        const struct hw_path *path = &s->paths[p];

        clock_text(path->first_real_ns, first, sizeof(first));
        clock_text(path->last_real_ns, last, sizeof(last));
        snprintf(text, sizeof(text), "Path %zu of %zu%s: %s-%s, %llu rounds, %s, %zu hops  [ ] paths",
                 p + 1, s->n_paths, p == s->current_path ? " (current)" : "", first, last,
                 (unsigned long long)path->rounds, hw_trace_end_name(path->end), path->n_hops);
        ui_frame_put(f, row, 0, text, UI_S_HEADER);
        report_path_text(path, hops, sizeof(hops));
        put_clipped(f, row + 1, 2, hops, f->cols - 2, UI_S_NORMAL);
    }
    if (s->route_changes == 0) {
        ui_frame_put(f, row + 2, 0, "No route changes", UI_S_DIM);
        return;
    }
    snprintf(text, sizeof(text), "Route changes: %llu", (unsigned long long)s->route_changes);
    ui_frame_put(f, row + 2, 0, text, UI_S_HEADER);
    from = s->n_events > fit ? s->n_events - fit : 0;
    for (size_t i = from; i < s->n_events; i++) {
        char what[TEXT_MAX - 32];

        clock_text(s->events[i].real_ns, first, sizeof(first));
        report_route_event_text(&s->events[i], s->target.family, what, sizeof(what));
        snprintf(text, sizeof(text), "%s  %s", first, what);
        put_clipped(f, row + 3 + (int)(i - from), 2, text, f->cols - 2,
                    s->events[i].kind == HW_ROUTE_UNREACHABLE ? UI_S_WARN : UI_S_NORMAL);
    }
}

static void
timeline_view(struct ui_frame *f, struct ui_state *st, const struct ui_source *src,
              int64_t now_ms)
{
    const struct hw_trace_snapshot *s;
    struct ui_target_info ti;
    struct hw_trace_mark marks[UI_FRAME_MAX_COLS];
    char text[TEXT_MAX], end[TEXT_MAX];
    int page = f->rows - 1 - LIST_TOP - TIMELINE_PANEL, hostw, width;
    uint64_t first_round;

    s = target_header(f, st, src, &ti, now_ms);
    if (s == NULL) {
        ui_frame_put(f, LIST_TOP, 0, "out of memory", UI_S_ERROR);
        status_line(f, st, NULL);
        return;
    }
    /* The hops take what they need, the changes the rest. */
    if ((size_t)page > s->n_hops)
        page = (int)s->n_hops;
    if (page < 1)
        page = 1;
    st->page = page;
    hostw = strip_host_width(f, st, src, s);
    width = f->cols - HOP_PREFIX - hostw;
    first_round = s->rounds > (uint64_t)width ? s->rounds - (uint64_t)width + 1 : 1;
    ui_frame_put(f, 2, HOP_PREFIX, "Host now", UI_S_HEADER);
    put_clipped(f, 2, HOP_PREFIX + hostw, "Who answered each round: a the host now, b c others, ? lost, ! not sent",
                width, UI_S_HEADER);
    st->trace_top = clamp_top(st->trace_top, s->n_hops, page);
    for (int r = 0; r < page && st->trace_top + (size_t)r < s->n_hops; r++) {
        const struct hw_hop *h = &s->hops[st->trace_top + (size_t)r];
        int row = LIST_TOP + r;
        size_t n = 0;

        snprintf(text, sizeof(text), "%3d.", h->ttl);
        ui_frame_put(f, row, 0, text, UI_S_NORMAL);
        put_clipped(f, row, HOP_PREFIX, hop_host_text(st, src, h, text, sizeof(text)), hostw - 1,
                    h->n_responders == 0 ? UI_S_DIM : UI_S_NORMAL);
        if (src->marks != NULL)
            n = src->marks(src->arg, st->current, h->ttl, marks,
                           (size_t)width < UI_FRAME_MAX_COLS ? (size_t)width : UI_FRAME_MAX_COLS);
        timeline_strip(f, row, HOP_PREFIX + hostw, width, h, marks, n, first_round);
    }
    timeline_panel(f, st, s, LIST_TOP + page);
    report_route_end(s, ti.max_ttl, ti.max_unknown, true, end, sizeof(end));
    status_line(f, st, end);
}

/* ---- Help and the too-small message ---------------------------------- */

/* Every key, in lines of at most 80 columns; with the title and the field
 * lines the help takes 23 rows, so it fits a 24x80 terminal. */
static const char *const help_lines[] = {
    "q           quit                      Tab        trace view <-> hosts view",
    "? h         this help                 Enter      hosts view: trace the selected",
    "p           pause / resume            Up Down    select, or scroll one line",
    "space       resume                    PgUp PgDn  one page up / down",
    "r           reset the statistics      Home End   first / last",
    "d           display: numbers, history strip, RTT-scaled strip",
    "n           reverse names on / off    z          AS numbers on / off",
    "b           names and addresses       y          next AS field (-y)",
    "o           field order (letters below; empty: default)",
    "j           jitter columns on / off",
    "e           MPLS labels on / off",
    "i           interval between rounds (seconds)",
    "f m         first / max TTL",
    "u t         UDP / TCP probes (again: back to ICMP)",
    "+ -         scroll down / up five lines",
    "Ctrl-L      redraw the screen         l          route timeline; [ ] its paths",
    "",
    "History strip: . reply  > slow (over 2x the hop's average)  ? lost",
    "Colours: loss > 0% yellow, >= 10% red; RTT >= 100 ms yellow, >= 250 ms red",
};

static void
help_view(struct ui_frame *f)
{
    char line[TEXT_MAX];
    size_t n, used = 0;
    const struct column *all = columns_all(&n);
    int row = 0;

    ui_frame_put(f, row++, 0, "hopwatch keys (any key closes this help)", UI_S_TITLE);
    row++;
    for (size_t i = 0; i < sizeof(help_lines) / sizeof(help_lines[0]); i++)
        ui_frame_put(f, row++, 0, help_lines[i], UI_S_NORMAL);
    used = (size_t)snprintf(line, sizeof(line), "Fields:");
    for (size_t i = 0; i < n && used < sizeof(line); i++) {
        used += (size_t)snprintf(line + used, sizeof(line) - used, " %c %s", all[i].key,
                                 all[i].title);
        /* Two lines of fields, so each fits 80 columns. */
        if (i == 6 && used < sizeof(line)) {
            ui_frame_put(f, row++, 0, line, UI_S_NORMAL);
            used = (size_t)snprintf(line, sizeof(line), "       ");
        }
    }
    ui_frame_put(f, row, 0, line, UI_S_NORMAL);
}

/* The message, word-wrapped to the width. */
static void
too_small(struct ui_frame *f)
{
    const char *p = UI_TOO_SMALL;
    int row = 0;

    while (*p != '\0' && row < f->rows) {
        int w = f->cols > 0 ? f->cols : 1;
        int n = (int)strlen(p);
        char line[TEXT_MAX];

        if (n > w) {
            n = w;
            /* Break at the last blank that fits, if any. */
            for (int k = w; k > 0; k--) {
                if (p[k] == ' ') {
                    n = k;
                    break;
                }
            }
        }
        snprintf(line, sizeof(line), "%.*s", n, p);
        ui_frame_put(f, row++, 0, line, UI_S_WARN);
        p += n;
        while (*p == ' ')
            p++;
    }
}

void
ui_view_build(struct ui_frame *f, struct ui_state *st, const struct ui_source *src,
              int64_t now_ms)
{
    ui_frame_clear(f);
    if (f->rows < UI_MIN_ROWS || f->cols < UI_MIN_COLS)
        too_small(f);
    else if (st->help)
        help_view(f);
    else if (st->view == UI_VIEW_HOSTS)
        hosts_view(f, st, src, now_ms);
    else if (st->view == UI_VIEW_TIMELINE)
        timeline_view(f, st, src, now_ms);
    else
        trace_view(f, st, src, now_ms);
}
