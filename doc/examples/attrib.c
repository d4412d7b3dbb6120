/* attrib.c - where does loss really happen?  The loss attribution
 * estimator (attrib.h) alone, on a window of counts gathered elsewhere
 * (a trace gives you its own in every snapshot: hw_hop.attrib).
 *
 *   attrib [RECEIVED/LOST[/u] ...]
 *
 * One argument per hop, the first at TTL 1: the probes answered and lost
 * in the window, "/u" when the hop's answers cannot be trusted as a sample
 * (it looks rate-limited).  Without arguments, a made-up path of 6 hops:
 * hop 2 limits its ICMP replies (it loses 30%, more than the hops behind
 * it, so it is not trusted as a sample, as a trace would judge it), and
 * real forward loss of about 20% starts at hop 3: the estimator says it
 * starts between hop 1 and hop 3 ("from TTL 2"), since hop 2's answers
 * cannot tell, and hop 2's own extra loss is its replies'.  Prints per hop the
 * raw loss, the estimated forward and response loss and the verdict.
 * Exit status: 0, or 3 for a bad argument.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/attrib.h>

#define MAX_HOPS 64

/* "RECEIVED/LOST" or "RECEIVED/LOST/u" into *h.  Returns 0 or -1. */
static int
parse_hop(const char *text, struct hw_attrib_hop *h)
{
    unsigned long long r, l;
    char flag[2] = "";
    int n = sscanf(text, "%llu/%llu/%1s", &r, &l, flag);

    if (n < 2 || (n == 3 && strcmp(flag, "u") != 0) || strlen(text) > 40)
        return -1;
    h->received = r;
    h->lost = l;
    h->trusted = n == 2;
    return 0;
}

/* A fraction 0..1 as a percentage, or "-" when the estimator says -1. */
static const char *
pct(double v, char *buf, size_t size)
{
    if (v < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", 100 * v);
    return buf;
}

int
main(int argc, char **argv)
{
    struct hw_attrib_hop hops[MAX_HOPS] = {
        {.received = 400, .lost = 0, .trusted = true},
        {.received = 280, .lost = 120, .trusted = false}, /* a trace marks it
                                                              throttled */
        {.received = 321, .lost = 79, .trusted = true},
        {.received = 318, .lost = 82, .trusted = true},
        {.received = 322, .lost = 78, .trusted = true},
        {.received = 317, .lost = 83, .trusted = true},
    };
    struct hw_attrib out[MAX_HOPS];
    size_t n = 6;
    char fw[16], resp[16];

    if (argc > 1) {
        if (argc - 1 > MAX_HOPS) {
            fprintf(stderr, "attrib: at most %d hops\n", MAX_HOPS);
            return 3;
        }
        n = (size_t)argc - 1;
        for (size_t i = 0; i < n; i++)
            if (parse_hop(argv[i + 1], &hops[i]) < 0) {
                fprintf(stderr, "attrib: '%s' is not RECEIVED/LOST[/u]\n", argv[i + 1]);
                return 3;
            }
    }

    /* The first hop has TTL 1; 0 asks for the default minimum of outcomes
     * (8) a hop needs before the estimator says anything of it. */
    hw_attrib_estimate(hops, n, 1, 0, out);

    printf("hop   answered  raw loss  forward  response  verdict\n");
    for (size_t i = 0; i < n; i++) {
        unsigned long long known = hops[i].received + hops[i].lost;
        const char *name = hw_verdict_name(out[i].verdict);

        printf("%3zu  %5llu/%-5llu %6.1f%%  %7s  %8s  %s", i + 1,
               (unsigned long long)hops[i].received, known,
               known ? 100.0 * (double)hops[i].lost / (double)known : 0.0,
               pct(out[i].forward_loss, fw, sizeof(fw)),
               pct(out[i].response_loss, resp, sizeof(resp)), hw_verdict_text(out[i].verdict));
        /* hw_verdict_name() is the stable name for JSON and CSV (NULL for
         * HW_VERDICT_NONE). */
        printf(" [%s]", name != NULL ? name : "none");
        if (out[i].verdict == HW_VERDICT_LOSS_STARTS)
            printf(" (from TTL %d)", out[i].loss_from_ttl);
        putchar('\n');
    }
    return 0;
}
