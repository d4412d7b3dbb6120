/* hopwatch/stats.h - round-trip and loss statistics for one responder, hop
 * or target.
 *
 * All times are nanoseconds.  Loss is computed only over probes whose outcome
 * is known (answered or timed out): a probe still in flight is neither
 * received nor lost, and neither is a probe whose send call failed (a local
 * error such as no route, a firewall or a packet too big: counted in
 * errors, never as network loss).
 */
#ifndef HOPWATCH_STATS_H
#define HOPWATCH_STATS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Entries of per-probe histories (hw_trace_history, hw_multi_history):
 * an RTT in microseconds (>= 0), or one of these. */
#define HW_HIST_LOST (-1)     /* timed out */
#define HW_HIST_PENDING (-2)  /* still in flight */
#define HW_HIST_ERROR (-3)    /* its send call failed (a local error) */

struct hw_stats {
    uint64_t sent;        /* probes sent (including those still in flight) */
    uint64_t received;    /* probes answered in time */
    uint64_t lost;        /* probes whose timeout passed without an answer */
    uint64_t late;        /* answers that arrived after their probe timed out */
    uint64_t duplicates;  /* extra answers to an already answered probe */
    uint64_t errors;      /* probes whose send call failed (a local error,
                             not a loss) */
    int64_t last_ns;      /* RTT of the latest answer, -1 before the first */
    int64_t min_ns;       /* smallest RTT, -1 before the first answer */
    int64_t max_ns;       /* largest RTT, -1 before the first answer */
    double mean_ns;       /* running mean of RTTs (Welford) */
    double m2;            /* running sum of squared deviations (Welford) */
    int64_t jitter_last_ns;  /* |RTT - previous RTT| of the latest pair, -1 if none */
    int64_t jitter_max_ns;   /* largest |RTT - previous RTT|, -1 if none */
    double jitter_sum_ns;    /* sum of |RTT - previous RTT| over all pairs */
    double jitter_rfc3550_ns;/* smoothed interarrival jitter, J += (|D| - J) / 16 */
};

/* Reset s to "nothing sent". */
void hw_stats_init(struct hw_stats *s);

/* Record one probe sent. */
void hw_stats_sent(struct hw_stats *s);
/* Record an answer with its round-trip time (>= 0). */
void hw_stats_reply(struct hw_stats *s, int64_t rtt_ns);
/* Record a probe whose send call failed: a local error, not a loss. */
void hw_stats_send_error(struct hw_stats *s);

/* Record a probe whose timeout passed without an answer. */
void hw_stats_lost(struct hw_stats *s);
/* Record an answer that came after the probe's timeout (not received). */
void hw_stats_late(struct hw_stats *s);
/* Take back one loss recorded before: the probe's outcome was revised
 * (an answer that authenticated itself replaced a forged-looking error,
 * HW_EXTRA_SUPERSEDED); record the answer with hw_stats_reply(). */
void hw_stats_unlost(struct hw_stats *s);
/* Record a duplicate answer. */
void hw_stats_duplicate(struct hw_stats *s);

/* Probes still in flight: sent - received - lost - errors. */
uint64_t hw_stats_in_flight(const struct hw_stats *s);
/* Loss in percent over probes with a known outcome; 0 when none is known. */
double hw_stats_loss_pct(const struct hw_stats *s);
/* Mean RTT, -1 when nothing was received. */
double hw_stats_avg_ns(const struct hw_stats *s);
/* Sample standard deviation (n - 1) of RTTs; 0 with fewer than two answers,
 * -1 with none. */
double hw_stats_stddev_ns(const struct hw_stats *s);
/* Mean |RTT - previous RTT| (icmplib's jitter); -1 with fewer than two
 * answers. */
double hw_stats_jitter_ns(const struct hw_stats *s);

#ifdef __cplusplus
}
#endif

#endif
