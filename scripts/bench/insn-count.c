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
 *     gcc -shared -fPIC -O2 -o libinsn.so insn-count.c
 *     qemu-ppc64 -plugin ./libinsn.so -d plugin prog.elf
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t, void *);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, qemu_plugin_vcpu_tb_trans_cb_t);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, enum qemu_plugin_op,
                                              void *, uint64_t);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, qemu_plugin_udata_cb_t, void *);
void qemu_plugin_outs(const char *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t count;

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &count,
                                             qemu_plugin_tb_n_insns(tb));
}

static void on_exit(qemu_plugin_id_t id, void *p)
{
    char line[64];
    (void)id;
    (void)p;
    snprintf(line, sizeof line, "insns: %llu\n", (unsigned long long)count);
    qemu_plugin_outs(line);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
    qemu_plugin_register_atexit_cb(id, on_exit, NULL);
    return 0;
}
