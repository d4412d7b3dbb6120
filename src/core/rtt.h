/* rtt.h - turning a send time and a receive time into a round-trip time.
 *
 * The kernel stamps arrivals with CLOCK_REALTIME (SO_TIMESTAMPNS), before our
 * process gets to run, so kernel_ns - sent.real_ns is the truest RTT we can
 * have.  But the wall clock can be stepped between send and receive, so the
 * pair is checked against the monotonic clock read at the same moments: if
 * the two clocks' offset moved, or the kernel RTT is negative or longer than
 * the monotonic one, the monotonic RTT is used instead.
 */
#ifndef HW_CORE_RTT_H
#define HW_CORE_RTT_H

#include <stdbool.h>
#include <stdint.h>

#include <hopwatch/engine.h>

/* Largest change of (real - mono) between send and receive that is taken
 * for clock-read noise rather than a wall-clock step: 1 ms. */
#define HW_RTT_STEP_NS 1000000

/* The RTT from sent to received, >= 0.  *used_kernel (may be NULL) tells
 * whether received->kernel_ns was used. */
int64_t hw__rtt(const struct hw_time *sent, const struct hw_time *received, bool *used_kernel);

#endif
