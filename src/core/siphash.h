/* siphash.h - SipHash-2-4 (Aumasson and Bernstein), the keyed MAC that makes
 * a probe's cookie unforgeable by anyone who has not seen the per-run key. */
#ifndef HW_CORE_SIPHASH_H
#define HW_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 of len bytes at data under a 16-byte key; the 64-bit result
 * as the reference implementation returns it (little-endian byte order). */
uint64_t hw__siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
