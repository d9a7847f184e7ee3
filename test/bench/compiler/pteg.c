/*
 * Benchmark kernel: hashed page table (HPT) PTEG search, POWER ISA style (256 MiB segments,
 * 4 KiB pages). C twin of pteg.ts: same table, hash, data, lookups and checksum.
 */
#include <stdbool.h>
#include <stdint.h>

#define PTEG_COUNT 2048
#define HPTES_PER_PTEG 8
#define HTAB_MASK (PTEG_COUNT - 1)
#define INSERTS 12000
#define LOOKUPS 100000

#define HPTE_V_VALID 0x1ull
#define HPTE_V_SECONDARY 0x2ull
#define HPTE_V_AVPN 0x3fffffffffffff80ull
#define HPTE_V_COMPARE (HPTE_V_AVPN | HPTE_V_SECONDARY | HPTE_V_VALID)
#define NOT_FOUND (~0ull)

struct hpte {
    uint64_t v;
    uint64_t r;
};

static struct hpte hpt[PTEG_COUNT * HPTES_PER_PTEG];
static uint64_t keys[INSERTS];
static uint64_t rng_state = 0x2545f4914f6cdd1dull;

/* xorshift64 (13, 7, 17) */
static uint64_t next_random(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

/* The primary hash of a virtual page number. */
static uint64_t hpt_hash(uint64_t vpn)
{
    uint64_t vsid = vpn >> 16;
    uint64_t page_index = vpn & 0xffff;
    return (vsid ^ page_index) & 0x7fffffffffull;
}

/* V doubleword of a valid HPTE for vpn in its primary PTEG (AVPN and valid bit). */
static uint64_t hpte_v(uint64_t vpn)
{
    return ((vpn >> 11) << 7 & HPTE_V_AVPN) | HPTE_V_VALID;
}

/* Put (v, r) in the first free slot of PTEG group; false if the PTEG is full. */
static bool insert_in_group(unsigned long group, uint64_t v, uint64_t r)
{
    struct hpte *pteg = &hpt[group * HPTES_PER_PTEG];
    for (int i = 0; i < HPTES_PER_PTEG; i++) {
        if (!(pteg[i].v & HPTE_V_VALID)) {
            pteg[i].r = r;
            pteg[i].v = v;
            return true;
        }
    }
    return false;
}

/* Insert a translation vpn -> r: primary PTEG, else secondary; false if both are full. */
static bool hpte_insert(uint64_t vpn, uint64_t r)
{
    uint64_t hash = hpt_hash(vpn);
    uint64_t v = hpte_v(vpn);
    if (insert_in_group(hash & HTAB_MASK, v, r))
        return true;
    return insert_in_group(~hash & HTAB_MASK, v | HPTE_V_SECONDARY, r);
}

/* Slot number (index in hpt) of the HPTE in PTEG group whose compared bits of V equal want,
 * or -1. */
static long search_group(unsigned long group, uint64_t want)
{
    unsigned long slot = group * HPTES_PER_PTEG;
    for (int i = 0; i < HPTES_PER_PTEG; i++)
        if ((hpt[slot + i].v & HPTE_V_COMPARE) == want)
            return slot + i;
    return -1;
}

/* The R doubleword translating vpn, or NOT_FOUND. */
static uint64_t hpte_lookup(uint64_t vpn)
{
    uint64_t hash = hpt_hash(vpn);
    uint64_t v = hpte_v(vpn);
    long slot = search_group(hash & HTAB_MASK, v);
    if (slot < 0)
        slot = search_group(~hash & HTAB_MASK, v | HPTE_V_SECONDARY);
    if (slot < 0)
        return NOT_FOUND;
    return hpt[slot].r;
}

uint64_t main(void)
{
    for (int i = 0; i < INSERTS; i++) {
        uint64_t vpn = next_random() >> 12; /* 36-bit VSID, 16-bit page index */
        keys[i] = vpn;
        uint64_t r = (uint64_t)(0x100000 + i) * 4096 | 0x192; /* RPN, R/C, WIMG = M, PP = 2 */
        hpte_insert(vpn, r);
    }
    uint64_t sum = 0;
    for (int i = 0; i < LOOKUPS; i++) {
        uint64_t rnd = next_random();
        uint64_t vpn = (i & 3) != 3 ? keys[rnd % INSERTS] : rnd >> 12;
        sum = sum * 0x100000001b3ull ^ hpte_lookup(vpn);
    }
    return sum;
}
