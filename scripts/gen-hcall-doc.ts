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
  ].join('\n');
}

if (require.main === module) process.stdout.write(hcallDoc());
