/*
 * Benchmark kernel: 64-bit pseudo-random generators (splitmix64 seeding xorshift64*).
 * C twin of prng.ts: same generators, counts and checksum.
 */
#include <stdint.h>

#define COUNT 200000

static uint64_t splitmix_state;
static uint64_t xorshift_state;
static uint32_t histogram[16];

static inline uint64_t rotl64(uint64_t x, unsigned n)
{
    return (x << n) | (x >> (64 - n));
}

/* splitmix64 (Steele, Lea, Flood) */
static uint64_t splitmix64(void)
{
    uint64_t z = (splitmix_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* xorshift64* (Vigna): xorshift (12, 25, 27) and a multiplicative output scramble */
static uint64_t xorshift64star(void)
{
    uint64_t x = xorshift_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    xorshift_state = x;
    return x * 0x2545f4914f6cdd1dull;
}

uint64_t main(void)
{
    splitmix_state = 0x0123456789abcdefull;
    xorshift_state = splitmix64() | 1; /* never zero */
    for (int k = 0; k < 16; k++)
        histogram[k] = 0;
    uint64_t sum = 0;
    for (int i = 0; i < COUNT; i++) {
        uint64_t a = xorshift64star();
        uint64_t b = splitmix64();
        sum += a ^ rotl64(b, 17);
        histogram[a >> 60]++;
    }
    for (int k = 0; k < 16; k++)
        sum = sum * 31 + histogram[k];
    return sum;
}
