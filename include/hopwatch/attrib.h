/* hopwatch/attrib.h - where loss really happens along a route.
 *
 * A probe with TTL k comes back when it survives the forward path up to
 * hop k AND hop k answers (and its answer survives the way back).  Forward
 * loss at or before hop k hits every probe with a TTL >= k; response loss
 * (rate-limited or deprioritised ICMP, a lossy return path) hits only hop
 * k's own answers.  So loss that does not persist downstream is response
 * loss.  The estimator fits the forward survival S(k) — non-increasing in k
 * — to the answer rates of the hops whose answers can be trusted, by
 * weighted isotonic regression (pool-adjacent-violators: the maximum
 * likelihood estimate under that order constraint), and reads forward loss
 * 1 - S(k) and response loss 1 - P(k) / S(k) from it.  Steps smaller than
 * three standard errors are not called steps.  doc/loss-attribution.md tells
 * the method and its limits.
 */
#ifndef HOPWATCH_ATTRIB_H
#define HOPWATCH_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A short verdict per hop. */
enum hw_verdict {
    HW_VERDICT_NONE = 0,       /* too few answered or lost probes to say */
    HW_VERDICT_OK,             /* answers; no forward loss worth a word: none
                                  significant, and its upper 95% bound
                                  below 10% */
    HW_VERDICT_SILENT,         /* never answers, while later hops do: the hop
                                  does not reply (filtered, or limited to
                                  nothing); this is not loss */
    HW_VERDICT_RESPONSE_LOSS,  /* loses answers that later hops do not: its
                                  replies are rate-limited or deprioritised */
    HW_VERDICT_LOSS_STARTS,    /* forward loss begins here (or between the
                                  previous hop that could tell and here) */
    HW_VERDICT_LOSS_BEFORE,    /* forward loss that began at an earlier hop */
};

/* A short lower-case text for a verdict ("rate-limited replies", "loss
 * starts here", ...); static. */
const char *hw_verdict_text(enum hw_verdict v);

/* A stable machine name for a verdict, for JSON and CSV: "ok", "silent",
 * "response_loss", "loss_starts", "loss_before"; NULL for
 * HW_VERDICT_NONE. */
const char *hw_verdict_name(enum hw_verdict v);

/* What the estimator knows of one hop. */
struct hw_attrib_hop {
    uint64_t received;   /* probes answered in time */
    uint64_t lost;       /* probes timed out */
    bool trusted;        /* its answer rate can be trusted as a sample of the
                            forward survival (not currently throttled by
                            rate limiting; see trace.c's pacing) */
};

/* What the estimator says of one hop. */
struct hw_attrib {
    double forward_loss;     /* estimated loss on the forward path at or
                                before this hop, 0..1; -1 when unknown */
    double forward_lo;       /* its lower 95% bound, -1 when unknown */
    double forward_hi;       /* its upper 95% bound, -1 when unknown */
    double response_loss;    /* estimated loss of this hop's own answers,
                                0..1; -1 when unknown */
    int loss_from_ttl;       /* LOSS_STARTS: the first TTL the loss can have
                                started at (after the last clean hop that
                                could tell), else 0 */
    enum hw_verdict verdict; /* the verdict */
    bool sample;             /* its answers were used as a sample of the
                                forward survival */
};

/* Estimate for n hops in TTL order (hops[0] has TTL first_ttl), writing
 * out[0..n-1].  min_outcomes: answered + lost probes a hop needs before it
 * counts (0: 8). */
void hw_attrib_estimate(const struct hw_attrib_hop *hops, size_t n, int first_ttl,
                        unsigned min_outcomes, struct hw_attrib *out);

#ifdef __cplusplus
}
#endif

#endif
