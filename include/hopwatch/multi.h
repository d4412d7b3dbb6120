/* hopwatch/multi.h - pinging many targets at once, fping's model: every
 * target gets a probe every interval, a global packets-per-second cap
 * spreads all probes evenly in time, count or endless.
 *
 * Costs: adding a target is O(1) amortised; each probe costs O(1) plus the
 * engine's O(log n) timer work; the pacer wakes at most once per
 * millisecond and sends every probe that is due by then, so a run of
 * 100,000 probes per second does not mean 100,000 wake-ups.  Memory per
 * target: sizeof(struct hw_stats) plus a few words (see doc/), plus
 * history_len * 4 bytes when a history is kept.
 */
#ifndef HOPWATCH_MULTI_H
#define HOPWATCH_MULTI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hopwatch/addr.h>
#include <hopwatch/engine.h>
#include <hopwatch/stats.h>

#ifdef __cplusplus
extern "C" {
#endif

struct hw_multi;

/* Called for every counted probe outcome (index: the target's index) and,
 * with r->extra set, for late and duplicate answers. */
typedef void (*hw_multi_result_cb)(void *arg, size_t index, const struct hw_probe_result *r);

struct hw_multi_config {
    int64_t interval_ns;     /* per target: time between its probes (1 s) */
    int64_t timeout_ns;      /* per probe (1 s) */
    uint64_t count;          /* probes per target, 0: endless (0) */
    double pps;              /* cap on probes per second over all targets,
                                0: none (default 1000) */
    enum hw_method method;   /* probe kind (ICMP echo) */
    uint16_t port;           /* UDP/TCP port, 0: default */
    int ttl;                 /* 0: system default */
    int tos;                 /* TOS / traffic class (0) */
    size_t payload_size;     /* payload bytes (56) */
    enum hw_fill fill;       /* payload fill (COUNT) */
    uint8_t fill_byte;       /* for HW_FILL_BYTE */
    size_t history_len;      /* probe outcomes kept per target, 0..65536 (0) */
    hw_multi_result_cb on_result; /* optional observer */
    void *arg;               /* passed to on_result */
};

/* Fill cfg with the defaults above. */
void hw_multi_config_init(struct hw_multi_config *cfg);

/* Create an empty set of targets on engine e (which must outlive it).
 * Returns NULL and sets *status (HW_EINVAL, -ENOMEM). */
struct hw_multi *hw_multi_new(struct hw_engine *e, const struct hw_multi_config *cfg, int *status);

/* Cancel every probe and free.  NULL is accepted. */
void hw_multi_free(struct hw_multi *m);

/* Add a target; its index (0, 1, ... in the order added) in *index (may be
 * NULL).  Targets added after the start join the schedule at once.
 * Returns 0, HW_EFAMILY (no socket for its family), HW_EINVAL or -ENOMEM. */
int hw_multi_add(struct hw_multi *m, const struct hw_addr *addr, size_t *index);

/* Start probing.  The first probes of the targets are spread over one
 * interval (or as the pps cap allows), not sent in one burst. */
int hw_multi_start(struct hw_multi *m);

/* True once every target had its count of probes and none is in flight
 * (never in endless mode). */
bool hw_multi_done(const struct hw_multi *m);

/* Targets added. */
size_t hw_multi_size(const struct hw_multi *m);

/* A copy of target index's statistics.  Returns 0 or HW_EINVAL. */
int hw_multi_stats(const struct hw_multi *m, size_t index, struct hw_stats *out);

/* The latest send error of target index's probes (a negative status for
 * hw_strerror: its probes that could not be sent are in stats.errors, not
 * lost), 0 when none failed (or for a bad index). */
int hw_multi_send_status(const struct hw_multi *m, size_t index);

/* The address of target index (AF_UNSPEC for a bad index). */
struct hw_addr hw_multi_addr(const struct hw_multi *m, size_t index);

/* Its latest probe outcomes, oldest first, as hw_trace_history(). */
size_t hw_multi_history(const struct hw_multi *m, size_t index, int32_t *out, size_t max);

/* Stop sending / send again (from now) / forget every statistic. */
void hw_multi_pause(struct hw_multi *m);
void hw_multi_resume(struct hw_multi *m);
void hw_multi_reset(struct hw_multi *m);

/* Changes whenever a statistic changes (for redraws). */
uint64_t hw_multi_generation(const struct hw_multi *m);

/* Bytes of memory the set holds now (targets, histories, its arrays), for
 * the documentation's figures and for benchmarks. */
size_t hw_multi_memory(const struct hw_multi *m);

#ifdef __cplusplus
}
#endif

#endif
