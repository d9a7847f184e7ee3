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
    ...GRANTS,
  ].join('\n');
}

/** The section on the grant calls: their register ABI, the window, what is decided, the limits. */
const GRANTS = [
  '## Shared memory: grants',
  '',
  'A partition shares a page of its memory with another through four calls of its own, in the',
  "spirit of Xen's grant tables (`hcalls/grant.ts`, tables in `lpar/grant.ts`). Partitions are",
  'named by LPID: slot i of the configuration (its i-th partition, from 0) has LPID i + 1. A',
  "grant is named by its owner's LPID and a reference 0..15 the owner was given.",
  '',
  '| call | in | out | statuses |',
  '|---|---|---|---|',
  '| `H_TSHYPE_GRANT` 0x6F48 | r4 grantee LPID, r5 logical address of a page of the caller\'s memory (4 KiB aligned), r6 flags: 1 read-write, 0 read-only | r4 reference | H_PARAMETER (r4 not another partition\'s LPID, r5 not a page of the caller, other flag bits), H_NOT_FOUND (no partition created or running with that LPID), H_AUTHORITY (policy), H_RESOURCE (16 grants outstanding) |',
  '| `H_TSHYPE_MAP` 0x6F4C | r4 owner LPID, r5 reference, r6 logical address of a page of the caller\'s grant window | r4 1 writable, 0 read-only | H_PARAMETER (r4 not another partition\'s LPID, r5 > 15, r6 not a window page or already mapped), H_NOT_FOUND (no such owner, or no grant r5 to the caller), H_AUTHORITY (policy), H_RESOURCE (16 mappings held), H_HARDWARE (the platform could not write the mapping; nothing changed) |',
  '| `H_TSHYPE_UNMAP` 0x6F50 | r4 logical address of a page of the caller\'s grant window | | H_PARAMETER (not a window page), H_NOT_FOUND (nothing mapped there) |',
  '| `H_TSHYPE_REVOKE` 0x6F54 | r4 reference | r4 mappings removed | H_PARAMETER (r4 > 15), H_NOT_FOUND (the caller has no grant r4) |',
  '',
  '**The grant window.** Every partition has one, at logical address 0x80_0000_0000 (512 GiB,',
  'just above the largest memory a partition can have) for 2 MiB: 512 pages of 4 KiB (its device',
  "tree says so: `tshype,grant-window = <base size>` in the root node, 64-bit each). Its",
  'partition-scoped radix tree (`arch/ppc64/radix.ts`) has 4 KiB leaves there (root entry 1,',
  'a PUD, a PMD and one PTE page, built empty with the partition). MAP writes one PTE (read, and',
  'write for a read-write grant; never execute) and discards the LPID\'s cached translations',
  '(powernv: `tlbie` by LPID; pseries: H_TLB_INVALIDATE to L0); UNMAP and REVOKE clear it and',
  'invalidate the same way before they return. A page of the window that is not mapped, or a',
  'store to a read-only one, is a storage violation: the hypervisor stops the partition (`crashed:',
  'access outside its memory to 0x…`). The window is **not** part of the memory hcalls accept:',
  'handlers reach partition memory only through `realAddress()` (`lpar/memory.ts`), which covers',
  '[0, memory size) alone, so no hcall argument can name a granted page, and a partition cannot',
  'grant on a page it was granted.',
  '',
  '**What is decided.** GRANT asks `ShareMemory` from the owner\'s label to the grantee\'s, MAP',
  'asks `ShareMemory` from the grantee\'s label to the owner\'s (so a policy reload that took the',
  'right away stops new mappings of old grants), both through `decide()` (cached, a denial',
  'audited). MAP asks before it looks the grant up: a denied caller learns nothing of grants.',
  'UNMAP and REVOKE only take sharing away and are not decided. A partition can map only a grant',
  'whose grantee it is; every refusal changes nothing.',
  '',
  '**When sharing ends.** `releaseGrants` (`lpar/grant.ts`) runs when a partition halts or',
  'crashes (the scheduler), restarts (RTAS system-reboot) or is stopped or destroyed: its grants',
  'are revoked (mappings in others removed), its own mappings removed, and grants made to it',
  'withdrawn (their owners\' references become free, REVOKE then answers H_NOT_FOUND), so nothing',
  'survives into the slot\'s next tenant.',
  '',
  '**Limits.** 16 grants outstanding per owner, 16 mappings held per partition (a grant may be',
  'mapped more than once), one 4 KiB page per grant, 512 window pages. Mappings already made',
  'stay when a policy reload would now deny them; the owner revokes to end them.',
  '',
];

if (require.main === module) process.stdout.write(hcallDoc());
