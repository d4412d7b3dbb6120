/* format.c - the screen's text as pure functions.  See format.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/icmp.h>

#include "report/sanitize.h"
#include "ui/format.h"

void
ui_fmt_elapsed(int64_t seconds, char *buf, size_t len)
{
    if (seconds < 0)
        seconds = 0;
    snprintf(buf, len, "%lld:%02d:%02d", (long long)(seconds / 3600), (int)(seconds / 60 % 60),
             (int)(seconds % 60));
}

void
ui_fmt_interval(int64_t ns, char *buf, size_t len)
{
    /* Nine significant digits show any whole number of microseconds
     * below 1000 s exactly, and %g drops the trailing zeros. */
    snprintf(buf, len, "%.9gs", (double)ns / 1e9);
}

char *
ui_fmt_host(const char *name, const struct hw_addr *a, bool names, bool both, const char *mark,
            char *buf, size_t len)
{
    char addr[HW_ADDRSTRLEN], safe[256];
    const char *sep = mark != NULL && mark[0] != '\0' ? " " : "";

    if (mark == NULL)
        mark = "";
    hw_addr_format(a, addr, sizeof(addr));
    if (!names || name == NULL) {
        snprintf(buf, len, "%s%s%s", addr, sep, mark);
        return buf;
    }
    report_sanitize(name, safe, sizeof(safe));
    if (both)
        snprintf(buf, len, "%s (%s)%s%s", safe, addr, sep, mark);
    else
        snprintf(buf, len, "%s%s%s", safe, sep, mark);
    return buf;
}

void
ui_fmt_mpls(const struct hw_mpls *m, char *buf, size_t len)
{
    snprintf(buf, len, "[MPLS: Lbl %lu TC %u S %u TTL %u]", (unsigned long)m->label,
             (unsigned)m->tc, m->bottom ? 1u : 0u, (unsigned)m->ttl);
}

static enum ui_style
rtt_style(double ns)
{
    if (ns >= UI_RTT_BAD_NS)
        return UI_S_BAD;
    if (ns >= UI_RTT_WARN_NS)
        return UI_S_WARN;
    return UI_S_NORMAL;
}

/* A verdict's style: forward loss stands out, the rest stays quiet. */
static enum ui_style
verdict_style(const struct column_row *r)
{
    switch (r->hop->attrib.verdict) {
    case HW_VERDICT_LOSS_STARTS:
        return UI_S_BAD;
    case HW_VERDICT_LOSS_BEFORE:
        return UI_S_WARN;
    case HW_VERDICT_RESPONSE_LOSS:
    case HW_VERDICT_SILENT:
        return UI_S_DIM;
    case HW_VERDICT_NONE:
    case HW_VERDICT_OK:
        break;
    }
    return r->hop->paced ? UI_S_DIM : UI_S_NORMAL;
}

enum ui_style
ui_fmt_cell_style(const struct column *c, const struct column_row *r)
{
    double v = column_value(c, r);

    if (v < 0)
        return UI_S_NORMAL;
    switch (c->kind) {
    case COLUMN_LOSS:
        if (v >= UI_LOSS_BAD_PCT)
            return UI_S_BAD;
        return v > UI_LOSS_WARN_PCT ? UI_S_WARN : UI_S_NORMAL;
    case COLUMN_RTT:
        return rtt_style(v);
    case COLUMN_TEXT:
        return r->hop != NULL ? verdict_style(r) : UI_S_NORMAL;
    case COLUMN_COUNT:
    case COLUMN_SPREAD:
        break;
    }
    return UI_S_NORMAL;
}

const char *
ui_fmt_history_mark(int32_t v, double avg_us, enum ui_style *style)
{
    if (v == HW_HIST_LOST) {
        *style = UI_S_BAD;
        return "?";
    }
    if (v < 0) {
        *style = UI_S_NORMAL;
        return " ";
    }
    if (avg_us > 0 && (double)v > UI_SLOW_FACTOR * avg_us) {
        *style = UI_S_WARN;
        return ">";
    }
    *style = UI_S_GOOD;
    return ".";
}

int
ui_fmt_level(int32_t rtt_us, int32_t max_us)
{
    int64_t level;

    if (max_us <= 0 || rtt_us <= 0)
        return 1;
    /* ceil(8 * rtt / max) in integers: level k covers (k-1)/8 < r <= k/8. */
    level = ((int64_t)rtt_us * 8 + max_us - 1) / max_us;
    return level < 1 ? 1 : level > 8 ? 8 : (int)level;
}

const char *
ui_fmt_level_glyph(int level, bool utf8)
{
    static const char *const blocks[8] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                          "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char *const ascii[8] = {"_", ".", "-", "~", "=", "+", "*", "#"};

    if (level < 1)
        level = 1;
    if (level > 8)
        level = 8;
    return utf8 ? blocks[level - 1] : ascii[level - 1];
}

const char *
ui_fmt_scaled_mark(int32_t v, int32_t max_us, bool utf8, bool gaps, enum ui_style *style)
{
    if (v == HW_HIST_LOST) {
        *style = UI_S_BAD;
        return gaps ? " " : "?";
    }
    if (v < 0) {
        *style = UI_S_NORMAL;
        return " ";
    }
    *style = rtt_style((double)v * 1000);
    if (*style == UI_S_NORMAL)
        *style = UI_S_GOOD;
    return ui_fmt_level_glyph(ui_fmt_level(v, max_us), utf8);
}

void
ui_fmt_scale_legend(int32_t max_us, bool utf8, char *buf, size_t len)
{
    size_t used;

    used = (size_t)snprintf(buf, len, "Scale:");
    for (int k = 1; k <= 8 && used < len; k++) {
        char ms[COLUMN_CELL];

        column_format_ms((double)max_us * 1000.0 * k / 8, ms, sizeof(ms));
        used += (size_t)snprintf(buf + used, len - used, " %s%s", ui_fmt_level_glyph(k, utf8),
                                 ms);
    }
    if (used < len)
        snprintf(buf + used, len - used, " ms  ? lost");
}

void
ui_fmt_history_legend(char *buf, size_t len)
{
    snprintf(buf, len, ". reply  > slow (over %.0fx the hop's average)  ? lost", UI_SLOW_FACTOR);
}

int
ui_fmt_parse_number(const char *text, double min, double max, const char *what, double *out,
                    char *err, size_t errlen)
{
    char *end;
    double v;

    /* Plain decimals only: strtod would also take "0x1p3", "inf" or
     * leading blanks. */
    errno = 0;
    v = strtod(text, &end);
    if (text[0] == '\0' || text[strspn(text, "0123456789.")] != '\0' || *end != '\0' ||
        errno != 0 || !isfinite(v) || v < min || v > max) {
        snprintf(err, errlen, "invalid %s '%s': a number from %g to %g", what, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

size_t
ui_fmt_fit_columns(const struct column *const *cols, size_t n, int cols_avail, int min_text)
{
    int used = min_text;
    size_t k = 0;

    for (; k < n; k++) {
        used += cols[k]->width + 1;
        if (used > cols_avail)
            break;
    }
    return k;
}

const char *
ui_fmt_as_field_name(int field)
{
    static const char *const names[HW_AS_FIELDS] = {
        [HW_AS_FIELD_ASN] = "AS number",       [HW_AS_FIELD_PREFIX] = "prefix",
        [HW_AS_FIELD_CC] = "country",          [HW_AS_FIELD_REGISTRY] = "registry",
        [HW_AS_FIELD_DATE] = "allocation date", [HW_AS_FIELD_NAME] = "AS name",
    };

    return field >= 0 && field < HW_AS_FIELDS ? names[field] : "?";
}

const char *
ui_fmt_display_name(enum ui_display d)
{
    switch (d) {
    case UI_DISPLAY_NUMBERS:
        return "numbers";
    case UI_DISPLAY_HISTORY:
        return "history";
    case UI_DISPLAY_SCALED:
        return "scaled";
    case UI_DISPLAY_COUNT:
        break;
    }
    return "?";
}
