/*
 * Benchmark kernel: the SHA-256 compression function (FIPS 180-4, section 6.2.2).
 * C twin of sha256.ts: same message, rounds and checksum.
 */
#include <stddef.h>
#include <stdint.h>

#define BLOCKS 64
#define ROUNDS 32

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t state[8];
static uint8_t message[BLOCKS * 64];

static void fill_message(uint32_t seed)
{
    uint32_t x = seed;
    for (size_t i = 0; i < sizeof message; i++) {
        x = x * 1103515245u + 12345u;
        message[i] = (uint8_t)(x >> 24);
    }
}

/* Start a new hash: state = H(0). */
static void sha256_init(uint32_t h[8])
{
    for (int i = 0; i < 8; i++)
        h[i] = H0[i];
}

/* Compress the 64-byte block at data into the state h. */
static void sha256_block(uint32_t h[8], const uint8_t *data)
{
    uint32_t W[64];

    for (int t = 0; t < 16; t++) {
        const uint8_t *p = data + 4 * t;
        W[t] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    }
    for (int t = 16; t < 64; t++) {
        uint32_t w15 = W[t - 15], w2 = W[t - 2];
        uint32_t s0 = ROTR(w15, 7) ^ ROTR(w15, 18) ^ (w15 >> 3);
        uint32_t s1 = ROTR(w2, 17) ^ ROTR(w2, 19) ^ (w2 >> 10);
        W[t] = W[t - 16] + s0 + W[t - 7] + s1;
    }

    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t S1 = ROTR(e, 6) ^ ROTR(e, 11) ^ ROTR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = hh + S1 + ch + K[t] + W[t];
        uint32_t S0 = ROTR(a, 2) ^ ROTR(a, 13) ^ ROTR(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = S0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

uint64_t main(void)
{
    fill_message(7);
    sha256_init(state);
    for (int r = 0; r < ROUNDS; r++)
        for (int blk = 0; blk < BLOCKS; blk++)
            sha256_block(state, message + blk * 64);
    return ((uint64_t)state[0] << 32 | state[1]) ^ ((uint64_t)state[2] << 32 | state[3]) ^
           ((uint64_t)state[4] << 32 | state[5]) ^ ((uint64_t)state[6] << 32 | state[7]);
}
