/**
 * docs/hcalls.md from the registration table (hcalls/table.ts): the table is the single source
 * of truth; a unit test fails when the committed page differs from what this prints.
 *
 *   node -r ./scripts/tsnc/register.cjs scripts/gen-hcall-doc.ts > docs/hcalls.md
 */
import { HCALLS } from '../hcalls/table';

/** Policy class names by value: the Node transpile keeps the const enum HClass as an object. */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const CLASS_NAMES = (require('../hcalls/table') as { HClass: Record<number, string> }).HClass;

/** The Markdown page. */
export function hcallDoc(): string {
  const rows = HCALLS.map(r => `| \`${r.name}\` | 0x${r.opcode.toString(16).toUpperCase()} | ${CLASS_NAMES[r.hclass]} | ${r.functionSet ? `\`${r.functionSet}\`` : '(not advertised)'} |`);
  return [
    '# Hypervisor calls',
    '',
    'Generated from `hcalls/table.ts` by `scripts/gen-hcall-doc.ts`; do not edit by hand.',
    'Every call passes the gate (hv/gate.ts) with its policy class before its handler runs.',
    'Unknown opcodes return H_FUNCTION (-2), refused calls H_AUTHORITY (-10), bad arguments the',
    "status PAPR gives (mostly H_PARAMETER, -4). The function sets form each partition's",
    '`/rtas/ibm,hypertas-functions`.',
    '',
    '| call | opcode | policy class | function set |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (require.main === module) process.stdout.write(hcallDoc());
