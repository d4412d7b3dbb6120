/* stats.c - RTT, loss and jitter statistics of your own measurements
 * (stats.h): a struct hw_stats you own, fed one event at a time, read
 * through the summary functions.  No network: the RTTs are given.
 *
 *   stats [RTT_MS|lost|late|dup ...]
 *
 * Each argument is one probe: an RTT in milliseconds (an answer), "lost"
 * (its timeout passed), "late" (lost, then an answer came after the
 * timeout) or "dup" (a second answer to the previous probe); "pending"
 * is a probe still in flight.  Without arguments a fixed series is used.
 * Prints the library's version, one line per event with the running loss,
 * then the summary.  Exit status: 0, or 3 for a bad argument.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hopwatch/hopwatch.h>

/* Feed one event ("12.5", "lost", "late", "dup", "pending") into s.
 * Returns 0, or -1 when the text is none of them. */
static int
feed(struct hw_stats *s, const char *ev)
{
    char *end;
    double ms;

    if (strcmp(ev, "dup") == 0) {
        hw_stats_duplicate(s);      /* not a new probe: no sent */
        return 0;
    }
    hw_stats_sent(s);               /* every other event is a probe sent */
    if (strcmp(ev, "pending") == 0)
        return 0;                   /* in flight: neither received nor lost */
    if (strcmp(ev, "lost") == 0) {
        hw_stats_lost(s);
        return 0;
    }
    if (strcmp(ev, "late") == 0) {
        hw_stats_lost(s);           /* the timeout passed: lost ... */
        hw_stats_late(s);           /* ... and the answer came after it */
        return 0;
    }
    ms = strtod(ev, &end);
    if (end == ev || *end != '\0' || !(ms >= 0 && ms < 1e6))
        return -1;
    hw_stats_reply(s, (int64_t)(ms * 1e6 + 0.5));
    return 0;
}

int
main(int argc, char **argv)
{
    static const char *series[] = {"10.0", "12.0", "lost", "11.0", "15.0", "dup",
                                   "late", "13.0", "9.0", "pending"};
    const char **ev = (const char **)argv + 1;
    size_t n = (size_t)argc - 1;
    struct hw_stats s;

    if (argc < 2) {
        ev = series;
        n = sizeof(series) / sizeof(series[0]);
    }
    printf("libhopwatch %s\n", hw_version());
    hw_stats_init(&s);
    for (size_t i = 0; i < n; i++) {
        if (feed(&s, ev[i]) < 0) {
            fprintf(stderr, "stats: '%s' is not an RTT in ms, lost, late, dup or pending\n",
                    ev[i]);
            return 3;
        }
        printf("%-8s loss %5.1f%%  in flight %llu\n", ev[i], hw_stats_loss_pct(&s),
               (unsigned long long)hw_stats_in_flight(&s));
    }

    /* The summary functions say -1 when there is no value yet (no answer,
     * or fewer than two for jitter): print "-" rather than a number. */
    printf("sent %llu, received %llu, lost %llu, late %llu, duplicates %llu\n",
           (unsigned long long)s.sent, (unsigned long long)s.received,
           (unsigned long long)s.lost, (unsigned long long)s.late,
           (unsigned long long)s.duplicates);
    if (s.received == 0) {
        printf("loss %.1f%%, no answer\n", hw_stats_loss_pct(&s));
        return 0;
    }
    printf("loss %.1f%%, rtt min/avg/max/stddev = %.3f/%.3f/%.3f/%.3f ms\n",
           hw_stats_loss_pct(&s), s.min_ns / 1e6, hw_stats_avg_ns(&s) / 1e6, s.max_ns / 1e6,
           hw_stats_stddev_ns(&s) / 1e6);
    if (hw_stats_jitter_ns(&s) < 0)
        printf("jitter -\n");
    else
        printf("jitter %.3f ms (mean |RTT - previous RTT|), RFC 3550 %.3f ms, "
               "largest %.3f ms\n",
               hw_stats_jitter_ns(&s) / 1e6, s.jitter_rfc3550_ns / 1e6,
               s.jitter_max_ns / 1e6);
    return 0;
}
