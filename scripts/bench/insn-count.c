/*
 * insn-count: a QEMU TCG plugin that counts executed guest instructions.
 *
 * Debian's QEMU 7.2 is built with plugin support but ships no qemu-plugin.h, so the few API
 * functions used here are declared by hand (their signatures are those of QEMU 7.2's
 * include/qemu/qemu-plugin.h, plugin API version 1). Every translated block gets an inline
 * "add the block's instruction count to a counter" op, executed each time the block runs; at
 * exit the total is printed through qemu_plugin_outs, which writes to QEMU's log (stderr with
 * `-d plugin`):
 *
 *     insns: 1234567
 *
 * The count is exact and repeatable for a deterministic single-threaded program (a block
 * left early by a fault would be counted whole, which only happens on a crash).
 *
 * Address ranges: each plugin argument range=START-END (hex or decimal; up to MAX_RANGES)
 * also counts, separately, the executed instructions whose address is in [START, END), with
 * an inline add per such instruction (blocks outside every range cost nothing more):
 *
 *     qemu-system-ppc64 -plugin ./libinsn.so,range=0x11760-0x11ba8 -d plugin ...
 *     insns in range 0x11760-0x11ba8: 123456
 *
 * The addresses are the ones the CPU executes at (effective addresses), whoever runs there.
 *
 * Marks: with the argument marks=1, every execution of the no-op `or 27,27,27` or
 * `or 28,28,28` (big-endian code: arch/ppc64/guest/start.S benchMarkA, benchMarkB) prints the
 * running count, so a program can timestamp its phases in instructions (the count includes
 * the whole block holding the marker, the same for every mark):
 *
 *     mark A 123456
 *
 *     gcc -shared -fPIC -O2 -o libinsn.so insn-count.c
 *     qemu-ppc64 -plugin ./libinsn.so -d plugin prog.elf
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t, void *);
struct qemu_plugin_insn;

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, qemu_plugin_vcpu_tb_trans_cb_t);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, enum qemu_plugin_op,
                                              void *, uint64_t);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *, size_t);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *, enum qemu_plugin_op,
                                                void *, uint64_t);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, qemu_plugin_udata_cb_t, void *);
void qemu_plugin_outs(const char *);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *);
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int, void *);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *, qemu_plugin_vcpu_udata_cb_t,
                                            enum qemu_plugin_cb_flags, void *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t count;

#define MAX_RANGES 8
static int ranges;
static uint64_t range_start[MAX_RANGES], range_end[MAX_RANGES], range_count[MAX_RANGES];

static int marks;
/* or 27,27,27 and or 28,28,28, in memory (big-endian) order */
static const unsigned char MARK_A[4] = { 0x7f, 0x7b, 0xdb, 0x78 };
static const unsigned char MARK_B[4] = { 0x7f, 0x9c, 0xe3, 0x78 };

static void on_mark(unsigned int vcpu, void *which)
{
    char line[64];
    (void)vcpu;
    snprintf(line, sizeof line, "mark %c %llu\n", which ? 'B' : 'A', (unsigned long long)count);
    qemu_plugin_outs(line);
}

static void find_marks(struct qemu_plugin_tb *tb, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (qemu_plugin_insn_size(insn) != 4)
            continue;
        const unsigned char *d = qemu_plugin_insn_data(insn);
        if (memcmp(d, MARK_A, 4) == 0)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
        else if (memcmp(d, MARK_B, 4) == 0)
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, (void *)1);
    }
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &count, n);
    if (marks)
        find_marks(tb, n);
    if (ranges == 0 || n == 0)
        return;
    uint64_t first = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, 0));
    uint64_t last = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, n - 1));
    for (int r = 0; r < ranges; r++) {
        if (last < range_start[r] || first >= range_end[r])
            continue;
        for (size_t i = 0; i < n; i++) {
            struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
            uint64_t a = qemu_plugin_insn_vaddr(insn);
            if (a >= range_start[r] && a < range_end[r])
                qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                           &range_count[r], 1);
        }
    }
}

static void on_plugin_exit(qemu_plugin_id_t id, void *p)
{
    char line[64];
    (void)id;
    (void)p;
    snprintf(line, sizeof line, "insns: %llu\n", (unsigned long long)count);
    qemu_plugin_outs(line);
    for (int r = 0; r < ranges; r++) {
        char out[128];
        snprintf(out, sizeof out, "insns in range 0x%llx-0x%llx: %llu\n",
                 (unsigned long long)range_start[r], (unsigned long long)range_end[r],
                 (unsigned long long)range_count[r]);
        qemu_plugin_outs(out);
    }
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "arg=", 4) == 0)
            a += 4;
        if (strcmp(a, "marks=1") == 0) {
            marks = 1;
            continue;
        }
        if (strncmp(a, "range=", 6) != 0 || ranges == MAX_RANGES)
            return -1;
        char *end;
        range_start[ranges] = strtoull(a + 6, &end, 0);
        if (*end != '-')
            return -1;
        range_end[ranges] = strtoull(end + 1, &end, 0);
        if (*end != 0 || range_end[ranges] <= range_start[ranges])
            return -1;
        ranges++;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
    qemu_plugin_register_atexit_cb(id, on_plugin_exit, NULL);
    return 0;
}
