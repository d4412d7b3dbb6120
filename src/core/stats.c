/* stats.c - running RTT, jitter and loss statistics (Welford's algorithm for
 * mean and variance, so nothing is stored per sample). */
#include <math.h>

#include <hopwatch/stats.h>

void hw_stats_init(struct hw_stats *s)
{
    *s = (struct hw_stats){
        .last_ns = -1,
        .min_ns = -1,
        .max_ns = -1,
        .jitter_last_ns = -1,
        .jitter_max_ns = -1,
    };
}

void hw_stats_sent(struct hw_stats *s)
{
    s->sent++;
}

void hw_stats_reply(struct hw_stats *s, int64_t rtt_ns)
{
    double delta;

    /* The contract asks for rtt_ns >= 0; a negative value can only be a
     * caller's bug, and counting it as 0 keeps min/jitter meaningful. */
    if (rtt_ns < 0)
        rtt_ns = 0;

    s->received++;
    if (s->received == 1) {
        s->min_ns = rtt_ns;
        s->max_ns = rtt_ns;
    } else {
        if (rtt_ns < s->min_ns)
            s->min_ns = rtt_ns;
        if (rtt_ns > s->max_ns)
            s->max_ns = rtt_ns;
    }

    /* Welford: updating the mean and the sum of squared deviations from the
     * running mean avoids the catastrophic cancellation of sum(x^2) - n*mean^2
     * when RTTs are large and close together. */
    delta = (double)rtt_ns - s->mean_ns;
    s->mean_ns += delta / (double)s->received;
    s->m2 += delta * ((double)rtt_ns - s->mean_ns);

    /* Jitter needs a previous answer; last_ns is -1 until there is one. */
    if (s->last_ns >= 0) {
        int64_t d = rtt_ns - s->last_ns;

        if (d < 0)
            d = -d;
        s->jitter_last_ns = d;
        if (d > s->jitter_max_ns)
            s->jitter_max_ns = d;
        s->jitter_sum_ns += (double)d;
        /* RFC 3550, section 6.4.1: J += (|D| - J) / 16. */
        s->jitter_rfc3550_ns += ((double)d - s->jitter_rfc3550_ns) / 16.0;
    }
    s->last_ns = rtt_ns;
}

void hw_stats_lost(struct hw_stats *s)
{
    s->lost++;
}

void hw_stats_unlost(struct hw_stats *s)
{
    if (s->lost > 0)
        s->lost--;
}

void hw_stats_late(struct hw_stats *s)
{
    s->late++;
}

void hw_stats_duplicate(struct hw_stats *s)
{
    s->duplicates++;
}

void hw_stats_send_error(struct hw_stats *s)
{
    s->errors++;
}

uint64_t hw_stats_in_flight(const struct hw_stats *s)
{
    uint64_t known = s->received + s->lost + s->errors;

    /* Only a caller that records outcomes of probes it never sent can get
     * here; saying "none in flight" beats wrapping around to 2^64. */
    if (known > s->sent)
        return 0;
    return s->sent - known;
}

double hw_stats_loss_pct(const struct hw_stats *s)
{
    uint64_t known = s->received + s->lost;

    if (known == 0)
        return 0.0;
    return 100.0 * (double)s->lost / (double)known;
}

double hw_stats_avg_ns(const struct hw_stats *s)
{
    if (s->received == 0)
        return -1.0;
    return s->mean_ns;
}

double hw_stats_stddev_ns(const struct hw_stats *s)
{
    double var;

    if (s->received == 0)
        return -1.0;
    if (s->received < 2)
        return 0.0;
    var = s->m2 / (double)(s->received - 1);
    /* Rounding can leave m2 a hair below zero for identical samples. */
    return var > 0.0 ? sqrt(var) : 0.0;
}

double hw_stats_jitter_ns(const struct hw_stats *s)
{
    if (s->received < 2)
        return -1.0;
    return s->jitter_sum_ns / (double)(s->received - 1);
}
