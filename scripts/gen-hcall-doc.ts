/**
 * docs/hcalls.md from the registration table (hcalls/table.ts): the table is the single source
 * of truth; a unit test fails when the committed page differs from what this prints.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/gen-hcall-doc.ts > docs/hcalls.md
 */
import { Fast, HCALLS } from '../hcalls/table';

/** Operation names by value, as the policy language spells them (the Node transpile keeps the const enum Op as an object). */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const CLASS_NAMES = (require('../shype/ops') as { Op: Record<number, string> }).Op;

/** The Markdown page. */
export function hcallDoc(): string {
  const rows = HCALLS.map(r => `| \`${r.name}\` | 0x${r.opcode.toString(16).toUpperCase()} | ${CLASS_NAMES[r.hclass]} | ${r.functionSet ? `\`${r.functionSet}\`` : '(not advertised)'} | ${r.fast === Fast.No ? "full state" : "fast path"} |`);
  return [
    '# Hypervisor calls',
    '',
    'Generated from `hcalls/table.ts` by `scripts/gen-hcall-doc.ts`; do not edit by hand.',
    '',
    'Every hcall passes the gate (`hv/gate.ts`) before its handler runs, and nothing else reaches',
    'a handler. The gate answers, in this order:',
    '',
    '1. **Problem state: H_PRIVILEGE (-3).** An hcall made with MSR[PR] = 1 (a user program inside',
    "   a partition) is refused whatever the opcode, tshype's own `H_TSHYPE_*` calls included; the",
    '   handler never runs and nothing changes. This is what QEMU\'s spapr answers',
    '   (`hw/ppc/spapr_hcall.c`); KVM instead reflects such an `sc 1` back into the partition as a',
    '   system call. tshype follows QEMU: the user program gets a plain failure status, the',
    '   refusal needs no interrupt delivered into the partition, and for the guest kernel either',
    '   answer leaves the failure contained in its user process.',
    '2. **Unknown opcode: H_FUNCTION (-2).**',
    '3. **Policy: H_AUTHORITY (-10).** With an sHype policy the decision is `decide()`\'s for the',
    "   call's policy class (below: the operation the policy language names), through the decision",
    "   cache, audited; without a policy, the partition's allowed classes.",
    '',
    'Each outcome is counted (the `[hv] gate:` line of the shutdown summary). Past the gate, bad',
    'arguments get the status PAPR gives (mostly H_PARAMETER, -4) and change nothing. The function',
    "sets form each partition's `/rtas/ibm,hypertas-functions`; a set is advertised only when",
    'every call a guest expects of it is here. Calls marked "full state" are not dispatched on',
    "the platform's hcall fast path: they read or write more of the vCPU than r3..r12, NIP and MSR.",
    'The XICS presentation calls (`hcall-interrupt`) are decided as HcallProcessor: the policy',
    'language has no interrupt class of its own.',
    '',
    '| call | opcode | policy class | function set | dispatch |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '## Entitlement and accounting (`hcalls/accounting.ts`)',
    '',
    "**H_GET_PPP** (0xEC, `hcall-splpar`) answers the caller's processor entitlement in the layout of",
    "PAPR and Linux's `lparcfg` (`arch/powerpc/platforms/pseries/lparcfg.c`, `h_get_ppp`):",
    '',
    '| register | contents |',
    '|---|---|',
    '| r4 | entitled capacity in hundredths of a processor: the partition\'s share (20 = 0.20 processing units) |',
    '| r5 | unallocated capacity: 100 less the entitlements of all non-empty partitions |',
    '| r6 | group number (bits 16..31) and shared-pool number (bits 0..15): both 0, the one pool |',
    '| r7 | capped (bit 48), uncapped weight (bits 40..47), unallocated weight (bits 32..39, 0), active processors in the pool (bits 16..31) and on the platform (bits 0..15): 1 each |',
    '| r8 | processors allocated to virtualization (bits 48..63, 1), maximum and entitled capacity available to the pool in percent (bits 24..47 and 0..23, 100 each) |',
    '',
    'Linux calls it from `/proc/powerpc/lparcfg` when `hcall-splpar` is advertised (`FW_FEATURE_SPLPAR`);',
    "it shows r8's fields only when the root node has `ibm,partition-performance-parameters-level` >= 1,",
    'which tshype does not set, and the pool fields only for a shared-processor VPA (tshype leaves the',
    "VPA marked dedicated). Debian's kernel is built without `CONFIG_LPARCFG`, so there the call is not made.",
    '',
    "**H_TSHYPE_STATS** (0x6f40, `hcall-tshype`) reads a partition's accounting: r4 = its LPID, 0 for",
    "the caller. The caller's own figures need nothing more; another partition's need a policy granting",
    'the caller ReadAudit (as `H_TSHYPE_LAN_STATS`), else H_AUTHORITY with no register but r3 changed;',
    'an LPID naming no partition is H_PARAMETER. On success:',
    '',
    '| register | contents |',
    '|---|---|',
    '| r4 | CPU time, timebase ticks (time spent in the partition) |',
    '| r5 | lifetime, timebase ticks (its start to its halt or crash, or to now) |',
    '| r6 | entitlement: share percent (bits 0..7), capped (bit 8), uncapped weight (bits 16..23) |',
    '| r7 | hcalls admitted by the gate, class HcallConsole (bits 32..63) and HcallProcessor (bits 0..31) |',
    '| r8 | HcallPlatform (bits 32..63) and HcallMemory (bits 0..31) |',
    '| r9 | HcallRtas (bits 32..63) and HcallLifecycle (bits 0..31); each counter modulo 2^32 |',
    '| r10 | memory in MiB (bits 32..63) and TPM commands sent to its vTPM (bits 0..31) |',
    '| r11, r12 | logical-LAN bytes sent and received, summed over its ports |',
    '',
    'The shutdown summary prints the same figures as one `[hv] stats \'NAME\': ...` line per partition',
    '(`hv/accounting.ts` writePartitionStats).',
    '',
  ].join('\n');
}

if (require.main === module) process.stdout.write(hcallDoc());
