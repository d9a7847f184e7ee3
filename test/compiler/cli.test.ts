/**
 * The tsnc command line on programs it has never seen: the differential runner's verdicts and
 * exit status, `build` producing an executable that runs under qemu-ppc64, `check` exit codes.
 */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from './helpers';

const TSNC = path.join(__dirname, '..', '..', 'scripts', 'tsnc', 'bin', 'tsnc.cjs');

function tsnc(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TSNC, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeAll(dir: string, files: Record<string, string>): void {
  for (const [name, src] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), src);
}

describe('tsnc command line', function () {
  this.timeout(300_000);

  it('conformance: passes programs it has never seen, including imports between them', () => {
    const dir = tempDir('conf-ok');
    writeAll(dir, {
      'lib.ts': "import { type u64 } from 'tsnc';\nexport class Acc { v: u64 = 0n; add(x: u64): void { this.v = BigInt.asUintN(64, this.v * 31n + x); } }\n",
      'one.ts': "import { type u64 } from 'tsnc';\nimport { Acc } from './lib';\nconst a = new Acc();\nexport function main(): u64 { for (let i = 0; i < 100; i++) a.add(BigInt(i)); return a.v; }\n",
      'two.ts': "import { type u64, mul64 } from 'tsnc';\nexport function main(): u64 { return mul64(0xdeadbeefn, BigInt((0xdeadbeef | 0) >>> 3)); }\n",
    });
    const r = tsnc('conformance', dir);
    expect(r.stdout).to.match(/^pass {2}one\.ts {2}[0-9a-f]{16}$/m);
    expect(r.stdout).to.match(/^pass {2}two\.ts {2}[0-9a-f]{16}$/m);
    expect(r.stdout).to.not.match(/lib\.ts/);
    expect(r.stdout.trim().split('\n').at(-1)).to.equal('2 passed, 0 failed');
    expect(r.status).to.equal(0);
  });

  it('conformance: reports a difference, a refused program and a trap, and exits non-zero', () => {
    const dir = tempDir('conf-bad');
    writeAll(dir, {
      // breaks the 2^53 promise: Node's float product loses the low bit, native is exact
      'overflow.ts': "import { type u64 } from 'tsnc';\nexport function main(): u64 { const a = 0x1fffffffffffff; return BigInt.asUintN(64, BigInt(a * 3)); }\n",
      'refused.ts': "import { type u64 } from 'tsnc';\nexport function main(): u64 { const f = (x: u64): u64 => x; return f(1n); }\n",
      'oob.ts': "import { type u64 } from 'tsnc';\nconst t = new Uint8Array(4);\nexport function main(): u64 { let s = 0; for (let i = 0; i <= 4; i++) s += t[i] === 0 ? 1 : 0; return BigInt(s); }\n",
      'fine.ts': "import { type u64 } from 'tsnc';\nexport function main(): u64 { return 7n; }\n",
    });
    const r = tsnc('conformance', dir);
    expect(r.stdout).to.match(/^FAIL {2}overflow\.ts {2}node [0-9a-f]{16} native [0-9a-f]{16}$/m);
    expect(r.stdout).to.match(/^FAIL {2}refused\.ts {2}compile error\n\s+\S*refused\.ts:2:\d+: closures and arrow functions are not supported/m);
    expect(r.stdout).to.match(/^FAIL {2}oob\.ts {2}native: killed by SIGTRAP/m);
    expect(r.stdout).to.match(/^pass {2}fine\.ts {2}0000000000000007$/m);
    expect(r.stdout.trim().split('\n').at(-1)).to.equal('1 passed, 3 failed');
    expect(r.status).to.equal(1);
  });

  it('build: produces a static ppc64 executable that prints main()', () => {
    const dir = tempDir('build');
    writeAll(dir, { 'p.ts': "import { type u64, rotl64 } from 'tsnc';\nexport function main(): u64 { return rotl64(0x8000000000000001n, 4n); }\n" });
    const elf = path.join(dir, 'p.elf');
    const r = tsnc('build', path.join(dir, 'p.ts'), '-o', elf);
    expect(r.status, r.stderr).to.equal(0);
    expect(fs.readFileSync(elf).subarray(0, 6)).to.deep.equal(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 2]), '64-bit big-endian ELF');
    const run = spawnSync('qemu-ppc64', [elf], { encoding: 'utf8', timeout: 30_000 });
    expect(run.stdout).to.equal('0000000000000018\n');
    expect(run.status).to.equal(0);
  });

  it('check: exit 0 for a good file, 1 with file:line:col for a bad one', () => {
    const dir = tempDir('check');
    writeAll(dir, {
      'good.ts': "export function f(a: number): number { return (a * 3) | 0; }\n",
      'bad.ts': "export function f(a: number): number {\n  return a / 3;\n}\n",
    });
    expect(tsnc('check', path.join(dir, 'good.ts')).status).to.equal(0);
    const bad = tsnc('check', path.join(dir, 'bad.ts'));
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.match(/bad\.ts:2:10: '\/' gives a fraction/);
  });

  it('usage: unknown commands and options exit 2 with the usage text', () => {
    const r = tsnc('frobnicate');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/usage:/);
    expect(tsnc('build', 'x.ts', '--bogus').status).to.equal(2);
  });
});
