/*
 * Benchmark kernel: a POWER radix page table walk (4 KiB base pages, 52-bit effective
 * addresses, 4 levels: 2^13-entry root, 2^9-entry PUD, PMD and PTE tables), over tables in a
 * simulated physical memory. C twin of radix.ts: same tables, addresses and checksum.
 */
#include <stdint.h>

#define EA_BITS 52
#define ROOT_BITS 13
#define LEVEL_BITS 9
#define PAGE_SHIFT 12
#define HUGE_SHIFT 21
#define TABLE_BYTES 4096
#define ROOT_BASE 0
#define MEM_DWORDS 131072

#define R_VALID 0x8000000000000000ull
#define R_LEAF 0x4000000000000000ull
#define NLB_MASK 0x0fffffffffffff00ull
#define NLS_MASK 0x1full
#define RPN_MASK 0x01fffffffffff000ull
#define PTE_ATTRS 0x18eull
#define FAULT (~0ull)

#define REGIONS 8
#define REGION_SHIFT 24
#define HUGE_REGIONS 4
#define HUGE_REGION_SHIFT 26
#define LOOKUPS 100000

static uint64_t mem[MEM_DWORDS];
static uint64_t region_base[REGIONS];
static uint64_t huge_region_base[HUGE_REGIONS];
static uint64_t next_table = 8 << ROOT_BITS;
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

/* A fresh zeroed 2^LEVEL_BITS-entry table from mem; its byte address. */
static uint64_t alloc_table(void)
{
    uint64_t t = next_table;
    next_table += TABLE_BYTES;
    return t;
}

/* Map the page of size 2^leaf_shift at ea to pa, creating the tables on the way. */
static void map_page(uint64_t ea, uint64_t pa, unsigned leaf_shift)
{
    uint64_t base = ROOT_BASE;
    unsigned bits = ROOT_BITS, shift = EA_BITS;
    for (int level = 0; level < 4; level++) {
        shift -= bits;
        uint64_t *slot = &mem[(base >> 3) + ((ea >> shift) & ((1u << bits) - 1))];
        if (shift == leaf_shift) {
            *slot = R_VALID | R_LEAF | (pa & RPN_MASK) | PTE_ATTRS;
            return;
        }
        uint64_t entry = *slot;
        if (!(entry & R_VALID)) {
            entry = R_VALID | alloc_table() | LEVEL_BITS;
            *slot = entry;
        }
        base = entry & NLB_MASK;
        bits = entry & NLS_MASK;
    }
}

/* The real address ea translates to, or FAULT. */
static uint64_t translate(uint64_t ea)
{
    if (ea >> EA_BITS)
        return FAULT;
    uint64_t base = ROOT_BASE;
    unsigned bits = ROOT_BITS, shift = EA_BITS;
    for (int level = 0; level < 4; level++) {
        shift -= bits;
        uint64_t pte = mem[(base >> 3) + ((ea >> shift) & ((1u << bits) - 1))];
        if (!(pte & R_VALID))
            return FAULT;
        if (pte & R_LEAF) {
            uint64_t offset_mask = (1ull << shift) - 1;
            return (pte & RPN_MASK & ~offset_mask) | (ea & offset_mask);
        }
        base = pte & NLB_MASK;
        bits = pte & NLS_MASK;
    }
    return FAULT;
}

static void build_tables(void)
{
    uint64_t pa = 0x40000000;
    for (int r = 0; r < REGIONS; r++) {
        uint64_t base = (next_random() >> 12) & ~0xffffffull; /* 52 bits, 16 MiB aligned */
        region_base[r] = base;
        for (uint64_t p = 0; p < 1u << (REGION_SHIFT - PAGE_SHIFT); p++) {
            map_page(base | p << PAGE_SHIFT, pa, PAGE_SHIFT);
            pa += 0x1000;
        }
    }
    for (int r = 0; r < HUGE_REGIONS; r++) {
        uint64_t base = (next_random() >> 12) & ~0x3ffffffull; /* 52 bits, 64 MiB aligned */
        huge_region_base[r] = base;
        for (uint64_t p = 0; p < 1u << (HUGE_REGION_SHIFT - HUGE_SHIFT); p++) {
            map_page(base | p << HUGE_SHIFT, pa, HUGE_SHIFT);
            pa += 0x200000;
        }
    }
}

/* The i-th address to translate, made from the random value rnd. */
static uint64_t lookup_address(int i, uint64_t rnd)
{
    int kind = i & 7;
    if (kind < 5) /* a 4 KiB page */
        return region_base[rnd >> 61] | (rnd & 0xffffff);
    if (kind == 5) /* a 2 MiB page */
        return huge_region_base[rnd >> 62] | (rnd & 0x3ffffff);
    if (kind == 6) /* just past a 4 KiB region: faults in the PMD or the PUD */
        return (region_base[rnd >> 61] + 0x1000000) | (rnd & 0xffffff);
    return rnd >> 11; /* anywhere (mostly faults at the root), sometimes beyond 52 bits */
}

uint64_t main(void)
{
    build_tables();
    uint64_t sum = 0;
    for (int i = 0; i < LOOKUPS; i++) {
        uint64_t ea = lookup_address(i, next_random());
        sum = sum * 0x100000001b3ull ^ translate(ea);
    }
    return sum;
}
