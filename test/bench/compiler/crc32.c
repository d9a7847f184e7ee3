/*
 * Benchmark kernel: table-driven CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
 * C twin of crc32.ts: same table, data, rounds and checksum.
 */
#include <stddef.h>
#include <stdint.h>

#define BUF_LEN 4096
#define ROUNDS 128

static uint32_t crc_table[256];
static uint8_t buf[BUF_LEN];

static void init_table(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xedb88320u : c >> 1;
        crc_table[n] = c;
    }
}

static void fill_buffer(uint32_t seed)
{
    uint32_t x = seed;
    for (size_t i = 0; i < BUF_LEN; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 24);
    }
}

/* CRC-32 of data[0..len), continuing from crc (0 for a fresh CRC). */
static uint32_t crc32(const uint8_t *data, size_t len, uint32_t crc)
{
    uint32_t c = ~crc;
    for (size_t i = 0; i < len; i++)
        c = crc_table[(c ^ data[i]) & 0xff] ^ (c >> 8);
    return ~c;
}

uint64_t main(void)
{
    init_table();
    fill_buffer(1);
    uint32_t crc = 0;
    uint64_t sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        crc = crc32(buf, BUF_LEN, crc);
        sum = sum * 0x100000001b3ull ^ crc;
    }
    return sum;
}
