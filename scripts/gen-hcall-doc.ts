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

/** What the table cannot say about the hashed-page-table calls (hcalls/hpt.ts, arch/ppc64/hash.ts). */
const HPT_SECTION = [
  '## Hashed page tables (powernv only)',
  '',
  'A partition whose configuration sets `hpt = true` runs with a hashed page table (HPT) instead',
  'of radix: its partition-table entry holds the HPT (HR = 0, HTABORG, HTABSIZE), its LPCR has',
  'HR = 0 and no process table, and its device tree offers hash only (no radix bit in',
  '`ibm,pa-features`, `ibm,architecture-vec-5` byte 24 = 0, and in each cpu node `ibm,pft-size`,',
  '`ibm,slb-size` = 32, `ibm,processor-segment-sizes` 256 MiB and 1 TiB, `ibm,segment-page-sizes`',
  '4 KiB and 64 KiB). Only powernv runs such partitions: on pseries tshype runs its partitions as',
  "nested KVM-HV guests, and QEMU 7.2's nested API (H_ENTER_NESTED) runs radix L2 guests only, so",
  'the build (`scripts/check-config.ts CONFIG pseries`) and the boot refuse the configuration,',
  'naming the partition. The HPT calls answer H_FUNCTION (-2) to a radix partition.',
  '',
  '**Size.** `ibm,pft-size` is log2 of the HPT size in bytes: memory / 128 rounded up to a power',
  "of two, at least 256 KiB (Linux's htab_shift_for_mem_size), times four while the VRMA uses",
  '4 KiB pages (below). HPTs come from the page pool once and are reused by later partitions of',
  'any slot (a block of a larger size serves a smaller one): creating and destroying partitions',
  'does not take more.',
  '',
  "**The VRMA.** On POWER9 a partition's real-mode accesses (MSR[IR] or MSR[DR] = 0) always go",
  "through the virtual real-mode area: the hypervisor keeps HPT entries of the VRMA's segment",
  '(1 TiB, VSID 0x1ffffff) mapping the whole partition, logical 0 to its first real byte, as',
  "KVM's kvmppc_map_vrma does. tshype enters them in 4 KiB pages with LPCR[VRMASD] = 0: QEMU",
  "7.2's POWER9 does not keep VRMASD in LPCR, so a 64 KiB VRMA is not found there. These entries",
  'are the hypervisor\'s: H_READ shows them, H_ENTER refuses the VRMA segment, and H_REMOVE,',
  'H_PROTECT, H_BULK_REMOVE and the clear calls treat them as not there (H_NOT_FOUND).',
  '',
  '**Addresses.** The HPT holds real addresses, in the ISA 3.0 format (B in doubleword 1); the',
  "calls speak PAPR's older format (B in doubleword 0). H_ENTER checks the logical page of",
  "`ptel` against the partition's memory (the whole page, of its size) and stores the real page;",
  'H_READ, H_REMOVE and H_CLEAR_REF/MOD return logical page numbers again (with or without',
  'H_R_XLATE), so a partition never learns where its memory is.',
  '',
  '| call | arguments -> outputs | refused with |',
  '|---|---|---|',
  '| H_ENTER | flags (H_EXACT; H_COALESCE_CAND ignored), ptex, pteh, ptel -> r4 = the index used | H_PARAMETER: other flags, ptex outside the HPT, a page size other than 4 KiB (L = 0) or 64 KiB (L = 1, LP = 1), a page outside the partition, WIMG other than M, the VRMA segment, AVPN bits ISA 3.0 cannot hold; H_PTEG_FULL: no free slot in the group (or the H_EXACT slot is used) |',
  '| H_REMOVE | flags (H_AVPN, H_ANDCOND), ptex, avpn -> r4, r5 = the old entry | H_PARAMETER: other flags, ptex outside; H_NOT_FOUND: invalid, VRMA, or the AVPN/ANDCOND test fails |',
  '| H_READ | flags (H_READ_4, H_R_XLATE), ptex -> r4, r5 (H_READ_4: r4..r11, the four from ptex & ~3) | H_PARAMETER: other flags, ptex outside |',
  '| H_PROTECT | flags (H_AVPN, pp0, key, N, pp), ptex, avpn | as H_REMOVE (H_AVPN only) |',
  '| H_BULK_REMOVE | up to four (tsh, tsl) in r4..r11, END ends the list -> each tsh becomes the response (SUCCESS or NOT_FOUND, the R and C bits) | H_PARAMETER, nothing removed: a specifier neither REQUEST nor END, both AVPN and ANDCOND, ptex outside (its response code PARM) |',
  '| H_CLEAR_REF, H_CLEAR_MOD | flags = 0, ptex -> r4 = doubleword 1 before R (C) is cleared | H_PARAMETER: flags, ptex outside; H_NOT_FOUND |',
  '| H_CLEAR_HPT | -> every guest entry removed (the VRMA stays) | |',
  '',
  'After a call changed or removed a valid entry, the partition\'s translations are invalidated',
  '(tlbie of the LPID, R = 0): a first step, PAPR allows more than the one page. A partition\'s',
  'restart (RTAS system-reboot) clears its guest entries too. H_REGISTER_PROC_TBL from an HPT',
  'partition: "keep the registration" (flags 0, what Linux passes) and deregistration succeed and',
  'change nothing; a radix or hash process table is H_PARAMETER. The HPT resize calls are not',
  'offered. The SLB of an HPT partition\'s vCPUs is switched with the rest of their state.',
  '',
];

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
    ...HPT_SECTION,
  ].join('\n');
}

if (require.main === module) process.stdout.write(hcallDoc());
