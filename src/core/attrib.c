/* attrib.c - the loss attribution estimator.  See include/hopwatch/attrib.h
 * for the model; doc/loss-attribution.md for its use and limits.
 *
 * Steps, for at most 255 hops (so the quadratic merge loop costs nothing):
 *   1. samples: the trusted hops with enough outcomes and at least one
 *      answer (a hop that never answers tells nothing of the forward path),
 *      and the untrusted ones that lost nothing (throttling only lowers a
 *      hop's answer rate, so one that answers everything is exact);
 *   2. pool adjacent violators: answer rates must not rise along the path,
 *      so neighbours that do are pooled (weighted by their counts);
 *   3. pool adjacent blocks whose difference is under three standard errors:
 *      a step is called a step only when the counts support it;
 *   4. every hop gets the forward loss of its block; a hop that is not a
 *      sample gets that of the samples around it when they agree (or of
 *      the last one, when none follows), and otherwise only bounds: a step
 *      between two samples happened somewhere between them, and no hop in
 *      between is credited with or cleared of it;
 *   5. the response loss of its own answers over that, and a verdict.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <hopwatch/attrib.h>

#define MAX_HOPS 256
#define Z 1.96          /* 95% */
#define STEP_Z 3.0      /* a step between blocks must be this many SEs, and
                           own loss beyond the forward loss too (several
                           hops are tested at once: 2 would call a false
                           step in one trace of ten) */
#define PLACE_Z 2.0     /* given a step, a sample is placed on one side of it
                           when this many SEs tell it from the other */
#define MIN_RESPONSE_LOSS 0.05
/* "ok" needs the forward loss bounded: its upper 95% bound below this (0
 * lost of 35, 1 of 56, ...); fewer probes cannot tell 10% loss from none. */
#define OK_MAX_HI 0.10

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

const char *
hw_verdict_name(enum hw_verdict v)
{
    switch (v) {
    case HW_VERDICT_NONE: return NULL;
    case HW_VERDICT_OK: return "ok";
    case HW_VERDICT_SILENT: return "silent";
    case HW_VERDICT_RESPONSE_LOSS: return "response_loss";
    case HW_VERDICT_LOSS_STARTS: return "loss_starts";
    case HW_VERDICT_LOSS_BEFORE: return "loss_before";
    }
    return NULL;
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
    bool amb[MAX_HOPS] = {false};    /* sample may be either side of a step */
    bool lead[MAX_HOPS] = {false};   /* ... at the start of its lossy block */
    size_t start[MAX_HOPS];          /* block's sample where its loss shows */
    bool unsure[MAX_HOPS] = {false}; /* hop's forward loss known by bounds only */
    double min_survive[MAX_HOPS];    /* then the least survival it can have */
    bool later_answers = false;

    if (min_outcomes == 0)
        min_outcomes = 8;
    if (n > MAX_HOPS)
        n = MAX_HOPS;
    for (size_t i = 0; i < n; i++) {
        out[i] = (struct hw_attrib){.forward_loss = -1, .forward_lo = -1, .forward_hi = -1,
                                    .response_loss = -1, .verdict = HW_VERDICT_NONE};
        if ((hops[i].trusted || hops[i].lost == 0) && hops[i].received > 0 &&
            hops[i].received + hops[i].lost >= min_outcomes) {
            sample[ns++] = i;
            out[i].sample = true;
        }
    }
    nb = fit(hops, sample, ns, b);
    for (size_t k = 0; k < nb; k++)
        for (size_t s = b[k].first; s <= b[k].last; s++)
            block_of[s] = k;

    /* Where exactly a step is: a block's last samples whose own evidence
     * (pooled with the later samples of the block) cannot be told from the
     * next block might be on either side of it.  The block as a whole can
     * (adjacent blocks are STEP_Z apart), so its first sample never is. */
    for (size_t k = 0; k + 1 < nb; k++) {
        struct block tail = {0};

        for (size_t s = b[k].last + 1; s-- > b[k].first;) {
            const struct hw_attrib_hop *h = &hops[sample[s]];

            tail.ok += (double)h->received;
            tail.n += (double)(h->received + h->lost);
            if (step_z(&tail, &b[k + 1]) >= PLACE_Z)
                break;
            amb[s] = true;
        }
    }

    /* Where a step is seen first: in a block that begins a loss (more loss
     * than the block before, and real loss), its first samples whose
     * pooled answers do not show that loss yet might be before the step as
     * well; the loss is placed at the first sample where the answers
     * pooled from the block's start show it. */
    for (size_t k = 0; k < nb; k++) {
        struct block head = {0};

        start[k] = SIZE_MAX;
        if (!significant_loss(&b[k]) || (k > 0 && mean(&b[k]) >= mean(&b[k - 1])))
            continue;
        for (size_t s = b[k].first; s <= b[k].last; s++) {
            const struct hw_attrib_hop *h = &hops[sample[s]];

            head.ok += (double)h->received;
            head.n += (double)(h->received + h->lost);
            if (k == 0 ? significant_loss(&head)
                       : mean(&head) < mean(&b[k - 1]) && step_z(&head, &b[k - 1]) >= PLACE_Z) {
                start[k] = s;
                break;
            }
            lead[s] = true;
        }
        /* The block as a whole shows it, so its last sample at the latest
         * (pooling rounding aside). */
        if (start[k] == SIZE_MAX) {
            start[k] = b[k].last;
            lead[b[k].last] = false;
        }
    }

    /* Forward loss of every hop: its sample's block's, when the sample is
     * not ambiguous; a hop that is not a sample gets the block of the
     * samples around it when they agree (or of the last one, when none
     * follows: loss is not placed later than the evidence places it).
     * Around a step (between samples of different blocks, at or after an
     * ambiguous sample, or before the first sample) only bounds are known:
     * the earlier block's loss, or none, and the later one's upper bound;
     * unless the first sample lost nothing. */
    for (size_t i = 0, s = 0; i < n; i++) {
        const struct block *blk = NULL, *later = NULL;
        bool at = false, has_p, has_q;
        size_t p = 0, q = 0;
        double lo, hi;

        while (s < ns && sample[s] < i)
            s++;
        at = s < ns && sample[s] == i;
        has_p = at || s > 0;
        p = at ? s : s - 1;
        has_q = s < ns;
        q = s;
        if (at) {
            if (!amb[s] && !lead[s])
                blk = &b[block_of[s]];
        } else if (!has_p) {
            if (has_q && !amb[q] && !lead[q] && mean(&b[block_of[q]]) == 1)
                blk = &b[block_of[q]];
        } else if (!amb[p] && !lead[p] &&
                   (!has_q || (block_of[q] == block_of[p] && !amb[q] && !lead[q]))) {
            blk = &b[block_of[p]];
        }
        if (blk != NULL) {
            out[i].forward_loss = 1 - mean(blk);
            wilson(blk->n - blk->ok, blk->n, &lo, &hi);
            out[i].forward_lo = lo;
            out[i].forward_hi = hi;
            continue;
        }
        /* The block after the step: the next sample's, or the one after
         * an ambiguous sample's block.  Before it, at least the loss of
         * the block before the step. */
        if (has_q)
            later = amb[q] ? &b[block_of[q] + 1] : &b[block_of[q]];
        else if (has_p && amb[p])
            later = &b[block_of[p] + 1];
        if (later != NULL) {
            size_t kl = (size_t)(later - b);

            wilson(later->n - later->ok, later->n, &lo, &hi);
            out[i].forward_lo = kl > 0 ? 1 - mean(&b[kl - 1]) : 0;
            out[i].forward_hi = hi;
            unsure[i] = true;
            min_survive[i] = mean(later);
        }
    }

    /* Verdicts, from the far end back (a silent hop needs a later answer). */
    for (size_t i = n; i-- > 0;) {
        const struct hw_attrib_hop *h = &hops[i];
        double outcomes = (double)(h->received + h->lost);
        double survive = out[i].forward_loss >= 0 ? 1 - out[i].forward_loss : -1;
        bool known = survive >= 0;

        /* Where the forward survival is unknown (a step lies somewhere
         * around this hop), it is at least that of the block after the
         * step: using that gives the smallest response loss the counts
         * allow, so a claim of response loss still holds. */
        if (!known && unsure[i])
            survive = min_survive[i];

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

        /* Is a loss first seen at this sample? */
        for (size_t s = 0; s < ns; s++) {
            size_t k, r;

            if (sample[s] != i || start[block_of[s]] != s)
                continue;
            k = block_of[s];
            /* It began after the last sample that can tell it is clean. */
            r = b[k].first;
            while (r > 0 && amb[r - 1])
                r--;
            out[i].verdict = HW_VERDICT_LOSS_STARTS;
            out[i].loss_from_ttl = first_ttl + (r > 0 ? (int)sample[r - 1] + 1 : 0);
        }
        if (out[i].verdict == HW_VERDICT_LOSS_STARTS)
            continue;
        if (out[i].response_loss >= MIN_RESPONSE_LOSS) {
            /* Own loss beyond the forward loss (or beyond the most the
             * forward loss can be), by more than chance allows. */
            double raw = (double)h->lost / outcomes;
            double fwd = known ? out[i].forward_loss : survive > 0 ? 1 - survive : 0;
            double se = sqrt(raw * (1 - raw) / outcomes);

            if (raw - fwd > STEP_Z * se) {
                out[i].verdict = HW_VERDICT_RESPONSE_LOSS;
                continue;
            }
        }
        /* Unknown forward loss, or too loosely bounded to call it none:
         * no verdict (it cannot be told yet). */
        if (known && out[i].forward_lo > 0.005)
            out[i].verdict = HW_VERDICT_LOSS_BEFORE;
        else if (known && out[i].forward_hi <= OK_MAX_HI)
            out[i].verdict = HW_VERDICT_OK;
    }
}
