/**
 * Native lowering of the intrinsics: each one, compiled by tsnc and disassembled, is the
 * instruction its doc comment in scripts/tsnc/lib/intrinsics.ts names.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './helpers';

const TSNC = path.join(__dirname, '..', '..', 'scripts', 'tsnc', 'bin', 'tsnc.cjs');

/** Exported function body -> instruction (regex on objdump's text) that must appear in it. */
const CASES: Record<string, [string, RegExp]> = {
  load8: ['return BigInt(load8(a));', /\blbz\b/],
  load16: ['return BigInt(load16(a));', /\blhz\b/],
  load32: ['return BigInt(load32(a));', /\blwz\b/],
  load64: ['return load64(a);', /\bld\b/],
  store16: ['store16(a, 0x1234); return 0n;', /\bsth\b/],
  store64: ['store64(a, a); return 0n;', /\bstd\b/],
  load64le: ['return load64le(a);', /\bldbrx\b/],
  load32le: ['return BigInt(load32le(a));', /\blwbrx\b/],
  store64le: ['store64le(a, a); return 0n;', /\bstdbrx\b/],
  store16le: ['store16le(a, 7); return 0n;', /\bsthbrx\b/],
  ciLoad8: ['return BigInt(ciLoad8(a));', /\blbzcix\b/],
  ciLoad64: ['return ciLoad64(a);', /\bldcix\b/],
  ciStore32: ['ciStore32(a, 7); return 0n;', /\bstwcix\b/],
  mfspr: ['return mfspr(0x13f);', /\bmf(spr\s+r3,319|lpidr\s+r3)\b/],
  mtspr: ['mtspr(0x134, a); return 0n;', /\bmt(spr\s+308,r3|hsprg0\s+r3)\b/],
  mfmsr: ['return mfmsr();', /\bmfmsr\b/],
  mtmsrd: ['mtmsrd(a, 1); return 0n;', /\bmtmsrd\s+r3,1\b/],
  mftb: ['return mftb();', /\bmf(tb\s+r3|spr\s+r3,268)\b/],
  sync: ['sync(); return 0n;', /\b(hw)?sync\b/],
  lwsync: ['lwsync(); return 0n;', /\blwsync\b/],
  isync: ['isync(); return 0n;', /\bisync\b/],
  eieio: ['eieio(); return 0n;', /\beieio\b/],
  ptesync: ['ptesync(); return 0n;', /\bptesync\b/],
  dcbz: ['dcbz(a); return 0n;', /\bdcbz\b/],
  dcbf: ['dcbf(a); return 0n;', /\bdcbf\b/],
  icbi: ['icbi(a); return 0n;', /\bicbi\b/],
  tlbie: ['tlbie(a, 5n, 2, 1, 1); return 0n;', /\btlbie\s+r3,r4,2,1,1\b/],
  tlbiel: ['tlbiel(a, 0n, 0, 0, 0); return 0n;', /\btlbiel\s+r3,r4\b/],
  tlbsync: ['tlbsync(); return 0n;', /\btlbsync\b/],
  slbia: ['slbia(7); return 0n;', /\bslbia\s+7\b/],
  clz64: ['return BigInt(clz64(a));', /\bcntlzd\b/],
  popcnt64: ['return BigInt(popcnt64(a));', /\bpopcntd\b/],
  asm: ['return asm("mfspr $0, 1023");', /\bmfspr\s+r\d+,1023\b/],
  trap: ['if (a === 3n) trap(); return 0n;', /\btrap\b/],
};

describe('tsnc intrinsics, native', function () {
  this.timeout(300_000);
  let disasm = '';
  before(() => {
    const dir = tempDir('intrinsics');
    const names = Object.keys(CASES).join(', ');
    const src = [`import { type u64, ${names} } from 'tsnc';`,
      ...Object.entries(CASES).map(([n, [body]]) => `export function t_${n}(a: u64): u64 { ${body} }`)].join('\n') + '\n';
    fs.writeFileSync(path.join(dir, 'intr.ts'), src);
    const obj = path.join(dir, 'intr.o');
    const r = spawnSync(process.execPath, [TSNC, 'compile', path.join(dir, 'intr.ts'), '-o', obj], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    disasm = spawnSync('powerpc64-linux-gnu-objdump', ['-d', '-M', 'power9', '--no-show-raw-insn', obj], { encoding: 'utf8' }).stdout;
  });

  /** The disassembly of the plain-name export `name`. */
  function body(name: string): string {
    const start = disasm.indexOf(`<${name}>:`);
    expect(start, `no symbol ${name}`).to.be.greaterThan(-1);
    const end = disasm.indexOf('\n\n', start);
    return disasm.slice(start, end < 0 ? undefined : end);
  }

  for (const [name, [, insn]] of Object.entries(CASES)) {
    it(`${name}: lowers to the instruction it names`, () => {
      expect(body(`t_${name}`)).to.match(insn);
    });
  }
});
