/* columns.c - the statistics column table.  See columns.h. */
#include <stdio.h>
#include <string.h>

#include "report/columns.h"

void
column_format_ms(double ns, char *buf, size_t len)
{
    double ms = ns / 1e6;

    if (ns < 0)
        snprintf(buf, len, "-");
    else if (ms < 1)
        snprintf(buf, len, "%.3f", ms);
    else if (ms < 10)
        snprintf(buf, len, "%.2f", ms);
    else if (ms < 1000)
        snprintf(buf, len, "%.1f", ms);
    else
        snprintf(buf, len, "%.0f", ms);
}

static void
fmt_loss(const struct hw_stats *s, char *buf, size_t len)
{
    if (s->sent == 0)
        snprintf(buf, len, "%s", "");
    else if (s->received + s->lost == 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f%%", hw_stats_loss_pct(s));
}

static void
fmt_drop(const struct hw_stats *s, char *buf, size_t len)
{
    if (s->sent == 0)
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, "%llu", (unsigned long long)s->lost);
}

static void
fmt_recv(const struct hw_stats *s, char *buf, size_t len)
{
    snprintf(buf, len, "%llu", (unsigned long long)s->received);
}

static void
fmt_sent(const struct hw_stats *s, char *buf, size_t len)
{
    if (s->sent == 0)
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, "%llu", (unsigned long long)s->sent);
}

static void
fmt_last(const struct hw_stats *s, char *buf, size_t len)
{
    column_format_ms((double)s->last_ns, buf, len);
}

static void
fmt_best(const struct hw_stats *s, char *buf, size_t len)
{
    column_format_ms((double)s->min_ns, buf, len);
}

static void
fmt_avg(const struct hw_stats *s, char *buf, size_t len)
{
    column_format_ms(hw_stats_avg_ns(s), buf, len);
}

static void
fmt_worst(const struct hw_stats *s, char *buf, size_t len)
{
    column_format_ms((double)s->max_ns, buf, len);
}

static void
fmt_stdev(const struct hw_stats *s, char *buf, size_t len)
{
    column_format_ms(hw_stats_stddev_ns(s), buf, len);
}

static void
fmt_jitter(const struct hw_stats *s, char *buf, size_t len)
{
    column_format_ms((double)s->jitter_last_ns, buf, len);
}

static void
fmt_javg(const struct hw_stats *s, char *buf, size_t len)
{
    column_format_ms(hw_stats_jitter_ns(s), buf, len);
}

static void
fmt_jmax(const struct hw_stats *s, char *buf, size_t len)
{
    column_format_ms((double)s->jitter_max_ns, buf, len);
}

static void
fmt_jint(const struct hw_stats *s, char *buf, size_t len)
{
    column_format_ms(s->received < 2 ? -1 : s->jitter_rfc3550_ns, buf, len);
}

/* The numbers behind the cells (see struct column.value): -1 exactly where
 * the formatter above shows "-" or "". */
static double
val_loss(const struct hw_stats *s)
{
    return s->sent == 0 || s->received + s->lost == 0 ? -1 : hw_stats_loss_pct(s);
}

static double
val_drop(const struct hw_stats *s)
{
    return s->sent == 0 ? -1 : (double)s->lost;
}

static double
val_recv(const struct hw_stats *s)
{
    return (double)s->received;
}

static double
val_sent(const struct hw_stats *s)
{
    return s->sent == 0 ? -1 : (double)s->sent;
}

static double
val_last(const struct hw_stats *s)
{
    return (double)s->last_ns;
}

static double
val_best(const struct hw_stats *s)
{
    return (double)s->min_ns;
}

static double
val_avg(const struct hw_stats *s)
{
    return hw_stats_avg_ns(s);
}

static double
val_worst(const struct hw_stats *s)
{
    return (double)s->max_ns;
}

static double
val_stdev(const struct hw_stats *s)
{
    return hw_stats_stddev_ns(s);
}

static double
val_jitter(const struct hw_stats *s)
{
    return (double)s->jitter_last_ns;
}

static double
val_javg(const struct hw_stats *s)
{
    return hw_stats_jitter_ns(s);
}

static double
val_jmax(const struct hw_stats *s)
{
    return (double)s->jitter_max_ns;
}

static double
val_jint(const struct hw_stats *s)
{
    return s->received < 2 ? -1 : s->jitter_rfc3550_ns;
}

/* Forward loss of a hop: percent, "-" while unknown, "" off a hop row. */
static void
fmt_fwd(const struct column_row *r, char *buf, size_t len)
{
    if (r->hop == NULL)
        snprintf(buf, len, "%s", "");
    else if (r->hop->attrib.forward_loss < 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f%%", 100 * r->hop->attrib.forward_loss);
}

static double
val_fwd(const struct column_row *r)
{
    return r->hop == NULL || r->hop->attrib.forward_loss < 0 ? -1
                                                            : 100 * r->hop->attrib.forward_loss;
}

/* The verdict.  A paced hop was throttled before it was slowed down, so
 * its Loss% keeps losses its forward path never had: "ok" alone would not
 * tell why, so it reads "ok (replies limited)", and "replies limited"
 * while its paced answers are too few for a verdict.  Loss that starts
 * somewhere in a range of hops (the hops before could not tell) says the
 * range: "loss starts: hops 3-8". */
static void
fmt_verdict(const struct column_row *r, char *buf, size_t len)
{
    const struct hw_hop *h = r->hop;

    if (h == NULL)
        snprintf(buf, len, "%s", "");
    else if (h->paced && h->attrib.verdict == HW_VERDICT_OK)
        snprintf(buf, len, "%s", "ok (replies limited)");
    else if (h->paced && h->attrib.verdict == HW_VERDICT_NONE)
        snprintf(buf, len, "%s", "replies limited");
    else if (h->attrib.verdict == HW_VERDICT_LOSS_STARTS && h->attrib.loss_from_ttl > 0 &&
             h->attrib.loss_from_ttl < h->ttl)
        snprintf(buf, len, "loss starts: hops %d-%d", h->attrib.loss_from_ttl, h->ttl);
    else
        snprintf(buf, len, "%s", hw_verdict_text(h->attrib.verdict));
}

static double
val_verdict(const struct column_row *r)
{
    return r->hop == NULL ? -1 : (double)r->hop->attrib.verdict;
}

/* The largest IP packet known to pass up to this hop (--mtu): "-" while
 * not known, "" off a hop row or without a search. */
static void
fmt_mtu(const struct column_row *r, char *buf, size_t len)
{
    int m;

    if (r->hop == NULL || r->pmtu == NULL) {
        snprintf(buf, len, "%s", "");
        return;
    }
    m = hw_pmtu_hop_mtu(r->pmtu, r->hop->ttl);
    if (m <= 0)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%d", m);
}

static double
val_mtu(const struct column_row *r)
{
    int m = r->hop == NULL || r->pmtu == NULL ? 0 : hw_pmtu_hop_mtu(r->pmtu, r->hop->ttl);

    return m > 0 ? m : -1;
}

static const struct column table[] = {
    {.key = 'L', .name = "loss_pct", .title = "Loss%", .width = 6, .format_stats = fmt_loss,
     .kind = COLUMN_LOSS, .value_stats = val_loss},
    {.key = 'D', .name = "lost", .title = "Drop", .width = 5, .format_stats = fmt_drop,
     .kind = COLUMN_COUNT, .value_stats = val_drop},
    {.key = 'R', .name = "received", .title = "Rcv", .width = 5, .format_stats = fmt_recv,
     .kind = COLUMN_COUNT, .value_stats = val_recv},
    {.key = 'S', .name = "sent", .title = "Snt", .width = 5, .format_stats = fmt_sent,
     .kind = COLUMN_COUNT, .value_stats = val_sent},
    {.key = 'N', .name = "last_ms", .title = "Last", .width = 7, .format_stats = fmt_last,
     .kind = COLUMN_RTT, .value_stats = val_last},
    {.key = 'B', .name = "best_ms", .title = "Best", .width = 7, .format_stats = fmt_best,
     .kind = COLUMN_RTT, .value_stats = val_best},
    {.key = 'A', .name = "avg_ms", .title = "Avg", .width = 7, .format_stats = fmt_avg,
     .kind = COLUMN_RTT, .value_stats = val_avg},
    {.key = 'W', .name = "worst_ms", .title = "Wrst", .width = 7, .format_stats = fmt_worst,
     .kind = COLUMN_RTT, .value_stats = val_worst},
    {.key = 'V', .name = "stddev_ms", .title = "StDev", .width = 7, .format_stats = fmt_stdev,
     .kind = COLUMN_SPREAD, .value_stats = val_stdev},
    {.key = 'J', .name = "jitter_last_ms", .title = "Jttr", .width = 7, .format_stats = fmt_jitter,
     .kind = COLUMN_SPREAD, .value_stats = val_jitter},
    {.key = 'M', .name = "jitter_ms", .title = "Javg", .width = 7, .format_stats = fmt_javg,
     .kind = COLUMN_SPREAD, .value_stats = val_javg},
    {.key = 'X', .name = "jitter_max_ms", .title = "Jmax", .width = 7, .format_stats = fmt_jmax,
     .kind = COLUMN_SPREAD, .value_stats = val_jmax},
    {.key = 'I', .name = "jitter_rfc3550_ms", .title = "Jint", .width = 7, .format_stats = fmt_jint,
     .kind = COLUMN_SPREAD, .value_stats = val_jint},
    {.key = 'F', .name = "forward_loss_pct", .title = "Fwd%", .width = 6, .format_row = fmt_fwd,
     .kind = COLUMN_LOSS, .value_row = val_fwd},
    {.key = 'K', .name = "verdict", .title = "Verdict", .width = 23, .left = true,
     .format_row = fmt_verdict, .kind = COLUMN_TEXT, .value_row = val_verdict},
    {.key = 'U', .name = "mtu", .title = "MTU", .width = 5, .format_row = fmt_mtu,
     .kind = COLUMN_COUNT, .value_row = val_mtu},
};

void
column_cell(const struct column *c, const struct column_row *r, char *buf, size_t len)
{
    if (c->format_row != NULL)
        c->format_row(r, buf, len);
    else
        c->format_stats(r->stats, buf, len);
}

double
column_value(const struct column *c, const struct column_row *r)
{
    return c->value_row != NULL ? c->value_row(r) : c->value_stats(r->stats);
}

const struct column *
columns_all(size_t *n)
{
    *n = sizeof(table) / sizeof(table[0]);
    return table;
}

const struct column *
column_by_key(char key)
{
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].key == key)
            return &table[i];
    }
    return NULL;
}

int
columns_parse(const char *order, const struct column **out, size_t max, char *err,
              size_t errlen)
{
    size_t n = 0;

    if (order[0] == '\0') {
        snprintf(err, errlen, "empty field order");
        return -1;
    }
    for (const char *p = order; *p != '\0'; p++) {
        const struct column *c = column_by_key(*p);

        if (c == NULL) {
            snprintf(err, errlen, "unknown field '%c' in order '%s' (known: LDRSNBAWVJMXIFKU)", *p,
                     order);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            if (out[i] == c) {
                snprintf(err, errlen, "field '%c' appears twice in order '%s'", *p, order);
                return -1;
            }
        }
        if (n == max) {
            snprintf(err, errlen, "too many fields in order '%s'", order);
            return -1;
        }
        out[n++] = c;
    }
    return (int)n;
}
