/* rtt.c - round-trip time from a send and a receive stamp, preferring the
 * kernel's arrival stamp unless the wall clock moved in between. */
#include "core/rtt.h"

int64_t hw__rtt(const struct hw_time *sent, const struct hw_time *received, bool *used_kernel)
{
    int64_t mono, off_sent, off_recv, step, k;

    if (used_kernel)
        *used_kernel = false;

    /* The monotonic clock never goes back, but clamp anyway so a caller that
     * mixes up its stamps still gets a non-negative RTT.  Overflow can only
     * come from nonsense stamps; treat it as zero. */
    if (__builtin_sub_overflow(received->mono_ns, sent->mono_ns, &mono) || mono < 0)
        mono = 0;

    if (received->kernel_ns == 0)
        return mono;

    /* If the wall clock was stepped (settimeofday, an NTP step) between the
     * two reads, its offset from the monotonic clock changed, and a wall-clock
     * difference across the step means nothing. */
    if (__builtin_sub_overflow(received->real_ns, received->mono_ns, &off_recv) ||
        __builtin_sub_overflow(sent->real_ns, sent->mono_ns, &off_sent) ||
        __builtin_sub_overflow(off_recv, off_sent, &step))
        return mono;
    if (step > HW_RTT_STEP_NS || step < -HW_RTT_STEP_NS)
        return mono;

    /* The kernel stamped the arrival before we read the clocks, so its RTT
     * can only be shorter than the monotonic one; anything else is a bad
     * stamp. */
    if (__builtin_sub_overflow(received->kernel_ns, sent->real_ns, &k))
        return mono;
    if (k < 0 || k > mono)
        return mono;

    if (used_kernel)
        *used_kernel = true;
    return k;
}
