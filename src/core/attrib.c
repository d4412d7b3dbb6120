/* attrib.c - the loss attribution estimator.  See include/hopwatch/attrib.h
 * for the model; doc/loss-attribution.md for its use and limits.
 *
 * Steps, for at most 255 hops (so the quadratic merge loop costs nothing):
 *   1. samples: the trusted hops with enough outcomes and at least one
 *      answer (a hop that never answers tells nothing of the forward path);
 *   2. pool adjacent violators: answer rates must not rise along the path,
 *      so neighbours that do are pooled (weighted by their counts);
 *   3. pool adjacent blocks whose difference is under two standard errors:
 *      a step is called a step only when the counts support it;
 *   4. every hop gets the forward loss of its block (hops that are not
 *      samples get that of the last sample before them), the response loss
 *      of its own answers over that, and a verdict.
 */
#include <math.h>
#include <string.h>

#include <hopwatch/attrib.h>

#define MAX_HOPS 256
#define Z 1.96          /* 95% */
#define STEP_Z 2.0      /* a step between blocks must be this many SEs */
#define MIN_RESPONSE_LOSS 0.05

const char *
hw_verdict_text(enum hw_verdict v)
{
    switch (v) {
    case HW_VERDICT_NONE: return "";
    case HW_VERDICT_OK: return "ok";
    case HW_VERDICT_SILENT: return "not answering";
    case HW_VERDICT_RESPONSE_LOSS: return "rate-limited replies";
    case HW_VERDICT_LOSS_STARTS: return "loss starts here";
    case HW_VERDICT_LOSS_BEFORE: return "loss from earlier hop";
    }
    return "";
}

/* A run of sample hops pooled together. */
struct block {
    size_t first, last;   /* sample indices covered */
    double ok, n;         /* pooled answers and outcomes */
};

static double
mean(const struct block *b)
{
    return b->ok / b->n;
}

/* Wilson score interval for a proportion x/n at 95%. */
static void
wilson(double x, double n, double *lo, double *hi)
{
    double p = x / n, z2 = Z * Z;
    double c = (p + z2 / (2 * n)) / (1 + z2 / n);
    double h = Z * sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);

    *lo = c - h < 0 ? 0 : c - h;
    *hi = c + h > 1 ? 1 : c + h;
}

/* How many standard errors apart two blocks' answer rates are. */
static double
step_z(const struct block *a, const struct block *b)
{
    double p = (a->ok + b->ok) / (a->n + b->n);
    double se = sqrt(p * (1 - p) * (1 / a->n + 1 / b->n));

    if (se == 0)
        return mean(a) == mean(b) ? 0 : INFINITY;
    return fabs(mean(a) - mean(b)) / se;
}

static void
merge(struct block *b, size_t *nb, size_t i)
{
    b[i].last = b[i + 1].last;
    b[i].ok += b[i + 1].ok;
    b[i].n += b[i + 1].n;
    memmove(&b[i + 1], &b[i + 2], (*nb - i - 2) * sizeof(*b));
    (*nb)--;
}

/* Fit the non-increasing forward survival to the samples (steps 2 and 3). */
static size_t
fit(const struct hw_attrib_hop *hops, const size_t *sample, size_t ns, struct block *b)
{
    size_t nb = 0;
    bool changed;

    for (size_t s = 0; s < ns; s++) {
        const struct hw_attrib_hop *h = &hops[sample[s]];

        b[nb] = (struct block){.first = s, .last = s, .ok = (double)h->received,
                               .n = (double)(h->received + h->lost)};
        nb++;
        /* Pool adjacent violators: a later hop must not answer more often. */
        while (nb > 1 && mean(&b[nb - 1]) > mean(&b[nb - 2]))
            merge(b, &nb, nb - 2);
    }
    /* Pool steps the counts do not support, the weakest first. */
    do {
        size_t best = 0;
        double bestz = INFINITY;

        changed = false;
        for (size_t i = 0; i + 1 < nb; i++) {
            double z = step_z(&b[i], &b[i + 1]);

            if (z < bestz) {
                bestz = z;
                best = i;
            }
        }
        if (nb > 1 && bestz < STEP_Z) {
            merge(b, &nb, best);
            changed = true;
        }
    } while (changed);
    return nb;
}

/* A forward loss is worth calling loss: its lower bound is above zero. */
static bool
significant_loss(const struct block *b)
{
    double lo, hi;

    wilson(b->n - b->ok, b->n, &lo, &hi);
    return lo > 0.005;
}

void
hw_attrib_estimate(const struct hw_attrib_hop *hops, size_t n, int first_ttl,
                   unsigned min_outcomes, struct hw_attrib *out)
{
    size_t sample[MAX_HOPS], ns = 0, nb, block_of[MAX_HOPS];
    struct block b[MAX_HOPS];
    bool later_answers = false;

    if (min_outcomes == 0)
        min_outcomes = 8;
    if (n > MAX_HOPS)
        n = MAX_HOPS;
    for (size_t i = 0; i < n; i++) {
        out[i] = (struct hw_attrib){.forward_loss = -1, .forward_lo = -1, .forward_hi = -1,
                                    .response_loss = -1, .verdict = HW_VERDICT_NONE};
        if (hops[i].trusted && hops[i].received > 0 &&
            hops[i].received + hops[i].lost >= min_outcomes)
            sample[ns++] = i;
    }
    nb = fit(hops, sample, ns, b);
    for (size_t k = 0; k < nb; k++)
        for (size_t s = b[k].first; s <= b[k].last; s++)
            block_of[s] = k;

    /* Forward loss of every hop: its block's, or the last sample's before
     * it (loss is not placed earlier than the evidence places it); before
     * the first sample, nothing is known unless that sample saw no loss. */
    for (size_t i = 0, s = 0; i < n; i++) {
        const struct block *blk = NULL;

        while (s < ns && sample[s] < i)
            s++;
        if (s < ns && sample[s] == i)
            blk = &b[block_of[s]];
        else if (s > 0)
            blk = &b[block_of[s - 1]];
        else if (ns > 0 && mean(&b[0]) == 1)
            blk = &b[0];
        if (blk != NULL) {
            double lo, hi;

            out[i].forward_loss = 1 - mean(blk);
            wilson(blk->n - blk->ok, blk->n, &lo, &hi);
            out[i].forward_lo = lo;
            out[i].forward_hi = hi;
        }
    }

    /* Verdicts, from the far end back (a silent hop needs a later answer). */
    for (size_t i = n; i-- > 0;) {
        const struct hw_attrib_hop *h = &hops[i];
        double outcomes = (double)(h->received + h->lost);
        double survive = out[i].forward_loss >= 0 ? 1 - out[i].forward_loss : -1;

        /* Before the first sample the forward survival is unknown but at
         * least that of the first sample: using that gives the smallest
         * response loss the counts allow, so a claim of response loss
         * still holds. */
        if (survive < 0 && ns > 0 && sample[0] > i)
            survive = mean(&b[0]);

        if (outcomes >= min_outcomes && survive > 0) {
            double r = 1 - (double)h->received / outcomes / survive;

            out[i].response_loss = r < 0 ? 0 : r > 1 ? 1 : r;
        }
        if (outcomes < min_outcomes) {
            later_answers = later_answers || h->received > 0;
            continue;
        }
        if (h->received == 0) {
            out[i].verdict = later_answers ? HW_VERDICT_SILENT : HW_VERDICT_NONE;
            continue;
        }
        later_answers = true;

        /* Does a block with real loss begin at this sample? */
        for (size_t s = 0; s < ns; s++) {
            size_t k;

            if (sample[s] != i)
                continue;
            k = block_of[s];
            if (b[k].first == s && significant_loss(&b[k]) &&
                (k == 0 || mean(&b[k]) < mean(&b[k - 1]))) {
                out[i].verdict = HW_VERDICT_LOSS_STARTS;
                out[i].loss_from_ttl = first_ttl + (s > 0 ? (int)sample[s - 1] + 1 : 0);
            }
        }
        if (out[i].verdict == HW_VERDICT_LOSS_STARTS)
            continue;
        if (out[i].response_loss >= MIN_RESPONSE_LOSS) {
            /* Own loss beyond the forward loss, by more than chance allows. */
            double raw = (double)h->lost / outcomes;
            double fwd = out[i].forward_loss < 0 ? 0 : out[i].forward_loss;
            double se = sqrt(raw * (1 - raw) / outcomes);

            if (raw - fwd > STEP_Z * se) {
                out[i].verdict = HW_VERDICT_RESPONSE_LOSS;
                continue;
            }
        }
        if (out[i].forward_lo > 0.005)
            out[i].verdict = HW_VERDICT_LOSS_BEFORE;
        else
            out[i].verdict = HW_VERDICT_OK;
    }
}
