/**
 * Golden IR: the unoptimised LLVM IR tsnc emits for a few functions that pin down the value
 * model (ToInt32 on number bitwise operators, wrapped bigint arithmetic, unsigned/signed shifts,
 * bounds-checked typed-array access). Regenerate with UPDATE_GOLDEN=1 after a deliberate change.
 */
import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { lowerSnippets } from './helpers';
import { sym } from '../../scripts/tsnc/src/ir';

const GOLDEN_DIR = path.join(__dirname, 'golden');

const SOURCE = `import { type u64, type i64 } from 'tsnc';
const table = new Uint16Array(16);
export function toInt32Xor(a: number, b: number): number { return a ^ b; }
export function wrappedAdd(a: u64, b: u64): u64 { return BigInt.asUintN(64, a + b); }
export function signedShift(a: i64, n: u64): i64 { return a >> n; }
export function unsignedShift(a: u64): u64 { return a >> 3n; }
export function tableLoad(i: number): number { return table[i]; }
export function truncDiv(a: number, b: number): number { return (a / b) | 0; }
`;

/** The text of one `define` in a module, from its first line to its closing brace. */
function functionText(ir: string, symbol: string): string {
  const lines = ir.split('\n');
  const start = lines.findIndex(l => l.startsWith('define') && l.includes(`${sym(symbol)}(`));
  if (start < 0) throw new Error(`no function ${symbol}`);
  const end = lines.indexOf('}', start);
  return lines.slice(start, end + 1).join('\n') + '\n';
}

describe('tsnc golden IR', () => {
  const results = lowerSnippets({ golden: SOURCE });
  const golden = results.get('golden')!;
  for (const fn of ['toInt32Xor', 'wrappedAdd', 'signedShift', 'unsignedShift', 'tableLoad', 'truncDiv']) {
    it(`golden IR: ${fn}`, () => {
      expect(golden.messages).to.deep.equal([]);
      const text = functionText(golden.mod.ir, `golden.${fn}`);
      const file = path.join(GOLDEN_DIR, `${fn}.ll`);
      if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, text);
      expect(text).to.equal(fs.readFileSync(file, 'utf8'));
    });
  }
});
