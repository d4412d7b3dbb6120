/* siphash.c - SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012), written from the paper's description. */
#include "core/siphash.h"

/* Read 8 bytes as a little-endian word, whatever the host byte order. */
static uint64_t load_le64(const uint8_t *b)
{
    uint64_t w = 0;

    for (int i = 7; i >= 0; i--)
        w = (w << 8) | b[i];
    return w;
}

static uint64_t rotl64(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64 - b));
}

/* One SipRound over the four state words, as in section 2 of the paper. */
static void sipround(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = rotl64(v[1], 13);
    v[1] ^= v[0];
    v[0] = rotl64(v[0], 32);
    v[2] += v[3];
    v[3] = rotl64(v[3], 16);
    v[3] ^= v[2];
    v[0] += v[3];
    v[3] = rotl64(v[3], 21);
    v[3] ^= v[0];
    v[2] += v[1];
    v[1] = rotl64(v[1], 17);
    v[1] ^= v[2];
    v[2] = rotl64(v[2], 32);
}

/* Absorb one message word: two compression rounds (the "2" of 2-4). */
static void compress(uint64_t v[4], uint64_t m)
{
    v[3] ^= m;
    sipround(v);
    sipround(v);
    v[0] ^= m;
}

uint64_t hw__siphash24(const uint8_t key[16], const void *data, size_t len)
{
    const uint8_t *in = data;
    uint64_t k0 = load_le64(key);
    uint64_t k1 = load_le64(key + 8);
    /* The initial state is the key xored with "somepseudorandomlygeneratedbytes". */
    uint64_t v[4] = {
        k0 ^ UINT64_C(0x736f6d6570736575),
        k1 ^ UINT64_C(0x646f72616e646f6d),
        k0 ^ UINT64_C(0x6c7967656e657261),
        k1 ^ UINT64_C(0x7465646279746573),
    };
    size_t full = len - len % 8;
    uint64_t last;

    for (size_t i = 0; i < full; i += 8)
        compress(v, load_le64(in + i));

    /* The final word holds the 0..7 leftover bytes, zero padding, and the
     * message length modulo 256 in its most significant byte. */
    last = (uint64_t)(len & 0xff) << 56;
    for (size_t i = 0; i < len % 8; i++)
        last |= (uint64_t)in[full + i] << (8 * i);
    compress(v, last);

    /* Finalization: four rounds (the "4" of 2-4). */
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++)
        sipround(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}
